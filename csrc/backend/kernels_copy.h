#pragma once
// Copy, cast and fill kernels: moving values without arithmetic on them.
#include "core/dtype.h"
#include "core/iterator.h"

namespace tc::kernels {

// Operands: (out, in); converts between any two dtypes.
void copy(const TensorIterator& it, DType out, DType in);
// Fills a contiguous block.
void fill(void* data, int64_t n, DType dt, double fval, int64_t ival);

}  // namespace tc::kernels
