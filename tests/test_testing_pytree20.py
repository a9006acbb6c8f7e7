"""tensorcore.testing (assert_close, assert_allclose, make_tensor) and
tensorcore.utils._pytree against PyTorch 2.13: each case runs under both
libraries and must give the same outcome -- the same exception type and
message (module names aside), or the same printed result. make_tensor draws
from randint/uniform_ as PyTorch does, so seeded draws match value for value."""
import collections
import importlib
import warnings

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _outcome(f, m):
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            r = f(m)
        return "ok", str(r).replace("tensorcore", "torch"), [str(w.message) for w in caught]
    except Exception as e:  # the outcome compared is the exception itself
        return type(e).__name__, str(e).replace("tensorcore", "torch")


def _same(f):
    ours, theirs = _outcome(f, tc), _outcome(f, torch)
    assert ours == theirs


# ---- assert_close / assert_allclose ----
def _ac(m):
    return m.testing.assert_close


ASSERT_CLOSE = {
    "equal": lambda m: _ac(m)(m.tensor([1., 2.]), m.tensor([1., 2.])),
    "not_close": lambda m: _ac(m)(m.tensor([1., 2., 3.]), m.tensor([1., 2.5, 3.])),
    "float64_2d": lambda m: _ac(m)(m.tensor([[1., 2.], [3, 4]], dtype=m.float64),
                                   m.tensor([[1., 2.], [3, 4.0001]], dtype=m.float64)),
    "int": lambda m: _ac(m)(m.tensor([1, 2, 3]), m.tensor([1, 5, 3])),
    "uint8_no_wraparound": lambda m: _ac(m)(m.tensor([1, 2, 3], dtype=m.uint8), m.tensor([1, 5, 3], dtype=m.uint8)),
    "bool": lambda m: _ac(m)(m.tensor([True, False]), m.tensor([True, True])),
    "zero_dim": lambda m: _ac(m)(m.tensor(1.), m.tensor(1.5)),
    "expected_zero_inf_rel": lambda m: _ac(m)(m.tensor([0., 1.]), m.tensor([1., 1.])),
    "nan_not_equal": lambda m: _ac(m)(m.tensor([float("nan")]), m.tensor([float("nan")])),
    "nan_equal_nan": lambda m: _ac(m)(m.tensor([float("nan")]), m.tensor([float("nan")]), equal_nan=True),
    "nan_vs_number": lambda m: _ac(m)(m.tensor([1., float("nan"), 3.]), m.tensor([1., 2., 3.])),
    "inf_equal": lambda m: _ac(m)(m.tensor([float("inf")]), m.tensor([float("inf")])),
    "dtype_mismatch": lambda m: _ac(m)(m.tensor([1.]), m.tensor([1.], dtype=m.float64)),
    "dtype_unchecked": lambda m: _ac(m)(m.tensor([1.]), m.tensor([1.5], dtype=m.float64), check_dtype=False),
    "dtype_unchecked_int": lambda m: _ac(m)(m.tensor([1.]), m.tensor([1]), check_dtype=False),
    "shape": lambda m: _ac(m)(m.tensor([1.]), m.tensor([1., 2.])),
    "stride_checked": lambda m: _ac(m)(m.zeros(2, 3).t(), m.zeros(3, 2), check_stride=True),
    "stride_unchecked": lambda m: _ac(m)(m.zeros(2, 3).t(), m.zeros(3, 2)),
    "only_rtol": lambda m: _ac(m)(m.tensor([1.]), m.tensor([1.]), rtol=1e-3),
    "only_atol": lambda m: _ac(m)(m.tensor([1.]), m.tensor([1.]), atol=1e-3),
    "explicit_tolerances": lambda m: _ac(m)(m.tensor([1.]), m.tensor([1.1]), rtol=0, atol=0.2),
    "zero_tolerance_says_equal": lambda m: _ac(m)(m.tensor([1., 2.]), m.tensor([1.1, 2.]), rtol=0, atol=0),
    "half": lambda m: _ac(m)(m.tensor([1.], dtype=m.float16), m.tensor([1.001], dtype=m.float16)),
    "bfloat16": lambda m: _ac(m)(m.tensor([1.], dtype=m.bfloat16), m.tensor([1.02], dtype=m.bfloat16)),
    "complex_tensor": lambda m: _ac(m)(m.tensor([1 + 1j]), m.tensor([1 + 2j])),
    "list": lambda m: _ac(m)([m.tensor([1.]), m.tensor([2.])], [m.tensor([1.]), m.tensor([2.5])]),
    "list_length": lambda m: _ac(m)([m.tensor([1.])], [m.tensor([1.]), m.tensor([2.])]),
    "dict": lambda m: _ac(m)({"a": m.tensor([1.]), "b": [1, 2]}, {"a": m.tensor([1.]), "b": [1, 3]}),
    "dict_keys": lambda m: _ac(m)({"a": 1, "c": 2}, {"a": 1, "b": 2}),
    "nested": lambda m: _ac(m)({"x": [m.tensor([[1., 2.], [3., 4.]])]}, {"x": [m.tensor([[1., 2.], [3., 5.]])]}),
    "tuple_vs_list": lambda m: _ac(m)((1, 2), [1, 2]),
    "ordereddict_vs_dict": lambda m: _ac(m)(collections.OrderedDict(a=1), {"a": 1}),
    "many_mismatches": lambda m: _ac(m)(m.arange(100.).reshape(10, 10), m.arange(100.).reshape(10, 10) * 1.01),
    "python_float": lambda m: _ac(m)(1.0, 1.5),
    "python_float_close": lambda m: _ac(m)(1.0, 1.0 + 1e-9),
    "int_vs_float": lambda m: _ac(m)(1, 1.0),
    "int_vs_float_unchecked": lambda m: _ac(m)(1, 1.0, check_dtype=False),
    "complex_number": lambda m: _ac(m)(1 + 1j, 1 + 2j),
    "bools": lambda m: _ac(m)(True, False),
    "bool_vs_int": lambda m: _ac(m)(True, 1),
    "none": lambda m: _ac(m)(None, None),
    "none_vs_int": lambda m: _ac(m)(None, 1),
    "tensor_vs_list": lambda m: _ac(m)(m.tensor([1, 2]), [1, 2]),
    "tensor_vs_float": lambda m: _ac(m)(m.tensor(1.), 1.),
    "numpy_arrays": lambda m: _ac(m)(np.array([1., 2.]), np.array([1., 2.1])),
    "numpy_float32": lambda m: _ac(m)(np.float32(1.0), np.float32(1.5)),
    "numpy_float64_vs_float": lambda m: _ac(m)(np.float64(1.0), 1.5),
    "numpy_bool": lambda m: _ac(m)(np.bool_(True), False),
    "tensor_vs_numpy": lambda m: _ac(m)(m.tensor([1.]), np.array([1.])),
    "strings": lambda m: _ac(m)("a", "b"),
    "msg_string": lambda m: _ac(m)(m.tensor([1.]), m.tensor([2.]), msg="custom"),
    "msg_callable_sees_item": lambda m: _ac(m)([m.tensor([1.])], [m.tensor([2.])], msg=lambda s: "X:" + s),
    "msg_not_used_for_structure": lambda m: _ac(m)([1], [1, 2], msg="custom"),
    "parameter_vs_tensor": lambda m: _ac(m)(m.nn.Parameter(m.tensor([1.])), m.tensor([1.])),
    "subclass_refused": lambda m: _ac(m)(m.nn.Parameter(m.tensor([1.])), m.tensor([1.]), allow_subclasses=False),
    "requires_grad_ignored": lambda m: _ac(m)(m.tensor([1.], requires_grad=True), m.tensor([1.])),
    "empty": lambda m: _ac(m)(m.zeros(0), m.zeros(0)),
    "negative_zero": lambda m: _ac(m)(m.tensor([-0.0]), m.tensor([0.0])),
    "int64_beyond_double": lambda m: _ac(m)(m.tensor([2**62]), m.tensor([2**62 + 1])),
    "negative_rtol_is_an_unexpected_error": lambda m: _ac(m)(m.tensor([1.]), m.tensor([1.]), rtol=-1., atol=0.),
    "grad_tensor_mismatch": lambda m: _ac(m)(m.tensor([1., 2.], requires_grad=True) * 2, m.tensor([2., 5.])),
    "inf_vs_number": lambda m: _ac(m)(m.tensor([float("inf"), 1.]), m.tensor([1., 1.])),
    "complex_mismatch": lambda m: _ac(m)(m.tensor([1 + 1j, 2 + 2j]), m.tensor([1 + 1j, 2 + 3j])),
    "complex_zero_dim": lambda m: _ac(m)(m.tensor(1 + 1j), m.tensor(1 + 3j)),
    "index_3d": lambda m: _ac(m)(m.zeros(2, 3, 4), m.zeros(2, 3, 4).index_fill(2, m.tensor([3]), 1.)),
    "sparse_values": lambda m: _ac(m)(m.tensor([[0., 1.], [2., 0.]]).to_sparse(), m.tensor([[0., 1.], [3., 0.]]).to_sparse()),
    "sparse_vs_dense_layout": lambda m: _ac(m)(m.tensor([[0., 1.], [2., 0.]]).to_sparse(), m.tensor([[0., 1.], [2., 0.]])),
    "sparse_vs_dense_unchecked": lambda m: _ac(m)(m.tensor([[0., 1.], [2., 0.]]).to_sparse(),
                                                  m.tensor([[0., 1.], [2., 0.]]), check_layout=False),
    "size_objects": lambda m: _ac(m)(m.Size([2, 3]), m.Size([2, 4])),
    "float16_large": lambda m: _ac(m)(m.tensor([1., 100.], dtype=m.float16), m.tensor([1., 101.], dtype=m.float16)),
    "transposed_empty": lambda m: _ac(m)(m.zeros(0, 3), m.zeros(3, 0)),
    "allclose_default_tolerance": lambda m: m.testing.assert_allclose(m.tensor([1.]), m.tensor([1.00001])),
    "allclose_fails": lambda m: m.testing.assert_allclose(m.tensor([1.]), [1.1]),
    "allclose_nan_equal": lambda m: m.testing.assert_allclose(m.tensor([float("nan")]), m.tensor([float("nan")])),
    "allclose_msg": lambda m: m.testing.assert_allclose(1., 2., msg="m"),
}


