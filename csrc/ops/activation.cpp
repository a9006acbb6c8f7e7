// Pointwise activations (ops/activation_ops.h): one fused forward kernel and
// one backward node each, named as PyTorch names them, and in-place forms that
// record history like every other in-place op.
//
// Note [In-place activations record their own node]
// `F.elu_(x)` on a tensor autograd tracks writes the result into x and makes
// x's grad_fn the activation's in-place node (EluBackward1), whose input edge
// is x's history before the write (then rebase_history: views get
// CopySlices). Forms PyTorch computes backward from the result (LeakyReLU,
// ELU/SELU/CELU, Hardtanh, Threshold) save x after the write, as an output,
// so a later in-place change of x is caught at backward (the saved-version
// check); the others save a snapshot of x's values before the write. Never
// compute out of place under no_grad and copy back: that leaves x's old
// history in place, and backward silently treats the activation as identity.
#include "ops/activation_ops.h"

#include "autograd/function.h"
#include "autograd/inplace.h"
#include "backend/kernels.h"
#include "core/error.h"
#include "core/generator.h"
#include "ops/device_kernels.h"
#include "ops/overlap.h"

namespace tc::ops {

using autograd::FormulaNode;
using autograd::record;
using kernels::Activation;
using kernels::ActivationParams;
using Grads = std::vector<Tensor>;

namespace {

// What backward needs besides the saved tensor.
struct ActivationAttrs {
  Activation kind;
  ActivationParams params;
  bool from_result;  // the saved tensor is the forward's result (Note [Activation boundaries])
};

// One activation's names: PyTorch's op (the dtype error's "<op>_cpu" and our
// messages) and the grad_fn of the out-of-place and in-place forms.
struct Spec {
  Activation kind;
  const char* op;
  const char* node;
  const char* inplace_node;
  bool inplace_from_result;
};

constexpr Spec kLeakyRelu{Activation::LeakyRelu, "leaky_relu", "LeakyReluBackward0", "LeakyReluBackward1", true};
constexpr Spec kElu{Activation::Elu, "elu", "EluBackward0", "EluBackward1", true};
constexpr Spec kCelu{Activation::Elu, "celu", "CeluBackward0", "CeluBackward1", true};
constexpr Spec kHardtanh{Activation::Hardtanh, "hardtanh", "HardtanhBackward0", "HardtanhBackward0", false};
constexpr Spec kSilu{Activation::Silu, "silu", "SiluBackward0", "SiluBackward0", false};
constexpr Spec kMish{Activation::Mish, "mish", "MishBackward0", "MishBackward0", false};
constexpr Spec kHardswish{Activation::Hardswish, "hardswish", "HardswishBackward0", "HardswishBackward0", false};
constexpr Spec kHardsigmoid{Activation::Hardsigmoid, "hardsigmoid", "HardsigmoidBackward0", "HardsigmoidBackward0",
                            false};
constexpr Spec kSoftplus{Activation::Softplus, "softplus", "SoftplusBackward0", nullptr, false};
constexpr Spec kSoftshrink{Activation::Softshrink, "softshrink", "SoftshrinkBackward0", nullptr, false};
constexpr Spec kHardshrink{Activation::Hardshrink, "hardshrink", "HardshrinkBackward0", nullptr, false};
constexpr Spec kThreshold{Activation::Threshold, "threshold", "ThresholdBackward0", "ThresholdBackward1", false};
constexpr Spec kLogSigmoid{Activation::LogSigmoid, "log_sigmoid", "LogSigmoidBackward0", nullptr, false};

// SELU's constants (Klambauer et al.), as PyTorch spells them.
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

void check_floating(const Tensor& x, const Spec& s) {
  if (!is_floating(x.dtype()))
    raise(ErrorKind::NotImplemented, "\"", s.op, "_cpu\" not implemented for '", scalar_type_name(x.dtype()), "'");
}

Tensor contig(const Tensor& t) {
  autograd::NoGradGuard ng;
  return contiguous(t);
}

// act(x) into a new tensor; records nothing. A storage dtype (float16) is
// computed in its compute dtype and rounded once.
// Note [Activations keep a dense layout]: the kernel maps elements one to one, so a dense input in another
// dim order (channels_last) is read in memory order into a result with its strides, as PyTorch's
// TensorIterator lays it out; a random op after it (dropout) then draws the same mask as PyTorch's.
Tensor forward_values(const Spec& s, const Tensor& x, ActivationParams p) {
  autograd::NoGradGuard ng;
  const DType kc = compute_dtype(x.dtype());
  Tensor xk = to_dtype(x, kc);
  // (log_sigmoid is PyTorch's exception: its forward allocates a contiguous result)
  const bool keep_layout = s.kind != Activation::LogSigmoid && !xk.is_contiguous() && non_overlapping_and_dense(xk);
  Tensor xc = keep_layout ? xk : contiguous(xk);
  Tensor out = keep_layout ? empty_strided(xk.sizes(), xk.strides(), kc, x.device()) : empty(x.sizes(), kc, x.device());
  if (x.numel() > 0) activation_forward(s.kind, kc, xc, out, p);
  return kc == x.dtype() ? out : to_dtype(out, x.dtype());
}

Tensor scalar(double v) { return wrapped_scalar(Scalar::from_double(v)); }
Tensor gt(const Tensor& a, double v) { return binary(BinaryOp::Gt, a, scalar(v)); }
Tensor lt(const Tensor& a, double v) { return binary(BinaryOp::Lt, a, scalar(v)); }
Tensor ge(const Tensor& a, double v) { return binary(BinaryOp::Ge, a, scalar(v)); }
Tensor le(const Tensor& a, double v) { return binary(BinaryOp::Le, a, scalar(v)); }
Tensor both(const Tensor& a, const Tensor& b) { return binary(BinaryOp::LogicalAnd, a, b); }

// g * act'(v) with differentiable ops (create_graph=True): the same branches
// as the kernel's derivative (backend/cpu/activation_impl.h).
Tensor derivative_graph(const ActivationAttrs& a, const Tensor& g, const Tensor& v) {
  const ActivationParams& p = a.params;
  Tensor zero = scalar(0.0);
  switch (a.kind) {
    case Activation::LeakyRelu:
      return where(gt(v, 0), g, mul_scalar(g, p.a));
    case Activation::Elu: {
      Tensor neg = a.from_result ? mul_scalar(mul(g, add_scalar(v, p.a)), p.c)
                                 : mul(mul_scalar(g, p.c * p.a), unary(UnaryOp::Exp, mul_scalar(v, p.c)));
      return where(gt(v, 0), mul_scalar(g, p.b), neg);
    }
    case Activation::Hardtanh:
      return where(both(gt(v, p.a), lt(v, p.b)), g, zero);
    case Activation::Silu: {
      Tensor s = unary(UnaryOp::Sigmoid, v);
      return mul(mul(g, s), add_scalar(mul(v, add_scalar(neg(s), 1.0)), 1.0));
    }
    case Activation::Mish: {
      Tensor t = unary(UnaryOp::Tanh, unary(UnaryOp::Log1p, unary(UnaryOp::Exp, v)));
      Tensor d = add(t, mul(mul(v, unary(UnaryOp::Sigmoid, v)), add_scalar(neg(mul(t, t)), 1.0)));
      return mul(g, d);
    }
    case Activation::Hardswish:
      return where(le(v, -3.0), zero, where(lt(v, 3.0), mul(g, add_scalar(mul_scalar(v, 1.0 / 3.0), 0.5)), g));
    case Activation::Hardsigmoid:
      return where(both(gt(v, -3.0), lt(v, 3.0)), mul_scalar(g, double(1.0f / 6.0f)), zero);
    case Activation::Softplus: {
      Tensor bx = mul_scalar(v, p.a);
      Tensor z = unary(UnaryOp::Exp, bx);
      return where(gt(bx, p.b), g, mul(g, div(z, add_scalar(z, 1.0))));
    }
    case Activation::Softshrink:
    case Activation::Hardshrink:
      return where(both(ge(v, -p.a), le(v, p.a)), zero, g);
    case Activation::Threshold:
      return where(le(v, p.a), zero, g);
    case Activation::LogSigmoid:
      return mul(g, unary(UnaryOp::Sigmoid, neg(v)));
    default:
      TC_INTERNAL_ASSERT(false);
  }
  return Tensor();
}

// PyTorch computes the in-place forms' backward from the result, which cannot
// be inverted when the negative side is flipped; it raises at backward.
void check_invertible(const ActivationAttrs& a) {
  if (!a.from_result) return;
  if (a.kind == Activation::LeakyRelu && a.params.a < 0)
    raise(ErrorKind::Runtime,
          "In-place leakyReLu backward calculation is triggered with a negative slope which is not supported. This "
          "is caused by calling in-place forward function with a negative slope, please call out-of-place version "
          "instead. File an issue at https://github.com/pytorch/pytorch if you do require supporting in-place "
          "leakRelu backward calculation with negative slope");
  if (a.kind == Activation::Elu && a.params.a < 0)
    raise(ErrorKind::Runtime,
          "In-place elu backward calculation is triggered with a negative slope which is not supported. This is "
          "caused by calling in-place forward function with a negative slope, please call out-of-place version "
          "instead.");
}

// g * act'(v) by the fused kernel; records nothing.
Tensor backward_values(const ActivationAttrs& a, const Tensor& g, const Tensor& v) {
  autograd::NoGradGuard ng;
  const DType kc = compute_dtype(v.dtype());
  Tensor gc = contiguous(to_dtype(g.sizes() == v.sizes() ? g : expand(g, v.sizes()), kc));
  Tensor vc = contiguous(to_dtype(v, kc));
  Tensor gx = empty(v.sizes(), kc, v.device());
  if (v.numel() > 0) activation_backward(a.kind, kc, gc, vc, gx, a.params, a.from_result);
  return kc == v.dtype() ? gx : to_dtype(gx, v.dtype());
}

// Note [Piecewise-linear double backward]
// For the piecewise-linear kinds, g * act'(v) is linear in g and constant in v
// between kinks: its own gradient is act'(v) * gg for g and zero for v. It is
// recorded as one node with both edges (PyTorch's LeakyReluBackwardBackward0,
// ...), so a gradient of a gradient reaches v as zeros (as in PyTorch) rather
// than v dropping out of the graph.
const char* double_backward_name(Activation k) {
  switch (k) {
    case Activation::LeakyRelu:
      return "LeakyReluBackwardBackward0";
    case Activation::Hardtanh:
      return "HardtanhBackwardBackward0";
    case Activation::Hardsigmoid:
      return "HardsigmoidBackwardBackward0";
    case Activation::Softshrink:
      return "SoftshrinkBackwardBackward0";
    case Activation::Hardshrink:
      return "HardshrinkBackwardBackward0";
    case Activation::Threshold:
      return "ThresholdBackwardBackward0";
    default:
      return nullptr;
  }
}

Tensor piecewise_linear_backward(const ActivationAttrs& a, const Tensor& g, const Tensor& v);

Grads piecewise_linear_backward_formula(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<ActivationAttrs>();
  Tensor v = n.saved_at(0);
  Tensor gg, gv;
  if (n.needs_grad(0)) gg = piecewise_linear_backward(a, g[0], v);
  if (n.needs_grad(1)) gv = zeros_like(v);
  return {gg, gv};
}

Tensor piecewise_linear_backward(const ActivationAttrs& a, const Tensor& g, const Tensor& v) {
  Tensor out = backward_values(a, g, v);
  if (auto* n = record(double_backward_name(a.kind), piecewise_linear_backward_formula, {&g, &v}, {&out})) {
    n->save(v);
    n->attrs = a;
  }
  return out;
}

Grads activation_formula(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<ActivationAttrs>();
  check_invertible(a);
  Tensor v = n.saved_at(0);
  if (!autograd::grad_enabled()) return {backward_values(a, g[0], v)};
  if (double_backward_name(a.kind)) return {piecewise_linear_backward(a, g[0], v)};
  return {derivative_graph(a, g[0], v)};
}

Tensor activation(const Spec& s, const Tensor& x, ActivationParams p) {
  check_floating(x, s);
  Tensor out = forward_values(s, x, p);
  if (auto* n = record(s.node, activation_formula, {&x}, {&out})) {
    n->save(x);
    n->attrs = ActivationAttrs{s.kind, p, false};
  }
  return out;
}

Tensor& activation_(const Spec& s, Tensor& self, ActivationParams p) {  // Note [In-place activations record ...]
  check_floating(self, s);
  TC_INTERNAL_ASSERT(s.inplace_node != nullptr);
  autograd::check_inplace(self, s.op);
  check_no_internal_overlap(self);
  if (!autograd::any_requires_grad({&self})) {
    if (self.is_contiguous() && is_compute_dtype(self.dtype())) {
      if (self.numel() > 0) activation_forward(s.kind, self.dtype(), self, self, p);
      self.bump_version();
    } else {
      Tensor out = forward_values(s, self, p);
      copy_(self, out);
    }
    return self;
  }
  if (s.inplace_from_result) {
    Tensor out = forward_values(s, self, p);
    FormulaNode* n = record(s.inplace_node, activation_formula, {&self}, {&out});  // self's history before the write
    TC_INTERNAL_ASSERT(n != nullptr);
    {
      autograd::NoGradGuard ng;
      copy_(self, out);
    }
    autograd::rebase_history(self, out);
    n->save(self, /*is_output=*/true);
    n->attrs = ActivationAttrs{s.kind, p, true};
    return self;
  }
  Tensor before = autograd::snapshot_for_inplace(self);
  Tensor out = forward_values(s, before, p);
  if (auto* n = record(s.inplace_node, activation_formula, {&before}, {&out})) {
    n->save(before);
    n->attrs = ActivationAttrs{s.kind, p, false};
  }
  {
    autograd::NoGradGuard ng;
    copy_(self, out);
  }
  autograd::rebase_history(self, out);
  return self;
}

ActivationParams elu_params(double alpha, double scale, double input_scale) {
  return {alpha * scale, scale, input_scale};
}

ActivationParams celu_params(double alpha) {
  TC_CHECK(alpha != 0.0, "ZeroDivisionError: alpha cannot be 0 for CELU");
  return {alpha, 1.0, 1.0 / alpha};
}

ActivationParams hardtanh_params(double min_val, double max_val) {
  TC_CHECK_VALUE(min_val <= max_val, "min_val cannot be greater than max_val");
  return {min_val, max_val, 0.0};
}

ActivationParams shrink_params(const Tensor& x, double lambd, const char* op) {
  // PyTorch: RuntimeError: lambda must be in range [0, 3.40282e+38] for input dtype Float, but found -1
  TC_CHECK(lambd >= 0, "lambda must be in range [0, ", x.dtype() == DType::Float32 ? "3.40282e+38" : "1.79769e+308",
           "] for input dtype ", scalar_type_name(x.dtype()), ", but found ", lambd, " (in ", op, ")");
  return {lambd, 0.0, 0.0};
}

}  // namespace

Tensor leaky_relu(const Tensor& x, double negative_slope) { return activation(kLeakyRelu, x, {negative_slope}); }
Tensor& leaky_relu_(Tensor& x, double negative_slope) { return activation_(kLeakyRelu, x, {negative_slope}); }

Tensor elu(const Tensor& x, double alpha, double scale, double input_scale) {
  return activation(kElu, x, elu_params(alpha, scale, input_scale));
}
Tensor& elu_(Tensor& x, double alpha, double scale, double input_scale) {
  return activation_(kElu, x, elu_params(alpha, scale, input_scale));
}
Tensor selu(const Tensor& x) { return elu(x, kSeluAlpha, kSeluScale, 1.0); }
Tensor& selu_(Tensor& x) { return elu_(x, kSeluAlpha, kSeluScale, 1.0); }
Tensor celu(const Tensor& x, double alpha) { return activation(kCelu, x, celu_params(alpha)); }
Tensor& celu_(Tensor& x, double alpha) { return activation_(kCelu, x, celu_params(alpha)); }

Tensor hardtanh(const Tensor& x, double min_val, double max_val) {
  return activation(kHardtanh, x, hardtanh_params(min_val, max_val));
}
Tensor& hardtanh_(Tensor& x, double min_val, double max_val) {
  return activation_(kHardtanh, x, hardtanh_params(min_val, max_val));
}

Tensor silu(const Tensor& x) { return activation(kSilu, x, {}); }
Tensor& silu_(Tensor& x) { return activation_(kSilu, x, {}); }
Tensor mish(const Tensor& x) { return activation(kMish, x, {}); }
Tensor& mish_(Tensor& x) { return activation_(kMish, x, {}); }
Tensor hardswish(const Tensor& x) { return activation(kHardswish, x, {}); }
Tensor& hardswish_(Tensor& x) { return activation_(kHardswish, x, {}); }
Tensor hardsigmoid(const Tensor& x) { return activation(kHardsigmoid, x, {}); }
Tensor& hardsigmoid_(Tensor& x) { return activation_(kHardsigmoid, x, {}); }

Tensor softplus(const Tensor& x, double beta, double threshold) { return activation(kSoftplus, x, {beta, threshold}); }
Tensor softshrink(const Tensor& x, double lambd) {
  check_floating(x, kSoftshrink);
  return activation(kSoftshrink, x, shrink_params(x, lambd, "softshrink"));
}
Tensor hardshrink(const Tensor& x, double lambd) { return activation(kHardshrink, x, {lambd}); }

Tensor threshold(const Tensor& x, double threshold, double value) {
  return activation(kThreshold, x, {threshold, value});
}
Tensor& threshold_(Tensor& x, double threshold, double value) { return activation_(kThreshold, x, {threshold, value}); }

Tensor log_sigmoid(const Tensor& x) { return activation(kLogSigmoid, x, {}); }

// ---- rrelu ----
// Note [RReLU]
// Training draws a slope for each x <= 0 (kernels::rrelu_noise, PyTorch's
// stream) and keeps it as `noise` (1 elsewhere): backward is grad * noise.
// Evaluation is a leaky ReLU with slope (lower + upper) / 2 under rrelu's
// own node name; PyTorch's backward also falls back to that slope in training
// when upper - lower <= 1e-6.

namespace {

struct RreluAttrs {
  double lower, upper;
  bool training, from_result;
};

Grads rrelu_formula(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<RreluAttrs>();
  if (a.training && a.upper - a.lower > 1e-6) return {mul(g[0], n.saved_at(1))};
  Tensor v = n.saved_at(0);
  return {where(gt(v, 0), g[0], mul_scalar(g[0], (a.lower + a.upper) / 2))};
}

void check_rrelu(const Tensor& x, double lower, double upper) {
  if (!is_floating(x.dtype()))
    raise(ErrorKind::NotImplemented, "\"rrelu_with_noise_cpu\" not implemented for '", scalar_type_name(x.dtype()),
          "'");
  TC_CHECK(lower <= upper, "Lower bound should be less than or equal to the upper bound");
}

// y = rrelu(x) into a new contiguous tensor, and the noise (undefined in evaluation).
std::pair<Tensor, Tensor> rrelu_values(const Tensor& x, double lower, double upper, bool training, Generator* g) {
  if (!training) return {forward_values(kLeakyRelu, x, {(lower + upper) / 2}), Tensor()};
  Tensor xc = contig(x);
  Tensor out = empty(x.sizes(), x.dtype()), noise = empty(x.sizes(), x.dtype());
  if (x.numel() > 0) {
    Generator& gen = g ? *g : default_generator();
    kernels::rrelu_noise(x.dtype(), x.numel(), xc->data_bytes(), out->data_bytes(), noise->data_bytes(), lower, upper,
                         gen);
  }
  return {out, noise};
}

}  // namespace

Tensor rrelu(const Tensor& x, double lower, double upper, bool training, Generator* g) {
  check_rrelu(x, lower, upper);
  auto [out, noise] = rrelu_values(x, lower, upper, training, g);
  if (auto* n = record("RreluWithNoiseBackward0", rrelu_formula, {&x}, {&out})) {
    n->save(x);
    n->save(noise);
    n->attrs = RreluAttrs{lower, upper, training, false};
  }
  return out;
}

Tensor& rrelu_(Tensor& x, double lower, double upper, bool training, Generator* g) {  // Note [In-place activations ...]
  check_rrelu(x, lower, upper);
  autograd::check_inplace(x, "rrelu");
  check_no_internal_overlap(x);
  auto [out, noise] = rrelu_values(x, lower, upper, training, g);
  if (!autograd::any_requires_grad({&x})) {
    copy_(x, out);
    return x;
  }
  FormulaNode* n = record("RreluWithNoiseBackward1", rrelu_formula, {&x}, {&out});
  TC_INTERNAL_ASSERT(n != nullptr);
  {
    autograd::NoGradGuard ng;
    copy_(x, out);
  }
  autograd::rebase_history(x, out);
  n->save(x, /*is_output=*/true);  // the result: its sign is x's (the slopes are positive)
  n->save(noise);
  n->attrs = RreluAttrs{lower, upper, training, true};
  return x;
}

}  // namespace tc::ops
