// CPU autocast state and the cast cache (Note [CPU autocast] in ops/autocast.h).
#include "ops/autocast.h"

#include <unordered_map>
#include <utility>

#include "autograd/grad_mode.h"
#include "autograd/meta.h"
#include "core/error.h"
#include "ops/ops.h"

namespace tc::autocast {

namespace {
// Key: the source TensorImpl. The entry holds the source itself, so the key
// cannot be reused by another tensor while the entry lives (PyTorch holds a
// weak reference for the same purpose); entries live until clear_cache().
thread_local std::unordered_map<TensorImpl*, std::pair<Tensor, Tensor>> cache;

bool is_leaf_non_view(const Tensor& t) {
  const autograd::AutogradMeta* m = autograd::meta_or_null(t);
  return !m || (!m->grad_fn && !m->view_base.defined());
}
}  // namespace

Tensor cached_cast(DType to, const Tensor& t) {
  if (!t.defined() || !is_floating(t.dtype()) || t.dtype() == DType::Float64 || t.dtype() == to || !t.device().is_cpu())
    return t;
  const State& s = tls_state;
  const bool can_cache =
      s.cache_enabled && to == s.dtype && t.dtype() == DType::Float32 && t.requires_grad() && is_leaf_non_view(t);
  if (!can_cache) return ops::to_dtype(t, to);
  auto it = cache.find(t.get());
  if (it != cache.end()) return it->second.second;
  Tensor c = ops::to_dtype(t, to);
  // A cast made under no_grad has no grad_fn: PyTorch does not keep it for later uses.
  if (autograd::grad_enabled()) cache.emplace(t.get(), std::make_pair(t, c));
  return c;
}

std::vector<Tensor> promote(const std::vector<Tensor>& ts) {
  const DType lower_dt = tls_state.dtype;
  DType to = lower_dt;
  for (const Tensor& t : ts) {
    if (!t.defined() || !is_floating(t.dtype()) || t.dtype() == DType::Float64 || !t.device().is_cpu()) continue;
    const DType next = t.dtype();
    if (to == DType::Float32 || next == to) continue;
    TC_CHECK(next == DType::Float32, "Unexpected floating ScalarType in at::autocast::prioritize");
    to = next;
  }
  std::vector<Tensor> out;
  out.reserve(ts.size());
  for (const Tensor& t : ts) out.push_back(cached_cast(to, t));
  return out;
}

void set_enabled(bool on) {
  tls_state.enabled = on;
  tls_state.refresh();
}

void clear_cache() {
  // Swap out first: destroying entries may run arbitrary deleters.
  std::unordered_map<TensorImpl*, std::pair<Tensor, Tensor>> old;
  old.swap(cache);
}

}  // namespace tc::autocast
