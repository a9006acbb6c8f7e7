// CPU sampling kernels (backend/kernels_random.h, Note [Random sampling
// kernels]). One portable build: each loop is a serial walk over one
// generator, so there is nothing for instruction-set dispatch to choose; the
// float32 Box-Muller blocks go through the dispatched box_muller_f32.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "backend/cpu/random_order.h"
#include "backend/kernels_elementwise.h"
#include "backend/kernels_random.h"
#include "core/distributions.h"
#include "core/generator.h"
#include "core/reparam_grad.h"

namespace tc::kernels {

namespace {

bool is_contiguous(const StridedOut& o) {
  int64_t expected = 1;
  for (int64_t d = o.ndim - 1; d >= 0; --d) {
    if (o.sizes[d] != 1 && o.strides[d] != expected) return false;
    expected *= o.sizes[d];
  }
  return true;
}

int64_t numel(const StridedOut& o) {
  int64_t n = 1;
  for (int64_t d = 0; d < o.ndim; ++d) n *= o.sizes[d];
  return n;
}

// Writes sample() into every element of `o` in PyTorch's fill order.
template <typename T, typename F> void fill_each(const StridedOut& o, F&& sample) {
  T* p = static_cast<T*>(o.data);
  if (is_contiguous(o)) {
    for (int64_t i = 0, n = numel(o); i < n; ++i) p[i] = sample();
  } else {
    const Shape sizes(o.sizes, o.sizes + o.ndim), strides(o.strides, o.strides + o.ndim);
    cpu::visit_in_fill_order(sizes, strides, nullptr, [&](int64_t off, int64_t) { p[off] = sample(); });
  }
}

template <typename F> void fill_floating(const StridedOut& o, F&& sample_double) {
  dispatch_dtype(o.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) fill_each<T>(o, [&] { return static_cast<T>(sample_double()); });
  });
}

// PyTorch's normal_fill: uniforms for the whole tensor, then Box-Muller on
// blocks of 16 (pairs j, j+8); a ragged tail recomputes the last 16. float32
// blocks go through box_muller_f32 (PyTorch's AVX2 log/sincos); double uses
// libm, as PyTorch's scalar path.
template <typename T> void normal_fill(T* data, int64_t n, T mean, T std, Generator& g) {
  auto uniform = [&]() -> T {
    if constexpr (std::is_same_v<T, float>)
      return dist::uniform_float(g);
    else
      return dist::uniform_double(g);
  };
  auto box_muller = [&](T* d, int64_t blocks) {
    if constexpr (std::is_same_v<T, float>) {
      box_muller_f32(d, blocks, mean, std);
    } else {
      for (int64_t b = 0; b < blocks; ++b, d += 16) {
        for (int j = 0; j < 8; ++j) {
          const T radius = std::sqrt(T(-2) * std::log(T(1) - d[j]));
          const T theta = T(2.0 * M_PI) * d[j + 8];
          d[j] = std::fma(radius * std::cos(theta), std, mean);
          d[j + 8] = std::fma(radius * std::sin(theta), std, mean);
        }
      }
    }
  };
  for (int64_t i = 0; i < n; ++i) data[i] = uniform();
  box_muller(data, n / 16);
  if (n % 16 != 0) {
    T* tail = data + n - 16;
    for (int i = 0; i < 16; ++i) tail[i] = uniform();
    box_muller(tail, 1);
  }
}

}  // namespace

