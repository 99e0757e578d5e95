"""Timing ratios of bayesreg's exact MAP regularization paths against scikit-learn anchors.

Run from the repository root::

    .venv/bin/python benchmarks/bench_paths.py            # full run (~2-3 minutes on 2 cores)
    .venv/bin/python benchmarks/bench_paths.py --quick    # fewer repetitions
    .venv/bin/python benchmarks/bench_paths.py --json out.json --profile

Three problems on two data sets, 100 alphas each:

* lasso: ``bayesreg.map_path(penalty="lasso")`` vs ``sklearn.linear_model.lasso_path``;
* enet:  ``bayesreg.map_path(penalty="elasticnet", l1_ratio=0.5)`` vs ``enet_path(l1_ratio=0.5)``;
* ridge: ``bayesreg.map_path(penalty="ridge")`` vs closed-form solves (Gram matrix once, one
  ``scipy.linalg.solve(..., assume_a="pos")`` per alpha).

On diabetes, lasso and enet are also timed *as a user calls them*: ``map_path(X, y, n_alphas=100)`` (its own
grid; a second call, which reuses the compiled model of the first, as every call but a process's first of a
structure does) against ``lasso_path`` / ``enet_path(Xc, yc, alphas=100)`` (their own grid, the same one) at
the matched ``tol``. The first call (compiling, from PyTensor's and numba's disk caches) is reported apart.

scikit-learn runs on centred data (``map_path`` fits an intercept, the sklearn paths do not), with
the same alphas. bayesreg's solver is exact up to round-off, so sklearn is compared "at matched
accuracy": the first ``tol`` in (1e-8, 1e-10, 1e-12) whose path is within 1e-8 of bayesreg's
(max abs difference relative to max|coef|). Every time is the best of N repetitions measured
interleaved (all contenders of a problem in turn, rotating the order) in this one process, and
only ratios of times measured together are reported as results.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import scipy  # noqa: E402
import sklearn  # noqa: E402
from _common import cpu_busy, fmt_busy, git_revision, load_average, log_table  # noqa: E402
from scipy import linalg  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import enet_path, lasso_path  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import bayesreg  # noqa: E402
from bayesreg.conversions import weights_from_enet, weights_from_ridge  # noqa: E402
from bayesreg.likelihoods import Gaussian  # noqa: E402
from bayesreg.model import build_model  # noqa: E402
from bayesreg.optimize.map import OBJECTIVES, MapSolver, quadratic_map_path  # noqa: E402
from bayesreg.priors import prior_from_weights  # noqa: E402

N_ALPHAS = 100
SIGMA = 1.0
L1_RATIO = 0.5
DEFAULT_TOL = 1e-4  # scikit-learn's default
MATCH_TOLS = (1e-8, 1e-10, 1e-12)  # tried in this order
MATCH_TARGET = 1e-8  # max |sklearn - bayesreg| / max |bayesreg| to count as matched accuracy
MAX_ITER = 10**6
#: targets from the issue: solve-only time / sklearn (matched accuracy), for lasso and enet
TARGETS = {"diabetes": 1.0, "synthetic": 2.0}
#: and for map_path as a user calls it (second call onward, its own grid) / sklearn's path (its own grid)
TARGETS_AS_CALLED = {"diabetes": 1.0}


# --------------------------------------------------------------------------------------------
# data


def load_diabetes_std():
    X, y = bayesreg.datasets.load_diabetes()
    X = StandardScaler().fit_transform(X.to_numpy(dtype=float))
    return X, y.to_numpy(dtype=float)


def make_synthetic(n=2000, p=500, k=20, seed=0):
    """Standard normal design, ``k`` non-zero N(0, 2^2) coefficients at random positions, noise sd 1."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    coef = np.zeros(p)
    idx = rng.choice(p, size=k, replace=False)
    coef[idx] = rng.normal(0.0, 2.0, size=k)
    y = X @ coef + rng.standard_normal(n)
    return X, y


# --------------------------------------------------------------------------------------------
# contenders


def bayesreg_end_to_end(X, y, penalty, alphas):
    kwargs = {"l1_ratio": L1_RATIO} if penalty == "elasticnet" else {}
    _, coefs = bayesreg.map_path(X, y, penalty=penalty, alphas=alphas, sigma=SIGMA, **kwargs)
    return coefs


