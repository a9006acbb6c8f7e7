// Zero-copy exchange with numpy and PyTorch through DLPack capsules.
#include "bindings/dlpack.h"
#include "backend/cuda_api.h"

#include "core/shape_util.h"

namespace tc::py_glue {

namespace {

struct Export {  // manager_ctx of an exported tensor
  Tensor keep;
  Shape shape, strides;
  DLManagedTensor managed;
  DLManagedTensorVersioned versioned;
};

void export_deleter(DLManagedTensor* m) { delete static_cast<Export*>(m->manager_ctx); }
void export_deleter_versioned(DLManagedTensorVersioned* m) { delete static_cast<Export*>(m->manager_ctx); }

DLDataType dl_dtype(DType dt) {
  switch (dt) {
    case DType::Bool:
      return {kDLBool, 8, 1};
    case DType::Int32:
      return {kDLInt, 32, 1};
    case DType::Int64:
      return {kDLInt, 64, 1};
    case DType::Float32:
      return {kDLFloat, 32, 1};
    case DType::Float64:
      return {kDLFloat, 64, 1};
    case DType::Uint8:
      return {kDLUInt, 8, 1};
    case DType::Int8:
      return {kDLInt, 8, 1};
    case DType::Int16:
      return {kDLInt, 16, 1};
    case DType::Float16:
      return {kDLFloat, 16, 1};
    case DType::BFloat16:
      return {kDLBfloat, 16, 1};
    case DType::Complex64:
      return {kDLComplex, 64, 1};
    case DType::Complex128:
      return {kDLComplex, 128, 1};
  }
  return {kDLFloat, 32, 1};
}

DType from_dl_dtype(DLDataType t) {
  TC_CHECK_TYPE(t.lanes == 1, "from_dlpack: vector dtypes (lanes=", t.lanes, ") are not supported");
  if (t.code == kDLBool && t.bits == 8) return DType::Bool;
  if (t.code == kDLUInt && t.bits == 8) return DType::Uint8;
  if (t.code == kDLInt && t.bits == 8) return DType::Int8;
  if (t.code == kDLInt && t.bits == 16) return DType::Int16;
  if (t.code == kDLInt && t.bits == 32) return DType::Int32;
  if (t.code == kDLInt && t.bits == 64) return DType::Int64;
  if (t.code == kDLFloat && t.bits == 16) return DType::Float16;
  if (t.code == kDLFloat && t.bits == 32) return DType::Float32;
  if (t.code == kDLFloat && t.bits == 64) return DType::Float64;
  if (t.code == kDLBfloat && t.bits == 16) return DType::BFloat16;
  if (t.code == kDLComplex && t.bits == 64) return DType::Complex64;
  if (t.code == kDLComplex && t.bits == 128) return DType::Complex128;
  raise(ErrorKind::Type, "from_dlpack: unsupported dtype (code ", int(t.code), ", bits ", int(t.bits),
        "); supported: bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, complex64, "
        "complex128");
}

py::capsule to_dlpack(const Tensor& t, bool versioned) {
  auto* e = new Export();
  e->keep = ops::detach(t);
  e->shape = t.sizes();
  e->strides = t.strides();
  DLTensor& d = versioned ? e->versioned.dl_tensor : e->managed.dl_tensor;
  if (t->storage->placeholder) TensorImpl::raise_placeholder_access();  // Note [Placeholder storage]
  d.data = t->storage->data;
  d.byte_offset = static_cast<uint64_t>(t->offset) * itemsize(t.dtype());
  // A CUDA tensor is exchanged without a copy: its kernels run on the legacy
  // default stream, which orders them before work on any consumer's stream.
  d.device = t.device().type == DeviceType::CUDA ? DLDevice{kDLCUDA, t.device().index} : DLDevice{kDLCPU, 0};
  d.ndim = static_cast<int32_t>(t.dim());
  d.dtype = dl_dtype(t.dtype());
  d.shape = e->shape.data();
  d.strides = e->strides.data();
  if (versioned) {
    e->versioned.version = {1, 0};
    e->versioned.manager_ctx = e;
    e->versioned.deleter = export_deleter_versioned;
    e->versioned.flags = 0;  // writable, not a copy
    return py::capsule(&e->versioned, "dltensor_versioned", [](PyObject* cap) {
      if (PyCapsule_IsValid(cap, "dltensor_versioned")) {
        auto* m = static_cast<DLManagedTensorVersioned*>(PyCapsule_GetPointer(cap, "dltensor_versioned"));
        if (m && m->deleter) m->deleter(m);
      }
    });
  }
  e->managed.manager_ctx = e;
  e->managed.deleter = export_deleter;
  return py::capsule(&e->managed, "dltensor", [](PyObject* cap) {
    // Only free when nobody consumed (renamed) the capsule.
    if (PyCapsule_IsValid(cap, "dltensor")) {
      auto* m = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(cap, "dltensor"));
      if (m && m->deleter) m->deleter(m);
    }
  });
}

Tensor from_capsule(py::capsule cap) {
  bool versioned = PyCapsule_IsValid(cap.ptr(), "dltensor_versioned");
  TC_CHECK_TYPE(versioned || PyCapsule_IsValid(cap.ptr(), "dltensor"),
                "from_dlpack: expected a DLPack capsule named 'dltensor' that was not consumed yet");
  DLManagedTensor* m = nullptr;
  DLManagedTensorVersioned* mv = nullptr;
  if (versioned) {
    mv = static_cast<DLManagedTensorVersioned*>(PyCapsule_GetPointer(cap.ptr(), "dltensor_versioned"));
    TC_CHECK_TYPE(mv->version.major == 1, "from_dlpack: unsupported DLPack major version ", mv->version.major);
  } else {
    m = static_cast<DLManagedTensor*>(PyCapsule_GetPointer(cap.ptr(), "dltensor"));
  }
  const DLTensor& d = versioned ? mv->dl_tensor : m->dl_tensor;
  const bool on_cuda = d.device.device_type == kDLCUDA;
  TC_CHECK(d.device.device_type == kDLCPU || (on_cuda && cuda::is_available()), "from_dlpack: only CPU tensors",
           cuda::is_available() ? " and CUDA tensors" : "", " can be imported (device type ", d.device.device_type,
           ")");
  TC_CHECK(d.ndim >= 0, "from_dlpack: negative ndim");
  DType dt = from_dl_dtype(d.dtype);
  Shape sizes(d.shape, d.shape + d.ndim);
  Shape strides = d.strides ? Shape(d.strides, d.strides + d.ndim) : contiguous_strides(sizes);
  int64_t extent = 1;
  for (int i = 0; i < d.ndim; ++i) {
    TC_CHECK(sizes[i] >= 0 && strides[i] >= 0, "from_dlpack: negative sizes or strides are not supported");
    if (sizes[i] == 0) {
      extent = 0;
      break;
    }
    extent += (sizes[i] - 1) * strides[i];
  }
  size_t isz = itemsize(dt);
  TC_CHECK(d.byte_offset % isz == 0, "from_dlpack: byte_offset not a multiple of the element size");
  PyCapsule_SetName(cap.ptr(), versioned ? "used_dltensor_versioned" : "used_dltensor");
  const Device device = on_cuda ? Device(DeviceType::CUDA, static_cast<int8_t>(d.device.device_id)) : Device::cpu();
  Storage st = borrowed_storage(
      d.data, (d.byte_offset / isz + extent) * isz,
      [m, mv] {
        if (m && m->deleter) m->deleter(m);
        if (mv && mv->deleter) mv->deleter(mv);
      },
      device, on_cuda);
  return Tensor(new TensorImpl(st, dt, sizes, strides, static_cast<int64_t>(d.byte_offset / isz),
                               std::make_shared<VersionCounter>()));
}

}  // namespace