void sample(Sample kind, const StridedOut& o, Generator& g, const SampleArgs& s) {
  switch (kind) {
    case Sample::Uniform:
      if (o.dtype == DType::Float32) {
        const float from = static_cast<float>(s.a), to = static_cast<float>(s.b);
        // A value that rounds up to `to` is folded back to `from`, as PyTorch does.
        fill_each<float>(o, [&] {
          const float v = dist::uniform_float(g, from, to);
          return v == to ? from : v;
        });
      } else if (o.dtype == DType::Float64) {
        fill_each<double>(o, [&] {
          const double v = dist::uniform_double(g, s.a, s.b);
          return v == s.b ? s.a : v;
        });
      }
      return;
    case Sample::Normal: {
      const int64_t n = numel(o);
      if (n >= 16 && is_contiguous(o)) {  // PyTorch's vectorised normal_fill
        if (o.dtype == DType::Float32)
          normal_fill<float>(static_cast<float*>(o.data), n, float(s.a), float(s.b), g);
        else if (o.dtype == DType::Float64)
          normal_fill<double>(static_cast<double*>(o.data), n, s.a, s.b, g);
        return;
      }
      fill_floating(o, [&] { return dist::normal(g, s.a, s.b); });
      return;
    }
    case Sample::Exponential:
      fill_floating(o, [&] { return dist::exponential(g, s.a); });
      return;
    case Sample::Cauchy:
      fill_floating(o, [&] { return dist::cauchy(g, s.a, s.b); });
      return;
    case Sample::LogNormal:
      fill_floating(o, [&] { return dist::log_normal(g, s.a, s.b); });
      return;
    default:
      break;
  }
  dispatch_dtype(o.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    switch (kind) {
      case Sample::Geometric:
        fill_each<T>(o, [&] { return dist::cast_sample<T>(dist::geometric(g, s.a)); });
        break;
      case Sample::Bernoulli:
        fill_each<T>(o, [&] { return static_cast<T>(dist::uniform_double(g) < s.a); });
        break;
      case Sample::RandomRange: {
        const bool wide = s.range >= (uint64_t{1} << 28);
        fill_each<T>(o, [&] {
          const uint64_t v = wide ? g.random64() : g.random();
          return static_cast<T>(static_cast<int64_t>(v % s.range + static_cast<uint64_t>(s.base)));
        });
        break;
      }
      case Sample::RandomFull:
        // The dtype's whole range (2^digits + 1 values for floats), from 32-bit
        // draws except for int64 and double.
        fill_each<T>(o, [&]() -> T {
          if constexpr (std::is_same_v<T, int64_t>)
            return static_cast<T>(g.random64() % (uint64_t{1} << 63));
          else if constexpr (std::is_same_v<T, int32_t>)
            return static_cast<T>(g.random() % (uint64_t{1} << 31));
          else if constexpr (std::is_same_v<T, bool>)
            return (g.random() & 1) != 0;
          else if constexpr (std::is_same_v<T, float>)
            return static_cast<T>(g.random() % ((uint64_t{1} << 24) + 1));
          else
            return static_cast<T>(g.random64() % ((uint64_t{1} << 53) + 1));
        });
        break;
      case Sample::RandomInt64:
        fill_each<T>(o, [&] { return static_cast<T>(static_cast<int64_t>(g.random64())); });
        break;
      default:
        break;
    }
  });
}

int64_t bernoulli_tensor(const StridedOut& o, const void* probs, DType probs_dt, const int64_t* probs_strides,
                         Generator& g) {
  // Each element reads its probability then draws: a float32 p draws a float
  // uniform (24 bits), a float64 p a double one.
  const Shape sizes(o.sizes, o.sizes + o.ndim), strides(o.strides, o.strides + o.ndim);
  const Shape pstrides(probs_strides, probs_strides + o.ndim);
  int64_t written = 0;
  bool bad = false;
  dispatch_dtype(o.dtype, [&](auto out_tag) {
    using T = typename decltype(out_tag)::type;
    T* out = static_cast<T*>(o.data);
    dispatch_dtype(probs_dt, [&](auto p_tag) {
      using P = typename decltype(p_tag)::type;
      if constexpr (std::is_floating_point_v<P>) {
        const P* pp = static_cast<const P*>(probs);
        cpu::visit_in_fill_order(sizes, strides, &pstrides, [&](int64_t off, int64_t poff) {
          if (bad) return;
          const P pv = pp[poff];
          if (!(pv >= 0 && pv <= 1)) {
            bad = true;
            return;
          }
          if constexpr (std::is_same_v<P, float>)
            out[off] = static_cast<T>(dist::uniform_float(g) < pv);
          else
            out[off] = static_cast<T>(dist::uniform_double(g) < pv);
          ++written;
        });
      }
    });
  });
  return bad ? written : -1;
}

