"""nn.utils.prune: masks that zero parts of a parameter.

Note [Pruned parameters]
As in PyTorch, pruning parameter `name` moves it to `name_orig`, adds a
buffer `name_mask` and makes `name` a plain attribute equal to
name_orig * name_mask, recomputed by a forward pre-hook (the pruning method
object itself). Pruning the same parameter again combines the masks through
a PruningContainer: the new method only sees the entries (unstructured) or
channels (structured) still alive. remove() makes the pruned tensor the
parameter again. Random methods draw with rand/rand_like exactly as PyTorch.
"""
from __future__ import annotations
from typing import Any
import numbers
from abc import ABC, abstractmethod

from ... import _C
from ...autograd import no_grad

Tensor = _C.Tensor

__all__ = ["BasePruningMethod", "PruningContainer", "Identity", "RandomUnstructured", "L1Unstructured",
           "RandomStructured", "LnStructured", "CustomFromMask", "identity", "random_unstructured",
           "l1_unstructured", "random_structured", "ln_structured", "global_unstructured", "custom_from_mask",
           "remove", "is_pruned"]


def _validate_pruning_amount_init(amount):
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if (isinstance(amount, numbers.Integral) and amount < 0) or \
            (not isinstance(amount, numbers.Integral) and (float(amount) > 1.0 or float(amount) < 0.0)):
        raise ValueError(f"amount={amount} should either be a float in the range [0, 1] or a non-negative integer")


def _validate_pruning_amount(amount, tensor_size):
    if isinstance(amount, numbers.Integral) and amount > tensor_size:
        raise ValueError(f"amount={amount} should be smaller than the number of parameters to prune={tensor_size}")


def _compute_nparams_toprune(amount, tensor_size):
    if isinstance(amount, numbers.Integral):
        return amount
    return round(amount * tensor_size)


def _validate_structured_pruning(t):
    if len(t.shape) <= 1:
        raise ValueError("Structured pruning can only be applied to multidimensional tensors. Found tensor of shape "
                         f"{tuple(t.shape)} with {len(t.shape)} dims")


def _validate_pruning_dim(t, dim):
    if dim >= t.dim():
        raise IndexError(f"Invalid index {dim} for tensor of size {t.shape}")


def _compute_norm(t, n, dim):
    dims = [d for d in range(t.dim()) if d != (dim if dim >= 0 else dim + t.dim())]
    return t.norm(n, dims)


