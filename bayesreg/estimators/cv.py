"""Choose the prior's strength by K-fold cross-validation on the exact MAP path (issue 13, first method).

For a grid of strengths ``alpha`` (scikit-learn's units; the grid of :func:`~bayesreg.optimize.paths.alpha_grid` on
the whole data, as ``LassoCV`` chooses it), each fold's training rows get one exact MAP path
(:func:`~bayesreg.optimize.paths.map_path`: warm starts, one compiled objective for every fold of one shape), and
the held-out mean squared error of every strength is averaged over the folds:

.. math::

    \\mathrm{CV}(\\alpha) = \\frac{1}{K} \\sum_k \\mathrm{MSE}_k(\\alpha), \\qquad
    \\mathrm{SE}(\\alpha) = \\frac{\\mathrm{sd}_k\\, \\mathrm{MSE}_k(\\alpha)}{\\sqrt{K}}.

``rule="min"`` takes the strength of smallest ``CV`` (glmnet's ``lambda.min``, ``LassoCV``'s ``alpha_``);
``rule="1se"`` the largest strength whose ``CV`` is within one ``SE`` of that minimum (``lambda.1se``: the
sparsest or most shrunk fit not clearly worse). The chosen ``alpha`` is turned into the prior it equals at the
noise scale ``sigma`` (:func:`~bayesreg.priors.from_sklearn`) and that prior's exact MAP is fitted on all the rows.
"""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import ElasticNet, Lasso, Ridge
from sklearn.model_selection import check_cv
from sklearn.utils.validation import check_is_fitted, validate_data

from bayesreg._validation import check_bool, check_l1_ratio, check_positive, check_sample_weight
from bayesreg._warnings import warn
from bayesreg.data.design import robust_std
from bayesreg.data.noise import estimate_noise_scale
from bayesreg.estimators.regression import BayesianRegression
from bayesreg.optimize.paths import alpha_grid, map_path
from bayesreg.priors import from_sklearn

__all__ = ["BayesianRegressionCV"]

PENALTIES = ("lasso", "elasticnet", "ridge")
RULES = ("min", "1se")


