#include "bindings/common.h"

#include "bindings/arg_parser.h"

#include <pybind11/stl.h>

namespace pybind11::detail {
bool type_caster<tc::DType>::load(handle src, bool) {
  for (int i = 0; i < tc::kNumDTypes; ++i)
    if (tc::py_glue::registry().dtypes[i].is(src)) {
      value = static_cast<tc::DType>(i);
      return true;
    }
  return false;
}
handle type_caster<tc::DType>::cast(tc::DType dt, return_value_policy, handle) {
  return tc::py_glue::dtype_object(dt).inc_ref();
}
}  // namespace pybind11::detail

namespace tc::py_glue {

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: Python objects outlive static dtors
  return *r;
}

py::object dtype_object(DType dt) { return registry().dtypes[static_cast<int>(dt)]; }

DType to_dtype(py::handle obj) {
  for (int i = 0; i < kNumDTypes; ++i)
    if (registry().dtypes[i].is(obj)) return static_cast<DType>(i);
  // Python types as dtypes, as PyTorch accepts: float -> float64? (PyTorch maps float to float64)
  if (obj.ptr() == reinterpret_cast<PyObject*>(&PyFloat_Type)) return DType::Float64;
  if (obj.ptr() == reinterpret_cast<PyObject*>(&PyLong_Type)) return DType::Int64;
  if (obj.ptr() == reinterpret_cast<PyObject*>(&PyBool_Type)) return DType::Bool;
  throw py::type_error("expected a tensorcore dtype (e.g. tensorcore.float32), but got " +
                       std::string(py::str(py::repr(obj))));
}

std::optional<DType> to_optional_dtype(py::handle obj) {
  if (obj.is_none()) return std::nullopt;
  return to_dtype(obj);
}

py::object make_size(const Shape& s) {
  py::tuple t(s.size());
  for (size_t i = 0; i < s.size(); ++i) t[i] = py::int_(s[i]);
  return registry().size_cls(t);
}

bool parse_scalar(py::handle obj, Scalar* out) {
  PyObject* p = obj.ptr();
  if (PyBool_Check(p)) {
    *out = Scalar::from_bool(p == Py_True);
    return true;
  }
  if (PyLong_CheckExact(p) || PyLong_Check(p)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(p, &overflow);
    if (overflow) {  // PyTorch's OverflowError for a Python int beyond int64 given as a Scalar argument
      PyErr_SetString(PyExc_OverflowError, "int too big to convert");
      throw py::error_already_set();
    }
    *out = Scalar::from_int(v);
    return true;
  }
  if (PyFloat_Check(p)) {
    *out = Scalar::from_double(PyFloat_AS_DOUBLE(p));
    return true;
  }
  if (PyComplex_Check(p)) {
    *out = Scalar::from_complex(PyComplex_RealAsDouble(p), PyComplex_ImagAsDouble(p));
    return true;
  }
  // numpy scalars
  py::module_ np = py::module_::import("numpy");
  if (py::isinstance(obj, np.attr("bool_"))) {
    *out = Scalar::from_bool(obj.cast<bool>());
    return true;
  }
  if (py::isinstance(obj, np.attr("integer"))) {
    *out = Scalar::from_int(obj.attr("__int__")().cast<int64_t>());
    return true;
  }
  if (py::isinstance(obj, np.attr("floating"))) {
    *out = Scalar::from_double(obj.attr("__float__")().cast<double>());
    return true;
  }
  if (py::isinstance(obj, np.attr("complexfloating"))) {
    *out = Scalar::from_complex(obj.attr("real").cast<double>(), obj.attr("imag").cast<double>());
    return true;
  }
  return false;
}

std::optional<Tensor> as_operand(py::handle obj) {
  if (py::isinstance<TensorImpl>(obj)) return obj.cast<Tensor>();
  Scalar s;
  if (parse_scalar(obj, &s)) return ops::wrapped_scalar(s);
  return std::nullopt;
}

