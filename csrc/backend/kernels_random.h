#pragma once
// Random-family kernels.
//
// Note [Random sampling kernels]
// A sampler draws from one generator serially, element by element, in
// PyTorch's fill order (Note [Random fill order] in cpu/random_order.h), so
// `manual_seed(s)` gives PyTorch's values (Note [PyTorch-compatible random
// streams] in core/generator.h). The ops check arguments and allocate; these
// kernels own every loop over elements: the draws, the per-sample transforms
// (core/distributions.h) and the Box-Muller blocks. Kernels never raise: a
// bad value found in an input tensor (a probability outside [0, 1], a
// negative rate) stops the draw there and is reported, leaving the generator
// and the output as PyTorch leaves them when it raises at that element.
#include <cstdint>

#include "core/dtype.h"

namespace tc {
struct Generator;
}

namespace tc::kernels {

// Box-Muller in place on `blocks` consecutive blocks of 16 float32 uniforms
// (pairs j, j + 8 -> mean + std * (r cos t, r sin t)), bit-identical to
// PyTorch's AVX2 normal fill (Note [float32 normals: PyTorch's AVX2 log and
// sincos] in core/cephes_float.h). The CPU versions pick the compiled
// instruction set at runtime (cpu/dispatch.cpp).
void box_muller_f32(float* data, int64_t blocks, float mean, float std);

// An output operand: first element (storage offset applied), dtype, shape and
// element strides.
struct StridedOut {
  void* data = nullptr;
  DType dtype = DType::Float32;
  int64_t ndim = 0;
  const int64_t* sizes = nullptr;
  const int64_t* strides = nullptr;
};

enum class Sample : int8_t {
  Uniform,      // [a, b) (float dtypes); a draw that rounds up to b becomes a
  Normal,       // mean a, std b (float dtypes)
  Exponential,  // rate a
  Cauchy,       // median a, scale b
  LogNormal,    // mean a, std b of the underlying normal
  Geometric,    // success probability a (not bool)
  Bernoulli,    // probability a
  RandomRange,  // base + draw % range (64-bit draws once range >= 2^28)
  RandomFull,   // the dtype's whole range (random_() with no bounds)
  RandomInt64,  // every int64 value, cast to the dtype
};
struct SampleArgs {
  double a = 0, b = 0;
  uint64_t range = 0;
  int64_t base = 0;
};
// Fills every element of `out` with samples, in fill order.
void sample(Sample kind, const StridedOut& out, Generator& g, const SampleArgs& args);

// RReLU in training mode (nn.functional.rrelu) over n contiguous float
// elements, in order, as PyTorch's CPU kernel: each x <= 0 takes one 64-bit
// draw r = lower + U[0, 1) * (upper - lower) (in double, then the dtype),
// y = x * r and noise = r; every other element y = x and noise = 1.
void rrelu_noise(DType dt, int64_t n, const void* x, void* y, void* noise, double lower, double upper, Generator& g);

// out[i] ~ Bernoulli(probs[i]) in fill order, probs (float dtype) read through
// its own strides (an expanded view is fine). Returns -1, or the number of
// elements written before a probability outside [0, 1] stopped it.
int64_t bernoulli_tensor(const StridedOut& out, const void* probs, DType probs_dt, const int64_t* probs_strides,
                         Generator& g);

// out[i] ~ Poisson(rates[i]) for contiguous float buffers of n elements.
// Returns -1, or the position of the first negative (or NaN) rate.
int64_t poisson(DType dt, const void* rates, void* out, int64_t n, Generator& g);

// out[i] ~ Gamma(alpha[i], 1) (torch._standard_gamma) for contiguous float
// buffers; a sample below the dtype's smallest normal (or NaN) becomes it.
void standard_gamma(DType dt, const void* alpha, void* out, int64_t n, Generator& g);

// out[i] ~ Binomial(count[i], prob[i]) (torch.binomial), contiguous buffers
// of one float dtype.
void binomial(DType dt, const void* count, const void* prob, void* out, int64_t n, Generator& g);

// Rows of `k` Dirichlet(alpha[row]) samples (torch._sample_dirichlet): double
// gammas for the whole buffer first, then each row normalised by its sum and
// clamped into [smallest normal, largest value below 1] of the dtype.
void dirichlet(DType dt, const void* alpha, void* out, int64_t rows, int64_t k, Generator& g);

// torch._standard_gamma_grad (Note [Implicit reparameterization gradient of
// Gamma samples] in core/reparam_grad.h), contiguous buffers.
void standard_gamma_grad(DType dt, const void* alpha, const void* x, void* out, int64_t n);

// torch._dirichlet_grad (Note [Implicit reparameterization gradient of
// Dirichlet samples] in core/reparam_grad.h), contiguous buffers.
void dirichlet_grad(DType dt, const void* x, const void* alpha, const void* total, void* out, int64_t n);

// A uniformly random permutation of 0..n-1 (PyTorch's Fisher-Yates order).
void randperm(DType dt, void* out, int64_t n, Generator& g);

// torch.multinomial's loops (Note [multinomial sampling paths] in
// ops/multinomial.cpp) on contiguous [rows, cats] float buffers.
enum class MultinomialError : int8_t { None, NotFiniteOrNegative, Negative, NotFinite, ZeroSum };
// The checks PyTorch makes before drawing for the exponential-keys path.
MultinomialError multinomial_check(DType dt, const void* probs, int64_t rows, int64_t cats);
// out [rows, n]: per row, the indices of the n largest keys (argmax when n is
// 1), with ATen's CPU topk tie order.
void multinomial_top(DType dt, const void* keys, int64_t rows, int64_t cats, int64_t n, int64_t* out);
// With replacement: per row, a binary search of the normalised cumulative
// sum for each double uniform. Stops at the first bad row.
MultinomialError multinomial_with_replacement(DType dt, const void* probs, int64_t rows, int64_t cats, int64_t n,
                                              int64_t* out, Generator& g);

}  // namespace tc::kernels
