"""BayesianRegression(method="nuts"): sampling behaviour, predictions, pickling, bad input.

save / load: test_persistence.py.

Small draws: these tests check behaviour, not statistics (see test_posterior_statistics.py).
"""

import pickle
import warnings

import numpy as np
import pytest

import bayesreg as br
from bayesreg import BayesianRegression
from bayesreg.inference.sampling import SamplingWarning
from bayesreg.priors.shrinkage import BayesianLasso, Horseshoe

SMALL = {"method": "nuts", "draws": 150, "tune": 150, "chains": 2, "nuts_sampler": "pymc", "progressbar": False}

pytestmark = pytest.mark.filterwarnings("ignore::bayesreg.inference.sampling.SamplingWarning")


@pytest.fixture(scope="module")
def data(small_frame):
    return small_frame


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return BayesianRegression(br.Laplace(1.0), random_seed=11, **SMALL).fit(X, y)


def test_fit_sets_posterior_attributes(fitted, data):
    X, _ = data
    est = fitted
    for group in ("posterior", "posterior_predictive", "log_likelihood", "sample_stats", "observed_data"):
        assert group in est.idata_.children, group
    posterior = est.idata_["posterior"]
    assert posterior.sizes["chain"] == 2 and posterior.sizes["draw"] == 150
    assert list(posterior["beta"].coords["feature"].values) == list(X.columns)
    beta = posterior["beta"].values.reshape(-1, 4)
    np.testing.assert_allclose(est.coef_, beta.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(est.coef_median_, np.median(beta, axis=0), rtol=1e-12)
    assert est.intercept_ == pytest.approx(float(posterior["intercept"].mean()), rel=1e-12, abs=0)
    assert est.sigma_ == pytest.approx(float(posterior["sigma"].mean()), rel=1e-12, abs=0)
    assert est.nuts_sampler_ == "pymc"
    assert est.diagnostics_.n_draws == 300
    assert not hasattr(est, "map_") and not hasattr(est, "equivalent_penalty_")
    # signal found: posterior means near the truth, not at the MAP's exact zeros
    assert est.coef_[0] == pytest.approx(1.5, abs=0.4) and est.coef_[2] == pytest.approx(-2.0, abs=0.8)
    assert np.all(est.coef_ != 0.0)


def test_same_seed_same_draws(fitted, data):
    X, y = data
    again = BayesianRegression(br.Laplace(1.0), random_seed=11, **SMALL).fit(X, y)
    np.testing.assert_array_equal(again.idata_["posterior"]["beta"].values, fitted.idata_["posterior"]["beta"].values)
    np.testing.assert_array_equal(
        again.idata_["posterior_predictive"]["y_obs"].values, fitted.idata_["posterior_predictive"]["y_obs"].values
    )
    other = BayesianRegression(br.Laplace(1.0), random_seed=12, **SMALL).fit(X, y)
    assert not np.array_equal(other.idata_["posterior"]["beta"].values, fitted.idata_["posterior"]["beta"].values)


def test_predict_mean_std_and_interval(fitted, data):
    X, y = data
    mean, std = fitted.predict(X, return_std=True)
    np.testing.assert_allclose(mean, X.to_numpy() @ fitted.coef_ + fitted.intercept_, rtol=1e-10)
    np.testing.assert_allclose(fitted.predict(X), mean, rtol=0)
    # the predictive sd is at least the noise, a little more for the coefficients' uncertainty
    assert np.all(std > np.sqrt(np.mean(fitted.idata_["posterior"]["sigma"].values ** 2)))
    assert np.all(std < 1.5 * fitted.sigma_)
    interval = fitted.predict_interval(X, prob=0.9)
    assert interval.shape == (60, 2) and np.all(interval[:, 0] < mean) and np.all(mean < interval[:, 1])
    coverage = np.mean((interval[:, 0] <= y) & (y <= interval[:, 1]))
    assert 0.75 <= coverage <= 1.0  # 60 points: binomial(60, 0.9) is within this 99.9% of the time
    narrow = fitted.predict_interval(X, prob=0.5)
    assert np.all(narrow[:, 1] - narrow[:, 0] < interval[:, 1] - interval[:, 0])


def test_posterior_predictive_matches_exact_predictions(fitted, data):
    """The predictive mean from the sampled y_obs agrees with the exact mixture mean within MC error."""
    X, _ = data
    ppc = fitted.idata_["posterior_predictive"]["y_obs"].values.reshape(-1, 60)
    mean, std = fitted.predict(X, return_std=True)
    z = (ppc.mean(axis=0) - mean) / (std / np.sqrt(ppc.shape[0]))
    assert np.max(np.abs(z)) < 4.5  # 60 z-scores of ~independent draws (ESS smaller than draws: generous)


def test_summary_has_rhat_and_ess(fitted):
    table = fitted.summary()
    assert {"mean", "sd", "ess_bulk", "ess_tail", "r_hat"} <= set(table.columns)
    assert list(table.index[:2]) == ["intercept", "beta[age]"]
    assert "sigma" in table.index and len(table) == 6


def test_pickle_round_trip(fitted, data):
    X, _ = data
    back = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(back.predict(X, return_std=True)[1], fitted.predict(X, return_std=True)[1])
    assert back.model_.named_vars.keys() == fitted.model_.named_vars.keys()


def test_refit_with_map_drops_posterior(fitted, data):
    X, y = data
    est = pickle.loads(pickle.dumps(fitted))
    est.set_params(method="map", sigma=1.0).fit(X, y)
    assert hasattr(est, "map_") and not hasattr(est, "idata_") and not hasattr(est, "coef_median_")
    with pytest.raises(ValueError, match="return_std=True needs the posterior"):
        est.predict(X, return_std=True)


def test_fixed_sigma_and_hierarchical_prior(data):
    X, y = data
    est = BayesianRegression(BayesianLasso(), sigma=1.0, random_seed=1, **SMALL).fit(X, y)
    assert "sigma" not in est.idata_["posterior"] and est.sigma_ == 1.0
    assert "beta_lam" in est.summary().index
    mean, std = est.predict(X, return_std=True)
    assert np.all(std > 1.0)


def test_jeffreys_sigma_for_bayesian_lasso(data):
    X, y = data
    est = BayesianRegression(BayesianLasso(lam=1.0), random_seed=1, **SMALL).fit(X, y)
    assert "log_sigma" in est.idata_["posterior"]
    assert "log_sigma" not in est.summary().index and "sigma" in est.summary().index


def test_diagnostics_warn_with_advice(data):
    X, y = data
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        est = BayesianRegression(br.Laplace(1.0), **{**SMALL, "draws": 20, "tune": 20}, random_seed=3).fit(X, y)
    sampling_warnings = [w for w in record if issubclass(w.category, SamplingWarning)]
    messages = [str(w.message) for w in sampling_warnings]
    assert est.diagnostics_.problems and messages == list(est.diagnostics_.problems)
    assert any("Try more draws" in m for m in messages)
    # each points at the line that called fit (here), not at bayesreg's internals
    assert {w.filename for w in sampling_warnings} == {__file__}


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"draws": 0}, ValueError, "draws must be an integer >= 1"),
        ({"draws": 10.0}, TypeError, "draws must be an integer"),
        ({"tune": -1}, ValueError, "tune must be an integer >= 0"),
        ({"chains": "4"}, TypeError, "chains must be an integer"),
        ({"cores": 0}, ValueError, "cores must be"),
        ({"random_seed": -3}, ValueError, "random_seed must be"),
        ({"nuts_sampler": "stan"}, ValueError, "nuts_sampler must be None or one of"),
        ({"target_accept": 1.0}, ValueError, r"target_accept must be in \(0, 1\)"),
        ({"target_accept": 0.0}, ValueError, "target_accept"),
        ({"progressbar": "yes"}, TypeError, "progressbar must be True or False"),
        ({"method": "vi"}, ValueError, "method must be one of"),
    ],
)
def test_bad_sampling_parameters(data, params, error, match, monkeypatch):
    X, y = data
    est = BayesianRegression(br.Laplace(1.0), **{**SMALL, **params})
    compiled = []
    monkeypatch.setattr("bayesreg.estimators.base.sample_posterior", lambda *a, **k: compiled.append(1))
    with pytest.raises(error, match=match):
        est.fit(X, y)
    assert not compiled and not hasattr(est, "coef_")


