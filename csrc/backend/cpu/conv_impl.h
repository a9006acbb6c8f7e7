#pragma once
// Convolution and pooling loop bodies (backend/kernels_conv.h), compiled once
// per instruction set (TC_CAP). Convolutions follow Note [Convolution as
// im2col + GEMM]: one image at a time, its cols buffer (a few hundred KB for
// the usual layer) stays in cache between im2col and the GEMM that reads it;
// the backward takes several images per GEMM where the images are small (Note
// [Image blocks in the convolution backward]).
// Images are split over threads; the GEMMs run inside that split, so they
// run on one thread each (parallel_for does not nest) and a batch of one
// still gets a threaded GEMM.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>

#include "backend/kernels_conv.h"
#include "core/parallel.h"

namespace tc::cpu::TC_CAP {

// The GEMM compiled for the same instruction set (cpu/gemm_impl.h).
void gemm(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t a_r, int64_t a_c, const void* b,
          int64_t b_r, int64_t b_c, void* c, int64_t c_r, bool accumulate);

namespace {
namespace conv_detail {

using kernels::ConvGeometry;
using kernels::PoolGeometry;

int64_t ceil_div_pos(int64_t a, int64_t b) { return a <= 0 ? 0 : (a + b - 1) / b; }

// Output columns [lo, hi) whose input column ow*s - p + off lies in [0, size).
void valid_range(int64_t size, int64_t out, int64_t s, int64_t p, int64_t off, int64_t& lo, int64_t& hi) {
  lo = std::min(out, ceil_div_pos(p - off, s));
  hi = std::max(lo, std::min(out, ceil_div_pos(size + p - off, s)));
}

// True when cols would equal the input (1x1 kernel, stride 1, no padding):
// the GEMMs then read the input directly.
bool cols_are_input(const ConvGeometry& g) {
  return g.KH == 1 && g.KW == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0 && g.OH == g.H && g.OW == g.W;
}

// Visits every (cols row, input row) pair of one image: f(row_ptr_offset,
// plane_offset_of_input_row, ow_lo, ow_hi, col0) where the input element of
// output column ow (lo <= ow < hi) is plane[ih*W + ow*sw + col0]; rows whose
// input row is outside the input get ih < 0 (f must zero / skip them). The
// cols rows are `ld` apart: L for one image's cols, more when several images'
// cols sit side by side (Note [Image blocks in the convolution]).
template <typename F> void for_each_cols_row(const ConvGeometry& g, int64_t ld, F&& f) {
  const int64_t L = ld;
  for (int64_t c = 0; c < g.C; ++c)
    for (int64_t kh = 0; kh < g.KH; ++kh)
      for (int64_t kw = 0; kw < g.KW; ++kw) {
        int64_t lo, hi;
        valid_range(g.W, g.OW, g.sw, g.pw, kw * g.dw, lo, hi);
        const int64_t row = ((c * g.KH + kh) * g.KW + kw) * L;
        for (int64_t oh = 0; oh < g.OH; ++oh) {
          const int64_t ih = oh * g.sh - g.ph + kh * g.dh;
          const bool inside = ih >= 0 && ih < g.H;
          f(row + oh * g.OW, inside ? (c * g.H + ih) * g.W : -1, lo, hi, kw * g.dw - g.pw);
        }
      }
}

template <typename T> void im2col_image(const ConvGeometry& g, const T* __restrict x, T* __restrict cols, int64_t ld) {
  const int64_t OW = g.OW, sw = g.sw;
  for_each_cols_row(g, ld, [&](int64_t r, int64_t in, int64_t lo, int64_t hi, int64_t col0) {
    T* __restrict dst = cols + r;
    if (in < 0) {
      std::fill(dst, dst + OW, T(0));
      return;
    }
    const T* __restrict src = x + in + col0;
    std::fill(dst, dst + lo, T(0));
    if (sw == 1)
      std::copy(src + lo, src + hi, dst + lo);
    else
      for (int64_t ow = lo; ow < hi; ++ow) dst[ow] = src[ow * sw];
    std::fill(dst + hi, dst + OW, T(0));
  });
}

// Adds cols back into x (which the caller zeroed).
template <typename T> void col2im_image(const ConvGeometry& g, const T* __restrict cols, T* __restrict x, int64_t ld) {
  const int64_t sw = g.sw;
  for_each_cols_row(g, ld, [&](int64_t r, int64_t in, int64_t lo, int64_t hi, int64_t col0) {
    if (in < 0) return;
    const T* __restrict src = cols + r;
    T* __restrict dst = x + in + col0;
    if (sw == 1)
      for (int64_t ow = lo; ow < hi; ++ow) dst[ow] += src[ow];
    else
      for (int64_t ow = lo; ow < hi; ++ow) dst[ow * sw] += src[ow];
  });
}

// A scratch buffer of n elements per parallel chunk (uninitialised).
template <typename T> std::unique_ptr<T[]> scratch(int64_t n) {
  return std::unique_ptr<T[]>(new T[static_cast<size_t>(std::max<int64_t>(n, 1))]);
}

// out [m, n] = w [m, k] @ cols [k, n], all row-major: the GEMM for float
// types; integer convolutions (no autograd, rare) take a plain loop.
template <typename T> void forward_gemm(int64_t m, int64_t n, int64_t k, const T* w, const T* cols, T* out) {
  if constexpr (std::is_floating_point_v<T>) {
    gemm(dtype_of<T>::value, m, n, k, w, k, 1, cols, n, 1, out, n, false);
  } else {
    for (int64_t i = 0; i < m; ++i) {
      T* __restrict c = out + i * n;
      std::fill(c, c + n, T(0));
      for (int64_t p = 0; p < k; ++p) {
        const T a = w[i * k + p];
        const T* __restrict b = cols + p * n;
        for (int64_t j = 0; j < n; ++j) c[j] += a * b[j];
      }
    }
  }
}

// Note [Image blocks in the convolution]
// One GEMM per image has an inner size (weight gradient) or a column count
// (forward, input gradient) of L = OH*OW, which is 1 .. 16 in the last layers
// of a convnet: each such GEMM rereads the whole weight, or rewrites the whole
// weight gradient (512 x 4608 floats for a 512-channel 3x3 layer), once per
// image, which made that layer's backward 8x PyTorch's time. The convolution
// therefore works on blocks of images whose cols (and outputs or output
// gradients) sit side by side, row stride cnt * L, so that each GEMM sees
// about kBlockColumns columns; images of L >= kBlockColumns go one at a time
// as before. The block size depends on the shape only, and the weight
// gradient still sums its per-block partials in a fixed order, so results do
// not depend on the thread count.
constexpr int64_t kBlockColumns = 256;

int64_t images_per_block(const ConvGeometry& g) {
  const int64_t L = std::max<int64_t>(1, g.OH * g.OW);
  return std::max<int64_t>(1, std::min(g.N, (kBlockColumns + L - 1) / L));
}

// The cols of images [n0, n0 + cnt), side by side with row stride cnt * L, in
// buf; a single image whose cols are the input itself is read in place.
template <typename T>
const T* block_cols(const ConvGeometry& g, const T* x, int64_t n0, int64_t cnt, bool direct, T* buf) {
  const int64_t L = g.OH * g.OW, CHW = g.C * g.H * g.W;
  if (cnt == 1 && direct) return x + n0 * CHW;
  for (int64_t j = 0; j < cnt; ++j) im2col_image(g, x + (n0 + j) * CHW, buf + j * L, cnt * L);
  return buf;
}

template <typename T> void conv_forward(const ConvGeometry& g, const T* x, const T* w, const T* bias, T* out) {
  const int64_t L = g.OH * g.OW, Og = g.O / g.groups, K = g.C / g.groups * g.KH * g.KW;
  const bool direct = cols_are_input(g);
  const int64_t nb = images_per_block(g), blocks = (g.N + nb - 1) / nb;
  parallel_for(0, blocks, 1, [&](int64_t b, int64_t e) {
    auto buf = scratch<T>(direct && nb == 1 ? 0 : g.groups * K * L * nb);
    auto obuf = scratch<T>(nb == 1 ? 0 : g.O * L * nb);
    for (int64_t blk = b; blk < e; ++blk) {
      const int64_t n0 = blk * nb, cnt = std::min(nb, g.N - n0), ld = cnt * L;
      const T* cols = block_cols(g, x, n0, cnt, direct, buf.get());
      T* o = cnt > 1 ? obuf.get() : out + n0 * g.O * L;
      for (int64_t gi = 0; gi < g.groups; ++gi)
        forward_gemm<T>(Og, ld, K, w + gi * Og * K, cols + gi * K * ld, o + gi * Og * ld);
      for (int64_t j = 0; j < cnt; ++j)
        for (int64_t oc = 0; oc < g.O; ++oc) {
          T* __restrict row = out + ((n0 + j) * g.O + oc) * L;
          if (cnt > 1) std::copy(o + oc * ld + j * L, o + oc * ld + (j + 1) * L, row);
          if (bias) {
            const T bv = bias[oc];
            for (int64_t l = 0; l < L; ++l) row[l] += bv;
          }
        }
    }
  });
}

// Gathers the output gradients of images [n0, n0 + cnt) into [O, cnt * L] (row stride ld = cnt * L).
template <typename T> void gather_grad_out(const ConvGeometry& g, const T* gout, int64_t n0, int64_t cnt, T* dst) {
  const int64_t L = g.OH * g.OW, ld = cnt * L;
  for (int64_t j = 0; j < cnt; ++j)
    for (int64_t o = 0; o < g.O; ++o) {
      const T* src = gout + ((n0 + j) * g.O + o) * L;
      std::copy(src, src + L, dst + o * ld + j * L);
    }
}

template <typename T> void conv_backward_input(const ConvGeometry& g, const T* gout, const T* w, T* gx) {
  const int64_t L = g.OH * g.OW, Og = g.O / g.groups, K = g.C / g.groups * g.KH * g.KW, HW = g.H * g.W;
  const bool direct = cols_are_input(g);
  const int64_t nb = images_per_block(g), blocks = (g.N + nb - 1) / nb;
  parallel_for(0, blocks, 1, [&](int64_t b, int64_t e) {
    auto buf = scratch<T>(direct && nb == 1 ? 0 : g.groups * K * L * nb);
    auto gbuf = scratch<T>(nb == 1 ? 0 : g.O * L * nb);
    for (int64_t blk = b; blk < e; ++blk) {
      const int64_t n0 = blk * nb, cnt = std::min(nb, g.N - n0), ld = cnt * L;
      T* dx0 = gx + n0 * g.C * HW;
      const bool in_place = direct && cnt == 1;  // dcols is the input gradient itself
      T* dcols = in_place ? dx0 : buf.get();
      const T* go = gout + n0 * g.O * L;
      if (cnt > 1) {
        gather_grad_out(g, gout, n0, cnt, gbuf.get());
        go = gbuf.get();
      }
      for (int64_t gi = 0; gi < g.groups; ++gi)  // dcols[g] = W[g]^T @ dout[block, g]
        gemm(dtype_of<T>::value, K, ld, Og, w + gi * Og * K, 1, K, go + gi * Og * ld, ld, 1, dcols + gi * K * ld, ld,
             false);
      if (!in_place)
        for (int64_t j = 0; j < cnt; ++j) {
          T* dx = dx0 + j * g.C * HW;
          std::fill(dx, dx + g.C * HW, T(0));
          col2im_image(g, dcols + j * L, dx, ld);
        }
    }
  });
}

// Images per block of the weight gradient's partial sums: a function of N
// only, so the blocks (and the order their partial sums are added in) do not
// depend on the thread count.
constexpr int64_t kWeightGradBlocks = 16;

template <typename T> void conv_backward_weight(const ConvGeometry& g, const T* gout, const T* x, T* gw, T* gb) {
  const int64_t L = g.OH * g.OW, Og = g.O / g.groups, K = g.C / g.groups * g.KH * g.KW;
  const int64_t WK = g.O * K;  // weight elements
  const bool direct = cols_are_input(g);
  const int64_t nb = images_per_block(g);  // images per GEMM (Note [Image blocks in the convolution])
  const int64_t blocks = std::max<int64_t>(1, std::min(kWeightGradBlocks, (g.N + nb - 1) / nb));
  const int64_t part = WK + g.O;  // one block's partial weight and bias gradients
  auto partial = scratch<T>(blocks * part);
  std::fill(partial.get(), partial.get() + blocks * part, T(0));
  parallel_for(0, blocks, 1, [&](int64_t b, int64_t e) {
    auto buf = scratch<T>(direct && nb == 1 ? 0 : g.groups * K * L * nb);
    auto gbuf = scratch<T>(nb == 1 ? 0 : g.O * L * nb);
    for (int64_t blk = b; blk < e; ++blk) {
      T* pw = partial.get() + blk * part;
      T* pb = pw + WK;
      const int64_t n_end = (blk + 1) * g.N / blocks;
      for (int64_t n0 = blk * g.N / blocks; n0 < n_end; n0 += nb) {
        const int64_t cnt = std::min(nb, n_end - n0), ld = cnt * L;
        const T* cols = block_cols(g, x, n0, cnt, direct, buf.get());
        const T* go = gout + n0 * g.O * L;
        if (cnt > 1) {
          gather_grad_out(g, gout, n0, cnt, gbuf.get());
          go = gbuf.get();
        }
        for (int64_t gi = 0; gi < g.groups; ++gi)  // dW[g] += dout[block, g] @ cols[g]^T
          gemm(dtype_of<T>::value, Og, K, ld, go + gi * Og * ld, ld, 1, cols + gi * K * ld, 1, ld, pw + gi * Og * K, K,
               true);
        if (gb)
          for (int64_t oc = 0; oc < g.O; ++oc) {
            const T* __restrict row = go + oc * ld;
            T s = T(0);
            for (int64_t l = 0; l < ld; ++l) s += row[l];
            pb[oc] += s;
          }
      }
    }
  });
  for (int64_t i = 0; i < WK; ++i) {
    T s = T(0);
    for (int64_t blk = 0; blk < blocks; ++blk) s += partial[blk * part + i];
    gw[i] = s;
  }
  if (gb)
    for (int64_t oc = 0; oc < g.O; ++oc) {
      T s = T(0);
      for (int64_t blk = 0; blk < blocks; ++blk) s += partial[blk * part + WK + oc];
      gb[oc] = s;
    }
}

// Planes per parallel chunk: about 16k window reads of work.
int64_t plane_grain(const PoolGeometry& p) {
  return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, p.OH * p.OW * p.KH * p.KW));
}

template <typename F> void for_planes(const PoolGeometry& p, F&& f) {
  parallel_for(0, p.planes, plane_grain(p), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) f(i);
  });
}

