"""The Bernoulli likelihood with the logit link: logistic regression."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pymc as pm
import pytensor.tensor as pt
from scipy import special

from bayesreg.likelihoods.base import Likelihood

__all__ = ["Bernoulli"]


@dataclass(frozen=True)
class Bernoulli(Likelihood):
    """``y_i ~ Bernoulli(p_i)`` with ``logit(p_i) = eta_i = b0 + x_i' beta`` and ``y_i`` in ``{0, 1}``.

    The negative log likelihood is the log loss ``sum_i log(1 + exp(eta_i)) - y_i eta_i`` (dispersion 1), the
    data term of scikit-learn's ``LogisticRegression`` (a sum) and of glmnet's ``binomial`` family (a mean).
    """

    family = "binomial"
    link_name = "logit"

    def check_y(
        self, y: np.ndarray, *, fit_intercept: bool = True, sample_weight: np.ndarray | None = None
    ) -> np.ndarray:
        y = np.asarray(y, dtype=float)
        bad = ~np.isin(y, (0.0, 1.0))
        if np.any(bad):
            first = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"y: a Bernoulli likelihood needs labels 0 and 1, got {float(y[first])!r} at row {first} "
                "(encode the two classes as 0 and 1 first)"
            )
        used = y if sample_weight is None else y[sample_weight > 0]
        if fit_intercept and np.unique(used).size < 2:
            raise ValueError(
                f"y: every label{'' if sample_weight is None else ' of positive weight'} is {int(used[0])}; with an "
                "intercept the posterior has no mode (the intercept runs "
                "off to infinity): give both classes"
            )
        return y

    def mean(self, eta: np.ndarray) -> np.ndarray:
        return special.expit(eta)

    def recession_signs(self, y: np.ndarray) -> np.ndarray:
        """``2 y - 1``: a direction that never lowers the predicted log odds of a 1 nor raises those of a 0
        separates the classes (completely or quasi-completely)."""
        return 2.0 * np.asarray(y, dtype=float) - 1.0

    def recession_message(self, signs: np.ndarray) -> str:
        if np.unique(signs).size == 1:
            return "can fit y, which has a single class, with probabilities of exactly 0 or 1"
        return "separate the classes"

    def link(self, mu: float) -> float:
        return float(special.logit(mu))

    def build_scale(self, *, y_scale: float):
        return pt.constant(1.0, dtype="float64")

    def log_density(self, value, eta, scale):
        return value * eta - pt.softplus(eta)

    def pointwise_log_density(self, y: np.ndarray, eta: np.ndarray, scale=None) -> np.ndarray:
        """``y_i eta_i - log(1 + exp(eta_i))`` for every draw's ``eta`` (numpy, broadcast, without overflow)."""
        out = np.logaddexp(0.0, eta)
        np.subtract(np.multiply(y, eta), out, out=out)
        return out

    def negative_log_terms(self, y: np.ndarray, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``-log p(y_i | eta_i) = log(1 + exp(eta_i)) - y_i eta_i``, its derivative ``p_i - y_i`` and its second
        derivative ``p_i (1 - p_i)`` in ``eta_i`` (numpy, without overflow), ``p_i = expit(eta_i)``."""
        prob = special.expit(eta)
        return np.logaddexp(0.0, eta) - y * eta, prob - y, prob * special.expit(-eta)

    def draw(self, eta, scale, rng, size=None):
        return rng.binomial(1, special.expit(eta), size=size).astype(float)

    def _build_unweighted(self, eta, y, scale, *, dims=None):
        return pm.Bernoulli("y_obs", logit_p=eta, observed=y, dims=dims)
