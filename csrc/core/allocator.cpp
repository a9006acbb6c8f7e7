#include "core/allocator.h"

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "core/error.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace tc {
namespace {

// Note [Caching allocator]
// Blocks of at least kCacheMin bytes are rounded up to a size class and, when
// freed, kept for reuse while the cache holds at most kCacheLimit bytes. Size
// classes split each power of two into kClassesPerOctave steps, so a request
// wastes at most 1/8 of its size (power-of-two classes wasted up to half: a
// 1.25 GiB tensor took a 2 GiB block). Blocks above kCacheMaxBlock go back to
// the OS when freed: keeping them would pin hundreds of MiB after the tensors
// are gone, and their page faults are amortised over so much work that a
// cache gains little. Small blocks go straight to the system allocator
// (malloc is fast for them and caching would only add lock traffic).
constexpr size_t kAlign = 64;
constexpr size_t kCacheMin = size_t(1) << 20;
constexpr size_t kCacheLimit = size_t(256) << 20;
constexpr size_t kCacheMaxBlock = size_t(128) << 20;
constexpr int kClassesPerOctave = 8;

struct Cache {
  std::mutex mu;
  std::unordered_map<size_t, std::vector<void*>> free_blocks;
  size_t cached = 0;
};
Cache& cache() {
  static Cache* c = new Cache();  // leaked on purpose: outlives static tensors
  return *c;
}

size_t bucket(size_t n) {
  size_t octave = kCacheMin;
  while (octave * 2 <= n) octave <<= 1;  // octave <= n < 2 * octave
  const size_t step = octave / kClassesPerOctave;
  return (n + step - 1) / step * step;
}

// Note [Huge pages]
// Blocks of kHugeMin bytes or more are 2 MiB aligned and advised as huge-page
// candidates (numpy does the same): walking a 64 MiB tensor then costs 32 TLB
// entries instead of 16384, worth ~20% on bandwidth-bound kernels. Where
// transparent huge pages are off the advice is a no-op. The block handed out
// starts one cache line past the 2 MiB boundary (kHugeOffset): MPICH's
// shared-memory all-reduce of 32-128 MiB measured 25-40% slower on a buffer
// at a 2 MiB boundary than on the same memory 64 bytes further (numpy arrays,
// which glibc places 16 bytes past a page, were never affected), most likely
// 4K aliasing between a copy's loads and its stores into page-aligned
// shared-memory cells (bench/bench_allreduce.py, docs/distributed.md).
constexpr size_t kHugeMin = size_t(4) << 20;
constexpr size_t kHugeAlign = size_t(2) << 20;
constexpr size_t kHugeOffset = kAlign;

void* raw_alloc(size_t n) {
  if (n < kHugeMin) {
    void* p = std::aligned_alloc(kAlign, (n + kAlign - 1) / kAlign * kAlign);
    if (!p) throw std::bad_alloc();
    return p;
  }
  const size_t total = (n + kHugeOffset + kHugeAlign - 1) / kHugeAlign * kHugeAlign;
  void* base = std::aligned_alloc(kHugeAlign, total);
  if (!base) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  madvise(base, total, MADV_HUGEPAGE);
#endif
  return static_cast<char*>(base) + kHugeOffset;
}

// Frees a raw_alloc(n) block (n: the size raw_alloc was given).
void raw_free(void* p, size_t n) { std::free(n >= kHugeMin ? static_cast<char*>(p) - kHugeOffset : p); }

}  // namespace

void* cpu_alloc(size_t nbytes) {
  if (nbytes == 0) nbytes = 1;
  // No x86-64/ARM64 process can map 2^47 bytes (128 TiB): fail at once (ASan
  // would abort instead of returning null, and bucket() would overflow).
  if (nbytes > (size_t(1) << 47)) throw std::bad_alloc();
  if (nbytes < kCacheMin) return raw_alloc(nbytes);
  size_t b = bucket(nbytes);
  if (b > kCacheMaxBlock) return raw_alloc(nbytes);  // never cached: no rounding
  {
    Cache& c = cache();
    std::lock_guard<std::mutex> g(c.mu);
    auto it = c.free_blocks.find(b);
    if (it != c.free_blocks.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      c.cached -= b;
      return p;
    }
  }
  return raw_alloc(b);
}

void cpu_free(void* ptr, size_t nbytes) {
  if (!ptr) return;
  if (nbytes < kCacheMin) {
    raw_free(ptr, nbytes);
    return;
  }
  size_t b = bucket(nbytes);
  Cache& c = cache();
  {
    std::lock_guard<std::mutex> g(c.mu);
    if (b <= kCacheMaxBlock && c.cached + b <= kCacheLimit) {
      c.free_blocks[b].push_back(ptr);
      c.cached += b;
      return;
    }
  }
  raw_free(ptr, b <= kCacheMaxBlock ? b : nbytes);  // cpu_alloc's raw_alloc size
}

void cpu_empty_cache() {
  Cache& c = cache();
  std::lock_guard<std::mutex> g(c.mu);
  for (auto& kv : c.free_blocks)
    for (void* p : kv.second) raw_free(p, kv.first);
  c.free_blocks.clear();
  c.cached = 0;
}

size_t cpu_cached_bytes() {
  Cache& c = cache();
  std::lock_guard<std::mutex> g(c.mu);
  return c.cached;
}

}  // namespace tc

namespace tc {
namespace {

struct CpuAllocator final : Allocator {
  void* allocate(size_t nbytes) override { return cpu_alloc(nbytes); }
  void deallocate(void* ptr, size_t nbytes) override { cpu_free(ptr, nbytes); }
};

// Indexed by DeviceType. Registration happens at load time (backends) or in
// tests, before tensors of that type exist; lookups are plain loads.
std::atomic<Allocator*>* allocators() {
  static CpuAllocator cpu;
  static std::atomic<Allocator*> table[kNumDeviceTypes] = {};
  static bool init = [] {
    table[static_cast<int>(DeviceType::CPU)].store(&cpu);
    return true;
  }();
  (void)init;
  return table;
}

}  // namespace

void register_allocator(DeviceType t, Allocator* a) { allocators()[static_cast<int>(t)].store(a); }

bool has_allocator(DeviceType t) { return allocators()[static_cast<int>(t)].load() != nullptr; }

Allocator* get_allocator(DeviceType t) {
  Allocator* a = allocators()[static_cast<int>(t)].load();
  if (!a) raise_no_backend(t);
  return a;
}

void raise_no_backend(DeviceType t) {
  // PyTorch's CPU build: torch.cuda/torch.xpu's lazy init asserts; other
  // types fail in the dispatcher with NotImplementedError ("Could not run
  // 'aten::empty.memory_format' with arguments from the 'MPS' backend").
  // Meta tensors (shape-only) are not implemented in tensorcore.
  if (t == DeviceType::CUDA) raise(ErrorKind::Assertion, "Torch not compiled with CUDA enabled");
  if (t == DeviceType::XPU) raise(ErrorKind::Assertion, "Torch not compiled with XPU enabled");
  raise(ErrorKind::NotImplemented, "tensorcore has no '", device_type_name(t),
        "' backend: tensors can only be created on the cpu",
        t == DeviceType::Meta ? " (meta tensors are not "
                                "supported)"
                              : "");
}

}  // namespace tc
