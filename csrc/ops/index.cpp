// Indexing: index_select, advanced indexing (gather by index tensors),
// index_put_, gather, scatter_add, nonzero, embedding.
#include <numeric>

#include "autograd/derivatives.h"
#include "autograd/node_attrs.h"
#include "autograd/inplace.h"
#include "backend/kernels.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/shape_util.h"
#include "ops/ops.h"

namespace tc::ops {

using autograd::record;
namespace d = autograd::d;

namespace {

Tensor as_long(const Tensor& idx, const char* op) {
  TC_CHECK_INDEX(idx.dtype() == DType::Int64 || idx.dtype() == DType::Int32,
                 "[", op, "] tensors used as indices must be long, int or bool tensors, got ", dtype_name(idx.dtype()));
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

IndexPlan plan_index(const Tensor& a, const std::vector<Tensor>& indices, const Shape& strides) {
  int64_t nd = a.dim();
  TC_CHECK_INDEX(static_cast<int64_t>(indices.size()) <= nd, "too many indices for tensor of dimension ", nd,
                 " (got ", indices.size(), ")");
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
      raise(ErrorKind::Index, "shape mismatch: indexing tensors could not be broadcast together with shapes ",
            shape_str(B), " and ", shape_str(idx[k].sizes()));
    }
  }
  TC_INTERNAL_ASSERT(!D.empty());
  bool adjacent = D.back() - D.front() + 1 == static_cast<int64_t>(D.size());
  Shape before_sz, before_st, after_sz, after_st;
  for (int64_t dd = 0; dd < nd; ++dd) {
    bool indexed = dd < (int64_t)indices.size() && indices[dd].defined();
    if (indexed) continue;
    if (adjacent && dd < D.front()) { before_sz.push_back(a.size(dd)); before_st.push_back(strides[dd]); }
    else { after_sz.push_back(a.size(dd)); after_st.push_back(strides[dd]); }
  }
  IndexPlan p;
  p.result_shape = before_sz;
  for (auto s : B) p.result_shape.push_back(s);
  for (auto s : after_sz) p.result_shape.push_back(s);
  int64_t nb = shape_numel(B);
  p.off_b.assign(nb, 0);
  for (int64_t k : D) {
    Tensor e;
    {
      autograd::NoGradGuard ng;
      e = contiguous(expand(idx[k], B));
    }
    const int64_t* ip = e.data<int64_t>();
    int64_t size = a.size(k);
    for (int64_t i = 0; i < nb; ++i) {
      int64_t v = ip[i];
      TC_CHECK_INDEX(v >= -size && v < size, "index ", v, " is out of bounds for dimension ", k, " with size ", size);
      p.off_b[i] += (v < 0 ? v + size : v) * strides[k];
    }
  }
  p.off_before = offsets_of(before_sz, before_st);
  p.off_after = offsets_of(after_sz, after_st);
  return p;
}

template <typename F>
void for_each_index(const IndexPlan& p, F&& f) {  // f(result_linear, source_offset)
  int64_t nb = p.off_b.size(), na = p.off_after.size();
  int64_t pos = 0;
  for (int64_t ob : p.off_before)
    for (int64_t i = 0; i < nb; ++i)
      for (int64_t j = 0; j < na; ++j) f(pos++, ob + p.off_b[i] + p.off_after[j]);
}

}  // namespace

