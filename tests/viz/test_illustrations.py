"""The textbook views are exact: closed forms, KKT conditions, dense searches and quadrature agree."""

import math

import numpy as np
import pytest
from scipy import stats
from sklearn.linear_model import Lasso, Ridge

from bayesreg.priors import Laplace, Normal
from bayesreg.viz.illustrations import (
    l1_ball_solution,
    l2_ball_solution,
    one_dimensional_view,
    prior_densities,
    soft_threshold,
    two_dimensional_view,
)

# ---------------------------------------------------------------------------------------------
# one coefficient


@pytest.fixture(scope="module")
def view1():
    return one_dimensional_view()


def _moments(view):
    n = view.x.size
    return view.x @ view.x / n, view.x @ view.y / n


def test_default_l1_minimizer_is_exactly_zero(view1):
    assert view1.w_l1 == 0.0
    assert math.copysign(1.0, view1.w_l1) == 1.0  # not -0.0
    assert abs(view1.loss_slope_at_zero) <= view1.lam
    assert view1.zero_is_l1_minimizer


def test_default_l2_minimizer_is_the_closed_form_strictly_between_zero_and_least_squares(view1):
    a, c = _moments(view1)
    assert view1.w_l2 == pytest.approx(c / (a + view1.lam), rel=1e-15, abs=0)
    assert a * view1.w_l2 - c + view1.lam * view1.w_l2 == pytest.approx(0.0, abs=1e-15)  # stationarity
    assert 0.0 < view1.w_l2 < view1.w_ls
    assert view1.w_ls == pytest.approx(np.linalg.lstsq(view1.x[:, None], view1.y)[0][0], rel=1e-13, abs=0)


def test_default_numbers(view1):
    assert view1.lam == 0.75
    assert view1.curvature == pytest.approx(1.0, rel=1e-14, abs=0)
    assert view1.w_ls == pytest.approx(0.49386843, abs=1e-8)
    assert view1.w_l2 == pytest.approx(0.28221053, abs=1e-8)


def test_one_sided_slopes_of_the_l1_objective_at_zero(view1):
    a, c = _moments(view1)
    d0 = view1.loss_slope_at_zero
    assert d0 == pytest.approx(-c, rel=1e-15, abs=0)
    assert view1.slope_left == d0 - view1.lam
    assert view1.slope_right == d0 + view1.lam
    h = 1e-7

    def objective(w):
        return float(view1.loss_at(w)) + view1.lam * abs(w)

    assert (objective(h) - objective(0.0)) / h == pytest.approx(view1.slope_right, abs=1e-6)
    assert (objective(0.0) - objective(-h)) / h == pytest.approx(view1.slope_left, abs=1e-6)
    assert view1.slope_left < 0.0 < view1.slope_right


def test_small_lambda_soft_thresholds_instead_of_zeroing():
    view = one_dimensional_view(lam=0.2)
    a, c = _moments(view)
    assert not view.zero_is_l1_minimizer
    assert view.slope_left < view.slope_right < 0.0
    assert view.w_l1 == pytest.approx((c - 0.2) / a, rel=1e-14, abs=0)
    assert a * view.w_l1 - c + 0.2 * np.sign(view.w_l1) == pytest.approx(0.0, abs=1e-15)
    assert 0.0 < view.w_l1 < view.w_ls


@pytest.mark.parametrize("lam", [0.05, 0.3, 0.49, 0.75, 2.0])
@pytest.mark.parametrize("w_true", [-0.8, 0.5])
def test_minimizers_match_the_grid_argmin_and_beat_every_grid_point(lam, w_true):
    view = one_dimensional_view(lam=lam, w_true=w_true)
    spacing = float(np.max(np.diff(view.grid)))
    l1_at = float(view.loss_at(view.w_l1)) + lam * abs(view.w_l1)
    l2_at = float(view.loss_at(view.w_l2)) + lam / 2 * view.w_l2**2
    assert abs(view.grid[np.argmin(view.l1_objective)] - view.w_l1) <= spacing
    assert abs(view.grid[np.argmin(view.l2_objective)] - view.w_l2) <= spacing
    assert abs(view.grid[np.argmin(view.loss)] - view.w_ls) <= spacing
    assert l1_at <= view.l1_objective.min() + 1e-14
    assert l2_at <= view.l2_objective.min() + 1e-14
    assert (view.w_l1 == 0.0) == (abs(view.loss_slope_at_zero) <= lam)


