#pragma once
// Elementwise loop bodies, compiled once per instruction set (TC_CAP): the
// shared loops of binary_impl.h, unary_impl.h and copy_impl.h.
//
// Note [Elementwise translation units]
// The elementwise kernels are the largest instantiation in the build (every
// op x every dtype x every instruction set), so they are split into three
// translation units per instruction set -- binary ops, unary ops (and clamp),
// and the dtype-moving kernels (copy, where, fill) -- which a 2-core build
// compiles side by side instead of one long file at the end. The copy kernels
// are only built for generic and avx2: they are memory-bound conversions, which
// avx512 code does not speed up, and the copy kernel alone is a
// dtype x dtype instantiation (dispatch.cpp sends avx512 CPUs to avx2's).
// The avx512 binary and unary kernels are built for float32 and float64 only
// (TC_ELEMENTWISE_FLOAT_ONLY, set by binary_avx512.cpp / unary_avx512.cpp):
// the transcendental float loops are where 512-bit vectors pay; the integer,
// bool, complex and storage-dtype (half, bfloat16, 8/16-bit) forms, which are
// most of the instantiations and mostly memory-bound, run avx2's code there
// (dispatch.cpp, TC_DISPATCH_ELEMENTWISE).
#include <algorithm>
#include <cstring>
#if defined(__F16C__)
#include <immintrin.h>
#endif

#include "backend/complex_functors.h"
#include "backend/functors.h"
#include "backend/kernels.h"
#include "core/error.h"

namespace tc::cpu::TC_CAP {

// Contiguous and scalar-broadcast fast paths let the compiler vectorize.
template <typename R, typename T, typename F> void binary_loop(char** p, const int64_t* s, int64_t n, F f) {
  R* out = reinterpret_cast<R*>(p[0]);
  const T* a = reinterpret_cast<const T*>(p[1]);
  const T* b = reinterpret_cast<const T*>(p[2]);
  constexpr int64_t sr = sizeof(R), st = sizeof(T);
  if (s[0] == sr && s[1] == st && s[2] == st) {
    for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
  } else if (s[0] == sr && s[1] == st && s[2] == 0) {
    const T bv = *b;
    for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], bv);
  } else if (s[0] == sr && s[1] == 0 && s[2] == st) {
    const T av = *a;
    for (int64_t i = 0; i < n; ++i) out[i] = f(av, b[i]);
  } else {
    for (int64_t i = 0; i < n; ++i)
      *reinterpret_cast<R*>(p[0] + i * s[0]) =
          f(*reinterpret_cast<const T*>(p[1] + i * s[1]), *reinterpret_cast<const T*>(p[2] + i * s[2]));
  }
}

template <typename R, typename T, typename F> void unary_loop(char** p, const int64_t* s, int64_t n, F f) {
  R* out = reinterpret_cast<R*>(p[0]);
  const T* a = reinterpret_cast<const T*>(p[1]);
  if (s[0] == sizeof(R) && s[1] == sizeof(T)) {
    for (int64_t i = 0; i < n; ++i) out[i] = f(a[i]);
  } else {
    for (int64_t i = 0; i < n; ++i)
      *reinterpret_cast<R*>(p[0] + i * s[0]) = f(*reinterpret_cast<const T*>(p[1] + i * s[1]));
  }
}

// Note [Fused storage-dtype loops]
// Elementwise ops on a storage dtype S (float16, bfloat16, uint8, int8,
// int16) run in its compute type C (float, int32) one block at a time: the
// inputs of a block are converted into stack buffers, the compute-type loop
// (the same instantiation the compute dtypes use) runs on them, and the
// result is rounded into the output -- one pass over memory instead of a
// widening copy of each input and a narrowing copy of the result. Values are
// those of compute-then-round (Note [Half types compute in float]).
constexpr int64_t kStorageBlock = 512;

// n elements of S at p (byte stride s; 0 = one broadcast value) into C.
template <typename S, typename C> void load_block(const char* p, int64_t s, int64_t n, C* out) {
  if (s == 0) {
    out[0] = convert_value<C>(*reinterpret_cast<const S*>(p));
    return;
  }
  if (s == static_cast<int64_t>(sizeof(S))) {
    const S* in = reinterpret_cast<const S*>(p);
    int64_t i = 0;
#if defined(__F16C__)
    if constexpr (std::is_same_v<S, Half>)
      for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i))));
#endif
    if constexpr (std::is_same_v<S, BFloat16>) {
      for (; i < n; ++i) {  // the top half of a float: a shift (vectorizes)
        const uint32_t bits = static_cast<uint32_t>(in[i].x) << 16;
        std::memcpy(out + i, &bits, 4);
      }
    }
    for (; i < n; ++i) out[i] = convert_value<C>(in[i]);
    return;
  }
  for (int64_t i = 0; i < n; ++i) out[i] = convert_value<C>(*reinterpret_cast<const S*>(p + i * s));
}

