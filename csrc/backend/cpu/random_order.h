#pragma once
// Note [Random fill order]
// PyTorch fills a tensor through a TensorIterator, which visits the output in
// memory order: dimensions sorted by stride, the smallest stride fastest (ties
// broken by size). So `x.t().uniform_()` gives each memory slot the same draw
// as `x.uniform_()` would, not the draw of its logical position. Every random
// fill walks in this order so strided outputs get PyTorch's values too.
#include <cstdint>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace tc::cpu {

// Dimensions of an output with these sizes/strides, fastest-moving first, as
// TensorIterator::reorder_dimensions orders them (an insertion sort that only
// swaps on a strict stride difference, or equal strides and a larger size).
inline std::vector<int64_t> fill_order_dims(const Shape& sizes, const Shape& strides) {
  const int64_t n = static_cast<int64_t>(sizes.size());
  std::vector<int64_t> perm(n);
  for (int64_t i = 0; i < n; ++i) perm[i] = n - 1 - i;
  auto should_swap = [&](int64_t d0, int64_t d1) {
    const int64_t s0 = strides[d0], s1 = strides[d1];
    if (s0 == 0 || s1 == 0) return 0;
    if (s0 != s1) return s0 < s1 ? -1 : 1;
    return sizes[d0] > sizes[d1] ? 1 : 0;
  };
  for (int64_t i = 1; i < n; ++i) {
    int64_t d1 = i;
    for (int64_t d0 = i - 1; d0 >= 0; --d0) {
      const int c = should_swap(perm[d0], perm[d1]);
      if (c > 0) {
        std::swap(perm[d0], perm[d1]);
        d1 = d0;
      } else if (c < 0) {
        break;
      }
    }
  }
  return perm;
}

// Calls f(out_offset, in_offset) for each element of an output (sizes,
// out_strides) in fill order; in_strides (same rank, may be null) walks a
// second operand, e.g. an expanded probability tensor, alongside.
template <typename F>
void visit_in_fill_order(const Shape& sizes, const Shape& out_strides, const Shape* in_strides, F&& f) {
  const int64_t n = static_cast<int64_t>(sizes.size());
  int64_t numel = 1;
  for (int64_t s : sizes) numel *= s;
  if (numel == 0) return;
  const std::vector<int64_t> perm = fill_order_dims(sizes, out_strides);
  std::vector<int64_t> idx(n, 0);
  int64_t out_off = 0, in_off = 0;
  for (int64_t k = 0; k < numel; ++k) {
    f(out_off, in_off);
    for (int64_t j = 0; j < n; ++j) {
      const int64_t dim = perm[j];
      if (++idx[dim] < sizes[dim]) {
        out_off += out_strides[dim];
        if (in_strides) in_off += (*in_strides)[dim];
        break;
      }
      out_off -= out_strides[dim] * (sizes[dim] - 1);
      if (in_strides) in_off -= (*in_strides)[dim] * (sizes[dim] - 1);
      idx[dim] = 0;
    }
  }
}

}  // namespace tc::cpu
