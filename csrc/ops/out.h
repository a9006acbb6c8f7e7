#pragma once
// out= tensors (Note [out= semantics] in tensorcore/_out.py gives the order of
// PyTorch's rules; this is rule 4, shared by the C++ ops and the Python ones).
#include "core/tensor.h"

namespace tc::ops {

// PyTorch's resize_output: an `out` whose shape is not `shape` is resized
// (resize_: the storage is kept when large enough); a non-empty one first
// warns that this is deprecated (Note [Warnings from the core]), unless
// `warn_if_nonempty` is false (factories resize silently).
void resize_output(Tensor& out, const Shape& shape, bool warn_if_nonempty = true);

}  // namespace tc::ops
