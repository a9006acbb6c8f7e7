// complex64/complex128 ops that are not elementwise kernels (real, imag, conj,
// abs, angle, polar, complex, the complex forms of the reductions and of the
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
#include "autograd/grad_mode.h"
#include "autograd/meta.h"
#include "backend/kernels.h"
#include "core/error.h"
#include "core/iterator.h"
#include "core/shape_util.h"
#include "ops/complex_composites.h"
#include "ops/dtype_ops.h"
#include "ops/ops.h"

namespace tc::ops {

using autograd::record;
namespace d = autograd::d;

namespace {
// Note [Composite node names]: the ops below end in a node made by their own
// last step (never an input's), renamed to PyTorch's node for the whole op.
Tensor named(Tensor out, const char* name) {
  if (out->autograd && out->autograd->grad_fn) out->autograd->grad_fn->renamed = name;
  return out;
}
}  // namespace

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
  return named(view_as_complex(mul(view_as_real(a), sign)), "ConjBackward0");
}

// |z| = hypot(re, im). hypot's gradient (re, im) / |z| is 0/0 at z = 0, where PyTorch's (sgn(z) = 0) is 0: when a
// gradient is wanted, zeros go through hypot as 1 and their result is replaced by 0, so nothing flows back there.
Tensor complex_abs(const Tensor& a) {
  if (!(autograd::grad_enabled() && a.requires_grad())) return binary(BinaryOp::Hypot, real(a), imag(a));
  Tensor zero;
  {
    autograd::NoGradGuard ng;
    zero = binary(BinaryOp::Eq, a, wrapped_scalar(Scalar::from_int(0)));
  }
  Tensor safe = where(zero, ones_like(a), a);
  Tensor r = binary(BinaryOp::Hypot, real(safe), imag(safe));
  return named(where(zero, zeros_like(r), r), "AbsBackward0");
}

Tensor angle(const Tensor& a) {
  if (is_complex(a.dtype())) return named(binary(BinaryOp::Atan2, imag(a), real(a)), "AngleBackward0");
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
  return named(view_as_complex(stack({expand(re, shape), expand(im, shape)}, -1)), "ComplexBackward0");
}

Tensor polar(const Tensor& abs, const Tensor& angle) {
  return named(complex(mul(abs, unary(UnaryOp::Cos, angle)), mul(abs, unary(UnaryOp::Sin, angle))), "PolarBackward0");
}

// Note [Complex through real views]: sum and mean over the pairs.
Tensor complex_reduce(const Tensor& a, const Shape& dims, bool keepdim, bool mean_of) {
  Shape real_dims;
  const int64_t nd = a.dim();
  for (int64_t d : dims) {  // checked as PyTorch checks; -1 must not name the pair dim; a 0-dim input has nothing
    const int64_t w = wrap_dim(d, nd, "sum");
    if (nd > 0) real_dims.push_back(w);
  }
  if (dims.empty())
    for (int64_t d = 0; d < nd; ++d) real_dims.push_back(d);
  Tensor pairs = view_as_real(a);
  // sum()/mean() without dims are PyTorch's *Backward0 nodes, with dims *Backward1
  const char* name =
      mean_of ? (dims.empty() ? "MeanBackward0" : "MeanBackward1") : (dims.empty() ? "SumBackward0" : "SumBackward1");
  if (real_dims.empty()) return named(view_as_complex(contiguous(pairs)), name);
  Tensor total = view_as_complex(contiguous(sum(pairs, real_dims, keepdim)));
  if (!mean_of) return named(total, name);
  // A mean is the complex sum divided by the count as a complex number (Smith's quotient), as PyTorch's:
  // an infinite real part makes the imaginary part NaN, where dividing the parts separately would not.
  int64_t count = 1;
  for (int64_t d : real_dims) count *= a.size(d);
  return named(binary(BinaryOp::Div, total, wrapped_scalar(Scalar::from_double(static_cast<double>(count)))), name);
}

