// CPU optimizer-update kernels (backend/kernels_optim.h). One portable build:
// the loops vectorize with the baseline instruction set, and FMA contraction
// (which -mfma would allow) would change the roundings that make float32
// trajectories follow torch.optim's; where torch.optim itself rounds once
// (an add with alpha: Note [SGD rounds as torch.optim]) the loop says so
// with std::fma, and an FMA-targeted copy of it runs where the CPU has FMA.
#include "backend/kernels_optim.h"

// The element loops use std::sqrt, which vectorizes only without errno handling: CMakeLists.txt compiles this
// file with -fno-math-errno.

#include <cmath>
#include <cstdlib>
#include <string>
#include <type_traits>

#include "core/half.h"
#include "core/parallel.h"

namespace tc::kernels {

namespace {

constexpr int64_t kGrain = 16384;

template <typename F> void for_chunks(int64_t n, F&& f) {
  parallel_for(0, n, kGrain, [&](int64_t b, int64_t e) { f(b, e); });
}

// Note [Optimizer loops]
// Each update is a template over its boolean options, so that the loop body
// has no branches and `omp simd` vectorizes it (math-errno is off for this
// file, see the top). Loop-invariant scalars arrive already rounded to T.

// Note [SGD rounds as torch.optim]
// torch.optim.SGD's single-tensor step (what it runs for CPU tensors) is
//   grad = grad.add(param, alpha=weight_decay)          fma(p, wd, g)
//   buf.mul_(momentum).add_(grad, alpha=1 - dampening)  fma(g, 1 - damp, round(buf * momentum))
//   grad = grad.add(buf, alpha=momentum)  (nesterov)    fma(buf, momentum, g)
//   param.add_(grad, alpha=-lr)                          fma(g, -lr, p)
// and ATen's add with alpha is one fused multiply-add (vec::fmadd): each of
// those rounds once. With separate multiplies and adds 9% of float32
// parameters differed from PyTorch's after one step with weight decay.
// std::fma is exact everywhere; sgd_loop_fma is the same body compiled for
// FMA (an instruction, vectorized), picked where the CPU has it.
template <typename T, bool HAS_WD, bool HAS_MOM, bool FIRST, bool NESTEROV>
inline __attribute__((always_inline)) void sgd_body(T* __restrict pp, const T* __restrict gp, T* __restrict bp,
                                                    int64_t b, int64_t e, T sign, T wd, T mom, T damp, T neg_lr) {
#pragma omp simd
  for (int64_t i = b; i < e; ++i) {
    T d = sign * gp[i];
    if constexpr (HAS_WD) d = std::fma(pp[i], wd, d);
    if constexpr (HAS_MOM) {
      T m;
      if constexpr (FIRST)
        m = d;
      else
        m = std::fma(d, damp, bp[i] * mom);
      bp[i] = m;
      if constexpr (NESTEROV)
        d = std::fma(m, mom, d);
      else
        d = m;
    }
    pp[i] = std::fma(d, neg_lr, pp[i]);
  }
}

template <typename T, bool HAS_WD, bool HAS_MOM, bool FIRST, bool NESTEROV>
void sgd_loop(T* __restrict pp, const T* __restrict gp, T* __restrict bp, int64_t b, int64_t e, T sign, T wd, T mom,
              T damp, T neg_lr) {
  sgd_body<T, HAS_WD, HAS_MOM, FIRST, NESTEROV>(pp, gp, bp, b, e, sign, wd, mom, damp, neg_lr);
}

#if defined(__x86_64__) && defined(__GNUC__)
template <typename T, bool HAS_WD, bool HAS_MOM, bool FIRST, bool NESTEROV>
__attribute__((target("avx2,fma"))) void sgd_loop_fma(T* __restrict pp, const T* __restrict gp, T* __restrict bp,
                                                      int64_t b, int64_t e, T sign, T wd, T mom, T damp, T neg_lr) {
  sgd_body<T, HAS_WD, HAS_MOM, FIRST, NESTEROV>(pp, gp, bp, b, e, sign, wd, mom, damp, neg_lr);
}
// The FMA copy runs where the CPU has AVX2 and FMA, unless TENSORCORE_CPU_CAPABILITY forces the generic
// kernels (so the portable std::fma path is tested on any machine).
bool use_fma_loops() {
  static const bool yes = [] {
    const char* forced = std::getenv("TENSORCORE_CPU_CAPABILITY");
    if (forced && std::string(forced) == "generic") return false;
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return yes;
}
#endif

template <typename T, bool HAS_WD, bool DECOUPLED, bool AMSGRAD, bool SMALL_W1>
void adam_loop(T* __restrict pp, const T* __restrict gp, T* __restrict mp, T* __restrict vp, T* __restrict xp,
               int64_t b, int64_t e, const AdamArgs& s) {
  const T sign = T(s.sign), wd = T(s.weight_decay), decay = T(s.decay), w1 = T(s.w1), b2 = T(s.beta2), w2 = T(s.w2),
          bc2s = T(s.bc2_sqrt), eps = T(s.eps), neg_step = T(s.neg_step), one_m_w1 = T(1) - w1;
#pragma omp simd
  for (int64_t i = b; i < e; ++i) {
    T d = sign * gp[i];
    T pv = pp[i];
    if constexpr (HAS_WD) {
      if constexpr (DECOUPLED)
        pv = pv * decay;
      else
        d = d + wd * pv;
    }
    T m0 = mp[i];
    T mv;  // exp_avg.lerp_(grad, 1 - beta1), with at::lerp's two forms
    if constexpr (SMALL_W1)
      mv = m0 + w1 * (d - m0);
    else
      mv = d - (d - m0) * one_m_w1;
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

template <typename T, bool HAS_WD, bool CENTERED, bool HAS_MOM, bool SMALL_WA>
void rmsprop_loop(T* __restrict pp, const T* __restrict gp, T* __restrict sp, T* __restrict bp, T* __restrict ap,
                  int64_t b, int64_t e, const RmspropArgs& s) {
  const T sign = T(s.sign), wd = T(s.weight_decay), a = T(s.alpha), wa = T(s.w_alpha), eps = T(s.eps),
          mom = T(s.momentum), neg_lr = T(s.neg_lr), one_m_wa = T(1) - wa;
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
      if constexpr (SMALL_WA)
        mg = g0 + wa * (d - g0);
      else
        mg = d - (d - g0) * one_m_wa;
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

// Note [Optimizer steps on 16-bit parameters]
// PyTorch's CPU optimizers (the default single-tensor path) update float16 /
// bfloat16 parameters with a sequence of tensor ops in the parameter's dtype
// (grad.add(param, alpha=wd), exp_avg.lerp_, exp_avg_sq.mul_().addcmul_(),
// sqrt, /, add_(eps), addcdiv_, param.add_(grad, alpha=-lr)), each computing
// in float32 and rounding to the 16-bit type; the state (momentum buffers,
// exp_avg, exp_avg_sq) has the parameter's dtype. The loops below are that
// sequence per element with a store to T after every op and PyTorch's
// operand rules, checked against torch bit for bit: mul/div/addcmul/addcdiv
// take their Python-scalar operand in float (self + value * t1 * t2,
// self + value * t1 / t2), while add's alpha and a scalar added with add_ are
// first rounded to T (`in_t`); lerp is PyTorch's two-branch formula with a
// fused multiply-add.
namespace half_steps {

template <typename T> inline float in_t(double s) { return float(T(static_cast<float>(s))); }

inline float lerp(float self, float end, float w) {
  const float diff = end - self;
  return std::abs(w) < 0.5f ? std::fma(w, diff, self) : std::fma(-diff, 1.0f - w, end);
}

template <typename T> void sgd(int64_t b, int64_t e, T* p, const T* gr, T* buf, const SgdArgs& a) {
  const float wd = in_t<T>(a.weight_decay), mom_f = static_cast<float>(a.momentum), mom_t = in_t<T>(a.momentum),
              damp = in_t<T>(a.one_minus_dampening), neg_lr = in_t<T>(a.neg_lr);
  for (int64_t i = b; i < e; ++i) {
    T g = a.sign < 0 ? T(-float(gr[i])) : gr[i];
    if (a.weight_decay != 0) g = T(float(g) + wd * float(p[i]));  // grad.add(param, alpha=wd)
    if (buf) {
      if (a.first) {
        buf[i] = g;
      } else {
        buf[i] = T(float(buf[i]) * mom_f);            // buf.mul_(momentum)
        buf[i] = T(float(buf[i]) + damp * float(g));  // .add_(grad, alpha=1 - dampening)
      }
      g = a.nesterov ? T(float(g) + mom_t * float(buf[i])) : buf[i];  // grad.add(buf, alpha=momentum)
    }
    p[i] = T(float(p[i]) + neg_lr * float(g));  // param.add_(grad, alpha=-lr)
  }
}

template <typename T> void adam(int64_t b, int64_t e, T* p, const T* gr, T* m, T* v, T* vmax, const AdamArgs& a) {
  const float wd = in_t<T>(a.weight_decay), decay = static_cast<float>(a.decay), w1 = static_cast<float>(a.w1),
              beta2 = static_cast<float>(a.beta2), w2 = static_cast<float>(a.w2), bc2 = static_cast<float>(a.bc2_sqrt),
              eps = in_t<T>(a.eps), neg_step = static_cast<float>(a.neg_step);
  for (int64_t i = b; i < e; ++i) {
    T g = a.sign < 0 ? T(-float(gr[i])) : gr[i];
    if (a.weight_decay != 0) {
      if (a.decoupled)
        p[i] = T(float(p[i]) * decay);  // param.mul_(1 - lr * weight_decay)
      else
        g = T(float(g) + wd * float(p[i]));  // grad.add(param, alpha=weight_decay)
    }
    m[i] = T(lerp(float(m[i]), float(g), w1));         // exp_avg.lerp_(grad, 1 - beta1)
    v[i] = T(float(v[i]) * beta2);                     // exp_avg_sq.mul_(beta2)
    v[i] = T(float(v[i]) + w2 * float(g) * float(g));  // .addcmul_(grad, grad, value=1 - beta2)
    float second = float(v[i]);
    if (vmax) {
      if (std::isnan(second) || second > float(vmax[i])) vmax[i] = v[i];  // torch.maximum: NaN propagates
      second = float(vmax[i]);
    }
    T denom = T(std::sqrt(second));
    denom = T(float(denom) / bc2);                                  // / bias_correction2_sqrt
    denom = T(float(denom) + eps);                                  // .add_(eps)
    p[i] = T(float(p[i]) + neg_step * float(m[i]) / float(denom));  // param.addcdiv_(exp_avg, denom, value=-step_size)
  }
}

template <typename T>
void rmsprop(int64_t b, int64_t e, T* p, const T* gr, T* sq, T* buf, T* gavg, const RmspropArgs& a) {
  const float wd = in_t<T>(a.weight_decay), alpha = static_cast<float>(a.alpha),
              w_alpha = static_cast<float>(a.w_alpha), eps = in_t<T>(a.eps), mom = static_cast<float>(a.momentum),
              neg_lr_f = static_cast<float>(a.neg_lr), neg_lr_t = in_t<T>(a.neg_lr);
  for (int64_t i = b; i < e; ++i) {
    T g = a.sign < 0 ? T(-float(gr[i])) : gr[i];
    if (a.weight_decay != 0) g = T(float(g) + wd * float(p[i]));
    sq[i] = T(float(sq[i]) * alpha);                          // square_avg.mul_(alpha)
    sq[i] = T(float(sq[i]) + w_alpha * float(g) * float(g));  // .addcmul_(grad, grad, value=1 - alpha)
    T avg;
    if (gavg) {
      gavg[i] = T(lerp(float(gavg[i]), float(g), w_alpha));             // grad_avg.lerp_(grad, 1 - alpha)
      avg = T(float(sq[i]) + -1.0f * float(gavg[i]) * float(gavg[i]));  // square_avg.addcmul(.., value=-1)
      avg = T(std::sqrt(float(avg)));                                   // .sqrt_()
    } else {
      avg = T(std::sqrt(float(sq[i])));
    }
    avg = T(float(avg) + eps);  // avg.add_(eps)
    if (buf) {
      buf[i] = T(float(buf[i]) * mom);                           // buf.mul_(momentum)
      buf[i] = T(float(buf[i]) + 1.0f * float(g) / float(avg));  // .addcdiv_(grad, avg)
      p[i] = T(float(p[i]) + neg_lr_t * float(buf[i]));          // param.add_(buf, alpha=-lr)
    } else {
      p[i] = T(float(p[i]) + neg_lr_f * float(g) / float(avg));  // param.addcdiv_(grad, avg, value=-lr)
    }
  }
}

// f(Half{}) or f(BFloat16{}) for a 16-bit float dtype; false for any other.
template <typename F> bool dispatch(DType dt, F&& f) {
  if (dt == DType::Float16) {
    f(Half{});
    return true;
  }
  if (dt == DType::BFloat16) {
    f(BFloat16{});
    return true;
  }
  return false;
}

}  // namespace half_steps

// Calls f(std::bool_constant<B0>{}, ...) with the runtime flags as constants.
template <typename F> void with_flags(F&& f, bool a) {
  if (a)
    f(std::true_type{});
  else
    f(std::false_type{});
}
template <typename F, typename... Rest> void with_flags(F&& f, bool a, Rest... rest) {
  with_flags(
      [&](auto... cs) {
        if (a)
          f(std::true_type{}, cs...);
        else
          f(std::false_type{}, cs...);
      },
      rest...);
}

}  // namespace

void sgd_step(DType dt, int64_t n, void* param, const void* grad, void* momentum_buf, const SgdArgs& a) {
  if (half_steps::dispatch(dt, [&](auto tag) {
        using T = decltype(tag);
        for_chunks(n, [&](int64_t b, int64_t e) {
          half_steps::sgd<T>(b, e, static_cast<T*>(param), static_cast<const T*>(grad), static_cast<T*>(momentum_buf),
                             a);
        });
      }))
    return;
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      T* pp = static_cast<T*>(param);
      const T* gp = static_cast<const T*>(grad);
      T* bp = static_cast<T*>(momentum_buf);
      const T sign = T(a.sign), wd = T(a.weight_decay), mom = T(a.momentum), damp = T(a.one_minus_dampening),
              neg_lr = T(a.neg_lr);
      with_flags(
          [&](auto has_wd, auto has_mom, auto is_first, auto is_nesterov) {
            for_chunks(n, [&](int64_t b, int64_t e) {
#if defined(__x86_64__) && defined(__GNUC__)
              if (use_fma_loops())
                return sgd_loop_fma<T, decltype(has_wd)::value, decltype(has_mom)::value, decltype(is_first)::value,
                                    decltype(is_nesterov)::value>(pp, gp, bp, b, e, sign, wd, mom, damp, neg_lr);
#endif
              sgd_loop<T, decltype(has_wd)::value, decltype(has_mom)::value, decltype(is_first)::value,
                       decltype(is_nesterov)::value>(pp, gp, bp, b, e, sign, wd, mom, damp, neg_lr);
            });
          },
          a.weight_decay != 0, a.momentum != 0, a.first, a.nesterov);
    }
  });
}

void adam_step(DType dt, int64_t n, void* param, const void* grad, void* exp_avg, void* exp_avg_sq,
               void* max_exp_avg_sq, const AdamArgs& a) {
  if (half_steps::dispatch(dt, [&](auto tag) {
        using T = decltype(tag);
        for_chunks(n, [&](int64_t b, int64_t e) {
          half_steps::adam<T>(b, e, static_cast<T*>(param), static_cast<const T*>(grad), static_cast<T*>(exp_avg),
                              static_cast<T*>(exp_avg_sq), static_cast<T*>(max_exp_avg_sq), a);
        });
      }))
    return;
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      T* pp = static_cast<T*>(param);
      const T* gp = static_cast<const T*>(grad);
      T* mp = static_cast<T*>(exp_avg);
      T* vp = static_cast<T*>(exp_avg_sq);
      T* xp = static_cast<T*>(max_exp_avg_sq);
      const bool small_w1 = std::abs(T(a.w1)) < T(0.5);
      with_flags(
          [&](auto has_wd, auto dec, auto ams, auto small) {
            for_chunks(n, [&](int64_t b, int64_t e) {
              adam_loop<T, decltype(has_wd)::value, decltype(dec)::value, decltype(ams)::value, decltype(small)::value>(
                  pp, gp, mp, vp, xp, b, e, a);
            });
          },
          a.weight_decay != 0, a.decoupled, xp != nullptr, small_w1);
    }
  });
}

