"""A data-based estimate of the noise scale: for ``sigma="auto"`` and for checking a fixed ``sigma``.

With ``n > p + 1`` (``p`` columns plus the intercept) the estimate is the unbiased residual
standard deviation of least squares, ``sqrt(RSS / (n - p - 1))`` (``n - p`` without an intercept),
which does not depend on any prior. Otherwise least squares fits exactly and says nothing about the
noise; the estimate is then the root mean squared leave-one-out error of a ridge fit whose alpha is
chosen by that same leave-one-out error (scikit-learn's ``RidgeCV``, efficient LOO). Both are
computed on scaled columns, so they hold at any scale float64 can represent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bayesreg.data.design import Scaling

__all__ = ["NoiseEstimate", "estimate_noise_scale", "SIGMA_MISMATCH_FACTOR"]

#: a fixed sigma further than this factor from the data's estimate is warned about
SIGMA_MISMATCH_FACTOR = 3.0


@dataclass(frozen=True)
class NoiseEstimate:
    """The estimated noise standard deviation and how it was obtained (``"least squares"`` or ``"ridge LOO"``)."""

    sigma: float
    method: str


def estimate_noise_scale(
    X: np.ndarray, y: np.ndarray, *, fit_intercept: bool = True, sample_weight: np.ndarray | None = None
) -> NoiseEstimate:
    """Residual sd of least squares, or of a cross-validated ridge when ``n <= p + fit_intercept``.

    With ``sample_weight`` (frequency weights) the weighted residual sum of squares over ``sum(w) - rank - 1``
    degrees of freedom: the estimate of the data with each row repeated ``w_i`` times. Raises a ValueError when
    the estimate is 0 (``y`` fit exactly, or constant).
    """
    n, p = X.shape
    if sample_weight is not None:  # rows of weight 0 take no part
        keep = sample_weight > 0
        X, y, sample_weight = X[keep], y[keep], sample_weight[keep]
    w = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    n_eff = float(np.sum(w))
    scaling = Scaling.from_data(X, y, fit_intercept=fit_intercept, sigma=None)
    Xw, yw = scaling.x(X), scaling.y(y)
    if fit_intercept and sample_weight is not None:  # weighted centring (Scaling centres on the plain means)
        Xw, yw = Xw - np.average(Xw, axis=0, weights=w), yw - np.average(yw, weights=w)
    root = np.sqrt(w)
    dof = n_eff - p - int(fit_intercept)
    if dof > 0:  # least squares leaves residuals: its degrees of freedom follow from the rank
        coef, _, rank, _ = np.linalg.lstsq(Xw * root[:, None], yw * root, rcond=None)
        resid = yw - Xw @ coef
        dof = n_eff - rank - int(fit_intercept)
    if dof > 0:
        sigma_w = float(np.sqrt(w @ np.square(resid) / dof))
        method = "least squares"
    else:
        from sklearn.linear_model import RidgeCV

        alphas = np.geomspace(1e-4, 1e4, 41) * max(float(np.sum(Xw * Xw)) / max(p, 1), np.finfo(float).tiny)
        ridge = RidgeCV(alphas=alphas, fit_intercept=fit_intercept, store_cv_results=True)
        ridge.fit(Xw, yw, sample_weight=sample_weight)
        # with weights scikit-learn's LOO errors are w_i e_i^2
        loo = ridge.cv_results_[:, list(alphas).index(ridge.alpha_)]
        sigma_w = float(np.sqrt(np.sum(loo) / n_eff))
        method = "ridge LOO"
    sigma = sigma_w * scaling.y_scale
    # y~ has sd near 1: a residual sd at round-off level is an exact fit
    if not (np.isfinite(sigma) and sigma_w > 4 * n * np.finfo(float).eps):
        raise ValueError(
            f"y is fit exactly by X ({method} residual sd is 0): the noise scale cannot be estimated from the data; "
            "give a fixed sigma"
        )
    return NoiseEstimate(sigma=sigma, method=method)
