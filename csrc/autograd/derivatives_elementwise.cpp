// Derivative formulas for elementwise ops (see autograd/derivatives.h).
#include <cmath>

#include "autograd/derivatives.h"
#include "ops/ops.h"

namespace tc::autograd::d {

using namespace tc::ops;

namespace {
Tensor num(double v) { return wrapped_scalar(Scalar::from_double(v)); }
Tensor U(UnaryOp op, const Tensor& t) { return unary(op, t); }
Tensor B(BinaryOp op, const Tensor& a, const Tensor& b) { return binary(op, a, b); }
}  // namespace

Grads add_backward(FormulaNode&, const Grads& g) { return {g[0], g[0]}; }
Grads sub_backward(FormulaNode& n, const Grads& g) { return {g[0], n.needs_grad(1) ? neg(g[0]) : Tensor()}; }
// rsub(b, a) = a - b with inputs recorded as (b, a).
Grads rsub_backward(FormulaNode& n, const Grads& g) { return {n.needs_grad(0) ? neg(g[0]) : Tensor(), g[0]}; }

Grads mul_backward(FormulaNode& n, const Grads& g) {
  return {n.needs_grad(0) ? ops::mul(g[0], n.saved_at(1)) : Tensor(),
          n.needs_grad(1) ? ops::mul(g[0], n.saved_at(0)) : Tensor()};
}

Grads div_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  Tensor ga = n.needs_grad(0) ? ops::div(g[0], b) : Tensor();
  Tensor gb = n.needs_grad(1) ? neg(ops::div(ops::mul(g[0], a), ops::mul(b, b))) : Tensor();
  return {ga, gb};
}

// d/da a^b = b * a^(b-1); PyTorch masks the b == 0 case to 0.
Grads pow_tensor_scalar_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  double e = is_floating(b.dtype()) ? *to_dtype(b, DType::Float64).data<double>() : double(*to_dtype(b, DType::Int64).data<int64_t>());
  if (e == 0.0) return {zeros_like(g[0]), Tensor()};
  Tensor base_pow = e == 2.0 ? a : ops::pow(a, num(e - 1.0));
  return {ops::mul(ops::mul(g[0], base_pow), num(e)), Tensor()};
}

Grads pow_tensor_tensor_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1), out = n.saved_at(2);
  Tensor ga, gb;
  if (n.needs_grad(0)) {
    Tensor r = ops::mul(ops::mul(g[0], b), ops::pow(a, ops::sub(b, num(1.0))));
    ga = where(B(BinaryOp::Eq, b, num(0.0)), zeros_like(r), r);
  }
  if (n.needs_grad(1)) {
    Tensor r = ops::mul(ops::mul(g[0], out), U(UnaryOp::Log, a));
    gb = where(B(BinaryOp::LogicalAnd, B(BinaryOp::Eq, a, num(0.0)), B(BinaryOp::Ge, b, num(0.0))), zeros_like(r), r);
  }
  return {ga, gb};
}

// out = s^b, d/db = out * log(s)
Grads pow_scalar_tensor_backward(FormulaNode& n, const Grads& g) {
  Tensor s = n.saved_at(0), out = n.saved_at(1);
  double sv = *to_dtype(s, DType::Float64).data<double>();
  if (sv == 0.0) return {Tensor(), zeros_like(g[0])};
  return {Tensor(), ops::mul(ops::mul(g[0], out), num(std::log(sv)))};
}

// Ties split the gradient evenly (PyTorch's rule for maximum/minimum).
static Grads max_min_binary(FormulaNode& n, const Grads& g, BinaryOp pick) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  Tensor half = ops::mul(g[0], num(0.5));
  Tensor zero = zeros_like(g[0]);
  Tensor eq = B(BinaryOp::Eq, a, b);
  Tensor a_wins = B(pick, a, b);
  Tensor ga = n.needs_grad(0) ? where(eq, half, where(a_wins, g[0], zero)) : Tensor();
  Tensor gb = n.needs_grad(1) ? where(eq, half, where(a_wins, zero, g[0])) : Tensor();
  return {ga, gb};
}
Grads maximum_backward(FormulaNode& n, const Grads& g) { return max_min_binary(n, g, BinaryOp::Gt); }
Grads minimum_backward(FormulaNode& n, const Grads& g) { return max_min_binary(n, g, BinaryOp::Lt); }

Grads remainder_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  Tensor gb = n.needs_grad(1) ? ops::mul(neg(g[0]), B(BinaryOp::FloorDiv, a, b)) : Tensor();
  return {g[0], gb};
}

