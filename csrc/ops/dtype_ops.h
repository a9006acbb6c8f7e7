#pragma once
// Ops on the storage dtypes (Note [DType codes]): widening at op boundaries
// and Tensor.view(dtype).
//
// Note [Storage dtypes at op boundaries]
// The nn ops whose kernels exist only for the compute dtypes (layer_norm,
// losses, convolution, pooling, attention) take float16 / bfloat16 inputs by
// converting at their boundary: inputs are widened to the compute dtype by
// recorded casts, the op runs there, and the result is narrowed back by a
// recorded cast. Values are PyTorch's (computed in float32, rounded once) and
// gradients flow back in the storage dtype; the result's grad_fn is the cast
// (ToCopyBackward0) rather than the op's node. Elementwise ops, reductions,
// products, softmax and activations instead widen inside, below autograd, and
// record their own nodes.
#include <initializer_list>

#include "ops/ops.h"

namespace tc::ops {

// True when any defined tensor among `ts` has a storage (non-compute) dtype.
inline bool needs_widening(std::initializer_list<const Tensor*> ts) {
  for (const Tensor* t : ts)
    if (t->defined() && !is_compute_dtype(t->dtype())) return true;
  return false;
}

// Tensor.view(dtype): the same bytes read as another dtype (ops/views.cpp).
Tensor view_dtype(const Tensor& a, DType dt);

// t in its compute dtype (a recorded cast), or t itself; undefined stays undefined.
inline Tensor widen(const Tensor& t) {
  return t.defined() && !is_compute_dtype(t.dtype()) ? to_dtype(t, compute_dtype(t.dtype())) : t;
}

}  // namespace tc::ops
