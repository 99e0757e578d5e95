"""Variable selection at p > n: true and false positives of decoupled shrinkage and selection on a horseshoe
posterior, of the posterior inclusion rule, and of the cross-validated lasso's non-zeros.

Data: ``bayesreg.datasets.make_sparse_regression(n_samples=100, n_features=200, n_nonzero=5, random_state=seed)``
(standard normal design, 5 coefficients of size 1 to 3 with random signs, noise sd 1), one problem per seed.
Contenders, each on the same data:

* ``dss_<rule>``: ``decoupled_selection(est, X, rule=rule)`` for each rule at its default tolerance, on
  ``est = BayesianRegression(Horseshoe(), method="sample")`` at the defaults (Gibbs, 4 chains x 1000 draws after 1000);
* ``inclusion``: ``posterior_ranking(est, X).selected``, the variables in the larger 2-means cluster of at least half
  of the draws;
* ``lasso_cv``: the non-zeros of scikit-learn's ``LassoCV(cv=5)`` (the anchor);
* ``bayesreg_cv_1se``: the non-zeros of ``BayesianRegressionCV("lasso", cv=5, rule="1se")``'s refit (glmnet's
  ``lambda.1se``).

Times are the whole calls (the horseshoe fit separately); only their ratios to ``LassoCV``'s, measured in the same
run, are results. Run ``python benchmarks/bench_selection.py [--seeds 5] [--json PATH]``.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import cpu_busy, finish_report, log_table  # noqa: E402

N_SAMPLES, N_FEATURES, N_NONZERO = 100, 200, 5
RULES = ("interval", "sd", "excess")


def counts(selected: np.ndarray, truth: np.ndarray) -> dict:
    """True and false positives of a boolean selection against the true support."""
    return {
        "tp": int(np.sum(selected & truth)),
        "fp": int(np.sum(selected & ~truth)),
        "n_selected": int(np.sum(selected)),
    }


def run_seed(seed: int, *, draws: int = 1000, tune: int = 1000, chains: int = 4) -> dict:
    from sklearn.linear_model import LassoCV

    import bayesreg as br
    from bayesreg.analysis.selection import decoupled_selection, posterior_ranking

    X, y, coef = br.datasets.make_sparse_regression(
        n_samples=N_SAMPLES, n_features=N_FEATURES, n_nonzero=N_NONZERO, random_state=seed
    )
    truth = coef != 0
    out = {"seed": seed, "true_coef": {str(j): float(coef[j]) for j in np.flatnonzero(truth)}, "methods": {}}
    seconds = {}

    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = br.BayesianRegression(
            br.Horseshoe(), method="sample", draws=draws, tune=tune, chains=chains, random_seed=seed, progressbar=False
        ).fit(X, y)
    seconds["horseshoe_fit"] = time.perf_counter() - start
    out["sampler"] = est.sampler_
    out["max_r_hat"] = float(est.diagnostics_.max_rhat)
    out["min_ess_bulk"] = float(est.diagnostics_.min_ess_bulk)
    out["sampling_warnings"] = sorted({str(w.message)[:80] for w in caught})

    for rule in RULES:
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = decoupled_selection(est, X, rule=rule)
        seconds[f"dss_{rule}"] = time.perf_counter() - start
        selected = result.summary_coef[result.selected] != 0
        out["methods"][f"dss_{rule}"] = {
            **counts(selected, truth),
            "tolerance": result.tolerance,
            "warned": [str(w.message)[:80] for w in caught],
            "max_certificate": result.max_certificate,
        }

    start = time.perf_counter()
    ranking = posterior_ranking(est, X)
    seconds["inclusion"] = time.perf_counter() - start
    included = ranking.inclusion_frequency >= ranking.threshold
    top = ranking.rank <= N_NONZERO
    out["methods"]["inclusion"] = {
        **counts(included, truth),
        "median_n_included": float(np.median(ranking.n_included)),
        "top5_rank_tp": int(np.sum(top & truth)),
    }

    start = time.perf_counter()
    lasso = LassoCV(cv=5).fit(X, y)
    seconds["lasso_cv"] = time.perf_counter() - start
    out["methods"]["lasso_cv"] = {**counts(lasso.coef_ != 0, truth), "alpha": float(lasso.alpha_)}

    start = time.perf_counter()
    cv = br.BayesianRegressionCV("lasso", cv=5, rule="1se").fit(X, y)
    seconds["bayesreg_cv_1se"] = time.perf_counter() - start
    out["methods"]["bayesreg_cv_1se"] = {**counts(cv.estimator_.coef_ != 0, truth), "alpha": float(cv.alpha_)}

    out["seconds"] = seconds
    out["vs_lasso_cv"] = {
        "horseshoe_fit_plus_dss": (seconds["horseshoe_fit"] + seconds["dss_interval"]) / seconds["lasso_cv"],
        "dss_interval_alone": seconds["dss_interval"] / seconds["lasso_cv"],
    }
    return out


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--tune", type=int, default=1000)
    parser.add_argument("--chains", type=int, default=4)
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)

    busy_before = cpu_busy()
    run_seed(0, draws=50, tune=50, chains=2)  # warm-up: numba caches, compiled MAP objective
    runs = [run_seed(seed, draws=args.draws, tune=args.tune, chains=args.chains) for seed in range(args.seeds)]
    methods = list(runs[0]["methods"])
    summary = {
        name: {
            "mean_tp": float(np.mean([r["methods"][name]["tp"] for r in runs])),
            "mean_fp": float(np.mean([r["methods"][name]["fp"] for r in runs])),
            "exact_recoveries": int(
                sum(r["methods"][name]["tp"] == N_NONZERO and r["methods"][name]["fp"] == 0 for r in runs)
            ),
        }
        for name in methods
    }
    rows = [
        [name]
        + [f"{r['methods'][name]['tp']}/{r['methods'][name]['fp']}" for r in runs]
        + [f"{summary[name]['mean_tp']:.1f}", f"{summary[name]['mean_fp']:.1f}", str(summary[name]["exact_recoveries"])]
        for name in methods
    ]
    headers = ["method"] + [f"seed {r['seed']} TP/FP" for r in runs] + ["mean TP", "mean FP", "exact"]
    log_table(print, f"p > n selection: n={N_SAMPLES}, p={N_FEATURES}, {N_NONZERO} true non-zeros", headers, rows)
    time_rows = [[name] + [f"{r['seconds'][name]:.3f}" for r in runs] for name in runs[0]["seconds"]]
    log_table(print, "seconds (whole calls)", ["step"] + [f"seed {r['seed']}" for r in runs], time_rows)
    ratios = {key: float(np.median([r["vs_lasso_cv"][key] for r in runs])) for key in runs[0]["vs_lasso_cv"]}
    print("median over seeds, time / LassoCV's: " + ", ".join(f"{k} {v:.1f}x" for k, v in ratios.items()))
    report = {
        "data": (
            f"make_sparse_regression(n_samples={N_SAMPLES}, n_features={N_FEATURES}, n_nonzero={N_NONZERO}, "
            "random_state=seed)"
        ),
        "horseshoe": {"draws": args.draws, "tune": args.tune, "chains": args.chains, "method": "sample"},
        "summary": summary,
        "median_time_vs_lasso_cv": ratios,
        "runs": runs,
    }
    busy_after = cpu_busy()
    return finish_report(report, busy_before, busy_after, args.json)


if __name__ == "__main__":
    main()
