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

}  // namespace tc
