#include "bindings/arg_parser.h"

#include <cstring>
#include <string>

namespace tc::py_glue {

namespace {
int positional_count(const Signature& sig) {
  int n = 0;
  for (int i = 0; i < sig.nparams; ++i) n += !sig.params[i].keyword_only;
  return n;
}

// type(o).__name__ (tp_name carries the module: "tensorcore._C.Tensor").
const char* type_name(PyObject* o) { return _PyType_Name(Py_TYPE(o)); }

bool fail(const std::string& msg) {
  PyErr_SetString(PyExc_TypeError, msg.c_str());
  return false;
}
}  // namespace

bool bind_args(const Signature& sig, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, PyObject** slots) {
  const int npos = positional_count(sig);
  for (int i = 0; i < sig.nparams; ++i) slots[i] = nullptr;
  if (nargs > npos) {
    if (sig.method && npos == 0)
      return fail(std::string("TensorBase.") + sig.name + "() takes no arguments (" + std::to_string(nargs) +
                  " given)");
    return fail(std::string(sig.name) + "() takes " + std::to_string(npos) + " positional argument" +
                (npos == 1 ? "" : "s") + " but " + std::to_string(nargs) + " were given");
  }
  for (Py_ssize_t i = 0; i < nargs; ++i) slots[i] = args[i];
  const Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  unsigned by_name = 0, by_alias = 0;  // which slots keywords filled
  for (Py_ssize_t k = 0; k < nkw; ++k) {
    PyObject* key = PyTuple_GET_ITEM(kwnames, k);
    const char* kname = PyUnicode_AsUTF8(key);
    if (!kname) return false;
    int found = -1;
    bool alias = false;
    for (int i = 0; i < sig.nparams && found < 0; ++i) {
      if (std::strcmp(sig.params[i].name, kname) == 0)
        found = i;
      else if (sig.params[i].alias && std::strcmp(sig.params[i].alias, kname) == 0)
        found = i, alias = true;
    }
    if (found < 0) return fail(std::string(sig.name) + "() got an unexpected keyword argument '" + kname + "'");
    const Param& p = sig.params[found];
    if (slots[found]) {
      if (((alias ? by_name : by_alias) >> found) & 1u)
        return fail(std::string(sig.name) + "() got both '" + p.name + "' and its alias '" + p.alias + "'");
      return fail(std::string(sig.name) + "() got multiple values for argument '" + p.name + "'");
    }
    (alias ? by_alias : by_name) |= 1u << found;
    slots[found] = args[nargs + k];
  }
  for (int i = 0; i < sig.nparams; ++i) {
    if (slots[i] && slots[i] == Py_None && sig.params[i].optional) slots[i] = nullptr;
    if (!slots[i] && !sig.params[i].optional)
      return fail(std::string(sig.name) + "() missing 1 required positional arguments: \"" + sig.params[i].name + "\"");
  }
  return true;
}

bool convert_arg(const Signature& sig, int index, PyObject* obj, bool positional, Tensor* out) {
  const Param& p = sig.params[index];
  if (is_tensor(obj)) {
    *out = unwrap_tensor(obj);
    return true;
  }
  if (p.kind == ArgKind::TensorOrNumber) {
    Scalar s;
    try {
      if (parse_scalar(obj, &s)) {
        *out = ops::wrapped_scalar(s);
        return true;
      }
    } catch (py::error_already_set& e) {  // a Python error (OverflowError for an int beyond int64) keeps its type
      e.restore();
      return false;
    } catch (const std::exception& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
      return false;
    }
  }
  std::string where = positional ? " (position " + std::to_string(index + 1) + ")" : "";
  return fail(std::string(sig.name) + "(): argument '" + p.name + "'" + where + " must be Tensor, not " +
              type_name(obj));
}

bool is_int_like(PyObject* o) { return PyLong_Check(o) || (PyIndex_Check(o) && !PyFloat_Check(o)); }

namespace {
// PyNumber_Index as int64; false with `err` (a TypeError) when o has no
// index, ValueError "Overflow when unpacking long long" beyond int64 (PyTorch's).
bool index_value(PyObject* o, int64_t* out, const std::string& err) {
  PyObject* idx = PyNumber_Index(o);
  if (!idx) {
    if (!PyErr_ExceptionMatches(PyExc_TypeError)) return false;  // e.g. a float tensor's own error
    PyErr_Clear();
    return fail(err);
  }
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(idx, &overflow);
  Py_DECREF(idx);
  if (overflow) {
    PyErr_SetString(PyExc_ValueError, "Overflow when unpacking long long");
    return false;
  }
  *out = v;
  return true;
}
}  // namespace

bool parse_int(const char* fname, const char* pname, PyObject* obj, int64_t* out) {
  std::string err = std::string(fname) + "(): argument '" + pname + "' must be int, not " + type_name(obj);
  if (PyBool_Check(obj) || !is_int_like(obj)) return fail(err);
  return index_value(obj, out, err);
}

bool parse_shape(const char* fname, PyObject* const* args, Py_ssize_t n, Shape* out) {
  out->clear();
  auto element = [&](PyObject* x, bool first) {
    std::string err =
        std::string(fname) + "(): argument 'size' must be tuple of ints, but found element of type " + type_name(x);
    if (PyBool_Check(x) && first) return fail(err);  // Note [bool in an int list]
    int64_t v;
    if (!index_value(x, &v, err)) {
      if (PyErr_ExceptionMatches(PyExc_ValueError)) {  // beyond int64: PyTorch's TypeError for a size
        PyErr_Clear();
        return fail(std::string(fname) + "(): argument 'size' failed to unpack the object at pos " +
                    std::to_string(out->size() + 1) + " with error \"Overflow when unpacking long long\"");
      }
      return false;
    }
    out->push_back(v);
    return true;
  };
  if (n == 1 && !is_int_like(args[0])) {
    PyObject* seq = args[0];
    if (!PyTuple_Check(seq) && !PyList_Check(seq))
      return fail(std::string(fname) + "(): argument 'size' must be tuple of ints, but found element of type " +
                  type_name(seq));
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); ++i)
      if (!element(PySequence_Fast_GET_ITEM(seq, i), i == 0)) return false;
    return true;
  }
  for (Py_ssize_t i = 0; i < n; ++i)
    if (!element(args[i], i == 0)) return false;
  return true;
}