def bayesreg_as_called(X, y, penalty):
    """``map_path`` as a user calls it: its own grid of 100 alphas."""
    kwargs = {"l1_ratio": L1_RATIO} if penalty == "elasticnet" else {}
    return bayesreg.map_path(X, y, penalty=penalty, n_alphas=N_ALPHAS, sigma=SIGMA, **kwargs)[1]


def sklearn_as_called(Xc, yc, penalty, tol):
    """``lasso_path`` / ``enet_path`` with their own grid of 100 alphas (``alphas=100``)."""
    if penalty == "lasso":
        return lasso_path(Xc, yc, alphas=N_ALPHAS, tol=tol, max_iter=MAX_ITER)[1]
    return enet_path(Xc, yc, l1_ratio=L1_RATIO, alphas=N_ALPHAS, tol=tol, max_iter=MAX_ITER)[1]


def path_weights(penalty, alphas, n):
    if penalty == "ridge":
        return [weights_from_ridge(a, sigma=SIGMA) for a in alphas]
    rho = 1.0 if penalty == "lasso" else L1_RATIO
    return [weights_from_enet(a, rho, sigma=SIGMA, n_samples=n) for a in alphas]


class SolveOnly:
    """The path solve of ``map_path`` after the model is built and compiled.

    ``setup()`` (untimed) makes a fresh ``MapSolver`` -- it caches the Gram matrix, so a reused
    one would skip forming ``Q`` -- and ``run()`` (timed) is ``quadratic_map_path`` on it.
    """

    def __init__(self, X, y, penalty, alphas):
        self.weights = path_weights(penalty, alphas, X.shape[0])
        self.rm = build_model(X, y, prior_from_weights(self.weights[0]), likelihood=Gaussian(sigma=SIGMA))
        self.solver = None

    def setup(self):
        self.solver = MapSolver(self.rm)

    def run(self):
        return quadratic_map_path(self.solver, self.weights).coefs

    def breakdown(self, X, y, reps):
        """Where ``map_path``'s time goes: each stage timed separately, best of ``reps``.

        ``build``: ``build_model``; ``compile``: ``MapSolver(rm)`` (the compiled function of this structure from
        the pool, ``bayesreg.optimize.map.OBJECTIVES``, its data put in); then, on that fresh solver, the three
        stages of ``quadratic_map_path``:
        ``first_evaluate`` (first call of the compiled model, at zero), ``curvature`` (forming
        ``Q``; the first call computes the Gram matrix) and ``path_loop`` (``quadratic_map_path``
        on the now warm solver: one more, cheap, evaluation, the cached Q, and every alpha).
        """
        stages = {"build": [], "compile": [], "first_evaluate": [], "curvature": [], "path_loop": []}
        p = X.shape[1]
        for _ in range(reps):
            gc.collect()
            t0 = time.perf_counter()
            rm = build_model(X, y, prior_from_weights(self.weights[0]), likelihood=Gaussian(sigma=SIGMA))
            t1 = time.perf_counter()
            solver = MapSolver(rm)
            t2 = time.perf_counter()
            *_, w = solver.objective.evaluate(0.0, np.zeros(p), None)
            t3 = time.perf_counter()
            solver.curvature(w)
            t4 = time.perf_counter()
            quadratic_map_path(solver, self.weights)
            t5 = time.perf_counter()
            for key, dt in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
                stages[key].append(dt)
        return {key: min(ts) for key, ts in stages.items()}