def test_curves_use_the_same_lambda_and_sum_to_the_objectives(view1):
    w = view1.grid
    np.testing.assert_array_equal(view1.l1_penalty, view1.lam * np.abs(w))
    np.testing.assert_array_equal(view1.l2_penalty, view1.lam / 2 * w**2)
    np.testing.assert_array_equal(view1.l1_objective, view1.loss + view1.l1_penalty)
    np.testing.assert_array_equal(view1.l2_objective, view1.loss + view1.l2_penalty)
    np.testing.assert_allclose(view1.loss, view1.loss_at(w), rtol=1e-14)


def test_objectives_are_scikit_learns(view1):
    n = view1.x.size
    lam = 0.2
    view = one_dimensional_view(lam=lam)
    X = view.x[:, None]
    lasso = Lasso(alpha=lam, fit_intercept=False, tol=1e-14).fit(X, view.y)
    assert lasso.coef_[0] == pytest.approx(view.w_l1, rel=1e-10, abs=0)
    # ||r||^2 + n lam w^2 = 2n (1/(2n) ||r||^2 + lam/2 w^2)
    ridge = Ridge(alpha=n * lam, fit_intercept=False).fit(X, view.y)
    assert ridge.coef_[0] == pytest.approx(view.w_l2, rel=1e-12, abs=0)
    default_lasso = Lasso(alpha=view1.lam, fit_intercept=False).fit(view1.x[:, None], view1.y)
    assert default_lasso.coef_[0] == 0.0


@pytest.mark.parametrize("lam", [0.2, 0.75])
def test_twin_priors_have_the_minimizers_as_their_map(lam):
    view = one_dimensional_view(lam=lam)
    n, sigma = view.x.size, view.noise
    assert view.laplace_prior == Laplace(scale=sigma**2 / (n * lam))
    assert view.normal_prior.scale == pytest.approx(sigma / np.sqrt(n * lam), rel=1e-15, abs=0)
    assert isinstance(view.normal_prior, Normal)
    # MAP of N(y | w x, sigma^2) p(w) = prox of the penalty at w_ls with step sigma^2 / x^T x
    step = sigma**2 / (view.x @ view.x)
    assert float(view.laplace_prior.prox(view.w_ls, step)) == pytest.approx(view.w_l1, rel=1e-12, abs=1e-300)
    assert float(view.normal_prior.prox(view.w_ls, step)) == pytest.approx(view.w_l2, rel=1e-12, abs=0)


def test_default_grid_holds_zero_and_arrays_are_read_only(view1):
    assert 0.0 in view1.grid
    assert view1.grid[0] < min(view1.w_ls, 0.0) and view1.grid[-1] > max(view1.w_ls, view1.w_true)
    with pytest.raises(ValueError):
        view1.loss[0] = 1.0


def test_custom_grid():
    grid = np.linspace(-1, 1, 11)
    view = one_dimensional_view(grid=grid)
    np.testing.assert_array_equal(view.grid, grid)
    assert view.loss.shape == (11,)


def test_soft_threshold():
    assert soft_threshold(0.3, 0.3) == 0.0
    assert math.copysign(1.0, soft_threshold(-0.2, 0.3)) == 1.0
    assert soft_threshold(-1.0, 0.25) == -0.75


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"lam": 0.0}, ValueError, "lam"),
        ({"lam": -1.0}, ValueError, "lam"),
        ({"lam": float("nan")}, ValueError, "lam"),
        ({"lam": float("inf")}, ValueError, "lam"),
        ({"lam": "0.5"}, TypeError, "lam"),
        ({"lam": True}, TypeError, "lam"),
        ({"n": 1}, ValueError, "n"),
        ({"n": 2.5}, TypeError, "n"),
        ({"noise": 0}, ValueError, "noise"),
        ({"w_true": float("nan")}, ValueError, "w_true"),
        ({"w_true": None}, TypeError, "w_true"),
        ({"random_state": "seed"}, TypeError, "random_state"),
        ({"grid": [0.0, 1.0, 0.5]}, ValueError, "grid"),
        ({"grid": [[0.0, 1.0, 2.0]]}, ValueError, "grid"),
        ({"grid": [0.0, np.nan, 2.0]}, ValueError, "grid"),
        ({"grid": ["a", "b", "c"]}, TypeError, "grid"),
    ],
)
def test_one_dimensional_view_rejects_bad_input(kwargs, error, name):
    with pytest.raises(error, match=name):
        one_dimensional_view(**kwargs)


# ---------------------------------------------------------------------------------------------
# two coefficients


