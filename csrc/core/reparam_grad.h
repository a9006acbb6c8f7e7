#pragma once
// Note [Implicit reparameterization gradient of Gamma samples]
// For x ~ Gamma(alpha, 1) drawn by rejection there is no differentiable path
// from alpha to x; the implicit reparameterization gradient is
//   dx/dalpha = -(d/dalpha CDF(x; alpha)) / pdf(x; alpha).
// torch._standard_gamma_grad evaluates it with three approximations chosen by
// region, and the values depend on which one ran, so to give PyTorch's
// gradients this evaluates the same three, in double whatever the tensor
// dtype (ATen's accumulate type for this kernel):
//  - x < 0.8: the series of the lower incomplete gamma function to six terms,
//    differentiated term by term in alpha;
//  - alpha > 8: Rice's saddle-point expansion (a polynomial near the mode,
//    |x - alpha| <= alpha / 10, where the general form is singular);
//  - otherwise: exp of a rational function of (log(x / alpha), log(alpha))
//    fitted by PyTorch's authors (the published coefficients below).
#include <cmath>
#include <limits>

namespace tc::dist {

// psi(x): reflection below 0, recurrence up to 10, then the asymptotic
// series in 1/x^2 (Cephes' coefficients, as ATen's digamma_one). S is the
// type ATen runs it in: the recurrence, log and 1/x are S arithmetic (float
// for float32 callers of the Dirichlet gradient), the sums double.
template <typename S> inline S digamma(S x) {
  if (x == 0) return std::numeric_limits<S>::infinity();
  double reflected = 0;
  if (x < 0) {
    if (x == std::floor(x)) return std::numeric_limits<S>::infinity();
    const S pi = static_cast<S>(M_PI);
    reflected = -pi / std::tan(pi * x);
    x = 1 - x;
  }
  double shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  if (x == 10) return static_cast<S>(shift + 2.25175258906672110764 + reflected);  // psi(10)
  static constexpr double kSeries[7] = {
      8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3, -4.16666666666666666667E-3,
      3.96825396825396825397E-3, -8.33333333333333333333E-3, 8.33333333333333333333E-2};
  double tail = 0;
  if (x < 1.0e17f) {
    const double z = 1.0 / (x * x);
    double poly = 0;
    for (double coef : kSeries) poly = poly * z + coef;
    tail = z * poly;
  }
  return static_cast<S>(shift + std::log(x) - (0.5f / x) - tail + reflected);
}

inline double standard_gamma_grad(double alpha, double x) {
  if (x < 0.8f) {
    // CDF(x) = x^alpha * sum_i (-x)^i / (i! (alpha + i)); d/dalpha of each term.
    double coef = 1, denom = alpha;
    double s1 = coef / denom, s2 = coef / (denom * denom);
    for (int i = 1; i <= 5; ++i) {
      coef *= -x / static_cast<double>(i);
      denom += 1;
      s1 += coef / denom;
      s2 += coef / (denom * denom);
    }
    const double x_pow_alpha = std::pow(x, alpha);
    const double pdf = std::pow(x, alpha - 1) * std::exp(-x);
    const double cdf = x_pow_alpha * s1;
    const double cdf_dalpha = (std::log(x) - digamma<double>(alpha)) * cdf - x_pow_alpha * s2;
    const double result = -cdf_dalpha / pdf;
    return std::isnan(result) ? 0.0 : result;
  }
  if (alpha > 8.0f) {
    if (0.9f * alpha <= x && x <= 1.1f * alpha) {
      const double n1 = 1 + 24 * alpha * (1 + 12 * alpha);
      const double n2 = 1440 * (alpha * alpha) + 6 * x * (53 - 120 * x) - 65 * x * x / alpha + alpha * (107 + 3600 * x);
      const double den = 1244160 * (alpha * alpha) * (alpha * alpha);
      return n1 * n2 / den;
    }
    const double den = std::sqrt(8 * alpha);
    const double t2 = den / (alpha - x);
    const double t3 = std::pow(x - alpha - alpha * std::log(x / alpha), -1.5);
    const double t23 = x < alpha ? t2 - t3 : t2 + t3;
    const double t1 = std::log(x / alpha) * t23 - std::sqrt(2 / alpha) * (alpha + x) / ((alpha - x) * (alpha - x));
    const double stirling = 1 + 1 / (12 * alpha) * (1 + 1 / (24 * alpha));
    return -stirling * (x * t1) / den;
  }
  const double u = std::log(x / alpha), v = std::log(alpha);
  static constexpr double kFit[3][8] = {
      {0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1, 0.32668115, 0.10406089, 0.0014179084},
      {0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113, -0.0035938915, -0.00058392623},
      {0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326, 0.00085092367,
       -1.5247877e-07},
  };
  double cv[8];
  for (int i = 0; i < 8; ++i) cv[i] = kFit[0][i] + u * (kFit[1][i] + u * kFit[2][i]);
  const double p = cv[0] + v * (cv[1] + v * (cv[2] + v * cv[3]));
  const double q = cv[4] + v * (cv[5] + v * (cv[6] + v * cv[7]));
  return std::exp(p / q);
}

// Note [Implicit reparameterization gradient of Dirichlet samples]
// torch._dirichlet_grad(x, alpha, total): for a Dirichlet coordinate x with
// concentration alpha out of `total`, its Beta(alpha, total - alpha) marginal's
// -(d/dalpha CDF) / pdf, scaled by 1 / (1 - x). Like the Gamma case it is a
// patchwork of approximations by region -- Taylor series near x = 0 and
// x = 1, a saddle-point expansion when both Beta parameters exceed 6, else a
// fitted rational correction of an analytic approximation -- and the values
// depend on the region, so these follow PyTorch's regions, coefficients and
// arithmetic types (S for the series, double for the rest).
template <typename S> inline S beta_grad_alpha_near_0(S x, S alpha, S beta) {
  const S factor = digamma<S>(alpha) - digamma<S>(alpha + beta) - std::log(x);
  S numer = 1;
  S series = numer / alpha * (factor + 1 / alpha);
  for (int i = 1; i <= 10; ++i) {
    const S si = static_cast<S>(i);
    numer *= (si - beta) * x / si;
    const S denom = alpha + si;
    series += numer / denom * (factor + 1 / denom);
  }
  const S result = x * std::pow(1 - x, -beta) * series;
  return std::isnan(result) ? S(0) : result;
}

template <typename S> inline S beta_grad_beta_near_0(S x, S alpha, S beta) {
  const S factor = digamma<S>(alpha + beta) - digamma<S>(beta);
  S numer = 1, betas = 1, dbetas = 0, series = factor / alpha;
  for (int i = 1; i <= 8; ++i) {
    const S si = static_cast<S>(i);
    numer *= -x / si;
    dbetas = dbetas * (beta - si) + betas;
    betas = betas * (beta - si);
    series += numer / (alpha + si) * (dbetas + factor * betas);
  }
  const S result = -std::pow(1 - x, 1 - beta) * series;
  return std::isnan(result) ? S(0) : result;
}

inline double beta_grad_alpha_saddle(double x, double alpha, double beta) {
  const double total = alpha + beta;
  const double mean = alpha / total;
  const double sd = std::sqrt(alpha * beta / (total + 1)) / total;
  if (mean - 0.1 * sd <= x && x <= mean + 0.1 * sd) {
    // The general expansion is singular at the mean: its limit, as a polynomial.
    const double b2 = beta * beta;
    const double poly = 47 * x * b2 * b2 + alpha * ((43 + 20 * (16 + 27 * beta) * x) * b2 * beta +
                                                    alpha * (3 * (59 + 180 * beta - 90 * x) * b2 +
                                                             alpha * ((453 + 1620 * beta * (1 - x) - 455 * x) * beta +
                                                                      alpha * (8 * (1 - x) * (135 * beta - 11)))));
    const double pre_num = (1 + 12 * alpha) * (1 + 12 * beta) / (total * total);
    const double pre_den = 12960 * alpha * alpha * alpha * beta * beta * (1 + 12 * total);
    return pre_num / (1 - x) * poly / pre_den;
  }
  const double prefactor = -x / std::sqrt(2 * alpha * beta / total);
  const double stirling = (1 + 1 / (12 * alpha) + 1 / (288 * alpha * alpha)) *
                          (1 + 1 / (12 * beta) + 1 / (288 * beta * beta)) /
                          (1 + 1 / (12 * total) + 1 / (288 * total * total));
  const double t1_num = 2 * (alpha * alpha) * (x - 1) + alpha * beta * (x - 1) - x * (beta * beta);
  const double axbx = alpha * (x - 1) + beta * x;
  const double t1_den = std::sqrt(2 * alpha / beta) * std::pow(total, 1.5) * axbx * axbx;
  const double t1 = t1_num / t1_den;
  const double t2 = 0.5f * std::log(alpha / (total * x));
  const double t3 = std::sqrt(8 * alpha * beta / total) / (beta * x + alpha * (x - 1));
  const double t4 = std::pow(beta * std::log(beta / (total * (1 - x))) + alpha * std::log(alpha / (total * x)), -1.5);
  return stirling * prefactor * (t1 + t2 * (t3 + (x < mean ? t4 : -t4)));
}

template <typename S> inline S dirichlet_grad(S x, S alpha, S total) {
  const double xd = x, ad = alpha, td = total;
  const S beta = total - alpha;
  const double bd = td - ad;
  const S boundary = total * x * (1 - x);
  if (x <= 0.5f && boundary < 2.5f) return beta_grad_alpha_near_0<S>(x, alpha, beta);
  if (x >= 0.5f && boundary < 0.75f) return -beta_grad_beta_near_0<S>(1 - x, beta, alpha);
  if (alpha > 6 && beta > 6) return static_cast<S>(beta_grad_alpha_saddle(xd, ad, bd));
  static constexpr double kFit[2][3][3][4] = {
      {{{1.003668233, -0.01061107488, -0.0657888334, 0.01201642863},
        {0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033},
        {-0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013}},
       {{0.221950385, -0.3187676331, 0.01799915743, 0.01074823814},
        {-0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057},
        {0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-05}},
       {{-0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565},
        {0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181},
        {0.005900514878, -0.001936558688, -9.495446725e-06, 5.385558597e-05}}},
      {{{1, -0.02924021934, -0.04438342661, 0.007285809825},
        {0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521},
        {-0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149}},
       {{0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273},
        {0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956},
        {-0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-05}},
       {{0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-05},
        {0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-05},
        {-0.0003477407336, 6.959756487e-05, 1.097287507e-05, -1.650964693e-06}}},
  };
  const double u = std::log(xd);
  const double a = std::log(ad) - u;
  const double b = std::log(td) - a;
  const double pow_u[3] = {1, u, u * u};
  const double pow_a[3] = {1, a, a * a};
  double p = 0.0, q = 0.0;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      const double ua = pow_u[i] * pow_a[j];
      const auto& cp = kFit[0][i][j];
      const auto& cq = kFit[1][i][j];
      p += ua * (cp[0] + b * (cp[1] + b * (cp[2] + b * cp[3])));
      q += ua * (cq[0] + b * (cq[1] + b * (cq[2] + b * cq[3])));
    }
  }
  // digamma in S of the double values, as ATen's digamma_one<scalar_t, ...>(total_).
  const double approx = xd * (digamma<S>(static_cast<S>(td)) - digamma<S>(static_cast<S>(ad))) / bd;
  return static_cast<S>(p / q * approx);
}

}  // namespace tc::dist
