// CPU creation fills (backend/kernels_copy.h): arange, linspace, eye. One
// portable build: linspace's explicit fma and arange's double arithmetic must
// round the same on every machine.
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "backend/kernels_copy.h"

namespace tc::kernels {

void arange_fill(DType dt, void* out, int64_t n, double start, double step) {
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = static_cast<T*>(out);
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(start + static_cast<double>(i) * step);
  });
}

void arange_fill_int(DType dt, void* out, int64_t n, int64_t start, int64_t step) {
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = static_cast<T*>(out);
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(start + i * step);
  });
}

void linspace_fill(DType dt, void* out, int64_t steps, double start, double end) {
  const int64_t half = steps / 2;
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Step = std::conditional_t<std::is_floating_point_v<T>, T, double>;
    const Step lo = static_cast<Step>(static_cast<T>(start)), hi = static_cast<Step>(static_cast<T>(end));
    const Step step = (hi - lo) / static_cast<Step>(steps - 1);
    T* p = static_cast<T*>(out);
    // Fused multiply-adds, as PyTorch's vectorized kernel (linspace(-1, 1, 25)[12] is -2.98e-08 there).
    for (int64_t i = 0; i < steps; ++i)
      p[i] = static_cast<T>(i < half ? std::fma(step, static_cast<Step>(i), lo)
                                     : std::fma(-step, static_cast<Step>(steps - i - 1), hi));
  });
}

void eye_fill(DType dt, void* out, int64_t n, int64_t m) {
  dispatch_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = static_cast<T*>(out);
    for (int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = T(1);
  });
}

}  // namespace tc::kernels
