// Random sampling with PyTorch-compatible streams (Note [PyTorch-compatible
// random streams] in core/generator.h, Note [PyTorch's per-sample
// transformations] in core/distributions.h): the generator state, the
// in-place fills (uniform_, normal_, random_, exponential_, ...) and the
// factories built on them. multinomial lives in ops/multinomial.cpp.
//
// The ops check arguments, pick the generator and record autograd; every loop
// over elements (the draws, in fill order, and the transforms of uniforms
// already drawn) is a random-family kernel (backend/kernels_random.h, Note
// [Random sampling kernels]).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

#include "autograd/derivatives.h"
#include "autograd/grad_mode.h"
#include "autograd/inplace.h"
#include "backend/kernels_random.h"
#include "core/distributions.h"
#include "core/error.h"
#include "core/generator.h"
#include "core/iterator.h"
#include "core/shape_util.h"
#include "ops/ops.h"
#include "ops/overlap.h"

namespace tc {

Generator& default_generator() {
  static Generator g;
  return g;
}

namespace ops {

using autograd::record;
namespace d = autograd::d;

namespace {
Generator& pick(Generator* g) { return g ? *g : default_generator(); }

kernels::StridedOut strided_out(const Tensor& t) {
  kernels::StridedOut o;
  o.data = t->data_bytes();
  o.dtype = t.dtype();
  o.ndim = t.dim();
  o.sizes = t.sizes().data();
  o.strides = t.strides().data();
  return o;
}

// Fills t with samples (Note [Random sampling kernels]).
Tensor& sample_into(Tensor& t, kernels::Sample kind, Generator& g, double a = 0, double b = 0) {
  kernels::SampleArgs args;
  args.a = a;
  args.b = b;
  kernels::sample(kind, strided_out(t), g, args);
  t.bump_version();
  return t;
}

[[noreturn]] void not_implemented_for(const char* kernel, DType dt) {
  raise(ErrorKind::NotImplemented, "\"", kernel, "\" not implemented for '", scalar_type_name(dt), "'");
}

// Note [Random fills and autograd]
// Like PyTorch, an in-place sample into a tensor that requires grad is refused
// for leaves and recorded (gradient zero: the values do not depend on the old
// ones) otherwise, under the node name PyTorch uses.
//
// A storage dtype (float16, uint8, ...) is sampled in its compute dtype and
// rounded into t (Note [DType codes]); the values follow PyTorch's
// distribution but not its exact stream for those dtypes.
template <typename F> Tensor& sample_in_place(Tensor& t, const char* op, const char* node, F&& fill) {
  autograd::check_inplace(t, op);
  auto fill_t = [&] {
    if (is_compute_dtype(t.dtype())) return fill(t);
    Tensor wide = empty(t.sizes(), compute_dtype(t.dtype()));
    fill(wide);
    copy_(t, wide);
  };
  if (!autograd::any_requires_grad({&t})) {
    fill_t();
    return t;
  }
  Tensor filled;
  {
    autograd::NoGradGuard ng;
    fill_t();
    filled = clone(t);
  }
  record(node, d::zero_grad_backward, {&t}, {&filled});
  autograd::rebase_history(t, filled);
  return t;
}

// PyTorch's update_from/update_to: integer bounds that the float dtype would
// round past are moved inward to the nearest representable neighbour. At the
// int64 limits (from + 1 or to - 1 overflowing) the bound is left as is, where
// PyTorch overflows (and loops forever); the range checks then reject it.
inline int64_t wrapping_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline int highest_bit(int64_t v) {  // floor(log2(|v|)), 0 for 0
  uint64_t m = v < 0 ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v);
  int n = 0;
  while (m >>= 1) ++n;
  return n;
}
template <typename T> int64_t update_from(int64_t from) {
  if (from == std::numeric_limits<int64_t>::max()) return from;
  const int64_t next = from + 1;
  const int64_t from_plus_1 = dist::cast_sample<int64_t>(static_cast<T>(next));  // x86's result past 2^63
  if (from_plus_1 < from) {
    from = wrapping_add(from_plus_1, int64_t{1} << (highest_bit(next) - std::numeric_limits<T>::digits + 1));
  }
  return from;
}
template <typename T> int64_t update_to(int64_t to) {
  if (to == std::numeric_limits<int64_t>::min()) return to;
  const int64_t prev = to - 1;
  const int64_t to_minus_1 = dist::cast_sample<int64_t>(static_cast<T>(prev));
  if (to_minus_1 >= to) {
    to = wrapping_add(to_minus_1, -(int64_t{1} << (highest_bit(prev) - std::numeric_limits<T>::digits + 1)));
  }
  return to;
}

void check_from_to_in_range(int64_t from, int64_t to_inc, DType dt) {
  double lo, hi;
  switch (dt) {
    case DType::Float32:
      lo = -std::numeric_limits<float>::max();
      hi = std::numeric_limits<float>::max();
      break;
    case DType::Float64:
      lo = -std::numeric_limits<double>::max();
      hi = std::numeric_limits<double>::max();
      break;
    case DType::Int32:
      lo = std::numeric_limits<int32_t>::min();
      hi = std::numeric_limits<int32_t>::max();
      break;
    case DType::Bool:
      lo = 0;
      hi = 1;
      break;
    default:
      return;  // int64: every int64 fits
  }
  TC_CHECK(from >= lo && from <= hi, "from is out of bounds for ", type_meta_name(dt));
  TC_CHECK(to_inc >= lo && to_inc <= hi, "to - 1 is out of bounds for ", type_meta_name(dt));
}

// Values base + (draw % range): 64-bit draws once range reaches 2^28.
Tensor& random_from_to_fill(Tensor& t, uint64_t range, int64_t base, Generator& g) {
  kernels::SampleArgs args;
  args.range = range;
  args.base = base;
  kernels::sample(kernels::Sample::RandomRange, strided_out(t), g, args);
  t.bump_version();
  return t;
}
}  // namespace

void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }
uint64_t initial_seed() { return default_generator().seed; }

