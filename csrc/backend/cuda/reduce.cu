// Reductions over the middle dim of a contiguous [outer, len, inner] block on
// CUDA: kernels::reduce's contract (backend/kernels_reduce.h).
//
// Note [Device reductions are deterministic]
// Each output is reduced by a fixed set of threads in a fixed order -- a
// block of kThreads per row when inner == 1 (thread t takes elements t,
// t + kThreads, ..., then a shared-memory tree), one thread per output column
// otherwise -- with no atomics, so a result is the same on every run, as the
// CPU's are for any thread count. The order differs from the CPU's blocked
// sums, so float sums agree with the CPU's to rounding, not bit for bit (as
// PyTorch's CUDA and CPU sums do). NaN propagation and the first-index rule
// of argmax/argmin are the CPU's: a NaN wins, and of equal candidates the
// lower index.
#include <type_traits>

#include "backend/cuda/cuda_check.h"
#include "backend/cuda_api.h"
#include "backend/functors.h"
#include "core/dtype.h"

namespace tc::cuda {
namespace {

using kernels::ReduceOp;

template <typename T> __device__ bool nan_of(T v) {
  if constexpr (std::is_floating_point_v<T>)
    return v != v;
  else
    return false;
}

// A partial result: acc for the folding ops, (best, idx) for argmax/argmin.
template <typename Acc, typename T> struct Partial {
  Acc acc;
  T best;
  int64_t idx;  // -1: empty (no element seen)
};

template <typename Acc, typename T> __device__ Partial<Acc, T> empty_partial(ReduceOp op) {
  Partial<Acc, T> p;
  p.acc = (op == ReduceOp::Prod || op == ReduceOp::All) ? Acc(1) : Acc(0);
  p.best = T(0);
  p.idx = -1;
  return p;
}

template <typename Acc, typename T> __device__ void add_element(ReduceOp op, Partial<Acc, T>& p, T x, int64_t i) {
  switch (op) {
    case ReduceOp::Sum:
      p.acc = fn::wrap_add(p.acc, static_cast<Acc>(x));
      break;
    case ReduceOp::Prod:
      p.acc = fn::wrap_mul(p.acc, static_cast<Acc>(x));
      break;
    case ReduceOp::Max:
    case ReduceOp::Min: {
      const Acc v = static_cast<Acc>(x);
      if (p.idx < 0 || (!nan_of(p.acc) && (nan_of(v) || (op == ReduceOp::Max ? v > p.acc : v < p.acc)))) p.acc = v;
      p.idx = 0;
      break;
    }
    case ReduceOp::All:
      p.acc = p.acc && (x != T(0));
      break;
    case ReduceOp::Any:
      p.acc = p.acc || (x != T(0));
      break;
    case ReduceOp::ArgMax:
    case ReduceOp::ArgMin:
      // Elements arrive in increasing index order within one partial: a
      // strictly better value (or the first NaN) replaces the best.
      if (p.idx < 0 || (!nan_of(p.best) && (nan_of(x) || (op == ReduceOp::ArgMax ? x > p.best : x < p.best)))) {
        p.best = x;
        p.idx = i;
      }
      break;
  }
}

// Combines partials over any two disjoint index sets, in any order.
template <typename Acc, typename T>
__device__ Partial<Acc, T> combine(ReduceOp op, Partial<Acc, T> a, const Partial<Acc, T>& b) {
  switch (op) {
    case ReduceOp::Sum:
      a.acc = fn::wrap_add(a.acc, b.acc);
      return a;
    case ReduceOp::Prod:
      a.acc = fn::wrap_mul(a.acc, b.acc);
      return a;
    case ReduceOp::Max:
    case ReduceOp::Min:
      if (b.idx < 0) return a;
      if (a.idx < 0 || nan_of(b.acc)) return nan_of(a.acc) ? a : b;
      if (nan_of(a.acc)) return a;
      return (op == ReduceOp::Max ? b.acc > a.acc : b.acc < a.acc) ? b : a;
    case ReduceOp::All:
      a.acc = a.acc && b.acc;
      return a;
    case ReduceOp::Any:
      a.acc = a.acc || b.acc;
      return a;
    case ReduceOp::ArgMax:
    case ReduceOp::ArgMin: {
      if (b.idx < 0) return a;
      if (a.idx < 0) return b;
      const bool an = nan_of(a.best), bn = nan_of(b.best);
      if (an || bn) return (an && (!bn || a.idx < b.idx)) ? a : b;
      if (a.best == b.best) return a.idx < b.idx ? a : b;
      return (op == ReduceOp::ArgMax ? b.best > a.best : b.best < a.best) ? b : a;
    }
  }
  return a;
}

template <typename Acc, typename T> __device__ Acc finish(ReduceOp op, const Partial<Acc, T>& p) {
  if (op == ReduceOp::ArgMax || op == ReduceOp::ArgMin) return static_cast<Acc>(p.idx < 0 ? 0 : p.idx);
  return p.acc;
}

// inner == 1: block b reduces rows b, b + gridDim.x, ...
template <typename Acc, typename T>
__global__ void reduce_rows_kernel(ReduceOp op, const T* in, Acc* out, int64_t outer, int64_t len) {
  __shared__ Partial<Acc, T> shared[kThreads];
  for (int64_t o = blockIdx.x; o < outer; o += gridDim.x) {
    const T* x = in + o * len;
    Partial<Acc, T> p = empty_partial<Acc, T>(op);
    for (int64_t i = threadIdx.x; i < len; i += blockDim.x) add_element(op, p, x[i], i);
    shared[threadIdx.x] = p;
    __syncthreads();
    for (int w = blockDim.x / 2; w > 0; w /= 2) {
      if (threadIdx.x < w) shared[threadIdx.x] = combine(op, shared[threadIdx.x], shared[threadIdx.x + w]);
      __syncthreads();
    }
    if (threadIdx.x == 0) out[o] = finish(op, shared[0]);
    __syncthreads();
  }
}

// inner > 1: thread (o, j) walks its column in index order.
template <typename Acc, typename T>
__global__ void reduce_columns_kernel(ReduceOp op, const T* in, Acc* out, int64_t outer, int64_t len, int64_t inner) {
  const int64_t total = outer * inner;
  const int64_t stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < total; k += stride) {
    const int64_t o = k / inner, j = k % inner;
    const T* x = in + o * len * inner + j;
    Partial<Acc, T> p = empty_partial<Acc, T>(op);
    for (int64_t i = 0; i < len; ++i) add_element(op, p, x[i * inner], i);
    out[k] = finish(op, p);
  }
}

}  // namespace

void reduce(Device device, ReduceOp op, const void* in, DType in_dt, void* out, DType out_dt, int64_t outer,
            int64_t len, int64_t inner) {
  if (outer * inner == 0) return;
  ensure_initialized();
  DeviceGuard guard(device);
  dispatch_dtype(in_dt, [&](auto in_tag) {
    using T = typename decltype(in_tag)::type;
    dispatch_dtype(out_dt, [&](auto out_tag) {
      using Acc = typename decltype(out_tag)::type;
      const T* x = static_cast<const T*>(in);
      Acc* y = static_cast<Acc*>(out);
      if (inner == 1) {
        const unsigned blocks = static_cast<unsigned>(outer < 65535 ? outer : 65535);
        reduce_rows_kernel<Acc, T><<<blocks, kThreads>>>(op, x, y, outer, len);
      } else {
        reduce_columns_kernel<Acc, T><<<grid_for(outer * inner), kThreads>>>(op, x, y, outer, len, inner);
      }
      check_launch("reduce");
    });
  });
}

}  // namespace tc::cuda
