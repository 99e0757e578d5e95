"""Choose the prior's strength in one call: K-fold cross-validation of the exact MAP path, evidence, PSIS-LOO or a
hyperprior, for the Gaussian, logistic and Poisson likelihoods.

**Cross-validation** (``tuning="cv"``, every family). For a grid of strengths ``alpha`` (scikit-learn's units; the
grid of :func:`~bayesreg.optimize.paths.alpha_grid` on the whole data, as ``LassoCV`` chooses it), each fold's
training rows get one exact MAP path (:func:`~bayesreg.optimize.paths.map_path`: warm starts, one compiled objective
for every fold of one shape), and the held-out loss ``L_k(alpha)`` of every strength (mean squared error, log loss
or Poisson deviance) is averaged over the folds:

.. math::

    \\mathrm{CV}(\\alpha) = \\frac{1}{K} \\sum_k L_k(\\alpha), \\qquad
    \\mathrm{SE}(\\alpha) = \\frac{\\mathrm{sd}_k\\, L_k(\\alpha)}{\\sqrt{K}}.

``rule="min"`` takes the strength of smallest ``CV`` (glmnet's ``lambda.min``, ``LassoCV``'s ``alpha_``);
``rule="1se"`` the largest strength whose ``CV`` is within one ``SE`` of that minimum (``lambda.1se``: the
sparsest or most shrunk fit not clearly worse). The chosen ``alpha`` is turned into the prior it equals and that
prior's exact MAP is fitted on all the rows.

The Gaussian estimator also takes ``tuning="evidence"``, ``"loo"`` and ``"hyperprior"``
(:mod:`bayesreg.estimators._strength`). Every tuning leaves the same attributes: the strength chosen (``alpha_``),
the prior (``prior_``), the curve it was read from (``criterion_``, a :class:`StrengthCurve`), the fitted
estimator (``estimator_``) and ``predict``.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from scipy import special
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.linear_model import ElasticNet, Lasso, Ridge
from sklearn.model_selection import check_cv
from sklearn.utils.validation import check_is_fitted, validate_data

from bayesreg._validation import check_bool, check_count, check_l1_ratio, check_positive, check_sample_weight
from bayesreg._warnings import warn
from bayesreg.data.design import robust_std
from bayesreg.data.noise import estimate_noise_scale
from bayesreg.estimators._strength import StrengthCurve, density_curve, hyperprior_alphas, loo_curve
from bayesreg.estimators.classification import BayesianLogisticRegression, binary_labels
from bayesreg.estimators.counts import BayesianPoissonRegressor
from bayesreg.estimators.regression import BayesianRegression, sigma_already_checked
from bayesreg.inference.empirical_bayes import evidence_profile
from bayesreg.optimize.paths import alpha_grid, map_path
from bayesreg.priors import Normal, from_glmnet, from_sklearn
from bayesreg.priors.shrinkage import BayesianLasso, HierarchicalNormal

__all__ = [
    "BayesianLogisticRegressionCV",
    "BayesianPoissonRegressorCV",
    "BayesianRegressionCV",
    "StrengthCurve",
]

PENALTIES = ("lasso", "elasticnet", "ridge")
RULES = ("min", "1se")
TUNINGS = ("cv", "evidence", "loo", "hyperprior")
#: strengths on the default grid: each a path point (cv), or each a posterior fit (loo)
DEFAULT_N_ALPHAS = {"cv": 100, "evidence": 100, "loo": 20, "hyperprior": 100}
#: largest Pareto k of a reliable PSIS-LOO estimate (Vehtari et al. 2024)
PARETO_K_LIMIT = 0.7


class _StrengthSearch(BaseEstimator):
    """What the CV estimators share: parameters, the grid, the folds' held-out losses and the rule."""

    _family = "gaussian"
    _criterion = "held-out mean squared error"
    _classifier = False

    def _check_common(self) -> float:
        if self.penalty not in PENALTIES:
            raise ValueError(f"penalty must be one of {PENALTIES}, got {self.penalty!r}")
        if self.rule not in RULES:
            raise ValueError(f"rule must be one of {RULES}, got {self.rule!r}")
        check_bool(self.fit_intercept, "fit_intercept")
        return check_l1_ratio(self.l1_ratio) if self.penalty == "elasticnet" else 1.0

    def _path_kwargs(self, rho: float) -> dict:
        kwargs = {"penalty": self.penalty, "l1_ratio": rho, "fit_intercept": self.fit_intercept}
        if self._family != "gaussian":
            kwargs["family"] = self._family
        return kwargs

    def _grid(self, X, y, weight, path_kwargs, default_size: int) -> np.ndarray:
        alphas = default_size if self.alphas is None else self.alphas
        if isinstance(alphas, bool | str):
            raise TypeError(f"alphas must be None, an int (the grid's size) or an array of strengths, got {alphas!r}")
        if isinstance(alphas, Integral):
            if alphas < 2:
                raise ValueError(f"alphas: choosing a strength needs at least 2 of them, got alphas={alphas!r}")
            return alpha_grid(X, y, n_alphas=int(alphas), sample_weight=weight, **path_kwargs)
        try:
            given = np.asarray(alphas, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"alphas must be None, an int or an array of numbers, got {alphas!r}") from None
        if given.ndim != 1:
            raise ValueError(f"alphas must be an int or a 1-D array of strengths, got shape {given.shape}")
        for alpha in given:
            check_positive(alpha, "alphas")
        grid = np.unique(given)[::-1]  # distinct, decreasing: warm starts along the path
        if grid.size < 2:
            raise ValueError(f"alphas: choosing a strength needs at least 2 distinct strengths, got {given.tolist()}")
        return grid

    def _cross_validate(self, X, y, weight, groups, alphas, path_kwargs) -> None:
        """``cv_path_`` (n_alphas, n_folds), its mean and standard error, ``criterion_``, ``alpha_min_/1se_``."""
        folds = list(check_cv(self.cv, y, classifier=self._classifier).split(X, y, groups))
        losses = Parallel(n_jobs=self.n_jobs)(
            delayed(_held_out_losses)(X, y, weight, train, test, alphas, path_kwargs, self._family, k)
            for k, (train, test) in enumerate(folds)
        )
        path = np.column_stack(losses)
        mean = path.mean(axis=1)
        se = path.std(axis=1, ddof=1) / np.sqrt(path.shape[1]) if path.shape[1] > 1 else np.zeros_like(mean)
        self.cv_path_ = path
        self.cv_mean_, self.cv_se_ = mean, se
        self._set_curve(StrengthCurve(self._criterion, alphas, mean, se, higher_is_better=False))

    def _set_curve(self, curve: StrengthCurve) -> None:
        self.criterion_ = curve
        self.alphas_ = curve.alphas
        self.alpha_min_ = float(curve.alphas[curve.best()])
        self.alpha_1se_ = float(curve.alphas[curve.within_one_se()])

    def _chosen_alpha(self) -> float:
        alpha = self.alpha_min_ if self.rule == "min" else self.alpha_1se_
        if alpha in (self.alphas_[0], self.alphas_[-1]):
            end = "largest" if alpha == self.alphas_[0] else "smallest"
            warn(
                f"alpha_={alpha:.4g} is at the {end} strength of the grid: the best one may lie beyond it. Give "
                "alphas that reach further",
                UserWarning,
            )
        return alpha

    def _set_fit(self, estimator, prior, alpha: float) -> None:
        self.alpha_ = float(alpha)
        self.prior_ = prior
        self.estimator_ = estimator
        self.coef_, self.intercept_ = estimator.coef_, estimator.intercept_

    def _linear_predictor(self, X) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ np.ravel(self.coef_) + float(np.ravel(self.intercept_)[0])


