"""Reference fits the MAP is checked against: closed-form ridge and scikit-learn's estimators.

Nothing here touches PyMC: these are the independent side of every equivalence test.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg
from sklearn.base import clone
from sklearn.linear_model import ElasticNet, Lasso, Ridge

__all__ = ["closed_form_ridge", "penalized_objective", "fit_penalized"]


def closed_form_ridge(X, y, alpha, *, fit_intercept: bool = True) -> tuple[np.ndarray, float]:
    """Ridge by its normal equations: ``w = (X_c'X_c + alpha I)^{-1} X_c' y_c``.

    ``X_c``, ``y_c`` are centred when ``fit_intercept`` (the intercept is then
    ``mean(y) - mean(X) w``). Minimizes ``||y - b0 - Xw||^2 + alpha ||w||^2``.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    x_mean = X.mean(axis=0) if fit_intercept else np.zeros(X.shape[1])
    y_mean = y.mean() if fit_intercept else 0.0
    Xc = X - x_mean
    gram = Xc.T @ Xc
    gram[np.diag_indices_from(gram)] += alpha
    coef = linalg.solve(gram, Xc.T @ (y - y_mean), assume_a="pos")
    return coef, float(y_mean - x_mean @ coef)


def penalized_objective(estimator, X, y, coef, intercept) -> float:
    """Value of a scikit-learn estimator's own objective at ``(coef, intercept)``.

    * ``Ridge``: ``||y - b0 - Xw||^2 + alpha ||w||^2``;
    * ``Lasso``: ``1/(2n) ||y - b0 - Xw||^2 + alpha ||w||_1``;
    * ``ElasticNet``: ``1/(2n) ||y - b0 - Xw||^2 + alpha rho ||w||_1 + alpha (1 - rho)/2 ||w||^2``.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    coef = np.asarray(coef, dtype=float)
    rss = float(np.sum((y - intercept - X @ coef) ** 2))
    alpha = float(estimator.alpha)
    if isinstance(estimator, Ridge):
        return rss + alpha * float(coef @ coef)
    rho = 1.0 if isinstance(estimator, Lasso) else float(estimator.l1_ratio)  # Lasso subclasses ElasticNet
    n = X.shape[0]
    return rss / (2 * n) + alpha * rho * float(np.abs(coef).sum()) + alpha * (1 - rho) / 2 * float(coef @ coef)


def fit_penalized(estimator, X, y, *, tol: float | None = 1e-12, max_iter: int = 1_000_000):
    """Fit a clone of a scikit-learn estimator, with coordinate descent run to ``tol``.

    ``tol=None`` keeps the estimator's own ``tol`` and ``max_iter``.
    """
    est = clone(estimator)
    if tol is not None and isinstance(est, ElasticNet):
        est.set_params(tol=tol, max_iter=max_iter)
    return est.fit(X, y)
