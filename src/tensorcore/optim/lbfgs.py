"""L-BFGS with an optional strong-Wolfe line search."""
from __future__ import annotations
from typing import Any
from .. import _C
from .optimizer import Optimizer, _lr_value, _float_lr

__all__ = ["LBFGS"]

# Note [LBFGS scalars stay tensors]
# Dot products (y.s, g.d, ...) are 0-dim tensors of the parameters' dtype and
# stay tensors through the arithmetic that follows, as in torch.optim.LBFGS:
# the step length t, the curvature ratios ro and H_diag are float32 tensors
# for float32 parameters, and computing them as Python floats instead would
# round differently and drift from PyTorch's iterates. The arithmetic
# expressions below keep PyTorch's operand order for the same reason.


def _cubic_minimum(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1, g2,
    clipped to `bounds` (default: the interval between x1 and x2); the
    interval's midpoint when the cubic has no real minimiser."""
    if bounds is not None:
        lo, hi = bounds
    else:
        lo, hi = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.0
    d2 = d2_square.sqrt() if isinstance(d2_square, _C.Tensor) else d2_square ** 0.5
    if x1 <= x2:
        minimiser = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        minimiser = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(minimiser, lo), hi)


class _Bracket:
    """Two trial step lengths with their losses, gradients and directional
    derivatives, for the zoom phase of the line search."""

    def __init__(self, ts: Any, fs: Any, gs: Any, gtds: Any) -> None:
        self.t, self.f, self.g, self.gtd = ts, fs, gs, gtds

    def set(self, i: Any, t: Any, f: Any, g: Any, gtd: Any) -> None:
        self.t[i], self.f[i], self.g[i], self.gtd[i] = t, f, g, gtd


