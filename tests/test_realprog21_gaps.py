"""Differences found by running real public PyTorch programs under tensorcore
(tests/real_programs, helper realprog21: lucidrains' einops models, llama2.c,
minLoRA, ...), each reduced to a repro and compared with PyTorch here. Every case
failed or differed before its fix."""
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _raised(fn, lib):
    try:
        fn(lib)
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return type(e).__name__, str(e)
    return None


def _structure(module):
    """What a program sees of a module: parameter names and shapes, state_dict keys, child names."""
    return ([(n, tuple(p.shape)) for n, p in module.named_parameters()], list(module.state_dict().keys()),
            [n for n, _ in module.named_children()])


def _nested_parameter_lists(lib):
    # lucidrains/vit-pytorch normalized_vit.py: a ParameterList of per-layer ParameterLists.
    scales = lib.nn.ParameterList([])
    for _ in range(2):
        scales.append(lib.nn.ParameterList([lib.nn.Parameter(lib.ones(3)), lib.nn.Parameter(lib.ones(3))]))
    return scales


def _mixed_parameter_list(lib):
    pl = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2)), lib.nn.Linear(2, 3), 5, lib.zeros(1)])
    pl[2] = lib.nn.ParameterList([lib.ones(4)])
    return pl


def _parameter_dict_with_module(lib):
    return lib.nn.ParameterDict({"a": lib.nn.Parameter(lib.ones(2)), "b": lib.nn.ParameterList([lib.ones(1)]),
                                 "c": 3, "d": lib.nn.Linear(1, 1)})


@pytest.mark.parametrize("build", [_nested_parameter_lists, _mixed_parameter_list, _parameter_dict_with_module],
                         ids=["nested_lists", "mixed_list", "dict_with_modules"])
def test_module_entries_of_parameter_containers_are_submodules(build):
    ours, theirs = build(tc), build(torch)
    assert _structure(ours) == _structure(theirs)
    assert sum(p.numel() for p in ours.parameters()) == sum(p.numel() for p in theirs.parameters())
    assert repr(ours).replace("tensorcore.", "torch.") == repr(theirs)


def test_parameter_dict_refuses_non_string_key_like_torch():
    def set_int_key(lib):
        lib.nn.ParameterDict()[1] = lib.ones(1)
    assert _raised(set_int_key, tc) == _raised(set_int_key, torch)
    assert _raised(set_int_key, tc)[0] == "TypeError"


def test_optimizer_sees_nested_parameter_list_entries():
    # Before the fix the inner lists' parameters were not the module's, so Adam never updated them.
    for lib in (tc, torch):
        lib.manual_seed(0)
    ours, theirs = _nested_parameter_lists(tc), _nested_parameter_lists(torch)
    results = []
    for lib, scales in ((tc, ours), (torch, theirs)):
        opt = lib.optim.SGD(scales.parameters(), lr=0.5)
        loss = sum((a * b).sum() for a, b in scales)
        loss.backward()
        opt.step()
        results.append([p.detach().numpy().tolist() for p in scales.parameters()])
    assert results[0] == results[1]
