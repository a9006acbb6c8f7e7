"""Normal(loc, scale)."""
import math
import numbers

from .distribution import Distribution, broadcast_all


class Normal(Distribution):
    arg_constraints = {"loc": "Real()", "scale": "GreaterThan(lower_bound=0.0)"}
    support = "Real()"
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        batch_shape = () if isinstance(loc, numbers.Number) and isinstance(scale, numbers.Number) else self.loc.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def _parameter_checks(self):
        return [("loc", lambda v: v == v), ("scale", lambda v: v > 0)]

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.stddev.pow(2)

    def sample(self, sample_shape=()):
        import tensorcore
        shape = self._extended_shape(sample_shape)
        with tensorcore.no_grad():
            return tensorcore.normal(self.loc.expand(shape), self.scale.expand(shape))

    def rsample(self, sample_shape=()):
        import tensorcore
        shape = self._extended_shape(sample_shape)
        eps = tensorcore.empty(shape, dtype=self.loc.dtype).normal_()
        return self.loc + eps * self.scale

    def log_prob(self, value):
        var = self.scale ** 2
        log_scale = self.scale.log()
        return -((value - self.loc) ** 2) / (2 * var) - log_scale - math.log(math.sqrt(2 * math.pi))

    def cdf(self, value):
        import tensorcore
        return 0.5 * (1 + tensorcore.erf((value - self.loc) * self.scale.reciprocal() / math.sqrt(2)))

    def entropy(self):
        import tensorcore
        return 0.5 + 0.5 * math.log(2 * math.pi) + tensorcore.log(self.scale)
