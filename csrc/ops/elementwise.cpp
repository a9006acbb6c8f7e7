// Elementwise ops: promotion, broadcasting, in-place variants, autograd recording.
#include <cmath>
#include <optional>

#include "autograd/derivatives.h"
#include "autograd/formula_math.h"
#include "autograd/inplace.h"
#include "autograd/node_attrs.h"
#include "backend/cuda_api.h"
#include "backend/kernels.h"
#include "core/error.h"
#include "core/iterator.h"
#include "core/shape_util.h"
#include "ops/checks.h"
#include "ops/complex_composites.h"
#include "ops/device_kernels.h"
#include "ops/ops.h"
#include "ops/out.h"
#include "ops/overlap.h"

namespace tc::ops {

using autograd::record;
using autograd::d::record_binary;
using autograd::d::record_unary;
namespace d = autograd::d;

namespace {
DType g_default_dtype = DType::Float32;

// The dtype rule column of the registry (Note [Op tables]).
enum class Rule { Same, Numeric, NoBool, Float, FloatOnly, Pred, IntOnly, IntNB };
#define TC_RULE_SAME Same
#define TC_RULE_NUMERIC Numeric
#define TC_RULE_NOBOOL NoBool
#define TC_RULE_FLOAT Float
#define TC_RULE_FLOATONLY FloatOnly
#define TC_RULE_PRED Pred
#define TC_RULE_INTONLY IntOnly
#define TC_RULE_INTNB IntNB

Rule binary_rule(BinaryOp op) {
  switch (op) {
#define TC_ROW(E, name, F, rule, ...) \
  case BinaryOp::E:                   \
    return Rule::TC_RULE_##rule;
    TC_BINARY_OPS(TC_ROW)
#undef TC_ROW
  }
  return Rule::Same;
}
Rule unary_rule(UnaryOp op) {
  switch (op) {
#define TC_ROW(E, name, F, rule, ...) \
  case UnaryOp::E:                    \
    return Rule::TC_RULE_##rule;
    TC_UNARY_OPS(TC_ROW)
#undef TC_ROW
  }
  return Rule::Same;
}

const char* binary_name(BinaryOp op) {
  switch (op) {
#define TC_ROW(E, name, ...) \
  case BinaryOp::E:          \
    return #name;
    TC_BINARY_OPS(TC_ROW)
#undef TC_ROW
  }
  return "?";
}
const char* unary_name(UnaryOp op) {
  switch (op) {
#define TC_ROW(E, name, ...) \
  case UnaryOp::E:           \
    return #name;
    TC_UNARY_OPS(TC_ROW)
#undef TC_ROW
  }
  return "?";
}

// PyTorch's message for a dtype its kernel does not cover ("hypot_cpu" not implemented for 'Long').
[[noreturn]] void no_kernel(const char* name, DType dt) {
  raise(ErrorKind::NotImplemented, "\"", name, "_cpu\" not implemented for '", scalar_type_name(dt), "'");
}

std::optional<DType> combine_categories(std::optional<DType> higher, std::optional<DType> lower) {
  if (!higher) return lower;
  if (!lower) return higher;
  if (is_complex(*higher)) return higher;
  if (is_complex(*lower)) {  // a float keeps its precision in the complex result (PyTorch's toComplexType)
    if (!is_floating(*higher)) return lower;
    TC_CHECK(*higher != DType::Float16 && *higher != DType::BFloat16, "promoting ", dtype_name(*higher),
             " with a complex number needs ",
             *higher == DType::Float16 ? "complex32 (ComplexHalf)" : "a bfloat16 complex",
             ", which tensorcore does not have; convert to float32 first");
    return to_complex_dtype(*higher);
  }
  if (is_floating(*higher)) return higher;
  if (*higher == DType::Bool || is_floating(*lower)) return promote_types(*higher, *lower);
  return higher;
}

// The name in PyTorch's "<kernel>_cpu" not implemented error: the shifts' kernels are lshift / rshift.
const char* kernel_name(BinaryOp op, const char* name) {
  return op == BinaryOp::ShiftLeft ? "lshift" : op == BinaryOp::ShiftRight ? "rshift" : name;
}

bool divides(BinaryOp op) {
  return op == BinaryOp::FloorDiv || op == BinaryOp::Rem || op == BinaryOp::Fmod || op == BinaryOp::TruncDiv ||
         op == BinaryOp::DivFloor;
}

bool any_zero(const Tensor& t) {
  Tensor z = binary(BinaryOp::Eq, t, wrapped_scalar(Scalar::from_int(0)));
  Tensor r = any(z, {}, false);
  return *r.data<bool>();
}

bool any_negative(const Tensor& t) {
  Tensor z = binary(BinaryOp::Lt, t, wrapped_scalar(Scalar::from_int(0)));
  return *any(z, {}, false).data<bool>();
}

// Whether the op records a backward node for these operands. out= refuses inputs that require grad only for such
// ops: PyTorch computes comparisons, bitwise and logical ops, floor_divide, gcd, ... into out= whatever requires
// grad, since they have no derivative (or one that only raises) to lose.
bool has_derivative(BinaryOp op, [[maybe_unused]] const Tensor& self, [[maybe_unused]] const Tensor& other) {
  using namespace tc::op_registry;
  using autograd::math::wrapped;
  switch (op) {
#define TC_BINARY_HAS_DERIVATIVE(E, name, F, rule, forms, aliases, node, ...) \
  case BinaryOp::E: {                                                         \
    const char* node_name = (node);                                           \
    return node_name != NOGRAD && node_name != NOTIMPL;                       \
  }
    TC_BINARY_OPS(TC_BINARY_HAS_DERIVATIVE)
#undef TC_BINARY_HAS_DERIVATIVE
  }
  return true;
}

bool has_derivative(UnaryOp op) {
  using namespace tc::op_registry;
  switch (op) {
#define TC_UNARY_HAS_DERIVATIVE(E, name, F, rule, forms, aliases, node, ...) \
  case UnaryOp::E: {                                                         \
    const char* node_name = (node);                                          \
    return node_name != NOGRAD;                                              \
  }
    TC_UNARY_OPS(TC_UNARY_HAS_DERIVATIVE)
#undef TC_UNARY_HAS_DERIVATIVE
  }
  return true;
}

// Computes the op into `out` (allocated if undefined). No autograd.
// A 0-dim tensor's value converted to `dt` through fill_scalar's range checks
// (RuntimeError "value cannot be converted to type int without overflow",
// as PyTorch for a number that does not fit the dtype it is written into).
// float32: a finite value beyond its range fails (infinities and NaN pass),
// as c10::overflows in PyTorch's fill_/full/where/masked_fill; tensor() and
// arithmetic with a Python number round to inf instead (scalar_tensor).
// float16/bfloat16 fail the same way in fill_/full of several elements, while
// PyTorch's one-element fill takes a path that rounds to inf (a quirk kept:
// programs print what PyTorch prints).
static void check_float_fits(DType dt, const Scalar& s, int64_t n = 2) {
  const double d = s.is_float() ? s.d : static_cast<double>(s.i);
  if (!(s.is_float() || s.kind == Scalar::Int) || std::isinf(d)) return;
  const double max = dt == DType::Float32              ? 3.4028234663852886e38
                     : dt == DType::Float16 && n != 1  ? 65504.0
                     : dt == DType::BFloat16 && n != 1 ? 3.3895313892515355e38
                                                       : INFINITY;
  TC_CHECK(!(std::abs(d) > max), "value cannot be converted to type ", type_meta_name(dt), " without overflow");
}

// The value of a one-element tensor of any dtype as a Scalar (read through
// float64 / int64 / complex128, never as another type's bytes).
static Scalar scalar_of(const Tensor& t) {
  autograd::NoGradGuard ng;
  if (t.dtype() == DType::Bool) return Scalar::from_bool(*contiguous(t).data<bool>());
  if (is_complex(t.dtype())) {
    Tensor c = contiguous(to_dtype(t, DType::Complex128));
    const double* p = static_cast<const double*>(static_cast<const void*>(c->data_bytes()));
    return Scalar::from_complex(p[0], p[1]);
  }
  if (is_floating(t.dtype())) return Scalar::from_double(*contiguous(to_dtype(t, DType::Float64)).data<double>());
  return Scalar::from_int(*contiguous(to_dtype(t, DType::Int64)).data<int64_t>());
}

static Tensor checked_scalar_to(const Tensor& t, DType dt) {
  const Scalar s = scalar_of(t);
  if (dt == DType::Float32) check_float_fits(dt, s);  // where/masked_fill; 16-bit: masked_fill below
  return scalar_tensor(s, dt);
}

// Writes a kernel's result `tmp` into `out` (its dtype, no autograd, no
// version bump), or makes `out` the result converted to `out_dt` when it is undefined.
void store_result(Tensor& out, const Tensor& tmp, DType out_dt, const char* name) {
  if (!out.defined()) {
    out = to_dtype(tmp, out_dt);
    return;
  }
  Tensor o = out;
  TensorIterator it({&o}, {out.dtype()}, {&tmp}, name);
  kernels::copy(it, out.dtype(), tmp.dtype());
}

// Note [Complex add is a + alpha * b]
// PyTorch's add and sub kernels compute a + alpha * b (sub: alpha = -1), and
// for a complex result that product is a complex multiplication even for
// alpha = 1: (re, im) * (1 + 0i) = (re - im * 0, re * 0 + im), so an infinite
// part of b makes its other part NaN: 1 + (inf + 0i) is inf + nanj, while
// (inf + 0i) + 1 is inf + 0j. binary_into therefore multiplies a complex b by
// +-1 (the Mul kernel, no autograd) and adds. add/sub with another alpha
// multiply b by alpha themselves (a recorded Mul) and mark the addition with
// AlphaScaledOperand, so b is not multiplied twice.
thread_local bool t_alpha_scaled_operand = false;
class AlphaScaledOperand {
 public:
  AlphaScaledOperand() : previous_(t_alpha_scaled_operand) { t_alpha_scaled_operand = true; }
  ~AlphaScaledOperand() { t_alpha_scaled_operand = previous_; }
  AlphaScaledOperand(const AlphaScaledOperand&) = delete;
  AlphaScaledOperand& operator=(const AlphaScaledOperand&) = delete;

