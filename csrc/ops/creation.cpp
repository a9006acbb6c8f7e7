// Creation ops and the random generator.
#include <cmath>
#include <random>

#include "backend/kernels_copy.h"
#include "core/error.h"
#include "core/shape_util.h"
#include "ops/ops.h"

namespace tc::ops {

Tensor full(const Shape& shape, Scalar v, std::optional<DType> dtype, Device device) {
  DType dt = dtype ? *dtype
                   : (v.kind == Scalar::Bool      ? DType::Bool
                      : v.kind == Scalar::Int     ? DType::Int64
                      : v.kind == Scalar::Complex ? to_complex_dtype(default_dtype())
                                                  : default_dtype());
  Tensor t = empty(shape, dt, device);
  fill_scalar(t, v);
  return t;
}
Tensor zeros(const Shape& shape, DType dt, Device device) { return full(shape, Scalar::from_int(0), dt, device); }
Tensor ones(const Shape& shape, DType dt, Device device) { return full(shape, Scalar::from_int(1), dt, device); }
Tensor zeros_like(const Tensor& a) { return zeros(a.sizes(), a.dtype()); }
Tensor ones_like(const Tensor& a) { return ones(a.sizes(), a.dtype()); }

// Note [Creation on a device]: the sequences (arange, linspace, eye) are
// computed by the host kernels and copied over in one transfer; their values
// are then exactly the CPU's.
Tensor arange(Scalar start, Scalar end, Scalar step, std::optional<DType> dtype, Device device) {
  if (is_device_memory(device)) return to_device(arange(start, end, step, dtype, Device::cpu()), device, {}, false);
  bool any_float = start.is_float() || end.is_float() || step.is_float();
  DType dt = dtype ? *dtype : (any_float ? default_dtype() : DType::Int64);
  TC_CHECK(step.d != 0, "arange: step must be nonzero");
  TC_CHECK(std::isfinite(start.d) && std::isfinite(end.d), "arange: unsupported range: ", start.d, " -> ", end.d);
  std::optional<int64_t> float_count;
  if (any_float && !is_floating(dt)) {
    // An integer dtype takes integer bounds and step (truncated), as PyTorch.
    TC_CHECK(std::isfinite(step.d) && std::fabs(start.d) < 9.2e18 && std::fabs(end.d) < 9.2e18,
             "arange: unsupported range for an integer dtype");
    // For int32 and the smaller integer types, PyTorch counts the elements with the given (float) bounds and step, then
    // fills with the truncated ones: arange(3.5, dtype=int32) is [0, 1, 2, 3]; int64 counts with the truncated ones
    // ([0, 1, 2]).
    if (dt != DType::Int64 && step.d != 0 && ((step.d > 0 && end.d >= start.d) || (step.d < 0 && end.d <= start.d)))
      float_count = static_cast<int64_t>(std::ceil((end.d - start.d) / step.d));
    start = Scalar::from_int(start.i);
    end = Scalar::from_int(end.i);
    step = Scalar::from_int(step.i);
    any_float = false;
    TC_CHECK_VALUE(step.i != 0 || float_count,
                   "arange: step must be nonzero (step truncated to the integer dtype is 0)");
  }
  TC_CHECK(float_count || (step.d > 0 && end.d >= start.d) || (step.d < 0 && end.d <= start.d),
           "arange: upper bound and larger bound inconsistent with step sign (start=", start.d, ", end=", end.d,
           ", step=", step.d, ")");
  int64_t n;
  if (float_count) {
    n = *float_count;
  } else if (!any_float && !is_floating(dt)) {
    int64_t s = start.i, e = end.i, st = step.i;
    n = st > 0 ? (e - s + st - 1) / st : (s - e + (-st) - 1) / (-st);
  } else {
    n = static_cast<int64_t>(std::ceil((end.d - start.d) / step.d));
  }
  TC_CHECK(n >= 0 && n < (int64_t(1) << 40), "arange: invalid number of elements ", n);
  // Storage dtypes are filled in their compute dtype, then converted (Note [DType codes]).
  const DType kc = compute_dtype(dt);
  Tensor t = empty({n}, kc, device);
  if (!any_float && !is_floating(dt))
    kernels::arange_fill_int(kc, t->data_bytes(), n, start.i, step.i);
  else
    kernels::arange_fill(kc, t->data_bytes(), n, start.d, step.d);
  return kc == dt ? t : to_dtype(t, dt);
}

Tensor linspace(double start, double end, int64_t steps, DType dt, Device device) {
  if (is_device_memory(device)) return to_device(linspace(start, end, steps, dt, Device::cpu()), device, {}, false);
  TC_CHECK(steps >= 0, "linspace: number of steps must be non-negative, got ", steps);
  const DType kc = compute_dtype(dt);
  Tensor t = empty({steps}, kc, device);
  if (steps == 1) fill_scalar(t->data_bytes(), 1, kc, Scalar::from_double(start));
  if (steps > 1) kernels::linspace_fill(kc, t->data_bytes(), steps, start, end);
  return kc == dt ? t : to_dtype(t, dt);
}

Tensor eye(int64_t n, int64_t m, DType dt, Device device) {
  if (is_device_memory(device)) return to_device(eye(n, m, dt, Device::cpu()), device, {}, false);
  TC_CHECK(n >= 0, "n must be greater or equal to 0, got ", n);
  TC_CHECK(m >= 0, "m must be greater or equal to 0, got ", m);
  const DType kc = compute_dtype(dt);
  Tensor t = zeros({n, m}, kc, device);
  if (t.numel() > 0) kernels::eye_fill(kc, t->data_bytes(), n, m);
  return kc == dt ? t : to_dtype(t, dt);
}

}  // namespace tc::ops
