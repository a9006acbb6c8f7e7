#pragma once
// Growing a storage's block in place (Tensor.resize_).
#include <cstddef>

#include "core/storage.h"

namespace tc {

// Note [Resizing storage in place]
// Every view of a tensor holds the same StorageImpl, so growing the block
// inside that StorageImpl (new block, old bytes copied, old block freed)
// keeps all views aliasing the tensor, as PyTorch's resize_ does. Only blocks
// from the CPU allocator (or the inline buffer) can be replaced; memory lent
// by another owner (numpy, DLPack, shared memory, mmap) cannot, and raises
// RuntimeError. Bytes past the old end are uninitialised, as in PyTorch.
// Does nothing when the block already holds `nbytes`.
void grow_storage(StorageImpl& s, size_t nbytes);

// Sets the block to exactly `nbytes` (UntypedStorage.resize_): grows as grow_storage, or moves the first
// `nbytes` bytes into a smaller block and marks the storage shrunk (Note [Shrunk storage], core/storage.h).
void resize_storage(StorageImpl& s, size_t nbytes);

}  // namespace tc
