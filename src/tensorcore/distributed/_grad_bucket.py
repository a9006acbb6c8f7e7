"""GradBucket: what a DistributedDataParallel communication hook receives
(PyTorch's torch.distributed.GradBucket)."""


class GradBucket:
    """One bucket of gradients, ready to be reduced: `buffer()` is the flat
    1-D tensor holding the gradients of `parameters()` back to back (the
    memory the reducer reads the result from), `gradients()` views of it
    shaped like the parameters."""

    def __init__(self, index, buffer, offsets, params, is_last):
        self._index = index
        self._buffer = buffer
        self._offsets = offsets
        self._params = params
        self._is_last = is_last

    def index(self):
        return self._index

    def buffer(self):
        return self._buffer

    def gradients(self):
        return [self._buffer[o:o + p.numel()].view(tuple(p.shape)) for o, p in zip(self._offsets, self._params)]

    def parameters(self):
        return list(self._params)

    def is_last(self):
        return self._is_last

    def set_buffer(self, buffer):
        """Replaces the bucket's values with `buffer`'s (same number of elements)."""
        if buffer.numel() != self._buffer.numel():
            raise RuntimeError(f"GradBucket.set_buffer(): expected {self._buffer.numel()} elements, got "
                               f"{buffer.numel()}")
        self._buffer.copy_(buffer.reshape(-1))

    def __repr__(self):
        return f"<GradBucket {self._index}: {self._buffer.numel()} x {self._buffer.dtype}>"
