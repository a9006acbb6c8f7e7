"""tensorcore.func: PyTorch's composable transforms (grad, grad_and_value,
vjp, jvp, jacrev, jacfwd, hessian, vmap, functional_call,
stack_module_state), built on tensorcore's reverse-mode autograd.

Note [func transforms on the autograd graph]
PyTorch's transforms wrap tensors per "level"; here each differentiating
transform gives the differentiated arguments fresh identities (a view of an
argument that already requires grad, so an enclosing transform or the
caller's graph still reaches it; a new leaf otherwise), runs the function
with grad enabled, and takes `autograd.grad(..., create_graph=True)`. The
results keep a graph only if it reaches a tensor from outside this call (an
outer transform's input, a caller's parameter captured by the function):
then they are differentiable by the enclosing code, as in PyTorch; otherwise
they are detached. Nesting (grad of grad, vmap of grad, jacrev of jacrev)
composes through the same graph.

Forward-mode transforms (jvp, jacfwd) use the double-backward trick: the
backward pass is linear in its grad_output g, so differentiating
<backward(g), v> with respect to g gives J v.

Note [vmap by looping]
vmap calls the function once per entry of the mapped dimension and stacks
the results, so the function sees per-sample shapes exactly as under
PyTorch's vmap and values and gradients are the same; it is slower than a
batched kernel. With randomness="error" (the default) a function that draws
random numbers raises PyTorch's error (seen as a change of the generator's
state); "same" replays the same draws for every sample; "different" lets
each sample draw its own (the values differ from PyTorch's, which draws all
samples in one batched call). `.item()` and data-dependent Python control
flow work here although PyTorch's vmap refuses them.
"""
from __future__ import annotations
from typing import Any
import functools

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap", "functional_call",
           "stack_module_state", "linearize"]


# ---- pytrees: utils._pytree's, as torch.func uses torch.utils._pytree (so nodes registered
# with register_pytree_node, OrderedDict, defaultdict, deque and return types are containers here too) ----
def _flatten(tree):
    """(leaves, rebuild) where rebuild(new_leaves) gives the same structure."""
    from ..utils._pytree import tree_flatten
    leaves, spec = tree_flatten(tree)
    return leaves, spec.unflatten


def _is_tensor(x):
    from .. import Tensor
    return isinstance(x, Tensor)


# ---- differentiation helpers ----
def _own_inputs(leaves, fn_name="transform"):
    """Fresh identities for the differentiated leaves (Note [func transforms on the autograd graph])."""
    fresh = []
    for leaf in leaves:
        if not _is_tensor(leaf):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(leaf)}")
        if leaf.requires_grad:
            fresh.append(leaf.view_as(leaf))
        else:
            fresh.append(leaf.detach().requires_grad_(True))
    return fresh


def _reaches_outside(tensors, own):
    """Whether the graph of `tensors` reaches a leaf other than those in `own`."""
    own_ids = {id(t) for t in own}
    seen, stack = set(), [t.grad_fn for t in tensors if _is_tensor(t) and t.grad_fn is not None]
    for t in tensors:
        if _is_tensor(t) and t.requires_grad and t.grad_fn is None and id(t) not in own_ids:
            return True
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            try:
                variable = nxt.variable
            except AttributeError:
                stack.append(nxt)
                continue
            if id(variable) not in own_ids:
                return True
    return False


def _finish(tensors, own):
    """Keep the graph only where it reaches something outside this transform."""
    live = [t for t in tensors if _is_tensor(t)]
    if live and _reaches_outside(live, own):
        return tensors
    return [t.detach() if _is_tensor(t) else t for t in tensors]


def _grads(outputs, inputs, grad_outputs):
    """autograd.grad with create_graph, zeros for inputs not used."""
    from .. import enable_grad, zeros_like
    from ..autograd import grad as autograd_grad
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not pairs:
        return [zeros_like(x) for x in inputs]
    with enable_grad():
        result = autograd_grad([o for o, _ in pairs], inputs, [g for _, g in pairs], retain_graph=True,
                               create_graph=True, allow_unused=True)
    return [zeros_like(x) if r is None else r for r, x in zip(result, inputs)]