def test_hierarchical_prior_has_no_map(data):
    X, y = data
    with pytest.raises(ValueError, match="hierarchical.*use method='sample'"):
        BayesianRegression(Horseshoe()).fit(X, y)


def test_failed_fit_keeps_previous_state(fitted, data):
    X, y = data
    est = pickle.loads(pickle.dumps(fitted))
    before = est.coef_.copy()
    est.set_params(draws=-1)
    with pytest.raises(ValueError):
        est.fit(X, y)
    np.testing.assert_array_equal(est.coef_, before)
    assert hasattr(est, "idata_")


@pytest.mark.parametrize(
    "prob, exc", [(0.0, ValueError), (1.0, ValueError), ("0.9", TypeError), (True, TypeError)], ids=repr
)
def test_bad_interval_probability(fitted, data, prob, exc):
    X, _ = data
    with pytest.raises(exc, match="prob must be a (real )?number in"):
        fitted.predict_interval(X, prob=prob)


# --------------------------------------------------------------------------- summary: scale and interval


@pytest.fixture(scope="module")
def fitted_std(data):
    X, y = data
    return BayesianRegression(br.Laplace(1.0), sigma=1.0, standardize=True, random_seed=11, **SMALL).fit(X, y)


def test_summary_is_on_the_original_scale_by_default(fitted_std, data):
    X, _ = data
    est = fitted_std
    assert not np.allclose(est._standardization.scale, 1.0)  # the two scales differ here
    table = est.summary(round_to="none")
    assert table.index.name == "original scale" and table.attrs["scale"] == "original"
    beta = table.loc[[f"beta[{name}]" for name in X.columns], "mean"].to_numpy()
    np.testing.assert_allclose(beta, est.coef_, rtol=1e-12, atol=0)
    assert table.loc["intercept", "mean"] == pytest.approx(est.intercept_, rel=1e-12, abs=0)
    fitted = est.summary(scale="fitted", round_to="none")
    assert fitted.index.name == "standardized scale" and fitted.attrs["scale"] == "standardized"
    stored = est.idata_["posterior"]["beta"].values.reshape(-1, 4).mean(axis=0)
    np.testing.assert_allclose(fitted.loc[table.index[1:5], "mean"].to_numpy(), stored, rtol=1e-12)
    np.testing.assert_allclose(stored / est._standardization.scale, est.coef_, rtol=1e-12)
    # dividing by a positive scale leaves the rank-based diagnostics of beta unchanged, up to the order of
    # near-tied folded draws |beta - median| that round-off can swap (measured: 3.5e-5 relative)
    for column in ("ess_bulk", "ess_tail", "r_hat"):
        np.testing.assert_allclose(table.loc[table.index[1:5], column], fitted.loc[table.index[1:5], column], rtol=1e-3)
    stored_intercept = float(est.idata_["posterior"]["intercept"].mean())
    assert fitted.loc["intercept", "mean"] == pytest.approx(stored_intercept, rel=1e-12, abs=0)
    assert abs(stored_intercept - est.intercept_) > 0.1  # X is not centred: the two intercepts differ


