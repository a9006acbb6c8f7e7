#pragma once
// Fused scaled-dot-product attention, compiled once per instruction set (TC_CAP).
//
// Note [Flash attention on the CPU]
// softmax(Q K^T * scale + mask) V is computed one (batch, head) matrix problem
// at a time without ever holding the L x S score matrix: the query rows are cut
// into blocks of kBlockQ rows and the key rows into blocks of kBlockK, and only
// one kBlockQ x kBlockK tile of scores lives at once (thread-local scratch).
//
// Forward (one task per (bh, query block), so short sequences with many heads
// and long sequences with few heads both fill the cores): for each key block,
//   S = Q_i K_j^T (GEMM), scaled, masked (bool / additive / causal),
//   an online softmax keeps the running row max m and row sum l, rescaling the
//   output accumulator by exp(m_old - m_new) whenever the max grows,
//   acc += P V_j (GEMM).
// At the end O = acc / l and lse = m + log(l) is the only per-row value saved
// for backward. A row whose every column is masked has l = 0: its output is 0
// (as PyTorch's kernels give) and its lse is +inf, so exp(s - lse) = 0 there in
// backward too.
//
// Backward (one task per bh, because dK_j and dV_j sum over every query block
// and dQ_i over every key block; the order of those sums is fixed, so results
// do not depend on the thread count): Delta_i = rowsum(dO_i * O_i), then for
// each key block j and each query block i the scores are recomputed,
//   P = exp(S - lse_i)         (the softmax, without a second normalisation)
//   dV_j += P~^T dO_i          (P~: P with dropout applied)
//   dP = dO_i V_j^T (dropout applied to it as to P)
//   dS = P * (dP - Delta_i)    (the gradient of the masked scores = dmask)
//   dQ_i += scale dS K_j,  dK_j += scale dS^T Q_i
// Every tile product is a call of the blocked GEMM (gemm_impl.h) of the same
// instruction set, with strides, so transposed operands need no copies.
//
// Dropout cannot reuse PyTorch's stream (its mask is drawn from the global
// generator as a whole tensor). Element (bh, i, j) is kept when a 64-bit hash
// of (seed, bh, i, j) clears the threshold, so backward regenerates the same
// mask tile by tile from the seed, and nothing of size L x S is ever stored.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "backend/functors.h"
#include "backend/kernels.h"
#include "core/parallel.h"

