#pragma once
// GEMM, compiled once per instruction set (TC_CAP).
//
// Note [GEMM design]
// GotoBLAS/BLIS-style blocked GEMM for row-major C (col stride 1) and
// arbitrary element strides of A and B:
//
//   for pc in K, step KC:                       (K block)
//     for ic in my rows, step MB:               pack A[ic:ic+MB, pc:pc+KC] into MR-row panels
//       for jc in my cols, step NB:             pack B[pc:pc+KC, jc:jc+NB] into NR-col panels (L2)
//         for ir, step MR:                      A micro-panel (KC x MR) stays in L1
//           for jr, step NR:                    B micro-panels stream from L2
//             micro-kernel: C[MR x NR] (+)= Apanel * Bpanel  (accumulators in registers)
//
// The micro-kernel keeps an MR x NR tile of C in vector registers: the NR
// columns are NV vectors, the MR rows are broadcasts of packed A. Packing is
// the only place that reads A and B, so transposed / strided inputs cost no
// extra copy. Partial tiles at the m/n edges run the same kernel on
// zero-padded panels into a scratch tile, then copy the valid part.
//
// Threading: C is split into disjoint row (or column) ranges, one per thread;
// each thread packs what it needs into thread-local buffers (reused between
// calls). Every C element is computed by the same kernel with the same K
// blocking and summation order whatever the split or thread count, so results
// are bit-identical for any number of threads (Note [Deterministic parallelism]).
// Below ~1 MFLOP everything runs on the calling thread.
//
// Special shapes (chosen from the shape and strides only, never the thread
// count): m*n*k <= 512 uses plain dot products (no packing); m == 1 or n == 1
// (matrix-vector, memory bound) streams the matrix once with vectorized dot
// products or axpy updates instead of packing it.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "backend/cpu/pack_buffer.h"
#include "backend/kernels.h"
#include "core/parallel.h"

