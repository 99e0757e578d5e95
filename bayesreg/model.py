"""Build the PyMC model of a penalized regression: data, prior, likelihood.

The description (a :class:`~bayesreg.priors.Prior`, a likelihood, the data) stays apart from the
PyMC code; :func:`build_model` turns it into a ``pm.Model`` and keeps handles on the pieces the
MAP solver and the estimators need.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pymc as pm
from pytensor.tensor.variable import TensorVariable

from bayesreg._warnings import warn
from bayesreg.data.design import robust_std
from bayesreg.data.statistics import SufficientStats
from bayesreg.likelihoods import Gaussian, Likelihood
from bayesreg.likelihoods._recession import improving_direction
from bayesreg.priors import BasePrior, Prior

__all__ = [
    "RegressionModel",
    "build_model",
    "check_mode_exists",
    "warn_if_sigma_improper",
    "default_sigma_prior_scale",
    "flat_columns",
]

COEF = "beta"
INTERCEPT = "intercept"
OBS_DIM = "obs_id"
SUMMARY_DIM = "summary_row"


@dataclass
class RegressionModel:
    """A built model and the handles on its parts.

    Attributes
    ----------
    model : pm.Model
        ``y ~ likelihood(intercept + X @ beta)``, ``beta_j ~ prior``, flat prior on the intercept.
        ``X`` and ``y`` are ``pm.Data`` (``"X"``, ``"y"``), as are the prior's parameters
        (``"beta_scale"``, ...), a fixed ``"sigma"``, and ``"sample_weight"`` and ``"offset"`` when given.
    sigma : TensorVariable
        The likelihood's scale (:meth:`~bayesreg.likelihoods.Likelihood.build_scale`): ``sigma`` for the
        Gaussian, the constant 1 for the Bernoulli and Poisson likelihoods.
    """

    model: pm.Model
    prior: BasePrior
    likelihood: Likelihood
    beta: TensorVariable
    intercept: TensorVariable | None
    sigma: TensorVariable
    eta: TensorVariable
    observed: TensorVariable
    feature_names: list[str]
    #: the statistics the model's rows summarize (:meth:`~bayesreg.data.statistics.SufficientStats.summary_rows`),
    #: or None: its rows are the observations
    statistics: SufficientStats | None = None

    @property
    def rows_dim(self) -> str:
        """The dimension of the model's rows: ``"obs_id"`` (the observations) or ``"summary_row"``."""
        return OBS_DIM if self.statistics is None else SUMMARY_DIM

    @property
    def X(self) -> np.ndarray:
        """A copy of the model's design (see :attr:`X_view` to read it without one)."""
        return self.model["X"].get_value()

    @property
    def X_view(self) -> np.ndarray:
        """The model's design itself, not a copy (40 MB at n = 100,000, p = 50): read it, do not write into it."""
        return self.model["X"].get_value(borrow=True)

    @property
    def y(self) -> np.ndarray:
        return self.model["y"].get_value()

    @property
    def sample_weight(self) -> np.ndarray | None:
        """The observations' weights, or None (all 1)."""
        return self.model["sample_weight"].get_value() if "sample_weight" in self.model.named_vars else None

    @property
    def offset(self) -> np.ndarray | None:
        """The offset of the linear predictor, or None (0)."""
        return self.model["offset"].get_value() if "offset" in self.model.named_vars else None

    @property
    def fit_intercept(self) -> bool:
        return self.intercept is not None

    def set_prior(self, prior: Prior) -> None:
        """Swap in a prior of the same class with other parameters (no rebuild, no recompile)."""
        if type(prior) is not type(self.prior):
            raise TypeError(f"prior must be a {type(self.prior).__name__} to reuse this model, got {prior!r}")
        prior.set_data(COEF, self.model)
        self.prior = prior


def flat_columns(prior: BasePrior, n_features: int) -> np.ndarray:
    """Which coefficients have a flat prior: those of penalty factor 0 (a penalty prior's strength is positive, and a
    hierarchical prior is proper on every coefficient).

    Refuses a ``penalty_factor`` of another length than ``n_features`` (ValueError)."""
    if not hasattr(prior, "factor"):
        return np.zeros(n_features, dtype=bool)
    return prior.factor(n_features) == 0


