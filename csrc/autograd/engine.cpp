#include "autograd/engine.h"

#include <algorithm>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "autograd/accumulate.h"
#include "autograd/function.h"
#include "core/error.h"
#include "core/shape_util.h"
#include "ops/ops.h"
#include "ops/overlap.h"

namespace tc::autograd {

std::vector<Tensor> AccumulateGrad::apply(std::vector<Tensor>&& grads) {
  Tensor g = std::move(grads.at(0));
  if (!g.defined()) return {};
  AutogradMeta& m = meta(variable);
  for (auto& h : m.leaf_hooks) {
    Tensor r = h.second(g);
    if (r.defined()) g = r;
  }
  if (!m.grad.defined() && grad_enabled()) {
    // create_graph: PyTorch's clone_obey_contract, a fresh tensor in the
    // variable's layout copied from g (a recorded CopyBackwards), so .grad is
    // never a view of a buffer of the backward pass (x.grad.detach_() works).
    Tensor fresh = ops::non_overlapping_and_dense(variable)
                       ? empty_strided(variable.sizes(), variable.strides(), g.dtype(), g.device())
                       : empty(g.sizes(), g.dtype(), g.device());
    ops::copy_(fresh, g);
    m.grad = fresh;
  } else if (!m.grad.defined()) {
    // Steal the buffer when nobody else can see it; otherwise copy, so that
    // later in-place accumulation never writes into another tensor. A
    // contiguous variable gets a contiguous .grad whatever layout backward
    // produced (PyTorch's gradient layout contract: x.grad.view(-1) works).
    if (variable.is_contiguous() && !g.is_contiguous())
      g = ops::contiguous(g);
    else if (!grad_enabled() && g->refcount.load() != 1)
      g = ops::clone(g);
    m.grad = ops::detach(g);
  } else if (grad_enabled()) {
    m.grad = ops::add(m.grad, g);  // create_graph: keep the accumulation differentiable
  } else {
    ops::add_(m.grad, g);
  }
  for (auto& h : m.post_accumulate_hooks) h.second(variable);
  return {};
}

namespace {

struct ReadyCompare {
  bool operator()(Node* a, Node* b) const {
    // AccumulateGrad first (as PyTorch), then the most recently created node.
    if (a->is_accumulate_grad() != b->is_accumulate_grad()) return b->is_accumulate_grad();
    return a->seq_nr < b->seq_nr;
  }
};

struct Capture {
  Node* node;
  uint32_t slot;
  size_t index;
};

}  // namespace

std::vector<Tensor> run_backward(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots,
                                 bool keep_graph, bool create_graph, const std::vector<Tensor>& inputs, bool accumulate,
                                 bool allow_unused) {
  TC_CHECK(roots.size() == grad_roots.size(), "[backward] got ", roots.size(), " outputs but ", grad_roots.size(),
           " gradients");
  // 1. Root edges and seed gradients.
  std::vector<Edge> root_edges;
  std::vector<Tensor> seeds;
  for (size_t i = 0; i < roots.size(); ++i) {
    const Tensor& r = roots[i];
    Edge e = gradient_edge(r);
    TC_CHECK(e.valid(), "element ", i, " of tensors does not require grad and does not have a grad_fn");
    Tensor g = grad_roots[i];
    if (!g.defined()) {
      TC_CHECK(r.numel() == 1, "grad can be implicitly created only for scalar outputs; output ", i, " has shape ",
               shape_str(r.sizes()), ": pass gradient= with that shape");
      TC_CHECK(!is_complex(r.dtype()), "grad can be implicitly created only for real scalar outputs but got ", "torch.",
               dtype_name(r.dtype()));
      g = ops::ones_like(r);
    } else {
      TC_CHECK(g.sizes() == r.sizes(), "Mismatch in shape: grad_output[", i, "] has a shape of ", shape_str(g.sizes()),
               " and output[", i, "] has a shape of ", shape_str(r.sizes()), ".");
      if (g.dtype() != r.dtype()) g = ops::to_dtype(g, r.dtype());
    }
    root_edges.push_back(e);
    seeds.push_back(g);
  }

  // 2. Capture targets (autograd.grad / backward(inputs=...)).
  std::vector<Edge> input_edges;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Edge e = gradient_edge(inputs[i]);
    TC_CHECK(e.valid(), "One of the differentiated Tensors does not require grad");
    input_edges.push_back(e);
  }

