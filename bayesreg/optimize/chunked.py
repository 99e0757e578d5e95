"""The exact MAP of a Bernoulli or Poisson model on data larger than memory: proximal Newton steps whose every
evaluation is one pass over the rows, a Dask map-reduce.

A canonical-link likelihood is not a function of the data's sufficient statistics, but each proximal Newton step
(:class:`~bayesreg.optimize.map.MapSolver`) needs of the data only

.. math::

    f = \\sum_i w_i \\ell_i, \\quad g_0 = \\sum_i w_i \\ell'_i, \\quad g = \\tilde X' (w \\ell'), \\quad
    h_{00} = \\sum_i w_i \\ell''_i, \\quad h_x = \\tilde X' (w \\ell''), \\quad H = \\tilde X' \\operatorname{diag}(w
    \\ell'') \\tilde X,

with ``l_i = -log p(y_i | eta_i)`` and its derivatives in ``eta_i`` at the current point, ``X~`` the columns in
working coordinates (centred on the data's means, divided by powers of two near their sds): sums over the rows,
each chunk's computed where it lives (``O(n_chunk p^2)``) and the sums added in a tree, one ``compute`` per
evaluation. The curvature about the curvature-weighted means is ``Q = H - h_00 m m'`` with ``m = h_x / h_00``
(``X~`` is centred on the data's means, so this loses no digits to large column means). The steps, the line
search and the certificate are the in-memory solver's (the same result; the certificate comes from the exact
gradient), with the curvature always fresh: a pass costs the same with or without it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bayesreg.data._dask import check_same_rows, one_blas_thread, require_dask, row_blocks, to_dask_array
from bayesreg.data.design import Scaling, gram, power_of_two
from bayesreg.data.statistics import SufficientStats
from bayesreg.likelihoods import Likelihood
from bayesreg.optimize.map import MapSolver, _Curvature
from bayesreg.priors import BasePrior

__all__ = ["ChunkedProblem", "ChunkedSolver", "check_y_on_chunks"]


@dataclass(frozen=True, eq=False)
class ChunkedProblem:
    """A Bernoulli or Poisson model on Dask collections: ``X`` (n, p), ``y`` (n,), ``sample_weight`` and ``offset``
    (n,, or None), already checked (``y``'s values, the weights' signs), and the statistics of ``X`` (the working
    coordinates come from their means and sds)."""

    X: object
    y: object
    prior: BasePrior
    likelihood: Likelihood
    statistics: SufficientStats
    fit_intercept: bool = True
    sample_weight: object = None
    offset: object = None


def _chunk_terms(X, y, weight, offset, b0, beta, center, scale, likelihood, fit_intercept):
    """One chunk's ``(f, g0, g, h00, hx, H)`` (module docstring) at ``(b0, beta)`` in working coordinates."""
    check_same_rows(X, y, weight, offset)
    Xw = (np.asarray(X, dtype=float) - center) / scale
    y = np.asarray(y, dtype=float)
    eta = Xw @ beta
    if fit_intercept:
        eta += b0
    if offset is not None:
        eta += offset
    value, slope, curvature = likelihood.negative_log_terms(y, eta)
    if weight is not None:
        value, slope, curvature = weight * value, weight * slope, weight * curvature
    curvature = np.maximum(curvature, 0.0)
    H = gram(Xw * np.sqrt(curvature)[:, None])
    return float(value.sum()), float(slope.sum()), Xw.T @ slope, float(curvature.sum()), Xw.T @ curvature, H


_chunk_terms_one_thread = one_blas_thread(_chunk_terms)


def _add(a, b):
    return tuple(x + y for x, y in zip(a, b, strict=True))


class _RowPasses:
    """The smooth part of a :class:`ChunkedProblem` in working coordinates, evaluated by one pass over its chunks:
    ``evaluate(b0, beta, log_sigma)`` returns ``(f, g0, g, 0.0, curvature)`` as the in-memory objective does, with
    the curvature already reduced (a :class:`~bayesreg.optimize.map._Curvature`)."""

    fixed_sigma = True

    def __init__(self, problem: ChunkedProblem, scaling: Scaling):
        self._dask, _ = require_dask("a Bernoulli or Poisson MAP on Dask input")
        x_blocks, columns = row_blocks(problem.X, problem.y, problem.sample_weight, problem.offset)
        columns = [[None] * len(x_blocks) if blocks is None else blocks for blocks in columns]
        self._blocks = list(zip(x_blocks, *columns, strict=True))
        self._likelihood = problem.likelihood
        self.fit_intercept = problem.fit_intercept
        self._center, self._scale = scaling.x_center, scaling.x_scale
        #: passes over the data so far
        self.n_passes = 0

    def evaluate(self, b0: float, beta: np.ndarray, log_sigma=None):
        delayed = self._dask.delayed
        parts = [
            delayed(_chunk_terms_one_thread)(
                xb, yb, wb, ob, float(b0), beta, self._center, self._scale, self._likelihood, self.fit_intercept
            )
            for xb, yb, wb, ob in self._blocks
        ]
        while len(parts) > 1:  # a binary tree of sums
            merged = [delayed(_add)(a, b) for a, b in zip(parts[::2], parts[1::2], strict=False)]
            parts = merged + parts[2 * len(merged) :]
        (total,) = self._dask.compute(parts[0])
        self.n_passes += 1
        f, g0, g, h00, hx, H = total
        if self.fit_intercept and h00 > 0:
            means = hx / h00
            Q = H - h00 * np.outer(means, means)
        else:
            means = np.zeros(g.shape[0])
            Q = H
        return f, (g0 if self.fit_intercept else 0.0), g, 0.0, _Curvature(Q, means, h00)