// Dims as non-negative indices, every dim for an empty list (a full reduction).
static Shape reduced_dims(const Tensor& a, const Shape& dims, const char* op) {
  Shape out;
  for (int64_t d : dims) out.push_back(wrap_dim(d, a.dim(), op));
  if (dims.empty())
    for (int64_t d = 0; d < a.dim(); ++d) out.push_back(d);
  return out;
}

// Note [Complex products by halves]
// A complex product is not a sum of the parts, so it cannot go through the real
// views. It multiplies the first half of the dim by the second half, elementwise
// (complex mul, vectorised), until one element is left: log2(n) passes over
// halving data, O(n) work, and the gradient is the chain of the muls' (conjugated)
// gradients, exact with zeros among the factors. The order of the products differs
// from a left-to-right loop, so the last bits may differ from PyTorch's, as
// PyTorch's own vectorised prod does.
Tensor complex_prod(const Tensor& a, std::optional<int64_t> dim, bool keepdim) {
  Tensor x = a;
  int64_t d = 0;
  if (dim) {
    d = wrap_dim(*dim, a.dim(), "prod");
  } else {
    x = reshape(a, {-1});
    keepdim = false;
  }
  if (x.dim() == 0) return clone(x);
  int64_t n = x.size(d);
  if (n == 0) {
    Shape s = x.sizes();
    s[d] = 1;
    Tensor r = ones(s, a.dtype());
    return keepdim ? r : squeeze_dims(r, {d});
  }
  while (n > 1) {
    const int64_t h = n / 2;
    Tensor y = mul(narrow(x, d, 0, h), narrow(x, d, h, h));
    x = n % 2 ? cat({y, narrow(x, d, 2 * h, 1)}, d) : y;
    n = h + n % 2;
  }
  if (x.get() == a.get()) x = clone(x);  // a size-1 dim: the result is still a new tensor, as PyTorch's
  return named(keepdim ? x : squeeze_dims(x, {d}), dim ? "ProdBackward1" : "ProdBackward0");
}

Tensor complex_logsumexp(const Tensor& a, const Shape& dims, bool keepdim) {
  Tensor shift;  // the largest real part of each reduced group, as PyTorch shifts it: a constant, not differentiated
  {
    autograd::NoGradGuard ng;
    if (a.numel() == 0) {
      shift = zeros_like(sum(real(a), dims, true));
    } else {
      shift = amax(real(a), dims, true);
      shift = where(unary(UnaryOp::IsInf, shift), zeros_like(shift), shift);
    }
  }
  Tensor s = sum(unary(UnaryOp::Exp, sub(a, shift)), dims, keepdim);
  return add(unary(UnaryOp::Log, s), keepdim ? shift : reshape(shift, s.sizes()));
}

Tensor complex_norm(const Tensor& a, double p, const Shape& dims, bool keepdim) {
  if (p != 2.0) return norm(complex_abs(a), p, dims, keepdim);
  // sqrt(sum(re^2 + im^2)): the 2-norm of the pairs over the same dims and the pair dim. Its gradient is z / norm,
  // 0 at z = 0 like PyTorch's, where abs's would be 0/0.
  Shape pair_dims = reduced_dims(a, dims, "linalg.vector_norm");
  for (size_t i = 0; i < pair_dims.size(); ++i)  // (the real reduction's check, before a 0-dim input drops them)
    for (size_t j = 0; j < i; ++j)
      TC_CHECK(pair_dims[i] != pair_dims[j], "dim ", pair_dims[i], " appears multiple times in the list of dims");
  if (a.dim() == 0) pair_dims.clear();  // a 0-dim input's dim 0 (or -1) names itself: only the pair dim is reduced
  pair_dims.push_back(a.dim());
  Tensor r = norm(view_as_real(a), 2.0, pair_dims, keepdim);
  return keepdim ? squeeze_dims(r, {a.dim()}) : r;
}

bool has_complex_composite(UnaryOp op) {
  return op == UnaryOp::Asinh || op == UnaryOp::Acosh || op == UnaryOp::Atanh || op == UnaryOp::Exp2 ||
         op == UnaryOp::Sinc;
}

