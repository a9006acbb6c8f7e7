"""What real programs print besides tensor values: the classes that type()
reports, f-strings of Parameters, module reprs, pickled Generators, Python's
own error messages that quote the Tensor type. Each case builds the same
object under PyTorch and tensorcore and compares the printed text after the
library name is renamed ("tensorcore" -> "torch"). Found by a differential
probe of reprs (modules, parameters, optimizers, schedulers, data utilities);
each case differed before its fix."""
import copy
import pickle

import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _as_torch(text):
    return text.replace("tensorcore", "torch")


def _outcome(thunk):
    """The printed text, or the exception type and message when it raises."""
    try:
        return _as_torch(thunk())
    except Exception as e:  # the comparison is of what a program would see
        return f"{type(e).__name__}: {_as_torch(str(e))}"


@pytest.mark.parametrize("build", [
    lambda lib: lib.float32,
    lambda lib: lib.ones(2).shape,
    lambda lib: lib.Size([]),
    lambda lib: lib.finfo(lib.float32),
    lambda lib: lib.iinfo(lib.int8),
    lambda lib: lib.Generator(),
    lambda lib: lib.manual_seed(0),
    lambda lib: lib.no_grad(),
    lambda lib: lib.enable_grad(),
    lambda lib: lib.inference_mode(),
    lambda lib: lib.set_grad_enabled(True),
    lambda lib: lib.ones(2),
    lambda lib: lib.nn.Parameter(lib.ones(2)),
], ids=["dtype", "Size", "empty Size", "finfo", "iinfo", "Generator", "manual_seed", "no_grad", "enable_grad",
        "inference_mode", "set_grad_enabled", "Tensor", "Parameter"])
def test_type_prints_as_pytorch(build):
    ours, theirs = build(tc), build(torch)
    assert _as_torch(str(type(ours))) == str(type(theirs))
    assert _as_torch(type(ours).__module__) == type(theirs).__module__


@pytest.mark.parametrize("spec", ["", ".3f", ">12", "e"])
@pytest.mark.parametrize("build", [
    lambda lib: lib.tensor(2.125),
    lambda lib: lib.tensor(2.125, requires_grad=True) * 2,
    lambda lib: lib.nn.Parameter(lib.tensor(3.5)),
    lambda lib: lib.nn.Parameter(lib.tensor([1.0, 2.0])),
    lambda lib: lib.nn.Parameter(lib.tensor(1.5), requires_grad=False),
    lambda lib: lib.tensor([1.0, 2.0]),
], ids=["0-dim", "0-dim grad", "0-dim Parameter", "Parameter", "frozen 0-dim Parameter", "1-dim"])
def test_format_spec_as_pytorch(build, spec):
    # Only a plain 0-dim Tensor formats as its number: PyTorch's Parameter falls back
    # to object.__format__ (str() for an empty spec, a TypeError otherwise).
    assert _outcome(lambda: format(build(tc), spec)) == _outcome(lambda: format(build(torch), spec))


class _MarkedTensor(tc.Tensor):
    pass


class _MarkedTorchTensor(torch.Tensor):
    pass


_MarkedTorchTensor.__name__ = _MarkedTensor.__name__  # the printed prefix sets the indent: the same name both sides


@pytest.mark.parametrize("spec", ["", ".2f"])
def test_format_of_a_tensor_subclass_names_the_subclass(spec):
    ours = _outcome(lambda: format(_MarkedTensor(tc.tensor(2.0)), spec))
    theirs = _outcome(lambda: format(_MarkedTorchTensor(torch.tensor(2.0)), spec))
    assert ours == theirs


@pytest.mark.parametrize("values", [[2.0, 3.0], [[1.0, 2.0], [3.0, 4.0]], 1.5, [1, 2]])
def test_repr_of_a_tensor_subclass_uses_its_class_name(values):
    ours = repr(_MarkedTensor(tc.tensor(values)))
    theirs = repr(_MarkedTorchTensor(torch.tensor(values)))
    assert _as_torch(ours) == theirs


