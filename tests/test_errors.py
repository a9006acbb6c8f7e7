"""Bad input raises the exception type PyTorch raises, with a message that
names the op and the shapes/dims involved."""
import pytest

import tensorcore as tc


def _t(m, *shape, dtype=None):
    n = 1
    for s in shape:
        n *= s
    t = m.arange(n, dtype=dtype or m.float32)
    return t.reshape(*shape) if shape else t.reshape(())


# (id, call(m), expected family, substrings the tensorcore message must contain)
CASES = [
    # shape mismatch
    ("add_bcast", lambda m: _t(m, 2, 3) + _t(m, 4), RuntimeError, ["add", "[2, 3]", "[4]"]),
    ("mul_bcast", lambda m: _t(m, 2, 3).mul(_t(m, 2, 2)), RuntimeError, ["mul", "[2, 3]", "[2, 2]"]),
    ("iadd_bcast_out", lambda m: _t(m, 3).add_(_t(m, 2, 3)), RuntimeError, ["add", "[3]", "[2, 3]"]),
    ("matmul", lambda m: _t(m, 2, 3) @ _t(m, 4, 5), RuntimeError, ["2x3", "4x5"]),
    ("mm", lambda m: m.mm(_t(m, 2, 3), _t(m, 2, 3)), RuntimeError, ["2x3"]),
    ("mm_1d", lambda m: m.mm(_t(m, 3), _t(m, 3, 2)), RuntimeError, ["matrix"]),
    ("bmm_batch", lambda m: m.bmm(_t(m, 2, 2, 3), _t(m, 3, 3, 2)), RuntimeError, ["batch"]),
    ("bmm_rank", lambda m: m.bmm(_t(m, 2, 3), _t(m, 3, 2)), RuntimeError, ["3D"]),
    ("dot_len", lambda m: m.dot(_t(m, 3), _t(m, 4)), RuntimeError, ["3", "4"]),
    ("dot_dtype", lambda m: m.dot(_t(m, 3), _t(m, 3, dtype=m.float64)), RuntimeError, ["dot"]),
    ("mv", lambda m: m.mv(_t(m, 2, 3), _t(m, 2)), RuntimeError, ["size mismatch"]),
    ("matmul_0d", lambda m: m.matmul(_t(m), _t(m, 2)), RuntimeError, ["1D"]),
    ("matmul_batch", lambda m: _t(m, 2, 2, 3) @ _t(m, 3, 3, 2), RuntimeError, []),
    ("cat_sizes", lambda m: m.cat([_t(m, 2, 3), _t(m, 2, 4)]), RuntimeError, ["Sizes of tensors must match"]),
    ("cat_rank", lambda m: m.cat([_t(m, 2, 3), _t(m, 3)]), RuntimeError, ["same number of dimensions"]),
    ("cat_empty_list", lambda m: m.cat([]), ValueError, ["non-empty"]),
    ("cat_0d", lambda m: m.cat([_t(m), _t(m)]), RuntimeError, ["zero-dimensional"]),
    ("stack_sizes", lambda m: m.stack([_t(m, 2), _t(m, 3)]), RuntimeError, ["[2]", "[3]"]),
    ("expand", lambda m: _t(m, 2, 3).expand(4, 3), RuntimeError, ["expanded size", "[2, 3]"]),
    ("expand_fewer", lambda m: _t(m, 2, 3).expand(3), RuntimeError, ["number of sizes"]),
    ("copy_shape", lambda m: _t(m, 2, 3).copy_(_t(m, 4)), RuntimeError, ["[4]", "[2, 3]"]),
    ("where_shape", lambda m: m.where(_t(m, 2) > 0, _t(m, 3), _t(m, 2)), RuntimeError, ["[2]", "[3]"]),
    ("masked_fill_shape", lambda m: _t(m, 2, 3).masked_fill(_t(m, 4) > 1, 0.0), RuntimeError,
     ["masked_fill", "[2, 4]", "[2, 3]"]),
    ("backward_grad_shape", lambda m: (_t(m, 3).requires_grad_() * 2).backward(m.ones(2)), RuntimeError,
     ["[2]", "[3]"]),
    ("flip_duplicate_dims", lambda m: _t(m, 2, 3).flip(0, -2), RuntimeError, ["dim 0", "multiple times"]),
    ("flip_dim_oob", lambda m: _t(m, 2, 3).flip(2), IndexError, ["flip", "[-2, 1]", "2"]),
    ("repeat_fewer_dims", lambda m: _t(m, 2, 3).repeat(2), RuntimeError, ["repeat dims"]),
    ("repeat_negative", lambda m: _t(m, 2, 3).repeat(-1, 2), RuntimeError, ["negative dimension", "[-2, 6]"]),
    # incompatible view
    ("view_noncontig", lambda m: _t(m, 2, 3).t().view(6), RuntimeError, ["view", "[3, 2]", "[1, 3]", "reshape"]),
    ("view_numel", lambda m: _t(m, 2, 3).view(4, 2), RuntimeError, ["[4, 2]", "6"]),
    ("view_two_infer", lambda m: _t(m, 2, 3).view(-1, -1), RuntimeError, ["one dimension"]),
    ("reshape_numel", lambda m: _t(m, 2, 3).reshape(5), RuntimeError, ["[5]", "6"]),
    ("unflatten_product", lambda m: _t(m, 2, 6).unflatten(1, (4, 2)), RuntimeError, ["6"]),
    ("view_neg2", lambda m: _t(m, 6).view(-2, 3), RuntimeError, ["-2"]),
    # index / dim out of range
    ("index_oob", lambda m: _t(m, 2, 3)[2], IndexError, ["2", "dimension 0", "size 2"]),
    ("index_oob_neg", lambda m: _t(m, 2, 3)[:, -4], IndexError, ["-4", "size 3"]),
    ("too_many_indices", lambda m: _t(m, 2)[0, 0], IndexError, ["too many indices"]),
    ("index_list_oob", lambda m: _t(m, 3)[[0, 3]], IndexError, ["3", "size 3"]),
    ("index_tensor_oob", lambda m: _t(m, 3)[m.tensor([5])], IndexError, ["5"]),
    ("mask_shape", lambda m: _t(m, 2, 3)[m.tensor([True, False, True])], IndexError, ["mask", "[3]"]),
    ("select_oob", lambda m: _t(m, 2, 3).select(1, 3), IndexError, ["3", "size 3"]),
    ("select_0d", lambda m: _t(m).select(0, 0), IndexError, ["0-dim"]),
    ("narrow_oob", lambda m: _t(m, 4).narrow(0, 2, 3), RuntimeError, ["2", "3", "4"]),
    ("sum_dim", lambda m: _t(m, 2, 3).sum(2), IndexError, ["sum", "[-2, 1]", "2"]),
    ("mean_dim", lambda m: _t(m, 2, 3).mean(-3), IndexError, ["mean", "-3"]),
    ("softmax_dim", lambda m: _t(m, 2, 3).softmax(5), IndexError, ["softmax", "5"]),
    ("transpose_dim", lambda m: _t(m, 2, 3).transpose(0, 2), IndexError, ["transpose", "2"]),
    ("unsqueeze_dim", lambda m: _t(m, 2, 3).unsqueeze(4), IndexError, ["unsqueeze", "4"]),
    ("squeeze_dim", lambda m: _t(m, 2, 3).squeeze(3), IndexError, ["squeeze", "3"]),
    ("permute_len", lambda m: _t(m, 2, 3).permute(0), RuntimeError, ["permute"]),
    ("permute_dup", lambda m: _t(m, 2, 3).permute(0, 0), RuntimeError, ["duplicate"]),
    ("permute_oob", lambda m: _t(m, 2, 3).permute(0, 2), IndexError, ["2"]),
    ("max_dim", lambda m: _t(m, 2, 3).max(dim=2), IndexError, ["max", "2"]),
    ("argmax_dim", lambda m: _t(m, 2, 3).argmax(dim=-3), IndexError, ["argmax", "-3"]),
    ("cumsum_dim", lambda m: _t(m, 3).cumsum(1), IndexError, ["cumsum", "1"]),
    ("topk_k", lambda m: _t(m, 3).topk(4), RuntimeError, ["k"]),
    ("gather_oob", lambda m: _t(m, 2, 3).gather(1, m.tensor([[0], [3]])), RuntimeError, ["3"]),
    ("index_select_oob", lambda m: _t(m, 3).index_select(0, m.tensor([3])), IndexError, ["3"]),
    ("movedim_oob", lambda m: _t(m, 2, 3).movedim(0, 2), IndexError, ["movedim", "2"]),
    ("diagonal_same", lambda m: _t(m, 2, 3).diagonal(0, 1, 1), RuntimeError, ["diagonal"]),
    ("split_sizes", lambda m: _t(m, 5).split([2, 2]), RuntimeError, ["5", "[2, 2]"]),
    ("chunk_zero", lambda m: _t(m, 5).chunk(0), RuntimeError, ["chunk", "0"]),
    ("flatten_order", lambda m: _t(m, 2, 3, 4).flatten(2, 1), RuntimeError, ["start_dim"]),
    ("size_dim", lambda m: _t(m, 2, 3).size(2), IndexError, ["2"]),
    ("stride_dim", lambda m: _t(m, 2, 3).stride(-3), IndexError, ["-3"]),
    ("as_strided_oob", lambda m: _t(m, 4).as_strided((3, 3), (3, 1)), RuntimeError, ["storage"]),
    # unsupported dtype
    ("bitwise_float", lambda m: _t(m, 3) & _t(m, 3), RuntimeError, ["bitwise_and", "float"]),
    ("invert_float", lambda m: ~_t(m, 3), TypeError, ["operator.invert", "integer and Boolean"]),
    ("mean_int", lambda m: _t(m, 3, dtype=m.int64).mean(), RuntimeError, ["mean", "Long"]),
    ("var_int", lambda m: _t(m, 3, dtype=m.int64).var(), RuntimeError, ["int64"]),
    ("norm_int", lambda m: _t(m, 3, dtype=m.int64).norm(), RuntimeError, ["int64"]),
    ("softmax_int", lambda m: _t(m, 3, dtype=m.int64).softmax(0), RuntimeError, ["softmax", "int64"]),
    ("requires_grad_int", lambda m: _t(m, 3, dtype=m.int64).requires_grad_(), RuntimeError, ["floating point"]),
    ("neg_bool", lambda m: -(_t(m, 3) > 1), RuntimeError, ["bool"]),
    ("sub_bool", lambda m: (_t(m, 3) > 1) - (_t(m, 3) > 0), RuntimeError, ["bool"]),
    ("where_cond_float", lambda m: m.where(_t(m, 3), _t(m, 3), _t(m, 3)), RuntimeError, ["where", "bool"]),
    ("masked_fill_float_mask", lambda m: _t(m, 3).masked_fill(_t(m, 3), 1.0), RuntimeError, ["bool"]),
    ("index_float", lambda m: _t(m, 3)[m.tensor([0.0])], IndexError, ["long"]),
    ("int_pow_neg", lambda m: m.tensor([2]) ** -1, RuntimeError, ["negative"]),
    ("int_div_zero", lambda m: m.tensor([2]) // 0, RuntimeError, ["ZeroDivisionError"]),
    ("int_inplace_float", lambda m: _t(m, 3, dtype=m.int64).mul_(1.5), RuntimeError, ["int64", "mul_"]),
    ("bool_inplace_add", lambda m: (_t(m, 3) > 1).add_(2), RuntimeError, ["bool"]),
    ("mm_dtype", lambda m: m.mm(_t(m, 2, 2), _t(m, 2, 2, dtype=m.float64)), RuntimeError, ["float32", "float64"]),
    ("set_default_int", lambda m: m.set_default_dtype(m.int64), TypeError, ["floating"]),
    ("numpy_requires_grad", lambda m: m.ones(2, requires_grad=True).numpy(), RuntimeError, ["detach"]),
    ("item_many", lambda m: _t(m, 3).item(), RuntimeError, ["3 elements"]),
    ("bool_many", lambda m: bool(_t(m, 3)), RuntimeError, ["ambiguous"]),
    # wrong argument types
    ("view_str", lambda m: _t(m, 6).view("a"), TypeError, ["view"]),
    ("reshape_float", lambda m: _t(m, 6).reshape(2.5), TypeError, ["reshape", "float"]),
    ("sum_dim_str", lambda m: _t(m, 6).sum(dim="a"), TypeError, ["sum", "dim"]),
    ("zeros_str", lambda m: m.zeros("a"), TypeError, ["zeros"]),
    ("zeros_float", lambda m: m.zeros(2.5), TypeError, ["zeros"]),
    ("add_str", lambda m: _t(m, 3) + "a", TypeError, []),
    ("radd_list", lambda m: None + _t(m, 3), TypeError, []),
    ("matmul_int", lambda m: _t(m, 3) @ 2, TypeError, []),
    ("transpose_str", lambda m: _t(m, 2, 3).transpose("a", 0), TypeError, ["transpose", "dim0"]),
    ("cat_tensor", lambda m: m.cat(_t(m, 3)), TypeError, ["cat", "tensors"]),
    ("cat_number", lambda m: m.cat([_t(m, 3), 1]), TypeError, ["Tensor"]),
    ("add_none", lambda m: _t(m, 3).add(None), TypeError, ["add"]),
    ("unsqueeze_float", lambda m: _t(m, 3).unsqueeze(1.5), TypeError, ["unsqueeze"]),
    ("narrow_str", lambda m: _t(m, 3).narrow(0, "1", 2), TypeError, ["narrow", "start"]),
    ("permute_float", lambda m: _t(m, 2, 3).permute(0, 1.0), TypeError, ["permute"]),
    ("index_str", lambda m: _t(m, 3)["a"], TypeError, []),
    ("index_float_scalar", lambda m: _t(m, 3)[1.5], IndexError, []),
    ("tensor_str", lambda m: m.tensor("abc"), TypeError, ["str"]),
    ("mm_none", lambda m: m.mm(_t(m, 2, 2), None), TypeError, ["mm"]),
    ("where_none_cond", lambda m: m.where(None, _t(m, 2), _t(m, 2)), TypeError, ["condition"]),
    ("exp_list", lambda m: m.exp([1.0, 2.0]), TypeError, ["exp", "list"]),
    ("dtype_arg", lambda m: _t(m, 2).sum(dtype="nope"), TypeError, ["dtype"]),
    ("grad_assign_list", lambda m: setattr(m.ones(2, requires_grad=True), "grad", [1.0]), TypeError, ["grad"]),
    ("len_0d", lambda m: len(_t(m)), TypeError, ["0-d"]),
    ("iter_0d", lambda m: iter(_t(m)), TypeError, ["0-d"]),
    ("index_float_tensor", lambda m: [1, 2][_t(m)], TypeError, []),
    # negative sizes
    ("zeros_neg", lambda m: m.zeros(-1), RuntimeError, ["negative", "-1"]),
    ("empty_neg", lambda m: m.empty(2, -3), RuntimeError, ["negative", "-3"]),
    ("ones_neg_tuple", lambda m: m.ones((2, -1)), RuntimeError, ["negative"]),
    ("full_neg", lambda m: m.full((-2,), 1.0), RuntimeError, ["negative"]),
    ("rand_neg", lambda m: m.rand(-1), RuntimeError, ["negative"]),
    ("randn_neg", lambda m: m.randn(3, -1), RuntimeError, ["negative"]),
    ("randint_neg", lambda m: m.randint(0, 5, (-2,)), RuntimeError, ["negative"]),
    ("eye_neg", lambda m: m.eye(-2), RuntimeError, ["-2"]),
    ("expand_neg", lambda m: _t(m, 3).expand(-2, 3), RuntimeError, ["-2"]),
    ("arange_neg", lambda m: m.arange(0, -5), RuntimeError, ["arange"]),
    ("linspace_neg", lambda m: m.linspace(0, 1, -1), RuntimeError, ["steps"]),
    ("split_neg", lambda m: _t(m, 4).split(-1), RuntimeError, ["split"]),
    ("narrow_neg_len", lambda m: _t(m, 4).narrow(0, 0, -1), RuntimeError, ["length"]),
    ("as_strided_neg", lambda m: _t(m, 4).as_strided((-1,), (1,)), RuntimeError, ["-1"]),
    ("randperm_neg", lambda m: m.randperm(-1), RuntimeError, ["-1"]),
    # autograd misuse
    ("backward_no_grad", lambda m: _t(m, 3).sum().backward(), RuntimeError, ["does not require grad"]),
    ("backward_nonscalar", lambda m: (m.ones(3, requires_grad=True) * 2).backward(), RuntimeError, ["scalar"]),
    ("leaf_inplace", lambda m: m.ones(3, requires_grad=True).add_(1), RuntimeError, ["leaf Variable"]),
    ("leaf_setitem", lambda m: m.ones(3, requires_grad=True).__setitem__(0, 2.0), RuntimeError, ["leaf Variable"]),
    ("nonleaf_requires_grad_false", lambda m: (m.ones(3, requires_grad=True) * 2).requires_grad_(False),
     RuntimeError, ["leaf"]),
    ("hook_no_grad", lambda m: m.ones(2).register_hook(lambda g: g), RuntimeError, ["require"]),
    ("grad_unused", lambda m: m.autograd.grad((m.ones(2, requires_grad=True) * 2).sum(),
                                              [m.ones(2, requires_grad=True)]), RuntimeError, ["not have been used"]),
]


def _family(e):
    for fam in (IndexError, TypeError, ValueError, RuntimeError):
        if isinstance(e, fam):
            return fam
    return type(e)


@pytest.mark.parametrize("name,f,family,needles", CASES, ids=[c[0] for c in CASES])
def test_error_type_and_message(name, f, family, needles):
    with pytest.raises(Exception) as ei:
        f(tc)
    e = ei.value
    assert _family(e) is family, f"{name}: expected {family.__name__}, got {type(e).__name__}: {e}"
    msg = str(e)
    for needle in needles:
        assert needle in msg, f"{name}: message {msg!r} does not mention {needle!r}"


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name,f,family,needles", CASES, ids=[c[0] for c in CASES])
def test_error_type_matches_torch(name, f, family, needles, torch):
    with pytest.raises(Exception) as ei:
        f(torch)
    assert _family(ei.value) is family, f"torch raises {type(ei.value).__name__}: {ei.value}"


def test_errors_leave_tensors_usable():
    t = tc.arange(6.0).reshape(2, 3)
    for f in (lambda: t.view(4), lambda: t + tc.ones(4), lambda: t[5], lambda: t.sum(4)):
        with pytest.raises(Exception):
            f()
    assert t.sum().item() == 15.0 and t._version == 0


def test_no_partial_write_on_failed_inplace():
    t = tc.ones(2, 3)
    with pytest.raises(RuntimeError):
        t.add_(tc.ones(4))
    with pytest.raises(RuntimeError):
        t.copy_(tc.ones(3, 3))
    assert t.tolist() == [[1.0] * 3] * 2


KEYWORD_FORMS = {  # PyTorch's keyword spellings and NumPy aliases
    "zeros_size": lambda m, x: m.zeros(size=(2,)), "rand_size": lambda m, x: m.rand(size=[2]).shape,
    "randint_high": lambda m, x: m.randint(high=5, size=(2,)).shape, "arange_end": lambda m, x: m.arange(end=3),
    "view_size": lambda m, x: x.view(size=(3, 2)), "reshape_shape": lambda m, x: x.reshape(shape=(3, 2)),
    "expand_size": lambda m, x: x.expand(size=(2, 2, 3)), "repeat_repeats": lambda m, x: x.repeat(repeats=(2, 1)),
    "permute_dims": lambda m, x: x.permute(dims=(1, 0)), "pow_exponent": lambda m, x: x.pow(exponent=2),
    "flip_dims": lambda m, x: x.flip(dims=(0,)), "sum_axis": lambda m, x: x.sum(axis=1),
    "sum_keepdims": lambda m, x: x.sum(1, keepdims=True), "max_axis": lambda m, x: x.max(axis=1).values,
    "cat_axis": lambda m, x: m.cat([x, x], axis=1), "mean_axis": lambda m, x: x.mean(axis=0, keepdim=True),
    "torch_sum_axis": lambda m, x: m.sum(x, axis=0), "add_positional_alpha": lambda m, x: x.add(1, 2),
    "softmax_axis": lambda m, x: x.softmax(axis=1), "argmax_axis": lambda m, x: x.argmax(axis=1),
}


@pytest.mark.parametrize("case", sorted(KEYWORD_FORMS))
def test_keyword_forms_match_torch(case, torch):
    got, want = (KEYWORD_FORMS[case](m, m.arange(6.0).reshape(2, 3)) for m in (tc, torch))
    assert (tuple(got) == tuple(want)) if not hasattr(got, "tolist") else got.tolist() == want.tolist()


@pytest.mark.parametrize("call", [lambda m: m.zeros(), lambda m: m.randn(), lambda m: m.randint(0, 10, 3),
                                  lambda m: m.full(2, 1.0), lambda m: m.arange(6.0).view(),
                                  lambda m: m.arange(6.0).float(1), lambda m: m.arange(6.0).max(None),
                                  lambda m: m.clamp(3), lambda m: m.arange(3.0).new_zeros()])
def test_malformed_calls_raise_type_error_like_torch(call, torch):
    for m in (tc, torch):
        with pytest.raises(TypeError):
            call(m)