 private:
  bool previous_;
};

// clamp_min/clamp_max with a number bound: PyTorch's clamp refuses complex input by name (a tensor bound goes
// to maximum/minimum, whose kernels refuse it as any other op).
void refuse_complex_number_clamp(BinaryOp op, const Tensor& a, const Tensor& b) {
  if ((op == BinaryOp::ClampMin || op == BinaryOp::ClampMax) && is_wrapped_number(b) &&
      (is_complex(a.dtype()) || is_complex(b.dtype())))
    raise(ErrorKind::NotImplemented, "clamp is not supported for complex types");
}

void binary_into(BinaryOp op, Tensor& out, const Tensor& a, const Tensor& b, const char* name) {
  refuse_complex_number_clamp(op, a, b);
  Rule rule = binary_rule(op);
  DType common = result_type({&a, &b});
  DType compute = common;
  if (rule == Rule::Float && !is_floating(common) && !is_complex(common)) compute = g_default_dtype;
  // The shapes are checked before the dtypes, as PyTorch (only on the way to a dtype error: it costs a shape).
  auto shapes_first = [&] { broadcast_shapes(a.sizes(), b.sizes(), name); };
  const bool int_nb_bad = rule == Rule::IntNB && (is_floating(common) || common == DType::Bool);
  const bool clamp_bool_number =
      (op == BinaryOp::ClampMin || op == BinaryOp::ClampMax) && common == DType::Bool && is_wrapped_number(b);
  // heaviside of a complex operand: PyTorch's RuntimeError before the shapes and the dtypes are looked at
  if (op == BinaryOp::Heaviside && (is_complex(a.dtype()) || is_complex(b.dtype())))
    raise(ErrorKind::Runtime, "heaviside is not yet implemented for complex tensors.");
  if (int_nb_bad || clamp_bool_number || (op == BinaryOp::Heaviside && a.dtype() != b.dtype())) shapes_first();
  if (int_nb_bad) no_kernel(kernel_name(op, name), common);
  // clamp_min(bool_tensor, True): PyTorch's scalar kernel has no bool instantiation (its tensor kernel has).
  if (clamp_bool_number) no_kernel(op == BinaryOp::ClampMin ? "clamp_min_scalar" : "clamp_max_scalar", common);
  if (op == BinaryOp::Heaviside && a.dtype() != b.dtype())
    raise(ErrorKind::Runtime, "heaviside is not yet implemented for tensors with different dtypes.");
  // Complex numbers have no order: PyTorch's RuntimeError, before the shape check.
  if ((op == BinaryOp::Maximum || op == BinaryOp::Minimum || op == BinaryOp::Fmax || op == BinaryOp::Fmin) &&
      is_complex(common))
    raise(ErrorKind::Runtime, name, " not implemented for complex tensors.");
  if ((rule == Rule::IntOnly && is_floating(common)) || (rule == Rule::FloatOnly && !is_floating(common)) ||
      (compute == DType::Bool && rule == Rule::Numeric) ||
      (op == BinaryOp::Sub && (a.dtype() == DType::Bool || b.dtype() == DType::Bool)))
    shapes_first();
  if (rule == Rule::IntOnly && is_floating(common))
    raise(ErrorKind::NotImplemented, "[", name, "] not implemented for floating point tensors (got ",
          dtype_name(a.dtype()), " and ", dtype_name(b.dtype()), "); only integer and bool tensors are supported");
  if (rule == Rule::FloatOnly && !is_floating(common)) no_kernel(name, common);
  if (op == BinaryOp::Sub && (a.dtype() == DType::Bool || b.dtype() == DType::Bool))
    raise(ErrorKind::Runtime,
          "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a "
          "mask, use the `~` or `logical_not()` operator instead.");
  if (compute == DType::Bool && rule == Rule::Numeric)
    raise(ErrorKind::NotImplemented, "[", name, "] not implemented for 'Bool' tensors");
  // A real floating x with a bool exponent tensor: PyTorch's ldexp has no kernel for it (bool or integer x,
  // complex x and a Python-bool exponent are computed).
  if (op == BinaryOp::Ldexp && is_floating(a.dtype()) && b.dtype() == DType::Bool && !is_wrapped_number(b))
    raise(ErrorKind::NotImplemented, "\"ldexp_cpu_exp\" not implemented for 'Bool'");
  // pow's Python-number exponent must fit an integer dtype (PyTorch's "value cannot be converted" RuntimeError).
  // Storage dtypes go to the kernel as they are: it computes in their compute dtype and rounds once
  // (Note [Fused storage-dtype loops]).
  // ldexp(x, e) is PyTorch's x * pow(2, e): a floating e's power of two is rounded to e's own dtype first
  // (float16 x with bfloat16 e rounds 2^e to bfloat16), then multiplied in the result dtype. A 0-dim e
  // enters PyTorch's multiplication as a scalar of the compute type: no rounding to its dtype.
  BinaryOp kernel_op = op;
  Tensor b_src = b;
  if (op == BinaryOp::Ldexp && is_floating(b.dtype()) && b.dim() > 0) {
    autograd::NoGradGuard ng;
    b_src = binary(BinaryOp::Pow, wrapped_scalar(Scalar::from_double(2.0)), b);
    kernel_op = BinaryOp::Mul;
  }
  if ((op == BinaryOp::Add || op == BinaryOp::Sub) && is_complex(compute) && !t_alpha_scaled_operand) {
    autograd::NoGradGuard ng;  // Note [Complex add is a + alpha * b]
    b_src = binary(BinaryOp::Mul, to_dtype(b, compute), wrapped_scalar(Scalar::from_int(op == BinaryOp::Sub ? -1 : 1)));
    kernel_op = BinaryOp::Add;
  }
  // Note [A scalar operand of a 16-bit float op keeps its value]
  // PyTorch's mul and div kernels read a CPU scalar in the second position (a
  // Python number, a 0-dim tensor) in the compute type, float32, when the
  // result is float16 or bfloat16 (TensorIterator's original_scalar_value):
  // bf16 * 0.3 is round(float(x) * 0.3f), not x * round_bf16(0.3), and a
  // division multiplies by the float reciprocal. (Its add and sub round the
  // scalar to the result dtype first, as the general path below does; so does
  // a scalar in the first position.) Rounding it for mul makes SGD momentum,
  // Adam's moments and batch-norm statistics in bfloat16 drift from PyTorch's.
  if ((kernel_op == BinaryOp::Mul || kernel_op == BinaryOp::Div) &&
      (compute == DType::Float16 || compute == DType::BFloat16) && b_src.dim() == 0 && b_src.device().is_cpu() &&
      !is_complex(b_src.dtype()) && b_src.dtype() != compute && rule != Rule::Pred) {
    autograd::NoGradGuard ng;
    Tensor a32 = to_dtype(a, DType::Float32);
    Tensor b32 = to_dtype(b_src, DType::Float32);
    BinaryOp float_op = kernel_op;
    if (kernel_op == BinaryOp::Div) {  // a * (1 / b), the reciprocal in float
      b32 = scalar_tensor(Scalar::from_double(1.0f / *b32.data<float>()), DType::Float32);
      float_op = BinaryOp::Mul;
    }
    Tensor tmp;
    TensorIterator it({&tmp}, {DType::Float32}, {&a32, &b32}, name);
    kernels::binary(float_op, it, DType::Float32);
    if (out.defined() && out.dtype() != compute)
      TC_CHECK(can_cast(compute, out.dtype()), "result type ", dtype_name(compute),
               " can't be cast to the desired output type ", dtype_name(out.dtype()), " (", name, ")");
    store_result(out, out.defined() ? tmp : to_dtype(tmp, compute), compute, name);
    return;
  }
  Tensor ac = to_dtype(a, compute);
  // pow's exponent and clamp_min/clamp_max's bound, given as a Python number, must fit an integer compute dtype
  // (PyTorch's RuntimeError; a plain conversion would wrap 2**40 to 0 in int32, a silently wrong bound).
  const bool checked_number = (op == BinaryOp::Pow || op == BinaryOp::ClampMin || op == BinaryOp::ClampMax) &&
                              is_integral(compute, false) && is_wrapped_number(b);
  Tensor bc = checked_number ? checked_scalar_to(b, compute) : to_dtype(b_src, compute);
  // An empty result divides nothing (PyTorch: `zeros(0, dtype=long) % 0` is an empty tensor).
  if (is_integral(compute, true) && divides(op) && any_zero(bc) &&
      shape_numel(broadcast_shapes(ac.sizes(), bc.sizes(), name)) > 0)
    raise(ErrorKind::Runtime, "ZeroDivisionError: [", name, "] integer division or modulo by zero");
  // Only a Python-number exponent is rejected; tensor exponents follow the functor (2 ** -1 == 0). The number is
  // tested before its conversion, which wraps -1 into 255 for uint8.
  if (is_integral(compute, false) && op == BinaryOp::Pow && is_wrapped_number(b) && any_negative(b))
    raise(ErrorKind::Runtime, "Integers to negative integer powers are not allowed.");
  DType out_dt = rule == Rule::Pred ? DType::Bool : compute;
  if (out.defined() && out.dtype() != out_dt) {
    TC_CHECK(can_cast(out_dt, out.dtype()), "result type ", is_floating(out_dt) ? "Float" : dtype_name(out_dt),
             " can't be cast to the desired output type ", dtype_name(out.dtype()), " (", name, ")");
    Tensor tmp;
    TensorIterator it({&tmp}, {out_dt}, {&ac, &bc}, name);
    kernels::binary(kernel_op, it, compute);
    store_result(out, tmp, out_dt, name);
    return;
  }
  TensorIterator it({&out}, {out_dt}, {&ac, &bc}, name);
  kernels::binary(kernel_op, it, compute);
}

void check_inplace_target(const Tensor& self, const char* name, const Tensor* other = nullptr) {
  autograd::check_inplace(self, name, true, other && other->defined() && other->requires_grad());
}

}  // namespace

DType default_dtype() { return g_default_dtype; }
void set_default_dtype(DType dt) {
  TC_CHECK_TYPE(is_floating(dt), "only floating-point types are supported as the default type, got ", dtype_name(dt));
  g_default_dtype = dt;
}

// Writes n values into a block on the host (device: nullopt) or on a device
// whose memory the host cannot read (Note [Device memory is not host memory]).
static void fill_scalar_unchecked_float(void* data, int64_t n, DType dt, Scalar s, std::optional<Device> device);

void fill_scalar(void* data, int64_t n, DType dt, Scalar s) {
  check_float_fits(dt, s, n);
  fill_scalar_unchecked_float(data, n, dt, s, std::nullopt);
}

void fill_scalar(const Tensor& t, Scalar s) {
  TC_INTERNAL_ASSERT(t.is_contiguous());
  check_float_fits(t.dtype(), s, t.numel());
  if (on_device_memory(t))
    fill_scalar_unchecked_float(t->raw_data_bytes(), t.numel(), t.dtype(), s, t.device());
  else
    fill_scalar_unchecked_float(t->data_bytes(), t.numel(), t.dtype(), s, std::nullopt);
}

static void fill_scalar_unchecked_float(void* data, int64_t n, DType dt, Scalar s, std::optional<Device> device) {
  auto put = [&](double fval, int64_t ival, double fimag) {
    if (device)
      cuda::fill(*device, data, n, dt, fval, ival, fimag);
    else
      kernels::fill(data, n, dt, fval, ival, fimag);
  };
  if (is_complex(dt)) {
    put(s.is_float() ? s.d : static_cast<double>(s.i), s.i, s.im);
    return;
  }
  // A complex number with an imaginary part fits no real type (PyTorch's c10::overflows).
  TC_CHECK(!(s.is_complex() && s.im != 0), "value cannot be converted to type ", type_meta_name(dt),
           " without overflow");
  if (dt == DType::Bool) {
    const bool b = s.is_float() ? s.d != 0 : s.i != 0;
    put(b, b, 0);
    return;
  }
  if (!is_floating(dt)) {
    const char* type_name = dt == DType::Int32   ? "int"
                            : dt == DType::Uint8 ? "uint8_t"
                            : dt == DType::Int8  ? "int8_t"
                            : dt == DType::Int16 ? "int16_t"
                                                 : "int64_t";
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    if (dt == DType::Int32) lo = INT32_MIN, hi = INT32_MAX;
    if (dt == DType::Int16) lo = INT16_MIN, hi = INT16_MAX;
    if (dt == DType::Int8) lo = INT8_MIN, hi = INT8_MAX;
    if (dt == DType::Uint8) lo = 0, hi = UINT8_MAX;
    int64_t v = s.i;
    if (s.is_float()) {
      // PyTorch's c10::overflows for a floating value: outside [lowest, max]
      // of the type, fractions included (-1.25 does not fit uint8, 255.5 does
      // not either), and NaN, fail. int64: 2^63 itself is accepted and wraps.
      const bool fits = dt == DType::Int64 ? s.d >= -9.2233720368547758e18 && s.d <= 9.2233720368547758e18
                                           : s.d >= double(lo) && s.d <= double(hi);
      TC_CHECK(fits, "value cannot be converted to type ", type_name, " without overflow");
      v = s.d >= 9.2233720368547758e18 ? INT64_MIN : s.i;
    }
    // For an integer value c10::overflows lets an unsigned type also take
    // negatives down to -max (they wrap: -1 is 255 in uint8).
    if (dt == DType::Uint8) lo = -UINT8_MAX;
    TC_CHECK(v >= lo && v <= hi, "value cannot be converted to type ", type_name, " without overflow");
    put(static_cast<double>(v), v, 0);
    return;
  }
  const double d = s.is_float() ? s.d : static_cast<double>(s.i);
  put(d, s.i, 0);
}

Tensor scalar_tensor(Scalar s, std::optional<DType> dtype) {
  DType dt = dtype ? *dtype
                   : (s.kind == Scalar::Bool      ? DType::Bool
                      : s.kind == Scalar::Int     ? DType::Int64
                      : s.kind == Scalar::Complex ? to_complex_dtype(g_default_dtype)
                                                  : g_default_dtype);
  Tensor t = empty({}, dt);
  fill_scalar_unchecked_float(t->data_bytes(), 1, dt, s, std::nullopt);
  return t;
}

Tensor wrapped_scalar(Scalar s) {
  DType dt = s.kind == Scalar::Bool      ? DType::Bool
             : s.kind == Scalar::Int     ? DType::Int64
             : s.kind == Scalar::Complex ? DType::Complex128
                                         : DType::Float64;
  Tensor t = scalar_tensor(s, dt);
  t->wrapped_number = true;
  return t;
}

bool is_wrapped_number(const Tensor& t) { return t->wrapped_number; }

DType result_type(std::initializer_list<const Tensor*> ts) {
  std::optional<DType> dim_r, zero_r, wrapped_r;
  auto upd = [](std::optional<DType>& r, DType d) { r = r ? promote_types(*r, d) : d; };
  for (const Tensor* t : ts) {
    if ((*t)->wrapped_number) {
      DType d = (*t).dtype();
      if (d == DType::Float64) d = g_default_dtype;                       // Python floats use the default dtype
      if (d == DType::Complex128) d = to_complex_dtype(g_default_dtype);  // Python complex: the default complex
      upd(wrapped_r, d);
    } else if (t->dim() == 0) {
      upd(zero_r, t->dtype());
    } else {
      upd(dim_r, t->dtype());
    }
  }
  return *combine_categories(dim_r, combine_categories(zero_r, wrapped_r));
}

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b) {
  // Note [Arithmetic of two wrapped numbers]
  // Two Python numbers combine as Python combines them, in double (int64,
  // complex128), into another wrapped number. Derivative formulas do scalar
  // arithmetic this way (pow's `exponent - 1`, lerp's `1 - weight`); the
  // tensor rule would round it to the default float32 first and cost float64
  // gradients their last eight digits.
  if (a->wrapped_number && b->wrapped_number) {
    Tensor x = a, y = b;
    if (binary_rule(op) == Rule::Float && !is_floating(a.dtype()) && !is_complex(a.dtype()) &&
        !is_floating(b.dtype()) && !is_complex(b.dtype()))
      x = to_dtype(a, DType::Float64);  // true division of ints is a double
    else
      x = clone(a);  // (an unflagged 0-dim copy: ordinary promotion between the two)
    Tensor r = binary(op, x, clone(y));
    r->wrapped_number = true;
    return r;
  }
  if ((is_complex(a.dtype()) || is_complex(b.dtype())) && has_complex_composite(op)) return complex_composite(op, a, b);
  Tensor out;
  binary_into(op, out, a, b, binary_name(op));
  record_binary(op, a, b, out);
  return out;
}

