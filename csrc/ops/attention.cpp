// scaled_dot_product_attention: argument checks, broadcasting of the batch
// dims, grouped-query heads, output layout and the autograd node. The loops
// are the fused kernels behind kernels::attention_forward/backward
// (Note [Flash attention on the CPU] in backend/cpu/attention_impl.h).
#include <cmath>
#include <string>

#include "autograd/function.h"
#include "backend/kernels.h"
#include "core/error.h"
#include "core/iterator.h"
#include "core/shape_util.h"
#include "ops/dtype_ops.h"
#include "ops/nn_ops.h"

namespace tc::ops {

using autograd::FormulaNode;
using Grads = std::vector<Tensor>;
using kernels::AttentionMask;

namespace {

constexpr const char* kOp = "scaled_dot_product_attention";

void* raw(const Tensor& t) { return t->data_bytes(); }

// Size of dim d, counted from the end when negative (the caller checked the rank).
int64_t dim_size(const Tensor& t, int64_t d) { return t.sizes()[d < 0 ? d + t.dim() : d]; }

Shape leading(const Tensor& t, int64_t trailing) { return Shape(t.sizes().begin(), t.sizes().end() - trailing); }

Shape concat(Shape a, const Shape& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Note [Attention batch layout]
// Every operand is viewed as `batch` (the broadcast leading dims, the heads
// last) followed by its two matrix dims. Each (batch, head) pair bh gets the
// element offset of its matrix, computed from the operand's own strides: a
// broadcast dim has stride 0, and with grouped-query attention query head h
// reads key/value head h / group. So neither broadcasting nor GQA copies K or V.
struct Operand {
  Tensor t;                  // the (possibly expanded) view whose strides the offsets use
  std::vector<int64_t> off;  // per bh, in elements from t's data pointer
  int64_t row = 0;           // stride of the matrix rows
};

// `t` expanded to `batch` (with batch.back() / group heads when grouped) + its
// matrix dims; the last dim made contiguous if it is not (unless strided_cols:
// the mask kernel reads any column stride, and a broadcast mask stays unexpanded).
Operand make_operand(Tensor t, const Shape& batch, int64_t group, bool strided_cols = false) {
  autograd::NoGradGuard ng;
  const int64_t nd = t.dim();
  if (!strided_cols && t.size(nd - 1) > 1 && t.strides()[nd - 1] != 1) t = contiguous(t);
  Shape target = batch;
  if (group > 1) target.back() = batch.back() / group;
  t = expand(t, concat(target, {t.size(nd - 2), t.size(nd - 1)}));
  Operand o;
  o.row = t.strides()[t.dim() - 2];
  int64_t n = shape_numel(batch);
  o.off.resize(n);
  const int64_t nb = static_cast<int64_t>(batch.size());
  std::vector<int64_t> idx(nb, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t off = 0;
    for (int64_t d = 0; d < nb; ++d) {
      const int64_t id = (d == nb - 1 && group > 1) ? idx[d] / group : idx[d];
      off += id * t.strides()[d];
    }
    o.off[i] = off;
    for (int64_t d = nb - 1; d >= 0; --d) {  // next multi-index, row-major
      if (++idx[d] < batch[d]) break;
      idx[d] = 0;
    }
  }
  o.t = t;
  return o;
}

struct Problem {
  Shape batch;  // broadcast leading dims (heads last when grouped)
  int64_t L = 0, S = 0, E = 0, Ev = 0;
  int64_t group_k = 1, group_v = 1;  // grouped-query attention: query heads per key / value head
  Operand q, k, v, mask;
  AttentionMask mask_kind = AttentionMask::None;
  int64_t mask_col = 0;
};

bool grouped(const Tensor& q, const Tensor& k, const Tensor& v, bool enable_gqa) {
  return enable_gqa && q.dim() >= 3 && k.dim() >= 3 && v.dim() >= 3 &&
         (dim_size(q, -3) != dim_size(k, -3) || dim_size(q, -3) != dim_size(v, -3));
}

void check_inputs(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, double dropout_p,
                  bool is_causal) {
  TC_CHECK(q.dim() >= 2 && k.dim() >= 2 && v.dim() >= 2,
           "Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: ", q.dim(),
           " key.dim: ", k.dim(), " and value.dim: ", v.dim(), " instead.");
  TC_CHECK(q.dtype() == k.dtype() && q.dtype() == v.dtype(),
           "Expected query, key, and value to have the same dtype, but got query.dtype: ", dtype_name(q.dtype()),
           " key.dtype: ", dtype_name(k.dtype()), " and value.dtype: ", dtype_name(v.dtype()), " instead.");
  TC_CHECK(is_floating(q.dtype()), "[", kOp, "] expected query, key and value of a floating point dtype, got ",
           dtype_name(q.dtype()));
  TC_CHECK(dim_size(q, -1) == dim_size(k, -1), "[", kOp,
           "] query and key must have the same embedding size (last dim), got ", shape_str(q.sizes()), " and ",
           shape_str(k.sizes()));
  TC_CHECK(dim_size(k, -2) == dim_size(v, -2), "[", kOp,
           "] key and value must have the same sequence length (dim -2), got ", shape_str(k.sizes()), " and ",
           shape_str(v.sizes()));
  TC_CHECK(dropout_p >= 0.0 && dropout_p <= 1.0, "dropout probability has to be between 0 and 1, but got ", dropout_p);
  if (mask.defined()) {
    TC_CHECK(!is_causal, "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
    TC_CHECK(mask.dtype() == DType::Bool || mask.dtype() == q.dtype(),
             "Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: ",
             dtype_name(mask.dtype()), " and  query.dtype: ", dtype_name(q.dtype()), " instead.");
    TC_CHECK_INDEX(mask.dim() >= 2, "Dimension out of range (expected to be in range of [",
                   -std::max<int64_t>(1, mask.dim()), ", ", std::max<int64_t>(1, mask.dim()) - 1, "], but got -2)");
  }
}

Problem prepare(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, bool enable_gqa) {
  Problem p;
  p.L = dim_size(q, -2);
  p.S = dim_size(k, -2);
  p.E = dim_size(q, -1);
  p.Ev = dim_size(v, -1);
  if (grouped(q, k, v, enable_gqa)) {
    const int64_t hq = dim_size(q, -3), hk = dim_size(k, -3), hv = dim_size(v, -3);
    TC_CHECK(hk > 0 && hv > 0 && hq % hk == 0 && hq % hv == 0,
             "Number of heads in key and value must divide the number of heads in query");
    p.group_k = hq / hk;
    p.group_v = hq / hv;
    p.batch = broadcast_shapes(broadcast_shapes(leading(q, 3), leading(k, 3), kOp), leading(v, 3), kOp);
    p.batch.push_back(hq);
  } else {
    p.batch = broadcast_shapes(broadcast_shapes(leading(q, 2), leading(k, 2), kOp), leading(v, 2), kOp);
  }
  p.q = make_operand(q, p.batch, 1);
  p.k = make_operand(k, p.batch, p.group_k);
  p.v = make_operand(v, p.batch, p.group_v);
  if (mask.defined()) {
    const Shape full = concat(p.batch, {p.L, p.S});
    const bool fits =
        mask.dim() <= static_cast<int64_t>(full.size()) && broadcast_shapes(full, mask.sizes(), kOp) == full;
    TC_CHECK(fits, "[", kOp, "] attn_mask of shape ", shape_str(mask.sizes()),
             " is not broadcastable to the attention weights' shape ", shape_str(full));
    p.mask_kind = mask.dtype() == DType::Bool ? AttentionMask::Bool : AttentionMask::Float;
    autograd::NoGradGuard ng;
    Tensor m = expand(mask, full);
    p.mask = make_operand(m, p.batch, 1, /*strided_cols=*/true);
    p.mask_col = p.mask.t.strides()[p.mask.t.dim() - 1];
  }
  return p;
}

kernels::AttentionArgs kernel_args(const Problem& p, bool causal, double scale, double dropout_p, uint64_t seed) {
  kernels::AttentionArgs a;
  a.dtype = p.q.t.dtype();
  a.batch_heads = shape_numel(p.batch);
  a.L = p.L;
  a.S = p.S;
  a.E = p.E;
  a.Ev = p.Ev;
  a.q = raw(p.q.t);
  a.k = raw(p.k.t);
  a.v = raw(p.v.t);
  a.q_off = p.q.off.data();
  a.k_off = p.k.off.data();
  a.v_off = p.v.off.data();
  a.q_row = p.q.row;
  a.k_row = p.k.row;
  a.v_row = p.v.row;
  a.mask_kind = p.mask_kind;
  if (p.mask_kind != AttentionMask::None) {
    a.mask = raw(p.mask.t);
    a.mask_off = p.mask.off.data();
    a.mask_row = p.mask.row;
    a.mask_col = p.mask_col;
  }
  a.causal = causal;
  a.scale = scale;
  a.dropout_p = dropout_p;
  a.seed = seed;
  return a;
}

// The output in the query's layout (PyTorch keeps a [B, L, H, E]-ordered query's
// order, so `out.transpose(1, 2)` is contiguous for it too).
Tensor allocate_output(const Tensor& q, const Shape& batch, int64_t L, int64_t Ev) {
  const int64_t nd = q.dim();
  const bool heads_inner = nd >= 3 && batch.size() >= 1 && dim_size(q, -3) == batch.back() && dim_size(q, -3) > 1 &&
                           L > 1 && q.strides()[nd - 3] < q.strides()[nd - 2];
  if (!heads_inner) return empty(concat(batch, {L, Ev}), q.dtype());
  Shape outer(batch.begin(), batch.end() - 1);
  Tensor t = empty(concat(outer, {L, batch.back(), Ev}), q.dtype());
  return transpose(t, -3, -2);
}

// Which node PyTorch 2.13 records on the CPU: its flash kernel takes 4-D
// inputs of one shape per batch (grouped heads only when key and value have
// the same number), equal head dims, contiguous last dims, no dropout, and a
// 2-D or 4-D mask that does not require grad; other calls go through the math
// composition, whose last op is a matmul.
const char* node_name(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, double dropout_p,
                      bool gqa) {
  const bool four_d = q.dim() == 4 && k.dim() == 4 && v.dim() == 4;
  const bool same_batch = four_d && q.size(0) == k.size(0) && k.size(0) == v.size(0) && k.size(1) == v.size(1) &&
                          (gqa || q.size(1) == k.size(1));
  auto unit = [](const Tensor& t) { return t.sizes().back() <= 1 || t.strides().back() == 1; };
  const bool mask_ok = !mask.defined() || ((mask.dim() == 2 || mask.dim() == 4) && !mask.requires_grad());
  const bool flash = four_d && same_batch && unit(q) && unit(k) && unit(v) && q.sizes().back() == v.sizes().back() &&
                     dropout_p == 0.0 && mask_ok;
  if (flash) return "ScaledDotProductFlashAttentionForCpuBackward0";
  return (q.dim() == 2 && k.dim() == 2 && v.dim() == 2) ? "MmBackward0" : "UnsafeViewBackward0";
}

Grads not_implemented_formula(FormulaNode&, const Grads&) {
  raise(ErrorKind::Runtime,
        "derivative for aten::_scaled_dot_product_flash_attention_for_cpu_backward is not implemented");
}

// Sums the per-query-head gradient slices of a grouped key/value: batch
// [..., Hq] -> [..., Hq / group].
Tensor sum_groups(const Tensor& g, const Shape& batch, int64_t group, int64_t rows, int64_t cols) {
  if (group == 1) return g;
  Shape s(batch.begin(), batch.end() - 1);
  s.push_back(batch.back() / group);
  s.push_back(group);
  s.push_back(rows);
  s.push_back(cols);
  return sum(view(g, s), {static_cast<int64_t>(batch.size())}, false);
}

// The node's payload (Note [Typed node payloads] in autograd/function.h;
// saved: q, k, v, attn_mask (may be undefined), the output, the logsumexp
// rows). The seed replays the forward's dropout mask.
struct SdpaAttrs {
  bool causal = false;
  bool gqa = false;
  uint64_t seed = 0;
  double scale = 1.0;
  double dropout_p = 0.0;
};

Grads sdpa_formula(FormulaNode& n, const Grads& g) {
  Tensor q = n.saved_at(0), k = n.saved_at(1), v = n.saved_at(2), mask = n.saved_at(3), out = n.saved_at(4),
         lse = n.saved_at(5);
  const SdpaAttrs& at = n.attrs_as<SdpaAttrs>();
  const bool causal = at.causal, gqa = at.gqa;
  const uint64_t seed = at.seed;
  const double scale = at.scale, dropout_p = at.dropout_p;
  const bool mask_grad = n.needs_grad(3);
  Grads r(4);
  {
    autograd::NoGradGuard ng;
    Problem p = prepare(q, k, v, mask, gqa);
    kernels::AttentionArgs a = kernel_args(p, causal, scale, dropout_p, seed);
    Operand o = make_operand(out, p.batch, 1);
    Operand go = make_operand(g[0], p.batch, 1);
    const DType dt = q.dtype();
    Tensor dq = empty(concat(p.batch, {p.L, p.E}), dt);
    Tensor dk = empty(concat(p.batch, {p.S, p.E}), dt);
    Tensor dv = empty(concat(p.batch, {p.S, p.Ev}), dt);
    Tensor dmask = mask_grad ? empty(concat(p.batch, {p.L, p.S}), dt) : Tensor();
    if (a.batch_heads > 0) {
      kernels::attention_backward(a, raw(o.t), o.off.data(), o.row, raw(lse), raw(go.t), go.off.data(), go.row, raw(dq),
                                  raw(dk), raw(dv), mask_grad ? raw(dmask) : nullptr);
    }
    // The engine sums broadcast batch dims back to each input's shape.
    r[0] = n.needs_grad(0) ? dq : Tensor();
    r[1] = n.needs_grad(1) ? sum_groups(dk, p.batch, p.group_k, p.S, p.E) : Tensor();
    r[2] = n.needs_grad(2) ? sum_groups(dv, p.batch, p.group_v, p.S, p.Ev) : Tensor();
    r[3] = dmask;
  }
  // create_graph: these gradients are not differentiable (as in PyTorch).
  if (autograd::grad_enabled()) {
    std::vector<Tensor> ins = {g[0], q, k, v}, outs;
    for (const Tensor& t : r)
      if (t.defined()) outs.push_back(t);
    autograd::record("NotImplemented", not_implemented_formula, ins, outs);
  }
  return r;
}

}  // namespace

Tensor scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& attn_mask,
                                    double dropout_p, bool is_causal, std::optional<double> scale, bool enable_gqa) {
  check_inputs(q, k, v, attn_mask, dropout_p, is_causal);
  if (needs_widening({&q, &k, &v, &attn_mask}))  // Note [Storage dtypes at op boundaries]
    return to_dtype(scaled_dot_product_attention(widen(q), widen(k), widen(v), widen(attn_mask), dropout_p, is_causal,
                                                 scale, enable_gqa),
                    q.dtype());
  Problem p = prepare(q, k, v, attn_mask, enable_gqa);
  const double sc = scale ? *scale : 1.0 / std::sqrt(static_cast<double>(p.E));
  const uint64_t seed = dropout_p > 0.0 ? default_generator().random64() : 0;
  kernels::AttentionArgs a = kernel_args(p, is_causal, sc, dropout_p, seed);
  Tensor out = allocate_output(q, p.batch, p.L, p.Ev);
  Tensor lse = empty({a.batch_heads, p.L}, q.dtype());
  if (a.batch_heads > 0 && p.L > 0) {
    Operand o = make_operand(out, p.batch, 1);
    kernels::attention_forward(a, raw(out), o.off.data(), o.row, raw(lse));
  }
  const bool mask_grad = attn_mask.defined() && attn_mask.dtype() != DType::Bool;
  std::vector<Tensor> inputs = {q, k, v, mask_grad ? attn_mask : Tensor()};
  if (auto* n = autograd::record(node_name(q, k, v, attn_mask, dropout_p, enable_gqa), sdpa_formula, inputs, {out})) {
    n->save(q);
    n->save(k);
    n->save(v);
    n->save(attn_mask);
    n->save(out, true);
    n->save(lse);
    n->attrs = SdpaAttrs{is_causal, enable_gqa, seed, sc, dropout_p};
  }
  return out;
}

}  // namespace tc::ops
