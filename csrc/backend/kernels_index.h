#pragma once
// Index-family kernels: advanced indexing (gather through precomputed
// offsets, index_put), gather / scatter_add along a dim, nonzero.
//
// Note [Index kernels do not raise]
// Ops check shapes and dtypes; the values of the index tensors are only known
// to the kernel, which reports the position of the first out-of-range index
// (in element order, whatever the thread count) instead of raising: the
// kernels return it (std::nullopt when every index is valid) and write
// nothing in that case. The op then raises PyTorch's error naming
// itself. Every pointer below is to the first element (storage offset applied).
#include <cstdint>
#include <optional>

#include "core/dtype.h"

namespace tc::kernels {

// off[i] += w(idx[i]) * stride for i < n, where w wraps negative indices
// (idx in [-size, size)). Returns the first index out of range (then off is
// unchanged).
std::optional<int64_t> index_offsets(const int64_t* idx, int64_t n, int64_t size, int64_t stride, int64_t* off);

// Note [Advanced indexing layout] (ops/index.cpp): result element
// (a, i, j), row-major over [n_before, n_mid, n_after], lives at
// base + before[a] + mid[i] + after[j] (element offsets).
struct IndexLayout {
  const int64_t* before = nullptr;
  int64_t n_before = 0;
  const int64_t* mid = nullptr;
  int64_t n_mid = 0;
  const int64_t* after = nullptr;
  int64_t n_after = 0;
};
// out (contiguous, the layout's shape) = base[layout].
void index_gather(DType dt, const void* base, void* out, const IndexLayout& l);
// base[layout] = values (or += values, logical or for bool, when accumulate),
// in element order: of duplicate indices the last write wins.
void index_put(DType dt, void* base, const void* values, const IndexLayout& l, bool accumulate);

// Along `dim` of an nd-dim problem whose shape is that of the contiguous
// int64 index (sizes idx_sizes): out[p] = src[p with p[dim] = idx[p]]
// (out contiguous). Returns the first index outside [0, dim_size).
std::optional<int64_t> gather(DType dt, const void* src, const int64_t* src_strides, void* out, const int64_t* idx,
                              const int64_t* idx_sizes, int64_t nd, int64_t dim, int64_t dim_size);
// dst[p with p[dim] = idx[p]] += src[p], each destination summing its
// contributions in element order (bit-identical for any thread count).
// Returns the first index outside [0, dim_size).
std::optional<int64_t> scatter_add(DType dt, void* dst, const int64_t* dst_strides, const void* src,
                                   const int64_t* src_strides, const int64_t* idx, const int64_t* idx_sizes, int64_t nd,
                                   int64_t dim, int64_t dim_size);

// Number of non-zero elements of a contiguous block.
int64_t count_nonzero(DType dt, const void* data, int64_t n);
// The coordinates (row-major over `sizes`) of every non-zero element, in
// order: out is [count_nonzero, nd] int64.
void nonzero_coords(DType dt, const void* data, int64_t n, const int64_t* sizes, int64_t nd, int64_t* out);

}  // namespace tc::kernels
