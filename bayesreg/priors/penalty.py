"""Priors on regression coefficients, each the Bayesian twin of a penalty.

A prior is a small description object (in the spirit of pymc-extras' ``Prior``): it builds its
PyMC variable, knows its negative log density as a penalty and converts to and from the penalty
strengths of scikit-learn and glmnet. Every prior here has a negative log density of the form
``l1 |b| + l2 b^2 + const`` per coefficient; the scaling rules are in
:mod:`bayesreg.conversions`. Each also has its standard deviation and its mass near zero
``P(|b| <= eps)`` in closed form (:meth:`Prior.std`, :meth:`Prior.mass_near_zero`), exact at
every scale that double precision can hold; scales beyond that are refused at construction.
"""

from __future__ import annotations

import numpy as np
import pymc as pm
from scipy import special, stats

from bayesreg._validation import check_normal_float, check_positive
from bayesreg.conversions import PenaltyWeights, enet_from_weights, ridge_from_weights
from bayesreg.priors._densities import _Z_ASYMPTOTIC, _enet_log_normalizer, _enet_logp, _enet_z
from bayesreg.priors.base import Prior, check_penalty_factor

__all__ = ["Normal", "Laplace", "ElasticNet", "prior_from_weights", "equal_variance_priors"]


class Normal(Prior):
    """Gaussian prior ``b ~ Normal(0, scale)``: the Bayesian twin of ridge (L2).

    ``-log p(b) = b^2 / (2 scale^2) + log(sqrt(2 pi) scale)``. With noise scale ``sigma``,
    its MAP is scikit-learn's ``Ridge(alpha=sigma^2 / scale^2)``, which minimizes
    ``||y - Xw||^2 + alpha ||w||^2``.

    Parameters
    ----------
    scale : float
        Standard deviation ``tau > 0`` of each coefficient. Its penalty weight
        ``l2 = 1 / (2 tau^2)`` must be a normal double, i.e. roughly ``5e-155 <= tau <= 4.7e153``
        (ValueError naming ``scale`` otherwise).
    penalty_factor : sequence of float >= 0, optional
        glmnet's ``penalty.factor``, one per coefficient: coefficient ``j`` gets ``Normal(tau / sqrt(f_j))``,
        and a flat prior where ``f_j = 0`` (see :class:`~bayesreg.priors.base.Prior`).
    """

    _param_names = ("scale", "penalty_factor")

    def __init__(self, scale: float, penalty_factor=None):
        scale = check_positive(scale, "scale")
        with np.errstate(all="ignore"):
            l2 = np.float64(0.5) / scale / scale
        check_normal_float(l2, f"scale={scale!r}", what="l2 = 1 / (2 scale^2)")
        self.scale = scale
        self.penalty_factor = check_penalty_factor(penalty_factor)

    def _symbolic_weights(self, params: dict):
        return 0.0, 0.5 / (params["scale"] * params["scale"])

    @property
    def weights(self) -> PenaltyWeights:
        return PenaltyWeights(0.0, 0.5 / self.scale / self.scale)

    @property
    def log_normalizer(self) -> float:
        return float(0.5 * np.log(2.0 * np.pi) + np.log(self.scale))

    def std(self) -> float:
        """``tau``."""
        return self.scale

    def mass_near_zero(self, eps: float) -> float:
        """``P(|b| <= eps) = erf(eps / (sqrt(2) tau))``."""
        eps = _check_eps(eps)
        with np.errstate(all="ignore"):
            return float(special.erf(eps / self.scale * np.sqrt(0.5)))

    def _pymc_variable(self, name, params, **kwargs):
        return pm.Normal(name, mu=0.0, sigma=params["scale"], **kwargs)

    def _to_sklearn_gaussian(self, *, sigma: float, n_samples: int | None):
        """scikit-learn ``Ridge(alpha = sigma^2 / scale^2)`` (``n_samples`` plays no role)."""
        from sklearn.linear_model import Ridge

        return Ridge(alpha=ridge_from_weights(self.weights, sigma=sigma))


