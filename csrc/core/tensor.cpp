#include "core/tensor.h"

#include "autograd/meta.h"
#include "core/error.h"
#include "core/shape_util.h"

namespace tc {

void TensorImpl::raise_placeholder_access() {
  raise(ErrorKind::NotImplemented,
        "Could not run this operation with arguments from the 'SparseCPU' backend: tensorcore implements only part "
        "of PyTorch's sparse COO operators (tensorcore.sparse); convert with .to_dense() first.");
}

void TensorImpl::raise_no_host_access() const {
  if (storage->placeholder) raise_placeholder_access();
  raise(ErrorKind::NotImplemented, "this operation has no kernel for '", device_str(device),
        "' tensors in tensorcore's ", device_type_name(device.type),
        " backend yet; move the tensors to the CPU with .cpu() first (Note [Device memory is not host memory])");
}

void TensorImpl::check_host_access() const {
  if (storage->placeholder || storage->device_memory) raise_no_host_access();
  check_raw_access();
}

void TensorImpl::check_raw_access() const {
  if (storage->placeholder) raise_placeholder_access();
  int64_t end = offset + 1;  // one past the last element reached
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] == 0) return;  // no elements: nothing is read
    end += (sizes[d] - 1) * strides[d];
  }
  const size_t need = static_cast<size_t>(end) * itemsize(dtype);
  if (need <= storage->nbytes) return;
  if (storage->nbytes == 0)
    raise(ErrorKind::Runtime,
          "The tensor has a non-zero number of elements, but its data is not allocated yet (its storage was resized "
          "to 0 bytes). Resize the storage back (tensor.untyped_storage().resize_(nbytes)) before using the tensor.");
  raise(ErrorKind::Runtime, "the tensor of shape ", shape_str(sizes), " reaches ", need,
        " bytes into its storage, which was resized to ", storage->nbytes,
        " bytes; resize the storage back (tensor.untyped_storage().resize_(nbytes)) before using the tensor.");
}

TensorImpl::TensorImpl(Storage s, DType dt, Shape sz, Shape st, int64_t off, std::shared_ptr<VersionCounter> v)
    : storage(std::move(s)),
      dtype(dt),
      device(storage ? storage->device : Device::cpu()),
      sizes(std::move(sz)),
      strides(std::move(st)),
      offset(off),
      version(std::move(v)) {}

TensorImpl::~TensorImpl() = default;

int64_t TensorImpl::numel() const { return shape_numel(sizes); }

bool TensorImpl::is_contiguous() const {
  // Empty tensors are contiguous whatever their strides (as PyTorch), so a
  // zero-size dim anywhere wins over a stride mismatch further in.
  int64_t expected = 1;
  bool ok = true;
  for (int64_t d = dim() - 1; d >= 0; --d) {
    if (sizes[d] == 0) return true;
    if (sizes[d] == 1) continue;
    ok = ok && strides[d] == expected;
    // unsigned: an empty tensor's other dims may multiply past int64 before its 0 is seen
    expected = static_cast<int64_t>(static_cast<uint64_t>(expected) * static_cast<uint64_t>(sizes[d]));
  }
  return ok;
}

int64_t Tensor::size(int64_t d) const { return p_->sizes[d]; }

// A view answers for its base too (PyTorch's DifferentiableViewMeta): a view taken in no_grad mode of a
// tensor that requires grad requires grad, without a grad_fn or an accumulator of its own
// (Note [Views taken in no_grad mode], autograd/inplace.cpp).
bool Tensor::requires_grad() const {
  const AutogradMeta* m = p_->autograd.get();
  return m && (m->requires_grad || (m->view_base.defined() && m->view_base.requires_grad()));
}

Shape contiguous_strides(const Shape& sizes) {
  Shape st(sizes.size());
  int64_t acc = 1;
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    st[d] = acc;
    // Wraps instead of overflowing (UB): only an empty tensor with huge other
    // dims gets here without a numel check, and its strides are never used.
    acc = static_cast<int64_t>(static_cast<uint64_t>(acc) * static_cast<uint64_t>(std::max<int64_t>(sizes[d], 1)));
  }
  return st;
}

int64_t shape_numel(const Shape& sizes) {
  // Unsigned (wrapping) products: an empty tensor may have other dims whose
  // product does not fit (their numel is still 0); non-empty shapes were
  // checked when the tensor was made (checked_numel).
  uint64_t n = 1;
  for (auto s : sizes) {
    if (s == 0) return 0;
    n *= static_cast<uint64_t>(s);
  }
  return static_cast<int64_t>(n);
}

namespace {
std::string sizes_str(const Shape& sizes) {
  std::string r = "[";
  for (size_t i = 0; i < sizes.size(); ++i) r += (i ? ", " : "") + std::to_string(sizes[i]);
  return r + "]";
}
}  // namespace

// Element count with overflow checks: a user-chosen shape must never wrap
// around into a small allocation (or a view whose numel lies).
int64_t checked_numel(const Shape& sizes) {
  int64_t n = 1;
  bool zero = false;
  for (auto s : sizes) zero |= s == 0;
  if (zero) return 0;
  for (auto s : sizes)
    TC_CHECK(!__builtin_mul_overflow(n, s, &n), "tensor of shape ", sizes_str(sizes),
             " has too many elements (more than 2^63)");
  return n;
}

namespace {
size_t checked_nbytes(const Shape& sizes, DType dtype) {
  int64_t n = checked_numel(sizes);
  size_t bytes = 0;
  TC_CHECK(!__builtin_mul_overflow(static_cast<size_t>(n), itemsize(dtype), &bytes) &&
               bytes <= static_cast<size_t>(INT64_MAX),
           "tensor of shape ", sizes_str(sizes), " is too large to allocate");
  return bytes;
}
}  // namespace

Tensor empty(const Shape& sizes, DType dtype, Device device) {
  for (auto s : sizes) TC_CHECK(s >= 0, "Trying to create tensor with negative dimension ", s, ": ", sizes_str(sizes));
  Storage st = new_storage(checked_nbytes(sizes, dtype), device);
  return Tensor(
      new TensorImpl(std::move(st), dtype, sizes, contiguous_strides(sizes), 0, std::make_shared<VersionCounter>()));
}

Tensor empty_strided(Shape sizes, Shape strides, DType dtype, Device device) {
  Storage st = new_storage(checked_nbytes(sizes, dtype), device);
  return Tensor(new TensorImpl(std::move(st), dtype, std::move(sizes), std::move(strides), 0,
                               std::make_shared<VersionCounter>()));
}

Tensor make_view(const Tensor& src, Shape sizes, Shape strides, int64_t offset) {
  checked_numel(sizes);
  return Tensor(new TensorImpl(src->storage, src.dtype(), std::move(sizes), std::move(strides), offset, src->version));
}

}  // namespace tc

namespace tc {
void raise_no_kernel_for(DType t) {
  raise(ErrorKind::NotImplemented, "kernel not implemented for '", scalar_type_name(t), "'");
}
}  // namespace tc