def sklearn_path(Xc, yc, penalty, alphas, tol):
    """Coefficients (p, n_alphas) and the number of ConvergenceWarnings raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        if penalty == "lasso":
            _, coefs, _ = lasso_path(Xc, yc, alphas=alphas, tol=tol, max_iter=MAX_ITER)
        else:
            _, coefs, _ = enet_path(Xc, yc, l1_ratio=L1_RATIO, alphas=alphas, tol=tol, max_iter=MAX_ITER)
    n_warn = sum(issubclass(w.category, ConvergenceWarning) for w in caught)
    return coefs, n_warn


def ridge_closed_form(X, y, alphas):
    """Ridge path by direct solves: centre, Gram matrix once, one Cholesky solve per alpha."""
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    G = Xc.T @ Xc
    b = Xc.T @ yc
    eye = np.eye(X.shape[1])
    coefs = np.empty((X.shape[1], len(alphas)))
    for k, a in enumerate(alphas):
        coefs[:, k] = linalg.solve(G + a * eye, b, assume_a="pos")
    return coefs


# --------------------------------------------------------------------------------------------
# timing


def rel_diff(coefs, ref):
    return float(np.max(np.abs(coefs - ref)) / max(np.max(np.abs(ref)), np.finfo(float).tiny))


def timed(fn, setup=None):
    """Seconds of one ``fn()`` call, garbage collection off; ``setup()`` runs untimed first."""
    if setup is not None:
        setup()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0
    finally:
        if gc_was_enabled:
            gc.enable()


def best_of_interleaved(contenders: dict, reps: int) -> dict:
    """Best time of each contender over ``reps`` rounds; each round runs every contender once.

    ``contenders`` maps name -> (fn, setup or None). The order rotates from round to round so
    that no contender is always the one run right after another.
    """
    names = list(contenders)
    times = {name: [] for name in names}
    for r in range(reps):
        gc.collect()  # once per round (a full collection takes ~0.1 s with PyMC loaded)
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            fn, setup = contenders[name]
            times[name].append(timed(fn, setup))
    return {name: {"best": min(ts), "median": float(np.median(ts)), "all": ts} for name, ts in times.items()}


# --------------------------------------------------------------------------------------------
# one problem


def run_problem(name, X, y, penalty, reps, log, as_called=True):
    n = X.shape[0]
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    # the same alphas for bayesreg and the anchor: the grid sklearn itself would choose (for the
    # elastic net it starts at alpha_max / l1_ratio, where all coefficients are zero)
    alphas = bayesreg.alpha_grid(X, y, penalty=penalty, l1_ratio=L1_RATIO, n_alphas=N_ALPHAS)

    # warm up (the first call compiles: PyTensor and numba from their disk caches) and get the reference path;
    # the pool of compiled functions is emptied first, so that it is a first call even after another problem
    OBJECTIVES.clear()
    t0 = time.perf_counter()
    ref = bayesreg_end_to_end(X, y, penalty, alphas)
    first_call = time.perf_counter() - t0
    t0 = time.perf_counter()
    bayesreg_end_to_end(X, y, penalty, alphas)
    second_call = time.perf_counter() - t0
    solve_only = SolveOnly(X, y, penalty, alphas)
    solve_only.setup()
    solve_coefs = solve_only.run()
    consistency = rel_diff(solve_coefs, ref)

    result = {
        "problem": penalty,
        "n_samples": n,
        "n_features": X.shape[1],
        "n_alphas": len(alphas),
        "alpha_range": [float(alphas[0]), float(alphas[-1])],
        "first_map_path_call_s": first_call,
        "second_map_path_call_s": second_call,
        "solve_only_vs_map_path_diff": consistency,
        "nonzeros_at_smallest_alpha": int(np.count_nonzero(ref[:, -1])),
    }

    contenders = {
        "bayesreg_solve_only": (solve_only.run, solve_only.setup),
        "bayesreg_end_to_end": (lambda: bayesreg_end_to_end(X, y, penalty, alphas), None),
    }
    if penalty == "ridge":
        anchor_coefs = ridge_closed_form(X, y, alphas)  # warm-up
        result["anchor"] = "closed form (Gram once + scipy.linalg.solve per alpha)"
        result["anchor_tol"] = None
        result["agreement"] = rel_diff(anchor_coefs, ref)
        result["matched"] = result["agreement"] <= MATCH_TARGET
        contenders["anchor_matched"] = (lambda: ridge_closed_form(X, y, alphas), None)
    else:
        fn_name = "lasso_path" if penalty == "lasso" else "enet_path"
        result["anchor"] = f"sklearn {fn_name}"
        errors = {}
        warns = {}
        coefs_default, warns[DEFAULT_TOL] = sklearn_path(Xc, yc, penalty, alphas, DEFAULT_TOL)
        errors[DEFAULT_TOL] = rel_diff(coefs_default, ref)
        chosen = None
        for tol in MATCH_TOLS:
            coefs_tol, warns[tol] = sklearn_path(Xc, yc, penalty, alphas, tol)
            errors[tol] = rel_diff(coefs_tol, ref)
            if errors[tol] <= MATCH_TARGET:
                chosen = tol
                break
        matched = chosen is not None
        if chosen is None:
            chosen = MATCH_TOLS[-1]
            log(
                f"  WARNING: {name}/{penalty}: sklearn did not reach {MATCH_TARGET:g} relative error "
                f"at tol={chosen:g} (error {errors[chosen]:.2e}); using tol={chosen:g}"
            )
        result["anchor_tol"] = chosen
        result["matched"] = matched
        result["agreement"] = errors[chosen]
        result["agreement_default_tol"] = errors[DEFAULT_TOL]
        result["sklearn_error_by_tol"] = {f"{k:g}": v for k, v in errors.items()}
        result["sklearn_convergence_warnings_by_tol"] = {f"{k:g}": v for k, v in warns.items()}
        result["zero_pattern_equal"] = bool(np.array_equal(coefs_tol != 0, ref != 0))
        contenders["anchor_matched"] = (lambda: sklearn_path(Xc, yc, penalty, alphas, chosen), None)
        contenders["anchor_default_tol"] = (lambda: sklearn_path(Xc, yc, penalty, alphas, DEFAULT_TOL), None)
        if as_called:
            ours, theirs = bayesreg_as_called(X, y, penalty), sklearn_as_called(Xc, yc, penalty, chosen)
            result["agreement_as_called"] = rel_diff(theirs, ours)
            contenders["bayesreg_as_called"] = (lambda: bayesreg_as_called(X, y, penalty), None)
            contenders["anchor_as_called"] = (lambda: sklearn_as_called(Xc, yc, penalty, chosen), None)

    t0 = time.perf_counter()
    times = best_of_interleaved(contenders, reps)
    result["timing_wall_s"] = time.perf_counter() - t0
    result["reps"] = reps
    result["times"] = times
    best = {k: v["best"] for k, v in times.items()}
    result["breakdown_reps"] = min(reps, 5)
    result["breakdown"] = solve_only.breakdown(X, y, result["breakdown_reps"])
    result["ratio_solve_only"] = best["bayesreg_solve_only"] / best["anchor_matched"]
    result["ratio_end_to_end"] = best["bayesreg_end_to_end"] / best["anchor_matched"]
    if "anchor_default_tol" in best:
        result["ratio_solve_only_vs_default_tol"] = best["bayesreg_solve_only"] / best["anchor_default_tol"]
        result["ratio_end_to_end_vs_default_tol"] = best["bayesreg_end_to_end"] / best["anchor_default_tol"]
    if "anchor_as_called" in best:
        result["ratio_as_called"] = best["bayesreg_as_called"] / best["anchor_as_called"]
    return result


# --------------------------------------------------------------------------------------------
# output


def fmt_time(t):
    if t is None:
        return "-"
    return f"{t * 1e3:.1f} ms" if t < 1.0 else f"{t:.2f} s"


def best_of(result, contender):
    return result["times"][contender]["best"]


def print_table(dataset, shape, results, log):
    headers = [
        "problem",
        "solve-only",
        "end-to-end",
        "anchor (matched)",
        "tol",
        "solve/anchor",
        "e2e/anchor",
        "solve/sk-default",
        "agreement",
        "sk-default err",
    ]
    rows = []
    for r in results:
        best = {k: v["best"] for k, v in r["times"].items()}
        rows.append(
            [
                r["problem"],
                fmt_time(best["bayesreg_solve_only"]),
                fmt_time(best["bayesreg_end_to_end"]),
                fmt_time(best["anchor_matched"]),
                "closed" if r["anchor_tol"] is None else f"{r['anchor_tol']:g}" + ("" if r["matched"] else "!"),
                f"{r['ratio_solve_only']:.2f}x",
                f"{r['ratio_end_to_end']:.2f}x",
                f"{r['ratio_solve_only_vs_default_tol']:.2f}x" if "ratio_solve_only_vs_default_tol" in r else "-",
                f"{r['agreement']:.1e}",
                f"{r['agreement_default_tol']:.1e}" if "agreement_default_tol" in r else "-",
            ]
        )
    title = f"\n== {dataset} (X {shape[0]}x{shape[1]}, {N_ALPHAS} alphas, best of {results[0]['reps']}) =="
    log_table(log, title, headers, rows)
    for r in results:
        extra = []
        if "sklearn_error_by_tol" in r:
            errs = ", ".join(f"tol={k}: {v:.1e}" for k, v in r["sklearn_error_by_tol"].items())
            extra.append(f"sklearn error by tol [{errs}]")
            extra.append(f"same zero pattern: {r['zero_pattern_equal']}")
            n_warn = sum(r["sklearn_convergence_warnings_by_tol"].values())
            if n_warn:
                extra.append(f"{n_warn} ConvergenceWarning(s)")
        med = {k: v["median"] for k, v in r["times"].items()}
        extra.append(f"median solve/anchor {med['bayesreg_solve_only'] / med['anchor_matched']:.2f}x")
        extra.append(f"nnz at smallest alpha {r['nonzeros_at_smallest_alpha']}")
        if "ratio_as_called" in r:
            extra.append(
                f"as called (own grid, second call): map_path {fmt_time(best_of(r, 'bayesreg_as_called'))} / "
                f"sklearn {fmt_time(best_of(r, 'anchor_as_called'))} = {r['ratio_as_called']:.2f}x "
                f"(agreement {r['agreement_as_called']:.1e})"
            )
        first, second = fmt_time(r["first_map_path_call_s"]), fmt_time(r["second_map_path_call_s"])
        extra.append(f"map_path first call {first}, second {second}")
        parts = r["breakdown"]
        stages = ", ".join(f"{k} {fmt_time(v)}" for k, v in parts.items())
        extra.append(f"map_path stages (timed one by one, best of {r['breakdown_reps']}): {stages}")
        log(f"  {r['problem']}: " + "; ".join(extra))


def environment():
    info = {
        "git": git_revision(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "bayesreg": bayesreg.__version__,
    }
    try:
        import pymc
        import pytensor

        info["pymc"] = pymc.__version__
        info["pytensor"] = pytensor.__version__
    except Exception:  # pragma: no cover
        pass
    try:
        from threadpoolctl import threadpool_info

        info["blas"] = [
            f"{d.get('internal_api')} {d.get('version')} threads={d.get('num_threads')}" for d in threadpool_info()
        ]
    except Exception:  # pragma: no cover
        info["blas"] = []
    return info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (best of 5 / 2 instead of 20 / 5)")
    parser.add_argument("--json", metavar="PATH", help="also write all figures as JSON to PATH")
    parser.add_argument(
        "--threads",
        type=int,
        metavar="N",
        help="limit BLAS/OpenMP threads to N for the whole run (default: as configured)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="afterwards, cProfile one solve-only lasso path on the synthetic problem"
    )
    parser.add_argument(
        "--only", choices=("diabetes", "synthetic"), help="run the problems of one data set only (e.g. diabetes: 20 s)"
    )
    args = parser.parse_args(argv)
    if args.threads is not None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=args.threads):
            return run(args)
    return run(args)


def run(args):
    reps = {"diabetes": 5, "synthetic": 2} if args.quick else {"diabetes": 20, "synthetic": 5}

    def log(msg=""):
        print(msg, flush=True)

    env = environment()
    load_start = load_average()
    busy_start = cpu_busy()
    log("bayesreg MAP paths vs scikit-learn: timing ratios (same process, interleaved, best of N)")
    log(f"bayesreg {env['bayesreg']} at git {env['git']}")
    log(
        f"python {env['python']}  numpy {env['numpy']}  scipy {env['scipy']}  sklearn {env['sklearn']}  "
        f"pymc {env.get('pymc', '?')}  pytensor {env.get('pytensor', '?')}  cpus {env['cpu_count']}"
    )
    log(f"BLAS: {'; '.join(env['blas']) or 'unknown'}")
    log(f"load average at start (1/5/15 min): {load_start}; CPUs busy with other work: {fmt_busy(busy_start)}")
    if busy_start is not None and busy_start > 0.1:
        log("  NOTE: other processes are using the CPUs; times and ratios may be distorted (see README)")

    datasets = {
        "diabetes": load_diabetes_std(),
        "synthetic": make_synthetic(),
    }
    if args.only is not None:
        datasets = {args.only: datasets[args.only]}
    t_all = time.perf_counter()
    report = {
        "environment": env,
        "load_average_start": load_start,
        "cpu_busy_start": busy_start,
        "quick": args.quick,
        "threads": args.threads,
        "match_target": MATCH_TARGET,
        "targets": TARGETS,
        "datasets": {},
    }
    for dname, (X, y) in datasets.items():
        log(f"\n[{dname}] running lasso, enet, ridge ...")
        results = []
        for penalty in ("lasso", "elasticnet", "ridge"):
            r = run_problem(dname, X, y, penalty, reps[dname], log, as_called=dname in TARGETS_AS_CALLED)
            r["problem"] = {"elasticnet": "enet"}.get(penalty, penalty)
            log(f"  {r['problem']}: done in {r['timing_wall_s']:.1f} s")
            results.append(r)
        print_table(dname, X.shape, results, log)
        target = TARGETS[dname]
        for r in results:
            if r["problem"] in ("lasso", "enet"):
                ok = r["ratio_solve_only"] <= target
                r["target"] = target
                r["target_met"] = bool(ok)
                log(
                    f"  target {r['problem']:5s} solve-only <= {target:.1f}x sklearn (matched tol): "
                    f"{'PASS' if ok else 'MISS'} ({r['ratio_solve_only']:.2f}x)"
                )
            if "ratio_as_called" in r:
                target_as_called = TARGETS_AS_CALLED[dname]
                r["target_as_called"] = target_as_called
                r["target_as_called_met"] = bool(r["ratio_as_called"] <= target_as_called)
                log(
                    f"  target {r['problem']:5s} map_path as called (second call) <= {target_as_called:.1f}x sklearn "
                    f"(matched tol): {'PASS' if r['target_as_called_met'] else 'MISS'} ({r['ratio_as_called']:.2f}x)"
                )
        report["datasets"][dname] = {"shape": list(X.shape), "results": results}

    report["total_wall_s"] = time.perf_counter() - t_all
    load_end = load_average()
    busy_end = cpu_busy()
    report["load_average_end"] = load_end
    report["cpu_busy_end"] = busy_end
    log(
        f"\ntotal {report['total_wall_s']:.0f} s; load average at end: {load_end} (includes this run); "
        f"CPUs busy with other work at end: {fmt_busy(busy_end)}"
    )
    log("solve-only = quadratic_map_path on a fresh MapSolver (model built and compiled beforehand);")
    log(
        "end-to-end = map_path (validation, the solver with its compiled model from the pool, solve; a second "
        f"call); anchor = sklearn at the first tol within {MATCH_TARGET:g} of bayesreg, or closed form for ridge;"
    )
    log("agreement = max|anchor - bayesreg| / max|bayesreg| over the path ('!' after tol: target not reached).")

    if args.profile:
        report["profile"] = profile_synthetic_lasso(make_synthetic(), log)

    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=float))
        log(f"wrote {args.json}")
    return 0


def profile_synthetic_lasso(data, log, top=12):
    import cProfile
    import io
    import pstats

    X, y = data
    alphas = bayesreg.alpha_grid(X, y, penalty="lasso", n_alphas=N_ALPHAS)
    job = SolveOnly(X, y, "lasso", alphas)
    job.setup()
    job.run()  # warm
    job.setup()
    prof = cProfile.Profile()
    prof.enable()
    job.run()
    prof.disable()
    out = {}
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(key).print_stats(top)
        text = buf.getvalue()
        log(f"\n-- cProfile, solve-only lasso path on synthetic, sorted by {key} --")
        log(text[text.find("   ncalls") :].rstrip())
        out[key] = text
    return out


if __name__ == "__main__":
    raise SystemExit(main())
