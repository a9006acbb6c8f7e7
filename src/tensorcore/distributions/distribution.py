"""The Distribution base: shapes, argument validation and repr as PyTorch's."""
import numbers

_EPS = {"float32": 1.1920928955078125e-07, "float64": 2.220446049250313e-16}
_MIN = {"float32": -3.4028234663852886e+38, "float64": -1.7976931348623157e+308}


def _size(shape):
    import tensorcore
    return shape if isinstance(shape, tensorcore.Size) else tensorcore.Size(shape)


def broadcast_all(*values):
    """Numbers become tensors of the default dtype (or of a tensor argument's),
    then all are broadcast to one shape, as torch.distributions.utils.broadcast_all."""
    import tensorcore
    tensors = [v for v in values if isinstance(v, tensorcore.Tensor)]
    if not all(isinstance(v, (tensorcore.Tensor, numbers.Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, torch.Tensor or objects "
                         "implementing __torch_function__.")
    dtype = tensors[0].dtype if tensors else tensorcore.get_default_dtype()
    values = [v if isinstance(v, tensorcore.Tensor) else tensorcore.tensor(v, dtype=dtype) for v in values]
    return tensorcore.broadcast_tensors(*values)


def clamp_probs(probs):
    eps = _EPS[probs.dtype.name]
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    import tensorcore
    ps = clamp_probs(probs)
    return tensorcore.log(ps) - tensorcore.log1p(-ps) if is_binary else tensorcore.log(ps)


def logits_to_probs(logits, is_binary=False):
    import tensorcore
    return tensorcore.sigmoid(logits) if is_binary else tensorcore.softmax(logits, dim=-1)


class Distribution:
    has_rsample = False
    arg_constraints = {}
    _validate_args = __debug__

    @staticmethod
    def set_default_validate_args(value):
        if value not in (True, False):
            raise ValueError
        Distribution._validate_args = value

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape = _size(batch_shape)
        self._event_shape = _size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            for name, check in self._parameter_checks():
                value = self.__dict__.get(name)
                if value is None:
                    continue
                if not bool(check(value).all()):
                    raise ValueError(
                        f"Expected parameter {name} ({type(value).__name__} of shape {tuple(value.shape)}) of "
                        f"distribution {self!r} to satisfy the constraint {self.arg_constraints[name]}, but found "
                        f"invalid values:\n{value}")

    def _parameter_checks(self):
        return []

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def event_shape(self):
        return self._event_shape

    def _extended_shape(self, sample_shape=()):
        return _size(tuple(_size(sample_shape)) + tuple(self._batch_shape) + tuple(self._event_shape))

    def sample(self, sample_shape=()):
        import tensorcore
        with tensorcore.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        raise NotImplementedError(f"{type(self).__name__} does not implement rsample")

    def sample_n(self, n):
        return self.sample((n,))

    @property
    def stddev(self):
        return self.variance.sqrt()

    def perplexity(self):
        import tensorcore
        return tensorcore.exp(self.entropy())

    def __repr__(self):
        names = [k for k in self.arg_constraints if k in self.__dict__]
        args = ", ".join(f"{p}: {self.__dict__[p] if self.__dict__[p].numel() == 1 else self.__dict__[p].size()}"
                         for p in names)
        return type(self).__name__ + "(" + args + ")"
