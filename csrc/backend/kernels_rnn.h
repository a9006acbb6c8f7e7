#pragma once
// Recurrent cell kernels: the elementwise part of one LSTM or GRU time step,
// forward and backward (the matrix products stay in ops, as GEMMs). Every
// buffer is contiguous, row-major [rows, ...]; float32 and float64 only.
// The CPU versions pick the compiled instruction set at runtime (cpu/dispatch.cpp).
#include <cstdint>

#include "core/dtype.h"

namespace tc::kernels {

// Note [LSTM cell workspace]
// gates [rows, 4H] holds the pre-activations in PyTorch's order (input,
// forget, cell, output). The forward writes h = o * tanh(c), c = f * c_prev +
// i * g and a workspace [rows, 5H]: the four activations i, f, g, o then
// tanh(c), which is everything the backward needs besides c_prev.
void lstm_cell_forward(DType dt, int64_t rows, int64_t H, const void* gates, const void* c_prev, void* h, void* c,
                       void* workspace);
// dh and dc may be null (no gradient reached that output). Writes the
// gradients of the pre-activations dgates [rows, 4H] and of c_prev.
void lstm_cell_backward(DType dt, int64_t rows, int64_t H, const void* workspace, const void* c_prev, const void* dh,
                        const void* dc, void* dgates, void* dc_prev);

// Note [GRU cell workspace]
// xg = x W_ih^T + b_ih and hg = h W_hh^T + b_hh, both [rows, 3H] in PyTorch's
// order (reset, update, new). r = sigmoid(xr + hr), z = sigmoid(xz + hz),
// n = tanh(xn + r * hn), h' = (1 - z) * n + z * h. The workspace [rows, 4H]
// keeps r, z, n and hn.
void gru_cell_forward(DType dt, int64_t rows, int64_t H, const void* xg, const void* hg, const void* h_prev, void* h,
                      void* workspace);
// Writes dxg [rows, 3H], dhg [rows, 3H] and dh_prev [rows, H] from dh.
void gru_cell_backward(DType dt, int64_t rows, int64_t H, const void* workspace, const void* h_prev, const void* dh,
                       void* dxg, void* dhg, void* dh_prev);

}  // namespace tc::kernels
