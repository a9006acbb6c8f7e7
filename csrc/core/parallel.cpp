#include "core/parallel.h"

#include <pthread.h>
#include "core/gil.h"

#include <algorithm>
#include <exception>
#include <mutex>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace tc {
namespace {
int g_num_threads = 0;  // 0: not yet initialised

// Note [Fork and the thread pool]
// GNU OpenMP's pool does not survive fork(): a parallel region in a forked
// child waits forever for worker threads that were not copied. A child of a
// process that may have used the pool (DataLoader workers with the fork start
// method, multiprocessing) therefore runs single-threaded, as PyTorch's children
// do; set_num_threads in the child cannot bring the pool back either.
bool g_forked_child = false;
void single_threaded_after_fork() {
  g_forked_child = true;
  g_num_threads = 1;
}
[[maybe_unused]] const int g_atfork_registered = pthread_atfork(nullptr, nullptr, &single_threaded_after_fork);
}  // namespace

int get_num_threads() {
#ifdef _OPENMP
  if (g_num_threads == 0) g_num_threads = omp_get_max_threads();
  return g_num_threads;
#else
  return 1;
#endif
}

void set_num_threads(int n) {
  if (n < 1 || g_forked_child) n = 1;  // Note [Fork and the thread pool]
  g_num_threads = n;
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
}

bool in_parallel_region() {
#ifdef _OPENMP
  return omp_in_parallel();
#else
  return false;
#endif
}

void parallel_for(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& f) {
  if (begin >= end) return;
  int64_t n = end - begin;
  if (grain < 1) grain = 1;
  int nt = get_num_threads();
  int64_t max_chunks = (n + grain - 1) / grain;
  if (nt <= 1 || max_chunks <= 1 || in_parallel_region()) {
    f(begin, end);
    return;
  }
#ifdef _OPENMP
  int workers = static_cast<int>(std::min<int64_t>(nt, max_chunks));
  std::exception_ptr err;
  std::mutex err_mu;
#pragma omp parallel num_threads(workers)
  {
    int tid = omp_get_thread_num();
    int64_t chunk = (n + workers - 1) / workers;
    int64_t b = begin + tid * chunk;
    int64_t e = std::min(end, b + chunk);
    if (b < e) {
      try {
        f(b, e);
      } catch (...) {
        std::lock_guard<std::mutex> g(err_mu);
        if (!err) err = std::current_exception();
      }
    }
  }
  if (err) std::rethrow_exception(err);
#else
  f(begin, end);
#endif
}

}  // namespace tc

// ---- Note [Releasing the GIL] (core/gil.h) ----
namespace tc {
namespace {
GilHooks g_gil_hooks;
}
void set_gil_hooks(const GilHooks& hooks) { g_gil_hooks = hooks; }

MaybeReleaseGil::MaybeReleaseGil(int64_t work) {
  if (work >= kGilReleaseWork && g_gil_hooks.held && g_gil_hooks.held()) state_ = g_gil_hooks.release();
}
MaybeReleaseGil::~MaybeReleaseGil() {
  if (state_) g_gil_hooks.restore(state_);
}
}  // namespace tc
