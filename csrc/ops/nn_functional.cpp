// Fused nn.functional kernels (see ops/nn_ops.h): GELU, LeakyReLU,
// layer_norm, mse_loss, binary_cross_entropy(_with_logits) and embedding with
// padding_idx. Forward passes are single contiguous loops; the derivative
// formulas live next to them (they are specific to these ops) and are written
// with the public ops, so gradients of gradients work.
#include <cmath>

#include "autograd/function.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/shape_util.h"
#include "ops/nn_ops.h"

namespace tc::ops {

using autograd::FormulaNode;
using autograd::record;
using Grads = std::vector<Tensor>;

namespace {

constexpr int64_t kGrain = 16384;

// Calls f(i) for i in [0, n), in parallel chunks.
template <typename F>
void for_each_index(int64_t n, F&& f) {
  parallel_for(0, n, kGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) f(i);
  });
}

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

// ---- derivative formulas ----

Grads gelu_formula(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0);
  int approximate = static_cast<int>(n.ints[0]);
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
  int approximate = static_cast<int>(n.ints[0]);
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

Grads leaky_relu_formula(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0);
  Tensor pos = binary(BinaryOp::Gt, x, wrapped_scalar(Scalar::from_int(0)));
  return {where(pos, g[0], mul_scalar(g[0], n.reals[0]))};
}

Grads layer_norm_formula(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0), w = n.saved_at(1);
  const Shape& xs = n.shapes[0];
  const Shape& ns = n.shapes[1];
  int64_t M = shape_numel(ns), N = M ? shape_numel(xs) / M : 0;
  Tensor x2 = reshape(x, {N, M});
  Tensor mu, rstd;
  if (autograd::grad_enabled()) {  // keep the statistics differentiable for create_graph
    mu = mean(x2, {1}, true);
    rstd = unary(UnaryOp::Rsqrt, add_scalar(var(x2, {1}, 0.0, true), n.reals[0]));
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
  int reduction = static_cast<int>(n.ints[0]);
  Tensor gi = mul(mul_scalar(sub(x, y), 2.0), loss_grad_scale(g[0], reduction, x.numel()));
  return {gi, n.needs_grad(1) ? neg(gi) : Tensor()};
}

Grads bce_formula(FormulaNode& n, const Grads& g) {
  Tensor x = n.saved_at(0), y = n.saved_at(1), w = n.saved_at(2);
  int reduction = static_cast<int>(n.ints[0]);
  Tensor scale = loss_grad_scale(g[0], reduction, x.numel());
  if (w.defined()) scale = mul(scale, w);
  Tensor gi, gt;
  if (n.needs_grad(0)) {
    Tensor denom = clamp(mul(add_scalar(neg(x), 1.0), x), Scalar::from_double(1e-12), std::nullopt);
    gi = mul(div(sub(x, y), denom), scale);
  }
  if (n.needs_grad(1))
    gt = mul(sub(unary(UnaryOp::Log1p, neg(x)), unary(UnaryOp::Log, x)), scale);
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
  int reduction = static_cast<int>(n.ints[0]);
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
  const Shape& ws = n.shapes[0];
  int64_t padding_idx = n.ints[0];
  bool scale_by_freq = n.ints[1] != 0;
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
  Tensor xc = contig(x);
  Tensor out = empty(x.sizes(), x.dtype());
  dispatch_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* a = xc.data<T>();
      T* o = out.data<T>();
      if (approximate == 0) {
        for_each_index(x.numel(), [&](int64_t i) {
          T v = a[i];
          o[i] = v * T(0.5) * (T(1) + std::erf(v * T(M_SQRT1_2)));
        });
      } else {
        const T kBeta = T(M_SQRT2 * M_2_SQRTPI * 0.5), kKappa = T(0.044715);
        for_each_index(x.numel(), [&](int64_t i) {
          T v = a[i];
          T inner = kBeta * (v + kKappa * v * v * v);
          o[i] = T(0.5) * v * (T(1) + std::tanh(inner));
        });
      }
    }
  });
  if (auto* n = record("GeluBackward0", gelu_formula, {&x}, {&out})) {
    n->save(x);
    n->ints = {approximate};
  }
  return out;
}

