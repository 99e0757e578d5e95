import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from bayesreg.optimize.active_set import FactorCache, kkt_violation, solve_quadratic_l1


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


def test_ridge_case_reuses_a_cached_factor_for_the_same_l2(monkeypatch):
    """With a cache (a reused curvature), the ridge solve on the same Q and l2 is a solve with the kept factor."""
    from bayesreg.optimize import active_set

    Q, c = _problem(6, 30, 7)
    factorizations = []
    cholesky = active_set._cholesky
    monkeypatch.setattr(active_set, "_cholesky", lambda M: factorizations.append(M) or cholesky(M))
    cache = FactorCache()
    first = solve_quadratic_l1(Q, c, 0.0, 3.0, cache=cache)
    again = solve_quadratic_l1(Q, 2.0 * c, 0.0, 3.0, cache=cache)
    assert len(factorizations) == 1
    np.testing.assert_allclose(first.x, np.linalg.solve(Q + 6.0 * np.eye(7), c), rtol=1e-12)
    np.testing.assert_allclose(again.x, 2.0 * first.x, rtol=1e-12)
    other = solve_quadratic_l1(Q, c, 0.0, 0.5, cache=cache)
    assert len(factorizations) == 2
    np.testing.assert_allclose(other.x, np.linalg.solve(Q + np.eye(7), c), rtol=1e-12)


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


# ---- tests sharpened by mutation testing (mutation/README.md) ----


def test_ridge_case_reports_its_optimality_violation():
    Q, c = _problem(5, 20, 5)
    sol = solve_quadratic_l1(Q, c, 0.0, 3.0)
    grad = Q @ sol.x - c + 6.0 * sol.x
    assert sol.n_iter == 1
    assert sol.kkt == pytest.approx(np.abs(grad).max(), abs=1e-12 * np.abs(c).max())
    assert sol.kkt <= 1e-10 * np.abs(c).max()


@pytest.mark.parametrize("exponent", [-90, -40, 40, 90])
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_solution_is_invariant_to_the_scale_of_the_problem(exponent, l2):
    """Multiplying Q, c, l1 and l2 by 2^k (exact in float64) leaves the minimizer unchanged: every threshold
    of the solver (singular pivots, the tolerance of a violation) is relative to the problem's own scale."""
    Q, c = _problem(11, 30, 7)
    l1 = 0.2 * np.abs(c).max()
    ref = solve_quadratic_l1(Q, c, l1, l2)
    f = 2.0**exponent
    sol = solve_quadratic_l1(Q * f, c * f, l1 * f, l2 * f)
    np.testing.assert_array_equal(sol.x == 0, ref.x == 0)
    np.testing.assert_allclose(sol.x, ref.x, rtol=1e-10, atol=1e-12 * np.abs(ref.x).max())
    assert sol.kkt <= 1e-9 * np.abs(c * f).max()
    assert 0 < np.count_nonzero(ref.x) < 7


def test_factor_cache_keeps_the_factor_of_the_final_active_set():
    """A FactorCache passed to a solve ends holding the Cholesky factor of Q_AA + 2 l2 I on the final active set,
    recognized as reusable for the same l2 (a path reuses it) and not for another l2."""
    Q, c = _problem(2, 40, 9)
    l1, l2 = 0.1 * np.abs(c).max(), 0.25
    cache = FactorCache()
    sol = solve_quadratic_l1(Q, c, l1, l2, cache=cache)
    active = cache.active
    assert set(active) == set(np.flatnonzero(sol.x))
    M = Q[np.ix_(active, active)] + 2 * l2 * np.eye(active.size)
    np.testing.assert_allclose(cache.L @ cache.L.T, M, rtol=1e-12, atol=1e-12 * np.abs(M).max())
    assert cache.same_l2(np.full(9, l2))
    assert not cache.same_l2(np.full(9, 2 * l2))
    assert not FactorCache().same_l2(np.full(9, l2))
    # a second solve on the same Q (a smaller penalty: a path) reuses it and is still exact
    sol2 = solve_quadratic_l1(Q, c, 0.5 * l1, l2, x0=sol.x, cache=cache)
    grad = Q @ sol2.x - c + 2 * l2 * sol2.x
    assert kkt_violation(grad, sol2.x, 0.5 * l1).max() <= 1e-9 * np.abs(c).max()


