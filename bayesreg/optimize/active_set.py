"""Exact solver for a convex quadratic plus an elastic-net penalty.

The problem is

.. math::

    \\min_x\\; \\tfrac12 x^\\top Q x - c^\\top x + \\sum_j \\left(\\ell_{1j} |x_j| + \\ell_{2j} x_j^2\\right),
    \\qquad Q \\succeq 0 ,

with the same weights for every coordinate (a scalar ``l1``, ``l2``) or one pair per coordinate
(the MAP solver works on internally rescaled columns, where an i.i.d. prior has per-coordinate
weights).

It is the sub-problem of every (proximal) Newton step of a MAP fit and, for a Gaussian
likelihood with a fixed noise scale, the whole problem. The method is an active-set
("feature-sign") search: on an active set ``A`` with signs ``s`` the objective is the smooth
quadratic ``f_s``, minimized by one linear solve; a step that would flip a sign stops at the
first zero crossing, where that coefficient leaves ``A``; at a sign-consistent minimizer the
inactive coordinate that most violates ``|g_j| <= l1`` joins ``A``. The objective decreases
strictly, so the search ends, and at the end ``x_A`` solves
``(Q_AA + 2 diag(l2_A)) x_A = c_A - l1_A s_A`` while every other coordinate is exactly 0.0: the result
is exact up to round-off. A singular ``Q_AA`` (``l2 = 0``, more active columns than the rank)
is passed as in the homotopy (LARS-lasso) method: along the null direction until a coordinate
crosses zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg
from scipy.linalg import lapack

__all__ = ["FactorCache", "QuadraticL1Solution", "kkt_violation", "solve_quadratic_l1", "solve_quadratic_l1_path"]

#: a pivot below this fraction of the largest diagonal entry counts as singular
_SINGULAR = 1e-13
_TINY = float(np.finfo(float).tiny)
_NO_INDEX = np.empty(0, dtype=np.intp)
_NO_SIGN = np.empty(0)


@dataclass
class QuadraticL1Solution:
    x: np.ndarray
    n_iter: int
    #: largest violation of the optimality conditions (absolute, in objective units)
    kkt: float


def kkt_violation(grad, x, l1) -> np.ndarray:
    """Per-coordinate violation of the optimality conditions of ``smooth + sum_j l1_j |x_j|``.

    ``grad`` is the gradient of the smooth part at ``x``; ``l1`` a scalar or one weight per
    coordinate. For ``x_j != 0`` the violation is ``|grad_j + l1_j sign(x_j)|``; for ``x_j == 0``
    it is ``max(|grad_j| - l1_j, 0)``.
    """
    grad = np.asarray(grad, dtype=float)
    x = np.asarray(x, dtype=float)
    active = x != 0
    return np.where(active, np.abs(grad + l1 * np.sign(x)), np.maximum(np.abs(grad) - l1, 0.0))


# LAPACK directly: the solver makes many small calls, where scipy.linalg's wrappers cost more
# than the arithmetic (p = 10: about half the time of a path).
def _cholesky(M):
    L, info = lapack.dpotrf(M, lower=1, clean=1)
    return L if info == 0 else None


def _cho_solve(L, b):
    x, info = lapack.dpotrs(L, b, lower=1)
    if info != 0:
        raise linalg.LinAlgError(f"dpotrs failed (info={info})")
    return x


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """``np.array_equal`` of two index arrays, without its overhead (the solver calls it on every step)."""
    return a.size == b.size and bool((a == b).all())


def _lower_solve(L, B):
    """``L^{-1} B`` for a lower triangular ``L``, one column of ``B`` at a time: OpenBLAS runs a triangular solve with
    several right-hand sides on all its threads however small it is, and on a busy machine waking them costs a
    scheduler tick (4-8 ms measured, against 2 microseconds for the solve)."""
    W = np.empty(B.shape)
    for j in range(B.shape[1]):
        W[:, j], _ = lapack.dtrtrs(L, B[:, j], lower=1)
    return W


class FactorCache:
    """The Cholesky factor of the last active set, kept between solves with the same ``Q``.

    Pass one instance to successive :func:`solve_quadratic_l1` calls on the same ``Q`` (a path):
    while ``l2`` stays the same, a warm start whose active set extends the previous one costs
    O(k^2) per new coefficient instead of a new O(k^3) factorization.
    """

    def __init__(self):
        self.active = np.empty(0, dtype=np.intp)
        self.L = None
        self.l2 = None

    def store(self, active, L, l2):
        self.active = active.copy()
        self.L = L
        self.l2 = l2

    def same_l2(self, l2) -> bool:
        if self.L is None or self.l2 is None:
            return False
        return self.l2 is l2 or (self.l2.shape == np.shape(l2) and bool((self.l2 == l2).all()))

    def delete(self, active, positions, l2):
        """Drop ``active[positions]`` from a cached factor of ``active`` in O(k^2) (Givens)."""
        if not self.same_l2(l2) or not _same(self.active, active):
            return
        R = self.L.T.copy()  # M = R'R; removing a column of R and re-triangularizing keeps that
        for pos in sorted(positions, reverse=True):
            k = R.shape[0]
            _, R = linalg.qr_delete(np.eye(k), R, int(pos), which="col", overwrite_qr=True, check_finite=False)
            R = R[: k - 1]
        keep = np.ones(active.size, dtype=bool)
        keep[positions] = False
        self.store(active[keep], np.ascontiguousarray(R.T), l2)


class _ActiveSetSolver:
    def __init__(self, Q, c, l1, l2, tol, max_iter, cache):
        self.cache = cache
        self.Q = Q
        self.c = c
        self.l1 = l1
        self.l2 = l2
        self.p = c.shape[0]
        self._diag = None
        scale = max(float(np.abs(c).max(initial=0.0)), float(l1.max(initial=0.0)), _TINY)
        self.tol = tol * scale
        self.max_iter = max_iter

    @property
    def diag(self) -> np.ndarray:
        """The diagonal of ``Q + 2 diag(l2)`` (the scale of a pivot that counts as singular)."""
        if self._diag is None:
            self._diag = np.diag(self.Q) + 2.0 * self.l2
        return self._diag

    def gradient(self, x, active):
        """Gradient of the smooth part ``1/2 x'Qx - c'x + l2 ||x||^2`` at ``x``."""
        if active.size == 0:
            return -self.c.copy()
        if 4 * active.size < self.p:
            return self.Q[:, active] @ x[active] - self.c + 2.0 * self.l2 * x
        return self.Q @ x - self.c + 2.0 * self.l2 * x

    def _active_matrix(self, rows, cols):
        block = self.Q.take(rows, axis=0).take(cols, axis=1)
        if rows is cols:
            block.flat[:: block.shape[0] + 1] += 2.0 * self.l2[rows]  # the diagonal
        return block

    def _is_singular(self, L, active) -> bool:
        pivots = L.diagonal() ** 2
        return bool(pivots.min() <= _SINGULAR * max(self.diag[active].max(), _TINY))

    def factor(self, active):
        """Lower Cholesky factor of ``M = Q_AA + 2 l2 I``, or None if ``M`` is singular.

        The factor of the previous active set is kept (also across calls, through ``cache``):
        an active set that extends it is factored by bordering, in O(k^2) per new column.
        """
        cache = self.cache
        m = cache.active.size
        same_l2 = cache.same_l2(self.l2)
        if same_l2 and active.size < m and _same(cache.active[: active.size], active):
            # a leading block of a Cholesky factor is the factor of the leading block
            return cache.L[: active.size, : active.size]
        if same_l2 and m > 0 and active.size >= m and _same(active[:m], cache.active):
            if active.size == m:
                return cache.L
            new = active[m:]
            W = _lower_solve(cache.L, self._active_matrix(cache.active, new))
            L22 = _cholesky(self._active_matrix(new, new) - W.T @ W)
            if L22 is None or self._is_singular(L22, new):
                return None
            L = np.zeros((active.size, active.size))
            L[:m, :m] = cache.L
            L[m:, :m] = W.T
            L[m:, m:] = L22
        else:
            L = _cholesky(self._active_matrix(active, active))
            if L is None or self._is_singular(L, active):
                return None
        cache.store(active, L, self.l2)
        return L

    def step(self, x, active, signs):
        """Move from ``x`` towards the minimizer of ``f_s`` on ``active``.

        Returns ``(x, active, signs, consistent)``: ``consistent`` is True when the minimizer
        was reached with all signs as in ``signs``.
        """
        rhs = self.c[active] - self.l1[active] * signs
        L = self.factor(active)
        xa = x[active]
        if L is not None:
            target = _cho_solve(L, rhs)
            direction = target - xa
            t_max = 1.0
        else:
            # Singular: f_s is linear along the null direction v; move along v (downhill) to
            # the first zero crossing, or, if f_s is flat along v, to a minimizer.
            M = self._active_matrix(active, active)
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
        if not moving_against.any():
            t_cross = np.inf
        else:
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
        self.cache.delete(active, np.flatnonzero(leaving), self.l2)
        return x, active[~leaving], signs[~leaving], False

    def add(self, x, active, signs, grad):
        """Indices and signs of the violators to add at a consistent point, most violating first."""
        viol = np.abs(grad) - self.l1
        viol[active] = -np.inf
        n_viol = int(np.count_nonzero(viol > self.tol))
        if n_viol == 0:
            return _NO_INDEX, _NO_SIGN
        new = np.argsort(-viol)[:n_viol]
        return new, -np.sign(grad[new])

    def solve(self, x):
        active = self._warm_active_set(x)
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
                break  # grad is the gradient at the solution
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
        kkt = float(kkt_violation(grad, x, self.l1).max(initial=0.0))
        return QuadraticL1Solution(x=x, n_iter=n_iter, kkt=kkt)

    def _warm_active_set(self, x):
        """The support of ``x``, ordered like the cached factor so that it can be reused."""
        support = x != 0
        cached = self.cache.active
        if cached.size == 0:
            return np.flatnonzero(support)
        in_support = support[cached]
        if in_support.all():
            support[cached] = False
            if not support.any():  # the same support as the cached factor (a path's next strength)
                return cached.copy()
            return np.concatenate([cached, np.flatnonzero(support)])
        kept = cached[in_support]
        support[cached] = False
        return np.concatenate([kept, np.flatnonzero(support)])

    def _try_batch(self, x, active, signs, new, new_signs):
        trial_active = np.concatenate([active, new])
        trial_signs = np.concatenate([signs, new_signs])
        L = self.factor(trial_active)
        if L is None:
            return None
        target = _cho_solve(L, self.c[trial_active] - self.l1[trial_active] * trial_signs)
        if np.any(target[active.size :] * new_signs <= 0):
            return None
        return self.step(x, trial_active, trial_signs)


def solve_quadratic_l1(
    Q: np.ndarray,
    c: np.ndarray,
    l1,
    l2=0.0,
    x0: np.ndarray | None = None,
    *,
    tol: float = 1e-13,
    max_iter: int | None = None,
    cache: FactorCache | None = None,
) -> QuadraticL1Solution:
    """Minimize ``1/2 x'Qx - c'x + l1 ||x||_1 + l2 ||x||_2^2`` exactly.

    Parameters
    ----------
    Q : (p, p) symmetric positive semi-definite array
    c : (p,) array
    l1, l2 : float or (p,) array
        Non-negative penalty weights, the same for every coordinate or one per coordinate.
    x0 : (p,) array, optional
        Warm start (its support and signs seed the active set).
    tol : float
        A coordinate joins the active set when ``|g_j| - l1_j`` exceeds ``tol * max(|c|, l1)``.
    cache : FactorCache, optional
        Keeps the Cholesky factor between calls on the same ``Q`` (paths).

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
    l1, l2 = _per_coordinate(l1, p), _per_coordinate(l2, p)
    if not l1.any():
        x = _solve_ridge(Q, c, l2, cache)
        grad = Q @ x - c + 2.0 * l2 * x
        return QuadraticL1Solution(x=x, n_iter=1, kkt=float(np.max(np.abs(grad), initial=0.0)))
    cache = FactorCache() if cache is None else cache
    return _ActiveSetSolver(Q, c, l1, l2, tol, max_iter, cache).solve(x)


