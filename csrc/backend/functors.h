#pragma once
// Scalar functors shared by every backend (CPU now, CUDA through TC_HD).
// Each elementwise op is one functor here plus one row in op_tables.h.
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "core/portability.h"

namespace tc::fn {

template <typename T> TC_HD bool truthy(T v) { return v != T(0); }

// Integer arithmetic wraps around like PyTorch's (two's complement) instead
// of being undefined on overflow: do it in the unsigned type.
template <typename T> constexpr bool kWrapInt = std::is_integral_v<T> && !std::is_same_v<T, bool>;
template <typename T> TC_HD T wrap_add(T a, T b) {
  if constexpr (kWrapInt<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else
    return a + b;
}
template <typename T> TC_HD T wrap_sub(T a, T b) {
  if constexpr (kWrapInt<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
  } else
    return a - b;
}
template <typename T> TC_HD T wrap_mul(T a, T b) {
  if constexpr (kWrapInt<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
  } else
    return a * b;
}

// ---- binary ----
struct Add {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>)
      return a || b;
    else
      return wrap_add(a, b);
  }
};
struct Sub {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>)
      return a != b;
    else
      return wrap_sub(a, b);
  }
};
struct Mul {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>)
      return a && b;
    else
      return wrap_mul(a, b);
  }
};
struct Div {
  template <typename T> TC_HD T operator()(T a, T b) const { return a / b; }
};  // float only
// Integer division/remainder follow Python (floor) semantics; callers check b != 0.
struct FloorDiv {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (b == 0) return a / b;
      T mod = std::fmod(a, b);
      T div = (a - mod) / b;
      if (mod != 0 && ((b < 0) != (mod < 0))) div -= T(1);
      if (div == 0) return std::copysign(T(0), a / b);
      T fl = std::floor(div);
      if (div - fl > T(0.5)) fl += T(1);
      return fl;
    } else if constexpr (std::is_same_v<T, bool>) {
      return a;
    } else {
      if (b == -1) return wrap_sub(T(0), a);  // avoids the INT_MIN / -1 trap (and wraps like PyTorch)
      T q = a / b;
      if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
      return q;
    }
  }
};
struct Rem {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      T m = std::fmod(a, b);
      if (m != 0 && ((b < 0) != (m < 0))) m += b;
      return m;
    } else if constexpr (std::is_same_v<T, bool>) {
      return false;
    } else {
      if (b == -1) return 0;
      T m = a % b;
      if (m != 0 && ((b < 0) != (m < 0))) m += b;
      return m;
    }
  }
};
// C's fmod and truncating division (the sign follows the dividend). Exact for
// every int64, unlike a detour through double; callers check b != 0.
struct Fmod {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>)
      return std::fmod(a, b);
    else if constexpr (std::is_same_v<T, bool>)
      return false;
    else
      return b == -1 ? T(0) : T(a % b);  // INT_MIN % -1 traps on x86
  }
};
struct TruncDiv {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>)
      return std::trunc(a / b);
    else if constexpr (std::is_same_v<T, bool>)
      return a;
    else
      return b == -1 ? wrap_sub(T(0), a) : T(a / b);  // INT_MIN / -1 wraps, as PyTorch's result
  }
};
// Evaluates f in double for float inputs (Note [Float32 transcendentals]).
template <typename T, typename F> TC_HD T via_double(T a, F f) {
  if constexpr (std::is_same_v<T, float>)
    return static_cast<float>(f(static_cast<double>(a)));
  else
    return static_cast<T>(f(a));
}

