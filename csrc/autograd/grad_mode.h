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
}  // namespace tc::autograd
