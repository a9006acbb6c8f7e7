// Fused nn.functional ops (see ops/nn_ops.h): GELU, layer_norm,
// mse_loss, binary_cross_entropy(_with_logits) and embedding with
// padding_idx. Their loops are backend kernels (backend/kernels_nn.h); this
// file checks, makes operands contiguous, records and calls them. The
// derivative formulas live next to the ops (they are specific to them): a
// backward without create_graph calls the fused backward kernel, and with it
// the same formula written with public ops, so gradients of gradients work.
#include <cmath>

#include "autograd/function.h"
#include "backend/kernels.h"
#include "core/error.h"
#include "core/shape_util.h"
#include "ops/device_kernels.h"
#include "ops/dtype_ops.h"
#include "ops/nn_ops.h"
#include "ops/overlap.h"

namespace tc::ops {

using autograd::FormulaNode;
using autograd::record;
using Grads = std::vector<Tensor>;

namespace {

void check_float(const Tensor& t, const char* op, const char* what) {
  TC_CHECK(is_floating(t.dtype()), "[", op, "] expected a floating point ", what, ", got ", dtype_name(t.dtype()));
}

void check_same(const Tensor& a, const Tensor& b, const char* op, const char* what) {
  TC_CHECK(a.sizes() == b.sizes(), "[", op, "] ", what, " of shape ", shape_str(b.sizes()),
           " does not match input of shape ", shape_str(a.sizes()));
  TC_CHECK(a.dtype() == b.dtype(), "[", op, "] expected ", what, " of dtype ", dtype_name(a.dtype()), " but found ",
           dtype_name(b.dtype()));
}

// A contiguous tensor with `t`'s values (no copy when already contiguous).
Tensor contig(const Tensor& t) {
  autograd::NoGradGuard ng;
  return contiguous(t);
}

// grad as a contiguous tensor of x's shape and dtype (a gradient may arrive
// expanded, e.g. from sum()).
Tensor contig_grad(const Tensor& grad, const Tensor& x) {
  autograd::NoGradGuard ng;
  Tensor g = grad.sizes() == x.sizes() ? grad : expand(grad, x.sizes());
  return contiguous(to_dtype(g, x.dtype()));
}

// grad * act'(x) through the fused kernel; not differentiable itself.
Tensor activation_backward_kernel(kernels::Activation act, const Tensor& grad, const Tensor& x) {
  autograd::NoGradGuard ng;
  const DType kc = compute_dtype(x.dtype());  // a storage dtype computes in float32, rounded once
  Tensor gc = to_dtype(contig_grad(grad, x), kc), xc = contiguous(to_dtype(x, kc));
  Tensor out = empty(x.sizes(), kc, x.device());
  if (x.numel() > 0) activation_backward(act, kc, gc, xc, out, kernels::ActivationParams{}, false);
  return kc == x.dtype() ? out : to_dtype(out, x.dtype());
}

kernels::Activation gelu_kind(int approximate) {
  return approximate == 0 ? kernels::Activation::Gelu : kernels::Activation::GeluTanh;
}

Tensor reduce_loss(const Tensor& per, int reduction) {
  autograd::NoGradGuard ng;
  if (reduction == kReduceNone) return per;
  if (reduction == kReduceSum) return sum(per, {}, false);
  return mean(per, {}, false);
}

Tensor scalar_like(double v, const Tensor& like) { return scalar_tensor(Scalar::from_double(v), like.dtype()); }

// The gradient of a reduced loss for each element: g (0-dim) times 1/numel
// for mean, or g itself (elementwise) for reduction='none'.
Tensor loss_grad_scale(const Tensor& g, int reduction, int64_t numel) {
  if (reduction == kReduceMean) return div(g, scalar_like(static_cast<double>(numel), g));
  return g;
}

// ---- node payloads (Note [Typed node payloads] in autograd/function.h) ----

// gelu (saved: x), gelu_backward (saved: grad, x): 0 = exact (erf), 1 = tanh.
struct GeluAttrs {
  int approximate = 0;
};

// native_layer_norm (saved: x, the weight (may be undefined), mean, rstd).
struct LayerNormAttrs {
  Shape input_shape;
  Shape normalized_shape;
  double eps = 1e-5;
};

// mse_loss (saved: input, target), binary_cross_entropy (saved: input,
// target, weight (may be undefined)), binary_cross_entropy_with_logits
// (saved: input, target, weight, pos_weight (each may be undefined)).
struct LossAttrs {
  int reduction = kReduceMean;
};

// embedding_ex (EmbeddingBackward0; saved: the indices as int64).
struct EmbeddingAttrs {
  Shape weight_shape;
  int64_t padding_idx = -1;
  bool scale_grad_by_freq = false;
};

// ---- derivative formulas ----

Grads gelu_formula(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0);
  const int approximate = n.attrs_as<GeluAttrs>().approximate;
  if (!autograd::grad_enabled()) return {gelu_backward(g[0], x, approximate)};
  // create_graph: the same formula with differentiable ops.
  if (approximate == 0) {
    Tensor cdf = mul_scalar(add_scalar(unary(UnaryOp::Erf, mul_scalar(x, M_SQRT1_2)), 1.0), 0.5);
    Tensor pdf = mul_scalar(unary(UnaryOp::Exp, mul_scalar(mul(x, x), -0.5)), M_2_SQRTPI * M_SQRT1_2 * 0.5);
    return {mul(g[0], add(cdf, mul(x, pdf)))};
  }
  const double kBeta = M_SQRT2 * M_2_SQRTPI * 0.5, kKappa = 0.044715;
  Tensor x_sq = mul(x, x);
  Tensor inner = mul_scalar(add(x, mul_scalar(mul(x_sq, x), kKappa)), kBeta);
  Tensor th = unary(UnaryOp::Tanh, inner);
  Tensor left = mul_scalar(x, 0.5);
  Tensor right = add_scalar(th, 1.0);
  Tensor left_d = mul_scalar(right, 0.5);
  Tensor right_d = mul(mul(left, add_scalar(neg(mul(th, th)), 1.0)),
                       mul_scalar(add_scalar(mul_scalar(x_sq, 3 * kKappa), 1.0), kBeta));
  return {mul(g[0], add(left_d, right_d))};
}

Grads gelu_backward_formula(FormulaNode& n, const Grads& g) {
  // d/dgrad of gelu_backward(grad, x) = gelu'(x); d/dx = grad * gelu''(x).
  Tensor grad = n.saved_at(0), x = n.saved_at(1);
  const int approximate = n.attrs_as<GeluAttrs>().approximate;
  Tensor gg, gx;
  if (n.needs_grad(0)) gg = gelu_backward(g[0], x, approximate);
  if (n.needs_grad(1)) {
    if (approximate == 0) {
      // gelu''(x) = pdf(x) * (2 - x^2)
      Tensor pdf = mul_scalar(unary(UnaryOp::Exp, mul_scalar(mul(x, x), -0.5)), M_2_SQRTPI * M_SQRT1_2 * 0.5);
      Tensor second = mul(pdf, add_scalar(neg(mul(x, x)), 2.0));
      gx = mul(mul(g[0], grad), second);
    } else {
      const double kBeta = M_SQRT2 * M_2_SQRTPI * 0.5, kKappa = 0.044715;
      Tensor x_sq = mul(x, x);
      Tensor u = mul_scalar(add(x, mul_scalar(mul(x_sq, x), kKappa)), kBeta);
      Tensor du = mul_scalar(add_scalar(mul_scalar(x_sq, 3 * kKappa), 1.0), kBeta);
      Tensor ddu = mul_scalar(x, 6 * kKappa * kBeta);
      Tensor th = unary(UnaryOp::Tanh, u);
      Tensor sech2 = add_scalar(neg(mul(th, th)), 1.0);
      // gelu = 0.5 x (1 + tanh u): gelu'' = sech2 du + 0.5 x (sech2 ddu - 2 tanh sech2 du^2)
      Tensor t1 = mul(sech2, du);
      Tensor t2 = mul(mul_scalar(x, 0.5), sub(mul(sech2, ddu), mul_scalar(mul(mul(th, sech2), mul(du, du)), 2.0)));
      gx = mul(mul(g[0], grad), add(t1, t2));
    }
  }
  return {gg, gx};
}

Grads layer_norm_formula(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0), w = n.saved_at(1);
  const auto& a = n.attrs_as<LayerNormAttrs>();
  const Shape& xs = a.input_shape;
  const Shape& ns = a.normalized_shape;
  int64_t M = shape_numel(ns), N = M ? shape_numel(xs) / M : 0;
  if (!autograd::grad_enabled()) {  // Note [LayerNorm kernels]
    Tensor gc = contig_grad(g[0], x), xc = contig(x);
    Tensor gx = n.needs_grad(0) ? empty(xs, x.dtype()) : Tensor();
    Tensor gw = n.needs_grad(1) ? empty(ns, x.dtype()) : Tensor();
    Tensor gb = n.needs_grad(2) ? empty(ns, x.dtype()) : Tensor();
    auto ptr = [](const Tensor& t) -> void* { return t.defined() ? t->data_bytes() : nullptr; };
    kernels::layer_norm_backward(x.dtype(), N, M, gc->data_bytes(), xc->data_bytes(), n.saved_at(2)->data_bytes(),
                                 n.saved_at(3)->data_bytes(), w.defined() ? w->data_bytes() : nullptr, ptr(gx), ptr(gw),
                                 ptr(gb));
    return {gx, gw, gb};
  }
  Tensor x2 = reshape(x, {N, M});
  Tensor mu, rstd;
  if (autograd::grad_enabled()) {  // keep the statistics differentiable for create_graph
    mu = mean(x2, {1}, true);
    rstd = unary(UnaryOp::Rsqrt, add_scalar(var(x2, {1}, 0.0, true), a.eps));
  } else {
    mu = reshape(n.saved_at(2), {N, 1});
    rstd = reshape(n.saved_at(3), {N, 1});
  }
  Tensor xhat = mul(sub(x2, mu), rstd);
  Tensor g2 = reshape(g[0], {N, M});
  Tensor gx, gw, gb;
  if (n.needs_grad(0)) {
    Tensor gxhat = w.defined() ? mul(g2, reshape(w, {1, M})) : g2;
    Tensor a = mean(gxhat, {1}, true);
    Tensor b = mean(mul(gxhat, xhat), {1}, true);
    gx = reshape(mul(rstd, sub(sub(gxhat, a), mul(xhat, b))), xs);
  }
  if (n.needs_grad(1)) gw = reshape(sum(mul(g2, xhat), {0}, false), ns);
  if (n.needs_grad(2)) gb = reshape(sum(g2, {0}, false), ns);
  return {gx, gw, gb};
}