struct Pow {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      // PyTorch's special exponents (so x ** 3 equals x * x * x bit for bit).
      if (b == T(2)) return a * a;
      if (b == T(3)) return a * a * a;
      if (b == T(0.5)) return std::sqrt(a);
      if (b == T(-0.5)) return T(1) / std::sqrt(a);
      if (b == T(-1)) return T(1) / a;
      if (b == T(-2)) return T(1) / (a * a);
      return via_double(a, [b](auto x) { return std::pow(x, static_cast<decltype(x)>(b)); });
    } else if constexpr (std::is_same_v<T, bool>) {
      return a || !b;
    } else {  // exponentiation by squaring; negative exponents give 0 (or +-1 for a base of +-1)
      if (b < 0) return a == 1 ? 1 : (a == -1 ? ((b & 1) ? -1 : 1) : 0);
      T r = 1, base = a;
      using U = std::make_unsigned_t<T>;
      U e = static_cast<U>(b);
      while (e) {
        if (e & 1) r = static_cast<T>(static_cast<U>(r) * static_cast<U>(base));
        base = static_cast<T>(static_cast<U>(base) * static_cast<U>(base));
        e >>= 1;
      }
      return r;
    }
  }
};
struct Maximum {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return a > b ? a : b;
  }
};
struct Minimum {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return a < b ? a : b;
  }
};
// fmax/fmin ignore a NaN operand (NaN only when both are NaN), unlike maximum/minimum.
struct Fmax {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (a != a) return b;
      if (b != b) return a;
    }
    return a > b ? a : b;
  }
};
struct Fmin {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (a != a) return b;
      if (b != b) return a;
    }
    return a < b ? a : b;
  }
};
struct Atan2 {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, float>)
      return static_cast<float>(std::atan2(double(a), double(b)));  // Note [Float32 transcendentals]
    else
      return std::atan2(a, b);
  }
};
// sqrt(a^2 + b^2) without overflow. float: evaluated in double, where it
// cannot overflow or underflow (float's range squared fits double's) and the
// squares are exact, then rounded to float -- hypotf's result (checked against
// double hypot on 100k random pairs); unlike std::hypot (a libm call per
// element, 50x slower: complex abs of 1M elements took 50 ms) it vectorizes.
// An infinite part wins over a NaN one, as IEEE hypot.
struct Hypot {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, float>) {
      const double x = a, y = b;
      const float r = static_cast<float>(std::sqrt(x * x + y * y));
      const bool inf = __builtin_isinf(x) || __builtin_isinf(y);
      return inf ? __builtin_inff() : r;
    } else {
      return static_cast<T>(std::hypot(a, b));
    }
  }
};
// log(e^a + e^b) = max + log1p(e^-|a - b|) (PyTorch's formula; equal infinities return themselves).
struct LogAddExp {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if (a == b && std::isinf(double(a))) return a;
    const double x = a, y = b, m = x > y ? x : y;
    if (x != x || y != y) return static_cast<T>(x + y);  // NaN propagates
    return static_cast<T>(m + std::log1p(std::exp(-std::fabs(x - y))));
  }
};
// log2(2^a + 2^b) = max + log1p(2^-|a - b|) / ln 2.
struct LogAddExp2 {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if (a == b && std::isinf(double(a))) return a;
    const double x = a, y = b, m = x > y ? x : y;
    if (x != x || y != y) return static_cast<T>(x + y);  // NaN propagates
    return static_cast<T>(m + std::log1p(std::exp2(-std::fabs(x - y))) / M_LN2);
  }
};
// x * log(y), 0 where x == 0 (unless y is NaN), as PyTorch.
struct Xlogy {
  template <typename T> TC_HD T operator()(T x, T y) const {
    if (y != y) return y;
    if (x == T(0)) return T(0);
    return via_double(x, [y](auto xd) { return xd * std::log(static_cast<decltype(xd)>(y)); });
  }
};
struct BitAnd {
  template <typename T> TC_HD T operator()(T a, T b) const { return T(a & b); }
};
struct BitOr {
  template <typename T> TC_HD T operator()(T a, T b) const { return T(a | b); }
};
struct BitXor {
  template <typename T> TC_HD T operator()(T a, T b) const { return T(a ^ b); }
};
// Predicates: produce bool.
struct Eq {
  template <typename T> TC_HD bool operator()(T a, T b) const { return a == b; }
};
struct Ne {
  template <typename T> TC_HD bool operator()(T a, T b) const { return a != b; }
};
struct Lt {
  template <typename T> TC_HD bool operator()(T a, T b) const { return a < b; }
};
struct Le {
  template <typename T> TC_HD bool operator()(T a, T b) const { return a <= b; }
};
struct Gt {
  template <typename T> TC_HD bool operator()(T a, T b) const { return a > b; }
};
struct Ge {
  template <typename T> TC_HD bool operator()(T a, T b) const { return a >= b; }
};
struct LogicalAnd {
  template <typename T> TC_HD bool operator()(T a, T b) const { return truthy(a) && truthy(b); }
};
struct LogicalOr {
  template <typename T> TC_HD bool operator()(T a, T b) const { return truthy(a) || truthy(b); }
};
struct LogicalXor {
  template <typename T> TC_HD bool operator()(T a, T b) const { return truthy(a) != truthy(b); }
};

