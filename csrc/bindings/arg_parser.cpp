#include "bindings/arg_parser.h"

#include <unistd.h>

#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

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
  return fail(std::string(fname) + "(): argument 'dtype' must be tensorcore.dtype, not " + type_name(obj));
}

PyTypeObject* tensor_type() {
  static PyTypeObject* t = reinterpret_cast<PyTypeObject*>(registry().tensor_cls.ptr());
  return t;
}

Tensor unwrap_tensor(PyObject* o) { return py::handle(o).cast<Tensor>(); }

PyObject* wrap_tensor(const Tensor& t) { return py::cast(t).release().ptr(); }

// ---- Note [Overloads] ----
namespace {
const char* printed_type(PType t) {
  switch (t) {
    case PType::Tensor:
      return "Tensor";
    case PType::TensorList:
      return "tuple of Tensors";
    case PType::Int:
      return "int";
    case PType::IntList:
    case PType::IntListOnly:
      return "tuple of ints";
    case PType::Bool:
      return "bool";
    case PType::Dtype:
      return "torch.dtype";
    case PType::Scalar:
      return "Number";
  }
  return "";
}

std::vector<std::string> split(const std::string& s, const std::string& delim) {
  std::vector<std::string> out;
  size_t start = 0, end;
  while ((end = s.find(delim, start)) != std::string::npos) {
    out.push_back(s.substr(start, end - start));
    start = end + delim.size();
  }
  out.push_back(s.substr(start));
  return out;
}

}  // namespace

Overload parse_overload(const std::string& schema, bool method) {
  Overload ov;
  std::string body = schema.substr(1, schema.size() - 2);
  bool kwonly = false;
  std::vector<std::string> printed;
  bool star_printed = false;
  for (const std::string& tok : split(body, ", ")) {
    if (tok.empty()) continue;
    if (tok == "*") {
      kwonly = true;
      continue;
    }
    OParam p;
    std::string decl = tok, def;
    if (auto eq = tok.find('='); eq != std::string::npos) {
      decl = tok.substr(0, eq);
      def = tok.substr(eq + 1);
      p.optional = true;
    }
    auto sp = decl.find(' ');
    std::string type = decl.substr(0, sp);
    p.name = decl.substr(sp + 1);
    if (method && (p.name == "input" || p.name == "out")) continue;
    if (!type.empty() && type.back() == '?') {
      p.allow_none = true;
      type.pop_back();
    }
    if (def == "None") p.allow_none = true;
    p.type = type == "Tensor"     ? PType::Tensor
             : type == "Tensor[]" ? PType::TensorList
             : type == "int"      ? PType::Int
             : type == "int[1]"   ? PType::IntList
             : type == "int[]"    ? PType::IntListOnly
             : type == "bool"     ? PType::Bool
             : type == "Scalar"   ? PType::Scalar
                                  : PType::Dtype;
    p.kwonly = kwonly;
    if (p.name == "dim") p.alias = "axis";
    if (p.name == "keepdim") p.alias = "keepdims";
    p.printed = std::string(printed_type(p.type)) + " " + p.name + (p.optional ? " = " + def : "");
    if (kwonly && !star_printed) {
      printed.push_back("*");
      star_printed = true;
    }
    printed.push_back(p.printed);
    ov.max_pos += !kwonly;
    ov.min_args += !p.optional;
    ov.params.push_back(p);
  }
  ov.printed = "(";
  for (size_t i = 0; i < printed.size(); ++i) ov.printed += (i ? ", " : "") + printed[i];
  ov.printed += ")";
  return ov;
}

