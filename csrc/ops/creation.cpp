// Creation ops and the random generator.
#include <cmath>
#include <random>

#include "backend/kernels.h"
#include "core/error.h"
#include "core/shape_util.h"
#include "ops/ops.h"

namespace tc::ops {

Tensor full(const Shape& shape, Scalar v, std::optional<DType> dtype) {
  DType dt = dtype ? *dtype : (v.kind == Scalar::Bool ? DType::Bool : v.kind == Scalar::Int ? DType::Int64 : default_dtype());
  Tensor t = empty(shape, dt);
  kernels::fill(t->data_bytes(), t.numel(), dt, v.d, v.i);
  return t;
}
Tensor zeros(const Shape& shape, DType dt) { return full(shape, Scalar::from_int(0), dt); }
Tensor ones(const Shape& shape, DType dt) { return full(shape, Scalar::from_int(1), dt); }
Tensor zeros_like(const Tensor& a) { return zeros(a.sizes(), a.dtype()); }
Tensor ones_like(const Tensor& a) { return ones(a.sizes(), a.dtype()); }

Tensor arange(Scalar start, Scalar end, Scalar step, std::optional<DType> dtype) {
  bool any_float = start.is_float() || end.is_float() || step.is_float();
  DType dt = dtype ? *dtype : (any_float ? default_dtype() : DType::Int64);
  TC_CHECK(step.d != 0, "arange: step must be nonzero");
  TC_CHECK(std::isfinite(start.d) && std::isfinite(end.d), "arange: unsupported range: ", start.d, " -> ", end.d);
  TC_CHECK((step.d > 0 && end.d >= start.d) || (step.d < 0 && end.d <= start.d),
           "arange: upper bound and larger bound inconsistent with step sign (start=", start.d, ", end=", end.d,
           ", step=", step.d, ")");
  int64_t n;
  if (!any_float && !is_floating(dt)) {
    int64_t s = start.i, e = end.i, st = step.i;
    n = st > 0 ? (e - s + st - 1) / st : (s - e + (-st) - 1) / (-st);
  } else {
    n = static_cast<int64_t>(std::ceil((end.d - start.d) / step.d));
  }
  TC_CHECK(n >= 0 && n < (int64_t(1) << 40), "arange: invalid number of elements ", n);
  Tensor t = empty({n}, dt);
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    if constexpr (std::is_floating_point_v<T>) {
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(start.d + static_cast<double>(i) * step.d);
    } else if (!any_float) {
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(start.i + i * step.i);
    } else {
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(start.d + static_cast<double>(i) * step.d);
    }
  });
  return t;
}

Tensor linspace(double start, double end, int64_t steps, DType dt) {
  TC_CHECK(steps >= 0, "linspace: number of steps must be non-negative, got ", steps);
  Tensor t = empty({steps}, dt);
  double step = steps > 1 ? (end - start) / static_cast<double>(steps - 1) : 0.0;
  int64_t half = steps / 2;
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    // Symmetric evaluation as PyTorch: first half from start, second half from end.
    for (int64_t i = 0; i < steps; ++i)
      p[i] = static_cast<T>(i < half ? start + step * static_cast<double>(i)
                                     : end - step * static_cast<double>(steps - i - 1));
  });
  return t;
}

Tensor eye(int64_t n, int64_t m, DType dt) {
  TC_CHECK(n >= 0, "n must be greater or equal to 0, got ", n);
  TC_CHECK(m >= 0, "m must be greater or equal to 0, got ", m);
  Tensor t = zeros({n, m}, dt);
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = T(1);
  });
  return t;
}

// ---- random ----
// Note [Generator]
// One global mt19937_64 seeded by manual_seed(); values are deterministic per
// seed (they do not reproduce PyTorch's streams, which no test may rely on).
namespace {
struct Gen {
  std::mt19937_64 eng{67280421310721ULL};
  uint64_t seed = 67280421310721ULL;
};
Gen& gen() {
  static Gen g;
  return g;
}
// 24/53 random mantissa bits -> uniform [0, 1).
inline double uniform01_d(std::mt19937_64& e) { return (e() >> 11) * (1.0 / 9007199254740992.0); }
inline float uniform01_f(std::mt19937_64& e) { return (e() >> 40) * (1.0f / 16777216.0f); }
}  // namespace

void manual_seed(uint64_t seed) {
  gen().eng.seed(seed);
  gen().seed = seed;
}
uint64_t initial_seed() { return gen().seed; }

std::vector<uint64_t> get_rng_state() {
  std::ostringstream os;
  os << gen().eng;
  std::string s = os.str();
  std::vector<uint64_t> out;
  std::istringstream is(s);
  uint64_t v;
  while (is >> v) out.push_back(v);
  return out;
}

void set_rng_state(const std::vector<uint64_t>& st) {
  std::ostringstream os;
  for (size_t i = 0; i < st.size(); ++i) os << (i ? " " : "") << st[i];
  std::istringstream is(os.str());
  std::mt19937_64 e;
  is >> e;
  TC_CHECK(!is.fail(), "set_rng_state: invalid generator state (expected the list returned by get_rng_state)");
  gen().eng = e;
}

