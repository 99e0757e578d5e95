"""The Student-t likelihood: its density, its rescaling, a MAP by majorized Newton steps, robust to outliers."""

import numpy as np
import pytest
from scipy import optimize, stats

import bayesreg as br
from bayesreg.likelihoods import Gaussian, StudentT
from bayesreg.model import build_model
from bayesreg.optimize.map import MapSolver, find_map


def _data(n=200, outliers=10, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 5))
    y = 1.0 + X @ np.array([1.0, -2.0, 0.0, 0.5, 0.0]) + 0.5 * rng.standard_t(3, size=n)
    y[:outliers] += 30.0
    return X, y


def test_density_rescaling_and_no_conversion_scale():
    X, y = _data(n=6, outliers=1)
    rm = build_model(X, y, br.Normal(1.0), likelihood=StudentT(nu=3.0, sigma=0.7))
    point = {"beta": np.array([0.5, -1.0, 0.2, 0.0, 0.3]), "intercept": np.array(0.4)}
    logp = rm.model.compile_logp(vars=[rm.observed])(point)
    eta = 0.4 + X @ point["beta"]
    assert logp == pytest.approx(stats.t.logpdf(y, 3.0, loc=eta, scale=0.7).sum(), rel=1e-13, abs=0)
    assert StudentT(nu=3.0, sigma=4.0).working(2.0) == StudentT(nu=3.0, sigma=2.0)
    assert StudentT(nu=None).working(2.0, default_prior_scale=6.0) == StudentT(nu=None, sigma_prior_scale=3.0)
    assert not StudentT(nu=None, sigma=1.0).fixed_sigma and StudentT(nu=2.0, sigma=1.0).fixed_sigma
    with pytest.raises(ValueError, match="no penalized twin"):
        StudentT(sigma=1.0).scale
    with pytest.raises(ValueError, match="nu must be > 0"):
        StudentT(nu=0.0)


@pytest.mark.parametrize("prior", [br.Normal(1.0), br.Laplace(0.2)], ids=str)
def test_map_is_a_certified_mode_that_no_optimizer_improves(prior):
    X, y = _data()
    result = find_map(build_model(X, y, prior, likelihood=StudentT(nu=4.0, sigma=0.5)))
    assert result.certificate <= 1e-10

    def objective(theta):
        b0, beta = theta[0], theta[1:]
        data = -stats.t.logpdf(y, 4.0, loc=b0 + X @ beta, scale=0.5).sum()
        return data + prior.weights.l1 * np.abs(beta).sum() + prior.weights.l2 * beta @ beta

    at_map = objective(np.r_[result.intercept, result.coef])
    rng = np.random.default_rng(1)
    for _ in range(20):  # a local minimum: every small move goes up
        step = rng.normal(scale=1e-4, size=6)
        assert objective(np.r_[result.intercept, result.coef] + step) >= at_map
    if prior.weights.l1 == 0:  # smooth: a quasi-Newton method from the MAP finds nothing lower
        best = optimize.minimize(objective, np.r_[result.intercept, result.coef], method="BFGS", options={"gtol": 1e-9})
        assert best.fun >= at_map - 1e-9 * abs(at_map)


def test_outliers_barely_move_the_student_t_fit_and_drag_the_gaussian_one():
    X, y = _data()
    clean = find_map(build_model(X[10:], y[10:], br.Normal(10.0), likelihood=StudentT(nu=4.0, sigma=0.5)))
    robust = find_map(build_model(X, y, br.Normal(10.0), likelihood=StudentT(nu=4.0, sigma=0.5)))
    gaussian = find_map(build_model(X, y, br.Normal(10.0), likelihood=Gaussian(sigma=0.5)))
    assert np.max(np.abs(robust.coef - clean.coef)) < 0.05
    assert np.max(np.abs(gaussian.coef - clean.coef)) > 0.5


