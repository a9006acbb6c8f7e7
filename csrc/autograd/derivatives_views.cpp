// Derivative formulas for views and joins (see autograd/derivatives.h).
#include <algorithm>
#include <numeric>
#include <vector>

#include "autograd/derivatives.h"
#include "autograd/node_attrs.h"
#include "core/error.h"
#include "ops/ops.h"

namespace tc::autograd::d {

using namespace tc::ops;

namespace {
// Gradient of a non-overlapping strided view of a contiguous tensor of
// `shape`: zeros with `g` written through that view (differentiable).
Tensor scatter_view(const Tensor& g, const Shape& shape, const Shape& size, const Shape& stride, int64_t offset) {
  return as_strided_scatter_zeros(g, shape, size, stride, offset);
}
Tensor or_zeros(const Tensor& g, const Shape& shape, DType dt) { return g.defined() ? g : zeros(shape, dt); }
}  // namespace

Grads view_backward(FormulaNode& n, const Grads& g) {
  return {reshape(g[0], n.attrs_as<attrs::InputShape>().input_shape)};
}

// Note [Complex through real views]: the gradient of the pairs view is the
// complex gradient and vice versa (PyTorch's ViewAsRealBackward0 /
// ViewAsComplexBackward0); a gradient may arrive strided, so it is made dense first.
Grads view_as_real_backward(FormulaNode&, const Grads& g) { return {view_as_complex(contiguous(g[0]))}; }
Grads view_as_complex_backward(FormulaNode&, const Grads& g) { return {view_as_real(g[0])}; }

// Note [In-place on views] (autograd/inplace.h): inputs are the base before
// the write and the value written through the view (size, stride, offset).
//
// Note [CopySlices on a permuted base]
// The view's (size, stride, offset) are storage positions relative to the
// base's offset, which are the positions of a contiguous tensor of the base's
// shape only when the base is contiguous. A dense base in another dim order
// (x.t_(); x[0] = v) is contiguous once its dims are permuted by decreasing
// stride, so the gradient is permuted the same way, split as for a contiguous
// base, and permuted back.
namespace {
bool non_overlapping(const Shape& size, const Shape& stride);
}  // namespace

Grads copy_slices_backward(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<attrs::CopySlices>();
  // A write of one value through an expanded view (fill_, zero_) is allowed forward; PyTorch's CopySlices
  // then writes the gradient back through the same aliases and refuses, so the backward refuses as well.
  TC_CHECK(non_overlapping(a.size, a.stride),
           "unsupported operation: more than one element of the written-to tensor refers to a single memory "
           "location. Please clone() the tensor before performing the operation.");
  Tensor gc = contiguous(a.perm.empty() ? g[0] : permute(g[0], a.perm));
  Tensor g_value = clone(ops::as_strided(gc, a.size, a.stride, gc->offset + a.offset));
  // The window's part of the base gradient is zeroed with a mask rather than by subtracting g_value:
  // gc - g_value is nan where the gradient is infinite (exp overflowed), where PyTorch's zeroing gives 0.
  Tensor window =
      as_strided_scatter_zeros(ones(a.size, DType::Bool, gc.device()), a.base_shape, a.size, a.stride, a.offset);
  Tensor g_base = masked_fill(gc, window, zeros({}, gc.dtype(), gc.device()));
  if (!a.perm.empty()) {
    Shape inverse(a.perm.size());
    for (size_t i = 0; i < a.perm.size(); ++i) inverse[a.perm[i]] = static_cast<int64_t>(i);
    g_base = permute(g_base, inverse);
  }
  return {g_base, g_value};
}

Grads fill_backward(FormulaNode&, const Grads& g) { return {zeros(g[0].sizes(), g[0].dtype())}; }

Grads flip_backward(FormulaNode& n, const Grads& g) { return {flip(g[0], n.attrs_as<attrs::Dims>().dims)}; }

// Output dim i of repeat holds repeats[i] tiles of input dim i: view the
// gradient as (tile, size) pairs and sum the tile axes.
Grads repeat_backward(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<attrs::Repeat>();
  const Shape& in_shape = a.input_shape;
  const Shape& repeats = a.repeats;
  const int64_t pad = static_cast<int64_t>(repeats.size() - in_shape.size());
  Shape pairs, tile_dims;
  for (size_t i = 0; i < repeats.size(); ++i) {
    tile_dims.push_back(static_cast<int64_t>(pairs.size()));
    pairs.push_back(repeats[i]);
    pairs.push_back(static_cast<int64_t>(i) >= pad ? in_shape[i - pad] : 1);
  }
  return {reshape(sum(reshape(g[0], pairs), tile_dims, false), in_shape)};
}

namespace {
// [lo, hi]: the storage positions a (size, stride, offset) geometry touches (strides are never negative).
void storage_span(const Shape& size, const Shape& stride, int64_t offset, int64_t& lo, int64_t& hi) {
  lo = hi = offset;
  for (size_t d = 0; d < size.size(); ++d) hi += (size[d] - 1) * stride[d];
}
// True when no two elements of the geometry share a storage position: with
// dims sorted by stride, each stride exceeds the span of the smaller ones.
bool non_overlapping(const Shape& size, const Shape& stride) {
  std::vector<size_t> dims;
  for (size_t d = 0; d < size.size(); ++d)
    if (size[d] > 1) dims.push_back(d);
  std::sort(dims.begin(), dims.end(), [&](size_t x, size_t y) { return stride[x] < stride[y]; });
  int64_t span = 0;  // the largest position the smaller-stride dims reach
  for (size_t d : dims) {
    if (stride[d] <= span) return false;
    span += (size[d] - 1) * stride[d];
  }
  return true;
}
}  // namespace

// Note [as_strided backward on storage positions]
// as_strided reads its input's storage: output element k sits at storage
// position offset + sum(k_d * stride_d), input element j at input_offset +
// sum(j_d * input_stride_d), whatever the input's strides (a transposed,
// selected or unfolded input included: unfold of an unfold extracts image
// patches). The gradient of an input element is the sum of the output
// gradients at its position (output windows may overlap: unfold, stride 0);
// when the input itself overlaps, that sum is shared equally among the input
// elements at the position (PyTorch's rule). Everything is index_put / index
// on a flat buffer of the touched positions, so the formula is differentiable.
Grads as_strided_backward(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<attrs::AsStrided>();
  const Shape& in_size = a.input_size;
  const int64_t in_numel = shape_numel(in_size);
  if (in_numel == 0 || shape_numel(a.size) == 0) return {zeros(in_size, g[0].dtype())};
  int64_t in_lo, in_hi, out_lo, out_hi;
  storage_span(in_size, a.input_stride, a.input_offset, in_lo, in_hi);
  storage_span(a.size, a.stride, a.offset, out_lo, out_hi);
  const int64_t lo = std::min(in_lo, out_lo), n_pos = std::max(in_hi, out_hi) - lo + 1;
  Tensor positions = arange(Scalar::from_int(0), Scalar::from_int(n_pos), Scalar::from_int(1), DType::Int64);
  Tensor out_idx = reshape(contiguous(ops::as_strided(positions, a.size, a.stride, a.offset - lo)), {-1});
  Tensor in_idx = reshape(contiguous(ops::as_strided(positions, in_size, a.input_stride, a.input_offset - lo)), {-1});
  Tensor storage = index_put(zeros({n_pos}, g[0].dtype()), {out_idx}, reshape(g[0], {-1}), true);
  Tensor g_in = index(storage, {in_idx});
  if (!non_overlapping(in_size, a.input_stride)) {
    Tensor count = index_put(zeros({n_pos}, g[0].dtype()), {in_idx}, ones({in_numel}, g[0].dtype()), true);
    g_in = div(g_in, index(count, {in_idx}));
  }
  return {reshape(g_in, in_size)};
}

Grads transpose_backward(FormulaNode& n, const Grads& g) {
  if (g[0].dim() < 2) return {g[0]};
  const auto& a = n.attrs_as<attrs::Transpose>();
  return {ops::transpose(g[0], a.dim0, a.dim1)};
}

Grads permute_backward(FormulaNode& n, const Grads& g) {
  const Shape& p = n.attrs_as<attrs::Dims>().dims;
  Shape inv(p.size());
  for (size_t i = 0; i < p.size(); ++i) inv[p[i]] = static_cast<int64_t>(i);
  return {ops::permute(g[0], inv)};
}

Grads expand_backward(FormulaNode& n, const Grads& g) {
  return {sum_to(g[0], n.attrs_as<attrs::InputShape>().input_shape)};
}
Grads squeeze_backward(FormulaNode& n, const Grads& g) {
  return {reshape(g[0], n.attrs_as<attrs::InputShape>().input_shape)};
}
Grads unsqueeze_backward(FormulaNode& n, const Grads& g) {
  return {squeeze_dims(g[0], {n.attrs_as<attrs::Dim>().dim})};
}

Grads select_backward(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<attrs::Select>();
  const Shape& shape = a.input_shape;
  int64_t dim = a.dim, index = a.index;
  Shape cs = contiguous_strides(shape);
  Shape size = shape, stride = cs;
  size.erase(size.begin() + dim);
  stride.erase(stride.begin() + dim);
  return {scatter_view(g[0], shape, size, stride, index * cs[dim])};
}

Grads slice_backward(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<attrs::Slice>();
  const Shape& shape = a.input_shape;
  int64_t dim = a.dim, start = a.start, step = a.step;
  Shape cs = contiguous_strides(shape);
  Shape size = shape, stride = cs;
  size[dim] = g[0].size(dim);
  stride[dim] *= step;
  return {scatter_view(g[0], shape, size, stride, start * cs[dim])};
}

Grads split_backward(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<attrs::Split>();
  const Shape& shape = a.input_shape;
  const Shape& sizes = a.sizes;
  int64_t dim = a.dim;
  DType dt = n.input_meta[0].dtype;
  std::vector<Tensor> parts;
  for (size_t i = 0; i < sizes.size(); ++i) {
    Shape s = shape;
    s[dim] = sizes[i];
    parts.push_back(or_zeros(i < g.size() ? g[i] : Tensor(), s, dt));
  }
  return {cat(parts, dim)};
}

Grads unbind_backward(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<attrs::DimInput>();
  const Shape& shape = a.input_shape;
  int64_t dim = a.dim;
  Shape s = shape;
  s.erase(s.begin() + dim);
  DType dt = n.input_meta[0].dtype;
  std::vector<Tensor> parts;
  for (int64_t i = 0; i < shape[dim]; ++i) parts.push_back(or_zeros(i < (int64_t)g.size() ? g[i] : Tensor(), s, dt));
  return {stack(parts, dim)};
}

Grads diagonal_backward(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<attrs::Diagonal>();
  const Shape& shape = a.input_shape;
  int64_t offset = a.offset, d1 = a.dim1, d2 = a.dim2;
  Shape cs = contiguous_strides(shape);
  Shape size, stride;
  for (int64_t i = 0; i < (int64_t)shape.size(); ++i)
    if (i != d1 && i != d2) {
      size.push_back(shape[i]);
      stride.push_back(cs[i]);
    }
  size.push_back(g[0].size(g[0].dim() - 1));
  stride.push_back(cs[d1] + cs[d2]);
  int64_t off = offset >= 0 ? offset * cs[d2] : -offset * cs[d1];
  if (size.back() == 0) off = 0;
  return {scatter_view(g[0], shape, size, stride, off)};
}

Grads alias_backward(FormulaNode&, const Grads& g) { return {g[0]}; }

Grads cat_backward(FormulaNode& n, const Grads& g) {
  const auto& a = n.attrs_as<attrs::Cat>();
  int64_t dim = a.dim;
  const Shape& sizes = a.sizes;
  Grads out;
  int64_t start = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (n.input_meta[i].shape.size() == 1 && n.input_meta[i].shape[0] == 0 && g[0].dim() != 1) {
      out.push_back(Tensor());  // legacy empty 1-D input skipped by cat
      continue;
    }
    out.push_back(n.needs_grad(i) ? narrow(g[0], dim, start, sizes[i]) : Tensor());
    start += sizes[i];
  }
  return out;
}

Grads stack_backward(FormulaNode& n, const Grads& g) {
  std::vector<Tensor> parts = unbind(g[0], n.attrs_as<attrs::Dim>().dim);
  return parts;
}

}  // namespace tc::autograd::d
