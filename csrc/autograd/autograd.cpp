// Autograd metadata, edges, grad mode, saved tensors and FormulaNode.
#include <atomic>

#include "autograd/accumulate.h"
#include "autograd/function.h"
#include "autograd/inplace.h"
#include "core/error.h"
#include "core/shape_util.h"

namespace tc::autograd {

namespace {
thread_local bool t_grad_enabled = true;
std::atomic<uint64_t> g_seq{0};
std::atomic<int64_t> g_live_nodes{0};
std::atomic<int64_t> g_hook_id{0};
}  // namespace

bool grad_enabled() { return t_grad_enabled; }
void set_grad_enabled(bool on) { t_grad_enabled = on; }
uint64_t next_sequence_nr() { return g_seq.fetch_add(1, std::memory_order_relaxed); }
void note_node_created() { g_live_nodes.fetch_add(1, std::memory_order_relaxed); }
void note_node_destroyed() { g_live_nodes.fetch_sub(1, std::memory_order_relaxed); }
int64_t live_node_count() { return g_live_nodes.load(std::memory_order_relaxed); }
int64_t next_hook_id() { return g_hook_id.fetch_add(1) + 1; }

// Note [Iterative graph release]
// Dropping the last reference to the head of a long chain (`total = total +
// loss` over a million steps) would otherwise destroy node after node
// recursively through next_edges and overflow the stack. The outermost ~Node on
// a thread owns a work stack; a ~Node running beneath it (while the stack is
// drained) only moves the predecessors it solely owns onto that stack and
// returns, so the depth stays constant. A derived node's members (saved
// tensors) die before ~Node runs; the tensors they release hold predecessors
// that are also next_edges, so the use_count test below sees them uniquely
// owned afterwards. Predecessors shared with another owner are merely released.
namespace {
thread_local std::vector<std::shared_ptr<Node>>* t_release_stack = nullptr;

void take_sole_predecessors(std::vector<Edge>& edges, std::vector<std::shared_ptr<Node>>& out) {
  for (Edge& e : edges)
    if (e.fn && e.fn.use_count() == 1) out.push_back(std::move(e.fn));
}
}  // namespace

Node::~Node() {
  note_node_destroyed();
  if (t_release_stack) {
    take_sole_predecessors(next_edges, *t_release_stack);
    return;
  }
  std::vector<std::shared_ptr<Node>> stack;
  take_sole_predecessors(next_edges, stack);
  if (stack.empty()) return;
  t_release_stack = &stack;
  while (!stack.empty()) {
    std::shared_ptr<Node> n = std::move(stack.back());
    stack.pop_back();
    n.reset();  // its ~Node pushes its sole predecessors onto `stack`
  }
  t_release_stack = nullptr;
}

AutogradMeta& meta(const Tensor& t) {
  if (!t->autograd) t->autograd = std::make_unique<AutogradMeta>();
  return *t->autograd;
}

std::shared_ptr<Node> grad_accumulator(const Tensor& leaf) {
  AutogradMeta& m = meta(leaf);
  if (auto acc = m.grad_accumulator.lock()) return acc;
  auto acc = std::make_shared<AccumulateGrad>(leaf);
  m.grad_accumulator = acc;
  return acc;
}

Edge gradient_edge(const Tensor& t) {
  AutogradMeta* m = meta_or_null(t);
  if (!m) return {};
  if (m->grad_fn && m->view_base.defined() && m->view_version != t.version())
    refresh_stale_view(t);  // Note [Stale view history]
  if (m->grad_fn) return {m->grad_fn, m->output_nr};
  if (m->requires_grad) return {grad_accumulator(t), 0};
  check_no_grad_view_history(t);  // Note [Views taken in no_grad mode]
  return {};
}

void set_history(const std::vector<Tensor>& outputs, const std::shared_ptr<Node>& node) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (!outputs[i].defined()) continue;
    AutogradMeta& m = meta(outputs[i]);
    m.requires_grad = true;
    m.grad_fn = node;
    m.output_nr = static_cast<uint32_t>(i);
  }
}

// ---- saved tensors ----

namespace {
thread_local PackHook tls_pack_hook = nullptr;
}  // namespace

void set_thread_pack_hook(PackHook hook) { tls_pack_hook = hook; }
PackHook thread_pack_hook() { return tls_pack_hook; }

SavedTensor::SavedTensor(const Tensor& t, bool is_output) : is_output_(is_output) {
  if (!t.defined()) return;
  version_ = t.version();
  requires_grad_ = t.requires_grad();
  if (__builtin_expect(tls_pack_hook != nullptr, 0) && !t->wrapped_number) {
    // Note [Saved-tensor hooks]
    if (is_output) {
      output_nr_ = t->autograd ? t->autograd->output_nr : 0;
    } else if (requires_grad_) {
      Edge e = gradient_edge(t);
      if (t->autograd && t->autograd->grad_fn) {
        grad_fn_ = e.fn;
        output_nr_ = e.input_nr;
      } else {
        grad_accumulator_ = e.fn;
      }
    }
    NoGradGuard no_grad;
    packed_ = tls_pack_hook(t);
    TC_CHECK(t.version() == version_,
             "A saved tensor pack hook is modifying its input in place. Tensors provided as input to pack hook "
             "cannot be modified by in-place operations as this can lead to unexpected side-effects. Please open an "
             "issue if you need to perform in-place operations on the input to a pack hook.");
    return;
  }
  if (is_output) {
    data_ = make_view(t, t.sizes(), t.strides(), t->offset);
    output_nr_ = t->autograd ? t->autograd->output_nr : 0;
  } else {
    data_ = t;
  }
}

