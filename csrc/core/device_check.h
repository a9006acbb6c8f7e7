#pragma once
// The device check of ops that combine tensors.
//
// Note [Device checks]
// An op that reads or writes several tensors runs on one device: the device
// of its first operand that is not a CPU scalar. Every other operand must be
// on that device, except zero-dim CPU tensors (wrapped Python numbers, scalar
// tensors), which PyTorch lets join tensors of any device because their one
// value travels as a kernel argument. A mismatch raises PyTorch's
// RuntimeError: "Expected all tensors to be on the same device, but found at
// least two devices, cpu and cuda:0!". Undefined tensors (outputs still to be
// allocated) take no part. TensorIterator runs this for every elementwise op.
#include "core/tensor.h"

namespace tc {

namespace detail {
[[noreturn]] void raise_device_mismatch(Device a, Device b);
Device common_device_slow(const Tensor* const* ts, int n);
}  // namespace detail

// The device shared by the defined tensors ts[0..n) (CPU when none is defined).
inline Device common_device(const Tensor* const* ts, int n) {
  // Fast path: every defined operand is on the first one's device.
  int first = 0;
  while (first < n && !ts[first]->defined()) ++first;
  if (first == n) return Device::cpu();
  Device d = ts[first]->device();
  for (int k = first + 1; k < n; ++k)
    if (ts[k]->defined() && ts[k]->device() != d) return detail::common_device_slow(ts, n);
  return d;
}

inline Device common_device(std::initializer_list<const Tensor*> ts) {
  return common_device(ts.begin(), static_cast<int>(ts.size()));
}

}  // namespace tc