// The principal branches, as C++'s std::asinh/acosh/atanh of complex (which PyTorch calls):
// asinh z = log(z + sqrt(z^2 + 1)), acosh z = log(z + sqrt(z + 1) sqrt(z - 1)), atanh z = (log1p(z) - log1p(-z))/2.
Tensor complex_composite(UnaryOp op, const Tensor& z) {
  auto num = [](double v) { return wrapped_scalar(Scalar::from_double(v)); };
  auto u = [](UnaryOp f, const Tensor& x) { return unary(f, x); };
  switch (op) {
    case UnaryOp::Asinh:
      return u(UnaryOp::Log, add(z, u(UnaryOp::Sqrt, add(mul(z, z), num(1)))));
    case UnaryOp::Acosh:
      return u(UnaryOp::Log, add(z, mul(u(UnaryOp::Sqrt, add(z, num(1))), u(UnaryOp::Sqrt, sub(z, num(1))))));
    case UnaryOp::Atanh:
      return mul(sub(u(UnaryOp::Log1p, z), u(UnaryOp::Log1p, u(UnaryOp::Neg, z))), num(0.5));
    case UnaryOp::Exp2: {
      // PyTorch's exp(ln2 * z) scales each part by the real ln2 (C++'s real * complex): a complex
      // product by (ln2 + 0i) would add inf * 0 = NaN to the imaginary part of an infinite z.
      const Tensor ln2 = num(0.69314718055994530942);
      return u(UnaryOp::Exp, complex(mul(real(z), ln2), mul(imag(z), ln2)));
    }
    case UnaryOp::Sinc: {
      // sin(pi z) / (pi z), 1 at 0. The division sees 1 where z is 0, so that branch's (unused) gradient is
      // finite there: where() passes 0 * its gradient, and 0 * NaN would be NaN.
      Tensor zero = binary(BinaryOp::Eq, z, num(0));
      Tensor pz = mul(where(zero, ones_like(z), z), num(3.14159265358979323846));
      return where(zero, ones_like(z), div(u(UnaryOp::Sin, pz), pz));
    }
    default:
      raise(ErrorKind::Runtime, "complex_composite: the unary op has no composed complex form");
  }
}

bool has_complex_composite(BinaryOp op) { return op == BinaryOp::Ldexp || op == BinaryOp::LogAddExp; }

Tensor complex_composite(BinaryOp op, const Tensor& a, const Tensor& b) {
  if (op == BinaryOp::Ldexp)  // PyTorch's ldexp: a * 2^b
    return mul(a, binary(BinaryOp::Pow, wrapped_scalar(Scalar::from_double(2.0)), b));
  TC_CHECK(op == BinaryOp::LogAddExp, "complex_composite: the binary op has no composed complex form");
  // PyTorch's complex logaddexp: the operand with the larger real part, plus log1p(exp(other - it)).
  const DType dt = promote_types(a.dtype(), b.dtype());
  Tensor ac = to_dtype(a, dt), bc = to_dtype(b, dt);
  Tensor b_larger = binary(BinaryOp::Lt, real(ac), real(bc));
  Tensor hi = where(b_larger, bc, ac), lo = where(b_larger, ac, bc);
  return add(hi, unary(UnaryOp::Log1p, unary(UnaryOp::Exp, sub(lo, hi))));
}

// (ar + i ai)(br + i bi) with four real products of the same kind (mm, bmm).
Tensor complex_product(const Tensor& a, const Tensor& b, Tensor (*product)(const Tensor&, const Tensor&)) {
  DType dt = promote_types(a.dtype(), b.dtype());
  Tensor ac = to_dtype(a, dt), bc = to_dtype(b, dt);
  Tensor ar = real(ac), ai = imag(ac), br = real(bc), bi = imag(bc);
  Tensor re = sub(product(ar, br), product(ai, bi));
  Tensor im = add(product(ar, bi), product(ai, br));
  return named(complex(re, im),
               product == static_cast<Tensor (*)(const Tensor&, const Tensor&)>(&mm) ? "MmBackward0" : "BmmBackward0");
}

}  // namespace tc::ops
