#pragma once
// TensorImpl (sizes, strides in elements, storage offset, dtype, device,
// version counter, nullable autograd meta) and Tensor, an intrusive handle to it.
//
// Note [One Python object per TensorImpl]
// Tensor is the pybind11 holder of TensorImpl. pybind11 maps an impl pointer
// back to its live Python object, so returning the same impl twice (e.g.
// `.grad`) yields the same Python object, as in PyTorch.
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/dtype.h"
#include "core/storage.h"

namespace tc {

using Shape = std::vector<int64_t>;
namespace autograd {
struct AutogradMeta;
}

// Note [Version counter]
// Shared by a tensor and all its views (and detach()); bumped by every in-place
// op. Saved tensors remember the value they were saved at and backward
// compares it (see autograd/saved.h).
struct VersionCounter {
  std::atomic<uint32_t> value{0};
};

class TensorImpl {
 public:
  TensorImpl(Storage storage, DType dtype, Shape sizes, Shape strides, int64_t offset,
             std::shared_ptr<VersionCounter> version);
  ~TensorImpl();
  TensorImpl(const TensorImpl&) = delete;
  TensorImpl& operator=(const TensorImpl&) = delete;

  Storage storage;
  DType dtype;
  // Note [Device of a tensor]
  // A copy of storage->device, taken in the constructor (views share the
  // storage, so they share the device), kept here so `t.device` and the
  // device checks of ops read one byte pair without chasing the storage.
  Device device;
  Shape sizes;
  Shape strides;
  int64_t offset;  // in elements
  std::shared_ptr<VersionCounter> version;
  std::unique_ptr<autograd::AutogradMeta> autograd;  // null until needed
  std::atomic<int32_t> refcount{0};
  bool wrapped_number = false;  // Note [Wrapped numbers] in ops/ops.h

  int64_t dim() const { return static_cast<int64_t>(sizes.size()); }
  int64_t numel() const;
  bool is_contiguous() const;
  // The first element's address, for host code: raises for a placeholder
  // (Note [Placeholder storage]) and for device memory (Note [Device memory
  // is not host memory]).
  char* data_bytes() const {
    if (__builtin_expect(storage->placeholder | storage->device_memory | storage->shrunk, 0)) check_host_access();
    return static_cast<char*>(storage->data) + offset * itemsize(dtype);
  }
  // The first element's address on the tensor's own device: only a kernel of
  // that device may dereference it. Raises only for a placeholder.
  char* raw_data_bytes() const {
    if (__builtin_expect(storage->placeholder | storage->shrunk, 0)) check_raw_access();
    return static_cast<char*>(storage->data) + offset * itemsize(dtype);
  }
  [[noreturn]] static void raise_placeholder_access();
  [[noreturn]] void raise_no_host_access() const;
  // The slow path of data_bytes: raises for a placeholder or device memory, and for a tensor reaching past
  // the end of a shrunk block (Note [Shrunk storage]).
  void check_host_access() const;
  // The slow path of raw_data_bytes: a placeholder, or a shrunk block that must still cover the tensor.
  void check_raw_access() const;
  template <typename T> T* data() const { return reinterpret_cast<T*>(data_bytes()); }
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(TensorImpl* p) : p_(p) {
    if (p_) p_->refcount.fetch_add(1, std::memory_order_relaxed);
  }
  Tensor(const Tensor& o) : Tensor(o.p_) {}
  Tensor(Tensor&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
  Tensor& operator=(const Tensor& o) {
    Tensor(o).swap(*this);
    return *this;
  }
  Tensor& operator=(Tensor&& o) noexcept {
    Tensor(std::move(o)).swap(*this);
    return *this;
  }
  ~Tensor() { reset(); }

  void reset() {
    if (p_ && p_->refcount.fetch_sub(1, std::memory_order_acq_rel) == 1) delete p_;
    p_ = nullptr;
  }
  void swap(Tensor& o) noexcept { std::swap(p_, o.p_); }
  TensorImpl* get() const { return p_; }
  TensorImpl* operator->() const { return p_; }
  TensorImpl& operator*() const { return *p_; }
  bool defined() const { return p_ != nullptr; }
  bool same(const Tensor& o) const { return p_ == o.p_; }

  // Convenience accessors.
  const Shape& sizes() const { return p_->sizes; }
  const Shape& strides() const { return p_->strides; }
  int64_t size(int64_t d) const;
  int64_t dim() const { return p_->dim(); }
  int64_t numel() const { return p_->numel(); }
  DType dtype() const { return p_->dtype; }
  Device device() const { return p_->device; }
  bool is_contiguous() const { return p_->is_contiguous(); }
  template <typename T> T* data() const { return p_->data<T>(); }

  // Autograd state (autograd meta may be null).
  bool requires_grad() const;
  void bump_version() const { p_->version->value.fetch_add(1, std::memory_order_relaxed); }
  uint32_t version() const { return p_->version->value.load(std::memory_order_relaxed); }

 private:
  TensorImpl* p_ = nullptr;
};

Shape contiguous_strides(const Shape& sizes);
int64_t shape_numel(const Shape& sizes);
// Element count of a shape; RuntimeError when it exceeds int64 (Note [Checked size arithmetic]).
int64_t checked_numel(const Shape& sizes);

// A fresh, contiguous, uninitialised tensor on `device` (raises for a device
// type with no backend: Note [Allocator per device type]).
Tensor empty(const Shape& sizes, DType dtype, Device device = Device::cpu());
// A fresh dense tensor with the given (non-overlapping, covering) strides.
Tensor empty_strided(Shape sizes, Shape strides, DType dtype, Device device = Device::cpu());
// A tensor that aliases `src`'s storage and version counter with new geometry.
Tensor make_view(const Tensor& src, Shape sizes, Shape strides, int64_t offset);

}  // namespace tc
