"""Exact MAP estimation of a :class:`~bayesreg.model.RegressionModel`.

The negative log posterior is split into a smooth part, compiled from a PyMC model,

.. math::

    f(b_0, \\beta, \\sigma) = -\\log p(y \\mid b_0 + X\\beta, \\sigma) - \\log p(\\sigma),

and the prior's penalty ``l1 ||beta||_1 + l2 ||beta||_2^2``, which is handled exactly. Each
(proximal) Newton step takes the gradient of ``f`` and its curvature along the linear predictor,
``w_i = -d^2 log p(y_i | eta_i) / d eta_i^2`` (so ``H = A' diag(w) A`` with ``A = [1, X]``),
profiles out the unpenalized intercept (``Q = X_c' diag(w) X_c`` with ``X_c`` the
``w``-weighted centred design) and solves the resulting quadratic-plus-penalty problem exactly
with :func:`~bayesreg.optimize.active_set.solve_quadratic_l1`. For a Gaussian likelihood with a fixed
``sigma`` one step is the exact solution; the next evaluation of the model's gradient is the
certificate.

**Working coordinates.** The model that is compiled is the user's model in the coordinates of
:class:`~bayesreg.data.design.Scaling`: columns centred (with an intercept) and divided by a power of
two near their sd, ``y`` centred and divided by a power of two near the fixed ``sigma`` (or
near its sd), the i.i.d. penalty turned into the equivalent per-coordinate one. It is the same
posterior, reparametrized exactly, so the result does not depend on the units of ``X``, ``y``
or ``sigma`` (a column offset by ``1e9``, ``X`` scaled by ``1e300``, ``sigma = 1e-200``), and
everything reported (coefficients, intercept, sigma, objective, certificate) is in the user's
units.

**Free sigma: the global mode.** The profile ``P(s) = min_{b0, beta} F(b0, beta, e^s)`` over
``s = log sigma`` can have several local minima. Its derivative is ``dF/ds`` at the inner
solution (envelope theorem), ``-RSS/sigma^2 + n + sigma^2 / s0^2`` for the Gaussian
likelihood with a ``HalfNormal(s0)`` prior on sigma. Because the inner solution never has a
larger residual sum of squares than ``beta = 0`` (``RSS0``) nor a smaller one than least squares
(``RSS_ls``), every stationary point lies in ``sigma^2 <= RSS0 / n`` and
``n sigma^2 + sigma^4 / s0^2 >= RSS_ls``; the derivative is ``<= 0`` at the lower end and
``>= 0`` at the upper end. The profile is evaluated on a grid in ``log sigma`` with step 0.01
over that whole range, every sign change of its derivative from ``-`` to ``+`` is refined by
Brent's method, and the candidate with the lowest objective is the MAP. ``RSS_ls = 0`` (``y`` fit
exactly) has no joint mode (the density grows without bound as ``sigma -> 0``) and is refused. For
a Gaussian the profile comes from the model's quadratic form (``O(p^2)`` per sigma), unless ``y``
is fit almost exactly (``RSS_ls < 1e-6 RSS0``), where that form cancels its digits away and the
model's own residuals are used.

The compiled function does not depend on the penalty strength: changing the prior's
parameters never recompiles anything. Nor does it depend on the data, only on the model's
structure (the likelihood and which of its parameters are fixed, the intercept, sample weights,
offset, the shape of ``X``): the data and the fixed sigma are ``pm.Data`` of the working model,
and a solver takes a compiled function of its structure from a bounded pool (:data:`OBJECTIVES`)
when one is free, puts its data in and gives it back when it is garbage collected. A refit, a
cross-validation fold or a second ``map_path`` call on data of the same shape compiles nothing,
and gets bit for bit the result of a fresh compile.
"""

from __future__ import annotations

import dataclasses
import warnings
import weakref
from dataclasses import dataclass, field

import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt
from pymc.pytensorf import convert_observed_data
from pytensor.compile.mode import Mode
from pytensor.gradient import grad
from pytensor.graph.replace import graph_replace
from scipy import optimize
from sklearn.exceptions import ConvergenceWarning

from bayesreg._validation import check_count, check_positive
from bayesreg._warnings import warn
from bayesreg.conversions import PenaltyWeights
from bayesreg.data.design import Scaling, gram
from bayesreg.likelihoods import Gaussian, Likelihood
from bayesreg.model import RegressionModel, build_model, check_mode_exists, default_sigma_prior_scale
from bayesreg.optimize.active_set import FactorCache, kkt_violation, solve_quadratic_l1, solve_quadratic_l1_path
from bayesreg.optimize.cache import CompiledPool
from bayesreg.priors import BasePrior

__all__ = ["MapPath", "MapProblem", "MapResult", "MapSolver", "find_map", "glm_map_path", "quadratic_map_path"]

#: where a density's curvature along eta is below this fraction of its majorizer's (or negative), the MAP's Newton
#: steps use that fraction of the majorizer's. Measured (2026-11-29, Student-t nu=3 on five problems with outliers):
#: Newton steps to a certificate of 1e-10, 21-282 with the majorizer alone (IRLS), 8-80 with 0.01, 8-78 with 0.001
_CURVATURE_FLOOR = 0.01

#: the MAP's Newton steps reuse the last curvature while no weight w_i has moved by more than a fraction of its own
#: value, and while steps taken with it keep cutting the certificate by at least _STALE_PROGRESS. A fresh curvature
#: costs O(n p^2) (with the subproblem's new Cholesky factor, O(p^3)), a step with the reused one O(n p) (its factor
#: is kept): about p / 8 steps' worth, so the fraction grows with p, from _CURVATURE_REUSE_MIN at p <= 25 to
#: _CURVATURE_REUSE_MAX at p >= 250. The line search and the certificate keep the result exact whatever the choice.
#: Measured (2026-11-29, quiet 2-core machine, 100-strength paths to certificates <= 1e-10; fraction, progress
#: factor: seconds): n=10,000, p=200 logistic L2, 0.05: 3.5 s, 0.2: 2.4 s, 0.5: 1.7 s, 1.0: 1.7 s (with 0.1;
#: progress 0.3, 0.5 no better, slower at 1.0); L1 1.6, 1.3, 1.3, 1.3 s; breast cancer 569 x 30 L2 0.12, 0.12,
#: 0.13, 0.15 s; L1 0.17, 0.18, 0.20, 0.21 s; Poisson 2000 x 50 L2 0.13, 0.17, 0.16, 0.16 s.
_CURVATURE_REUSE_PER_COLUMN = 0.002
_CURVATURE_REUSE_MIN = 0.05
_CURVATURE_REUSE_MAX = 0.5
_STALE_PROGRESS = 0.1

#: grid step of the profile over log sigma (a 1% change of sigma)
_LOG_SIGMA_STEP = 0.01
_MAX_GRID = 4001
#: the quadratic profile's RSS = y'y - 2 c'x + x'Qx loses about eps * RSS0 / RSS of its digits to cancellation:
#: below this RSS_ls / RSS0 (y fit almost exactly) the profile is taken from the model's own residuals instead
_MIN_RSS_RATIO_QUADRATIC = 1e-6


