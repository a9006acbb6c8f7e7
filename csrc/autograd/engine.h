#pragma once
// The backward executor: dependency counting, gradient buffers that sum
// contributions, a ready queue ordered by sequence number. Runs entirely in
// C++; Python is entered only by user hooks and custom Functions.
#include <vector>

#include "core/tensor.h"

namespace tc::autograd {

// Runs backward from `roots` seeded with `grad_roots`.
//  - inputs empty: accumulate into the .grad of every leaf reached;
//  - accumulate=true with inputs: accumulate only into those tensors' .grad;
//  - accumulate=false: return the gradients w.r.t. `inputs` (autograd.grad),
//    undefined where an input is unreachable.
std::vector<Tensor> run_backward(const std::vector<Tensor>& roots, const std::vector<Tensor>& grad_roots,
                                 bool keep_graph, bool create_graph, const std::vector<Tensor>& inputs, bool accumulate,
                                 bool allow_unused);

}  // namespace tc::autograd
