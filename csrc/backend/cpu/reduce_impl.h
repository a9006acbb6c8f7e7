#pragma once
// Reduction loop bodies, compiled once per instruction set (TC_CAP).
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "backend/functors.h"
#include "backend/kernels.h"
#include "core/error.h"
#include "core/parallel.h"

namespace tc::cpu::TC_CAP {

using kernels::ReduceOp;

namespace {

// Note [Blocked reduction]
// A contiguous run is reduced in fixed blocks of kBlock elements, each with
// kLanes independent accumulators (so the compiler vectorizes without
// reassociating), and block results are combined in order. The grouping never
// depends on the thread count.
constexpr int64_t kBlock = 1 << 15;
constexpr int kLanes = 16;

// Each lane sums kChunk of its elements into a fresh partial before adding it
// to the lane's running total, so a running total takes n / (kLanes * kChunk)
// additions instead of n / kLanes: 0.1 summed 2^24 times is 1.7e-5 off with a
// plain running sum per lane, about 1e-6 this way, at the same speed.
constexpr int kChunk = 16;

template <typename Acc, typename T> Acc sum_block(const T* x, int64_t n) {
  Acc acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes * kChunk <= n; i += kLanes * kChunk) {
    Acc part[kLanes] = {};
    for (int r = 0; r < kChunk; ++r)
      for (int l = 0; l < kLanes; ++l) part[l] = fn::wrap_add(part[l], static_cast<Acc>(x[i + r * kLanes + l]));
    for (int l = 0; l < kLanes; ++l) acc[l] = fn::wrap_add(acc[l], part[l]);
  }
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) acc[l] = fn::wrap_add(acc[l], static_cast<Acc>(x[i + l]));
  Acc tail = 0;
  for (; i < n; ++i) tail = fn::wrap_add(tail, static_cast<Acc>(x[i]));
  for (int w = kLanes / 2; w > 0; w /= 2)
    for (int l = 0; l < w; ++l) acc[l] = fn::wrap_add(acc[l], acc[l + w]);
  return fn::wrap_add(acc[0], tail);
}

template <typename Acc, typename T> Acc sum_contig(const T* x, int64_t n) {
  if (n <= kBlock) return sum_block<Acc>(x, n);
  int64_t nblocks = (n + kBlock - 1) / kBlock;
  std::vector<Acc> partial(nblocks);
  parallel_for(0, nblocks, 1, [&](int64_t b, int64_t e) {
    for (int64_t blk = b; blk < e; ++blk) {
      int64_t s = blk * kBlock;
      partial[blk] = sum_block<Acc>(x + s, std::min(kBlock, n - s));
    }
  });
  // Block partials are combined pairwise (a long sequential chain of
  // partials would reintroduce the running-sum error).
  for (int64_t w = 1; w < nblocks; w *= 2)
    for (int64_t i = 0; i + w < nblocks; i += 2 * w) partial[i] = fn::wrap_add<Acc>(partial[i], partial[i + w]);
  return partial[0];
}

// Note [Column sums]
// A reduction over a strided dim adds whole rows into the output vector. Eight
// rows are folded per pass, ((((dst + x0) + x1) + ...) + x7): the same order as
// one row at a time, but the output vector is loaded and stored an eighth as
// often, which is what bounded the one-row loop.
template <typename Acc, typename T>
void add_rows(Acc* __restrict dst, const T* __restrict x, int64_t rows, int64_t stride, int64_t n) {
  int64_t r = 0;
  for (; r + 8 <= rows; r += 8) {
    const T* __restrict x0 = x + r * stride;
    for (int64_t j = 0; j < n; ++j) {
      Acc a = dst[j];
      for (int k = 0; k < 8; ++k) a = fn::wrap_add(a, static_cast<Acc>(x0[k * stride + j]));
      dst[j] = a;
    }
  }
  for (; r < rows; ++r) {
    const T* __restrict xr = x + r * stride;
    for (int64_t j = 0; j < n; ++j) dst[j] = fn::wrap_add(dst[j], static_cast<Acc>(xr[j]));
  }
}

// Note [Pairwise column sums]
// A float running sum over millions of rows loses digits (0.1 summed 4M times
// in float32 was 4% off). Float column sums therefore split the rows in halves
// recursively down to kLeafRows rows, sum each leaf with add_rows, and add the
// halves: the error grows with log2(rows / kLeafRows) instead of rows, while
// the leaves keep add_rows' speed. Columns are processed kColTile at a time so
// the per-level partial vectors stay in L1. The split points depend only on
// the row count, so results are bit-identical for any thread count. Integer
// sums wrap exactly and keep the plain sequential fold.
constexpr int64_t kLeafRows = 64;
constexpr int64_t kColTile = 512;

