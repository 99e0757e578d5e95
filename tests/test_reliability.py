"""The reliability suite of issue 9: inputs and settings that once gave a silently wrong answer.

Most cases live with their module (test_map: the global joint mode and exactness at any scale;
test_glmnet_reference; test_persistence; test_cli / test_demo; test_sampling: NaN diagnostics;
test_priors: closed forms and extreme scales). Here are the end-to-end cases through the public
API, and property tests: a MAP fit does not depend on the units of X, y and sigma.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression

import bayesreg as br
from bayesreg import BayesianRegression


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True)


def test_tiny_sigma_gives_least_squares(diabetes):
    """sigma = 1e-200: the data term dominates any prior; the MAP is least squares (was: all zeros, NaN certificate)."""
    X, y = diabetes
    with pytest.warns(UserWarning, match="times smaller than the residual sd"):
        est = BayesianRegression(br.Laplace(1.0), sigma=1e-200).fit(X, y)
    ols = LinearRegression().fit(X, y)
    np.testing.assert_allclose(est.coef_, ols.coef_, rtol=1e-9)
    assert est.intercept_ == pytest.approx(ols.intercept_, rel=1e-9, abs=0)
    assert est.map_.converged and np.isfinite(est.map_.certificate)
    assert est.equivalent_penalty_ is None  # alpha = sigma^2 / (n b) underflows: no sklearn twin to show


def test_huge_sigma_gives_the_prior_mode(diabetes):
    """sigma = 1e200: the prior dominates; every Laplace coefficient is exactly 0 (it raised OverflowError)."""
    X, y = diabetes
    with pytest.warns(UserWarning, match="times larger than the residual sd"):
        est = BayesianRegression(br.Laplace(1.0), sigma=1e200).fit(X, y)
    assert np.all(est.coef_ == 0.0)
    assert est.intercept_ == pytest.approx(y.mean(), rel=1e-12, abs=0)
    assert est.map_.converged


def test_complex_x_is_named(diabetes):
    X, y = diabetes
    with pytest.raises(ValueError, match="X must be real-valued"):
        BayesianRegression(br.Laplace(1.0), sigma=50.0).fit(X + 1j, y)


def test_posterior_vs_penalty_refuses_bad_draws_before_fitting(diabetes, monkeypatch):
    import bayesreg.estimators.regression as estimators

    def forbidden(*args, **kwargs):
        raise AssertionError("a model was compiled before the arguments were checked")

    monkeypatch.setattr(estimators, "MapSolver", forbidden)
    X, y = diabetes
    for bad, error in [({"draws": 0}, ValueError), ({"chains": 1.5}, TypeError), ({"tune": -1}, ValueError)]:
        with pytest.raises(error, match=next(iter(bad))):
            br.posterior_vs_penalty(X, y, br.Laplace(5.0), sigma=50.0, **bad)


# --- properties: a MAP fit does not depend on units ---------------------------------------------


def _data(seed, n, p):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.lognormal(0.0, 1.0, size=p)
    y = X @ (rng.normal(size=p) * (rng.random(p) < 0.6)) + rng.normal(size=n) + 3.0
    return X, y


_priors = st.sampled_from(["laplace", "normal", "enet"])


def _prior(kind, unit):
    """The prior of beta' = beta * unit (so the same penalty in the new units)."""
    if kind == "laplace":
        return br.Laplace(0.3 * unit)
    if kind == "normal":
        return br.Normal(0.5 * unit)
    return br.ElasticNet(l1=2.0 / unit, l2=1.0 / unit**2)


# exponents within +-60: the prior in the new units, l2 ~ (c / k)^2, stays inside float64 (1e+-240)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    kind=_priors,
    x_exp=st.integers(-60, 60),
    y_exp=st.integers(-60, 60),
    free_sigma=st.booleans(),
)
def test_map_is_invariant_to_rescaling_x_y_and_sigma_together(seed, kind, x_exp, y_exp, free_sigma):
    """X -> c X, y -> k y, sigma -> k sigma, prior scale -> (k / c) scale: beta -> (k / c) beta, same zeros."""
    X, y = _data(seed, 30, 4)
    c, k = 10.0**x_exp, 10.0**y_exp
    sigma = None if free_sigma else 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a sigma far from the data's is only warned about
        ref = BayesianRegression(_prior(kind, 1.0), sigma=sigma).fit(X, y)
        est = BayesianRegression(_prior(kind, k / c), sigma=None if free_sigma else k).fit(X * c, y * k)
    np.testing.assert_array_equal(est.coef_ == 0, ref.coef_ == 0)
    scale = np.abs(ref.coef_).max() or 1.0
    np.testing.assert_allclose(est.coef_ * c / k, ref.coef_, rtol=1e-8, atol=1e-8 * scale)
    assert est.intercept_ / k == pytest.approx(ref.intercept_, rel=1e-8, abs=1e-8 * scale)
    assert est.sigma_ / k == pytest.approx(ref.sigma_, rel=1e-8, abs=0)
    assert est.map_.certificate <= 1e-10


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    kind=_priors,
    col_exps=st.lists(st.integers(-150, 150), min_size=4, max_size=4),
    shift_exp=st.integers(0, 12),
)
def test_standardized_map_is_invariant_to_column_units_and_offsets(seed, kind, col_exps, shift_exp):
    """With standardize=True each column may have its own unit and offset: beta_j -> beta_j / c_j."""
    X, y = _data(seed, 30, 4)
    col = 10.0 ** np.asarray(col_exps, dtype=float)
    shift = 10.0**shift_exp
    X2 = X * col + shift * col
    X_held = (X2 - shift * col) / col  # the data X2 actually holds, back in X's units
    ref = BayesianRegression(_prior(kind, 1.0), sigma=1.0, standardize=True).fit(X_held, y)
    est = BayesianRegression(_prior(kind, 1.0), sigma=1.0, standardize=True).fit(X2, y)
    np.testing.assert_array_equal(est.coef_ == 0, ref.coef_ == 0)
    scale = np.abs(ref.coef_).max() or 1.0
    np.testing.assert_allclose(est.coef_ * col, ref.coef_, rtol=1e-7, atol=1e-7 * scale)