namespace {
// type(o).__name__ as PyTorch's messages print it (tp_name; "Tensor" for ours).
std::string py_typename(PyObject* o) {
  if (is_tensor(o)) return "Tensor";
  if (Py_TYPE(o) == Py_TYPE(registry().dtypes[0].ptr())) return "torch.dtype";
  return Py_TYPE(o)->tp_name;
}

bool is_numpy_bool(PyObject* o) {
  const char* n = Py_TYPE(o)->tp_name;
  return std::strcmp(n, "numpy.bool_") == 0 || std::strcmp(n, "numpy.bool") == 0;
}
// An int argument: a Python or numpy int, or a 0-dim integer tensor (PyTorch's rule).
bool is_int(PyObject* o) {
  if (is_tensor(o)) {
    Tensor t = unwrap_tensor(o);
    return t.dim() == 0 && !is_floating(t.dtype()) && !is_complex(t.dtype()) && t.dtype() != DType::Bool;
  }
  return !PyBool_Check(o) && !is_numpy_bool(o) && is_int_like(o);
}

bool check(PType t, PyObject* o) {
  switch (t) {
    case PType::Tensor:
      return is_tensor(o);
    case PType::TensorList:
      if (!PyTuple_Check(o) && !PyList_Check(o)) return false;
      for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(o); ++i)
        if (!is_tensor(PySequence_Fast_GET_ITEM(o, i))) return false;
      return true;
    case PType::Int:
      return is_int(o);
    case PType::IntList:
    case PType::IntListOnly:
      // PyTorch looks at the first element only; the others fail when unpacked
      // ("failed to unpack the object at pos 2": int_list_arg).
      if (PyTuple_Check(o) || PyList_Check(o))
        return PySequence_Fast_GET_SIZE(o) == 0 || is_int(PySequence_Fast_GET_ITEM(o, 0));
      return t == PType::IntList && is_int(o);
    case PType::Bool:
      return PyBool_Check(o) || is_numpy_bool(o);
    case PType::Dtype:
      return Py_TYPE(o) == Py_TYPE(registry().dtypes[0].ptr()) || o == reinterpret_cast<PyObject*>(&PyFloat_Type) ||
             o == reinterpret_cast<PyObject*>(&PyLong_Type) || o == reinterpret_cast<PyObject*>(&PyBool_Type);
    case PType::Scalar:
      if (is_tensor(o) || PyUnicode_Check(o)) return false;
      return PyLong_Check(o) || PyFloat_Check(o) || PyComplex_Check(o) ||
             (Py_TYPE(o)->tp_as_number && (Py_TYPE(o)->tp_as_number->nb_float || Py_TYPE(o)->tp_as_number->nb_index));
  }
  return false;
}

// f(0, 1) for f((0, 1)) (the first an int; the others are read when the list
// is unpacked); the tuple lives until the next such call on this thread.
bool int_list_varargs(PyObject* const* args, Py_ssize_t nargs, PyObject** slot) {
  thread_local PyObject* held = nullptr;  // (a plain pointer: nothing to release at thread exit)
  PyObject* t = PyTuple_New(nargs);
  if (!t) return false;
  for (Py_ssize_t i = 0; i < nargs; ++i) {
    Py_INCREF(args[i]);
    PyTuple_SET_ITEM(t, i, args[i]);
  }
  Py_XSETREF(held, t);
  *slot = t;
  return true;
}

bool type_error(const std::string& msg) {
  PyErr_SetString(PyExc_TypeError, msg.c_str());
  return false;
}

bool kw_is(PyObject* key, const char* name) { return name && PyUnicode_CompareWithASCIIString(key, name) == 0; }

