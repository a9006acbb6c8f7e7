#pragma once
// The scalar math of the pointwise activations (backend/kernels_nn.h), one
// forward and one derivative per Activation kind, shared by every backend
// (TC_HD): the CPU's loops (cpu/activation_impl.h) and CUDA's (cuda/nn.cu)
// apply the same expressions, so the branches at the boundaries (Note
// [Activation boundaries] in cpu/activation_impl.h) are the same on both.
// `Exp` is the exp SiLU uses: the CPU passes its vectorizable float exp
// (Note [Float exp] in cpu/float_math.h), CUDA the functor's. GELU is not
// here: each backend has its own erf.
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "backend/functors.h"
#include "backend/kernels_nn.h"
#include "core/portability.h"

namespace tc::act {

using kernels::Activation;
using kernels::ActivationParams;

template <typename T> TC_HD T sigmoid(T x) { return T(1) / (T(1) + fn::Exp{}(-x)); }

template <Activation A, typename T, typename Exp> TC_HD T forward(T x, const ActivationParams& p) {
  if constexpr (A == Activation::LeakyRelu) {
    return x > T(0) ? x : x * T(p.a);
  } else if constexpr (A == Activation::Elu) {
    return x <= T(0) ? fn::Expm1{}(x * T(p.c)) * T(p.a) : x * T(p.b);
  } else if constexpr (A == Activation::Hardtanh) {
    return x < T(p.a) ? T(p.a) : (x > T(p.b) ? T(p.b) : x);  // NaN passes through, as clamp
  } else if constexpr (A == Activation::Silu) {
    return x / (T(1) + Exp{}(-x));
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
    return x > l ? x - l : (x < -l ? x + l : x * T(0));  // (x * 0: NaN stays NaN, -0.1 gives -0, as PyTorch)
  } else if constexpr (A == Activation::Hardshrink) {
    const T l = T(p.a);
    return (x >= -l && x <= l) ? T(0) : x;
  } else if constexpr (A == Activation::Threshold) {
    return x <= T(p.a) ? T(p.b) : x;
  } else if constexpr (A == Activation::LogSigmoid) {
    // min(x, 0) - log1p(exp(-|x|)): no overflow for either sign
    return std::min(x, T(0)) - fn::Log1p{}(fn::Exp{}(-std::abs(x)));
  } else {
    static_assert(A == Activation::LeakyRelu, "GELU has its own loops in each backend");
    return x;
  }
}

// g * act'(v), v the input (or the result, with from_result: Note [Activation boundaries]).
template <Activation A, typename T, typename Exp>
TC_HD T derivative(T g, T v, const ActivationParams& p, bool from_result) {
  if constexpr (A == Activation::LeakyRelu) {
    return v > T(0) ? g : g * T(p.a);
  } else if constexpr (A == Activation::Elu) {
    if (v > T(0)) return g * T(p.b);
    if (from_result) return g * T(p.c) * (v + T(p.a));
    return g * T(p.c) * T(p.a) * fn::Exp{}(v * T(p.c));
  } else if constexpr (A == Activation::Hardtanh) {
    return (v <= T(p.a) || v >= T(p.b)) ? T(0) : g;
  } else if constexpr (A == Activation::Silu) {
    const T s = T(1) / (T(1) + Exp{}(-v));
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
    static_assert(A == Activation::LeakyRelu, "GELU has its own loops in each backend");
    return g;
  }
}

// Note [Activation loops vectorize]
// GCC vectorizes these at -O2 only when no run-time alias check is needed:
// the pointers are __restrict and the parameters a local copy, and an
// in-place activation (y == x) has its own one-pointer loop.
}  // namespace tc::act