// ---- unary ----
// Floats negate and take |.| through the sign bit, so -0. and 0. swap as in PyTorch.
struct Neg {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_same_v<T, bool>)
      return a;
    else if constexpr (std::is_floating_point_v<T>)
      return -a;
    else
      return wrap_sub(T(0), a);
  }
};
struct Abs {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_same_v<T, bool>)
      return a;
    else if constexpr (std::is_floating_point_v<T>)
      return std::fabs(a);
    else
      return a < 0 ? wrap_sub(T(0), a) : a;
  }
};
struct Sign {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_same_v<T, bool>)
      return a;
    else
      return T((T(0) < a) - (a < T(0)));
  }
};
// Note [Vectorizable exp]
// std::exp is a library call the compiler cannot vectorize. For float and
// double we use a branch-free range reduction (x = n ln2 + r) and a minimax
// polynomial for e^r, then scale by 2^n through the exponent bits. Accurate
// to ~1 ulp; overflow gives inf, underflow 0, NaN propagates.
// float: evaluated in double and rounded once (Note [Float32 transcendentals]):
// a degree-8 polynomial on |r| <= ln2/2 is accurate to ~1e-12, far
// below float's half-ulp, and 2^n (|n| <= 150) is one double exponent.
// x = n ln2 + r with n = round(x / ln2) and |r| <= ln2/2 (Cody-Waite: ln2 in two
// parts so n * ln2_hi is exact). Round-to-nearest via the 1.5 * 2^52 trick,
// because floor/nearbyint do not vectorize.
TC_HD double exp_reduce(double x, double* n) {
  *n = (x * 1.4426950408889634 + 6755399441055744.0) - 6755399441055744.0;
  const double r = x - *n * 6.93145751953125e-1;
  return r - *n * 1.42860682030941723212e-6;
}
// e^x in double for x already clamped to [-104, 89]: near-minimax (Chebyshev)
// degree 8 for e^r on |r| <= ln2/2, relative error 1.1e-12; |n| <= 150 fits an
// int32, whose conversion vectorizes on AVX2 (int64's does not).
TC_HD double exp_f32_range(double xc) {
  double n;
  const double r = exp_reduce(xc, &n);
  double p = 2.487569432882793e-05;
  p = p * r + 1.9915864668440438e-4;
  p = p * r + 1.3888822738760763e-3;
  p = p * r + 8.333266102190715e-3;
  p = p * r + 4.1666666883557954e-2;
  p = p * r + 1.666666689102446e-1;
  p = p * r + 4.9999999999814065e-1;
  p = p * r + 9.999999999797875e-1;
  p = p * r + 1.0;
  const int32_t ni = static_cast<int32_t>(n);
  return p * __builtin_bit_cast(double, static_cast<uint64_t>(static_cast<int64_t>(ni) + 1023) << 52);
}
TC_HD float exp_f32(float xf) {
  const double x = xf;
  // Clamp to [-104, 89]: beyond it the float result is 0 or inf, which the
  // final double->float rounding produces by itself. NaN becomes 89 here (the
  // select at the end restores it), keeping the int conversion defined.
  const double t = x < 89.0 ? x : 89.0;
  const double xc = t > -104.0 ? t : -104.0;
  const double y = exp_f32_range(xc);
  return x != x ? xf : static_cast<float>(y);
}
TC_HD double exp_f64(double x) {
  const double hi = 709.782712893384, lo = -745.1332191019412;
  double xc = x > hi ? hi : (x < lo ? lo : x);
  xc = x == x ? xc : 0.0;
  double n;
  const double r = exp_reduce(xc, &n);
  // Taylor to degree 12 on |r| <= ln2/2 (truncation error < 1e-16).
  double p = 2.08767569878681e-9;
  p = p * r + 2.505210838544172e-8;
  p = p * r + 2.755731922398589e-7;
  p = p * r + 2.755731922398589e-6;
  p = p * r + 2.48015873015873e-5;
  p = p * r + 1.984126984126984e-4;
  p = p * r + 1.388888888888889e-3;
  p = p * r + 8.333333333333333e-3;
  p = p * r + 4.166666666666666e-2;
  p = p * r + 1.666666666666667e-1;
  p = p * r + 0.5;
  p = p * r * r + r + 1.0;
  int64_t ni = static_cast<int64_t>(n);
  int64_t n1 = ni >> 1, n2 = ni - n1;
  double y = p * __builtin_bit_cast(double, static_cast<uint64_t>(n1 + 1023) << 52) *
             __builtin_bit_cast(double, static_cast<uint64_t>(n2 + 1023) << 52);
  y = x > hi ? __builtin_inf() : y;
  return x != x ? x : y;
}
// Note [Float32 transcendentals]
// PyTorch's float kernels (Sleef, 1-ulp) return the correctly rounded value for
// nearly every input, and printed results show it (exp(4.) is 54.5981, not
// 54.5982). float32 transcendentals therefore evaluate in double and round
// once, which is correctly rounded for nearly every input too; exp keeps a
// vectorizable double polynomial so it stays bandwidth-bound.
struct Exp {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_same_v<T, float>)
      return exp_f32(a);
    else if constexpr (std::is_same_v<T, double>)
      return exp_f64(a);
    else
      return std::exp(a);
  }
};
struct Exp2 {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::exp2(x); });
  }
};
struct Expm1 {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::expm1(x); });
  }
};
// Note [Vectorizable log]
// std::log of a float's double is a library call per element (7x PyTorch's
// time). Every positive finite float is a normal double, so x = 2^e m is read
// off the bits: m in [sqrt(1/2), sqrt(2)) and log x = e ln2 + log m, where
// log m = 2 atanh(s) = 2 (s + s^3/3 + ... + s^21/21), s = (m - 1)/(m + 1),
// |s| <= 0.1716: the next term is below 1e-17 relative. No table, no branch,
// one division, so the loop vectorizes. Rounded once to float (log2 and log10
// scale the double first), it equals the correctly rounded result: checked on
// every 7th positive float, denormals included, with no difference. 0 gives
// -inf, negatives and NaN give NaN, inf gives inf.
TC_HD double log_of_float(float xf) {
  const double x = xf;
  const uint64_t bits = __builtin_bit_cast(uint64_t, x);
  // The biased exponent as a double without an int64 conversion (AVX2 has none): (2^52 + k) - 2^52.
  const double biased = __builtin_bit_cast(double, (bits >> 52) | 0x4330000000000000ULL) - 4503599627370496.0;
  double m = __builtin_bit_cast(double, (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  const bool big = m > 1.4142135623730951;
  m = big ? m * 0.5 : m;
  const double e = big ? biased - 1022.0 : biased - 1023.0;
  const double s = (m - 1.0) / (m + 1.0), z = s * s;
  double p = 1.0 / 21;
  p = p * z + 1.0 / 19;
  p = p * z + 1.0 / 17;
  p = p * z + 1.0 / 15;
  p = p * z + 1.0 / 13;
  p = p * z + 1.0 / 11;
  p = p * z + 1.0 / 9;
  p = p * z + 1.0 / 7;
  p = p * z + 1.0 / 5;
  p = p * z + 1.0 / 3;
  p = p * z + 1.0;
  return e * 0.6931471805599453 + 2.0 * s * p;
}
// `scale * log(x)` rounded to float, with log's special values.
TC_HD float scaled_log_f32(float xf, double scale) {
  const float inf = __builtin_inff();
  const float special = xf == 0.0f ? -inf : xf == inf ? inf : __builtin_nanf("");
  return xf > 0.0f && xf < inf ? static_cast<float>(log_of_float(xf) * scale) : special;
}
struct Log {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_same_v<T, float>)
      return scaled_log_f32(a, 1.0);
    else
      return via_double(a, [](auto x) { return std::log(x); });
  }
};
struct Log2 {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_same_v<T, float>)
      return scaled_log_f32(a, 1.4426950408889634);  // 1 / ln 2
    else
      return via_double(a, [](auto x) { return std::log2(x); });
  }
};
struct Log10 {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_same_v<T, float>)
      return scaled_log_f32(a, 0.4342944819032518);  // 1 / ln 10
    else
      return via_double(a, [](auto x) { return std::log10(x); });
  }
};
struct Log1p {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::log1p(x); });
  }
};
struct Sqrt {
  template <typename T> TC_HD T operator()(T a) const { return std::sqrt(a); }
};
struct Rsqrt {
  template <typename T> TC_HD T operator()(T a) const { return T(1) / std::sqrt(a); }
};
struct Sin {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::sin(x); });
  }
};
struct Cos {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::cos(x); });
  }
};
struct Tan {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::tan(x); });
  }
};
struct Asin {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::asin(x); });
  }
};
struct Acos {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::acos(x); });
  }
};
struct Atan {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::atan(x); });
  }
};
struct Sinh {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::sinh(x); });
  }
};
struct Cosh {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::cosh(x); });
  }
};
// Note [Vectorizable tanh]
// float tanh evaluates tanh|x| = (1 - e) / (1 + e), e = exp(-2|x|), in double
// with exp_f32_range (relative error 1e-12; e <= 1, no overflow) and rounds
// once. 1 - e loses log10(1 / 2|x|) digits to cancellation, harmless while
// |x| >= 4e-4 (relative error < 1e-8, far below float's half-ulp 6e-8); below
// that tanh x = x to within float's half-ulp (the x^3 / 3 term is < 6e-8 x).
// For |x| >= 52, e < 1e-45 and the result is exactly 1. Recurrent nets spend
// much of their element time here; the library call did not vectorize.
TC_HD float tanh_f32(float xf) {
  const double x = xf;
  const double ax = x < 0 ? -x : x;
  const double e = exp_f32_range(-2.0 * (ax < 52.0 ? ax : 52.0));  // NaN -> 52: defined conversion
  const double t = (1.0 - e) / (1.0 + e);
  const double r = ax < 4e-4 ? ax : t;
  return x != x ? xf : static_cast<float>(x < 0 ? -r : r);
}
struct Tanh {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_same_v<T, float>)
      return tanh_f32(a);
    else
      return via_double(a, [](auto x) { return std::tanh(x); });
  }
};
// PyTorch's formula, 1 / (1 + e^-a), step by step in T (e^-a may be inf: then 0).
struct Sigmoid {
  template <typename T> TC_HD T operator()(T a) const { return T(1) / (T(1) + Exp{}(-a)); }
};
// max(a, 0) as PyTorch's clamp_min: NaN and -0.0 pass through unchanged.
struct Relu {
  template <typename T> TC_HD T operator()(T a) const { return a < T(0) ? T(0) : a; }
};
struct Floor {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_floating_point_v<T>)
      return std::floor(a);
    else
      return a;
  }
};
struct Ceil {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_floating_point_v<T>)
      return std::ceil(a);
    else
      return a;
  }
};
struct Trunc {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_floating_point_v<T>)
      return std::trunc(a);
    else
      return a;
  }
};
struct Round {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_floating_point_v<T>)
      return std::nearbyint(a);
    else
      return a;
  }
};
struct Reciprocal {
  template <typename T> TC_HD T operator()(T a) const { return T(1) / a; }
};
struct Square {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_same_v<T, bool>)
      return a;
    else
      return wrap_mul(a, a);
  }
};
struct LogicalNot {
  template <typename T> TC_HD bool operator()(T a) const { return !truthy(a); }
};
struct BitNot {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_same_v<T, bool>)
      return !a;
    else
      return T(~a);
  }
};
struct IsNan {
  template <typename T> TC_HD bool operator()(T a) const { return a != a; }
};
struct IsInf {
  template <typename T> TC_HD bool operator()(T a) const {
    if constexpr (std::is_floating_point_v<T>)
      return std::isinf(a);
    else
      return false;
  }
};
struct IsFinite {
  template <typename T> TC_HD bool operator()(T a) const {
    if constexpr (std::is_floating_point_v<T>)
      return std::isfinite(a);
    else
      return true;
  }
};
struct Erf {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::erf(x); });
  }
};

