"""The README's pictures are the demo's and the benchmarks' own output, and its links resolve."""

import json
import re
import sys
from pathlib import Path

import pytest

from bayesreg.apps.demo import FIGURES, REPORT_NAME

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT / "benchmarks"))
from plot_results import PATHS_FIGURE, SAMPLING_FIGURE  # noqa: E402

BENCHMARK_FIGURES = (PATHS_FIGURE, SAMPLING_FIGURE)


def _links() -> list[str]:
    return re.findall(r"\]\(([^)#]+)\)", README)


def test_every_demo_figure_is_embedded_from_docs_figures():
    embedded = set(re.findall(r"!\[[^\]]*\]\(docs/figures/([^)]+)\)", README))
    assert set(FIGURES) <= embedded
    assert embedded == set(FIGURES) | set(BENCHMARK_FIGURES)


def test_linked_files_exist():
    local = [link for link in _links() if not link.startswith("http")]
    assert f"docs/figures/{REPORT_NAME}" in local
    missing = [link for link in local if not (ROOT / link).exists()]
    assert not missing


def test_every_notebook_is_linked():
    notebooks = {f"notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert len(notebooks) == 7
    assert notebooks <= set(_links())


def _table_rows(first_cell: str) -> list[list[str]]:
    rows = [line.strip("|").split("|") for line in README.splitlines() if line.startswith(f"| {first_cell}")]
    return [[cell.strip() for cell in row] for row in rows]


def _ratio(cell: str) -> float:
    return float(re.match(r"([0-9.]+)x", cell).group(1))


@pytest.mark.parametrize("problem", ["lasso", "elastic net", "ridge"])
@pytest.mark.parametrize("dataset", ["diabetes", "synthetic"])
def test_path_benchmark_table_is_the_stored_run(dataset, problem):
    report = json.loads((RESULTS / "bench_paths.json").read_text())
    key = {"lasso": "lasso", "elastic net": "enet", "ridge": "ridge"}[problem]
    (result,) = [r for r in report["datasets"][dataset]["results"] if r["problem"] == key]
    (row,) = [row for row in _table_rows(dataset) if row[1].startswith(problem)]
    assert _ratio(row[2]) == pytest.approx(result["ratio_solve_only"], abs=0.006)
    assert _ratio(row[3]) == pytest.approx(result["ratio_end_to_end"], rel=0.01, abs=0.006)


@pytest.mark.parametrize("sampler", ["sample", "default"])
@pytest.mark.parametrize("setting", ["lam=0.237", "lam^2~Gamma(1,1.78)"])
def test_sampling_benchmark_table_is_the_stored_run(setting, sampler):
    report = json.loads((RESULTS / "bench_sampling.json").read_text())
    result = report["settings"][setting][sampler]
    first = "fixed 0.237" if setting == "lam=0.237" else "Gamma(1, 1.78)"
    (row,) = [row for row in _table_rows(first) if row[1].startswith(sampler)]
    assert _ratio(row[2]) == pytest.approx(result["ratio_fit"], abs=0.0006)
    assert _ratio(row[3]) == pytest.approx(result["ratio_sampling"], rel=0.02, abs=0)


def test_quick_start_runs_and_its_numbers_hold(capsys):
    """The quick start is executed as written; the numbers its comments state are checked."""
    import warnings

    import numpy as np

    block = README.split("## Quick start", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # one scaling, a sensible sigma: no warning at all
        exec(compile(block, "README quick start", "exec"), namespace)
    est, alphas, coefs = namespace["est"], namespace["alphas"], namespace["coefs"]
    assert list(namespace["X"].columns[est.coef_ == 0]) == ["age", "s2", "s4"]
    assert est.map_.certificate <= 1e-14
    assert "support agrees: True" in capsys.readouterr().out
    assert coefs.shape == (10, 100) and np.all(np.diff(alphas) < 0)


def test_first_fit_table_is_the_stored_run():
    report = json.loads((RESULTS / "bench_first_fit.json").read_text())
    section = README[README.index("### First fits in a fresh process") : README.index("### Logistic and Poisson paths")]
    table = section[: section.index("From `import bayesreg`")]
    times = [float(m) for m in re.findall(r"\| ([0-9.]+) s \|", table)]
    assert times == [round(v, 3) for v in report["median"].values()]
    cv = report["cross_val_score"]
    rows = re.findall(r"\| ([0-9.]+) s \| ([0-9.]+) s \| ([0-9.]+)x \|", section)
    assert [(float(a), float(b)) for a, b, _ in rows] == [
        (round(cv["n_jobs=1"][key], 2), round(cv["n_jobs=2"][key], 2)) for key in cv["n_jobs=1"]
    ]
    assert f"first fitted MAP: {report['import_to_first_map_fit']:.2f} s" in section


def test_scale_figures_are_the_stored_run():
    """The Dask section's figures (n = 10^7 from zarr) are those of benchmarks/results/bench_scale.json."""
    report = json.loads((RESULTS / "bench_scale.json").read_text())
    section = README[README.index("### Measured: a zarr store") : README.index("## How the MAP is exact")]
    anchor = report["anchor_seconds"]
    assert f"`X.sum()` through Dask: {anchor:.2f} s" in section
    stats, path, posterior = report["stats"], report["path"], report["posterior"]
    times = [float(m) for m in re.findall(r"\| ([0-9.]+) s \|", section)]
    assert times == [
        round(v, 2)
        for v in (
            stats["seconds"], path["whole_seconds"], path["pass_seconds"], path["after_pass_seconds"],
            posterior["whole_seconds"], posterior["after_pass_seconds"],
        )
    ]  # fmt: skip
    ratios = [float(m) for m in re.findall(r"\| ([0-9.]+)x \|", section)]
    assert ratios == [round(v / anchor, 2) for v in (stats["seconds"], path["whole_seconds"], path["pass_seconds"],
                                                      posterior["whole_seconds"])]  # fmt: skip
    # the targets: the pass within 2x a read, everything after it within 10 s, peak within 2 GB
    assert max(ratios) <= 2.0 and path["after_pass_seconds"] <= 10.0 and posterior["after_pass_seconds"] <= 10.0
    assert max(stats["peak_mb"], path["peak_mb"], posterior["peak_mb"]) <= 2048
    assert report["n"] == 10_000_000 and report["p"] == 100 and report["cpu_busy_before"] <= 0.05  # quiet
    flat = " ".join(section.split())
    assert f"{report['logistic']['passes']} passes" in flat
    memory = report["memory"]
    assert f"path {memory['path_seconds']:.2f} s" in flat and f"posterior {memory['posterior_seconds']:.2f} s" in flat


def test_cross_validation_figures_are_the_stored_run():
    report = json.loads((RESULTS / "bench_cv.json").read_text())
    section = README[README.index("## Choosing the strength in one call") : README.index("## Variable selection")]
    flat = " ".join(section.split())
    lasso, enet = report["results"]["lasso"]["bayesreg_vs"], report["results"]["elasticnet"]["bayesreg_vs"]
    assert f"lasso {lasso['sklearn_default_tol']:.2f}x `LassoCV` at its default `tol`" in flat
    assert f"{lasso['sklearn_tol_1e-10']:.2f}x at `tol=1e-10`" in flat
    assert f"{enet['sklearn_default_tol']:.2f}x and {enet['sklearn_tol_1e-10']:.2f}x `ElasticNetCV`" in flat
    assert lasso["sklearn_default_tol"] <= 2.0  # the target: within 2x LassoCV's time
    ridge, evidence = report["results"]["ridge"]["bayesreg_vs"], report["results"]["evidence"]["bayesreg_vs"]
    posterior = report["results"]["posterior_tunings"]
    assert f"ridge {ridge['sklearn']:.2f}x `RidgeCV`" in flat
    assert f"the evidence {evidence['sklearn_BayesianRidge']:.0f}x `BayesianRidge`" in flat
    assert f"PSIS-LOO over 20 posteriors {posterior['vs_LassoCV']['loo']:.0f}x `LassoCV`'s time" in flat
    assert f"the hyperprior {posterior['vs_LassoCV']['hyperprior']:.0f}x" in flat


def test_selection_figures_are_the_benchmarks():
    """The README's p > n true/false positives are those of benchmarks/results/bench_selection.json."""
    summary = json.loads((RESULTS / "bench_selection.json").read_text())["summary"]
    flat = " ".join(README.split())
    dss, inclusion = summary["dss_interval"], summary["inclusion"]
    lasso, one_se = summary["lasso_cv"], summary["bayesreg_cv_1se"]
    assert f"found {dss['mean_tp']:.1f} true and {dss['mean_fp']:.1f} false positives on average" in flat
    assert f"the inclusion rule {inclusion['mean_tp']:.1f} and {inclusion['mean_fp']:.1f}" in flat
    assert f"`LassoCV` {lasso['mean_tp']:.1f} and {lasso['mean_fp']:.1f}" in flat
    assert f'`BayesianRegressionCV(rule="1se")` {one_se["mean_tp"]:.1f} and {one_se["mean_fp"]:.1f}' in flat
    assert dss["mean_fp"] < lasso["mean_fp"]  # the point of the section