def check_mode_exists(
    X: np.ndarray,
    y: np.ndarray,
    prior: BasePrior,
    likelihood: Likelihood,
    *,
    fit_intercept: bool,
    sample_weight: np.ndarray | None = None,
    names: list[str] | None = None,
) -> None:
    """Refuse (ValueError) data on which the coefficients under a flat prior, with the intercept, leave the posterior
    without a mode: linearly dependent columns (a flat ridge of modes), or a direction along which the likelihood
    improves without limit (:meth:`~bayesreg.likelihoods.Likelihood.recession_signs`: separated classes, zero counts
    fitted by ``-inf``). The intercept alone is the likelihood's own ``check_y``."""
    p = X.shape[1]
    flat = flat_columns(prior, p)
    if not np.any(flat):
        return
    rows = slice(None) if sample_weight is None else sample_weight > 0
    A = X[rows][:, flat]
    if fit_intercept:
        A = np.column_stack([np.ones(A.shape[0]), A])
    names = [f"x{j}" for j in range(p)] if names is None else names
    which = ["the intercept"] * fit_intercept + [names[j] for j in np.flatnonzero(flat)]
    listed = ", ".join(which[:8]) + (f" and {len(which) - 8} more" if len(which) > 8 else "")
    listed += ": penalty factor 0"
    of_rows = " on the rows of positive weight" if sample_weight is not None else ""
    flat_A = A[:, 1:] if fit_intercept else A
    zero = [names[j] for j, column in zip(np.flatnonzero(flat), flat_A.T, strict=True) if not np.any(column)]
    if zero:
        raise ValueError(
            f"prior: {', '.join(zero[:8])} (penalty factor 0) {'is' if len(zero) == 1 else 'are'} 0 on every row"
            f"{of_rows} (a constant column, once centred or standardized, becomes 0): the data say nothing about "
            "its coefficient and its prior is flat, so the posterior has no mode and is improper. Drop the column or "
            "give it a positive penalty_factor"
        )
    scaled = A / np.maximum(np.max(np.abs(A), axis=0), np.finfo(float).tiny)
    if np.linalg.matrix_rank(scaled) < A.shape[1]:
        raise ValueError(
            f"prior: the coefficients with a flat prior ({listed}) are linearly dependent{of_rows}: the posterior is "
            "flat along a direction the data cannot tell apart, so it has no mode and is improper. Give one of them a "
            "positive penalty_factor, or drop a column"
        )
    signs = likelihood.recession_signs(y[rows])
    if signs is not None and improving_direction(A, signs) is not None:
        raise ValueError(
            f"prior: the coefficients with a flat prior ({listed}) {likelihood.recession_message(signs)}"
            f"{of_rows}: the likelihood keeps increasing along a direction of them, so the posterior has no mode and "
            "is improper (the estimates would run off to infinity). Give them a positive penalty_factor"
        )


#: y counts as fitted exactly when the least-squares residual is below this fraction of its (centred) norm: the
#: Gibbs kernels keep sigma above 1e-6 of y's sd (gibbs_sampler.SIGMA2_FLOOR), so nothing finer is resolved anyway
EXACT_FIT = 1e-6


def warn_if_sigma_improper(
    X: np.ndarray,
    y: np.ndarray,
    prior: BasePrior,
    likelihood: Likelihood,
    *,
    fit_intercept: bool,
    sample_weight: np.ndarray | None = None,
    offset: np.ndarray | None = None,
) -> None:
    """Warn (UserWarning) on data on which a learned noise scale has an improper posterior at 0.

    With a penalty prior (one that does not scale with sigma) and coefficients that fit ``y`` exactly, the
    likelihood near ``sigma = 0`` behaves as ``sigma^{-(n_e - r)}``, ``n_e = sum(w) - [intercept]`` the observations
    the weights count and ``r`` the rank of the (centred) rows of positive weight: with a HalfNormal prior the
    posterior is integrable at 0 only when ``n_e - r < 1``, with Jeffreys' ``1/sigma`` only when ``n_e - r < 0``.
    Repeated rows, weights above 1 or noise-free data with ``n > p`` break that: ``sigma`` runs to 0 in any sampler
    (the draws of the coefficients interpolate y). Priors that scale with sigma (the shrinkage priors) keep the
    posterior proper (their marginal likelihood vanishes at ``sigma = 0`` unless ``y`` is 0). Warned rather than
    refused: the MAP at a fixed sigma is still exact, and scikit-learn's estimator checks fit such data."""
    if likelihood.fixed_sigma or not likelihood.location_scale or not isinstance(prior, Prior):
        return
    rows = slice(None) if sample_weight is None else sample_weight > 0
    A = X[rows]  # a view without weights
    target = y[rows] if offset is None else (y - offset)[rows]
    n_e = (len(y) if sample_weight is None else float(np.sum(sample_weight))) - float(fit_intercept)
    if A.shape[0] > A.shape[1]:  # the p x p normal equations, O(n p^2), rank from their eigenvalues
        XtX, Xty, norm2 = SufficientStats.from_arrays(A, target).about(fit_intercept)
        values, vectors = np.linalg.eigh(XtX)
        keep = values > values.max(initial=0.0) * A.shape[1] * np.finfo(float).eps
        rank = int(np.count_nonzero(keep))
        projected = vectors[:, keep].T @ Xty
        residual2 = norm2 - float(projected @ (projected / values[keep]))
    else:
        if fit_intercept:
            A, target = A - A.mean(axis=0), target - target.mean()
        norm2 = float(target @ target)
        coef, _, rank, _ = np.linalg.lstsq(A, target, rcond=None)
        residual = target - A @ coef
        residual2 = float(residual @ residual)
    jeffreys = getattr(likelihood, "sigma_prior", "halfnormal") == "jeffreys"
    improper = n_e - rank >= (0.0 if jeffreys else 1.0)
    if improper and residual2 <= EXACT_FIT**2 * norm2:
        warn(
            f"sigma: the coefficients fit y exactly (rank {rank} of the{' centred' if fit_intercept else ''} rows"
            f"{' of positive weight' if sample_weight is not None else ''}) while the data count {n_e:g} "
            f"observations: under its {'Jeffreys' if jeffreys else 'HalfNormal'} prior the posterior of a learned "
            "sigma is improper at 0 (its density grows without bound there), so the draws of sigma collapse "
            "towards 0. Give a fixed sigma, remove repeated rows (or weights above 1), or use fewer columns",
            UserWarning,
        )