// First in-range tap and the end of the taps: positions start + k*d for k in [k0, k1).
void taps(int64_t start, int64_t d, int64_t kmax, int64_t size, int64_t& k0, int64_t& k1) {
  k0 = start >= 0 ? 0 : std::min(kmax, (-start + d - 1) / d);
  k1 = start + (kmax - 1) * d < size ? kmax : std::max(k0, (size - start + d - 1) / d);
}

// One window of max_pool_forward, clipped to the input (any position).
template <typename T>
void max_window(const PoolGeometry& p, const T* in, int64_t oh, int64_t ow, T& best_out, int64_t& at_out) {
  const int64_t h0 = oh * p.sh - p.ph, w0 = ow * p.sw - p.pw;
  int64_t kh0, kh1, kw0, kw1;
  taps(h0, p.dh, p.KH, p.H, kh0, kh1);
  taps(w0, p.dw, p.KW, p.W, kw0, kw1);
  T best =
      std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
  int64_t at = (h0 + kh0 * p.dh) * p.W + w0 + kw0 * p.dw;
  for (int64_t kh = kh0; kh < kh1; ++kh) {
    const int64_t row = (h0 + kh * p.dh) * p.W;
    for (int64_t kw = kw0; kw < kw1; ++kw) {
      const int64_t pos = row + w0 + kw * p.dw;
      const T v = in[pos];
      if (v > best || std::isnan(v)) {  // as PyTorch: NaN propagates (the last NaN's index)
        best = v;
        at = pos;
      }
    }
  }
  best_out = best;
  at_out = at;
}

