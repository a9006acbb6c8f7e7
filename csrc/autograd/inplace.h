#pragma once
// History of tensors written in place.
//
// Note [In-place on views]
// After an in-place op writes `result` into `self`, self takes result's
// history. When self is a view of a tensor that requires grad, the write also
// changed that base (the root of the view chain), so, as PyTorch does:
//  - the base's history becomes CopySlices(base before the write, result):
//    the viewed region's gradient flows to result, the rest to the old base;
//  - self becomes a strided view of the new base (AsStridedBackward0).
// This needs the base to be contiguous (a view's sizes, strides and offset
// then also address the base's contiguous gradient) and self not to overlap
// itself; check_inplace() raises otherwise, before anything is written.
#include "core/tensor.h"

namespace tc::autograd {

// Raises the errors PyTorch raises for an in-place write into `self` that
// autograd would have to record (op names the op in the message).
// writes_data: false for the in-place view ops (t_, unsqueeze_, ...), which
// change only the geometry: the checks of a write through a view (overlap,
// dtype, dense base) do not apply to them (Note [In-place view ops]).
// others_require_grad: another operand brings a gradient in (Note [Views taken in no_grad mode]).
void check_inplace(const Tensor& self, const char* op, bool writes_data = true, bool others_require_grad = false);
// Raises when `t`, a view taken in no_grad mode of a tensor that requires grad, is used after its base was
// written (Note [Views taken in no_grad mode]).
void check_no_grad_view_history(const Tensor& t);

// The input an in-place op computes from when it records history: a copy of
// self's current values (the op's backward may save it, and the write is about
// to change self) that carries self's history, so no extra node appears.
Tensor snapshot_for_inplace(const Tensor& self);

// `self` now holds `result`'s values: give it (and its view base) the history.
void rebase_history(const Tensor& self, const Tensor& result);

// Note [In-place view ops]
// t_, transpose_, swapdims_, squeeze_, unsqueeze_ and as_strided_ give self the
// geometry of `view` (that op applied to self out of place) without touching
// the data. PyTorch counts them as in-place ops:
//  - the version counter is bumped, so a tensor saved for backward before the
//    change is refused at backward ("modified by an inplace operation")
//    instead of being read with its new shape (for a square t_() that was a
//    silently transposed gradient);
//  - self's history becomes the view's node on top of self's old history
//    (TBackward1, UnsqueezeBackward1, ...; the caller renames it);
//  - a view stays a view of the same base, with its new geometry, so a later
//    write through it reaches the base's right elements.
void commit_inplace_view(const Tensor& self, const Tensor& view);

// Note [Stale view history]
// A view records its history when it is made (SliceBackward0 from the base's
// grad_fn at that time). An in-place write to the base, or through another
// view of it, later changes the values the view shows, and PyTorch then
// regenerates the view's grad_fn the next time it is used: AsStridedBackward0
// from the base's current history. Without that, `v = y[:2]; y.mul_(3);
// v.sum().backward()` sends v's gradient around the mul_ (silently wrong).
// The version counter (shared by a base and all its views) tells: the view
// keeps the value it had when its grad_fn was set (AutogradMeta::view_version);
// gradient_edge() calls this when the two differ.
void refresh_stale_view(const Tensor& view);

}  // namespace tc::autograd
