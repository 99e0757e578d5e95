"""The likelihood protocol (``bayesreg.likelihoods.base``) and the Bernoulli and Poisson families: their checks of
y (refused before any model is compiled), inverse links, scales for the conversions and PyMC variables."""

import numpy as np
import pymc as pm
import pytest
from scipy import special, stats

import bayesreg as br
from bayesreg.likelihoods import Bernoulli, Gaussian, Likelihood, Poisson
from bayesreg.model import build_model


@pytest.mark.parametrize("likelihood", [Gaussian(sigma=2.0), Bernoulli(), Poisson()], ids=lambda lk: lk.family)
def test_every_family_implements_the_protocol(likelihood):
    assert isinstance(likelihood, Likelihood)
    assert likelihood.family in ("gaussian", "binomial", "poisson")
    assert likelihood.fixed_sigma
    eta = np.array([-2.0, 0.0, 1.5])
    expected = {"gaussian": eta, "binomial": special.expit(eta), "poisson": np.exp(eta)}[likelihood.family]
    np.testing.assert_allclose(likelihood.mean(eta), expected, rtol=1e-15, atol=0)
    assert likelihood.scale == (2.0 if likelihood.family == "gaussian" else 1.0)


def test_only_the_gaussian_can_be_rescaled_and_a_free_sigma_has_no_conversion_scale():
    assert Gaussian(sigma=4.0).working(2.0) == Gaussian(sigma=2.0)
    assert Gaussian().working(2.0, default_prior_scale=6.0) == Gaussian(sigma=None, sigma_prior_scale=3.0)
    assert Bernoulli().working(1.0) == Bernoulli()
    with pytest.raises(ValueError, match="cannot be rescaled"):
        Poisson().working(2.0)
    with pytest.raises(ValueError, match="free scale"):
        Gaussian().scale


@pytest.mark.parametrize(
    "likelihood, y, match",
    [
        (Bernoulli(), [0, 1, 2, 1], r"labels 0 and 1, got 2\.0 at row 2"),
        (Bernoulli(), [0, 1, 0.5, 1], r"got 0\.5 at row 2"),
        (Bernoulli(), [1, 1, 1, 1], "every label is 1"),
        (Poisson(), [0, 3, -1, 2], r"non-negative values, got -1\.0 at row 2"),
        (Poisson(), [0, 3, np.nan, 2], r"got nan at row 2"),
        (Poisson(), [0, 0, 0, 0], "every count is 0"),
    ],
)
def test_bad_y_is_refused_naming_y_before_a_model_is_built(likelihood, y, match, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a PyMC model was built")

    monkeypatch.setattr(pm, "Model", forbidden)
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match=match):
        build_model(X, np.asarray(y, dtype=float), br.Normal(1.0), likelihood=likelihood)


def test_one_class_or_all_zero_counts_are_fine_without_an_intercept():
    X = np.array([[1.0], [-1.0], [2.0]])
    build_model(X, np.ones(3), br.Normal(1.0), likelihood=Bernoulli(), fit_intercept=False)
    build_model(X, np.zeros(3), br.Normal(1.0), likelihood=Poisson(), fit_intercept=False)


@pytest.mark.parametrize("likelihood", [Bernoulli(), Poisson()], ids=lambda lk: lk.family)
def test_the_model_log_likelihood_is_the_family_density(likelihood):
    X = np.array([[0.5, -1.0], [1.0, 2.0], [-0.3, 0.1], [2.0, 0.0]])
    y = np.array([1.0, 0.0, 1.0, 1.0]) if likelihood.family == "binomial" else np.array([3.0, 0.0, 1.0, 7.0])
    rm = build_model(X, y, br.Normal(1.0), likelihood=likelihood)
    beta, b0 = np.array([0.4, -0.7]), 0.3
    eta = b0 + X @ beta
    logp = rm.model.compile_logp(vars=[rm.observed])({"beta": beta, "intercept": b0})
    if likelihood.family == "binomial":
        expected = stats.bernoulli.logpmf(y, special.expit(eta)).sum()
    else:
        expected = stats.poisson.logpmf(y, np.exp(eta)).sum()
    assert logp == pytest.approx(expected, rel=1e-13, abs=0)
    assert float(rm.sigma.eval()) == 1.0  # the scale shrinkage priors use
