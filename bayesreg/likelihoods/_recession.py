"""Directions along which a likelihood improves without limit: where a flat prior leaves the posterior without a mode.

Coefficients under a flat prior (the intercept; a penalty factor of 0) are determined by the likelihood alone. If
the log-likelihood never decreases along a direction ``d`` of those coefficients and increases somewhere, the MAP
runs off to infinity along ``d`` and the posterior is improper. For the Bernoulli likelihood this is (quasi-)complete
separation (Albert & Anderson 1984): ``s_i a_i' d >= 0`` for every row, with ``s_i = 2 y_i - 1``. For the Poisson
likelihood: ``a_i' d <= 0`` for every row and ``= 0`` where ``y_i > 0``. Both are one linear programme (Konis 2007):
maximize the total margin ``sum_i s_i a_i' d`` over ``|d_j| <= 1``, columns scaled to a largest entry of 1.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

__all__ = ["improving_direction"]

#: a direction is genuine when its largest margin exceeds the largest violation of the constraints (the linear
#: programme's feasibility tolerance, about 1e-7) by this factor, and is above round-off
_GENUINE = 1e3
_ROUNDOFF = 1e-9


def improving_direction(A: np.ndarray, signs: np.ndarray) -> np.ndarray | None:
    """A direction ``d`` with ``s_i a_i' d >= 0`` where ``s_i = +-1`` and ``a_i' d = 0`` where ``s_i = 0``, whose
    total margin ``sum_i s_i a_i' d`` is positive; None when there is none.

    Parameters
    ----------
    A : (n, k) array
        The columns under a flat prior (full column rank), over the rows that count (positive weight).
    signs : (n,) array of -1, 0, +1
    """
    n, k = A.shape
    if n == 0 or k == 0:
        return None
    col = np.max(np.abs(A), axis=0)
    col[col == 0] = 1.0
    signed = (A / col) * signs[:, None]
    free = signs != 0
    # maximize sum_i s_i a_i' d  subject to  -s_i a_i' d <= 0 (s_i != 0),  a_i' d = 0 (s_i = 0)
    res = optimize.linprog(
        -signed.sum(axis=0),
        A_ub=-signed[free],
        b_ub=np.zeros(int(free.sum())),
        A_eq=(A / col)[~free] if np.any(~free) else None,
        b_eq=np.zeros(int((~free).sum())) if np.any(~free) else None,
        bounds=[(-1.0, 1.0)] * k,
        method="highs",
    )
    if res.status != 0:
        return None
    margins = signed @ res.x
    largest = float(margins[free].max(initial=0.0))
    violation = max(float(-margins[free].min(initial=0.0)), float(np.abs((A / col)[~free] @ res.x).max(initial=0.0)))
    if largest <= _ROUNDOFF or violation * _GENUINE > largest:
        return None
    return res.x / col
