"""torch.optim.swa_utils: stochastic weight averaging and EMA of a model's
weights (AveragedModel), the BatchNorm statistics refresh (update_bn) and
the SWA learning-rate schedule (SWALR).

Note [AveragedModel update order]
AveragedModel keeps a deep copy of the model and a long counter n_averaged
(a buffer, so it is saved in state_dict). update_parameters(model):
- the first call (n_averaged == 0) copies the model's weights;
- later calls average: with neither avg_fn nor multi_avg_fn, the running
  mean  avg + (current - avg) / (n + 1)  (PyTorch's CPU path: its foreach
  lerp form only runs on accelerators), with multi_avg_fn one call per dtype
  group of lists, with avg_fn one call per tensor whose result is copied in;
- without use_buffers the buffers (BatchNorm statistics) are copied, not
  averaged; with it they are averaged like the parameters;
- n_averaged then grows by one.
"""
from __future__ import annotations

import itertools
import math
import warnings
from copy import deepcopy
from typing import Any

from .. import _C
from ..autograd import no_grad
from ..nn.modules.module import Module
from .lr_scheduler import LRScheduler, _per_group

Tensor = _C.Tensor

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn",
           "get_ema_avg_fn", "get_swa_avg_fn"]


def _check_decay(decay):
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def _is_float_or_complex(t):
    return t.is_floating_point() or t.is_complex()


def get_ema_multi_avg_fn(decay: float = 0.999) -> Any:
    """multi_avg_fn for an exponential moving average: ema <- lerp(ema, current, 1 - decay)."""
    _check_decay(decay)

    def ema_update(ema_param_list, current_param_list, _num_averaged):
        with no_grad():
            if _is_float_or_complex(ema_param_list[0]):
                for ema, current in zip(ema_param_list, current_param_list):
                    ema.lerp_(current, 1 - decay)
            else:  # integer tensors cannot lerp
                for ema, current in zip(ema_param_list, current_param_list):
                    ema.copy_(ema * decay + current * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn() -> Any:
    """multi_avg_fn for the running mean of all weights seen so far."""

    def swa_update(averaged_param_list, current_param_list, num_averaged):
        with no_grad():
            if _is_float_or_complex(averaged_param_list[0]):
                weight = float(1 / (num_averaged + 1))
                for averaged, current in zip(averaged_param_list, current_param_list):
                    averaged.lerp_(current, weight)
            else:
                for averaged, current in zip(averaged_param_list, current_param_list):
                    if isinstance(num_averaged, Tensor):
                        averaged.addcdiv_(current - averaged, num_averaged + 1)
                    else:
                        averaged.add_(current - averaged, alpha=1.0 / (num_averaged + 1))

    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> Any:
    """avg_fn for an exponential moving average: decay * ema + (1 - decay) * current."""
    _check_decay(decay)

    def ema_update(ema_param, current_param, num_averaged):
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn() -> Any:
    """avg_fn for the running mean: averaged + (current - averaged) / (n + 1)."""

    def swa_update(averaged_param, current_param, num_averaged):
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


class AveragedModel(Module):
    """A copy of `model` whose weights are averaged over update_parameters()
    calls (Note [AveragedModel update order]); calling it runs the copy."""

    def __init__(self, model: Module, device: Any = None, avg_fn: Any = None, multi_avg_fn: Any = None,
                 use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", _C.zeros([], _C.tensor_from_data(0, None).dtype))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.module(*args, **kwargs)

    def _tensors_of(self, module, own):
        if self.use_buffers:
            return list(itertools.chain(module.parameters(), module.buffers()))
        return list(self.parameters()) if own else list(module.parameters())

    def update_parameters(self, model: Module) -> None:
        averaged = [t.detach() for t in self._tensors_of(self.module, own=True)]
        current = [t.detach() for t in self._tensors_of(model, own=False)]
        pairs = list(zip(averaged, current))  # PyTorch zips without a length check here
        first_update = int(self.n_averaged.item()) == 0
        with no_grad():
            if first_update:
                for avg, cur in pairs:
                    avg.copy_(cur)
            elif self.avg_fn is not None:
                for avg, cur in pairs:
                    avg.copy_(self.avg_fn(avg, cur, self.n_averaged))
            else:
                # one multi_avg_fn call per dtype, in first-seen order, as PyTorch groups them
                groups: dict[Any, tuple[list, list]] = {}
                for avg, cur in pairs:
                    group = groups.setdefault(avg.dtype, ([], []))
                    group[0].append(avg)
                    group[1].append(cur)
                for avg_list, cur_list in groups.values():
                    if self.multi_avg_fn is not None:
                        self.multi_avg_fn(avg_list, cur_list, self.n_averaged.clone())
                    else:
                        running_mean = get_swa_avg_fn()
                        for avg, cur in zip(avg_list, cur_list):
                            avg.copy_(running_mean(avg, cur, self.n_averaged))
            if not self.use_buffers:
                for own, theirs in zip(self.module.buffers(), model.buffers(), strict=True):
                    own.detach().copy_(theirs.detach())
            self.n_averaged += 1


def update_bn(loader: Any, model: Module, device: Any = None) -> None:
    """Recomputes every BatchNorm's running statistics with one pass over
    `loader` (a batch is a tensor, or a list/tuple whose first item is), as a
    cumulative average (momentum None); momenta and train/eval mode restored."""
    from ..nn.modules.batchnorm import _BatchNorm
    with no_grad():
        momenta = {}
        for module in model.modules():
            if isinstance(module, _BatchNorm):
                module.reset_running_stats()
                momenta[module] = module.momentum
        if not momenta:
            return
        was_training = model.training
        model.train()
        for module in momenta:
            module.momentum = None
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            if device is not None:
                batch = batch.to(device)
            model(batch)
        for module, momentum in momenta.items():
            module.momentum = momentum
        model.train(was_training)


class SWALR(LRScheduler):
    """Anneals each group's lr from its value to group["swa_lr"] over
    anneal_epochs steps (cosine or linear), then holds it there."""

    def __init__(self, optimizer: Any, swa_lr: Any, anneal_epochs: int = 10, anneal_strategy: str = "cos",
                 last_epoch: int = -1) -> None:
        for value, group in zip(_per_group("swa_lr", optimizer, swa_lr), optimizer.param_groups):
            group["swa_lr"] = value
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        # the lr the schedule started from, recovered from the current lr at progress alpha
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self) -> Any:
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
                          UserWarning, stacklevel=2)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        previous_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        previous_lrs = [self._get_initial_lr(group["lr"], group["swa_lr"], previous_alpha)
                        for group in self.optimizer.param_groups]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [group["swa_lr"] * alpha + lr * (1 - alpha)
                for group, lr in zip(self.optimizer.param_groups, previous_lrs)]

    def _set_anneal_func(self, anneal_strategy):
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else self._linear_anneal

    def state_dict(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if key not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
