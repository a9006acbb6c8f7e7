#pragma once
// Storage: a ref-counted block of bytes on one device. Either owned (taken
// from that device's allocator, Note [Allocator per device type]) or borrowed
// from another owner (numpy, DLPack) with a deleter that releases that owner.
#include <cstddef>
#include <functional>
#include <memory>

#include "core/allocator.h"
#include "core/device.h"

namespace tc {

// Note [Inline small storage]
// CPU blocks of at most kInlineBytes live inside the StorageImpl itself, so a
// small tensor costs one allocation for its storage instead of two. (Never
// for other devices: their memory is not host memory.)
constexpr size_t kInlineBytes = 64;

struct StorageImpl {
  void* data = nullptr;
  size_t nbytes = 0;
  std::function<void()> release;   // empty: owned by `allocator` (or the cpu allocator) or inline
  Allocator* allocator = nullptr;  // null: the cpu allocator (the fast path needs no virtual call)
  Device device;
  // Note [Placeholder storage]: the elements of a tensor over this storage
  // live elsewhere (a sparse COO tensor's dense placeholder, tensorcore/sparse:
  // its values and indices are separate tensors). Reading or writing them
  // through any kernel raises (TensorImpl::data_bytes), so an op without a
  // sparse implementation fails loudly instead of computing on the placeholder.
  bool placeholder = false;
  // Note [Device memory is not host memory]
  // The bytes live in memory the host cannot read (a CUDA device's). Host
  // kernels reach a tensor's elements only through TensorImpl::data_bytes,
  // which raises for such a storage instead of letting a CPU loop dereference
  // a device address (a crash); the device's own kernels take the address
  // through raw_data_bytes. An op with no kernel for the device therefore
  // fails with NotImplementedError naming the device, never a segfault.
  bool device_memory = false;
  // Note [Shrunk storage]: the block was made smaller in place (UntypedStorage.resize_, e.g. resize_(0) to
  // free a parameter's memory), so a tensor over it may reach past its end: host access then checks the
  // tensor's extent against the block (TensorImpl::data_bytes) and raises instead of reading out of bounds.
  bool shrunk = false;
  alignas(64) unsigned char inline_buf[kInlineBytes];

  StorageImpl() = default;
  StorageImpl(const StorageImpl&) = delete;
  StorageImpl& operator=(const StorageImpl&) = delete;
  ~StorageImpl() {
    if (release)
      release();
    else if (allocator)
      allocator->deallocate(data, nbytes);
    else if (data != inline_buf)
      cpu_free(data, nbytes);
  }
};
using Storage = std::shared_ptr<StorageImpl>;

// A fresh block on `device`: raises get_allocator's error for a device type
// with no backend. A CPU storage never carries an index (as PyTorch:
// `torch.ones(2, device='cpu:1').device` is `device(type='cpu')`).
inline Storage new_storage(size_t nbytes, Device device = Device::cpu()) {
  if (!device.is_cpu()) {
    Allocator* a = get_allocator(device.type);
    const Device placed = a->placement(device);
    auto s = std::make_shared<StorageImpl>();
    s->data = a->allocate_on(placed, nbytes);
    s->nbytes = nbytes;
    s->allocator = a;
    s->device = placed;
    s->device_memory = !a->host_accessible();
    return s;
  }
  auto s = std::make_shared<StorageImpl>();
  s->data = nbytes <= kInlineBytes ? static_cast<void*>(s->inline_buf) : cpu_alloc(nbytes);
  s->nbytes = nbytes;
  return s;
}

// `device_memory`: the block is not host memory (a DLPack CUDA tensor's).
inline Storage borrowed_storage(void* data, size_t nbytes, std::function<void()> release, Device device = Device::cpu(),
                                bool device_memory = false) {
  auto s = std::make_shared<StorageImpl>();
  s->data = data;
  s->nbytes = nbytes;
  s->release = release ? std::move(release) : [] {};
  s->device = device.is_cpu() ? Device::cpu() : device;
  s->device_memory = device_memory;
  return s;
}

}  // namespace tc
