#pragma once
// Complex forms written as compositions of ops that have complex kernels (ops/complex.cpp): the reductions that
// are not sums of the parts (ops/reduce.cpp sends complex inputs here) and the elementwise ops without a complex
// functor (ops/elementwise.cpp). Autograd needs no formula of their own: the composed ops' gradients carry
// PyTorch's conjugate convention (Note [Complex through real views]); the grad_fn is the last composed op's.
#include <optional>

#include "backend/op_tables.h"
#include "core/tensor.h"

namespace tc::ops {

// The product over `dim` (every element when absent), by halves (Note [Complex products by halves]).
Tensor complex_prod(const Tensor& a, std::optional<int64_t> dim, bool keepdim);
// log(sum(exp(z))) with PyTorch's shift: the largest real part, 0 where that is infinite.
Tensor complex_logsumexp(const Tensor& a, const Shape& dims, bool keepdim);
// The vector p-norm of |z|: the 2-norm of the (re, im) pairs for p = 2, norm(abs(z)) otherwise.
Tensor complex_norm(const Tensor& a, double p, const Shape& dims, bool keepdim);

// Whether `op` has a composed complex form, and that form: asinh, acosh, atanh, exp2 and sinc.
bool has_complex_composite(UnaryOp op);
Tensor complex_composite(UnaryOp op, const Tensor& z);
// ldexp and logaddexp with a complex operand.
bool has_complex_composite(BinaryOp op);
Tensor complex_composite(BinaryOp op, const Tensor& a, const Tensor& b);

}  // namespace tc::ops