std::vector<uint64_t> get_rng_state(Generator* gen) {
  Generator& g = pick(gen);
  std::ostringstream os;
  os << g.engine;
  std::vector<uint64_t> out;
  std::istringstream is(os.str());
  uint64_t v;
  while (is >> v) out.push_back(v);
  out.push_back(g.seed);
  out.push_back(g.next_double_normal ? 1 : 0);
  double cached = g.next_double_normal.value_or(0.0);
  uint64_t bits;
  std::memcpy(&bits, &cached, sizeof bits);
  out.push_back(bits);
  return out;
}

void set_rng_state(const std::vector<uint64_t>& st, Generator* gen) {
  TC_CHECK(st.size() > 3, "set_rng_state: invalid generator state (expected the tensor returned by get_rng_state)");
  std::ostringstream os;
  for (size_t i = 0; i + 3 < st.size(); ++i) os << (i ? " " : "") << st[i];
  std::istringstream is(os.str());
  std::mt19937 e;
  is >> e;
  TC_CHECK(!is.fail(), "set_rng_state: invalid generator state (expected the tensor returned by get_rng_state)");
  Generator& g = pick(gen);
  g.engine = e;
  g.seed = st[st.size() - 3];
  if (st[st.size() - 2]) {
    double cached;
    uint64_t bits = st.back();
    std::memcpy(&cached, &bits, sizeof bits);
    g.next_double_normal = cached;
  } else {
    g.next_double_normal.reset();
  }
}

// Note [Complex sampling]
// A complex tensor is sampled as its real view (re, im pairs), as PyTorch does: uniform_ draws both parts from
// [from, to), normal_ draws both with the given mean and std / sqrt(2) (so E|z - mean|^2 = std^2). The draws are
// the real dtype's, in pair order, so a seed gives PyTorch's numbers.
static Tensor& uniform_fill(Tensor& t, double lo, double hi, Generator* gen) {
  if (is_complex(t.dtype())) {
    check_no_internal_overlap(t);  // (the real view below would write through the aliases)
    Tensor pairs = view_as_real(t);
    uniform_fill(pairs, lo, hi, gen);
    return t;
  }
  if (!is_floating(t.dtype())) not_implemented_for("check_uniform_bounds", t.dtype());
  const double max =
      t.dtype() == DType::Float32 ? std::numeric_limits<float>::max() : std::numeric_limits<double>::max();
  TC_CHECK(lo >= -max && lo <= max, "from is out of bounds for ", type_meta_name(t.dtype()));
  TC_CHECK(hi >= -max && hi <= max, "to is out of bounds for ", type_meta_name(t.dtype()));
  TC_CHECK(lo <= hi, "uniform_ expects to return a [from, to) range, but found from=", lo, " > to=", hi);
  TC_CHECK(hi - lo <= max, "uniform_ expects to-from <= std::numeric_limits<", scalar_type_name(t.dtype()),
           ">::max(), but found to=", hi, " and from=", lo, " which result in to-from to exceed the limit");
  return sample_into(t, kernels::Sample::Uniform, pick(gen), lo, hi);
}

