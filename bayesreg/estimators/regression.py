"""scikit-learn compatible estimators over the model builder, the MAP solver and the NUTS sampler."""

from __future__ import annotations

import pickle
from pathlib import Path

import cloudpickle
import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from bayesreg._validation import check_bool, check_count, check_feature_columns, check_numeric_target, check_positive
from bayesreg._warnings import warn
from bayesreg.data.design import Standardization
from bayesreg.data.noise import SIGMA_MISMATCH_FACTOR, estimate_noise_scale
from bayesreg.estimators.persistence import CloudPickled as _CloudPickled
from bayesreg.estimators.persistence import load_estimator, save_estimator
from bayesreg.inference.sampling import (
    check_sampler,
    diagnose,
    sample_posterior,
    warn_if_problems,
)
from bayesreg.likelihoods import Gaussian, predictive
from bayesreg.model import build_model
from bayesreg.optimize.map import MapResult, MapSolver
from bayesreg.priors import check_prior

__all__ = ["BayesianRegression"]

_METHODS = ("map", "nuts")
#: fitted attributes that only one method sets: a refit with the other method drops them
_METHOD_ATTRIBUTES = (
    "map_",
    "equivalent_penalty_",
    "idata_",
    "diagnostics_",
    "nuts_sampler_",
    "coef_median_",
    "intercept_median_",
)