def default_sigma_prior_scale(y: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
    """Scale of the default ``HalfNormal`` prior on sigma: the (population, weighted) sd of ``y``, or 1 for a constant
    ``y``."""
    return robust_std(y, sample_weight=sample_weight) or 1.0


def build_model(
    X: np.ndarray,
    y: np.ndarray,
    prior: BasePrior,
    *,
    likelihood: Likelihood,
    fit_intercept: bool = True,
    feature_names=None,
    sample_weight: np.ndarray | None = None,
    offset: np.ndarray | None = None,
    statistics: SufficientStats | None = None,
) -> RegressionModel:
    """Build the PyMC model for already validated float arrays ``X`` (n, p) and ``y`` (n,).

    ``sample_weight`` (n,), checked by :func:`~bayesreg._validation.check_sample_weight`, multiplies each
    observation's log density; ``offset`` (n,), finite, is added to the linear predictor
    (:mod:`bayesreg.likelihoods.base`).

    ``statistics``: ``X``, ``y`` and ``sample_weight`` are the summary rows of these statistics
    (:meth:`~bayesreg.data.statistics.SufficientStats.summary_rows`), not observations: a Gaussian likelihood on them
    is the likelihood of the data they summarize. Their dimension is ``"summary_row"`` (not ``"obs_id"``), and the
    prior is told the number of observations, ``statistics.n_rows``.
    """
    if statistics is not None and not isinstance(likelihood, Gaussian):
        raise ValueError(
            f"a {type(likelihood).__name__} likelihood is not a function of the sufficient statistics of a linear "
            "model: only the Gaussian one can be written on summary rows"
        )
    y = likelihood.check_y(y, fit_intercept=fit_intercept, sample_weight=sample_weight)
    n, p = X.shape
    names = [f"x{j}" for j in range(p)] if feature_names is None else [str(f) for f in feature_names]
    check_mode_exists(X, y, prior, likelihood, fit_intercept=fit_intercept, sample_weight=sample_weight, names=names)
    # (the MAP's working model has no penalty prior: the check runs once, on the user's model)
    warn_if_sigma_improper(
        X, y, prior, likelihood, fit_intercept=fit_intercept, sample_weight=sample_weight, offset=offset
    )
    rows = OBS_DIM if statistics is None else SUMMARY_DIM
    coords = {"feature": names, rows: np.arange(n)}
    with pm.Model(coords=coords) as model:
        # PyMC's conversion already copies X: borrowing that copy saves a second one (40 MB at n = 100,000, p = 50),
        # and the model never shares memory with the caller's X (tests/test_model.py checks both)
        X_data = pm.Data("X", X, dims=(rows, "feature"), borrow=True)
        y_data = pm.Data("y", y, dims=rows)
        weights = None if sample_weight is None else pm.Data("sample_weight", sample_weight, dims=rows)
        residual = y if offset is None else y - offset  # what sigma is the scale of, before the coefficients
        sigma = likelihood.build_scale(y_scale=default_sigma_prior_scale(residual, sample_weight))
        beta = prior.build(COEF, dims="feature", sigma=sigma, n_obs=n if statistics is None else statistics.n_rows)
        eta = X_data @ beta
        intercept = None
        if fit_intercept:
            intercept = pm.Flat(INTERCEPT)
            eta = intercept + eta
        if offset is not None:
            eta = pm.Data("offset", offset, dims=rows) + eta
        observed = likelihood.build_observed(eta, y_data, sigma, weights=weights, dims=rows)
    return RegressionModel(
        model=model,
        prior=prior,
        likelihood=likelihood,
        beta=beta,
        intercept=intercept,
        sigma=sigma,
        eta=eta,
        observed=observed,
        feature_names=names,
        statistics=statistics,
    )
