// GoogleTest unit tests of the C++ core (no Python): allocator and storage,
// TensorImpl/Tensor, the strided iterator and a few ops.
//
// Built into `tc_cpp_tests` (with every other tests/cpp/*.cpp) when CMake is
// configured with -DTENSORCORE_TESTS=ON; run by ctest.
//
// Suite names carry a `Core` prefix and helpers live in an anonymous namespace
// so that this file links cleanly beside the other test files of the binary.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/allocator.h"
#include "core/error.h"
#include "core/iterator.h"
#include "core/storage.h"
#include "core/tensor.h"
#include "ops/ops.h"

namespace {

using tc::DType;
using tc::Shape;
using tc::Tensor;

constexpr size_t kMiB = size_t(1) << 20;

// Runs `f` and checks that it throws tc::Error of `kind` whose message
// contains `needle`.
template <typename F> void expect_error(F&& f, tc::ErrorKind kind, const std::string& needle = "") {
  try {
    f();
  } catch (const tc::Error& e) {
    EXPECT_EQ(static_cast<int>(e.kind), static_cast<int>(kind)) << e.what();
    if (!needle.empty()) EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    return;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected tc::Error, got another exception: " << e.what();
    return;
  }
  ADD_FAILURE() << "expected tc::Error, nothing was thrown";
}

tc::Scalar I(int64_t v) { return tc::Scalar::from_int(v); }
tc::Scalar F(double v) { return tc::Scalar::from_double(v); }

// 0, 1, ..., n-1 as a 1-D tensor of `dt`.
Tensor arange(int64_t n, DType dt = DType::Float32) { return tc::ops::arange(I(0), I(n), I(1), dt); }

// A contiguous tensor of `shape` holding `vals` (row-major).
template <typename T> Tensor from_values(const Shape& shape, const std::vector<T>& vals) {
  Tensor t = tc::empty(shape, tc::dtype_of<T>::value);
  EXPECT_EQ(static_cast<size_t>(t.numel()), vals.size());
  if (!vals.empty()) std::memcpy(t.data<T>(), vals.data(), vals.size() * sizeof(T));
  return t;
}

// Element at multi-index `idx`, honouring strides and the storage offset.
template <typename T> T at(const Tensor& t, const Shape& idx) {
  EXPECT_EQ(static_cast<int64_t>(idx.size()), t.dim());
  int64_t off = 0;
  for (size_t d = 0; d < idx.size(); ++d) off += idx[d] * t.strides()[d];
  return t.data<T>()[off];
}

// All elements in logical row-major order (works for any strides).
template <typename T> std::vector<T> values(const Tensor& t) {
  std::vector<T> out;
  const int64_t n = t.numel();
  Shape idx(t.dim(), 0);
  for (int64_t i = 0; i < n; ++i) {
    out.push_back(at<T>(t, idx));
    for (int64_t d = t.dim() - 1; d >= 0; --d) {
      if (++idx[d] < t.size(d)) break;
      idx[d] = 0;
    }
  }
  return out;
}

bool is_aligned(const void* p, size_t a) { return reinterpret_cast<uintptr_t>(p) % a == 0; }

// A TensorImpl over borrowed memory whose release bumps `*released`.
Tensor borrowed_tensor(std::vector<float>& buf, int* released) {
  tc::Storage s = tc::borrowed_storage(buf.data(), buf.size() * sizeof(float), [released] { ++*released; });
  Shape sizes{static_cast<int64_t>(buf.size())};
  return Tensor(new tc::TensorImpl(std::move(s), DType::Float32, sizes, tc::contiguous_strides(sizes), 0,
                                   std::make_shared<tc::VersionCounter>()));
}

// Records what the kernel loop of a TensorIterator sees.
struct LoopCall {
  int64_t n;
  std::vector<int64_t> strides;
};

// Runs it.for_each (serially: these problems are below the parallel grain)
// and records each call of the kernel loop; `body` may do the real work.
template <typename Body> std::vector<LoopCall> record_calls(const tc::TensorIterator& it, Body body) {
  std::vector<LoopCall> calls;
  const int nt = it.ntensors();
  it.for_each([&](char** p, const int64_t* s, int64_t n) {
    calls.push_back({n, std::vector<int64_t>(s, s + nt)});
    body(p, s, n);
  });
  return calls;
}
std::vector<LoopCall> record_calls(const tc::TensorIterator& it) {
  return record_calls(it, [](char**, const int64_t*, int64_t) {});
}

// out = in (float), through the iterator: output 0, input 1.
auto copy_loop = [](char** ptrs, const int64_t* strides, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    *reinterpret_cast<float*>(ptrs[0] + i * strides[0]) = *reinterpret_cast<const float*>(ptrs[1] + i * strides[1]);
};

// out = a + b (float): output 0, inputs 1 and 2.
auto add_loop = [](char** ptrs, const int64_t* strides, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    *reinterpret_cast<float*>(ptrs[0] + i * strides[0]) = *reinterpret_cast<const float*>(ptrs[1] + i * strides[1]) +
                                                          *reinterpret_cast<const float*>(ptrs[2] + i * strides[2]);
};

// ===================================================================== allocator

TEST(CoreAllocator, SmallBlocksAreAlignedAndBypassTheCache) {
  tc::cpu_empty_cache();
  for (size_t n : {size_t(1), size_t(3), size_t(64), size_t(1000), kMiB - 1}) {
    void* p = tc::cpu_alloc(n);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(is_aligned(p, 64)) << n;
    std::memset(p, 0xab, n);  // the whole block is writable
    tc::cpu_free(p, n);
    EXPECT_EQ(tc::cpu_cached_bytes(), 0u) << "blocks below 1 MiB must not be cached (n=" << n << ")";
  }
}

TEST(CoreAllocator, ZeroBytesGivesAUsablePointer) {
  void* p = tc::cpu_alloc(0);
  EXPECT_NE(p, nullptr);
  tc::cpu_free(p, 0);
  tc::cpu_free(nullptr, 123);  // freeing null is a no-op
}

TEST(CoreAllocator, LargeBlocksAreCachedAndReused) {
  tc::cpu_empty_cache();
  ASSERT_EQ(tc::cpu_cached_bytes(), 0u);
  const size_t n = 3 * kMiB;  // size class: 3 MiB (steps of 256 KiB between 2 and 4 MiB)
  void* p = tc::cpu_alloc(n);
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(is_aligned(p, 64));
  std::memset(p, 1, n);
  tc::cpu_free(p, n);
  EXPECT_EQ(tc::cpu_cached_bytes(), 3 * kMiB);

  // Any request in the same size class gets the cached block back.
  void* q = tc::cpu_alloc(3 * kMiB - 12345);
  EXPECT_EQ(q, p);
  EXPECT_EQ(tc::cpu_cached_bytes(), 0u);
  std::memset(q, 2, 3 * kMiB);  // the whole class is usable

  // A different size class does not take it.
  tc::cpu_free(q, 3 * kMiB - 12345);
  void* r = tc::cpu_alloc(kMiB);  // 1 MiB class
  EXPECT_NE(r, p);
  EXPECT_EQ(tc::cpu_cached_bytes(), 3 * kMiB);
  tc::cpu_free(r, kMiB);
  EXPECT_EQ(tc::cpu_cached_bytes(), 4 * kMiB);

  tc::cpu_empty_cache();
  EXPECT_EQ(tc::cpu_cached_bytes(), 0u);
}

TEST(CoreAllocator, HugeBlocksStartOneCacheLineOffAPage) {
  // Note [Huge pages]: 2 MiB aligned underneath, handed out 64 bytes further
  // (a page-aligned source made MPICH's shared-memory copies 25-40% slower).
  tc::cpu_empty_cache();
  for (size_t n : {4 * kMiB - 100, 4 * kMiB, 20 * kMiB, 200 * kMiB}) {  // cached sizes and an uncached one
    void* p = tc::cpu_alloc(n);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(is_aligned(p, 64)) << n;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % (2 * kMiB), 64u) << n;
    std::memset(p, 0xcd, n);  // the whole block is writable past the offset
    tc::cpu_free(p, n);
  }
  tc::cpu_empty_cache();  // frees the cached ones through their real start
  EXPECT_EQ(tc::cpu_cached_bytes(), 0u);
}

