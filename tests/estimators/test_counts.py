"""BayesianPoissonRegressor: a scikit-learn regressor whose MAP is PoissonRegressor's fit (L2) or glmnet's poisson
family (L1, elastic net), and whose NUTS posterior averages the expected count."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import PoissonRegressor
from sklearn.utils.estimator_checks import check_estimator

import bayesreg as br
from bayesreg import BayesianPoissonRegressor

REFERENCE = Path(__file__).parents[1] / "reference" / "glmnet"


def _counts():
    frame = pd.read_csv(REFERENCE / "counts.csv")
    return frame.drop(columns="target"), frame["target"].to_numpy(dtype=float)


@pytest.mark.parametrize(
    "estimator",
    [BayesianPoissonRegressor(br.Laplace(0.5), standardize=True)],
    ids=["laplace-standardized"],
)
def test_check_estimator(estimator):
    results = check_estimator(estimator, on_fail=None)
    failed = {r["check_name"]: r["exception"] for r in results if r["status"] == "failed"}
    assert len(results) > 40
    assert not failed


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::bayesreg.inference.sampling.SamplingWarning")
def test_check_estimator_sampling_mode():
    estimator = BayesianPoissonRegressor(
        br.Normal(1.0), method="nuts", draws=30, tune=30, chains=2, cores=1, random_seed=0, progressbar=False,
        nuts_sampler="pymc",
    )  # fmt: skip
    results = check_estimator(estimator, on_fail=None)
    failed = {r["check_name"]: r["exception"] for r in results if r["status"] == "failed"}
    assert len(results) > 40
    # weights and repeated rows give the same posterior (tests/test_model.py compares the densities) but
    # not the same NUTS draws: the trajectories of two runs through rows in another order part ways
    error = failed.pop("check_sample_weight_equivalence_on_dense_data")
    assert isinstance(error, AssertionError) and "Not equal to tolerance" in str(error)
    assert not failed


def test_map_with_a_normal_prior_is_poisson_regressor():
    X, y = _counts()
    est = BayesianPoissonRegressor(br.Normal(0.2)).fit(X, y)
    reference = clone(est.equivalent_penalty_).set_params(solver="newton-cholesky", tol=1e-14, max_iter=1000)
    assert reference.alpha == pytest.approx(1.0 / (len(y) * 0.2**2), rel=1e-15, abs=0)
    reference.fit(X, y)
    np.testing.assert_allclose(est.coef_, reference.coef_, rtol=0, atol=1e-6 * np.max(np.abs(reference.coef_)))
    assert est.intercept_ == pytest.approx(reference.intercept_, rel=0, abs=1e-6)
    np.testing.assert_allclose(est.predict(X), reference.predict(X), rtol=1e-6, atol=0)
    assert est.score(X, y) == pytest.approx(reference.score(X, y), rel=1e-9, abs=0)
    assert est.map_.certificate <= 1e-8


def test_map_with_a_laplace_prior_is_glmnets_poisson_fit_with_exact_zeros():
    """standardize=True is glmnet's standardize=TRUE: the stored path, at a lambda where some coefficients are 0."""
    X, y = _counts()
    table = pd.read_csv(REFERENCE / "counts_paths.csv")
    rows = table[(table["alpha"] == 1.0) & table["standardize"]]
    k = 8
    ref_coef = rows.iloc[k, 6:].to_numpy(dtype=float)
    assert 0 < np.count_nonzero(np.abs(ref_coef) > 1e-12) < X.shape[1]
    prior = br.from_glmnet(rows["lambda"].iloc[k], 1.0, n_samples=len(y), family="poisson")
    est = BayesianPoissonRegressor(prior, standardize=True).fit(X, y)
    top = np.abs(rows.iloc[:, 6:].to_numpy(dtype=float)).max()
    np.testing.assert_allclose(est.coef_, ref_coef, rtol=0, atol=1e-6 * top)
    np.testing.assert_array_equal(est.coef_ == 0.0, np.abs(ref_coef) <= 1e-12 * top)
    assert est.equivalent_penalty_ is None  # scikit-learn has no L1 Poisson regression


