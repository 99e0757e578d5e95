"""Data larger than memory (issue 12, item 4; so far its first part): the sufficient-statistics pass over a zarr store
read through Dask, against a plain ``dask.array`` sum over the same store (the read rate: how close to I/O bound).

Writes a synthetic Gaussian problem (n x p float64, chunks of ``--rows-per-chunk`` rows) to ``--store`` unless it is
there, then times in fresh child processes, each with its peak resident memory: ``X.sum()`` over the store, and
``SufficientStats.from_data(X, y)`` over it. Run
``python benchmarks/bench_scale.py --n 10000000 --p 100 --store /tmp/bench_scale.zarr [--json PATH]`` (8 GB; the
default is n = 1,000,000, 800 MB).
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
import dask.array as da
store, what = sys.argv[1], sys.argv[2]
X = da.from_zarr(store, component="X")
y = da.from_zarr(store, component="y")
t0 = time.perf_counter()
if what == "sum":
    float(X.sum().compute())
else:
    from bayesreg.data.statistics import SufficientStats
    SufficientStats.from_data(X, y)
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_store(store: Path, n: int, p: int, rows_per_chunk: int) -> None:
    """X (n, p) standard normal plus column means far from 0, y = X beta + noise: written chunk by chunk."""
    import dask.array as da

    X = da.random.default_rng(0).standard_normal((n, p), chunks=(rows_per_chunk, p)) + 1e3
    beta = da.from_array(__import__("numpy").linspace(-1.0, 1.0, p))
    y = X @ beta + da.random.default_rng(1).standard_normal(n, chunks=rows_per_chunk)
    da.to_zarr(X, str(store), component="X", overwrite=True)
    da.to_zarr(y.rechunk(rows_per_chunk), str(store), component="y", overwrite=True)


def run_child(store: Path, what: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(store), what], capture_output=True, text=True, check=True, timeout=7200
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--p", type=int, default=100)
    parser.add_argument("--rows-per-chunk", type=int, default=100_000)
    parser.add_argument("--store", type=Path, default=Path("/tmp/bench_scale.zarr"))
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    if not (args.store / "X").exists():
        t0 = time.perf_counter()
        write_store(args.store, args.n, args.p, args.rows_per_chunk)
        print(f"wrote {args.store} ({args.n} x {args.p}) in {time.perf_counter() - t0:.1f} s")
    busy_before = cpu_busy()
    anchor = run_child(args.store, "sum")
    stats = run_child(args.store, "stats")
    busy_after = cpu_busy()
    gb = args.n * args.p * 8 / 1e9
    print(f"X: {args.n} x {args.p} float64 ({gb:.1f} GB) in {args.store}")
    rate = gb / anchor["seconds"]
    print(f"  anchor, X.sum(): {anchor['seconds']:.2f} s ({rate:.2f} GB/s), peak {anchor['peak_mb']:.0f} MB")
    print(
        f"  SufficientStats.from_data(X, y): {stats['seconds']:.2f} s ({stats['seconds'] / anchor['seconds']:.2f}x "
        f"the anchor), peak {stats['peak_mb']:.0f} MB"
    )
    report = {
        "n": args.n,
        "p": args.p,
        "rows_per_chunk": args.rows_per_chunk,
        "anchor_sum": anchor,
        "statistics": stats,
        "ratio": stats["seconds"] / anchor["seconds"],
    }
    return finish_report(report, busy_before, busy_after, args.json)


if __name__ == "__main__":
    main()
