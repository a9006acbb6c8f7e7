// tensorcore._C nn kernels (ops/nn_ops.h), called by tensorcore.nn.functional.
#include "bindings/common.h"
#include "ops/nn_ops.h"

namespace tc::py_glue {

namespace {
Tensor opt(const std::optional<Tensor>& t) { return t ? *t : Tensor(); }
}  // namespace

void init_nn(py::module_& m) {
  m.def("gelu", &ops::gelu);
  m.def("gelu_backward", &ops::gelu_backward);
  m.def("leaky_relu", &ops::leaky_relu);
  m.def("layer_norm", [](const Tensor& x, const Shape& normalized_shape, std::optional<Tensor> weight,
                         std::optional<Tensor> bias, double eps) {
    return ops::layer_norm(x, normalized_shape, opt(weight), opt(bias), eps);
  });
  m.def("mse_loss", &ops::mse_loss);
  m.def("binary_cross_entropy", [](const Tensor& input, const Tensor& target, std::optional<Tensor> weight,
                                   int reduction) {
    return ops::binary_cross_entropy(input, target, opt(weight), reduction);
  });
  m.def("binary_cross_entropy_with_logits", [](const Tensor& input, const Tensor& target,
                                               std::optional<Tensor> weight, std::optional<Tensor> pos_weight,
                                               int reduction) {
    return ops::binary_cross_entropy_with_logits(input, target, opt(weight), opt(pos_weight), reduction);
  });
  m.def("embedding_ex", &ops::embedding_ex);
  m.def(
      "scaled_dot_product_attention",
      [](const Tensor& q, const Tensor& k, const Tensor& v, std::optional<Tensor> attn_mask, double dropout_p,
         bool is_causal, std::optional<double> scale, bool enable_gqa) {
        return ops::scaled_dot_product_attention(q, k, v, opt(attn_mask), dropout_p, is_causal, scale, enable_gqa);
      },
      py::arg("query"), py::arg("key"), py::arg("value"), py::arg("attn_mask") = py::none(),
      py::arg("dropout_p") = 0.0, py::arg("is_causal") = false, py::arg("scale") = py::none(),
      py::arg("enable_gqa") = false,
      "scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, "
      "enable_gqa=False) -> Tensor\n\n"
      "softmax(query @ key.transpose(-2, -1) * scale + attn_mask) @ value, computed tile by tile: the L x S "
      "weights are never stored (backward recomputes them). A bool attn_mask marks the positions that take part, "
      "a float one is added. is_causal hides key positions after each query position (top-left aligned). "
      "dropout_p > 0 drops weights with tensorcore's own random stream: reproducible per manual_seed, but not "
      "PyTorch's pattern.");
}

}  // namespace tc::py_glue
