// Fused optimizer updates (see ops/optim.h): the checks, the scalar math in
// double, and contiguous working copies of the state; the element loops are
// the optimizer kernels (backend/kernels_optim.h, cpu/optim.cpp).
#include "ops/optim.h"

#include <cmath>
#include <optional>

#include "autograd/grad_mode.h"
#include "backend/kernels_optim.h"
#include "core/error.h"
#include "core/shape_util.h"
#include "ops/ops.h"

namespace tc::ops {

namespace {

// A contiguous working copy of an in-place operand that is written back on
// destruction when the operand itself was not contiguous.
struct InPlace {
  Tensor& dst;
  Tensor work;
  InPlace(Tensor& t, const char* op, const char* what, const Tensor& param) : dst(t) {
    TC_CHECK(t.defined(), "[", op, "] missing optimizer state '", what, "'");
    TC_CHECK(t.sizes() == param.sizes(), "[", op, "] state '", what, "' has shape ", shape_str(t.sizes()),
             " but the parameter has shape ", shape_str(param.sizes()));
    TC_CHECK(t.dtype() == param.dtype(), "[", op, "] state '", what, "' has dtype ", dtype_name(t.dtype()),
             " but the parameter has dtype ", dtype_name(param.dtype()));
    autograd::NoGradGuard ng;
    work = t.is_contiguous() ? t : contiguous(t);
  }
  ~InPlace() {
    if (!work.same(dst)) {
      autograd::NoGradGuard ng;
      copy_(dst, work);
    } else {
      dst.bump_version();
    }
  }
};

Tensor grad_operand(const Tensor& grad, const Tensor& param, const char* op) {
  TC_CHECK(grad.defined(), "[", op, "] parameter has no gradient");
  TC_CHECK(grad.sizes() == param.sizes(), "[", op, "] gradient of shape ", shape_str(grad.sizes()),
           " does not match parameter of shape ", shape_str(param.sizes()));
  autograd::NoGradGuard ng;
  return contiguous(to_dtype(grad, param.dtype()));
}

void check_param(const Tensor& p, const char* op) {
  TC_CHECK(p.defined() && is_floating(p.dtype()), "[", op, "] parameters must be floating point tensors, got ",
           p.defined() ? dtype_name(p.dtype()) : "None");
}

}  // namespace

void sgd_step_(Tensor& param, const Tensor& grad, Tensor& momentum_buf, double lr, double momentum, double dampening,
               double weight_decay, bool nesterov, bool maximize) {
  const char* op = "sgd";
  check_param(param, op);
  Tensor g = grad_operand(grad, param, op);
  bool first = momentum != 0 && !momentum_buf.defined();
  if (first) momentum_buf = empty(param.sizes(), param.dtype());
  InPlace p(param, op, "param", param);
  std::optional<InPlace> buf;
  if (momentum != 0) buf.emplace(momentum_buf, op, "momentum_buffer", param);
  kernels::SgdArgs args;
  args.sign = maximize ? -1.0 : 1.0;
  args.weight_decay = weight_decay;
  args.momentum = momentum;
  args.one_minus_dampening = 1 - dampening;
  args.neg_lr = -lr;
  args.nesterov = nesterov;
  args.first = first;
  kernels::sgd_step(param.dtype(), param.numel(), p.work->data_bytes(), g->data_bytes(),
                    buf ? buf->work->data_bytes() : nullptr, args);
}

void adam_step_(Tensor& param, const Tensor& grad, Tensor& exp_avg, Tensor& exp_avg_sq, Tensor& max_exp_avg_sq,
                double step, double lr, double beta1, double beta2, double eps, double weight_decay, bool amsgrad,
                bool maximize, bool decoupled) {
  const char* op = decoupled ? "adamw" : "adam";
  check_param(param, op);
  Tensor g = grad_operand(grad, param, op);
  InPlace p(param, op, "param", param);
  InPlace m(exp_avg, op, "exp_avg", param);
  InPlace v(exp_avg_sq, op, "exp_avg_sq", param);
  std::optional<InPlace> vmax;
  if (amsgrad) vmax.emplace(max_exp_avg_sq, op, "max_exp_avg_sq", param);
  // The scalar math of torch.optim's _single_tensor_adam, in double.
  const double bias_correction1 = 1 - std::pow(beta1, step);
  const double bias_correction2 = 1 - std::pow(beta2, step);
  const double step_size = lr / bias_correction1;
  const double bias_correction2_sqrt = std::pow(bias_correction2, 0.5);
  kernels::AdamArgs args{maximize ? -1.0 : 1.0,
                         weight_decay,
                         1 - lr * weight_decay,
                         1 - beta1,
                         beta2,
                         1 - beta2,
                         bias_correction2_sqrt,
                         eps,
                         -step_size,
                         decoupled};
  kernels::adam_step(param.dtype(), param.numel(), p.work->data_bytes(), g->data_bytes(), m.work->data_bytes(),
                     v.work->data_bytes(), vmax ? vmax->work->data_bytes() : nullptr, args);
}

void rmsprop_step_(Tensor& param, const Tensor& grad, Tensor& square_avg, Tensor& momentum_buf, Tensor& grad_avg,
                   double lr, double alpha, double eps, double weight_decay, double momentum, bool centered,
                   bool maximize) {
  const char* op = "rmsprop";
  check_param(param, op);
  Tensor g = grad_operand(grad, param, op);
  InPlace p(param, op, "param", param);
  InPlace sq(square_avg, op, "square_avg", param);
  std::optional<InPlace> buf, ga;
  if (momentum > 0) buf.emplace(momentum_buf, op, "momentum_buffer", param);
  if (centered) ga.emplace(grad_avg, op, "grad_avg", param);
  kernels::RmspropArgs args{maximize ? -1.0 : 1.0, weight_decay, alpha, 1 - alpha, eps, momentum, -lr};
  kernels::rmsprop_step(param.dtype(), param.numel(), p.work->data_bytes(), g->data_bytes(), sq.work->data_bytes(),
                        buf ? buf->work->data_bytes() : nullptr, ga ? ga->work->data_bytes() : nullptr, args);
}

}  // namespace tc::ops
