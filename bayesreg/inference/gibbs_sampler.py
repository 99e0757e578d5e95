"""Sample a built model's posterior with a compiled Gibbs kernel, when one exists for it.

:func:`gibbs_plan` reads a :class:`~bayesreg.model.RegressionModel` (likelihood, prior, prior on sigma) and says
which kernel of :mod:`bayesreg.inference.gibbs_kernels` samples exactly its posterior, or why none does. The
Gaussian likelihood is sampled from its sufficient statistics; the Student-t and the logit (Bernoulli) are
Gaussian given a latent weight per row, drawn between sweeps (:func:`_run_augmented_chain`): Gamma weights, the
t being a scale mixture of normals, and Polya-Gamma weights (Polson, Scott & Windle 2013), drawn by the
``polyagamma`` package.
:func:`sample_gibbs` runs the chains (in parallel threads: the kernels release the GIL) and returns the same
ArviZ ``DataTree`` NUTS would: the same variables (free and deterministic, under the model's names, dims and
coords), ``sample_stats``, ``observed_data`` and ``constant_data``, and, when stored, ``log_likelihood`` and
``posterior_predictive``.
"""

from __future__ import annotations

import dataclasses
import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from pytensor.tensor.random.basic import HalfNormalRV
from threadpoolctl import threadpool_limits

from bayesreg.data.statistics import SufficientStats
from bayesreg.inference import gibbs_kernels as gk
from bayesreg.likelihoods import Bernoulli, Gaussian, StudentT
from bayesreg.likelihoods.student_t import NU_PRIOR
from bayesreg.model import RegressionModel
from bayesreg.priors import BayesianLasso, HierarchicalNormal, Horseshoe, HorseshoePlus, Prior

__all__ = ["GibbsPlan", "gibbs_plan", "sample_gibbs"]

# the likelihoods with a kernel: the Gaussian, and those that are Gaussian given latent variables
GAUSSIAN, STUDENT_T, LOGIT = 0, 1, 2
_LIKELIHOODS = {Gaussian: GAUSSIAN, StudentT: STUDENT_T, Bernoulli: LOGIT}
_AUGMENTATION = {
    GAUSSIAN: "",
    STUDENT_T: " given its normal scale mixture (a Gamma weight per row)",
    LOGIT: " given Polya-Gamma weights (Polson, Scott & Windle 2013)",
}
_KINDS = {BayesianLasso: gk.LASSO, Horseshoe: gk.HORSESHOE, HorseshoePlus: gk.HORSESHOE_PLUS}
#: The logit's Polya-Gamma sampler mixes slowly when one class is rare (its intercept moves in small steps: Johndrow,
#: Smith, Pillai & Dunson 2019). Measured effective draws per second, Gibbs over NUTS (PyMC's, including its
#: compilation), 4 x 1000 after 1000, p = 5, Normal(1) prior: 2.3x at 51% events (n = 5000), 2.7x at 23% (n = 500),
#: 0.6x at 12% (n = 5000), 0.6x at 5% (n = 500), 0.11x at 1.4% (n = 5000). Below this share of the weight in the
#: rarer class, method="sample" takes NUTS; not for the horseshoes, whose funnels NUTS follows worse (1.5% events,
#: n = 2000, p = 10: NUTS 112 s with 61 divergences, Gibbs 5.7 s and none)
LOGIT_MIN_CLASS_SHARE = 0.2
#: the name prefix of the threads that run chains side by side
GIBBS_THREADS = "bayesreg-gibbs"
#: sweeps per kept draw for the logit: on breast cancer (n = 569, p = 30, Laplace(0.05)) 1 sweep per draw left
#: r_hat 1.018 and a min ESS of 178-285 in 1.1-1.4 s; 5 gave r_hat 1.002-1.006 and 1022-1145 in 2.7-2.8 s, more
#: effective draws per second too (the work around the sweeps is fixed); NUTS took 31.6 s (ESS 1237)
LOGIT_THIN = 5

