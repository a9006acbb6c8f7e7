#pragma once
// CPU autocast state and casts (torch.autocast('cpu', ...)).
//
// Note [CPU autocast]
// PyTorch autocasts at the dispatcher: an op on its CPU lists casts its
// floating inputs first (lower_precision_fp: to the autocast dtype; fp32: to
// float32; promote: to the widest floating input dtype) and then runs with
// autocast excluded, so the ops it calls inside are not cast again. Ops not
// on a list run as they are (a composite that is not listed reaches the
// listed ops it is made of, which cast). tensorcore keeps the same state per
// thread here: `enabled`, `dtype`, `cache_enabled`, the nesting count the
// Python context manager uses to clear the cache, and `excluded`, the depth
// of listed calls in progress. Op entries test the one flag `active`
// (enabled and not excluded), so with autocast off the cost is a branch on a
// thread-local bool. The listed ops hook in two places: ops::matmul here in
// C++ (torch.matmul, Tensor.matmul and `@` reach it without Python), and a
// Python decorator for the rest (tensorcore/amp/_policies.py), which calls
// cached_cast below and holds an ExcludeGuard while the op runs.
//
// The casts are ordinary recorded to_dtype casts, so gradients reach float32
// leaves. As in PyTorch, a lower-precision cast of a float32 leaf that
// requires grad (a weight) is cached until the outermost autocast region
// exits: every use in the region shares one cast (and its ToCopyBackward0
// node), and an in-place update of the weight inside the region is not seen
// by later casts (cache_enabled=False turns this off). float64 inputs and
// non-floating inputs are never cast.
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace tc::autocast {

struct State {
  bool enabled = false;  // torch.is_autocast_enabled('cpu')
  bool cache_enabled = true;
  bool active = false;  // enabled && excluded == 0: what op entries test
  DType dtype = DType::BFloat16;
  int32_t excluded = 0;  // listed calls in progress on this thread
  int64_t nesting = 0;   // autocast_increment_nesting / autocast_decrement_nesting
  void refresh() { active = enabled && excluded == 0; }
};

inline thread_local State tls_state;

inline bool active() { return tls_state.active; }

// `t` cast to `to` when it is a floating tensor other than float64 and of
// another dtype (cached as described in Note [CPU autocast]); else `t`.
Tensor cached_cast(DType to, const Tensor& t);
inline Tensor lower(const Tensor& t) { return cached_cast(tls_state.dtype, t); }
// The promote policy: every eligible tensor cast to the widest eligible dtype,
// starting from the autocast dtype (PyTorch's prioritize(), which raises for
// the other 16-bit float type).
std::vector<Tensor> promote(const std::vector<Tensor>& ts);

void set_enabled(bool on);
void clear_cache();

// Excludes autocast while a listed op runs (PyTorch's ExcludeDispatchKeyGuard).
struct ExcludeGuard {
  ExcludeGuard() {
    ++tls_state.excluded;
    tls_state.refresh();
  }
  ~ExcludeGuard() {
    --tls_state.excluded;
    tls_state.refresh();
  }
  ExcludeGuard(const ExcludeGuard&) = delete;
  ExcludeGuard& operator=(const ExcludeGuard&) = delete;
};

}  // namespace tc::autocast
