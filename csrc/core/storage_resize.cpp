#include "core/storage_resize.h"

#include <cstring>

#include "core/error.h"

namespace tc {

void grow_storage(StorageImpl& s, size_t nbytes) {
  if (nbytes <= s.nbytes) return;
  TC_CHECK(!s.release, "Trying to resize storage that is not resizable");
  void* fresh = cpu_alloc(nbytes);
  if (s.nbytes) std::memcpy(fresh, s.data, s.nbytes);
  if (s.data != s.inline_buf) cpu_free(s.data, s.nbytes);
  s.data = fresh;
  s.nbytes = nbytes;
}

void resize_storage(StorageImpl& s, size_t nbytes) {
  if (nbytes >= s.nbytes) {
    grow_storage(s, nbytes);
    return;
  }
  TC_CHECK(!s.release && !s.allocator, "Trying to resize storage that is not resizable");
  if (s.data != s.inline_buf) {
    void* fresh = nbytes <= kInlineBytes ? static_cast<void*>(s.inline_buf) : cpu_alloc(nbytes);
    if (nbytes) std::memcpy(fresh, s.data, nbytes);
    cpu_free(s.data, s.nbytes);
    s.data = fresh;
  }
  s.nbytes = nbytes;
  s.shrunk = true;
}

}  // namespace tc
