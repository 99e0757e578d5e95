"""The Gaussian likelihood (identity link): penalized least squares at a fixed sigma."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from bayesreg._validation import check_positive
from bayesreg.likelihoods.base import Likelihood

SIGMA_PRIORS = ("halfnormal", "jeffreys")

__all__ = ["Gaussian"]


@dataclass(frozen=True)
class Gaussian(Likelihood):
    """``y_i ~ Normal(eta_i, sigma)`` with ``eta = b0 + X beta``.

    Parameters
    ----------
    sigma : float or None
        A fixed noise scale (the case in which the MAP equals a penalized least-squares fit),
        or None to give sigma a prior.
    sigma_prior_scale : float or None
        With ``sigma=None``: the scale of the weakly informative ``HalfNormal`` prior on sigma.
        None means the standard deviation of ``y`` (less the offset, weighted with the sample weights; set when
        the model is built).
    sigma_prior : {"halfnormal", "jeffreys"}
        With ``sigma=None``: ``HalfNormal(sigma_prior_scale)``, or the improper
        ``p(sigma^2) proportional to 1 / sigma^2`` of Park & Casella (a flat prior on
        ``log sigma``, sampled as the free variable ``"log_sigma"``; ``"sigma"`` is then a
        deterministic). The posterior is proper when ``n_samples > 1 + fit_intercept``.
    """

    family = "gaussian"
    link_name = "identity"
    location_scale = True
    quadratic = True
    data_fields = ("sigma", "sigma_prior_scale")

    sigma: float | None = None
    sigma_prior_scale: float | None = None
    sigma_prior: str = "halfnormal"

    def __post_init__(self):
        if self.sigma is not None:
            object.__setattr__(self, "sigma", check_positive(self.sigma, "sigma"))
        if self.sigma_prior_scale is not None:
            object.__setattr__(self, "sigma_prior_scale", check_positive(self.sigma_prior_scale, "sigma_prior_scale"))
        if self.sigma_prior not in SIGMA_PRIORS:
            raise ValueError(f"sigma_prior must be one of {SIGMA_PRIORS}, got {self.sigma_prior!r}")

    @property
    def fixed_sigma(self) -> bool:
        return self.sigma is not None

    def check_y(
        self, y: np.ndarray, *, fit_intercept: bool = True, sample_weight: np.ndarray | None = None
    ) -> np.ndarray:
        return np.asarray(y, dtype=float)

    def mean(self, eta: np.ndarray) -> np.ndarray:
        return np.asarray(eta, dtype=float)

    def link(self, mu: float) -> float:
        return float(mu)

    def working(self, y_scale: float, *, default_prior_scale: float = 1.0) -> Gaussian:
        """The same model for ``y / y_scale``: ``sigma / y_scale``, and the prior scale of a free sigma divided
        alike (``default_prior_scale``, in ``y``'s units, where the prior scale was left to the data)."""
        if self.fixed_sigma:
            return Gaussian(sigma=self.sigma / y_scale)
        s0 = self.sigma_prior_scale if self.sigma_prior_scale is not None else default_prior_scale
        return Gaussian(sigma=None, sigma_prior_scale=s0 / y_scale, sigma_prior=self.sigma_prior)

    def build_scale(self, *, y_scale: float):
        """Create ``sigma`` in the current model.

        A fixed sigma is a ``pm.Data`` named ``"sigma"`` so it can change without recompiling.
        """
        if self.fixed_sigma:
            return pm.Data("sigma", self.sigma)
        if self.sigma_prior == "jeffreys":
            log_sigma = pm.Flat("log_sigma")
            return pm.Deterministic("sigma", pt.exp(log_sigma))
        scale = self.sigma_prior_scale if self.sigma_prior_scale is not None else y_scale
        # a float64 pm.Data: it can change without recompiling (the MAP's compiled functions are shared), and a
        # Python float would first be tried as float32, which overflows (a warning) beyond 3.4e38
        return pm.HalfNormal("sigma", sigma=pm.Data("sigma_prior_scale", np.float64(scale)))

    def log_density(self, value, eta, scale):
        return pm.logp(pm.Normal.dist(mu=eta, sigma=scale), value)

    def pointwise_log_density(self, y: np.ndarray, eta: np.ndarray, scale) -> np.ndarray:
        """``log N(y_i; eta_i, scale)`` for every draw's ``eta`` (numpy, broadcast): the log likelihood's values
        without compiling anything (in place in one array the size of ``eta``)."""
        out = np.subtract(y, eta)
        out /= scale
        out *= out
        out *= -0.5
        out -= np.log(scale) + 0.5 * np.log(2.0 * np.pi)
        return out

    def draw(self, eta, scale, rng, size=None):
        if size is not None:
            return rng.normal(eta, scale, size=size)
        out = rng.standard_normal(np.broadcast_shapes(np.shape(eta), np.shape(scale)))
        out *= scale
        out += eta
        return out

    def _build_unweighted(self, eta, y, sigma, *, dims=None):
        return pm.Normal("y_obs", mu=eta, sigma=sigma, observed=y, dims=dims)
