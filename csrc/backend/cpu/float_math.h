#pragma once
// float32 exp and erf evaluated in float, which the compiler vectorizes with
// eight lanes per AVX2 vector, for the nn kernels (cpu/nn_impl.h) whose
// speed they bound. Tensor.exp keeps the correctly rounded double-evaluated
// exp_f32 of backend/functors.h (Note [Float32 transcendentals]); a softmax
// or GELU is compared with PyTorch's few-ulp Sleef results to a tolerance.
#include <cstdint>

namespace tc::cpu {

// Note [Float exp]
// e^x = 2^n e^r, n = round(x / ln2), r = x - n ln2 (Cody-Waite: ln2 in two
// parts so n * ln2_hi is exact), |r| <= ln2 / 2, and e^r by a degree-6
// polynomial (Chebyshev fit made for this project): within 1.5 ulp.
// Rounding uses the 1.5 * 2^23 trick (nearbyint does not vectorize). 2^n is
// applied in two halves so results down to the smallest subnormal come out
// right; x is clamped to [-104, 88.8] (beyond, the result is 0 or inf by
// itself), and NaN is restored at the end.
inline float exp_f32_fast(float x) {
  const float t = x < 88.8f ? x : 88.8f;
  const float xc = t > -104.0f ? t : -104.0f;
  const float n = (xc * 1.44269504f + 12582912.0f) - 12582912.0f;
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 0.0013948584673926234f;
  p = p * r + 0.008375131525099277f;
  p = p * r + 0.041666217148303986f;
  p = p * r + 0.16666415333747864f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t ni = static_cast<int32_t>(n);
  const int32_t n1 = ni >> 1, n2 = ni - n1;
  const float s1 = __builtin_bit_cast(float, (n1 + 127) << 23);
  const float s2 = __builtin_bit_cast(float, (n2 + 127) << 23);
  const float y = p * s1 * s2;
  return x != x ? x : y;
}

// Note [Vectorizable erf]
// Evaluated in float (eight lanes per AVX2 vector; GELU on transformer
// activations is bound by this function), within 2.5 ulp of the true erf
// (78% correctly rounded), measured over [0, 5] against float64 erf in
// tests/test_nn_kernels.py. Branch-free: both pieces are computed and one
// selected, which is what lets GCC vectorize.
//   |z| < 1:        erf z = z P(z^2), P of degree 6 (Chebyshev fit of
//                   erf(z) / z on t = z^2 in [0, 1]).
//   1 <= |z| < 3.92: erf |z| = Q(|z| - 2.46), Q of degree 14 (Chebyshev fit
//                   of erf on [1, 3.92], expanded around its centre so the
//                   float Horner steps do not cancel).
//   |z| >= 3.92:    erfc < 6e-9, so the float result is exactly +-1 (then
//                   GELU of a very negative input is -0, as in PyTorch).
// The fits were made for this project with numpy.polynomial.chebyshev
// against scipy.special.erf.
inline float erf_f32(float z) {
  const float a = __builtin_fabsf(z);
  const float t = a * a;
  float p = 7.882500358391553e-05f;
  p = p * t - 0.0008018859080038965f;
  p = p * t + 0.005189312621951103f;
  p = p * t - 0.02685432881116867f;
  p = p * t + 0.11283597350120544f;
  p = p * t - 0.3761262595653534f;
  p = p * t + 1.1283791065216064f;
  const float small = a * p;
  const float u = (a < 3.92f ? a : 3.92f) - 2.46f;  // NaN -> 3.92: every lane stays finite
  float q = 1.0944326049866504e-06f;
  q = q * u + 9.472545059452386e-08f;
  q = q * u - 1.7332045899820514e-05f;
  q = q * u + 2.4706863769097254e-05f;
  q = q * u + 7.582798571093008e-05f;
  q = q * u - 0.0002996182010974735f;
  q = q * u + 0.00035589744220487773f;
  q = q * u + 0.00045933289220556617f;
  q = q * u - 0.002937170909717679f;
  q = q * u + 0.006799544673413038f;
  q = q * u - 0.009914183989167213f;
  q = q * u + 0.009832457639276981f;
  q = q * u - 0.006534520536661148f;
  q = q * u + 0.0026562369894236326f;
  q = q * u + 0.9994966387748718f;
  float r = a < 1.0f ? small : q;
  r = a >= 3.92f ? 1.0f : r;
  return z != z ? z : __builtin_copysignf(r, z);
}

}  // namespace tc::cpu
