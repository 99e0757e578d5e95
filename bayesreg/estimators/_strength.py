"""The ways a prior's strength is chosen besides cross-validation, and the curve each choice is read from.

* **Evidence** (Gaussian prior, closed form): ``p(y | sigma, tau)`` is Gaussian; its maximum over both scales
  (:func:`~bayesreg.inference.empirical_bayes.evidence_ridge`, scikit-learn's ``BayesianRidge``) gives
  ``Ridge(alpha = sigma^2 / tau^2)``. The curve is the log evidence at each ``alpha`` with the noise precision at its
  best value for that ``alpha`` (:func:`~bayesreg.inference.empirical_bayes.evidence_profile`).
* **PSIS-LOO**: one posterior per strength on a grid (penalty prior, ``sigma`` fixed), each scored by its expected
  log predictive density ``elpd_loo`` (Vehtari, Gelman & Gabry 2017, ArviZ's ``loo``); the standard error of a
  strength's difference from the best one is the paired one, ``sqrt(n Var_i(elpd_i - elpd_best,i))``.
* **Hyperprior**: the strength is not chosen but averaged over: ``BayesianLasso`` (``lambda^2 ~ Gamma``) for the
  lasso, ``HierarchicalNormal`` (``tau ~ HalfCauchy``) for ridge. Each posterior draw implies the scikit-learn
  ``alpha`` of the conditional mode: ``sigma lambda / n`` (lasso) and ``1 / tau^2`` (ridge); the curve is the
  posterior density of ``log alpha``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import arviz as az
import numpy as np
import pandas as pd
from scipy import stats

from bayesreg._warnings import warn
from bayesreg.inference.sampling import SamplingWarning

__all__ = ["StrengthCurve", "density_curve", "hyperprior_alphas", "loo_curve"]


@dataclass(frozen=True, eq=False)
class StrengthCurve:
    """The criterion a prior's strength was chosen by, on a grid of strengths (scikit-learn's ``alpha``).

    Attributes
    ----------
    criterion : str
        What ``values`` are: ``"held-out mean squared error"``, ``"held-out log loss"``,
        ``"held-out Poisson deviance"``, ``"log evidence"``, ``"elpd_loo"`` or ``"posterior density of log alpha"``.
    alphas : ndarray (n_alphas,)
        The strengths, decreasing.
    values : ndarray (n_alphas,)
    se : ndarray (n_alphas,)
        Standard errors of ``values`` (cross-validation: of the mean over the folds; PSIS-LOO: of the difference
        from the best strength, paired by row); NaN where there are none (evidence, hyperprior).
    higher_is_better : bool
    """

    criterion: str
    alphas: np.ndarray = field(repr=False)
    values: np.ndarray = field(repr=False)
    se: np.ndarray = field(repr=False)
    higher_is_better: bool

    def best(self) -> int:
        """Index of the best value."""
        return int(np.argmax(self.values) if self.higher_is_better else np.argmin(self.values))

    def within_one_se(self) -> int:
        """Index of the largest strength whose value is within one standard error of the best one (``lambda.1se``)."""
        best = self.best()
        se = np.nan_to_num(self.se)
        if self.criterion == "elpd_loo":  # paired standard errors, each of its own difference from the best
            ok = self.values >= self.values[best] - se
        elif self.higher_is_better:
            ok = self.values >= self.values[best] - se[best]
        else:
            ok = self.values <= self.values[best] + se[best]
        return int(np.flatnonzero(ok).min())  # alphas decrease: the first is the largest

    def to_frame(self) -> pd.DataFrame:
        """One row per strength: ``alpha``, the criterion's ``value`` and its ``se``."""
        return pd.DataFrame({"alpha": self.alphas, "value": self.values, "se": self.se}).rename_axis(self.criterion)


def loo_curve(fit_at, alphas, *, n_rows: int) -> tuple[StrengthCurve, list]:
    """``elpd_loo`` of the posterior fitted by ``fit_at(k)`` at each ``alphas[k]``, with paired standard errors.

    Returns the curve and each strength's Pareto-k diagnostics (the largest ``k``), so the caller can warn."""
    pointwise, khats, troubled = [], [], []
    for k in range(len(alphas)):
        with warnings.catch_warnings():
            # one warning below for the whole grid instead of the sampler's and ArviZ's at every strength
            warnings.simplefilter("ignore")
            estimator = fit_at(k)
            result = az.loo(estimator.idata_, pointwise=True)
        if estimator.diagnostics_.problems:
            troubled.append(float(alphas[k]))
        pointwise.append(np.asarray(result.elpd_i).reshape(-1))
        khats.append(float(np.nanmax(np.asarray(result.pareto_k))))
    if troubled:
        warn(
            f"tuning='loo': the posterior's convergence checks failed at {len(troubled)} of {len(alphas)} strengths "
            f"(alpha = {', '.join(f'{a:.3g}' for a in troubled[:5])}{', ...' if len(troubled) > 5 else ''}), so "
            "their elpd_loo carries extra Monte Carlo error. Try more draws and tune",
            SamplingWarning,
        )
    elpd_i = np.vstack(pointwise)
    values = elpd_i.sum(axis=1)
    best = int(np.argmax(values))
    diff = elpd_i - elpd_i[best]
    se = np.sqrt(n_rows * diff.var(axis=1, ddof=1)) if n_rows > 1 else np.zeros(len(alphas))
    return StrengthCurve("elpd_loo", np.asarray(alphas, float), values, se, True), khats


def hyperprior_alphas(idata, penalty: str, n_samples: float) -> np.ndarray:
    """The scikit-learn ``alpha`` of the conditional mode at every posterior draw (flattened over chains).

    ``BayesianLasso``: ``beta_j | sigma, lambda ~ Laplace(sigma / lambda)``, the mode of ``Lasso(alpha = sigma lambda
    / n)``; ``HierarchicalNormal``: ``beta_j | sigma, tau ~ N(0, sigma tau)``, the mode of ``Ridge(alpha = 1 /
    tau^2)``."""
    post = idata.posterior
    if penalty == "lasso":
        return (np.asarray(post["sigma"]) * np.asarray(post["beta_lam"])).reshape(-1) / n_samples
    return 1.0 / np.asarray(post["beta_tau"]).reshape(-1) ** 2


def density_curve(alpha_draws: np.ndarray, n_points: int) -> StrengthCurve:
    """The posterior density of ``log alpha`` (a Gaussian kernel density estimate) on a grid spanning its draws."""
    log_draws = np.log(alpha_draws)
    low, high = np.quantile(log_draws, [0.001, 0.999])
    pad = 0.1 * max(high - low, 1e-3)
    grid = np.linspace(high + pad, low - pad, n_points)  # decreasing alphas, as on the other curves
    values = stats.gaussian_kde(log_draws)(grid) if np.ptp(log_draws) > 0 else np.zeros(n_points)
    return StrengthCurve(
        "posterior density of log alpha", np.exp(grid), values, np.full(n_points, np.nan), higher_is_better=True
    )
