// The Python forms of the reduction table (Note [Reduction table]):
// tensorcore.<name> and Tensor.<name> as vectorcall objects whose arguments
// are bound here from the row's PyTorch signatures, and _C._reduction_ops(),
// the table tensorcore/_elementwise.py installs them from.
#include "bindings/reduction_table.h"

#include <unistd.h>

#include <array>
#include <cctype>
#include <cstring>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "autograd/grad_mode.h"
#include "autograd/meta.h"
#include "autograd/node.h"
#include "bindings/arg_parser.h"

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

// ---- signatures ----
enum class PType { Tensor, TensorList, Int, IntList, Bool, Dtype, Scalar };

struct OParam {
  std::string name;
  const char* alias = nullptr;  // numpy's spelling: axis, keepdims
  PType type = PType::Tensor;
  bool optional = false;    // has a default
  bool allow_none = false;  // `?` type or default None
  bool kwonly = false;
  std::string printed;  // "bool keepdim = False", as PyTorch prints it
};

struct Overload {
  std::vector<OParam> params;
  int max_pos = 0, min_args = 0;
  std::string printed;  // "(Tensor input, int dim, bool keepdim = False, *, Tensor out = None)"
};

const char* printed_type(PType t) {
  switch (t) {
    case PType::Tensor:
      return "Tensor";
    case PType::TensorList:
      return "tuple of Tensors";
    case PType::Int:
      return "int";
    case PType::IntList:
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

// One "(Tensor input, int dim, ...)" of the table, for the function form or
// (without input and out) the method form.
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

// type(o).__name__ as PyTorch's messages print it (tp_name; "Tensor" for ours).
std::string py_typename(PyObject* o) {
  if (is_tensor(o)) return "Tensor";
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
    return t.dim() == 0 && !is_floating(t.dtype()) && t.dtype() != DType::Bool;
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
      if (PyTuple_Check(o) || PyList_Check(o)) {
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(o); ++i)
          if (!is_int(PySequence_Fast_GET_ITEM(o, i))) return false;
        return true;
      }
      return is_int(o);
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
  if (nargs > ov.max_pos) {
    if (!raise) return false;
    if (ov.min_args != ov.max_pos)
      return type_error(std::string(name) + "() takes from " + std::to_string(ov.min_args) + " to " +
                        std::to_string(ov.max_pos) + " positional arguments but " + std::to_string(nargs) +
                        " were given");
    return type_error(std::string(name) + "() takes " + std::to_string(ov.max_pos) + " positional argument" +
                      (ov.max_pos == 1 ? "" : "s") + " but " + std::to_string(nargs) + " were given");
  }
  Py_ssize_t used = 0;
  for (size_t i = 0; i < ov.params.size(); ++i) {
    const OParam& p = ov.params[i];
    PyObject* obj = nullptr;
    bool is_kwd = false;
    if (static_cast<Py_ssize_t>(i) < nargs) {
      obj = args[i];
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
    } else {
      if (!raise) return false;
      std::string where = is_kwd ? "" : " (position " + std::to_string(i + 1) + ")";
      return type_error(std::string(name) + "(): argument '" + p.name + "'" + where + " must be " +
                        printed_type(p.type) + ", not " + py_typename(obj));
    }
  }
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
  for (Py_ssize_t k = 0; kwnames && k < PyTuple_GET_SIZE(kwnames); ++k)
    g.kwargs.emplace_back(PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, k)), args[nargs + k]);
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

// The overload the call binds to (its index), or -1 with PyTorch's TypeError set.
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

Shape dims_of(const Call& c) {
  Shape dims;
  ok(parse_dims(c.name, c.get("dim"), &dims));
  return dims;
}
int64_t int_of(const Call& c, const char* pname) {
  int64_t v = 0;
  ok(parse_int(c.name, pname, c.get(pname), &v));
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
  static const char* kNames[] = {"Bool", "Int", "Long", "Float", "Double"};
  TC_CHECK(!(dt && !is_floating(*dt) && a.requires_grad() && autograd::grad_enabled()),
           "Autograd not support dtype: ", kNames[static_cast<int>(*dt)]);
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
  py::tuple inner = py::make_tuple(wrap(v), wrap(i));
  py::tuple outer = py::make_tuple(inner);
  PyObject* r = PyTuple_Type.tp_new(reinterpret_cast<PyTypeObject*>(cls), outer.ptr(), nullptr);
  if (!r) throw PyErrSet{};
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
  Tensor x = cast(a, dt);
  Shape dims = dims_of(c);
  bool keepdim = bool_of(c, "keepdim", false);
  if (!is_floating(x.dtype())) return wrap(ops::sum(x, dims, keepdim, dt));  // no NaN to skip
  Tensor r = ops::sum(ops::where(ops::unary(UnaryOp::IsNan, x), ops::wrapped_scalar(Scalar::from_double(0.0)), x), dims,
                      keepdim);
  if (r.requires_grad()) rename_grad_fn(r, "NansumBackward0", a);
  return wrap(r);
}

