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
// sqrt(a^2 + b^2) without overflow; float evaluates in double and rounds once.
struct Hypot {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, float>)
      return static_cast<float>(std::hypot(double(a), double(b)));
    else
      return static_cast<T>(std::hypot(a, b));
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
struct Log {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::log(x); });
  }
};
struct Log2 {
  template <typename T> TC_HD T operator()(T a) const {
    return via_double(a, [](auto x) { return std::log2(x); });
  }
};
struct Log10 {
  template <typename T> TC_HD T operator()(T a) const {
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
struct Relu {
  template <typename T> TC_HD T operator()(T a) const { return a > T(0) ? a : T(0); }
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

}  // namespace tc::fn
