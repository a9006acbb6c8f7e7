#pragma once
// The complex forms of the elementwise functors (Note [Complex kernels] in
// core/dtype.h): ComplexFn<F> says whether op F has a complex kernel and, if
// so, computes it on Complex<T>. The real functors (backend/functors.h) stay
// free of complex cases; an op without a specialization here raises
// NotImplementedError for complex inputs, as PyTorch's dispatch does.
#include <cmath>
#include <complex>

#include "backend/functors.h"
#include "core/complex.h"

namespace tc::fn {

template <typename F> struct ComplexFn {
  static constexpr bool supported = false;
};

namespace complex_detail {
// Applies a std::complex function (libm's, as PyTorch's CPU kernels use).
template <typename T, typename G> TC_HD Complex<T> via_std(Complex<T> z, G g) { return from_std(g(to_std(z))); }
template <typename T> TC_HD bool truthy(Complex<T> z) { return z.re != T(0) || z.im != T(0); }
}  // namespace complex_detail

#define TC_COMPLEX_BINARY(F, expr)                                                               \
  template <> struct ComplexFn<F> {                                                              \
    static constexpr bool supported = true;                                                      \
    template <typename T> static TC_HD auto apply(Complex<T> a, Complex<T> b) { return (expr); } \
  };
#define TC_COMPLEX_UNARY(F, expr)                                                  \
  template <> struct ComplexFn<F> {                                                \
    static constexpr bool supported = true;                                        \
    template <typename T> static TC_HD auto apply(Complex<T> a) { return (expr); } \
  };

TC_COMPLEX_BINARY(Add, a + b)
TC_COMPLEX_BINARY(Sub, a - b)
TC_COMPLEX_BINARY(Mul, a* b)
TC_COMPLEX_BINARY(Div, a / b)
// PyTorch's special exponents for complex pow: b == 2 is a*a, b == 1 is a;
// the rest is std::pow (exp(b log a)).
TC_COMPLEX_BINARY(Pow, (b == Complex<T>(T(2))   ? a * a
                        : b == Complex<T>(T(1)) ? a
                        : b == Complex<T>(T(0))
                            ? Complex<T>(T(1))
                            : complex_detail::via_std(a, [b](std::complex<T> x) { return std::pow(x, to_std(b)); })))
TC_COMPLEX_BINARY(Eq, a == b)
TC_COMPLEX_BINARY(Ne, a != b)
TC_COMPLEX_BINARY(LogicalAnd, complex_detail::truthy(a) && complex_detail::truthy(b))
TC_COMPLEX_BINARY(LogicalOr, complex_detail::truthy(a) || complex_detail::truthy(b))
TC_COMPLEX_BINARY(LogicalXor, complex_detail::truthy(a) != complex_detail::truthy(b))

TC_COMPLEX_UNARY(Neg, -a)
TC_COMPLEX_UNARY(Square, a* a)
TC_COMPLEX_UNARY(Reciprocal, Complex<T>(T(1)) / a)
TC_COMPLEX_UNARY(LogicalNot, !complex_detail::truthy(a))
TC_COMPLEX_UNARY(IsNan, std::isnan(a.re) || std::isnan(a.im))
TC_COMPLEX_UNARY(IsInf, std::isinf(a.re) || std::isinf(a.im))
TC_COMPLEX_UNARY(IsFinite, std::isfinite(a.re) && std::isfinite(a.im))
TC_COMPLEX_UNARY(Exp, complex_detail::via_std(a, [](std::complex<T> x) { return std::exp(x); }))
TC_COMPLEX_UNARY(Expm1, complex_detail::via_std(a, [](std::complex<T> x) { return std::exp(x) - std::complex<T>(1); }))
TC_COMPLEX_UNARY(Log, complex_detail::via_std(a, [](std::complex<T> x) { return std::log(x); }))
TC_COMPLEX_UNARY(Log2, complex_detail::via_std(a, [](std::complex<T> x) { return std::log(x) / std::log(T(2)); }))
TC_COMPLEX_UNARY(Log10, complex_detail::via_std(a, [](std::complex<T> x) { return std::log10(x); }))
TC_COMPLEX_UNARY(Log1p, complex_detail::via_std(a, [](std::complex<T> x) { return std::log(x + std::complex<T>(1)); }))
TC_COMPLEX_UNARY(Sqrt, complex_detail::via_std(a, [](std::complex<T> x) { return std::sqrt(x); }))
TC_COMPLEX_UNARY(Rsqrt, Complex<T>(T(1)) / complex_detail::via_std(a, [](std::complex<T> x) { return std::sqrt(x); }))
TC_COMPLEX_UNARY(Sin, complex_detail::via_std(a, [](std::complex<T> x) { return std::sin(x); }))
TC_COMPLEX_UNARY(Cos, complex_detail::via_std(a, [](std::complex<T> x) { return std::cos(x); }))
TC_COMPLEX_UNARY(Tan, complex_detail::via_std(a, [](std::complex<T> x) { return std::tan(x); }))
TC_COMPLEX_UNARY(Asin, complex_detail::via_std(a, [](std::complex<T> x) { return std::asin(x); }))
TC_COMPLEX_UNARY(Acos, complex_detail::via_std(a, [](std::complex<T> x) { return std::acos(x); }))
TC_COMPLEX_UNARY(Atan, complex_detail::via_std(a, [](std::complex<T> x) { return std::atan(x); }))
TC_COMPLEX_UNARY(Sinh, complex_detail::via_std(a, [](std::complex<T> x) { return std::sinh(x); }))
TC_COMPLEX_UNARY(Cosh, complex_detail::via_std(a, [](std::complex<T> x) { return std::cosh(x); }))
TC_COMPLEX_UNARY(Tanh, complex_detail::via_std(a, [](std::complex<T> x) { return std::tanh(x); }))
TC_COMPLEX_UNARY(Sigmoid, Complex<T>(T(1)) / (Complex<T>(T(1)) + complex_detail::via_std(-a, [](std::complex<T> x) {
                                                return std::exp(x);
                                              })))

#undef TC_COMPLEX_BINARY
#undef TC_COMPLEX_UNARY

}  // namespace tc::fn