@pytest.mark.parametrize("name", sorted(ASSERT_CLOSE))
def test_assert_close_matches_torch(name):
    _same(ASSERT_CLOSE[name])


def test_assert_close_message_text():
    """The full message, spelled out once (the parametrized cases compare it with PyTorch's)."""
    with pytest.raises(AssertionError) as info:
        tc.testing.assert_close(tc.tensor([1., 2., 3.]), tc.tensor([1., 2.5, 3.]))
    assert str(info.value) == ("Tensor-likes are not close!\n\nMismatched elements: 1 / 3 (33.3%)\n"
                               "Greatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)\n"
                               "Greatest relative difference: 0.20000000298023224 at index (1,) (up to 1.3e-06 allowed)")


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int8", "uint8",
                                   "bool", "complex64", "complex128"])
@pytest.mark.parametrize("rtol, atol, equal_nan", [(1e-5, 1e-8, False), (0, 0, False), (1e-2, 1e-3, True),
                                                   (0.5, 0, False), (0, 2, True), (0, 0, True)])
def test_isclose_matches_torch(dtype, rtol, atol, equal_nan):
    """isclose as ATen: exact equality first (int64 values 1 apart stay apart), integers and
    bools compared in the default dtype (uint8 0 vs 200 differ by 200, not a wrapped 56)."""
    values = {"complex64": [0, 1, 2 + 1j, 1j, 2**40, 1.0001 - 1e-3j, 1.00001],
              "int64": [0, 1, 2, 3, 5, 100, -4, 2**30, 2**62, 2**62 + 1], "int32": [0, 1, 2, 3, 5, 100, -4, 2**30],
              "int8": [0, 1, -128, 127, 5], "uint8": [0, 1, 2, 3, 200], "bool": [False, True]}
    values["complex128"] = values["complex64"]
    pool = values.get(dtype, [0, 1, 2, -1, float("nan"), float("inf"), float("-inf"), 1.0001, 2**40, 1e-9, 1.00001])
    rng = np.random.default_rng(0)
    a = [pool[i] for i in rng.choice(len(pool), 60)]
    b = [pool[i] for i in rng.choice(len(pool), 60)]

    def run(m):
        dt = getattr(m, dtype)
        return m.isclose(m.tensor(a, dtype=dt), m.tensor(b, dtype=dt), rtol=rtol, atol=atol, equal_nan=equal_nan).tolist()
    assert run(tc) == run(torch)