template <typename Acc, typename T>
void pairwise_rows(Acc* __restrict dst, Acc* scratch, const T* x, int64_t rows, int64_t stride, int64_t n) {
  if (rows <= kLeafRows) {
    std::fill(dst, dst + n, Acc(0));
    add_rows<Acc, T>(dst, x, rows, stride, n);
    return;
  }
  int64_t half = (rows / 2 + kLeafRows - 1) / kLeafRows * kLeafRows;
  pairwise_rows<Acc, T>(dst, scratch + kColTile, x, half, stride, n);
  pairwise_rows<Acc, T>(scratch, scratch + kColTile, x + half * stride, rows - half, stride, n);
  for (int64_t j = 0; j < n; ++j) dst[j] += scratch[j];
}

// Note [Narrow column sums]
// Column sums of contiguous rows narrower than a vector (sum(0) of [N, 2]: a
// complex sum is one, Note [Complex through real views]) spend their time on
// per-row loop overhead. Such rows are summed as rows of G times the width
// (row r adds into group r % G of the wide accumulator; the groups are folded
// in order at the end, the rows % G left over after them), which the column
// loops vectorize. The order depends only on the shape, so results stay
// bit-identical for any thread count.
constexpr int64_t kNarrowWidth = 32;

template <typename Acc, typename T> void sum_rows(Acc* dst, const T* x, int64_t rows, int64_t stride, int64_t n);

template <typename Acc, typename T> void sum_narrow_rows(Acc* dst, const T* x, int64_t rows, int64_t n) {
  const int64_t groups = kNarrowWidth / n;
  const int64_t wide_rows = rows / groups;
  Acc wide[kNarrowWidth];
  sum_rows<Acc, T>(wide, x, wide_rows, n * groups, n * groups);
  for (int64_t j = 0; j < n; ++j) {
    Acc a = wide[j];
    for (int64_t g = 1; g < groups; ++g) a += wide[g * n + j];
    dst[j] = a;
  }
  add_rows<Acc, T>(dst, x + wide_rows * groups * n, rows - wide_rows * groups, n, n);
}

template <typename Acc, typename T> void sum_rows(Acc* dst, const T* x, int64_t rows, int64_t stride, int64_t n) {
  if constexpr (std::is_floating_point_v<Acc>) {
    if (stride == n && 2 * n <= kNarrowWidth && rows >= 2 * kNarrowWidth) {
      sum_narrow_rows<Acc, T>(dst, x, rows, n);
      return;
    }
  }
  if constexpr (!std::is_floating_point_v<Acc>) {
    std::fill(dst, dst + n, Acc(0));
    add_rows<Acc, T>(dst, x, rows, stride, n);
  } else if (rows <= kLeafRows) {
    std::fill(dst, dst + n, Acc(0));
    add_rows<Acc, T>(dst, x, rows, stride, n);
  } else {
    int depth = 2;  // the larger half may exceed rows / 2 by < kLeafRows: one level of slack
    for (int64_t r = rows; r > kLeafRows; r = (r + 1) / 2) ++depth;
    // Reused per thread: a reduction over many small outer slices calls this
    // once per slice, and a fresh allocation each time doubled its cost.
    thread_local std::vector<Acc> scratch;
    if (scratch.size() < static_cast<size_t>(depth) * kColTile) scratch.resize(static_cast<size_t>(depth) * kColTile);
    for (int64_t j0 = 0; j0 < n; j0 += kColTile)
      pairwise_rows<Acc, T>(dst + j0, scratch.data(), x + j0, rows, stride, std::min(kColTile, n - j0));
  }
}

template <typename T> bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>)
    return v != v;
  else
    return false;
}

