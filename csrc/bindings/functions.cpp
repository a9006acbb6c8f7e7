// Raw ops exposed as tensorcore._C functions. Python wrappers in
// tensorcore/_functions.py and _tensor.py give them PyTorch's signatures; the
// elementwise registry's ops are bound with theirs in bindings/elementwise.cpp.
#include "bindings/arg_parser.h"
#include "bindings/common.h"
#include "core/iterator.h"
#include "core/shape_util.h"
#include "ops/dtype_ops.h"
#include "ops/out.h"

namespace tc::py_glue {

namespace {
Tensor operand(py::handle o, const char* op) {
  auto t = as_operand(o);
  if (!t)
    throw py::type_error(std::string(op) + "(): argument 'other' must be Tensor or Number, not " +
                         std::string(py::str(py::type::of(o).attr("__name__"))));
  return *t;
}
// A factory binding's device= (None: the CPU). The public factories
// (tensorcore/_functions.py) resolve None to the default device first
// (Note [Default device]); temporaries made inside Python-level ops stay
// where those ops compute.
Device factory_device(py::handle obj) {
  auto d = to_optional_device(obj, "factory");
  return d ? *d : Device::cpu();
}

// The dtype arguments of promote_types / can_cast: a tensorcore dtype or the
// Python types float / int / bool, as PyTorch's parser takes them, with its
// TypeError naming the parameter otherwise.
DType dtype_param(py::handle o, const char* fn, const char* param, int position) {
  std::optional<DType> dt;
  if (!o.is_none() && parse_optional_dtype(fn, o.ptr(), &dt) && dt) return *dt;
  PyErr_Clear();
  throw py::type_error(std::string(fn) + "(): argument '" + param + "' (position " + std::to_string(position) +
                       ") must be tensorcore.dtype, not " + std::string(py::str(py::type::of(o).attr("__name__"))));
}

std::string list_repr(const Shape& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

// torch.broadcast_shapes(*shapes): an int is a 1-d shape, None is skipped.
// Broadcasting itself is the rule every op uses (core broadcast_shapes); this
// adds the function's own argument forms and messages, which name the
// offending argument and the shape broadcast so far.
py::object broadcast_shapes_py(const py::args& args) {
  std::vector<Shape> shapes;
  std::vector<std::string> reprs;
  size_t rank = 0;
  for (py::handle a : args) {
    if (a.is_none()) continue;
    Shape s;
    if (PyLong_Check(a.ptr()) || (!PySequence_Check(a.ptr()) && PyIndex_Check(a.ptr()))) {
      s.push_back(py::int_(py::reinterpret_borrow<py::object>(a)).cast<int64_t>());
      reprs.push_back("(" + std::to_string(s[0]) + ",)");
    } else if (PyTuple_Check(a.ptr()) || PyList_Check(a.ptr())) {
      for (py::handle d : py::reinterpret_borrow<py::sequence>(a)) {
        if (!PyIndex_Check(d.ptr()))
          throw std::runtime_error("Input shapes should be of type ints, a tuple of ints, or a list of ints, got " +
                                   std::string(py::str(a)));
        s.push_back(py::int_(py::reinterpret_borrow<py::object>(d)).cast<int64_t>());
      }
      reprs.push_back(py::repr(a));
    } else {
      throw std::runtime_error("Input shapes should be of type ints, a tuple of ints, or a list of ints, got " +
                               std::string(py::str(a)));
    }
    for (int64_t d : s)
      if (d < 0) throw py::value_error("Attempting to broadcast a dimension with negative length!");
    rank = std::max(rank, s.size());
    shapes.push_back(std::move(s));
  }
  Shape common(rank, 1);
  for (size_t k = 0; k < shapes.size(); ++k) {
    const Shape& s = shapes[k];
    Shape padded(rank - s.size(), 1);
    padded.insert(padded.end(), s.begin(), s.end());
    Shape before = common;
    try {
      common = broadcast_shapes(common, padded, "broadcast_shapes");
    } catch (const Error&) {
      // The innermost mismatching dim, as PyTorch reports it.
      int64_t at = -1;
      for (size_t i = 0; i < s.size(); ++i) {
        size_t j = rank - 1 - i;
        if (padded[j] != 1 && before[j] != 1 && padded[j] != before[j]) {
          at = -static_cast<int64_t>(i) - 1;
          break;
        }
      }
      throw std::runtime_error("Attempting to broadcast a dimension of length " +
                               std::to_string(padded[rank + static_cast<size_t>(at)]) + " at " + std::to_string(at) +
                               "! Mismatching argument at index " + std::to_string(k) + " had " + reprs[k] +
                               "; but expected shape should be broadcastable to " + list_repr(before));
    }
  }
  return make_size(common);
}
}  // namespace

void init_functions(py::module_& m) {
  // The elementwise ops themselves come from the registry (bindings/elementwise.cpp).
  m.def("_add_without_alpha",
        [](const Tensor& a, py::handle b) { return ops::add_without_alpha(a, operand(b, "add")); });
  m.def("_add_without_alpha_",
        [](Tensor& a, py::handle b) -> Tensor& { return ops::add_without_alpha_(a, operand(b, "add_")); });
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
  m.def("broadcast_shapes", &broadcast_shapes_py);
  // Rule 4 of Note [out= semantics] for the Python-level ops (ops/out.h).
  m.def("_resize_output", [](Tensor& out, const Shape& shape, bool warn) { ops::resize_output(out, shape, warn); });
  // (The arguments are checked in order: a call's argument evaluation order is unspecified.)
  m.def("promote_types", [](py::handle a, py::handle b) {
    DType x = dtype_param(a, "promote_types", "type1", 1);
    DType y = dtype_param(b, "promote_types", "type2", 2);
    return dtype_object(promote_types(x, y));
  });
  m.def("can_cast", [](py::handle from, py::handle to) {
    DType x = dtype_param(from, "can_cast", "from_", 1);
    DType y = dtype_param(to, "can_cast", "to", 2);
    return can_cast(x, y);
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
  // Factories allocate on their device= argument (factory_device).
  m.def(
      "empty", [](const Shape& s, DType dt, py::handle dev) { return empty(s, dt, factory_device(dev)); },
      py::arg("shape"), py::arg("dtype"), py::arg("device") = py::none());
  m.def(
      "zeros", [](const Shape& s, DType dt, py::handle dev) { return ops::zeros(s, dt, factory_device(dev)); },
      py::arg("shape"), py::arg("dtype"), py::arg("device") = py::none());
  m.def(
      "ones", [](const Shape& s, DType dt, py::handle dev) { return ops::ones(s, dt, factory_device(dev)); },
      py::arg("shape"), py::arg("dtype"), py::arg("device") = py::none());
  m.def(
      "full",
      [](const Shape& s, Scalar v, py::object dt, py::handle dev) {
        return ops::full(s, v, to_optional_dtype(dt), factory_device(dev));
      },
      py::arg("shape"), py::arg("value"), py::arg("dtype"), py::arg("device") = py::none());
  m.def(
      "arange",
      [](Scalar a, Scalar b, Scalar c, py::object dt, py::handle dev) {
        return ops::arange(a, b, c, to_optional_dtype(dt), factory_device(dev));
      },
      py::arg("start"), py::arg("end"), py::arg("step"), py::arg("dtype"), py::arg("device") = py::none());
  m.def(
      "linspace",
      [](double a, double b, int64_t n, DType dt, py::handle dev) {
        return ops::linspace(a, b, n, dt, factory_device(dev));
      },
      py::arg("start"), py::arg("end"), py::arg("steps"), py::arg("dtype"), py::arg("device") = py::none());
  m.def(
      "eye", [](int64_t n, int64_t k, DType dt, py::handle dev) { return ops::eye(n, k, dt, factory_device(dev)); },
      py::arg("n"), py::arg("m"), py::arg("dtype"), py::arg("device") = py::none());
  py::class_<Generator, std::shared_ptr<Generator>>(m, "_Generator")
      .def(py::init<>())
      .def("manual_seed", [](Generator& g, uint64_t s) { g.manual_seed(s); })
      .def("initial_seed", [](const Generator& g) { return g.seed; });
  m.def("_default_generator", [] { return &default_generator(); }, py::return_value_policy::reference);
  m.def("manual_seed", &ops::manual_seed);
  m.def("initial_seed", &ops::initial_seed);
  m.def("get_rng_state", &ops::get_rng_state, py::arg("gen") = nullptr);
  m.def("set_rng_state", &ops::set_rng_state, py::arg("state"), py::arg("gen") = nullptr);
  m.def(
      "rand",
      [](const Shape& s, DType dt, Generator* g, py::handle dev) { return ops::rand(s, dt, g, factory_device(dev)); },
      py::arg("shape"), py::arg("dtype"), py::arg("gen") = nullptr, py::arg("device") = py::none());
  m.def(
      "randn",
      [](const Shape& s, DType dt, Generator* g, py::handle dev) { return ops::randn(s, dt, g, factory_device(dev)); },
      py::arg("shape"), py::arg("dtype"), py::arg("gen") = nullptr, py::arg("device") = py::none());
  m.def(
      "randint",
      [](int64_t lo, int64_t hi, const Shape& s, DType dt, Generator* g, py::handle dev) {
        return ops::randint(lo, hi, s, dt, g, factory_device(dev));
      },
      py::arg("low"), py::arg("high"), py::arg("shape"), py::arg("dtype"), py::arg("gen") = nullptr,
      py::arg("device") = py::none());
  m.def(
      "randperm",
      [](int64_t n, DType dt, Generator* g, py::handle dev) { return ops::randperm(n, dt, g, factory_device(dev)); },
      py::arg("n"), py::arg("dtype"), py::arg("gen") = nullptr, py::arg("device") = py::none());
  m.def("uniform_", &ops::uniform_, py::arg("t"), py::arg("lo"), py::arg("hi"), py::arg("gen") = nullptr);
  m.def("normal_", &ops::normal_, py::arg("t"), py::arg("mean"), py::arg("std"), py::arg("gen") = nullptr);
  m.def("random_", &ops::random_full_, py::arg("t"), py::arg("gen") = nullptr);
  m.def("random_to_", &ops::random_to_, py::arg("t"), py::arg("to"), py::arg("gen") = nullptr);
  m.def("random_from_to_", &ops::random_, py::arg("t"), py::arg("from_"), py::arg("to"), py::arg("gen") = nullptr);
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
  m.def("_view_dtype", &ops::view_dtype);
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
