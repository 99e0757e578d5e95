"""Likelihoods: how the observations depend on the linear predictor."""

from bayesreg.likelihoods.gaussian import SIGMA_PRIORS, Gaussian

__all__ = ["Gaussian", "SIGMA_PRIORS"]
