#pragma once
// nn kernels: softmax / log_softmax, activations, layer_norm and the pointwise
// losses, forward and backward. Ops check, promote, make the operands
// contiguous in the compute dtype (float32 or float64) and call these; the CPU
// versions pick the compiled instruction set at runtime (cpu/dispatch.cpp).
// Every result is bit-identical for any thread count (Note [Deterministic
// parallelism]): work is split by rows or fixed-size blocks, never per thread.
#include <cstdint>

#include "core/dtype.h"

namespace tc::kernels {

// Note [Softmax layout]
// x and y are contiguous [outer, len, inner]: softmax runs along `len` for
// each of the outer * inner lines, so a softmax over a middle dim needs no
// transposed copy (inner == 1 is the common last-dim case). Each line takes
// three passes that stay in cache (max; exp and sum; scale) and one exp per
// element. log_softmax writes x - max - log(sum).
void softmax_forward(DType dt, bool log, const void* x, void* y, int64_t outer, int64_t len, int64_t inner);
// From the forward's output y and the incoming gradient g (same layout):
// softmax: gx = y * (g - sum(g * y)); log_softmax: gx = g - exp(y) * sum(g).
void softmax_backward(DType dt, bool log, const void* g, const void* y, void* gx, int64_t outer, int64_t len,
                      int64_t inner);

// Pointwise activations on n contiguous elements (y may be x itself: an
// in-place activation). The parameters of each kind:
//   LeakyRelu   a = negative slope
//   Elu         a = alpha * scale, b = scale, c = input_scale (ELU, SELU, CELU)
//   Hardtanh    a = min_val, b = max_val
//   Softplus    a = beta, b = threshold
//   Softshrink, Hardshrink   a = lambda
//   Threshold   a = threshold, b = value
enum class Activation : int8_t {
  Gelu,
  GeluTanh,
  LeakyRelu,
  Elu,
  Hardtanh,
  Silu,
  Mish,
  Hardswish,
  Hardsigmoid,
  Softplus,
  Softshrink,
  Hardshrink,
  Threshold,
  LogSigmoid
};
struct ActivationParams {
  double a = 0, b = 0, c = 0;
};
void activation_forward(Activation act, DType dt, int64_t n, const void* x, void* y, ActivationParams p);
// gx = g * act'(x). With from_result, `x` holds the forward's result instead
// of its input (the in-place forms of LeakyRelu and Elu save only that, as
// PyTorch's do).
void activation_backward(Activation act, DType dt, int64_t n, const void* g, const void* x, void* gx,
                         ActivationParams p, bool from_result);

// Note [LayerNorm kernels]
// x is [rows, M] contiguous; w and b [M] may be null. The forward writes y,
// and the per-row mean and 1/sqrt(biased var + eps) (accumulated in double,
// two passes over a row that is in cache). The backward takes those saved
// statistics; any of gx, gw, gb may be null (not wanted). gw and gb are
// column sums over rows, formed in blocks of a fixed number of rows combined
// in a fixed order, so they do not depend on the thread count.
void layer_norm_forward(DType dt, int64_t rows, int64_t M, const void* x, const void* w, const void* b, double eps,
                        void* y, void* mean, void* rstd);
void layer_norm_backward(DType dt, int64_t rows, int64_t M, const void* g, const void* x, const void* mean,
                         const void* rstd, const void* w, void* gx, void* gw, void* gb);

// Unreduced pointwise losses of n contiguous elements: out = loss(x, y),
// times weight w when not null. pos_weight only applies to
// BinaryCrossEntropyWithLogits (may be null). Returns false, writing nothing,
// when BinaryCrossEntropy gets an input outside [0, 1].
enum class PointwiseLoss : int8_t { Mse, BinaryCrossEntropy, BinaryCrossEntropyWithLogits };
bool pointwise_loss(PointwiseLoss loss, DType dt, int64_t n, const void* x, const void* y, const void* w,
                    const void* pos_weight, void* out);

// nll_loss over contiguous log-probabilities [N, C, R] and targets [N, R]:
// out[n, r] = -logp[n, t, r] * w[t] (w null: 1), 0 where t == ignore_index;
// *weight_sum gets the sum of the weights taken (accumulated in double, in
// order). Returns false, with the offending class in *bad_target, at the first
// target outside [0, C) (the op raises PyTorch's IndexError).
bool nll_loss_forward(DType dt, int64_t N, int64_t C, int64_t R, const void* logp, const int64_t* target, const void* w,
                      int64_t ignore_index, void* out, double* weight_sum, int64_t* bad_target);
// tanh's gradient from its result: out = g * (1 - y * y), the parenthesis
// rounded once (PyTorch's CPU kernel, contracted to a fused multiply-add).
// Contiguous float32/float64 arrays of n elements.
void tanh_backward(DType dt, int64_t n, const void* g, const void* y, void* out);
// The gradient of nll_loss for its input ([N, C, R], contiguous, filled
// here): zero but at each target. grad_out is [N, R] when per_element
// (reduction none), else one value, divided by *weight_sum when that is
// given (mean). Targets are assumed checked by the forward.
void nll_loss_backward(DType dt, int64_t N, int64_t C, int64_t R, const int64_t* target, const void* w,
                       int64_t ignore_index, const void* grad_out, bool per_element, const void* weight_sum,
                       void* grad_in);

}  // namespace tc::kernels
