#pragma once
// bfloat16 GEMM on pairs of k, compiled twice: with the AVX512-BF16 dot
// product (gemm_bf16_native.cpp, TC_BF16_NATIVE) and as a portable emulation
// of that instruction (gemm_bf16_emulated.cpp).
//
// Note [bfloat16 GEMM]
// C[m, n] (float32) = A[m, k] @ B[k, n] for bfloat16 A and B, the product
// behind bfloat16 mm/bmm/addmm/linear (ops/linalg.cpp rounds C to bfloat16
// once, after any bias, as before). Where the CPU has AVX512-BF16,
// `vdpbf16ps` does 32 bfloat16 multiply-adds per instruction, twice the
// float32 FMA's 16, and the operands are half the bytes: that is how PyTorch
// (oneDNN) gets about 2x its float32 throughput on such CPUs, where converting
// to float32 and running the float32 GEMM caps us at 1x.
//
// The instruction works on pairs of k: each 32-bit lane holds (k even, k odd)
// of a row of A and the same two k of a column of B, and adds both products
// to a float32 accumulator. So packing stores pairs:
//   A micro-panel: for each pair p, MR dwords (row r: A[r][2p] | A[r][2p+1] << 16);
//   B micro-panel: for each pair p, NR dwords (col j: B[2p][j] | B[2p+1][j] << 16);
// an odd k is padded with a zero. The common layouts pack with dword copies
// (row-major A, and the column-major B of `x @ W.T` in linear) or a two-row
// interleave (row-major B). Blocking and threading follow Note [GEMM design]:
// the K blocking depends only on k and every C element is summed in the same
// order whatever the thread split, so results do not depend on the thread count.
//
// Rounding (Intel SDM, VDPBF16PS): per lane, acc += a_odd * b_odd, then
// acc += a_even * b_even, each a fused multiply-add (the product of two
// bfloat16 values is exact in float32), inputs' denormals read as zero and a
// denormal result flushed to zero. The emulation does exactly that
// (std::fma plus explicit flushes), so every path can be tested on any
// machine (TENSORCORE_BF16_GEMM=emulated, or _C._set_bf16_gemm_path): tests
// compare it bit for bit with the native kernel where the CPU has one.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#if defined(TC_BF16_NATIVE)
#include <immintrin.h>
#endif

#include "backend/cpu/pack_buffer.h"
#include "core/parallel.h"

