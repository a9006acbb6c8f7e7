// tensorcore._C optimizer steps: one call per parameter group, one fused C++
// pass per parameter (ops/optim.h). Step counters are 0-dim tensors (as in
// torch.optim's state) incremented here.
#include "ops/optim.h"
#include "bindings/common.h"

namespace tc::py_glue {

namespace {

using TensorList = std::vector<Tensor>;
using OptTensorList = std::vector<std::optional<Tensor>>;

void check_lengths(const char* op, size_t n, std::initializer_list<size_t> others) {
  for (size_t k : others) TC_CHECK(k == n, "[", op, "] expected ", n, " state tensors (one per parameter), got ", k);
}

// step_t += 1; returns the new value (torch.optim's `_get_value(step_t)`).
double increment_step(Tensor& step) {
  TC_CHECK(step.numel() == 1, "[optimizer] 'step' state must be a one-element tensor");
  autograd::NoGradGuard ng;
  ops::add_(step, ops::wrapped_scalar(Scalar::from_int(1)));
  Tensor d = ops::contiguous(ops::to_dtype(step, DType::Float64));
  return *d.data<double>();
}

// The i-th optional state tensor (a handle: updates reach the caller's tensor).
Tensor at(const TensorList& v, size_t i) { return i < v.size() ? v[i] : Tensor(); }

}  // namespace

void init_optim(py::module_& m) {
  // Note [Gradient clipping in two calls]: clip_grad_norm_ needs every
  // gradient's norm, then every gradient scaled by one 0-dim coefficient
  // (PyTorch's _foreach_norm and _foreach_mul_). One call each instead of
  // two per parameter: a GPT's ~60 gradients otherwise cost ~120 Python to
  // C++ round trips per step. The kernels (and so the values) are the same
  // as Tensor.norm and Tensor.mul_ per gradient.
  m.def("_grad_norms", [](const TensorList& grads, double p) {
    autograd::NoGradGuard ng;
    TensorList out;
    out.reserve(grads.size());
    for (const Tensor& g : grads) out.push_back(ops::norm(g, p, {}, false));
    return out;
  });
  m.def("_scale_grads_", [](const TensorList& grads, const Tensor& coef) {
    autograd::NoGradGuard ng;
    for (const Tensor& g : grads) {
      Tensor gi = g;
      ops::binary_(BinaryOp::Mul, gi, coef.dtype() == g.dtype() ? coef : ops::to_dtype(coef, g.dtype()));
    }
  });
  m.def("_sgd_step", [](TensorList params, TensorList grads, OptTensorList bufs, double lr, double momentum,
                        double dampening, double weight_decay, bool nesterov, bool maximize) {
    check_lengths("sgd", params.size(), {grads.size(), bufs.size()});
    OptTensorList out(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      Tensor buf = bufs[i] ? *bufs[i] : Tensor();
      ops::sgd_step_(params[i], grads[i], buf, lr, momentum, dampening, weight_decay, nesterov, maximize);
      if (buf.defined()) out[i] = buf;
    }
    return out;
  });
  m.def("_adam_step", [](TensorList params, TensorList grads, TensorList exp_avgs, TensorList exp_avg_sqs,
                         TensorList max_exp_avg_sqs, TensorList steps, double lr, double beta1, double beta2,
                         double eps, double weight_decay, bool amsgrad, bool maximize, bool decoupled) {
    check_lengths("adam", params.size(), {grads.size(), exp_avgs.size(), exp_avg_sqs.size(), steps.size()});
    if (amsgrad) check_lengths("adam", params.size(), {max_exp_avg_sqs.size()});
    for (size_t i = 0; i < params.size(); ++i) {
      double step = increment_step(steps[i]);
      Tensor vmax = at(max_exp_avg_sqs, i);
      ops::adam_step_(params[i], grads[i], exp_avgs[i], exp_avg_sqs[i], vmax, step, lr, beta1, beta2, eps, weight_decay,
                      amsgrad, maximize, decoupled);
    }
  });
  m.def("_rmsprop_step", [](TensorList params, TensorList grads, TensorList square_avgs, TensorList momentum_bufs,
                            TensorList grad_avgs, TensorList steps, double lr, double alpha, double eps,
                            double weight_decay, double momentum, bool centered, bool maximize) {
    check_lengths("rmsprop", params.size(), {grads.size(), square_avgs.size(), steps.size()});
    if (momentum > 0) check_lengths("rmsprop", params.size(), {momentum_bufs.size()});
    if (centered) check_lengths("rmsprop", params.size(), {grad_avgs.size()});
    for (size_t i = 0; i < params.size(); ++i) {
      increment_step(steps[i]);
      Tensor buf = at(momentum_bufs, i), gavg = at(grad_avgs, i);
      ops::rmsprop_step_(params[i], grads[i], square_avgs[i], buf, gavg, lr, alpha, eps, weight_decay, momentum,
                         centered, maximize);
    }
  });
}

}  // namespace tc::py_glue