namespace tc::cpu::TC_CAP {

namespace {
namespace gemm_detail {

#ifndef TC_GEMM_INLINE
#define TC_GEMM_INLINE inline __attribute__((always_inline))
#define TC_GEMM_RESTRICT __restrict__
#endif

// ---------------------------------------------------------------------------
// SIMD abstraction: V is one vector register of W lanes.
// ---------------------------------------------------------------------------
// One register of the widest vectors this translation unit is compiled for
// (GCC/Clang vector extensions: zmm with AVX-512, ymm with AVX2, xmm/NEON
// otherwise). `a * b + c` becomes one FMA wherever the target has FMA
// (-ffp-contract=fast is GCC's default), so one definition serves every ISA.
#if defined(__AVX512F__)
constexpr int kVectorBytes = 64;
#elif defined(__AVX2__) && defined(__FMA__)
constexpr int kVectorBytes = 32;
#else
constexpr int kVectorBytes = 16;
#endif

template <typename T> struct Simd {
  typedef T V __attribute__((vector_size(kVectorBytes)));
  static constexpr int W = kVectorBytes / sizeof(T);
  static TC_GEMM_INLINE V zero() { return V{}; }
  static TC_GEMM_INLINE V load(const T* p) {
    return *reinterpret_cast<const V*>(__builtin_assume_aligned(p, kVectorBytes));
  }
  static TC_GEMM_INLINE V loadu(const T* p) {
    V v;
    std::memcpy(&v, p, sizeof(V));
    return v;
  }
  static TC_GEMM_INLINE void storeu(T* p, V v) { std::memcpy(p, &v, sizeof(V)); }
  // Note [Broadcast without an add]
  // `V{} + x` is not a broadcast: +0.0 + x must turn x == -0.0 into +0.0, so
  // GCC keeps a scalar vaddss and a register vbroadcastss per use (two extra
  // FP-pipe uops and 3 cycles of latency on every A element of the
  // micro-kernel: half of FMA peak, measured on Zen 3). A lane-filling
  // constructor is no better: the SLP vectorizer merges the MR neighbouring
  // A loads into one vector load and rebuilds each broadcast with shuffles.
  // The broadcast-from-memory builtins are opaque to both, so each A element
  // becomes one `vbroadcastss (mem)`, a pure load-port uop.
  static TC_GEMM_INLINE V broadcast(const T* p) {
#if defined(__AVX512F__)
    if constexpr (sizeof(T) == 4)
      return (V)_mm512_broadcastss_ps(_mm_load_ss(reinterpret_cast<const float*>(p)));
    else
      return (V)_mm512_broadcastsd_pd(_mm_load_sd(reinterpret_cast<const double*>(p)));
#elif defined(__AVX2__) && defined(__FMA__)
    if constexpr (sizeof(T) == 4)
      return (V)_mm256_broadcast_ss(reinterpret_cast<const float*>(p));
    else
      return (V)_mm256_broadcast_sd(reinterpret_cast<const double*>(p));
#else
    V v;
    for (int i = 0; i < W; ++i) v[i] = *p;
    return v;
#endif
  }
  static TC_GEMM_INLINE V set1(T x) { return broadcast(&x); }
  static TC_GEMM_INLINE V fma(V a, V b, V c) { return a * b + c; }
  static TC_GEMM_INLINE V add(V a, V b) { return a + b; }
};

// ---------------------------------------------------------------------------
// Blocking parameters per instruction set and dtype.
//   MR x (NV*W): register tile. KC: K block (A micro-panel KC*MR in L1).
//   NB: columns of the packed B block (KC*NB in L2). MB: rows of packed A.
// AVX-512 (tuned on Zen4: 32 KiB L1d, 1 MiB L2 per core): 8 x 32 float tile
// (16 zmm accumulators), A micro-panel 12 KiB (float) / 16 KiB (double) of L1,
// B block 576 / 768 KiB of L2. AVX2: the classic 6 x 16 / 6 x 8 tiles (12 ymm
// accumulators), B block ~200 KiB so it also fits 256 KiB L2 parts. The A
// block (MB rows) only needs to fit L3: its micro-panels are reused from L1.
// ---------------------------------------------------------------------------
template <typename T> struct Cfg;
#if defined(__AVX512F__)
template <> struct Cfg<float> {
  static constexpr int MR = 8, NV = 2, KC = 384, NB = 384, MB = 1152;
};
template <> struct Cfg<double> {
  static constexpr int MR = 8, NV = 2, KC = 256, NB = 384, MB = 1152;
};
#elif defined(__AVX2__) && defined(__FMA__)
template <> struct Cfg<float> {
  static constexpr int MR = 6, NV = 2, KC = 256, NB = 192, MB = 1152;
};
template <> struct Cfg<double> {
  static constexpr int MR = 6, NV = 2, KC = 256, NB = 96, MB = 1152;
};
#else
template <> struct Cfg<float> {
  static constexpr int MR = 4, NV = 2, KC = 256, NB = 256, MB = 1152;
};
template <> struct Cfg<double> {
  static constexpr int MR = 4, NV = 2, KC = 256, NB = 128, MB = 1152;
};
#endif

// ---------------------------------------------------------------------------
// Micro-kernel: C[MR x NR] = (or +=) sum_p A[p][0..MR) (x) B[p][0..NR).
// a: packed A micro-panel (kc x MR, k-major); b: packed B micro-panel
// (kc x NR, k-major, 64-byte aligned rows).
// ---------------------------------------------------------------------------
template <typename T> TC_GEMM_INLINE void micro_kernel(int64_t kc, const T* TC_GEMM_RESTRICT a,
                                                       const T* TC_GEMM_RESTRICT b, T* TC_GEMM_RESTRICT c, int64_t ldc,
                                                       bool add) {
  using S = Simd<T>;
  using V = typename S::V;
  constexpr int W = S::W;
  constexpr int MR = Cfg<T>::MR;
  constexpr int NV = Cfg<T>::NV;
  constexpr int NR = NV * W;

  // The C tile is read/written after the K loop: start fetching it now.
#pragma GCC unroll 32
  for (int r = 0; r < MR; ++r) {
    __builtin_prefetch(c + r * ldc, 1, 3);
    __builtin_prefetch(c + r * ldc + NR - 1, 1, 3);
  }
  V acc[MR][NV];
#pragma GCC unroll 32
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) acc[r][v] = S::zero();

#pragma GCC unroll 4
  for (int64_t p = 0; p < kc; ++p) {
    V bv[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) bv[v] = S::load(b + v * W);
#pragma GCC unroll 32
    for (int r = 0; r < MR; ++r) {
      const V av = S::broadcast(a + r);
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) acc[r][v] = S::fma(av, bv[v], acc[r][v]);
    }
    a += MR;
    b += NR;
  }

  if (add) {
#pragma GCC unroll 32
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) S::storeu(c + r * ldc + v * W, S::add(S::loadu(c + r * ldc + v * W), acc[r][v]));
  } else {
#pragma GCC unroll 32
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) S::storeu(c + r * ldc + v * W, acc[r][v]);
  }
}

