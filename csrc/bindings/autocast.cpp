// tensorcore._C autocast state (Note [CPU autocast] in ops/autocast.h): what
// tensorcore/amp/autocast_mode.py and the op decorators of
// tensorcore/amp/_policies.py read and set.
#include "ops/autocast.h"
#include "bindings/common.h"

namespace tc::py_glue {

void init_autocast(py::module_& m) {
  namespace ac = tc::autocast;
  m.def("_autocast_active", []() { return ac::active(); }, "CPU autocast is enabled and no listed op is running.");
  m.def("_is_autocast_cpu_enabled", []() { return ac::tls_state.enabled; });
  m.def("_set_autocast_cpu_enabled", [](bool on) { ac::set_enabled(on); }, py::arg("enabled"));
  m.def("_get_autocast_cpu_dtype", []() { return ac::tls_state.dtype; });
  m.def("_set_autocast_cpu_dtype", [](DType dt) { ac::tls_state.dtype = dt; }, py::arg("dtype"));
  m.def("_is_autocast_cache_enabled", []() { return ac::tls_state.cache_enabled; });
  m.def("_set_autocast_cache_enabled", [](bool on) { ac::tls_state.cache_enabled = on; }, py::arg("enabled"));
  m.def("_autocast_increment_nesting", []() { return ++ac::tls_state.nesting; });
  m.def("_autocast_decrement_nesting", []() { return --ac::tls_state.nesting; });
  m.def("_clear_autocast_cache", &ac::clear_cache);
  m.def(
      "_autocast_cast", [](const Tensor& t, DType to) { return ac::cached_cast(to, t); }, py::arg("tensor"),
      py::arg("dtype"));
  // +1 when a listed op starts running, -1 when it returns (ExcludeGuard from Python).
  m.def(
      "_autocast_exclude",
      [](int delta) {
        ac::tls_state.excluded += delta;
        ac::tls_state.refresh();
      },
      py::arg("delta"));
}

}  // namespace tc::py_glue