py::object nanmean_impl(const Call& c, const Tensor& a, std::optional<DType> dt) {
  Tensor x = cast(a, dt);
  Shape dims = dims_of(c);
  bool keepdim = bool_of(c, "keepdim", false);
  if (!is_floating(x.dtype())) {
    std::string n = dtype_name(x.dtype());
    n[0] = static_cast<char>(std::toupper(n[0]));
    tc::raise(ErrorKind::Runtime, "nanmean(): expected input to have floating point or complex dtype but got ", n);
  }
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

py::object all_impl(const Call& c, const Tensor& a, std::optional<DType>) {
  return wrap(ops::all(a, dims_of(c), bool_of(c, "keepdim", false)));
}
py::object any_impl(const Call& c, const Tensor& a, std::optional<DType>) {
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
  if (d && (PyTuple_Check(d) || PyList_Check(d)) && PySequence_Fast_GET_SIZE(d) == 0 && a.dim() > 0 && !keepdim) {
    std::string ones;  // PyTorch reduces every dim, then fails to write the result
    for (int64_t i = 0; i < a.dim(); ++i) ones += i ? ", 1" : "1";
    tc::raise(ErrorKind::Runtime, "output with shape [] doesn't match the broadcast shape [", ones, "]");
  }
  return wrap(ops::logsumexp(a, dims_of(c), keepdim));
}

template <bool Log> py::object softmax_family(const Call& c, const Tensor& a, std::optional<DType> dt) {
  Tensor x = cast(a, dt);
  int64_t dim = int_of(c, "dim");
  auto f = Log ? ops::log_softmax : ops::softmax;
  if (x.numel() == 0 && !is_floating(x.dtype()))  // PyTorch runs no kernel for no elements: any dtype passes
    return wrap(ops::to_dtype(f(ops::to_dtype(x, DType::Float32), dim), x.dtype()));
  return wrap(f(x, dim));
}
py::object softmax_impl(const Call& c, const Tensor& a, std::optional<DType> dt) {
  return softmax_family<false>(c, a, dt);
}
py::object log_softmax_impl(const Call& c, const Tensor& a, std::optional<DType> dt) {
  return softmax_family<true>(c, a, dt);
}

py::object cumsum_impl(const Call& c, const Tensor& a, std::optional<DType> dt) {
  if (dt == DType::Bool) tc::raise(ErrorKind::NotImplemented, "\"cumsum_out_cpu\" not implemented for 'Bool'");
  check_grad_dtype(a, dt);
  Tensor x = cast(a, dt);
  Tensor r = ops::cumsum(x, int_of(c, "dim"));  // integers accumulate in int64 unless a dtype is given
  return wrap(dt && r.dtype() != x.dtype() ? ops::to_dtype(r, x.dtype()) : r);
}

// cumprod: running products along dim, from differentiable ops (CumprodBackward0 by name).
py::object cumprod_impl(const Call& c, const Tensor& a, std::optional<DType> dt) {
  int64_t dim = int_of(c, "dim"), n = std::max<int64_t>(a.dim(), 1);
  TC_CHECK_INDEX(-n <= dim && dim < n, "Dimension out of range (expected to be in range of [", -n, ", ", n - 1,
                 "], but got ", dim, ")");
  Tensor x = cast(a, dt);
  if (!dt && !is_floating(x.dtype())) x = ops::to_dtype(x, DType::Int64);  // integers and bools multiply in int64
  if (x.dim() == 0) return wrap(ops::clone(x));
  dim = (dim + n) % n;
  std::vector<Tensor> outs;
  for (const Tensor& p : ops::unbind(x, dim)) outs.push_back(outs.empty() ? p : ops::mul(outs.back(), p));
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

struct Forms {
  std::vector<Overload> fn, method;
};
const std::vector<Forms>& forms() {
  static const std::vector<Forms> f = [] {
    std::vector<Forms> v(kNumRows);
    for (size_t r = 0; r < kNumRows; ++r)
      for (const std::string& s : split(kRows[r].overloads, "|")) {
        v[r].fn.push_back(parse_overload(s, false));
        v[r].method.push_back(parse_overload(s, true));
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
  PyObject* slots[8];
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
