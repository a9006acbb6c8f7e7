"""Malformed calls and fault probes of nn.Module machinery, nn.init, adaptive
pooling, optim and utils.data, each run under PyTorch and tensorcore: both
must raise the same exception type with the same message (module names
aside), return the same plain values, and warn the same categories. Found by
a differential probe of those packages (probe21); each case differed before
its fix."""
import copy
import pickle
import warnings
from collections import OrderedDict

import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _plain(text):
    return str(text).replace("tensorcore", "torch")


def outcome(case, m):
    """('raises', type, message) or ('returns', value): the case returns plain
    Python values (lists, strings, numbers) so both libraries compare equal;
    plus the warning categories seen."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        m.manual_seed(0)
        try:
            result = ("returns", _plain(case(m)))
        except Exception as e:  # noqa: BLE001 - the exception type and text are what is compared
            result = ("raises", type(e).__name__, _plain(e))
    return result, sorted({w.category.__name__ for w in seen})


def assert_same(case):
    want, got = outcome(case, torch), outcome(case, tc)
    assert got == want


# ------------------------------------------------------------------ nn.Module registration and state_dict
def _state_dict_metadata(m):
    sd = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3)).state_dict()
    return list(sd._metadata.items()), list(sd)


def _load_plain_dict_without_num_batches_tracked(m):
    bn = m.nn.BatchNorm1d(3)
    bn.num_batches_tracked.fill_(5)
    sd = dict(bn.state_dict())  # a plain dict: no _metadata, so version None
    del sd["num_batches_tracked"]
    return str(bn.load_state_dict(sd)), bn.num_batches_tracked.item()


def _load_versioned_without_num_batches_tracked(m):
    bn = m.nn.BatchNorm1d(3)
    sd = bn.state_dict()  # keeps _metadata: version 2 requires the key
    del sd["num_batches_tracked"]
    bn.load_state_dict(sd)


def _load_missing_keys_listed(m):
    net = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3))
    sd = dict(net.state_dict())
    sd.pop("0.bias")
    sd["extra"] = m.zeros(1)
    return str(net.load_state_dict(sd, strict=False))


def _instance_norm_stale_running_stats(m):
    norm = m.nn.InstanceNorm1d(3)
    norm.load_state_dict({"running_mean": m.zeros(3), "running_var": m.ones(3)}, strict=False)


def _state_dict_positional(m):
    net = m.nn.Linear(1, 1)
    return sorted(net.state_dict(OrderedDict(), "p."))


def _load_metadata_version_reaches_module(m):
    seen = []

    class Versioned(m.nn.Linear):
        _version = 7

        def _load_from_state_dict(self, state_dict, prefix, local_metadata, *args):
            seen.append(dict(local_metadata))
            super()._load_from_state_dict(state_dict, prefix, local_metadata, *args)

    net = m.nn.Sequential(Versioned(1, 1))
    net.load_state_dict(net.state_dict())
    net.load_state_dict(dict(net.state_dict()), assign=True)
    return seen


MODULE = {
    "register_parameter_tensor_named_by_type": lambda m: m.nn.Linear(2, 2).register_parameter("x", m.zeros(1)),
    "setattr_tensor_on_parameter": lambda m: setattr(m.nn.Linear(2, 2), "weight", m.zeros(2, 2)),
    "setattr_double_tensor_on_parameter": lambda m: setattr(m.nn.Linear(2, 2), "weight",
                                                            m.zeros(2, 2, dtype=m.float64)),
    "add_module_parameter": lambda m: m.nn.Module().add_module("x", m.nn.Parameter(m.ones(1))),
    "typename": lambda m: [m.typename(m.ones(1)), m.typename(m.ones(1, dtype=m.int64)), m.typename(3),
                           m.typename(m.nn.Parameter(m.ones(1))), m.typename(len), m.typename(OrderedDict)],
    "state_dict_metadata": _state_dict_metadata,
    "load_plain_dict_without_num_batches_tracked": _load_plain_dict_without_num_batches_tracked,
    "load_versioned_without_num_batches_tracked": _load_versioned_without_num_batches_tracked,
    "load_missing_keys_listed": _load_missing_keys_listed,
    "instance_norm_stale_running_stats": _instance_norm_stale_running_stats,
    "state_dict_positional_warns": _state_dict_positional,
    "load_metadata_version_reaches_module": _load_metadata_version_reaches_module,
    "group_norm_indivisible": lambda m: m.nn.GroupNorm(3, 4),
}


@pytest.mark.parametrize("name", MODULE)
def test_module_registration_and_state(name):
    assert_same(MODULE[name])


def test_state_dict_metadata_survives_deepcopy_and_pickle():
    for m in (torch, tc):
        sd = m.nn.BatchNorm1d(2).state_dict()
        assert copy.deepcopy(sd)._metadata == {"": {"version": 2}}
        assert pickle.loads(pickle.dumps(sd))._metadata == {"": {"version": 2}}


# ------------------------------------------------------------------ global module hooks
def _global_forward_and_backward_hooks(m):
    import importlib
    mm = importlib.import_module(m.__name__ + ".nn.modules.module")
    log = []
    handles = [mm.register_module_forward_pre_hook(lambda mod, a: log.append(("pre", type(mod).__name__))),
               mm.register_module_forward_hook(lambda mod, a, o: log.append(("fwd", type(mod).__name__))),
               mm.register_module_full_backward_hook(lambda mod, gi, go: log.append(("bwd", type(mod).__name__))),
               mm.register_module_full_backward_pre_hook(lambda mod, go: log.append(("bpre", type(mod).__name__)))]
    net = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.ReLU())
    try:
        net(m.ones(1, 2, requires_grad=True)).sum().backward()
    finally:
        for h in handles:
            h.remove()
    net(m.ones(1, 2))  # removed: nothing more logged
    return log


def _global_hooks_kwargs_always_call_and_replacement(m):
    import importlib
    mm = importlib.import_module(m.__name__ + ".nn.modules.module")
    log = []
    h = mm.register_module_forward_hook(lambda mod, a, k, o: log.append(sorted(k)), with_kwargs=True)
    m.nn.Linear(1, 1)(m.ones(1, 1))
    h.remove()
    h = mm.register_module_forward_hook(lambda mod, a, o: log.append("always"), always_call=True)
    try:
        m.nn.Linear(1, 1)(m.ones(1, 3))
    except RuntimeError:
        log.append("raised")
    h.remove()
    h = mm.register_module_forward_pre_hook(lambda mod, a: (a[0] * 2,))
    log.append(m.nn.Identity()(m.ones(1)).tolist())
    h.remove()
    log.append(m.nn.Identity()(m.ones(1)).tolist())
    return log


def _global_registration_hooks(m):
    import importlib
    mm = importlib.import_module(m.__name__ + ".nn.modules.module")
    log = []
    handles = [
        mm.register_module_buffer_registration_hook(lambda mod, n, b: log.append(("buf", type(mod).__name__, n))),
        mm.register_module_module_registration_hook(lambda mod, n, s: log.append(("mod", type(mod).__name__, n))),
        mm.register_module_parameter_registration_hook(
            lambda mod, n, p: log.append(("par", type(mod).__name__, n)))]
    try:
        net = m.nn.Sequential(m.nn.Linear(1, 1), m.nn.BatchNorm1d(1))
        net.extra = m.nn.ReLU()
        net.register_buffer("bb", m.ones(1))
        net.bb = m.zeros(1)
        h = mm.register_module_parameter_registration_hook(lambda mod, n, p: m.nn.Parameter(p * 0 + 9))
        net.p = m.nn.Parameter(m.ones(1))
        h.remove()
    finally:
        for h in handles:
            h.remove()
    return log, net.p.tolist()


def _backward_hook_without_grad_inputs_warns(m):
    lin = m.nn.Linear(2, 2)
    lin.register_full_backward_hook(lambda mod, gi, go: None)
    lin(m.ones(1, 2)).sum().backward()


def _backward_hook_without_grad_inputs_must_return_none(m):
    lin = m.nn.Linear(2, 2)
    lin.register_full_backward_hook(lambda mod, gi, go: (m.ones(1, 2),))
    lin(m.ones(1, 2)).sum().backward()


HOOKS = {
    "global_forward_and_backward": _global_forward_and_backward_hooks,
    "global_kwargs_always_call_replacement": _global_hooks_kwargs_always_call_and_replacement,
    "global_registration": _global_registration_hooks,
    "backward_hook_without_grad_inputs_warns": _backward_hook_without_grad_inputs_warns,
    "backward_hook_without_grad_inputs_must_return_none": _backward_hook_without_grad_inputs_must_return_none,
}


@pytest.mark.parametrize("name", HOOKS)
def test_module_hooks(name):
    assert_same(HOOKS[name])


# ------------------------------------------------------------------ containers
def _seq(m):
    return m.nn.Sequential(m.nn.Linear(1, 1), m.nn.ReLU())


def _imul(m):
    s = _seq(m)
    s *= 3
    return list(s._modules), s[2] is s[0]


def _param_dict_int_key_recorded(m):
    pd = m.nn.ParameterDict({"a": m.ones(1)})
    try:
        pd[3] = m.ones(1)
    except TypeError:
        pass
    return list(pd)


CONTAINERS = {
    "sequential_mul": lambda m: (len(_seq(m) * 3), list((_seq(m) * 2)._modules)),
    "sequential_rmul": lambda m: len(2 * _seq(m)),
    "sequential_imul": _imul,
    "sequential_mul_shares_layers": lambda m: (lambda s: (s * 2)[2] is s[0])(_seq(m)),
    "sequential_mul_zero": lambda m: _seq(m) * 0,
    "sequential_mul_negative": lambda m: _seq(m) * -1,
    "sequential_mul_float": lambda m: _seq(m) * 1.5,
    "sequential_imul_zero": lambda m: _seq(m).__imul__(0),
    "parameter_dict_int_get": lambda m: m.nn.ParameterDict({"a": m.ones(1)})[0],
    "parameter_dict_int_set": lambda m: m.nn.ParameterDict().__setitem__(3, m.ones(1)),
    "parameter_dict_int_del": lambda m: m.nn.ParameterDict().__delitem__(3),
    "parameter_dict_int_key_recorded": _param_dict_int_key_recorded,
    "parameter_list_module_entry_registered": lambda m: (lambda pl: (
        [n for n, _ in pl.named_parameters()], list(pl._modules), repr(pl)))(
        m.nn.ParameterList([m.ones(1), m.nn.Linear(1, 1)])),
    "parameter_list_non_parameter_over_parameter": lambda m: m.nn.ParameterList([m.ones(1)]).__setitem__(0, 3),
    "parameter_dict_module_entry_registered": lambda m: (lambda pd: (
        [n for n, _ in pd.named_parameters()], list(pd._modules)))(
        m.nn.ParameterDict({"a": m.nn.Linear(1, 1), "b": m.ones(1)})),
    "parameter_dict_non_parameter_over_parameter": lambda m: m.nn.ParameterDict({"b": m.ones(1)}).__setitem__(
        "b", "x"),
    "parameter_list_float_index": lambda m: m.nn.ParameterList([m.ones(1), m.ones(2)])[1.0],
    "parameter_list_text_index": lambda m: m.nn.ParameterList([m.ones(1)])["a"],
    "parameter_list_float_set": lambda m: m.nn.ParameterList([m.ones(1), m.ones(2)]).__setitem__(1.0, m.ones(3)),
    "module_list_forward": lambda m: m.nn.ModuleList()(m.ones(1)),
    "module_dict_forward": lambda m: m.nn.ModuleDict()(m.ones(1)),
}


@pytest.mark.parametrize("name", CONTAINERS)
def test_containers(name):
    assert_same(CONTAINERS[name])


# ------------------------------------------------------------------ nn.init
INIT_FUNCTIONS = ["uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_", "dirac_",
                  "orthogonal_", "sparse_"]
DEPRECATED_INIT = ["uniform", "normal", "constant", "xavier_uniform", "xavier_normal", "kaiming_uniform",
                   "kaiming_normal", "orthogonal", "sparse", "dirac", "eye"]


@pytest.mark.parametrize("name", INIT_FUNCTIONS)
@pytest.mark.parametrize("value", [3, None, [1.0]])
def test_init_on_non_tensor(name, value):
    extra = (0.5,) if name in ("constant_", "sparse_") else ()
    assert_same(lambda m: getattr(m.nn.init, name)(value, *extra))


@pytest.mark.parametrize("name", DEPRECATED_INIT)
def test_deprecated_init_spelling_warns_and_fills(name):
    def case(m):
        t = m.empty(3, 3)
        args = (0.1,) if name in ("constant", "sparse") else ()
        out = getattr(m.nn.init, name)(t, *args)
        return out is t, tuple(t.shape), getattr(m.nn.init, name).__name__
    assert_same(case)


# ------------------------------------------------------------------ adaptive pooling output_size
def _adaptive(fname, ndim, output_size):
    return lambda m: tuple(getattr(m.nn.functional, fname)(m.ones([1, 1] + [4] * ndim), output_size).shape)


ADAPTIVE = {}
for _fname, _ndim in [("adaptive_avg_pool1d", 1), ("adaptive_max_pool1d", 1), ("adaptive_avg_pool2d", 2),
                      ("adaptive_max_pool2d", 2), ("adaptive_avg_pool3d", 3), ("adaptive_max_pool3d", 3)]:
    for _label, _size in [("short", (2,)), ("long", (2,) * (_ndim + 3)), ("float", 2.5), ("float_entry", (2.5,) * _ndim),
                          ("none_entry", (None, 2)), ("exact", (2,) * _ndim), ("int", 3)]:
        ADAPTIVE[f"{_fname}_{_label}"] = _adaptive(_fname, _ndim, _size)


@pytest.mark.parametrize("name", ADAPTIVE)
def test_adaptive_pool_output_size(name):
    assert_same(ADAPTIVE[name])


# ------------------------------------------------------------------ optim.swa_utils
def _swa_model(m):
    m.manual_seed(0)
    return m.nn.Sequential(m.nn.Linear(2, 3), m.nn.ReLU(), m.nn.Linear(3, 1))


def _averaged_weights(m, **kwargs):
    swa = m.optim.swa_utils
    for key in ("avg_fn", "multi_avg_fn"):
        if key in kwargs:
            kwargs[key] = getattr(swa, kwargs[key][0])(*kwargs[key][1:])
    net = _swa_model(m)
    averaged = swa.AveragedModel(net, **kwargs)
    opt = m.optim.SGD(net.parameters(), lr=0.1)
    inputs = m.linspace(-1, 1, 10).reshape(5, 2)
    for _ in range(4):
        opt.zero_grad()
        net(inputs).pow(2).mean().backward()
        opt.step()
        averaged.update_parameters(net)
    weights = m.cat([p.detach().flatten() for p in averaged.parameters()])
    return averaged.n_averaged.item(), [round(v, 5) for v in weights.tolist()], list(averaged.state_dict())


def _swalr_schedule(m, strategy, anneal_epochs):
    w = m.nn.Parameter(m.ones(1))
    opt = m.optim.SGD([{"params": [w]}, {"params": [m.nn.Parameter(m.ones(1))], "lr": 0.5}], lr=1.0)
    sched = m.optim.swa_utils.SWALR(opt, swa_lr=[0.05, 0.2], anneal_epochs=anneal_epochs, anneal_strategy=strategy)
    lrs = [sched.get_last_lr()]
    for _ in range(6):
        opt.step()
        sched.step()
        lrs.append([round(x, 10) for x in sched.get_last_lr()])
    return lrs, sorted(sched.state_dict())


def _update_bn(m):
    net = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3))
    net.eval()
    batches = [(m.linspace(0, 1, 8).reshape(4, 2), 0), (m.linspace(-2, 1, 8).reshape(4, 2), 1)]
    m.optim.swa_utils.update_bn(batches, net)
    bn = net[1]
    return ([round(v, 5) for v in bn.running_mean.tolist()], [round(v, 5) for v in bn.running_var.tolist()],
            bn.num_batches_tracked.item(), bn.momentum, net.training)


SWA = {
    "averaged_default": lambda m: _averaged_weights(m),
    "averaged_use_buffers": lambda m: _averaged_weights(m, use_buffers=True),
    "averaged_ema_avg_fn": lambda m: _averaged_weights(m, avg_fn=("get_ema_avg_fn", 0.8)),
    "averaged_ema_multi_avg_fn": lambda m: _averaged_weights(m, multi_avg_fn=("get_ema_multi_avg_fn", 0.7)),
    "averaged_swa_multi_avg_fn": lambda m: _averaged_weights(m, multi_avg_fn=("get_swa_multi_avg_fn",)),
    "averaged_both_fns": lambda m: m.optim.swa_utils.AveragedModel(
        _swa_model(m), avg_fn=m.optim.swa_utils.get_swa_avg_fn(),
        multi_avg_fn=m.optim.swa_utils.get_swa_multi_avg_fn()),
    "ema_decay_out_of_range": lambda m: m.optim.swa_utils.get_ema_avg_fn(1.5),
    "ema_multi_decay_out_of_range": lambda m: m.optim.swa_utils.get_ema_multi_avg_fn(-0.1),
    "averaged_buffers_mismatch": lambda m: m.optim.swa_utils.AveragedModel(m.nn.Linear(1, 1)).update_parameters(
        m.nn.BatchNorm1d(1)),
    "averaged_forward": lambda m: m.optim.swa_utils.AveragedModel(_swa_model(m))(m.ones(2, 2)).shape,
    "swalr_cos_0": lambda m: _swalr_schedule(m, "cos", 0),
    "swalr_cos_3": lambda m: _swalr_schedule(m, "cos", 3),
    "swalr_linear_1": lambda m: _swalr_schedule(m, "linear", 1),
    "swalr_linear_4": lambda m: _swalr_schedule(m, "linear", 4),
    "swalr_bad_strategy": lambda m: m.optim.swa_utils.SWALR(
        m.optim.SGD([m.nn.Parameter(m.ones(1))], lr=1.0), swa_lr=0.1, anneal_strategy="bogus"),
    "swalr_float_epochs": lambda m: m.optim.swa_utils.SWALR(
        m.optim.SGD([m.nn.Parameter(m.ones(1))], lr=1.0), swa_lr=0.1, anneal_epochs=1.5),
    "swalr_swa_lr_list_too_short": lambda m: m.optim.swa_utils.SWALR(
        m.optim.SGD([m.nn.Parameter(m.ones(1))], lr=1.0), swa_lr=[0.1, 0.2]),
    "update_bn": _update_bn,
}


@pytest.mark.parametrize("name", SWA)
def test_swa_utils(name):
    assert_same(SWA[name])


# ------------------------------------------------------------------ optim: sparse gradients, tensor lr, global hooks
def _sparse_embedding_steps(m, name, **kwargs):
    m.manual_seed(0)
    emb = m.nn.Embedding(5, 3, sparse=True)
    opt = getattr(m.optim, name)(emb.parameters(), lr=0.1, **kwargs)
    with warnings.catch_warnings():
        # PyTorch's one-time notice about its sparse invariant checks is not part of the behaviour compared
        warnings.filterwarnings("ignore", message="Sparse invariant checks")
        for rows in ([1, 2, 1], [0, 2], [4]):
            opt.zero_grad()
            emb(m.tensor(rows)).pow(2).sum().backward()
            opt.step()
    return [round(v, 5) for v in emb.weight.flatten().tolist()], sorted(opt.state[emb.weight])


def _global_optimizer_hooks(m):
    import importlib
    optimizer_module = importlib.import_module(m.__name__ + ".optim.optimizer")
    log = []
    p = m.nn.Parameter(m.ones(2))
    opt = m.optim.SGD([p], lr=0.1)
    opt.register_step_pre_hook(lambda o, a, k: log.append("own pre"))
    opt.register_step_post_hook(lambda o, a, k: log.append("own post"))
    handles = [optimizer_module.register_optimizer_step_pre_hook(lambda o, a, k: log.append(("pre", type(o).__name__))),
               optimizer_module.register_optimizer_step_post_hook(
                   lambda o, a, k: log.append(("post", type(o).__name__)))]
    try:
        p.grad = m.ones(2)
        opt.step()
        m.optim.Adam([p]).step()
    finally:
        for h in handles:
            h.remove()
    opt.step()
    return log


OPTIM = {
    "adagrad_sparse": lambda m: _sparse_embedding_steps(m, "Adagrad"),
    "adagrad_sparse_maximize": lambda m: _sparse_embedding_steps(m, "Adagrad", maximize=True),
    "adagrad_sparse_lr_decay_no_eps": lambda m: _sparse_embedding_steps(m, "Adagrad", lr_decay=0.1, eps=0.0),
    "adagrad_sparse_weight_decay": lambda m: _sparse_embedding_steps(m, "Adagrad", weight_decay=0.1),
    "adam_sparse_refused": lambda m: _sparse_embedding_steps(m, "Adam"),
    "adamw_sparse_refused": lambda m: _sparse_embedding_steps(m, "AdamW"),
    "rmsprop_sparse_refused": lambda m: _sparse_embedding_steps(m, "RMSprop"),
    "adam_tensor_lr_foreach": lambda m: m.optim.Adam([m.nn.Parameter(m.ones(1))], lr=m.tensor(0.1), foreach=True),
    "adamw_tensor_lr_foreach": lambda m: m.optim.AdamW([m.nn.Parameter(m.ones(1))], lr=m.tensor(0.1), foreach=True),
    "global_step_hooks": _global_optimizer_hooks,
    "sgd_dampening_unused_without_momentum": lambda m: _sgd_one_step(m, dampening=None),
    "sgd_dampening_text_unused_without_momentum": lambda m: _sgd_one_step(m, dampening="x"),
    "sgd_dampening_with_momentum": lambda m: _sgd_one_step(m, momentum=0.9, dampening=0.5),
    "sgd_differentiable_leaf": lambda m: _differentiable_step(m, "SGD", leaf=True),
    "adam_differentiable_leaf": lambda m: _differentiable_step(m, "Adam", leaf=True),
    "adagrad_differentiable_leaf": lambda m: _differentiable_step(m, "Adagrad", leaf=True),
    "sgd_differentiable_non_leaf": lambda m: _differentiable_step(m, "SGD", leaf=False),
    "adam_differentiable_non_leaf": lambda m: _differentiable_step(m, "Adam", leaf=False),
}


def _differentiable_step(m, name, leaf):
    w = m.ones(2, requires_grad=True)
    p = m.nn.Parameter(m.ones(2)) if leaf else w.clone()
    opt = getattr(m.optim, name)([p], lr=0.1, differentiable=True)
    p.grad = m.tensor([1.0, 2.0])
    opt.step()
    return p.grad_fn is not None, [round(v, 5) for v in p.tolist()]


def _sgd_one_step(m, **kwargs):
    p = m.nn.Parameter(m.ones(3))
    opt = m.optim.SGD([p], lr=0.1, **kwargs)
    for _ in range(2):
        p.grad = m.ones(3)
        opt.step()
    return [round(v, 6) for v in p.tolist()]


@pytest.mark.parametrize("name", OPTIM)
def test_optim(name):
    assert_same(OPTIM[name])


# ------------------------------------------------------------------ utils.data: collate registry, datasets
def _collate_module(m):
    import importlib
    return importlib.import_module(m.__name__ + ".utils.data._utils.collate")


class _Point:
    def __init__(self, x):
        self.x = x


def _registered_type_collates(m):
    registry = _collate_module(m)
    registry.default_collate_fn_map[_Point] = lambda batch, *, collate_fn_map: sum(p.x for p in batch)
    try:
        return m.utils.data.default_collate([{"p": _Point(1), "t": m.ones(1)}, {"p": _Point(2), "t": m.zeros(1)}])
    finally:
        del registry.default_collate_fn_map[_Point]


def _custom_map(m):
    registry = _collate_module(m)
    tensor_only = {m.Tensor: registry.collate_tensor_fn}
    return registry.collate([[m.ones(1), m.zeros(1)], [m.ones(1), m.ones(1)]], collate_fn_map=tensor_only)


def _stack_getitems(m):
    data = m.utils.data
    pairs = data.StackDataset(data.TensorDataset(m.arange(4)), range(4))
    named = data.StackDataset(a=data.Subset(range(10), [5, 6, 7, 8]), b=range(4))
    return pairs.__getitems__([0, 3]), named.__getitems__([1, 2]), list(data.DataLoader(named, batch_size=2))


class _ShortBatches:
    def __len__(self):
        return 3

    def __getitem__(self, i):
        return i

    def __getitems__(self, indices):
        return [0]


DATA = {
    "registered_type_collates": _registered_type_collates,
    "collate_with_custom_map": _custom_map,
    "collate_custom_map_rejects_other_types": lambda m: _collate_module(m).collate(
        [1, 2], collate_fn_map={m.Tensor: _collate_module(m).collate_tensor_fn}),
    "registry_keys": lambda m: sorted(k.__name__ if isinstance(k, type) else "numpy scalars"
                                      for k in _collate_module(m).default_collate_fn_map),
    "collate_numpy_float64_scalars": lambda m: m.utils.data.default_collate([np_float64(1.5), np_float64(2)]).dtype,
    "collate_tensor_then_int": lambda m: m.utils.data.default_collate([m.tensor(1), 2]),
    "collate_sparse_refused": lambda m: m.utils.data.default_collate([m.ones(2).to_sparse()]),
    "collate_list_subclass_keeps_type": lambda m: type(m.utils.data.default_collate([_IntList([1, 2]),
                                                                                    _IntList([3, 4])])).__name__,
    "stack_dataset_getitems": _stack_getitems,
    "stack_dataset_nested_size_mismatch": lambda m: m.utils.data.StackDataset(_ShortBatches()).__getitems__([0, 1]),
    "concat_cummulative_sizes": lambda m: m.utils.data.ConcatDataset([range(2), range(3)]).cummulative_sizes,
    "worker_info_path": lambda m: __import__(m.__name__ + ".utils.data._utils.worker",
                                            fromlist=["get_worker_info"]).get_worker_info(),
}


class _IntList(list):
    pass


def np_float64(v):
    import numpy as np
    return np.float64(v)


@pytest.mark.parametrize("name", DATA)
def test_data(name):
    assert_same(DATA[name])


def test_collate_registry_is_shared_between_paths():
    from tensorcore.utils.data import collate as public
    assert _collate_module(tc).default_collate_fn_map is public.default_collate_fn_map


# ------------------------------------------------------------------ non-full backward hooks, unhookable outputs
def _non_full_hook_record(m, make_module, shape):
    m.manual_seed(0)
    module = make_module(m)
    log = []
    module.register_backward_hook(lambda mod, gi, go: log.append((
        [None if g is None else tuple(g.shape) for g in gi], [tuple(g.shape) for g in go],
        round(float(go[0].sum()), 4))))
    x = m.randn(*shape, requires_grad=True)
    module(x).pow(2).sum().backward()
    return log


def _non_full_hook_replaces_grad_input(m):
    relu = m.nn.ReLU()
    relu.register_backward_hook(lambda mod, gi, go: (gi[0] * 10,))
    x = m.tensor([1.0, -1.0, 2.0], requires_grad=True)
    relu(x).sum().backward()
    return x.grad.tolist()


def _mixed_hooks(m, first, second):
    lin = m.nn.Linear(2, 2)
    getattr(lin, first)(lambda *a: None)
    getattr(lin, second)(lambda *a: None)


class _DictOutput:
    """A module returning a dict: its full backward hooks cannot run (PyTorch warns)."""

    @staticmethod
    def make(m):
        class DictOut(m.nn.Module):
            def forward(self, x):
                return {"a": x * 2}
        return DictOut()


def _dict_output_full_hook(m):
    log = []
    module = _DictOutput.make(m)
    module.register_full_backward_hook(lambda *a: log.append("called"))
    x = m.ones(2, requires_grad=True)
    module(x)["a"].sum().backward()
    return log, x.grad.tolist()


BACKWARD_HOOKS = {
    "non_full_conv2d": lambda m: _non_full_hook_record(m, lambda m: m.nn.Conv2d(2, 3, 3), (1, 2, 5, 5)),
    "non_full_relu": lambda m: _non_full_hook_record(m, lambda m: m.nn.ReLU(), (2, 3)),
    "non_full_sequential": lambda m: _non_full_hook_record(
        m, lambda m: m.nn.Sequential(m.nn.Linear(3, 2), m.nn.Tanh()), (4, 3)),
    "non_full_linear_no_bias": lambda m: _non_full_hook_record(m, lambda m: m.nn.Linear(3, 2, bias=False), (4, 3)),
    "non_full_replaces_grad_input": _non_full_hook_replaces_grad_input,
    "full_then_non_full": lambda m: _mixed_hooks(m, "register_full_backward_hook", "register_backward_hook"),
    "non_full_then_full": lambda m: _mixed_hooks(m, "register_backward_hook", "register_full_backward_hook"),
    "dict_output_full_hook": _dict_output_full_hook,
}


@pytest.mark.parametrize("name", BACKWARD_HOOKS)
def test_backward_hooks(name):
    assert_same(BACKWARD_HOOKS[name])


# ------------------------------------------------------------------ copying tensors, Parameters and modules
def _shallow_copy_shares_memory(m):
    t = m.ones(2)
    t.tag = "x"
    c = copy.copy(t)
    c.add_(1)
    return c is t, getattr(c, "tag", None), t.tolist(), c.is_leaf, c._base is None


def _shallow_copy_of_non_leaf(m):
    y = m.ones(2, requires_grad=True) * 2
    y.tag = 1
    c = copy.copy(y)
    return c.grad_fn, c.requires_grad, c.is_leaf, c.tag


def _parameter_copies(m):
    p = m.nn.Parameter(m.ones(2))
    p.extra = 5
    shallow = copy.copy(p)
    with m.no_grad():
        shallow.mul_(3)
    return (type(shallow).__name__, getattr(shallow, "extra", None), getattr(copy.deepcopy(p), "extra", None),
            p.tolist())


def _deepcopy_keeps_attributes(m):
    t = m.ones(2)
    t.tag = {"k": [1]}
    view = m.arange(6.0).view(2, 3)[0]
    view.k = [1]
    d, dv = copy.deepcopy(t), copy.deepcopy(view)
    return d.tag, d.tag is t.tag, dv.k, dv.k is view.k


def _call_impl_aliases(m):
    lin = m.nn.Linear(1, 1)
    seen = []
    lin.register_forward_hook(lambda *a: seen.append("hook"))
    lin._call_impl(m.ones(1, 1))
    lin._wrapped_call_impl(m.ones(1, 1))
    return seen


COPIES = {
    "shallow_copy_shares_memory": _shallow_copy_shares_memory,
    "shallow_copy_of_non_leaf": _shallow_copy_of_non_leaf,
    "parameter_copies": _parameter_copies,
    "deepcopy_keeps_attributes": _deepcopy_keeps_attributes,
    "call_impl_aliases": _call_impl_aliases,
}


@pytest.mark.parametrize("name", COPIES)
def test_copies_and_call_aliases(name):
    assert_same(COPIES[name])


# ------------------------------------------------------------------ lazy modules before their first forward
def _lazy_state_dict_round_trip(m):
    m.manual_seed(0)
    source, target = m.nn.LazyLinear(2), m.nn.LazyLinear(2)
    sd = source.state_dict()
    result = str(target.load_state_dict(sd))
    out = target(m.ones(1, 3))
    return (list(sd), type(sd["weight"]).__name__, result, type(target).__name__, tuple(out.shape))


def _lazy_loads_real_checkpoint(m):
    eager = m.nn.Linear(3, 2)
    lazy = m.nn.LazyLinear(2)
    lazy.load_state_dict(eager.state_dict())
    return lazy.has_uninitialized_params(), tuple(lazy.weight.shape), type(lazy).__name__, \
        lazy(m.ones(1, 3)).shape, type(lazy).__name__


LAZY = {
    "shape": lambda m: m.nn.LazyLinear(3).weight.shape,
    "numel_count": lambda m: sum(p.numel() for p in m.nn.LazyLinear(3).parameters()),
    "add": lambda m: m.nn.LazyLinear(3).weight + 1,
    "repr": lambda m: (repr(m.nn.LazyLinear(3).weight), repr(m.nn.LazyBatchNorm1d().running_mean)),
    "deepcopy": lambda m: type(copy.deepcopy(m.nn.LazyLinear(3))).__name__,
    "pickle": lambda m: type(pickle.loads(pickle.dumps(m.nn.LazyLinear(3)))).__name__,
    "share_memory": lambda m: m.nn.LazyLinear(3).share_memory(),
    "state_dict_round_trip": _lazy_state_dict_round_trip,
    "uninitialized_into_initialized": lambda m: m.nn.Linear(3, 2).load_state_dict(m.nn.LazyLinear(2).state_dict()),
    "loads_real_checkpoint": _lazy_loads_real_checkpoint,
    "dtype_conversions_before_forward": lambda m: (lambda e: (e.to(m.float64), e.half(), str(e.weight.dtype),
                                                              e.has_uninitialized_params())[2:])(m.nn.LazyLinear(2)),
    "optimizer_before_forward": lambda m: type(m.optim.SGD(m.nn.LazyLinear(2).parameters(), lr=0.1)).__name__,
}


@pytest.mark.parametrize("name", LAZY)
def test_lazy_placeholders(name):
    assert_same(LAZY[name])


# ------------------------------------------------------------------ Module.to argument forms
def _module_to(*args, **kwargs):
    return lambda m: str(m.nn.Linear(1, 1).to(*args, **{k: v(m) if callable(v) else v
                                                        for k, v in kwargs.items()}).weight.dtype)


def _module_to_with(make_args, **kwargs):
    return lambda m: str(m.nn.Linear(1, 1).to(*make_args(m), **kwargs).weight.dtype)


MODULE_TO = {
    "device_dtype_flag_int": _module_to_with(lambda m: ("cpu", m.float64, True, 5)),
    "two_strings": _module_to("cpu", "float"),
    "dtype_then_device": _module_to_with(lambda m: (m.float64, "cpu")),
    "dtype_non_blocking": _module_to_with(lambda m: (m.float64, True)),
    "dtype_int_flag": _module_to_with(lambda m: (m.float64, 1)),
    "positional_copy_false": _module_to_with(lambda m: ("cpu", m.float64, False, False)),
    "keyword_copy_false": _module_to_with(lambda m: (m.float64,), copy=False),
    "none_device": _module_to(None),
    "unknown_keyword": _module_to(bogus=1),
    "tensor_then_device": _module_to_with(lambda m: (m.ones(1), "cpu")),
    "device_non_blocking_int": _module_to_with(lambda m: (m.device("cpu"),), non_blocking=1),
    "tensor_form": _module_to_with(lambda m: (m.ones(1, dtype=m.float64),)),
    "python_float_type": _module_to(float),
    "python_int_type": _module_to(int),
    "tensor_keyword": _module_to(tensor=lambda m: m.ones(1, dtype=m.float16)),
    "integer_dtype": _module_to_with(lambda m: (m.int64,)),
}


@pytest.mark.parametrize("name", MODULE_TO)
def test_module_to_forms(name):
    assert_same(MODULE_TO[name])


# ------------------------------------------------------------------ state_dict post hooks, modules(), type()
def _state_dict_post_hooks(m):
    out = []
    lin = m.nn.Linear(1, 1)
    h = lin.register_state_dict_post_hook(lambda mod, sd, prefix, meta: sd.__setitem__("extra", 1))
    out.append(sorted(lin.state_dict()))
    h.remove()
    lin.register_state_dict_post_hook(lambda mod, sd, prefix, meta: {"x": 1})
    try:
        lin.state_dict()
    except RuntimeError as e:
        out.append(str(e))
    private = m.nn.Linear(1, 1)
    private._register_state_dict_hook(lambda mod, sd, prefix, meta: {"replaced": 1})
    out.append(private.state_dict())
    return out


def _same_function_public_then_private(m):
    def hook(mod, sd, prefix, meta):
        return None
    lin = m.nn.Linear(1, 1)
    lin.register_state_dict_post_hook(hook)
    lin._register_state_dict_hook(hook)


def _exception_type(call):
    """Only the exception type is compared (the binding's message differs)."""
    try:
        call()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__
    return None


MODULE_MISC = {
    "state_dict_post_hooks": _state_dict_post_hooks,
    "state_dict_post_hook_not_callable": lambda m: m.nn.Linear(1, 1).register_state_dict_post_hook(3),
    "same_function_public_then_private": _same_function_public_then_private,
    "modules_keep_duplicates": lambda m: (lambda lin: len(list(m.nn.Sequential(lin, lin).modules(
        remove_duplicate=False))))(m.nn.Linear(1, 1)),
    "type_none_exception_type": lambda m: _exception_type(lambda: m.nn.Linear(1, 1).type(None)),
    "type_double": lambda m: str(m.nn.Linear(1, 1).type(m.float64).weight.dtype),
}


@pytest.mark.parametrize("name", MODULE_MISC)
def test_module_misc(name):
    assert_same(MODULE_MISC[name])


# ------------------------------------------------------------------ DataLoader over a TensorDataset with odd indices
def _tensor_dataset_batches(sampler_of):
    def case(m):
        import numpy as np
        ds = m.utils.data.TensorDataset(m.arange(6.0), m.arange(6))
        loader = m.utils.data.DataLoader(ds, sampler=sampler_of(m, np), batch_size=2)
        return [[t.tolist() for t in batch] for batch in loader]
    return case


TENSOR_DATASET_INDICES = {
    "negative_index": _tensor_dataset_batches(lambda m, np: [5, -1]),
    "numpy_ints": _tensor_dataset_batches(lambda m, np: [np.int64(2), np.int32(3)]),
    "tensor_indices": _tensor_dataset_batches(lambda m, np: [m.tensor(1), m.tensor(2)]),
    "bool_indices": _tensor_dataset_batches(lambda m, np: [True, False]),
    "past_the_end": _tensor_dataset_batches(lambda m, np: [6]),
    "before_the_start": _tensor_dataset_batches(lambda m, np: [-7]),
    "in_range": _tensor_dataset_batches(lambda m, np: [4, 0, 3]),
}


@pytest.mark.parametrize("name", TENSOR_DATASET_INDICES)
def test_tensor_dataset_loader_indices(name):
    assert_same(TENSOR_DATASET_INDICES[name])


INIT_BAD_NUMBERS = {
    "uniform_a_text": lambda m: m.nn.init.uniform_(m.empty(2), a="x"),
    "uniform_b_none": lambda m: m.nn.init.uniform_(m.empty(2), b=None),
    "normal_mean_text": lambda m: m.nn.init.normal_(m.empty(2), mean="x"),
    "normal_std_tuple": lambda m: m.nn.init.normal_(m.empty(2), std=(1,)),
    "sparse_std_text": lambda m: m.nn.init.sparse_(m.empty(2, 2), 0.5, std="x"),
    "uniform_bool_bounds": lambda m: m.nn.init.uniform_(m.empty(2), a=True, b=2).shape,
}


@pytest.mark.parametrize("name", INIT_BAD_NUMBERS)
def test_init_bad_numbers(name):
    assert_same(INIT_BAD_NUMBERS[name])


def _clip_with_order(m, order, clip=True):
    ps = [m.nn.Parameter(m.ones(2, 2)), m.nn.Parameter(m.ones(3))]
    ps[0].grad = m.tensor([[3.0, -4.0], [0.0, 1.0]])
    ps[1].grad = m.tensor([1.0, 2.0, 2.0])
    if clip:
        total = m.nn.utils.clip_grad_norm_(ps, 0.5, norm_type=order)
    else:
        total = m.nn.utils.get_total_norm([p.grad for p in ps], norm_type=order)
    return round(float(total), 5), [[round(v, 5) for v in p.grad.flatten().tolist()] for p in ps]


CLIP = {
    "clip_minus_inf": lambda m: _clip_with_order(m, -float("inf")),
    "clip_inf": lambda m: _clip_with_order(m, float("inf")),
    "clip_inf_text": lambda m: _clip_with_order(m, "inf"),
    "total_norm_minus_inf": lambda m: _clip_with_order(m, -float("inf"), clip=False),
    "total_norm_one": lambda m: _clip_with_order(m, 1, clip=False),
}


@pytest.mark.parametrize("name", CLIP)
def test_clip_grad_orders(name):
    assert_same(CLIP[name])


def _assign_twice(first, second):
    def case(m):
        make = {"tensor": lambda: m.ones(1), "none": lambda: None, "int": lambda: 3,
                "buffer": lambda: m.nn.Buffer(m.ones(1)), "param": lambda: m.nn.Parameter(m.ones(1)),
                "module": lambda: m.nn.ReLU()}
        mod = m.nn.Module()
        mod.x = make[first]()
        mod.x = make[second]()
        return sorted(mod._parameters), sorted(mod._buffers), sorted(mod._modules), list(mod.state_dict())
    return case


SETATTR = {f"{a}_then_{b}": _assign_twice(a, b)
           for a in ("tensor", "none", "int", "buffer", "param", "module")
           for b in ("buffer", "param", "module", "tensor")}


@pytest.mark.parametrize("name", SETATTR)
def test_setattr_transitions(name):
    assert_same(SETATTR[name])


def _buffer_is_a_tensor(m):
    b = m.nn.Buffer(m.ones(2), persistent=False)
    mod = m.nn.Module()
    mod.b = b
    return (type(b).__name__, isinstance(b, m.Tensor), isinstance(b, m.nn.Buffer), isinstance(m.ones(1), m.nn.Buffer),
            b.persistent, (b + 1).tolist(), tuple(b.shape), mod.b is b, list(mod.state_dict()), [n for n, _ in
                                                                                          mod.named_buffers()])


BUFFER = {
    "buffer_is_a_tensor": _buffer_is_a_tensor,
    "buffer_keeps_requires_grad": lambda m: m.nn.Buffer(m.ones(2, requires_grad=True) * 2).requires_grad,
    "buffer_of_non_tensor": lambda m: m.nn.Buffer([1, 2]),
    "buffer_default": lambda m: tuple(m.nn.Buffer().shape),
}


@pytest.mark.parametrize("name", BUFFER)
def test_buffer(name):
    assert_same(BUFFER[name])


def _functional_call(path, strict_keys):
    def case(m):
        import importlib
        module_path, name = path.rsplit(".", 1)
        call = getattr(importlib.import_module(m.__name__ + module_path), name)
        net = m.nn.Sequential(m.nn.Linear(2, 2), m.nn.ReLU())
        return tuple(call(net, strict_keys(m), (m.ones(3, 2),), strict=True).shape)
    return case


FUNCTIONAL_CALL = {
    "func_strict_missing": _functional_call(".func.functional_call", lambda m: {"0.weight": m.ones(2, 2)}),
    "func_strict_unexpected_and_missing": _functional_call(
        ".func.functional_call", lambda m: {"0.weight": m.ones(2, 2), "extra": m.ones(1)}),
    "func_strict_complete": _functional_call(
        ".func.functional_call", lambda m: {"0.weight": m.ones(2, 2), "0.bias": m.zeros(2)}),
    "stateless_deprecated": _functional_call(
        ".nn.utils.stateless.functional_call", lambda m: {"0.weight": m.ones(2, 2), "0.bias": m.zeros(2)}),
}


@pytest.mark.parametrize("name", FUNCTIONAL_CALL)
def test_functional_call(name):
    assert_same(FUNCTIONAL_CALL[name])
