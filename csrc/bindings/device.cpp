// tensorcore.device (a C++ type: core/device.h) and the device of a Tensor:
// `t.device`, `t.is_cpu`, `t.is_cuda`, `t.is_meta`, `t.get_device()`, and the
// parsing of every `device=` argument (`_C._device_arg`).
#include "backend/cuda_api.h"
#include "bindings/common.h"
#include "core/allocator.h"

#include <iterator>
#include <vector>

namespace tc::py_glue {

namespace {

constexpr int kIndexSlots = kMaxDeviceIndex + 2;  // index -1 .. kMaxDeviceIndex

// torch.device(int): the accelerator's device of that index.
Device device_from_index(int64_t index) {
  TC_CHECK(index >= 0, "Device index must not be negative");
  TC_CHECK(cuda::is_available(), "Cannot access accelerator device when none is available.");
  return make_device(DeviceType::CUDA, index);
}

std::string type_name(py::handle obj) {
  if (py::isinstance<Device>(obj)) return "torch.device";  // PyTorch's spelling in its messages
  return Py_TYPE(obj.ptr())->tp_name;
}

bool is_int(py::handle obj) { return PyLong_Check(obj.ptr()) && !PyBool_Check(obj.ptr()); }

std::string as_string(py::handle obj) {
  if (PyBytes_Check(obj.ptr())) return obj.cast<py::bytes>();
  return obj.cast<std::string>();
}

[[noreturn]] void invalid_combination(const py::args& args, const py::kwargs& kwargs) {
  std::string got;
  for (auto a : args) got += (got.empty() ? "" : ", ") + type_name(a);
  for (auto kv : kwargs)
    got += (got.empty() ? "" : ", ") + py::str(kv.first).cast<std::string>() + "=" + type_name(kv.second);
  if (!kwargs.empty()) got += ", ";
  raise(ErrorKind::Type, "device() received an invalid combination of arguments - got (", got,
        "), but expected one of:\n * (torch.device device)\n * (str type, int index = -1)\n");
}

// torch.device(...)'s overloads: (device), (int), (str type, int index=-1).
Device construct(const py::args& args, const py::kwargs& kwargs) {
  py::handle type, index;
  size_t used = 0;
  if (args.size() > 2) invalid_combination(args, kwargs);
  if (args.size() >= 1) type = args[0];
  if (args.size() == 2) index = args[1];
  for (auto kv : kwargs) {
    std::string k = py::str(kv.first);
    if ((k == "type" || k == "device") && !type)
      type = kv.second;
    else if (k == "index" && !index)
      index = kv.second;
    else
      invalid_combination(args, kwargs);
    ++used;
  }
  if (!type) invalid_combination(args, kwargs);
  if (!index) {  // one argument: a device, an accelerator index or a string
    if (py::isinstance<Device>(type)) return type.cast<Device>();
    if (is_int(type)) return device_from_index(type.cast<int64_t>());
    if (!PyUnicode_Check(type.ptr()) && !PyBytes_Check(type.ptr())) invalid_combination(args, kwargs);
    return parse_device(as_string(type));
  }
  if (!PyUnicode_Check(type.ptr()) && !PyBytes_Check(type.ptr()))
    raise(ErrorKind::Type, "device(): argument 'type' (position 1) must be str, not ", type_name(type));
  if (!index.is_none() && !is_int(index))
    raise(ErrorKind::Type, "device(): argument 'index' (position 2) must be int, not ", type_name(index));
  std::string s = as_string(type);
  Device d = parse_device(s);
  TC_CHECK(!d.has_index(), "type (string) must not include an index because index was passed explicitly: ", s);
  if (index.is_none()) return d;
  int64_t i = index.cast<int64_t>();
  TC_CHECK(i >= 0, "Device index must not be negative");
  return make_device(d.type, i);
}

// `t.device` and friends as plain CPython getters: a pybind11 property costs
// ~150 ns per read (argument casting, holder copy), the Python constant it
// replaces cost ~70 ns; these cost about as much as the constant did.
TensorImpl* impl_of(PyObject* self) {
  auto vh = reinterpret_cast<py::detail::instance*>(self)->get_value_and_holder(nullptr, false);
  if (!vh || !vh.holder_constructed()) {
    PyErr_SetString(PyExc_RuntimeError, "tensorcore.Tensor: the tensor was not initialised (__init__ not called)");
    return nullptr;
  }
  return vh.value_ptr<TensorImpl>();
}

PyObject* get_device(PyObject* self, void*) {
  TensorImpl* t = impl_of(self);
  return t ? device_object(t->device).release().ptr() : nullptr;
}

template <DeviceType T> PyObject* get_is(PyObject* self, void*) {
  TensorImpl* t = impl_of(self);
  if (!t) return nullptr;
  return PyBool_FromLong(t->device.type == T);
}

// device.type and device.index, read in hot Python code (`t.device.type ==
// 'cuda'`), as plain getters too; type names are interned once.
Device* device_of(PyObject* self) {
  return reinterpret_cast<py::detail::instance*>(self)->get_value_and_holder(nullptr, false).value_ptr<Device>();
}

PyObject* get_type(PyObject* self, void*) {
  static PyObject* names[kNumDeviceTypes] = {};
  Device* d = device_of(self);
  if (!d) {
    PyErr_SetString(PyExc_RuntimeError, "tensorcore.device: the object was not initialised");
    return nullptr;
  }
  PyObject*& name = names[static_cast<int>(d->type)];
  if (!name) name = PyUnicode_InternFromString(device_type_name(d->type));
  Py_XINCREF(name);
  return name;
}

PyObject* get_index(PyObject* self, void*) {
  Device* d = device_of(self);
  if (!d) {
    PyErr_SetString(PyExc_RuntimeError, "tensorcore.device: the object was not initialised");
    return nullptr;
  }
  if (!d->has_index()) Py_RETURN_NONE;
  return PyLong_FromLong(d->index);
}

PyGetSetDef kDeviceGetters[] = {
    {"type", &get_type, nullptr, "The device type: 'cpu', 'cuda', ...", nullptr},
    {"index", &get_index, nullptr, "The device index, or None.", nullptr},
};

void add_getters(py::handle cls, PyGetSetDef* defs, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    PyObject* descr = PyDescr_NewGetSet(reinterpret_cast<PyTypeObject*>(cls.ptr()), &defs[i]);
    if (!descr || PyObject_SetAttrString(cls.ptr(), defs[i].name, descr) != 0) throw py::error_already_set();
    Py_DECREF(descr);
  }
}

PyGetSetDef kTensorDeviceGetters[] = {
    {"device", &get_device, nullptr, "The device where this tensor's storage lives.", nullptr},
    {"is_cpu", &get_is<DeviceType::CPU>, nullptr, "True when the tensor is on the CPU.", nullptr},
    {"is_cuda", &get_is<DeviceType::CUDA>, nullptr, "True when the tensor is on a CUDA device.", nullptr},
    {"is_meta", &get_is<DeviceType::Meta>, nullptr, "True when the tensor is a meta tensor.", nullptr},
};

}  // namespace

