"""The one place where every penalty <-> prior scaling rule lives.

Every prior bayesreg knows for a coefficient has a negative log density of the form

.. math::

    -\\log p(\\beta_j) = \\ell_1 |\\beta_j| + \\ell_2 \\beta_j^2 + \\text{const},

so a prior is described here by its two *penalty weights* ``(l1, l2)``:

* ``Normal(0, tau)``: ``l1 = 0``, ``l2 = 1 / (2 tau^2)``;
* ``Laplace(0, b)``: ``l1 = 1 / b``, ``l2 = 0``;
* the elastic-net prior: ``l1`` and ``l2`` as given.

With a Gaussian likelihood of fixed noise scale ``sigma``, ``n`` samples and a flat prior on
the intercept, the negative log posterior is

.. math::

    \\frac{1}{2\\sigma^2}\\|y - b_0 - Xw\\|^2 + \\ell_1\\|w\\|_1 + \\ell_2\\|w\\|_2^2 .

Multiplying by ``sigma^2 / n`` gives scikit-learn's ``ElasticNet`` objective

.. math::

    \\frac{1}{2n}\\|y - b_0 - Xw\\|^2 + \\alpha\\rho\\|w\\|_1 + \\frac{\\alpha(1-\\rho)}{2}\\|w\\|_2^2

with ``alpha * rho = sigma^2 l1 / n`` and ``alpha * (1 - rho) = 2 sigma^2 l2 / n``; ``Lasso``
is the case ``rho = 1``. Multiplying by ``2 sigma^2`` instead gives ``Ridge``'s objective
``||y - b0 - Xw||^2 + alpha ||w||^2`` with ``alpha = 2 sigma^2 l2 = sigma^2 / tau^2``.
glmnet's gaussian objective ``1/(2n) RSS + lambda [(1 - a)/2 ||w||^2 + a ||w||_1]`` is the
``ElasticNet`` objective with ``lambda = alpha`` and ``a = rho``.

Every function below is one of these identities; the tests derive each again from the
objective values of both fits.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numpy as np

__all__ = [
    "PenaltyWeights",
    "check_positive",
    "check_l1_ratio",
    "weights_from_enet",
    "enet_from_weights",
    "weights_from_ridge",
    "ridge_from_weights",
]


def check_positive(value, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float, or raise if it is not a finite positive real number."""
    if isinstance(value, bool) or not isinstance(value, Real | np.number):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}: {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return value


def check_n_samples(n_samples) -> int:
    """Return ``n_samples`` as an int, or raise if it is not a positive integer."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer):
        raise TypeError(f"n_samples must be a positive integer, got {n_samples!r}")
    if n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}")
    return int(n_samples)


def check_l1_ratio(l1_ratio, name: str = "l1_ratio") -> float:
    """Return ``l1_ratio`` as a float in [0, 1], or raise."""
    value = check_positive(l1_ratio, name, allow_zero=True)
    if value > 1:
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
    return value


@dataclass(frozen=True)
class PenaltyWeights:
    """Weights of ``-log p(b) = l1 |b| + l2 b^2 + const`` for one coefficient."""

    l1: float
    l2: float

    def __post_init__(self):
        check_positive(self.l1, "l1", allow_zero=True)
        check_positive(self.l2, "l2", allow_zero=True)
        if self.l1 == 0 and self.l2 == 0:
            raise ValueError("l1 and l2 cannot both be 0: that is a flat (improper) prior")

    def penalty(self, beta) -> float:
        """``l1 ||beta||_1 + l2 ||beta||_2^2``."""
        beta = np.asarray(beta, dtype=float)
        return float(self.l1 * np.abs(beta).sum() + self.l2 * np.square(beta).sum())


def weights_from_enet(alpha, l1_ratio, *, sigma, n_samples) -> PenaltyWeights:
    """Prior weights matching scikit-learn ``ElasticNet(alpha, l1_ratio)`` (``Lasso``: 1.0).

    ``l1 = n alpha rho / sigma^2`` and ``l2 = n alpha (1 - rho) / (2 sigma^2)``.
    """
    alpha = check_positive(alpha, "alpha")
    rho = check_l1_ratio(l1_ratio)
    sigma = check_positive(sigma, "sigma")
    n = check_n_samples(n_samples)
    return PenaltyWeights(n * alpha * rho / sigma**2, n * alpha * (1.0 - rho) / (2.0 * sigma**2))


def enet_from_weights(weights: PenaltyWeights, *, sigma, n_samples) -> tuple[float, float]:
    """scikit-learn ``(alpha, l1_ratio)`` of the ``ElasticNet`` objective matching a prior.

    ``alpha = sigma^2 (l1 + 2 l2) / n`` and ``l1_ratio = l1 / (l1 + 2 l2)``.
    """
    sigma = check_positive(sigma, "sigma")
    n = check_n_samples(n_samples)
    total = weights.l1 + 2.0 * weights.l2
    return sigma**2 * total / n, weights.l1 / total


def weights_from_ridge(alpha, *, sigma) -> PenaltyWeights:
    """Prior weights matching scikit-learn ``Ridge(alpha)``: ``l2 = alpha / (2 sigma^2)``."""
    alpha = check_positive(alpha, "alpha")
    sigma = check_positive(sigma, "sigma")
    return PenaltyWeights(0.0, alpha / (2.0 * sigma**2))


def ridge_from_weights(weights: PenaltyWeights, *, sigma) -> float:
    """scikit-learn ``Ridge`` alpha matching a Gaussian prior: ``alpha = 2 sigma^2 l2``."""
    if weights.l1 != 0:
        raise ValueError("only a prior without an L1 part (a Normal prior) matches Ridge")
    sigma = check_positive(sigma, "sigma")
    return 2.0 * sigma**2 * weights.l2
