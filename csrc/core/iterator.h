#pragma once
// The strided, broadcasting iterator every elementwise kernel runs through.
//
// Note [Iterator layout]
// Operands are outputs first, then inputs. After build():
//  - shape[0] is the innermost (fastest-moving in memory) dimension;
//  - strides[k][d] is operand k's stride in bytes along dim d (0 where it is
//    broadcast);
//  - adjacent dims that are contiguous for every operand are merged, so a
//    contiguous or uniformly-strided problem becomes one flat loop.
// Kernels only ever see `loop(ptrs, inner_strides, n)` over the innermost dim.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "core/error.h"
#include "core/parallel.h"
#include "core/tensor.h"

namespace tc {

constexpr int kMaxOperands = 4;
// Tensors may have at most this many dimensions (checked in build()); the
// iterator keeps its geometry in fixed arrays so building one never allocates.
constexpr int kMaxDims = 64;

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

class TensorIterator {
 public:
  // Builds the iteration space. `outputs` may contain undefined tensors, which
  // are allocated with dtype out_dtypes[i] in the inputs' memory order.
  // Defined outputs must already have the broadcast shape.
  TensorIterator(std::initializer_list<Tensor*> outputs, std::initializer_list<DType> out_dtypes,
                 std::initializer_list<const Tensor*> inputs, const char* op);

  int ntensors() const { return ntensors_; }
  int64_t numel() const { return numel_; }
  int ndim() const { return ndim_; }

  // Note [Iterators on a device]
  // The device every operand is on (Note [Device checks]). On a device whose
  // memory the host cannot read, the host loops below must not run: the
  // backend's kernels::X entry sends the iterator to that device's kernels,
  // which read the geometry through the accessors here. An operand that is a
  // zero-dim CPU tensor beside device tensors (a wrapped Python number) is a
  // host scalar: its base() is a host address and its strides are 0, so the
  // device kernel passes its value as an argument instead of reading it.
  Device device() const { return device_; }
  bool on_device_memory() const { return device_memory_; }
  bool host_scalar(int k) const { return host_scalar_[k]; }
  int64_t shape(int d) const { return shape_[d]; }
  int64_t stride(int k, int d) const { return strides_[k][d]; }
  char* base(int k) const { return base_[k]; }

  // Calls loop(char** ptrs, const int64_t* strides, int64_t n) over the whole
  // space, in parallel chunks of at least `grain` elements.
  template <typename Loop> void for_each(Loop&& loop, int64_t grain = 32768) const;

  // Serial walk over the linear range [begin, end) of the (coalesced) space.
  template <typename Loop> void run_range(int64_t begin, int64_t end, Loop& loop) const;

 private:
  template <typename Loop> void run_tiled(Loop& loop) const;

  int ntensors_ = 0;
  int ndim_ = 0;
  bool tiled_ = false;  // Note [Tiled iteration]
  bool device_memory_ = false;
  bool host_scalar_[kMaxOperands] = {};
  Device device_;
  int64_t numel_ = 0;
  std::array<int64_t, kMaxDims> shape_;                  // coalesced, innermost first
  std::array<int64_t, kMaxDims> strides_[kMaxOperands];  // bytes
  char* base_[kMaxOperands];
};

template <typename Loop> void TensorIterator::run_range(int64_t begin, int64_t end, Loop& loop) const {
  const int nd = ndim_, nt = ntensors_;
  char* ptrs[kMaxOperands];
  int64_t inner_strides[kMaxOperands];
  for (int k = 0; k < nt; ++k) inner_strides[k] = nd ? strides_[k][0] : 0;
  if (nd <= 1) {
    for (int k = 0; k < nt; ++k) ptrs[k] = base_[k] + begin * inner_strides[k];
    loop(ptrs, inner_strides, end - begin);
    return;
  }
  // Multi-index of `begin` over dims 1..nd-1 plus an inner offset; `row`
  // holds each operand's address at (0, index[1], ...), advanced like an
  // odometer (one add per operand and row: rows of a few elements, as in a
  // transposed copy, are common and the loop body is short).
  int64_t index[kMaxDims];
  int64_t rem = begin;
  for (int d = 0; d < nd; ++d) {
    index[d] = rem % shape_[d];
    rem /= shape_[d];
  }
  char* row[kMaxOperands];
  for (int k = 0; k < nt; ++k) {
    int64_t off = 0;
    for (int d = 1; d < nd; ++d) off += index[d] * strides_[k][d];
    row[k] = base_[k] + off;
  }
  int64_t pos = begin;
  while (pos < end) {
    const int64_t n = std::min<int64_t>(shape_[0] - index[0], end - pos);
    for (int k = 0; k < nt; ++k) ptrs[k] = row[k] + index[0] * inner_strides[k];
    loop(ptrs, inner_strides, n);
    pos += n;
    index[0] += n;
    if (index[0] < shape_[0]) continue;
    index[0] = 0;
    for (int d = 1; d < nd; ++d) {
      for (int k = 0; k < nt; ++k) row[k] += strides_[k][d];
      if (++index[d] < shape_[d]) break;
      for (int k = 0; k < nt; ++k) row[k] -= shape_[d] * strides_[k][d];
      index[d] = 0;
    }
  }
}

// Note [Tiled iteration]
// When some operand runs along dim 1 faster than along dim 0 (a transpose),
// walking dim 0 innermost would touch a new cache line per element for that
// operand. We then visit the (dim0, dim1) plane in square tiles so both
// operands' lines stay in L1 while they are used.
template <typename Loop> void TensorIterator::run_tiled(Loop& loop) const {
  constexpr int64_t T = 64;
  const int64_t n0 = shape_[0], n1 = shape_[1];
  const int64_t b0 = (n0 + T - 1) / T, b1 = (n1 + T - 1) / T;
  const int64_t outer = numel_ / (n0 * n1);
  const int nd = ndim_;
  parallel_for(0, outer * b1 * b0, 1, [&](int64_t begin, int64_t end) {
    char* ptrs[kMaxOperands];
    int64_t inner[kMaxOperands];
    for (int k = 0; k < ntensors_; ++k) inner[k] = strides_[k][0];
    for (int64_t blk = begin; blk < end; ++blk) {
      int64_t i0 = (blk % b0) * T, i1 = ((blk / b0) % b1) * T, o = blk / (b0 * b1);
      char* base[kMaxOperands];
      for (int k = 0; k < ntensors_; ++k) {
        int64_t off = 0, rem = o;
        for (int d = 2; d < nd; ++d) {
          off += (rem % shape_[d]) * strides_[k][d];
          rem /= shape_[d];
        }
        base[k] = base_[k] + off + i0 * strides_[k][0];
      }
      int64_t len0 = std::min(T, n0 - i0), end1 = std::min(n1, i1 + T);
      for (int64_t j = i1; j < end1; ++j) {
        for (int k = 0; k < ntensors_; ++k) ptrs[k] = base[k] + j * strides_[k][1];
        loop(ptrs, inner, len0);
      }
    }
  });
}

template <typename Loop> void TensorIterator::for_each(Loop&& loop, int64_t grain) const {
  TC_INTERNAL_ASSERT(!device_memory_);  // Note [Iterators on a device]
  if (numel_ == 0) return;
  if (tiled_) {
    run_tiled(loop);
    return;
  }
  if (numel_ < grain) {
    run_range(0, numel_, loop);
    return;
  }
  parallel_for(0, numel_, grain, [&](int64_t b, int64_t e) { run_range(b, e, loop); });
}

}  // namespace tc
