import numpy as np
import pytest

from bayesreg.conversions import PenaltyWeights
from bayesreg.data.design import Scaling, Standardization, column_scales, power_of_two, robust_std


@pytest.mark.parametrize("factor", [1e-300, 1e-150, 1.0, 1e150, 1e300])
def test_column_scales_hold_at_every_scale(factor):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3)) * [1.0, 2.0, 0.5] + [3.0, -1.0, 0.0]
    np.testing.assert_allclose(column_scales(X * factor) / factor, X.std(axis=0), rtol=1e-13)
    np.testing.assert_allclose(
        column_scales(X * factor, center=False) / factor, np.sqrt(np.mean(X**2, axis=0)), rtol=1e-13
    )
    assert robust_std(X[:, 1] * factor) / factor == pytest.approx(X[:, 1].std(), rel=1e-13, abs=0)


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
    assert l1 @ np.abs(beta_w) + l2 @ beta_w**2 == pytest.approx(weights.penalty(beta), rel=1e-14, abs=0)


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
    assert column_scales(shifted[:, None])[0] == pytest.approx(exact, rel=1e-13, abs=0)
    huge = np.array([[1e308], [-1e308], [0.0]])
    assert column_scales(huge)[0] == pytest.approx(1e308 * np.sqrt(2 / 3), rel=1e-14, abs=0)


# ---- tests sharpened by mutation testing (mutation/README.md) ----


def test_column_scales_of_columns_whose_deviations_overflow():
    """Columns spanning -1.7e308..1.7e308 (their deviations from the mean overflow) next to ordinary and zero
    columns, 5 rows x 4 columns: each sd equals f times the sd of the column divided by a power of two f (exact)."""
    X = np.array(
        [
            [1.7e308, 1.0, 0.0, -1.0e308],
            [1.7e308, 2.0, 0.0, 1.0e308],
            [-1.7e308, 3.0, 0.0, 1.7e308],
            [1.0e308, 5.0, 0.0, 1.7e308],
            [-1.0e308, 8.0, 0.0, 1.7e308],
        ]
    )
    f = np.array([2.0**600, 1.0, 1.0, 2.0**600])  # per column, so that neither the square overflows nor underflows
    np.testing.assert_allclose(column_scales(X), f * (X / f).std(axis=0), rtol=1e-13)
    assert column_scales(X)[2] == 0.0
    np.testing.assert_allclose(column_scales(X, center=False), f * np.sqrt(np.mean((X / f) ** 2, axis=0)), rtol=1e-13)


def test_constant_columns_give_zero_without_warnings():
    import warnings

    X = np.column_stack([np.full(6, 3.0), np.zeros(6), np.arange(6.0)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scales = column_scales(X)
        rms = column_scales(X, center=False)
    np.testing.assert_array_equal(scales[:2], [0.0, 0.0])
    assert scales[2] == pytest.approx(np.arange(6.0).std(), rel=1e-15, abs=0)
    np.testing.assert_allclose(rms, [3.0, 0.0, np.sqrt(np.mean(np.arange(6.0) ** 2))], rtol=1e-15)


def test_scaling_without_intercept_neither_centres_nor_uses_means():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(30, 3)) * [1.0, 100.0, 0.01] + [5.0, 0.0, -2.0]
    y = rng.normal(size=30) * 7.0 + 40.0
    sc = Scaling.from_data(X, y, fit_intercept=False, sigma=None)
    np.testing.assert_array_equal(sc.x_center, np.zeros(3))
    assert sc.y_center == 0.0
    np.testing.assert_array_equal(sc.x_scale, power_of_two(np.sqrt(np.mean(X**2, axis=0))))
    assert sc.y_scale == power_of_two(np.sqrt(np.mean(y**2)))
    # with an intercept: the means, and the sds of the centred data
    sc1 = Scaling.from_data(X, y, fit_intercept=True, sigma=None)
    np.testing.assert_allclose(sc1.x_center, X.mean(axis=0), rtol=1e-14)
    assert sc1.y_center == pytest.approx(y.mean(), rel=1e-14, abs=0)
    np.testing.assert_array_equal(sc1.x_scale, power_of_two(X.std(axis=0)))
    assert sc1.y_scale == power_of_two(y.std())
    # a fixed sigma sets the scale of y: the power of two nearest it
    assert Scaling.from_data(X, y, fit_intercept=False, sigma=3.0).y_scale == 4.0
    assert Scaling.from_data(X, y, fit_intercept=True, sigma=0.2).y_scale == 0.25


def test_scaling_is_immutable():
    import dataclasses

    sc = Scaling.from_data(np.eye(3), np.arange(3.0), fit_intercept=True, sigma=None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sc.y_scale = 2.0


def test_means_of_values_near_the_largest_double():
    """The column means and the mean of y are exact where their plain sum overflows."""
    X = np.array([[1.5e308, 1.0], [1.6e308, 2.0], [1.7e308, 4.0]])
    y = np.array([1.7e308, 1.7e308, 1.4e308])
    sc = Scaling.from_data(X, y, fit_intercept=True, sigma=None)
    np.testing.assert_allclose(sc.x_center, [1.6e308, 7.0 / 3.0], rtol=1e-15)
    assert sc.y_center == pytest.approx(1.6e308, rel=1e-15, abs=0)
    assert np.all(np.isfinite(sc.x(X))) and np.all(np.isfinite(sc.y(y)))


def test_power_of_two_of_a_scalar_is_a_float_and_invalid_values_give_one():
    import warnings

    assert isinstance(power_of_two(3.0), float) and power_of_two(3.0) == 4.0
    assert power_of_two(0.7) == 0.5 and power_of_two(1.0) == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = power_of_two(np.array([-4.0, np.nan, -np.inf, 0.0, 6.0]))
    np.testing.assert_array_equal(out, [1.0, 1.0, 1.0, 1.0, 8.0])


def test_column_scales_shapes():
    np.testing.assert_array_equal(column_scales(np.empty((0, 3))), np.zeros(3))
    np.testing.assert_array_equal(column_scales(np.ones((1, 2)) * 5.0), np.zeros(2))
    assert column_scales(np.ones((1, 2)) * 5.0, center=False) == pytest.approx([5.0, 5.0])
    for bad in (np.arange(3.0), np.ones((2, 2, 2))):
        with pytest.raises(ValueError, match="X must be 2-D"):
            column_scales(bad)


def _design_with_a_constant_column():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 4)) * np.array([0.01, 3.0, 1.0, 1.0]) + np.array([5.0, -2.0, 0.0, 0.0])
    X[:, 3] = 7.5  # constant
    return X


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_standardization_fits_population_sd_and_mean(fit_intercept):
    X = _design_with_a_constant_column()
    s = Standardization.from_data(X, standardize=True, fit_intercept=fit_intercept)
    np.testing.assert_allclose(s.scale[:3], X[:, :3].std(axis=0), rtol=1e-13)
    assert s.scale[3] == 1.0
    expected_center = X.mean(axis=0) if fit_intercept else np.zeros(4)
    np.testing.assert_allclose(s.center, expected_center, rtol=1e-14, atol=0)
    Z = s.apply(X)
    np.testing.assert_allclose(Z[:, :3].std(axis=0), 1.0, rtol=1e-12)
    if fit_intercept:
        np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    else:
        np.testing.assert_allclose(Z, X / s.scale, rtol=1e-15)


