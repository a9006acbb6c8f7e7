// complex64/complex128 ops as raw tensorcore._C functions (ops/complex.cpp);
// tensorcore/_complex.py gives them PyTorch's names, methods and properties.
#include "bindings/common.h"

namespace tc::py_glue {

void init_complex(py::module_& m) {
  m.def("_view_as_real", &ops::view_as_real);
  m.def("_view_as_complex", &ops::view_as_complex);
  m.def("_real", &ops::real);
  m.def("_imag", &ops::imag);
  m.def("_conj_physical", &ops::conj);
  m.def("_angle", &ops::angle);
  m.def("_complex", &ops::complex);
  m.def("_polar", &ops::polar);
}

}  // namespace tc::py_glue
