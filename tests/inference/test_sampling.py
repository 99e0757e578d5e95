"""Sampler choice, argument checks and the diagnostics that turn into warnings (no sampling here)."""

import os

import numpy as np
import pymc as pm
import pytest
from arviz_base import from_dict

import bayesreg as br
from bayesreg.inference import sampling
from bayesreg.inference.sampling import SamplingWarning, check_sampler, choose_sampler, diagnose, warn_if_problems
from bayesreg.likelihoods import Gaussian, Poisson
from bayesreg.model import build_model


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
    from bayesreg.priors.shrinkage import RegularizedHorseshoe

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


def test_store_false_skips_only_the_groups_computed_after_sampling(small_frame):
    X, y = small_frame
    rm = build_model(X.to_numpy(), y, br.Laplace(1.0), likelihood=Gaussian(sigma=1.0))
    kwargs = {"draws": 30, "tune": 30, "chains": 2, "random_seed": 3, "progressbar": False}
    for method in ("nuts", "gibbs"):
        full = sampling.sample_posterior(rm, method=method, **kwargs)
        bare = sampling.sample_posterior(
            rm, method=method, store_log_likelihood=False, store_predictive=False, **kwargs
        )
        assert {"posterior_predictive", "log_likelihood"} <= set(full.children)
        assert not {"posterior_predictive", "log_likelihood"} & set(bare.children)
        assert {"posterior", "sample_stats"} <= set(bare.children)
        np.testing.assert_array_equal(bare["posterior"]["beta"].values, full["posterior"]["beta"].values)


def test_store_auto_keeps_a_group_up_to_the_limit(small_frame, monkeypatch):
    X, y = small_frame
    rm = build_model(X.to_numpy(), y, br.Laplace(1.0), likelihood=Gaussian(sigma=1.0))
    n = X.shape[0]
    kwargs = {"method": "gibbs", "draws": 10, "tune": 10, "chains": 2, "random_seed": 3}
    monkeypatch.setattr(sampling, "STORE_LIMIT", 2 * 10 * n)
    assert {"posterior_predictive", "log_likelihood"} <= set(sampling.sample_posterior(rm, **kwargs).children)
    monkeypatch.setattr(sampling, "STORE_LIMIT", 2 * 10 * n - 1)
    lean = sampling.sample_posterior(rm, **kwargs)
    assert not {"posterior_predictive", "log_likelihood"} & set(lean.children)
    kept = sampling.sample_posterior(rm, store_log_likelihood=True, **kwargs)
    assert "log_likelihood" in kept.children and "posterior_predictive" not in kept.children


@pytest.mark.parametrize("value", ["yes", None, 1, "Auto"])
def test_check_store_refuses_other_values(value):
    with pytest.raises(ValueError, match="store_predictive must be 'auto', True or False"):
        sampling.check_store(value, "store_predictive")


# --------------------------------------------------------------------------- NaN, one chain and the thresholds


def _iid_idata(rng, chains, draws):
    posterior = {"beta": rng.normal(size=(chains, draws, 3)), "sigma": np.abs(rng.normal(size=(chains, draws))) + 1}
    div = np.zeros((chains, draws), dtype=bool)
    idata = from_dict({"posterior": posterior, "sample_stats": {"diverging": div}}, dims={"beta": ["feature"]})
    idata.attrs["target_accept"] = 0.8
    return idata