#: Gibbs sweeps per kept draw: the horseshoes' scales mix slowly (at n=100, p=300, 5 non-zeros, about 150 effective
#: draws of tau per 4 x 1000 sweeps), so, as R's bayesreg does by default (thin=5), one sweep in 5 is kept (a sweep
#: costs about 0.35 ms there); the logit keeps one in LOGIT_THIN, every other kernel each sweep
THIN = {gk.HORSESHOE: 5, gk.HORSESHOE_PLUS: 5}
#: sigma^2 is kept above this fraction of y's (weighted, centred) mean square (see gibbs_kernels.gaussian_chain):
#: sigma above 1e-6 of y's sd. Only data fitted to 6 digits reach it, which model.warn_if_sigma_improper reports when
#: the posterior is improper there; a proper posterior of such data would be truncated at the floor
SIGMA2_FLOOR = 1e-12


@dataclass(frozen=True, eq=False)
class GibbsPlan:
    """What a Gibbs kernel needs to know about a model beyond its data."""

    kind: int
    sigma_kind: int
    #: the fixed sigma, or the HalfNormal prior's scale, or 1 (Jeffreys)
    sigma_scale: float
    #: the penalty weights (l1, l2) of each coefficient (zeros but for a penalty prior)
    l1: np.ndarray
    l2: np.ndarray
    #: the prior's hyperparameters as the kernel takes them
    hyper: np.ndarray
    reason: str
    #: sweeps per kept draw
    thin: int = 1
    #: GAUSSIAN, STUDENT_T or LOGIT
    likelihood: int = GAUSSIAN
    #: the Student-t's fixed degrees of freedom, or 0 when nu is learned
    nu: float = 0.0
    #: why NUTS samples this model faster (method="sample" then takes NUTS; method="gibbs" still runs the kernel)
    slower_than_nuts: str = ""


