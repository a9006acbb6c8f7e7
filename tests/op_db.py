"""The op database: one row per op, shared by test_ops, test_autograd and
test_properties.

Each OpInfo says how to call the op (``fn(m, *args, **kwargs)`` works for
``m`` = tensorcore *and* ``m`` = torch, since the APIs match), how to compute
it with numpy (``ref(*numpy_args, **kwargs)``), which dtypes it supports, how
to generate inputs, and whether it is differentiable.

Samples hold numpy arrays and Python scalars; ``to_module`` turns the arrays
into tensors of either library (optionally through a strided view), so the
same sample drives tensorcore, torch and numpy.

Dtypes: every op runs on all ten dtypes against torch (test_ops.py); the
numpy comparison covers ``op.dtypes`` except bfloat16 (numpy has none; the
arrays are ml_dtypes.bfloat16 and reach torch through float32). float16 is
computed by numpy in float64 and compared within float16's precision.
"""
import math
import operator
import warnings
import zlib
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

try:  # the oracle is optional: tests that need it skip cleanly
    import torch
except ImportError:  # pragma: no cover - exercised only without torch
    torch = None

import tensorcore as tc

try:  # numpy has no bfloat16: ml_dtypes registers one (tensorcore's numpy bridge uses it too)
    import ml_dtypes  # noqa: F401
    HAVE_BF16_NUMPY = True
except ImportError:  # pragma: no cover
    HAVE_BF16_NUMPY = False

# Every dtype PyTorch's CPU build has that tensorcore has (Note [DType codes]).
ALL_DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64")
# The five dtypes the database had before issue 10: property tests and other
# layout-oriented checks stay on these.
CORE_DTYPES = ("bool", "int32", "int64", "float32", "float64")
# Storage dtypes (compute in float32 / int32, Note [Half types compute in float]).
HALF_FLOATS = ("float16", "bfloat16")
SMALL_INTS = ("uint8", "int8", "int16")
FLOATS = HALF_FLOATS + ("float32", "float64")
INTS = SMALL_INTS + ("int32", "int64")
NUMERIC = INTS + FLOATS
INTLIKE = ("bool",) + INTS
# dtypes numpy can compute with: bfloat16 is compared with torch only.
NUMPY_DTYPES = tuple(d for d in ALL_DTYPES if d != "bfloat16")
_ORDER = {d: i for i, d in enumerate(ALL_DTYPES)}
_BITS = {"bool": 1, "uint8": 8, "int8": 8, "int16": 16, "int32": 32, "int64": 64, "float16": 16, "bfloat16": 16,
         "float32": 32, "float64": 64}


def category(dt):
    return 0 if dt == "bool" else (2 if dt in FLOATS else 1)


def promote_types(a, b):
    """PyTorch's promotion lattice (Note [Promotion lattice] in csrc/core/dtype.h),
    written independently: bool < integers < floating; within integers the
    smallest signed type holding both (uint8 with a signed type needs one more
    bit: uint8+int8 -> int16); within floating the wider, and float16 with
    bfloat16 (neither holds the other) -> float32."""
    if a == b:
        return a
    ca, cb = category(a), category(b)
    if ca != cb:
        return a if ca > cb else b
    if ca == 2:
        if {a, b} == {"float16", "bfloat16"}:
            return "float32"
        return a if _BITS[a] >= _BITS[b] else b
    if "uint8" in (a, b):
        other = b if a == "uint8" else a
        return {"int8": "int16"}.get(other, other)
    return a if _BITS[a] >= _BITS[b] else b


def dtype_of(x):
    """Dtype name of a sample operand, or None for non-operands."""
    if isinstance(x, np.ndarray):
        return np.dtype(x.dtype).name
    return None


def result_type(*operands, default="float32"):
    """PyTorch's result_type rule, written independently of the library:
    dimensioned tensors > zero-dim tensors > Python scalars, where a lower
    priority group only matters when its category is higher."""
    groups = [None, None, None]  # dim, zero-dim, python number
    for x in operands:
        if isinstance(x, np.ndarray):
            g, dt = (0 if x.ndim else 1), np.dtype(x.dtype).name
        elif isinstance(x, bool):
            g, dt = 2, "bool"
        elif isinstance(x, int):
            g, dt = 2, "int64"
        elif isinstance(x, float):
            g, dt = 2, default
        else:
            continue
        groups[g] = dt if groups[g] is None else promote_types(groups[g], dt)

    def combine(higher, lower):
        if higher is None:
            return lower
        if lower is None:
            return higher
        if category(higher) == 2:
            return higher
        if higher == "bool" or category(lower) == 2:
            return promote_types(higher, lower)
        return higher

    return combine(groups[0], combine(groups[1], groups[2]))


# ---- result dtype rules (given the promoted input dtype) ----
def same(dt):
    return dt


def to_float(dt):
    return dt if dt in FLOATS else "float32"


def to_bool(dt):
    return "bool"


def any_all_dtype(dt):
    """all()/any() return bool, except for uint8 which they keep (as PyTorch)."""
    return "uint8" if dt == "uint8" else "bool"


def to_int64(dt):
    return "int64"


def sum_like(dt):
    return dt if dt in FLOATS else "int64"


@dataclass
class Sample:
    args: tuple
    kwargs: dict = field(default_factory=dict)
    desc: str = ""
    strided: bool = False  # build tensors through a step-2 slice (non-contiguous)

    def __repr__(self):
        shapes = ",".join(str(a.shape) if isinstance(a, np.ndarray) else
                          (f"list{len(a)}" if isinstance(a, (list, tuple)) else repr(a)) for a in self.args)
        return f"{self.desc or 'sample'}({shapes}){self.kwargs or ''}{' strided' if self.strided else ''}"


@dataclass
class OpInfo:
    name: str
    fn: Callable
    ref: Optional[Callable]
    dtypes: tuple
    sample_fn: Callable
    kind: str
    grad: bool = False
    out: Callable = same            # result dtype from the promoted operand dtype
    aliases: tuple = ()             # other spellings that must give the same result
    rtol: float = 1.3e-6
    atol: float = 1e-5
    grad_select: Optional[Callable] = None   # which outputs to differentiate
    exact_indices: bool = True      # compare index outputs exactly
    nondet_values: bool = False     # only compare shapes/dtypes (e.g. empty)
    notes: str = ""
    ref_dtype_fn: Optional[Callable] = None  # (sample, dtype) -> expected dtype name
    # float16 / bfloat16 tolerance (rtol = atol) where PyTorch itself rounds
    # more than once (e.g. prod accumulates in the storage dtype); None: ~1 ulp
    half_tol: Optional[float] = None


def rng_for(*keys):
    return np.random.default_rng(zlib.crc32("/".join(map(str, keys)).encode()))


def make_array(rng, shape, dtype, domain="any"):
    """Random values of `dtype`; `domain` keeps values where the op is smooth."""
    if dtype == "bool":
        return np.asarray(rng.random(shape) > 0.5)
    if dtype in INTS:
        lo, hi = {"any": (-5, 6), "pos": (1, 6), "nonzero": (1, 6), "unit": (-1, 2), "small": (0, 4),
                  "expo": (0, 4), "base": (-3, 4), "ge1": (1, 6), "prob": (0, 2)}.get(domain, (-5, 6))
        if dtype == "uint8":  # unsigned: keep the magnitudes, drop the signs
            lo = max(lo, 0 if domain not in ("nonzero", "pos") else 1)
        a = rng.integers(lo, hi, size=shape).astype(dtype)
        if domain == "nonzero" and dtype != "uint8":
            a = a * np.where(rng.random(shape) > 0.5, 1, -1).astype(dtype)
        return np.asarray(a, dtype=dtype)
    if domain == "pos":
        a = rng.uniform(0.3, 2.0, size=shape)
    elif domain == "unit":
        a = rng.uniform(-0.85, 0.85, size=shape)
    elif domain == "nonzero":
        a = rng.uniform(0.5, 2.0, size=shape) * np.where(rng.random(shape) > 0.5, 1, -1)
    elif domain == "expo":
        a = rng.uniform(-1.5, 1.5, size=shape)
    elif domain == "base":
        a = rng.uniform(0.5, 2.0, size=shape)
    elif domain == "ge1":  # acosh
        a = rng.uniform(1.1, 3.0, size=shape)
    elif domain == "prob":  # logit
        a = rng.uniform(0.05, 0.95, size=shape)
    elif domain == "noint":  # keep away from integers and .5 (floor/round/remainder jumps)
        a = rng.integers(-3, 3, size=shape) + rng.uniform(0.1, 0.4, size=shape) * np.where(
            rng.random(shape) > 0.5, 1, 2)
    else:
        a = rng.uniform(-2.0, 2.0, size=shape)
    return np.asarray(a, dtype=dtype)


