#pragma once
// Storage: a ref-counted block of bytes. Either owned (allocated by the CPU
// allocator) or borrowed from another owner (numpy, DLPack) with a deleter
// that releases that owner.
#include <cstddef>
#include <functional>
#include <memory>

#include "core/allocator.h"

namespace tc {

// Note [Inline small storage]
// Blocks of at most kInlineBytes live inside the StorageImpl itself, so a
// small tensor costs one allocation for its storage instead of two.
constexpr size_t kInlineBytes = 64;

struct StorageImpl {
  void* data = nullptr;
  size_t nbytes = 0;
  std::function<void()> release;  // empty: owned by the cpu allocator or inline
  alignas(64) unsigned char inline_buf[kInlineBytes];

  StorageImpl() = default;
  StorageImpl(const StorageImpl&) = delete;
  StorageImpl& operator=(const StorageImpl&) = delete;
  ~StorageImpl() {
    if (release) release();
    else if (data != inline_buf) cpu_free(data, nbytes);
  }
};
using Storage = std::shared_ptr<StorageImpl>;

inline Storage new_storage(size_t nbytes) {
  auto s = std::make_shared<StorageImpl>();
  s->data = nbytes <= kInlineBytes ? static_cast<void*>(s->inline_buf) : cpu_alloc(nbytes);
  s->nbytes = nbytes;
  return s;
}

inline Storage borrowed_storage(void* data, size_t nbytes, std::function<void()> release) {
  auto s = std::make_shared<StorageImpl>();
  s->data = data;
  s->nbytes = nbytes;
  s->release = release ? std::move(release) : [] {};
  return s;
}

}  // namespace tc
