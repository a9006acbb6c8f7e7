// tensorcore._C autocast state (Note [CPU autocast] in ops/autocast.h): what
// tensorcore/amp/autocast_mode.py and the op decorators of
// tensorcore/amp/_policies.py read and set.
#include "ops/autocast.h"
#include "bindings/common.h"

// After Python.h (bindings/common.h): PyMemberDef, T_PYSSIZET.
#include <structmember.h>

namespace tc::py_glue {

namespace {

// Note [Autocast op wrappers]
// The Python-level ops on PyTorch's autocast lists are replaced by one of
// these (tensorcore/amp/_policies.py): a vectorcall object that calls the op
// itself when autocast is off (the cost is the branch on the thread-local
// flag and one forwarding call, no Python frame) and the Python `slow` path,
// which casts and excludes, when it is on. It binds like a function when
// stored on a class (Tensor.mm), and keeps functools.wraps' attributes
// (__name__, __doc__, __wrapped__, ...) in its __dict__.
struct AutocastOp {
  PyObject_HEAD PyObject* fn;
  PyObject* slow;
  PyObject* dict;
  vectorcallfunc vectorcall;
};

PyObject* op_vectorcall(PyObject* self, PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  auto* o = reinterpret_cast<AutocastOp*>(self);
  return PyObject_Vectorcall(tc::autocast::active() ? o->slow : o->fn, args, nargsf, kwnames);
}

PyObject* op_descr_get(PyObject* self, PyObject* obj, PyObject*) {
  if (obj == nullptr || obj == Py_None) {
    Py_INCREF(self);
    return self;
  }
  return PyMethod_New(self, obj);
}

int op_traverse(PyObject* self, visitproc visit, void* arg) {
  auto* o = reinterpret_cast<AutocastOp*>(self);
  Py_VISIT(Py_TYPE(self));
  Py_VISIT(o->fn);
  Py_VISIT(o->slow);
  Py_VISIT(o->dict);
  return 0;
}

int op_clear(PyObject* self) {
  auto* o = reinterpret_cast<AutocastOp*>(self);
  Py_CLEAR(o->fn);
  Py_CLEAR(o->slow);
  Py_CLEAR(o->dict);
  return 0;
}

void op_dealloc(PyObject* self) {
  PyTypeObject* tp = Py_TYPE(self);
  PyObject_GC_UnTrack(self);
  op_clear(self);
  tp->tp_free(self);
  Py_DECREF(tp);
}

PyObject* op_repr(PyObject* self) {
  auto* o = reinterpret_cast<AutocastOp*>(self);
  return o->fn ? PyObject_Repr(o->fn) : PyUnicode_FromString("<autocast op>");
}

// Pickled by reference, as a function: its module and qualified name.
PyObject* op_reduce(PyObject* self, PyObject*) { return PyObject_GetAttrString(self, "__qualname__"); }

PyMethodDef op_methods[] = {{"__reduce__", op_reduce, METH_NOARGS, nullptr}, {nullptr, nullptr, 0, nullptr}};
PyMemberDef op_members[] = {{"__vectorcalloffset__", T_PYSSIZET, offsetof(AutocastOp, vectorcall), READONLY, nullptr},
                            {"__dictoffset__", T_PYSSIZET, offsetof(AutocastOp, dict), READONLY, nullptr},
                            {nullptr, 0, 0, 0, nullptr}};
PyGetSetDef op_getset[] = {{"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, nullptr, nullptr},
                           {nullptr, nullptr, nullptr, nullptr, nullptr}};
PyType_Slot op_slots[] = {{Py_tp_dealloc, reinterpret_cast<void*>(op_dealloc)},
                          {Py_tp_traverse, reinterpret_cast<void*>(op_traverse)},
                          {Py_tp_clear, reinterpret_cast<void*>(op_clear)},
                          {Py_tp_call, reinterpret_cast<void*>(PyVectorcall_Call)},
                          {Py_tp_descr_get, reinterpret_cast<void*>(op_descr_get)},
                          {Py_tp_repr, reinterpret_cast<void*>(op_repr)},
                          {Py_tp_methods, op_methods},
                          {Py_tp_members, op_members},
                          {Py_tp_getset, op_getset},
                          {0, nullptr}};
PyType_Spec op_spec = {
    "tensorcore._C._AutocastOp", sizeof(AutocastOp), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_METHOD_DESCRIPTOR, op_slots};

}  // namespace

void init_autocast(py::module_& m) {
  namespace ac = tc::autocast;
  m.def("_autocast_active", []() { return ac::active(); }, "CPU autocast is enabled and no listed op is running.");
  m.def("_is_autocast_cpu_enabled", []() { return ac::tls_state.enabled; });
  m.def("_set_autocast_cpu_enabled", [](bool on) { ac::set_enabled(on); }, py::arg("enabled"));
  m.def("_get_autocast_cpu_dtype", []() { return ac::tls_state.dtype; });
  m.def("_set_autocast_cpu_dtype", [](DType dt) { ac::tls_state.dtype = dt; }, py::arg("dtype"));
  m.def("_is_autocast_cache_enabled", []() { return ac::tls_state.cache_enabled; });
  m.def("_set_autocast_cache_enabled", [](bool on) { ac::tls_state.cache_enabled = on; }, py::arg("enabled"));
  m.def("_autocast_increment_nesting", []() { return ++ac::tls_state.nesting; });
  m.def("_autocast_decrement_nesting", []() { return --ac::tls_state.nesting; });
  m.def("_clear_autocast_cache", &ac::clear_cache);
  m.def(
      "_autocast_cast", [](const Tensor& t, DType to) { return ac::cached_cast(to, t); }, py::arg("tensor"),
      py::arg("dtype"));
  PyObject* op_type = PyType_FromSpec(&op_spec);
  if (!op_type) throw py::error_already_set();
  m.add_object("_AutocastOp", py::reinterpret_steal<py::object>(op_type));
  m.def(
      "_autocast_op",
      [op_type](py::object fn, py::object slow) {
        auto* o = PyObject_GC_New(AutocastOp, reinterpret_cast<PyTypeObject*>(op_type));
        if (!o) throw py::error_already_set();
        o->fn = fn.release().ptr();
        o->slow = slow.release().ptr();
        o->dict = nullptr;
        o->vectorcall = op_vectorcall;
        PyObject_GC_Track(reinterpret_cast<PyObject*>(o));
        return py::reinterpret_steal<py::object>(reinterpret_cast<PyObject*>(o));
      },
      py::arg("fn"), py::arg("slow"),
      "A wrapper calling fn, or slow while CPU autocast is active (Note [Autocast op wrappers]).");
  // +1 when a listed op starts running, -1 when it returns (ExcludeGuard from Python).
  m.def(
      "_autocast_exclude",
      [](int delta) {
        ac::tls_state.excluded += delta;
        ac::tls_state.refresh();
      },
      py::arg("delta"));
}

}  // namespace tc::py_glue