// PyTorch's FunctionSignature::parse: binds the call to one overload
// (slots: borrowed, nullptr for a default); with `raise`, sets the TypeError
// PyTorch raises for it.
bool match(const char* name, const Overload& ov, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames,
           PyObject** slots, bool raise) {
  const Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  // PyTorch's varargs int list: one positional int-list parameter takes f(0, 1) as f((0, 1)).
  const bool varargs =
      ov.max_pos == 1 && (ov.params[0].type == PType::IntList || ov.params[0].type == PType::IntListOnly);
  auto extra_args = [&] {
    if (ov.min_args != ov.max_pos)
      return type_error(std::string(name) + "() takes from " + std::to_string(ov.min_args) + " to " +
                        std::to_string(ov.max_pos) + " positional arguments but " + std::to_string(nargs) +
                        " were given");
    return type_error(std::string(name) + "() takes " + std::to_string(ov.max_pos) + " positional argument" +
                      (ov.max_pos == 1 ? "" : "s") + " but " + std::to_string(nargs) + " were given");
  };
  if (nargs > ov.max_pos && !varargs) return raise ? extra_args() : false;
  Py_ssize_t used = 0, arg_pos = 0;
  for (size_t i = 0; i < ov.params.size(); ++i, ++arg_pos) {
    const OParam& p = ov.params[i];
    PyObject* obj = nullptr;
    bool is_kwd = false;
    if (arg_pos < nargs) {
      if (p.kwonly) return raise ? extra_args() : false;
      obj = args[arg_pos];
    } else if (nkw) {
      for (Py_ssize_t k = 0; k < nkw && !obj; ++k)
        if (kw_is(PyTuple_GET_ITEM(kwnames, k), p.name.c_str())) obj = args[nargs + k];
      for (Py_ssize_t k = 0; k < nkw && !obj; ++k)
        if (kw_is(PyTuple_GET_ITEM(kwnames, k), p.alias)) obj = args[nargs + k];
      is_kwd = true;
      used += obj != nullptr;
    }
    if ((!obj && p.optional) || (obj == Py_None && p.allow_none)) {
      slots[i] = nullptr;
    } else if (!obj) {
      if (!raise) return false;
      std::string names;
      int missing = 0;
      for (size_t j = i; j < ov.params.size(); ++j)
        if (!ov.params[j].optional) names += (missing++ ? ", \"" : "\"") + ov.params[j].name + "\"";
      return type_error(std::string(name) + "() missing " + std::to_string(missing) + " required positional argument" +
                        (missing == 1 ? "s" : "") + ": " + names);  // (PyTorch's wording, "s" included)
    } else if (check(p.type, obj)) {
      slots[i] = obj;
    } else if (varargs && arg_pos == 0 && !is_kwd && is_int(obj)) {
      // all positional arguments as this parameter: f(0, 1) -> f((0, 1))
      if (!int_list_varargs(args, nargs, &slots[i])) return false;
      arg_pos = nargs;
    } else {
      if (!raise) return false;
      std::string where = is_kwd ? "" : " (position " + std::to_string(arg_pos + 1) + ")";
      return type_error(std::string(name) + "(): argument '" + p.name + "'" + where + " must be " +
                        printed_type(p.type) + ", not " + py_typename(obj));
    }
  }
  if (arg_pos < nargs) return raise ? extra_args() : false;
  if (used < nkw) {
    if (!raise) return false;
    for (Py_ssize_t k = 0; k < nkw; ++k) {
      PyObject* key = PyTuple_GET_ITEM(kwnames, k);
      int found = -1;
      for (size_t i = 0; i < ov.params.size() && found < 0; ++i)
        if (kw_is(key, ov.params[i].name.c_str())) found = static_cast<int>(i);
      const char* kname = PyUnicode_AsUTF8(key);
      if (found < 0) return type_error(std::string(name) + "() got an unexpected keyword argument '" + kname + "'");
      if (found < nargs) return type_error(std::string(name) + "() got multiple values for argument '" + kname + "'");
    }
    // An alias beside its name (dim= and axis=): the second is unexpected, as PyTorch.
    for (Py_ssize_t k = 0; k < nkw; ++k) {
      PyObject* key = PyTuple_GET_ITEM(kwnames, k);
      for (const OParam& p : ov.params)
        if (kw_is(key, p.alias))
          return type_error(std::string(name) + "() got an unexpected keyword argument '" + PyUnicode_AsUTF8(key) +
                            "'");
    }
  }
  return true;
}

// Note [Overload errors]
// When no overload binds, PyTorch's print_error: if exactly one overload is
// plausible by argument count, its own error; otherwise "received an invalid
// combination of arguments", whose per-overload lines come from PyTorch's
// format_invalid_args (torch/csrc/utils/invalid_arguments.cpp), reproduced
// here rule for rule -- it re-reads the printed signatures as text, so its
// quirks ("()" reads as one argument named "") are PyTorch's too.
struct TextArg {
  std::string name, type;
  bool nullable = false;
};

