#pragma once
// The derivative table: one formula per differentiable op, written with the
// public ops so that gradients are themselves differentiable
// (create_graph=True). Node names follow PyTorch (AddBackward0, ...).
//
// Conventions: formulas receive the gradients of the forward outputs and
// return one gradient per forward input (undefined where not needed). The
// engine sums broadcast gradients back to each input's shape and casts them to
// its dtype, so formulas may return the broadcast shape.
#include <vector>

#include "autograd/function.h"
#include "backend/op_tables.h"

namespace tc::autograd::d {

using Grads = std::vector<Tensor>;
#define TC_FORMULA(name) Grads name##_backward(FormulaNode& n, const Grads& g)

// elementwise (derivatives_elementwise.cpp). The unary and binary ops' formulas
// are columns of their rows in backend/op_tables.h; these record their nodes.
void record_binary(BinaryOp op, const Tensor& self, const Tensor& other, const Tensor& result);
void record_unary(UnaryOp op, const Tensor& self, const Tensor& result);
TC_FORMULA(zero_grad);  // rounding ops, random ops, div with rounding_mode
TC_FORMULA(where);
TC_FORMULA(clamp);
TC_FORMULA(clamp_tensor);
TC_FORMULA(to_copy);
TC_FORMULA(copy);
TC_FORMULA(clone);
TC_FORMULA(lerp);
TC_FORMULA(masked_fill);

// reductions (derivatives_reduce.cpp)
TC_FORMULA(sum);
TC_FORMULA(mean);
TC_FORMULA(prod);
TC_FORMULA(cumprod);
TC_FORMULA(amax_amin);
TC_FORMULA(max_min_all);
TC_FORMULA(max_min_dim);
TC_FORMULA(var);
TC_FORMULA(std);
TC_FORMULA(softmax);
TC_FORMULA(log_softmax);
TC_FORMULA(logsumexp);
TC_FORMULA(cumsum);
TC_FORMULA(norm);
TC_FORMULA(sort_topk);

// views and shape ops (derivatives_views.cpp)
TC_FORMULA(view);
TC_FORMULA(view_as_real);  // Note [Complex through real views] (ops/complex.cpp)
TC_FORMULA(view_as_complex);
TC_FORMULA(as_strided);
TC_FORMULA(transpose);
TC_FORMULA(permute);
TC_FORMULA(expand);
TC_FORMULA(squeeze);
TC_FORMULA(unsqueeze);
TC_FORMULA(select);
TC_FORMULA(slice);
TC_FORMULA(split);
TC_FORMULA(unbind);
TC_FORMULA(diagonal);
TC_FORMULA(alias);
TC_FORMULA(cat);
TC_FORMULA(stack);
TC_FORMULA(flip);
TC_FORMULA(repeat);
TC_FORMULA(copy_slices);
TC_FORMULA(fill);

// indexing (derivatives_index.cpp)
TC_FORMULA(index);
TC_FORMULA(index_select);
TC_FORMULA(index_put);
TC_FORMULA(gather);
TC_FORMULA(scatter_add);
TC_FORMULA(embedding);

// linear algebra (derivatives_linalg.cpp)
TC_FORMULA(mm);
TC_FORMULA(bmm);
TC_FORMULA(dot);
TC_FORMULA(mv);
TC_FORMULA(addmm);
TC_FORMULA(as_strided_scatter);
// Saving a product's operands (Note [Product operands saved on demand]): slot 0
// holds the first operand (input `a_input` of the node), slot 1 the second;
// save_mm_operands also records their layouts (attrs::MatmulLayout).
void save_product_operands(FormulaNode* n, const Tensor& a, const Tensor& b, size_t a_input);
void save_mm_operands(FormulaNode* n, const Tensor& a, const Tensor& b, size_t a_input);

// nn (derivatives_nn.cpp)
TC_FORMULA(nll_loss);

#undef TC_FORMULA
}  // namespace tc::autograd::d