// Note [Max pooling interior rows]
// Windows that lie wholly inside the input (all but a border of output
// positions) are computed a row of outputs at a time, tap by tap, with
// branch-free selects: the same taps in the same order as max_window, so the
// same value and index, in loops the compiler vectorizes.
template <typename T> void max_row_interior(const PoolGeometry& p, const T* __restrict in, int64_t h0, int64_t lo,
                                            int64_t hi, T* __restrict best, int64_t* __restrict at) {
  const int64_t sw = p.sw, base_w = -p.pw;
  for (int64_t kh = 0; kh < p.KH; ++kh) {
    const int64_t row = (h0 + kh * p.dh) * p.W;
    for (int64_t kw = 0; kw < p.KW; ++kw) {
      const int64_t off = row + base_w + kw * p.dw;
      const T* __restrict src = in + off;
      if (kh == 0 && kw == 0) {
        for (int64_t ow = lo; ow < hi; ++ow) {
          best[ow] = src[ow * sw];
          at[ow] = off + ow * sw;
        }
        continue;
      }
      for (int64_t ow = lo; ow < hi; ++ow) {
        const T v = src[ow * sw];
        const bool take = (v > best[ow]) | (v != v);
        best[ow] = take ? v : best[ow];
        at[ow] = take ? off + ow * sw : at[ow];
      }
    }
  }
}

