#pragma once
// Backward graph nodes. A Node maps gradients of its forward outputs to
// gradients of its forward inputs; next_edges point at the nodes that produced
// those inputs (or at AccumulateGrad for leaves).
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "autograd/meta.h"
#include "autograd/saved.h"
#include "core/tensor.h"

namespace tc::autograd {

struct Edge {
  std::shared_ptr<Node> fn;
  uint32_t input_nr = 0;
  bool valid() const { return fn != nullptr; }
};

// Shape, dtype and device of a forward input; the engine reduces broadcast
// gradients to this shape, casts them to this dtype and moves them to this
// device (the gradient of `x.to('cuda')` arrives on x's device).
struct InputMeta {
  Shape shape;
  DType dtype;
  Device device = Device::cpu();
};

uint64_t next_sequence_nr();
// Live Node count (tests check that dropping the last reference frees a graph).
void note_node_created();
void note_node_destroyed();
int64_t live_node_count();

struct Node : std::enable_shared_from_this<Node> {
  Node() : seq_nr(next_sequence_nr()) { note_node_created(); }
  // Note [Iterative graph release]: frees the chain of nodes this one solely owns
  // with an explicit stack, never recursively (a million-node chain must not
  // overflow a thread's stack).
  virtual ~Node();
  virtual std::vector<Tensor> apply(std::vector<Tensor>&& grads) = 0;
  virtual std::string name() const = 0;
  // Note [Composite node names]
  // An op written as a composition of others (smooth_l1_loss = where + mean)
  // ends in the last inner op's node; the op renames that node to PyTorch's
  // name for the whole op (SmoothL1LossBackward0) so printed grad_fns match.
  std::string display_name() const { return renamed.empty() ? name() : renamed; }
  std::string renamed;
  // Frees saved tensors after a backward pass that did not retain the graph.
  virtual void release_saved() {}
  virtual bool is_accumulate_grad() const { return false; }

  uint64_t seq_nr;
  uint32_t num_outputs = 1;           // forward outputs == gradients received
  std::vector<Edge> next_edges;       // one per forward input
  std::vector<InputMeta> input_meta;  // one per forward input
  // Hooks on gradients arriving for forward output `output_nr`.
  struct PreHook {
    int64_t id;
    uint32_t output_nr;
    TensorHook fn;
  };
  std::vector<PreHook> pre_hooks;
  std::vector<std::pair<uint32_t, std::shared_ptr<RetainedGrad>>> retained_grads;
  // Node.register_hook: called with (grad_inputs, grad_outputs) after apply.
  using PostHook = std::function<std::vector<Tensor>(const std::vector<Tensor>&, const std::vector<Tensor>&)>;
  std::vector<std::pair<int64_t, PostHook>> post_hooks;
};

// The gradient edge for using `t` as a forward input: its grad_fn, its
// AccumulateGrad when it is a leaf requiring grad, or an invalid edge.
Edge gradient_edge(const Tensor& t);

// The AccumulateGrad node for a leaf (created on first use, held weakly).
std::shared_ptr<Node> grad_accumulator(const Tensor& leaf);

// Makes `outputs` the outputs of `node` (grad_fn, output_nr, requires_grad).
void set_history(const std::vector<Tensor>& outputs, const std::shared_ptr<Node>& node);

int64_t next_hook_id();

}  // namespace tc::autograd
