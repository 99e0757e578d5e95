"""Choosing the strength in one call (issue 13, item 1): ``BayesianRegressionCV`` against ``LassoCV``,
``ElasticNetCV`` and ``RidgeCV`` on diabetes, 5 folds, 100 alphas, the whole ``fit`` call; its evidence maximum
against ``BayesianRidge``; and its posterior tunings (PSIS-LOO over 20 posteriors, a hyperprior) against ``LassoCV``.

Each contender runs once untimed (compilation, caches), then ``--repeats`` times interleaved; the best time counts.
scikit-learn runs at its default ``tol`` (as users call it) and at ``tol=1e-10`` (its held-out errors then agree with
the exact paths' to 1e-8). Run ``python benchmarks/bench_cv.py [--json PATH]``.
"""

from __future__ import annotations

import argparse
import time

from _common import cpu_busy, finish_report


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--posterior-repeats", type=int, default=3, help="repeats of the posterior tunings")
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import BayesianRidge, ElasticNetCV, LassoCV, RidgeCV
    from sklearn.model_selection import KFold

    import bayesreg as br

    X, y = load_diabetes(return_X_y=True)
    ridge_alphas = br.alpha_grid(X, y, penalty="ridge", n_alphas=100)
    contenders = {
        "lasso": {
            "bayesreg": lambda: br.BayesianRegressionCV("lasso", cv=5).fit(X, y),
            "sklearn_default_tol": lambda: LassoCV(cv=5, alphas=100).fit(X, y),
            "sklearn_tol_1e-10": lambda: LassoCV(cv=5, alphas=100, tol=1e-10, max_iter=1_000_000).fit(X, y),
        },
        "elasticnet": {
            "bayesreg": lambda: br.BayesianRegressionCV("elasticnet", l1_ratio=0.5, cv=5).fit(X, y),
            "sklearn_default_tol": lambda: ElasticNetCV(l1_ratio=0.5, cv=5, alphas=100).fit(X, y),
            "sklearn_tol_1e-10": lambda: ElasticNetCV(
                l1_ratio=0.5, cv=5, alphas=100, tol=1e-10, max_iter=1_000_000
            ).fit(X, y),
        },
        "ridge": {
            "bayesreg": lambda: br.BayesianRegressionCV("ridge", alphas=ridge_alphas, cv=5).fit(X, y),
            "sklearn": lambda: RidgeCV(alphas=ridge_alphas, cv=KFold(5), scoring="neg_mean_squared_error").fit(X, y),
        },
        "evidence": {
            "bayesreg": lambda: br.BayesianRegressionCV("ridge", tuning="evidence").fit(X, y),
            "sklearn_BayesianRidge": lambda: BayesianRidge().fit(X, y),
        },
    }
    posterior = {
        "loo": lambda: br.BayesianRegressionCV("lasso", tuning="loo", random_seed=0).fit(X, y),
        "hyperprior": lambda: br.BayesianRegressionCV("lasso", tuning="hyperprior", random_seed=0).fit(X, y),
        "sklearn_LassoCV": lambda: LassoCV(cv=5, alphas=100).fit(X, y),
    }
    import warnings

    warnings.simplefilter("ignore", UserWarning)  # a choice at a grid's end: timing only here
    busy_before = cpu_busy()
    report = {"data": "diabetes (442 x 10)", "folds": 5, "n_alphas": 100, "repeats": args.repeats, "results": {}}
    for problem, runs in contenders.items():
        best = {}
        for run in runs.values():
            run()  # warm-up
        for _ in range(args.repeats):
            for name, run in runs.items():
                start = time.perf_counter()
                run()
                best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
        ratios = {name: best["bayesreg"] / best[name] for name in best if name != "bayesreg"}
        report["results"][problem] = {"seconds": best, "bayesreg_vs": ratios}
        print(f"{problem}: " + ", ".join(f"{k} {v * 1e3:.1f} ms" for k, v in best.items()))
        print("  bayesreg / " + ", ".join(f"{k}: {v:.2f}x" for k, v in ratios.items()))
    best = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the loo grid's convergence warnings: timing only here
        for run in posterior.values():
            run()
        for _ in range(args.posterior_repeats):
            for name, run in posterior.items():
                start = time.perf_counter()
                run()
                best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
    ratios = {name: best[name] / best["sklearn_LassoCV"] for name in ("loo", "hyperprior")}
    report["results"]["posterior_tunings"] = {"seconds": best, "vs_LassoCV": ratios}
    print("posterior tunings: " + ", ".join(f"{k} {v:.3f} s" for k, v in best.items()))
    print("  / LassoCV: " + ", ".join(f"{k}: {v:.0f}x" for k, v in ratios.items()))
    busy_after = cpu_busy()
    return finish_report(report, busy_before, busy_after, args.json)


if __name__ == "__main__":
    main()
