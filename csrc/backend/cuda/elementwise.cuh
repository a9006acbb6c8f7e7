#pragma once
// The device side of TensorIterator: one thread per element, each computing
// its operands' addresses from the iterator's coalesced geometry.
//
// Note [Device elementwise geometry]
// The host builds a Geometry from the iterator (Note [Iterator layout]):
// shape and byte strides innermost first, the operands' base addresses, and
// for a host scalar operand (Note [Iterators on a device]) its value copied
// into the kernel's argument block, read with stride 0. The kernel maps a
// linear index to per-operand byte offsets by peeling dims innermost first;
// when every operand is contiguous in the iterator's order (the common case)
// the offsets are i * itemsize and no division runs. Geometry travels by
// value as a kernel argument (about 1 KB for 25 dims, PyTorch's limit too),
// so a launch needs no device allocation.
#include <cuda_runtime.h>

#include <cstdint>
#include <cstring>

#include "backend/cuda/cuda_check.h"
#include "core/iterator.h"

namespace tc::cuda {

constexpr int kMaxDeviceDims = 25;

template <int NT> struct Geometry {
  int ndim = 0;
  bool flat = false;  // every operand contiguous (or a broadcast scalar): offset = i * elem[k]
  int64_t numel = 0;
  int64_t shape[kMaxDeviceDims];
  int64_t strides[NT][kMaxDeviceDims];
  int64_t elem[NT];  // bytes per element step in the flat case (0 for a broadcast operand)
  char* base[NT];
  bool scalar[NT];
  alignas(16) unsigned char scalar_bytes[NT][16];
};

template <int NT> Geometry<NT> make_geometry(const TensorIterator& it, const char* op) {
  TC_CHECK(it.ntensors() == NT, "[", op, "] internal: operand count");
  TC_CHECK(it.ndim() <= kMaxDeviceDims, "[", op, "] CUDA kernels take at most ", kMaxDeviceDims,
           " dimensions after coalescing, got ", it.ndim());
  Geometry<NT> g;
  g.ndim = it.ndim();
  g.numel = it.numel();
  for (int d = 0; d < g.ndim; ++d) g.shape[d] = it.shape(d);
  bool flat = true;
  for (int k = 0; k < NT; ++k) {
    g.base[k] = it.base(k);
    g.scalar[k] = it.host_scalar(k);
    for (int d = 0; d < g.ndim; ++d) g.strides[k][d] = it.stride(k, d);
    // Flat: one dim (after coalescing), or none; the stride is the step.
    g.elem[k] = g.ndim == 0 ? 0 : it.stride(k, 0);
    if (g.ndim > 1) flat = false;
  }
  g.flat = flat;
  return g;
}

// The host scalar's bytes (at most 16: a complex128) into the argument block.
template <int NT> void load_host_scalars(Geometry<NT>& g, const size_t* item_sizes) {
  for (int k = 0; k < NT; ++k)
    if (g.scalar[k]) std::memcpy(g.scalar_bytes[k], g.base[k], item_sizes[k]);
}

template <int NT, typename Body> __global__ void elementwise_kernel(Geometry<NT> g, Body body) {
  const int64_t stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < g.numel; i += stride) {
    char* p[NT];
    if (g.flat) {
#pragma unroll
      for (int k = 0; k < NT; ++k) p[k] = g.base[k] + i * g.elem[k];
    } else {
      int64_t off[NT];
#pragma unroll
      for (int k = 0; k < NT; ++k) off[k] = 0;
      int64_t rem = i;
      for (int d = 0; d < g.ndim; ++d) {
        const int64_t idx = rem % g.shape[d];
        rem /= g.shape[d];
#pragma unroll
        for (int k = 0; k < NT; ++k) off[k] += idx * g.strides[k][d];
      }
#pragma unroll
      for (int k = 0; k < NT; ++k) p[k] = g.base[k] + off[k];
    }
#pragma unroll
    for (int k = 0; k < NT; ++k)
      if (g.scalar[k]) p[k] = reinterpret_cast<char*>(const_cast<unsigned char*>(g.scalar_bytes[k]));
    body(p);
  }
}

// Launches body over the iterator's elements on the current device's default
// stream (asynchronous, as every CUDA kernel of PyTorch's).
template <int NT, typename Body>
void launch_elementwise(const TensorIterator& it, const size_t* item_sizes, const char* op, Body body) {
  if (it.numel() == 0) return;
  DeviceGuard guard(it.device());
  Geometry<NT> g = make_geometry<NT>(it, op);
  load_host_scalars(g, item_sizes);
  elementwise_kernel<NT><<<grid_for(g.numel), kThreads>>>(g, body);
  check_launch(op);
}

}  // namespace tc::cuda
