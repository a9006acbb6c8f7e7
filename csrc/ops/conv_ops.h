#pragma once
// Convolution and pooling ops (ops/conv.cpp): argument checks, output sizes,
// allocation and one backward node each, named as PyTorch names them
// (ConvolutionBackward0, MaxPool2DWithIndicesBackward0, AvgPool2DBackward0,
// AdaptiveAvgPool2DBackward0); the loops are backend kernels
// (backend/kernels_conv.h). Backward runs the fused kernels, or, when a graph
// of the gradient is wanted (create_graph=True), differentiable ops whose own
// nodes are PyTorch's *BackwardBackward0.
#include <optional>
#include <tuple>

#include "ops/ops.h"

namespace tc::ops {

// Convolution of a batched input: (N, C, L) with an (O, C/groups, K) weight,
// or (N, C, H, W) with an (O, C/groups, KH, KW) weight. stride, dilation,
// pad_before and pad_after have one entry per spatial dim (pad_after differs
// from pad_before only for padding='same' with an even kernel). bias is
// undefined or (O,).
Tensor convolution(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
                   const Shape& pad_before, const Shape& pad_after, const Shape& dilation, int64_t groups);

// Pooling of (C, H, W) or (N, C, H, W) input; kernel, stride, padding and
// dilation have two entries (an empty stride means the kernel size).
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, const Shape& kernel, const Shape& stride,
                                                   const Shape& padding, const Shape& dilation, bool ceil_mode);
Tensor avg_pool2d(const Tensor& input, const Shape& kernel, const Shape& stride, const Shape& padding, bool ceil_mode,
                  bool count_include_pad, std::optional<int64_t> divisor_override);
// A 1x1 output is a mean over the last two dims (PyTorch records MeanBackward1).
Tensor adaptive_avg_pool2d(const Tensor& input, int64_t out_h, int64_t out_w);

}  // namespace tc::ops