Tensor index(const Tensor& a, const std::vector<Tensor>& indices) {
  IndexPlan p = plan_index(a, indices, a.strides());
  Tensor out = empty(p.result_shape, a.dtype());
  if (out.numel() > 0) {
    dispatch_dtype(a.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* src = a.data<T>();
      T* dst = out.data<T>();
      for_each_index(p, [&](int64_t i, int64_t off) { dst[i] = src[off]; });
    });
  }
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
  IndexPlan p = plan_index(a, indices, a.strides());
  Tensor v;
  {
    autograd::NoGradGuard ng;
    Shape bs = broadcast_shapes(p.result_shape, values.sizes(), "index_put_");
    TC_CHECK(bs == p.result_shape, "shape mismatch: value tensor of shape ", shape_str(values.sizes()),
             " cannot be broadcast to indexing result of shape ", shape_str(p.result_shape));
    v = contiguous(expand(to_dtype(values, a.dtype()), p.result_shape));
    if (v->storage == a->storage) v = clone(v);
  }
  if (v.numel() > 0) {
    dispatch_dtype(a.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* dst = a.data<T>();
      const T* src = v.data<T>();
      if (accumulate) for_each_index(p, [&](int64_t i, int64_t off) {
          if constexpr (std::is_same_v<T, bool>) dst[off] = dst[off] || src[i];
          else dst[off] += src[i];
        });
      else for_each_index(p, [&](int64_t i, int64_t off) { dst[off] = src[i]; });
    });
  }
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
  TC_CHECK(index.dtype() == DType::Int64 || index.dtype() == DType::Int32,
           "index_select(): Expected dtype int32 or int64 for index");
  if (index.numel() > 0) {  // PyTorch: a RuntimeError, and negative indices are out of range too
    autograd::NoGradGuard ng;
    Tensor flat = contiguous(to_dtype(reshape(index, {-1}), DType::Int64));
    const int64_t n = a.dim() ? a.size(w) : 1;
    const int64_t lo = *contiguous(min_all(flat)).data<int64_t>(), hi = *contiguous(max_all(flat)).data<int64_t>();
    TC_CHECK_INDEX(lo >= 0 && hi < n, "index out of range in self (index_select: index ", lo < 0 ? lo : hi,
                   " is out of range for dimension ", w, " of size ", n, "; indices must be in [0, ", n, "))");
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
  TC_CHECK(idx.dim() == a.dim() || (a.dim() == 0 && idx.dim() <= 1), "Index tensor must have the same number of dimensions as input tensor (got ",
           idx.dim(), " and ", a.dim(), ")");
  for (int64_t k = 0; k < idx.dim(); ++k)
    TC_CHECK(k == w || idx.size(k) <= a.size(k), "Size does not match at dimension ", k,
             " expected index ", shape_str(idx.sizes()), " to be no larger than self ", shape_str(a.sizes()),
             " apart from dimension ", w);
  Tensor out = empty(idx.sizes(), a.dtype());
  int64_t n = idx.numel(), nd = idx.dim();
  dispatch_dtype(a.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = a.data<T>();
    T* dst = out.data<T>();
    const int64_t* ip = idx.data<int64_t>();
    std::vector<int64_t> pos(nd, 0);
    int64_t size = a.dim() ? a.size(w) : 1;
    for (int64_t i = 0; i < n; ++i) {
      int64_t v = ip[i];
      // gather/scatter take no negative indices (as PyTorch), and report a RuntimeError
      TC_CHECK(v >= 0 && v < size, "index ", v, " is out of bounds for dimension ", w, " with size ", size);
      int64_t off = 0;
      for (int64_t k = 0; k < nd; ++k) off += (k == w ? v : pos[k]) * (k < a.dim() ? a.strides()[k] : 0);
      dst[i] = src[off];
      for (int64_t k = nd - 1; k >= 0; --k) { if (++pos[k] < idx.size(k)) break; pos[k] = 0; }
    }
  });
  if (auto* nd_ = record("GatherBackward0", d::gather_backward, {&a}, {&out})) {
    nd_->attrs = autograd::attrs::DimInput{w, a.sizes()};
    nd_->save(idx);
  }
  return out;
}

Tensor scatter_add(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& src) {
  int64_t w = wrap_dim(dim, a.dim(), "scatter_add");
  Tensor idx = as_long(index, "scatter_add");
  TC_CHECK(idx.dim() == a.dim() && src.dim() == a.dim(), "Index tensor must have the same number of dimensions as self tensor");
  for (int64_t k = 0; k < idx.dim(); ++k) {
    TC_CHECK(idx.size(k) <= src.size(k), "Expected index ", shape_str(idx.sizes()), " to be smaller than src ",
             shape_str(src.sizes()), " apart from dimension ", w);
    TC_CHECK(k == w || idx.size(k) <= a.size(k), "Expected index ", shape_str(idx.sizes()),
             " to be smaller than self ", shape_str(a.sizes()), " apart from dimension ", w);
  }
  Tensor out, s;
  {
    autograd::NoGradGuard ng;
    out = contiguous(clone(a));
    s = to_dtype(src, a.dtype());
  }
  int64_t n = idx.numel(), nd = idx.dim();
  dispatch_dtype(a.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* dst = out.data<T>();
    const T* sp = s.data<T>();
    const int64_t* ip = idx.data<int64_t>();
    std::vector<int64_t> pos(nd, 0);
    int64_t size = a.dim() ? a.size(w) : 1;  // a 0-dim tensor holds one element
    for (int64_t i = 0; i < n; ++i) {
      int64_t v = ip[i];
      // gather/scatter take no negative indices (as PyTorch), and report a RuntimeError
      TC_CHECK(v >= 0 && v < size, "index ", v, " is out of bounds for dimension ", w, " with size ", size);
      int64_t off = 0, soff = 0;
      for (int64_t k = 0; k < nd; ++k) {
        off += (k == w ? v : pos[k]) * out.strides()[k];
        soff += pos[k] * s.strides()[k];
      }
      if constexpr (std::is_same_v<T, bool>) dst[off] = dst[off] || sp[soff];
      else dst[off] += sp[soff];
      for (int64_t k = nd - 1; k >= 0; --k) { if (++pos[k] < idx.size(k)) break; pos[k] = 0; }
    }
  });
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
  int64_t nd = a.dim(), n = a.numel();
  std::vector<int64_t> hits;
  dispatch_dtype(a.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* p = c.data<T>();
    for (int64_t i = 0; i < n; ++i)
      if (p[i] != T(0)) hits.push_back(i);
  });
  Tensor out = empty({static_cast<int64_t>(hits.size()), nd}, DType::Int64);
  int64_t* o = out.data<int64_t>();
  for (size_t h = 0; h < hits.size(); ++h) {
    int64_t rem = hits[h];
    for (int64_t k = nd - 1; k >= 0; --k) {
      o[h * nd + k] = rem % a.size(k);
      rem /= a.size(k);
    }
  }
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
