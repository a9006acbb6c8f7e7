#pragma once
// Scalar functors shared by every backend (CPU now, CUDA through TC_HD).
// Each elementwise op is one functor here plus one row in op_tables.h.
#include <cmath>
#include <cstdint>
#include <type_traits>

#ifdef __CUDACC__
#define TC_HD __host__ __device__ __forceinline__
#else
#define TC_HD inline
#endif

namespace tc::fn {

template <typename T> TC_HD bool truthy(T v) { return v != T(0); }

// Integer arithmetic wraps around like PyTorch's (two's complement) instead
// of being undefined on overflow: do it in the unsigned type.
template <typename T> constexpr bool kWrapInt = std::is_integral_v<T> && !std::is_same_v<T, bool>;
template <typename T> TC_HD T wrap_add(T a, T b) {
  if constexpr (kWrapInt<T>) { using U = std::make_unsigned_t<T>; return static_cast<T>(static_cast<U>(a) + static_cast<U>(b)); }
  else return a + b;
}
template <typename T> TC_HD T wrap_sub(T a, T b) {
  if constexpr (kWrapInt<T>) { using U = std::make_unsigned_t<T>; return static_cast<T>(static_cast<U>(a) - static_cast<U>(b)); }
  else return a - b;
}
template <typename T> TC_HD T wrap_mul(T a, T b) {
  if constexpr (kWrapInt<T>) { using U = std::make_unsigned_t<T>; return static_cast<T>(static_cast<U>(a) * static_cast<U>(b)); }
  else return a * b;
}

// ---- binary ----
struct Add { template <typename T> TC_HD T operator()(T a, T b) const { if constexpr (std::is_same_v<T, bool>) return a || b; else return wrap_add(a, b); } };
struct Sub { template <typename T> TC_HD T operator()(T a, T b) const { if constexpr (std::is_same_v<T, bool>) return a != b; else return wrap_sub(a, b); } };
struct Mul { template <typename T> TC_HD T operator()(T a, T b) const { if constexpr (std::is_same_v<T, bool>) return a && b; else return wrap_mul(a, b); } };
struct Div { template <typename T> TC_HD T operator()(T a, T b) const { return a / b; } };  // float only
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
struct Pow {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (b == T(2)) return a * a;
      return std::pow(a, b);
    } else if constexpr (std::is_same_v<T, bool>) {
      return a || !b;
    } else {  // exponentiation by squaring; negative exponents rejected by caller
      if (b < 0) return a == 1 ? 1 : (a == -1 ? ((b & 1) ? -1 : 1) : 0);
      T r = 1, base = a;
      using U = std::make_unsigned_t<T>;
      U e = static_cast<U>(b);
      while (e) { if (e & 1) r = static_cast<T>(static_cast<U>(r) * static_cast<U>(base)); base = static_cast<T>(static_cast<U>(base) * static_cast<U>(base)); e >>= 1; }
      return r;
    }
  }
};
struct Maximum {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) { if (a != a) return a; if (b != b) return b; }
    return a > b ? a : b;
  }
};
struct Minimum {
  template <typename T> TC_HD T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) { if (a != a) return a; if (b != b) return b; }
    return a < b ? a : b;
  }
};
struct Atan2 { template <typename T> TC_HD T operator()(T a, T b) const { return std::atan2(a, b); } };
struct BitAnd { template <typename T> TC_HD T operator()(T a, T b) const { return T(a & b); } };
struct BitOr { template <typename T> TC_HD T operator()(T a, T b) const { return T(a | b); } };
struct BitXor { template <typename T> TC_HD T operator()(T a, T b) const { return T(a ^ b); } };
// Predicates: produce bool.
struct Eq { template <typename T> TC_HD bool operator()(T a, T b) const { return a == b; } };
struct Ne { template <typename T> TC_HD bool operator()(T a, T b) const { return a != b; } };
struct Lt { template <typename T> TC_HD bool operator()(T a, T b) const { return a < b; } };
struct Le { template <typename T> TC_HD bool operator()(T a, T b) const { return a <= b; } };
struct Gt { template <typename T> TC_HD bool operator()(T a, T b) const { return a > b; } };
struct Ge { template <typename T> TC_HD bool operator()(T a, T b) const { return a >= b; } };
struct LogicalAnd { template <typename T> TC_HD bool operator()(T a, T b) const { return truthy(a) && truthy(b); } };
struct LogicalOr { template <typename T> TC_HD bool operator()(T a, T b) const { return truthy(a) || truthy(b); } };
struct LogicalXor { template <typename T> TC_HD bool operator()(T a, T b) const { return truthy(a) != truthy(b); } };