template <typename Acc, typename T>
void reduce_typed(ReduceOp op, const T* in, Acc* out, int64_t outer, int64_t len, int64_t inner) {
  const int64_t total_work = outer * len * inner;
  const int64_t grain_rows = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, len * inner));
  if (inner == 1) {
    auto row = [&](const T* x) -> Acc {
      switch (op) {
        case ReduceOp::Sum:
          return sum_contig<Acc>(x, len);
        case ReduceOp::Prod: {
          Acc a = 1;
          for (int64_t i = 0; i < len; ++i) a = fn::wrap_mul(a, static_cast<Acc>(x[i]));
          return a;
        }
        case ReduceOp::Max: {
          Acc a = static_cast<Acc>(x[0]);
          if (is_nan(a)) return a;
          for (int64_t i = 1; i < len; ++i) {
            Acc v = static_cast<Acc>(x[i]);
            if (is_nan(v)) return v;
            if (v > a) a = v;
          }
          return a;
        }
        case ReduceOp::Min: {
          Acc a = static_cast<Acc>(x[0]);
          if (is_nan(a)) return a;
          for (int64_t i = 1; i < len; ++i) {
            Acc v = static_cast<Acc>(x[i]);
            if (is_nan(v)) return v;
            if (v < a) a = v;
          }
          return a;
        }
        case ReduceOp::All: {
          for (int64_t i = 0; i < len; ++i)
            if (x[i] == T(0)) return Acc(0);
          return Acc(1);
        }
        case ReduceOp::Any: {
          for (int64_t i = 0; i < len; ++i)
            if (x[i] != T(0)) return Acc(1);
          return Acc(0);
        }
        case ReduceOp::ArgMax: {
          int64_t best = 0;
          for (int64_t i = 1; i < len; ++i) {
            if (is_nan(x[best])) break;
            if (x[i] > x[best] || is_nan(x[i])) best = i;
          }
          return static_cast<Acc>(best);
        }
        case ReduceOp::ArgMin: {
          int64_t best = 0;
          for (int64_t i = 1; i < len; ++i) {
            if (is_nan(x[best])) break;
            if (x[i] < x[best] || is_nan(x[i])) best = i;
          }
          return static_cast<Acc>(best);
        }
      }
      return Acc(0);
    };
    if (outer == 1) {
      out[0] = row(in);
      return;
    }
    parallel_for(0, outer, grain_rows, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) out[o] = row(in + o * len);
    });
    return;
  }
  // inner > 1: walk the reduced dim row by row, updating a vector of inner results.
  auto column_block = [&](int64_t o, int64_t j0, int64_t j1) {
    const T* base = in + o * len * inner;
    Acc* dst = out + o * inner;
    const bool arg = op == ReduceOp::ArgMax || op == ReduceOp::ArgMin;
    std::unique_ptr<T[]> best;
    if (arg) {
      best.reset(new T[j1 - j0]);
      std::copy(base + j0, base + j1, best.get());
    }
    for (int64_t j = j0; j < j1; ++j) {
      switch (op) {
        case ReduceOp::Sum:
        case ReduceOp::Any:
          dst[j] = 0;
          break;
        case ReduceOp::Prod:
        case ReduceOp::All:
          dst[j] = 1;
          break;
        case ReduceOp::Max:
        case ReduceOp::Min:
          dst[j] = static_cast<Acc>(base[j]);
          break;
        default:
          dst[j] = 0;
      }
    }
    if (op == ReduceOp::Sum) {
      sum_rows<Acc, T>(dst + j0, base + j0, len, inner, j1 - j0);
      return;
    }
    for (int64_t r = 0; r < len; ++r) {
      const T* x = base + r * inner;
      switch (op) {
        case ReduceOp::Sum:
          for (int64_t j = j0; j < j1; ++j) dst[j] = fn::wrap_add(dst[j], static_cast<Acc>(x[j]));
          break;
        case ReduceOp::Prod:
          for (int64_t j = j0; j < j1; ++j) dst[j] = fn::wrap_mul(dst[j], static_cast<Acc>(x[j]));
          break;
        case ReduceOp::Max:
          for (int64_t j = j0; j < j1; ++j) {
            Acc v = static_cast<Acc>(x[j]);
            if (!is_nan(dst[j]) && (v > dst[j] || is_nan(v))) dst[j] = v;
          }
          break;
        case ReduceOp::Min:
          for (int64_t j = j0; j < j1; ++j) {
            Acc v = static_cast<Acc>(x[j]);
            if (!is_nan(dst[j]) && (v < dst[j] || is_nan(v))) dst[j] = v;
          }
          break;
        case ReduceOp::All:
          for (int64_t j = j0; j < j1; ++j) dst[j] = dst[j] && (x[j] != T(0));
          break;
        case ReduceOp::Any:
          for (int64_t j = j0; j < j1; ++j) dst[j] = dst[j] || (x[j] != T(0));
          break;
        case ReduceOp::ArgMax:
          for (int64_t j = j0; j < j1; ++j) {
            T& bv = best[j - j0];
            if (!is_nan(bv) && (x[j] > bv || is_nan(x[j]))) {
              bv = x[j];
              dst[j] = static_cast<Acc>(r);
            }
          }
          break;
        case ReduceOp::ArgMin:
          for (int64_t j = j0; j < j1; ++j) {
            T& bv = best[j - j0];
            if (!is_nan(bv) && (x[j] < bv || is_nan(x[j]))) {
              bv = x[j];
              dst[j] = static_cast<Acc>(r);
            }
          }
          break;
      }
    }
  };
  (void)total_work;
  if (outer >= 2 * get_num_threads() || inner < 4096) {
    parallel_for(0, outer, grain_rows, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) column_block(o, 0, inner);
    });
  } else {
    for (int64_t o = 0; o < outer; ++o)
      parallel_for(0, inner, 1024, [&](int64_t b, int64_t e) { column_block(o, b, e); });
  }
}

}  // namespace

void reduce(ReduceOp op, const void* in, DType in_dt, void* out, DType out_dt, int64_t outer, int64_t len,
            int64_t inner) {
  dispatch_dtype(in_dt, [&](auto in_tag) {
    using T = typename decltype(in_tag)::type;
    dispatch_dtype(out_dt, [&](auto out_tag) {
      using Acc = typename decltype(out_tag)::type;
      if constexpr (std::is_same_v<Acc, bool>) {
        // All/Any write bool: compute in uint8-compatible bool directly.
        reduce_typed<bool, T>(op, static_cast<const T*>(in), static_cast<bool*>(out), outer, len, inner);
      } else {
        reduce_typed<Acc, T>(op, static_cast<const T*>(in), static_cast<Acc*>(out), outer, len, inner);
      }
    });
  });
}

}  // namespace tc::cpu::TC_CAP
