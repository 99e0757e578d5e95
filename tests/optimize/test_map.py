import numpy as np
import pymc as pm
import pytest
from sklearn.datasets import load_diabetes

import bayesreg as br
from bayesreg.conversions import PenaltyWeights
from bayesreg.likelihoods import Gaussian
from bayesreg.optimize.active_set import kkt_violation
from bayesreg.optimize.map import MapSolver, find_map


@pytest.mark.filterwarnings("ignore:`find_MAP` will:FutureWarning")
def test_map_is_exact_where_find_map_is_not(diabetes_std):
    """The design notes' case: diabetes, sigma = 50, Lasso alpha = 1."""
    from sklearn.linear_model import Lasso

    X, y = diabetes_std
    n = X.shape[0]
    sk = Lasso(alpha=1.0, tol=1e-12, max_iter=1_000_000).fit(X, y)
    rm = br.build_model(X, y, br.from_sklearn(sk, sigma=50.0, n_samples=n), likelihood=Gaussian(sigma=50.0))
    ours = find_map(rm)
    assert np.max(np.abs(ours.coef - sk.coef_)) <= 1e-9 * np.abs(sk.coef_).max()
    np.testing.assert_array_equal(ours.coef == 0, sk.coef_ == 0)
    assert np.count_nonzero(ours.coef == 0.0) >= 2
    # pm.find_MAP's smooth optimizer on the same model: no exact zeros, visibly off
    smooth = pm.find_MAP(model=rm.model, progressbar=False, return_inferencedata=False, jitter=False)
    assert np.count_nonzero(smooth["beta"] == 0.0) == 0
    assert np.max(np.abs(smooth["beta"] - sk.coef_)) > 1e3 * np.max(np.abs(ours.coef - sk.coef_))


def test_certificate_checked_with_the_model_gradient(design):
    """Re-derive the certificate from the model's own compiled gradient at the MAP."""
    _, X, y = design
    prior = br.ElasticNet(l1=5.0, l2=0.5)
    rm = br.build_model(X, y, prior, likelihood=Gaussian(sigma=1.5))
    result = find_map(rm)
    dlogp = rm.model.compile_dlogp(vars=[rm.beta], jacobian=False)
    point = {"beta": result.coef, "intercept": np.asarray(result.intercept)}
    # d(-logp)/dbeta of the whole model includes the prior's -l1 sign(b) - 2 l2 b; add the L1 back
    g_smooth = -dlogp(point) - prior.l1 * np.sign(result.coef)
    active = result.coef != 0
    viol_active = np.abs(g_smooth[active] + prior.l1 * np.sign(result.coef[active]))
    viol_zero = np.maximum(np.abs(g_smooth[~active]) - prior.l1, 0)
    lam_max = np.abs((X - X.mean(axis=0)).T @ (y - y.mean())).max() / 1.5**2
    assert max(viol_active.max(initial=0), viol_zero.max(initial=0)) <= 1e-8 * max(lam_max, prior.l1)
    assert result.certificate <= 1e-10


@pytest.mark.parametrize("prior", [br.Laplace(3.0), br.Normal(2.0), br.ElasticNet(0.4, 0.2)], ids=repr)
def test_objective_is_the_negative_log_posterior(diabetes_std, prior):
    X, y = diabetes_std
    rm = br.build_model(X, y, prior, likelihood=Gaussian(sigma=40.0))
    result = find_map(rm)
    logp = rm.model.compile_logp(jacobian=False)
    value = -logp({"beta": result.coef, "intercept": np.asarray(result.intercept)})
    assert result.objective == pytest.approx(value, rel=1e-12, abs=0)


def test_changing_the_prior_needs_no_recompilation(diabetes_std):
    from sklearn.linear_model import Lasso

    X, y = diabetes_std
    n = X.shape[0]
    rm = br.build_model(X, y, br.Laplace(1.0), likelihood=Gaussian(sigma=50.0))
    solver = MapSolver(rm)
    compiled = solver.objective._fn
    for alpha in [2.0, 0.5, 0.1]:
        prior = br.from_sklearn(Lasso(alpha=alpha), sigma=50.0, n_samples=n)
        rm.set_prior(prior)
        result, _ = solver.solve()
        sk = Lasso(alpha=alpha, tol=1e-12, max_iter=1_000_000).fit(X, y)
        assert np.max(np.abs(result.coef - sk.coef_)) <= 1e-9 * np.abs(sk.coef_).max()
        assert rm.model["beta_scale"].get_value() == pytest.approx(prior.scale)
    assert solver.objective._fn is compiled
    with pytest.raises(TypeError, match="prior must be a Laplace"):
        rm.set_prior(br.Normal(1.0))


# --- free sigma: the global joint mode ---------------------------------------------------------


def _profile_by_sklearn(X, y, scale, sigma):
    """Independent profile of -log p(b0, beta, sigma | y) for a Laplace(scale) prior and a
    HalfNormal(sd(y)) prior on sigma (constants dropped): scikit-learn's Lasso at each sigma."""
    from sklearn.linear_model import Lasso

    n = len(y)
    fit = Lasso(alpha=sigma**2 / (n * scale), tol=1e-14, max_iter=1_000_000).fit(X, y)
    resid = y - fit.predict(X)
    return (
        resid @ resid / (2 * sigma**2)
        + n * np.log(sigma)
        + np.abs(fit.coef_).sum() / scale
        + sigma**2 / (2 * np.std(y) ** 2)
    )


def _min_over_grid(X, y, scale, lo, hi, n_grid):
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    grid = np.exp(np.linspace(np.log(lo), np.log(hi), n_grid))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        values = np.array([_profile_by_sklearn(X, y, scale, s) for s in grid])
    return grid[values.argmin()], values.min()