def gibbs_plan(rm: RegressionModel) -> GibbsPlan | str:
    """The Gibbs kernel for ``rm``, or a sentence saying why there is none (then NUTS samples it)."""
    likelihood, prior, model = rm.likelihood, rm.prior, rm.model
    if type(likelihood) not in _LIKELIHOODS:
        return f"no Gibbs kernel for the {likelihood.family} ({type(likelihood).__name__}) likelihood"
    family = _LIKELIHOODS[type(likelihood)]
    extended = [var.name for var in model.potentials] + [v.name for v in model.observed_RVs if v is not rm.observed]
    if extended:
        return f"the model was extended ({', '.join(extended)}): the Gibbs kernels sample only the model as built"
    if family == LOGIT:
        sigma_kind, sigma_scale = gk.SIGMA_FIXED, 1.0
    elif likelihood.sigma is not None:
        # the model's own value (pm.set_data may have changed it since it was built)
        sigma_kind, sigma_scale = gk.SIGMA_FIXED, float(model["sigma"].get_value())
    elif likelihood.sigma_prior == "jeffreys":
        sigma_kind, sigma_scale = gk.SIGMA_JEFFREYS, 1.0
    else:
        sigma_rv = rm.sigma.owner
        if not isinstance(getattr(sigma_rv, "op", None), HalfNormalRV):
            return "the prior on sigma is not the HalfNormal the model builder makes"
        scale = sigma_rv.inputs[-1]
        sigma_kind = gk.SIGMA_HALFNORMAL
        sigma_scale = float(scale.get_value() if hasattr(scale, "get_value") else scale.data)
    nu = 0.0
    if family == STUDENT_T and likelihood.nu is not None:
        nu = float(likelihood.nu)
    p = rm.X_view.shape[1]
    zeros = np.zeros(p)
    if isinstance(prior, Prior):
        prior = _prior_as_in_model(rm)
        weights, factor = prior.weights, prior.factor(p)
        kind, l1, l2, hyper = gk.PENALTY, factor * weights.l1, factor * weights.l2, np.zeros(1)
    elif type(prior) in _KINDS:
        kind, l1, l2 = _KINDS[type(prior)], zeros, zeros
        if kind == gk.LASSO:
            lam = 0.0 if prior.lam is None else float(model[f"{rm.beta.name}_lam"].get_value())
            hyper = np.array([lam, *prior.lam2_prior])
        else:
            hyper = np.array([prior.tau_scale])
    elif type(prior) is HierarchicalNormal:
        kind, l1, l2, hyper = gk.HIERARCHICAL_NORMAL, zeros, zeros, np.array([prior.tau_scale])
    else:
        return f"no Gibbs kernel for the {type(prior).__name__} prior"
    plan = GibbsPlan(
        kind=kind,
        sigma_kind=sigma_kind,
        sigma_scale=sigma_scale,
        l1=np.ascontiguousarray(l1, dtype=float),
        l2=np.ascontiguousarray(l2, dtype=float),
        hyper=np.ascontiguousarray(hyper, dtype=float),
        reason=(
            f"the {type(likelihood).__name__} likelihood{_AUGMENTATION[family]} with a {type(prior).__name__} prior "
            "is conditionally conjugate: exact Gibbs"
        ),
        thin=THIN.get(kind, 1),
        likelihood=family,
        nu=nu,
    )
    horseshoe = kind in (gk.HORSESHOE, gk.HORSESHOE_PLUS)
    if family == LOGIT:
        plan = dataclasses.replace(plan, thin=max(plan.thin, LOGIT_THIN))
        share = _rarer_class_share(rm)
        if share < LOGIT_MIN_CLASS_SHARE and not horseshoe:
            plan = dataclasses.replace(
                plan,
                slower_than_nuts=(
                    f"the rarer class holds {share:.1%} of the weight (under {LOGIT_MIN_CLASS_SHARE:.0%}): the logit's "
                    "Polya-Gamma Gibbs sampler mixes slowly there, so NUTS draws more effective samples per second "
                    "(method='gibbs' runs the Gibbs kernel anyway)"
                ),
            )
    elif family == STUDENT_T and not horseshoe:
        plan = dataclasses.replace(
            plan,
            slower_than_nuts=(
                "NUTS draws 1.7-5x more effective samples per second than the Student-t's scale-mixture Gibbs "
                "sampler with this prior (its Gamma weights and a learned nu mix slowly); method='gibbs' runs the "
                "Gibbs kernel anyway"
            ),
        )
    expected = _posterior_names(rm)
    produced = set(_name_map(rm, plan))
    if produced != expected:
        return f"the model's variables {sorted(expected)} are not those of the Gibbs kernel {sorted(produced)}"
    return plan


def _rarer_class_share(rm: RegressionModel) -> float:
    """The share of the (sample) weight held by the rarer of the two classes of a Bernoulli model."""
    y = rm.y
    weight = np.ones_like(y) if rm.sample_weight is None else rm.sample_weight
    events = float(weight @ y) / float(np.sum(weight))
    return min(events, 1.0 - events)


def _prior_as_in_model(rm: RegressionModel) -> Prior:
    """The penalty prior with the strengths (and penalty factor) the model's ``pm.Data`` hold now: ``pm.set_data``
    may have changed them since the model was built (as :meth:`RegressionModel.set_prior` does)."""
    prior, model, name = rm.prior, rm.model, rm.beta.name
    values = {key: float(model[data_name].get_value()) for key, data_name in prior.data_names(name).items()}
    if f"{name}_penalty_factor" in model.named_vars:
        values["penalty_factor"] = tuple(float(f) for f in model[f"{name}_penalty_factor"].get_value())
    return type(prior)(**{**prior.params(), **values})


def _posterior_names(rm: RegressionModel) -> set[str]:
    """The variables PyMC's ``pm.sample`` puts in the posterior: free variables and deterministics."""
    model = rm.model
    return {rv.name for rv in model.free_RVs} | {var.name for var in model.deterministics}


