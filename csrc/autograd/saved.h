#pragma once
// Note [Saved tensors]
// A saved tensor remembers the version counter value at save time; unpacking
// after an in-place change raises, naming the node and both versions.
// Inputs are saved as themselves (they never reference the node saving them).
// Outputs are saved as a detached alias plus the output number, and unpacking
// re-attaches the node as grad_fn, so saving an output creates no cycle.
//
// Note [Saved-tensor hooks]
// torch.autograd.graph.saved_tensors_hooks(pack, unpack): while a pair is
// active on a thread, every tensor saved for backward is handed to pack at
// save time and only pack's result is kept; unpack turns it back into a
// tensor each time the saved value is read (by backward or grad_fn._saved_*).
// The core knows no Python: the bindings install a PackHook for the thread
// while their stack of Python pairs is non-empty, and the PackedSaved it
// returns calls the matching unpack. As in PyTorch, a hooked saved tensor has
// no version check (the original is not kept), the pack hook runs in no-grad
// mode and may not modify its input in place, wrapped numbers are not
// hooked, and the unpacked value is re-attached to the saved tensor's
// history: an output to the node that saved it, a non-leaf input to its
// grad_fn, a leaf to its gradient accumulator, so double backward still
// reaches the original tensors.
#include <memory>
#include <string>

#include "core/tensor.h"

namespace tc::autograd {

struct Node;

// What a pack hook returned; unpack() calls the matching unpack hook.
class PackedSaved {
 public:
  virtual ~PackedSaved() = default;
  virtual Tensor unpack() const = 0;
};
using PackHook = std::shared_ptr<PackedSaved> (*)(const Tensor&);
// The thread's active pack hook (nullptr: none); set by the bindings.
void set_thread_pack_hook(PackHook hook);
PackHook thread_pack_hook();

class SavedTensor {
 public:
  SavedTensor() = default;
  SavedTensor(const Tensor& t, bool is_output);
  // `owner` is the node that saved it (needed for outputs and messages).
  Tensor unpack(Node* owner) const;
  void reset() {
    data_.reset();
    packed_.reset();
    grad_fn_.reset();
    released_ = true;
  }
  bool defined() const { return data_.defined() || packed_ != nullptr; }
  // Note [Saved outputs of in-place ops]: an in-place op computes `from` out
  // of place and copies it into `to`; a saved output that is `from` becomes
  // `to` (at to's current version), so a later write into `to` is caught.
  void rebind_output(const Tensor& from, const Tensor& to);

 private:
  Tensor unpack_hooked(Node* owner) const;

  Tensor data_;
  // Note [Saved-tensor hooks]: set instead of data_ when a pack hook was
  // active; grad_fn_ / grad_accumulator_ keep an input's history.
  std::shared_ptr<PackedSaved> packed_;
  std::shared_ptr<Node> grad_fn_;
  std::weak_ptr<Node> grad_accumulator_;
  uint32_t version_ = 0;
  uint32_t output_nr_ = 0;
  bool is_output_ = false;
  bool requires_grad_ = false;
  bool released_ = false;
};

}  // namespace tc::autograd
