#pragma once
// Recurrent layers: the time loop of nn.RNN / nn.LSTM / nn.GRU for one layer
// and direction, the single-step cells of nn.RNNCell / LSTMCell / GRUCell,
// and the fused gate ops both are built from. Implemented in ops/rnn.cpp.
#include <vector>

#include "ops/ops.h"

namespace tc::ops {

// The cell type, numbered for the bindings.
enum class RnnMode : int { Tanh = 0, Relu = 1, Lstm = 2, Gru = 3 };

// One LSTM step after the matrix products: gates [rows, 4H] (pre-activations,
// i f g o), c_prev [rows, H] -> (h, c). One node, ThnnFusedLstmCellBackward0.
std::vector<Tensor> lstm_cell_fused(const Tensor& gates, const Tensor& c_prev);
// One GRU step: xg = x W_ih^T + b_ih, hg = h W_hh^T + b_hh (both [rows, 3H]),
// h_prev [rows, H] -> h. One node, ThnnFusedGruCellBackward0.
Tensor gru_cell_fused(const Tensor& xg, const Tensor& hg, const Tensor& h_prev);

// One step of a cell on batched input x [B, I]: returns {h'} or, for LSTM,
// {h', c'}. Biases may be undefined.
std::vector<Tensor> rnn_cell(RnnMode mode, const Tensor& x, const Tensor& hx, const Tensor& cx, const Tensor& w_ih,
                             const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh);

// One layer in one direction over a whole sequence. `input` is [T, B, I], or
// a packed sequence's data [N, I] with its `batch_sizes` (non-empty, non-
// increasing, summing to N). h0 [B, Hout] and (LSTM) c0 [B, H] are required;
// biases and w_hr (LSTM projection, [Hout, H]) may be undefined. Returns
// {output ([T, B, Hout] or [N, Hout]), h_n [B, Hout], c_n [B, H] (LSTM only)}.
std::vector<Tensor> rnn_layer(RnnMode mode, const Tensor& input, const std::vector<int64_t>& batch_sizes,
                              const Tensor& h0, const Tensor& c0, const Tensor& w_ih, const Tensor& w_hh,
                              const Tensor& b_ih, const Tensor& b_hh, const Tensor& w_hr, bool reverse);

}  // namespace tc::ops
