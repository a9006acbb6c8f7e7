// tensorcore._C LAPACK ops (ops/linalg_lapack.h), called by tensorcore.linalg
// (src/tensorcore/linalg.py), which adds PyTorch's arguments, errors and gradients.
#include "bindings/common.h"
#include "ops/linalg_lapack.h"

namespace tc::py_glue {

void init_linalg(py::module_& m) {
  m.def("_lapack_available", &ops::lapack_available);
  m.def("_lapack_lu_factor", &ops::lapack_lu_factor);
  m.def("_lapack_lu_solve", &ops::lapack_lu_solve);
  m.def("_lapack_cholesky", &ops::lapack_cholesky);
  m.def("_lapack_qr", &ops::lapack_qr);
  m.def("_lapack_eigh", &ops::lapack_eigh);
  m.def("_lapack_svd", &ops::lapack_svd);
  m.def("_lapack_lstsq", &ops::lapack_lstsq);
  m.def("_lapack_eig", &ops::lapack_eig);
  m.def("_lapack_triangular_solve", &ops::lapack_triangular_solve);
  m.def("_lapack_ldl_factor", &ops::lapack_ldl_factor);
  m.def("_lapack_ldl_solve", &ops::lapack_ldl_solve);
}

}  // namespace tc::py_glue
