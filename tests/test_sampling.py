"""Sampler choice, argument checks and the diagnostics that turn into warnings (no sampling here)."""

import numpy as np
import pytest
from arviz_base import from_dict

import bayesreg as br
from bayesreg import sampling
from bayesreg.likelihoods import Gaussian
from bayesreg.model import build_model
from bayesreg.sampling import SamplingWarning, check_sampler, choose_sampler, diagnose, warn_if_problems


def test_check_sampler():
    assert check_sampler(None) is None
    assert check_sampler("pymc") == "pymc"
    with pytest.raises(ValueError, match="nuts_sampler must be None or one of"):
        check_sampler("stan")


def test_missing_sampler_is_named(monkeypatch):
    monkeypatch.setattr(sampling, "available_samplers", lambda: ("pymc",))
    with pytest.raises(ValueError, match="nutpie.*not installed"):
        check_sampler("nutpie")


def _model(p):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, p))
    return build_model(X, X[:, 0] + rng.normal(size=30), br.Laplace(1.0), likelihood=Gaussian())


def test_choose_sampler_by_work(monkeypatch):
    small, large = _model(3), _model(70)  # 5 and 72 free parameters (intercept, sigma, beta)
    monkeypatch.setattr(sampling, "available_samplers", lambda: ("pymc", "nutpie"))
    assert choose_sampler(small) == "pymc"  # 4 x 2000 x 5 = 4e4
    assert choose_sampler(large) == "nutpie"  # 4 x 2000 x 72 = 5.8e5
    assert choose_sampler(large, draws=100, tune=100) == "pymc"
    monkeypatch.setattr(sampling, "available_samplers", lambda: ("pymc",))
    assert choose_sampler(large) == "pymc"


def test_horseshoes_stay_on_pymc(monkeypatch):
    from bayesreg.shrinkage import RegularizedHorseshoe

    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 200))
    rm = build_model(X, X[:, 0], RegularizedHorseshoe(3), likelihood=Gaussian())
    monkeypatch.setattr(sampling, "available_samplers", lambda: ("pymc", "nutpie"))
    assert choose_sampler(rm) == "pymc"


def _fake_idata(rng, *, shift_chain=0.0, diverging=0, draws=500, extra=None):
    beta = rng.normal(size=(4, draws, 3))
    beta[0] += shift_chain
    div = np.zeros((4, draws), dtype=bool)
    div.flat[:diverging] = True
    posterior = {"beta": beta, "sigma": np.abs(rng.normal(size=(4, draws))) + 1, **(extra or {})}
    idata = from_dict({"posterior": posterior, "sample_stats": {"diverging": div}}, dims={"beta": ["feature"]})
    idata.attrs["target_accept"] = 0.8
    return idata


def test_diagnose_clean_sample():
    d = diagnose(_fake_idata(np.random.default_rng(1)))
    assert d.ok and d.problems == ()
    assert d.n_divergences == 0 and d.n_chains == 4 and d.n_draws == 2000
    assert d.max_rhat < 1.01 and d.min_ess_bulk > 1000


def test_diagnose_reports_divergences_rhat_and_ess():
    d = diagnose(_fake_idata(np.random.default_rng(2), shift_chain=1.0, diverging=7, draws=60))
    assert d.n_divergences == 7 and d.max_rhat > 1.01 and d.min_ess_bulk < 400
    text = " ".join(d.problems)
    assert "7 divergent transitions" in text and "target_accept (now 0.8)" in text
    assert "r_hat" in text and "effective sample size" in text
    with pytest.warns(SamplingWarning) as record:
        warn_if_problems(d)
    assert len(record) == 3


def test_diagnose_restricted_to_named_variables():
    rng = np.random.default_rng(3)
    idata = _fake_idata(rng, extra={"bad": rng.normal(size=(4, 500)) + np.arange(4.0)[:, None]})
    assert not diagnose(idata).ok
    assert diagnose(idata, var_names=["beta", "sigma"]).ok


def test_predictive_false_skips_only_the_groups_computed_after_sampling(small_frame):
    X, y = small_frame
    rm = build_model(X.to_numpy(), y, br.Laplace(1.0), likelihood=Gaussian(sigma=1.0))
    kwargs = {"draws": 30, "tune": 30, "chains": 2, "random_seed": 3, "nuts_sampler": "pymc", "progressbar": False}
    full = sampling.sample_posterior(rm, **kwargs)
    bare = sampling.sample_posterior(rm, predictive=False, **kwargs)
    assert {"posterior_predictive", "log_likelihood"} <= set(full.children)
    assert not {"posterior_predictive", "log_likelihood"} & set(bare.children)
    assert {"posterior", "sample_stats"} <= set(bare.children)
    np.testing.assert_array_equal(bare["posterior"]["beta"].values, full["posterior"]["beta"].values)
