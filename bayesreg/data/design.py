"""Centring and scaling of a design, computed so that no scale float64 can hold is lost.

Three jobs, one copy each:

* :func:`column_scales` and :func:`robust_std`: standard deviations (with ``1/n``) that neither
  overflow for values near ``1e300`` nor underflow for values near ``1e-300`` (``np.std`` squares
  the values first and does both);
* :class:`Scaling`: the working coordinates of the MAP solver,

  .. math::

      \\tilde x_j = (x_j - m_j) / s_j, \\quad \\tilde y = (y - a) / t, \\quad
      \\tilde\\sigma = \\sigma / t, \\quad \\tilde\\beta_j = \\beta_j s_j / t, \\quad
      \\tilde b_0 = (b_0 - a + m^\\top\\beta) / t,

  under which ``y - b0 - X beta = t (y~ - b~0 - X~ beta~)``: the Gaussian likelihood is the same
  model, the flat prior on the intercept stays flat, and an i.i.d. penalty
  ``l1 |beta_j| + l2 beta_j^2`` becomes the per-coordinate penalty with weights
  ``l1 t / s_j`` and ``l2 t^2 / s_j^2``. Every ``s_j`` and ``t`` is a power of two, so the
  division is exact and the back-transform loses nothing.
* :class:`Standardization`: the estimators' ``standardize=True`` option, the model fitted to
  ``(x_j - m_j) / s_j`` with the coefficients reported on ``X``'s own scale,

  .. math::

      \\beta_j = \\tilde\\beta_j / s_j, \\quad b_0 = \\tilde b_0 - \\sum_j m_j \\beta_j,

  so that ``b0 + X beta = b~0 + X~ beta~`` for every draw or estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bayesreg.conversions import PenaltyWeights

__all__ = ["Scaling", "Standardization", "center", "column_scales", "gram", "power_of_two", "robust_std"]


def column_scales(X: np.ndarray, *, center: bool = True, sample_weight: np.ndarray | None = None) -> np.ndarray:
    """Population standard deviation of each column (root mean square if ``center=False``).

    Two-pass: the deviations from the mean are formed first (a column offset by ``1e12`` keeps its
    digits) and their own mean is removed again; then ``a_j * rms(dev_j / a_j)`` with
    ``a_j = max |dev_j|``, so the result is exact to round-off for any column float64 can hold
    (``np.std`` squares the values and over- or underflows near ``1e+-154``). A constant column
    gives 0.0. With ``sample_weight`` the weighted mean and sd (``sum_i w_i dev_i^2 / sum_i w_i``): the sd of
    the data with each row repeated ``w_i`` times; rows of weight 0 take no part.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got shape {X.shape}")
    if sample_weight is not None:
        keep = sample_weight > 0
        X, sample_weight = X[keep], sample_weight[keep]
    if X.shape[0] == 0:
        return np.zeros(X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        dev = X - _safe_mean(X, sample_weight) if center else X
        if center:
            dev = dev - _safe_mean(dev, sample_weight)
    if not np.all(np.isfinite(dev)):  # columns spanning +-1e308: deviations of values divided by their peak
        peak = np.max(np.abs(X), axis=0)
        peak_safe = np.where(peak > 0, peak, 1.0)
        scaled = X / peak_safe
        return peak * column_scales(scaled, center=center, sample_weight=sample_weight)
    spread = np.max(np.abs(dev), axis=0)
    spread_safe = np.where(spread > 0, spread, 1.0)
    rms = np.sqrt(np.average((dev / spread_safe) ** 2, axis=0, weights=sample_weight))
    return np.where(spread > 0, spread * rms, 0.0)


def robust_std(v, *, center: bool = True, sample_weight: np.ndarray | None = None) -> float:
    """:func:`column_scales` of a vector: its population sd (or root mean square), weighted with ``sample_weight``."""
    v = np.asarray(v, dtype=float).reshape(-1, 1)
    return float(column_scales(v, center=center, sample_weight=sample_weight)[0])


def center(
    X: np.ndarray, y: np.ndarray, *, fit_intercept: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """``(X - m, y - a, m, a)`` with the column means ``m`` and the mean ``a`` of ``y`` when an intercept is fitted
    (profiling a flat intercept out of a least-squares problem); ``(X, y, 0, 0)`` otherwise."""
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), 0.0
    x_mean, y_mean = X.mean(axis=0), float(np.mean(y))
    return X - x_mean, y - y_mean, x_mean, y_mean


def gram(Xc: np.ndarray) -> np.ndarray:
    """``Xc' Xc``, exactly symmetric, by a symmetric rank-k update (BLAS ``dsyrk``: half the flops of a general
    product)."""
    from scipy.linalg import blas

    Xc = np.ascontiguousarray(Xc, dtype=float)
    upper = blas.dsyrk(1.0, Xc.T, trans=0, lower=0)
    return np.triu(upper) + np.triu(upper, 1).T


def power_of_two(value) -> np.ndarray | float:
    """The power of two nearest ``value`` in log scale (1.0 where ``value`` is 0 or not finite)."""
    value = np.asarray(value, dtype=float)
    ok = np.isfinite(value) & (value > 0)
    exponent = np.round(np.log2(np.where(ok, value, 1.0)))
    out = np.where(ok, np.ldexp(1.0, exponent.astype(int)), 1.0)
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class Scaling:
    """The working coordinates of a design (see the module docstring).

    Attributes
    ----------
    x_center : ndarray (p,)
        ``m``: the column means when an intercept is fitted, else zeros.
    x_scale : ndarray (p,)
        ``s``: powers of two near each centred column's sd (1 for a constant column).
    y_center : float
        ``a``: the mean of ``y`` when an intercept is fitted, else 0.
    y_scale : float
        ``t``: a power of two, near the fixed ``sigma`` if there is one, else near the sd of ``y``.
    """

    x_center: np.ndarray
    x_scale: np.ndarray
    y_center: float
    y_scale: float

    @classmethod
    def from_data(
        cls, X: np.ndarray, y: np.ndarray, *, fit_intercept: bool, sigma: float | None, scale_y: bool = True
    ) -> Scaling:
        """The scaling of ``(X, y)``; raises a ValueError naming ``X``, ``y`` or ``sigma`` if the
        working data would not be finite.

        ``scale_y=False`` (a likelihood that is not a location-scale family: Bernoulli, Poisson) leaves ``y`` as
        it is (``a = 0``, ``t = 1``); the columns are centred and scaled all the same.
        """
        p = X.shape[1]
        x_center = _safe_mean(X) if fit_intercept else np.zeros(p)
        x_scale = power_of_two(column_scales(X, center=fit_intercept))
        if scale_y:
            y_center = float(_safe_mean(y.reshape(-1, 1))[0]) if fit_intercept else 0.0
            y_scale = power_of_two(sigma if sigma is not None else robust_std(y, center=fit_intercept))
        else:
            y_center, y_scale = 0.0, 1.0
        scaling = cls(np.asarray(x_center, float), np.asarray(x_scale, float), y_center, float(y_scale))
        with np.errstate(over="ignore", invalid="ignore"):
            x_working = scaling.x(X)
            y_working = scaling.y(y)
        if not np.all(np.isfinite(x_working)):
            raise ValueError("X: its centred columns overflow float64 (values too large to subtract their mean)")
        if not np.all(np.isfinite(y_working)):
            if sigma is not None:
                raise ValueError(
                    f"sigma={sigma!r} is too small for y: y / sigma overflows float64 (the data term would be "
                    "infinite); give a larger sigma"
                )
            raise ValueError("y: its centred values overflow float64")
        return scaling

    def x(self, X: np.ndarray) -> np.ndarray:
        return (X - self.x_center) / self.x_scale

    def y(self, y: np.ndarray) -> np.ndarray:
        return (y - self.y_center) / self.y_scale

    def weights(self, weights: PenaltyWeights) -> tuple[np.ndarray, np.ndarray]:
        """Per-coordinate working weights ``(l1 t / s_j, l2 t^2 / s_j^2)`` of an i.i.d. penalty.

        Raises a ValueError if they overflow (an effectively infinite penalty).
        """
        ratio = self.y_scale / self.x_scale
        with np.errstate(over="ignore"):
            l1 = weights.l1 * ratio
            l2 = weights.l2 * ratio * ratio
        if not (np.all(np.isfinite(l1)) and np.all(np.isfinite(l2))):
            raise ValueError(
                f"prior: its penalty weights (l1={weights.l1:g}, l2={weights.l2:g}) times the fixed sigma (or the "
                f"scale of y, {self.y_scale:.3g}) over the scale of X overflow float64: against the data the prior "
                "is so strong that the coefficients are 0 to any precision float64 holds; use a wider prior scale "
                "or a smaller sigma"
            )
        return l1, l2

    def beta_from_working(self, beta_w: np.ndarray) -> np.ndarray:
        return beta_w * self.y_scale / self.x_scale

    def beta_to_working(self, beta: np.ndarray) -> np.ndarray:
        return beta * self.x_scale / self.y_scale

    def intercept_from_working(self, b0_w: float, beta: np.ndarray) -> float:
        return float(self.y_scale * b0_w + self.y_center - self.x_center @ beta)

    def intercept_to_working(self, b0: float, beta: np.ndarray) -> float:
        return float((b0 - self.y_center + self.x_center @ beta) / self.y_scale)


@dataclass(frozen=True, eq=False)
class Standardization:
    """The centring and scaling behind ``standardize=True``, and the transform back to ``X``'s scale.

    Attributes
    ----------
    center : ndarray (p,)
        ``m``: the column means when standardizing with an intercept, else zeros (and, for a MAP
        without intercept, a constant column's value, so the column becomes 0 and its coefficient
        is 0, as in glmnet).
    scale : ndarray (p,)
        ``s``: the columns' population sd (1 for a constant column), or ones without
        standardizing.
    y_center : float
        ``a``: 0, or, for a model fitted to ``y - a`` (the centred summary rows of data larger than memory), ``a``.
    """

    center: np.ndarray
    scale: np.ndarray
    #: ``a``: a shift of ``y`` the fitted intercept is taken less (a fit on data larger than memory, centred), or 0
    y_center: float = 0.0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Standardization):
            return NotImplemented
        return (
            np.array_equal(self.center, other.center)
            and np.array_equal(self.scale, other.scale)
            and self.y_center == other.y_center
        )

    __hash__ = None  # arrays: not hashable

    @classmethod
    def from_data(
        cls,
        X: np.ndarray,
        *,
        standardize: bool,
        fit_intercept: bool,
        zero_constant_columns: bool = False,
        sample_weight: np.ndarray | None = None,
    ) -> Standardization:
        """The standardization of ``X``; the identity when ``standardize`` is False.

        ``zero_constant_columns`` (used by the MAP without an intercept): centre each constant
        column on its value, so it is all zeros and its coefficient exactly 0. With ``sample_weight``
        the weighted means and sds (glmnet's convention; rows of weight 0 take no part).
        """
        p = X.shape[1]
        if not standardize:
            return cls(np.zeros(p), np.ones(p))
        sd = column_scales(X, sample_weight=sample_weight)
        if fit_intercept:
            mean = (
                _safe_mean(X[sample_weight > 0], sample_weight[sample_weight > 0])
                if sample_weight is not None
                else _safe_mean(X)
            )
        else:  # only a constant column's value is used: that of its first row of positive weight
            mean = X[int(np.argmax(sample_weight > 0))] if sample_weight is not None else X[0]
        return cls.from_moments(mean, sd, fit_intercept=fit_intercept, zero_constant_columns=zero_constant_columns)

    @classmethod
    def from_moments(
        cls, mean: np.ndarray, sd: np.ndarray, *, fit_intercept: bool, zero_constant_columns: bool = False
    ) -> Standardization:
        """The standardization of columns of (weighted) means ``mean`` and population sds ``sd`` (``standardize=True``
        in :meth:`from_data`; the statistics of data larger than memory give them in one pass)."""
        scale = np.where(sd > 0, sd, 1.0)
        if fit_intercept:
            center = mean
        elif zero_constant_columns:
            center = np.where(sd > 0, 0.0, mean)
        else:
            center = np.zeros(np.shape(sd))
        return cls(np.asarray(center, float), np.asarray(scale, float))

    def apply(self, X: np.ndarray) -> np.ndarray:
        """``(X - m) / s``: the design the model is fitted to; ``X`` itself (not a copy: read it, do not write into
        it) when the standardization is the identity, as it is without ``standardize``."""
        if not np.any(self.center) and np.all(self.scale == 1.0):
            return X
        out = X - self.center
        out /= self.scale
        return out

    def coef(self, beta_fitted: np.ndarray) -> np.ndarray:
        """``beta~ / s``: coefficients (or draws, features on the last axis) on ``X``'s scale."""
        return beta_fitted / self.scale

    def intercept(self, intercept_fitted, coef: np.ndarray):
        """``b~0 + a - coef @ m``: the intercept on ``X``'s (and ``y``'s) scale, for the coefficients :meth:`coef`
        returned."""
        return intercept_fitted + self.y_center - coef @ self.center


def _safe_mean(X: np.ndarray, sample_weight: np.ndarray | None = None) -> np.ndarray:
    """Column means (weighted with ``sample_weight``) without overflow in the sum (values near the largest double)."""
    peak = np.max(np.abs(X), axis=0)
    peak = np.where(peak > 0, peak, 1.0)
    return np.average(X / peak, axis=0, weights=sample_weight) * peak