class BasePruningMethod(ABC):
    """A pruning method: compute_mask(t, default_mask) decides; the object is
    also the forward pre-hook that recomputes the pruned tensor."""
    _tensor_name = None

    def __call__(self, module: Any, inputs: Any) -> None:
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t: Any, default_mask: Any) -> None:
        ...

    def apply_mask(self, module: Any) -> Any:
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned")
        mask = getattr(module, self._tensor_name + "_mask")
        orig = getattr(module, self._tensor_name + "_orig")
        return orig * mask.to(dtype=orig.dtype)

    @classmethod
    def apply(cls, module: Any, name: Any, *args: Any, importance_scores: Any = None, **kwargs: Any) -> Any:
        def _get_composite_method(cls, module, name, *args, **kwargs):
            old_method = None
            found = 0
            hooks_to_remove = []
            for k, hook in module._forward_pre_hooks.items():
                if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
                    old_method = hook
                    hooks_to_remove.append(k)
                    found += 1
            if found > 1:
                raise AssertionError(f"Avoid adding multiple pruning hooks to the same tensor {name} of module "
                                     f"{module}. Use a PruningContainer.")
            for k in hooks_to_remove:
                del module._forward_pre_hooks[k]
            method = cls(*args, **kwargs)
            method._tensor_name = name
            if old_method is not None:
                if isinstance(old_method, PruningContainer):
                    old_method.add_pruning_method(method)
                    method = old_method
                else:
                    container = PruningContainer(old_method)
                    container.add_pruning_method(method)
                    method = container
            return method

        method = _get_composite_method(cls, module, name, *args, **kwargs)
        orig = getattr(module, name)
        if importance_scores is not None and tuple(importance_scores.shape) != tuple(orig.shape):
            raise AssertionError(f"importance_scores should have the same shape as parameter {name} of {module}")
        if not isinstance(method, PruningContainer):
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
            default_mask = _C.ones(list(orig.shape), orig.dtype)
        else:
            default_mask = getattr(module, name + "_mask").detach().clone()
        try:
            with no_grad():
                scores = importance_scores if importance_scores is not None else orig
                mask = method.compute_mask(scores, default_mask=default_mask)
            module.register_buffer(name + "_mask", mask)
            setattr(module, name, method.apply_mask(module))
            module.register_forward_pre_hook(method)
        except Exception as e:
            if not isinstance(method, PruningContainer):
                orig = getattr(module, name + "_orig")
                module.register_parameter(name, orig)
                del module._parameters[name + "_orig"]
            raise e
        return method

    def prune(self, t: Any, default_mask: Any = None, importance_scores: Any = None) -> Any:
        if importance_scores is not None and tuple(importance_scores.shape) != tuple(t.shape):
            raise AssertionError("importance_scores should have the same shape as tensor t")
        scores = importance_scores if importance_scores is not None else t
        default_mask = default_mask if default_mask is not None else _C.ones(list(t.shape), t.dtype)
        return t * self.compute_mask(scores, default_mask=default_mask)

    def remove(self, module: Any) -> None:
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned before pruning can be removed")
        weight = self.apply_mask(module)
        if hasattr(module, self._tensor_name):
            delattr(module, self._tensor_name)
        orig = module._parameters[self._tensor_name + "_orig"]
        # PyTorch rebinds the parameter's data rather than writing into its storage:
        # a tensor taken from it earlier (a state_dict() entry, a detach()) keeps
        # the unpruned values.
        orig.data = weight.data
        del module._parameters[self._tensor_name + "_orig"]
        del module._buffers[self._tensor_name + "_mask"]
        module.register_parameter(self._tensor_name, orig)


class PruningContainer(BasePruningMethod):
    """Successive pruning methods on one tensor; each new one acts on what
    the earlier ones left (Note [Pruned parameters])."""

    def __init__(self, *args: Any) -> None:
        self._pruning_methods = ()
        if not isinstance(args, (list, tuple)) or len(args) == 0:
            raise TypeError("PruningContainer requires at least one pruning method")
        if len(args) == 1:
            self._tensor_name = args[0]._tensor_name
            self.add_pruning_method(args[0])
        else:
            for method in args:
                self.add_pruning_method(method)

    def add_pruning_method(self, method: Any) -> None:
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError(f"Can only add pruning methods acting on the parameter named '{self._tensor_name}' "
                             f"to PruningContainer {self}. Found '{method._tensor_name}'")
        self._pruning_methods += (method,)

    def __len__(self) -> int:
        return len(self._pruning_methods)

    def __iter__(self) -> Any:
        return iter(self._pruning_methods)

    def __getitem__(self, idx: Any) -> Any:
        return self._pruning_methods[idx]

    def compute_mask(self, t: Any, default_mask: Any) -> Any:
        method = self._pruning_methods[-1]
        mask = default_mask.clone()
        if method.PRUNING_TYPE == "unstructured":
            alive = default_mask == 1
            partial = method.compute_mask(t[alive], default_mask=default_mask[alive])
            mask[alive] = partial.to(mask.dtype)
        elif method.PRUNING_TYPE == "structured":
            if not hasattr(method, "dim"):
                raise AttributeError("Pruning methods of PRUNING_TYPE 'structured' need to have the attribute `dim` "
                                     "defined.")
            dim = method.dim if method.dim >= 0 else method.dim + t.dim()
            other = [d for d in range(t.dim()) if d != dim]
            keep_channel = (default_mask.sum(other) != 0) if other else default_mask != 0
            idx = _C.nonzero(keep_channel).reshape(-1)
            sub_t = t.index_select(dim, idx)
            partial = method.compute_mask(sub_t, default_mask=default_mask.index_select(dim, idx))
            mask.movedim(dim, 0)[idx] = partial.to(mask.dtype).movedim(dim, 0)
        elif method.PRUNING_TYPE == "global":
            mask = method.compute_mask(t, default_mask=default_mask)
        else:
            raise ValueError(f"Unrecognized PRUNING_TYPE {method.PRUNING_TYPE}")
        return mask