int64_t poisson(DType dt, const void* rates, void* out, int64_t n, Generator& g) {
  return dispatch_dtype(dt, [&](auto tag) -> int64_t {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* lam = static_cast<const T*>(rates);
      T* o = static_cast<T*>(out);
      for (int64_t i = 0; i < n; ++i) {
        const double l = static_cast<double>(lam[i]);
        if (!(l >= 0)) return i;
        o[i] = static_cast<T>(dist::poisson(g, l));
      }
    }
    return -1;
  });
}

void standard_gamma(DType dt, const void* alpha, void* out, int64_t n, Generator& g) {
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* a = static_cast<const T*>(alpha);
      T* o = static_cast<T*>(out);
      for (int64_t i = 0; i < n; ++i) o[i] = std::max(std::numeric_limits<T>::min(), dist::standard_gamma<T>(g, a[i]));
    }
  });
}

void binomial(DType dt, const void* count, const void* prob, void* out, int64_t n, Generator& g) {
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* c = static_cast<const T*>(count);
      const T* p = static_cast<const T*>(prob);
      T* o = static_cast<T*>(out);
      for (int64_t i = 0; i < n; ++i) o[i] = dist::binomial<T>(g, c[i], p[i]);
    }
  });
}

// Note [Dirichlet normalisers are summed in ATen's order]
// torch._sample_dirichlet divides each row of double gammas by gamma.sum(-1),
// and ATen's CPU sum is a cascade: the row is read as vectors of W doubles
// (W = 4 with AVX2, 8 with AVX-512 on Intel, 4 on AMD: PyTorch's Vectorized<double> on the CPU
// it dispatches to, which is the capability tensorcore picks too), four
// interleaved accumulators (blocks of 16 units folded into higher levels),
// the leftover vectors into the first, the four combined, then the scalar
// tail and finally the lanes in order. Rows shorter than W are summed the same
// way with W = 1. Any other order changes the last bit of some samples.
namespace {

template <int W> using Lanes = std::array<double, W>;

template <int W> void add_lanes(Lanes<W>& acc, const double* p) {
  for (int l = 0; l < W; ++l) acc[l] += p[l];
}
template <int W> void add_lanes(Lanes<W>& acc, const Lanes<W>& other) {
  for (int l = 0; l < W; ++l) acc[l] += other[l];
}

// ATen's multi_row_sum with four rows (ilp) and four cascade levels.
template <int W>
std::array<Lanes<W>, 4> cascade_rows(const double* in, int64_t row_stride, int64_t col_stride, int64_t size) {
  constexpr int kLevels = 4;
  int64_t ceil_log2 = 1;
  if (size > 2) {
    ceil_log2 = 0;
    for (uint64_t v = static_cast<uint64_t>(size) - 1; v; v >>= 1) ++ceil_log2;
  }
  const int64_t level_power = std::max<int64_t>(4, ceil_log2 / kLevels);
  const int64_t level_step = int64_t{1} << level_power;
  const int64_t level_mask = level_step - 1;
  Lanes<W> acc[kLevels][4] = {};
  int64_t i = 0;
  while (i + level_step <= size) {
    for (int64_t j = 0; j < level_step; ++j, ++i)
      for (int k = 0; k < 4; ++k) add_lanes<W>(acc[0][k], in + i * row_stride + k * col_stride);
    for (int j = 1; j < kLevels; ++j) {
      for (int k = 0; k < 4; ++k) {
        add_lanes<W>(acc[j][k], acc[j - 1][k]);
        acc[j - 1][k] = Lanes<W>{};
      }
      if ((i & (level_mask << (j * level_power))) != 0) break;
    }
  }
  for (; i < size; ++i)
    for (int k = 0; k < 4; ++k) add_lanes<W>(acc[0][k], in + i * row_stride + k * col_stride);
  for (int j = 1; j < kLevels; ++j)
    for (int k = 0; k < 4; ++k) add_lanes<W>(acc[0][k], acc[j][k]);
  return {acc[0][0], acc[0][1], acc[0][2], acc[0][3]};
}

// ATen's row_sum over `units` consecutive groups of W doubles.
template <int W> Lanes<W> ilp_row_sum(const double* in, int64_t units) {
  const int64_t size_ilp = units / 4;
  auto partial = cascade_rows<W>(in, 4 * W, W, size_ilp);
  for (int64_t i = size_ilp * 4; i < units; ++i) add_lanes<W>(partial[0], in + i * W);
  for (int k = 1; k < 4; ++k) add_lanes<W>(partial[0], partial[k]);
  return partial[0];
}

template <int W> double aten_row_sum(const double* row, int64_t n) {
  if (n < W) return ilp_row_sum<1>(row, n)[0];
  const int64_t vecs = n / W;
  const Lanes<W> lanes = ilp_row_sum<W>(row, vecs);
  double total = 0;
  for (int64_t k = vecs * W; k < n; ++k) total += row[k];
  for (int l = 0; l < W; ++l) total += lanes[l];
  return total;
}

}  // namespace

