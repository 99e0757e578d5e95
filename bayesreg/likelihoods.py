"""Likelihoods: how the observations depend on the linear predictor."""

from __future__ import annotations

from dataclasses import dataclass

import pymc as pm

from bayesreg.conversions import check_positive

__all__ = ["Gaussian"]


@dataclass(frozen=True)
class Gaussian:
    """``y_i ~ Normal(eta_i, sigma)`` with ``eta = b0 + X beta``.

    Parameters
    ----------
    sigma : float or None
        A fixed noise scale (the case in which the MAP equals a penalized least-squares fit),
        or None to give sigma a prior.
    sigma_prior_scale : float or None
        With ``sigma=None``: the scale of the weakly informative ``HalfNormal`` prior on sigma.
        None means the standard deviation of ``y`` (set when the model is built).
    """

    sigma: float | None = None
    sigma_prior_scale: float | None = None

    def __post_init__(self):
        if self.sigma is not None:
            object.__setattr__(self, "sigma", check_positive(self.sigma, "sigma"))
        if self.sigma_prior_scale is not None:
            object.__setattr__(self, "sigma_prior_scale", check_positive(self.sigma_prior_scale, "sigma_prior_scale"))

    @property
    def fixed_sigma(self) -> bool:
        return self.sigma is not None

    def build(self, eta, y, *, y_scale: float, dims=None):
        """Create ``sigma`` and the observed variable in the current model.

        Returns ``(observed, sigma)``; a fixed sigma is a ``pm.Data`` named ``"sigma"`` so it can
        change without recompiling.
        """
        if self.fixed_sigma:
            sigma = pm.Data("sigma", self.sigma)
        else:
            scale = self.sigma_prior_scale if self.sigma_prior_scale is not None else y_scale
            sigma = pm.HalfNormal("sigma", sigma=scale)
        observed = pm.Normal("y_obs", mu=eta, sigma=sigma, observed=y, dims=dims)
        return observed, sigma
