"""tensorcore.distributions: the distributions real programs reach for
(Categorical for policy gradients and samplers, Normal for VAEs and Gaussian
policies, Bernoulli, Uniform) with PyTorch's API, the same draws from the
default generator per seed (each sample calls the same sampling op PyTorch's
implementation calls), log_prob/entropy/rsample formulas and kl_divergence for
like pairs. Other families are not provided."""
from .distribution import Distribution
from .normal import Normal
from .categorical import Categorical
from .bernoulli import Bernoulli
from .uniform import Uniform
from .kl import kl_divergence, register_kl

__all__ = ["Distribution", "Normal", "Categorical", "Bernoulli", "Uniform", "kl_divergence", "register_kl"]
