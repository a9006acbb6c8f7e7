// The CUDA runtime as tensorcore uses it: whether the backend is on (Note
// [CUDA backend not yet verified]), the devices the driver reports, the
// current device, synchronization and device properties. The runtime is
// linked statically (CMakeLists.txt), so a CPU-only machine needs no CUDA
// library: without a driver, cudaGetDeviceCount fails and there are 0 devices.
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "backend/cuda/cuda_check.h"
#include "backend/cuda_api.h"

namespace tc::cuda {

void raise_cuda_error(cudaError_t e, const char* what) {
  (void)cudaGetLastError();  // a non-sticky error must not resurface in the next check
  if (e == cudaErrorMemoryAllocation)
    raise(ErrorKind::Runtime, "CUDA out of memory (", what, "); free tensors or call tensorcore.cuda.empty_cache()");
  raise(ErrorKind::Runtime, "CUDA error: ", cudaGetErrorString(e), " (", what, ")");
}

bool compiled() { return true; }

bool enabled() {
  static const bool on = [] {
    const char* v = std::getenv("TENSORCORE_ENABLE_CUDA");
    return v != nullptr && std::strcmp(v, "1") == 0;
  }();
  return on;
}

namespace {
// The driver's answer, asked once (as PyTorch caches device_count): 0 when the
// backend is off, when there is no driver, or when there is no device.
int query_device_count(cudaError_t* error) {
  static cudaError_t err = cudaSuccess;
  static const int count = [] {
    if (!enabled()) return 0;
    int n = 0;
    err = cudaGetDeviceCount(&n);
    if (err != cudaSuccess) {
      (void)cudaGetLastError();
      return 0;
    }
    return n;
  }();
  if (error) *error = err;
  return count;
}
}  // namespace

int device_count() { return query_device_count(nullptr); }
bool is_available() { return device_count() > 0; }

void require_cuda(const char* op) {
  (void)op;
  if (!enabled())
    raise(ErrorKind::Assertion,
          "Torch not compiled with CUDA enabled (tensorcore's CUDA backend is built but off until it has run on a "
          "GPU; set TENSORCORE_ENABLE_CUDA=1 to use it)");
  cudaError_t err;
  query_device_count(&err);
  if (err == cudaErrorInsufficientDriver || err == cudaErrorNoDevice)
    raise(ErrorKind::Runtime,
          err == cudaErrorNoDevice
              ? "No CUDA GPUs are available"
              : "Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a "
                "driver from http://www.nvidia.com/Download/index.aspx");
  raise(ErrorKind::Runtime, "CUDA error: ", cudaGetErrorString(err), " (device query)");
}

void ensure_initialized() {
  if (!is_available()) require_cuda("cuda");
}

int current_device() {
  ensure_initialized();
  int d = 0;
  check(cudaGetDevice(&d), "cudaGetDevice");
  return d;
}

void set_device(int index) {
  ensure_initialized();
  TC_CHECK(index >= 0 && index < device_count(), "Invalid device id ", index, ": this machine has ", device_count(),
           " CUDA device(s)");
  check(cudaSetDevice(index), "cudaSetDevice");
}

void synchronize(int index) {
  ensure_initialized();
  if (index < 0) {
    check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    return;
  }
  int previous = 0;
  check(cudaGetDevice(&previous), "cudaGetDevice");
  check(cudaSetDevice(index), "cudaSetDevice");
  const cudaError_t e = cudaDeviceSynchronize();
  check(cudaSetDevice(previous), "cudaSetDevice");
  check(e, "cudaDeviceSynchronize");
}

DeviceProperties device_properties(int index) {
  ensure_initialized();
  TC_CHECK_INDEX(index >= 0 && index < device_count(), "Invalid device id ", index);
  cudaDeviceProp p;
  check(cudaGetDeviceProperties(&p, index), "cudaGetDeviceProperties");
  DeviceProperties r;
  r.name = p.name;
  r.major = p.major;
  r.minor = p.minor;
  r.multi_processor_count = p.multiProcessorCount;
  r.total_memory = p.totalGlobalMem;
  return r;
}

}  // namespace tc::cuda
