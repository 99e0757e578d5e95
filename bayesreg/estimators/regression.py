"""scikit-learn compatible estimators over the model builder, the MAP solver and the posterior samplers."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.validation import validate_data

from bayesreg._validation import check_bool, check_feature_columns, check_numeric_target, check_positive
from bayesreg._warnings import warn
from bayesreg.data._dask import is_dask
from bayesreg.data.design import Standardization
from bayesreg.data.noise import SIGMA_MISMATCH_FACTOR, estimate_noise_scale
from bayesreg.estimators._chunked import on_row_chunks
from bayesreg.estimators.base import BayesianLinearModel
from bayesreg.estimators.persistence import load_estimator, save_estimator
from bayesreg.inference.sampling import CHAINS, DRAWS, TUNE
from bayesreg.inference.summaries import interval_bounds
from bayesreg.likelihoods import DEFAULT_NU, REGRESSION_LIKELIHOODS, Gaussian, StudentT, predictive
from bayesreg.optimize.map import MapResult, MapSolver

__all__ = ["BayesianRegression"]


#: set by :func:`sigma_already_checked` around fits whose fixed sigma the caller has just estimated from these data (or
#: deliberately fixed): the comparison with the data's estimate is then skipped, not computed a second time
_SIGMA_CHECKED: ContextVar[bool] = ContextVar("bayesreg_sigma_checked", default=False)


@contextmanager
def sigma_already_checked():
    """Within this block, a fixed ``sigma`` is not compared with the data's own noise estimate (library use only:
    :class:`~bayesreg.BayesianRegressionCV` states its prior at the estimate it has just computed)."""
    token = _SIGMA_CHECKED.set(True)
    try:
        yield
    finally:
        _SIGMA_CHECKED.reset(token)


class BayesianRegression(RegressorMixin, BayesianLinearModel):
    """Linear regression with a prior on the coefficients: exact MAP or full posterior (Gibbs or NUTS).

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
    ``Lasso`` or ``ElasticNet``). With a posterior method (``"sample"``, ``"gibbs"``, ``"nuts"``) the
    posterior is sampled and the coefficients are posterior means.

    Parameters
    ----------
    prior : Prior or ShrinkagePrior
        A penalty prior (``bayesreg.Normal``, ``Laplace``, ``ElasticNet``), or, with
        a posterior method only, a hierarchical one (``BayesianLasso``, ``HierarchicalNormal``,
        ``Horseshoe``, ``HorseshoePlus``, ``RegularizedHorseshoe``, ``BayesianElasticNet``).
    sigma : float, "auto" or None, default=None
        Fixed noise scale (the penalized-fit case). A fixed value more than a factor of 3 away
        from the data's own estimate (below) gets a ``UserWarning``: it makes the posterior too
        narrow or too wide, and the prior scale means another penalty than intended. When
        ``n <= p + 1`` only a value 3 times above it is warned about: that estimate is a ridge's
        leave-one-out error, which exceeds the noise when the signal is sparse.
        ``"auto"`` fixes sigma at that estimate: the unbiased residual sd of least squares,
        ``sqrt(RSS / (n - p - 1))``, or, when ``n <= p + 1``, the leave-one-out error of a
        cross-validated ridge (:func:`bayesreg.data.noise.estimate_noise_scale`); ``sigma_`` holds it.
        None gives sigma a prior: the prior's own choice, ``p(sigma^2) proportional to
        1 / sigma^2`` for ``BayesianLasso`` and ``BayesianElasticNet`` (as in their papers),
        otherwise a weakly informative ``HalfNormal(sd(y))``. For the MAP the global joint mode
        of ``(b0, beta, sigma)`` is then reported with ``equivalent_penalty_``, the penalized fit
        that has the same solution at the fitted sigma; it needs ``n_samples > n_features + 1``.
    likelihood : {"normal", "student_t"}, default="normal"
        The distribution of ``y`` around ``b0 + x' beta``: normal, or Student-t with ``nu`` degrees of freedom and
        scale ``sigma`` (:class:`bayesreg.StudentT`), whose heavy tails make the fit robust to outliers. The
        Student-t MAP needs a fixed ``sigma`` and ``nu``; the posterior can then have several modes, and the MAP is
        the better of those reached by monotone descent from the penalized least-squares fit and from the median of
        ``y`` with zero coefficients (``map_.n_modes`` says whether they differed; it has no
        ``equivalent_penalty_``); with a posterior method either may be
        learned. ``sigma="auto"`` is refused with it (least squares, which outliers inflate).
    nu : float or None, default=4.0
        The Student-t degrees of freedom (``likelihood="student_t"`` only: another value with the normal likelihood
        is not used, and a UserWarning says so); None gives ``nu`` a ``Gamma(2, 0.1)``
        prior (a posterior method).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (flat prior).
    standardize : bool, default=False
        Fit on columns scaled to unit (population) standard deviation, centred when an
        intercept is fitted. The prior then acts on ``sd_j * beta_j`` (glmnet's
        ``standardize=TRUE``). ``coef_``, ``intercept_``, predictions and :meth:`summary` are on
        the original scale; ``map_`` and ``idata_`` are on the fitted (standardized) scale, as
        ``idata_.attrs`` records (``summary(scale="fitted")`` summarizes them as stored).
    method : {"map", "sample", "gibbs", "nuts"}, default="map"
        Exact MAP, or the full posterior: ``"sample"`` by the fastest exact sampler for the model (a compiled Gibbs
        kernel for the normal likelihood with a penalty prior, ``BayesianLasso``, ``HierarchicalNormal``,
        ``Horseshoe`` or ``HorseshoePlus``, and for the Student-t with a horseshoe; NUTS otherwise, where it is
        the faster: ``idata_.attrs["sampler_reason"]`` says why), ``"gibbs"`` (refused, naming why, for a model
        without a kernel; the Student-t has one for every prior the normal has) or ``"nuts"``
        (:func:`bayesreg.inference.sampling.sample_posterior`).
    draws, tune, chains : int, default=1000, 1000, 4
        Draws kept per chain, tuning steps (NUTS) or burn-in sweeps (Gibbs) per chain, number of chains.
    cores : int or None, default=None
        Chains run at once (None: one per core available, at most one per chain).
    random_seed : int or None, default=None
        The same seed gives identical draws.
    nuts_sampler : {None, "pymc", "nutpie"}, default=None
        NUTS only: None picks the faster one installed for the model at hand
        (:func:`bayesreg.inference.sampling.choose_sampler`).
    target_accept : float or None, default=None
        NUTS only: step-size adaptation target in (0, 1); None takes the prior's recommendation
        (0.99 for the horseshoes and ``RegularizedHorseshoe``, otherwise 0.8).
    progressbar : bool, default=True
        Show the sampler's progress (one bar for all Gibbs chains) and PyMC's log lines.
    store_log_likelihood, store_predictive : {"auto", True, False}, default="auto"
        Keep the pointwise log likelihood (for ``arviz.loo``) and the posterior predictive draws at the training
        rows in ``idata_``; ``"auto"`` keeps each while it holds at most 2e7 values (chains x draws x n).

    Attributes
    ----------
    coef_ : ndarray (n_features,)
        MAP coefficients (exactly 0.0 where inactive), or posterior means (posterior methods).
    intercept_ : float
        MAP or posterior mean of the intercept.
    coef_median_, intercept_median_ : ndarray, float
        Posterior medians (posterior methods only). The posterior median of a Laplace model is no more
        sparse than its mean: only the MAP has exact zeros.
    sigma_ : float
        The fixed noise scale, its MAP, or its posterior mean.
    map_ : MapResult
        The MAP result with its certificate (``"map"`` only).
    idata_ : xarray.DataTree
        ``posterior`` (``beta``, ``intercept``, ``sigma`` and the prior's hyperparameters),
        ``posterior_predictive``, ``log_likelihood``, ``sample_stats``, ``observed_data`` and
        ``constant_data`` (posterior methods only; the two per-observation groups as ``store_*`` say), as
        sampled: on the fitted scale. ``idata_.attrs``
        says which: ``"coefficient_scale"`` (``"standardized"`` or ``"original"``),
        ``"standardized"`` (bool), and ``"x_center"`` / ``"x_scale"`` (lists, one entry per
        feature; zeros and ones without ``standardize``), with which the original-scale draws are
        ``beta / x_scale`` and ``intercept - (beta / x_scale) @ x_center``; also
        ``"sampler"`` and ``"sampler_reason"``, and ``"nuts_sampler"`` and ``"target_accept"`` after NUTS.
    diagnostics_ : Diagnostics
        Divergences, r_hat and ESS (posterior methods only); each problem was also raised as a
        :class:`~bayesreg.inference.sampling.SamplingWarning`.
    sampler_ : str
        ``"gibbs"`` or ``"nuts"``: the sampler that drew ``idata_`` (``idata_.attrs["sampler_reason"]`` says why).
    nuts_sampler_ : str or None
        The NUTS implementation used; None after a Gibbs run.
    model_ : pymc.Model
        The PyMC model (``pm.Data`` containers ``"X"``, ``"y"``, the prior's parameters and a
        fixed ``"sigma"``), for the user to inspect or extend.
    equivalent_penalty_ : sklearn estimator or None
        Unfitted ``Ridge`` / ``Lasso`` / ``ElasticNet`` whose solution the MAP is, at ``sigma_``
        (``"map"`` only); with ``standardize=True``, its solution on the standardized columns (fit it to
        ``StandardScaler(with_mean=fit_intercept)``'s output). None where scikit-learn has no such fit: a prior
        with a ``penalty_factor``, ``likelihood="student_t"``, or an alpha beyond float64.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` had string column names.
    """

    def __init__(
        self,
        prior,
        *,
        sigma=None,
        likelihood="normal",
        nu=DEFAULT_NU,
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
        self.sigma = sigma
        self.likelihood = likelihood
        self.nu = nu
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

    def _check_params(self):
        prior = self._check_common_params()
        if isinstance(self.sigma, str):
            if self.sigma != "auto":
                raise TypeError(f"sigma must be a positive number, 'auto' or None, got {self.sigma!r}")
            sigma = "auto"
        else:
            sigma = None if self.sigma is None else check_positive(self.sigma, "sigma")
        if self.likelihood not in REGRESSION_LIKELIHOODS:
            raise ValueError(f"likelihood must be one of {REGRESSION_LIKELIHOODS}, got {self.likelihood!r}")
        if self.likelihood == "student_t":
            nu = None if self.nu is None else check_positive(self.nu, "nu")
            if sigma == "auto":
                raise ValueError(
                    "sigma='auto' estimates sigma by least squares, which outliers inflate: with "
                    "likelihood='student_t' give a fixed sigma, or sigma=None (learned) with method='sample'"
                )
            if self.method == "map" and (sigma is None or nu is None):
                raise ValueError(
                    f"likelihood='student_t' with method='map' needs a fixed sigma and nu (got sigma={sigma!r}, "
                    f"nu={nu!r}): the MAP is computed at fixed values; to learn them use method='sample'"
                )
        elif self.nu is None or self.nu != DEFAULT_NU:
            # warned, not refused: a grid search over likelihood with another nu fits its normal candidates too
            warn(
                f"nu={self.nu!r} is the Student-t degrees of freedom and is not used with "
                f"likelihood={self.likelihood!r} (set likelihood='student_t' to use it)"
            )
        return prior, sigma

    def _fit(self, X, y, sample_weight=None):
        prior, sigma = self._check_params()
        statistics = None
        if any(is_dask(value) for value in (X, y, sample_weight)):
            if self.likelihood != "normal":
                raise ValueError(
                    f"likelihood={self.likelihood!r} on Dask input: only the Gaussian likelihood is a function of the "
                    "data's sufficient statistics, which is how bayesreg fits data larger than memory; use "
                    "likelihood='normal', or fit in memory (X.compute(), y.compute())"
                )
            self._check_dask_fit(X, Gaussian())
            # with an intercept, rows less their means: their values keep every digit of the spread even where the
            # means are far from 0 (1e9 + rows of spread 1e-3), and the means only shift the intercept
            X, y, sample_weight, statistics = self._summarize(X, y, sample_weight, centred=self.fit_intercept)
        y = check_numeric_target(y)
        check_feature_columns(X)  # names a non-numeric, complex or non-finite column before validate_data
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2, y_numeric=True)
        n, p = X.shape
        sample_weight = self._sample_weight(sample_weight, n)
        if statistics is not None:
            n = n_used = statistics.n_rows
        else:
            n_used = n if sample_weight is None else int(np.count_nonzero(sample_weight))
        if self.method == "map" and sigma is None and n_used <= p + int(self.fit_intercept):
            raise ValueError(
                f"sigma=None needs n_samples > n_features + fit_intercept (got n_samples={n_used}"
                f"{'' if sample_weight is None else ' of positive weight'}, "
                f"n_features={p}): the joint MAP of beta and sigma does not exist otherwise; "
                "give a fixed sigma or use method='sample'"
            )
        if sigma is None and n <= 1 + int(self.fit_intercept):
            raise ValueError(f"sigma=None needs n_samples > 1 + fit_intercept to learn sigma, got n_samples={n}")
        X_fit = self._standardize(X, sample_weight)
        if statistics is not None and self.fit_intercept:  # fitted to the centred rows: back to the data's scale
            fitted = self._standardization
            self._standardization = Standardization(
                statistics.x_mean + fitted.center, fitted.scale, float(statistics.y_mean)
            )
        sigma = self._noise_scale(sigma, X_fit, y, sample_weight)
        if self.likelihood == "student_t":
            likelihood = StudentT(nu=self.nu, sigma=sigma)
        else:
            likelihood = Gaussian(sigma=sigma, sigma_prior=prior.sigma_prior)
        rm = self._build(X_fit, y, prior, likelihood, sample_weight=sample_weight, statistics=statistics)
        if self.method == "map":
            self._fit_map(rm, self._n_samples(X, sample_weight))
        else:
            self._fit_posterior(rm)
        return self

    def _noise_scale(self, sigma, X_fit, y, sample_weight=None):
        """The fixed sigma to use: the data's estimate for ``"auto"``; a far-off fixed value is warned about."""
        if sigma is None:
            return None
        if sigma == "auto":
            return estimate_noise_scale(X_fit, y, fit_intercept=self.fit_intercept, sample_weight=sample_weight).sigma
        if self.likelihood == "student_t" or _SIGMA_CHECKED.get():
            # student_t: outliers inflate the least-squares estimate it would be compared with
            return sigma
        try:
            estimate = estimate_noise_scale(X_fit, y, fit_intercept=self.fit_intercept, sample_weight=sample_weight)
        except ValueError:  # y fit exactly: nothing to compare with
            return sigma
        ratio = sigma / estimate.sigma
        # with n <= p + 1 the estimate is a ridge's leave-one-out error, which carries the ridge's bias: far above the
        # noise when a sparse signal is what a ridge cannot fit, so only a sigma well above it is suspicious
        lower = 0.0 if estimate.method == "ridge LOO" else 1.0 / SIGMA_MISMATCH_FACTOR
        if not lower <= ratio <= SIGMA_MISMATCH_FACTOR:
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
        if self.likelihood == "student_t":  # no penalized fit in scikit-learn has a Student-t data term
            self.equivalent_penalty_ = None
            return
        # None also when the MAP is exact but its alpha (sigma^2 / (n b), ...) under- or overflows float64
        self.equivalent_penalty_ = self._equivalent_penalty(self.prior, sigma=result.sigma, n_samples=n)

    def _set_posterior(self, idata) -> None:
        super()._set_posterior(idata)
        self.sigma_ = float(self._draws()[2].mean())

    def _draws(self):
        """Posterior draws on the original scale: beta (S, p), intercept (S,) or None, sigma (S,)."""
        beta, intercept = self._coefficient_draws()
        posterior = self.idata_["posterior"]
        if "sigma" in posterior:
            sigma = posterior["sigma"].values.reshape(-1)
        else:
            sigma = np.full(beta.shape[0], float(self.idata_.attrs.get("fixed_sigma", self.sigma)))
        return beta, intercept, sigma

    def _nu_draws(self, n_draws: int) -> np.ndarray | None:
        """The Student-t degrees of freedom of each draw (None for the normal likelihood)."""
        if self.likelihood != "student_t":
            return None
        posterior = self.idata_["posterior"]
        if "nu" in posterior:
            return posterior["nu"].values.reshape(-1)
        return np.full(n_draws, float(self.nu))

    @on_row_chunks
    def predict(self, X, return_std: bool = False):
        """Predicted mean, and with ``return_std`` the posterior predictive standard deviation.

        With ``method="map"``: ``X @ coef_ + intercept_`` (``return_std`` is not available).
        With a posterior method: the mean of the posterior predictive ``E[b0 + x' beta]`` and its
        standard deviation ``sqrt(Var[b0 + x' beta] + E[sigma^2])`` (uncertainty in the
        coefficients plus the noise), both exact for the sampled draws; with ``likelihood="student_t"`` the noise
        term is ``E[sigma^2 nu / (nu - 2)]``, infinite when draws have ``nu <= 2`` (no variance).
        """
        X = self._check_predict_input(X)
        return_std = check_bool(return_std, "return_std")
        if not hasattr(self, "idata_"):
            if return_std:
                self._require_posterior("return_std=True")
            return X @ self.coef_ + self.intercept_
        beta, intercept, sigma = self._draws()
        mu = predictive.linear_predictor_draws(X, beta, intercept)
        mean, std = predictive.predictive_mean_std(mu, sigma, self._nu_draws(sigma.size))
        return (mean, std) if return_std else mean

    @on_row_chunks
    def predict_interval(self, X, prob: float = 0.9):
        """Central ``prob`` posterior predictive interval for new observations at ``X``.

        The exact quantiles ``(1 - prob)/2`` and ``(1 + prob)/2`` of the mixture of
        ``N(b0_s + x' beta_s, sigma_s^2)`` (``t_{nu_s}(b0_s + x' beta_s, sigma_s)`` with ``likelihood="student_t"``)
        over the posterior draws. Returns an array (n, 2).
        """
        X = self._check_predict_input(X)
        lower_q, upper_q = interval_bounds(prob)
        self._require_posterior("predict_interval")
        beta, intercept, sigma = self._draws()
        mu = predictive.linear_predictor_draws(X, beta, intercept)
        nu = self._nu_draws(sigma.size)
        lower = predictive.mixture_quantiles(mu, sigma, lower_q, nu=nu)
        upper = predictive.mixture_quantiles(mu, sigma, upper_q, nu=nu)
        return np.column_stack([lower, upper])

    # --- persistence -------------------------------------------------------------------------

    def save(self, path) -> Path:
        """Write the fitted estimator to the directory ``path``.

        ``estimator.json`` holds the parameters (the prior as its class and parameters) and the
        fitted point estimates; with a posterior method the posterior ``DataTree`` goes to
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
