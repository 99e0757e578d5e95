"""BayesianLogisticRegression: a scikit-learn classifier whose MAP is LogisticRegression's fit and whose NUTS
posterior averages the predicted probability."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

import bayesreg as br
from bayesreg import BayesianLogisticRegression


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    return X, y


@pytest.mark.parametrize(
    "estimator",
    [
        BayesianLogisticRegression(br.Normal(1.0)),
        BayesianLogisticRegression(br.ElasticNet(1.0, 0.5), standardize=True, fit_intercept=False),
    ],
    ids=["normal", "enet-standardized-no-intercept"],
)
def test_check_estimator(estimator):
    results = check_estimator(estimator, on_fail=None)
    failed = {r["check_name"]: r["exception"] for r in results if r["status"] == "failed"}
    assert len(results) > 40
    assert not failed


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::bayesreg.inference.sampling.SamplingWarning")
def test_check_estimator_sampling_mode():
    estimator = BayesianLogisticRegression(
        br.Normal(1.0),
        method="nuts",
        draws=30,
        tune=30,
        chains=2,
        cores=1,
        random_seed=0,
        progressbar=False,
        nuts_sampler="pymc",
    )
    results = check_estimator(estimator, on_fail=None)
    failed = {r["check_name"]: r["exception"] for r in results if r["status"] == "failed"}
    assert len(results) > 40
    # weights and repeated rows give the same posterior (tests/test_model.py compares the densities) but
    # not the same NUTS draws: the trajectories of two runs through rows in another order part ways
    error = failed.pop("check_sample_weight_equivalence_on_dense_data")
    assert isinstance(error, AssertionError) and "Not equal to tolerance" in str(error)
    assert not failed


@pytest.mark.parametrize("prior", [br.Normal(0.3), br.Laplace(0.05), br.ElasticNet(4.0, 2.0)], ids=str)
def test_map_is_logistic_regression_on_the_original_scale(cancer, prior):
    X, y = cancer
    Xs = StandardScaler().fit_transform(X)
    est = BayesianLogisticRegression(prior).fit(Xs, y)
    reference = clone(est.equivalent_penalty_).set_params(tol=1e-14, max_iter=100_000)
    if reference.l1_ratio == 0:
        reference.set_params(solver="newton-cholesky")
    reference.fit(Xs, y)
    largest = np.max(np.abs(reference.coef_))
    tol = 1e-6 if reference.l1_ratio == 0 else 1e-4  # saga, the only solver of an L1 part with a flat intercept
    assert est.coef_.shape == (1, X.shape[1]) and est.intercept_.shape == (1,)
    assert np.max(np.abs(est.coef_ - reference.coef_)) <= tol * largest
    assert est.map_.certificate <= 1e-8
    if prior.weights.l1 > 0:
        assert 0 < np.count_nonzero(est.coef_) < X.shape[1] and np.all(est.coef_[np.abs(est.coef_) < 1e-300] == 0.0)
    np.testing.assert_allclose(est.predict_proba(Xs), reference.predict_proba(Xs), rtol=0, atol=1e-6)
    assert np.mean(est.predict(Xs) == reference.predict(Xs)) >= 0.998


def test_standardize_puts_the_prior_on_standardized_columns(cancer):
    X, y = cancer
    est = BayesianLogisticRegression(br.Normal(0.3), standardize=True).fit(X, y)
    on_standardized = BayesianLogisticRegression(br.Normal(0.3)).fit((X - X.mean()) / X.std(ddof=0), y)
    np.testing.assert_allclose(est.coef_ * X.std(ddof=0).to_numpy(), on_standardized.coef_, rtol=1e-9, atol=0)
    np.testing.assert_allclose(
        est.decision_function(X),
        on_standardized.decision_function((X - X.mean()) / X.std(ddof=0)),
        rtol=1e-9,
        atol=1e-9,
    )


def test_string_and_boolean_labels_keep_their_order():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 2))
    y_num = (X[:, 0] + 0.5 * rng.standard_normal(60) > 0).astype(int)
    numeric = BayesianLogisticRegression(br.Normal(1.0)).fit(X, y_num)
    strings = BayesianLogisticRegression(br.Normal(1.0)).fit(X, np.where(y_num == 1, "yes", "no"))
    booleans = BayesianLogisticRegression(br.Normal(1.0)).fit(X, y_num == 1)
    assert list(strings.classes_) == ["no", "yes"] and list(booleans.classes_) == [False, True]
    np.testing.assert_allclose(strings.coef_, numeric.coef_, rtol=1e-12, atol=0)
    np.testing.assert_allclose(booleans.predict_proba(X), numeric.predict_proba(X), rtol=1e-12, atol=0)
    assert set(strings.predict(X)) <= {"no", "yes"}


@pytest.mark.parametrize(
    "y, match",
    [
        (np.array([0, 1, 2] * 10), "Only binary classification is supported"),
        (np.ones(30), "2 classes, got 1 class"),
        (np.linspace(0, 1, 30), "Unknown label type"),
    ],
)
def test_bad_targets_are_refused_before_anything_is_compiled(y, match, monkeypatch):
    import bayesreg.estimators.base as module

    monkeypatch.setattr(module, "build_model", lambda *a, **k: pytest.fail("a model was built"))
    X = np.random.default_rng(1).standard_normal((30, 2))
    est = BayesianLogisticRegression(br.Normal(1.0))
    with pytest.raises(ValueError, match=match):
        est.fit(X, y)
    assert not hasattr(est, "classes_")


@pytest.mark.filterwarnings("ignore::bayesreg.inference.sampling.SamplingWarning")
def test_nuts_averages_the_probability_over_the_posterior():
    rng = np.random.default_rng(2)
    X = pd.DataFrame(rng.standard_normal((80, 3)), columns=["a", "b", "c"])
    y = (rng.random(80) < 1 / (1 + np.exp(-(1.5 * X["a"] - X["b"])))).astype(int)
    est = BayesianLogisticRegression(
        br.Normal(2.0), method="nuts", draws=300, tune=300, chains=2, random_seed=3, progressbar=False
    ).fit(X, y)
    beta = est.idata_["posterior"]["beta"].values.reshape(-1, 3)
    b0 = est.idata_["posterior"]["intercept"].values.reshape(-1)
    p_draws = 1 / (1 + np.exp(-(b0[:, None] + beta @ X.to_numpy().T)))
    np.testing.assert_allclose(est.predict_proba(X)[:, 1], p_draws.mean(axis=0), rtol=1e-12, atol=0)
    np.testing.assert_allclose(est.coef_[0], beta.mean(axis=0), rtol=1e-12, atol=0)
    interval = est.predict_proba_interval(X, prob=0.8)
    np.testing.assert_allclose(interval, np.quantile(p_draws, [0.1, 0.9], axis=0).T, rtol=1e-12, atol=0)
    assert np.all(interval[:, 0] <= est.predict_proba(X)[:, 1]) and np.all(est.predict_proba(X)[:, 1] <= interval[:, 1])
    assert list(est.idata_["posterior"]["beta"].coords["feature"].values) == ["a", "b", "c"]
    assert "sigma" not in est.idata_["posterior"] and "y_obs" in est.idata_["posterior_predictive"]
    # the posterior mean sits near the MAP for 80 points and a weak prior
    map_fit = BayesianLogisticRegression(br.Normal(2.0)).fit(X, y)
    assert np.max(np.abs(est.coef_ - map_fit.coef_)) < 0.5


def test_interval_needs_the_posterior():
    X = np.random.default_rng(1).standard_normal((30, 2))
    est = BayesianLogisticRegression(br.Normal(1.0)).fit(X, X[:, 0] > 0)
    with pytest.raises(ValueError, match="predict_proba_interval needs the posterior"):
        est.predict_proba_interval(X)
    assert isinstance(est.equivalent_penalty_, LogisticRegression) and est.equivalent_penalty_.C == pytest.approx(
        1.0, rel=1e-15, abs=0
    )


def test_log_probabilities_do_not_underflow_where_a_class_is_certain():
    """Found by review: log(predict_proba) gave -inf with a divide-by-zero warning on separable data."""
    import warnings

    rng = np.random.default_rng(5)
    X = rng.standard_normal((100, 2))
    y = (X[:, 0] > 0).astype(int)
    est = BayesianLogisticRegression(br.Normal(1e4)).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_proba = est.predict_log_proba(X)
    assert np.all(np.isfinite(log_proba)) and np.min(log_proba) < -745  # below log(tiny): exp() would be 0
    proba = est.predict_proba(X)
    ok = (proba > 1e-300) & (proba < 0.5)  # the smaller probability of a row is computed without cancellation
    np.testing.assert_allclose(log_proba[ok], np.log(proba[ok]), rtol=1e-12, atol=0)
    np.testing.assert_allclose(np.exp(log_proba).sum(axis=1), 1.0, rtol=1e-14, atol=0)


def test_weighted_fit_standardizes_with_the_weights_and_weight_two_is_a_repeated_row(cancer):
    X, y = cancer
    sw = np.random.default_rng(0).uniform(0.0, 3.0, size=len(y))
    est = BayesianLogisticRegression(br.Laplace(0.05), standardize=True).fit(X, y, sample_weight=sw)
    center = np.average(X, axis=0, weights=sw)
    Xs = (X - center) / np.sqrt(np.average((X - center) ** 2, axis=0, weights=sw))
    # standardize=True uses the weighted means and sds (glmnet's convention)
    ref = br.BayesianLogisticRegression(br.Laplace(0.05)).fit(Xs, y, sample_weight=sw)
    np.testing.assert_allclose(est.map_.coef, ref.coef_[0], rtol=0, atol=1e-10)
    np.testing.assert_array_equal(est.map_.coef == 0, ref.coef_[0] == 0)
    assert est.equivalent_penalty_.C == pytest.approx(0.05) and est.equivalent_penalty_.l1_ratio == 1.0
    # one observation with weight 2 is that observation twice
    twice = np.r_[np.arange(len(y)), [0]]
    weights = np.ones(len(y))
    weights[0] = 2.0
    a = BayesianLogisticRegression(br.Normal(1.0)).fit(X, y, sample_weight=weights)
    b = BayesianLogisticRegression(br.Normal(1.0)).fit(X.iloc[twice], y.iloc[twice])
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-9)


@pytest.mark.parametrize(
    "sample_weight, exc, message",
    [
        (-1.0, ValueError, "sample_weight must be non-negative, got -1.0 at row 0"),
        (0.0, ValueError, "every weight is zero"),
        ([1.0, 1.0], ValueError, r"sample_weight must have shape \(569,\)"),
        ("heavy", TypeError, "sample_weight must be numeric"),
    ],
)
def test_bad_sample_weight_is_refused_before_anything_is_fitted(cancer, sample_weight, exc, message):
    X, y = cancer
    est = BayesianLogisticRegression(br.Normal(1.0))
    with pytest.raises(exc, match=message):
        est.fit(X, y, sample_weight=sample_weight)
    assert not hasattr(est, "coef_")


def test_a_class_present_only_with_weight_zero_is_refused(cancer):
    X, y = cancer
    sw = (y == 1).astype(float)
    with pytest.raises(ValueError, match="every label of positive weight is 1"):
        BayesianLogisticRegression(br.Normal(1.0)).fit(X, y, sample_weight=sw)


def test_a_zero_penalty_factor_leaves_a_column_unpenalized(cancer):
    X, y = cancer
    factor = np.ones(X.shape[1])
    factor[3] = 0.0
    est = BayesianLogisticRegression(br.Laplace(1e-4, penalty_factor=factor), standardize=True).fit(X, y)
    assert est.equivalent_penalty_ is None and est.map_.certificate <= 1e-8
    assert np.flatnonzero(est.coef_[0]).tolist() == [3]  # a prior this strong zeroes every penalized coefficient
    # the unpenalized coefficient is the intercept-plus-one-column logistic fit
    alone = LogisticRegression(C=np.inf, tol=1e-12, max_iter=1000).fit(X.iloc[:, [3]], y)
    assert est.coef_[0, 3] == pytest.approx(alone.coef_[0, 0], rel=1e-6, abs=0)
    with pytest.raises(ValueError, match="penalty_factor has 30 entries but the model has 2 coefficients"):
        clone(est).fit(X.iloc[:, :2], y)