template <typename T> void max_pool_forward(const PoolGeometry& p, const T* x, T* out, int64_t* idx) {
  // Output columns whose windows lie inside the input columns.
  const int64_t span_w = (p.KW - 1) * p.dw;
  const int64_t ow_lo = std::min(p.OW, ceil_div_pos(p.pw, p.sw));
  const int64_t ow_hi =
      std::max(ow_lo, std::min(p.OW, p.W - 1 - span_w + p.pw >= 0 ? (p.W - 1 - span_w + p.pw) / p.sw + 1 : 0));
  for_planes(p, [&](int64_t pl) {
    const T* in = x + pl * p.H * p.W;
    T* o = out + pl * p.OH * p.OW;
    int64_t* ix = idx + pl * p.OH * p.OW;
    for (int64_t oh = 0; oh < p.OH; ++oh) {
      T* orow = o + oh * p.OW;
      int64_t* irow = ix + oh * p.OW;
      const int64_t h0 = oh * p.sh - p.ph;
      const bool rows_inside = h0 >= 0 && h0 + (p.KH - 1) * p.dh < p.H;
      const int64_t lo = rows_inside ? ow_lo : p.OW, hi = rows_inside ? ow_hi : p.OW;
      for (int64_t ow = 0; ow < lo; ++ow) max_window(p, in, oh, ow, orow[ow], irow[ow]);
      if (hi > lo) max_row_interior(p, in, h0, lo, hi, orow, irow);
      for (int64_t ow = std::max(lo, hi); ow < p.OW; ++ow) max_window(p, in, oh, ow, orow[ow], irow[ow]);
    }
  });
}