// ---- issue 10: more elementwise math (hyperbolic inverses, special functions, ----
// ---- sign/bit predicates, gcd/lcm, shifts). Each is one row of op_tables.h. ----
// Integer and bool instantiations of the float-only functors below exist
// because every functor is compiled for every compute type; the FLOAT rule
// converts such inputs to the default float dtype before a kernel runs.
struct Acosh {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::acosh(x); });
  }
};
struct Asinh {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::asinh(x); });
  }
};
struct Atanh {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::atanh(x); });
  }
};
struct Erfc {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::erfc(x); });
  }
};

// Note [erfinv]
// erfinv(y) in double: Giles' single-precision approximation ("Approximating
// the erfinv function", GPU Computing Gems, 2011; relative error ~4e-7 where
// w = -log(1 - y^2) < 16, a rough but monotone start beyond) refined by Halley
// steps on f(x) = erf(x) - |y| until the step is below 1e-16 x (cubic
// convergence: two steps from the polynomial, four at most near |y| = 1).
// f is evaluated as (1 - |y|) - erfc(x) for |y| >= 0.5, where 1 - |y| is exact
// (Sterbenz) and erfc keeps its relative accuracy, so the residual does not
// cancel as y -> 1. Measured against scipy.special.erfinv: relative error
// < 5e-16 over (-1, 1), including 1 - 2^-53 and subnormal y. float32 rounds
// the double once (Note [Float32 transcendentals]); +-1 give +-inf, |y| > 1
// and NaN give NaN.
TC_HD double erfinv_f64(double y) {
  if (y != y) return y;
  const double ay = std::fabs(y);
  if (ay >= 1.0) return ay == 1.0 ? std::copysign(HUGE_VAL, y) : std::nan("");
  double w = -std::log((1.0 - ay) * (1.0 + ay)), p;
  if (w < 5.0) {
    w -= 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w;
    p = -3.5233877e-06 + p * w;
    p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
  } else {
    w = std::sqrt(w) - 3.0;
    p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
  }
  double x = p * ay;
  for (int i = 0; i < 8; ++i) {
    const double f = ay < 0.5 ? std::erf(x) - ay : (1.0 - ay) - std::erfc(x);
    const double u = f / (1.1283791670955126 * std::exp(-x * x));  // f / f'
    const double dx = u / (1.0 + x * u);                           // Halley: f'' = -2x f'
    x -= dx;
    if (!(std::fabs(dx) > 1e-16 * x)) break;
  }
  return std::copysign(x, y);
}
struct Erfinv {
  template <typename T> TC_HD T operator()(T a) const { return static_cast<T>(erfinv_f64(static_cast<double>(a))); }
};
// lgamma: float calls the float libm function, as PyTorch's kernel does (same values).
struct Lgamma {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_same_v<T, float>)
      return std::lgamma(a);
    else
      return static_cast<T>(std::lgamma(static_cast<double>(a)));
  }
};