Grads fmod_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  Tensor gb = n.needs_grad(1) ? ops::mul(neg(g[0]), B(BinaryOp::TruncDiv, a, b)) : Tensor();
  return {g[0], gb};
}

// fmax/fmin: the whole gradient goes to the operand picked (a on ties), none is
// split; a NaN operand is never picked unless both are NaN (then a is).
static Grads fmax_fmin_binary(FormulaNode& n, const Grads& g, BinaryOp a_keeps) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  Tensor a_picked = B(BinaryOp::LogicalOr, B(a_keeps, a, b), U(UnaryOp::IsNan, b));
  Tensor zero = zeros_like(g[0]);
  return {n.needs_grad(0) ? where(a_picked, g[0], zero) : Tensor(),
          n.needs_grad(1) ? where(a_picked, zero, g[0]) : Tensor()};
}
Grads fmax_backward(FormulaNode& n, const Grads& g) { return fmax_fmin_binary(n, g, BinaryOp::Ge); }
Grads fmin_backward(FormulaNode& n, const Grads& g) { return fmax_fmin_binary(n, g, BinaryOp::Le); }

Grads atan2_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  Tensor denom = ops::add(ops::mul(a, a), ops::mul(b, b));
  return {n.needs_grad(0) ? ops::div(ops::mul(g[0], b), denom) : Tensor(),
          n.needs_grad(1) ? ops::div(ops::mul(neg(g[0]), a), denom) : Tensor()};
}

Grads neg_backward(FormulaNode&, const Grads& g) { return {ops::neg(g[0])}; }
Grads abs_backward(FormulaNode& n, const Grads& g) { return {ops::mul(g[0], U(UnaryOp::Sign, n.saved_at(0)))}; }
Grads exp_backward(FormulaNode& n, const Grads& g) { return {ops::mul(g[0], n.saved_at(0))}; }
Grads exp2_backward(FormulaNode& n, const Grads& g) { return {ops::mul(ops::mul(g[0], n.saved_at(0)), num(std::log(2.0)))}; }
Grads expm1_backward(FormulaNode& n, const Grads& g) { return {ops::mul(g[0], ops::add(n.saved_at(0), num(1.0)))}; }
Grads log_backward(FormulaNode& n, const Grads& g) { return {ops::div(g[0], n.saved_at(0))}; }
Grads log2_backward(FormulaNode& n, const Grads& g) { return {ops::div(g[0], ops::mul(n.saved_at(0), num(std::log(2.0))))}; }
Grads log10_backward(FormulaNode& n, const Grads& g) { return {ops::div(g[0], ops::mul(n.saved_at(0), num(std::log(10.0))))}; }
Grads log1p_backward(FormulaNode& n, const Grads& g) { return {ops::div(g[0], ops::add(n.saved_at(0), num(1.0)))}; }
Grads sqrt_backward(FormulaNode& n, const Grads& g) { return {ops::div(g[0], ops::mul(n.saved_at(0), num(2.0)))}; }
Grads rsqrt_backward(FormulaNode& n, const Grads& g) {
  Tensor r = n.saved_at(0);  // d/dx x^-1/2 = -1/2 r^3
  return {ops::mul(ops::mul(g[0], ops::mul(r, ops::mul(r, r))), num(-0.5))};
}
Grads sin_backward(FormulaNode& n, const Grads& g) { return {ops::mul(g[0], U(UnaryOp::Cos, n.saved_at(0)))}; }
Grads cos_backward(FormulaNode& n, const Grads& g) { return {ops::mul(g[0], ops::neg(U(UnaryOp::Sin, n.saved_at(0))))}; }
Grads tan_backward(FormulaNode& n, const Grads& g) {
  Tensor t = n.saved_at(0);
  return {ops::mul(g[0], ops::add(ops::mul(t, t), num(1.0)))};
}
Grads asin_backward(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0);
  return {ops::mul(g[0], U(UnaryOp::Rsqrt, ops::sub(num(1.0), ops::mul(x, x))))};
}
Grads acos_backward(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0);
  return {ops::neg(ops::mul(g[0], U(UnaryOp::Rsqrt, ops::sub(num(1.0), ops::mul(x, x)))))};
}
Grads atan_backward(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0);
  return {ops::div(g[0], ops::add(ops::mul(x, x), num(1.0)))};
}
Grads sinh_backward(FormulaNode& n, const Grads& g) { return {ops::mul(g[0], U(UnaryOp::Cosh, n.saved_at(0)))}; }
Grads cosh_backward(FormulaNode& n, const Grads& g) { return {ops::mul(g[0], U(UnaryOp::Sinh, n.saved_at(0)))}; }
Grads tanh_backward(FormulaNode& n, const Grads& g) {
  Tensor y = n.saved_at(0);
  return {ops::mul(g[0], ops::sub(num(1.0), ops::mul(y, y)))};
}
Grads sigmoid_backward(FormulaNode& n, const Grads& g) {
  Tensor y = n.saved_at(0);
  return {ops::mul(g[0], ops::mul(y, ops::sub(num(1.0), y)))};
}
Grads erf_backward(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0);
  return {ops::mul(ops::mul(g[0], U(UnaryOp::Exp, ops::neg(ops::mul(x, x)))), num(2.0 / std::sqrt(M_PI)))};
}
Grads relu_backward(FormulaNode& n, const Grads& g) {
  Tensor y = n.saved_at(0);
  return {where(B(BinaryOp::Gt, y, num(0.0)), g[0], zeros_like(g[0]))};
}
// Zero for every input that needs a gradient (rounding ops, div with a rounding mode).
Grads zero_grad_backward(FormulaNode& n, const Grads& g) {
  Grads out(n.next_edges.size());
  for (size_t i = 0; i < out.size(); ++i)
    if (n.needs_grad(i)) out[i] = zeros_like(g[0]);
  return out;
}
Grads reciprocal_backward(FormulaNode& n, const Grads& g) {
  Tensor y = n.saved_at(0);
  return {ops::neg(ops::mul(g[0], ops::mul(y, y)))};
}
Grads square_backward(FormulaNode& n, const Grads& g) { return {ops::mul(ops::mul(g[0], n.saved_at(0)), num(2.0))}; }

