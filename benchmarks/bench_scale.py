"""Data larger than memory (issue 12, item 4): fits on a zarr store read through Dask, against a plain
``dask.array`` sum over the same store (the read rate: how close to I/O bound), and the same fits in memory.

Writes a synthetic problem to ``--store`` unless it is there: ``X`` (n x p float64, columns of mean 1000 and sd 1,
chunks of ``--rows-per-chunk`` rows), a Gaussian ``y = (X - 1000) beta + noise`` and 0/1 ``labels`` drawn from a
logistic model on the same ``X``. Then, each in a fresh child process with its peak resident memory:

* ``sum``: ``X.sum()`` over the store (the anchor: one read of it), before and after ``stats`` (the faster of the
  two: a store that fits in the page cache is read faster once it is there);
* ``stats``: ``SufficientStats.from_data(X, y)`` (the one pass every Gaussian fit makes);
* ``path``: ``map_path(X, y, penalty="lasso", n_alphas=100)``: its pass (``summarize``) and everything after it (the
  same path on the summary rows, in the fresh process: what a first call pays), then the whole call again (the
  same path, checked);
* ``posterior``: ``BayesianRegression(BayesianLasso(), sigma=None, method="sample")`` (4 x 1000 draws after
  1000): likewise;
* ``memory``: the same path and posterior on the first ``--n-memory`` rows as numpy arrays;
* ``logistic``: ``map_path(X, labels, family="binomial")`` on the first ``--n-logistic`` rows from the store,
  counting the passes over them (each proximal Newton evaluation is one).

Run ``python benchmarks/bench_scale.py --n 10000000 --store /tmp/scale.zarr --json benchmarks/results/bench_scale.json``
(8 GB on disk; the default n = 1,000,000 is 800 MB).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from _common import cpu_busy, finish_report

CHILD = r"""
import json, resource, sys, time
import numpy as np
import dask.array as da
store, what, n_part, n_alphas = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
X = da.from_zarr(store, component="X")
y = da.from_zarr(store, component="y")
out = {}
t0 = time.perf_counter()
if what == "sum":
    float(X.sum().compute())
elif what == "stats":
    from bayesreg.data.statistics import SufficientStats
    SufficientStats.from_data(X, y)
