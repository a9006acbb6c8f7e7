#pragma once
// The two 16-bit floating types, stored as their bits: IEEE binary16 (Half)
// and bfloat16 (the top half of a float32).
//
// Note [Half types compute in float]
// Neither type has arithmetic of its own: every value is widened to float,
// computed, and rounded back to nearest-even when stored, which is what
// PyTorch's CPU kernels do (c10::Half and c10::BFloat16 convert through float
// for every operator). Ops therefore run their float32 kernel on float16 and
// bfloat16 inputs and round the result once (ops/compute_dtype.h), and the
// kernels that only move values (copy, index, where, fill) handle the types
// directly. The implicit conversions below let such generic code compile.
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "core/complex.h"
#include "core/portability.h"

namespace tc {

// binary16 <-> float32, rounding to nearest even; NaN stays NaN (quiet),
// overflow gives infinity, values below half's range become subnormals or 0.
TC_HD uint16_t float_to_half_bits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  x &= 0x7fffffffu;
  if (x >= 0x47800000u)  // |f| >= 65536, inf or NaN
    return static_cast<uint16_t>(sign | (x > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (x < 0x38800000u) {
    // Below 2^-14: a subnormal half (or 0). Adding 0.5 (2^-1) aligns the
    // half's subnormal step 2^-24 with float's last mantissa bit at that
    // exponent, so the float addition itself rounds to nearest even.
    float a;
    std::memcpy(&a, &x, 4);
    a += 0.5f;
    uint32_t r;
    std::memcpy(&r, &a, 4);
    return static_cast<uint16_t>(sign | (r - 0x3f000000u));
  }
  // Normal: rebias the exponent (127 -> 15) and round the 13 dropped bits to
  // nearest even; a carry out of the mantissa correctly bumps the exponent,
  // up to infinity for values in [65520, 65536).
  const uint32_t odd = (x >> 13) & 1u;
  x += 0xc8000fffu + odd;  // (15 - 127) << 23, plus the rounding bias
  return static_cast<uint16_t>(sign | (x >> 13));
}

TC_HD float half_bits_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  } else {
    float v = static_cast<float>(mant) * 5.9604644775390625e-8f;  // mant * 2^-24, exact
    std::memcpy(&bits, &v, 4);
    bits |= sign;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// float32 -> bfloat16: keep the top 16 bits, rounding the low 16 to nearest
// even; every NaN becomes the quiet NaN 0x7fc0, as PyTorch's.
TC_HD uint16_t float_to_bfloat16_bits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7fffffffu) > 0x7f800000u) return 0x7fc0;
  x += 0x7fffu + ((x >> 16) & 1u);
  return static_cast<uint16_t>(x >> 16);
}

TC_HD float bfloat16_bits_to_float(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// A 16-bit float type: converts implicitly to and from float (Note [Half types
// compute in float]), so `a + b`, `a < b`, `static_cast<int64_t>(a)` are the
// float operations and a store rounds once.
template <uint16_t (*ToBits)(float), float (*FromBits)(uint16_t)> struct Float16Storage {
  uint16_t x;
  Float16Storage() = default;
  TC_HD Float16Storage(float f) : x(ToBits(f)) {}  // NOLINT: implicit, as c10::Half
  TC_HD operator float() const { return FromBits(x); }
  static TC_HD Float16Storage from_bits(uint16_t b) {
    Float16Storage r;
    r.x = b;
    return r;
  }
  TC_HD Float16Storage& operator+=(float o) { return *this = float(*this) + o; }
  TC_HD Float16Storage& operator-=(float o) { return *this = float(*this) - o; }
  TC_HD Float16Storage& operator*=(float o) { return *this = float(*this) * o; }
  TC_HD Float16Storage& operator/=(float o) { return *this = float(*this) / o; }
};

using Half = Float16Storage<float_to_half_bits, half_bits_to_float>;
using BFloat16 = Float16Storage<float_to_bfloat16_bits, bfloat16_bits_to_float>;

template <typename T> inline constexpr bool is_half_type_v = false;
template <> inline constexpr bool is_half_type_v<Half> = true;
template <> inline constexpr bool is_half_type_v<BFloat16> = true;

// Floating-point in the sense kernels branch on (NaN checks, which fill value).
template <typename T> inline constexpr bool is_float_like_v = std::is_floating_point_v<T> || is_half_type_v<T>;

// PyTorch's conversion between element types (c10::convert): floats to the
// small integer types go through int64, so 300.0 -> uint8 is 44 and -1.0 is
// 255 (x86's result, which PyTorch shows) instead of undefined behaviour;
// to bool is "!= 0" (either part, for a complex); the 16-bit floats go through
// float; a real becomes a complex with imaginary part 0, and a complex
// becomes a real by dropping its imaginary part (PyTorch warns about that at
// the Python-visible casts, not here).
template <typename To, typename From> TC_HD To convert_value(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<To, bool>) {
    if constexpr (is_complex_type_v<From>)
      return v.re != 0 || v.im != 0;
    else if constexpr (is_half_type_v<From>)
      return static_cast<float>(v) != 0.0f;
    else
      return v != From(0);
  } else if constexpr (is_complex_type_v<To>) {
    if constexpr (is_complex_type_v<From>)
      return To(v);
    else
      return To(convert_value<decltype(To::re)>(v));
  } else if constexpr (is_complex_type_v<From>) {
    return convert_value<To>(v.re);
  } else if constexpr (is_half_type_v<To>) {
    return To(static_cast<float>(v));
  } else if constexpr (is_half_type_v<From>) {
    return convert_value<To>(static_cast<float>(v));
  } else if constexpr (std::is_integral_v<To> && sizeof(To) < 4 && std::is_floating_point_v<From>) {
    return static_cast<To>(static_cast<int64_t>(v));
  } else {
    return static_cast<To>(v);
  }
}

}  // namespace tc
