"""`out=` for module functions computed by ops that take no `out` themselves
(reductions, sort, index_select, mm/bmm): the op runs, then the result is
written into `out` by _out.write_out (Note [out= semantics]).

Note [out= dtypes per op family]
PyTorch has two rules here, and each op below follows its family's:
  COMPUTE_IN_OUT  sum-like reductions and scans compute in out's dtype (as if
                  dtype=out.dtype was passed): any out dtype is accepted, and
                  an explicit dtype= must name out's dtype.
  SAME_DTYPE      everything else wants out's dtype to be the result's own
                  (RuntimeError "Expected out tensor to have dtype ...");
                  index outputs (max/min/sort with a dim) must be int64.
sum and matmul are bound in C++ for speed (fast_functions.cpp); with an
out= they call fast_out below. The reductions of the reduction table
(Note [Reduction table]: mean, max, std, softmax, cumsum, ...) call
reduction_out with their row's rule.
"""
import functools

from . import _C
from ._args import dims_arg, dtype_arg, int_arg
from ._out import check_out, write_out

COMPUTE_IN_OUT = ()
SAME_DTYPE = ("mm", "bmm", "addmm", "index_select", "clamp", "where")
# ops whose out must have the input's dtype, checked before the op runs (PyTorch checks it before the dims)
INPUT_DTYPE = ("index_select",)
WITH_INDICES = ("sort", "topk", "kthvalue", "mode", "median", "nanmedian", "cummin", "cummax")  # (values, indices)
# Composite ops PyTorch gives an out= (found by the wide differential fuzzer, Note [Wide ops] in
# tests/differential_fuzz_wide.py): EXACT_OUT ones are structured kernels (or check it themselves) whose out must
# have the result's dtype; CAST_OUT ones are TensorIterator ops whose result need only be castable to out's.
EXACT_OUT = ("gather", "masked_select", "take", "cross", "triu", "tril", "diag", "dot", "mv", "nan_to_num",
             "index_add", "norm", "nonzero", "logcumsumexp")
CAST_OUT = ("addcdiv", "addcmul", "outer", "lerp", "diff", "kron")
PAIR_OUT = ("aminmax",)  # (min, max): both of the input's dtype
# ops whose kernels (TensorIterator's, mostly) refuse an out whose elements share memory (an expanded view)
NO_OVERLAP_OUT = ("masked_select", "take", "addcdiv", "addcmul", "outer", "lerp", "nan_to_num", "diff", "kron",
                  "gather", "cross", "diag", "index_add", "nonzero", "logcumsumexp", "where")
# reductions whose out need only hold the result (PyTorch computes in the input's dtype, then copies)
CASTABLE_REDUCTIONS = ("std", "var", "logsumexp")

from ._dtype import SCALAR_TYPE_NAMES as _SCALAR_TYPE  # noqa: E402
from ._dtype import CPP_TYPE_NAMES as _NAMES  # noqa: E402 (C++ type names in PyTorch's out= messages)


def check_no_internal_overlap(out):
    """PyTorch's assert_no_internal_overlap on an out= tensor (before any resize)."""
    if any(n > 1 and st == 0 for n, st in zip(out.shape, out.stride())):
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                           "single memory location. Please clone() the tensor before performing the operation.")


def _expect(out, dtype):
    if out.dtype != dtype:
        raise RuntimeError(f"Expected out tensor to have dtype {_NAMES[dtype.name]}, but got "
                           f"{_NAMES[out.dtype.name]} instead")


_INT_DIM = ("index_select", "sort")


def _check_dim_type(name, args, kwargs):
    """The dim argument's TypeError comes before out='s checks, as PyTorch's parser raises it first."""
    dim = args[1] if len(args) > 1 else kwargs.get("dim")
    if dim is not None and name not in ("mm", "bmm", "addmm", "clamp", "where"):
        (int_arg if name in _INT_DIM else dims_arg)(dim, name)


def _inputs(args, kwargs):
    return [a for a in list(args) + list(kwargs.values()) if isinstance(a, _C.Tensor)]


