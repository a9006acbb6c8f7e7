// nn kernels on CUDA: the pointwise activations (the math shared with the
// CPU, backend/activation_math.h; GELU's own erf forms) and softmax /
// log_softmax, forward and backward, with backend/kernels_nn.h's contracts on
// device memory.
#include <cmath>

#include "backend/activation_math.h"
#include "backend/cuda/cuda_check.h"
#include "backend/cuda_api.h"

namespace tc::cuda {
namespace {

using kernels::Activation;
using kernels::ActivationParams;

struct DeviceExp {
  template <typename T> __device__ T operator()(T x) const { return exp(x); }
};

// GELU as PyTorch's CUDA kernels write it: x * 0.5 * (1 + erf(x / sqrt(2))),
// and the tanh form 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))).
template <typename T> __device__ T gelu(T x, bool tanh_form) {
  if (tanh_form) {
    const T inner = T(M_SQRT2 * M_2_SQRTPI * 0.5) * (x + T(0.044715) * x * x * x);
    return T(0.5) * x * (T(1) + tanh(inner));
  }
  return x * T(0.5) * (T(1) + erf(x * T(M_SQRT1_2)));
}

template <typename T> __device__ T gelu_grad(T g, T x, bool tanh_form) {
  if (tanh_form) {
    const T kBeta = T(M_SQRT2 * M_2_SQRTPI * 0.5), kKappa = T(0.044715);
    const T inner = kBeta * (x + kKappa * x * x * x);
    const T t = tanh(inner);
    const T left = T(0.5) * x, right = T(1) + t;
    const T left_derivative = T(0.5) * right;
    const T right_derivative = left * (T(1) - t * t) * kBeta * (T(1) + T(3) * kKappa * x * x);
    return g * (left_derivative + right_derivative);
  }
  const T cdf = T(0.5) * (T(1) + erf(x * T(M_SQRT1_2)));
  const T pdf = T(M_2_SQRTPI * M_SQRT1_2 * 0.5) * exp(T(-0.5) * x * x);
  return g * (cdf + x * pdf);
}

template <Activation A, typename T>
__global__ void activation_forward_kernel(int64_t n, const T* x, T* y, ActivationParams p) {
  const int64_t stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    if constexpr (A == Activation::Gelu || A == Activation::GeluTanh)
      y[i] = gelu(x[i], A == Activation::GeluTanh);
    else
      y[i] = act::forward<A, T, DeviceExp>(x[i], p);
  }
}

template <Activation A, typename T> __global__ void activation_backward_kernel(int64_t n, const T* g, const T* x, T* gx,
                                                                               ActivationParams p, bool from_result) {
  const int64_t stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    if constexpr (A == Activation::Gelu || A == Activation::GeluTanh)
      gx[i] = gelu_grad(g[i], x[i], A == Activation::GeluTanh);
    else
      gx[i] = act::derivative<A, T, DeviceExp>(g[i], x[i], p, from_result);
  }
}

template <typename F> void with_activation(Activation a, F f) {
  switch (a) {
#define TC_KIND(K)                                          \
  case Activation::K:                                       \
    f(std::integral_constant<Activation, Activation::K>{}); \
    return;
    TC_KIND(Gelu)
    TC_KIND(GeluTanh)
    TC_KIND(LeakyRelu)
    TC_KIND(Elu)
    TC_KIND(Hardtanh)
    TC_KIND(Silu)
    TC_KIND(Mish)
    TC_KIND(Hardswish)
    TC_KIND(Hardsigmoid)
    TC_KIND(Softplus)
    TC_KIND(Softshrink)
    TC_KIND(Hardshrink)
    TC_KIND(Threshold)
    TC_KIND(LogSigmoid)
#undef TC_KIND
  }
}

template <typename F> void with_float(DType dt, const char* op, F f) {
  if (dt == DType::Float32) return f(type_tag<float>{});
  TC_CHECK(dt == DType::Float64, "[", op, "] CUDA kernel computes in float32 or float64, not ", dtype_name(dt));
  f(type_tag<double>{});
}