#ifndef TC_BF16_MR
#define TC_BF16_MR 12
#define TC_BF16_NV 2
#define TC_BF16_KC 1024
#define TC_BF16_NB 256
#endif
namespace tc::cpu::TC_BF16_NS {

namespace {

using u16 = uint16_t;
using u32 = uint32_t;

// 12 x 32 tile: 24 zmm accumulators, 2 B vectors and a broadcast of A (27 of
// the 32 zmm registers); per pair of k, 24 vdpbf16ps to 2 loads and 12
// broadcasts. K blocks of up to 1024 (512 pairs): an A micro-panel is 24 KiB,
// a B block of NB = 256 columns 512 KiB (L2). Measured on Zen 4 (1 thread,
// 1024 and 2048): 12x32 with KC 1024 / NB 256 ran at PyTorch's speed, KC 512
// or NB 384 2-5% slower, 14x32, 8x48 and 6x64 no faster. The macros let a
// benchmark try other shapes; the emulation must use the same KC (it fixes
// the summation order).
constexpr int kLanes = 16;
constexpr int MR = TC_BF16_MR, NV = TC_BF16_NV, NR = NV * kLanes;
constexpr int64_t KC = TC_BF16_KC, NB = TC_BF16_NB, MB = 1152;

inline u32 make_pair(u16 even, u16 odd) { return static_cast<u32>(even) | (static_cast<u32>(odd) << 16); }
inline u32 load_pair(const u16* p) {
  u32 v;
  std::memcpy(&v, p, sizeof(v));  // little-endian: p[0] in the low half
  return v;
}

// float32 -> bfloat16 bits, round to nearest even, NaN as 0x7fc0: the same
// arithmetic as core/half.h's float_to_bfloat16_bits (to_dtype), so a fused
// rounding gives the bits a separate conversion would. A copy in this file's
// unnamed namespace rather than a call: this file is also compiled with
// -mavx512bf16 (see backend/cpu/pack_buffer.h on shared inline functions).
inline u16 round_to_bf16(float f) {
  u32 x;
  std::memcpy(&x, &f, sizeof(x));
  if ((x & 0x7fffffffu) > 0x7f800000u) return 0x7fc0;
  x += 0x7fffu + ((x >> 16) & 1u);
  return static_cast<u16>(x >> 16);
}

// A rows [0, mc) x k [0, kc) -> ceil(mc / MR) panels of kc2 x MR pairs (zero padded).
void pack_a(int64_t mc, int64_t kc, const u16* a, int64_t a_r, int64_t a_c, u32* dst) {
  const int64_t kc2 = (kc + 1) / 2, whole = kc / 2;
  for (int64_t i = 0; i < mc; i += MR, dst += kc2 * MR) {
    const int mr = static_cast<int>(std::min<int64_t>(MR, mc - i));
    const u16* ai = a + i * a_r;
    if (a_c == 1) {
      // Row-major A: 16 pairs (one cache line) of each row at a time, so the
      // writes stay within a few lines of the panel.
      for (int64_t p0 = 0; p0 < whole; p0 += 16) {
        const int64_t p1 = std::min<int64_t>(whole, p0 + 16);
        for (int r = 0; r < mr; ++r) {
          const u16* row = ai + r * a_r;
          for (int64_t p = p0; p < p1; ++p) dst[p * MR + r] = load_pair(row + 2 * p);
        }
      }
    } else {
      for (int r = 0; r < mr; ++r) {
        const u16* row = ai + r * a_r;
        for (int64_t p = 0; p < whole; ++p) dst[p * MR + r] = make_pair(row[2 * p * a_c], row[(2 * p + 1) * a_c]);
      }
    }
    if (kc2 != whole)
      for (int r = 0; r < mr; ++r) dst[whole * MR + r] = make_pair(ai[r * a_r + (kc - 1) * a_c], 0);
    for (int r = mr; r < MR; ++r)
      for (int64_t p = 0; p < kc2; ++p) dst[p * MR + r] = 0;
  }
}

// B rows [0, kc) x cols [0, nc) -> ceil(nc / NR) panels of kc2 x NR pairs (zero padded).
void pack_b(int64_t nc, int64_t kc, const u16* b, int64_t b_r, int64_t b_c, u32* dst) {
  const int64_t kc2 = (kc + 1) / 2, whole = kc / 2;
  for (int64_t j = 0; j < nc; j += NR, dst += kc2 * NR) {
    const int nr = static_cast<int>(std::min<int64_t>(NR, nc - j));
    const u16* bj = b + j * b_c;
    if (b_r == 1) {
      // Column-major B (`x @ W.T`): a column's two k are adjacent.
      for (int q = 0; q < nr; ++q) {
        const u16* col = bj + q * b_c;
        for (int64_t p = 0; p < whole; ++p) dst[p * NR + q] = load_pair(col + 2 * p);
        if (kc2 != whole) dst[whole * NR + q] = make_pair(col[kc - 1], 0);
      }
    } else {
      // Row-major (or strided) B: interleave rows 2p and 2p + 1.
      for (int64_t p = 0; p < kc2; ++p) {
        const u16* r0 = bj + 2 * p * b_r;
        u32* d = dst + p * NR;
        if (2 * p + 1 < kc) {
          const u16* r1 = r0 + b_r;
          if (b_c == 1)
            for (int q = 0; q < nr; ++q) d[q] = make_pair(r0[q], r1[q]);
          else
            for (int q = 0; q < nr; ++q) d[q] = make_pair(r0[q * b_c], r1[q * b_c]);
        } else {
          for (int q = 0; q < nr; ++q) d[q] = make_pair(r0[q * b_c], 0);
        }
      }
    }
    for (int64_t p = 0; p < kc2; ++p)
      for (int q = nr; q < NR; ++q) dst[p * NR + q] = 0;
  }
}

#if defined(TC_BF16_NATIVE)
// C[MR x NR] = (or +=) the kc2 pairs of the A and B micro-panels; with
// kRound, C is bfloat16 and gets the rounded sums (a single K block: add is false).
template <bool kRound> inline __attribute__((always_inline)) void micro_kernel(int64_t kc2, const u32* __restrict__ a,
                                                                               const u32* __restrict__ b,
                                                                               void* __restrict__ cv, int64_t ldc,
                                                                               bool add) {
  float* c = static_cast<float*>(cv);
  // The C tile is read or written after the K loop: start fetching it now.
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) {
    __builtin_prefetch(c + r * ldc, 1, 3);
    __builtin_prefetch(c + r * ldc + NR - 1, 1, 3);
  }
  __m512 acc[MR][NV];
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_setzero_ps();
#pragma GCC unroll 2
  for (int64_t p = 0; p < kc2; ++p) {
    __m512bh bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = (__m512bh)_mm512_load_si512(b + v * kLanes);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      const __m512bh av = (__m512bh)_mm512_set1_epi32(static_cast<int>(a[r]));
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_dpbf16_ps(acc[r][v], bv[v], av);
    }
    a += MR;
    b += NR;
  }
  if constexpr (kRound) {
    // round_to_bf16 on 16 lanes: add 0x7fff + the kept lsb, NaN -> 0x7fc0, keep the high halves.
    const __m512i bias = _mm512_set1_epi32(0x7fff), one = _mm512_set1_epi32(1), qnan = _mm512_set1_epi32(0x7fc00000);
    u16* c16 = static_cast<u16*>(cv);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        const __m512i x = _mm512_castps_si512(acc[r][v]);
        __m512i y = _mm512_add_epi32(x, _mm512_add_epi32(bias, _mm512_and_si512(_mm512_srli_epi32(x, 16), one)));
        y = _mm512_mask_mov_epi32(y, _mm512_cmp_ps_mask(acc[r][v], acc[r][v], _CMP_UNORD_Q), qnan);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(c16 + r * ldc + v * kLanes),
                            _mm512_cvtepi32_epi16(_mm512_srli_epi32(y, 16)));
      }
  } else {
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        float* cp = c + r * ldc + v * kLanes;
        _mm512_storeu_ps(cp, add ? _mm512_add_ps(_mm512_loadu_ps(cp), acc[r][v]) : acc[r][v]);
      }
  }
}
#else
// A bfloat16's value with a denormal read as (signed) zero.
inline float bf16_daz(u16 bits) {
  if ((bits & 0x7f80u) == 0) bits &= 0x8000u;
  const u32 f = static_cast<u32>(bits) << 16;
  float x;
  std::memcpy(&x, &f, sizeof(x));
  return x;
}
inline float ftz(float x) { return std::fpclassify(x) == FP_SUBNORMAL ? std::copysign(0.0f, x) : x; }