def test_a_cache_from_earlier_solves_does_not_change_later_answers():
    """Reusing one FactorCache across solves with other penalties and other starts gives the cold answers."""
    Q, c = _problem(6, 40, 10)
    scale = np.abs(c).max()
    cache = FactorCache()
    previous = np.zeros(10)
    steps = [(0.05, 0.0, "zero"), (0.3, 0.0, "zero"), (0.02, 0.0, "previous"), (0.5, 0.0, "random")]
    # another l2 with the cache of the previous one: a smaller active set, then a larger one
    steps += [(0.1, 40.0, "zero"), (0.3, 0.0, "zero"), (0.6, 40.0, "zero"), (0.02, 0.0, "previous")]
    # and a warm start whose support is the cached active set, under another l2
    steps += [(0.02, 40.0, "previous"), (0.05, 0.0, "previous")]
    for frac, l2, start in steps:
        x0 = {"zero": None, "previous": previous, "random": np.random.default_rng(1).normal(size=10)}[start]
        sol = solve_quadratic_l1(Q, c, frac * scale, l2, x0=x0, cache=cache)
        previous = sol.x
        cold = solve_quadratic_l1(Q, c, frac * scale, l2)
        np.testing.assert_array_equal(sol.x == 0, cold.x == 0)
        np.testing.assert_allclose(sol.x, cold.x, rtol=1e-9, atol=1e-12 * scale)


def test_factor_cache_delete_drops_columns_of_the_factor():
    rng = np.random.default_rng(8)
    A = rng.normal(size=(30, 7))
    M = A.T @ A + np.eye(7)
    active = np.array([4, 0, 6, 2, 5])
    cache = FactorCache()
    l2 = np.full(7, 0.5)
    cache.store(active, np.linalg.cholesky(M[np.ix_(active, active)]), l2)
    cache.delete(active, np.array([1, 3]), l2)
    np.testing.assert_array_equal(cache.active, [4, 6, 5])
    kept = cache.active
    np.testing.assert_allclose(cache.L @ cache.L.T, M[np.ix_(kept, kept)], rtol=1e-12)
    assert np.allclose(cache.L, np.tril(cache.L))
    # a delete for another active set or another l2 leaves the cache alone
    cache.delete(active, np.array([0]), l2)
    cache.delete(kept, np.array([0]), 2 * l2)
    np.testing.assert_array_equal(cache.active, [4, 6, 5])


def test_iterations_are_counted_and_limited():
    Q, c = _problem(9, 40, 12)
    l1 = 0.01 * np.abs(c).max()
    sol = solve_quadratic_l1(Q, c, l1)
    assert sol.n_iter >= np.count_nonzero(sol.x) >= 3  # one iteration at least per coefficient that joined
    with pytest.raises(RuntimeError, match="did not finish in 2 iterations"):
        solve_quadratic_l1(Q, c, l1, max_iter=2)


@pytest.mark.parametrize("seed", [150, 144, 156])
def test_rank_deficient_gram_with_duplicate_columns_from_a_warm_start(seed):
    """Exact duplicate columns, p > n and l2 = 0: Q_AA is singular along the way, the search must pass through the
    null direction (where the smooth part is flat on it) without jumping over a sign change."""
    rng = np.random.default_rng(seed)
    n = rng.integers(3, 10)
    p = rng.integers(n + 1, 30)
    X = rng.normal(size=(n, p))
    X[:, 1] = X[:, 0]
    y = rng.normal(size=n)
    Q, c = X.T @ X, X.T @ y
    l1 = 10 ** rng.uniform(-6, -1) * np.abs(c).max()
    sol = solve_quadratic_l1(Q, c, l1, x0=rng.normal(size=p))
    viol = kkt_violation(Q @ sol.x - c, sol.x, l1)
    assert viol.max() <= 1e-9 * np.abs(c).max()
    assert sol.kkt == pytest.approx(viol.max(), abs=1e-12 * np.abs(c).max())


