// tensorcore._C activations (ops/activation_ops.h), called by
// tensorcore.nn.functional and installed as tensorcore.X_ / Tensor.X_ where
// PyTorch has those forms. Defaults are applied in Python (the functional
// signatures are PyTorch's), so these take every parameter.
#include "bindings/common.h"
#include "core/generator.h"
#include "ops/activation_ops.h"

namespace tc::py_glue {

void init_activation(py::module_& m) {
  m.def("leaky_relu", &ops::leaky_relu);
  m.def("leaky_relu_", &ops::leaky_relu_);
  m.def("elu", &ops::elu);
  m.def("elu_", &ops::elu_);
  m.def("selu", &ops::selu);
  m.def("selu_", &ops::selu_);
  m.def("celu", &ops::celu);
  m.def("celu_", &ops::celu_);
  m.def("hardtanh", &ops::hardtanh);
  m.def("hardtanh_", &ops::hardtanh_);
  m.def("silu", &ops::silu);
  m.def("silu_", &ops::silu_);
  m.def("mish", &ops::mish);
  m.def("mish_", &ops::mish_);
  m.def("hardswish", &ops::hardswish);
  m.def("hardswish_", &ops::hardswish_);
  m.def("hardsigmoid", &ops::hardsigmoid);
  m.def("hardsigmoid_", &ops::hardsigmoid_);
  m.def("softplus", &ops::softplus);
  m.def("softshrink", &ops::softshrink);
  m.def("hardshrink", &ops::hardshrink);
  m.def("threshold", &ops::threshold);
  m.def("threshold_", &ops::threshold_);
  m.def("log_sigmoid", &ops::log_sigmoid);
  m.def("rrelu", &ops::rrelu, py::arg("input"), py::arg("lower"), py::arg("upper"), py::arg("training"),
        py::arg("gen") = nullptr);
  m.def("rrelu_", &ops::rrelu_, py::arg("input"), py::arg("lower"), py::arg("upper"), py::arg("training"),
        py::arg("gen") = nullptr);
}

}  // namespace tc::py_glue