int64_t to_int(py::handle obj, const char* op, const char* what) {
  if (PyBool_Check(obj.ptr()))
    throw py::type_error(std::string(op) + "(): argument '" + what + "' must be int, not bool");
  if (py::isinstance<TensorImpl>(obj)) {
    Tensor t = obj.cast<Tensor>();
    if (t.numel() == 1 && !is_floating(t.dtype()) && !is_complex(t.dtype())) {
      Tensor c = ops::to_dtype(ops::contiguous(t), DType::Int64);
      return *c.data<int64_t>();
    }
  }
  if (!PyIndex_Check(obj.ptr()))
    throw py::type_error(std::string(op) + "(): argument '" + what + "' must be int, not " +
                         std::string(py::str(py::type::of(obj).attr("__name__"))));
  PyObject* idx = PyNumber_Index(obj.ptr());
  if (!idx) throw py::error_already_set();  // e.g. a tensor with several elements
  py::object o = py::reinterpret_steal<py::object>(idx);
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(o.ptr(), &overflow);
  if (overflow)
    throw tc::Error(ErrorKind::Runtime, std::string(op) + "(): argument '" + what + "' is out of the int64 range");
  return v;
}

Shape shape_from_args(const py::args& args, const char* op) {
  // The argument parser's rule (Note [bool in an int list], bindings/arg_parser.h).
  Shape out;
  PyObject* tuple = args.ptr();
  if (!parse_shape(op, PySequence_Fast_ITEMS(tuple), PyTuple_GET_SIZE(tuple), &out)) throw py::error_already_set();
  return out;
}

namespace {
// Note [dtype inference for sequences]
// As torch.tensor: bools -> bool, ints -> int64, floats -> the default dtype;
// numpy scalars, arrays and tensors inside the sequence keep their dtype; the
// result is the promotion over all elements. Also checks the nesting the way
// PyTorch reports it (TypeError for a scalar where a sequence is expected,
// ValueError for ragged lengths, RuntimeError for objects of unknown dtype).
struct SeqInfer {
  std::optional<DType> dtype;
  std::vector<int64_t> lengths;  // per depth, from the first sequence seen there
  int64_t leaf_depth = -1;
  // Note [tensor() element checks]: what PyTorch refuses only once the target
  // dtype is known -- Python ints beyond int64 (ValueError unless the target
  // is floating or bool), float tensors as elements of an integer or bool
  // tensor (TypeError, PyTorch converts them with __index__), and element
  // tensors with several values (ValueError).
  bool big_int = false, float_tensor = false, multi_tensor = false, has_tensor = false;
  bool has_dtype = false;  // an explicit dtype= was given
  void take(DType d) { dtype = dtype ? promote_types(*dtype, d) : d; }
  void check_int(PyObject* p) {
    int overflow = 0;
    PyLong_AsLongLongAndOverflow(p, &overflow);
    if (overflow) big_int = true;
  }
  void leaf(size_t depth) {
    if (leaf_depth < 0)
      leaf_depth = static_cast<int64_t>(depth);
    else if (leaf_depth != static_cast<int64_t>(depth))
      throw py::type_error("not a sequence");
  }
  void scan(py::handle obj, size_t depth) {
    PyObject* p = obj.ptr();
    if (depth > 64) throw py::value_error("tensor(): data nested too deeply (more than 64 levels)");
    if (PyBool_Check(p)) {
      take(DType::Bool);
      leaf(depth);
      return;
    }
    if (PyLong_CheckExact(p)) {
      check_int(p);
      take(DType::Int64);
      leaf(depth);
      return;
    }
    if (PyFloat_CheckExact(p)) {
      take(ops::default_dtype());
      leaf(depth);
      return;
    }
    if (PyComplex_Check(p)) {  // the default complex dtype (complex64 for a float32 default)
      take(to_complex_dtype(ops::default_dtype()));
      leaf(depth);
      return;
    }
    if (py::isinstance<TensorImpl>(obj)) {
      Tensor t = obj.cast<Tensor>();
      has_tensor = true;
      float_tensor = float_tensor || is_floating(t.dtype());
      multi_tensor = multi_tensor || t.numel() != 1;
      take(t.dtype());
      return;
    }
    if (py::isinstance<py::array>(obj)) {
      take(dtype_from_numpy(obj.cast<py::array>()));
      return;
    }
    py::module_ np = py::module_::import("numpy");
    if (py::isinstance(obj, np.attr("generic"))) {  // before the subclass checks: np.float64 is a float
      take(dtype_from_numpy(np.attr("asarray")(obj).cast<py::array>()));
      leaf(depth);
      return;
    }
    if (PyLong_Check(p)) {
      check_int(p);
      take(DType::Int64);
      leaf(depth);
      return;
    }
    if (PyFloat_Check(p)) {
      take(ops::default_dtype());
      leaf(depth);
      return;
    }
    if (py::isinstance<py::str>(obj) || py::isinstance<py::bytes>(obj))
      throw py::type_error("new(): invalid data type '" + std::string(py::str(py::type::of(obj).attr("__name__"))) +
                           "'");
    if (!PyList_Check(p) && !PyTuple_Check(p)) {
      std::string type = py::str(py::type::of(obj).attr("__name__"));
      if (has_dtype) throw py::type_error("must be real number, not " + type);  // PyTorch, with a dtype given
      throw tc::Error(ErrorKind::Runtime, "Could not infer dtype of " + type);
    }
    if (leaf_depth >= 0 && static_cast<int64_t>(depth) >= leaf_depth) throw py::type_error("not a sequence");
    py::sequence seq = py::reinterpret_borrow<py::sequence>(obj);
    int64_t n = static_cast<int64_t>(py::len(seq));
    if (lengths.size() == depth)
      lengths.push_back(n);
    else if (lengths.size() > depth && lengths[depth] != n)
      throw py::value_error("expected sequence of length " + std::to_string(lengths[depth]) + " at dim " +
                            std::to_string(depth) + " (got " + std::to_string(n) + ")");
    for (auto item : seq) scan(item, depth + 1);
  }
};

}  // namespace

