#pragma once
// Recurrent cell loop bodies (backend/kernels_rnn.h), compiled once per
// instruction set (TC_CAP). Each row is one batch element; the inner loops run
// over the hidden units of contiguous gate blocks, so they vectorize (the float
// sigmoid and tanh are the vectorizable ones of backend/functors.h).
#include <algorithm>

#include "backend/functors.h"
#include "backend/kernels_rnn.h"
#include "core/error.h"
#include "core/parallel.h"

namespace tc::cpu::TC_CAP {

namespace {

// Rows per parallel chunk: about 16k elements of work, so small steps (the
// usual batch x hidden of a recurrent net) stay on the calling thread.
int64_t row_grain(int64_t H) { return std::max<int64_t>(1, 16384 / std::max<int64_t>(1, 4 * H)); }

template <typename F> void for_rows(int64_t rows, int64_t H, F&& f) {
  parallel_for(0, rows, row_grain(H), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) f(r);
  });
}

// One row per call: restrict-qualified parameters with affine offsets are
// what GCC needs to vectorize (pointers derived inside a lambda were not).
template <typename T> void lstm_forward_row(int64_t H, const T* __restrict gates, const T* __restrict cp,
                                            T* __restrict h, T* __restrict c, T* __restrict ws) {
  for (int64_t j = 0; j < H; ++j) {
    const T i = fn::Sigmoid{}(gates[j]), f = fn::Sigmoid{}(gates[H + j]);
    const T g = fn::Tanh{}(gates[2 * H + j]), o = fn::Sigmoid{}(gates[3 * H + j]);
    const T cn = f * cp[j] + i * g;
    const T tc = fn::Tanh{}(cn);
    c[j] = cn;
    h[j] = o * tc;
    ws[j] = i;
    ws[H + j] = f;
    ws[2 * H + j] = g;
    ws[3 * H + j] = o;
    ws[4 * H + j] = tc;
  }
}

// dh or dc may be null: the two flags select a loop without that load.
template <typename T, bool HasDh, bool HasDc>
void lstm_backward_row(int64_t H, const T* __restrict ws, const T* __restrict cp, const T* __restrict dh,
                       const T* __restrict dc, T* __restrict dgates, T* __restrict dcp) {
  for (int64_t j = 0; j < H; ++j) {
    const T i = ws[j], f = ws[H + j], g = ws[2 * H + j], o = ws[3 * H + j], tc = ws[4 * H + j];
    T gh = T(0), dct = T(0);
    if constexpr (HasDh) gh = dh[j];
    if constexpr (HasDc) dct = dc[j];
    if constexpr (HasDh) dct += gh * o * (T(1) - tc * tc);
    dgates[j] = dct * g * i * (T(1) - i);
    dgates[H + j] = dct * cp[j] * f * (T(1) - f);
    dgates[2 * H + j] = dct * i * (T(1) - g * g);
    dgates[3 * H + j] = gh * tc * o * (T(1) - o);
    dcp[j] = dct * f;
  }
}

template <typename T> void gru_forward_row(int64_t H, const T* __restrict xg, const T* __restrict hg,
                                           const T* __restrict hp, T* __restrict h, T* __restrict ws) {
  for (int64_t j = 0; j < H; ++j) {
    const T r = fn::Sigmoid{}(xg[j] + hg[j]);
    const T z = fn::Sigmoid{}(xg[H + j] + hg[H + j]);
    const T hn = hg[2 * H + j];
    const T n = fn::Tanh{}(xg[2 * H + j] + r * hn);
    h[j] = (T(1) - z) * n + z * hp[j];
    ws[j] = r;
    ws[H + j] = z;
    ws[2 * H + j] = n;
    ws[3 * H + j] = hn;
  }
}

template <typename T> void gru_backward_row(int64_t H, const T* __restrict ws, const T* __restrict hp,
                                            const T* __restrict dh, T* __restrict dxg, T* __restrict dhg,
                                            T* __restrict dhp) {
  for (int64_t j = 0; j < H; ++j) {
    const T r = ws[j], z = ws[H + j], n = ws[2 * H + j], hn = ws[3 * H + j], g = dh[j];
    const T dn = g * (T(1) - z) * (T(1) - n * n);
    const T dz = g * (hp[j] - n) * z * (T(1) - z);
    const T dr = dn * hn * r * (T(1) - r);
    dxg[j] = dr;
    dhg[j] = dr;
    dxg[H + j] = dz;
    dhg[H + j] = dz;
    dxg[2 * H + j] = dn;
    dhg[2 * H + j] = dn * r;
    dhp[j] = g * z;
  }
}

template <typename T>
void lstm_forward_rows(int64_t rows, int64_t H, const T* gates, const T* c_prev, T* h, T* c, T* ws) {
  for_rows(rows, H, [&](int64_t r) {
    lstm_forward_row<T>(H, gates + r * 4 * H, c_prev + r * H, h + r * H, c + r * H, ws + r * 5 * H);
  });
}

template <typename T> void lstm_backward_rows(int64_t rows, int64_t H, const T* ws, const T* c_prev, const T* dh,
                                              const T* dc, T* dgates, T* dc_prev) {
  for_rows(rows, H, [&](int64_t r) {
    const T* w = ws + r * 5 * H;
    const T* cp = c_prev + r * H;
    T* dg = dgates + r * 4 * H;
    T* dcp = dc_prev + r * H;
    const T* dhr = dh ? dh + r * H : nullptr;
    const T* dcr = dc ? dc + r * H : nullptr;
    if (dh && dc)
      lstm_backward_row<T, true, true>(H, w, cp, dhr, dcr, dg, dcp);
    else if (dh)
      lstm_backward_row<T, true, false>(H, w, cp, dhr, dcr, dg, dcp);
    else if (dc)
      lstm_backward_row<T, false, true>(H, w, cp, dhr, dcr, dg, dcp);
    else
      lstm_backward_row<T, false, false>(H, w, cp, dhr, dcr, dg, dcp);
  });
}

template <typename T>
void gru_forward_rows(int64_t rows, int64_t H, const T* xg, const T* hg, const T* h_prev, T* h, T* ws) {
  for_rows(rows, H, [&](int64_t r) {
    gru_forward_row<T>(H, xg + r * 3 * H, hg + r * 3 * H, h_prev + r * H, h + r * H, ws + r * 4 * H);
  });
}

template <typename T>
void gru_backward_rows(int64_t rows, int64_t H, const T* ws, const T* h_prev, const T* dh, T* dxg, T* dhg, T* dh_prev) {
  for_rows(rows, H, [&](int64_t r) {
    gru_backward_row<T>(H, ws + r * 4 * H, h_prev + r * H, dh + r * H, dxg + r * 3 * H, dhg + r * 3 * H,
                        dh_prev + r * H);
  });
}

// Calls f with a value of the element type for float32 / float64.
template <typename F> void float_dispatch(DType dt, F&& f) {
  if (dt == DType::Float32)
    f(float{});
  else if (dt == DType::Float64)
    f(double{});
  else
    TC_INTERNAL_ASSERT(false);
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