class BayesianRegressionCV(RegressorMixin, BaseEstimator):
    """Linear regression whose prior strength is chosen by K-fold cross-validation of its exact MAP path.

    Parameters
    ----------
    penalty : {"lasso", "elasticnet", "ridge"}, default="lasso"
        The prior: ``Laplace`` (lasso), ``ElasticNet`` or ``Normal`` (ridge); the strengths are the alphas of
        scikit-learn's ``Lasso``, ``ElasticNet`` (mean squared error over 2) or ``Ridge`` (sum of squares).
    l1_ratio : float in (0, 1], default=0.5
        ``penalty="elasticnet"`` only.
    alphas : int or array-like, default=100
        The strengths tried: an int is the number of them on the grid of
        :func:`~bayesreg.optimize.paths.alpha_grid` on all the rows (``LassoCV``'s grid for the lasso and the elastic
        net, and its meaning of an int ``alphas``); an array, the strengths themselves (at least 2, distinct).
    cv : int, cross-validation splitter or iterable, default=5
        As scikit-learn's ``check_cv`` takes it (an int: ``KFold`` without shuffling); a group splitter takes the
        ``groups`` of :meth:`fit`.
    rule : {"min", "1se"}, default="min"
        The strength of smallest mean held-out error, or the largest within one standard error of it.
    sigma : float or "auto", default="auto"
        The Gaussian noise scale at which the chosen ``alpha`` becomes a prior (``prior_``); the MAP at a given
        ``alpha`` does not depend on it (so a fixed value far from the data's is not warned about here).
        ``"auto"``: the residual sd of least squares (or of a cross-validated ridge
        when ``n <= p + 1``), :func:`bayesreg.data.noise.estimate_noise_scale`.
    fit_intercept : bool, default=True
        An unpenalized intercept (flat prior).
    n_jobs : int or None, default=None
        Folds run at once (joblib).

    Attributes
    ----------
    alphas_ : ndarray (n_alphas,)
    mse_path_ : ndarray (n_alphas, n_folds)
        Held-out mean squared error of every strength in every fold (``LassoCV``'s layout).
    cv_mean_, cv_se_ : ndarray (n_alphas,)
        Its mean over the folds and the standard error of that mean.
    alpha_min_, alpha_1se_ : float
        The strengths the two rules choose; ``alpha_`` is the one ``rule`` chose.
    prior_ : Prior
        The prior equal to the penalty at ``alpha_`` and ``sigma_``.
    estimator_ : BayesianRegression
        Its exact MAP fitted on all the rows (``coef_``, ``intercept_``, ``map_`` with its certificate). For the
        posterior at the chosen strength fit ``BayesianRegression(cv.prior_, sigma=cv.sigma_, method="sample")``.
    coef_, intercept_, sigma_, n_features_in_, feature_names_in_

    Notes
    -----
    The held-out error of a strength is the unweighted mean of the folds' mean squared errors, as in ``LassoCV``
    (glmnet weights the folds by their sizes; with equal folds both are the same). A list of ``l1_ratio`` values
    (``ElasticNetCV``'s) is not taken yet. A chosen strength at an end of the grid is warned
    about: the best one may lie beyond it.
    """

    def __init__(
        self,
        penalty: str = "lasso",
        *,
        l1_ratio: float = 0.5,
        alphas=100,
        cv=5,
        rule: str = "min",
        sigma="auto",
        fit_intercept: bool = True,
        n_jobs: int | None = None,
    ):
        self.penalty = penalty
        self.l1_ratio = l1_ratio
        self.alphas = alphas
        self.cv = cv
        self.rule = rule
        self.sigma = sigma
        self.fit_intercept = fit_intercept
        self.n_jobs = n_jobs

    def _check_params(self) -> float:
        if self.penalty not in PENALTIES:
            raise ValueError(f"penalty must be one of {PENALTIES}, got {self.penalty!r}")
        if self.rule not in RULES:
            raise ValueError(f"rule must be one of {RULES}, got {self.rule!r}")
        check_bool(self.fit_intercept, "fit_intercept")
        if isinstance(self.sigma, str) or self.sigma is None:
            if self.sigma != "auto":
                raise ValueError(f"sigma must be a positive number or 'auto', got {self.sigma!r}")
        else:
            check_positive(self.sigma, "sigma")
        return check_l1_ratio(self.l1_ratio) if self.penalty == "elasticnet" else 1.0

    def fit(self, X, y, sample_weight=None, groups=None):
        """Cross-validate the MAP path, choose ``alpha_`` by ``rule``, fit its prior's MAP on all the rows.

        ``sample_weight`` (n,): frequency weights, in every fold's path (``n`` their sum, as in scikit-learn's
        weighted ``Lasso``) and in its held-out error (a weighted mean of the squared errors), as ``LassoCV`` takes
        them. ``groups`` (n,): the group labels a group splitter (``GroupKFold``, ...) given as ``cv`` needs."""
        rho = self._check_params()
        X_given = X
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2, y_numeric=True)
        weight = check_sample_weight(sample_weight, X.shape[0])
        path_kwargs = {"penalty": self.penalty, "l1_ratio": rho, "fit_intercept": self.fit_intercept}
        if isinstance(self.alphas, Integral) and not isinstance(self.alphas, bool):
            if self.alphas < 2:
                raise ValueError(f"alphas: cross-validation needs at least 2 strengths, got alphas={self.alphas!r}")
            alphas = alpha_grid(X, y, n_alphas=int(self.alphas), sample_weight=weight, **path_kwargs)
        else:
            given = np.asarray(self.alphas, dtype=float)
            if given.ndim != 1:
                raise ValueError(f"alphas must be an int or a 1-D array of strengths, got shape {given.shape}")
            for alpha in given:
                check_positive(alpha, "alphas")
            alphas = np.unique(given)[::-1]  # distinct, decreasing: warm starts along the path
            if alphas.size < 2:
                raise ValueError(f"alphas: cross-validation needs at least 2 distinct strengths, got {given.tolist()}")
        folds = list(check_cv(self.cv).split(X, y, groups))
        errors = Parallel(n_jobs=self.n_jobs)(
            delayed(_held_out_errors)(X, y, weight, train, test, alphas, path_kwargs) for train, test in folds
        )
        mse = np.column_stack(errors)
        mean = mse.mean(axis=1)
        se = mse.std(axis=1, ddof=1) / np.sqrt(mse.shape[1]) if mse.shape[1] > 1 else np.zeros_like(mean)
        best = int(np.argmin(mean))
        # the largest strength within one standard error of the minimum (alphas decrease along the grid)
        within = np.flatnonzero(mean <= mean[best] + se[best])
        chosen_1se = int(within.min())
        sigma = self.sigma
        if isinstance(sigma, str):
            try:
                sigma = estimate_noise_scale(X, y, fit_intercept=self.fit_intercept, sample_weight=weight).sigma
            except ValueError:  # y fit exactly: no noise to estimate; the MAP at alpha_ does not depend on sigma
                sigma = robust_std(y) or 1.0
                warn(
                    f"sigma='auto': y is fit exactly by X, so no noise scale can be estimated; prior_ is stated at "
                    f"sigma = sd(y) = {sigma:.4g} (the MAP at alpha_ does not depend on it). Give a fixed sigma to "
                    "state the prior at another one",
                    UserWarning,
                )
        alpha = float(alphas[best] if self.rule == "min" else alphas[chosen_1se])
        penalized = {
            "lasso": lambda: Lasso(alpha=alpha),
            "elasticnet": lambda: ElasticNet(alpha=alpha, l1_ratio=rho),
            "ridge": lambda: Ridge(alpha=alpha),
        }[self.penalty]()
        prior = from_sklearn(penalized, sigma=sigma, n_samples=X.shape[0] if weight is None else float(weight.sum()))
        estimator = BayesianRegression(prior, sigma=sigma, fit_intercept=self.fit_intercept)
        with warnings.catch_warnings():
            # sigma only states the prior here: a value far from the data's changes neither alpha_ nor the MAP
            warnings.filterwarnings("ignore", message=r"sigma=\S+ is .* times (larger|smaller) than the residual sd")
            estimator.fit(X_given, y, sample_weight=weight)  # with the feature names, if any
        chosen = alphas[best] if self.rule == "min" else alphas[chosen_1se]
        if chosen in (alphas[0], alphas[-1]):
            warn(
                f"alpha_={alpha:.4g} is at the {'largest' if chosen == alphas[0] else 'smallest'} strength of the "
                "grid: the best one may lie beyond it. Give alphas that reach further",
                UserWarning,
            )
        self.alphas_ = alphas
        self.mse_path_ = mse
        self.cv_mean_, self.cv_se_ = mean, se
        self.alpha_min_, self.alpha_1se_ = float(alphas[best]), float(alphas[chosen_1se])
        self.alpha_ = alpha
        self.prior_ = prior
        self.estimator_ = estimator
        self.coef_, self.intercept_, self.sigma_ = estimator.coef_, estimator.intercept_, float(sigma)
        return self

    def predict(self, X):
        """``b0 + X beta`` at the chosen prior's MAP."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.coef_ + self.intercept_


def _held_out_errors(X, y, weight, train, test, alphas, path_kwargs) -> np.ndarray:
    """The (weighted) mean squared error on the rows ``test`` of the MAP path fitted on the rows ``train``, one per
    alpha."""
    train_weight = None if weight is None else weight[train]
    _, coefs, path = map_path(
        X[train], y[train], alphas=alphas, sample_weight=train_weight, return_path=True, **path_kwargs
    )
    predictions = X[test] @ coefs + path.intercepts
    test_weight = None if weight is None else weight[test]
    return np.average((y[test][:, None] - predictions) ** 2, axis=0, weights=test_weight)
