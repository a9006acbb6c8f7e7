"""tensorcore.futures.Future against torch.futures.Future (the oracle):
values, then-chaining, errors, collect_all/wait_all, cross-thread completion."""
import threading

import pytest
import torch

import tensorcore as tc


@pytest.mark.parametrize("mod", [torch, tc], ids=["torch", "tensorcore"])
def test_same_behaviour_as_torch(mod):
    F = mod.futures.Future
    f = F()
    assert not f.done()
    f.set_result(3)
    assert f.done() and f.wait() == 3 and f.value() == 3
    with pytest.raises(RuntimeError, match="Future can only be marked completed once"):
        f.set_result(4)
    g = f.then(lambda x: x.value() + 1)
    assert g.wait() == 4

    def bad(_):
        raise ValueError("boom")
    h = f.then(bad)
    for call in (h.wait, h.value):
        with pytest.raises(RuntimeError, match="Got the following error when running the callback: ValueError: boom"):
            call()
    e = F()
    e.set_exception(KeyError("k"))
    with pytest.raises(KeyError):
        e.wait()
    with pytest.raises(AssertionError, match="not an Exception"):
        F().set_exception(3)
    assert [x.value() for x in mod.futures.collect_all([f, g]).wait()] == [3, 4]
    assert mod.futures.wait_all([f, g]) == [3, 4]
    seen = []
    late = F()
    late.add_done_callback(lambda x: seen.append(x.value()))
    chained = late.then(lambda x: x.value() * 2).then(lambda x: x.value() + 1)
    threading.Thread(target=late.set_result, args=(5,)).start()
    assert chained.wait() == 11 and seen == [5]
