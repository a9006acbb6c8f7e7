// torch.multinomial with PyTorch's CPU streams.
//
// Note [multinomial sampling paths]
// PyTorch samples in one of two ways, and both are reproduced draw for draw:
//  - without replacement, or a single sample: q ~ Exponential(1) for every
//    probability (exponential_'s stream, in the fill order of a tensor laid
//    out like probs, Note [Random fill order]), then the indices of the
//    largest p / q (computed in the probs dtype): argmax for one sample, topk
//    for several. This is the Gumbel-max trick with exp applied, so it
//    samples without replacement in proportion to p. The topk selection
//    mirrors ATen's CPU topk (std::partial_sort when k * 64 <= n, else
//    std::nth_element then std::sort of the first k - 1), so ties, e.g. among
//    zero-probability categories, fall the same way.
//  - with replacement and several samples: per row, the cumulative sum in the
//    probs dtype, normalised by its total, and a binary search (first bucket
//    whose cumulative value is >= u) for each double uniform u.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "autograd/grad_mode.h"
#include "core/error.h"
#include "core/generator.h"
#include "ops/ops.h"

namespace tc::ops {

namespace {

bool non_overlapping_and_dense(const Tensor& t) {
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (t.sizes()[d] != 1) dims.push_back(d);
  std::sort(dims.begin(), dims.end(), [&](int64_t a, int64_t b) { return t.strides()[a] < t.strides()[b]; });
  int64_t expected = 1;
  for (int64_t d : dims) {
    if (t.strides()[d] != expected) return false;
    expected *= t.sizes()[d];
  }
  return true;
}

// ATen's topk comparator for largest=true: NaN first, then descending.
template <typename A>
bool larger(const std::pair<A, int64_t>& x, const std::pair<A, int64_t>& y) {
  return (std::isnan(x.first) && !std::isnan(y.first)) || x.first > y.first;
}

// Indices of the k largest values of row[0..n), in ATen's order.
template <typename T>
void topk_indices(const T* row, int64_t n, int64_t k, int64_t* out, std::vector<std::pair<double, int64_t>>& queue) {
  // ATen ranks float rows in their double accumulate type.
  queue.resize(n);
  for (int64_t j = 0; j < n; ++j) queue[j] = {static_cast<double>(row[j]), j};
  if (k * 64 <= n) {
    std::partial_sort(queue.begin(), queue.begin() + k, queue.end(), larger<double>);
  } else {
    std::nth_element(queue.begin(), queue.begin() + k - 1, queue.end(), larger<double>);
    std::sort(queue.begin(), queue.begin() + k - 1, larger<double>);
  }
  for (int64_t j = 0; j < k; ++j) out[j] = queue[j].second;
}

// First index of the maximum; a NaN counts as the maximum (torch.argmax).
template <typename T>
int64_t argmax_row(const T* row, int64_t n) {
  int64_t best = 0;
  for (int64_t j = 1; j < n; ++j) {
    if (std::isnan(row[best])) break;
    if (std::isnan(row[j]) || row[j] > row[best]) best = j;
  }
  return best;
}

template <typename T>
void sample_by_exponential_keys(const Tensor& probs, int64_t rows, int64_t cats, int64_t n, Tensor& out,
                                Generator* gen) {
  // Sanity checks on the whole tensor first, as PyTorch does (aminmax, then
  // per-row sums), before any draw.
  TC_CHECK(probs.numel() > 0,
           "aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.");
  Tensor p;
  {
    autograd::NoGradGuard ng;
    p = contiguous(probs);
  }
  const T* pd = p.data<T>();
  for (int64_t i = 0; i < rows * cats; ++i)
    TC_CHECK(pd[i] >= 0 && pd[i] < std::numeric_limits<T>::infinity(),
             "probability tensor contains either `inf`, `nan` or element < 0");
  for (int64_t r = 0; r < rows; ++r) {
    bool any = false;
    for (int64_t j = 0; j < cats && !any; ++j) any = pd[r * cats + j] != 0;
    TC_CHECK(any, "invalid multinomial distribution (sum of probabilities <= 0)");
  }
  // q is laid out like probs (empty_like), so its stream follows probs' memory order.
  Tensor q = non_overlapping_and_dense(probs) ? empty_strided(probs.sizes(), probs.strides(), probs.dtype())
                                              : empty(probs.sizes(), probs.dtype());
  exponential_(q, 1.0, gen);
  Tensor keys;
  {
    autograd::NoGradGuard ng;
    keys = contiguous(div(p, q));
  }
  const T* kd = keys.data<T>();
  int64_t* od = out.data<int64_t>();
  std::vector<std::pair<double, int64_t>> queue;
  for (int64_t r = 0; r < rows; ++r) {
    if (n == 1) od[r] = argmax_row(kd + r * cats, cats);
    else topk_indices(kd + r * cats, cats, n, od + r * n, queue);
  }
}

template <typename T>
void sample_with_replacement(const Tensor& probs, int64_t rows, int64_t cats, int64_t n, Tensor& out, Generator& g) {
  Tensor p;
  {
    autograd::NoGradGuard ng;
    p = contiguous(probs);
  }
  const T* pd = p.data<T>();
  int64_t* od = out.data<int64_t>();
  std::vector<T> cum(cats);
  for (int64_t r = 0; r < rows; ++r) {
    T sum = 0;
    for (int64_t j = 0; j < cats; ++j) {
      const T v = pd[r * cats + j];
      TC_CHECK(v >= 0, "invalid multinomial distribution (encountering probability entry < 0)");
      TC_CHECK(std::isfinite(v), "invalid multinomial distribution (encountering probability entry = infinity or NaN)");
      sum += v;
      cum[j] = sum;
    }
    TC_CHECK(sum > 0, "invalid multinomial distribution (sum of probabilities <= 0)");
    for (int64_t j = 0; j < cats; ++j) cum[j] /= sum;
    cum[cats - 1] = 1;
    for (int64_t s = 0; s < n; ++s) {
      const double u = g.uniform_f64();
      int64_t lo = 0, hi = cats;
      while (hi - lo > 0) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (cum[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      od[r * n + s] = lo;
    }
  }
}

}  // namespace

Tensor multinomial(const Tensor& probs, int64_t n, bool replacement, Generator* gen) {
  TC_CHECK(probs.dim() > 0 && probs.dim() <= 2, "prob_dist must be 1 or 2 dim");
  TC_CHECK(is_floating(probs.dtype()), "multinomial only supports floating-point dtypes for input, got: ",
           scalar_type_name(probs.dtype()));
  TC_CHECK(n > 0, "cannot sample n_sample <= 0 samples");
  const int64_t cats = probs.size(probs.dim() - 1);
  TC_CHECK(replacement || n <= cats, "cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  TC_CHECK(cats <= (int64_t{1} << 24), "number of categories cannot exceed 2^24");
  const int64_t rows = probs.dim() == 1 ? 1 : probs.size(0);
  Tensor out = empty(probs.dim() == 1 ? Shape{n} : Shape{rows, n}, DType::Int64);
  if (out.numel() == 0) return out;
  Generator& g = gen ? *gen : default_generator();
  dispatch_dtype(probs.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      if (!replacement || n == 1) sample_by_exponential_keys<T>(probs, rows, cats, n, out, &g);
      else sample_with_replacement<T>(probs, rows, cats, n, out, g);
    }
  });
  return out;
}

}  // namespace tc::ops
