// GoogleTest unit tests of devices in the core: Device parsing and printing,
// the allocator registry, storages and tensors on a fake device, and the
// device check of ops (Note [Device checks]).
//
// The fake device is a malloc-backed allocator registered for PrivateUse1 (a
// type no backend of ours uses), so tensors on "another device" exist without
// a GPU; every test that registers it unregisters it again.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <thread>

#include "core/allocator.h"
#include "core/device.h"
#include "core/device_check.h"
#include "core/error.h"
#include "core/iterator.h"
#include "core/storage.h"
#include "core/tensor.h"
#include "ops/ops.h"

namespace {

using tc::Device;
using tc::DeviceType;
using tc::DType;
using tc::Tensor;

template <typename F> std::string error_of(F&& f, tc::ErrorKind kind) {
  try {
    f();
  } catch (const tc::Error& e) {
    EXPECT_EQ(static_cast<int>(e.kind), static_cast<int>(kind)) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "expected tc::Error, nothing was thrown";
  return "";
}

struct FakeAllocator final : tc::Allocator {
  int live = 0, allocs = 0;
  void* allocate(size_t n) override {
    ++live;
    ++allocs;
    return std::malloc(n ? n : 1);
  }
  void deallocate(void* p, size_t) override {
    --live;
    std::free(p);
  }
};

const Device kFake(DeviceType::PrivateUse1, 0);

class DeviceFake : public ::testing::Test {
 protected:
  FakeAllocator alloc;
  void SetUp() override { tc::register_allocator(DeviceType::PrivateUse1, &alloc); }
  void TearDown() override {
    tc::register_allocator(DeviceType::PrivateUse1, nullptr);
    EXPECT_EQ(alloc.live, 0) << "a fake-device block was not returned to its allocator";
  }
};

TEST(Device, ParseAndPrint) {
  EXPECT_EQ(tc::parse_device("cpu"), Device());
  EXPECT_EQ(tc::parse_device("cuda:1"), Device(DeviceType::CUDA, 1));
  EXPECT_EQ(tc::parse_device("meta"), Device(DeviceType::Meta));
  EXPECT_EQ(tc::parse_device("privateuseone:3"), Device(DeviceType::PrivateUse1, 3));
  EXPECT_EQ(tc::device_str(Device(DeviceType::CUDA, 1)), "cuda:1");
  EXPECT_EQ(tc::device_str(Device()), "cpu");
  EXPECT_EQ(tc::device_str(tc::parse_device("cpu:0")), "cpu:0");
}

TEST(Device, ParseErrorsAreTorchs) {
  using tc::ErrorKind;
  EXPECT_EQ(error_of([] { tc::parse_device(""); }, ErrorKind::Runtime), "Device string must not be empty");
  for (const char* bad : {"cuda:x", "cuda:-1", "cuda:01", "cuda: 1", " cpu", "cuda:1:2", "cuda:", ":0"})
    EXPECT_EQ(error_of([&] { tc::parse_device(bad); }, ErrorKind::Runtime),
              std::string("Invalid device string: '") + bad + "'");
  std::string unknown = error_of([] { tc::parse_device("foo"); }, ErrorKind::Runtime);
  EXPECT_EQ(unknown.rfind("Expected one of cpu, cuda, ipu, xpu,", 0), 0u) << unknown;
  EXPECT_NE(unknown.find("privateuseone device type at start of device string: foo"), std::string::npos);
  EXPECT_EQ(error_of([] { tc::make_device(DeviceType::CUDA, -2); }, ErrorKind::Runtime),
            "Device index must not be negative");
  error_of([] { tc::make_device(DeviceType::CUDA, 128); }, ErrorKind::Runtime);  // int8 index: no wrap-around
}

TEST(Device, HashIsTorchs) {
  // hash(torch.device('cpu')) == 255, 'cuda:1' -> 65537, 'cuda' -> 65791, 'meta' -> 917759
  EXPECT_EQ(Device().hash(), 255);
  EXPECT_EQ(Device(DeviceType::CUDA, 1).hash(), 65537);
  EXPECT_EQ(Device(DeviceType::CUDA).hash(), 65791);
  EXPECT_EQ(Device(DeviceType::Meta).hash(), 917759);
}

TEST(DeviceAllocators, CpuIsRegisteredOthersRaise) {
  ASSERT_TRUE(tc::has_allocator(DeviceType::CPU));
  void* p = tc::get_allocator(DeviceType::CPU)->allocate(100);
  tc::get_allocator(DeviceType::CPU)->deallocate(p, 100);
  std::string mps =
      error_of([] { tc::empty({2}, DType::Float32, Device(DeviceType::MPS)); }, tc::ErrorKind::NotImplemented);
  EXPECT_NE(mps.find("'mps'"), std::string::npos) << mps;
  if (!tc::has_allocator(DeviceType::CUDA))  // a CPU-only build: PyTorch's AssertionError
    EXPECT_EQ(error_of([] { tc::empty({2}, DType::Float32, Device(DeviceType::CUDA, 0)); }, tc::ErrorKind::Assertion),
              "Torch not compiled with CUDA enabled");
}

TEST(DeviceAllocators, CpuTensorsCarryNoIndex) {
  Tensor t = tc::empty({3}, DType::Float32, Device(DeviceType::CPU, 1));
  EXPECT_EQ(t.device(), Device());
  EXPECT_EQ(t->storage->device, Device());
}

TEST_F(DeviceFake, StorageAndTensorsLiveOnTheirDevice) {
  {
    Tensor t = tc::empty({4, 5}, DType::Float64, kFake);  // 160 bytes: would be inline on the CPU
    EXPECT_EQ(alloc.allocs, 1);
    EXPECT_EQ(t.device(), kFake);
    EXPECT_EQ(t->storage->device, kFake);
    EXPECT_NE(t->storage->data, static_cast<void*>(t->storage->inline_buf));
    Tensor small = tc::empty({2}, DType::Float32, kFake);  // never inline off the CPU
    EXPECT_EQ(alloc.allocs, 2);
    EXPECT_NE(small->storage->data, static_cast<void*>(small->storage->inline_buf));
    Tensor v = tc::make_view(t, {5, 4}, {1, 5}, 0);  // views share storage, so device
    EXPECT_EQ(v.device(), kFake);
    Tensor s = tc::empty_strided({2, 3}, {1, 2}, DType::Int32, kFake);
    EXPECT_EQ(s.device(), kFake);
    EXPECT_EQ(alloc.live, 3);
  }
  EXPECT_EQ(alloc.live, 0);  // freed through the fake allocator, not cpu_free
}

TEST_F(DeviceFake, CommonDeviceOfMatchingTensors) {
  Tensor a = tc::empty({2, 3}, DType::Float32, kFake), b = tc::empty({3}, DType::Float32, kFake);
  Tensor undefined;
  EXPECT_EQ(tc::common_device({&a, &b}), kFake);
  EXPECT_EQ(tc::common_device({&undefined, &a}), kFake);  // outputs still to allocate take no part
  EXPECT_EQ(tc::common_device({&undefined}), Device());
  // A zero-dim CPU tensor (a wrapped number) joins tensors on any device.
  Tensor scalar = tc::empty({}, DType::Float32);
  EXPECT_EQ(tc::common_device({&scalar, &a}), kFake);
  EXPECT_EQ(tc::common_device({&a, &scalar}), kFake);
}

TEST_F(DeviceFake, MixingDevicesRaisesTorchsError) {
  Tensor cpu = tc::empty({3}, DType::Float32), fake = tc::empty({3}, DType::Float32, kFake);
  EXPECT_EQ(error_of([&] { tc::common_device({&cpu, &fake}); }, tc::ErrorKind::Runtime),
            "Expected all tensors to be on the same device, but found at least two devices, cpu and privateuseone:0!");
  EXPECT_EQ(error_of([&] { tc::common_device({&fake, &cpu}); }, tc::ErrorKind::Runtime),
            "Expected all tensors to be on the same device, but found at least two devices, privateuseone:0 and cpu!");
  // A zero-dim tensor on another device is no scalar exception.
  Tensor fake0 = tc::empty({}, DType::Float32, kFake);
  error_of([&] { tc::common_device({&cpu, &fake0}); }, tc::ErrorKind::Runtime);
  // Different indices of one type are different devices.
  Tensor other = tc::empty({3}, DType::Float32, Device(DeviceType::PrivateUse1, 1));
  EXPECT_NE(error_of([&] { tc::common_device({&fake, &other}); }, tc::ErrorKind::Runtime)
                .find("privateuseone:0 and privateuseone:1!"),
            std::string::npos);
}

TEST_F(DeviceFake, IteratorChecksDevicesAndAllocatesOnTheCommonOne) {
  Tensor a = tc::empty({2, 3}, DType::Float32, kFake), b = tc::empty({3}, DType::Float32, kFake);
  Tensor out;
  tc::TensorIterator it({&out}, {DType::Float32}, {&a, &b}, "add");
  EXPECT_EQ(out.device(), kFake);
  EXPECT_EQ(alloc.live, 3);
  Tensor cpu = tc::empty({3}, DType::Float32);
  EXPECT_EQ(error_of([&] { tc::ops::add(a, cpu); }, tc::ErrorKind::Runtime),
            "Expected all tensors to be on the same device, but found at least two devices, privateuseone:0 and cpu!");
  Tensor cpu_out = tc::empty({2, 3}, DType::Float32);  // out= on another device than the inputs
  error_of([&] { tc::TensorIterator({&cpu_out}, {DType::Float32}, {&a, &b}, "add"); }, tc::ErrorKind::Runtime);
}

TEST_F(DeviceFake, NonElementwiseOpsCheckDevicesAndAllocateOnTheirs) {
  // Note [Device checks] beyond TensorIterator: matrix products, cat, gather
  // and index_select make their result on their operands' device, and refuse
  // a mix. (The fake device is host memory, so the CPU kernels can run on it.)
  const std::string mix =
      "Expected all tensors to be on the same device, but found at least two devices, privateuseone:0 and cpu!";
  Tensor a = tc::ops::ones({2, 3}, DType::Float32, kFake), b = tc::ops::ones({3, 2}, DType::Float32, kFake);
  Tensor cpu_b = tc::ops::ones({3, 2}, DType::Float32);
  Tensor c = tc::ops::mm(a, b);
  EXPECT_EQ(c.device(), kFake);
  EXPECT_EQ(c.data<float>()[0], 3.0f);
  EXPECT_EQ(error_of([&] { tc::ops::mm(a, cpu_b); }, tc::ErrorKind::Runtime), mix);
  EXPECT_EQ(tc::ops::matmul(tc::ops::unsqueeze(a, 0), b).device(), kFake);  // through bmm
  EXPECT_EQ(tc::ops::cat({a, a}, 0).device(), kFake);
  EXPECT_EQ(error_of([&] { tc::ops::cat({a, tc::ops::ones({2, 3}, DType::Float32)}, 0); }, tc::ErrorKind::Runtime),
            mix);
  Tensor idx = tc::ops::zeros({1, 3}, DType::Int64, kFake);
  EXPECT_EQ(tc::ops::gather(a, 0, idx).device(), kFake);
  EXPECT_EQ(error_of([&] { tc::ops::gather(a, 0, tc::ops::zeros({1, 3}, DType::Int64)); }, tc::ErrorKind::Runtime),
            mix);
  error_of([&] { tc::ops::index_select(a, 0, tc::ops::zeros({1}, DType::Int64)); }, tc::ErrorKind::Runtime);
}

// Device memory (Note [Device memory is not host memory]): a fake allocator
// whose blocks the host must not read. Every path of an op must stop with an
// error before a CPU loop touches them, whether or not the build has CUDA.
struct FakeDeviceMemory final : tc::Allocator {
  int live = 0;
  void* allocate(size_t n) override {
    ++live;
    return std::malloc(n ? n : 1);
  }
  void deallocate(void* p, size_t) override {
    --live;
    std::free(p);
  }
  bool host_accessible() const override { return false; }
};

class DeviceMemoryFake : public ::testing::Test {
 protected:
  FakeDeviceMemory alloc;
  void SetUp() override { tc::register_allocator(DeviceType::PrivateUse1, &alloc); }
  void TearDown() override {
    tc::register_allocator(DeviceType::PrivateUse1, nullptr);
    EXPECT_EQ(alloc.live, 0);
  }
};

TEST_F(DeviceMemoryFake, HostCodeNeverReadsIt) {
  Tensor a = tc::empty({2, 3}, DType::Float32, kFake), b = tc::empty({2, 3}, DType::Float32, kFake);
  EXPECT_TRUE(a->storage->device_memory);
  EXPECT_TRUE(tc::is_device_memory(kFake));
  const std::string msg = error_of([&] { a->data_bytes(); }, tc::ErrorKind::NotImplemented);
  EXPECT_NE(msg.find("privateuseone:0"), std::string::npos) << msg;
  EXPECT_NE(a->raw_data_bytes(), nullptr);  // the device's own kernels take this one
  // Elementwise ops reach kernels:: with a device iterator, reductions,
  // products and fills their raw-pointer kernels: all refuse a device with no
  // kernels instead of running the CPU's loops over its memory.
  error_of([&] { tc::ops::add(a, b); }, tc::ErrorKind::NotImplemented);
  error_of([&] { tc::ops::unary(tc::UnaryOp::Exp, a); }, tc::ErrorKind::NotImplemented);
  error_of([&] { tc::ops::sum(a, {}, false); }, tc::ErrorKind::NotImplemented);
  error_of([&] { tc::ops::mm(a, tc::ops::transpose(b, 0, 1)); }, tc::ErrorKind::NotImplemented);
  error_of([&] { tc::ops::ones({3}, DType::Float32, kFake); }, tc::ErrorKind::NotImplemented);
  error_of([&] { tc::ops::contiguous(tc::ops::transpose(a, 0, 1)); }, tc::ErrorKind::NotImplemented);
  // A zero-dim CPU operand joins as a host scalar: its value travels to the
  // device's kernel as an argument (Note [Iterators on a device]).
  Tensor s = tc::ops::scalar_tensor(tc::Scalar::from_double(2.0), DType::Float32);
  Tensor out;
  tc::TensorIterator it({&out}, {DType::Float32}, {&a, &s}, "probe");
  EXPECT_TRUE(it.on_device_memory());
  EXPECT_EQ(it.device(), kFake);
  EXPECT_EQ(out.device(), kFake);
  EXPECT_FALSE(it.host_scalar(0) || it.host_scalar(1));
  EXPECT_TRUE(it.host_scalar(2));
}

TEST(DefaultDevice, IsPerThreadAndOnlyWhatItIsSetTo) {
  EXPECT_EQ(tc::default_device(), Device::cpu());
  tc::set_default_device(Device(DeviceType::CUDA, 1));
  EXPECT_EQ(tc::default_device(), Device(DeviceType::CUDA, 1));
  Device other_thread;
  std::thread([&] { other_thread = tc::default_device(); }).join();
  EXPECT_EQ(other_thread, Device::cpu());
  // Ops keep allocating on their inputs' device: the default is for factories only.
  EXPECT_EQ(tc::ops::add(tc::ops::ones({2}, DType::Float32), tc::ops::ones({2}, DType::Float32)).device(),
            Device::cpu());
  tc::set_default_device(Device::cpu());
}

}  // namespace