def _name_map(rm: RegressionModel, plan: GibbsPlan) -> dict[str, str]:
    """Each posterior variable's name and what it is: a key of :func:`_draws`' output."""
    coef = rm.beta.name
    names = {coef: "beta"}
    if rm.fit_intercept:
        names[rm.intercept.name] = "intercept"
    if plan.sigma_kind == gk.SIGMA_HALFNORMAL:
        names["sigma"] = "sigma"
    elif plan.sigma_kind == gk.SIGMA_JEFFREYS:
        names.update({"sigma": "sigma", "log_sigma": "log_sigma"})
    if plan.likelihood == STUDENT_T and plan.nu == 0.0:
        names["nu"] = "nu"
    prior = rm.prior
    if plan.kind == gk.LASSO:
        if prior.lam is None:
            names.update({f"{coef}_lam2": "lam2", f"{coef}_lam": "lam"})
        if prior.noncentered:
            names[f"{coef}_z"] = "z"
    elif plan.kind == gk.HIERARCHICAL_NORMAL:
        names[f"{coef}_tau"] = "tau"
        if prior.noncentered:
            names[f"{coef}_z"] = "z"
    elif plan.kind in (gk.HORSESHOE, gk.HORSESHOE_PLUS):
        names.update({f"{coef}_tau": "tau", f"{coef}_lam": "lam", f"{coef}_z": "z"})
        if plan.kind == gk.HORSESHOE_PLUS:
            names[f"{coef}_eta"] = "eta"
    return names


@dataclass(frozen=True, eq=False)
class _Statistics:
    """The weighted, centred sufficient statistics of the data (and the data themselves when ``p > n``)."""

    XtX: np.ndarray
    Xty: np.ndarray
    yty: float
    Xw: np.ndarray
    yw: np.ndarray
    n_eff: float
    sum_w: float
    x_mean: np.ndarray
    y_mean: float

    @classmethod
    def from_model(cls, rm: RegressionModel, *, any_flat: bool = False) -> _Statistics:
        """The statistics of ``rm``'s data; Bhattacharya's draw (the rows kept) when ``p`` exceeds the rows of
        positive weight and no coefficient is flat (``any_flat``: its infinite prior variance has no place in
        ``X D X'``; Rue's draw in ``p``-space takes it as a zero prior precision)."""
        # the model's own arrays, not copies (read only here): at n = 100,000, p = 50 each copy of X is 40 MB
        X, y = rm.X_view, rm.y
        if rm.offset is not None:
            y = y - rm.offset
        n, p = X.shape
        w = rm.sample_weight
        n_rows = n if w is None else int(np.count_nonzero(w))
        if not (p > n_rows and not any_flat):
            # Rue's draw needs only the statistics, formed block by block (no centred copy of X)
            stats = SufficientStats.from_arrays(X, y, sample_weight=w)
            XtX, Xty, yty = stats.about(rm.fit_intercept)
            return cls(
                XtX=XtX,
                Xty=Xty,
                yty=yty,
                Xw=np.empty((0, p)),
                yw=np.empty(0),
                n_eff=stats.sum_w - float(rm.fit_intercept),
                sum_w=stats.sum_w,
                x_mean=stats.x_mean if rm.fit_intercept else np.zeros(p),
                y_mean=stats.y_mean if rm.fit_intercept else 0.0,
            )
        # Bhattacharya's draw works with the n x p rows (X'X, p x p, is not formed)
        sum_w = float(n) if w is None else float(np.sum(w))
        if rm.fit_intercept:
            x_mean = X.mean(axis=0) if w is None else (w @ X) / sum_w
            y_mean = float(y.mean()) if w is None else float(w @ y) / sum_w
        else:
            x_mean, y_mean = np.zeros(p), 0.0
        Xc, yc = X - x_mean, y - y_mean
        if w is not None:
            root = np.sqrt(w)
            Xc, yc = Xc * root[:, None], yc * root
        Xc = np.ascontiguousarray(Xc)
        return cls(
            XtX=np.empty((0, 0)),
            Xty=Xc.T @ yc,
            yty=float(yc @ yc),
            Xw=Xc,
            yw=yc,
            n_eff=sum_w - float(rm.fit_intercept),
            sum_w=sum_w,
            x_mean=np.ascontiguousarray(x_mean, dtype=float),
            y_mean=y_mean,
        )


