"""tensorcore.testing.assert_close / assert_allclose: PyTorch's comparison
semantics (tolerances per dtype, container recursion, the exact messages).

Note [How a comparison runs]
    1. `_pair_up` walks `actual` and `expected` together: sequences (not str)
       by index, mappings by key, anything else becomes one `_Pair` (None,
       bool, number or tensor-like, tried in that order, as PyTorch does).
       A structural problem found here (length or key mismatch, a pair of
       types nothing can compare, only one of rtol/atol) raises at once,
       and the user's `msg` is NOT applied to it (PyTorch's behaviour).
    2. Each pair's `compare()` raises `_Failure`; the first failure is raised
       as its exception type with `msg` applied (a str replaces the message,
       a callable receives it).
    Every failure carries the path of the item inside the containers
    ("The failure occurred for item [1]['a']").
"""
import cmath
import collections.abc
import warnings

import numpy as _np

import tensorcore as torch

__all__ = ["assert_close", "assert_allclose"]


def _dtype_if_present(name):
    return getattr(torch, name, None)


# (rtol, atol) per dtype; a dtype not listed (integers, bool) compares exactly.
_DEFAULT_TOLERANCES = {
    torch.float16: (0.001, 1e-5),
    torch.bfloat16: (0.016, 1e-5),
    torch.float32: (1.3e-6, 1e-5),
    torch.float64: (1e-7, 1e-7),
    torch.complex64: (1.3e-6, 1e-5),
    torch.complex128: (1e-7, 1e-7),
}
if _dtype_if_present("complex32") is not None:
    _DEFAULT_TOLERANCES[torch.complex32] = (0.001, 1e-5)

# Python scalars are compared with the tolerances of the dtype they become.
_PYTHON_NUMBER_DTYPES = {int: torch.int64, float: torch.float64, complex: torch.complex128}

# Unsigned types wider than 8 bits are promoted through int64 (promote_types refuses them).
_WIDE_UNSIGNED = tuple(d for d in (_dtype_if_present(n) for n in ("uint16", "uint32", "uint64")) if d is not None)


class _Failure(Exception):
    """A comparison failure: the exception type to raise, its message and the
    item's path inside the compared containers."""

    def __init__(self, exc_type, message, path=()):
        super().__init__(message)
        self.exc_type = exc_type
        self.message = message
        self.path = path

    def to_error(self, msg=None):
        if isinstance(msg, str):
            return self.exc_type(msg)
        text = self.message
        if self.path:
            text += "\n\nThe failure occurred for item " + "".join(str([item]) for item in self.path)
        return self.exc_type(msg(text) if callable(msg) else text)


class _NotMine(Exception):
    """Raised by a pair type that does not handle the given inputs."""


def default_tolerances(*inputs, dtype_precisions=None):
    """(rtol, atol): the loosest default tolerances over the inputs' dtypes (tensors or dtypes),
    as torch.testing._comparison.default_tolerances."""
    dtypes = []
    for value in inputs:
        if isinstance(value, torch.Tensor):
            dtypes.append(value.dtype)
        elif isinstance(value, torch.dtype):
            dtypes.append(value)
        else:
            raise TypeError(f"Expected a torch.Tensor or a torch.dtype, but got {type(value)} instead.")
    return _default_tolerances(*dtypes, table=dtype_precisions)


def _default_tolerances(*dtypes, table=None):
    table = table or _DEFAULT_TOLERANCES
    rtols, atols = zip(*[table.get(d, (0.0, 0.0)) for d in dtypes])
    return max(rtols), max(atols)


def _tolerances(dtypes, rtol, atol, path):
    if (rtol is None) != (atol is None):
        raise _Failure(ValueError,
                       "Both 'rtol' and 'atol' must be either specified or omitted, "
                       f"but got no {'rtol' if rtol is None else 'atol'}.", path)
    if rtol is not None:
        return rtol, atol
    return _default_tolerances(*dtypes)


def _mismatch_message(identifier, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx, rtol):
    exact = rtol == 0 and atol == 0

    def line(kind, diff, idx, tol):
        text = f"{kind.title()} difference: {diff}" if idx is None else f"Greatest {kind} difference: {diff} at index {idx}"
        return text + ("" if exact else f" (up to {tol} allowed)") + "\n"

    text = f"{identifier} are not {'equal' if exact else 'close'}!\n\n"
    if extra:
        text += extra.strip() + "\n"
    text += line("absolute", abs_diff, abs_idx, atol) + line("relative", rel_diff, rel_idx, rtol)
    return text.strip()


