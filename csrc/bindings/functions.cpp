// Raw ops exposed as tensorcore._C functions. Python wrappers in
// tensorcore/_functions.py and _tensor.py give them PyTorch's signatures; the
// elementwise registry's ops are bound with theirs in bindings/elementwise.cpp.
#include "bindings/common.h"
#include "core/shape_util.h"

namespace tc::py_glue {

namespace {
Tensor operand(py::handle o, const char* op) {
  auto t = as_operand(o);
  if (!t)
    throw py::type_error(std::string(op) + "(): argument 'other' must be Tensor or Number, not " +
                         std::string(py::str(py::type::of(o).attr("__name__"))));
  return *t;
}
}  // namespace

void init_functions(py::module_& m) {
  // The elementwise ops themselves come from the registry (bindings/elementwise.cpp).
  m.def("add_alpha", [](const Tensor& a, py::handle b, Scalar alpha) { return ops::add(a, operand(b, "add"), alpha); });
  m.def("sub_alpha", [](const Tensor& a, py::handle b, Scalar alpha) { return ops::sub(a, operand(b, "sub"), alpha); });
  m.def("add_alpha_",
        [](Tensor& a, py::handle b, Scalar alpha) -> Tensor& { return ops::add_(a, operand(b, "add_"), alpha); });
  m.def("where", [](const Tensor& c, py::handle a, py::handle b) {
    return ops::where(c, operand(a, "where"), operand(b, "where"));
  });
  m.def("clamp", &ops::clamp);
  m.def("clamp_", &ops::clamp_);
  m.def("clamp_tensor", [](const Tensor& a, std::optional<Tensor> lo, std::optional<Tensor> hi) {
    return ops::clamp_tensor(a, lo ? &*lo : nullptr, hi ? &*hi : nullptr);
  });
  m.def("lerp", [](const Tensor& a, const Tensor& b, py::handle w) { return ops::lerp(a, b, operand(w, "lerp")); });
  m.def("masked_fill", [](const Tensor& a, const Tensor& mask, py::handle v) {
    return ops::masked_fill(a, mask, operand(v, "masked_fill"));
  });
  m.def("result_type", [](py::handle a, py::handle b) {
    Tensor x = operand(a, "result_type"), y = operand(b, "result_type");
    return dtype_object(ops::result_type({&x, &y}));
  });

  // ---- conversion / copies ----
  m.def("to_dtype", &ops::to_dtype, py::arg("a"), py::arg("dtype"), py::arg("copy") = false);
  m.def("clone", &ops::clone);
  m.def("contiguous", &ops::contiguous);
  m.def("detach", &ops::detach);
  m.def("copy_", [](Tensor& dst, py::handle src) -> Tensor& {
    if (py::isinstance<TensorImpl>(src)) return ops::copy_(dst, src.cast<Tensor>());
    return ops::copy_(dst, operand(src, "copy_"));
  });
  m.def("fill_", [](Tensor& t, py::handle v) -> Tensor& {
    Scalar s;
    if (parse_scalar(v, &s)) return ops::fill_(t, s);
    Tensor vt = operand(v, "fill_");
    TC_CHECK(vt.dim() == 0, "fill_ only supports 0-dimension value tensor but got tensor with ", vt.dim(),
             " dimensions.");
    return ops::copy_(t, vt);
  });
  m.def("zero_", &ops::zero_);
  m.def("tensor_from_data",
        [](py::handle data, py::object dtype) { return tensor_from_data(data, to_optional_dtype(dtype)); });
  m.def("scalar_tensor", [](Scalar s, py::object dtype) { return ops::scalar_tensor(s, to_optional_dtype(dtype)); });
  m.def("get_default_dtype", [] { return dtype_object(ops::default_dtype()); });
  m.def("set_default_dtype", [](DType dt) { ops::set_default_dtype(dt); });

  // ---- creation ----
  m.def("empty", [](const Shape& s, DType dt) { return empty(s, dt); });
  m.def("zeros", &ops::zeros);
  m.def("ones", &ops::ones);
  m.def("full", [](const Shape& s, Scalar v, py::object dt) { return ops::full(s, v, to_optional_dtype(dt)); });
  m.def("arange",
        [](Scalar a, Scalar b, Scalar c, py::object dt) { return ops::arange(a, b, c, to_optional_dtype(dt)); });
  m.def("linspace", &ops::linspace);
  m.def("eye", &ops::eye);
  py::class_<Generator, std::shared_ptr<Generator>>(m, "_Generator")
      .def(py::init<>())
      .def("manual_seed", [](Generator& g, uint64_t s) { g.manual_seed(s); })
      .def("initial_seed", [](const Generator& g) { return g.seed; });
  m.def("_default_generator", [] { return &default_generator(); }, py::return_value_policy::reference);
  m.def("manual_seed", &ops::manual_seed);
  m.def("initial_seed", &ops::initial_seed);
  m.def("get_rng_state", &ops::get_rng_state, py::arg("gen") = nullptr);
  m.def("set_rng_state", &ops::set_rng_state, py::arg("state"), py::arg("gen") = nullptr);
  m.def("rand", &ops::rand, py::arg("shape"), py::arg("dtype"), py::arg("gen") = nullptr);
  m.def("randn", &ops::randn, py::arg("shape"), py::arg("dtype"), py::arg("gen") = nullptr);
  m.def("randint", &ops::randint, py::arg("low"), py::arg("high"), py::arg("shape"), py::arg("dtype"),
        py::arg("gen") = nullptr);
  m.def("randperm", &ops::randperm, py::arg("n"), py::arg("dtype"), py::arg("gen") = nullptr);
  m.def("uniform_", &ops::uniform_, py::arg("t"), py::arg("lo"), py::arg("hi"), py::arg("gen") = nullptr);
  m.def("normal_", &ops::normal_, py::arg("t"), py::arg("mean"), py::arg("std"), py::arg("gen") = nullptr);
  m.def("random_", &ops::random_full_, py::arg("t"), py::arg("gen") = nullptr);
  m.def("random_to_", &ops::random_to_, py::arg("t"), py::arg("to"), py::arg("gen") = nullptr);
  m.def("random_from_to_", &ops::random_, py::arg("t"), py::arg("from"), py::arg("to"), py::arg("gen") = nullptr);
  m.def("exponential_", &ops::exponential_, py::arg("t"), py::arg("lambd"), py::arg("gen") = nullptr);
  m.def("geometric_", &ops::geometric_, py::arg("t"), py::arg("p"), py::arg("gen") = nullptr);
  m.def("cauchy_", &ops::cauchy_, py::arg("t"), py::arg("median"), py::arg("sigma"), py::arg("gen") = nullptr);
  m.def("log_normal_", &ops::log_normal_, py::arg("t"), py::arg("mean"), py::arg("std"), py::arg("gen") = nullptr);
  m.def("bernoulli_scalar_", &ops::bernoulli_, py::arg("t"), py::arg("p"), py::arg("gen") = nullptr);
  m.def("bernoulli_tensor_", &ops::bernoulli_tensor_, py::arg("t"), py::arg("p"), py::arg("gen") = nullptr);
  m.def("bernoulli", &ops::bernoulli, py::arg("p"), py::arg("gen") = nullptr);
  m.def("poisson", &ops::poisson, py::arg("rates"), py::arg("gen") = nullptr);
  m.def("_standard_gamma", &ops::standard_gamma, py::arg("alpha"), py::arg("gen") = nullptr);
  m.def("binomial", &ops::binomial, py::arg("count"), py::arg("prob"), py::arg("gen") = nullptr);
  m.def("_sample_dirichlet", &ops::sample_dirichlet, py::arg("alpha"), py::arg("gen") = nullptr);
  m.def("_standard_gamma_grad", &ops::standard_gamma_grad, py::arg("alpha"), py::arg("x"));
  m.def("_dirichlet_grad", &ops::dirichlet_grad, py::arg("x"), py::arg("alpha"), py::arg("total"));
  m.def("normal_tensor_tensor", &ops::normal_tensor_tensor, py::arg("mean"), py::arg("std"), py::arg("gen") = nullptr);
  m.def("normal_tensor_scalar", &ops::normal_tensor_scalar, py::arg("mean"), py::arg("std"), py::arg("gen") = nullptr);
  m.def("normal_scalar_tensor", &ops::normal_scalar_tensor, py::arg("mean"), py::arg("std"), py::arg("gen") = nullptr);
  m.def("bernoulli_mask", &ops::bernoulli_mask, py::arg("shape"), py::arg("p_keep"), py::arg("dtype"),
        py::arg("gen") = nullptr);
  m.def("multinomial", &ops::multinomial, py::arg("probs"), py::arg("n"), py::arg("replacement"),
        py::arg("gen") = nullptr);

  // ---- views ----
  m.def("view", &ops::view);
  m.def("reshape", &ops::reshape);
  m.def("as_strided", &ops::as_strided);
  m.def("transpose", &ops::transpose);
  m.def("t", &ops::t);
  m.def("permute", &ops::permute);
  m.def("expand", &ops::expand);
  m.def("squeeze", &ops::squeeze);
  m.def("squeeze_dims", &ops::squeeze_dims);
  m.def("unsqueeze", &ops::unsqueeze);
  m.def("flatten", &ops::flatten);
  m.def("unflatten", &ops::unflatten);
  m.def("narrow", &ops::narrow);
  m.def("select", &ops::select);
  m.def("slice", &ops::slice);
  m.def("split", &ops::split);
  m.def("split_with_sizes", &ops::split_with_sizes);
  m.def("chunk", &ops::chunk);
  m.def("unbind", &ops::unbind);
  m.def("diagonal", &ops::diagonal);
  m.def("movedim", &ops::movedim);
  m.def("alias", &ops::alias);

  // ---- reductions ----
  m.def("sum", [](const Tensor& a, const Shape& dims, bool keepdim, py::object dt) {
    return ops::sum(a, dims, keepdim, to_optional_dtype(dt));
  });
  m.def("mean", &ops::mean);
  m.def("prod", &ops::prod);
  m.def("amax", &ops::amax);
  m.def("amin", &ops::amin);
  m.def("max_all", &ops::max_all);
  m.def("min_all", &ops::min_all);
  m.def("max_dim", &ops::max_dim);
  m.def("min_dim", &ops::min_dim);
  m.def("argmax", &ops::argmax);
  m.def("argmin", &ops::argmin);
  m.def("var", &ops::var);
  m.def("std", &ops::std);
  m.def("all", &ops::all);
  m.def("any", &ops::any);
  m.def("softmax", &ops::softmax);
  m.def("log_softmax", &ops::log_softmax);
  m.def("logsumexp", &ops::logsumexp);
  m.def("cumsum", &ops::cumsum);
  m.def("norm", &ops::norm);
  m.def("sort", &ops::sort);
  m.def("topk", &ops::topk);
  m.def("sum_to", &ops::sum_to);

  // ---- linear algebra and joins ----
  m.def("mm", &ops::mm);
  m.def("bmm", &ops::bmm);
  m.def("matmul", &ops::matmul);
  m.def("dot", &ops::dot);
  m.def("mv", &ops::mv);
  m.def("outer", &ops::outer);
  m.def("addmm", &ops::addmm);
  m.def("cat", &ops::cat);
  m.def("stack", &ops::stack);

  // ---- indexing and nn ----
  m.def("index_select", &ops::index_select);
  m.def("flip", &ops::flip);
  m.def("repeat", &ops::repeat);
  m.def("gather", &ops::gather);
  m.def("scatter_add", &ops::scatter_add);
  m.def("nonzero", &ops::nonzero);
  m.def("embedding", &ops::embedding);
  m.def("index", &ops::index);
  m.def("index_put_", &ops::index_put_);
  m.def("index_put", &ops::index_put);
  m.def("nll_loss", [](const Tensor& logp, const Tensor& target, std::optional<Tensor> weight, int64_t ignore_index,
                       int reduction) {
    return ops::nll_loss(logp, target, weight ? *weight : Tensor(), ignore_index, reduction);
  });
}

}  // namespace tc::py_glue
