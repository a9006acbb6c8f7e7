#pragma once
// AccumulateGrad: the sink node for a leaf. It holds the leaf; the leaf holds
// it only weakly (AutogradMeta::grad_accumulator), so there is no cycle.
#include "autograd/node.h"

namespace tc::autograd {

struct AccumulateGrad : Node {
  explicit AccumulateGrad(Tensor leaf) : variable(std::move(leaf)) {}
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override;
  std::string name() const override { return "torch::autograd::AccumulateGrad"; }
  bool is_accumulate_grad() const override { return true; }
  Tensor variable;
};

}  // namespace tc::autograd
