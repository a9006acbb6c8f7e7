// Derivative formulas for matrix products (see autograd/derivatives.h).
#include "autograd/derivatives.h"
#include "ops/ops.h"

namespace tc::autograd::d {

using namespace tc::ops;

Grads mm_backward(FormulaNode& n, const Grads& g) {
  Tensor a = n.saved_at(0), b = n.saved_at(1);
  return {n.needs_grad(0) ? ops::mm(g[0], t(b)) : Tensor(), n.needs_grad(1) ? ops::mm(t(a), g[0]) : Tensor()};
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
  return {n.needs_grad(0) ? g[0] : Tensor(), n.needs_grad(1) ? ops::mm(g[0], t(b)) : Tensor(),
          n.needs_grad(2) ? ops::mm(t(a), g[0]) : Tensor()};
}

Grads as_strided_scatter_backward(FormulaNode& n, const Grads& g) {
  Tensor gc = contiguous(g[0]);
  return {ops::as_strided(gc, n.shapes[0], n.shapes[1], gc->offset + n.ints[0])};
}

}  // namespace tc::autograd::d
