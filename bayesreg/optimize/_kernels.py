"""Compiled (numba) loops of the active-set search, where numpy's per-call overhead would dominate.

Imported lazily (numba costs 0.2 s to import); compiled once per machine (``cache=True``).
"""

from __future__ import annotations

import numba as nb
import numpy as np

_jit = nb.njit(cache=True, nogil=True)


@_jit
def warm_solution(Q, c, l1, x, active, L, tol, out):  # pragma: no cover - compiled; tested through its callers
    """The solution of ``min 1/2 x'Qx - c'x + sum_j l1_j |x_j| + l2_j x_j^2`` on the support and signs of ``x``.

    ``active`` must be the support of ``x`` (in any order) and ``L`` the lower Cholesky factor of
    ``Q_AA + 2 diag(l2_A)`` in that order. Returns -1 if ``active`` is not the support of ``x``; 0 if the
    minimizer on that support, ``x_A = (Q_AA + 2 diag(l2_A))^{-1} (c_A - l1_A s_A)``, does not keep the signs
    ``s = sign(x_A)`` or some other coordinate has ``|g_j| - l1_j > tol`` (``g`` the smooth part's gradient); 1
    when it is the solution, written to ``out`` (exact zeros off the support).
    """
    k = active.size
    p = c.size
    n_support = 0
    for j in range(p):
        if x[j] != 0.0:
            n_support += 1
    if n_support != k:
        return -1
    z = np.empty(k)
    signs = np.empty(k)
    for i in range(k):
        value = x[active[i]]
        if value == 0.0:
            return -1
        signs[i] = 1.0 if value > 0.0 else -1.0
        z[i] = c[active[i]] - l1[active[i]] * signs[i]
    # L z' = rhs, then L' x_A = z'
    for i in range(k):
        s = z[i]
        for j in range(i):
            s -= L[i, j] * z[j]
        z[i] = s / L[i, i]
    for i in range(k - 1, -1, -1):
        s = z[i]
        for j in range(i + 1, k):
            s -= L[j, i] * z[j]
        z[i] = s / L[i, i]
    for i in range(k):
        if not z[i] * signs[i] > 0.0:
            return 0
    for j in range(p):
        out[j] = 0.0
    for i in range(k):
        out[active[i]] = z[i]
    # the coordinates off the support (x_j = 0: no l2 term): |g_j| = |(Q_{j,A} x_A) - c_j| <= l1_j + tol
    for j in range(p):
        if out[j] != 0.0:
            continue
        g = -c[j]
        for i in range(k):
            g += Q[j, active[i]] * z[i]
        if abs(g) - l1[j] > tol:
            return 0
    return 1
