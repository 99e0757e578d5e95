"""Regularization paths of the MAP estimate, in scikit-learn's alpha units."""

from __future__ import annotations

import numpy as np

from bayesreg._validation import (
    check_bool,
    check_l1_ratio,
    check_positive,
    check_regression_data,
    check_sample_weight,
)
from bayesreg.conversions import GLMNET_FAMILIES, weights_from_enet_path, weights_from_ridge_path
from bayesreg.data._dask import is_dask
from bayesreg.data.design import Scaling, _safe_mean, column_scales, robust_std
from bayesreg.data.statistics import SufficientStats, SummaryRows, summarize
from bayesreg.likelihoods import Bernoulli, Gaussian, Poisson
from bayesreg.optimize.chunked import ChunkedProblem, ChunkedSolver, check_y_on_chunks
from bayesreg.optimize.map import MapSolver, glm_map_path, quadratic_map_path
from bayesreg.priors import prior_from_weights

__all__ = ["map_path", "alpha_grid"]

_PENALTIES = ("lasso", "ridge", "elasticnet")
#: on data of at least this many times p + 2 rows a Gaussian path, and any family's alpha grid, run on the summary rows
#: of their statistics (:func:`_summary_rows`). Measured (2 cores, quiet): n = 10^6, p = 100, a 100-alpha lasso
#: path took 10.8 s on the rows themselves, most of it in the grid's and the scaling's robust passes and copies
SUMMARY_ROWS_FROM = 4
#: ... and of at least this many values (n p): below, the pass and the summary rows cost more than they save (on
#: diabetes, 442 x 10, a ridge path end to end took 1.6 ms with them, 0.9 ms without)
SUMMARY_MIN_VALUES = 1_000_000


def _check_family(family) -> str:
    if family not in GLMNET_FAMILIES:
        raise ValueError(f"family must be one of {GLMNET_FAMILIES}, got {family!r}")
    return family


def alpha_grid(
    X,
    y,
    *,
    penalty: str = "lasso",
    l1_ratio: float = 0.5,
    n_alphas: int = 100,
    eps: float = 1e-3,
    fit_intercept: bool = True,
    family: str = "gaussian",
    sample_weight=None,
) -> np.ndarray:
    """Decreasing, log-spaced alphas as scikit-learn's ``lasso_path`` / ``enet_path`` choose them.

    Lasso / elastic net: from ``alpha_max = max_j |x_j' y| / (n l1_ratio)`` (centred data when
    ``fit_intercept``; all coefficients are zero there) down to ``eps * alpha_max``. Ridge has no
    all-zero alpha: its grid runs from ``1e3`` to ``1e-3`` times the mean eigenvalue of ``X_c'X_c``
    (``sum_j ||x_j - mean_j||^2 / p``). Both are computed on scaled columns, so that no scale of
    ``X`` or ``y`` float64 can hold over- or underflows on the way; an ``alpha`` that is itself
    not representable is refused.

    ``family="binomial"`` or ``"poisson"`` (alphas on the mean negative log-likelihood, see :func:`map_path`):
    the same ``alpha_max`` (the gradient at the intercept-only fit is ``X_c' (y - mean(y))``, glmnet's
    ``lambda_max``); the ridge grid is divided by ``n`` and multiplied by the variance ``V(mean(y))`` of that fit
    (``m (1 - m)``, ``m``), the mean curvature of the log-likelihood per observation.

    ``sample_weight`` (frequency weights, as in :func:`map_path`): weighted means and products, ``n`` their sum
    (glmnet's ``weights``). ``X`` and ``y`` may be Dask collections (any family: the grid depends on the data only
    through their statistics): one pass over their chunks (:func:`~bayesreg.data.statistics.summarize`).
    """
    family = _check_family(family)
    if penalty not in _PENALTIES:
        raise ValueError(f"penalty must be one of {_PENALTIES}, got {penalty!r}")
    n_alphas = _check_n_alphas(n_alphas)
    eps = check_positive(eps, "eps")
    if not eps < 1:
        raise ValueError(f"eps must be in (0, 1): the grid runs from alpha_max down to eps * alpha_max, got {eps!r}")
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    rho = check_l1_ratio(l1_ratio) if penalty == "elasticnet" else 1.0
    if penalty == "elasticnet" and rho == 0:
        raise ValueError("l1_ratio must be > 0 for penalty='elasticnet' (use penalty='ridge' for 0)")
    X, y, sample_weight = _in_memory(X, y, sample_weight)
    return _grid(
        X,
        y,
        sample_weight,
        penalty=penalty,
        rho=rho,
        n_alphas=n_alphas,
        eps=eps,
        fit_intercept=fit_intercept,
        family=family,
    )


