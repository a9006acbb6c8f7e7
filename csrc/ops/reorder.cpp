// Copies that rearrange elements without arithmetic: flip and repeat.
//
// Both read their input through a strided view that the iterator walks
// directly (a negative stride for flip, a stride-0 expand for repeat), so each
// costs one pass over the output and no index tensor.
#include <vector>

#include "autograd/derivatives.h"
#include "autograd/node_attrs.h"
#include "core/error.h"
#include "core/shape_util.h"
#include "ops/ops.h"

namespace tc::ops {

using autograd::record;
namespace d = autograd::d;

Tensor flip(const Tensor& a, const Shape& dims) {
  const int64_t nd = a.dim();
  std::vector<bool> flipped(std::max<int64_t>(nd, 1), false);
  Shape wrapped;
  for (int64_t dim : dims) {
    int64_t w = wrap_dim(dim, nd, "flip");
    TC_CHECK(!flipped[w], "dim ", w, " appears multiple times in the list of dims");
    flipped[w] = true;
    wrapped.push_back(w);
  }
  Shape strides = a.strides();
  int64_t offset = a->offset;
  for (int64_t w = 0; w < nd; ++w) {
    if (!flipped[w] || a.size(w) <= 1) continue;
    offset += (a.size(w) - 1) * strides[w];
    strides[w] = -strides[w];
  }
  Tensor out = empty(a.sizes(), a.dtype());
  {
    autograd::NoGradGuard ng;
    // Internal only: a view with negative strides, never handed to users.
    Tensor reversed = make_view(a, a.sizes(), strides, offset);
    copy_(out, reversed);
  }
  if (auto* n = record("FlipBackward0", d::flip_backward, {&a}, {&out})) n->attrs = autograd::attrs::Dims{wrapped};
  return out;
}

Tensor repeat(const Tensor& a, const Shape& repeats) {
  const int64_t nd = a.dim();
  const int64_t nr = static_cast<int64_t>(repeats.size());
  TC_CHECK(nr >= nd, "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  // Output dim i is repeats[i] copies of input dim i - (nr - nd) (size 1 when padded).
  Shape final_shape(nr), tiled_sizes(2 * nr), tiled_strides(2 * nr, 0);
  for (int64_t i = 0; i < nr; ++i) {
    int64_t src = i - (nr - nd);
    int64_t size = src >= 0 ? a.size(src) : 1;
    TC_CHECK(!__builtin_mul_overflow(repeats[i], size, &final_shape[i]), "repeat: ", repeats[i],
             " copies of a dim of size ", size, " overflow int64 (repeats ", shape_str(repeats), ", input shape ",
             shape_str(a.sizes()), ")");
    tiled_sizes[2 * i] = repeats[i];
    tiled_sizes[2 * i + 1] = size;
    tiled_strides[2 * i + 1] = src >= 0 ? a.strides()[src] : 0;
  }
  for (int64_t s : final_shape)
    TC_CHECK(s >= 0, "Trying to create tensor with negative dimension ", s, ": ", shape_str(final_shape));
  Tensor out = empty(final_shape, a.dtype());
  {
    autograd::NoGradGuard ng;
    Tensor tiles = make_view(out, tiled_sizes, contiguous_strides(tiled_sizes), 0);
    copy_(tiles, make_view(a, tiled_sizes, tiled_strides, a->offset));
  }
  if (auto* n = record("RepeatBackward0", d::repeat_backward, {&a}, {&out}))
    n->attrs = autograd::attrs::Repeat{a.sizes(), repeats};
  return out;
}

}  // namespace tc::ops
