import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from bayesreg.solvers import kkt_violation, solve_quadratic_l1


def _problem(seed, n, p, collinear=False):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    if collinear:
        X[:, 1] = X[:, 0] + 1e-3 * rng.normal(size=n)
    y = X[:, : min(3, p)].sum(axis=1) + rng.normal(size=n)
    return X.T @ X, X.T @ y


def _objective(Q, c, l1, l2, x):
    return 0.5 * x @ Q @ x - c @ x + l1 * np.abs(x).sum() + l2 * x @ x


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(3, 40),
    p=st.integers(1, 30),
    l1_frac=st.floats(1e-3, 1.2),
    l2=st.sampled_from([0.0, 1e-3, 0.5, 10.0]),
    collinear=st.booleans(),
)
def test_optimality_conditions_hold_exactly(seed, n, p, l1_frac, l2, collinear):
    if collinear and p < 2:
        collinear = False
    Q, c = _problem(seed, n, p, collinear)
    l1 = l1_frac * np.abs(c).max()
    sol = solve_quadratic_l1(Q, c, l1, l2)
    grad = Q @ sol.x - c + 2 * l2 * sol.x
    viol = kkt_violation(grad, sol.x, l1)
    scale = max(np.abs(c).max(), l1)
    assert viol.max() <= 1e-9 * scale
    assert sol.kkt == pytest.approx(viol.max(), abs=1e-12 * scale)
    if l1_frac >= 1:
        assert np.all(sol.x == 0.0)


@pytest.mark.parametrize("seed", range(5))
def test_matches_a_generic_optimizer_and_has_exact_zeros(seed):
    Q, c = _problem(seed, 30, 8)
    l1, l2 = 0.3 * np.abs(c).max(), 0.7
    sol = solve_quadratic_l1(Q, c, l1, l2)
    # the same problem as a smooth bound-constrained one: x = u - v, u, v >= 0
    p = len(c)

    def f(z):
        u, v = z[:p], z[p:]
        x = u - v
        g = Q @ x - c + 2 * l2 * x
        return _objective(Q, c, l1, l2, x), np.concatenate([g + l1, -g + l1])

    res = optimize.minimize(
        f,
        np.zeros(2 * p),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0, None)] * (2 * p),
        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10_000},
    )
    ref = res.x[:p] - res.x[p:]
    assert _objective(Q, c, l1, l2, sol.x) <= _objective(Q, c, l1, l2, ref) + 1e-9
    np.testing.assert_allclose(sol.x, ref, atol=1e-5 * np.abs(ref).max())
    assert np.any(sol.x == 0.0)
    assert set(np.unique(sol.x[np.abs(ref) < 1e-8])) <= {0.0}


def test_warm_start_from_any_point_reaches_the_same_solution():
    Q, c = _problem(3, 50, 12)
    l1 = 0.2 * np.abs(c).max()
    cold = solve_quadratic_l1(Q, c, l1)
    rng = np.random.default_rng(0)
    for _ in range(5):
        warm = solve_quadratic_l1(Q, c, l1, x0=rng.normal(size=12) * 5)
        np.testing.assert_allclose(warm.x, cold.x, atol=1e-10 * np.abs(cold.x).max())
        np.testing.assert_array_equal(warm.x == 0, cold.x == 0)


def test_warm_start_where_every_coefficient_leaves():
    Q, c = _problem(4, 30, 6)
    l1 = 2 * np.abs(c).max()  # the solution is all zero
    sol = solve_quadratic_l1(Q, c, l1, x0=np.ones(6))
    assert np.all(sol.x == 0.0)


def test_singular_gram_p_greater_than_n_lasso():
    # l2 = 0 and more columns than rows: Q_AA becomes singular along the way
    rng = np.random.default_rng(7)
    X = rng.normal(size=(8, 40))
    X -= X.mean(axis=0)
    y = rng.normal(size=8)
    y -= y.mean()
    Q, c = X.T @ X, X.T @ y
    for frac in [0.5, 0.1, 1e-2, 1e-3]:
        l1 = frac * np.abs(c).max()
        sol = solve_quadratic_l1(Q, c, l1)
        grad = Q @ sol.x - c
        assert kkt_violation(grad, sol.x, l1).max() <= 1e-9 * np.abs(c).max()
        assert np.count_nonzero(sol.x) <= 7  # at most rank(X_c) active columns


def test_ridge_case_is_a_linear_solve():
    Q, c = _problem(5, 20, 5)
    sol = solve_quadratic_l1(Q, c, 0.0, 3.0)
    np.testing.assert_allclose(sol.x, np.linalg.solve(Q + 6.0 * np.eye(5), c), rtol=1e-12)


def test_per_coordinate_weights_equal_the_rescaled_scalar_problem():
    """Weights l1_j = l1 / d_j, l2_j = l2 / d_j^2 on Q_jk d_j d_k ... is the scalar problem in x_j / d_j."""
    rng = np.random.default_rng(3)
    A = rng.normal(size=(40, 6))
    Q, c = A.T @ A, A.T @ rng.normal(size=40)
    d = 2.0 ** rng.integers(-20, 20, size=6)
    scalar = solve_quadratic_l1(Q, c, 3.0, 0.5)
    scaled = solve_quadratic_l1(Q / np.outer(d, d), c / d, 3.0 / d, 0.5 / d**2)
    np.testing.assert_array_equal(scaled.x == 0, scalar.x == 0)
    np.testing.assert_allclose(scaled.x / d, scalar.x, rtol=1e-10, atol=1e-12)
    assert 0 < np.count_nonzero(scalar.x) < 6
