#pragma once
// FormulaNode: the node type behind every entry of the derivative table
// (autograd/derivatives.cpp). It stores what the formula needs: saved
// tensors and a typed payload (Note [Typed node payloads]).
#include <any>
#include <initializer_list>
#include <string>
#include <vector>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "core/error.h"

namespace tc::autograd {

struct FormulaNode;
using Formula = std::vector<Tensor> (*)(FormulaNode& node, const std::vector<Tensor>& grads);

struct FormulaNode : Node {
  FormulaNode(const char* name, Formula f) : name_(name), formula_(f) {}
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override;
  std::string name() const override { return name_; }
  void release_saved() override;

  void save(const Tensor& t, bool is_output = false) { saved.emplace_back(t, is_output); }
  Tensor saved_at(size_t i) { return saved.at(i).unpack(this); }
  bool needs_grad(size_t input) const { return input < next_edges.size() && next_edges[input].valid(); }

  std::vector<SavedTensor> saved;
  // PyTorch's names of the saved slots, in order (nullptr-terminated static
  // array, or nullptr): grad_fn._saved_<name> reads slot i (Note [grad_fn._saved_ attributes]).
  const char* const* saved_names = nullptr;

  // Note [Typed node payloads]
  // An op's non-tensor state (geometry, flags, sizes) is one named struct,
  // the only place a node keeps it (there are no positional shapes/ints/reals
  // vectors whose meaning would live in comments): the op sets
  // `n->attrs = ConvAttrs{...}` and its formula reads
  // `n.attrs_as<ConvAttrs>().stride`. any_cast checks the type, so a formula
  // reading another op's struct raises instead of misreading. Structs shared
  // between an op and a formula in autograd/derivatives_*.cpp live in
  // autograd/node_attrs.h; an op whose formula sits in its own file (conv,
  // activation, nn_functional, attention) keeps its struct there. Each
  // struct's comment names what the node saves, in order: saved tensors stay
  // in `saved` (release_saved frees them after backward), the payload stays
  // for the node's lifetime.
  std::any attrs;
  template <typename P> const P& attrs_as() const {
    const P* p = std::any_cast<P>(&attrs);
    TC_INTERNAL_ASSERT(p != nullptr);
    return *p;
  }

 private:
  const char* name_;
  Formula formula_;
  bool released_ = false;
};

// True when grad mode is on and some input requires grad.
bool any_requires_grad(std::initializer_list<const Tensor*> inputs);
bool any_requires_grad(const std::vector<Tensor>& inputs);

// Creates a node for an op whose inputs are `inputs` and outputs `outputs`,
// or returns nullptr when nothing requires grad (the common fast path).
FormulaNode* record(const char* name, Formula f, std::initializer_list<const Tensor*> inputs,
                    std::initializer_list<const Tensor*> outputs);
FormulaNode* record(const char* name, Formula f, const std::vector<Tensor>& inputs, const std::vector<Tensor>& outputs);

}  // namespace tc::autograd