void rmsprop_step(DType dt, int64_t n, void* param, const void* grad, void* square_avg, void* momentum_buf,
                  void* grad_avg, const RmspropArgs& a) {
  if (half_steps::dispatch(dt, [&](auto tag) {
        using T = decltype(tag);
        for_chunks(n, [&](int64_t b, int64_t e) {
          half_steps::rmsprop<T>(b, e, static_cast<T*>(param), static_cast<const T*>(grad), static_cast<T*>(square_avg),
                                 static_cast<T*>(momentum_buf), static_cast<T*>(grad_avg), a);
        });
      }))
    return;
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      T* pp = static_cast<T*>(param);
      const T* gp = static_cast<const T*>(grad);
      T* sp = static_cast<T*>(square_avg);
      T* bp = static_cast<T*>(momentum_buf);
      T* ap = static_cast<T*>(grad_avg);
      const bool small_wa = std::abs(T(a.w_alpha)) < T(0.5);
      with_flags(
          [&](auto has_wd, auto cen, auto has_mom, auto small) {
            for_chunks(n, [&](int64_t b, int64_t e) {
              rmsprop_loop<T, decltype(has_wd)::value, decltype(cen)::value, decltype(has_mom)::value,
                           decltype(small)::value>(pp, gp, sp, bp, ap, b, e, a);
            });
          },
          a.weight_decay != 0, ap != nullptr, bp != nullptr, small_wa);
    }
  });
}

}  // namespace tc::kernels