TEST(CoreAllocator, SeveralBlocksPerBucket) {
  tc::cpu_empty_cache();
  void* a = tc::cpu_alloc(2 * kMiB);
  void* b = tc::cpu_alloc(2 * kMiB);
  ASSERT_NE(a, b);
  tc::cpu_free(a, 2 * kMiB);
  tc::cpu_free(b, 2 * kMiB);
  EXPECT_EQ(tc::cpu_cached_bytes(), 4 * kMiB);
  void* c = tc::cpu_alloc(2 * kMiB);
  void* d = tc::cpu_alloc(2 * kMiB);
  EXPECT_TRUE((c == a && d == b) || (c == b && d == a));
  EXPECT_EQ(tc::cpu_cached_bytes(), 0u);
  tc::cpu_free(c, 2 * kMiB);
  tc::cpu_free(d, 2 * kMiB);
  tc::cpu_empty_cache();
  EXPECT_EQ(tc::cpu_cached_bytes(), 0u);
  // Fresh allocations after empty_cache still work.
  void* e = tc::cpu_alloc(2 * kMiB);
  ASSERT_NE(e, nullptr);
  std::memset(e, 0, 2 * kMiB);
  tc::cpu_free(e, 2 * kMiB);
  tc::cpu_empty_cache();
}

// ======================================================================= storage

TEST(CoreStorage, OwnedStorageReturnsItsBlockToTheAllocator) {
  tc::cpu_empty_cache();
  {
    tc::Storage s = tc::new_storage(2 * kMiB);
    ASSERT_NE(s->data, nullptr);
    EXPECT_EQ(s->nbytes, 2 * kMiB);
    EXPECT_FALSE(static_cast<bool>(s->release));
    EXPECT_EQ(tc::cpu_cached_bytes(), 0u);
  }
  EXPECT_EQ(tc::cpu_cached_bytes(), 2 * kMiB);  // freed into the cache
  tc::cpu_empty_cache();
}

TEST(CoreStorage, BorrowedStorageCallsItsReleaseOnceAndNeverFrees) {
  tc::cpu_empty_cache();
  std::vector<char> buf(4 * kMiB);
  int released = 0;
  {
    tc::Storage s = tc::borrowed_storage(buf.data(), buf.size(), [&] { ++released; });
    EXPECT_EQ(s->data, buf.data());
    EXPECT_EQ(s->nbytes, buf.size());
    tc::Storage s2 = s;  // shared ownership: released only when both are gone
    s.reset();
    EXPECT_EQ(released, 0);
  }
  EXPECT_EQ(released, 1);
  EXPECT_EQ(tc::cpu_cached_bytes(), 0u);  // the borrowed block never reaches the allocator
}

TEST(CoreStorage, BorrowedStorageWithoutReleaseIsFine) {
  std::vector<char> buf(16);
  { tc::Storage s = tc::borrowed_storage(buf.data(), buf.size(), nullptr); }
  SUCCEED();
}

// ==================================================================== TensorImpl

TEST(CoreTensor, EmptyHasContiguousGeometry) {
  Tensor t = tc::empty({2, 3, 4}, DType::Float32);
  ASSERT_TRUE(t.defined());
  EXPECT_EQ(t.sizes(), (Shape{2, 3, 4}));
  EXPECT_EQ(t.strides(), (Shape{12, 4, 1}));
  EXPECT_EQ(t.dim(), 3);
  EXPECT_EQ(t.numel(), 24);
  EXPECT_EQ(t.size(1), 3);
  EXPECT_EQ(t.dtype(), DType::Float32);
  EXPECT_EQ(t->offset, 0);
  EXPECT_TRUE(t.is_contiguous());
  EXPECT_GE(t->storage->nbytes, 24 * sizeof(float));
  EXPECT_EQ(t.version(), 0u);
  EXPECT_FALSE(t.requires_grad());
  EXPECT_EQ(t->autograd, nullptr);
  EXPECT_EQ(t->refcount.load(), 1);
  EXPECT_TRUE(is_aligned(t->data_bytes(), 64));
}

TEST(CoreTensor, EmptyOfEveryDType) {
  for (DType dt : {DType::Bool, DType::Int32, DType::Int64, DType::Float32, DType::Float64}) {
    Tensor t = tc::empty({5}, dt);
    EXPECT_EQ(t.dtype(), dt);
    EXPECT_GE(t->storage->nbytes, 5 * tc::itemsize(dt)) << tc::dtype_name(dt);
  }
}

TEST(CoreTensor, ZeroDimAndEmptyShapes) {
  Tensor s = tc::empty({}, DType::Float64);
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.numel(), 1);
  EXPECT_TRUE(s.strides().empty());
  EXPECT_TRUE(s.is_contiguous());

  Tensor e = tc::empty({2, 0, 3}, DType::Float32);
  EXPECT_EQ(e.numel(), 0);
  EXPECT_EQ(e.strides(), (Shape{3, 3, 1}));  // size-0 dims count as 1 for strides
  EXPECT_TRUE(e.is_contiguous());
  EXPECT_NE(e->storage->data, nullptr);
}

TEST(CoreTensor, EmptyRejectsNegativeSizes) {
  expect_error([] { tc::empty({2, -1}, DType::Float32); }, tc::ErrorKind::Runtime, "negative dimension");
}