def test_non_integer_rates_are_accepted_like_poisson_regressor_and_negative_values_refused(monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    y = np.exp(0.3 + X[:, 0]) * rng.uniform(0.5, 1.5, 40)  # a rate, not a count
    est = BayesianPoissonRegressor(br.Normal(1.0)).fit(X, y)
    sk = PoissonRegressor(alpha=1.0 / 40, solver="newton-cholesky", tol=1e-14).fit(X, y)
    np.testing.assert_allclose(est.coef_, sk.coef_, rtol=0, atol=1e-7)
    import bayesreg.estimators.base as module

    monkeypatch.setattr(module, "build_model", lambda *a, **k: pytest.fail("a model was built"))
    fresh = BayesianPoissonRegressor(br.Normal(1.0))
    with pytest.raises(ValueError, match=r"non-negative values, got -1\.0 at row 3"):
        fresh.fit(X[:5], np.array([0.0, 1.0, 2.0, -1.0, 3.0]))
    assert not hasattr(fresh, "coef_")


@pytest.mark.filterwarnings("ignore::bayesreg.inference.sampling.SamplingWarning")
def test_nuts_averages_the_expected_count_over_the_posterior():
    X, y = _counts()
    X, y = X.iloc[:80, :3], y[:80]
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = BayesianPoissonRegressor(
            br.Normal(1.0), method="nuts", draws=300, tune=300, chains=2, random_seed=1, progressbar=False
        ).fit(X, y)
    assert not [w for w in caught if "object mode" in str(w.message)]  # found by review
    beta = est.idata_["posterior"]["beta"].values.reshape(-1, 3)
    b0 = est.idata_["posterior"]["intercept"].values.reshape(-1)
    mu = np.exp(b0[:, None] + beta @ X.to_numpy().T)
    np.testing.assert_allclose(est.predict(X), mu.mean(axis=0), rtol=1e-12, atol=0)
    draws = est.idata_["posterior_predictive"]["y_obs"].values
    assert np.all(draws == np.round(draws)) and np.all(draws >= 0)  # predictive draws are counts
    map_fit = BayesianPoissonRegressor(br.Normal(1.0)).fit(X, y)
    assert np.max(np.abs(est.coef_ - map_fit.coef_)) < 0.2


@pytest.mark.parametrize("factor", [1e-20, 1e30])
def test_counts_of_any_scale_start_from_the_intercept_only_fit_and_converge_quietly(factor):
    """Found by review: y * 1e-20 gave a false ConvergenceWarning (lambda_max measured at eta = 0 cancelled to 0),
    y * 1e30 stayed at the start (no step from eta = 0 was in range). The Newton steps now start from
    log(mean(y)), where lambda_max is also measured."""
    import warnings

    X, y = _counts()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scaled = BayesianPoissonRegressor(br.Normal(1e-3)).fit(X, y * factor)
    assert scaled.map_.converged and scaled.map_.certificate <= 1e-8
    # the intercept absorbs log(factor) and the data term scales with the counts: compare with the MAP of a prior
    # whose weight is scaled alike (l2 * factor), on the original counts
    reference = BayesianPoissonRegressor(br.Normal(1e-3 * np.sqrt(factor))).fit(X, y)
    np.testing.assert_allclose(scaled.coef_, reference.coef_, rtol=1e-8, atol=0)
    assert scaled.intercept_ - np.log(factor) == pytest.approx(reference.intercept_, rel=0, abs=1e-8)


def test_one_enormous_count_is_fit_without_overflow_warnings():
    import warnings

    X, y = _counts()
    y = y.copy()
    y[0] = 1e300
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = BayesianPoissonRegressor(br.Normal(1.0)).fit(X, y)
    assert est.map_.converged and est.map_.certificate <= 1e-8
    assert np.isfinite(est.intercept_) and np.all(np.isfinite(est.coef_))


def test_exposure_is_an_offset_and_the_equivalent_penalty_fits_the_weighted_rates():
    X, y = _counts()
    rng = np.random.default_rng(0)
    exposure = rng.uniform(0.5, 20.0, size=len(y))
    counts = rng.poisson(exposure * (y + 0.5) / 4.0).astype(float)
    sw = rng.uniform(0.0, 2.0, size=len(y))
    est = BayesianPoissonRegressor(br.Normal(0.3), standardize=True).fit(X, counts, sample_weight=sw, exposure=exposure)
    Xs = (X - np.average(X, axis=0, weights=sw)) / np.sqrt(np.cov(X.T, aweights=sw, bias=True).diagonal())
    sk = clone(est.equivalent_penalty_).set_params(solver="newton-cholesky", tol=1e-12, max_iter=10_000)
    sk.fit(Xs, counts / exposure, sample_weight=sw * exposure)
    np.testing.assert_allclose(est.map_.coef, sk.coef_, rtol=0, atol=1e-8 * np.abs(sk.coef_).max())
    assert est.map_.certificate <= 1e-8
    rate = est.predict(X)
    np.testing.assert_allclose(est.predict(X, exposure=exposure), exposure * rate, rtol=1e-15)
    np.testing.assert_allclose(rate, sk.predict(Xs), rtol=1e-8)
    with pytest.warns(UserWarning, match="fitted with exposure= but none is given here"):
        rates_against_counts = est.score(X, counts)
    assert est.score(X, counts, exposure=exposure) > rates_against_counts


def test_exposure_reaches_score_in_a_grid_search_through_metadata_routing():
    """As the score docstring says: with routing on, GridSearchCV scores each fold with its rows' exposures (the
    same D^2 as scoring the best estimator by hand on the same split), and nothing warns."""
    import sklearn
    from sklearn.model_selection import GridSearchCV, KFold

    X, y = _counts()
    X = np.asarray(X)
    rng = np.random.default_rng(3)
    exposure = rng.uniform(0.5, 20.0, size=len(y))
    counts = rng.poisson(exposure * (y + 0.5) / 4.0).astype(float)
    folds = KFold(3)
    with sklearn.config_context(enable_metadata_routing=True):
        est = BayesianPoissonRegressor(br.Normal(1.0)).set_fit_request(exposure=True).set_score_request(exposure=True)
        search = GridSearchCV(est, {"prior__scale": [0.1, 1.0]}, cv=folds).fit(X, counts, exposure=exposure)
    train, test = next(folds.split(X))
    by_hand = BayesianPoissonRegressor(br.Normal(search.best_params_["prior__scale"]))
    by_hand.fit(X[train], counts[train], exposure=exposure[train])
    first_fold = search.cv_results_["split0_test_score"][search.best_index_]
    assert first_fold == pytest.approx(by_hand.score(X[test], counts[test], exposure=exposure[test]), rel=1e-12, abs=0)
    assert first_fold > 0


@pytest.mark.parametrize(
    "exposure, message",
    [([1.0, 2.0], r"exposure must have shape"), (-1.0, r"exposure must be positive, got -1.0 at row 0")],
)
def test_bad_exposure_is_refused_naming_it(exposure, message):
    X, y = _counts()
    values = np.full(len(y), exposure) if np.ndim(exposure) == 0 else np.asarray(exposure)
    est = BayesianPoissonRegressor(br.Normal(1.0))
    with pytest.raises(ValueError, match=message):
        est.fit(X, y, exposure=values)
    assert not hasattr(est, "coef_")
    with pytest.raises(TypeError, match="exposure must be numeric"):
        est.fit(X, y, exposure=np.array(["a"] * len(y)))
