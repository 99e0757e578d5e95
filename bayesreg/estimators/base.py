"""What every bayesreg estimator shares: parameter checks, the fit that leaves no half-fitted state, the
standardization, NUTS sampling with its diagnostics, the posterior summary and pickling. The likelihood, the
target's handling and the predictions are the subclasses' (:mod:`~bayesreg.estimators.regression`,
:mod:`~bayesreg.estimators.classification`)."""

from __future__ import annotations

import pickle

import cloudpickle
import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted, validate_data

from bayesreg._validation import check_bool, check_count, check_positive, check_sample_weight
from bayesreg.data._dask import to_dask_array
from bayesreg.data.design import Standardization
from bayesreg.data.statistics import summarize
from bayesreg.estimators.persistence import CloudPickled as _CloudPickled
from bayesreg.inference.sampling import (
    CHAINS,
    DRAWS,
    TUNE,
    check_run_length,
    check_sampler,
    check_store,
    diagnose,
    sample_posterior,
    warn_if_problems,
)
from bayesreg.inference.sampling import (
    METHODS as POSTERIOR_METHODS,
)
from bayesreg.model import build_model
from bayesreg.optimize.chunked import ChunkedProblem, ChunkedSolver, check_y_on_chunks
from bayesreg.priors import check_prior

__all__ = ["BayesianLinearModel", "METHODS", "METHOD_ATTRIBUTES"]

#: the exact MAP, or the posterior sampled by the fastest exact sampler, a Gibbs kernel or NUTS
METHODS = ("map", *POSTERIOR_METHODS)
#: fitted attributes that only one method sets: a refit with the other method drops them
METHOD_ATTRIBUTES = (
    "map_",
    "equivalent_penalty_",
    "idata_",
    "diagnostics_",
    "nuts_sampler_",
    "sampler_",
    "coef_median_",
    "intercept_median_",
)


