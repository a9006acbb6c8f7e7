// numpy interop: .numpy() views, from_numpy, the buffer protocol and DLPack.
#include <cstring>

#include "autograd/meta.h"
#include "bindings/common.h"
#include "bindings/dlpack.h"
#include "core/shape_util.h"

namespace tc::py_glue {

namespace {

// The buffer protocol's struct format ('e' is binary16). bfloat16 has no
// struct code: its buffer is exported as raw 2-byte unsigned values.
const char* numpy_format(DType dt) {
  switch (dt) {
    case DType::Bool:
      return "?";
    case DType::Int32:
      return "i";
    case DType::Int64:
      return "q";
    case DType::Float32:
      return "f";
    case DType::Float64:
      return "d";
    case DType::Uint8:
      return "B";
    case DType::Int8:
      return "b";
    case DType::Int16:
      return "h";
    case DType::Float16:
      return "e";
    case DType::BFloat16:
      return "H";
    case DType::Complex64:
      return "Zf";
    case DType::Complex128:
      return "Zd";
  }
  return "?";
}

py::dtype numpy_dtype(DType dt) {
  if (dt == DType::BFloat16) return bfloat16_numpy_dtype();
  return py::dtype(dtype_name(dt));
}

// A numpy array viewing the tensor's memory; the array keeps the tensor alive.
py::array to_numpy(const Tensor& t_in, bool force) {
  // PyTorch's order: the device first (numpy(force=True) copies to the host).
  if (!force && !t_in.device().is_cpu())
    throw tc::Error(ErrorKind::Type, "can't convert " + device_str(t_in.device()) +
                                         " device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host "
                                         "memory first.");
  Tensor t = t_in;
  if (t->storage->device_memory) {
    autograd::NoGradGuard ng;
    t = ops::to_device(t_in, Device::cpu(), std::nullopt, false);
  }
  if (!force && t.requires_grad())
    throw tc::Error(ErrorKind::Runtime,
                    "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
  size_t isz = itemsize(t.dtype());
  std::vector<py::ssize_t> shape(t.sizes().begin(), t.sizes().end()), strides;
  for (auto s : t.strides()) strides.push_back(static_cast<py::ssize_t>(s * isz));
  Tensor keep = ops::detach(t);
  py::capsule owner(new Tensor(keep), [](void* p) { delete static_cast<Tensor*>(p); });
  return py::array(numpy_dtype(t.dtype()), shape, strides, t->data_bytes(), owner);
}

Tensor from_numpy(py::object obj) {
  if (!py::isinstance<py::array>(obj))
    throw py::type_error("expected np.ndarray (got " + std::string(py::str(py::type::of(obj).attr("__name__"))) + ")");
  py::array arr = obj.cast<py::array>();
  DType dt = dtype_from_numpy(arr);
  check_numpy_layout(arr);
  // Kernels load elements as typed values: a pointer that is not a multiple of
  // the element size is undefined behaviour there (and can fault in aligned
  // vector loads). tensor()/as_tensor() copy such arrays; from_numpy, which
  // must share memory, refuses them (PyTorch shares them anyway).
  if (reinterpret_cast<uintptr_t>(arr.data()) % static_cast<uintptr_t>(arr.itemsize()) != 0)
    throw py::value_error("from_numpy(): the numpy array's data is not aligned to its element size (" +
                          std::to_string(arr.itemsize()) +
                          " bytes); tensors need aligned memory. Use "
                          "torch.tensor(array) or torch.from_numpy(array.copy()) instead.");
  if (!arr.writeable()) {
    // PyTorch warns once per process, then shares the memory anyway.
    static bool warned = false;
    if (!warned) {
      warned = true;
      if (PyErr_WarnEx(PyExc_UserWarning,
                       "The given NumPy array is not writable, and PyTorch does not support non-writable tensors. "
                       "This means writing to this tensor will result in undefined behavior. You may want to copy "
                       "the array to protect its data or make it writable before converting it to a tensor. This "
                       "type of warning will be suppressed for the rest of this program.",
                       1) < 0)
        throw py::error_already_set();
    }
  }
  size_t isz = itemsize(dt);
  Shape sizes, strides;
  for (py::ssize_t i = 0; i < arr.ndim(); ++i) {
    sizes.push_back(arr.shape(i));
    py::ssize_t st = arr.strides(i);
    if (st % static_cast<py::ssize_t>(isz) != 0)
      throw py::value_error(
          "given numpy array strides not a multiple of the element byte size. Copy the numpy "
          "array to reallocate the memory.");
    strides.push_back(st / static_cast<py::ssize_t>(isz));
  }
  int64_t extent = 1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == 0) {
      extent = 0;
      break;
    }
    extent += (sizes[i] - 1) * strides[i];
  }
  PyObject* ref = obj.ptr();
  Py_INCREF(ref);
  Storage st = borrowed_storage(const_cast<void*>(arr.data()), static_cast<size_t>(extent) * isz, [ref] {
    py::gil_scoped_acquire g;
    Py_DECREF(ref);
  });
  return Tensor(new TensorImpl(st, dt, sizes, strides, 0, std::make_shared<VersionCounter>()));
}

}  // namespace

void init_numpy(py::module_& m, py::class_<TensorImpl, Tensor>& cls) {
  cls.def(
      "numpy", [](const Tensor& t, bool force) { return to_numpy(t, force); }, py::kw_only(), py::arg("force") = false);
  m.def("from_numpy", &from_numpy);
  m.def("_tensor_to_numpy_forced", [](const Tensor& t) { return to_numpy(t, true); });
  // Note [numpy access and requires_grad]: numpy asks for the buffer before
  // it tries __array__, so the buffer is refused (BufferError, which numpy
  // passes over) for a tensor that requires grad, and __array__ then raises
  // numpy()'s RuntimeError, as PyTorch does for np.multiply(t, -1).
  cls.def_buffer([](TensorImpl& impl) -> py::buffer_info {
    if (impl.autograd && impl.autograd->requires_grad)
      throw tc::Error(ErrorKind::Runtime,
                      "Can't call numpy() on Tensor that requires grad. Use "
                      "tensor.detach().numpy() instead.");
    // PEP 3118 has no bfloat16 format: numpy would read the bits as uint16. Refused, numpy goes on to __array__,
    // which gives numpy()'s ml_dtypes.bfloat16 array (Note [bfloat16 in numpy]).
    if (impl.dtype == DType::BFloat16)
      throw tc::Error(ErrorKind::Type, "a bfloat16 tensor has no buffer format; use tensor.numpy()");
    size_t isz = itemsize(impl.dtype);
    std::vector<py::ssize_t> shape(impl.sizes.begin(), impl.sizes.end()), strides;
    for (auto s : impl.strides) strides.push_back(static_cast<py::ssize_t>(s * isz));
    return py::buffer_info(impl.data_bytes(), static_cast<py::ssize_t>(isz), numpy_format(impl.dtype),
                           static_cast<py::ssize_t>(impl.sizes.size()), shape, strides);
  });
  init_dlpack(m, cls);
}

}  // namespace tc::py_glue