@dataclass
class MapResult:
    """The MAP estimate and its optimality certificate.

    Attributes
    ----------
    coef : ndarray (p,)
        Coefficients; exactly 0.0 where the L1 optimality condition holds with ``beta_j = 0``.
    intercept : float
    sigma : float
        The fixed or fitted noise scale.
    objective : float
        Negative log posterior density at the estimate (no Jacobian term: the density of
        ``sigma`` itself), constants of the prior included; ``inf`` when it exceeds float64 (a
        fixed ``sigma`` of ``1e-200`` against ``y`` of order 1), the estimate being exact all the same.
    kkt_violation : float
        Largest violation of the optimality conditions, in units of the negative log posterior
        per unit of the coefficient: ``|g_j + l1 sign(beta_j)|`` for ``beta_j != 0``,
        ``max(|g_j| - l1, 0)`` for ``beta_j == 0`` (``g`` the gradient of the smooth part plus
        ``2 l2 beta``) and ``|g|`` for the intercept.
    certificate : float
        The same violation measured in the working coordinates (columns and ``y`` scaled to
        unit sd, or ``y`` to a fixed ``sigma``), where every coordinate, the intercept included,
        is on one scale, relative to ``lambda_max`` there, the smallest ``l1`` for which all
        coefficients would be zero (the sup-norm of the gradient at ``beta = 0``); with a free
        ``sigma`` also ``|d f / d log sigma| / n`` beyond its rounding error (which matters only
        when ``y`` is fit almost exactly), whichever is larger. It does not change when
        ``X``, ``y`` or ``sigma`` are rescaled; never NaN.
    n_iter : int
        Newton steps taken (over all candidate sigmas with a free sigma, over both starts for a Student-t).
    converged : bool
        ``certificate <= tol``; otherwise a ``ConvergenceWarning`` was raised.
    n_modes : int
        With a free sigma, the number of local modes of the profile over ``log sigma`` that were
        compared (the global one is reported). For a likelihood that is not log-concave (Student-t), the
        number of distinct modes reached from its two starting points (the better one is reported). 1 otherwise.
    """

    coef: np.ndarray
    intercept: float
    sigma: float
    objective: float
    kkt_violation: float
    certificate: float
    n_iter: int
    converged: bool
    weights: PenaltyWeights = field(repr=False)
    n_modes: int = 1

    @property
    def n_nonzero(self) -> int:
        return int(np.count_nonzero(self.coef))


class _Compiled:
    """A working model and the compiled smooth part of its negative log posterior: what the pool of compiled
    objectives holds (:data:`OBJECTIVES`). Its data are the model's ``pm.Data``; it is used by one solver at a time.
    """

    def __init__(self, rm: RegressionModel, mode: str = "compiled"):
        model = rm.model
        self.rm = rm
        self.mode = mode
        self.fixed_sigma = rm.likelihood.fixed_sigma
        self.fit_intercept = rm.fit_intercept
        beta_v = model.rvs_to_values[rm.beta]
        inputs = [beta_v]
        terms = [rm.observed]
        if self.fit_intercept:
            inputs.insert(0, model.rvs_to_values[rm.intercept])
        if not self.fixed_sigma:
            # HalfNormal sigma: its value is log sigma (log transform); Jeffreys: sigma = exp("log_sigma"), flat
            free = rm.sigma if rm.sigma in model.rvs_to_values else model["log_sigma"]
            inputs.append(model.rvs_to_values[free])
            terms.append(free)
        f = -model.logp(vars=terms, jacobian=False)
        grads = grad(f, inputs)
        # curvature along the linear predictor: w_i = -d^2 log p(y_i | eta_i) / d eta_i^2
        eta = pt.vector("eta")
        loglik = pm.logp(rm.observed, model.rvs_to_values[rm.observed]).sum()
        loglik = graph_replace(loglik, {rm.eta: eta}, strict=True)
        w = -grad(grad(loglik, eta).sum(), eta)
        majorizer = rm.likelihood.majorizing_curvature(model["y"], eta, rm.sigma)
        if majorizer is not None:
            # a density that is not log-concave: its own curvature where it is at least a fraction of the
            # majorizer's (Newton's steps, fast near the mode), that fraction of the majorizer elsewhere (the
            # quadratic model stays convex; the line search keeps every step a descent)
            if "sample_weight" in model.named_vars:
                majorizer = model["sample_weight"] * majorizer
            w = pt.maximum(w, _CURVATURE_FLOOR * majorizer)
        w = pt.broadcast_to(w, rm.eta.shape)
        (w,) = model.replace_rvs_by_values([graph_replace(w, {eta: rm.eta})])
        self.fn = pytensor.function(inputs, [f, *grads, w], on_unused_input="ignore", mode=_MODES[mode])
        #: the names of the model's data (shared variables): all of them are set before each use
        self.data_names = frozenset(var.name for var in model.data_vars)

    def set_data(self, data: dict) -> None:
        """Put the values of a problem of this structure into the model's data (every one of them).

        As ``pm.Model.set_data`` does, less its checks of the dimensions' lengths (each evaluates a PyTensor graph,
        milliseconds): a problem of this structure has the shapes the model was built with."""
        model = self.rm.model
        for name, value in data.items():
            model[name].set_value(convert_observed_data(value))

    def release(self) -> None:
        """Drop the data arrays (kept small while the function waits in the pool); every one is set again on use."""
        model = self.rm.model
        for name in self.data_names:
            shared = model[name]
            if shared.ndim:
                shared.set_value(np.zeros((0,) * shared.ndim, dtype=shared.dtype))


#: How an objective is evaluated. "compiled": PyTensor's Numba backend (on pip installs its C backend has no BLAS
#: and is ~100x slower per call for a large X: 15 ms vs 0.15 ms at n=2000, p=500); in a fresh process the first call
#: of a single fit's compiled objective took 1.4 s on diabetes (Numba's start-up and loading the cached code; a whole
#: first map_path 0.6 s), each later one 70 us. "python":
#: PyTensor's Python linker after its fast_compile rewrites, numpy for every node (BLAS for the products): nothing to
#: compile or load (60 ms), about 0.4 ms a call on diabetes and 3-4x the compiled call at n=2000-100,000. A single
#: fit evaluates a handful of times, a path hundreds: measured on diabetes, a first Laplace fit after import takes
#: 0.22 s in Python and 1.75 s compiled
_MODES = {"compiled": "NUMBA", "python": Mode(linker="py", optimizer="fast_compile")}

#: the pool of compiled smooth objectives, keyed on a model's structure (:func:`_objective_key`): a second solver
#: of the same structure (a refit, a cross-validation fold, the next ``map_path`` call) compiles nothing. At most
#: 4 free objectives for each of the 16 structures used last; their data are dropped while they are free.
OBJECTIVES = CompiledPool(max_keys=16, per_key=4, release=_Compiled.release)


