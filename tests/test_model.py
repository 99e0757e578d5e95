"""The PyMC model: sample weights multiply each observation's log density, an offset shifts the linear predictor."""

import warnings

import numpy as np
import pytest

import bayesreg as br
from bayesreg.likelihoods import Bernoulli, Gaussian, Poisson, StudentT
from bayesreg.model import build_model


def _data(family, rng):
    X = rng.standard_normal((40, 3))
    eta = 0.3 + X @ np.array([0.5, -0.4, 0.0])
    if family == "binomial":
        return X, (rng.random(40) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    if family == "poisson":
        return X, rng.poisson(np.exp(eta)).astype(float)
    return X, eta + rng.standard_normal(40)


@pytest.mark.parametrize(
    "likelihood",
    [
        Gaussian(sigma=None),
        Gaussian(sigma=0.7),
        Bernoulli(),
        Poisson(),
        StudentT(nu=None, sigma=None),
        StudentT(nu=4.0, sigma=0.7),
    ],
    ids=["gaussian-free", "gaussian-fixed", "binomial", "poisson", "student_t-free", "student_t-fixed"],
)
@pytest.mark.parametrize("prior", [br.Laplace(0.5), br.BayesianLasso()], ids=str)
def test_integer_weights_give_the_log_density_of_repeated_rows(likelihood, prior):
    """The whole posterior density (what NUTS samples), compared at random points: weight k is the row k times."""
    rng = np.random.default_rng(0)
    X, y = _data(likelihood.family, rng)
    counts = rng.integers(0, 4, size=len(y))
    weighted = build_model(X, y, prior, likelihood=likelihood, sample_weight=counts.astype(float))
    repeated = build_model(np.repeat(X, counts, axis=0), np.repeat(y, counts), prior, likelihood=likelihood)
    logp_w, logp_r = weighted.model.compile_logp(), repeated.model.compile_logp()
    start = weighted.model.initial_point()
    for _ in range(5):
        point = {name: value + rng.normal(scale=0.5, size=np.shape(value)) for name, value in start.items()}
        assert logp_w(point) == pytest.approx(logp_r(point), rel=1e-12, abs=0)


def test_weights_change_the_density_and_an_offset_shifts_the_linear_predictor():
    rng = np.random.default_rng(1)
    X, y = _data("poisson", rng)
    plain = build_model(X, y, br.Normal(1.0), likelihood=Poisson())
    point = {"beta": np.array([0.2, -0.1, 0.3]), "intercept": np.array(0.1)}
    halved = build_model(X, y, br.Normal(1.0), likelihood=Poisson(), sample_weight=np.full(len(y), 0.5))
    prior_part = plain.model.compile_logp(vars=[plain.beta])(point)
    data_part = plain.model.compile_logp()(point) - prior_part
    assert halved.model.compile_logp()(point) == pytest.approx(prior_part + 0.5 * data_part, rel=1e-12, abs=0)
    shifted = build_model(X, y, br.Normal(1.0), likelihood=Poisson(), offset=np.full(len(y), 0.25))
    moved = dict(point, intercept=np.array(0.1 - 0.25))
    assert shifted.model.compile_logp()(moved) == pytest.approx(plain.model.compile_logp()(point), rel=1e-12, abs=0)
    assert shifted.offset == pytest.approx(np.full(len(y), 0.25)) and plain.offset is None
    assert halved.sample_weight == pytest.approx(np.full(len(y), 0.5)) and plain.sample_weight is None


# --- coefficients under a flat prior: the posterior must have a mode ----------------------------------------------


def _flat_prior_data(rng, n=60):
    x = rng.normal(size=n)
    return x, rng.normal(size=n)


@pytest.mark.parametrize("likelihood", [Gaussian(sigma=1.0), Bernoulli(), Poisson(), StudentT(nu=4.0, sigma=1.0)])
@pytest.mark.parametrize("prior", [br.Normal(1.0, penalty_factor=[0, 0, 1]), br.Laplace(1.0, penalty_factor=[0, 0, 1])])
def test_linearly_dependent_unpenalized_columns_are_refused(likelihood, prior):
    """Two equal columns with penalty factor 0: a flat ridge of modes (an improper posterior), for every family."""
    rng = np.random.default_rng(0)
    x, z = _flat_prior_data(rng)
    y = (rng.random(60) < 0.5).astype(float) if likelihood.family != "poisson" else rng.poisson(2.0, 60).astype(float)
    with pytest.raises(ValueError, match=r"prior: the coefficients with a flat prior \(the intercept, a, b: penalty "):
        build_model(np.c_[x, x, z], y, prior, likelihood=likelihood, feature_names=["a", "b", "c"])
    # dependent only through the intercept: a column constant on the rows that count (rows 0 and 1, of
    # different y, not separated)
    y[:2] = [0.0, 1.0] if likelihood.family == "binomial" else [1.0, 3.0]
    w = np.ones(60)
    w[:2] = 0.0
    const = np.full(60, 2.0)
    const[:2] = 5.0
    with pytest.raises(ValueError, match="linearly dependent on the rows of positive weight"):
        build_model(np.c_[const, x, z], y, prior, likelihood=likelihood, sample_weight=w)
    build_model(np.c_[const, x, z], y, prior, likelihood=likelihood)  # with row 0 it has a mode
    build_model(np.c_[x, -x + z, z], y, prior, likelihood=likelihood)  # independent columns


def test_a_flat_prior_on_separating_columns_is_refused_and_a_penalized_one_is_not():
    rng = np.random.default_rng(1)
    x, z = _flat_prior_data(rng)
    y = (x > 0).astype(float)
    with pytest.raises(ValueError, match=r"\(the intercept, x0: penalty factor 0\) separate the classes"):
        build_model(np.c_[x, z], y, br.Laplace(0.1, penalty_factor=[0, 1]), likelihood=Bernoulli())
    y_tie = y.copy()
    y_tie[np.argmax(x)] = 0.0  # the largest x in the other class: the classes overlap
    build_model(np.c_[x, z], y_tie, br.Laplace(0.1, penalty_factor=[0, 1]), likelihood=Bernoulli())
    build_model(np.c_[x, z], y, br.Laplace(0.1), likelihood=Bernoulli())  # the penalty bounds it
    with pytest.raises(ValueError, match=r"\(x0: penalty factor 0\) separate the classes"):  # no intercept
        build_model(np.c_[x, z], y, br.Normal(1.0, penalty_factor=[0, 1]), likelihood=Bernoulli(), fit_intercept=False)


def test_a_flat_prior_on_an_indicator_of_zero_counts_is_refused():
    rng = np.random.default_rng(2)
    indicator = (rng.random(80) < 0.2).astype(float)
    z = rng.normal(size=80)
    y = rng.poisson(2.0, 80).astype(float)
    y[indicator == 1] = 0.0
    with pytest.raises(ValueError, match="can fit the zero counts by a linear predictor of -inf"):
        build_model(np.c_[indicator, z], y, br.Normal(1.0, penalty_factor=[0, 1]), likelihood=Poisson())
    y[np.flatnonzero(indicator)[0]] = 1.0
    build_model(np.c_[indicator, z], y, br.Normal(1.0, penalty_factor=[0, 1]), likelihood=Poisson())


def test_a_flat_column_of_zeros_and_a_single_class_without_intercept_are_named():
    rng = np.random.default_rng(3)
    X = np.c_[np.zeros(30), rng.normal(size=30)]
    y = (rng.random(30) < 0.5).astype(float)
    with pytest.raises(ValueError, match=r"prior: x0 \(penalty factor 0\) is 0 on every row"):
        build_model(X, y, br.Normal(1.0, penalty_factor=[0, 1]), likelihood=Bernoulli())
    X[:, 0] = 2.0
    with pytest.raises(ValueError, match="can fit y, which has a single class, with probabilities of exactly 0 or 1"):
        build_model(X, np.ones(30), br.Normal(1.0, penalty_factor=[0, 1]), likelihood=Bernoulli(), fit_intercept=False)


def test_a_learned_sigma_with_an_improper_posterior_is_warned_about():
    """Repeated rows fitted exactly: sum(w) - 1 observations against a rank of 1, so p(sigma | y) grows as
    sigma^-(n_e - r) at 0 under a penalty prior; under Jeffreys' prior already when n_e = r. No warning with
    distinct rows (HalfNormal), a fixed sigma, noise, or a prior that scales with sigma."""
    X = np.array([[1.0, 3.0], [1.0, 3.0], [2.0, 1.0], [2.0, 1.0]])
    y = np.array([1.0, 1.0, 2.0, 2.0])
    match = "posterior of a learned sigma is improper at 0"
    with pytest.warns(UserWarning, match=match):
        build_model(X, y, br.Normal(1.0), likelihood=Gaussian())
    with pytest.warns(UserWarning, match=match):
        build_model(X[[0, 2]], y[[0, 2]], br.Normal(1.0), likelihood=Gaussian(), sample_weight=np.array([2.0, 2.0]))
    with pytest.warns(UserWarning, match="under its Jeffreys prior"):
        build_model(X[[0, 2]], y[[0, 2]], br.Normal(1.0), likelihood=Gaussian(sigma_prior="jeffreys"))
    rng = np.random.default_rng(0)
    X_many = rng.normal(size=(30, 3))
    with pytest.warns(UserWarning, match=match):  # noise-free with n > p: n_e - r = 26
        build_model(X_many, X_many @ [1.0, 2.0, 3.0], br.Laplace(1.0), likelihood=Gaussian())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_model(X[[0, 2]], y[[0, 2]], br.Normal(1.0), likelihood=Gaussian())
        build_model(X, y, br.Normal(1.0), likelihood=Gaussian(sigma=1.0))
        build_model(X, y + np.array([0.0, 0.1, 0.0, -0.1]), br.Normal(1.0), likelihood=Gaussian())
        build_model(X, y, br.Horseshoe(), likelihood=Gaussian())
        build_model(
            X_many, X_many @ [1.0, 2.0, 3.0] + 1e-3 * rng.normal(size=30), br.Laplace(1.0), likelihood=Gaussian()
        )


def test_the_model_holds_its_own_copy_of_x_and_the_posterior_borrows_it():
    """build_model borrows the copy PyMC's conversion makes (one copy of X, not two): it must never be the caller's
    array. The Gibbs DataTree's constant_data holds the model's arrays without another copy."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    y = X[:, 0] + rng.normal(size=30)
    rm = br.build_model(X, y, br.Normal(1.0), likelihood=Gaussian(sigma=1.0))
    held = rm.model["X"].get_value(borrow=True)
    assert not np.shares_memory(held, X)
    X[0, 0] = 99.0
    assert held[0, 0] != 99.0
    from bayesreg.inference import sampling

    idata = sampling.sample_posterior(rm, method="gibbs", draws=5, tune=5, chains=1, random_seed=0)
    assert np.shares_memory(idata["constant_data"]["X"].values, held)


@pytest.mark.parametrize(
    "prior", [br.Laplace(0.5), br.BayesianLasso(), br.RegularizedHorseshoe(n_nonzero=2)], ids=lambda p: type(p).__name__
)
def test_a_model_on_summary_rows_has_the_log_density_of_the_data(prior):
    """The whole posterior density on the summary rows of the data's statistics equals the density on the data, at
    random points (the regularized horseshoe's global scale depends on the number of observations: the data's)."""
    from bayesreg.data.statistics import SufficientStats

    rng = np.random.default_rng(1)
    X = 2.0 + rng.normal(size=(300, 4))
    y = X @ np.array([1.0, 0.0, -1.0, 0.5]) + rng.normal(size=300)
    rows = SufficientStats.from_arrays(X, y).summary_rows()
    full = build_model(X, y, prior, likelihood=Gaussian(sigma=None))
    summary = build_model(
        rows.X, rows.y, prior, likelihood=Gaussian(sigma=None), sample_weight=rows.sample_weight,
        statistics=rows.statistics,
    )  # fmt: skip
    assert summary.rows_dim == "summary_row" and full.rows_dim == "obs_id"
    logp_full, logp_summary = full.model.compile_logp(), summary.model.compile_logp()
    start = full.model.initial_point()
    for _ in range(5):
        point = {name: value + rng.normal(scale=0.3, size=np.shape(value)) for name, value in start.items()}
        assert logp_summary(point) == pytest.approx(logp_full(point), rel=1e-11, abs=0)
    with pytest.raises(ValueError, match="Bernoulli likelihood is not a function of the sufficient statistics"):
        build_model(rows.X, (rows.y > 5).astype(float), prior, likelihood=Bernoulli(), statistics=rows.statistics)