@pytest.mark.parametrize("kwargs", [dict(rtol=-1.), dict(atol=-1), dict(rtol=-0.5, atol=-1.)])
def test_isclose_negative_tolerance_errors_match_torch(kwargs):
    _same(lambda m: m.isclose(m.ones(2), m.ones(2), **kwargs))


def test_isclose_compares_complex_by_modulus():
    a = [1 + 1j, 1 + 1j, complex("nan"), complex(float("inf"), 0), 2 + 0j]
    b = [1 + 2j, 1 + 1.000001j, complex("nan"), complex(float("inf"), 0), 2 + 1e-9j]
    for equal_nan in (False, True):
        ours = tc.isclose(tc.tensor(a), tc.tensor(b), equal_nan=equal_nan).tolist()
        assert ours == torch.isclose(torch.tensor(a), torch.tensor(b), equal_nan=equal_nan).tolist()


# ---- make_tensor ----
MAKE_TENSOR = {
    "float32": (lambda m: dict(dtype=m.float32, device="cpu"), (3, 4)),
    "float64_tuple_shape": (lambda m: dict(dtype=m.float64, device="cpu"), ((2, 3),)),
    "list_shape": (lambda m: dict(dtype=m.float64, device="cpu"), ([2, 3],)),
    "int64": (lambda m: dict(dtype=m.int64, device="cpu"), (5,)),
    "int32_range": (lambda m: dict(dtype=m.int32, device="cpu", low=-3, high=3), (5,)),
    "uint8": (lambda m: dict(dtype=m.uint8, device="cpu"), (6,)),
    "int8_clamped": (lambda m: dict(dtype=m.int8, device="cpu", low=-1000, high=1000), (6,)),
    "bool": (lambda m: dict(dtype=m.bool, device="cpu"), (6,)),
    "unit_range": (lambda m: dict(dtype=m.float32, device="cpu", low=0, high=1), (4,)),
    "float_bounds_int_dtype": (lambda m: dict(dtype=m.int64, device="cpu", low=0.5, high=3.2), (4,)),
    "requires_grad": (lambda m: dict(dtype=m.float32, device="cpu", requires_grad=True), (2,)),
    "requires_grad_int": (lambda m: dict(dtype=m.int64, device="cpu", requires_grad=True), (2,)),
    "noncontiguous": (lambda m: dict(dtype=m.float32, device="cpu", noncontiguous=True), (2, 3)),
    "noncontiguous_one_element": (lambda m: dict(dtype=m.float32, device="cpu", noncontiguous=True), (1,)),
    "exclude_zero_int": (lambda m: dict(dtype=m.int64, device="cpu", low=0, high=2, exclude_zero=True), (20,)),
    "low_not_below_high": (lambda m: dict(dtype=m.float32, device="cpu", low=2, high=1), (3,)),
    "low_equals_high_float": (lambda m: dict(dtype=m.float32, device="cpu", low=1, high=1), (3,)),
    "low_equals_high_int": (lambda m: dict(dtype=m.int64, device="cpu", low=1, high=1), (3,)),
    "nan_bound": (lambda m: dict(dtype=m.float32, device="cpu", low=float("nan")), (3,)),
    "outside_dtype": (lambda m: dict(dtype=m.uint8, device="cpu", low=300, high=400), (3,)),
    "complex64": (lambda m: dict(dtype=m.complex64, device="cpu"), (3,)),
    "full_float_range": (lambda m: dict(dtype=m.float32, device="cpu", low=-3e38, high=3e38), (3,)),
    "float16": (lambda m: dict(dtype=m.float16, device="cpu"), (3,)),
    "bfloat16": (lambda m: dict(dtype=m.bfloat16, device="cpu"), (3,)),
    "scalar": (lambda m: dict(dtype=m.float32, device="cpu"), ((),)),
    "no_device": (lambda m: dict(dtype=m.float32), (3,)),
    "noncontiguous_and_memory_format": (
        lambda m: dict(dtype=m.float32, device="cpu", memory_format=m.channels_last, noncontiguous=True), (1, 2, 3, 4)),
}


