"""Sample the posterior of a built model with NUTS, and say plainly when the draws are not to be trusted."""

from __future__ import annotations

import importlib.util
import logging
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import arviz as az
import numpy as np
import pymc as pm
import xarray as xr

from bayesreg._validation import check_count
from bayesreg._warnings import warn
from bayesreg.inference.gibbs_sampler import GibbsPlan, default_cores, gibbs_plan, sample_gibbs
from bayesreg.model import RegressionModel

__all__ = [
    "CHAINS",
    "DRAWS",
    "METHODS",
    "NUTS_SAMPLERS",
    "STORE_LIMIT",
    "TUNE",
    "check_run_length",
    "SamplingWarning",
    "Diagnostics",
    "available_samplers",
    "choose_sampler",
    "sample_posterior",
    "diagnose",
]

NUTS_SAMPLERS = ("pymc", "nutpie")
#: the samplers of the posterior: the fastest exact one for the model, a Gibbs kernel, NUTS
METHODS = ("sample", "gibbs", "nuts")
#: ``store_log_likelihood`` / ``store_predictive="auto"`` keep a per-observation group while it holds at most this
#: many values (chains x draws x n: 160 MB of float64)
STORE_LIMIT = 20_000_000

#: The NUTS settings every function and estimator defaults to (PyMC's own): draws kept per chain, tuning steps per
#: chain, chains.
DRAWS, TUNE, CHAINS = 1000, 1000, 4

#: nutpie is chosen when chains x (tune + draws) x free parameters reaches this. Measured
#: (2026-11-21, 2 cores, warm caches): nutpie costs about 4 s more per call than PyMC's NUTS (it
#: recompiles on every call) and is 4-9x faster per gradient, so it wins once PyMC's own sampling
#: would take more than about 5-10 s; on the 11-parameter diabetes lasso (4 x 2000 iterations,
#: 9e4 parameter-iterations) PyMC still had 1.7x nutpie's ESS per second.
NUTPIE_MIN_WORK = 500_000

#: Thresholds of the warnings (Vehtari et al. 2021: r_hat below 1.01 and a bulk / tail ESS of
#: at least 100 per chain before the estimates are reported).
MAX_RHAT = 1.01
MIN_ESS_PER_CHAIN = 100


class SamplingWarning(UserWarning):
    """The sampler reported a problem: divergences, r_hat above 1.01 or a low effective sample size."""


def available_samplers() -> tuple[str, ...]:
    """The NUTS implementations importable here, PyMC's own first."""
    return tuple(name for name in NUTS_SAMPLERS if name == "pymc" or importlib.util.find_spec(name) is not None)


def check_run_length(draws, tune, chains, *, names: tuple[str, str, str] = ("draws", "tune", "chains")):
    """``(draws, tune, chains)`` as ints: at least 1 draw, 0 tuning steps, 1 chain; errors name them by ``names``."""
    return (
        check_count(draws, names[0]),
        check_count(tune, names[1], minimum=0),
        check_count(chains, names[2]),
    )


def check_sampler(nuts_sampler) -> str | None:
    if nuts_sampler is None:
        return None
    if nuts_sampler not in NUTS_SAMPLERS:
        raise ValueError(f"nuts_sampler must be None or one of {NUTS_SAMPLERS}, got {nuts_sampler!r}")
    if nuts_sampler not in available_samplers():
        raise ValueError(f"nuts_sampler={nuts_sampler!r} is not installed (pip install {nuts_sampler})")
    return nuts_sampler


def choose_sampler(rm: RegressionModel, *, draws: int = DRAWS, tune: int = TUNE, chains: int = CHAINS) -> str:
    """The faster NUTS implementation for this model and run length.

    nutpie when it is installed, the run is long enough to pay for its per-call compilation
    (``chains * (tune + draws) * n_params >= NUTPIE_MIN_WORK``) and the prior is not one that needs
    a high ``target_accept`` (the horseshoes): on the horseshoe with n=100, p=300 nutpie's chains
    stuck (r_hat 1.5-3.6 at target_accept 0.95-0.99) where PyMC's sampled cleanly. Otherwise PyMC.
    """
    if "nutpie" not in available_samplers() or rm.prior.target_accept > 0.9:
        return "pymc"
    n_params = sum(int(np.size(value)) for value in rm.model.initial_point().values())
    return "nutpie" if chains * (tune + draws) * n_params >= NUTPIE_MIN_WORK else "pymc"


