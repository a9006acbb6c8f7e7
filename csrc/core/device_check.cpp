#include "core/device_check.h"

#include "core/error.h"

namespace tc {
namespace detail {

void raise_device_mismatch(Device a, Device b) {
  raise(ErrorKind::Runtime, "Expected all tensors to be on the same device, but found at least two devices, ",
        device_str(a), " and ", device_str(b), "!");
}

Device common_device_slow(const Tensor* const* ts, int n) {
  auto cpu_scalar = [](const Tensor* t) { return t->device().is_cpu() && t->dim() == 0; };
  // The op's device: the first defined operand that is not a CPU scalar (CPU
  // if all of them are).
  const Tensor* lead = nullptr;
  for (int k = 0; k < n && !lead; ++k)
    if (ts[k]->defined() && !cpu_scalar(ts[k])) lead = ts[k];
  if (!lead) return Device::cpu();
  Device d = lead->device();
  for (int k = 0; k < n; ++k) {
    const Tensor* t = ts[k];
    if (!t->defined() || t->device() == d || cpu_scalar(t)) continue;
    raise_device_mismatch(d, t->device());
  }
  return d;
}

}  // namespace detail
}  // namespace tc
