#pragma once
// Pointwise activations with PyTorch's node names (ops/activation.cpp): each
// is one fused kernel (backend/kernels_nn.h) and one backward node; the `_`
// forms write in place and record history (Note [In-place activations record
// their own node]). Floating inputs only, as PyTorch's kernels ("elu_cpu" not
// implemented for 'Long'); the integer forms of hardtanh/threshold that
// PyTorch accepts are clamp/where in tensorcore.nn.functional.
#include "ops/ops.h"

namespace tc {
struct Generator;
}

namespace tc::ops {

Tensor leaky_relu(const Tensor& x, double negative_slope);
Tensor& leaky_relu_(Tensor& x, double negative_slope);
// elu(x) = scale * (x > 0 ? x : alpha * (exp(input_scale * x) - 1)); SELU and
// CELU are ELUs with fixed constants (CELU keeps its own node name).
Tensor elu(const Tensor& x, double alpha, double scale, double input_scale);
Tensor& elu_(Tensor& x, double alpha, double scale, double input_scale);
Tensor selu(const Tensor& x);
Tensor& selu_(Tensor& x);
Tensor celu(const Tensor& x, double alpha);
Tensor& celu_(Tensor& x, double alpha);
Tensor hardtanh(const Tensor& x, double min_val, double max_val);
Tensor& hardtanh_(Tensor& x, double min_val, double max_val);
Tensor silu(const Tensor& x);
Tensor& silu_(Tensor& x);
Tensor mish(const Tensor& x);
Tensor& mish_(Tensor& x);
Tensor hardswish(const Tensor& x);
Tensor& hardswish_(Tensor& x);
Tensor hardsigmoid(const Tensor& x);
Tensor& hardsigmoid_(Tensor& x);
Tensor softplus(const Tensor& x, double beta, double threshold);
Tensor softshrink(const Tensor& x, double lambd);
Tensor hardshrink(const Tensor& x, double lambd);
Tensor threshold(const Tensor& x, double threshold, double value);
Tensor& threshold_(Tensor& x, double threshold, double value);
Tensor log_sigmoid(const Tensor& x);
// RReLU (Note [RReLU] in ops/activation.cpp); g: the generator (null: the default one).
Tensor rrelu(const Tensor& x, double lower, double upper, bool training, Generator* g);
Tensor& rrelu_(Tensor& x, double lower, double upper, bool training, Generator* g);

}  // namespace tc::ops
