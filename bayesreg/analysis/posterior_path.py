"""The Bayesian regularization path: the posterior of each coefficient along a grid of prior scales.

scikit-learn's ``lasso_path`` gives one point estimate per penalty strength; the Bayesian twin
gives a whole posterior. For a Laplace prior ``beta_j ~ Laplace(0, b)`` (the lasso) or a Gaussian
prior ``beta_j ~ N(0, tau^2)`` (ridge), a Gaussian likelihood with fixed noise scale ``sigma`` and a
flat intercept, this module computes, for each prior scale of a grid, the posterior median and
central credible intervals of every coefficient, the exact MAP (which is the penalized fit) and the
penalized fit itself as scikit-learn computes it. Every scale is matched to scikit-learn's alpha
by the rules of :mod:`bayesreg.conversions` (through :func:`~bayesreg.priors.from_sklearn` and
``Prior.to_sklearn``):

* Laplace: ``Lasso(alpha)`` with ``alpha = sigma^2 / (n b)``;
* Normal: ``Ridge(alpha)`` with ``alpha = sigma^2 / tau^2``.

**Gaussian prior: exact, no sampling.** With ``sigma`` fixed the Gaussian prior is conjugate.
Integrating the flat intercept out leaves the likelihood of the centred data ``X_c``, ``y_c``, and

.. math::

    \\beta \\mid y \\sim \\mathcal N(m, S), \\qquad
    S = \\Big(\\frac{X_c^\\top X_c}{\\sigma^2} + \\frac{I}{\\tau^2}\\Big)^{-1}
      = \\sigma^2 (X_c^\\top X_c + \\alpha I)^{-1}, \\qquad
    m = \\frac{S X_c^\\top y_c}{\\sigma^2} = (X_c^\\top X_c + \\alpha I)^{-1} X_c^\\top y_c,

with ``alpha`` Ridge's alpha (so the posterior mean, median and mode are all the ridge fit). The
marginal of ``beta_j`` is ``N(m_j, S_jj)``: its median is ``m_j`` and its central ``q`` interval
``m_j -/+ z sqrt(S_jj)`` with ``z = Phi^{-1}((1 + q) / 2)``. One eigendecomposition
``X_c^T X_c = V diag(lambda) V^T`` serves every scale:
``m = V diag(1 / (lambda + alpha)) V^T X_c^T y_c`` and
``S_jj = sigma^2 sum_k V_jk^2 / (lambda_k + alpha)``. Without an intercept nothing is centred.

**Laplace prior: NUTS.** The posterior has no closed form. The PyMC model is built once; between
scales only the ``pm.Data`` container holding the prior's scale changes
(:meth:`~bayesreg.model.RegressionModel.set_prior`), so the compiled graph is reused and nothing is
rebuilt per penalty value. Each scale is sampled by :func:`~bayesreg.inference.sampling.sample_posterior`
and diagnosed; problems are raised as :class:`~bayesreg.inference.sampling.SamplingWarning` naming the scale.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.linear_model import Lasso, Ridge, lasso_path

from bayesreg._validation import check_bool, check_count, check_positive, check_prob, check_regression_data
from bayesreg._warnings import warn
from bayesreg.analysis.reference import closed_form_ridge
from bayesreg.data.design import Standardization, center, gram
from bayesreg.inference.sampling import (
    CHAINS,
    DRAWS,
    TUNE,
    Diagnostics,
    SamplingWarning,
    check_run_length,
    check_sampler,
    diagnose,
    sample_posterior,
)
from bayesreg.inference.summaries import interval_bounds
from bayesreg.likelihoods import Gaussian
from bayesreg.model import build_model
from bayesreg.optimize.paths import alpha_grid, map_path
from bayesreg.priors import Laplace, Normal, from_sklearn

__all__ = ["BayesianPath", "bayesian_path", "penalized_path", "conjugate_normal_marginals"]

#: prior name -> (prior class, penalty name of :func:`bayesreg.map_path`, scikit-learn class)
_PRIORS = {"laplace": (Laplace, "lasso", Lasso), "normal": (Normal, "ridge", Ridge)}


@dataclass(frozen=True, eq=False)  # arrays: no element-wise __eq__
class BayesianPath:
    """Posterior summaries of every coefficient along a grid of prior scales.

    All coefficient arrays are on the original scale of ``X`` (with ``standardize=True`` the prior
    acts on ``sd_j beta_j`` and the summaries are divided by ``sd_j``, as in
    :class:`~bayesreg.BayesianRegression`); rows follow ``scales`` (increasing: strong prior first).

    Attributes
    ----------
    prior : {"laplace", "normal"}
    scales : ndarray (n_points,)
        Prior scales ``b`` (Laplace) or ``tau`` (Normal), increasing.
    alphas : ndarray (n_points,)
        The matching scikit-learn alphas (``Lasso`` / ``Ridge``), decreasing.
    sigma : float
        The fixed noise scale.
    n_samples : int
    feature_names : list of str
    prob : tuple of float
        Masses of the central credible intervals, increasing.
    median, mean : ndarray (n_points, n_features)
        Posterior median and mean.
    lower, upper : ndarray (len(prob), n_points, n_features)
        Bounds of the central intervals; see :meth:`interval`.
    map_coef : ndarray (n_points, n_features)
        Exact MAP (:func:`bayesreg.map_path`): exact zeros for the Laplace prior.
    penalized : ndarray (n_points, n_features)
        scikit-learn's fit at ``alphas`` (:func:`penalized_path`).
    method : {"exact", "nuts"}
        Closed-form conjugate posterior (Normal) or NUTS draws (Laplace).
    fit_intercept, standardize : bool
    seeds : tuple of int or None
        NUTS seed of each scale: ``BayesianRegression(Laplace(scales[k]), sigma=sigma,
        method="nuts", random_seed=seeds[k], ...)`` reproduces row ``k``.
    diagnostics : tuple of Diagnostics or None
        NUTS diagnostics per scale.
    """

    prior: str
    scales: np.ndarray
    alphas: np.ndarray
    sigma: float
    n_samples: int
    feature_names: list[str]
    prob: tuple[float, ...]
    median: np.ndarray
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    map_coef: np.ndarray
    penalized: np.ndarray
    method: str
    fit_intercept: bool
    standardize: bool
    seeds: tuple[int, ...] | None = None
    diagnostics: tuple[Diagnostics, ...] | None = None

    @property
    def penalty(self) -> str:
        """``"lasso"`` or ``"ridge"``: the penalty twin of the prior."""
        return _PRIORS[self.prior][1]

    @property
    def estimator_name(self) -> str:
        """``"Lasso"`` or ``"Ridge"``: the scikit-learn estimator whose alpha ``alphas`` are."""
        return _PRIORS[self.prior][2].__name__

    @property
    def n_points(self) -> int:
        return int(self.scales.size)

    def interval(self, prob: float) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds (each ``(n_points, n_features)``) of the central ``prob`` interval."""
        for k, q in enumerate(self.prob):
            if np.isclose(q, prob, rtol=0.0, atol=1e-12):
                return self.lower[k], self.upper[k]
        raise ValueError(f"prob must be one of the computed interval masses {self.prob}, got {prob!r}")

    def alpha_of_scale(self, scales) -> np.ndarray:
        """scikit-learn alpha of each prior scale (``prior.to_sklearn``); NaN where the scale is not > 0.

        Vectorized, for axis transforms: ``Lasso`` alpha ``sigma^2 / (n b)``, ``Ridge`` alpha
        ``sigma^2 / tau^2``.
        """
        return _elementwise(lambda s: _alpha_of_scale(self.prior, s, self.sigma, self.n_samples), scales)

    def scale_of_alpha(self, alphas) -> np.ndarray:
        """Prior scale of each scikit-learn alpha (:func:`~bayesreg.from_sklearn`); NaN where alpha is not > 0."""
        return _elementwise(lambda a: _scale_of_alpha(self.prior, a, self.sigma, self.n_samples), alphas)

    def to_frame(self) -> pd.DataFrame:
        """Long format: one row per (scale, feature).

        Columns ``scale``, ``alpha``, ``feature``, ``median``, ``mean``, ``map``, ``penalized`` and,
        per interval mass ``q`` (in percent), ``lower_q`` and ``upper_q``.
        """
        n_points, p = self.median.shape
        columns = {
            "scale": np.repeat(self.scales, p),
            "alpha": np.repeat(self.alphas, p),
            "feature": np.tile(np.asarray(self.feature_names, dtype=object), n_points),
            "median": self.median.reshape(-1),
            "mean": self.mean.reshape(-1),
            "map": self.map_coef.reshape(-1),
            "penalized": self.penalized.reshape(-1),
        }
        for k, q in enumerate(self.prob):
            label = _percent(q)
            columns[f"lower_{label}"] = self.lower[k].reshape(-1)
            columns[f"upper_{label}"] = self.upper[k].reshape(-1)
        return pd.DataFrame(columns)