@pytest.mark.parametrize("name", sorted(MAKE_TENSOR))
def test_make_tensor_matches_torch(name):
    kwargs, shape = MAKE_TENSOR[name]

    def draw(m):
        m.manual_seed(0)
        t = m.testing.make_tensor(*shape, **kwargs(m))
        return t.tolist(), str(t.dtype), tuple(t.shape), t.stride(), t.is_contiguous(), t.requires_grad
    _same(draw)


def test_make_tensor_exclude_zero_float_uses_tiny():
    for m in (tc, torch):
        m.manual_seed(0)
        t = m.testing.make_tensor(50, dtype=m.float32, device="cpu", low=0, high=1e-44, exclude_zero=True)
        assert (t != 0).all()
    ours = tc.testing.make_tensor(4, dtype=tc.float32, device="cpu", low=0, high=1e-44, exclude_zero=True)
    assert ours.min().item() >= torch.finfo(torch.float32).tiny or ours.min().item() > 0


# ---- utils._pytree ----
def _pt(m):
    return importlib.import_module(m.__name__ + ".utils._pytree")


P = collections.namedtuple("P", "x y")
Q = collections.namedtuple("Q", "x y")


def _tree(m):
    return {"b": [1, (2, 3)], "a": None, "c": collections.OrderedDict(z=4, y=5), "d": P(6, 7),
            "e": collections.defaultdict(list, {"k": 8}), "f": collections.deque([9, 10], maxlen=3),
            "g": m.tensor([1.])}