template <typename T> void max_pool_backward(const PoolGeometry& p, const T* gout, const int64_t* idx, T* gx) {
  for_planes(p, [&](int64_t pl) {
    T* dx = gx + pl * p.H * p.W;
    std::fill(dx, dx + p.H * p.W, T(0));
    const T* go = gout + pl * p.OH * p.OW;
    const int64_t* ix = idx + pl * p.OH * p.OW;
    for (int64_t i = 0; i < p.OH * p.OW; ++i) dx[ix[i]] += go[i];
  });
}

// Note [Average pooling divisor]: the window's rows [h0, h1) clipped to the
// input, and the divisor of window (oh, ow).
struct AvgWindow {
  int64_t h0, h1, w0, w1;
  double divisor;
};

AvgWindow avg_window(const PoolGeometry& p, bool include_pad, int64_t override_div, int64_t oh, int64_t ow) {
  int64_t h0 = oh * p.sh - p.ph, w0 = ow * p.sw - p.pw;
  int64_t h1 = std::min(h0 + p.KH, p.H + p.ph), w1 = std::min(w0 + p.KW, p.W + p.pw);
  const int64_t window = (h1 - h0) * (w1 - w0);
  h0 = std::max<int64_t>(h0, 0);
  w0 = std::max<int64_t>(w0, 0);
  h1 = std::min(h1, p.H);
  w1 = std::min(w1, p.W);
  const int64_t inside = (h1 - h0) * (w1 - w0);
  double div = override_div > 0 ? double(override_div) : include_pad ? double(window) : double(inside);
  return {h0, h1, w0, w1, div};
}

