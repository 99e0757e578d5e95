import numpy as np
import pytest

from bayesreg.conversions import PenaltyWeights
from bayesreg.design import Scaling, column_scales, power_of_two, robust_std


@pytest.mark.parametrize("factor", [1e-300, 1e-150, 1.0, 1e150, 1e300])
def test_column_scales_hold_at_every_scale(factor):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3)) * [1.0, 2.0, 0.5] + [3.0, -1.0, 0.0]
    np.testing.assert_allclose(column_scales(X * factor) / factor, X.std(axis=0), rtol=1e-13)
    np.testing.assert_allclose(
        column_scales(X * factor, center=False) / factor, np.sqrt(np.mean(X**2, axis=0)), rtol=1e-13
    )
    assert robust_std(X[:, 1] * factor) / factor == pytest.approx(X[:, 1].std(), rel=1e-13)


def test_constant_and_subnormal_columns():
    X = np.column_stack([np.full(5, 7.0), np.arange(5.0) * 5e-324, np.zeros(5)])
    scales = column_scales(X)
    assert scales[0] == 0.0 and scales[2] == 0.0
    assert scales[1] > 0  # a subnormal column still has a spread


def test_power_of_two_is_exact_and_near():
    values = np.array([3.0, 1e-300, 1e300, 0.0, np.inf])
    out = power_of_two(values)
    assert np.all(np.log2(out) == np.round(np.log2(out)))
    np.testing.assert_allclose(np.log2(out[:3]), np.log2(values[:3]), atol=0.5)
    assert out[3] == 1.0 and out[4] == 1.0


def test_scaling_round_trips_coefficients_and_intercept():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 4)) * [1e-3, 1.0, 1e4, 5.0] + 1e6
    y = rng.normal(size=40) * 1e5
    sc = Scaling.from_data(X, y, fit_intercept=True, sigma=None)
    beta, b0 = rng.normal(size=4), 3.0
    beta_w = sc.beta_to_working(beta)
    b0_w = sc.intercept_to_working(b0, beta)
    np.testing.assert_allclose(sc.beta_from_working(beta_w), beta, rtol=1e-15)
    assert sc.intercept_from_working(b0_w, beta) == pytest.approx(b0, rel=1e-9, abs=1e-9)
    # residuals are the same up to the factor t
    resid = y - b0 - X @ beta
    resid_w = sc.y(y) - b0_w - sc.x(X) @ beta_w
    np.testing.assert_allclose(resid_w * sc.y_scale, resid, rtol=1e-7, atol=1e-7 * np.abs(resid).max())
    # an i.i.d. penalty becomes the per-coordinate one with the same value
    weights = PenaltyWeights(0.7, 0.2)
    l1, l2 = sc.weights(weights)
    assert l1 @ np.abs(beta_w) + l2 @ beta_w**2 == pytest.approx(weights.penalty(beta), rel=1e-14)


def test_scaling_refuses_what_float64_cannot_hold():
    X = np.array([[1.0], [2.0], [3.0]])
    with pytest.raises(ValueError, match="sigma=.* too small for y"):
        Scaling.from_data(X, np.array([1e300, -1e300, 0.0]), fit_intercept=True, sigma=1e-300)
    sc = Scaling.from_data(X, np.array([1.0, 2.0, 4.0]), fit_intercept=True, sigma=1e300)
    with pytest.raises(ValueError, match="prior: its penalty weights"):
        sc.weights(PenaltyWeights(1e300, 0.0))


def test_column_scales_keep_the_digits_of_offset_columns():
    """Dividing by the peak before centring lost 12 digits of a column offset by 1e12."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=200)
    shifted = x + 1e12
    exact = (shifted - 1e12).std()  # the deviations the shifted column actually holds
    assert column_scales(shifted[:, None])[0] == pytest.approx(exact, rel=1e-13)
    huge = np.array([[1e308], [-1e308], [0.0]])
    assert column_scales(huge)[0] == pytest.approx(1e308 * np.sqrt(2 / 3), rel=1e-14)
