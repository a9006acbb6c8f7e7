"""Differential probe of tensorcore.distributions against PyTorch 2.13
(probe20): the cases that differed, each run under both libraries --
the grad_fn a distribution's results print with, broadcast_tensors returning
same-shape tensors themselves (and ATen's message when shapes clash), and
GeneralizedPareto's float64 log_prob/cdf raising as PyTorch's."""
import warnings

import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def _outcome(f, m):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = f(m)
    except Exception as e:  # the outcome compared is the exception type
        return type(e).__name__
    return str(r).replace("tensorcore", "torch")


def _same(f):
    assert _outcome(f, tc) == _outcome(f, torch)


def _grad_fn_name(t):
    return None if t.grad_fn is None else type(t.grad_fn).__name__


def _leaf(m, v):
    return m.tensor(v, requires_grad=True)


# What printing a result shows: requires_grad=True for a parameter returned as is, or grad_fn=<...>.
GRAD_FN_CASES = {
    "normal_mean": lambda m: m.distributions.Normal(_leaf(m, 0.3), _leaf(m, 1.2)).mean,
    "normal_stddev": lambda m: m.distributions.Normal(_leaf(m, 0.3), _leaf(m, 1.2)).stddev,
    "normal_mean_vector": lambda m: m.distributions.Normal(_leaf(m, [0.3, 0.1]), 1.).mean,
    "normal_mean_broadcast": lambda m: m.distributions.Normal(_leaf(m, [0.3, 0.1]), m.ones(2, 2)).mean,
    "laplace_mean": lambda m: m.distributions.Laplace(_leaf(m, 0.3), _leaf(m, 1.2)).mean,
    "vonmises_mean": lambda m: m.distributions.VonMises(_leaf(m, 0.3), _leaf(m, 1.2)).mean,
    "bernoulli_mean": lambda m: m.distributions.Bernoulli(_leaf(m, 0.3)).mean,
    "poisson_mean": lambda m: m.distributions.Poisson(_leaf(m, 2.5)).mean,
    "poisson_variance": lambda m: m.distributions.Poisson(_leaf(m, 2.5)).variance,
    "studentT_mean_scalar": lambda m: m.distributions.StudentT(_leaf(m, 3.), _leaf(m, 0.5), _leaf(m, 2.)).mean,
    "studentT_variance_scalar": lambda m: m.distributions.StudentT(_leaf(m, 3.), _leaf(m, 0.5), _leaf(m, 2.)).variance,
    "studentT_mean_vector": lambda m: m.distributions.StudentT(_leaf(m, [0.5, 1.5, 3.]), _leaf(m, [0.5, 1., 2.])).mean,
    "studentT_variance_vector": lambda m: m.distributions.StudentT(
        _leaf(m, [0.5, 1.5, 3.]), _leaf(m, [0.5, 1., 2.]), _leaf(m, [1., 2., 3.])).variance,
    "fishersnedecor_mode": lambda m: m.distributions.FisherSnedecor(_leaf(m, [1., 3.]), _leaf(m, [2., 5.])).mode,
    "fishersnedecor_mode_scalar": lambda m: m.distributions.FisherSnedecor(_leaf(m, 3.), _leaf(m, 5.)).mode,
    "dirichlet_mode": lambda m: m.distributions.Dirichlet(_leaf(m, [[0.5, 0.2, 0.9], [2., 3., 1.], [0.1, 0.1, 0.1]])).mode,
    "dirichlet_mode_single": lambda m: m.distributions.Dirichlet(_leaf(m, [0.5, 0.2, 0.9])).mode,
    "gamma_cdf": lambda m: m.distributions.Gamma(_leaf(m, 2.), _leaf(m, 1.5)).cdf(m.tensor(0.7)),
    "chi2_cdf": lambda m: m.distributions.Chi2(_leaf(m, 3.)).cdf(m.tensor([0.7, 2.0])),
}


@pytest.mark.parametrize("name", sorted(GRAD_FN_CASES))
def test_result_prints_and_grad_fn_match_torch(name):
    ours, theirs = GRAD_FN_CASES[name](tc), GRAD_FN_CASES[name](torch)
    assert str(ours).replace("tensorcore", "torch") == str(theirs)
    assert _grad_fn_name(ours) == _grad_fn_name(theirs)
    assert ours.requires_grad == theirs.requires_grad


