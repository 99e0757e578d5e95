"""The Poisson likelihood with the log link: regression of counts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from bayesreg.likelihoods.base import Likelihood

__all__ = ["Poisson"]


@dataclass(frozen=True)
class Poisson(Likelihood):
    """``y_i ~ Poisson(mu_i)`` with ``log(mu_i) = eta_i = b0 + x_i' beta`` and ``y_i`` a count.

    The negative log likelihood is ``sum_i exp(eta_i) - y_i eta_i + log(y_i!)`` (dispersion 1): half the
    Poisson deviance up to a constant, the data term of scikit-learn's ``PoissonRegressor`` (as a mean) and of
    glmnet's ``poisson`` family.
    """

    family = "poisson"
    link = "log"

    def check_y(self, y: np.ndarray, *, fit_intercept: bool = True) -> np.ndarray:
        y = np.asarray(y, dtype=float)
        bad = (y < 0) | (y != np.floor(y))
        if np.any(bad):
            first = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"y: a Poisson likelihood needs non-negative integer counts, got {float(y[first])!r} at row {first}"
            )
        if fit_intercept and not np.any(y > 0):
            raise ValueError(
                "y: every count is 0; with an intercept the posterior has no mode (the intercept runs off to "
                "minus infinity)"
            )
        return y

    def mean(self, eta: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return np.exp(eta)

    def build_scale(self, *, y_scale: float):
        return pt.constant(1.0, dtype="float64")

    def build_observed(self, eta, y, scale, *, dims=None):
        return pm.Poisson("y_obs", mu=pt.exp(eta), observed=y, dims=dims)
