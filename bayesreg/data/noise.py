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


def estimate_noise_scale(X: np.ndarray, y: np.ndarray, *, fit_intercept: bool = True) -> NoiseEstimate:
    """Residual sd of least squares, or of a cross-validated ridge when ``n <= p + fit_intercept``.

    Raises a ValueError when the estimate is 0 (``y`` fit exactly, or constant).
    """
    n, p = X.shape
    scaling = Scaling.from_data(X, y, fit_intercept=fit_intercept, sigma=None)
    Xw, yw = scaling.x(X), scaling.y(y)
    dof = n - p - int(fit_intercept)  # Xw and yw are centred with an intercept (Scaling)
    if dof > 0:  # least squares leaves residuals: its degrees of freedom follow from the rank
        coef, _, rank, _ = np.linalg.lstsq(Xw, yw, rcond=None)
        resid = yw - Xw @ coef
        dof = n - rank - int(fit_intercept)
    if dof > 0:
        sigma_w = float(np.sqrt(resid @ resid / dof))
        method = "least squares"
    else:
        from sklearn.linear_model import RidgeCV

        alphas = np.geomspace(1e-4, 1e4, 41) * max(float(np.sum(Xw * Xw)) / max(p, 1), np.finfo(float).tiny)
        ridge = RidgeCV(alphas=alphas, fit_intercept=fit_intercept, store_cv_results=True).fit(Xw, yw)
        loo = ridge.cv_results_[:, list(alphas).index(ridge.alpha_)]
        sigma_w = float(np.sqrt(np.mean(loo)))
        method = "ridge LOO"
    sigma = sigma_w * scaling.y_scale
    # y~ has sd near 1: a residual sd at round-off level is an exact fit
    if not (np.isfinite(sigma) and sigma_w > 4 * n * np.finfo(float).eps):
        raise ValueError(
            f"y is fit exactly by X ({method} residual sd is 0): the noise scale cannot be estimated from the data; "
            "give a fixed sigma"
        )
    return NoiseEstimate(sigma=sigma, method=method)