py::object device_object(Device d) {
  // Devices are immutable: one Python object per (type, index), made on first
  // use and kept for the process (a few hundred at most).
  static PyObject* cache[kNumDeviceTypes * kIndexSlots] = {};
  PyObject*& slot = cache[static_cast<int>(d.type) * kIndexSlots + d.index + 1];
  if (!slot) slot = py::cast(d).release().ptr();
  return py::reinterpret_borrow<py::object>(slot);
}

std::optional<Device> to_optional_device(py::handle obj, const char* op) {
  if (obj.is_none()) return std::nullopt;
  if (py::isinstance<Device>(obj)) return obj.cast<Device>();
  if (PyUnicode_Check(obj.ptr())) return parse_device(obj.cast<std::string>());
  if (is_int(obj)) return device_from_index(obj.cast<int64_t>());
  raise(ErrorKind::Type, op, "(): argument 'device' must be torch.device, not ", type_name(obj));
}

void init_device(py::module_& m, py::class_<TensorImpl, Tensor>& tensor_cls) {
  py::class_<Device> cls(m, "device",
                         "A device: tensorcore.device('cpu'), device('cuda:1'), device('cuda', 0), device(0).");
  cls.attr("__module__") = "tensorcore";  // pickles as tensorcore.device
  cls.def(py::init([](const py::args& a, const py::kwargs& k) { return construct(a, k); }));
  add_getters(cls, kDeviceGetters, std::size(kDeviceGetters));
  cls.def("__repr__", [](const Device& d) {
    std::string r = std::string("device(type='") + device_type_name(d.type) + "'";
    if (d.has_index()) r += ", index=" + std::to_string(d.index);
    return r + ")";
  });
  cls.def("__str__", [](const Device& d) { return device_str(d); });
  // As torch.device: equal only to devices ('cpu' == device('cpu') is False).
  cls.def("__eq__", [](const Device& d, py::handle o) -> py::object {
    if (!py::isinstance<Device>(o)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
    return py::bool_(d == o.cast<Device>());
  });
  cls.def("__hash__", [](const Device& d) { return d.hash(); });
  cls.def("__reduce__", [](const Device& d) {
    py::tuple args = d.has_index() ? py::tuple(py::make_tuple(device_type_name(d.type), static_cast<int>(d.index)))
                                   : py::tuple(py::make_tuple(device_type_name(d.type)));
    return py::make_tuple(py::type::of<Device>(), args);
  });

  // `device=` of factories, .to(), nn modules: a device (or None), checked
  // against the allocator registry so a type with no backend raises PyTorch's
  // error (Note [Allocator per device type]).
  m.def(
      "_device_arg",
      [](py::handle obj, const char* op, bool check) -> py::object {
        auto d = to_optional_device(obj, op);
        if (!d) return py::none();
        if (check) get_allocator(d->type);
        return device_object(*d);
      },
      py::arg("device"), py::arg("op") = "device", py::arg("check") = true);

  // Note [Default device]: `with tensorcore.device(d):` makes d the default
  // device of factories inside the block; blocks nest, and each restores the
  // device that was the default when it was entered (also on an exception).
  // Entering checks nothing, as PyTorch: a device with no backend raises at
  // the first factory call in the block.
  static thread_local std::vector<Device> entered;  // the defaults the open blocks replaced
  cls.def("__enter__", [](py::object self) {
    entered.push_back(default_device());
    set_default_device(self.cast<Device>());
    return self;
  });
  cls.def("__exit__", [](const Device&, py::args) {
    if (!entered.empty()) {
      set_default_device(entered.back());
      entered.pop_back();
    }
    return false;
  });
  m.def("_set_default_device", [](py::handle obj) {
    auto d = to_optional_device(obj, "set_default_device");
    set_default_device(d ? *d : Device::cpu());
  });
  m.def("_default_device", [] { return device_object(default_device()); });

  add_getters(tensor_cls, kTensorDeviceGetters, std::size(kTensorDeviceGetters));
  tensor_cls.def("get_device", [](const Tensor& t) -> int64_t { return t.device().is_cpu() ? -1 : t.device().index; });
}

}  // namespace tc::py_glue
