#pragma once
// Copy, cast and fill kernels: moving values without arithmetic on them.
#include "core/dtype.h"
#include "core/iterator.h"

namespace tc::kernels {

// Operands: (out, in); converts between any two dtypes.
void copy(const TensorIterator& it, DType out, DType in);
// Fills a contiguous block.
void fill(void* data, int64_t n, DType dt, double fval, int64_t ival,
          double fimag = 0);  // fimag: a complex's imaginary part

// The creation fills (cpu/creation.cpp), into contiguous blocks of n elements.
// arange: out[i] = start + i * step in double, cast to dt.
void arange_fill(DType dt, void* out, int64_t n, double start, double step);
// arange in integer arithmetic (integer bounds and an integer dtype).
void arange_fill_int(DType dt, void* out, int64_t n, int64_t start, int64_t step);
// linspace with PyTorch's roundings (steps >= 2): the step in the output type
// (double for integers), the first half counted up from start with fused
// multiply-adds, the second half down from end.
void linspace_fill(DType dt, void* out, int64_t steps, double start, double end);
// Ones on the diagonal of an [n, m] block that is already zero.
void eye_fill(DType dt, void* out, int64_t n, int64_t m);

}  // namespace tc::kernels