@pytest.mark.parametrize("make_copy", [lambda g: pickle.loads(pickle.dumps(g)), copy.deepcopy],
                         ids=["pickle", "deepcopy"])
def test_generator_copies_carry_the_stream(make_copy):
    results = []
    for lib in (tc, torch):
        generator = lib.Generator().manual_seed(5)
        lib.rand(3, generator=generator)  # advance the stream past its seed
        duplicate = make_copy(generator)
        results.append((duplicate.initial_seed(), lib.rand(4, generator=duplicate).tolist(),
                        lib.rand(4, generator=generator).tolist()))
    assert results[0] == results[1]
    assert results[0][1] == results[0][2]  # the copy continues where the original stood


@pytest.mark.parametrize("value", [lambda lib: lib.Size([2, 3]), lambda lib: lib.float16, lambda lib: lib.int64])
def test_size_and_dtype_round_trip_through_pickle(value):
    assert pickle.loads(pickle.dumps(value(tc))) == value(tc)
    assert _as_torch(repr(pickle.loads(pickle.dumps(value(tc))))) == repr(value(torch))


@pytest.mark.parametrize("action", [
    lambda lib: lib.ones(1).not_an_attribute,
    lambda lib: lib.ones(1) + "a",
    lambda lib: "a" + lib.ones(1),
    lambda lib: lib.ones(1)(),
    lambda lib: len(lib.tensor(1.0)),
], ids=["missing attribute", "tensor + str", "str + tensor", "call", "len of 0-dim"])
def test_python_messages_quote_tensor_as_pytorch(action):
    assert _outcome(lambda: action(tc)) == _outcome(lambda: action(torch))


@pytest.mark.parametrize("build", [
    lambda nn: nn.Mish(inplace=True),
    lambda nn: nn.Mish(),
    lambda nn: nn.Hardswish(inplace=True),
    lambda nn: nn.SiLU(inplace=True),
    lambda nn: nn.Sequential(nn.Mish(True), nn.Mish(True), nn.Linear(2, 2)),
], ids=["Mish inplace", "Mish", "Hardswish inplace", "SiLU inplace", "Sequential of Mish"])
def test_module_repr_as_pytorch(build):
    assert _as_torch(repr(build(tc.nn))) == repr(build(torch.nn))


@pytest.mark.parametrize("build", [
    lambda nn: nn.Conv1d(2, 3, 3),
    lambda nn: nn.Conv2d(2, 4, (3, 1), padding="same"),
    lambda nn: nn.Conv3d(1, 1, 2, stride=2),
    lambda nn: nn.ConvTranspose2d(2, 2, 3, stride=2, output_padding=1),
], ids=["Conv1d", "Conv2d same", "Conv3d", "ConvTranspose2d"])
def test_convolutions_report_transposed_and_output_padding(build):
    ours, theirs = build(tc.nn), build(torch.nn)
    assert (ours.transposed, ours.output_padding) == (theirs.transposed, theirs.output_padding)


@pytest.mark.parametrize("size", [(("C", 2), ("H", 3)), (2, 2.0), [2, "3"], 4, (2, 3), [1, -1]],
                         ids=["named pairs", "float element", "str element", "int", "tuple", "list"])
def test_unflatten_checks_its_size_as_pytorch(size):
    assert _outcome(lambda: repr(tc.nn.Unflatten(1, size))) == _outcome(lambda: repr(torch.nn.Unflatten(1, size)))


def _public_classes(namespace_path):
    """{name: (tensorcore class, torch class)} of the public classes both namespaces have."""
    ours, theirs = tc, torch
    for part in filter(None, namespace_path.split(".")):
        ours, theirs = getattr(ours, part), getattr(theirs, part)
    pairs = {}
    for name in dir(theirs):
        ours_class, theirs_class = getattr(ours, name, None), getattr(theirs, name)
        if not name.startswith("_") and isinstance(ours_class, type) and isinstance(theirs_class, type):
            pairs[name] = (ours_class, theirs_class)
    return pairs


