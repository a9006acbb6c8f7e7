#pragma once
// Elementwise loop bodies, compiled once per instruction set (TC_CAP) by
// including this header from cpu/elementwise_<cap>.cpp.
#include <algorithm>
#include <cstring>
#if defined(__F16C__)
#include <immintrin.h>
#endif

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

template <typename F, bool Pred, bool IntOnly> void run_binary(const TensorIterator& it, DType dt, F f) {
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

template <typename F, bool Pred, bool IntOnly> void run_unary(const TensorIterator& it, DType dt, F f) {
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

// TC_RULE_PRED_* / TC_RULE_INT_* come with the table (backend/op_tables.h).
void binary(BinaryOp op, const TensorIterator& it, DType dt) {
  switch (op) {
#define TC_CASE(E, name, F, rule, ...) \
  case BinaryOp::E:                    \
    return run_binary<fn::F, TC_RULE_PRED_##rule, TC_RULE_INT_##rule>(it, dt, fn::F{});
    TC_BINARY_OPS(TC_CASE)
#undef TC_CASE
  }
}

void unary(UnaryOp op, const TensorIterator& it, DType dt) {
  switch (op) {
#define TC_CASE(E, name, F, rule, ...) \
  case UnaryOp::E:                     \
    return run_unary<fn::F, TC_RULE_PRED_##rule, TC_RULE_INT_##rule>(it, dt, fn::F{});
    TC_UNARY_OPS(TC_CASE)
#undef TC_CASE
  }
}

template <typename To, typename From> void copy_loop(char** p, const int64_t* s, int64_t n) {
  // float <-> float16/bfloat16: the block converters (F16C where compiled in).
  if constexpr (std::is_same_v<From, float> && is_half_type_v<To>) {
    if (s[1] == sizeof(float)) return store_block<To, float>(reinterpret_cast<const float*>(p[1]), n, p[0], s[0]);
  }
  if constexpr (std::is_same_v<To, float> && is_half_type_v<From>) {
    if (s[0] == sizeof(float) && s[1] == sizeof(From))
      return load_block<From, float>(p[1], s[1], n, reinterpret_cast<float*>(p[0]));
  }
  if (s[0] == sizeof(To) && s[1] == sizeof(From)) {
    To* out = reinterpret_cast<To*>(p[0]);
    const From* in = reinterpret_cast<const From*>(p[1]);
    if constexpr (std::is_same_v<To, From>) {
      std::memcpy(out, in, n * sizeof(To));
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

void clamp(const TensorIterator& it, DType dt, bool has_lo, double lo, bool has_hi, double hi) {
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T l = static_cast<T>(lo), h = static_cast<T>(hi);
    it.for_each([&](char** p, const int64_t* s, int64_t n) {
      unary_loop<T, T>(p, s, n, [=](T v) {
        if constexpr (std::is_floating_point_v<T>) {
          if (v != v) return v;
        }
        if (has_lo && v < l) v = l;
        if (has_hi && v > h) v = h;
        return v;
      });
    });
  });
}

void fill(void* data, int64_t n, DType dt, double fval, int64_t ival) {
  dispatch_all_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T v = is_float_like_v<T> ? convert_value<T>(fval) : convert_value<T>(ival);
    T* out = static_cast<T*>(data);
    parallel_for(0, n, 65536, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) out[i] = v;
    });
  });
}

}  // namespace tc::cpu::TC_CAP