Grads where_backward(FormulaNode& n, const Grads& g) {
  Tensor c = n.saved_at(0);
  Tensor z = zeros_like(g[0]);
  return {n.needs_grad(0) ? ops::where(c, g[0], z) : Tensor(), n.needs_grad(1) ? ops::where(c, z, g[0]) : Tensor()};
}

Grads clamp_backward(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0);
  double lo = n.reals[0], hi = n.reals[1];
  Tensor in_range = B(BinaryOp::LogicalAnd, B(BinaryOp::Ge, x, num(lo)), B(BinaryOp::Le, x, num(hi)));
  return {ops::where(in_range, g[0], zeros_like(g[0]))};
}

Grads clamp_tensor_backward(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0), lo = n.saved_at(1), hi = n.saved_at(2);
  Tensor z = zeros_like(g[0]);
  Tensor ok_lo = lo.defined() ? B(BinaryOp::Ge, x, lo) : Tensor();
  Tensor ok_hi = hi.defined() ? B(BinaryOp::Le, x, hi) : Tensor();
  Tensor in_range = ok_lo.defined() && ok_hi.defined() ? B(BinaryOp::LogicalAnd, ok_lo, ok_hi)
                    : ok_lo.defined() ? ok_lo : ok_hi;
  Tensor gx = ops::where(in_range, g[0], z);
  // PyTorch's rule when min > max: the result is max, so the gradient goes to max.
  Tensor glo, ghi;
  if (lo.defined() && n.needs_grad(1)) {
    Tensor pick = B(BinaryOp::Lt, x, lo);
    if (hi.defined()) pick = B(BinaryOp::LogicalAnd, pick, B(BinaryOp::Lt, lo, hi));
    glo = ops::where(pick, g[0], z);
  }
  if (hi.defined() && n.needs_grad(2)) {
    Tensor pick = B(BinaryOp::Gt, x, hi);
    if (lo.defined()) pick = B(BinaryOp::LogicalOr, pick, B(BinaryOp::Lt, hi, lo));
    ghi = ops::where(pick, g[0], z);
  }
  return {gx, glo, ghi};
}

Grads to_copy_backward(FormulaNode&, const Grads& g) { return {g[0]}; }  // engine casts back
Grads clone_backward(FormulaNode&, const Grads& g) { return {g[0]}; }

Grads lerp_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1), w = n.saved_at(2);
  return {n.needs_grad(0) ? ops::mul(g[0], ops::sub(num(1.0), w)) : Tensor(),
          n.needs_grad(1) ? ops::mul(g[0], w) : Tensor(),
          n.needs_grad(2) ? ops::mul(g[0], ops::sub(b, a)) : Tensor()};
}

Grads masked_fill_backward(FormulaNode& n, const Grads& g) {
  Tensor m = n.saved_at(0);
  return {ops::where(m, zeros_like(g[0]), g[0])};
}

}  // namespace tc::autograd::d