@pytest.fixture(scope="module")
def view2():
    return two_dimensional_view()


def test_design_has_the_requested_gram_matrix(view2):
    n = view2.y.size
    np.testing.assert_allclose(view2.X.T @ view2.X / n, [[1.0, 0.5], [0.5, 1.0]], atol=1e-13)
    np.testing.assert_allclose(view2.moment, view2.X.T @ view2.y / n, rtol=1e-14)
    np.testing.assert_allclose(view2.w_ls, np.linalg.lstsq(view2.X, view2.y)[0], rtol=1e-12)


def test_default_l1_solution_is_a_vertex_and_l2_solution_is_not(view2):
    assert view2.w_l1[1] == 0.0 and math.copysign(1.0, view2.w_l1[1]) == 1.0
    assert view2.w_l1[0] == view2.radius == 0.75
    assert np.all(np.abs(view2.w_l2) > 0.3)
    np.testing.assert_allclose(view2.w_l2, [0.64582594, 0.38132513], atol=1e-8)
    assert np.abs(view2.w_ls).sum() > view2.radius and np.linalg.norm(view2.w_ls) > view2.radius


def _dense_boundary(radius, k=200_001):
    u = np.linspace(0.0, radius, k)
    diamond = np.concatenate([np.column_stack([s1 * (radius - u), s2 * u]) for s1 in (1.0, -1.0) for s2 in (1.0, -1.0)])
    angle = np.linspace(0.0, 2 * np.pi, 4 * k)
    circle = radius * np.column_stack([np.cos(angle), np.sin(angle)])
    return diamond, circle


CASES = [
    {},
    {"radius": 1.5},  # L1 solution inside an edge
    {"radius": 0.4, "correlation": -0.7, "w_true": (-1.0, 2.0), "random_state": 3},
    {"radius": 1.0, "correlation": 0.9, "w_true": (1.0, 1.0), "random_state": 7},
    {"radius": 0.2, "correlation": 0.0, "w_true": (0.0, -1.5), "random_state": 1},
]


@pytest.mark.parametrize("kwargs", CASES)
def test_touching_points_are_feasible_and_beat_a_dense_boundary_search(kwargs):
    view = two_dimensional_view(**kwargs)
    t = view.radius
    assert abs(np.abs(view.w_l1).sum() - t) <= 1e-12
    assert abs(np.linalg.norm(view.w_l2) - t) <= 1e-12
    diamond, circle = _dense_boundary(t)
    for solution, boundary in ((view.w_l1, diamond), (view.w_l2, circle)):
        losses = view.loss_at(boundary)
        best = float(view.loss_at(solution))
        assert best <= losses.min() + 1e-13
        assert losses.min() - best <= 1e-8
        assert np.linalg.norm(boundary[np.argmin(losses)] - solution) <= 1e-3


@pytest.mark.parametrize("kwargs", CASES)
def test_touching_points_satisfy_kkt_and_are_lasso_and_ridge_fits(kwargs):
    view = two_dimensional_view(**kwargs)
    n = view.y.size
    g1 = view.gradient_at(view.w_l1)
    active = view.w_l1 != 0.0
    assert view.lam_l1 > 0.0 and view.lam_l2 > 0.0
    np.testing.assert_allclose(g1[active], -view.lam_l1 * np.sign(view.w_l1[active]), atol=1e-12)
    assert np.all(np.abs(g1[~active]) <= view.lam_l1 + 1e-12)
    np.testing.assert_allclose(view.gradient_at(view.w_l2), -view.lam_l2 * view.w_l2, atol=1e-12)
    lasso = Lasso(alpha=view.lam_l1, fit_intercept=False, tol=1e-14, max_iter=100_000).fit(view.X, view.y)
    np.testing.assert_allclose(lasso.coef_, view.w_l1, atol=1e-9)
    assert np.all((lasso.coef_ == 0.0) == ~active)
    ridge = Ridge(alpha=n * view.lam_l2, fit_intercept=False).fit(view.X, view.y)
    np.testing.assert_allclose(ridge.coef_, view.w_l2, rtol=1e-10)


def test_large_radius_gives_least_squares_and_zero_multipliers():
    view = two_dimensional_view(radius=5.0)
    np.testing.assert_array_equal(view.w_l1, view.w_ls)
    np.testing.assert_array_equal(view.w_l2, view.w_ls)
    assert view.lam_l1 == 0.0 and view.lam_l2 == 0.0