static Tensor& normal_fill_(Tensor& t, double mean, double std, Generator* gen) {
  TC_CHECK(std >= 0, "normal expects std >= 0.0, but found std ", std);
  if (t.numel() == 0) return t;
  if (is_complex(t.dtype())) {     // Note [Complex sampling]
    check_no_internal_overlap(t);  // (the real view below would write through the aliases)
    Tensor pairs = view_as_real(t);
    normal_fill_(pairs, mean, std / std::sqrt(2.0), gen);
    return t;
  }
  if (!is_floating(t.dtype())) not_implemented_for("normal_kernel_cpu", t.dtype());
  return sample_into(t, kernels::Sample::Normal, pick(gen), mean, std);
}

static Tensor& random_full_fill(Tensor& t, Generator* gen) {
  return sample_into(t, kernels::Sample::RandomFull, pick(gen));
}

static Tensor& random_fill(Tensor& t, int64_t from, std::optional<int64_t> to_opt, Generator* gen) {
  Generator& g = pick(gen);
  const DType dt = t.dtype();
  if (to_opt) {
    int64_t to = *to_opt;
    TC_CHECK(from < to, "random_ expects 'from' to be less than 'to', but got from=", from, " >= to=", to);
    if (is_floating(dt)) {
      if (dt == DType::Float32)
        from = update_from<float>(from), to = update_to<float>(to);
      else
        from = update_from<double>(from), to = update_to<double>(to);
      TC_CHECK(from < to,
               "random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from=", from,
               " >= to=", to);
    }
    check_from_to_in_range(from, to - 1, dt);
    if (t.numel() == 0) return t;
    return random_from_to_fill(t, static_cast<uint64_t>(to) - static_cast<uint64_t>(from), from, g);
  }
  if (from != std::numeric_limits<int64_t>::min()) {
    int64_t to_inc;
    switch (dt) {
      case DType::Float32:
        to_inc = int64_t{1} << 24;
        from = update_from<float>(from);
        break;
      case DType::Float64:
        to_inc = int64_t{1} << 53;
        from = update_from<double>(from);
        break;
      case DType::Int32:
        to_inc = std::numeric_limits<int32_t>::max();
        break;
      case DType::Int64:
        to_inc = std::numeric_limits<int64_t>::max();
        break;
      default:
        to_inc = 1;
        break;  // bool
    }
    if (is_floating(dt))
      TC_CHECK(from < to_inc,
               "random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to "
               "dtype, but got from=",
               from, " > to_inc=", to_inc);
    check_from_to_in_range(from, to_inc, dt);
    if (t.numel() == 0) return t;
    return random_from_to_fill(t, static_cast<uint64_t>(to_inc) - static_cast<uint64_t>(from) + 1, from, g);
  }
  // from = int64 min, to = None: every int64 value, cast to the dtype.
  if (t.numel() == 0) return t;
  TC_CHECK(dt == DType::Int64 || is_floating(dt),
           "random_full_64_bits_range_kernel_cpu handles only int64, double, float and bfloat16");
  return sample_into(t, kernels::Sample::RandomInt64, g);
}

static Tensor& exponential_fill(Tensor& t, double lambda, Generator* gen) {
  TC_CHECK(lambda > 0.0, "exponential_ expects lambda > 0.0, but found lambda=", lambda);
  if (t.numel() == 0) return t;
  TC_CHECK(is_floating(t.dtype()),
           "Exponential distribution is a continuous probability distribution. dtype must be "
           "a floating point but you specified ",
           scalar_type_name(t.dtype()));
  return sample_into(t, kernels::Sample::Exponential, pick(gen), lambda);
}

static Tensor& geometric_fill(Tensor& t, double p, Generator* gen) {
  TC_CHECK(0 < p && p < 1, "geometric_ expects p to be in (0, 1), but got p=", p);
  if (t.numel() == 0) return t;
  if (t.dtype() == DType::Bool) not_implemented_for("geometric_cpu", t.dtype());
  return sample_into(t, kernels::Sample::Geometric, pick(gen), p);
}

