// Tensor.resize_: new sizes with contiguous strides over the same storage,
// grown in place when it is too small.
// (Note [Resizing storage in place] in core/storage_resize.h).
#include "core/error.h"
#include "core/shape_util.h"
#include "core/storage_resize.h"
#include "core/warning.h"
#include "ops/ops.h"
#include "ops/out.h"

namespace tc::ops {

namespace {
// The resize itself. Tensor.resize_ refuses a tensor that requires grad; an
// op's out= tensor is resized below autograd, as PyTorch's resize_output
// (an out of an op with no gradient may require grad: lt(a, b, out=w)).
Tensor& resize_storage_and_sizes(Tensor& self, const Shape& sizes) {
  for (int64_t s : sizes)
    TC_CHECK(s >= 0, "resize_(): Trying to create tensor with negative dimension ", s, ": ", shape_str(sizes));
  if (sizes == self.sizes()) return self;  // PyTorch keeps the strides then
  Shape strides = contiguous_strides(sizes);
  int64_t n = checked_numel(sizes);
  if (n > 0) {
    int64_t end = checked_size_add(self->offset, n, "resize_");
    int64_t nbytes = checked_size_mul(end, static_cast<int64_t>(itemsize(self.dtype())), "resize_");
    grow_storage(*self->storage, static_cast<size_t>(nbytes));
  }
  self->sizes = sizes;
  self->strides = std::move(strides);
  self.bump_version();
  return self;
}
}  // namespace

Tensor& resize_(Tensor& self, const Shape& sizes) {
  TC_CHECK(!self.requires_grad(), "cannot resize variables that require grad");
  return resize_storage_and_sizes(self, sizes);
}

void resize_output(Tensor& out, const Shape& shape, bool warn_if_nonempty) {
  if (out.sizes() == shape) return;
  if (warn_if_nonempty && out.numel() != 0)
    warn("An output with one or more elements was resized since it had shape " + shape_str(out.sizes()) +
         ", which does not match the required output shape " + shape_str(shape) +
         ". This behavior is deprecated, and in a future PyTorch release outputs will not be resized unless they "
         "have zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements "
         "with t.resize_(0).");
  resize_storage_and_sizes(out, shape);
}

}  // namespace tc::ops
