"""Generator states in PyTorch's byte layout (get_rng_state / set_rng_state).

Note [Generator state bytes]
PyTorch's CPU generator state is a uint8 tensor of 5056 bytes, the memory of
its CPUGeneratorImplState:

    offset  type        field
    0       uint64      the_initial_seed
    8       int32       left            (draws until the next twist, 1..624)
    12      int32       seeded
    16      uint64      next            (index of the next word)
    24      uint64[624] state           (the Mersenne Twister words)
    5016    double      normal_x        (unused, 0)
    5024    double      normal_y        (the cached double normal sample)
    5032    double      normal_rho      (unused, 0)
    5040    int32       normal_is_valid
    5048    float       next_float_normal_sample
    5052    bool        is_next_float_normal_sample_valid

(5048 bytes, without the last two fields, is its older layout, still accepted.)
The core keeps the same generator as 628 words: the 624 state words, the
position (625 - left), the initial seed, whether a double normal is cached,
and that double's bits. These functions convert between the two, so a state
from torch.get_rng_state() restores tensorcore's generator and the other way
round. The core has no cached float normal: a float sample cached in a
PyTorch state is dropped (the next float normal is drawn afresh).
"""
import numpy as np

STATE_BYTES = 5056
LEGACY_STATE_BYTES = 5048
_WORDS = 624


def to_bytes(core_words):
    """The core's 628 state words as PyTorch's 5056 state bytes (a numpy uint8 array)."""
    words = np.asarray(core_words, dtype=np.uint64)
    position = int(words[_WORDS])
    buf = np.zeros(STATE_BYTES, dtype=np.uint8)
    buf[0:8] = words[_WORDS + 1:_WORDS + 2].view(np.uint8)
    buf[8:16] = np.array([_WORDS + 1 - position, 1], dtype=np.int32).view(np.uint8)
    # `next` is read only when left > 1; just after seeding (position 624) PyTorch has it at 0
    buf[16:24] = np.array([position % _WORDS], dtype=np.uint64).view(np.uint8)
    buf[24:24 + 8 * _WORDS] = words[:_WORDS].view(np.uint8)
    buf[5024:5032] = words[_WORDS + 3:_WORDS + 4].view(np.uint8)
    buf[5040:5044] = np.array([int(words[_WORDS + 2] != 0)], dtype=np.int32).view(np.uint8)
    return buf


def from_bytes(state):
    """PyTorch's state bytes (a uint8 tensor) as the core's 628 words; PyTorch's
    TypeError / RuntimeError for anything else."""
    from ._C import Tensor
    if not isinstance(state, Tensor):
        raise TypeError(f"expected a torch.ByteTensor, but got {type(state).__name__}")
    if state.dtype.name != "uint8":
        raise TypeError("RNG state must be a torch.ByteTensor")
    buf = np.ascontiguousarray(state.detach().numpy().reshape(-1))
    if buf.size not in (STATE_BYTES, LEGACY_STATE_BYTES):
        raise RuntimeError(f"Expected either a THGeneratorState of size {LEGACY_STATE_BYTES} or a "
                           f"CPUGeneratorImplState of size {STATE_BYTES} but found the input RNG state size to be "
                           f"{buf.size}")
    left = int(buf[8:12].view(np.int32)[0])
    if not 1 <= left <= _WORDS:  # PyTorch's check of a corrupt state
        raise RuntimeError("Invalid mt19937 state")
    words = np.zeros(_WORDS + 4, dtype=np.uint64)
    words[:_WORDS] = buf[24:24 + 8 * _WORDS].view(np.uint64)
    words[_WORDS] = _WORDS + 1 - left
    words[_WORDS + 1] = buf[0:8].view(np.uint64)[0]
    valid = int(buf[5040:5044].view(np.int32)[0]) != 0
    words[_WORDS + 2] = int(valid)
    words[_WORDS + 3] = buf[5024:5032].view(np.uint64)[0] if valid else 0
    return [int(w) for w in words]
