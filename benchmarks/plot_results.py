"""Draw the benchmark figures of the README from the JSON the benchmark scripts write.

    .venv/bin/python benchmarks/bench_paths.py --json benchmarks/results/bench_paths.json
    .venv/bin/python benchmarks/bench_sampling.py --json benchmarks/results/bench_sampling.json
    .venv/bin/python benchmarks/plot_results.py [--results benchmarks/results] [--out docs/figures]

Every bar is a ratio measured in one run against the anchor of that run (scikit-learn for the
MAP paths, a numpy Gibbs sampler for the posterior), never a bare time.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PATHS_FIGURE = "bench_paths.png"
SAMPLING_FIGURE = "bench_sampling.png"


def plot_paths(report: dict, ax=None):
    """bayesreg time / scikit-learn time (matched accuracy) per problem, end to end (what a user waits for: build,
    compile from the cache, solve) beside solve only; the solve-only targets as ticks."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 3.6))
    labels, end_to_end, solve, targets = [], [], [], []
    n_alphas = set()
    for dataset, entry in report["datasets"].items():
        for result in entry["results"]:
            labels.append(f"{dataset}\n{result['problem']}" + ("" if result["matched"] else "\n(unmatched)"))
            end_to_end.append(result["ratio_end_to_end"])
            solve.append(result["ratio_solve_only"])
            targets.append(np.nan if result.get("target") is None else result["target"])
            n_alphas.add(result["n_alphas"])
    x = np.arange(len(labels))
    width = 0.4
    ax.bar(x - width / 2, end_to_end, width, color="C0", label="end to end")
    ax.bar(x + width / 2, solve, width, color="C2", hatch="//", label="solve only")
    ax.scatter(x + width / 2, targets, marker="_", s=300, color="black", zorder=3, label="target (solve only)")
    ax.axhline(1.0, color="0.5", lw=0.8, ls="--")
    for xi, e, r in zip(x, end_to_end, solve, strict=True):
        ax.annotate(f"{e:.2f}x", (xi - width / 2, e), ha="center", va="bottom", fontsize=7)
        ax.annotate(f"{r:.2f}x", (xi + width / 2, r), ha="center", va="bottom", fontsize=7)
    ax.set_yscale("log")
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_ylabel("bayesreg / scikit-learn time")
    alphas = ", ".join(str(k) for k in sorted(n_alphas))
    ax.set_title(f"Exact MAP paths ({alphas} alphas) vs scikit-learn at matched accuracy (lower is better)", fontsize=9)
    ax.legend(fontsize=7)
    return ax


def plot_sampling(report: dict, ax=None):
    """ESS/s relative to the Gibbs sampler, per sampler and setting, for the whole fit and for sampling only."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 3.6))
    settings = report["settings"]
    samplers = [name for name in next(iter(settings.values())) if name not in ("gibbs", "numpy gibbs")]
    width = 0.8 / (2 * len(samplers))
    x = np.arange(len(settings))
    for i, name in enumerate(samplers):
        for j, (key, hatch) in enumerate((("ratio_fit", None), ("ratio_sampling", "//"))):
            values = [settings[s][name].get(key) for s in settings]
            values = [np.nan if v is None else v for v in values]
            shown = {"sample": "method='sample' (Gibbs kernel)", "default": "NUTS, default"}.get(name, f"NUTS {name}")
            label = f"{shown} ({'whole fit' if key == 'ratio_fit' else 'sampling only'})"
            offset = (2 * i + j - len(samplers) + 0.5) * width
            ax.bar(x + offset, values, width, color=f"C{i}", hatch=hatch, alpha=0.9, label=label)
    ax.axhline(1.0, color="black", lw=1.0, ls="--", label="numpy Gibbs (anchor) = 1")
    ax.set_yscale("log")
    ax.set_xticks(x, list(settings), fontsize=8)
    ax.set_ylabel("min ESS/s relative to Gibbs")
    ax.set_title(
        "Bayesian lasso on diabetes: bayesreg's samplers vs a numpy Gibbs sampler (higher is better)", fontsize=9
    )
    ax.legend(fontsize=7)
    return ax


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "figures")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for source, draw, name in (
        ("bench_paths.json", plot_paths, PATHS_FIGURE),
        ("bench_sampling.json", plot_sampling, SAMPLING_FIGURE),
    ):
        path = args.results / source
        if not path.is_file():
            parser.error(f"--results: no {path} (run the benchmark with --json {path} first)")
        ax = draw(json.loads(path.read_text()))
        ax.figure.tight_layout()
        ax.figure.savefig(args.out / name, dpi=120)
        plt.close(ax.figure)
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
