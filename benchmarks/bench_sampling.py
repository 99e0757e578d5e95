"""Effective samples per second of bayesreg's posterior samplers against a plain Gibbs sampler, and the posteriors
the issue of fast posteriors named: Bayesian lasso on diabetes, horseshoes at p > n, a large n.

Run from the repository root::

    .venv/bin/python benchmarks/bench_sampling.py              # full run (~1 minute on 2 cores)
    .venv/bin/python benchmarks/bench_sampling.py --repeats 2  # best of 2 for every time (~1.5 minutes)
    .venv/bin/python benchmarks/bench_sampling.py --quick      # small sizes, a smoke test (< 1 minute)

Park & Casella's (2008) Bayesian lasso on the diabetes data (``sklearn.datasets.load_diabetes(scaled=True)``:
centred columns of unit norm, as in the paper; y centred), in two settings: lambda fixed at 0.237, and
lambda^2 ~ Gamma(1, rate 1.78). Contenders:

* ``BayesianRegression(BayesianLasso(...), method="sample", ...).fit(X, y)``: bayesreg's default posterior
  sampler, its compiled Gibbs kernel (:mod:`bayesreg.inference.gibbs_kernels`), 4 chains x 1000 draws after 1000
  burn-in sweeps;
* ``BayesianRegression(BayesianLasso(...), method="nuts", ...).fit(X, y)`` with each NUTS sampler of
  ``bayesreg.inference.sampling.available_samplers()`` and with the default (``nuts_sampler=None``, resolved by
  ``bayesreg.inference.sampling.choose_sampler``);
* the anchor: the standard Gibbs sampler of Park & Casella, written below in plain numpy/scipy (independent of
  ``bayesreg.inference.gibbs`` on purpose).

The figure of merit is the smallest bulk ESS over the 10 coefficients (``arviz.ess(..., method="bulk")``, computed
the same way for both, on 4 chains each) divided by wall time. NUTS gets two times: the whole ``fit`` call (what a
user waits for: model build, PyTensor/numba compilation from a warm cache, tuning, draws, posterior predictive, log
likelihood, diagnostics) and the sampler alone (``sample_stats.attrs["sampling_time"]``: tuning + draws). Gibbs is
timed over burn-in + draws of all its chains, run one after another in this process. Only ratios of times measured
in the same run are results.

Two more sections (skipped with ``--lasso-only``):

* the horseshoe and the horseshoe+ on ``make_sparse_regression(n_samples=100, n_features=300, n_nonzero=5)``,
  ``method="sample"`` at the defaults (4 x 1000 draws after 1000): whole fit time, max r_hat, min bulk ESS,
  divergences, for two seeds;
* a Gaussian model with n = 100,000, p = 50 and a ``Normal(1.0)`` prior, sigma learned, ``method="sample"`` at the
  defaults, in a child process: whole fit time, sampling time, and the child's peak resident memory against its
  memory before the fit (imports and data loaded).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.linalg import solve_triangular

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import arviz as az  # noqa: E402
from _common import cpu_busy, fmt_busy, log_table  # noqa: E402
from sklearn.datasets import load_diabetes  # noqa: E402

import bayesreg  # noqa: E402
from bayesreg import BayesianLasso, BayesianRegression  # noqa: E402
from bayesreg.inference.sampling import available_samplers  # noqa: E402

LAM_FIXED = 0.237  # Park & Casella's marginal-likelihood lambda for the diabetes data
LAM2_PRIOR = (1.0, 1.78)  # their Gamma(shape r, rate delta) hyperprior on lambda^2
SETTINGS = {"lam=0.237": LAM_FIXED, "lam^2~Gamma(1,1.78)": None}
#: NUTS tune / draws per chain; Gibbs burn-in / draws per chain. PyMC needs ~200 tuning steps on this model: with
#: 100 its step size stays tiny and every draw hits the maximum tree depth (1023 leapfrog steps).
SIZES = {
    "full": {"tune": 1000, "draws": 1000, "burn": 500, "gibbs_draws": 5000},
    "quick": {"tune": 200, "draws": 100, "burn": 100, "gibbs_draws": 1000},
}
WARMUP = {"tune": 200, "draws": 20, "chains": 2}  # the untimed warm-up fits


# --------------------------------------------------------------------------------------------
# the anchor: Park & Casella's Gibbs sampler, plain numpy


def gibbs_lasso(Xc, yc, lam, n_burn, n_draws, rng, lam2_prior=LAM2_PRIOR):
    """Draws (n_draws, p) of beta from one Gibbs chain; ``lam=None`` samples lambda^2 ~ Gamma(r, rate delta)."""
    n, p = Xc.shape
    r, delta = lam2_prior
    XtX, Xty, yty = Xc.T @ Xc, Xc.T @ yc, yc @ yc
    beta = np.linalg.solve(XtX, Xty)  # start at least squares
    sigma2 = (yty - Xty @ beta) / (n - 1 - p)
    inv_tau2 = np.ones(p)
    lam2 = r / delta if lam is None else lam**2
    shape_sigma = 0.5 * (n - 1 + p)
    out = np.empty((n_draws, p))
    for it in range(n_burn + n_draws):
        # beta | . ~ N(A^-1 Xc'yc, sigma^2 A^-1), A = Xc'Xc + diag(1/tau^2) = L L':
        # beta = L'^-1 (L^-1 Xc'yc + sigma z)
        L = np.linalg.cholesky(XtX + np.diag(inv_tau2))
        w = solve_triangular(L, Xty, lower=True, check_finite=False)
        beta = solve_triangular(L.T, w + np.sqrt(sigma2) * rng.standard_normal(p), check_finite=False)
        # sigma^2 | . ~ InvGamma((n-1)/2 + p/2, (||yc - Xc beta||^2 + beta' diag(1/tau^2) beta) / 2)
        rss = yty - 2.0 * beta @ Xty + beta @ XtX @ beta
        sigma2 = 0.5 * (rss + (beta * beta) @ inv_tau2) / rng.standard_gamma(shape_sigma)
        # 1/tau_j^2 | . ~ InverseGaussian(mean sqrt(lam^2 sigma^2 / beta_j^2), shape lam^2); numpy's wald can
        # round to 0 when the mean is huge (beta_j ~ 0), so keep it positive
        inv_tau2 = np.maximum(rng.wald(np.sqrt(lam2 * sigma2) / np.abs(beta), lam2), 1e-300)
        if lam is None:  # lambda^2 | . ~ Gamma(p + r, rate sum(tau^2) / 2 + delta)
            lam2 = rng.standard_gamma(p + r) / (0.5 * np.sum(1.0 / inv_tau2) + delta)
        if it >= n_burn:
            out[it - n_burn] = beta
    return out


def run_gibbs(Xc, yc, lam, n_burn, n_draws, chains, seed):
    """(chains, draws, p) array; chains run one after another, independent streams from one SeedSequence."""
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(chains)]
    return np.stack([gibbs_lasso(Xc, yc, lam, n_burn, n_draws, rng) for rng in rngs])


# --------------------------------------------------------------------------------------------
# contenders


def min_bulk_ess(beta):
    """Smallest bulk ESS over the coefficients of a (chain, draw, feature) array."""
    return float(np.min(az.ess(np.asarray(beta), method="bulk")))


def fit_nuts(X, y, lam, sampler, tune, draws, chains, seed):
    """Time one ``fit``; returns the figures of the run. ``sampler="sample"`` is bayesreg's default posterior method
    (its Gibbs kernel here), any other a NUTS sampler (None: bayesreg's choice)."""
    method = "sample" if sampler == "sample" else "nuts"
    est = BayesianRegression(
        BayesianLasso(lam=lam, lam2_prior=LAM2_PRIOR),
        method=method,
        draws=draws,
        tune=tune,
        chains=chains,
        random_seed=seed,
        nuts_sampler=None if method == "sample" else sampler,
        progressbar=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SamplingWarnings are reported from est.diagnostics_
        gc.collect()
        t0 = time.perf_counter()
        est.fit(X, y)
        fit_time = time.perf_counter() - t0
    stats, posterior = est.idata_["sample_stats"], est.idata_["posterior"]
    # pymc stores the sampler's wall time on sample_stats, nutpie (through pymc) on posterior
    sampling_time = stats.attrs.get("sampling_time", posterior.attrs.get("sampling_time"))
    beta = np.asarray(posterior["beta"].transpose("chain", "draw", ...))
    return {
        "fit_time": fit_time,
        "sampling_time": None if sampling_time is None else float(sampling_time),
        "used": est.nuts_sampler_ or est.sampler_,
        "beta": beta,
        "leapfrog": float(np.mean(stats["n_steps"])) if "n_steps" in stats else float("nan"),
        "divergences": est.diagnostics_.n_divergences,
    }


def time_gibbs(Xc, yc, lam, burn, draws, chains, seed):
    gc.collect()
    t0 = time.perf_counter()
    beta = run_gibbs(Xc, yc, lam, burn, draws, chains, seed)
    return {"fit_time": time.perf_counter() - t0, "sampling_time": None, "used": "gibbs", "beta": beta}


def run_setting(X, y, lam, contenders, sizes, chains, repeats, seed, log):
    """Every contender ``repeats`` times in rotating order; the best time counts (the draws repeat exactly)."""
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    # untimed warm-up: PyTensor compile (then cached on disk) and numba's first compilations
    w = (WARMUP["tune"], WARMUP["draws"], WARMUP["chains"])
    warmed = {fit_nuts(X, y, lam, None, *w, seed)["used"]}  # the default path first
    for name in contenders:
        if name not in ("default", "numpy gibbs", *warmed):
            warmed.add(fit_nuts(X, y, lam, name, *w, seed)["used"])
    run_gibbs(Xc, yc, lam, 10, 100, 1, seed)
    runs = {name: [] for name in contenders}
    for rep in range(repeats):
        shift = rep % len(contenders)
        for name in contenders[shift:] + contenders[:shift]:
            if name == "numpy gibbs":
                res = time_gibbs(Xc, yc, lam, sizes["burn"], sizes["gibbs_draws"], chains, seed)
            else:
                sampler = None if name == "default" else name
                res = fit_nuts(X, y, lam, sampler, sizes["tune"], sizes["draws"], chains, seed)
            runs[name].append(res)
            log(f"    {name}: fit {res['fit_time']:.2f} s")
    results = {}
    for name, rs in runs.items():
        best = dict(rs[0])
        best["fit_time"] = min(r["fit_time"] for r in rs)
        if best["sampling_time"] is not None:
            best["sampling_time"] = min(r["sampling_time"] for r in rs)
        best["reproducible"] = all(np.array_equal(r["beta"], rs[0]["beta"]) for r in rs)
        best["min_ess"] = min_bulk_ess(best["beta"])
        best["n_draws"] = best["beta"].shape[0] * best["beta"].shape[1]
        best["mean"] = best["beta"].reshape(-1, best["beta"].shape[2]).mean(axis=0)
        best["sd"] = best["beta"].reshape(-1, best["beta"].shape[2]).std(axis=0)
        del best["beta"]
        results[name] = best
    return results


# --------------------------------------------------------------------------------------------
# output


def fmt_ratio(x):
    return "-" if x is None else f"{x:.3f}x" if x < 0.1 else f"{x:.2f}x"


def table_rows(results, sizes, chains):
    g = results["numpy gibbs"]
    g_rate = g["min_ess"] / g["fit_time"]
    rows = []
    for name, r in results.items():
        rate_fit = r["min_ess"] / r["fit_time"]
        rate_smp = None if r["sampling_time"] is None else r["min_ess"] / r["sampling_time"]
        if name == "numpy gibbs":
            label = "numpy gibbs (anchor)"
            draws = f"{chains}x{sizes['gibbs_draws']} (+{sizes['burn']} burn)"
        else:
            label = {"default": "nuts, default -> " + str(r["used"]), "sample": "method='sample' -> " + r["used"]}.get(
                name, f"nuts {name}"
            )
            draws = f"{chains}x{sizes['draws']} (+{sizes['tune']} tune)"
        rows.append(
            [
                label,
                draws,
                f"{r['fit_time']:.2f} s",
                "-" if r["sampling_time"] is None else f"{r['sampling_time']:.2f} s",
                f"{r['min_ess']:.0f}",
                f"{r['min_ess'] / r['n_draws']:.2f}",
                f"{rate_fit:.0f}",
                "-" if rate_smp is None else f"{rate_smp:.0f}",
                fmt_ratio(rate_fit / g_rate),
                fmt_ratio(None if rate_smp is None else rate_smp / g_rate),
                "-" if np.isnan(r.get("leapfrog", np.nan)) else f"{r['leapfrog']:.1f}",
                str(r.get("divergences", "-")),
            ]
        )
        r["ess_per_s_fit"] = rate_fit
        r["ess_per_s_sampling"] = rate_smp
        r["ratio_fit"] = rate_fit / g_rate
        r["ratio_sampling"] = None if rate_smp is None else rate_smp / g_rate
    return rows


HEADERS = [
    "sampler",
    "draws",
    "fit time",
    "sampling",
    "min ESS",
    "ESS/draw",
    "ESS/s fit",
    "ESS/s smp",
    "fit vs gibbs",
    "smp vs gibbs",
    "leapfrog",
    "div",
]


def print_table(title, rows, log):
    log_table(log, f"\n== {title} ==", HEADERS, rows, n_left=2)


# --------------------------------------------------------------------------------------------
# horseshoes at p > n, and a large n


def run_horseshoes(seeds, log, quick=False):
    """``method="sample"`` on n=100, p=300 (5 non-zeros) for the horseshoe and the horseshoe+, at the defaults."""
    from bayesreg import Horseshoe, HorseshoePlus
    from bayesreg.data.datasets import make_sparse_regression

    X, y, _ = make_sparse_regression(n_samples=100, n_features=300, n_nonzero=5, random_state=0)
    size = {"draws": 100, "tune": 100} if quick else {}
    out = {}
    for prior in (Horseshoe(), HorseshoePlus()):
        for seed in seeds:
            est = BayesianRegression(prior, method="sample", random_seed=seed, progressbar=False, **size)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                gc.collect()
                t0 = time.perf_counter()
                est.fit(X, y)
                fit_time = time.perf_counter() - t0
            d = est.diagnostics_
            key = f"{type(prior).__name__} seed {seed}"
            out[key] = {
                "fit_time": fit_time,
                "sampling_time": float(est.idata_["sample_stats"].attrs["sampling_time"]),
                "sampler": est.sampler_,
                "max_rhat": d.max_rhat,
                "min_ess_bulk": d.min_ess_bulk,
                "min_ess_tail": d.min_ess_tail,
                "divergences": d.n_divergences,
            }
            log(
                f"  {key}: {est.sampler_}, fit {fit_time:.2f} s (sampling {out[key]['sampling_time']:.2f} s), "
                f"max r_hat {d.max_rhat:.3f}, min ESS bulk {d.min_ess_bulk:.0f} / tail {d.min_ess_tail:.0f}, "
                f"divergences {d.n_divergences}"
            )
    return out


def large_n_child(n, p):
    """In a fresh process: the whole fit of a Normal-prior Gaussian model, its time and peak memory (JSON)."""
    import resource

    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    # compile / load the kernel first (cached by numba on disk), outside the measured fit
    BayesianRegression(bayesreg.Normal(1.0), method="sample", draws=5, tune=5, progressbar=False).fit(X[:200], y[:200])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    est = BayesianRegression(bayesreg.Normal(1.0), method="sample", random_seed=1, progressbar=False).fit(X, y)
    fit_time = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "n": n,
        "p": p,
        "fit_time": fit_time,
        "sampling_time": float(est.idata_["sample_stats"].attrs["sampling_time"]),
        "sampler": est.sampler_,
        "rss_before_mb": before,
        "rss_peak_mb": peak,
        "groups": sorted(est.idata_.children),
        "max_rhat": est.diagnostics_.max_rhat,
        "min_ess_bulk": est.diagnostics_.min_ess_bulk,
    }
    print(json.dumps(report))


def run_large_n(n, p, log):
    import subprocess

    cmd = [sys.executable, __file__, "--large-n-child", str(n), str(p)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    log(
        f"  n={n}, p={p}: {report['sampler']}, fit {report['fit_time']:.2f} s (sampling {report['sampling_time']:.2f} "
        f"s), peak memory {report['rss_peak_mb']:.0f} MB ({report['rss_before_mb']:.0f} MB before the fit: imports "
        f"and data; the fit added {report['rss_peak_mb'] - report['rss_before_mb']:.0f} MB), groups "
        f"{report['groups']}, max r_hat {report['max_rhat']:.3f}, min ESS bulk {report['min_ess_bulk']:.0f}"
    )
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test, under a minute)")
    parser.add_argument("--draws", type=int, metavar="N", help="NUTS draws per chain (default 1000; --quick 100)")
    parser.add_argument("--tune", type=int, metavar="N", help="NUTS tuning steps per chain (default 1000; --quick 200)")
    parser.add_argument(
        "--gibbs-draws", type=int, metavar="N", help="Gibbs draws per chain after burn-in (default 5000; --quick 1000)"
    )
    parser.add_argument("--burn", type=int, metavar="N", help="Gibbs burn-in per chain (default 500; --quick 100)")
    parser.add_argument("--chains", type=int, default=4, help="chains for every sampler (default 4)")
    parser.add_argument("--repeats", type=int, default=1, help="time each contender N times, keep the best (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of every run (default 0)")
    parser.add_argument("--json", metavar="PATH", help="also write all figures as JSON to PATH")
    parser.add_argument("--lasso-only", action="store_true", help="skip the horseshoe and large-n sections")
    parser.add_argument("--large-n-child", nargs=2, type=int, metavar=("N", "P"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.large_n_child:
        large_n_child(*args.large_n_child)
        return 0

    sizes = dict(SIZES["quick" if args.quick else "full"])
    for key, value in (("draws", args.draws), ("tune", args.tune), ("gibbs_draws", args.gibbs_draws)):
        if value is not None:
            sizes[key] = value
    if args.burn is not None:
        sizes["burn"] = args.burn
    logging.getLogger("pymc").setLevel(logging.ERROR)

    def log(msg=""):
        print(msg, flush=True)

    import pymc
    import pytensor

    samplers = available_samplers()
    versions = f"bayesreg {bayesreg.__version__}  pymc {pymc.__version__}  pytensor {pytensor.__version__}  "
    versions += f"arviz {az.__version__}  numpy {np.__version__}"
    if "nutpie" in samplers:
        import nutpie

        versions += f"  nutpie {nutpie.__version__}"
    busy_start = cpu_busy()
    log("Bayesian lasso (Park & Casella 2008) on diabetes: min bulk ESS over the 10 coefficients per second")
    log(f"{versions}  python {platform.python_version()}  cpus {os.cpu_count()}")
    log(f"NUTS samplers available: {', '.join(samplers)}; CPUs busy with other work at start: {fmt_busy(busy_start)}")
    if busy_start is not None and busy_start > 0.1:
        log("  NOTE: other processes are using the CPUs; times and ratios may be distorted")
    log(
        f"warm-up: one untimed small fit ({WARMUP['chains']} chains x {WARMUP['tune']} tune + {WARMUP['draws']} draws) "
        "per sampler and setting before timing, so the first-compile cost is not measured (the timed fits still "
        "compile from the warm cache)"
    )

    X, y = load_diabetes(return_X_y=True, scaled=True)
    y = y - y.mean()
    contenders = ["sample", "default", *samplers, "numpy gibbs"]
    report = {"sizes": sizes, "chains": args.chains, "repeats": args.repeats, "seed": args.seed, "settings": {}}
    t_all = time.perf_counter()
    for title, lam in SETTINGS.items():
        log(f"\n[{title}] warm-up, then {args.repeats} timed round(s) ...")
        results = run_setting(X, y, lam, contenders, sizes, args.chains, args.repeats, args.seed, log)
        rows = table_rows(results, sizes, args.chains)
        print_table(f"{title} (X {X.shape[0]}x{X.shape[1]}, {args.chains} chains, best of {args.repeats})", rows, log)
        g = results["numpy gibbs"]
        log(
            f"  numpy gibbs: {1e6 * g['fit_time'] / (args.chains * (sizes['burn'] + sizes['gibbs_draws'])):.0f} us per "
            "sweep (one process, chains one after another)"
        )
        for name, r in results.items():
            if name == "numpy gibbs":
                continue
            dev = np.max(np.abs(r["mean"] - g["mean"]) / g["sd"])
            smp = r["sampling_time"]
            if smp is None:
                timing = "no sampling_time recorded; "
            else:
                per_it = smp / (args.chains * (sizes["tune"] + sizes["draws"]))
                overhead = r["fit_time"] - smp
                timing = f"{1e3 * per_it:.2f} ms wall per iteration, fit overhead beyond sampling {overhead:.2f} s; "
            steps = "" if np.isnan(r["leapfrog"]) else f"{r['leapfrog']:.1f} leapfrog steps per draw, "
            log(
                f"  {name}: {steps}{timing}"
                f"max |mean - gibbs mean| / gibbs sd = {dev:.2f}"
                + ("" if r["reproducible"] else "; WARNING: repeats gave different draws")
            )
        report["settings"][title] = {
            name: {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in r.items()}
            for name, r in results.items()
        }
    if not args.lasso_only:
        log("\n== horseshoe and horseshoe+, n=100, p=300, 5 non-zeros, method='sample' at the defaults ==")
        report["horseshoes"] = run_horseshoes((1, 2), log, quick=args.quick)
        log("\n== Gaussian model, Normal(1.0) prior, sigma learned, method='sample' at the defaults (child process) ==")
        report["large_n"] = run_large_n(10_000 if args.quick else 100_000, 50, log)
    busy_end = cpu_busy()
    log(
        f"\ntotal {time.perf_counter() - t_all:.0f} s; CPUs busy with other work at end: {fmt_busy(busy_end)}\n"
        "fit = the whole BayesianRegression.fit call; sampling = sample_stats.attrs['sampling_time'] (tune + draws;\n"
        "pymc: including starting its worker processes, nutpie: excluding its numba compilation);\n"
        "ESS/s = min bulk ESS / time; 'vs gibbs' = ESS/s over the Gibbs anchor's ESS/s (> 1: better than Gibbs);\n"
        "leapfrog = mean NUTS steps per draw; div = divergences. pymc runs its chains in up to 2 processes, nutpie\n"
        "in threads, Gibbs in this one process. ESS of a single seed carries Monte Carlo noise of ~10%."
    )
    if args.json:
        report["busy_start"], report["busy_end"] = busy_start, busy_end
        Path(args.json).write_text(json.dumps(report, indent=2, default=float))
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
