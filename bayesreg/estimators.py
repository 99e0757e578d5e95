"""scikit-learn compatible estimators over the model builder and the MAP solver."""

from __future__ import annotations

import pickle

import cloudpickle
import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from bayesreg._validation import check_bool, check_numeric_target, check_prior
from bayesreg.conversions import check_positive
from bayesreg.likelihoods import Gaussian
from bayesreg.map import MapSolver
from bayesreg.model import build_model

__all__ = ["BayesianRegression"]

_METHODS = ("map",)


class BayesianRegression(RegressorMixin, BaseEstimator):
    """Linear regression with a prior on the coefficients, fitted by its exact MAP.

    The model is

    .. math::

        y_i \\sim \\mathcal N(b_0 + x_i^\\top \\beta, \\sigma^2), \\qquad
        \\beta_j \\sim \\text{prior}, \\qquad p(b_0) \\propto 1,

    and the MAP estimate minimizes the negative log posterior

    .. math::

        \\frac{1}{2\\sigma^2}\\|y - b_0 - X\\beta\\|^2 + n\\log\\sigma - \\log p(\\sigma)
        + \\ell_1\\|\\beta\\|_1 + \\ell_2\\|\\beta\\|_2^2,

    with ``(l1, l2)`` the prior's penalty weights. With a fixed ``sigma`` this is exactly the
    scikit-learn fit returned by ``prior.to_sklearn(sigma=sigma, n_samples=n)`` (``Ridge``,
    ``Lasso`` or ``ElasticNet``).

    Parameters
    ----------
    prior : Prior
        ``bayesreg.Normal``, ``bayesreg.Laplace`` or ``bayesreg.ElasticNet``.
    sigma : float or None, default=None
        Fixed noise scale (the penalized-fit case). None gives sigma a weakly informative
        ``HalfNormal(sd(y))`` prior; the joint MAP of ``(b0, beta, sigma)`` is then reported with
        ``equivalent_penalty_``, the penalized fit that has the same solution at the fitted sigma.
        It needs ``n_samples > n_features + 1``: otherwise the joint density is unbounded
        (``sigma -> 0`` with an interpolating fit).
    fit_intercept : bool, default=True
        Fit an unpenalized intercept (flat prior).
    standardize : bool, default=False
        Fit on columns scaled to unit (population) standard deviation, centred when an
        intercept is fitted. The prior then acts on ``sd_j * beta_j``, i.e. on the original
        scale ``beta_j`` has the prior scale divided by ``sd_j`` (glmnet's ``standardize=TRUE``).
        ``coef_`` and ``intercept_`` are reported on the original scale.
    method : {"map"}, default="map"
        Fitting method.

    Attributes
    ----------
    coef_ : ndarray (n_features,)
        MAP coefficients on the original scale; exactly 0.0 where inactive.
    intercept_ : float
    sigma_ : float
        The fixed or fitted noise scale.
    map_ : MapResult
        The MAP result on the fitted (standardized if so) scale, with its certificate.
    model_ : pymc.Model
        The PyMC model (``pm.Data`` containers ``"X"``, ``"y"``, the prior's parameters and a
        fixed ``"sigma"``), for the user to inspect or extend.
    equivalent_penalty_ : sklearn estimator
        Unfitted ``Ridge`` / ``Lasso`` / ``ElasticNet`` whose solution the MAP is, at ``sigma_``
        (on the standardized columns when ``standardize=True``).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when ``X`` had string column names.
    """

    def __init__(self, prior, *, sigma=None, fit_intercept=True, standardize=False, method="map"):
        self.prior = prior
        self.sigma = sigma
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.method = method

    def _check_params(self):
        prior = check_prior(self.prior)
        sigma = None if self.sigma is None else check_positive(self.sigma, "sigma")
        fit_intercept = check_bool(self.fit_intercept, "fit_intercept")
        standardize = check_bool(self.standardize, "standardize")
        if self.method not in _METHODS:
            raise ValueError(f"method must be one of {_METHODS}, got {self.method!r}")
        return prior, sigma, fit_intercept, standardize

    def fit(self, X, y):
        """Fit the MAP estimate. Returns self.

        On any error the estimator is left exactly as it was before the call.
        """
        before = self.__dict__.copy()
        try:
            return self._fit(X, y)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    def _fit(self, X, y):
        prior, sigma, fit_intercept, standardize = self._check_params()
        y = check_numeric_target(y)
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2, y_numeric=True)
        n, p = X.shape
        if sigma is None and n <= p + int(fit_intercept):
            raise ValueError(
                f"sigma=None needs n_samples > n_features + fit_intercept (got n_samples={n}, "
                f"n_features={p}): the joint MAP of beta and sigma does not exist otherwise; "
                "give a fixed sigma"
            )
        center = X.mean(axis=0) if (standardize and fit_intercept) else np.zeros(p)
        scale = np.ones(p)
        if standardize:
            sd = X.std(axis=0)
            scale = np.where(sd > 0, sd, 1.0)
        Xs = (X - center) / scale
        names = getattr(self, "feature_names_in_", None)
        rm = build_model(
            Xs,
            y,
            prior,
            likelihood=Gaussian(sigma=sigma),
            fit_intercept=fit_intercept,
            feature_names=None if names is None else list(names),
        )
        result, _ = MapSolver(rm).solve()
        coef = result.coef / scale
        intercept = result.intercept - float(center @ coef) if fit_intercept else 0.0
        self.model_ = rm.model
        self.map_ = result
        self.sigma_ = result.sigma
        self.coef_ = coef
        self.intercept_ = intercept
        self.equivalent_penalty_ = prior.to_sklearn(sigma=result.sigma, n_samples=n)
        self.equivalent_penalty_.set_params(fit_intercept=fit_intercept)
        return self

    def predict(self, X):
        """``X @ coef_ + intercept_`` (the MAP prediction)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.coef_ + self.intercept_

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


class _CloudPickled:
    def __init__(self, payload: bytes):
        self.payload = payload