_PUBLIC_CLASSES = {f"{namespace}.{name}": pair
                   for namespace in ("", "nn", "optim", "optim.lr_scheduler", "utils.data", "distributions",
                                     "autograd")
                   for name, pair in _public_classes(namespace).items()}
# PyTorch's own file for this new class (linear_cross_entropy_options) has no tensorcore counterpart.
_PUBLIC_CLASSES.pop("nn.LinearCrossEntropyOptions", None)


@pytest.mark.parametrize("name", sorted(_PUBLIC_CLASSES))
def test_public_class_prints_with_pytorchs_module_path(name):
    ours, theirs = _PUBLIC_CLASSES[name]
    assert _as_torch(repr(ours)) == repr(theirs)


@pytest.mark.parametrize("build", [
    lambda nn: nn.Mish(), lambda nn: nn.ZeroPad2d(1), lambda nn: nn.Upsample(scale_factor=2),
    lambda nn: nn.InstanceNorm2d(2), lambda nn: nn.ConvTranspose2d(2, 2, 2), lambda nn: nn.ChannelShuffle(2),
    lambda nn: nn.ParameterList([nn.Parameter(tc.ones(1))]), lambda nn: nn.LazyLinear(2),
], ids=["Mish", "ZeroPad2d", "Upsample", "InstanceNorm2d", "ConvTranspose2d", "ChannelShuffle", "ParameterList",
        "LazyLinear"])
def test_moved_classes_still_pickle(build):
    module = build(tc.nn)
    copied = pickle.loads(pickle.dumps(module))
    assert type(copied) is type(module)
    assert repr(copied) == repr(module)
    assert getattr(__import__(type(module).__module__, fromlist=["_"]), type(module).__name__) is type(module)


def test_pytorch_home_module_imports():
    from tensorcore.nn.modules.activation import Mish
    from tensorcore.nn.modules.instancenorm import InstanceNorm1d
    from tensorcore.nn.modules.upsampling import Upsample
    from tensorcore.optim.adamw import AdamW
    assert (Mish, InstanceNorm1d, Upsample, AdamW) == (tc.nn.Mish, tc.nn.InstanceNorm1d, tc.nn.Upsample,
                                                       tc.optim.AdamW)


def _compiled_module_transcript(lib):
    """What a program prints about torch.compile(module): the wrapper's repr,
    its keys, attribute forwarding, train/eval, copies and state_dict loading."""
    nn = lib.nn
    lines = []
    model = lib.compile(nn.Linear(2, 2))
    model.eval()
    lines += [repr(model), str(type(model).__name__), str((model.training, model._orig_mod.training))]
    lines += [str(list(model.state_dict())), str([name for name, _ in model.named_parameters()])]
    lines += [str((tuple(model.weight.shape), model.in_features))]
    model.note = 3  # writes go to the original module
    lines += [str((model._orig_mod.note, "note" in model.__dict__))]
    lines += [str([type(child).__name__ for child in model.children()]), str(len(list(model.modules())))]
    model.train()
    lines += [str((model.training, model._orig_mod.training))]
    lines += [_outcome(lambda: repr(nn.Linear(2, 2).load_state_dict(model.state_dict())))]
    lines += [repr(lib.compile(nn.Linear(2, 2)).load_state_dict(model.state_dict()))]
    for duplicate in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        lines += [type(duplicate).__name__, str(list(duplicate.state_dict()))]
    sequential = lib.compile(nn.Sequential(nn.Linear(2, 2), nn.ReLU()))
    lines += [_outcome(lambda: repr(sequential[0])), str(len(sequential)), str(tuple(sequential(lib.ones(1, 2)).shape))]
    output = model(lib.ones(3, 2)).sum()
    output.backward()
    lines += [str(model.weight.grad is model._orig_mod.weight.grad and model.weight.grad is not None)]
    lines += [type(lib.compile(lambda x: x + 1)).__name__]
    lines += [type(lib.compile(nn.Linear(1, 1), disable=True)).__name__]
    return [_as_torch(line) for line in lines]


