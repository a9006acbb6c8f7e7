"""Gaps found running real public PyTorch programs under tensorcore (realprog23), each compared
with PyTorch on the same inputs.

- openai/CLIP (clip/model.py): build_model() converts the weights to float16 and the text
  transformer casts its causal -inf mask to the activations' dtype, so nn.MultiheadAttention gets a
  float16 attn_mask; tensorcore accepted only float32/float64 masks (AssertionError). Its
  need_weights=True path then added a mask of another dtype by promotion, where PyTorch's baddbmm
  raises, and under CPU autocast it failed on any float mask (bmm of float32 weights with bfloat16
  values) where PyTorch's autocast baddbmm casts the mask to the autocast dtype.
- tkipf/pygcn (pygcn/utils.py sparse_mx_to_torch_sparse_tensor): torch.sparse.FloatTensor(indices,
  values, size), the legacy sparse constructor, was missing (AttributeError)
  (Note [Legacy sparse tensor types]).
- pytorch/tutorials spatial_transformer_tutorial: F.affine_grid differed from PyTorch's grid by an
  ulp in a third of its entries and F.grid_sample's 2-D bilinear output in the last bits (PyTorch's
  kernels: (x*t0 + y*t1) + t2 unfused over (linspace * (n - 1)) / n, and FMA-contracted
  interpolation; Note [affine_grid rounds as PyTorch], Note [grid_sample rounds as PyTorch]);
  neither warned about the align_corners default as PyTorch does.
"""
import warnings

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _mha_with_mask(lib, mask_dtype, activation_dtype, need_weights=False):
    lib.manual_seed(0)
    mha = lib.nn.MultiheadAttention(8, 2)
    x = lib.linspace(-1, 1, 5 * 2 * 8).reshape(5, 2, 8)
    mask = lib.full((5, 5), float("-inf")).triu(1)
    if activation_dtype is not None:
        mha = mha.to(getattr(lib, activation_dtype))
        x = x.to(getattr(lib, activation_dtype))
    mask = mask.to(getattr(lib, mask_dtype))
    with lib.no_grad():
        out, _ = mha(x, x, x, need_weights=need_weights, attn_mask=mask)
    return out.float().numpy()


@pytest.mark.parametrize("need_weights", [False, True])
@pytest.mark.parametrize("mask_dtype, activation_dtype", [
    ("float16", "float16"), ("bfloat16", "bfloat16"), ("float64", "float64"), ("float32", None)])
def test_multihead_attention_accepts_a_floating_mask_of_the_activations_dtype(mask_dtype, activation_dtype,
                                                                              need_weights):
    ours = _mha_with_mask(tc, mask_dtype, activation_dtype, need_weights)
    theirs = _mha_with_mask(torch, mask_dtype, activation_dtype, need_weights)
    tol = 1e-2 if activation_dtype in ("float16", "bfloat16") else 1e-5
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


@pytest.mark.parametrize("need_weights", [False, True])
@pytest.mark.parametrize("mask_dtype", ["float16", "bfloat16", "float64"])
def test_multihead_attention_mask_of_another_floating_dtype_raises_like_pytorch(mask_dtype, need_weights):
    for lib in (tc, torch):
        with pytest.raises(RuntimeError):
            _mha_with_mask(lib, mask_dtype, None, need_weights)


@pytest.mark.parametrize("mask_dtype", ["int64", "int32", "uint8"])
def test_multihead_attention_rejects_integer_masks_like_pytorch(mask_dtype):
    for lib in (tc, torch):
        mha = lib.nn.MultiheadAttention(4, 1)
        x = lib.zeros(3, 1, 4)
        with pytest.raises(AssertionError, match="only bool and floating types of attn_mask are supported"):
            mha(x, x, x, attn_mask=lib.zeros(3, 3, dtype=getattr(lib, mask_dtype)))