def _scalar_message(actual, expected, rtol, atol, identifier="Scalars"):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch_message(identifier, f"Expected {expected} but got {actual}.",
                             abs_diff, None, atol, rel_diff, None, rtol)


def _tensor_message(actual, expected, matches, rtol, atol, identifier="Tensor-likes"):
    shape = tuple(matches.shape)

    def unravel(flat):
        index = []
        for size in reversed(shape):
            flat, rem = divmod(flat, size)
            index.append(rem)
        return tuple(reversed(index))

    total = matches.numel()
    mismatched = total - int(torch.sum(matches))
    extra = f"Mismatched elements: {mismatched} / {total} ({mismatched / total:.1%})"
    actual_flat, expected_flat, matches_flat = actual.flatten(), expected.flatten(), matches.flatten()
    if not actual.dtype.is_floating_point and not actual.dtype.is_complex:
        # integers and bools: differences in int64 so that uint8 does not wrap around
        actual_flat, expected_flat = actual_flat.to(torch.int64), expected_flat.to(torch.int64)
    abs_diff = torch.abs(actual_flat - expected_flat)
    abs_diff[matches_flat] = 0
    max_abs, max_abs_at = torch.max(abs_diff, 0)
    rel_diff = abs_diff / torch.abs(expected_flat)
    rel_diff[matches_flat] = 0
    max_rel, max_rel_at = torch.max(rel_diff, 0)
    return _mismatch_message(identifier, extra, max_abs.item(), unravel(int(max_abs_at)), atol,
                             max_rel.item(), unravel(int(max_rel_at)), rtol)


class _Pair:
    pytorch_name = "Pair"  # PyTorch's class name, printed when a comparison fails unexpectedly
    option_names = ()

    def __init__(self, actual, expected, path):
        self.actual, self.expected, self.path = actual, expected, path

    def fail(self, exc_type, message):
        raise _Failure(exc_type, message, self.path)

    def __repr__(self):
        fields = [("id", self.path), ("actual", self.actual), ("expected", self.expected)]
        fields += [(name, getattr(self, name)) for name in self.option_names]
        return "\n".join([f"{self.pytorch_name}(", *[f"    {k}={v!s}," for k, v in fields], ")"])


class _NonePair(_Pair):
    pytorch_name = "NonePair"

    def __init__(self, actual, expected, path, **options):
        if actual is not None and expected is not None:
            raise _NotMine
        super().__init__(actual, expected, path)

    def compare(self):
        if not (self.actual is None and self.expected is None):
            self.fail(AssertionError, f"None mismatch: {self.actual} is not {self.expected}")


class _BoolPair(_Pair):
    pytorch_name = "BooleanPair"

    def __init__(self, actual, expected, path, **options):
        if not all(isinstance(v, (bool, _np.bool_)) for v in (actual, expected)):
            raise _NotMine
        super().__init__(*(bool(v) for v in (actual, expected)), path)

    def compare(self):
        if self.actual is not self.expected:
            self.fail(AssertionError, f"Booleans mismatch: {self.actual} is not {self.expected}")


class _NumberPair(_Pair):
    pytorch_name = "NumberPair"
    option_names = ("rtol", "atol", "equal_nan", "check_dtype")

    def __init__(self, actual, expected, path, rtol=None, atol=None, equal_nan=False, check_dtype=False, **options):
        if not all(isinstance(v, (int, float, complex, _np.number)) for v in (actual, expected)):
            raise _NotMine
        actual, expected = (v.item() if isinstance(v, _np.number) else v for v in (actual, expected))
        super().__init__(actual, expected, path)
        # Note: a bool meeting a number lands here (bool is an int); PyTorch
        # then fails with an internal error, a RuntimeError, and so do we.
        dtypes = []
        for v in (actual, expected):
            if type(v) not in _PYTHON_NUMBER_DTYPES:
                raise RuntimeError(
                    f"Originating a NumberPair() at item {''.join(str([i]) for i in path)} with\n\n"
                    f"{type(self.actual).__name__}(): {self.actual}\n\nand\n\n"
                    f"{type(self.expected).__name__}(): {self.expected}\n\n"
                    "resulted in the unexpected exception above. "
                    "If you are a user and see this message during normal operation "
                    "please file an issue at https://github.com/pytorch/pytorch/issues. "
                    "If you are a developer and working on the comparison functions, "
                    "please except the previous error and raise an expressive `ErrorMeta` instead.")
            dtypes.append(_PYTHON_NUMBER_DTYPES[type(v)])
        self.rtol, self.atol = _tolerances(dtypes, rtol, atol, path)
        self.equal_nan, self.check_dtype = equal_nan, check_dtype

    def compare(self):
        actual, expected = self.actual, self.expected
        if self.check_dtype and type(actual) is not type(expected):
            self.fail(AssertionError, f"The (d)types do not match: {type(actual)} != {type(expected)}.")
        if actual == expected:
            return
        if self.equal_nan and cmath.isnan(actual) and cmath.isnan(expected):
            return
        abs_diff = abs(actual - expected)
        if cmath.isfinite(abs_diff) and abs_diff <= self.atol + self.rtol * abs(expected):
            return
        self.fail(AssertionError, _scalar_message(actual, expected, self.rtol, self.atol))