namespace tc::cpu::TC_CAP {

// Defined by gemm_impl.h in this instruction set's gemm translation unit.
void gemm(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t a_r, int64_t a_c, const void* b,
          int64_t b_r, int64_t b_c, void* c, int64_t c_r, bool accumulate);

namespace {
namespace attention_detail {

using kernels::AttentionArgs;
using kernels::AttentionMask;

// Tile sizes: kBlockQ is a multiple of every micro-kernel's MR (4, 6, 8) and
// kBlockK of every NR (8 .. 32), so the score tiles have no ragged GEMM edges
// inside a sequence. Backward's three 48 x 128 scratch tiles of doubles
// (144 KiB) stay within a 256 KiB L2.
constexpr int64_t kBlockQ = 48;
constexpr int64_t kBlockK = 128;

template <typename T> inline void mm(int64_t m, int64_t n, int64_t k, const T* a, int64_t a_r, int64_t a_c, const T* b,
                                     int64_t b_r, int64_t b_c, T* c, int64_t c_r, bool accumulate) {
  gemm(dtype_of<T>::value, m, n, k, a, a_r, a_c, b, b_r, b_c, c, c_r, accumulate);
}

// Note [Attention exp]
// The softmax exponentials are as many as the score elements, and with head
// dims of 16 .. 64 their cost rivals the two tile products. float32 therefore
// uses a float-only exp (Cephes' expf: range reduction x = n ln2 + r and a
// degree-7 polynomial, relative error < 2e-7, i.e. ~1 ulp) that vectorizes 8
// or 16 lanes wide, instead of the elementwise kernels' correctly rounded
// double-evaluated one (Note [Vectorizable exp]). Inputs here are <= ~0 (scores
// minus their running max or logsumexp); the clamp keeps 2^n a normal float.
inline float exp_attention(float x) {
  const float xc = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  const float n = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;  // round to nearest
  const float r = (xc - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const float two_n = __builtin_bit_cast(float, (static_cast<int32_t>(n) + 127) << 23);
  return x != x ? x : p * two_n;
}

template <typename T> inline T exp_of(T x) {
  if constexpr (std::is_same_v<T, float>)
    return exp_attention(x);
  else
    return fn::exp_f64(x);
}

// exp(x) with exp(-inf) exactly 0 (exp_f64 would give the smallest subnormal).
template <typename T> inline T exp_or_zero(T x) {
  const T e = exp_of(x);
  return x == -std::numeric_limits<T>::infinity() ? T(0) : e;
}

// Row reductions with kLanes independent partial results, so the compiler
// vectorizes them without reassociating (which it may not do for floats).
constexpr int kLanes = 16;

template <typename T> T row_max(const T* __restrict__ x, int64_t n) {
  T m[kLanes];
  for (int l = 0; l < kLanes; ++l) m[l] = -std::numeric_limits<T>::infinity();
  int64_t c = 0;
  for (; c + kLanes <= n; c += kLanes)
    for (int l = 0; l < kLanes; ++l) m[l] = x[c + l] > m[l] ? x[c + l] : m[l];
  for (; c < n; ++c) m[0] = x[c] > m[0] ? x[c] : m[0];
  T r = m[0];
  for (int l = 1; l < kLanes; ++l) r = m[l] > r ? m[l] : r;
  return r;
}

template <typename T> T row_sum(const T* __restrict__ x, int64_t n) {
  T s[kLanes] = {};
  int64_t c = 0;
  for (; c + kLanes <= n; c += kLanes)
    for (int l = 0; l < kLanes; ++l) s[l] += x[c + l];
  for (; c < n; ++c) s[0] += x[c];
  T r = 0;
  for (int l = 0; l < kLanes; ++l) r += s[l];
  return r;
}

template <typename T> T row_dot(const T* __restrict__ x, const T* __restrict__ y, int64_t n) {
  T s[kLanes] = {};
  int64_t c = 0;
  for (; c + kLanes <= n; c += kLanes)
    for (int l = 0; l < kLanes; ++l) s[l] += x[c + l] * y[c + l];
  for (; c < n; ++c) s[0] += x[c] * y[c];
  T r = 0;
  for (int l = 0; l < kLanes; ++l) r += s[l];
  return r;
}

// SplitMix64's finaliser: a bijective mix whose outputs pass BigCrush.
inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// The dropout multiplier of elements (bh, row, j0 .. j0 + n): 0 or 1 / (1 - p).
template <typename T>
void dropout_scale_row(const AttentionArgs& a, int64_t bh, int64_t row, int64_t j0, int64_t n, T* out) {
  // Keep when the top 24 bits of the hash are >= p * 2^24.
  const uint64_t threshold = static_cast<uint64_t>(a.dropout_p * 16777216.0);
  const T keep = a.dropout_p >= 1.0 ? T(0) : T(1.0 / (1.0 - a.dropout_p));
  const uint64_t base = (static_cast<uint64_t>(bh) * static_cast<uint64_t>(a.L) + static_cast<uint64_t>(row)) *
                            static_cast<uint64_t>(a.S) +
                        static_cast<uint64_t>(j0);
  const uint64_t key = mix64(a.seed ^ 0x9e3779b97f4a7c15ULL);
  for (int64_t c = 0; c < n; ++c) {
    const uint64_t h = mix64(key + (base + static_cast<uint64_t>(c)) * 0x9e3779b97f4a7c15ULL);
    out[c] = (h >> 40) >= threshold ? keep : T(0);
  }
}

// Scales the score tile s [br x bc] (row stride bc) of rows i0.., columns
// j0.. and applies the mask and the causal limit (masked scores become -inf).
template <typename T>
void scale_and_mask(const AttentionArgs& a, int64_t bh, int64_t i0, int64_t br, int64_t j0, int64_t bc, T* s) {
  const T scale = static_cast<T>(a.scale);
  const T ninf = -std::numeric_limits<T>::infinity();
  for (int64_t r = 0; r < br; ++r) {
    T* __restrict__ sr = s + r * bc;
    for (int64_t c = 0; c < bc; ++c) sr[c] *= scale;
    const int64_t row = i0 + r;
    if (a.mask_kind == AttentionMask::Float) {
      const T* m = static_cast<const T*>(a.mask) + a.mask_off[bh] + row * a.mask_row + j0 * a.mask_col;
      if (a.mask_col == 1)
        for (int64_t c = 0; c < bc; ++c) sr[c] += m[c];
      else
        for (int64_t c = 0; c < bc; ++c) sr[c] += m[c * a.mask_col];
    } else if (a.mask_kind == AttentionMask::Bool) {
      const bool* m = static_cast<const bool*>(a.mask) + a.mask_off[bh] + row * a.mask_row + j0 * a.mask_col;
      if (a.mask_col == 1)
        for (int64_t c = 0; c < bc; ++c) sr[c] = m[c] ? sr[c] : ninf;
      else
        for (int64_t c = 0; c < bc; ++c) sr[c] = m[c * a.mask_col] ? sr[c] : ninf;
    }
    if (a.causal)
      for (int64_t c = std::max<int64_t>(0, row - j0 + 1); c < bc; ++c) sr[c] = ninf;
  }
}

// Columns a causal block of rows [i0, i1) can see: [0, min(S, i1)).
inline int64_t visible_columns(const AttentionArgs& a, int64_t i1) { return a.causal ? std::min(a.S, i1) : a.S; }

template <typename T> struct ForwardScratch {
  std::vector<T> s, acc, drop, m, l;
};

template <typename T> void forward_block(const AttentionArgs& a, int64_t bh, int64_t i0, int64_t i1, T* out,
                                         const int64_t* out_off, int64_t out_row, T* lse, ForwardScratch<T>& w) {
  const int64_t br = i1 - i0, Ev = a.Ev;
  const T ninf = -std::numeric_limits<T>::infinity();
  w.s.resize(kBlockQ * kBlockK);
  w.acc.assign(br * Ev, T(0));
  w.m.assign(br, ninf);
  w.l.assign(br, T(0));
  if (a.dropout_p > 0) w.drop.resize(kBlockK);
  const T* q = static_cast<const T*>(a.q) + a.q_off[bh] + i0 * a.q_row;
  const T* k = static_cast<const T*>(a.k) + a.k_off[bh];
  const T* v = static_cast<const T*>(a.v) + a.v_off[bh];
  T* s = w.s.data();
  T* acc = w.acc.data();
  const int64_t jend = visible_columns(a, i1);
  for (int64_t j0 = 0; j0 < jend; j0 += kBlockK) {
    const int64_t bc = std::min(kBlockK, jend - j0);
    mm<T>(br, bc, a.E, q, a.q_row, 1, k + j0 * a.k_row, 1, a.k_row, s, bc, false);
    scale_and_mask<T>(a, bh, i0, br, j0, bc, s);
    for (int64_t r = 0; r < br; ++r) {
      T* __restrict__ sr = s + r * bc;
      const T m_new = std::max(w.m[r], row_max(sr, bc));
      if (m_new == ninf) {  // every column so far masked: nothing to add
        std::fill(sr, sr + bc, T(0));
        continue;
      }
      for (int64_t c = 0; c < bc; ++c) sr[c] = exp_or_zero(sr[c] - m_new);
      const T sum = row_sum(sr, bc);
      const T alpha = exp_or_zero(w.m[r] - m_new);
      w.l[r] = w.l[r] * alpha + sum;
      w.m[r] = m_new;
      if (alpha != T(1)) {
        T* __restrict__ ar = acc + r * Ev;
        for (int64_t c = 0; c < Ev; ++c) ar[c] *= alpha;
      }
      if (a.dropout_p > 0) {
        T* __restrict__ d = w.drop.data();
        dropout_scale_row<T>(a, bh, i0 + r, j0, bc, d);
        for (int64_t c = 0; c < bc; ++c) sr[c] *= d[c];
      }
    }
    mm<T>(br, Ev, bc, s, bc, 1, v + j0 * a.v_row, a.v_row, 1, acc, Ev, true);
  }
  T* o = out + out_off[bh] + i0 * out_row;
  for (int64_t r = 0; r < br; ++r) {
    const T l = w.l[r];
    const T inv = l > T(0) ? T(1) / l : T(0);
    const T* __restrict__ ar = acc + r * Ev;
    T* __restrict__ orow = o + r * out_row;
    for (int64_t c = 0; c < Ev; ++c) orow[c] = ar[c] * inv;
    lse[bh * a.L + i0 + r] = l > T(0) ? w.m[r] + std::log(l) : std::numeric_limits<T>::infinity();
  }
}

template <typename T>
void forward_typed(const AttentionArgs& a, T* out, const int64_t* out_off, int64_t out_row, T* lse) {
  const int64_t qblocks = (a.L + kBlockQ - 1) / kBlockQ;
  // ~ flops of one task; small problems stay on the calling thread.
  const double task_flops = 2.0 * double(std::min(a.L, kBlockQ)) * double(a.S) * double(a.E + a.Ev);
  const int64_t grain = std::max<int64_t>(1, static_cast<int64_t>(2e5 / std::max(1.0, task_flops)));
  parallel_for(0, a.batch_heads * qblocks, grain, [&](int64_t t0, int64_t t1) {
    ForwardScratch<T> w;
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t bh = t / qblocks, i0 = (t % qblocks) * kBlockQ;
      forward_block<T>(a, bh, i0, std::min(a.L, i0 + kBlockQ), out, out_off, out_row, lse, w);
    }
  });
}

template <typename T> struct BackwardScratch {
  std::vector<T> p, dp, pd, drop, delta;
};

template <typename T> void backward_one(const AttentionArgs& a, int64_t bh, const T* out, const int64_t* out_off,
                                        int64_t out_row, const T* lse_all, const T* grad, const int64_t* grad_off,
                                        int64_t grad_row, T* dq_all, T* dk_all, T* dv_all, T* dmask_all,
                                        BackwardScratch<T>& w) {
  const int64_t L = a.L, S = a.S, E = a.E, Ev = a.Ev;
  const T scale = static_cast<T>(a.scale);
  const bool dropout = a.dropout_p > 0;
  const T* q = static_cast<const T*>(a.q) + a.q_off[bh];
  const T* k = static_cast<const T*>(a.k) + a.k_off[bh];
  const T* v = static_cast<const T*>(a.v) + a.v_off[bh];
  const T* o = out + out_off[bh];
  const T* go = grad + grad_off[bh];
  const T* lse = lse_all + bh * L;
  T* dq = dq_all + bh * L * E;
  T* dk = dk_all + bh * S * E;
  T* dv = dv_all + bh * S * Ev;
  T* dmask = dmask_all ? dmask_all + bh * L * S : nullptr;
  std::fill(dq, dq + L * E, T(0));
  std::fill(dk, dk + S * E, T(0));
  std::fill(dv, dv + S * Ev, T(0));

  w.delta.resize(L);
  for (int64_t i = 0; i < L; ++i) { w.delta[i] = row_dot(o + i * out_row, go + i * grad_row, Ev); }
  w.p.resize(kBlockQ * kBlockK);
  w.dp.resize(kBlockQ * kBlockK);
  if (dropout) {
    w.pd.resize(kBlockQ * kBlockK);
    w.drop.resize(kBlockQ * kBlockK);
  }
  T* p = w.p.data();
  T* dp = w.dp.data();
  for (int64_t j0 = 0; j0 < S; j0 += kBlockK) {
    const int64_t bk = std::min(kBlockK, S - j0);
    // Causal: rows before j0 see none of these columns.
    const int64_t i_first = a.causal ? j0 / kBlockQ * kBlockQ : 0;
    for (int64_t i0 = i_first; i0 < L; i0 += kBlockQ) {
      const int64_t br = std::min(kBlockQ, L - i0);
      // Causal: columns from i0 + br on are masked for every row of this block
      // and add nothing to any gradient, so the tile stops there.
      const int64_t bc = a.causal ? std::min(bk, i0 + br - j0) : bk;
      if (bc <= 0) continue;  // (L < S: the last rows end before these columns)
      const T* qi = q + i0 * a.q_row;
      const T* goi = go + i0 * grad_row;
      mm<T>(br, bc, E, qi, a.q_row, 1, k + j0 * a.k_row, 1, a.k_row, p, bc, false);
      scale_and_mask<T>(a, bh, i0, br, j0, bc, p);
      for (int64_t r = 0; r < br; ++r) {
        T* __restrict__ pr = p + r * bc;
        const T m = lse[i0 + r];
        for (int64_t c = 0; c < bc; ++c) pr[c] = exp_or_zero(pr[c] - m);
      }
      const T* pdrop = p;
      if (dropout) {
        T* drop = w.drop.data();
        T* pd = w.pd.data();
        for (int64_t r = 0; r < br; ++r) dropout_scale_row<T>(a, bh, i0 + r, j0, bc, drop + r * bc);
        for (int64_t e = 0; e < br * bc; ++e) pd[e] = p[e] * drop[e];
        pdrop = pd;
      }
      // dV_j += P~^T dO_i
      mm<T>(bc, Ev, br, pdrop, 1, bc, goi, grad_row, 1, dv + j0 * Ev, Ev, true);
      // dP = dO_i V_j^T
      mm<T>(br, bc, Ev, goi, grad_row, 1, v + j0 * a.v_row, 1, a.v_row, dp, bc, false);
      if (dropout) {
        const T* drop = w.drop.data();
        for (int64_t e = 0; e < br * bc; ++e) dp[e] *= drop[e];
      }
      // dS = P * (dP - Delta), in place of dP.
      for (int64_t r = 0; r < br; ++r) {
        const T d = w.delta[i0 + r];
        T* __restrict__ dr = dp + r * bc;
        const T* __restrict__ pr = p + r * bc;
        if (dmask) {
          for (int64_t c = 0; c < bc; ++c) dr[c] = pr[c] * (dr[c] - d);
          std::copy(dr, dr + bc, dmask + (i0 + r) * S + j0);
          for (int64_t c = 0; c < bc; ++c) dr[c] *= scale;
        } else {
          for (int64_t c = 0; c < bc; ++c) dr[c] = pr[c] * (dr[c] - d) * scale;
        }
      }
      // dQ_i += dS K_j;  dK_j += dS^T Q_i
      mm<T>(br, E, bc, dp, bc, 1, k + j0 * a.k_row, a.k_row, 1, dq + i0 * E, E, true);
      mm<T>(bc, E, br, dp, 1, bc, qi, a.q_row, 1, dk + j0 * E, E, true);
    }
  }
}

template <typename T> void backward_typed(const AttentionArgs& a, const T* out, const int64_t* out_off, int64_t out_row,
                                          const T* lse, const T* grad, const int64_t* grad_off, int64_t grad_row, T* dq,
                                          T* dk, T* dv, T* dmask) {
  const double task_flops = 4.0 * double(a.L) * double(a.S) * double(a.E + a.Ev);
  const int64_t grain = std::max<int64_t>(1, static_cast<int64_t>(2e5 / std::max(1.0, task_flops)));
  parallel_for(0, a.batch_heads, grain, [&](int64_t b0, int64_t b1) {
    BackwardScratch<T> w;
    for (int64_t bh = b0; bh < b1; ++bh)
      backward_one<T>(a, bh, out, out_off, out_row, lse, grad, grad_off, grad_row, dq, dk, dv, dmask, w);
  });
}

}  // namespace attention_detail
}  // namespace

void attention_forward(const kernels::AttentionArgs& a, void* out, const int64_t* out_off, int64_t out_row, void* lse) {
  using namespace attention_detail;
  if (a.dtype == DType::Float32)
    forward_typed<float>(a, static_cast<float*>(out), out_off, out_row, static_cast<float*>(lse));
  else
    forward_typed<double>(a, static_cast<double*>(out), out_off, out_row, static_cast<double*>(lse));
}

void attention_backward(const kernels::AttentionArgs& a, const void* out, const int64_t* out_off, int64_t out_row,
                        const void* lse, const void* grad, const int64_t* grad_off, int64_t grad_row, void* dq,
                        void* dk, void* dv, void* dmask) {
  using namespace attention_detail;
  if (a.dtype == DType::Float32)
    backward_typed<float>(a, static_cast<const float*>(out), out_off, out_row, static_cast<const float*>(lse),
                          static_cast<const float*>(grad), grad_off, grad_row, static_cast<float*>(dq),
                          static_cast<float*>(dk), static_cast<float*>(dv), static_cast<float*>(dmask));
  else
    backward_typed<double>(a, static_cast<const double*>(out), out_off, out_row, static_cast<const double*>(lse),
                           static_cast<const double*>(grad), grad_off, grad_row, static_cast<double*>(dq),
                           static_cast<double*>(dk), static_cast<double*>(dv), static_cast<double*>(dmask));
}

}  // namespace tc::cpu::TC_CAP