static bool cpu_is_amd() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_is("amd");
#else
  return false;
#endif
}

void dirichlet(DType dt, const void* alpha, void* out, int64_t rows, int64_t k, Generator& g) {
  // PyTorch's double sums run 8 lanes wide on an Intel AVX-512 CPU but 4 on AMD Zen 4, which PyTorch 2.13 also
  // reports as AVX512: measured side by side on a Zen 4 (every row of 8 or more differed with 8 lanes and matched
  // with 4). The Intel case is the one this note was written against.
  const bool wide = std::strcmp(cpu_capability(), "avx512") == 0 && !cpu_is_amd();
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* a = static_cast<const T*>(alpha);
      T* o = static_cast<T*>(out);
      // Every gamma is drawn before any row is normalised (PyTorch's order).
      std::vector<double> gam(static_cast<size_t>(rows * k));
      for (int64_t i = 0; i < rows * k; ++i)
        gam[i] = std::max(std::numeric_limits<double>::min(), dist::standard_gamma<double>(g, a[i]));
      const T lo = std::numeric_limits<T>::min(), hi = std::nextafter(T(1), T(0));
      for (int64_t r = 0; r < rows; ++r) {
        const double* row = gam.data() + r * k;
        const double total = wide ? aten_row_sum<8>(row, k) : aten_row_sum<4>(row, k);
        for (int64_t j = 0; j < k; ++j) o[r * k + j] = std::min(hi, std::max(lo, static_cast<T>(row[j] / total)));
      }
    }
  });
}

void standard_gamma_grad(DType dt, const void* alpha, const void* x, void* out, int64_t n) {
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* a = static_cast<const T*>(alpha);
      const T* xs = static_cast<const T*>(x);
      T* o = static_cast<T*>(out);
      for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(dist::standard_gamma_grad(a[i], xs[i]));
    }
  });
}

void dirichlet_grad(DType dt, const void* x, const void* alpha, const void* total, void* out, int64_t n) {
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* xs = static_cast<const T*>(x);
      const T* a = static_cast<const T*>(alpha);
      const T* t = static_cast<const T*>(total);
      T* o = static_cast<T*>(out);
      for (int64_t i = 0; i < n; ++i) o[i] = dist::dirichlet_grad<T>(xs[i], a[i], t[i]);
    }
  });
}

void randperm(DType dt, void* out, int64_t n, Generator& g) {
  std::vector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = i;
  for (int64_t i = 0; i + 1 < n; ++i) {
    int64_t z = static_cast<int64_t>(g.random() % static_cast<uint64_t>(n - i));
    std::swap(v[i], v[z + i]);
  }
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* o = static_cast<T*>(out);
    for (int64_t i = 0; i < n; ++i) o[i] = static_cast<T>(v[i]);
  });
}

// ---- multinomial ----
namespace {

// ATen's topk comparator for largest=true: NaN first, then descending.
bool larger(const std::pair<double, int64_t>& x, const std::pair<double, int64_t>& y) {
  return (std::isnan(x.first) && !std::isnan(y.first)) || x.first > y.first;
}

// Indices of the k largest values of row[0..n), in ATen's order.
template <typename T>
void topk_indices(const T* row, int64_t n, int64_t k, int64_t* out, std::vector<std::pair<double, int64_t>>& queue) {
  // ATen ranks float rows in their double accumulate type.
  queue.resize(n);
  for (int64_t j = 0; j < n; ++j) queue[j] = {static_cast<double>(row[j]), j};
  if (k * 64 <= n) {
    std::partial_sort(queue.begin(), queue.begin() + k, queue.end(), larger);
  } else {
    std::nth_element(queue.begin(), queue.begin() + k - 1, queue.end(), larger);
    std::sort(queue.begin(), queue.begin() + k - 1, larger);
  }
  for (int64_t j = 0; j < k; ++j) out[j] = queue[j].second;
}

// First index of the maximum; a NaN counts as the maximum (torch.argmax).
template <typename T> int64_t argmax_row(const T* row, int64_t n) {
  int64_t best = 0;
  for (int64_t j = 1; j < n; ++j) {
    if (std::isnan(row[best])) break;
    if (std::isnan(row[j]) || row[j] > row[best]) best = j;
  }
  return best;
}

}  // namespace

