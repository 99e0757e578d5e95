"""Run the ways of choosing a prior's strength side by side on one train/test split: :func:`choose_penalty`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special
from sklearn.linear_model import ElasticNetCV, LassoCV, RidgeCV
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

from bayesreg._validation import check_count, check_l1_ratio, check_regression_data
from bayesreg.estimators.cv import (
    BayesianLogisticRegressionCV,
    BayesianPoissonRegressorCV,
    BayesianRegressionCV,
)
from bayesreg.optimize.paths import alpha_grid

__all__ = ["METHODS", "PenaltyChoice", "choose_penalty"]

#: method name -> what it runs: the tuning and rule of the CV estimators, ``"evidence"`` always with the Gaussian prior,
#: ``"sklearn"`` scikit-learn's own LassoCV / ElasticNetCV / RidgeCV on the same folds (the anchor, Gaussian only)
METHODS = {
    "cv": {"tuning": "cv", "rule": "min"},
    "cv-1se": {"tuning": "cv", "rule": "1se"},
    "evidence": {"tuning": "evidence", "penalty": "ridge"},
    "loo": {"tuning": "loo", "rule": "min"},
    "loo-1se": {"tuning": "loo", "rule": "1se"},
    "hyperprior": {"tuning": "hyperprior"},
    "sklearn": {},
}
FAMILIES = ("gaussian", "binomial", "poisson")
LOSSES = {"gaussian": "squared error", "binomial": "log loss", "poisson": "Poisson deviance"}
#: methods that need a posterior or a closed form the GLM twins do not have
GAUSSIAN_ONLY = ("evidence", "loo", "loo-1se", "hyperprior", "sklearn")


@dataclass(eq=False)
class PenaltyChoice:
    """The methods' choices on one split, and how each did on the held-out rows.

    Attributes
    ----------
    table : DataFrame
        One row per method: ``penalty``; ``alpha`` (scikit-learn's units: ``Lasso``/``ElasticNet``/``Ridge``, or
        glmnet's ``lambda`` for the logistic and Poisson likelihoods); ``prior`` (the prior it equals, or the
        hyperprior); ``prior_scale`` (``b`` of ``Laplace(b)``, ``tau`` of ``Normal(tau)``; NaN otherwise); ``sigma``;
        ``nonzero`` coefficients (NaN for ``"loo"`` and ``"hyperprior"``, whose posterior means have no exact zeros);
        ``test_loss`` (mean held-out loss) and ``test_se`` (its standard error); ``vs_best`` (the mean difference of the
        per-row held-out losses from the best method's) and ``vs_best_se`` (its paired standard error:
        ``sd_i(loss_i - best_i) / sqrt(n_test)``); ``seconds`` (the fit's wall time; the first exact MAP path of a
        process includes compiling its objective, about half a second).
    loss : str
        The held-out loss: squared error, log loss or Poisson deviance (per row).
    estimators : dict
        The fitted estimator of each method (on the training rows).
    train, test : ndarray of int
        The rows of the split.
    row_losses : DataFrame (n_test, n_methods)
        Each method's held-out loss on each test row.
    """

    table: pd.DataFrame
    loss: str
    family: str
    estimators: dict = field(repr=False)
    train: np.ndarray = field(repr=False)
    test: np.ndarray = field(repr=False)
    row_losses: pd.DataFrame = field(repr=False)


def _row_loss(family: str, y: np.ndarray, prediction: np.ndarray) -> np.ndarray:
    if family == "gaussian":
        return (y - prediction) ** 2
    if family == "binomial":  # prediction: the probability of the event (label 1)
        p = np.clip(prediction, 1e-300, 1.0)
        q = np.clip(1.0 - prediction, 1e-300, 1.0)
        return -(y * np.log(p) + (1.0 - y) * np.log(q))
    return 2.0 * (special.xlogy(y, y) - special.xlogy(y, prediction) - y + prediction)


def _prior_scale(prior) -> float:
    return float(getattr(prior, "scale", np.nan))


def choose_penalty(
    X,
    y,
    *,
    family: str = "gaussian",
    penalty: str = "lasso",
    l1_ratio: float = 0.5,
    methods=None,
    test_size: float = 0.25,
    test=None,
    cv: int = 5,
    random_state: int | None = 0,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
) -> PenaltyChoice:
    """Choose the prior's strength by several methods on the same training rows and score each on the same test rows.

    Every method fits on the training rows of one split (``train_test_split``; stratified for ``"binomial"``) and
    predicts the test rows. The methods (:data:`METHODS`):

    * ``"cv"`` / ``"cv-1se"``: K-fold cross-validation of the exact MAP path (:class:`~bayesreg.BayesianRegressionCV`
      and its logistic and Poisson twins), ``lambda.min`` / ``lambda.1se``;
    * ``"evidence"``: the evidence maximum of the Gaussian prior (ridge, whatever ``penalty`` is);
    * ``"loo"`` / ``"loo-1se"``: PSIS-LOO over a grid of posteriors;
    * ``"hyperprior"``: ``BayesianLasso`` (lasso) or ``HierarchicalNormal`` (ridge), the strength averaged over;
    * ``"sklearn"``: scikit-learn's ``LassoCV`` / ``ElasticNetCV`` / ``RidgeCV`` on the same folds, the anchor.

    The last five need the Gaussian likelihood. The held-out loss per row is the squared error, the log loss or the
    Poisson deviance; each method's mean is compared with the best method's by the paired standard error of the
    row-by-row differences, the honest yardstick when the same test rows judge every method.

    Parameters
    ----------
    X : array-like or DataFrame (n, p)
    y : array-like (n,)
        Numbers; two classes of any labels for ``"binomial"`` (the second in sorted order is the event); counts for
        ``"poisson"``.
    family : {"gaussian", "binomial", "poisson"}
    penalty : {"lasso", "elasticnet", "ridge"}
    l1_ratio : float in (0, 1]
        ``penalty="elasticnet"`` only.
    methods : sequence of str, optional
        Default: ``("sklearn", "cv", "cv-1se", "evidence", "loo", "hyperprior")`` for the Gaussian likelihood (no
        ``"hyperprior"`` for the elastic net), ``("cv", "cv-1se")`` otherwise.
    test_size : float in (0, 1)
        The share of rows held out at random (stratified for ``"binomial"``), unless ``test`` names them.
    test : array-like of int or of bool (n,), optional
        The held-out rows themselves (indices, or a mask): a data set's own split, or a time-ordered one.
    cv : int
        Folds of the cross-validation methods (``KFold``, or ``StratifiedKFold`` for ``"binomial"``; shuffled with
        ``random_state``).
    random_state : int or None
        Seed of the split, the folds and the posterior fits.
    draws, tune, chains : int
        Sampler settings of ``"loo"`` and ``"hyperprior"``.

    Returns
    -------
    PenaltyChoice
        ``bayesreg.plots.plot_penalty_choice`` draws it.
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    if penalty not in ("lasso", "elasticnet", "ridge"):
        raise ValueError(f"penalty must be one of ('lasso', 'elasticnet', 'ridge'), got {penalty!r}")
    if penalty == "elasticnet":
        check_l1_ratio(l1_ratio)
    if methods is None:
        if family != "gaussian":
            methods = ("cv", "cv-1se")
        else:
            methods = ("sklearn", "cv", "cv-1se", "evidence", "loo") + (
                ("hyperprior",) if penalty != "elasticnet" else ()
            )
    if isinstance(methods, str):
        raise TypeError(f"methods must be a sequence of method names, got the string {methods!r}; e.g. [{methods!r}]")
    methods = list(dict.fromkeys(methods))
    if not methods:
        raise ValueError("methods must name at least one method")
    for method in methods:
        if method not in METHODS:
            raise ValueError(f"methods: unknown method {method!r}; choose from {tuple(METHODS)}")
        if family != "gaussian" and method in GAUSSIAN_ONLY:
            raise ValueError(
                f"methods: {method!r} needs family='gaussian' (the {family} likelihood has 'cv', 'cv-1se')"
            )
        if method == "hyperprior" and penalty == "elasticnet":
            raise ValueError(
                "methods: 'hyperprior' has no hyperprior that keeps l1_ratio fixed; use penalty='lasso' or 'ridge'"
            )
    if not 0.0 < float(test_size) < 1.0:
        raise ValueError(f"test_size must be in (0, 1), got {test_size!r}")
    cv = check_count(cv, "cv", minimum=2)
    if family == "gaussian":
        X_arr, y_arr, _ = check_regression_data(X, y)
    else:  # labels of any type or counts: the estimators check them; X is checked here
        X_arr, _, _ = check_regression_data(X, np.zeros(len(y)))
        y_arr = np.asarray(y)
    rows = np.arange(X_arr.shape[0])
    if test is None:
        stratify = y_arr if family == "binomial" else None
        train, test = train_test_split(rows, test_size=test_size, random_state=random_state, stratify=stratify)
    else:
        held_out = np.zeros(rows.size, dtype=bool)
        given = np.asarray(test)
        if given.dtype == bool:
            if given.shape != rows.shape:
                raise ValueError(f"test: a mask needs one entry per row ({rows.size}), got shape {given.shape}")
            held_out = given
        elif given.ndim == 1 and np.issubdtype(given.dtype, np.integer):
            if given.size and (given.min() < 0 or given.max() >= rows.size):
                raise ValueError(f"test: row indices must be in [0, {rows.size}), got {given.min()}..{given.max()}")
            held_out[given] = True
        else:
            raise TypeError(f"test must be row indices (ints) or a boolean mask, got dtype {given.dtype}")
        if held_out.sum() < 2 or (~held_out).sum() < 2 * cv:
            raise ValueError(
                f"test: {int(held_out.sum())} held-out rows and {int((~held_out).sum())} training rows; need at least "
                f"2 and {2 * cv} (cv={cv} folds)"
            )
        train, test = rows[~held_out], rows[held_out]
    train, test = np.sort(train), np.sort(test)
    X_given = X if hasattr(X, "iloc") else X_arr  # a DataFrame keeps its feature names in every estimator
    X_train, X_test = _rows(X_given, train), _rows(X_given, test)
    folds = (StratifiedKFold if family == "binomial" else KFold)(cv, shuffle=True, random_state=random_state)
    split = list(folds.split(X_arr[train], y_arr[train]))
    if family == "binomial":
        classes = np.unique(y_arr)
        event = (y_arr[test] == classes[-1]).astype(float)

    losses, records, estimators = {}, [], {}
    for method in methods:
        spec = METHODS[method]
        method_penalty = spec.get("penalty", penalty)
        start = time.perf_counter()
        if method == "sklearn":
            estimator = _sklearn_cv(penalty, l1_ratio, split, X_train, y_arr[train])
        elif family == "gaussian":
            estimator = BayesianRegressionCV(
                method_penalty,
                l1_ratio=l1_ratio,
                cv=split,
                tuning=spec["tuning"],
                rule=spec.get("rule", "min"),
                draws=draws,
                tune=tune,
                chains=chains,
                random_seed=random_state,
            ).fit(X_train, y_arr[train])
        else:
            cls = BayesianLogisticRegressionCV if family == "binomial" else BayesianPoissonRegressorCV
            estimator = cls(method_penalty, l1_ratio=l1_ratio, cv=split, rule=spec["rule"]).fit(X_train, y_arr[train])
        seconds = time.perf_counter() - start
        if family == "binomial":
            losses[method] = _row_loss(family, event, estimator.predict_proba(X_test)[:, 1])
        else:
            losses[method] = _row_loss(family, y_arr[test].astype(float), estimator.predict(X_test))
        estimators[method] = estimator
        records.append(_record(method, method_penalty, estimator, seconds))
    row_losses = pd.DataFrame(losses)
    mean = row_losses.mean()
    best = mean.idxmin()
    n_test = len(test)
    diff = row_losses.sub(row_losses[best], axis=0)
    table = pd.DataFrame(records).set_index("method")
    table["test_loss"] = mean
    table["test_se"] = row_losses.std(ddof=1) / np.sqrt(n_test)
    table["vs_best"] = diff.mean()
    table["vs_best_se"] = diff.std(ddof=1) / np.sqrt(n_test)
    table = table[
        [
            "penalty",
            "alpha",
            "prior",
            "prior_scale",
            "sigma",
            "nonzero",
            "test_loss",
            "test_se",
            "vs_best",
            "vs_best_se",
            "seconds",
        ]
    ]
    return PenaltyChoice(table, LOSSES[family], family, estimators, train, test, row_losses)


