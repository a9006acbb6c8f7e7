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
}

}  // namespace tc::py_glue