class Identity(BasePruningMethod):
    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t: Any, default_mask: Any) -> Any:
        return default_mask

    @classmethod
    def apply(cls, module: Any, name: Any) -> Any:
        return super().apply(module, name)


class RandomUnstructured(BasePruningMethod):
    PRUNING_TYPE = "unstructured"

    def __init__(self, amount: Any) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t: Any, default_mask: Any) -> Any:
        tensor_size = t.numel()
        nparams_toprune = _compute_nparams_toprune(self.amount, tensor_size)
        _validate_pruning_amount(nparams_toprune, tensor_size)
        mask = default_mask.clone()
        if nparams_toprune != 0:
            from ..._functions import rand
            prob = rand(*t.shape, dtype=t.dtype) if t.dim() else rand([], dtype=t.dtype)
            topk = prob.reshape(-1).topk(nparams_toprune)
            flat = mask.reshape(-1)
            flat[topk[1]] = 0
            mask = flat.reshape(list(mask.shape))
        return mask

    @classmethod
    def apply(cls, module: Any, name: Any, amount: Any) -> Any:
        return super().apply(module, name, amount=amount)


class L1Unstructured(BasePruningMethod):
    PRUNING_TYPE = "unstructured"

    def __init__(self, amount: Any) -> None:
        _validate_pruning_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t: Any, default_mask: Any) -> Any:
        tensor_size = t.numel()
        nparams_toprune = _compute_nparams_toprune(self.amount, tensor_size)
        _validate_pruning_amount(nparams_toprune, tensor_size)
        mask = default_mask.clone()
        if nparams_toprune != 0:
            topk = t.abs().reshape(-1).topk(nparams_toprune, largest=False)
            flat = mask.reshape(-1)
            flat[topk[1]] = 0
            mask = flat.reshape(list(mask.shape))
        return mask

    @classmethod
    def apply(cls, module: Any, name: Any, amount: Any, importance_scores: Any = None) -> Any:
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


def _channel_mask(t, dim, keep):
    mask = _C.zeros(list(t.shape), t.dtype)
    shape = [1] * t.dim()
    shape[dim] = -1
    return mask + keep.to(t.dtype).reshape(shape)


