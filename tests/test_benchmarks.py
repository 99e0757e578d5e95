"""The benchmark scripts run: their data builders and one small problem each (no timing is checked here)."""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_glm  # noqa: E402
import bench_paths  # noqa: E402


def test_bench_paths_runs_one_problem_on_diabetes():
    X, y = bench_paths.load_diabetes_std()
    assert X.shape == (442, 10)
    result = bench_paths.run_problem("lasso", X, y, "lasso", 1, lambda *args: None)
    assert result is not None
    Xs, ys = bench_paths.make_synthetic(n=60, p=20, k=3)
    assert Xs.shape == (60, 20) and np.all(np.isfinite(ys))


def test_bench_glm_builds_its_problems_and_times_one_path():
    problems = list(bench_glm.problems())
    assert [p[0].split(",")[0] for p in problems] == ["breast cancer 569x30"] * 2 + ["synthetic 10000x200"] * 2 + [
        "synthetic 2000x50"
    ]
    name, X, y, likelihood, intercept, weights, strengths, key, make = problems[0]
    e2e, solve, coefs = bench_glm.bayesreg_path(X, y, likelihood, weights[:5], fit_intercept=intercept)
    seconds, sk = bench_glm.sklearn_path(lambda: make().set_params(tol=1e-10), X, y, strengths[:5], key, False)
    assert coefs.shape == sk.shape == (5, 30)
    assert np.max(np.abs(coefs - sk)) <= 1e-6 * np.max(np.abs(coefs))


def test_bench_sampling_runs_the_default_sampler_and_the_anchor_on_diabetes():
    import bench_sampling

    X, y = bench_sampling.load_diabetes(return_X_y=True, scaled=True)
    y = y - y.mean()
    res = bench_sampling.fit_nuts(X, y, bench_sampling.LAM_FIXED, "sample", 20, 30, 2, 0)
    assert res["used"] == "gibbs" and res["beta"].shape == (2, 30, 10) and res["divergences"] == 0
    anchor = bench_sampling.run_gibbs(X - X.mean(axis=0), y, bench_sampling.LAM_FIXED, 10, 30, 2, 0)
    assert anchor.shape == (2, 30, 10)
    # both sample the same posterior: their means agree loosely even on 60 draws
    assert np.max(np.abs(res["beta"].mean(axis=(0, 1)) - anchor.mean(axis=(0, 1)))) < 0.5 * np.max(np.abs(anchor))


def test_bench_cv_times_both_sides(tmp_path):
    import json

    import bench_cv

    bench_cv.main(["--repeats", "1", "--posterior-repeats", "1", "--json", str(tmp_path / "cv.json")])
    report = json.loads((tmp_path / "cv.json").read_text())
    assert set(report["results"]) == {"lasso", "elasticnet", "ridge", "evidence", "posterior_tunings"}
    assert set(report["results"]["posterior_tunings"]["vs_LassoCV"]) == {"loo", "hyperprior"}
    assert set(report["results"]["lasso"]["bayesreg_vs"]) == {"sklearn_default_tol", "sklearn_tol_1e-10"}