bool text_type_matches(const std::string& type, PyObject* o) {
  std::string n = py_typename(o);
  if (type == "float") return n == "float" || n == "int" || n == "long";
  if (type == "int") return n == "int" || n == "long";
  return n == type;
}

std::vector<TextArg> parse_option(const std::string& option) {
  std::vector<TextArg> out;
  for (std::string arg : split(option.substr(1, option.size() - 2), ", ")) {
    TextArg a;
    size_t start = 0;
    if (!arg.empty() && arg[0] == '[') {
      a.nullable = true;
      start = 1;
      arg.erase(arg.size() - std::string(" or None]").size());
    }
    size_t type_end = arg.find_last_of(' ');
    size_t name_start = type_end + 1;  // npos + 1 == 0
    a.type = arg.substr(start, type_end == std::string::npos ? std::string::npos : type_end - start);
    a.name = arg.substr(name_start);
    out.push_back(a);
  }
  return out;
}

struct Given {
  std::vector<PyObject*> args;
  std::vector<std::pair<std::string, PyObject*>> kwargs;
  PyObject* kw(const std::string& n) const {
    for (auto& [k, v] : kwargs)
      if (k == n) return v;
    return nullptr;
  }
};

std::string arg_desc(const Given& g) {
  std::string r = "(";
  for (PyObject* a : g.args) r += py_typename(a) + ", ";
  for (auto& [k, v] : g.kwargs) r += k + "=" + py_typename(v) + ", ";
  if (!g.args.empty()) r.erase(r.size() - 2);
  return r + ")";
}

std::string formatted_arg_desc(const std::vector<TextArg>& opt, const Given& g) {
  const bool tty = isatty(1) && isatty(2);
  const std::string red = tty ? "\33[31;1m" : "!", reset_red = tty ? "\33[0m" : "!";
  const std::string green = tty ? "\33[32;1m" : "", reset_green = tty ? "\33[0m" : "";
  size_t n = g.args.size() + g.kwargs.size();
  std::string r = "(";
  for (size_t i = 0; i < n; ++i) {
    bool is_kwarg = i >= g.args.size();
    PyObject* arg = is_kwarg ? (i < opt.size() ? g.kw(opt[i].name) : nullptr) : g.args[i];
    if (!arg) arg = g.kwargs[i - g.args.size()].second;
    bool ok = i < opt.size() && ((opt[i].nullable && arg == Py_None) || text_type_matches(opt[i].type, arg));
    r += ok ? green : red;
    if (is_kwarg) r += (i < opt.size() ? opt[i].name : g.kwargs[i - g.args.size()].first) + "=";
    if (PyTuple_Check(arg) || PyList_Check(arg)) {
      bool tuple = PyTuple_Check(arg);
      r += py_typename(arg) + " of " + (tuple ? "(" : "[");
      Py_ssize_t m = PySequence_Fast_GET_SIZE(arg);
      for (Py_ssize_t j = 0; j < m; ++j) r += (j ? ", " : "") + py_typename(PySequence_Fast_GET_ITEM(arg, j));
      r += tuple ? (m == 1 ? ",)" : ")") : "]";
    } else {
      r += py_typename(arg);
    }
    r += (ok ? reset_green : reset_red) + ", ";
  }
  if (!g.args.empty()) r.erase(r.size() - 2);
  return r + ")";
}