def _check_argnums(argnums, args):
    nums = argnums if isinstance(argnums, tuple) else (argnums,)
    if isinstance(argnums, tuple) and not argnums:
        raise RuntimeError("argnums must be non-empty")
    for a in nums:
        if not isinstance(a, int):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(a)}")
        if not -len(args) <= a < len(args):
            raise RuntimeError(f"Got argnum={a}, but only {len(args)} positional inputs")
    return [a % len(args) for a in nums]


def _with_differentiated_args(args, argnums):
    """(new args, fresh leaves, rebuild of the differentiated part)."""
    positions = _check_argnums(argnums, args)
    chosen = tuple(args[p] for p in positions) if isinstance(argnums, tuple) else args[positions[0]]
    leaves, rebuild = _flatten(chosen)
    fresh = _own_inputs(leaves)
    new_chosen = rebuild(fresh)
    new_args = list(args)
    if isinstance(argnums, tuple):
        for p, value in zip(positions, new_chosen):
            new_args[p] = value
    else:
        new_args[positions[0]] = new_chosen
    return new_args, fresh, rebuild


def _split_aux(result, has_aux, api):
    if not has_aux:
        return result, None
    if not (isinstance(result, tuple) and len(result) == 2):
        raise RuntimeError(f"{api}(f)(*args): output of function f should be a tuple: (output, aux) if has_aux is "
                           "True")
    return result


def _detach_tree(tree):
    leaves, rebuild = _flatten(tree)
    return rebuild([x.detach() if _is_tensor(x) else x for x in leaves])


