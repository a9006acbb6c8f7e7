// Fused optimizer updates (see ops/optim.h). Each update is one parallel pass
// over the elements of a parameter; every element is independent, so results
// do not depend on the thread count. Scalars are rounded to the parameter's
// dtype where PyTorch's tensor ops would round them, so float32 trajectories
// follow torch.optim's single-tensor implementations.
#include "ops/optim.h"

// The element loops use std::sqrt; without errno handling it vectorizes.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-math-errno")
#endif

#include <cmath>
#include <optional>
#include <type_traits>

#include "autograd/grad_mode.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/shape_util.h"
#include "ops/ops.h"

namespace tc::ops {

namespace {

constexpr int64_t kGrain = 16384;

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
  template <typename T> T* data() const { return work.data<T>(); }
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

template <typename F>
void for_chunks(int64_t n, F&& f) {
  parallel_for(0, n, kGrain, [&](int64_t b, int64_t e) { f(b, e); });
}

// ---- element loops ----
// Note [Optimizer loops]
// Each update is a template over its boolean options, so that the loop body
// has no branches and `omp simd` vectorizes it (math-errno is off for this
// file, see the top). Loop-invariant scalars arrive already rounded to T.

template <typename T, bool HAS_WD, bool HAS_MOM, bool FIRST, bool NESTEROV>
void sgd_loop(T* __restrict pp, const T* __restrict gp, T* __restrict bp, int64_t b, int64_t e, T sign, T wd,
              T mom, T damp, T neg_lr) {
#pragma omp simd
  for (int64_t i = b; i < e; ++i) {
    T d = sign * gp[i];
    if constexpr (HAS_WD) d = d + wd * pp[i];
    if constexpr (HAS_MOM) {
      T m;
      if constexpr (FIRST) m = d;
      else m = bp[i] * mom + damp * d;
      bp[i] = m;
      if constexpr (NESTEROV) d = d + mom * m;
      else d = m;
    }
    pp[i] = pp[i] + neg_lr * d;
  }
}

struct AdamScalars {
  double sign, wd, decay, w1, b2, w2, bc2s, eps, neg_step;
};

template <typename T, bool HAS_WD, bool DECOUPLED, bool AMSGRAD, bool SMALL_W1>
void adam_loop(T* __restrict pp, const T* __restrict gp, T* __restrict mp, T* __restrict vp, T* __restrict xp,
               int64_t b, int64_t e, const AdamScalars& s) {
  const T sign = T(s.sign), wd = T(s.wd), decay = T(s.decay), w1 = T(s.w1), b2 = T(s.b2), w2 = T(s.w2),
          bc2s = T(s.bc2s), eps = T(s.eps), neg_step = T(s.neg_step), one_m_w1 = T(1) - w1;
#pragma omp simd
  for (int64_t i = b; i < e; ++i) {
    T d = sign * gp[i];
    T pv = pp[i];
    if constexpr (HAS_WD) {
      if constexpr (DECOUPLED) pv = pv * decay;
      else d = d + wd * pv;
    }
    T m0 = mp[i];
    T mv;  // exp_avg.lerp_(grad, 1 - beta1), with at::lerp's two forms
    if constexpr (SMALL_W1) mv = m0 + w1 * (d - m0);
    else mv = d - (d - m0) * one_m_w1;
    T vv = vp[i] * b2;
    vv = vv + w2 * d * d;
    mp[i] = mv;
    vp[i] = vv;
    T sq = vv;
    if constexpr (AMSGRAD) {
      sq = xp[i] > vv ? xp[i] : vv;
      xp[i] = sq;
    }
    T denom = std::sqrt(sq) / bc2s + eps;
    pp[i] = pv + neg_step * mv / denom;
  }
}

struct RmsScalars {
  double sign, wd, alpha, wa, eps, mom, neg_lr;
};

template <typename T, bool HAS_WD, bool CENTERED, bool HAS_MOM, bool SMALL_WA>
void rmsprop_loop(T* __restrict pp, const T* __restrict gp, T* __restrict sp, T* __restrict bp, T* __restrict ap,
                  int64_t b, int64_t e, const RmsScalars& s) {
  const T sign = T(s.sign), wd = T(s.wd), a = T(s.alpha), wa = T(s.wa), eps = T(s.eps), mom = T(s.mom),
          neg_lr = T(s.neg_lr), one_m_wa = T(1) - wa;
#pragma omp simd
  for (int64_t i = b; i < e; ++i) {
    T d = sign * gp[i];
    if constexpr (HAS_WD) d = d + wd * pp[i];
    T sv = sp[i] * a;
    sv = sv + wa * d * d;
    sp[i] = sv;
    T avg;
    if constexpr (CENTERED) {
      T g0 = ap[i];
      T mg;
      if constexpr (SMALL_WA) mg = g0 + wa * (d - g0);
      else mg = d - (d - g0) * one_m_wa;
      ap[i] = mg;
      avg = std::sqrt(sv + T(-1) * mg * mg);
    } else {
      avg = std::sqrt(sv);
    }
    avg = avg + eps;
    if constexpr (HAS_MOM) {
      T bv = bp[i] * mom + T(1) * d / avg;
      bp[i] = bv;
      pp[i] = pp[i] + neg_lr * bv;
    } else {
      pp[i] = pp[i] + neg_lr * d / avg;
    }
  }
}

// Calls f(std::bool_constant<B0>{}, ...) with the runtime flags as constants.
template <typename F>
void with_flags(F&& f, bool a) {
  if (a) f(std::true_type{});
  else f(std::false_type{});
}
template <typename F, typename... Rest>
void with_flags(F&& f, bool a, Rest... rest) {
  with_flags([&](auto... cs) {
    if (a) f(std::true_type{}, cs...);
    else f(std::false_type{}, cs...);
  }, rest...);
}

}  // namespace

void sgd_step_(Tensor& param, const Tensor& grad, Tensor& momentum_buf, double lr, double momentum,
               double dampening, double weight_decay, bool nesterov, bool maximize) {
  const char* op = "sgd";
  check_param(param, op);
  Tensor g = grad_operand(grad, param, op);
  bool first = momentum != 0 && !momentum_buf.defined();
  if (first) momentum_buf = empty(param.sizes(), param.dtype());
  InPlace p(param, op, "param", param);
  std::optional<InPlace> buf;
  if (momentum != 0) buf.emplace(momentum_buf, op, "momentum_buffer", param);
  dispatch_dtype(param.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      T* pp = p.data<T>();
      const T* gp = g.data<T>();
      T* bp = buf ? buf->data<T>() : nullptr;
      const T sign = maximize ? T(-1) : T(1), wd = T(weight_decay), mom = T(momentum), damp = T(1 - dampening),
              neg_lr = T(-lr);
      with_flags([&](auto has_wd, auto has_mom, auto is_first, auto is_nesterov) {
        for_chunks(param.numel(), [&](int64_t b, int64_t e) {
          sgd_loop<T, decltype(has_wd)::value, decltype(has_mom)::value, decltype(is_first)::value,
                   decltype(is_nesterov)::value>(pp, gp, bp, b, e, sign, wd, mom, damp, neg_lr);
        });
      }, weight_decay != 0, momentum != 0, first, nesterov);
    }
  });
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
  AdamScalars s{maximize ? -1.0 : 1.0, weight_decay, 1 - lr * weight_decay, 1 - beta1, beta2, 1 - beta2,
                bias_correction2_sqrt, eps, -step_size};
  dispatch_dtype(param.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      T* pp = p.data<T>();
      const T* gp = g.data<T>();
      T* mp = m.data<T>();
      T* vp = v.data<T>();
      T* xp = vmax ? vmax->data<T>() : nullptr;
      bool small_w1 = std::abs(T(1 - beta1)) < T(0.5);
      with_flags([&](auto has_wd, auto dec, auto ams, auto small) {
        for_chunks(param.numel(), [&](int64_t b, int64_t e) {
          adam_loop<T, decltype(has_wd)::value, decltype(dec)::value, decltype(ams)::value, decltype(small)::value>(
              pp, gp, mp, vp, xp, b, e, s);
        });
      }, weight_decay != 0, decoupled, amsgrad, small_w1);
    }
  });
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
  RmsScalars s{maximize ? -1.0 : 1.0, weight_decay, alpha, 1 - alpha, eps, momentum, -lr};
  dispatch_dtype(param.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      T* pp = p.data<T>();
      const T* gp = g.data<T>();
      T* sp = sq.data<T>();
      T* bp = buf ? buf->data<T>() : nullptr;
      T* ap = ga ? ga->data<T>() : nullptr;
      bool small_wa = std::abs(T(1 - alpha)) < T(0.5);
      with_flags([&](auto has_wd, auto cen, auto has_mom, auto small) {
        for_chunks(param.numel(), [&](int64_t b, int64_t e) {
          rmsprop_loop<T, decltype(has_wd)::value, decltype(cen)::value, decltype(has_mom)::value,
                       decltype(small)::value>(pp, gp, sp, bp, ap, b, e, s);
        });
      }, weight_decay != 0, centered, momentum > 0, small_wa);
    }
  });
}

}  // namespace tc::ops