def test_summary_scale_without_standardize_is_the_same(fitted):
    table = fitted.summary(round_to="none")
    assert table.index.name == "original scale"
    assert table.equals(fitted.summary(scale="fitted", round_to="none"))
    with pytest.raises(ValueError, match="scale must be 'original' or 'fitted'"):
        fitted.summary(scale="standardized")


def test_summary_interval_is_the_central_90_percent(fitted_std):
    table = fitted_std.summary(round_to="none")
    lower, upper = (c for c in table.columns if c.endswith(("_lb", "_ub")))
    assert (lower, upper) == ("eti90_lb", "eti90_ub")
    beta = fitted_std._draws()[0]
    # ArviZ's quantile estimator may differ from numpy's default by a fraction of a draw spacing
    spacing = np.diff(np.sort(beta, axis=0), axis=0).max(axis=0)
    for column, q in ((lower, 0.05), (upper, 0.95)):
        got = table.loc[table.index[1:5], column].to_numpy()
        assert np.all(np.abs(got - np.quantile(beta, q, axis=0)) <= spacing), column


def test_idata_attrs_record_the_scale(fitted_std, fitted):
    attrs = fitted_std.idata_.attrs
    assert attrs["coefficient_scale"] == "standardized" and attrs["standardized"] is True
    np.testing.assert_array_equal(attrs["x_scale"], fitted_std._standardization.scale)
    np.testing.assert_array_equal(attrs["x_center"], fitted_std._standardization.center)
    assert fitted.idata_.attrs["coefficient_scale"] == "original" and fitted.idata_.attrs["standardized"] is False
    np.testing.assert_array_equal(fitted.idata_.attrs["x_scale"], np.ones(4))


