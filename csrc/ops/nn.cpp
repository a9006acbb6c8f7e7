// nll_loss (used by cross_entropy after log_softmax): checks, then the backend
// kernel (backend/kernels_nn.h), then the node.
#include "autograd/derivatives.h"
#include "autograd/node_attrs.h"
#include "backend/kernels.h"
#include "core/device_check.h"
#include "core/error.h"
#include "core/shape_util.h"
#include "ops/device_kernels.h"
#include "ops/dtype_ops.h"
#include "ops/ops.h"

namespace tc::ops {

using autograd::record;
namespace d = autograd::d;

Tensor nll_loss(const Tensor& logp, const Tensor& target, const Tensor& weight, int64_t ignore_index, int reduction) {
  TC_CHECK(logp.dim() >= 1, "[nll_loss] input must have at least 1 dimension, got shape ", shape_str(logp.sizes()));
  TC_CHECK(is_floating(logp.dtype()), "[nll_loss] expected a floating point input, got ", dtype_name(logp.dtype()));
  TC_CHECK(target.dtype() == DType::Int64 || target.dtype() == DType::Int32, "expected scalar type Long but found ",
           dtype_name(target.dtype()), " (nll_loss/cross_entropy targets are class indices; use .long())");
  if (needs_widening({&logp, &weight}))  // Note [Storage dtypes at op boundaries]
    return to_dtype(nll_loss(widen(logp), target, widen(weight), ignore_index, reduction), logp.dtype());
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
  const Device device = weight.defined() ? common_device({&logp, &target, &weight}) : common_device({&logp, &target});
  Tensor per = empty(expect_t, logp.dtype(), device);
  Tensor wsum_t;
  int64_t bad_target = 0;
  bool ok = true;
  if (on_device_memory(lp)) {
    // Note [Kernels on the tensor's device]: the per-element losses and the
    // weights taken on the device; the weight sum stays there (the mean
    // divides by it), the bounds check reads one number back.
    autograd::NoGradGuard ng;
    // A zero-dim CPU target (unbatched input) joins as the CPU scalars of other ops do: copied over.
    if (tg.device() != device) tg = to_device(tg, device, std::nullopt, false);
    if (w.defined() && w.device() != device) w = to_device(w, device, std::nullopt, false);
    Tensor taken = empty(expect_t, logp.dtype(), device);
    Tensor first_bad = full({}, Scalar::from_int(INT64_MAX), DType::Int64, device);
    if (per.numel() > 0)
      cuda::nll_loss_forward(device, logp.dtype(), N, C, R, lp->raw_data_bytes(),
                             reinterpret_cast<const int64_t*>(tg->raw_data_bytes()),
                             w.defined() ? w->raw_data_bytes() : nullptr, ignore_index, per->raw_data_bytes(),
                             taken->raw_data_bytes(), reinterpret_cast<int64_t*>(first_bad->raw_data_bytes()));
    const int64_t pos = *to_device(first_bad, Device::cpu(), std::nullopt, false).data<int64_t>();
    if (pos != INT64_MAX) {
      ok = false;
      Tensor flat = reshape(tg, {-1});
      bad_target =
          *to_device(make_view(flat, {}, {}, flat->offset + pos), Device::cpu(), std::nullopt, false).data<int64_t>();
    }
    wsum_t = sum(taken, {}, false);
  } else {
    double wsum = 0;
    ok = per.numel() == 0 || kernels::nll_loss_forward(logp.dtype(), N, C, R, lp->data_bytes(), tg.data<int64_t>(),
                                                       w.defined() ? w->data_bytes() : nullptr, ignore_index,
                                                       per->data_bytes(), &wsum, &bad_target);
    autograd::NoGradGuard ng;
    wsum_t = full({}, Scalar::from_double(wsum), logp.dtype());
  }
  TC_CHECK_INDEX(ok, "Target ", bad_target, " is out of bounds (expected a class index in [0, ", C - 1, "])");
  Tensor out;
  {
    autograd::NoGradGuard ng;
    if (reduction == 0)
      out = per;
    else if (reduction == 2)
      out = sum(per, {}, false);
    else
      out = div(sum(per, {}, false), wsum_t);
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
