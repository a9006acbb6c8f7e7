// Indexing: index_select, advanced indexing (gather by index tensors),
// index_put_, gather, scatter_add, nonzero, embedding.
#include <numeric>
#include <string>

#include "autograd/derivatives.h"
#include "autograd/inplace.h"
#include "autograd/node_attrs.h"
#include "backend/kernels_index.h"
#include "core/device_check.h"
#include "core/error.h"
#include "core/iterator.h"
#include "core/parallel.h"
#include "core/shape_util.h"
#include "ops/ops.h"

namespace tc::ops {

using autograd::record;
namespace d = autograd::d;

namespace {

Tensor as_long(const Tensor& idx, const char* op) {
  TC_CHECK_INDEX(idx.dtype() == DType::Int64 || idx.dtype() == DType::Int32, "[", op,
                 "] tensors used as indices must be long, int or bool tensors, got ", dtype_name(idx.dtype()));
  autograd::NoGradGuard ng;
  return contiguous(to_dtype(idx, DType::Int64));
}

// Note [Advanced indexing layout]
// With index tensors on dims D (broadcast to shape B) and the other dims U:
// if D are adjacent the result is U_before + B + U_after, otherwise B + U.
// Every result element reads base[off_b + off_before + off_after] where off_b
// comes from the index tensors and the other two from U's strides.
struct IndexPlan {
  Shape result_shape;
  std::vector<int64_t> off_b, off_before, off_after;  // element offsets
};

std::vector<int64_t> offsets_of(const Shape& sizes, const Shape& strides) {
  std::vector<int64_t> out{0};
  for (size_t d = 0; d < sizes.size(); ++d) {
    std::vector<int64_t> next;
    next.reserve(out.size() * sizes[d]);
    for (int64_t o : out)
      for (int64_t i = 0; i < sizes[d]; ++i) next.push_back(o + i * strides[d]);
    out.swap(next);
  }
  return out;
}

// index_put_'s value must broadcast to the indexing result; PyTorch checks that before the indices' bounds.
void check_put_values(const Shape& result_shape, const Tensor& values) {
  bool fits = values.dim() <= static_cast<int64_t>(result_shape.size());
  for (int64_t i = 1; fits && i <= values.dim(); ++i) {
    const int64_t v = values.size(values.dim() - i), r = result_shape[result_shape.size() - i];
    fits = v == r || v == 1;
  }
  TC_CHECK(fits, "shape mismatch: value tensor of shape ", shape_str(values.sizes()),
           " cannot be broadcast to indexing result of shape ", shape_str(result_shape));
}

// `put_values`: index_put_'s value, checked against the result's shape before the bounds (PyTorch's order).
IndexPlan plan_index(const Tensor& a, const std::vector<Tensor>& indices, const Shape& strides,
                     const Tensor* put_values = nullptr) {
  int64_t nd = a.dim();
  TC_CHECK_INDEX(static_cast<int64_t>(indices.size()) <= nd, "too many indices for tensor of dimension ", nd, " (got ",
                 indices.size(), ")");
  std::vector<int64_t> D;
  Shape B;
  std::vector<Tensor> idx(indices.size());
  for (size_t k = 0; k < indices.size(); ++k) {
    if (!indices[k].defined()) continue;
    D.push_back(static_cast<int64_t>(k));
    idx[k] = as_long(indices[k], "index");
    try {
      B = broadcast_shapes(B, idx[k].sizes(), "index");
    } catch (const Error&) {
      // PyTorch lists every index's shape: "... with shapes [2], [2], [3]"
      std::string shapes;
      for (const Tensor& t : indices) {
        if (!t.defined()) continue;
        if (!shapes.empty()) shapes += ", ";
        shapes += shape_str(t.sizes());
      }
      raise(ErrorKind::Index, "shape mismatch: indexing tensors could not be broadcast together with shapes ", shapes);
    }
  }
  TC_INTERNAL_ASSERT(!D.empty());
  bool adjacent = D.back() - D.front() + 1 == static_cast<int64_t>(D.size());
  Shape before_sz, before_st, after_sz, after_st;
  for (int64_t dd = 0; dd < nd; ++dd) {
    bool indexed = dd < (int64_t)indices.size() && indices[dd].defined();
    if (indexed) continue;
    if (adjacent && dd < D.front()) {
      before_sz.push_back(a.size(dd));
      before_st.push_back(strides[dd]);
    } else {
      after_sz.push_back(a.size(dd));
      after_st.push_back(strides[dd]);
    }
  }
  IndexPlan p;
  p.result_shape = before_sz;
  for (auto s : B) p.result_shape.push_back(s);
  for (auto s : after_sz) p.result_shape.push_back(s);
  if (put_values) check_put_values(p.result_shape, *put_values);
  int64_t nb = shape_numel(B);
  p.off_b.assign(nb, 0);
  for (int64_t k : D) {
    Tensor e;
    {
      autograd::NoGradGuard ng;
      e = contiguous(expand(idx[k], B));
    }
    const int64_t size = a.size(k);
    const auto bad = kernels::index_offsets(e.data<int64_t>(), nb, size, strides[k], p.off_b.data());
    // No element is read or written when the result is empty because of a zero-size dim elsewhere: PyTorch
    // checks nothing then, and neither does this (the offsets are never used). An index into a dim of size 0
    // is always out of bounds.
    TC_CHECK_INDEX(!bad || (shape_numel(p.result_shape) == 0 && size > 0), "index ", bad.value_or(0),
                   " is out of bounds for dimension ", k, " with size ", size);
  }
  p.off_before = offsets_of(before_sz, before_st);
  p.off_after = offsets_of(after_sz, after_st);
  return p;
}

kernels::IndexLayout layout_of(const IndexPlan& p) {
  kernels::IndexLayout l;
  l.before = p.off_before.data();
  l.n_before = static_cast<int64_t>(p.off_before.size());
  l.mid = p.off_b.data();
  l.n_mid = static_cast<int64_t>(p.off_b.size());
  l.after = p.off_after.data();
  l.n_after = static_cast<int64_t>(p.off_after.size());
  return l;
}

}  // namespace

Tensor index(const Tensor& a, const std::vector<Tensor>& indices) {
  IndexPlan p = plan_index(a, indices, a.strides());
  // On a's device: PyTorch also takes CPU index tensors for a tensor elsewhere.
  Tensor out = empty(p.result_shape, a.dtype(), a.device());
  if (out.numel() > 0) kernels::index_gather(a.dtype(), a->data_bytes(), out->data_bytes(), layout_of(p));
  if (auto* n = record("IndexBackward0", d::index_backward, {&a}, {&out})) {
    n->attrs = autograd::attrs::InputShape{a.sizes()};
    for (auto& t : indices) n->save(t);
  }
  return out;
}

Tensor& index_put_(Tensor& a, const std::vector<Tensor>& indices, const Tensor& values, bool accumulate) {
  if (autograd::any_requires_grad({&a, &values})) {
    autograd::check_inplace(a, "index_put");
    Tensor r = index_put(a, indices, values, accumulate);
    {
      autograd::NoGradGuard ng;
      copy_(a, r);
    }
    autograd::rebase_history(a, r);
    return a;
  }
  IndexPlan p = plan_index(a, indices, a.strides(), &values);
  Tensor v;
  {
    autograd::NoGradGuard ng;
    v = contiguous(expand(to_dtype(values, a.dtype()), p.result_shape));
    if (v->storage == a->storage) v = clone(v);
  }
  if (v.numel() > 0) kernels::index_put(a.dtype(), a->data_bytes(), v->data_bytes(), layout_of(p), accumulate);
  a.bump_version();
  return a;
}

// Out-of-place, differentiable: the gradient of index and of masked assignment.
Tensor index_put(const Tensor& a, const std::vector<Tensor>& indices, const Tensor& values, bool accumulate) {
  Tensor out;
  {
    autograd::NoGradGuard ng;
    out = clone(a);
    index_put_(out, indices, values, accumulate);
  }
  if (auto* n = record("IndexPutBackward0", d::index_put_backward, {&a, &values}, {&out})) {
    for (auto& t : indices) n->save(t);
    n->attrs = autograd::attrs::IndexPut{accumulate};
  }
  return out;
}

Tensor index_select(const Tensor& a, int64_t dim, const Tensor& index) {
  TC_CHECK_INDEX(index.dim() <= 1, "index_select(): Index is supposed to be a vector, got a ", index.dim(),
                 "-D tensor");
  int64_t w = wrap_dim(dim, a.dim(), "index_select");
  common_device({&a, &index});  // Note [Device checks] (embedding's too)
  TC_CHECK(index.dtype() == DType::Int64 || index.dtype() == DType::Int32,
           "index_select(): Expected dtype int32 or int64 for index");
  if (index.numel() > 0) {  // PyTorch: a RuntimeError, and negative indices are out of range too
    autograd::NoGradGuard ng;
    Tensor flat = contiguous(to_dtype(reshape(index, {-1}), DType::Int64));
    const int64_t n = a.dim() ? a.size(w) : 1;
    const int64_t lo = *contiguous(min_all(flat)).data<int64_t>(), hi = *contiguous(max_all(flat)).data<int64_t>();
    // PyTorch's CPU kernels: a RuntimeError along dim 1 (its dim-1 fast path), an IndexError along the others.
    if (!(lo >= 0 && hi < n))
      raise(w == 1 ? ErrorKind::Runtime : ErrorKind::Index, "index out of range in self (index_select: index ",
            lo < 0 ? lo : hi, " is out of range for dimension ", w, " of size ", n, "; indices must be in [0, ", n,
            "))");
  }
  Tensor out;
  {
    autograd::NoGradGuard ng;
    std::vector<Tensor> idx(a.dim() ? w + 1 : 1);
    idx[a.dim() ? w : 0] = reshape(index, {-1});
    out = a.dim() ? ops::index(a, idx) : ops::index(reshape(a, {1}), idx);
    if (a.dim() == 0) out = reshape(out, {});
  }
  if (auto* n = record("IndexSelectBackward0", d::index_select_backward, {&a}, {&out})) {
    n->attrs = autograd::attrs::DimInput{w, a.sizes()};
    n->save(index);
  }
  return out;
}

Tensor gather(const Tensor& a, int64_t dim, const Tensor& index) {
  int64_t w = wrap_dim(dim, a.dim(), "gather");
  Tensor idx = as_long(index, "gather");
  TC_CHECK(idx.dim() == a.dim() || (a.dim() == 0 && idx.dim() <= 1),
           "Index tensor must have the same number of dimensions as input tensor (got ", idx.dim(), " and ", a.dim(),
           ")");
  for (int64_t k = 0; k < idx.dim(); ++k)
    TC_CHECK(k == w || idx.size(k) <= a.size(k), "Size does not match at dimension ", k, " expected index ",
             shape_str(idx.sizes()), " to be no larger than self ", shape_str(a.sizes()), " apart from dimension ", w);
  Tensor out = empty(idx.sizes(), a.dtype(), common_device({&a, &idx}));  // Note [Device checks]
  // A 0-dim problem is a 1-dim one of size 1; a 0-dim input broadcasts (stride 0).
  const int64_t nd = std::max<int64_t>(idx.dim(), 1);
  const Shape isz = idx.dim() ? idx.sizes() : Shape{1};
  const Shape ast = a.dim() ? a.strides() : Shape(nd, 0);
  const int64_t size = a.dim() ? a.size(w) : 1;
  // gather/scatter take no negative indices (as PyTorch), and report a RuntimeError
  const auto bad = kernels::gather(a.dtype(), a->data_bytes(), ast.data(), out->data_bytes(), idx.data<int64_t>(),
                                   isz.data(), nd, w, size);
  TC_CHECK(!bad, "index ", bad.value_or(0), " is out of bounds for dimension ", w, " with size ", size);
  if (auto* nd_ = record("GatherBackward0", d::gather_backward, {&a}, {&out})) {
    nd_->attrs = autograd::attrs::DimInput{w, a.sizes()};
    nd_->save(idx);
  }
  return out;
}

Tensor scatter_add(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& src) {
  int64_t w = wrap_dim(dim, a.dim(), "scatter_add");
  Tensor idx = as_long(index, "scatter_add");
  TC_CHECK(idx.dim() == a.dim() && src.dim() == a.dim(),
           "Index tensor must have the same number of dimensions as self tensor");
  for (int64_t k = 0; k < idx.dim(); ++k) {
    TC_CHECK(idx.size(k) <= src.size(k), "Expected index ", shape_str(idx.sizes()), " to be smaller than src ",
             shape_str(src.sizes()), " apart from dimension ", w);
    TC_CHECK(k == w || idx.size(k) <= a.size(k), "Expected index ", shape_str(idx.sizes()), " to be smaller than self ",
             shape_str(a.sizes()), " apart from dimension ", w);
  }
  Tensor out, s;
  {
    autograd::NoGradGuard ng;
    out = contiguous(clone(a));
    s = to_dtype(src, a.dtype());
  }
  const int64_t nd = std::max<int64_t>(idx.dim(), 1);
  const Shape isz = idx.dim() ? idx.sizes() : Shape{1};
  const Shape ost = out.dim() ? out.strides() : Shape{0}, sst = s.dim() ? s.strides() : Shape{0};
  const int64_t size = a.dim() ? a.size(w) : 1;  // a 0-dim tensor holds one element
  const auto bad = kernels::scatter_add(a.dtype(), out->data_bytes(), ost.data(), s->data_bytes(), sst.data(),
                                        idx.data<int64_t>(), isz.data(), nd, w, size);
  TC_CHECK(!bad, "index ", bad.value_or(0), " is out of bounds for dimension ", w, " with size ", size);
  if (auto* nd_ = record("ScatterAddBackward0", d::scatter_add_backward, {&a, &src}, {&out})) {
    nd_->attrs = autograd::attrs::ScatterAdd{w};
    nd_->save(idx);
  }
  return out;
}

Tensor nonzero(const Tensor& a) {
  Tensor c;
  {
    autograd::NoGradGuard ng;
    c = contiguous(a);
  }
  const int64_t hits = kernels::count_nonzero(c.dtype(), c->data_bytes(), c.numel());
  Tensor out = empty({hits, a.dim()}, DType::Int64);
  if (hits > 0)
    kernels::nonzero_coords(c.dtype(), c->data_bytes(), c.numel(), c.sizes().data(), c.dim(), out.data<int64_t>());
  return out;
}

Tensor embedding(const Tensor& weight, const Tensor& indices) {
  TC_CHECK(weight.dim() == 2, "'weight' must be 2-D, got shape ", shape_str(weight.sizes()));
  Tensor out;
  {
    autograd::NoGradGuard ng;
    Tensor flat = index_select(weight, 0, reshape(as_long(indices, "embedding"), {-1}));
    Shape s = indices.sizes();
    s.push_back(weight.size(1));
    out = reshape(flat, s);
  }
  if (auto* n = record("EmbeddingBackward0", d::embedding_backward, {&weight}, {&out})) {
    n->attrs = autograd::attrs::InputShape{weight.sizes()};
    n->save(indices);
  }
  return out;
}

}  // namespace tc::ops