Grads mse_loss_formula(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0), y = n.saved_at(1);
  const int reduction = n.attrs_as<LossAttrs>().reduction;
  Tensor gi = mul(mul_scalar(sub(x, y), 2.0), loss_grad_scale(g[0], reduction, x.numel()));
  return {gi, n.needs_grad(1) ? neg(gi) : Tensor()};
}

Grads bce_formula(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0), y = n.saved_at(1), w = n.saved_at(2);
  const int reduction = n.attrs_as<LossAttrs>().reduction;
  Tensor scale = loss_grad_scale(g[0], reduction, x.numel());
  if (w.defined()) scale = mul(scale, w);
  Tensor gi, gt;
  if (n.needs_grad(0)) {
    Tensor denom = clamp(mul(add_scalar(neg(x), 1.0), x), Scalar::from_double(1e-12), std::nullopt);
    gi = mul(div(sub(x, y), denom), scale);
  }
  if (n.needs_grad(1)) gt = mul(sub(unary(UnaryOp::Log1p, neg(x)), unary(UnaryOp::Log, x)), scale);
  return {gi, gt};
}

Tensor log_sigmoid(const Tensor& x) {
  // min(x, 0) - log1p(exp(-|x|))
  Tensor zero = wrapped_scalar(Scalar::from_int(0));
  return sub(binary(BinaryOp::Minimum, x, zero),
             unary(UnaryOp::Log1p, unary(UnaryOp::Exp, neg(unary(UnaryOp::Abs, x)))));
}