def test_joint_map_is_the_global_mode_on_make_regression():
    """The issue's case: a local mode at sigma = 143.9 with every coefficient 0 was reported before."""
    from sklearn.datasets import make_regression
    from sklearn.linear_model import Lasso

    X, y = make_regression(n_samples=100, n_features=20, noise=0.1, random_state=0)
    est = br.BayesianRegression(br.Laplace(1.0)).fit(X, y)
    result = est.map_
    assert result.converged and result.certificate <= 1e-10
    assert result.n_modes == 2  # both modes were found and compared
    assert np.mean((y - est.predict(X)) ** 2) < 0.05
    assert 0.05 < est.sigma_ < 0.2
    # at the reported sigma the coefficients are the penalized fit (1e-6 relative) ...
    n = len(y)
    sk = Lasso(alpha=est.sigma_**2 / n, tol=1e-14, max_iter=1_000_000).fit(X, y)
    assert np.max(np.abs(est.coef_ - sk.coef_)) <= 1e-6 * np.abs(sk.coef_).max()
    # ... and the objective is the best over a fine grid of sigma (the other mode included)
    ours = _profile_by_sklearn(X, y, 1.0, est.sigma_)
    _, best = _min_over_grid(X, y, 1.0, 0.01, 300.0, 800)
    assert ours <= best + 1e-9 * abs(best)
    assert ours < _profile_by_sklearn(X, y, 1.0, 143.9) - 100


def test_joint_map_takes_the_higher_mode_when_it_is_the_better_one():
    """The same data with a stronger prior (Laplace(0.3)): two modes again, but the global one is now the sparse
    one at the large sigma (all coefficients 0); the modes are compared by their objective, not by position."""
    from sklearn.datasets import make_regression

    X, y = make_regression(n_samples=100, n_features=20, noise=0.1, random_state=0)
    est = br.BayesianRegression(br.Laplace(0.3)).fit(X, y)
    assert est.map_.n_modes == 2 and est.map_.converged
    assert np.all(est.coef_ == 0.0) and est.sigma_ > 100
    ours = _profile_by_sklearn(X, y, 0.3, est.sigma_)
    _, best = _min_over_grid(X, y, 0.3, 0.01, 300.0, 800)
    assert ours <= best + 1e-9 * abs(best)


@pytest.mark.parametrize("scale", [1.0, 0.3])
def test_the_exact_profile_compares_modes_like_the_quadratic_one(monkeypatch, scale):
    """The profile taken from the model's own residuals (nearly exact fits; the general likelihood) finds and
    compares the same two modes as the Gaussian's quadratic form: the global mode is the dense one at the small sigma
    under Laplace(1.0) and the sparse one at the large sigma under Laplace(0.3)."""
    from sklearn.datasets import make_regression

    from bayesreg.optimize import map as map_module

    X, y = make_regression(n_samples=100, n_features=20, noise=0.1, random_state=0)  # RSS_ls / RSS0 ~ 5e-7
    rm = br.build_model(X, y, br.Laplace(scale), likelihood=Gaussian())
    monkeypatch.setattr(map_module, "_MIN_RSS_RATIO_QUADRATIC", 0.0)  # always the quadratic form
    quadratic, _ = MapSolver(rm).solve()
    monkeypatch.setattr(map_module, "_MIN_RSS_RATIO_QUADRATIC", np.inf)  # always the model's own profile
    exact, _ = MapSolver(rm).solve()
    assert exact.n_modes == quadratic.n_modes == 2 and exact.converged
    assert exact.sigma == pytest.approx(quadratic.sigma, rel=1e-9, abs=0)
    np.testing.assert_array_equal(exact.coef == 0.0, quadratic.coef == 0.0)


@pytest.mark.parametrize("seed", range(6))
def test_joint_map_beats_a_brute_force_profile(seed):
    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(20, 60)), int(rng.integers(2, 10))
    X = rng.normal(size=(n, p)) * rng.lognormal(0, 2, size=p)
    y = X @ (rng.normal(size=p) * (rng.random(p) < 0.5)) + rng.normal(size=n) * rng.lognormal(0, 2)
    scale = float(rng.lognormal(0, 2))
    est = br.BayesianRegression(br.Laplace(scale)).fit(X, y)
    assert est.map_.certificate <= 1e-10
    sd = np.std(y)
    sigma_grid, best = _min_over_grid(X, y, scale, sd * 1e-5, sd * 1.5, 400)
    ours = _profile_by_sklearn(X, y, scale, est.sigma_)
    assert ours <= best + 1e-9 * abs(best)
    assert est.sigma_ == pytest.approx(sigma_grid, rel=0.05, abs=0)  # the grid's own resolution


def test_joint_map_objective_is_the_models_own(diabetes_std):
    X, y = diabetes_std
    prior = br.ElasticNet(l1=0.05, l2=0.01)
    rm = br.build_model(X, y, prior, likelihood=Gaussian())
    _assert_the_models_own_joint_mode(rm, find_map(rm))


def _assert_the_models_own_joint_mode(rm, result):
    """The reported objective is the model's -logp at the estimate, and d(-logp)/dlog sigma = 0 there (the sigma
    part of the certificate). Returns the compiled logp."""
    logp = rm.model.compile_logp(jacobian=False)
    point = {"beta": result.coef, "intercept": np.asarray(result.intercept), "sigma_log__": np.log(result.sigma)}
    assert result.objective == pytest.approx(-logp(point), rel=1e-12, abs=0)
    dlogp = rm.model.compile_dlogp(vars=[rm.model["sigma"]], jacobian=False)
    assert abs(float(dlogp(point)[0]) * result.sigma) <= 1e-8 * len(rm.y)
    return logp


