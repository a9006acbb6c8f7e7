// Derivative formulas for matrix products (see autograd/derivatives.h).
#include "autograd/derivatives.h"
#include "autograd/node_attrs.h"
#include "ops/ops.h"

namespace tc::autograd::d {

using namespace tc::ops;

namespace {
bool column_major(const Tensor& m) { return m.dim() == 2 && m.strides()[0] == 1 && m.strides()[1] == m.size(0); }

// Gradients of a @ b that keep each input's memory layout (as PyTorch's
// mm_mat1/mm_mat2_backward): for a column-major input such as weight.t() the
// gradient is computed transposed, so the leaf's grad comes out contiguous.
Tensor mm_mat1_grad(const Tensor& g, const Tensor& a, const Tensor& b) {
  return column_major(a) ? t(ops::mm(b, t(g))) : ops::mm(g, t(b));
}
Tensor mm_mat2_grad(const Tensor& g, const Tensor& a, const Tensor& b) {
  return column_major(b) ? t(ops::mm(t(g), a)) : ops::mm(t(a), g);
}
}  // namespace

Grads mm_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  return {n.needs_grad(0) ? mm_mat1_grad(g[0], a, b) : Tensor(), n.needs_grad(1) ? mm_mat2_grad(g[0], a, b) : Tensor()};
}

Grads bmm_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  return {n.needs_grad(0) ? ops::bmm(g[0], transpose(b, 1, 2)) : Tensor(),
          n.needs_grad(1) ? ops::bmm(transpose(a, 1, 2), g[0]) : Tensor()};
}

Grads dot_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  return {n.needs_grad(0) ? mul(g[0], b) : Tensor(), n.needs_grad(1) ? mul(g[0], a) : Tensor()};
}

Grads mv_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), v = n.saved_at(1);
  return {n.needs_grad(0) ? outer(g[0], v) : Tensor(), n.needs_grad(1) ? ops::mv(t(a), g[0]) : Tensor()};
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
