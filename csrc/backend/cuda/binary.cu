// Binary table ops on CUDA (elementwise_ops.cuh); a translation unit of its
// own so a 2-core build compiles it beside unary.cu.
#include "backend/cuda/elementwise_ops.cuh"
#include "backend/cuda_api.h"

namespace tc::cuda {

void binary(BinaryOp op, const TensorIterator& it, DType dt) {
  switch (op) {
#define TC_CASE(E, name, F, rule, ...) \
  case BinaryOp::E:                    \
    return run_binary<fn::F, TC_RULE_PRED_##rule, TC_RULE_INT_##rule>(it, dt, fn::F{}, #name);
    TC_BINARY_OPS(TC_CASE)
#undef TC_CASE
  }
}

}  // namespace tc::cuda