Tensor& binary_out(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out) {
  const char* name = binary_name(op);
  TC_CHECK(!has_derivative(op, a, b) || !autograd::any_requires_grad({&a, &b, &out}), name,
           "(): functions with out=... arguments don't support automatic differentiation, but one of the arguments "
           "requires grad.");
  Shape bs = broadcast_shapes(a.sizes(), b.sizes(), name);
  check_no_internal_overlap(out);
  check_no_partial_overlap(out, a);
  check_no_partial_overlap(out, b);
  resize_output(out, bs);  // a mis-shaped out: resized (a non-empty one with PyTorch's deprecation warning)
  binary_into(op, out, a, b, name);
  out.bump_version();
  return out;
}

Tensor& binary_(BinaryOp op, Tensor& self, const Tensor& other) {
  const char* name = binary_name(op);
  check_inplace_target(self, name, &other);
  Rule rule = binary_rule(op);
  DType common = result_type({&self, &other});
  DType result = (rule == Rule::Float && !is_floating(common) && !is_complex(common)) ? g_default_dtype : common;
  if (rule == Rule::Pred) result = DType::Bool;
  if (rule != Rule::Pred)
    TC_CHECK(can_cast(result, self.dtype()), "result type ", (is_floating(result) ? "Float" : dtype_name(result)),
             " can't be cast to the desired output type ", dtype_name(self.dtype()), " (in ", name,
             "_); use the out-of-place op or convert the tensor first");
  TC_CHECK(broadcast_shapes(self.sizes(), other.sizes(), name) == self.sizes(), "[", name, "_] output with shape ",
           shape_str(self.sizes()), " doesn't match the broadcast shape ",
           shape_str(broadcast_shapes(self.sizes(), other.sizes(), name)));
  refuse_complex_number_clamp(op, self, other);  // before the overlap checks, as PyTorch
  check_no_internal_overlap(self);               // Note [Write overlap]
  check_no_partial_overlap(self, other);
  bool grad = autograd::any_requires_grad({&self, &other});
  // Differentiable in-place: compute out of place, then move the result's
  // history onto self (PyTorch rebases self's grad_fn the same way).
  Tensor src = grad ? autograd::snapshot_for_inplace(self) : self;
  // Alias-safe: compute into a temporary when `other` overlaps self in a
  // non-identical way (e.g. x += x.t()).
  bool overlap = other->storage == self->storage &&
                 !(other.sizes() == self.sizes() && other.strides() == self.strides() && other->offset == self->offset);
  if (overlap || grad) {
    Tensor tmp;
    binary_into(op, tmp, src, other, name);
    if (grad) {
      record_binary(op, src, other, tmp);
      // self takes tmp's history
      autograd::NoGradGuard ng;
      Tensor dst = self;
      copy_(dst, tmp);
      autograd::rebase_history(self, tmp);
      return self;  // copy_ bumped the version once, as any in-place op
    }
    Tensor dst = self;
    copy_(dst, tmp);
    return self;
  }
  binary_into(op, self, self, other, name);
  self.bump_version();
  return self;
}