static Tensor& cauchy_fill(Tensor& t, double median, double sigma, Generator* gen) {
  TC_CHECK(sigma > 0.0, "cauchy_ expects sigma > 0.0, but found sigma=", sigma);
  TC_CHECK(is_floating(t.dtype()),
           "Cauchy distribution is a continuous probability distribution. dtype must be a "
           "floating point but you specified ",
           type_meta_name(t.dtype()));
  if (t.numel() == 0) return t;
  return sample_into(t, kernels::Sample::Cauchy, pick(gen), median, sigma);
}

static Tensor& log_normal_fill(Tensor& t, double mean, double std, Generator* gen) {
  TC_CHECK(std > 0.0, "log_normal_ expects std > 0.0, but found std=", std);
  if (t.numel() == 0) return t;
  if (!is_floating(t.dtype())) not_implemented_for("log_normal_cpu", t.dtype());
  return sample_into(t, kernels::Sample::LogNormal, pick(gen), mean, std);
}

static Tensor& bernoulli_fill(Tensor& t, double p, Generator* gen) {
  TC_CHECK(0 <= p && p <= 1, "bernoulli_ expects p to be in [0, 1], but got p=", p);
  if (t.numel() == 0) return t;
  return sample_into(t, kernels::Sample::Bernoulli, pick(gen), p);
}

static Tensor& bernoulli_tensor_fill(Tensor& t, const Tensor& probs, Generator* gen) {
  if (t.numel() == 0) return t;
  Tensor p;
  {
    autograd::NoGradGuard ng;
    p = expand(to_dtype(probs, compute_dtype(probs.dtype())), t.sizes());
  }
  if (!is_floating(probs.dtype())) not_implemented_for("bernoulli_tensor_cpu_p_", probs.dtype());
  const int64_t written =
      kernels::bernoulli_tensor(strided_out(t), p->data_bytes(), p.dtype(), p.strides().data(), pick(gen));
  t.bump_version();
  TC_CHECK(written < 0,
           "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this "
           "error message be improved?  If so, please report an enhancement request to PyTorch.)");
  return t;
}

// ---- the public in-place samplers (Note [Random fills and autograd]) ----
Tensor& uniform_(Tensor& t, double lo, double hi, Generator* gen) {
  return sample_in_place(t, "uniform_", "UniformBackward0", [&](Tensor& x) { uniform_fill(x, lo, hi, gen); });
}
Tensor& normal_(Tensor& t, double mean, double std, Generator* gen) {
  return sample_in_place(t, "normal_", "NormalBackward0", [&](Tensor& x) { normal_fill_(x, mean, std, gen); });
}
Tensor& random_full_(Tensor& t, Generator* gen) {
  return sample_in_place(t, "random_", "RandomBackward2", [&](Tensor& x) { random_full_fill(x, gen); });
}
Tensor& random_to_(Tensor& t, int64_t to, Generator* gen) {
  return sample_in_place(t, "random_", "RandomBackward1", [&](Tensor& x) { random_fill(x, 0, to, gen); });
}
Tensor& random_(Tensor& t, int64_t from, std::optional<int64_t> to, Generator* gen) {
  return sample_in_place(t, "random_", "RandomBackward0", [&](Tensor& x) { random_fill(x, from, to, gen); });
}
Tensor& exponential_(Tensor& t, double lambda, Generator* gen) {
  return sample_in_place(t, "exponential_", "ExponentialBackward0",
                         [&](Tensor& x) { exponential_fill(x, lambda, gen); });
}
Tensor& geometric_(Tensor& t, double p, Generator* gen) {
  return sample_in_place(t, "geometric_", "GeometricBackward0", [&](Tensor& x) { geometric_fill(x, p, gen); });
}
Tensor& cauchy_(Tensor& t, double median, double sigma, Generator* gen) {
  return sample_in_place(t, "cauchy_", "CauchyBackward0", [&](Tensor& x) { cauchy_fill(x, median, sigma, gen); });
}
Tensor& log_normal_(Tensor& t, double mean, double std, Generator* gen) {
  return sample_in_place(t, "log_normal_", "LogNormalBackward0",
                         [&](Tensor& x) { log_normal_fill(x, mean, std, gen); });
}
Tensor& bernoulli_(Tensor& t, double p, Generator* gen) {
  return sample_in_place(t, "bernoulli_", "BernoulliBackward2", [&](Tensor& x) { bernoulli_fill(x, p, gen); });
}
Tensor& bernoulli_tensor_(Tensor& t, const Tensor& probs, Generator* gen) {
  return sample_in_place(t, "bernoulli_", "BernoulliBackward1",
                         [&](Tensor& x) { bernoulli_tensor_fill(x, probs, gen); });
}

