#pragma once
// Device: where a tensor's storage lives, {type, index}, as PyTorch's
// c10::Device. Index -1 means "no index" (the current device of that type;
// always -1 for the CPU).
//
// Note [Device type numbering]
// DeviceType values are PyTorch's, so `hash(tensorcore.device(...))` (which
// mixes the type number and the index) equals `hash(torch.device(...))` and a
// type number means the same in both projects. Only CPU has a backend today;
// every other type parses, prints and compares, and allocating on it raises
// (allocator.h: no allocator registered for the type).
#include <cstdint>
#include <string>

namespace tc {

enum class DeviceType : int8_t {
  CPU = 0,
  CUDA = 1,
  MKLDNN = 2,
  OPENGL = 3,
  OPENCL = 4,
  IDEEP = 5,
  HIP = 6,
  FPGA = 7,
  MAIA = 8,
  XLA = 9,
  Vulkan = 10,
  Metal = 11,
  XPU = 12,
  MPS = 13,
  Meta = 14,
  HPU = 15,
  VE = 16,
  Lazy = 17,
  IPU = 18,
  MTIA = 19,
  PrivateUse1 = 20,
};
constexpr int kNumDeviceTypes = 21;
// Indices are int8 as in PyTorch (c10::DeviceIndex); parse_device rejects
// larger ones instead of wrapping them as PyTorch does.
constexpr int kMaxDeviceIndex = 127;

struct Device {
  DeviceType type = DeviceType::CPU;
  int8_t index = -1;

  constexpr Device() = default;
  constexpr Device(DeviceType t, int8_t i = -1) : type(t), index(i) {}
  static constexpr Device cpu() { return Device(); }
  bool is_cpu() const { return type == DeviceType::CPU; }
  bool has_index() const { return index >= 0; }
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  // PyTorch's hash of a device: type number above 16 bits, index as uint8.
  int64_t hash() const {
    return (static_cast<int64_t>(type) << 16) | static_cast<int64_t>(static_cast<uint8_t>(index));
  }
};

// "cpu", "cuda", "privateuseone", ... (PyTorch's lower-case spelling).
const char* device_type_name(DeviceType t);
// "cpu", "cuda:1".
std::string device_str(Device d);
// Parses "cpu", "cuda:1", "meta" with PyTorch's rules and RuntimeErrors:
// empty string, unknown type (the message lists the known ones), malformed or
// leading-zero index.
Device parse_device(const std::string& s);
// Device(type, index) with an explicit index (>= 0, or -1 for none).
Device make_device(DeviceType t, int64_t index);

// Note [Default device]
// Where factories (tensorcore.ones, rand, tensor, ...) allocate when no
// device= is given: CPU unless tensorcore.set_default_device or a
// `with tensorcore.device(...)` block says otherwise. Per thread, as
// PyTorch's (its device context lives in a threading.local). Only the public
// factories read it (tensorcore/_functions.py resolves device=None with it
// and passes the device down); ops allocate results on their inputs' device,
// and temporaries inside ops are on the device they compute on.
Device default_device();
void set_default_device(Device d);

}  // namespace tc