def _strong_wolfe(evaluate, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Line search along d from the parameters x (loss f, gradient g,
    directional derivative gtd) for a step length satisfying the strong Wolfe
    conditions (Nocedal & Wright, algorithms 3.5 and 3.6): bracketing with
    cubic extrapolation, then zooming with cubic interpolation. Returns
    (loss, flat gradient, step length, number of evaluations)."""
    d_norm = d.abs().max()
    g = g.clone()
    f_new, g_new = evaluate(x, t, d)
    evals = 1
    gtd_new = g_new.dot(d)

    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    bracket = None
    while ls_iter < max_ls:
        # Phase 1: grow the step until an interval is known to hold a point satisfying the conditions.
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket = _Bracket([t_prev, t], [f_prev, f_new], [g_prev, g_new.clone()], [gtd_prev, gtd_new])
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket = _Bracket([t], [f_new], [g_new], [gtd_new])
            done = True
            break
        if gtd_new >= 0:
            bracket = _Bracket([t_prev, t], [f_prev, f_new], [g_prev, g_new.clone()], [gtd_prev, gtd_new])
            break
        lower, upper = t + 0.01 * (t - t_prev), t * 10
        previous_t = t
        t = _cubic_minimum(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(lower, upper))
        t_prev, f_prev, g_prev, gtd_prev = previous_t, f_new, g_new.clone(), gtd_new
        f_new, g_new = evaluate(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

    if ls_iter == max_ls:
        bracket = _Bracket([0, t], [f, f_new], [g, g_new], [None, None])

    # Phase 2: shrink the bracket by cubic interpolation until the conditions hold.
    insufficient_progress = False
    low, high = (0, 1) if bracket.f[0] <= bracket.f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket.t[1] - bracket.t[0]) * d_norm < tolerance_change:
            break
        t = _cubic_minimum(bracket.t[0], bracket.f[0], bracket.gtd[0], bracket.t[1], bracket.f[1], bracket.gtd[1])
        # Keep t away from the bracket's ends: after two steps that made
        # little progress, move it to 10% of the bracket's width inside.
        t_max, t_min = max(bracket.t), min(bracket.t)
        eps = 0.1 * (t_max - t_min)
        if min(t_max - t, t - t_min) < eps:
            if insufficient_progress or t >= t_max or t <= t_min:
                t = t_max - eps if abs(t - t_max) < abs(t - t_min) else t_min + eps
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False

        f_new, g_new = evaluate(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

        if f_new > (f + c1 * t * gtd) or f_new >= bracket.f[low]:
            bracket.set(high, t, f_new, g_new.clone(), gtd_new)
            low, high = (0, 1) if bracket.f[0] <= bracket.f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket.t[high] - bracket.t[low]) >= 0:
                bracket.set(high, bracket.t[low], bracket.f[low], bracket.g[low], bracket.gtd[low])
            bracket.set(low, t, f_new, g_new.clone(), gtd_new)

    return bracket.f[low], bracket.g[low], bracket.t[low], evals


class LBFGS(Optimizer):
    r"""L-BFGS, following torch.optim.LBFGS (itself after minFunc): each
    step() runs up to max_iter iterations of the two-loop recursion over the
    last history_size curvature pairs, with a fixed step lr (after a first
    step scaled by 1 / |g|_1) or, with line_search_fn="strong_wolfe", a
    strong-Wolfe line search. step() needs a closure that recomputes the loss
    and its gradients.

    Only one parameter group is supported. All parameters are flattened into
    one vector, so the memory cost is about (2 * history_size + 3) copies of
    them. The whole state lives under the first parameter, with PyTorch's
    keys: func_evals, n_iter, d, t, old_dirs, old_stps, ro, H_diag,
    prev_flat_grad, prev_loss, al.
    """

    def __init__(self, params: Any, lr: Any = 1, max_iter: Any = 20, max_eval: Any = None, tolerance_grad: Any = 1e-7, tolerance_change: Any = 1e-9,
                 history_size: Any = 100, line_search_fn: Any = None) -> None:
        lr = _float_lr(lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                        tolerance_change=tolerance_change, history_size=history_size, line_search_fn=line_search_fn)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]
        self._numel_cache = None

    def _numel(self):
        if self._numel_cache is None:
            self._numel_cache = sum(p.numel() for p in self._params)
        return self._numel_cache

    def _gather_flat_grad(self):
        """All gradients as one vector (zeros for parameters without one)."""
        views = [_C.zeros([p.numel()], p.dtype) if p.grad is None else p.grad.reshape(-1) for p in self._params]
        return _C.cat(views, 0)

    def _add_grad(self, step_size, update):
        """params += step_size * update, with update split back per parameter."""
        offset = 0
        for p in self._params:
            numel = p.numel()
            p.add_(update[offset:offset + numel].view_as(p), alpha=step_size)
            offset += numel
        assert offset == self._numel()

    def _clone_param(self):
        return [p.clone() for p in self._params]

    def _set_param(self, params_data):
        for p, data in zip(self._params, params_data):
            p.copy_(data)

    def _directional_evaluate(self, closure, x, t, d):
        """Loss and flat gradient at x + t * d; leaves the parameters at x."""
        self._add_grad(t, d)
        loss = float(closure())
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    def step(self, closure: Any) -> Any:
        """Runs up to max_iter L-BFGS iterations; `closure` must zero the
        gradients, compute the loss, call backward() and return the loss.
        Returns the loss of the first evaluation."""
        from ..autograd import enable_grad, no_grad
        self._opt_called = True

        def evaluate():
            with enable_grad():
                return closure()

        with no_grad():
            return self._run(evaluate)

    def _run(self, closure):
        group = self.param_groups[0]
        # A Python lr is used as given (PyTorch's _to_scalar): an int lr keeps the saved step
        # length 't' an int, as state_dict() shows it; a Tensor lr is read as its value.
        lr = group["lr"]
        if isinstance(lr, _C.Tensor):
            lr = _lr_value(group)
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1

        flat_grad = self._gather_flat_grad()
        if flat_grad.abs().max() <= tolerance_grad:
            return orig_loss  # already at a stationary point

        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        H_diag = state.get("H_diag")
        prev_flat_grad, prev_loss = state.get("prev_flat_grad"), state.get("prev_loss")

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1

            # ---- search direction ----
            if state["n_iter"] == 1:
                d = flat_grad.neg()
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = flat_grad.sub(prev_flat_grad)  # gradient change
                s = d.mul(t)  # parameter change
                ys = y.dot(s)
                if ys > 1e-10:  # keep the pair only while curvature is positive
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / y.dot(y)  # initial inverse-Hessian scale
                d = self._two_loop(state, flat_grad, old_dirs, old_stps, ro, H_diag, history_size)

            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.clone()
            else:
                prev_flat_grad.copy_(flat_grad)
            prev_loss = loss

            # ---- step length ----
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / flat_grad.abs().sum()) * lr
            else:
                t = lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:
                break  # not a descent direction any more

            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = self._clone_param()

                def obj_func(x, t, d):
                    return self._directional_evaluate(closure, x, t, d)

                loss, flat_grad, t, ls_func_evals = _strong_wolfe(obj_func, x_init, t, d, loss, flat_grad, gtd,
                                                                  max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = flat_grad.abs().max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                opt_cond = False
                if n_iter != max_iter:
                    # the gradient at the new point is needed by the next iteration only
                    loss = float(closure())
                    flat_grad = self._gather_flat_grad()
                    opt_cond = flat_grad.abs().max() <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            # ---- stopping conditions ----
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if d.mul(t).abs().max() <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        state["d"], state["t"] = d, t
        state["old_dirs"], state["old_stps"], state["ro"] = old_dirs, old_stps, ro
        state["H_diag"] = H_diag
        state["prev_flat_grad"], state["prev_loss"] = prev_flat_grad, prev_loss
        return orig_loss

    @staticmethod
    def _two_loop(state, flat_grad, old_dirs, old_stps, ro, H_diag, history_size):
        """-H g by the L-BFGS two-loop recursion over the stored pairs."""
        if "al" not in state:
            state["al"] = [None] * history_size
        al = state["al"]
        num_old = len(old_dirs)
        q = flat_grad.neg()
        for i in range(num_old - 1, -1, -1):
            al[i] = old_stps[i].dot(q) * ro[i]
            q.add_(old_dirs[i], alpha=-al[i])
        r = _C.mul(q, H_diag)
        for i in range(num_old):
            be_i = old_dirs[i].dot(r) * ro[i]
            r.add_(old_stps[i], alpha=al[i] - be_i)
        return r