def distinct_array(rng, shape, dtype):
    """Values without ties (so argmax/sort indices are unique)."""
    n = int(np.prod(shape)) if shape else 1
    if dtype == "bool":
        return make_array(rng, shape, dtype)
    v = rng.permutation(n).astype(np.float64) - (0 if dtype == "uint8" else n // 2)
    if dtype in FLOATS:
        v = v * 0.37 + 0.01
    return v.reshape(shape).astype(dtype)


# ---- conversion to either library ----
def from_numpy(m, arr):
    """A tensor of library `m` holding a copy of `arr` (torch.from_numpy has no
    bfloat16: those go through float32, which holds every bfloat16 exactly)."""
    if m is tc:
        return tc.tensor(arr)
    if arr.dtype.name == "bfloat16":
        return m.from_numpy(arr.astype(np.float32)).to(m.bfloat16)
    return m.from_numpy(np.array(arr, copy=True))


def _strided(m, arr):
    """A tensor equal to `arr` whose last dim has stride 2 (a step slice)."""
    if arr.ndim == 0 or arr.size == 0:
        return from_numpy(m, arr)
    return from_numpy(m, np.repeat(arr, 2, axis=-1))[..., ::2]


def is_float_array(x):
    return isinstance(x, np.ndarray) and x.dtype.name in FLOATS


def to_module(m, x, strided=False, requires_grad=False):
    if isinstance(x, np.ndarray):
        if strided and x.ndim >= 1:
            t = _strided(m, x)
        else:
            t = from_numpy(m, x)
        if requires_grad and is_float_array(x):
            t = t.detach().requires_grad_(True) if strided else t.requires_grad_(True)
        return t
    if isinstance(x, list):
        return [to_module(m, v, strided, requires_grad) for v in x]
    if isinstance(x, tuple):
        return tuple(to_module(m, v, strided, requires_grad) for v in x)
    return x


def call(op, m, sample, requires_grad=False):
    args = [to_module(m, a, sample.strided, requires_grad) for a in sample.args]
    kwargs = {k: to_module(m, v, False, False) for k, v in sample.kwargs.items()}
    if m is tc:
        return op.fn(m, *args, **kwargs), args
    with warnings.catch_warnings():  # the oracle's own warnings (e.g. var with no degrees of freedom)
        warnings.simplefilter("ignore")
        return op.fn(m, *args, **kwargs), args


def to_numpy(x):
    """Any result (tensor of either library, tuple, scalar) as numpy / nested tuples."""
    if isinstance(x, tc.Tensor):
        return x.detach().numpy().copy()
    if torch is not None and isinstance(x, torch.Tensor):
        if x.dtype == torch.bfloat16:  # torch's .numpy() has no bfloat16
            return x.detach().float().numpy().astype("bfloat16")
        return x.detach().numpy().copy()
    if isinstance(x, (tuple, list)):
        return tuple(to_numpy(v) for v in x)
    return x


def dtype_name(x):
    if isinstance(x, (tuple, list)):
        return tuple(dtype_name(v) for v in x)
    if isinstance(x, tc.Tensor):
        return x.dtype.name
    if torch is not None and isinstance(x, torch.Tensor):
        return str(x.dtype).replace("torch.", "")
    return type(x).__name__


def assert_close(actual, expected, rtol=1.3e-6, atol=1e-5, msg=""):
    """Compares numpy-ish values (arrays, tuples, scalars) with tolerance;
    bool and integer arrays exactly, NaNs equal."""
    if isinstance(expected, (tuple, list)):
        assert isinstance(actual, (tuple, list)), f"{msg}: expected a sequence, got {type(actual)}"
        assert len(actual) == len(expected), f"{msg}: length {len(actual)} != {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_close(a, e, rtol, atol, f"{msg}[{i}]")
        return
    a = np.asarray(actual)
    e = np.asarray(expected)
    assert a.shape == e.shape, f"{msg}: shape {a.shape} != expected {e.shape}"
    if e.dtype.kind in "biu" and a.dtype.kind in "biu":
        np.testing.assert_array_equal(a, e, err_msg=msg)
    else:
        np.testing.assert_allclose(a.astype(np.float64), e.astype(np.float64), rtol=rtol, atol=atol,
                                   equal_nan=True, err_msg=msg)


# ============================================================================
# Sample generators
# ============================================================================
BIN_SHAPES = [((2, 3), (2, 3), "same"), ((2, 3), (3,), "bcast"), ((2, 1, 3), (4, 1), "bcast2"),
              ((), (2, 3), "zerodim_lhs"), ((2, 3), (), "zerodim_rhs"), ((0, 3), (3,), "empty"),
              ((), (), "both0d")]
_MIXED = {"bool": "float32", "int32": "int64", "int64": "float32", "float32": "float64", "float64": "int32",
          # the new dtypes meet the lattice's odd corners: uint8+int8 -> int16,
          # float16+bfloat16 -> float32, small ints with half floats
          "uint8": "int8", "int8": "float16", "int16": "uint8", "float16": "bfloat16", "bfloat16": "int16"}


def mixed_partner(op, dtype):
    """Another dtype the op accepts, to exercise promotion between tensors."""
    other = _MIXED[dtype]
    if other in op.dtypes or dtype not in op.dtypes:
        return other
    return next((d for d in reversed(op.dtypes) if d != dtype), dtype)


def binary_samples(lhs_domain="any", rhs_domain="any", scalars=True, scalar_values=(3, 2.5, True),
                   mixed=True, strided=True):
    def gen(op, dtype, rng):
        out = []
        for sa, sb, desc in BIN_SHAPES:
            out.append(Sample((make_array(rng, sa, dtype, lhs_domain), make_array(rng, sb, dtype, rhs_domain)),
                              desc=desc))
        if strided:
            out.append(Sample((make_array(rng, (3, 4), dtype, lhs_domain), make_array(rng, (3, 4), dtype,
                                                                                       rhs_domain)),
                              desc="strided", strided=True))
        if mixed:
            other = mixed_partner(op, dtype)
            out.append(Sample((make_array(rng, (2, 3), dtype, lhs_domain), make_array(rng, (3,), other, rhs_domain)),
                              desc=f"mixed_{other}"))
            out.append(Sample((make_array(rng, (2, 3), dtype, lhs_domain), make_array(rng, (), other, rhs_domain)),
                              desc=f"mixed0d_{other}"))
        if scalars:
            for s in scalar_values:
                out.append(Sample((make_array(rng, (2, 3), dtype, lhs_domain), s), desc=f"scalar_{type(s).__name__}"))
                out.append(Sample((s, make_array(rng, (2, 3), dtype, rhs_domain)),
                                  desc=f"rscalar_{type(s).__name__}"))
        return out
    return gen


def unary_samples(domain="any"):
    def gen(op, dtype, rng):
        return [Sample((make_array(rng, (2, 3), dtype, domain),), desc="2d"),
                Sample((make_array(rng, (), dtype, domain),), desc="0d"),
                Sample((make_array(rng, (0, 2), dtype, domain),), desc="empty"),
                Sample((make_array(rng, (3, 4), dtype, domain),), desc="strided", strided=True)]
    return gen


def reduction_samples(variants, shape=(3, 4, 5), distinct=False, domain="any", zero_dim=True):
    """variants: list of kwargs dicts (dims, keepdim, ...)."""
    def gen(op, dtype, rng):
        out = []
        for kw in variants:
            a = distinct_array(rng, shape, dtype) if distinct else make_array(rng, shape, dtype, domain)
            out.append(Sample((a,), dict(kw), desc="3d"))
        a = distinct_array(rng, (4, 6), dtype) if distinct else make_array(rng, (4, 6), dtype, domain)
        out.append(Sample((a,), dict(variants[-1]) if "dim" in variants[-1] and
                          isinstance(variants[-1]["dim"], int) and variants[-1]["dim"] < 2 else dict(variants[0]),
                          desc="strided", strided=True))
        if zero_dim:
            kw = dict(variants[0])
            if "dim" in kw:
                kw["dim"] = 0 if isinstance(kw["dim"], int) else (-1,)
            out.append(Sample((make_array(rng, (), dtype, domain),), kw, desc="0d"))
        return out
    return gen


# ---- numpy references ----
def _np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x.astype(np.float64)))


