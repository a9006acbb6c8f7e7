// Derivative formulas for matrix products (see autograd/derivatives.h).
#include "autograd/derivatives.h"
#include "autograd/node_attrs.h"
#include "ops/ops.h"

namespace tc::autograd::d {

using namespace tc::ops;

namespace {
bool column_major(const Tensor& m) { return m.dim() == 2 && m.strides()[0] == 1 && m.strides()[1] == m.size(0); }

// Note [Conjugated operands in product gradients]
// For complex operands the gradient of a product takes the other operand
// conjugated (PyTorch's conjugate Wirtinger convention: grad_a = grad @ b^H),
// as Note [Complex gradients of the table formulas] does for the elementwise
// rows. ops::conj is the tensor itself for real dtypes, so real products are
// unchanged. Products computed through real views (complex mm/bmm, Note
// [Complex through real views]) get this from the real formulas already; the
// nodes below also serve dot, mv and addmm, which record their own.
Tensor cj(const Tensor& x) { return ops::conj(x); }

// Gradients of a @ b that keep each input's memory layout (as PyTorch's
// mm_mat1/mm_mat2_backward): for a column-major input such as weight.t() the
// gradient is computed transposed, so the leaf's grad comes out contiguous.
Tensor mm_mat1_grad(const Tensor& g, const Tensor& a, const Tensor& b) {
  return column_major(a) ? t(ops::mm(cj(b), t(g))) : ops::mm(g, t(cj(b)));
}
Tensor mm_mat2_grad(const Tensor& g, const Tensor& a, const Tensor& b) {
  return column_major(b) ? t(ops::mm(t(g), cj(a))) : ops::mm(t(cj(a)), g);
}
}  // namespace

Grads mm_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  return {n.needs_grad(0) ? mm_mat1_grad(g[0], a, b) : Tensor(), n.needs_grad(1) ? mm_mat2_grad(g[0], a, b) : Tensor()};
}

Grads bmm_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  return {n.needs_grad(0) ? ops::bmm(g[0], transpose(cj(b), 1, 2)) : Tensor(),
          n.needs_grad(1) ? ops::bmm(transpose(cj(a), 1, 2), g[0]) : Tensor()};
}

Grads dot_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  return {n.needs_grad(0) ? mul(g[0], cj(b)) : Tensor(), n.needs_grad(1) ? mul(g[0], cj(a)) : Tensor()};
}

Grads mv_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), v = n.saved_at(1);
  return {n.needs_grad(0) ? outer(g[0], cj(v)) : Tensor(), n.needs_grad(1) ? ops::mv(t(cj(a)), g[0]) : Tensor()};
}

Grads addmm_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  return {n.needs_grad(0) ? g[0] : Tensor(), n.needs_grad(1) ? mm_mat1_grad(g[0], a, b) : Tensor(),
          n.needs_grad(2) ? mm_mat2_grad(g[0], a, b) : Tensor()};
}

Grads as_strided_scatter_backward(FormulaNode& n, const Grads& g) {
  Tensor gc = contiguous(g[0]);
  const auto& w = n.attrs_as<attrs::StridedWindow>();
  return {ops::as_strided(gc, w.size, w.stride, gc->offset + w.offset)};
}

}  // namespace tc::autograd::d