def test_compiled_module_prints_and_behaves_as_pytorchs():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = _compiled_module_transcript(torch)
    assert _compiled_module_transcript(tc) == theirs


@pytest.mark.parametrize("kwargs", [{}, {"mode": "max-autotune"}, {"mode": "foo"}, {"mode": "default", "options": {}}],
                         ids=["plain", "mode", "bad mode", "mode and options"])
def test_module_compile_method_keeps_the_module(kwargs):
    def transcript(lib):
        model = lib.nn.Linear(2, 2)
        result = _outcome(lambda: repr(model.compile(**kwargs)))
        return [result, _as_torch(repr(model)), str(list(model.state_dict()))]

    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = transcript(torch)
    assert transcript(tc) == theirs


@pytest.mark.parametrize("make", [
    lambda lib, x: x.max(0), lambda lib, x: x.sort(descending=True), lambda lib, x: x.topk(1),
    lambda lib, x: x.kthvalue(1, 1), lambda lib, x: lib.linalg.slogdet(x), lambda lib, x: lib.linalg.qr(x),
    lambda lib, x: lib.frexp(x),
], ids=["max", "sort", "topk", "kthvalue", "slogdet", "qr", "frexp"])
@pytest.mark.parametrize("make_copy", [lambda r: pickle.loads(pickle.dumps(r)), copy.deepcopy],
                         ids=["pickle", "deepcopy"])
def test_return_types_copy_as_pytorchs(make, make_copy):
    def copied(lib):
        result = make(lib, lib.tensor([[3.0, 1.0], [0.5, 5.0]]))
        duplicate = make_copy(result)
        return _as_torch(str(type(duplicate))), _as_torch(repr(duplicate))

    assert copied(tc) == copied(torch)


def test_hook_handle_type_prints_as_pytorchs():
    ours = tc.nn.Linear(1, 1).register_forward_hook(lambda *args: None)
    theirs = torch.nn.Linear(1, 1).register_forward_hook(lambda *args: None)
    assert _as_torch(str(type(ours))) == str(type(theirs))


_OPTIMIZERS_WITH_TENSOR_LR = ["SGD", "Adam", "AdamW", "NAdam", "RAdam", "Adamax", "ASGD", "Rprop", "Adadelta",
                              "Adagrad", "RMSprop", "LBFGS"]


@pytest.mark.parametrize("name", _OPTIMIZERS_WITH_TENSOR_LR)
def test_tensor_lr_stays_a_tensor_as_in_pytorch(name):
    # PyTorch keeps a Tensor lr in the param group: state_dict() prints 'lr': tensor(0.0100).
    def transcript(lib):
        lib.manual_seed(0)
        model = lib.nn.Linear(2, 2)
        lr = lib.tensor(0.01)
        optimizer = getattr(lib.optim, name)(model.parameters(), lr=lr)

        def closure():
            optimizer.zero_grad()
            loss = model(lib.ones(3, 2)).pow(2).sum()
            loss.backward()
            return loss

        for _ in range(2):
            closure()
            optimizer.step(closure) if name == "LBFGS" else optimizer.step()
        return [_as_torch(repr(optimizer)), _as_torch(repr(optimizer.state_dict()["param_groups"])),
                str(optimizer.param_groups[0]["lr"] is lr), [round(v, 5) for v in model.weight.flatten().tolist()]]

    assert transcript(tc) == transcript(torch)