@pytest.mark.parametrize("mask_dtype", ["float32", "float16", "bool", "float64"])
def test_multihead_attention_weights_under_cpu_autocast(mask_dtype):
    def run(lib):
        lib.manual_seed(0)
        mha = lib.nn.MultiheadAttention(8, 2)
        x = lib.linspace(-1, 1, 5 * 2 * 8).reshape(5, 2, 8)
        if mask_dtype == "bool":
            mask = lib.ones(5, 5, dtype=lib.bool).triu(1)
        else:
            mask = lib.full((5, 5), float("-inf")).triu(1).to(getattr(lib, mask_dtype))
        try:
            with lib.autocast("cpu", dtype=lib.bfloat16):
                out, weights = mha(x, x, x, attn_mask=mask, need_weights=True)
        except RuntimeError as e:
            return "RuntimeError", str(e)[:31]
        return str(out.dtype).split(".")[-1], out.float().detach().numpy(), weights.float().detach().numpy()

    ours, theirs = run(tc), run(torch)
    assert ours[0] == theirs[0]
    if ours[0] == "RuntimeError":  # a float64 mask is not cast by autocast: baddbmm refuses it
        assert ours[1] == theirs[1] == "Input dtypes must be the same, "
        return
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-2, atol=1e-2)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-2, atol=1e-2)


