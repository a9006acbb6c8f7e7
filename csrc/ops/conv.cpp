// Convolution and pooling ops (ops/conv_ops.h). Each op checks its arguments
// with PyTorch's errors, computes the output size, allocates, calls one kernel
// of backend/kernels_conv.h and records one node whose state is a typed
// payload (Note [Typed node payloads]).
//
// Note [Convolution and pooling double backward]
// The backward formulas call the fused backward kernels when no graph of the
// gradient is wanted. Under create_graph they call ops that record nodes
// themselves, so gradients of gradients work to any order:
//   convolution      -> convolution_backward (ConvolutionBackwardBackward0),
//                       whose backward is convolutions and itself
//   max_pool2d       -> max_pool2d_backward (scatter at the indices), whose
//                       backward gathers at the same indices
//   avg_pool2d       -> avg_pool2d_backward, whose backward is avg_pool2d
//   adaptive_avg     -> adaptive_avg_pool2d_backward, whose backward is the pool
#include "ops/conv_ops.h"
#include "ops/dtype_ops.h"

#include <algorithm>

#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "backend/kernels.h"
#include "core/error.h"
#include "core/shape_util.h"

namespace tc::ops {

using autograd::FormulaNode;
using autograd::record;
using Grads = std::vector<Tensor>;
using kernels::ConvGeometry;
using kernels::PoolGeometry;

namespace {

// A contiguous tensor with `t`'s values (no copy when already contiguous).
Tensor contig(const Tensor& t) {
  autograd::NoGradGuard ng;
  return contiguous(t);
}

// Backward kernels are float32 / float64 only, and the forward kernels of
// convolution and max/avg pooling also take int32 / int64 (as PyTorch's):
// other dtypes raise PyTorch's "not implemented" for the kernel it would run.
void check_input_dtype(const Tensor& t, const char* kernel, bool integers) {
  const DType dt = t.dtype();
  if (dt != DType::Float32 && dt != DType::Float64 && !(integers && (dt == DType::Int32 || dt == DType::Int64)))
    raise(ErrorKind::NotImplemented, "\"", kernel, "\" not implemented for '", scalar_type_name(dt), "'");
}

// ---------------------------------------------------------------- convolution

struct ConvAttrs {
  ConvGeometry g;
  bool has_bias = false;
};

// The convolution with its geometry already checked (ConvolutionBackward0).
Tensor convolution_apply(const Tensor& x, const Tensor& w, const Tensor& bias, const ConvAttrs& a);

// grad_x, grad_w, grad_b (each undefined unless asked for) from the fused
// kernels; records ConvolutionBackwardBackward0 when a graph is wanted.
Grads convolution_backward(const Tensor& go, const Tensor& x, const Tensor& w, const ConvAttrs& a, bool need_x,
                           bool need_w, bool need_b);

Shape conv_out_sizes(const ConvAttrs& a, int64_t dim) {
  return dim == 4 ? Shape{a.g.N, a.g.O, a.g.OH, a.g.OW} : Shape{a.g.N, a.g.O, a.g.OW};
}

Grads convolution_formula(FormulaNode& n, const Grads& gr) {
  const ConvAttrs& a = n.attrs_as<ConvAttrs>();
  return convolution_backward(gr[0], n.saved_at(0), n.saved_at(1), a, n.needs_grad(0), n.needs_grad(1),
                              a.has_bias && n.needs_grad(2));
}

// The backward is bilinear in (grad_out, x) and (grad_out, w), so its own
// gradients are convolutions again: for perturbations ggx, ggw, ggb of its
// outputs, d grad_out = conv(ggx, w) + conv(x, ggw) + ggb, dx = the input
// gradient of grad_out through weight ggw, dw = the weight gradient of
// grad_out over input ggx.
Grads convolution_backward_formula(FormulaNode& n, const Grads& gr) {
  const ConvAttrs& a = n.attrs_as<ConvAttrs>();
  Tensor go = n.saved_at(0), x = n.saved_at(1), w = n.saved_at(2);
  const Tensor ggx = gr.size() > 0 ? gr[0] : Tensor();
  const Tensor ggw = gr.size() > 1 ? gr[1] : Tensor();
  const Tensor ggb = gr.size() > 2 ? gr[2] : Tensor();
  Tensor dgo, dx, dw;
  if (n.needs_grad(0)) {
    ConvAttrs plain = a;
    plain.has_bias = false;
    if (ggx.defined()) dgo = convolution_apply(ggx, w, Tensor(), plain);
    if (ggw.defined()) {
      Tensor t = convolution_apply(x, ggw, Tensor(), plain);
      dgo = dgo.defined() ? add(dgo, t) : t;
    }
    if (ggb.defined()) {
      Shape bshape(go.dim(), 1);
      bshape[1] = a.g.O;
      Tensor t = expand(reshape(ggb, bshape), go.sizes());
      dgo = dgo.defined() ? add(dgo, t) : t;
    }
    if (!dgo.defined()) dgo = zeros(go.sizes(), go.dtype());
  }
  if (n.needs_grad(1) && ggw.defined()) dx = convolution_backward(go, x, ggw, a, true, false, false)[0];
  if (n.needs_grad(2) && ggx.defined()) dw = convolution_backward(go, ggx, w, a, false, true, false)[1];
  return {dgo, dx, dw};
}

Grads convolution_backward(const Tensor& grad_out, const Tensor& x, const Tensor& w, const ConvAttrs& a, bool need_x,
                           bool need_w, bool need_b) {
  const DType dt = x.dtype();
  Tensor go = contig(grad_out);
  Tensor gx, gw, gb;
  if (need_x) {
    gx = empty(x.sizes(), dt);
    kernels::conv2d_backward_input(dt, a.g, go.data<void>(), contig(w).data<void>(), gx.data<void>());
  }
  if (need_w) {
    gw = empty(w.sizes(), dt);
    if (need_b) gb = empty({a.g.O}, dt);
    kernels::conv2d_backward_weight(dt, a.g, go.data<void>(), contig(x).data<void>(), gw.data<void>(),
                                    need_b ? gb.data<void>() : nullptr);
  } else if (need_b) {
    autograd::NoGradGuard ng;
    gb = sum(reshape(go, {a.g.N, a.g.O, a.g.OH * a.g.OW}), {0, 2}, false);
  }
  if (auto* n =
          record("ConvolutionBackwardBackward0", convolution_backward_formula, {&grad_out, &x, &w}, {&gx, &gw, &gb})) {
    n->save(grad_out);
    n->save(x);
    n->save(w);
    n->attrs = a;
  }
  return {gx, gw, gb};
}

Tensor convolution_apply(const Tensor& x, const Tensor& w, const Tensor& bias, const ConvAttrs& a) {
  Tensor out = empty(conv_out_sizes(a, x.dim()), x.dtype());
  Tensor xc = contig(x), wc = contig(w), bc = bias.defined() ? contig(bias) : Tensor();
  if (out.numel() > 0)
    kernels::conv2d_forward(x.dtype(), a.g, xc.data<void>(), wc.data<void>(), bc.defined() ? bc.data<void>() : nullptr,
                            out.data<void>());
  if (auto* n = record("ConvolutionBackward0", convolution_formula, {&x, &w, &bias}, {&out})) {
    n->save(x);
    n->save(w);
    n->attrs = a;
  }
  return out;
}

// ---------------------------------------------------------------- pooling

struct PoolAttrs {
  PoolGeometry g;
  Shape input_sizes;
  bool count_include_pad = true;  // avg_pool2d only
  int64_t divisor_override = 0;   // avg_pool2d only; 0: none
};

// Output size along one dim (PyTorch's pooling_output_shape).
int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

int64_t pool_out_size(int64_t size, int64_t k, int64_t s, int64_t p, int64_t d, bool ceil_mode) {
  const int64_t span = size + 2 * p - d * (k - 1) - 1;
  int64_t n = floor_div(span + (ceil_mode ? s - 1 : 0), s) + 1;
  if (ceil_mode && (n - 1) * s >= size + p) --n;  // the last window must start inside the input or left padding
  return n;
}

Shape pair_arg(const Shape& v, const char* op, const char* what, const Shape& dflt) {
  if (v.empty() && !dflt.empty()) return dflt;
  TC_CHECK(v.size() == 1 || v.size() == 2, op, ": ", what, " must either be a single int, or a tuple of two ints");
  return v.size() == 1 ? Shape{v[0], v[0]} : v;
}

// (C) or (N, C): the independent planes of a pooling input.
int64_t planes_of(const Tensor& x) { return x.dim() == 4 ? x.size(0) * x.size(1) : x.size(0); }

// Checks a pooling input and fills the geometry (planes, sizes, output size).
PoolAttrs pool_attrs(const Tensor& x, const char* op, const Shape& kernel_arg, const Shape& stride_arg,
                     const Shape& padding_arg, const Shape& dilation_arg, bool ceil_mode) {
  TC_CHECK(x.dim() == 3 || x.dim() == 4, op,
           ": Expected 3D (unbatched) or 4D (batched) input, but got input of size: ", shape_str(x.sizes()));
  const Shape kernel = pair_arg(kernel_arg, op, "kernel_size", {});
  const Shape stride = pair_arg(stride_arg, op, "stride", kernel);
  const Shape padding = pair_arg(padding_arg, op, "padding", {});
  const Shape dilation = pair_arg(dilation_arg, op, "dilation", {});
  TC_CHECK(kernel[0] > 0 && kernel[1] > 0, op, ": kernel_size must be greater than zero, but got kH: ", kernel[0],
           " kW: ", kernel[1]);
  TC_CHECK(stride[0] != 0 && stride[1] != 0, "stride should not be zero");
  TC_CHECK(stride[0] > 0 && stride[1] > 0, op, ": stride must be greater than zero, but got dH: ", stride[0],
           " dW: ", stride[1]);
  TC_CHECK(dilation[0] > 0 && dilation[1] > 0, op,
           ": dilation must be greater than zero, but got dilationH: ", dilation[0], " dilationW: ", dilation[1]);
  for (int i = 0; i < 2; ++i)
    TC_CHECK(padding[i] >= 0 && padding[i] <= kernel[i] / 2, op,
             ": pad should be at most half of effective kernel size, but got pad=", padding[i],
             ", kernel_size=", kernel[i]);
  PoolAttrs a;
  PoolGeometry& g = a.g;
  g.H = x.size(x.dim() - 2);
  g.W = x.size(x.dim() - 1);
  g.planes = planes_of(x);
  g.KH = kernel[0];
  g.KW = kernel[1];
  g.sh = stride[0];
  g.sw = stride[1];
  g.ph = padding[0];
  g.pw = padding[1];
  g.dh = dilation[0];
  g.dw = dilation[1];
  g.OH = pool_out_size(g.H, g.KH, g.sh, g.ph, g.dh, ceil_mode);
  g.OW = pool_out_size(g.W, g.KW, g.sw, g.pw, g.dw, ceil_mode);
  TC_CHECK(g.OH > 0 && g.OW > 0, op, ": output size is too small (", g.OH, "x", g.OW, ") for input of size ",
           shape_str(x.sizes()));
  a.input_sizes = x.sizes();
  return a;
}

Shape pooled_sizes(const Shape& in, int64_t oh, int64_t ow) {
  Shape out = in;
  out[out.size() - 2] = oh;
  out[out.size() - 1] = ow;
  return out;
}

// max_pool2d

Tensor max_pool2d_backward(const Tensor& grad_out, const Tensor& indices, const PoolAttrs& a);

Grads max_pool2d_formula(FormulaNode& n, const Grads& gr) {
  return {max_pool2d_backward(gr[0], n.saved_at(0), n.attrs_as<PoolAttrs>())};
}

// d(grad_x)/d(grad_out) picks grad_x's elements at the indices: a gather.
Grads max_pool2d_backward_formula(FormulaNode& n, const Grads& gr) {
  const PoolAttrs& a = n.attrs_as<PoolAttrs>();
  Tensor idx = reshape(n.saved_at(0), {a.g.planes, a.g.OH * a.g.OW});
  Tensor picked = gather(reshape(gr[0], {a.g.planes, a.g.H * a.g.W}), 1, idx);
  return {reshape(picked, pooled_sizes(a.input_sizes, a.g.OH, a.g.OW))};
}

Tensor max_pool2d_backward(const Tensor& grad_out, const Tensor& indices, const PoolAttrs& a) {
  Tensor go = contig(grad_out);
  Tensor gx = empty(a.input_sizes, grad_out.dtype());
  kernels::max_pool2d_backward(grad_out.dtype(), a.g, go.data<void>(), contig(indices).data<int64_t>(),
                               gx.data<void>());
  if (auto* n = record("MaxPool2DWithIndicesBackwardBackward0", max_pool2d_backward_formula, {&grad_out}, {&gx})) {
    n->save(indices);
    n->attrs = a;
  }
  return gx;
}

// avg_pool2d

Tensor avg_pool2d_apply(const Tensor& x, const PoolAttrs& a);
Tensor avg_pool2d_backward(const Tensor& grad_out, const PoolAttrs& a);

Grads avg_pool2d_formula(FormulaNode& n, const Grads& gr) {
  return {avg_pool2d_backward(gr[0], n.attrs_as<PoolAttrs>())};
}
Grads avg_pool2d_backward_formula(FormulaNode& n, const Grads& gr) {  // the backward is linear: its adjoint is the pool
  return {avg_pool2d_apply(gr[0], n.attrs_as<PoolAttrs>())};
}

Tensor avg_pool2d_apply(const Tensor& x, const PoolAttrs& a) {
  Tensor xc = contig(x);
  Tensor out = empty(pooled_sizes(a.input_sizes, a.g.OH, a.g.OW), x.dtype());
  kernels::avg_pool2d_forward(x.dtype(), a.g, a.count_include_pad, a.divisor_override, xc.data<void>(),
                              out.data<void>());
  if (auto* n = record("AvgPool2DBackward0", avg_pool2d_formula, {&x}, {&out})) n->attrs = a;
  return out;
}

Tensor avg_pool2d_backward(const Tensor& grad_out, const PoolAttrs& a) {
  Tensor go = contig(grad_out);
  Tensor gx = empty(a.input_sizes, grad_out.dtype());
  kernels::avg_pool2d_backward(grad_out.dtype(), a.g, a.count_include_pad, a.divisor_override, go.data<void>(),
                               gx.data<void>());
  if (auto* n = record("AvgPool2DBackwardBackward0", avg_pool2d_backward_formula, {&grad_out}, {&gx})) n->attrs = a;
  return gx;
}

// adaptive_avg_pool2d

Tensor adaptive_avg_pool2d_apply(const Tensor& x, const PoolAttrs& a);
Tensor adaptive_avg_pool2d_backward(const Tensor& grad_out, const PoolAttrs& a);

Grads adaptive_avg_pool2d_formula(FormulaNode& n, const Grads& gr) {
  return {adaptive_avg_pool2d_backward(gr[0], n.attrs_as<PoolAttrs>())};
}
Grads adaptive_avg_pool2d_backward_formula(FormulaNode& n, const Grads& gr) {
  return {adaptive_avg_pool2d_apply(gr[0], n.attrs_as<PoolAttrs>())};
}

Tensor adaptive_avg_pool2d_apply(const Tensor& x, const PoolAttrs& a) {
  Tensor xc = contig(x);
  Tensor out = empty(pooled_sizes(a.input_sizes, a.g.OH, a.g.OW), x.dtype());
  kernels::adaptive_avg_pool2d_forward(x.dtype(), a.g, xc.data<void>(), out.data<void>());
  if (auto* n = record("AdaptiveAvgPool2DBackward0", adaptive_avg_pool2d_formula, {&x}, {&out})) n->attrs = a;
  return out;
}

Tensor adaptive_avg_pool2d_backward(const Tensor& grad_out, const PoolAttrs& a) {
  Tensor go = contig(grad_out);
  Tensor gx = empty(a.input_sizes, grad_out.dtype());
  kernels::adaptive_avg_pool2d_backward(grad_out.dtype(), a.g, go.data<void>(), gx.data<void>());
  if (auto* n = record("AdaptiveAvgPool2DBackwardBackward0", adaptive_avg_pool2d_backward_formula, {&grad_out}, {&gx}))
    n->attrs = a;
  return gx;
}

}  // namespace

Tensor convolution(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
                   const Shape& pad_before, const Shape& pad_after, const Shape& dilation, int64_t groups) {
  TC_CHECK(input.dim() == 3 || input.dim() == 4, "convolution: expected a 3-D or 4-D (batched) input, got ",
           shape_str(input.sizes()));
  const int64_t spatial = input.dim() - 2;
  const char* op = spatial == 1 ? "conv1d" : "conv2d";
  if (spatial == 2)
    TC_CHECK(weight.dim() == 4, "conv2d: expected a 4-D weight (out_channels, in_channels/groups, kH, kW), got ",
             shape_str(weight.sizes()));
  else
    TC_CHECK(weight.dim() == 3, "conv1d: expected a 3-D weight (out_channels, in_channels/groups, kW), got ",
             shape_str(weight.sizes()));
  TC_CHECK(stride.size() == size_t(spatial) && dilation.size() == size_t(spatial) &&
               pad_before.size() == size_t(spatial) && pad_after.size() == size_t(spatial),
           op, ": stride, padding and dilation must have ", spatial, " elements");
  TC_CHECK(groups > 0, "non-positive groups is not supported");
  // Note [Storage dtypes at op boundaries]: float16/bfloat16 only (PyTorch has no integer convolution).
  if (needs_widening({&input, &weight, &bias}) && is_floating(input.dtype()) && input.dtype() == weight.dtype())
    return to_dtype(
        convolution(widen(input), widen(weight), widen(bias), stride, pad_before, pad_after, dilation, groups),
        input.dtype());
  for (int64_t i = 0; i < spatial; ++i) {
    TC_CHECK(stride[i] > 0, "non-positive stride is not supported");
    TC_CHECK(dilation[i] > 0, "dilation should be greater than zero");
    TC_CHECK(pad_before[i] >= 0 && pad_after[i] >= 0, "negative padding is not supported");
  }
  const int64_t n = input.size(0), c = input.size(1), o = weight.size(0), cg = weight.size(1);
  TC_CHECK(c == cg * groups, "Given groups=", groups, ", weight of size ", shape_str(weight.sizes()),
           ", expected input", shape_str(input.sizes()), " to have ", cg * groups, " channels, but got ", c,
           " channels instead");
  TC_CHECK(o % groups == 0, op, ": out_channels (", o, ") must be divisible by groups (", groups, ")");
  check_input_dtype(input, spatial == 1 ? "slow_conv1d_cpu" : "slow_conv2d_cpu", true);
  TC_CHECK(weight.dtype() == input.dtype(), "expected scalar type ", scalar_type_name(input.dtype()), " but found ",
           scalar_type_name(weight.dtype()));
  if (bias.defined()) {
    TC_CHECK(bias.dim() == 1 && bias.size(0) == o, "Given weight of size ", shape_str(weight.sizes()),
             ", expected bias to be 1-dimensional with ", o, " elements, but got bias of size ",
             shape_str(bias.sizes()), " instead");
    TC_CHECK(bias.dtype() == input.dtype(), "Input type (", type_meta_name(input.dtype()), ") and bias type (",
             type_meta_name(bias.dtype()), ") should be the same");
  }
  ConvAttrs a;
  ConvGeometry& g = a.g;
  g.N = n;
  g.C = c;
  g.O = o;
  g.groups = groups;
  g.H = spatial == 2 ? input.size(2) : 1;
  g.W = input.size(input.dim() - 1);
  g.KH = spatial == 2 ? weight.size(2) : 1;
  g.KW = weight.size(weight.dim() - 1);
  const int64_t last = spatial - 1;
  g.sw = stride[last];
  g.pw = pad_before[last];
  g.dw = dilation[last];
  if (spatial == 2) {
    g.sh = stride[0];
    g.ph = pad_before[0];
    g.dh = dilation[0];
  }
  const int64_t hp = g.H + (spatial == 2 ? pad_before[0] + pad_after[0] : 0);
  const int64_t wp = g.W + pad_before[last] + pad_after[last];
  const int64_t ekh = g.dh * (g.KH - 1) + 1, ekw = g.dw * (g.KW - 1) + 1;
  TC_CHECK(hp >= ekh && wp >= ekw, "Calculated padded input size per channel: (", hp, " x ", wp, "). Kernel size: (",
           ekh, " x ", ekw, "). Kernel size can't be greater than actual input size");
  g.OH = (hp - ekh) / g.sh + 1;
  g.OW = (wp - ekw) / g.sw + 1;
  a.has_bias = bias.defined();

  return convolution_apply(input, weight, bias, a);
}

std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const Shape& kernel, const Shape& stride,
                                                   const Shape& padding, const Shape& dilation, bool ceil_mode) {
  PoolAttrs a = pool_attrs(input, "max_pool2d", kernel, stride, padding, dilation, ceil_mode);
  if (needs_widening({&input})) {  // Note [Storage dtypes at op boundaries]
    auto [values, indices] = max_pool2d_with_indices(widen(input), kernel, stride, padding, dilation, ceil_mode);
    return {to_dtype(values, input.dtype()), indices};
  }
  check_input_dtype(input, "max_pool2d", true);
  Tensor xc = contig(input);
  const Shape out_sizes = pooled_sizes(a.input_sizes, a.g.OH, a.g.OW);
  Tensor out = empty(out_sizes, input.dtype()), indices = empty(out_sizes, DType::Int64);
  kernels::max_pool2d_forward(input.dtype(), a.g, xc.data<void>(), out.data<void>(), indices.data<int64_t>());
  if (auto* n = record("MaxPool2DWithIndicesBackward0", max_pool2d_formula, {&input}, {&out})) {
    n->save(indices);
    n->attrs = a;
  }
  return {out, indices};
}

