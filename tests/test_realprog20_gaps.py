"""Differences found by running real public PyTorch programs under tensorcore
(tests/real_programs, helper realprog20), each reduced to a one-line repro and
compared with PyTorch here. Every case failed or differed before its fix."""
import array
import collections

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _same(ours, theirs):
    assert ours.dtype.__repr__().split(".")[-1] == theirs.dtype.__repr__().split(".")[-1]
    assert list(ours.shape) == list(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def _raised(fn, lib):
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return type(e).__name__, str(e)
    return None


class _TwoItems:
    """A user sequence: __len__ and __getitem__ only (PySequence_Check passes)."""

    def __len__(self):
        return 2

    def __getitem__(self, i):
        if i >= 2:
            raise IndexError(i)
        return i * 1.5


# pytorch/examples reinforcement_learning/reinforce.py: torch.tensor(collections.deque of returns).
@pytest.mark.parametrize("make", [
    lambda lib: collections.deque([1.0, 2.5, -3.0]),
    lambda lib: collections.deque([1, 2]),
    lambda lib: [collections.deque([1, 2]), (3, 4)],
    lambda lib: (collections.deque([1.0]), [2.0]),
    lambda lib: _TwoItems(),
    lambda lib: array.array("i", [4, 5, 6]),
    lambda lib: [range(2), collections.deque([7, 8])],
    lambda lib: collections.deque([lib.tensor(1.5), lib.tensor(2.0)]),
], ids=["deque_float", "deque_int", "nested_deque", "tuple_of_deque", "user_sequence", "array_array",
        "range_and_deque", "deque_of_scalar_tensors"])
@pytest.mark.parametrize("factory", ["tensor", "as_tensor"])
def test_tensor_reads_any_sequence(make, factory):
    _same(getattr(tc, factory)(make(tc)), getattr(torch, factory)(make(torch)))


@pytest.mark.parametrize("make", [lambda: {1, 2}, lambda: {1: 2}, lambda: (i for i in range(2))],
                         ids=["set", "dict", "generator"])
def test_tensor_refuses_non_sequences_like_torch(make):
    ours, theirs = _raised(lambda lib: lib.tensor(make()), tc), _raised(lambda lib: lib.tensor(make()), torch)
    assert theirs is not None and ours == theirs


# karpathy/pytorch-normalizing-flows nflib/flows.py Invertible1x1Conv: torch.lu_unpack(*Q.lu()).
def _lu_inputs(lib):
    return [lib.tensor([[1.0, 2.0], [3.0, 4.0]]),
            lib.tensor([[1.0, 2.0], [2.0, 4.0]]),  # singular: factors, info 2, no error
            lib.arange(18, dtype=lib.float64).reshape(2, 3, 3).sin(),
            lib.zeros(2, 3),
            lib.zeros(0, 2, 2)]


@pytest.mark.filterwarnings("ignore:torch.lu is deprecated")
@pytest.mark.parametrize("index", range(5))
def test_lu_and_tensor_lu_match_torch(index):
    ours, theirs = _lu_inputs(tc)[index], _lu_inputs(torch)[index]
    for got, want in [(tc.lu(ours), torch.lu(theirs)), (ours.lu(), theirs.lu()),
                      (ours.lu(get_infos=True), theirs.lu(get_infos=True)),
                      (tc.lu(ours, True, True), torch.lu(theirs, True, True))]:
        assert type(got).__name__ == type(want).__name__ and len(got) == len(want)
        for g, w in zip(got, want):
            assert g.dtype.__repr__().split(".")[-1] == w.dtype.__repr__().split(".")[-1]
            np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-6, atol=1e-7)
    assert tc.lu(ours, get_infos=True).info.tolist() == torch.lu(theirs, get_infos=True).info.tolist()