def check_method(method) -> str:
    """``method`` if it is one of :data:`METHODS`, else a ValueError naming it."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return method


def check_store(value, name: str):
    """``"auto"``, True or False, else a ValueError naming ``name``."""
    if isinstance(value, str) and value == "auto":
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise ValueError(f"{name} must be 'auto', True or False, got {value!r}")


def _stored(setting, chains: int, draws: int, n: int) -> bool:
    """Whether a per-observation group is kept: as asked, or (``"auto"``) while it holds at most
    :data:`STORE_LIMIT` values."""
    return setting if isinstance(setting, bool) else chains * draws * n <= STORE_LIMIT


@contextmanager
def _quiet_pymc(quiet: bool = True):
    """PyMC's log lines ("Initializing NUTS...", "Sampling: [y_obs]", "Only 5 samples per chain...") held back
    while ``quiet``: bayesreg reports what matters itself (progress bar, :class:`SamplingWarning`)."""
    logger = logging.getLogger("pymc")
    level = logger.level
    if quiet:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def sample_posterior(
    rm: RegressionModel,
    *,
    method: str = "sample",
    draws: int = DRAWS,
    tune: int = TUNE,
    chains: int = CHAINS,
    cores: int | None = None,
    random_seed: int | None = None,
    nuts_sampler: str | None = None,
    target_accept: float | None = None,
    progressbar: bool = True,
    store_log_likelihood="auto",
    store_predictive="auto",
):
    """Draws of the model's posterior by the fastest exact sampler, with the log likelihood and the posterior
    predictive when they are stored.

    Parameters
    ----------
    method : {"sample", "gibbs", "nuts"}
        ``"sample"``: a compiled Gibbs kernel when one samples this model exactly
        (:func:`bayesreg.inference.gibbs_sampler.gibbs_plan`: the Gaussian, Student-t or Bernoulli likelihood
        with a penalty prior, the Bayesian lasso, the hierarchical normal, the horseshoe or the horseshoe+), else
        NUTS. ``"gibbs"`` refuses
        (ValueError, saying why) a model without a kernel; ``"nuts"`` always takes NUTS.
    draws, tune, chains : int
        Draws kept per chain, tuning steps (NUTS) or burn-in sweeps (Gibbs) per chain, chains.
    cores : int or None
        Chains run at once; None: one per core available, at most one per chain.
    nuts_sampler, target_accept : NUTS only
        ``nuts_sampler=None`` picks PyMC's or nutpie (:func:`choose_sampler`); ``target_accept=None`` takes the
        prior's recommendation (0.99 for the horseshoes, 0.8 for most).
    progressbar : bool
        The progress bar: PyMC's for NUTS (its log lines off with False), one bar for all Gibbs chains (each
        reports after every twentieth of its sweeps).
    store_log_likelihood, store_predictive : {"auto", True, False}
        Keep the pointwise log likelihood (``log_likelihood``, for ``arviz.loo``) and draws of ``y`` at the
        observed rows (``posterior_predictive``); ``"auto"`` keeps each while it holds at most
        :data:`STORE_LIMIT` values (chains x draws x n), so a large ``n`` does not fill memory. A model written on
        summary rows (``rm.statistics``, data larger than memory) has neither: ``"auto"`` is False, True is refused.

    Returns
    -------
    DataTree
        ``posterior`` (the model's free and deterministic variables, its names, dims and coords),
        ``sample_stats``, ``observed_data``, ``constant_data`` and, when stored, ``log_likelihood`` and
        ``posterior_predictive``. ``attrs["sampler"]`` is ``"gibbs"`` or ``"nuts"`` and
        ``attrs["sampler_reason"]`` says why. The same ``random_seed`` gives identical draws.
    """
    method = check_method(method)
    store_log_likelihood = check_store(store_log_likelihood, "store_log_likelihood")
    store_predictive = check_store(store_predictive, "store_predictive")
    if rm.statistics is not None:
        for name, setting in (("store_log_likelihood", store_log_likelihood), ("store_predictive", store_predictive)):
            if setting is True:
                raise ValueError(
                    f"{name}=True: this model's rows summarize the data (its sufficient statistics), they are not "
                    "its observations, so there is no pointwise log likelihood or predictive at the observed rows; "
                    f"leave {name}='auto' (or False)"
                )
        store_log_likelihood = store_predictive = False
    plan = gibbs_plan(rm) if method != "nuts" else "method='nuts' was asked for"
    if method == "gibbs" and not isinstance(plan, GibbsPlan):
        raise ValueError(f"method='gibbs': {plan}; use method='sample' (NUTS where there is no kernel) or 'nuts'")
    if method == "sample" and isinstance(plan, GibbsPlan) and plan.slower_than_nuts:
        plan = plan.slower_than_nuts  # an exact kernel exists, but NUTS draws more effective samples per second
    seeds = np.random.SeedSequence(random_seed).generate_state(2)
    n = rm.X_view.shape[0]
    if isinstance(plan, GibbsPlan):
        idata = _sample_by_gibbs(rm, plan, draws, tune, chains, cores, int(seeds[0]), progressbar)
        reason = plan.reason
    else:
        idata = _sample_by_nuts(rm, draws, tune, chains, cores, int(seeds[0]), nuts_sampler, target_accept, progressbar)
        reason = plan
    with _quiet_pymc():
        keep_log_likelihood = _stored(store_log_likelihood, chains, draws, n)
        keep_predictive = _stored(store_predictive, chains, draws, n)
        _add_pointwise_groups(rm, idata, keep_log_likelihood, keep_predictive, int(seeds[1]))
    idata.attrs["sampler"] = "gibbs" if isinstance(plan, GibbsPlan) else "nuts"
    idata.attrs["sampler_reason"] = reason
    return idata


def _sample_by_nuts(rm, draws, tune, chains, cores, seed, nuts_sampler, target_accept, progressbar):
    sampler = nuts_sampler or choose_sampler(rm, draws=draws, tune=tune, chains=chains)
    if target_accept is None:
        target_accept = rm.prior.target_accept
    kwargs = {}
    if sampler == "pymc":
        kwargs["cores"] = default_cores(chains) if cores is None else cores
    with rm.model, _quiet_pymc(not progressbar):
        idata = pm.sample(
            draws=draws,
            tune=tune,
            chains=chains,
            random_seed=seed,
            nuts_sampler=sampler,
            target_accept=target_accept,
            progressbar=progressbar,
            compute_convergence_checks=False,
            **kwargs,
        )
    # PyMC catches Ctrl-C and returns the draws made so far: a cut-short posterior is not a result
    got = (idata["posterior"].sizes["chain"], idata["posterior"].sizes["draw"])
    if got != (chains, draws):
        raise KeyboardInterrupt(
            f"sampling was interrupted: {got[1]} of {draws} draws in {got[0]} of {chains} chains; nothing was kept"
        )
    idata.attrs["nuts_sampler"] = sampler
    idata.attrs["target_accept"] = float(target_accept)
    return idata


def _sample_by_gibbs(rm, plan, draws, tune, chains, cores, seed, progressbar):
    posterior, extra = sample_gibbs(
        rm, plan, draws=draws, tune=tune, chains=chains, cores=cores, random_seed=seed, progressbar=progressbar
    )
    model = rm.model
    coords = {"chain": np.arange(chains), "draw": np.arange(draws)}
    coords.update({name: np.asarray(values) for name, values in model.coords.items()})

    def dataset(values: dict, sample_dims: tuple[str, ...]):
        variables = {
            name: ((*sample_dims, *model.named_vars_to_dims.get(name, ())), value) for name, value in values.items()
        }
        used = {dim for dims, _ in variables.values() for dim in dims}
        return xr.Dataset(variables, coords={dim: coords[dim] for dim in used})

    # the model's arrays themselves (at large n a copy of X would double its memory): pm.set_data replaces them,
    # it does not write into them
    data = {v.name: v.get_value(borrow=True) for v in model.data_vars}
    observed, rows = data.pop("y"), rm.rows_dim
    sample_stats = dataset(extra["sample_stats"], ("chain", "draw"))
    sample_stats.attrs.update(sampling_time=extra["sampling_time"], tuning_steps=tune)
    idata = xr.DataTree.from_dict(
        {
            "posterior": dataset(posterior, ("chain", "draw")),
            "sample_stats": sample_stats,
            "observed_data": xr.Dataset({"y_obs": ((rows,), observed)}, coords={rows: coords[rows]}),
            # as pm.sample stores them: every pm.Data but the observed y
            "constant_data": dataset(data, ()),
        }
    )
    idata.attrs["gibbs_cores"] = extra["cores"]
    idata.attrs["gibbs_sweeps_per_draw"] = plan.thin
    return idata


def _linear_predictor(rm: RegressionModel, posterior) -> np.ndarray:
    """``eta`` of every draw at every observed row, (chain, draw, n)."""
    beta = np.asarray(posterior[rm.beta.name])
    eta = beta @ rm.X_view.T
    if rm.fit_intercept:
        eta += np.asarray(posterior[rm.intercept.name])[..., None]
    if rm.offset is not None:
        eta += rm.offset
    return eta


def _scale_draws(rm: RegressionModel, posterior) -> np.ndarray | float:
    """The likelihood's scale of every draw, (chain, draw, 1), or its fixed value."""
    if "sigma" in posterior and not rm.likelihood.fixed_sigma:
        return np.asarray(posterior["sigma"])[..., None]
    return rm.likelihood.sigma


def _add_pointwise_groups(rm: RegressionModel, idata, log_likelihood: bool, predictive: bool, seed: int) -> None:
    """The log likelihood and the posterior predictive at the observed rows: vectorized numpy when the likelihood
    has it (one linear predictor for both), else PyMC's (compiled) functions."""
    if not (log_likelihood or predictive):
        return
    if not _has_pointwise(rm):
        with rm.model, warnings.catch_warnings():
            if log_likelihood:
                pm.compute_log_likelihood(idata, extend_inferencedata=True, progressbar=False)
            # a likelihood whose draws come from numpy (the Poisson quasi-likelihood) runs in Numba's object
            # mode: correct, and not the user's concern
            warnings.filterwarnings("ignore", message="Numba will use object mode", category=UserWarning)
            if predictive:
                pm.sample_posterior_predictive(idata, extend_inferencedata=True, random_seed=seed, progressbar=False)
        return
    posterior = idata["posterior"]
    eta, scale = _linear_predictor(rm, posterior), _scale_draws(rm, posterior)
    # a learned Student-t nu, one per draw
    shape = {"nu": np.asarray(posterior["nu"])[..., None]} if "nu" in posterior else {}
    if log_likelihood:
        values = rm.likelihood.pointwise_log_density(rm.y, eta, scale, **shape)
        if rm.sample_weight is not None:
            values *= rm.sample_weight
        _add_group(idata, "log_likelihood", values, posterior)
    if predictive:
        _add_group(
            idata,
            "posterior_predictive",
            rm.likelihood.draw(eta, scale, np.random.default_rng(seed), **shape),
            posterior,
        )


def _has_pointwise(rm: RegressionModel) -> bool:
    """Whether the likelihood computes its log density and draws with numpy (vectorized, no compilation)."""
    return hasattr(rm.likelihood, "pointwise_log_density")


def _add_group(idata, group: str, values: np.ndarray, posterior) -> None:
    """Add ``group`` with the variable ``"y_obs"`` (chain, draw, obs_id)."""
    dataset = xr.Dataset(
        {"y_obs": (("chain", "draw", "obs_id"), values)},
        coords={
            "chain": posterior["chain"].values,
            "draw": posterior["draw"].values,
            "obs_id": np.arange(values.shape[-1]),
        },
    )
    idata[group] = xr.DataTree(dataset)


@dataclass(frozen=True)
class Diagnostics:
    """Convergence summary of a posterior sample.

    Attributes
    ----------
    n_divergences : int
        Divergent transitions after tuning, over all chains.
    max_rhat : float
        Largest rank-normalized split r_hat (ArviZ's ``rhat``, Vehtari et al. 2021) over the
        sampled parameters; NaN when it could not be computed for some parameter (fewer than 4
        draws per chain, or draws that are constant or not finite), which is then a problem.
        With one chain, ArviZ 1.x returns no r_hat (it needs two chains); here the chain's first
        and second halves are compared as two chains instead (ArviZ splits each again, so four
        quarters are compared). That checks that the chain is stationary, but no single chain
        can show that it found every mode: run several chains for that.
    min_ess_bulk, min_ess_tail : float
        Smallest bulk / tail effective sample size; NaN when it could not be computed for some
        parameter (a problem).
    n_chains : int
    n_draws : int
        Draws per chain times chains.
    problems : tuple of str
        One sentence each for what went wrong and what to try; empty when all is well. The
        thresholds: any divergence, r_hat above ``MAX_RHAT`` (1.01), bulk or tail ESS below
        ``MIN_ESS_PER_CHAIN`` (100) times the number of chains, and any r_hat or ESS that is
        NaN or infinite.
    """

    n_divergences: int
    max_rhat: float
    min_ess_bulk: float
    min_ess_tail: float
    n_chains: int
    n_draws: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when there is no problem."""
        return not self.problems


def _values(dataset) -> dict[str, np.ndarray]:
    """Each variable of an ArviZ result (DataTree or Dataset) as a float array."""
    if hasattr(dataset, "to_dataset"):
        dataset = dataset.to_dataset()
    return {str(name): np.asarray(var, dtype=float) for name, var in dataset.data_vars.items()}


def _extreme(values: dict[str, np.ndarray], reduce) -> tuple[float, list[str]]:
    """``reduce`` (np.max / np.min) over every entry, NaN if any entry is not finite; and the names of those."""
    bad = [name for name, v in values.items() if v.size and not np.all(np.isfinite(v))]
    entries = [v.reshape(-1) for v in values.values() if v.size]
    if bad or not entries:
        return float("nan"), bad
    return float(reduce(np.concatenate(entries))), bad


def _split_single_chain(posterior, var_names):
    """The one chain's first and second halves as two chains (draws of an odd count lose the middle one)."""
    half = posterior.sizes["draw"] // 2
    dataset = posterior.to_dataset()[var_names] if hasattr(posterior, "to_dataset") else posterior[var_names]
    first = dataset.isel(chain=[0], draw=slice(0, half))
    second = dataset.isel(chain=[0], draw=slice(posterior.sizes["draw"] - half, None))
    second = second.assign_coords(chain=[1], draw=first["draw"].values)
    first = first.assign_coords(chain=[0])
    return xr.concat([first, second], dim="chain")


def _divergence_advice(idata) -> str:
    """What to try against divergences, given the run's target_accept and whether X was standardized."""
    target = idata.attrs.get("target_accept")
    if not isinstance(target, int | float) or isinstance(target, bool):
        advice = ["a higher target_accept, e.g. 0.95 or 0.99"]
    elif target < 0.95:
        advice = [f"a higher target_accept (now {target:g}), e.g. 0.95 or 0.99"]
    elif target < 0.99:
        advice = [f"a higher target_accept (now {target:g}), e.g. 0.99"]
    else:
        advice = []  # already 0.99: a smaller step will not help, the geometry must change
    advice.append("more tune steps")
    standardized = idata.attrs.get("standardized")
    if standardized is None:
        advice.append("columns of comparable scale (standardize=True), if they are not already")
    elif not standardized:
        advice.append("standardize=True")
    advice.append("or a non-centred/regularized prior (e.g. RegularizedHorseshoe)")
    return ", ".join(advice)


def diagnose(idata, var_names=None) -> Diagnostics:
    """Divergences, r_hat and ESS of ``var_names`` (default: every variable in the posterior).

    Parameters
    ----------
    idata : DataTree
        With a ``posterior`` group (dims ``chain``, ``draw``) and, optionally, ``sample_stats``
        with ``diverging``. ``idata.attrs`` may hold ``target_accept`` and ``standardized``
        (whether the columns of X were standardized), which shape the advice.
    var_names : list of str, optional
        The variables to check.

    Returns
    -------
    Diagnostics
        Its ``problems`` name what happened and what to try; see :class:`Diagnostics` for the
        thresholds and for what r_hat means with one chain.
    """
    posterior = idata["posterior"]
    n_chains = int(posterior.sizes["chain"])
    n_per_chain = int(posterior.sizes["draw"])
    n_draws = n_chains * n_per_chain
    if var_names is None:
        var_names = list(posterior.data_vars)
    var_names = list(var_names)
    stats_group = idata["sample_stats"] if "sample_stats" in idata.children else None
    divergences = int(stats_group["diverging"].sum()) if stats_group is not None and "diverging" in stats_group else 0
    rhat_source = _split_single_chain(posterior, var_names) if n_chains == 1 else idata
    max_rhat, bad_rhat = _extreme(_values(az.rhat(rhat_source, var_names=var_names)), np.max)
    ess_bulk, bad_bulk = _extreme(_values(az.ess(idata, var_names=var_names, method="bulk")), np.min)
    ess_tail, bad_tail = _extreme(_values(az.ess(idata, var_names=var_names, method="tail")), np.min)
    problems = []
    if divergences:
        problems.append(
            f"{divergences} divergent transitions after tuning: the sampler could not follow the posterior's "
            f"curvature, so the draws may be biased. Try {_divergence_advice(idata)}."
        )
    if bad_rhat:
        which = "the two halves of the single chain" if n_chains == 1 else f"the {n_chains} chains"
        problems.append(
            f"r_hat could not be computed for {bad_rhat} ({n_per_chain} draws per chain; it is NaN with fewer "
            f"than {8 if n_chains == 1 else 4} draws per chain, or when draws are constant or not finite), so "
            f"nothing shows that {which} agree. Try more draws (several hundred per chain) and several chains."
        )
    elif max_rhat > MAX_RHAT:
        if n_chains == 1:
            what = "the first and second halves of the single chain do not agree (it has not settled)"
        else:
            what = "the chains do not agree"
        problems.append(
            f"max r_hat is {_above(max_rhat, MAX_RHAT)} > {MAX_RHAT}: {what}. Try more tune and draws, "
            "or check for multimodality (summary() shows which parameters)."
        )
    bad_ess = list(dict.fromkeys(bad_bulk + bad_tail))
    min_needed = MIN_ESS_PER_CHAIN * n_chains
    if bad_ess:
        problems.append(
            f"the effective sample size could not be computed for {bad_ess} ({n_per_chain} draws per chain; it "
            "is NaN with fewer than 4 draws per chain or with draws that are not finite), so the Monte Carlo "
            "error of means and intervals is unknown. Try more draws (several hundred per chain)."
        )
    else:
        min_ess = min(ess_bulk, ess_tail)
        if min_ess < min_needed:
            problems.append(
                f"the smallest effective sample size is {min_ess:.0f} (bulk {ess_bulk:.0f}, tail {ess_tail:.0f}) "
                f"for {n_draws} draws, below {MIN_ESS_PER_CHAIN} per chain ({min_needed} for {n_chains} "
                f"chain{'s' if n_chains > 1 else ''}): means and intervals carry large Monte Carlo error. Try more "
                + (
                    "draws or more tune."
                    if idata.attrs.get("sampler") == "gibbs"
                    else "draws, more tune, or a higher target_accept."
                )
            )
    return Diagnostics(
        n_divergences=divergences,
        max_rhat=max_rhat,
        min_ess_bulk=ess_bulk,
        min_ess_tail=ess_tail,
        n_chains=n_chains,
        n_draws=n_draws,
        problems=tuple(problems),
    )


def warn_if_problems(diagnostics: Diagnostics) -> None:
    """Raise each problem of ``diagnostics`` as a :class:`SamplingWarning` pointing at the caller outside bayesreg."""
    for problem in diagnostics.problems:
        warn(problem, SamplingWarning)


def _above(value: float, limit: float) -> str:
    """``value`` to 3 decimals, or with every digit when 3 decimals would not show it above ``limit``."""
    short = f"{value:.3f}"
    return short if float(short) > limit else f"{value:.17g}"
