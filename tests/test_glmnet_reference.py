"""bayesreg's glmnet rule against R glmnet 4.1-6's own paths (stored; R is not needed here).

tests/reference/glmnet/make_reference.R fitted glmnet (gaussian family, thresh=1e-20) on diabetes
(scikit-learn's raw data, stored as diabetes.csv) and prostate (bayesreg/data/prostate.data, all 97
rows) for alpha in {1, 0.5, 0} x standardize x intercept: 24 paths of 30 explicit lambdas each. For
every lambda the prior ``br.from_glmnet(lambda, alpha, sigma=..., n_samples=n, y_sd=s_y)`` is built
and its exact MAP computed; it must be glmnet's fit:

* max |coef difference| <= 1e-6 x the path's max |coef| (glmnet stops when its squared coordinate
  changes fall below thresh, so its own solutions carry relative errors of ~1e-10 to 1e-8);
* the same zeros, where entries below 1e-12 of the path's max |coef| count as zeros on both sides
  (round-off at a kink: glmnet itself returns 2e-17 .. 2e-14 for one coefficient at its own lambda_max in
  4 of the 24 cases);
* intercepts within 1e-6 x max over the path of (|intercept| + sum_j |coef_j| mean |x_j|), the size of the
  terms an intercept balances.

Measured (this machine): coefficient differences 7e-11 .. 1.7e-8, intercepts <= 1.4e-9, no zero-pattern
mismatch in any case: the agreement is glmnet's own convergence level (its KKT violations are ~1e-10).

glmnet's scale of y is ``s_y = sd(y)`` (1/n) with an intercept and ``sqrt(mean(y^2))`` without one
(measured at a = 0.5: the other choice is off by 2-15% of the path's max |coef|, the old rule, glmnet's
lambda as scikit-learn's alpha, by 1.5-94%; both checked below); with
``standardize=TRUE`` it penalizes ``sd_j w_j``, ``sd_j`` the 1/n sd of column j, centred even with
``intercept=FALSE`` (where the column is not centred), which is what ``BayesianRegression(...,
standardize=True)`` does: one estimator fit per case checks that directly.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bayesreg as br
from bayesreg.conversions import glmnet_y_scale, weights_from_enet
from bayesreg.likelihoods import Gaussian
from bayesreg.model import build_model
from bayesreg.optimize.map import MapSolver, quadratic_map_path

REFERENCE = Path(__file__).parent / "reference" / "glmnet"
PROSTATE = Path(__file__).parents[1] / "bayesreg" / "data" / "prostate.data"
PROSTATE_FEATURES = ["lcavol", "lweight", "age", "lbph", "svi", "lcp", "gleason", "pgg45"]
SIGMA = 2.5  # any fixed noise scale: the MAP of the glmnet prior does not depend on it
RTOL = 1e-6
ZERO_RTOL = 1e-12
CASES = list(itertools.product(["diabetes", "prostate"], [1.0, 0.5, 0.0], [True, False], [True, False]))


def _case_id(case) -> str:
    data, a, standardize, intercept = case
    return f"{data}-a{a:g}-{'std' if standardize else 'raw'}-{'intercept' if intercept else 'nointercept'}"


def _data(name: str) -> tuple[np.ndarray, np.ndarray]:
    if name == "diabetes":
        frame = pd.read_csv(REFERENCE / "diabetes.csv")
        return frame.drop(columns="target").to_numpy(dtype=float), frame["target"].to_numpy(dtype=float)
    frame = pd.read_csv(PROSTATE, sep="\t", index_col=0)
    return frame[PROSTATE_FEATURES].to_numpy(dtype=float), frame["lpsa"].to_numpy(dtype=float)


def _reference(name: str, a: float, standardize: bool, intercept: bool) -> pd.DataFrame:
    table = pd.read_csv(REFERENCE / f"{name}_paths.csv")
    rows = table[(table["alpha"] == a) & (table["standardize"] == standardize) & (table["intercept"] == intercept)]
    assert len(rows) == 30 and list(rows["step"]) == list(range(30))
    return rows


def _design(X: np.ndarray, standardize: bool, intercept: bool) -> tuple[np.ndarray, np.ndarray]:
    """glmnet's column transform: centre (only with an intercept) and divide by the centred 1/n sd."""
    center = X.mean(axis=0) if (standardize and intercept) else np.zeros(X.shape[1])
    scale = X.std(axis=0) if standardize else np.ones(X.shape[1])
    return center, scale


