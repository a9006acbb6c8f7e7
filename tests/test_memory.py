"""Dropping the last reference frees the autograd graph (no reference cycles
through C++), and long build-and-backward loops keep resident memory flat."""
import gc
import os
import weakref

import pytest

import tensorcore as tc


def live_nodes():
    return tc._C._live_autograd_nodes()


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def _settle():
    gc.collect()
    return live_nodes()


def test_del_output_frees_graph():
    base = _settle()
    x = tc.ones(2, 2, requires_grad=True)
    out = ((x + 2) ** 2).sum()
    assert live_nodes() == base + 4  # Add, Pow, Sum, AccumulateGrad
    del out
    assert _settle() == base
    assert x.grad is None


def test_grad_fn_wrapper_weakref_dies_with_graph():
    base = _settle()
    x = tc.ones(3, requires_grad=True)
    out = (x * x).exp().sum()
    fn = out.grad_fn
    ref = weakref.ref(fn)
    nxt = weakref.ref(fn.next_functions[0][0])
    del out
    gc.collect()
    assert ref() is fn  # the user's reference keeps the graph alive...
    assert fn.next_functions[0][0].name() == "ExpBackward0"
    del fn
    gc.collect()
    assert ref() is None and nxt() is None  # ...and the last reference frees it
    assert live_nodes() == base


def test_graph_freed_after_backward_and_del():
    base = _settle()
    x = tc.ones(3, requires_grad=True)
    out = (x.exp() * x).sum()
    out.backward()
    del out
    assert _settle() == base
    assert x.grad is not None


def test_saved_output_does_not_create_a_cycle():
    base = _settle()
    x = tc.ones(3, requires_grad=True)
    y = x.exp()  # ExpBackward0 saves its own output
    z = y.sigmoid().tanh()  # more output-saving nodes
    del y, z
    assert _settle() == base


def test_python_objects_held_by_the_graph_are_released():
    class Hook:
        def __call__(self, g):
            return g

    class Double(tc.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            ctxs.append(weakref.ref(ctx))
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    ctxs = []
    base = _settle()
    x = tc.ones(2, requires_grad=True)
    hook = Hook()
    href = weakref.ref(hook)
    y = Double.apply(x)
    y.register_hook(hook)
    del hook
    out = (y * 3).sum()
    del y
    gc.collect()
    assert href() is not None and ctxs[0]() is not None  # still reachable from the graph
    del out
    gc.collect()
    assert href() is None and ctxs[0]() is None
    assert live_nodes() == base


def test_retain_grad_and_hooks_on_leaves_do_not_leak():
    base = _settle()
    for _ in range(50):
        x = tc.ones(4, requires_grad=True)
        h = x.register_hook(lambda g: g * 1)
        y = x * 2
        y.retain_grad()
        y.sum().backward()
        h.remove()
    del x, y, h
    assert _settle() == base


def test_create_graph_double_backward_frees():
    base = _settle()
    x = tc.tensor([1.0, 2.0], requires_grad=True)
    (g,) = tc.autograd.grad((x ** 3).sum(), x, create_graph=True)
    (g.sum()).backward()
    del g
    x.grad = None
    assert _settle() == base


def test_tutorial_loop_keeps_memory_flat():
    """100,000 build-and-backward iterations of the tutorial graph."""
    def step():
        a = tc.autograd.Variable(tc.ones(2, 2), requires_grad=True)
        b = a + 2
        c = b ** 2
        out = c.sum()
        out.backward()
        return a.grad

    for _ in range(2000):  # warm up allocator caches and interned objects
        step()
    gc.collect()
    base_nodes = live_nodes()
    before = rss_mb()
    for _ in range(100_000):
        g = step()
    gc.collect()
    grown = rss_mb() - before
    assert g.tolist() == [[6.0, 6.0], [6.0, 6.0]]
    assert live_nodes() == base_nodes
    assert grown < 20, f"resident memory grew by {grown:.1f} MB over 100,000 iterations"


@pytest.mark.parametrize("kind", ["views", "indexing", "reductions", "inplace"])
def test_other_graph_shapes_do_not_leak(kind):
    def step():
        x = tc.ones(4, 3, requires_grad=True)
        if kind == "views":
            y = x.t().reshape(-1).unsqueeze(0).expand(2, 12)[:, ::2]
        elif kind == "indexing":
            y = x[[0, 2]][:, tc.tensor([True, False, True])] * x[1:3, :2]
        elif kind == "reductions":
            y = x.softmax(1).max(0).values + x.std(0) + x.logsumexp(0)
        else:
            y = x * 1
            y.mul_(2)
            y[0] = 1.0
        y.sum().backward()

    for _ in range(200):
        step()
    gc.collect()
    base, before = live_nodes(), rss_mb()
    for _ in range(3000):
        step()
    gc.collect()
    assert live_nodes() == base
    assert rss_mb() - before < 10
