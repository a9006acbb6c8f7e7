#pragma once
// CPU allocator: 64-byte aligned blocks, with a bounded size-bucketed cache so
// large temporaries do not pay fresh page faults on every op.
#include <cstddef>

namespace tc {

void* cpu_alloc(size_t nbytes);
void cpu_free(void* ptr, size_t nbytes);
// Frees every cached block (tensorcore.empty_cache()).
void cpu_empty_cache();
size_t cpu_cached_bytes();

}  // namespace tc