class SmoothObjective:
    """Compiled smooth part of a model's negative log posterior and its derivatives.

    ``evaluate(b0, beta, log_sigma)`` returns ``f``, ``df/db0``, ``df/dbeta``,
    ``df/dlog_sigma`` and the curvature ``w`` along the linear predictor.

    Build one with :meth:`for_data`: it takes a compiled function of the same structure from :data:`OBJECTIVES`
    (or compiles one) and gives it back when this objective and its working model are garbage collected.
    """

    def __init__(self, compiled: _Compiled, working: RegressionModel):
        self._compiled = compiled
        self._fn = compiled.fn
        self.fixed_sigma = compiled.fixed_sigma
        self.fit_intercept = compiled.fit_intercept
        #: the working model whose data the compiled function evaluates (its likelihood is this problem's)
        self.working = working

    @classmethod
    def for_data(
        cls,
        X: np.ndarray,
        y: np.ndarray,
        *,
        likelihood,
        fit_intercept: bool,
        sample_weight: np.ndarray | None = None,
        offset: np.ndarray | None = None,
        many_evaluations: bool = False,
    ) -> SmoothObjective:
        """The smooth part of the model of ``y ~ likelihood(offset + b0 + X beta)`` with a flat prior on the
        coefficients (the MAP's working model; data already validated and in working coordinates).

        ``many_evaluations`` (a path) asks for the compiled function (:data:`_MODES`); otherwise (one fit) a free
        compiled one is taken when the pool has one, else a Python-evaluated one, which costs nothing to build.

        A compiled function of the same structure is reused with these data put in: bit for bit the result of a
        fresh compile. A new one is compiled (and evaluated once, so that numba compiles now, not in a solve)
        otherwise.
        """
        key = _objective_key(X, y, likelihood, fit_intercept, sample_weight, offset)
        data = {"X": X, "y": y}
        if sample_weight is not None:
            data["sample_weight"] = sample_weight
        if offset is not None:
            data["offset"] = offset
        for name in likelihood.data_fields:
            if getattr(likelihood, name) is not None:
                data[name] = np.float64(getattr(likelihood, name))
        modes = ("compiled",) if many_evaluations else ("compiled", "python")
        for mode in modes:
            compiled = OBJECTIVES.take((*key, mode))
            if compiled is not None:
                break
        fresh = compiled is None
        if not fresh:
            key = (*key, compiled.mode)
            compiled.set_data({name: value for name, value in data.items() if name in compiled.data_names})
        else:
            rm = build_model(
                X,
                y,
                _Unpenalized(),
                likelihood=likelihood,
                fit_intercept=fit_intercept,
                sample_weight=sample_weight,
                offset=offset,
            )
            mode = "compiled" if many_evaluations else "python"
            compiled = _Compiled(rm, mode)
            key = (*key, mode)
            # only a function whose every datum is one of these (and holds what these put in) can serve another
            # problem of this structure: anything else taken from the data would be a constant of its graph
            model = rm.model
            if not compiled.data_names <= data.keys() or not all(
                np.array_equal(model[name].get_value(), data[name]) for name in compiled.data_names
            ):
                key = None
        working = dataclasses.replace(compiled.rm, likelihood=likelihood)
        objective = cls(compiled, working)
        if key is not None:
            # back to the pool once nothing uses it (the finalizer refers to the pool, not to the objective)
            weakref.finalize(working, OBJECTIVES.give_back, key, compiled).atexit = False
        if fresh and compiled.mode == "compiled":
            # Numba compiles (or loads from its cache) on the first call: do it here, with the rest of the
            # compilation, not inside the first solve
            objective.evaluate(0.0, np.zeros(X.shape[1]), None if objective.fixed_sigma else 0.0)
        return objective

    def evaluate(self, b0: float, beta: np.ndarray, log_sigma: float | None):
        args = [beta]
        if self.fit_intercept:
            args.insert(0, np.asarray(b0, dtype=float))
        if not self.fixed_sigma:
            args.append(np.asarray(log_sigma, dtype=float))
        out = self._fn(*args)
        f, rest = float(out[0]), list(out[1:])
        w = rest.pop()
        g0 = float(rest.pop(0)) if self.fit_intercept else 0.0
        g_beta = rest.pop(0)
        g_sigma = float(rest.pop(0)) if not self.fixed_sigma else 0.0
        return f, g0, g_beta, g_sigma, w


def _objective_key(X, y, likelihood, fit_intercept, sample_weight, offset) -> tuple:
    """The structure of a working model: what its compiled graph depends on (everything else is data)."""
    return (
        likelihood.structure(),
        bool(fit_intercept),
        sample_weight is not None,
        offset is not None,
        X.shape,
        X.dtype.str,
        y.dtype.str,
        None if sample_weight is None else sample_weight.dtype.str,
        None if offset is None else offset.dtype.str,
    )


@dataclass
class _Curvature:
    """``Q = X_c' diag(w) X_c``, the weighted means ``m`` and ``H_00 = sum(w)``."""

    Q: np.ndarray
    means: np.ndarray
    h00: float
    #: the Cholesky factors of the subproblems on this ``Q`` (reused while the curvature is)
    factors: FactorCache = field(default_factory=FactorCache)


class _Unpenalized(BasePrior):
    """The coefficients of the working model: a flat density (the penalty is applied exactly, apart)."""

    def build(self, name: str, *, dims=None, shape=None, sigma=None, n_obs: int | None = None):
        return pm.Flat(name, dims=dims, shape=shape)


@dataclass
class _Working:
    """Per-coordinate penalty weights in working coordinates, and the user's own weights."""

    l1: np.ndarray
    l2: np.ndarray
    user: PenaltyWeights

    def penalty(self, beta_w: np.ndarray) -> float:
        return float(self.l1 @ np.abs(beta_w) + self.l2 @ np.square(beta_w))


@dataclass(frozen=True, eq=False)
class MapProblem:
    """What a :class:`MapSolver` needs of a model, without its PyMC model (:meth:`MapSolver.from_data`): validated
    float arrays and the description of the prior and likelihood, as in :class:`~bayesreg.model.RegressionModel`."""

    X: np.ndarray
    y: np.ndarray
    prior: BasePrior
    likelihood: Likelihood
    fit_intercept: bool = True
    sample_weight: np.ndarray | None = None
    offset: np.ndarray | None = None