def _map_paths(X, y, weight_paths, standardize, intercept):
    """Exact MAP paths (one compiled model for all of them) in the original units of X."""
    center, scale = _design(X, standardize, intercept)
    rm = build_model(
        (X - center) / scale,
        y,
        br.prior_from_weights(weight_paths[0][0]),
        likelihood=Gaussian(sigma=SIGMA),
        fit_intercept=intercept,
    )
    solver = MapSolver(rm)
    out = []
    for weights in weight_paths:
        path = quadratic_map_path(solver, weights)
        coefs = path.coefs / scale[:, None]
        intercepts = path.intercepts - center @ coefs if intercept else np.zeros(len(weights))
        out.append((coefs.T, intercepts))
    return out


def _differences(X, coefs, intercepts, ref_coefs, ref_intercepts):
    """(max coef difference / path max |coef|, intercept difference / its scale, zero-pattern mismatches)."""
    top = np.abs(ref_coefs).max()
    coef_diff = np.abs(coefs - ref_coefs).max() / top
    icpt_scale = np.max(np.abs(ref_intercepts) + np.abs(ref_coefs) @ np.abs(X).mean(axis=0))
    icpt_diff = np.abs(intercepts - ref_intercepts).max() / icpt_scale
    # exact zeros, or round-off below 1e-12 of the maximum (on both sides)
    mismatches = int(np.count_nonzero((np.abs(coefs) <= ZERO_RTOL * top) != (np.abs(ref_coefs) <= ZERO_RTOL * top)))
    return coef_diff, icpt_diff, mismatches


@pytest.fixture(scope="module")
def datasets():
    return {name: _data(name) for name in ("diabetes", "prostate")}


def test_reference_files_are_complete():
    # 24 cases x 30 lambdas, no missing values, and paths that start where glmnet's own path starts
    for name, p in [("diabetes", 10), ("prostate", 8)]:
        table = pd.read_csv(REFERENCE / f"{name}_paths.csv")
        assert table.shape == (360, 6 + p)
        assert not table.isna().to_numpy().any()
        for _, rows in table.groupby(["alpha", "standardize", "intercept"]):
            assert np.all(np.diff(rows["lambda"]) < 0)
            coefs = rows.iloc[:, 6:].to_numpy()
            if rows["alpha"].iloc[0] > 0:
                # all zero at lambda_max (up to glmnet's round-off), then the first variable enters
                assert np.all(np.abs(coefs[0]) <= ZERO_RTOL * np.abs(coefs).max()) and np.any(coefs[1] != 0)
            else:
                assert np.all(coefs != 0)  # ridge: no zeros
    X, y = _data("prostate")
    assert X.shape == (97, 8) and y.shape == (97,)
    X, y = _data("diabetes")
    assert X.shape == (442, 10) and y.shape == (442,)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_map_of_from_glmnet_prior_is_glmnets_path(case, datasets):
    name, a, standardize, intercept = case
    X, y = datasets[name]
    n = len(y)
    ref = _reference(name, a, standardize, intercept)
    ref_coefs = ref.iloc[:, 6:].to_numpy()
    ref_intercepts = ref["a0"].to_numpy()
    y_sd = glmnet_y_scale(y, intercept=intercept)
    priors = [br.from_glmnet(lam, a, sigma=SIGMA, n_samples=n, y_sd=y_sd) for lam in ref["lambda"]]
    assert all(type(p) is {1.0: br.Laplace, 0.0: br.Normal}.get(a, br.ElasticNet) for p in priors)

    [(coefs, intercepts)] = _map_paths(X, y, [[p.weights for p in priors]], standardize, intercept)
    coef_diff, icpt_diff, mismatches = _differences(X, coefs, intercepts, ref_coefs, ref_intercepts)
    assert coef_diff <= RTOL
    assert icpt_diff <= RTOL
    assert mismatches == 0

    if not standardize:
        return
    # the estimator itself: its standardize=True convention is glmnet's (checked at a lambda mid-path)
    k = 12
    est = br.BayesianRegression(priors[k], sigma=SIGMA, standardize=standardize, fit_intercept=intercept).fit(X, y)
    top = np.abs(ref_coefs).max()
    np.testing.assert_allclose(est.coef_, ref_coefs[k], rtol=0, atol=RTOL * top)
    np.testing.assert_array_equal(np.abs(est.coef_) <= ZERO_RTOL * top, np.abs(ref_coefs[k]) <= ZERO_RTOL * top)
    assert est.intercept_ == pytest.approx(ref_intercepts[k], rel=0, abs=RTOL * (abs(ref_intercepts[k]) + top))