// Note [Add with alpha rounds once]
// ATen's add(a, b, alpha) is a + alpha * b in one fused multiply-add
// (vec::fmadd), so p.data.add_(grad, alpha=-lr), the update of every
// hand-written training loop, rounds once; the product then the sum rounded
// 9% of float32 elements differently. Where no gradient is recorded (the
// update's case) a floating add with a real alpha runs that kernel. A call
// that records keeps the composed graph (a MulBackward0 under the
// AddBackward0), whose value rounds twice.
namespace {
bool fused_add_applies(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  if (alpha.kind != Scalar::Int && alpha.kind != Scalar::Float) return false;
  if (a.dtype() != b.dtype() || !is_floating(a.dtype()) || a.device() != b.device() || !a.device().is_cpu())
    return false;
  return !(autograd::grad_enabled() && autograd::any_requires_grad({&a, &b}));
}
// alpha as the kernel reads it: ATen's add for float16/bfloat16 rounds alpha to the tensors' dtype first.
double kernel_alpha(DType dt, double alpha) {
  if (dt == DType::Float16) return static_cast<float>(Half(static_cast<float>(alpha)));
  if (dt == DType::BFloat16) return static_cast<float>(BFloat16(static_cast<float>(alpha)));
  return alpha;
}
Tensor fused_add(const Tensor& a, const Tensor& b, double alpha, const char* name) {
  alpha = kernel_alpha(a.dtype(), alpha);
  const DType kc = compute_dtype(a.dtype());
  const Tensor ac = to_dtype(a, kc), bc = to_dtype(b, kc);
  Tensor out;
  {
    TensorIterator it({&out}, {kc}, {&ac, &bc}, name);
    kernels::add_scaled(it, kc, alpha);
  }
  return kc == a.dtype() ? out : to_dtype(out, a.dtype());
}
double real_value(const Scalar& s) { return s.kind == Scalar::Int ? static_cast<double>(s.i) : s.d; }
}  // namespace