// Note [Device softmax]: a line is the len elements at stride `inner`.
// inner == 1 (the last dim, the common case): one block per line, each
// thread folding a strided slice and a shared-memory tree combining them;
// otherwise one thread per line (neighbouring threads read neighbouring
// columns). Both are deterministic.
template <typename T> __device__ T block_reduce(T v, T* shared, bool is_max) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int w = blockDim.x / 2; w > 0; w /= 2) {
    if (threadIdx.x < w) {
      const T o = shared[threadIdx.x + w];
      shared[threadIdx.x] =
          is_max ? (o > shared[threadIdx.x] || o != o ? o : shared[threadIdx.x]) : shared[threadIdx.x] + o;
    }
    __syncthreads();
  }
  const T r = shared[0];
  __syncthreads();
  return r;
}

template <typename T> __global__ void softmax_rows_kernel(bool log, const T* x, T* y, int64_t rows, int64_t len) {
  __shared__ T shared[kThreads];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* xr = x + r * len;
    T* yr = y + r * len;
    T m = -INFINITY;
    for (int64_t i = threadIdx.x; i < len; i += blockDim.x) m = (xr[i] > m || xr[i] != xr[i]) ? xr[i] : m;
    m = block_reduce(m, shared, true);
    T s = 0;
    for (int64_t i = threadIdx.x; i < len; i += blockDim.x) s += exp(xr[i] - m);
    s = block_reduce(s, shared, false);
    if (log) {
      const T ls = std::log(s);
      for (int64_t i = threadIdx.x; i < len; i += blockDim.x) yr[i] = xr[i] - m - ls;
    } else {
      for (int64_t i = threadIdx.x; i < len; i += blockDim.x) yr[i] = exp(xr[i] - m) / s;
    }
  }
}

template <typename T>
__global__ void softmax_columns_kernel(bool log, const T* x, T* y, int64_t outer, int64_t len, int64_t inner) {
  const int64_t lines = outer * inner, stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < lines; k += stride) {
    const int64_t base = (k / inner) * len * inner + k % inner;
    T m = -INFINITY;
    for (int64_t i = 0; i < len; ++i) {
      const T v = x[base + i * inner];
      m = (v > m || v != v) ? v : m;
    }
    T s = 0;
    for (int64_t i = 0; i < len; ++i) s += exp(x[base + i * inner] - m);
    const T ls = std::log(s);
    for (int64_t i = 0; i < len; ++i) {
      const T v = x[base + i * inner];
      y[base + i * inner] = log ? v - m - ls : exp(v - m) / s;
    }
  }
}

// softmax: gx = y * (g - sum(g * y)); log_softmax: gx = g - exp(y) * sum(g).
template <typename T>
__global__ void softmax_backward_rows_kernel(bool log, const T* g, const T* y, T* gx, int64_t rows, int64_t len) {
  __shared__ T shared[kThreads];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T *gr = g + r * len, *yr = y + r * len;
    T* out = gx + r * len;
    T s = 0;
    for (int64_t i = threadIdx.x; i < len; i += blockDim.x) s += log ? gr[i] : gr[i] * yr[i];
    s = block_reduce(s, shared, false);
    for (int64_t i = threadIdx.x; i < len; i += blockDim.x) out[i] = log ? gr[i] - exp(yr[i]) * s : yr[i] * (gr[i] - s);
  }
}

template <typename T> __global__ void softmax_backward_columns_kernel(bool log, const T* g, const T* y, T* gx,
                                                                      int64_t outer, int64_t len, int64_t inner) {
  const int64_t lines = outer * inner, stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < lines; k += stride) {
    const int64_t base = (k / inner) * len * inner + k % inner;
    T s = 0;
    for (int64_t i = 0; i < len; ++i) {
      const int64_t j = base + i * inner;
      s += log ? g[j] : g[j] * y[j];
    }
    for (int64_t i = 0; i < len; ++i) {
      const int64_t j = base + i * inner;
      gx[j] = log ? g[j] - exp(y[j]) * s : y[j] * (g[j] - s);
    }
  }
}

unsigned row_blocks(int64_t rows) { return static_cast<unsigned>(rows < 65535 ? (rows < 1 ? 1 : rows) : 65535); }

}  // namespace

void activation_forward(Device device, Activation act, DType dt, int64_t n, const void* x, void* y,
                        ActivationParams p) {
  if (n == 0) return;
  ensure_initialized();
  DeviceGuard guard(device);
  with_float(dt, "activation", [&](auto tag) {
    using T = typename decltype(tag)::type;
    with_activation(act, [&](auto kind) {
      activation_forward_kernel<decltype(kind)::value, T>
          <<<grid_for(n), kThreads>>>(n, static_cast<const T*>(x), static_cast<T*>(y), p);
    });
  });
  check_launch("activation");
}

