// tensorcore._C: one init function per area, each in its own file.
#include <cstring>
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

#include "backend/cuda_api.h"
#include "backend/kernels.h"
#include "backend/kernels_gemm_bf16.h"
#include "bindings/common.h"
#include "core/gil.h"
#include "core/parallel.h"
#include "core/warning.h"

namespace tc::py_glue {
void init_tensor(py::module_& m, py::class_<TensorImpl, Tensor>& cls);
void init_device(py::module_& m, py::class_<TensorImpl, Tensor>& cls);
void init_indexing(py::class_<TensorImpl, Tensor>& cls);
void init_numpy(py::module_& m, py::class_<TensorImpl, Tensor>& cls);
void init_functions(py::module_& m);
void init_elementwise(py::module_& m);
void init_fast_functions(py::module_& m);
void init_reductions(py::module_& m);
void init_python_arg_helpers(py::module_& m);
void init_mpi_all_reduce(py::module_& m);
void init_cuda(py::module_& m);
void init_autograd(py::module_& m, py::class_<TensorImpl, Tensor>& cls);
void init_optim(py::module_& m);
void init_jit_switches(py::module_& m);
void init_nn(py::module_& m);
void init_activation(py::module_& m);
void init_conv(py::module_& m);
void init_linalg(py::module_& m);
void init_autocast(py::module_& m);
void init_complex(py::module_& m);
}  // namespace tc::py_glue

namespace py = pybind11;
using namespace tc;
using namespace tc::py_glue;

namespace {
// Note [Flush denormals]
// torch.set_flush_denormal sets x86's MXCSR flush-to-zero (bit 15) and
// denormals-are-zero (bit 6) flags. They are per thread, so they are set on
// the calling thread and, by one parallel region of the pool's size, on each
// OpenMP worker: a kernel flushes denormals whichever thread runs it. (Workers
// started later by a larger set_num_threads start without them, as PyTorch's.)
bool set_flush_denormal(bool on) {
#if defined(__x86_64__)
  auto apply = [on] {
    const unsigned csr = _mm_getcsr();
    _mm_setcsr(on ? (csr | 0x8040u) : (csr & ~0x8040u));
  };
  apply();
#ifdef _OPENMP
  const int n = get_num_threads();
  if (n > 1 && !omp_in_parallel()) {
#pragma omp parallel num_threads(n)
    apply();
  }
#endif
  return true;
#else
  (void)on;
  return false;  // PyTorch's answer where the CPU has no such mode
#endif
}
}  // namespace