def test_joint_map_refuses_an_exact_fit():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    y = X @ [1.0, 2.0, 0.0] + 4.0
    with pytest.raises(ValueError, match="fit exactly"):
        br.BayesianRegression(br.Laplace(1.0)).fit(X, y)


@pytest.mark.parametrize(("noise", "rel"), [(1e-9, 1e-6), (1e-11, 1e-3)])
def test_joint_map_of_a_nearly_exact_fit(noise, rel):
    """Residuals 1e-9 or 1e-11 against y ~ 5 (RSS ratio ~1e-19, ~1e-23) are data, not an exact fit: sigma goes to
    their scale, to the digits the residuals keep (about eps / sqrt(RSS ratio))."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    y = X @ [1.0, 2.0, 0.0] + 4.0 + noise * rng.normal(size=30)
    est = br.BayesianRegression(br.Laplace(1.0)).fit(X, y)
    A = np.c_[np.ones(30), X]
    ls = np.linalg.lstsq(A, y, rcond=None)[0]
    rms = np.sqrt(np.sum((y - A @ ls) ** 2) / 30)  # sigma^2 = RSS / n at the joint mode, up to O(sigma^2)
    np.testing.assert_allclose(est.coef_, ls[1:], rtol=0, atol=1e-12)
    assert est.sigma_ == pytest.approx(rms, rel=rel, abs=0)
    # the certificate of sigma allows for the rounding of residuals ~1e-9 of y, not for a wrong sigma
    solver = MapSolver(br.build_model(X, y, br.Laplace(1.0), likelihood=Gaussian()))
    result, _ = solver.solve()
    assert result.converged and result.sigma == pytest.approx(est.sigma_, rel=1e-12, abs=0)
    prior = br.Laplace(1.0)
    beta_w = solver.scaling.beta_to_working(result.coef)
    state = (0.0, beta_w, np.log(result.sigma / solver.scaling.y_scale) + 0.5)
    _, certificate = solver.certificate(
        state, solver.objective.evaluate(*state), solver.working_weights(prior.weights), np.ones(3)
    )
    assert certificate > 0.5


# --- units: the MAP does not depend on them ----------------------------------------------------


@pytest.mark.parametrize(
    "transform",
    [
        "offset 1.7e9",
        "X * 1e300",
        "X * 1e-300",
        "y, sigma * 1e-200",
        "y, sigma * 1e250",
        "columns * 10^k",
    ],
)
@pytest.mark.parametrize("prior", [br.Laplace(5.0), br.Normal(2.0), br.ElasticNet(l1=0.2, l2=0.1)])
def test_map_is_exact_at_any_scale(transform, prior):
    """Rescaling X, y and sigma (with the prior scale in the same units) maps the MAP exactly."""
    X, y = load_diabetes(return_X_y=True)
    sigma = 50.0
    ref = br.BayesianRegression(prior, sigma=sigma).fit(X, y)
    shift = np.zeros(X.shape[1])
    col = np.ones(X.shape[1])  # beta_j -> beta_j * k / c_j
    k = 1.0
    if transform == "offset 1.7e9":
        shift[0] = 1.7e9
        # X + 1.7e9 keeps ~9 fewer digits of column 0: compare with the data it actually holds
        X = (X + shift) - shift
        ref = br.BayesianRegression(prior, sigma=sigma).fit(X, y)
    # l2 weights scale with the square of the units: half the exponent range, 1e150, for them
    big = 1e300 if isinstance(prior, br.Laplace) else 1e150
    if transform == "X * 1e300":
        col[:] = big
    elif transform == "X * 1e-300":
        col[:] = 1 / big
    elif transform == "y, sigma * 1e-200":
        k = big**-0.66
    elif transform == "y, sigma * 1e250":
        k = big**0.83
    elif transform == "columns * 10^k":
        col = 10.0 ** np.arange(-5, X.shape[1] - 5)
    # the prior on beta' = beta * k / c: same weights in the new units need c = const across columns
    c = col[0]
    if isinstance(prior, br.Normal):
        new_prior = br.Normal(prior.scale * k / c)
    elif isinstance(prior, br.Laplace):
        new_prior = br.Laplace(prior.scale * k / c)
    else:
        new_prior = br.ElasticNet(l1=prior.l1 * c / k, l2=prior.l2 * (c / k) ** 2)
    if transform == "columns * 10^k":
        # an i.i.d. prior is not invariant to per-column units; standardize=True fits are
        ref = br.BayesianRegression(prior, sigma=sigma, standardize=True).fit(X, y)
        est = br.BayesianRegression(prior, sigma=sigma, standardize=True).fit(X * col, y)
    else:
        est = br.BayesianRegression(new_prior, sigma=sigma * k).fit(X * col + shift, y * k)
    expected = ref.coef_ * k / col
    np.testing.assert_array_equal(est.coef_ == 0, ref.coef_ == 0)
    np.testing.assert_allclose(est.coef_, expected, rtol=1e-9, atol=1e-12 * np.abs(expected).max())
    assert est.intercept_ + shift @ est.coef_ == pytest.approx(ref.intercept_ * k, rel=1e-9, abs=0)
    assert est.map_.converged and est.map_.certificate <= 1e-10
    assert np.isfinite(est.map_.objective)


def test_nonconvergence_is_reported(diabetes_std, monkeypatch):
    """A sub-problem that comes back inexact (simulated) leaves the certificate above tol: warned, not hidden."""
    from sklearn.exceptions import ConvergenceWarning

    import bayesreg.optimize.map as map_module

    X, y = diabetes_std
    rm = br.build_model(X, y, br.Laplace(1.0), likelihood=Gaussian(sigma=50.0))
    solver = MapSolver(rm)
    exact = map_module.solve_quadratic_l1

    def inexact(*args, **kwargs):
        sol = exact(*args, **kwargs)
        sol.x = sol.x * 1.01
        return sol

    monkeypatch.setattr(map_module, "solve_quadratic_l1", inexact)
    with pytest.warns(ConvergenceWarning, match="did not converge") as record:
        result, _ = solver.solve(max_iter=3)
    assert record[0].filename == __file__
    assert not result.converged and result.certificate > 1e-10 and result.n_iter == 3


def test_certificate_is_never_nan_and_tolerance_is_tight(diabetes_std):
    """A loosened default tolerance (1e-7) would leave certificates near 1e-8 on the free-sigma fit."""
    X, y = diabetes_std
    for sigma in (None, 50.0):
        result = find_map(br.build_model(X, y, br.Laplace(2.0), likelihood=Gaussian(sigma=sigma)))
        assert np.isfinite(result.certificate) and result.certificate <= 1e-10


def test_free_sigma_polish_survives_round_off_at_the_root():
    """RandomState(42), X ~ N(100, 1): the model's slope at the root is 1e-14 and flipped sign between two
    evaluations; the polish raised scipy's bare 'f(a) and f(b) must have different signs'."""
    rng = np.random.RandomState(42)
    X = rng.normal(loc=100, size=(100, 2))
    y = rng.normal(size=100)
    for prior in (br.Normal(1.0), br.Laplace(1.0)):
        est = br.BayesianRegression(prior).fit(X, y)
        assert est.map_.converged and est.map_.certificate <= 1e-10