class BayesianRegressionCV(RegressorMixin, _StrengthSearch):
    """Linear regression whose prior strength is chosen in one call: by K-fold cross-validation of the exact MAP path,
    by the evidence, by PSIS-LOO over a grid of posteriors, or integrated out by a hyperprior.

    Parameters
    ----------
    penalty : {"lasso", "elasticnet", "ridge"}, default="lasso"
        The prior: ``Laplace`` (lasso), ``ElasticNet`` or ``Normal`` (ridge); the strengths are the alphas of
        scikit-learn's ``Lasso``, ``ElasticNet`` (mean squared error over 2) or ``Ridge`` (sum of squares).
    l1_ratio : float in (0, 1], default=0.5
        ``penalty="elasticnet"`` only.
    alphas : int, array-like or None, default=None
        The strengths tried: an int is the number of them on the grid of
        :func:`~bayesreg.optimize.paths.alpha_grid` on all the rows (``LassoCV``'s grid for the lasso and the elastic
        net, and its meaning of an int ``alphas``); an array, the strengths themselves (at least 2, distinct). None:
        100 (``tuning="loo"``: 20, each a posterior fit). With ``tuning="evidence"`` an int's grid is centred on the
        evidence maximum (6 decades each side). With ``tuning="hyperprior"`` nothing is tried: an int is the size of
        the grid the posterior density of ``alpha`` is drawn on, spanning its draws (an array is refused).
    cv : int, cross-validation splitter or iterable, default=5
        As scikit-learn's ``check_cv`` takes it (an int: ``KFold`` without shuffling); a group splitter takes the
        ``groups`` of :meth:`fit`. ``tuning="cv"`` only.
    rule : {"min", "1se"}, default="min"
        The strength of the best mean held-out error (or ``elpd_loo``), or the largest within one standard error of
        it. ``"1se"`` needs standard errors: ``tuning="cv"`` or ``"loo"``.
    tuning : {"cv", "evidence", "loo", "hyperprior"}, default="cv"
        How the strength is chosen:

        * ``"cv"``: K-fold cross-validation of the exact MAP path (module docstring); ``estimator_`` is the MAP.
        * ``"evidence"``: the maximum of the marginal likelihood over ``sigma`` and the prior scale, in closed form
          for the Gaussian prior only (``penalty="ridge"``; scikit-learn's ``BayesianRidge``); ``sigma_`` is its
          ``sigma`` and ``estimator_`` the MAP, which is the posterior mean.
        * ``"loo"``: one posterior per strength (Gibbs sampling, ``sigma`` fixed), the best expected log predictive
          density ``elpd_loo`` (PSIS-LOO, ArviZ); ``estimator_`` is the posterior at the chosen strength.
        * ``"hyperprior"``: no choice, an average: ``BayesianLasso`` (``lambda^2 ~ Gamma(1, 1.78)``) for the lasso,
          ``HierarchicalNormal`` (``tau ~ HalfCauchy(1)``) for ridge, ``sigma`` learned; ``alpha_`` is the posterior
          median of the ``alpha`` each draw implies and ``estimator_`` the posterior (its means are ``coef_``).
    sigma : float or "auto", default="auto"
        The Gaussian noise scale at which the chosen ``alpha`` becomes a prior (``prior_``) and, for ``"loo"``, at
        which the posteriors are sampled; the MAP at a given ``alpha`` does not depend on it. ``"auto"``: the
        residual sd of least squares (or of a cross-validated ridge when ``n <= p + 1``),
        :func:`bayesreg.data.noise.estimate_noise_scale`; with ``tuning="evidence"`` or ``"hyperprior"`` it is
        learned with the prior scale (and a fixed value is refused for ``"evidence"``).
    fit_intercept : bool, default=True
        An unpenalized intercept (flat prior).
    draws, tune, chains : int, default=1000, 1000, 4
        Sampler settings of the posterior fits (``tuning="loo"`` or ``"hyperprior"``).
    random_seed : int or None, default=None
        Seed of the posterior fits: the same seed gives the same choice.
    n_jobs : int or None, default=None
        Folds run at once (joblib).

    Attributes
    ----------
    alpha_ : float
        The strength chosen (scikit-learn's units; ``Ridge``'s for ridge).
    prior_ : Prior or ShrinkagePrior
        The prior equal to the penalty at ``alpha_`` and ``sigma_`` (the hyperprior for ``"hyperprior"``).
    criterion_ : StrengthCurve
        The curve the strength was read from: the held-out mean squared error (``"cv"``), the log evidence
        (``"evidence"``), ``elpd_loo`` (``"loo"``) or the posterior density of ``log alpha`` (``"hyperprior"``), with
        standard errors where they exist. ``criterion_.to_frame()`` tabulates it.
    alphas_ : ndarray (n_alphas,)
        ``criterion_.alphas``.
    alpha_min_, alpha_1se_ : float
        The strengths the two rules choose (``"cv"``, ``"loo"``; the best point of the curve otherwise).
    mse_path_, cv_path_ : ndarray (n_alphas, n_folds)
        ``tuning="cv"``: held-out mean squared error of every strength in every fold (``LassoCV``'s layout).
    cv_mean_, cv_se_ : ndarray (n_alphas,)
        ``tuning="cv"``: its mean over the folds and the standard error of that mean.
    alpha_interval_ : ndarray (2,)
        ``tuning="hyperprior"``: the central 90% posterior interval of ``alpha``.
    estimator_ : BayesianRegression
        The fit at the chosen strength on all the rows: the exact MAP (``"cv"``, ``"evidence"``) with its
        certificate, or the posterior (``"loo"``, ``"hyperprior"``) with ``idata_``. For the posterior after a
        ``"cv"`` choice fit ``BayesianRegression(cv.prior_, sigma=cv.sigma_, method="sample")``.
    coef_, intercept_, sigma_, n_features_in_, feature_names_in_

    Notes
    -----
    The held-out error of a strength is the unweighted mean of the folds' mean squared errors, as in ``LassoCV``
    (glmnet weights the folds by their sizes; with equal folds both are the same). A list of ``l1_ratio`` values
    (``ElasticNetCV``'s) is not taken. A chosen strength at an end of the grid is warned about: the best one may lie
    beyond it. PSIS-LOO leaves out one row at a time, so ``tuning="loo"`` refuses ``sample_weight``; a Pareto ``k``
    above 0.7 at a strength is warned about (its ``elpd_loo`` is unreliable).
    """

    def __init__(
        self,
        penalty: str = "lasso",
        *,
        l1_ratio: float = 0.5,
        alphas=None,
        cv=5,
        rule: str = "min",
        tuning: str = "cv",
        sigma="auto",
        fit_intercept: bool = True,
        draws: int = 1000,
        tune: int = 1000,
        chains: int = 4,
        random_seed: int | None = None,
        n_jobs: int | None = None,
    ):
        self.penalty = penalty
        self.l1_ratio = l1_ratio
        self.alphas = alphas
        self.cv = cv
        self.rule = rule
        self.tuning = tuning
        self.sigma = sigma
        self.fit_intercept = fit_intercept
        self.draws = draws
        self.tune = tune
        self.chains = chains
        self.random_seed = random_seed
        self.n_jobs = n_jobs

    def _check_params(self) -> float:
        rho = self._check_common()
        if self.tuning not in TUNINGS:
            raise ValueError(f"tuning must be one of {TUNINGS}, got {self.tuning!r}")
        if isinstance(self.sigma, str) or self.sigma is None:
            if self.sigma != "auto":
                raise ValueError(f"sigma must be a positive number or 'auto', got {self.sigma!r}")
        else:
            check_positive(self.sigma, "sigma")
        if self.rule == "1se" and self.tuning in ("evidence", "hyperprior"):
            raise ValueError(
                f"rule='1se' needs standard errors of the criterion, which tuning={self.tuning!r} has not: use "
                "tuning='cv' or 'loo', or rule='min'"
            )
        if self.tuning == "evidence":
            if self.penalty != "ridge":
                raise ValueError(
                    f"tuning='evidence' maximizes the marginal likelihood in closed form, which only the Gaussian "
                    f"prior has: use penalty='ridge', or for penalty={self.penalty!r} tuning='hyperprior' (the "
                    "Bayesian lasso), 'loo' or 'cv' (bayesreg.mcem_bayesian_lasso estimates the Bayesian lasso's "
                    "lambda by Monte Carlo EM)"
                )
            if self.sigma != "auto":
                raise ValueError("sigma: tuning='evidence' learns sigma with the prior scale; leave sigma='auto'")
        if self.tuning == "hyperprior" and self.penalty == "elasticnet":
            raise ValueError(
                "tuning='hyperprior' has no hyperprior that keeps l1_ratio fixed: use penalty='lasso' "
                "(BayesianLasso) or 'ridge' (HierarchicalNormal), or fit BayesianRegression(BayesianElasticNet(), "
                "method='sample'), which learns both strengths"
            )
        if self.tuning == "hyperprior" and self.alphas is not None:
            if isinstance(self.alphas, bool) or not isinstance(self.alphas, Integral):
                raise ValueError(
                    "alphas: tuning='hyperprior' tries no strengths (it averages over them); an int sets the size of "
                    f"the grid its posterior density is drawn on. Got {self.alphas!r}"
                )
            if self.alphas < 2:
                raise ValueError(f"alphas: the density's grid needs at least 2 points, got alphas={self.alphas!r}")
        if self.tuning in ("loo", "hyperprior"):
            for name in ("draws", "tune", "chains"):
                check_count(getattr(self, name), name, minimum=1 if name != "tune" else 0)
        return rho

    def fit(self, X, y, sample_weight=None, groups=None):
        """Choose ``alpha_`` by ``tuning`` (and ``rule``) and fit its prior on all the rows.

        ``sample_weight`` (n,): frequency weights, in every fit (``n`` their sum, as in scikit-learn's weighted
        ``Lasso``) and in the held-out errors (weighted means of the squared errors), as ``LassoCV`` takes them;
        refused with ``tuning="loo"``. ``groups`` (n,): the group labels a group splitter (``GroupKFold``, ...)
        given as ``cv`` needs."""
        rho = self._check_params()
        X_given = X
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2, y_numeric=True)
        weight = check_sample_weight(sample_weight, X.shape[0])
        if weight is not None and self.tuning == "loo":
            raise ValueError(
                "sample_weight: PSIS-LOO leaves out one row at a time, and a weighted row stands for several; use "
                "tuning='cv' with weights"
            )
        n = X.shape[0] if weight is None else float(weight.sum())
        if self.tuning == "hyperprior":
            self._fit_hyperprior(X_given, y, weight, n)
            return self
        path_kwargs = self._path_kwargs(rho)
        alphas = self._grid(X, y, weight, path_kwargs, DEFAULT_N_ALPHAS[self.tuning])
        if self.tuning == "cv":
            self._fit_cv(X_given, X, y, weight, groups, alphas, path_kwargs, rho, n)
        elif self.tuning == "evidence":
            self._fit_evidence(X_given, X, y, weight, alphas)
        else:
            self._fit_loo(X_given, X, y, alphas, rho, n)
        return self

    def _sigma(self, X, y, weight) -> float:
        if not isinstance(self.sigma, str):
            return float(self.sigma)
        try:
            return estimate_noise_scale(X, y, fit_intercept=self.fit_intercept, sample_weight=weight).sigma
        except ValueError:  # y fit exactly: no noise to estimate; the MAP at alpha_ does not depend on sigma
            sigma = robust_std(y) or 1.0
            warn(
                f"sigma='auto': y is fit exactly by X, so no noise scale can be estimated; prior_ is stated at "
                f"sigma = sd(y) = {sigma:.4g} (the MAP at alpha_ does not depend on it). Give a fixed sigma to "
                "state the prior at another one",
                UserWarning,
            )
            return sigma

    def _prior_at(self, alpha: float, rho: float, sigma: float, n: float):
        penalized = {
            "lasso": lambda: Lasso(alpha=alpha),
            "elasticnet": lambda: ElasticNet(alpha=alpha, l1_ratio=rho),
            "ridge": lambda: Ridge(alpha=alpha),
        }[self.penalty]()
        return from_sklearn(penalized, sigma=sigma, n_samples=n)

    def _map_fit(self, X_given, y, weight, prior, sigma: float) -> BayesianRegression:
        estimator = BayesianRegression(prior, sigma=sigma, fit_intercept=self.fit_intercept)
        # sigma is the data's estimate, just computed, or fixed by the user only to state the prior (a value far from
        # the data's changes neither alpha_ nor the MAP): no second estimate to compare it with
        with sigma_already_checked():
            return estimator.fit(X_given, y, sample_weight=weight)  # with the feature names, if any

    def _posterior_kwargs(self) -> dict:
        return {
            "method": "sample",
            "draws": self.draws,
            "tune": self.tune,
            "chains": self.chains,
            "progressbar": False,
            "fit_intercept": self.fit_intercept,
        }

    def _fit_cv(self, X_given, X, y, weight, groups, alphas, path_kwargs, rho, n) -> None:
        self._cross_validate(X, y, weight, groups, alphas, path_kwargs)
        self.mse_path_ = self.cv_path_
        sigma = self._sigma(X, y, weight)
        alpha = self._chosen_alpha()
        prior = self._prior_at(alpha, rho, sigma, n)
        self._set_fit(self._map_fit(X_given, y, weight, prior, sigma), prior, alpha)
        self.sigma_ = float(sigma)

    def _fit_evidence(self, X_given, X, y, weight, alphas) -> None:
        # an int (or None) alphas: the curve's grid is centred on the maximum (6 decades each side), showing the peak
        given = None if self.alphas is None or isinstance(self.alphas, Integral) else alphas
        result, alphas, values = evidence_profile(
            X, y, given, n_alphas=len(alphas), fit_intercept=self.fit_intercept, sample_weight=weight
        )
        if given is not None and not alphas[-1] <= result.ridge_alpha <= alphas[0]:
            warn(
                f"alpha_={result.ridge_alpha:.4g}, the evidence maximum, lies outside the alphas given "
                f"({alphas[-1]:.4g} to {alphas[0]:.4g}): the curve does not show it",
                UserWarning,
            )
        curve = StrengthCurve("log evidence", alphas, values, np.full(alphas.size, np.nan), higher_is_better=True)
        self._set_curve(curve)
        prior = Normal(result.prior_scale)
        self._set_fit(self._map_fit(X_given, y, weight, prior, result.sigma), prior, result.ridge_alpha)
        self.alpha_min_ = self.alpha_1se_ = self.alpha_  # the joint maximum, between the grid's points
        self.sigma_ = float(result.sigma)

    def _fit_loo(self, X_given, X, y, alphas, rho, n) -> None:
        sigma = self._sigma(X, y, None)
        seeds = np.random.SeedSequence(self.random_seed).generate_state(len(alphas))
        settings = self._posterior_kwargs() | {"store_log_likelihood": True, "store_predictive": False}

        def fit_at(k: int) -> BayesianRegression:
            prior = self._prior_at(float(alphas[k]), rho, sigma, n)
            estimator = BayesianRegression(prior, sigma=sigma, random_seed=int(seeds[k]), **settings)
            return estimator.fit(X_given, y)

        curve, khats = loo_curve(fit_at, alphas, n_rows=X.shape[0])
        self._set_curve(curve)
        alpha = self._chosen_alpha()
        k = int(np.flatnonzero(alphas == alpha)[0])
        if khats[k] > PARETO_K_LIMIT:
            warn(
                f"PSIS-LOO at the chosen alpha_={alpha:.4g}: the largest Pareto k is {khats[k]:.2f} > "
                f"{PARETO_K_LIMIT}, so its elpd_loo is unreliable (influential rows). Try tuning='cv'",
                UserWarning,
            )
        self.pareto_k_ = np.asarray(khats)
        self._set_fit(fit_at(k), self._prior_at(alpha, rho, sigma, n), alpha)  # the same seed: the same draws
        self.sigma_ = float(sigma)

    def _fit_hyperprior(self, X_given, y, weight, n) -> None:
        prior = BayesianLasso() if self.penalty == "lasso" else HierarchicalNormal()
        sigma = None if isinstance(self.sigma, str) else float(self.sigma)
        estimator = BayesianRegression(prior, sigma=sigma, random_seed=self.random_seed, **self._posterior_kwargs())
        estimator.fit(X_given, y, sample_weight=weight)
        draws = hyperprior_alphas(estimator.idata_, self.penalty, n)
        n_points = self.alphas if isinstance(self.alphas, Integral) else DEFAULT_N_ALPHAS["hyperprior"]
        curve = density_curve(draws, int(n_points))
        self._set_curve(curve)
        alpha = float(np.median(draws))
        self.alpha_min_ = self.alpha_1se_ = alpha
        self.alpha_interval_ = np.quantile(draws, [0.05, 0.95])
        self._set_fit(estimator, prior, alpha)
        self.sigma_ = float(np.median(np.asarray(estimator.idata_.posterior["sigma"])))

    def predict(self, X):
        """``b0 + X beta`` at the chosen prior's MAP, or at the posterior means (``"loo"``, ``"hyperprior"``)."""
        return self._linear_predictor(X)


