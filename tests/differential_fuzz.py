"""Differential fuzzer: generated PyTorch calls, run under PyTorch (the oracle)
and tensorcore with identical arguments.

    PYTHONPATH=src python tests/differential_fuzz.py --calls 20000 --seed 1
    PYTHONPATH=src python tests/differential_fuzz.py --ops wide --dtypes all --calls 3000 --seed 1

`--ops wide` adds nn.functional, linalg, fft, special and the other torch and
Tensor ops (Note [Wide ops] in differential_fuzz_wide.py); `--trace` prints
each call before it runs (a crash's last line names it) and `--skip N`
generates but does not run the first N calls, to replay call N at once.

Note [Neutral call descriptions]
A call is generated once as a library-neutral description (`Call`): tensors
are `T` records (shape, dtype name, layout, requires_grad, values from a seeded
numpy generator), dtypes are `D` records, numpy arrays `NP` records; plain
Python values (numbers, lists, slices, Ellipsis, None, strings) stand for
themselves. `materialize` turns the description into each library's objects,
so both libraries see the same values in the same layouts, and every call gets
fresh tensors (in-place ops and out= may mutate them). The outcome of a call
is either the exception's type or a neutral value (numpy arrays, dtype names,
Python scalars), together with the inputs after the call (in-place ops, out=)
and, for `backward` calls, the leaves' gradients.

Note [What counts as a failure]
  crash            an exception that is not an `Exception` (or SystemError:
                   a C++ error that escaped the bindings); a real crash kills
                   the process, which the CLI reports by dying.
  tc_accepts       PyTorch raises, tensorcore returns: the worst kind, a
                   program goes on with a value PyTorch never gives.
  tc_rejects       tensorcore raises where PyTorch returns.
  exc_type         both raise, with different builtin exception types
                   (torch's own classes count as their builtin base:
                   torch._C._LinAlgError is a RuntimeError), unless the pair
                   is on ALLOWED below, each entry with its reason.
  value            both return, with different values, dtypes or shapes.
Calls of ops that tensorcore does not have at all are not generated (missing
features are other issues' work).

Note [Two dtype sets]
By default (`dtypes="classic"`, the CI run at seed 17) tensors are bool, int32,
int64, float32 and float64 only, and a seed generates the same sequence it
always did. `dtypes="all"` (`--dtypes all`) also draws the dtypes issue 10
added: uint8, int8, int16, float16, bfloat16, complex64 and complex128 (with
PyTorch's promotion between all of them). The extra names change only which
dtype a draw picks, never how many draws a call takes, so the two modes
generate the same kinds of calls. numpy has no bfloat16: such tensors are
built from float32 values and converted, and their results are compared as
float32 values under the name bfloat16.
"""
import argparse
import builtins
import cmath
import collections
import gc
import random
import sys
import warnings

import numpy as np

DTYPES = ["float32", "float64", "int64", "int32", "bool"]  # Note [Two dtype sets]: the classic set
ALL_DTYPES = DTYPES + ["uint8", "int8", "int16", "float16", "bfloat16", "complex64", "complex128"]
ALL_WEIGHTS = [5, 2, 3, 1, 1] + [1] * 7
FLOATS = ("float32", "float64")
HALFS = ("float16", "bfloat16")
COMPLEX = ("complex64", "complex128")
GRAD_DTYPES = FLOATS + HALFS + COMPLEX  # the dtypes a tensor can require grad in
# Note [Wide ops]: the wide families whose results go through reductions or solvers (ten times the tolerance)
LOOSE_WIDE_FAMILIES = ("nn", "linalg", "spectral", "autograd_wide")
WIDE_FAMILIES = LOOSE_WIDE_FAMILIES + ("tensor_ops", "inplace_wide", "out_wide")


# --------------------------------------------------------------- descriptions
class T:
    """A tensor: `layout` is contiguous, transposed (a .mT-style permuted
    view), expanded (stride-0 dims), strided (every other element) or offset
    (a view starting past the storage's start)."""
    __slots__ = ("shape", "dtype", "layout", "requires_grad", "seed", "special", "bound", "wellcond")

    def __init__(self, shape, dtype, layout="contiguous", requires_grad=False, seed=0, special=False, bound=None,
                 wellcond=False):
        self.shape, self.dtype, self.layout = tuple(shape), dtype, layout
        self.requires_grad, self.seed, self.special = requires_grad, seed, special
        # Note [Wide ops] (differential_fuzz_wide.py): `bound` draws integers in [0, bound) (class targets,
        # indices); `wellcond` adds 8 on the diagonal of the last two dims (square matrices a solver can trust)
        self.bound, self.wellcond = bound, wellcond

    def __repr__(self):
        rg = ", rg" if self.requires_grad else ""
        extra = (f", bound={self.bound}" if self.bound is not None else "") + (", wellcond" if self.wellcond else "")
        return f"T({list(self.shape)}, {self.dtype}, {self.layout}{rg}{extra})"

    def values(self, shape):
        g = np.random.default_rng(self.seed)
        n = int(np.prod(shape, dtype=np.int64))
        if self.bound is not None and self.dtype != "bool":
            a = g.integers(0, builtins.max(self.bound, 1), n)
        elif self.dtype == "bool":
            a = g.integers(0, 2, n).astype(bool)
        elif self.dtype in GRAD_DTYPES:
            a = np.round(g.normal(0, 2, n), 2)
            if self.dtype in COMPLEX:
                a = a + 1j * np.round(g.normal(0, 2, n), 2)
            if self.special and n:
                a[g.integers(0, n, 2)] = g.choice([np.nan, np.inf, -np.inf, 0.0, -0.0], 2)
        elif self.dtype == "uint8":
            a = g.integers(0, 11, n)
        else:
            a = g.integers(-5, 6, n)
        a = a.astype("float32" if self.dtype == "bfloat16" else self.dtype).reshape(shape)
        if self.wellcond and len(shape) >= 2 and shape[-1] == shape[-2] and self.dtype in GRAD_DTYPES:
            a = a + 8 * np.eye(shape[-1], dtype=a.dtype)
        # Note [Two dtype sets]: numpy has no bfloat16, Env.base converts these float32 values
        return a


class D:
    """A dtype, by name."""
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


class NP:
    """A numpy array, given to both libraries (copied per call)."""
    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array

    def __repr__(self):
        return f"np.array({self.array.tolist()!r}, {self.array.dtype})"


Call = collections.namedtuple("Call", "family kind target args kwargs compare")
# kind: fn (lib.target(*args)), method (args[0].target(*args[1:])), getitem, setitem, np (numpy.target(*args)),
#       builtin (builtins.target(args[0])), attr (args[0].target), backward (fn/method target, then .sum().backward() and the grads).
# compare: "values", "meta" (shape and dtype: random and uninitialised results), "none" (outcome only).


