#pragma once
// Unary elementwise ops (backend/op_tables.h) and clamp, compiled once per instruction set (TC_CAP).
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

}  // namespace tc::cpu::TC_CAP