Tensor gelu_backward(const Tensor& grad, const Tensor& x, int approximate) {
  Tensor gx = contig(grad), xc = contig(x);
  check_same(x, grad, "gelu_backward", "grad");
  Tensor out = empty(x.sizes(), x.dtype());
  dispatch_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* a = xc.data<T>();
      const T* gp = gx.data<T>();
      T* o = out.data<T>();
      if (approximate == 0) {
        const T kAlpha = T(M_2_SQRTPI * M_SQRT1_2 * 0.5);
        for_each_index(x.numel(), [&](int64_t i) {
          T v = a[i];
          T cdf = T(0.5) * (T(1) + std::erf(v * T(M_SQRT1_2)));
          T pdf = kAlpha * std::exp(T(-0.5) * v * v);
          o[i] = gp[i] * (cdf + v * pdf);
        });
      } else {
        const T kBeta = T(M_SQRT2 * M_2_SQRTPI * 0.5), kKappa = T(0.044715);
        for_each_index(x.numel(), [&](int64_t i) {
          T v = a[i];
          T x_sq = v * v;
          T inner = kBeta * (v + kKappa * x_sq * v);
          T th = std::tanh(inner);
          T left_d = T(0.5) * (T(1) + th);
          T right_d = T(0.5) * v * (T(1) - th * th) * kBeta * (T(1) + T(3) * kKappa * x_sq);
          o[i] = gp[i] * (left_d + right_d);
        });
      }
    }
  });
  if (auto* n = record("GeluBackwardBackward0", gelu_backward_formula, {&grad, &x}, {&out})) {
    n->save(grad);
    n->save(x);
    n->ints = {approximate};
  }
  return out;
}

Tensor leaky_relu(const Tensor& x, double negative_slope) {
  check_float(x, "leaky_relu", "input");
  Tensor xc = contig(x);
  Tensor out = empty(x.sizes(), x.dtype());
  dispatch_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* a = xc.data<T>();
      T* o = out.data<T>();
      const T s = static_cast<T>(negative_slope);
      for_each_index(x.numel(), [&](int64_t i) { o[i] = a[i] > T(0) ? a[i] : a[i] * s; });
    }
  });
  if (auto* n = record("LeakyReluBackward0", leaky_relu_formula, {&x}, {&out})) {
    n->save(x);
    n->reals = {negative_slope};
  }
  return out;
}

// ---- layer_norm ----

Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps) {
  check_float(x, "layer_norm", "input");
  const int64_t k = static_cast<int64_t>(normalized_shape.size());
  bool ok = k >= 1 && k <= x.dim();
  for (int64_t i = 0; ok && i < k; ++i) ok = x.size(x.dim() - k + i) == normalized_shape[i];
  if (!ok) {
    Shape expected = normalized_shape;
    expected.insert(expected.begin(), -1);
    TC_CHECK(false, "Given normalized_shape=", shape_str(normalized_shape), ", expected input with shape [*",
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
  dispatch_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* a = xc.data<T>();
      const T* w = wc.defined() ? wc.data<T>() : nullptr;
      const T* b = bc.defined() ? bc.data<T>() : nullptr;
      T* o = out.data<T>();
      T* mp = mean_t.data<T>();
      T* rp = rstd_t.data<T>();
      parallel_for(0, N, std::max<int64_t>(1, kGrain / std::max<int64_t>(M, 1)), [&](int64_t rb, int64_t re) {
        for (int64_t r = rb; r < re; ++r) {
          const T* row = a + r * M;
          T* orow = o + r * M;
          // Two passes in double: mean, then the biased variance.
          double s = 0;
          for (int64_t i = 0; i < M; ++i) s += row[i];
          double mu = M ? s / M : 0.0;
          double ss = 0;
          for (int64_t i = 0; i < M; ++i) {
            double dlt = row[i] - mu;
            ss += dlt * dlt;
          }
          double var = M ? ss / M : 0.0;
          T rstd = static_cast<T>(1.0 / std::sqrt(var + eps));
          T m = static_cast<T>(mu);
          mp[r] = m;
          rp[r] = rstd;
          for (int64_t i = 0; i < M; ++i) {
            T v = (row[i] - m) * rstd;
            if (w) v = v * w[i];
            if (b) v = v + b[i];
            orow[i] = v;
          }
        }
      });
    }
  });
  if (auto* n = record("NativeLayerNormBackward0", layer_norm_formula, {&x, &weight, &bias}, {&out})) {
    n->save(x);
    n->save(wc);
    n->save(mean_t);
    n->save(rstd_t);
    n->shapes = {x.sizes(), normalized_shape};
    n->reals = {eps};
  }
  return out;
}

// ---- losses ----