template <typename T>
void avg_pool_forward(const PoolGeometry& p, bool include_pad, int64_t override_div, const T* x, T* out) {
  for_planes(p, [&](int64_t pl) {
    const T* in = x + pl * p.H * p.W;
    T* o = out + pl * p.OH * p.OW;
    for (int64_t oh = 0; oh < p.OH; ++oh)
      for (int64_t ow = 0; ow < p.OW; ++ow) {
        const AvgWindow a = avg_window(p, include_pad, override_div, oh, ow);
        T s = T(0);
        for (int64_t h = a.h0; h < a.h1; ++h)
          for (int64_t w = a.w0; w < a.w1; ++w) s += in[h * p.W + w];
        o[oh * p.OW + ow] = s / T(a.divisor);
      }
  });
}

template <typename T>
void avg_pool_backward(const PoolGeometry& p, bool include_pad, int64_t override_div, const T* gout, T* gx) {
  for_planes(p, [&](int64_t pl) {
    T* dx = gx + pl * p.H * p.W;
    std::fill(dx, dx + p.H * p.W, T(0));
    const T* go = gout + pl * p.OH * p.OW;
    for (int64_t oh = 0; oh < p.OH; ++oh)
      for (int64_t ow = 0; ow < p.OW; ++ow) {
        const AvgWindow a = avg_window(p, include_pad, override_div, oh, ow);
        const T v = go[oh * p.OW + ow] / T(a.divisor);
        for (int64_t h = a.h0; h < a.h1; ++h)
          for (int64_t w = a.w0; w < a.w1; ++w) dx[h * p.W + w] += v;
      }
  });
}

int64_t adaptive_start(int64_t i, int64_t in, int64_t out) { return (i * in) / out; }
int64_t adaptive_end(int64_t i, int64_t in, int64_t out) { return ((i + 1) * in + out - 1) / out; }

template <typename T> void adaptive_avg_forward(const PoolGeometry& p, const T* x, T* out) {
  for_planes(p, [&](int64_t pl) {
    const T* in = x + pl * p.H * p.W;
    T* o = out + pl * p.OH * p.OW;
    for (int64_t oh = 0; oh < p.OH; ++oh) {
      const int64_t h0 = adaptive_start(oh, p.H, p.OH), h1 = adaptive_end(oh, p.H, p.OH);
      for (int64_t ow = 0; ow < p.OW; ++ow) {
        const int64_t w0 = adaptive_start(ow, p.W, p.OW), w1 = adaptive_end(ow, p.W, p.OW);
        T s = T(0);
        for (int64_t h = h0; h < h1; ++h)
          for (int64_t w = w0; w < w1; ++w) s += in[h * p.W + w];
        o[oh * p.OW + ow] = s / T((h1 - h0) * (w1 - w0));
      }
    }
  });
}

template <typename T> void adaptive_avg_backward(const PoolGeometry& p, const T* gout, T* gx) {
  for_planes(p, [&](int64_t pl) {
    T* dx = gx + pl * p.H * p.W;
    std::fill(dx, dx + p.H * p.W, T(0));
    const T* go = gout + pl * p.OH * p.OW;
    for (int64_t oh = 0; oh < p.OH; ++oh) {
      const int64_t h0 = adaptive_start(oh, p.H, p.OH), h1 = adaptive_end(oh, p.H, p.OH);
      for (int64_t ow = 0; ow < p.OW; ++ow) {
        const int64_t w0 = adaptive_start(ow, p.W, p.OW), w1 = adaptive_end(ow, p.W, p.OW);
        const T v = go[oh * p.OW + ow] / T((h1 - h0) * (w1 - w0));
        for (int64_t h = h0; h < h1; ++h)
          for (int64_t w = w0; w < w1; ++w) dx[h * p.W + w] += v;
      }
    }
  });
}

// Calls f with a typed null pointer selecting float or double.
template <typename F> void float_types(DType dt, F&& f) {
  if (dt == DType::Float32)
    f(static_cast<float*>(nullptr));
  else
    f(static_cast<double*>(nullptr));
}