def test_ball_solvers_directly():
    gram, moment = np.array([[2.0, 0.3], [0.3, 1.0]]), np.array([3.0, -0.2])
    # only w_1 matters much: the L1 solution is the vertex (t, 0)
    w = l1_ball_solution(gram, moment, 0.5)
    np.testing.assert_array_equal(w, [0.5, 0.0])
    w2, mu = l2_ball_solution(gram, moment, 0.5)
    np.testing.assert_allclose((gram + mu * np.eye(2)) @ w2, moment, atol=1e-12)


def test_loss_grid_layout(view2):
    assert view2.loss.shape == (view2.w2.size, view2.w1.size)
    for i, j in [(0, 0), (10, 150), (200, 3), (100, 100)]:
        expected = float(view2.loss_at([view2.w1[j], view2.w2[i]]))
        assert view2.loss[i, j] == pytest.approx(expected, rel=1e-12, abs=0)
    assert view2.w1[0] <= -view2.radius and view2.w1[-1] >= max(view2.radius, *np.abs(view2.w_ls))


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"radius": 0.0}, ValueError, "radius"),
        ({"radius": float("inf")}, ValueError, "radius"),
        ({"radius": "1"}, TypeError, "radius"),
        ({"correlation": 1.0}, ValueError, "correlation"),
        ({"correlation": float("nan")}, ValueError, "correlation"),
        ({"w_true": (1.0, 2.0, 3.0)}, ValueError, "w_true"),
        ({"w_true": "ab"}, TypeError, "w_true"),
        ({"n": True}, TypeError, "n"),
        ({"n": 2}, ValueError, "n"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"grid_size": 2}, ValueError, "grid_size"),
        ({"random_state": -1}, ValueError, "random_state"),
    ],
)
def test_two_dimensional_view_rejects_bad_input(kwargs, error, name):
    with pytest.raises(error, match=name):
        two_dimensional_view(**kwargs)


# ---------------------------------------------------------------------------------------------
# prior densities


@pytest.mark.parametrize("variance", [0.25, 1.0, 3.0])
def test_densities_integrate_to_one_with_equal_variance(variance):
    sd = np.sqrt(variance)
    grid = np.linspace(-40 * sd, 40 * sd, 400_001)  # 0 is the midpoint: the Laplace kink is a node
    densities = prior_densities(variance=variance, grid=grid)
    for density in (densities.laplace_density, densities.normal_density):
        assert np.trapezoid(density, grid) == pytest.approx(1.0, abs=1e-6)
        assert np.trapezoid(grid**2 * density, grid) == pytest.approx(variance, rel=1e-6, abs=0)
    assert densities.laplace.scale == pytest.approx(np.sqrt(variance / 2), rel=1e-15, abs=0)
    assert densities.normal.scale == pytest.approx(sd, rel=1e-15, abs=0)


def test_densities_match_scipy_and_negative_logs_are_the_penalties():
    densities = prior_densities(variance=2.0)
    w, b, v = densities.grid, 1.0, 2.0
    np.testing.assert_allclose(densities.laplace_density, stats.laplace(scale=b).pdf(w), rtol=1e-13)
    np.testing.assert_allclose(densities.normal_density, stats.norm(scale=np.sqrt(v)).pdf(w), rtol=1e-13)
    np.testing.assert_allclose(densities.laplace_neg_log_density, -stats.laplace(scale=b).logpdf(w), rtol=1e-13)
    np.testing.assert_allclose(densities.normal_neg_log_density, -stats.norm(scale=np.sqrt(v)).logpdf(w), rtol=1e-13)
    zero = np.flatnonzero(w == 0.0)[0]
    laplace_nld, normal_nld = densities.laplace_neg_log_density, densities.normal_neg_log_density
    np.testing.assert_allclose(laplace_nld - laplace_nld[zero], np.abs(w) / b, atol=1e-14)
    np.testing.assert_allclose(normal_nld - normal_nld[zero], w**2 / (2 * v), atol=1e-14)
    assert densities.laplace.neg_log_density(w[7]) == pytest.approx(
        densities.laplace_neg_log_density[7], rel=1e-14, abs=0
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"variance": 0.0}, ValueError, "variance"),
        ({"variance": -2.0}, ValueError, "variance"),
        ({"variance": None}, TypeError, "variance"),
        ({"grid": [1.0, 0.0, 2.0]}, ValueError, "grid"),
    ],
)
def test_prior_densities_reject_bad_input(kwargs, error, name):
    with pytest.raises(error, match=name):
        prior_densities(**kwargs)
