"""What a user waits for in a fresh Python process: ``import bayesreg``, then the first fits on diabetes.

Each repeat is a new process (disk caches of PyTensor and Numba warm, as on any machine after its first run). It
times, in order: ``import bayesreg`` (lazy), loading its modules (PyMC, PyTensor, scikit-learn: the first use of an
estimator class), the first MAP fit of ``BayesianRegression(prior=Laplace(b), sigma=...)`` (the Lasso of
``alpha = sigma^2 / (n b)``), a second fit at another strength, the same for a learned sigma, then the first fit
with ``method="sample"`` (the Gibbs kernel: Numba's start-up) and with ``method="nuts"``. The anchor is
scikit-learn's ``Lasso`` fit of the same problem in the same process (its first call). Medians over the repeats.

Then ``cross_val_score`` (5 folds, learned sigma) with ``n_jobs=1`` and ``n_jobs=2``, each in a fresh process,
called twice (the first call of ``n_jobs=2`` starts joblib's worker processes, which then load PyMC), for the MAP
and for ``method="sample"``: the anchor of ``n_jobs=2`` is ``n_jobs=1``.

Run ``python benchmarks/bench_first_fit.py [--repeats 3] [--json PATH]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

from _common import cpu_busy, finish_report, log_table

CHILD = r"""
import json, time, warnings
T = time.perf_counter
t0 = T()
import bayesreg as br
t1 = T()
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Lasso
X, y = load_diabetes(return_X_y=True)
t2 = T()
Estimator = br.BayesianRegression
t3 = T()
# Laplace(10) at sigma = 50: scikit-learn's alpha = sigma^2 / (n b) = 0.57, 4 non-zeros (3 with sigma learned)
sigma, b = 50.0, 10.0
est = Estimator(prior=br.Laplace(b), sigma=sigma).fit(X, y)
t4 = T()
Estimator(prior=br.Laplace(2 * b), sigma=sigma).fit(X, y)
t5 = T()
Estimator(prior=br.Laplace(b), sigma=None).fit(X, y)
t6 = T()
Estimator(prior=br.Laplace(2 * b), sigma=None).fit(X, y)
t7 = T()
Lasso(alpha=sigma**2 / (len(y) * b), tol=1e-10, max_iter=100000).fit(X, y)
t8 = T()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    kwargs = dict(draws=1000, tune=1000, chains=4, random_seed=0, progressbar=False)
    Estimator(prior=br.Laplace(b), sigma=None, method="sample", **kwargs).fit(X, y)
    t9 = T()
    Estimator(prior=br.Laplace(b), sigma=None, method="nuts", **kwargs).fit(X, y)
    t10 = T()
print(json.dumps({
    "import_bayesreg": t1 - t0,
    "load_modules": t3 - t2,
    "first_map_fit_fixed_sigma": t4 - t3,
    "second_map_fit_fixed_sigma": t5 - t4,
    "first_map_fit_learned_sigma": t6 - t5,
    "second_map_fit_learned_sigma": t7 - t6,
    "sklearn_lasso_first_fit": t8 - t7,
    "first_gibbs_fit": t9 - t8,
    "first_nuts_fit": t10 - t9,
}))
"""

CHILD_CV = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import bayesreg as br
from sklearn.datasets import load_diabetes
from sklearn.model_selection import cross_val_score
X, y = load_diabetes(return_X_y=True)
n_jobs = int(sys.argv[1])
out = {}
for method in ("map", "sample"):
    kw = {} if method == "map" else dict(method=method, draws=1000, tune=1000, chains=4, random_seed=0)
    est = br.BayesianRegression(prior=br.Laplace(10.0), sigma=None, **kw)
    for call in ("first", "second"):
        t = time.perf_counter()
        cross_val_score(est, X, y, cv=5, n_jobs=n_jobs)
        out[f"{method}_{call}"] = time.perf_counter() - t
print(json.dumps(out))
"""

LABELS = {
    "import_bayesreg": "import bayesreg (lazy)",
    "load_modules": "load its modules (PyMC, PyTensor; first use)",
    "first_map_fit_fixed_sigma": "first MAP fit, sigma fixed",
    "second_map_fit_fixed_sigma": "second MAP fit, sigma fixed",
    "first_map_fit_learned_sigma": "first MAP fit, sigma learned",
    "second_map_fit_learned_sigma": "second MAP fit, sigma learned",
    "sklearn_lasso_first_fit": "anchor: sklearn Lasso, first fit",
    "first_gibbs_fit": "first fit, method='sample' (Gibbs, 4 x 1000)",
    "first_nuts_fit": "first fit, method='nuts' (4 x 1000)",
}


def run_child(code: str = CHILD, *args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, timeout=600)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON to PATH")
    args = parser.parse_args(argv)
    busy_before = cpu_busy()
    runs = [run_child() for _ in range(args.repeats)]
    busy_after = cpu_busy()
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    anchor = median["sklearn_lasso_first_fit"]
    rows = [
        [LABELS[key], f"{value:.3f} s", f"{value / anchor:.0f}x" if "map" in key else ""]
        for key, value in median.items()
    ]
    log_table(print, f"first fits in a fresh process (median of {args.repeats})", ["", "time", "vs anchor"], rows)
    cv = {n_jobs: run_child(CHILD_CV, str(n_jobs)) for n_jobs in (1, 2)}
    rows = [
        [key.replace("_", " call, "), f"{cv[1][key]:.2f} s", f"{cv[2][key]:.2f} s", f"{cv[2][key] / cv[1][key]:.2f}x"]
        for key in cv[1]
    ]
    log_table(print, "cross_val_score, 5 folds", ["", "n_jobs=1", "n_jobs=2", "ratio"], rows)
    user_wait = median["import_bayesreg"] + median["load_modules"] + median["first_map_fit_fixed_sigma"]
    print(f"import bayesreg to a first MAP fit, end to end: {user_wait:.2f} s")
    report = {
        "median": median,
        "runs": runs,
        "import_to_first_map_fit": user_wait,
        "cross_val_score": {f"n_jobs={n_jobs}": values for n_jobs, values in cv.items()},
    }
    return finish_report(report, busy_before, busy_after, args.json)


if __name__ == "__main__":
    main()
