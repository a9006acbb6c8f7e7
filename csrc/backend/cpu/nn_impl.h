#pragma once
// nn loop bodies (backend/kernels_nn.h), compiled once per instruction set
// (TC_CAP). Loops are written so GCC vectorizes them: restrict-qualified row
// pointers, branch-free transcendentals, and sums kept in kLanes independent
// accumulators so no floating-point reassociation is needed. float32 exp and
// erf are evaluated in float (cpu/float_math.h), tanh in double (functors.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "backend/cpu/activation_impl.h"
#include "backend/cpu/float_math.h"
#include "backend/functors.h"
#include "backend/kernels_nn.h"
#include "core/error.h"
#include "core/parallel.h"

namespace tc::cpu::TC_CAP {

using kernels::Activation;
using kernels::PointwiseLoss;

namespace {

constexpr int64_t kGrain = 16384;  // elements of work per parallel chunk
constexpr int kLanes = 16;
constexpr int64_t kTile = 256;  // inner positions per work item of a strided softmax

int64_t rows_grain(int64_t len) { return std::max<int64_t>(1, kGrain / std::max<int64_t>(len, 1)); }

// Sum of f(0) + ... + f(n - 1) in kLanes accumulators of type Acc, folded
// pairwise at the end: the order depends only on n.
template <typename Acc, typename F> Acc lane_sum(int64_t n, F f) {
  Acc acc[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) acc[l] += f(i + l);
  Acc tail = 0;
  for (; i < n; ++i) tail += f(i);
  for (int w = kLanes / 2; w > 0; w /= 2)
    for (int l = 0; l < w; ++l) acc[l] += acc[l + w];
  return acc[0] + tail;
}

// Largest element (NaN is skipped here; it still reaches every output
// through the sum of exponentials, as in PyTorch). Written with GCC vector
// types: the compiler would not vectorize the select-based max of scalar
// lanes (a max reduction needs no-NaN semantics it cannot assume).
template <typename T> T row_max(const T* __restrict x, int64_t n) {
  constexpr int W = 32 / sizeof(T);
  typedef T V __attribute__((vector_size(32)));
  constexpr T kNegInf = -std::numeric_limits<T>::infinity();
  V m0, m1;
  for (int l = 0; l < W; ++l) m0[l] = m1[l] = kNegInf;
  int64_t i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    V a, b;
    __builtin_memcpy(&a, x + i, sizeof(V));
    __builtin_memcpy(&b, x + i + W, sizeof(V));
    m0 = a > m0 ? a : m0;
    m1 = b > m1 ? b : m1;
  }
  T r = kNegInf;
  for (int l = 0; l < W; ++l) {
    r = m0[l] > r ? m0[l] : r;
    r = m1[l] > r ? m1[l] : r;
  }
  for (; i < n; ++i) r = x[i] > r ? x[i] : r;
  return r;
}

template <typename T> T exp_t(T a) {
  if constexpr (std::is_same_v<T, float>)
    return exp_f32_fast(a);
  else
    return fn::Exp{}(a);
}

template <typename T> T erf_t(T a) {
  if constexpr (std::is_same_v<T, float>)
    return erf_f32(a);
  else
    return std::erf(a);
}

// ---- softmax, one contiguous line (inner == 1) ----

template <typename T> void softmax_row(const T* __restrict x, T* __restrict y, int64_t n, bool log) {
  const T m = row_max(x, n);
  for (int64_t i = 0; i < n; ++i) y[i] = exp_t<T>(x[i] - m);  // y doubles as scratch for log_softmax
  const T s = lane_sum<T>(n, [&](int64_t i) { return y[i]; });
  if (log) {
    const T lse = m + std::log(s);
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] - lse;
  } else {
    const T inv = T(1) / s;
    for (int64_t i = 0; i < n; ++i) y[i] *= inv;
  }
}

