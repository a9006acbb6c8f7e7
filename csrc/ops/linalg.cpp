// Matrix products: mm, bmm, matmul (batching and broadcasting), dot, mv, addmm.
#include "autograd/derivatives.h"
#include "autograd/node_attrs.h"
#include "backend/cuda_api.h"
#include "backend/kernels.h"
#include "backend/kernels_gemm_bf16.h"
#include "core/device_check.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/shape_util.h"
#include "ops/autocast.h"
#include "ops/device_kernels.h"
#include "ops/ops.h"

namespace tc::ops {

using autograd::record;
namespace d = autograd::d;

namespace {

// PyTorch's order: a dtype mismatch (float64 @ bool) is a RuntimeError before bool's NotImplementedError.
void check_same_dtype(const Tensor& a, const Tensor& b, const char* op) {
  TC_CHECK(a.dtype() == b.dtype(), "[", op,
           "] expected m1 and m2 to have the same dtype, but got: ", dtype_name(a.dtype()),
           " != ", dtype_name(b.dtype()), "; convert one with .to(dtype)");
  if (a.dtype() == DType::Bool && a.numel() > 0 && b.numel() > 0)
    raise(ErrorKind::NotImplemented, "[", op, "] not implemented for 'Bool' tensors");
}

// The storage's first byte, for host kernels (raises for a placeholder or
// device memory, as data_bytes does).
char* storage_base(const Tensor& t) { return t->data_bytes() - t->offset * static_cast<int64_t>(itemsize(t.dtype())); }

// The operand as the device's GEMM reads it: cuBLAS takes a matrix with one
// unit stride, so other device layouts (an expanded or sliced operand) are
// copied first; host operands are read with any strides.
Tensor gemm_ready(const Tensor& t) {
  const int64_t d = t.dim();
  if (!t->storage->device_memory ||
      cuda::gemm_layout_supported(t.size(d - 2), t.size(d - 1), t.strides()[d - 2], t.strides()[d - 1]))
    return t;
  autograd::NoGradGuard ng;
  return contiguous(t);
}

// c[m, n] (contiguous) = a[m, k] @ b[k, n] with arbitrary strides; offsets
// are absolute storage offsets in elements.
void matmul_into(const Tensor& c, const Tensor& a, const Tensor& b, int64_t a_off, int64_t b_off, int64_t c_off) {
  int64_t m = a.size(a.dim() - 2), k = a.size(a.dim() - 1), n = b.size(b.dim() - 1);
  DType dt = a.dtype();
  const int64_t ar = a.strides()[a.dim() - 2], ac = a.strides()[a.dim() - 1];
  const int64_t br = b.strides()[b.dim() - 2], bc = b.strides()[b.dim() - 1];
  size_t isz = itemsize(dt);
  if (on_device_memory(c)) {  // Note [Kernels on the tensor's device]; layouts fixed by gemm_ready
    auto base = [&](const Tensor& t) { return t->raw_data_bytes() - t->offset * static_cast<int64_t>(isz); };
    cuda::gemm(c.device(), dt, m, n, k, base(a) + a_off * isz, ar, ac, base(b) + b_off * isz, br, bc,
               base(c) + c_off * isz, n, false);
    return;
  }
  if (is_floating(dt))
    kernels::gemm(dt, m, n, k, storage_base(a) + a_off * isz, ar, ac, storage_base(b) + b_off * isz, br, bc,
                  storage_base(c) + c_off * isz, n, false);
  else
    kernels::gemm_integer(dt, m, n, k, storage_base(a) + a_off * isz, ar, ac, storage_base(b) + b_off * isz, br, bc,
                          storage_base(c) + c_off * isz, n);
}

// Note [Half types compute in float] for products: float16/bfloat16 (and the
// small integer types) multiply in their compute dtype, accumulating in
// float32 as PyTorch's CPU kernels do, and the result is rounded once.
template <typename F> Tensor in_compute_dtype(DType dt, F product) {
  autograd::NoGradGuard ng;
  return to_dtype(product(compute_dtype(dt)), dt);
}

// bfloat16 operands on a CPU whose bfloat16 GEMM runs natively (or the
// emulation a test forced) multiply as pairs of bfloat16 into float32 (Note
// [bfloat16 GEMM]) instead of being converted to float32 first.
bool bf16_gemm_applies(const Tensor& a, const Tensor& b) {
  return a.dtype() == DType::BFloat16 && b.dtype() == DType::BFloat16 && a.device().is_cpu() && b.device().is_cpu() &&
         kernels::bf16_gemm_path() != kernels::Bf16GemmPath::Convert;
}

// The product of bfloat16 a [..., m, k] and b [..., k, n] (2-D, or 3-D with
// equal batch sizes): float32 sums (`out_dtype` Float32, for a bias added
// before the rounding) or bfloat16, each sum rounded once.
Tensor bf16_product(const Tensor& a, const Tensor& b, DType out_dtype) {
  const int64_t d = a.dim(), m = a.size(d - 2), k = a.size(d - 1), n = b.size(d - 1);
  const int64_t batches = d == 3 ? a.size(0) : 1;
  Tensor out = d == 3 ? empty({batches, m, n}, out_dtype) : empty({m, n}, out_dtype);
  if (out.numel() == 0) return out;
  const kernels::Bf16GemmPath path = kernels::bf16_gemm_path();
  const int64_t ar = a.strides()[d - 2], ac = a.strides()[d - 1], br = b.strides()[d - 2], bc = b.strides()[d - 1];
  const int64_t as = d == 3 ? a.strides()[0] : 0, bs = d == 3 ? b.strides()[0] : 0;
  constexpr size_t kBf16 = 2;
  const size_t out_item = itemsize(out_dtype);
  for (int64_t i = 0; i < batches; ++i)
    kernels::gemm_bf16(path, m, n, k, storage_base(a) + (a->offset + i * as) * kBf16, ar, ac,
                       storage_base(b) + (b->offset + i * bs) * kBf16, br, bc,
                       storage_base(out) + (out->offset + i * m * n) * out_item, n, out_dtype == DType::BFloat16);
  return out;
}

}  // namespace

Tensor mm(const Tensor& a, const Tensor& b) {
  TC_CHECK(a.dim() == 2, "self must be a matrix (got a ", a.dim(), "-D tensor of shape ", shape_str(a.sizes()), ")");
  TC_CHECK(b.dim() == 2, "mat2 must be a matrix (got a ", b.dim(), "-D tensor of shape ", shape_str(b.sizes()), ")");
  TC_CHECK(a.size(1) == b.size(0), "mat1 and mat2 shapes cannot be multiplied (", a.size(0), "x", a.size(1), " and ",
           b.size(0), "x", b.size(1), ")");
  check_same_dtype(a, b, "mm");
  if (is_complex(a.dtype())) return complex_product(a, b, mm);  // Note [Complex through real views]
  // Note [Device checks]: the result is made where both operands are.
  Tensor out = is_compute_dtype(a.dtype()) ? empty({a.size(0), b.size(1)}, a.dtype(), common_device({&a, &b}))
               : bf16_gemm_applies(a, b)
                   ? bf16_product(a, b, DType::BFloat16)
                   : in_compute_dtype(a.dtype(), [&](DType kc) { return mm(to_dtype(a, kc), to_dtype(b, kc)); });
  if (out.numel() > 0 && is_compute_dtype(a.dtype())) {
    if (a.size(1) == 0) {
      fill_scalar(out, Scalar::from_int(0));
    } else {
      const Tensor ga = gemm_ready(a), gb = gemm_ready(b);
      matmul_into(out, ga, gb, ga->offset, gb->offset, out->offset);
    }
  }
  if (auto* n = record("MmBackward0", d::mm_backward, {&a, &b}, {&out})) d::save_mm_operands(n, a, b, 0);
  return out;
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  TC_CHECK(a.dim() == 3, "batch1 must be a 3D tensor (got shape ", shape_str(a.sizes()), ")");
  TC_CHECK(b.dim() == 3, "batch2 must be a 3D tensor (got shape ", shape_str(b.sizes()), ")");
  TC_CHECK(a.size(0) == b.size(0), "batch1 and batch2 must have same number of batches, got ", a.size(0), " and ",
           b.size(0));
  TC_CHECK(a.size(2) == b.size(1), "Expected size for first two dimensions of batch2 tensor to be: [", a.size(0), ", ",
           a.size(2), "] but got: [", b.size(0), ", ", b.size(1), "].");
  check_same_dtype(a, b, "bmm");
  if (is_complex(a.dtype())) return complex_product(a, b, bmm);
  int64_t B = a.size(0), m = a.size(1), n = b.size(2);
  Tensor out = is_compute_dtype(a.dtype()) ? empty({B, m, n}, a.dtype(), common_device({&a, &b}))
               : bf16_gemm_applies(a, b)
                   ? bf16_product(a, b, DType::BFloat16)
                   : in_compute_dtype(a.dtype(), [&](DType kc) { return bmm(to_dtype(a, kc), to_dtype(b, kc)); });
  if (out.numel() > 0 && is_compute_dtype(a.dtype())) {
    if (a.size(2) == 0) {
      fill_scalar(out, Scalar::from_int(0));
    } else {
      const Tensor ga = gemm_ready(a), gb = gemm_ready(b);
      for (int64_t i = 0; i < B; ++i)
        matmul_into(out, ga, gb, ga->offset + i * ga.strides()[0], gb->offset + i * gb.strides()[0],
                    out->offset + i * m * n);
    }
  }
  if (auto* nd = record("BmmBackward0", d::bmm_backward, {&a, &b}, {&out})) {
    d::save_product_operands(nd, a, b, 0);
    static constexpr const char* names[] = {"self", "mat2", nullptr};
    nd->saved_names = names;
  }
  return out;
}

Tensor dot(const Tensor& a, const Tensor& b) {
  TC_CHECK(a.dim() == 1 && b.dim() == 1, "1D tensors expected, but got ", a.dim(), "D and ", b.dim(), "D tensors");
  TC_CHECK(a.size(0) == b.size(0), "inconsistent tensor size, expected tensor [", a.size(0), "] and src [", b.size(0),
           "] to have the same number of elements, but got ", a.size(0), " and ", b.size(0), " elements respectively");
  // PyTorch's order: the dtypes must agree (dot's own message), then bool has no kernel
  TC_CHECK(a.dtype() == b.dtype(), "dot : expected both vectors to have same dtype, but found ",
           scalar_type_name(a.dtype()), " and ", scalar_type_name(b.dtype()));
  if (a.dtype() == DType::Bool) raise(ErrorKind::NotImplemented, "[dot] not implemented for 'Bool' tensors");
  Tensor out;
  {
    autograd::NoGradGuard ng;
    out = reshape(mm(reshape(a, {1, -1}), reshape(b, {-1, 1})), {});
  }
  if (auto* n = record("DotBackward0", d::dot_backward, {&a, &b}, {&out})) {
    d::save_product_operands(n, a, b, 0);
    static constexpr const char* names[] = {"self", "tensor", nullptr};
    n->saved_names = names;
  }
  return out;
}

Tensor mv(const Tensor& a, const Tensor& v) {
  TC_CHECK(a.dim() == 2 && v.dim() == 1, "vector + matrix @ vector expected, got ", a.dim(), ", ", v.dim());
  TC_CHECK(a.size(1) == v.size(0), "size mismatch, got input (", a.size(0), "), mat (", a.size(0), "x", a.size(1),
           "), vec (", v.size(0), ")");
  Tensor out;
  {
    autograd::NoGradGuard ng;
    out = reshape(mm(a, reshape(v, {-1, 1})), {-1});
  }
  if (auto* n = record("MvBackward0", d::mv_backward, {&a, &v}, {&out})) {
    d::save_product_operands(n, a, v, 0);
    static constexpr const char* names[] = {"self", "vec", nullptr};
    n->saved_names = names;
  }
  return out;
}

Tensor outer(const Tensor& a, const Tensor& b) {
  TC_CHECK(a.dim() == 1 && b.dim() == 1, "outer: expected 1D tensors, got ", a.dim(), "D and ", b.dim(), "D");
  return mul(unsqueeze(a, 1), unsqueeze(b, 0));
}

Tensor addmm(const Tensor& bias, const Tensor& a, const Tensor& b) {
  Tensor out;
  {
    autograd::NoGradGuard ng;
    // A storage dtype (float16) adds the bias before the one rounding, as PyTorch's gemm with beta.
    const DType dt = promote_types(a.dtype(), bias.dtype()), kc = compute_dtype(dt);
    const bool widen = kc != dt && a.dtype() == b.dtype();
    out = !widen                    ? mm(a, b)
          : bf16_gemm_applies(a, b) ? bf16_product(a, b, DType::Float32)
                                    : mm(to_dtype(a, kc), to_dtype(b, kc));
    Tensor bb = widen ? to_dtype(bias, kc) : bias;
    TC_CHECK(broadcast_shapes(bias.sizes(), out.sizes(), "addmm") == out.sizes(), "[addmm] bias of shape ",
             shape_str(bias.sizes()), " cannot be broadcast to ", shape_str(out.sizes()));
    binary_(BinaryOp::Add, out, bb);
    if (widen) out = to_dtype(out, dt);
  }
  if (auto* n = record("AddmmBackward0", d::addmm_backward, {&bias, &a, &b}, {&out})) d::save_mm_operands(n, a, b, 1);
  return out;
}

// PyTorch unfolds matmul's product with _unsafe_view: the result is no view
// of the fresh product (no _base) and its node is UnsafeViewBackward0, which
// is what programs print for a batched product.
static Tensor unsafe_view_of_product(const Tensor& r, const Shape& out_shape) {
  Tensor out = make_view(r, out_shape, contiguous_strides(out_shape), r->offset);
  if (auto* n = record("UnsafeViewBackward0", d::view_backward, {&r}, {&out}))
    n->attrs = autograd::attrs::InputShape{r.sizes()};
  return out;
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  if (__builtin_expect(autocast::active(), 0)) {  // lower_precision_fp (Note [CPU autocast])
    Tensor ca = autocast::lower(a), cb = autocast::lower(b);
    autocast::ExcludeGuard g;
    return matmul(ca, cb);
  }
  TC_CHECK(a.dim() > 0 && b.dim() > 0, "both arguments to matmul need to be at least 1D, but they are ", a.dim(),
           "D and ", b.dim(), "D");
  if (a.dim() == 1 && b.dim() == 1) return dot(a, b);
  if (a.dim() == 2 && b.dim() == 1) return mv(a, b);
  if (a.dim() == 1 && b.dim() == 2) return squeeze_dims(mm(unsqueeze(a, 0), b), {0});
  if (a.dim() == 2 && b.dim() == 2) return mm(a, b);
  // Fold a's batch dims into rows when b is a matrix (one big GEMM).
  if (a.dim() >= 3 && b.dim() <= 2) {
    Tensor bb = b.dim() == 1 ? unsqueeze(b, 1) : b;
    Shape out_shape(a.sizes().begin(), a.sizes().end() - 1);
    // The folded row count is spelled out: with a last dim of 0, numel / size and reshape's -1 would divide by 0.
    const int64_t rows = shape_numel(out_shape);
    TC_CHECK(a.size(a.dim() - 1) == bb.size(0), "mat1 and mat2 shapes cannot be multiplied (", rows, "x",
             a.size(a.dim() - 1), " and ", bb.size(0), "x", bb.size(1), ")");
    Tensor r = mm(reshape(a, {rows, a.size(a.dim() - 1)}), bb);
    if (b.dim() == 2) out_shape.push_back(b.size(1));
    return unsafe_view_of_product(r, out_shape);
  }
  // A matrix that requires grad times a batch: PyTorch folds the batch
  // instead, as (b^T a^T)^T made contiguous, so the result's node is
  // CloneBackward0 (with a not requiring grad it takes the bmm path below).
  if (a.dim() == 2 && b.dim() >= 3 && a.requires_grad())
    return contiguous(transpose(matmul(transpose(b, -2, -1), transpose(a, 0, 1)), -2, -1));
  // General case: broadcast batch dims, then bmm.
  Tensor a2 = a.dim() == 1 ? unsqueeze(a, 0) : a;
  Tensor b2 = b.dim() == 1 ? unsqueeze(b, 1) : b;
  Shape ab(a2.sizes().begin(), a2.sizes().end() - 2), bb(b2.sizes().begin(), b2.sizes().end() - 2);
  Shape batch = broadcast_shapes(ab, bb, "matmul");
  int64_t m = a2.size(a2.dim() - 2), k = a2.size(a2.dim() - 1), k2 = b2.size(b2.dim() - 2), n = b2.size(b2.dim() - 1);
  TC_CHECK(k == k2, "Expected size for first two dimensions of batch2 tensor to be: [", shape_numel(batch), ", ", k,
           "] but got: [", shape_numel(batch), ", ", k2, "].");
  Shape ea = batch, eb = batch;
  ea.push_back(m);
  ea.push_back(k);
  eb.push_back(k2);
  eb.push_back(n);
  int64_t nb = shape_numel(batch);
  Tensor r = bmm(reshape(expand(a2, ea), {nb, m, k}), reshape(expand(b2, eb), {nb, k2, n}));
  Shape out_shape = batch;
  if (a.dim() > 1) out_shape.push_back(m);
  if (b.dim() > 1) out_shape.push_back(n);
  return unsafe_view_of_product(r, out_shape);
}

}  // namespace tc::ops
