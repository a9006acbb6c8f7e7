#pragma once
// The public C++ ops: dtype promotion, broadcasting, output allocation,
// dispatch to kernels and autograd recording. Bindings and derivative formulas
// both call these (so gradients are themselves differentiable).
#include <initializer_list>
#include <optional>
#include <tuple>
#include <vector>

#include "backend/op_tables.h"
#include "core/generator.h"
#include "core/tensor.h"

namespace tc {

// A Python number as an op argument.
struct Scalar {
  enum Kind { Bool, Int, Float, Complex } kind = Int;
  int64_t i = 0;
  double d = 0;
  double im = 0;  // a Complex's imaginary part (d is its real part)
  Scalar() = default;
  static Scalar from_bool(bool b) {
    Scalar s;
    s.kind = Bool;
    s.i = b;
    s.d = b;
    return s;
  }
  static Scalar from_int(int64_t v) {
    Scalar s;
    s.kind = Int;
    s.i = v;
    s.d = static_cast<double>(v);
    return s;
  }
  // i: the truncated value when it fits int64 (else 0; fill_scalar checks the range).
  static Scalar from_double(double v) {
    Scalar s;
    s.kind = Float;
    s.d = v;
    s.i = (v > -9.2233720368547758e18 && v < 9.2233720368547758e18) ? static_cast<int64_t>(v) : 0;
    return s;
  }
  static Scalar from_complex(double re, double imag) {
    Scalar s = from_double(re);
    s.kind = Complex;
    s.im = imag;
    return s;
  }
  // A complex counts as a float wherever a real value is read (its real part, d).
  bool is_float() const { return kind == Float || kind == Complex; }
  bool is_complex() const { return kind == Complex; }
};

namespace ops {

DType default_dtype();
void set_default_dtype(DType dt);

// ---- type promotion ----
// Note [Wrapped numbers]
// Python scalars become 0-dim tensors flagged as wrapped numbers; they only
// take part in promotion by category (PyTorch's result_type rule).
Tensor scalar_tensor(Scalar s, std::optional<DType> dtype = std::nullopt);
// Writes n copies of s converted to dt as PyTorch converts: a float is true
// for bool when nonzero, and must fit an integer dtype (RuntimeError otherwise).
void fill_scalar(void* data, int64_t n, DType dt, Scalar s);
// The same into a contiguous tensor on any device.
void fill_scalar(const Tensor& t, Scalar s);
Tensor wrapped_scalar(Scalar s);
bool is_wrapped_number(const Tensor& t);
DType result_type(std::initializer_list<const Tensor*> ts);

// ---- elementwise ----
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b);
Tensor unary(UnaryOp op, const Tensor& a);
Tensor& binary_(BinaryOp op, Tensor& self, const Tensor& other);  // in place
// out= variant: `out` must have the broadcast shape (an empty `out` is resized).
Tensor& binary_out(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out);
Tensor& unary_(UnaryOp op, Tensor& self);
Tensor& unary_out(UnaryOp op, const Tensor& a, Tensor& out);
Tensor add(const Tensor& a, const Tensor& b, Scalar alpha = Scalar::from_int(1));
// Note [Complex add is a + alpha * b]: the plain sum, for composites of fused PyTorch kernels.
Tensor add_without_alpha(const Tensor& a, const Tensor& b);
Tensor& add_without_alpha_(Tensor& self, const Tensor& other);
Tensor sub(const Tensor& a, const Tensor& b, Scalar alpha = Scalar::from_int(1));
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& a, const Tensor& b);
Tensor neg(const Tensor& a);
Tensor& add_(Tensor& self, const Tensor& other, Scalar alpha = Scalar::from_int(1));
Tensor mul_scalar(const Tensor& a, double s);
Tensor add_scalar(const Tensor& a, double s);
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
Tensor clamp(const Tensor& a, std::optional<Scalar> lo, std::optional<Scalar> hi);
Tensor& clamp_(Tensor& a, std::optional<Scalar> lo, std::optional<Scalar> hi);
Tensor clamp_tensor(const Tensor& a, const Tensor* lo, const Tensor* hi);
Tensor lerp(const Tensor& a, const Tensor& b, const Tensor& w);