class _GlmStrengthSearch(_StrengthSearch):
    """The logistic and Poisson twins: cross-validation only, the chosen strength as glmnet's ``lambda``."""

    _estimator = None  # the estimator class fitted at the chosen strength

    def __init__(
        self,
        penalty: str = "lasso",
        *,
        l1_ratio: float = 0.5,
        alphas=None,
        cv=5,
        rule: str = "min",
        fit_intercept: bool = True,
        n_jobs: int | None = None,
    ):
        self.penalty = penalty
        self.l1_ratio = l1_ratio
        self.alphas = alphas
        self.cv = cv
        self.rule = rule
        self.fit_intercept = fit_intercept
        self.n_jobs = n_jobs

    def _fit_glm(self, X_given, X, y_fit, y_given, weight, groups, rho: float) -> None:
        """Cross-validate on ``y_fit`` (0/1 labels or counts), choose, and fit the chosen prior's MAP on all rows."""
        path_kwargs = self._path_kwargs(rho)
        alphas = self._grid(X, y_fit, weight, path_kwargs, DEFAULT_N_ALPHAS["cv"])
        self._cross_validate(X, y_fit, weight, groups, alphas, path_kwargs)
        alpha = self._chosen_alpha()
        n = X.shape[0] if weight is None else float(weight.sum())
        mixing = {"lasso": 1.0, "ridge": 0.0, "elasticnet": rho}[self.penalty]
        prior = from_glmnet(alpha, mixing, n_samples=n, family=self._family)
        estimator = self._estimator(prior, fit_intercept=self.fit_intercept)
        self._set_fit(estimator.fit(X_given, y_given, sample_weight=weight), prior, alpha)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


