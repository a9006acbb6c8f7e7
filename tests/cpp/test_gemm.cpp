// GoogleTest tests of the CPU GEMM kernel (tc::kernels::gemm): results
// against a naive high-precision reference for many shapes (including the
// matrix-vector paths), float and double, row-major / transposed /
// element-strided A and B, accumulate on and off, a padded C row stride, and
// bit-identical results for any thread count.
//
// The kernel runs the instruction set the dispatcher picks for this CPU; set
// TENSORCORE_CPU_CAPABILITY=generic (or avx2) to test the other builds.
//
// Suite names carry a `Gemm` prefix and helpers live in an anonymous namespace
// so that this file links cleanly beside the other test files of the binary.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "backend/kernels.h"
#include "core/parallel.h"

namespace {

using tc::DType;

// Layout of an r x c operand inside its buffer.
enum class Layout { RowMajor, Transposed, Strided };

const char* layout_name(Layout l) {
  switch (l) {
    case Layout::RowMajor:
      return "row";
    case Layout::Transposed:
      return "trans";
    default:
      return "strided";
  }
}

template <typename T> struct Operand {
  std::vector<T> buf;
  int64_t sr = 0, sc = 0;  // element strides of (row, col)
  T at(int64_t i, int64_t j) const { return buf[i * sr + j * sc]; }
};

template <typename T> Operand<T> make_operand(int64_t r, int64_t c, Layout l, std::mt19937_64& rng) {
  Operand<T> o;
  size_t size = 0;
  switch (l) {
    case Layout::RowMajor:  // padded leading dimension
      o.sr = c + 3;
      o.sc = 1;
      size = r * o.sr + 1;
      break;
    case Layout::Transposed:  // column-major storage, as from .t()
      o.sr = 1;
      o.sc = r + 5;
      size = c * o.sc + 1;
      break;
    case Layout::Strided:  // every second element of each row
      o.sc = 2;
      o.sr = 2 * c + 7;
      size = r * o.sr + 2 * c + 1;
      break;
  }
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  o.buf.resize(size);
  for (auto& x : o.buf) x = static_cast<T>(u(rng));
  return o;
}

template <typename T> constexpr DType dtype_v = std::is_same_v<T, float> ? DType::Float32 : DType::Float64;

struct Case {
  int64_t m, n, k;
  Layout la, lb;
  bool accumulate;
};

std::string describe(const Case& c, const char* dt) {
  return std::string(dt) + " m=" + std::to_string(c.m) + " n=" + std::to_string(c.n) + " k=" + std::to_string(c.k) +
         " A=" + layout_name(c.la) + " B=" + layout_name(c.lb) + " acc=" + (c.accumulate ? "1" : "0");
}

// Runs one case and checks the elements against a long double reference:
// |C - ref| <= tol * (sum |a_ip b_pj| + |c0|). Also checks that the padding
// after each row of C and the element after the last row are untouched.
// Returns the largest relative error seen.
template <typename T> double check_case(const Case& cs, std::mt19937_64& rng) {
  const int64_t m = cs.m, n = cs.n, k = cs.k;
  Operand<T> a = make_operand<T>(m, k, cs.la, rng);
  Operand<T> b = make_operand<T>(k, n, cs.lb, rng);
  const int64_t ldc = n + 2;
  std::vector<T> c(m * ldc + 1);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (auto& x : c) x = static_cast<T>(u(rng));
  const std::vector<T> c0 = c;
  if (!cs.accumulate)  // the kernel must not read C
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = std::numeric_limits<T>::quiet_NaN();
  const std::vector<T> before = c;

  tc::kernels::gemm(dtype_v<T>, m, n, k, a.buf.data(), a.sr, a.sc, b.buf.data(), b.sr, b.sc, c.data(), ldc,
                    cs.accumulate);

  const double tol = std::is_same_v<T, float> ? 1e-5 : 1e-13;
  const std::string what = describe(cs, std::is_same_v<T, float> ? "float" : "double");
  double max_rel = 0;
  int reported = 0;
  // Large products: check the edge rows/columns (partial tiles) and a regular
  // sample of the interior, to keep the reference cheap.
  const bool sample = static_cast<double>(m) * n * k > 3e7;
  auto checked = [&](int64_t i, int64_t len) { return !sample || i < 40 || i >= len - 40 || i % 23 == 0; };
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      if (!checked(i, m) || !checked(j, n)) continue;
      long double ref = cs.accumulate ? c0[i * ldc + j] : 0;
      long double mag = cs.accumulate ? std::fabs(static_cast<long double>(c0[i * ldc + j])) : 0;
      for (int64_t p = 0; p < k; ++p) {
        const long double t = static_cast<long double>(a.at(i, p)) * b.at(p, j);
        ref += t;
        mag += std::fabs(t);
      }
      const double got = c[i * ldc + j];
      const double err = std::fabs(static_cast<double>(got - ref));
      const double rel = err / static_cast<double>(mag + 1e-30L);
      if (!(err <= tol * static_cast<double>(mag) + 1e-30)) {  // also catches NaN
        if (reported++ < 5)
          ADD_FAILURE() << what << ": C[" << i << "," << j << "] = " << got << ", expected "
                        << static_cast<double>(ref);
        max_rel = INFINITY;
      } else {
        max_rel = std::max(max_rel, rel);
      }
    }
    for (int64_t j = n; j < ldc; ++j)
      if (std::memcmp(&c[i * ldc + j], &before[i * ldc + j], sizeof(T)) != 0) {
        ADD_FAILURE() << what << ": wrote row padding at row " << i;
        break;
      }
  }
  EXPECT_EQ(std::memcmp(&c[m * ldc], &before[m * ldc], sizeof(T)), 0) << what << ": wrote past C";
  return max_rel;
}

