"""Fixes of stop 18 outside linalg, each compared with PyTorch (or with the
behaviour PyTorch documents where the two cannot run side by side)."""
import numpy as np
import pytest

import tensorcore as tc

torch = pytest.importorskip("torch")


def test_checkpoints_in_two_threads_both_recompute():
    # the "already inside a checkpoint" count is per thread (as PyTorch's): a checkpoint running in
    # another thread must not make this one run its function directly, without saving memory
    import threading
    from tensorcore.utils.checkpoint import checkpoint
    barrier = threading.Barrier(2)
    runs = {0: 0, 1: 0}
    errors = []

    def work(k):
        try:
            x = tc.randn(8, requires_grad=True)

            def fn(v):
                runs[k] += 1
                if runs[k] == 1:
                    barrier.wait(timeout=10)  # both threads are inside their checkpoint's forward here
                return (v.sin() * v).sum()
            checkpoint(fn, x, use_reentrant=False).backward()
            np.testing.assert_allclose(x.grad.numpy(), (np.cos(x.detach().numpy()) * x.detach().numpy()
                                                        + np.sin(x.detach().numpy())), rtol=1e-5)
        except Exception as e:  # reported below: an assertion in a thread would be lost
            errors.append(e)
    threads = [threading.Thread(target=work, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert runs == {0: 2, 1: 2}  # forward + one recomputation each
