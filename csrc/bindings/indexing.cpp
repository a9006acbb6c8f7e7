// __getitem__ / __setitem__: PyTorch's indexing rules.
// Basic indices (ints, slices, None, ...) build a view; index tensors, lists
// and bool masks then go through advanced indexing (ops::index / index_put_).
#include <optional>

#include "autograd/meta.h"
#include "bindings/common.h"
#include "core/shape_util.h"

namespace tc::py_glue {

namespace {

bool is_tensor(py::handle o) { return py::isinstance<TensorImpl>(o); }

// An integer 0-dim tensor used as an index behaves like a Python int.
bool is_int_like(py::handle o) {
  if (PyBool_Check(o.ptr())) return false;
  if (PyLong_Check(o.ptr())) return true;
  if (is_tensor(o)) {
    Tensor t = o.cast<Tensor>();
    return t.dim() == 0 && is_integral(t.dtype(), false);
  }
  py::module_ np = py::module_::import("numpy");
  return py::isinstance(o, np.attr("integer"));
}

bool is_str(py::handle o) { return py::isinstance<py::str>(o) || py::isinstance<py::bytes>(o); }

// Inside an index tuple every non-string sequence (list, tuple, range, array)
// is an index tensor, as PyTorch reads x[range(n), y] or x[(0, 1), (1, 2)].
bool is_advanced(py::handle o) {
  if (is_tensor(o)) return true;
  if (py::isinstance<py::array>(o)) return true;
  return !is_str(o) && PySequence_Check(o.ptr());
}

// PyTorch's treatSequenceAsTuple (NumPy's heuristic): a non-tuple sequence
// key shorter than 32 whose elements include a tensor, sequence, slice, None
// or Ellipsis is read as a tuple of indices (x[[idx0, idx1]] == x[idx0, idx1]),
// with PyTorch's deprecation warning.
bool sequence_is_tuple(py::handle key) {
  if (py::isinstance<py::tuple>(key)) return true;
  if (is_tensor(key) || is_str(key) || py::isinstance<py::array>(key) || !PySequence_Check(key.ptr())) return false;
  Py_ssize_t n = PySequence_Size(key.ptr());
  if (n < 0) {
    PyErr_Clear();
    return false;
  }
  if (n >= 32) return false;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* raw = PySequence_GetItem(key.ptr(), i);
    if (!raw) {
      PyErr_Clear();
      return false;
    }
    py::object obj = py::reinterpret_steal<py::object>(raw);
    if (is_tensor(obj) || (PySequence_Check(obj.ptr()) && !is_str(obj)) || PySlice_Check(obj.ptr()) || obj.is_none() ||
        obj.is(py::ellipsis())) {
      if (PyErr_WarnEx(PyExc_UserWarning,
                       "Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in "
                       "pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as "
                       "tensor index, x[torch.tensor(seq)], which will result either in an error or a different result",
                       1) != 0)
        throw py::error_already_set();  // warnings turned into errors
      return true;
    }
  }
  return false;
}

// A Python int index as PyTorch unpacks it: beyond int64 is its ValueError.
int64_t index_int(py::handle o) {
  if (PyLong_Check(o.ptr())) {
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(o.ptr(), &overflow);
    if (overflow) throw py::value_error("Overflow when unpacking long long");
    return v;
  }
  return to_int(o, "index", "index");
}

// Note [Slice bounds beyond int64]
// PyTorch saturates a slice's Python-int start/stop/step to int64 (as
// Python's own slice indices do), then clips values below -2^62 (the least
// SymInt) to -2^62 with a UserWarning. So t[1:2**64] is t[1:], and
// t[-2**63:] is the whole dim with a warning; nothing raises.
std::optional<int64_t> slice_bound(py::handle x) {
  if (x.is_none()) return std::nullopt;
  int64_t v;
  if (PyLong_Check(x.ptr()) && !PyBool_Check(x.ptr())) {
    int overflow = 0;
    v = PyLong_AsLongLongAndOverflow(x.ptr(), &overflow);
    if (overflow) v = overflow > 0 ? INT64_MAX : INT64_MIN;
  } else {
    v = to_int(x, "slice", "index");
  }
  constexpr int64_t kLeastSymInt = -(int64_t(1) << 62);
  if (v < kLeastSymInt) {
    if (PyErr_WarnEx(PyExc_UserWarning,
                     "Truncating the start/stop/step of slice. This is likely because of saved old models when the "
                     "start/stop/step were larger.",
                     1) != 0)
      throw py::error_already_set();
    v = kLeastSymInt;
  }
  return v;
}

// Note [uint8 masks]
// PyTorch still reads a uint8 index tensor as a bool mask (nonzero = True),
// with a deprecation warning; old programs index with `.byte()` masks.
Tensor to_index_tensor(py::handle o) {
  const bool given = is_tensor(o);
  // A range (or tuple) becomes a list first: tensor_from_data reads nested lists.
  Tensor t = given ? o.cast<Tensor>()
             : (PyRange_Check(o.ptr()) || py::isinstance<py::tuple>(o))
                 ? tensor_from_data(py::list(py::reinterpret_borrow<py::object>(o)), std::nullopt)
                 : tensor_from_data(o, std::nullopt);
  // Note [Float lists as indices]: PyTorch builds an index list that is not all bools (or uint8s) as int64
  // straight from the Python values, so x[[0.5, 2.7]] is x[[0, 2]] (truncated; NaN, inf and values beyond int64
  // are its RuntimeError, a complex is its TypeError). A float *tensor* index is refused.
  if (!given && (is_floating(t.dtype()) || is_complex(t.dtype())))
    t = (PyRange_Check(o.ptr()) || py::isinstance<py::tuple>(o))
            ? tensor_from_data(py::list(py::reinterpret_borrow<py::object>(o)), DType::Int64)
            : tensor_from_data(o, DType::Int64);
  if (t.dtype() == DType::Uint8) {
    if (PyErr_WarnEx(PyExc_UserWarning,
                     "indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.",
                     1) != 0)
      throw py::error_already_set();
    return ops::to_dtype(t, DType::Bool);
  }
  if (!given && t.numel() == 0 && t.dtype() != DType::Bool) t = ops::to_dtype(t, DType::Int64);
  return t;
}

int64_t consumed_dims(py::handle o) {
  if (o.is_none() || o.is(py::ellipsis())) return 0;
  if (PyBool_Check(o.ptr())) return 0;
  if (is_tensor(o)) {
    Tensor t = o.cast<Tensor>();
    return t.dtype() == DType::Bool || t.dtype() == DType::Uint8 ? std::max<int64_t>(t.dim(), 0) : 1;
  }
  return 1;
}

struct Parsed {
  Tensor view;              // after basic indexing
  std::vector<Tensor> adv;  // per dim of `view`; undefined = full
  bool has_adv = false;
};

// PyTorch's test for a slice (step 1) that covers its dim: start is 0 (or
// omitted) and stop is at least the length (or omitted), on the bounds as
// given: x[-10:] is still a view, x[0:100] is not.
bool covers_dim(std::optional<int64_t> start, std::optional<int64_t> stop, int64_t length) {
  return (!start || *start == 0) && (!stop || *stop >= length);
}

// Note [Full slices are no views]
// PyTorch's indexing skips a slice that covers its whole dim with step 1
// (applySlice's "slice optimization"): x[0, :] is x.select(0, 0)
// (SelectBackward0, not SliceBackward0), x[:, :] is an alias of x, and an
// assignment x[:] = v or x[...] = v copies into x itself (CopyBackwards,
// not CopySlices through a view). Its __getitem__ turns the optimization off
// for a key that is a lone slice (x[:] is a SliceBackward0 view);
// `skip_full_slices` says which.
Parsed apply_index(const Tensor& self, py::handle key, bool skip_full_slices) {
  // A lone int or slice on a 0-dim tensor gets PyTorch's own messages (old
  // code's `loss.data[0]` meets the first one); inside a tuple it is "too many
  // indices" below, as in PyTorch.
  if (self.dim() == 0 && !py::isinstance<py::bool_>(key) && !is_tensor(key)) {
    const bool integer = PyLong_Check(key.ptr()) || (PyIndex_Check(key.ptr()) && !PySequence_Check(key.ptr()) &&
                                                     !py::isinstance<py::array>(key));  // numpy integer scalars
    if (integer) {
      const auto k = key.cast<int64_t>();  // PyTorch: 0 is "invalid index", any other is out of bounds of size 0
      if (k != 0) throw py::index_error("index " + std::to_string(k) + " is out of bounds for dimension 0 with size 0");
      throw py::index_error(
          "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a "
          "0-dim tensor to a number");
    }
    if (PySlice_Check(key.ptr())) {
      py::object step = py::reinterpret_borrow<py::slice>(key).attr("step");
      int overflow = 0;
      if (PyLong_Check(step.ptr()) && PyLong_AsLongLongAndOverflow(step.ptr(), &overflow) == 0 && !overflow)
        // Python's own check comes first
        throw py::value_error("slice step cannot be zero");
      throw py::index_error("slice() cannot be applied to a 0-dim tensor.");
    }
  }
  py::tuple items;
  if (py::isinstance<py::tuple>(key))
    items = py::reinterpret_borrow<py::tuple>(key);
  else if (sequence_is_tuple(key))
    items = py::tuple(py::reinterpret_borrow<py::object>(key));
  else
    items = py::make_tuple(key);
  int64_t consumed = 0;
  for (auto it : items) consumed += consumed_dims(it);
  // Note [Several ellipses]: PyTorch accepts x[..., ..., :]: each ellipsis
  // skips the dims the other indices leave, so every one after the first
  // moves past the last dim; a full slice there is a no-op, anything else
  // an IndexError (the dim is out of range).
  TC_CHECK_INDEX(consumed <= self.dim(), "too many indices for tensor of dimension ", self.dim());
  Parsed p;
  Tensor v = self;
  int64_t dim = 0;
  std::vector<std::pair<int64_t, Tensor>> adv;
  for (auto it : items) {
    py::handle o = it;
    if (o.is_none()) {
      v = ops::unsqueeze(v, dim);
      ++dim;
    } else if (o.is(py::ellipsis())) {
      dim += self.dim() - consumed;
    } else if (PyBool_Check(o.ptr())) {
      // Like a 0-dim bool mask (advanced indexing, a copy), as PyTorch.
      v = ops::unsqueeze(v, dim);
      adv.push_back({dim, o.ptr() == Py_True ? ops::zeros({1}, DType::Int64) : ops::zeros({0}, DType::Int64)});
      ++dim;
    } else if (is_int_like(o)) {
      int64_t i = index_int(o);
      v = ops::select(v, dim, i);
    } else if (PySlice_Check(o.ptr())) {
      py::slice s = py::reinterpret_borrow<py::slice>(o);
      std::optional<int64_t> start = slice_bound(s.attr("start")), stop = slice_bound(s.attr("stop")),
                             step = slice_bound(s.attr("step"));
      int64_t st = step ? *step : 1;
      if (dim >= v.dim() && !start && !stop && st == 1) {  // Note [Several ellipses]
        ++dim;
        continue;
      }
      TC_CHECK_VALUE(st > 0, "step must be greater than zero");
      if (!(skip_full_slices && st == 1 && dim < v.dim() && covers_dim(start, stop, v.size(dim))))
        v = ops::slice(v, dim, start, stop, st);
      ++dim;
    } else if (is_advanced(o)) {
      Tensor t = to_index_tensor(o);
      if (t.dtype() == DType::Bool) {
        // A k-dim mask indexes k dims: convert to k index tensors.
        for (int64_t k = 0; k < t.dim(); ++k)
          TC_CHECK_INDEX(t.size(k) == v.size(dim + k), "The shape of the mask ", shape_str(t.sizes()), " at index ", k,
                         " does not match the shape of the indexed tensor ", shape_str(v.sizes()), " at index ",
                         dim + k);
        if (t.dim() == 0) {
          v = ops::unsqueeze(v, dim);
          adv.push_back({dim, *t.data<bool>() ? ops::zeros({1}, DType::Int64) : ops::zeros({0}, DType::Int64)});
          ++dim;
          continue;
        }
        Tensor nz = ops::nonzero(t);
        for (int64_t k = 0; k < t.dim(); ++k) adv.push_back({dim + k, ops::select(nz, 1, k)});
        dim += t.dim();
      } else {
        adv.push_back({dim, t});
        ++dim;
      }
    } else {
      if (is_str(o))  // as PyTorch: TypeError for strings
        throw py::type_error("[index] invalid index of type " + std::string(py::str(py::type::of(o).attr("__name__"))) +
                             "; only integers, slices (`:`), ellipsis (`...`), None and integer or bool tensors are "
                             "valid indices");
      throw py::index_error(
          "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
          "valid indices (got " +
          std::string(py::str(py::type::of(o).attr("__name__"))) + ")");
    }
  }
  p.view = v;
  if (!adv.empty()) {
    p.has_adv = true;
    int64_t last = 0;
    for (auto& a : adv) last = std::max(last, a.first + 1);
    p.adv.resize(last);
    for (auto& a : adv) p.adv[a.first] = a.second;
  }
  return p;
}

}  // namespace