Tensor& uniform_(Tensor& t, double lo, double hi) {
  TC_CHECK(is_floating(t.dtype()), "uniform_ expects a floating point tensor, got ", dtype_name(t.dtype()));
  TC_CHECK(lo <= hi, "uniform_ expects to return a [from, to) range, but found from=", lo, " > to=", hi);
  Tensor c = t.is_contiguous() ? t : empty(t.sizes(), t.dtype());
  auto& e = gen().eng;
  int64_t n = c.numel();
  if (c.dtype() == DType::Float32) {
    float* p = c.data<float>();
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<float>(lo + (hi - lo) * uniform01_f(e));
  } else {
    double* p = c.data<double>();
    for (int64_t i = 0; i < n; ++i) p[i] = lo + (hi - lo) * uniform01_d(e);
  }
  if (!c.same(t)) copy_(t, c);
  t.bump_version();
  return t;
}

Tensor& normal_(Tensor& t, double mean, double std) {
  TC_CHECK(is_floating(t.dtype()), "normal_ expects a floating point tensor, got ", dtype_name(t.dtype()));
  TC_CHECK(std >= 0, "normal expects std >= 0.0, but found std ", std);
  Tensor c = t.is_contiguous() ? t : empty(t.sizes(), t.dtype());
  auto& e = gen().eng;
  int64_t n = c.numel();
  // Box-Muller in pairs.
  auto sample = [&](int64_t i, double* z0, double* z1) {
    (void)i;
    double u1 = 1.0 - uniform01_d(e), u2 = uniform01_d(e);
    double r = std::sqrt(-2.0 * std::log(u1));
    *z0 = r * std::cos(2 * M_PI * u2);
    *z1 = r * std::sin(2 * M_PI * u2);
  };
  dispatch_dtype(c.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = c.data<T>();
    for (int64_t i = 0; i < n; i += 2) {
      double z0, z1;
      sample(i, &z0, &z1);
      p[i] = static_cast<T>(mean + std * z0);
      if (i + 1 < n) p[i + 1] = static_cast<T>(mean + std * z1);
    }
  });
  if (!c.same(t)) copy_(t, c);
  t.bump_version();
  return t;
}

Tensor rand(const Shape& shape, DType dt) {
  TC_CHECK(is_floating(dt), "\"check_uniform_bounds\" not implemented for '", dtype_name(dt), "'");
  Tensor t = empty(shape, dt);
  return uniform_(t, 0.0, 1.0);
}

Tensor randn(const Shape& shape, DType dt) {
  TC_CHECK(is_floating(dt), "\"normal_kernel_cpu\" not implemented for '", dtype_name(dt), "'");
  Tensor t = empty(shape, dt);
  return normal_(t, 0.0, 1.0);
}

Tensor randint(int64_t low, int64_t high, const Shape& shape, DType dt) {
  TC_CHECK(low < high, "random_ expects 'from' to be less than 'to', but got from=", low, " >= to=", high);
  Tensor t = empty(shape, dt);
  auto& e = gen().eng;
  uint64_t range = static_cast<uint64_t>(high - low);
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<T>(low + static_cast<int64_t>(e() % range));
  });
  return t;
}

Tensor randperm(int64_t n, DType dt) {
  TC_CHECK(n >= 0, "randperm: n must be non-negative, got ", n);
  std::vector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = i;
  auto& e = gen().eng;
  for (int64_t i = n - 1; i > 0; --i) std::swap(v[i], v[e() % static_cast<uint64_t>(i + 1)]);
  Tensor t = empty({n}, dt);
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (int64_t i = 0; i < n; ++i) t.data<T>()[i] = static_cast<T>(v[i]);
  });
  return t;
}

Tensor bernoulli_mask(const Shape& shape, double p_keep, DType dt) {
  Tensor t = empty(shape, dt);
  auto& e = gen().eng;
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = uniform01_d(e) < p_keep ? T(1) : T(0);
  });
  return t;
}

Tensor multinomial(const Tensor& probs, int64_t n, bool replacement) {
  TC_CHECK(probs.dim() == 1 || probs.dim() == 2, "prob_dist must be 1 or 2 dim, got ", probs.dim());
  Tensor p = contiguous(to_dtype(probs, DType::Float64));
  int64_t rows = p.dim() == 1 ? 1 : p.size(0), cats = p.size(p.dim() - 1);
  TC_CHECK(replacement || n <= cats, "cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  Tensor out = empty(p.dim() == 1 ? Shape{n} : Shape{rows, n}, DType::Int64);
  auto& e = gen().eng;
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<double> w(p.data<double>() + r * cats, p.data<double>() + (r + 1) * cats);
    for (double x : w) TC_CHECK(x >= 0 && std::isfinite(x), "probability tensor contains either `inf`, `nan` or element < 0");
    for (int64_t s = 0; s < n; ++s) {
      double total = 0;
      for (double x : w) total += x;
      TC_CHECK(total > 0, "invalid multinomial distribution (sum of probabilities <= 0)");
      double u = uniform01_d(e) * total;
      int64_t k = 0;
      for (; k < cats - 1; ++k) { if (u < w[k]) break; u -= w[k]; }
      while (w[k] == 0 && k > 0) --k;
      out.data<int64_t>()[r * n + s] = k;
      if (!replacement) w[k] = 0;
    }
  }
  return out;
}

}  // namespace tc::ops
