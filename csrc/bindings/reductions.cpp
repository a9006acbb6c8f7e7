// The Python forms of the reduction table (Note [Reduction table]):
// tensorcore.<name> and Tensor.<name> as vectorcall objects whose arguments
// are bound here from the row's PyTorch signatures, and _C._reduction_ops(),
// the table tensorcore/_elementwise.py installs them from.
#include "bindings/reduction_table.h"

#include <array>
#include <cstring>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "autograd/grad_mode.h"
#include "autograd/meta.h"
#include "autograd/node.h"
#include "bindings/arg_parser.h"
#include "core/shape_util.h"

namespace tc::py_glue {

namespace {
using namespace tc::op_registry;

enum OutRule { COMPUTE_IN_OUT, SAME_DTYPE, INPUT_DTYPE, EXTREME };
const char* rule_name(OutRule r) {
  switch (r) {
    case COMPUTE_IN_OUT:
      return "compute_in_out";
    case SAME_DTYPE:
      return "same_dtype";
    case INPUT_DTYPE:
      return "input_dtype";
    case EXTREME:
      return "extreme";
  }
  return "";
}

// ---- the bound call, read by name ----
struct Call {
  const char* name;
  const Overload* ov;
  int index;  // which overload (the same for the function and the method form)
  PyObject** slots;
  PyObject* get(const char* pname) const {
    for (size_t i = 0; i < ov->params.size(); ++i)
      if (ov->params[i].name == pname) return slots[i];
    return nullptr;
  }
  bool has(const char* pname) const {
    for (const OParam& p : ov->params)
      if (p.name == pname) return true;
    return false;
  }
};

struct PyErrSet {};  // a Python error is set: unwind to the entry point
void ok(bool b) {
  if (!b) throw PyErrSet{};
}

// A plain Python int's value (false for anything else, or beyond int64).
bool plain_int(PyObject* o, int64_t* out) {
  if (!PyLong_CheckExact(o)) return false;
  int overflow = 0;
  *out = PyLong_AsLongLongAndOverflow(o, &overflow);
  return !overflow;
}
// The arguments were type-checked when bound: plain ints take the short way,
// everything else (numpy ints, 0-dim integer tensors, overflow) the parser's helpers.
Shape dims_of(const Call& c) {
  Shape dims;
  PyObject* o = c.get("dim");
  if (!o) return dims;
  int64_t v;
  if (plain_int(o, &v)) return {v};
  if (PyTuple_CheckExact(o)) {
    bool plain = true;
    for (Py_ssize_t i = 0; plain && i < PyTuple_GET_SIZE(o); ++i)
      if ((plain = plain_int(PyTuple_GET_ITEM(o, i), &v))) dims.push_back(v);
    if (plain) return dims;
  }
  ok(int_list_arg(c.name, "dim", o, &dims));
  return dims;
}
int64_t int_of(const Call& c, const char* pname) {
  PyObject* o = c.get(pname);
  int64_t v = 0;
  if (!plain_int(o, &v)) ok(parse_int(c.name, pname, o, &v));
  return v;
}
bool bool_of(const Call& c, const char* pname, bool dflt) {
  PyObject* o = c.get(pname);
  if (!o) return dflt;
  int r = PyObject_IsTrue(o);
  ok(r >= 0);
  return r == 1;
}
std::optional<DType> dtype_of(const Call& c) {
  std::optional<DType> dt;
  ok(parse_optional_dtype(c.name, c.get("dtype"), &dt));
  return dt;
}

// PyTorch's error for an integer result of an input that requires grad.
void check_grad_dtype(const Tensor& a, std::optional<DType> dt) {
  TC_CHECK(!(dt && !is_floating(*dt) && !is_complex(*dt) && a.requires_grad() && autograd::grad_enabled()),
           "Autograd not support dtype: ", scalar_type_name(*dt));
}
Tensor cast(const Tensor& a, std::optional<DType> dt) { return dt ? ops::to_dtype(a, *dt) : a; }

// Note [Composite node names]: out's node is named `name` unless it is an input's.
void rename_grad_fn(const Tensor& out, const char* name, const Tensor& input) {
  AutogradMeta* om = out->autograd.get();
  if (!om || !om->grad_fn) return;
  if (input->autograd && input->autograd->grad_fn == om->grad_fn) return;
  om->grad_fn->renamed = name;
}

py::object wrap(const Tensor& t) { return py::reinterpret_steal<py::object>(wrap_tensor(t)); }

// torch.return_types.<name>(values, indices), without a Python-level __new__.
py::object values_indices(const char* name, const Tensor& v, const Tensor& i) {
  static PyObject* types[2] = {nullptr, nullptr};
  PyObject*& cls = types[std::strcmp(name, "max") == 0 ? 0 : 1];
  if (!cls) cls = py::object(py::module_::import("tensorcore._tensor").attr("return_types").attr(name)).release().ptr();
  // A tuple subclass with __slots__ = (): allocate it with its two items, as tuple.__new__(cls, (v, i)) does.
  PyTypeObject* type = reinterpret_cast<PyTypeObject*>(cls);
  PyObject* r = type->tp_alloc(type, 2);
  if (!r) throw PyErrSet{};
  PyTuple_SET_ITEM(r, 0, wrap_tensor(v));
  PyTuple_SET_ITEM(r, 1, wrap_tensor(i));
  return py::reinterpret_steal<py::object>(r);
}

// ---- the ops: (call, input, dtype) -> result; dtype is the dtype= argument
// (or, for out= of COMPUTE_IN_OUT ops, out's dtype). ----
using Impl = py::object (*)(const Call&, const Tensor&, std::optional<DType>);

py::object mean_impl(const Call& c, const Tensor& a, std::optional<DType> dt) {
  return wrap(ops::mean(cast(a, dt), dims_of(c), bool_of(c, "keepdim", false)));
}

py::object nansum_impl(const Call& c, const Tensor& a, std::optional<DType> dt) {
  check_grad_dtype(a, dt);
  Shape dims = dims_of(c);
  for (int64_t d : dims) wrap_dim(d, a.dim(), "nansum");  // the dims' IndexError first, as PyTorch
  // PyTorch's CPU kernel refuses a complex input even when dtype= asks for a real sum
  TC_CHECK(!is_complex(a.dtype()), "nansum on CPU does not support complex inputs");
  bool keepdim = bool_of(c, "keepdim", false);
  // An integral input has no NaN to skip: a plain sum, into any dtype= (complex included, as PyTorch).
  if (!is_floating(a.dtype())) return wrap(ops::sum(cast(a, dt), dims, keepdim, dt));
  Tensor x = cast(a, dt);
  if (is_complex(x.dtype()))
    raise(ErrorKind::NotImplemented, "\"nansum_cpu\" not implemented for '", scalar_type_name(x.dtype()), "'");
  if (!is_floating(x.dtype())) return wrap(ops::sum(x, dims, keepdim, dt));  // no NaN to skip
  Tensor r = ops::sum(ops::where(ops::unary(UnaryOp::IsNan, x), ops::wrapped_scalar(Scalar::from_double(0.0)), x), dims,
                      keepdim);
  if (r.requires_grad()) rename_grad_fn(r, "NansumBackward0", a);
  return wrap(r);
}

py::object nanmean_impl(const Call& c, const Tensor& a, std::optional<DType> dt) {
  // the input's dtype is checked, not dtype='s (PyTorch's)
  TC_CHECK(is_floating(a.dtype()), "nanmean(): expected input to have floating point or complex dtype but got ",
           scalar_type_name(a.dtype()));
  Tensor x = cast(a, dt);
  Shape dims = dims_of(c);
  bool keepdim = bool_of(c, "keepdim", false);
  Tensor keep = ops::unary(UnaryOp::LogicalNot, ops::unary(UnaryOp::IsNan, x));
  Tensor total = ops::sum(ops::where(keep, x, ops::wrapped_scalar(Scalar::from_double(0.0))), dims, keepdim);
  return wrap(ops::div(total, ops::sum(keep, dims, keepdim)));
}

py::object prod_impl(const Call& c, const Tensor& a, std::optional<DType> dt) {
  check_grad_dtype(a, dt);
  Tensor x = cast(a, dt);
  std::optional<int64_t> dim;
  if (c.has("dim")) dim = int_of(c, "dim");
  Tensor r = ops::prod(x, dim, bool_of(c, "keepdim", false));
  return wrap(dt && r.dtype() != x.dtype() ? ops::to_dtype(r, x.dtype()) : r);  // a given dtype is the result's
}

py::object amax_impl(const Call& c, const Tensor& a, std::optional<DType>) {
  return wrap(ops::amax(a, dims_of(c), bool_of(c, "keepdim", false)));
}
py::object amin_impl(const Call& c, const Tensor& a, std::optional<DType>) {
  return wrap(ops::amin(a, dims_of(c), bool_of(c, "keepdim", false)));
}

template <bool Max> py::object extreme(const Call& c, const Tensor& a) {
  if (PyObject* other = c.get("other"))
    return wrap(ops::binary(Max ? BinaryOp::Maximum : BinaryOp::Minimum, a, unwrap_tensor(other)));
  if (!c.has("dim")) return wrap(Max ? ops::max_all(a) : ops::min_all(a));
  auto [v, i] = (Max ? ops::max_dim : ops::min_dim)(a, int_of(c, "dim"), bool_of(c, "keepdim", false));
  return values_indices(Max ? "max" : "min", v, i);
}
py::object max_impl(const Call& c, const Tensor& a, std::optional<DType>) { return extreme<true>(c, a); }
py::object min_impl(const Call& c, const Tensor& a, std::optional<DType>) { return extreme<false>(c, a); }

template <bool Max> py::object arg_extreme(const Call& c, const Tensor& a) {
  std::optional<int64_t> dim;
  if (c.get("dim")) dim = int_of(c, "dim");
  return wrap((Max ? ops::argmax : ops::argmin)(a, dim, bool_of(c, "keepdim", false)));
}
py::object argmax_impl(const Call& c, const Tensor& a, std::optional<DType>) { return arg_extreme<true>(c, a); }
py::object argmin_impl(const Call& c, const Tensor& a, std::optional<DType>) { return arg_extreme<false>(c, a); }

// all/any over an explicit empty dim list reduce nothing: each element's truth (PyTorch).
bool empty_dim_list(const Call& c) {
  PyObject* d = c.get("dim");
  return d && (PyTuple_Check(d) || PyList_Check(d)) && PySequence_Fast_GET_SIZE(d) == 0;
}
py::object all_impl(const Call& c, const Tensor& a, std::optional<DType>) {
  if (empty_dim_list(c)) return wrap(ops::binary(BinaryOp::Ne, a, ops::wrapped_scalar(Scalar::from_int(0))));
  return wrap(ops::all(a, dims_of(c), bool_of(c, "keepdim", false)));
}
py::object any_impl(const Call& c, const Tensor& a, std::optional<DType>) {
  if (empty_dim_list(c)) return wrap(ops::binary(BinaryOp::Ne, a, ops::wrapped_scalar(Scalar::from_int(0))));
  return wrap(ops::any(a, dims_of(c), bool_of(c, "keepdim", false)));
}

// var/std: (dim, unbiased, keepdim), (dim, *, correction, keepdim) or (unbiased).
double correction_of(const Call& c) {
  if (c.has("correction")) {
    PyObject* o = c.get("correction");
    if (!o) return 1.0;
    double v = PyFloat_AsDouble(o);
    if (v == -1.0 && PyErr_Occurred()) throw PyErrSet{};
    return v;
  }
  return bool_of(c, "unbiased", true) ? 1.0 : 0.0;
}
py::object var_impl(const Call& c, const Tensor& a, std::optional<DType>) {
  return wrap(ops::var(a, dims_of(c), correction_of(c), bool_of(c, "keepdim", false)));
}
py::object std_impl(const Call& c, const Tensor& a, std::optional<DType>) {
  return wrap(ops::std(a, dims_of(c), correction_of(c), bool_of(c, "keepdim", false)));
}

py::object logsumexp_impl(const Call& c, const Tensor& a, std::optional<DType>) {
  PyObject* d = c.get("dim");
  bool keepdim = bool_of(c, "keepdim", false);
  if (d && (PyTuple_Check(d) || PyList_Check(d)) && PySequence_Fast_GET_SIZE(d) == 0 && a.dim() > 0 && !keepdim &&
      a.numel() > 0) {  // (no elements: PyTorch's early -inf return, which the op below gives too)
    std::string ones;   // PyTorch reduces every dim, then fails to write the result
    for (int64_t i = 0; i < a.dim(); ++i) ones += i ? ", 1" : "1";
    tc::raise(ErrorKind::Runtime, "output with shape [] doesn't match the broadcast shape [", ones, "]");
  }
  return wrap(ops::logsumexp(a, dims_of(c), keepdim));
}

template <bool Log> py::object softmax_family(const Call& c, const Tensor& a, std::optional<DType> dt) {
  Tensor x = cast(a, dt);
  int64_t dim = int_of(c, "dim");
  auto f = Log ? ops::log_softmax : ops::softmax;
  if (x.numel() == 0 && !is_floating(x.dtype())) {  // PyTorch runs no kernel for no elements: any dtype passes
    // ... but a complex result that would record history is refused by autograd (PyTorch's order)
    TC_CHECK(!(is_complex(x.dtype()) && x.requires_grad() && autograd::grad_enabled()),
             Log ? "_log_softmax" : "_softmax",
             " does not support automatic differentiation for outputs with complex dtype.");
    return wrap(ops::to_dtype(f(ops::to_dtype(x, DType::Float32), dim), x.dtype()));
  }
  return wrap(f(x, dim));
}
py::object softmax_impl(const Call& c, const Tensor& a, std::optional<DType> dt) {
  return softmax_family<false>(c, a, dt);
}
py::object log_softmax_impl(const Call& c, const Tensor& a, std::optional<DType> dt) {
  return softmax_family<true>(c, a, dt);
}

py::object cumsum_impl(const Call& c, const Tensor& a, std::optional<DType> dt) {
  if (dt == DType::Bool) {  // PyTorch's kernel has no bool instance; a 0-dim input runs none (it is its own sum)
    if (a.dim() == 0) {
      wrap_dim(int_of(c, "dim"), 0, "cumsum");
      check_grad_dtype(a, dt);
      return wrap(ops::clone(cast(a, dt)));
    }
    tc::raise(ErrorKind::NotImplemented, "\"cumsum_out_cpu\" not implemented for 'Bool'");
  }
  check_grad_dtype(a, dt);
  Tensor x = cast(a, dt);
  Tensor r = ops::cumsum(x, int_of(c, "dim"));  // integers accumulate in int64 unless a dtype is given
  return wrap(dt && r.dtype() != x.dtype() ? ops::to_dtype(r, x.dtype()) : r);
}

py::object count_nonzero_impl(const Call& c, const Tensor& a, std::optional<DType>) {
  return wrap(ops::sum(ops::binary(BinaryOp::Ne, a, ops::wrapped_scalar(Scalar::from_int(0))), dims_of(c), false));
}

// cumprod: running products along dim, from differentiable ops (CumprodBackward0 by name).
py::object cumprod_impl(const Call& c, const Tensor& a, std::optional<DType> dt) {
  int64_t dim = int_of(c, "dim"), n = std::max<int64_t>(a.dim(), 1);
  TC_CHECK_INDEX(-n <= dim && dim < n, "Dimension out of range (expected to be in range of [", -n, ", ", n - 1,
                 "], but got ", dim, ")");
  Tensor x = cast(a, dt);
  if (!dt && !is_floating(x.dtype()) && !is_complex(x.dtype()))
    x = ops::to_dtype(x, DType::Int64);  // integers and bools multiply in int64
  if (x.dim() == 0) return wrap(ops::clone(x));
  dim = (dim + n) % n;
  if (!is_complex(x.dtype())) {  // the scan kernel, accumulating as PyTorch's (Note [Cumprod accumulates as PyTorch])
    return wrap(ops::cumprod(x, dim));
  }
  std::vector<Tensor> outs;
  // PyTorch's scan starts from 1 and multiplies: for complex that is a complex product even for the first
  // element, (1 + 0i) * (-inf + 0i) = -inf + nanj (Note [Complex add is a + alpha * b] has the same effect).
  const bool complex_first = is_complex(x.dtype());
  for (const Tensor& p : ops::unbind(x, dim))
    outs.push_back(!outs.empty()   ? ops::mul(outs.back(), p)
                   : complex_first ? ops::mul(p, ops::wrapped_scalar(Scalar::from_int(1)))
                                   : p);
  Tensor r = outs.empty() ? ops::clone(x) : ops::stack(outs, dim);
  if (r.requires_grad()) rename_grad_fn(r, "CumprodBackward0", a);
  return wrap(r);
}

// ---- the rows ----
struct Row {
  const char* name;
  unsigned forms;
  OutRule rule;
  Impl impl;
  const char* overloads;
};
constexpr Row kRows[] = {
#define TC_ROW(name, forms, rule, impl, overloads) {#name, (forms), rule, &impl, overloads},
    TC_REDUCTION_OPS(TC_ROW)
#undef TC_ROW
};
constexpr size_t kNumRows = std::size(kRows);

constexpr size_t kMaxParams = 8;  // a row's longest signature (std's has 5)

struct Forms {
  std::vector<Overload> fn, method;
};
const std::vector<Forms>& forms() {
  static const std::vector<Forms> f = [] {
    std::vector<Forms> v(kNumRows);
    for (size_t r = 0; r < kNumRows; ++r) {
      v[r].fn = parse_overloads(kRows[r].overloads, false);
      v[r].method = parse_overloads(kRows[r].overloads, true);
      for (const Overload& ov : v[r].fn) TC_INTERNAL_ASSERT(ov.params.size() <= kMaxParams);
    }
    return v;
  }();
  return f;
}

// out= (rare): tensorcore/_out_variants.py reduction_out applies the row's
// out rule and writes the result compute(dtype) returns.
PyObject* with_out(const Row& row, const Call& c, const Tensor& a, PyObject* out) {
  PyObject* dtype = c.get("dtype");
  Impl impl = row.impl;
  Call call = c;
  py::cpp_function compute([call, a, impl](std::optional<DType> dt) { return impl(call, a, dt); });
  py::object r = py::module_::import("tensorcore._out_variants")
                     .attr("reduction_out")(row.name, rule_name(row.rule), py::reinterpret_borrow<py::object>(out),
                                            py::make_tuple(a), compute,
                                            dtype ? py::reinterpret_borrow<py::object>(dtype) : py::none());
  return r.release().ptr();
}

PyObject* call_row(size_t r, PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  const Row& row = kRows[r];
  const std::vector<Overload>& ovs = self ? forms()[r].method : forms()[r].fn;
  PyObject* slots[kMaxParams];
  int k = resolve(row.name, ovs, args, nargs, kwnames, slots);
  if (k < 0) return nullptr;
  Call c{row.name, &ovs[static_cast<size_t>(k)], k, slots};
  return guarded([&]() -> PyObject* {
    try {
      Tensor a = unwrap_tensor(self ? self : c.get("input"));
      PyObject* out = self ? nullptr : c.get("out");
      if (out) return with_out(row, c, a, out);
      std::optional<DType> dt;
      if (c.has("dtype")) dt = dtype_of(c);
      return row.impl(c, a, dt).release().ptr();
    } catch (PyErrSet&) { return nullptr; }
  });
}

// One C entry point per row and form (vectorcall passes no closure).
template <size_t R> PyObject* fn_entry(PyObject*, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return call_row(R, nullptr, a, n, k);
}
template <size_t R> PyObject* method_entry(PyObject* s, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return call_row(R, s, a, n, k);
}
using Fast = PyObject* (*)(PyObject*, PyObject* const*, Py_ssize_t, PyObject*);
struct Entry {
  Fast fn, method;
};
template <size_t... R> constexpr auto make_entries(std::index_sequence<R...>) {
  return std::array<Entry, sizeof...(R)>{Entry{&fn_entry<R>, &method_entry<R>}...};
}
constexpr auto kEntries = make_entries(std::make_index_sequence<kNumRows>{});

PyMethodDef* new_def(const char* name, Fast f) {
  static std::deque<PyMethodDef> defs;  // must outlive the objects made from them
  defs.push_back(
      {name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(f)), METH_FASTCALL | METH_KEYWORDS, nullptr});
  return &defs.back();
}
}  // namespace