def _percent(q: float) -> str:
    return f"{100.0 * q:g}"


def _elementwise(func, values) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    out = np.full(values.shape, np.nan)
    flat_in, flat_out = values.reshape(-1), out.reshape(-1)
    for k, v in enumerate(flat_in):
        if np.isfinite(v) and v > 0:
            flat_out[k] = func(float(v))
    return out


def _alpha_of_scale(prior: str, scale: float, sigma: float, n_samples: int) -> float:
    """scikit-learn alpha of one prior scale, by the prior's own conversion."""
    return float(_PRIORS[prior][0](scale).to_sklearn(sigma=sigma, n_samples=n_samples).alpha)


def _scale_of_alpha(prior: str, alpha: float, sigma: float, n_samples: int) -> float:
    """Prior scale of one scikit-learn alpha, by :func:`~bayesreg.from_sklearn`."""
    estimator = _PRIORS[prior][2](alpha=alpha)
    return float(from_sklearn(estimator, sigma=sigma, n_samples=n_samples).scale)


# --------------------------------------------------------------------------- validation


def _check_prior_name(prior) -> str:
    if not isinstance(prior, str) or prior.lower() not in _PRIORS:
        raise ValueError(f"prior must be one of {tuple(_PRIORS)}, got {prior!r}")
    return prior.lower()


