#pragma once
// Host-side helpers of the CUDA backend: turning a cudaError_t into the
// RuntimeError PyTorch raises, and the grid size of a launch.
#include <cuda_runtime.h>

#include <cstdint>

#include "core/device.h"
#include "core/error.h"

namespace tc::cuda {

// Raises RuntimeError "CUDA error: <the runtime's text> (<what>)" and clears
// the runtime's sticky last error, as c10's C10_CUDA_CHECK does.
[[noreturn]] void raise_cuda_error(cudaError_t e, const char* what);
inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) raise_cuda_error(e, what);
}
// After a kernel launch: a bad configuration shows up here, not at the launch.
inline void check_launch(const char* what) { check(cudaGetLastError(), what); }

// Raises require_cuda's error unless the backend is on and has a device.
void ensure_initialized();

// Makes `d`'s index the current device for a scope (kernels launch on the
// current device), restoring the previous one after.
class DeviceGuard {
 public:
  explicit DeviceGuard(Device d) {
    check(cudaGetDevice(&previous_), "cudaGetDevice");
    if (d.index >= 0 && d.index != previous_) {
      check(cudaSetDevice(d.index), "cudaSetDevice");
      switched_ = true;
    }
  }
  ~DeviceGuard() {
    if (switched_) (void)cudaSetDevice(previous_);
  }
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int previous_ = 0;
  bool switched_ = false;
};

// Blocks of 256 threads, at most 65535 * 8 blocks: kernels loop over the
// rest (grid-stride), so any element count fits one launch.
constexpr int kThreads = 256;
inline unsigned grid_for(int64_t n) {
  const int64_t blocks = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(blocks < 1 ? 1 : blocks > 65535 * 8 ? 65535 * 8 : blocks);
}

}  // namespace tc::cuda