Grads bce_logits_formula(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0), y = n.saved_at(1), w = n.saved_at(2), pw = n.saved_at(3);
  const int reduction = n.attrs_as<LossAttrs>().reduction;
  Tensor scale = loss_grad_scale(g[0], reduction, x.numel());
  if (w.defined()) scale = mul(scale, w);
  Tensor gi, gt;
  if (n.needs_grad(0)) {
    Tensor s = unary(UnaryOp::Sigmoid, x);
    if (pw.defined()) {
      Tensor t = mul(pw, y);
      gi = sub(mul(sub(add_scalar(t, 1.0), y), s), t);
    } else {
      gi = sub(s, y);
    }
    gi = mul(gi, scale);
  }
  if (n.needs_grad(1)) {
    gt = pw.defined() ? sub(log_sigmoid(neg(x)), mul(log_sigmoid(x), pw)) : neg(x);
    gt = mul(gt, scale);
  }
  return {gi, gt};
}

Grads embedding_ex_formula(FormulaNode& n, const Grads& g) {
  Tensor idx = reshape(n.saved_at(0), {-1});
  const auto& a = n.attrs_as<EmbeddingAttrs>();
  const Shape& ws = a.weight_shape;
  const int64_t padding_idx = a.padding_idx;
  const bool scale_by_freq = a.scale_grad_by_freq;
  Tensor g2 = reshape(g[0], {-1, ws[1]});
  if (padding_idx >= 0) {
    Tensor keep = binary(BinaryOp::Ne, idx, wrapped_scalar(Scalar::from_int(padding_idx)));
    g2 = mul(g2, unsqueeze(to_dtype(keep, g2.dtype()), 1));
  }
  if (scale_by_freq) {
    Tensor counts = index_put(zeros({ws[0]}, g2.dtype()), {idx}, ones({idx.numel()}, g2.dtype()), true);
    g2 = div(g2, unsqueeze(index_select(counts, 0, idx), 1));
  }
  return {index_put(zeros(ws, g2.dtype()), {idx}, g2, true)};
}

}  // namespace

