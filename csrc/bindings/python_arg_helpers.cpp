// The argument parser's helpers, exported for the Python-level functions
// (tensorcore/_args.py binds its names to these): a shape, a dim list, an
// int, a dtype, a bool flag and keepdim are parsed -- and refused, with
// PyTorch's TypeErrors -- by the same C++ code whether the function taking
// them is bound in C++ (Note [Argument parser]) or written in Python.
// METH_FASTCALL, positional only: they run on hot paths.
#include "bindings/arg_parser.h"

namespace tc::py_glue {

namespace {
// args[i] as a C string when given, else `fallback`.
const char* name_at(PyObject* const* args, Py_ssize_t nargs, Py_ssize_t i, const char* fallback) {
  return i < nargs ? PyUnicode_AsUTF8(args[i]) : fallback;
}

bool arity(const char* fn, Py_ssize_t nargs, Py_ssize_t lo, Py_ssize_t hi) {
  if (nargs >= lo && nargs <= hi) return true;
  PyErr_Format(PyExc_TypeError, "%s() takes %zd to %zd positional arguments but %zd were given", fn, lo, hi, nargs);
  return false;
}

PyObject* to_py_list(const Shape& s) {
  PyObject* r = PyList_New(static_cast<Py_ssize_t>(s.size()));
  if (!r) return nullptr;
  for (size_t i = 0; i < s.size(); ++i) PyList_SET_ITEM(r, static_cast<Py_ssize_t>(i), PyLong_FromLongLong(s[i]));
  return r;
}

// _parse_shape(args: tuple, name="size") -> list[int]
PyObject* parse_shape_py(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (!arity("_parse_shape", nargs, 1, 2)) return nullptr;
  const char* name = name_at(args, nargs, 1, "size");
  if (!name) return nullptr;
  PyObject* seq = PySequence_Fast(args[0], "_parse_shape: args must be a sequence");
  if (!seq) return nullptr;
  Shape s;
  bool ok = parse_shape(name, PySequence_Fast_ITEMS(seq), PySequence_Fast_GET_SIZE(seq), &s);
  Py_DECREF(seq);
  return ok ? to_py_list(s) : nullptr;
}

// _parse_dims(dim, name) -> list[int] ([] for None: all dims)
PyObject* parse_dims_py(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (!arity("_parse_dims", nargs, 2, 2)) return nullptr;
  const char* name = name_at(args, nargs, 1, "");
  Shape s;
  if (!name || !parse_dims(name, args[0], &s)) return nullptr;
  return to_py_list(s);
}

// _parse_int(x, name, what="dim") -> int
PyObject* parse_int_py(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (!arity("_parse_int", nargs, 2, 3)) return nullptr;
  const char* name = name_at(args, nargs, 1, "");
  const char* what = name_at(args, nargs, 2, "dim");
  int64_t v;
  if (!name || !what || !parse_int(name, what, args[0], &v)) return nullptr;
  return PyLong_FromLongLong(v);
}

// _parse_dtype(d, name="op") -> dtype or None
PyObject* parse_dtype_py(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (!arity("_parse_dtype", nargs, 1, 2)) return nullptr;
  const char* name = name_at(args, nargs, 1, "op");
  std::optional<DType> dt;
  if (!name || !parse_optional_dtype(name, args[0], &dt)) return nullptr;
  if (!dt) Py_RETURN_NONE;
  return guarded([&] { return dtype_object(*dt).release().ptr(); });
}

// _parse_bool(x, name, what="keepdim") -> bool
PyObject* parse_bool_py(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (!arity("_parse_bool", nargs, 2, 3)) return nullptr;
  const char* name = name_at(args, nargs, 1, "");
  const char* what = name_at(args, nargs, 2, "keepdim");
  bool v;
  if (!name || !what || !parse_bool(name, what, args[0], &v)) return nullptr;
  return PyBool_FromLong(v);
}

// _parse_keepdim(keepdim, dim, name) -> bool
PyObject* parse_keepdim_py(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (!arity("_parse_keepdim", nargs, 3, 3)) return nullptr;
  const char* name = name_at(args, nargs, 2, "");
  bool v;
  if (!name || !parse_keepdim(name, args[0], args[1] != Py_None, &v)) return nullptr;
  return PyBool_FromLong(v);
}

PyMethodDef kDefs[] = {
    {"_parse_shape", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&parse_shape_py)), METH_FASTCALL,
     nullptr},
    {"_parse_dims", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&parse_dims_py)), METH_FASTCALL,
     nullptr},
    {"_parse_int", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&parse_int_py)), METH_FASTCALL, nullptr},
    {"_parse_dtype", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&parse_dtype_py)), METH_FASTCALL,
     nullptr},
    {"_parse_bool", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&parse_bool_py)), METH_FASTCALL,
     nullptr},
    {"_parse_keepdim", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&parse_keepdim_py)), METH_FASTCALL,
     nullptr},
};
}  // namespace

void init_python_arg_helpers(py::module_& m) {
  for (PyMethodDef& def : kDefs) {
    PyObject* f = PyCFunction_NewEx(&def, nullptr, m.attr("__name__").ptr());
    if (!f) throw py::error_already_set();
    m.add_object(def.ml_name, py::reinterpret_steal<py::object>(f));
  }
}

}  // namespace tc::py_glue
