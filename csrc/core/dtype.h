#pragma once
// Scalar types and PyTorch's type-promotion lattice.
#include <cstddef>
#include <cstdint>

namespace tc {

enum class DType : int8_t { Bool = 0, Int32 = 1, Int64 = 2, Float32 = 3, Float64 = 4 };
constexpr int kNumDTypes = 5;

inline size_t itemsize(DType t) {
  switch (t) {
    case DType::Bool:
      return 1;
    case DType::Int32:
      return 4;
    case DType::Int64:
      return 8;
    case DType::Float32:
      return 4;
    case DType::Float64:
      return 8;
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
  }
  return "?";
}

inline bool is_floating(DType t) { return t == DType::Float32 || t == DType::Float64; }
inline bool is_integral(DType t, bool include_bool) {
  return t == DType::Int32 || t == DType::Int64 || (include_bool && t == DType::Bool);
}

// Category used by promotion: bool < integer < floating.
inline int dtype_category(DType t) { return t == DType::Bool ? 0 : (is_floating(t) ? 2 : 1); }

// Note [Promotion lattice]
// Our five dtypes form a chain per category, so promotion of two dtypes is the
// larger one in the order Bool < Int32 < Int64 < Float32 < Float64, except that
// PyTorch promotes (int64, float32) to float32: the enum order already gives
// that because Float32 > Int64.
inline DType promote_types(DType a, DType b) { return static_cast<int8_t>(a) > static_cast<int8_t>(b) ? a : b; }

// PyTorch's canCast (torch.can_cast, and the out= / in-place result check):
// a cast may not lower the category of floating to integral, nor turn any
// non-bool into bool.
inline bool can_cast(DType from, DType to) {
  if (is_floating(from) && !is_floating(to)) return false;
  return !(from != DType::Bool && to == DType::Bool);
}

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

template <typename T> struct type_tag {
  using type = T;
};

// Calls f(type_tag<T>{}) with T the C++ type of `t`.
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
  }
  return f(type_tag<double>{});
}

}  // namespace tc
