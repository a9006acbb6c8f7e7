#pragma once
// Scalar types and PyTorch's type-promotion lattice.
#include <cstddef>
#include <cstdint>
#include <utility>

#include "core/half.h"

namespace tc {

// Note [DType codes]
// The enumerator values are stable: Python's dtype objects carry them (_code)
// and the registry indexes by them. The first five are the compute types
// (every arithmetic kernel is instantiated for them); codes 5-9 are storage
// types whose arithmetic runs in a compute type (compute_dtype below); the
// two complex types compute in themselves, but only in the kernels that
// PyTorch defines for complex (Note [Complex kernels]).
enum class DType : int8_t {
  Bool = 0,
  Int32 = 1,
  Int64 = 2,
  Float32 = 3,
  Float64 = 4,
  Uint8 = 5,
  Int8 = 6,
  Int16 = 7,
  Float16 = 8,
  BFloat16 = 9,
  Complex64 = 10,
  Complex128 = 11,
};
constexpr int kNumDTypes = 12;

inline size_t itemsize(DType t) {
  switch (t) {
    case DType::Bool:
    case DType::Uint8:
    case DType::Int8:
      return 1;
    case DType::Int16:
    case DType::Float16:
    case DType::BFloat16:
      return 2;
    case DType::Int32:
    case DType::Float32:
      return 4;
    case DType::Int64:
    case DType::Float64:
    case DType::Complex64:
      return 8;
    case DType::Complex128:
      return 16;
  }
  return 0;
}

inline const char* dtype_name(DType t) {
  switch (t) {
    case DType::Bool:
      return "bool";
    case DType::Int32:
      return "int32";
    case DType::Int64:
      return "int64";
    case DType::Float32:
      return "float32";
    case DType::Float64:
      return "float64";
    case DType::Uint8:
      return "uint8";
    case DType::Int8:
      return "int8";
    case DType::Int16:
      return "int16";
    case DType::Float16:
      return "float16";
    case DType::BFloat16:
      return "bfloat16";
    case DType::Complex64:
      return "complex64";
    case DType::Complex128:
      return "complex128";
  }
  return "?";
}

// PyTorch's names for a dtype in error messages: ScalarType ("Long") and
// caffe2::TypeMeta ("long int"); kernels that print either are matched exactly.
inline const char* scalar_type_name(DType t) {
  switch (t) {
    case DType::Bool:
      return "Bool";
    case DType::Int32:
      return "Int";
    case DType::Int64:
      return "Long";
    case DType::Float32:
      return "Float";
    case DType::Float64:
      return "Double";
    case DType::Uint8:
      return "Byte";
    case DType::Int8:
      return "Char";
    case DType::Int16:
      return "Short";
    case DType::Float16:
      return "Half";
    case DType::BFloat16:
      return "BFloat16";
    case DType::Complex64:
      return "ComplexFloat";
    case DType::Complex128:
      return "ComplexDouble";
  }
  return "?";
}
inline const char* type_meta_name(DType t) {
  switch (t) {
    case DType::Bool:
      return "bool";
    case DType::Int32:
      return "int";
    case DType::Int64:
      return "long int";
    case DType::Float32:
      return "float";
    case DType::Float64:
      return "double";
    case DType::Uint8:
      return "unsigned char";
    case DType::Int8:
      return "signed char";
    case DType::Int16:
      return "short int";
    case DType::Float16:
      return "c10::Half";
    case DType::BFloat16:
      return "c10::BFloat16";
    case DType::Complex64:
      return "c10::complex<float>";
    case DType::Complex128:
      return "c10::complex<double>";
  }
  return "?";
}

inline bool is_floating(DType t) {
  return t == DType::Float32 || t == DType::Float64 || t == DType::Float16 || t == DType::BFloat16;
}
inline bool is_integral(DType t, bool include_bool) {
  return t == DType::Int32 || t == DType::Int64 || t == DType::Uint8 || t == DType::Int8 || t == DType::Int16 ||
         (include_bool && t == DType::Bool);
}
inline bool is_complex(DType t) { return t == DType::Complex64 || t == DType::Complex128; }
inline bool is_signed(DType t) { return t != DType::Bool && t != DType::Uint8; }

// The complex type with t's precision (PyTorch's toComplexType; float16 and
// bfloat16 have none here) and the real type of a complex (toRealValueType).
inline DType to_complex_dtype(DType t) {
  return t == DType::Float64 || t == DType::Complex128 ? DType::Complex128 : DType::Complex64;
}
inline DType to_real_dtype(DType t) {
  return t == DType::Complex64 ? DType::Float32 : t == DType::Complex128 ? DType::Float64 : t;
}

// Category used by promotion: bool < integer < floating < complex.
inline int dtype_category(DType t) { return t == DType::Bool ? 0 : is_complex(t) ? 3 : is_floating(t) ? 2 : 1; }

// Note [Promotion lattice]
// PyTorch's promoteTypes, which is not a chain: across categories the higher
// category wins (bool < integer < floating, whatever the sizes: int64 with
// float16 is float16); within integers the wider wins, except that uint8
// with a signed type needs a sign and so gives at least int16 (uint8 + int8
// = int16); within floats the wider wins, except that float16 and bfloat16
// share no format and meet at float32; a complex keeps the precision of a
// float64 it meets (complex64 with float64 = complex128).
inline DType promote_types(DType a, DType b) {
  if (a == b) return a;
  const int ca = dtype_category(a), cb = dtype_category(b);
  if (ca == 3 || cb == 3) {
    if (a == DType::Complex128 || b == DType::Complex128 || a == DType::Float64 || b == DType::Float64)
      return DType::Complex128;
    return DType::Complex64;
  }
  if (ca != cb) return ca > cb ? a : b;
  if (ca == 1) {
    if (a == DType::Uint8 || b == DType::Uint8) {
      const DType s = a == DType::Uint8 ? b : a;
      return itemsize(s) >= 2 ? s : DType::Int16;
    }
    return itemsize(a) >= itemsize(b) ? a : b;
  }
  if ((a == DType::Float16 && b == DType::BFloat16) || (a == DType::BFloat16 && b == DType::Float16))
    return DType::Float32;
  return itemsize(a) >= itemsize(b) ? a : b;
}

// PyTorch's canCast (torch.can_cast, and the out= / in-place result check):
// a cast may not lower the category (complex to real, floating to integral),
// nor turn any non-bool into bool.
inline bool can_cast(DType from, DType to) {
  if (is_complex(from) && !is_complex(to)) return false;
  if (is_floating(from) && !is_floating(to) && !is_complex(to)) return false;
  return !(from != DType::Bool && to == DType::Bool);
}

// The dtype arithmetic kernels run in for values stored as `t` (Note [DType
// codes]): the 16-bit floats in float32 (Note [Half types compute in float]);
// the small integers in int32, whose results reduce to the same bits modulo
// 2^8 / 2^16 as PyTorch's wrapping uint8/int8/int16 arithmetic.
inline DType compute_dtype(DType t) {
  switch (t) {
    case DType::Float16:
    case DType::BFloat16:
      return DType::Float32;
    case DType::Uint8:
    case DType::Int8:
    case DType::Int16:
      return DType::Int32;
    default:
      return t;
  }
}
inline bool is_compute_dtype(DType t) {
  return static_cast<int8_t>(t) <= static_cast<int8_t>(DType::Float64) || is_complex(t);
}

// Raises NotImplementedError "<kernel>" not implemented for '<Half>' (core/tensor.cpp):
// what a compute-type dispatch does when an op forgot to widen a storage type.
[[noreturn]] void raise_no_kernel_for(DType t);

template <typename T> struct dtype_of;
template <> struct dtype_of<bool> {
  static constexpr DType value = DType::Bool;
};
template <> struct dtype_of<int32_t> {
  static constexpr DType value = DType::Int32;
};
template <> struct dtype_of<int64_t> {
  static constexpr DType value = DType::Int64;
};
template <> struct dtype_of<float> {
  static constexpr DType value = DType::Float32;
};
template <> struct dtype_of<double> {
  static constexpr DType value = DType::Float64;
};
template <> struct dtype_of<uint8_t> {
  static constexpr DType value = DType::Uint8;
};
template <> struct dtype_of<int8_t> {
  static constexpr DType value = DType::Int8;
};
template <> struct dtype_of<int16_t> {
  static constexpr DType value = DType::Int16;
};
template <> struct dtype_of<Half> {
  static constexpr DType value = DType::Float16;
};
template <> struct dtype_of<BFloat16> {
  static constexpr DType value = DType::BFloat16;
};
template <> struct dtype_of<Complex<float>> {
  static constexpr DType value = DType::Complex64;
};
template <> struct dtype_of<Complex<double>> {
  static constexpr DType value = DType::Complex128;
};

template <typename T> struct type_tag {
  using type = T;
};

// Calls f(type_tag<T>{}) with T the C++ type of `t`, for the real compute
// types only (arithmetic kernels); a storage or complex type raises
// NotImplementedError ("<kernel>" not implemented for 'ComplexFloat').
template <typename F> decltype(auto) dispatch_dtype(DType t, F&& f) {
  switch (t) {
    case DType::Bool:
      return f(type_tag<bool>{});
    case DType::Int32:
      return f(type_tag<int32_t>{});
    case DType::Int64:
      return f(type_tag<int64_t>{});
    case DType::Float32:
      return f(type_tag<float>{});
    case DType::Float64:
      break;
    default:
      raise_no_kernel_for(t);
  }
  return f(type_tag<double>{});
}

// Note [Complex kernels]
// Kernels that PyTorch defines for complex (add, mul, exp, sum, matmul, ...)
// dispatch complex64/complex128 here; every other kernel reaches
// dispatch_dtype's NotImplementedError, as PyTorch's AT_DISPATCH does.
template <typename F> decltype(auto) dispatch_complex(DType t, F&& f) {
  if (t == DType::Complex64) return f(type_tag<Complex<float>>{});
  if (t != DType::Complex128) raise_no_kernel_for(t);
  return f(type_tag<Complex<double>>{});
}

// Every dtype: for kernels that move, compare or convert values (copy, fill,
// where, indexing, nonzero), which need no arithmetic of their own.
template <typename F> decltype(auto) dispatch_all_dtype(DType t, F&& f) {
  switch (t) {
    case DType::Complex64:
      return f(type_tag<Complex<float>>{});
    case DType::Complex128:
      return f(type_tag<Complex<double>>{});
    case DType::Uint8:
      return f(type_tag<uint8_t>{});
    case DType::Int8:
      return f(type_tag<int8_t>{});
    case DType::Int16:
      return f(type_tag<int16_t>{});
    case DType::Float16:
      return f(type_tag<Half>{});
    case DType::BFloat16:
      return f(type_tag<BFloat16>{});
    default:
      return dispatch_dtype(t, std::forward<F>(f));
  }
}

}  // namespace tc