bool parse_keepdim(const char* fname, PyObject* keepdim, bool have_dim, bool* out) {
  if (!parse_bool(fname, "keepdim", keepdim, out)) return false;
  if (*out && !have_dim)
    return fail(std::string(fname) +
                "() received an invalid combination of arguments - got (keepdim=bool, ), but expected a dim with "
                "keepdim");
  return true;
}

bool parse_dims(const char* fname, PyObject* obj, Shape* out) {
  out->clear();
  if (!obj || obj == Py_None) return true;
  auto one = [&](PyObject* d) {
    std::string err = std::string(fname) + "(): argument 'dim' must be int or tuple of ints, not " + type_name(d);
    if (PyBool_Check(d) || !PyIndex_Check(d)) return fail(err);
    int64_t v;
    if (!index_value(d, &v, err)) return false;
    out->push_back(v);
    return true;
  };
  if (PyTuple_Check(obj) || PyList_Check(obj)) {
    PyObject* seq = PySequence_Fast(obj, "dims");
    if (!seq) return false;
    bool ok = true;
    for (Py_ssize_t i = 0; ok && i < PySequence_Fast_GET_SIZE(seq); ++i) ok = one(PySequence_Fast_GET_ITEM(seq, i));
    Py_DECREF(seq);
    return ok;
  }
  return one(obj);
}

bool parse_bool(const char* fname, const char* pname, PyObject* obj, bool* out) {
  if (!PyBool_Check(obj))
    return fail(std::string(fname) + "(): argument '" + pname + "' must be bool, not " + type_name(obj));
  *out = obj == Py_True;
  return true;
}

bool parse_optional_dtype(const char* fname, PyObject* obj, std::optional<DType>* out) {
  if (!obj || obj == Py_None) {
    *out = std::nullopt;
    return true;
  }
  for (int i = 0; i < kNumDTypes; ++i)
    if (registry().dtypes[i].ptr() == obj) {
      *out = static_cast<DType>(i);
      return true;
    }
  if (obj == reinterpret_cast<PyObject*>(&PyFloat_Type)) return *out = DType::Float64, true;
  if (obj == reinterpret_cast<PyObject*>(&PyLong_Type)) return *out = DType::Int64, true;
  if (obj == reinterpret_cast<PyObject*>(&PyBool_Type)) return *out = DType::Bool, true;
  if (Py_TYPE(obj) == Py_TYPE(registry().dtypes[0].ptr())) {  // Note [Named but unsupported dtypes] (_dtype.py)
    py::str r = py::repr(obj);
    return fail(std::string(fname) + "(): " + r.cast<std::string>() +
                " is not supported by tensorcore yet (it has bool, int32, int64, float32 and float64)");
  }
  return fail(std::string(fname) + "(): argument 'dtype' must be tensorcore.dtype, not " + type_name(obj));
}

PyTypeObject* tensor_type() {
  static PyTypeObject* t = reinterpret_cast<PyTypeObject*>(registry().tensor_cls.ptr());
  return t;
}

Tensor unwrap_tensor(PyObject* o) { return py::handle(o).cast<Tensor>(); }

PyObject* wrap_tensor(const Tensor& t) { return py::cast(t).release().ptr(); }

}  // namespace tc::py_glue