Tensor add(const Tensor& a, const Tensor& b, Scalar alpha) {
  if (alpha.kind == Scalar::Int && alpha.i == 1) return binary(BinaryOp::Add, a, b);
  if (fused_add_applies(a, b, alpha)) return fused_add(a, b, real_value(alpha), "add");
  Tensor scaled_b = binary(BinaryOp::Mul, b, wrapped_scalar(alpha));
  AlphaScaledOperand scaled;  // Note [Complex add is a + alpha * b]
  return binary(BinaryOp::Add, a, scaled_b);
}
Tensor sub(const Tensor& a, const Tensor& b, Scalar alpha) {
  if (alpha.kind == Scalar::Int && alpha.i == 1) return binary(BinaryOp::Sub, a, b);
  if (fused_add_applies(a, b, alpha)) return fused_add(a, b, -real_value(alpha), "sub");
  Tensor scaled_b = binary(BinaryOp::Mul, b, wrapped_scalar(alpha));
  AlphaScaledOperand scaled;
  return binary(BinaryOp::Sub, a, scaled_b);
}
// a + b with the sum alone, no alpha product: the last step of PyTorch's fused kernels written as
// composites here (addcmul: self + value * t1 * t2), which add without it (Note [Complex add is a + alpha * b]).
Tensor add_without_alpha(const Tensor& a, const Tensor& b) {
  AlphaScaledOperand scaled;
  return binary(BinaryOp::Add, a, b);
}
Tensor& add_without_alpha_(Tensor& self, const Tensor& other) {
  AlphaScaledOperand scaled;
  return binary_(BinaryOp::Add, self, other);
}
Tensor mul(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Mul, a, b); }
Tensor div(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Div, a, b); }
Tensor pow(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Pow, a, b); }
Tensor neg(const Tensor& a) { return unary(UnaryOp::Neg, a); }
Tensor& add_(Tensor& self, const Tensor& other, Scalar alpha) {
  if (alpha.kind == Scalar::Int && alpha.i == 1) return binary_(BinaryOp::Add, self, other);
  // The fused kernel into self when nothing records and other only reads: same dtype, broadcastable to self,
  // not sharing self's memory (binary_'s checks and errors otherwise, below).
  if (fused_add_applies(self, other, alpha) && other->storage != self->storage && self.is_contiguous() &&
      broadcast_shapes(self.sizes(), other.sizes(), "add_") == self.sizes()) {
    check_inplace_target(self, "add_");
    const DType kc = compute_dtype(self.dtype());
    if (kc == self.dtype()) {
      {
        TensorIterator it({&self}, {kc}, {&self, &other}, "add_");
        kernels::add_scaled(it, kc, real_value(alpha));
      }
      self.bump_version();
      return self;
    }
    Tensor result = fused_add(self, other, real_value(alpha), "add_");
    autograd::NoGradGuard ng;
    return copy_(self, result);
  }
  Tensor scaled_other = binary(BinaryOp::Mul, other, wrapped_scalar(alpha));
  AlphaScaledOperand scaled;
  return binary_(BinaryOp::Add, self, scaled_other);
}
Tensor mul_scalar(const Tensor& a, double s) {
  return binary(BinaryOp::Mul, a, wrapped_scalar(Scalar::from_double(s)));
}
Tensor add_scalar(const Tensor& a, double s) {
  return binary(BinaryOp::Add, a, wrapped_scalar(Scalar::from_double(s)));
}

// ---- unary ----

namespace {
void unary_into(UnaryOp op, Tensor& out, const Tensor& a, const char* name) {
  Rule rule = unary_rule(op);
  DType compute = a.dtype();
  if (rule == Rule::Float && !is_floating(compute) && !is_complex(compute)) compute = g_default_dtype;
  if (rule == Rule::NoBool && compute == DType::Bool)
    raise(ErrorKind::Runtime, "[", name, "] is not supported for bool tensors",
          op == UnaryOp::Neg ? "; use the `~` or `logical_not()` operator instead" : "");
  if (rule == Rule::IntOnly && is_floating(compute))
    raise(ErrorKind::NotImplemented, "[", name, "] not implemented for floating point tensors (got ",
          dtype_name(a.dtype()), ")");
  if (compute == DType::Bool && rule == Rule::Numeric)
    raise(ErrorKind::NotImplemented, "[", name, "] not implemented for 'Bool' tensors");
  if (rule == Rule::FloatOnly && !is_floating(compute)) no_kernel(name, compute);
  if (op == UnaryOp::Square && compute == DType::Bool) compute = DType::Int64;  // square = pow(x, 2)
  Tensor ac = to_dtype(a, compute);  // a storage dtype runs fused (Note [Fused storage-dtype loops])
  DType out_dt = rule == Rule::Pred ? DType::Bool : compute;
  TensorIterator it({&out}, {out_dt}, {&ac}, name);
  kernels::unary(op, it, compute);
}

}  // namespace

