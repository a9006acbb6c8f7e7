#pragma once
// The DLPack (v0.8, unversioned) ABI, declared from the public spec, and the
// binding hook that adds __dlpack__ / __dlpack_device__ / from_dlpack.
#include <cstdint>

#include "bindings/common.h"

extern "C" {
struct DLDevice {
  int32_t device_type;
  int32_t device_id;
};
struct DLDataType {
  uint8_t code;
  uint8_t bits;
  uint16_t lanes;
};
struct DLTensor {
  void* data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;
  int64_t* strides;
  uint64_t byte_offset;
};
struct DLManagedTensor {
  DLTensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(DLManagedTensor* self);
};
// DLPack >= 1.0 (capsule name "dltensor_versioned"): numpy and PyTorch ask
// for it with __dlpack__(max_version=(1, ...)); arrays from the legacy
// capsule are read-only in numpy.
struct DLPackVersion {
  uint32_t major;
  uint32_t minor;
};
struct DLManagedTensorVersioned {
  DLPackVersion version;
  void* manager_ctx;
  void (*deleter)(DLManagedTensorVersioned* self);
  uint64_t flags;
  DLTensor dl_tensor;
};
}

namespace tc::py_glue {
constexpr int32_t kDLCPU = 1;
constexpr int32_t kDLCUDA = 2;
constexpr uint8_t kDLInt = 0, kDLUInt = 1, kDLFloat = 2, kDLBfloat = 4, kDLComplex = 5, kDLBool = 6;
void init_dlpack(py::module_& m, py::class_<TensorImpl, Tensor>& cls);
}  // namespace tc::py_glue
