// View ops: share storage and the version counter, never copy.
#include <algorithm>
#include <numeric>

#include "autograd/derivatives.h"
#include "autograd/meta.h"
#include "autograd/node_attrs.h"
#include "core/error.h"
#include "core/shape_util.h"
#include "ops/dtype_ops.h"
#include "ops/ops.h"

namespace tc::ops {

using autograd::record;
namespace d = autograd::d;
namespace attrs = autograd::attrs;

namespace {

// Note [Every view knows its base]
// `out` records the root of its views (PyTorch's `_base`) whether or not
// anything requires grad yet: an in-place write through the view that brings
// a gradient in (buf[i].copy_(h), x[0] = w) must give the root CopySlices
// (Note [In-place on views]), or the root would silently keep no history.
void note_view(const Tensor& base, const Tensor& out) {
  const AutogradMeta* bm = base->autograd.get();
  AutogradMeta& m = autograd::meta(out);
  m.view_base = bm && bm->view_base.defined() ? bm->view_base : base;
  m.view_version = out.version();  // Note [Stale view history]
  // Note [View creation meta]: a view of a split/unbind output (or of a custom Function's view output) is
  // refused in-place writes as that output is.
  m.view_creation = bm ? bm->view_creation : autograd::ViewCreation::Default;
  // Note [Views taken in no_grad mode] (autograd/inplace.cpp): grad mode off marks the view whatever it inherits.
  if (!autograd::grad_enabled()) m.view_creation = autograd::ViewCreation::NoGradMode;
}

// The outputs of one recorded split/unbind node (Note [Multi-output views], autograd/inplace.cpp).
void note_multi_output_views(const Tensor& base, const std::vector<Tensor>& outs, bool recorded) {
  for (auto& o : outs) {
    note_view(base, o);
    if (recorded) autograd::meta(o).view_creation = autograd::ViewCreation::MultiOutput;
  }
}

// Resolves one -1 in `shape` against numel.
Shape infer_size(const Shape& shape, int64_t numel, const char* op) {
  Shape out = shape;
  int64_t infer = -1, prod = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      TC_CHECK(infer < 0, "[", op, "] only one dimension can be inferred");
      infer = static_cast<int64_t>(i);
    } else {
      TC_CHECK(shape[i] >= 0, "[", op, "] invalid shape dimension ", shape[i]);
      TC_CHECK(!__builtin_mul_overflow(prod, shape[i], &prod), "shape '", shape_str(shape),
               "' is invalid for input of size ", numel, " (the product of the sizes overflows int64)");
    }
  }
  if (infer >= 0) {
    TC_CHECK(prod != 0 && numel % prod == 0, "shape '", shape_str(shape), "' is invalid for input of size ", numel);
    out[infer] = numel / prod;
  } else {
    TC_CHECK(prod == numel, "shape '", shape_str(shape), "' is invalid for input of size ", numel);
  }
  return out;
}

