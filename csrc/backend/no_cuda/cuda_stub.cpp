// Built without CUDA: every CUDA entry point raises one clear error, and the
// queries answer as PyTorch's CPU-only build does.
#include "backend/cuda_api.h"
#include "core/error.h"

namespace tc::cuda {

void register_backend() {}
bool compiled() { return false; }
bool enabled() { return false; }
bool is_available() { return false; }
int device_count() { return 0; }
[[noreturn]] void require_cuda(const char* op) {
  (void)op;
  raise(ErrorKind::Assertion, "Torch not compiled with CUDA enabled");
}
int current_device() { require_cuda("cuda.current_device"); }
void set_device(int) { require_cuda("cuda.set_device"); }
void synchronize(int) { require_cuda("cuda.synchronize"); }
DeviceProperties device_properties(int) { require_cuda("cuda.get_device_properties"); }
size_t memory_allocated(int) { return 0; }
size_t max_memory_allocated(int) { return 0; }
size_t memory_reserved(int) { return 0; }
void reset_peak_memory_stats(int) {}
void empty_cache() {}
void memcpy_between(void*, Device, const void*, Device, size_t, bool) { require_cuda("copy"); }
void binary(BinaryOp, const TensorIterator&, DType) { require_cuda("binary"); }
void unary(UnaryOp, const TensorIterator&, DType) { require_cuda("unary"); }
void copy(const TensorIterator&, DType, DType) { require_cuda("copy"); }
void where(const TensorIterator&, DType) { require_cuda("where"); }
void clamp(const TensorIterator&, DType, bool, double, bool, double) { require_cuda("clamp"); }
void lerp(const TensorIterator&, DType) { require_cuda("lerp"); }
void add_scaled(const TensorIterator&, DType, double) { require_cuda("add"); }
void fill(Device, void*, int64_t, DType, double, int64_t, double) { require_cuda("fill"); }
void reduce(Device, kernels::ReduceOp, const void*, DType, void*, DType, int64_t, int64_t, int64_t) {
  require_cuda("reduce");
}
void activation_forward(Device, kernels::Activation, DType, int64_t, const void*, void*, kernels::ActivationParams) {
  require_cuda("activation");
}
void activation_backward(Device, kernels::Activation, DType, int64_t, const void*, const void*, void*,
                         kernels::ActivationParams, bool) {
  require_cuda("activation_backward");
}
void softmax_forward(Device, DType, bool, const void*, void*, int64_t, int64_t, int64_t) { require_cuda("softmax"); }
void softmax_backward(Device, DType, bool, const void*, const void*, void*, int64_t, int64_t, int64_t) {
  require_cuda("softmax_backward");
}
void nll_loss_forward(Device, DType, int64_t, int64_t, int64_t, const void*, const int64_t*, const void*, int64_t,
                      void*, void*, int64_t*) {
  require_cuda("nll_loss");
}
bool gemm_layout_supported(int64_t, int64_t, int64_t, int64_t) { return false; }
void gemm(Device, DType, int64_t, int64_t, int64_t, const void*, int64_t, int64_t, const void*, int64_t, int64_t, void*,
          int64_t, bool) {
  require_cuda("mm");
}

}  // namespace tc::cuda
