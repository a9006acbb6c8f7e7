// Fused nn kernels: nll_loss (used by cross_entropy after log_softmax).
#include "autograd/derivatives.h"
#include "autograd/node_attrs.h"
#include "core/error.h"
#include "core/shape_util.h"
#include "ops/ops.h"

namespace tc::ops {

using autograd::record;
namespace d = autograd::d;

Tensor nll_loss(const Tensor& logp, const Tensor& target, const Tensor& weight, int64_t ignore_index, int reduction) {
  TC_CHECK(logp.dim() >= 1, "[nll_loss] input must have at least 1 dimension, got shape ", shape_str(logp.sizes()));
  TC_CHECK(is_floating(logp.dtype()), "[nll_loss] expected a floating point input, got ", dtype_name(logp.dtype()));
  TC_CHECK(target.dtype() == DType::Int64 || target.dtype() == DType::Int32,
           "expected scalar type Long but found ", dtype_name(target.dtype()),
           " (nll_loss/cross_entropy targets are class indices; use .long())");
  // Canonical [N, C, R] with R the flattened extra dims.
  bool unbatched = logp.dim() == 1;
  int64_t N = unbatched ? 1 : logp.size(0);
  int64_t C = unbatched ? logp.size(0) : logp.size(1);
  int64_t R = 1;
  for (int64_t k = 2; k < logp.dim(); ++k) R *= logp.size(k);
  Shape expect_t;
  if (!unbatched) {
    expect_t.push_back(N);
    for (int64_t k = 2; k < logp.dim(); ++k) expect_t.push_back(logp.size(k));
  }
  TC_CHECK(target.sizes() == expect_t, "Expected target of shape ", shape_str(expect_t), " for input of shape ",
           shape_str(logp.sizes()), ", got target of shape ", shape_str(target.sizes()));
  if (weight.defined())
    TC_CHECK(weight.dim() == 1 && weight.size(0) == C, "weight tensor should be defined either for all ", C,
             " classes or no classes but got weight tensor of shape: ", shape_str(weight.sizes()));
  Tensor lp, tg, w;
  {
    autograd::NoGradGuard ng;
    lp = contiguous(logp);
    tg = contiguous(to_dtype(target, DType::Int64));
    w = weight.defined() ? contiguous(to_dtype(weight, logp.dtype())) : Tensor();
  }
  Tensor per = empty(expect_t, logp.dtype());
  Tensor wsum_t = empty({}, logp.dtype());
  dispatch_dtype(logp.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* x = lp.data<T>();
      const int64_t* t = tg.data<int64_t>();
      T* o = per.data<T>();
      double wsum = 0;
      for (int64_t nn = 0; nn < N; ++nn)
        for (int64_t r = 0; r < R; ++r) {
          int64_t c = t[nn * R + r];
          if (c == ignore_index) { o[nn * R + r] = 0; continue; }
          TC_CHECK_INDEX(c >= 0 && c < C, "Target ", c, " is out of bounds (expected a class index in [0, ", C - 1, "])");
          T wc = w.defined() ? w.data<T>()[c] : T(1);
          o[nn * R + r] = -x[(nn * C + c) * R + r] * wc;
          wsum += wc;
        }
      *wsum_t.data<T>() = static_cast<T>(wsum);
    }
  });
  Tensor out;
  {
    autograd::NoGradGuard ng;
    if (reduction == 0) out = per;
    else if (reduction == 2) out = sum(per, {}, false);
    else out = div(sum(per, {}, false), wsum_t);
  }
  if (auto* n = record("NllLossBackward0", d::nll_loss_backward, {&logp}, {&out})) {
    n->save(tg);
    n->save(w);
    n->save(wsum_t);
    n->attrs = autograd::attrs::NllLoss{logp.sizes(), ignore_index, reduction};
  }
  return out;
}

}  // namespace tc::ops