// The same tile with vdpbf16ps's arithmetic, one lane at a time.
template <bool kRound> void micro_kernel(int64_t kc2, const u32* a, const u32* b, void* cv, int64_t ldc, bool add) {
  float acc[MR][NR] = {};
  for (int64_t p = 0; p < kc2; ++p) {
    for (int r = 0; r < MR; ++r) {
      const float a_even = bf16_daz(static_cast<u16>(a[r])), a_odd = bf16_daz(static_cast<u16>(a[r] >> 16));
      for (int q = 0; q < NR; ++q) {
        const float b_even = bf16_daz(static_cast<u16>(b[q])), b_odd = bf16_daz(static_cast<u16>(b[q] >> 16));
        float s = ftz(std::fma(a_odd, b_odd, acc[r][q]));
        acc[r][q] = ftz(std::fma(a_even, b_even, s));
      }
    }
    a += MR;
    b += NR;
  }
  if constexpr (kRound) {
    u16* c16 = static_cast<u16*>(cv);
    for (int r = 0; r < MR; ++r)
      for (int q = 0; q < NR; ++q) c16[r * ldc + q] = round_to_bf16(acc[r][q]);
  } else {
    float* c = static_cast<float*>(cv);
    for (int r = 0; r < MR; ++r)
      for (int q = 0; q < NR; ++q) c[r * ldc + q] = add ? c[r * ldc + q] + acc[r][q] : acc[r][q];
  }
}
#endif

// A full or partial tile (mr <= MR rows, nr <= NR columns valid) of a float32
// C, or of a bfloat16 C (round: the only K block, so add is false).
__attribute__((noinline)) void tile(int64_t kc2, const u32* a, const u32* b, void* c, int64_t ldc, bool add, bool round,
                                    int mr, int nr) {
  if (mr == MR && nr == NR) {
    if (round)
      micro_kernel<true>(kc2, a, b, c, ldc, false);
    else
      micro_kernel<false>(kc2, a, b, c, ldc, add);
    return;
  }
  alignas(64) float tmp[MR * NR];
  micro_kernel<false>(kc2, a, b, tmp, NR, false);
  if (round) {
    u16* c16 = static_cast<u16*>(c);
    for (int r = 0; r < mr; ++r)
      for (int q = 0; q < nr; ++q) c16[r * ldc + q] = round_to_bf16(tmp[r * NR + q]);
    return;
  }
  float* cf = static_cast<float*>(c);
  for (int r = 0; r < mr; ++r)
    for (int q = 0; q < nr; ++q) cf[r * ldc + q] = add ? cf[r * ldc + q] + tmp[r * NR + q] : tmp[r * NR + q];
}