// Kernel for a full or partial tile (mr <= MR rows, nr <= NR cols valid).
template <typename T>
__attribute__((noinline)) void tile(int64_t kc, const T* a, const T* b, T* c, int64_t ldc, bool add, int mr, int nr) {
  constexpr int MR = Cfg<T>::MR;
  constexpr int NR = Cfg<T>::NV * Simd<T>::W;
  if (mr == MR && nr == NR) {
    micro_kernel<T>(kc, a, b, c, ldc, add);
    return;
  }
  alignas(64) T tmp[MR * NR];
  micro_kernel<T>(kc, a, b, tmp, NR, false);
  for (int r = 0; r < mr; ++r) {
    T* crow = c + r * ldc;
    const T* trow = tmp + r * NR;
    if (add)
      for (int j = 0; j < nr; ++j) crow[j] += trow[j];
    else
      for (int j = 0; j < nr; ++j) crow[j] = trow[j];
  }
}

// ---------------------------------------------------------------------------
// Packing.
// ---------------------------------------------------------------------------

// 4x4 transpose of rows s0..s3 (4 contiguous values each) into d, d+ld, ...
template <typename T>
TC_GEMM_INLINE void transpose4x4(const T* s0, const T* s1, const T* s2, const T* s3, T* d, int64_t ld) {
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
  typedef T V4 __attribute__((vector_size(4 * sizeof(T))));
  V4 r0, r1, r2, r3;
  std::memcpy(&r0, s0, sizeof(V4));
  std::memcpy(&r1, s1, sizeof(V4));
  std::memcpy(&r2, s2, sizeof(V4));
  std::memcpy(&r3, s3, sizeof(V4));
  const V4 t0 = __builtin_shufflevector(r0, r1, 0, 4, 1, 5);
  const V4 t1 = __builtin_shufflevector(r0, r1, 2, 6, 3, 7);
  const V4 t2 = __builtin_shufflevector(r2, r3, 0, 4, 1, 5);
  const V4 t3 = __builtin_shufflevector(r2, r3, 2, 6, 3, 7);
  const V4 o0 = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
  const V4 o1 = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
  const V4 o2 = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
  const V4 o3 = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
  std::memcpy(d, &o0, sizeof(V4));
  std::memcpy(d + ld, &o1, sizeof(V4));
  std::memcpy(d + 2 * ld, &o2, sizeof(V4));
  std::memcpy(d + 3 * ld, &o3, sizeof(V4));
#else
  const T* s[4] = {s0, s1, s2, s3};
  for (int q = 0; q < 4; ++q)
    for (int r = 0; r < 4; ++r) d[q * ld + r] = s[r][q];
#endif
}

// dst[p*R + r] = src[r*ld + p] for r < R, p < kc: transposes R rows that are
// contiguous along p, in 4x4 blocks. Each row is read one cache line at a
// time, so the R source streams do not evict each other from L1 even when ld
// is a multiple of the page size (which maps all R rows to the same set).
template <int R, typename T> TC_GEMM_INLINE void pack_transposed(int64_t kc, const T* src, int64_t ld, T* dst) {
  constexpr int L = 64 / sizeof(T);
  int64_t p = 0;
  for (; p + L <= kc; p += L) {
    int r = 0;
    for (; r + 4 <= R; r += 4) {
      const T* s = src + r * ld + p;
#pragma GCC unroll 4
      for (int q = 0; q < L; q += 4)
        transpose4x4(s + q, s + ld + q, s + 2 * ld + q, s + 3 * ld + q, dst + (p + q) * R + r, R);
    }
    for (; r < R; ++r) {
      const T* s = src + r * ld + p;
      for (int q = 0; q < L; ++q) dst[(p + q) * R + r] = s[q];
    }
  }
  for (; p < kc; ++p)
    for (int r = 0; r < R; ++r) dst[p * R + r] = src[r * ld + p];
}

// A rows [i, i+mc) x cols [pc, pc+kc) -> ceil(mc/MR) panels of kc x MR (zero padded).
template <typename T> void pack_a(int64_t mc, int64_t kc, const T* a, int64_t a_r, int64_t a_c, T* dst) {
  constexpr int MR = Cfg<T>::MR;
  for (int64_t i = 0; i < mc; i += MR, dst += kc * MR) {
    const int mr = static_cast<int>(std::min<int64_t>(MR, mc - i));
    const T* ai = a + i * a_r;
    if (mr == MR && a_r == 1) {
      // Column-major A (e.g. a transposed view): each k is MR contiguous values.
      for (int64_t p = 0; p < kc; ++p) std::memcpy(dst + p * MR, ai + p * a_c, MR * sizeof(T));
    } else if (mr == MR && a_c == 1) {
      // Row-major A: transpose the MR rows.
      pack_transposed<MR>(kc, ai, a_r, dst);
    } else {
      for (int64_t p = 0; p < kc; ++p) {
        T* d = dst + p * MR;
        const T* s = ai + p * a_c;
        int r = 0;
        for (; r < mr; ++r) d[r] = s[r * a_r];
        for (; r < MR; ++r) d[r] = T(0);
      }
    }
  }
}