@pytest.mark.parametrize("name", ["diabetes", "prostate"])
@pytest.mark.parametrize("standardize", [True, False])
def test_the_reference_has_teeth(name, standardize, datasets):
    # the rules this test file rejects: glmnet's lambda as scikit-learn's ElasticNet alpha (no 1 / s_y),
    # and the wrong y scale for intercept=FALSE (the centred sd instead of sqrt(mean(y^2)))
    X, y = datasets[name]
    n = len(y)
    ref = _reference(name, 0.5, standardize, False)
    ref_coefs, ref_intercepts = ref.iloc[:, 6:].to_numpy(), ref["a0"].to_numpy()
    lams = ref["lambda"].to_numpy()
    old_rule = [weights_from_enet(lam, 0.5, sigma=SIGMA, n_samples=n) for lam in lams]
    centred_sd = [br.from_glmnet(lam, 0.5, sigma=SIGMA, n_samples=n, y_sd=np.std(y)).weights for lam in lams]
    paths = _map_paths(X, y, [old_rule, centred_sd], standardize, False)
    for (coefs, intercepts), at_least in zip(paths, [1e-2, 1e-3], strict=True):
        coef_diff, _, _ = _differences(X, coefs, intercepts, ref_coefs, ref_intercepts)
        assert coef_diff > at_least


# --- the binomial and poisson families (make_reference_glm.R: thresh = 1e-16) ---------------------------------

GLM_CASES = list(
    itertools.product([("breast_cancer", "binomial"), ("counts", "poisson")], [1.0, 0.5, 0.0], [True, False])
)


def _glm_data(name: str) -> tuple[np.ndarray, np.ndarray]:
    frame = pd.read_csv(REFERENCE / f"{name}.csv")
    return frame.drop(columns="target").to_numpy(dtype=float), frame["target"].to_numpy(dtype=float)


def _glm_case_id(case) -> str:
    (name, family), a, standardize = case
    return f"{family}-{name}-a{a:g}-{'std' if standardize else 'raw'}"


def test_glm_reference_files_are_complete():
    for name, p in [("breast_cancer", 30), ("counts", 8)]:
        table = pd.read_csv(REFERENCE / f"{name}_paths.csv")
        assert table.shape == (180, 6 + p) and not table.isna().to_numpy().any()
        X, y = _glm_data(name)
        assert X.shape[1] == p and set(np.unique(y)) <= (set(range(int(y.max()) + 1)))


@pytest.mark.parametrize("case", GLM_CASES, ids=_glm_case_id)
def test_map_of_from_glmnet_prior_is_glmnets_binomial_and_poisson_path(case):
    """Proximal Newton MAP (flat intercept, L1 / elastic net / L2) against glmnet's own GLM paths."""
    (name, family), a, standardize = case
    likelihood = {"binomial": br.Bernoulli(), "poisson": br.Poisson()}[family]
    X, y = _glm_data(name)
    n = len(y)
    ref = _reference(name, a, standardize, True)
    ref_coefs, ref_intercepts = ref.iloc[:, 6:].to_numpy(), ref["a0"].to_numpy()
    priors = [br.from_glmnet(lam, a, n_samples=n, family=family) for lam in ref["lambda"]]
    center, scale = _design(X, standardize, True)
    solver = MapSolver(build_model((X - center) / scale, y, priors[0], likelihood=likelihood))
    state, coefs, intercepts = None, [], []
    for prior in priors:
        result, state = solver.solve(prior.weights, start=state)
        assert result.converged and result.certificate <= 1e-8
        coefs.append(result.coef / scale)
        intercepts.append(result.intercept - center @ coefs[-1])
    coef_diff, icpt_diff, mismatches = _differences(X, np.array(coefs), np.array(intercepts), ref_coefs, ref_intercepts)
    assert coef_diff <= RTOL
    assert icpt_diff <= RTOL
    assert mismatches == 0


