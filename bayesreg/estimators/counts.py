"""Regression of counts with a prior on the coefficients: Bayesian Poisson regression (log link)."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.validation import validate_data

from bayesreg._validation import check_feature_columns, check_numeric_target, check_row_values
from bayesreg._warnings import warn
from bayesreg.data._dask import check_same_rows, is_dask, require_dask, row_blocks, to_dask_array
from bayesreg.estimators._chunked import on_row_chunks
from bayesreg.estimators.base import BayesianLinearModel
from bayesreg.likelihoods import Poisson
from bayesreg.optimize.map import MapSolver

__all__ = ["BayesianPoissonRegressor"]


class BayesianPoissonRegressor(RegressorMixin, BayesianLinearModel):
    """Poisson regression with a prior on the coefficients: exact MAP or full posterior (NUTS: the Poisson
    likelihood has no Gibbs kernel).

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
        A penalty prior, or, with a posterior method only, a hierarchical one.
    fit_intercept, standardize, method, draws, tune, chains, cores, random_seed, nuts_sampler, target_accept,
    progressbar, store_log_likelihood, store_predictive
        As in :class:`~bayesreg.BayesianRegression` (the Poisson likelihood has no Gibbs kernel: ``"sample"``
        runs NUTS, ``"gibbs"`` is refused).

    Attributes
    ----------
    coef_ : ndarray (n_features,)
        MAP coefficients (exactly 0.0 where inactive), or posterior means, on the original scale of ``X``.
    intercept_ : float
    coef_median_, intercept_median_
        Posterior medians (posterior methods only).
    map_ : MapResult
        The MAP with its certificate (``"map"`` only).
    equivalent_penalty_ : PoissonRegressor or None
        The unfitted scikit-learn estimator whose solution the MAP is, for a prior without an L1 part nor a
        ``penalty_factor`` (``"map"`` only; None otherwise: scikit-learn has no L1 Poisson regression); with
        ``standardize=True``, its solution
        on the standardized columns (fit it to ``StandardScaler(with_mean=fit_intercept)``'s output).
    idata_, diagnostics_, sampler_, nuts_sampler_, model_, n_features_in_, feature_names_in_
        As in :class:`~bayesreg.BayesianRegression`.
    """

    def fit(self, X, y, sample_weight=None, exposure=None):
        """Fit the MAP or sample the posterior. Returns self.

        Parameters
        ----------
        X : array-like (n_samples, n_features)
        y : array-like (n_samples,)
            Counts (any ``y >= 0``).
        sample_weight : array-like (n_samples,) or float, optional
            As in :meth:`BayesianRegression.fit <bayesreg.BayesianRegression.fit>`: multiplies each observation's
            log-likelihood; the conversions' ``n_samples`` is then ``sum(sample_weight)``.
        exposure : array-like (n_samples,), optional
            Positive exposures ``E_i`` (time at risk, population, area): ``y_i ~ Poisson(E_i exp(b0 + x_i' beta))``,
            the offset ``log E_i`` in the linear predictor (glmnet's ``offset``). The MAP then equals
            ``PoissonRegressor`` fitted to the rates ``y / E`` with weights ``sample_weight * E`` (the
            ``equivalent_penalty_``, whose ``alpha`` uses ``n_samples = sum(sample_weight * E)``). Give the exposures
            of new rows to :meth:`predict`.

        Every parameter is checked before anything is compiled; on any error the estimator is left exactly as it
        was before the call.
        """
        return self._fit_or_restore(X, y, sample_weight, exposure)

    def _fit(self, X, y, sample_weight=None, exposure=None):
        prior = self._check_common_params()
        if any(is_dask(value) for value in (X, y, sample_weight, exposure)):
            return self._fit_on_chunks(X, y, sample_weight, exposure, prior)
        y = check_numeric_target(y)
        check_feature_columns(X)
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2, y_numeric=True)
        sample_weight = self._sample_weight(sample_weight, X.shape[0])
        exposure = _check_exposure(exposure, X.shape[0])
        likelihood = Poisson()
        # before anything is compiled
        y = likelihood.check_y(y, fit_intercept=self.fit_intercept, sample_weight=sample_weight)
        X_fit = self._standardize(X, sample_weight)
        offset = None if exposure is None else np.log(exposure)
        self._fitted_with_exposure = exposure is not None
        rm = self._build(X_fit, y, prior, likelihood, sample_weight=sample_weight, offset=offset)
        if self.method == "map":
            result, _ = MapSolver(rm).solve()
            weights = np.ones(X.shape[0]) if sample_weight is None else sample_weight
            n = self._n_samples(X, sample_weight) if exposure is None else float(np.sum(weights * exposure))
            self._set_map(result, prior, n)
        else:
            self._fit_posterior(rm)
        return self

    def _set_map(self, result, prior, n_samples: float) -> None:
        self.map_ = result
        self.coef_ = self._standardization.coef(result.coef)
        self.intercept_ = (
            float(self._standardization.intercept(result.intercept, self.coef_)) if self.fit_intercept else 0.0
        )
        self.equivalent_penalty_ = self._equivalent_penalty(prior, family="poisson", n_samples=n_samples)

    def _fit_on_chunks(self, X, y, sample_weight, exposure, prior):
        """The MAP on Dask input (:meth:`_map_on_chunks`); the exposures checked and ``sum(w E)`` taken in one pass
        over those two columns, their logs taken lazily, chunk by chunk, in each pass of the fit."""
        dask, _ = require_dask("BayesianPoissonRegressor on Dask input")
        self._check_dask_fit(X, Poisson())
        offset, n = None, None
        if exposure is not None:
            _, (e_blocks, w_blocks) = row_blocks(X, exposure, sample_weight, names=("exposure", "sample_weight"))
            w_blocks = w_blocks or [None] * len(e_blocks)
            parts = [dask.delayed(_exposure_terms)(eb, wb) for eb, wb in zip(e_blocks, w_blocks, strict=True)]
            (terms,) = dask.compute(parts)
            n = float(sum(total for _, total in terms))
            if not all(ok for ok, _ in terms):
                raise ValueError("exposure must be positive and finite (the offset is log(exposure))")
            offset = np.log(to_dask_array(exposure, "exposure", ndim=1) if is_dask(exposure) else np.asarray(exposure))
        self._fitted_with_exposure = exposure is not None
        result, statistics = self._map_on_chunks(X, y, prior, Poisson(), sample_weight=sample_weight, offset=offset)
        self._set_map(result, prior, statistics.sum_w if n is None else n)
        return self

    def predict(self, X, exposure=None):
        """The expected count: ``E exp(b0 + x' beta)`` at the MAP, or its posterior mean ``E[E exp(b0 + x' beta)]``.

        ``exposure`` (n,): the rows' exposures ``E`` (default 1: the expected count per unit of exposure, the rate).
        With a Dask ``X`` a Dask array, computed chunk by chunk of rows when asked (``exposure`` then multiplies it).
        """
        if is_dask(X):
            return self._rate_by_chunks(X) if exposure is None else self._counts_by_chunks(X, exposure)
        X = self._check_predict_input(X)
        exposure = _check_exposure(exposure, X.shape[0])
        scale = 1.0 if exposure is None else exposure
        with np.errstate(over="ignore"):
            if hasattr(self, "idata_"):
                beta, intercept = self._coefficient_draws()
                eta = beta @ X.T
                if intercept is not None:
                    eta += intercept[:, None]
                return scale * np.exp(eta).mean(axis=0)
            return scale * np.exp(X @ self.coef_ + self.intercept_)

    def _counts_by_chunks(self, X, exposure):
        """:meth:`predict` with exposures on a Dask ``X``: each chunk of rows with its exposures (lined up as the
        fits line them up, :func:`~bayesreg.data._dask.row_blocks`), checked as in memory when computed."""
        dask, da = require_dask("predict on Dask input")
        rate = self._rate_by_chunks(X)  # checks the columns
        r_blocks, (e_blocks,) = row_blocks(rate[:, None], exposure, names=("exposure",))
        parts = [
            da.from_delayed(dask.delayed(_counts)(rb, eb), shape=(np.nan,), dtype=float)
            for rb, eb in zip(r_blocks, e_blocks, strict=True)
        ]
        return da.concatenate(parts)

    @on_row_chunks
    def _rate_by_chunks(self, X):
        """:meth:`predict` without exposure, run chunk by chunk on a Dask ``X``."""
        return self.predict(X)

    def score(self, X, y, sample_weight=None, exposure=None):
        """D^2, the fraction of Poisson deviance explained (scikit-learn's ``PoissonRegressor.score``), of the
        counts ``y`` by :meth:`predict` ``(X, exposure)``.

        A model fitted with ``exposure`` and scored without it compares counts with rates (exposure 1): a
        ``UserWarning`` says so. In ``GridSearchCV`` or ``cross_val_score`` the exposures reach ``score`` only
        through scikit-learn's metadata routing: ``sklearn.set_config(enable_metadata_routing=True)`` and
        ``est.set_fit_request(exposure=True).set_score_request(exposure=True)``, then ``fit(X, y, exposure=E)``
        (``params={"exposure": E}`` for ``cross_val_score``).
        """
        from sklearn.metrics import d2_tweedie_score

        if exposure is None and getattr(self, "_fitted_with_exposure", False):
            warn(
                "score: the model was fitted with exposure= but none is given here, so it predicts the rates "
                "(exposure 1) and compares them with the counts y. Pass exposure=; in GridSearchCV or "
                "cross_val_score route it with sklearn.set_config(enable_metadata_routing=True) and "
                "est.set_fit_request(exposure=True).set_score_request(exposure=True)"
            )

        return d2_tweedie_score(y, self.predict(X, exposure), sample_weight=sample_weight, power=1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags


def _check_exposure(exposure, n: int) -> np.ndarray | None:
    """Positive finite exposures of shape (n,), or None."""
    if exposure is None:
        return None
    values = check_row_values(exposure, n, "exposure")
    if np.any(values <= 0):
        first = int(np.flatnonzero(values <= 0)[0])
        raise ValueError(f"exposure must be positive, got {float(values[first])!r} at row {first}")
    return values


def _exposure_terms(exposure, weight) -> tuple[bool, float]:
    """One chunk's ``(every exposure positive and finite, sum(w E))``."""
    exposure = np.asarray(exposure, dtype=float)
    check_same_rows(exposure, weight)
    ok = bool(np.all(np.isfinite(exposure) & (exposure > 0)))
    return ok, float(np.sum(exposure if weight is None else np.asarray(weight, dtype=float) * exposure))


def _counts(rate: np.ndarray, exposure) -> np.ndarray:
    """A chunk's expected counts (``rate`` a column), its exposures refused (ValueError) unless every one is positive
    and finite."""
    rate, exposure = np.asarray(rate)[:, 0], np.asarray(exposure, dtype=float)
    check_same_rows(rate, exposure)
    if not np.all(np.isfinite(exposure) & (exposure > 0)):
        raise ValueError("exposure must be positive and finite")
    return rate * exposure
