#pragma once
// Shared pybind11 glue: Tensor as the holder of TensorImpl, conversions of
// Python arguments (numbers, dtypes, shapes) and the Python-side objects the
// bindings hand out (Size, dtype singletons).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>

#include "autograd/grad_mode.h"
#include "core/error.h"
#include "core/tensor.h"
#include "ops/ops.h"

// Note [One Python object per TensorImpl] (core/tensor.h): Tensor is an
// intrusive holder, so pybind11 may always build one from a raw pointer.
namespace pybind11::detail {
template <> struct always_construct_holder<tc::Tensor> : always_construct_holder_value<true> {};
// None is not a Tensor: pybind11 would otherwise hand ops an undefined tensor
// (a null pointer). Optional tensor arguments are std::optional<Tensor>.
template <> class type_caster<tc::Tensor> : public copyable_holder_caster<tc::TensorImpl, tc::Tensor> {
 public:
  bool load(handle src, bool convert) {
    if (src.is_none()) return false;
    return copyable_holder_caster<tc::TensorImpl, tc::Tensor>::load(src, convert);
  }
};
}  // namespace pybind11::detail

namespace tc::py_glue {
bool parse_scalar(pybind11::handle obj, Scalar* out);
}

namespace pybind11::detail {
// Python numbers (and numpy scalars) convert to tc::Scalar.
template <> struct type_caster<tc::Scalar> {
  PYBIND11_TYPE_CASTER(tc::Scalar, const_name("float | int | bool"));  // a Python number, as the stubs spell it
  bool load(handle src, bool) { return tc::py_glue::parse_scalar(src, &value); }
  static handle cast(const tc::Scalar& s, return_value_policy, handle) {
    if (s.kind == tc::Scalar::Float) return PyFloat_FromDouble(s.d);
    if (s.kind == tc::Scalar::Complex) return PyComplex_FromDoubles(s.d, s.im);
    if (s.kind == tc::Scalar::Bool) return PyBool_FromLong(s.i);
    return PyLong_FromLongLong(s.i);
  }
};
// DType arguments accept tensorcore dtype objects.
template <> struct type_caster<tc::DType> {
  PYBIND11_TYPE_CASTER(tc::DType, const_name("dtype"));
  bool load(handle src, bool);
  static handle cast(tc::DType dt, return_value_policy, handle);
};
}  // namespace pybind11::detail

namespace tc::py_glue {

namespace py = pybind11;

// Python objects registered by tensorcore/__init__.py at import time.
struct Registry {
  py::object size_cls;            // tensorcore.Size
  py::object dtypes[kNumDTypes];  // tensorcore.float32, ...
  py::object tensor_cls;          // the pybind class itself
};
Registry& registry();

py::object dtype_object(DType dt);
DType to_dtype(py::handle obj);  // TypeError if not a tensorcore dtype
std::optional<DType> to_optional_dtype(py::handle obj);
py::object make_size(const Shape& s);
// The tensorcore.device object for `d` (cached: devices are immutable).
py::object device_object(Device d);
// A `device=` argument: None, a device, a string ('cuda:1') or an accelerator
// index; TypeError naming `op` otherwise. Parses only (no backend check).
std::optional<Device> to_optional_device(py::handle obj, const char* op);

// Parses a Python number (bool, int, float, numpy scalars). False if not a number.
bool parse_scalar(py::handle obj, Scalar* out);
// A Tensor operand: a Tensor or a Python number (wrapped). nullopt otherwise.
std::optional<Tensor> as_operand(py::handle obj);
// Converts arbitrary data (tensor, number, nested sequence, ndarray) to a tensor.
Tensor tensor_from_data(py::handle data, std::optional<DType> dtype);
// Note [numpy entry points]
// Every path that reads an ndarray's memory (from_numpy, tensor, as_tensor,
// setitem, new_tensor) first checks what PyTorch checks: native byte order and
// no negative strides (ValueError with PyTorch's message). Without it a
// big-endian array ('>f4', as idx files store them) was read as garbage.
void check_numpy_layout(const py::array& arr);
// The tensorcore dtype of an ndarray's element type (TypeError if none).
DType dtype_from_numpy(const py::array& arr);
// numpy's bfloat16 (ml_dtypes; Note [bfloat16 in numpy] in common.cpp).
py::dtype bfloat16_numpy_dtype();

// Shapes given either as varargs ints or a single sequence: f(2, 3) / f((2, 3)).
Shape shape_from_args(const py::args& args, const char* op);
int64_t to_int(py::handle obj, const char* op, const char* what);

}  // namespace tc::py_glue