def _per_coordinate(weight, p: int) -> np.ndarray:
    """A weight as one float per coordinate (an array of that shape is used as it is)."""
    if type(weight) is np.ndarray and weight.shape == (p,) and weight.dtype == np.float64:
        return weight
    return np.broadcast_to(np.asarray(weight, dtype=float), (p,))


def _solve_ridge(Q, c, l2, cache: FactorCache | None) -> np.ndarray:
    """``(Q + 2 diag(l2))^{-1} c``: from the cached factor of the whole matrix when ``cache`` holds it."""
    p = c.shape[0]
    everything = np.arange(p)
    if cache is not None and cache.same_l2(l2) and _same(cache.active, everything):
        return _cho_solve(cache.L, c)
    M = Q.copy()
    M[np.diag_indices_from(M)] += 2.0 * l2
    L = _cholesky(M)
    if L is None:
        # not positive definite in float64 (columns collinear to round-off): a least-squares solution; the MAP's
        # line search and certificate judge the step it gives
        return linalg.lstsq(M, c, check_finite=False)[0]
    if cache is not None:
        cache.store(everything, L, l2)
    return _cho_solve(L, c)


def solve_quadratic_l1_path(
    Q: np.ndarray, c: np.ndarray, l1: np.ndarray, l2: np.ndarray, *, tol: float = 1e-13, max_iter: int | None = None
) -> np.ndarray:
    """:func:`solve_quadratic_l1` for each row of ``l1`` and ``l2`` (``(K, p)``: one penalty per row), each
    warm-started from the solution before it; returns the solutions, one row each.

    Along a path the support and signs mostly stay those of the last solution. Then the solution is the
    minimizer on that support, ``(Q_AA + 2 diag(l2_A)) x_A = c_A - l1_A s_A``, if its signs are ``s`` and no
    other coordinate violates ``|g_j| <= l1_j`` (by more than the search's tolerance): exactly the first step of
    the active-set search from that warm start and its check, made here by a compiled loop
    (:func:`bayesreg.optimize._kernels.warm_solution`; numpy's per-call overhead was most of a small path's time),
    with the factor kept while the support and ``l2`` stay. Any other case (a sign change, a violator, a singular
    ``Q_AA``, a warm start of zeros, no L1 part) is the active-set search's, from the same warm start.
    """
    from bayesreg.optimize._kernels import warm_solution

    Q = np.ascontiguousarray(Q, dtype=float)
    c = np.ascontiguousarray(c, dtype=float)
    n_rows, p = l1.shape
    out = np.zeros((n_rows, p))
    x = np.zeros(p)
    cache = FactorCache()
    c_max = float(np.abs(c).max(initial=0.0))
    for k in range(n_rows):
        l1k, l2k = _per_coordinate(l1[k], p), _per_coordinate(l2[k], p)
        status = 0
        if cache.active.size and l1k.any():
            tol_k = tol * max(c_max, float(l1k.max()), _TINY)
            status = warm_solution(Q, c, l1k, x, cache.active, cache.L, tol_k, out[k]) if cache.same_l2(l2k) else -1
            if status == -1:  # the cached factor is not that of the support of x at these l2
                active = np.flatnonzero(x)
                L = _factor(Q, l2k, active) if active.size else None
                if L is not None:
                    cache.store(active, L, l2k)
                    status = warm_solution(Q, c, l1k, x, active, L, tol_k, out[k])
        if status == 1:
            x = out[k]
        else:
            x = solve_quadratic_l1(Q, c, l1k, l2k, x0=x, tol=tol, max_iter=max_iter, cache=cache).x
            out[k] = x
    return out


def _factor(Q: np.ndarray, l2: np.ndarray, active: np.ndarray) -> np.ndarray | None:
    """The lower Cholesky factor of ``Q_AA + 2 diag(l2_A)``, or None where the search would call it singular."""
    M = Q.take(active, axis=0).take(active, axis=1)
    M.flat[:: active.size + 1] += 2.0 * l2[active]
    L = _cholesky(M)
    if L is None or float((L.diagonal() ** 2).min()) <= _SINGULAR * max(float(M.diagonal().max()), _TINY):
        return None
    return L
