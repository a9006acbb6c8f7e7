#pragma once
// Note [Reduction table]
// The reductions and the softmax family: ONE row per op, in the style of the
// elementwise registry (Note [Op tables], backend/op_tables.h). From a row,
// bindings/reductions.cpp builds tensorcore.<name>(...) and Tensor.<name>(...)
// as vectorcall objects whose arguments are parsed in C++ from the row's
// PyTorch signatures (overloads tried in order, PyTorch's TypeErrors when none
// matches: Note [Overloads] in bindings/arg_parser.h), and exports the table as
// _C._reduction_ops(), from which tensorcore/_elementwise.py installs them (no
// hand-kept name lists). How to add a row: docs/adding-an-op.md.
//
// Columns:
//   name       the PyTorch name (also the error prefix)
//   forms      '|' of FN (tensorcore.name), METHOD (Tensor.name)
//   out_rule   how out= writes the result (tensorcore/_out_variants.py
//              reduction_out, Note [out= dtypes per op family]):
//                COMPUTE_IN_OUT  computed in out's dtype (sum-like)
//                SAME_DTYPE      out's dtype must be the result's
//                INPUT_DTYPE     SAME_DTYPE, and out's dtype checked against the input first
//                EXTREME         max/min: (values, indices) outs with a dim, else SAME_DTYPE
//   impl       the function in bindings/reductions.cpp that runs the op
//              (it reads the bound arguments by name and calls ops::*)
//   overloads  PyTorch's function signatures, '|' separated, in the order the
//              parser tries them. Types: Tensor, Tensor[] (a tuple of
//              tensors), int, int? (None allowed), int[1] (an int or a tuple of
//              ints), int[1]?, int[] (a tuple of ints), bool, ScalarType? (a
//              dtype), Scalar? (a number).
//              `name=default` makes a parameter optional; `*` starts the
//              keyword-only ones. The method form drops `input` and `out`.
//              dim/keepdim also take numpy's axis/keepdims (as PyTorch).

// clang-format off
#define TC_REDUCTION_OPS(_) \
  _(mean, FN | METHOD, COMPUTE_IN_OUT, mean_impl, \
    "(Tensor input, *, ScalarType? dtype=None, Tensor out=None)" \
    "|(Tensor input, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None, Tensor out=None)") \
  _(nansum, FN | METHOD, COMPUTE_IN_OUT, nansum_impl, \
    "(Tensor input, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None, Tensor out=None)") \
  _(nanmean, FN | METHOD, COMPUTE_IN_OUT, nanmean_impl, \
    "(Tensor input, int[1]? dim=None, bool keepdim=False, *, ScalarType? dtype=None, Tensor out=None)") \
  _(prod, FN | METHOD, COMPUTE_IN_OUT, prod_impl, \
    "(Tensor input, *, ScalarType? dtype=None)" \
    "|(Tensor input, int dim, bool keepdim=False, *, ScalarType? dtype=None, Tensor out=None)") \
  _(amax, FN | METHOD, INPUT_DTYPE, amax_impl, \
    "(Tensor input, int[1]? dim=(), bool keepdim=False, *, Tensor out=None)") \
  _(amin, FN | METHOD, INPUT_DTYPE, amin_impl, \
    "(Tensor input, int[1]? dim=(), bool keepdim=False, *, Tensor out=None)") \
  _(max, FN | METHOD, EXTREME, max_impl, \
    "(Tensor input, *, Tensor out=None)" \
    "|(Tensor input, Tensor other, *, Tensor out=None)" \
    "|(Tensor input, int dim, bool keepdim=False, *, Tensor[] out=None)") \
  _(min, FN | METHOD, EXTREME, min_impl, \
    "(Tensor input, *, Tensor out=None)" \
    "|(Tensor input, Tensor other, *, Tensor out=None)" \
    "|(Tensor input, int dim, bool keepdim=False, *, Tensor[] out=None)") \
  _(argmax, FN | METHOD, SAME_DTYPE, argmax_impl, \
    "(Tensor input, int? dim=None, bool keepdim=False, *, Tensor out=None)") \
  _(argmin, FN | METHOD, SAME_DTYPE, argmin_impl, \
    "(Tensor input, int? dim=None, bool keepdim=False, *, Tensor out=None)") \
  _(all, FN | METHOD, SAME_DTYPE, all_impl, \
    "(Tensor input, *, Tensor out=None)" \
    "|(Tensor input, int[1]? dim=None, bool keepdim=False, *, Tensor out=None)" \
    "|(Tensor input, int dim, bool keepdim=False, *, Tensor out=None)") \
  _(any, FN | METHOD, SAME_DTYPE, any_impl, \
    "(Tensor input, *, Tensor out=None)" \
    "|(Tensor input, int[1]? dim=None, bool keepdim=False, *, Tensor out=None)" \
    "|(Tensor input, int dim, bool keepdim=False, *, Tensor out=None)") \
  _(std, FN | METHOD, SAME_DTYPE, std_impl, \
    "(Tensor input, int[1]? dim, bool unbiased=True, bool keepdim=False, *, Tensor out=None)" \
    "|(Tensor input, int[1]? dim=None, *, Scalar? correction=None, bool keepdim=False, Tensor out=None)" \
    "|(Tensor input, bool unbiased=True)") \
  _(var, FN | METHOD, SAME_DTYPE, var_impl, \
    "(Tensor input, int[1]? dim, bool unbiased=True, bool keepdim=False, *, Tensor out=None)" \
    "|(Tensor input, int[1]? dim=None, *, Scalar? correction=None, bool keepdim=False, Tensor out=None)" \
    "|(Tensor input, bool unbiased=True)") \
  _(logsumexp, FN | METHOD, SAME_DTYPE, logsumexp_impl, \
    "(Tensor input, int[1] dim, bool keepdim=False, *, Tensor out=None)") \
  _(softmax, FN | METHOD, SAME_DTYPE, softmax_impl, \
    "(Tensor input, int dim, ScalarType? dtype=None, *, Tensor out=None)") \
  _(log_softmax, FN | METHOD, SAME_DTYPE, log_softmax_impl, \
    "(Tensor input, int dim, ScalarType? dtype=None, *, Tensor out=None)") \
  _(cumsum, FN | METHOD, COMPUTE_IN_OUT, cumsum_impl, \
    "(Tensor input, int dim, *, ScalarType? dtype=None, Tensor out=None)") \
  _(count_nonzero, FN | METHOD, SAME_DTYPE, count_nonzero_impl, \
    "(Tensor input, int? dim=None)" \
    "|(Tensor input, int[] dim)") \
  _(cumprod, FN | METHOD, COMPUTE_IN_OUT, cumprod_impl, \
    "(Tensor input, int dim, *, ScalarType? dtype=None, Tensor out=None)")
// clang-format on
