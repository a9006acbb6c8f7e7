#pragma once
// Typed payloads of the derivative-table nodes (Note [Typed node payloads] in
// autograd/function.h): what an op records for its formula, by name. The op
// sets `n->attrs = attrs::X{...}`; the formula reads `n.attrs_as<attrs::X>()`.
// Saved tensors stay in FormulaNode::saved, in the order each struct notes.
#include <cstdint>

#include "core/tensor.h"

namespace tc::autograd::attrs {

// index (saved: the indices), embedding (saved: the indices): the shape of
// the input that was indexed. view, reshape (ViewBackward0,
// ReshapeAliasBackward0, UnsafeViewBackward0), squeeze and expand (saved:
// nothing): the input's shape, which the gradient is reshaped or summed to.
struct InputShape {
  Shape input_shape;
};

// mm and addmm (saved: mat1, then mat2, each undefined when the other operand
// needs no gradient; Note [Product operands saved on demand]): the operands'
// layouts, which decide the layout of each gradient.
struct MatmulLayout {
  bool mat1_column_major = false;
  bool mat2_column_major = false;
};

// index_put (saved: the indices).
struct IndexPut {
  bool accumulate = false;
};

// index_select and gather (saved: the index), sort and topk (saved: the
// indices), unbind (saved: nothing): the wrapped dim and the input's shape.
struct DimInput {
  int64_t dim = 0;
  Shape input_shape;
};

// scatter_add (saved: the index).
struct ScatterAdd {
  int64_t dim = 0;
};

// nll_loss (saved: target, weight (may be undefined), the weight sum).
struct NllLoss {
  Shape input_shape;
  int64_t ignore_index = -100;
  int64_t reduction = 1;  // 0 none, 1 mean, 2 sum
};

// as_strided_scatter into zeros: the window (size, stride, storage offset)
// the gradient was written through.
struct StridedWindow {
  Shape size;
  Shape stride;
  int64_t offset = 0;
};

// softmax, log_softmax (saved: the output), cumsum, unsqueeze, stack
// (saved: nothing): the wrapped dim the op worked along (or inserted).
struct Dim {
  int64_t dim = 0;
};

// ---- reductions (autograd/derivatives_reduce.cpp) ----

// sum, mean (saved: nothing), prod, amax/amin, max/min over all, logsumexp
// (saved: the input, the output): the input's shape, the reduced dims
// (wrapped; empty = all dims) and keepdim.
struct Reduction {
  Shape input_shape;
  Shape dims;
  bool keepdim = false;
};

// var (saved: the input), std (saved: the input, the output).
struct VarStd {
  Reduction red;
  double correction = 1.0;
};

// linalg.vector_norm (saved: the input, the output).
struct Norm {
  Reduction red;
  double p = 2.0;
};

// max/min along a dim (saved: the indices).
struct MaxMinDim {
  Shape input_shape;
  int64_t dim = 0;
  bool keepdim = false;
};

// ---- views and joins (autograd/derivatives_views.cpp) ----

// permute (saved: nothing): the wrapped permutation; flip (saved: nothing):
// the wrapped dims that were flipped.
struct Dims {
  Shape dims;
};

// repeat (saved: nothing).
struct Repeat {
  Shape input_shape;
  Shape repeats;
};

// as_strided, and the AsStridedBackward0 that rebase_history records for a
// view written in place (saved: nothing): the input's geometry and the
// window taken from its storage (offsets are absolute storage offsets).
struct AsStrided {
  Shape input_size;
  Shape input_stride;
  int64_t input_offset = 0;
  Shape size;
  Shape stride;
  int64_t offset = 0;
};

// CopySlices (Note [In-place on views], saved: nothing): the base's shape and
// the window (size, stride, offset relative to the base) written through.
struct CopySlices {
  Shape base_shape;  // in `perm`'s order when that is set
  Shape size;
  Shape stride;
  int64_t offset = 0;
  // Note [CopySlices on a permuted base]: empty for a contiguous base; for a
  // dense base in another dim order (after t_() or transpose_()), the order of
  // its dims by decreasing stride, which makes it contiguous.
  Shape perm;
};

// transpose and t (saved: nothing): the two wrapped dims swapped.
struct Transpose {
  int64_t dim0 = 0;
  int64_t dim1 = 0;
};

// select (saved: nothing): the index is wrapped to be non-negative.
struct Select {
  Shape input_shape;
  int64_t dim = 0;
  int64_t index = 0;
};

// slice (saved: nothing): start and end are clamped to [0, size].
struct Slice {
  Shape input_shape;
  int64_t dim = 0;
  int64_t start = 0;
  int64_t end = 0;
  int64_t step = 1;
};

// split, split_with_sizes (saved: nothing): the size of each piece.
struct Split {
  Shape input_shape;
  Shape sizes;
  int64_t dim = 0;
};

// diagonal (saved: nothing).
struct Diagonal {
  Shape input_shape;
  int64_t offset = 0;
  int64_t dim1 = 0;
  int64_t dim2 = 0;
};

// cat (saved: nothing): each input's size along the wrapped dim.
struct Cat {
  Shape sizes;
  int64_t dim = 0;
};

// ---- elementwise (autograd/derivatives_elementwise.cpp) ----

// clamp (saved: the input): the bounds, -inf/inf where not given.
struct Clamp {
  double min = 0.0;
  double max = 0.0;
};

}  // namespace tc::autograd::attrs
