#pragma once
// Fused nn.functional kernels that PyTorch also implements as single ops
// (activations, layer_norm, the regression and binary losses). Each records
// one backward node named as PyTorch names it; the backward formulas use the
// public ops when a graph of the gradient is wanted (create_graph=True) and a
// fused kernel otherwise. Implemented in ops/nn_functional.cpp.
#include "ops/ops.h"

namespace tc::ops {

// Reductions of the losses, as PyTorch numbers them.
enum LossReduction : int { kReduceNone = 0, kReduceMean = 1, kReduceSum = 2 };

// approximate: 0 = exact (erf), 1 = tanh approximation.
Tensor gelu(const Tensor& x, int approximate);
Tensor gelu_backward(const Tensor& grad, const Tensor& x, int approximate);

// Normalises over the trailing dims `normalized_shape`; weight/bias may be
// undefined (elementwise_affine=False).
Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias, double eps);

// `input` and `target` have the same shape (callers broadcast first); weight
// and pos_weight are undefined or already expanded to input's shape.
Tensor mse_loss(const Tensor& input, const Tensor& target, int reduction);
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight, int reduction);
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, const Tensor& weight,
                                        const Tensor& pos_weight, int reduction);

// embedding() with nn.Embedding's padding_idx (no gradient flows to that row;
// pass a negative value for none) and scale_grad_by_freq.
Tensor embedding_ex(const Tensor& weight, const Tensor& indices, int64_t padding_idx, bool scale_grad_by_freq);

}  // namespace tc::ops

namespace tc::ops {

// softmax(q k^T * scale + mask) v, fused (ops/attention.cpp). q [..., L, E],
// k [..., S, E], v [..., S, Ev]; leading dims broadcast; attn_mask (undefined,
// bool, or q's dtype) broadcasts to [..., L, S]; enable_gqa lets key/value
// heads (dim -3) divide the query heads. dropout_p > 0 drops attention weights
// with tensorcore's own random stream (not PyTorch's).
Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& attn_mask,
                                    double dropout_p, bool is_causal, std::optional<double> scale, bool enable_gqa);

}  // namespace tc::ops
