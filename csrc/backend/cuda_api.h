#pragma once
// The CUDA backend's entry points: backend/cuda/ when built with CUDA,
// backend/no_cuda/ otherwise. Op code calls these without #ifdef.
//
// Note [CUDA backend not yet verified]
// The backend in backend/cuda/ is compiled and link-checked on machines
// without a GPU, but has not yet run on one. Until a session with a GPU has
// run scripts/gpu_check.sh over it, it stays off unless TENSORCORE_ENABLE_CUDA=1
// is set: without that, a CUDA build behaves exactly as a CPU-only one
// (is_available() is False, `device='cuda'` raises "Torch not compiled with
// CUDA enabled"), so a program that picks its device with
// `'cuda' if torch.cuda.is_available() else 'cpu'` keeps running on the CPU
// instead of meeting an untested kernel. enabled() says which.
#include <cstddef>
#include <cstdint>
#include <string>

#include "backend/kernels_nn.h"
#include "backend/kernels_reduce.h"
#include "backend/op_tables.h"
#include "core/device.h"
#include "core/dtype.h"

namespace tc {
class TensorIterator;
}

namespace tc::cuda {

// ---- the runtime (backend/cuda/runtime.cpp) ----
// Registers the device allocator when the backend is on (called once as the
// extension loads: a static initializer in a static library would be dropped
// by the linker with the object that holds it).
void register_backend();
bool compiled();      // this build has the CUDA backend
bool enabled();       // compiled() and turned on (Note [CUDA backend not yet verified])
bool is_available();  // enabled() and the driver reports at least one device
int device_count();
[[noreturn]] void require_cuda(const char* op);
int current_device();
void set_device(int index);
void synchronize(int index);  // -1: the current device
struct DeviceProperties {
  std::string name;
  int major = 0, minor = 0;
  int multi_processor_count = 0;
  size_t total_memory = 0;
};
DeviceProperties device_properties(int index);

// ---- the caching allocator (backend/cuda/allocator.cpp) ----
size_t memory_allocated(int index);
size_t max_memory_allocated(int index);
size_t memory_reserved(int index);
void reset_peak_memory_stats(int index);
void empty_cache();

// ---- copies between devices (backend/cuda/copy.cu) ----
// nbytes from src on src_device to dst on dst_device, one of them or both
// CUDA; waits for the copy unless non_blocking (and the host side is pinned).
void memcpy_between(void* dst, Device dst_device, const void* src, Device src_device, size_t nbytes, bool non_blocking);

// ---- kernels: the device forms of kernels::X (Note [Iterators on a device]) ----
void binary(BinaryOp op, const TensorIterator& it, DType compute);
void unary(UnaryOp op, const TensorIterator& it, DType compute);
void copy(const TensorIterator& it, DType out, DType in);
void where(const TensorIterator& it, DType dt);
void clamp(const TensorIterator& it, DType dt, bool has_lo, double lo, bool has_hi, double hi);
void lerp(const TensorIterator& it, DType compute);
void add_scaled(const TensorIterator& it, DType compute, double alpha);
// The raw-pointer kernels take the device their memory is on.
void fill(Device device, void* data, int64_t n, DType dt, double fval, int64_t ival, double fimag);
void reduce(Device device, kernels::ReduceOp op, const void* in, DType in_dt, void* out, DType out_dt, int64_t outer,
            int64_t len, int64_t inner);
// backend/kernels_nn.h's activation and softmax contracts on device memory.
void activation_forward(Device device, kernels::Activation act, DType dt, int64_t n, const void* x, void* y,
                        kernels::ActivationParams p);
void activation_backward(Device device, kernels::Activation act, DType dt, int64_t n, const void* g, const void* x,
                         void* gx, kernels::ActivationParams p, bool from_result);
void softmax_forward(Device device, DType dt, bool log, const void* x, void* y, int64_t outer, int64_t len,
                     int64_t inner);
void softmax_backward(Device device, DType dt, bool log, const void* g, const void* y, void* gx, int64_t outer,
                      int64_t len, int64_t inner);
// nll_loss per element on device memory: out[n, r] and the weight taken[n, r]
// (0 for an ignored target); *first_bad (an int64 on the device, preset to
// INT64_MAX) gets the smallest flat position of a target outside [0, C).
void nll_loss_forward(Device device, DType dt, int64_t N, int64_t C, int64_t R, const void* logp, const int64_t* target,
                      const void* w, int64_t ignore_index, void* out, void* taken, int64_t* first_bad);
// kernels::gemm's contract on device memory (float16/bfloat16 too, through
// cuBLAS), for operands whose layout gemm_layout_supported accepts (one unit
// stride per matrix); ops make other operands contiguous first.
bool gemm_layout_supported(int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride);
void gemm(Device device, DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t lda_row, int64_t lda_col,
          const void* b, int64_t ldb_row, int64_t ldb_col, void* c, int64_t ldc_row, bool accumulate);

}  // namespace tc::cuda