class Env:
    """One library's view of a description."""

    def __init__(self, lib):
        self.lib, self.leaves, self.tensors = lib, [], []

    def make(self, d):
        if isinstance(d, T):
            return self._tensor(d)
        if isinstance(d, D):
            return getattr(self.lib, d.name)
        if isinstance(d, NP):
            return d.array.copy()
        if isinstance(d, list):
            return [self.make(x) for x in d]
        if isinstance(d, tuple):
            return tuple(self.make(x) for x in d)
        if isinstance(d, dict):
            return {k: self.make(v) for k, v in d.items()}
        return d

    def base(self, d, shape):
        """A contiguous tensor of `d`'s values in `shape` (bfloat16: Note [Two dtype sets])."""
        t = self.lib.tensor(d.values(shape))
        return t.to(self.lib.bfloat16) if d.dtype == "bfloat16" else t

    def _tensor(self, d):
        shape = list(d.shape)
        if d.layout == "transposed" and len(shape) >= 2:
            base = self.base(d, shape[::-1])
            make_view = lambda b: b.permute(*range(len(shape) - 1, -1, -1))  # noqa: E731
        elif d.layout == "expanded" and shape and builtins.min(shape) > 0:
            small = [1 if i % 2 == 0 else s for i, s in enumerate(shape)]
            base = self.base(d, small)
            make_view = lambda b: b.expand(*shape)  # noqa: E731
        elif d.layout == "strided" and shape:
            big = shape[:-1] + [shape[-1] * 2]
            base = self.base(d, big)
            make_view = lambda b: b[..., ::2]  # noqa: E731
        elif d.layout == "offset" and shape:
            big = [shape[0] + 1] + shape[1:]
            base = self.base(d, big)
            make_view = lambda b: b[1:]  # noqa: E731
        else:
            base = self.base(d, shape)
            make_view = None
        if d.requires_grad:
            base.requires_grad_(True)
            self.leaves.append(base)
        t = base if make_view is None else make_view(base)
        self.tensors.append(t)
        return t


# ------------------------------------------------------------------ outcomes
def neutral(x, lib, depth=0):
    """A library-independent form of a result (Note [Neutral call descriptions])."""
    if depth > 4:
        return ("deep",)
    if isinstance(x, lib.Tensor):
        name = str(x.dtype).split(".")[-1]
        x = x.detach().resolve_conj().resolve_neg()
        if name == "bfloat16":  # Note [Two dtype sets]
            x = x.float()
        return ("tensor", name, tuple(x.shape), x.numpy().copy())
    if isinstance(x, np.ndarray):
        return ("ndarray", x.dtype.name, x.shape, x.copy())
    if isinstance(x, (np.generic,)):
        return ("npscalar", np.asarray(x).dtype.name, (), np.asarray(x))
    if isinstance(x, lib.dtype):
        return ("dtype", str(x).split(".")[-1])
    if isinstance(x, (tuple, list)):  # Size, namedtuples (max, sort, ...), lists
        return ("seq", tuple(neutral(v, lib, depth + 1) for v in x))
    if isinstance(x, (builtins.bool, int, float, complex, str)) or x is None:
        return ("py", type(x).__name__, x)
    return ("other", type(x).__name__)


def exc_name(e):
    """The builtin exception type a library exception counts as (Note [What counts as a failure])."""
    for cls in type(e).__mro__:
        if cls.__module__ == "builtins":
            return cls.__name__
    return type(e).__name__


