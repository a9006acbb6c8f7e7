#include "core/device.h"

#include <cstring>

#include "core/error.h"

namespace tc {

namespace {
// PyTorch's names, in the order its "Expected one of ..." message lists them.
struct TypeName {
  const char* name;
  DeviceType type;
};
constexpr TypeName kTypeNames[] = {
    {"cpu", DeviceType::CPU},       {"cuda", DeviceType::CUDA},
    {"ipu", DeviceType::IPU},       {"xpu", DeviceType::XPU},
    {"mkldnn", DeviceType::MKLDNN}, {"opengl", DeviceType::OPENGL},
    {"opencl", DeviceType::OPENCL}, {"ideep", DeviceType::IDEEP},
    {"hip", DeviceType::HIP},       {"ve", DeviceType::VE},
    {"fpga", DeviceType::FPGA},     {"maia", DeviceType::MAIA},
    {"xla", DeviceType::XLA},       {"lazy", DeviceType::Lazy},
    {"vulkan", DeviceType::Vulkan}, {"mps", DeviceType::MPS},
    {"meta", DeviceType::Meta},     {"hpu", DeviceType::HPU},
    {"mtia", DeviceType::MTIA},     {"privateuseone", DeviceType::PrivateUse1},
};

std::string known_types() {
  std::string r;
  for (const auto& t : kTypeNames) r += (r.empty() ? "" : ", ") + std::string(t.name);
  return r;
}
}  // namespace

const char* device_type_name(DeviceType t) {
  if (t == DeviceType::Metal) return "metal";
  for (const auto& n : kTypeNames)
    if (n.type == t) return n.name;
  return "unknown";
}

std::string device_str(Device d) {
  std::string s = device_type_name(d.type);
  if (d.has_index()) s += ":" + std::to_string(d.index);
  return s;
}

Device make_device(DeviceType t, int64_t index) {
  TC_CHECK(index >= -1, "Device index must not be negative");
  TC_CHECK(index <= kMaxDeviceIndex, "Device index must be at most ", kMaxDeviceIndex, ", got ", index);
  return Device(t, static_cast<int8_t>(index));
}

Device parse_device(const std::string& s) {
  TC_CHECK(!s.empty(), "Device string must not be empty");
  // PyTorch's grammar: [a-z_0-9]+ then optionally ':' and a decimal index
  // without leading zeros (so " cpu", "cuda:01", "cuda:-1", "cuda:1:2" are
  // all "Invalid device string").
  size_t colon = s.find(':');
  std::string type = s.substr(0, colon);
  bool type_ok = !type.empty();
  for (char c : type)
    type_ok = type_ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9'));
  int64_t index = -1;
  if (colon != std::string::npos) {
    std::string idx = s.substr(colon + 1);
    bool idx_ok = !idx.empty() && (idx.size() == 1 || idx[0] != '0');
    for (char c : idx) idx_ok = idx_ok && c >= '0' && c <= '9';
    TC_CHECK(type_ok && idx_ok, "Invalid device string: '", s, "'");
    if (idx.size() > 18)
      raise(ErrorKind::Runtime, "Could not parse device index '", idx, "' in device string '", s, "'");
    index = std::stoll(idx);
  }
  TC_CHECK(type_ok, "Invalid device string: '", s, "'");
  for (const auto& n : kTypeNames)
    if (type == n.name) return make_device(n.type, index);
  raise(ErrorKind::Runtime, "Expected one of ", known_types(), " device type at start of device string: ", type);
}

namespace {
thread_local Device g_default_device = Device::cpu();  // Note [Default device]
}  // namespace

Device default_device() { return g_default_device; }
void set_default_device(Device d) { g_default_device = d; }

}  // namespace tc