@pytest.mark.parametrize("standardized", [True, False])
def test_divergence_advice_suggests_standardize_only_when_it_was_not_set(fitted_std, fitted, standardized):
    from bayesreg.inference.sampling import diagnose

    est = fitted_std if standardized else fitted
    idata = est.idata_.copy(deep=True)
    idata["sample_stats"]["diverging"].values[0, :2] = True  # as if the sampler had diverged twice
    (problem,) = [p for p in diagnose(idata, var_names=["beta"]).problems if "divergent" in p]
    assert problem.startswith("2 divergent transitions") and "target_accept (now 0.8)" in problem
    assert ("standardize=True" in problem) is not standardized


def test_three_draws_are_not_a_clean_sample(data):
    """r_hat and ESS are NaN for 3 draws per chain: that is reported, not taken for convergence."""
    X, y = data
    with pytest.warns(SamplingWarning, match="could not be computed") as record:
        est = BayesianRegression(br.Laplace(1.0), random_seed=4, **{**SMALL, "draws": 3, "tune": 10}).fit(X, y)
    d = est.diagnostics_
    assert not d.ok and np.isnan(d.max_rhat) and np.isnan(d.min_ess_bulk)
    assert sum("could not be computed" in p for p in d.problems) == 2
    assert {w.filename for w in record if issubclass(w.category, SamplingWarning)} == {__file__}


def test_predict_interval_bounds_are_the_exact_mixture_quantiles(fitted, data):
    """F(lower) = (1 - prob)/2 and F(upper) = (1 + prob)/2 for the mixture of N(b0_s + x'beta_s, sigma_s^2)."""
    from scipy import stats

    X, _ = data
    beta, intercept, sigma = fitted._draws()
    mu = X.to_numpy() @ beta.T + intercept  # (n, S)
    for prob in (0.9, 0.5):
        interval = fitted.predict_interval(X, prob=prob)
        for bound, level in ((interval[:, 0], (1 - prob) / 2), (interval[:, 1], (1 + prob) / 2)):
            cdf = stats.norm.cdf((bound[:, None] - mu) / sigma).mean(axis=1)
            np.testing.assert_allclose(cdf, level, atol=1e-9)


def test_standardized_posterior_is_back_transformed_to_the_data(data):
    """With standardize=True the intercept is b0 - center @ coef; a sign slip there moves every prediction."""
    X, y = data
    shifted = X + [50.0, -30.0, 20.0, 10.0]  # columns far from 0: the back-transform matters
    est = BayesianRegression(br.Normal(10.0), sigma=1.0, standardize=True, random_seed=3, **SMALL).fit(shifted, y)
    assert abs(est.predict(shifted).mean() - y.mean()) < 0.1  # the posterior mean fits the data's mean
    beta, intercept, _ = est._draws()
    np.testing.assert_allclose(est.intercept_, intercept.mean(), rtol=1e-12)
    np.testing.assert_allclose(est.coef_, [1.5, 0.0, -2.0, 0.0], atol=0.3)
