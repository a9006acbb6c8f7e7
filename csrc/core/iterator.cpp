#include "core/iterator.h"

#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "core/shape_util.h"

namespace tc {

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da == db || db == 1) out[i] = da;
    else if (da == 1) out[i] = db;
    else
      raise(ErrorKind::Runtime, "[", op, "] The size of tensor a (", da, ") must match the size of tensor b (", db,
            ") at non-singleton dimension ", i, "; shapes ", shape_str(a), " and ", shape_str(b),
            " are not broadcastable");
  }
  return out;
}

TensorIterator::TensorIterator(std::vector<Tensor*> outputs, std::vector<DType> out_dtypes,
                               std::vector<const Tensor*> inputs, const char* op) {
  ntensors_ = static_cast<int>(outputs.size() + inputs.size());
  TC_INTERNAL_ASSERT(ntensors_ <= kMaxOperands);
  // 1. Broadcast shape of the inputs; defined outputs must match it.
  Shape shape;
  for (const Tensor* t : inputs) shape = broadcast_shapes(shape, t->sizes(), op);
  for (Tensor* o : outputs) {
    if (!o->defined()) continue;
    if (inputs.empty()) shape = o->sizes();
    TC_CHECK(o->sizes() == shape, "[", op, "] output with shape ", shape_str(o->sizes()),
             " doesn't match the broadcast shape ", shape_str(shape));
  }
  out_shape_ = shape;
  const int nd = static_cast<int>(shape.size());
  numel_ = shape_numel(shape);

  // 2. Memory order: sort dims by the strides of the first defined operand
  //    that is not broadcast along them (outputs first), innermost first.
  std::vector<const Tensor*> all;
  for (Tensor* o : outputs) all.push_back(o);
  for (const Tensor* t : inputs) all.push_back(t);
  auto stride_of = [&](const Tensor* t, int d) -> int64_t {  // element stride in broadcast space
    if (!t->defined()) return -1;
    int off = nd - static_cast<int>(t->dim());
    if (d < off) return 0;
    return t->sizes()[d - off] == 1 ? 0 : t->strides()[d - off];
  };
  std::vector<int> perm(nd);  // perm[0] = innermost user dim
  std::iota(perm.begin(), perm.end(), 0);
  std::reverse(perm.begin(), perm.end());
  // Insertion sort keeps ties in their natural (row-major) order.
  for (int i = 1; i < nd; ++i) {
    for (int j = i; j > 0; --j) {
      int a = perm[j - 1], b = perm[j];  // a currently considered more inner than b
      bool swap = false;
      for (const Tensor* t : all) {
        int64_t sa = stride_of(t, a), sb = stride_of(t, b);
        if (sa <= 0 || sb <= 0) continue;
        if (sa == sb) continue;
        swap = sa > sb;
        goto decided;
      }
      swap = false;
    decided:
      if (!swap) break;
      std::swap(perm[j - 1], perm[j]);
    }
  }

  // 3. Allocate undefined outputs densely in that order.
  for (size_t i = 0; i < outputs.size(); ++i) {
    Tensor* o = outputs[i];
    if (o->defined()) continue;
    Tensor t = empty(shape, out_dtypes[i]);
    Shape st(nd);
    int64_t acc = 1;
    for (int p = 0; p < nd; ++p) {
      st[perm[p]] = acc;
      acc *= std::max<int64_t>(shape[perm[p]], 1);
    }
    t->strides = st;
    *o = t;
  }

  // 4. Byte strides in permuted order, then coalesce.
  shape_.resize(nd);
  for (int p = 0; p < nd; ++p) shape_[p] = shape[perm[p]];
  for (int k = 0; k < ntensors_; ++k) {
    const Tensor* t = all[k];
    strides_[k].resize(nd);
    int64_t isz = static_cast<int64_t>(itemsize(t->dtype()));
    for (int p = 0; p < nd; ++p) strides_[k][p] = stride_of(t, perm[p]) * isz;
    base_[k] = (*t)->data_bytes();
  }
  // Drop size-1 dims, then merge dims that are contiguous for every operand.
  int w = 0;
  for (int d = 0; d < nd; ++d) {
    if (shape_[d] == 1) continue;
    shape_[w] = shape_[d];
    for (int k = 0; k < ntensors_; ++k) strides_[k][w] = strides_[k][d];
    ++w;
  }
  int m = 0;
  for (int d = 0; d < w; ++d) {
    if (m > 0) {
      bool can = true;
      for (int k = 0; k < ntensors_; ++k)
        if (strides_[k][m - 1] * shape_[m - 1] != strides_[k][d]) { can = false; break; }
      if (can) { shape_[m - 1] *= shape_[d]; continue; }
    }
    shape_[m] = shape_[d];
    for (int k = 0; k < ntensors_; ++k) strides_[k][m] = strides_[k][d];
    ++m;
  }
  shape_.resize(m);
  for (int k = 0; k < ntensors_; ++k) strides_[k].resize(m);
  if (m == 0 && numel_ == 1) {  // scalar: one element
    shape_ = {1};
    for (int k = 0; k < ntensors_; ++k) strides_[k] = {0};
  }
}

}  // namespace tc