void SavedTensor::rebind_output(const Tensor& from, const Tensor& to) {
  if (!is_output_ || !data_.defined() || data_->storage != from->storage) return;
  data_ = make_view(to, to.sizes(), to.strides(), to->offset);
  version_ = to.version();
}

Tensor SavedTensor::unpack_hooked(Node* owner) const {
  Tensor data = packed_->unpack();
  Tensor alias = make_view(data, data.sizes(), data.strides(), data->offset);
  if (!requires_grad_) return alias;
  AutogradMeta& m = meta(alias);
  m.requires_grad = true;
  if (is_output_ && owner) {
    m.grad_fn = owner->shared_from_this();
    m.output_nr = output_nr_;
  } else if (grad_fn_) {
    m.grad_fn = grad_fn_;
    m.output_nr = output_nr_;
  } else {
    m.grad_accumulator = grad_accumulator_;  // gradients reach the saved leaf
  }
  return alias;
}

Tensor SavedTensor::unpack(Node* owner) const {
  if (released_)
    raise(ErrorKind::Runtime,
          "Trying to backward through the graph a second time (or directly access saved tensors after they have "
          "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
          "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
          "if you need to access saved tensors after calling backward.");
  if (packed_) return unpack_hooked(owner);
  if (!data_.defined()) return Tensor();
  uint32_t now = data_.version();
  if (now != version_)
    raise(ErrorKind::Runtime,
          "one of the variables needed for gradient computation has been modified by an inplace operation: [",
          dtype_name(data_.dtype()), " tensor of shape ", shape_str(data_.sizes()), "], which is output ", output_nr_,
          " of ", owner ? owner->name() : std::string("?"), ", is at version ", now, "; expected version ", version_,
          " instead. Hint: the operation that saved it needs its original value; clone() the tensor before "
          "modifying it in place.");
  if (is_output_ && requires_grad_ && owner) {
    Tensor alias = make_view(data_, data_.sizes(), data_.strides(), data_->offset);
    AutogradMeta& m = meta(alias);
    m.requires_grad = true;
    m.grad_fn = owner->shared_from_this();
    m.output_nr = output_nr_;
    return alias;
  }
  return data_;
}

// ---- FormulaNode ----

std::vector<Tensor> FormulaNode::apply(std::vector<Tensor>&& grads) {
  if (released_)
    raise(ErrorKind::Runtime,
          "Trying to backward through the graph a second time (or directly access saved tensors after they have "
          "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
          "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
          "if you need to access saved tensors after calling backward.");
  return formula_(*this, grads);
}

void FormulaNode::release_saved() {
  if (saved.empty()) return;
  for (auto& s : saved) s.reset();
  released_ = true;
}

bool any_requires_grad(std::initializer_list<const Tensor*> inputs) {
  if (!grad_enabled()) return false;
  for (const Tensor* t : inputs)
    if (t && t->defined() && t->requires_grad()) return true;
  return false;
}

bool any_requires_grad(const std::vector<Tensor>& inputs) {
  if (!grad_enabled()) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

namespace {
// Optional inputs (e.g. clamp's missing bound) arrive as nullptr.
const Tensor* ptr_of(const Tensor* t) { return t; }
const Tensor* ptr_of(const Tensor& t) { return &t; }

template <typename Inputs, typename Outputs>
FormulaNode* record_impl(const char* name, Formula f, const Inputs& inputs, const Outputs& outputs) {
  // The outputs own the node (their grad_fn). With no outputs (unbind of a
  // dim of size 0) nothing would, and the pointer returned for the caller's
  // attrs would dangle (a use-after-free ASan found): nothing to record.
  if (outputs.size() == 0) return nullptr;
  auto node = std::make_shared<FormulaNode>(name, f);
  node->next_edges.reserve(inputs.size());
  node->input_meta.reserve(inputs.size());
  for (const auto& in : inputs) {
    const Tensor* t = ptr_of(in);
    if (t && t->defined()) {
      node->next_edges.push_back(gradient_edge(*t));
      node->input_meta.push_back({t->sizes(), t->dtype(), t->device()});
    } else {
      node->next_edges.push_back({});
      node->input_meta.push_back({{}, DType::Float32});
    }
  }
  std::vector<Tensor> outs;
  outs.reserve(outputs.size());
  for (const auto& o : outputs) outs.push_back(*ptr_of(o));
  node->num_outputs = static_cast<uint32_t>(outs.size());
  set_history(outs, node);
  return node.get();  // owned by the outputs' grad_fn
}
}  // namespace

FormulaNode* record(const char* name, Formula f, std::initializer_list<const Tensor*> inputs,
                    std::initializer_list<const Tensor*> outputs) {
  if (!any_requires_grad(inputs)) return nullptr;
  return record_impl(name, f, inputs, outputs);
}

FormulaNode* record(const char* name, Formula f, const std::vector<Tensor>& inputs,
                    const std::vector<Tensor>& outputs) {
  if (!any_requires_grad(inputs)) return nullptr;
  return record_impl(name, f, inputs, outputs);
}

}  // namespace tc::autograd
