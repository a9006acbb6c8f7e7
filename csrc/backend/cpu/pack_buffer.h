#pragma once
// A packing buffer for the GEMM kernels: 4 KiB aligned, grown on demand and
// reused (held thread-local by its users).
//
// Defined in an unnamed namespace on purpose: the kernels that include it are
// compiled once per instruction set (and gemm_bf16_native.cpp with
// -mavx512bf16), so a shared inline definition could be emitted with one
// variant's instructions and linked into another's callers.
#include <cstddef>
#include <cstdlib>
#include <new>

namespace tc::cpu {
namespace {

struct PackBuffer {
  void* ptr = nullptr;
  size_t cap = 0;
  ~PackBuffer() { std::free(ptr); }
  void* get(size_t bytes) {
    if (bytes > cap) {
      std::free(ptr);
      cap = (bytes + 4095) & ~size_t(4095);
      ptr = std::aligned_alloc(4096, cap);
      if (!ptr) {
        cap = 0;
        throw std::bad_alloc();
      }
    }
    return ptr;
  }
};

}  // namespace
}  // namespace tc::cpu
