"""Every op of the op database with complex inputs, against PyTorch.

The samples are the database's float64 ones with every float array turned
complex (an imaginary part added). For each op and sample: where PyTorch
raises, tensorcore must raise too (never compute a value PyTorch refuses);
where PyTorch computes, tensorcore must give the same values and dtype (every
op of the database has its complex form). Above all, nothing may crash the
interpreter.
"""
import warnings

import numpy as np
import pytest

import tensorcore as tc
from op_db import OPS, call, samples, to_numpy

torch = pytest.importorskip("torch")

def complexify(x, rng):
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return (x + 1j * rng.uniform(-1.0, 1.0, size=x.shape)).astype(np.complex128)
    if isinstance(x, list):
        return [complexify(v, rng) for v in x]
    if isinstance(x, tuple):
        return tuple(complexify(v, rng) for v in x)
    return x


def complex_samples(op):
    if "float64" not in op.dtypes:
        return []
    rng = np.random.default_rng(0)
    out = []
    for s in samples(op, "float64")[:2]:
        args = [complexify(a, rng) for a in s.args]
        if not any(isinstance(a, np.ndarray) and a.dtype.kind == "c" for a in args):
            continue
        s.args = args
        out.append(s)
    return out


CASES = [(op, i) for op in OPS for i in range(len(complex_samples(op)))]


@pytest.mark.parametrize("op, i", CASES, ids=[f"{op.name}-{i}" for op, i in CASES])
def test_complex_inputs_match_torch_or_raise(op, i):
    sample = complex_samples(op)[i]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs, _ = call(op, torch, sample)
        torch_error = None
    except Exception as e:  # noqa: BLE001 - any refusal of PyTorch's
        torch_error = e
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours, _ = call(op, tc, sample)
        our_error = None
    except (RuntimeError, NotImplementedError, TypeError, ValueError, IndexError) as e:
        our_error = e
    if torch_error is not None:
        assert our_error is not None, f"{op.name}: PyTorch raises {torch_error!r}, tensorcore computed a value"
        return
    assert our_error is None, f"{op.name}: PyTorch computes it on complex, tensorcore raises {our_error!r}"
    got, want = to_numpy(ours), to_numpy(theirs)
    if isinstance(want, tuple):
        for g, w in zip(got, want):
            np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-9, atol=1e-10)
    else:
        assert np.asarray(got).dtype == np.asarray(want).dtype, (op.name, np.asarray(got).dtype)
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-9, atol=1e-10)
