// Derivative formulas for reductions and normalisations (see autograd/derivatives.h).
#include <cmath>

#include "autograd/derivatives.h"
#include "autograd/node_attrs.h"
#include "ops/ops.h"

namespace tc::autograd::d {

using namespace tc::ops;

namespace {
Tensor num(double v) { return wrapped_scalar(Scalar::from_double(v)); }
Tensor B(BinaryOp op, const Tensor& a, const Tensor& b) { return binary(op, a, b); }

// Re-inserts reduced dims so `t` broadcasts against the input.
Tensor unsqueeze_reduced(const Tensor& t, const attrs::Reduction& r) {
  const Shape& in = r.input_shape;
  const Shape& dims = r.dims;
  if (r.keepdim || in.empty()) return t;
  if (dims.empty()) return reshape(t, Shape(in.size(), 1));
  Shape sorted = dims;
  std::sort(sorted.begin(), sorted.end());
  Tensor out = t;
  for (int64_t dd : sorted) out = unsqueeze(out, dd);
  return out;
}
int64_t reduced_count(const attrs::Reduction& r) {
  const Shape& in = r.input_shape;
  if (r.dims.empty()) return shape_numel(in);
  int64_t c = 1;
  for (int64_t dd : r.dims) c *= in[dd];
  return c;
}
}  // namespace

Grads sum_backward(FormulaNode& n, const Grads& g) {
  const auto& r = n.attrs_as<attrs::Reduction>();
  return {expand(unsqueeze_reduced(g[0], r), r.input_shape)};
}

Grads mean_backward(FormulaNode& n, const Grads& g) {
  const auto& r = n.attrs_as<attrs::Reduction>();
  return {ops::div(expand(unsqueeze_reduced(g[0], r), r.input_shape), num(double(reduced_count(r))))};
}

Grads prod_backward(FormulaNode& n, const Grads& g) {
  const auto& r = n.attrs_as<attrs::Reduction>();
  Tensor x = n.saved_at(0), out = unsqueeze_reduced(n.saved_at(1), r);
  Tensor gg = unsqueeze_reduced(g[0], r);
  // prod reduces one dim or all of them, and a full reduction records every
  // dim of its input: one recorded dim is a dim reduction (for a 1-d input the
  // two readings agree). Reading dims[0] alone gave a full prod of an N-d
  // input with one zero the gradient of a prod over dim 0.
  std::optional<int64_t> dim;
  if (r.dims.size() == 1) dim = r.dims[0];
  Tensor is_zero = B(BinaryOp::Eq, x, num(0.0));
  Tensor one = ones_like(x);
  Tensor nz_prod = ops::prod(ops::where(is_zero, one, x), dim, true);
  Tensor zero_count = sum(to_dtype(is_zero, DType::Int64), dim ? Shape{*dim} : Shape{}, true);
  if (!dim) {
    nz_prod = reshape(nz_prod, Shape(x.dim(), 1));
    zero_count = reshape(zero_count, Shape(x.dim(), 1));
  }
  Tensor others = ops::where(is_zero, ops::where(B(BinaryOp::Eq, zero_count, num(1.0)), nz_prod, zeros_like(nz_prod)),
                             ops::div(out, x));
  return {ops::mul(gg, others)};
}

// Gradient split evenly between elements equal to the extreme value.
Grads amax_amin_backward(FormulaNode& n, const Grads& g) {
  const auto& r = n.attrs_as<attrs::Reduction>();
  Tensor x = n.saved_at(0), out = unsqueeze_reduced(n.saved_at(1), r);
  Tensor mask = to_dtype(B(BinaryOp::Eq, x, out), g[0].dtype());
  Tensor count = sum(mask, r.dims, true);
  if (r.dims.empty()) count = reshape(count, Shape(x.dim(), 1));
  return {ops::div(ops::mul(unsqueeze_reduced(g[0], r), mask), count)};
}

Grads max_min_all_backward(FormulaNode& n, const Grads& g) { return amax_amin_backward(n, g); }

// max/min along a dim: the gradient goes to the selected index.
Grads max_min_dim_backward(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<attrs::MaxMinDim>();
  Tensor idx = n.saved_at(0);
  Tensor gv = g[0].defined() ? g[0] : zeros(idx.sizes(), n.input_meta[0].dtype);
  if (a.input_shape.empty()) return {reshape(gv, {})};  // 0-dim input: the value is the input
  if (!a.keepdim) {
    gv = unsqueeze(gv, a.dim);
    idx = unsqueeze(idx, a.dim);
  }
  return {scatter_add(zeros(a.input_shape, gv.dtype()), a.dim, idx, gv)};
}

Grads var_backward(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<attrs::VarStd>();
  Tensor x = n.saved_at(0);
  Tensor m = ops::mean(x, a.red.dims, true);
  double denom = std::max(0.0, double(reduced_count(a.red)) - a.correction);
  return {ops::mul(unsqueeze_reduced(g[0], a.red), ops::mul(ops::sub(x, m), num(2.0 / denom)))};
}

Grads std_backward(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<attrs::VarStd>();
  Tensor x = n.saved_at(0), out = unsqueeze_reduced(n.saved_at(1), a.red);
  Tensor m = ops::mean(x, a.red.dims, true);
  double denom = std::max(0.0, double(reduced_count(a.red)) - a.correction);
  Tensor r = ops::div(ops::mul(unsqueeze_reduced(g[0], a.red), ops::sub(x, m)), ops::mul(out, num(denom)));
  return {r};
}

// Without create_graph, one fused kernel (ops::softmax_backward_data); with
// it, the same formula through differentiable ops.
Grads softmax_backward(FormulaNode& n, const Grads& g) {
  Tensor y = n.saved_at(0);
  int64_t dim = n.attrs_as<attrs::Dim>().dim;
  if (!autograd::grad_enabled()) return {ops::softmax_backward_data(g[0], y, dim, false)};
  Tensor gy = ops::mul(g[0], y);
  return {ops::sub(gy, ops::mul(y, sum(gy, {dim}, true)))};
}

Grads log_softmax_backward(FormulaNode& n, const Grads& g) {
  Tensor y = n.saved_at(0);
  int64_t dim = n.attrs_as<attrs::Dim>().dim;
  if (!autograd::grad_enabled()) return {ops::softmax_backward_data(g[0], y, dim, true)};
  return {ops::sub(g[0], ops::mul(unary(UnaryOp::Exp, y), sum(g[0], {dim}, true)))};
}

Grads logsumexp_backward(FormulaNode& n, const Grads& g) {
  const auto& r = n.attrs_as<attrs::Reduction>();
  Tensor x = n.saved_at(0), out = unsqueeze_reduced(n.saved_at(1), r);
  return {ops::mul(unsqueeze_reduced(g[0], r), unary(UnaryOp::Exp, ops::sub(x, out)))};
}

Grads cumsum_backward(FormulaNode& n, const Grads& g) {
  int64_t dim = n.attrs_as<attrs::Dim>().dim;
  // reverse cumulative sum: total - cumsum + g
  return {ops::add(ops::sub(sum(g[0], {dim}, true), ops::cumsum(g[0], dim)), g[0])};
}

// Note [cumprod's gradient]
// y_k = x_0 ... x_k along dim; dL/dx_i = sum_{k >= i} g_k prod_{j <= k, j != i} x_j. As PyTorch's
// cumprod_backward, three forms with the same values:
//  - no zero in x: reversed_cumsum(g y) / x, reversed_cumsum as flip(cumsum(flip)) (PyTorch's bits);
//  - zeros, first order only: before a line's first zero z the same; at z, y_{z-1} times
//    sum_{k >= z} g_k prod_{z < j <= k} x_j; after z, 0;
//  - zeros under create_graph: every x_i's omitted products spelled out, O(n^2), so the second
//    derivative through a zero (which the masked form does not carry) is right too.
Grads cumprod_backward(FormulaNode& n, const Grads& g) {
  const int64_t dim = n.attrs_as<attrs::Dim>().dim;
  const Tensor x = n.saved_at(0), y = n.saved_at(1), gy = g[0];
  const int64_t len = x.dim() ? x.size(dim) : 1;
  if (x.numel() <= 1 || len == 1) return {gy};
  auto reversed_cumsum = [&](const Tensor& v) { return ops::flip(ops::cumsum(ops::flip(v, {dim}), dim), {dim}); };
  const Tensor is_zero = B(BinaryOp::Eq, x, num(0.0));
  bool has_zero;
  {
    autograd::NoGradGuard ng;
    has_zero = *ops::contiguous(ops::to_dtype(ops::any(is_zero, {}, false), DType::Bool)).data<bool>();
  }
  if (!has_zero) return {B(BinaryOp::Div, reversed_cumsum(B(BinaryOp::Mul, y, gy)), x)};
  if (!autograd::grad_enabled()) {
    const Tensor zeros_so_far = ops::cumsum(is_zero, dim);  // (int64) zeros at or before each position
    const Tensor before_zero = B(BinaryOp::Eq, zeros_so_far, num(0.0));
    const Tensor safe_x = ops::where(is_zero, ones_like(x), x);
    Tensor grad =
        ops::where(before_zero, B(BinaryOp::Div, reversed_cumsum(B(BinaryOp::Mul, y, gy)), safe_x), zeros_like(x));
    const Tensor first_zero = B(BinaryOp::LogicalAnd, is_zero, B(BinaryOp::Eq, zeros_so_far, num(1.0)));
    const Tensor from_zero = unary(UnaryOp::LogicalNot, before_zero);
    const Tensor prefix = ops::cumprod(ops::where(before_zero, x, ones_like(x)), dim);  // at z: y_{z-1}
    const Tensor after =
        ops::cumprod(ops::where(from_zero, ops::where(first_zero, ones_like(x), x), ones_like(x)), dim);
    const Tensor tail = sum(ops::where(from_zero, B(BinaryOp::Mul, gy, after), zeros_like(x)), {dim}, true);
    return {ops::where(first_zero, B(BinaryOp::Mul, prefix, tail), grad)};
  }
  // create_graph with zeros: grad_k = sum_{i >= k} g_i prod_{j <= i, j != k} x_j, each k spelled out.
  std::vector<Tensor> cols;
  for (int64_t k = 0; k < len; ++k) {
    Tensor omitted;  // prod_{j <= i, j != k} x_j for i = k .. len-1
    if (k == len - 1) {
      omitted = ops::prod(ops::narrow(x, dim, 0, k), dim, true);
    } else {
      const Tensor from_k1 = ops::cumprod(ops::narrow(x, dim, k + 1, len - k - 1), dim);
      if (k == 0) {
        omitted = ops::cat({ones_like(ops::narrow(x, dim, 0, 1)), from_k1}, dim);
      } else {
        const Tensor until_k = ops::prod(ops::narrow(x, dim, 0, k), dim, true);
        omitted = ops::cat({until_k, B(BinaryOp::Mul, until_k, from_k1)}, dim);
      }
    }
    cols.push_back(sum(B(BinaryOp::Mul, ops::narrow(gy, dim, k, len - k), omitted), {dim}, false));
  }
  return {ops::stack(cols, dim)};
}

Grads norm_backward(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<attrs::Norm>();
  Tensor x = n.saved_at(0), out = unsqueeze_reduced(n.saved_at(1), a.red);
  const double p = a.p;
  Tensor gg = unsqueeze_reduced(g[0], a.red);
  Tensor safe = ops::where(B(BinaryOp::Eq, out, num(0.0)), ones_like(out), out);
  Tensor r;
  if (std::isinf(p)) {
    // The gradient is split between the entries whose |x| attains the norm.
    Tensor mask = to_dtype(B(BinaryOp::Eq, unary(UnaryOp::Abs, x), out), x.dtype());
    Tensor count = sum(mask, a.red.dims, true);
    if (a.red.dims.empty()) count = reshape(count, Shape(x.dim(), 1));
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
  const auto& a = n.attrs_as<attrs::DimInput>();
  Tensor idx = n.saved_at(0);
  Tensor gv = g[0].defined() ? g[0] : zeros(idx.sizes(), n.input_meta[0].dtype);
  if (a.input_shape.empty()) return {reshape(gv, {})};
  return {scatter_add(zeros(a.input_shape, gv.dtype()), a.dim, idx, gv)};
}

}  // namespace tc::autograd::d
