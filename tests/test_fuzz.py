"""Malformed calls must raise Python exceptions, never crash or abort.

Thousands of random calls (random Tensor methods and module functions x junk
arguments) run in-process -- the sanitizer CI run relies on that to find
memory errors. Only `Exception` subclasses may escape a call."""
import random
import warnings

import numpy as np
import pytest

import tensorcore as tc

# Module functions that change global state or are meant to run forever.
SKIP = {
    "set_default_dtype", "manual_seed", "seed", "set_rng_state", "set_num_threads", "set_grad_enabled",
    "set_printoptions", "empty_cache", "apply_", "register_hook", "backward", "load", "save", "printoptions",
    "Generator", "inference_mode", "no_grad", "enable_grad", "einsum_not_supported", "cdist_not_supported",
    "_set_num_threads", "Variable", "cuda",
}


def _tensor_methods():
    names = []
    for n in dir(tc.Tensor):
        if n in SKIP or (n.startswith("__") and n not in DUNDERS) or (n.startswith("_") and not n.startswith("__")):
            continue
        if callable(getattr(tc.Tensor, n, None)):
            names.append(n)
    return sorted(names)


DUNDERS = {"__getitem__", "__setitem__", "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
           "__truediv__", "__rtruediv__", "__floordiv__", "__mod__", "__pow__", "__rpow__", "__matmul__",
           "__rmatmul__", "__and__", "__or__", "__xor__", "__invert__", "__neg__", "__abs__", "__eq__", "__lt__",
           "__ge__", "__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__", "__imod__", "__ipow__",
           "__iand__", "__ior__", "__ixor__", "__bool__", "__float__", "__int__", "__index__", "__len__",
           "__iter__", "__contains__", "__array__", "__dlpack__", "__format__", "__repr__", "__deepcopy__",
           "__reduce_ex__", "__reversed__"}


def _module_functions():
    out = []
    names = set(tc._functions.__all__) | set(getattr(getattr(tc, "_composites", None), "_FUNCTIONS", {}))
    for n in sorted(names):
        f = getattr(tc, n, None)
        if n in SKIP or not callable(f) or isinstance(f, type):
            continue
        out.append(n)
    return out


def junk_values():
    """Fresh junk arguments (tensors are recreated: calls may mutate them)."""
    t = tc.arange(6.0).reshape(2, 3)
    return [
        None, "x", "", b"b", 2 ** 70, -(2 ** 70), 2 ** 62, -(2 ** 62), -1, 0, 1, 2, 3, -3, 7, 1.5, -0.5,
        float("nan"), float("inf"), -float("inf"), True, False, [], [[]], [1, [2]], [1, 2, 3], [[1, 2], [3, 4]],
        (2, 3), (-1,), (3, -2), (2 ** 40, 2 ** 40), (0,), [0.5, "a"], {"a": 1}, {1, 2}, object(), Ellipsis,
        slice(None, None, 2), slice(5, 1), slice(None, None, -1), tc.float32, tc.int64, tc.bool, tc.float64,
        np.float64(2.5), np.int32(-4), np.array([1, 2]), np.zeros((2, 0)), np.array(["s"]), np.arange(6.0)[::2],
        t, t.t(), t[:, ::2], t[0], t[0, 0], tc.zeros(0), tc.zeros(0, 3), tc.zeros(3, 0, 2), tc.tensor(5),
        tc.tensor(2.5), tc.tensor([True, False]), tc.tensor([1, 2, 3]), tc.tensor([[1, 0], [2, 9]]),
        tc.tensor([-1, 100]), tc.tensor([[True, False, True], [False, False, True]]),
        tc.ones(2, 3, dtype=tc.float64), tc.ones(2, 3, dtype=tc.int32), tc.full((2, 3), float("nan")),
        tc.ones(3, requires_grad=True), tc.ones(2, 3, requires_grad=True) * 2, tc.ones(1, 1, 1, 1, 1, 1, 1, 1),
        tc.ones(1).expand(5), tc.tensor([2 ** 62, -(2 ** 62)]), tc.tensor([1e38, -1e38]),
        tc.arange(24).reshape(2, 3, 4), tc.eye(3).diagonal(), lambda *a: None, print,
    ]