// Note [digamma and polygamma]
// digamma: poles at 0 (-inf from +0, +inf from -0, as PyTorch) and NaN at the
// negative integers; x < 0 reflects, psi(x) = psi(1 - x) - pi / tan(pi r) with
// r the fractional part of x (tan has period pi: no argument rounding for
// large |x|); then the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10 and
// the asymptotic series in 1/x^2 (Bernoulli numbers) to x^-14, whose
// truncation is < 1e-29 there. Relative error ~1e-15 against scipy (absolute
// near the root at 1.4616). polygamma(n >= 1, x) = (-1)^(n+1) n! zeta(n+1, x)
// with the Hurwitz zeta function by Euler-Maclaurin summation (the series
// after nine direct terms and past q + k > 9, corrected with up to twelve
// Bernoulli terms; the tabulated divisors are (2j)! / B_2j): relative error
// < 1e-15 against scipy for n = 1..5. PyTorch's own trigamma truncates its
// series earlier (~1e-8 relative); the values agree to that.
TC_HD double digamma_f64(double x) {
  if (x != x) return x;
  if (x == 0) return std::copysign(HUGE_VAL, -x);
  if (x == HUGE_VAL) return x;
  double res = 0.0;
  if (x < 0) {
    if (x == std::floor(x)) return std::nan("");
    const double r = x - std::trunc(x);
    res = -M_PI / std::tan(M_PI * r);
    x = 1.0 - x;
  }
  while (x < 10.0) {
    res -= 1.0 / x;
    x += 1.0;
  }
  const double z = 1.0 / (x * x);
  const double tail =
      z *
      (1.0 / 12 - z * (1.0 / 120 - z * (1.0 / 252 - z * (1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760 - z / 12))))));
  return res + std::log(x) - 0.5 / x - tail;
}
TC_HD double hurwitz_zeta_f64(double s, double q) {
  constexpr double kDiv[12] = {12.0,
                               -720.0,
                               30240.0,
                               -1209600.0,
                               47900160.0,
                               -1.8924375803183791606e9,
                               7.47242496e10,
                               -2.950130727918164224e12,
                               1.1646782814350067249e14,
                               -4.5979787224074726105e15,
                               1.8152105401943546773e17,
                               -7.1661652561756670113e18};
  constexpr double kEps = 1.1102230246251565e-16;
  if (s != s || q != q) return s + q;
  if (s == 1.0) return HUGE_VAL;
  if (s < 1.0) return std::nan("");
  if (q <= 0.0) {
    if (q == std::floor(q)) return HUGE_VAL;      // a pole of every polygamma
    if (s != std::floor(s)) return std::nan("");  // q^-s is complex
  }
  double sum = std::pow(q, -s), a = q, b = 0.0;
  for (int i = 0; i < 9 || a <= 9.0;) {
    ++i;
    a += 1.0;
    b = std::pow(a, -s);
    sum += b;
    if (std::fabs(b / sum) < kEps) return sum;
  }
  const double w = a;
  sum += b * w / (s - 1.0) - 0.5 * b;
  double fac = 1.0, k = 0.0;
  for (int j = 0; j < 12; ++j) {
    fac *= s + k;
    b /= w;
    const double t = fac * b / kDiv[j];
    sum += t;
    if (std::fabs(t / sum) < kEps) break;
    k += 1.0;
    fac *= s + k;
    b /= w;
    k += 1.0;
  }
  return sum;
}
TC_HD double polygamma_f64(int64_t n, double x) {
  if (n == 0) return digamma_f64(x);
  if (n == 1 && x == HUGE_VAL) return 0.0;  // zeta(2, inf) evaluates to NaN; PyTorch's trigamma gives 0
  const double fact = std::exp(std::lgamma(static_cast<double>(n) + 1.0));
  return ((n & 1) ? fact : -fact) * hurwitz_zeta_f64(static_cast<double>(n) + 1.0, x);
}
struct Digamma {
  template <typename T> TC_HD T operator()(T a) const { return static_cast<T>(digamma_f64(static_cast<double>(a))); }
};
// polygamma(x, n): the order n arrives as the second operand (a wrapped number,
// checked to be a non-negative integer by the Python wrapper).
struct Polygamma {
  template <typename T> TC_HD T operator()(T x, T n) const {
    return static_cast<T>(polygamma_f64(static_cast<int64_t>(n), static_cast<double>(x)));
  }
};