void init_dlpack(py::module_& m, py::class_<TensorImpl, Tensor>& cls) {
  cls.def("__dlpack__", [](const Tensor& t, py::args, py::kwargs kw) {
    // A consumer that understands DLPack 1.x says so with max_version=(major, minor).
    bool versioned = false;
    if (kw.contains("max_version") && !kw["max_version"].is_none()) {
      py::tuple mv = kw["max_version"].cast<py::tuple>();
      versioned = mv.size() >= 1 && mv[0].cast<int64_t>() >= 1;
    }
    if (kw.contains("copy") && !kw["copy"].is_none() && kw["copy"].cast<bool>()) {
      Tensor c = ops::clone(ops::detach(t));
      return to_dlpack(c, versioned);
    }
    return to_dlpack(t, versioned);
  });
  cls.def("__dlpack_device__", [](const Tensor& t) {
    if (t.device().type == DeviceType::CUDA) return py::make_tuple(kDLCUDA, static_cast<int>(t.device().index));
    return py::make_tuple(kDLCPU, 0);
  });
  m.def("from_dlpack", [](py::object obj) -> Tensor {
    if (py::isinstance<py::capsule>(obj)) return from_capsule(obj.cast<py::capsule>());
    if (py::isinstance<TensorImpl>(obj)) return obj.cast<Tensor>();
    TC_CHECK_TYPE(py::hasattr(obj, "__dlpack__"),
                  "from_dlpack: expected an object with __dlpack__ or a DLPack "
                  "capsule, got ",
                  std::string(py::str(py::type::of(obj).attr("__name__"))));
    py::object cap;
    try {
      cap = obj.attr("__dlpack__")(py::arg("max_version") = py::make_tuple(1, 0));
    } catch (py::error_already_set& e) {
      if (!e.matches(PyExc_TypeError)) throw;
      cap = obj.attr("__dlpack__")();  // a producer that predates DLPack 1.0
    }
    TC_CHECK_TYPE(py::isinstance<py::capsule>(cap), "from_dlpack: __dlpack__() did not return a capsule");
    return from_capsule(cap.cast<py::capsule>());
  });
}

}  // namespace tc::py_glue
