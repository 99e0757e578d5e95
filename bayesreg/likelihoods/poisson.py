"""The Poisson likelihood with the log link: regression of counts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytensor.tensor as pt
from scipy import special

from bayesreg.likelihoods.base import Likelihood

__all__ = ["Poisson"]


@dataclass(frozen=True)
class Poisson(Likelihood):
    """``y_i ~ Poisson(mu_i)`` with ``log(mu_i) = eta_i = b0 + x_i' beta`` and ``y_i >= 0``.

    The negative log likelihood is ``sum_i exp(eta_i) - y_i eta_i + log Gamma(y_i + 1)`` (dispersion 1): half the
    Poisson deviance up to a constant, the data term of scikit-learn's ``PoissonRegressor`` (as a mean) and of
    glmnet's ``poisson`` family. Like both, ``y`` may be any non-negative number (a rate, a weighted count): the
    density is then the Poisson quasi-likelihood, with the same mode and curvature; posterior predictive draws
    are counts.
    """

    family = "poisson"
    link_name = "log"

    def check_y(
        self, y: np.ndarray, *, fit_intercept: bool = True, sample_weight: np.ndarray | None = None
    ) -> np.ndarray:
        y = np.asarray(y, dtype=float)
        bad = ~(y >= 0)
        if np.any(bad):
            first = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"y: a Poisson likelihood needs non-negative values, got {float(y[first])!r} at row {first}"
            )
        used = y if sample_weight is None else y[sample_weight > 0]
        if fit_intercept and not np.any(used > 0):
            raise ValueError(
                f"y: every count{'' if sample_weight is None else ' of positive weight'} is 0; with an intercept the "
                "posterior has no mode (the intercept runs off to "
                "minus infinity)"
            )
        return y

    def mean(self, eta: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return np.exp(eta)

    def recession_signs(self, y: np.ndarray) -> np.ndarray:
        """``-1`` for a zero count, ``0`` for a positive one: a direction that lowers the linear predictor of zero
        counts only (``exp(eta) -> 0`` there) and leaves the others alone."""
        return np.where(np.asarray(y, dtype=float) > 0, 0.0, -1.0)

    def recession_message(self, signs: np.ndarray) -> str:
        return "can fit the zero counts by a linear predictor of -inf"

    def link(self, mu: float) -> float:
        with np.errstate(divide="ignore"):
            return float(np.log(mu))

    def build_scale(self, *, y_scale: float):
        return pt.constant(1.0, dtype="float64")

    def log_density(self, value, eta, scale):
        # pm.Poisson would cast y to integers; the quasi-likelihood takes y as it is
        return value * eta - pt.exp(eta) - pt.gammaln(value + 1.0)

    def negative_log_terms(self, y: np.ndarray, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``-log p(y_i | eta_i) = exp(eta_i) - y_i eta_i + log Gamma(y_i + 1)``, its derivative ``mu_i - y_i`` and
        its second derivative ``mu_i`` in ``eta_i`` (numpy), ``mu_i = exp(eta_i)``."""
        with np.errstate(over="ignore"):
            mu = np.exp(eta)
        return mu - y * eta + special.gammaln(y + 1.0), mu - y, mu

    def draw(self, eta, scale, rng, size=None):
        return rng.poisson(np.exp(eta), size=size).astype(float)
