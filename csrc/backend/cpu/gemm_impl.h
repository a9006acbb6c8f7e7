#pragma once
// GEMM, compiled once per instruction set (TC_CAP).
#include <algorithm>
#include <vector>

#include "backend/kernels.h"
#include "core/parallel.h"

namespace tc::cpu::TC_CAP {

namespace {
template <typename T>
void gemm_typed(int64_t m, int64_t n, int64_t k, const T* a, int64_t a_r, int64_t a_c, const T* b, int64_t b_r,
                int64_t b_c, T* c, int64_t c_r, bool accumulate) {
  // Pack B row-major contiguous so the inner loop streams it.
  std::vector<T> bp;
  const T* B = b;
  int64_t ldb = b_r;
  if (b_c != 1) {
    bp.resize(static_cast<size_t>(k * n));
    for (int64_t p = 0; p < k; ++p)
      for (int64_t j = 0; j < n; ++j) bp[p * n + j] = b[p * b_r + j * b_c];
    B = bp.data();
    ldb = n;
  }
  parallel_for(0, m, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, n * k / 64 + 1)), [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      T* crow = c + i * c_r;
      if (!accumulate) std::fill(crow, crow + n, T(0));
      for (int64_t p = 0; p < k; ++p) {
        const T av = a[i * a_r + p * a_c];
        const T* brow = B + p * ldb;
        for (int64_t j = 0; j < n; ++j) crow[j] += av * brow[j];
      }
    }
  });
}
}  // namespace

void gemm(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t a_r, int64_t a_c, const void* b,
          int64_t b_r, int64_t b_c, void* c, int64_t c_r, bool accumulate) {
  if (dt == DType::Float32)
    gemm_typed<float>(m, n, k, static_cast<const float*>(a), a_r, a_c, static_cast<const float*>(b), b_r, b_c,
                      static_cast<float*>(c), c_r, accumulate);
  else
    gemm_typed<double>(m, n, k, static_cast<const double*>(a), a_r, a_c, static_cast<const double*>(b), b_r, b_c,
                       static_cast<double*>(c), c_r, accumulate);
}

}  // namespace tc::cpu::TC_CAP