def test_certificate_includes_the_intercept(diabetes_std):
    """An intercept off its optimum must show in the certificate, even with every coefficient optimal."""
    X, y = diabetes_std
    rm = br.build_model(X, y, br.Laplace(5.0), likelihood=Gaussian(sigma=50.0))
    solver = MapSolver(rm)
    result, _ = solver.solve()
    weights = solver.working_weights(rm.prior.weights)
    b0_w = solver.scaling.intercept_to_working(result.intercept, result.coef)
    beta_w = solver.scaling.beta_to_working(result.coef)
    state, _, c, _ = solver._solve_fixed_sigma((b0_w, beta_w, None), weights, 1e-10, 1)
    off = (state[0] + 0.1, state[1], None)
    _, rel = solver.certificate(off, solver.objective.evaluate(*off), weights, c)
    viol, _ = solver.certificate(off, solver.objective.evaluate(*off), weights, c)
    assert rel > 1e-3 and viol > 1e-3


# --- what the result reports, and the path ---------------------------------------------------------


def _kkt_violation_by_hand(X, y, result, weights, sigma, fit_intercept):
    """MapResult.kkt_violation's definition, in the user's units, from the data directly."""
    resid = y - result.intercept - X @ result.coef
    g = -(X.T @ resid) / sigma**2 + 2.0 * weights.l2 * result.coef
    nonzero = result.coef != 0.0
    violation = np.where(
        nonzero, np.abs(g + weights.l1 * np.sign(result.coef)), np.maximum(np.abs(g) - weights.l1, 0.0)
    )
    g0 = -resid.sum() / sigma**2 if fit_intercept else 0.0
    return max(float(violation.max()), abs(g0))


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_reported_kkt_violation_is_in_the_users_units(diabetes_std, fit_intercept):
    """At any point (here a far from optimal one, set in working coordinates) the violation the solver reports
    is the one computed from the data in the user's units; the certificate is scale-free and positive."""
    from types import SimpleNamespace

    X, y = diabetes_std
    X = X * np.array([1.0, 100.0, 0.01, 3.0, 1e4, 1.0, 0.5, 7.0, 1e-3, 2.0])  # columns on unequal scales
    prior, sigma = br.ElasticNet(l1=0.3, l2=0.02), 2.0
    rm = br.build_model(X, y, prior, likelihood=Gaussian(sigma=sigma), fit_intercept=fit_intercept)
    solver = MapSolver(rm)
    beta_w = np.random.default_rng(3).normal(size=10)
    beta_w[[1, 4]] = 0.0
    state = (0.3 if fit_intercept else 0.0, beta_w, None)
    violation, certificate = solver.certificate(
        state, solver.objective.evaluate(*state), solver.working_weights(prior.weights), np.ones(10)
    )
    beta = solver.scaling.beta_from_working(beta_w)
    point = SimpleNamespace(coef=beta, intercept=solver.scaling.intercept_from_working(state[0], beta))
    by_hand = _kkt_violation_by_hand(X, y, point, prior.weights, sigma, fit_intercept)
    assert by_hand > 1.0 and certificate > 1e-3
    assert violation == pytest.approx(by_hand, rel=1e-9, abs=0)
    # and at the MAP it is round-off, intercept included
    result = find_map(rm)
    assert result.kkt_violation <= 1e-8 * by_hand
    assert _kkt_violation_by_hand(X, y, result, prior.weights, sigma, fit_intercept) <= 1e-8 * by_hand


