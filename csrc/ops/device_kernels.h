#pragma once
// Note [Kernels on the tensor's device]
// The raw-pointer kernel families (backend/kernels_nn.h) take addresses the
// host can read. An op calls these forms instead, with the tensors: on device
// memory (Note [Device memory is not host memory]) they run that device's
// kernel with its device addresses, on the host the CPU kernel. The tensors
// are the contiguous operands the CPU contract asks for; an op allocates its
// outputs on the input's device.
#include "backend/cuda_api.h"
#include "backend/kernels_nn.h"
#include "core/tensor.h"

namespace tc::ops {

// Whether t's memory is a device's; CUDA is the only backend with device
// memory, so another type's (a test's fake device) raises: it has no kernels.
inline bool on_device_memory(const Tensor& t) {
  if (!t->storage->device_memory) return false;
  if (t.device().type != DeviceType::CUDA) t->raise_no_host_access();
  return true;
}

inline void activation_forward(kernels::Activation act, DType dt, const Tensor& x, const Tensor& y,
                               kernels::ActivationParams p) {
  if (on_device_memory(y))
    cuda::activation_forward(y.device(), act, dt, x.numel(), x->raw_data_bytes(), y->raw_data_bytes(), p);
  else
    kernels::activation_forward(act, dt, x.numel(), x->data_bytes(), y->data_bytes(), p);
}

inline void activation_backward(kernels::Activation act, DType dt, const Tensor& g, const Tensor& x, const Tensor& gx,
                                kernels::ActivationParams p, bool from_result) {
  if (on_device_memory(gx))
    cuda::activation_backward(gx.device(), act, dt, x.numel(), g->raw_data_bytes(), x->raw_data_bytes(),
                              gx->raw_data_bytes(), p, from_result);
  else
    kernels::activation_backward(act, dt, x.numel(), g->data_bytes(), x->data_bytes(), gx->data_bytes(), p,
                                 from_result);
}

inline void softmax_forward(DType dt, bool log, const Tensor& x, const Tensor& y, int64_t outer, int64_t len,
                            int64_t inner) {
  if (on_device_memory(y))
    cuda::softmax_forward(y.device(), dt, log, x->raw_data_bytes(), y->raw_data_bytes(), outer, len, inner);
  else
    kernels::softmax_forward(dt, log, x->data_bytes(), y->data_bytes(), outer, len, inner);
}

inline void softmax_backward(DType dt, bool log, const Tensor& g, const Tensor& y, const Tensor& gx, int64_t outer,
                             int64_t len, int64_t inner) {
  if (on_device_memory(gx))
    cuda::softmax_backward(gx.device(), dt, log, g->raw_data_bytes(), y->raw_data_bytes(), gx->raw_data_bytes(), outer,
                           len, inner);
  else
    kernels::softmax_backward(dt, log, g->data_bytes(), y->data_bytes(), gx->data_bytes(), outer, len, inner);
}

}  // namespace tc::ops