class ChunkedSolver(MapSolver):
    """:class:`~bayesreg.optimize.map.MapSolver` for a Bernoulli or Poisson model on Dask collections
    (:class:`ChunkedProblem`): the same proximal Newton steps, line search and certificate, each evaluation one pass
    over the chunks (module docstring). Coefficients with a flat prior (penalty factor 0) are refused: whether the
    data leave them a mode (separation) is not checked out of core."""

    def __init__(self, problem: ChunkedProblem):
        likelihood, stats = problem.likelihood, problem.statistics
        if likelihood.location_scale:
            raise ValueError(f"ChunkedSolver is for the Bernoulli and Poisson likelihoods, got {likelihood!r}")
        p = stats.Xty.shape[0]
        factor = problem.prior.factor(p) if hasattr(problem.prior, "factor") else np.ones(p)
        if np.any(factor == 0):
            self.refuse_flat(likelihood)
        self.rm = problem
        if problem.fit_intercept:
            center, sd = stats.x_mean, stats.x_sd
        else:  # root mean squares
            center, sd = np.zeros(p), np.sqrt(np.clip(np.diag(stats.about(False)[0]), 0.0, None) / stats.sum_w)
        self.scaling = Scaling(np.asarray(center, float), np.asarray(power_of_two(sd), float), 0.0, 1.0)
        self.objective = _RowPasses(problem, self.scaling)
        self._n_features = p
        self._n_eff = stats.sum_w
        self._factor = factor
        self._stale = False
        self._last_exit = None
        self._zero_gradient = None

    @staticmethod
    def refuse_flat(likelihood: Likelihood):
        """The ValueError for a flat prior (penalty factor 0) on some coefficient."""
        raise ValueError(
            "prior: a penalty_factor of 0 (a flat prior) on Dask input is not supported for a "
            f"{likelihood.family} likelihood: whether the data leave such coefficients a mode (separated "
            "classes, zero counts) is not checked out of core; give every coefficient a positive penalty_factor"
        )

    def curvature(self, w, *, reuse: bool = False):
        """The curvature the last pass reduced (``w`` is it: see :class:`_RowPasses`)."""
        return w, False

    def _null_start(self) -> float:
        """``link(weighted mean of y)``, from the statistics (with an offset, where the intercept's Newton steps
        start: each of them one pass)."""
        return self.rm.likelihood.link(self.rm.statistics.y_mean)

    @staticmethod
    def _total_curvature(w) -> float:
        return w.h00

    def _gradient_at_zero(self) -> np.ndarray:
        """As the in-memory solver's: the gradient in ``beta`` at ``beta = 0`` and the intercept-only fit, less its
        projection on the intercept (its sup-norm is ``lambda_max``)."""
        if self._zero_gradient is None:
            _, g0, g_beta, _, curv = self.objective.evaluate(self._null_intercept(), np.zeros(self._n_features))
            self._zero_gradient = -(g_beta - curv.means * g0)
        return self._zero_gradient


def check_y_on_chunks(likelihood: Likelihood, y, statistics: SufficientStats, *, fit_intercept: bool) -> None:
    """The in-memory ``likelihood.check_y`` of a Dask ``y`` (one pass over ``y`` alone): every value allowed (0 and 1,
    or non-negative), and, with an intercept, not all of one class (not all zero counts) among the rows of positive
    weight, read from ``statistics`` (their weighted mean of ``y``). Raises the same ValueError, naming the row."""
    dask, da = require_dask(f"a {likelihood.family} fit on Dask input")
    y = to_dask_array(y, "y", ndim=1)

    def allowed(values):
        return (values == 0) | (values == 1) if likelihood.family == "binomial" else values >= 0

    (every,) = dask.compute(allowed(y).all())
    if not every:  # only on the way to an error: where (the chunk sizes found, one more pass over y)
        y = y.compute_chunk_sizes() if np.isnan(y.shape[0]) else y
        first_bad = int(da.argmin(allowed(y)).compute())
        try:
            likelihood.check_y(np.array([float(y[first_bad].compute())]), fit_intercept=False)
        except ValueError as error:  # its message, at the row of the data
            raise ValueError(str(error).replace("at row 0", f"at row {first_bad}")) from None
    mean = statistics.y_mean
    one_class = mean in (0.0, 1.0) if likelihood.family == "binomial" else mean == 0.0
    if fit_intercept and one_class:
        likelihood.check_y(
            np.full(2, mean), fit_intercept=True
        )  # raises its message: a single class, or no positive count
