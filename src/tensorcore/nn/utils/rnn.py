"""nn.utils.rnn: PackedSequence and the functions that pack, pad and unpad
batches of variable-length sequences, with PyTorch's API.

A packed sequence stores the steps of a batch time-major without padding:
``data`` holds, for t = 0, 1, ..., the step-t rows of every sequence longer
than t, and ``batch_sizes[t]`` says how many there are. The sequences are
sorted by decreasing length (``sorted_indices`` maps packed column -> original
batch position, ``unsorted_indices`` is its inverse; both None when the input
was already sorted).
"""
from __future__ import annotations
from typing import Any
from collections import namedtuple
from collections.abc import Iterable

from ... import _C

Tensor = _C.Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]


def _tc():
    import tensorcore
    return tensorcore


PackedSequence_ = namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


def _bind(optional, fn):
    return None if optional is None else fn(optional)


class PackedSequence(PackedSequence_):
    """Holds the data and batch_sizes of a packed sequence (created by
    pack_padded_sequence / pack_sequence; every recurrent module accepts it)."""

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        return super().__new__(cls, *_packed_sequence_init_args(data, batch_sizes, sorted_indices, unsorted_indices))

    def to(self, *args: Any, **kwargs: Any) -> Any:
        """Converts `data` (dtype/device, as Tensor.to); returns self when
        nothing changes."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def pin_memory(self) -> Any:
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> Any:
        return self.to("cuda", *args, **kwargs)

    def cpu(self, *args: Any, **kwargs: Any) -> Any:
        return self.to("cpu", *args, **kwargs)

    def double(self) -> Any:
        return self.to(dtype=_tc().float64)

    def float(self) -> Any:
        return self.to(dtype=_tc().float32)

    def half(self) -> Any:
        return self.to(dtype=_tc().float16)

    def long(self) -> Any:
        return self.to(dtype=_tc().int64)

    def int(self) -> Any:
        return self.to(dtype=_tc().int32)

    def short(self) -> Any:
        return self.to(dtype=_tc().int16)

    def char(self) -> Any:
        return self.to(dtype=_tc().int8)

    def byte(self) -> Any:
        return self.to(dtype=_tc().uint8)

    @property
    def is_cuda(self) -> Any:
        return self.data.is_cuda

    def is_pinned(self) -> Any:
        return False


def _require_tensor_attr(value, attr="device"):
    """PyTorch reads `value.device` of lengths / batch_sizes before anything
    else, so a list or tuple there fails with that AttributeError; we fail the
    same way instead of silently accepting it."""
    if not isinstance(value, Tensor):
        raise AttributeError(f"'{type(value).__name__}' object has no attribute '{attr}'")


def _packed_sequence_init_args(data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
    if batch_sizes is not None:
        _require_tensor_attr(batch_sizes)
    if unsorted_indices is None:
        unsorted_indices = invert_permutation(sorted_indices)
    if batch_sizes is not None:
        return data, batch_sizes, sorted_indices, unsorted_indices
    if not (isinstance(data, (list, tuple)) and len(data) == 2):
        raise AssertionError("Expected data to be a list or tuple of length 2")
    return data[0], data[1], sorted_indices, unsorted_indices


def invert_permutation(permutation: Any) -> Any:
    """The inverse of a 1-D permutation tensor (None stays None)."""
    if permutation is None:
        return None
    tc = _tc()
    out = tc.empty_like(permutation)
    out.scatter_(0, permutation, tc.arange(permutation.numel(), dtype=permutation.dtype))
    return out


def _lengths_list(lengths):
    lengths = lengths.to(_tc().int64) if isinstance(lengths, Tensor) else _tc().as_tensor(lengths, dtype=_tc().int64)
    if lengths.dim() != 1:
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.dim()}D cpu Long "
                           "tensor")
    return [int(v) for v in lengths.tolist()]


def _check_lengths(lengths, batch_size, max_time, enforce_sorted):
    if len(lengths) != batch_size:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(lengths)} "
                           f"(batch_size={batch_size})")
    if enforce_sorted and any(a < b for a, b in zip(lengths, lengths[1:])):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
                           "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                           "sidestep this requirement if you do not need ONNX exportability.")
    if lengths and min(lengths) <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    if lengths and max(lengths) > max_time:
        raise RuntimeError(f"Length of a sample ({max(lengths)}) exceeds the padded sequence length ({max_time})")


def _steps_mask(lengths, steps):
    """bool [steps, B]: True where sequence b has a step t."""
    tc = _tc()
    t = tc.arange(steps).unsqueeze(1)
    return t < tc.tensor(lengths, dtype=tc.int64).unsqueeze(0)


def pack_padded_sequence(input: Any, lengths: Any, batch_first: Any = False, enforce_sorted: Any = True) -> Tensor:
    """Packs a padded batch [T, B, *] ([B, T, *] with batch_first) of
    sequences with the given lengths. With enforce_sorted=False the batch is
    sorted by decreasing length first (and unsorted again by
    pad_packed_sequence)."""
    tc = _tc()
    batch_dim = 0 if batch_first else 1
    # Note [pack_padded_sequence check order]: PyTorch converts `lengths`
    # first, then (enforce_sorted=False) sorts them and index_selects the
    # input, and only then does its kernel check the input (argument type,
    # rank, emptiness) and the lengths (1-D, count, values, order). A
    # malformed call fails at the first of these, so they run in that order.
    if lengths is None or isinstance(lengths, str):
        raise TypeError("'NoneType' object cannot be interpreted as an integer" if lengths is None
                        else "new(): invalid data type 'str'")
    if not enforce_sorted:
        if not isinstance(input, Tensor):
            raise AttributeError(f"'{type(input).__name__}' object has no attribute 'device'")  # sorted_indices.to(input.device)
        as_tensor = lengths if isinstance(lengths, Tensor) else tc.as_tensor(lengths, dtype=tc.int64)
        if as_tensor.dim() > 1:
            raise IndexError("index_select(): Index is supposed to be a vector")
    if not isinstance(input, Tensor):
        raise TypeError(f"_pack_padded_sequence(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if input.dim() < 2:
        # PyTorch's kernel reads dim 1 first: an IndexError naming it (worded
        # differently for a 0-d input that reaches the kernel untransposed).
        if input.dim() == 0 and not batch_first and enforce_sorted:
            raise IndexError("Dimension specified as 1 but tensor has no dimensions")
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    lengths = _lengths_list(lengths)
    sorted_indices = None
    if not enforce_sorted:
        # A stable sort, as PyTorch's: equal lengths keep their order.
        order = sorted(range(len(lengths)), key=lambda b: -lengths[b])
        lengths = [lengths[b] for b in order]
        sorted_indices = tc.tensor(order, dtype=tc.int64)
        input = input.index_select(batch_dim, sorted_indices)
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    batch_size, max_time = input.size(batch_dim), input.size(1 - batch_dim)
    _check_lengths(lengths, batch_size, max_time, enforce_sorted)
    steps = lengths[0] if lengths else 0
    mask = _steps_mask(lengths, steps)  # [steps, B]
    t_idx, b_idx = mask.nonzero().unbind(1)  # time-major: the packed order
    flat = b_idx * max_time + t_idx if batch_first else t_idx * batch_size + b_idx
    rows = input.reshape([batch_size * max_time] + list(input.shape[2:]))
    data = rows.index_select(0, flat)
    batch_sizes = mask.sum(1)
    return _packed_sequence_init(data, batch_sizes, sorted_indices, None)


def _packed_sequence_init(data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
    data, batch_sizes, sorted_indices, unsorted_indices = _packed_sequence_init_args(
        data, batch_sizes, sorted_indices, unsorted_indices)
    return PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)


def pad_packed_sequence(sequence: Any, batch_first: Any = False, padding_value: Any = 0.0, total_length: Any = None) -> Any:
    """The inverse of pack_padded_sequence: (padded batch, lengths), with
    the original batch order restored. total_length pads to that many steps."""
    tc = _tc()
    batch_sizes = [int(v) for v in sequence.batch_sizes.tolist()]
    max_seq_length = len(batch_sizes)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {max_seq_length}")
        max_seq_length = total_length
    data = sequence.data
    batch = batch_sizes[0] if batch_sizes else 0
    lengths = [sum(1 for bs in batch_sizes if bs > b) for b in range(batch)]
    # Each output position reads packed row offset[t] + b, or an appended
    # padding row where sequence b has no step t: one differentiable gather.
    offsets = [0]
    for bs in batch_sizes:
        offsets.append(offsets[-1] + bs)
    n = offsets[-1]
    mask = _steps_mask(lengths, max_seq_length)  # [T, B]
    offsets_t = tc.tensor((offsets[:-1] + [0] * (max_seq_length - len(batch_sizes))), dtype=tc.int64)
    source = offsets_t.unsqueeze(1) + tc.arange(batch).unsqueeze(0)
    source = tc.where(mask, source, tc.full_like(source, n))
    if batch_first:
        source = source.t()
    pad_row = tc.full([1] + list(data.shape[1:]), padding_value, dtype=data.dtype)
    rows = tc.cat([data, pad_row], 0).index_select(0, source.reshape(-1))
    padded = rows.reshape(list(source.shape) + list(data.shape[1:]))
    lengths_t = tc.tensor(lengths, dtype=tc.int64)
    if sequence.unsorted_indices is not None:
        batch_dim = 0 if batch_first else 1
        return padded.index_select(batch_dim, sequence.unsorted_indices), lengths_t[sequence.unsorted_indices]
    return padded, lengths_t


def pad_sequence(sequences: Any, batch_first: Any = False, padding_value: Any = 0.0, padding_side: Any = "right") -> Tensor:
    """Stacks tensors [L_i, *] into [max L, B, *] ([B, max L, *] with
    batch_first), padding each on `padding_side` with padding_value."""
    tc = _tc()
    if not isinstance(sequences, Iterable):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    sequences = tuple(sequences)
    _check_pad_sequence_args(sequences, batch_first, padding_value, padding_side)
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    if len(sequences) == 0:
        raise RuntimeError("received an empty list of sequences")
    if sequences[0].dim() == 0:  # PyTorch slices the first sequence's sizes()[1:] (a later one fails in size(0))
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")
    if isinstance(padding_value, Tensor):
        padding_value = padding_value.item()
    max_len = max(s.size(0) for s in sequences)
    trailing = list(sequences[0].shape[1:])
    padded = []
    for s in sequences:
        s = s.to(sequences[0].dtype)  # PyTorch copies every sequence into a tensor of the first one's dtype
        s = _broadcast_into(s, [s.size(0)] + trailing)
        missing = max_len - s.size(0)
        if missing == 0:
            padded.append(s)
            continue
        fill = tc.full([missing] + list(s.shape[1:]), padding_value, dtype=s.dtype)
        padded.append(tc.cat([s, fill] if padding_side == "right" else [fill, s], 0))
    return tc.stack(padded, 0 if batch_first else 1)


def _check_pad_sequence_args(sequences, batch_first, padding_value, padding_side):
    """pad_sequence is a native op in PyTorch: its argument parser refuses a
    non-Tensor element, a non-bool batch_first, a non-number padding_value
    and a non-str padding_side with these TypeErrors."""
    for index, seq in enumerate(sequences):
        if not isinstance(seq, Tensor):
            raise TypeError(f"expected Tensor as element {index} in argument 0, but got {type(seq).__name__}")
    if not isinstance(batch_first, bool):
        raise TypeError("pad_sequence(): argument 'batch_first' (position 2) must be bool, not "
                        f"{type(batch_first).__name__}")
    number = isinstance(padding_value, (int, float)) or (isinstance(padding_value, Tensor) and padding_value.dim() == 0)
    if not number:
        raise TypeError("pad_sequence(): argument 'padding_value' (position 3) must be float, not "
                        f"{type(padding_value).__name__}")
    if not isinstance(padding_side, str):
        raise TypeError("pad_sequence(): argument 'padding_side' (position 4) must be str, not "
                        f"{type(padding_side).__name__}")


def _broadcast_into(seq, target):
    """PyTorch copies each sequence into its slot of the output (shape
    `target`: its own length, the first sequence's trailing dims) with
    copy_'s broadcasting: a size-1 trailing dim stretches, a mismatch fails
    with copy_'s messages."""
    shape = list(seq.shape)
    if shape == target:
        return seq
    ndim = max(len(shape), len(target))
    padded_seq = [1] * (ndim - len(shape)) + shape
    padded_target = [1] * (ndim - len(target)) + target
    for dim, (a, b) in enumerate(zip(padded_target, padded_seq)):
        if a != b and a != 1 and b != 1:
            raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                               f"non-singleton dimension {dim}")
    broadcast = [max(a, b) if min(a, b) != 0 else 0 for a, b in zip(padded_target, padded_seq)]
    if broadcast != target:
        raise RuntimeError(f"output with shape {target} doesn't match the broadcast shape {broadcast}")
    return seq.expand(target)


def unpad_sequence(padded_sequences: Any, lengths: Any, batch_first: Any = False) -> Any:
    """Splits a padded batch back into a list of tensors of the given lengths.
    Like PyTorch, transposes `padded_sequences` in place when batch_first is
    False."""
    _require_tensor_attr(lengths)
    if not batch_first:
        padded_sequences.transpose_(0, 1)
    lengths = _lengths_list(lengths)
    if len(lengths) != padded_sequences.size(0):
        raise ValueError(f"zip() argument 2 is {'shorter' if len(lengths) < padded_sequences.size(0) else 'longer'}"
                         " than argument 1")
    return [seq[:length] for seq, length in zip(padded_sequences, lengths)]


def pack_sequence(sequences: Any, enforce_sorted: Any = True) -> Tensor:
    """Packs a list of tensors [L_i, *] (sorted by decreasing length unless
    enforce_sorted=False)."""
    lengths = [v.size(0) for v in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: Any) -> Tensor:
    """The list of tensors a PackedSequence was packed from."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
