import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge

import bayesreg as br


@pytest.mark.parametrize(
    "estimator",
    [Ridge(alpha=5.0), Lasso(alpha=0.5), ElasticNet(alpha=0.5, l1_ratio=0.3), Lasso(alpha=0.5, fit_intercept=False)],
    ids=["ridge", "lasso", "enet", "lasso-no-intercept"],
)
def test_compare_agrees_to_round_off(diabetes_std, estimator):
    X, y = diabetes_std
    result = br.compare(X, y, estimator, sigma=45.0)
    scale = np.abs(result.penalty_coef).max()
    assert result.max_abs_diff <= 1e-8 * max(scale, np.abs(y).max())
    assert result.support_agrees
    assert result.certificate <= 1e-10
    assert result.objective_map == pytest.approx(result.objective_penalty_fit, rel=1e-12, abs=0)
    # the MAP is the minimizer: never above the penalty fit beyond round-off
    assert result.objective_map <= result.objective_penalty_fit * (1 + 1e-12)
    assert result.prior == br.from_sklearn(estimator, sigma=45.0, n_samples=X.shape[0])
    if isinstance(estimator, Ridge):
        assert result.max_abs_diff_closed_form <= 1e-10 * scale
    else:
        assert result.closed_form is None and result.max_abs_diff_closed_form is None
    # the estimator passed in is not fitted in place
    assert not hasattr(estimator, "coef_")


def test_compare_table_lists_every_feature(diabetes_std):
    X, y = br.datasets.load_prostate(standardize=True)
    result = br.compare(X, y, Ridge(alpha=1.0), sigma=0.7)
    text = str(result)
    lines = text.splitlines()
    header = next(line for line in lines if line.strip().startswith("feature"))
    for col in ["feature", "Ridge", "closed form", "MAP", "difference"]:
        assert col in header
    for name in X.columns:
        assert any(line.strip().startswith(name) for line in lines)
    assert "(intercept)" in text
    assert "certificate" in text and "support agrees: True" in text
    assert result.feature_names == list(X.columns)


def test_compare_shows_a_real_difference_with_a_loose_tolerance(diabetes_std):
    X, y = diabetes_std
    loose = br.compare(X, y, Lasso(alpha=0.05, tol=1e-1), sigma=45.0, tol=None)
    tight = br.compare(X, y, Lasso(alpha=0.05), sigma=45.0)
    assert loose.max_abs_diff > 100 * tight.max_abs_diff


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"estimator": LinearRegression()}, TypeError, "estimator must be"),
        ({"estimator": "lasso"}, TypeError, "estimator must be"),
        ({"sigma": 0.0}, ValueError, "sigma must be > 0"),
        ({"sigma": float("inf")}, ValueError, "sigma must be finite"),
        ({"estimator": Lasso(positive=True)}, ValueError, "positive"),
        ({"estimator": Ridge(alpha=-1.0)}, ValueError, "alpha must be > 0"),
        ({"estimator": ElasticNet(l1_ratio=1.5)}, ValueError, "l1_ratio must lie in"),
    ],
)
def test_compare_bad_arguments(diabetes_std, kwargs, error, match):
    X, y = diabetes_std
    args = {"estimator": Lasso(alpha=1.0), "sigma": 1.0, **kwargs}
    with pytest.raises(error, match=match):
        br.compare(X, y, args.pop("estimator"), **args)


def test_compare_bad_data():
    X = pd.DataFrame({"a": [1.0, 2.0, np.nan], "b": [1.0, 0.0, 1.0]})
    with pytest.raises(ValueError, match="Input X contains NaN"):
        br.compare(X, [1.0, 2.0, 3.0], Lasso(), sigma=1.0)
    with pytest.raises(ValueError, match="same number of samples"):
        br.compare(np.ones((3, 2)), [1.0, 2.0], Lasso(), sigma=1.0)


# --- the logistic and Poisson likelihoods ----------------------------------------------------------------------


