#pragma once
// Elementwise loop bodies, compiled once per instruction set (TC_CAP) by
// including this header from cpu/elementwise_<cap>.cpp.
#include <cstring>

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

template <typename F, bool Pred, bool IntOnly> void run_binary(const TensorIterator& it, DType dt, F f) {
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