// B rows [pc, pc+kc) x cols [j, j+nc) -> ceil(nc/NR) panels of kc x NR (zero padded).
template <typename T> void pack_b(int64_t nc, int64_t kc, const T* b, int64_t b_r, int64_t b_c, T* dst) {
  constexpr int NR = Cfg<T>::NV * Simd<T>::W;
  if (b_c == 1) {
    // Row-major B: a few rows at a time across all panels, so that reads are
    // long sequential runs and writes stay within a few lines per panel.
    constexpr int64_t P = 8;
    const int64_t full = nc / NR;
    const int nr = static_cast<int>(nc - full * NR);
    for (int64_t p0 = 0; p0 < kc; p0 += P) {
      const int64_t p1 = std::min(kc, p0 + P);
      for (int64_t jp = 0; jp < full; ++jp)
        for (int64_t p = p0; p < p1; ++p)
          std::memcpy(dst + jp * kc * NR + p * NR, b + p * b_r + jp * NR, NR * sizeof(T));
      if (nr)
        for (int64_t p = p0; p < p1; ++p) {
          T* dl = dst + full * kc * NR + p * NR;
          std::memcpy(dl, b + p * b_r + full * NR, nr * sizeof(T));
          std::memset(dl + nr, 0, (NR - nr) * sizeof(T));
        }
    }
    return;
  }
  for (int64_t j = 0; j < nc; j += NR, dst += kc * NR) {
    const int nr = static_cast<int>(std::min<int64_t>(NR, nc - j));
    const T* bj = b + j * b_c;
    if (b_r == 1 && nr == NR) {
      // Column-major B (e.g. a transposed view): transpose the NR columns.
      pack_transposed<NR>(kc, bj, b_c, dst);
    } else {
      for (int64_t p = 0; p < kc; ++p) {
        T* d = dst + p * NR;
        const T* s = bj + p * b_r;
        int q = 0;
        for (; q < nr; ++q) d[q] = s[q * b_c];
        for (; q < NR; ++q) d[q] = T(0);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Thread-local packing buffers (backend/cpu/pack_buffer.h).
// ---------------------------------------------------------------------------
struct PackBuffers {
  PackBuffer a, b;
};

inline PackBuffers& pack_buffers() {
  static thread_local PackBuffers bufs;
  return bufs;
}

inline int64_t round_up(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

// K is cut into equal blocks of at most KC (so no thin last block); depends
// only on k, so the summation order is the same for any thread split.
template <typename T> inline int64_t k_block(int64_t k) {
  constexpr int64_t KC = Cfg<T>::KC;
  const int64_t nblk = (k + KC - 1) / KC;
  return round_up((k + nblk - 1) / nblk, 4);
}

// Computes C[i0:i1, j0:j1].
template <typename T> void gemm_block(int64_t i0, int64_t i1, int64_t j0, int64_t j1, int64_t k, const T* a,
                                      int64_t a_r, int64_t a_c, const T* b, int64_t b_r, int64_t b_c, T* c, int64_t c_r,
                                      bool accumulate) {
  constexpr int64_t MR = Cfg<T>::MR;
  constexpr int64_t NR = Cfg<T>::NV * Simd<T>::W;
  constexpr int64_t MB = Cfg<T>::MB / MR * MR;  // whole tiles
  constexpr int64_t NB = Cfg<T>::NB / NR * NR;
  const int64_t kb = k_block<T>(k);
  const int64_t mrows = std::min<int64_t>(MB, round_up(i1 - i0, MR));
  const int64_t ncols = std::min<int64_t>(NB, round_up(j1 - j0, NR));

  PackBuffers& bufs = pack_buffers();
  T* ap = static_cast<T*>(bufs.a.get(static_cast<size_t>(mrows * kb) * sizeof(T)));
  T* bp = static_cast<T*>(bufs.b.get(static_cast<size_t>(ncols * kb) * sizeof(T)));

  for (int64_t pc = 0; pc < k; pc += kb) {
    const int64_t kc = std::min(kb, k - pc);
    const bool add = accumulate || pc > 0;
    for (int64_t ic = i0; ic < i1; ic += MB) {
      const int64_t mc = std::min(MB, i1 - ic);
      pack_a<T>(mc, kc, a + ic * a_r + pc * a_c, a_r, a_c, ap);
      for (int64_t jc = j0; jc < j1; jc += NB) {
        const int64_t nc = std::min(NB, j1 - jc);
        pack_b<T>(nc, kc, b + pc * b_r + jc * b_c, b_r, b_c, bp);
        for (int64_t ir = 0; ir < mc; ir += MR) {
          const int mr = static_cast<int>(std::min(MR, mc - ir));
          const T* apanel = ap + ir * kc;
          T* crow = c + (ic + ir) * c_r + jc;
          for (int64_t jr = 0; jr < nc; jr += NR) {
            const int nr = static_cast<int>(std::min(NR, nc - jr));
            tile<T>(kc, apanel, bp + jr * kc, crow + jr, c_r, add, mr, nr);
          }
        }
      }
    }
  }
}

constexpr int64_t kDirectMax = 512;

// Tiny products: packing and tile setup would dominate; plain dot products.
template <typename T> void gemm_direct(int64_t m, int64_t n, int64_t k, const T* a, int64_t a_r, int64_t a_c,
                                       const T* b, int64_t b_r, int64_t b_c, T* c, int64_t c_r, bool accumulate) {
  for (int64_t i = 0; i < m; ++i) {
    const T* ai = a + i * a_r;
    T* ci = c + i * c_r;
    for (int64_t j = 0; j < n; ++j) {
      const T* bj = b + j * b_c;
      T s = T(0);
      for (int64_t p = 0; p < k; ++p) s += ai[p * a_c] * bj[p * b_r];
      ci[j] = accumulate ? ci[j] + s : s;
    }
  }
}

// ---------------------------------------------------------------------------
// Matrix-vector shapes (m == 1 or n == 1) are memory bound: packing would
// read the matrix several times and the tile would be mostly padding, so they
// stream the matrix once with dot products or axpy updates instead.
// ---------------------------------------------------------------------------

// Dot product of two contiguous vectors; the summation order depends only on k.
template <typename T> TC_GEMM_INLINE T dot(int64_t k, const T* x, const T* y) {
  using S = Simd<T>;
  using V = typename S::V;
  constexpr int W = S::W;
  V acc0 = S::zero(), acc1 = S::zero(), acc2 = S::zero(), acc3 = S::zero();
  int64_t p = 0;
  for (; p + 4 * W <= k; p += 4 * W) {
    acc0 = S::fma(S::loadu(x + p), S::loadu(y + p), acc0);
    acc1 = S::fma(S::loadu(x + p + W), S::loadu(y + p + W), acc1);
    acc2 = S::fma(S::loadu(x + p + 2 * W), S::loadu(y + p + 2 * W), acc2);
    acc3 = S::fma(S::loadu(x + p + 3 * W), S::loadu(y + p + 3 * W), acc3);
  }
  for (; p + W <= k; p += W) acc0 = S::fma(S::loadu(x + p), S::loadu(y + p), acc0);
  alignas(64) T lanes[W];
  S::storeu(lanes, S::add(S::add(acc0, acc1), S::add(acc2, acc3)));
  T s = T(0);
  for (int i = 0; i < W; ++i) s += lanes[i];
  for (; p < k; ++p) s += x[p] * y[p];
  return s;
}

// out[t * os] (+)= dot(x, rows + t * ld) for t in [0, count); x and each row
// contiguous (length k).
template <typename T> void gemv_dots(int64_t count, int64_t k, const T* x, const T* rows, int64_t ld, T* out,
                                     int64_t os, bool accumulate, bool threaded) {
  auto body = [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const T s = dot<T>(k, x, rows + t * ld);
      out[t * os] = accumulate ? out[t * os] + s : s;
    }
  };
  if (threaded)
    parallel_for(0, count, std::max<int64_t>(1, 65536 / k), body);
  else
    body(0, count);
}

// y[0..len) (+)= sum_p x[p * xs] * rows[p * ld + 0..len), rows contiguous;
// y has element stride ys (a contiguous scratch row is used when ys != 1).
template <typename T> void gemv_axpy(int64_t len, int64_t k, const T* x, int64_t xs, const T* rows, int64_t ld, T* y,
                                     int64_t ys, bool accumulate, bool threaded) {
  using S = Simd<T>;
  using V = typename S::V;
  constexpr int W = S::W;
  constexpr int64_t JB = 2048;  // y block kept in L1 while the rows stream past
  auto body = [&](int64_t j0, int64_t j1) {
    T* acc = ys == 1 ? nullptr : static_cast<T*>(pack_buffers().a.get(JB * sizeof(T)));
    for (int64_t jb = j0; jb < j1; jb += JB) {
      const int64_t n = std::min(JB, j1 - jb);
      T* TC_GEMM_RESTRICT yb = ys == 1 ? y + jb : acc;
      if (ys != 1 || !accumulate) std::fill(yb, yb + n, T(0));
      // Four rows per pass over the y block (same per-element order as one
      // row at a time: y = fma(x3, r3, fma(x2, r2, fma(x1, r1, fma(x0, r0, y))))).
      int64_t p = 0;
      for (; p + 4 <= k; p += 4) {
        const T x0 = x[p * xs], x1 = x[(p + 1) * xs], x2 = x[(p + 2) * xs], x3 = x[(p + 3) * xs];
        const T* TC_GEMM_RESTRICT r0 = rows + p * ld + jb;
        const T* TC_GEMM_RESTRICT r1 = r0 + ld;
        const T* TC_GEMM_RESTRICT r2 = r1 + ld;
        const T* TC_GEMM_RESTRICT r3 = r2 + ld;
        int64_t j = 0;
        for (; j + W <= n; j += W) {
          V v = S::loadu(yb + j);
          v = S::fma(S::set1(x0), S::loadu(r0 + j), v);
          v = S::fma(S::set1(x1), S::loadu(r1 + j), v);
          v = S::fma(S::set1(x2), S::loadu(r2 + j), v);
          v = S::fma(S::set1(x3), S::loadu(r3 + j), v);
          S::storeu(yb + j, v);
        }
        for (; j < n; ++j) yb[j] = (((yb[j] + x0 * r0[j]) + x1 * r1[j]) + x2 * r2[j]) + x3 * r3[j];
      }
      for (; p < k; ++p) {
        const T xv = x[p * xs];
        const T* TC_GEMM_RESTRICT r = rows + p * ld + jb;
        for (int64_t j = 0; j < n; ++j) yb[j] += xv * r[j];
      }
      if (ys != 1)
        for (int64_t j = 0; j < n; ++j) y[(jb + j) * ys] = accumulate ? y[(jb + j) * ys] + yb[j] : yb[j];
    }
  };
  // Split in whole vectors, so that which elements take the scalar tail (and
  // hence their rounding) does not depend on the thread count.
  if (threaded)
    parallel_for(0, (len + W - 1) / W, std::max<int64_t>(256 / W, 65536 / (k * W)),
                 [&](int64_t u0, int64_t u1) { body(u0 * W, std::min(len, u1 * W)); });
  else
    body(0, len);
}

// Returns false when the shape/strides are not a matrix-vector case it handles.
template <typename T> bool gemv(int64_t m, int64_t n, int64_t k, const T* a, int64_t a_r, int64_t a_c, const T* b,
                                int64_t b_r, int64_t b_c, T* c, int64_t c_r, bool accumulate, bool threaded) {
  if (m != 1 && n != 1) return false;
  const bool x_a = n == 1 && a_c == 1;          // dots of A's rows with B's column
  const bool x_b = !x_a && m == 1 && b_r == 1;  // dots of B's columns with A's row
  if (x_a || x_b) {
    // The shared vector must be contiguous: copy it (k values) if it is not.
    const T* v = x_a ? b : a;
    const int64_t vs = x_a ? b_r : a_c;
    if (vs != 1) {
      T* buf = static_cast<T*>(pack_buffers().b.get(static_cast<size_t>(k) * sizeof(T)));
      for (int64_t p = 0; p < k; ++p) buf[p] = v[p * vs];
      v = buf;
    }
    if (x_a)
      gemv_dots<T>(m, k, v, a, a_r, c, c_r, accumulate, threaded);
    else
      gemv_dots<T>(n, k, v, b, b_c, c, 1, accumulate, threaded);
    return true;
  }
  if (m == 1 && b_c == 1) {  // c row += a[p] * B row p
    gemv_axpy<T>(n, k, a, a_c, b, b_r, c, 1, accumulate, threaded);
    return true;
  }
  if (n == 1 && a_r == 1) {  // c column += b[p] * A column p
    gemv_axpy<T>(m, k, b, b_r, a, a_c, c, c_r, accumulate, threaded);
    return true;
  }
  return false;
}

template <typename T> void gemm_typed(int64_t m, int64_t n, int64_t k, const T* a, int64_t a_r, int64_t a_c, const T* b,
                                      int64_t b_r, int64_t b_c, T* c, int64_t c_r, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate)
      for (int64_t i = 0; i < m; ++i) std::fill(c + i * c_r, c + i * c_r + n, T(0));
    return;
  }
  constexpr int64_t MR = Cfg<T>::MR;
  constexpr int64_t NR = Cfg<T>::NV * Simd<T>::W;
  const double flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  if (flops <= 2.0 * kDirectMax) {
    gemm_direct<T>(m, n, k, a, a_r, a_c, b, b_r, b_c, c, c_r, accumulate);
    return;
  }

  // Threads only pay off above ~2^20 flops (~10 microseconds of work).
  const int nt = get_num_threads();
  const bool serial = nt <= 1 || flops < double(1 << 20) || in_parallel_region();
  if (gemv<T>(m, n, k, a, a_r, a_c, b, b_r, b_c, c, c_r, accumulate, !serial)) return;
  if (serial) {
    gemm_block<T>(0, m, 0, n, k, a, a_r, a_c, b, b_r, b_c, c, c_r, accumulate);
    return;
  }
  // Split C into disjoint row (or column) ranges in units of whole tiles.
  const int64_t pm = (m + MR - 1) / MR, pn = (n + NR - 1) / NR;
  if (pm >= pn || pm >= 4 * nt) {
    parallel_for(0, pm, 1, [&](int64_t p0, int64_t p1) {
      gemm_block<T>(p0 * MR, std::min(m, p1 * MR), 0, n, k, a, a_r, a_c, b, b_r, b_c, c, c_r, accumulate);
    });
  } else {
    parallel_for(0, pn, 1, [&](int64_t p0, int64_t p1) {
      gemm_block<T>(0, m, p0 * NR, std::min(n, p1 * NR), k, a, a_r, a_c, b, b_r, b_c, c, c_r, accumulate);
    });
  }
}

// Note [Pre-packed B]
// A product repeated with the same B and a small m (a recurrent layer: one
// [batch, hidden] x [hidden, gates] product per time step) spends most of its
// time packing B. gemm_pack_b packs B once, K block by K block (the blocking
// of k_block), each block as ceil(n / NR) panels of kc x NR: the panel of
// columns [j, j + NR) in the K block starting at pc is at pc * round_up(n, NR)
// + j * kc. gemm_prepacked_b then runs gemm_block's loops on it, so its results
// are bit-identical to gemm's for the same operands.
template <typename T> int64_t packed_b_size(int64_t k, int64_t n) {
  constexpr int64_t NR = Cfg<T>::NV * Simd<T>::W;
  return k * round_up(n, NR);
}

template <typename T> void pack_b_all(int64_t k, int64_t n, const T* b, int64_t b_r, int64_t b_c, T* packed) {
  const int64_t kb = k_block<T>(k);
  const int64_t np = round_up(n, Cfg<T>::NV * Simd<T>::W);
  for (int64_t pc = 0; pc < k; pc += kb) pack_b<T>(n, std::min(kb, k - pc), b + pc * b_r, b_r, b_c, packed + pc * np);
}

// C[i0:i1, j0:j1] from pre-packed B (j0 a multiple of NR).
template <typename T> void gemm_block_prepacked(int64_t i0, int64_t i1, int64_t j0, int64_t j1, int64_t n, int64_t k,
                                                const T* a, int64_t a_r, int64_t a_c, const T* packed, T* c,
                                                int64_t c_r, bool accumulate) {
  constexpr int64_t MR = Cfg<T>::MR;
  constexpr int64_t NR = Cfg<T>::NV * Simd<T>::W;
  constexpr int64_t MB = Cfg<T>::MB / MR * MR;
  constexpr int64_t NB = Cfg<T>::NB / NR * NR;
  const int64_t kb = k_block<T>(k);
  const int64_t np = round_up(n, NR);
  const int64_t mrows = std::min<int64_t>(MB, round_up(i1 - i0, MR));
  T* ap = static_cast<T*>(pack_buffers().a.get(static_cast<size_t>(mrows * kb) * sizeof(T)));
  for (int64_t pc = 0; pc < k; pc += kb) {
    const int64_t kc = std::min(kb, k - pc);
    const bool add = accumulate || pc > 0;
    const T* bblock = packed + pc * np;
    for (int64_t ic = i0; ic < i1; ic += MB) {
      const int64_t mc = std::min(MB, i1 - ic);
      pack_a<T>(mc, kc, a + ic * a_r + pc * a_c, a_r, a_c, ap);
      for (int64_t jc = j0; jc < j1; jc += NB) {  // B blocks of NB columns stay in L2 across the row tiles
        const int64_t nc = std::min(NB, j1 - jc);
        for (int64_t ir = 0; ir < mc; ir += MR) {
          const int mr = static_cast<int>(std::min(MR, mc - ir));
          T* crow = c + (ic + ir) * c_r + jc;
          for (int64_t jr = 0; jr < nc; jr += NR) {
            const int nr = static_cast<int>(std::min(NR, nc - jr));
            tile<T>(kc, ap + ir * kc, bblock + (jc + jr) * kc, crow + jr, c_r, add, mr, nr);
          }
        }
      }
    }
  }
}

template <typename T> void gemm_prepacked_typed(int64_t m, int64_t n, int64_t k, const T* a, int64_t a_r, int64_t a_c,
                                                const T* packed, T* c, int64_t c_r, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate)
      for (int64_t i = 0; i < m; ++i) std::fill(c + i * c_r, c + i * c_r + n, T(0));
    return;
  }
  constexpr int64_t MR = Cfg<T>::MR;
  constexpr int64_t NR = Cfg<T>::NV * Simd<T>::W;
  const double flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  const int nt = get_num_threads();
  if (nt <= 1 || flops < double(1 << 20) || in_parallel_region()) {
    gemm_block_prepacked<T>(0, m, 0, n, n, k, a, a_r, a_c, packed, c, c_r, accumulate);
    return;
  }
  const int64_t pm = (m + MR - 1) / MR, pn = (n + NR - 1) / NR;
  if (pm >= pn || pm >= 4 * nt) {
    parallel_for(0, pm, 1, [&](int64_t p0, int64_t p1) {
      gemm_block_prepacked<T>(p0 * MR, std::min(m, p1 * MR), 0, n, n, k, a, a_r, a_c, packed, c, c_r, accumulate);
    });
  } else {
    parallel_for(0, pn, 1, [&](int64_t p0, int64_t p1) {
      gemm_block_prepacked<T>(0, m, p0 * NR, std::min(n, p1 * NR), n, k, a, a_r, a_c, packed, c, c_r, accumulate);
    });
  }
}

}  // namespace gemm_detail
}  // namespace

