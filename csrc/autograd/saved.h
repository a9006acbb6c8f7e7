#pragma once
// Note [Saved tensors]
// A saved tensor remembers the version counter value at save time; unpacking
// after an in-place change raises, naming the node and both versions.
// Inputs are saved as themselves (they never reference the node saving them).
// Outputs are saved as a detached alias plus the output number, and unpacking
// re-attaches the node as grad_fn, so saving an output creates no cycle.
#include <memory>
#include <string>

#include "core/tensor.h"

namespace tc::autograd {

struct Node;

class SavedTensor {
 public:
  SavedTensor() = default;
  SavedTensor(const Tensor& t, bool is_output);
  // `owner` is the node that saved it (needed for outputs and messages).
  Tensor unpack(Node* owner) const;
  void reset() {
    data_.reset();
    released_ = true;
  }
  bool defined() const { return data_.defined(); }
  // Note [Saved outputs of in-place ops]: an in-place op computes `from` out
  // of place and copies it into `to`; a saved output that is `from` becomes
  // `to` (at to's current version), so a later write into `to` is caught.
  void rebind_output(const Tensor& from, const Tensor& to);

 private:
  Tensor data_;
  uint32_t version_ = 0;
  uint32_t output_nr_ = 0;
  bool is_output_ = false;
  bool requires_grad_ = false;
  bool released_ = false;
};

}  // namespace tc::autograd
