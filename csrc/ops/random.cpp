// Random sampling with PyTorch-compatible streams (Note [PyTorch-compatible
// random streams] in core/generator.h).
#include <cmath>
#include <cstring>
#include <sstream>

#include "autograd/grad_mode.h"
#include "core/error.h"
#include "core/generator.h"
#include "core/shape_util.h"
#include "ops/ops.h"

namespace tc {

Generator& default_generator() {
  static Generator g;
  return g;
}

namespace ops {

namespace {
Generator& pick(Generator* g) { return g ? *g : default_generator(); }

// PyTorch's normal_distribution<double>: Box-Muller on two 53-bit uniforms,
// caching the second sample in the generator.
double normal_sample(Generator& g, double mean, double std) {
  if (g.next_double_normal) {
    double v = *g.next_double_normal * std + mean;
    g.next_double_normal.reset();
    return v;
  }
  double u1 = g.uniform_f64(), u2 = g.uniform_f64();
  double r = std::sqrt(-2.0 * std::log1p(-u2));
  double theta = 2.0 * M_PI * u1;
  g.next_double_normal = r * std::sin(theta);
  return r * std::cos(theta) * std + mean;
}

// PyTorch's normal_fill: uniforms for the whole tensor, then Box-Muller on
// blocks of 16 (pairs j, j+8); a ragged tail recomputes the last 16.
template <typename T>
void normal_fill(T* data, int64_t n, T mean, T std, Generator& g) {
  auto uniform = [&]() -> T { return std::is_same_v<T, float> ? T(g.uniform_f32()) : T(g.uniform_f64()); };
  for (int64_t i = 0; i < n; ++i) data[i] = uniform();
  auto fill16 = [&](T* d) {
    for (int j = 0; j < 8; ++j) {
      const T u1 = T(1) - d[j];
      const T u2 = d[j + 8];
      const T radius = std::sqrt(T(-2) * std::log(u1));
      const T theta = T(2.0 * M_PI) * u2;
      d[j] = radius * std::cos(theta) * std + mean;
      d[j + 8] = radius * std::sin(theta) * std + mean;
    }
  };
  for (int64_t i = 0; i + 16 <= n; i += 16) fill16(data + i);
  if (n % 16 != 0) {
    T* tail = data + n - 16;
    for (int i = 0; i < 16; ++i) tail[i] = uniform();
    fill16(tail);
  }
}

// Fills a contiguous scratch tensor then copies into `t` when `t` is strided.
template <typename F>
Tensor& fill_random(Tensor& t, F&& f) {
  Tensor c = t.is_contiguous() ? t : empty(t.sizes(), t.dtype());
  f(c);
  if (!c.same(t)) {
    autograd::NoGradGuard ng;
    copy_(t, c);
  }
  t.bump_version();
  return t;
}
}  // namespace

void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }
uint64_t initial_seed() { return default_generator().seed; }

std::vector<uint64_t> get_rng_state(Generator* gen) {
  Generator& g = pick(gen);
  std::ostringstream os;
  os << g.engine;
  std::vector<uint64_t> out;
  std::istringstream is(os.str());
  uint64_t v;
  while (is >> v) out.push_back(v);
  out.push_back(g.seed);
  out.push_back(g.next_double_normal ? 1 : 0);
  double cached = g.next_double_normal.value_or(0.0);
  uint64_t bits;
  std::memcpy(&bits, &cached, sizeof bits);
  out.push_back(bits);
  return out;
}

void set_rng_state(const std::vector<uint64_t>& st, Generator* gen) {
  TC_CHECK(st.size() > 3, "set_rng_state: invalid generator state (expected the tensor returned by get_rng_state)");
  std::ostringstream os;
  for (size_t i = 0; i + 3 < st.size(); ++i) os << (i ? " " : "") << st[i];
  std::istringstream is(os.str());
  std::mt19937 e;
  is >> e;
  TC_CHECK(!is.fail(), "set_rng_state: invalid generator state (expected the tensor returned by get_rng_state)");
  Generator& g = pick(gen);
  g.engine = e;
  g.seed = st[st.size() - 3];
  if (st[st.size() - 2]) {
    double cached;
    uint64_t bits = st.back();
    std::memcpy(&cached, &bits, sizeof bits);
    g.next_double_normal = cached;
  } else {
    g.next_double_normal.reset();
  }
}

Tensor& uniform_(Tensor& t, double lo, double hi, Generator* gen) {
  TC_CHECK(is_floating(t.dtype()), "uniform_ expects a floating point tensor, got ", dtype_name(t.dtype()));
  TC_CHECK(lo <= hi, "uniform_ expects to return a [from, to) range, but found from=", lo, " > to=", hi);
  Generator& g = pick(gen);
  return fill_random(t, [&](Tensor& c) {
    int64_t n = c.numel();
    if (c.dtype() == DType::Float32) {
      float* p = c.data<float>();
      const double from = static_cast<float>(lo), to = static_cast<float>(hi);
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<float>(g.uniform_f32() * (to - from) + from);
    } else {
      double* p = c.data<double>();
      for (int64_t i = 0; i < n; ++i) p[i] = g.uniform_f64() * (hi - lo) + lo;
    }
  });
}

Tensor& normal_(Tensor& t, double mean, double std, Generator* gen) {
  TC_CHECK(is_floating(t.dtype()), "normal_ expects a floating point tensor, got ", dtype_name(t.dtype()));
  TC_CHECK(std >= 0, "normal expects std >= 0.0, but found std ", std);
  Generator& g = pick(gen);
  int64_t n = t.numel();
  if (n >= 16 && t.is_contiguous()) {
    dispatch_dtype(t.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_floating_point_v<T>) normal_fill<T>(t.data<T>(), n, T(mean), T(std), g);
    });
    t.bump_version();
    return t;
  }
  return fill_random(t, [&](Tensor& c) {
    dispatch_dtype(c.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* p = c.data<T>();
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(normal_sample(g, mean, std));
    });
  });
}

