#pragma once
// Scan and row-sort loop bodies (backend/kernels_scan.h), compiled once per
// instruction set (TC_CAP).
#include <algorithm>
#include <numeric>
#include <type_traits>
#include <vector>

#include "backend/functors.h"
#include "backend/kernels_scan.h"
#include "core/error.h"
#include "core/parallel.h"

namespace tc::cpu::TC_CAP {

namespace {

constexpr int64_t kGrain = 16384;
constexpr int64_t kTile = 512;  // inner positions per work item of a strided scan

int64_t rows_grain(int64_t len) { return std::max<int64_t>(1, kGrain / std::max<int64_t>(len, 1)); }

// Note [Cumsum accumulator]
// float32 sums and products run in double and each output is rounded once,
// as PyTorch's CPU cumsum/cumprod do (their accumulate type): results match
// them exactly. A running sum starts from 0, so -0.0 becomes +0.0, as in
// PyTorch; a running product starts from 1. Integers wrap, as PyTorch's.
// float16/bfloat16 arrive as float32 with `narrow` set: their accumulate type
// is float (PyTorch's acc_type), so they accumulate in float.
template <typename T, bool kNarrow> using CumAcc = std::conditional_t<std::is_same_v<T, float> && !kNarrow, double, T>;

// The scan step: acc + v, or acc * v.
template <bool kProduct, typename A> inline A scan_step(A acc, A v) {
  if constexpr (kProduct)
    return fn::wrap_mul(acc, v);
  else
    return fn::wrap_add(acc, v);
}
template <bool kProduct, typename A> constexpr A scan_start() { return kProduct ? A(1) : A(0); }

template <bool kProduct, bool kNarrow, typename T> void scan_row(const T* __restrict x, T* __restrict y, int64_t n) {
  CumAcc<T, kNarrow> s = scan_start<kProduct, CumAcc<T, kNarrow>>();
  for (int64_t i = 0; i < n; ++i) {
    s = scan_step<kProduct>(s, static_cast<CumAcc<T, kNarrow>>(x[i]));
    y[i] = static_cast<T>(s);
  }
}

// Contiguous rows are scanned kRows at a time in lockstep: each row is still
// scanned in order (the same result as one row at a time), but the
// independent chains hide the latency of the dependent operations.
constexpr int kRows = 8;

template <bool kProduct, bool kNarrow, typename T> void scan_rows(const T* x, T* y, int64_t rows, int64_t n) {
  int64_t r = 0;
  for (; r + kRows <= rows; r += kRows) {
    CumAcc<T, kNarrow> s[kRows];
    for (int k = 0; k < kRows; ++k) s[k] = scan_start<kProduct, CumAcc<T, kNarrow>>();
    const T* __restrict xr = x + r * n;
    T* __restrict yr = y + r * n;
    for (int64_t i = 0; i < n; ++i)
      for (int k = 0; k < kRows; ++k) {
        s[k] = scan_step<kProduct>(s[k], static_cast<CumAcc<T, kNarrow>>(xr[k * n + i]));
        yr[k * n + i] = static_cast<T>(s[k]);
      }
  }
  for (; r < rows; ++r) scan_row<kProduct, kNarrow, T>(x + r * n, y + r * n, n);
}

// w (<= kTile) adjacent lines of a strided scan at once: each step combines a
// whole contiguous slice, which vectorizes; every line is still scanned in order.
template <bool kProduct, bool kNarrow, typename T>
void scan_tile(const T* __restrict x, T* __restrict y, int64_t len, int64_t inner, int64_t w) {
  CumAcc<T, kNarrow> acc[kTile];
  for (int64_t j = 0; j < w; ++j) acc[j] = scan_start<kProduct, CumAcc<T, kNarrow>>();
  for (int64_t l = 0; l < len; ++l) {
    const T* __restrict xl = x + l * inner;
    T* __restrict yl = y + l * inner;
    for (int64_t j = 0; j < w; ++j) {
      acc[j] = scan_step<kProduct>(acc[j], static_cast<CumAcc<T, kNarrow>>(xl[j]));
      yl[j] = static_cast<T>(acc[j]);
    }
  }
}

template <bool kProduct, bool kNarrow>
void scan(DType dt, const void* x, void* y, int64_t outer, int64_t len, int64_t inner) {
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, bool>) {
      TC_INTERNAL_ASSERT(false);  // ops promote bool to int64 first
    } else {
      const T* xp = static_cast<const T*>(x);
      T* yp = static_cast<T*>(y);
      if (inner == 1) {
        parallel_for(0, outer, rows_grain(len), [&](int64_t b, int64_t e) {
          scan_rows<kProduct, kNarrow, T>(xp + b * len, yp + b * len, e - b, len);
        });
        return;
      }
      const int64_t tiles = (inner + kTile - 1) / kTile;
      parallel_for(0, outer * tiles, rows_grain(len * std::min(inner, kTile)), [&](int64_t b, int64_t e) {
        for (int64_t it = b; it < e; ++it) {
          const int64_t o = it / tiles, j0 = (it % tiles) * kTile;
          const int64_t off = o * len * inner + j0;
          scan_tile<kProduct, kNarrow, T>(xp + off, yp + off, len, inner, std::min(kTile, inner - j0));
        }
      });
    }
  });
}

}  // namespace

void cumsum(DType dt, const void* x, void* y, int64_t outer, int64_t len, int64_t inner, bool narrow) {
  narrow ? scan<false, true>(dt, x, y, outer, len, inner) : scan<false, false>(dt, x, y, outer, len, inner);
}

void cumprod(DType dt, const void* x, void* y, int64_t outer, int64_t len, int64_t inner, bool narrow) {
  narrow ? scan<true, true>(dt, x, y, outer, len, inner) : scan<true, false>(dt, x, y, outer, len, inner);
}

void sort_rows(DType dt, const void* x, int64_t rows, int64_t len, int64_t k, bool largest, void* values,
               int64_t* indices) {
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = static_cast<const T*>(x);
    T* vals = static_cast<T*>(values);
    parallel_for(0, rows, 64, [&](int64_t b, int64_t e) {
      std::vector<int64_t> order(len);
      for (int64_t r = b; r < e; ++r) {
        const T* row = src + r * len;
        std::iota(order.begin(), order.end(), 0);
        auto nan_aware = [&](int64_t i, int64_t j) {
          T u = row[i], v = row[j];
          bool un = u != u, vn = v != v;  // NaN sorts as the largest value
          if (un || vn) return largest ? (un && !vn) : (!un && vn);
          return largest ? u > v : u < v;
        };
        std::stable_sort(order.begin(), order.end(), nan_aware);
        for (int64_t j = 0; j < k; ++j) {
          vals[r * k + j] = row[order[j]];
          indices[r * k + j] = order[j];
        }
      }
    });
  });
}

}  // namespace tc::cpu::TC_CAP