def _grid(X, y, sample_weight, *, penalty, rho, n_alphas, eps, fit_intercept, family) -> np.ndarray:
    """:func:`alpha_grid` of checked arrays and weights (the data, or the summary rows of data larger than memory)."""
    p = X.shape[1]
    weight = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    n_samples = float(np.sum(weight))
    x_sd = column_scales(X, center=fit_intercept, sample_weight=sample_weight)
    with np.errstate(over="ignore", under="ignore"):
        if penalty == "ridge":
            # sum_j n sd_j^2 / p, as (n / p) * big^2 * sum_j (sd_j / big)^2
            big = float(x_sd.max(initial=0.0))
            if big == 0:
                raise ValueError("X: every column is constant (after centring): no ridge grid")
            mean_eig = (n_samples / p) * big * big * float(np.sum((x_sd / big) ** 2))
            if family != "gaussian":
                m = float(np.average(y, weights=weight))
                mean_eig *= (m * (1.0 - m) if family == "binomial" else m) / n_samples
            top, bottom = 1e3 * mean_eig, 1e-3 * mean_eig
        else:
            y_sd = robust_std(y, center=fit_intercept, sample_weight=sample_weight)
            if y_sd == 0:
                raise ValueError("y is constant (after centring): every alpha gives all-zero coefficients")
            # working coordinates (powers of two for the scales) centred on the weighted means: x~_j' W y~ / n,
            # with x_j = s_j x~_j + m_j and y = t y~ + a
            scales = Scaling.from_data(X, y, fit_intercept=fit_intercept, sigma=None)
            scaling = Scaling(
                _safe_mean(X, sample_weight) if fit_intercept else np.zeros(p),
                scales.x_scale,
                float(_safe_mean(y.reshape(-1, 1), sample_weight)[0]) if fit_intercept else 0.0,
                scales.y_scale,
            )
            corr = (weight * scaling.y(y)) @ scaling.x(X) / n_samples
            alpha_max = float(np.max(np.abs(corr) * scaling.x_scale) * scaling.y_scale / rho)
            if alpha_max == 0:
                raise ValueError(
                    "y is orthogonal to every (centred) column of X: every alpha gives all-zero coefficients"
                )
            top, bottom = alpha_max, alpha_max * eps
    if not (np.isfinite(top) and bottom >= np.finfo(float).tiny):
        raise ValueError(
            f"X, y: the {penalty} alphas for this data ({bottom:g} to {top:g}) are not representable in float64; "
            "rescale X or y"
        )
    return np.geomspace(top, bottom, n_alphas)


def _in_memory(X, y, sample_weight):
    """Checked float arrays ``(X, y, sample_weight)`` (the weights None when not given): the data themselves, or, for
    Dask input, the summary rows of their statistics and their weights (:func:`~bayesreg.data.statistics.summarize`:
    rows of equal weight with the data's weighted means and centred products, weights summing to the data's): the
    data of a Gaussian likelihood, and all the alpha grid needs of any family."""
    if any(is_dask(value) for value in (X, y, sample_weight)):
        rows = summarize(X, y, sample_weight)
        X, y, sample_weight = rows.X, rows.y, rows.sample_weight
    X, y, _ = check_regression_data(X, y)
    return X, y, check_sample_weight(sample_weight, X.shape[0])


