#pragma once
// The complex element types of complex64 and complex128.
//
// Note [Complex element type]
// Complex<T> is two T's, real part first (the layout of std::complex<T>,
// C99 `T _Complex`, numpy's complex64/complex128 and DLPack's complex codes),
// so buffers move between them unchanged. It is our own type rather than
// std::complex because (1) std::complex's operator* and operator/ follow C's
// Annex G (libgcc's __mulsc3/__divdc3: calls with inf/NaN recovery) unless the
// whole build uses -fcx-limited-range, and those calls stop the compiler from
// vectorizing; (2) it must compile for CUDA (TC_HD) later. Arithmetic follows
// PyTorch's c10::complex: the textbook product and Smith's quotient (numpy's,
// which scales by the larger part of the divisor so |b|^2 cannot overflow).
// Transcendental functions go through std::complex, which is exact to the
// libm of the platform, as PyTorch's CPU kernels do.
#include <cmath>
#include <complex>
#include <type_traits>

#include "core/portability.h"

namespace tc {

template <typename T> struct Complex {
  T re, im;
  Complex() = default;
  TC_HD constexpr Complex(T r, T i = T(0)) : re(r), im(i) {}  // NOLINT: implicit from a real, as c10::complex
  template <typename U, typename = std::enable_if_t<!std::is_same_v<U, T>>>
  TC_HD constexpr explicit Complex(const Complex<U>& o) : re(static_cast<T>(o.re)), im(static_cast<T>(o.im)) {}

  TC_HD constexpr Complex operator-() const { return {-re, -im}; }
  TC_HD constexpr Complex& operator+=(Complex o) { return *this = *this + o; }
  TC_HD constexpr Complex& operator-=(Complex o) { return *this = *this - o; }
  TC_HD constexpr Complex& operator*=(Complex o) { return *this = *this * o; }
  TC_HD constexpr Complex& operator/=(Complex o) { return *this = *this / o; }

  TC_HD friend constexpr Complex operator+(Complex a, Complex b) { return {a.re + b.re, a.im + b.im}; }
  TC_HD friend constexpr Complex operator-(Complex a, Complex b) { return {a.re - b.re, a.im - b.im}; }
  TC_HD friend constexpr Complex operator*(Complex a, Complex b) {
    return {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
  }
  // Smith's algorithm (numpy's and c10::complex's): divides by the larger
  // part of b first. b == 0 gives inf/NaN parts as a real division would.
  TC_HD friend Complex operator/(Complex a, Complex b) {
    const T ar = std::abs(b.re), ai = std::abs(b.im);
    if (ar >= ai) {
      if (ar == T(0) && ai == T(0)) return {a.re / ar, a.im / ai};
      const T rat = b.im / b.re, scl = T(1) / (b.re + b.im * rat);
      return {(a.re + a.im * rat) * scl, (a.im - a.re * rat) * scl};
    }
    const T rat = b.re / b.im, scl = T(1) / (b.im + b.re * rat);
    return {(a.re * rat + a.im) * scl, (a.im * rat - a.re) * scl};
  }
  TC_HD friend constexpr bool operator==(Complex a, Complex b) { return a.re == b.re && a.im == b.im; }
  TC_HD friend constexpr bool operator!=(Complex a, Complex b) { return !(a == b); }
};

template <typename T> inline constexpr bool is_complex_type_v = false;
template <typename T> inline constexpr bool is_complex_type_v<Complex<T>> = true;

template <typename T> std::complex<T> to_std(Complex<T> z) { return {z.re, z.im}; }
template <typename T> Complex<T> from_std(std::complex<T> z) { return {z.real(), z.imag()}; }

}  // namespace tc