TEST(CoreTensor, HandleRefcounting) {
  std::vector<float> buf(8, 1.f);
  int released = 0;
  Tensor a = borrowed_tensor(buf, &released);
  tc::TensorImpl* impl = a.get();
  EXPECT_EQ(impl->refcount.load(), 1);
  {
    Tensor b = a;  // copy: +1
    EXPECT_EQ(impl->refcount.load(), 2);
    EXPECT_TRUE(b.same(a));
    Tensor c = std::move(b);  // move: no change
    EXPECT_EQ(impl->refcount.load(), 2);
    EXPECT_FALSE(b.defined());
    Tensor d;
    d = c;  // copy-assign
    EXPECT_EQ(impl->refcount.load(), 3);
    d = Tensor();  // assigning an empty handle drops the reference
    EXPECT_EQ(impl->refcount.load(), 2);
    c = c;  // self-assignment is safe
    EXPECT_EQ(impl->refcount.load(), 2);
  }
  EXPECT_EQ(impl->refcount.load(), 1);
  EXPECT_EQ(released, 0);
  a.reset();
  EXPECT_FALSE(a.defined());
  EXPECT_EQ(released, 1);  // last handle gone: impl and storage destroyed
}

TEST(CoreTensor, SwapAndMoveAssign) {
  Tensor a = tc::empty({1}, DType::Float32), b = tc::empty({2}, DType::Float32);
  tc::TensorImpl *pa = a.get(), *pb = b.get();
  a.swap(b);
  EXPECT_EQ(a.get(), pb);
  EXPECT_EQ(b.get(), pa);
  a = std::move(b);
  EXPECT_EQ(a.get(), pa);
  EXPECT_FALSE(b.defined());
  EXPECT_EQ(pa->refcount.load(), 1);
}

TEST(CoreTensor, MakeViewSharesStorageAndVersion) {
  Tensor base = from_values<float>({2, 3}, {0, 1, 2, 3, 4, 5});
  Tensor v = tc::make_view(base, {3}, {1}, 3);  // the second row
  EXPECT_FALSE(v.same(base));
  EXPECT_EQ(v->storage.get(), base->storage.get());
  EXPECT_EQ(v->version.get(), base->version.get());
  EXPECT_EQ(v.dtype(), DType::Float32);
  EXPECT_EQ(v->offset, 3);
  EXPECT_EQ(values<float>(v), (std::vector<float>{3, 4, 5}));

  // Writes through the view are visible in the base.
  v.data<float>()[1] = 40.f;
  EXPECT_EQ(at<float>(base, {1, 1}), 40.f);

  // The version counter is shared both ways.
  EXPECT_EQ(base.version(), 0u);
  v.bump_version();
  EXPECT_EQ(base.version(), 1u);
  base.bump_version();
  EXPECT_EQ(v.version(), 2u);

  // A view keeps the storage alive after its base is gone.
  std::vector<float> buf(4, 7.f);
  int released = 0;
  Tensor owner = borrowed_tensor(buf, &released);
  Tensor view = tc::make_view(owner, {2}, {2}, 1);
  owner.reset();
  EXPECT_EQ(released, 0);
  EXPECT_EQ(view.data<float>()[0], 7.f);
  view.reset();
  EXPECT_EQ(released, 1);
}

TEST(CoreTensor, IsContiguous) {
  Tensor t = tc::empty({2, 3}, DType::Float32);
  EXPECT_TRUE(t.is_contiguous());
  EXPECT_FALSE(tc::make_view(t, {3, 2}, {1, 3}, 0).is_contiguous());   // transposed
  EXPECT_TRUE(tc::make_view(t, {1, 3}, {100, 1}, 0).is_contiguous());  // size-1 dim: stride ignored
  EXPECT_TRUE(tc::make_view(t, {3, 1}, {1, 7}, 0).is_contiguous());
  EXPECT_FALSE(tc::make_view(t, {2, 3}, {0, 1}, 0).is_contiguous());  // expanded
  EXPECT_FALSE(tc::make_view(t, {3}, {2}, 0).is_contiguous());        // strided
  EXPECT_TRUE(tc::make_view(t, {3}, {1}, 3).is_contiguous());         // offset does not matter
  EXPECT_TRUE(tc::make_view(t, {3, 0}, {4, 1}, 0).is_contiguous());   // empty
  EXPECT_TRUE(tc::make_view(t, {}, {}, 2).is_contiguous());           // 0-dim
}

// PyTorch treats every tensor with no elements as contiguous, whatever its
// strides (e.g. torch.empty_strided((0, 3), (5, 9)).is_contiguous() is True,
// and so is a zero-length slice of a transposed matrix).
TEST(CoreTensor, EmptyWithAnyStridesIsContiguous) {
  Tensor t = tc::empty({4, 3}, DType::Float32);
  EXPECT_TRUE(tc::make_view(t, {0, 3}, {5, 9}, 0).is_contiguous());
  Tensor tr = tc::ops::transpose(t, 0, 1);                      // [3, 4], strides (1, 3)
  EXPECT_TRUE(tc::ops::slice(tr, 0, 0, 0, 1).is_contiguous());  // [0, 4]
}

TEST(CoreTensor, ShapeHelpers) {
  EXPECT_EQ(tc::contiguous_strides({4, 5, 6}), (Shape{30, 6, 1}));
  EXPECT_EQ(tc::contiguous_strides({}), Shape{});
  EXPECT_EQ(tc::shape_numel({4, 5, 6}), 120);
  EXPECT_EQ(tc::shape_numel({}), 1);
  EXPECT_EQ(tc::shape_numel({3, 0}), 0);
}

// ====================================================================== iterator

TEST(CoreIterator, BroadcastShapes) {
  EXPECT_EQ(tc::broadcast_shapes({3, 1}, {4}, "t"), (Shape{3, 4}));
  EXPECT_EQ(tc::broadcast_shapes({}, {2, 3}, "t"), (Shape{2, 3}));
  EXPECT_EQ(tc::broadcast_shapes({2, 3}, {}, "t"), (Shape{2, 3}));
  EXPECT_EQ(tc::broadcast_shapes({2, 1, 4}, {3, 1}, "t"), (Shape{2, 3, 4}));
  EXPECT_EQ(tc::broadcast_shapes({0}, {1}, "t"), (Shape{0}));
  EXPECT_EQ(tc::broadcast_shapes({5, 0}, {0}, "t"), (Shape{5, 0}));
  EXPECT_EQ(tc::broadcast_shapes({}, {}, "t"), Shape{});
}