def test_joint_map_with_a_narrow_half_normal_prior_on_sigma(diabetes_std):
    """sigma ~ HalfNormal(0.2 sd(y)) pulls the joint mode well below the residual sd: the mode is still the
    model's own, and no sigma on a fine grid does better."""
    X, y = diabetes_std
    prior = br.Laplace(0.5)
    rm = br.build_model(X, y, prior, likelihood=Gaussian(sigma_prior_scale=0.2 * y.std()))
    result = find_map(rm)
    logp = _assert_the_models_own_joint_mode(rm, result)
    for sigma in result.sigma * np.exp(np.linspace(-0.3, 0.3, 13)):
        fixed = br.build_model(X, y, prior, likelihood=Gaussian(sigma=sigma))
        at_sigma = find_map(fixed)
        trial = {"beta": at_sigma.coef, "intercept": np.asarray(at_sigma.intercept), "sigma_log__": np.log(sigma)}
        assert -logp(trial) >= result.objective - 1e-9 * abs(result.objective)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(
    "weights",
    [
        [br.Laplace(b).weights for b in (0.02, 0.1, 0.5, 3.0)],
        [br.Normal(t).weights for t in (0.05, 0.3, 2.0)],
        [br.ElasticNet(l1, 0.4).weights for l1 in (40.0, 5.0, 0.5)],
    ],
    ids=["lasso", "ridge", "enet"],
)
def test_quadratic_map_path_is_the_map_at_every_strength(diabetes_std, weights, fit_intercept):
    from bayesreg.optimize.map import quadratic_map_path
    from bayesreg.priors import prior_from_weights

    X, y = diabetes_std
    X = X * np.array([1.0, 100.0, 0.01, 3.0, 1.0, 1.0, 0.5, 7.0, 1.0, 2.0])
    sigma = 1.5 * y.std()
    rm = br.build_model(X, y, br.Laplace(1.0), likelihood=Gaussian(sigma=sigma), fit_intercept=fit_intercept)
    path = quadratic_map_path(MapSolver(rm), weights)
    assert path.coefs.shape == (10, len(weights)) and np.all(path.certificates <= 1e-10)
    for k, w in enumerate(weights):
        single = find_map(
            br.build_model(X, y, prior_from_weights(w), likelihood=Gaussian(sigma=sigma), fit_intercept=fit_intercept)
        )
        np.testing.assert_allclose(path.coefs[:, k], single.coef, rtol=1e-7, atol=1e-9 * np.abs(single.coef).max())
        np.testing.assert_array_equal(path.coefs[:, k] == 0.0, single.coef == 0.0)
        assert path.intercepts[k] == pytest.approx(single.intercept, rel=1e-7, abs=1e-9 * abs(y).max())


def test_quadratic_ridge_path_with_penalty_factors_is_the_map_at_every_strength(diabetes_std):
    """Factors below 1 (one coefficient penalized half as much): not the one-eigendecomposition ridge path of equal
    penalties, and still the MAP at every strength."""
    from bayesreg.optimize.map import quadratic_map_path

    X, y = diabetes_std
    factor = (0.5,) + (1.0,) * 9
    sigma = 1.5 * y.std()
    weights = [br.Normal(t, penalty_factor=factor).weights for t in (0.05, 0.3, 2.0)]
    rm = br.build_model(X, y, br.Normal(1.0, penalty_factor=factor), likelihood=Gaussian(sigma=sigma))
    path = quadratic_map_path(MapSolver(rm), weights)
    for k, t in enumerate((0.05, 0.3, 2.0)):
        single = find_map(br.build_model(X, y, br.Normal(t, penalty_factor=factor), likelihood=Gaussian(sigma=sigma)))
        np.testing.assert_allclose(path.coefs[:, k], single.coef, rtol=1e-7, atol=1e-9 * np.abs(single.coef).max())


def test_quadratic_map_path_needs_a_fixed_sigma(diabetes_std):
    from bayesreg.optimize.map import quadratic_map_path

    X, y = diabetes_std
    with pytest.raises(ValueError, match="fixed sigma"):
        quadratic_map_path(MapSolver(br.build_model(X, y, br.Laplace(1.0), likelihood=Gaussian())), [])


