// Kernels that move values on CUDA (copy with a cast, where, fill) and the
// copies between the host and a device or between devices.
#include "backend/cuda/elementwise_ops.cuh"
#include "backend/cuda_api.h"

namespace tc::cuda {

namespace {

template <typename To, typename From> struct CopyBody {
  __device__ void operator()(char** p) const {
    *reinterpret_cast<To*>(p[0]) = convert_value<To>(*reinterpret_cast<const From*>(p[1]));
  }
};

template <typename T> struct WhereBody {
  __device__ void operator()(char** p) const {
    const bool c = *reinterpret_cast<const bool*>(p[1]);
    *reinterpret_cast<T*>(p[0]) = c ? *reinterpret_cast<const T*>(p[2]) : *reinterpret_cast<const T*>(p[3]);
  }
};

template <typename T> __global__ void fill_kernel(T* out, int64_t n, T v) {
  const int64_t stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) out[i] = v;
}

}  // namespace

void copy(const TensorIterator& it, DType out, DType in) {
  dispatch_all_dtype(out, [&](auto to) {
    using To = typename decltype(to)::type;
    dispatch_all_dtype(in, [&](auto from) {
      using From = typename decltype(from)::type;
      const size_t isz[2] = {sizeof(To), sizeof(From)};
      launch_elementwise<2>(it, isz, "copy_", CopyBody<To, From>{});
    });
  });
}

void where(const TensorIterator& it, DType dt) {
  dispatch_all_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const size_t isz[4] = {sizeof(T), sizeof(bool), sizeof(T), sizeof(T)};
    launch_elementwise<4>(it, isz, "where", WhereBody<T>{});
  });
}

// The value is made on the host exactly as the CPU's fill makes it, then
// written by a kernel on the tensor's device.
void fill(Device device, void* data, int64_t n, DType dt, double fval, int64_t ival, double fimag) {
  if (n == 0) return;
  ensure_initialized();
  DeviceGuard guard(device);
  dispatch_all_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T v;
    if constexpr (is_complex_type_v<T>)
      v = T(static_cast<decltype(T::re)>(fval), static_cast<decltype(T::re)>(fimag));
    else
      v = is_float_like_v<T> ? convert_value<T>(fval) : convert_value<T>(ival);
    fill_kernel<T><<<grid_for(n), kThreads>>>(static_cast<T*>(data), n, v);
    check_launch("fill_");
  });
}

// Note [Copies between devices]
// A blocking copy waits for the device's queued kernels (cudaMemcpy on the
// legacy default stream does), so a host reading the result sees every write
// before it -- what `.cpu()`, `.item()` and printing need. non_blocking only
// queues the copy; it is truly asynchronous for pinned host memory, as in
// PyTorch, and the caller synchronizes before reading.
void memcpy_between(void* dst, Device dst_device, const void* src, Device src_device, size_t nbytes,
                    bool non_blocking) {
  if (nbytes == 0) return;
  ensure_initialized();
  DeviceGuard guard(dst_device.type == DeviceType::CUDA ? dst_device : src_device);
  if (dst_device.type == DeviceType::CUDA && src_device.type == DeviceType::CUDA && dst_device != src_device) {
    check(cudaMemcpyPeer(dst, dst_device.index, src, src_device.index, nbytes), "cudaMemcpyPeer");
    return;
  }
  if (non_blocking)
    check(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDefault, nullptr), "cudaMemcpyAsync");
  else
    check(cudaMemcpy(dst, src, nbytes, cudaMemcpyDefault), "cudaMemcpy");
}

}  // namespace tc::cuda