def run(call, lib, libname):
    """Runs `call` under `lib`: ("ok", outcome) or ("raise", exception type, message)."""
    env = Env(lib)
    try:
        args = env.make(call.args)
        kwargs = env.make(call.kwargs)
    except Exception as e:  # a description the library cannot even build: report as the library's failure
        return ("raise", exc_name(e), f"building the arguments: {e}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ret = _invoke(call, lib, args, kwargs, env)
    except Exception as e:
        if isinstance(e, SystemError):
            return ("crash", "SystemError", str(e))
        return ("raise", exc_name(e), str(e)[:300])
    except BaseException as e:  # noqa: B036  (KeyboardInterrupt excepted)
        if isinstance(e, KeyboardInterrupt):
            raise
        return ("crash", type(e).__name__, str(e))
    try:
        out = [neutral(ret, lib)] if call.compare != "none" else []
        out += [neutral(t, lib) for t in env.tensors]
        if call.kind == "backward":
            out += [neutral(leaf.grad, lib) for leaf in env.leaves]
    except Exception as e:
        return ("raise", exc_name(e), f"reading the result: {e}")
    return ("ok", out)


def _invoke(call, lib, args, kwargs, env):
    k = call.kind
    if k in ("fn", "backward") and not isinstance(call.target, tuple):
        ret = _resolve(lib, call.target)(*args, **kwargs)
    elif k in ("method", "backward"):
        ret = getattr(args[0], call.target[1] if isinstance(call.target, tuple) else call.target)(*args[1:], **kwargs)
    elif k == "getitem":
        ret = args[0][args[1]]
    elif k == "setitem":
        args[0][args[1]] = args[2]
        ret = None
    elif k == "np":
        ret = getattr(np, call.target)(*args, **kwargs)
    elif k == "attr":
        ret = getattr(args[0], call.target)
    elif k == "builtin":
        ret = getattr(builtins, call.target)(*args)
    else:
        raise AssertionError(k)
    if k == "backward" and isinstance(ret, lib.Tensor) and ret.requires_grad:
        ret.sum().backward()
    return ret


def _resolve(lib, dotted):
    obj = lib
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _close(a, b, dtype, family, float32_inputs=False):
    if a.shape != b.shape:
        return False
    if a.size == 0:
        return True
    if dtype in GRAD_DTYPES:
        # A float64 out= of an op on float32 inputs holds a float32 computation (PyTorch computes in the
        # inputs' dtype, then casts): its rounding is float32's
        precise = dtype in ("float64", "complex128") and not float32_inputs
        rtol, atol = (1e-9, 1e-11) if precise else (1e-4, 1e-5)
        if dtype in HALFS:  # an 8-bit (bfloat16) or 11-bit (float16) mantissa; one rounding step apart is equal
            rtol, atol = (1e-2, 1e-3) if dtype == "float16" else (1.6e-2, 1e-2)
        if family in ("reduce", "matmul", "autograd") + LOOSE_WIDE_FAMILIES:
            rtol, atol = rtol * 10, atol * 10
        return np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
    return np.array_equal(a, b)


def same(x, y, meta_only, family, float32_inputs=False):
    if x[0] != y[0]:
        return False
    if x[0] in ("tensor", "ndarray", "npscalar"):
        if x[1] != y[1] or tuple(x[2]) != tuple(y[2]):
            return False
        return meta_only or _close(x[3], y[3], x[1], family, float32_inputs)
    if x[0] == "seq":
        return len(x[1]) == len(y[1]) and all(same(a, b, meta_only, family, float32_inputs)
                                              for a, b in zip(x[1], y[1]))
    if x[0] == "py":
        if x[1] != y[1]:
            return False
        if meta_only:
            return True
        if x[1] in ("float", "complex"):
            return (cmath.isnan(x[2]) and cmath.isnan(y[2])) or cmath.isclose(x[2], y[2], rel_tol=1e-5, abs_tol=1e-6)
        return x[2] == y[2]
    return x == y


# Note [What counts as a failure]: exception-type pairs (torch's, tensorcore's) accepted for an op, each with
# why. Keys: (target, torch exception, tensorcore exception); target "*" matches any op. Empty: the differences
# that are other issues' work are kept out of generation instead, each where it is left out:
#   - issue 10's dtypes (uint8 ... complex128): generated only with dtypes="all" (Note [Two dtype sets]); in
#     the classic run numpy ufuncs of bool tensors (whose PyTorch results are uint8/float16) get int64 tensors;
#   - ops tensorcore lacks (set_, <<, >>): counted in Gen.missing and reported, not run (adding
#     an op changes which calls a seed generates); unique(dim=...) is never generated;
#   - detach_ of a view that does not require grad (PyTorch refuses every view; tensorcore tracks only the
#     views autograd records): only contiguous tensors get detach_ unless they require grad;
#   - PyTorch's own quirks that are not part of the contract: median of a stride-0 input (reads garbage),
#     median of an empty integer tensor (NaN cast to an integer), kron of a permuted matrix (a failing view()),
#     mode of data with NaN (sorted with `<`: which value wins is unspecified), complex inf/NaN through a
#     matrix product (inf or NaN depends on the kernel's formula),
#     var_mean/std_mean of data with inf (Welford gives a NaN mean), topk's and kthvalue's indices among ties,
#     a number given as out= (wrapped into a throwaway tensor), NaN/inf in autograd inputs.
ALLOWED = {
}


def compare(call, rt, rc):
    """The category of a pair of outcomes (Note [What counts as a failure]); None when they agree."""
    if rc[0] == "crash":
        return "crash"
    if rt[0] == "raise" and rc[0] == "ok":
        return "tc_accepts"
    if rt[0] == "ok" and rc[0] == "raise":
        return "tc_rejects"
    if rt[0] == "raise":
        if rt[1] == rc[1]:
            return None
        tname = call.target if isinstance(call.target, str) else call.target[1]
        if (tname, rt[1], rc[1]) in ALLOWED or ("*", rt[1], rc[1]) in ALLOWED:
            return "allowed"
        return "exc_type"
    if rt[0] == "crash":  # torch itself died of it: nothing to compare
        return None
    meta = call.compare == "meta"
    t_out, c_out = rt[1], rc[1]
    if call.compare == "first" and t_out and c_out and t_out[0][0] == c_out[0][0] == "seq":
        t_out = [t_out[0][1][0]] + t_out[1:]  # (values, indices): the values only
        c_out = [c_out[0][1][0]] + c_out[1:]
    f32 = call.family == "out" and any(isinstance(a, T) and a.dtype == "float32" for a in call.args)
    if call.family in WIDE_FAMILIES:  # a float64 result of float32 (or half) inputs holds their roundings
        f32 = any(isinstance(a, T) and a.dtype in ("float32", "complex64") + HALFS
                  for a in list(call.args) + list(call.kwargs.values()))
    if len(t_out) != len(c_out) or not all(same(a, b, meta, call.family, f32) for a, b in zip(t_out, c_out)):
        return "value"
    return None


# ------------------------------------------------------------------ generators
class Gen:
    """Random well-formed and malformed calls over every op family."""

    def __init__(self, rng, tc, dtypes="classic"):
        self.r, self.tc = rng, tc
        self.missing = collections.Counter()
        self.all_dtypes = dtypes == "all"  # Note [Two dtype sets]
        if dtypes not in ("classic", "all"):
            raise ValueError(f"dtypes: 'classic' or 'all', not {dtypes!r}")

    # -- building blocks
    def shape(self, ndim=None, zero=0.08):
        r = self.r
        if ndim is None:
            ndim = r.choices([0, 1, 2, 3, 4], [2, 4, 5, 3, 1])[0]
        return [0 if r.random() < zero else r.randint(1, 4) for _ in range(ndim)]

    def dtype(self, floats=False):
        if floats:
            return self.r.choice(["float32", "float16" if self.all_dtypes else "float32", "float64"])
        if self.all_dtypes:
            return self.r.choices(ALL_DTYPES, ALL_WEIGHTS)[0]
        return self.r.choices(DTYPES, [5, 2, 3, 1, 1])[0]

    def tensor(self, shape=None, dtype=None, rg=None, layout=None):
        r = self.r
        shape = self.shape() if shape is None else shape
        dtype = self.dtype() if dtype is None else dtype
        if layout is None:
            layout = r.choices(["contiguous", "transposed", "expanded", "strided", "offset"], [6, 1, 1, 1, 1])[0]
        if rg is None:
            rg = dtype in GRAD_DTYPES and r.random() < 0.15
        return T(shape, dtype, layout, rg and dtype in GRAD_DTYPES, r.randrange(1 << 30), special=r.random() < 0.1)

    def dim(self, ndim):
        r = self.r
        if r.random() < 0.1:
            return self.bad_dim(ndim)
        n = builtins.max(ndim, 1)
        return r.randint(-n, n - 1)

    def bad_dim(self, ndim):
        return self.r.choice([ndim + 1, -ndim - 2, ndim, 1.0, "0", None, [0, 0], True])

    def bcast_shape(self, shape):
        r = self.r
        if r.random() < 0.1:  # a mismatch
            return [s + 1 for s in shape] or [2]
        out = [1 if r.random() < 0.3 else s for s in shape]
        if r.random() < 0.3:
            out = out[r.randint(0, len(out)):] if out else out
        if r.random() < 0.15:
            out = [r.randint(1, 2)] + out
        return out

    def scalar(self):
        return self.r.choice([0, 1, -2, 3, 2.5, -1.25, 0.0, True, False, float("nan"), float("inf"), 7, 2 ** 40])

    def junk(self):
        return self.r.choice([None, "x", [1, [2]], [[1], 2], (1, 2), 1.5, {"a": 1}, object, [], -1, 2 ** 65])

    def maybe(self, value, junk=0.07):
        return self.junk() if self.r.random() < junk else value

    def has(self, name, method=False):
        obj = self.tc.Tensor if method else self.tc
        return hasattr(obj, name)

    # -- families
    def factories(self):
        r = self.r
        op = r.choice(["tensor", "zeros", "ones", "empty", "full", "arange", "linspace", "eye", "zeros_like",
                       "ones_like", "full_like", "empty_like", "rand", "randn", "randint", "randn_like",
                       "rand_like", "as_tensor", "from_numpy", "tensor_nested", "logspace", "tril_indices"])
        kw = {}
        if r.random() < 0.4:
            kw["dtype"] = D(self.dtype())
        if op in ("tensor", "as_tensor"):
            data = r.choice([
                [1, 2, 3], [1.5, -2.0], [[1, 2], [3, 4]], [True, False], [2 ** 63], [-2 ** 63 - 1], [2 ** 62],
                [[1, 2], [3]], [1, "a"], [], [[]], 3, 2.5, True, [1, 2.5, True], [float("nan")],
                [float("inf"), 1], [None], (1, 2), [[1.0], [2.0, 3.0]], 2 ** 64, -3,
                NP(np.arange(6).astype(r.choice(["int64", "float32", "float64", "int32", "bool"])).reshape(2, 3)),
                [self.tensor([], r.choice(DTYPES), layout="contiguous", rg=False) for _ in range(2)],
                [self.tensor([2], r.choice(DTYPES), layout="contiguous", rg=False) for _ in range(2)]])
            return Call("factory", "fn", op, (data,), kw, "values")
        if op == "tensor_nested":
            return Call("factory", "fn", "tensor", ([[r.randint(-3, 3)] * r.randint(0, 3)] * r.randint(1, 3),),
                        kw, "values")
        if op == "from_numpy":
            arr = NP(np.arange(r.randint(0, 6)).astype(r.choice(["int64", "float32", "float64", "int32", "bool"])))
            return Call("factory", "fn", op, (r.choice([arr, arr, [1, 2], None]),), {}, "values")
        if op in ("zeros", "ones", "empty", "rand", "randn"):
            shape = self.shape()
            if r.random() < 0.1:
                shape = r.choice([[-1], [2, -3], [1.5], ["2"], [True], [2, None]])
            if op in ("rand", "randn") and r.random() < 0.5:
                kw["dtype"] = D(self.dtype(floats=r.random() < 0.8))
            args = tuple(shape) if r.random() < 0.5 else (shape,)
            if op == "zeros" and r.random() < 0.1:
                args = (5, True, 0)
            return Call("factory", "fn", op, args, kw, "values" if op in ("zeros", "ones") else "meta")
        if op == "full":
            return Call("factory", "fn", op, (self.maybe(self.shape()), self.maybe(self.scalar())), kw, "values")
        if op == "arange":
            args = r.choice([(5,), (1, 7), (0, 1, 0.25), (5, 0, -1), (0, 1, 1e-17), (0, 5, 0), (3.5,), (0, -3),
                             (float("nan"),), (0, float("inf")), (-2, 2, 0.5), (1, 10, 3), ("a",), (2 ** 70,)])
            return Call("factory", "fn", op, args, kw, "values")
        if op in ("linspace", "logspace"):
            args = (r.choice([0, -1.5, 2]), r.choice([1, 3.5, -2]), r.choice([0, 1, 5, -1, 2.5]))
            return Call("factory", "fn", op, args, kw, "values")
        if op == "eye":
            args = r.choice([(3,), (2, 4), (0,), (-1,), (2.5,), (3, -1)])
            return Call("factory", "fn", op, args, kw, "values")
        if op == "tril_indices":
            return Call("factory", "fn", op, (r.randint(-1, 4), r.randint(0, 4), r.randint(-2, 2)), {}, "values")
        if op == "randint":
            args = r.choice([(0, 5, (3,)), (5, (2, 2)), (3, 1, (2,)), (0, 5, 3), (0, 2 ** 40, (2,))])
            return Call("factory", "fn", op, args, kw, "meta")
        like = self.tensor()
        if op == "full_like":
            return Call("factory", "fn", op, (like, self.maybe(self.scalar())), kw, "values")
        if op in ("randn_like", "rand_like"):
            if r.random() < 0.7:
                kw["dtype"] = D(self.dtype())
            return Call("factory", "fn", op, (like,), kw, "meta")
        return Call("factory", "fn", op, (self.maybe(like),), kw, "meta" if op == "empty_like" else "values")

    def views(self):
        r = self.r
        x = self.tensor()
        nd, shape = len(x.shape), x.shape
        n = int(np.prod(shape)) if shape else 1
        op = r.choice(["view", "reshape", "transpose", "permute", "squeeze", "unsqueeze", "flatten", "narrow",
                       "select", "expand", "t", "movedim", "unflatten", "chunk", "split", "unbind", "as_strided",
                       "diagonal", "view_as", "reshape_as", "expand_as", "flip", "repeat", "view_dtype",
                       "contiguous", "swapdims", "tril", "triu", "roll", "clone", "detach", "T", "mT"])
        d = self.dim(nd)
        if op in ("view", "reshape"):
            new = r.choice([[n], [-1], [n, 1], [1, -1], [n + 1], [-1, -1], [2, -1], [0, -1], [n, 1.0], shape[::-1]])
            return Call("view", "method", op, (x, *new) if r.random() < 0.5 else (x, new), {}, "values")
        if op == "view_dtype":
            return Call("view", "method", "view", (x, D(r.choice([x.dtype, x.dtype, self.dtype()]))), {}, "values")
        if op in ("transpose", "swapdims", "movedim"):
            return Call("view", "method", op, (x, d, self.dim(nd)), {}, "values")
        if op == "permute":
            perm = list(range(nd))
            r.shuffle(perm)
            if r.random() < 0.15:
                perm = r.choice([perm + [0], perm[:-1], [0] * nd, [p + 1 for p in perm]])
            return Call("view", "method", op, (x, *perm), {}, "values")
        if op in ("squeeze", "flatten", "t", "contiguous", "clone", "detach"):
            args = () if op in ("t", "contiguous", "clone", "detach") or r.random() < 0.4 else (d,)
            return Call("view", "method", op, (x, *args), {}, "values")
        if op in ("T", "mT"):
            return Call("view", "attr", op, (x,), {}, "values")
        if op == "unsqueeze":
            return Call("view", "method", op, (x, r.randint(-nd - 2, nd + 1)), {}, "values")
        if op == "narrow":
            return Call("view", "method", op, (x, d, r.randint(-2, 3), r.randint(-1, 3)), {}, "values")
        if op == "select":
            return Call("view", "method", op, (x, d, r.randint(-4, 4)), {}, "values")
        if op in ("expand", "repeat"):
            new = [r.choice([s, -1, 1, 2, s + 1]) for s in shape]
            if r.random() < 0.3:
                new = [2] + new
            if op == "repeat":
                new = [abs(s) for s in new]
            return Call("view", "method", op, (x, *new), {}, "values")
        if op == "unflatten":
            return Call("view", "method", op, (x, d, r.choice([(1, -1), (-1, 1), (2, -1), (3, 5), (-1, -1)])), {},
                        "values")
        if op in ("chunk", "split"):
            return Call("view", "method", op, (x, r.randint(-1, 3), d), {}, "values")
        if op == "unbind":
            return Call("view", "method", op, (x, d), {}, "values")
        if op == "as_strided":
            size = [r.randint(0, 2) for _ in range(r.randint(0, 2))]
            stride = [r.randint(0, 2) for _ in size] if r.random() < 0.9 else [1]
            return Call("view", "method", op, (x, size, stride, r.randint(0, 1)), {}, "values")
        if op == "diagonal":
            return Call("view", "method", op, (x, r.randint(-2, 2), d, self.dim(nd)), {}, "values")
        if op in ("view_as", "reshape_as", "expand_as"):
            other = self.tensor(r.choice([shape, shape[::-1], [n], self.shape()]))
            return Call("view", "method", op, (x, self.maybe(other, 0.15)), {}, "values")
        if op == "flip":
            return Call("view", "method", op, (x, r.choice([[d], [d, d], (d,), [], d])), {}, "values")
        if op in ("tril", "triu"):
            return Call("view", "method", op, (x, r.randint(-2, 2)), {}, "values")
        if op == "roll":
            return Call("view", "method", op, (x, r.randint(-3, 3), d), {}, "values")
        raise AssertionError(op)

    def index_key(self, shape):
        r = self.r
        nd = len(shape)
        parts = []
        for i in range(r.randint(0, nd + 1)):
            s = shape[i] if i < nd else 1
            parts.append(r.choice([
                r.randint(-s - 1, s), slice(None), slice(r.randint(-3, 3), r.randint(-3, 4)),
                slice(None, None, r.choice([1, 2, 3, -1, 0])), None, Ellipsis,
                [r.randint(-s, s) for _ in range(r.randint(0, 3))] if s else [],
                self.tensor([r.randint(0, 3)], "int64", layout="contiguous", rg=False),
                self.tensor([s], "bool", layout="contiguous", rg=False), True, 1.5, "a"]))
        if r.random() < 0.15:
            return self.tensor(list(shape), "bool", layout="contiguous", rg=False)
        if len(parts) == 1 and r.random() < 0.5:
            return parts[0]
        return tuple(parts)

    def indexing(self):
        r = self.r
        x = self.tensor(rg=False)
        op = r.choice(["getitem", "getitem", "setitem", "setitem", "index_select", "gather", "masked_fill",
                       "masked_select", "take", "scatter_add", "index_put_"])
        key = self.index_key(x.shape)
        nd = len(x.shape)
        if op == "getitem":
            return Call("index", "getitem", "__getitem__", (self.tensor(x.shape, x.dtype, rg=r.random() < 0.2),
                                                            key), {}, "values")
        if op == "setitem":
            value = r.choice([self.scalar(), self.tensor(self.shape(r.randint(0, 2))), [1, 2], self.junk()])
            return Call("index", "setitem", "__setitem__", (x, key, value), {}, "none")
        idx = self.tensor([r.randint(0, 3)], r.choice(["int64", "int64", "int32", "float32"]), rg=False)
        if op in ("index_select", "gather", "scatter_add"):
            idx = NP(np.array(np.random.default_rng(r.randrange(9)).integers(-1, 3, r.randint(0, 3))))
            idx = self.tensor(r.choice([[len(idx.array)], x.shape]), "int64", rg=False) if r.random() < 0.8 else idx
            if op == "scatter_add":
                return Call("index", "method", op, (x, self.dim(nd), idx, self.tensor(idx.shape if isinstance(
                    idx, T) else [2], x.dtype)), {}, "values")
            return Call("index", "method", op, (x, self.dim(nd), idx), {}, "values")
        if op in ("masked_fill", "masked_select"):
            mask = self.tensor(self.bcast_shape(x.shape), r.choice(["bool", "bool", "int64"]), rg=False)
            args = (x, mask, self.scalar()) if op == "masked_fill" else (x, mask)
            return Call("index", "method", op, args, {}, "values")
        if op == "take":
            return Call("index", "method", op, (x, idx), {}, "values")
        vals = self.tensor([1], x.dtype, rg=False)
        return Call("index", "method", op, (x, (idx,), vals), {"accumulate": r.random() < 0.5}, "values")

    BINARY = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge",
              "atan2", "remainder", "fmod", "floor_divide", "logical_and", "logical_or", "logical_xor",
              "bitwise_and", "bitwise_or", "bitwise_xor", "hypot", "copysign", "xlogy", "fmax", "fmin",
              "true_divide", "float_power", "bitwise_left_shift", "ldexp", "nextafter", "heaviside", "isclose"]
    UNARY = ["exp", "log", "sqrt", "abs", "neg", "sin", "cos", "tanh", "sigmoid", "floor", "ceil", "round",
             "trunc", "sign", "reciprocal", "rsqrt", "logical_not", "bitwise_not", "expm1", "log1p", "erf", "frac",
             "square", "relu", "exp2", "log2", "log10", "isnan", "isinf", "isfinite", "signbit", "sinh", "asin",
             "atan", "erfinv", "lgamma", "digamma", "positive", "nan_to_num", "sgn", "fix", "deg2rad", "logit"]
    OPERATORS = ["__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__truediv__", "__rtruediv__",
                 "__floordiv__", "__mod__", "__pow__", "__rpow__", "__and__", "__or__", "__xor__", "__lshift__",
                 "__rshift__", "__eq__", "__lt__", "__ge__", "__neg__", "__invert__", "__abs__"]

    def elementwise(self):
        r = self.r
        kind = r.choice(["binary", "binary", "unary", "operator", "where", "clamp", "lerp", "addcmul"])
        x = self.tensor()
        if kind == "binary":
            op = r.choice([o for o in self.BINARY if self.has(o)])
            other = r.choice([self.tensor(self.bcast_shape(x.shape)), self.scalar(),
                              self.tensor(self.bcast_shape(x.shape), x.dtype), self.junk()])
            args = (x, other)
            if r.random() < 0.1:  # scalar first
                args = (self.scalar(), x)
            kw = {"alpha": r.choice([2, 0.5, True])} if op in ("add", "sub") and r.random() < 0.2 else {}
            if op == "div" and r.random() < 0.2:
                kw = {"rounding_mode": r.choice(["floor", "trunc", None, "bad"])}
            method = r.random() < 0.3 and not isinstance(args[0], (int, float))
            return Call("elementwise", "method" if method else "fn", op, args, kw, "values")
        if kind == "unary":
            op = r.choice([o for o in self.UNARY if self.has(o)])
            return Call("elementwise", "fn", op, (self.maybe(x),), {}, "values")
        if kind == "operator":
            op = r.choice(self.OPERATORS)
            args = (x,) if op in ("__neg__", "__invert__", "__abs__") else (
                x, r.choice([self.tensor(self.bcast_shape(x.shape)), self.scalar(), self.junk()]))
            return Call("elementwise", "method", op, args, {}, "values")
        if kind == "where":
            cond = self.tensor(self.bcast_shape(x.shape), r.choice(["bool", "bool", "int64"]), rg=False)
            return Call("elementwise", "fn", "where", (cond, x, r.choice([self.scalar(), self.tensor(
                self.bcast_shape(x.shape))])), {}, "values")
        if kind == "clamp":
            lo = r.choice([None, -1, 0.5, self.tensor(self.bcast_shape(x.shape))])
            hi = r.choice([None, 1, 2.5, self.tensor(self.bcast_shape(x.shape))])
            return Call("elementwise", "fn", "clamp", (x, lo, hi), {}, "values")
        if kind == "lerp":
            return Call("elementwise", "fn", "lerp", (x, self.tensor(self.bcast_shape(x.shape)),
                                                      r.choice([0.5, self.tensor(x.shape), 2])), {}, "values")
        return Call("elementwise", "fn", "addcmul", (x, self.tensor(self.bcast_shape(x.shape)),
                                                     self.tensor(self.bcast_shape(x.shape))),
                    {"value": r.choice([1, 0.5, 2])}, "values")

    REDUCE = ["sum", "mean", "prod", "amax", "amin", "max", "min", "argmax", "argmin", "std", "var", "all", "any",
              "logsumexp", "cumsum", "cumprod", "softmax", "log_softmax", "norm", "sort", "argsort", "topk",
              "count_nonzero", "nansum", "median", "aminmax", "cummax", "logcumsumexp", "kthvalue", "mode",
              "std_mean", "var_mean", "nanmean", "msort", "unique"]

    def reductions(self):
        r = self.r
        x = self.tensor()
        nd = len(x.shape)
        op = r.choice([o for o in self.REDUCE if self.has(o)])
        if op == "median" and x.layout == "expanded":  # PyTorch reads garbage for a stride-0 input (its bug)
            x.layout = "contiguous"
        if op in ("var_mean", "std_mean"):  # PyTorch's Welford mean of data with an inf is NaN (its quirk)
            x.special = False
        if op == "mode":  # PyTorch's mode sorts with `<`, so where NaNs land (and which value wins) is unspecified
            x.special = False
        if op == "median" and 0 in x.shape and x.dtype not in GRAD_DTYPES:
            x.dtype = "float64"  # PyTorch's median of no integers is NaN cast to the dtype: garbage (INT_MIN)
        needs_dim = op in ("logsumexp", "cumsum", "cumprod", "softmax", "log_softmax", "cummax",
                           "logcumsumexp")
        kw = {}
        args = (x,)
        if op == "topk":
            args = (x, r.randint(-1, 3))
            if r.random() < 0.7:
                kw["dim"] = self.dim(nd)
        elif op == "kthvalue":
            args = (x, r.randint(0, 3), self.dim(nd))
        elif op == "unique":  # unique(dim=...) is a missing feature (NotImplementedError): never generated
            kw["sorted"] = r.choice([True, True, 1])
        elif needs_dim or r.random() < 0.6:
            dim = self.dim(nd)
            if op in ("sum", "mean", "amax", "amin", "std", "var", "logsumexp", "nansum", "count_nonzero") \
                    and r.random() < 0.3:
                dim = r.choice([(dim,), (0, -1), (), [dim, dim], (0, 1)])
            if r.random() < 0.5 or op in ("kthvalue",):
                args = (x, dim)
            else:
                kw["dim"] = dim
            if r.random() < 0.3 and op not in ("cumsum", "cumprod", "softmax", "log_softmax", "sort", "argsort",
                                               "cummax", "logcumsumexp", "count_nonzero", "msort", "unique"):
                kw["keepdim"] = r.choice([True, False, 1])
        if op in ("sum", "mean", "prod", "cumsum", "softmax", "log_softmax", "nansum") and r.random() < 0.2:
            kw["dtype"] = D(self.dtype())
        if op in ("std", "var") and r.random() < 0.3:
            kw["correction"] = r.choice([0, 1, 2, 0.5])
        method = r.random() < 0.5 and op not in ("std_mean", "var_mean")
        # topk's and kthvalue's index among equal values is unspecified (PyTorch's docs; its kthvalue is a
        # quickselect): their values are compared, not indices
        return Call("reduce", "method" if method else "fn", op, args, kw,
                    "first" if op in ("topk", "kthvalue") else "values")

    def matmul(self):
        call = self._matmul_call()
        for t in call.args:  # complex inf/NaN through a GEMM: whether inf or NaN comes out is the kernel's own
            if isinstance(t, T) and t.dtype in COMPLEX:
                t.special = False
        return call

    def _matmul_call(self):
        r = self.r
        op = r.choice(["matmul", "mm", "bmm", "mv", "dot", "outer", "addmm", "__matmul__", "baddbmm", "inner",
                       "tensordot", "kron", "vdot", "einsum", "addmv", "cross"])
        dt = r.choice(["float32", "complex64" if self.all_dtypes else "float32", "float64", "int64"])
        a_, b_, c_ = r.randint(0, 3), r.randint(1, 3), r.randint(1, 3)
        shapes = {"mm": ([a_, b_], [b_, c_]), "bmm": ([2, a_, b_], [2, b_, c_]), "mv": ([a_, b_], [b_]),
                  "dot": ([b_], [b_]), "vdot": ([b_], [b_]), "outer": ([a_], [c_]), "inner": ([a_, b_], [c_, b_]),
                  "kron": ([a_, b_], [c_]), "cross": ([b_, 3], [b_, 3])}
        sa, sb = shapes.get(op, (self.shape(r.randint(1, 3)), self.shape(r.randint(1, 3))))
        if op in ("matmul", "__matmul__") and r.random() < 0.6:
            sb = [sa[-1]] + self.shape(r.randint(0, 1))
        if r.random() < 0.15:  # shape mismatch
            sb = [s + 1 for s in sb]
        a = self.tensor(sa, dt)
        b = self.tensor(sb, dt if r.random() < 0.85 else self.dtype())
        if op == "addmm":
            return Call("matmul", "fn", op, (self.tensor(self.bcast_shape([a_, c_]), dt), self.tensor([a_, b_], dt),
                                             b), {"beta": r.choice([1, 0.5]), "alpha": 2}, "values")
        if op == "baddbmm":
            return Call("matmul", "fn", op, (self.tensor([2, a_, c_], dt), self.tensor([2, a_, b_], dt),
                                             self.tensor([2, b_, c_], dt)), {}, "values")
        if op == "addmv":
            return Call("matmul", "fn", op, (self.tensor([a_], dt), self.tensor([a_, b_], dt),
                                             self.tensor([b_], dt)), {}, "values")
        if op == "tensordot":
            return Call("matmul", "fn", op, (a, b), {"dims": r.choice([0, 1, ([0], [0])])}, "values")
        if op == "einsum":
            return Call("matmul", "fn", op, (r.choice(["ij,jk->ik", "ij->ji", "i,i->", "ii->i", "ij,jk"]),
                                             self.tensor([a_, b_], dt), self.tensor([b_, c_], dt)), {}, "values")
        if op == "__matmul__":
            return Call("matmul", "method", op, (a, r.choice([b, b, [1, 2], 2])), {}, "values")
        if op == "kron":  # PyTorch's kron of a permuted matrix calls view() and fails (its bug, not the contract)
            a.layout = b.layout = "contiguous"
        return Call("matmul", "fn", op, (a, self.maybe(b)), {}, "values")

    def join(self):
        r = self.r
        op = r.choice(["cat", "stack", "hstack", "vstack", "cat", "stack", "concat", "dstack", "column_stack"])
        shape = self.shape(r.randint(0, 3))
        dt = self.dtype()
        ts = []
        for _ in range(r.randint(0, 3)):
            s = list(shape)
            if r.random() < 0.2 and s:
                s[r.randrange(len(s))] += 1
            ts.append(self.tensor(s, dt if r.random() < 0.8 else self.dtype()))
        seq = r.choice([ts, ts, tuple(ts), self.junk()]) if r.random() < 0.1 else ts
        kw = {}
        if op in ("cat", "stack", "concat") and r.random() < 0.6:
            kw["dim"] = self.dim(len(shape) + (op == "stack"))
        return Call("join", "fn", op, (seq,), kw, "values")

    def inplace(self):
        r = self.r
        x = self.tensor(rg=r.random() < 0.3)
        nd = len(x.shape)
        op = r.choice(["add_", "mul_", "sub_", "div_", "clamp_", "fill_", "zero_", "copy_", "transpose_", "t_",
                       "squeeze_", "unsqueeze_", "masked_fill_", "exp_", "neg_", "abs_", "pow_", "as_strided_",
                       "swapdims_", "swapaxes_", "floor_", "sqrt_", "requires_grad_", "resize_", "index_fill_",
                       "bitwise_and_", "logical_not_", "lerp_", "clamp_min_", "uniform_", "normal_",
                       "random_", "bernoulli_", "set_", "detach_", "fmod_", "remainder_", "round_"])
        if op in ("add_", "mul_", "sub_", "div_", "pow_", "bitwise_and_", "fmod_", "remainder_"):
            args = (x, r.choice([self.tensor(self.bcast_shape(x.shape)), self.scalar(), self.junk()]))
        elif op in ("transpose_", "swapdims_", "swapaxes_"):
            args = (x, self.dim(nd), self.dim(nd))
        elif op in ("squeeze_",):
            args = (x,) if r.random() < 0.5 else (x, self.dim(nd))
        elif op == "unsqueeze_":
            args = (x, r.randint(-nd - 2, nd + 1))
        elif op == "as_strided_":
            args = (x, [1], [1])
        elif op == "clamp_":
            args = (x, r.choice([-1, 0.5, None]), r.choice([1, None, 2]))
        elif op in ("fill_", "clamp_min_"):
            args = (x, r.choice([self.scalar(), self.tensor([], rg=False), self.tensor([2], rg=False)]))
        elif op == "copy_":
            args = (x, r.choice([self.tensor(self.bcast_shape(x.shape)), self.junk()]))
        elif op == "masked_fill_":
            args = (x, self.tensor(self.bcast_shape(x.shape), "bool", rg=False), self.scalar())
        elif op == "requires_grad_":
            args = (x, r.choice([True, False]))
        elif op == "resize_":  # growing leaves new elements uninitialised: shapes and dtypes only
            return Call("inplace", "method", op, (x, r.choice([[2, 2], [0], [int(np.prod(x.shape))], [-1]])), {},
                        "meta")
        elif op == "index_fill_":
            args = (x, self.dim(nd), self.tensor([1], "int64", rg=False), self.scalar())
        elif op == "lerp_":
            args = (x, self.tensor(self.bcast_shape(x.shape)), 0.5)
        elif op == "detach_":
            # PyTorch refuses detach_ on any view; tensorcore tracks only the views autograd
            # records, so views that do not require grad are left out (see the report in the docstring).
            x.layout = "contiguous" if not x.requires_grad else x.layout
            args = (x,)
        elif op in ("uniform_", "normal_", "random_", "bernoulli_"):
            return Call("inplace", "method", op, (x,), {}, "meta")
        elif op == "set_":
            args = (x, self.tensor(self.shape()))
        else:
            args = (x,)
        return Call("inplace", "method", op, args, {}, "values")

    OUT_OPS = ["add", "mul", "sub", "div", "cat", "stack", "sum", "matmul", "mm", "exp", "abs", "neg", "maximum",
               "eq", "lt", "where", "clamp", "arange", "zeros", "ones", "pow", "floor", "sqrt", "mean", "prod",
               "amax", "cumsum", "sort", "max", "bmm", "logical_not", "sign", "full", "linspace", "index_select"]

    def out(self):
        r = self.r
        op = r.choice([o for o in self.OUT_OPS if self.has(o)])
        dt = self.dtype()
        x = self.tensor(dtype=dt, rg=False)
        y = self.tensor(self.bcast_shape(x.shape), rg=False)
        out_shape = r.choice([list(x.shape), list(x.shape), [0], [1], self.shape()])
        out = self.tensor(out_shape, self.dtype(), layout=r.choice(["contiguous", "contiguous", "transposed",
                                                                     "strided"]), rg=r.random() < 0.05)
        if r.random() < 0.05:
            # not a number: PyTorch's parser wraps a number given as out= into a throwaway tensor (and returns it)
            out = r.choice(["x", {"a": 1}, object, [[]]])
        if op in ("sort", "max"):
            out = (out, self.tensor(out_shape, r.choice(["int64", "int64", "int32"]), rg=False))
            return Call("out", "fn", op, (x, self.dim(len(x.shape))), {"out": out}, "values")
        if op in ("cat", "stack"):
            args = ([x, self.tensor(x.shape, self.dtype(), rg=False)],)
        elif op in ("sum", "mean", "prod", "amax", "cumsum"):
            args = (x, self.dim(len(x.shape)))
        elif op in ("matmul", "mm", "bmm"):
            args = (self.tensor([2, 3], dt, rg=False), self.tensor([3, 2], dt, rg=False))
        elif op in ("exp", "abs", "neg", "floor", "sqrt", "logical_not", "sign"):
            args = (x,)
        elif op == "where":
            args = (self.tensor(x.shape, "bool", rg=False), x, y)
        elif op == "clamp":
            args = (x, -1, 1)
        elif op in ("arange", "linspace"):
            args = (0, 3, 3) if op == "linspace" else (0, r.choice([3, 2.5]))
        elif op in ("zeros", "ones"):
            args = ([2, 2],)
        elif op == "full":
            args = ([2], r.choice([1, 2.5, True]))
        elif op == "index_select":
            args = (x, 0, self.tensor([1], "int64", rg=False))
        else:
            args = (x, r.choice([y, self.scalar()]))
        kw = {"out": out}
        if op in ("zeros", "ones", "arange", "full") and r.random() < 0.3:
            kw["dtype"] = D(self.dtype())
        return Call("out", "fn", op, args, kw, "values")

    def numpy(self):
        r = self.r
        op = r.choice(["np_ufunc", "np_array", "tensor_np_binary", "as_tensor", "np_operand", "numpy_method"])
        x = self.tensor(rg=r.random() < 0.3)
        if x.dtype == "bfloat16":  # tensorcore's numpy() gives ml_dtypes' bfloat16 by design (PyTorch: TypeError)
            x.dtype = "float16"
        arr = NP(np.arange(int(np.prod(x.shape)) if x.shape else 1).reshape(x.shape or ()).astype(
            r.choice(["int64", "float32", "float64", "int32", "bool"])))
        if op == "np_ufunc":
            if x.dtype == "bool" and not self.all_dtypes:  # ufuncs of bools give uint8/float16 tensors in PyTorch
                x.dtype = "int64"
            return Call("numpy", "np", r.choice(["multiply", "add", "sum", "mean", "exp", "abs"]),
                        (x,) if r.random() < 0.5 else (x, -1), {}, "values")
        if op == "np_array":
            return Call("numpy", "np", r.choice(["asarray", "array"]), (x,), {}, "values")
        if op == "numpy_method":
            return Call("numpy", "method", "numpy", (x,), {}, "values")
        if op == "as_tensor":
            return Call("numpy", "fn", r.choice(["as_tensor", "tensor", "from_numpy"]), (arr,), {}, "values")
        if op == "np_operand":
            return Call("numpy", "method", r.choice(["__add__", "__mul__", "__eq__", "__lt__"]), (x, arr), {},
                        "values")
        return Call("numpy", "fn", r.choice(["add", "mul", "maximum"]), (x, arr), {}, "values")

    def conversions(self):
        r = self.r
        shape = r.choice([[], [], [1], [2], [1, 1]])
        x = self.tensor(shape, rg=r.random() < 0.2)
        x.special = r.random() < 0.4
        op = r.choice(["int", "float", "bool", "index", "item", "tolist", "long", "to", "len", "type_as", "int_",
                       "double", "bool_method", "range"])
        if op in ("int", "float", "bool", "len"):
            return Call("convert", "builtin", op, (x,), {}, "values")
        if op == "index":
            return Call("convert", "method", "__index__", (x,), {}, "values")
        if op == "range":
            return Call("convert", "builtin", "range", (x,), {}, "none")
        if op == "int_":
            return Call("convert", "method", "int", (x,), {}, "values")
        if op == "bool_method":
            return Call("convert", "method", "bool", (x,), {}, "values")
        if op == "to":
            return Call("convert", "method", "to", (x, D(self.dtype())), {}, "values")
        if op == "type_as":
            return Call("convert", "method", op, (x, self.maybe(self.tensor([1]))), {}, "values")
        return Call("convert", "method", op, (x,), {}, "values")

    AUTOGRAD_OPS = ["exp", "sin", "tanh", "sigmoid", "mul", "div", "sum", "mean", "amax", "max", "pow", "abs",
                    "matmul", "softmax", "logsumexp", "cumsum", "norm", "where", "__getitem__", "reshape",
                    "transpose", "expand", "cat", "clamp", "sqrt", "log", "var", "prod", "gather", "sort",
                    "index_select", "maximum", "atan2"]

    def autograd(self):
        r = self.r
        op = r.choice([o for o in self.AUTOGRAD_OPS if self.has(o) or o.startswith("__")])
        # no NaN/inf here: which gradient formula PyTorch picks around a NaN (prod's) is not part of the contract
        x = self.tensor(self.shape(r.randint(1, 3), zero=0.03), "float64", rg=True)
        x.special = False
        nd = len(x.shape)
        y = self.tensor(self.bcast_shape(x.shape), "float64", rg=r.random() < 0.7)
        y.special = False
        if op in ("mul", "div", "pow", "maximum", "atan2"):
            args = (x, r.choice([y, y, 2, 0.5]))
        elif op in ("sum", "mean", "amax", "max", "softmax", "logsumexp", "cumsum", "var", "prod"):
            args = (x, self.dim(nd)) if op in ("softmax", "logsumexp", "cumsum") or r.random() < 0.5 else (x,)
        elif op == "matmul":
            args = (x, self.tensor([x.shape[-1]] + ([2] if r.random() < 0.5 else []), "float64", rg=True))
        elif op == "norm":
            args = (x,)
        elif op == "where":
            args = (self.tensor(x.shape, "bool", rg=False), x, y)
        elif op == "__getitem__":
            return Call("autograd", "backward", ("m", "__getitem__"), (x, self.index_key(x.shape)), {}, "values")
        elif op == "reshape":
            args = (x, [-1])
        elif op == "transpose":
            args = (x, 0, -1)
        elif op == "expand":
            return Call("autograd", "backward", ("m", "expand"), (x, 2, *x.shape), {}, "values")
        elif op == "cat":
            args = ([x, self.tensor(x.shape, "float64", rg=True)],)
        elif op == "clamp":
            args = (x, -0.5, 0.5)
        elif op in ("gather", "index_select"):
            args = (x, 0, self.tensor([1] * nd if op == "gather" else [1], "int64", rg=False))
        elif op == "sort":
            return Call("autograd", "backward", ("m", "sort"), (x,), {}, "none")
        else:
            args = (x,)
        return Call("autograd", "backward", op, args, {}, "values")

    FAMILIES = ["factories", "views", "indexing", "elementwise", "reductions", "matmul", "join", "inplace", "out",
                "numpy", "conversions", "autograd"]
    WEIGHTS = [3, 4, 4, 6, 5, 2, 2, 4, 3, 1, 2, 3]

    def call(self):
        """A call of an op tensorcore has (the others are counted in `self.missing`, not run)."""
        while True:
            c = getattr(self, self.r.choices(self.FAMILIES, self.WEIGHTS)[0])()
            name = c.target if isinstance(c.target, str) else c.target[1]
            if c.kind in ("fn",) or (c.kind == "backward" and isinstance(c.target, str)):
                ok = all(hasattr(self.tc, p) for p in name.split("."))
            elif c.kind in ("method", "attr") or c.kind == "backward":
                ok = hasattr(self.tc.Tensor, name)
            else:
                ok = True
            if ok:
                return c
            self.missing[name] += 1


