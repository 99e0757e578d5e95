"""Reference fits the MAP is checked against: closed-form ridge and scikit-learn's estimators.

Nothing here touches PyMC: these are the independent side of every equivalence test.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg, special
from sklearn.base import clone
from sklearn.linear_model import ElasticNet, Lasso, LogisticRegression, PoissonRegressor, Ridge

__all__ = ["closed_form_ridge", "penalized_objective", "fit_penalized"]


def closed_form_ridge(X, y, alpha, *, fit_intercept: bool = True, sample_weight=None) -> tuple[np.ndarray, float]:
    """Ridge by its normal equations: ``w = (X_c'W X_c + alpha I)^{-1} X_c' W y_c``.

    ``X_c``, ``y_c`` are centred on their (``sample_weight``-weighted) means when ``fit_intercept`` (the intercept is
    then ``mean(y) - mean(X) w``); ``W`` is the diagonal of the weights (ones by default). Minimizes
    ``sum_i w_i (y_i - b0 - x_i'w)^2 + alpha ||w||^2``, ``Ridge``'s weighted objective.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    weight = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    x_mean = np.average(X, axis=0, weights=weight) if fit_intercept else np.zeros(X.shape[1])
    y_mean = float(np.average(y, weights=weight)) if fit_intercept else 0.0
    Xc = X - x_mean
    gram = Xc.T @ (weight[:, None] * Xc)
    gram[np.diag_indices_from(gram)] += alpha
    coef = linalg.solve(gram, Xc.T @ (weight * (y - y_mean)), assume_a="pos")
    return coef, float(y_mean - x_mean @ coef)


def penalized_objective(estimator, X, y, coef, intercept, sample_weight=None) -> float:
    """Value of a scikit-learn estimator's own objective at ``(coef, intercept)``, with ``sample_weight`` as its
    ``fit`` takes them (``w_i``, ones by default; ``n = sum_i w_i``).

    * ``Ridge``: ``sum_i w_i (y_i - b0 - x_i'w)^2 + alpha ||w||^2``;
    * ``Lasso``: ``1/(2n) sum_i w_i (y_i - b0 - x_i'w)^2 + alpha ||w||_1``;
    * ``ElasticNet``: ``1/(2n) sum_i w_i (y_i - b0 - x_i'w)^2 + alpha rho ||w||_1 + alpha (1 - rho)/2 ||w||^2``;
    * ``LogisticRegression`` (``y`` in {0, 1}, 1 for ``classes_[1]``): ``sum_i w_i (log(1 + exp(eta_i)) -
      y_i eta_i) + (rho ||w||_1 + (1 - rho)/2 ||w||^2) / C``, the log loss plus the penalty over ``C``;
    * ``PoissonRegressor``: ``1/(2n) sum_i w_i d(y_i, mu_i) + alpha/2 ||w||^2`` with the Poisson deviance
      ``d = 2 (y log(y / mu) - y + mu)``.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    weight = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    n = float(np.sum(weight))
    coef = np.asarray(coef, dtype=float).reshape(-1)
    eta = intercept + X @ coef
    if isinstance(estimator, LogisticRegression):
        rho = float(estimator.l1_ratio or 0.0)
        log_loss = float(weight @ (np.logaddexp(0.0, eta) - y * eta))
        return log_loss + (rho * float(np.abs(coef).sum()) + (1 - rho) / 2 * float(coef @ coef)) / float(estimator.C)
    if isinstance(estimator, PoissonRegressor):
        mu = np.exp(eta)
        deviance = 2.0 * (special.xlogy(y, y) - special.xlogy(y, mu) - y + mu)
        return float(weight @ deviance) / (2.0 * n) + float(estimator.alpha) / 2.0 * float(coef @ coef)
    rss = float(weight @ (y - intercept - X @ coef) ** 2)
    alpha = float(estimator.alpha)
    if isinstance(estimator, Ridge):
        return rss + alpha * float(coef @ coef)
    rho = 1.0 if isinstance(estimator, Lasso) else float(estimator.l1_ratio)  # Lasso subclasses ElasticNet
    return rss / (2 * n) + alpha * rho * float(np.abs(coef).sum()) + alpha * (1 - rho) / 2 * float(coef @ coef)


def fit_penalized(estimator, X, y, *, tol: float | None = 1e-12, max_iter: int = 1_000_000, sample_weight=None):
    """Fit a clone of a scikit-learn estimator (with ``sample_weight``, if given), its solver run to ``tol``.

    ``tol=None`` keeps the estimator's own ``tol`` and ``max_iter``. ``LogisticRegression`` and
    ``PoissonRegressor`` take at most ``max_iter`` iterations of their own solver, capped at 100,000.
    """
    est = clone(estimator)
    if tol is not None and isinstance(est, ElasticNet):
        est.set_params(tol=tol, max_iter=max_iter)
    elif tol is not None and isinstance(est, LogisticRegression | PoissonRegressor):
        est.set_params(tol=tol, max_iter=min(max_iter, 100_000))
    return est.fit(X, y) if sample_weight is None else est.fit(X, y, sample_weight=sample_weight)
