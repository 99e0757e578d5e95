"""Variable selection from a posterior: decoupled shrinkage and selection, and posterior feature ranking.

A shrinkage prior (horseshoe, Bayesian lasso) gives a posterior whose mean is not sparse: every coefficient is
shrunk, none is exactly zero. Two ways of turning such a posterior into a list of variables live here.

**Decoupled shrinkage and selection** (:func:`decoupled_selection`; Hahn & Carvalho 2015, "Decoupling shrinkage
and selection in Bayesian linear models: a posterior summary perspective", JASA 110, 435-448). The posterior is
left as it is (the shrinkage); the selection is a *summary* of it. The posterior mean fit
``f = b0_bar + X beta_bar`` at the design points ``X`` is approximated by sparse linear predictors ``X gamma``:
the adaptive-lasso path

.. math::

    \\gamma_\\alpha = \\arg\\min_{b_0, \\gamma}\\; \\frac{1}{2n}\\|f - b_0 - X\\gamma\\|_2^2
        + \\alpha \\sum_j \\frac{|\\gamma_j|}{|\\bar\\beta_j|},

whose weights ``1 / |beta_bar_j|`` are the ones Hahn & Carvalho recommend. It is solved exactly by bayesreg's own
lasso path (:func:`bayesreg.optimize.paths.map_path`) on the rescaled columns ``x_j |beta_bar_j|``: with
``gamma_j = |beta_bar_j| theta_j`` the problem is the plain lasso in ``theta`` (same ``alpha``), so every zero is
an exact 0.0 and every step carries the solver's optimality certificate. Each summary ``gamma`` is then judged by
the posterior distribution of its predictive loss against the *full model*, the dense summary ``gamma = beta_bar``
(the posterior mean itself, the end of the path when ``n > p``). For a posterior draw ``(beta_s, sigma_s)`` and
``X_c`` the columns centred at their means (not centred without an intercept):

.. math::

    a_s = \\tfrac1n \\|X_c\\beta_s\\|^2, \\qquad d_s(\\gamma) = \\tfrac1n \\|X_c(\\beta_s - \\gamma)\\|^2,

    \\rho^2_s(\\gamma) = \\frac{a_s}{a_s + \\sigma_s^2 + d_s(\\gamma)}, \\qquad
    \\psi_s(\\gamma) = \\sqrt{\\sigma_s^2 + d_s(\\gamma)} - \\sqrt{\\sigma_s^2 + d_s(\\bar\\beta)} .

``rho^2_s(gamma)`` is the *variation explained* by the summary in draw ``s`` (Hahn & Carvalho's sec. 4: the
summary's squared error ``d_s`` against the draw's linear predictor adds to the noise), ``rho^2_s(beta_bar)`` the
full model's; ``psi_s(gamma)`` is the *excess predictive error* over the full model, in the units of ``y`` (0 in
every draw at ``gamma = beta_bar``; other summaries can have ``psi_s < 0`` in single draws). The draw's own fit
would have ``rho^2 = a_s / (a_s + sigma_s^2)``, which no single summary reaches; ``beta_bar`` minimizes the expected
squared error ``E[d_s(gamma)]`` over all summaries, so the full model is the reference of every rule (``rule`` of
:func:`decoupled_selection`). The selected summary is the
sparsest whose loss is within a stated tolerance of the full model's. The paper proposes these summaries and
reading the sparsest acceptable model off their plot; the rules written out here are bayesreg's precise versions
of that reading.

**Posterior feature ranking** (:func:`posterior_ranking`), as R's ``bayesreg`` package (Makalic & Schmidt,
versions 1.0-1.3, ``bayesreg.bfr`` and the ``var.ranks`` of ``bayesreg()``, printed as ``Rank`` by ``summary``)
computes it, read from its source (``R/bayesreg.R``): in every draw the coefficients on standardized columns are
ranked by absolute size, and each variable's rank is the competition rank of the 75th percentile of its per-draw
ranks. R's bayesreg has no per-draw inclusion rule; the inclusion frequency reported beside the rank is bayesreg's
(Python) own, defined in :func:`posterior_ranking`: a two-cluster (2-means) split of each draw's absolute
standardized coefficients, as in the first step of Li & Pati's sequential 2-means (2017).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_array, check_is_fitted

from bayesreg._validation import check_count, check_positive, check_prob
from bayesreg._warnings import warn
from bayesreg.estimators.base import BayesianLinearModel
from bayesreg.estimators.regression import BayesianRegression
from bayesreg.inference.summaries import central_interval
from bayesreg.optimize.paths import alpha_grid, map_path

__all__ = [
    "RULES",
    "PosteriorRanking",
    "SelectionPath",
    "decoupled_selection",
    "posterior_ranking",
    "two_means_inclusion",
]

#: the selection rules of :func:`decoupled_selection` and their default tolerances
RULES = {"interval": 0.9, "sd": 1.0, "excess": 0.05}


# --------------------------------------------------------------------------- input checks


def _check_posterior_estimator(estimator, name: str = "estimator") -> None:
    if not isinstance(estimator, BayesianLinearModel):
        raise TypeError(
            f"{name} must be a fitted bayesreg estimator with a posterior (BayesianRegression(..., "
            f"method='sample')), got {type(estimator).__name__}"
        )
    check_is_fitted(estimator)
    if not hasattr(estimator, "idata_"):
        raise ValueError(
            f"{name} has no posterior: it was fitted with method={estimator.method!r}; selection from the posterior "
            "needs posterior draws: fit with method='sample' (or 'gibbs', 'nuts')"
        )


def _feature_names(estimator, p: int) -> list[str]:
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:
        return [str(n) for n in names]
    beta = estimator.idata_["posterior"]["beta"]
    if "feature" in beta.coords:
        return [str(n) for n in beta.coords["feature"].values]
    return [f"x{j}" for j in range(p)]


def _check_design(X, p: int, names: list[str] | None, *, min_rows: int = 2) -> np.ndarray:
    """``X`` as a finite float array of ``p`` columns (the estimator's columns, in its order when named)."""
    columns = getattr(X, "columns", None)
    if columns is not None and names is not None and [str(c) for c in columns] != names:
        raise ValueError(
            f"X has columns {[str(c) for c in columns][:5]}... but the estimator was fitted on {names[:5]}...: pass "
            "the columns the estimator was fitted on, in the same order"
        )
    try:
        X = check_array(X, dtype=np.float64, ensure_2d=True, ensure_min_samples=1, ensure_all_finite=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"X: {exc}") from None
    if X.shape[1] != p:
        raise ValueError(f"X has {X.shape[1]} columns, the posterior has {p} coefficients: X must have shape (n, {p})")
    if X.shape[0] < min_rows:
        raise ValueError(f"X needs at least {min_rows} rows (the design points the loss is measured at), got {len(X)}")
    return X


def _check_rule(rule, tolerance) -> tuple[str, float]:
    if rule not in RULES:
        raise ValueError(f"rule must be one of {tuple(RULES)}, got {rule!r}")
    if tolerance is None:
        return rule, RULES[rule]
    if rule == "interval":
        return rule, check_prob(tolerance, "tolerance")
    return rule, check_positive(tolerance, "tolerance", allow_zero=True)


# --------------------------------------------------------------------------- decoupled shrinkage and selection


@dataclass(frozen=True)
class SelectionPath:
    """The decoupled shrinkage and selection path of a posterior, and the summary it selects.

    Steps are the distinct supports along the adaptive-lasso path, from the sparsest (largest ``alpha``) to the
    densest; each keeps the solution at the smallest ``alpha`` of the grid that has its support (the least shrunk).

    Attributes
    ----------
    feature_names : list of str
    alphas : ndarray (n_steps,)
        The step's strength ``alpha`` of the adaptive-lasso objective (module docstring).
    coef : ndarray (n_steps, n_features)
        The exact adaptive-lasso solutions ``gamma_alpha`` on the original scale of ``X`` (exact 0.0 off the
        support).
    intercept : ndarray (n_steps,)
        Their intercepts (0 without an intercept).
    summary_coef : ndarray (n_steps, n_features)
        The summaries whose losses are reported: ``coef`` itself, or with ``refit=True`` the least-squares
        projection of the posterior mean fit on each step's support.
    n_nonzero : ndarray of int (n_steps,)
    entered : list of list of str
        The features in each step's support that were not in the previous step's.
    rho2, excess : pandas.DataFrame
        One row per step: ``mean``, ``sd``, ``lower``, ``upper`` (central ``prob`` interval) of the posterior of
        ``rho^2_s(gamma)`` and of ``psi_s(gamma)``.
    rho2_full : pandas.Series
        ``mean``, ``sd``, ``lower``, ``upper`` of the full model's ``rho^2_s(beta_bar)``.
    rho2_draws, excess_draws : ndarray (n_steps, n_draws)
        The per-draw values, for rules of one's own.
    rho2_full_draws : ndarray (n_draws,)
    selected : int
        Index of the selected step.
    threshold : float
        The number the rule compared each step with (a ``rho^2`` for ``"interval"`` and ``"sd"``, an excess error
        in the units of ``y`` for ``"excess"``).
    posterior_mean : ndarray (n_features,)
        ``beta_bar``; ``weights = |beta_bar|`` scale the columns of the path.
    posterior_intercept : float
    rule, tolerance, prob, refit, n_alphas, eps
        The parameters used.
    max_certificate : float
        The largest optimality certificate (relative sub-gradient violation) over the solved path.
    """

    feature_names: list[str]
    alphas: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    summary_coef: np.ndarray
    n_nonzero: np.ndarray
    entered: list[list[str]]
    rho2: pd.DataFrame
    excess: pd.DataFrame
    rho2_full: pd.Series
    rho2_draws: np.ndarray = field(repr=False)
    excess_draws: np.ndarray = field(repr=False)
    rho2_full_draws: np.ndarray = field(repr=False)
    selected: int
    threshold: float
    posterior_mean: np.ndarray = field(repr=False)
    posterior_intercept: float
    rule: str
    tolerance: float
    prob: float
    refit: bool
    n_alphas: int
    eps: float
    max_certificate: float

    @property
    def weights(self) -> np.ndarray:
        """``|beta_bar_j|``: the column scales of the path (adaptive-lasso penalty weights ``1 / |beta_bar_j|``)."""
        return np.abs(self.posterior_mean)

    @property
    def selected_coef(self) -> pd.Series:
        """The selected summary's coefficients (``summary_coef`` of the selected step), by feature name."""
        return pd.Series(self.summary_coef[self.selected], index=self.feature_names, name="coef")

    @property
    def selected_features(self) -> list[str]:
        """The names of the selected summary's non-zero coefficients, in the order of the columns."""
        return [name for name, c in zip(self.feature_names, self.summary_coef[self.selected], strict=True) if c != 0]

    @property
    def selected_intercept(self) -> float:
        return float(self.intercept[self.selected])

    @property
    def table(self) -> pd.DataFrame:
        """One row per step: ``alpha``, ``n_nonzero``, ``entered``, the ``rho2_*`` and ``excess_*`` summaries and
        ``selected``."""
        out = pd.DataFrame(
            {
                "alpha": self.alphas,
                "n_nonzero": self.n_nonzero,
                "entered": [", ".join(e) for e in self.entered],
            }
        )
        for name, frame in (("rho2", self.rho2), ("excess", self.excess)):
            for col in frame.columns:
                out[f"{name}_{col}"] = frame[col].to_numpy()
        out["selected"] = np.arange(len(out)) == self.selected
        out.index.name = "step"
        return out

    def coef_frame(self) -> pd.DataFrame:
        """``coef`` as a DataFrame (steps x features)."""
        return pd.DataFrame(self.coef, columns=self.feature_names).rename_axis("step")

    def __str__(self) -> str:
        full = self.rho2_full
        head = (
            f"decoupled shrinkage and selection: rule={self.rule!r}, tolerance={self.tolerance:g}; full model "
            f"rho^2 {full['mean']:.4f} [{full['lower']:.4f}, {full['upper']:.4f}]; selected "
            f"{self.n_nonzero[self.selected]} of {len(self.feature_names)}: {', '.join(self.selected_features)}"
        )
        return head + "\n" + self.table.to_string(max_rows=30)


def _steps(coefs: np.ndarray) -> list[int]:
    """Indices of the last grid point of every run of equal supports (columns of ``coefs``, in path order)."""
    support = coefs != 0
    last = []
    for k in range(support.shape[1]):
        if k + 1 == support.shape[1] or not np.array_equal(support[:, k], support[:, k + 1]):
            last.append(k)
    return last


def _summaries(draws: np.ndarray, prob: float) -> pd.DataFrame:
    lower, upper = central_interval(draws, prob, axis=-1)
    return pd.DataFrame({"mean": draws.mean(axis=-1), "sd": draws.std(axis=-1, ddof=1), "lower": lower, "upper": upper})


def decoupled_selection(
    estimator: BayesianRegression,
    X,
    *,
    rule: str = "interval",
    tolerance: float | None = None,
    prob: float = 0.9,
    refit: bool = False,
    n_alphas: int = 100,
    eps: float = 1e-4,
) -> SelectionPath:
    """Decoupled shrinkage and selection (Hahn & Carvalho 2015) of a sampled posterior.

    The adaptive-lasso path of the posterior mean fit ``f = b0_bar + X beta_bar`` (weights ``1 / |beta_bar_j|``),
    solved exactly, and for every distinct support on it the posterior distribution of the summary's variation
    explained ``rho^2_s(gamma)`` and excess predictive error ``psi_s(gamma)`` against the full model, the posterior
    mean ``gamma = beta_bar`` (definitions in :mod:`bayesreg.analysis.selection`).

    The selected summary is the sparsest step (fewest non-zeros; among steps of that size the one with the largest
    posterior mean ``rho^2``) that meets ``rule`` with tolerance ``t``:

    * ``"interval"`` (default ``t = 0.9``): ``E[rho^2(gamma)] >= q_{(1-t)/2}(rho^2(beta_bar))``, the posterior
      mean of the summary's variation explained lies within the central ``t`` credible interval of the full
      model's;
    * ``"sd"`` (default ``t = 1``): ``E[rho^2(gamma)] >= E[rho^2(beta_bar)] - t sd(rho^2(beta_bar))``, within
      ``t`` posterior standard deviations of the full model's mean;
    * ``"excess"`` (default ``t = 0.05``): ``E[psi(gamma)] <= t E[sigma]``, the expected excess predictive error
      over the full model at most a fraction ``t`` of the noise scale.

    Expectations, ``sd`` and quantiles are over the posterior draws. When no step meets the rule (a path stopped
    by ``eps`` before it reproduces the fit), the step with the largest ``E[rho^2(gamma)]`` is selected and a
    ``UserWarning`` says so.

    Parameters
    ----------
    estimator : BayesianRegression
        Fitted with a posterior method (``method="sample"``, ``"gibbs"`` or ``"nuts"``) and the normal likelihood.
        Its draws are used on the original scale of ``X`` (``standardize=True`` is undone draw by draw).
    X : array-like (n_samples, n_features)
        The design points the loss is measured at, each with weight 1: usually the training rows.
    rule : {"interval", "sd", "excess"}, default="interval"
    tolerance : float, optional
        ``t`` above; None takes the rule's default (:data:`RULES`).
    prob : float, default=0.9
        The mass of the central credible intervals reported per step.
    refit : bool, default=False
        False: the summaries are the adaptive-lasso solutions themselves (shrunk). True: each support's summary is
        the least-squares projection of the posterior mean fit on its columns (with an intercept), the best linear
        summary with that support; the path and the supports are the same.
    n_alphas : int, default=100
        Grid points of the path, log-spaced from the all-zero ``alpha_max`` down to ``eps * alpha_max``
        (:func:`~bayesreg.optimize.paths.alpha_grid` of the rescaled columns). A support visited between two grid
        points is not a step.
    eps : float, default=1e-4
        The end of the grid relative to ``alpha_max``. With ``n > p`` (full column rank) the solution tends to
        ``beta_bar`` as ``alpha -> 0``; with ``p > n`` the path stops at ``eps`` (at most ``n`` non-zeros).

    Returns
    -------
    SelectionPath
    """
    if not isinstance(estimator, BayesianRegression):
        raise TypeError(
            "estimator must be a BayesianRegression fitted with a posterior method (the loss is Gaussian), got "
            f"{type(estimator).__name__}"
        )
    _check_posterior_estimator(estimator)
    if estimator.likelihood != "normal":
        raise ValueError(
            f"estimator has likelihood={estimator.likelihood!r}: decoupled selection measures the loss of a "
            "Gaussian linear model (variation explained against the noise variance); fit likelihood='normal'"
        )
    rule, tolerance = _check_rule(rule, tolerance)
    prob = check_prob(prob)
    if not isinstance(refit, bool | np.bool_):
        raise TypeError(f"refit must be True or False, got {refit!r}")
    n_alphas = check_count(n_alphas, "n_alphas", minimum=2)
    eps = check_positive(eps, "eps")
    if not eps < 1:
        raise ValueError(f"eps must be in (0, 1), got {eps!r}")

    beta, intercept, sigma = estimator._draws()  # original scale: (S, p), (S,) or None, (S,)
    p = beta.shape[1]
    names = _feature_names(estimator, p)
    named = getattr(estimator, "feature_names_in_", None) is not None
    X = _check_design(X, p, names if named else None)
    n = X.shape[0]
    fit_intercept = bool(estimator.fit_intercept)
    beta_bar = beta.mean(axis=0)
    b0_bar = float(intercept.mean()) if intercept is not None else 0.0
    fitted = X @ beta_bar + b0_bar
    x_mean = X.mean(axis=0) if fit_intercept else np.zeros(p)
    Xc = X - x_mean

    weights = np.abs(beta_bar)
    active = weights > 0
    if not np.any(active):
        raise ValueError("estimator: every posterior mean coefficient is exactly 0; there is nothing to select")
    X_scaled = X[:, active] * weights[active]
    if np.ptp(fitted) == 0 or (not fit_intercept and not np.any(fitted)):
        raise ValueError("X: the posterior mean fit is constant at these design points; there is nothing to select")
    alphas = alpha_grid(X_scaled, fitted, penalty="lasso", n_alphas=n_alphas, eps=eps, fit_intercept=fit_intercept)
    alphas, thetas, path = map_path(
        X_scaled, fitted, penalty="lasso", alphas=alphas, fit_intercept=fit_intercept, return_path=True
    )
    coefs = np.zeros((p, thetas.shape[1]))
    coefs[active] = thetas * weights[active][:, None]
    keep = _steps(coefs)
    coef = coefs[:, keep].T.copy()
    step_intercepts = np.asarray(path.intercepts, dtype=float)[keep] if fit_intercept else np.zeros(len(keep))
    step_alphas = np.asarray(alphas, dtype=float)[keep]

    if refit:
        summary = np.zeros_like(coef)
        fitted_c = fitted - fitted.mean() if fit_intercept else fitted
        for k, row in enumerate(coef):
            support = row != 0
            if np.any(support):
                summary[k, support] = np.linalg.lstsq(Xc[:, support], fitted_c, rcond=None)[0]
        summary_intercepts = fitted.mean() - summary @ x_mean if fit_intercept else np.zeros(len(keep))
        step_intercepts = summary_intercepts
    else:
        summary = coef

    # per draw: a_s = |X_c beta_s|^2 / n, d_s(gamma) = |X_c (beta_s - gamma)|^2 / n
    F = Xc @ beta.T  # (n, S)
    a = np.einsum("ns,ns->s", F, F) / n
    s2 = sigma**2
    G = Xc @ np.vstack([summary, beta_bar]).T  # (n, K + 1): the steps, then the full model
    d = np.empty((G.shape[1], beta.shape[0]))
    for k in range(G.shape[1]):
        r = F - G[:, k : k + 1]
        d[k] = np.einsum("ns,ns->s", r, r) / n
    d, d_full = d[:-1], d[-1]
    rho2_full = a / (a + s2 + d_full)
    rho2 = a / (a + s2 + d)
    excess = np.sqrt(s2 + d) - np.sqrt(s2 + d_full)

    rho2_table = _summaries(rho2, prob)
    excess_table = _summaries(excess, prob)
    full = _summaries(rho2_full[None, :], prob).iloc[0]
    if rule == "interval":
        threshold = float(central_interval(rho2_full, tolerance)[0])
        ok = rho2_table["mean"].to_numpy() >= threshold
    elif rule == "sd":
        threshold = float(full["mean"] - tolerance * full["sd"])
        ok = rho2_table["mean"].to_numpy() >= threshold
    else:
        threshold = float(tolerance * sigma.mean())
        ok = excess_table["mean"].to_numpy() <= threshold
    n_nonzero = (coef != 0).sum(axis=1)
    rho2_mean = rho2_table["mean"].to_numpy()
    if np.any(ok):
        smallest = n_nonzero[ok].min()
        candidates = np.flatnonzero(ok & (n_nonzero == smallest))
    else:
        candidates = np.arange(len(keep))
        warn(
            f"no step of the path meets rule={rule!r} with tolerance={tolerance:g} (best posterior mean rho^2 "
            f"{rho2_mean.max():.4g} against a threshold of {threshold:.4g}): the path ends at eps={eps:g} before it "
            "reproduces the posterior mean fit; the step with the largest rho^2 is selected. Lower eps or raise "
            "n_alphas.",
            UserWarning,
        )
    selected = int(candidates[np.argmax(rho2_mean[candidates])])

    entered, previous = [], np.zeros(p, dtype=bool)
    for row in coef:
        support = row != 0
        entered.append([names[j] for j in np.flatnonzero(support & ~previous)])
        previous = support
    return SelectionPath(
        feature_names=names,
        alphas=step_alphas,
        coef=coef,
        intercept=np.asarray(step_intercepts, dtype=float),
        summary_coef=summary,
        n_nonzero=n_nonzero,
        entered=entered,
        rho2=rho2_table,
        excess=excess_table,
        rho2_full=full,
        rho2_draws=rho2,
        excess_draws=excess,
        rho2_full_draws=rho2_full,
        selected=selected,
        threshold=threshold,
        posterior_mean=beta_bar,
        posterior_intercept=b0_bar,
        rule=rule,
        tolerance=float(tolerance),
        prob=prob,
        refit=bool(refit),
        n_alphas=n_alphas,
        eps=eps,
        max_certificate=float(np.max(path.certificates)),
    )


# --------------------------------------------------------------------------- posterior ranking


def two_means_inclusion(values) -> np.ndarray:
    """The exact two-cluster split of each row of ``values`` (draws x features, non-negative): True where a value
    belongs to the cluster of larger mean.

    In one dimension the clusters of the optimal 2-means partition are contiguous in sorted order, so the global
    optimum is found by trying every split of the sorted row between two *different* values: the one that
    minimizes the within-cluster sum of squares ``sum_{v in low} (v - mean_low)^2 + sum_{v in high} (v -
    mean_high)^2`` (the first such split on exact ties of that sum). Equal values always share a cluster; a row of
    equal values has no split and includes nothing. R's ``kmeans(x, 2)`` is a local search from random centres
    and can stop elsewhere; this is the optimum it searches for.
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 2:
        raise ValueError(f"values must be a 2-d array (draws x features), got shape {v.shape}")
    S, p = v.shape
    order = np.argsort(v, axis=1, kind="stable")
    sv = np.take_along_axis(v, order, axis=1)
    c1 = np.cumsum(sv, axis=1)
    c2 = np.cumsum(sv * sv, axis=1)
    k = np.arange(1, p)  # size of the low cluster
    low_sum, low_sq = c1[:, :-1], c2[:, :-1]
    high_sum, high_sq = c1[:, -1:] - low_sum, c2[:, -1:] - low_sq
    sse = (low_sq - low_sum**2 / k) + (high_sq - high_sum**2 / (p - k))
    valid = sv[:, 1:] > sv[:, :-1]  # a split between two different values
    sse = np.where(valid, sse, np.inf)
    best = np.argmin(sse, axis=1)  # first minimum
    has_split = valid.any(axis=1)
    n_low = np.where(has_split, best + 1, p)
    included_sorted = np.arange(p)[None, :] >= n_low[:, None]
    included = np.empty_like(included_sorted)
    np.put_along_axis(included, order, included_sorted, axis=1)
    return included


@dataclass(frozen=True)
class PosteriorRanking:
    """R bayesreg's posterior feature ranking, with the inclusion frequency of the per-draw 2-means rule.

    Attributes
    ----------
    feature_names : list of str
    rank : ndarray of int (n_features,)
        R bayesreg's ``var.ranks`` (1 = most important; ties share the smallest rank, "1224" ranking).
    rank_quantile : ndarray (n_features,)
        The ``quantile`` (0.75) sample quantile of each variable's per-draw ranks, which ``rank`` orders.
    mean_rank : ndarray (n_features,)
        The posterior mean of the per-draw ranks.
    inclusion_frequency : ndarray (n_features,)
        The fraction of draws in which the variable falls in the larger cluster of the draw's 2-means split.
    n_included : ndarray of int (n_draws,)
        The size of the larger cluster in each draw (the per-draw number of signals).
    selected : list of str
        Features with ``inclusion_frequency >= threshold``, by rank.
    threshold, quantile : float
    scale : str
        ``"standardized"`` (draws times each column's centred norm, as R ranks them) or ``"as given"``.
    """

    feature_names: list[str]
    rank: np.ndarray
    rank_quantile: np.ndarray
    mean_rank: np.ndarray
    inclusion_frequency: np.ndarray
    n_included: np.ndarray = field(repr=False)
    selected: list[str]
    threshold: float
    quantile: float
    scale: str

    @property
    def table(self) -> pd.DataFrame:
        """One row per feature, sorted by ``rank``: ``rank``, ``rank_quantile``, ``mean_rank``,
        ``inclusion_frequency``, ``selected``."""
        out = pd.DataFrame(
            {
                "rank": self.rank,
                "rank_quantile": self.rank_quantile,
                "mean_rank": self.mean_rank,
                "inclusion_frequency": self.inclusion_frequency,
                "selected": self.inclusion_frequency >= self.threshold,
            },
            index=pd.Index(self.feature_names, name="feature"),
        )
        return out.sort_values(["rank", "mean_rank"], kind="stable")

    def __str__(self) -> str:
        return (
            f"posterior ranking ({self.scale} coefficients), {self.n_included.size} draws; inclusion_frequency >= "
            f"{self.threshold:g}: {', '.join(self.selected)}\n" + self.table.to_string(max_rows=30)
        )


def posterior_ranking(
    fit, X=None, *, feature_names=None, quantile: float = 0.75, threshold: float = 0.5
) -> PosteriorRanking:
    """Rank the variables by the posterior draws of their coefficients, as R's ``bayesreg`` does, and give each its
    posterior inclusion frequency under the per-draw 2-means rule.

    With ``b_sj`` the coefficient of variable ``j`` in draw ``s`` on standardized columns:

    1. **Per-draw ranks** (R's ``bayesreg.bfr``): ``r_sj = 1 + #{i : |b_si| > |b_sj|} + #{i < j : |b_si| =
       |b_sj|}`` (R's stable sort of ``-|b_s|``: ties in column order), so the largest ``|b_sj|`` of a draw has
       rank 1.
    2. **Variable rank** (R's ``var.ranks``): ``q_j`` is the ``quantile`` (R: 0.75) sample quantile of ``r_1j, ...,
       r_Sj`` (linear interpolation, R's type 7 and numpy's default), and ``rank_j = 1 + #{i : q_i < q_j}``.
    3. **Inclusion** (bayesreg's own; R's bayesreg has none): in each draw the values ``|b_s1|, ..., |b_sp|`` are
       split into two clusters by exact 2-means (:func:`two_means_inclusion`); ``j`` is *included* in draw ``s``
       when it falls in the cluster of larger mean. ``inclusion_frequency_j`` is the fraction of draws including
       ``j``; ``selected`` those with a frequency ``>= threshold``.

    R standardizes each column to mean 0 and unit length ``||x_j - mean(x_j)|| = 1`` before sampling and ranks the
    draws on that scale; here the draws on the original scale are multiplied by ``||x_j - mean(x_j)||`` of ``X``,
    which gives R's values. Without ``X`` the draws are ranked as given.

    Parameters
    ----------
    fit : fitted bayesreg estimator with a posterior, or array-like (n_draws, n_features)
        ``BayesianRegression``, ``BayesianLogisticRegression`` or ``BayesianPoissonRegressor`` fitted with a
        posterior method (draws on the original scale of ``X``), or the draws themselves.
    X : array-like (n_samples, n_features), optional
        The training design, to put the draws on R's standardized scale.
    feature_names : list of str, optional
        For an array of draws (an estimator's come from its fit).
    quantile : float, default=0.75
    threshold : float, default=0.5

    Returns
    -------
    PosteriorRanking
    """
    quantile = check_prob(quantile, "quantile")
    threshold = check_prob(threshold, "threshold")
    if isinstance(fit, BayesianLinearModel):
        _check_posterior_estimator(fit, "fit")
        draws = fit._coefficient_draws()[0]
        names = _feature_names(fit, draws.shape[1])
        if feature_names is not None:
            raise ValueError("feature_names: an estimator's feature names come from its fit; leave feature_names out")
        model_names = names if getattr(fit, "feature_names_in_", None) is not None else None
    else:
        if hasattr(fit, "fit") or isinstance(fit, str | bytes | numbers.Number) or fit is None:
            raise TypeError(
                "fit must be a fitted bayesreg estimator with a posterior or an array of draws (n_draws, n_features), "
                f"got {type(fit).__name__}"
            )
        try:
            draws = np.asarray(fit, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"fit must be an array of draws (n_draws, n_features), got {type(fit).__name__}") from None
        if draws.ndim != 2:
            raise ValueError(f"fit: an array of draws must be 2-d (n_draws, n_features), got shape {draws.shape}")
        if not np.all(np.isfinite(draws)):
            raise ValueError("fit: the draws must be finite")
        names = [f"x{j}" for j in range(draws.shape[1])] if feature_names is None else [str(f) for f in feature_names]
        if len(names) != draws.shape[1]:
            raise ValueError(f"feature_names has {len(names)} names for {draws.shape[1]} columns of draws")
        model_names = None if feature_names is None else names
    S, p = draws.shape
    if p < 2:
        raise ValueError(f"ranking needs at least 2 coefficients, got {p}")
    if S < 1:
        raise ValueError("fit: no draws")
    if X is not None:
        X = _check_design(X, p, model_names)
        scale = np.sqrt(np.sum((X - X.mean(axis=0)) ** 2, axis=0))
        values = np.abs(draws) * scale
        scale_name = "standardized"
    else:
        values = np.abs(draws)
        scale_name = "as given"
    order = np.argsort(-values, axis=1, kind="stable")
    ranks = np.empty((S, p), dtype=np.int64)
    np.put_along_axis(ranks, order, np.broadcast_to(np.arange(1, p + 1), (S, p)), axis=1)
    q = np.quantile(ranks.astype(float), quantile, axis=0)
    rank = 1 + np.sum(q[None, :] < q[:, None], axis=1)
    included = two_means_inclusion(values)
    frequency = included.mean(axis=0)
    by_rank = np.lexsort((ranks.mean(axis=0), rank))
    selected = [names[j] for j in by_rank if frequency[j] >= threshold]
    return PosteriorRanking(
        feature_names=names,
        rank=rank.astype(int),
        rank_quantile=q,
        mean_rank=ranks.mean(axis=0),
        inclusion_frequency=frequency,
        n_included=included.sum(axis=1),
        selected=selected,
        threshold=threshold,
        quantile=quantile,
        scale=scale_name,
    )