DType dtype_from_numpy(const py::array& arr) {
  char kind = arr.dtype().kind();
  size_t sz = arr.itemsize();
  if (kind == 'b') return DType::Bool;
  if (kind == 'f' && sz == 2) return DType::Float16;
  if (kind == 'f' && sz == 4) return DType::Float32;
  if (kind == 'f' && sz == 8) return DType::Float64;
  if (kind == 'c' && sz == 8) return DType::Complex64;
  if (kind == 'c' && sz == 16) return DType::Complex128;
  if (kind == 'u' && sz == 1) return DType::Uint8;
  if (kind == 'i' && sz == 1) return DType::Int8;
  if (kind == 'i' && sz == 2) return DType::Int16;
  if (kind == 'i' && sz == 4) return DType::Int32;
  if (kind == 'i' && sz == 8) return DType::Int64;
  if (sz == 2 && std::string(py::str(arr.dtype())) == "bfloat16") return DType::BFloat16;  // ml_dtypes.bfloat16
  throw py::type_error("can't convert np.ndarray of type numpy." + std::string(py::str(arr.dtype())) +
                       ". The only supported types are: complex128, complex64, float64, float32, float16, bfloat16 "
                       "(ml_dtypes), int64, int32, int16, int8, uint8, and bool.");
}

// Note [bfloat16 in numpy]
// numpy has no bfloat16; the ml_dtypes package (an optional dependency)
// registers one, and tensors convert through it both ways. Without it,
// .numpy() of a bfloat16 tensor raises a TypeError that says what to install
// (PyTorch raises "Got unsupported ScalarType BFloat16" there).
py::dtype bfloat16_numpy_dtype() {
  py::object mod;
  try {
    mod = py::module_::import("ml_dtypes");
  } catch (py::error_already_set&) {
    throw py::type_error(
        "Got unsupported ScalarType BFloat16: numpy has no bfloat16 type; install the ml_dtypes package "
        "(pip install ml_dtypes) to convert bfloat16 tensors to numpy, or convert with .float() first");
  }
  return py::dtype::from_args(mod.attr("bfloat16"));
}

void check_numpy_layout(const py::array& arr) {
  for (py::ssize_t i = 0; i < arr.ndim(); ++i)
    if (arr.strides(i) < 0)
      throw py::value_error(
          "At least one stride in the given numpy array is negative, and tensors with negative "
          "strides are not currently supported. (You can probably work around this by making a "
          "copy of your array  with array.copy().) ");
  if (!arr.dtype().attr("isnative").cast<bool>())
    throw py::value_error(
        "given numpy array has byte order different from the native byte order. Conversion "
        "between byte orders is currently not supported.");
}