@pytest.mark.filterwarnings("ignore:Found chain dimension")
@pytest.mark.parametrize("chains", [1, 2, 4])
def test_too_few_draws_for_rhat_and_ess_is_a_problem(chains):
    """With 3 draws ArviZ returns NaN for r_hat and ESS: that is not a clean bill of health."""
    d = diagnose(_iid_idata(np.random.default_rng(4), chains, 3))
    assert np.isnan(d.max_rhat) and np.isnan(d.min_ess_bulk) and np.isnan(d.min_ess_tail)
    assert not d.ok and len(d.problems) == 2
    rhat, ess = d.problems
    assert rhat.startswith("r_hat could not be computed for ['beta', 'sigma'] (3 draws per chain")
    assert "Try more draws" in rhat
    assert ess.startswith("the effective sample size could not be computed") and "Try more draws" in ess
    with pytest.warns(SamplingWarning, match="could not be computed"):
        warn_if_problems(d)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_nan_rhat_of_one_parameter_is_named():
    """A parameter whose draws never move (all chains at one value) has NaN r_hat; the others do not hide it."""
    rng = np.random.default_rng(5)
    idata = _fake_idata(rng, extra={"stuck": np.full((4, 500), 2.0)})
    d = diagnose(idata)
    assert np.isnan(d.max_rhat) and not d.ok
    assert any(p.startswith("r_hat could not be computed for ['stuck']") for p in d.problems)
    assert diagnose(idata, var_names=["beta", "sigma"]).ok


def test_non_finite_ess_is_a_problem(monkeypatch):
    real_ess = sampling.az.ess

    def ess_with_inf(idata, var_names=None, method="bulk"):
        out = real_ess(idata, var_names=var_names, method=method).to_dataset()
        return out.assign(sigma=out["sigma"] * np.inf)

    monkeypatch.setattr(sampling.az, "ess", ess_with_inf)
    d = diagnose(_fake_idata(np.random.default_rng(6)))
    assert np.isnan(d.min_ess_bulk) and not d.ok
    assert (
        d.problems == (d.problems[0],) and "effective sample size could not be computed for ['sigma']" in d.problems[0]
    )


def test_one_chain_rhat_compares_its_halves():
    """ArviZ 1.x gives no r_hat for one chain; here the two halves are compared, so a drifting chain is caught."""
    rng = np.random.default_rng(7)
    clean = _iid_idata(rng, 1, 1000)
    d = diagnose(clean)
    assert d.ok and 0.99 < d.max_rhat < 1.01 and d.n_chains == 1
    drifting = _iid_idata(rng, 1, 1000)
    drifting["posterior"]["sigma"] = drifting["posterior"]["sigma"] + np.linspace(0.0, 3.0, 1000)
    d = diagnose(drifting)
    assert d.max_rhat > 1.1 and not d.ok
    assert any("halves of the single chain do not agree" in p for p in d.problems)


def test_ess_threshold_is_per_chain():
    """100 effective draws per chain: 4 chains of 60 iid draws (ESS about 240) fall short of 400."""
    d = diagnose(_iid_idata(np.random.default_rng(8), 4, 60))
    assert 120 < d.min_ess_bulk < 400 and d.min_ess_tail < 400  # above 100 in total, below 100 per chain
    assert any("below 100 per chain (400 for 4 chains)" in p for p in d.problems)
    # and not in proportion to the draws: 4 x 200 iid draws (ESS about 800) are enough
    d = diagnose(_iid_idata(np.random.default_rng(9), 4, 200))
    assert 400 < min(d.min_ess_bulk, d.min_ess_tail) < 1000 and d.ok, d.problems


def _diagnose_with(monkeypatch, *, rhat, ess, chains=4, diverging=0):
    """diagnose() on a sample whose r_hat and ESS ArviZ reports as these numbers (the extreme of three)."""
    import xarray as xr

    def result(values):
        return xr.Dataset({"beta": ("feature", np.asarray(values, dtype=float))})

    monkeypatch.setattr(sampling.az, "rhat", lambda idata, var_names=None: result([1.0, rhat, 1.0]))
    monkeypatch.setattr(
        sampling.az, "ess", lambda idata, var_names=None, method="bulk": result([2 * ess, ess, 3 * ess])
    )
    if chains == 4:
        idata = _fake_idata(np.random.default_rng(10), diverging=diverging)
    else:
        idata = _iid_idata(np.random.default_rng(10), chains, 500)
    return diagnose(idata, var_names=["beta"])