// Note [Modified Bessel I0 and I1]
// I_nu(x), nu = 0 or 1, in double: for |x| <= 30 the power series
// (x/2)^nu sum (x^2/4)^k / (k! (k+nu)!), whose terms are all positive (no
// cancellation; < 60 terms to reach 1e-17 of the sum); beyond, the asymptotic
// expansion e^|x| / sqrt(2 pi |x|) sum_k prod_j -(4 nu^2 - (2j-1)^2) / (8 j |x|),
// whose smallest term at |x| > 30 is far below double rounding. e^|x| is split
// as e^(|x|/2)^2 so I0 stays finite up to |x| = 713. Relative error < 2e-15
// against scipy.special.i0 / i1 over [-700, 700]. I1 is odd, I0 even.
TC_HD double bessel_i_f64(int nu, double x) {
  if (x != x) return x;
  const double ax = std::fabs(x);
  double s;
  if (ax <= 30.0) {
    const double q = ax * ax / 4.0;
    double term = nu == 0 ? 1.0 : ax / 2.0;
    s = term;
    for (int k = 1; k < 200; ++k) {
      term *= q / (static_cast<double>(k) * static_cast<double>(k + nu));
      s += term;
      if (term <= s * 1e-17) break;
    }
  } else {
    const double mu = 4.0 * nu * nu;
    double t = 1.0;
    s = 1.0;
    for (int k = 1; k < 40; ++k) {
      const double odd = 2.0 * k - 1.0;
      t *= -(mu - odd * odd) / (8.0 * k * ax);
      s += t;
      if (std::fabs(t) < std::fabs(s) * 1e-17) break;
    }
    const double h = std::exp(ax / 2.0);
    s = h * (h / std::sqrt(2.0 * M_PI * ax)) * s;
  }
  return (nu == 1 && x < 0) ? -s : s;
}
struct I0 {
  template <typename T> TC_HD T operator()(T a) const {
    return static_cast<T>(bessel_i_f64(0, static_cast<double>(a)));
  }
};
struct I1 {
  template <typename T> TC_HD T operator()(T a) const {
    return static_cast<T>(bessel_i_f64(1, static_cast<double>(a)));
  }
};
// sin(pi x) / (pi x), 1 at 0. As PyTorch, pi x is rounded to T first (the
// float's own argument), then sin evaluates in double and rounds once.
struct Sinc {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (a == T(0)) return T(1);
      const T product = static_cast<T>(M_PI) * a;
      return static_cast<T>(via_double(product, [](auto x) { return std::sin(x); }) / product);
    } else {
      if (a == T(0)) return T(1);
      const double product = M_PI * static_cast<double>(a);
      return static_cast<T>(std::sin(product) / product);
    }
  }
};
// x * 180/pi and x * pi/180 in T, as PyTorch's multiplication by the constant.
struct Rad2Deg {
  template <typename T> TC_HD T operator()(T a) const { return static_cast<T>(a * static_cast<T>(180.0 / M_PI)); }
};
struct Deg2Rad {
  template <typename T> TC_HD T operator()(T a) const { return static_cast<T>(a * static_cast<T>(M_PI / 180.0)); }
};
struct SignBit {
  template <typename T> TC_HD bool operator()(T a) const {
    if constexpr (std::is_floating_point_v<T>)
      return std::signbit(a);
    else if constexpr (std::is_signed_v<T>)
      return a < 0;
    else
      return false;
  }
};
struct IsPosInf {
  template <typename T> TC_HD bool operator()(T a) const {
    if constexpr (std::is_floating_point_v<T>)
      return a == HUGE_VAL;
    else
      return false;
  }
};
struct IsNegInf {
  template <typename T> TC_HD bool operator()(T a) const {
    if constexpr (std::is_floating_point_v<T>)
      return a == -HUGE_VAL;
    else
      return false;
  }
};
struct IsReal {  // real dtypes only: every element is real
  template <typename T> TC_HD bool operator()(T) const { return true; }
};
// logit(x, eps): eps < 0 (None) does not clamp; else x is clamped to [eps, 1 - eps].
struct Logit {
  template <typename T> TC_HD T operator()(T x, T eps) const {
    if constexpr (std::is_floating_point_v<T>) {
      T z = x;
      if (eps >= T(0)) z = x < eps ? eps : (x > T(1) - eps ? T(1) - eps : x);
      const T q = z / (T(1) - z);
      return via_double(q, [](auto v) { return std::log(v); });
    } else {
      return T(0);  // never run (FLOAT rule)
    }
  }
};
// heaviside(x, values): values where x == 0, else x > 0 (NaN gives 0, as PyTorch).
struct Heaviside {
  template <typename T> TC_HD T operator()(T a, T b) const { return a == T(0) ? b : static_cast<T>(a > T(0)); }
};
struct Copysign {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>)
      return std::copysign(a, b);
    else
      return static_cast<T>(std::copysign(static_cast<double>(a), static_cast<double>(b)));
  }
};
// ldexp(x, e) = x * 2^e, as PyTorch's x * pow(2, e) (two roundings for a non-integer e).
struct Ldexp {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>)
      return a * Pow{}(T(2), b);
    else
      return T(0);  // never run (FLOAT rule)
  }
};
// Integer-only: gcd / lcm with C's truncating %, results non-negative except
// where |INT_MIN| wraps (PyTorch's values).
struct Gcd {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (kWrapInt<T>) {
      a = a < 0 ? wrap_sub(T(0), a) : a;
      b = b < 0 ? wrap_sub(T(0), b) : b;
      while (a != 0) {
        const T c = a;
        a = (a == -1) ? T(0) : T(b % a);  // INT_MIN % -1 traps on x86
        b = c;
      }
      return b;
    } else {
      return a || b;
    }
  }
};
struct Lcm {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (kWrapInt<T>) {
      const T g = Gcd{}(a, b);
      if (g == 0) return T(0);
      const T q = g == -1 ? wrap_sub(T(0), a) : T(a / g);
      const T r = wrap_mul(q, b);
      return r < 0 ? wrap_sub(T(0), r) : r;
    } else {
      return a && b;
    }
  }
};
// Shifts as PyTorch: a count outside [0, bits) shifts everything out (left:
// 0; right: the sign, -1 or 0). Left shifts go through the unsigned type
// (defined wrap-around). int8/int16/uint8 compute in int32 (Note [Fused
// storage-dtype loops]); their values are the same after narrowing.
struct ShiftLeft {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (kWrapInt<T>) {
      using U = std::make_unsigned_t<T>;
      constexpr T kBits = static_cast<T>(sizeof(T) * 8);
      if (b < 0 || b >= kBits) return T(0);
      return static_cast<T>(static_cast<U>(a) << b);
    } else {
      return a && !b;
    }
  }
};
struct ShiftRight {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (kWrapInt<T>) {
      constexpr T kBits = static_cast<T>(sizeof(T) * 8);
      if (b < 0 || b >= kBits) return a < 0 ? T(-1) : T(0);
      return static_cast<T>(a >> b);
    } else {
      return a && !b;
    }
  }
};
// clamp_min / clamp_max with a tensor bound: NaN in either operand propagates.
struct ClampMin {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return a < b ? b : a;
  }
};
struct ClampMax {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (a != a) return a;
      if (b != b) return b;
    }
    return a > b ? b : a;
  }
};

}  // namespace tc::fn