Tensor& random_full_(Tensor& t, Generator* gen) {
  Generator& g = pick(gen);
  return fill_random(t, [&](Tensor& c) {
    dispatch_dtype(c.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* p = c.data<T>();
      for (int64_t i = 0; i < c.numel(); ++i) {
        if constexpr (std::is_same_v<T, int64_t>) p[i] = static_cast<T>(g.random64() % (1ULL << 63));
        else if constexpr (std::is_same_v<T, int32_t>) p[i] = static_cast<T>(g.random() % (1ULL << 31));
        else if constexpr (std::is_same_v<T, bool>) p[i] = (g.random() % 2) != 0;
        else if constexpr (std::is_same_v<T, float>) p[i] = static_cast<T>(g.random() % ((1ULL << 24) + 1));
        else p[i] = static_cast<T>(g.random64() % ((1ULL << 53) + 1));
      }
    });
  });
}

Tensor rand(const Shape& shape, DType dt, Generator* gen) {
  TC_CHECK(is_floating(dt), "\"check_uniform_bounds\" not implemented for '", dtype_name(dt), "'");
  Tensor t = empty(shape, dt);
  return uniform_(t, 0.0, 1.0, gen);
}

Tensor randn(const Shape& shape, DType dt, Generator* gen) {
  TC_CHECK(is_floating(dt), "\"normal_kernel_cpu\" not implemented for '", dtype_name(dt), "'");
  Tensor t = empty(shape, dt);
  return normal_(t, 0.0, 1.0, gen);
}

Tensor randint(int64_t low, int64_t high, const Shape& shape, DType dt, Generator* gen) {
  TC_CHECK(low < high, "random_ expects 'from' to be less than 'to', but got from=", low, " >= to=", high);
  Tensor t = empty(shape, dt);
  Generator& g = pick(gen);
  uint64_t range = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) {
      uint64_t v = range >= (1ULL << 32) ? g.random64() : g.random();
      p[i] = static_cast<T>(static_cast<int64_t>(v % range + static_cast<uint64_t>(low)));
    }
  });
  return t;
}

Tensor randperm(int64_t n, DType dt, Generator* gen) {
  TC_CHECK(n >= 0, "randperm: n must be non-negative, got ", n);
  Generator& g = pick(gen);
  std::vector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = i;
  for (int64_t i = 0; i + 1 < n; ++i) {
    int64_t z = static_cast<int64_t>(g.random() % static_cast<uint64_t>(n - i));
    std::swap(v[i], v[z + i]);
  }
  Tensor t = empty({n}, dt);
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (int64_t i = 0; i < n; ++i) t.data<T>()[i] = static_cast<T>(v[i]);
  });
  return t;
}

Tensor bernoulli_mask(const Shape& shape, double p_keep, DType dt, Generator* gen) {
  TC_CHECK(p_keep >= 0 && p_keep <= 1, "bernoulli: probability must be in [0, 1], got ", p_keep);
  Tensor t = empty(shape, dt);
  Generator& g = pick(gen);
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = g.uniform_f64() < p_keep ? T(1) : T(0);
  });
  return t;
}

Tensor multinomial(const Tensor& probs, int64_t n, bool replacement, Generator* gen) {
  TC_CHECK(probs.dim() == 1 || probs.dim() == 2, "prob_dist must be 1 or 2 dim, got ", probs.dim());
  Tensor p;
  {
    autograd::NoGradGuard ng;
    p = contiguous(to_dtype(probs, DType::Float64));
  }
  int64_t rows = p.dim() == 1 ? 1 : p.size(0), cats = p.size(p.dim() - 1);
  TC_CHECK(n > 0, "cannot sample n_sample <= 0 samples");
  TC_CHECK(replacement || n <= cats, "cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  Tensor out = empty(p.dim() == 1 ? Shape{n} : Shape{rows, n}, DType::Int64);
  Generator& g = pick(gen);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<double> w(p.data<double>() + r * cats, p.data<double>() + (r + 1) * cats);
    for (double x : w)
      TC_CHECK(x >= 0 && std::isfinite(x), "probability tensor contains either `inf`, `nan` or element < 0");
    for (int64_t s = 0; s < n; ++s) {
      double total = 0;
      for (double x : w) total += x;
      TC_CHECK(total > 0, "invalid multinomial distribution (sum of probabilities <= 0)");
      double u = g.uniform_f64() * total;
      int64_t k = 0;
      for (; k < cats - 1; ++k) {
        if (u < w[k]) break;
        u -= w[k];
      }
      while (w[k] == 0 && k > 0) --k;
      out.data<int64_t>()[r * n + s] = k;
      if (!replacement) w[k] = 0;
    }
  }
  return out;
}

}  // namespace ops
}  // namespace tc