# ------------------------------------------------------------------------- run
class Report:
    def __init__(self):
        self.counts = collections.Counter()
        self.families = collections.Counter()
        self.examples = collections.defaultdict(list)
        self.both_reject = self.both_reject_same = 0

    def add(self, category, call, rt, rc):
        self.families[call.family] += 1
        if rt[0] == "raise" and rc[0] == "raise":
            self.both_reject += 1
            self.both_reject_same += rt[1] == rc[1] or category == "allowed"
        self.counts[category or "agree"] += 1
        if category and category != "agree" and len(self.examples[category]) < 400:
            self.examples[category].append((call, rt, rc))

    def failures(self):
        return {k: v for k, v in self.examples.items() if k not in ("allowed",)}

    def summary(self):
        pct = 100.0 * self.both_reject_same / self.both_reject if self.both_reject else 100.0
        lines = [f"calls: {sum(self.counts.values())}  " + "  ".join(f"{k}: {v}" for k, v in sorted(
            self.counts.items())), f"exception types equal among calls both reject: {self.both_reject_same}/"
                                   f"{self.both_reject} = {pct:.2f}%"]
        return "\n".join(lines)


def _brief(o):
    if o[0] in ("tensor", "ndarray", "npscalar"):
        return f"{o[0]}({o[1]}, {list(o[2])}, {np.array2string(np.asarray(o[3]).ravel()[:6], precision=4)})"
    if o[0] == "seq":
        return "(" + ", ".join(_brief(x) for x in o[1][:4]) + ")"
    return repr(o)[:80]