// The nested data with every (one-element) tensor replaced by its Python
// number, as PyTorch reads them: numpy never sees a tensor (whose buffer is
// refused when it requires grad, Note [numpy access and requires_grad]).
static py::object tensors_to_numbers(py::handle obj) {
  if (py::isinstance<TensorImpl>(obj)) return obj.attr("item")();
  if (PyList_Check(obj.ptr()) || PyTuple_Check(obj.ptr())) {
    py::list out;
    for (auto item : py::reinterpret_borrow<py::sequence>(obj)) out.append(tensors_to_numbers(item));
    return std::move(out);
  }
  return py::reinterpret_borrow<py::object>(obj);
}

// A Python complex number goes into a complex or bool dtype only, even with a zero imaginary part: PyTorch reads
// the number with the target's Python conversion (int() or float()), which refuses complex with a TypeError.
static void reject_complex_into(DType target) {
  if (is_complex(target) || target == DType::Bool) return;
  throw py::type_error(is_floating(target) ? "must be real number, not complex"
                                           : "'complex' object cannot be interpreted as an integer");
}

Tensor tensor_from_data(py::handle data, std::optional<DType> dtype) {
  if (py::isinstance<TensorImpl>(data)) {
    Tensor t = data.cast<Tensor>();
    autograd::NoGradGuard ng;
    return ops::clone(dtype ? ops::to_dtype(ops::detach(t), *dtype) : ops::detach(t));
  }
  py::module_ np = py::module_::import("numpy");
  if (py::isinstance(data, np.attr("generic")) && !py::isinstance<py::str>(data) && !py::isinstance<py::bytes>(data))
    return tensor_from_data(np.attr("asarray")(data), dtype);   // numpy scalars keep their dtype
  if (PyLong_Check(data.ptr()) && !PyBool_Check(data.ptr())) {  // Note [tensor() element checks]
    SeqInfer one;
    one.check_int(data.ptr());
    if (one.big_int) {
      if (!dtype || !(is_floating(*dtype) || is_complex(*dtype) || *dtype == DType::Bool))
        throw py::value_error("Overflow when unpacking long long");
      return ops::scalar_tensor(Scalar::from_double(PyLong_AsDouble(data.ptr())), dtype);
    }
  }
  if (PyComplex_Check(data.ptr()) && dtype) {
    reject_complex_into(*dtype);
    if (*dtype == DType::Bool)  // truthiness, as in a list (tensor(1j, dtype=bool) is True)
      return ops::scalar_tensor(Scalar::from_bool(PyObject_IsTrue(data.ptr()) == 1), dtype);
  }
  Scalar s;
  if (parse_scalar(data, &s)) return ops::scalar_tensor(s, dtype);
  if (py::isinstance<py::str>(data) || py::isinstance<py::bytes>(data))
    throw py::type_error("new(): invalid data type '" + std::string(py::str(py::type::of(data).attr("__name__"))) +
                         "'");
  py::object arr_obj, as_double, as_numbers;
  bool from_python_seq = !py::isinstance<py::array>(data);
  std::optional<DType> inferred;
  if (from_python_seq) {
    if (PyList_Check(data.ptr()) || PyTuple_Check(data.ptr())) {
      SeqInfer inf;
      inf.has_dtype = dtype.has_value();
      inf.scan(data, 0);
      inferred = inf.dtype;
      // Note [tensor() element checks]
      std::optional<DType> target = dtype ? dtype : inferred;
      bool to_float = target && (is_floating(*target) || is_complex(*target));  // complex: read with __complex__
      if ((inf.float_tensor || inf.multi_tensor) && !to_float)  // read with __index__: one integer value each
        throw py::type_error("only integer tensors of a single element can be converted to an index");
      if (inf.multi_tensor) throw py::value_error("only one element tensors can be converted to Python scalars");
      if (inf.has_tensor) {
        as_numbers = tensors_to_numbers(data);
        data = as_numbers;
      }
      if (inf.big_int) {
        if (!to_float && !(target && *target == DType::Bool))
          throw py::value_error("Overflow when unpacking long long");
        as_double = np.attr("array")(data, py::arg("dtype") = "float64");  // numpy would make it uint64 or object
        data = as_double;
      }
    } else if (!py::hasattr(data, "__array__")) {
      throw tc::Error(ErrorKind::Runtime,
                      "Could not infer dtype of " + std::string(py::str(py::type::of(data).attr("__name__"))));
    }
    // Elements may be tensors (0-dim or not): convert each via numpy.
    arr_obj = np.attr("array")(data);
    if (PyList_Check(data.ptr()) && PyList_GET_SIZE(data.ptr()) > 0 &&
        py::isinstance<py::array>(PyList_GET_ITEM(data.ptr(), 0)))
      if (PyErr_WarnEx(PyExc_UserWarning,
                       "Creating a tensor from a list of numpy.ndarrays is extremely slow. Please consider converting "
                       "the list to a single numpy.ndarray with numpy.array() before converting to a tensor.",
                       1) < 0)
        throw py::error_already_set();
  } else {
    arr_obj = py::reinterpret_borrow<py::object>(data);
    check_numpy_layout(arr_obj.cast<py::array>());
  }
  py::array arr = arr_obj.cast<py::array>();
  char kind = arr.dtype().kind();
  if (kind == 'O' || kind == 'U' || kind == 'S')
    throw py::type_error("new(): invalid data type: could not infer dtype of " +
                         std::string(py::str(py::type::of(data).attr("__name__"))) + " elements");
  DType src_dt;
  if (from_python_seq) {
    // Python floats map to the default dtype, ints to int64, bools to bool.
    if (kind == 'f') {
      src_dt = DType::Float64;
    } else if (kind == 'c') {
      src_dt = DType::Complex128;
    } else if (kind == 'b')
      src_dt = DType::Bool;
    else if (kind == 'i' || kind == 'u')
      src_dt = DType::Int64;
    else
      src_dt = dtype_from_numpy(arr);
    // (np.asarray, not np.ascontiguousarray: the latter turns 0-d arrays into 1-d.)
    arr = np.attr("asarray")(arr,
                             py::arg("dtype") = (src_dt == DType::Float64      ? "float64"
                                                 : src_dt == DType::Complex128 ? "complex128"
                                                 : src_dt == DType::Bool       ? "bool"
                                                                               : "int64"),
                             py::arg("order") = "C")
              .cast<py::array>();
  } else {
    src_dt = dtype_from_numpy(arr);
    arr = np.attr("asarray")(arr, py::arg("order") = "C").cast<py::array>();
  }
  if (from_python_seq && src_dt == DType::Complex128 && dtype) reject_complex_into(*dtype);
  Shape shape(arr.shape(), arr.shape() + arr.ndim());
  Tensor t = empty(shape, src_dt);
  std::memcpy(t->data_bytes(), arr.data(), t.numel() * itemsize(src_dt));
  DType target = dtype      ? *dtype
                 : inferred ? *inferred
                            : (from_python_seq && src_dt == DType::Float64      ? ops::default_dtype()
                               : from_python_seq && src_dt == DType::Complex128 ? to_complex_dtype(ops::default_dtype())
                                                                                : src_dt);
  const bool small_int_target = target == DType::Uint8 || target == DType::Int8 || target == DType::Int16;
  if (from_python_seq && t.numel() > 0 && !is_floating(target) && !is_complex(target) && target != DType::Bool &&
      (is_floating(src_dt) || (src_dt == DType::Int64 && (small_int_target || target == DType::Int32)))) {
    // Python numbers into an integer dtype must fit it (NaN and inf never do): PyTorch's RuntimeError. An
    // unsigned type also takes negatives down to -max, which wrap (c10::overflows).
    py::object a = np.attr("asarray")(arr);
    bool fits = true;
    if (small_int_target || (target == DType::Int32 && !is_floating(src_dt))) {
      const double hi = target == DType::Uint8   ? 255
                        : target == DType::Int8  ? 127
                        : target == DType::Int16 ? 32767
                                                 : 2147483647;
      const double lo = target == DType::Uint8 ? -255 : -hi - 1;
      fits = np.attr("all")(np.attr("less_equal")(a, hi)).cast<bool>() &&
             np.attr("all")(np.attr("greater_equal")(a, lo)).cast<bool>();
    } else {
      const double lim = target == DType::Int32 ? 2147483648.0 : 9223372036854775808.0;
      fits = np.attr("all")(np.attr("less")(np.attr("abs")(a), lim)).cast<bool>();
    }
    if (is_floating(src_dt)) fits = fits && np.attr("all")(np.attr("isfinite")(a)).cast<bool>();
    if (!fits)
      throw tc::Error(ErrorKind::Runtime,
                      std::string("value cannot be converted to type ") + dtype_name(target) + " without overflow");
  }
  if (target != src_dt) t = ops::to_dtype(t, target);
  return t;
}

}  // namespace tc::py_glue
