#pragma once
// Storage: a ref-counted block of bytes. Either owned (allocated by the CPU
// allocator) or borrowed from another owner (numpy, DLPack) with a deleter
// that releases that owner.
#include <cstddef>
#include <functional>
#include <memory>

#include "core/allocator.h"

namespace tc {

struct StorageImpl {
  void* data = nullptr;
  size_t nbytes = 0;
  std::function<void()> release;  // empty: memory owned by cpu allocator

  StorageImpl() = default;
  StorageImpl(const StorageImpl&) = delete;
  StorageImpl& operator=(const StorageImpl&) = delete;
  ~StorageImpl() {
    if (release) release();
    else cpu_free(data, nbytes);
  }
};
using Storage = std::shared_ptr<StorageImpl>;

inline Storage new_storage(size_t nbytes) {
  auto s = std::make_shared<StorageImpl>();
  s->data = cpu_alloc(nbytes);
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
