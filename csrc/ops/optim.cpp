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
#include "ops/device_kernels.h"
#include "ops/ops.h"

namespace tc::ops {

namespace {

// A contiguous working copy of an in-place operand that is written back on
// destruction when the operand itself was not contiguous.
void check_state(const Tensor& t, const char* op, const char* what, const Tensor& param) {
  TC_CHECK(t.defined(), "[", op, "] missing optimizer state '", what, "'");
  TC_CHECK(t.sizes() == param.sizes(), "[", op, "] state '", what, "' has shape ", shape_str(t.sizes()),
           " but the parameter has shape ", shape_str(param.sizes()));
  TC_CHECK(t.dtype() == param.dtype(), "[", op, "] state '", what, "' has dtype ", dtype_name(t.dtype()),
           " but the parameter has dtype ", dtype_name(param.dtype()));
}

struct InPlace {
  Tensor& dst;
  Tensor work;
  InPlace(Tensor& t, const char* op, const char* what, const Tensor& param) : dst(t) {
    check_state(t, op, what, param);
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

// Note [Optimizer steps on a device]
// There is no fused device kernel yet: a parameter in device memory takes
// torch.optim's single-tensor algorithm written with tensor ops, each of
// which runs on the device (the elementwise family). Same formulas as the
// fused CPU kernels, in as many passes as PyTorch's single-tensor path.
Tensor number(double v) { return wrapped_scalar(Scalar::from_double(v)); }

void sgd_on_device(Tensor& param, const Tensor& g_in, Tensor& buf, double lr, double momentum, double dampening,
                   double weight_decay, bool nesterov, bool maximize) {
  autograd::NoGradGuard ng;
  Tensor g = maximize ? neg(g_in) : g_in;
  if (weight_decay != 0) g = add(g, param, Scalar::from_double(weight_decay));
  if (momentum != 0) {
    if (!buf.defined()) {
      buf = clone(g);
    } else {
      binary_(BinaryOp::Mul, buf, number(momentum));
      add_(buf, g, Scalar::from_double(1 - dampening));
    }
    g = nesterov ? add(g, buf, Scalar::from_double(momentum)) : buf;
  }
  add_(param, g, Scalar::from_double(-lr));
}

void adam_on_device(Tensor& param, const Tensor& g_in, Tensor& exp_avg, Tensor& exp_avg_sq, Tensor& max_exp_avg_sq,
                    double step, double lr, double beta1, double beta2, double eps, double weight_decay, bool amsgrad,
                    bool maximize, bool decoupled) {
  autograd::NoGradGuard ng;
  Tensor g = maximize ? neg(g_in) : g_in;
  if (weight_decay != 0) {
    if (decoupled)
      binary_(BinaryOp::Mul, param, number(1 - lr * weight_decay));
    else
      g = add(g, param, Scalar::from_double(weight_decay));
  }
  copy_(exp_avg, lerp(exp_avg, g, full({}, Scalar::from_double(1 - beta1), exp_avg.dtype(), exp_avg.device())));
  binary_(BinaryOp::Mul, exp_avg_sq, number(beta2));
  add_(exp_avg_sq, mul(g, g), Scalar::from_double(1 - beta2));
  const double step_size = lr / (1 - std::pow(beta1, step));
  const double bias_correction2_sqrt = std::pow(1 - std::pow(beta2, step), 0.5);
  Tensor second = exp_avg_sq;
  if (amsgrad) {
    copy_(max_exp_avg_sq, binary(BinaryOp::Maximum, max_exp_avg_sq, exp_avg_sq));
    second = max_exp_avg_sq;
  }
  Tensor denom = add(div(unary(UnaryOp::Sqrt, second), number(bias_correction2_sqrt)), number(eps));
  add_(param, div(exp_avg, denom), Scalar::from_double(-step_size));
}

void rmsprop_on_device(Tensor& param, const Tensor& g_in, Tensor& square_avg, Tensor& buf, Tensor& grad_avg, double lr,
                       double alpha, double eps, double weight_decay, double momentum, bool centered, bool maximize) {
  autograd::NoGradGuard ng;
  Tensor g = maximize ? neg(g_in) : g_in;
  if (weight_decay != 0) g = add(g, param, Scalar::from_double(weight_decay));
  binary_(BinaryOp::Mul, square_avg, number(alpha));
  add_(square_avg, mul(g, g), Scalar::from_double(1 - alpha));
  Tensor avg;
  if (centered) {
    copy_(grad_avg, lerp(grad_avg, g, full({}, Scalar::from_double(1 - alpha), grad_avg.dtype(), grad_avg.device())));
    avg = unary(UnaryOp::Sqrt, sub(square_avg, mul(grad_avg, grad_avg)));
  } else {
    avg = unary(UnaryOp::Sqrt, square_avg);
  }
  avg = add(avg, number(eps));
  if (momentum > 0) {
    binary_(BinaryOp::Mul, buf, number(momentum));
    add_(buf, div(g, avg));
    add_(param, buf, Scalar::from_double(-lr));
  } else {
    add_(param, div(g, avg), Scalar::from_double(-lr));
  }
}

}  // namespace

void sgd_step_(Tensor& param, const Tensor& grad, Tensor& momentum_buf, double lr, double momentum, double dampening,
               double weight_decay, bool nesterov, bool maximize) {
  const char* op = "sgd";
  check_param(param, op);
  Tensor g = grad_operand(grad, param, op);
  if (on_device_memory(param)) {
    if (momentum != 0 && momentum_buf.defined()) check_state(momentum_buf, op, "momentum_buffer", param);
    return sgd_on_device(param, g, momentum_buf, lr, momentum, dampening, weight_decay, nesterov, maximize);
  }
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
  if (on_device_memory(param)) {
    check_state(exp_avg, op, "exp_avg", param);
    check_state(exp_avg_sq, op, "exp_avg_sq", param);
    if (amsgrad) check_state(max_exp_avg_sq, op, "max_exp_avg_sq", param);
    return adam_on_device(param, g, exp_avg, exp_avg_sq, max_exp_avg_sq, step, lr, beta1, beta2, eps, weight_decay,
                          amsgrad, maximize, decoupled);
  }
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
  if (on_device_memory(param)) {
    check_state(square_avg, op, "square_avg", param);
    if (momentum > 0) check_state(momentum_buf, op, "momentum_buffer", param);
    if (centered) check_state(grad_avg, op, "grad_avg", param);
    return rmsprop_on_device(param, g, square_avg, momentum_buf, grad_avg, lr, alpha, eps, weight_decay, momentum,
                             centered, maximize);
  }
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
