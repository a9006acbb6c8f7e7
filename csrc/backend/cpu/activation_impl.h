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

#include "backend/activation_math.h"
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
template <typename T> inline T vector_exp(T x) {
  if constexpr (std::is_same_v<T, float>)
    return exp_f32_fast(x);
  else
    return std::exp(x);
}

struct VectorExp {
  template <typename T> T operator()(T x) const { return vector_exp(x); }
};

template <Activation A, typename T> inline T forward(T x, const ActivationParams& p) {
  return act::forward<A, T, VectorExp>(x, p);
}

template <Activation A, typename T> inline T derivative(T g, T v, const ActivationParams& p, bool from_result) {
  return act::derivative<A, T, VectorExp>(g, v, p, from_result);
}

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
