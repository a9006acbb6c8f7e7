#pragma once
// Operators and named ops for writing derivative formulas as math:
// `grad * other / (self * self + other * other)` instead of nested
// ops::div(ops::mul(...)). Every operator is a recorded public op, so the
// formulas are themselves differentiable (create_graph=True).
//
// Numbers enter as Python-number ("wrapped") scalars, so they never change the
// dtype of the tensor they meet: `grad / 2` stays float32 for float32 grad.
// Only formulas include this header (autograd/derivatives_*.cpp).
#include "ops/ops.h"

namespace tc::autograd::math {

inline Tensor num(double v) { return ops::wrapped_scalar(Scalar::from_double(v)); }
inline bool wrapped(const Tensor& t) { return t.defined() && ops::is_wrapped_number(t); }

#define TC_FORMULA_BINARY(op, E)                                                                         \
  inline Tensor operator op(const Tensor& a, const Tensor& b) { return ops::binary(BinaryOp::E, a, b); } \
  inline Tensor operator op(const Tensor& a, double b) { return ops::binary(BinaryOp::E, a, num(b)); }   \
  inline Tensor operator op(double a, const Tensor& b) { return ops::binary(BinaryOp::E, num(a), b); }
TC_FORMULA_BINARY(+, Add)
TC_FORMULA_BINARY(-, Sub)
TC_FORMULA_BINARY(*, Mul)
TC_FORMULA_BINARY(/, Div)
TC_FORMULA_BINARY(==, Eq)
TC_FORMULA_BINARY(!=, Ne)
TC_FORMULA_BINARY(<, Lt)
TC_FORMULA_BINARY(<=, Le)
TC_FORMULA_BINARY(>, Gt)
TC_FORMULA_BINARY(>=, Ge)
// On bool masks: `&` is logical and, `|` logical or.
TC_FORMULA_BINARY(&, LogicalAnd)
TC_FORMULA_BINARY(|, LogicalOr)
#undef TC_FORMULA_BINARY

inline Tensor operator-(const Tensor& a) { return ops::unary(UnaryOp::Neg, a); }

// Named unary ops: exp(x), log(x), sqrt(x), ... (every row of TC_UNARY_OPS).
#define TC_FORMULA_UNARY(E, name, ...) \
  inline Tensor name(const Tensor& a) { return ops::unary(UnaryOp::E, a); }
TC_UNARY_OPS(TC_FORMULA_UNARY)
#undef TC_FORMULA_UNARY
// Named binary ops: pow(a, b), floor_divide(a, b), xlogy(a, b), ...
#define TC_FORMULA_BINARY_FN(E, name, ...)                                                        \
  inline Tensor name(const Tensor& a, const Tensor& b) { return ops::binary(BinaryOp::E, a, b); } \
  inline Tensor name(const Tensor& a, double b) { return ops::binary(BinaryOp::E, a, num(b)); }   \
  inline Tensor name(double a, const Tensor& b) { return ops::binary(BinaryOp::E, num(a), b); }
TC_BINARY_OPS(TC_FORMULA_BINARY_FN)
#undef TC_FORMULA_BINARY_FN
inline Tensor trunc_divide(const Tensor& a, const Tensor& b) { return ops::binary(BinaryOp::TruncDiv, a, b); }

inline Tensor zeros_like(const Tensor& t) { return ops::zeros_like(t); }

// Note [Rounded as PyTorch]
// tanh's and sigmoid's gradients are single kernels in PyTorch whose rounding
// programs can see (nn-zero-to-hero's manual backprop compares its own
// (1 - h**2) * dh with autograd's bit for bit and prints the verdict). Sigmoid's
// table row spells PyTorch's order, (grad * (1 - y)) * y. Tanh's rounds 1 - y*y
// once (a fused multiply-add) before the product, which no composition of
// table ops does: tanh_backward runs that as one kernel for float32/float64
// tensors of one shape outside a double backward, and as the differentiable
// composite grad * (1 - y*y) otherwise (complex, broadcast, create_graph).
Tensor tanh_backward(const Tensor& grad, const Tensor& result);
inline Tensor where(const Tensor& c, const Tensor& a, const Tensor& b) { return ops::where(c, a, b); }
inline Tensor where(const Tensor& c, double a, const Tensor& b) { return ops::where(c, num(a), b); }
inline Tensor where(const Tensor& c, const Tensor& a, double b) { return ops::where(c, a, num(b)); }

}  // namespace tc::autograd::math