template <typename T>
void softmax_backward_row(const T* __restrict g, const T* __restrict y, T* __restrict gx, int64_t n, bool log) {
  if (log) {
    const T s = lane_sum<T>(n, [&](int64_t i) { return g[i]; });
    for (int64_t i = 0; i < n; ++i) gx[i] = g[i] - exp_t<T>(y[i]) * s;
  } else {
    const T dot = lane_sum<T>(n, [&](int64_t i) { return g[i] * y[i]; });
    for (int64_t i = 0; i < n; ++i) gx[i] = y[i] * (g[i] - dot);
  }
}

// ---- softmax across a strided dim: w (<= kTile) adjacent lines at once ----
// Line j of the tile is x[l * inner + j], l < len; every line is folded in
// order of l, so the result is the same whatever the tiling.

template <typename T>
void softmax_tile(const T* __restrict x, T* __restrict y, int64_t len, int64_t inner, int64_t w, bool log) {
  T m[kTile], s[kTile];
  for (int64_t j = 0; j < w; ++j) m[j] = -std::numeric_limits<T>::infinity(), s[j] = T(0);
  for (int64_t l = 0; l < len; ++l) {
    const T* __restrict xl = x + l * inner;
    for (int64_t j = 0; j < w; ++j) m[j] = xl[j] > m[j] ? xl[j] : m[j];
  }
  for (int64_t l = 0; l < len; ++l) {
    const T* __restrict xl = x + l * inner;
    T* __restrict yl = y + l * inner;
    for (int64_t j = 0; j < w; ++j) {
      yl[j] = exp_t<T>(xl[j] - m[j]);
      s[j] += yl[j];
    }
  }
  if (log) {
    for (int64_t j = 0; j < w; ++j) s[j] = m[j] + std::log(s[j]);
    for (int64_t l = 0; l < len; ++l)
      for (int64_t j = 0; j < w; ++j) y[l * inner + j] = x[l * inner + j] - s[j];
  } else {
    for (int64_t j = 0; j < w; ++j) s[j] = T(1) / s[j];
    for (int64_t l = 0; l < len; ++l)
      for (int64_t j = 0; j < w; ++j) y[l * inner + j] *= s[j];
  }
}

template <typename T> void softmax_backward_tile(const T* __restrict g, const T* __restrict y, T* __restrict gx,
                                                 int64_t len, int64_t inner, int64_t w, bool log) {
  T s[kTile];
  for (int64_t j = 0; j < w; ++j) s[j] = T(0);
  for (int64_t l = 0; l < len; ++l) {
    const T* __restrict gl = g + l * inner;
    const T* __restrict yl = y + l * inner;
    if (log)
      for (int64_t j = 0; j < w; ++j) s[j] += gl[j];
    else
      for (int64_t j = 0; j < w; ++j) s[j] += gl[j] * yl[j];
  }
  for (int64_t l = 0; l < len; ++l) {
    const T* __restrict gl = g + l * inner;
    const T* __restrict yl = y + l * inner;
    T* __restrict ol = gx + l * inner;
    if (log)
      for (int64_t j = 0; j < w; ++j) ol[j] = gl[j] - exp_t<T>(yl[j]) * s[j];
    else
      for (int64_t j = 0; j < w; ++j) ol[j] = yl[j] * (gl[j] - s[j]);
  }
}

// Runs row(line offset) over every contiguous line, or tile(offset, width)
// over every strided tile, in parallel.
template <typename Row, typename Tile> void for_lines(int64_t outer, int64_t len, int64_t inner, Row row, Tile tile) {
  if (inner == 1) {
    parallel_for(0, outer, rows_grain(len), [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) row(r * len);
    });
    return;
  }
  const int64_t tiles = (inner + kTile - 1) / kTile;
  parallel_for(0, outer * tiles, rows_grain(len * std::min(inner, kTile)), [&](int64_t b, int64_t e) {
    for (int64_t it = b; it < e; ++it) {
      const int64_t o = it / tiles, j0 = (it % tiles) * kTile;
      tile(o * len * inner + j0, std::min(kTile, inner - j0));
    }
  });
}