@pytest.mark.parametrize(
    ("rhat", "ess", "diverging", "problem"),
    [
        (1.01, 400.0, 0, None),  # every threshold exactly met
        (np.nextafter(1.01, 2.0), 400.0, 0, "max r_hat is 1.0100000000000002 > 1.01"),
        (1.01, np.nextafter(400.0, 0.0), 0, "below 100 per chain (400 for 4 chains)"),
        (1.01, 400.0, 1, "1 divergent transitions"),
    ],
)
def test_threshold_boundaries(monkeypatch, rhat, ess, diverging, problem):
    d = _diagnose_with(monkeypatch, rhat=rhat, ess=ess, diverging=diverging)
    if problem is None:
        assert d.ok, d.problems
    else:
        assert len(d.problems) == 1 and problem in d.problems[0]


def test_ess_boundary_scales_with_chains(monkeypatch):
    assert _diagnose_with(monkeypatch, rhat=1.0, ess=200.0, chains=2).ok
    d = _diagnose_with(monkeypatch, rhat=1.0, ess=199.5, chains=2)
    assert len(d.problems) == 1 and "below 100 per chain (200 for 2 chains)" in d.problems[0]
    assert _diagnose_with(monkeypatch, rhat=1.0, ess=100.0, chains=1).ok
    assert not _diagnose_with(monkeypatch, rhat=1.0, ess=99.9, chains=1).ok


@pytest.mark.parametrize(
    ("standardized", "advice"),
    [(True, None), (False, "standardize=True,"), (None, "standardize=True), if they are not already")],
)
def test_divergence_advice_knows_whether_columns_were_standardized(standardized, advice):
    idata = _fake_idata(np.random.default_rng(11), diverging=3)
    if standardized is not None:
        idata.attrs["standardized"] = standardized
    (problem,) = [p for p in diagnose(idata).problems if "divergent" in p]
    assert "target_accept (now 0.8), e.g. 0.95 or 0.99" in problem
    if advice is None:
        assert "standardize" not in problem
    else:
        assert advice in problem


# --------------------------------------------------------------------------- warnings point at the caller


def test_warn_points_at_the_first_frame_outside_bayesreg():
    from bayesreg._warnings import warn

    with pytest.warns(SamplingWarning, match="look here") as record:
        warn("look here", SamplingWarning)
    assert record[0].filename == __file__
    with pytest.warns(UserWarning) as record:
        warn_if_problems(diagnose(_fake_idata(np.random.default_rng(12), diverging=1)))
    assert record[0].filename == __file__
    with pytest.raises(TypeError, match="category must be a Warning subclass"):
        warn("x", ValueError("not a class"))


def test_an_interrupted_run_is_not_returned_as_a_posterior(monkeypatch):
    """PyMC swallows Ctrl-C and returns the draws so far (4,703 of 200,000 once): that must not pass as a fit."""
    import bayesreg.inference.sampling as sampling_module

    real_sample = pm.sample

    def interrupted(*args, **kwargs):
        idata = real_sample(*args, **kwargs)
        return idata.isel(draw=slice(0, 7))  # what PyMC returns after a KeyboardInterrupt at draw 7

    monkeypatch.setattr(sampling_module.pm, "sample", interrupted)
    X = np.random.default_rng(0).normal(size=(20, 2))
    est = br.BayesianRegression(
        br.Normal(1.0), sigma=1.0, method="nuts", draws=20, tune=20, chains=2, progressbar=False
    )
    with pytest.raises(KeyboardInterrupt, match="7 of 20 draws in 2 of 2 chains"):
        est.fit(X, X[:, 0])
    assert not hasattr(est, "idata_")


def test_nutpie_threshold_is_inclusive_and_defaults_are_the_documented_run(monkeypatch):
    rm = _model(3)  # 5 free parameters
    monkeypatch.setattr(sampling, "available_samplers", lambda: ("pymc", "nutpie"))
    monkeypatch.setattr(sampling, "NUTPIE_MIN_WORK", 4 * 2000 * 5)  # exactly the default run's work
    assert choose_sampler(rm) == "nutpie"
    assert choose_sampler(rm, draws=1000, tune=1000, chains=4) == "nutpie"
    assert choose_sampler(rm, draws=999) == choose_sampler(rm, tune=999) == choose_sampler(rm, chains=3) == "pymc"


