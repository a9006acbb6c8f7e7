// Unary table ops, clamp, lerp and add-with-alpha on CUDA.
#include <cmath>

#include "backend/cuda/elementwise_ops.cuh"
#include "backend/cuda_api.h"

namespace tc::cuda {

void unary(UnaryOp op, const TensorIterator& it, DType dt) {
  switch (op) {
#define TC_CASE(E, name, F, rule, ...) \
  case UnaryOp::E:                     \
    return run_unary<fn::F, TC_RULE_PRED_##rule, TC_RULE_INT_##rule>(it, dt, fn::F{}, #name);
    TC_UNARY_OPS(TC_CASE)
#undef TC_CASE
  }
}

template <typename T> struct ClampBody {
  bool has_lo, has_hi;
  T lo, hi;
  __device__ void operator()(char** p) const {
    T v = *reinterpret_cast<const T*>(p[1]);
    if constexpr (std::is_floating_point_v<T>) {
      if (v != v) {
        *reinterpret_cast<T*>(p[0]) = v;
        return;
      }
    }
    if (has_lo && v < lo) v = lo;
    if (has_hi && v > hi) v = hi;
    *reinterpret_cast<T*>(p[0]) = v;
  }
};

template <typename T> struct LerpBody {
  __device__ void operator()(char** p) const {
    const T a = *reinterpret_cast<const T*>(p[1]);
    const T b = *reinterpret_cast<const T*>(p[2]);
    const T w = *reinterpret_cast<const T*>(p[3]);
    const bool small = fabs(w) < T(0.5);
    *reinterpret_cast<T*>(p[0]) = fma(small ? w : w - T(1), b - a, small ? a : b);
  }
};

template <typename T> struct AddScaledBody {
  T alpha;
  __device__ void operator()(char** p) const {
    *reinterpret_cast<T*>(p[0]) = fma(*reinterpret_cast<const T*>(p[2]), alpha, *reinterpret_cast<const T*>(p[1]));
  }
};

// As the CPU's clamp: NaN stays NaN, then the lower bound, then the upper.
void clamp(const TensorIterator& it, DType dt, bool has_lo, double lo, bool has_hi, double hi) {
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T l = static_cast<T>(lo), h = static_cast<T>(hi);
    const size_t isz[2] = {sizeof(T), sizeof(T)};
    launch_elementwise<2>(it, isz, "clamp", ClampBody<T>{has_lo, has_hi, l, h});
  });
}

// Note [lerp rounds once] (cpu/unary_impl.h): the same fused form.
void lerp(const TensorIterator& it, DType dt) {
  auto run = [&](auto tag) {
    using T = typename decltype(tag)::type;
    const size_t isz[4] = {sizeof(T), sizeof(T), sizeof(T), sizeof(T)};
    launch_elementwise<4>(it, isz, "lerp", LerpBody<T>{});
  };
  if (dt == DType::Float32) return run(type_tag<float>{});
  TC_CHECK(dt == DType::Float64, "[lerp] kernel computes in float32 or float64, not ", dtype_name(dt));
  run(type_tag<double>{});
}

// out = fma(b, alpha, a), as the CPU's (Note [Add with alpha rounds once]).
void add_scaled(const TensorIterator& it, DType dt, double alpha) {
  auto run = [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T s = static_cast<T>(alpha);
    const size_t isz[3] = {sizeof(T), sizeof(T), sizeof(T)};
    launch_elementwise<3>(it, isz, "add", AddScaledBody<T>{s});
  };
  if (dt == DType::Float32) return run(type_tag<float>{});
  TC_CHECK(dt == DType::Float64, "[add] the fused kernel computes in float32 or float64, not ", dtype_name(dt));
  run(type_tag<double>{});
}

}  // namespace tc::cuda