// ---- activations ----

template <typename T> void gelu_forward_chunk(const T* __restrict x, T* __restrict y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    // h * erf + h rather than h * (1 + erf): where erf is -1 the result is
    // +0, not -0, which is what PyTorch returns (and prints).
    const T h = x[i] * T(0.5);
    y[i] = h * erf_t<T>(x[i] * T(M_SQRT1_2)) + h;
  }
}

template <typename T> void gelu_tanh_forward_chunk(const T* __restrict x, T* __restrict y, int64_t n) {
  const T kBeta = T(M_SQRT2 * M_2_SQRTPI * 0.5), kKappa = T(0.044715);
  for (int64_t i = 0; i < n; ++i) {
    const T v = x[i];
    const T inner = kBeta * (v + kKappa * v * v * v);
    y[i] = T(0.5) * v * (T(1) + fn::Tanh{}(inner));
  }
}

template <typename T>
void gelu_backward_chunk(const T* __restrict g, const T* __restrict x, T* __restrict gx, int64_t n) {
  const T kAlpha = T(M_2_SQRTPI * M_SQRT1_2 * 0.5);
  for (int64_t i = 0; i < n; ++i) {
    const T v = x[i];
    const T cdf = T(0.5) * (T(1) + erf_t<T>(v * T(M_SQRT1_2)));
    const T pdf = kAlpha * exp_t<T>(T(-0.5) * v * v);
    gx[i] = g[i] * (cdf + v * pdf);
  }
}

template <typename T>
void gelu_tanh_backward_chunk(const T* __restrict g, const T* __restrict x, T* __restrict gx, int64_t n) {
  const T kBeta = T(M_SQRT2 * M_2_SQRTPI * 0.5), kKappa = T(0.044715);
  for (int64_t i = 0; i < n; ++i) {
    const T v = x[i];
    const T x_sq = v * v;
    const T inner = kBeta * (v + kKappa * x_sq * v);
    const T th = fn::Tanh{}(inner);
    const T left_d = T(0.5) * (T(1) + th);
    const T right_d = T(0.5) * v * (T(1) - th * th) * kBeta * (T(1) + T(3) * kKappa * x_sq);
    gx[i] = g[i] * (left_d + right_d);
  }
}

// Calls f(begin, count) over [0, n) in parallel chunks of kGrain elements.
template <typename F> void for_chunks(int64_t n, F f) {
  parallel_for(0, n, kGrain, [&](int64_t b, int64_t e) { f(b, e - b); });
}

template <typename F> void dispatch_float(DType dt, F f) {
  if (dt == DType::Float32)
    f(float{});
  else if (dt == DType::Float64)
    f(double{});
  else
    TC_INTERNAL_ASSERT(false);
}

// ---- layer_norm ----

// Note [Shifted variance]
// Mean and variance in one pass over the row: sums of d = x - K and d^2 in
// double, with K = x[0], then M var = S2 - S1^2 / M. The subtraction cancels
// by a factor (K - mean)^2 / var at most, and because K is an element of the
// row, (K - mean)^2 <= M var: at most log10(M) of double's 16 digits are
// lost, whatever the row's offset (the unshifted E[x^2] - mean^2 would lose
// everything on a row of 1000 + 1e-3 noise).
template <typename T, bool HasW, bool HasB> void layer_norm_row(const T* __restrict x, const T* __restrict w,
                                                                const T* __restrict b, T* __restrict y, int64_t M,
                                                                double eps, T* mean, T* rstd) {
  const double k = static_cast<double>(x[0]);
  double s1[kLanes] = {}, s2[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= M; i += kLanes)
    for (int l = 0; l < kLanes; ++l) {
      const double d = static_cast<double>(x[i + l]) - k;
      s1[l] += d;
      s2[l] += d * d;
    }
  double t1 = 0, t2 = 0;
  for (; i < M; ++i) {
    const double d = static_cast<double>(x[i]) - k;
    t1 += d;
    t2 += d * d;
  }
  for (int wdt = kLanes / 2; wdt > 0; wdt /= 2)
    for (int l = 0; l < wdt; ++l) s1[l] += s1[l + wdt], s2[l] += s2[l + wdt];
  const double S1 = s1[0] + t1, S2 = s2[0] + t2;
  const double mu = k + S1 / M;
  const double ss = std::max(0.0, S2 - S1 * S1 / M);
  const T r = static_cast<T>(1.0 / std::sqrt(ss / M + eps));
  const T m = static_cast<T>(mu);
  *mean = m;
  *rstd = r;
  for (int64_t i = 0; i < M; ++i) {
    T v = (x[i] - m) * r;
    if constexpr (HasW) v = v * w[i];
    if constexpr (HasB) v = v + b[i];
    y[i] = v;
  }
}

