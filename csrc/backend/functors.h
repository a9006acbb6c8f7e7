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

// ---- binary ----
struct Add { template <typename T> TC_HD T operator()(T a, T b) const { return std::is_same_v<T, bool> ? (a || b) : T(a + b); } };
struct Sub { template <typename T> TC_HD T operator()(T a, T b) const { return T(a - b); } };
struct Mul { template <typename T> TC_HD T operator()(T a, T b) const { return std::is_same_v<T, bool> ? (a && b) : T(a * b); } };
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
      if (b == -1) return T(0) - a;  // avoids INT_MIN / -1 trap
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
struct Neg { template <typename T> TC_HD T operator()(T a) const { return T(-a); } };
struct Abs { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_same_v<T, bool>) return a; else return a < 0 ? T(-a) : a; } };
struct Sign { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_same_v<T, bool>) return a; else return T((T(0) < a) - (a < T(0))); } };
struct Exp { template <typename T> TC_HD T operator()(T a) const { return std::exp(a); } };
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
    return a >= 0 ? T(1) / (T(1) + std::exp(-a)) : std::exp(a) / (T(1) + std::exp(a));
  }
};
struct Relu { template <typename T> TC_HD T operator()(T a) const { return a > T(0) ? a : T(0); } };
struct Floor { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_floating_point_v<T>) return std::floor(a); else return a; } };
struct Ceil { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_floating_point_v<T>) return std::ceil(a); else return a; } };
struct Trunc { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_floating_point_v<T>) return std::trunc(a); else return a; } };
struct Round { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_floating_point_v<T>) return std::nearbyint(a); else return a; } };
struct Reciprocal { template <typename T> TC_HD T operator()(T a) const { return T(1) / a; } };
struct Square { template <typename T> TC_HD T operator()(T a) const { return T(a * a); } };
struct LogicalNot { template <typename T> TC_HD bool operator()(T a) const { return !truthy(a); } };
struct BitNot { template <typename T> TC_HD T operator()(T a) const { if constexpr (std::is_same_v<T, bool>) return !a; else return T(~a); } };
struct IsNan { template <typename T> TC_HD bool operator()(T a) const { return a != a; } };
struct IsInf { template <typename T> TC_HD bool operator()(T a) const { if constexpr (std::is_floating_point_v<T>) return std::isinf(a); else return false; } };
struct IsFinite { template <typename T> TC_HD bool operator()(T a) const { if constexpr (std::is_floating_point_v<T>) return std::isfinite(a); else return true; } };
struct Erf { template <typename T> TC_HD T operator()(T a) const { return std::erf(a); } };

}  // namespace tc::fn