Tensor bernoulli(const Tensor& probs, Generator* gen) {
  Tensor out = empty(probs.sizes(), probs.dtype());
  bernoulli_tensor_(out, probs, gen);
  record("BernoulliBackward0", d::zero_grad_backward, {&probs}, {&out});
  return out;
}

Tensor poisson(const Tensor& rates, Generator* gen) {
  if (!is_floating(rates.dtype())) not_implemented_for("poisson_cpu", rates.dtype());
  Tensor r;
  {
    autograd::NoGradGuard ng;
    r = contiguous(rates);
  }
  Tensor out = empty(rates.sizes(), rates.dtype());
  const int64_t bad = kernels::poisson(r.dtype(), r->data_bytes(), out->data_bytes(), out.numel(), pick(gen));
  TC_CHECK(bad < 0, "invalid Poisson rate, expected rate to be non-negative");
  record("PoissonBackward0", d::zero_grad_backward, {&rates}, {&out});
  return out;
}

namespace {
Tensor contiguous_no_grad(const Tensor& t) {
  autograd::NoGradGuard ng;
  return contiguous(t);
}
}  // namespace

Tensor standard_gamma(const Tensor& alpha, Generator* gen) {
  if (!is_floating(alpha.dtype())) not_implemented_for("gamma_cpu", alpha.dtype());
  const Tensor a = contiguous_no_grad(alpha);
  Tensor out = empty(alpha.sizes(), alpha.dtype());
  kernels::standard_gamma(a.dtype(), a->data_bytes(), out->data_bytes(), out.numel(), pick(gen));
  return out;
}

Tensor binomial(const Tensor& count, const Tensor& prob, Generator* gen) {
  TC_CHECK(count.dtype() == prob.dtype(), "Found dtype ", scalar_type_name(prob.dtype()), " but expected ",
           scalar_type_name(count.dtype()));
  if (!is_floating(count.dtype())) not_implemented_for("binomial_cpu", count.dtype());
  const Tensor c = contiguous_no_grad(count);
  Tensor p;
  {
    autograd::NoGradGuard ng;
    p = contiguous(expand(prob, count.sizes()));
  }
  Tensor out = empty(count.sizes(), count.dtype());
  kernels::binomial(c.dtype(), c->data_bytes(), p->data_bytes(), out->data_bytes(), out.numel(), pick(gen));
  return out;
}

Tensor sample_dirichlet(const Tensor& alpha, Generator* gen) {
  if (!is_floating(alpha.dtype())) not_implemented_for("dirichlet", alpha.dtype());
  const Tensor a = contiguous_no_grad(alpha);
  Tensor out = empty(alpha.sizes(), alpha.dtype());
  const int64_t k = alpha.dim() == 0 ? 1 : alpha.sizes().back();
  if (out.numel() > 0) kernels::dirichlet(a.dtype(), a->data_bytes(), out->data_bytes(), out.numel() / k, k, pick(gen));
  return out;
}

Tensor standard_gamma_grad(const Tensor& alpha, const Tensor& x) {
  if (!is_floating(alpha.dtype())) not_implemented_for("_standard_gamma_grad_cpu", alpha.dtype());
  TC_CHECK(alpha.sizes() == x.sizes() && alpha.dtype() == x.dtype(),
           "_standard_gamma_grad expects self and output of one shape and dtype");
  const Tensor a = contiguous_no_grad(alpha), xs = contiguous_no_grad(x);
  Tensor out = empty(alpha.sizes(), alpha.dtype());
  kernels::standard_gamma_grad(a.dtype(), a->data_bytes(), xs->data_bytes(), out->data_bytes(), out.numel());
  return out;
}

