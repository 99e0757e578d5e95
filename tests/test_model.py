"""The PyMC model: sample weights multiply each observation's log density, an offset shifts the linear predictor."""

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