def _legacy_sparse(lib, type_name, make_args, kwargs=None):
    """What torch.sparse.<type_name>(*args) gives: the dense values, dtype name, type() and the
    deprecation warnings' first sentence, or the exception type and message head."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = getattr(lib.sparse, type_name)(*make_args(lib), **(kwargs or {}))
        except (TypeError, RuntimeError) as e:
            return type(e).__name__, str(e).split("\n")[0].replace("c10::", "")
    return (result.to_dense().tolist(), str(result.dtype).split(".")[-1], result.type(), result.is_sparse,
            str(result.layout).split(".")[-1], isinstance(result, getattr(lib.sparse, type_name)),
            sorted({str(w.message).split("(Triggered")[0].strip() for w in caught if "deprecated" in str(w.message)}))


def _coo(lib):
    return lib.tensor([[0, 1, 1], [2, 0, 1]]), lib.tensor([1.5, -2.0, 3.0])


LEGACY_SPARSE_CASES = [
    ("FloatTensor", lambda lib: (*_coo(lib), lib.Size([2, 3]))),
    ("FloatTensor", lambda lib: (*_coo(lib), (3, 4))),
    ("FloatTensor", lambda lib: _coo(lib)),
    ("DoubleTensor", lambda lib: (*_coo(lib), (2, 3))),  # values keep their float32 dtype
    ("FloatTensor", lambda lib: (_coo(lib)[0], _coo(lib)[1].double(), (2, 3))),
    ("LongTensor", lambda lib: (_coo(lib)[0], lib.tensor([1, 2, 3]), (2, 3))),
    ("FloatTensor", lambda lib: (2, 3)),
    ("IntTensor", lambda lib: (lib.Size([4]),)),
    ("DoubleTensor", lambda lib: ()),
    ("FloatTensor", lambda lib: ((2, 3),)),  # a plain tuple is refused
    ("FloatTensor", lambda lib: ([[0, 1]], [1.0, 2.0], (2,))),  # lists are refused
    ("FloatTensor", lambda lib: (lib.zeros(2),)),
    ("FloatTensor", lambda lib: (2.5,)),
    ("FloatTensor", lambda lib: (_coo(lib)[0].int(), _coo(lib)[1], (2, 3))),  # int32 indices
]


@pytest.mark.parametrize("case", range(len(LEGACY_SPARSE_CASES)))
def test_legacy_sparse_constructor_matches_pytorch(case):
    type_name, make_args = LEGACY_SPARSE_CASES[case]
    assert _legacy_sparse(tc, type_name, make_args) == _legacy_sparse(torch, type_name, make_args)


def test_legacy_sparse_constructor_keywords():
    make_args = LEGACY_SPARSE_CASES[0][1]
    for kwargs in ({"device": "cpu"}, {"dtype": "float64"}):
        ours = _legacy_sparse(tc, "FloatTensor", make_args,
                              {k: getattr(tc, v) if k == "dtype" else v for k, v in kwargs.items()})
        theirs = _legacy_sparse(torch, "FloatTensor", make_args,
                                {k: getattr(torch, v) if k == "dtype" else v for k, v in kwargs.items()})
        assert ours == theirs


def test_legacy_sparse_isinstance_and_spmm_as_pygcn():
    results = []
    for lib in (tc, torch):
        adjacency = lib.sparse.FloatTensor(*_coo(lib), lib.Size([2, 3]))
        support = lib.arange(6.0).reshape(3, 2)
        results.append((isinstance(adjacency, lib.sparse.FloatTensor), isinstance(adjacency, lib.sparse.DoubleTensor),
                        isinstance(lib.zeros(2), lib.sparse.FloatTensor), repr(lib.sparse.FloatTensor),
                        lib.spmm(adjacency, support).tolist()))
    assert results[0] == results[1]


def _grid_case(lib, seed, size, align_corners, padding_mode, dtype):
    g = lib.Generator().manual_seed(seed)
    n = size[0]
    k = len(size) - 2
    theta = lib.eye(k, k + 1).expand(n, k, k + 1) + 0.15 * lib.randn(n, k, k + 1, generator=g)
    x = lib.randn(*size, generator=g)
    theta, x = theta.to(getattr(lib, dtype)), x.to(getattr(lib, dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grid = lib.nn.functional.affine_grid(theta, list(size), align_corners=align_corners)
        out = lib.nn.functional.grid_sample(x, grid, padding_mode=padding_mode, align_corners=align_corners)
    return grid.numpy(), out.numpy()


GRID_CASES = [(seed, size, align_corners, padding_mode, dtype)
              for seed, size in ((0, (4, 1, 28, 28)), (1, (2, 3, 7, 11)), (2, (1, 2, 1, 5)))
              for align_corners in (False, True, None)
              for padding_mode in ("zeros", "border")
              for dtype in ("float32", "float64")]


@pytest.mark.parametrize("case", GRID_CASES)
def test_affine_grid_and_bilinear_grid_sample_are_bitwise_pytorch(case):
    ours_grid, ours_out = _grid_case(tc, *case)
    theirs_grid, theirs_out = _grid_case(torch, *case)
    np.testing.assert_array_equal(ours_grid, theirs_grid)
    if case[-1] == "float32":
        np.testing.assert_array_equal(ours_out, theirs_out)
    else:
        np.testing.assert_allclose(ours_out, theirs_out, rtol=1e-13, atol=1e-14)


def test_affine_grid_3d_and_grid_sample_gradients_stay_close():
    def run(lib):
        g = lib.Generator().manual_seed(3)
        theta = (lib.eye(2, 3).expand(2, 2, 3) + 0.1 * lib.randn(2, 2, 3, generator=g)).requires_grad_()
        x = lib.randn(2, 2, 9, 9, generator=g).requires_grad_()
        grid = lib.nn.functional.affine_grid(theta, [2, 2, 9, 9], align_corners=False)
        out = lib.nn.functional.grid_sample(x, grid, align_corners=False)
        (out * lib.linspace(-1, 1, out.numel()).reshape(out.shape)).sum().backward()
        theta3 = lib.eye(3, 4).expand(1, 3, 4) + 0.1 * lib.randn(1, 3, 4, generator=g)
        grid3 = lib.nn.functional.affine_grid(theta3, [1, 1, 3, 4, 5], align_corners=False)
        return theta.grad.numpy(), x.grad.numpy(), grid3.numpy()

    for ours, theirs in zip(run(tc), run(torch)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("call", ["affine_grid", "grid_sample"])
def test_align_corners_default_warns_at_the_callers_line(call):
    def run(lib):
        F = lib.nn.functional
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            grid = F.affine_grid(lib.eye(2, 3)[None], [1, 1, 3, 3], align_corners=False)
            if call == "affine_grid":
                F.affine_grid(lib.eye(2, 3)[None], [1, 1, 3, 3])
            else:
                F.grid_sample(lib.ones(1, 1, 3, 3), grid)
            F.grid_sample(lib.ones(1, 1, 3, 3), grid, align_corners=True)
        return [(str(w.message), w.category.__name__, w.filename) for w in caught]

    ours, theirs = run(tc), run(torch)
    assert ours == theirs
    assert len(ours) == 1 and ours[0][2] == __file__