class _TensorPair(_Pair):
    pytorch_name = "TensorLikePair"
    option_names = ("rtol", "atol", "equal_nan", "check_device", "check_dtype", "check_layout", "check_stride")

    def __init__(self, actual, expected, path, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, **options):
        # Tensor-likes of related types only: a tensor never meets a list or a number here.
        if not (isinstance(actual, type(expected)) or isinstance(expected, type(actual))):
            raise _NotMine
        if not allow_subclasses and type(actual) is not type(expected):
            raise _NotMine
        actual, expected = (self._as_tensor(v) for v in (actual, expected))
        super().__init__(actual, expected, path)
        self.rtol, self.atol = _tolerances((actual.dtype, expected.dtype), rtol, atol, path)
        self.equal_nan = equal_nan
        self.check_device, self.check_dtype = check_device, check_dtype
        self.check_layout, self.check_stride = check_layout, check_stride

    @staticmethod
    def _as_tensor(value):
        if isinstance(value, torch.Tensor):
            return value
        try:
            return torch.as_tensor(value)
        except Exception:
            raise _NotMine from None

    def _attribute_mismatch(self, name, actual_value, expected_value):
        self.fail(AssertionError, f"The values for attribute '{name}' do not match: {actual_value} != {expected_value}.")

    def compare(self):
        actual, expected = self.actual, self.expected
        if actual.shape != expected.shape:
            self._attribute_mismatch("shape", actual.shape, expected.shape)
        if actual.layout != expected.layout:
            if self.check_layout:
                self._attribute_mismatch("layout", actual.layout, expected.layout)
        elif actual.layout == torch.strided and self.check_stride and actual.stride() != expected.stride():
            self._attribute_mismatch("stride()", actual.stride(), expected.stride())
        if self.check_device and actual.device != expected.device:
            self._attribute_mismatch("device", actual.device, expected.device)
        if self.check_dtype and actual.dtype != expected.dtype:
            self._attribute_mismatch("dtype", actual.dtype, expected.dtype)
        if "meta" in (actual.device.type, expected.device.type):
            return  # meta tensors have no values
        actual, expected = self._common_attributes(actual, expected)
        if actual.is_sparse:
            self._compare_sparse_coo(actual, expected)
        else:
            self._compare_values(actual, expected, self.rtol, self.atol, self.equal_nan)

    @staticmethod
    def _common_attributes(actual, expected):
        if actual.device != expected.device:
            actual, expected = actual.cpu(), expected.cpu()
        if actual.dtype != expected.dtype:
            a_dtype = torch.int64 if actual.dtype in _WIDE_UNSIGNED else actual.dtype
            e_dtype = torch.int64 if expected.dtype in _WIDE_UNSIGNED else expected.dtype
            common = torch.promote_types(a_dtype, e_dtype)
            actual, expected = actual.to(common), expected.to(common)
        if actual.layout != expected.layout:
            actual = actual if actual.layout == torch.strided else actual.to_dense()
            expected = expected if expected.layout == torch.strided else expected.to_dense()
        return actual, expected

    def _compare_sparse_coo(self, actual, expected):
        if actual.sparse_dim() != expected.sparse_dim():
            self.fail(AssertionError, "The number of sparse dimensions in sparse COO tensors does not match: "
                                      f"{actual.sparse_dim()} != {expected.sparse_dim()}")
        if actual._nnz() != expected._nnz():
            self.fail(AssertionError, "The number of specified values in sparse COO tensors does not match: "
                                      f"{actual._nnz()} != {expected._nnz()}")
        self._compare_values(actual._indices(), expected._indices(), 0, 0, False, "Sparse COO indices")
        self._compare_values(actual._values(), expected._values(), self.rtol, self.atol, self.equal_nan,
                             "Sparse COO values")

    def _compare_values(self, actual, expected, rtol, atol, equal_nan, identifier=None):
        matches = torch.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan)
        if torch.all(matches):
            return
        if actual.dim() == 0:
            message = _scalar_message(actual.item(), expected.item(), rtol, atol, identifier or "Scalars")
        else:
            message = _tensor_message(actual, expected, matches, rtol, atol, identifier or "Tensor-likes")
        self.fail(AssertionError, message)