class Laplace(Prior):
    """Laplace prior ``b ~ Laplace(0, scale)``: the Bayesian twin of the lasso (L1).

    ``-log p(b) = |b| / scale + log(2 scale)``. With noise scale ``sigma`` and ``n`` samples,
    its MAP is scikit-learn's ``Lasso(alpha = sigma^2 / (n scale))``, which minimizes
    ``1/(2n) ||y - Xw||^2 + alpha ||w||_1``.

    Parameters
    ----------
    scale : float
        Scale ``b > 0`` (the standard deviation is ``sqrt(2) b``). Its penalty weight
        ``l1 = 1 / b`` must be a normal double, i.e. roughly ``5.6e-309 <= b <= 4.5e307``
        (ValueError naming ``scale`` otherwise).
    penalty_factor : sequence of float >= 0, optional
        glmnet's ``penalty.factor``, one per coefficient: coefficient ``j`` gets ``Laplace(b / f_j)``, and a
        flat prior where ``f_j = 0`` (see :class:`~bayesreg.priors.base.Prior`).
    """

    _param_names = ("scale", "penalty_factor")

    def __init__(self, scale: float, penalty_factor=None):
        scale = check_positive(scale, "scale")
        with np.errstate(all="ignore"):
            l1 = np.float64(1.0) / scale
        check_normal_float(l1, f"scale={scale!r}", what="l1 = 1 / scale")
        self.scale = scale
        self.penalty_factor = check_penalty_factor(penalty_factor)

    def _symbolic_weights(self, params: dict):
        return 1.0 / params["scale"], 0.0

    @property
    def weights(self) -> PenaltyWeights:
        return PenaltyWeights(1.0 / self.scale, 0.0)

    @property
    def log_normalizer(self) -> float:
        return float(np.log(2.0) + np.log(self.scale))

    def std(self) -> float:
        """``sqrt(2) b``."""
        return float(np.sqrt(2.0) * self.scale)

    def mass_near_zero(self, eps: float) -> float:
        """``P(|b| <= eps) = 1 - exp(-eps / b)`` (as ``-expm1``: exact for small masses too)."""
        eps = _check_eps(eps)
        with np.errstate(all="ignore"):
            return float(-np.expm1(-(eps / self.scale)))

    def _pymc_variable(self, name, params, **kwargs):
        return pm.Laplace(name, mu=0.0, b=params["scale"], **kwargs)

    def _to_sklearn_gaussian(self, *, sigma: float, n_samples: int | None):
        """scikit-learn ``Lasso(alpha = sigma^2 / (n_samples scale))``."""
        from sklearn.linear_model import Lasso

        if n_samples is None:
            raise TypeError("n_samples is required to convert to Lasso (its data term is divided by n)")
        alpha, _ = enet_from_weights(self.weights, sigma=sigma, n_samples=n_samples)
        return Lasso(alpha=alpha)


_SQRT_PI = float(np.sqrt(np.pi))
#: above this z the elastic-net prior is a Laplace prior up to relative corrections 1/(2 z^2)
#: that mass_near_zero carries explicitly (tested against 60-digit arithmetic)
_Z_LAPLACE = 1e4


def _check_eps(eps) -> float:
    return check_positive(eps, "eps", allow_zero=True)


def _enet_hazard_taylor(z: float, r0: float, n_terms: int = 30) -> list[float]:
    """Taylor coefficients ``r_k`` of ``R(z + h) = sum_k r_k h^k``, ``R(v) = 1 / (sqrt(pi) erfcx(v))``.

    ``R`` solves ``R' = 2 R^2 - 2 v R``; matching powers of ``h`` gives
    ``(k + 1) r_{k+1} = 2 sum_i r_i r_{k-i} - 2 z r_k - 2 r_{k-1}``. ``R`` is analytic in a disc of
    radius > 2 around every ``z >= 0`` (the zeros of erfc are farther away).
    """
    r = [r0, 2.0 * r0 * (r0 - z)]
    for k in range(1, n_terms):
        conv = sum(r[i] * r[k - i] for i in range(k + 1))
        r.append((2.0 * conv - 2.0 * (z * r[k] + r[k - 1])) / (k + 1))
    return r