const int64_t kSmall[] = {1, 2, 3, 7, 16, 17, 63, 64, 65};
const int64_t kAll[] = {1, 2, 3, 7, 16, 17, 63, 64, 65, 127, 255, 256, 300, 1000};
const Layout kLayouts[] = {Layout::RowMajor, Layout::Transposed, Layout::Strided};

// Every (m, n, k) from the small sizes, cycling through the 9 layout pairs and
// both accumulate modes.
template <typename T> void run_small_cube() {
  std::mt19937_64 rng(1234);
  double worst = 0;
  int idx = 0;
  for (int64_t m : kSmall)
    for (int64_t n : kSmall)
      for (int64_t k : kSmall) {
        const Case cs{m, n, k, kLayouts[idx % 3], kLayouts[(idx / 3) % 3], (idx % 2) == 0};
        ++idx;
        worst = std::max(worst, check_case<T>(cs, rng));
      }
  ::testing::Test::RecordProperty("max_rel_error", std::to_string(worst));
}

TEST(GemmTest, SmallShapesFloat) { run_small_cube<float>(); }
TEST(GemmTest, SmallShapesDouble) { run_small_cube<double>(); }

// Every layout pair and accumulate mode on shapes that cross the tile, K-block,
// row-block (m > 1152 per thread) and thread-split boundaries.
template <typename T> void run_layouts() {
  std::mt19937_64 rng(99);
  const int64_t shapes[][3] = {{17, 65, 63}, {64, 64, 64},   {127, 33, 255},
                               {65, 300, 7}, {300, 17, 400}, {2500, 40, 70}};
  for (const auto& s : shapes)
    for (Layout la : kLayouts)
      for (Layout lb : kLayouts)
        for (bool acc : {false, true}) check_case<T>(Case{s[0], s[1], s[2], la, lb, acc}, rng);
}

TEST(GemmTest, LayoutsFloat) { run_layouts<float>(); }
TEST(GemmTest, LayoutsDouble) { run_layouts<double>(); }

// Each size of the full list along one dimension with the others small, and
// all three dimensions equal.
template <typename T> void run_large_dims() {
  std::mt19937_64 rng(7);
  int idx = 0;
  for (int64_t s : kAll) {
    const Layout la = kLayouts[idx % 3], lb = kLayouts[(idx + 1) % 3];
    const bool acc = idx % 2;
    ++idx;
    check_case<T>(Case{s, 17, 65, la, lb, acc}, rng);
    check_case<T>(Case{7, s, 63, lb, la, !acc}, rng);
    check_case<T>(Case{3, 16, s, la, la, acc}, rng);
    check_case<T>(Case{s, s, std::min<int64_t>(s, 300), la, lb, !acc}, rng);
  }
  check_case<T>(Case{1000, 1000, 1000, Layout::RowMajor, Layout::RowMajor, false}, rng);
  check_case<T>(Case{1000, 255, 1000, Layout::Transposed, Layout::Transposed, true}, rng);
}