// One row of the backward: gx (when wanted) and the row's terms added into
// the block partials pw (sum g * xhat) and pb (sum g) when not null.
template <typename T, bool HasW> void layer_norm_backward_row(const T* __restrict g, const T* __restrict x,
                                                              const T* __restrict w, T m, T r, int64_t M,
                                                              T* __restrict gx, T* __restrict pw, T* __restrict pb) {
  if (pw && pb)
    for (int64_t i = 0; i < M; ++i) {
      pw[i] += g[i] * ((x[i] - m) * r);
      pb[i] += g[i];
    }
  else if (pw)
    for (int64_t i = 0; i < M; ++i) pw[i] += g[i] * ((x[i] - m) * r);
  else if (pb)
    for (int64_t i = 0; i < M; ++i) pb[i] += g[i];
  if (!gx) return;
  auto gxhat = [&](int64_t i) {
    if constexpr (HasW)
      return g[i] * w[i];
    else
      return g[i];
  };
  const double a = lane_sum<double>(M, [&](int64_t i) { return static_cast<double>(gxhat(i)); }) / M;
  const double bb =
      lane_sum<double>(M,
                       [&](int64_t i) { return static_cast<double>(gxhat(i)) * static_cast<double>((x[i] - m) * r); }) /
      M;
  const T at = static_cast<T>(a), bt = static_cast<T>(bb);
  for (int64_t i = 0; i < M; ++i) gx[i] = r * ((gxhat(i) - at) - ((x[i] - m) * r) * bt);
}

// Note [LayerNorm weight gradient blocks]
// gw and gb sum over rows. Rows are cut into blocks of kNormBlock (a constant,
// not a per-thread split); each block sums its rows in order into its own
// partial, and the partials are added pairwise, column by column. The
// grouping depends only on the row count.
constexpr int64_t kNormBlock = 64;

template <typename T> void layer_norm_backward_impl(int64_t rows, int64_t M, const T* g, const T* x, const T* mean,
                                                    const T* rstd, const T* w, T* gx, T* gw, T* gb) {
  const int64_t nb = (rows + kNormBlock - 1) / kNormBlock;
  std::vector<T> pw(gw ? nb * M : 0, T(0)), pb(gb ? nb * M : 0, T(0));
  parallel_for(0, nb, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, kNormBlock * M)), [&](int64_t b, int64_t e) {
    for (int64_t blk = b; blk < e; ++blk) {
      T* bw = gw ? pw.data() + blk * M : nullptr;
      T* bbias = gb ? pb.data() + blk * M : nullptr;
      for (int64_t r = blk * kNormBlock; r < std::min(rows, (blk + 1) * kNormBlock); ++r) {
        T* gxr = gx ? gx + r * M : nullptr;
        if (w)
          layer_norm_backward_row<T, true>(g + r * M, x + r * M, w, mean[r], rstd[r], M, gxr, bw, bbias);
        else
          layer_norm_backward_row<T, false>(g + r * M, x + r * M, w, mean[r], rstd[r], M, gxr, bw, bbias);
      }
    }
  });
  auto fold = [&](std::vector<T>& p, T* dst) {
    if (!dst) return;
    if (nb == 0) {
      std::fill(dst, dst + M, T(0));
      return;
    }
    parallel_for(0, M, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, nb)), [&](int64_t cb, int64_t ce) {
      for (int64_t step = 1; step < nb; step *= 2)
        for (int64_t i = 0; i + step < nb; i += 2 * step) {
          T* __restrict d = p.data() + i * M;
          const T* __restrict s = p.data() + (i + step) * M;
          for (int64_t c = cb; c < ce; ++c) d[c] += s[c];
        }
      std::copy(p.data() + cb, p.data() + ce, dst + cb);
    });
  };
  fold(pw, gw);
  fold(pb, gb);
}

