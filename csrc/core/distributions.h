#pragma once
// Note [PyTorch's per-sample transformations]
// One sample of each distribution, drawn from a Generator exactly as PyTorch's
// CPU kernels draw it (at::*_distribution + at::transformation), so a given
// seed yields PyTorch's values and leaves the generator where PyTorch leaves it:
//  - float uniforms take 24 bits of one 32-bit draw and are computed in float;
//    double uniforms take 53 bits of two draws;
//  - exponential/geometric/cauchy/log-normal/bernoulli(double p)/poisson use
//    double uniforms whatever the output dtype, and cast the result;
//  - PyTorch compiles its distribution kernels with FMA enabled and GCC
//    contracts `a * b + c` there, so those spots use std::fma (uniform_'s
//    scaling, normal's `z * std + mean`, cauchy's `median + sigma * t`).
//    Getting this wrong changes the last bit of about a third of the samples.
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "core/generator.h"

namespace tc::dist {

// [0, 1) with PyTorch's bit budget, in the dtype's own precision.
inline float uniform_float(Generator& g) { return static_cast<float>(g.random() & 0xffffffu) * (1.0f / 16777216.0f); }
inline double uniform_double(Generator& g) { return g.uniform_f64(); }

// [from, to) for uniform_: scaled with one rounding (fma), as PyTorch does.
inline float uniform_float(Generator& g, float from, float to) { return std::fma(uniform_float(g), to - from, from); }
inline double uniform_double(Generator& g, double from, double to) {
  return std::fma(uniform_double(g), to - from, from);
}

// Box-Muller on two double uniforms; the second value is cached in the
// generator and returned by the next call (PyTorch's normal_distribution<double>).
inline double normal(Generator& g, double mean, double std) {
  double z;
  if (g.next_double_normal) {
    z = *g.next_double_normal;
    g.next_double_normal.reset();
  } else {
    const double u1 = g.uniform_f64(), u2 = g.uniform_f64();
    const double r = std::sqrt(-2.0 * std::log1p(-u2));
    const double theta = 2.0 * M_PI * u1;
    g.next_double_normal = r * std::sin(theta);
    z = r * std::cos(theta);
  }
  return std::fma(z, std, mean);
}

inline double exponential(Generator& g, double lambda) { return -1.0 / lambda * std::log1p(-g.uniform_f64()); }

// Number of trials up to the first success; +inf when the uniform is exactly 0.
inline double geometric(Generator& g, double p) { return std::ceil(std::log(g.uniform_f64()) / std::log1p(-p)); }

inline double cauchy(Generator& g, double median, double sigma) {
  return std::fma(sigma, std::tan(M_PI * (g.uniform_f64() - 0.5)), median);
}

inline double log_normal(Generator& g, double mean, double std) { return std::exp(normal(g, mean, std)); }

// PyTorch's sample_poisson: Hoermann's transformed rejection for rates >= 10,
// multiplying uniforms below that.
inline int64_t poisson(Generator& g, double lambda) {
  if (lambda >= 10) {
    const double slam = std::sqrt(lambda), loglam = std::log(lambda);
    const double b = 0.931 + 2.53 * slam;
    const double a = -0.059 + 0.02483 * b;
    const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const double vr = 0.9277 - 3.6224 / (b - 2);
    while (true) {
      const double U = g.uniform_f64() - 0.5;
      const double V = g.uniform_f64();
      const double us = 0.5 - std::fabs(U);
      const auto k = static_cast<int64_t>(std::floor((2 * a / us + b) * U + lambda + 0.43));
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (std::log(V) + std::log(invalpha) - std::log(a / (us * us) + b) <=
          -lambda + k * loglam - std::lgamma(static_cast<double>(k) + 1))
        return k;
    }
  }
  if (lambda == 0) return 0;
  const double enlam = std::exp(-lambda);
  int64_t x = 0;
  double prod = 1.0;
  while (true) {
    prod *= g.uniform_f64();
    if (prod > enlam)
      ++x;
    else
      return x;
  }
}

// Note [Gamma and binomial samplers follow ATen's arithmetic types]
// torch._standard_gamma, torch._sample_dirichlet and torch.binomial draw with
// double uniforms and (for gamma) normal_distribution<double>, which shares
// the generator's cached second Box-Muller value. The algorithms are
// Marsaglia-Tsang for gamma (with a power-of-a-uniform boost below 1) and, for
// binomial, inversion by geometric waiting times when count * min(p, 1 - p) <
// 10, else Hoermann's BTRS. To give PyTorch's bits, each intermediate is
// computed in the type ATen computes it in: the element type S (float for
// float32 tensors) where ATen's expression is in scalar_t, double where it is
// in its accumulate type, and with float literals (1/3, 0.0331) rounded to
// float first. These files are not compiled with FMA contraction in PyTorch,
// so no std::fma here.
template <typename S> inline S standard_gamma(Generator& g, S alpha) {
  double scale = 1.0;
  if (alpha < 1.0f) {
    if (alpha == 0.f) return S(0);
    const double u = g.uniform_f64();
    scale *= std::pow(1 - u, static_cast<double>(1.0f / alpha));
    alpha += 1.0f;
  }
  const double d = alpha - 1.0f / 3.0f;  // in S: float minus float(1/3) for float32
  // A concentration below -2/3 (or NaN) has no sampler; NaN here (the caller
  // clamps it to the smallest normal, as PyTorch's output shows) instead of
  // a rejection loop that never accepts.
  if (!(d > 0)) return std::numeric_limits<S>::quiet_NaN();
  const double c = 1.0f / std::sqrt(9.0f * d);
  while (true) {
    double x, y;
    do {
      x = normal(g, 0.0, 1.0);
      y = 1.0f + c * x;
    } while (y <= 0);
    const double v = y * y * y;
    const double u = 1 - g.uniform_f64();
    const double xx = x * x;
    if (u < 1.0f - 0.0331f * xx * xx) return static_cast<S>(scale * d * v);
    if (std::log(u) < 0.5f * xx + d * (1.0f - v + std::log(v))) return static_cast<S>(scale * d * v);
  }
}

// log(k!) minus its Stirling approximation, tabulated for small k (BTRS).
inline double stirling_tail(double k) {
  static constexpr double kSmall[10] = {
      0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
      0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287};
  if (k <= 9) return kSmall[static_cast<int>(k)];
  const double kp1sq = (k + 1) * (k + 1);
  return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

// Successes counted as geometric waiting times until they pass `count`.
template <typename S> inline S binomial_by_waiting_times(Generator& g, S count, S prob) {
  const double log_q = std::log1p(-prob);  // log1p in S, as ATen's compat_log1p(scalar_t)
  double waited = 0;
  S successes = 0;
  while (true) {
    waited += std::ceil(std::log(g.uniform_f64()) / log_q);
    if (waited > count) return successes;
    successes = successes + 1;
  }
}

// Hoermann's BTRS (transformed rejection with squeeze), prob <= 1/2.
template <typename S> inline S binomial_btrs(Generator& g, S count, S prob) {
  const double spq = std::sqrt(count * prob * (1 - prob));
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * prob;
  const double c = count * prob + 0.5;
  const double v_r = 0.92 - 4.2 / b;
  const double r = prob / (1 - prob);
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double m = std::floor((count + 1) * prob);
  while (true) {
    const double U = g.uniform_f64() - 0.5;
    double V = g.uniform_f64();
    const double us = 0.5 - std::abs(U);
    const S k = static_cast<S>(std::floor((2 * a / us + b) * U + c));
    if (k < 0 || k > count) continue;
    if (us >= 0.07 && V <= v_r) return k;
    V = std::log(V * alpha / (a / (us * us) + b));
    const double bound = (m + 0.5) * std::log((m + 1) / (r * (count - m + 1))) +
                         (count + 1) * std::log((count - m + 1) / (count - k + 1)) +
                         (k + 0.5) * std::log(r * (count - k + 1) / (k + 1)) + stirling_tail(m) +
                         stirling_tail(count - m) - stirling_tail(k) - stirling_tail(count - k);
    if (V <= bound) return k;
  }
}

template <typename S> inline S binomial(Generator& g, S count, S prob) {
  // A NaN count would never be passed by BTRS's rejection loop (PyTorch hangs there): NaN out, no draws.
  if (std::isnan(count)) return count;
  if (count <= 0.0 || prob <= 0.0) return S(0);
  if (prob >= 1.0) return count;
  if (prob <= 0.5) {
    return count * prob >= 10.0 ? binomial_btrs(g, count, prob) : binomial_by_waiting_times(g, count, prob);
  }
  if (prob > 0.5) {
    const S q = static_cast<S>(1.0 - prob);
    return count - (count * q >= 10.0 ? binomial_btrs(g, count, q) : binomial_by_waiting_times(g, count, q));
  }
  return std::numeric_limits<S>::quiet_NaN();  // prob is NaN
}

// A double sample cast to an output dtype. Integer outputs out of the type's
// range, +-inf or NaN (geometric's 2^-53 corner, or a tiny p) get what x86's
// conversion gives PyTorch (the type's minimum) instead of undefined behaviour.
template <typename T> inline T cast_sample(double v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v != 0;
  } else if constexpr (std::is_integral_v<T>) {
    const double lo = static_cast<double>(std::numeric_limits<T>::min());  // exact: a power of two
    if (!(v >= lo && v < -lo)) return std::numeric_limits<T>::min();
    return static_cast<T>(v);
  } else {
    return static_cast<T>(v);
  }
}

}  // namespace tc::dist