// ---- copies and conversion ----
Tensor to_dtype(const Tensor& a, DType dt, bool copy = false);
// A copy of `a` on `device` (cast to `dtype` when given), contiguous; records
// ToCopyBackward0 (the engine moves the gradient back, autograd/node.h).
// non_blocking only queues a copy from or to pinned host memory.
Tensor to_device(const Tensor& a, Device device, std::optional<DType> dtype, bool non_blocking);
Tensor clone(const Tensor& a);
Tensor contiguous(const Tensor& a);
Tensor& copy_(Tensor& dst, const Tensor& src);
// New sizes, contiguous strides; grows the storage in place (Note [Resizing storage in place]).
Tensor& resize_(Tensor& self, const Shape& sizes);
Tensor& fill_(Tensor& t, Scalar v);
Tensor& zero_(Tensor& t);
Tensor detach(const Tensor& a);

// ---- creation ----
Tensor full(const Shape& shape, Scalar v, std::optional<DType> dtype, Device device = Device::cpu());
Tensor zeros(const Shape& shape, DType dt, Device device = Device::cpu());
Tensor ones(const Shape& shape, DType dt, Device device = Device::cpu());
Tensor zeros_like(const Tensor& a);
Tensor ones_like(const Tensor& a);
Tensor arange(Scalar start, Scalar end, Scalar step, std::optional<DType> dtype, Device device = Device::cpu());
Tensor linspace(double start, double end, int64_t steps, DType dt, Device device = Device::cpu());
Tensor eye(int64_t n, int64_t m, DType dt, Device device = Device::cpu());
// Random ops (ops/random.cpp, ops/multinomial.cpp); `gen` null means the
// default generator. Each draws exactly what PyTorch's CPU kernel draws.
void manual_seed(uint64_t seed);
uint64_t initial_seed();
std::vector<uint64_t> get_rng_state(Generator* gen = nullptr);
void set_rng_state(const std::vector<uint64_t>& st, Generator* gen = nullptr);
Tensor rand(const Shape& shape, DType dt, Generator* gen = nullptr, Device device = Device::cpu());
Tensor randn(const Shape& shape, DType dt, Generator* gen = nullptr, Device device = Device::cpu());
Tensor randint(int64_t low, int64_t high, const Shape& shape, DType dt, Generator* gen = nullptr,
               Device device = Device::cpu());
Tensor randperm(int64_t n, DType dt, Generator* gen = nullptr, Device device = Device::cpu());
Tensor& uniform_(Tensor& t, double lo, double hi, Generator* gen = nullptr);
Tensor& normal_(Tensor& t, double mean, double std, Generator* gen = nullptr);
Tensor& random_full_(Tensor& t, Generator* gen = nullptr);            // random_(): the dtype's whole range
Tensor& random_to_(Tensor& t, int64_t to, Generator* gen = nullptr);  // random_(to): [0, to)
// random_(from, to): [from, to); to = nullopt means up to the dtype's maximum
// (from = int64 min then: every int64 value).
Tensor& random_(Tensor& t, int64_t from, std::optional<int64_t> to, Generator* gen = nullptr);
Tensor& exponential_(Tensor& t, double lambda, Generator* gen = nullptr);
Tensor& geometric_(Tensor& t, double p, Generator* gen = nullptr);
Tensor& cauchy_(Tensor& t, double median, double sigma, Generator* gen = nullptr);
Tensor& log_normal_(Tensor& t, double mean, double std, Generator* gen = nullptr);
Tensor& bernoulli_(Tensor& t, double p, Generator* gen = nullptr);
Tensor& bernoulli_tensor_(Tensor& t, const Tensor& probs, Generator* gen = nullptr);  // probs expands to t
Tensor bernoulli(const Tensor& probs, Generator* gen = nullptr);
Tensor poisson(const Tensor& rates, Generator* gen = nullptr);
// torch._standard_gamma, torch.binomial, torch._sample_dirichlet (PyTorch's
// streams: Note [Gamma and binomial samplers follow ATen's arithmetic types])
// and torch._standard_gamma_grad. The samplers record no gradient: the
// distributions attach the reparameterized one.
Tensor standard_gamma(const Tensor& alpha, Generator* gen = nullptr);
Tensor binomial(const Tensor& count, const Tensor& prob, Generator* gen = nullptr);
Tensor sample_dirichlet(const Tensor& alpha, Generator* gen = nullptr);
Tensor standard_gamma_grad(const Tensor& alpha, const Tensor& x);
Tensor dirichlet_grad(const Tensor& x, const Tensor& alpha, const Tensor& total);
Tensor normal_tensor_tensor(const Tensor& mean, const Tensor& std, Generator* gen = nullptr);
Tensor normal_tensor_scalar(const Tensor& mean, double std, Generator* gen = nullptr);
Tensor normal_scalar_tensor(double mean, const Tensor& std, Generator* gen = nullptr);
Tensor bernoulli_mask(const Shape& shape, double p_keep, DType dt, Generator* gen = nullptr);
Tensor multinomial(const Tensor& probs, int64_t n, bool replacement, Generator* gen = nullptr);