class BayesianLogisticRegressionCV(ClassifierMixin, _GlmStrengthSearch):
    """Logistic regression whose prior strength is chosen by K-fold cross-validation of its exact MAP path, on the
    held-out log loss (glmnet's ``cv.glmnet(family="binomial")`` deviance, over 2).

    The strengths are glmnet's ``lambda`` on the mean log loss, ``-(1/n) log p(y | b0 + Xw) + alpha rho ||w||_1 +
    alpha (1 - rho)/2 ||w||^2`` (``rho`` 1 for the lasso, 0 for ridge): scikit-learn's
    ``LogisticRegression(C = 1 / (n alpha))`` on ``n`` training rows. The chosen one becomes the prior
    (:func:`~bayesreg.from_glmnet`) of a :class:`~bayesreg.BayesianLogisticRegression` fitted by exact MAP on all the
    rows (``estimator_``).

    Parameters
    ----------
    penalty, l1_ratio, alphas, rule, fit_intercept, n_jobs
        As in :class:`BayesianRegressionCV` (``alphas=None``: 100 strengths on
        :func:`~bayesreg.optimize.paths.alpha_grid`'s binomial grid).
    cv : int, cross-validation splitter or iterable, default=5
        An int is a ``StratifiedKFold`` (scikit-learn's ``check_cv`` for a classifier).

    Attributes
    ----------
    classes_ : ndarray (2,)
    alpha_, prior_, criterion_, alphas_, alpha_min_, alpha_1se_, cv_path_, cv_mean_, cv_se_, estimator_
        As in :class:`BayesianRegressionCV`, with the held-out mean log loss.
    coef_ : ndarray (1, n_features)
    intercept_ : ndarray (1,)
    """

    _family = "binomial"
    _criterion = "held-out log loss"
    _classifier = True
    _estimator = BayesianLogisticRegression

    def fit(self, X, y, sample_weight=None, groups=None):
        """Cross-validate the MAP path on the held-out log loss, choose ``alpha_`` by ``rule``, fit its prior's MAP.

        ``y``: two classes of any labels (``classes_[1]`` is the event). ``sample_weight``, ``groups``: as in
        :meth:`BayesianRegressionCV.fit`."""
        rho = self._check_common()
        X_given = X
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2)
        weight = check_sample_weight(sample_weight, X.shape[0])
        classes, labels = binary_labels(y, "BayesianLogisticRegressionCV", weight)
        self._fit_glm(X_given, X, labels.astype(float), y, weight, groups, rho)
        self.classes_ = classes
        return self

    def decision_function(self, X):
        """The log odds of ``classes_[1]``: ``b0 + x' beta`` at the chosen prior's MAP."""
        return self._linear_predictor(X)

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``."""
        p = special.expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X):
        """The more probable class (``classes_[1]`` when its probability exceeds 1/2)."""
        log_odds = self.decision_function(X)  # checks that the estimator is fitted first
        return self.classes_[(log_odds > 0).astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags


class BayesianPoissonRegressorCV(RegressorMixin, _GlmStrengthSearch):
    """Poisson regression (log link) whose prior strength is chosen by K-fold cross-validation of its exact MAP path,
    on the held-out mean Poisson deviance (scikit-learn's ``mean_poisson_deviance``).

    The strengths are ``PoissonRegressor``'s ``alpha`` for ridge and glmnet's ``lambda`` on the mean negative
    log-likelihood for every penalty (:func:`~bayesreg.optimize.paths.map_path`); the chosen one becomes the prior
    (:func:`~bayesreg.from_glmnet`) of a :class:`~bayesreg.BayesianPoissonRegressor` fitted by exact MAP on all the
    rows (``estimator_``).

    Parameters
    ----------
    penalty, l1_ratio, alphas, cv, rule, fit_intercept, n_jobs
        As in :class:`BayesianRegressionCV`.

    Attributes
    ----------
    alpha_, prior_, criterion_, alphas_, alpha_min_, alpha_1se_, cv_path_, cv_mean_, cv_se_, estimator_, coef_,
    intercept_
        As in :class:`BayesianRegressionCV`, with the held-out mean Poisson deviance.
    """

    _family = "poisson"
    _criterion = "held-out Poisson deviance"
    _estimator = BayesianPoissonRegressor

    def fit(self, X, y, sample_weight=None, groups=None):
        """Cross-validate the MAP path on the held-out Poisson deviance, choose ``alpha_``, fit its prior's MAP.

        ``y``: counts (any ``y >= 0``). ``sample_weight``, ``groups``: as in :meth:`BayesianRegressionCV.fit`."""
        rho = self._check_common()
        X_given = X
        X, y = validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2, y_numeric=True)
        weight = check_sample_weight(sample_weight, X.shape[0])
        if np.any(y < 0):
            raise ValueError(f"y: a Poisson likelihood needs y >= 0, got {float(y[np.argmax(y < 0)])!r}")
        self._fit_glm(X_given, X, y, y, weight, groups, rho)
        return self

    def predict(self, X):
        """The expected count ``exp(b0 + x' beta)`` at the chosen prior's MAP."""
        return np.exp(self._linear_predictor(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags


def _held_out_losses(X, y, weight, train, test, alphas, path_kwargs, family: str, fold: int) -> np.ndarray:
    """The (weighted) mean held-out loss on the rows ``test`` of the MAP path fitted on the rows ``train``, one per
    alpha: squared error (gaussian), log loss (binomial) or Poisson deviance (poisson). A fold the path or the loss
    cannot take is named in a ValueError."""
    train_weight = None if weight is None else weight[train]
    test_weight = None if weight is None else weight[test]
    if test_weight is not None and not np.sum(test_weight) > 0:
        raise ValueError(f"cv: the held-out rows of fold {fold} all have weight 0, so their mean loss is undefined")
    try:
        _, coefs, path = map_path(
            X[train], y[train], alphas=alphas, sample_weight=train_weight, return_path=True, **path_kwargs
        )
    except ValueError as exc:
        raise ValueError(f"cv: the training rows of fold {fold} ({len(train)} rows): {exc}") from None
    eta = X[test] @ coefs + path.intercepts
    target = y[test][:, None]
    if family == "gaussian":
        loss = (target - eta) ** 2
    elif family == "binomial":
        loss = np.logaddexp(0.0, eta) - target * eta
    else:
        mu = np.exp(eta)
        loss = 2.0 * (special.xlogy(target, target) - target * eta - target + mu)
    return np.average(loss, axis=0, weights=test_weight)
