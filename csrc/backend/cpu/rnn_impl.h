#pragma once
// Recurrent cell loop bodies (backend/rnn_kernels.h), compiled once per
// instruction set (TC_CAP). Each row is one batch element; the inner loops run
// over the hidden units of contiguous gate blocks, so they vectorize (the float
// sigmoid and tanh are the vectorizable ones of backend/functors.h).
#include <algorithm>

#include "backend/functors.h"
#include "backend/rnn_kernels.h"
#include "core/error.h"
#include "core/parallel.h"

namespace tc::cpu::TC_CAP {

namespace {

// Rows per parallel chunk: about 16k elements of work, so small steps (the
// usual batch x hidden of a recurrent net) stay on the calling thread.
int64_t row_grain(int64_t H) { return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, 4 * H)); }

template <typename F>
void for_rows(int64_t rows, int64_t H, F&& f) {
  parallel_for(0, rows, row_grain(H), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) f(r);
  });
}

template <typename T>
void lstm_forward_rows(int64_t rows, int64_t H, const T* gates, const T* c_prev, T* h, T* c, T* ws) {
  for_rows(rows, H, [&](int64_t r) {
    const T* __restrict gi = gates + r * 4 * H;
    const T* __restrict gf = gi + H;
    const T* __restrict gg = gi + 2 * H;
    const T* __restrict go = gi + 3 * H;
    const T* __restrict cp = c_prev + r * H;
    T* __restrict hr = h + r * H;
    T* __restrict cr = c + r * H;
    T* __restrict wi = ws + r * 5 * H;
    T* __restrict wf = wi + H;
    T* __restrict wg = wi + 2 * H;
    T* __restrict wo = wi + 3 * H;
    T* __restrict wt = wi + 4 * H;
    for (int64_t j = 0; j < H; ++j) {
      const T i = fn::Sigmoid{}(gi[j]), f = fn::Sigmoid{}(gf[j]), g = fn::Tanh{}(gg[j]), o = fn::Sigmoid{}(go[j]);
      const T cn = f * cp[j] + i * g;
      const T tc = fn::Tanh{}(cn);
      cr[j] = cn;
      hr[j] = o * tc;
      wi[j] = i;
      wf[j] = f;
      wg[j] = g;
      wo[j] = o;
      wt[j] = tc;
    }
  });
}

template <typename T>
void lstm_backward_rows(int64_t rows, int64_t H, const T* ws, const T* c_prev, const T* dh, const T* dc, T* dgates,
                        T* dc_prev) {
  for_rows(rows, H, [&](int64_t r) {
    const T* __restrict wi = ws + r * 5 * H;
    const T* __restrict wf = wi + H;
    const T* __restrict wg = wi + 2 * H;
    const T* __restrict wo = wi + 3 * H;
    const T* __restrict wt = wi + 4 * H;
    const T* __restrict cp = c_prev + r * H;
    const T* __restrict dhr = dh ? dh + r * H : nullptr;
    const T* __restrict dcr = dc ? dc + r * H : nullptr;
    T* __restrict di = dgates + r * 4 * H;
    T* __restrict df = di + H;
    T* __restrict dg = di + 2 * H;
    T* __restrict dout = di + 3 * H;
    T* __restrict dcp = dc_prev + r * H;
    for (int64_t j = 0; j < H; ++j) {
      const T i = wi[j], f = wf[j], g = wg[j], o = wo[j], tc = wt[j];
      const T gh = dhr ? dhr[j] : T(0);
      const T dct = (dcr ? dcr[j] : T(0)) + gh * o * (T(1) - tc * tc);
      di[j] = dct * g * i * (T(1) - i);
      df[j] = dct * cp[j] * f * (T(1) - f);
      dg[j] = dct * i * (T(1) - g * g);
      dout[j] = gh * tc * o * (T(1) - o);
      dcp[j] = dct * f;
    }
  });
}

template <typename T>
void gru_forward_rows(int64_t rows, int64_t H, const T* xg, const T* hg, const T* h_prev, T* h, T* ws) {
  for_rows(rows, H, [&](int64_t r) {
    const T* __restrict xr = xg + r * 3 * H;
    const T* __restrict xz = xr + H;
    const T* __restrict xn = xr + 2 * H;
    const T* __restrict hr = hg + r * 3 * H;
    const T* __restrict hz = hr + H;
    const T* __restrict hn = hr + 2 * H;
    const T* __restrict hp = h_prev + r * H;
    T* __restrict out = h + r * H;
    T* __restrict wr = ws + r * 4 * H;
    T* __restrict wz = wr + H;
    T* __restrict wn = wr + 2 * H;
    T* __restrict whn = wr + 3 * H;
    for (int64_t j = 0; j < H; ++j) {
      const T rg = fn::Sigmoid{}(xr[j] + hr[j]);
      const T zg = fn::Sigmoid{}(xz[j] + hz[j]);
      const T ng = fn::Tanh{}(xn[j] + rg * hn[j]);
      out[j] = (T(1) - zg) * ng + zg * hp[j];
      wr[j] = rg;
      wz[j] = zg;
      wn[j] = ng;
      whn[j] = hn[j];
    }
  });
}