def test_compare_logistic_and_poisson_fits():
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression, PoissonRegressor

    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    labels = np.where(y == 1, "benign", "malignant")  # any two labels; the MAP's 1 is classes_[1]
    result = br.compare(X, labels, LogisticRegression(C=0.1, l1_ratio=1.0, solver="saga"))
    assert result.family == "binomial" and result.sigma is None and isinstance(result.prior, br.Laplace)
    assert result.max_abs_diff <= 1e-7 and result.support_agrees and result.certificate <= 1e-10
    assert np.count_nonzero(result.map_coef == 0.0) >= 10
    assert result.objective_map <= result.objective_penalty_fit + 1e-9
    assert "(binomial likelihood)" in result.summary()
    rng = np.random.default_rng(0)
    Xp = rng.standard_normal((300, 5))
    yp = rng.poisson(np.exp(0.5 + Xp @ np.array([0.3, -0.2, 0.0, 0.0, 0.1])))
    result = br.compare(Xp, yp, PoissonRegressor(alpha=0.01, solver="newton-cholesky"))
    assert result.max_abs_diff <= 1e-10 and isinstance(result.prior, br.Normal)
    assert result.objective_map == pytest.approx(result.objective_penalty_fit, rel=1e-12, abs=0)


def test_compare_refuses_what_has_no_twin_or_needs_another_setting():
    from sklearn.linear_model import LogisticRegression, PoissonRegressor, Ridge

    X = np.random.default_rng(1).standard_normal((40, 3))
    y01 = (X[:, 0] > 0).astype(int)
    with pytest.raises(TypeError, match="sigma is required for Ridge"):
        br.compare(X, X[:, 1], Ridge())
    with pytest.raises(TypeError, match="binomial likelihood has no noise scale"):
        br.compare(X, y01, LogisticRegression(), sigma=1.0)
    with pytest.raises(ValueError, match="liblinear"):
        br.compare(X, y01, LogisticRegression(solver="liblinear"))
    with pytest.raises(ValueError, match="exactly 2 classes, got 3"):
        br.compare(X, np.arange(40) % 3, LogisticRegression())
    with pytest.raises(ValueError, match="non-negative"):
        br.compare(X, X[:, 1], PoissonRegressor())


@pytest.mark.parametrize(
    "estimator",
    [Ridge(alpha=5.0), Lasso(alpha=0.5), ElasticNet(alpha=0.5, l1_ratio=0.3)],
    ids=["ridge", "lasso", "enet"],
)
def test_compare_with_weights_in_memory_and_on_dask_input(diabetes_std, estimator):
    """scikit-learn's weighted fit and the weighted MAP agree; on Dask input both run on the summary rows of the
    data's statistics and give the in-memory comparison."""
    import dask.array as da

    X, y = diabetes_std
    weight = np.random.default_rng(3).uniform(0.0, 3.0, X.shape[0])
    result = br.compare(X, y, estimator, sigma=45.0, sample_weight=weight)
    assert result.max_abs_diff <= 1e-8 * np.abs(result.penalty_coef).max() and result.support_agrees
    assert result.objective_map == pytest.approx(result.objective_penalty_fit, rel=1e-12, abs=0)
    assert result.prior == br.from_sklearn(estimator, sigma=45.0, n_samples=float(weight.sum()))
    if isinstance(estimator, Ridge):
        assert result.max_abs_diff_closed_form <= 1e-10 * np.abs(result.penalty_coef).max()
    lazy = br.compare(
        da.from_array(np.asarray(X), chunks=(100, 5)), da.from_array(np.asarray(y), chunks=150), estimator,
        sigma=45.0, sample_weight=da.from_array(weight, chunks=120),
    )  # fmt: skip
    np.testing.assert_array_equal(lazy.map_coef == 0.0, result.map_coef == 0.0)
    np.testing.assert_allclose(lazy.map_coef, result.map_coef, rtol=0, atol=1e-10 * np.abs(result.map_coef).max())
    assert lazy.objective_map == pytest.approx(result.objective_map, rel=1e-12, abs=0)
    np.testing.assert_allclose(
        lazy.penalty_coef, result.penalty_coef, rtol=0, atol=1e-8 * np.abs(result.map_coef).max()
    )


def test_compare_on_dask_input_refuses_the_families_scikit_learn_fits_in_memory():
    import dask.array as da
    from sklearn.linear_model import LogisticRegression

    X = da.from_array(np.random.default_rng(0).normal(size=(200, 3)), chunks=50)
    with pytest.raises(ValueError, match="compare on Dask input with LogisticRegression.*sample in memory"):
        br.compare(X, da.from_array(np.arange(200) % 2, chunks=50), LogisticRegression())
