"""tensorcore.distributions against torch.distributions: the same draws per seed
(and generator state after), log_prob, entropy, rsample gradients, reprs,
kl_divergence and argument validation."""
import numpy as np
import pytest

import tensorcore as tc
from tensorcore import distributions as D


def _both(fn):
    torch = pytest.importorskip("torch")
    out = []
    for lib in (torch, tc):
        lib.manual_seed(3)
        out.append(fn(lib))
    return out


def _np(x):
    if isinstance(x, (list, tuple)):
        return [_np(v) for v in x]
    return x.detach().numpy() if hasattr(x, "detach") else x


def _assert_same(pair, rtol=1e-6):
    expected, actual = (_np(v) for v in pair)
    for a, e in zip(actual, expected):
        if isinstance(e, str):
            assert a.replace("tensorcore", "torch") == e
        else:
            np.testing.assert_allclose(a, e, rtol=rtol, atol=1e-6)


def test_categorical_matches_torch():
    def run(lib):
        d = lib.distributions
        logits = lib.randn(4, 5)
        c = d.Categorical(logits=logits)
        s = c.sample()
        s3 = c.sample((3, 2))
        c2 = d.Categorical(probs=lib.rand(5))
        return [repr(c), s, s3, c.log_prob(s3), c.entropy(), c.probs, c2.sample((7,)), c2.logits,
                d.kl_divergence(c, d.Categorical(logits=logits.flip(-1))), repr(c2), c.mode, lib.rand(2)]
    _assert_same(_both(run))


def test_normal_matches_torch_including_rsample_gradients():
    def run(lib):
        d = lib.distributions
        loc = lib.randn(3, requires_grad=True)
        scale = (lib.rand(3) + 0.5).requires_grad_()
        n = d.Normal(loc, scale)
        x = n.rsample((4,))
        x.pow(2).sum().backward()
        return [repr(n), n.sample((2,)), x, loc.grad, scale.grad, n.log_prob(x), n.entropy(), n.cdf(x),
                d.kl_divergence(n, d.Normal(lib.zeros(3), lib.ones(3))), repr(d.Normal(0.0, 2.0)),
                d.Normal(0.0, 2.0).sample((3,)), lib.rand(2)]
    _assert_same(_both(run))


def test_bernoulli_and_uniform_match_torch():
    def run(lib):
        d = lib.distributions
        b = d.Bernoulli(probs=lib.rand(6))
        bl = d.Bernoulli(logits=lib.randn(2, 3))
        s = b.sample((2,))
        u = d.Uniform(lib.zeros(3), lib.tensor([1.0, 2.0, 3.0]))
        us = u.rsample((2,))
        return [s, b.log_prob(s), b.entropy(), bl.sample(), bl.probs, us, u.log_prob(us), u.entropy(),
                d.kl_divergence(b, d.Bernoulli(probs=lib.full((6,), 0.3))), repr(u), lib.rand(2)]
    _assert_same(_both(run))


def test_validation_errors():
    with pytest.raises(ValueError, match="Expected parameter scale"):
        D.Normal(tc.zeros(2), tc.tensor([1.0, -1.0]))
    D.Normal(tc.zeros(2), tc.tensor([1.0, -1.0]), validate_args=False)
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        D.Categorical()
    with pytest.raises(ValueError, match="within the support"):
        D.Categorical(probs=tc.tensor([0.5, 0.5])).log_prob(tc.tensor(2))
    with pytest.raises(NotImplementedError):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Cauchy(0.0, 1.0))  # no closed form registered (Normal-Uniform is: inf)


def test_reinforce_style_policy_gradient_matches_torch():
    """The pattern of pytorch/examples reinforcement_learning/reinforce.py:
    sample an action from a Categorical over a policy's softmax, then the loss
    -log_prob * return, backward and an Adam step."""
    def run(lib):
        policy = lib.nn.Sequential(lib.nn.Linear(4, 16), lib.nn.ReLU(), lib.nn.Linear(16, 2))
        opt = lib.optim.Adam(policy.parameters(), lr=1e-2)
        trace = []
        for _ in range(5):
            state = lib.randn(4)
            m = lib.distributions.Categorical(lib.softmax(policy(state), dim=-1))
            action = m.sample()
            loss = -m.log_prob(action) * (1.0 + action.float())
            opt.zero_grad()
            loss.backward()
            opt.step()
            trace += [action, loss.detach()]
        return trace + [policy[0].weight.detach()]
    _assert_same(_both(run), rtol=1e-5)