def test_standardization_off_is_the_identity():
    X = _design_with_a_constant_column()
    for fit_intercept in (True, False):
        s = Standardization.from_data(X, standardize=False, fit_intercept=fit_intercept, zero_constant_columns=True)
        np.testing.assert_array_equal(s.center, np.zeros(4))
        np.testing.assert_array_equal(s.scale, np.ones(4))
        np.testing.assert_array_equal(s.apply(X), X)


def test_standardization_zeroes_constant_columns_only_without_intercept():
    X = _design_with_a_constant_column()
    s = Standardization.from_data(X, standardize=True, fit_intercept=False, zero_constant_columns=True)
    np.testing.assert_array_equal(s.center, [0.0, 0.0, 0.0, 7.5])
    Z = s.apply(X)
    assert np.all(Z[:, 3] == 0.0)
    np.testing.assert_allclose(Z[:, :3], X[:, :3] / s.scale[:3], rtol=1e-15)
    with_intercept = Standardization.from_data(X, standardize=True, fit_intercept=True, zero_constant_columns=True)
    np.testing.assert_allclose(with_intercept.center, X.mean(axis=0), rtol=1e-14)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_standardization_back_transform_keeps_every_prediction(fit_intercept):
    """b0 + X beta == b~0 + X~ beta~ for single estimates and for a batch of draws."""
    X = _design_with_a_constant_column()[:, :3]
    s = Standardization.from_data(X, standardize=True, fit_intercept=fit_intercept)
    rng = np.random.default_rng(2)
    beta_fitted = rng.normal(size=(6, 3))  # six draws
    b0_fitted = rng.normal(size=6)
    coef = s.coef(beta_fitted)
    np.testing.assert_allclose(coef, beta_fitted / X.std(axis=0), rtol=1e-13)
    intercept = s.intercept(b0_fitted, coef)
    assert intercept.shape == (6,)
    np.testing.assert_allclose(
        intercept[:, None] + coef @ X.T, b0_fitted[:, None] + beta_fitted @ s.apply(X).T, rtol=1e-10
    )
    one = s.intercept(float(b0_fitted[0]), coef[0])
    assert one == pytest.approx(intercept[0], rel=1e-14, abs=0)


def test_standardizations_compare_by_value():
    X = _design_with_a_constant_column()
    a = Standardization.from_data(X, standardize=True, fit_intercept=True)
    assert a == Standardization(a.center.copy(), a.scale.copy())
    assert a != Standardization(a.center, a.scale * 2.0)
    assert a != Standardization(a.center + 1.0, a.scale)
    assert a != (a.center, a.scale)


def test_standardizations_are_read_only():
    import dataclasses

    s = Standardization.from_data(_design_with_a_constant_column(), standardize=True, fit_intercept=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.scale = None


def test_the_identity_standardization_returns_x_itself_and_another_a_new_array():
    X = np.arange(12.0).reshape(4, 3)
    assert Standardization.from_data(X, standardize=False, fit_intercept=True).apply(X) is X
    standardized = Standardization.from_data(X, standardize=True, fit_intercept=True).apply(X)
    assert not np.shares_memory(standardized, X)
    np.testing.assert_allclose(standardized, (X - X.mean(axis=0)) / X.std(axis=0))