def grad_and_value(func: Any, argnums: Any = 0, has_aux: Any = False) -> Any:
    """(gradient of func's scalar output w.r.t. args[argnums], value)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .. import enable_grad, ones_like
        with enable_grad():
            new_args, fresh, rebuild = _with_differentiated_args(args, argnums)
            result = func(*new_args, **kwargs)
            output, aux = _split_aux(result, has_aux, "grad_and_value")
            if not _is_tensor(output):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                                   f"{type(output)}")
            if output.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {output.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs "
                                   "instead?")
            grads = _grads([output], fresh, [ones_like(output)])
        *grads, output = _finish(grads + [output], fresh)
        value = (output, _detach_tree(aux)) if has_aux else output
        return rebuild(grads), value
    return wrapper


def grad(func: Any, argnums: Any = 0, has_aux: Any = False) -> Any:
    """The gradient of func's scalar output w.r.t. args[argnums] (a pytree
    of tensors, or a tuple of them for a tuple of argnums)."""
    inner = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        gradients, value = inner(*args, **kwargs)
        return (gradients, value[1]) if has_aux else gradients
    return wrapper


def vjp(func: Any, *primals: Any, has_aux: Any = False) -> Any:
    """(func(*primals), vjp_fn[, aux]); vjp_fn(cotangents) gives one
    gradient per primal."""
    from .. import enable_grad
    with enable_grad():
        leaves, rebuild_primals = _flatten(primals)
        fresh = _own_inputs(leaves)
        result = func(*rebuild_primals(fresh))
        output, aux = _split_aux(result, has_aux, "vjp")
    out_leaves, rebuild_out = _flatten(output)
    for o in out_leaves:
        if not _is_tensor(o):
            raise RuntimeError(f"vjp(f, *primals): Expected f to be a function that has only Tensors as output, got "
                               f"{type(o)}")

    def vjp_fn(cotangents, *, retain_graph=True, create_graph=None):
        co_leaves, _ = _flatten(cotangents)
        if len(co_leaves) != len(out_leaves):
            raise RuntimeError(f"Expected pytree structure of cotangents to be the same as pytree structure of outputs "
                               f"to the function. cotangents: {len(co_leaves)} leaves, primal output: "
                               f"{len(out_leaves)} leaves")
        for i, (c, o) in enumerate(zip(co_leaves, out_leaves)):
            if _is_tensor(c) and c.shape != o.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {c.shape} and output[{i}] "
                                   f"has a shape of {o.shape}.")
        grads = _finish(_grads(out_leaves, fresh, co_leaves), fresh)
        return rebuild_primals(grads)

    finished = _finish(out_leaves, fresh)
    output = rebuild_out(finished)
    return (output, vjp_fn, _detach_tree(aux)) if has_aux else (output, vjp_fn)


def jvp(func: Any, primals: Any, tangents: Any, *, strict: Any = False, has_aux: Any = False) -> Any:
    """(func(*primals), J @ tangents) by the double-backward trick."""
    from .. import enable_grad, zeros_like
    if not isinstance(primals, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to call "
                           "f(*primals).")
    if not isinstance(tangents, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected tangents to be a tuple. E.g. it should be valid to "
                           "call f(*primals).")
    leaves, rebuild_primals = _flatten(primals)
    tangent_leaves, _ = _flatten(tangents)
    if len(leaves) != len(tangent_leaves):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have the same python "
                           f"structure. For example, if primals is a tuple of 3 tensors, tangents also must be. Got "
                           f"primals with structure {len(leaves)} leaves and tangents with structure "
                           f"{len(tangent_leaves)} leaves")
    for p, t in zip(leaves, tangent_leaves):
        if _is_tensor(p) and _is_tensor(t) and p.shape != t.shape:
            raise RuntimeError(f"jvp(f, primals, tangents): Expected primals and tangents to have the same shape. "
                               f"Got primal shape {p.shape} and tangent shape {t.shape}")
    with enable_grad():
        fresh = _own_inputs(leaves)
        result = func(*rebuild_primals(fresh))
        output, aux = _split_aux(result, has_aux, "jvp")
        out_leaves, rebuild_out = _flatten(output)
        dummies = [zeros_like(o).requires_grad_(True) for o in out_leaves]
        first = _grads(out_leaves, fresh, dummies)
        tangent_out = _grads(first, dummies, tangent_leaves)
    finished = _finish(list(out_leaves) + tangent_out, fresh)
    n = len(out_leaves)
    pair = (rebuild_out(finished[:n]), rebuild_out(finished[n:]))
    return pair + (_detach_tree(aux),) if has_aux else pair


def _jacobian(func, argnums, has_aux, forward):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .. import enable_grad, stack, zeros_like
        with enable_grad():
            new_args, fresh, rebuild = _with_differentiated_args(args, argnums)
            result = func(*new_args, **kwargs)
            output, aux = _split_aux(result, has_aux, "jacfwd" if forward else "jacrev")
            out_leaves, rebuild_out = _flatten(output)
            for o in out_leaves:
                if not _is_tensor(o):
                    raise RuntimeError(f"{'jacfwd' if forward else 'jacrev'}(f, ...)(*args): expected f(*args) to "
                                       f"return only tensors, got unsupported type {type(o)}")
            per_output = []
            if forward:
                # One Jacobian-vector product per input element (a column of J).
                dummies = [zeros_like(o).requires_grad_(True) for o in out_leaves]
                first = _grads(out_leaves, fresh, dummies)
                columns = [[[] for _ in fresh] for _ in out_leaves]
                for j, x in enumerate(fresh):
                    for k in range(x.numel()):
                        basis = [zeros_like(y) for y in fresh]
                        basis[j].view(-1)[k] = 1
                        jv = _grads(first, dummies, basis)
                        for i in range(len(out_leaves)):
                            columns[i][j].append(jv[i])
                for i, o in enumerate(out_leaves):
                    per_output.append([stack(cols, -1).reshape(o.shape + x.shape) if cols
                                       else o.new_zeros(o.shape + x.shape) for cols, x in zip(columns[i], fresh)])
            else:
                # One vector-Jacobian product per output element (a row of J).
                for o in out_leaves:
                    rows = [[] for _ in fresh]
                    for k in range(o.numel()):
                        basis = zeros_like(o)
                        basis.view(-1)[k] = 1
                        for j, g in enumerate(_grads([o], fresh, [basis])):
                            rows[j].append(g)
                    per_output.append([stack(r, 0).reshape(o.shape + x.shape) if r
                                       else o.new_zeros(o.shape + x.shape) for r, x in zip(rows, fresh)])
        flat = _finish([j for row in per_output for j in row], fresh)
        n = len(fresh)
        jac = rebuild_out([rebuild(flat[i * n:(i + 1) * n]) for i in range(len(out_leaves))])
        return (jac, _detach_tree(aux)) if has_aux else jac
    return wrapper


def jacrev(func: Any, argnums: Any = 0, *, has_aux: Any = False, chunk_size: Any = None,
           _preallocate_and_copy: Any = False) -> Any:
    """The Jacobian by reverse mode: for each output leaf o and input leaf x,
    a tensor of shape o.shape + x.shape."""
    return _jacobian(func, argnums, has_aux, forward=False)


def jacfwd(func: Any, argnums: Any = 0, has_aux: Any = False, *, randomness: Any = "error") -> Any:
    """The Jacobian, column by column (Jacobian-vector products)."""
    return _jacobian(func, argnums, has_aux, forward=True)


def hessian(func: Any, argnums: Any = 0) -> Any:
    return jacfwd(jacrev(func, argnums), argnums)


def linearize(func: Any, *primals: Any) -> Any:
    """(func(*primals), jvp_fn) with jvp_fn(*tangents) = J @ tangents."""
    output = func(*primals)

    def jvp_fn(*tangents):
        return jvp(func, primals, tangents)[1]
    return _detach_tree(output), jvp_fn


# ---- vmap (Note [vmap by looping]) ----
def _fn_name(func):
    return getattr(func, "__name__", type(func).__name__)


def vmap(func: Any, in_dims: Any = 0, out_dims: Any = 0, randomness: Any = "error", *, chunk_size: Any = None) -> Any:
    """Maps func over dimension in_dims of its inputs, stacking the results
    along out_dims. See Note [vmap by looping]."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        name = _fn_name(func)
        if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or a "
                             f"(potentially nested) tuple matching the structure of inputs, got: {type(in_dims)}.")
        if isinstance(in_dims, tuple) and len(in_dims) != len(args):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
                             f"structure of `inputs`. in_dims has {len(in_dims)} entries but inputs has "
                             f"{len(args)}.")
        leaves, rebuild = _flatten(args)
        dims = _broadcast_dims(in_dims, args)
        batch_sizes, mapped = [], []
        for leaf, d in zip(leaves, dims):
            if d is None:
                mapped.append(None)
                continue
            if not _is_tensor(leaf):
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but "
                                 f"the input is of type {type(leaf)}. We cannot vmap over non-Tensor arguments, "
                                 "please use None as the respective in_dim")
            if not -leaf.dim() <= d < leaf.dim():
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some input, "
                                 f"but that input is a Tensor of dimensionality {leaf.dim()} so expected in_dim to "
                                 f"satisfy -{leaf.dim()} <= in_dim < {leaf.dim()}.")
            d = d % leaf.dim()
            mapped.append(d)
            batch_sizes.append(leaf.shape[d])
        if not batch_sizes:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dims={in_dims} for inputs but "
                             "at least one input must be a Tensor that is being vmapped over")
        if len(set(batch_sizes)) > 1:
            raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                             f"{batch_sizes} for the mapped dimension")
        results = _run_samples(func, name, leaves, mapped, rebuild, kwargs, batch_sizes[0], randomness)
        return _stack_results(results, out_dims, name)
    return wrapper


