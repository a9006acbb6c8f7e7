// Derivative formulas for reductions and normalisations (see autograd/derivatives.h).
#include <cmath>

#include "autograd/derivatives.h"
#include "ops/ops.h"

namespace tc::autograd::d {

using namespace tc::ops;

namespace {
Tensor num(double v) { return wrapped_scalar(Scalar::from_double(v)); }
Tensor B(BinaryOp op, const Tensor& a, const Tensor& b) { return binary(op, a, b); }

// Node layout for reductions: shapes[0] = input shape, shapes[1] = reduced
// dims (wrapped, empty = all), ints[0] = keepdim.
// Re-inserts reduced dims so `t` broadcasts against the input.
Tensor unsqueeze_reduced(const Tensor& t, const FormulaNode& n) {
  const Shape& in = n.shapes[0];
  const Shape& dims = n.shapes[1];
  bool keepdim = n.ints[0] != 0;
  if (keepdim || in.empty()) return t;
  if (dims.empty()) return reshape(t, Shape(in.size(), 1));
  Shape sorted = dims;
  std::sort(sorted.begin(), sorted.end());
  Tensor r = t;
  for (int64_t dd : sorted) r = unsqueeze(r, dd);
  return r;
}
int64_t reduced_count(const FormulaNode& n) {
  const Shape& in = n.shapes[0];
  if (n.shapes[1].empty()) return shape_numel(in);
  int64_t c = 1;
  for (int64_t dd : n.shapes[1]) c *= in[dd];
  return c;
}
}  // namespace

Grads sum_backward(FormulaNode& n, const Grads& g) { return {expand(unsqueeze_reduced(g[0], n), n.shapes[0])}; }

Grads mean_backward(FormulaNode& n, const Grads& g) {
  return {ops::div(expand(unsqueeze_reduced(g[0], n), n.shapes[0]), num(double(reduced_count(n))))};
}

Grads prod_backward(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0), out = unsqueeze_reduced(n.saved_at(1), n);
  Tensor gg = unsqueeze_reduced(g[0], n);
  std::optional<int64_t> dim;
  if (!n.shapes[1].empty()) dim = n.shapes[1][0];
  Tensor is_zero = B(BinaryOp::Eq, x, num(0.0));
  Tensor one = ones_like(x);
  Tensor nz_prod = ops::prod(ops::where(is_zero, one, x), dim, true);
  Tensor zero_count = sum(to_dtype(is_zero, DType::Int64), dim ? Shape{*dim} : Shape{}, true);
  if (!dim) { nz_prod = reshape(nz_prod, Shape(x.dim(), 1)); zero_count = reshape(zero_count, Shape(x.dim(), 1)); }
  Tensor others = ops::where(is_zero, ops::where(B(BinaryOp::Eq, zero_count, num(1.0)), nz_prod, zeros_like(nz_prod)),
                             ops::div(out, x));
  return {ops::mul(gg, others)};
}

// Gradient split evenly between elements equal to the extreme value.
Grads amax_amin_backward(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0), out = unsqueeze_reduced(n.saved_at(1), n);
  Tensor mask = to_dtype(B(BinaryOp::Eq, x, out), g[0].dtype());
  Tensor count = sum(mask, n.shapes[1].empty() ? Shape{} : n.shapes[1], true);
  if (n.shapes[1].empty()) count = reshape(count, Shape(x.dim(), 1));
  return {ops::div(ops::mul(unsqueeze_reduced(g[0], n), mask), count)};
}

Grads max_min_all_backward(FormulaNode& n, const Grads& g) { return amax_amin_backward(n, g); }

// max/min along a dim: the gradient goes to the selected index.
Grads max_min_dim_backward(FormulaNode& n, const Grads& g) {
  Tensor idx = n.saved_at(0);
  int64_t dim = n.shapes[1][0];
  Tensor gv = g[0].defined() ? g[0] : zeros(idx.sizes(), n.input_meta[0].dtype);
  if (n.shapes[0].empty()) return {reshape(gv, {})};  // 0-dim input: the value is the input
  if (!n.ints[0]) { gv = unsqueeze(gv, dim); idx = unsqueeze(idx, dim); }
  return {scatter_add(zeros(n.shapes[0], gv.dtype()), dim, idx, gv)};
}