TEST(CoreIterator, BroadcastShapesRejectsIncompatible) {
  expect_error([] { tc::broadcast_shapes({2, 3}, {4}, "myop"); }, tc::ErrorKind::Runtime, "must match");
  expect_error([] { tc::broadcast_shapes({2, 3}, {4}, "myop"); }, tc::ErrorKind::Runtime, "myop");
  expect_error([] { tc::broadcast_shapes({0}, {2}, "t"); }, tc::ErrorKind::Runtime);
}

TEST(CoreIterator, ContiguousProblemCoalescesToOneFlatDim) {
  Tensor in = arange(24);
  in = tc::make_view(in, {2, 3, 4}, {12, 4, 1}, 0);
  Tensor out;
  tc::TensorIterator it({&out}, {DType::Float32}, {&in}, "test");
  EXPECT_EQ(it.ntensors(), 2);
  EXPECT_EQ(it.numel(), 24);
  ASSERT_TRUE(out.defined());  // allocated by the iterator
  EXPECT_EQ(out.sizes(), (Shape{2, 3, 4}));
  EXPECT_EQ(out.strides(), (Shape{12, 4, 1}));
  EXPECT_EQ(out.dtype(), DType::Float32);

  std::vector<LoopCall> calls;
  it.for_each([&](char** p, const int64_t* s, int64_t n) {
    calls.push_back({n, {s[0], s[1]}});
    copy_loop(p, s, n);
  });
  ASSERT_EQ(calls.size(), 1u);  // one flat loop: the three dims were merged
  EXPECT_EQ(calls[0].n, 24);
  EXPECT_EQ(calls[0].strides, (std::vector<int64_t>{4, 4}));  // byte strides
  EXPECT_EQ(values<float>(out), values<float>(in));
}

TEST(CoreIterator, UniformlyStridedInputAlsoCoalesces) {
  // Every other element of a buffer, viewed as [2, 3]: strides (6, 2) merge.
  Tensor buf = arange(12);
  Tensor in = tc::make_view(buf, {2, 3}, {6, 2}, 0);
  Tensor out = tc::empty({2, 3}, DType::Float32);
  Tensor out_strided = tc::make_view(tc::empty({12}, DType::Float32), {2, 3}, {6, 2}, 0);
  tc::TensorIterator it({&out_strided}, {DType::Float32}, {&in}, "test");
  EXPECT_EQ(record_calls(it).size(), 1u);
  // A contiguous output merges too: each operand is uniformly strided on its own.
  tc::TensorIterator it2({&out}, {DType::Float32}, {&in}, "test");
  std::vector<LoopCall> calls = record_calls(it2, copy_loop);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].n, 6);
  EXPECT_EQ(calls[0].strides, (std::vector<int64_t>{4, 8}));
  EXPECT_EQ(values<float>(out), (std::vector<float>{0, 2, 4, 6, 8, 10}));
}

TEST(CoreIterator, TransposedInputAllocatesOutputInItsMemoryOrder) {
  Tensor base = arange(12);
  Tensor in = tc::make_view(base, {4, 3}, {1, 4}, 0);  // transpose of a [3, 4]
  Tensor out;
  tc::TensorIterator it({&out}, {DType::Float32}, {&in}, "test");
  EXPECT_EQ(out.sizes(), (Shape{4, 3}));
  EXPECT_EQ(out.strides(), (Shape{1, 4}));  // same memory order as the input
  std::vector<LoopCall> calls = record_calls(it, copy_loop);
  ASSERT_EQ(calls.size(), 1u);  // so the problem is one flat loop
  EXPECT_EQ(calls[0].n, 12);
  EXPECT_EQ(values<float>(out), values<float>(in));
}

TEST(CoreIterator, TransposedInputIntoContiguousOutput) {
  Tensor base = arange(12);
  Tensor in = tc::make_view(base, {4, 3}, {1, 4}, 0);
  Tensor out = tc::empty({4, 3}, DType::Float32);
  tc::TensorIterator it({&out}, {DType::Float32}, {&in}, "test");
  // The output decides the order: its innermost dim (user dim 1, size 3) is
  // the inner loop; the dims cannot merge.
  std::vector<LoopCall> calls = record_calls(it, copy_loop);
  ASSERT_EQ(calls.size(), 4u);
  for (const auto& c : calls) {
    EXPECT_EQ(c.n, 3);
    EXPECT_EQ(c.strides, (std::vector<int64_t>{4, 16}));
  }
  EXPECT_EQ(values<float>(out), (std::vector<float>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
}

TEST(CoreIterator, BroadcastOperandHasZeroStride) {
  Tensor a = tc::make_view(arange(12), {3, 4}, {4, 1}, 0);
  Tensor b = from_values<float>({4}, {100, 200, 300, 400});
  Tensor out;
  tc::TensorIterator it({&out}, {DType::Float32}, {&a, &b}, "test");
  EXPECT_EQ(it.ntensors(), 3);
  EXPECT_EQ(out.sizes(), (Shape{3, 4}));
  std::vector<LoopCall> calls = record_calls(it, add_loop);
  ASSERT_EQ(calls.size(), 3u);  // b's stride 0 along rows blocks the merge
  for (const auto& c : calls) {
    EXPECT_EQ(c.n, 4);
    EXPECT_EQ(c.strides, (std::vector<int64_t>{4, 4, 4}));
  }
  std::vector<float> want;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) want.push_back(float(r * 4 + c) + 100.f * (c + 1));
  EXPECT_EQ(values<float>(out), want);
}

TEST(CoreIterator, BroadcastColumnOperand) {
  Tensor a = tc::make_view(arange(12), {3, 4}, {4, 1}, 0);
  Tensor b = from_values<float>({3, 1}, {10, 20, 30});
  Tensor out;
  tc::TensorIterator it({&out}, {DType::Float32}, {&a, &b}, "test");
  std::vector<LoopCall> calls = record_calls(it, add_loop);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].n, 4);
  EXPECT_EQ(calls[0].strides[2], 0);  // b is constant along the inner loop
  EXPECT_EQ(values<float>(out), (std::vector<float>{10, 11, 12, 13, 24, 25, 26, 27, 38, 39, 40, 41}));
}

TEST(CoreIterator, ExpandedOperandFromOps) {
  Tensor one = from_values<float>({1}, {2.5f});
  Tensor e = tc::ops::expand(one, {5});
  EXPECT_EQ(e.strides(), (Shape{0}));
  Tensor out;
  tc::TensorIterator it({&out}, {DType::Float32}, {&e}, "test");
  EXPECT_EQ(out.sizes(), (Shape{5}));
  EXPECT_TRUE(out.is_contiguous());
  std::vector<LoopCall> calls = record_calls(it, copy_loop);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].n, 5);
  EXPECT_EQ(calls[0].strides, (std::vector<int64_t>{4, 0}));
  EXPECT_EQ(values<float>(out), std::vector<float>(5, 2.5f));
}

