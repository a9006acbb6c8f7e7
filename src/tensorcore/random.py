"""torch.random: the default generator's seeding and state, and fork_rng.

Programs reach these as ``torch.random.manual_seed`` / ``torch.random.fork_rng`` (and
torch.utils.checkpoint forks the generator to replay a forward's dropout masks). There is
only the CPU generator here, so fork_rng stashes and restores its state alone.
"""
import contextlib

from ._functions import (get_rng_state as get_rng_state, set_rng_state as set_rng_state,  # noqa: F401
                         manual_seed as manual_seed, seed as seed, initial_seed as initial_seed)

__all__ = ["fork_rng", "get_rng_state", "initial_seed", "manual_seed", "seed", "set_rng_state"]


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cuda"):
    """Runs the block with the generator state it finds and restores that state afterwards, so the
    draws inside do not advance the stream outside (enabled=False: a plain block)."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