def test_studentT_moment_gradients_match_torch():
    def grads(m):
        df, scale = _leaf(m, [0.5, 1.5, 3., 6.]), _leaf(m, [1., 2., 3., 0.5])
        d = m.distributions.StudentT(df, _leaf(m, [0.1, 0.2, 0.3, 0.4]), scale)
        v = d.variance
        v[v.isfinite()].sum().backward()
        return v.detach().numpy(), df.grad.numpy(), scale.grad.numpy()
    for a, b in zip(grads(tc), grads(torch)):
        np.testing.assert_allclose(a, b, rtol=1e-6, equal_nan=True)


def test_wishart_rsample_redraws_match_torch():
    """The redraw loop writes through the boolean mask as PyTorch's does: same values
    and the same generator state after. (PyTorch's backward through such a sample then
    fails -- the mask saved by index_put_ is modified in place -- so gradients are not
    compared; the grad_fn name differs because batched matmul results are views here.)"""
    def draw(m):
        m.manual_seed(0)
        cov = m.tensor([[2., 0.3], [0.3, 1.]], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            d = m.distributions.Wishart(m.tensor([4., 5.]), covariance_matrix=cov)
            s = d.rsample((3,))
        return s.detach().numpy(), m.rand(2).numpy()
    for a, b in zip(draw(tc), draw(torch)):
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_broadcast_tensors_returns_same_shape_inputs_themselves():
    for m in (tc, torch):
        a, b = m.zeros(3, requires_grad=True), m.zeros(3)
        out = m.broadcast_tensors(a, b)
        assert out[0] is a and out[1] is b
        out = m.broadcast_tensors(a, m.zeros(2, 3))
        assert _grad_fn_name(out[0]) == "ExpandBackward0"
        assert m.distributions.utils.broadcast_all(a, 1.)[0] is a


@pytest.mark.parametrize("shapes", [((3,), (2,)), ((2, 1), (1, 3), (4, 1, 1), (5,)), ((2, 3), (3, 2)),
                                    ((3,), (0,)), ((2, 1), (1, 3), (4, 1, 1)), ((0,), (1,))])
def test_broadcast_tensors_shapes_and_errors_match_torch(shapes):
    def run(m):
        try:
            return [tuple(t.shape) for t in m.broadcast_tensors(*[m.zeros(s) for s in shapes])]
        except RuntimeError as e:
            return str(e)
    assert run(tc) == run(torch)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("method", ["log_prob", "cdf", "log_cdf", "log_survival_function", "icdf", "rsample",
                                    "entropy", "mean"])
def test_generalized_pareto_float64_behaves_as_torch(dtype, method):
    """PyTorch 2.13 compares the concentration with a default-dtype zero in log_prob and
    log_survival_function (so cdf, log_cdf): float64 parameters raise RuntimeError there."""
    def run(m):
        dt = getattr(m, dtype)
        d = m.distributions.GeneralizedPareto(m.tensor([0.1, -0.2], dtype=dt), m.tensor([1., 2.], dtype=dt),
                                              m.tensor([0.2, 0.0], dtype=dt))
        m.manual_seed(0)
        if method == "rsample":
            return d.rsample((2,))
        if method in ("entropy", "mean"):
            return d.entropy() if method == "entropy" else d.mean
        arg = m.tensor([0.3, 0.6], dtype=dt)
        return getattr(d, method)(arg)
    _same(run)


def _bernoulli(m, probs):
    return m.distributions.Bernoulli(m.tensor(probs, dtype=m.float64, requires_grad=True))


KL_CASES = {
    # masks of one side's batch shape against a broadcast result: PyTorch's IndexError
    "bernoulli_broadcast_p": lambda m: m.distributions.kl_divergence(
        _bernoulli(m, [0.2, 0.5, 0.0]), _bernoulli(m, [[0.3, 0.5, 0.9], [0.1, 1.0, 0.4]])),
    "bernoulli_broadcast_q": lambda m: m.distributions.kl_divergence(
        _bernoulli(m, [[0.3, 0.5, 0.9], [0.1, 1.0, 0.4]]), _bernoulli(m, [0.2, 0.5, 0.0])),
    "uniform_exponential_broadcast": lambda m: m.distributions.kl_divergence(
        m.distributions.Uniform(m.tensor([-1., 0.5, 1.]), m.tensor([2., 3., 4.])),
        m.distributions.Exponential(m.ones(2, 3))),
    "pareto_normal_broadcast": lambda m: m.distributions.kl_divergence(
        m.distributions.Pareto(m.tensor([1., 2., 3.]), m.tensor([1.5, 2.5, 3.5])),
        m.distributions.Normal(m.zeros(2, 3), 1.)),
    "uniform_contbernoulli_broadcast": lambda m: m.distributions.kl_divergence(
        m.distributions.Uniform(m.tensor([0.1, 0.2, -1.]), m.tensor([0.5, 0.9, 0.5])),
        m.distributions.ContinuousBernoulli(m.full((2, 3), 0.3))),
    # same shapes: values, and the grad_fn the result prints with
    "bernoulli_same_shape": lambda m: m.distributions.kl_divergence(
        _bernoulli(m, [0.2, 0.5, 0.0, 1.0]), _bernoulli(m, [0.3, 0.0, 0.9, 1.0])),
    "bernoulli_zero_dim": lambda m: m.distributions.kl_divergence(_bernoulli(m, 0.2), _bernoulli(m, 0.0)),
    "uniform_uniform": lambda m: m.distributions.kl_divergence(
        m.distributions.Uniform(m.tensor([0., 1.]), m.tensor([1., 2.], requires_grad=True)),
        m.distributions.Uniform(m.tensor([-1., 1.5]), m.tensor([2., 3.]))),
    "binomial_binomial": lambda m: m.distributions.kl_divergence(
        m.distributions.Binomial(m.tensor([5., 7.]), m.tensor([0.3, 0.6], requires_grad=True)),
        m.distributions.Binomial(m.tensor([5., 4.]), m.tensor([0.2, 0.5]))),
    "pareto_exponential": lambda m: m.distributions.kl_divergence(
        m.distributions.Pareto(m.tensor([1., 2.]), m.tensor([0.5, 2.5], requires_grad=True)),
        m.distributions.Exponential(m.tensor([1., 2.]))),
}


@pytest.mark.parametrize("name", sorted(KL_CASES))
def test_kl_divergence_masks_match_torch(name):
    def run(m):
        r = KL_CASES[name](m)
        return r, _grad_fn_name(r)
    _same(run)


@pytest.mark.parametrize("value", [1j, np.float32(1.0), np.int64(1), np.float64(1.0), True, 2, "a", None])
def test_broadcast_all_accepts_python_numbers_only(value):
    """torch.types._Number is (int, float, bool): a complex or a numpy float32 scalar parameter is
    PyTorch's ValueError (np.float64 passes: it subclasses float)."""
    _same(lambda m: repr(m.distributions.Normal(value, 1.)))
    _same(lambda m: m.distributions.utils.broadcast_all(value, m.zeros(2)))


def _transforms(m):
    return m.distributions.transforms


X_CAT = np.random.default_rng(5).normal(size=(4, 2, 5))
CAT_STACK_CASES = {
    # a part with event_dim 1 (StickBreaking: 3 -> 4) beside elementwise ones
    "cat_event_dim_last": lambda m: (lambda t, x: (t(x), t.log_abs_det_jacobian(x, t(x)), t.inv(t(x)), t.event_dim))(
        _transforms(m).CatTransform([_transforms(m).ExpTransform(), _transforms(m).StickBreakingTransform()],
                                    dim=-1, lengths=[2, 3]), m.tensor(X_CAT)),
    "cat_event_dim_batch_dim": lambda m: (lambda t, x: (t(x), t.log_abs_det_jacobian(x, t(x))))(
        _transforms(m).CatTransform([_transforms(m).ExpTransform(),
                                     _transforms(m).IndependentTransform(_transforms(m).SigmoidTransform(), 1)],
                                    dim=0, lengths=[1, 3]), m.tensor(X_CAT)),
    "cat_event_dim_inside_event": lambda m: (lambda t, x: t.log_abs_det_jacobian(x, t(x)))(
        _transforms(m).CatTransform([_transforms(m).ExpTransform(),
                                     _transforms(m).IndependentTransform(_transforms(m).SigmoidTransform(), 1)],
                                    dim=-1, lengths=[2, 3]), m.tensor(X_CAT)),
    "cat_wrong_length": lambda m: _transforms(m).CatTransform(
        [_transforms(m).ExpTransform(), _transforms(m).SigmoidTransform()], dim=-1, lengths=[1, 2])(m.tensor(X_CAT)),
    "cat_dim_out_of_range": lambda m: _transforms(m).CatTransform([_transforms(m).ExpTransform()], dim=3)(m.ones(2)),
    "cat_lengths_mismatch": lambda m: _transforms(m).CatTransform([_transforms(m).ExpTransform()], lengths=[1, 2]),
    "cat_not_transforms": lambda m: _transforms(m).CatTransform([3]),
    "cat_with_cache": lambda m: (lambda t: (type(t).__name__, t._cache_size, t.lengths))(
        _transforms(m).CatTransform([_transforms(m).ExpTransform()], lengths=[2]).with_cache(1)),
    "stack_wrong_size": lambda m: _transforms(m).StackTransform(
        [_transforms(m).ExpTransform(), _transforms(m).SigmoidTransform()])(m.tensor(X_CAT)),
    "stack_inverse_wrong_size": lambda m: _transforms(m).StackTransform(
        [_transforms(m).ExpTransform(), _transforms(m).SigmoidTransform()]).inv(m.ones(3)),
    "stack_ladj": lambda m: (lambda t, x: t.log_abs_det_jacobian(x, t(x)))(
        _transforms(m).StackTransform([_transforms(m).ExpTransform(), _transforms(m).SigmoidTransform()], dim=1),
        m.tensor(X_CAT)),
    "stack_not_transforms": lambda m: _transforms(m).StackTransform([_transforms(m).ExpTransform(), "x"]),
    "stack_with_cache": lambda m: (lambda t: (type(t).__name__, t._cache_size, t.dim))(
        _transforms(m).StackTransform([_transforms(m).ExpTransform()], dim=1).with_cache(1)),
}


@pytest.mark.parametrize("name", sorted(CAT_STACK_CASES))
def test_cat_and_stack_transforms_match_torch(name):
    def run(m):
        try:
            return CAT_STACK_CASES[name](m)
        except AssertionError as e:  # PyTorch's checks raise AssertionError: compare the text too
            return f"AssertionError: {e}"
    ours, theirs = run(tc), run(torch)
    assert str(ours).replace("tensorcore", "torch") == str(theirs)


LINALG_ERROR_CASES = {
    "mvn_not_positive_definite": lambda m: m.distributions.MultivariateNormal(
        m.zeros(2), m.tensor([[1., 2.], [2., 1.]]), validate_args=False),
    "mvn_batched_second_fails": lambda m: m.distributions.MultivariateNormal(
        m.zeros(2), m.tensor([[[4., 1.], [1., 3.]], [[1., 2.], [2., 1.]]]), validate_args=False),
    "mvn_nan_covariance": lambda m: m.distributions.MultivariateNormal(
        m.zeros(2), m.tensor([[float("nan"), 0.], [0., 1.]]), validate_args=False),
    "lowrank_nan_factor_before_validation": lambda m: m.distributions.LowRankMultivariateNormal(
        m.zeros(3), m.tensor([[float("nan"), 1.], [0., 1.], [1., 0.]]), m.ones(3), validate_args=True),
    "lowrank_zero_diag_batched": lambda m: m.distributions.LowRankMultivariateNormal(
        m.zeros(2, 3), m.ones(2, 3, 1), m.tensor([[1., 1., 1.], [0., 1., 1.]]), validate_args=True),
    "wishart_not_positive_definite": lambda m: m.distributions.Wishart(
        m.tensor(3.), covariance_matrix=m.tensor([[1., 2.], [2., 1.]]), validate_args=False),
}


@pytest.mark.parametrize("name", sorted(LINALG_ERROR_CASES))
def test_cholesky_failures_raise_linalg_error_as_torch(name):
    """A factorization failure is torch.linalg.LinAlgError (a RuntimeError) with linalg.cholesky's
    message, "(Batch element k): " for the first failing matrix of a batch; a NaN pivot fails too."""
    def run(m):
        try:
            LINALG_ERROR_CASES[name](m)
        except m.linalg.LinAlgError as e:
            return "LinAlgError", str(e)
        except Exception as e:  # a different exception is itself the difference
            return type(e).__name__, str(e).replace("tensorcore", "torch")
        return "no error"
    assert run(tc) == run(torch)


def test_mixture_support_constraint_prints_as_torch():
    def run(m):
        d = m.distributions.MixtureSameFamily(m.distributions.Categorical(m.ones(3)),
                                              m.distributions.Normal(m.zeros(3), 1.), validate_args=True)
        out = [repr(d.support), type(d.support).__name__]
        try:
            d.log_prob(m.tensor([float("nan")]))
        except ValueError as e:
            out.append(str(e).replace("tensorcore", "torch"))
        try:
            m.distributions.constraints.MixtureSameFamilyConstraint(3)
        except AssertionError as e:
            out.append(str(e))
        return out
    assert run(tc) == run(torch)