void gemm(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t a_r, int64_t a_c, const void* b,
          int64_t b_r, int64_t b_c, void* c, int64_t c_r, bool accumulate) {
  using namespace gemm_detail;
  if (dt == DType::Float32)
    gemm_typed<float>(m, n, k, static_cast<const float*>(a), a_r, a_c, static_cast<const float*>(b), b_r, b_c,
                      static_cast<float*>(c), c_r, accumulate);
  else
    gemm_typed<double>(m, n, k, static_cast<const double*>(a), a_r, a_c, static_cast<const double*>(b), b_r, b_c,
                       static_cast<double*>(c), c_r, accumulate);
}

int64_t gemm_packed_b_size(DType dt, int64_t k, int64_t n) {
  using namespace gemm_detail;
  return dt == DType::Float32 ? packed_b_size<float>(k, n) : packed_b_size<double>(k, n);
}

void gemm_pack_b(DType dt, int64_t k, int64_t n, const void* b, int64_t b_r, int64_t b_c, void* packed) {
  using namespace gemm_detail;
  if (dt == DType::Float32)
    pack_b_all<float>(k, n, static_cast<const float*>(b), b_r, b_c, static_cast<float*>(packed));
  else
    pack_b_all<double>(k, n, static_cast<const double*>(b), b_r, b_c, static_cast<double*>(packed));
}