// The ops PyTorch refuses for complex inputs with a message of their own, before any dtype check of out=.
static void refuse_complex(UnaryOp op, DType dt, bool in_place = false) {
  if (in_place && op == UnaryOp::Abs && is_complex(dt))  // abs of a complex is real: no place to write it
    raise(ErrorKind::Runtime, "In-place abs is not supported for complex tensors.");
  if (!is_complex(dt)) return;
  switch (op) {
    case UnaryOp::Floor:
    case UnaryOp::Ceil:
    case UnaryOp::Trunc:
      raise(ErrorKind::NotImplemented, unary_name(op), " is not supported for complex inputs");
    case UnaryOp::Sign:
      raise(ErrorKind::NotImplemented,
            "Unlike NumPy, torch.sign is not intended to support complex numbers. Please use torch.sgn instead.");
    case UnaryOp::SignBit:
      raise(ErrorKind::NotImplemented, "signbit is not implemented for complex tensors.");
    case UnaryOp::Deg2Rad:
    case UnaryOp::Rad2Deg:
      raise(ErrorKind::Runtime, unary_name(op), " is not supported for complex tensors.");
    default:
      return;
  }
}

Tensor unary(UnaryOp op, const Tensor& a) {
  refuse_complex(op, a.dtype());
  // abs of a complex is real: hypot of its parts (Note [Complex through real views]).
  if (op == UnaryOp::Abs && is_complex(a.dtype())) return complex_abs(a);
  if (is_complex(a.dtype()) && has_complex_composite(op)) return complex_composite(op, a);
  Tensor out;
  unary_into(op, out, a, unary_name(op));
  record_unary(op, a, out);
  return out;
}

Tensor& unary_out(UnaryOp op, const Tensor& a, Tensor& out) {
  const char* name = unary_name(op);
  refuse_complex(op, a.dtype());
  TC_CHECK(!has_derivative(op) || !autograd::any_requires_grad({&a, &out}), name,
           "(): functions with out=... arguments don't support automatic differentiation, but one of the arguments "
           "requires grad.");
  check_no_internal_overlap(out);
  check_no_partial_overlap(out, a);
  // Ops whose result keeps the input's dtype (abs, floor, sign, ...) want exactly that dtype in out=, as PyTorch,
  // which checks it before it looks for a kernel.
  Rule rule = unary_rule(op);
  // abs of a complex is real: any out= its real result casts to, or exactly the input's complex dtype.
  const bool real_abs = op == UnaryOp::Abs && is_complex(a.dtype()) && !is_complex(out.dtype());
  if (rule != Rule::Float && rule != Rule::FloatOnly && rule != Rule::Pred && op != UnaryOp::Square && !real_abs)
    TC_CHECK(out.dtype() == a.dtype(), "Found dtype ", dtype_name(out.dtype()), " but expected ", dtype_name(a.dtype()),
             " (", name, " with out=)");
  resize_output(out, a.sizes());  // as binary_out
  TC_CHECK(out.sizes() == a.sizes(), "[", name, "] out= has shape ", shape_str(out.sizes()),
           " but the result has shape ", shape_str(a.sizes()));
  Tensor r;
  {
    autograd::NoGradGuard ng;
    r = unary(op, a);
  }
  TC_CHECK(can_cast(r.dtype(), out.dtype()), "result type ", is_floating(r.dtype()) ? "Float" : dtype_name(r.dtype()),
           " can't be cast to the desired output type ", dtype_name(out.dtype()));
  {
    Tensor o = out;  // computed then cast-copied: out= is not a hot path
    TensorIterator it({&o}, {out.dtype()}, {&r}, name);
    kernels::copy(it, out.dtype(), r.dtype());
  }
  out.bump_version();
  return out;
}

Tensor& unary_(UnaryOp op, Tensor& self) {
  const char* name = unary_name(op);
  Rule rule = unary_rule(op);
  // A predicate (logical_not_) is not differentiable: PyTorch writes it even into a leaf that requires grad.
  // Autograd's leaf/view errors come before any dtype refusal, as PyTorch's layers are ordered.
  if (rule != Rule::Pred) check_inplace_target(self, name);
  refuse_complex(op, self.dtype(), /*in_place=*/true);
  check_no_internal_overlap(self);  // Note [Write overlap]
  TC_CHECK(!(rule == Rule::Float && !is_floating(self.dtype()) && !is_complex(self.dtype())) &&
               !(op == UnaryOp::Square && self.dtype() == DType::Bool),
           "result type ", rule == Rule::Float ? "Float" : "Long", " can't be cast to the desired output type ",
           dtype_name(self.dtype()), " (in ", name, "_)");
  // e.g. logical_not_: the bool result is cast into self's dtype; a composed complex form has no kernel to write
  // in place
  const bool composed = is_complex(self.dtype()) && has_complex_composite(op);
  if (rule == Rule::Pred || (composed && !autograd::any_requires_grad({&self}))) {
    Tensor r = unary(op, self);
    autograd::NoGradGuard ng;
    copy_(self, r);
    self.bump_version();
    return self;
  }
  if (autograd::any_requires_grad({&self})) {
    Tensor r = unary(op, autograd::snapshot_for_inplace(self));
    autograd::NoGradGuard ng;
    copy_(self, r);
    autograd::rebase_history(self, r);
    return self;
  }
  unary_into(op, self, self, name);
  self.bump_version();
  return self;
}

// ---- where / clamp / lerp ----

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  TC_CHECK(cond.dtype() == DType::Bool, "where expected condition to be a boolean tensor, but got a tensor with dtype ",
           dtype_name(cond.dtype()));
  DType dt = result_type({&a, &b});
  // A Python number operand must fit the result dtype (PyTorch checks it; a tensor operand is cast).
  Tensor ac = is_wrapped_number(a) ? checked_scalar_to(a, dt) : to_dtype(a, dt);
  Tensor bc = is_wrapped_number(b) ? checked_scalar_to(b, dt) : to_dtype(b, dt);
  Tensor out;
  {
    TensorIterator it({&out}, {dt}, {&cond, &ac, &bc}, "where");
    kernels::where(it, dt);
  }
  if (auto* n = record("WhereBackward0", d::where_backward, {&a, &b}, {&out})) n->save(cond);
  return out;
}

Tensor clamp(const Tensor& a, std::optional<Scalar> lo, std::optional<Scalar> hi) {
  TC_CHECK(lo || hi, "torch.clamp: At least one of 'min' or 'max' must not be None");
  // Result dtype as PyTorch: result_type(a, min, max), bounds acting as Python numbers.
  Tensor lo_w = lo ? wrapped_scalar(*lo) : Tensor(), hi_w = hi ? wrapped_scalar(*hi) : Tensor();
  DType dt = lo && hi ? result_type({&a, &lo_w, &hi_w}) : result_type({&a, lo ? &lo_w : &hi_w});
  if (dt == DType::Bool) raise(ErrorKind::NotImplemented, "[clamp] not implemented for 'Bool' tensors");
  const DType kc = compute_dtype(dt);
  Tensor ac = to_dtype(a, kc);
  // An integer bound is a value of the result dtype, as in PyTorch: it must
  // fit (c10::overflows, checked by scalar_tensor) and min=-1 on uint8 is 255.
  auto bound = [&](const Scalar& s) {
    if (is_floating(dt)) return s.d;
    (void)scalar_tensor(s, dt);
    switch (dt) {
      case DType::Uint8:
        return double(static_cast<uint8_t>(s.i));
      case DType::Int8:
        return double(static_cast<int8_t>(s.i));
      case DType::Int16:
        return double(static_cast<int16_t>(s.i));
      default:
        return double(s.i);
    }
  };
  Tensor out;
  {
    TensorIterator it({&out}, {kc}, {&ac}, "clamp");
    kernels::clamp(it, kc, lo.has_value(), lo ? bound(*lo) : 0.0, hi.has_value(), hi ? bound(*hi) : 0.0);
  }
  if (kc != dt) out = to_dtype(out, dt);
  if (auto* n = record("ClampBackward1", d::clamp_backward, {&a}, {&out})) {
    n->save(a);
    n->attrs = autograd::attrs::Clamp{lo ? lo->d : -INFINITY, hi ? hi->d : INFINITY};
  }
  return out;
}

