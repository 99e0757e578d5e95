"""Hierarchical shrinkage priors: the penalty strength is a parameter learned with the coefficients.

Unlike the penalty priors of :mod:`bayesreg.priors`, these have no single penalty twin: their
strength (``lambda``, ``tau``) has its own prior, and the posterior averages over it. The
horseshoes and the Bayesian elastic net build a non-centred PyMC model (``beta = scale * z``
with a standard ``z``), which samples without the funnel a centred ``beta ~ N(0, scale)`` shows
when the data leave the scale near zero. The Bayesian lasso and the hierarchical normal are
centred by default, which measured better when the data pin the coefficients down (diabetes:
no divergences against a dozen or more), with ``noncentered=True`` for weak likelihoods (see
:class:`BayesianLasso`, :class:`HierarchicalNormal`). The coefficients are always ``"beta"``;
standardized draws, where used, are ``"beta_z"``.

All of them scale with the noise standard deviation ``sigma`` (as in Park & Casella 2008 and
Carvalho, Polson & Scott 2010), so their default hyperparameters do not depend on the units
of ``y``. They do depend on the scale of the columns of ``X``: the defaults assume columns of
unit standard deviation (``BayesianRegression(..., standardize=True)``).
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from bayesreg._validation import check_positive
from bayesreg.priors._densities import _enet_logp
from bayesreg.priors.base import BasePrior
from bayesreg.priors.penalty import _enet_random

__all__ = [
    "ShrinkagePrior",
    "BayesianLasso",
    "HierarchicalNormal",
    "Horseshoe",
    "HorseshoePlus",
    "RegularizedHorseshoe",
    "BayesianElasticNet",
]


#: hyperparameters enter the model squared or inverted and squared: beyond this range the prior's
#: scales are not representable in float64 (the sampler then fails or returns nonsense, after compiling)
_RANGE = (1e-150, 1e150)


def _check_scale(value, name: str) -> float:
    """A positive float inside ``_RANGE``, or a ValueError naming ``name``."""
    value = check_positive(value, name)
    if not _RANGE[0] <= value <= _RANGE[1]:
        raise ValueError(
            f"{name}={value!r} is outside [{_RANGE[0]:g}, {_RANGE[1]:g}]: the prior's variances (its square or inverse "
            "square) are not representable in float64; standardize X (standardize=True) and use a value near 1"
        )
    return value


def _check_gamma(value, name: str) -> tuple[float, float]:
    """A ``(shape, rate)`` pair of positive floats inside ``_RANGE``."""
    if isinstance(value, str) or not hasattr(value, "__len__") or len(value) != 2:
        raise TypeError(f"{name} must be a (shape, rate) pair of positive numbers, got {value!r}")
    shape, rate = value
    checked = (_check_scale(shape, f"{name}[0] (shape)"), _check_scale(rate, f"{name}[1] (rate)"))
    # an already valid pair is kept as the very object given (scikit-learn's clone checks identity)
    if type(value) is tuple and all(type(v) is float for v in value) and value == checked:
        return value
    return checked


def _optional_positive(value, name: str) -> float | None:
    return None if value is None else _check_scale(value, name)


def _half_cauchy(name: str, scale, *, dims=None, shape=None):
    """``HalfCauchy(scale)`` written as ``scale * a * sqrt(b)``, ``a ~ HalfNormal(1)``, ``b ~ InvGamma(1/2, 1/2)``.

    The product form has no heavy-tailed free variable, which NUTS explores far better than a
    direct half-Cauchy (Piironen & Vehtari 2017, appendix C).
    """
    a = pm.HalfNormal(f"{name}_a", sigma=1.0, dims=dims, shape=shape)
    b = pm.InverseGamma(f"{name}_b", alpha=0.5, beta=0.5, dims=dims, shape=shape)
    return pm.Deterministic(name, scale * a * pt.sqrt(b), dims=dims)


class ShrinkagePrior(BasePrior):
    """A hierarchical prior on the coefficients: no fixed penalty; its posterior is sampled (Gibbs or NUTS)."""

    has_penalty_twin = False


class BayesianLasso(ShrinkagePrior):
    """Park & Casella's (2008) Bayesian lasso.

    .. math::

        \\beta_j \\mid \\sigma, \\lambda \\sim \\text{Laplace}(0, \\sigma / \\lambda), \\qquad
        p(\\sigma^2) \\propto 1 / \\sigma^2, \\qquad \\lambda^2 \\sim \\text{Gamma}(r, \\delta)

    (shape ``r``, rate ``delta``), or ``lambda`` fixed. At a fixed ``sigma`` and ``lambda`` the
    posterior mode is the lasso minimizing ``||y - X beta||^2 + 2 sigma lambda ||beta||_1``.

    Parameters
    ----------
    lam : float or None, default=None
        A fixed ``lambda > 0``, or None to learn it with the Gamma hyperprior on ``lambda^2``.
    lam2_prior : (float, float), default=(1.0, 1.78)
        Shape and rate of the Gamma prior on ``lambda^2``; Park & Casella's choice for the
        diabetes data (centred columns of unit Euclidean norm).
    noncentered : bool, default=False
        Build ``beta = sigma / lambda * beta_z`` with ``beta_z ~ Laplace(0, 1)`` instead of
        ``beta ~ Laplace(0, sigma / lambda)``. When the data pin the coefficients down (diabetes:
        n = 442, p = 10) the centred form samples better: with the Gamma hyperprior, 0
        divergences against 4-64 for the non-centred one (4 chains of 1000-2000 draws). The
        non-centred form helps when the likelihood is weak (p close to or above n).
    """

    _param_names = ("lam", "lam2_prior", "noncentered")
    sigma_prior = "jeffreys"

    def __init__(
        self, lam: float | None = None, lam2_prior: tuple[float, float] = (1.0, 1.78), noncentered: bool = False
    ):
        self.lam = _optional_positive(lam, "lam")
        self.lam2_prior = _check_gamma(lam2_prior, "lam2_prior")
        if not isinstance(noncentered, bool | np.bool_):
            raise TypeError(f"noncentered must be True or False, got {noncentered!r}")
        self.noncentered = bool(noncentered)

    def build(self, name, *, dims=None, shape=None, sigma=None, n_obs=None):
        if self.lam is None:
            shape_, rate = self.lam2_prior
            lam2 = pm.Gamma(f"{name}_lam2", alpha=shape_, beta=rate)
            lam = pm.Deterministic(f"{name}_lam", pt.sqrt(lam2))
        else:
            lam = pm.Data(f"{name}_lam", self.lam)
        if not self.noncentered:
            return pm.Laplace(name, mu=0.0, b=sigma / lam, dims=dims, shape=shape)
        z = pm.Laplace(f"{name}_z", mu=0.0, b=1.0, dims=dims, shape=shape)
        return pm.Deterministic(name, sigma / lam * z, dims=dims)


class HierarchicalNormal(ShrinkagePrior):
    """A Gaussian (ridge) prior whose scale has a hyperprior.

    .. math::

        \\beta_j \\mid \\sigma, \\tau \\sim \\mathcal N(0, \\sigma \\tau), \\qquad
        \\tau \\sim \\text{HalfCauchy}(s)

    Given ``tau`` (and ``sigma``) the posterior mode is scikit-learn's ``Ridge(alpha = 1 / tau^2)``:
    the hyperprior is a prior on the ridge strength, averaged over rather than tuned. (Named
    so as not to clash with scikit-learn's ``BayesianRidge``, which maximizes the evidence
    instead: see :func:`bayesreg.inference.empirical_bayes.evidence_ridge`.)

    Parameters
    ----------
    tau_scale : float, default=1.0
        Scale ``s`` of the half-Cauchy prior on ``tau``.
    noncentered : bool, default=False
        Build ``beta = sigma * tau * beta_z`` with ``beta_z ~ N(0, 1)`` instead of
        ``beta ~ N(0, sigma * tau)``. When the data pin the coefficients down the centred form
        samples better: on standardized diabetes (n = 442, p = 10, sigma learned) at the
        estimator's defaults (4 chains x 1000 draws, target_accept 0.8) the centred form had 0
        and 0 divergent transitions (seeds 1 and 2; bulk ESS about 1560 of 4000, about 16
        leapfrog steps per draw), the non-centred one 12 and 50 (bulk ESS 334-609); the
        non-centred one needed target_accept 0.95 to reach 0 and 0, with 2.4 times the leapfrog
        steps and half the ESS (measured 2026-11-21). The non-centred form helps when the
        likelihood is weak (p close to or above n), where the centred one meets the funnel.
    """

    _param_names = ("tau_scale", "noncentered")

    def __init__(self, tau_scale: float = 1.0, noncentered: bool = False):
        self.tau_scale = _check_scale(tau_scale, "tau_scale")
        if not isinstance(noncentered, bool | np.bool_):
            raise TypeError(f"noncentered must be True or False, got {noncentered!r}")
        self.noncentered = bool(noncentered)

    def build(self, name, *, dims=None, shape=None, sigma=None, n_obs=None):
        tau = pm.HalfCauchy(f"{name}_tau", beta=self.tau_scale)
        if not self.noncentered:
            return pm.Normal(name, mu=0.0, sigma=sigma * tau, dims=dims, shape=shape)
        z = pm.Normal(f"{name}_z", mu=0.0, sigma=1.0, dims=dims, shape=shape)
        return pm.Deterministic(name, sigma * tau * z, dims=dims)


class Horseshoe(ShrinkagePrior):
    """The horseshoe of Carvalho, Polson & Scott (2010).

    .. math::

        \\beta_j \\mid \\lambda_j, \\tau, \\sigma \\sim \\mathcal N(0, \\lambda_j \\tau \\sigma), \\qquad
        \\lambda_j \\sim \\text{HalfCauchy}(1), \\qquad \\tau \\sim \\text{HalfCauchy}(s)

    Local scales ``lambda_j`` let strong signals escape the global shrinkage ``tau``, and
    ``beta = lambda tau sigma z``. ``method="sample"`` draws it with a Gibbs sampler
    (:mod:`bayesreg.inference.gibbs_kernels`): on n=100, p=300 with 5 non-zeros, at the defaults,
    r_hat 1.005 and 1.007 for seeds 1 and 2 in 6.5-6.8 s (measured 2026-11-30). NUTS needs a high
    ``target_accept`` (0.99 by default) and still left 27 and 39 divergent transitions in 4000 draws
    there (r_hat 1.016 and 1.029, 1.5-2 min; measured 2026-11-21).

    Parameters
    ----------
    tau_scale : float, default=1.0
        Scale ``s`` of the global half-Cauchy.
    """

    _param_names = ("tau_scale",)
    target_accept = 0.99

    def __init__(self, tau_scale: float = 1.0):
        self.tau_scale = _check_scale(tau_scale, "tau_scale")

    def build(self, name, *, dims=None, shape=None, sigma=None, n_obs=None):
        tau = pm.HalfCauchy(f"{name}_tau", beta=self.tau_scale)
        lam = self._local_scales(name, dims=dims, shape=shape)
        z = pm.Normal(f"{name}_z", mu=0.0, sigma=1.0, dims=dims, shape=shape)
        return pm.Deterministic(name, z * lam * tau * sigma, dims=dims)

    def _local_scales(self, name, *, dims, shape):
        """``lambda_j ~ HalfCauchy(1)``."""
        return pm.HalfCauchy(f"{name}_lam", beta=1.0, dims=dims, shape=shape)


class HorseshoePlus(Horseshoe):
    """The horseshoe+ of Bhadra, Datta, Polson & Willard (2017).

    .. math::

        \\beta_j \\mid \\lambda_j, \\tau, \\sigma \\sim \\mathcal N(0, \\lambda_j \\tau \\sigma), \\qquad
        \\lambda_j \\mid \\eta_j \\sim \\text{HalfCauchy}(\\eta_j), \\qquad
        \\eta_j \\sim \\text{HalfCauchy}(1), \\qquad \\tau \\sim \\text{HalfCauchy}(s)

    A second half-Cauchy level under each local scale: the marginal prior of ``beta_j`` has a higher spike at 0
    and heavier tails than the horseshoe's, for ultra-sparse signals. ``beta = lambda tau sigma z``. Its
    posterior is sampled by a Gibbs sampler (``method="sample"``: slice-sampled local scales, a collapsed move of
    the global scale and sigma, :mod:`bayesreg.inference.gibbs_kernels`); NUTS (``method="nuts"``) struggles with
    its funnels even at ``target_accept=0.99``.

    Parameters
    ----------
    tau_scale : float, default=1.0
        Scale ``s`` of the global half-Cauchy.
    """

    def _local_scales(self, name, *, dims, shape):
        """``lambda_j ~ HalfCauchy(eta_j)``, ``eta_j ~ HalfCauchy(1)``."""
        eta = pm.HalfCauchy(f"{name}_eta", beta=1.0, dims=dims, shape=shape)
        return pm.HalfCauchy(f"{name}_lam", beta=eta, dims=dims, shape=shape)


class RegularizedHorseshoe(ShrinkagePrior):
    """The regularized horseshoe of Piironen & Vehtari (2017).

    .. math::

        \\beta_j \\sim \\mathcal N(0, \\tau \\tilde\\lambda_j), \\quad
        \\tilde\\lambda_j^2 = \\frac{c^2 \\lambda_j^2}{c^2 + \\tau^2 \\lambda_j^2}, \\quad
        \\lambda_j \\sim \\text{HalfCauchy}(1), \\quad \\tau \\sim \\text{HalfCauchy}(\\tau_0), \\quad
        c^2 \\sim \\text{InvGamma}(\\nu / 2, \\nu s^2 / 2),

    with the global scale set from a guess ``p0`` of the number of non-zero coefficients:
    ``tau_0 = p0 / (p - p0) * sigma / sqrt(n)``. The slab ``c`` keeps the large coefficients
    from being left completely unregularized (a Student-t slab of scale ``s``, ``nu`` degrees
    of freedom). NUTS runs at ``target_accept=0.99`` by default: at 0.95 it left 0-2 divergent
    transitions in 4000 draws on an n=100, p=300 problem, at 0.99 none (about twice the leapfrog
    steps; measured 2026-11-21).

    Parameters
    ----------
    n_nonzero : float
        Prior guess ``p0`` of the number of relevant coefficients, ``0 < p0 < p``.
    slab_scale : float, default=2.0
        ``s``, in the units of the coefficients (standardized columns assumed).
    slab_df : float, default=4.0
        ``nu``.
    """

    _param_names = ("n_nonzero", "slab_scale", "slab_df")
    target_accept = 0.99

    def __init__(self, n_nonzero: float, slab_scale: float = 2.0, slab_df: float = 4.0):
        self.n_nonzero = _check_scale(n_nonzero, "n_nonzero")
        self.slab_scale = _check_scale(slab_scale, "slab_scale")
        self.slab_df = _check_scale(slab_df, "slab_df")

    def build(self, name, *, dims=None, shape=None, sigma=None, n_obs=None):
        model = pm.modelcontext(None)
        p = len(model.coords[dims]) if dims is not None else int(np.prod(shape))
        if not self.n_nonzero < p:
            raise ValueError(f"n_nonzero must be smaller than the number of features ({p}), got {self.n_nonzero}")
        tau0 = self.n_nonzero / (p - self.n_nonzero) * sigma / np.sqrt(n_obs)
        tau = _half_cauchy(f"{name}_tau", tau0)
        lam = _half_cauchy(f"{name}_lam", 1.0, dims=dims, shape=shape)
        nu, s = self.slab_df, self.slab_scale
        c2 = pm.InverseGamma(f"{name}_c2", alpha=nu / 2.0, beta=nu * s**2 / 2.0)
        lam_tilde = pt.sqrt(c2 * lam**2 / (c2 + tau**2 * lam**2))
        z = pm.Normal(f"{name}_z", mu=0.0, sigma=1.0, dims=dims, shape=shape)
        return pm.Deterministic(name, z * tau * lam_tilde, dims=dims)


class BayesianElasticNet(ShrinkagePrior):
    """The Bayesian elastic net of Li & Lin (2010), with hyperpriors on both strengths.

    .. math::

        p(\\beta \\mid \\sigma^2) \\propto \\exp\\Big(-\\frac{1}{2\\sigma^2}
            (\\lambda_1 \\|\\beta\\|_1 + \\lambda_2 \\|\\beta\\|_2^2)\\Big), \\qquad
        p(\\sigma^2) \\propto 1 / \\sigma^2, \\qquad
        \\lambda_k \\sim \\text{Gamma}(r_k, \\delta_k),

    or ``lambda_k`` fixed. At a fixed ``sigma`` the mode is the elastic net minimizing
    ``||y - X beta||^2 + lambda_1 ||beta||_1 + lambda_2 ||beta||_2^2``. The prior's normalizing
    constant depends on ``sigma`` and both ``lambda``; it is computed exactly (with ``erfcx``,
    as :class:`bayesreg.ElasticNet`), so NUTS samples the exact joint posterior rather than Li &
    Lin's approximation of it.

    Parameters
    ----------
    lam1, lam2 : float or None, default=None
        Fixed strengths, or None for the Gamma hyperpriors.
    lam1_prior, lam2_prior : (float, float), default=(1.0, 0.01)
        Shape and rate of each Gamma hyperprior (mean 100, exponential: weakly informative for
        standardized columns and a few hundred samples).
    """

    _param_names = ("lam1", "lam2", "lam1_prior", "lam2_prior")
    sigma_prior = "jeffreys"

    def __init__(
        self,
        lam1: float | None = None,
        lam2: float | None = None,
        lam1_prior: tuple[float, float] = (1.0, 0.01),
        lam2_prior: tuple[float, float] = (1.0, 0.01),
    ):
        self.lam1 = _optional_positive(lam1, "lam1")
        self.lam2 = _optional_positive(lam2, "lam2")
        self.lam1_prior = _check_gamma(lam1_prior, "lam1_prior")
        self.lam2_prior = _check_gamma(lam2_prior, "lam2_prior")

    def _strength(self, name: str, value, prior):
        if value is not None:
            return pm.Data(name, value)
        shape, rate = prior
        return pm.Gamma(name, alpha=shape, beta=rate)

    def build(self, name, *, dims=None, shape=None, sigma=None, n_obs=None):
        lam1 = self._strength(f"{name}_lam1", self.lam1, self.lam1_prior)
        lam2 = self._strength(f"{name}_lam2", self.lam2, self.lam2_prior)
        # beta = sigma * z: z has density proportional to exp(-lam1 |z| / (2 sigma) - lam2 z^2 / 2)
        z = pm.CustomDist(
            f"{name}_z",
            lam1 / (2.0 * sigma),
            lam2 / 2.0,
            logp=_enet_logp,
            random=_enet_random,
            dims=dims,
            shape=shape,
        )
        return pm.Deterministic(name, sigma * z, dims=dims)