class BayesianLinearModel(BaseEstimator):
    """The shared part of bayesreg's estimators (not an estimator by itself).

    Its ``__init__`` takes the parameters every estimator has (a subclass with more, such as
    ``BayesianRegression``'s ``sigma``, writes its own); subclasses implement ``_fit(X, y)``.
    """

    def __init__(
        self,
        prior,
        *,
        fit_intercept=True,
        standardize=False,
        method="map",
        draws=DRAWS,
        tune=TUNE,
        chains=CHAINS,
        cores=None,
        random_seed=None,
        nuts_sampler=None,
        target_accept=None,
        progressbar=True,
        store_log_likelihood="auto",
        store_predictive="auto",
    ):
        self.prior = prior
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.method = method
        self.draws = draws
        self.tune = tune
        self.chains = chains
        self.cores = cores
        self.random_seed = random_seed
        self.nuts_sampler = nuts_sampler
        self.target_accept = target_accept
        self.progressbar = progressbar
        self.store_log_likelihood = store_log_likelihood
        self.store_predictive = store_predictive

    def _check_common_params(self):
        """Check the parameters every estimator has (before anything is compiled); returns the prior."""
        prior = check_prior(self.prior)
        check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.standardize, "standardize")
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        if self.method == "map" and not prior.has_penalty_twin:
            raise ValueError(
                f"prior={prior!r} is hierarchical: it has no penalty twin and no exact MAP here; use method='sample'"
            )
        if self.method != "map":
            check_run_length(self.draws, self.tune, self.chains)
            if self.cores is not None:
                check_count(self.cores, "cores")
            if self.random_seed is not None:
                check_count(self.random_seed, "random_seed", minimum=0)
            check_sampler(self.nuts_sampler)
            if self.target_accept is not None:
                target = check_positive(self.target_accept, "target_accept")
                if not target < 1.0:
                    raise ValueError(f"target_accept must be in (0, 1), got {self.target_accept!r}")
            check_bool(self.progressbar, "progressbar")
            check_store(self.store_log_likelihood, "store_log_likelihood")
            check_store(self.store_predictive, "store_predictive")
        return prior

    def fit(self, X, y, sample_weight=None):
        """Fit the MAP or sample the posterior. Returns self.

        Parameters
        ----------
        X : array-like (n_samples, n_features)
        y : array-like (n_samples,)
        sample_weight : array-like (n_samples,) or float, optional
            Non-negative weights, multiplying each observation's log-likelihood (frequency weights: a weight of
            2 is the row given twice; a weight of 0 drops it). With weights the ``n_samples`` of the penalty
            conversions is their sum, as in scikit-learn's and glmnet's normalized objectives; ``standardize``
            uses weighted means and sds.

        Every parameter is checked before anything is compiled; on any error the estimator is
        left exactly as it was before the call.
        """
        return self._fit_or_restore(X, y, sample_weight)

    def _fit_or_restore(self, *args, **kwargs):
        """``self._fit(*args, **kwargs)``, leaving the estimator exactly as it was on any error."""
        before = self.__dict__.copy()
        try:
            return self._fit(*args, **kwargs)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    def _build(
        self, X_fit: np.ndarray, y: np.ndarray, prior, likelihood, *, sample_weight=None, offset=None, statistics=None
    ):
        """The PyMC model of the fitted columns (feature names as coords); sets ``model_``."""
        names = getattr(self, "feature_names_in_", None)
        rm = build_model(
            X_fit,
            y,
            prior,
            likelihood=likelihood,
            fit_intercept=self.fit_intercept,
            feature_names=None if names is None else list(names),
            sample_weight=sample_weight,
            offset=offset,
            statistics=statistics,
        )
        self.model_ = rm.model
        return rm

    @staticmethod
    def _summarize(X, y, sample_weight, *, centred: bool = False):
        """Dask input (``X``, ``y`` or ``sample_weight`` a Dask collection) as the summary rows of its sufficient
        statistics (:meth:`~bayesreg.data.statistics.SufficientStats.summary_rows`, ``centred`` or not), computed in
        one pass where the chunks live: ``(X, y, sample_weight, statistics)``, ``X`` a DataFrame with the columns of a
        Dask DataFrame."""
        rows = summarize(X, y, sample_weight, centred=centred)
        X_rows = rows.X
        columns = getattr(X, "columns", None)
        if columns is not None:
            import pandas as pd

            X_rows = pd.DataFrame(X_rows, columns=columns)
        return X_rows, rows.y, rows.sample_weight, rows.statistics

    def _check_dask_fit(self, X, likelihood) -> None:
        """What a fit on Dask input refuses, checked before any pass over the data (seconds to minutes at scale):
        a posterior method or a flat prior (penalty factor 0) with a non-Gaussian likelihood, per-observation groups
        of a posterior written on summary rows, a penalty factor of another length than the columns."""
        n_features = len(X.columns) if hasattr(X, "columns") else X.shape[1] if getattr(X, "ndim", 0) == 2 else None
        factor = self.prior.factor(n_features) if hasattr(self.prior, "factor") and n_features else None
        if not likelihood.location_scale:
            if self.method != "map":
                raise ValueError(
                    f"method={self.method!r} on Dask input with a {likelihood.family} likelihood: sampling its "
                    "posterior needs every row at every step, so it is not run on data larger than memory. Use "
                    "method='map' (the exact MAP, by passes over the chunks), BayesianRegression (a Gaussian "
                    "likelihood, whose posterior is sampled from the data's sufficient statistics), or fit a sample "
                    "that fits in memory"
                )
            if factor is not None and np.any(factor == 0):
                ChunkedSolver.refuse_flat(likelihood)
        elif self.method != "map":
            for name in ("store_log_likelihood", "store_predictive"):
                if getattr(self, name) is True:
                    raise ValueError(
                        f"{name}=True on Dask input: the posterior is written on the summary rows of the data's "
                        "statistics, not on its observations, so there is no pointwise log likelihood or predictive; "
                        f"leave {name}='auto' (or False)"
                    )

    def _map_on_chunks(self, X, y, prior, likelihood, *, sample_weight=None, offset=None):
        """The exact MAP of a Bernoulli or Poisson model on Dask input (checked by :meth:`_check_dask_fit` first),
        never holding ``X`` in memory: one pass for
        the statistics (the checks, the standardization and the working coordinates), then one per proximal Newton
        evaluation (:class:`~bayesreg.optimize.chunked.ChunkedSolver`). ``y`` is the Dask target as the likelihood
        takes it (0/1 labels, counts); ``offset`` a Dask array or None. Sets ``n_features_in_`` (and
        ``feature_names_in_``) and the standardization, drops the attributes of the other method and ``model_`` (no
        PyMC model is built on data larger than memory); returns the
        :class:`~bayesreg.optimize.map.MapResult` on the fitted scale and the data's statistics."""
        X_rows, _, _, statistics = self._summarize(X, y, sample_weight)
        validate_data(self, X_rows, dtype=np.float64)  # the feature names and their count
        check_y_on_chunks(likelihood, y, statistics, fit_intercept=self.fit_intercept)
        p = statistics.Xty.shape[0]
        if self.standardize:
            standardization = Standardization.from_moments(
                statistics.x_mean, statistics.x_sd, fit_intercept=self.fit_intercept, zero_constant_columns=True
            )
        else:
            standardization = Standardization(np.zeros(p), np.ones(p))
        X_fit = to_dask_array(X, "X", ndim=2)
        if self.standardize:
            X_fit = (X_fit - standardization.center) / standardization.scale  # chunk by chunk, in each pass
        problem = ChunkedProblem(
            X_fit,
            y,
            prior,
            likelihood,
            statistics.with_columns(standardization.center, standardization.scale),
            self.fit_intercept,
            sample_weight,
            offset,
        )
        solver = ChunkedSolver(problem)  # its checks (a flat prior) before anything is dropped
        for stale in (*METHOD_ATTRIBUTES, "model_"):
            self.__dict__.pop(stale, None)
        self._standardization = standardization
        result, _ = solver.solve()
        return result, statistics

    def _standardize(self, X: np.ndarray, sample_weight: np.ndarray | None = None) -> np.ndarray:
        """Set the standardization of ``X`` and drop the attributes of the other method; returns ``X`` as fitted.

        glmnet's convention for a MAP without intercept: a constant column gets coefficient 0. A prior's
        ``penalty_factor`` of another length than the columns is refused here, before anything else.
        """
        if hasattr(self.prior, "factor"):
            self.prior.factor(X.shape[1])
        standardization = Standardization.from_data(
            X,
            standardize=self.standardize,
            fit_intercept=self.fit_intercept,
            zero_constant_columns=self.method == "map",
            sample_weight=sample_weight,
        )
        for stale in METHOD_ATTRIBUTES:
            self.__dict__.pop(stale, None)
        self._standardization = standardization
        return standardization.apply(X)

    def _fit_posterior(self, rm):
        idata = sample_posterior(
            rm,
            method=self.method,
            draws=self.draws,
            tune=self.tune,
            chains=self.chains,
            cores=self.cores,
            random_seed=self.random_seed,
            nuts_sampler=self.nuts_sampler,
            target_accept=self.target_accept,
            progressbar=self.progressbar,
            store_log_likelihood=self.store_log_likelihood,
            store_predictive=self.store_predictive,
        )
        # which scale the draws are on, and the transform back to X's own (as _draws applies it)
        idata.attrs["standardized"] = bool(self.standardize)
        idata.attrs["coefficient_scale"] = "standardized" if self.standardize else "original"
        idata.attrs["x_center"] = [float(v) for v in self._standardization.center]
        idata.attrs["x_scale"] = [float(v) for v in self._standardization.scale]
        if self._standardization.y_center:  # the intercept as sampled is that of y less this
            idata.attrs["y_center"] = float(self._standardization.y_center)
        if rm.likelihood.location_scale and rm.likelihood.fixed_sigma:  # sigma="auto" estimates it from the data
            idata.attrs["fixed_sigma"] = float(rm.likelihood.sigma)
        self._set_posterior(idata)
        self.diagnostics_ = diagnose(idata, var_names=self._sampled_names())
        warn_if_problems(self.diagnostics_)

    def _sampled_names(self) -> list[str]:
        """Posterior variables that summary() and the diagnostics look at: coefficients first."""
        posterior = self.idata_["posterior"]
        names = [name for name in ("intercept", "beta", "sigma") if name in posterior]
        # scalar hyperparameters (lambda, tau, c2), not the auxiliary half-Cauchy factors
        extra = [
            name
            for name in posterior.data_vars
            if name not in names and posterior[name].ndim == 2 and not name.endswith(("_a", "_b", "log_sigma"))
        ]
        return names + extra

    def _set_posterior(self, idata) -> None:
        self.idata_ = idata
        self.sampler_ = idata.attrs.get("sampler", "nuts")
        self.nuts_sampler_ = idata.attrs.get("nuts_sampler", "pymc") if self.sampler_ == "nuts" else None
        beta, intercept = self._coefficient_draws()
        self.coef_ = beta.mean(axis=0)
        self.coef_median_ = np.median(beta, axis=0)
        self.intercept_ = float(intercept.mean()) if intercept is not None else 0.0
        self.intercept_median_ = float(np.median(intercept)) if intercept is not None else 0.0

    def _coefficient_draws(self):
        """Posterior draws on the original scale: beta (S, p) and intercept (S,) or None."""
        posterior = self.idata_["posterior"]
        beta = self._standardization.coef(posterior["beta"].values.reshape(-1, self.n_features_in_))
        intercept = None
        if self.fit_intercept:
            intercept = self._standardization.intercept(posterior["intercept"].values.reshape(-1), beta)
        return beta, intercept

    def _equivalent_penalty(self, prior, **kwargs):
        """``prior.to_sklearn(**kwargs)`` with this estimator's ``fit_intercept``, or None when scikit-learn has no
        such penalty (an L1 Poisson penalty, a per-coefficient penalty factor) or its strength is not a double."""
        try:
            return prior.to_sklearn(**kwargs).set_params(fit_intercept=self.fit_intercept)
        except ValueError:
            return None

    @staticmethod
    def _sample_weight(sample_weight, n: int) -> np.ndarray | None:
        """Checked weights; None when every weight is 1 (the unweighted model, as fast)."""
        sw = check_sample_weight(sample_weight, n)
        return None if sw is None or np.all(sw == 1.0) else sw

    @staticmethod
    def _n_samples(X: np.ndarray, sample_weight: np.ndarray | None):
        """The conversions' ``n``: the number of rows, or the sum of the weights."""
        return X.shape[0] if sample_weight is None else float(np.sum(sample_weight))

    def _check_predict_input(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float64, reset=False)

    def _require_posterior(self, what: str) -> None:
        if not hasattr(self, "idata_"):
            raise ValueError(
                f"{what} needs the posterior: fit with method='sample' (or 'gibbs', 'nuts'); this estimator has "
                "method='map'"
            )

    def summary(self, scale: str = "original", **kwargs):
        """ArviZ summary (mean, sd, 90% interval, ESS, r_hat) of the coefficients, intercept, sigma and hyperparameters.

        Parameters
        ----------
        scale : {"original", "fitted"}, default="original"
            ``"original"``: the coefficients and the intercept on the scale of ``X`` as given,
            each draw back-transformed as ``coef_`` is (``beta_j / sd_j`` and
            ``b0 - sum_j center_j beta_j / sd_j``), so the means are ``coef_`` and
            ``intercept_``, and ESS and r_hat are those of these quantities. ``"fitted"``: as
            sampled and stored in ``idata_`` (standardized columns when ``standardize=True``).
            Without ``standardize`` both are the same.
        **kwargs
            Passed to :func:`arviz.summary`. Defaults here: ``var_names`` the intercept, the
            coefficients, sigma and the prior's scalar hyperparameters; ``ci_prob=0.9`` and
            ``ci_kind="eti"``, the central 90% interval used everywhere in bayesreg (ArviZ's own
            default is 89%).

        Returns
        -------
        pandas.DataFrame
            As :func:`arviz.summary` returns it; its index is named after the scale of the
            coefficients (``"original scale"`` or ``"standardized scale"``), also in
            ``attrs["scale"]``. With ``fmt="xarray"`` a Dataset with the same ``attrs["scale"]``.
        """
        import arviz as az
        import xarray as xr

        check_is_fitted(self)
        self._require_posterior("summary()")
        if scale not in ("original", "fitted"):
            raise ValueError(f"scale must be 'original' or 'fitted', got {scale!r}")
        kwargs.setdefault("var_names", self._sampled_names())
        kwargs.setdefault("ci_prob", 0.9)
        kwargs.setdefault("ci_kind", "eti")
        data = self.idata_
        on_standardized = self.standardize and scale == "fitted"
        if self.standardize and scale == "original":
            posterior = data["posterior"].to_dataset()
            beta = posterior["beta"].copy(data=self._standardization.coef(posterior["beta"].values))
            posterior = posterior.assign(beta=beta)
            if "intercept" in posterior:
                intercept = self._standardization.intercept(posterior["intercept"].values, beta.values)
                posterior = posterior.assign(intercept=posterior["intercept"].copy(data=intercept))
            data = xr.DataTree.from_dict({"posterior": posterior})
        table = az.summary(data, **kwargs)
        label = "standardized scale" if on_standardized else "original scale"
        if hasattr(table, "index"):
            table.index.name = label
        table.attrs["scale"] = label.split()[0]
        return table

    def __getstate__(self):
        state = dict(super().__getstate__())  # object.__getstate__ may return __dict__ itself
        if "model_" in state:
            # A pm.Model holds locally defined classes that plain pickle cannot store.
            state["model_"] = _CloudPickled(cloudpickle.dumps(state["model_"]))
        return state

    def __setstate__(self, state):
        if isinstance(state.get("model_"), _CloudPickled):
            state["model_"] = pickle.loads(state["model_"].payload)
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags
