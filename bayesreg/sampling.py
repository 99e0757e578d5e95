"""Sample the posterior of a built model with NUTS, and say plainly when the draws are not to be trusted."""

from __future__ import annotations

import importlib.util
import warnings
from dataclasses import dataclass

import arviz as az
import numpy as np
import pymc as pm

from bayesreg.model import RegressionModel

__all__ = [
    "NUTS_SAMPLERS",
    "SamplingWarning",
    "Diagnostics",
    "available_samplers",
    "choose_sampler",
    "sample_posterior",
    "diagnose",
]

NUTS_SAMPLERS = ("pymc", "nutpie")

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


def check_sampler(nuts_sampler) -> str | None:
    if nuts_sampler is None:
        return None
    if nuts_sampler not in NUTS_SAMPLERS:
        raise ValueError(f"nuts_sampler must be None or one of {NUTS_SAMPLERS}, got {nuts_sampler!r}")
    if nuts_sampler not in available_samplers():
        raise ValueError(f"nuts_sampler={nuts_sampler!r} is not installed (pip install {nuts_sampler})")
    return nuts_sampler


def choose_sampler(rm: RegressionModel, *, draws: int = 1000, tune: int = 1000, chains: int = 4) -> str:
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


def sample_posterior(
    rm: RegressionModel,
    *,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    cores: int | None = None,
    random_seed: int | None = None,
    nuts_sampler: str | None = None,
    target_accept: float | None = None,
    progressbar: bool = True,
    predictive: bool = True,
):
    """NUTS draws of the model's posterior, with the posterior predictive and the log likelihood.

    Returns an ArviZ ``DataTree`` with the groups ``posterior``, ``posterior_predictive``,
    ``log_likelihood``, ``sample_stats``, ``observed_data`` and ``constant_data``
    (``predictive=False`` leaves out the two computed after sampling, ``posterior_predictive``
    and ``log_likelihood``, for callers that only summarize the draws). The same
    ``random_seed`` gives identical draws. ``target_accept=None`` takes the prior's own
    recommendation (0.99 for the horseshoe, 0.8 for most).
    """
    sampler = nuts_sampler or choose_sampler(rm, draws=draws, tune=tune, chains=chains)
    if target_accept is None:
        target_accept = rm.prior.target_accept
    seeds = np.random.SeedSequence(random_seed).generate_state(2)
    kwargs = {}
    if sampler == "pymc":
        kwargs["cores"] = min(chains, 2) if cores is None else cores
    with rm.model:
        idata = pm.sample(
            draws=draws,
            tune=tune,
            chains=chains,
            random_seed=int(seeds[0]),
            nuts_sampler=sampler,
            target_accept=target_accept,
            progressbar=progressbar,
            compute_convergence_checks=False,
            **kwargs,
        )
        if predictive:
            pm.compute_log_likelihood(idata, extend_inferencedata=True, progressbar=False)
            pm.sample_posterior_predictive(
                idata, extend_inferencedata=True, random_seed=int(seeds[1]), progressbar=False
            )
    idata.attrs["nuts_sampler"] = sampler
    idata.attrs["target_accept"] = float(target_accept)
    return idata


@dataclass(frozen=True)
class Diagnostics:
    """Convergence summary of a posterior sample.

    Attributes
    ----------
    n_divergences : int
    max_rhat : float
        Largest rank-normalized split r_hat over the sampled parameters.
    min_ess_bulk, min_ess_tail : float
        Smallest bulk / tail effective sample size.
    n_draws : int
        Draws per chain times chains.
    problems : tuple of str
        One sentence each for what went wrong and what to try; empty when all is well.
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
        return not self.problems


def _minimum(dataset) -> float:
    values = [np.nanmin(np.asarray(var)) if np.size(var) else np.nan for var in dataset.data_vars.values()]
    values = [v for v in values if np.isfinite(v)]
    return float(min(values)) if values else float("nan")


def _maximum(dataset) -> float:
    values = [np.nanmax(np.asarray(var)) for var in dataset.data_vars.values() if np.size(var)]
    values = [v for v in values if np.isfinite(v)]
    return float(max(values)) if values else float("nan")


def diagnose(idata, var_names=None) -> Diagnostics:
    """Divergences, r_hat and ESS of ``var_names`` (default: every variable in the posterior)."""
    posterior = idata["posterior"]
    n_chains = posterior.sizes["chain"]
    n_draws = n_chains * posterior.sizes["draw"]
    if var_names is None:
        var_names = list(posterior.data_vars)
    divergences = int(idata["sample_stats"]["diverging"].sum()) if "diverging" in idata["sample_stats"] else 0
    max_rhat = _maximum(az.rhat(idata, var_names=var_names).to_dataset()) if n_chains > 1 else float("nan")
    ess_bulk = _minimum(az.ess(idata, var_names=var_names, method="bulk").to_dataset())
    ess_tail = _minimum(az.ess(idata, var_names=var_names, method="tail").to_dataset())
    problems = []
    target = idata.attrs.get("target_accept")
    if divergences:
        problems.append(
            f"{divergences} divergent transitions after tuning: the sampler could not follow the posterior's "
            f"curvature, so the draws may be biased. Try a higher target_accept (now {target}), e.g. 0.95 or 0.99, "
            "more tune steps, standardize=True, or a non-centred/regularized prior (e.g. RegularizedHorseshoe)."
        )
    if np.isfinite(max_rhat) and max_rhat > MAX_RHAT:
        problems.append(
            f"max r_hat is {max_rhat:.3f} > {MAX_RHAT}: the chains do not agree. Try more tune and draws, "
            "or check for multimodality (summary() shows which parameters)."
        )
    min_ess = min(ess_bulk, ess_tail)
    if np.isfinite(min_ess) and min_ess < MIN_ESS_PER_CHAIN * n_chains:
        problems.append(
            f"the smallest effective sample size is {min_ess:.0f} (bulk {ess_bulk:.0f}, tail {ess_tail:.0f}) for "
            f"{n_draws} draws, below {MIN_ESS_PER_CHAIN} per chain: means and intervals carry large Monte Carlo "
            "error. Try more draws, more tune, or a higher target_accept."
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


def warn_if_problems(diagnostics: Diagnostics, stacklevel: int = 3) -> None:
    for problem in diagnostics.problems:
        warnings.warn(problem, SamplingWarning, stacklevel=stacklevel)