// ---- unary ----
struct Neg { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_same_v<T, bool>) return a; else return wrap_sub(T(0), a); } };
struct Abs { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_same_v<T, bool>) return a; else return a < 0 ? wrap_sub(T(0), a) : a; } };
struct Sign { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_same_v<T, bool>) return a; else return T((T(0) < a) - (a < T(0))); } };
// Note [Vectorizable exp]
// std::exp is a library call the compiler cannot vectorize. For float and
// double we use a branch-free range reduction (x = n ln2 + r) and a minimax
// polynomial for e^r, then scale by 2^n through the exponent bits. Accurate
// to ~1 ulp; overflow gives inf, underflow 0, NaN propagates.
TC_HD float exp_f32(float x) {
  const float hi = 88.7228f, lo = -103.9721f;
  float xc = x > hi ? hi : (x < lo ? lo : x);
  xc = x == x ? xc : 0.0f;  // NaN: keep the int conversion below defined
  // round-to-nearest via the 1.5*2^23 trick (floorf does not vectorize)
  float n = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  // 2^n in two halves so n down to -150 stays representable.
  int32_t ni = static_cast<int32_t>(n);
  int32_t n1 = ni >> 1, n2 = ni - n1;
  float y = p * __builtin_bit_cast(float, static_cast<uint32_t>(n1 + 127) << 23) *
            __builtin_bit_cast(float, static_cast<uint32_t>(n2 + 127) << 23);
  y = x > hi ? __builtin_inff() : y;
  return x != x ? x : y;
}
TC_HD double exp_f64(double x) {
  const double hi = 709.782712893384, lo = -745.1332191019412;
  double xc = x > hi ? hi : (x < lo ? lo : x);
  xc = x == x ? xc : 0.0;
  double n = (xc * 1.4426950408889634 + 6755399441055744.0) - 6755399441055744.0;
  double r = xc - n * 6.93145751953125e-1;
  r = r - n * 1.42860682030941723212e-6;
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
struct Exp {
  template <typename T> TC_HD T operator()(T a) const {
    if constexpr (std::is_same_v<T, float>) return exp_f32(a);
    else if constexpr (std::is_same_v<T, double>) return exp_f64(a);
    else return std::exp(a);
  }
};
struct Exp2 { template <typename T> TC_HD T operator()(T a) const { return std::exp2(a); } };
struct Expm1 { template <typename T> TC_HD T operator()(T a) const { return std::expm1(a); } };
struct Log { template <typename T> TC_HD T operator()(T a) const { return std::log(a); } };
struct Log2 { template <typename T> TC_HD T operator()(T a) const { return std::log2(a); } };
struct Log10 { template <typename T> TC_HD T operator()(T a) const { return std::log10(a); } };
struct Log1p { template <typename T> TC_HD T operator()(T a) const { return std::log1p(a); } };
struct Sqrt { template <typename T> TC_HD T operator()(T a) const { return std::sqrt(a); } };
struct Rsqrt { template <typename T> TC_HD T operator()(T a) const { return T(1) / std::sqrt(a); } };
struct Sin { template <typename T> TC_HD T operator()(T a) const { return std::sin(a); } };
struct Cos { template <typename T> TC_HD T operator()(T a) const { return std::cos(a); } };
struct Tan { template <typename T> TC_HD T operator()(T a) const { return std::tan(a); } };
struct Asin { template <typename T> TC_HD T operator()(T a) const { return std::asin(a); } };
struct Acos { template <typename T> TC_HD T operator()(T a) const { return std::acos(a); } };
struct Atan { template <typename T> TC_HD T operator()(T a) const { return std::atan(a); } };
struct Sinh { template <typename T> TC_HD T operator()(T a) const { return std::sinh(a); } };
struct Cosh { template <typename T> TC_HD T operator()(T a) const { return std::cosh(a); } };
struct Tanh { template <typename T> TC_HD T operator()(T a) const { return std::tanh(a); } };
struct Sigmoid {
  template <typename T> TC_HD T operator()(T a) const {
    T e = Exp{}(a > T(0) ? -a : a);  // e^-|a| never overflows
    return a > T(0) ? T(1) / (T(1) + e) : e / (T(1) + e);
  }
};
struct Relu { template <typename T> TC_HD T operator()(T a) const { return a > T(0) ? a : T(0); } };
struct Floor { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_floating_point_v<T>) return std::floor(a); else return a; } };
struct Ceil { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_floating_point_v<T>) return std::ceil(a); else return a; } };
struct Trunc { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_floating_point_v<T>) return std::trunc(a); else return a; } };
struct Round { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_floating_point_v<T>) return std::nearbyint(a); else return a; } };
struct Reciprocal { template <typename T> TC_HD T operator()(T a) const { return T(1) / a; } };
struct Square { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_same_v<T, bool>) return a; else return wrap_mul(a, a); } };
struct LogicalNot { template <typename T> TC_HD bool operator()(T a) const { return !truthy(a); } };
struct BitNot { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_same_v<T, bool>) return !a; else return T(~a); } };
struct IsNan { template <typename T> TC_HD bool operator()(T a) const { return a != a; } };
struct IsInf { template <typename T> TC_HD bool operator()(T a) const { if constexpr (std::is_floating_point_v<T>) return std::isinf(a); else return false; } };
struct IsFinite { template <typename T> TC_HD bool operator()(T a) const { if constexpr (std::is_floating_point_v<T>) return std::isfinite(a); else return true; } };
struct Erf { template <typename T> TC_HD T operator()(T a) const { return std::erf(a); } };

}  // namespace tc::fn
