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
//
// The checks, the keys p / q and the draws' order are decided here; the loops
// over probabilities are random-family kernels (backend/kernels_random.h).
#include <algorithm>
#include <vector>

#include "autograd/grad_mode.h"
#include "backend/kernels_random.h"
#include "core/error.h"
#include "core/generator.h"
#include "ops/ops.h"
#include "ops/overlap.h"

namespace tc::ops {

namespace {

// Raises PyTorch's error for a failed multinomial check.
void check_ok(kernels::MultinomialError e) {
  using E = kernels::MultinomialError;
  TC_CHECK(e != E::NotFiniteOrNegative, "probability tensor contains either `inf`, `nan` or element < 0");
  TC_CHECK(e != E::Negative, "invalid multinomial distribution (encountering probability entry < 0)");
  TC_CHECK(e != E::NotFinite, "invalid multinomial distribution (encountering probability entry = infinity or NaN)");
  TC_CHECK(e != E::ZeroSum, "invalid multinomial distribution (sum of probabilities <= 0)");
}

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
  check_ok(kernels::multinomial_check(p.dtype(), p->data_bytes(), rows, cats));
  // q is laid out like probs (empty_like), so its stream follows probs' memory order.
  Tensor q = non_overlapping_and_dense(probs) ? empty_strided(probs.sizes(), probs.strides(), probs.dtype())
                                              : empty(probs.sizes(), probs.dtype());
  exponential_(q, 1.0, gen);
  Tensor keys;
  {
    autograd::NoGradGuard ng;
    keys = contiguous(div(p, q));
  }
  kernels::multinomial_top(keys.dtype(), keys->data_bytes(), rows, cats, n, out.data<int64_t>());
}

void sample_with_replacement(const Tensor& probs, int64_t rows, int64_t cats, int64_t n, Tensor& out, Generator& g) {
  Tensor p;
  {
    autograd::NoGradGuard ng;
    p = contiguous(probs);
  }
  check_ok(kernels::multinomial_with_replacement(p.dtype(), p->data_bytes(), rows, cats, n, out.data<int64_t>(), g));
}

}  // namespace

Tensor multinomial(const Tensor& probs, int64_t n, bool replacement, Generator* gen) {
  TC_CHECK(probs.dim() > 0 && probs.dim() <= 2, "prob_dist must be 1 or 2 dim");
  TC_CHECK(is_floating(probs.dtype()),
           "multinomial only supports floating-point dtypes for input, got: ", scalar_type_name(probs.dtype()));
  TC_CHECK(n > 0, "cannot sample n_sample <= 0 samples");
  const int64_t cats = probs.size(probs.dim() - 1);
  TC_CHECK(replacement || n <= cats, "cannot sample n_sample > prob_dist.size(-1) samples without replacement");
  TC_CHECK(cats <= (int64_t{1} << 24), "number of categories cannot exceed 2^24");
  const int64_t rows = probs.dim() == 1 ? 1 : probs.size(0);
  Tensor out = empty(probs.dim() == 1 ? Shape{n} : Shape{rows, n}, DType::Int64);
  if (out.numel() == 0) return out;
  Generator& g = gen ? *gen : default_generator();
  if (!replacement || n == 1)
    sample_by_exponential_keys(probs, rows, cats, n, out, &g);
  else
    sample_with_replacement(probs, rows, cats, n, out, g);
  return out;
}

}  // namespace tc::ops