@pytest.mark.parametrize(
    ("scale", "fit_intercept", "prior"),
    [
        (None, True, br.Laplace(0.5)),
        (0.2, True, br.Laplace(0.5)),
        (3.0, True, br.Laplace(0.5)),
        (0.2, False, br.Laplace(0.5)),
        (0.2, True, br.Normal(2.0)),
        (0.2, True, br.ElasticNet(l1=0.05, l2=0.01)),
    ],
)
def test_sigma_profile_is_the_models_own_objective(diabetes_std, scale, fit_intercept, prior):
    """The profile F(s), s = log sigma, that brackets and compares the joint modes: F(s) - f(beta(s), s) is one
    constant for all s (f the model's own negative log posterior, its smooth part plus the penalty, beta(s) the
    MAP at that sigma), and dF/ds is the model's own d f / d log sigma there; sigma ~ HalfNormal(scale sd(y))."""
    from bayesreg.optimize.map import _QuadraticProfile

    X, y = diabetes_std
    likelihood = Gaussian(sigma_prior_scale=None if scale is None else scale * y.std())
    solver = MapSolver(br.build_model(X, y, prior, likelihood=likelihood, fit_intercept=fit_intercept))
    working = solver.working_weights(prior.weights)
    profile = _QuadraticProfile(solver, working)
    gaps = []
    for s in (-1.5, -0.7, 0.0, 0.6):
        slope, value, x = profile(s, np.zeros(10))
        smooth, g0, g_beta, g_sigma, _ = solver.objective.evaluate(0.0, x, s)
        f = smooth + working.penalty(x)
        assert abs(g0) <= 1e-9 * len(y)  # the intercept is at its optimum, 0 in working coordinates
        # x is the MAP of beta at this sigma
        viol = kkt_violation(g_beta + 2.0 * working.l2 * x, x, working.l1)
        assert viol.max() <= 1e-9 * max(np.abs(g_beta).max(), working.l1.max())
        assert slope == pytest.approx(g_sigma, rel=1e-9, abs=1e-9 * len(y))
        gaps.append(value - f)
    np.testing.assert_allclose(gaps, gaps[0], rtol=0, atol=1e-9 * len(y))


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_curvature_with_unequal_weights(diabetes_std, fit_intercept):
    """Q = X_c' diag(w) X_c with X_c centred at the w-weighted means, H_00 = sum(w): the curvature of a
    likelihood whose IRLS weights differ between observations (working coordinates)."""
    X, y = diabetes_std
    rm = br.build_model(X, y, br.Laplace(0.5), likelihood=Gaussian(sigma=50.0), fit_intercept=fit_intercept)
    solver = MapSolver(rm)
    Xw = solver.working.X
    w = np.random.default_rng(4).uniform(0.1, 3.0, size=len(y))
    w[0] = 0.05  # the smallest first: the curvature must not take w >= w[0] for constant weights
    curv, _ = solver.curvature(w)
    means = (w @ Xw) / w.sum() if fit_intercept else np.zeros(Xw.shape[1])
    Xc = Xw - means
    np.testing.assert_allclose(curv.means, means, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(curv.Q, Xc.T @ (w[:, None] * Xc), rtol=1e-12, atol=1e-12 * w.sum())
    assert curv.h00 == pytest.approx(w.sum(), rel=1e-14, abs=0)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_newton_step_with_unequal_weights_is_newtons(diabetes_std, fit_intercept):
    """Without a penalty a proximal Newton step is Newton's: (b0, beta) moves by -H^{-1} g, H = A' diag(w) A with
    A = [1, X] (or X without intercept), in working coordinates, for any gradient and IRLS weights."""
    from bayesreg.optimize.map import _Working

    X, y = diabetes_std
    rm = br.build_model(X, y, br.Laplace(0.5), likelihood=Gaussian(sigma=50.0), fit_intercept=fit_intercept)
    solver = MapSolver(rm)
    Xw = solver.working.X
    n, p = Xw.shape
    rng = np.random.default_rng(8)
    w = rng.uniform(0.1, 3.0, size=n)
    b0, beta = 0.3, rng.normal(size=p)
    g0, g_beta = (rng.normal() if fit_intercept else 0.0), rng.normal(size=p) * n
    none = _Working(np.zeros(p), np.zeros(p), PenaltyWeights(0.0, 1.0))
    (new_b0, new_beta, _), _ = solver.newton_step((b0, beta, None), (0.0, g0, g_beta, 0.0, w), none)
    A = np.c_[np.ones(n), Xw] if fit_intercept else Xw
    g = np.r_[g0, g_beta] if fit_intercept else g_beta
    step = -np.linalg.solve(A.T @ (w[:, None] * A), g)
    expected_b0, expected_beta = (b0 + step[0], beta + step[1:]) if fit_intercept else (0.0, beta + step)
    np.testing.assert_allclose(new_beta, expected_beta, rtol=1e-9, atol=1e-12)
    assert new_b0 == pytest.approx(expected_b0, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_log_sigma_bracket_is_the_documented_one(diabetes_std, fit_intercept):
    """Every stationary point of the profile lies in sigma^2 <= RSS(beta = 0) / n and
    n sigma^2 + sigma^4 / s0^2 >= RSS(least squares) (s0 the HalfNormal scale); one grid step is added each side."""
    from bayesreg.optimize.map import _LOG_SIGMA_STEP

    X, y = diabetes_std
    s0 = 0.3 * y.std()
    rm = br.build_model(X, y, br.Laplace(0.5), likelihood=Gaussian(sigma_prior_scale=s0), fit_intercept=fit_intercept)
    solver = MapSolver(rm)
    lo, hi = solver.log_sigma_bracket()
    Xc, yc = (X - X.mean(axis=0), y - y.mean()) if fit_intercept else (X, y)
    n = len(y)
    resid = yc - Xc @ np.linalg.lstsq(Xc, yc, rcond=None)[0]
    rss_ls, k = resid @ resid, 1.0 / s0**2
    v_lo = (-n + np.sqrt(n * n + 4.0 * k * rss_ls)) / (2.0 * k)  # n v + k v^2 = RSS(least squares)
    t = solver.scaling.y_scale
    assert np.exp(hi) * t == pytest.approx(np.sqrt(yc @ yc / n) * np.exp(_LOG_SIGMA_STEP), rel=1e-12, abs=0)
    assert np.exp(lo) * t == pytest.approx(np.sqrt(v_lo) * np.exp(-_LOG_SIGMA_STEP), rel=1e-9, abs=0)
    assert np.exp(lo) * t < np.sqrt(v_lo) and np.exp(hi) * t > np.sqrt(yc @ yc / n)  # a bracket, with margins


def test_quadratic_map_path_counts_the_strengths_it_did_not_certify(diabetes_std):
    from sklearn.exceptions import ConvergenceWarning

    from bayesreg.optimize.map import quadratic_map_path

    X, y = diabetes_std
    rm = br.build_model(X, y, br.Laplace(1.0), likelihood=Gaussian(sigma=50.0))
    weights = [br.Laplace(b).weights for b in (0.5, 2.0, 8.0, 30.0)]
    with pytest.warns(ConvergenceWarning, match="did not converge everywhere") as record:
        path = quadratic_map_path(MapSolver(rm), weights, tol=0.0)
    above = int(np.sum(path.certificates > 0.0))
    assert above > 0 and f"(at {above} of 4 strengths)" in str(record[0].message)
    assert f"the largest certificate is {path.certificates.max():.2e} > tol=0" in str(record[0].message)


def test_a_certified_path_is_quiet(diabetes_std):
    import warnings

    from bayesreg.optimize.map import quadratic_map_path

    X, y = diabetes_std
    rm = br.build_model(X, y, br.Laplace(1.0), likelihood=Gaussian(sigma=50.0))
    weights = [br.Laplace(b).weights for b in (0.5, 2.0, 8.0, 30.0)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = quadratic_map_path(MapSolver(rm), weights)
    assert path.certificates.max() <= 1e-10


def test_working_penalty_is_l1_abs_plus_l2_square():
    from bayesreg.optimize.map import _Working

    working = _Working(np.array([1.0, 0.0, 2.0]), np.array([0.5, 3.0, 0.0]), PenaltyWeights(1.0, 1.0))
    assert working.penalty(np.array([-2.0, 1.0, 0.5])) == 2.0 + 0.5 * 4.0 + 3.0 * 1.0 + 2.0 * 0.5


def test_free_sigma_certificate_covers_sigma(diabetes_std):
    """With sigma learned, the certificate where sigma is off its optimum is at least |d f / d log sigma| / n."""
    X, y = diabetes_std
    prior = br.Laplace(0.5)
    solver = MapSolver(br.build_model(X, y, prior, likelihood=Gaussian()))
    working = solver.working_weights(prior.weights)
    result, _ = solver.solve()
    beta_w = solver.scaling.beta_to_working(result.coef)
    log_sigma_w = np.log(result.sigma / solver.scaling.y_scale)
    for shift in (-0.5, 0.5):
        state = (0.0, beta_w, log_sigma_w + shift)
        evaluation = solver.objective.evaluate(*state)
        _, certificate = solver.certificate(state, evaluation, working, np.ones(10))
        assert abs(evaluation[3]) / len(y) > 0.1
        roundoff = solver._sigma_slope_roundoff(state)
        assert roundoff <= 1e-12 * abs(evaluation[3])
        _, without_sigma = solver.certificate(state, evaluation, working, np.ones(10), include_sigma=False)
        assert without_sigma < abs(evaluation[3]) / len(y)
        assert certificate == pytest.approx((abs(evaluation[3]) - roundoff) / len(y), rel=1e-12, abs=0)


def test_find_map_defaults():
    import inspect

    defaults = {name: p.default for name, p in inspect.signature(find_map).parameters.items() if name != "rm"}
    assert defaults == {"tol": 1e-10, "max_iter": 200}
    solve = inspect.signature(MapSolver.solve).parameters
    assert (solve["start"].default, solve["tol"].default, solve["max_iter"].default) == (None, 1e-10, 200)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(max_iter=0), ValueError, "max_iter must be an integer >= 1"),
        (dict(max_iter=2.5), TypeError, "max_iter"),
        (dict(tol=-1e-10), ValueError, "tol must be >= 0"),
        (dict(tol=float("nan")), ValueError, "tol must be finite"),
    ],
)
def test_stopping_rules_are_checked(diabetes_std, kwargs, error, match):
    """max_iter=0 would return the starting point with an empty (so perfect-looking) certificate."""
    from bayesreg.optimize.map import quadratic_map_path

    X, y = diabetes_std
    rm = br.build_model(X, y, br.Laplace(1.0), likelihood=Gaussian(sigma=50.0))
    with pytest.raises(error, match=match):
        find_map(rm, **kwargs)
    with pytest.raises(error, match=match):
        MapSolver(rm).solve(**kwargs)
    if "tol" in kwargs:
        with pytest.raises(error, match=match):
            quadratic_map_path(MapSolver(rm), [br.Laplace(1.0).weights], **kwargs)


