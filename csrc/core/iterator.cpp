#include "core/iterator.h"

#include <algorithm>
#include <numeric>

#include "core/device_check.h"
#include "core/error.h"
#include "core/shape_util.h"

namespace tc {

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  // From the last dim, as PyTorch's infer_size: the mismatch it reports is the rightmost one.
  for (size_t i = n; i-- > 0;) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da == db || db == 1)
      out[i] = da;
    else if (da == 1)
      out[i] = db;
    else
      raise(ErrorKind::Runtime, "[", op, "] The size of tensor a (", da, ") must match the size of tensor b (", db,
            ") at non-singleton dimension ", i, "; shapes ", shape_str(a), " and ", shape_str(b),
            " are not broadcastable");
  }
  return out;
}

TensorIterator::TensorIterator(std::initializer_list<Tensor*> outputs, std::initializer_list<DType> out_dtypes,
                               std::initializer_list<const Tensor*> inputs, const char* op) {
  ntensors_ = static_cast<int>(outputs.size() + inputs.size());
  TC_INTERNAL_ASSERT(ntensors_ <= kMaxOperands && out_dtypes.size() == outputs.size());
  const Tensor* all[kMaxOperands];
  int k_ = 0;
  for (Tensor* o : outputs) all[k_++] = o;
  for (const Tensor* t : inputs) all[k_++] = t;
  // Note [Device checks]: one device for every operand; new outputs go there.
  const Device device = common_device(all, ntensors_);

  // 1. Broadcast shape of the inputs (fast path: all inputs share one shape).
  int nd = 0;
  for (const Tensor* t : inputs) nd = std::max(nd, static_cast<int>(t->dim()));
  // Defined outputs take part: inputs broadcast *to* them (copy_, fill_, x[i] = v).
  for (Tensor* o : outputs)
    if (o->defined()) nd = std::max(nd, static_cast<int>(o->dim()));
  TC_CHECK(nd <= kMaxDims, "[", op, "] tensors with more than ", kMaxDims, " dimensions are not supported");
  int64_t shape[kMaxDims];
  for (int d = 0; d < nd; ++d) shape[d] = 1;
  auto fold = [&](const Shape& s) {
    int off = nd - static_cast<int>(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t& cur = shape[off + i];
      int64_t v = s[i];
      if (cur == v || v == 1) continue;
      if (cur == 1) {
        cur = v;
        continue;
      }
      Shape have(shape, shape + nd);
      broadcast_shapes(have, s, op);  // raises the descriptive error
    }
  };
  for (const Tensor* t : inputs) fold(t->sizes());
  for (Tensor* o : outputs)
    if (o->defined()) fold(o->sizes());
  for (Tensor* o : outputs) {
    if (!o->defined()) continue;
    bool same = static_cast<int>(o->dim()) == nd;
    for (int d = 0; same && d < nd; ++d) same = o->sizes()[d] == shape[d];
    if (!same)
      raise(ErrorKind::Runtime, "[", op, "] output with shape ", shape_str(o->sizes()),
            " doesn't match the broadcast shape ", shape_str(Shape(shape, shape + nd)));
  }
  // Broadcasting two expanded views can name more than 2^63 elements: raise
  // (Note [Checked size arithmetic]) before anything is sized from it.
  numel_ = checked_numel(Shape(shape, shape + nd));

  // 2. Memory order: sort dims by the strides of the first operand that is
  //    not broadcast along them (outputs first), innermost first.
  auto stride_of = [&](const Tensor* t, int d) -> int64_t {  // element stride in broadcast space
    if (!t->defined()) return -1;
    int off = nd - static_cast<int>(t->dim());
    if (d < off) return 0;
    return t->sizes()[d - off] == 1 ? 0 : t->strides()[d - off];
  };
  int perm[kMaxDims];  // perm[0] = innermost user dim
  for (int i = 0; i < nd; ++i) perm[i] = nd - 1 - i;
  // Insertion sort keeps ties in their natural (row-major) order.
  for (int i = 1; i < nd; ++i) {
    for (int j = i; j > 0; --j) {
      int a = perm[j - 1], b = perm[j];  // a currently considered more inner than b
      bool swap = false;
      for (int k = 0; k < ntensors_; ++k) {
        int64_t sa = stride_of(all[k], a), sb = stride_of(all[k], b);
        if (sa <= 0 || sb <= 0 || sa == sb) continue;
        swap = sa > sb;
        break;
      }
      if (!swap) break;
      std::swap(perm[j - 1], perm[j]);
    }
  }

  // 3. Allocate undefined outputs densely in that order.
  auto dt_it = out_dtypes.begin();
  for (Tensor* o : outputs) {
    DType dt = *dt_it++;
    if (o->defined()) continue;
    Shape st(nd);
    int64_t acc = 1;
    for (int p = 0; p < nd; ++p) {
      st[perm[p]] = acc;
      acc *= std::max<int64_t>(shape[perm[p]], 1);
    }
    *o = empty_strided(Shape(shape, shape + nd), std::move(st), dt, device);
  }

  // 4. Byte strides in permuted order, dropping size-1 dims, then coalesce.
  int w = 0;
  for (int p = 0; p < nd; ++p) {
    int d = perm[p];
    if (shape[d] == 1) continue;
    shape_[w] = shape[d];
    for (int k = 0; k < ntensors_; ++k)
      strides_[k][w] = stride_of(all[k], d) * static_cast<int64_t>(itemsize(all[k]->dtype()));
    ++w;
  }
  // Note [Iterators on a device]: device addresses are taken raw; the host
  // loops refuse to run over them (for_each).
  device_ = device;
  for (int k = 0; k < ntensors_; ++k) {
    const TensorImpl& t = **all[k];
    base_[k] = t.raw_data_bytes();
    host_scalar_[k] = t.device != device;  // only a zero-dim CPU tensor may differ
    device_memory_ = device_memory_ || (t.storage->device_memory && !host_scalar_[k]);
  }
  int m = 0;
  for (int d = 0; d < w; ++d) {
    if (m > 0) {
      bool can = true;
      for (int k = 0; k < ntensors_; ++k)
        if (strides_[k][m - 1] * shape_[m - 1] != strides_[k][d]) {
          can = false;
          break;
        }
      if (can) {
        shape_[m - 1] *= shape_[d];
        continue;
      }
    }
    shape_[m] = shape_[d];
    for (int k = 0; k < ntensors_; ++k) strides_[k][m] = strides_[k][d];
    ++m;
  }
  ndim_ = m;
  if (m >= 2 && shape_[0] >= 16 && shape_[1] >= 16 && numel_ >= 4096) {
    for (int k = 0; k < ntensors_; ++k) {
      int64_t s0 = std::abs(strides_[k][0]), s1 = std::abs(strides_[k][1]);
      if (s1 != 0 && s1 < s0) tiled_ = true;
    }
  }
  if (m == 0 && numel_ == 1) {  // scalar: one element
    ndim_ = 1;
    shape_[0] = 1;
    for (int k = 0; k < ntensors_; ++k) strides_[k][0] = 0;
  }
}

}  // namespace tc