TEST(GemmTest, LargeDimsFloat) { run_large_dims<float>(); }
TEST(GemmTest, LargeDimsDouble) { run_large_dims<double>(); }

// Matrix-vector shapes (m == 1 or n == 1) take dedicated dot / axpy paths;
// large enough to be split across threads.
template <typename T> void run_matrix_vector() {
  std::mt19937_64 rng(11);
  const int64_t shapes[][3] = {{1, 1500, 800}, {1500, 1, 800}, {1, 1, 5000}, {1, 77, 9}, {77, 1, 9}, {1, 2049, 2}};
  for (const auto& s : shapes)
    for (Layout la : kLayouts)
      for (Layout lb : kLayouts)
        for (bool acc : {false, true}) check_case<T>(Case{s[0], s[1], s[2], la, lb, acc}, rng);
}

TEST(GemmTest, MatrixVectorFloat) { run_matrix_vector<float>(); }
TEST(GemmTest, MatrixVectorDouble) { run_matrix_vector<double>(); }

TEST(GemmTest, EmptyK) {
  // k == 0: C = 0 without accumulate, unchanged with it.
  std::vector<float> c(5 * 7, 3.0f);
  float dummy = 0;
  tc::kernels::gemm(DType::Float32, 5, 7, 0, &dummy, 1, 1, &dummy, 1, 1, c.data(), 7, true);
  for (float x : c) EXPECT_EQ(x, 3.0f);
  tc::kernels::gemm(DType::Float32, 5, 7, 0, &dummy, 1, 1, &dummy, 1, 1, c.data(), 7, false);
  for (float x : c) EXPECT_EQ(x, 0.0f);
  // m == 0 or n == 0: nothing is touched.
  tc::kernels::gemm(DType::Float32, 0, 7, 3, &dummy, 1, 1, &dummy, 1, 1, nullptr, 7, false);
  tc::kernels::gemm(DType::Float32, 5, 0, 3, &dummy, 1, 1, &dummy, 1, 1, nullptr, 0, false);
}

// Results must not depend on the thread count (Note [Deterministic parallelism]),
// for the blocked kernel and the matrix-vector paths alike.
template <typename T> void run_thread_determinism() {
  std::mt19937_64 rng(5);
  const int saved = tc::get_num_threads();
  const int64_t shapes[][3] = {{256, 256, 256},  {1000, 300, 500}, {13, 1000, 700},
                               {517, 129, 1000}, {1, 5003, 700},   {5003, 1, 700}};
  for (const auto& s : shapes)
    for (Layout la : {Layout::RowMajor, Layout::Transposed})
      for (Layout lb : {Layout::RowMajor, Layout::Transposed}) {
        const int64_t m = s[0], n = s[1], k = s[2];
        Operand<T> a = make_operand<T>(m, k, la, rng);
        Operand<T> b = make_operand<T>(k, n, lb, rng);
        std::vector<T> c1(m * n, T(1)), c2(m * n, T(1)), c4(m * n, T(1));
        tc::set_num_threads(1);
        tc::kernels::gemm(dtype_v<T>, m, n, k, a.buf.data(), a.sr, a.sc, b.buf.data(), b.sr, b.sc, c1.data(), n, true);
        tc::set_num_threads(2);
        tc::kernels::gemm(dtype_v<T>, m, n, k, a.buf.data(), a.sr, a.sc, b.buf.data(), b.sr, b.sc, c2.data(), n, true);
        tc::set_num_threads(4);
        tc::kernels::gemm(dtype_v<T>, m, n, k, a.buf.data(), a.sr, a.sc, b.buf.data(), b.sr, b.sc, c4.data(), n, true);
        const std::string what = std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) +
                                 " A=" + layout_name(la) + " B=" + layout_name(lb);
        EXPECT_EQ(std::memcmp(c1.data(), c2.data(), c1.size() * sizeof(T)), 0) << what;
        EXPECT_EQ(std::memcmp(c1.data(), c4.data(), c1.size() * sizeof(T)), 0) << what;
      }
  tc::set_num_threads(saved);
}

TEST(GemmTest, ThreadCountDeterminismFloat) { run_thread_determinism<float>(); }
TEST(GemmTest, ThreadCountDeterminismDouble) { run_thread_determinism<double>(); }

}  // namespace