void gemm_prepacked_b(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t a_r, int64_t a_c,
                      const void* packed_b, void* c, int64_t c_r, bool accumulate) {
  using namespace gemm_detail;
  if (dt == DType::Float32)
    gemm_prepacked_typed<float>(m, n, k, static_cast<const float*>(a), a_r, a_c, static_cast<const float*>(packed_b),
                                static_cast<float*>(c), c_r, accumulate);
  else
    gemm_prepacked_typed<double>(m, n, k, static_cast<const double*>(a), a_r, a_c, static_cast<const double*>(packed_b),
                                 static_cast<double*>(c), c_r, accumulate);
}

// Note [Measured FMA peak]
// The yardstick for GEMM rows in bench/compare.py: kChains independent
// accumulators, each updated by a vector FMA per iteration, so the loop is
// bound by FMA throughput (latency x ports <= kChains on every x86 core we
// know: 4 x 2 on Zen 3/4 and Skylake-X..Sapphire Rapids) and never by one
// dependency chain. Same Simd type as the micro-kernel, so it measures the
// vector width the GEMM runs at. Returns the floating-point operations done;
// `checksum` keeps the compiler from dropping the loop.
int64_t fma_peak_loop(DType dt, int64_t iters, double* checksum) {
  constexpr int kChains = 12;
  auto run = [&](auto zero) -> int64_t {
    using T = decltype(zero);
    using S = gemm_detail::Simd<T>;
    using V = typename S::V;
    V acc[kChains];
    for (int c = 0; c < kChains; ++c) acc[c] = S::set1(static_cast<T>(c) * T(1e-3));
    T mul_value = T(0.999999), add_value = T(1e-6);
    // Opaque to the optimizer: without this GCC may fold the recurrence.
    asm volatile("" : "+m"(mul_value), "+m"(add_value));
    const V mul = S::set1(mul_value), addend = S::set1(add_value);
    for (int64_t i = 0; i < iters; ++i) {
#pragma GCC unroll 16
      for (int c = 0; c < kChains; ++c) acc[c] = S::fma(acc[c], mul, addend);
    }
    double sum = 0;
    for (int c = 0; c < kChains; ++c)
      for (int l = 0; l < S::W; ++l) sum += static_cast<double>(acc[c][l]);
    *checksum = sum;
    return iters * kChains * S::W * 2;
  };
  return dt == DType::Float32 ? run(0.0f) : run(0.0);
}

}  // namespace tc::cpu::TC_CAP