def test_nutpie_min_work_is_the_measured_value():
    assert sampling.NUTPIE_MIN_WORK == 500_000


class _Captured(Exception):
    pass


def _capture(calls, name):
    def fake(*args, **kwargs):
        calls[name] = kwargs
        raise _Captured(name)

    return fake


@pytest.mark.parametrize(
    ("sampler", "chains", "cores", "expected"),
    [("pymc", 4, None, 3), ("pymc", 2, None, 2), ("pymc", 1, None, 1), ("pymc", 4, 5, 5), ("nutpie", 4, None, None)],
)
def test_pymc_runs_one_chain_per_available_core_by_default(monkeypatch, sampler, chains, cores, expected):
    calls = {}
    monkeypatch.setattr(sampling.pm, "sample", _capture(calls, "sample"))
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    with pytest.raises(_Captured):
        sampling.sample_posterior(
            _model(2), method="nuts", chains=chains, cores=cores, nuts_sampler=sampler, progressbar=False
        )
    assert calls["sample"].get("cores") == expected
    assert calls["sample"]["nuts_sampler"] == sampler and calls["sample"]["progressbar"] is False


@pytest.mark.parametrize("progressbar", [True, False])
def test_predictive_draws_are_quiet_whatever_the_sampling_progressbar(monkeypatch, progressbar):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    # the Poisson: its log likelihood and predictive come from PyMC (the Gaussian, Student-t and Bernoulli: numpy)
    rm = build_model(X, rng.poisson(2.0, size=30).astype(float), br.Laplace(1.0), likelihood=Poisson())
    fake_idata = from_dict({"posterior": {"beta": np.zeros((2, 5, 2))}})
    calls = {}
    monkeypatch.setattr(sampling.pm, "sample", lambda **kwargs: fake_idata)
    monkeypatch.setattr(sampling.pm, "compute_log_likelihood", lambda *a, **kwargs: calls.update(loglik=kwargs))
    monkeypatch.setattr(sampling.pm, "sample_posterior_predictive", _capture(calls, "predictive"))
    with pytest.raises(_Captured):
        sampling.sample_posterior(rm, method="nuts", draws=5, chains=2, nuts_sampler="pymc", progressbar=progressbar)
    assert calls["loglik"]["progressbar"] is False and calls["predictive"]["progressbar"] is False


@pytest.mark.parametrize(
    ("target", "advice"),
    [
        (0.8, "a higher target_accept (now 0.8), e.g. 0.95 or 0.99"),
        (0.95, "a higher target_accept (now 0.95), e.g. 0.99"),
        (0.97, "a higher target_accept (now 0.97), e.g. 0.99"),
        (0.99, None),
        (0.995, None),
        ("0.9", "a higher target_accept, e.g. 0.95 or 0.99"),  # not a number (e.g. read from a file)
        (True, "a higher target_accept, e.g. 0.95 or 0.99"),
    ],
)
def test_divergence_advice_follows_target_accept(target, advice):
    idata = _fake_idata(np.random.default_rng(11), diverging=3)
    idata.attrs["target_accept"] = target
    (problem,) = [p for p in diagnose(idata).problems if "divergent" in p]
    if advice is None:
        assert "target_accept" not in problem and "Try more tune steps" in problem
    else:
        assert f"Try {advice}, more tune steps" in problem


@pytest.mark.filterwarnings("ignore:Found chain dimension")
@pytest.mark.parametrize(("chains", "which"), [(1, "the two halves of the single chain agree"), (2, "the 2 chains")])
def test_nan_rhat_message_names_what_was_compared(chains, which):
    d = diagnose(_iid_idata(np.random.default_rng(4), chains, 3))
    assert which in d.problems[0]


def test_available_samplers_always_include_pymc_and_only_installed_others(monkeypatch):
    monkeypatch.setattr(sampling.importlib.util, "find_spec", lambda name: None)
    assert sampling.available_samplers() == ("pymc",)
    monkeypatch.setattr(sampling.importlib.util, "find_spec", lambda name: object())
    assert sampling.available_samplers() == ("pymc", "nutpie")