// ---- activations ----

Tensor gelu(const Tensor& x, int approximate) {
  check_float(x, "gelu", "input");
  TC_CHECK_VALUE(approximate == 0 || approximate == 1, "approximate argument must be either none or tanh.");
  const DType kc = compute_dtype(x.dtype());  // a storage dtype computes in float32, rounded once
  Tensor xc;
  {
    autograd::NoGradGuard ng;
    xc = to_dtype(x, kc);
    // Note [Activations keep a dense layout] (activation.cpp): channels_last in, channels_last out.
    if (xc.is_contiguous() || !non_overlapping_and_dense(xc)) xc = contiguous(xc);
  }
  Tensor out =
      xc.is_contiguous() ? empty(x.sizes(), kc, x.device()) : empty_strided(xc.sizes(), xc.strides(), kc, x.device());
  if (x.numel() > 0) activation_forward(gelu_kind(approximate), kc, xc, out, kernels::ActivationParams{});
  if (kc != x.dtype()) {
    autograd::NoGradGuard ng;
    out = to_dtype(out, x.dtype());
  }
  if (auto* n = record("GeluBackward0", gelu_formula, {&x}, {&out})) {
    n->save(x);
    n->attrs = GeluAttrs{approximate};
  }
  return out;
}

Tensor gelu_backward(const Tensor& grad, const Tensor& x, int approximate) {
  check_same(x, grad, "gelu_backward", "grad");
  Tensor out = activation_backward_kernel(gelu_kind(approximate), grad, x);
  if (auto* n = record("GeluBackwardBackward0", gelu_backward_formula, {&grad, &x}, {&out})) {
    n->save(grad);
    n->save(x);
    n->attrs = GeluAttrs{approximate};
  }
  return out;
}