@pytest.mark.parametrize("prior", [br.Laplace(0.5), br.Normal(10.0)])
def test_free_sigma_takes_few_newton_steps(prior):
    """At each sigma the Gaussian needs one Newton step and one more evaluation to certify it; the search over
    sigma runs on the quadratic profile and calls the model only to check the bracket and polish the root
    (10 steps on diabetes). Iterating each inner solve until d f / d log sigma vanished too would take max_iter."""
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    result = find_map(br.build_model(X, y, prior, likelihood=Gaussian()))
    assert result.converged and result.n_iter <= 30


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("prior", [br.Laplace(0.5), br.Normal(10.0), br.ElasticNet(l1=0.05, l2=0.01)], ids=repr)
def test_a_gaussian_with_fixed_sigma_takes_one_newton_step(prior, fit_intercept):
    """The smooth part is quadratic: one proximal Newton step is exact and the next evaluation certifies it;
    one mode (module docstring)."""
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    X = X + 0.05  # columns off centre: without an intercept they stay so in working coordinates
    result = find_map(br.build_model(X, y, prior, likelihood=Gaussian(sigma=50.0), fit_intercept=fit_intercept))
    assert (result.n_iter, result.n_modes, result.converged) == (1, 1, True)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_a_start_in_the_users_units_reaches_the_same_map(diabetes_std, fit_intercept):
    """``start=(b0, beta, log_sigma)`` in the user's units: from far away the same exact MAP, zeros included."""
    X, y = diabetes_std
    rm = br.build_model(X, y, br.Laplace(2.0), likelihood=Gaussian(sigma=50.0), fit_intercept=fit_intercept)
    solver = MapSolver(rm)
    cold, _ = solver.solve()
    far = np.linspace(-300.0, 300.0, X.shape[1])
    warm, _ = solver.solve(start=(1e3, far, None))
    assert warm.converged and warm.certificate <= 1e-10
    np.testing.assert_allclose(warm.coef, cold.coef, rtol=1e-9, atol=1e-9 * np.abs(cold.coef).max())
    np.testing.assert_array_equal(warm.coef == 0.0, cold.coef == 0.0)
    assert warm.intercept == pytest.approx(cold.intercept, rel=1e-9, abs=1e-9)