_erf = np.vectorize(math.erf, otypes=[np.float64])


def _axis(dim):
    if dim is None:
        return None
    return tuple(dim) if isinstance(dim, (tuple, list)) else dim


def _np_red(f):
    def r(a, dim=None, keepdim=False, **kw):
        return np.asarray(f(a, axis=_axis(dim), keepdims=keepdim, **kw))
    return r


def _np_var(a, dim=None, keepdim=False, unbiased=True, correction=None):
    ddof = correction if correction is not None else (1 if unbiased else 0)
    return np.asarray(np.var(a.astype(np.float64), axis=_axis(dim), keepdims=keepdim, ddof=ddof))


def _np_std(a, dim=None, keepdim=False, unbiased=True, correction=None):
    return np.sqrt(_np_var(a, dim, keepdim, unbiased, correction))


def _np_logsumexp(a, dim, keepdim=False):
    a = a.astype(np.float64)
    mx = np.max(a, axis=_axis(dim), keepdims=True)
    r = np.log(np.sum(np.exp(a - mx), axis=_axis(dim), keepdims=True)) + mx
    return r if keepdim else np.squeeze(r, axis=_axis(dim))


def _np_softmax(a, dim):
    a = a.astype(np.float64)
    e = np.exp(a - a.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _np_log_softmax(a, dim):
    return np.log(_np_softmax(a, dim))


def _np_norm(a, p=2, dim=None, keepdim=False):
    a = np.abs(a.astype(np.float64))
    ax = _axis(dim)
    if p == float("inf"):
        return np.asarray(np.max(a, axis=ax, keepdims=keepdim))
    if p == 0:
        return np.asarray(np.sum(a != 0, axis=ax, keepdims=keepdim)).astype(np.float64)
    return np.asarray(np.sum(a ** p, axis=ax, keepdims=keepdim) ** (1.0 / p))


def _np_extreme_dim(which):
    def r(a, dim, keepdim=False):
        idx = (np.argmax if which == "max" else np.argmin)(a, axis=dim, keepdims=True)
        vals = np.take_along_axis(a, idx, axis=dim)
        if not keepdim:
            idx, vals = np.squeeze(idx, dim), np.squeeze(vals, dim)
        return vals, idx.astype(np.int64)
    return r


def _np_arg(which):
    def r(a, dim=None, keepdim=False):
        f = np.argmax if which == "max" else np.argmin
        if dim is None:
            v = np.asarray(f(a))
            return v.reshape((1,) * a.ndim) if keepdim else v
        return np.asarray(f(a, axis=dim, keepdims=keepdim)).astype(np.int64)
    return r


def _np_sort(a, dim=-1, descending=False):
    key = a.astype(np.int64) if a.dtype.kind == "u" else a  # -a wraps for unsigned types
    idx = np.argsort(-key if descending else key, axis=dim, kind="stable") if a.dtype != bool else \
        np.argsort(~a if descending else a, axis=dim, kind="stable")
    return np.take_along_axis(a, idx, axis=dim), idx.astype(np.int64)


def _np_topk(a, k, dim=-1, largest=True):
    v, i = _np_sort(a, dim, descending=largest)
    sl = [slice(None)] * a.ndim
    sl[dim] = slice(0, k)
    return v[tuple(sl)], i[tuple(sl)]


def _np_chunk(a, chunks, dim=0):
    n = a.shape[dim]
    each = max(1, -(-n // chunks))
    return tuple(np.take(a, range(s, min(s + each, n)), axis=dim) for s in range(0, n, each))


def _np_split(a, size, dim=0):
    n = a.shape[dim]
    if isinstance(size, (list, tuple)):
        bounds = np.cumsum([0] + list(size))
        return tuple(np.take(a, range(bounds[i], bounds[i + 1]), axis=dim) for i in range(len(size)))
    return tuple(np.take(a, range(s, min(s + size, n)), axis=dim) for s in range(0, n, size))


def _np_as_strided(a, size, stride, offset=0):
    flat = np.ascontiguousarray(a).reshape(-1)
    isz = flat.itemsize
    return np.lib.stride_tricks.as_strided(flat[offset:], shape=size, strides=[s * isz for s in stride]).copy()


def _np_narrow(a, dim, start, length):
    sl = [slice(None)] * a.ndim
    sl[dim] = slice(start, start + length)
    return a[tuple(sl)]


def _np_unflatten(a, dim, sizes):
    sizes = list(sizes)
    if -1 in sizes:
        known = int(np.prod([s for s in sizes if s != -1]))
        sizes[sizes.index(-1)] = a.shape[dim] // known
    return a.reshape(a.shape[:dim] + tuple(sizes) + a.shape[dim + 1:])


def _np_flatten(a, start_dim=0, end_dim=-1):
    if a.ndim == 0:
        return a.reshape(1)
    e = end_dim % a.ndim
    s = start_dim % a.ndim
    return a.reshape(a.shape[:s] + (-1,) + a.shape[e + 1:])


def _np_clamp(a, min=None, max=None):
    if a.dtype.kind in "iu":  # an integer bound is a value of the tensor's dtype (-1 is 255 for uint8)
        min, max = (v if not isinstance(v, int) else np.array(v).astype(a.dtype) for v in (min, max))
    r = a
    if min is not None:
        r = np.maximum(r, min)
    if max is not None:
        r = np.minimum(r, max)
    return r


def _clamp_dtype(sample, dtype):
    a = sample.args[0]
    ops = [a] + [v for v in (sample.kwargs.get("min"), sample.kwargs.get("max")) if v is not None]
    return result_type(*ops)


# ============================================================================
# The database
# ============================================================================
OPS = []


def add(op):
    OPS.append(op)
    return op


# ---- binary elementwise (csrc/backend/op_tables.h TC_BINARY_OPS) ----
def _binary(name, fn, ref, dtypes, out=same, grad=False, lhs="any", rhs="any", scalars=True, aliases=(),
            scalar_values=(3, 2.5, True), **kw):
    return add(OpInfo(name, fn, ref, dtypes, binary_samples(lhs, rhs, scalars, scalar_values), "binary", grad=grad,
                      out=out, aliases=aliases, **kw))


def _is_t(x):
    return isinstance(x, (tc.Tensor,) + ((torch.Tensor,) if torch is not None else ()))


_binary("add", lambda m, a, b: a + b, np.add, ALL_DTYPES, grad=True,
        aliases=(lambda m, a, b: m.add(a, b) if _is_t(a) else m.add(b, a),))
_binary("sub", lambda m, a, b: a - b, np.subtract, NUMERIC, grad=True, scalar_values=(3, 2.5))
_binary("mul", lambda m, a, b: a * b, np.multiply, ALL_DTYPES, grad=True,
        aliases=(lambda m, a, b: m.mul(a, b),))
_binary("div", lambda m, a, b: a / b, np.true_divide, ALL_DTYPES, out=to_float, grad=True, rhs="nonzero",
        aliases=(lambda m, a, b: m.div(a, b) if _is_t(a) else b.reciprocal() * a,))
_binary("floor_divide", lambda m, a, b: a // b, np.floor_divide, NUMERIC, lhs="noint", rhs="nonzero",
        scalar_values=(3, 2.5))
_binary("remainder", lambda m, a, b: a % b, np.remainder, NUMERIC, grad=True, lhs="noint", rhs="nonzero",
        scalar_values=(3, 2.5))
# fmod and div(rounding_mode=) take a tensor first: scalar operands are tested in test_ops.py.
_binary("fmod", lambda m, a, b: m.fmod(a, b), np.fmod, NUMERIC, grad=True, lhs="noint", rhs="nonzero",
        scalars=False, aliases=(lambda m, a, b: a.fmod(b),))
_binary("_div_trunc", lambda m, a, b: m.div(a, b, rounding_mode="trunc"),
        lambda a, b: (np.trunc(np.true_divide(a, b)) if np.result_type(a, b).kind == "f" else
                      np.sign(a) * np.sign(b) * (np.abs(a) // np.abs(b))).astype(np.result_type(a, b)),
        NUMERIC, grad=True, lhs="noint", rhs="nonzero", scalars=False)
_binary("_div_floor", lambda m, a, b: m.div(a, b, rounding_mode="floor"), np.floor_divide,
        NUMERIC, grad=True, lhs="noint", rhs="nonzero", scalars=False)
_binary("pow", lambda m, a, b: a ** b, np.power, NUMERIC, grad=True, lhs="base", rhs="expo",
        scalar_values=(2, 0.5), rtol=2e-5)
_binary("maximum", lambda m, a, b: m.maximum(a, b), np.maximum, ALL_DTYPES, grad=True, scalars=False)
_binary("minimum", lambda m, a, b: m.minimum(a, b), np.minimum, ALL_DTYPES, grad=True, scalars=False)
_binary("fmax", lambda m, a, b: m.fmax(a, b), np.fmax, ALL_DTYPES, grad=True, scalars=False)
_binary("fmin", lambda m, a, b: m.fmin(a, b), np.fmin, ALL_DTYPES, grad=True, scalars=False)
_binary("atan2", lambda m, a, b: m.atan2(a, b), np.arctan2, ALL_DTYPES, out=to_float, grad=True, rhs="nonzero",
        scalars=False)
_binary("hypot", lambda m, a, b: m.hypot(a, b), np.hypot, FLOATS, grad=True, scalars=False)
_binary("logaddexp", lambda m, a, b: m.logaddexp(a, b), np.logaddexp, FLOATS, grad=True, scalars=False)
_binary("logaddexp2", lambda m, a, b: m.logaddexp2(a, b), np.logaddexp2, FLOATS, grad=True, scalars=False)
_binary("xlogy", lambda m, a, b: m.xlogy(a, b),
        lambda a, b: np.where(np.asarray(a) == 0, 0.0, a * np.log(np.asarray(b, dtype=np.float64))),
        ALL_DTYPES, out=to_float, grad=True, rhs="pos", scalar_values=(3, 2.5))
_binary("bitwise_and", lambda m, a, b: a & b, np.bitwise_and, INTLIKE, scalar_values=(3, True),
        aliases=(lambda m, a, b: m.bitwise_and(a, b) if _is_t(a) else m.bitwise_and(b, a),))
_binary("bitwise_or", lambda m, a, b: a | b, np.bitwise_or, INTLIKE, scalar_values=(3, True))
_binary("bitwise_xor", lambda m, a, b: a ^ b, np.bitwise_xor, INTLIKE, scalar_values=(3, True))
for _name, _f, _np in (("eq", operator.eq, np.equal), ("ne", operator.ne, np.not_equal),
                       ("lt", operator.lt, np.less), ("le", operator.le, np.less_equal),
                       ("gt", operator.gt, np.greater), ("ge", operator.ge, np.greater_equal)):
    _binary(_name, (lambda f: lambda m, a, b: f(a, b))(_f), _np, ALL_DTYPES, out=to_bool,
            aliases=((lambda n: lambda m, a, b: getattr(m, n)(a, b) if _is_t(a) else getattr(a + 0 * b, n)(b))(_name),))
for _name, _np in (("logical_and", np.logical_and), ("logical_or", np.logical_or),
                   ("logical_xor", np.logical_xor)):
    _binary(_name, (lambda n: lambda m, a, b: getattr(m, n)(a, b))(_name), _np, ALL_DTYPES, out=to_bool,
            scalars=False, aliases=((lambda n: lambda m, a, b: getattr(a, n)(b))(_name),))

# ---- unary elementwise (TC_UNARY_OPS) ----
_UNARY = [
    # name, numpy, dtypes, out rule, differentiable, domain, rtol
    ("neg", np.negative, NUMERIC, same, True, "any"),
    ("abs", np.abs, NUMERIC, same, True, "nonzero"),
    ("sign", np.sign, NUMERIC, same, True, "nonzero"),
    ("exp", np.exp, ALL_DTYPES, to_float, True, "any"),
    ("exp2", np.exp2, ALL_DTYPES, to_float, True, "any"),
    ("expm1", np.expm1, ALL_DTYPES, to_float, True, "any"),
    ("log", np.log, ALL_DTYPES, to_float, True, "pos"),
    ("log2", np.log2, ALL_DTYPES, to_float, True, "pos"),
    ("log10", np.log10, ALL_DTYPES, to_float, True, "pos"),
    ("log1p", np.log1p, ALL_DTYPES, to_float, True, "pos"),
    ("sqrt", np.sqrt, ALL_DTYPES, to_float, True, "pos"),
    ("rsqrt", lambda a: 1.0 / np.sqrt(a.astype(np.float64)), ALL_DTYPES, to_float, True, "pos"),
    ("sin", np.sin, ALL_DTYPES, to_float, True, "any"),
    ("cos", np.cos, ALL_DTYPES, to_float, True, "any"),
    ("tan", np.tan, ALL_DTYPES, to_float, True, "unit"),
    ("asin", np.arcsin, ALL_DTYPES, to_float, True, "unit"),
    ("acos", np.arccos, ALL_DTYPES, to_float, True, "unit"),
    ("atan", np.arctan, ALL_DTYPES, to_float, True, "any"),
    ("sinh", np.sinh, ALL_DTYPES, to_float, True, "any"),
    ("cosh", np.cosh, ALL_DTYPES, to_float, True, "any"),
    ("tanh", np.tanh, ALL_DTYPES, to_float, True, "any"),
    ("sigmoid", _np_sigmoid, ALL_DTYPES, to_float, True, "any"),
    ("erf", _erf, ALL_DTYPES, to_float, True, "any"),
    ("relu", lambda a: np.maximum(a, np.zeros((), a.dtype)), NUMERIC, same, True, "nonzero"),
    ("floor", np.floor, NUMERIC, same, True, "noint"),
    ("ceil", np.ceil, NUMERIC, same, True, "noint"),
    ("trunc", np.trunc, NUMERIC, same, True, "noint"),
    ("round", np.round, NUMERIC, same, True, "noint"),
    ("reciprocal", lambda a: 1.0 / a.astype(np.float64), ALL_DTYPES, to_float, True, "nonzero"),
    ("square", np.square, NUMERIC, same, True, "any"),
    ("bitwise_not", np.invert, INTLIKE, same, False, "any"),
    ("logical_not", np.logical_not, ALL_DTYPES, to_bool, False, "any"),
    ("isnan", np.isnan, ALL_DTYPES, to_bool, False, "any"),
    ("isinf", np.isinf, ALL_DTYPES, to_bool, False, "any"),
    ("isfinite", np.isfinite, ALL_DTYPES, to_bool, False, "any"),
]
for _name, _np, _dts, _out, _grad, _dom in _UNARY:
    add(OpInfo(_name, (lambda n: lambda m, a: getattr(m, n)(a))(_name), _np, _dts, unary_samples(_dom), "unary",
               grad=_grad, out=_out, rtol=1e-5 if _name not in ("exp2", "sinh", "cosh") else 2e-5,
               aliases=((lambda n: lambda m, a: getattr(a, n)())(_name),)))


def _special_values_samples(op, dtype, rng):
    if dtype not in FLOATS:
        return [Sample((np.array([0, 1, -2]).astype(dtype),), desc="no_special_values")]
    return [Sample((np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5], dtype=dtype),), desc="special")]


add(OpInfo("isnan_special", lambda m, a: m.stack([m.isnan(a), m.isinf(a), m.isfinite(a)]),
           lambda a: np.stack([np.isnan(a), np.isinf(a), np.isfinite(a)]), FLOATS, _special_values_samples,
           "unary", out=to_bool))

# ---- where / clamp / lerp / masked_fill ----


def _where_samples(op, dtype, rng):
    c = rng.random((2, 3)) > 0.5
    return [Sample((c, make_array(rng, (2, 3), dtype), make_array(rng, (2, 3), dtype)), desc="same"),
            Sample((c, make_array(rng, (3,), dtype), make_array(rng, (2, 1), dtype)), desc="bcast"),
            Sample((c, make_array(rng, (2, 3), dtype), 2.5), desc="scalar_other"),
            Sample((c, make_array(rng, (2, 3), dtype), make_array(rng, (2, 3), mixed_partner(op, dtype))), desc="mixed"),
            Sample((c, make_array(rng, (2, 3), dtype), make_array(rng, (2, 3), dtype)), desc="strided",
                   strided=True)]


add(OpInfo("where", lambda m, c, a, b: m.where(c, a, b), lambda c, a, b: np.where(c, a, b), ALL_DTYPES,
           _where_samples, "ternary", grad=True,
           ref_dtype_fn=lambda s, dt: result_type(*s.args[1:]),
           aliases=(lambda m, c, a, b: a.where(c, b) if _is_t(a) else m.where(c, a, b),)))


def _clamp_samples(op, dtype, rng):
    a = make_array(rng, (3, 4), dtype, "noint")
    return [Sample((a,), {"min": -1, "max": 1}, desc="int_bounds"),
            Sample((a,), {"min": -0.5}, desc="min_only"),
            Sample((a,), {"min": -1}, desc="int_min_only"),  # uint8: -1 is 255
            Sample((a,), {"max": 0.5}, desc="max_only"),
            Sample((a,), {"min": 1.5, "max": 0.5}, desc="min_gt_max"),
            Sample((make_array(rng, (), dtype, "noint"),), {"min": 0, "max": 1}, desc="0d"),
            Sample((a,), {"min": -1, "max": 1}, desc="strided", strided=True)]


add(OpInfo("clamp", lambda m, a, **kw: m.clamp(a, **kw), _np_clamp, NUMERIC, _clamp_samples, "ternary", grad=True,
           ref_dtype_fn=lambda s, dt: result_type(s.args[0], *[v for v in s.kwargs.values()]),
           aliases=(lambda m, a, **kw: a.clamp(**kw), lambda m, a, **kw: a.clip(**kw))))


def _clamp_t_samples(op, dtype, rng):
    a = make_array(rng, (3, 4), dtype, "noint")
    return [Sample((a, make_array(rng, (3, 4), dtype, "noint") - 1, make_array(rng, (4,), dtype, "noint") + 1),
                   desc="tensor_bounds")]


add(OpInfo("clamp_tensor", lambda m, a, lo, hi: m.clamp(a, min=lo, max=hi), lambda a, lo, hi: np.minimum(
    np.maximum(a, lo), hi), NUMERIC, _clamp_t_samples, "ternary", grad=True,
    aliases=(lambda m, a, lo, hi: a.clamp(lo, hi),)))


def _lerp_samples(op, dtype, rng):
    return [Sample((make_array(rng, (2, 3), dtype), make_array(rng, (2, 3), dtype), make_array(rng, (3,), dtype)),
                   desc="tensor_weight")]


add(OpInfo("lerp", lambda m, a, b, w: m.lerp(a, b, w), lambda a, b, w: a + w * (b - a), FLOATS, _lerp_samples,
           "ternary", grad=True))


def _masked_fill_samples(op, dtype, rng):
    return [Sample((make_array(rng, (2, 3), dtype), rng.random((2, 3)) > 0.5), desc="same"),
            Sample((make_array(rng, (2, 3), dtype), rng.random((3,)) > 0.5), desc="bcast")]


add(OpInfo("masked_fill", lambda m, a, mask: a.masked_fill(mask, 0.5 if a.is_floating_point() else 7),
           lambda a, mask: np.where(mask, np.asarray(0.5 if a.dtype.kind == "f" else 7).astype(a.dtype), a),
           NUMERIC, _masked_fill_samples, "ternary", grad=True))

# ---- reductions ----
_DIMS = [{}, {"dim": 0}, {"dim": (0, 2)}, {"dim": -1, "keepdim": True}, {"dim": (1,), "keepdim": False}]


def _red(name, fn, ref, dtypes, variants=_DIMS, out=same, grad=True, distinct=False, domain="any", **kw):
    return add(OpInfo(name, fn, ref, dtypes, reduction_samples(variants, distinct=distinct, domain=domain),
                      "reduction", grad=grad, out=out, **kw))


_red("sum", lambda m, a, **kw: a.sum(**kw), _np_red(np.sum), ALL_DTYPES, out=sum_like,
     aliases=(lambda m, a, **kw: m.sum(a, **kw),))
_red("mean", lambda m, a, **kw: a.mean(**kw), _np_red(np.mean), FLOATS, aliases=(lambda m, a, **kw: m.mean(a, **kw),))
_red("prod", lambda m, a, **kw: a.prod(**kw), lambda a, dim=None, keepdim=False: np.asarray(
    np.prod(a, axis=dim, keepdims=keepdim)), ALL_DTYPES,
     variants=[{}, {"dim": 0}, {"dim": -1, "keepdim": True}, {"dim": 1}], out=sum_like, domain="pos", rtol=1e-5,
     half_tol=2e-2)  # PyTorch multiplies float16 / bfloat16 in the storage dtype, rounding at every step
_red("amax", lambda m, a, **kw: a.amax(**kw), _np_red(np.amax), ALL_DTYPES, distinct=True,
     aliases=(lambda m, a, **kw: m.amax(a, **kw),))
_red("amin", lambda m, a, **kw: a.amin(**kw), _np_red(np.amin), ALL_DTYPES, distinct=True)
_red("max_all", lambda m, a: a.max(), lambda a: np.asarray(np.max(a)), ALL_DTYPES, variants=[{}], distinct=True,
     aliases=(lambda m, a: m.max(a),))
_red("min_all", lambda m, a: a.min(), lambda a: np.asarray(np.min(a)), ALL_DTYPES, variants=[{}], distinct=True)
_DIM1 = [{"dim": 0}, {"dim": -1, "keepdim": True}, {"dim": 1}]
_red("max_dim", lambda m, a, **kw: a.max(**kw), _np_extreme_dim("max"), NUMERIC, variants=_DIM1, distinct=True,
     grad_select=lambda out: out.values, aliases=(lambda m, a, **kw: m.max(a, **kw),))
_red("min_dim", lambda m, a, **kw: a.min(**kw), _np_extreme_dim("min"), NUMERIC, variants=_DIM1, distinct=True,
     grad_select=lambda out: out[0])
_red("argmax", lambda m, a, **kw: a.argmax(**kw), _np_arg("max"), NUMERIC,
     variants=[{}, {"dim": 0}, {"dim": -1, "keepdim": True}], distinct=True, out=to_int64, grad=False)
_red("argmin", lambda m, a, **kw: a.argmin(**kw), _np_arg("min"), NUMERIC,
     variants=[{}, {"dim": 1}, {"dim": 2, "keepdim": True}], distinct=True, out=to_int64, grad=False)
_red("var", lambda m, a, **kw: a.var(**kw), _np_var, FLOATS,
     variants=[{}, {"dim": 0}, {"dim": (0, 2), "keepdim": True}, {"dim": 1, "unbiased": False},
               {"dim": 1, "correction": 0}], rtol=1e-5)
_red("std", lambda m, a, **kw: a.std(**kw), _np_std, FLOATS,
     variants=[{}, {"dim": 0}, {"dim": -1, "keepdim": True}, {"dim": 1, "unbiased": False}], rtol=1e-5)
_red("all", lambda m, a, **kw: a.all(**kw), _np_red(np.all), ALL_DTYPES, out=any_all_dtype, grad=False,
     variants=[{}, {"dim": 0}, {"dim": -1, "keepdim": True}])
_red("any", lambda m, a, **kw: a.any(**kw), _np_red(np.any), ALL_DTYPES, out=any_all_dtype, grad=False,
     variants=[{}, {"dim": 1}, {"dim": 0, "keepdim": True}])
_red("logsumexp", lambda m, a, **kw: a.logsumexp(**kw), _np_logsumexp, FLOATS,
     variants=[{"dim": 0}, {"dim": (0, 2)}, {"dim": -1, "keepdim": True}], rtol=1e-5)
_red("cumsum", lambda m, a, **kw: a.cumsum(**kw), lambda a, dim: np.cumsum(a, axis=dim), ALL_DTYPES,
     variants=[{"dim": 0}, {"dim": -1}, {"dim": 1}], out=sum_like, rtol=1e-5,
     aliases=(lambda m, a, **kw: m.cumsum(a, **kw),))
_red("norm", lambda m, a, **kw: a.norm(**kw), _np_norm, FLOATS,
     variants=[{}, {"p": 1}, {"p": 3, "dim": 1}, {"p": float("inf"), "dim": 0}, {"dim": (0, 1), "keepdim": True}],
     domain="nonzero", rtol=1e-5)
_red("softmax", lambda m, a, **kw: a.softmax(**kw), _np_softmax, FLOATS, variants=[{"dim": 0}, {"dim": -1}, {"dim": 1}],
     rtol=1e-5, aliases=(lambda m, a, **kw: m.softmax(a, **kw),))
_red("log_softmax", lambda m, a, **kw: a.log_softmax(**kw), _np_log_softmax, FLOATS,
     variants=[{"dim": 0}, {"dim": -1}, {"dim": 1}], rtol=1e-5)
_red("sort", lambda m, a, **kw: a.sort(**kw), _np_sort, NUMERIC,
     variants=[{}, {"dim": 0}, {"dim": 1, "descending": True}], distinct=True, grad_select=lambda o: o.values,
     aliases=(lambda m, a, **kw: m.sort(a, **kw),))


def _topk_samples(op, dtype, rng):
    return [Sample((distinct_array(rng, (3, 4, 5), dtype),), {"k": 2}, desc="last"),
            Sample((distinct_array(rng, (3, 4, 5), dtype),), {"k": 1, "dim": 0}, desc="dim0"),
            Sample((distinct_array(rng, (3, 4, 5), dtype),), {"k": 3, "dim": 1, "largest": False}, desc="smallest"),
            Sample((distinct_array(rng, (4, 6), dtype),), {"k": 6}, desc="strided_full", strided=True)]


add(OpInfo("topk", lambda m, a, **kw: a.topk(**kw), _np_topk, NUMERIC, _topk_samples, "reduction", grad=True,
           grad_select=lambda o: o.values, aliases=(lambda m, a, **kw: m.topk(a, **kw),)))

# ---- matrix products ----


def _mm_samples(shapes):
    def gen(op, dtype, rng):
        out = []
        for sa, sb in shapes:
            out.append(Sample((make_array(rng, sa, dtype), make_array(rng, sb, dtype)), desc=f"{sa}@{sb}"))
        sa, sb = shapes[0]
        if len(sa) >= 2:
            out.append(Sample((make_array(rng, sa, dtype), make_array(rng, sb, dtype)), desc="strided",
                              strided=True))
        return out
    return gen


_MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
                  ((2, 3), (5, 3, 4)), ((2, 1, 2, 3), (4, 3, 2)), ((3,), (5, 3, 4)), ((5, 2, 3), (3,)),
                  ((2, 0), (0, 3)), ((4, 2, 3), (4, 3, 2))]
add(OpInfo("matmul", lambda m, a, b: m.matmul(a, b), np.matmul, ("int64",) + FLOATS, _mm_samples(_MATMUL_SHAPES),
           "linalg", grad=True, rtol=1e-5, aliases=(lambda m, a, b: a @ b, lambda m, a, b: a.matmul(b))))
add(OpInfo("mm", lambda m, a, b: m.mm(a, b), np.matmul, ("int64",) + FLOATS,
           _mm_samples([((2, 3), (3, 4)), ((1, 5), (5, 1)), ((4, 0), (0, 2))]), "linalg", grad=True, rtol=1e-5,
           aliases=(lambda m, a, b: a.mm(b),)))
add(OpInfo("bmm", lambda m, a, b: m.bmm(a, b), np.matmul, ("int64",) + FLOATS,
           _mm_samples([((3, 2, 4), (3, 4, 5)), ((1, 1, 1), (1, 1, 2))]), "linalg", grad=True, rtol=1e-5,
           aliases=(lambda m, a, b: a.bmm(b),)))
add(OpInfo("dot", lambda m, a, b: m.dot(a, b), lambda a, b: np.asarray(np.dot(a, b)), ("int64",) + FLOATS,
           _mm_samples([((5,), (5,)), ((0,), (0,))]), "linalg", grad=True, rtol=1e-5,
           aliases=(lambda m, a, b: a.dot(b),)))
add(OpInfo("mv", lambda m, a, b: m.mv(a, b), np.matmul, ("int64",) + FLOATS, _mm_samples([((2, 3), (3,))]),
           "linalg", grad=True, rtol=1e-5, aliases=(lambda m, a, b: a.mv(b),)))
add(OpInfo("outer", lambda m, a, b: m.outer(a, b), np.outer, NUMERIC, _mm_samples([((2,), (3,))]), "linalg",
           grad=True))
add(OpInfo("addmm", lambda m, c, a, b: m.addmm(c, a, b), lambda c, a, b: c + a @ b, FLOATS,
           lambda op, dt, rng: [Sample((make_array(rng, (4,), dt), make_array(rng, (2, 3), dt),
                                        make_array(rng, (3, 4), dt)), desc="bias_bcast")],
           "linalg", grad=True, rtol=1e-5))

# ---- joins ----


def _cat_samples(op, dtype, rng):
    return [Sample((make_array(rng, (2, 3), dtype), make_array(rng, (4, 3), dtype)), {"dim": 0}, desc="dim0"),
            Sample((make_array(rng, (2, 3), dtype), make_array(rng, (2, 1), dtype), make_array(rng, (2, 2), dtype)),
                   {"dim": -1}, desc="dim-1"),
            Sample((make_array(rng, (2, 3), dtype), make_array(rng, (2, 3), mixed_partner(op, dtype))), {"dim": 1},
                   desc="mixed"),
            Sample((make_array(rng, (2, 3), dtype), np.zeros((0,), dtype)), {"dim": 0}, desc="legacy_empty"),
            Sample((make_array(rng, (2, 4), dtype), make_array(rng, (3, 4), dtype)), {"dim": 0}, desc="strided",
                   strided=True)]


add(OpInfo("cat", lambda m, *ts, **kw: m.cat(list(ts), **kw),
           lambda *ts, dim=0: np.concatenate([t for t in ts if not (t.ndim == 1 and t.size == 0)], axis=dim),
           ALL_DTYPES, _cat_samples, "join", grad=True,
           ref_dtype_fn=lambda s, dt: result_type(*s.args),
           aliases=(lambda m, *ts, **kw: m.concat(ts, **kw),)))


def _stack_samples(op, dtype, rng):
    return [Sample((make_array(rng, (2, 3), dtype), make_array(rng, (2, 3), dtype)), {"dim": d}, desc=f"dim{d}")
            for d in (0, 1, 2, -1)] + [
        Sample((make_array(rng, (), dtype), make_array(rng, (), dtype)), {"dim": 0}, desc="0d"),
        Sample((make_array(rng, (2, 3), dtype), make_array(rng, (2, 3), mixed_partner(op, dtype))), {"dim": 0}, desc="mixed")]


add(OpInfo("stack", lambda m, *ts, **kw: m.stack(list(ts), **kw), lambda *ts, dim=0: np.stack(ts, axis=dim),
           ALL_DTYPES, _stack_samples, "join", grad=True, ref_dtype_fn=lambda s, dt: result_type(*s.args)))

# ---- views ----


def _view_op(name, fn, ref, shape=(2, 3, 4), **kw):
    strided_ok = kw.pop("strided_ok", True)

    def gen2(op, dtype, rng):
        out = [Sample((make_array(rng, shape, dtype),), desc="contig")]
        if strided_ok:
            out.append(Sample((make_array(rng, shape, dtype),), desc="strided", strided=True))
        return out
    return add(OpInfo(name, fn, ref, ALL_DTYPES, gen2, "view", grad=True, **kw))


_view_op("view", lambda m, a: a.view(4, 6), lambda a: a.reshape(4, 6), strided_ok=False,
         aliases=(lambda m, a: a.view((4, 6)), lambda m, a: a.view(-1, 6)))
_view_op("view_split_dim", lambda m, a: a.view(2, 3, 2, 2), lambda a: a.reshape(2, 3, 2, 2))
_view_op("reshape", lambda m, a: a.reshape(6, -1), lambda a: a.reshape(6, -1),
         aliases=(lambda m, a: m.reshape(a, (6, 4)),))
_view_op("transpose", lambda m, a: a.transpose(0, 2), lambda a: np.swapaxes(a, 0, 2),
         aliases=(lambda m, a: m.transpose(a, -1, 0), lambda m, a: a.swapaxes(2, 0)))
_view_op("t", lambda m, a: a.t(), lambda a: a.T, shape=(3, 5), aliases=(lambda m, a: m.t(a), lambda m, a: a.T))
_view_op("t_1d", lambda m, a: a.t(), lambda a: a, shape=(5,))
_view_op("permute", lambda m, a: a.permute(2, 0, 1), lambda a: np.transpose(a, (2, 0, 1)),
         aliases=(lambda m, a: a.permute((2, 0, 1)), lambda m, a: m.permute(a, (-1, 0, 1))))
_view_op("expand", lambda m, a: a.expand(5, 3, 4), lambda a: np.broadcast_to(a, (5, 3, 4)), shape=(3, 1),
         aliases=(lambda m, a: a.expand(5, -1, 4), lambda m, a: a.expand((5, 3, 4))))
_view_op("squeeze", lambda m, a: a.squeeze(), lambda a: np.squeeze(a), shape=(2, 1, 3, 1))
_view_op("squeeze_dim", lambda m, a: a.squeeze(1), lambda a: np.squeeze(a, 1), shape=(2, 1, 3, 1),
         aliases=(lambda m, a: m.squeeze(a, 1),))
_view_op("squeeze_dim_noop", lambda m, a: a.squeeze(0), lambda a: a, shape=(2, 1, 3, 1))
_view_op("squeeze_dims", lambda m, a: a.squeeze((1, 3)), lambda a: np.squeeze(a, (1, 3)), shape=(2, 1, 3, 1))
_view_op("unsqueeze", lambda m, a: a.unsqueeze(1), lambda a: np.expand_dims(a, 1),
         aliases=(lambda m, a: m.unsqueeze(a, -3),))
_view_op("unsqueeze_last", lambda m, a: a.unsqueeze(-1), lambda a: np.expand_dims(a, -1))
_view_op("flatten", lambda m, a: a.flatten(), lambda a: a.reshape(-1), aliases=(lambda m, a: m.flatten(a),))
_view_op("flatten_range", lambda m, a: a.flatten(1, 2), lambda a: _np_flatten(a, 1, 2))
_view_op("unflatten", lambda m, a: a.unflatten(2, (2, 2)), lambda a: _np_unflatten(a, 2, (2, 2)),
         aliases=(lambda m, a: a.unflatten(-1, (2, -1)),))
_view_op("narrow", lambda m, a: a.narrow(2, 1, 2), lambda a: _np_narrow(a, 2, 1, 2),
         aliases=(lambda m, a: m.narrow(a, -1, 1, 2),))
_view_op("select", lambda m, a: a.select(1, 2), lambda a: a[:, 2], aliases=(lambda m, a: a.select(-2, -1),))
_view_op("chunk", lambda m, a: a.chunk(3, dim=2), lambda a: _np_chunk(a, 3, 2),
         aliases=(lambda m, a: m.chunk(a, 3, 2),))
_view_op("chunk_uneven", lambda m, a: a.chunk(2, 1), lambda a: _np_chunk(a, 2, 1))
_view_op("split", lambda m, a: a.split(3, dim=2), lambda a: _np_split(a, 3, 2),
         aliases=(lambda m, a: m.split(a, 3, 2),))
_view_op("split_sizes", lambda m, a: a.split([1, 3], dim=2), lambda a: _np_split(a, [1, 3], 2))
_view_op("unbind", lambda m, a: a.unbind(1), lambda a: tuple(np.moveaxis(a, 1, 0)),
         aliases=(lambda m, a: m.unbind(a, 1),))
_view_op("as_strided", lambda m, a: a.as_strided((3, 3), (4, 1), 2), lambda a: _np_as_strided(a, (3, 3), (4, 1), 2),
         strided_ok=False, aliases=(lambda m, a: m.as_strided(a, (3, 3), (4, 1), 2),))
_view_op("as_strided_overlap_free", lambda m, a: a.as_strided((2, 2), (1, 2)), lambda a: _np_as_strided(
    a, (2, 2), (1, 2)), strided_ok=False)
_view_op("contiguous", lambda m, a: a.contiguous(), lambda a: a)
_view_op("contiguous_t", lambda m, a: a.transpose(0, 1).contiguous(), lambda a: np.swapaxes(a, 0, 1))
_view_op("diagonal", lambda m, a: a.diagonal(), lambda a: np.diagonal(a), shape=(3, 4))
_view_op("diagonal_offset", lambda m, a: a.diagonal(1, 0, 2), lambda a: np.diagonal(a, 1, 0, 2))
_view_op("diagonal_neg", lambda m, a: a.diagonal(-1, -1, 0), lambda a: np.diagonal(a, -1, 2, 0),
         aliases=(lambda m, a: m.diagonal(a, -1, -1, 0),))
_view_op("movedim", lambda m, a: a.movedim(0, -1), lambda a: np.moveaxis(a, 0, -1),
         aliases=(lambda m, a: m.movedim(a, 0, 2), lambda m, a: a.moveaxis(0, 2)))
_view_op("movedim_multi", lambda m, a: a.movedim((0, 1), (2, 0)), lambda a: np.moveaxis(a, (0, 1), (2, 0)))
_view_op("getitem_basic", lambda m, a: a[1, ::2, None, -1], lambda a: a[1, ::2, None, -1])
_view_op("getitem_advanced", lambda m, a: a[[1, 0, 1], :, [0, 2, 3]], lambda a: a[[1, 0, 1], :, [0, 2, 3]])
_view_op("getitem_mask", lambda m, a: a[a > 0], lambda a: a[a > 0], shape=(3, 4))
_view_op("getitem_ellipsis", lambda m, a: a[..., 1:3], lambda a: a[..., 1:3])
_view_op("T_property", lambda m, a: a.T if a.dim() <= 2 else a.permute(2, 1, 0), lambda a: a.T)
_view_op("flip", lambda m, a: a.flip(0), lambda a: np.flip(a, 0), aliases=(lambda m, a: m.flip(a, (0,)),))
_view_op("flip_many", lambda m, a: a.flip(-1, 0), lambda a: np.flip(a, (-1, 0)),
         aliases=(lambda m, a: m.flip(a, [0, -1]), lambda m, a: a.transpose(0, -1).flip(0).transpose(0, -1).flip(0)))
_view_op("repeat", lambda m, a: a.repeat(2, 1, 1), lambda a: np.tile(a, (2, 1, 1)))
_view_op("repeat_new_dims", lambda m, a: a.repeat(2, 1, 3, 2), lambda a: np.tile(a, (2, 1, 3, 2)),
         aliases=(lambda m, a: a.repeat((2, 1, 3, 2)), lambda m, a: a.repeat([2, 1, 3, 2])))

# ---- issue 10: more elementwise math (op_tables.h rows after "issue 10 rows") ----
try:
    import scipy.special as _sp
except ImportError:  # pragma: no cover - scipy comes with the test dependencies
    _sp = None


def _sp_ref(name):
    def ref(*args, **kw):
        if _sp is None:
            return np.asarray(getattr(torch.special, name)(*[torch.from_numpy(np.asarray(a)) for a in args]))
        return getattr(_sp, name)(*args, **kw)
    return ref


_UNARY_EXTRA = [
    # name, numpy/scipy reference, dtypes, out rule, differentiable, domain
    ("acosh", np.arccosh, ALL_DTYPES, to_float, True, "ge1"),
    ("asinh", np.arcsinh, ALL_DTYPES, to_float, True, "any"),
    ("atanh", np.arctanh, ALL_DTYPES, to_float, True, "unit"),
    ("erfc", _sp_ref("erfc"), ALL_DTYPES, to_float, True, "any"),
    ("erfinv", _sp_ref("erfinv"), ALL_DTYPES, to_float, True, "unit"),
    ("lgamma", _sp_ref("gammaln"), ALL_DTYPES, to_float, True, "pos"),
    ("digamma", _sp_ref("digamma"), ALL_DTYPES, to_float, True, "pos"),
    ("i0", _sp_ref("i0"), ALL_DTYPES, to_float, True, "any"),
    ("sinc", np.sinc, ALL_DTYPES, to_float, True, "any"),
    ("rad2deg", np.rad2deg, ALL_DTYPES, to_float, True, "any"),
    ("deg2rad", np.deg2rad, ALL_DTYPES, to_float, True, "any"),
    ("sgn", lambda a: a if a.dtype == np.bool_ else np.sign(a), ALL_DTYPES, same, True, "nonzero"),
    ("signbit", np.signbit, ALL_DTYPES, to_bool, False, "any"),
    ("isposinf", np.isposinf, ALL_DTYPES, to_bool, False, "any"),
    ("isneginf", np.isneginf, ALL_DTYPES, to_bool, False, "any"),
    ("isreal", np.isreal, ALL_DTYPES, to_bool, False, "any"),
]
for _name, _np, _dts, _out, _grad, _dom in _UNARY_EXTRA:
    add(OpInfo(_name, (lambda n: lambda m, a: getattr(m, n)(a))(_name), _np, _dts, unary_samples(_dom), "unary",
               grad=_grad, out=_out, rtol=1e-5, aliases=((lambda n: lambda m, a: getattr(a, n)())(_name),)))
# signbit of the NaN is left out: a NaN's sign does not survive tensorcore's float -> bfloat16 conversion
# (store_block makes every NaN 0x7fc0), through which the sample reaches a bfloat16 tensor.
add(OpInfo("isinf_signs_special",
           lambda m, a: m.stack([m.isposinf(a), m.isneginf(a), m.signbit(m.where(m.isnan(a), 1.0, a))]),
           lambda a: np.stack([np.isposinf(a), np.isneginf(a), np.signbit(np.where(np.isnan(a), 1.0, a))]), FLOATS,
           _special_values_samples, "unary", out=to_bool))
# internal rows: i0's gradient (torch.special.i1), polygamma(n, x), logit(x, eps)
add(OpInfo("_i1", lambda m, a: m.special.i1(a) if m is not tc else tc._C._i1(a), _sp_ref("i1"), ALL_DTYPES,
           unary_samples("any"), "unary", grad=True, out=to_float, rtol=1e-5))


def _polygamma_samples(op, dtype, rng):
    return [Sample((make_array(rng, (2, 3), dtype, "pos"),), {"n": n}, desc=f"n{n}") for n in (0, 1, 2, 3)] + \
        [Sample((make_array(rng, (3, 4), dtype, "pos"),), {"n": 1}, desc="strided", strided=True),
         Sample((make_array(rng, (), dtype, "pos"),), {"n": 2}, desc="0d")]


add(OpInfo("_polygamma", lambda m, a, n=1: m.polygamma(n, a), lambda a, n=1: _sp.polygamma(n, a), ALL_DTYPES,
           _polygamma_samples, "unary", grad=True, out=to_float, rtol=1e-5,
           aliases=(lambda m, a, n=1: a.polygamma(n),)))


def _np_logit(a, eps=None):
    a = a.astype(np.float64)
    if eps is not None:
        a = np.clip(a, eps, 1 - eps)
    return np.log(a / (1 - a))


def _logit_samples(op, dtype, rng):
    return [Sample((make_array(rng, (2, 3), dtype, "prob"),), desc="no_eps"),
            Sample((make_array(rng, (2, 3), dtype, "prob"),), {"eps": 0.2}, desc="eps"),
            Sample((make_array(rng, (3, 4), dtype, "prob"),), {"eps": 0.01}, desc="strided", strided=True),
            Sample((make_array(rng, (), dtype, "prob"),), desc="0d")]


add(OpInfo("_logit", lambda m, a, eps=None: m.logit(a, eps), _np_logit, ALL_DTYPES, _logit_samples, "unary",
           grad=True, out=to_float, rtol=1e-5, aliases=(lambda m, a, eps=None: a.logit(eps),)))

# Python-number operands (copysign's and clamp_min/max's `other` only) are tested in test_math_ops_extra.py.
_binary("copysign", lambda m, a, b: m.copysign(a, b), np.copysign, ALL_DTYPES, out=to_float, grad=True,
        lhs="nonzero", rhs="nonzero", scalars=False, aliases=(lambda m, a, b: a.copysign(b),))
# heaviside raises for operands of different dtypes: no mixed samples here.
add(OpInfo("heaviside", lambda m, a, b: m.heaviside(a, b), np.heaviside, ALL_DTYPES,
           binary_samples(scalars=False, mixed=False), "binary", aliases=(lambda m, a, b: a.heaviside(b),)))
def _np_ldexp(a, b):
    """x * 2^e, with 2^e rounded to e's dtype first as PyTorch's pow(2, e) (visible for a bfloat16 e)."""
    p = np.exp2(np.asarray(b, dtype=np.float64))
    if isinstance(b, np.ndarray) and b.dtype.name == "bfloat16" and b.ndim:
        p = p.astype(b.dtype).astype(np.float64)
    return a * p


_binary("ldexp", lambda m, a, b: m.ldexp(a, b), _np_ldexp,
        ALL_DTYPES, out=to_float, grad=True, rhs="small", scalars=False, aliases=(lambda m, a, b: a.ldexp(b),))
_binary("gcd", lambda m, a, b: m.gcd(a, b), np.gcd, INTS, scalars=False, aliases=(lambda m, a, b: a.gcd(b),))
_binary("lcm", lambda m, a, b: m.lcm(a, b), np.lcm, INTS, scalars=False, aliases=(lambda m, a, b: a.lcm(b),))
_binary("bitwise_left_shift", lambda m, a, b: a << b, np.left_shift, INTS, rhs="small", scalar_values=(2,),
        aliases=(lambda m, a, b: m.bitwise_left_shift(a, b),))
_binary("bitwise_right_shift", lambda m, a, b: a >> b, np.right_shift, INTS, rhs="small", scalar_values=(2,),
        aliases=(lambda m, a, b: m.bitwise_right_shift(a, b),))
_binary("clamp_min", lambda m, a, b: m.clamp_min(a, b), np.maximum, ALL_DTYPES, grad=True, scalars=False,
        aliases=(lambda m, a, b: a.clamp_min(b),))
_binary("clamp_max", lambda m, a, b: m.clamp_max(a, b), np.minimum, ALL_DTYPES, grad=True, scalars=False,
        aliases=(lambda m, a, b: a.clamp_max(b),))


OPS = [o for o in OPS if o is not None]
OPS_BY_NAME = {o.name: o for o in OPS}
assert len(OPS_BY_NAME) == len(OPS), "duplicate op names"
DIFFERENTIABLE = [o for o in OPS if o.grad]


def samples(op, dtype):
    return op.sample_fn(op, dtype, rng_for(op.name, dtype))


def numpy_reference(op, sample):
    """op.ref on the sample's arrays: bool and integer inputs of float-valued
    ops and float16 inputs are computed in float64, and reductions of 0-dim
    tensors are computed on one element and reshaped back."""
    args = list(sample.args)
    if op.kind == "binary" and op.out is not to_float:
        # PyTorch casts every operand to the common dtype first: an int8 0-dim
        # -3 is 253 beside a uint8 tensor (numpy would widen both to int16).
        common = result_type(*args)
        if common in INTLIKE:
            args = [a.astype(common) if isinstance(a, np.ndarray) else a for a in args]
    if op.out is to_float:  # numpy would compute bool / small ints in float16
        args = [a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype.kind in "biu" else a for a in args]
    # float16 is computed exactly (float64) and compared within float16's
    # precision: tensorcore, like PyTorch, computes it in float32 and rounds once.
    args = [a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype == np.float16 else a for a in args]
    zero_dim = op.kind == "reduction" and isinstance(args[0], np.ndarray) and args[0].ndim == 0
    if zero_dim:
        args[0] = args[0].reshape(1)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = op.ref(*args, **sample.kwargs)
    if isinstance(ref, (tuple, list)):
        ref = tuple(np.asarray(r) for r in ref)
        return tuple(r.reshape(()) for r in ref) if zero_dim else ref
    ref = np.asarray(ref)
    return ref.reshape(()) if zero_dim else ref


def expected_dtype(op, sample, dtype):
    if op.ref_dtype_fn is not None:
        dt = op.ref_dtype_fn(sample, dtype)
    elif op.kind in ("binary", "unary"):
        dt = result_type(*sample.args)
    else:
        dt = dtype
    return op.out(dt)


def grad_samples(op, limit=3):
    """float64 samples for gradient checks (small, no empty tensors)."""
    out = []
    for s in samples(op, "float64"):
        arrays = [a for a in s.args if isinstance(a, np.ndarray)]
        if any(a.size == 0 for a in arrays):
            continue
        if not any(a.dtype == np.float64 for a in arrays):
            continue
        if any(a.dtype.kind == "f" and a.dtype != np.float64 for a in arrays):
            continue  # mixed-dtype samples: gradients are cast, checked elsewhere
        out.append(s)
    return out[:limit]


def select_outputs(op, out):
    if op.grad_select is not None:
        return op.grad_select(out)
    return out
