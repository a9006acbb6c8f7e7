// Hot non-elementwise functions and methods bound through the argument
// parser (Note [Argument parser]) instead of a Python wrapper: sum and
// matmul; and the common forms of Tensor.view / Tensor.reshape (Note [Fast
// shape methods]). _C._fast_functions() lists (name, function, method) for
// tensorcore/_elementwise.py to install, as the registry's rows are.
#include "bindings/arg_parser.h"

#include "autograd/grad_mode.h"

#include <deque>
#include <vector>

namespace tc::py_glue {

namespace {
// out= (rare, not hot) goes to Python: tensorcore/_out_variants.py fast_out
// applies PyTorch's out= rules (Note [out= dtypes per op family]) and
// writes the result computed by `compute`.
PyObject* with_out(const char* name, PyObject* out, py::tuple inputs, py::object compute, PyObject* dtype) {
  py::object r = py::module_::import("tensorcore._out_variants")
                     .attr("fast_out")(name, py::reinterpret_borrow<py::object>(out), inputs, compute,
                                       dtype ? py::reinterpret_borrow<py::object>(dtype) : py::none());
  return r.release().ptr();
}

// sum(input, dim=None, keepdim=False, *, dtype=None, out=None); the method without input and out.
const Signature kSumFn{"sum",
                       false,
                       5,
                       {{"input", ArgKind::Tensor},
                        {"dim", ArgKind::Object, false, true, "axis"},
                        {"keepdim", ArgKind::Object, false, true, "keepdims"},
                        {"dtype", ArgKind::Object, true, true},
                        {"out", ArgKind::Object, true, true}}};
const Signature kSumMethod{"sum",
                           true,
                           3,
                           {{"dim", ArgKind::Object, false, true, "axis"},
                            {"keepdim", ArgKind::Object, false, true, "keepdims"},
                            {"dtype", ArgKind::Object, true, true}}};

PyObject* sum_impl(const Signature& sig, PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  PyObject* slots[5] = {nullptr, nullptr, nullptr, nullptr, nullptr};
  if (!bind_args(sig, args, nargs, kwnames, slots)) return nullptr;
  PyObject** p = self ? slots : slots + 1;  // dim, keepdim, dtype
  return guarded([&]() -> PyObject* {
    Tensor a;
    if (self)
      a = unwrap_tensor(self);
    else if (!convert_arg(sig, 0, slots[0], nargs > 0, &a))
      return nullptr;
    Shape dims;
    bool keepdim = false;
    std::optional<DType> dtype;
    if (!parse_dims("sum", p[0], &dims)) return nullptr;
    if (p[1] && !parse_bool("sum", "keepdim", p[1], &keepdim)) return nullptr;
    if (keepdim && !p[0]) {
      PyErr_SetString(PyExc_TypeError,
                      "sum() received an invalid combination of arguments - got (keepdim=bool, ), "
                      "but expected a dim with keepdim");
      return nullptr;
    }
    if (!self && slots[4] && slots[4] != Py_None)
      return with_out("sum", slots[4], py::make_tuple(a),
                      py::cpp_function([a, dims, keepdim](DType dt) { return ops::sum(a, dims, keepdim, dt); }), p[2]);
    if (!parse_optional_dtype("sum", p[2], &dtype)) return nullptr;
    // An integer result of an input that requires grad cannot be recorded (PyTorch's RuntimeError).
    TC_CHECK(!(dtype && !is_floating(*dtype) && a.requires_grad() && autograd::grad_enabled()),
             "Autograd not support dtype: ", dtype_name(*dtype));
    return wrap_tensor(ops::sum(a, dims, keepdim, dtype));
  });
}
PyObject* sum_fn(PyObject*, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return sum_impl(kSumFn, nullptr, a, n, k);
}
PyObject* sum_method(PyObject* s, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return sum_impl(kSumMethod, s, a, n, k);
}

// matmul(input, other, *, out=None); the method matmul(other).
const Signature kMatmulFn{
    "matmul", false, 3, {{"input", ArgKind::Tensor}, {"other", ArgKind::Tensor}, {"out", ArgKind::Object, true, true}}};
const Signature kMatmulMethod{"matmul", true, 1, {{"other", ArgKind::Tensor}}};

PyObject* matmul_fn(PyObject*, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  PyObject* slots[3] = {nullptr, nullptr, nullptr};
  if (!bind_args(kMatmulFn, args, nargs, kwnames, slots)) return nullptr;
  return guarded([&]() -> PyObject* {
    Tensor a, b;
    if (!convert_arg(kMatmulFn, 0, slots[0], nargs > 0, &a) || !convert_arg(kMatmulFn, 1, slots[1], nargs > 1, &b))
      return nullptr;
    if (slots[2] && slots[2] != Py_None)
      return with_out("matmul", slots[2], py::make_tuple(a, b),
                      py::cpp_function([a, b](py::object) { return ops::matmul(a, b); }), nullptr);
    return wrap_tensor(ops::matmul(a, b));
  });
}
PyObject* matmul_method(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  PyObject* slot;
  if (!bind_args(kMatmulMethod, args, nargs, kwnames, &slot)) return nullptr;
  return guarded([&]() -> PyObject* {
    Tensor b;
    if (!convert_arg(kMatmulMethod, 0, slot, nargs > 0, &b)) return nullptr;
    return wrap_tensor(ops::matmul(unwrap_tensor(self), b));
  });
}

// Note [Fast shape methods]
// Tensor.view / Tensor.reshape run in nearly every model's forward. Their
// common spellings -- ints, or one tuple/list/Size of ints, no keywords --
// parse here; every other call (keywords, a dtype, wrong types and their
// errors) goes to the Python implementation it replaced, so behaviour is that
// one's exactly and only the common path is faster.
PyObject* g_view_fallback = nullptr;
PyObject* g_reshape_fallback = nullptr;

// False (no error set) when the arguments are not all plain ints.
bool parse_shape_fast(PyObject* const* args, Py_ssize_t nargs, Shape* out) {
  PyObject* const* items = args;
  Py_ssize_t n = nargs;
  if (nargs == 1 && (PyTuple_Check(args[0]) || PyList_Check(args[0]))) {
    items = PySequence_Fast_ITEMS(args[0]);
    n = PySequence_Fast_GET_SIZE(args[0]);
  }
  if (n == 0 && nargs == 0) return false;  // view() with no size: the fallback raises
  out->reserve(static_cast<size_t>(n));
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* o = items[i];
    if (!PyLong_CheckExact(o)) return false;
    long long v = PyLong_AsLongLong(o);
    if (v == -1 && PyErr_Occurred()) {
      PyErr_Clear();
      return false;
    }
    out->push_back(v);
  }
  return true;
}

PyObject* call_fallback(PyObject* fallback, PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                        PyObject* kwnames) {
  Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  std::vector<PyObject*> all(static_cast<size_t>(1 + nargs + nkw));
  all[0] = self;
  for (Py_ssize_t i = 0; i < nargs + nkw; ++i) all[static_cast<size_t>(1 + i)] = args[i];
  return PyObject_Vectorcall(fallback, all.data(), static_cast<size_t>(1 + nargs), kwnames);
}

template <Tensor (*Op)(const Tensor&, const Shape&)>
PyObject* shape_method(PyObject* fallback, PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  Shape shape;
  if (kwnames || !parse_shape_fast(args, nargs, &shape)) return call_fallback(fallback, self, args, nargs, kwnames);
  return guarded([&]() -> PyObject* { return wrap_tensor(Op(unwrap_tensor(self), shape)); });
}
PyObject* view_method(PyObject* s, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return shape_method<&ops::view>(g_view_fallback, s, a, n, k);
}
PyObject* reshape_method(PyObject* s, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return shape_method<&ops::reshape>(g_reshape_fallback, s, a, n, k);
}

using Fast = PyObject* (*)(PyObject*, PyObject* const*, Py_ssize_t, PyObject*);
PyMethodDef* new_def(const char* name, Fast f) {
  static std::deque<PyMethodDef> defs;
  defs.push_back(
      {name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(f)), METH_FASTCALL | METH_KEYWORDS, nullptr});
  return &defs.back();
}
}  // namespace