  // 3. Discover the graph (iterative DFS), then mark nodes needed to reach targets.
  std::unordered_map<Node*, std::vector<Node*>> children;
  std::vector<Node*> order;  // discovery order
  {
    std::unordered_set<Node*> seen;
    std::vector<Node*> stack;
    for (auto& e : root_edges)
      if (seen.insert(e.fn.get()).second) stack.push_back(e.fn.get());
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      order.push_back(n);
      for (auto& e : n->next_edges)
        if (e.valid() && seen.insert(e.fn.get()).second) stack.push_back(e.fn.get());
    }
  }
  std::unordered_set<Node*> needed;
  if (inputs.empty()) {
    needed.insert(order.begin(), order.end());
  } else {
    std::unordered_set<Node*> targets;
    for (auto& e : input_edges) targets.insert(e.fn.get());
    // Fixed point over reverse topological order is not known yet; iterate.
    bool changed = true;
    for (Node* n : order)
      if (targets.count(n)) needed.insert(n);
    while (changed) {
      changed = false;
      for (Node* n : order) {
        if (needed.count(n)) continue;
        for (auto& e : n->next_edges)
          if (e.valid() && needed.count(e.fn.get())) {
            needed.insert(n);
            changed = true;
            break;
          }
      }
    }
  }
  std::unordered_map<Node*, int> deps;
  for (Node* n : order) {
    if (!needed.count(n)) continue;
    for (auto& e : n->next_edges)
      if (e.valid() && needed.count(e.fn.get())) ++deps[e.fn.get()];
  }

  // 4. Seed buffers and run.
  std::unordered_map<Node*, std::vector<Tensor>> buffers;
  auto add_to_buffer = [&](Node* n, uint32_t slot, Tensor g) {
    auto& buf = buffers[n];
    if (buf.size() < n->num_outputs) buf.resize(n->num_outputs);
    if (slot >= buf.size()) buf.resize(slot + 1);
    if (!g.defined()) return;
    if (!buf[slot].defined())
      buf[slot] = std::move(g);
    else
      buf[slot] = ops::add(buf[slot], g);
  };
  for (size_t i = 0; i < root_edges.size(); ++i)
    add_to_buffer(root_edges[i].fn.get(), root_edges[i].input_nr, seeds[i]);

  std::vector<Tensor> captured(inputs.size());
  std::priority_queue<Node*, std::vector<Node*>, ReadyCompare> ready;
  for (auto& e : root_edges) {
    Node* n = e.fn.get();
    if (needed.count(n) && deps[n] == 0) {
      ready.push(n);
      deps[n] = -1;
    }
  }

  bool prev_mode = grad_enabled();
  set_grad_enabled(create_graph);
  try {
    while (!ready.empty()) {
      Node* n = ready.top();
      ready.pop();
      std::vector<Tensor> grads = std::move(buffers[n]);
      buffers.erase(n);
      if (grads.size() < n->num_outputs) grads.resize(n->num_outputs);
      // Tensor hooks on non-leaf outputs, then retain_grad.
      for (auto& h : n->pre_hooks) {
        if (h.output_nr < grads.size() && grads[h.output_nr].defined()) {
          Tensor r = h.fn(grads[h.output_nr]);
          if (r.defined()) grads[h.output_nr] = r;
        }
      }
      for (auto& rg : n->retained_grads) {
        const Tensor& g = grads[rg.first];
        if (!g.defined()) continue;
        if (!rg.second->grad.defined())
          rg.second->grad = create_graph ? g : ops::clone(g);
        else
          rg.second->grad = ops::add(rg.second->grad, g);
      }
      bool is_target = false;
      for (size_t i = 0; i < input_edges.size(); ++i) {
        if (input_edges[i].fn.get() != n) continue;
        is_target = true;
        const Tensor& g = grads[input_edges[i].input_nr];
        if (!accumulate) captured[i] = g;
      }
      if (!accumulate && is_target && n->is_accumulate_grad()) continue;

      bool any = false;
      for (auto& g : grads) any |= g.defined();
      std::vector<Tensor> outs;
      if (any) {
        // Node.register_hook(fn(grad_inputs, grad_outputs)): the hooks see the gradients the node received
        // (handles, kept only when there is a hook) and may replace the ones it computed.
        std::vector<Tensor> received;
        if (!n->post_hooks.empty()) received = grads;
        outs = n->apply(std::move(grads));
        for (auto& h : n->post_hooks) {
          std::vector<Tensor> r = h.second(outs, received);
          if (!r.empty()) outs = r;
        }
      }
      if (!keep_graph) n->release_saved();
      for (size_t i = 0; i < n->next_edges.size(); ++i) {
        const Edge& e = n->next_edges[i];
        if (!e.valid() || !needed.count(e.fn.get())) continue;
        Tensor g = i < outs.size() ? outs[i] : Tensor();
        if (g.defined()) {
          const InputMeta& im = n->input_meta[i];
          if (g.sizes() != im.shape) g = ops::sum_to(g, im.shape);
          if (g.dtype() != im.dtype) g = ops::to_dtype(g, im.dtype);
          if (g.device() != im.device) g = ops::to_device(g, im.device, std::nullopt, false);
        }
        add_to_buffer(e.fn.get(), e.input_nr, std::move(g));
        if (--deps[e.fn.get()] == 0) ready.push(e.fn.get());
      }
    }
  } catch (...) {
    set_grad_enabled(prev_mode);
    throw;
  }
  set_grad_enabled(prev_mode);

  if (!accumulate) {
    for (size_t i = 0; i < inputs.size(); ++i)
      TC_CHECK(captured[i].defined() || allow_unused, "The differentiated Tensor at index ", i,
               " appears to not have been used in the graph. Set allow_unused=True if this is the desired "
               "behavior.");
  }
  return captured;
}

}  // namespace tc::autograd