@dataclass(frozen=True, eq=False)
class _Rows:
    """The rows of positive weight of an augmented model's data (the Student-t, the logit), as its sweeps use them:
    each sweep forms its own weighted statistics from them."""

    X: np.ndarray
    y: np.ndarray
    offset: np.ndarray
    weight: np.ndarray
    #: sum(w) - [intercept]: the power of sigma in the likelihood with the intercept integrated out
    n_eff: float
    #: Bhattacharya's draw (p exceeds the rows, and no coefficient is flat)
    bhattacharya: bool
    #: the weighted mean square of y (less the offset) about its mean: the scale of a first sigma
    mean_square: float

    @classmethod
    def from_model(cls, rm: RegressionModel, *, any_flat: bool = False) -> _Rows:
        X, y = rm.X_view, rm.y
        n, p = X.shape
        weight = np.ones(n) if rm.sample_weight is None else np.asarray(rm.sample_weight, dtype=float)
        keep = weight > 0
        offset = np.zeros(n) if rm.offset is None else np.asarray(rm.offset, dtype=float)
        X, y, offset, weight = X[keep], y[keep], offset[keep], weight[keep]
        sum_w = float(weight.sum())
        centre = float(weight @ (y - offset)) / sum_w if rm.fit_intercept else 0.0
        return cls(
            X=np.ascontiguousarray(X, dtype=float),
            y=np.ascontiguousarray(y, dtype=float),
            offset=np.ascontiguousarray(offset),
            weight=np.ascontiguousarray(weight),
            n_eff=sum_w - float(rm.fit_intercept),
            bhattacharya=p > X.shape[0] and not any_flat,
            mean_square=float(weight @ (y - offset - centre) ** 2) / sum_w,
        )


def _initial_state(plan: GibbsPlan, mean_square: float, p: int, rng: np.random.Generator):
    """A dispersed start: sigma from the data's spread (``mean_square``), the latent scales near their prior's
    centre, both jittered per chain so that r_hat can see chains that do not mix."""
    spread = np.sqrt(max(mean_square, 1e-300))
    if plan.sigma_kind == gk.SIGMA_FIXED:
        sigma2 = plan.sigma_scale**2
    else:
        sigma2 = (spread * np.exp(0.5 * rng.standard_normal())) ** 2
    local = np.ones((p, gk.N_LOCAL))
    glob = np.ones(gk.N_GLOBAL)
    jitter = np.exp(rng.standard_normal())
    if plan.kind == gk.PENALTY:
        local[:, 0] = np.maximum(plan.l1**2, 1e-300) * jitter
    elif plan.kind == gk.LASSO:
        lam2 = plan.hyper[0] ** 2 if plan.hyper[0] > 0 else plan.hyper[1] / plan.hyper[2] * jitter
        glob[0] = lam2
        local[:, 0] = lam2
    else:  # tau^2 at its prior's scale s^2 (the horseshoes' lambda_j^2 at 1, theirs)
        glob[0] = jitter * plan.hyper[0] ** 2
    return sigma2, local, glob


def _outputs(draws: int, p: int) -> dict:
    return {
        "beta": np.empty((draws, p)),
        "sigma": np.empty(draws),
        "intercept": np.zeros(draws),
        "local": np.empty((draws, p, gk.N_LOCAL)),
        "glob": np.empty((draws, gk.N_GLOBAL)),
        "accepted": np.empty(draws, dtype=np.bool_),
        "nu": np.empty(draws),
    }


def _sigma2_floor(mean_square: float) -> float:
    return SIGMA2_FLOOR * max(mean_square, np.finfo(float).tiny)


class _Stopped(Exception):
    """A chain asked to stop (the user pressed Ctrl-C while it ran in a worker thread)."""