class RandomStructured(BasePruningMethod):
    PRUNING_TYPE = "structured"

    def __init__(self, amount: Any, dim: Any = -1) -> None:
        _validate_pruning_amount_init(amount)
        self.amount, self.dim = amount, dim

    def compute_mask(self, t: Any, default_mask: Any) -> Any:
        _validate_structured_pruning(t)
        _validate_pruning_dim(t, self.dim)
        tensor_size = t.shape[self.dim]
        nparams_toprune = _compute_nparams_toprune(self.amount, tensor_size)
        _validate_pruning_amount(nparams_toprune, tensor_size)
        if nparams_toprune == 0:
            return default_mask
        from ..._functions import rand
        prob = rand(tensor_size)
        threshold = prob.sort()[0][nparams_toprune - 1]
        mask = _channel_mask(t, self.dim if self.dim >= 0 else self.dim + t.dim(), prob > threshold)
        return mask * default_mask.to(mask.dtype)

    @classmethod
    def apply(cls, module: Any, name: Any, amount: Any, dim: Any = -1) -> Any:
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(BasePruningMethod):
    PRUNING_TYPE = "structured"

    def __init__(self, amount: Any, n: Any, dim: Any = -1) -> None:
        _validate_pruning_amount_init(amount)
        self.amount, self.n, self.dim = amount, n, dim

    def compute_mask(self, t: Any, default_mask: Any) -> Any:
        _validate_structured_pruning(t)
        _validate_pruning_dim(t, self.dim)
        tensor_size = t.shape[self.dim]
        nparams_toprune = _compute_nparams_toprune(self.amount, tensor_size)
        nparams_tokeep = tensor_size - nparams_toprune
        _validate_pruning_amount(nparams_toprune, tensor_size)
        if nparams_toprune == 0:
            return default_mask
        norm = _compute_norm(t, self.n, self.dim)
        keep_idx = norm.topk(nparams_tokeep, largest=True)[1]
        keep = (_C.zeros([tensor_size], norm.dtype).index_put((keep_idx,), _C.ones([], norm.dtype))) > 0
        mask = _channel_mask(t, self.dim if self.dim >= 0 else self.dim + t.dim(), keep)
        return mask * default_mask.to(mask.dtype)

    @classmethod
    def apply(cls, module: Any, name: Any, amount: Any, n: Any, dim: Any, importance_scores: Any = None) -> Any:
        return super().apply(module, name, amount=amount, n=n, dim=dim, importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    PRUNING_TYPE = "global"

    def __init__(self, mask: Any) -> None:
        self.mask = mask

    def compute_mask(self, t: Any, default_mask: Any) -> Any:
        if tuple(default_mask.shape) != tuple(self.mask.shape):
            raise AssertionError(f"default_mask shape {default_mask.shape} must match self.mask shape "
                                 f"{self.mask.shape}")
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module: Any, name: Any, mask: Any) -> Any:
        return super().apply(module, name, mask=mask)


def identity(module: Any, name: Any) -> Tensor:
    Identity.apply(module, name)
    return module


def random_unstructured(module: Any, name: Any, amount: Any) -> Tensor:
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module: Any, name: Any, amount: Any, importance_scores: Any = None) -> Tensor:
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module: Any, name: Any, amount: Any, dim: Any) -> Tensor:
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module: Any, name: Any, amount: Any, n: Any, dim: Any, importance_scores: Any = None) -> Tensor:
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters: Any, pruning_method: Any, importance_scores: Any = None, **kwargs: Any) -> None:
    """Prunes the (module, name) pairs together: the method sees one vector of
    all their (importance) scores, and each gets its slice of the mask."""
    if not isinstance(parameters, (list, tuple)) and not hasattr(parameters, "__iter__"):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    parameters = list(parameters)
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    relevant = _C.cat([importance_scores.get((m, n), getattr(m, n)).reshape(-1) for m, n in parameters], 0)
    default_mask = _C.cat([getattr(m, n + "_mask", _C.ones(list(getattr(m, n).shape), getattr(m, n).dtype))
                           .reshape(-1) for m, n in parameters], 0)
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError('Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. Found method '
                        f"{pruning_method} of type {method.PRUNING_TYPE}")
    with no_grad():
        alive = default_mask == 1
        final = default_mask.clone()
        final[alive] = method.compute_mask(relevant[alive], default_mask=default_mask[alive]).to(final.dtype)
    pointer = 0
    for module, name in parameters:
        param = getattr(module, name)
        n = param.numel()
        custom_from_mask(module, name, mask=final[pointer:pointer + n].reshape(list(param.shape)))
        pointer += n


def custom_from_mask(module: Any, name: Any, mask: Any) -> Tensor:
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module: Any, name: Any) -> None:
    """Makes the pruned tensor the parameter `name` again (mask applied)."""
    for k, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning can be removed")


def is_pruned(module: Any) -> Any:
    """Whether any submodule of `module` carries a pruning hook."""
    for _, submodule in module.named_modules():
        for hook in submodule._forward_pre_hooks.values():
            if isinstance(hook, BasePruningMethod):
                return True
    return False