@pytest.mark.parametrize("scheduler", ["StepLR(o, 1, 0.5)", "CosineAnnealingLR(o, 4)", "LinearLR(o)",
                                       "OneCycleLR(o, max_lr=0.1, total_steps=10)"])
def test_schedulers_fill_a_tensor_lr_as_pytorch(scheduler):
    def transcript(lib):
        model = lib.nn.Linear(2, 2)
        lr = lib.tensor(0.01)
        o = lib.optim.Adam(model.parameters(), lr=lr)
        s = eval(f"lib.optim.lr_scheduler.{scheduler}")
        for _ in range(3):
            o.step()
            s.step()
        return _as_torch(repr(s.get_last_lr())), _as_torch(repr(o.param_groups[0]["lr"])), o.param_groups[0]["lr"] is lr

    assert transcript(tc) == transcript(torch)


@pytest.mark.parametrize("lr", [lambda lib: lib.tensor(-0.1), lambda lib: lib.tensor([0.1, 0.2])],
                         ids=["negative", "two elements"])
def test_bad_tensor_lr_fails_as_pytorch(lr):
    def attempt(lib):
        return _outcome(lambda: repr(lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=lr(lib))))

    assert attempt(tc) == attempt(torch)


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3), (3, 2), (2, 4)])
def test_lu_unpack_as_pytorch(shape):
    import numpy as np
    values = np.random.RandomState(0).randn(*shape)

    def transcript(lib):
        A = lib.tensor(values, dtype=lib.float64, requires_grad=True)
        LU, pivots = lib.linalg.lu_factor(A)
        P, L, U = lib.lu_unpack(LU, pivots)
        lines = [P.tolist(), [round(v, 9) for v in L.flatten().tolist()], [round(v, 9) for v in U.flatten().tolist()],
                 str(P.dtype).replace("tensorcore", "torch"), L.requires_grad,
                 [tuple(t.shape) for t in lib.lu_unpack(LU, pivots, unpack_data=False)],
                 [tuple(t.shape) for t in lib.lu_unpack(LU, pivots, False, False)],
                 _as_torch(str(type(lib.lu_unpack(LU, pivots)))), hasattr(lib.Tensor, "lu_unpack")]
        if shape[-1] == shape[-2]:
            (L.sum() + U.pow(2).sum()).backward()
            lines.append([round(v, 9) for v in A.grad.flatten().tolist()])
        return lines

    assert transcript(tc) == transcript(torch)


def test_lu_unpack_prints_as_pytorch():
    ours = tc.lu_unpack(*tc.linalg.lu_factor(tc.tensor([[1.0, 2.0], [3.0, 4.0]])))
    theirs = torch.lu_unpack(*torch.linalg.lu_factor(torch.tensor([[1.0, 2.0], [3.0, 4.0]])))
    assert _as_torch(repr(ours)) == repr(theirs)


_EINSUM_CASES = [("ij->ij", [(2, 3)]), ("ij->i", [(2, 3)]), ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("ji", [(2, 3)]),
                 ("ij,jk", [(2, 3), (3, 4)]), ("i,i->i", [(3,), (3,)]), ("ij,i->ij", [(2, 3), (2,)]),
                 ("ij,kj->ik", [(1, 3), (4, 3)]), ("ijk,ikl->ijl", [(2, 1, 3), (2, 3, 4)]),
                 ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
                 ("i,i->", [(3,), (3,)]), ("ij,ij->ij", [(2, 3), (2, 3)]), ("i,j->ij", [(2,), (3,)]),
                 ("bhqd,bhkd->bhqk", [(1, 2, 3, 4), (1, 2, 5, 4)]), ("ij,j->i", [(2, 3), (3,)]),
                 ("...ij,...jk->...ik", [(2, 2, 3), (2, 3, 4)]), ("iij->ij", [(2, 2, 3)]), ("bi,bi->b", [(2, 3), (2, 3)])]