def _leverage_outliers(seed=0):
    """Slope 2, then 60 of 200 rows moved to x ~ 5, y ~ -10: least squares follows them (slope < 0)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=200)
    y = 2.0 * x + 0.3 * rng.standard_t(4, size=200)
    rows = rng.choice(200, 60, replace=False)
    x[rows], y[rows] = rng.normal(5.0, 0.5, 60), rng.normal(-10.0, 1.0, 60)
    return x[:, None], y


def test_leverage_outliers_give_two_modes_and_the_better_one_is_reported():
    """From the least-squares fit Newton steps reach the mode that fits the outliers (slope -1.7); from the median
    with zero coefficients, the mode that discounts them (slope 1.9), whose objective is lower: that one is the
    MAP, with n_modes = 2."""
    X, y = _leverage_outliers()
    prior = br.Normal(100.0)
    solver = MapSolver(build_model(X, y, prior, likelihood=StudentT(nu=4.0, sigma=0.3)))
    result, _ = solver.solve()
    fitted, _ = solver.solve(start=(float(np.mean(y)), np.array([float(np.polyfit(X[:, 0], y, 1)[0])]), None))
    assert result.n_modes == 2 and result.certificate <= 1e-10
    assert result.coef[0] == pytest.approx(1.89, abs=0.05) and fitted.coef[0] < 0
    assert result.objective < fitted.objective - 10.0
    # without the outliers one mode, reached from both starts
    clean = MapSolver(build_model(*_data(outliers=0), prior, likelihood=StudentT(nu=4.0, sigma=0.5))).solve()[0]
    assert clean.n_modes == 1


@pytest.mark.parametrize("weighted", [False, True])
def test_the_newton_curvature_is_the_densitys_own_floored_at_a_hundredth_of_the_majorizer(weighted):
    """w_i = s_i max(-d^2 log p / d eta^2, 0.01 (nu + 1) / (nu sigma^2 + r^2)) in working units, s_i the sample
    weights: the density's own near the fit, the floor where a residual is large (own curvature negative)."""
    X, y = _data(n=40, outliers=5)
    sw = np.random.default_rng(5).uniform(0.2, 3.0, size=40) if weighted else None
    solver = MapSolver(build_model(X, y, br.Normal(1.0), likelihood=StudentT(nu=3.0, sigma=0.7), sample_weight=sw))
    beta = np.full(5, 0.1)
    *_, w = solver.objective.evaluate(0.2, beta, None)
    sigma, r = solver.working.likelihood.sigma, solver.working.y - (0.2 + solver._X @ beta)
    own = 4.0 * (3.0 * sigma**2 - r**2) / (3.0 * sigma**2 + r**2) ** 2
    floor = 0.01 * 4.0 / (3.0 * sigma**2 + r**2)
    np.testing.assert_allclose(w, (1.0 if sw is None else sw) * np.maximum(own, floor), rtol=1e-12)
    assert np.any(own < 0) and np.any(own > floor)


@pytest.mark.parametrize("weighted", [False, True])
def test_the_least_squares_start_is_the_gaussian_map_at_the_same_sigma(weighted):
    """Where the Student-t MAP starts: the penalized weighted least-squares fit with the same prior and sigma."""
    X, y = _data(n=60, outliers=5)
    X = X + 2.0  # columns not centred: the intercept of the start matters
    sw = np.random.default_rng(4).uniform(0.5, 2.0, size=len(y)) if weighted else None
    prior = br.Laplace(0.3)
    solver = MapSolver(build_model(X, y, prior, likelihood=StudentT(nu=3.0, sigma=0.7), sample_weight=sw))
    b0, beta, _ = solver._least_squares_start(solver.working_weights(prior.weights))
    gaussian = find_map(build_model(X, y, prior, likelihood=Gaussian(sigma=0.7), sample_weight=sw))
    coef = solver.scaling.beta_from_working(beta)
    np.testing.assert_allclose(coef, gaussian.coef, rtol=0, atol=1e-9 * np.abs(gaussian.coef).max())
    assert solver.scaling.intercept_from_working(b0, coef) == pytest.approx(gaussian.intercept, rel=1e-9, abs=0)