MultinomialError multinomial_check(DType dt, const void* probs, int64_t rows, int64_t cats) {
  return dispatch_dtype(dt, [&](auto tag) -> MultinomialError {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* pd = static_cast<const T*>(probs);
      for (int64_t i = 0; i < rows * cats; ++i)
        if (!(pd[i] >= 0 && pd[i] < std::numeric_limits<T>::infinity())) return MultinomialError::NotFiniteOrNegative;
      for (int64_t r = 0; r < rows; ++r) {
        bool any = false;
        for (int64_t j = 0; j < cats && !any; ++j) any = pd[r * cats + j] != 0;
        if (!any) return MultinomialError::ZeroSum;
      }
    }
    return MultinomialError::None;
  });
}

void multinomial_top(DType dt, const void* keys, int64_t rows, int64_t cats, int64_t n, int64_t* out) {
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* kd = static_cast<const T*>(keys);
      std::vector<std::pair<double, int64_t>> queue;
      for (int64_t r = 0; r < rows; ++r) {
        if (n == 1)
          out[r] = argmax_row(kd + r * cats, cats);
        else
          topk_indices(kd + r * cats, cats, n, out + r * n, queue);
      }
    }
  });
}

MultinomialError multinomial_with_replacement(DType dt, const void* probs, int64_t rows, int64_t cats, int64_t n,
                                              int64_t* out, Generator& g) {
  return dispatch_dtype(dt, [&](auto tag) -> MultinomialError {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* pd = static_cast<const T*>(probs);
      std::vector<T> cum(cats);
      for (int64_t r = 0; r < rows; ++r) {
        T sum = 0;
        for (int64_t j = 0; j < cats; ++j) {
          const T v = pd[r * cats + j];
          if (!(v >= 0)) return MultinomialError::Negative;
          if (!std::isfinite(v)) return MultinomialError::NotFinite;
          sum += v;
          cum[j] = sum;
        }
        if (!(sum > 0)) return MultinomialError::ZeroSum;
        for (int64_t j = 0; j < cats; ++j) cum[j] /= sum;
        cum[cats - 1] = 1;
        for (int64_t s = 0; s < n; ++s) {
          const double u = g.uniform_f64();
          int64_t lo = 0, hi = cats;
          while (hi - lo > 0) {
            const int64_t mid = lo + (hi - lo) / 2;
            if (cum[mid] < u)
              lo = mid + 1;
            else
              hi = mid;
          }
          out[r * n + s] = lo;
        }
      }
    }
    return MultinomialError::None;
  });
}

namespace {
template <typename T>
void rrelu_noise_typed(int64_t n, const T* x, T* y, T* noise, double lower, double upper, Generator& g) {
  for (int64_t i = 0; i < n; ++i) {
    if (x[i] <= T(0)) {
      const T r = static_cast<T>(g.uniform_f64() * (upper - lower) + lower);
      y[i] = x[i] * r;
      noise[i] = r;
    } else {
      noise[i] = T(1);
      y[i] = x[i];
    }
  }
}
}  // namespace

void rrelu_noise(DType dt, int64_t n, const void* x, void* y, void* noise, double lower, double upper, Generator& g) {
  if (dt == DType::Float32)
    rrelu_noise_typed(n, static_cast<const float*>(x), static_cast<float*>(y), static_cast<float*>(noise), lower, upper,
                      g);
  else
    rrelu_noise_typed(n, static_cast<const double*>(x), static_cast<double*>(y), static_cast<double*>(noise), lower,
                      upper, g);
}

}  // namespace tc::kernels