@pytest.mark.parametrize("equation,shapes", _EINSUM_CASES, ids=[case[0] for case in _EINSUM_CASES])
def test_einsum_result_prints_pytorchs_grad_fn(equation, shapes):
    # print(scores) of an einsum shows grad_fn=<ViewBackward0> / <MulBackward0> / ... as PyTorch's,
    # not a no-op Expand or identity Permute; values and gradients stay the same.
    import numpy as np
    values = [np.random.RandomState(i).randn(*shape) for i, shape in enumerate(shapes)]

    def transcript(lib):
        operands = [lib.tensor(v, dtype=lib.float64, requires_grad=True) for v in values]
        result = lib.einsum(equation, *operands)
        result.sum().backward()
        return (result.grad_fn.name(), tuple(result.shape), [round(v, 9) for v in result.flatten().tolist()],
                [[round(v, 9) for v in op.grad.flatten().tolist()] for op in operands])

    assert transcript(tc) == transcript(torch)


@pytest.mark.parametrize("kind,options", [("RNN", {}), ("GRU", {}), ("LSTM", {}), ("RNN", {"num_layers": 2,
                                           "bidirectional": True}), ("GRU", {"num_layers": 2}), ("LSTM", {"proj_size": 1})],
                         ids=["RNN", "GRU", "LSTM", "RNN 2 layers bidirectional", "GRU 2 layers", "LSTM proj"])
def test_batch_first_rnn_output_grad_fn_as_pytorch(kind, options):
    import warnings

    import numpy as np
    values = np.random.RandomState(0).randn(2, 4, 3)

    def transcript(lib):
        lib.manual_seed(0)
        module = getattr(lib.nn, kind)(3, 2, batch_first=True, **options)
        x = lib.tensor(values, dtype=lib.float32, requires_grad=True)
        output, hidden = module(x)
        (output.pow(2).sum() + (hidden[0] if isinstance(hidden, tuple) else hidden).sum()).backward()
        return (output.grad_fn.name(), tuple(output.shape)), (output.flatten().tolist(), x.grad.flatten().tolist())

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs_printed, theirs_values = transcript(torch)
    ours_printed, ours_values = transcript(tc)
    assert ours_printed == theirs_printed
    for ours, theirs in zip(ours_values, theirs_values):  # float32 sums may differ in the last ulp
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("options", [{}, {"lr": 0.1, "weight_decay": 0.1},
                                     {"maximize": True, "d": 2.0, "eps": (1e-30, 1e-3)}, {"beta2_decay": -0.5}],
                         ids=["defaults", "weight decay", "maximize", "beta2_decay"])
