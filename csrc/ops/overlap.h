#pragma once
// Memory-overlap checks for ops that write into an existing tensor.
//
// Note [Write overlap]
// As PyTorch: writing into a tensor whose elements alias each other (an
// expanded tensor) is an error, and so is an in-place op whose input shares
// some but not all of the written memory when both are dense (a[1:] += a[:-1],
// x += x.t()), because the result would depend on the order elements are
// visited. Identical operands (x += x) are fine; overlap between tensors that
// are not dense is not checked (PyTorch calls it too hard and allows it).
#include "core/tensor.h"

namespace tc::ops {

// True when t's elements fill [offset, offset + numel) exactly once, in some dim order
// (a contiguous tensor, or a permutation of one).
bool non_overlapping_and_dense(const Tensor& t);
// Raises unless no two elements of `t` share memory (stride-0 dims of size > 1).
void check_no_internal_overlap(const Tensor& t);
// Raises when `written` and `input` partially overlap (see the Note).
void check_no_partial_overlap(const Tensor& written, const Tensor& input);

}  // namespace tc::ops