std::vector<std::string> unmatched_kwargs(const std::vector<TextArg>& opt, const Given& g) {
  std::vector<std::string> out;
  int64_t start = static_cast<int64_t>(opt.size()) - static_cast<int64_t>(g.kwargs.size());
  if (start < 0) start = 0;
  for (auto& [k, v] : g.kwargs) {
    bool found = false;
    for (size_t i = static_cast<size_t>(start); i < opt.size() && !found; ++i) found = opt[i].name == k;
    if (!found) out.push_back(k);
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string r;
  for (size_t i = 0; i < v.size(); ++i) r += (i ? ", " : "") + v[i];
  return r;
}

void invalid_combination(const char* name, const std::vector<Overload>& ovs, PyObject* const* args, Py_ssize_t nargs,
                         PyObject* kwnames) {
  Given g;
  for (Py_ssize_t i = 0; i < nargs; ++i) g.args.push_back(args[i]);
  // PyTorch lists the keywords in the order of a std::unordered_map filled in
  // call order; the same container here lists them in the same order.
  std::unordered_map<std::string, PyObject*> kw;
  for (Py_ssize_t k = 0; kwnames && k < PyTuple_GET_SIZE(kwnames); ++k)
    kw.emplace(PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, k)), args[nargs + k]);
  for (auto& [key, value] : kw) g.kwargs.emplace_back(key, value);
  std::string msg = std::string(name) + "() received an invalid combination of arguments - got " + arg_desc(g) +
                    ", but expected one of:\n";
  for (const Overload& ov : ovs) {
    std::vector<TextArg> opt = parse_option(ov.printed);
    msg += " * " + ov.printed + "\n";
    if (g.args.size() + g.kwargs.size() != opt.size()) continue;
    std::vector<std::string> un = g.kwargs.empty() ? std::vector<std::string>{} : unmatched_kwargs(opt, g);
    if (!un.empty())
      msg += "      didn't match because some of the keywords were incorrect: " + join(un) + "\n";
    else
      msg +=
          "      didn't match because some of the arguments have invalid types: " + formatted_arg_desc(opt, g) + "\n";
  }
  PyErr_SetString(PyExc_TypeError, msg.c_str());
}

}  // namespace

int resolve(const char* name, const std::vector<Overload>& ovs, PyObject* const* args, Py_ssize_t nargs,
            PyObject* kwnames, PyObject** slots) {
  for (size_t k = 0; k < ovs.size(); ++k)
    if (match(name, ovs[k], args, nargs, kwnames, slots, false)) return static_cast<int>(k);
  if (PyErr_Occurred()) return -1;  // a keyword name that is not a str
  if (ovs.size() == 1) {
    match(name, ovs[0], args, nargs, kwnames, slots, true);
    return -1;
  }
  const size_t n = static_cast<size_t>(nargs) + (kwnames ? static_cast<size_t>(PyTuple_GET_SIZE(kwnames)) : 0);
  int plausible = -1, count = 0;
  for (size_t k = 0; k < ovs.size(); ++k)
    if (n >= static_cast<size_t>(ovs[k].min_args) && n <= ovs[k].params.size())
      plausible = static_cast<int>(k), ++count;
  if (count == 1 && !match(name, ovs[static_cast<size_t>(plausible)], args, nargs, kwnames, slots, true)) return -1;
  invalid_combination(name, ovs, args, nargs, kwnames);
  return -1;
}

bool int_list_arg(const char* fname, const char* pname, PyObject* obj, Shape* out) {
  out->clear();
  if (!obj || obj == Py_None) return true;
  if (!PyTuple_Check(obj) && !PyList_Check(obj)) return parse_int(fname, pname, obj, &out->emplace_back());
  for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(obj); ++i) {
    PyObject* d = PySequence_Fast_GET_ITEM(obj, i);
    if (PyBool_Check(d) && i > 0) {  // Note [bool in an int list]: read as the int it is
      out->push_back(d == Py_True);
      continue;
    }
    std::string err = std::string(fname) + "(): argument '" + pname + "' failed to unpack the object at pos " +
                      std::to_string(i + 1) + " with error \"type must be tuple of ints,but got " +
                      Py_TYPE(d)->tp_name + "\"";
    if (PyBool_Check(d) || !is_int_like(d)) return type_error(err);
    PyObject* idx = PyNumber_Index(d);
    if (!idx) return false;
    long long v = PyLong_AsLongLong(idx);
    Py_DECREF(idx);
    if (v == -1 && PyErr_Occurred()) return false;
    out->push_back(v);
  }
  return true;
}

std::vector<Overload> parse_overloads(const std::string& schemas, bool method) {
  std::vector<Overload> out;
  for (const std::string& s : split(schemas, "|")) out.push_back(parse_overload(s, method));
  return out;
}

}  // namespace tc::py_glue