def describe(call, rt, rc):
    tgt = call.target if isinstance(call.target, str) else call.target[1]

    def fmt(o):
        if o[0] in ("raise", "crash"):
            return f"{o[1]}: {o[2][:160]}"
        return "ok " + "; ".join(_brief(x) for x in o[1])[:300]
    return (f"[{call.family}] {call.kind} {tgt}{call.args!r} {call.kwargs!r}\n"
            f"    torch: {fmt(rt)}\n    tc:    {fmt(rc)}")


def fuzz(calls, seed, torch=None, tc=None, report=None, trace=False, dtypes="classic", ops="classic", skip=0):
    """`ops="wide"` also generates the wide families (Note [Wide ops] in differential_fuzz_wide.py); the
    classic default keeps every seed's sequence."""
    if torch is None:
        import torch
    if tc is None:
        import tensorcore as tc
    report = report or Report()
    if ops == "wide":
        from differential_fuzz_wide import WideGen
        gen = report.gen = WideGen(random.Random(seed), tc, dtypes)
    elif ops == "classic":
        gen = report.gen = Gen(random.Random(seed), tc, dtypes)
    else:
        raise ValueError(f"ops: 'classic' or 'wide', not {ops!r}")
    for i in range(calls):
        call = gen.call()
        if i < skip:
            continue
        if trace:  # a crash kills the process: the last line printed names the call
            print(i, call, file=sys.stderr, flush=True)
        torch.manual_seed(i)
        tc.manual_seed(i)
        rt = run(call, torch, "torch")
        rc = run(call, tc, "tensorcore")
        report.add(compare(call, rt, rc), call, rt, rc)
        if i % 500 == 499:
            gc.collect()
    return report


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=5, help="examples shown per category")
    ap.add_argument("--family", default=None, help="generate only this family")
    ap.add_argument("--dtypes", choices=("classic", "all"), default="classic",
                    help="classic: bool/int32/int64/float32/float64; all: also issue 10's (Note [Two dtype sets])")
    ap.add_argument("--ops", choices=("classic", "wide"), default="classic",
                    help="wide: also nn.functional, linalg, fft, special and more tensor ops (Note [Wide ops])")
    ap.add_argument("--skip", type=int, default=0, help="generate but do not run the first N calls (replay)")
    ap.add_argument("--trace", action="store_true", help="print each call to stderr before running it")
    a = ap.parse_args(argv)
    import torch

    import tensorcore as tc
    torch.set_num_threads(1)
    tc.set_num_threads(1)
    if a.family:
        from differential_fuzz_wide import WideGen
        WideGen.FAMILIES, WideGen.WEIGHTS = [a.family], [1]
        Gen.FAMILIES, Gen.WEIGHTS = [a.family], [1]
    rep = fuzz(a.calls, a.seed, torch, tc, trace=a.trace, dtypes=a.dtypes, ops=a.ops, skip=a.skip)
    print(rep.summary())
    print("not generated, tensorcore has no such op:", dict(rep.gen.missing.most_common()))
    for cat, exs in sorted(rep.examples.items()):
        print(f"== {cat} ({rep.counts[cat]})")
        for ex in exs[:a.show]:
            print(describe(*ex))
    return 1 if rep.failures() else 0


if __name__ == "__main__":
    # run as the module `differential_fuzz`, so the wide generator's descriptions (T, D, NP) are this module's
    import differential_fuzz
    sys.exit(differential_fuzz.main())
