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
inline float uniform_float(Generator& g) {
  return static_cast<float>(g.random() & 0xffffffu) * (1.0f / 16777216.0f);
}
inline double uniform_double(Generator& g) { return g.uniform_f64(); }

// [from, to) for uniform_: scaled with one rounding (fma), as PyTorch does.
inline float uniform_float(Generator& g, float from, float to) {
  return std::fma(uniform_float(g), to - from, from);
}
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
    if (prod > enlam) ++x;
    else return x;
  }
}

// A double sample cast to an output dtype. Integer outputs out of the type's
// range, +-inf or NaN (geometric's 2^-53 corner, or a tiny p) get what x86's
// conversion gives PyTorch (the type's minimum) instead of undefined behaviour.
template <typename T>
inline T cast_sample(double v) {
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
