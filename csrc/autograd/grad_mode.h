#pragma once
// Note [Grad mode is thread-local]
namespace tc::autograd {
bool grad_enabled();
void set_grad_enabled(bool on);
struct NoGradGuard {
  bool prev;
  NoGradGuard() : prev(grad_enabled()) { set_grad_enabled(false); }
  ~NoGradGuard() { set_grad_enabled(prev); }
};
// For code that records history on behalf of an in-place op that already
// decided it needs it (rebase_history runs inside the op's NoGradGuard).
struct EnableGradGuard {
  bool prev;
  EnableGradGuard() : prev(grad_enabled()) { set_grad_enabled(true); }
  ~EnableGradGuard() { set_grad_enabled(prev); }
};
}  // namespace tc::autograd