def test_adafactor_as_pytorch(options):
    import numpy as np

    def run(lib):
        model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))
        for p in model.parameters():
            p.data = lib.tensor(np.random.RandomState(p.numel()).randn(*p.shape), dtype=lib.float32)
        optimizer = lib.optim.Adafactor(model.parameters(), **options)
        x = lib.tensor(np.random.RandomState(1).randn(5, 3), dtype=lib.float32)
        for _ in range(3):
            optimizer.zero_grad()
            model(x).pow(2).sum().backward()
            optimizer.step()
        state = optimizer.state_dict()["state"][0]
        return (_as_torch(repr(optimizer)), _as_torch(str(type(optimizer))), sorted(state),
                [p.detach().flatten().tolist() for p in model.parameters()],
                [state[key].flatten().tolist() for key in ("step", "row_var", "col_var")])

    ours, theirs = run(tc), run(torch)
    assert ours[:3] == theirs[:3]
    for ours_values, theirs_values in zip(ours[3] + ours[4], theirs[3] + theirs[4]):
        np.testing.assert_allclose(ours_values, theirs_values, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("bad", [{"lr": -1.0}, {"beta2_decay": 0.5}, {"eps": (-1.0, 1e-3)}, {"eps": (None, -1.0)},
                                 {"d": 0.5}, {"weight_decay": -1.0}])
def test_adafactor_rejects_as_pytorch(bad):
    def attempt(lib):
        return _outcome(lambda: repr(lib.optim.Adafactor([lib.nn.Parameter(lib.ones(2))], **bad)))

    assert attempt(tc) == attempt(torch)


def _extra_state_and_submodule_transcript(lib):
    nn = lib.nn

    class Counting(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = nn.Linear(1, 1)
            self.count = 3

        def get_extra_state(self):
            return {"count": self.count}

        def set_extra_state(self, state):
            self.count = state["count"]

    lines = []
    model = nn.Sequential(Counting(), nn.ReLU())
    saved = model.state_dict()
    lines += [list(saved), saved["0._extra_state"]]
    other = nn.Sequential(Counting(), nn.ReLU())
    saved["0._extra_state"] = {"count": 7}
    lines += [repr(other.load_state_dict(saved)), other[0].count]
    without_extra = {k: v for k, v in saved.items() if "extra" not in k}
    lines += [_outcome(lambda: repr(other.load_state_dict(without_extra)))]
    lines += [_outcome(lambda: repr(other.load_state_dict(without_extra, strict=False)))]
    lines += [_outcome(lambda: repr(nn.Linear(1, 1).load_state_dict(
        {"weight": lib.ones(1, 1), "bias": lib.ones(1), "_extra_state": 1})))]
    lines += [_outcome(lambda: repr(nn.Linear(1, 1).get_extra_state()))]
    tree = nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.ReLU()))
    tree.set_submodule("1.0", nn.Tanh())
    lines += [_as_torch(repr(tree))]
    for target, module, strict in [("", nn.Tanh(), False), ("1.x", nn.Tanh(), True), ("0.weight", nn.Tanh(), False),
                                   ("0", 3, False), ("9.y", nn.Tanh(), False), ("1.x", nn.Tanh(), False)]:
        lines += [_outcome(lambda: repr(tree.set_submodule(target, module, strict=strict)))]
    lines += [_as_torch(repr(tree))]
    return lines


def test_extra_state_and_set_submodule_as_pytorch():
    assert _extra_state_and_submodule_transcript(tc) == _extra_state_and_submodule_transcript(torch)


def _load_pre_hook_transcript(lib):
    nn = lib.nn
    model = nn.Sequential(nn.Linear(1, 1))
    seen = []

    def rename_old_weight(module, state_dict, prefix, metadata, strict, missing, unexpected, errors):
        seen.append((type(module).__name__, prefix, sorted(state_dict), strict))
        if prefix + "old_w" in state_dict:
            state_dict[prefix + "weight"] = state_dict.pop(prefix + "old_w")

    handle = model[0].register_load_state_dict_pre_hook(rename_old_weight)
    lines = [repr(model.load_state_dict({"0.old_w": lib.full((1, 1), 2.0), "0.bias": lib.zeros(1)})),
             model[0].weight.tolist(), list(seen)]
    handle.remove()
    lines += [repr(model.load_state_dict({"0.weight": lib.ones(1, 1), "0.bias": lib.zeros(1)})), len(seen)]
    emptied = nn.Linear(2, 3).to_empty(device="cpu")
    lines += [type(emptied).__name__, tuple(emptied.weight.shape), emptied.weight.requires_grad,
              type(emptied.weight).__name__, nn.Module.T_destination.__name__]
    return lines


def test_load_state_dict_pre_hook_and_to_empty_as_pytorch():
    assert _load_pre_hook_transcript(tc) == _load_pre_hook_transcript(torch)


def test_generator_clone_state_as_pytorch():
    def transcript(lib):
        generator = lib.Generator().manual_seed(3)
        lib.rand(2, generator=generator)
        clone = generator.clone_state()
        return (type(clone).__name__, clone.initial_seed(), lib.rand(3, generator=clone).tolist(),
                lib.rand(3, generator=generator).tolist())

    assert transcript(tc) == transcript(torch)