// The same for the forward kernels, which also take int32 and int64.
template <typename F> void forward_types(DType dt, F&& f) {
  switch (dt) {
    case DType::Int32:
      return f(static_cast<int32_t*>(nullptr));
    case DType::Int64:
      return f(static_cast<int64_t*>(nullptr));
    default:
      return float_types(dt, f);
  }
}

}  // namespace conv_detail
}  // namespace

#define TC_CONV_T(ptr) using T = std::remove_pointer_t<decltype(ptr)>

void conv2d_forward(DType dt, const kernels::ConvGeometry& g, const void* x, const void* w, const void* bias,
                    void* out) {
  using namespace conv_detail;
  forward_types(dt, [&](auto tag) {
    TC_CONV_T(tag);
    conv_forward<T>(g, static_cast<const T*>(x), static_cast<const T*>(w), static_cast<const T*>(bias),
                    static_cast<T*>(out));
  });
}

void conv2d_backward_input(DType dt, const kernels::ConvGeometry& g, const void* grad_out, const void* w,
                           void* grad_x) {
  using namespace conv_detail;
  float_types(dt, [&](auto tag) {
    TC_CONV_T(tag);
    conv_backward_input<T>(g, static_cast<const T*>(grad_out), static_cast<const T*>(w), static_cast<T*>(grad_x));
  });
}

void conv2d_backward_weight(DType dt, const kernels::ConvGeometry& g, const void* grad_out, const void* x, void* grad_w,
                            void* grad_bias) {
  using namespace conv_detail;
  float_types(dt, [&](auto tag) {
    TC_CONV_T(tag);
    conv_backward_weight<T>(g, static_cast<const T*>(grad_out), static_cast<const T*>(x), static_cast<T*>(grad_w),
                            static_cast<T*>(grad_bias));
  });
}

void max_pool2d_forward(DType dt, const kernels::PoolGeometry& p, const void* x, void* out, int64_t* indices) {
  using namespace conv_detail;
  forward_types(dt, [&](auto tag) {
    TC_CONV_T(tag);
    max_pool_forward<T>(p, static_cast<const T*>(x), static_cast<T*>(out), indices);
  });
}

void max_pool2d_backward(DType dt, const kernels::PoolGeometry& p, const void* grad_out, const int64_t* indices,
                         void* grad_x) {
  using namespace conv_detail;
  float_types(dt, [&](auto tag) {
    TC_CONV_T(tag);
    max_pool_backward<T>(p, static_cast<const T*>(grad_out), indices, static_cast<T*>(grad_x));
  });
}

void avg_pool2d_forward(DType dt, const kernels::PoolGeometry& p, bool count_include_pad, int64_t divisor_override,
                        const void* x, void* out) {
  using namespace conv_detail;
  forward_types(dt, [&](auto tag) {
    TC_CONV_T(tag);
    avg_pool_forward<T>(p, count_include_pad, divisor_override, static_cast<const T*>(x), static_cast<T*>(out));
  });
}

void avg_pool2d_backward(DType dt, const kernels::PoolGeometry& p, bool count_include_pad, int64_t divisor_override,
                         const void* grad_out, void* grad_x) {
  using namespace conv_detail;
  float_types(dt, [&](auto tag) {
    TC_CONV_T(tag);
    avg_pool_backward<T>(p, count_include_pad, divisor_override, static_cast<const T*>(grad_out),
                         static_cast<T*>(grad_x));
  });
}

void adaptive_avg_pool2d_forward(DType dt, const kernels::PoolGeometry& p, const void* x, void* out) {
  using namespace conv_detail;
  float_types(dt, [&](auto tag) {
    TC_CONV_T(tag);
    adaptive_avg_forward<T>(p, static_cast<const T*>(x), static_cast<T*>(out));
  });
}

void adaptive_avg_pool2d_backward(DType dt, const kernels::PoolGeometry& p, const void* grad_out, void* grad_x) {
  using namespace conv_detail;
  float_types(dt, [&](auto tag) {
    TC_CONV_T(tag);
    adaptive_avg_backward<T>(p, static_cast<const T*>(grad_out), static_cast<T*>(grad_x));
  });
}

#undef TC_CONV_T

}  // namespace tc::cpu::TC_CAP
