import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from bayesreg.data.noise import estimate_noise_scale


def test_least_squares_residual_sd(diabetes_std):
    X, y = diabetes_std
    resid = y - LinearRegression().fit(X, y).predict(X)
    expected = np.sqrt(resid @ resid / (len(y) - X.shape[1] - 1))
    est = estimate_noise_scale(X, y)
    assert est.method == "least squares"
    assert est.sigma == pytest.approx(expected, rel=1e-12, abs=0)
    no_intercept = estimate_noise_scale(X, y - y.mean(), fit_intercept=False)
    resid = (y - y.mean()) - LinearRegression(fit_intercept=False).fit(X, y - y.mean()).predict(X)
    assert no_intercept.sigma == pytest.approx(np.sqrt(resid @ resid / (len(y) - X.shape[1])), rel=1e-12, abs=0)


@pytest.mark.parametrize("factor", [1e-200, 1e200])
def test_estimate_follows_the_units_of_y(diabetes_std, factor):
    X, y = diabetes_std
    assert estimate_noise_scale(X * 1e-100, y * factor).sigma == pytest.approx(
        estimate_noise_scale(X, y).sigma * factor, rel=1e-10, abs=0
    )


def test_p_greater_than_n_uses_cross_validated_ridge():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 200))
    y = X[:, :5] @ np.full(5, 1.0) + rng.normal(size=60) * 0.5
    est = estimate_noise_scale(X, y)
    assert est.method == "ridge LOO"
    assert 0.5 < est.sigma < 3.0  # an overestimate (ridge is a poor fit to a sparse signal), not 0 or 100


def test_exact_fit_is_refused():
    X = np.arange(20.0).reshape(10, 2)
    with pytest.raises(ValueError, match="fit exactly"):
        estimate_noise_scale(X, X @ [1.0, 2.0] + 3.0)


# ---- tests sharpened by mutation testing (mutation/README.md) ----


@pytest.mark.parametrize("seed, n, p, signal", [(0, 40, 60, 0.3), (2, 40, 60, 0.3), (0, 200, 260, 0.05)])
def test_ridge_loo_estimate_is_the_smallest_loo_error(seed, n, p, signal):
    """p > n with a dense signal: the estimate is the root of the smallest mean leave-one-out squared error of a
    ridge fit over alpha (an interior minimum here), to the resolution of a 41-point grid."""
    from sklearn.linear_model import RidgeCV

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    X = (X - X.mean(axis=0)) / X.std(axis=0)  # unit columns: the working coordinates' ridge is this ridge
    y = X @ rng.normal(size=p) * signal + rng.normal(size=n)  # a weak signal: a large alpha (744 for n = 200)
    est = estimate_noise_scale(X, y)
    assert est.method == "ridge LOO"
    alphas = np.geomspace(1e-3, 1e6, 400)
    loo = RidgeCV(alphas=alphas, store_cv_results=True).fit(X, y).cv_results_.mean(axis=0)
    assert 10 * alphas[0] < alphas[loo.argmin()] < alphas[-1] / 10
    best = np.sqrt(loo.min())
    assert best * (1 - 1e-9) <= est.sigma <= best * 1.01


def test_least_squares_with_dependent_columns_counts_the_rank():
    """A duplicated column does not add a degree of freedom: sqrt(RSS / (n - rank - 1))."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(30, 4))
    X = np.column_stack([X, X[:, 0]])
    y = X[:, :4] @ [1.0, -2.0, 0.5, 0.0] + rng.normal(size=30)
    resid = y - LinearRegression().fit(X, y).predict(X)
    est = estimate_noise_scale(X, y)
    assert est.method == "least squares"
    assert est.sigma == pytest.approx(np.sqrt(resid @ resid / (30 - 4 - 1)), rel=1e-10, abs=0)


def test_just_enough_rows_for_least_squares():
    """n = p + 2 with an intercept: one degree of freedom, still least squares; n = p + 1: ridge LOO."""
    rng = np.random.default_rng(6)
    X = rng.normal(size=(7, 5))
    y = X @ np.ones(5) + rng.normal(size=7)
    resid = y - LinearRegression().fit(X, y).predict(X)
    est = estimate_noise_scale(X, y)
    assert est.method == "least squares"
    assert est.sigma == pytest.approx(np.sqrt(resid @ resid / 1), rel=1e-10, abs=0)
    assert estimate_noise_scale(X[:6], y[:6]).method == "ridge LOO"
    assert estimate_noise_scale(X[:6], y[:6], fit_intercept=False).method == "least squares"
    assert estimate_noise_scale(X[:5], y[:5], fit_intercept=False).method == "ridge LOO"


def test_least_squares_without_intercept_on_uncentred_data():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(25, 3)) + [2.0, -1.0, 5.0]
    y = X @ [1.0, 0.5, -0.2] + 10.0 + rng.normal(size=25)
    resid = y - LinearRegression(fit_intercept=False).fit(X, y).predict(X)
    est = estimate_noise_scale(X, y, fit_intercept=False)
    assert est.sigma == pytest.approx(np.sqrt(resid @ resid / (25 - 3)), rel=1e-10, abs=0)
    resid1 = y - LinearRegression().fit(X, y).predict(X)
    assert estimate_noise_scale(X, y).sigma == pytest.approx(np.sqrt(resid1 @ resid1 / (25 - 4)), rel=1e-10, abs=0)


def test_noise_estimate_is_immutable():
    import dataclasses

    est = estimate_noise_scale(np.arange(12.0).reshape(6, 2) ** 1.5, np.array([1.0, 3.0, 2.0, 5.0, 4.0, 7.0]))
    with pytest.raises(dataclasses.FrozenInstanceError):
        est.sigma = 1.0


def test_sigma_mismatch_factor_is_the_documented_three():
    """BayesianRegression(sigma=...) documents it: a fixed value more than a factor of 3 away from the data's
    estimate is warned about."""
    from bayesreg.data.noise import SIGMA_MISMATCH_FACTOR

    assert SIGMA_MISMATCH_FACTOR == 3.0