// PyTorch's rule for viewing (sizes, strides) as `shape` without copying:
// each run of input dims that is contiguous with itself may be split/merged.
std::optional<Shape> compute_view_strides(const Shape& old_sz, const Shape& old_st, const Shape& shape) {
  Shape st(shape.size());
  if (old_sz.empty()) {
    std::fill(st.begin(), st.end(), 1);
    return st;
  }
  int64_t numel = shape_numel(old_sz);
  if (numel == 0) {
    if (old_sz == shape) return old_st;
    return contiguous_strides(shape);
  }
  int64_t view_d = static_cast<int64_t>(shape.size()) - 1;
  int64_t chunk_base_stride = old_st.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t td = static_cast<int64_t>(old_sz.size()) - 1; td >= 0; --td) {
    tensor_numel *= old_sz[td];
    if (td == 0 || (old_sz[td - 1] != 1 && old_st[td - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        st[view_d] = view_numel * chunk_base_stride;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (td > 0) {
        chunk_base_stride = old_st[td - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return st;
}

Tensor view_impl(const Tensor& a, const Shape& shape, const char* name, const char* node = "ViewBackward0") {
  Shape sz = infer_size(shape, a.numel(), name);
  auto st = compute_view_strides(a.sizes(), a.strides(), sz);
  TC_CHECK(st.has_value(),
           "view size is not compatible with input tensor's size and stride (at least one dimension "
           "spans across two contiguous subspaces): input shape ",
           shape_str(a.sizes()), ", strides ", shape_str(a.strides()), ", requested shape ", shape_str(sz),
           ". Use .reshape(...) instead.");
  Tensor out = make_view(a, sz, *st, a->offset);
  if (auto* n = record(node, d::view_backward, {&a}, {&out})) n->attrs = attrs::InputShape{a.sizes()};
  note_view(a, out);
  return out;
}

}  // namespace

Tensor view(const Tensor& a, const Shape& shape) { return view_impl(a, shape, "view"); }

// Tensor.view(dtype): the same bytes read as another dtype. A different
// element size rescales the last dim, which must then be dense (stride 1)
// with a size and a storage offset that divide evenly, as PyTorch checks.
// Not differentiable: the result never requires grad (PyTorch's too).
Tensor view_dtype(const Tensor& a, DType dt) {
  const int64_t from = static_cast<int64_t>(itemsize(a.dtype())), to = static_cast<int64_t>(itemsize(dt));
  Shape sizes = a.sizes(), strides = a.strides();
  int64_t offset = a->offset;
  if (from != to) {
    const char* src = scalar_type_name(a.dtype());
    const char* dst = scalar_type_name(dt);
    TC_CHECK(a.dim() > 0, "self.dim() cannot be 0 to view ", src, " as ", dst, " (different element sizes)");
    TC_CHECK(strides.back() == 1, "self.stride(-1) must be 1 to view ", src, " as ", dst,
             " (different element sizes), but got ", strides.back());
    if (from > to) {
      const int64_t r = from / to;
      sizes.back() *= r;
      for (size_t i = 0; i + 1 < strides.size(); ++i) strides[i] *= r;
      offset *= r;
    } else {
      const int64_t r = to / from;
      TC_CHECK(sizes.back() % r == 0, "self.size(-1) must be divisible by ", r, " to view ", src, " as ", dst,
               " (different element sizes), but got ", sizes.back());
      TC_CHECK(offset % r == 0, "self.storage_offset() must be divisible by ", r, " to view ", src, " as ", dst,
               " (different element sizes), but got ", offset);
      for (size_t i = 0; i + 1 < strides.size(); ++i) {
        TC_CHECK(strides[i] % r == 0, "self.stride(", i, ") must be divisible by ", r, " to view ", src, " as ", dst,
                 " (different element sizes), but got ", strides[i]);
        strides[i] /= r;
      }
      sizes.back() /= r;
      offset /= r;
    }
  }
  return Tensor(new TensorImpl(a->storage, dt, sizes, strides, offset, a->version));
}

// Note [Complex through real views] (ops/complex.cpp).
// A view of a's storage with another dtype, sharing its version counter.
static Tensor retype_view(const Tensor& a, DType dt, Shape sizes, Shape strides, int64_t offset) {
  return Tensor(new TensorImpl(a->storage, dt, std::move(sizes), std::move(strides), offset, a->version));
}

Tensor view_as_real(const Tensor& a) {
  TC_CHECK(is_complex(a.dtype()), "view_as_real is only supported for complex tensors");
  Shape sizes = a.sizes(), strides = a.strides();
  for (auto& s : strides) s *= 2;
  sizes.push_back(2);
  strides.push_back(1);
  Tensor out = retype_view(a, to_real_dtype(a.dtype()), sizes, strides, a->offset * 2);
  record("ViewAsRealBackward0", d::view_as_real_backward, {&a}, {&out});
  note_view(a, out);
  return out;
}

Tensor view_as_complex(const Tensor& a) {
  TC_CHECK(a.dtype() == DType::Float32 || a.dtype() == DType::Float64,
           "view_as_complex is only supported for float and double tensors, but got a tensor of scalar type: ",
           scalar_type_name(a.dtype()));
  TC_CHECK(a.dim() > 0 && a.size(a.dim() - 1) == 2, "Tensor must have a last dimension of size 2");
  TC_CHECK(a.strides().back() == 1, "Tensor must have a last dimension with stride 1");
  Shape sizes(a.sizes().begin(), a.sizes().end() - 1), strides(a.strides().begin(), a.strides().end() - 1);
  for (auto& s : strides) TC_CHECK(s % 2 == 0, "Tensor must have a stride divisible by 2 for all but last dimension");
  for (auto& s : strides) s /= 2;
  TC_CHECK(a->offset % 2 == 0, "Tensor must have a storage_offset divisible by 2");
  Tensor out = retype_view(a, to_complex_dtype(a.dtype()), sizes, strides, a->offset / 2);
  record("ViewAsComplexBackward0", d::view_as_complex_backward, {&a}, {&out});
  note_view(a, out);
  return out;
}

Tensor reshape(const Tensor& a, const Shape& shape) {
  Shape sz = infer_size(shape, a.numel(), "reshape");
  // Node names as PyTorch: a view of a contiguous tensor is ViewBackward0, of a
  // strided one ReshapeAliasBackward0; a reshape that must copy records the
  // copy (CloneBackward0) and then UnsafeViewBackward0.
  if (compute_view_strides(a.sizes(), a.strides(), sz))
    return view_impl(a, sz, "reshape", a.is_contiguous() ? "ViewBackward0" : "ReshapeAliasBackward0");
  Tensor c = contiguous(a);
  Tensor out = make_view(c, sz, contiguous_strides(sz), c->offset);
  if (auto* n = record("UnsafeViewBackward0", d::view_backward, {&c}, {&out})) n->attrs = attrs::InputShape{c.sizes()};
  return out;
}

Tensor as_strided(const Tensor& a, const Shape& size, const Shape& stride, std::optional<int64_t> offset) {
  TC_CHECK(size.size() == stride.size(), "[as_strided] mismatch in length of strides (", stride.size(), ") and shape (",
           size.size(), ")");
  int64_t off = offset ? *offset : a->offset;
  TC_CHECK(off >= 0, "[as_strided] negative storage offset ", off);
  int64_t max_index = off;
  for (size_t i = 0; i < size.size(); ++i) {
    TC_CHECK(size[i] >= 0, "[as_strided] negative size ", size[i]);
    TC_CHECK(stride[i] >= 0, "[as_strided] negative strides are not supported, got ", stride[i]);
    if (size[i] == 0) {
      max_index = -1;
      break;
    }
    int64_t span = 0;
    TC_CHECK(
        !__builtin_mul_overflow(size[i] - 1, stride[i], &span) && !__builtin_add_overflow(max_index, span, &max_index),
        "[as_strided] sizes ", shape_str(size), " and strides ", shape_str(stride), " overflow int64");
  }
  int64_t capacity = static_cast<int64_t>(a->storage->nbytes / itemsize(a.dtype()));
  TC_CHECK(max_index < capacity, "setStorage: sizes ", shape_str(size), ", strides ", shape_str(stride),
           ", storage offset ", off, " require a storage of ", static_cast<uint64_t>(max_index) + 1,
           " elements but it holds only ", capacity, "; out of bounds for storage");
  Tensor out = make_view(a, size, stride, off);
  if (auto* n = record("AsStridedBackward0", d::as_strided_backward, {&a}, {&out})) {
    n->attrs = attrs::AsStrided{a.sizes(), a.strides(), a->offset, size, stride, off};
  }
  note_view(a, out);
  return out;
}

Tensor transpose(const Tensor& a, int64_t d0, int64_t d1) {
  int64_t nd = a.dim();
  d0 = wrap_dim(d0, nd, "transpose");
  d1 = wrap_dim(d1, nd, "transpose");
  Shape sz = a.sizes(), st = a.strides();
  if (nd > 0) {
    std::swap(sz[d0], sz[d1]);
    std::swap(st[d0], st[d1]);
  }
  Tensor out = make_view(a, sz, st, a->offset);
  if (auto* n = record("TransposeBackward0", d::transpose_backward, {&a}, {&out})) n->attrs = attrs::Transpose{d0, d1};
  note_view(a, out);
  return out;
}

Tensor t(const Tensor& a) {
  TC_CHECK(a.dim() <= 2, "t() expects a tensor with <= 2 dimensions, but self is ", a.dim(),
           "D; use .transpose(dim0, dim1) or .mT instead");
  Tensor out;
  if (a.dim() < 2)
    out = make_view(a, a.sizes(), a.strides(), a->offset);
  else
    out = make_view(a, {a.size(1), a.size(0)}, {a.strides()[1], a.strides()[0]}, a->offset);
  if (auto* n = record("TBackward0", d::transpose_backward, {&a}, {&out}))
    n->attrs = attrs::Transpose{0, a.dim() < 2 ? 0 : 1};
  note_view(a, out);
  return out;
}

Tensor permute(const Tensor& a, const Shape& dims) {
  int64_t nd = a.dim();
  TC_CHECK(static_cast<int64_t>(dims.size()) == nd,
           "permute(sparse_coo): number of dimensions in the tensor input "
           "does not match the length of the desired ordering of dimensions i.e. input.dim() = ",
           nd, " is not equal to len(dims) = ", dims.size());
  Shape sz(nd), st(nd), wrapped(nd);
  std::vector<bool> seen(nd, false);
  for (int64_t i = 0; i < nd; ++i) {
    int64_t dd = wrap_dim(dims[i], nd, "permute");
    TC_CHECK(!seen[dd], "permute(): duplicate dims are not allowed.");
    seen[dd] = true;
    wrapped[i] = dd;
    sz[i] = a.size(dd);
    st[i] = a.strides()[dd];
  }
  Tensor out = make_view(a, sz, st, a->offset);
  if (auto* n = record("PermuteBackward0", d::permute_backward, {&a}, {&out})) n->attrs = attrs::Dims{wrapped};
  note_view(a, out);
  return out;
}

Tensor movedim(const Tensor& a, const Shape& src, const Shape& dst) {
  int64_t nd = a.dim();
  TC_CHECK(src.size() == dst.size(), "movedim: Invalid source or destination dims: source (", shape_str(src),
           " dims) should contain the same number of dims as destination (", shape_str(dst), " dims)");
  if (nd == 0) {  // a scalar: dims 0 and -1 are accepted and nothing moves
    for (size_t i = 0; i < src.size(); ++i) {
      wrap_dim(src[i], nd, "movedim");
      wrap_dim(dst[i], nd, "movedim");
    }
    return permute(a, {});
  }
  Shape order(nd, -1);
  std::vector<bool> used(nd, false);
  for (size_t i = 0; i < src.size(); ++i) {
    int64_t s = wrap_dim(src[i], nd, "movedim"), t_ = wrap_dim(dst[i], nd, "movedim");
    TC_CHECK(order[t_] == -1 && !used[s], "movedim: repeated dim in `source` or `destination`");
    order[t_] = s;
    used[s] = true;
  }
  int64_t next = 0;
  for (int64_t i = 0; i < nd; ++i) {
    if (order[i] != -1) continue;
    while (used[next]) ++next;
    order[i] = next++;
  }
  return permute(a, order);
}

Tensor expand(const Tensor& a, const Shape& shape) {
  int64_t nd = static_cast<int64_t>(shape.size());
  TC_CHECK(nd >= a.dim(), "expand(", dtype_name(a.dtype()), "{", shape_str(a.sizes()), "}, size=", shape_str(shape),
           "): the number of sizes provided (", nd,
           ") must be greater or equal to the number of dimensions in the tensor (", a.dim(), ")");
  Shape sz(nd), st(nd);
  for (int64_t i = nd - 1; i >= 0; --i) {
    int64_t ai = i - (nd - a.dim());
    int64_t want = shape[i];
    if (ai >= 0) {
      int64_t have = a.size(ai);
      if (want == -1) want = have;
      TC_CHECK(have == want || have == 1, "The expanded size of the tensor (", want, ") must match the existing size (",
               have, ") at non-singleton dimension ", i, ".  Target sizes: ", shape_str(shape),
               ".  Tensor sizes: ", shape_str(a.sizes()));
      sz[i] = want;
      st[i] = have == want ? a.strides()[ai] : 0;
    } else {
      TC_CHECK(want >= 0, "The expanded size of the tensor (", want,
               ") isn't allowed in a leading, non-existing dimension ", i);
      sz[i] = want;
      st[i] = 0;
    }
  }
  Tensor out = make_view(a, sz, st, a->offset);
  if (auto* n = record("ExpandBackward0", d::expand_backward, {&a}, {&out})) n->attrs = attrs::InputShape{a.sizes()};
  note_view(a, out);
  return out;
}

Tensor squeeze(const Tensor& a) {
  Shape sz, st;
  for (int64_t i = 0; i < a.dim(); ++i)
    if (a.size(i) != 1) {
      sz.push_back(a.size(i));
      st.push_back(a.strides()[i]);
    }
  Tensor out = make_view(a, sz, st, a->offset);
  if (auto* n = record("SqueezeBackward0", d::squeeze_backward, {&a}, {&out})) n->attrs = attrs::InputShape{a.sizes()};
  note_view(a, out);
  return out;
}

Tensor squeeze_dims(const Tensor& a, const Shape& dims) {
  std::vector<bool> drop(std::max<int64_t>(a.dim(), 1), false);
  for (int64_t dd : dims) {
    int64_t w = wrap_dim(dd, a.dim(), "squeeze");
    if (a.dim() > 0 && a.size(w) == 1) drop[w] = true;
  }
  Shape sz, st;
  for (int64_t i = 0; i < a.dim(); ++i)
    if (!drop[i]) {
      sz.push_back(a.size(i));
      st.push_back(a.strides()[i]);
    }
  Tensor out = make_view(a, sz, st, a->offset);
  if (auto* n = record(dims.size() == 1 ? "SqueezeBackward1" : "SqueezeBackward2", d::squeeze_backward, {&a}, {&out}))
    n->attrs = attrs::InputShape{a.sizes()};
  note_view(a, out);
  return out;
}

Tensor unsqueeze(const Tensor& a, int64_t dim) {
  dim = wrap_dim(dim, a.dim() + 1, "unsqueeze");
  Shape sz = a.sizes(), st = a.strides();
  int64_t new_st = dim < a.dim() ? sz[dim] * st[dim] : 1;
  sz.insert(sz.begin() + dim, 1);
  st.insert(st.begin() + dim, new_st);
  Tensor out = make_view(a, sz, st, a->offset);
  if (auto* n = record("UnsqueezeBackward0", d::unsqueeze_backward, {&a}, {&out})) n->attrs = attrs::Dim{dim};
  note_view(a, out);
  return out;
}

Tensor flatten(const Tensor& a, int64_t start, int64_t end) {
  if (a.dim() == 0) return reshape(a, {1});
  start = wrap_dim(start, a.dim(), "flatten");
  end = wrap_dim(end, a.dim(), "flatten");
  TC_CHECK(start <= end, "flatten() has invalid args: start_dim cannot come after end_dim");
  if (start == end) return a;
  Shape sz;
  for (int64_t i = 0; i < start; ++i) sz.push_back(a.size(i));
  int64_t m = 1;
  for (int64_t i = start; i <= end; ++i) m *= a.size(i);
  sz.push_back(m);
  for (int64_t i = end + 1; i < a.dim(); ++i) sz.push_back(a.size(i));
  return reshape(a, sz);
}

Tensor unflatten(const Tensor& a, int64_t dim, const Shape& sizes) {
  TC_CHECK_INDEX(a.dim() > 0, "unflatten: Dimension specified as ", dim, " but tensor has no dimensions");
  dim = wrap_dim(dim, a.dim(), "unflatten");
  TC_CHECK(!sizes.empty(), "unflatten: sizes must be non-empty");
  Shape inner = infer_size(sizes, a.size(dim), "unflatten");
  Shape sz;
  for (int64_t i = 0; i < dim; ++i) sz.push_back(a.size(i));
  for (auto s : inner) sz.push_back(s);
  for (int64_t i = dim + 1; i < a.dim(); ++i) sz.push_back(a.size(i));
  return view(a, sz);
}

Tensor select(const Tensor& a, int64_t dim, int64_t index) {
  TC_CHECK_INDEX(a.dim() > 0, "select() cannot be applied to a 0-dim tensor.");
  dim = wrap_dim(dim, a.dim(), "select");
  int64_t size = a.size(dim);
  TC_CHECK_INDEX(index >= -size && index < size, "index ", index, " is out of bounds for dimension ", dim,
                 " with size ", size);
  if (index < 0) index += size;
  Shape sz = a.sizes(), st = a.strides();
  int64_t off = a->offset + index * st[dim];
  sz.erase(sz.begin() + dim);
  st.erase(st.begin() + dim);
  Tensor out = make_view(a, sz, st, off);
  if (auto* n = record("SelectBackward0", d::select_backward, {&a}, {&out})) {
    n->attrs = attrs::Select{a.sizes(), dim, index};
  }
  note_view(a, out);
  return out;
}

Tensor slice(const Tensor& a, int64_t dim, std::optional<int64_t> start_o, std::optional<int64_t> end_o, int64_t step) {
  TC_CHECK_INDEX(a.dim() > 0, "slice() cannot be applied to a 0-dim tensor.");
  dim = wrap_dim(dim, a.dim(), "slice");
  TC_CHECK_VALUE(step > 0, "step must be greater than zero");
  int64_t size = a.size(dim);
  int64_t start = start_o ? *start_o : 0, end = end_o ? *end_o : size;
  if (start < 0) start += size;
  if (end < 0) end += size;
  start = std::clamp<int64_t>(start, 0, size);
  end = std::clamp<int64_t>(end, start, size);
  int64_t len = end == start ? 0 : (end - start - 1) / step + 1;  // no overflow for any step
  Shape sz = a.sizes(), st = a.strides();
  int64_t off = a->offset + start * st[dim];
  sz[dim] = len;
  st[dim] *= step;
  Tensor out = make_view(a, sz, st, off);
  if (auto* n = record("SliceBackward0", d::slice_backward, {&a}, {&out})) {
    n->attrs = attrs::Slice{a.sizes(), dim, start, end, step};
  }
  note_view(a, out);
  return out;
}

Tensor narrow(const Tensor& a, int64_t dim, int64_t start, int64_t length) {
  TC_CHECK(a.dim() > 0, "narrow() cannot be applied to a 0-dim tensor.");  // RuntimeError, as PyTorch
  dim = wrap_dim(dim, a.dim(), "narrow");
  int64_t size = a.size(dim);
  TC_CHECK_INDEX(start >= -size && start <= size, "start out of range (expected to be in range of [", -size, ", ", size,
                 "], but got ", start, ")");
  if (start < 0) start += size;
  TC_CHECK(length >= 0 && start + length <= size, "start (", start, ") + length (", length,
           ") exceeds dimension size (", size, ").");
  return slice(a, dim, start, start + length, 1);
}

std::vector<Tensor> split_with_sizes(const Tensor& a, const Shape& sizes, int64_t dim) {
  TC_CHECK(a.dim() > 0, "split expects at least a 1-dimensional tensor");
  dim = wrap_dim(dim, a.dim(), "split");
  int64_t total = 0;
  for (auto s : sizes) {
    TC_CHECK(s >= 0, "split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=",
             shape_str(sizes));
    total = checked_size_add(total, s, "split_with_sizes");
  }
  TC_CHECK(total == a.size(dim), "split_with_sizes expects split_sizes to sum exactly to ", a.size(dim),
           " (input tensor's size at dimension ", dim, "), but got split_sizes=", shape_str(sizes));
  std::vector<Tensor> outs;
  int64_t start = 0;
  for (auto s : sizes) {
    Shape sz = a.sizes();
    sz[dim] = s;
    outs.push_back(make_view(a, sz, a.strides(), a->offset + start * a.strides()[dim]));
    start += s;
  }
  auto* n = record("SplitWithSizesBackward0", d::split_backward, {a}, outs);
  if (n) n->attrs = attrs::Split{a.sizes(), sizes, dim};
  note_multi_output_views(a, outs, n != nullptr);
  return outs;
}

std::vector<Tensor> split(const Tensor& a, int64_t split_size, int64_t dim) {
  TC_CHECK(a.dim() > 0, "split expects at least a 1-dimensional tensor");
  dim = wrap_dim(dim, a.dim(), "split");
  TC_CHECK(split_size > 0 || (split_size == 0 && a.size(dim) == 0),
           "split_size can only be 0 if dimension size is 0, but got dimension size of ", a.size(dim));
  int64_t size = a.size(dim);
  Shape sizes;
  if (size == 0) sizes = {0};  // one empty piece, as PyTorch
  for (int64_t s = 0; s < size; s += split_size) sizes.push_back(std::min(split_size, size - s));
  std::vector<Tensor> outs;
  int64_t start = 0;
  for (auto s : sizes) {
    Shape sz = a.sizes();
    sz[dim] = s;
    outs.push_back(make_view(a, sz, a.strides(), a->offset + start * a.strides()[dim]));
    start += s;
  }
  auto* n = record("SplitBackward0", d::split_backward, {a}, outs);
  if (n) n->attrs = attrs::Split{a.sizes(), sizes, dim};
  note_multi_output_views(a, outs, n != nullptr);
  return outs;
}

std::vector<Tensor> chunk(const Tensor& a, int64_t chunks, int64_t dim) {
  TC_CHECK(a.dim() > 0, "chunk expects at least a 1-dimensional tensor");
  TC_CHECK(chunks > 0, "chunk expects `chunks` to be greater than 0, got: ", chunks);
  dim = wrap_dim(dim, a.dim(), "chunk");
  int64_t size = a.size(dim);
  int64_t each = (size + chunks - 1) / chunks;
  if (each == 0) each = 1;
  if (size == 0) {
    std::vector<Tensor> outs;
    for (int64_t i = 0; i < chunks; ++i) outs.push_back(slice(a, dim, 0, 0, 1));
    return outs;
  }
  return split(a, each, dim);
}

std::vector<Tensor> unbind(const Tensor& a, int64_t dim) {
  TC_CHECK_INDEX(a.dim() > 0, "Dimension specified as 0 but tensor has no dimensions");
  dim = wrap_dim(dim, a.dim(), "unbind");
  std::vector<Tensor> outs;
  Shape sz = a.sizes(), st = a.strides();
  int64_t step = st[dim], n = sz[dim];
  sz.erase(sz.begin() + dim);
  st.erase(st.begin() + dim);
  for (int64_t i = 0; i < n; ++i) outs.push_back(make_view(a, sz, st, a->offset + i * step));
  auto* node = record("UnbindBackward0", d::unbind_backward, {a}, outs);
  if (node) node->attrs = attrs::DimInput{dim, a.sizes()};
  note_multi_output_views(a, outs, node != nullptr);
  return outs;
}

Tensor diagonal(const Tensor& a, int64_t offset, int64_t d1, int64_t d2) {
  d1 = wrap_dim(d1, a.dim(), "diagonal");
  d2 = wrap_dim(d2, a.dim(), "diagonal");
  TC_CHECK(d1 != d2, "diagonal dimensions cannot be identical ", d1, ", ", d2);
  int64_t len, off = a->offset;
  if (offset >= 0) {
    len = std::max<int64_t>(std::min(a.size(d1), a.size(d2) - offset), 0);
    if (len > 0) off += offset * a.strides()[d2];
  } else {
    len = std::max<int64_t>(std::min(a.size(d1) + offset, a.size(d2)), 0);
    if (len > 0) off -= offset * a.strides()[d1];
  }
  Shape sz, st;
  for (int64_t i = 0; i < a.dim(); ++i)
    if (i != d1 && i != d2) {
      sz.push_back(a.size(i));
      st.push_back(a.strides()[i]);
    }
  sz.push_back(len);
  st.push_back(a.strides()[d1] + a.strides()[d2]);
  Tensor out = make_view(a, sz, st, off);
  if (auto* n = record("DiagonalBackward0", d::diagonal_backward, {&a}, {&out})) {
    n->attrs = attrs::Diagonal{a.sizes(), offset, d1, d2};
  }
  note_view(a, out);
  return out;
}

Tensor alias(const Tensor& a) {
  Tensor out = make_view(a, a.sizes(), a.strides(), a->offset);
  record("AliasBackward0", d::alias_backward, {&a}, {&out});
  note_view(a, out);
  return out;
}

}  // namespace tc::ops
