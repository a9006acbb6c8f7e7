// TorchScript's executor and fuser switches under torch._C (Note
// [TorchScript executor switches] in tensorcore/jit/__init__.py): training
// scripts (timm's set_jit_fuser, NVIDIA's examples) flip them before
// scripting anything. tensorcore runs scripted code eagerly, so a switch is
// only remembered and reported back, with the signatures and defaults
// PyTorch's bindings have. torchvision's _is_tracing() calls
// _get_tracing_state(), which asks tensorcore.jit (it registers the getter).
#include "bindings/common.h"

namespace tc::py_glue {

namespace {
struct JitSwitches {
  bool profiling_executor = true, profiling_mode = true, can_fuse_on_cpu = false, can_fuse_on_gpu = false;
  bool texpr_fuser = true, graph_executor_optimize = true, llga = false;
  int64_t num_profiled_runs = 1;
};
JitSwitches& switches() {
  static JitSwitches s;
  return s;
}
py::object& tracing_state_getter() {
  static py::object* getter = new py::object(py::none());  // leaked: outlives interpreter teardown safely
  return *getter;
}
bool exchange(bool& slot, bool value) {
  bool previous = slot;
  slot = value;
  return previous;
}
}  // namespace

void init_jit_switches(py::module_& m) {
  m.def("_jit_set_profiling_executor", [](bool v) { return exchange(switches().profiling_executor, v); });
  m.def("_jit_set_profiling_mode", [](bool v) { return exchange(switches().profiling_mode, v); });
  m.def("_jit_override_can_fuse_on_cpu", [](bool v) { switches().can_fuse_on_cpu = v; });
  m.def("_jit_override_can_fuse_on_gpu", [](bool v) { switches().can_fuse_on_gpu = v; });
  m.def("_jit_can_fuse_on_cpu", []() { return switches().can_fuse_on_cpu; });
  m.def("_jit_can_fuse_on_gpu", []() { return switches().can_fuse_on_gpu; });
  m.def("_jit_set_texpr_fuser_enabled", [](bool v) { switches().texpr_fuser = v; });
  m.def("_jit_texpr_fuser_enabled", []() { return switches().texpr_fuser; });
  m.def("_get_graph_executor_optimize", []() { return switches().graph_executor_optimize; });
  m.def("_set_graph_executor_optimize", [](bool v) { switches().graph_executor_optimize = v; });
  m.def("_jit_set_num_profiled_runs", [](int64_t runs) {
    int64_t previous = switches().num_profiled_runs;
    switches().num_profiled_runs = runs;
    return previous;
  });
  m.def("_jit_set_llga_enabled", [](bool v) { return exchange(switches().llga, v); });
  m.def("_jit_llga_enabled", []() { return switches().llga; });
  m.def("_set_tracing_state_getter", [](py::object getter) { tracing_state_getter() = std::move(getter); });
  m.def("_get_tracing_state", []() -> py::object {
    py::object& getter = tracing_state_getter();
    return getter.is_none() ? py::none() : getter();
  });
}

}  // namespace tc::py_glue
