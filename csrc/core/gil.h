#pragma once
// Note [Releasing the GIL]
// Kernels that run longer than a few microseconds let other Python threads
// run: every call through the backend dispatch (backend/cpu/dispatch.cpp)
// with at least kGilReleaseWork units of work releases the GIL for the
// kernel's duration and takes it back before returning or throwing. Only
// kernel bodies run without the GIL: they read and write tensor memory and
// nothing else (no allocator bookkeeping, generator, version counter or Python
// object), so everything an op does around its kernel stays serialised by the
// GIL as before. The core does not link Python: the bindings install the
// three hooks at import; without them (C++ tests, benchmarks) this is a no-op.
#include <cstdint>

namespace tc {

struct GilHooks {
  bool (*held)() = nullptr;          // does this thread hold the GIL?
  void* (*release)() = nullptr;      // PyEval_SaveThread
  void (*restore)(void*) = nullptr;  // PyEval_RestoreThread
};
void set_gil_hooks(const GilHooks& hooks);

// ~10-50 us of elementwise work on one core; below it, the release costs more
// than it gives.
constexpr int64_t kGilReleaseWork = 1 << 15;

class MaybeReleaseGil {
 public:
  explicit MaybeReleaseGil(int64_t work);
  ~MaybeReleaseGil();
  MaybeReleaseGil(const MaybeReleaseGil&) = delete;
  MaybeReleaseGil& operator=(const MaybeReleaseGil&) = delete;

 private:
  void* state_ = nullptr;
};

}  // namespace tc