Tensor mse_loss(const Tensor& input, const Tensor& target, int reduction) {
  check_float(input, "mse_loss", "input");
  check_same(input, target, "mse_loss", "target");
  Tensor xc = contig(input), yc = contig(target);
  Tensor per = empty(input.sizes(), input.dtype());
  dispatch_dtype(input.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* x = xc.data<T>();
      const T* y = yc.data<T>();
      T* o = per.data<T>();
      for_each_index(input.numel(), [&](int64_t i) {
        T dlt = x[i] - y[i];
        o[i] = dlt * dlt;
      });
    }
  });
  Tensor out = reduce_loss(per, reduction);
  if (auto* n = record("MseLossBackward0", mse_loss_formula, {&input, &target}, {&out})) {
    n->save(input);
    n->save(target);
    n->ints = {reduction};
  }
  return out;
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight, int reduction) {
  check_float(input, "binary_cross_entropy", "input");
  check_same(input, target, "binary_cross_entropy", "target");
  if (weight.defined()) check_same(input, weight, "binary_cross_entropy", "weight");
  Tensor xc = contig(input), yc = contig(target), wc = weight.defined() ? contig(weight) : Tensor();
  Tensor per = empty(input.sizes(), input.dtype());
  bool bad = false;
  dispatch_dtype(input.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* x = xc.data<T>();
      const T* y = yc.data<T>();
      const T* w = wc.defined() ? wc.data<T>() : nullptr;
      T* o = per.data<T>();
      const int64_t n = input.numel();
      for (int64_t i = 0; i < n; ++i)
        if (!(x[i] >= T(0) && x[i] <= T(1))) { bad = true; break; }
      if (bad) return;
      for_each_index(n, [&](int64_t i) {
        T log_x = std::max(std::log(x[i]), T(-100));
        T log_1mx = std::max(std::log1p(-x[i]), T(-100));
        T l = (y[i] - T(1)) * log_1mx - y[i] * log_x;
        o[i] = w ? l * w[i] : l;
      });
    }
  });
  TC_CHECK(!bad, "all elements of input should be between 0 and 1");
  Tensor out = reduce_loss(per, reduction);
  if (auto* n = record("BinaryCrossEntropyBackward0", bce_formula, {&input, &target}, {&out})) {
    n->save(input);
    n->save(target);
    n->save(wc);
    n->ints = {reduction};
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
  Tensor xc = contig(input), yc = contig(target);
  Tensor wc = weight.defined() ? contig(weight) : Tensor();
  Tensor pc = pos_weight.defined() ? contig(pos_weight) : Tensor();
  Tensor per = empty(input.sizes(), input.dtype());
  dispatch_dtype(input.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* x = xc.data<T>();
      const T* y = yc.data<T>();
      const T* w = wc.defined() ? wc.data<T>() : nullptr;
      const T* pw = pc.defined() ? pc.data<T>() : nullptr;
      T* o = per.data<T>();
      for_each_index(input.numel(), [&](int64_t i) {
        T v = x[i];
        // log(sigmoid(v)) without overflow: min(v, 0) - log1p(exp(-|v|))
        T ls = std::min(v, T(0)) - std::log1p(std::exp(-std::abs(v)));
        if (pw) ls = ls * ((pw[i] - T(1)) * y[i] + T(1));
        T l = (T(1) - y[i]) * v - ls;
        o[i] = w ? l * w[i] : l;
      });
    }
  });
  Tensor out = reduce_loss(per, reduction);
  if (auto* n = record("BinaryCrossEntropyWithLogitsBackward0", bce_logits_formula, {&input, &target}, {&out})) {
    n->save(input);
    n->save(target);
    n->save(wc);
    n->save(pc);
    n->ints = {reduction};
  }
  return out;
}

// ---- embedding ----

Tensor embedding_ex(const Tensor& weight, const Tensor& indices, int64_t padding_idx, bool scale_grad_by_freq) {
  TC_CHECK(weight.dim() == 2, "'weight' must be 2-D, got shape ", shape_str(weight.sizes()));
  TC_CHECK_TYPE(indices.dtype() == DType::Int64 || indices.dtype() == DType::Int32,
                "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
                "but got ", dtype_name(indices.dtype()), " instead (while checking arguments for embedding)");
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
    n->shapes = {weight.sizes()};
    n->ints = {padding_idx, scale_grad_by_freq ? 1 : 0};
  }
  return out;
}

}  // namespace tc::ops
