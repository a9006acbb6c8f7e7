// tensorcore._C convolution and pooling ops (ops/conv_ops.h), called by
// tensorcore.nn.functional (nn/_conv_ops.py normalises the arguments).
#include "bindings/common.h"
#include "ops/conv_ops.h"

namespace tc::py_glue {

void init_conv(py::module_& m) {
  m.def("convolution", [](const Tensor& input, const Tensor& weight, std::optional<Tensor> bias, const Shape& stride,
                          const Shape& pad_before, const Shape& pad_after, const Shape& dilation, int64_t groups) {
    return ops::convolution(input, weight, bias ? *bias : Tensor(), stride, pad_before, pad_after, dilation, groups);
  });
  m.def("max_pool2d_with_indices", &ops::max_pool2d_with_indices);
  m.def("avg_pool2d", &ops::avg_pool2d);
  m.def("adaptive_avg_pool2d", &ops::adaptive_avg_pool2d);
}

}  // namespace tc::py_glue