class BayesianRegression(RegressorMixin, BaseEstimator):
    """Linear regression with a prior on the coefficients: exact MAP or full posterior (NUTS).

    The model is

    .. math::

        y_i \\sim \\mathcal N(b_0 + x_i^\\top \\beta, \\sigma^2), \\qquad
        \\beta \\sim \\text{prior}, \\qquad p(b_0) \\propto 1.

    With ``method="map"`` the estimate minimizes the negative log posterior

    .. math::

        \\frac{1}{2\\sigma^2}\\|y - b_0 - X\\beta\\|^2 + n\\log\\sigma - \\log p(\\sigma)
        + \\ell_1\\|\\beta\\|_1 + \\ell_2\\|\\beta\\|_2^2,

    with ``(l1, l2)`` the prior's penalty weights. With a fixed ``sigma`` this is exactly the
    scikit-learn fit returned by ``prior.to_sklearn(sigma=sigma, n_samples=n)`` (``Ridge``,
    ``Lasso`` or ``ElasticNet``). With ``method="nuts"`` the posterior is sampled with NUTS and
    the coefficients are posterior means.

    Parameters
    ----------
    prior : Prior or ShrinkagePrior
        A penalty prior (``bayesreg.Normal``, ``Laplace``, ``ElasticNet``), or, with
        ``method="nuts"`` only, a hierarchical one (``BayesianLasso``, ``HierarchicalNormal``,
        ``Horseshoe``, ``RegularizedHorseshoe``, ``BayesianElasticNet``).
    sigma : float, "auto" or None, default=None
        Fixed noise scale (the penalized-fit case). A fixed value more than a factor of 3 away
        from the data's own estimate (below) gets a ``UserWarning``: it makes the posterior too
        narrow or too wide, and the prior scale means another penalty than intended.
        ``"auto"`` fixes sigma at that estimate: the unbiased residual sd of least squares,
        ``sqrt(RSS / (n - p - 1))``, or, when ``n <= p + 1``, the leave-one-out error of a
        cross-validated ridge (:func:`bayesreg.data.noise.estimate_noise_scale`); ``sigma_`` holds it.
        None gives sigma a prior: the prior's own choice, ``p(sigma^2) proportional to
        1 / sigma^2`` for ``BayesianLasso`` and ``BayesianElasticNet`` (as in their papers),
        otherwise a weakly informative ``HalfNormal(sd(y))``. For the MAP the global joint mode
        of ``(b0, beta, sigma)`` is then reported with ``equivalent_penalty_``, the penalized fit
        that has the same solution at the fitted sigma; it needs ``n_samples > n_features + 1``.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (flat prior).
    standardize : bool, default=False
        Fit on columns scaled to unit (population) standard deviation, centred when an
        intercept is fitted. The prior then acts on ``sd_j * beta_j`` (glmnet's
        ``standardize=TRUE``). ``coef_``, ``intercept_``, predictions and :meth:`summary` are on
        the original scale; ``map_`` and ``idata_`` are on the fitted (standardized) scale, as
        ``idata_.attrs`` records (``summary(scale="fitted")`` summarizes them as stored).
    method : {"map", "nuts"}, default="map"
        Exact MAP, or NUTS sampling of the full posterior.
    draws, tune, chains : int, default=1000, 1000, 4
        NUTS draws kept per chain, tuning steps per chain, number of chains.
    cores : int or None, default=None
        Processes for PyMC's sampler (None: up to 2).
    random_seed : int or None, default=None
        The same seed gives identical draws.
    nuts_sampler : {None, "pymc", "nutpie"}, default=None
        None picks the faster one installed for the model at hand
        (:func:`bayesreg.inference.sampling.choose_sampler`).
    target_accept : float or None, default=None
        NUTS step-size adaptation target in (0, 1); None takes the prior's recommendation
        (0.99 for ``Horseshoe`` and ``RegularizedHorseshoe``, otherwise 0.8).
    progressbar : bool, default=True
        Show the sampler's progress.

    Attributes
    ----------
    coef_ : ndarray (n_features,)
        MAP coefficients (exactly 0.0 where inactive), or posterior means with ``"nuts"``.
    intercept_ : float
        MAP or posterior mean of the intercept.
    coef_median_, intercept_median_ : ndarray, float
        Posterior medians (``"nuts"`` only). The posterior median of a Laplace model is no more
        sparse than its mean: only the MAP has exact zeros.
    sigma_ : float
        The fixed noise scale, its MAP, or its posterior mean.
    map_ : MapResult
        The MAP result with its certificate (``"map"`` only).
    idata_ : xarray.DataTree
        ``posterior`` (``beta``, ``intercept``, ``sigma`` and the prior's hyperparameters),
        ``posterior_predictive``, ``log_likelihood``, ``sample_stats``, ``observed_data`` and
        ``constant_data`` (``"nuts"`` only), as sampled: on the fitted scale. ``idata_.attrs``
        says which: ``"coefficient_scale"`` (``"standardized"`` or ``"original"``),
        ``"standardized"`` (bool), and ``"x_center"`` / ``"x_scale"`` (lists, one entry per
        feature; zeros and ones without ``standardize``), with which the original-scale draws are
        ``beta / x_scale`` and ``intercept - (beta / x_scale) @ x_center``; also
        ``"nuts_sampler"`` and ``"target_accept"``.
    diagnostics_ : Diagnostics
        Divergences, r_hat and ESS (``"nuts"`` only); each problem was also raised as a
        :class:`~bayesreg.inference.sampling.SamplingWarning`.
    nuts_sampler_ : str
        The NUTS implementation used (``"nuts"`` only).
    model_ : pymc.Model
        The PyMC model (``pm.Data`` containers ``"X"``, ``"y"``, the prior's parameters and a
        fixed ``"sigma"``), for the user to inspect or extend.
    equivalent_penalty_ : sklearn estimator
        Unfitted ``Ridge`` / ``Lasso`` / ``ElasticNet`` whose solution the MAP is, at ``sigma_``
        (``"map"`` only).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` had string column names.
    """

    def __init__(
        self,
        prior,
        *,
        sigma=None,
        fit_intercept=True,
        standardize=False,
        method="map",
        draws=1000,
        tune=1000,
        chains=4,
        cores=None,
        random_seed=None,
        nuts_sampler=None,
        target_accept=None,
        progressbar=True,
    ):
        self.prior = prior
        self.sigma = sigma
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

    def _check_params(self):
        prior = check_prior(self.prior)
        if isinstance(self.sigma, str):
            if self.sigma != "auto":
                raise TypeError(f"sigma must be a positive number, 'auto' or None, got {self.sigma!r}")
            sigma = "auto"
        else:
            sigma = None if self.sigma is None else check_positive(self.sigma, "sigma")
        check_bool(self.fit_intercept, "fit_intercept")
        check_bool(self.standardize, "standardize")
        if self.method not in _METHODS:
            raise ValueError(f"method must be one of {_METHODS}, got {self.method!r}")
        if self.method == "map" and not prior.has_penalty_twin:
            raise ValueError(
                f"prior={prior!r} is hierarchical: it has no penalty twin and no exact MAP here; use method='nuts'"
            )
        if self.method == "nuts":
            check_count(self.draws, "draws")
            check_count(self.tune, "tune", minimum=0)
            check_count(self.chains, "chains")
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
        return prior, sigma

    def fit(self, X, y):
        """Fit the MAP or sample the posterior. Returns self.

        Every parameter is checked before anything is compiled; on any error the estimator is
        left exactly as it was before the call.
        """
        before = self.__dict__.copy()
        try:
            return self._fit(X, y)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    def _fit(self, X, y):
        prior, sigma = self._check_params()
        y = check_numeric_target(y)
        check_feature_columns(X)  # names a non-numeric, complex or non-finite column before validate_data
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2, y_numeric=True)
        n, p = X.shape
        if self.method == "map" and sigma is None and n <= p + int(self.fit_intercept):
            raise ValueError(
                f"sigma=None needs n_samples > n_features + fit_intercept (got n_samples={n}, "
                f"n_features={p}): the joint MAP of beta and sigma does not exist otherwise; "
                "give a fixed sigma or use method='nuts'"
            )
        if sigma is None and n <= 1 + int(self.fit_intercept):
            raise ValueError(f"sigma=None needs n_samples > 1 + fit_intercept to learn sigma, got n_samples={n}")
        # glmnet's convention for a MAP without intercept: a constant column gets coefficient 0
        standardization = Standardization.from_data(
            X,
            standardize=self.standardize,
            fit_intercept=self.fit_intercept,
            zero_constant_columns=self.method == "map",
        )
        X_fit = standardization.apply(X)
        sigma = self._noise_scale(sigma, X_fit, y)
        for stale in _METHOD_ATTRIBUTES:
            self.__dict__.pop(stale, None)
        self._standardization = standardization
        names = getattr(self, "feature_names_in_", None)
        rm = build_model(
            X_fit,
            y,
            prior,
            likelihood=Gaussian(sigma=sigma, sigma_prior=prior.sigma_prior),
            fit_intercept=self.fit_intercept,
            feature_names=None if names is None else list(names),
        )
        self.model_ = rm.model
        if self.method == "map":
            self._fit_map(rm, n)
        else:
            self._fit_nuts(rm)
        return self

    def _noise_scale(self, sigma, X_fit, y):
        """The fixed sigma to use: the data's estimate for ``"auto"``; a far-off fixed value is warned about."""
        if sigma is None:
            return None
        if sigma == "auto":
            return estimate_noise_scale(X_fit, y, fit_intercept=self.fit_intercept).sigma
        try:
            estimate = estimate_noise_scale(X_fit, y, fit_intercept=self.fit_intercept)
        except ValueError:  # y fit exactly: nothing to compare with
            return sigma
        ratio = sigma / estimate.sigma
        if not 1.0 / SIGMA_MISMATCH_FACTOR <= ratio <= SIGMA_MISMATCH_FACTOR:
            warn(
                f"sigma={sigma:.4g} is {max(ratio, 1 / ratio):.3g} times {'larger' if ratio > 1 else 'smaller'} than "
                f"the residual sd of a {estimate.method} fit to these data ({estimate.sigma:.4g}): the posterior "
                f"will be too {'wide' if ratio > 1 else 'narrow'} (intervals that do not cover the data), and a prior "
                "scale chosen for a penalty means another penalty at this sigma. Use sigma='auto' to fix it at "
                f"{estimate.sigma:.4g}, sigma=None to learn it, or a value near it.",
                UserWarning,
            )
        return sigma

    def _fit_map(self, rm, n):
        result, _ = MapSolver(rm).solve()
        self._set_map(result, n)

    def _set_map(self, result: MapResult, n: int) -> None:
        coef = self._standardization.coef(result.coef)
        self.map_ = result
        self.sigma_ = result.sigma
        self.coef_ = coef
        self.intercept_ = float(self._standardization.intercept(result.intercept, coef)) if self.fit_intercept else 0.0
        try:
            self.equivalent_penalty_ = self.prior.to_sklearn(sigma=result.sigma, n_samples=n)
        except ValueError:
            # the MAP is exact, but its alpha (sigma^2 / (n b), ...) under- or overflows float64
            self.equivalent_penalty_ = None
        else:
            self.equivalent_penalty_.set_params(fit_intercept=self.fit_intercept)

    def _fit_nuts(self, rm):
        idata = sample_posterior(
            rm,
            draws=self.draws,
            tune=self.tune,
            chains=self.chains,
            cores=self.cores,
            random_seed=self.random_seed,
            nuts_sampler=self.nuts_sampler,
            target_accept=self.target_accept,
            progressbar=self.progressbar,
        )
        # which scale the draws are on, and the transform back to X's own (as _draws applies it)
        idata.attrs["standardized"] = bool(self.standardize)
        idata.attrs["coefficient_scale"] = "standardized" if self.standardize else "original"
        idata.attrs["x_center"] = [float(v) for v in self._standardization.center]
        idata.attrs["x_scale"] = [float(v) for v in self._standardization.scale]
        if rm.likelihood.fixed_sigma:  # the value used (sigma="auto" estimates it from the data)
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
        self.nuts_sampler_ = idata.attrs.get("nuts_sampler", "pymc")
        beta, intercept, sigma = self._draws()
        self.coef_ = beta.mean(axis=0)
        self.coef_median_ = np.median(beta, axis=0)
        self.intercept_ = float(intercept.mean()) if intercept is not None else 0.0
        self.intercept_median_ = float(np.median(intercept)) if intercept is not None else 0.0
        self.sigma_ = float(sigma.mean())

    def _draws(self):
        """Posterior draws on the original scale: beta (S, p), intercept (S,) or None, sigma (S,)."""
        posterior = self.idata_["posterior"]
        beta = self._standardization.coef(posterior["beta"].values.reshape(-1, self.n_features_in_))
        intercept = None
        if self.fit_intercept:
            intercept = self._standardization.intercept(posterior["intercept"].values.reshape(-1), beta)
        if "sigma" in posterior:
            sigma = posterior["sigma"].values.reshape(-1)
        else:
            sigma = np.full(beta.shape[0], float(self.idata_.attrs.get("fixed_sigma", self.sigma)))
        return beta, intercept, sigma

    def _check_predict_input(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float64, reset=False)

    def _require_posterior(self, what: str) -> None:
        if not hasattr(self, "idata_"):
            raise ValueError(f"{what} needs the posterior: fit with method='nuts' (this estimator has method='map')")

    def predict(self, X, return_std: bool = False):
        """Predicted mean, and with ``return_std`` the posterior predictive standard deviation.

        With ``method="map"``: ``X @ coef_ + intercept_`` (``return_std`` is not available).
        With ``method="nuts"``: the mean of the posterior predictive ``E[b0 + x' beta]`` and its
        standard deviation ``sqrt(Var[b0 + x' beta] + E[sigma^2])`` (uncertainty in the
        coefficients plus the noise), both exact for the sampled draws.
        """
        X = self._check_predict_input(X)
        return_std = check_bool(return_std, "return_std")
        if not hasattr(self, "idata_"):
            if return_std:
                self._require_posterior("return_std=True")
            return X @ self.coef_ + self.intercept_
        beta, intercept, sigma = self._draws()
        mean, std = predictive.predictive_mean_std(predictive.linear_predictor_draws(X, beta, intercept), sigma)
        return (mean, std) if return_std else mean

    def predict_interval(self, X, prob: float = 0.9):
        """Central ``prob`` posterior predictive interval for new observations at ``X``.

        The exact quantiles ``(1 - prob)/2`` and ``(1 + prob)/2`` of the mixture of
        ``N(b0_s + x' beta_s, sigma_s^2)`` over the posterior draws. Returns an array (n, 2).
        """
        X = self._check_predict_input(X)
        if isinstance(prob, bool) or not isinstance(prob, int | float | np.floating) or not 0.0 < prob < 1.0:
            raise ValueError(f"prob must be a number in (0, 1), got {prob!r}")
        self._require_posterior("predict_interval")
        beta, intercept, sigma = self._draws()
        mu = predictive.linear_predictor_draws(X, beta, intercept)
        lower = predictive.mixture_quantiles(mu, sigma, (1.0 - prob) / 2.0)
        upper = predictive.mixture_quantiles(mu, sigma, (1.0 + prob) / 2.0)
        return np.column_stack([lower, upper])

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

    # --- persistence -------------------------------------------------------------------------

    def save(self, path) -> Path:
        """Write the fitted estimator to the directory ``path``.

        ``estimator.json`` holds the parameters (the prior as its class and parameters) and the
        fitted point estimates; with ``method="nuts"`` the posterior ``DataTree`` goes to
        ``idata.zarr``. :meth:`load` reads it back and predicts identically.

        The folder is written under a temporary name next to ``path`` and renamed into place,
        replacing an earlier save there: ``path`` never holds a mixed or half-written save, and
        on any failure it is left as it was. A file, or a non-empty folder that is not a save,
        at ``path`` raises a ValueError and is left alone. ``model_`` (the PyMC model) is not
        stored. Returns ``path``. Details: :mod:`bayesreg.estimators.persistence`.
        """
        return save_estimator(self, path)

    @classmethod
    def load(cls, path) -> BayesianRegression:
        """Read an estimator written by :meth:`save`, verifying all of it.

        Restores the parameters and every fitted attribute but ``model_`` (refit for the
        PyMC model). The format version, the fields and their types, array shapes, the stored
        posterior and the sha256 checksums written at save time are checked: anything wrong
        raises a ValueError naming the file and the problem.
        """
        return load_estimator(cls, path)

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