@pytest.mark.filterwarnings("ignore:torch.lu is deprecated")
def test_lu_unpack_of_tensor_lu_reconstructs_and_differentiates():
    def run(lib):
        a = (lib.arange(9, dtype=lib.float64).reshape(3, 3).cos() + 2 * lib.eye(3, dtype=lib.float64)).requires_grad_()
        P, L, U = lib.lu_unpack(*a.lu())
        (P @ L @ U * lib.arange(9, dtype=lib.float64).reshape(3, 3)).sum().backward()
        return (P @ L @ U).detach().numpy(), a.grad.numpy()
    for ours, theirs in zip(run(tc), run(torch)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.filterwarnings("ignore:torch.lu is deprecated")
@pytest.mark.parametrize("call", [
    lambda lib: lib.lu(lib.tensor([[1, 2], [3, 4]])),
    lambda lib: lib.lu(lib.tensor([1.0, 2.0])),
    lambda lib: lib.tensor([1.0, 2.0]).lu(),
    lambda lib: lib.lu(lib.eye(2), pivot=False),
], ids=["integer", "vector", "vector_method", "no_pivot"])
def test_lu_refuses_like_torch(call):
    ours, theirs = _raised(call, tc), _raised(call, torch)
    assert theirs is not None and ours == theirs


# karpathy/nn-zero-to-hero makemore_part3_bn: hy, hx = torch.histogram(t, density=True) (bins defaults to 100).
@pytest.mark.parametrize("call", [
    lambda lib, t: lib.histogram(t, density=True),
    lambda lib, t: lib.histogram(t),
    lambda lib, t: t.histogram(),
    lambda lib, t: t.histogram(range=(-1.0, 1.0)),
], ids=["density", "function", "method", "method_range"])
def test_histogram_bins_default_to_100(call):
    data = np.random.RandomState(0).randn(1000).astype(np.float32)
    got, want = call(tc, tc.tensor(data)), call(torch, torch.tensor(data))
    assert list(got.hist.shape) == list(want.hist.shape) == [100]
    np.testing.assert_allclose(got.hist.numpy(), want.hist.numpy(), rtol=1e-6)
    np.testing.assert_allclose(got.bin_edges.numpy(), want.bin_edges.numpy(), rtol=1e-6)


# Pre-1.5 training code: p.data.add_(-lr, grad), exp_avg_sq.addcmul_(1 - beta2, grad, grad), ... (PyTorch's
# deprecated Number-first overloads, still accepted with one warning per process).
_DEPRECATED_CALLS = {
    "add": lambda lib, p, g: p.add(-1.5, g),
    "add_": lambda lib, p, g: p.add_(-1.5, g),
    "sub": lambda lib, p, g: p.sub(0.5, g),
    "sub_": lambda lib, p, g: p.sub_(0.5, g),
    "torch.add": lambda lib, p, g: lib.add(p, 2, g),
    "torch.sub": lambda lib, p, g: lib.sub(p, 2, g),
    "addcmul": lambda lib, p, g: p.addcmul(0.25, g, g + 1),
    "addcmul_": lambda lib, p, g: p.addcmul_(0.25, g, g + 1),
    "torch.addcmul": lambda lib, p, g: lib.addcmul(p, 0.25, g, g + 1),
    "addcdiv": lambda lib, p, g: p.addcdiv(-0.1, g, g + 3),
    "addcdiv_": lambda lib, p, g: p.addcdiv_(-0.1, g, g + 3),
    "torch.addcdiv": lambda lib, p, g: lib.addcdiv(p, -0.1, g, g + 3),
}


@pytest.mark.filterwarnings("ignore:This overload of")
@pytest.mark.parametrize("name", list(_DEPRECATED_CALLS))
def test_deprecated_number_first_overloads_compute_like_torch(name):
    def run(lib):
        p = lib.arange(6, dtype=lib.float32) * 0.3 - 1
        g = lib.linspace(-2, 2, 6)
        result = _DEPRECATED_CALLS[name](lib, p, g)
        return result.numpy().copy(), p.numpy().copy()
    # PyTorch's addcmul kernel fuses its last multiply-add (one rounding), tensorcore's composite rounds twice:
    # 1 ulp apart, the same with value= as a keyword (reported as a C++ kernel matter).
    rtol = 2.5e-7 if "addcmul" in name else 0
    for ours, theirs in zip(run(tc), run(torch)):
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=0)


@pytest.mark.filterwarnings("ignore:This overload of")
def test_deprecated_add_in_an_sgd_step_keeps_the_graph_free():
    def run(lib):
        w = lib.nn.Parameter(lib.linspace(-1, 1, 4))
        (w * w).sum().backward()
        w.data.add_(-0.1, w.grad.data)  # the pytorch/tutorials char-RNN classifier's update
        return w.detach().numpy().copy(), w.requires_grad
    ours, theirs = run(tc), run(torch)
    np.testing.assert_array_equal(ours[0], theirs[0])
    assert ours[1] == theirs[1]


# Pre-1.9 linear algebra: torch.solve(B, A), torch.symeig(A, eigenvectors=True), ... are still names in PyTorch 2
# that raise RuntimeError when called (an AttributeError here made such a program fail differently).
@pytest.mark.parametrize("call", [
    lambda lib, a: lib.symeig(a, eigenvectors=True),
    lambda lib, a: lib.eig(a),
    lambda lib, a: lib.solve(a, a),
    lambda lib, a: lib.lstsq(a, a),
    lambda lib, a: lib.matrix_rank(a),
    lambda lib, a: a.symeig(),
    lambda lib, a: a.eig(True),
    lambda lib, a: a.solve(a),
    lambda lib, a: a.lstsq(a),
    lambda lib, a: a.matrix_rank(),
], ids=["symeig", "eig", "solve", "lstsq", "matrix_rank", "m_symeig", "m_eig", "m_solve", "m_lstsq", "m_matrix_rank"])
def test_removed_linalg_functions_raise_like_torch(call):
    ours = _raised(lambda lib: call(lib, lib.eye(2)), tc)
    theirs = _raised(lambda lib: call(lib, lib.eye(2)), torch)
    assert theirs is not None and ours is not None and ours[0] == theirs[0]
    if theirs[0] == "RuntimeError":
        assert "deprecated since version 1.9 and is now removed" in ours[1]
