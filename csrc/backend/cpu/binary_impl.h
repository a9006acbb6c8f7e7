#pragma once
// Binary elementwise ops (backend/op_tables.h), compiled once per instruction set (TC_CAP).
#include "backend/cpu/elementwise_loops.h"

namespace tc::cpu::TC_CAP {

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

}  // namespace tc::cpu::TC_CAP