template <typename T>
void gru_backward_rows(int64_t rows, int64_t H, const T* ws, const T* h_prev, const T* dh, T* dxg, T* dhg,
                       T* dh_prev) {
  for_rows(rows, H, [&](int64_t r) {
    const T* __restrict wr = ws + r * 4 * H;
    const T* __restrict wz = wr + H;
    const T* __restrict wn = wr + 2 * H;
    const T* __restrict whn = wr + 3 * H;
    const T* __restrict hp = h_prev + r * H;
    const T* __restrict g = dh + r * H;
    T* __restrict dxr = dxg + r * 3 * H;
    T* __restrict dxz = dxr + H;
    T* __restrict dxn = dxr + 2 * H;
    T* __restrict dhr = dhg + r * 3 * H;
    T* __restrict dhz = dhr + H;
    T* __restrict dhn = dhr + 2 * H;
    T* __restrict dhp = dh_prev + r * H;
    for (int64_t j = 0; j < H; ++j) {
      const T rg = wr[j], zg = wz[j], ng = wn[j];
      const T dn = g[j] * (T(1) - zg) * (T(1) - ng * ng);
      const T dz = g[j] * (hp[j] - ng) * zg * (T(1) - zg);
      const T dr = dn * whn[j] * rg * (T(1) - rg);
      dxr[j] = dr;
      dhr[j] = dr;
      dxz[j] = dz;
      dhz[j] = dz;
      dxn[j] = dn;
      dhn[j] = dn * rg;
      dhp[j] = g[j] * zg;
    }
  });
}

// Calls f with a value of the element type for float32 / float64.
template <typename F>
void float_dispatch(DType dt, F&& f) {
  if (dt == DType::Float32) f(float{});
  else if (dt == DType::Float64) f(double{});
  else TC_INTERNAL_ASSERT(false);
}

}  // namespace

void lstm_cell_forward(DType dt, int64_t rows, int64_t H, const void* gates, const void* c_prev, void* h, void* c,
                       void* workspace) {
  float_dispatch(dt, [&](auto v) {
    using T = decltype(v);
    lstm_forward_rows<T>(rows, H, static_cast<const T*>(gates), static_cast<const T*>(c_prev), static_cast<T*>(h),
                         static_cast<T*>(c), static_cast<T*>(workspace));
  });
}

void lstm_cell_backward(DType dt, int64_t rows, int64_t H, const void* workspace, const void* c_prev, const void* dh,
                        const void* dc, void* dgates, void* dc_prev) {
  float_dispatch(dt, [&](auto v) {
    using T = decltype(v);
    lstm_backward_rows<T>(rows, H, static_cast<const T*>(workspace), static_cast<const T*>(c_prev),
                          static_cast<const T*>(dh), static_cast<const T*>(dc), static_cast<T*>(dgates),
                          static_cast<T*>(dc_prev));
  });
}

void gru_cell_forward(DType dt, int64_t rows, int64_t H, const void* xg, const void* hg, const void* h_prev, void* h,
                      void* workspace) {
  float_dispatch(dt, [&](auto v) {
    using T = decltype(v);
    gru_forward_rows<T>(rows, H, static_cast<const T*>(xg), static_cast<const T*>(hg), static_cast<const T*>(h_prev),
                        static_cast<T*>(h), static_cast<T*>(workspace));
  });
}

void gru_cell_backward(DType dt, int64_t rows, int64_t H, const void* workspace, const void* h_prev, const void* dh,
                       void* dxg, void* dhg, void* dh_prev) {
  float_dispatch(dt, [&](auto v) {
    using T = decltype(v);
    gru_backward_rows<T>(rows, H, static_cast<const T*>(workspace), static_cast<const T*>(h_prev),
                         static_cast<const T*>(dh), static_cast<T*>(dxg), static_cast<T*>(dhg),
                         static_cast<T*>(dh_prev));
  });
}

}  // namespace tc::cpu::TC_CAP
