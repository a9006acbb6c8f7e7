#pragma once
// Scan kernels (cumulative ops along one dim) and the row sort. The CPU
// versions pick the compiled instruction set at runtime (cpu/dispatch.cpp).
#include <cstdint>

#include "core/dtype.h"

namespace tc::kernels {

// x and y are contiguous [outer, len, inner] of dtype dt (any dtype but
// bool); y[o, l, i] = x[o, 0, i] + ... + x[o, l, i], summed in that order
// (so results do not depend on the thread count). Integers wrap as PyTorch's.
// `narrow`: float32 data standing for float16/bfloat16, accumulated in float
// (their accumulate type) rather than double.
void cumsum(DType dt, const void* x, void* y, int64_t outer, int64_t len, int64_t inner, bool narrow = false);
// The same with products: y[o, l, i] = x[o, 0, i] * ... * x[o, l, i], in that order.
void cumprod(DType dt, const void* x, void* y, int64_t outer, int64_t len, int64_t inner, bool narrow = false);

// Stable sort of each contiguous row of x [rows, len] (NaN sorts as the
// largest value), keeping the first k: values [rows, k] and their int64
// positions in the row [rows, k]. `largest` sorts descending.
void sort_rows(DType dt, const void* x, int64_t rows, int64_t len, int64_t k, bool largest, void* values,
               int64_t* indices);

}  // namespace tc::kernels
