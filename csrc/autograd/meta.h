#pragma once
// Per-tensor autograd state, allocated only when a tensor takes part in
// autograd (Note [Lazy autograd meta]).
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace tc::autograd {

struct Node;
using TensorHook = std::function<Tensor(const Tensor&)>;  // returns undefined to keep grad

// Holds the .grad of a non-leaf that called retain_grad(). Shared between the
// tensor and its grad_fn so the node can fill it without referencing the
// tensor (no cycle).
struct RetainedGrad {
  Tensor grad;
};

// Note [View creation meta] (inplace.cpp): how a view came to be, for the in-place writes PyTorch refuses.
// Inherited by every view taken of such a view.
enum class ViewCreation : uint8_t {
  Default,
  MultiOutput,       // an output of split/chunk/unbind (Note [Multi-output views])
  InCustomFunction,  // an output of a custom autograd.Function that is a view, or an input it returned as-is
  NoGradMode,        // taken while grad mode was off (Note [Views taken in no_grad mode], inplace.cpp)
};

struct AutogradMeta {
  bool requires_grad = false;
  Tensor grad;                    // leaves
  std::shared_ptr<Node> grad_fn;  // non-leaves
  uint32_t output_nr = 0;
  std::weak_ptr<Node> grad_accumulator;    // leaves: shared by every use
  std::shared_ptr<RetainedGrad> retained;  // non-leaves after retain_grad()
  Tensor view_base;                        // set when produced by a differentiable view op
  // Note [Stale view history]: the version counter's value when a view's
  // grad_fn was set; an in-place write to its base (or to another view of it)
  // since then makes that grad_fn stale, and gradient_edge regenerates it.
  uint32_t view_version = 0;
  ViewCreation view_creation = ViewCreation::Default;      // Note [View creation meta]
  std::vector<std::pair<int64_t, TensorHook>> leaf_hooks;  // hooks on leaves
  // Tensor.register_post_accumulate_grad_hook: called with the leaf after its .grad was updated.
  std::vector<std::pair<int64_t, std::function<void(const Tensor&)>>> post_accumulate_hooks;
};

// Note [Lazy autograd meta]
// TensorImpl::autograd stays null for plain tensors; meta() allocates it.
AutogradMeta& meta(const Tensor& t);
inline AutogradMeta* meta_or_null(const Tensor& t) { return t->autograd.get(); }

}  // namespace tc::autograd

namespace tc {
using autograd::AutogradMeta;
}
