// Hot non-elementwise functions and methods bound through the argument
// parser (Note [Argument parser]) instead of a Python wrapper: sum and
// matmul; and the common forms of shape methods and factories (Note [Fast
// shape methods]). _C._fast_functions() lists (name, function, method) for
// tensorcore/_elementwise.py to install, as the registry's rows are.
#include "bindings/arg_parser.h"

#include "autograd/grad_mode.h"
#include "autograd/meta.h"

#include <cstring>
#include <deque>
#include <string>
#include <unordered_map>
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
    // PyTorch's sum has no (keepdim) overload without dim, but dim=None is a dim: sum(x, None, keepdim=True)
    // reduces everything and keeps the dims (bind_args turns an explicit None into "not given").
    bool dim_given = nargs > (self ? 0 : 1);
    for (Py_ssize_t k = 0; kwnames && k < PyTuple_GET_SIZE(kwnames) && !dim_given; ++k) {
      const char* kname = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, k));
      dim_given = kname && (std::strcmp(kname, "dim") == 0 || std::strcmp(kname, "axis") == 0);
    }
    if (p[1] && !dim_given) {
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
    TC_CHECK(!(dtype && !is_floating(*dtype) && !is_complex(*dtype) && a.requires_grad() && autograd::grad_enabled()),
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

// Note [Placeholder storage]: torch.matmul with a sparse COO operand goes to
// tensorcore.sparse's matmul (registered at import); dense calls pay one test.
PyObject* g_sparse_matmul = nullptr;

PyObject* matmul_fn(PyObject*, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  PyObject* slots[3] = {nullptr, nullptr, nullptr};
  if (!bind_args(kMatmulFn, args, nargs, kwnames, slots)) return nullptr;
  return guarded([&]() -> PyObject* {
    Tensor a, b;
    if (!convert_arg(kMatmulFn, 0, slots[0], nargs > 0, &a) || !convert_arg(kMatmulFn, 1, slots[1], nargs > 1, &b))
      return nullptr;
    if (g_sparse_matmul && (a->storage->placeholder || b->storage->placeholder))
      return PyObject_Vectorcall(g_sparse_matmul, args, static_cast<size_t>(nargs), kwnames);
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
// Shape methods (view, reshape, permute, expand, unsqueeze, transpose), the
// factories zeros / ones / empty and their *_like forms, and cat / stack run
// in nearly every model's forward. Their common spellings -- plain ints (or
// one tuple/list of them), tensors, the usual keywords with plain values --
// parse here; every other call (other keywords, bools or numpy ints where an
// int goes, wrong types and their errors, a default device set, a
// non-contiguous *_like input) goes to the Python implementation it
// replaced, so behaviour is that one's exactly and only the common path is
// faster.

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
  if (!self) return PyObject_Vectorcall(fallback, args, static_cast<size_t>(nargs), kwnames);
  Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  std::vector<PyObject*> all(static_cast<size_t>(1 + nargs + nkw));
  all[0] = self;
  for (Py_ssize_t i = 0; i < nargs + nkw; ++i) all[static_cast<size_t>(1 + i)] = args[i];
  return PyObject_Vectorcall(fallback, all.data(), static_cast<size_t>(1 + nargs), kwnames);
}

// The fallbacks, by name, kept for the life of the module.
std::unordered_map<std::string, PyObject*>& fallbacks() {
  static std::unordered_map<std::string, PyObject*> m;
  return m;
}
PyObject* fallback(const char* name) { return fallbacks().at(name); }

template <Tensor (*Op)(const Tensor&, const Shape&)>
PyObject* shape_method(const char* name, PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  Shape shape;
  if (kwnames || !parse_shape_fast(args, nargs, &shape))
    return call_fallback(fallback(name), self, args, nargs, kwnames);
  return guarded([&]() -> PyObject* { return wrap_tensor(Op(unwrap_tensor(self), shape)); });
}
PyObject* view_method(PyObject* s, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return shape_method<&ops::view>("view", s, a, n, k);
}
PyObject* reshape_method(PyObject* s, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return shape_method<&ops::reshape>("reshape", s, a, n, k);
}
PyObject* permute_method(PyObject* s, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return shape_method<&ops::permute>("permute", s, a, n, k);
}
PyObject* expand_method(PyObject* s, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return shape_method<&ops::expand>("expand", s, a, n, k);
}

// Exactly `count` plain positional ints, no keywords.
bool parse_ints_fast(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, Py_ssize_t count, int64_t* out) {
  if (kwnames || nargs != count) return false;
  for (Py_ssize_t i = 0; i < count; ++i) {
    if (!PyLong_CheckExact(args[i])) return false;
    int overflow = 0;
    out[i] = PyLong_AsLongLongAndOverflow(args[i], &overflow);
    if (overflow) return false;
  }
  return true;
}
PyObject* unsqueeze_method(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  int64_t d;
  if (!parse_ints_fast(args, nargs, kwnames, 1, &d))
    return call_fallback(fallback("unsqueeze"), self, args, nargs, kwnames);
  return guarded([&]() -> PyObject* { return wrap_tensor(ops::unsqueeze(unwrap_tensor(self), d)); });
}
PyObject* transpose_method(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  int64_t d[2];
  if (!parse_ints_fast(args, nargs, kwnames, 2, d))
    return call_fallback(fallback("transpose"), self, args, nargs, kwnames);
  return guarded([&]() -> PyObject* { return wrap_tensor(ops::transpose(unwrap_tensor(self), d[0], d[1])); });
}

// The keywords a fast factory reads; anything else (or a value of another
// kind) sends the call to the Python implementation.
struct FactoryKeywords {
  std::optional<DType> dtype;
  bool requires_grad = false;
};
bool parse_factory_keywords(PyObject* const* kwvalues, PyObject* kwnames, FactoryKeywords* out) {
  if (!kwnames) return true;
  for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(kwnames); ++k) {
    const char* key = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, k));
    if (!key) {
      PyErr_Clear();
      return false;
    }
    PyObject* v = kwvalues[k];
    if (std::strcmp(key, "dtype") == 0) {
      if (v == Py_None) continue;
      bool found = false;
      for (int i = 0; i < kNumDTypes && !found; ++i)
        if (registry().dtypes[i].ptr() == v) out->dtype = static_cast<DType>(i), found = true;
      if (!found) return false;
    } else if (std::strcmp(key, "device") == 0) {
      // Only an explicit CPU device (the object every CPU tensor reports, or "cpu").
      if (v != device_object(Device::cpu()).ptr() &&
          !(PyUnicode_Check(v) && PyUnicode_CompareWithASCIIString(v, "cpu") == 0))
        return false;
    } else if (std::strcmp(key, "requires_grad") == 0) {
      if (!PyBool_Check(v)) return false;
      out->requires_grad = v == Py_True;
    } else {
      return false;
    }
  }
  return true;
}

// A factory's result with requires_grad applied (floating dtypes only: the
// fallback raises PyTorch's error for the others).
PyObject* finish_factory(Tensor t, bool requires_grad) {
  if (requires_grad) autograd::meta(t).requires_grad = true;  // a fresh floating leaf
  return wrap_tensor(t);
}

// zeros / ones / empty(*size, dtype=None, device=None, requires_grad=False)
template <int Fill>  // 0, 1, or -1 for empty
PyObject* factory_fn(const char* name, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  Shape shape;
  FactoryKeywords kw;
  if (!default_device().is_cpu() || !parse_shape_fast(args, nargs, &shape) ||
      !parse_factory_keywords(args + nargs, kwnames, &kw))
    return call_fallback(fallback(name), nullptr, args, nargs, kwnames);
  for (int64_t d : shape)
    if (d < 0) return call_fallback(fallback(name), nullptr, args, nargs, kwnames);
  DType dt = kw.dtype ? *kw.dtype : ops::default_dtype();
  if (kw.requires_grad && !is_floating(dt)) return call_fallback(fallback(name), nullptr, args, nargs, kwnames);
  return guarded([&]() -> PyObject* {
    Tensor t = Fill < 0 ? empty(shape, dt) : ops::full(shape, Scalar::from_int(Fill), dt);
    return finish_factory(t, kw.requires_grad);
  });
}
PyObject* zeros_fn(PyObject*, PyObject* const* a, Py_ssize_t n, PyObject* k) { return factory_fn<0>("zeros", a, n, k); }
PyObject* ones_fn(PyObject*, PyObject* const* a, Py_ssize_t n, PyObject* k) { return factory_fn<1>("ones", a, n, k); }
PyObject* empty_fn(PyObject*, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return factory_fn<-1>("empty", a, n, k);
}

// zeros_like / ones_like / empty_like(input, *, dtype=None, device=None,
// requires_grad=False) of a contiguous input (which the result's layout copies).
template <int Fill> PyObject* like_fn(const char* name, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  FactoryKeywords kw;
  if (nargs != 1 || !is_tensor(args[0]) || !parse_factory_keywords(args + nargs, kwnames, &kw))
    return call_fallback(fallback(name), nullptr, args, nargs, kwnames);
  Tensor in = unwrap_tensor(args[0]);
  DType dt = kw.dtype ? *kw.dtype : in.dtype();
  if (!in.is_contiguous() || !in.device().is_cpu() || (kw.requires_grad && !is_floating(dt)))
    return call_fallback(fallback(name), nullptr, args, nargs, kwnames);
  return guarded([&]() -> PyObject* {
    Tensor t = Fill < 0 ? empty(in.sizes(), dt) : ops::full(in.sizes(), Scalar::from_int(Fill), dt);
    return finish_factory(t, kw.requires_grad);
  });
}
PyObject* zeros_like_fn(PyObject*, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return like_fn<0>("zeros_like", a, n, k);
}
PyObject* ones_like_fn(PyObject*, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return like_fn<1>("ones_like", a, n, k);
}
PyObject* empty_like_fn(PyObject*, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return like_fn<-1>("empty_like", a, n, k);
}

// cat / stack(tensors, dim=0) with a list or tuple of tensors and an int dim.
template <Tensor (*Op)(const std::vector<Tensor>&, int64_t)>
PyObject* join_fn(const char* name, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  int64_t dim = 0;
  bool ok = !kwnames && (nargs == 1 || nargs == 2) && (PyList_Check(args[0]) || PyTuple_Check(args[0]));
  if (ok && nargs == 2) {
    int overflow = 0;
    ok = PyLong_CheckExact(args[1]) && ((dim = PyLong_AsLongLongAndOverflow(args[1], &overflow)), !overflow);
  }
  std::vector<Tensor> ts;
  if (ok) {
    Py_ssize_t n = PySequence_Fast_GET_SIZE(args[0]);
    ok = n > 0;
    ts.reserve(static_cast<size_t>(n));
    for (Py_ssize_t i = 0; ok && i < n; ++i) {
      PyObject* item = PySequence_Fast_GET_ITEM(args[0], i);
      ok = is_tensor(item);
      if (ok) ts.push_back(unwrap_tensor(item));
    }
  }
  if (!ok) return call_fallback(fallback(name), nullptr, args, nargs, kwnames);
  return guarded([&]() -> PyObject* { return wrap_tensor(Op(ts, dim)); });
}
PyObject* cat_fn(PyObject*, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return join_fn<&ops::cat>("cat", a, n, k);
}
PyObject* stack_fn(PyObject*, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return join_fn<&ops::stack>("stack", a, n, k);
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
  m.def("_set_sparse_matmul", [](py::object fn) { g_sparse_matmul = fn.release().ptr(); });
  m.def("_fast_functions", [frozen] { return frozen; });
  // Note [Fast shape methods]: given {name: Python implementation}, returns
  // {name: fast C++ replacement} (called once, at import): Tensor methods for
  // the shape methods, module functions for the factories and cat / stack.
  m.def("_fast_paths", [m](py::dict impls) {
    struct Entry {
      const char* name;
      Fast fn;
      bool method;
    };
    static const Entry kEntries[] = {
        {"view", &view_method, true},
        {"reshape", &reshape_method, true},
        {"permute", &permute_method, true},
        {"expand", &expand_method, true},
        {"unsqueeze", &unsqueeze_method, true},
        {"transpose", &transpose_method, true},
        {"zeros", &zeros_fn, false},
        {"ones", &ones_fn, false},
        {"empty", &empty_fn, false},
        {"zeros_like", &zeros_like_fn, false},
        {"ones_like", &ones_like_fn, false},
        {"empty_like", &empty_like_fn, false},
        {"cat", &cat_fn, false},
        {"stack", &stack_fn, false},
    };
    py::dict out;
    for (const Entry& e : kEntries) {
      if (!impls.contains(e.name)) continue;
      fallbacks()[e.name] = py::object(impls[e.name]).release().ptr();
      py::object f = e.method
                         ? py::reinterpret_steal<py::object>(PyDescr_NewMethod(tensor_type(), new_def(e.name, e.fn)))
                         : py::reinterpret_steal<py::object>(
                               PyCFunction_NewEx(new_def(e.name, e.fn), nullptr, m.attr("__name__").ptr()));
      out[e.name] = f;
    }
    return out;
  });
}

}  // namespace tc::py_glue
