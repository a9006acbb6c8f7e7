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
// The layouts come from the node's MatmulLayout: an operand is saved only when
// the other one needs a gradient (Note [Product operands saved on demand]).
Tensor mm_mat1_grad(const Tensor& g, bool a_column_major, const Tensor& b) {
  return a_column_major ? t(ops::mm(cj(b), t(g))) : ops::mm(g, t(cj(b)));
}
Tensor mm_mat2_grad(const Tensor& g, const Tensor& a, bool b_column_major) {
  return b_column_major ? t(ops::mm(t(g), cj(a))) : ops::mm(t(cj(a)), g);
}

// The gradients of mat1 (input `i1` of the node) and mat2 (input `i1 + 1`).
Grads mm_operand_grads(FormulaNode& n, const Tensor& g, size_t i1) {
  const auto& layout = n.attrs_as<attrs::MatmulLayout>();
  Tensor ga, gb;
  if (n.needs_grad(i1)) ga = mm_mat1_grad(g, layout.mat1_column_major, n.saved_at(1));
  if (n.needs_grad(i1 + 1)) gb = mm_mat2_grad(g, n.saved_at(0), layout.mat2_column_major);
  return {ga, gb};
}
}  // namespace

namespace {
constexpr const char* kMmSlotNames[] = {"self", "mat2", nullptr};
constexpr const char* kAddmmSlotNames[] = {"mat1", "mat2", nullptr};
}  // namespace

void save_product_operands(FormulaNode* n, const Tensor& a, const Tensor& b, size_t a_input) {
  // Note [Product operands saved on demand]
  // The gradient of a product's first operand needs only the second and the
  // reverse, so each operand is saved only when the other one needs a
  // gradient, as PyTorch's generated code does. Besides the memory, this is
  // visible: `y = x @ w` with x not requiring grad saves x alone, so an
  // in-place update of w (an optimizer step between two backwards through a
  // retained graph) does not fail the version check, as in PyTorch.
  n->save(n->needs_grad(a_input + 1) ? a : Tensor());
  n->save(n->needs_grad(a_input) ? b : Tensor());
}

void save_mm_operands(FormulaNode* n, const Tensor& a, const Tensor& b, size_t a_input) {
  save_product_operands(n, a, b, a_input);
  n->saved_names = a_input == 0 ? kMmSlotNames : kAddmmSlotNames;
  n->attrs = attrs::MatmulLayout{column_major(a), column_major(b)};
}

Grads mm_backward(FormulaNode& n, const Grads& g) { return mm_operand_grads(n, g[0], 0); }

// bmm, dot and mv save their operands through save_product_operands: a slot
// is read only for the gradient that needs it.
Grads bmm_backward(FormulaNode& n, const Grads& g) {
  return {n.needs_grad(0) ? ops::bmm(g[0], transpose(cj(n.saved_at(1)), 1, 2)) : Tensor(),
          n.needs_grad(1) ? ops::bmm(transpose(cj(n.saved_at(0)), 1, 2), g[0]) : Tensor()};
}

Grads dot_backward(FormulaNode& n, const Grads& g) {
  return {n.needs_grad(0) ? mul(g[0], cj(n.saved_at(1))) : Tensor(),
          n.needs_grad(1) ? mul(g[0], cj(n.saved_at(0))) : Tensor()};
}

Grads mv_backward(FormulaNode& n, const Grads& g) {
  return {n.needs_grad(0) ? outer(g[0], cj(n.saved_at(1))) : Tensor(),
          n.needs_grad(1) ? ops::mv(t(cj(n.saved_at(0))), g[0]) : Tensor()};
}

Grads addmm_backward(FormulaNode& n, const Grads& g) {
  Grads operands = mm_operand_grads(n, g[0], 1);
  return {n.needs_grad(0) ? g[0] : Tensor(), operands[0], operands[1]};
}

Grads as_strided_scatter_backward(FormulaNode& n, const Grads& g) {
  Tensor gc = contiguous(g[0]);
  const auto& w = n.attrs_as<attrs::StridedWindow>();
  return {ops::as_strided(gc, w.size, w.stride, gc->offset + w.offset)};
}

}  // namespace tc::autograd::d
