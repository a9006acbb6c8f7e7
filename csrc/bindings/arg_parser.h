#pragma once
// Note [Argument parser]
// One parser for the Python signatures of C++-bound functions and methods:
// binds CPython vectorcall arguments (METH_FASTCALL | METH_KEYWORDS) to the
// parameters of a Signature and raises PyTorch's TypeErrors for a wrong
// count, an unknown or repeated keyword, a missing argument or a wrong type,
// without building a tuple or dict (the cost pybind11's dispatch pays per call).
// Used by the elementwise registry (bindings/elementwise.cpp); other ops move
// here as their signatures are written down. Ops with several PyTorch
// overloads (the reduction table, Note [Reduction table]) bind through
// Note [Overloads] below.
#include <Python.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings/common.h"

namespace tc::py_glue {

enum class ArgKind {
  Tensor,          // a Tensor
  TensorOrNumber,  // a Tensor, or a Python number (wrapped scalar)
  Object,          // converted by the caller with the helpers below
};

struct Param {
  const char* name;
  ArgKind kind;
  bool keyword_only = false;
  bool optional = false;        // may be omitted (None counts as omitted)
  const char* alias = nullptr;  // the numpy spelling PyTorch also accepts (axis, keepdims)
};

struct Signature {
  const char* name;     // as PyTorch prints it: "atan2"
  bool method = false;  // Tensor method: positions count from 1 after self, and
                        // the count error names "TensorBase.<name>()"
  int nparams = 0;
  Param params[5];  // sum(input, dim, keepdim, *, dtype, out) has the most
};

// Binds args/kwnames to `slots` (borrowed references, nullptr where an
// optional parameter was not given). False with a Python TypeError set on failure.
bool bind_args(const Signature& sig, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, PyObject** slots);

// Converts a bound argument per its kind; false with PyTorch's TypeError set
// ("atan2(): argument 'other' (position 2) must be Tensor, not int").
bool convert_arg(const Signature& sig, int index, PyObject* obj, bool positional, Tensor* out);

// Helpers for ArgKind::Object parameters, with PyTorch's TypeErrors.
// dim: None (or omitted) -> {} (all dims), an int, or a tuple/list of ints.
bool parse_dims(const char* fname, PyObject* obj, Shape* out);
bool parse_bool(const char* fname, const char* pname, PyObject* obj, bool* out);
// nullptr or None -> nullopt; tensorcore dtypes and the Python types float/int/bool.
bool parse_optional_dtype(const char* fname, PyObject* obj, std::optional<DType>* out);

// int, or an object with __index__ that is not a float (a one-element
// integer tensor counts): what PyTorch's parser reads as an int.
bool is_int_like(PyObject* o);
// One int argument; bool and non-ints raise "<fname>(): argument '<pname>' must be int, not <type>".
bool parse_int(const char* fname, const char* pname, PyObject* obj, int64_t* out);
// A size given as ints f(2, 3) or one sequence f((2, 3)) (args[0..n)), with
// Note [bool in an int list]: PyTorch's parser decides "is this an int list"
// from the first element alone and refuses a bool there; a bool further on
// is read as the int it is (zeros(5, True, 0) has shape (5, 1, 0)).
bool parse_shape(const char* fname, PyObject* const* args, Py_ssize_t n, Shape* out);
// keepdim: a bool, and only with a dim (PyTorch's TypeErrors).
bool parse_keepdim(const char* fname, PyObject* keepdim, bool have_dim, bool* out);

// The Tensor class's type object (for fast isinstance checks).
PyTypeObject* tensor_type();
inline bool is_tensor(PyObject* o) { return PyObject_TypeCheck(o, tensor_type()); }
Tensor unwrap_tensor(PyObject* o);       // o must satisfy is_tensor
PyObject* wrap_tensor(const Tensor& t);  // new reference

// Runs body() (returning a new reference, or nullptr with a Python error set),
// turning C++ exceptions into Python ones through the module's translators:
// the vectorcall entry points have no pybind11 dispatcher around them.
template <typename F> PyObject* guarded(F body) {
  try {
    return body();
  } catch (py::error_already_set& e) { e.restore(); } catch (...) {
    py::detail::try_translate_exceptions();
  }
  return nullptr;
}

// Note [Overloads]
// PyTorch's signatures, written as PyTorch's schema ("(Tensor input, int dim,
// bool keepdim=False, *, Tensor out=None)"), parsed once; a call binds to the
// first overload that accepts it (PyTorch's FunctionSignature::parse), else
// raises PyTorch's TypeError (Note [Overload errors] in arg_parser.cpp).
// IntList: int[1] (an int or a sequence); IntListOnly: int[] (a sequence, or
// ints as varargs when it is the only positional parameter).
enum class PType { Tensor, TensorList, Int, IntList, IntListOnly, Bool, Dtype, Scalar };

struct OParam {
  std::string name;
  const char* alias = nullptr;  // numpy's spelling: axis, keepdims
  PType type = PType::Tensor;
  bool optional = false;    // has a default
  bool allow_none = false;  // `?` type or default None
  bool kwonly = false;
  std::string printed;  // "bool keepdim = False", as PyTorch prints it
};

struct Overload {
  std::vector<OParam> params;
  int max_pos = 0, min_args = 0;
  std::string printed;  // "(Tensor input, int dim, bool keepdim = False, *, Tensor out = None)"
};

// One schema, for the function form or (method) without `input` and `out`.
Overload parse_overload(const std::string& schema, bool method);
// An int-list argument the parser bound (None or omitted -> {}): an int, or a
// sequence whose elements are unpacked with PyTorch's errors.
bool int_list_arg(const char* fname, const char* pname, PyObject* obj, Shape* out);
// Several schemas, '|' separated.
std::vector<Overload> parse_overloads(const std::string& schemas, bool method);
// The overload the call binds to (its index; `slots[i]` is its i-th parameter,
// borrowed, nullptr for a default), or -1 with PyTorch's TypeError set.
int resolve(const char* name, const std::vector<Overload>& ovs, PyObject* const* args, Py_ssize_t nargs,
            PyObject* kwnames, PyObject** slots);

}  // namespace tc::py_glue
