"""The Student-t likelihood (identity link): robust linear regression."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pymc as pm
import pytensor.tensor as pt
from scipy import stats

from bayesreg._validation import check_positive
from bayesreg.likelihoods.base import Likelihood

__all__ = ["DEFAULT_NU", "NU_PRIOR", "StudentT"]

#: the Gamma(alpha=2, beta=0.1) prior on a free ``nu`` (Juarez & Steel 2010; brms' default): mean 20, mode 10, with
#: about 5% of its mass below nu = 3.6
NU_PRIOR = (2.0, 0.1)

#: the degrees of freedom of a Student-t likelihood unless told otherwise (fixed)
DEFAULT_NU = 4.0


@dataclass(frozen=True)
class StudentT(Likelihood):
    """``y_i ~ StudentT(nu, eta_i, sigma)`` with ``eta = b0 + X beta``: a linear model whose errors have heavy tails.

    The negative log density of one observation is ``(nu + 1)/2 log(1 + r^2 / (nu sigma^2)) + log sigma + const``
    with ``r = y - eta``: quadratic for small residuals and only logarithmic for large ones, so outliers pull the
    fit much less than under the Gaussian (its limit as ``nu -> inf``).

    Parameters
    ----------
    nu : float or None, default=4.0
        Degrees of freedom, fixed; or None to give ``nu`` a ``Gamma(2, 0.1)`` prior (:data:`NU_PRIOR`).
    sigma : float or None
        A fixed scale, or None to give sigma a ``HalfNormal(sigma_prior_scale)`` prior.
    sigma_prior_scale : float or None
        With ``sigma=None``: the scale of sigma's prior; None means the sd of ``y`` (set when the model is built).

    Notes
    -----
    The density is not log-concave in the coefficients: the posterior may have several modes (an outlier either
    fitted or discounted). The MAP (fixed ``nu`` and ``sigma`` only) is the better of the modes reached by monotone
    descent from the penalized least-squares fit with the same prior (outliers fitted) and from the median of ``y``
    with zero coefficients (outliers discounted, even at high leverage); ``MapResult.n_modes`` is 2 when they
    differ. It is not guaranteed to be the global mode; NUTS explores all of the posterior.
    """

    family = "student_t"
    link_name = "identity"
    location_scale = True
    data_fields = ("sigma", "sigma_prior_scale")

    nu: float | None = DEFAULT_NU
    sigma: float | None = None
    sigma_prior_scale: float | None = None

    def __post_init__(self):
        if self.nu is not None:
            object.__setattr__(self, "nu", check_positive(self.nu, "nu"))
        if self.sigma is not None:
            object.__setattr__(self, "sigma", check_positive(self.sigma, "sigma"))
        if self.sigma_prior_scale is not None:
            object.__setattr__(self, "sigma_prior_scale", check_positive(self.sigma_prior_scale, "sigma_prior_scale"))

    @property
    def sigma_prior(self) -> str:
        return "halfnormal"

    @property
    def fixed_sigma(self) -> bool:
        return self.sigma is not None and self.nu is not None

    @property
    def scale(self) -> float:
        """Not defined: no penalized fit in scikit-learn or glmnet has a Student-t data term."""
        raise ValueError(
            "the student_t likelihood has no penalized twin in scikit-learn or glmnet: a penalty strength does not "
            "convert to a prior for it; state the prior directly (e.g. bayesreg.Laplace(scale))"
        )

    def check_y(self, y: np.ndarray, *, fit_intercept: bool = True, sample_weight: np.ndarray | None = None):
        return np.asarray(y, dtype=float)

    def mean(self, eta: np.ndarray) -> np.ndarray:
        return np.asarray(eta, dtype=float)

    def link(self, mu: float) -> float:
        return float(mu)

    def working(self, y_scale: float, *, default_prior_scale: float = 1.0) -> StudentT:
        """The same model for ``y / y_scale``: sigma (or the scale of its prior) divided alike; ``nu`` unchanged."""
        if self.sigma is not None:
            return StudentT(nu=self.nu, sigma=self.sigma / y_scale)
        s0 = self.sigma_prior_scale if self.sigma_prior_scale is not None else default_prior_scale
        return StudentT(nu=self.nu, sigma=None, sigma_prior_scale=s0 / y_scale)

    def build_scale(self, *, y_scale: float):
        """Create ``sigma`` (a ``pm.Data`` when fixed, else ``HalfNormal``) and ``nu`` (a constant, or ``Gamma``)."""
        if self.nu is None:
            pm.Gamma("nu", alpha=NU_PRIOR[0], beta=NU_PRIOR[1])
        if self.sigma is not None:
            return pm.Data("sigma", self.sigma)
        scale = self.sigma_prior_scale if self.sigma_prior_scale is not None else y_scale
        # a float64 pm.Data: it can change without recompiling (the MAP's compiled functions are shared)
        return pm.HalfNormal("sigma", sigma=pm.Data("sigma_prior_scale", np.float64(scale)))

    def _nu(self):
        if self.nu is not None:
            return pt.constant(self.nu, dtype="float64")
        return pm.modelcontext(None)["nu"]

    def build_observed(self, eta, y, scale, *, weights=None, dims=None):
        # nu is a parameter of the observed variable, so that a free nu is sampled with it
        nu = self._nu()
        if weights is None:
            return pm.StudentT("y_obs", nu=nu, mu=eta, sigma=scale, observed=y, dims=dims)
        return pm.CustomDist(
            "y_obs",
            eta,
            scale,
            nu,
            weights,
            logp=self._weighted_log_density,
            random=self._draw,
            observed=y,
            dims=dims,
            dtype="float64",
        )

    def log_density(self, value, eta, scale, nu=None):
        nu = self._nu() if nu is None else nu
        return pm.logp(pm.StudentT.dist(nu=nu, mu=eta, sigma=scale), value)

    def pointwise_log_density(self, y: np.ndarray, eta: np.ndarray, scale, nu=None) -> np.ndarray:
        """``log t_nu(y_i; eta_i, scale)`` for every draw's ``eta``, ``scale`` and ``nu`` (numpy, broadcast; ``nu``
        the fixed one unless given)."""
        nu = self.nu if nu is None else nu
        return stats.t.logpdf(y, nu, loc=eta, scale=scale)

    def draw(self, eta, scale, rng, size=None, nu=None):
        nu = self.nu if nu is None else nu
        if size is None:  # one draw per element of the broadcast parameters
            size = np.broadcast_shapes(np.shape(eta), np.shape(scale), np.shape(nu))
        return eta + scale * rng.standard_t(nu, size=size)

    def _weighted_log_density(self, value, eta, scale, nu, weights):
        return weights * self.log_density(value, eta, scale, nu)

    def _draw(self, eta, scale, nu, *weights, rng=None, size=None):
        return self.draw(eta, scale, np.random.default_rng() if rng is None else rng, size=size, nu=nu)

    def majorizing_curvature(self, value, eta, scale):
        """``(nu + 1) / (nu sigma^2 + r^2)``: the curvature of the quadratic that majorizes each observation's
        negative log density at ``r = y - eta`` (the weight of iteratively reweighted least squares, EM's for the
        t as a scale mixture of normals). Positive, unlike the density's own curvature
        ``(nu + 1)(nu sigma^2 - r^2) / (nu sigma^2 + r^2)^2``, which is negative for ``r^2 > nu sigma^2``; the MAP's
        Newton steps use the density's own where it is not below 1% of this one."""
        nu = self._nu()
        return (nu + 1.0) / (nu * pt.square(scale) + pt.square(value - eta))
