// The Python forms of the elementwise registry (Note [Op tables]): for each
// row, tensorcore.<name>(input, other, *, out=None), Tensor.<name>(other) and
// Tensor.<name>_(other) as vectorcall objects parsed by the one argument
// parser (Note [Argument parser]), and _C._elementwise_ops(), the table
// tensorcore/_elementwise.py installs them from.
#include "bindings/arg_parser.h"

#include <deque>
#include <string_view>

namespace tc::py_glue {

namespace {
using namespace tc::op_registry;

struct Row {
  const char* name;
  unsigned forms;
  const char* aliases;
  bool differentiable;
};

constexpr Row kBinaryRows[] = {
#define TC_ROW(E, name, F, rule, forms, aliases, node, ...) \
  {#name, (forms), aliases, std::string_view(#node) != "NOGRAD"},
    TC_BINARY_OPS(TC_ROW)
#undef TC_ROW
};
constexpr Row kUnaryRows[] = {
#define TC_ROW(E, name, F, rule, forms, aliases, node, ...) \
  {#name, (forms), aliases, std::string_view(#node) != "NOGRAD"},
    TC_UNARY_OPS(TC_ROW)
#undef TC_ROW
};

// PyTorch's name for the second operand where it is not `other`.
const char* other_name(const Row& r) {
  const std::string_view n(r.name);
  return n == "pow"         ? "exponent"
         : n == "heaviside" ? "values"
         : n == "clamp_min" ? "min"
         : n == "clamp_max" ? "max"
                            : "other";
}

ArgKind kind(bool number_ok) { return number_ok ? ArgKind::TensorOrNumber : ArgKind::Tensor; }
// Rows without Python forms (_div_trunc) are internal: numbers are accepted for either operand.
unsigned numbers(const Row& r) { return r.forms ? r.forms : (NUM_SELF | NUM_OTHER); }

Signature binary_fn_sig(const Row& r) {
  return {r.name,
          false,
          (r.forms & OUT) ? 3 : 2,
          {{"input", kind(numbers(r) & NUM_SELF)},
           {other_name(r), kind(numbers(r) & NUM_OTHER)},
           {"out", ArgKind::Tensor, true, true}}};
}
Signature binary_method_sig(const Row& r, bool inplace) {
  Signature s{r.name, true, 1, {{other_name(r), kind(numbers(r) & NUM_OTHER)}}};
  if (inplace) s.name = nullptr;  // filled in with the in-place name
  return s;
}
Signature unary_fn_sig(const Row& r) {
  return {r.name, false, (r.forms & OUT) ? 2 : 1, {{"input", ArgKind::Tensor}, {"out", ArgKind::Tensor, true, true}}};
}
Signature unary_method_sig(const Row& r) { return {r.name, true, 0, {}}; }

// Signatures live as long as the module (the registry is static).
struct Sigs {
  Signature fn, method, inplace;
  std::string inplace_name;
};
Sigs* binary_sigs() {
  static Sigs* s = [] {
    auto* v = new Sigs[std::size(kBinaryRows)];
    for (size_t i = 0; i < std::size(kBinaryRows); ++i) {
      v[i].fn = binary_fn_sig(kBinaryRows[i]);
      v[i].method = binary_method_sig(kBinaryRows[i], false);
      v[i].inplace_name = std::string(kBinaryRows[i].name) + "_";
      v[i].inplace = binary_method_sig(kBinaryRows[i], true);
      v[i].inplace.name = v[i].inplace_name.c_str();
    }
    return v;
  }();
  return s;
}
Sigs* unary_sigs() {
  static Sigs* s = [] {
    auto* v = new Sigs[std::size(kUnaryRows)];
    for (size_t i = 0; i < std::size(kUnaryRows); ++i) {
      v[i].fn = unary_fn_sig(kUnaryRows[i]);
      v[i].method = unary_method_sig(kUnaryRows[i]);
      v[i].inplace_name = std::string(kUnaryRows[i].name) + "_";
      v[i].inplace = unary_method_sig(kUnaryRows[i]);
      v[i].inplace.name = v[i].inplace_name.c_str();
    }
    return v;
  }();
  return s;
}

PyObject* binary_fn(BinaryOp op, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  const Signature& sig = binary_sigs()[static_cast<int>(op)].fn;
  PyObject* slots[3] = {nullptr, nullptr, nullptr};
  if (!bind_args(sig, args, nargs, kwnames, slots)) return nullptr;
  return guarded([&]() -> PyObject* {
    Tensor a, b, out;
    // A number may stand for `input` only when `other` is a tensor (PyTorch has no (Number, Number) overload).
    if (!is_tensor(slots[0]) && !is_tensor(slots[1]) && sig.params[0].kind == ArgKind::TensorOrNumber) {
      PyErr_Format(PyExc_TypeError,
                   "%s() received an invalid combination of arguments - got (%s, %s), but expected "
                   "one of:\n * (Tensor input, Tensor other, *, Tensor out = None)",
                   sig.name, _PyType_Name(Py_TYPE(slots[0])), _PyType_Name(Py_TYPE(slots[1])));
      return nullptr;
    }
    if (!convert_arg(sig, 0, slots[0], nargs > 0, &a) || !convert_arg(sig, 1, slots[1], nargs > 1, &b)) return nullptr;
    if (slots[2]) {
      if (!convert_arg(sig, 2, slots[2], false, &out)) return nullptr;
      ops::binary_out(op, a, b, out);
      Py_INCREF(slots[2]);
      return slots[2];
    }
    return wrap_tensor(ops::binary(op, a, b));
  });
}

PyObject* binary_method(BinaryOp op, bool inplace, PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                        PyObject* kwnames) {
  const Sigs& s = binary_sigs()[static_cast<int>(op)];
  const Signature& sig = inplace ? s.inplace : s.method;
  PyObject* slot;
  if (!bind_args(sig, args, nargs, kwnames, &slot)) return nullptr;
  return guarded([&]() -> PyObject* {
    Tensor b;
    if (!convert_arg(sig, 0, slot, nargs > 0, &b)) return nullptr;
    Tensor a = unwrap_tensor(self);
    if (!inplace) return wrap_tensor(ops::binary(op, a, b));
    ops::binary_(op, a, b);
    Py_INCREF(self);
    return self;
  });
}

PyObject* unary_fn(UnaryOp op, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  const Signature& sig = unary_sigs()[static_cast<int>(op)].fn;
  PyObject* slots[2] = {nullptr, nullptr};
  if (!bind_args(sig, args, nargs, kwnames, slots)) return nullptr;
  return guarded([&]() -> PyObject* {
    Tensor a, out;
    if (!convert_arg(sig, 0, slots[0], nargs > 0, &a)) return nullptr;
    if (slots[1]) {
      if (!convert_arg(sig, 1, slots[1], false, &out)) return nullptr;
      ops::unary_out(op, a, out);
      Py_INCREF(slots[1]);
      return slots[1];
    }
    return wrap_tensor(ops::unary(op, a));
  });
}

PyObject* unary_method(UnaryOp op, bool inplace, PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                       PyObject* kwnames) {
  const Sigs& s = unary_sigs()[static_cast<int>(op)];
  if (!bind_args(inplace ? s.inplace : s.method, args, nargs, kwnames, nullptr)) return nullptr;
  return guarded([&]() -> PyObject* {
    Tensor a = unwrap_tensor(self);
    if (!inplace) return wrap_tensor(ops::unary(op, a));
    ops::unary_(op, a);
    Py_INCREF(self);
    return self;
  });
}

// One C entry point per row and form (vectorcall passes no closure).
template <BinaryOp op> PyObject* bfn(PyObject*, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return binary_fn(op, a, n, k);
}
template <BinaryOp op> PyObject* bmeth(PyObject* s, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return binary_method(op, false, s, a, n, k);
}
template <BinaryOp op> PyObject* binpl(PyObject* s, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return binary_method(op, true, s, a, n, k);
}
template <UnaryOp op> PyObject* ufn(PyObject*, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return unary_fn(op, a, n, k);
}
template <UnaryOp op> PyObject* umeth(PyObject* s, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return unary_method(op, false, s, a, n, k);
}
template <UnaryOp op> PyObject* uinpl(PyObject* s, PyObject* const* a, Py_ssize_t n, PyObject* k) {
  return unary_method(op, true, s, a, n, k);
}

using Fast = PyObject* (*)(PyObject*, PyObject* const*, Py_ssize_t, PyObject*);
struct Entry {
  Fast fn, method, inplace;
};
constexpr Entry kBinaryEntries[] = {
#define TC_ROW(E, ...) {&bfn<BinaryOp::E>, &bmeth<BinaryOp::E>, &binpl<BinaryOp::E>},
    TC_BINARY_OPS(TC_ROW)
#undef TC_ROW
};
constexpr Entry kUnaryEntries[] = {
#define TC_ROW(E, ...) {&ufn<UnaryOp::E>, &umeth<UnaryOp::E>, &uinpl<UnaryOp::E>},
    TC_UNARY_OPS(TC_ROW)
#undef TC_ROW
};

// PyMethodDefs must outlive the objects made from them.
PyMethodDef* new_def(const char* name, Fast f) {
  static std::deque<PyMethodDef> defs;
  defs.push_back(
      {name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(f)), METH_FASTCALL | METH_KEYWORDS, nullptr});
  return &defs.back();
}

py::object make_function(const char* name, Fast f, py::handle module_name) {
  return py::reinterpret_steal<py::object>(PyCFunction_NewEx(new_def(name, f), nullptr, module_name.ptr()));
}
py::object make_method(const char* name, Fast f) {
  return py::reinterpret_steal<py::object>(PyDescr_NewMethod(tensor_type(), new_def(name, f)));
}

py::tuple forms_tuple(unsigned forms) {
  py::list l;
  for (auto [bit, word] : {std::pair{FN, "function"},
                           {METHOD, "method"},
                           {INPLACE, "inplace"},
                           {OUT, "out"},
                           {NUM_OTHER, "number_other"},
                           {NUM_SELF, "number_self"},
                           {CUSTOM, "custom"}})
    if (forms & bit) l.append(word);
  return py::tuple(l);
}

py::object export_row(py::module_& m, const Row& r, const Sigs& s, const Entry& e, int arity) {
  py::object fn = make_function(r.name, e.fn, m.attr("__name__"));
  py::object method = make_method(r.name, e.method);
  py::object inplace = make_method(s.inplace_name.c_str(), e.inplace);
  m.attr(r.name) = fn;  // _C.<name>: the function form, also for internal callers
  py::list aliases = py::str(r.aliases).attr("split")();
  return py::make_tuple(r.name, arity, forms_tuple(r.forms), py::tuple(aliases), r.differentiable, fn, method, inplace);
}
}  // namespace

void init_elementwise(py::module_& m) {
  py::list table;
  for (size_t i = 0; i < std::size(kBinaryRows); ++i)
    table.append(export_row(m, kBinaryRows[i], binary_sigs()[i], kBinaryEntries[i], 2));
  for (size_t i = 0; i < std::size(kUnaryRows); ++i)
    table.append(export_row(m, kUnaryRows[i], unary_sigs()[i], kUnaryEntries[i], 1));
  py::tuple frozen(table);
  // (name, arity, forms, aliases, differentiable, function, method, inplace) per row.
  m.def("_elementwise_ops", [frozen] { return frozen; });
  // Raw in-place forms for internal callers (Python's custom add_/sub_/div_, nn.functional).
#define TC_DEF_INPLACE(E, name, ...)                                                      \
  m.def(#name "_", [](Tensor& a, py::handle b) -> Tensor& {                               \
    auto o = as_operand(b);                                                               \
    if (!o)                                                                               \
      throw py::type_error(#name "_(): argument 'other' must be Tensor or Number, not " + \
                           std::string(Py_TYPE(b.ptr())->tp_name));                       \
    return ops::binary_(BinaryOp::E, a, *o);                                              \
  });
  TC_BINARY_OPS(TC_DEF_INPLACE)
#undef TC_DEF_INPLACE
#define TC_DEF_INPLACE(E, name, ...) m.def(#name "_", [](Tensor& a) -> Tensor& { return ops::unary_(UnaryOp::E, a); });
  TC_UNARY_OPS(TC_DEF_INPLACE)
#undef TC_DEF_INPLACE
}

}  // namespace tc::py_glue