def _compute_in_out(name, fn):
    @functools.wraps(fn)
    def f(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        _check_dim_type(name, args, kwargs)
        check_out(name, out, _inputs(args, kwargs))
        dtype = kwargs.get("dtype")
        if dtype is not None:
            _expect(out, dtype)
        if name in ("mean", "nanmean") and args and isinstance(args[0], _C.Tensor) and dtype is None \
                and not args[0].is_floating_point():  # mean infers its dtype from the input, never from out
            raise RuntimeError(f"{name}(): could not infer output dtype. Input dtype must be either a floating "
                               f"point or complex dtype. Got: {args[0].dtype.name}")
        kwargs["dtype"] = out.dtype
        result = fn(*args, **kwargs)
        if result.dtype != out.dtype:  # (prod of bools counts in int64 here; PyTorch's lands in out's dtype)
            result = result.to(out.dtype)
        return write_out(name, result, out)
    return f


def _same_dtype(name, fn):
    @functools.wraps(fn)
    def f(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        _check_dim_type(name, args, kwargs)
        check_out(name, out, _inputs(args, kwargs))
        if name in INPUT_DTYPE and args and isinstance(args[0], _C.Tensor) and out.dtype != args[0].dtype:
            raise RuntimeError(f"{name}(): expected out's dtype {out.dtype.name} to be the input's, "
                               f"{args[0].dtype.name}")
        tensors = _inputs(args, kwargs)
        if name in ("mm", "bmm") and len(tensors) == 2 and tensors[0].dtype == tensors[1].dtype:
            _expect(out, tensors[0].dtype)  # PyTorch checks out's dtype before the kernel's own dtype support
        if name in NO_OVERLAP_OUT:
            check_no_internal_overlap(out)
        result = fn(*args, **kwargs)
        _expect(out, result.dtype)
        return write_out(name, result, out)
    return f


def _with_indices(name, fn):
    @functools.wraps(fn)
    def f(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise TypeError(f"{name}(): argument 'out' must be tuple of Tensors, not {type(out).__name__}")
        values, indices = out
        check_out(name, values, _inputs(args, kwargs))
        check_out(name, indices)
        result = fn(*args, **kwargs)
        if not isinstance(result, tuple):  # max(x) / min(x) without a dim: one tensor, no out= in PyTorch
            raise TypeError(f"{name}() received an invalid combination of arguments: out= needs a dim")
        _expect(values, result[0].dtype)
        _expect(indices, result[1].dtype)
        write_out(name, result[0], values)
        write_out(name, result[1], indices)
        return type(result)(values, indices)
    return f


def _result_out(name, fn, exact):
    """EXACT_OUT / CAST_OUT: the op runs without out=, then Note [out= semantics] writes its result."""
    @functools.wraps(fn)
    def f(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        check_out(name, out, _inputs(args, kwargs))
        if name in NO_OVERLAP_OUT:
            check_no_internal_overlap(out)
        result = fn(*args, **kwargs)
        if exact:
            _expect(out, result.dtype)
        return write_out(name, result, out)
    return f


def _pair_out(name, fn):
    @functools.wraps(fn)
    def f(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise TypeError(f"{name}(): argument 'out' must be tuple of Tensors, not {type(out).__name__}")
        for o in out:
            check_out(name, o, _inputs(args, kwargs))
        result = fn(*args, **kwargs)
        for r, o in zip(result, out):
            _expect(o, r.dtype)
        for r, o in zip(result, out):
            write_out(name, r, o)
        return type(result)(*out)
    return f


def install(namespace):
    """Wraps the functions in `namespace` (the tensorcore module's globals)."""
    for names, wrap in ((COMPUTE_IN_OUT, _compute_in_out), (SAME_DTYPE, _same_dtype),
                        (WITH_INDICES, _with_indices), (PAIR_OUT, _pair_out),
                        (EXACT_OUT, lambda n, f: _result_out(n, f, True)),
                        (CAST_OUT, lambda n, f: _result_out(n, f, False))):
        for name in names:
            if name in namespace:
                namespace[name] = wrap(name, namespace[name])


def fast_out(name, out, inputs, compute, dtype):
    """out= for the C++ fast functions: sum computes in out's dtype
    (COMPUTE_IN_OUT), matmul wants out's dtype to be its result's.
    `compute(dtype)` runs the op."""
    check_out(name, out, inputs)
    if name == "sum":
        dtype = dtype_arg(dtype, name)
        if dtype is not None:
            _expect(out, dtype)
        return write_out(name, compute(out.dtype), out)
    if len({t.dtype for t in inputs}) == 1:  # out's dtype is checked before the op runs, as PyTorch
        _expect(out, inputs[0].dtype)
    result = compute(None)
    _expect(out, result.dtype)
    return write_out(name, result, out)


def reduction_out(name, rule, out, inputs, compute, dtype):
    """out= for the reduction table's C++ functions (Note [Reduction table]);
    `rule` is the row's out rule, `compute(dtype)` runs the op, `dtype` is the
    call's dtype= argument (or None). The arguments are already parsed."""
    if rule == "extreme" and isinstance(out, (tuple, list)):  # max/min with a dim: (values, indices)
        if len(out) != 2:
            raise TypeError(f"expected tuple of 2 elements but got {len(out)}")
        values, indices = out
        check_out(name, values, inputs)
        check_out(name, indices)
        result = compute(None)
        _expect(values, result[0].dtype)
        _expect(indices, result[1].dtype)
        write_out(name, result[0], values)
        write_out(name, result[1], indices)
        return type(result)(values, indices)
    check_out(name, out, inputs)
    if rule == "compute_in_out":
        dtype = dtype_arg(dtype, name)
        if dtype is not None:
            _expect(out, dtype)
        elif name in ("nansum", "nanmean") and inputs[0].is_floating_point() and not (
                out.dtype.is_floating_point or out.dtype.is_complex):  # the nansum kernel runs in out's dtype
            raise NotImplementedError(f"\"nansum_cpu\" not implemented for '{_SCALAR_TYPE[out.dtype.name]}'")
        elif name in ("cumsum", "cumprod") and out.dtype.name == "bool" and inputs[0].dim() and inputs[0].numel():
            raise NotImplementedError(f"\"{name}_out_cpu\" not implemented for 'Bool'")
        elif name == "nanmean" and not inputs[0].is_floating_point():
            raise RuntimeError("nanmean(): integral types and 'Bool' are not supported for nanmean, even for "
                               "empty tensors.")
        elif name == "mean" and not (inputs[0].is_floating_point() or inputs[0].is_complex()):
            # mean infers its dtype from the input, never from out
            raise RuntimeError(f"{name}(): could not infer output dtype. Input dtype must be either a floating "
                               f"point or complex dtype. Got: {_SCALAR_TYPE[inputs[0].dtype.name]}")
        elif name == "mean" and inputs[0].is_floating_point() and not (out.dtype.is_floating_point
                                                                       or out.dtype.is_complex):
            compute(None)  # the dims' IndexError first: PyTorch's mean_out sizes them before it casts
            raise RuntimeError(f"result type {_SCALAR_TYPE[inputs[0].dtype.name]} can't be cast to the desired "
                               f"output type {_SCALAR_TYPE[out.dtype.name]}")
        if name in ("cumsum", "cumprod") and (inputs[0].dim() == 0 or inputs[0].numel() == 0):
            # no kernel runs for these (PyTorch fills a 0-dim result with the input): any out dtype works
            result = compute(None).to(out.dtype)
        elif name == "mean" and inputs[0].is_complex() and not (out.dtype.is_floating_point or out.dtype.is_complex):
            # (a real floating out takes the mean's real part; an integral one is refused, as PyTorch)
            raise RuntimeError(f"result type Float can't be cast to the desired output type "
                               f"{_SCALAR_TYPE[out.dtype.name]}")
        elif inputs[0].is_complex() and not out.dtype.is_complex and name not in ("prod", "cumprod", "cumsum"):
            # PyTorch reduces in the input's complex dtype; the copy into a real out keeps the real part (warning).
            # prod, cumprod and cumsum instead scan the input cast to out's dtype (its real parts, truncated for
            # an integer out), as PyTorch does.
            result = compute(None).to(out.dtype)
        else:
            if name in ("prod", "cumprod", "cumsum"):  # the cast warns (once per process, as every complex-to-real cast)
                from ._tensor import _warn_complex_to_real
                _warn_complex_to_real(inputs[0], out.dtype)
            result = compute(out.dtype)
        if result.dtype != out.dtype:  # (prod of bools counts in int64 here; PyTorch's lands in out's dtype)
            result = result.to(out.dtype)
        return write_out(name, result, out)
    if name in CASTABLE_REDUCTIONS:
        result = compute(None)
        if name == "logsumexp" and not (out.dtype.is_floating_point or out.dtype.is_complex):
            raise RuntimeError(f"logsumexp(): Expected floating point type for result tensor, but got: "
                               f"{_SCALAR_TYPE[out.dtype.name]}")
        return write_out(name, result, out)
    if rule == "input_dtype" and out.dtype != inputs[0].dtype:
        raise RuntimeError(f"Expected the dtype for input and out to match, but got "
                           f"{_SCALAR_TYPE[inputs[0].dtype.name]} for input's dtype and "
                           f"{_SCALAR_TYPE[out.dtype.name]} for out's dtype.")
    result = compute(None)
    _expect(out, result.dtype)
    return write_out(name, result, out)
