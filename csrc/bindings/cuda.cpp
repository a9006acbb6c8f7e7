// tensorcore._C's CUDA runtime functions (tensorcore/cuda.py wraps them) and
// to_device, the copy between devices. In a build without the backend they
// answer as PyTorch's CPU-only build (backend/no_cuda/).
#include "backend/cuda_api.h"
#include "bindings/common.h"
#include "ops/ops.h"

namespace tc::py_glue {

void init_cuda(py::module_& m) {
  cuda::register_backend();
  m.def("_cuda_compiled", &cuda::compiled);
  m.def("_cuda_enabled", &cuda::enabled);
  m.def("_cuda_is_available", &cuda::is_available);
  m.def("_cuda_device_count", &cuda::device_count);
  m.def("_require_cuda", [](const std::string& op) { cuda::require_cuda(op.c_str()); });
  m.def("_cuda_current_device", &cuda::current_device);
  m.def("_cuda_set_device", &cuda::set_device, py::arg("index"));
  m.def(
      "_cuda_synchronize",
      [](int index) {
        py::gil_scoped_release release;  // waits for the device
        cuda::synchronize(index);
      },
      py::arg("index") = -1);
  m.def(
      "_cuda_device_properties",
      [](int index) {
        const cuda::DeviceProperties p = cuda::device_properties(index);
        return py::make_tuple(p.name, p.major, p.minor, p.total_memory, p.multi_processor_count);
      },
      py::arg("index"));
  m.def("_cuda_memory_allocated", &cuda::memory_allocated, py::arg("index") = -1);
  m.def("_cuda_max_memory_allocated", &cuda::max_memory_allocated, py::arg("index") = -1);
  m.def("_cuda_memory_reserved", &cuda::memory_reserved, py::arg("index") = -1);
  m.def("_cuda_reset_peak_memory_stats", &cuda::reset_peak_memory_stats, py::arg("index") = -1);
  m.def("_cuda_empty_cache", &cuda::empty_cache);
  m.def(
      "to_device",
      [](const Tensor& a, const Device& device, py::object dtype, bool non_blocking) {
        std::optional<DType> dt;
        if (!dtype.is_none()) dt = dtype.cast<DType>();
        return ops::to_device(a, device, dt, non_blocking);
      },
      py::arg("a"), py::arg("device"), py::arg("dtype") = py::none(), py::arg("non_blocking") = false);
}

}  // namespace tc::py_glue