def _check_probs(prob) -> tuple[float, ...]:
    values = (prob,) if isinstance(prob, numbers.Real) else prob
    try:
        values = tuple(values)
    except TypeError:
        raise TypeError(f"prob must be a number or a sequence of numbers in (0, 1), got {prob!r}") from None
    if not values:
        raise ValueError("prob must not be empty")
    out = tuple(sorted({check_prob(q) for q in values}))
    return out


def _check_grid(values, name: str) -> np.ndarray:
    if isinstance(values, str | bytes):
        raise TypeError(f"{name} must be an array of positive numbers, got {values!r}")
    try:
        arr = np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of positive numbers, got {values!r}") from None
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"{name} must hold finite numbers > 0, got {values!r}")
    return arr


def _design(X: np.ndarray, fit_intercept: bool, standardize: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``Z = (X - center) / scale`` as :class:`~bayesreg.BayesianRegression` builds it
    (:class:`~bayesreg.data.design.Standardization`)."""
    design = Standardization.from_data(X, standardize=standardize, fit_intercept=fit_intercept)
    return design.apply(X), design.center, design.scale


# --------------------------------------------------------------------------- computations


def conjugate_normal_marginals(X, y, alphas, *, sigma: float, fit_intercept: bool = True):
    """Exact posterior means and marginal sds of ``beta`` under ``N(0, tau^2)`` priors, fixed ``sigma``.

    For each Ridge ``alpha = sigma^2 / tau^2`` (flat intercept integrated out by centring):
    ``m = (X_c^T X_c + alpha I)^{-1} X_c^T y_c`` and
    ``S_jj = sigma^2 [(X_c^T X_c + alpha I)^{-1}]_jj``, from one eigendecomposition of
    ``X_c^T X_c``.

    Parameters
    ----------
    X : array-like (n, p)
    y : array-like (n,)
    alphas : array-like (k,)
        Ridge alphas (finite, > 0); convert prior scales with ``Normal(tau).to_sklearn(sigma=sigma).alpha``.
    sigma : float
        Noise standard deviation, > 0.
    fit_intercept : bool

    Returns
    -------
    mean, sd : ndarray (k, p)

    Raises
    ------
    ValueError, TypeError
        On invalid input, naming the argument.
    """
    sigma = check_positive(sigma, "sigma")
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    alphas = _check_grid(alphas, "alphas")
    X, y, _ = check_regression_data(X, y)
    Xc, yc, _, _ = center(X, y, fit_intercept=fit_intercept)
    eigval, eigvec = np.linalg.eigh(gram(Xc))
    eigval = np.clip(eigval, 0.0, None)  # round-off below zero on rank-deficient designs
    projected = eigvec.T @ (Xc.T @ yc)
    inv = 1.0 / (eigval[None, :] + alphas[:, None])  # (k, p)
    mean = (inv * projected[None, :]) @ eigvec.T
    sd = sigma * np.sqrt(inv @ (eigvec.T**2))
    return mean, sd


def penalized_path(X, y, alphas, *, prior: str = "laplace", fit_intercept: bool = True) -> np.ndarray:
    """scikit-learn's fit at each alpha: ``lasso_path`` (tol 1e-12) or closed-form ridge.

    ``Lasso``: ``1/(2n) ||y - b0 - Xw||^2 + alpha ||w||_1`` (``lasso_path`` on centred data when
    ``fit_intercept``); ``Ridge``: ``||y - b0 - Xw||^2 + alpha ||w||^2`` by its normal equations
    (:func:`bayesreg.analysis.reference.closed_form_ridge`).

    Parameters
    ----------
    X : array-like (n, p)
    y : array-like (n,)
    alphas : array-like (k,)
        ``Lasso`` or ``Ridge`` alphas (finite, > 0).
    prior : {"laplace", "normal"}
        The Bayesian twin: Laplace -> Lasso, Normal -> Ridge.
    fit_intercept : bool

    Returns
    -------
    coefs : ndarray (len(alphas), n_features), rows in the order of ``alphas``.

    Raises
    ------
    ValueError, TypeError
        On invalid input, naming the argument.
    """
    prior = _check_prior_name(prior)
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    alphas = _check_grid(alphas, "alphas")
    X, y, _ = check_regression_data(X, y)
    if prior == "normal":
        return np.array([closed_form_ridge(X, y, a, fit_intercept=fit_intercept)[0] for a in alphas])
    Xc, yc, _, _ = center(X, y, fit_intercept=fit_intercept)
    order = np.argsort(-alphas, kind="stable")  # lasso_path sorts decreasing
    _, coefs, _ = lasso_path(Xc, yc, alphas=alphas[order], tol=1e-12, max_iter=1_000_000)
    out = np.empty((alphas.size, X.shape[1]))
    out[order] = coefs.T
    return out


def _quantile_bounds(probs: tuple[float, ...]) -> np.ndarray:
    return np.array([interval_bounds(q) for q in probs])


def _exact_normal(Z, y, alphas, sigma, fit_intercept, probs):
    mean, sd = conjugate_normal_marginals(Z, y, alphas, sigma=sigma, fit_intercept=fit_intercept)
    z = stats.norm.ppf(_quantile_bounds(probs))  # (n_prob, 2)
    lower = mean[None] + z[:, 0, None, None] * sd[None]
    upper = mean[None] + z[:, 1, None, None] * sd[None]
    return mean, mean, lower, upper


def _nuts_laplace(Z, y, scales, sigma, names, fit_intercept, probs, seeds, sampler_kwargs):
    """Sample each scale of the grid from one model; only the prior's pm.Data scale changes."""
    rm = build_model(
        Z,
        y,
        Laplace(float(scales[0])),
        likelihood=Gaussian(sigma=sigma),
        fit_intercept=fit_intercept,
        feature_names=names,
    )
    bounds = _quantile_bounds(probs).reshape(-1)
    n_points, p, n_prob = scales.size, Z.shape[1], len(probs)
    median, mean = np.empty((n_points, p)), np.empty((n_points, p))
    lower, upper = np.empty((n_prob, n_points, p)), np.empty((n_prob, n_points, p))
    diagnostics = []
    var_names = ["beta", "intercept"] if fit_intercept else ["beta"]
    for k, scale in enumerate(scales):
        rm.set_prior(Laplace(float(scale)))
        seed = None if seeds is None else seeds[k]
        idata = sample_posterior(
            rm, method="nuts", random_seed=seed, store_log_likelihood=False, store_predictive=False, **sampler_kwargs
        )
        beta = idata["posterior"]["beta"].values.reshape(-1, p)
        median[k], mean[k] = np.median(beta, axis=0), beta.mean(axis=0)
        quantiles = np.quantile(beta, bounds, axis=0).reshape(n_prob, 2, p)
        lower[:, k], upper[:, k] = quantiles[:, 0], quantiles[:, 1]
        diag = diagnose(idata, var_names=var_names)
        for problem in diag.problems:
            warn(f"Laplace scale {scale:.4g}: {problem}", SamplingWarning)
        diagnostics.append(diag)
    return median, mean, lower, upper, tuple(diagnostics)


def bayesian_path(
    X,
    y,
    *,
    prior: str = "laplace",
    scales=None,
    alphas=None,
    sigma: float,
    n_points: int = 10,
    prob=(0.5, 0.9),
    draws: int = DRAWS,
    tune: int = TUNE,
    chains: int = CHAINS,
    random_seed: int | None = None,
    nuts_sampler: str | None = None,
    progressbar: bool = False,
    fit_intercept: bool = True,
    standardize: bool = False,
) -> BayesianPath:
    """Posterior medians and credible intervals of every coefficient along a grid of prior scales.

    The model is ``y ~ N(b0 + X beta, sigma^2)`` with ``sigma`` fixed, a flat prior on ``b0`` and
    ``beta_j ~ Laplace(0, b)`` (``prior="laplace"``) or ``beta_j ~ N(0, tau^2)`` (``"normal"``).
    The Gaussian case is computed exactly (conjugate posterior, see the module docstring); the
    Laplace case is sampled with NUTS from one PyMC model whose prior scale is swapped between
    grid points (no rebuild, no recompilation of the graph).

    Parameters
    ----------
    X : array-like (n_samples, n_features)
        A DataFrame's column names become ``feature_names``.
    y : array-like (n_samples,)
    prior : {"laplace", "normal"}
    scales : array-like, optional
        Prior scales ``b`` or ``tau``. Give ``scales`` or ``alphas``, not both.
    alphas : array-like, optional
        scikit-learn alphas (``Lasso`` for Laplace, ``Ridge`` for Normal), converted to scales by
        :func:`~bayesreg.from_sklearn`. With neither, :func:`~bayesreg.alpha_grid` with
        ``n_points`` values (from the all-zero Lasso alpha down to 1e-3 of it; ridge:
        1e3 to 1e-3 times the mean eigenvalue of ``X_c^T X_c``).
    sigma : float
        Fixed noise standard deviation (required: it ties each scale to an alpha).
    n_points : int
        Size of the default grid (ignored when ``scales`` or ``alphas`` is given).
    prob : float or sequence of float
        Masses of the central credible intervals.
    draws, tune, chains, random_seed, nuts_sampler, progressbar
        NUTS settings per grid point (Laplace only). Row ``k`` of the result (``path.scales[k]``,
        the grid sorted by increasing scale) uses the seed
        ``SeedSequence(random_seed).generate_state(path.n_points)[k]``, where ``path.n_points`` is
        the size of the grid actually used (``len(scales)`` or ``len(alphas)`` when given, else
        ``n_points``); the seeds are kept in ``path.seeds``.
    fit_intercept : bool
        Flat-prior intercept.
    standardize : bool
        Fit on columns of unit (population) sd: the prior and the alphas then act on
        ``sd_j beta_j``; the summaries are reported on the original scale.

    Returns
    -------
    BayesianPath
        Rows sorted by increasing scale (decreasing alpha).

    Raises
    ------
    ValueError, TypeError
        On invalid input, naming the argument, before anything is compiled or sampled.
    """
    prior = _check_prior_name(prior)
    sigma = check_positive(sigma, "sigma")
    probs = _check_probs(prob)
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    standardize = check_bool(standardize, "standardize")
    if scales is not None and alphas is not None:
        raise ValueError("give scales or alphas, not both")
    scale_grid = None if scales is None else _check_grid(scales, "scales")
    alpha_values = None if alphas is None else _check_grid(alphas, "alphas")
    n_points = check_count(n_points, "n_points")
    if prior == "laplace":
        check_run_length(draws, tune, chains)
        if random_seed is not None:
            check_count(random_seed, "random_seed", minimum=0)
        check_sampler(nuts_sampler)
        check_bool(progressbar, "progressbar")
    X, y, names = check_regression_data(X, y)
    n, p = X.shape
    names = names if names is not None else [f"x{j}" for j in range(p)]
    Z, _, col_scale = _design(X, fit_intercept, standardize)

    if scale_grid is None:
        if alpha_values is None:
            penalty = _PRIORS[prior][1]
            alpha_values = alpha_grid(Z, y, penalty=penalty, n_alphas=n_points, fit_intercept=fit_intercept)
        scale_grid = np.array([_scale_of_alpha(prior, a, sigma, n) for a in alpha_values])
    order = np.argsort(scale_grid, kind="stable")
    scale_grid = scale_grid[order]
    alpha_values = np.array([_alpha_of_scale(prior, s, sigma, n) for s in scale_grid])

    _, map_coefs = map_path(
        Z, y, penalty=_PRIORS[prior][1], alphas=alpha_values, sigma=sigma, fit_intercept=fit_intercept
    )
    penalized = penalized_path(Z, y, alpha_values, prior=prior, fit_intercept=fit_intercept)
    seeds, diagnostics = None, None
    if prior == "normal":
        median, mean, lower, upper = _exact_normal(Z, y, alpha_values, sigma, fit_intercept, probs)
        method = "exact"
    else:
        if random_seed is not None:
            seeds = tuple(int(s) for s in np.random.SeedSequence(random_seed).generate_state(scale_grid.size))
        sampler_kwargs = {
            "draws": draws,
            "tune": tune,
            "chains": chains,
            "nuts_sampler": nuts_sampler,
            "progressbar": progressbar,
        }
        median, mean, lower, upper, diagnostics = _nuts_laplace(
            Z, y, scale_grid, sigma, names, fit_intercept, probs, seeds, sampler_kwargs
        )
        method = "nuts"
    return BayesianPath(
        prior=prior,
        scales=scale_grid,
        alphas=alpha_values,
        sigma=sigma,
        n_samples=n,
        feature_names=list(names),
        prob=probs,
        median=median / col_scale,
        mean=mean / col_scale,
        lower=lower / col_scale,
        upper=upper / col_scale,
        map_coef=map_coefs.T / col_scale,
        penalized=penalized / col_scale,
        method=method,
        fit_intercept=fit_intercept,
        standardize=standardize,
        seeds=seeds,
        diagnostics=diagnostics,
    )