class Point:
    def __init__(self, a, b):
        self.a, self.b = a, b

    def __repr__(self):
        return f"Point({self.a}, {self.b})"


PYTREE = {
    "flatten": lambda m: _pt(m).tree_flatten(_tree(m)),
    "spec_repr": lambda m: repr(_pt(m).tree_structure(_tree(m))),
    "pprint": lambda m: _pt(m).treespec_pprint(_pt(m).tree_structure(_tree(m))),
    "roundtrip": lambda m: _pt(m).tree_unflatten(*_pt(m).tree_flatten(_tree(m))),
    "unflatten_spec_first": lambda m: _pt(m).tree_unflatten(_pt(m).tree_structure([1, 2]), [3, 4]),
    "unflatten_not_a_spec": lambda m: _pt(m).tree_unflatten([1, 2], [3]),
    "unflatten_wrong_count": lambda m: _pt(m).tree_unflatten([1, 2], _pt(m).tree_structure([1, [2, 3]])),
    "leaves_and_empties": lambda m: [_pt(m).tree_flatten(x) for x in (1, None, (), [], {})],
    "counts": lambda m: (lambda s: (s.num_leaves, s.num_nodes, s.num_children, s.type, s.context))(
        _pt(m).tree_structure(_tree(m))),
    "map": lambda m: _pt(m).tree_map(lambda x: x * 2, [1, (2, {"a": 3})]),
    "map_two_trees": lambda m: _pt(m).tree_map(lambda x, y: x + y, [1, 2], [3, 4]),
    "map_prefix": lambda m: _pt(m).tree_map(lambda x, y: (x, y), [1, 2], [[3, 4], {"a": 5}]),
    "map_arity": lambda m: _pt(m).tree_map(lambda x, y: x + y, [1, 2], [3, 4, 5]),
    "map_node_type": lambda m: _pt(m).tree_map(lambda x, y: x + y, [1, 2], (3, 4)),
    "map_keys": lambda m: _pt(m).tree_map(lambda x, y: x + y, {"a": 1, "b": 2}, {"a": 1, "c": 2}),
    "map_dict_kinds": lambda m: _pt(m).tree_map(lambda x, y: x + y, {"a": 1, "b": 2}, collections.OrderedDict(b=1, a=2)),
    "map_none_is_leaf": lambda m: _pt(m).tree_map(lambda x: x is None, {"x": 7, "z": None}),
    "map_only_type": lambda m: _pt(m).tree_map_only(int, lambda x: -x, [1, 2.0, "s", True]),
    "map_only_types": lambda m: _pt(m).tree_map_only((int, float), lambda x: -x, [1, 2.0, "s"]),
    "map_only_predicate": lambda m: _pt(m).tree_map_only(lambda x: isinstance(x, str), lambda x: x + "!", [1, "s"]),
    "map_only_bad": lambda m: _pt(m).tree_map_only(3, lambda x: x, [1]),
    "map_only_tensor": lambda m: _pt(m).tree_map_only(m.Tensor, lambda t: t + 1, {"a": m.tensor([1.]), "b": 2}),
    "is_leaf": lambda m: _pt(m).tree_leaves([1, [2, [3]]], is_leaf=lambda x: isinstance(x, list) and len(x) == 1),
    "spec_equality": lambda m: (lambda s: (s([1, 2]) == s([3, 4]), s([1, 2]) == s((3, 4)),
                                           s({"a": 1, "b": 2}) == s({"b": 1, "a": 2}),
                                           hash(s([1, 2])) == hash(s([3, 4]))))(_pt(m).tree_structure),
    "with_path": lambda m: _pt(m).tree_flatten_with_path({"a": [1, P(2, 3)]}),
    "keystr": lambda m: [_pt(m).keystr(k) for k, _ in _pt(m).tree_flatten_with_path(
        {"a": [1, P(2, 3)], "d": collections.defaultdict(int, x=1)})[0]],
    "map_with_path": lambda m: _pt(m).tree_map_with_path(lambda k, v: _pt(m).keystr(k) + str(v), {"a": [1, 2]}),
    "all_any": lambda m: (_pt(m).tree_all(lambda x: x > 0, [1, 2]), _pt(m).tree_any(lambda x: x > 1, [1]),
                          _pt(m).tree_all_only(int, lambda x: x > 0, [1, "a"]),
                          _pt(m).tree_any_only(str, lambda x: x == "a", [1, "a"])),
    "return_types_node": lambda m: repr(_pt(m).tree_structure(m.max(m.tensor([1., 2.]), 0))),
    "return_types_map": lambda m: _pt(m).tree_map(lambda t: t * 2, m.max(m.tensor([1., 2.]), 0)),
    "dumps": lambda m: _pt(m).treespec_dumps(_pt(m).tree_structure(
        [1, {"a": 2}, (3,), collections.OrderedDict(x=1), collections.defaultdict(list, {"k": 1}),
         collections.deque([1], maxlen=2)])),
    "loads": lambda m: _pt(m).treespec_loads(_pt(m).treespec_dumps(_pt(m).tree_structure(
        [1, {"a": 2}, (3,), collections.defaultdict(list, {"k": 1})]))),
    "dumps_namedtuple": lambda m: _pt(m).treespec_dumps(_pt(m).tree_structure(P(1, 2))),
    "leaf_spec": lambda m: (repr(_pt(m).LeafSpec()), _pt(m).LeafSpec() == _pt(m).tree_structure(1),
                            _pt(m).tree_is_leaf(None), _pt(m).tree_is_leaf([1])),
    "children": lambda m: (_pt(m).tree_structure([1, (2, 3)]).children(), _pt(m).tree_structure([1, (2, 3)]).child(1)),
    "namedtuple_tests": lambda m: (_pt(m).is_namedtuple(P(1, 2)), _pt(m).is_namedtuple((1, 2)),
                                   _pt(m).is_structseq(m.max(m.tensor([1.]), 0))),
    "flatten_up_to": lambda m: _pt(m).tree_structure([1, [2, 3]]).flatten_up_to([[9], (7, 8)]),
    "empty_containers_repr": lambda m: repr(_pt(m).tree_structure([[], (), {}, [[1]]])),
    "size_is_a_node": lambda m: _pt(m).tree_flatten(m.Size([2, 3])),
    "size_unflattens_to_tuple": lambda m: (_pt(m).tree_unflatten([3, 4], _pt(m).tree_structure(m.Size([2, 3]))),
                                           _pt(m).tree_map(lambda x: x * 2, m.Size([2, 3])),
                                           _pt(m).treespec_dumps(_pt(m).tree_structure(m.Size([2])))),
    "dumps_not_a_spec": lambda m: _pt(m).treespec_dumps([1]),
    "dumps_unknown_protocol": lambda m: _pt(m).treespec_dumps(_pt(m).tree_structure([1]), protocol=2),
    "modules_are_leaves": lambda m: _pt(m).tree_flatten([m.nn.Linear(1, 1)])[1],
    "int_keys_and_quotes": lambda m: (repr(_pt(m).tree_structure({1: "a", 2: ("b", None)})),
                                      repr(_pt(m).tree_structure({"it's": 1, 'say "hi"': 2}))),
    "context_mismatches": lambda m: [_outcome(f, m) for f in (
        lambda m: _pt(m).tree_map(lambda x, y: x + y, collections.deque([1], maxlen=2), collections.deque([1], maxlen=3)),
        lambda m: _pt(m).tree_map(lambda x, y: x + y, collections.defaultdict(int, a=1), collections.defaultdict(list, a=1)),
        lambda m: _pt(m).tree_map(lambda x, y: x + y, {"a": 1}, collections.defaultdict(list, a=1)))],
    "named_return_types": lambda m: _pt(m).tree_map(lambda t: t * 2, m.linalg.slogdet(m.eye(2))),
    "arg_tree_leaves": lambda m: _pt(m).arg_tree_leaves(1, [2, 3], k={"a": 4}),
    "non_containers_are_leaves": lambda m: _pt(m).tree_flatten(["ab", b"cd", 1.5, {1, 2}, frozenset()]),
}