# --- sample weights and offsets ------------------------------------------------------------------------------


def test_weighted_lasso_map_equals_lasso_with_sample_weight(diabetes_std):
    """scikit-learn rescales the weights to sum to n: its alpha converts with n_samples = sum(sample_weight)."""
    from sklearn.linear_model import Lasso

    X, y = diabetes_std
    sw = np.random.default_rng(0).uniform(0.0, 2.0, size=len(y))
    sk = Lasso(alpha=1.0, tol=1e-14, max_iter=1_000_000).fit(X, y, sample_weight=sw)
    prior = br.from_sklearn(sk, sigma=50.0, n_samples=float(sw.sum()))
    result = find_map(br.build_model(X, y, prior, likelihood=Gaussian(sigma=50.0), sample_weight=sw))
    np.testing.assert_allclose(result.coef, sk.coef_, rtol=0, atol=1e-9 * np.abs(sk.coef_).max())
    np.testing.assert_array_equal(result.coef == 0, sk.coef_ == 0)
    assert result.intercept == pytest.approx(sk.intercept_, rel=1e-12, abs=0)


@pytest.mark.parametrize("sigma_prior", ["halfnormal", "jeffreys"])
def test_free_sigma_with_integer_weights_is_the_map_of_repeated_rows(diabetes_std, sigma_prior):
    """The joint mode of (b0, beta, sigma): weight k is the row k times, sigma's default prior scale included."""
    X, y = diabetes_std
    counts = np.random.default_rng(1).integers(0, 3, size=len(y))
    likelihood = Gaussian(sigma=None, sigma_prior=sigma_prior)
    weighted = find_map(
        br.build_model(X, y, br.Laplace(5.0), likelihood=likelihood, sample_weight=counts.astype(float))
    )
    repeated = find_map(
        br.build_model(np.repeat(X, counts, axis=0), np.repeat(y, counts), br.Laplace(5.0), likelihood=likelihood)
    )
    np.testing.assert_allclose(weighted.coef, repeated.coef, rtol=0, atol=1e-9 * np.abs(repeated.coef).max())
    np.testing.assert_array_equal(weighted.coef == 0, repeated.coef == 0)
    assert weighted.sigma == pytest.approx(repeated.sigma, rel=1e-10, abs=0)
    assert weighted.objective == pytest.approx(repeated.objective, rel=1e-10, abs=0)
    assert weighted.certificate <= 1e-10


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_free_sigma_bracket_uses_the_weighted_least_squares_fit(diabetes_std, fit_intercept):
    """RSS0 and RSS_ls of the bracket: weighted sums of squares of y less the offset and its weighted mean (with an
    intercept) and of the weighted least-squares residual, for columns that are not centred (in working units: over
    t^2)."""
    X, y = diabetes_std
    X = X + np.linspace(1.0, 3.0, X.shape[1])
    w = np.random.default_rng(2).uniform(0.1, 2.0, size=len(y))
    offset = np.random.default_rng(3).normal(scale=50.0, size=len(y))
    rm = br.build_model(
        X,
        y + offset,
        br.Laplace(5.0),
        likelihood=Gaussian(sigma=None),
        sample_weight=w,
        fit_intercept=fit_intercept,
        offset=offset,
    )
    rss0, rss_ls = MapSolver(rm).residual_sums_of_squares()
    A = np.c_[np.ones(len(y)), X] if fit_intercept else X
    root = np.sqrt(w)
    resid = y - A @ np.linalg.lstsq(A * root[:, None], y * root, rcond=None)[0]
    centred = y - np.average(y, weights=w) if fit_intercept else y
    t2 = MapSolver(rm).scaling.y_scale ** 2
    assert rss0 * t2 == pytest.approx(float(w @ centred**2), rel=1e-12, abs=0)
    assert rss_ls * t2 == pytest.approx(float(w @ resid**2), rel=1e-9, abs=0)


def test_a_weighted_gaussian_takes_exact_newton_steps_at_every_sigma():
    """With sample weights the Gaussian curvature at sigma is sw / sigma^2 times one matrix: it is scaled exactly
    from the last one (never a reused approximation, however lenient the reuse rule), so the joint mode takes as few
    Newton steps as without weights (measured: 10)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(800, 120))
    y = 0.1 * X[:, 0] + rng.normal(size=800)
    sw = rng.uniform(0.5, 2.0, size=800)
    solver = MapSolver(br.build_model(X, y, br.Laplace(0.05), likelihood=Gaussian(sigma=None), sample_weight=sw))
    solver._reuse_fraction = np.inf
    result, _ = solver.solve()
    assert result.n_iter <= 15 and result.certificate <= 1e-12


def test_gaussian_offset_is_subtracted_from_y(diabetes_std):
    X, y = diabetes_std
    offset = np.random.default_rng(2).normal(scale=30.0, size=len(y))
    with_offset = find_map(br.build_model(X, y, br.Laplace(0.5), likelihood=Gaussian(sigma=None), offset=offset))
    subtracted = find_map(br.build_model(X, y - offset, br.Laplace(0.5), likelihood=Gaussian(sigma=None)))
    np.testing.assert_allclose(with_offset.coef, subtracted.coef, rtol=0, atol=1e-9 * np.abs(subtracted.coef).max())
    assert with_offset.sigma == pytest.approx(subtracted.sigma, rel=1e-10, abs=0)
    assert with_offset.intercept == pytest.approx(subtracted.intercept, rel=1e-10, abs=0)