TEST(CoreIterator, ZeroDimTensors) {
  Tensor a = from_values<float>({}, {3.f});
  Tensor b = from_values<float>({}, {4.f});
  Tensor out;
  tc::TensorIterator it({&out}, {DType::Float32}, {&a, &b}, "test");
  EXPECT_EQ(it.numel(), 1);
  EXPECT_EQ(out.dim(), 0);
  int calls = 0;
  it.for_each([&](char** p, const int64_t* s, int64_t n) {
    ++calls;
    EXPECT_EQ(n, 1);
    add_loop(p, s, n);
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(out.data<float>()[0], 7.f);

  // A 0-dim operand broadcasts against a vector.
  Tensor v = from_values<float>({3}, {1, 2, 3});
  Tensor out2;
  tc::TensorIterator it2({&out2}, {DType::Float32}, {&v, &a}, "test");
  EXPECT_EQ(out2.sizes(), (Shape{3}));
  std::vector<LoopCall> calls2 = record_calls(it2, add_loop);
  ASSERT_EQ(calls2.size(), 1u);
  EXPECT_EQ(calls2[0].n, 3);
  EXPECT_EQ(calls2[0].strides[2], 0);  // the 0-dim operand is broadcast
  EXPECT_EQ(values<float>(out2), (std::vector<float>{4, 5, 6}));
}

TEST(CoreIterator, SizeOneDimsAreDropped) {
  Tensor in = tc::make_view(arange(5), {1, 5, 1}, {5, 1, 1}, 0);
  Tensor out;
  tc::TensorIterator it({&out}, {DType::Float32}, {&in}, "test");
  EXPECT_EQ(out.sizes(), (Shape{1, 5, 1}));
  std::vector<LoopCall> calls = record_calls(it);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].n, 5);
}

TEST(CoreIterator, EmptyTensorsRunNoLoop) {
  Tensor in = tc::empty({2, 0, 3}, DType::Float32);
  Tensor out;
  tc::TensorIterator it({&out}, {DType::Float32}, {&in}, "test");
  EXPECT_EQ(it.numel(), 0);
  ASSERT_TRUE(out.defined());
  EXPECT_EQ(out.sizes(), (Shape{2, 0, 3}));
  int calls = 0;
  it.for_each([&](char**, const int64_t*, int64_t) { ++calls; });
  EXPECT_EQ(calls, 0);

  // Broadcasting an empty dim against size 1.
  Tensor one = tc::empty({1, 3}, DType::Float32);
  Tensor out2;
  tc::TensorIterator it2({&out2}, {DType::Float32}, {&in, &one}, "test");
  EXPECT_EQ(out2.sizes(), (Shape{2, 0, 3}));
  EXPECT_EQ(it2.numel(), 0);
  EXPECT_TRUE(record_calls(it2).empty());
}

TEST(CoreIterator, IncompatibleBroadcastThrows) {
  Tensor a = tc::empty({2, 3}, DType::Float32);
  Tensor b = tc::empty({4}, DType::Float32);
  expect_error(
      [&] {
        Tensor out;
        tc::TensorIterator it({&out}, {DType::Float32}, {&a, &b}, "myop");
      },
      tc::ErrorKind::Runtime, "must match");
}

TEST(CoreIterator, DefinedOutputMustHaveTheBroadcastShape) {
  Tensor a = tc::empty({2, 3}, DType::Float32);
  Tensor b = tc::empty({3}, DType::Float32);
  expect_error(
      [&] {
        Tensor out = tc::empty({3}, DType::Float32);
        tc::TensorIterator it({&out}, {DType::Float32}, {&a, &b}, "myop");
      },
      tc::ErrorKind::Runtime, "doesn't match the broadcast shape");
}

TEST(CoreIterator, RunRangeCoversExactlyTheRequestedElements) {
  // A non-coalescable 2-D problem; the contiguous output fixes the iteration
  // order, so linear position i of the space is output element i.
  Tensor in = tc::make_view(arange(12), {4, 3}, {1, 4}, 0);
  Tensor out = tc::ops::zeros({4, 3}, DType::Float32);
  tc::TensorIterator it({&out}, {DType::Float32}, {&in}, "test");
  ASSERT_EQ(record_calls(it).size(), 4u);  // 4 rows of 3
  auto mark = [](char** p, const int64_t* s, int64_t n) {
    for (int64_t i = 0; i < n; ++i) *reinterpret_cast<float*>(p[0] + i * s[0]) += 1.f;
  };
  it.run_range(5, 11, mark);
  std::vector<float> got = values<float>(out);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(got[i], (i >= 5 && i < 11) ? 1.f : 0.f) << "element " << i;
}

TEST(CoreIterator, ParallelForEachVisitsEveryElementOnce) {
  // Large enough to be split into parallel chunks (grain 32768), not coalescable.
  const int64_t R = 300, C = 500;
  Tensor src = tc::make_view(arange(R * C), {C, R}, {1, C}, 0);  // transposed
  Tensor out = tc::ops::zeros({C, R}, DType::Float32);
  tc::TensorIterator it({&out}, {DType::Float32}, {&src}, "test");
  std::atomic<int64_t> total{0};
  it.for_each([&](char** p, const int64_t* s, int64_t n) {
    total += n;
    for (int64_t i = 0; i < n; ++i)
      *reinterpret_cast<float*>(p[0] + i * s[0]) += *reinterpret_cast<const float*>(p[1] + i * s[1]) + 1.f;
  });
  EXPECT_EQ(total.load(), R * C);
  for (int64_t c = 0; c < C; c += 37)
    for (int64_t r = 0; r < R; r += 13) ASSERT_EQ(at<float>(out, {c, r}), float(r * C + c) + 1.f);
  // Small grain forces many chunks even for a small problem.
  Tensor out2 = tc::ops::zeros({C, R}, DType::Float32);
  tc::TensorIterator it2({&out2}, {DType::Float32}, {&src}, "test");
  it2.for_each(copy_loop, /*grain=*/7);
  EXPECT_EQ(values<float>(out2), values<float>(src));
}

// ========================================================================== views

TEST(CoreViewOps, ViewSharesStorage) {
  Tensor a = arange(12);
  Tensor v = tc::ops::view(a, {3, 4});
  EXPECT_EQ(v->storage.get(), a->storage.get());
  EXPECT_EQ(v->version.get(), a->version.get());
  EXPECT_EQ(v.sizes(), (Shape{3, 4}));
  EXPECT_EQ(v.strides(), (Shape{4, 1}));
  EXPECT_EQ(at<float>(v, {2, 1}), 9.f);
  Tensor w = tc::ops::view(a, {-1, 6});
  EXPECT_EQ(w.sizes(), (Shape{2, 6}));
  Tensor s = tc::ops::view(tc::ops::slice(v, 0, 1, 3, 1), {8});  // rows 1..2 are contiguous
  EXPECT_EQ(s->offset, 4);
  EXPECT_EQ(values<float>(s), (std::vector<float>{4, 5, 6, 7, 8, 9, 10, 11}));
  // A view of a transpose that does not cross contiguous runs is fine.
  Tensor t3 = tc::ops::transpose(tc::ops::view(a, {2, 3, 2}), 0, 2);  // [2, 3, 2]
  Tensor u = tc::ops::view(t3, {2, 3, 2, 1});
  EXPECT_EQ(u->storage.get(), a->storage.get());
}