# --- penalty.factor, observation weights and offsets (make_reference_extras.R) --------------------------------

EXTRA_CASES = list(itertools.product(["diabetes", "breast_cancer", "counts"], [1.0, 0.5]))


def _extra_reference(name: str, a: float):
    table = pd.read_csv(REFERENCE / "extras_paths.csv")
    rows = table[(table["dataset"] == name) & (table["alpha"] == a)].dropna(axis=1)
    assert len(rows) == 15 and list(rows["step"]) == list(range(15))
    inputs = pd.read_csv(REFERENCE / "extras_inputs.csv")
    inputs = inputs[inputs["dataset"] == name]
    factor = rows.filter(regex=r"^f\d+$").iloc[0].to_numpy(dtype=float)
    coefs = rows.filter(regex=r"^b\d+$").to_numpy(dtype=float)
    return rows, coefs, factor, inputs["weight"].to_numpy(dtype=float), inputs["exposure"].to_numpy(dtype=float)


@pytest.mark.parametrize("name, a", EXTRA_CASES, ids=lambda v: str(v))
def test_penalty_factor_weights_and_offset_match_glmnet(name, a):
    """A prior with glmnet's penalty.factor (one 0: unpenalized), and for the GLMs observation weights (the
    conversions' n is their sum) and an offset log(exposure): the MAP path is glmnet's, standardized with the
    weights as glmnet does."""
    rows, ref_coefs, factor, weights, exposure = _extra_reference(name, a)
    X, y = _data(name) if name == "diabetes" else _glm_data(name)
    family = rows["family"].iloc[0]
    center = np.average(X, axis=0, weights=weights)
    scale = np.sqrt(np.average((X - center) ** 2, axis=0, weights=weights))
    if family == "gaussian":
        likelihood, sample_weight, offset = Gaussian(sigma=SIGMA), None, None
        convert = {"sigma": SIGMA, "n_samples": len(y), "y_sd": glmnet_y_scale(y)}
    else:
        likelihood = {"binomial": br.Bernoulli(), "poisson": br.Poisson()}[family]
        sample_weight, offset = weights, (np.log(exposure) if family == "poisson" else None)
        convert = {"n_samples": float(weights.sum()), "family": family}
    priors = [br.from_glmnet(lam, a, penalty_factor=factor, **convert) for lam in rows["lambda"]]
    assert priors[0].penalty_factor == pytest.approx(factor * len(factor) / factor.sum())
    rm = build_model(
        (X - center) / scale, y, priors[0], likelihood=likelihood, sample_weight=sample_weight, offset=offset
    )
    solver = MapSolver(rm)
    state, coefs, intercepts = None, [], []
    for prior in priors:
        rm.set_prior(prior)
        result, state = solver.solve(prior.weights, start=state)
        assert result.converged and result.certificate <= 1e-8
        coefs.append(result.coef / scale)
        intercepts.append(result.intercept - center @ coefs[-1])
    coef_diff, icpt_diff, mismatches = _differences(
        X, np.array(coefs), np.array(intercepts), ref_coefs, rows["a0"].to_numpy(dtype=float)
    )
    assert coef_diff <= RTOL
    assert icpt_diff <= RTOL
    assert mismatches == 0
    # the unpenalized column is in the model from the first (largest) lambda on, in both fits
    assert coefs[0][0] != 0 and ref_coefs[0, 0] != 0
