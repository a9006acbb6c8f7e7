// tensorcore._C nn kernels (ops/nn_ops.h), called by tensorcore.nn.functional.
#include "bindings/common.h"
#include "ops/nn_ops.h"
#include "ops/rnn_ops.h"

namespace tc::py_glue {

namespace {
Tensor opt(const std::optional<Tensor>& t) { return t ? *t : Tensor(); }

// A tuple of the tensors, None where one is undefined.
py::tuple tensors_or_none(const std::vector<Tensor>& ts) {
  py::tuple out(ts.size());
  for (size_t i = 0; i < ts.size(); ++i) out[i] = ts[i].defined() ? py::cast(ts[i]) : py::none();
  return out;
}

ops::RnnMode rnn_mode(int mode) {
  TC_CHECK_VALUE(mode >= 0 && mode <= 3, "[rnn] unknown mode ", mode, " (0: RNN_TANH, 1: RNN_RELU, 2: LSTM, 3: GRU)");
  return static_cast<ops::RnnMode>(mode);
}
}  // namespace

void init_nn(py::module_& m) {
  m.def("gelu", &ops::gelu);
  m.def("gelu_backward", &ops::gelu_backward);
  m.def("layer_norm",
        [](const Tensor& x, const Shape& normalized_shape, std::optional<Tensor> weight, std::optional<Tensor> bias,
           double eps) { return ops::layer_norm(x, normalized_shape, opt(weight), opt(bias), eps); });
  m.def("mse_loss", &ops::mse_loss);
  m.def("binary_cross_entropy",
        [](const Tensor& input, const Tensor& target, std::optional<Tensor> weight, int reduction) {
          return ops::binary_cross_entropy(input, target, opt(weight), reduction);
        });
  m.def("binary_cross_entropy_with_logits", [](const Tensor& input, const Tensor& target, std::optional<Tensor> weight,
                                               std::optional<Tensor> pos_weight, int reduction) {
    return ops::binary_cross_entropy_with_logits(input, target, opt(weight), opt(pos_weight), reduction);
  });
  m.def("embedding_ex", &ops::embedding_ex);
  // Recurrent layers (ops/rnn_ops.h); mode: 0 RNN_TANH, 1 RNN_RELU, 2 LSTM, 3 GRU.
  m.def("rnn_layer", [](int mode, const Tensor& input, const std::vector<int64_t>& batch_sizes, const Tensor& h0,
                        std::optional<Tensor> c0, const Tensor& w_ih, const Tensor& w_hh, std::optional<Tensor> b_ih,
                        std::optional<Tensor> b_hh, std::optional<Tensor> w_hr, bool reverse) {
    return tensors_or_none(ops::rnn_layer(rnn_mode(mode), input, batch_sizes, h0, opt(c0), w_ih, w_hh, opt(b_ih),
                                          opt(b_hh), opt(w_hr), reverse));
  });
  m.def("rnn_cell", [](int mode, const Tensor& x, const Tensor& hx, std::optional<Tensor> cx, const Tensor& w_ih,
                       const Tensor& w_hh, std::optional<Tensor> b_ih, std::optional<Tensor> b_hh) {
    return tensors_or_none(ops::rnn_cell(rnn_mode(mode), x, hx, opt(cx), w_ih, w_hh, opt(b_ih), opt(b_hh)));
  });
  m.def("lstm_cell_fused",
        [](const Tensor& gates, const Tensor& c_prev) { return tensors_or_none(ops::lstm_cell_fused(gates, c_prev)); });
  m.def("gru_cell_fused", &ops::gru_cell_fused);
  m.def(
      "scaled_dot_product_attention",
      [](const Tensor& q, const Tensor& k, const Tensor& v, std::optional<Tensor> attn_mask, double dropout_p,
         bool is_causal, std::optional<double> scale, bool enable_gqa) {
        return ops::scaled_dot_product_attention(q, k, v, opt(attn_mask), dropout_p, is_causal, scale, enable_gqa);
      },
      py::arg("query"), py::arg("key"), py::arg("value"), py::arg("attn_mask") = py::none(), py::arg("dropout_p") = 0.0,
      py::arg("is_causal") = false, py::arg("scale") = py::none(), py::arg("enable_gqa") = false,
      "scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, "
      "enable_gqa=False) -> Tensor\n\n"
      "softmax(query @ key.transpose(-2, -1) * scale + attn_mask) @ value, computed tile by tile: the L x S "
      "weights are never stored (backward recomputes them). A bool attn_mask marks the positions that take part, "
      "a float one is added. is_causal hides key positions after each query position (top-left aligned). "
      "dropout_p > 0 drops weights with tensorcore's own random stream: reproducible per manual_seed, but not "
      "PyTorch's pattern.");
}

}  // namespace tc::py_glue
