#include "autograd/inplace.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "autograd/derivatives.h"
#include "autograd/function.h"
#include "autograd/meta.h"
#include "autograd/node_attrs.h"
#include "core/error.h"
#include "core/shape_util.h"
#include "ops/ops.h"
#include "ops/overlap.h"

namespace tc::autograd {
namespace {

// The root of self's views, or undefined (Note [Every view knows its base],
// ops/views.cpp).
Tensor view_root(const Tensor& self) {
  AutogradMeta* m = self->autograd.get();
  if (!m || !m->view_base.defined()) return Tensor();
  Tensor base = m->view_base;
  while (base->autograd && base->autograd->view_base.defined()) base = base->autograd->view_base;
  return base;
}

bool overlaps_itself(const Tensor& t) {
  for (int64_t d = 0; d < t.dim(); ++d)
    if (t.size(d) > 1 && t.strides()[d] == 0) return true;
  return false;
}

// PyTorch's refusal of a write into (what) or around (its base written since) a view whose creation
// forbids it (Note [View creation meta]).
[[noreturn]] void raise_view_creation_write(const AutogradMeta& m, const char* what) {
  std::string fn = m.grad_fn->name();
  const size_t backward = fn.rfind("Backward");
  if (backward != std::string::npos) fn.erase(backward);
  if (m.view_creation == ViewCreation::MultiOutput)
    raise(ErrorKind::Runtime, "Output ", m.output_nr, " of ", fn, " is a view and ", what,
          ". This view is the output of a function that returns multiple views. Such functions do not allow the "
          "output views to be modified inplace. You should replace the inplace operation by an out-of-place one.");
  raise(ErrorKind::Runtime, "Output ", m.output_nr, " of ", fn, " is a view and ", what,
        ". This view was created inside a custom Function (or because an input was returned as-is) and the "
        "autograd logic to handle view+inplace would override the custom backward associated with the custom "
        "Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the "
        "output of the custom Function.");
}

// Note [Views taken in no_grad mode]
// A view taken while grad mode is off (ops/views.cpp note_view marks it, and every view taken of it) is
// refused, as in PyTorch (its CreationMeta::NO_GRAD_MODE):
//  - an in-place write with grad mode on that autograd would record (self, its base or another operand
//    requires grad): nothing says whether the write should be tracked;
//  - any use that needs its history once its base has been written since it was taken (the version
//    moved; PyTorch refuses even when the write was itself under no_grad, an optimizer step).
// Such a view requires grad when its base does (Tensor::requires_grad), without a grad_fn or an
// accumulator of its own: ops on it record, and no gradient reaches it or its base through it.
[[noreturn]] void raise_no_grad_view_write(const AutogradMeta& m, bool indirect) {
  std::string prefix = "A view was created in";
  if (m.grad_fn) {
    std::string fn = m.grad_fn->name();
    const size_t backward = fn.rfind("Backward");
    if (backward != std::string::npos) fn.erase(backward);
    prefix = "Output " + std::to_string(m.output_nr) + " of " + fn + " is a view of a view which was created in";
  }
  raise(ErrorKind::Runtime, prefix, " no_grad mode and ",
        indirect ? "its base or another view of its base has been" : "is being",
        " modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is "
        "forbidden. You can clarify your code by moving both the view and the inplace either both inside the "
        "no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to "
        "be tracked).");
}

}  // namespace

void check_no_grad_view_history(const Tensor& t) {
  const AutogradMeta* m = t->autograd.get();
  if (m && m->view_creation == ViewCreation::NoGradMode && m->view_base.defined() && m->view_version != t.version() &&
      m->view_base.requires_grad())
    raise_no_grad_view_write(*m, true);
}

namespace {
// What CopySlices needs of a write through a view of `base` (Note [In-place on views]).
void check_view_write(const Tensor& self, const Tensor& base, const char* op) {
  // fill_ and zero_ write one value everywhere, which is well defined on overlapping memory, and their
  // gradient (zeros) does not depend on the write's replay: PyTorch allows them through an expanded view.
  const bool writes_one_value = std::strcmp(op, "fill") == 0 || std::strcmp(op, "zero") == 0;
  if (overlaps_itself(self) && !writes_one_value)
    raise(ErrorKind::Runtime,
          "unsupported operation: more than one element of the written-to tensor refers to a "
          "single memory location. Please clone() the tensor before performing the operation.");
  // CopySlices replays the write on the base's elements: a view with another
  // element type (view_as_real, .real, .imag of a complex) has no such replay here.
  TC_CHECK(self.dtype() == base.dtype(), "[", op, "_] in-place write into a ", dtype_name(self.dtype()),
           " view (view_as_real, .real or .imag) of a ", dtype_name(base.dtype()),
           " tensor that requires grad is not supported by tensorcore; compute the new complex tensor out of place "
           "(for example with torch.complex(re, im))");
  // Note [CopySlices on a permuted base] (derivatives_views.cpp): any dense dim order will do.
  TC_CHECK(ops::non_overlapping_and_dense(base), "[", op, "_] in-place write into a view of a tensor of shape ",
           shape_str(base.sizes()), " and strides ", shape_str(base.strides()),
           ", which has gaps or overlaps in memory and requires grad, is not supported by tensorcore; call "
           ".contiguous() on the tensor before taking the view");
}
}  // namespace

void check_inplace(const Tensor& self, const char* op, bool writes_data, bool others_require_grad) {
  AutogradMeta* m = self->autograd.get();
  if (!m || !grad_enabled()) return;
  // Note [Views taken in no_grad mode]: PyTorch checks this first.
  if (m->view_creation == ViewCreation::NoGradMode && (others_require_grad || self.requires_grad()))
    raise_no_grad_view_write(*m, false);
  Tensor base = view_root(self);
  // Not a view, or a view of a tensor autograd does not track yet (a plain
  // write, unless the op brings a gradient in: rebase_history checks that).
  if (!base.defined() || !base.requires_grad()) {
    if (m->requires_grad && !m->grad_fn)
      raise(ErrorKind::Runtime, "a leaf Variable that requires grad is being used in an in-place operation (", op,
            "_). Wrap the update in `with tensorcore.no_grad():` or operate on `.data`.");
    return;
  }
  AutogradMeta* bm = base->autograd.get();
  if (bm && bm->requires_grad && !bm->grad_fn)
    raise(ErrorKind::Runtime, "a view of a leaf Variable that requires grad is being used in an in-place operation.");
  // Note [View creation meta]
  // Two kinds of view refuse in-place writes, as in PyTorch (its CreationMeta):
  //  - Note [Multi-output views]: the outputs of split, split_with_sizes,
  //    chunk and unbind share one backward node; a write into one of them
  //    would have to rebase that node's other outputs too (tensor_split,
  //    made of narrows, is allowed);
  //  - a view output of a custom autograd.Function (or an input it returned
  //    as-is, which autograd/function.py turns into a view): CopySlices would
  //    replace the Function's own backward.
  // The kind is set on the view's meta when it is made and inherited by every
  // view taken of it (ops/views.cpp note_view): `a, b = x.split(2);
  // a.view(-1).mul_(2)` is refused as `a.mul_(2)` is. The message names the
  // node of the view being written (PyTorch: "Output 0 of View ..."). Once its
  // base is written, such a view cannot regenerate its history either
  // (refresh_stale_view refuses, as PyTorch does when it is next used).
  if (m->grad_fn && m->view_creation != ViewCreation::Default)
    raise_view_creation_write(*m, "is being modified inplace");
  if (writes_data) check_view_write(self, base, op);
}

Tensor snapshot_for_inplace(const Tensor& self) {
  // The copy carries self's history as the op's input: a view whose base was
  // written since its grad_fn was set must regenerate it first (Note [Stale view
  // history]), or `x.mul_(5); v.div_(3)` would compute v's gradient around the mul_.
  refresh_stale_view(self);
  Tensor copy;
  {
    NoGradGuard ng;
    copy = ops::clone(self);
  }
  if (AutogradMeta* m = self->autograd.get()) {
    AutogradMeta& cm = meta(copy);
    cm.requires_grad = m->requires_grad;
    cm.grad_fn = m->grad_fn;
    cm.output_nr = m->output_nr;
    // Note [An as_strided view's write reaches its whole window]
    // PyTorch's CopySlices hands the gradient of the op's old value straight to the base's window; here it
    // flows through the view's own history instead, which is the same thing for every view op but
    // as_strided of a view: its backward keeps only the storage positions its input covers
    // (x.select(-1, 0).as_strided((2,), (1,)) reaches x[0, 1], which select does not), as PyTorch's does out
    // of place. So such a view's old value is read through as_strided of the root, whose elements are every
    // position of the window (check_view_write: the root is dense).
    auto* fn = dynamic_cast<FormulaNode*>(m->grad_fn.get());
    const auto* geometry = fn ? std::any_cast<attrs::AsStrided>(&fn->attrs) : nullptr;
    Tensor base = view_root(self);
    if (geometry && base.defined() && base.requires_grad() &&
        (geometry->input_size != base.sizes() || geometry->input_stride != base.strides() ||
         geometry->input_offset != base->offset)) {
      EnableGradGuard grad_on;
      cm.grad_fn.reset();
      if (auto* n = record("AsStridedBackward0", d::as_strided_backward, {&base}, {&copy}))
        n->attrs =
            attrs::AsStrided{base.sizes(), base.strides(), base->offset, self.sizes(), self.strides(), self->offset};
    }
  }
  return copy;
}

namespace {
// retain_grad() follows the tensor, not its old node: the retained gradient
// moves to self's current grad_fn (PyTorch moves its retains_grad hook on an
// in-place write, so y.retain_grad(); y.mul_(2) retains the new y's gradient).
void move_retained_grad(AutogradMeta& m, const std::shared_ptr<Node>& old_fn) {
  if (!m.retained || old_fn == m.grad_fn) return;
  if (old_fn) {
    auto& rg = old_fn->retained_grads;
    rg.erase(std::remove_if(rg.begin(), rg.end(), [&](const auto& e) { return e.second == m.retained; }), rg.end());
  }
  if (m.grad_fn) m.grad_fn->retained_grads.push_back({m.output_nr, m.retained});
}
}  // namespace

void rebase_history(const Tensor& self, const Tensor& result) {
  AutogradMeta* rm = result->autograd.get();
  TC_INTERNAL_ASSERT(rm && rm->grad_fn);
  // (a caller that did not tell check_inplace about its other operands: refused after the write)
  if (self->autograd && self->autograd->view_creation == ViewCreation::NoGradMode)
    raise_no_grad_view_write(*self->autograd, false);
  Tensor base = view_root(self);
  if (base.defined() && !base.requires_grad()) check_view_write(self, base, "in-place");  // (see check_inplace)
  AutogradMeta& m = meta(self);
  std::shared_ptr<Node> old_fn = m.grad_fn;
  m.requires_grad = true;
  m.grad_fn = rm->grad_fn;
  m.output_nr = rm->output_nr;
  // Note [Saved outputs of in-place ops] (saved.h): relu_, sigmoid_, exp_, ... save their result, which is
  // `result` here; it lives on in self, so that is what the node must watch for later writes.
  if (auto* fn = dynamic_cast<FormulaNode*>(rm->grad_fn.get()))
    for (auto& saved : fn->saved) saved.rebind_output(result, self);
  if (!base.defined()) {
    move_retained_grad(m, old_fn);
    return;
  }
  EnableGradGuard grad_on;
  const int64_t rel_offset = self->offset - base->offset;
  // base <- CopySlices(base before, result); record reads base's old edge first.
  std::shared_ptr<Node> base_old_fn = base->autograd ? base->autograd->grad_fn : nullptr;
  if (auto* n = record("torch::autograd::CopySlices", d::copy_slices_backward, {&base, &result}, {&base})) {
    attrs::CopySlices a{base.sizes(), self.sizes(), self.strides(), rel_offset, {}};
    if (!base.is_contiguous()) {  // Note [CopySlices on a permuted base]
      a.perm.resize(base.dim());
      std::iota(a.perm.begin(), a.perm.end(), 0);
      std::stable_sort(a.perm.begin(), a.perm.end(),
                       [&](int64_t x, int64_t y) { return base.strides()[x] > base.strides()[y]; });
      for (int64_t i = 0; i < base.dim(); ++i) a.base_shape[i] = base.size(a.perm[i]);
    }
    n->attrs = std::move(a);
    move_retained_grad(meta(base), base_old_fn);
  }
  // self <- as_strided(new base)
  m.grad_fn.reset();
  if (auto* n = record("AsStridedBackward0", d::as_strided_backward, {&base}, {&self})) {
    n->attrs = attrs::AsStrided{base.sizes(), base.strides(), base->offset, self.sizes(), self.strides(), self->offset};
  }
  m.view_base = base;
  m.view_version = self.version();  // Note [Stale view history]: current as of this write
  move_retained_grad(m, old_fn);
}

void commit_inplace_view(const Tensor& self, const Tensor& view) {
  self->sizes = view.sizes();
  self->strides = view.strides();
  self->offset = view->offset;
  self.bump_version();
  AutogradMeta* vm = view->autograd.get();
  if (!vm || !vm->grad_fn) return;  // nothing requires grad, or grad mode is off: geometry only
  AutogradMeta& m = meta(self);
  std::shared_ptr<Node> old_fn = m.grad_fn;
  m.requires_grad = true;
  m.grad_fn = vm->grad_fn;
  m.output_nr = vm->output_nr;
  m.view_version = self.version();  // (a view stays a view of its base; its history is current)
  move_retained_grad(m, old_fn);
}

void refresh_stale_view(const Tensor& view) {
  AutogradMeta* m = view->autograd.get();
  if (!m || !m->grad_fn || !m->view_base.defined() || m->view_version == view.version()) return;
  Tensor self = view, base = view_root(view);
  AutogradMeta* bm = base->autograd.get();
  const bool base_tracked = bm && (bm->requires_grad || bm->grad_fn);
  // Note [View creation meta]: such a view's node cannot be regenerated; PyTorch refuses too (each time the
  // view is used, so the version stays stale).
  if (base_tracked && m->view_creation != ViewCreation::Default)
    raise_view_creation_write(*m, "its base or another view of its base has been modified inplace");
  m->view_version = view.version();
  if (!base_tracked) return;  // the base left autograd: keep what the view recorded
  std::shared_ptr<Node> old_fn = m->grad_fn;
  EnableGradGuard grad_on;
  m->grad_fn.reset();
  if (auto* n = record("AsStridedBackward0", d::as_strided_backward, {&base}, {&self})) {
    n->attrs = attrs::AsStrided{base.sizes(), base.strides(), base->offset, self.sizes(), self.strides(), self->offset};
  } else {
    m->grad_fn = old_fn;  // (record declined: nothing to regenerate from)
    return;
  }
  move_retained_grad(*m, old_fn);
}

}  // namespace tc::autograd
