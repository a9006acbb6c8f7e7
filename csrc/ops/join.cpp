// cat and stack.
#include "autograd/derivatives.h"
#include "autograd/node_attrs.h"
#include "backend/kernels.h"
#include "core/device_check.h"
#include "core/error.h"
#include "core/iterator.h"
#include "core/shape_util.h"
#include "ops/autocast.h"
#include "ops/ops.h"

namespace tc::ops {

using autograd::record;
namespace d = autograd::d;

namespace {
void copy_into(Tensor dst, const Tensor& src) {
  TensorIterator it({&dst}, {dst.dtype()}, {&src}, "cat");
  kernels::copy(it, dst.dtype(), src.dtype());
}
}  // namespace

Tensor cat(const std::vector<Tensor>& ts, int64_t dim) {
  if (__builtin_expect(autocast::active(), 0)) {  // promote (Note [CPU autocast])
    std::vector<Tensor> cs = autocast::promote(ts);
    autocast::ExcludeGuard g;
    return cat(cs, dim);
  }
  TC_CHECK_VALUE(!ts.empty(), "torch.cat(): expected a non-empty list of Tensors");
  // Legacy rule: 1-D empty tensors are skipped.
  const Tensor* ref = nullptr;
  for (const Tensor& t : ts)
    if (!(t.dim() == 1 && t.size(0) == 0)) {
      ref = &t;
      break;
    }
  std::vector<const Tensor*> ptrs;
  for (const Tensor& t : ts) ptrs.push_back(&t);
  DType dt = ts[0].dtype();
  for (const Tensor& t : ts) dt = promote_types(dt, t.dtype());
  if (!ref) {  // every input is a 1-D empty tensor: an empty result, still recorded (its inputs get empty grads)
    Tensor out = empty({0}, dt, common_device(ptrs.data(), static_cast<int>(ptrs.size())));
    if (auto* n = record("CatBackward0", d::cat_backward, ts, {out}))
      n->attrs = autograd::attrs::Cat{Shape(ts.size(), 0), 0};
    return out;
  }
  TC_CHECK(ref->dim() > 0, "zero-dimensional tensor (at position 0) cannot be concatenated");
  int64_t w = wrap_dim(dim, ref->dim(), "cat");
  Shape out_shape = ref->sizes();
  out_shape[w] = 0;
  Shape sizes;
  for (size_t i = 0; i < ts.size(); ++i) {
    const Tensor& t = ts[i];
    if (t.dim() == 1 && t.size(0) == 0) {
      sizes.push_back(0);
      continue;
    }
    TC_CHECK(t.dim() == ref->dim(), "Tensors must have same number of dimensions: got ", ref->dim(), " and ", t.dim(),
             " (tensor ", i, " has shape ", shape_str(t.sizes()), ")");
    for (int64_t k = 0; k < t.dim(); ++k)
      TC_CHECK(k == w || t.size(k) == ref->size(k), "Sizes of tensors must match except in dimension ", w,
               ". Expected size ", ref->size(k), " but got size ", t.size(k), " for tensor number ", i,
               " in the list.");
    out_shape[w] = checked_size_add(out_shape[w], t.size(w), "cat");
    sizes.push_back(t.size(w));
  }
  Tensor out = empty(out_shape, dt, common_device(ptrs.data(), static_cast<int>(ptrs.size())));  // Note [Device checks]
  int64_t start = 0;
  for (size_t i = 0; i < ts.size(); ++i) {
    if (sizes[i] == 0) continue;
    Shape sz = out_shape;
    sz[w] = sizes[i];
    copy_into(make_view(out, sz, out.strides(), start * out.strides()[w]), ts[i]);
    start += sizes[i];
  }
  if (auto* n = record("CatBackward0", d::cat_backward, ts, {out})) { n->attrs = autograd::attrs::Cat{sizes, w}; }
  return out;
}

Tensor stack(const std::vector<Tensor>& ts, int64_t dim) {
  if (__builtin_expect(autocast::active(), 0)) {  // promote (Note [CPU autocast])
    std::vector<Tensor> cs = autocast::promote(ts);
    autocast::ExcludeGuard g;
    return stack(cs, dim);
  }
  TC_CHECK(!ts.empty(), "stack expects a non-empty TensorList");
  int64_t w = wrap_dim(dim, ts[0].dim() + 1, "stack");
  for (size_t i = 1; i < ts.size(); ++i)
    TC_CHECK(ts[i].sizes() == ts[0].sizes(), "stack expects each tensor to be equal size, but got ",
             shape_str(ts[0].sizes()), " at entry 0 and ", shape_str(ts[i].sizes()), " at entry ", i);
  Tensor out;
  {
    autograd::NoGradGuard ng;
    std::vector<Tensor> us;
    for (const Tensor& t : ts) us.push_back(unsqueeze(t, w));
    out = cat(us, w);
  }
  if (auto* n = record("StackBackward0", d::stack_backward, ts, {out})) n->attrs = autograd::attrs::Dim{w};
  return out;
}

Tensor as_strided_scatter_zeros(const Tensor& g, const Shape& shape, const Shape& size, const Shape& stride,
                                int64_t offset) {
  Tensor out = zeros(shape, g.dtype());
  Tensor dst = make_view(out, size, stride, offset);
  TC_CHECK(dst.sizes() == g.sizes(), "[backward] gradient of shape ", shape_str(g.sizes()),
           " does not match the view shape ", shape_str(size));
  copy_into(dst, g);
  if (auto* n = record("AsStridedScatterBackward0", d::as_strided_scatter_backward, {&g}, {&out})) {
    n->attrs = autograd::attrs::StridedWindow{size, stride, offset};
  }
  return out;
}

}  // namespace tc::ops