// ---- layer_norm ----

Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps) {
  check_float(x, "layer_norm", "input");
  if (needs_widening({&x, &weight, &bias}))  // Note [Storage dtypes at op boundaries]
    return to_dtype(layer_norm(widen(x), normalized_shape, widen(weight), widen(bias), eps), x.dtype());
  const int64_t k = static_cast<int64_t>(normalized_shape.size());
  bool ok = k >= 1 && k <= x.dim();
  for (int64_t i = 0; ok && i < k; ++i) ok = x.size(x.dim() - k + i) == normalized_shape[i];
  if (!ok) {
    Shape expected = normalized_shape;
    expected.insert(expected.begin(), -1);
    TC_CHECK(
        false, "Given normalized_shape=", shape_str(normalized_shape), ", expected input with shape [*",
        [&] {
          std::string s;
          for (int64_t v : normalized_shape) s += ", " + std::to_string(v);
          return s;
        }(),
        "], but got input of size", shape_str(x.sizes()));
  }
  if (weight.defined())
    TC_CHECK(weight.sizes() == normalized_shape, "Expected weight to be of same shape as normalized_shape, but got ",
             "weight of shape ", shape_str(weight.sizes()), " and normalized_shape = ", shape_str(normalized_shape));
  if (bias.defined())
    TC_CHECK(bias.sizes() == normalized_shape, "Expected bias to be of same shape as normalized_shape, but got ",
             "bias of shape ", shape_str(bias.sizes()), " and normalized_shape = ", shape_str(normalized_shape));
  const int64_t M = shape_numel(normalized_shape);
  const int64_t N = M ? x.numel() / M : 0;
  Tensor xc = contig(x);
  Tensor wc, bc;
  {
    autograd::NoGradGuard ng;
    if (weight.defined()) wc = contiguous(to_dtype(weight, x.dtype()));
    if (bias.defined()) bc = contiguous(to_dtype(bias, x.dtype()));
  }
  Tensor out = empty(x.sizes(), x.dtype());
  Shape stat_shape(x.sizes().begin(), x.sizes().end() - k);
  Tensor mean_t = empty(stat_shape, x.dtype()), rstd_t = empty(stat_shape, x.dtype());
  if (N > 0)
    kernels::layer_norm_forward(x.dtype(), N, M, xc->data_bytes(), wc.defined() ? wc->data_bytes() : nullptr,
                                bc.defined() ? bc->data_bytes() : nullptr, eps, out->data_bytes(), mean_t->data_bytes(),
                                rstd_t->data_bytes());
  if (auto* n = record("NativeLayerNormBackward0", layer_norm_formula, {&x, &weight, &bias}, {&out})) {
    n->save(x);
    n->save(wc);
    n->save(mean_t);
    n->save(rstd_t);
    n->attrs = LayerNormAttrs{x.sizes(), normalized_shape, eps};
  }
  return out;
}

// ---- losses ----

namespace {
// The unreduced loss of each element (false: BCE input outside [0, 1]).
bool run_loss(kernels::PointwiseLoss loss, const Tensor& x, const Tensor& y, const Tensor& w, const Tensor& pw,
              Tensor& per) {
  per = empty(x.sizes(), x.dtype());
  if (x.numel() == 0) return true;
  auto ptr = [](const Tensor& t) -> const void* { return t.defined() ? t->data_bytes() : nullptr; };
  return kernels::pointwise_loss(loss, x.dtype(), x.numel(), x->data_bytes(), y->data_bytes(), ptr(w), ptr(pw),
                                 per->data_bytes());
}
}  // namespace

