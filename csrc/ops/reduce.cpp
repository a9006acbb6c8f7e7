// Reductions and line-wise ops (softmax, log_softmax, cumsum, sort). Their
// loops are backend kernels (backend/kernels.h, kernels_nn.h, kernels_scan.h);
// this file plans shapes, promotes, allocates and records.
#include <algorithm>
#include <cmath>

#include "autograd/derivatives.h"
#include "autograd/node_attrs.h"
#include "backend/cuda_api.h"
#include "backend/kernels.h"
#include "core/error.h"
#include "core/shape_util.h"
#include "ops/complex_composites.h"
#include "ops/device_kernels.h"
#include "ops/ops.h"

namespace tc::ops {

using autograd::record;
namespace d = autograd::d;
namespace attrs = autograd::attrs;
using kernels::ReduceOp;

namespace {

// Note [Reduction plan]
// Every reduction runs on a contiguous [outer, len, inner] problem. A
// contiguous input whose reduced dims are adjacent is used as is (so sum(0) on
// a matrix streams rows without a copy); otherwise reduced dims are permuted to
// the end and the input made contiguous (inner = 1).
struct Plan {
  Tensor in;
  int64_t outer = 1, len = 1, inner = 1;  // the kernel's problem
  int64_t count = 1;                      // elements reduced into each output (len, before collapsing expanded dims)
  int64_t repeat = 1;                     // copies of each kernel element across collapsed reduced dims
  Shape dims;                             // wrapped, sorted; all dims when the user gave none
  Shape keep_shape;
  Shape out_shape;
  std::optional<Shape> kernel_out_shape;  // set when expanded dims were collapsed
};

Shape wrap_dims(const Tensor& a, const Shape& dims, const char* op) {
  int64_t nd = a.dim();
  Shape w;
  if (dims.empty()) {
    for (int64_t i = 0; i < nd; ++i) w.push_back(i);
    return w;
  }
  std::vector<bool> seen(std::max<int64_t>(nd, 1), false);
  for (int64_t dd : dims) {
    int64_t x = wrap_dim(dd, nd, op);
    TC_CHECK(!seen[x], "dim ", x, " appears multiple times in the list of dims");
    seen[x] = true;
    if (nd > 0) w.push_back(x);
  }
  std::sort(w.begin(), w.end());
  return w;
}

// Note [Reductions of expanded views]
// With collapse_expanded, dims of stride 0 (expand, broadcast_to) are narrowed
// to one element before the input is made contiguous, so reducing an expanded
// view costs its real data, not a copy of every repeated element (ones(1)
// .expand(2**30).sum() allocated 4 GiB). A collapsed non-reduced dim is
// expanded again in the output; a collapsed reduced dim repeats each element
// `repeat` times: sums scale by it, max/min/all/any and means are unchanged.
// Only ops for which that holds ask for it.
Plan make_plan(const Tensor& a, const Shape& dims_in, bool keepdim, const char* op, bool collapse_expanded = false) {
  Plan p;
  int64_t nd = a.dim();
  p.dims = wrap_dims(a, dims_in, op);
  std::vector<bool> red(nd, false);
  for (int64_t dd : p.dims) red[dd] = true;
  for (int64_t i = 0; i < nd; ++i) {
    if (red[i]) {
      p.keep_shape.push_back(1);
      if (keepdim) p.out_shape.push_back(1);
      p.count *= a.size(i);
    } else {
      p.keep_shape.push_back(a.size(i));
      p.out_shape.push_back(a.size(i));
    }
  }
  if (collapse_expanded) {
    autograd::NoGradGuard ng;
    Tensor src = a;
    int64_t repeat = 1;
    bool collapsed = false;
    for (int64_t i = 0; i < nd; ++i) {
      if (a.strides()[i] != 0 || a.size(i) <= 1) continue;
      src = narrow(src, i, 0, 1);
      if (red[i]) repeat *= a.size(i);
      collapsed = true;
    }
    if (collapsed) {
      Plan q = make_plan(src, p.dims, keepdim, op);
      q.kernel_out_shape = q.out_shape;
      q.out_shape = p.out_shape;
      q.keep_shape = p.keep_shape;
      q.count = p.count;
      q.repeat = repeat;
      return q;
    }
  }
  bool adjacent = p.dims.empty() || (p.dims.back() - p.dims.front() + 1 == (int64_t)p.dims.size());
  if (a.is_contiguous() && adjacent) {
    p.in = a;
    if (!p.dims.empty()) {
      for (int64_t i = 0; i < p.dims.front(); ++i) p.outer *= a.size(i);
      for (int64_t i : p.dims) p.len *= a.size(i);
      for (int64_t i = p.dims.back() + 1; i < nd; ++i) p.inner *= a.size(i);
    }
    return p;
  }
  Shape perm;
  for (int64_t i = 0; i < nd; ++i)
    if (!red[i]) {
      perm.push_back(i);
      p.outer *= a.size(i);
    }
  for (int64_t i : p.dims) {
    perm.push_back(i);
    p.len *= a.size(i);
  }
  autograd::NoGradGuard ng;
  p.in = contiguous(permute(a, perm));
  return p;
}

// Storage dtypes reduce in their compute dtype (Note [DType codes]): the
// float32 accumulation PyTorch also uses for float16/bfloat16, rounded once.
Tensor run_reduce(ReduceOp op, const Plan& p, DType in_dt_requested, DType out_dt_requested) {
  const DType in_dt = compute_dtype(in_dt_requested), out_dt = compute_dtype(out_dt_requested);
  Tensor in = p.in.dtype() == in_dt ? p.in : [&] {
    autograd::NoGradGuard ng;
    // A storage dtype requested of another dtype's input (float64 summed with dtype=float16): PyTorch converts
    // the input to it first, so its values round (and overflow) there before the float32 accumulation.
    Tensor src = in_dt_requested != in_dt && p.in.dtype() != in_dt_requested ? to_dtype(p.in, in_dt_requested) : p.in;
    return contiguous(to_dtype(src, in_dt));
  }();
  // An empty result has the requested dtype too (float16 sum(1) of [0, 2] is float16).
  if (p.outer * p.inner == 0) return empty(p.out_shape, out_dt_requested, in.device());
  Tensor out = empty(p.kernel_out_shape ? *p.kernel_out_shape : p.out_shape, out_dt, in.device());
  if (on_device_memory(in))  // Note [Kernels on the tensor's device]
    cuda::reduce(in.device(), op, in->raw_data_bytes(), in_dt, out->raw_data_bytes(), out_dt, p.outer, p.len, p.inner);
  else
    kernels::reduce(op, in->data_bytes(), in_dt, out->data_bytes(), out_dt, p.outer, p.len, p.inner);
  if (p.kernel_out_shape) {  // Note [Reductions of expanded views]
    autograd::NoGradGuard ng;
    if (op == ReduceOp::Sum && p.repeat > 1)
      binary_(BinaryOp::Mul, out, scalar_tensor(Scalar::from_int(p.repeat), out_dt));
    if (out.sizes() != p.out_shape) out = contiguous(expand(out, p.out_shape));
  }
  if (out_dt != out_dt_requested) {
    autograd::NoGradGuard ng;
    out = to_dtype(out, out_dt_requested);
  }
  return out;
}

DType sum_dtype(DType in) { return is_floating(in) || is_complex(in) ? in : DType::Int64; }

// What a reduction's formula needs: the dims the plan reduced (wrapped), or
// none (= all) when the user gave no dims.
attrs::Reduction reduction_attrs(const Tensor& a, const Plan& p, bool keepdim, bool user_gave_dims) {
  return attrs::Reduction{a.sizes(), user_gave_dims ? p.dims : Shape{}, keepdim};
}

// Records a reduction's node with its typed payload (attrs::Reduction, or a
// struct that extends it); the caller saves tensors.
template <typename Attrs> autograd::FormulaNode* record_reduction(const char* name, autograd::Formula f,
                                                                  const Tensor& a, const Tensor& out, Attrs payload) {
  auto* n = record(name, f, {&a}, {&out});
  if (n) n->attrs = std::move(payload);
  return n;
}

}  // namespace

Tensor sum(const Tensor& a, const Shape& dims, bool keepdim, std::optional<DType> dtype) {
  if (is_complex(a.dtype()) && (!dtype || *dtype == a.dtype()))
    return complex_reduce(a, dims, keepdim, false);  // Note [Complex through real views]
  // A complex dtype= (or out=) sums the input converted to it, as PyTorch: real inputs get a zero imaginary part.
  if (dtype && is_complex(*dtype)) return sum(to_dtype(a, *dtype), dims, keepdim);
  Plan p = make_plan(a, dims, keepdim, "sum", /*collapse_expanded=*/true);
  DType in_dt = dtype ? *dtype : a.dtype();
  DType out_dt = dtype ? *dtype : sum_dtype(a.dtype());
  Tensor out;
  if (p.len == 0)
    out = zeros(p.out_shape, out_dt);
  else
    out = run_reduce(ReduceOp::Sum, p, is_floating(out_dt) ? out_dt : in_dt, out_dt);
  record_reduction(dims.empty() && !keepdim ? "SumBackward0" : "SumBackward1", d::sum_backward, a, out,
                   reduction_attrs(a, p, keepdim, true));
  return out;
}

Tensor sum_all(const Tensor& a) { return sum(a, {}, false); }

Tensor sum_to(const Tensor& a, const Shape& shape) {
  if (a.sizes() == shape) return a;
  int64_t lead = a.dim() - static_cast<int64_t>(shape.size());
  TC_CHECK(lead >= 0, "[sum_to] cannot reduce shape ", shape_str(a.sizes()), " to ", shape_str(shape));
  Shape dims;
  for (int64_t i = 0; i < lead; ++i) dims.push_back(i);
  for (int64_t i = 0; i < (int64_t)shape.size(); ++i) {
    if (shape[i] == 1 && a.size(lead + i) != 1)
      dims.push_back(lead + i);
    else
      TC_CHECK(shape[i] == a.size(lead + i), "[sum_to] cannot reduce shape ", shape_str(a.sizes()), " to ",
               shape_str(shape));
  }
  Tensor r = dims.empty() ? a : sum(a, dims, true);
  if (lead > 0 || r.sizes() != shape) r = view(r, shape);
  return r;
}

Tensor mean(const Tensor& a, const Shape& dims, bool keepdim) {
  if (is_complex(a.dtype())) return complex_reduce(a, dims, keepdim, true);
  TC_CHECK(is_floating(a.dtype()),
           "mean(): could not infer output dtype. Input dtype must be either a floating "
           "point or complex dtype. Got: ",
           scalar_type_name(a.dtype()), "; convert with .float() first");
  Plan p = make_plan(a, dims, keepdim, "mean", /*collapse_expanded=*/true);
  Tensor out;
  {
    autograd::NoGradGuard ng;
    // Summed and divided in the compute dtype, rounded once (float16 as PyTorch).
    const DType kc = compute_dtype(a.dtype());
    out = p.len == 0 ? full(p.out_shape, Scalar::from_double(NAN), kc) : run_reduce(ReduceOp::Sum, p, kc, kc);
    if (p.count > 1) {
      Tensor s = scalar_tensor(Scalar::from_double(double(p.count)), kc);
      binary_(BinaryOp::Div, out, s);
    }
    if (kc != a.dtype()) out = to_dtype(out, a.dtype());
  }
  record_reduction(dims.empty() && !keepdim ? "MeanBackward0" : "MeanBackward1", d::mean_backward, a, out,
                   reduction_attrs(a, p, keepdim, true));
  return out;
}

Tensor prod(const Tensor& a, std::optional<int64_t> dim, bool keepdim) {
  if (is_complex(a.dtype())) return complex_prod(a, dim, keepdim);
  Plan p = make_plan(a, dim ? Shape{*dim} : Shape{}, dim ? keepdim : false, "prod");
  DType out_dt = sum_dtype(a.dtype());
  Tensor out = p.len == 0 ? ones(p.out_shape, out_dt)
                          : run_reduce(ReduceOp::Prod, p, is_floating(out_dt) ? out_dt : a.dtype(), out_dt);
  if (auto* n = record_reduction(dim ? "ProdBackward1" : "ProdBackward0", d::prod_backward, a, out,
                                 reduction_attrs(a, p, dim ? keepdim : false, true))) {
    n->save(a);
    n->save(out, true);
  }
  return out;
}

static Tensor extreme(ReduceOp op, const Tensor& a, const Shape& dims, bool keepdim, const char* name,
                      const char* node) {
  TC_CHECK(a.dtype() != DType::Bool || true, "");
  Plan p = make_plan(a, dims, keepdim, name, /*collapse_expanded=*/true);
  // PyTorch: RuntimeError for an empty input without a dim, IndexError for a reduced dim of size 0 (even when
  // the result is empty too).
  if (dims.empty() && a.numel() == 0)
    raise(ErrorKind::Runtime, name,
          "(): Expected reduction dim to be specified for input.numel() == 0. Specify "
          "the reduction dim with the 'dim' argument.");
  for (int64_t d : dims)
    if (a.dim() > 0 && a.size(wrap_dim(d, a.dim(), name)) == 0)
      raise(ErrorKind::Index, name, "(): Expected reduction dim ", wrap_dim(d, a.dim(), name),
            " to have non-zero size.");
  Tensor out = run_reduce(op, p, a.dtype(), a.dtype());
  if (auto* n = record_reduction(node, d::amax_amin_backward, a, out, reduction_attrs(a, p, keepdim, !dims.empty()))) {
    n->save(a);
    n->save(out, true);
  }
  return out;
}

Tensor amax(const Tensor& a, const Shape& dims, bool keepdim) {
  return extreme(ReduceOp::Max, a, dims, keepdim, "amax", "AmaxBackward0");
}
Tensor amin(const Tensor& a, const Shape& dims, bool keepdim) {
  return extreme(ReduceOp::Min, a, dims, keepdim, "amin", "AminBackward0");
}
Tensor max_all(const Tensor& a) {
  TC_CHECK(a.numel() > 0,
           "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
           "reduction dim with the 'dim' argument.");
  return extreme(ReduceOp::Max, a, {}, false, "max", "MaxBackward1");
}
Tensor min_all(const Tensor& a) {
  TC_CHECK(a.numel() > 0,
           "min(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
           "reduction dim with the 'dim' argument.");
  return extreme(ReduceOp::Min, a, {}, false, "min", "MinBackward1");
}

static std::tuple<Tensor, Tensor> extreme_dim(ReduceOp arg_op, const Tensor& a, int64_t dim, bool keepdim,
                                              const char* name, const char* node) {
  // PyTorch's order: the dim's range, an empty reduced dim (IndexError), then the dtype's refusal
  const int64_t w = wrap_dim(dim, a.dim(), name);
  TC_CHECK_INDEX(a.dim() == 0 || a.size(w) > 0, name, "(): Expected reduction dim ", w, " to have non-zero size.");
  TC_CHECK(!is_complex(a.dtype()), name, "(): does not support complex input");
  Plan p = make_plan(a, {dim}, keepdim, name);
  TC_CHECK_INDEX(p.len > 0, name, "(): Expected reduction dim ", dim, " to have non-zero size.");
  Tensor idx = run_reduce(arg_op, p, a.dtype(), DType::Int64);
  Tensor values;
  {
    autograd::NoGradGuard ng;
    int64_t w = p.dims.empty() ? 0 : p.dims[0];
    Tensor ik = keepdim || a.dim() == 0 ? idx : unsqueeze(idx, w);
    values = a.dim() == 0 ? clone(a) : gather(a, w, ik);
    if (!keepdim && a.dim() > 0) values = squeeze_dims(values, {w});
  }
  if (auto* n = record(node, d::max_min_dim_backward, {&a}, {&values})) {
    n->attrs = attrs::MaxMinDim{a.sizes(), p.dims.empty() ? 0 : p.dims[0], keepdim};
    n->save(idx);
  }
  return {values, idx};
}

std::tuple<Tensor, Tensor> max_dim(const Tensor& a, int64_t dim, bool keepdim) {
  return extreme_dim(ReduceOp::ArgMax, a, dim, keepdim, "max", "MaxBackward0");
}
std::tuple<Tensor, Tensor> min_dim(const Tensor& a, int64_t dim, bool keepdim) {
  return extreme_dim(ReduceOp::ArgMin, a, dim, keepdim, "min", "MinBackward0");
}

static Tensor arg_extreme(ReduceOp op, const Tensor& a, std::optional<int64_t> dim, bool keepdim, const char* name) {
  TC_CHECK(a.dtype() != DType::Bool, name, "(): does not support bool input");
  TC_CHECK(!is_complex(a.dtype()), name, "(): does not support complex input");
  if (!dim) {
    TC_CHECK_INDEX(a.numel() > 0, name, "(): Expected reduction dim to be specified for input.numel() == 0.");
    Tensor flat;
    {
      autograd::NoGradGuard ng;
      flat = reshape(a, {-1});
    }
    Plan p = make_plan(flat, {0}, false, name);
    Tensor r = run_reduce(op, p, a.dtype(), DType::Int64);
    if (keepdim) r = reshape(r, Shape(a.dim(), 1));
    return r;
  }
  Plan p = make_plan(a, {*dim}, keepdim, name);
  TC_CHECK_INDEX(p.len > 0, name, "(): Expected reduction dim ", *dim, " to have non-zero size.");
  return run_reduce(op, p, a.dtype(), DType::Int64);
}
Tensor argmax(const Tensor& a, std::optional<int64_t> dim, bool keepdim) {
  return arg_extreme(ReduceOp::ArgMax, a, dim, keepdim, "argmax");
}
Tensor argmin(const Tensor& a, std::optional<int64_t> dim, bool keepdim) {
  return arg_extreme(ReduceOp::ArgMin, a, dim, keepdim, "argmin");
}

Tensor var(const Tensor& a, const Shape& dims, double correction, bool keepdim) {
  // |z - mean|^2 = (x - mean_x)^2 + (y - mean_y)^2: the variances of the parts add up (a real result).
  if (is_complex(a.dtype()))
    return add(var(real(a), dims, correction, keepdim), var(imag(a), dims, correction, keepdim));
  TC_CHECK(is_floating(a.dtype()), "std and var only support floating point and complex dtypes, got ",
           dtype_name(a.dtype()));
  Plan p = make_plan(a, dims, keepdim, "var");
  Tensor out;
  {
    autograd::NoGradGuard ng;
    const DType kc = compute_dtype(a.dtype());  // float16 accumulates in float32, rounded once
    Tensor aw = to_dtype(a, kc);
    Tensor m = mean(aw, dims, true);
    Tensor dev = binary(BinaryOp::Sub, aw, m);
    Tensor sq = sum(binary(BinaryOp::Mul, dev, dev), dims, keepdim);
    double denom = std::max(0.0, double(p.count) - correction);
    out = binary(BinaryOp::Div, sq, scalar_tensor(Scalar::from_double(denom), kc));
    if (kc != a.dtype()) out = to_dtype(out, a.dtype());
  }
  if (auto* n = record_reduction("VarBackward0", d::var_backward, a, out,
                                 attrs::VarStd{reduction_attrs(a, p, keepdim, true), correction})) {
    n->save(a);
  }
  return out;
}

Tensor std(const Tensor& a, const Shape& dims, double correction, bool keepdim) {
  if (is_complex(a.dtype())) return unary(UnaryOp::Sqrt, var(a, dims, correction, keepdim));
  Tensor v;
  {
    autograd::NoGradGuard ng;
    const DType kc = compute_dtype(a.dtype());
    v = unary(UnaryOp::Sqrt, var(to_dtype(a, kc), dims, correction, keepdim));
    if (kc != a.dtype()) v = to_dtype(v, a.dtype());
  }
  Plan p = make_plan(a, dims, keepdim, "std");
  if (auto* n = record_reduction("StdBackward0", d::std_backward, a, v,
                                 attrs::VarStd{reduction_attrs(a, p, keepdim, true), correction})) {
    n->save(a);
    n->save(v, true);
  }
  return v;
}

// all/any give bool, except for uint8 input, which gives uint8 (PyTorch keeps that legacy rule).
Tensor all(const Tensor& a, const Shape& dims, bool keepdim) {
  if (is_complex(a.dtype())) return all(binary(BinaryOp::Ne, a, wrapped_scalar(Scalar::from_int(0))), dims, keepdim);
  Plan p = make_plan(a, dims, keepdim, "all", /*collapse_expanded=*/true);
  const DType out_dt = a.dtype() == DType::Uint8 ? DType::Uint8 : DType::Bool;
  if (p.len == 0) return ones(p.out_shape, out_dt);
  Tensor r = run_reduce(ReduceOp::All, p, a.dtype(), DType::Bool);
  return out_dt == DType::Bool ? r : to_dtype(r, out_dt);
}

Tensor any(const Tensor& a, const Shape& dims, bool keepdim) {
  if (is_complex(a.dtype())) return any(binary(BinaryOp::Ne, a, wrapped_scalar(Scalar::from_int(0))), dims, keepdim);
  Plan p = make_plan(a, dims, keepdim, "any", /*collapse_expanded=*/true);
  const DType out_dt = a.dtype() == DType::Uint8 ? DType::Uint8 : DType::Bool;
  if (p.len == 0) return zeros(p.out_shape, out_dt);
  Tensor r = run_reduce(ReduceOp::Any, p, a.dtype(), DType::Bool);
  return out_dt == DType::Bool ? r : to_dtype(r, out_dt);
}

// ---- line-wise ops (softmax, log_softmax, cumsum): kernels in backend/kernels_nn.h, kernels_scan.h ----

namespace {
// A contiguous copy of `a` in dtype dt (no copy when it already is one),
// viewed as [outer, len, inner] around `dim` (Note [Softmax layout]): no
// transposition is needed whatever the dim.
struct Lines {
  Tensor x;
  int64_t outer = 1, len = 1, inner = 1;
};

Lines lines_of(const Tensor& a, int64_t dim, DType dt) {
  Lines l;
  autograd::NoGradGuard ng;
  l.x = contiguous(to_dtype(a, dt));
  for (int64_t i = 0; i < a.dim(); ++i) (i < dim ? l.outer : i == dim ? l.len : l.inner) *= a.size(i);
  return l;
}

// A complex input keeps its dtype (its kernel then runs or raises NotImplementedError; never a silent cast).
DType float_dtype(const Tensor& a) {
  return is_floating(a.dtype()) || is_complex(a.dtype()) ? a.dtype() : default_dtype();
}

Tensor softmax_impl(const Tensor& a, int64_t dim, bool log) {
  const char* op = log ? "log_softmax" : "softmax";
  dim = wrap_dim(dim, a.dim(), op);  // the dim first, then the dtype: PyTorch's order
  if (!is_floating(a.dtype()))
    raise(ErrorKind::NotImplemented, "[", op, "] not implemented for ", dtype_name(a.dtype()),
          " tensors; pass dtype=tensorcore.float32 or convert with .float()");
  const DType dt = float_dtype(a), kc = compute_dtype(dt);
  Lines l = lines_of(a, dim, kc);
  Tensor out;
  if (log && kc != dt && a.numel() > 0 && l.inner == 1) {
    // Note [16-bit log_softmax rounds its normalizer]
    // PyTorch's CPU log_softmax of float16/bfloat16 along the last dim (its
    // vectorized lastdim kernel) computes in float32 but rounds the row sum
    // and its log to the input dtype before subtracting:
    // x - max - R(log(R(sum(exp(x - max))))), rounded once more at the end.
    // Without the inner roundings a bfloat16 classifier's cross-entropy
    // differs from PyTorch's in about a fifth of the values. Along another
    // dim it rounds only the result, as the kernel path below does.
    autograd::NoGradGuard ng;
    const Shape dims{dim};
    auto round_trip = [&](const Tensor& t) { return to_dtype(to_dtype(t, dt), kc); };
    Tensor m = amax(l.x, dims, true);
    Tensor shifted = binary(BinaryOp::Sub, l.x, m);
    Tensor normalizer = round_trip(unary(UnaryOp::Log, round_trip(sum(unary(UnaryOp::Exp, shifted), dims, true))));
    out = to_dtype(binary(BinaryOp::Sub, shifted, normalizer), dt);
  } else {
    out = empty(a.sizes(), kc, a.device());
    if (out.numel() > 0) softmax_forward(kc, log, l.x, out, l.outer, l.len, l.inner);
    if (kc != dt) {
      autograd::NoGradGuard ng;
      out = to_dtype(out, dt);
    }
  }
  if (auto* n = record(log ? "LogSoftmaxBackward0" : "SoftmaxBackward0",
                       log ? d::log_softmax_backward : d::softmax_backward, {&a}, {&out})) {
    n->save(out, true);
    n->attrs = attrs::Dim{dim};
  }
  return out;
}
}  // namespace

Tensor softmax(const Tensor& a, int64_t dim) { return softmax_impl(a, dim, false); }
Tensor log_softmax(const Tensor& a, int64_t dim) { return softmax_impl(a, dim, true); }

Tensor softmax_backward_data(const Tensor& grad, const Tensor& out, int64_t dim, bool log) {
  dim = wrap_dim(dim, out.dim(), log ? "log_softmax_backward" : "softmax_backward");
  const DType kc = compute_dtype(out.dtype());
  Lines l = lines_of(out, dim, kc);
  Tensor g;
  {
    autograd::NoGradGuard ng;
    g = contiguous(to_dtype(grad.sizes() == out.sizes() ? grad : expand(grad, out.sizes()), kc));
  }
  Tensor gx = empty(out.sizes(), kc, out.device());
  if (gx.numel() > 0) softmax_backward(kc, log, g, l.x, gx, l.outer, l.len, l.inner);
  if (kc != out.dtype()) {
    autograd::NoGradGuard ng;
    gx = to_dtype(gx, out.dtype());
  }
  return gx;
}

Tensor logsumexp(const Tensor& a, const Shape& dims, bool keepdim) {
  Tensor out;
  const DType result_dt = float_dtype(a);
  if (is_complex(result_dt)) return complex_logsumexp(a, dims, keepdim);
  Tensor af = to_dtype(a, compute_dtype(result_dt));
  Plan p = make_plan(a, dims, keepdim, "logsumexp");
  if (p.len == 0) {  // log(sum of no terms) = -inf, as PyTorch
    out = full(p.out_shape, Scalar::from_double(-INFINITY), result_dt);
  } else {
    autograd::NoGradGuard ng;
    Tensor m = amax(af, dims, true);
    m = where(unary(UnaryOp::IsInf, m), zeros_like(m), m);
    Tensor s = sum(unary(UnaryOp::Exp, binary(BinaryOp::Sub, af, m)), dims, true);
    out = binary(BinaryOp::Add, unary(UnaryOp::Log, s), m);
    if (!keepdim) out = reshape(out, p.out_shape);
    if (out.dtype() != result_dt) out = to_dtype(out, result_dt);
  }
  if (auto* n =
          record_reduction("LogsumexpBackward0", d::logsumexp_backward, a, out, reduction_attrs(a, p, keepdim, true))) {
    n->save(a);
    n->save(out, true);
  }
  return out;
}

// A scan kernel (cumsum, cumprod) over a's lines along dim, in the sum dtype (integers and bool in int64);
// 16-bit floats run in float32 with the kernel's `narrow` flag (Note [Cumsum accumulator]). No history.
using ScanKernel = void (*)(DType, const void*, void*, int64_t, int64_t, int64_t, bool);
Tensor scan_lines(const Tensor& a, int64_t dim, ScanKernel kernel) {
  const DType dt = sum_dtype(a.dtype()), kc = compute_dtype(dt);
  Lines l = lines_of(a, dim, kc);
  Tensor out = empty(a.sizes(), kc);
  if (out.numel() > 0) kernel(kc, l.x->data_bytes(), out->data_bytes(), l.outer, l.len, l.inner, kc != dt);
  if (kc != dt) {
    autograd::NoGradGuard ng;
    out = to_dtype(out, dt);
  }
  return out;
}

Tensor cumsum(const Tensor& a, int64_t dim) {
  dim = wrap_dim(dim, a.dim(), "cumsum");
  if (is_complex(a.dtype()))  // Note [Complex through real views]: the pairs' running sums
    return a.dim() == 0 ? clone(a) : view_as_complex(contiguous(cumsum(view_as_real(a), dim)));
  Tensor out = scan_lines(a, dim, &kernels::cumsum);
  if (auto* n = record("CumsumBackward0", d::cumsum_backward, {&a}, {&out})) n->attrs = attrs::Dim{dim};
  return out;
}

// Note [Cumprod accumulates as PyTorch]
// PyTorch's CPU cumprod is a sequential product in its accumulate type
// (double for float32, float for float16/bfloat16 through our float32
// compute type, int64 for integers), each output rounded once. A chain of
// float32 muls rounds at every step: a DDPM schedule's alphas_cumprod of
// 1000 steps differed from PyTorch's in most entries. The scan kernel
// (Note [Cumsum accumulator]) does the products; the gradient is
// d::cumprod_backward, exact with zeros in the input.
Tensor cumprod(const Tensor& a, int64_t dim) {
  dim = wrap_dim(dim, a.dim(), "cumprod");
  TC_CHECK(!is_complex(a.dtype()), "[cumprod] complex inputs take the composed path (bindings/reductions.cpp)");
  Tensor out = scan_lines(a, dim, &kernels::cumprod);
  if (auto* n = record("CumprodBackward0", d::cumprod_backward, {&a}, {&out})) {
    n->attrs = attrs::Dim{dim};
    n->save(a);
    n->save(out, true);
  }
  return out;
}

Tensor norm(const Tensor& a, double p, const Shape& dims, bool keepdim) {
  if (is_complex(a.dtype())) return complex_norm(a, p, dims, keepdim);
  TC_CHECK(is_floating(a.dtype()), "linalg.vector_norm: Expected a floating point tensor as input. Got ",
           dtype_name(a.dtype()));
  Plan plan = make_plan(a, dims, keepdim, "norm");
  Tensor out;
  {
    autograd::NoGradGuard ng;
    const DType kc = compute_dtype(a.dtype());
    Tensor aw = to_dtype(a, kc);
    auto ax = [&] { return unary(UnaryOp::Abs, aw); };  // only for the orders that need |a| (not 2, the usual one)
    if (std::isinf(p))
      out = p > 0 ? amax(ax(), dims, keepdim) : amin(ax(), dims, keepdim);
    else if (p == 2.0)
      out = unary(UnaryOp::Sqrt, sum(binary(BinaryOp::Mul, aw, aw), dims, keepdim));
    else if (p == 1.0)
      out = sum(ax(), dims, keepdim);
    else if (p == 0.0)
      out = sum(to_dtype(binary(BinaryOp::Ne, aw, wrapped_scalar(Scalar::from_int(0))), aw.dtype()), dims, keepdim);
    else
      out = pow(sum(pow(ax(), wrapped_scalar(Scalar::from_double(p))), dims, keepdim),
                wrapped_scalar(Scalar::from_double(1.0 / p)));
    if (kc != a.dtype()) out = to_dtype(out, a.dtype());
  }
  if (auto* n = record_reduction("LinalgVectorNormBackward0", d::norm_backward, a, out,
                                 attrs::Norm{reduction_attrs(a, plan, keepdim, true), p})) {
    n->save(a);
    n->save(out, true);
  }
  return out;
}

static std::tuple<Tensor, Tensor> topk_impl(const Tensor& a, int64_t k, int64_t dim, bool largest, const char* node);

std::tuple<Tensor, Tensor> sort(const Tensor& a, int64_t dim, bool descending) {
  int64_t k = a.dim() ? a.size(wrap_dim(dim, a.dim(), "sort")) : 1;
  return topk_impl(a, k, dim, descending, "SortBackward0");
}

std::tuple<Tensor, Tensor> topk(const Tensor& a, int64_t k, int64_t dim, bool largest, bool sorted) {
  (void)sorted;
  TC_CHECK(a.dtype() != DType::Bool, "topk does not support bool dtypes on CPU");
  return topk_impl(a, k, dim, largest, "TopkBackward0");
}

static std::tuple<Tensor, Tensor> topk_impl(const Tensor& a, int64_t k, int64_t dim, bool largest, const char* node) {
  int64_t w = wrap_dim(dim, a.dim(), "topk");
  int64_t size = a.dim() ? a.size(w) : 1;
  TC_CHECK(k >= 0 && k <= size, "selected index k out of range: k=", k, " for dimension of size ", size);
  Tensor x;
  {
    autograd::NoGradGuard ng;
    x = a.dim() ? contiguous(movedim(a, {w}, {-1})) : reshape(a, {1});
  }
  int64_t len = x.size(x.dim() - 1), rows = len ? x.numel() / len : 0;
  Shape osz = x.sizes();
  osz.back() = k;
  // Storage dtypes sort in their compute dtype: the conversion is monotonic and exact.
  const DType kc = compute_dtype(a.dtype());
  if (kc != a.dtype()) {
    autograd::NoGradGuard ng;
    x = to_dtype(x, kc);
  }
  Tensor vals = empty(osz, kc), idx = empty(osz, DType::Int64);
  if (rows > 0 && k > 0)
    kernels::sort_rows(kc, x->data_bytes(), rows, len, k, largest, vals->data_bytes(), idx.data<int64_t>());
  {
    autograd::NoGradGuard ng;
    if (kc != a.dtype()) vals = to_dtype(vals, a.dtype());
    if (a.dim()) {
      vals = movedim(vals, {-1}, {w});
      idx = movedim(idx, {-1}, {w});
    } else {
      vals = reshape(vals, {});
      idx = reshape(idx, {});
    }
  }
  if (auto* n = record(node, d::sort_topk_backward, {&a}, {&vals})) {
    n->attrs = attrs::DimInput{a.dim() ? w : 0, a.sizes()};
    n->save(idx);
  }
  return {vals, idx};
}

}  // namespace tc::ops