def _enet_mass_near_zero(l1: float, l2: float, eps: float) -> float:
    """``P(|b| <= eps)`` under the density proportional to ``exp(-l1 |b| - l2 b^2)``.

    With ``z = l1 / (2 sqrt(l2))``, ``delta = sqrt(l2) eps`` and ``t = sqrt(l2) |b|`` (density
    proportional to ``exp(-2 z t - t^2)`` on ``t > 0``), the tail is

    .. math::

        T = P(|b| > \\varepsilon) = \\frac{\\operatorname{erfc}(z + \\delta)}{\\operatorname{erfc}(z)}
          = e^{-2z\\delta - \\delta^2}\\,\\frac{\\operatorname{erfcx}(z + \\delta)}{\\operatorname{erfcx}(z)}
          = \\exp\\Bigl(-2\\int_z^{z+\\delta} R(v)\\,dv\\Bigr),

    ``R(v) = 1 / (sqrt(pi) erfcx(v))``, and ``P = -expm1(log T)``. Three exact evaluations of
    ``log T``: for ``z > 1e4`` (Laplace-like) ``-l1 eps - l2 eps^2 - log1p(2 l2 eps / l1)`` plus the
    ``1/(2 x^2)`` term of erfcx's expansion; for a small mass (``2 R(z) delta < 0.1``) the Taylor
    series of ``R`` integrated term by term (no cancellation in ``1 - T``); otherwise the
    logarithms of erfcx (``P >= 0.095`` there, so their rounding stays relative).
    """
    z = _enet_z(l1, l2)
    with np.errstate(all="ignore"):
        if z > _Z_LAPLACE:
            ratio = 2.0 * l2 * eps / l1  # delta / z
            log_t = -(l1 * eps) - l2 * eps * eps - np.log1p(ratio)
            if np.isfinite(log_t):
                x = z * (1.0 + ratio)  # z + delta
                log_t += np.log1p(-0.5 / (x * x)) - np.log1p(-0.5 / (z * z))
            return float(-np.expm1(log_t))
        root_l2 = np.sqrt(l2)
        delta = root_l2 * eps
        if np.isinf(delta):  # eps beyond every scale of the prior (z * delta would be 0 * inf)
            return 1.0
        r0 = 1.0 / (_SQRT_PI * special.erfcx(z))
        if 2.0 * r0 * delta < 0.1:
            r = _enet_hazard_taylor(z, r0)
            tail = 0.0
            for k in range(len(r) - 1, 0, -1):
                tail = (tail + r[k] / (k + 1)) * delta
            hazard = (r0 * root_l2) * eps * (1.0 + tail / r0)  # integral of R over [z, z + delta]
            return float(-np.expm1(-2.0 * hazard))
        log_t = -(2.0 * z * delta + delta * delta) + np.log(special.erfcx(z + delta)) - np.log(special.erfcx(z))
        return float(-np.expm1(log_t))


def _enet_variance_factor(z: float) -> float:
    """``h(z) = E[t^2]`` for the density proportional to ``exp(-2 z t - t^2)`` on ``t > 0``, for ``z <= 1``.

    From ``l1 I0 + 2 l2 I1 = 1`` and ``l1 I1 + 2 l2 I2 = I0`` (integration by parts of the
    moments ``I_k``): ``h = 1/2 + z^2 - z R(z)``, ``R = 1 / (sqrt(pi) erfcx(z))``. For ``z > 1``
    that difference cancels (``h ~ 1/(2 z^2)``); :func:`_enet_std` uses a continued fraction there.
    """
    return 0.5 + z * z - z / (_SQRT_PI * special.erfcx(z))


def _enet_cf_k(z: float, n_terms: int = 200) -> float:
    """``K(z) = 1 / (z + (3/2) / (z + 2 / (z + (5/2) / ...)))`` for ``z > 1`` (backward recurrence)."""
    t = 0.0
    for k in range(n_terms, 2, -1):
        t = (0.5 * k) / (z + t)
    return 1.0 / (z + t)


def _enet_std(l1: float, l2: float) -> float:
    """Standard deviation of the density proportional to ``exp(-l1 |b| - l2 b^2)``.

    ``Var(b) = h(z) / l2`` with ``h`` from :func:`_enet_variance_factor` for ``z <= 1``. For
    ``z > 1`` it is written as ``(2 / l1^2) q(z)`` with ``q = 2 z^2 h = z K / (1 + K / z)`` in
    ``(0, 1]`` (the Laplace variance ``2 / l1^2`` times a factor that tends to 1), where the
    continued fraction ``sqrt(pi) erfcx(z) = 1 / (z + (1/2) / (z + K))``,
    ``K = 1 / (z + (3/2) / (z + 2 / (z + ...)))``, gives ``h = K / (2 (z + K))`` with neither
    overflow nor cancellation (both branches agree with 50-digit arithmetic to a few 1e-16).
    """
    z = _enet_z(l1, l2)
    if z <= 1.0:
        return float(np.sqrt(_enet_variance_factor(z)) / np.sqrt(l2))
    if z > _Z_ASYMPTOTIC:
        q = 1.0  # 1 - 3/(2 z^2) + ...
    else:
        k = _enet_cf_k(z)
        q = z * k / (1.0 + k / z)
    return float(np.sqrt(2.0 * q) / l1)


def _enet_random(l1, l2, rng=None, size=None):
    # |b| is a Normal(-l1 / (2 l2), 1 / sqrt(2 l2)) truncated to b > 0; the sign is a coin flip.
    loc = -l1 / (2.0 * l2)
    scale = 1.0 / np.sqrt(2.0 * l2)
    magnitude = stats.truncnorm.rvs(-loc / scale, np.inf, loc=loc, scale=scale, size=size, random_state=rng)
    return np.where(rng.random(size=size) < 0.5, -magnitude, magnitude)


