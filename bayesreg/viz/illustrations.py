"""The textbook pictures of L1 versus L2 penalties, computed exactly (no plotting here).

Three views, each a frozen dataclass of plain numpy arrays and floats:

* :func:`one_dimensional_view`: one coefficient, the same ``lambda`` for both penalties. The L1
  objective has a kink at 0, so its minimizer is exactly 0 once the loss slope at 0 is smaller
  than ``lambda`` in magnitude, while the L2 minimizer is only pulled towards 0.
* :func:`two_dimensional_view`: two coefficients, the constrained form. The smallest loss contour
  first touches the L1 ball (a diamond) at a vertex, where one coefficient is 0, and the L2 ball
  (a circle) at a point with both coefficients non-zero.
* :func:`prior_densities`: the Bayesian twins, a Laplace and a Gaussian density of equal variance,
  whose negative log densities are the two penalties up to constants.

The loss is scikit-learn's ``Lasso`` data term ``1/(2n) ||y - Xw||^2`` throughout, with no
intercept. The L1 penalty is ``lambda ||w||_1`` (``Lasso(alpha=lambda, fit_intercept=False)``) and
the L2 penalty ``lambda/2 ||w||_2^2`` (``ElasticNet(alpha=lambda, l1_ratio=0, fit_intercept=False)``),
so one ``lambda`` means the same thing in both; the matching priors come from
:mod:`bayesreg.conversions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np
from scipy import optimize

from bayesreg._validation import check_count, check_positive
from bayesreg.conversions import weights_from_enet
from bayesreg.priors import Prior, equal_variance_priors, prior_from_weights

__all__ = [
    "OneDimensionalView",
    "TwoDimensionalView",
    "PriorDensities",
    "one_dimensional_view",
    "two_dimensional_view",
    "prior_densities",
    "soft_threshold",
    "l1_ball_solution",
    "l2_ball_solution",
]


# ---------------------------------------------------------------------------------------------
# input checks and shared helpers


def _check_real(value, name: str) -> float:
    """A finite real number of any sign (``check_positive`` handles the positive ones)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}: {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def _check_pair(value, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair of real numbers, got {value!r}") from None
    if arr.shape != (2,):
        raise ValueError(f"{name} must be a pair of real numbers, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return arr


def _check_random_state(random_state) -> np.random.Generator:
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, bool) or not isinstance(random_state, Integral):
        raise TypeError(f"random_state must be an integer seed or a numpy Generator, got {random_state!r}")
    if random_state < 0:
        raise ValueError(f"random_state must be a non-negative seed, got {random_state!r}")
    return np.random.default_rng(int(random_state))


def _check_grid(grid, name: str) -> np.ndarray:
    """A 1-D, finite, strictly increasing float array of at least 3 points."""
    try:
        arr = np.asarray(grid, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a 1-D array of real numbers, got {type(grid).__name__}") from None
    if arr.ndim != 1 or arr.size < 3:
        raise ValueError(f"{name} must be a 1-D array of at least 3 points, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values")
    if not np.all(np.diff(arr) > 0):
        raise ValueError(f"{name} must be strictly increasing")
    return arr


def _symmetric_grid(half_width: float, half_points: int) -> np.ndarray:
    """``h * k`` for ``k = -m .. m`` and ``h = half_width / m``: 0 is on the grid exactly."""
    return np.arange(-half_points, half_points + 1) * (half_width / half_points)


def _frozen(arr) -> np.ndarray:
    arr = np.array(arr, dtype=float)
    arr.flags.writeable = False
    return arr


def _design(rng: np.random.Generator, n: int, gram: np.ndarray) -> np.ndarray:
    """Random ``n x p`` design whose second-moment matrix ``X^T X / n`` equals ``gram`` up to rounding.

    Standard normal draws ``Z`` are whitened (``Z^T Z / n = I``) and coloured by the Cholesky
    factor ``C`` of ``gram``: ``X = Z C^T`` gives ``X^T X / n = C C^T = gram``.
    """
    z = rng.standard_normal((n, gram.shape[0]))
    whitener = np.linalg.cholesky(z.T @ z / n)
    z = np.linalg.solve(whitener, z.T).T
    return z @ np.linalg.cholesky(gram).T


# ---------------------------------------------------------------------------------------------
# one coefficient


@dataclass(frozen=True, eq=False)
class OneDimensionalView:
    """One coefficient ``w``, penalized by ``lambda |w|`` or ``lambda/2 w^2`` (see :func:`one_dimensional_view`).

    Attributes
    ----------
    x, y : ndarray of shape (n,)
        The data, ``y = w_true x + noise``, with ``x^T x / n = 1``.
    w_true, lam, noise : float
        The parameters the view was computed with.
    grid : ndarray of shape (m,)
        Values of ``w`` at which the curves are evaluated.
    loss, l1_penalty, l2_penalty, l1_objective, l2_objective : ndarray of shape (m,)
        ``L(w) = 1/(2n) ||y - w x||^2``, ``lambda |w|``, ``lambda/2 w^2``, ``L + lambda |w|`` and
        ``L + lambda/2 w^2`` on the grid.
    curvature : float
        ``a = x^T x / n``, the second derivative of ``L``.
    loss_slope_at_zero : float
        ``d0 = L'(0) = -x^T y / n``.
    w_ls, w_l1, w_l2 : float
        The exact minimizers of ``L``, of the L1 objective and of the L2 objective.
    slope_left, slope_right : float
        One-sided derivatives of the L1 objective at 0: ``d0 - lambda`` and ``d0 + lambda``.
    laplace_prior, normal_prior : Prior
        The priors whose MAP (Gaussian likelihood with noise scale ``noise``, no intercept:
        ``BayesianRegression(..., fit_intercept=False)``) is ``w_l1`` and ``w_l2``.
    """

    x: np.ndarray
    y: np.ndarray
    w_true: float
    lam: float
    noise: float
    grid: np.ndarray
    loss: np.ndarray
    l1_penalty: np.ndarray
    l2_penalty: np.ndarray
    l1_objective: np.ndarray
    l2_objective: np.ndarray
    curvature: float
    loss_slope_at_zero: float
    w_ls: float
    w_l1: float
    w_l2: float
    slope_left: float
    slope_right: float
    laplace_prior: Prior
    normal_prior: Prior

    @property
    def zero_is_l1_minimizer(self) -> bool:
        """The sub-gradient condition at 0: ``d0 - lambda <= 0 <= d0 + lambda``."""
        return self.slope_left <= 0.0 <= self.slope_right

    def loss_at(self, w) -> np.ndarray:
        """``L(w) = 1/(2n) ||y - w x||^2`` for each value in ``w``."""
        w = np.asarray(w, dtype=float)
        residuals = self.y[:, None] - self.x[:, None] * w.reshape(1, -1)
        return (np.square(residuals).sum(axis=0) / (2 * self.x.size)).reshape(w.shape)


def soft_threshold(value: float, threshold: float) -> float:
    """``sign(v) max(|v| - t, 0)``: exactly 0.0 when ``|v| <= t``."""
    return float(np.sign(value) * max(abs(value) - threshold, 0.0)) + 0.0


def one_dimensional_view(
    *,
    w_true: float = 0.5,
    lam: float = 0.75,
    n: int = 20,
    noise: float = 0.5,
    random_state: int | np.random.Generator = 0,
    grid=None,
) -> OneDimensionalView:
    """Loss, L1 and L2 penalties of one coefficient with the same ``lambda``, and their exact minimizers.

    The data are ``y = w_true x + noise * e`` with ``x`` and ``e`` standard normal draws, ``x``
    rescaled so that ``a = x^T x / n = 1``. With ``c = x^T y / n`` the loss is

    .. math::

        L(w) = \\frac{1}{2n}\\|y - w x\\|^2 = \\frac{a}{2} w^2 - c w + \\frac{\\|y\\|^2}{2n},

    with slope ``d0 = L'(0) = -c`` at 0 and least-squares estimate ``w_ls = c / a``. The minimizers
    of the penalized objectives are, in closed form,

    .. math::

        \\arg\\min_w L(w) + \\lambda |w| = \\frac{\\operatorname{sign}(c)\\max(|c| - \\lambda, 0)}{a},
        \\qquad
        \\arg\\min_w L(w) + \\frac{\\lambda}{2} w^2 = \\frac{c}{a + \\lambda}.

    The first is exactly 0 when ``|d0| <= lambda``: the one-sided slopes of the L1 objective at 0
    are ``d0 - lambda`` and ``d0 + lambda``, and 0 is its minimizer if and only if
    ``d0 - lambda <= 0 <= d0 + lambda``. The second is 0 only when ``c = 0``: the L2 penalty has
    slope 0 at 0 and cannot hold ``w`` there. The objectives are scikit-learn's ``Lasso(alpha=lam)``
    and ``ElasticNet(alpha=lam, l1_ratio=0)``, both with ``fit_intercept=False`` (the data term has
    no intercept); their Bayesian twins (noise scale ``noise``) are
    ``Laplace(noise^2 / (n lam))`` and ``Normal(noise / sqrt(n lam))``.

    Parameters
    ----------
    w_true : float
        The coefficient the data are drawn with.
    lam : float
        The penalty strength ``lambda > 0`` shared by both penalties. The default 0.75 exceeds
        ``|d0| = 0.494`` of the default data, so the L1 minimum is exactly 0 while the L2 minimum
        is ``0.494 / 1.75 = 0.282``.
    n : int
        Number of observations, at least 2.
    noise : float
        Standard deviation ``> 0`` of the noise.
    random_state : int or numpy Generator
        Seed of the draws.
    grid : array-like, optional
        Strictly increasing values of ``w`` to evaluate the curves at; by default 801 evenly
        spaced points symmetric about 0 (0 included exactly) reaching past ``w_ls`` and ``w_true``.

    Returns
    -------
    OneDimensionalView
    """
    w_true = _check_real(w_true, "w_true")
    lam = check_positive(lam, "lam")
    n = check_count(n, "n", minimum=2)
    noise = check_positive(noise, "noise")
    rng = _check_random_state(random_state)

    x = _design(rng, n, np.eye(1))[:, 0]
    y = w_true * x + noise * rng.standard_normal(n)
    curvature = float(x @ x / n)
    c = float(x @ y / n)
    d0 = -c
    w_ls = c / curvature
    if grid is None:
        grid = _symmetric_grid(1.5 * max(abs(w_ls), abs(w_true), lam / curvature, 0.5), 400)
    grid = _check_grid(grid, "grid")

    residuals = y[:, None] - x[:, None] * grid[None, :]
    loss = np.square(residuals).sum(axis=0) / (2 * n)
    l1_penalty = lam * np.abs(grid)
    l2_penalty = 0.5 * lam * np.square(grid)
    return OneDimensionalView(
        x=_frozen(x),
        y=_frozen(y),
        w_true=w_true,
        lam=lam,
        noise=noise,
        grid=_frozen(grid),
        loss=_frozen(loss),
        l1_penalty=_frozen(l1_penalty),
        l2_penalty=_frozen(l2_penalty),
        l1_objective=_frozen(loss + l1_penalty),
        l2_objective=_frozen(loss + l2_penalty),
        curvature=curvature,
        loss_slope_at_zero=d0,
        w_ls=w_ls,
        w_l1=soft_threshold(c, lam) / curvature,
        w_l2=c / (curvature + lam),
        slope_left=d0 - lam,
        slope_right=d0 + lam,
        laplace_prior=prior_from_weights(weights_from_enet(lam, 1.0, sigma=noise, n_samples=n)),
        normal_prior=prior_from_weights(weights_from_enet(lam, 0.0, sigma=noise, n_samples=n)),
    )


# ---------------------------------------------------------------------------------------------
# two coefficients, constrained form


@dataclass(frozen=True, eq=False)
class TwoDimensionalView:
    """Two coefficients, loss contours and the L1 / L2 balls of one radius (see :func:`two_dimensional_view`).

    Attributes
    ----------
    X : ndarray of shape (n, 2)
        The design, ``X^T X / n = [[1, rho], [rho, 1]]`` up to rounding.
    y : ndarray of shape (n,)
        ``y = X w_true + noise``.
    gram, moment : ndarray
        ``G = X^T X / n`` and ``b = X^T y / n``: ``L(w) = 1/2 w^T G w - b^T w + y^T y / (2n)``.
    radius : float
        ``t``, the radius of both balls.
    w1, w2 : ndarray
        The grid axes; ``loss[i, j]`` is ``L((w1[j], w2[i]))`` (matplotlib's ``contour`` layout).
    loss : ndarray of shape (len(w2), len(w1))
        ``L(w) = 1/(2n) ||y - Xw||^2`` on the grid.
    w_ls, w_l1, w_l2 : ndarray of shape (2,)
        The least-squares estimate and the minimizers of ``L`` over ``||w||_1 <= t`` and ``||w||_2 <= t``.
    lam_l1, lam_l2 : float
        Their Lagrange multipliers: ``w_l1`` minimizes ``L + lam_l1 ||w||_1`` and ``w_l2`` minimizes
        ``L + lam_l2 / 2 ||w||_2^2`` (0 when ``w_ls`` lies inside the ball).
    """

    X: np.ndarray
    y: np.ndarray
    w_true: np.ndarray
    noise: float
    gram: np.ndarray
    moment: np.ndarray
    radius: float
    w1: np.ndarray
    w2: np.ndarray
    loss: np.ndarray
    w_ls: np.ndarray
    w_l1: np.ndarray
    w_l2: np.ndarray
    lam_l1: float
    lam_l2: float

    def loss_at(self, w) -> np.ndarray:
        """``L(w) = 1/(2n) ||y - Xw||^2`` for ``w`` of shape ``(2,)`` or ``(k, 2)``."""
        w = np.asarray(w, dtype=float)
        residuals = self.y - w @ self.X.T
        return np.square(residuals).sum(axis=-1) / (2 * self.y.size)

    def gradient_at(self, w) -> np.ndarray:
        """``grad L(w) = G w - b``."""
        return self.gram @ np.asarray(w, dtype=float) - self.moment


def _quadratic(gram: np.ndarray, moment: np.ndarray, w: np.ndarray) -> float:
    """``1/2 w^T G w - b^T w``: the loss up to its constant."""
    return float(0.5 * w @ gram @ w - moment @ w)


def l1_ball_solution(gram: np.ndarray, moment: np.ndarray, radius: float) -> np.ndarray:
    """Exact minimizer of ``1/2 w^T G w - b^T w`` over ``|w_1| + |w_2| <= t`` (``G`` positive definite).

    If the unconstrained minimizer ``G^{-1} b`` is inside the diamond it is the answer. Otherwise
    the minimizer lies on the boundary, the four edges ``w(s) = (s_1 (t - u), s_2 u)``, ``u in [0, t]``,
    one per sign pattern ``(s_1, s_2)``. On an edge the objective is a convex quadratic in ``u``
    with stationary point ``u* = (b - G p)^T d / (d^T G d)`` (``p = (s_1 t, 0)``, ``d = (-s_1, s_2)``),
    clipped to ``[0, t]``; the best of the four edge minima is the answer. A clipped ``u`` is a
    vertex, where one coordinate is exactly 0.0.
    """
    w_ls = np.linalg.solve(gram, moment)
    if np.abs(w_ls).sum() <= radius:
        return w_ls
    best, best_value = None, np.inf
    for s1 in (1.0, -1.0):
        for s2 in (1.0, -1.0):
            p, d = np.array([s1 * radius, 0.0]), np.array([-s1, s2])
            u = float(np.clip((moment - gram @ p) @ d / (d @ gram @ d), 0.0, radius))
            w = np.array([s1 * (radius - u), s2 * u]) + 0.0  # + 0.0 turns -0.0 into 0.0
            value = _quadratic(gram, moment, w)
            if value < best_value:
                best, best_value = w, value
    return best


def l2_ball_solution(gram: np.ndarray, moment: np.ndarray, radius: float) -> tuple[np.ndarray, float]:
    """Minimizer of ``1/2 w^T G w - b^T w`` over ``||w||_2 <= t`` and its multiplier ``mu``.

    Outside the ball the minimizer is on the ridge path ``w(mu) = (G + mu I)^{-1} b`` at the
    ``mu > 0`` with ``||w(mu)|| = t``. With ``G = V diag(e) V^T`` and ``q = V^T b``,
    ``||w(mu)||^2 = sum_i q_i^2 / (e_i + mu)^2`` decreases in ``mu`` and is at most ``t^2`` at
    ``mu = ||b|| / t``, so ``mu`` is found by bracketed root finding on ``[0, ||b|| / t]``; the last
    rounding error is removed by rescaling ``w`` to norm ``t``.
    """
    w_ls = np.linalg.solve(gram, moment)
    if np.linalg.norm(w_ls) <= radius:
        return w_ls, 0.0
    eigenvalues, vectors = np.linalg.eigh(gram)
    q = vectors.T @ moment

    def excess(mu: float) -> float:
        return float(np.sqrt(np.sum(np.square(q / (eigenvalues + mu)))) - radius)

    mu = optimize.brentq(excess, 0.0, np.linalg.norm(moment) / radius, xtol=1e-300, rtol=4 * np.finfo(float).eps)
    w = vectors @ (q / (eigenvalues + mu))
    return w * (radius / np.linalg.norm(w)), float(mu)


def two_dimensional_view(
    *,
    radius: float = 0.75,
    w_true=(1.5, 0.5),
    correlation: float = 0.5,
    n: int = 50,
    noise: float = 0.5,
    random_state: int | np.random.Generator = 0,
    grid_size: int = 201,
) -> TwoDimensionalView:
    """Loss contours of a two-feature least-squares problem and its solutions on the L1 and L2 balls.

    The design has ``X^T X / n = G = [[1, rho], [rho, 1]]`` (up to rounding) and ``y = X w_true + noise * e``.
    With ``b = X^T y / n`` the loss is ``L(w) = 1/(2n) ||y - Xw||^2 = 1/2 w^T G w - b^T w + const``,
    whose contours are ellipses centred at ``w_ls = G^{-1} b``. The constrained solutions

    .. math::

        w_{L1} = \\arg\\min_{\\|w\\|_1 \\le t} L(w), \\qquad w_{L2} = \\arg\\min_{\\|w\\|_2 \\le t} L(w)

    are where the smallest contour first touches the diamond and the circle (see
    :func:`l1_ball_solution` and :func:`l2_ball_solution`, both exact). They satisfy the KKT
    conditions ``-grad L(w_{L1}) in lam_l1 * subdiff ||w_{L1}||_1`` and ``-grad L(w_{L2}) = lam_l2 w_{L2}``:
    the constrained problems are the lasso with ``lam_l1`` and ridge with penalty ``lam_l2 / 2 ||w||^2``.

    With the defaults ``b = (1.832, 1.292)``, ``w_ls = (1.581, 0.501)``, ``w_L1 = (0.75, 0.0)`` (a vertex,
    ``lam_l1 = 1.082``) and ``w_L2 = (0.646, 0.381)`` (``lam_l2 = 1.542``).

    Parameters
    ----------
    radius : float
        Radius ``t > 0`` of both balls.
    w_true : array-like of 2 floats
        The coefficients the data are drawn with.
    correlation : float
        ``rho`` in ``(-1, 1)``, the correlation of the two columns.
    n : int
        Number of observations, at least 3.
    noise : float
        Standard deviation ``> 0`` of the noise.
    random_state : int or numpy Generator
        Seed of the draws.
    grid_size : int
        Points per axis of the square grid (at least 3) covering both balls and ``w_ls``.

    Returns
    -------
    TwoDimensionalView
    """
    radius = check_positive(radius, "radius")
    w_true = _check_pair(w_true, "w_true")
    correlation = _check_real(correlation, "correlation")
    if not -1.0 < correlation < 1.0:
        raise ValueError(f"correlation must lie in (-1, 1), got {correlation!r}")
    n = check_count(n, "n", minimum=3)
    noise = check_positive(noise, "noise")
    rng = _check_random_state(random_state)
    grid_size = check_count(grid_size, "grid_size", minimum=3)

    X = _design(rng, n, np.array([[1.0, correlation], [correlation, 1.0]]))
    y = X @ w_true + noise * rng.standard_normal(n)
    gram = X.T @ X / n
    gram = 0.5 * (gram + gram.T)  # the sample Gram matrix, symmetric to the last bit
    moment = X.T @ y / n
    w_ls = np.linalg.solve(gram, moment)
    w_l1 = l1_ball_solution(gram, moment, radius)
    w_l2, lam_l2 = l2_ball_solution(gram, moment, radius)
    lam_l1 = float(np.max(np.abs(gram @ w_l1 - moment))) if np.abs(w_ls).sum() > radius else 0.0

    half_width = 1.25 * max(radius, float(np.max(np.abs(w_ls))))
    w1 = np.linspace(-half_width, half_width, grid_size)
    w2 = np.linspace(-half_width, half_width, grid_size)
    W1, W2 = np.meshgrid(w1, w2)
    # L(w) = 1/2 w^T G w - b^T w + y^T y / (2n), evaluated on the whole grid at once
    loss = (
        0.5 * (gram[0, 0] * W1**2 + 2 * gram[0, 1] * W1 * W2 + gram[1, 1] * W2**2)
        - (moment[0] * W1 + moment[1] * W2)
        + y @ y / (2 * n)
    )
    return TwoDimensionalView(
        X=_frozen(X),
        y=_frozen(y),
        w_true=_frozen(w_true),
        noise=noise,
        gram=_frozen(gram),
        moment=_frozen(moment),
        radius=radius,
        w1=_frozen(w1),
        w2=_frozen(w2),
        loss=_frozen(loss),
        w_ls=_frozen(w_ls),
        w_l1=_frozen(w_l1),
        w_l2=_frozen(w_l2),
        lam_l1=lam_l1,
        lam_l2=lam_l2,
    )


# ---------------------------------------------------------------------------------------------
# the priors


@dataclass(frozen=True, eq=False)
class PriorDensities:
    """Laplace and Gaussian densities of one variance (see :func:`prior_densities`).

    Attributes
    ----------
    variance : float
        The common variance ``v``.
    laplace, normal : Prior
        ``Laplace(sqrt(v / 2))`` and ``Normal(sqrt(v))``.
    grid : ndarray of shape (m,)
        Values of the coefficient.
    laplace_density, normal_density : ndarray of shape (m,)
        ``p(w)`` on the grid.
    laplace_neg_log_density, normal_neg_log_density : ndarray of shape (m,)
        ``-log p(w)``: ``|w| / b + log(2 b)`` and ``w^2 / (2 v) + log(sqrt(2 pi v))``.
    """

    variance: float
    laplace: Prior
    normal: Prior
    grid: np.ndarray
    laplace_density: np.ndarray
    normal_density: np.ndarray
    laplace_neg_log_density: np.ndarray
    normal_neg_log_density: np.ndarray


def _neg_log_density(prior: Prior, grid: np.ndarray) -> np.ndarray:
    """``-log p(w) = l1 |w| + l2 w^2 + log Z`` elementwise, from the prior's own weights."""
    weights = prior.weights
    return weights.l1 * np.abs(grid) + weights.l2 * np.square(grid) + prior.log_normalizer


def prior_densities(*, variance: float = 1.0, grid=None) -> PriorDensities:
    """Laplace and Gaussian prior densities of equal variance, and their negative logs.

    A ``Laplace(0, b)`` density ``exp(-|w| / b) / (2b)`` has variance ``2 b^2``, so equal variance
    ``v`` means ``b = sqrt(v / 2)`` against ``Normal(0, sqrt(v))``. Their negative log densities

    .. math::

        -\\log p_{\\text{Laplace}}(w) = \\frac{|w|}{b} + \\log(2b), \\qquad
        -\\log p_{\\text{Normal}}(w) = \\frac{w^2}{2v} + \\tfrac{1}{2}\\log(2\\pi v)

    are the L1 and L2 penalties up to constants: the Laplace density has a kink at 0 and
    heavier tails, the Gaussian is smooth and flat at 0.

    Parameters
    ----------
    variance : float
        The common variance ``v > 0``.
    grid : array-like, optional
        Strictly increasing coefficient values; by default 1001 points on ``[-4 sd, 4 sd]`` with
        0 included exactly.

    Returns
    -------
    PriorDensities
    """
    variance = check_positive(variance, "variance")
    if grid is None:
        grid = _symmetric_grid(4.0 * np.sqrt(variance), 500)
    grid = _check_grid(grid, "grid")
    laplace, normal = equal_variance_priors(variance)
    laplace_nld = _neg_log_density(laplace, grid)
    normal_nld = _neg_log_density(normal, grid)
    return PriorDensities(
        variance=variance,
        laplace=laplace,
        normal=normal,
        grid=_frozen(grid),
        laplace_density=_frozen(np.exp(-laplace_nld)),
        normal_density=_frozen(np.exp(-normal_nld)),
        laplace_neg_log_density=_frozen(laplace_nld),
        normal_neg_log_density=_frozen(normal_nld),
    )