// ---- pointwise losses ----

template <typename T>
void mse_chunk(const T* __restrict x, const T* __restrict y, const T* __restrict w, T* __restrict o, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const T d = x[i] - y[i];
    o[i] = w ? d * d * w[i] : d * d;
  }
}

template <typename T>
void bce_chunk(const T* __restrict x, const T* __restrict y, const T* __restrict w, T* __restrict o, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const T log_x = std::max(std::log(x[i]), T(-100));
    const T log_1mx = std::max(std::log1p(-x[i]), T(-100));
    const T l = (y[i] - T(1)) * log_1mx - y[i] * log_x;
    o[i] = w ? l * w[i] : l;
  }
}

template <typename T> void bce_logits_chunk(const T* __restrict x, const T* __restrict y, const T* __restrict w,
                                            const T* __restrict pw, T* __restrict o, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const T v = x[i];
    // log(sigmoid(v)) without overflow: min(v, 0) - log1p(exp(-|v|))
    T ls = std::min(v, T(0)) - std::log1p(std::exp(-std::abs(v)));
    if (pw) ls = ls * ((pw[i] - T(1)) * y[i] + T(1));
    const T l = (T(1) - y[i]) * v - ls;
    o[i] = w ? l * w[i] : l;
  }
}

}  // namespace

void softmax_forward(DType dt, bool log, const void* x, void* y, int64_t outer, int64_t len, int64_t inner) {
  dispatch_float(dt, [&](auto tag) {
    using T = decltype(tag);
    const T* xp = static_cast<const T*>(x);
    T* yp = static_cast<T*>(y);
    for_lines(
        outer, len, inner, [&](int64_t off) { softmax_row<T>(xp + off, yp + off, len, log); },
        [&](int64_t off, int64_t w) { softmax_tile<T>(xp + off, yp + off, len, inner, w, log); });
  });
}

void softmax_backward(DType dt, bool log, const void* g, const void* y, void* gx, int64_t outer, int64_t len,
                      int64_t inner) {
  dispatch_float(dt, [&](auto tag) {
    using T = decltype(tag);
    const T* gp = static_cast<const T*>(g);
    const T* yp = static_cast<const T*>(y);
    T* op = static_cast<T*>(gx);
    for_lines(
        outer, len, inner, [&](int64_t off) { softmax_backward_row<T>(gp + off, yp + off, op + off, len, log); },
        [&](int64_t off, int64_t w) { softmax_backward_tile<T>(gp + off, yp + off, op + off, len, inner, w, log); });
  });
}

void activation_forward(Activation act, DType dt, int64_t n, const void* x, void* y, kernels::ActivationParams p) {
  dispatch_float(dt, [&](auto tag) {
    using T = decltype(tag);
    const T* xp = static_cast<const T*>(x);
    T* yp = static_cast<T*>(y);
    if (act == Activation::Gelu || act == Activation::GeluTanh) {
      TC_INTERNAL_ASSERT(x != y);
      for_chunks(n, [&](int64_t b, int64_t m) {
        if (act == Activation::Gelu)
          gelu_forward_chunk<T>(xp + b, yp + b, m);
        else
          gelu_tanh_forward_chunk<T>(xp + b, yp + b, m);
      });
      return;
    }
    activation_math::with_kind(act, [&](auto kind) {
      for_chunks(n, [&](int64_t b, int64_t m) {
        if (xp == yp)
          activation_math::forward_chunk_inplace<decltype(kind)::value, T>(yp + b, m, p);
        else
          activation_math::forward_chunk<decltype(kind)::value, T>(xp + b, yp + b, m, p);
      });
    });
  });
}