class ElasticNet(Prior):
    """Elastic-net prior, density proportional to ``exp(-l1 |b| - l2 b^2)``.

    Its normalizing constant is ``Z = sqrt(pi / l2) erfcx(z)``, ``z = l1 / (2 sqrt(l2))``: ``|b|`` is a
    Normal(``-l1 / (2 l2)``, ``1 / sqrt(2 l2)``) truncated to ``b > 0``. With noise scale
    ``sigma`` and ``n`` samples, its MAP is scikit-learn's ``ElasticNet(alpha, l1_ratio)``
    minimizing ``1/(2n) ||y - Xw||^2 + alpha rho ||w||_1 + alpha (1 - rho)/2 ||w||^2`` with
    ``alpha rho = sigma^2 l1 / n`` and ``alpha (1 - rho) = 2 sigma^2 l2 / n``.

    Parameters
    ----------
    l1, l2 : float
        Both > 0 and normal doubles (``>= 2.2e-308``; with ``l2 = 0`` use :class:`Laplace`, with
        ``l1 = 0`` :class:`Normal`). The log normalizer is then finite for every pair: for
        ``z > 1e100`` it is evaluated as its Laplace limit ``log(2 / l1)``.
    penalty_factor : sequence of float >= 0, optional
        glmnet's ``penalty.factor``, one per coefficient: coefficient ``j`` gets the weights
        ``(f_j l1, f_j l2)``, and a flat prior where ``f_j = 0`` (see :class:`~bayesreg.priors.base.Prior`).
    """

    _param_names = ("l1", "l2", "penalty_factor")

    def _symbolic_weights(self, params: dict):
        return params["l1"], params["l2"]

    def __init__(self, l1: float, l2: float, penalty_factor=None):
        l1 = check_normal_float(check_positive(l1, "l1"), "l1")
        l2 = check_normal_float(check_positive(l2, "l2"), "l2")
        log_z = _enet_log_normalizer(l1, l2)
        if not np.isfinite(log_z):  # cannot happen for normal l1, l2; kept as a guard
            raise ValueError(f"l1={l1!r}, l2={l2!r}: the log normalizer {log_z!r} is not finite")
        self.l1, self.l2 = l1, l2
        self.penalty_factor = check_penalty_factor(penalty_factor)

    @property
    def weights(self) -> PenaltyWeights:
        return PenaltyWeights(self.l1, self.l2)

    @property
    def log_normalizer(self) -> float:
        return _enet_log_normalizer(self.l1, self.l2)

    def std(self) -> float:
        """``sqrt(h(z) / l2)``, ``h(z) = 1/2 + z^2 - z / (sqrt(pi) erfcx(z))``, ``z = l1 / (2 sqrt(l2))``.

        ``h(0) = 1/2`` is the Normal variance ``1 / (2 l2)``; as ``z`` grows ``h / l2`` tends to the
        Laplace variance ``2 / l1^2``. Evaluated without cancellation for large ``z``
        (a continued fraction), see :func:`_enet_std`.
        """
        return _enet_std(self.l1, self.l2)

    def mass_near_zero(self, eps: float) -> float:
        """``P(|b| <= eps) = 1 - erfc(z + sqrt(l2) eps) / erfc(z)``, exactly at every scale.

        See :func:`_enet_mass_near_zero` for the three cancellation-free evaluations.
        """
        return _enet_mass_near_zero(self.l1, self.l2, _check_eps(eps))

    def _pymc_variable(self, name, params, **kwargs):
        return pm.CustomDist(name, params["l1"], params["l2"], logp=_enet_logp, random=_enet_random, **kwargs)


def prior_from_weights(weights: PenaltyWeights, penalty_factor=None) -> Prior:
    """The prior with these weights: :class:`Normal`, :class:`Laplace` or :class:`ElasticNet` (with the
    ``penalty_factor``, if given)."""
    if weights.l1 == 0:
        return Normal(scale=1.0 / np.sqrt(2.0 * weights.l2), penalty_factor=penalty_factor)
    if weights.l2 == 0:
        return Laplace(scale=1.0 / weights.l1, penalty_factor=penalty_factor)
    return ElasticNet(weights.l1, weights.l2, penalty_factor=penalty_factor)


def equal_variance_priors(variance: float) -> tuple[Laplace, Normal]:
    """A Laplace and a Gaussian prior with the same variance ``v``: ``Laplace(sqrt(v / 2))``, ``Normal(sqrt(v))``.

    The Laplace(0, b) variance is ``2 b^2``, the Normal(0, tau) variance ``tau^2``.
    """
    variance = check_positive(variance, "variance")
    return Laplace(np.sqrt(variance / 2.0)), Normal(np.sqrt(variance))