TEST(CoreViewOps, ViewErrors) {
  Tensor a = tc::ops::view(arange(12), {3, 4});
  Tensor t = tc::ops::transpose(a, 0, 1);
  expect_error([&] { tc::ops::view(t, {12}); }, tc::ErrorKind::Runtime, "view size is not compatible");
  expect_error([&] { tc::ops::view(a, {5, 2}); }, tc::ErrorKind::Runtime, "is invalid for input of size 12");
  expect_error([&] { tc::ops::view(a, {-1, -1}); }, tc::ErrorKind::Runtime, "only one dimension can be inferred");
}

TEST(CoreViewOps, Transpose) {
  Tensor a = tc::ops::view(arange(6), {2, 3});
  Tensor t = tc::ops::transpose(a, 0, 1);
  EXPECT_EQ(t.sizes(), (Shape{3, 2}));
  EXPECT_EQ(t.strides(), (Shape{1, 3}));
  EXPECT_EQ(t->storage.get(), a->storage.get());
  EXPECT_FALSE(t.is_contiguous());
  EXPECT_EQ(values<float>(t), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  Tensor t2 = tc::ops::transpose(a, -1, -2);
  EXPECT_EQ(t2.strides(), (Shape{1, 3}));
  expect_error([&] { tc::ops::transpose(a, 0, 2); }, tc::ErrorKind::Index, "Dimension out of range");
}

TEST(CoreViewOps, Slice) {
  Tensor a = arange(10);
  Tensor s = tc::ops::slice(a, 0, 2, 8, 2);
  EXPECT_EQ(s.sizes(), (Shape{3}));
  EXPECT_EQ(s.strides(), (Shape{2}));
  EXPECT_EQ(s->offset, 2);
  EXPECT_EQ(s->storage.get(), a->storage.get());
  EXPECT_EQ(values<float>(s), (std::vector<float>{2, 4, 6}));
  EXPECT_EQ(values<float>(tc::ops::slice(a, 0, -3, std::nullopt, 1)), (std::vector<float>{7, 8, 9}));
  EXPECT_EQ(tc::ops::slice(a, 0, 8, 3, 1).numel(), 0);    // end before start: empty
  EXPECT_EQ(tc::ops::slice(a, 0, 5, 100, 1).numel(), 5);  // end clamped
  Tensor m = tc::ops::view(arange(12), {3, 4});
  Tensor col = tc::ops::slice(m, 1, 1, 2, 1);
  EXPECT_EQ(col.sizes(), (Shape{3, 1}));
  EXPECT_EQ(values<float>(col), (std::vector<float>{1, 5, 9}));
  expect_error([&] { tc::ops::slice(a, 0, 0, 5, 0); }, tc::ErrorKind::Value, "step must be greater than zero");
}

TEST(CoreViewOps, Select) {
  Tensor m = tc::ops::view(arange(12), {3, 4});
  Tensor r = tc::ops::select(m, 0, -1);
  EXPECT_EQ(r.sizes(), (Shape{4}));
  EXPECT_EQ(r->offset, 8);
  EXPECT_EQ(values<float>(r), (std::vector<float>{8, 9, 10, 11}));
  expect_error([&] { tc::ops::select(m, 0, 3); }, tc::ErrorKind::Index, "out of bounds");
}

TEST(CoreViewOps, Expand) {
  Tensor c = from_values<float>({3, 1}, {1, 2, 3});
  Tensor e = tc::ops::expand(c, {2, 3, 4});
  EXPECT_EQ(e.sizes(), (Shape{2, 3, 4}));
  EXPECT_EQ(e.strides(), (Shape{0, 1, 0}));
  EXPECT_EQ(e->storage.get(), c->storage.get());
  EXPECT_EQ(at<float>(e, {1, 2, 3}), 3.f);
  Tensor keep = tc::ops::expand(c, {-1, 5});
  EXPECT_EQ(keep.sizes(), (Shape{3, 5}));
  expect_error([&] { tc::ops::expand(c, {2, 4}); }, tc::ErrorKind::Runtime, "must match the existing size");
  expect_error([&] { tc::ops::expand(c, {4}); }, tc::ErrorKind::Runtime, "must be greater or equal");
}

TEST(CoreViewOps, ReshapeCopiesOnlyWhenNeeded) {
  Tensor a = arange(12);
  Tensor r = tc::ops::reshape(a, {3, 4});
  EXPECT_EQ(r->storage.get(), a->storage.get());  // contiguous: a view

  Tensor t = tc::ops::transpose(r, 0, 1);  // [4, 3], not viewable as [12]
  Tensor f = tc::ops::reshape(t, {12});
  EXPECT_NE(f->storage.get(), a->storage.get());  // had to copy
  EXPECT_TRUE(f.is_contiguous());
  EXPECT_EQ(values<float>(f), (std::vector<float>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
  EXPECT_EQ(values<float>(a), values<float>(arange(12)));  // source untouched

  Tensor g = tc::ops::reshape(t, {4, 3, 1});  // only adds a size-1 dim: still a view
  EXPECT_EQ(g->storage.get(), a->storage.get());
  Tensor h = tc::ops::reshape(r, {-1});
  EXPECT_EQ(h.sizes(), (Shape{12}));
  EXPECT_EQ(h->storage.get(), a->storage.get());
  expect_error([&] { tc::ops::reshape(a, {5, -1}); }, tc::ErrorKind::Runtime, "is invalid for input of size 12");
}

TEST(CoreViewOps, ContiguousCopiesOnlyNonContiguous) {
  Tensor a = tc::ops::view(arange(6), {2, 3});
  EXPECT_TRUE(tc::ops::contiguous(a).same(a));
  Tensor c = tc::ops::contiguous(tc::ops::transpose(a, 0, 1));
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_NE(c->storage.get(), a->storage.get());
  EXPECT_EQ(values<float>(c), (std::vector<float>{0, 3, 1, 4, 2, 5}));
}

// ===================================================================== elementwise

TEST(CoreBinaryOps, AddValues) {
  Tensor a = from_values<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = from_values<float>({2, 3}, {10, 20, 30, 40, 50, 60});
  Tensor c = tc::ops::binary(tc::BinaryOp::Add, a, b);
  EXPECT_EQ(c.sizes(), (Shape{2, 3}));
  EXPECT_EQ(c.dtype(), DType::Float32);
  EXPECT_NE(c->storage.get(), a->storage.get());
  EXPECT_EQ(values<float>(c), (std::vector<float>{11, 22, 33, 44, 55, 66}));
  EXPECT_EQ(values<float>(a), (std::vector<float>{1, 2, 3, 4, 5, 6}));  // inputs untouched
}

TEST(CoreBinaryOps, AddBroadcastsAndHandlesStrides) {
  Tensor m = tc::ops::view(arange(6), {2, 3});
  Tensor row = from_values<float>({3}, {100, 200, 300});
  EXPECT_EQ(values<float>(tc::ops::binary(tc::BinaryOp::Add, m, row)),
            (std::vector<float>{100, 201, 302, 103, 204, 305}));
  Tensor col = from_values<float>({2, 1}, {10, 20});
  EXPECT_EQ(values<float>(tc::ops::binary(tc::BinaryOp::Add, col, m)), (std::vector<float>{10, 11, 12, 23, 24, 25}));
  Tensor t = tc::ops::transpose(m, 0, 1);  // [3, 2]
  Tensor s = tc::ops::binary(tc::BinaryOp::Add, t, t);
  EXPECT_EQ(s.sizes(), (Shape{3, 2}));
  EXPECT_EQ(values<float>(s), (std::vector<float>{0, 6, 2, 8, 4, 10}));
  expect_error([&] { tc::ops::binary(tc::BinaryOp::Add, m, from_values<float>({2}, {1, 2})); }, tc::ErrorKind::Runtime,
               "must match");
}

TEST(CoreBinaryOps, AddLargeNonContiguousMatchesReference) {
  // Big enough for the parallel path; transposed operand plus broadcast row.
  const int64_t R = 257, C = 311;
  Tensor a = tc::ops::transpose(tc::ops::view(arange(R * C), {C, R}), 0, 1);  // [R, C]
  Tensor b = tc::ops::view(arange(C), {1, C});
  Tensor c = tc::ops::binary(tc::BinaryOp::Add, a, b);
  ASSERT_EQ(c.sizes(), (Shape{R, C}));
  for (int64_t r = 0; r < R; r += 17)
    for (int64_t k = 0; k < C; k += 23) ASSERT_EQ(at<float>(c, {r, k}), float(k * R + r) + float(k));
}

TEST(CoreBinaryOps, TypePromotion) {
  Tensor i = arange(3, DType::Int64);
  Tensor f = arange(3, DType::Float32);
  Tensor d = arange(3, DType::Float64);
  Tensor i32 = arange(3, DType::Int32);
  EXPECT_EQ(tc::ops::binary(tc::BinaryOp::Add, i, i).dtype(), DType::Int64);
  EXPECT_EQ(tc::ops::binary(tc::BinaryOp::Add, i, f).dtype(), DType::Float32);
  EXPECT_EQ(tc::ops::binary(tc::BinaryOp::Add, f, d).dtype(), DType::Float64);
  EXPECT_EQ(tc::ops::binary(tc::BinaryOp::Add, i32, i).dtype(), DType::Int64);
  Tensor s = tc::ops::binary(tc::BinaryOp::Add, i, f);
  EXPECT_EQ(values<float>(s), (std::vector<float>{0, 2, 4}));
  EXPECT_EQ(values<int64_t>(tc::ops::binary(tc::BinaryOp::Add, i, i)), (std::vector<int64_t>{0, 2, 4}));
  // Integer division is true division into the default float dtype.
  Tensor q = tc::ops::binary(tc::BinaryOp::Div, i, from_values<int64_t>({3}, {2, 2, 2}));
  EXPECT_EQ(q.dtype(), DType::Float32);
  EXPECT_EQ(values<float>(q), (std::vector<float>{0, 0.5f, 1}));
  // Comparisons give bool.
  EXPECT_EQ(tc::ops::binary(tc::BinaryOp::Lt, i, f).dtype(), DType::Bool);
}

TEST(CoreBinaryOps, WrappedScalarsPromoteByCategoryOnly) {
  Tensor i = arange(3, DType::Int64);
  Tensor d = arange(3, DType::Float64);
  Tensor f = arange(3, DType::Float32);
  Tensor half = tc::ops::wrapped_scalar(F(0.5));
  EXPECT_TRUE(tc::ops::is_wrapped_number(half));
  // int tensor + python float -> default dtype (float32)
  Tensor r = tc::ops::binary(tc::BinaryOp::Add, i, half);
  EXPECT_EQ(r.dtype(), DType::Float32);
  EXPECT_EQ(values<float>(r), (std::vector<float>{0.5f, 1.5f, 2.5f}));
  // float64 tensor keeps its dtype; float32 tensor too.
  EXPECT_EQ(tc::ops::binary(tc::BinaryOp::Add, d, half).dtype(), DType::Float64);
  EXPECT_EQ(tc::ops::binary(tc::BinaryOp::Add, f, half).dtype(), DType::Float32);
  // python int with int32 tensor stays int32.
  Tensor i32 = arange(3, DType::Int32);
  EXPECT_EQ(tc::ops::binary(tc::BinaryOp::Add, i32, tc::ops::wrapped_scalar(I(7))).dtype(), DType::Int32);
}

TEST(CoreBinaryOps, InPlaceBumpsVersion) {
  Tensor a = from_values<float>({3}, {1, 2, 3});
  Tensor v = tc::ops::view(a, {3});
  uint32_t before = a.version();
  tc::ops::binary_(tc::BinaryOp::Add, a, from_values<float>({3}, {1, 1, 1}));
  EXPECT_GT(a.version(), before);
  EXPECT_EQ(v.version(), a.version());  // shared with views
  EXPECT_EQ(values<float>(v), (std::vector<float>{2, 3, 4}));
}

// ==================================================================== reductions

TEST(CoreReduce, SumAll) {
  Tensor a = tc::ops::view(arange(6), {2, 3});
  Tensor s = tc::ops::sum_all(a);
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.dtype(), DType::Float32);
  EXPECT_EQ(s.data<float>()[0], 15.f);
  // Sum over all dims given explicitly.
  Tensor s2 = tc::ops::sum(a, {0, 1}, false);
  EXPECT_EQ(s2.dim(), 0);
  EXPECT_EQ(s2.data<float>()[0], 15.f);
}

TEST(CoreReduce, SumOverDims) {
  Tensor a = tc::ops::view(arange(6), {2, 3});
  Tensor s0 = tc::ops::sum(a, {0}, false);
  EXPECT_EQ(s0.sizes(), (Shape{3}));
  EXPECT_EQ(values<float>(s0), (std::vector<float>{3, 5, 7}));
  Tensor s1 = tc::ops::sum(a, {1}, true);
  EXPECT_EQ(s1.sizes(), (Shape{2, 1}));
  EXPECT_EQ(values<float>(s1), (std::vector<float>{3, 12}));
  Tensor sn = tc::ops::sum(a, {-1}, false);
  EXPECT_EQ(values<float>(sn), (std::vector<float>{3, 12}));
  Tensor b = tc::ops::view(arange(24), {2, 3, 4});
  Tensor s02 = tc::ops::sum(b, {0, 2}, false);  // non-adjacent dims
  EXPECT_EQ(s02.sizes(), (Shape{3}));
  // dim 1 = j: sum over i, k of (12 i + 4 j + k) = 2*4*4j + 4*12 + 2*6 = 32 j + 60
  EXPECT_EQ(values<float>(s02), (std::vector<float>{60, 92, 124}));
  expect_error([&] { tc::ops::sum(a, {0, 0}, false); }, tc::ErrorKind::Runtime, "multiple times");
  expect_error([&] { tc::ops::sum(a, {2}, false); }, tc::ErrorKind::Index, "Dimension out of range");
}

TEST(CoreReduce, SumOfNonContiguousInput) {
  Tensor a = tc::ops::view(arange(6), {2, 3});
  Tensor t = tc::ops::transpose(a, 0, 1);  // [3, 2]
  EXPECT_EQ(values<float>(tc::ops::sum(t, {0}, false)), (std::vector<float>{3, 12}));
  EXPECT_EQ(values<float>(tc::ops::sum(t, {1}, false)), (std::vector<float>{3, 5, 7}));
  Tensor e = tc::ops::expand(from_values<float>({1}, {2.f}), {10});
  EXPECT_EQ(tc::ops::sum_all(e).data<float>()[0], 20.f);
}

TEST(CoreReduce, SumDTypes) {
  Tensor i32 = arange(5, DType::Int32);
  Tensor s = tc::ops::sum_all(i32);
  EXPECT_EQ(s.dtype(), DType::Int64);  // integers accumulate in int64
  EXPECT_EQ(s.data<int64_t>()[0], 10);
  Tensor d = tc::ops::sum_all(arange(5, DType::Float64));
  EXPECT_EQ(d.dtype(), DType::Float64);
  EXPECT_EQ(d.data<double>()[0], 10.0);
  Tensor b = tc::ops::full({7}, tc::Scalar::from_bool(true), DType::Bool);
  Tensor sb = tc::ops::sum_all(b);
  EXPECT_EQ(sb.dtype(), DType::Int64);
  EXPECT_EQ(sb.data<int64_t>()[0], 7);
  Tensor forced = tc::ops::sum(arange(4, DType::Int64), {}, false, DType::Float64);
  EXPECT_EQ(forced.dtype(), DType::Float64);
  EXPECT_EQ(forced.data<double>()[0], 6.0);
}

TEST(CoreReduce, SumOfEmptyIsZero) {
  Tensor e = tc::empty({0}, DType::Float32);
  Tensor s = tc::ops::sum_all(e);
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.data<float>()[0], 0.f);
  Tensor m = tc::empty({3, 0}, DType::Float32);
  Tensor s1 = tc::ops::sum(m, {1}, false);
  EXPECT_EQ(s1.sizes(), (Shape{3}));
  EXPECT_EQ(values<float>(s1), (std::vector<float>{0, 0, 0}));
  Tensor s0 = tc::ops::sum(m, {0}, false);
  EXPECT_EQ(s0.sizes(), (Shape{0}));
}

TEST(CoreReduce, LargeSumIsExactAndDeterministic) {
  const int64_t n = (int64_t(1) << 20) + 3;
  Tensor ones = tc::ops::ones({n}, DType::Float32);
  Tensor s = tc::ops::sum_all(ones);
  EXPECT_EQ(s.data<float>()[0], float(n));
  // Same result with a different number of threads.
  int saved = tc::get_num_threads();
  Tensor r = tc::ops::rand({n}, DType::Float32);
  float a = tc::ops::sum_all(r).data<float>()[0];
  tc::set_num_threads(1);
  float b = tc::ops::sum_all(r).data<float>()[0];
  tc::set_num_threads(saved);
  EXPECT_EQ(a, b);
}

// ============================================== undefined behaviour (UBSan)
// These pass in a normal build (the overflow happens to wrap) but are
// undefined behaviour that the sanitizer build of .ci/run stops on; the fuzz
// and op tests reach them from Python. Disabled until the core is fixed; run
// them with --gtest_also_run_disabled_tests in build/ci-asan.

// ops/views.cpp infer_size: the product of the requested sizes overflows int64.
TEST(CoreUB, ViewWithOverflowingShapeRaises) {
  Tensor a = arange(4);
  expect_error([&] { tc::ops::view(a, {int64_t(1) << 62, 2}); }, tc::ErrorKind::Runtime, "is invalid for input");
  expect_error([&] { tc::ops::reshape(a, {int64_t(1) << 62, 4, -1}); }, tc::ErrorKind::Runtime);
}

// backend/cpu/reduce_impl.h: integer prod accumulates in int64 and overflows;
// PyTorch's result wraps (two's complement), which needs unsigned arithmetic.
TEST(CoreUB, IntegerProdWraps) {
  Tensor a = from_values<int64_t>({3}, {int64_t(1) << 62, 4, 3});
  Tensor p = tc::ops::prod(a, std::nullopt, false);
  EXPECT_EQ(p.dtype(), DType::Int64);
  EXPECT_EQ(p.data<int64_t>()[0], 0);  // 2^64 * 3 wraps to 0, as in torch
}

// backend/functors.h exp_f32: for very negative or non-finite inputs the
// exponent is shifted while negative ("left shift of negative value").
TEST(CoreUB, ExpOfExtremeInputs) {
  const float inf = std::numeric_limits<float>::infinity();
  Tensor x = from_values<float>({5}, {-inf, -1e30f, -200.f, inf, 100.f});
  std::vector<float> y = values<float>(tc::ops::unary(tc::UnaryOp::Exp, x));
  EXPECT_EQ(y[0], 0.f);
  EXPECT_EQ(y[1], 0.f);
  EXPECT_EQ(y[2], 0.f);
  EXPECT_EQ(y[3], inf);
  EXPECT_EQ(y[4], inf);
  Tensor n = from_values<float>({1}, {std::numeric_limits<float>::quiet_NaN()});
  EXPECT_TRUE(std::isnan(values<float>(tc::ops::unary(tc::UnaryOp::Exp, n))[0]));
}

TEST(CoreReduce, SumOfZeroDim) {
  Tensor z = from_values<double>({}, {4.5});
  Tensor s = tc::ops::sum_all(z);
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.data<double>()[0], 4.5);
}

}  // namespace
