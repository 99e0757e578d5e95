"""Line up, per coefficient, the penalized fit, the MAP and the posterior of the same prior.

The MAP of a penalty prior is the penalized fit (exact zeros for L1); the posterior mean and
median are not sparse, and the credible interval shows how much the data and the prior leave
open. The fraction of posterior mass near zero, next to the prior's own, says whether the data
moved mass away from zero or towards it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bayesreg._validation import check_prob
from bayesreg.estimators.regression import BayesianRegression
from bayesreg.inference.sampling import CHAINS, DRAWS, TUNE
from bayesreg.inference.summaries import central_interval
from bayesreg.priors import Prior

__all__ = ["PosteriorVsPenalty", "posterior_vs_penalty", "prior_mass_near_zero", "prior_std"]


def prior_mass_near_zero(prior: Prior, eps: float) -> float:
    """``P(|b| <= eps)`` under one coefficient's prior, in closed form (:meth:`Prior.mass_near_zero`).

    ``erf(eps / (sqrt(2) tau))`` for ``Normal(tau)``, ``1 - exp(-eps / b)`` for ``Laplace(b)`` and
    ``1 - erfc(z + sqrt(l2) eps) / erfc(z)``, ``z = l1 / (2 sqrt(l2))``, for the elastic net.
    """
    if not isinstance(prior, Prior):
        raise TypeError(f"prior must be a penalty prior (Normal, Laplace or ElasticNet), got {prior!r}")
    return prior.mass_near_zero(eps)


def prior_std(prior: Prior) -> float:
    """The standard deviation of one coefficient under the prior, in closed form (:meth:`Prior.std`).

    ``tau`` for ``Normal(tau)``, ``sqrt(2) b`` for ``Laplace(b)``, and for the elastic net
    ``sqrt(h(z) / l2)`` with ``h(z) = 1/2 + z^2 - z / (sqrt(pi) erfcx(z))``, ``z = l1 / (2 sqrt(l2))``.
    """
    if not isinstance(prior, Prior):
        raise TypeError(f"prior must be a penalty prior (Normal, Laplace or ElasticNet), got {prior!r}")
    return prior.std()


@dataclass
class PosteriorVsPenalty:
    """The table and the fitted estimators behind it.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per coefficient: ``penalized`` (the scikit-learn fit), ``map``, ``mean``,
        ``median``, ``lower`` / ``upper`` (central ``prob`` credible interval), ``sd``,
        ``p_near_zero`` (posterior ``P(|beta_j| <= eps)``) and ``prior_p_near_zero``.
    eps : float
        Half-width of the "near zero" window: a tenth of the prior's standard deviation unless
        given.
    prob : float
    map_estimator, nuts_estimator : BayesianRegression
    penalized : sklearn estimator
        The fitted Ridge / Lasso / ElasticNet.
    """

    table: pd.DataFrame
    eps: float
    prob: float
    map_estimator: BayesianRegression
    nuts_estimator: BayesianRegression
    penalized: object

    @property
    def max_abs_map_vs_penalized(self) -> float:
        return float(np.max(np.abs(self.table["map"] - self.table["penalized"])))

    def __str__(self) -> str:
        head = (
            f"{type(self.map_estimator.prior).__name__} prior, sigma={self.map_estimator.sigma_:.4g}: "
            f"MAP vs {type(self.penalized).__name__} max |diff| {self.max_abs_map_vs_penalized:.2e}; "
            f"{int(round(self.prob * 100))}% credible intervals; near zero means |beta| <= {self.eps:.3g}"
        )
        return head + "\n" + self.table.to_string(float_format=lambda v: f"{v:.4g}")


def posterior_vs_penalty(
    X,
    y,
    prior: Prior,
    *,
    sigma: float | None = None,
    fit_intercept: bool = True,
    prob: float = 0.9,
    near_zero: float | None = None,
    draws: int = DRAWS,
    tune: int = TUNE,
    chains: int = CHAINS,
    random_seed: int | None = None,
    nuts_sampler: str | None = None,
    progressbar: bool = False,
) -> PosteriorVsPenalty:
    """Fit the penalized model, its exact MAP and its NUTS posterior, and line them up.

    Parameters
    ----------
    X, y : array-like
        The data (a DataFrame's column names become the table's index).
    prior : Normal, Laplace or ElasticNet
        A penalty prior; its twin is ``prior.to_sklearn(sigma=..., n_samples=n)``.
    sigma : float or None
        Fixed noise scale. With None, sigma gets a prior: the MAP is the joint mode and the
        penalized fit is the one equivalent at the MAP's sigma; the posterior integrates sigma out.
    prob : float
        Mass of the central credible interval.
    near_zero : float or None
        The window ``|beta| <= eps`` for the mass near zero; None takes a tenth of the prior's
        standard deviation.
    draws, tune, chains, random_seed, nuts_sampler, progressbar
        Passed to :class:`BayesianRegression` with ``method="nuts"``.
    """
    if not isinstance(prior, Prior):
        raise TypeError(f"prior must be a penalty prior (Normal, Laplace or ElasticNet), got {prior!r}")
    prob = check_prob(prob)
    eps = 0.1 * prior_std(prior) if near_zero is None else float(near_zero)
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"near_zero must be a positive number, got {near_zero!r}")
    common = {"sigma": sigma, "fit_intercept": fit_intercept}
    map_est = BayesianRegression(prior, method="map", **common)
    nuts_est = BayesianRegression(
        prior,
        method="nuts",
        draws=draws,
        tune=tune,
        chains=chains,
        random_seed=random_seed,
        nuts_sampler=nuts_sampler,
        progressbar=progressbar,
        **common,
    )
    # every argument is checked before the first (MAP) fit compiles anything
    map_est._check_params()
    nuts_est._check_params()
    map_est.fit(X, y)
    if map_est.equivalent_penalty_ is None:
        raise ValueError(
            f"prior={prior!r}: its penalized twin at sigma={map_est.sigma_:g} has an alpha float64 cannot hold; "
            "rescale X or y, or choose another prior scale"
        )
    with warnings.catch_warnings():
        # the MAP fit has already warned about a fixed sigma far from the data's: once is enough
        warnings.filterwarnings("ignore", message=r"sigma=.* than the residual sd", category=UserWarning)
        nuts_est.fit(X, y)
    penalized = map_est.equivalent_penalty_.set_params(tol=1e-12, max_iter=1_000_000)
    penalized.fit(np.asarray(X, dtype=float), np.asarray(y, dtype=float))
    beta = nuts_est.idata_["posterior"]["beta"].values.reshape(-1, nuts_est.n_features_in_)
    lower, upper = central_interval(beta, prob)
    names = getattr(nuts_est, "feature_names_in_", None)
    index = list(names) if names is not None else [f"x{j}" for j in range(beta.shape[1])]
    table = pd.DataFrame(
        {
            "penalized": penalized.coef_,
            "map": map_est.coef_,
            "mean": beta.mean(axis=0),
            "median": np.median(beta, axis=0),
            "lower": lower,
            "upper": upper,
            "sd": beta.std(axis=0),
            "p_near_zero": np.mean(np.abs(beta) <= eps, axis=0),
            "prior_p_near_zero": prior_mass_near_zero(prior, eps),
        },
        index=pd.Index(index, name="feature"),
    )
    return PosteriorVsPenalty(
        table=table, eps=eps, prob=prob, map_estimator=map_est, nuts_estimator=nuts_est, penalized=penalized
    )