class MapSolver:
    """Exact MAP for one built model; reusable across penalty strengths without recompiling.

    The smooth part is compiled from the model rebuilt in working coordinates
    (:class:`~bayesreg.data.design.Scaling`); ``rm`` itself is not compiled. A compiled function of the same
    structure (likelihood, intercept, weights, offset, shape of ``X``) is reused when one is free
    (:class:`SmoothObjective`): a second solver of that structure compiles nothing. ``many_evaluations=True`` (a
    path) asks for a Numba-compiled function; a single fit takes a Python-evaluated one unless a compiled one is
    free (:data:`_MODES`: the first fit of a process pays no compilation).
    """

    @classmethod
    def from_data(
        cls,
        X: np.ndarray,
        y: np.ndarray,
        prior: BasePrior,
        *,
        likelihood: Likelihood,
        fit_intercept: bool = True,
        sample_weight: np.ndarray | None = None,
        offset: np.ndarray | None = None,
        many_evaluations: bool = False,
    ) -> MapSolver:
        """The solver of the model :func:`~bayesreg.model.build_model` would build from these arguments (validated
        float arrays), with the same checks of ``y`` and of the mode's existence, without building that PyMC
        model (only its working twin is compiled, or reused); ``solver.rm`` is then a :class:`MapProblem`."""
        y = likelihood.check_y(y, fit_intercept=fit_intercept, sample_weight=sample_weight)
        check_mode_exists(X, y, prior, likelihood, fit_intercept=fit_intercept, sample_weight=sample_weight)
        return cls(
            MapProblem(X, y, prior, likelihood, fit_intercept, sample_weight, offset), many_evaluations=many_evaluations
        )

    def __init__(self, rm: RegressionModel | MapProblem, *, many_evaluations: bool = False):
        self.rm = rm
        likelihood = rm.likelihood
        if not likelihood.fixed_sigma and not isinstance(likelihood, Gaussian):
            raise ValueError(
                f"the MAP of a {likelihood.family} likelihood needs its nuisance parameters fixed (sigma and nu); "
                "the joint mode with a free scale is implemented for the Gaussian likelihood: fix them, or sample "
                "the posterior (method='nuts')"
            )
        X, y = rm.X, rm.y
        self.scaling = Scaling.from_data(
            X, y, fit_intercept=rm.fit_intercept, sigma=likelihood.sigma, scale_y=likelihood.location_scale
        )
        sample_weight, offset = rm.sample_weight, rm.offset
        working_likelihood = likelihood.working(
            self.scaling.y_scale,
            default_prior_scale=default_sigma_prior_scale(y if offset is None else y - offset, sample_weight),
        )
        # the model in working coordinates: its compiled smooth part comes from the pool when one of the same
        # structure is free (OBJECTIVES), its data put in
        self.objective = SmoothObjective.for_data(
            self.scaling.x(X),
            self.scaling.y(y),
            likelihood=working_likelihood,
            fit_intercept=rm.fit_intercept,
            sample_weight=sample_weight,
            # eta - a = o + (b0 - a + m' beta) + (X - m) beta, all divided by t
            offset=None if offset is None else offset / self.scaling.y_scale,
            many_evaluations=many_evaluations,
        )
        self.working = self.objective.working
        #: the observations' weights (ones without sample_weight), their sum, and the working offset (zeros)
        n = X.shape[0]
        self._weights = np.ones(n) if sample_weight is None else sample_weight
        self._n_eff = float(n) if sample_weight is None else float(np.sum(sample_weight))
        self._offset = np.zeros(n) if offset is None else self.working.offset
        #: the prior's per-coefficient penalty factor (ones for identical priors)
        self._factor = rm.prior.factor(X.shape[1]) if hasattr(rm.prior, "factor") else np.ones(X.shape[1])
        self._X = self.working.X
        self._n_features = X.shape[1]
        self._unit_gram = None  # X_c' X_c, reused while the curvature is constant
        self._last_curvature = None  # (w, curvature) of the last non-constant w
        self._stale = False  # whether the last Newton step reused the last curvature
        #: the user's state a fixed-sigma solve ended at, its working state and evaluation: a warm start from there
        #: (the next strength of a path) needs no new evaluation, the smooth part being the same at every strength
        self._last_exit = None
        self._reuse_fraction = float(
            np.clip(_CURVATURE_REUSE_PER_COLUMN * X.shape[1], _CURVATURE_REUSE_MIN, _CURVATURE_REUSE_MAX)
        )
        self._rss = None  # (RSS0, RSS_ls) of the free-sigma bracket
        self._zero_gradient = None  # the certificate's scale for a non-quadratic likelihood

    # --- building blocks (working coordinates) ---------------------------------------------

    def working_weights(self, weights: PenaltyWeights) -> _Working:
        """Per-coordinate working weights of ``weights``, times the prior's penalty factor (if it has one)."""
        l1, l2 = self.scaling.weights(weights)
        return _Working(l1 * self._factor, l2 * self._factor, weights)

    def working_weight_arrays(self, weights_seq: list[PenaltyWeights]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`working_weights` of each of ``weights_seq`` at once: ``(l1, l2)``, one row per weights (the same
        numbers, computed alike); the same ValueError for a weight that overflows."""
        ratio = self.scaling.y_scale / self.scaling.x_scale
        l1 = np.array([w.l1 for w in weights_seq], dtype=float)[:, None]
        l2 = np.array([w.l2 for w in weights_seq], dtype=float)[:, None]
        with np.errstate(over="ignore"):
            l1 = l1 * ratio
            l2 = l2 * ratio * ratio
        finite = np.isfinite(l1).all(axis=1) & np.isfinite(l2).all(axis=1)
        if not finite.all():
            self.scaling.weights(weights_seq[int(np.argmin(finite))])  # raises its ValueError
        return l1 * self._factor, l2 * self._factor

    def curvature(self, w: np.ndarray, *, reuse: bool = False) -> tuple[_Curvature, bool]:
        """The curvature at weights ``w``, and whether it is the last one reused: ``reuse=True`` (a Newton step) allows
        that while ``w`` is close to the last one; without it the curvature is the exact one at ``w``."""
        X = self._X
        if np.all(w == w[0]):
            if self._unit_gram is None:
                means = X.mean(axis=0) if self.rm.fit_intercept else np.zeros(X.shape[1])
                self._unit_gram = (gram(X - means), means)
            unit, means = self._unit_gram
            return _Curvature(w[0] * unit, means, float(w[0]) * X.shape[0]), False
        # a stale curvature is close enough for a proximal Newton step (the line search and the certificate keep
        # the result exact) while w has hardly changed: a path's next strength starts where the last one ended
        if self._last_curvature is not None:
            last_w, last = self._last_curvature
            ratio = float(w[0] / last_w[0]) if last_w[0] > 0 else 0.0
            if ratio > 0 and np.all(np.abs(w - ratio * last_w) <= 1e-13 * np.abs(w)):
                # the same weights up to one factor (a Gaussian at another sigma): the exact curvature, scaled
                return _Curvature(ratio * last.Q, last.means, ratio * last.h00), False
            if reuse and np.all(np.abs(w - last_w) <= self._reuse_fraction * np.abs(last_w)):
                return last, True
        h00 = float(w.sum())
        means = (w @ X) / h00 if self.rm.fit_intercept else np.zeros(X.shape[1])
        # w >= 0 (a curvature, or its positive floor): Q = (sqrt(w) Xc)' (sqrt(w) Xc) by dsyrk
        curv = _Curvature(gram((X - means) * np.sqrt(np.maximum(w, 0.0))[:, None]), means, h00)
        self._last_curvature = (w.copy(), curv)
        return curv, False

    def newton_step(self, state, evaluation, weights: _Working, *, reuse: bool = True):
        """One exact proximal Newton step in ``(b0, beta)`` at fixed sigma.

        Returns the new state and ``c``, the linear term of the quadratic model (its sup-norm,
        in the user's units, is ``lambda_max``).
        """
        b0, beta, log_sigma = state
        _, g0, g_beta, _, w = evaluation
        curv, self._stale = self.curvature(w, reuse=reuse)
        g_red = g_beta - curv.means * g0 if self.rm.fit_intercept else g_beta
        c = curv.Q @ beta - g_red
        sol = solve_quadratic_l1(curv.Q, c, weights.l1, weights.l2, x0=beta, cache=curv.factors)
        new_beta = sol.x
        new_b0 = b0 - (g0 + curv.h00 * curv.means @ (new_beta - beta)) / curv.h00 if self.rm.fit_intercept else 0.0
        return (new_b0, new_beta, log_sigma), c

    def _user_units(self) -> np.ndarray:
        """Factor turning a working gradient coordinate into the user's: ``s_j / t``."""
        return self.scaling.x_scale / self.scaling.y_scale

    def certificate(self, state, evaluation, weights: _Working, c: np.ndarray, include_sigma: bool = True):
        """``(kkt_violation, certificate)``: the first in the user's units, the second relative, in
        working coordinates (see :class:`MapResult`)."""
        _, beta, _ = state
        _, g0, g_beta, g_sigma, _ = evaluation
        g_total = g_beta + 2.0 * weights.l2 * beta
        viol_w = kkt_violation(g_total, beta, weights.l1)
        with np.errstate(over="ignore"):  # in the user's units it may exceed float64 (then inf)
            viol = max(float(np.max(viol_w * self._user_units(), initial=0.0)), abs(g0) / self.scaling.y_scale)
        reference = c if self.rm.likelihood.quadratic else self._gradient_at_zero()
        scale = max(
            float(np.max(np.abs(reference), initial=0.0)), float(np.max(weights.l1, initial=0.0)), np.finfo(float).tiny
        )
        rel = max(float(np.max(viol_w, initial=0.0)), abs(g0)) / scale
        if include_sigma and not self.objective.fixed_sigma:
            rel = max(rel, max(abs(g_sigma) - self._sigma_slope_roundoff(state), 0.0) / self._X.shape[0])
        return viol, rel

    def _null_intercept(self) -> float:
        """The intercept of the intercept-only fit, in working units (0 without an intercept). Where a non-quadratic
        family's Newton steps start: from ``eta = 0`` counts of 1e30 (or 1e-20) are so far off that no step in range
        can be found.

        Without an offset it is ``link(weighted mean of y)`` for a canonical family; with one, Newton steps on the
        intercept alone (halved until they decrease the objective) from ``link(mean y) - mean(offset)``.
        """
        if not self.rm.fit_intercept:
            return 0.0
        b0 = self._null_start()
        b0 = b0 if np.isfinite(b0) else 0.0
        if self.rm.offset is None or self.rm.likelihood.location_scale:
            return b0
        zeros = np.zeros(self._n_features)
        f, g0, _, _, curv = self.objective.evaluate(b0, zeros, None)
        for _ in range(100):
            h = self._total_curvature(curv)
            if not (h > 0 and np.isfinite(f)) or abs(g0) <= 1e-13 * max(h, 1.0):
                break
            step = g0 / h
            for _ in range(60):
                trial = self.objective.evaluate(b0 - step, zeros, None)
                if np.isfinite(trial[0]) and trial[0] <= f:
                    break
                step *= 0.5
            else:
                break
            b0 -= step
            f, g0, _, _, curv = trial
        return b0

    def _null_start(self) -> float:
        """``link(weighted mean of y) - weighted mean of the offset``, in working units."""
        w, y = self._weights, self.working.y
        mean_offset = float(np.average(self._offset, weights=w))
        return self.working.likelihood.link(float(np.average(y, weights=w))) - mean_offset

    @staticmethod
    def _total_curvature(w) -> float:
        """``sum_i w_i``: the curvature in the intercept of an evaluation's curvature ``w``."""
        return float(w.sum())

    def _gradient_at_zero(self) -> np.ndarray:
        """The gradient in ``beta`` at ``beta = 0`` and the intercept-only fit: its sup-norm is ``lambda_max``
        (the smallest ``l1`` that zeroes every coefficient) for a canonical link, ``|X_c' (y - mean(y))|``, computed
        without the cancellation of ``mu - y`` at ``eta = 0``. The scale of a non-quadratic family's certificate."""
        if self._zero_gradient is None:
            _, g0, g_beta, _, w = self.objective.evaluate(self._null_intercept(), np.zeros(self._n_features), None)
            means = (w @ self._X) / float(w.sum()) if self.rm.fit_intercept and w.sum() > 0 else 0.0
            self._zero_gradient = -(g_beta - means * g0)
        return self._zero_gradient

    def _sigma_slope_roundoff(self, state) -> float:
        """The rounding error of the Gaussian ``d f / d log sigma = n - RSS / sigma^2 + ...``.

        Each residual ``r_i = y_i - mu_i`` is computed with an error of about
        ``eps (|y_i| + |mu_i|)``, so ``RSS / sigma^2`` carries one of about
        ``2 eps sum_i |r_i| (|y_i| + |mu_i|) / sigma^2``: negligible (``~4 n eps``) unless ``y``
        is fit almost exactly, where it is what limits the certificate of sigma.
        """
        if self.rm.likelihood.__class__ is not Gaussian:
            return 0.0
        b0, beta, log_sigma = state
        y = self.working.y
        mu = self._offset + self._X @ beta + (b0 if self.rm.fit_intercept else 0.0)
        r = y - mu
        spread = self._weights * np.abs(r) @ (np.abs(y) + np.abs(mu))
        return 2.0 * float(np.finfo(float).eps * spread * np.exp(-2.0 * log_sigma))

    def _least_squares_start(self, weights: _Working):
        """The penalized (weighted) least-squares fit with the same prior at the same sigma: where a robust family
        (Student-t) starts, as iteratively reweighted least squares does."""
        X, w = self._X, self._weights / self.working.likelihood.sigma**2
        curv, _ = self.curvature(w)
        y = self.working.y - self._offset
        b0 = float(np.average(y, weights=self._weights)) if self.rm.fit_intercept else 0.0
        c = (X - curv.means).T @ (w * (y - b0))
        beta = solve_quadratic_l1(curv.Q, c, weights.l1, weights.l2).x
        if self.rm.fit_intercept:
            b0 -= float(curv.means @ beta)
        return (b0, beta, None)

    @property
    def _robust_starts(self) -> bool:
        """Whether a cold start tries several starting points: a location-scale density that is not log-concave
        (Student-t), whose posterior can have several modes."""
        likelihood = self.rm.likelihood
        return likelihood.location_scale and not likelihood.quadratic

    def _solve_from_robust_starts(self, weights: _Working, tol: float, max_iter: int):
        """The better of the modes reached from the penalized least-squares fit (where outliers are fitted) and
        from the (weighted) median of ``y`` with zero coefficients (where they are discounted, however far the
        rows lie in ``X``); ``n_modes`` counts the distinct modes reached."""
        y = self.working.y - self._offset
        median = _weighted_median(y, self._weights) if self.rm.fit_intercept else 0.0
        starts = [self._least_squares_start(weights), (median, np.zeros(self._n_features), None)]
        ends, total = [], 0
        for start in starts:
            state, evaluation, c, n_iter = self._solve_fixed_sigma(start, weights, tol, max_iter)
            total += n_iter
            ends.append((evaluation[0] + weights.penalty(state[1]), state, evaluation, c))
        value, state, evaluation, c = min(ends, key=lambda end: end[0])
        first, second = ends[0][1], ends[1][1]
        # working units: y and the columns of X on the scale of 1, so a difference below 1e-6 is round-off
        size = max(float(np.max(np.abs(first[1]), initial=0.0)), abs(first[0]), 1.0)
        apart = max(float(np.max(np.abs(first[1] - second[1]), initial=0.0)), abs(first[0] - second[0]))
        n_modes = 2 if apart > 1e-6 * size else 1
        return state, evaluation, c, total, n_modes

    def _solve_fixed_sigma(self, state, weights: _Working, tol: float, max_iter: int, evaluation=None):
        """Newton steps in ``(b0, beta)`` at the sigma in ``state`` until the certificate holds.

        For a Gaussian likelihood the first step is exact and the second evaluation confirms it. For the
        others each proximal Newton step is damped by a backtracking line search on the whole objective
        (:meth:`_line_search`).
        """
        quadratic = self.rm.likelihood.quadratic
        if evaluation is None:
            evaluation = self.objective.evaluate(*state)
        c, n_iter = np.full(self._n_features, np.inf), 0
        # a quadratic smooth part is solved by one step with the exact curvature: never a reused one
        reuse, last_rel = not quadratic, np.inf
        while n_iter < max_iter:
            n_iter += 1
            trial, c = self.newton_step(state, evaluation, weights, reuse=reuse)
            if quadratic:
                state = trial
                evaluation = self.objective.evaluate(*state)
            else:
                state, evaluation = self._line_search(state, evaluation, trial, weights)
            _, rel = self.certificate(state, evaluation, weights, c, include_sigma=False)
            if rel <= tol:
                break
            # a step with a reused curvature that did not cut the certificate by _STALE_PROGRESS: refresh it
            reuse = not quadratic and not (self._stale and rel > _STALE_PROGRESS * last_rel)
            last_rel = rel
        return state, evaluation, c, n_iter

    #: sufficient decrease of the line search (Armijo) and its largest number of halvings
    _ARMIJO = 1e-4
    _MAX_HALVINGS = 60
    #: F is the sum of n terms: its rounding error is taken as this many ulps of |F|
    _ROUNDOFF_FACTOR = 100.0

    def _line_search(self, state, evaluation, trial, weights: _Working):
        """The step from ``state`` towards the proximal Newton point ``trial``, halved until it decreases
        ``F = f + penalty`` enough (Lee, Sun & Saunders 2014):
        ``F(x + t d) <= F(x) + 1e-4 t Delta`` with ``Delta = grad f' d + P(beta + d) - P(beta) < 0``.

        The full step (``t = 1``) keeps the exact zeros of the subproblem; near the mode it is always taken
        (proximal Newton converges quadratically there). A step that cannot decrease ``F`` any more (``Delta``
        at round-off level) is taken as it is: the certificate then decides.
        """
        b0, beta, log_sigma = state
        f, g0, g_beta, _, _ = evaluation
        t_b0, t_beta, _ = trial
        d0, d_beta = t_b0 - b0, t_beta - beta
        pen = weights.penalty(beta)
        delta = g0 * d0 + float(g_beta @ d_beta) + weights.penalty(t_beta) - pen
        start = f + pen
        # a predicted decrease below the rounding error of F cannot be checked: take the full step
        resolvable = delta < -self._ROUNDOFF_FACTOR * np.finfo(float).eps * max(abs(start), 1.0)
        t = 1.0
        for _ in range(self._MAX_HALVINGS):
            cand = (b0 + t * d0, beta + t * d_beta if t < 1.0 else t_beta, log_sigma)
            cand_eval = self.objective.evaluate(*cand)
            with np.errstate(over="ignore", invalid="ignore"):  # a step out of range is halved, not reported
                value = cand_eval[0] + weights.penalty(cand[1])
            if not np.isfinite(value):
                t *= 0.5
                continue
            if not resolvable or value <= start + self._ARMIJO * t * delta:
                return cand, cand_eval
            t *= 0.5
        return state, evaluation

    # --- the public entry point ------------------------------------------------------------

    def solve(self, weights: PenaltyWeights | None = None, *, start=None, tol: float = 1e-10, max_iter: int = 200):
        """MAP estimate under ``weights`` (default: the model's prior), from ``start``.

        ``start`` is ``(b0, beta, log_sigma)`` in the user's units; by default zeros. With a
        free sigma the global mode is searched over the whole range where it can lie (module
        docstring) and ``start`` is not used. Returns ``(MapResult, state)``; raises a
        ``ConvergenceWarning`` when the certificate is above ``tol``.
        """
        tol, max_iter = _check_stopping(tol, max_iter)
        if weights is None:
            weights = self.rm.prior.weights
        working = self.working_weights(weights)
        p = self._n_features
        sc = self.scaling
        n_modes = 1
        if self.objective.fixed_sigma:
            if start is None and self._robust_starts:
                state, evaluation, c, n_iter, n_modes = self._solve_from_robust_starts(working, tol, max_iter)
            else:
                if start is None:
                    if self.rm.likelihood.quadratic:
                        state = (0.0, np.zeros(p), None)
                    else:
                        state = (self._null_intercept(), np.zeros(p), None)
                evaluation = None
                if start is not None and self._is_last_exit(start):
                    _, state, evaluation = self._last_exit
                elif start is not None:
                    beta = sc.beta_to_working(np.asarray(start[1], dtype=float))
                    b0 = sc.intercept_to_working(float(start[0]), np.asarray(start[1], dtype=float))
                    state = (b0 if self.rm.fit_intercept else 0.0, beta, None)
                state, evaluation, c, n_iter = self._solve_fixed_sigma(state, working, tol, max_iter, evaluation)
        else:
            state, evaluation, c, n_iter, n_modes = self._solve_free_sigma(working, tol, max_iter)
        viol, rel = self.certificate(state, evaluation, working, c)
        # the objective itself may overflow to +inf (sigma = 1e-200 against y ~ 1: RSS / (2 sigma^2) ~ 1e400) while
        # the estimate and its certificate are exact; NaN anywhere means the computation failed
        if not np.isfinite(rel) or np.isnan(evaluation[0]):
            raise FloatingPointError(
                "the MAP could not be computed in float64 (non-finite objective or gradient at the estimate); "
                "check X, y, sigma and the prior scale for values near the limits of float64"
            )
        b0_w, beta_w, log_sigma_w = state
        coef = sc.beta_from_working(beta_w)
        intercept = sc.intercept_from_working(b0_w, coef) if self.rm.fit_intercept else 0.0
        if self.objective.fixed_sigma:
            sigma = self.rm.likelihood.sigma
            log_sigma = None
        else:
            log_sigma = float(log_sigma_w + np.log(sc.y_scale))
            sigma = float(np.exp(log_sigma))
        objective = self._user_objective(evaluation[0], coef, weights)
        converged = bool(rel <= tol)
        if not converged:
            warn(
                f"The MAP did not converge: its certificate (largest optimality violation relative to lambda_max) "
                f"is {rel:.2e} > tol={tol:g} after {n_iter} Newton steps, so the estimate is not the exact mode. "
                "Try a larger max_iter, or standardize=True when columns are nearly collinear.",
                ConvergenceWarning,
            )
        if self.objective.fixed_sigma:
            self._last_exit = ((float(intercept), coef.copy()), state, evaluation)
        result = MapResult(
            coef=coef,
            intercept=float(intercept),
            sigma=float(sigma),
            objective=float(objective),
            kkt_violation=viol,
            certificate=rel,
            n_iter=n_iter,
            converged=converged,
            weights=weights,
            n_modes=n_modes,
        )
        return result, (result.intercept, coef, log_sigma)

    def _is_last_exit(self, start) -> bool:
        """Whether ``start`` is exactly where the last fixed-sigma solve ended."""
        if self._last_exit is None:
            return False
        (b0, coef), _, _ = self._last_exit
        start_coef = np.asarray(start[1], dtype=float)
        return float(start[0]) == b0 and start_coef.shape == coef.shape and np.array_equal(start_coef, coef)

    def _user_objective(self, f_working: float, coef: np.ndarray, weights: PenaltyWeights) -> float:
        """The user's negative log posterior: the working one shifted by the Jacobians of the scaling."""
        log_t = float(np.log(self.scaling.y_scale))
        # each observation's density has one factor 1/t more (to the power of its weight); so has the density of
        # sigma (HalfNormal)
        shift = self._n_eff * log_t
        if not self.objective.fixed_sigma and self.rm.likelihood.sigma_prior == "halfnormal":
            shift += log_t
        # l1 |b| and l2 b^2 only where the weight is non-zero: 0 * inf would be NaN for huge coefficients
        penalized = self._factor > 0
        f, b = self._factor[penalized], coef[penalized]
        penalty = weights.l1 * float(f @ np.abs(b)) if weights.l1 else 0.0
        if weights.l2:
            penalty += weights.l2 * float(f @ np.square(b))
        return f_working + shift + penalty + _log_normalizer(weights, f)

    # --- free sigma ------------------------------------------------------------------------

    def residual_sums_of_squares(self) -> tuple[float, float]:
        """``(RSS0, RSS_ls)`` in working units: ``y`` less the offset (centred with an intercept) and its
        least-squares residual, both weighted sums of squares with ``sample_weight``.

        Raises a ValueError when ``y`` is fit exactly (no joint mode).
        """
        if self._rss is None:
            X, y, w = self._X, self.working.y - self._offset, self._weights
            n = X.shape[0]
            if self.rm.fit_intercept:
                Xc, yc = X - np.average(X, axis=0, weights=w), y - np.average(y, weights=w)
            else:
                Xc, yc = X, y
            root = np.sqrt(w)
            Xc, yc = Xc * root[:, None], yc * root
            rss0 = float(yc @ yc)
            coef_ls = np.linalg.lstsq(Xc, yc, rcond=None)[0]
            resid = yc - Xc @ coef_ls
            rss_ls = float(resid @ resid)
            if not rss0 > 0 or rss_ls <= (n * np.finfo(float).eps) ** 2 * rss0:
                raise ValueError(
                    "sigma=None: y is fit exactly by a linear function of X (residual sum of squares 0), so the "
                    "joint posterior density grows without bound as sigma -> 0 and has no mode; give a fixed sigma"
                )
            self._rss = (rss0, rss_ls)
        return self._rss

    def log_sigma_bracket(self) -> tuple[float, float]:
        """``(lo, hi)`` in working ``log sigma``: every stationary point of the profile lies inside.

        Raises a ValueError when ``y`` is fit exactly (no joint mode).
        """
        rss0, rss_ls = self.residual_sums_of_squares()
        n = self._n_eff
        k = 0.0
        if self.working.likelihood.sigma_prior == "halfnormal":
            k = 1.0 / self.working.likelihood.sigma_prior_scale**2
        sigma2_lo = 2.0 * rss_ls / (n + np.sqrt(n * n + 4.0 * k * rss_ls))
        return 0.5 * float(np.log(sigma2_lo)) - _LOG_SIGMA_STEP, 0.5 * float(np.log(rss0 / n)) + _LOG_SIGMA_STEP

    def _solve_free_sigma(self, weights: _Working, tol: float, max_iter: int):
        p = self._n_features
        lo, hi = self.log_sigma_bracket()
        n_total = 0

        def exact(s, warm):
            """Slope and value of the profile from the model itself: the inner MAP at sigma = e^s."""
            nonlocal n_total
            state, evaluation, c, k = self._solve_fixed_sigma((warm[0], warm[1], s), weights, tol, max_iter)
            n_total += k
            return evaluation[3], evaluation[0] + weights.penalty(state[1]), (state, evaluation, c)

        def exact_warm(info):
            return info[0]

        # the derivative must be <= 0 at lo and >= 0 at hi; widen if round-off says otherwise
        start = (0.0, np.zeros(p), hi)
        for _ in range(60):
            if exact(hi, start)[0] >= 0:
                break
            hi += 1.0
        for _ in range(60):
            if exact(lo, start)[0] <= 0:
                break
            lo -= 1.0
        rss0, rss_ls = self.residual_sums_of_squares()
        if self.rm.likelihood.__class__ is Gaussian and rss_ls >= _MIN_RSS_RATIO_QUADRATIC * rss0:
            # the smooth part is quadratic: the profile costs O(p^2) per sigma instead of a pass over the data
            profile, warm_of, warm = _QuadraticProfile(self, weights), (lambda x: x), np.zeros(p)
        else:
            profile, warm_of, warm = exact, exact_warm, start
        n_grid = int(min(_MAX_GRID, max(33, np.ceil((hi - lo) / _LOG_SIGMA_STEP) + 1)))
        grid = np.linspace(hi, lo, n_grid)  # large sigma first: a strong penalty, sparse warm starts
        points = []
        for s_ in grid:
            slope, value, info = profile(s_, warm)
            warm = warm_of(info)
            points.append((s_, slope, value, warm))
        points.reverse()  # increasing log sigma
        slopes = np.array([point[1] for point in points])
        candidates = []
        for k in range(len(points) - 1):
            if not (slopes[k] <= 0 <= slopes[k + 1]) or (slopes[k] == 0 and k > 0 and slopes[k - 1] <= 0):
                continue
            s_a, s_b, warm_a = points[k][0], points[k + 1][0], points[k][3]
            if slopes[k] == 0:
                root = s_a
            elif slopes[k + 1] == 0:
                root = s_b
            else:
                root = _brentq(
                    lambda s_, w=warm_a: profile(s_, w)[0], s_a, s_b, xtol=1e-14, rtol=4 * np.finfo(float).eps
                )
            _, value, info = profile(root, warm_a)
            candidates.append((value, root, warm_of(info)))
        if not candidates:  # cannot happen with the signs checked above; be explicit if it does
            raise FloatingPointError("the profile over log sigma has no minimum in its bracket (round-off?)")
        _, root, warm = min(candidates, key=lambda item: item[0])
        if profile is not exact:
            root, warm = self._polish_log_sigma(exact, root, (0.0, warm, root), lo, hi)
        _, _, (state, evaluation, c) = exact(root, warm)
        return state, evaluation, c, n_total, len(candidates)

    def _polish_log_sigma(self, exact, root: float, warm, lo: float, hi: float):
        """The root of the model's own ``dF/ds`` next to ``root`` (found on the quadratic profile)."""
        step = 1e-9
        a = b = root
        slope_a, _, info = exact(a, warm)
        warm = info[0]
        slope_b = slope_a
        while slope_a > 0 and a > lo:
            a, b, slope_b = max(a - step, lo), a, slope_a
            slope_a, _, info = exact(a, warm)
            step *= 4.0
        while slope_b < 0 and b < hi:
            a, slope_a, b = b, slope_b, min(b + step, hi)
            slope_b, _, info = exact(b, warm)
            step *= 4.0
        # re-evaluated from one warm start: next to the root the slope is round-off (1e-14) and its sign may flip
        slope_a, slope_b = exact(a, warm)[0], exact(b, warm)[0]
        if slope_a * slope_b >= 0:
            return (a if abs(slope_a) <= abs(slope_b) else b), warm
        root = _brentq(lambda s_: exact(s_, warm)[0], a, b, xtol=1e-14, rtol=4 * np.finfo(float).eps)
        return root, warm


class _QuadraticProfile:
    """The profile over ``s = log sigma`` of a Gaussian model, from its quadratic form.

    With ``Q = X_c' X_c`` and ``c = X_c' y_c`` (from the model's curvature and gradient at
    ``sigma = 1``, working units) the inner problem at ``v = sigma^2`` is
    ``min_x 1/2 x'Qx - c'x + v (l1 |x| + l2 x^2)``, ``RSS = y_c'y_c - 2 c'x + x'Qx`` and
    ``dF/ds = -RSS / v + n + v / s0^2`` (``HalfNormal(s0)`` prior on sigma; no last term for
    the flat prior on ``log sigma``). ``F`` is returned up to a constant.
    """

    def __init__(self, solver: MapSolver, weights: _Working):
        p = solver._n_features
        # at sigma = 1 (log sigma 0) the curvature is the weights themselves
        _, g0, g_beta, _, w = solver.objective.evaluate(0.0, np.zeros(p), 0.0)
        curv, _ = solver.curvature(w)
        self.Q = curv.Q
        self.c = -(g_beta - curv.means * g0) if solver.rm.fit_intercept else -g_beta
        self.yy = solver.residual_sums_of_squares()[0]
        self.n = solver._n_eff
        likelihood = solver.working.likelihood
        self.k = 1.0 / likelihood.sigma_prior_scale**2 if likelihood.sigma_prior == "halfnormal" else 0.0
        self.weights = weights
        self.cache = FactorCache()

    def __call__(self, s: float, warm: np.ndarray):
        v = float(np.exp(2.0 * s))
        w = self.weights
        x = solve_quadratic_l1(self.Q, self.c, v * w.l1, v * w.l2, x0=warm, cache=self.cache).x
        rss = max(self.yy - 2.0 * self.c @ x + x @ self.Q @ x, 0.0)
        slope = -rss / v + self.n + self.k * v
        value = rss / (2.0 * v) + self.n * s + 0.5 * self.k * v + w.penalty(x)
        return slope, value, x


def _brentq(f, a: float, b: float, **kwargs) -> float:
    """``scipy.optimize.brentq``, without letting it keep ``f`` alive: scipy wraps ``f`` in a function that refers to
    itself, a reference cycle that only a garbage collection frees, and ``f`` (a closure over the solver) would keep
    the solver and its compiled function (:data:`OBJECTIVES`) out of use until then."""
    box = [f]
    try:
        return optimize.brentq(lambda x: box[0](x), a, b, **kwargs)
    finally:
        box.clear()


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The smallest value at which the cumulative weight reaches half the total (the median for equal weights,
    the lower one of the middle two for an even count)."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, 0.5 * cumulative[-1])])


def _log_normalizer(weights: PenaltyWeights, factors: np.ndarray) -> float:
    """``sum_j log Z(f_j l1, f_j l2)`` over the penalized coefficients (factors ``f_j > 0``)."""
    from bayesreg.priors import prior_from_weights

    values, counts = np.unique(factors, return_counts=True)
    return float(
        sum(
            count * prior_from_weights(PenaltyWeights(f * weights.l1, f * weights.l2)).log_normalizer
            for f, count in zip(values, counts, strict=True)
        )
    )


def _check_stopping(tol, max_iter) -> tuple[float, int]:
    """``tol >= 0`` (0 never certifies: every result then warns) and ``max_iter >= 1`` Newton steps."""
    return check_positive(tol, "tol", allow_zero=True), check_count(max_iter, "max_iter", minimum=1)


def find_map(rm: RegressionModel, *, tol: float = 1e-10, max_iter: int = 200) -> MapResult:
    """Exact MAP estimate of a built model (see the module docstring for the method)."""
    tol, max_iter = _check_stopping(tol, max_iter)
    result, _ = MapSolver(rm).solve(tol=tol, max_iter=max_iter)
    return result


@dataclass
class MapPath:
    """MAP estimates along a sequence of penalty weights (fixed sigma)."""

    coefs: np.ndarray  # (p, n_alphas)
    intercepts: np.ndarray  # (n_alphas,)
    certificates: np.ndarray  # (n_alphas,) relative optimality violation
    weights: list[PenaltyWeights]


#: the ridge path diagonalizes D^(-1/2) Q D^(-1/2) once when the per-coordinate ridge weights
#: D (working units) span less than this; otherwise one linear solve per strength
_MAX_RIDGE_SPREAD = 1e100


def quadratic_map_path(solver: MapSolver, weights_seq, *, tol: float = 1e-10) -> MapPath:
    """MAP path of a model whose smooth part is quadratic (Gaussian, fixed sigma).

    The model is evaluated once, at zero; its gradient and curvature define the quadratic
    exactly, and each penalty is solved from the previous solution (warm start). With no L1
    part anywhere (ridge) one eigendecomposition serves every strength. A certificate above
    ``tol`` anywhere on the path raises one ``ConvergenceWarning``.
    """
    tol, _ = _check_stopping(tol, 1)
    if not solver.objective.fixed_sigma:
        raise ValueError("a MAP path needs a fixed sigma")
    if not solver.rm.likelihood.quadratic:
        raise ValueError(
            f"quadratic_map_path needs a Gaussian likelihood (a quadratic smooth part), got the "
            f"{solver.rm.likelihood.family} family: solve each strength with MapSolver.solve(weights, start=state)"
        )
    weights_seq = list(weights_seq)
    l1, l2 = solver.working_weight_arrays(weights_seq)
    p = solver._n_features
    _, g0, g_beta, _, w = solver.objective.evaluate(0.0, np.zeros(p), None)
    curv, _ = solver.curvature(w)
    c = -(g_beta - curv.means * g0) if solver.rm.fit_intercept else -g_beta
    coefs_w = np.empty((p, len(weights_seq)))
    # one eigendecomposition for every strength needs the same penalty on every coefficient (up to the scaling)
    ridge = all(wt.l1 == 0 for wt in weights_seq) and bool(np.all(solver._factor == 1.0))
    if ridge and p:
        # l2_j = l2 * d_j * kappa with d_j = (t / s_j)^2 / kappa in (0, 1]
        d = (solver.scaling.y_scale / solver.scaling.x_scale) ** 2
        d = d / d.max()
        ridge = d.min() >= 1.0 / _MAX_RIDGE_SPREAD
    if ridge and p:
        root = 1.0 / np.sqrt(d)
        eigval, eigvec = np.linalg.eigh(curv.Q * np.outer(root, root))
        ct = eigvec.T @ (c * root)
        for k in range(len(weights_seq)):
            mu = 2.0 * l2[k, 0] / d[0]
            coefs_w[:, k] = root * (eigvec @ (ct / (eigval + mu)))
    else:
        coefs_w[:] = solve_quadratic_l1_path(curv.Q, c, l1, l2).T
    # the certificates of all strengths at once: the largest violation relative to max(lambda_max, l1)
    grads = curv.Q @ coefs_w - c[:, None] + 2.0 * l2.T * coefs_w
    viol = kkt_violation(grads, coefs_w, l1.T).max(axis=0, initial=0.0)
    lam_max = float(np.max(np.abs(c), initial=0.0))
    certs = viol / np.maximum(np.maximum(lam_max, l1.max(axis=1, initial=0.0)), np.finfo(float).tiny)
    coefs = coefs_w * (solver.scaling.y_scale / solver.scaling.x_scale)[:, None]
    if solver.rm.fit_intercept:
        b0_w = -g0 / curv.h00 - curv.means @ coefs_w
        sc = solver.scaling
        intercepts = sc.y_scale * b0_w + sc.y_center - sc.x_center @ coefs
    else:
        intercepts = np.zeros(len(weights_seq))
    if not np.all(np.isfinite(certs)):
        raise FloatingPointError("the MAP path could not be computed in float64 (non-finite certificate)")
    _warn_path(certs, tol)
    return MapPath(coefs=coefs, intercepts=intercepts, certificates=certs, weights=weights_seq)


def glm_map_path(solver: MapSolver, weights_seq, *, tol: float = 1e-10, max_iter: int = 200) -> MapPath:
    """MAP path of a model whose smooth part is not quadratic (Bernoulli, Poisson, Student-t; fixed scale).

    Each strength is solved by :meth:`MapSolver.solve` warm-started from the previous one (decreasing strengths
    follow the path closely, so few proximal Newton steps are needed). A certificate above ``tol`` anywhere on
    the path raises one ``ConvergenceWarning`` for the whole path.
    """
    tol, max_iter = _check_stopping(tol, max_iter)
    if not solver.objective.fixed_sigma:
        raise ValueError("a MAP path needs a fixed sigma")
    weights_seq = list(weights_seq)
    p = solver._n_features
    coefs = np.empty((p, len(weights_seq)))
    intercepts = np.empty(len(weights_seq))
    certs = np.empty(len(weights_seq))
    state = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # one warning for the path, below
        for k, weights in enumerate(weights_seq):
            result, state = solver.solve(weights, start=state, tol=tol, max_iter=max_iter)
            coefs[:, k], intercepts[k], certs[k] = result.coef, result.intercept, result.certificate
    _warn_path(certs, tol)
    return MapPath(coefs=coefs, intercepts=intercepts, certificates=certs, weights=weights_seq)


def _warn_path(certs: np.ndarray, tol: float) -> None:
    """One ``ConvergenceWarning`` for a path whose certificates exceed ``tol`` somewhere."""
    worst = float(certs.max(initial=0.0))
    if worst > tol:
        warn(
            f"The MAP path did not converge everywhere: the largest certificate is {worst:.2e} > tol={tol:g} "
            f"(at {int(np.sum(certs > tol))} of {certs.size} strengths). Try standardize=True or drop nearly "
            "collinear columns.",
            ConvergenceWarning,
        )
