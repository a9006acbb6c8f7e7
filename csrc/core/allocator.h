#pragma once
// Allocators, one per device type, and the CPU allocator: 64-byte aligned
// blocks, with a bounded size-bucketed cache so large temporaries do not pay
// fresh page faults on every op.
//
// Note [Allocator per device type]
// new_storage(nbytes, device) takes memory from the allocator registered for
// device.type. The CPU allocator is always registered; a backend (CUDA, ...)
// registers its own at load time. Asking for a type nobody registered raises
// the error PyTorch's CPU-only build raises for it (get_allocator), so
// `tensorcore.ones(2, device='cuda')` fails where the memory would come from,
// and a new backend needs no change here.
#include <cstddef>

#include "core/device.h"

namespace tc {

struct Allocator {
  virtual ~Allocator() = default;
  virtual void* allocate(size_t nbytes) = 0;
  virtual void deallocate(void* ptr, size_t nbytes) = 0;
  // False for memory the host cannot dereference (a GPU's): storages from
  // this allocator are device memory (Note [Device memory is not host memory]).
  virtual bool host_accessible() const { return true; }
  // The device a new storage for `d` lands on: a backend with several devices
  // gives an unindexed `d` ('cuda') its current index, as PyTorch reports
  // `torch.ones(2, device='cuda').device` as cuda:0.
  virtual Device placement(Device d) const { return d; }
  // A block on that device (placement's result); single-device backends ignore it.
  virtual void* allocate_on(Device d, size_t nbytes) {
    (void)d;
    return allocate(nbytes);
  }
};

// Installs `a` (not owned; must outlive every storage it allocates) for type
// `t`, replacing any earlier one; nullptr unregisters (tests).
void register_allocator(DeviceType t, Allocator* a);
// The allocator for `t`; raises when no backend for `t` is compiled in:
// AssertionError "Torch not compiled with CUDA enabled" (and XPU) as PyTorch's
// Python layer does, NotImplementedError naming the device otherwise.
Allocator* get_allocator(DeviceType t);
bool has_allocator(DeviceType t);
// Whether storages on `d` are device memory (Note [Device memory is not host
// memory] in core/storage.h): false for a type with no backend.
inline bool is_device_memory(Device d) {
  return !d.is_cpu() && has_allocator(d.type) && !get_allocator(d.type)->host_accessible();
}
// Raises get_allocator's error for `t` (which has no allocator).
[[noreturn]] void raise_no_backend(DeviceType t);

void* cpu_alloc(size_t nbytes);
void cpu_free(void* ptr, size_t nbytes);
// Frees every cached block (tensorcore.empty_cache()).
void cpu_empty_cache();
size_t cpu_cached_bytes();

}  // namespace tc