void init_fast_functions(py::module_& m) {
  py::list table;
  for (auto [name, fn, method] : {std::tuple{"sum", &sum_fn, &sum_method}, {"matmul", &matmul_fn, &matmul_method}}) {
    auto f = py::reinterpret_steal<py::object>(PyCFunction_NewEx(new_def(name, fn), nullptr, m.attr("__name__").ptr()));
    auto meth = py::reinterpret_steal<py::object>(PyDescr_NewMethod(tensor_type(), new_def(name, method)));
    table.append(py::make_tuple(name, f, meth));
  }
  py::tuple frozen(table);
  m.def("_fast_functions", [frozen] { return frozen; });
  // Note [Fast shape methods]: given the Python view and reshape, returns the
  // method descriptors that replace them on Tensor (called once, at import).
  m.def("_fast_shape_methods", [](py::object view_fallback, py::object reshape_fallback) {
    g_view_fallback = view_fallback.release().ptr();  // kept for the life of the module
    g_reshape_fallback = reshape_fallback.release().ptr();
    auto view = py::reinterpret_steal<py::object>(PyDescr_NewMethod(tensor_type(), new_def("view", &view_method)));
    auto reshape =
        py::reinterpret_steal<py::object>(PyDescr_NewMethod(tensor_type(), new_def("reshape", &reshape_method)));
    return py::make_tuple(view, reshape);
  });
}

}  // namespace tc::py_glue
