import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from bayesreg.noise import estimate_noise_scale


def test_least_squares_residual_sd(diabetes_std):
    X, y = diabetes_std
    resid = y - LinearRegression().fit(X, y).predict(X)
    expected = np.sqrt(resid @ resid / (len(y) - X.shape[1] - 1))
    est = estimate_noise_scale(X, y)
    assert est.method == "least squares"
    assert est.sigma == pytest.approx(expected, rel=1e-12)
    no_intercept = estimate_noise_scale(X, y - y.mean(), fit_intercept=False)
    resid = (y - y.mean()) - LinearRegression(fit_intercept=False).fit(X, y - y.mean()).predict(X)
    assert no_intercept.sigma == pytest.approx(np.sqrt(resid @ resid / (len(y) - X.shape[1])), rel=1e-12)


@pytest.mark.parametrize("factor", [1e-200, 1e200])
def test_estimate_follows_the_units_of_y(diabetes_std, factor):
    X, y = diabetes_std
    assert estimate_noise_scale(X * 1e-100, y * factor).sigma == pytest.approx(
        estimate_noise_scale(X, y).sigma * factor, rel=1e-10
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