void init_indexing(py::class_<TensorImpl, Tensor>& cls) {
  cls.def("__getitem__", [](const Tensor& self, py::handle key) -> Tensor {
    // Fast path: a single int.
    if (PyLong_CheckExact(key.ptr()) && self.dim() > 0) return ops::select(self, 0, index_int(key));
    Parsed p = apply_index(self, key, !PySlice_Check(key.ptr()));  // Note [Full slices are no views]
    if (!p.has_adv) {
      if (p.view.same(self)) return ops::alias(self);
      return p.view;
    }
    return ops::index(p.view, p.adv);
  });
  // Note [Assignment records like PyTorch]
  // t[key] = value is PyTorch's setitem: basic indexing builds a view of t
  // and copies into it (copy_to below), advanced indexing is index_put_ on
  // that view. Both are the recorded in-place ops, so autograd needs nothing
  // of its own here: an in-place op on a view rebases the base's history
  // onto CopySlices (Note [In-place on views]), on t itself it records
  // CopyBackwards / IndexPutBackward0 -- the graphs PyTorch builds.
  // Tensor.__setitem__ (tensorcore/_tensor.py) checks the value's type and
  // dtype first, with PyTorch's messages.
  cls.def("_setitem", [](Tensor& self, py::handle key, py::handle value) {
    Tensor v;
    bool number = !py::isinstance<TensorImpl>(value);
    if (!number)
      v = value.cast<Tensor>();
    else {
      if (PyLong_Check(value.ptr())) {  // PyTorch unpacks the value as a long long here
        int overflow = 0;
        PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
        if (overflow) throw py::value_error("Overflow when unpacking long long");
      }
      Scalar s;
      if (parse_scalar(value, &s))
        v = ops::scalar_tensor(s, self.dtype());
      else
        v = tensor_from_data(value, self.dtype());
    }
    // A lone mask with a number (or 0-dim) value is PyTorch's masked_fill_,
    // which takes bool masks only (Note [uint8 masks]).
    if (is_tensor(key) && v.dim() == 0 && key.cast<Tensor>().dtype() == DType::Uint8)
      throw tc::Error(ErrorKind::Runtime,
                      "masked_fill_ only supports boolean masks, but got mask with dtype unsigned char");
    // Nothing is recorded into a tensor that cannot hold a gradient (an
    // integer t with a value that requires grad is a plain copy, as PyTorch).
    std::optional<autograd::NoGradGuard> no_grad;
    if (!is_floating(self.dtype()) && !is_complex(self.dtype())) no_grad.emplace();
    Parsed p = apply_index(self, key, true);  // Note [Full slices are no views]
    Tensor dst = p.view;
    // The value loses its leading size-1 dims (PyTorch's slicePrefix1sSize, on
    // every setitem path): x[0] = t of shape (1, n) and x[mask] = t of shape
    // (1, k) both work.
    auto strip_leading_ones = [](const Tensor& t) {
      Shape stripped(t.sizes().begin(), t.sizes().end());
      size_t lead = 0;
      while (lead < stripped.size() && stripped[lead] == 1) ++lead;
      if (lead == 0) return t;
      stripped.erase(stripped.begin(), stripped.begin() + static_cast<std::ptrdiff_t>(lead));
      return ops::view(t, stripped);
    };
    if (p.has_adv) {
      ops::index_put_(dst, p.adv, strip_leading_ones(v), false);
      return;
    }
    // PyTorch's copy_to: equal shapes copy; a 0-dim value fills; any other
    // value (its leading size-1 dims gone) is expanded to the destination's shape.
    if (dst.sizes() == v.sizes() || v.dim() == 0) {
      ops::copy_(dst, v);
      return;
    }
    Tensor src = strip_leading_ones(v);
    if (src.sizes() != dst.sizes()) src = ops::expand(src, dst.sizes());
    ops::copy_(dst, src);
  });
}

}  // namespace tc::py_glue