def test_default_iteration_cap_suffices_for_many_coefficients():
    """p = 150 nearly all active: a cold start takes about p iterations, a warm start with every sign wrong
    about 2p (each coefficient leaves, then joins again); the default cap (20 p + 100) must allow both."""
    rng = np.random.default_rng(0)
    n, p = 300, 150
    X = rng.normal(size=(n, p))
    X[:, 1::2] = X[:, ::2] + 0.3 * rng.normal(size=(n, p // 2))
    y = X @ rng.normal(size=p) + rng.normal(size=n)
    Q, c = X.T @ X, X.T @ y
    l1 = 1e-4 * np.abs(c).max()
    for x0 in [None, -10 * np.sign(c)]:
        sol = solve_quadratic_l1(Q, c, l1, x0=x0)
        assert kkt_violation(Q @ sol.x - c, sol.x, l1).max() <= 1e-9 * np.abs(c).max()
        assert np.count_nonzero(sol.x) >= 140


def _descent_problems():
    """(Q, c, l1, l2, x0): full rank and singular Gram matrices, cold and hostile warm starts."""
    out = []
    for seed in range(6):
        rng = np.random.default_rng(100 + seed)
        n, p = (40, 10) if seed % 2 else (6, 15)
        X = rng.normal(size=(n, p))
        if seed >= 4:
            X[:, 1] = X[:, 0]  # an exact duplicate: a flat null direction
        Q, c = X.T @ X, X.T @ (X[:, :3].sum(axis=1) + rng.normal(size=n))
        l1 = 10 ** rng.uniform(-3, -1) * np.abs(c).max()
        l2 = 0.0 if n < p or seed >= 4 else 0.5
        out += [(Q, c, l1, l2, None), (Q, c, l1, l2, rng.normal(size=p) * 3)]
    # both copies of a duplicated column in the warm start: Q_AA singular, the objective flat (equal signs) or
    # linear (opposite signs) along the null direction (test_duplicate_columns_both_active_from_a_warm_start)
    for seed in (0, 1):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(30, 6))
        X[:, 1] = X[:, 0]
        y = 2 * X[:, 0] + X[:, 2] + rng.normal(size=30) * 0.5
        Q, c = X.T @ X, X.T @ y
        for x01 in [(1.0, 1.0), (5.0, 0.1), (-2.0, -1.0)]:
            x0 = np.zeros(6)
            x0[:2] = x01
            out.append((Q, c, 0.1 * np.abs(c).max(), 0.0, x0))
    return out


@pytest.mark.parametrize("case", range(18))
def test_every_step_decreases_the_objective(monkeypatch, case):
    """The search is a descent method (module docstring): each step stops at the first zero crossing, so the
    objective never increases from one iterate to the next and the final point is optimal."""
    from bayesreg.optimize import active_set as solvers

    Q, c, l1, l2, x0 = _descent_problems()[case]
    values = []
    step = solvers._ActiveSetSolver.step

    def recording_step(self, x, active, signs):
        out = step(self, x, active, signs)
        values.append(_objective(Q, c, l1, l2, out[0]))
        return out

    monkeypatch.setattr(solvers._ActiveSetSolver, "step", recording_step)
    start = np.zeros(len(c)) if x0 is None else x0
    sol = solve_quadratic_l1(Q, c, l1, l2, x0=x0)
    values = np.array([_objective(Q, c, l1, l2, start)] + values)
    scale = np.abs(values).max()
    assert np.all(np.diff(values) <= 1e-12 * scale), np.diff(values).max() / scale
    viol = kkt_violation(Q @ sol.x - c + 2 * l2 * sol.x, sol.x, l1)
    assert viol.max() <= 1e-9 * np.abs(c).max()
    assert values[-1] == pytest.approx(_objective(Q, c, l1, l2, sol.x), rel=1e-12, abs=1e-12 * scale)


def test_kkt_violation_by_hand():
    grad = np.array([2.0, 2.0, 0.5, -3.0, 1.0])
    x = np.array([1.0, -1.0, 0.0, 0.0, -2.0])
    # active: |g + l1 sign(x)|; inactive: max(|g| - l1, 0)
    np.testing.assert_allclose(kkt_violation(grad, x, 2.0), [4.0, 0.0, 0.0, 1.0, 1.0])
    np.testing.assert_allclose(kkt_violation(grad, x, np.array([1.0, 1.0, 1.0, 1.0, 3.0])), [3.0, 1.0, 0.0, 2.0, 2.0])


def test_one_coefficient_by_hand():
    """min x^2 - 3x + |x| (Q = 2, c = 3, l1 = 1): x = 1 after one join and one check; a warm start on the wrong
    side leaves zero first and then joins again with the right sign; a large l1 gives 0 at once."""
    Q, c = np.array([[2.0]]), np.array([3.0])
    sol = solve_quadratic_l1(Q, c, 1.0)
    assert sol.x[0] == pytest.approx(1.0, rel=1e-15, abs=0) and sol.n_iter == 2 and sol.kkt <= 1e-15
    warm = solve_quadratic_l1(Q, c, 1.0, x0=np.array([-5.0]))
    assert warm.x[0] == pytest.approx(1.0, rel=1e-15, abs=0) and warm.n_iter == 4
    assert solve_quadratic_l1(Q, c, 1.0, max_iter=2).x[0] == pytest.approx(1.0, rel=1e-15, abs=0)
    with pytest.raises(RuntimeError, match="did not finish in 1 iterations"):
        solve_quadratic_l1(Q, c, 1.0, max_iter=1)
    zero = solve_quadratic_l1(Q, c, 3.5)
    assert zero.x[0] == 0.0 and zero.n_iter == 1 and zero.kkt == 0.0
    ridge = solve_quadratic_l1(Q, c, 1.0, 0.5)  # (2 + 1) x = 3 - 1
    assert ridge.x[0] == pytest.approx(2.0 / 3.0, rel=1e-15, abs=0)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("x01", [(1.0, 1.0), (5.0, 0.1), (-2.0, -1.0)])
def test_duplicate_columns_both_active_from_a_warm_start(seed, x01):
    """Columns 0 and 1 identical and both in the warm start: Q_AA is singular. With equal signs the objective is
    flat along the null direction (the minimum-norm minimizer is taken), with opposite ones it is linear. Either
    way the answer has the same-signed split whose sum is the coefficient of the column taken once."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(30, 6))
    X[:, 1] = X[:, 0]
    y = 2 * X[:, 0] + X[:, 2] + rng.normal(size=30) * 0.5
    Q, c = X.T @ X, X.T @ y
    l1 = 0.1 * np.abs(c).max()
    x0 = np.zeros(6)
    x0[:2] = x01
    sol = solve_quadratic_l1(Q, c, l1, x0=x0)
    assert kkt_violation(Q @ sol.x - c, sol.x, l1).max() <= 1e-9 * np.abs(c).max()
    once = np.delete(X, 1, axis=1)
    reduced = solve_quadratic_l1(once.T @ once, once.T @ y, l1)
    assert sol.x[0] * sol.x[1] >= 0
    assert sol.x[0] + sol.x[1] == pytest.approx(reduced.x[0], rel=1e-9, abs=0)
    np.testing.assert_allclose(sol.x[2:], reduced.x[1:], rtol=1e-9, atol=1e-12)


def test_a_violation_far_below_the_scale_still_joins():
    """Exact up to round-off: a coordinate whose |c_j| exceeds l1 by 5e-12 of the problem's scale joins with
    x_j = 5e-12 (a tolerance loosened to 1e-10 would leave it at 0)."""
    Q = np.diag([2.0, 1.0, 3.0])
    c = np.array([3.0, 0.5 + 5e-12, -0.2])
    sol = solve_quadratic_l1(Q, c, 0.5)
    assert sol.x[0] == pytest.approx(1.25, rel=1e-15, abs=0)
    assert sol.x[1] == pytest.approx(5e-12, rel=1e-4, abs=0)
    assert sol.x[2] == 0.0
    assert sol.kkt <= 1e-15


# --- a whole path: solve_quadratic_l1_path -----------------------------------------------------------------------


def _path_problem(seed, n, p, *, l2_ratio, factor_zero=False, increasing=False):
    Q, c = _problem(seed, n, p)
    rng = np.random.default_rng(seed)
    lam_max = np.abs(c).max()
    scales = np.geomspace(1.0, 1e-3, 40)
    if increasing:
        scales = scales[::-1]
    per_coordinate = rng.uniform(0.5, 2.0, size=p)  # the working coordinates' weights are per coordinate
    if factor_zero:
        per_coordinate[0] = 0.0  # an unpenalized coefficient
    l1 = np.outer(lam_max * scales, per_coordinate)
    l2 = l2_ratio * np.outer(lam_max * scales, per_coordinate**2)
    return Q, c, l1, l2


@pytest.mark.parametrize(
    "seed, n, p, l2_ratio, factor_zero, increasing",
    [
        (0, 60, 8, 0.0, False, False),
        (1, 60, 8, 0.5, False, False),
        (2, 15, 30, 0.0, False, False),  # p > n: singular Q_AA at the end of the lasso path
        (3, 15, 30, 1e-3, False, False),
        (4, 40, 12, 0.0, True, False),
        (5, 40, 12, 0.2, False, True),  # strengths increasing: coefficients leave
    ],
)
def test_a_path_is_each_strengths_own_solution(monkeypatch, seed, n, p, l2_ratio, factor_zero, increasing):
    from bayesreg.optimize import active_set

    Q, c, l1, l2 = _path_problem(seed, n, p, l2_ratio=l2_ratio, factor_zero=factor_zero, increasing=increasing)
    searches = []
    original = active_set.solve_quadratic_l1
    monkeypatch.setattr(active_set, "solve_quadratic_l1", lambda *a, **k: searches.append(1) or original(*a, **k))
    path = active_set.solve_quadratic_l1_path(Q, c, l1, l2)
    monkeypatch.undo()
    assert path.shape == l1.shape
    if n > p:  # most strengths keep the support and signs of the one before: no search
        assert len(searches) < 0.6 * len(l1)
    for k in range(len(l1)):
        cold = solve_quadratic_l1(Q, c, l1[k], l2[k])
        np.testing.assert_array_equal(path[k] == 0, cold.x == 0, err_msg=f"strength #{k}")
        grad = Q @ path[k] - c + 2.0 * l2[k] * path[k]
        viol = kkt_violation(grad, path[k], l1[k]).max()
        assert viol <= 1e-10 * max(np.abs(c).max(), l1[k].max()), f"strength #{k}"
        if p < n:  # unique solution
            assert np.max(np.abs(path[k] - cold.x)) <= 1e-10 * max(np.abs(cold.x).max(), 1.0)


def test_a_path_without_an_l1_part_is_ridge():
    from bayesreg.optimize.active_set import solve_quadratic_l1_path

    Q, c, _, l2 = _path_problem(7, 50, 6, l2_ratio=1.0)
    path = solve_quadratic_l1_path(Q, c, np.zeros_like(l2), l2)
    for k in range(len(l2)):
        np.testing.assert_allclose(path[k], np.linalg.solve(Q + 2.0 * np.diag(l2[k]), c), rtol=1e-12, atol=0)


def test_the_compiled_warm_solution_says_when_the_warm_support_is_the_solution():
    from bayesreg.optimize._kernels import warm_solution
    from bayesreg.optimize.active_set import _factor

    Q, c = _problem(11, 50, 6)
    l1 = np.full(6, 0.3 * np.abs(c).max())
    l2 = np.zeros(6)
    exact = solve_quadratic_l1(Q, c, l1).x
    active = np.flatnonzero(exact)
    assert 0 < active.size < 6
    L = _factor(Q, l2, active)
    out = np.full(6, np.nan)
    warm = np.where(exact != 0, np.sign(exact), 0.0)  # the right support and signs, the wrong values
    assert warm_solution(Q, c, l1, warm, active[::-1].copy(), _factor(Q, l2, active[::-1].copy()), 1e-13, out) == 1
    np.testing.assert_allclose(out, exact, rtol=1e-12, atol=0)
    assert np.all(out[exact == 0] == 0.0)
    # not the support of the warm start
    assert warm_solution(Q, c, l1, warm, active[:-1].copy(), L[:-1, :-1].copy(), 1e-13, out) == -1
    other = warm.copy()
    other[active[0]] = 0.0
    other[np.flatnonzero(exact == 0)[0]] = 1.0
    assert warm_solution(Q, c, l1, other, active, L, 1e-13, out) == -1
    # a sign that the minimizer on the support does not keep
    flipped = warm.copy()
    flipped[active[0]] *= -1.0
    assert warm_solution(Q, c, l1, flipped, active, L, 1e-13, out) == 0
    # a coordinate off the support that violates its condition: a weaker penalty brings it in
    weaker = 0.5 * l1
    assert solve_quadratic_l1(Q, c, weaker).x.nonzero()[0].size > active.size
    assert warm_solution(Q, c, weaker, warm, active, L, 1e-13, out) == 0


def test_a_triangular_solve_column_by_column_is_the_solve():
    from scipy.linalg import solve_triangular

    from bayesreg.optimize.active_set import _cholesky, _lower_solve

    Q, _ = _problem(12, 30, 7)
    L = _cholesky(Q)
    B = np.random.default_rng(0).normal(size=(7, 3))
    np.testing.assert_allclose(_lower_solve(L, B), solve_triangular(L, B, lower=True), rtol=1e-13, atol=0)
