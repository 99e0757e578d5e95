"""Exact solver for a convex quadratic plus an elastic-net penalty.

The problem is

.. math::

    \\min_x\\; \\tfrac12 x^\\top Q x - c^\\top x + \\ell_1 \\|x\\|_1 + \\ell_2 \\|x\\|_2^2,
    \\qquad Q \\succeq 0 .

It is the sub-problem of every (proximal) Newton step of a MAP fit and, for a Gaussian
likelihood with a fixed noise scale, the whole problem. The method is an active-set
("feature-sign") search: on an active set ``A`` with signs ``s`` the objective is the smooth
quadratic ``f_s``, minimized by one linear solve; a step that would flip a sign stops at the
first zero crossing, where that coefficient leaves ``A``; at a sign-consistent minimizer the
inactive coordinate that most violates ``|g_j| <= l1`` joins ``A``. The objective decreases
strictly, so the search ends, and at the end ``x_A`` solves
``(Q_AA + 2 l2 I) x_A = c_A - l1 s_A`` while every other coordinate is exactly 0.0: the result
is exact up to round-off. A singular ``Q_AA`` (``l2 = 0``, more active columns than the rank)
is passed as in the homotopy (LARS-lasso) method: along the null direction until a coordinate
crosses zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

__all__ = ["QuadraticL1Solution", "solve_quadratic_l1", "kkt_violation"]

#: a pivot below this fraction of the largest diagonal entry counts as singular
_SINGULAR = 1e-13


@dataclass
class QuadraticL1Solution:
    x: np.ndarray
    n_iter: int
    #: largest violation of the optimality conditions (absolute, in objective units)
    kkt: float


def kkt_violation(grad, x, l1: float) -> np.ndarray:
    """Per-coordinate violation of the optimality conditions of ``smooth + l1 ||x||_1``.

    ``grad`` is the gradient of the smooth part at ``x``. For ``x_j != 0`` the violation is
    ``|grad_j + l1 sign(x_j)|``; for ``x_j == 0`` it is ``max(|grad_j| - l1, 0)``.
    """
    grad = np.asarray(grad, dtype=float)
    x = np.asarray(x, dtype=float)
    active = x != 0
    return np.where(active, np.abs(grad + l1 * np.sign(x)), np.maximum(np.abs(grad) - l1, 0.0))


class _ActiveSetSolver:
    def __init__(self, Q, c, l1, l2, tol, max_iter):
        self.Q = Q
        self.c = c
        self.l1 = l1
        self.l2 = l2
        self.p = c.shape[0]
        self.diag = np.diag(Q) + 2.0 * l2
        scale = max(float(np.max(np.abs(c), initial=0.0)), l1, np.finfo(float).tiny)
        self.tol = tol * scale
        self.max_iter = max_iter

    def gradient(self, x, active):
        """Gradient of the smooth part ``1/2 x'Qx - c'x + l2 ||x||^2`` at ``x``."""
        if active.size == 0:
            return -self.c.copy()
        return self.Q[:, active] @ x[active] - self.c + 2.0 * self.l2 * x

    def factor(self, active):
        """Cholesky factor of ``Q_AA + 2 l2 I``, or None if singular."""
        M = self.Q[np.ix_(active, active)]
        M[np.diag_indices_from(M)] += 2.0 * self.l2
        try:
            chol = linalg.cho_factor(M, lower=True, check_finite=False)
        except linalg.LinAlgError:
            return M, None
        pivots = np.diag(chol[0]) ** 2
        if pivots.min() <= _SINGULAR * max(self.diag[active].max(), np.finfo(float).tiny):
            return M, None
        return M, chol

    def step(self, x, active, signs):
        """Move from ``x`` towards the minimizer of ``f_s`` on ``active``.

        Returns ``(x, active, signs, consistent)``: ``consistent`` is True when the minimizer
        was reached with all signs as in ``signs``.
        """
        rhs = self.c[active] - self.l1 * signs
        M, chol = self.factor(active)
        xa = x[active]
        if chol is not None:
            target = linalg.cho_solve(chol, rhs, check_finite=False)
            direction = target - xa
            t_max = 1.0
        else:
            # Singular: f_s is linear along the null direction v; move along v (downhill) to
            # the first zero crossing, or, if f_s is flat along v, to a minimizer.
            eigval, eigvec = linalg.eigh(M, check_finite=False)
            v = eigvec[:, 0]
            slope = (M @ xa - rhs) @ v
            if abs(slope) <= self.tol * max(np.abs(v).max(), 1.0):
                target = linalg.lstsq(M, rhs, check_finite=False)[0]
                direction = target - xa
                t_max = 1.0
            else:
                direction = -np.sign(slope) * v
                t_max = np.inf
        # first zero crossing along x + t * direction, t in (0, t_max]
        moving_against = signs * direction < 0
        t = np.full(active.size, np.inf)
        t[moving_against] = -xa[moving_against] / direction[moving_against]
        t = np.maximum(t, 0.0)
        t_cross = t.min(initial=np.inf)
        if t_cross >= t_max:
            if not np.isfinite(t_max):
                raise RuntimeError("unbounded objective along a null direction: Q is not PSD?")
            x[active] = target
            return x, active, signs, True
        x[active] = xa + t_cross * direction
        leaving = t <= t_cross
        x[active[leaving]] = 0.0
        return x, active[~leaving], signs[~leaving], False

    def add(self, x, active, signs, grad):
        """Indices and signs of the violators to add at a consistent point, most violating first."""
        inactive = np.ones(self.p, dtype=bool)
        inactive[active] = False
        viol = np.where(inactive, np.abs(grad) - self.l1, -np.inf)
        order = np.argsort(-viol)
        n_viol = int(np.sum(viol > self.tol))
        new = order[:n_viol]
        return new, -np.sign(grad[new])

    def solve(self, x):
        active = np.flatnonzero(x)
        signs = np.sign(x[active])
        consistent = active.size == 0
        n_iter = 0
        while n_iter < self.max_iter:
            n_iter += 1
            if not consistent:
                if active.size == 0:
                    consistent = True
                    continue
                x, active, signs, consistent = self.step(x, active, signs)
                continue
            grad = self.gradient(x, active)
            new, new_signs = self.add(x, active, signs, grad)
            if new.size == 0:
                break
            # Try all violators at once; if one of them would start against its sign the
            # descent argument fails, so fall back to the single worst violator (for which
            # the minimizer on A + {j} always moves x_j the right way).
            if new.size > 1:
                trial = self._try_batch(x, active, signs, new, new_signs)
                if trial is not None:
                    x, active, signs, consistent = trial
                    continue
            active = np.append(active, new[0])
            signs = np.append(signs, new_signs[0])
            x, active, signs, consistent = self.step(x, active, signs)
        else:
            raise RuntimeError(f"active-set search did not finish in {self.max_iter} iterations")
        grad = self.gradient(x, active)
        kkt = float(np.max(kkt_violation(grad, x, self.l1), initial=0.0))
        return QuadraticL1Solution(x=x, n_iter=n_iter, kkt=kkt)

    def _try_batch(self, x, active, signs, new, new_signs):
        trial_active = np.concatenate([active, new])
        trial_signs = np.concatenate([signs, new_signs])
        M, chol = self.factor(trial_active)
        if chol is None:
            return None
        target = linalg.cho_solve(chol, self.c[trial_active] - self.l1 * trial_signs, check_finite=False)
        if np.any(target[active.size :] * new_signs <= 0):
            return None
        return self.step(x, trial_active, trial_signs)


def solve_quadratic_l1(
    Q: np.ndarray,
    c: np.ndarray,
    l1: float,
    l2: float = 0.0,
    x0: np.ndarray | None = None,
    *,
    tol: float = 1e-13,
    max_iter: int | None = None,
) -> QuadraticL1Solution:
    """Minimize ``1/2 x'Qx - c'x + l1 ||x||_1 + l2 ||x||_2^2`` exactly.

    Parameters
    ----------
    Q : (p, p) symmetric positive semi-definite array
    c : (p,) array
    l1, l2 : float
        Non-negative penalty weights.
    x0 : (p,) array, optional
        Warm start (its support and signs seed the active set).
    tol : float
        A coordinate joins the active set when ``|g_j| - l1`` exceeds ``tol * max(|c|, l1)``.

    Returns
    -------
    QuadraticL1Solution
        ``x`` (exact zeros off the active set), iterations and the optimality violation.
    """
    c = np.asarray(c, dtype=float)
    p = c.shape[0]
    x = np.zeros(p) if x0 is None else np.array(x0, dtype=float)
    if max_iter is None:
        max_iter = 20 * p + 100
    if l1 == 0:
        M = Q.copy()
        M[np.diag_indices_from(M)] += 2.0 * l2
        x = linalg.solve(M, c, assume_a="pos", check_finite=False)
        grad = Q @ x - c + 2.0 * l2 * x
        return QuadraticL1Solution(x=x, n_iter=1, kkt=float(np.max(np.abs(grad), initial=0.0)))
    return _ActiveSetSolver(Q, c, float(l1), float(l2), tol, max_iter).solve(x)
