// Integer and bool matrix products (backend/kernels_gemm.h). One portable
// build: these are rare (PyTorch has no BLAS for them either) and exact, so a
// plain dot product per output element is enough.
#include <type_traits>

#include "backend/kernels_gemm.h"

namespace tc::kernels {

void gemm_integer(DType dt, int64_t m, int64_t n, int64_t k, const void* a, int64_t ar, int64_t ac, const void* b,
                  int64_t br, int64_t bc, void* c, int64_t ldc) {
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (!std::is_floating_point_v<T>) {
      const T* A = static_cast<const T*>(a);
      const T* B = static_cast<const T*>(b);
      T* C = static_cast<T*>(c);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          T s = 0;
          for (int64_t p = 0; p < k; ++p) {
            if constexpr (std::is_same_v<T, bool>) {
              s = s || (A[i * ar + p * ac] && B[p * br + j * bc]);
            } else {  // integers wrap on overflow (as PyTorch), no UB
              using U = std::make_unsigned_t<T>;
              s = static_cast<T>(static_cast<U>(s) +
                                 static_cast<U>(A[i * ar + p * ac]) * static_cast<U>(B[p * br + j * bc]));
            }
          }
          C[i * ldc + j] = s;
        }
    }
  });
}

}  // namespace tc::kernels