Tensor& clamp_(Tensor& a, std::optional<Scalar> lo, std::optional<Scalar> hi) {
  check_inplace_target(a, "clamp");
  check_no_internal_overlap(a);
  TC_CHECK(is_floating(a.dtype()) || !((lo && lo->is_float()) || (hi && hi->is_float())),
           "result type Float can't be cast to the desired output type ", dtype_name(a.dtype()), " (in clamp_)");
  Tensor r = clamp(autograd::any_requires_grad({&a}) ? autograd::snapshot_for_inplace(a) : a, lo, hi);
  TC_CHECK(!(a.dtype() == DType::Bool && r.dtype() != DType::Bool), "result type ", dtype_name(r.dtype()),
           " can't be cast to the desired output type bool (in clamp_)");
  if (r.requires_grad()) {
    autograd::NoGradGuard ng;
    copy_(a, r);
    autograd::rebase_history(a, r);
    return a;
  }
  return copy_(a, r);
}

Tensor clamp_tensor(const Tensor& a, const Tensor* lo, const Tensor* hi) {
  Tensor r = a;
  {
    autograd::NoGradGuard ng;
    if (lo) r = binary(BinaryOp::Maximum, r, *lo);
    if (hi) r = binary(BinaryOp::Minimum, r, *hi);
  }
  Tensor lo_t = lo ? *lo : Tensor(), hi_t = hi ? *hi : Tensor();
  if (auto* n = record("ClampBackward0", d::clamp_tensor_backward, {&a, lo ? lo : nullptr, hi ? hi : nullptr}, {&r})) {
    n->save(a);
    n->save(lo_t);
    n->save(hi_t);
  }
  return r;
}

Tensor lerp(const Tensor& a, const Tensor& b, const Tensor& w) {
  // Integer start/end with a 0-dim floating weight tensor: PyTorch promotes all three (result_type) and
  // computes (a Python-number weight goes to its scalar kernel, which refuses integers: below).
  if (!is_floating(a.dtype()) && !is_complex(a.dtype()) && w.dim() == 0 && !is_wrapped_number(w)) {
    const DType common = result_type({&a, &b, &w});
    if (is_floating(common)) return lerp(to_dtype(a, common), to_dtype(b, common), w);
  }
  if (!is_floating(a.dtype()) && !is_complex(a.dtype()))
    raise(ErrorKind::NotImplemented, "[lerp] not implemented for ", dtype_name(a.dtype()),
          " tensors; lerp needs floating point inputs");
  Tensor out;
  const bool complex_weight = is_complex(w.dtype()) || (is_wrapped_number(w) && scalar_of(w).is_complex());
  if (!is_complex(a.dtype()) && !complex_weight) {
    // One fused kernel, as PyTorch (Note [lerp rounds once]): start, end and weight in the compute dtype
    // (float32 for the 16-bit floats, PyTorch's opmath); a 0-dim weight of another dtype is converted, not
    // rounded through its own dtype's arithmetic.
    autograd::NoGradGuard ng;
    const DType kc = compute_dtype(a.dtype());
    const Tensor ac = to_dtype(a, kc), bc = to_dtype(b, kc);
    // (A weight tensor is first cast to start's dtype, as PyTorch's iterator does; a number goes straight to
    // the compute dtype, as its scalar kernel's weight.to<opmath_t>().)
    const Tensor wc = is_wrapped_number(w) ? scalar_tensor(Scalar::from_double(scalar_of(w).d), kc)
                                           : to_dtype(to_dtype(w, a.dtype()), kc);
    {
      TensorIterator it({&out}, {kc}, {&ac, &bc, &wc}, "lerp");
      kernels::lerp(it, kc);
    }
    if (kc != a.dtype()) out = to_dtype(out, a.dtype());
  } else {
    // A complex lerp keeps the composed graph (lerp's node has real formulas only; the composed ops' gradients
    // are conjugated).
    std::optional<autograd::NoGradGuard> ng;
    if (!is_complex(a.dtype())) ng.emplace();
    // PyTorch's formula: start + w * (end - start) for |w| < 0.5, else end - (end - start) * (1 - w), exact at
    // w = 1 and the same infinities and NaNs as PyTorch's.
    // A weight tensor of another dtype (a float32 weight of a complex128 lerp) joins in the result's dtype,
    // not in its own: 1 - w in float32 would round the weight.
    const Tensor wx =
        !is_wrapped_number(w) && w.dtype() != a.dtype() && is_complex(a.dtype()) ? to_dtype(w, a.dtype()) : w;
    Tensor d = sub(b, a);
    auto low = [&] { return add(a, mul(wx, d)); };
    // 1 - w of a Python-number w stays a Python number (its double or complex value): wrapped - wrapped would
    // give a 0-dim tensor of the default dtype, which rounds a float64 lerp's weight to float32.
    auto one_minus_w = [&] {
      if (!is_wrapped_number(wx)) return binary(BinaryOp::Sub, wrapped_scalar(Scalar::from_int(1)), wx);
      const Scalar s = scalar_of(wx);
      return wrapped_scalar(s.is_complex() ? Scalar::from_complex(1 - s.d, -s.im) : Scalar::from_double(1 - s.d));
    };
    auto high = [&] { return sub(b, mul(d, one_minus_w())); };
    if (is_wrapped_number(wx) && !is_complex(wx.dtype())) {
      const double wv = *contiguous(to_dtype(wx, DType::Float64)).data<double>();
      out = std::fabs(wv) < 0.5 ? low() : high();
    } else {
      Tensor small = binary(BinaryOp::Lt, unary(UnaryOp::Abs, wx), wrapped_scalar(Scalar::from_double(0.5)));
      out = where(small, low(), high());
    }
  }
  if (is_complex(a.dtype())) return out;
  if (auto* n =
          record(is_wrapped_number(w) ? "LerpBackward0" : "LerpBackward1", d::lerp_backward, {&a, &b, &w}, {&out})) {
    n->save(a);
    n->save(b);
    n->save(w);
  }
  return out;
}

// ---- copies and conversion ----

Tensor to_dtype(const Tensor& a, DType dt, bool copy) {
  if (a.dtype() == dt && !copy) return a;
  Tensor out;
  {
    TensorIterator it({&out}, {dt}, {&a}, "to");
    kernels::copy(it, dt, a.dtype());
  }
  if (is_floating(dt) || is_complex(dt)) record("ToCopyBackward0", d::to_copy_backward, {&a}, {&out});
  return out;
}

Tensor clone(const Tensor& a) {
  Tensor out;
  {
    TensorIterator it({&out}, {a.dtype()}, {&a}, "clone");
    kernels::copy(it, a.dtype(), a.dtype());
  }
  record("CloneBackward0", d::clone_backward, {&a}, {&out});
  return out;
}