def _call(fn, args, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            r = fn(*args, **kwargs)
            if isinstance(r, tc.Tensor):  # touch the result: printing walks every element
                if r.numel() < 10_000:
                    repr(r)
            return None
        except Exception as e:  # noqa: BLE001 - every Exception subclass is an acceptable outcome
            return e


KWARG_NAMES = ["dim", "keepdim", "dtype", "out", "alpha", "min", "max", "k", "descending", "p", "correction",
               "unbiased", "requires_grad", "device", "bogus"]


def run_fuzz(n_calls, seed):
    rng = random.Random(seed)
    methods = _tensor_methods()
    functions = _module_functions()
    errors = 0
    for i in range(n_calls):
        junk = junk_values()
        nargs = rng.choice([0, 1, 1, 2, 2, 3, 4])
        args = [rng.choice(junk) for _ in range(nargs)]
        kwargs = {}
        if rng.random() < 0.25:
            kwargs[rng.choice(KWARG_NAMES)] = rng.choice(junk)
        if rng.random() < 0.6:
            self_ = rng.choice([v for v in junk if isinstance(v, tc.Tensor)])
            name = rng.choice(methods)
            fn = getattr(self_, name)
        else:
            name = rng.choice(functions)
            fn = getattr(tc, name)
        if _call(fn, args, kwargs) is not None:
            errors += 1
    tc.set_grad_enabled(True)
    return errors


def test_fuzz_methods_and_functions_never_crash():
    errors = run_fuzz(10_000, seed=1234)
    assert errors > 3000  # most junk calls must be rejected...
    # ...and the interpreter and the library still work afterwards
    x = tc.ones(2, 2, requires_grad=True)
    ((x + 2) ** 2).sum().backward()
    assert x.grad.tolist() == [[6.0, 6.0], [6.0, 6.0]]
    assert tc.is_grad_enabled() and tc.get_default_dtype() == tc.float32


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fuzz_indexing(seed):
    rng = random.Random(seed)
    atoms = [0, 1, -1, 2, -3, 5, 2 ** 40, None, Ellipsis, True, False, slice(None), slice(1, None),
             slice(None, None, 2), slice(-1, None), slice(2 ** 62, None), [0, 1], [-1], [2 ** 40],
             [[0], [1]], [], [True, False], "a", 1.5, tc.tensor([0, 1]), tc.tensor([True, False]),
             tc.tensor([[True, False, True]]), tc.tensor(1), tc.tensor([1.0]), tc.zeros(0, dtype=tc.int64),
             np.array([1, 0]), np.int64(1)]
    for _ in range(1500):
        t = tc.arange(24.0).reshape(2, 3, 4)
        key = tuple(rng.choice(atoms) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.3:
            key = key[0]
        _call(lambda: t[key], (), {})
        value = rng.choice([1.0, -2, tc.tensor(3.0), tc.ones(4), tc.ones(2, 1), tc.ones(5), "v", None,
                            [1.0, 2.0], tc.ones(3, requires_grad=True)])
        _call(lambda: t.__setitem__(key, value), (), {})


def test_fuzz_shapes_and_views():
    rng = random.Random(7)
    # No mid-sized ints: a genuine 2**31-element allocation would be slow, not wrong, and
    # ASan aborts on (rather than failing) requests above 1 TB; 2**62 overflows every size.
    ints = [0, 1, 2, 3, 4, 6, -1, -2, 2 ** 62, -(2 ** 62)]
    for _ in range(2000):
        t = tc.arange(24.0).reshape(2, 3, 4)[rng.choice([slice(None), slice(1, None)])]
        op = rng.choice(["view", "reshape", "expand", "permute", "as_strided", "narrow", "select", "transpose",
                         "unflatten", "flatten", "squeeze", "unsqueeze", "movedim", "diagonal", "split", "chunk",
                         "repeat", "unbind", "flip", "sum", "softmax", "topk", "cumsum", "index_select", "gather"])
        args = [rng.choice(ints) for _ in range(rng.randint(0, 4))]
        if op == "as_strided":
            args = [tuple(rng.choice(ints) for _ in range(2)), tuple(rng.choice(ints) for _ in range(2)),
                    rng.choice(ints + [None])]
        elif op in ("index_select", "gather"):
            args = [rng.choice(ints), tc.tensor([rng.choice(ints) for _ in range(2)])]
        _call(getattr(t, op), args, {})


def test_fuzz_dtypes_and_special_values():
    vals = [float("nan"), float("inf"), -float("inf"), 0.0, -0.0, 1e-310, 1e308, -1e308]
    for dt in (tc.float32, tc.float64):
        t = tc.tensor(vals, dtype=dt)
        for name in ("exp", "log", "sqrt", "rsqrt", "sigmoid", "tanh", "erf", "floor", "round", "sign", "relu",
                     "reciprocal", "softmax", "log_softmax", "sort", "argmax", "max", "cumsum", "norm", "var",
                     "logsumexp", "topk", "long", "int", "bool", "tolist", "__repr__"):
            args = (0,) if name in ("softmax", "log_softmax", "cumsum") else (3,) if name == "topk" else ()
            _call(getattr(t, name), args, {})
    big = tc.tensor([2 ** 62, -(2 ** 62), 0])
    for f in (lambda: big * big, lambda: big // tc.tensor([0, 1, 2]), lambda: big % 0, lambda: big ** 3,
              lambda: tc.tensor([-(2 ** 63)]) // -1, lambda: tc.tensor([-(2 ** 63)]) % -1, lambda: big.float(),
              lambda: tc.tensor([1e30]).long(), lambda: tc.tensor([float("nan")]).int(),
              lambda: tc.tensor([5], dtype=tc.int32) << 2 if hasattr(tc.Tensor, "__lshift__") else None):
        _call(f, (), {})


# ---- numpy inputs (issue 14: a big-endian array used to be read as garbage) ----
def _random_array(rng):
    """An ndarray with a random dtype, byte order, layout and alignment."""
    kind = rng.choice(["f4", "f8", "i4", "i8", "?", "u1", "i2", "f2", "c8", "u8", "U1", "O"])
    order = rng.choice(["<", ">", "="]) if kind not in ("?", "u1", "U1", "O") else "="
    shape = tuple(rng.choice([0, 1, 2, 3, 5]) for _ in range(rng.randint(0, 3)))
    n = int(np.prod(shape)) if shape else 1
    base = (np.arange(n) % 7 - 3).astype(kind if kind not in ("U1", "O") else "i8")
    if kind == "U1":
        base = base.astype("U1")
    elif kind == "O":
        base = base.astype(object)
    arr = base.astype(np.dtype(kind).newbyteorder(order)) if kind not in ("U1", "O") else base
    arr = arr.reshape(shape)
    layout = rng.choice(["plain", "transposed", "sliced", "reversed", "broadcast", "unaligned", "readonly"])
    if layout == "transposed":
        arr = arr.T
    elif layout == "sliced" and arr.ndim:
        arr = arr[::2]
    elif layout == "reversed" and arr.ndim:
        arr = arr[::-1]
    elif layout == "broadcast" and arr.ndim and arr.shape[0]:
        arr = np.broadcast_to(arr[:1], (3,) + arr.shape[1:])
    elif layout == "unaligned" and kind not in ("U1", "O"):
        raw = np.zeros(arr.nbytes + 1, dtype=np.uint8)
        moved = np.frombuffer(raw.data, dtype=arr.dtype, count=arr.size, offset=1).reshape(arr.shape)
        moved[...] = arr
        arr = moved
    elif layout == "readonly":
        arr = arr.copy()
        arr.flags.writeable = False
    return arr


SUPPORTED_NUMPY = {"f4": tc.float32, "f8": tc.float64, "i4": tc.int32, "i8": tc.int64, "b1": tc.bool}


def test_fuzz_numpy_inputs_are_read_exactly_or_rejected():
    rng = random.Random(11)
    entry_points = {
        "tensor": lambda a: tc.tensor(a),
        "as_tensor": lambda a: tc.as_tensor(a),
        "from_numpy": lambda a: tc.from_numpy(a),
        "new_tensor": lambda a: tc.zeros(1).new_tensor(a),
        "tensor_dtype": lambda a: tc.tensor(a, dtype=tc.float64),
        "as_tensor_dtype": lambda a: tc.as_tensor(a, dtype=tc.float64),
        "list_of_arrays": lambda a: tc.tensor([a, a]),
        "add": lambda a: tc.zeros(a.shape, dtype=tc.float64) + tc.as_tensor(a),
    }
    checked = 0
    for _ in range(1500):
        a = _random_array(rng)
        name = rng.choice(list(entry_points))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                t = entry_points[name](a)
            except (TypeError, ValueError, RuntimeError):
                continue
        # Whatever was accepted holds exactly the array's values.
        want = np.asarray(a)
        if name == "list_of_arrays":
            want = np.stack([want, want])
        got = t.numpy()
        assert got.shape == want.shape, (name, a.dtype, a.strides)
        assert np.array_equal(got.astype(np.float64), want.astype(np.float64)), (name, a.dtype, a.strides, got, want)
        key = a.dtype.kind + str(a.dtype.itemsize) if a.dtype.kind != "b" else "b1"
        if name in ("tensor", "as_tensor", "from_numpy") and key in SUPPORTED_NUMPY:
            assert t.dtype == SUPPORTED_NUMPY[key]
        if not a.dtype.isnative:  # PyTorch rejects these except inside a list
            assert name == "list_of_arrays", f"{name} accepted a non-native byte order"
        checked += 1
    assert checked > 200


# ---- overflowing shapes (issue 14: cat wrote out of bounds when its sizes overflowed) ----
def test_fuzz_overflowing_shapes_raise():
    rng = random.Random(5)
    # Only sizes whose product overflows int64 or needs more than 2^47 bytes: a real
    # allocation of a few TB would make ASan abort instead of failing the request.
    huge = [2 ** 62, 2 ** 63 - 1, (2 ** 32, 2 ** 32), (2 ** 24, 2 ** 24), (2 ** 31, 2 ** 31, 4)]
    factories = [tc.zeros, tc.ones, tc.empty, tc.rand, tc.randn, lambda s: tc.full(s, 1.0),
                 lambda s: tc.zeros(1).new_zeros(s), lambda s: tc.ones(1).expand(s).contiguous(),
                 lambda s: tc.ones(1).expand(s).clone(), lambda s: tc.ones(1).expand(s) + 1,
                 lambda s: tc.ones(1).expand(s).exp()]

    def expanded():
        return tc.ones(1).expand(rng.choice([2 ** 62, 2 ** 61 + 1, 2 ** 63 - 1]))
    combos = [lambda: tc.cat([expanded() for _ in range(rng.randint(2, 5))]),
              lambda: tc.stack([expanded(), expanded()]),
              lambda: expanded().repeat(rng.choice([2, 4, 2 ** 40])),
              lambda: tc.outer(expanded(), expanded()), lambda: tc.kron(expanded(), expanded()),
              lambda: expanded().reshape(-1, 2).contiguous(),
              lambda: tc.nn.functional.pad(expanded(), (2 ** 62, 2 ** 62)),
              lambda: tc.ones(3).repeat_interleave(rng.choice([2 ** 62, 2 ** 63 - 1])),
              lambda: tc.zeros(0).split([2 ** 62] * 4), lambda: tc.arange(0, 2 ** 62),
              lambda: tc.eye(2 ** 40), lambda: tc.linspace(0, 1, 2 ** 62),
              lambda: tc.ones(2).as_strided((2 ** 62,), (2 ** 62,)),
              lambda: tc.ones(4).view(2 ** 62, 4, 4, -1)]
    for _ in range(300):
        if rng.random() < 0.5:
            s = rng.choice(huge)
            s = s if isinstance(s, tuple) else (s,)
            f = rng.choice(factories)
            call = (lambda f=f, s=s: f(s))
        else:
            call = rng.choice(combos)
        with pytest.raises((RuntimeError, ValueError, MemoryError, IndexError)):
            call()