void activation_backward(Activation act, DType dt, int64_t n, const void* g, const void* x, void* gx,
                         kernels::ActivationParams p, bool from_result) {
  dispatch_float(dt, [&](auto tag) {
    using T = decltype(tag);
    const T* gp = static_cast<const T*>(g);
    const T* xp = static_cast<const T*>(x);
    T* op = static_cast<T*>(gx);
    if (act == Activation::Gelu || act == Activation::GeluTanh) {
      for_chunks(n, [&](int64_t b, int64_t m) {
        if (act == Activation::Gelu)
          gelu_backward_chunk<T>(gp + b, xp + b, op + b, m);
        else
          gelu_tanh_backward_chunk<T>(gp + b, xp + b, op + b, m);
      });
      return;
    }
    activation_math::with_kind(act, [&](auto kind) {
      for_chunks(n, [&](int64_t b, int64_t m) {
        activation_math::backward_chunk<decltype(kind)::value, T>(gp + b, xp + b, op + b, m, p, from_result);
      });
    });
  });
}

void layer_norm_forward(DType dt, int64_t rows, int64_t M, const void* x, const void* w, const void* b, double eps,
                        void* y, void* mean, void* rstd) {
  dispatch_float(dt, [&](auto tag) {
    using T = decltype(tag);
    const T* xp = static_cast<const T*>(x);
    const T* wp = static_cast<const T*>(w);
    const T* bp = static_cast<const T*>(b);
    T* yp = static_cast<T*>(y);
    T* mp = static_cast<T*>(mean);
    T* rp = static_cast<T*>(rstd);
    parallel_for(0, rows, rows_grain(M), [&](int64_t rb, int64_t re) {
      for (int64_t r = rb; r < re; ++r) {
        const T* xr = xp + r * M;
        T* yr = yp + r * M;
        if (wp && bp)
          layer_norm_row<T, true, true>(xr, wp, bp, yr, M, eps, mp + r, rp + r);
        else if (wp)
          layer_norm_row<T, true, false>(xr, wp, bp, yr, M, eps, mp + r, rp + r);
        else if (bp)
          layer_norm_row<T, false, true>(xr, wp, bp, yr, M, eps, mp + r, rp + r);
        else
          layer_norm_row<T, false, false>(xr, wp, bp, yr, M, eps, mp + r, rp + r);
      }
    });
  });
}

void layer_norm_backward(DType dt, int64_t rows, int64_t M, const void* g, const void* x, const void* mean,
                         const void* rstd, const void* w, void* gx, void* gw, void* gb) {
  dispatch_float(dt, [&](auto tag) {
    using T = decltype(tag);
    layer_norm_backward_impl<T>(rows, M, static_cast<const T*>(g), static_cast<const T*>(x),
                                static_cast<const T*>(mean), static_cast<const T*>(rstd), static_cast<const T*>(w),
                                static_cast<T*>(gx), static_cast<T*>(gw), static_cast<T*>(gb));
  });
}

bool pointwise_loss(PointwiseLoss loss, DType dt, int64_t n, const void* x, const void* y, const void* w,
                    const void* pos_weight, void* out) {
  bool ok = true;
  dispatch_float(dt, [&](auto tag) {
    using T = decltype(tag);
    const T* xp = static_cast<const T*>(x);
    const T* yp = static_cast<const T*>(y);
    const T* wp = static_cast<const T*>(w);
    const T* pp = static_cast<const T*>(pos_weight);
    T* op = static_cast<T*>(out);
    if (loss == PointwiseLoss::BinaryCrossEntropy) {
      bool bad = false;
      for (int64_t i = 0; i < n; ++i) bad |= !(xp[i] >= T(0) && xp[i] <= T(1));
      if (bad) {
        ok = false;
        return;
      }
    }
    for_chunks(n, [&](int64_t b, int64_t m) {
      switch (loss) {
        case PointwiseLoss::Mse:
          mse_chunk<T>(xp + b, yp + b, wp ? wp + b : nullptr, op + b, m);
          break;
        case PointwiseLoss::BinaryCrossEntropy:
          bce_chunk<T>(xp + b, yp + b, wp ? wp + b : nullptr, op + b, m);
          break;
        case PointwiseLoss::BinaryCrossEntropyWithLogits:
          bce_logits_chunk<T>(xp + b, yp + b, wp ? wp + b : nullptr, pp ? pp + b : nullptr, op + b, m);
          break;
      }
    });
  });
  return ok;
}