Tensor dirichlet_grad(const Tensor& x, const Tensor& alpha, const Tensor& total) {
  if (!is_floating(x.dtype())) not_implemented_for("_dirichlet_grad_cpu", x.dtype());
  TC_CHECK(x.sizes() == alpha.sizes() && x.sizes() == total.sizes(),
           "_dirichlet_grad expects x, alpha and total of one shape");
  TC_CHECK(x.dtype() == alpha.dtype() && x.dtype() == total.dtype(),
           "_dirichlet_grad expects x, alpha and total of one dtype");
  const Tensor xs = contiguous_no_grad(x), a = contiguous_no_grad(alpha), t = contiguous_no_grad(total);
  Tensor out = empty(x.sizes(), x.dtype());
  kernels::dirichlet_grad(xs.dtype(), xs->data_bytes(), a->data_bytes(), t->data_bytes(), out->data_bytes(),
                          out.numel());
  return out;
}

// torch.normal with tensor arguments: standard normals of the broadcast shape
// (normal_'s stream), then scaled and shifted with separate roundings, as
// PyTorch does. The samples do not depend on mean/std differentiably in
// PyTorch's definition: their gradients are zero.
namespace {
// NaN fails too (PyTorch compares std.min(), which is NaN then).
void check_std_tensor(const Tensor& std) {
  if (std.numel() == 0) return;
  double lo;
  {
    autograd::NoGradGuard ng;
    lo = *contiguous(min_all(to_dtype(std, DType::Float64))).data<double>();
  }
  TC_CHECK(lo >= 0, "normal expects all elements of std >= 0.0");
}
}  // namespace

Tensor normal_tensor_tensor(const Tensor& mean, const Tensor& std, Generator* gen) {
  check_std_tensor(std);
  Tensor out = empty(broadcast_shapes(mean.sizes(), std.sizes(), "normal"), mean.dtype());
  {
    autograd::NoGradGuard ng;
    normal_(out, 0.0, 1.0, gen);
    binary_(BinaryOp::Mul, out, std);
    binary_(BinaryOp::Add, out, mean);
  }
  record("NormalBackward3", d::zero_grad_backward, {&mean, &std}, {&out});
  return out;
}

Tensor normal_tensor_scalar(const Tensor& mean, double std, Generator* gen) {
  TC_CHECK(std >= 0.0, "normal expects std >= 0.0, but found std ", std);
  Tensor out = empty(mean.sizes(), mean.dtype());
  {
    autograd::NoGradGuard ng;
    normal_(out, 0.0, std, gen);
    binary_(BinaryOp::Add, out, mean);
  }
  record("NormalBackward1", d::zero_grad_backward, {&mean}, {&out});
  return out;
}

Tensor normal_scalar_tensor(double mean, const Tensor& std, Generator* gen) {
  check_std_tensor(std);
  Tensor out = empty(std.sizes(), std.dtype());
  {
    autograd::NoGradGuard ng;
    normal_(out, 0.0, 1.0, gen);
    binary_(BinaryOp::Mul, out, std);
    // PyTorch adds mean as a 0-dim tensor of the output's dtype.
    binary_(BinaryOp::Add, out, scalar_tensor(Scalar::from_double(mean), out.dtype()));
  }
  record("NormalBackward2", d::zero_grad_backward, {&std}, {&out});
  return out;
}

Tensor rand(const Shape& shape, DType dt, Generator* gen, Device device) {
  if (!is_floating(dt) && !is_complex(dt)) not_implemented_for("check_uniform_bounds", dt);
  Tensor t = empty(shape, dt, device);
  return uniform_(t, 0.0, 1.0, gen);
}

Tensor randn(const Shape& shape, DType dt, Generator* gen, Device device) {
  // An empty result never reaches PyTorch's kernel, so no dtype check either.
  if (!is_floating(dt) && !is_complex(dt) && shape_numel(shape) != 0) not_implemented_for("normal_kernel_cpu", dt);
  Tensor t = empty(shape, dt, device);
  return normal_(t, 0.0, 1.0, gen);
}

Tensor randint(int64_t low, int64_t high, const Shape& shape, DType dt, Generator* gen, Device device) {
  Tensor t = empty(shape, dt, device);
  return random_(t, low, high, gen);
}

Tensor randperm(int64_t n, DType dt, Generator* gen, Device device) {
  TC_CHECK(n >= 0, "randperm: n must be non-negative, got ", n);
  Tensor t = empty({n}, dt, device);
  kernels::randperm(dt, t->data_bytes(), n, pick(gen));
  return t;
}

Tensor bernoulli_mask(const Shape& shape, double p_keep, DType dt, Generator* gen) {
  Tensor t = empty(shape, dt);
  return bernoulli_(t, p_keep, gen);
}

}  // namespace ops
}  // namespace tc