_ASSERT_CLOSE_PAIRS = (_NonePair, _BoolPair, _NumberPair, _TensorPair)


def _pair_up(actual, expected, path, options):
    """The list of leaf pairs (Note [How a comparison runs], step 1)."""
    def is_sequence(v):
        return isinstance(v, collections.abc.Sequence) and not isinstance(v, str)

    if is_sequence(actual) and is_sequence(expected):
        if len(actual) != len(expected):
            raise _Failure(AssertionError,
                           f"The length of the sequences mismatch: {len(actual)} != {len(expected)}", path)
        pairs = []
        for i in range(len(actual)):
            pairs += _pair_up(actual[i], expected[i], (*path, i), options)
        return pairs
    if isinstance(actual, collections.abc.Mapping) and isinstance(expected, collections.abc.Mapping):
        actual_keys, expected_keys = set(actual.keys()), set(expected.keys())
        if actual_keys != expected_keys:
            raise _Failure(AssertionError,
                           "The keys of the mappings do not match:\n"
                           f"Missing keys in the actual mapping: {sorted(expected_keys - actual_keys)}\n"
                           f"Additional keys in the actual mapping: {sorted(actual_keys - expected_keys)}", path)
        try:
            keys = sorted(actual_keys)
        except Exception:  # keys of mixed types: any order will do
            keys = actual_keys
        pairs = []
        for key in keys:
            pairs += _pair_up(actual[key], expected[key], (*path, key), options)
        return pairs
    for pair_type in _ASSERT_CLOSE_PAIRS:
        try:
            return [pair_type(actual, expected, path, **options)]
        except _NotMine:
            continue
    raise _Failure(TypeError, f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.",
                   path)


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Asserts that `actual` and `expected` are close: |actual - expected| <= atol + rtol * |expected|
    elementwise, with attributes (shape, dtype, device, layout, optionally stride) equal.
    Raises AssertionError with PyTorch's message (see Note [How a comparison runs])."""
    __tracebackhide__ = True
    options = dict(allow_subclasses=allow_subclasses, rtol=rtol, atol=atol, equal_nan=equal_nan,
                   check_device=check_device, check_dtype=check_dtype, check_layout=check_layout,
                   check_stride=check_stride)
    try:
        pairs = _pair_up(actual, expected, (), options)
    except _Failure as failure:
        raise failure.to_error() from None
    for pair in pairs:
        try:
            pair.compare()
        except _Failure as failure:
            raise failure.to_error(msg) from None
        except Exception as error:  # an op failing inside the comparison (isclose refusing rtol=-1, ...)
            raise RuntimeError(
                f"Comparing\n\n{pair}\n\nresulted in the unexpected exception above. "
                "If you are a user and see this message during normal operation "
                "please file an issue at https://github.com/pytorch/pytorch/issues. "
                "If you are a developer and working on the comparison functions, "
                "please except the previous error and raise an expressive `ErrorMeta` instead.") from error


# assert_allclose's own defaults, looser than assert_close's.
_ALLCLOSE_TOLERANCES = {
    torch.float16: (1e-3, 1e-3),
    torch.float32: (1e-4, 1e-5),
    torch.float64: (1e-5, 1e-8),
}


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated since PyTorch 1.12 (still present in 2.13): assert_close with
    dtype checks off, NaN == NaN, and looser default tolerances."""
    warnings.warn(
        "`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future release. "
        "Please use `torch.testing.assert_close()` instead. "
        "You can find detailed upgrade instructions in https://github.com/pytorch/pytorch/issues/61844.",
        FutureWarning, stacklevel=2)
    if not isinstance(actual, torch.Tensor):
        actual = torch.tensor(actual)
    if not isinstance(expected, torch.Tensor):
        expected = torch.tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        rtol, atol = _default_tolerances(actual.dtype, expected.dtype, table=_ALLCLOSE_TOLERANCES)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=True,
                 check_dtype=False, check_stride=False, msg=msg or None)