void init_reductions(py::module_& m) {
  py::list table;
  for (size_t r = 0; r < kNumRows; ++r) {
    const Row& row = kRows[r];
    py::list form_words, fn_sigs, method_sigs;
    if (row.forms & FN) form_words.append("function");
    if (row.forms & METHOD) form_words.append("method");
    for (const Overload& ov : forms()[r].fn) fn_sigs.append(ov.printed);
    for (const Overload& ov : forms()[r].method) method_sigs.append(ov.printed);
    py::object fn = (row.forms & FN) ? py::reinterpret_steal<py::object>(PyCFunction_NewEx(
                                           new_def(row.name, kEntries[r].fn), nullptr, m.attr("__name__").ptr()))
                                     : py::none();
    py::object method =
        (row.forms & METHOD)
            ? py::reinterpret_steal<py::object>(PyDescr_NewMethod(tensor_type(), new_def(row.name, kEntries[r].method)))
            : py::none();
    table.append(py::make_tuple(row.name, py::tuple(form_words), rule_name(row.rule), py::tuple(fn_sigs),
                                py::tuple(method_sigs), fn, method));
  }
  py::tuple frozen(table);
  // (name, forms, out_rule, function signatures, method signatures, function, method) per row.
  m.def("_reduction_ops", [frozen] { return frozen; });
}

}  // namespace tc::py_glue