// n values of C rounded into S at p (byte stride s).
template <typename S, typename C> void store_block(const C* in, int64_t n, char* p, int64_t s) {
  if (s == static_cast<int64_t>(sizeof(S))) {
    S* out = reinterpret_cast<S*>(p);
    int64_t i = 0;
#if defined(__F16C__)
    if constexpr (std::is_same_v<S, Half>)
      for (; i + 8 <= n; i += 8)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
#endif
    if constexpr (std::is_same_v<S, BFloat16>) {
      for (; i < n; ++i) {  // round to nearest even; every NaN becomes 0x7fc0 (branch-free, vectorizes)
        uint32_t x;
        std::memcpy(&x, in + i, 4);
        const uint32_t rounded = (x + 0x7fffu + ((x >> 16) & 1u)) >> 16;
        out[i].x = static_cast<uint16_t>((x & 0x7fffffffu) > 0x7f800000u ? 0x7fc0u : rounded);
      }
    }
    for (; i < n; ++i) out[i] = convert_value<S>(in[i]);
    return;
  }
  for (int64_t i = 0; i < n; ++i) *reinterpret_cast<S*>(p + i * s) = convert_value<S>(in[i]);
}

// Calls f(type_tag<S>{}, type_tag<C>{}) for a storage dtype.
template <typename F> void dispatch_storage(DType dt, F&& f) {
  switch (dt) {
    case DType::Float16:
      return f(type_tag<Half>{}, type_tag<float>{});
    case DType::BFloat16:
      return f(type_tag<BFloat16>{}, type_tag<float>{});
    case DType::Uint8:
      return f(type_tag<uint8_t>{}, type_tag<int32_t>{});
    case DType::Int8:
      return f(type_tag<int8_t>{}, type_tag<int32_t>{});
    case DType::Int16:
      return f(type_tag<int16_t>{}, type_tag<int32_t>{});
    default:
      TC_INTERNAL_ASSERT(false);
  }
}

// A blocked binary loop over storage operands (out, a, b); a predicate writes bool directly.
template <typename S, typename C, bool Pred, typename F>
void storage_binary_loop(char** p, const int64_t* s, int64_t n, F f) {
  using R = std::conditional_t<Pred, bool, C>;
  alignas(64) C a[kStorageBlock], b[kStorageBlock];
  alignas(64) R o[kStorageBlock];
  for (int64_t i0 = 0; i0 < n; i0 += kStorageBlock) {
    const int64_t m = std::min(kStorageBlock, n - i0);
    load_block<S, C>(p[1] + i0 * s[1], s[1], m, a);
    load_block<S, C>(p[2] + i0 * s[2], s[2], m, b);
    char* out = p[0] + i0 * s[0];
    char* ptrs[3] = {Pred ? out : reinterpret_cast<char*>(o), reinterpret_cast<char*>(a), reinterpret_cast<char*>(b)};
    const int64_t st[3] = {Pred ? s[0] : int64_t(sizeof(R)), s[1] ? int64_t(sizeof(C)) : 0,
                           s[2] ? int64_t(sizeof(C)) : 0};
    binary_loop<R, C>(ptrs, st, m, f);
    if constexpr (!Pred) store_block<S, C>(o, m, out, s[0]);
  }
}

template <typename S, typename C, bool Pred, typename F>
void storage_unary_loop(char** p, const int64_t* s, int64_t n, F f) {
  using R = std::conditional_t<Pred, bool, C>;
  alignas(64) C a[kStorageBlock];
  alignas(64) R o[kStorageBlock];
  for (int64_t i0 = 0; i0 < n; i0 += kStorageBlock) {
    const int64_t m = std::min(kStorageBlock, n - i0);
    load_block<S, C>(p[1] + i0 * s[1], s[1], m, a);
    if (s[1] == 0)
      for (int64_t i = 1; i < m; ++i) a[i] = a[0];
    char* out = p[0] + i0 * s[0];
    char* ptrs[2] = {Pred ? out : reinterpret_cast<char*>(o), reinterpret_cast<char*>(a)};
    const int64_t st[2] = {Pred ? s[0] : int64_t(sizeof(R)), int64_t(sizeof(C))};
    unary_loop<R, C>(ptrs, st, m, f);
    if constexpr (!Pred) store_block<S, C>(o, m, out, s[0]);
  }
}

#if defined(TC_ELEMENTWISE_FLOAT_ONLY)
constexpr bool kFloatOnly = true;
#else
constexpr bool kFloatOnly = false;
#endif

