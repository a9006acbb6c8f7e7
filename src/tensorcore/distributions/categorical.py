"""Categorical(probs=None, logits=None)."""
from .distribution import Distribution, _MIN, logits_to_probs, probs_to_logits


class Categorical(Distribution):
    arg_constraints = {"probs": "Simplex()", "logits": "IndependentConstraint(Real(), 1)"}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        self._param = self.probs if probs is not None else self.logits
        self._num_events = self._param.size()[-1]
        batch_shape = self._param.size()[:-1] if self._param.dim() > 1 else ()
        super().__init__(batch_shape, validate_args=validate_args)

    def _parameter_checks(self):
        return [("probs", lambda v: (v >= 0).logical_and(((v.sum(-1) - 1).abs() < 1e-6).unsqueeze(-1))),
                ("logits", lambda v: v == v)]

    def __getattr__(self, name):
        # probs and logits are computed from each other on first use (PyTorch's lazy_property).
        if name == "logits":
            value = probs_to_logits(self.__dict__["probs"])
        elif name == "probs":
            value = logits_to_probs(self.__dict__["logits"])
        else:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        self.__dict__[name] = value
        return value

    @property
    def param_shape(self):
        return self._param.size()

    @property
    def mean(self):
        import tensorcore
        return tensorcore.full(self._extended_shape(), float("nan"), dtype=self.probs.dtype)

    @property
    def mode(self):
        return self.probs.argmax(dim=-1)

    @property
    def variance(self):
        import tensorcore
        return tensorcore.full(self._extended_shape(), float("nan"), dtype=self.probs.dtype)

    def sample(self, sample_shape=()):
        import tensorcore
        sample_shape = tensorcore.Size(sample_shape)
        probs_2d = self.probs.reshape(-1, self._num_events)
        samples_2d = tensorcore.multinomial(probs_2d, sample_shape.numel(), True).T
        return samples_2d.reshape(self._extended_shape(sample_shape))

    def log_prob(self, value):
        import tensorcore
        if self._validate_args:
            if not bool(((value >= 0).logical_and(value < self._num_events)).all()) or bool(
                    (value != value.floor()).any() if value.dtype.is_floating_point else False):
                raise ValueError(f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) "
                                 f"to be within the support (IntegerInterval(lower_bound=0, upper_bound="
                                 f"{self._num_events - 1})) of the distribution {self!r}, but found invalid "
                                 f"values:\n{value}")
        value = value.long().unsqueeze(-1)
        value, log_pmf = tensorcore.broadcast_tensors(value, self.logits)
        value = value[..., :1]
        return log_pmf.gather(-1, value).squeeze(-1)

    def entropy(self):
        logits = self.logits.clamp(min=_MIN[self.logits.dtype.name])
        p_log_p = logits * self.probs
        return -p_log_p.sum(-1)

    def enumerate_support(self, expand=True):
        import tensorcore
        values = tensorcore.arange(self._num_events, dtype=tensorcore.long)
        values = values.view((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((-1,) + tuple(self._batch_shape))
        return values
