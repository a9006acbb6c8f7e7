#include "ops/overlap.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "core/error.h"

namespace tc::ops {
bool non_overlapping_and_dense(const Tensor& t) {
  const int64_t nd = t.dim();
  std::vector<int64_t> order(nd);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return t.strides()[a] < t.strides()[b]; });
  int64_t expected = 1;
  for (int64_t d : order) {
    if (t.size(d) == 1) continue;
    if (t.strides()[d] != expected) return false;
    expected *= t.size(d);
  }
  return true;
}

void check_no_internal_overlap(const Tensor& t) {
  for (int64_t d = 0; d < t.dim(); ++d)
    TC_CHECK(!(t.size(d) > 1 && t.strides()[d] == 0),
             "unsupported operation: more than one element of the written-to tensor refers to a single memory "
             "location. Please clone() the tensor before performing the operation.");
}

void check_no_partial_overlap(const Tensor& written, const Tensor& input) {
  if (!written.defined() || !input.defined() || written->storage != input->storage) return;
  if (written.numel() == 0 || input.numel() == 0) return;
  if (!non_overlapping_and_dense(written) || !non_overlapping_and_dense(input)) return;  // too hard: allowed
  const int64_t w0 = written->offset, w1 = w0 + written.numel();
  const int64_t i0 = input->offset, i1 = i0 + input.numel();
  if (w1 <= i0 || i1 <= w0) return;  // disjoint
  const bool identical =
      w0 == i0 && w1 == i1 && written.sizes() == input.sizes() && written.strides() == input.strides();
  TC_CHECK(identical,
           "unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
           "single memory location. Please clone() the tensor before performing the operation.");
}

}  // namespace tc::ops