inline int64_t round_up(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

// Equal K blocks of at most KC, even (whole pairs); a function of k only.
inline int64_t k_block(int64_t k) {
  const int64_t nblk = (k + KC - 1) / KC;
  return round_up((k + nblk - 1) / nblk, 2);
}

// C[i0:i1, j0:j1]; C is bfloat16 when `round` (k is then one K block).
void gemm_block(int64_t i0, int64_t i1, int64_t j0, int64_t j1, int64_t k, const u16* a, int64_t a_r, int64_t a_c,
                const u16* b, int64_t b_r, int64_t b_c, void* c, int64_t c_r, bool round) {
  const size_t c_item = round ? sizeof(u16) : sizeof(float);
  constexpr int64_t mb = MB / MR * MR, nb = NB / NR * NR;
  static thread_local PackBuffer abuf, bbuf;
  const int64_t kb = k_block(k);
  const int64_t mrows = std::min<int64_t>(mb, round_up(i1 - i0, MR));
  const int64_t ncols = std::min<int64_t>(nb, round_up(j1 - j0, NR));
  u32* ap = static_cast<u32*>(abuf.get(static_cast<size_t>(mrows * (kb / 2)) * sizeof(u32)));
  u32* bp = static_cast<u32*>(bbuf.get(static_cast<size_t>(ncols * (kb / 2)) * sizeof(u32)));
  for (int64_t pc = 0; pc < k; pc += kb) {
    const int64_t kc = std::min(kb, k - pc), kc2 = (kc + 1) / 2;
    const bool add = pc > 0;
    for (int64_t ic = i0; ic < i1; ic += mb) {
      const int64_t mc = std::min(mb, i1 - ic);
      pack_a(mc, kc, a + ic * a_r + pc * a_c, a_r, a_c, ap);
      for (int64_t jc = j0; jc < j1; jc += nb) {
        const int64_t nc = std::min(nb, j1 - jc);
        pack_b(nc, kc, b + pc * b_r + jc * b_c, b_r, b_c, bp);
        for (int64_t ir = 0; ir < mc; ir += MR) {
          const int mr = static_cast<int>(std::min<int64_t>(MR, mc - ir));
          char* crow = static_cast<char*>(c) + ((ic + ir) * c_r + jc) * c_item;
          for (int64_t jr = 0; jr < nc; jr += NR) {
            const int nr = static_cast<int>(std::min<int64_t>(NR, nc - jr));
            tile(kc2, ap + ir * kc2, bp + jr * kc2, crow + jr * c_item, c_r, add, round, mr, nr);
          }
        }
      }
    }
  }
}

}  // namespace

// C[m, n] (row stride c_r) = A @ B for bfloat16 A [m, k] and B [k, n] with
// arbitrary element strides; C is float32, or bfloat16 (`bf16_out`: each
// element rounded once from its float32 sum, in the store when k is one K block).
void gemm_bf16(int64_t m, int64_t n, int64_t k, const void* a_, int64_t a_r, int64_t a_c, const void* b_, int64_t b_r,
               int64_t b_c, void* c, int64_t c_r, bool bf16_out) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    for (int64_t i = 0; i < m; ++i) {
      if (bf16_out)
        std::fill(static_cast<u16*>(c) + i * c_r, static_cast<u16*>(c) + i * c_r + n, u16(0));
      else
        std::fill(static_cast<float*>(c) + i * c_r, static_cast<float*>(c) + i * c_r + n, 0.0f);
    }
    return;
  }
  if (bf16_out && k_block(k) < k) {
    // Several K blocks add up in float32; round once at the end.
    std::unique_ptr<float[]> sums(new float[static_cast<size_t>(m * n)]);
    gemm_bf16(m, n, k, a_, a_r, a_c, b_, b_r, b_c, sums.get(), n, false);
    u16* c16 = static_cast<u16*>(c);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) c16[i * c_r + j] = round_to_bf16(sums[i * n + j]);
    return;
  }
  const u16* a = static_cast<const u16*>(a_);
  const u16* b = static_cast<const u16*>(b_);
  const double flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  const int nt = get_num_threads();
  if (nt <= 1 || flops < double(1 << 21) || in_parallel_region()) {
    gemm_block(0, m, 0, n, k, a, a_r, a_c, b, b_r, b_c, c, c_r, bf16_out);
    return;
  }
  // Disjoint row (or column) ranges in whole tiles: the split changes which
  // thread computes an element, never how.
  const int64_t pm = (m + MR - 1) / MR, pn = (n + NR - 1) / NR;
  if (pm >= pn || pm >= 4 * nt) {
    parallel_for(0, pm, 1, [&](int64_t p0, int64_t p1) {
      gemm_block(p0 * MR, std::min(m, p1 * MR), 0, n, k, a, a_r, a_c, b, b_r, b_c, c, c_r, bf16_out);
    });
  } else {
    parallel_for(0, pn, 1, [&](int64_t p0, int64_t p1) {
      gemm_block(0, m, p0 * NR, std::min(n, p1 * NR), k, a, a_r, a_c, b, b_r, b_c, c, c_r, bf16_out);
    });
  }
}

}  // namespace tc::cpu::TC_BF16_NS
