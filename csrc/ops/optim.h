#pragma once
// Fused optimizer updates (torch.optim's single-tensor algorithms): one pass
// over each parameter that reads its gradient and state and writes the new
// parameter and state in place, in the parameter's dtype, with the same
// operation order as PyTorch's reference implementation. Implemented in
// ops/optim.cpp; tensorcore.optim calls them once per parameter group.
#include <vector>

#include "core/tensor.h"

namespace tc::ops {

// SGD with momentum/dampening/nesterov/weight decay. `momentum_buf` may be
// undefined: on the first step (momentum != 0) it is created as a copy of the
// (decayed) gradient, as PyTorch does.
void sgd_step_(Tensor& param, const Tensor& grad, Tensor& momentum_buf, double lr, double momentum, double dampening,
               double weight_decay, bool nesterov, bool maximize);

// Adam / AdamW (decoupled=true). `step` is the already incremented step count;
// `max_exp_avg_sq` is used only when amsgrad.
void adam_step_(Tensor& param, const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq, Tensor& max_exp_avg_sq,
                double step, double lr, double beta1, double beta2, double eps, double weight_decay, bool amsgrad,
                bool maximize, bool decoupled);

// RMSprop; `momentum_buf` is used when momentum > 0, `grad_avg` when centered.
void rmsprop_step_(Tensor& param, const Tensor& grad, Tensor& square_avg, Tensor& momentum_buf, Tensor& grad_avg,
                   double lr, double alpha, double eps, double weight_decay, double momentum, bool centered,
                   bool maximize);

}  // namespace tc::ops