@pytest.mark.parametrize("name", sorted(PYTREE))
def test_pytree_matches_torch(name):
    _same(PYTREE[name])


def test_pytree_namedtuple_context_mismatch():
    for m in (tc, torch):
        with pytest.raises(ValueError, match=r"Node context mismatch for node type .*expected <class '.*P'>, "
                                             r"but got <class '.*Q'>"):
            _pt(m).tree_map(lambda x, y: x + y, P(1, 2), Q(1, 2))


def test_register_pytree_node_matches_torch():
    def use(m):
        class Pair:
            def __init__(self, a, b):
                self.a, self.b = a, b

            def __repr__(self):
                return f"Pair({self.a}, {self.b})"
        pt = _pt(m)
        pt.register_pytree_node(Pair, lambda o: ([o.a, o.b], None), lambda v, c: Pair(*v))
        out = [pt.tree_flatten([Pair(1, Pair(2, 3))])[0], pt.tree_map(lambda x: x * 10, Pair(1, 2)),
               repr(pt.tree_structure(Pair(1, 2))).replace(".<locals>", "")]
        for bad in (lambda: pt.register_pytree_node(Pair, lambda o: ([], None), lambda v, c: None),
                    lambda: pt.tree_flatten_with_path(Pair(1, 2)),
                    lambda: pt.tree_map(lambda x, y: x, Pair(1, 2), [1, 2])):
            try:
                bad()
            except Exception as e:  # compared below
                out.append((type(e).__name__, str(e).split(" at 0x")[0].split("<locals>.")[-1]))
        return out
    ours = str(use(tc)).replace("tensorcore", "torch")
    assert ours == str(use(torch))


