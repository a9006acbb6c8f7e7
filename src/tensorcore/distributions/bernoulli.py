"""Bernoulli(probs=None, logits=None)."""
import numbers

from .distribution import Distribution, broadcast_all, logits_to_probs, probs_to_logits


class Bernoulli(Distribution):
    arg_constraints = {"probs": "Interval(lower_bound=0.0, upper_bound=1.0)", "logits": "Real()"}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        param = probs if probs is not None else logits
        is_scalar = isinstance(param, numbers.Number)
        (value,) = broadcast_all(param)
        if probs is not None:
            self.probs = value
        else:
            self.logits = value
        self._param = value
        super().__init__(() if is_scalar else value.size(), validate_args=validate_args)

    def _parameter_checks(self):
        return [("probs", lambda v: (v >= 0).logical_and(v <= 1)), ("logits", lambda v: v == v)]

    def __getattr__(self, name):
        if name == "logits":
            value = probs_to_logits(self.__dict__["probs"], is_binary=True)
        elif name == "probs":
            value = logits_to_probs(self.__dict__["logits"], is_binary=True)
        else:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        self.__dict__[name] = value
        return value

    @property
    def mean(self):
        return self.probs

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        import tensorcore
        shape = self._extended_shape(sample_shape)
        with tensorcore.no_grad():
            return tensorcore.bernoulli(self.probs.expand(shape))

    def log_prob(self, value):
        import tensorcore
        from ..nn.functional import binary_cross_entropy_with_logits
        logits, value = tensorcore.broadcast_tensors(self.logits, value)
        return -binary_cross_entropy_with_logits(logits, value, reduction="none")

    def entropy(self):
        from ..nn.functional import binary_cross_entropy_with_logits
        return binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")
