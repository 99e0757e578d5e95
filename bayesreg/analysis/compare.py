"""Line up a scikit-learn penalized fit against the MAP of its prior twin."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import ElasticNet, LogisticRegression, PoissonRegressor, Ridge

from bayesreg._validation import check_positive, check_regression_data, check_sample_weight
from bayesreg.analysis.reference import closed_form_ridge, fit_penalized, penalized_objective
from bayesreg.data._dask import is_dask
from bayesreg.data.statistics import summarize
from bayesreg.likelihoods import Bernoulli, Gaussian, Poisson
from bayesreg.model import build_model
from bayesreg.optimize.map import MapResult, MapSolver
from bayesreg.priors import Prior, from_sklearn

__all__ = ["Comparison", "compare"]


@dataclass
class Comparison:
    """A penalized fit and the MAP of the equivalent prior, coefficient by coefficient.

    Attributes
    ----------
    estimator : fitted scikit-learn estimator
    prior : Prior
        The prior whose MAP (at ``sigma``) minimizes the estimator's objective.
    sigma : float or None
        The Gaussian likelihood's fixed noise scale; None for the logistic and Poisson likelihoods (dispersion 1).
    family : str
        glmnet's name of the likelihood: ``"gaussian"``, ``"binomial"``, ``"poisson"``.
    map : MapResult
        The MAP estimate and its certificate.
    closed_form : ndarray or None
        Ridge's normal-equation solution (``Ridge`` only).
    objective_penalty_fit, objective_map : float
        The estimator's own objective (its units) at its solution and at the MAP.
    """

    feature_names: list[str]
    estimator: object
    prior: Prior
    sigma: float | None
    map: MapResult
    closed_form: np.ndarray | None
    closed_form_intercept: float | None
    objective_penalty_fit: float
    objective_map: float
    family: str = "gaussian"

    @property
    def penalty_coef(self) -> np.ndarray:
        return np.asarray(self.estimator.coef_, dtype=float).reshape(-1)

    @property
    def penalty_intercept(self) -> float:
        return float(np.ravel(self.estimator.intercept_)[0])

    @property
    def map_coef(self) -> np.ndarray:
        return self.map.coef

    @property
    def difference(self) -> np.ndarray:
        """MAP minus penalized fit, per coefficient."""
        return self.map_coef - self.penalty_coef

    @property
    def max_abs_diff(self) -> float:
        """Largest ``|MAP - penalty fit|`` over the coefficients and the intercept."""
        coef = float(np.max(np.abs(self.difference), initial=0.0))
        return max(coef, abs(self.map.intercept - self.penalty_intercept))

    @property
    def max_abs_diff_closed_form(self) -> float | None:
        if self.closed_form is None:
            return None
        return float(np.max(np.abs(self.map_coef - self.closed_form), initial=0.0))

    @property
    def support_agrees(self) -> bool:
        """Whether both fits have exactly the same zero coefficients."""
        return bool(np.array_equal(self.map_coef == 0, self.penalty_coef == 0))

    @property
    def certificate(self) -> float:
        """Relative optimality violation of the MAP (see :class:`~bayesreg.optimize.map.MapResult`)."""
        return self.map.certificate

    def table(self) -> str:
        name = type(self.estimator).__name__
        cols = ["feature", name, "MAP", "difference"]
        rows = [
            [f, f"{a + 0.0: .10g}", f"{b + 0.0: .10g}", f"{b - a + 0.0: .3e}"]
            for f, a, b in zip(self.feature_names, self.penalty_coef, self.map_coef, strict=True)
        ]
        rows.append(
            [
                "(intercept)",
                f"{self.penalty_intercept: .10g}",
                f"{self.map.intercept: .10g}",
                f"{self.map.intercept - self.penalty_intercept: .3e}",
            ]
        )
        if self.closed_form is not None:
            cols.insert(2, "closed form")
            for row, value in zip(rows, [*self.closed_form, self.closed_form_intercept], strict=True):
                row.insert(2, f"{value: .10g}")
        widths = [max(len(str(r[i])) for r in [cols, *rows]) for i in range(len(cols))]
        lines = ["  ".join(str(c).rjust(w) for c, w in zip(r, widths, strict=True)) for r in [cols, *rows]]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def summary(self) -> str:
        est = self.estimator
        params = ", ".join(f"{k}={v!r}" for k, v in est.get_params().items() if k in ("alpha", "l1_ratio", "C"))
        lines = [
            f"{type(est).__name__}({params})  <->  prior {self.prior!r} "
            + (f"at sigma={self.sigma:g}" if self.sigma is not None else f"({self.family} likelihood)"),
            f"max |MAP - {type(est).__name__}| = {self.max_abs_diff:.3e}   support agrees: {self.support_agrees}   "
            f"certificate (relative KKT violation) = {self.certificate:.1e}",
            f"objective ({type(est).__name__} units): penalty fit {self.objective_penalty_fit:.12g}, "
            f"MAP {self.objective_map:.12g}",
        ]
        if self.closed_form is not None:
            lines.insert(2, f"max |MAP - closed form| = {self.max_abs_diff_closed_form:.3e}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return f"{self.summary()}\n{self.table()}"


def compare(
    X, y, estimator, *, sigma: float | None = None, tol: float | None = 1e-12, sample_weight=None
) -> Comparison:
    """Fit a scikit-learn penalized estimator and the MAP of its prior twin.

    Parameters
    ----------
    X, y : array-like
    estimator : Ridge, Lasso, ElasticNet, LogisticRegression or PoissonRegressor
        Its parameters define the penalty; a clone is fitted. ``fit_intercept`` is honoured. A
        ``LogisticRegression`` needs two classes in ``y`` (the MAP's ``y`` is 1 for ``classes_[1]``) and a
        solver with a flat intercept (not ``"liblinear"``); for an L1 part ``"saga"`` is the one that takes it.
    sigma : float
        Fixed noise scale of the Gaussian likelihood, required for ``Ridge`` / ``Lasso`` / ``ElasticNet``: the
        prior is ``from_sklearn(estimator, sigma=sigma, n_samples=n)``. Not given for the logistic and Poisson
        likelihoods (dispersion 1).
    tol : float or None
        The estimator's own solver tolerance (None keeps the estimator's), so that differences show the
        solvers' round-off, not a loose stop. Not every solver gets there: ``"newton-cholesky"`` (L2
        ``LogisticRegression``, ``PoissonRegressor``) reaches round-off, ``"lbfgs"`` and ``"saga"`` can stop
        1e-7 to 1e-6 short of it (their own stopping rules); the MAP's certificate says which side is exact.
    sample_weight : array-like (n,), optional
        Frequency weights, given to the estimator's ``fit`` and to the MAP's likelihood alike; ``n`` of the
        conversion is their sum (scikit-learn's weighted objectives, :func:`~bayesreg.analysis.reference.
        penalized_objective`).

    ``X``, ``y`` (and ``sample_weight``) may be Dask collections for ``Ridge``, ``Lasso`` and ``ElasticNet``: one pass
    reduces them to their sufficient statistics, and both fits run on the summary rows
    (:func:`~bayesreg.data.statistics.summarize`) with their weights, which have the data's weighted least-squares
    objective. ``LogisticRegression`` and ``PoissonRegressor`` need the data in memory (ValueError).

    Returns
    -------
    Comparison
        Prints as a table (feature, penalty fit, [closed form,] MAP, difference).
    """
    if isinstance(estimator, Ridge | ElasticNet):
        family = "gaussian"
        if sigma is None:
            raise TypeError(f"sigma is required for {type(estimator).__name__} (the fixed noise scale)")
        sigma = check_positive(sigma, "sigma")
    elif isinstance(estimator, LogisticRegression | PoissonRegressor):
        family = "binomial" if isinstance(estimator, LogisticRegression) else "poisson"
        if sigma is not None:
            raise TypeError(f"sigma: the {family} likelihood has no noise scale (dispersion 1); leave sigma out")
    else:
        raise TypeError(
            "estimator must be a scikit-learn Ridge, Lasso, ElasticNet, LogisticRegression or PoissonRegressor, "
            f"got {type(estimator).__name__}"
        )
    statistics = None
    if any(is_dask(value) for value in (X, y, sample_weight)):
        if family != "gaussian":
            raise ValueError(
                f"compare on Dask input with {type(estimator).__name__}: scikit-learn fits it on data in memory, and "
                "its likelihood is not a function of the data's sufficient statistics; compare on a sample in memory "
                "(X.compute()), or fit the MAP alone (BayesianLogisticRegression / BayesianPoissonRegressor or "
                "map_path take Dask input)"
            )
        names = [str(c) for c in X.columns] if hasattr(X, "columns") else None
        rows = summarize(X, y, sample_weight)
        X, y, sample_weight, statistics = rows.X, rows.y, rows.sample_weight, rows.statistics
    if family == "binomial":
        X, labels, names = _classification_data(X, y)
    else:
        X, labels, found = check_regression_data(X, y)
        names = found if statistics is None else names
    n, p = X.shape
    sample_weight = check_sample_weight(sample_weight, n)
    likelihood = {"gaussian": Gaussian(sigma=sigma), "binomial": Bernoulli(), "poisson": Poisson()}[family]
    fit_intercept = bool(estimator.fit_intercept)
    labels = likelihood.check_y(labels, fit_intercept=fit_intercept, sample_weight=sample_weight)
    n_samples = n if sample_weight is None else float(np.sum(sample_weight))
    prior = from_sklearn(estimator, sigma=sigma, n_samples=n_samples)  # liblinear, a missing n, ... refused here
    fitted = fit_penalized(estimator, X, y if family == "binomial" else labels, tol=tol, sample_weight=sample_weight)
    names = names if names is not None else [f"x{j}" for j in range(p)]
    rm = build_model(
        X, labels, prior, likelihood=likelihood, fit_intercept=fit_intercept, feature_names=names,
        sample_weight=sample_weight, statistics=statistics,
    )  # fmt: skip
    result, _ = MapSolver(rm).solve()
    closed, closed_b0 = None, None
    if isinstance(fitted, Ridge):
        closed, closed_b0 = closed_form_ridge(
            X, labels, float(fitted.alpha), fit_intercept=fit_intercept, sample_weight=sample_weight
        )
    penalty_b0 = float(np.ravel(fitted.intercept_)[0])
    return Comparison(
        feature_names=names,
        estimator=fitted,
        prior=prior,
        sigma=sigma,
        map=result,
        closed_form=closed,
        closed_form_intercept=closed_b0,
        objective_penalty_fit=penalized_objective(fitted, X, labels, fitted.coef_, penalty_b0, sample_weight),
        objective_map=penalized_objective(fitted, X, labels, result.coef, result.intercept, sample_weight),
        family=family,
    )


def _classification_data(X, y):
    """``X`` checked as for a regression, ``y`` any two labels, turned into 0/1 (1 for the larger, as
    ``LogisticRegression.classes_[1]``)."""
    classes, codes = np.unique(np.asarray(y), return_inverse=True)
    if classes.size != 2:
        raise ValueError(f"y: LogisticRegression here needs exactly 2 classes, got {classes.size}")
    X, labels, names = check_regression_data(X, codes.astype(float))
    return X, labels, names
