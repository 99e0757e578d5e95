"""Regression of counts with a prior on the coefficients: Bayesian Poisson regression (log link)."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.validation import validate_data

from bayesreg._validation import check_feature_columns, check_numeric_target
from bayesreg.estimators.base import BayesianLinearModel
from bayesreg.likelihoods import Poisson
from bayesreg.optimize.map import MapSolver

__all__ = ["BayesianPoissonRegressor"]


class BayesianPoissonRegressor(RegressorMixin, BayesianLinearModel):
    """Poisson regression with a prior on the coefficients: exact MAP or full posterior (NUTS).

    The model is

    .. math::

        y_i \\sim \\text{Poisson}(\\mu_i), \\qquad \\log \\mu_i = b_0 + x_i^\\top \\beta, \\qquad
        \\beta \\sim \\text{prior}, \\qquad p(b_0) \\propto 1,

    for counts ``y`` (any ``y >= 0`` is accepted, rates included, as by ``PoissonRegressor``: the Poisson
    quasi-likelihood, whose posterior predictive draws are counts). With ``method="map"`` the estimate minimizes
    ``sum_i (mu_i - y_i log mu_i) + l1 ||beta||_1 + l2 ||beta||_2^2``: for a ``Normal(tau)`` prior exactly
    scikit-learn's ``PoissonRegressor(alpha = 1 / (n tau^2))`` (``equivalent_penalty_``); a prior with an L1 part
    is glmnet's poisson family (``prior.to_glmnet(family="poisson", n_samples=n)``). With ``method="nuts"`` the
    posterior is sampled and the predicted mean is averaged over it.

    Parameters
    ----------
    prior : Prior or ShrinkagePrior
        A penalty prior, or, with ``method="nuts"`` only, a hierarchical one.
    fit_intercept, standardize, method, draws, tune, chains, cores, random_seed, nuts_sampler, target_accept,
    progressbar
        As in :class:`~bayesreg.BayesianRegression`.

    Attributes
    ----------
    coef_ : ndarray (n_features,)
        MAP coefficients (exactly 0.0 where inactive), or posterior means, on the original scale of ``X``.
    intercept_ : float
    coef_median_, intercept_median_
        Posterior medians (``"nuts"`` only).
    map_ : MapResult
        The MAP with its certificate (``"map"`` only).
    equivalent_penalty_ : PoissonRegressor or None
        The unfitted scikit-learn estimator whose solution the MAP is, for a prior without an L1 part (``"map"``
        only; None otherwise: scikit-learn has no L1 Poisson regression); with ``standardize=True``, its solution
        on the standardized columns (fit it to ``StandardScaler(with_mean=fit_intercept)``'s output).
    idata_, diagnostics_, nuts_sampler_, model_, n_features_in_, feature_names_in_
        As in :class:`~bayesreg.BayesianRegression`.
    """

    def _fit(self, X, y):
        prior = self._check_common_params()
        y = check_numeric_target(y)
        check_feature_columns(X)
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2, y_numeric=True)
        likelihood = Poisson()
        y = likelihood.check_y(y, fit_intercept=self.fit_intercept)  # before anything is compiled
        X_fit = self._standardize(X)
        rm = self._build(X_fit, y, prior, likelihood)
        if self.method == "map":
            result, _ = MapSolver(rm).solve()
            self.map_ = result
            self.coef_ = self._standardization.coef(result.coef)
            self.intercept_ = (
                float(self._standardization.intercept(result.intercept, self.coef_)) if self.fit_intercept else 0.0
            )
            if prior.weights.l1 == 0:
                self.equivalent_penalty_ = prior.to_sklearn(family="poisson", n_samples=X.shape[0]).set_params(
                    fit_intercept=self.fit_intercept
                )
            else:
                self.equivalent_penalty_ = None
        else:
            self._fit_nuts(rm)
        return self

    def predict(self, X):
        """The expected count: ``exp(b0 + x' beta)`` at the MAP, or its posterior mean ``E[exp(b0 + x' beta)]``."""
        X = self._check_predict_input(X)
        with np.errstate(over="ignore"):
            if hasattr(self, "idata_"):
                beta, intercept = self._coefficient_draws()
                eta = beta @ X.T
                if intercept is not None:
                    eta += intercept[:, None]
                return np.exp(eta).mean(axis=0)
            return np.exp(X @ self.coef_ + self.intercept_)

    def score(self, X, y, sample_weight=None):
        """D^2, the fraction of Poisson deviance explained (scikit-learn's ``PoissonRegressor.score``)."""
        from sklearn.metrics import d2_tweedie_score

        return d2_tweedie_score(y, self.predict(X), sample_weight=sample_weight, power=1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags
