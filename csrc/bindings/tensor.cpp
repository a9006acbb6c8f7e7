// The Tensor class: properties, Python operators and in-place operators.
// Methods with PyTorch's flexible signatures are added in tensorcore/_tensor.py
// on top of the raw ops in functions.cpp.
#include "autograd/meta.h"
#include "autograd/node.h"
#include "bindings/common.h"
#include "core/iterator.h"
#include "core/shape_util.h"
#include "core/storage_resize.h"

namespace tc::py_glue {

namespace {

py::object not_implemented() { return py::reinterpret_borrow<py::object>(Py_NotImplemented); }

// Binary operator: returns NotImplemented for unsupported operands so Python
// can try the reflected operation (and then raise TypeError).
template <typename F> py::object binop(const Tensor& self, py::handle other, F f) {
  auto o = as_operand(other);
  if (!o) return not_implemented();
  return py::cast(f(self, *o));
}

template <typename F> py::object inplace(Tensor& self, py::handle other, F f) {
  auto o = as_operand(other);
  if (!o) return not_implemented();
  f(self, *o);
  return py::cast(self);
}

Tensor apply_bin(BinaryOp op, const Tensor& a, const Tensor& b) { return ops::binary(op, a, b); }

// Bitwise ops on bool tensors are logical ops.
Tensor bitwise(BinaryOp op, const Tensor& a, const Tensor& b) {
  if (is_floating(a.dtype()) || is_floating(b.dtype())) {
    broadcast_shapes(a.sizes(), b.sizes(), "bitwise");  // PyTorch reports mismatched shapes first
  }
  if (is_floating(a.dtype()) || is_floating(b.dtype()))
    raise(ErrorKind::NotImplemented, "\"bitwise_",
          op == BinaryOp::BitAnd  ? "and"
          : op == BinaryOp::BitOr ? "or"
                                  : "xor",
          "\" is only supported for integer and bool tensors, got ", dtype_name(a.dtype()), " and ",
          dtype_name(b.dtype()));
  return ops::binary(op, a, b);
}

// number - tensor: PyTorch's rsub(Tensor, Scalar), whose node is RsubBackward1
// (torch.sub(number, tensor) records SubBackward0).
Tensor rsub_number(const Tensor& number, const Tensor& t) {
  Tensor r = ops::binary(BinaryOp::Sub, number, t);
  if (r->autograd && r->autograd->grad_fn) r->autograd->grad_fn->renamed = "RsubBackward1";
  return r;
}

int64_t item_int(const Tensor& t, const char* what) {
  TC_CHECK(t.numel() == 1, "a Tensor with ", t.numel(), " elements cannot be converted to Scalar (", what, ")");
  return *ops::to_dtype(ops::contiguous(t), DType::Int64).data<int64_t>();
}

}  // namespace

py::object item(const Tensor& t) {
  TC_CHECK(t.numel() == 1, "a Tensor with ", t.numel(), " elements cannot be converted to Scalar");
  Tensor c = ops::contiguous(t);
  if (c->storage->device_memory) {  // one element to the host (waits for the device)
    autograd::NoGradGuard ng;
    c = ops::to_device(c, Device::cpu(), std::nullopt, false);
  }
  switch (t.dtype()) {
    case DType::Bool:
      return py::bool_(*c.data<bool>());
    case DType::Int32:
      return py::int_(*c.data<int32_t>());
    case DType::Int64:
      return py::int_(*c.data<int64_t>());
    case DType::Float32:
      return py::float_(*c.data<float>());
    case DType::Float64:
      return py::float_(*c.data<double>());
    case DType::Uint8:
    case DType::Int8:
    case DType::Int16:
      return py::int_(*ops::to_dtype(c, DType::Int64).data<int64_t>());
    case DType::Float16:
    case DType::BFloat16:
      return py::float_(*ops::to_dtype(c, DType::Float64).data<double>());
    case DType::Complex64:
    case DType::Complex128: {
      const Complex<double> z = *ops::to_dtype(c, DType::Complex128).data<Complex<double>>();
      return py::reinterpret_steal<py::object>(PyComplex_FromDoubles(z.re, z.im));
    }
  }
  return py::none();
}

void init_tensor(py::module_& m, py::class_<TensorImpl, Tensor>& cls) {
  (void)m;
  // Tensor(t): an alias of t (shares storage and version counter) that stays
  // on t's graph (AliasBackward0), as PyTorch's Tensor(t) and Subclass(t):
  // Python subclasses wrap an existing tensor this way, and as_subclass too.
  // nn.Parameter passes a detached tensor (a Parameter is a leaf).
  // Also PyTorch's legacy constructor: Tensor() / Tensor(2, 3) / Tensor([1, 2])
  // give default-dtype tensors (sizes are zero-filled, not uninitialised).
  // Tensor.__init__(self, t, _detach=True): a detached alias that is no view
  // (Tensor._make_subclass, nn.Parameter: a leaf with no _base, as PyTorch's).
  cls.def(py::init([](py::args args, py::kwargs kwargs) -> Tensor {
    bool detach = false;
    for (auto item : kwargs) {
      TC_CHECK_TYPE(item.first.cast<std::string>() == "_detach", "Tensor(): unexpected keyword argument '",
                    item.first.cast<std::string>(), "'");
      detach = item.second.cast<bool>();
    }
    if (args.size() == 1 && py::isinstance<TensorImpl>(args[0])) {
      Tensor t = args[0].cast<Tensor>();
      return detach ? ops::detach(t) : ops::alias(t);
    }
    TC_CHECK_TYPE(!detach, "Tensor(): _detach applies to a Tensor argument only");
    if (args.size() == 0) return empty({0}, ops::default_dtype());
    bool sizes = true;
    for (auto a : args) sizes = sizes && PyLong_Check(a.ptr()) && !PyBool_Check(a.ptr());
    if (sizes) return ops::zeros(shape_from_args(args, "Tensor"), ops::default_dtype());
    TC_CHECK_TYPE(args.size() == 1, "Tensor(): expected a sequence, sizes or a Tensor, got ", args.size(),
                  " arguments");
    return tensor_from_data(args[0], ops::default_dtype());
  }));
  // ---- geometry ----
  cls.def_property_readonly("shape", [](const Tensor& t) { return make_size(t.sizes()); });
  cls.def_property_readonly("dtype", [](const Tensor& t) { return dtype_object(t.dtype()); });
  cls.def_property_readonly("ndim", [](const Tensor& t) { return t.dim(); });
  cls.def("dim", [](const Tensor& t) { return t.dim(); });
  cls.def("ndimension", [](const Tensor& t) { return t.dim(); });
  cls.def("numel", [](const Tensor& t) { return t.numel(); });
  cls.def("nelement", [](const Tensor& t) { return t.numel(); });
  cls.def("element_size", [](const Tensor& t) { return itemsize(t.dtype()); });
  cls.def_property_readonly("itemsize", [](const Tensor& t) { return itemsize(t.dtype()); });
  cls.def_property_readonly("nbytes",
                            [](const Tensor& t) { return t.numel() * static_cast<int64_t>(itemsize(t.dtype())); });
  cls.def(
      "size",
      [](const Tensor& t, py::object dim) -> py::object {
        if (dim.is_none()) return make_size(t.sizes());
        int64_t d = wrap_dim(to_int(dim, "size", "dim"), t.dim(), "size");
        TC_CHECK_INDEX(t.dim() > 0, "dimension specified as ", to_int(dim, "size", "dim"),
                       " but tensor has no dimensions");
        return py::int_(t.size(d));
      },
      py::arg("dim") = py::none());
  cls.def(
      "stride",
      [](const Tensor& t, py::object dim) -> py::object {
        if (dim.is_none()) return py::tuple(py::cast(t.strides()));
        int64_t d = wrap_dim(to_int(dim, "stride", "dim"), t.dim(), "stride");
        TC_CHECK_INDEX(t.dim() > 0, "dimension specified as ", to_int(dim, "stride", "dim"),
                       " but tensor has no dimensions");
        return py::int_(t.strides()[d]);
      },
      py::arg("dim") = py::none());
  cls.def(
      "resize_",
      [](Tensor& t, py::args sizes, py::kwargs kw) -> Tensor& {
        for (auto item : kw)
          TC_CHECK_TYPE(item.first.cast<std::string>() == "memory_format",
                        "resize_() got an unexpected keyword argument '", item.first.cast<std::string>(), "'");
        return ops::resize_(t, shape_from_args(sizes, "resize_"));
      },
      py::return_value_policy::reference);
  cls.def(
      "resize_as_",
      [](Tensor& t, const Tensor& other, py::kwargs) -> Tensor& { return ops::resize_(t, other.sizes()); },
      py::arg("the_template"), py::return_value_policy::reference);
  cls.def("storage_offset", [](const Tensor& t) { return t->offset; });
  cls.def("data_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t->data_bytes()); });
  cls.def("_storage_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t->storage->data); });
  cls.def("_storage_nbytes", [](const Tensor& t) { return t->storage->nbytes; });
  // Note [Storages as byte tensors] (tensorcore/storage.py): a 1-D tensor of `dtype` over t's whole block
  // (offset 0, nbytes / itemsize elements), with a version counter and autograd state of its own.
  cls.def("_storage_view", [](const Tensor& t, DType dtype) {
    const int64_t n = static_cast<int64_t>(t->storage->nbytes / itemsize(dtype));
    return Tensor(new TensorImpl(t->storage, dtype, {n}, {1}, 0, std::make_shared<VersionCounter>()));
  });
  cls.def("_storage_id", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t->storage.get()); });
  cls.def("_storage_resize_", [](const Tensor& t, int64_t nbytes) {
    TC_CHECK(nbytes >= 0, "resize_(): the new size ", nbytes, " of the storage is negative");
    resize_storage(*t->storage, static_cast<size_t>(nbytes));
  });
  // is_contiguous(memory_format): the channels-last layouts are dense strides in NHWC / NDHWC order
  // (PyTorch's compute_channels_last_contiguous_2d/_3d: size-1 dims are free), Note [Channels-last layouts]
  // in tensorcore/_tensor.py.
  cls.def(
      "is_contiguous",
      [](const Tensor& t, py::object fmt) {
        if (fmt.is_none()) return t.is_contiguous();
        const std::string name = py::hasattr(fmt, "_name") ? py::str(fmt.attr("_name")).cast<std::string>() : "";
        if (name == "contiguous_format" || name == "preserve_format") return t.is_contiguous();
        TC_CHECK_TYPE(name == "channels_last" || name == "channels_last_3d",
                      "is_contiguous(): argument 'memory_format' must be torch.memory_format, not ",
                      Py_TYPE(fmt.ptr())->tp_name);
        static const int64_t order2d[] = {1, 3, 2, 0}, order3d[] = {1, 4, 3, 2, 0};
        const bool is2d = name == "channels_last";
        if (t.dim() != (is2d ? 4 : 5)) return false;
        int64_t expected = 1;
        for (int64_t d :
             is2d ? std::vector<int64_t>(order2d, order2d + 4) : std::vector<int64_t>(order3d, order3d + 5)) {
          const int64_t n = t.sizes()[d];
          if (n == 1) continue;
          if (t.strides()[d] != expected) return false;
          expected *= n;
        }
        return true;
      },
      py::arg("memory_format") = py::none());
  cls.def_property_readonly("_version", [](const Tensor& t) { return t.version(); });
  cls.def("is_floating_point", [](const Tensor& t) { return is_floating(t.dtype()); });
  cls.def("_is_wrapped_number", [](const Tensor& t) { return t->wrapped_number; });

  // ---- conversions ----
  cls.def("item", &item);
  cls.def("__bool__", [](const Tensor& t) {
    TC_CHECK(t.numel() == 1, "Boolean value of Tensor with more than one value is ambiguous");
    return *ops::to_dtype(ops::contiguous(t), DType::Bool).data<bool>();
  });
  cls.def("__float__", [](const Tensor& t) {
    TC_CHECK_VALUE(t.numel() == 1, "only one element tensors can be converted to Python scalars");
    return *ops::to_dtype(ops::contiguous(t), DType::Float64).data<double>();
  });
  cls.def("__int__", [](const Tensor& t) -> py::object {
    TC_CHECK_VALUE(t.numel() == 1, "only one element tensors can be converted to Python scalars");
    // Python's int(float): ValueError for NaN, OverflowError for inf, and no int64 wrap-around (as PyTorch).
    if (is_floating(t.dtype()))
      return py::int_(py::float_(*ops::to_dtype(ops::contiguous(t), DType::Float64).data<double>()));
    return py::int_(item_int(t, "int"));
  });
  cls.def("__index__", [](const Tensor& t) {
    TC_CHECK_TYPE(!is_floating(t.dtype()) && !is_complex(t.dtype()) && t.numel() == 1,
                  "only integer tensors of a single element can be converted to an index");
    return item_int(t, "index");
  });
  cls.def("__len__", [](const Tensor& t) {
    TC_CHECK_TYPE(t.dim() > 0, "len() of a 0-d tensor");
    return t.size(0);
  });
  cls.def("__hash__", [](py::handle self) { return py::hash(py::int_(reinterpret_cast<uintptr_t>(self.ptr()))); });

  // ---- arithmetic operators ----
#define TC_BIN(pyname, expr)                                                       \
  cls.def(                                                                         \
      pyname,                                                                      \
      [](const Tensor& a, py::handle o) {                                          \
        return binop(a, o, [](const Tensor& x, const Tensor& y) { return expr; }); \
      },                                                                           \
      py::is_operator());
  TC_BIN("__add__", ops::binary(BinaryOp::Add, x, y))
  // self + other with other as the alpha-scaled operand, as PyTorch's __radd__ (self.add(other)): it differs
  // from other + self for a complex infinity (Note [Complex add is a + alpha * b]).
  TC_BIN("__radd__", ops::binary(BinaryOp::Add, x, y))
  TC_BIN("__sub__", ops::binary(BinaryOp::Sub, x, y))
  TC_BIN("__rsub__", rsub_number(y, x))
  TC_BIN("__mul__", ops::binary(BinaryOp::Mul, x, y))
  TC_BIN("__rmul__", ops::binary(BinaryOp::Mul, y, x))
  TC_BIN("__truediv__", ops::binary(BinaryOp::Div, x, y))
  // number / tensor is reciprocal(tensor) * number, as PyTorch (grad_fn MulBackward0).
  TC_BIN("__rtruediv__", ops::mul(ops::unary(UnaryOp::Reciprocal, x), y))
  TC_BIN("__floordiv__", ops::binary(BinaryOp::FloorDiv, x, y))
  TC_BIN("__rfloordiv__", ops::binary(BinaryOp::FloorDiv, y, x))
  TC_BIN("__mod__", ops::binary(BinaryOp::Rem, x, y))
  TC_BIN("__rmod__", ops::binary(BinaryOp::Rem, y, x))
  TC_BIN("__pow__", ops::binary(BinaryOp::Pow, x, y))
  TC_BIN("__rpow__", ops::binary(BinaryOp::Pow, y, x))
  // PyTorch's __eq__ (alone among the operators) takes a numpy array as a tensor; the others return
  // NotImplemented and leave it to numpy.
  cls.def(
      "__eq__",
      [](const Tensor& a, py::handle o) {
        if (py::isinstance<py::array>(o))
          return py::cast(ops::binary(BinaryOp::Eq, a, tensor_from_data(o, std::nullopt)));
        return binop(a, o, [](const Tensor& x, const Tensor& y) { return ops::binary(BinaryOp::Eq, x, y); });
      },
      py::is_operator());
  TC_BIN("__ne__", ops::binary(BinaryOp::Ne, x, y))
  TC_BIN("__lt__", ops::binary(BinaryOp::Lt, x, y))
  TC_BIN("__le__", ops::binary(BinaryOp::Le, x, y))
  TC_BIN("__gt__", ops::binary(BinaryOp::Gt, x, y))
  TC_BIN("__ge__", ops::binary(BinaryOp::Ge, x, y))
  TC_BIN("__and__", bitwise(BinaryOp::BitAnd, x, y))
  TC_BIN("__rand__", bitwise(BinaryOp::BitAnd, y, x))
  TC_BIN("__or__", bitwise(BinaryOp::BitOr, x, y))
  TC_BIN("__ror__", bitwise(BinaryOp::BitOr, y, x))
  TC_BIN("__xor__", bitwise(BinaryOp::BitXor, x, y))
  TC_BIN("__rxor__", bitwise(BinaryOp::BitXor, y, x))
  TC_BIN("__lshift__", ops::binary(BinaryOp::ShiftLeft, x, y))
  TC_BIN("__rlshift__", ops::binary(BinaryOp::ShiftLeft, y, x))
  TC_BIN("__rshift__", ops::binary(BinaryOp::ShiftRight, x, y))
  TC_BIN("__rrshift__", ops::binary(BinaryOp::ShiftRight, y, x))
#undef TC_BIN
  cls.def(
      "__matmul__",
      [](const Tensor& a, py::handle o) -> py::object {
        if (!py::isinstance<TensorImpl>(o)) return not_implemented();
        return py::cast(ops::matmul(a, o.cast<Tensor>()));
      },
      py::is_operator());
  cls.def(
      "__rmatmul__",
      [](const Tensor& a, py::handle o) -> py::object {
        if (!py::isinstance<TensorImpl>(o)) return not_implemented();
        return py::cast(ops::matmul(o.cast<Tensor>(), a));
      },
      py::is_operator());
  cls.def("__neg__", [](const Tensor& a) { return ops::neg(a); });
  cls.def("__pos__", [](const Tensor& a) { return a; });
  cls.def("__abs__", [](const Tensor& a) { return ops::unary(UnaryOp::Abs, a); });
  cls.def("__invert__", [](const Tensor& a) {
    if (a.dtype() == DType::Bool) return ops::unary(UnaryOp::LogicalNot, a);
    // PyTorch's Python-level check and text (complex included); bitwise_not itself refuses with its kernel error.
    TC_CHECK_TYPE(!is_floating(a.dtype()) && !is_complex(a.dtype()),
                  "~ (operator.invert) is only implemented on integer and Boolean-type tensors");
    return ops::unary(UnaryOp::BitNot, a);
  });

#define TC_INPLACE(pyname, OP)                                                                      \
  cls.def(                                                                                          \
      pyname,                                                                                       \
      [](Tensor& a, py::handle o) {                                                                 \
        return inplace(a, o, [](Tensor& x, const Tensor& y) { ops::binary_(BinaryOp::OP, x, y); }); \
      },                                                                                            \
      py::is_operator());
  TC_INPLACE("__iadd__", Add)
  TC_INPLACE("__isub__", Sub)
  TC_INPLACE("__imul__", Mul)
  TC_INPLACE("__itruediv__", Div)
  TC_INPLACE("__ifloordiv__", FloorDiv)
  TC_INPLACE("__imod__", Rem)
  TC_INPLACE("__ipow__", Pow)
  TC_INPLACE("__iand__", BitAnd)
  TC_INPLACE("__ior__", BitOr)
  TC_INPLACE("__ixor__", BitXor)
  TC_INPLACE("__ilshift__", ShiftLeft)
  TC_INPLACE("__irshift__", ShiftRight)
#undef TC_INPLACE
}

}  // namespace tc::py_glue
