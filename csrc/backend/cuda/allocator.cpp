// The CUDA caching allocator: device memory for tensors on cuda:N.
//
// Note [CUDA caching allocator]
// cudaMalloc and cudaFree are slow (cudaFree synchronizes the device), and a
// training step frees and re-allocates the same sizes every iteration. Freed
// blocks therefore go to a per-device cache keyed by size and are handed out
// again: a request takes the smallest cached block at least its size, when
// that block is at most twice the request (blocks are never split, so a
// larger one would waste more than half of itself). Sizes round up to 512
// bytes. Every
// kernel runs on the device's legacy default stream, so a block freed after
// a launch and reused by a later launch is ordered behind it: no event is
// needed. When cudaMalloc fails, the cache is released (cudaFree) and the
// allocation is tried once more before "CUDA out of memory" is raised.
// memory_allocated counts blocks in use (rounded sizes), memory_reserved
// everything obtained from cudaMalloc, as PyTorch's statistics do.
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "backend/cuda/cuda_check.h"
#include "backend/cuda_api.h"
#include "core/allocator.h"
#include "core/device.h"

namespace tc::cuda {
namespace {

constexpr size_t kRound = 512;
constexpr int kMaxDevices = 64;

struct Block {
  size_t size;
  int device;
};

struct DeviceStats {
  size_t allocated = 0, peak = 0, reserved = 0;
};

class CachingAllocator final : public Allocator {
 public:
  void* allocate(size_t nbytes) override { return allocate_on(Device(DeviceType::CUDA, -1), nbytes); }

  void* allocate_on(Device d, size_t nbytes) override {
    ensure_initialized();
    const int dev = d.index < 0 ? current_device() : d.index;
    TC_CHECK(dev < device_count() && dev < kMaxDevices, "Invalid device id ", dev, ": this machine has ",
             device_count(), " CUDA device(s)");
    const size_t size = nbytes == 0 ? kRound : (nbytes + kRound - 1) / kRound * kRound;
    std::lock_guard<std::mutex> lock(mu_);
    auto& cache = free_[dev];
    auto it = cache.lower_bound(size);
    void* ptr = nullptr;
    size_t got = size;
    if (it != cache.end() && it->first <= 2 * size) {
      ptr = it->second;
      got = it->first;
      cache.erase(it);
    } else {
      ptr = malloc_on(dev, size);
    }
    live_[ptr] = Block{got, dev};
    DeviceStats& s = stats_[dev];
    s.allocated += got;
    if (s.allocated > s.peak) s.peak = s.allocated;
    return ptr;
  }

  void deallocate(void* ptr, size_t) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = live_.find(ptr);
    if (it == live_.end()) return;  // not ours: nothing to do (never happens for our storages)
    const Block b = it->second;
    live_.erase(it);
    stats_[b.device].allocated -= b.size;
    free_[b.device].emplace(b.size, ptr);
  }

  bool host_accessible() const override { return false; }

  Device placement(Device d) const override {
    if (d.index >= 0) return d;
    return Device(DeviceType::CUDA, static_cast<int8_t>(current_device()));
  }

  void release_cache() {
    std::lock_guard<std::mutex> lock(mu_);
    release_cache_locked();
  }

  DeviceStats stats(int dev) {
    std::lock_guard<std::mutex> lock(mu_);
    return dev >= 0 && dev < kMaxDevices ? stats_[dev] : DeviceStats{};
  }
  void reset_peak(int dev) {
    std::lock_guard<std::mutex> lock(mu_);
    if (dev >= 0 && dev < kMaxDevices) stats_[dev].peak = stats_[dev].allocated;
  }

 private:
  void* malloc_on(int dev, size_t size) {
    int previous = 0;
    check(cudaGetDevice(&previous), "cudaGetDevice");
    if (previous != dev) check(cudaSetDevice(dev), "cudaSetDevice");
    void* p = nullptr;
    cudaError_t e = cudaMalloc(&p, size);
    if (e == cudaErrorMemoryAllocation) {  // give the cache back and try once more
      (void)cudaGetLastError();
      release_cache_locked();
      e = cudaMalloc(&p, size);
    }
    if (previous != dev) (void)cudaSetDevice(previous);
    if (e == cudaErrorMemoryAllocation) {
      (void)cudaGetLastError();
      raise(ErrorKind::Runtime, "CUDA out of memory. Tried to allocate ", size / 1048576.0, " MiB on cuda:", dev, " (",
            stats_[dev].allocated / 1048576.0, " MiB allocated by tensorcore, ", stats_[dev].reserved / 1048576.0,
            " MiB reserved)");
    }
    check(e, "cudaMalloc");
    stats_[dev].reserved += size;
    return p;
  }

  void release_cache_locked() {
    for (int dev = 0; dev < kMaxDevices; ++dev) {
      for (auto& [size, ptr] : free_[dev]) {
        (void)cudaFree(ptr);
        stats_[dev].reserved -= size;
      }
      free_[dev].clear();
    }
  }

  std::mutex mu_;
  std::multimap<size_t, void*> free_[kMaxDevices];
  std::unordered_map<void*, Block> live_;
  DeviceStats stats_[kMaxDevices];
};

// Leaked on purpose: storages freed during interpreter shutdown still return
// their blocks to it after static destructors would have run.
CachingAllocator& allocator() {
  static auto* a = new CachingAllocator();
  return *a;
}

}  // namespace

// Note [CUDA backend not yet verified]: registered only when the backend is on,
// so an off backend raises the CPU-only build's error for device='cuda'.
void register_backend() {
  if (enabled()) register_allocator(DeviceType::CUDA, &allocator());
}

size_t memory_allocated(int index) { return allocator().stats(index < 0 ? current_device() : index).allocated; }
size_t max_memory_allocated(int index) { return allocator().stats(index < 0 ? current_device() : index).peak; }
size_t memory_reserved(int index) { return allocator().stats(index < 0 ? current_device() : index).reserved; }
void reset_peak_memory_stats(int index) { allocator().reset_peak(index < 0 ? current_device() : index); }
void empty_cache() {
  if (is_available()) allocator().release_cache();
}

}  // namespace tc::cuda
