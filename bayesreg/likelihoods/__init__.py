"""Likelihoods: how the observations depend on the linear predictor (:mod:`~bayesreg.likelihoods.base` has the
protocol every family implements)."""

from bayesreg.likelihoods.base import Likelihood
from bayesreg.likelihoods.bernoulli import Bernoulli
from bayesreg.likelihoods.gaussian import SIGMA_PRIORS, Gaussian
from bayesreg.likelihoods.poisson import Poisson
from bayesreg.likelihoods.student_t import DEFAULT_NU, StudentT

#: the likelihoods of ``BayesianRegression(likelihood=...)``, by name
REGRESSION_LIKELIHOODS = ("normal", "student_t")

__all__ = [
    "DEFAULT_NU",
    "REGRESSION_LIKELIHOODS",
    "Bernoulli",
    "Gaussian",
    "Likelihood",
    "Poisson",
    "SIGMA_PRIORS",
    "StudentT",
]