Tensor contiguous(const Tensor& a) {
  if (a.is_contiguous()) return a;
  Tensor out = empty(a.sizes(), a.dtype(), a.device());
  {
    TensorIterator it({&out}, {a.dtype()}, {&a}, "contiguous");
    kernels::copy(it, a.dtype(), a.dtype());
  }
  record("CloneBackward0", d::clone_backward, {&a}, {&out});
  return out;
}

namespace {
// Note [Copies between devices] (backend/cuda/copy.cu) for copy_: the source
// is cast, broadcast and made dense on its own device, the bytes cross in one
// transfer, and a strided destination is filled from a dense staging copy on
// its device.
void copy_across_devices(const Tensor& dst, const Tensor& src, bool non_blocking) {
  autograd::NoGradGuard ng;
  Tensor dense = contiguous(expand(src.dtype() == dst.dtype() ? src : to_dtype(src, dst.dtype()), dst.sizes()));
  if (dense.numel() == 0) return;
  const bool direct = dst.is_contiguous();
  Tensor landing = direct ? dst : empty(dst.sizes(), dst.dtype(), dst.device());
  auto address = [](const Tensor& t) -> char* {
    return t->storage->device_memory ? t->raw_data_bytes() : t->data_bytes();
  };
  cuda::memcpy_between(address(landing), landing.device(), address(dense), dense.device(),
                       static_cast<size_t>(dense.numel()) * itemsize(dense.dtype()), non_blocking);
  if (!direct) {
    Tensor d_ = dst;
    TensorIterator it({&d_}, {dst.dtype()}, {&landing}, "copy_");
    kernels::copy(it, dst.dtype(), dst.dtype());
  }
}

// A source on another device than dst, one of them CUDA, that is not a CPU
// scalar (those join any device's iterator, Note [Device checks]). Other
// device pairs keep the iterator's device-mismatch error.
bool crosses_devices(const Tensor& dst, const Tensor& src) {
  const bool cuda_side = dst.device().type == DeviceType::CUDA || src.device().type == DeviceType::CUDA;
  return cuda_side && dst.device() != src.device() && !(src.device().is_cpu() && src.dim() == 0);
}
}  // namespace

Tensor to_device(const Tensor& a, Device device, std::optional<DType> dtype, bool non_blocking) {
  const DType dt = dtype.value_or(a.dtype());
  Tensor out = empty(a.sizes(), dt, device);
  copy_across_devices(out, a, non_blocking);
  if (is_floating(dt) || is_complex(dt)) record("ToCopyBackward0", d::to_copy_backward, {&a}, {&out});
  return out;
}

Tensor& copy_(Tensor& dst, const Tensor& src) {
  Shape b = broadcast_shapes(dst.sizes(), src.sizes(), "copy_");
  TC_CHECK(b == dst.sizes(), "[copy_] the source of shape ", shape_str(src.sizes()),
           " cannot be broadcast to the destination of shape ", shape_str(dst.sizes()));
  // Recorded when either side is tracked: a tracked dst whose values are all
  // replaced must stop passing the gradient to its old history (zeros, as
  // PyTorch's CopyBackwards), even when src is constant.
  bool grad = autograd::any_requires_grad({&dst, &src});
  if (grad) check_inplace_target(dst, "copy", &src);
  check_no_internal_overlap(dst);
  check_no_partial_overlap(dst, src);
  Tensor s = src;
  if (src->storage == dst->storage) s = clone(src);  // overlapping copies go through a temporary
  if (crosses_devices(dst, s)) {
    copy_across_devices(dst, s, false);
  } else {
    Tensor d_ = dst;
    TensorIterator it({&d_}, {dst.dtype()}, {&s}, "copy_");
    kernels::copy(it, dst.dtype(), s.dtype());
  }
  dst.bump_version();
  if (grad) {
    // dst = src (broadcast): the gradient flows to src, zeros to dst's old history.
    Tensor out = make_view(dst, dst.sizes(), dst.strides(), dst->offset);
    record("torch::autograd::CopyBackwards", d::copy_backward, {&dst, &src}, {&out});
    autograd::rebase_history(dst, out);
  }
  return dst;
}

namespace {
// Writes v into every element of t (an expanded t included: one value through every alias).
void fill_values(Tensor& t, Scalar v) {
  if (t.is_contiguous()) {
    fill_scalar(t, v);
  } else {
    check_float_fits(t.dtype(), v, t.numel());
    Tensor s = scalar_tensor(v, t.dtype());
    Tensor d_ = t;
    TensorIterator it({&d_}, {t.dtype()}, {&s}, "fill_");
    kernels::copy(it, t.dtype(), t.dtype());
  }
  t.bump_version();
}

Tensor& fill_recording(Tensor& t, Scalar v, const char* node) {
  if (!autograd::any_requires_grad({&t})) {
    fill_values(t, v);
    return t;
  }
  // The new values do not depend on the old ones: a zero gradient flows back.
  Tensor filled;
  {
    autograd::NoGradGuard ng;
    filled = full(t.sizes(), v, t.dtype());
  }
  record(node, d::fill_backward, {&t}, {&filled});
  fill_values(t, v);  // (not copy_: an expanded view of a tracked tensor may be filled, as in PyTorch)
  autograd::rebase_history(t, filled);
  return t;
}

}  // namespace

Tensor& fill_(Tensor& t, Scalar v) {
  check_inplace_target(t, "fill");
  return fill_recording(t, v, "FillBackward2");
}

Tensor& zero_(Tensor& t) {
  check_inplace_target(t, "zero");
  return fill_recording(t, Scalar::from_int(0), "ZeroBackward0");
}

Tensor detach(const Tensor& a) { return make_view(a, a.sizes(), a.strides(), a->offset); }

Tensor masked_fill(const Tensor& a, const Tensor& mask, const Tensor& value) {
  TC_CHECK(mask.dtype() == DType::Bool, "masked_fill_ only supports boolean masks, but got mask with dtype ",
           type_meta_name(mask.dtype()));  // PyTorch names the C++ type ("unsigned char")
  TC_CHECK(value.dim() == 0, "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ",
           value.dim(), " dimension(s).");
  // masked_fill checks a 16-bit float's range whatever the size (where and a
  // one-element fill_ round to inf there), as PyTorch: its value goes through item().
  if (a.dtype() == DType::Float16 || a.dtype() == DType::BFloat16) check_float_fits(a.dtype(), scalar_of(value));
  Tensor v = checked_scalar_to(value, a.dtype());  // PyTorch reads the value as a number: it must fit a's dtype
  Tensor out;
  {
    autograd::NoGradGuard ng;
    Tensor vv = v;
    TensorIterator it({&out}, {a.dtype()}, {&mask, &vv, &a}, "masked_fill");
    kernels::where(it, a.dtype());
  }
  TC_CHECK(out.sizes() == broadcast_shapes(a.sizes(), mask.sizes(), "masked_fill") && out.sizes() == a.sizes(),
           "[masked_fill] mask of shape ", shape_str(mask.sizes()), " must be broadcastable to ", shape_str(a.sizes()));
  // A Python number fills as MaskedFillBackward0; a (0-dim) tensor value also
  // receives the gradient of the positions it filled (MaskedFillBackward1).
  if (value->wrapped_number) {
    if (auto* n = record("MaskedFillBackward0", d::masked_fill_backward, {&a}, {&out})) n->save(mask);
  } else if (auto* n = record("MaskedFillBackward1", d::masked_fill_backward, {&a, &value}, {&out})) {
    n->save(mask);
  }
  return out;
}

}  // namespace tc::ops