elif what in ("path", "posterior", "memory"):
    import bayesreg as br
    from bayesreg.data.statistics import summarize
    from bayesreg.optimize.paths import map_path
    def posterior(X, y, sample_weight=None):
        est = br.BayesianRegression(br.BayesianLasso(), sigma=None, method="sample", random_seed=0, progressbar=False)
        est.fit(X, y, sample_weight=sample_weight)
        out["r_hat"] = float(est.diagnostics_.max_rhat)
        out["sampler"] = est.sampler_
        return est
    if what == "memory":
        X, y = np.asarray(X[:n_part]), np.asarray(y[:n_part])
        out["load_seconds"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        _, coefs, path = map_path(X, y, n_alphas=n_alphas, return_path=True)
        out["path_seconds"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        posterior(X, y)
        out["posterior_seconds"] = time.perf_counter() - t1
    elif what == "path":
        # the pass, then the rest (in this fresh process: what a first call pays), then the whole call again
        rows = summarize(X, y)
        out["pass_seconds"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        _, first = map_path(rows.X, rows.y, sample_weight=rows.sample_weight, n_alphas=n_alphas)
        out["after_pass_seconds"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        _, coefs, path = map_path(X, y, n_alphas=n_alphas, return_path=True)
        out["whole_again_seconds"] = time.perf_counter() - t1
        out["max_certificate"] = float(path.certificates.max())
        out["same_path"] = bool(np.array_equal(first, coefs))
        out["whole_seconds"] = out["pass_seconds"] + out["after_pass_seconds"]
    else:
        rows = summarize(X, y)
        out["pass_seconds"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        posterior(rows.X, rows.y, rows.sample_weight)
        out["after_pass_seconds"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        posterior(X, y)
        out["whole_again_seconds"] = time.perf_counter() - t1
        out["whole_seconds"] = out["pass_seconds"] + out["after_pass_seconds"]
elif what == "logistic":
    import bayesreg.optimize.chunked as chunked
    from bayesreg.optimize.paths import map_path
    evaluate = chunked._RowPasses.evaluate
    passes = []
    def counted(self, *args, **kwargs):
        passes.append(1)
        return evaluate(self, *args, **kwargs)
    chunked._RowPasses.evaluate = counted
    labels = da.from_zarr(store, component="labels")[:n_part]
    _, coefs, path = map_path(X[:n_part], labels, family="binomial", n_alphas=n_alphas, return_path=True)
    out["passes"] = len(passes) + 1  # and the statistics pass
    out["max_certificate"] = float(path.certificates.max())
    out["nonzero_at_end"] = int(np.count_nonzero(coefs[:, -1]))
out["seconds"] = time.perf_counter() - t0 if "whole_seconds" not in out else out["whole_seconds"]
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def write_store(store: Path, n: int, p: int, rows_per_chunk: int) -> None:
    """X (n, p) standard normal plus 1000, y = (X - 1000) beta + noise, labels ~ Bernoulli(expit((X - 1000) beta /
    3)): written chunk by chunk."""
    import dask.array as da
    import numpy as np

    noise = da.random.default_rng(0).standard_normal((n, p), chunks=(rows_per_chunk, p))
    beta = da.from_array(np.linspace(-1.0, 1.0, p) / np.sqrt(p / 10.0))
    signal = noise @ beta
    y = signal + da.random.default_rng(1).standard_normal(n, chunks=rows_per_chunk)
    prob = 1.0 / (1.0 + da.exp(-signal / 3.0))
    labels = (da.random.default_rng(2).random(n, chunks=rows_per_chunk) < prob).astype(float)
    da.to_zarr(noise + 1e3, str(store), component="X", overwrite=True)
    da.to_zarr(y.rechunk(rows_per_chunk), str(store), component="y", overwrite=True)
    da.to_zarr(labels.rechunk(rows_per_chunk), str(store), component="labels", overwrite=True)


def run_child(store: Path, what: str, n_part: int = 0, n_alphas: int = 100) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(store), what, str(n_part), str(n_alphas)],
        capture_output=True,
        text=True,
        timeout=7200,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the {what} child failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {what}: {json.dumps(result)}", flush=True)
    return result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--p", type=int, default=100)
    parser.add_argument("--rows-per-chunk", type=int, default=100_000)
    parser.add_argument("--n-memory", type=int, default=1_000_000, help="rows of the in-memory (numpy) fits")
    parser.add_argument("--n-logistic", type=int, default=1_000_000, help="rows of the logistic path from the store")
    parser.add_argument("--logistic-alphas", type=int, default=100)
    parser.add_argument("--store", type=Path, default=Path("/tmp/bench_scale.zarr"))
    parser.add_argument(
        "--only", nargs="*", help="run only these children (sum stats sum_again path posterior memory logistic)"
    )
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    if not (args.store / "labels").exists():
        t0 = time.perf_counter()
        write_store(args.store, args.n, args.p, args.rows_per_chunk)
        print(f"wrote {args.store} ({args.n} x {args.p}) in {time.perf_counter() - t0:.1f} s", flush=True)
    wanted = args.only or ["sum", "stats", "sum_again", "path", "posterior", "memory", "logistic"]
    busy_before = cpu_busy()
    runs = {}
    for what in wanted:
        n_part = {"memory": args.n_memory, "logistic": args.n_logistic}.get(what, 0)
        alphas = args.logistic_alphas if what == "logistic" else 100
        runs[what] = run_child(args.store, what.removesuffix("_again"), n_part, alphas)
    busy_after = cpu_busy()
    gb = args.n * args.p * 8 / 1e9
    print(f"X: {args.n} x {args.p} float64 ({gb:.1f} GB) in {args.store}")
    report = {"n": args.n, "p": args.p, "rows_per_chunk": args.rows_per_chunk, "gb": gb}
    if args.only and args.json and Path(args.json).exists():
        # a partial run updates the stored report: its other steps are kept, with the machine load of their run
        stored = json.loads(Path(args.json).read_text())
        if (stored["n"], stored["p"]) != (args.n, args.p):
            raise SystemExit(f"{args.json} holds n = {stored['n']}, p = {stored['p']}: run every step instead")
        kept = {key: value for key, value in stored.items() if isinstance(value, dict) and key not in runs}
        report["kept_from_earlier_run"] = {
            "steps": sorted(kept),
            "revision": stored.get("revision"),
            "cpu_busy": stored.get("cpu_busy_before"),
        }
        runs = {**kept, **runs}
    report.update(runs)
    if "sum" in runs:
        # the faster of the sums before and after the statistics pass: the page cache holds a store that fits in
        # memory after its first read, so the first read alone can be the slower one (cold disk)
        anchor = min(runs[key]["seconds"] for key in ("sum", "sum_again") if key in runs)
        report["anchor_seconds"] = anchor
        report["read_gb_per_second"] = gb / anchor
        for what in ("stats", "path", "posterior"):
            if what in runs:
                report[f"{what}_vs_sum"] = runs[what]["seconds"] / anchor
        print(f"  anchor X.sum(): {anchor:.1f} s ({gb / anchor:.2f} GB/s)")
    if "logistic" in runs:
        rows_gb = min(args.n_logistic, args.n) * args.p * 8 / 1e9
        report["logistic_seconds_per_pass"] = runs["logistic"]["seconds"] / runs["logistic"]["passes"]
        report["logistic_gb"] = rows_gb
    return finish_report(report, busy_before, busy_after, args.json)


if __name__ == "__main__":
    main()