Tensor avg_pool2d(const Tensor& input, const Shape& kernel, const Shape& stride, const Shape& padding, bool ceil_mode,
                  bool count_include_pad, std::optional<int64_t> divisor_override) {
  PoolAttrs a = pool_attrs(input, "avg_pool2d", kernel, stride, padding, {1}, ceil_mode);
  if (needs_widening({&input}) && is_floating(input.dtype()))  // Note [Storage dtypes at op boundaries]
    return to_dtype(avg_pool2d(widen(input), kernel, stride, padding, ceil_mode, count_include_pad, divisor_override),
                    input.dtype());
  check_input_dtype(input, "avg_pool2d", true);
  if (input.dtype() == DType::Int32)  // PyTorch's CPU kernel takes int64 but not int32
    raise(ErrorKind::NotImplemented, "\"avg_pool2d\" not implemented for 'Int'");
  TC_CHECK(!divisor_override || *divisor_override != 0, "divisor must be not zero");
  a.count_include_pad = count_include_pad;
  a.divisor_override = divisor_override ? *divisor_override : 0;
  return avg_pool2d_apply(input, a);
}

Tensor adaptive_avg_pool2d(const Tensor& input, int64_t out_h, int64_t out_w) {
  TC_CHECK(input.dim() == 3 || input.dim() == 4,
           "adaptive_avg_pool2d: Expected 3D (unbatched) or 4D (batched) input, but got input of size: ",
           shape_str(input.sizes()));
  TC_CHECK(out_h >= 0 && out_w >= 0, "adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 ",
           "but received {", out_h, ", ", out_w, "}");
  for (int64_t d = 1; d < input.dim(); ++d)
    TC_CHECK(input.size(d) > 0,
             "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch "
             "dimensions, but input has sizes ",
             shape_str(input.sizes()), " with dimension ", d, " being empty");
  if (needs_widening({&input}) && is_floating(input.dtype()))  // Note [Storage dtypes at op boundaries]
    return to_dtype(adaptive_avg_pool2d(widen(input), out_h, out_w), input.dtype());
  check_input_dtype(input, "adaptive_avg_pool2d", false);
  if (out_h == 1 && out_w == 1) return mean(input, {-2, -1}, true);  // PyTorch's MeanBackward1
  PoolAttrs a;
  a.g.H = input.size(input.dim() - 2);
  a.g.W = input.size(input.dim() - 1);
  a.g.planes = planes_of(input);
  a.g.OH = out_h;
  a.g.OW = out_w;
  a.input_sizes = input.sizes();
  return adaptive_avg_pool2d_apply(input, a);
}

}  // namespace tc::ops
