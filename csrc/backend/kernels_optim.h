#pragma once
// Optimizer-update kernels: one fused pass over a contiguous parameter that
// reads its gradient and state and writes the new parameter and state in
// place (torch.optim's single-tensor algorithms, ops/optim.h). float32 and
// float64; float16 and bfloat16 round after every op as PyTorch's tensor ops
// do (Note [Optimizer steps on 16-bit parameters] in cpu/optim.cpp). Every
// element is independent, so results do not depend on the
// thread count. Scalars arrive in double and are rounded to the parameter's
// dtype where PyTorch's tensor ops would round them.
#include <cstdint>

#include "core/dtype.h"

namespace tc::kernels {

struct SgdArgs {
  double sign = 1, weight_decay = 0, momentum = 0, one_minus_dampening = 1, neg_lr = 0;
  bool nesterov = false;
  bool first = false;  // momentum_buf is uninitialised: it becomes the (decayed) gradient
};
// momentum_buf may be null when momentum == 0.
void sgd_step(DType dt, int64_t n, void* param, const void* grad, void* momentum_buf, const SgdArgs& a);

struct AdamArgs {
  // decay = 1 - lr * wd (AdamW), w1 = 1 - beta1, w2 = 1 - beta2,
  // bc2_sqrt = sqrt(1 - beta2^step), neg_step = -lr / (1 - beta1^step).
  double sign = 1, weight_decay = 0, decay = 1, w1 = 0, beta2 = 0, w2 = 0, bc2_sqrt = 1, eps = 0, neg_step = 0;
  bool decoupled = false;  // AdamW
};
// max_exp_avg_sq (amsgrad) may be null.
void adam_step(DType dt, int64_t n, void* param, const void* grad, void* exp_avg, void* exp_avg_sq,
               void* max_exp_avg_sq, const AdamArgs& a);

struct RmspropArgs {
  double sign = 1, weight_decay = 0, alpha = 0, w_alpha = 0 /* 1 - alpha */, eps = 0, momentum = 0, neg_lr = 0;
};
// momentum_buf (momentum > 0) and grad_avg (centered) may be null.
void rmsprop_step(DType dt, int64_t n, void* param, const void* grad, void* square_avg, void* momentum_buf,
                  void* grad_avg, const RmspropArgs& a);

}  // namespace tc::kernels