def _rows(X, index):
    return X.iloc[index] if hasattr(X, "iloc") else X[index]


def _sklearn_cv(penalty, l1_ratio, split, X_train, y_train):
    """scikit-learn's own CV estimator on the training rows and the same folds (tight tolerance: its exact path)."""
    if penalty == "ridge":
        alphas = alpha_grid(X_train, y_train, penalty="ridge", n_alphas=100)
        return RidgeCV(alphas=alphas, cv=split, scoring="neg_mean_squared_error").fit(X_train, y_train)
    if penalty == "lasso":
        return LassoCV(cv=split, tol=1e-10, max_iter=1_000_000).fit(X_train, y_train)
    return ElasticNetCV(l1_ratio=l1_ratio, cv=split, tol=1e-10, max_iter=1_000_000).fit(X_train, y_train)


def _is_posterior(estimator) -> bool:
    return getattr(estimator, "tuning", "cv") in ("loo", "hyperprior")


def _record(method: str, penalty: str, estimator, seconds: float) -> dict:
    prior = getattr(estimator, "prior_", None)
    return {
        "method": method,
        "penalty": penalty,
        "alpha": float(estimator.alpha_),
        "prior": "" if prior is None else repr(prior),
        "prior_scale": np.nan if prior is None else _prior_scale(prior),
        "sigma": float(getattr(estimator, "sigma_", np.nan)),
        # a posterior mean has no exact zeros: its count would say nothing about selection
        "nonzero": np.nan if _is_posterior(estimator) else int(np.count_nonzero(estimator.coef_)),
        "seconds": seconds,
    }
