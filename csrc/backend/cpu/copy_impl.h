#pragma once
// Kernels that move values between dtypes (copy, where, fill): compiled for
// generic and avx2 only (Note [Elementwise translation units]).
#include "backend/cpu/elementwise_loops.h"

namespace tc::cpu::TC_CAP {

template <typename To, typename From> void copy_loop(char** p, const int64_t* s, int64_t n) {
  // float <-> float16/bfloat16: the block converters (F16C where compiled in).
  if constexpr (std::is_same_v<From, float> && is_half_type_v<To>) {
    if (s[1] == sizeof(float)) return store_block<To, float>(reinterpret_cast<const float*>(p[1]), n, p[0], s[0]);
  }
  if constexpr (std::is_same_v<To, float> && is_half_type_v<From>) {
    if (s[0] == sizeof(float) && s[1] == sizeof(From))
      return load_block<From, float>(p[1], s[1], n, reinterpret_cast<float*>(p[0]));
  }
  if (s[0] == sizeof(To) && s[1] == 0) {
    // A broadcast source (an expanded gradient, a scalar): a fill, which the
    // compiler vectorizes, instead of the strided element loop below.
    const To v = convert_value<To>(*reinterpret_cast<const From*>(p[1]));
    To* out = reinterpret_cast<To*>(p[0]);
    for (int64_t i = 0; i < n; ++i) out[i] = v;
    return;
  }
  if (s[0] == sizeof(To) && s[1] == sizeof(From)) {
    To* out = reinterpret_cast<To*>(p[0]);
    const From* in = reinterpret_cast<const From*>(p[1]);
    if constexpr (std::is_same_v<To, From>) {
      if (n * sizeof(To) <= 256) {  // short rows (a transposed copy): no call into memcpy
        for (int64_t i = 0; i < n; ++i) out[i] = in[i];
      } else {
        std::memcpy(out, in, n * sizeof(To));
      }
    } else {
      for (int64_t i = 0; i < n; ++i) out[i] = convert_value<To>(in[i]);
    }
  } else {
    for (int64_t i = 0; i < n; ++i)
      *reinterpret_cast<To*>(p[0] + i * s[0]) = convert_value<To>(*reinterpret_cast<const From*>(p[1] + i * s[1]));
  }
}

void copy(const TensorIterator& it, DType out, DType in) {
  dispatch_all_dtype(out, [&](auto to) {
    using To = typename decltype(to)::type;
    dispatch_all_dtype(in, [&](auto from) {
      using From = typename decltype(from)::type;
      it.for_each([&](char** p, const int64_t* s, int64_t n) { copy_loop<To, From>(p, s, n); });
    });
  });
}

void where(const TensorIterator& it, DType dt) {
  dispatch_all_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    it.for_each([&](char** p, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; ++i) {
        bool c = *reinterpret_cast<const bool*>(p[1] + i * s[1]);
        *reinterpret_cast<T*>(p[0] + i * s[0]) =
            c ? *reinterpret_cast<const T*>(p[2] + i * s[2]) : *reinterpret_cast<const T*>(p[3] + i * s[3]);
      }
    });
  });
}

void fill(void* data, int64_t n, DType dt, double fval, int64_t ival, double fimag) {
  dispatch_all_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T v;
    if constexpr (is_complex_type_v<T>)
      v = T(static_cast<decltype(T::re)>(fval), static_cast<decltype(T::re)>(fimag));
    else
      v = is_float_like_v<T> ? convert_value<T>(fval) : convert_value<T>(ival);
    T* out = static_cast<T*>(data);
    parallel_for(0, n, 65536, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) out[i] = v;
    });
  });
}

}  // namespace tc::cpu::TC_CAP