// ---- views (share storage, never copy) ----
Tensor view(const Tensor& a, const Shape& shape);
Tensor reshape(const Tensor& a, const Shape& shape);
Tensor as_strided(const Tensor& a, const Shape& size, const Shape& stride, std::optional<int64_t> offset);
Tensor transpose(const Tensor& a, int64_t d0, int64_t d1);
Tensor t(const Tensor& a);
Tensor permute(const Tensor& a, const Shape& dims);
Tensor expand(const Tensor& a, const Shape& shape);
Tensor squeeze(const Tensor& a);
Tensor squeeze_dims(const Tensor& a, const Shape& dims);
Tensor unsqueeze(const Tensor& a, int64_t dim);
Tensor flatten(const Tensor& a, int64_t start, int64_t end);
Tensor unflatten(const Tensor& a, int64_t dim, const Shape& sizes);
Tensor narrow(const Tensor& a, int64_t dim, int64_t start, int64_t length);
Tensor select(const Tensor& a, int64_t dim, int64_t index);
Tensor slice(const Tensor& a, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step);
std::vector<Tensor> split(const Tensor& a, int64_t split_size, int64_t dim);
std::vector<Tensor> split_with_sizes(const Tensor& a, const Shape& sizes, int64_t dim);
std::vector<Tensor> chunk(const Tensor& a, int64_t chunks, int64_t dim);
std::vector<Tensor> unbind(const Tensor& a, int64_t dim);
Tensor diagonal(const Tensor& a, int64_t offset, int64_t d1, int64_t d2);
Tensor alias(const Tensor& a);
Tensor movedim(const Tensor& a, const Shape& src, const Shape& dst);
// complex <-> (..., 2) real pairs: views (Note [Complex through real views], ops/complex.cpp).
Tensor view_as_real(const Tensor& a);
Tensor view_as_complex(const Tensor& a);

// ---- complex (ops/complex.cpp) ----
Tensor real(const Tensor& a);  // a itself for a real tensor
Tensor imag(const Tensor& a);
Tensor conj(const Tensor& a);  // a physical copy for complex; a itself for a real tensor
Tensor complex_abs(const Tensor& a);
Tensor angle(const Tensor& a);
Tensor complex(const Tensor& re, const Tensor& im);
Tensor polar(const Tensor& abs, const Tensor& angle);
Tensor complex_reduce(const Tensor& a, const Shape& dims, bool keepdim, bool mean_of);
Tensor complex_product(const Tensor& a, const Tensor& b, Tensor (*product)(const Tensor&, const Tensor&));
// zeros(shape) with `g` written through the (non-overlapping) strided view
// (size, stride, offset) of it: the gradient of every view op.
Tensor as_strided_scatter_zeros(const Tensor& g, const Shape& shape, const Shape& size, const Shape& stride,
                                int64_t offset);