def test_sample_posterior_defaults_are_a_standard_run_and_the_sampler_is_chosen(monkeypatch):
    calls = {}
    monkeypatch.setattr(sampling.pm, "sample", _capture(calls, "sample"))
    monkeypatch.setattr(sampling, "available_samplers", lambda: ("pymc",))
    with pytest.raises(_Captured):
        sampling.sample_posterior(_model(2), method="nuts")
    kwargs = calls["sample"]
    assert (kwargs["draws"], kwargs["tune"], kwargs["chains"]) == (1000, 1000, 4)
    assert kwargs["cores"] == min(4, len(os.sched_getaffinity(0)))
    assert kwargs["progressbar"] is True and kwargs["nuts_sampler"] == "pymc"
    assert kwargs["target_accept"] == 0.8 and kwargs["compute_convergence_checks"] is False


def test_split_single_chain_gives_its_two_halves():
    idata = _iid_idata(np.random.default_rng(3), 1, 11)  # an odd count: the middle draw is left out
    halves = sampling._split_single_chain(idata["posterior"], ["beta", "sigma"])
    assert halves.sizes["chain"] == 2 and halves.sizes["draw"] == 5
    sigma = idata["posterior"]["sigma"].values[0]
    np.testing.assert_array_equal(halves["sigma"].values, [sigma[:5], sigma[6:]])
    assert list(halves["chain"].values) == [0, 1]


def test_a_posterior_without_sample_stats_has_no_divergences():
    rng = np.random.default_rng(6)
    idata = from_dict({"posterior": {"beta": rng.normal(size=(4, 500, 2))}}, dims={"beta": ["feature"]})
    d = diagnose(idata)
    assert d.n_divergences == 0 and d.ok, d.problems
    stats_without_divergences = from_dict(
        {"posterior": {"beta": rng.normal(size=(4, 500, 2))}, "sample_stats": {"lp": rng.normal(size=(4, 500))}},
        dims={"beta": ["feature"]},
    )
    assert diagnose(stats_without_divergences).n_divergences == 0


@pytest.mark.filterwarnings("ignore:Found chain dimension")
@pytest.mark.parametrize(("chains", "fewer_than"), [(1, 8), (2, 4), (4, 4)])
def test_nan_rhat_message_says_how_many_draws_are_needed(chains, fewer_than):
    d = diagnose(_iid_idata(np.random.default_rng(4), chains, 3))
    assert f"it is NaN with fewer than {fewer_than} draws per chain" in d.problems[0]


@pytest.mark.parametrize(
    ("chains", "what", "ess_text"),
    [
        (1, "the first and second halves of the single chain do not agree", "(100 for 1 chain)"),
        (2, "the chains do not agree", "(200 for 2 chains)"),
        (4, "the chains do not agree", "(400 for 4 chains)"),
    ],
)
def test_problem_texts_follow_the_number_of_chains(monkeypatch, chains, what, ess_text):
    (problem,) = _diagnose_with(monkeypatch, rhat=1.2, ess=1e4, chains=chains).problems
    assert problem.startswith(f"max r_hat is 1.200 > 1.01: {what}")
    (problem,) = _diagnose_with(monkeypatch, rhat=1.0, ess=50.0, chains=chains).problems
    assert f"below 100 per chain {ess_text}" in problem


def test_nutpie_is_allowed_up_to_target_accept_0_9(monkeypatch):
    rm = _model(70)  # 72 free parameters: enough work for nutpie at the defaults
    monkeypatch.setattr(sampling, "available_samplers", lambda: ("pymc", "nutpie"))
    monkeypatch.setattr(rm.prior, "target_accept", 0.9)
    assert choose_sampler(rm) == "nutpie"
    monkeypatch.setattr(rm.prior, "target_accept", 0.95)
    assert choose_sampler(rm) == "pymc"


def test_diagnostics_are_read_only():
    import dataclasses

    d = diagnose(_fake_idata(np.random.default_rng(1)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.max_rhat = 1.0
