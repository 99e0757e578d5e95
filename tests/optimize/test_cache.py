"""The pool of compiled smooth objectives: a second solver of one structure compiles nothing, gets bit for bit the
result of a fresh compile, and never shares a compiled function with a live solver."""

import gc
import threading
import weakref

import numpy as np
import pytensor
import pytest
from sklearn.linear_model import enet_path

import bayesreg as br
from bayesreg.likelihoods import Bernoulli, Gaussian, Poisson, StudentT
from bayesreg.model import build_model
from bayesreg.optimize import map as map_module
from bayesreg.optimize.cache import CompiledPool
from bayesreg.optimize.map import OBJECTIVES, MapSolver
from bayesreg.optimize.paths import map_path


@pytest.fixture
def compiles(monkeypatch):
    """The calls of ``pytensor.function`` made from now on (a list that grows)."""
    calls = []
    original = pytensor.function

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(pytensor, "function", counting)
    return calls


@pytest.fixture
def empty_pool():
    OBJECTIVES.clear()
    yield OBJECTIVES
    OBJECTIVES.clear()


def _data(family, seed, n=120, p=5):
    """Data of one family (different for each seed, the same shapes), with an offset and weights for every family."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3.0, size=p) + rng.normal(size=p)
    eta = 0.3 + X @ rng.normal(scale=0.4, size=p)
    offset = rng.uniform(-1.0, 1.0, size=n)
    if family == "bernoulli":
        y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(offset + eta)))).astype(float)
    elif family == "poisson":
        y = rng.poisson(np.exp(offset + eta)).astype(float)
    else:
        y = 10.0 + 5.0 * eta + rng.standard_t(4, size=n) * rng.uniform(1.0, 4.0)
    weights = rng.uniform(0.2, 3.0, size=n)
    return X, y, offset, weights


#: (likelihood, prior, with offset, with sample weights): every structure the MAP supports
CASES = {
    "gaussian fixed sigma": (Gaussian(sigma=3.0), br.ElasticNet(0.8, 0.3), False, False),
    "gaussian fixed sigma, weights and offset": (Gaussian(sigma=2.0), br.Laplace(0.5), True, True),
    "gaussian free sigma": (Gaussian(), br.Laplace(0.7), False, False),
    "gaussian free sigma, weights": (Gaussian(), br.Normal(1.5), False, True),
    "gaussian jeffreys": (Gaussian(sigma_prior="jeffreys"), br.Laplace(0.7), False, False),
    "student_t": (StudentT(nu=3.0, sigma=2.5), br.Laplace(1.0), False, False),
    "student_t, weights": (StudentT(nu=5.0, sigma=1.5), br.Normal(2.0), False, True),
    "bernoulli": (Bernoulli(), br.Laplace(1.0), False, False),
    "bernoulli, offset": (Bernoulli(), br.ElasticNet(0.5, 0.5), True, False),
    "poisson, exposure and weights": (Poisson(), br.Laplace(2.0), True, True),
}


def _model(case, seed, *, fit_intercept=True):
    likelihood, prior, with_offset, with_weights = CASES[case]
    family = {Bernoulli: "bernoulli", Poisson: "poisson"}.get(type(likelihood), "gaussian")
    X, y, offset, weights = _data(family, seed)
    return build_model(
        X,
        y,
        prior,
        likelihood=likelihood,
        fit_intercept=fit_intercept,
        offset=offset if with_offset else None,
        sample_weight=weights if with_weights else None,
    )


def _result(rm):
    """Everything a solve reports, and the state it ends in (arrays and floats)."""
    result, state = MapSolver(rm).solve()
    return (
        result.coef,
        result.intercept,
        result.sigma,
        result.objective,
        result.kkt_violation,
        result.certificate,
        result.n_iter,
        result.n_modes,
        state[2],
    )


def _assert_identical(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        if isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y)
        else:
            assert x == y or (x is None and y is None)


@pytest.mark.parametrize("case", CASES)
def test_a_second_solver_of_the_same_structure_compiles_nothing_and_is_a_fresh_compile_bit_for_bit(
    case, empty_pool, compiles
):
    first = _model(case, seed=1)
    second = _model(case, seed=2)
    assert not np.array_equal(first.y, second.y) and not np.array_equal(first.X, second.X)
    before = _result(first)  # a fresh compile, given back to the pool when its solver is gone
    n_fresh = len(compiles)
    assert n_fresh == 1
    reused = _result(second)
    assert len(compiles) == n_fresh  # the second solver's data were put into the first one's compiled function
    assert not np.array_equal(reused[0], before[0])  # ... and are the second problem's own
    empty_pool.clear()
    fresh = _result(second)
    assert len(compiles) == n_fresh + 1
    _assert_identical(reused, fresh)


def test_a_solver_gives_its_objective_back_when_it_is_collected_without_a_garbage_collection(empty_pool, compiles):
    """No reference cycle keeps a solver alive: reference counting alone returns its compiled function."""
    rm = _model("gaussian fixed sigma", seed=1)
    enabled = gc.isenabled()
    gc.disable()
    try:
        solver = MapSolver(rm)
        solver.solve()
        compiled = solver.objective._compiled
        assert empty_pool.n_free() == 0
        del solver
        assert empty_pool.n_free() == 1
        # free, it holds no data (the pool's memory does not grow with the data's size)
        assert compiled.rm.model["X"].get_value().size == 0
        again = MapSolver(rm)
        assert again.objective._compiled is compiled
        assert empty_pool.n_free() == 0
    finally:
        if enabled:
            gc.enable()
    assert len(compiles) == 1


def test_two_live_solvers_of_one_structure_do_not_share_a_compiled_function(empty_pool, compiles):
    rm1, rm2 = _model("gaussian fixed sigma", seed=1), _model("gaussian fixed sigma", seed=2)
    solver1 = MapSolver(rm1)
    first, _ = solver1.solve()
    solver2 = MapSolver(rm2)
    assert solver2.objective._compiled is not solver1.objective._compiled
    assert len(compiles) == 2
    second, _ = solver2.solve()
    again, _ = solver1.solve()  # solver1's data are still its own
    np.testing.assert_array_equal(again.coef, first.coef)
    assert again.objective == first.objective
    assert not np.array_equal(second.coef, first.coef)
    del solver1, solver2
    assert empty_pool.n_free() == 2  # both go back; a third and a fourth solver compile nothing
    third, fourth = MapSolver(rm1), MapSolver(rm2)
    assert len(compiles) == 2
    np.testing.assert_array_equal(third.solve()[0].coef, first.coef)
    np.testing.assert_array_equal(fourth.solve()[0].coef, second.coef)


def test_an_objective_held_on_its_own_keeps_its_compiled_function(empty_pool):
    """The compiled function goes back with the last of the solver, its objective and its working model."""
    rm1, rm2 = _model("gaussian fixed sigma", seed=1), _model("gaussian fixed sigma", seed=2)
    objective = MapSolver(rm1).objective
    working = weakref.ref(objective.working)
    assert empty_pool.n_free() == 0
    other = MapSolver(rm2)
    assert other.objective._compiled is not objective._compiled
    p = rm1.X.shape[1]
    assert objective.evaluate(0.0, np.zeros(p), None)[0] != other.objective.evaluate(0.0, np.zeros(p), None)[0]
    del objective
    assert working() is None and empty_pool.n_free() == 1


@pytest.mark.parametrize(
    "change",
    ["rows", "columns", "intercept", "weights", "offset", "sigma free", "jeffreys", "nu", "family"],
)
def test_each_part_of_the_structure_gets_its_own_compiled_function(change, empty_pool, compiles):
    X, y, offset, weights = _data("gaussian", seed=3)
    base = {"likelihood": Gaussian(sigma=2.0), "fit_intercept": True, "offset": None, "sample_weight": None}
    other = dict(base)
    X2, y2 = X, y
    if change == "rows":
        X2, y2 = X[:-1], y[:-1]
    elif change == "columns":
        X2 = X[:, :-1]
    elif change == "intercept":
        other["fit_intercept"] = False
    elif change == "weights":
        other["sample_weight"] = weights
    elif change == "offset":
        other["offset"] = offset
    elif change == "sigma free":
        other["likelihood"] = Gaussian()
    elif change == "jeffreys":
        base["likelihood"], other["likelihood"] = Gaussian(), Gaussian(sigma_prior="jeffreys")
    elif change == "nu":
        base["likelihood"], other["likelihood"] = StudentT(nu=3.0, sigma=2.0), StudentT(nu=4.0, sigma=2.0)
    elif change == "family":
        y = y2 = (y > np.median(y)).astype(float)
        base["likelihood"], other["likelihood"] = Bernoulli(), Poisson()
    first = MapSolver(build_model(X, y, br.Laplace(1.0), **base))
    first.solve()
    del first
    assert empty_pool.n_free() == 1
    second = MapSolver(build_model(X2, y2, br.Laplace(1.0), **other))
    assert len(compiles) == 2
    del second
    assert len(empty_pool.keys()) == 2 and empty_pool.n_free() == 2
    # and the first structure's function is still there for a solver like the first
    MapSolver(build_model(X, y, br.Laplace(1.0), **base))
    assert len(compiles) == 2


def test_the_data_of_a_free_sigma_prior_follow_the_new_y(empty_pool, compiles):
    """The HalfNormal prior on sigma takes its default scale from y: a model data, not a constant of the graph."""
    X, y, _, _ = _data("gaussian", seed=4)
    MapSolver(build_model(X, y, br.Laplace(0.5), likelihood=Gaussian())).solve()
    solver = MapSolver(build_model(X, 1000.0 * y, br.Laplace(500.0), likelihood=Gaussian()))
    assert len(compiles) == 1
    s0 = float(np.std(1000.0 * y))
    assert solver.working.model["sigma_prior_scale"].get_value() * solver.scaling.y_scale == pytest.approx(
        s0, rel=1e-12, abs=0
    )
    assert solver.working.likelihood.sigma_prior_scale * solver.scaling.y_scale == pytest.approx(s0, rel=1e-12, abs=0)
    result, _ = solver.solve()
    reference = MapSolver(build_model(X, y, br.Laplace(0.5), likelihood=Gaussian())).solve()[0]
    # y and the prior scale 1000 times larger: the same model in other units
    np.testing.assert_allclose(result.coef, 1000.0 * reference.coef, rtol=1e-8, atol=1e-8 * np.abs(result.coef).max())
    assert result.sigma == pytest.approx(1000.0 * reference.sigma, rel=1e-8, abs=0)


def _sklearn_path(X, y, alphas, l1_ratio):
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    return enet_path(Xc, yc, l1_ratio=l1_ratio, alphas=alphas, tol=1e-12, max_iter=1_000_000)[1]


@pytest.mark.parametrize("penalty,l1_ratio", [("lasso", 1.0), ("elasticnet", 0.5)])
def test_map_path_on_new_data_of_the_same_shape_compiles_nothing_and_is_sklearns_path(
    penalty, l1_ratio, empty_pool, compiles
):
    rng = np.random.default_rng(5)
    for k in range(3):
        X = rng.normal(size=(80, 12)) * rng.uniform(0.1, 10.0, size=12)
        y = X[:, :4] @ rng.normal(size=4) + rng.normal(size=80) * (1 + k)
        alphas, coefs, path = map_path(X, y, penalty=penalty, l1_ratio=l1_ratio, n_alphas=30, return_path=True)
        assert len(compiles) == 1
        ref = _sklearn_path(X, y, alphas, l1_ratio)
        # at alpha_max every coefficient is 0 (scikit-learn may leave one at round-off level there)
        assert np.all(coefs[:, 0] == 0.0) and np.max(np.abs(ref[:, 0])) <= 1e-12 * np.max(np.abs(ref))
        for j in range(1, alphas.size):
            scale = np.max(np.abs(ref[:, j]))
            np.testing.assert_array_equal(coefs[:, j] == 0, ref[:, j] == 0)
            assert np.max(np.abs(coefs[:, j] - ref[:, j])) <= 1e-6 * scale
        assert np.max(path.certificates) <= 1e-8


def test_a_refit_and_cross_validation_folds_compile_nothing(compiles):
    from sklearn.model_selection import KFold, cross_val_score

    rng = np.random.default_rng(6)
    X = rng.normal(size=(100, 4))
    y = X @ [1.0, -2.0, 0.0, 0.5] + rng.normal(size=100)
    estimator = br.BayesianRegression(prior=br.Laplace(1.0))  # sigma=None: the joint mode with a HalfNormal prior
    estimator.fit(X, y)
    fitted = estimator.coef_.copy()
    n_first = len(compiles)
    assert n_first <= 1
    estimator.fit(X[::-1], y[::-1])  # a refit on the same data in another order: the same mode
    np.testing.assert_allclose(estimator.coef_, fitted, rtol=1e-9, atol=1e-12)
    estimator.fit(X + 1.0, 2.0 * y)
    assert len(compiles) == n_first
    cross_val_score(br.BayesianRegression(prior=br.Laplace(1.0)), X, y, cv=KFold(4))  # 4 folds of 75 rows
    assert len(compiles) <= n_first + 1


def test_solvers_in_threads_get_their_own_data():
    problems = [_model("bernoulli", seed=s) for s in range(4)]
    expected = [MapSolver(rm).solve()[0].coef for rm in problems]
    got = [None] * len(problems)

    def work(k):
        for _ in range(3):
            got[k] = MapSolver(problems[k]).solve()[0].coef

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(problems))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_array_equal(g, e)


def test_the_pool_keeps_a_few_objects_of_the_keys_used_last():
    released = []
    pool = CompiledPool(max_keys=2, per_key=2, release=released.append)
    assert pool.take("a") is None and pool.misses == 1
    for obj in ("a1", "a2", "a3"):
        pool.give_back("a", obj)
    assert pool.n_free("a") == 2  # the third is dropped
    assert released == ["a1", "a2", "a3"]  # each released as it was filed
    pool.give_back("b", "b1")
    assert pool.take("a") == "a2" and pool.hits == 1  # "a" is now the key used last
    pool.give_back("c", "c1")  # a third key: "b", used least recently, goes
    assert pool.keys() == ["a", "c"]
    assert pool.take("b") is None
    assert pool.n_free() == 2
    pool.clear()
    assert pool.n_free() == 0 and pool.keys() == []
    with pytest.raises(ValueError, match="max_keys and per_key must be >= 1"):
        CompiledPool(max_keys=0)


def test_giving_back_from_a_finalizer_inside_the_pool_cannot_deadlock():
    """A garbage collection can run a solver's finalizer (give_back) while this thread is inside the pool holding its
    lock: give_back must not wait for the lock."""
    pool = CompiledPool(max_keys=2, per_key=2)
    done = threading.Event()

    def finalizer_while_locked():
        with pool._lock:
            pool.give_back("a", "a1")
        done.set()

    worker = threading.Thread(target=finalizer_while_locked, daemon=True)
    worker.start()
    worker.join(timeout=5.0)
    assert done.is_set(), "give_back blocked on the pool's own lock"
    assert pool.take("a") == "a1"


def test_a_working_model_with_data_the_problem_does_not_set_is_not_pooled(empty_pool, compiles, monkeypatch):
    """A compiled function whose data are not all the problem's own (a likelihood that holds more pm.Data than its
    data_fields say) is used once and never given to another solver."""
    original = Gaussian.build_scale

    def with_extra_data(self, *, y_scale):
        import pymc as pm

        pm.Data("extra", np.float64(y_scale))
        return original(self, y_scale=y_scale)

    monkeypatch.setattr(Gaussian, "build_scale", with_extra_data)
    rm = _model("gaussian fixed sigma", seed=1)
    MapSolver(rm).solve()
    assert empty_pool.n_free() == 0
    MapSolver(rm).solve()
    assert len(compiles) == 2


def test_map_module_shares_one_pool():
    assert map_module.OBJECTIVES is OBJECTIVES
    assert OBJECTIVES.max_keys >= 4 and 1 <= OBJECTIVES.per_key <= 8
