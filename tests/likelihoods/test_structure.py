"""A likelihood's structure: what of it a compiled model depends on (the MAP shares compiled functions by it)."""

import numpy as np
import pymc as pm
import pytest

from bayesreg.likelihoods import Bernoulli, Gaussian, Poisson, StudentT


def test_values_held_as_data_are_not_structure_whether_they_are_given_is():
    assert Gaussian(sigma=1.0).structure() == Gaussian(sigma=7.5).structure()
    assert Gaussian(sigma_prior_scale=2.0).structure() == Gaussian(sigma_prior_scale=9.0).structure()
    assert Gaussian(sigma=1.0).structure() != Gaussian().structure()
    assert Gaussian().structure() != Gaussian(sigma_prior="jeffreys").structure()
    assert Gaussian().structure() != Gaussian(sigma_prior_scale=1.0).structure()
    assert StudentT(nu=3.0, sigma=1.0).structure() == StudentT(nu=3.0, sigma=2.0).structure()
    assert StudentT(nu=3.0, sigma=1.0).structure() != StudentT(nu=4.0, sigma=1.0).structure()  # nu is a constant
    assert StudentT(sigma=1.0).structure() != Gaussian(sigma=1.0).structure()
    assert Bernoulli().structure() == Bernoulli().structure() != Poisson().structure()
    hash(StudentT(nu=None).structure())


@pytest.mark.parametrize(
    "likelihood",
    [Gaussian(sigma=2.0), Gaussian(sigma_prior_scale=3.0), Gaussian(), StudentT(nu=3.0, sigma=2.0), StudentT(nu=None)],
    ids=repr,
)
def test_the_data_fields_are_the_models_data_of_those_names(likelihood):
    with pm.Model() as model:
        likelihood.build_scale(y_scale=5.0)
    held = {var.name for var in model.data_vars}
    given = {name for name in likelihood.data_fields if getattr(likelihood, name) is not None}
    assert held <= set(likelihood.data_fields)
    assert given <= held
    if "sigma_prior_scale" in held:  # the prior scale of a free sigma: its own, or the data's
        expected = 5.0 if likelihood.sigma_prior_scale is None else likelihood.sigma_prior_scale
        assert model["sigma_prior_scale"].get_value() == expected
        assert model["sigma_prior_scale"].dtype == "float64"
    if "sigma" in held:
        assert model["sigma"].get_value() == likelihood.sigma


def test_a_huge_prior_scale_of_sigma_stays_float64():
    with pm.Model() as model:
        Gaussian(sigma_prior_scale=1e300).build_scale(y_scale=1.0)
    assert np.isfinite(pm.logp(model["sigma"], 1e299).eval())