Tensor mse_loss(const Tensor& input, const Tensor& target, int reduction) {
  check_float(input, "mse_loss", "input");
  check_same(input, target, "mse_loss", "target");
  if (needs_widening({&input, &target}))  // Note [Storage dtypes at op boundaries]
    return to_dtype(mse_loss(widen(input), widen(target), reduction), input.dtype());
  Tensor per;
  run_loss(kernels::PointwiseLoss::Mse, contig(input), contig(target), Tensor(), Tensor(), per);
  Tensor out = reduce_loss(per, reduction);
  if (auto* n = record("MseLossBackward0", mse_loss_formula, {&input, &target}, {&out})) {
    n->save(input);
    n->save(target);
    n->attrs = LossAttrs{reduction};
  }
  return out;
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight, int reduction) {
  check_float(input, "binary_cross_entropy", "input");
  check_same(input, target, "binary_cross_entropy", "target");
  if (weight.defined()) check_same(input, weight, "binary_cross_entropy", "weight");
  if (needs_widening({&input, &target, &weight}))  // Note [Storage dtypes at op boundaries]
    return to_dtype(binary_cross_entropy(widen(input), widen(target), widen(weight), reduction), input.dtype());
  Tensor wc = weight.defined() ? contig(weight) : Tensor();
  Tensor per;
  bool ok = run_loss(kernels::PointwiseLoss::BinaryCrossEntropy, contig(input), contig(target), wc, Tensor(), per);
  TC_CHECK(ok, "all elements of input should be between 0 and 1");
  Tensor out = reduce_loss(per, reduction);
  if (auto* n = record("BinaryCrossEntropyBackward0", bce_formula, {&input, &target}, {&out})) {
    n->save(input);
    n->save(target);
    n->save(wc);
    n->attrs = LossAttrs{reduction};
  }
  return out;
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, const Tensor& weight,
                                        const Tensor& pos_weight, int reduction) {
  const char* op = "binary_cross_entropy_with_logits";
  check_float(input, op, "input");
  check_same(input, target, op, "target");
  if (weight.defined()) check_same(input, weight, op, "weight");
  if (pos_weight.defined()) check_same(input, pos_weight, op, "pos_weight");
  if (needs_widening({&input, &target, &weight, &pos_weight}))  // Note [Storage dtypes at op boundaries]
    return to_dtype(
        binary_cross_entropy_with_logits(widen(input), widen(target), widen(weight), widen(pos_weight), reduction),
        input.dtype());
  Tensor wc = weight.defined() ? contig(weight) : Tensor();
  Tensor pc = pos_weight.defined() ? contig(pos_weight) : Tensor();
  Tensor per;
  run_loss(kernels::PointwiseLoss::BinaryCrossEntropyWithLogits, contig(input), contig(target), wc, pc, per);
  Tensor out = reduce_loss(per, reduction);
  if (auto* n = record("BinaryCrossEntropyWithLogitsBackward0", bce_logits_formula, {&input, &target}, {&out})) {
    n->save(input);
    n->save(target);
    n->save(wc);
    n->save(pc);
    n->attrs = LossAttrs{reduction};
  }
  return out;
}

// ---- embedding ----

Tensor embedding_ex(const Tensor& weight, const Tensor& indices, int64_t padding_idx, bool scale_grad_by_freq) {
  TC_CHECK(weight.dim() == 2, "'weight' must be 2-D, got shape ", shape_str(weight.sizes()));
  TC_CHECK_TYPE(indices.dtype() == DType::Int64 || indices.dtype() == DType::Int32,
                "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
                "but got ",
                dtype_name(indices.dtype()), " instead (while checking arguments for embedding)");
  Tensor out;
  {
    autograd::NoGradGuard ng;
    out = embedding(weight, indices);
  }
  if (auto* n = record("EmbeddingBackward0", embedding_ex_formula, {&weight}, {&out})) {
    Tensor idx;
    {
      autograd::NoGradGuard ng;
      idx = to_dtype(indices, DType::Int64);
    }
    n->save(idx);
    n->attrs = EmbeddingAttrs{weight.sizes(), padding_idx, scale_grad_by_freq};
  }
  return out;
}

}  // namespace tc::ops