def _broadcast_dims(in_dims, args):
    """One in_dim (or None) per leaf of args."""
    if isinstance(in_dims, int):
        return [in_dims] * len(_flatten(args)[0])
    dims = []
    for d, a in zip(in_dims, args):
        n = len(_flatten(a)[0])
        if isinstance(d, (tuple, list, dict)):
            sub, _ = _flatten(d)
            dims.extend(sub if len(sub) == n else [sub[0]] * n)
        else:
            dims.extend([d] * n)
    return dims


def _run_samples(func, name, leaves, mapped, rebuild, kwargs, batch, randomness):
    from .. import get_rng_state, set_rng_state
    start_state = get_rng_state()
    results = []
    for b in range(batch):
        if randomness == "same":
            set_rng_state(start_state)
        sample = [leaf if d is None else leaf.select(d, b) for leaf, d in zip(leaves, mapped)]
        before = get_rng_state() if randomness == "error" else None
        results.append(func(*rebuild(sample), **kwargs))
        if before is not None and not bool((get_rng_state() == before).all()):
            set_rng_state(before)
            raise RuntimeError("vmap: called random operation while in randomness error mode. Please either use the "
                               "'same' or 'different' randomness flags on vmap or perform the randomness operation "
                               "out of vmap")
    return results


def _stack_results(results, out_dims, name):
    from .. import stack
    leaves0, rebuild = _flatten(results[0])
    per_leaf = [_flatten(r)[0] for r in results]
    if isinstance(out_dims, int) or out_dims is None:
        dims = [out_dims] * len(leaves0)
    else:
        dims = []
        top = results[0] if isinstance(results[0], tuple) else (results[0],)
        for d, part in zip(out_dims, top):
            dims.extend([d] * len(_flatten(part)[0]))
    stacked = []
    for i, leaf in enumerate(leaves0):
        d = dims[i]
        if d is None:
            stacked.append(leaf)
            continue
        if not _is_tensor(leaf):
            raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(leaf)}. Did you "
                             "mean to set out_dims= to None for output?")
        stacked.append(stack([p[i] for p in per_leaf], d))
    return rebuild(stacked)


