#pragma once
// Note [float32 normals: PyTorch's AVX2 log and sincos]
// PyTorch's float32 normal_ fill (16 or more contiguous elements) runs
// Box-Muller through 8-lane AVX2 versions of the Cephes single-precision
// logf and sincosf polynomials (range reduction by exponent / by pi/4, then
// fixed polynomials), compiled with FMA contraction. These scalar versions
// evaluate the same polynomials in the same order, with std::fma exactly where
// that build fuses a multiply into the following add, so randn/normal_ in
// float32 give PyTorch's bits (checked against torch on millions of samples).
// PyTorch uses this path on every x86 CPU with AVX2 (AVX-512 machines too: its
// normal kernel is not dispatched to AVX-512).
#include <cmath>
#include <cstdint>
#include <cstring>

namespace tc::cephes {

inline uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}
inline float bits_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// Natural log for x > 0 (NaN for x <= 0): x = m * 2^e with m in
// [sqrt(1/2), sqrt(2)), log(m) by a degree-9 polynomial in m - 1, plus e * ln 2
// split in two constants.
inline float log_f32(float x) {
  if (!(x > 0)) return NAN;
  if (x < bits_float(0x00800000u)) x = bits_float(0x00800000u);  // denormals to the smallest normal
  const auto biased_exponent = static_cast<int32_t>(float_bits(x) >> 23);
  x = bits_float((float_bits(x) & ~0x7f800000u) | float_bits(0.5f));  // mantissa in [0.5, 1)
  float e = static_cast<float>(biased_exponent - 0x7f) + 1.0f;
  if (x < static_cast<float>(0.707106781186547524)) {
    e -= 1.0f;
    x = (x - 1.0f) + x;
  } else {
    x = x - 1.0f;
  }
  const float z = x * x;
  float y = static_cast<float>(7.0376836292E-2);
  y = std::fma(y, x, static_cast<float>(-1.1514610310E-1));
  y = std::fma(y, x, static_cast<float>(1.1676998740E-1));
  y = std::fma(y, x, static_cast<float>(-1.2420140846E-1));
  y = std::fma(y, x, static_cast<float>(1.4249322787E-1));
  y = std::fma(y, x, static_cast<float>(-1.6668057665E-1));
  y = std::fma(y, x, static_cast<float>(2.0000714765E-1));
  y = std::fma(y, x, static_cast<float>(-2.4999993993E-1));
  y = std::fma(y, x, static_cast<float>(3.3333331174E-1));
  y = y * x;
  y = std::fma(y, z, e * static_cast<float>(-2.12194440e-4));
  y = std::fma(-z, 0.5f, y);
  return std::fma(e, 0.693359375f, x + y);
}

// sin and cos together: |x| reduced modulo pi/4 in three extended-precision
// steps, then the sine or cosine polynomial per octant, signs from the octant.
inline void sincos_f32(float xin, float* sin_out, float* cos_out) {
  uint32_t sin_sign = float_bits(xin) & 0x80000000u;
  float x = bits_float(float_bits(xin) & 0x7fffffffu);
  int32_t j = static_cast<int32_t>(x * static_cast<float>(1.27323954473516));  // 4 / pi, truncated
  j = (j + 1) & ~1;
  const float y = static_cast<float>(j);
  sin_sign ^= static_cast<uint32_t>(j & 4) << 29;
  const uint32_t cos_sign = static_cast<uint32_t>(~(j - 2) & 4) << 29;
  const bool sine_poly_for_sin = (j & 2) == 0;
  x = std::fma(y, -0.78515625f, x);
  x = std::fma(y, static_cast<float>(-2.4187564849853515625e-4), x);
  x = std::fma(y, static_cast<float>(-3.77489497744594108e-8), x);
  const float z = x * x;
  float c = static_cast<float>(2.443315711809948E-005);
  c = std::fma(c, z, static_cast<float>(-1.388731625493765E-003));
  c = std::fma(c, z, static_cast<float>(4.166664568298827E-002));
  c = c * z;
  c = std::fma(c, z, -(z * 0.5f));
  c = c + 1.0f;
  float s = static_cast<float>(-1.9515295891E-4);
  s = std::fma(s, z, static_cast<float>(8.3321608736E-3));
  s = std::fma(s, z, static_cast<float>(-1.6666654611E-1));
  s = s * z;
  s = std::fma(s, x, x);
  *sin_out = bits_float(float_bits(sine_poly_for_sin ? s : c) ^ sin_sign);
  *cos_out = bits_float(float_bits(sine_poly_for_sin ? c : s) ^ cos_sign);
}

}  // namespace tc::cephes