// Serial over (n, r) so the weight sum is accumulated in one fixed order.
bool nll_loss_forward(DType dt, int64_t N, int64_t C, int64_t R, const void* logp, const int64_t* target, const void* w,
                      int64_t ignore_index, void* out, double* weight_sum, int64_t* bad_target) {
  bool ok = true;
  dispatch_float(dt, [&](auto tag) {
    using T = decltype(tag);
    const T* x = static_cast<const T*>(logp);
    const T* wp = static_cast<const T*>(w);
    T* o = static_cast<T*>(out);
    double wsum = 0;
    for (int64_t n = 0; n < N && ok; ++n)
      for (int64_t r = 0; r < R; ++r) {
        const int64_t c = target[n * R + r];
        if (c == ignore_index) {
          o[n * R + r] = T(0);
          continue;
        }
        if (c < 0 || c >= C) {
          *bad_target = c;
          ok = false;
          break;
        }
        const T wc = wp ? wp[c] : T(1);
        o[n * R + r] = -x[(n * C + c) * R + r] * wc;
        wsum += wc;
      }
    *weight_sum = wsum;
  });
  return ok;
}

// out = g * (1 - y * y) with 1 - y * y rounded once (a fused multiply-add),
// tanh's gradient from its result as PyTorch's CPU kernel computes it (its
// compiler contracts `one - b * b`), so the gradients agree bit for bit.
void tanh_backward(DType dt, int64_t n, const void* g, const void* y, void* out) {
  dispatch_float(dt, [&](auto tag) {
    using T = decltype(tag);
    const T* gp = static_cast<const T*>(g);
    const T* yp = static_cast<const T*>(y);
    T* op = static_cast<T*>(out);
    for_chunks(n, [&](int64_t b, int64_t m) {
      for (int64_t i = b; i < b + m; ++i) op[i] = gp[i] * std::fma(-yp[i], yp[i], T(1));
    });
  });
}

// grad_in = 0 except grad_in[n, target, r] = w[target] * -g, g being
// grad_out[n, r] (reduction none) or grad_out[0] (sum), divided by the weight
// sum (mean) first: PyTorch's nll_loss_backward, value for value.
void nll_loss_backward(DType dt, int64_t N, int64_t C, int64_t R, const int64_t* target, const void* w,
                       int64_t ignore_index, const void* grad_out, bool per_element, const void* weight_sum,
                       void* grad_in) {
  dispatch_float(dt, [&](auto tag) {
    using T = decltype(tag);
    const T* wp = static_cast<const T*>(w);
    const T* go = static_cast<const T*>(grad_out);
    T* gi = static_cast<T*>(grad_in);
    std::fill(gi, gi + N * C * R, T(0));
    const T scalar = per_element ? T(0) : weight_sum ? go[0] / *static_cast<const T*>(weight_sum) : go[0];
    for (int64_t n = 0; n < N; ++n)
      for (int64_t r = 0; r < R; ++r) {
        const int64_t c = target[n * R + r];
        if (c == ignore_index) continue;
        const T g = -(per_element ? go[n * R + r] : scalar);
        gi[(n * C + c) * R + r] = wp ? wp[c] * g : g;
      }
  });
}

}  // namespace tc::cpu::TC_CAP