def _summary_rows(X: np.ndarray, y: np.ndarray, sample_weight) -> SummaryRows | None:
    """The summary rows of the statistics of in-memory data of at least :data:`SUMMARY_ROWS_FROM` ``(p + 2)`` rows
    and :data:`SUMMARY_MIN_VALUES` values, which give a Gaussian path and any family's alpha grid in ``O(p^2)`` after
    one cache-blocked pass; None for smaller data, or where the products would leave float64's comfortable range (a
    column's or ``y``'s mean square beyond 1e+-200, or a spread that rounds to nothing beside its values: the rows
    themselves, in working coordinates, keep every digit there)."""
    n, p = X.shape
    if n < SUMMARY_ROWS_FROM * (p + 2) or n * p < SUMMARY_MIN_VALUES:
        return None
    with np.errstate(all="ignore"):
        stats = SufficientStats.from_arrays(X, y, sample_weight)
        spreads = np.append(np.diag(stats.XtX), stats.yty) / stats.sum_w
        means = np.append(stats.x_mean, stats.y_mean)
        varying = np.append(np.ptp(X, axis=0), np.ptp(y)) > 0
    ok = (
        np.all(np.isfinite(spreads))
        and np.all(np.abs(means) < 1e100)
        and np.all(np.where(varying, (spreads > 1e-200) & (spreads < 1e200), spreads == 0.0))
    )
    return stats.summary_rows() if ok else None


def _check_n_alphas(n_alphas) -> int:
    if isinstance(n_alphas, bool) or not isinstance(n_alphas, int | np.integer):
        raise TypeError(f"n_alphas must be a positive integer, got {n_alphas!r}")
    if n_alphas < 1:
        raise ValueError(f"n_alphas must be a positive integer, got {n_alphas!r}")
    return int(n_alphas)


