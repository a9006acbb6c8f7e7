#pragma once
// Elementwise kernels over a TensorIterator: binary and unary functors (the
// tables in op_tables.h), where and clamp. Ops build the iterator (operands
// already in the compute dtype) and call these; the CPU versions pick the best
// compiled instruction set at runtime (see cpu/dispatch.cpp).
#include "backend/op_tables.h"
#include "core/iterator.h"

namespace tc::kernels {

// Operands: (out, a, b); a and b have dtype `compute`.
void binary(BinaryOp op, const TensorIterator& it, DType compute);
// Operands: (out, a); a has dtype `compute`.
void unary(UnaryOp op, const TensorIterator& it, DType compute);
// Operands: (out, cond(bool), a, b); a, b and out have dtype `dt`.
void where(const TensorIterator& it, DType dt);
// Operands: (out, a); clamps into [lo, hi] (either may be absent).
void clamp(const TensorIterator& it, DType dt, bool has_lo, double lo, bool has_hi, double hi);
// Operands: (out, start, end, weight), all of dtype `compute` (float32 or
// float64): PyTorch's fused lerp (Note [lerp rounds once] in cpu/unary_impl.h).
void lerp(const TensorIterator& it, DType compute);
// Operands: (out, a, b) of dtype `compute` (float32 or float64): out = a + alpha * b in one fused
// multiply-add, as ATen's add with alpha.
void add_scaled(const TensorIterator& it, DType compute, double alpha);

// Name of the instruction set chosen at runtime ("avx512", "avx2", "generic").
const char* cpu_capability();

}  // namespace tc::kernels
