// Derivative formulas for indexing and nn kernels (see autograd/derivatives.h).
#include "autograd/derivatives.h"
#include "autograd/node_attrs.h"
#include "backend/kernels.h"
#include "core/error.h"
#include "ops/ops.h"

namespace tc::autograd::d {

using namespace tc::ops;

namespace {
std::vector<Tensor> saved_indices(FormulaNode& n, size_t from) {
  std::vector<Tensor> out;
  for (size_t i = from; i < n.saved.size(); ++i) out.push_back(n.saved_at(i));
  return out;
}
}  // namespace

Grads index_backward(FormulaNode& n, const Grads& g) {
  const Shape& shape = n.attrs_as<attrs::InputShape>().input_shape;
  return {index_put(zeros(shape, g[0].dtype()), saved_indices(n, 0), g[0], true)};
}

Grads index_put_backward(FormulaNode& n, const Grads& g) {
  std::vector<Tensor> idx = saved_indices(n, 0);
  Tensor ga, gv;
  if (n.needs_grad(0))
    ga = n.attrs_as<attrs::IndexPut>().accumulate ? g[0] : ops::index_put(g[0], idx, zeros({}, g[0].dtype()), false);
  if (n.needs_grad(1)) gv = ops::index(g[0], idx);
  return {ga, gv};
}

Grads index_select_backward(FormulaNode& n, const Grads& g) {
  Tensor idx = n.saved_at(0);
  const auto& a = n.attrs_as<attrs::DimInput>();
  const int64_t dim = a.dim;
  const Shape& shape = a.input_shape;
  if (shape.empty()) return {reshape(g[0], {})};
  std::vector<Tensor> ind(dim + 1);
  ind[dim] = reshape(idx, {-1});
  return {index_put(zeros(shape, g[0].dtype()), ind, g[0], true)};
}

Grads gather_backward(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<attrs::DimInput>();
  return {scatter_add(zeros(a.input_shape, g[0].dtype()), a.dim, n.saved_at(0), g[0])};
}

Grads scatter_add_backward(FormulaNode& n, const Grads& g) {
  Tensor idx = n.saved_at(0);
  return {g[0], n.needs_grad(1) ? ops::gather(g[0], n.attrs_as<attrs::ScatterAdd>().dim, idx) : Tensor()};
}

Grads embedding_backward(FormulaNode& n, const Grads& g) {
  Tensor idx = reshape(n.saved_at(0), {-1});
  const Shape& ws = n.attrs_as<attrs::InputShape>().input_shape;
  Tensor g2 = reshape(g[0], {-1, ws[1]});
  return {index_put(zeros(ws, g[0].dtype()), {idx}, g2, true)};
}

Grads nll_loss_backward(FormulaNode& n, const Grads& g) {
  Tensor tg = n.saved_at(0), w = n.saved_at(1), wsum = n.saved_at(2);
  const auto& a = n.attrs_as<attrs::NllLoss>();
  const Shape& shape = a.input_shape;
  const int64_t ignore = a.ignore_index, reduction = a.reduction;
  bool unbatched = shape.size() == 1;
  int64_t C = unbatched ? shape[0] : shape[1];
  // The usual case, one kernel (a scatter into zeros). The composite below
  // stays for a double backward, which differentiates it in grad_output.
  // (The scatter kernel is the CPU's; device tensors take the composite, Note [Kernels on the tensor's device].)
  if (!(grad_enabled() && g[0].requires_grad()) && (g[0].dtype() == DType::Float32 || g[0].dtype() == DType::Float64) &&
      g[0].dtype() == wsum.dtype() && g[0].device().is_cpu() && tg.device().is_cpu()) {
    int64_t N = unbatched ? 1 : shape[0], R = 1;
    for (size_t k = 2; k < shape.size(); ++k) R *= shape[k];
    Tensor go = contiguous(g[0]);
    Tensor gi = empty(shape, g[0].dtype());
    if (gi.numel() > 0)
      kernels::nll_loss_backward(gi.dtype(), N, C, R, tg.data<int64_t>(), w.defined() ? w->data_bytes() : nullptr,
                                 ignore, go->data_bytes(), reduction == 0,
                                 reduction == 1 ? wsum->data_bytes() : nullptr, gi->data_bytes());
    return {gi};
  }
  // d loss / d logp[n, c, r] = -w[c] * [c == t] * scale
  Tensor t_safe = where(binary(BinaryOp::Eq, tg, wrapped_scalar(Scalar::from_int(ignore))),
                        zeros(tg.sizes(), tg.dtype(), tg.device()), tg);
  Tensor onehot;
  {
    Tensor cls = arange(Scalar::from_int(0), Scalar::from_int(C), Scalar::from_int(1), DType::Int64, tg.device());
    Tensor tt = unbatched ? t_safe : unsqueeze(t_safe, 1);  // [N, 1, ...]
    Shape cshape(unbatched ? 1 : shape.size(), 1);
    if (unbatched)
      cshape[0] = C;
    else
      cshape[1] = C;
    onehot = to_dtype(binary(BinaryOp::Eq, tt, reshape(cls, cshape)), g[0].dtype());
  }
  Tensor valid = to_dtype(binary(BinaryOp::Ne, tg, wrapped_scalar(Scalar::from_int(ignore))), g[0].dtype());
  Tensor coef = unbatched ? valid : unsqueeze(valid, 1);
  Tensor grad = mul(onehot, coef);
  if (w.defined()) {
    Shape ws(unbatched ? 1 : shape.size(), 1);
    if (unbatched)
      ws[0] = C;
    else
      ws[1] = C;
    grad = mul(grad, reshape(w, ws));
  }
  Tensor go = g[0];
  if (reduction == 0)
    go = unbatched ? go : unsqueeze(go, 1);
  else if (reduction == 1)
    go = div(go, wsum);
  return {neg(mul(grad, go))};
}

}  // namespace tc::autograd::d