# ---- modules ----
def functional_call(module: Any, parameter_and_buffer_dicts: Any, args: Any = None, kwargs: Any = None, *,
                    tie_weights: Any = True, strict: Any = False) -> Any:
    """module(*args, **kwargs) with its parameters and buffers replaced by
    the given tensors (a dict, or a tuple/list of dicts merged)."""
    from ..nn.utils.stateless import _functional_call as stateless_call
    if isinstance(parameter_and_buffer_dicts, dict):
        merged = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, (list, tuple)):
        merged, repeated = {}, []
        for d in parameter_and_buffer_dicts:
            for k, v in d.items():
                if k in merged and k not in repeated:
                    repeated.append(k)
                merged[k] = v
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of functional call is ambiguous")
    else:
        raise ValueError(f"Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got "
                         f"{type(parameter_and_buffer_dicts)}")
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    return stateless_call(module, merged, args, kwargs, tie_weights=tie_weights, strict=strict)


def stack_module_state(models: Any) -> Any:
    """(params, buffers): each model's parameters and buffers stacked along a
    new dim 0, for vmap over an ensemble of same-shaped models."""
    from .. import stack
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    first_type = type(models[0])
    if not all(type(m) is first_type for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")

    def stacked(tensors):
        requires_grad = tensors[0].requires_grad
        return stack([t.detach() for t in tensors]).requires_grad_(requires_grad) if requires_grad \
            else stack([t.detach() for t in tensors])
    all_params = [dict(m.named_parameters()) for m in models]
    all_buffers = [dict(m.named_buffers()) for m in models]
    params = {k: stacked([p[k] for p in all_params]) for k in all_params[0]}
    buffers = {k: stacked([b[k] for b in all_buffers]) for k in all_buffers[0]}
    return params, buffers