Grads var_backward(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0);
  double corr = n.reals[0];
  Shape dims = n.shapes[1];
  Tensor m = ops::mean(x, dims, true);
  double denom = std::max(0.0, double(reduced_count(n)) - corr);
  return {ops::mul(unsqueeze_reduced(g[0], n), ops::mul(ops::sub(x, m), num(2.0 / denom)))};
}

Grads std_backward(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0), out = unsqueeze_reduced(n.saved_at(1), n);
  double corr = n.reals[0];
  Tensor m = ops::mean(x, n.shapes[1], true);
  double denom = std::max(0.0, double(reduced_count(n)) - corr);
  Tensor r = ops::div(ops::mul(unsqueeze_reduced(g[0], n), ops::sub(x, m)), ops::mul(out, num(denom)));
  return {r};
}

// Without create_graph, one fused kernel (ops::softmax_backward_data); with
// it, the same formula through differentiable ops.
Grads softmax_backward(FormulaNode& n, const Grads& g) {
  Tensor y = n.saved_at(0);
  int64_t dim = n.ints[0];
  if (!autograd::grad_enabled()) return {ops::softmax_backward_data(g[0], y, dim, false)};
  Tensor gy = ops::mul(g[0], y);
  return {ops::sub(gy, ops::mul(y, sum(gy, {dim}, true)))};
}

Grads log_softmax_backward(FormulaNode& n, const Grads& g) {
  Tensor y = n.saved_at(0);
  int64_t dim = n.ints[0];
  if (!autograd::grad_enabled()) return {ops::softmax_backward_data(g[0], y, dim, true)};
  return {ops::sub(g[0], ops::mul(unary(UnaryOp::Exp, y), sum(g[0], {dim}, true)))};
}

Grads logsumexp_backward(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0), out = unsqueeze_reduced(n.saved_at(1), n);
  return {ops::mul(unsqueeze_reduced(g[0], n), unary(UnaryOp::Exp, ops::sub(x, out)))};
}

Grads cumsum_backward(FormulaNode& n, const Grads& g) {
  int64_t dim = n.ints[0];
  // reverse cumulative sum: total - cumsum + g
  return {ops::add(ops::sub(sum(g[0], {dim}, true), ops::cumsum(g[0], dim)), g[0])};
}

Grads norm_backward(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0), out = unsqueeze_reduced(n.saved_at(1), n);
  double p = n.reals[0];
  Tensor gg = unsqueeze_reduced(g[0], n);
  Tensor safe = ops::where(B(BinaryOp::Eq, out, num(0.0)), ones_like(out), out);
  Tensor r;
  if (std::isinf(p)) {
    // The gradient is split between the entries whose |x| attains the norm.
    Tensor mask = to_dtype(B(BinaryOp::Eq, unary(UnaryOp::Abs, x), out), x.dtype());
    Tensor count = sum(mask, n.shapes[1], true);
    if (n.shapes[1].empty()) count = reshape(count, Shape(x.dim(), 1));
    return {ops::div(ops::mul(ops::mul(gg, unary(UnaryOp::Sign, x)), mask), count)};
  } else if (p == 0.0) {
    return {zeros_like(x)};
  } else if (p == 2.0) {
    r = ops::div(ops::mul(gg, x), safe);
  } else if (p == 1.0) {
    r = ops::mul(gg, unary(UnaryOp::Sign, x));
  } else {
    Tensor ax = unary(UnaryOp::Abs, x);
    r = ops::div(ops::mul(ops::mul(gg, unary(UnaryOp::Sign, x)), ops::pow(ax, num(p - 1.0))),
                 ops::pow(safe, num(p - 1.0)));
  }
  return {ops::where(B(BinaryOp::Eq, out, num(0.0)), zeros_like(r), r)};
}

// sort/topk: values' gradient scattered back to the source positions.
Grads sort_topk_backward(FormulaNode& n, const Grads& g) {
  Tensor idx = n.saved_at(0);
  int64_t dim = n.ints[0];
  Tensor gv = g[0].defined() ? g[0] : zeros(idx.sizes(), n.input_meta[0].dtype);
  if (n.shapes[0].empty()) return {reshape(gv, {})};
  return {scatter_add(zeros(n.shapes[0], gv.dtype()), dim, idx, gv)};
}

}  // namespace tc::autograd::d