PYBIND11_MODULE(_C, m) {
  m.doc() = "tensorcore C++ core";
  // Note [Releasing the GIL]: large kernels let other Python threads run.
  tc::GilHooks gil;
  gil.held = [] { return PyGILState_Check() == 1; };
  gil.release = [] { return static_cast<void*>(PyEval_SaveThread()); };
  gil.restore = [](void* s) { PyEval_RestoreThread(static_cast<PyThreadState*>(s)); };
  tc::set_gil_hooks(gil);
  // Note [Warnings from the core]: tc::warn raises Python's UserWarning (an
  // error, when warnings are errors, ends the op as an exception).
  // The warning points at the user's line: frames inside the tensorcore
  // package (its Python wrappers) are skipped, as PyTorch's point past torch/.
  tc::set_warning_handler([](const std::string& message) {
    Py_ssize_t level = 1;
    PyFrameObject* f = PyEval_GetFrame();  // borrowed
    Py_XINCREF(f);
    while (f) {
      PyCodeObject* code = PyFrame_GetCode(f);
      const char* file = PyUnicode_AsUTF8(code->co_filename);
      Py_DECREF(code);
      if (!file || !std::strstr(file, "/tensorcore/")) break;
      ++level;
      PyFrameObject* back = PyFrame_GetBack(f);
      Py_DECREF(f);
      f = back;
    }
    Py_XDECREF(f);
    PyErr_Clear();  // (a failed filename read)
    if (PyErr_WarnEx(PyExc_UserWarning, message.c_str(), level) != 0) throw py::error_already_set();
  });
  // Errors carry PyTorch's exception types.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const tc::Error& e) {
      switch (e.kind) {
        case ErrorKind::Type:
          PyErr_SetString(PyExc_TypeError, e.what());
          return;
        case ErrorKind::Index:
          PyErr_SetString(PyExc_IndexError, e.what());
          return;
        case ErrorKind::Value:
          PyErr_SetString(PyExc_ValueError, e.what());
          return;
        case ErrorKind::NotImplemented:
          PyErr_SetString(PyExc_NotImplementedError, e.what());
          return;
        case ErrorKind::Assertion:
          PyErr_SetString(PyExc_AssertionError, e.what());
          return;
        default:
          PyErr_SetString(PyExc_RuntimeError, e.what());
          return;
      }
    } catch (const std::bad_alloc&) {
      PyErr_SetString(PyExc_RuntimeError, "tensorcore: out of memory (allocation failed)");
    } catch (const std::length_error& e) {
      PyErr_SetString(PyExc_RuntimeError, (std::string("tensorcore: size too large: ") + e.what()).c_str());
    }
  });

  py::class_<TensorImpl, Tensor> cls(m, "Tensor", py::dynamic_attr(), py::buffer_protocol());
  registry().tensor_cls = cls;
  init_tensor(m, cls);
  init_device(m, cls);
  init_indexing(cls);
  init_numpy(m, cls);
  init_functions(m);
  init_elementwise(m);
  init_fast_functions(m);
  init_reductions(m);
  init_python_arg_helpers(m);
  init_mpi_all_reduce(m);
  init_cuda(m);
  init_autograd(m, cls);
  init_optim(m);
  init_jit_switches(m);
  init_nn(m);
  init_activation(m);
  init_conv(m);
  init_complex(m);
  init_linalg(m);
  init_autocast(m);

  // The dtype facts of core/dtype.h, one tuple per DType code (in code order), from
  // which tensorcore/_dtype.py makes its dtype objects and name tables.
  m.def("_dtype_table", [] {
    py::list rows;
    for (int i = 0; i < kNumDTypes; ++i) {
      const DType t = static_cast<DType>(i);
      rows.append(py::make_tuple(dtype_name(t), itemsize(t), is_floating(t), is_signed(t), scalar_type_name(t),
                                 type_meta_name(t)));
    }
    return rows;
  });
  m.def("_register", [](py::object size_cls, py::list dtypes) {
    registry().size_cls = size_cls;
    for (int i = 0; i < kNumDTypes; ++i) registry().dtypes[i] = dtypes[i];
  });
  m.def("_set_flush_denormal", &set_flush_denormal, py::arg("mode"));
  m.def("get_num_threads", &get_num_threads);
  m.def("set_num_threads", [](int n) {
    if (n < 1) throw py::value_error("set_num_threads expects a positive integer, got " + std::to_string(n));
    set_num_threads(n);
  });
  m.def("_cpu_capability", &kernels::cpu_capability);
  // Note [bfloat16 GEMM]: which path bfloat16 products take ("convert",
  // "native", "emulated"); the setter is for tests and benchmarks and returns
  // False for "native" on a CPU without AVX512-BF16.
  static const char* const kBf16Paths[] = {"convert", "native", "emulated"};
  m.def("_bf16_gemm_path", [] { return std::string(kBf16Paths[static_cast<int>(kernels::bf16_gemm_path())]); });
  m.def("_set_bf16_gemm_path", [](const std::string& name) {
    for (int i = 0; i < 3; ++i)
      if (name == kBf16Paths[i]) return kernels::set_bf16_gemm_path(static_cast<kernels::Bf16GemmPath>(i));
    throw py::value_error("_set_bf16_gemm_path: expected 'convert', 'native' or 'emulated', got '" + name + "'");
  });
  m.def(
      "_measure_fma_peak_gflops",
      [](const std::string& dtype) {
        if (dtype != "float32" && dtype != "float64")
          throw py::value_error("_measure_fma_peak_gflops: dtype must be 'float32' or 'float64', got '" + dtype + "'");
        return kernels::measure_fma_peak_gflops(dtype == "float32" ? DType::Float32 : DType::Float64);
      },
      py::arg("dtype") = "float32");
  m.def("empty_cache", &cpu_empty_cache);
  m.def("_cached_bytes", &cpu_cached_bytes);
}