def test_defaults_the_nu_prior_and_immutability():
    import dataclasses

    import pymc as pm

    likelihood = StudentT()
    assert likelihood.nu == 4.0 and likelihood.sigma is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        likelihood.nu = 3.0
    X, y = _data(n=20, outliers=2)
    rm = build_model(X, y, br.Normal(1.0), likelihood=StudentT(nu=None, sigma=1.0))
    for value in (0.5, 4.0, 40.0):  # Gamma(2, rate 0.1): mean 20
        logp = pm.logp(rm.model["nu"], value).eval()
        assert logp == pytest.approx(stats.gamma(2.0, scale=10.0).logpdf(value), rel=1e-12, abs=0)


def test_draws_are_eta_plus_scale_times_a_t_variate_from_the_given_generator():
    eta = np.array([0.0, 5.0, -3.0])
    likelihood = StudentT(nu=3.0, sigma=2.0)
    draws = likelihood.draw(eta, 2.0, np.random.default_rng(0), size=(4, 3))
    np.testing.assert_array_equal(draws, eta + 2.0 * np.random.default_rng(0).standard_t(3.0, size=(4, 3)))
    # the CustomDist's random (weighted models): the same draws, from its rng, with the nu it is given
    weights = np.ones(3)
    custom = likelihood._draw(eta, 2.0, 5.0, weights, rng=np.random.default_rng(1), size=(2, 3))
    np.testing.assert_array_equal(custom, eta + 2.0 * np.random.default_rng(1).standard_t(5.0, size=(2, 3)))


def test_the_weighted_median_start():
    from bayesreg.optimize.map import _weighted_median

    assert _weighted_median(np.array([3.0, 1.0, 2.0]), np.ones(3)) == 2.0
    assert _weighted_median(np.array([3.0, 1.0, 2.0, 4.0]), np.ones(4)) == 2.0
    assert _weighted_median(np.array([3.0, 1.0, 2.0]), np.array([0.0, 1.0, 0.5])) == 1.0
    assert _weighted_median(np.array([3.0, 1.0, 2.0]), np.array([5.0, 1.0, 0.0])) == 3.0


def test_weights_and_the_working_scale_leave_the_mode_unchanged():
    X, y = _data(n=80, outliers=4)
    counts = np.random.default_rng(2).integers(0, 3, size=len(y))
    likelihood = StudentT(nu=3.0, sigma=0.5)
    weighted = find_map(build_model(X, y, br.Laplace(0.3), likelihood=likelihood, sample_weight=counts.astype(float)))
    repeated = find_map(
        build_model(np.repeat(X, counts, 0), np.repeat(y, counts), br.Laplace(0.3), likelihood=likelihood)
    )
    np.testing.assert_allclose(weighted.coef, repeated.coef, rtol=0, atol=1e-9)
    # y, sigma and the prior in other units (x 1e6): the same coefficients, in those units
    big = find_map(
        build_model(X, 1e6 * y, br.Laplace(0.3e6), likelihood=StudentT(nu=3.0, sigma=0.5e6), fit_intercept=True)
    )
    plain = find_map(build_model(X, y, br.Laplace(0.3), likelihood=likelihood))
    np.testing.assert_allclose(big.coef / 1e6, plain.coef, rtol=1e-8, atol=1e-12)


def test_a_free_scale_has_no_map_here():
    X, y = _data(n=30)
    for likelihood in (StudentT(nu=None, sigma=1.0), StudentT(nu=4.0, sigma=None)):
        with pytest.raises(ValueError, match="needs its nuisance parameters fixed"):
            MapSolver(build_model(X, y, br.Normal(1.0), likelihood=likelihood))