// ---- reductions ----
Tensor sum(const Tensor& a, const Shape& dims, bool keepdim, std::optional<DType> dtype = std::nullopt);
Tensor sum_all(const Tensor& a);
Tensor sum_to(const Tensor& a, const Shape& shape);
Tensor mean(const Tensor& a, const Shape& dims, bool keepdim);
Tensor prod(const Tensor& a, std::optional<int64_t> dim, bool keepdim);
Tensor amax(const Tensor& a, const Shape& dims, bool keepdim);
Tensor amin(const Tensor& a, const Shape& dims, bool keepdim);
Tensor max_all(const Tensor& a);
Tensor min_all(const Tensor& a);
std::tuple<Tensor, Tensor> max_dim(const Tensor& a, int64_t dim, bool keepdim);
std::tuple<Tensor, Tensor> min_dim(const Tensor& a, int64_t dim, bool keepdim);
Tensor argmax(const Tensor& a, std::optional<int64_t> dim, bool keepdim);
Tensor argmin(const Tensor& a, std::optional<int64_t> dim, bool keepdim);
Tensor var(const Tensor& a, const Shape& dims, double correction, bool keepdim);
Tensor std(const Tensor& a, const Shape& dims, double correction, bool keepdim);
Tensor all(const Tensor& a, const Shape& dims, bool keepdim);
Tensor any(const Tensor& a, const Shape& dims, bool keepdim);
Tensor softmax(const Tensor& a, int64_t dim);
Tensor log_softmax(const Tensor& a, int64_t dim);
// The gradient of softmax (log=false) or log_softmax (log=true) from its
// output along dim: one fused kernel, not differentiable itself (formulas
// use it when no graph of the gradient is being built).
Tensor softmax_backward_data(const Tensor& grad, const Tensor& out, int64_t dim, bool log);
Tensor logsumexp(const Tensor& a, const Shape& dims, bool keepdim);
Tensor cumsum(const Tensor& a, int64_t dim);
// Running products along dim of a real dtype (integers and bool in int64), accumulated as PyTorch's.
Tensor cumprod(const Tensor& a, int64_t dim);
Tensor norm(const Tensor& a, double p, const Shape& dims, bool keepdim);
std::tuple<Tensor, Tensor> sort(const Tensor& a, int64_t dim, bool descending);
std::tuple<Tensor, Tensor> topk(const Tensor& a, int64_t k, int64_t dim, bool largest, bool sorted);

// ---- linear algebra ----
Tensor mm(const Tensor& a, const Tensor& b);
Tensor bmm(const Tensor& a, const Tensor& b);
Tensor matmul(const Tensor& a, const Tensor& b);
Tensor dot(const Tensor& a, const Tensor& b);
Tensor mv(const Tensor& a, const Tensor& b);
Tensor outer(const Tensor& a, const Tensor& b);
Tensor addmm(const Tensor& bias, const Tensor& a, const Tensor& b);  // bias + a @ b

// ---- joining ----
Tensor cat(const std::vector<Tensor>& ts, int64_t dim);
Tensor stack(const std::vector<Tensor>& ts, int64_t dim);

// ---- indexing ----
// Reversed copy along `dims` (ops/reorder.cpp).
Tensor flip(const Tensor& a, const Shape& dims);
// Tiles `a` repeats[i] times along each dim (leading dims added as needed).
Tensor repeat(const Tensor& a, const Shape& repeats);

// Gathers along `dim` with a 1-D int64 index (index_select).
Tensor index_select(const Tensor& a, int64_t dim, const Tensor& index);
// Advanced indexing: `indices[k]` indexes dim k (undefined = take all).
Tensor index(const Tensor& a, const std::vector<Tensor>& indices);
Tensor& index_put_(Tensor& a, const std::vector<Tensor>& indices, const Tensor& values, bool accumulate);
Tensor index_put(const Tensor& a, const std::vector<Tensor>& indices, const Tensor& values, bool accumulate);
Tensor masked_fill(const Tensor& a, const Tensor& mask, const Tensor& value);
Tensor gather(const Tensor& a, int64_t dim, const Tensor& index);
Tensor scatter_add(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& src);
Tensor nonzero(const Tensor& a);
Tensor embedding(const Tensor& weight, const Tensor& indices);

// ---- nn kernels (fused, numerically stable) ----
// Negative log likelihood over class dim 1 of log-probabilities `logp`
// ([N, C, ...] or [C]); reduction: 0 none, 1 mean, 2 sum. `weight` may be
// undefined. Ignored targets contribute 0 and are excluded from the mean.
Tensor nll_loss(const Tensor& logp, const Tensor& target, const Tensor& weight, int64_t ignore_index, int reduction);

}  // namespace ops
}  // namespace tc
