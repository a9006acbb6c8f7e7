#pragma once
// Unary elementwise ops (backend/op_tables.h), clamp and lerp, compiled once per instruction set (TC_CAP).
#include <cmath>

#include "backend/cpu/elementwise_loops.h"

namespace tc::cpu::TC_CAP {

void unary(UnaryOp op, const TensorIterator& it, DType dt) {
  switch (op) {
#define TC_CASE(E, name, F, rule, ...) \
  case UnaryOp::E:                     \
    return run_unary<fn::F, TC_RULE_PRED_##rule, TC_RULE_INT_##rule>(it, dt, fn::F{});
    TC_UNARY_OPS(TC_CASE)
#undef TC_CASE
  }
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

// Note [lerp rounds once]
// PyTorch's CPU lerp is base + coeff * (end - start) in one fused
// multiply-add: coeff = weight and base = start where |weight| < 0.5, else
// coeff = weight - 1 and base = end (its vectorized lerp_vec; its scalar
// formula end - (end - start) * (1 - weight) is contracted to the same FMA).
// start + weight * (end - start) in separate ops rounds twice, and a Python
// optimizer's exp_avg.lerp_(grad, 1 - beta) (Lion, EMA weights) then drifts
// from PyTorch's by an ulp per step. std::fma is exact on every capability
// (an instruction on avx2/avx512, libm's correctly rounded fma on generic).
void lerp(const TensorIterator& it, DType dt) {
  auto run = [&](auto tag) {
    using T = typename decltype(tag)::type;
    it.for_each([&](char** p, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; ++i) {
        const T a = *reinterpret_cast<const T*>(p[1] + i * s[1]);
        const T b = *reinterpret_cast<const T*>(p[2] + i * s[2]);
        const T w = *reinterpret_cast<const T*>(p[3] + i * s[3]);
        const bool small = std::abs(w) < T(0.5);
        *reinterpret_cast<T*>(p[0] + i * s[0]) = std::fma(small ? w : w - T(1), b - a, small ? a : b);
      }
    });
  };
  if (dt == DType::Float32) return run(type_tag<float>{});
  TC_CHECK(dt == DType::Float64, "[lerp] kernel computes in float32 or float64, not ", dtype_name(dt));
  run(type_tag<double>{});
}

// Operands (out, a, b): out = fma(b, alpha, a), ATen's add with alpha (vec::fmadd), rounded once
// (Note [Add with alpha rounds once] in ops/elementwise.cpp).
void add_scaled(const TensorIterator& it, DType dt, double alpha) {
  auto run = [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T s = static_cast<T>(alpha);
    it.for_each([&](char** p, const int64_t* st, int64_t n) {
      for (int64_t i = 0; i < n; ++i) {
        const T a = *reinterpret_cast<const T*>(p[1] + i * st[1]);
        const T b = *reinterpret_cast<const T*>(p[2] + i * st[2]);
        *reinterpret_cast<T*>(p[0] + i * st[0]) = std::fma(b, s, a);
      }
    });
  };
  if (dt == DType::Float32) return run(type_tag<float>{});
  TC_CHECK(dt == DType::Float64, "[add] the fused kernel computes in float32 or float64, not ", dtype_name(dt));
  run(type_tag<double>{});
}

}  // namespace tc::cpu::TC_CAP