def map_path(
    X,
    y,
    *,
    penalty: str = "lasso",
    alphas=None,
    l1_ratio: float = 0.5,
    sigma: float | None = None,
    n_alphas: int = 100,
    fit_intercept: bool = True,
    return_path: bool = False,
    family: str = "gaussian",
    sample_weight=None,
):
    """MAP estimates of the prior twin of a penalty along a path of strengths.

    For each ``alpha`` (scikit-learn units) the prior matching the penalty at noise scale
    ``sigma`` is built (:mod:`bayesreg.conversions`) and the exact MAP of the PyMC model is
    computed, warm-started from the previous alpha. The model is built and compiled once: only
    the penalty weights change. The MAP does not depend on ``sigma`` once alpha is fixed; sigma
    only sets the prior scale each alpha corresponds to.

    * ``"lasso"``: ``1/(2n) ||y - b0 - Xw||^2 + alpha ||w||_1`` (Laplace prior);
    * ``"elasticnet"``: ``1/(2n) ||y - b0 - Xw||^2 + alpha rho ||w||_1 + alpha (1 - rho)/2 ||w||^2``;
    * ``"ridge"``: ``||y - b0 - Xw||^2 + alpha ||w||^2`` (Gaussian prior; Ridge's alpha).

    Parameters
    ----------
    X : array-like (n_samples, n_features), or a Dask array or DataFrame
    y : array-like (n_samples,), or a Dask array or Series
    penalty : {"lasso", "ridge", "elasticnet"}
    alphas : array-like, optional
        Penalty strengths; default :func:`alpha_grid` with ``n_alphas`` values. They are used
        in the order given (decreasing is fastest: warm starts from sparse solutions).
    l1_ratio : float in (0, 1]
        For ``"elasticnet"``.
    sigma : float, default 1.0
        Fixed noise scale of the Gaussian likelihood (not for the other families).
    n_alphas : int
    fit_intercept : bool
        Unpenalized intercept (flat prior). ``lasso_path`` itself fits none: compare with its
        output on centred data.
    return_path : bool
        Also return the :class:`~bayesreg.optimize.map.MapPath` (intercepts and certificates).
    family : {"gaussian", "binomial", "poisson"}
        The likelihood (glmnet's names). For ``"binomial"`` (``y`` in {0, 1}) and ``"poisson"`` every penalty's
        ``alpha`` is on the *mean* negative log-likelihood, ``-(1/n) log p(y | b0 + Xw) + alpha rho ||w||_1 +
        alpha (1 - rho)/2 ||w||^2`` (``rho`` 1 for the lasso, 0 for ridge): glmnet's ``lambda``,
        ``PoissonRegressor``'s ``alpha``, ``LogisticRegression(C = 1 / (n alpha))``. Each strength is solved
        by proximal Newton steps warm-started from the previous one (:func:`~bayesreg.optimize.map.glm_map_path`).
    sample_weight : array-like (n_samples,), optional
        Frequency weights multiplying each observation's log-likelihood (a weight of 2 is the row given twice);
        ``n`` in the penalty's scaling is their sum, as in scikit-learn's ``ElasticNet.fit(..., sample_weight)``
        and glmnet's ``weights``.

    ``X``, ``y`` and ``sample_weight`` may be Dask arrays or DataFrames (data larger than memory): one pass over their
    chunks, where they live, reduces them to their sufficient statistics. For the Gaussian family their summary rows
    (:func:`~bayesreg.data.statistics.summarize`) give the same path with no further pass; for the others each
    proximal Newton evaluation is one more pass, a map-reduce (:class:`~bayesreg.optimize.chunked.ChunkedSolver`),
    with the same steps and certificate as in memory.

    Returns
    -------
    alphas : ndarray (n_alphas,)
    coefs : ndarray (n_features, n_alphas)
    path : MapPath, only if ``return_path``
    """
    if penalty not in _PENALTIES:
        raise ValueError(f"penalty must be one of {_PENALTIES}, got {penalty!r}")
    family = _check_family(family)
    if family == "gaussian":
        sigma = 1.0 if sigma is None else check_positive(sigma, "sigma")
    elif sigma is not None:
        raise TypeError(f"sigma: the {family} family has no noise scale (its dispersion is 1); leave sigma out")
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    n_alphas = _check_n_alphas(n_alphas)
    rho = check_l1_ratio(l1_ratio)
    if penalty == "elasticnet" and rho == 0:
        raise ValueError("l1_ratio must be > 0 for penalty='elasticnet' (use penalty='ridge' for 0)")
    likelihood = {"gaussian": Gaussian(sigma=sigma), "binomial": Bernoulli(), "poisson": Poisson()}[family]
    chunked = None
    if family != "gaussian" and any(is_dask(value) for value in (X, y, sample_weight)):
        # data larger than memory: one pass for the statistics (the grid's, and the working coordinates'), then
        # one pass per proximal Newton evaluation (ChunkedSolver)
        chunked = (X, y, sample_weight)
        rows = summarize(X, y, sample_weight)
        check_y_on_chunks(likelihood, y, rows.statistics, fit_intercept=fit_intercept)
        X, y, sample_weight = rows.X, rows.y, rows.sample_weight
    else:
        X, y, sample_weight = _in_memory(X, y, sample_weight)
        y = likelihood.check_y(y, fit_intercept=fit_intercept, sample_weight=sample_weight)
    n = X.shape[0] if sample_weight is None else float(np.sum(sample_weight))
    # the grid, and a Gaussian path, from the statistics of large data in memory (not wanted: no pass)
    wanted = chunked is None and (alphas is None or likelihood.quadratic)
    summary = _summary_rows(X, y, sample_weight) if wanted else None
    if alphas is None:
        grid_data = (X, y, sample_weight) if summary is None else (summary.X, summary.y, summary.sample_weight)
        alphas = _grid(
            *grid_data,
            penalty=penalty,
            rho=rho if penalty == "elasticnet" else 1.0,
            n_alphas=n_alphas,
            eps=1e-3,
            fit_intercept=fit_intercept,
            family=family,
        )
    else:
        alphas = np.asarray(alphas, dtype=float).reshape(-1)
        if alphas.size == 0:
            raise ValueError("alphas must not be empty")
        for a in alphas:
            check_positive(a, "alphas")
    if penalty == "ridge" and family == "gaussian":
        weights = weights_from_ridge_path(alphas, sigma=sigma)
    else:
        ratio = {"lasso": 1.0, "ridge": 0.0, "elasticnet": rho}[penalty]
        weights = weights_from_enet_path(alphas, ratio, sigma=sigma or 1.0, n_samples=n)
    prior = prior_from_weights(weights[0])
    if chunked is not None:
        problem = ChunkedProblem(*chunked[:2], prior, likelihood, rows.statistics, fit_intercept, chunked[2])
        solver = ChunkedSolver(problem)
    else:
        if likelihood.quadratic and summary is not None:
            # the same quadratic, hence the same path, from p + 2 rows instead of a working copy of n
            X, y, sample_weight = summary.X, summary.y, summary.sample_weight
        # the solver needs no PyMC model of the user's (only its working twin, compiled once per structure)
        solver = MapSolver.from_data(
            X,
            y,
            prior,
            likelihood=likelihood,
            fit_intercept=fit_intercept,
            sample_weight=sample_weight,
            many_evaluations=True,
        )
    path = quadratic_map_path(solver, weights) if likelihood.quadratic else glm_map_path(solver, weights)
    if return_path:
        return alphas, path.coefs, path
    return alphas, path.coefs