class _Progress:
    """The sweeps done by every chain of one fit: one progress bar (rich's, as PyMC's) when shown, and the flag
    that stops the chains at their next piece. A chain reports after each piece of about 1/20 of its sweeps."""

    PIECES = 20

    def __init__(self, total: int, show: bool, label: str):
        self.stop = threading.Event()
        self._bar = None
        if show:
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn(label), BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn()
            )
            self._task = self._bar.add_task(label, total=total)

    def pieces(self, total: int) -> list[tuple[int, int]]:
        """``[first, last)`` sweep ranges of a chain of ``total`` sweeps, :attr:`PIECES` of them (a compiled piece
        cannot be interrupted; a call costs about 40 us)."""
        size = max(1, -(-total // self.PIECES))
        return [(first, min(first + size, total)) for first in range(0, total, size)] or [(0, 0)]

    def advance(self, sweeps: int) -> None:
        if self.stop.is_set():
            raise _Stopped
        if self._bar is not None:
            self._bar.update(self._task, advance=sweeps)

    def __enter__(self):
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.stop()
        return False


def _run_chain(
    plan: GibbsPlan, stats: _Statistics, fit_intercept: bool, draws: int, tune: int, seed, progress: _Progress
) -> dict:
    rng = np.random.default_rng(seed)
    p = stats.Xty.shape[0]
    mean_square = stats.yty / max(stats.sum_w, 1.0)
    sigma2, local, glob = _initial_state(plan, mean_square, p, rng)
    out = _outputs(draws, p)
    state, tuning, floor = np.array([sigma2]), gk.initial_tuning(), _sigma2_floor(mean_square)
    for first, last in progress.pieces(tune + draws * plan.thin):
        gk.gaussian_chain(
            plan.kind, plan.sigma_kind, stats.XtX, stats.Xty, stats.yty, stats.Xw, stats.yw, stats.n_eff,
            stats.sum_w, stats.x_mean, stats.y_mean, fit_intercept, plan.l1, plan.l2, plan.hyper, plan.sigma_scale,
            state, floor, local, glob, tuning, tune, plan.thin, first, last, rng, out["beta"], out["sigma"],
            out["intercept"], out["local"], out["glob"], out["accepted"],
        )  # fmt: skip
        progress.advance(last - first)
    return out


def _log_nu_target(log_nu: float, z2: np.ndarray, weight: np.ndarray, sum_w: float) -> float:
    """``log p(log nu | beta, b0, sigma, y)`` up to a constant, the Gamma weights integrated out: the Student-t
    densities of the standardized residuals ``z``, raised to their weights, times the ``Gamma(2, 0.1)`` prior
    (:data:`~bayesreg.likelihoods.student_t.NU_PRIOR`) and the Jacobian of ``log nu``."""
    nu = math.exp(log_nu)
    if not np.isfinite(nu) or nu <= 0.0:
        return -np.inf
    per_row = math.lgamma(0.5 * (nu + 1.0)) - math.lgamma(0.5 * nu) - 0.5 * math.log(nu)
    data = sum_w * per_row - 0.5 * (nu + 1.0) * float(weight @ np.log1p(z2 / nu))
    return data + (NU_PRIOR[0] - 1.0) * log_nu - NU_PRIOR[1] * nu + log_nu


def _run_augmented_chain(
    plan: GibbsPlan, rows: _Rows, fit_intercept: bool, draws: int, tune: int, seed, progress: _Progress
) -> dict:
    """A chain of an augmented likelihood: each sweep draws the Gaussian model given the latent weights
    (:func:`~bayesreg.inference.gibbs_kernels.augmented_sweep`, compiled), then the weights given the linear
    predictor in numpy: ``omega_i ~ Gamma(w_i (nu + 1) / 2, (nu + r_i^2 / sigma^2) / 2)`` for the Student-t
    (after ``nu`` by a random walk on its log with the weights integrated out, when it is learned), and
    ``omega_i ~ PG(w_i, eta_i)`` for the logit, whose pseudo-response is then ``kappa_i / omega_i`` with
    ``kappa_i = w_i (y_i - 1/2)``. A weight ``w_i`` raises a row's density to that power; both augmentations hold
    for any positive ``w_i``."""
    rng = np.random.default_rng(seed)
    X, weight = rows.X, rows.weight
    n, p = X.shape
    sigma2, local, glob = _initial_state(plan, rows.mean_square, p, rng)
    sigma2_floor = _sigma2_floor(rows.mean_square)
    tuning = gk.initial_tuning()
    out = _outputs(draws, p)
    eta = np.zeros(n)
    if plan.likelihood == LOGIT:
        from polyagamma import random_polyagamma

        kappa = weight * (rows.y - 0.5)
        omega = 0.25 * weight  # PG(w, 0)'s mean
        z = kappa / omega - rows.offset
    else:
        omega = weight.copy()
        z = rows.y - rows.offset
        sum_w = float(weight.sum())
        learned_nu = plan.nu == 0.0
        nu = NU_PRIOR[0] / NU_PRIOR[1] if learned_nu else plan.nu
        nu_step = 0.5
    total = tune + draws * plan.thin
    reports = {last - 1: last - first for first, last in progress.pieces(total)}
    for it in range(total):
        beta, intercept, sigma2, accepted = gk.augmented_sweep(
            it, tune, plan.kind, plan.sigma_kind, X, z, omega, rows.n_eff, fit_intercept, rows.bhattacharya,
            plan.l1, plan.l2, plan.hyper, plan.sigma_scale, sigma2, sigma2_floor, local, glob, tuning, rng, eta,
        )  # fmt: skip
        if plan.likelihood == LOGIT:
            random_polyagamma(weight, eta + rows.offset, out=omega, random_state=rng, disable_checks=True)
            np.maximum(omega, np.finfo(float).tiny, out=omega)
            np.divide(kappa, omega, out=z)
            z -= rows.offset
        else:
            z2 = (z - eta) ** 2 / sigma2
            if learned_nu:
                log_nu = math.log(nu)
                trial = log_nu + nu_step * rng.standard_normal()
                ratio = _log_nu_target(trial, z2, weight, sum_w) - _log_nu_target(log_nu, z2, weight, sum_w)
                moved = math.log(rng.random()) < ratio
                if moved:
                    nu = math.exp(trial)
                if it < tune:
                    nu_step *= math.exp(((1.0 if moved else 0.0) - 0.4) / math.sqrt(it + 1.0))
            omega = rng.gamma(0.5 * weight * (nu + 1.0), 2.0 / (nu + z2))
            np.maximum(omega, np.finfo(float).tiny, out=omega)
        if it >= tune and (it - tune) % plan.thin == plan.thin - 1:
            k = (it - tune) // plan.thin
            out["beta"][k] = beta
            out["sigma"][k] = math.sqrt(sigma2)
            out["intercept"][k] = intercept
            out["local"][k] = local
            out["glob"][k] = glob
            out["accepted"][k] = accepted
            if plan.likelihood == STUDENT_T:
                out["nu"][k] = nu
        if it in reports:
            progress.advance(reports[it])
    return out


def _draws(plan: GibbsPlan, chains: list[dict]) -> dict[str, np.ndarray]:
    """Every quantity a posterior variable can be, stacked (chain, draw, ...)."""
    beta = np.stack([c["beta"] for c in chains])
    sigma = np.stack([c["sigma"] for c in chains])
    local = np.stack([c["local"] for c in chains])
    glob = np.stack([c["glob"] for c in chains])
    out = {"beta": beta, "intercept": np.stack([c["intercept"] for c in chains]), "sigma": sigma}
    out["nu"] = np.stack([c["nu"] for c in chains])
    out["log_sigma"] = np.log(sigma)
    if plan.kind == gk.LASSO:
        lam = np.sqrt(glob[..., 0])
        out.update(lam2=glob[..., 0], lam=lam, z=beta * (lam / sigma)[..., None])
    elif plan.kind == gk.HIERARCHICAL_NORMAL:
        tau = np.sqrt(glob[..., 0])
        out.update(tau=tau, z=beta / (tau * sigma)[..., None])
    elif plan.kind in (gk.HORSESHOE, gk.HORSESHOE_PLUS):
        tau, lam = np.sqrt(glob[..., 0]), np.sqrt(local[..., 0])
        out.update(tau=tau, lam=lam, z=beta / (lam * (tau * sigma)[..., None]), eta=np.sqrt(local[..., 1]))
    return out


def default_cores(chains: int) -> int:
    """Chains run at once: one per core this process may use, at most one per chain."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(chains, available))


def sample_gibbs(
    rm: RegressionModel,
    plan: GibbsPlan,
    *,
    draws: int,
    tune: int,
    chains: int,
    cores: int | None = None,
    random_seed: int | None = None,
    progressbar: bool = False,
) -> tuple[dict[str, np.ndarray], dict]:
    """Run ``chains`` Gibbs chains of ``tune + draws`` sweeps (times the plan's thinning); returns the posterior
    (the model's variable names, arrays (chain, draw, ...)) and the sample stats (``sigma_accepted``,
    ``diverging``) with the timing. ``progressbar`` shows one bar for all chains. Ctrl-C stops every chain at the
    end of its current piece (1/20 of its sweeps) and raises KeyboardInterrupt."""
    flat = bool(np.any((plan.kind == gk.PENALTY) & (plan.l1 == 0.0) & (plan.l2 == 0.0)))
    if plan.likelihood == GAUSSIAN:
        data = _Statistics.from_model(rm, any_flat=flat)
        spread, run = data.yty, _run_chain
    else:
        data = _Rows.from_model(rm, any_flat=flat)
        spread, run = (data.mean_square if plan.likelihood == STUDENT_T else 1.0), _run_augmented_chain
    if plan.sigma_kind != gk.SIGMA_FIXED and not spread > 0:
        raise ValueError(
            "y: constant (after the offset, on the rows of positive weight): a learned sigma has an improper "
            "posterior at 0 (nothing varies for it to measure), so no sampler can draw it. Give a fixed sigma"
        )
    seeds = np.random.SeedSequence(random_seed).spawn(chains)
    workers = default_cores(chains) if cores is None else min(cores, chains)
    start = time.perf_counter()
    sweeps = tune + draws * plan.thin
    progress = _Progress(chains * sweeps, progressbar, f"Gibbs sampling {chains} chain{'s' * (chains > 1)}")
    chain = lambda seed: run(plan, data, rm.fit_intercept, draws, tune, seed, progress)  # noqa: E731
    try:
        # one BLAS thread per chain: the p > n draws call BLAS, and a threaded BLAS beside other chains (or other
        # work) oversubscribes the cores: measured 5-30x slower for one chain at n=80, p=200 on a busy machine
        with threadpool_limits(limits=1, user_api="blas"), progress:
            if workers == 1:
                results = [chain(seed) for seed in seeds]
            else:
                with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=GIBBS_THREADS) as pool:
                    futures = [pool.submit(chain, seed) for seed in seeds]
                    try:
                        results = [future.result() for future in futures]
                    except KeyboardInterrupt:
                        progress.stop.set()  # the running chains end at their next piece; the pool waits for them
                        raise
    except np.linalg.LinAlgError as error:
        raise np.linalg.LinAlgError(
            f"the Gibbs sampler met a covariance it could not factorize ({error}): the posterior reaches scales "
            "float64 cannot resolve, typically a learned sigma running to 0 on data the coefficients fit exactly "
            "(see the UserWarning about an improper posterior, if one was raised). Give sigma a fixed value, "
            "standardize X, or sample with method='nuts' to see the divergences"
        ) from error
    elapsed = time.perf_counter() - start
    values = _draws(plan, results)
    posterior = {name: values[key] for name, key in _name_map(rm, plan).items()}
    accepted = np.stack([c["accepted"] for c in results])
    sample_stats = {"sigma_accepted": accepted, "diverging": np.zeros_like(accepted)}
    return posterior, {"sample_stats": sample_stats, "sampling_time": elapsed, "cores": workers}
