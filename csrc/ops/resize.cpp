// Tensor.resize_: new sizes with contiguous strides over the same storage,
// grown in place when it is too small.
//
// Note [Resizing storage in place]
// Every view of a tensor holds the same StorageImpl, so growing the block
// inside that StorageImpl (new block, old bytes copied, old block freed)
// keeps all views aliasing the tensor, as PyTorch's resize_ does. Only blocks
// from the CPU allocator (or the inline buffer) can be replaced; memory lent
// by another owner (numpy, DLPack, shared memory, mmap) cannot, and raises.
// Elements past the old end are uninitialised, as in PyTorch.
#include <cstring>

#include "core/error.h"
#include "core/shape_util.h"
#include "ops/ops.h"

namespace tc::ops {

namespace {

void grow_storage(StorageImpl& s, size_t nbytes) {
  if (nbytes <= s.nbytes) return;
  TC_CHECK(!s.release, "Trying to resize storage that is not resizable");
  void* fresh = cpu_alloc(nbytes);
  if (s.nbytes) std::memcpy(fresh, s.data, s.nbytes);
  if (s.data != s.inline_buf) cpu_free(s.data, s.nbytes);
  s.data = fresh;
  s.nbytes = nbytes;
}

}  // namespace

Tensor& resize_(Tensor& self, const Shape& sizes) {
  TC_CHECK(!self.requires_grad(), "cannot resize variables that require grad");
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

}  // namespace tc::ops