// Calls f(type_tag<float>{}) or f(type_tag<double>{}): the only dtypes of a
// TC_ELEMENTWISE_FLOAT_ONLY build (dispatch.cpp never sends it others).
template <typename F> void dispatch_float_only(DType dt, F&& f) {
  if (dt == DType::Float32) return f(type_tag<float>{});
  TC_INTERNAL_ASSERT(dt == DType::Float64);
  return f(type_tag<double>{});
}

template <typename F, bool Pred, bool IntOnly> void run_binary_all_dtypes(const TensorIterator& it, DType dt, F f) {
  if (!is_compute_dtype(dt)) {  // Note [Fused storage-dtype loops]
    dispatch_storage(dt, [&](auto stag, auto ctag) {
      using S = typename decltype(stag)::type;
      using C = typename decltype(ctag)::type;
      if constexpr (IntOnly && std::is_floating_point_v<C>) {
        TC_INTERNAL_ASSERT(false);
      } else {
        it.for_each([&](char** p, const int64_t* s, int64_t n) { storage_binary_loop<S, C, Pred>(p, s, n, f); });
      }
    });
    return;
  }
  if (is_complex(dt)) {  // Note [Complex kernels]
    if constexpr (fn::ComplexFn<F>::supported) {
      dispatch_complex(dt, [&](auto tag) {
        using C = typename decltype(tag)::type;
        using R = std::conditional_t<Pred, bool, C>;
        auto g = [](C a, C b) -> R { return fn::ComplexFn<F>::apply(a, b); };
        it.for_each([&](char** p, const int64_t* s, int64_t n) { binary_loop<R, C>(p, s, n, g); });
      });
      return;
    } else {
      raise_no_kernel_for(dt);
    }
  }
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (IntOnly && std::is_floating_point_v<T>) {
      TC_INTERNAL_ASSERT(false);
    } else {
      using R = std::conditional_t<Pred, bool, T>;
      it.for_each([&](char** p, const int64_t* s, int64_t n) { binary_loop<R, T>(p, s, n, f); });
    }
  });
}

template <typename F, bool Pred, bool IntOnly> void run_binary(const TensorIterator& it, DType dt, F f) {
  if constexpr (!kFloatOnly) {
    run_binary_all_dtypes<F, Pred, IntOnly>(it, dt, f);
  } else if constexpr (IntOnly) {
    TC_INTERNAL_ASSERT(false);
  } else {
    dispatch_float_only(dt, [&](auto tag) {
      using T = typename decltype(tag)::type;
      using R = std::conditional_t<Pred, bool, T>;
      it.for_each([&](char** p, const int64_t* s, int64_t n) { binary_loop<R, T>(p, s, n, f); });
    });
  }
}

template <typename F, bool Pred, bool IntOnly> void run_unary_all_dtypes(const TensorIterator& it, DType dt, F f) {
  if (!is_compute_dtype(dt)) {  // Note [Fused storage-dtype loops]
    dispatch_storage(dt, [&](auto stag, auto ctag) {
      using S = typename decltype(stag)::type;
      using C = typename decltype(ctag)::type;
      if constexpr (IntOnly && std::is_floating_point_v<C>) {
        TC_INTERNAL_ASSERT(false);
      } else {
        it.for_each([&](char** p, const int64_t* s, int64_t n) { storage_unary_loop<S, C, Pred>(p, s, n, f); });
      }
    });
    return;
  }
  if (is_complex(dt)) {  // Note [Complex kernels]
    if constexpr (fn::ComplexFn<F>::supported) {
      dispatch_complex(dt, [&](auto tag) {
        using C = typename decltype(tag)::type;
        using R = std::conditional_t<Pred, bool, C>;
        auto g = [](C a) -> R { return fn::ComplexFn<F>::apply(a); };
        it.for_each([&](char** p, const int64_t* s, int64_t n) { unary_loop<R, C>(p, s, n, g); });
      });
      return;
    } else {
      raise_no_kernel_for(dt);
    }
  }
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (IntOnly && std::is_floating_point_v<T>) {
      TC_INTERNAL_ASSERT(false);
    } else {
      using R = std::conditional_t<Pred, bool, T>;
      it.for_each([&](char** p, const int64_t* s, int64_t n) { unary_loop<R, T>(p, s, n, f); });
    }
  });
}

template <typename F, bool Pred, bool IntOnly> void run_unary(const TensorIterator& it, DType dt, F f) {
  if constexpr (!kFloatOnly) {
    run_unary_all_dtypes<F, Pred, IntOnly>(it, dt, f);
  } else if constexpr (IntOnly) {
    TC_INTERNAL_ASSERT(false);
  } else {
    dispatch_float_only(dt, [&](auto tag) {
      using T = typename decltype(tag)::type;
      using R = std::conditional_t<Pred, bool, T>;
      it.for_each([&](char** p, const int64_t* s, int64_t n) { unary_loop<R, T>(p, s, n, f); });
    });
  }
}

}  // namespace tc::cpu::TC_CAP