def test_func_transforms_use_the_pytree_registry():
    """torch.func flattens with torch.utils._pytree: defaultdict, deque and registered nodes are containers."""
    def run(m):
        pt = _pt(m)

        class Pair:
            def __init__(self, a, b):
                self.a, self.b = a, b
        pt.register_pytree_node(Pair, lambda p: ([p.a, p.b], None), lambda v, c: Pair(*v))
        x = {"a": m.tensor([1., 2.]), "b": m.tensor([3., 4.])}
        out = [m.func.grad(lambda d: (d["a"] * d["b"]).sum())(collections.defaultdict(list, x)),
               m.func.grad(lambda d: (d["a"] * d["b"]).sum())(collections.OrderedDict(x)),
               m.func.jacrev(lambda a: collections.deque([a * 2, a.sin()]))(m.tensor([0.5])),
               m.func.vmap(lambda d: d["a"].sum(), in_dims=({"a": 1},))({"a": m.arange(6.).reshape(2, 3)})]
        g = m.func.grad(lambda p: (p.a * p.b).sum())(Pair(m.tensor([1., 2.]), m.tensor([3., 4.])))
        out.append((type(g).__name__, g.a, g.b))
        return str(out).replace("tensorcore", "torch")
    assert run(tc) == run(torch)


def test_register_dataclass_and_private_registration_match_torch():
    def run(m):
        import dataclasses
        pt = _pt(m)
        out = []

        @dataclasses.dataclass
        class Fields:
            a: object
            b: object = None
            c: int = dataclasses.field(default=3, init=False)
        pt.register_dataclass(Fields)
        out += [pt.tree_flatten(Fields(m.ones(1), None)), pt.tree_map(lambda x: x * 2, Fields(1, 2)),
                pt.tree_flatten_with_path(Fields(1, 2))[0]]

        class Plain:
            def __init__(self, x):
                self.x = x
        for bad in (lambda: pt.register_dataclass(Plain), lambda: pt.register_dataclass(Fields, field_names=["a"]),
                    lambda: pt.register_dataclass(Fields, field_names=["a", "b", "z"])):
            try:
                bad()
            except ValueError as e:
                out.append(str(e).split("<locals>.")[-1])

        class Box:
            def __init__(self, v):
                self.v = v
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pt._register_pytree_node(Box, lambda b: ([b.v], None), lambda v, c: Box(*v))
            pt._register_pytree_node(Box, lambda b: ([b.v], None), lambda v, c: Box(*v), lambda c: "", None)
        out.append([(w.category.__name__, str(w.message).split("<locals>.")[-1]) for w in caught])
        out.append(pt.tree_leaves([Box(5)]))
        return str(out).replace("tensorcore", "torch").replace("run.<locals>.", "")
    assert run(tc) == run(torch)


@pytest.mark.parametrize("case", ["tensor_and_dtype", "integer", "custom_table", "not_a_tensor"])
def test_default_tolerances_match_torch(case):
    def run(m):
        default_tolerances = importlib.import_module(m.__name__ + ".testing._comparison").default_tolerances
        args = {"tensor_and_dtype": lambda: default_tolerances(m.ones(1), m.float16),
                "integer": lambda: default_tolerances(m.ones(1, dtype=m.int64)),
                "custom_table": lambda: default_tolerances(m.ones(1), dtype_precisions={m.float32: (1., 2.)}),
                "not_a_tensor": lambda: default_tolerances(1)}[case]
        return args()
    _same(run)
