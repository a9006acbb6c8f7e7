// complex64/complex128 ops that are not elementwise kernels (real, imag, conj,
// abs, angle, polar, complex, and the complex forms of sum, mean and the
// matrix products), written on the real views view_as_real / view_as_complex
// (ops/views.cpp).
//
// Note [Complex through real views]
// view_as_real is a view (same storage, the last dim of size 2 holding the
// real and imaginary parts), differentiable both ways: its backward is
// view_as_complex of the gradient and vice versa, which is PyTorch's
// convention for complex gradients (the conjugate Wirtinger derivative,
// d/dx + i d/dy of a real loss). Every op below that is a composition of real
// ops on those views therefore gets exact gradients from the real ops'
// formulas, without a complex formula of its own: abs is hypot(real, imag),
// angle is atan2(imag, real), a complex product is four real products, sum is
// a sum of the pairs. The elementwise kernels that have complex forms
// (backend/complex_functors.h) carry conj() in their formulas instead.
#include "autograd/derivatives.h"
#include "autograd/meta.h"
#include "backend/kernels.h"
#include "core/error.h"
#include "core/iterator.h"
#include "core/shape_util.h"
#include "ops/dtype_ops.h"
#include "ops/ops.h"

namespace tc::ops {

using autograd::record;
namespace d = autograd::d;

Tensor real(const Tensor& a) { return is_complex(a.dtype()) ? select(view_as_real(a), -1, 0) : a; }

Tensor imag(const Tensor& a) {
  TC_CHECK(is_complex(a.dtype()), "imag is not implemented for tensors with non-complex dtypes.");
  return select(view_as_real(a), -1, 1);
}

// Physical conjugation (PyTorch's conj() is a lazy view with a conj bit;
// tensorcore copies, so is_conj() is always False and writes to the result do
// not reach the input).
Tensor conj(const Tensor& a) {
  if (!is_complex(a.dtype())) return a;
  const DType rdt = to_real_dtype(a.dtype());
  Tensor sign = full({2}, Scalar::from_int(1), rdt);  // (1, -1): the pairs' multiplier
  kernels::fill(sign->data_bytes() + itemsize(rdt), 1, rdt, -1, -1);
  return view_as_complex(mul(view_as_real(a), sign));
}

Tensor complex_abs(const Tensor& a) { return binary(BinaryOp::Hypot, real(a), imag(a)); }

Tensor angle(const Tensor& a) {
  if (is_complex(a.dtype())) return binary(BinaryOp::Atan2, imag(a), real(a));
  // Real input: pi for negatives, 0 otherwise, NaN kept (PyTorch's angle), in a float dtype.
  Tensor x = is_floating(a.dtype()) ? a : to_dtype(a, default_dtype());
  Tensor zeros = zeros_like(x);
  Tensor pi = add(zeros, wrapped_scalar(Scalar::from_double(3.14159265358979323846)));
  Tensor r = where(binary(BinaryOp::Lt, x, zeros), pi, zeros);
  return where(unary(UnaryOp::IsNan, x), x, r);
}

Tensor complex(const Tensor& re, const Tensor& im) {
  TC_CHECK(re.dtype() == DType::Float32 || re.dtype() == DType::Float64 || re.dtype() == DType::Float16,
           "Expected both inputs to be Half, Float or Double tensors but got ", scalar_type_name(re.dtype()), " and ",
           scalar_type_name(im.dtype()));
  TC_CHECK(re.dtype() == im.dtype(), "Expected object of scalar type ", scalar_type_name(re.dtype()),
           " but got scalar type ", scalar_type_name(im.dtype()), " for second argument");
  TC_CHECK(re.dtype() != DType::Float16, "complex32 (ComplexHalf) tensors are not supported by tensorcore");
  Shape shape = broadcast_shapes(re.sizes(), im.sizes(), "complex");
  return view_as_complex(stack({expand(re, shape), expand(im, shape)}, -1));
}

Tensor polar(const Tensor& abs, const Tensor& angle) {
  return complex(mul(abs, unary(UnaryOp::Cos, angle)), mul(abs, unary(UnaryOp::Sin, angle)));
}

// Note [Complex through real views]: sum and mean over the pairs.
Tensor complex_reduce(const Tensor& a, const Shape& dims, bool keepdim, bool mean_of) {
  Shape real_dims;
  const int64_t nd = a.dim();
  for (int64_t d : dims) real_dims.push_back(d < 0 ? d + nd : d);  // -1 must not name the pair dim
  if (dims.empty())
    for (int64_t d = 0; d < nd; ++d) real_dims.push_back(d);
  Tensor pairs = view_as_real(a);
  Tensor r = real_dims.empty() ? pairs : mean_of ? mean(pairs, real_dims, keepdim) : sum(pairs, real_dims, keepdim);
  return view_as_complex(contiguous(r));
}

// (ar + i ai)(br + i bi) with four real products of the same kind (mm, bmm).
Tensor complex_product(const Tensor& a, const Tensor& b, Tensor (*product)(const Tensor&, const Tensor&)) {
  DType dt = promote_types(a.dtype(), b.dtype());
  Tensor ac = to_dtype(a, dt), bc = to_dtype(b, dt);
  Tensor ar = real(ac), ai = imag(ac), br = real(bc), bi = imag(bc);
  Tensor re = sub(product(ar, br), product(ai, bi));
  Tensor im = add(product(ar, bi), product(ai, br));
  return complex(re, im);
}

}  // namespace tc::ops
