#pragma once
// Typed payloads of the derivative-table nodes (Note [Typed node payloads] in
// autograd/function.h): what an op records for its formula, by name. The op
// sets `n->attrs = attrs::X{...}`; the formula reads `n.attrs_as<attrs::X>()`.
// Saved tensors stay in FormulaNode::saved, in the order each struct notes.
#include <cstdint>

#include "core/tensor.h"

namespace tc::autograd::attrs {

// index (saved: the indices), embedding (saved: the indices): the shape of
// the input that was indexed.
struct InputShape {
  Shape input_shape;
};

// index_put (saved: the indices).
struct IndexPut {
  bool accumulate = false;
};

// index_select and gather (saved: the index): the dim and the input's shape.
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

}  // namespace tc::autograd::attrs
