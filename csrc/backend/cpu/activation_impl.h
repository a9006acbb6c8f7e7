#pragma once
// Pointwise activation math (backend/kernels_nn.h): for each Activation kind
// one scalar forward and one scalar derivative, written as PyTorch's CPU
// kernels compute them (same branches at the boundaries), and the loops that
// apply them. Included by cpu/nn_impl.h, so compiled once per instruction set.
//
// Note [Activation boundaries]
// Where a derivative has a kink, PyTorch picks a side, and tests compare
// gradients exactly there: Hardtanh's gradient is zero ON its bounds (an open
// interval), Hardsigmoid's too; Hardswish's middle piece is open too (0 at -3, 1 at 3);
// Softshrink/Hardshrink pass no gradient at |x| == lambda; Threshold passes
// none at x == threshold; LeakyRelu and ELU take the negative piece at 0.
// from_result derivatives read the result instead (the in-place forms whose
// PyTorch backward saves only the result): LeakyRelu's (result > 0) and ELU's
// (result <= 0 uses input_scale * (result + alpha * scale)).
#include <cmath>
#include <type_traits>

#include "backend/cpu/float_math.h"
#include "backend/functors.h"
#include "backend/kernels_nn.h"

namespace tc::cpu::TC_CAP {
namespace activation_math {

using kernels::Activation;
using kernels::ActivationParams;

// Transcendentals of float32 go through double (fn:: functors): results then
// round like PyTorch's to within an ulp, at scalar speed. SiLU, as hot as
// GELU in modern nets, uses the vectorizable float exp instead (Note [Float
// exp] in cpu/float_math.h, within 1.5 ulp).
template <typename T> inline T sigmoid(T x) { return T(1) / (T(1) + fn::Exp{}(-x)); }

template <typename T> inline T vector_exp(T x) {
  if constexpr (std::is_same_v<T, float>)
    return exp_f32_fast(x);
  else
    return std::exp(x);
}

template <Activation A, typename T> inline T forward(T x, const ActivationParams& p) {
  if constexpr (A == Activation::LeakyRelu) {
    return x > T(0) ? x : x * T(p.a);
  } else if constexpr (A == Activation::Elu) {
    return x <= T(0) ? fn::Expm1{}(x * T(p.c)) * T(p.a) : x * T(p.b);
  } else if constexpr (A == Activation::Hardtanh) {
    return x < T(p.a) ? T(p.a) : (x > T(p.b) ? T(p.b) : x);  // NaN passes through, as clamp
  } else if constexpr (A == Activation::Silu) {
    return x / (T(1) + vector_exp(-x));
  } else if constexpr (A == Activation::Mish) {
    return x * fn::Tanh{}(fn::Log1p{}(fn::Exp{}(x)));
  } else if constexpr (A == Activation::Hardswish) {
    return x * std::min(std::max(x + T(3), T(0)), T(6)) / T(6);
  } else if constexpr (A == Activation::Hardsigmoid) {
    return std::min(std::max(x + T(3), T(0)), T(6)) / T(6);
  } else if constexpr (A == Activation::Softplus) {
    const T bx = x * T(p.a);
    return bx > T(p.b) ? x : fn::Log1p{}(fn::Exp{}(bx)) / T(p.a);
  } else if constexpr (A == Activation::Softshrink) {
    const T l = T(p.a);
    return x > l ? x - l : (x < -l ? x + l : T(0));
  } else if constexpr (A == Activation::Hardshrink) {
    const T l = T(p.a);
    return (x >= -l && x <= l) ? T(0) : x;
  } else if constexpr (A == Activation::Threshold) {
    return x <= T(p.a) ? T(p.b) : x;
  } else if constexpr (A == Activation::LogSigmoid) {
    // min(x, 0) - log1p(exp(-|x|)): no overflow for either sign
    return std::min(x, T(0)) - fn::Log1p{}(fn::Exp{}(-std::abs(x)));
  } else {
    static_assert(A == Activation::LeakyRelu, "GELU has its own loops in nn_impl.h");
    return x;
  }
}

// g * act'(v), v the input (or the result, with from_result: Note [Activation boundaries]).
template <Activation A, typename T> inline T derivative(T g, T v, const ActivationParams& p, bool from_result) {
  if constexpr (A == Activation::LeakyRelu) {
    return v > T(0) ? g : g * T(p.a);
  } else if constexpr (A == Activation::Elu) {
    if (v > T(0)) return g * T(p.b);
    if (from_result) return g * T(p.c) * (v + T(p.a));
    return g * T(p.c) * T(p.a) * fn::Exp{}(v * T(p.c));
  } else if constexpr (A == Activation::Hardtanh) {
    return (v <= T(p.a) || v >= T(p.b)) ? T(0) : g;
  } else if constexpr (A == Activation::Silu) {
    const T s = T(1) / (T(1) + vector_exp(-v));
    return g * s * (T(1) + v * (T(1) - s));
  } else if constexpr (A == Activation::Mish) {
    const T t = fn::Tanh{}(fn::Log1p{}(fn::Exp{}(v)));
    return g * (t + v * sigmoid(v) * (T(1) - t * t));
  } else if constexpr (A == Activation::Hardswish) {
    if (v <= T(-3)) return T(0);
    if (v < T(3)) return g * (v / T(3) + T(0.5));
    return g;
  } else if constexpr (A == Activation::Hardsigmoid) {
    // PyTorch's kernel multiplies by 1/6 rounded to float, for double too.
    return (v > T(-3) && v < T(3)) ? g * T(1.0f / 6.0f) : T(0);
  } else if constexpr (A == Activation::Softplus) {
    const T bx = v * T(p.a);
    if (bx > T(p.b)) return g;
    const T z = fn::Exp{}(bx);
    return g * z / (z + T(1));
  } else if constexpr (A == Activation::Softshrink || A == Activation::Hardshrink) {
    const T l = T(p.a);
    return (v >= -l && v <= l) ? T(0) : g;
  } else if constexpr (A == Activation::Threshold) {
    return v <= T(p.a) ? T(0) : g;
  } else if constexpr (A == Activation::LogSigmoid) {
    const bool neg = v < T(0);
    const T z = fn::Exp{}(-std::abs(v));
    return g * ((neg ? T(1) : T(0)) - (neg ? T(1) : T(-1)) * (z / (T(1) + z)));
  } else {
    static_assert(A == Activation::LeakyRelu, "GELU has its own loops in nn_impl.h");
    return g;
  }
}

// Note [Activation loops vectorize]
// GCC vectorizes these at -O2 only when no run-time alias check is needed:
// the pointers are __restrict and the parameters a local copy, and an
// in-place activation (y == x) has its own one-pointer loop.
template <Activation A, typename T>
void forward_chunk(const T* __restrict x, T* __restrict y, int64_t n, const ActivationParams p) {
  for (int64_t i = 0; i < n; ++i) y[i] = forward<A, T>(x[i], p);
}

template <Activation A, typename T> void forward_chunk_inplace(T* y, int64_t n, const ActivationParams p) {
  for (int64_t i = 0; i < n; ++i) y[i] = forward<A, T>(y[i], p);
}

template <Activation A, typename T> void backward_chunk(const T* __restrict g, const T* __restrict v, T* __restrict gx,
                                                        int64_t n, const ActivationParams p, bool from_result) {
  if (from_result) {
    for (int64_t i = 0; i < n; ++i) gx[i] = derivative<A, T>(g[i], v[i], p, true);
  } else {
    for (int64_t i = 0; i < n; ++i) gx[i] = derivative<A, T>(g[i], v[i], p, false);
  }
}

// Calls f(std::integral_constant<Activation, A>) for the runtime kind (not GELU).
template <typename F> void with_kind(Activation act, F f) {
  switch (act) {
#define TC_ACTIVATION_CASE(K)                               \
  case Activation::K:                                       \
    f(std::integral_constant<Activation, Activation::K>{}); \
    break;
    TC_ACTIVATION_CASE(LeakyRelu)
    TC_ACTIVATION_CASE(Elu)
    TC_ACTIVATION_CASE(Hardtanh)
    TC_ACTIVATION_CASE(Silu)
    TC_ACTIVATION_CASE(Mish)
    TC_ACTIVATION_CASE(Hardswish)
    TC_ACTIVATION_CASE(Hardsigmoid)
    TC_ACTIVATION_CASE(Softplus)
    TC_ACTIVATION_CASE(Softshrink)
    TC_ACTIVATION_CASE(Hardshrink)
    TC_ACTIVATION_CASE(Threshold)
    TC_ACTIVATION_CASE(LogSigmoid)
#undef TC_ACTIVATION_CASE
    default:
      break;
  }
}

}  // namespace activation_math
}  // namespace tc::cpu::TC_CAP
