"""The exact MAP of the Bernoulli (logit) and Poisson (log) likelihoods equals scikit-learn's penalized fits.

Proximal Newton with a line search (``MapSolver``): along 30-point warm-started paths, on a standardized real data
set (breast cancer, 569 x 30), a p > n synthetic problem (50 x 200) and a collinear one (five columns with
correlation ~0.999), the coefficients agree with scikit-learn to <= 1e-6 relative to the largest, with identical
zero patterns, and every certificate is <= 1e-8 (measured: <= 1.1e-8 relative difference, the reference's own
tolerance; certificates <= 1e-10).

* L2 logistic: ``LogisticRegression(C, l1_ratio=0, solver="newton-cholesky")`` (flat intercept, as here).
* L1 logistic: ``solver="liblinear"``, which penalizes its intercept as the coefficient of a constant column
  (``intercept_scaling=1``): compared with the MAP of that very model (the constant column appended, no flat
  intercept). The flat-intercept L1 and elastic-net paths are checked against glmnet's binomial family.
* L2 Poisson: ``PoissonRegressor(alpha, solver="newton-cholesky")`` (mean half deviance).
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression, PoissonRegressor
from sklearn.preprocessing import StandardScaler

import bayesreg as br
from bayesreg.conversions import PenaltyWeights, weights_from_enet, weights_from_logistic
from bayesreg.likelihoods import Bernoulli, Poisson
from bayesreg.model import build_model
from bayesreg.optimize.map import MapSolver, find_map

RTOL = 1e-6
CERT = 1e-8
N_PATH = 30


def _logistic(eta):
    return 1.0 / (1.0 + np.exp(-eta))


def _designs():
    X, y = load_breast_cancer(return_X_y=True)
    yield "breast_cancer", StandardScaler().fit_transform(X), y.astype(float)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 200))
    beta = np.zeros(200)
    beta[:5] = [2.0, -2.0, 1.5, 1.0, -1.0]
    yield "p_gt_n", X, (rng.random(50) < _logistic(X @ beta)).astype(float)
    z = rng.standard_normal((200, 1))
    X = np.hstack([z + 0.03 * rng.standard_normal((200, 1)) for _ in range(5)] + [rng.standard_normal((200, 3))])
    yield "collinear", X, (rng.random(200) < _logistic(X[:, 0] + X[:, 5])).astype(float)


DESIGNS = {name: (X, y) for name, X, y in _designs()}


def _c_grid(X, y):
    """From the C that zeroes every L1 coefficient (1 / lambda_max) up 1000 times."""
    lam_max = np.max(np.abs((X - X.mean(axis=0)).T @ (y - y.mean())))
    return np.logspace(0, 3, N_PATH) / lam_max


def _path(X, y, weights_seq, likelihood, *, fit_intercept=True):
    solver = MapSolver(build_model(X, y, br.Normal(1.0), likelihood=likelihood, fit_intercept=fit_intercept))
    state, results = None, []
    for weights in weights_seq:
        result, state = solver.solve(weights, start=state)
        results.append(result)
    return results


def _compare(results, references):
    for result, (coef, intercept) in zip(results, references, strict=True):
        largest = np.max(np.abs(coef))
        assert np.max(np.abs(result.coef - coef)) <= RTOL * largest
        assert abs(result.intercept - intercept) <= RTOL * max(largest, abs(intercept))
        assert np.array_equal(result.coef == 0, coef == 0)
        assert result.certificate <= CERT and result.converged


@pytest.mark.parametrize("name", DESIGNS)
def test_l2_logistic_path_equals_logistic_regression(name):
    X, y = DESIGNS[name]
    Cs = _c_grid(X, y)
    results = _path(X, y, [weights_from_logistic(C, 0.0) for C in Cs], Bernoulli())
    references = []
    for C in Cs:
        sk = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(X, y)
        references.append((sk.coef_.ravel(), float(sk.intercept_[0])))
    _compare(results, references)


@pytest.mark.parametrize("name", DESIGNS)
def test_l1_logistic_path_equals_liblinear_with_its_penalized_intercept(name):
    X, y = DESIGNS[name]
    Cs = _c_grid(X, y)
    with_constant = np.hstack([X, np.ones((X.shape[0], 1))])
    weights = [weights_from_logistic(C, 1.0) for C in Cs]
    results = _path(with_constant, y, weights, Bernoulli(), fit_intercept=False)
    references = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # liblinear's notice that it penalizes the intercept
        for C in Cs:
            sk = LogisticRegression(C=C, l1_ratio=1.0, solver="liblinear", tol=1e-12, max_iter=100_000).fit(X, y)
            references.append((np.r_[sk.coef_.ravel(), sk.intercept_], 0.0))
    _compare(results, references)
    assert any(0 < r.n_nonzero < X.shape[1] for r in results)  # the path is sparse somewhere


def _poisson_design(n, p, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    beta = np.zeros(p)
    beta[:3] = [0.5, -0.3, 0.2]
    return X, rng.poisson(np.exp(0.3 + X @ beta)).astype(float)


@pytest.mark.parametrize("n, p", [(300, 10), (50, 60)])
def test_l2_poisson_path_equals_poisson_regressor(n, p):
    X, y = _poisson_design(n, p, seed=1)
    alphas = np.logspace(0, -3, N_PATH)
    results = _path(X, y, [weights_from_enet(a, 0.0, sigma=1.0, n_samples=n) for a in alphas], Poisson())
    references = []
    for alpha in alphas:
        sk = PoissonRegressor(alpha=alpha, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(X, y)
        references.append((sk.coef_, float(sk.intercept_)))
    _compare(results, references)


def test_from_sklearn_gives_the_prior_whose_map_is_the_fit():
    X, y = DESIGNS["breast_cancer"]
    for estimator in (
        LogisticRegression(C=0.05, solver="newton-cholesky", tol=1e-14, max_iter=1000),
        LogisticRegression(C=3.0, solver="newton-cholesky", tol=1e-14, max_iter=1000),
    ):
        prior = br.from_sklearn(estimator)
        assert isinstance(prior, br.Normal) and prior.scale == pytest.approx(np.sqrt(estimator.C), rel=1e-15, abs=0)
        result = find_map(build_model(X, y, prior, likelihood=Bernoulli()))
        estimator.fit(X, y)
        assert np.max(np.abs(result.coef - estimator.coef_.ravel())) <= RTOL * np.max(np.abs(estimator.coef_))
    Xp, yp = _poisson_design(300, 10, seed=2)
    estimator = PoissonRegressor(alpha=0.01, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(Xp, yp)
    prior = br.from_sklearn(estimator, n_samples=300)
    assert prior.scale == pytest.approx(1.0 / np.sqrt(300 * 0.01), rel=1e-15, abs=0)
    result = find_map(build_model(Xp, yp, prior, likelihood=Poisson()))
    assert np.max(np.abs(result.coef - estimator.coef_)) <= RTOL * np.max(np.abs(estimator.coef_))


def test_nearly_separable_data_give_a_certified_mode_far_from_the_start():
    """Weak L2 on data separated but for one point: the mode is far from 0 (|beta| ~ 30) and certified."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((80, 3))
    y = (X[:, 0] > 0).astype(float)
    flip = np.argmin(np.abs(X[:, 0]))
    y[flip] = 1.0 - y[flip]
    prior = br.Normal(30.0)
    result = find_map(build_model(X, y, prior, likelihood=Bernoulli()))
    sk = LogisticRegression(C=prior.scale**2, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(X, y)
    assert result.converged and result.certificate <= CERT
    assert np.max(np.abs(result.coef - sk.coef_.ravel())) <= RTOL * np.max(np.abs(sk.coef_))
    assert np.max(np.abs(result.coef)) > 5


def _record_line_search(solver):
    """Wrap ``solver._line_search``: a list of (F before, F after, damped) per Newton step."""
    steps = []
    original = solver._line_search

    def record(state, evaluation, trial, weights):
        new_state, new_eval = original(state, evaluation, trial, weights)
        before = evaluation[0] + weights.penalty(state[1])
        steps.append((before, new_eval[0] + weights.penalty(new_state[1]), not np.array_equal(new_state[1], trial[1])))
        return new_state, new_eval

    solver._line_search = record
    return steps


def test_large_counts_take_damped_steps_and_reach_the_poisson_regressor_fit():
    """Counts near 1e4: the full Newton step from 0 overshoots (exp overflows) and is halved; the mode is exact."""
    rng = np.random.default_rng(4)
    X = 2.0 * rng.standard_normal((100, 3))
    y = rng.poisson(np.exp(3.0 + X @ np.array([1.0, -0.5, 0.0]))).astype(float)
    prior = br.Normal(10.0)
    solver = MapSolver(build_model(X, y, prior, likelihood=Poisson()))
    steps = _record_line_search(solver)
    result, _ = solver.solve(prior.weights)
    assert result.converged and result.certificate <= CERT
    assert any(damped for _, _, damped in steps)
    # every step decreases F, or (its predicted decrease below F's round-off) changes it by round-off only
    assert all(after <= before + 100 * np.finfo(float).eps * abs(before) for before, after, _ in steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its own tolerance, tighter than it reaches
        sk = PoissonRegressor(alpha=1.0 / (100 * prior.scale**2), solver="newton-cholesky", tol=1e-14).fit(X, y)
    assert np.max(np.abs(result.coef - sk.coef_)) <= RTOL * np.max(np.abs(sk.coef_))


def test_the_line_search_only_takes_descent_steps():
    X, y = DESIGNS["collinear"]
    solver = MapSolver(build_model(X, y, br.Laplace(0.05), likelihood=Bernoulli()))
    steps = _record_line_search(solver)
    result, _ = solver.solve(br.Laplace(0.05).weights)
    assert result.converged and steps
    assert all(after <= before + 1e-12 * abs(before) for before, after, _ in steps)


@pytest.mark.parametrize("l1_ratio", [0.0, 1.0])
def test_a_reused_curvature_is_refreshed_when_its_steps_stop_converging(l1_ratio):
    """Allowed to reuse the curvature however far w has moved, the Newton steps still refresh it as soon as a step
    fails to cut the certificate tenfold: a few steps per strength (measured: at most 9; with stale curvatures
    throughout, thousands), and the path of fresh curvatures (within the certificate)."""
    X, y = DESIGNS["breast_cancer"]
    weights_seq = [weights_from_logistic(C, l1_ratio) for C in _c_grid(X, y)]
    fresh = MapSolver(build_model(X, y, br.Normal(1.0), likelihood=Bernoulli()))
    fresh._reuse_fraction = 0.0
    lenient = MapSolver(build_model(X, y, br.Normal(1.0), likelihood=Bernoulli()))
    lenient._reuse_fraction = np.inf
    state_f = state_l = None
    for weights in weights_seq:
        expected, state_f = fresh.solve(weights, start=state_f)
        result, state_l = lenient.solve(weights, start=state_l)
        assert result.converged and result.n_iter <= 12
        assert np.max(np.abs(result.coef - expected.coef)) <= 1e-7 * np.max(np.abs(expected.coef))
        np.testing.assert_array_equal(result.coef == 0, expected.coef == 0)


def test_a_warm_start_where_the_last_solve_ended_reuses_its_evaluation():
    """The smooth part is the same at every strength: the next strength of a path starts from the last evaluation
    (one model evaluation fewer) and reaches the MAP a cold solver reaches from the same start."""
    X, y = DESIGNS["collinear"]
    first, second = br.Laplace(0.5).weights, br.Laplace(0.2).weights
    solver = MapSolver(build_model(X, y, br.Normal(1.0), likelihood=Bernoulli()))
    _, state = solver.solve(first)
    exit_beta = solver._last_exit[1][1]
    calls = []
    evaluate = solver.objective.evaluate
    solver.objective.evaluate = lambda *args: calls.append(args) or evaluate(*args)
    warm, _ = solver.solve(second, start=(state[0], state[1].copy(), None))
    cold_solver = MapSolver(build_model(X, y, br.Normal(1.0), likelihood=Bernoulli()))
    cold_calls = []
    cold_evaluate = cold_solver.objective.evaluate
    cold_solver.objective.evaluate = lambda *args: cold_calls.append(args) or cold_evaluate(*args)
    cold, _ = cold_solver.solve(second, start=state)
    # the cold solver evaluates its start first; the warm one never evaluates it again
    np.testing.assert_allclose(cold_calls[0][1], exit_beta, rtol=1e-14)
    assert not any(np.allclose(beta, exit_beta, rtol=1e-14, atol=0) for _, beta, _ in calls)
    np.testing.assert_allclose(warm.coef, cold.coef, rtol=0, atol=1e-9 * np.max(np.abs(cold.coef)))
    np.testing.assert_array_equal(warm.coef == 0, cold.coef == 0)
    # another start is evaluated where it is
    calls.clear()
    solver.solve(second, start=(state[0], 0.5 * state[1], None))
    assert np.array_equal(calls[0][1], solver.scaling.beta_to_working(0.5 * state[1]))


def test_a_far_warm_start_under_a_strong_lasso_prior_descends_at_every_step():
    """From |beta_j| = 30 under a strong Laplace prior the penalty dominates F: the sufficient decrease is measured
    with the change of the penalty (P(beta + d) - P(beta)), so every damped step still decreases F."""
    X, y = DESIGNS["collinear"]
    prior = br.Laplace(0.05)
    solver = MapSolver(build_model(X, y, prior, likelihood=Bernoulli()))
    steps = _record_line_search(solver)
    start = 30.0 * np.array([1.0, -1.0, 1.0, -1.0, 1.0, 1.0, -1.0, 1.0])
    result, _ = solver.solve(prior.weights, start=(0.0, start, None))
    assert result.converged and any(damped for _, _, damped in steps)
    assert all(after <= before + 100 * np.finfo(float).eps * abs(before) for before, after, _ in steps)


@pytest.mark.parametrize("weight", [1.0, 1e-3])
def test_the_certificate_scale_is_the_gradient_at_the_intercept_only_fit(weight):
    """|X_c' W (y - mean_w y)| (working units), lambda_max of a canonical link: uncentred columns, weights summing
    to less than 1 included."""
    X, y = DESIGNS["collinear"]
    X = X + 3.0
    sw = weight * np.random.default_rng(6).uniform(0.5, 1.5, size=len(y))
    solver = MapSolver(build_model(X, y, br.Laplace(1.0), likelihood=Bernoulli(), sample_weight=sw))
    Xw = solver._X
    centred = Xw - np.average(Xw, axis=0, weights=sw)
    expected = centred.T @ (sw * (y - np.average(y, weights=sw)))
    np.testing.assert_allclose(solver._gradient_at_zero(), expected, rtol=1e-9, atol=0)


def test_the_intercept_only_fit_with_an_offset_is_the_closed_form():
    """Poisson with exposures E (offset log E) and weights w: the intercept-only MAP is log(sum w y / sum w E), found
    by Newton steps on the intercept; it is where the MAP starts and where lambda_max is measured."""
    rng = np.random.default_rng(8)
    X = rng.standard_normal((300, 4))
    exposure = np.exp(rng.uniform(-6.0, 6.0, size=300))
    y = rng.poisson(exposure * 0.3).astype(float)
    sw = rng.uniform(0.5, 2.0, size=300)
    solver = MapSolver(
        build_model(X, y, br.Normal(1.0), likelihood=Poisson(), offset=np.log(exposure), sample_weight=sw)
    )
    b0 = solver._null_intercept()
    expected = np.log(np.sum(sw * y) / np.sum(sw * exposure))
    assert solver.scaling.intercept_from_working(b0, np.zeros(4)) == pytest.approx(expected, rel=0, abs=1e-10)


def test_the_intercept_only_fit_with_a_wide_offset_is_a_root_of_the_score():
    """Bernoulli with offsets from -30 to 30: from link(mean y) - mean(offset) the full Newton step on the intercept
    overshoots and is halved; the result solves sum_i (expit(b0 + o_i) - y_i) = 0."""
    from scipy import optimize, special

    rng = np.random.default_rng(9)
    offset = rng.uniform(-30.0, 30.0, size=200)
    y = (rng.random(200) < special.expit(offset + 2.0)).astype(float)
    X = rng.standard_normal((200, 3))
    solver = MapSolver(build_model(X, y, br.Normal(1.0), likelihood=Bernoulli(), offset=offset))
    b0 = solver.scaling.intercept_from_working(solver._null_intercept(), np.zeros(3))
    root = optimize.brentq(lambda b: np.sum(special.expit(b + offset) - y), -50.0, 50.0, xtol=1e-14)
    assert b0 == pytest.approx(root, rel=0, abs=1e-9)


def test_the_certificate_is_relative_whatever_the_size_of_the_objective():
    """Weights c w and prior weights c l1 scale the objective by c: the certificate at any point is unchanged, for c
    small enough that every gradient is below 1."""
    X, y = DESIGNS["collinear"]
    beta = np.full(X.shape[1], 0.1)
    rels = []
    for c in (1.0, 1e-6):
        sw = c * np.ones(len(y))
        solver = MapSolver(build_model(X, y, br.Laplace(1.0), likelihood=Bernoulli(), sample_weight=sw))
        working = solver.working_weights(PenaltyWeights(c * 0.5, 0.0))
        state = (0.1, beta, None)
        evaluation = solver.objective.evaluate(*state)
        assert np.max(np.abs(evaluation[2])) < 1.0 or c == 1.0
        rels.append(solver.certificate(state, evaluation, working, np.zeros_like(beta))[1])
    assert rels[1] == pytest.approx(rels[0], rel=1e-9, abs=0) and rels[0] > 1e-3


def test_the_quadratic_path_refuses_a_non_quadratic_likelihood():
    from bayesreg.optimize.map import quadratic_map_path

    X, y = DESIGNS["collinear"]
    solver = MapSolver(build_model(X, y, br.Laplace(1.0), likelihood=Bernoulli()))
    with pytest.raises(ValueError, match="needs a Gaussian likelihood .* binomial family"):
        quadratic_map_path(solver, [br.Laplace(1.0).weights])


# --- sample weights and offsets ------------------------------------------------------------------------------


def _weights(n, seed=0):
    """Non-integer weights, some exactly 0 (rows dropped) and some below 1."""
    rng = np.random.default_rng(seed)
    sw = rng.uniform(0.2, 3.0, size=n)
    sw[rng.choice(n, size=n // 10, replace=False)] = 0.0
    return sw


@pytest.mark.parametrize("C", [0.01, 0.3, 30.0])
def test_weighted_logistic_map_equals_weighted_logistic_regression(C):
    X, y = DESIGNS["breast_cancer"]
    sw = _weights(X.shape[0])
    sk = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y, sample_weight=sw)
    rm = build_model(X, y, br.from_sklearn(sk), likelihood=Bernoulli(), sample_weight=sw)
    result = find_map(rm)
    scale = np.abs(sk.coef_).max()
    np.testing.assert_allclose(result.coef, sk.coef_[0], rtol=0, atol=RTOL * scale)
    assert result.intercept == pytest.approx(sk.intercept_[0], abs=RTOL * scale)
    assert result.certificate <= CERT


def test_weighted_poisson_map_uses_the_sum_of_the_weights_as_n():
    """PoissonRegressor's data term is the weighted mean: alpha converts with n_samples = sum(sample_weight)."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((300, 8))
    y = rng.poisson(np.exp(0.3 + X @ rng.normal(scale=0.3, size=8))).astype(float)
    sw = _weights(300, seed=4)
    sk = PoissonRegressor(alpha=0.05, solver="newton-cholesky", tol=1e-12, max_iter=10_000).fit(X, y, sample_weight=sw)
    prior = br.from_sklearn(sk, n_samples=float(sw.sum()))
    result = find_map(build_model(X, y, prior, likelihood=Poisson(), sample_weight=sw))
    np.testing.assert_allclose(result.coef, sk.coef_, rtol=0, atol=RTOL * np.abs(sk.coef_).max())
    assert result.intercept == pytest.approx(sk.intercept_, abs=RTOL)
    assert result.certificate <= CERT


@pytest.mark.parametrize("prior", [br.Laplace(0.05), br.ElasticNet(20.0, 2.0)], ids=str)
@pytest.mark.parametrize("likelihood", [Bernoulli(), Poisson()], ids=lambda lik: lik.family)
def test_integer_weights_are_repeated_rows(prior, likelihood):
    """Frequency weights: weight k is the row k times, with the same zeros (L1)."""
    X, y = DESIGNS["collinear"]
    counts = np.random.default_rng(5).integers(0, 4, size=X.shape[0])
    weighted = find_map(build_model(X, y, prior, likelihood=likelihood, sample_weight=counts.astype(float)))
    repeated = find_map(build_model(np.repeat(X, counts, axis=0), np.repeat(y, counts), prior, likelihood=likelihood))
    np.testing.assert_allclose(weighted.coef, repeated.coef, rtol=0, atol=1e-9 * np.abs(repeated.coef).max())
    np.testing.assert_array_equal(weighted.coef == 0, repeated.coef == 0)
    assert weighted.intercept == pytest.approx(repeated.intercept, abs=1e-9)
    assert weighted.objective == pytest.approx(repeated.objective, rel=1e-10, abs=0)


def test_poisson_offset_is_the_exposure_of_a_rate_fit():
    """An offset log E: the MAP is PoissonRegressor's fit to the rates y / E weighted by E (same gradient)."""
    rng = np.random.default_rng(6)
    X = rng.standard_normal((400, 6))
    exposure = rng.uniform(0.1, 50.0, size=400)
    y = rng.poisson(exposure * np.exp(-2.0 + X @ rng.normal(scale=0.4, size=6))).astype(float)
    sk = PoissonRegressor(alpha=1e-3, solver="newton-cholesky", tol=1e-12, max_iter=10_000)
    sk.fit(X, y / exposure, sample_weight=exposure)
    prior = br.from_sklearn(sk, n_samples=float(exposure.sum()))
    result = find_map(build_model(X, y, prior, likelihood=Poisson(), offset=np.log(exposure)))
    np.testing.assert_allclose(result.coef, sk.coef_, rtol=0, atol=RTOL * np.abs(sk.coef_).max())
    assert result.intercept == pytest.approx(sk.intercept_, abs=RTOL)
    assert result.certificate <= CERT


@pytest.mark.parametrize("shift", [-30.0, 0.0, 25.0])
def test_a_constant_offset_moves_only_the_intercept(shift):
    """From any offset the intercept-only start is found (Newton on the intercept): exposures of 1e-13 to 1e11."""
    X, y = DESIGNS["breast_cancer"]
    counts = np.round(np.exp(1.0 + X[:, :3] @ np.array([0.3, -0.2, 0.1])))
    base = find_map(build_model(X, counts, br.Laplace(0.02), likelihood=Poisson()))
    moved = find_map(build_model(X, counts, br.Laplace(0.02), likelihood=Poisson(), offset=np.full(len(y), shift)))
    np.testing.assert_allclose(moved.coef, base.coef, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(moved.coef == 0, base.coef == 0)
    assert moved.intercept == pytest.approx(base.intercept - shift, abs=1e-9)
    logistic = find_map(build_model(X, y, br.Normal(1.0), likelihood=Bernoulli(), offset=np.full(len(y), shift)))
    plain = find_map(build_model(X, y, br.Normal(1.0), likelihood=Bernoulli()))
    np.testing.assert_allclose(logistic.coef, plain.coef, rtol=0, atol=1e-8)
    assert logistic.certificate <= CERT