void activation_backward(Device device, Activation act, DType dt, int64_t n, const void* g, const void* x, void* gx,
                         ActivationParams p, bool from_result) {
  if (n == 0) return;
  ensure_initialized();
  DeviceGuard guard(device);
  with_float(dt, "activation_backward", [&](auto tag) {
    using T = typename decltype(tag)::type;
    with_activation(act, [&](auto kind) {
      activation_backward_kernel<decltype(kind)::value, T><<<grid_for(n), kThreads>>>(
          n, static_cast<const T*>(g), static_cast<const T*>(x), static_cast<T*>(gx), p, from_result);
    });
  });
  check_launch("activation_backward");
}

void softmax_forward(Device device, DType dt, bool log, const void* x, void* y, int64_t outer, int64_t len,
                     int64_t inner) {
  if (outer * len * inner == 0) return;
  ensure_initialized();
  DeviceGuard guard(device);
  with_float(dt, "softmax", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* xs = static_cast<const T*>(x);
    T* ys = static_cast<T*>(y);
    if (inner == 1)
      softmax_rows_kernel<T><<<row_blocks(outer), kThreads>>>(log, xs, ys, outer, len);
    else
      softmax_columns_kernel<T><<<grid_for(outer * inner), kThreads>>>(log, xs, ys, outer, len, inner);
  });
  check_launch("softmax");
}

void softmax_backward(Device device, DType dt, bool log, const void* g, const void* y, void* gx, int64_t outer,
                      int64_t len, int64_t inner) {
  if (outer * len * inner == 0) return;
  ensure_initialized();
  DeviceGuard guard(device);
  with_float(dt, "softmax_backward", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T *gs = static_cast<const T*>(g), *ys = static_cast<const T*>(y);
    T* out = static_cast<T*>(gx);
    if (inner == 1)
      softmax_backward_rows_kernel<T><<<row_blocks(outer), kThreads>>>(log, gs, ys, out, outer, len);
    else
      softmax_backward_columns_kernel<T><<<grid_for(outer * inner), kThreads>>>(log, gs, ys, out, outer, len, inner);
  });
  check_launch("softmax_backward");
}

}  // namespace tc::cuda

namespace tc::cuda {
namespace {

// One thread per (n, r): out = -logp[n, t, r] * w[t], 0 where t is ignored;
// the weight taken goes to taken[n, r] (the op sums it for the mean), and a
// target outside [0, C) records its position in *first_bad (the smallest one,
// an order-independent atomicMin) instead of reading out of bounds.
template <typename T> __global__ void nll_forward_kernel(int64_t N, int64_t C, int64_t R, const T* logp,
                                                         const int64_t* target, const T* w, int64_t ignore_index,
                                                         T* out, T* taken, unsigned long long* first_bad) {
  const int64_t total = N * R, stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t k = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < total; k += stride) {
    const int64_t t = target[k];
    if (t == ignore_index || t < 0 || t >= C) {
      if (t != ignore_index) atomicMin(first_bad, static_cast<unsigned long long>(k));
      out[k] = T(0);
      taken[k] = T(0);
      continue;
    }
    const int64_t n = k / R, r = k % R;
    const T wt = w ? w[t] : T(1);
    out[k] = -logp[(n * C + t) * R + r] * wt;
    taken[k] = wt;
  }
}

}  // namespace

void nll_loss_forward(Device device, DType dt, int64_t N, int64_t C, int64_t R, const void* logp, const int64_t* target,
                      const void* w, int64_t ignore_index, void* out, void* taken, int64_t* first_bad) {
  if (N * R == 0) return;
  ensure_initialized();
  DeviceGuard guard(device);
  with_float(dt, "nll_loss", [&](auto tag) {
    using T = typename decltype(tag)::type;
    nll_forward_kernel<T><<<grid_for(N * R), kThreads>>>(
        N, C, R, static_cast<const T*>(logp), target, static_cast<const T*>(w), ignore_index, static_cast<T*>(out),
        static_cast<T*>(taken), reinterpret_cast<unsigned long long*>(first_bad));
  });
  check_launch("nll_loss");
}

}  // namespace tc::cuda
