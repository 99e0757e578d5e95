"""The Bernoulli and Poisson MAP on Dask input (ChunkedSolver: each proximal Newton evaluation a pass over the
chunks), on a LocalCluster of 2 worker processes: the in-memory MAP and path (both certified to 1e-10), identical
zeros; its checks of y and of the prior."""

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

import bayesreg as br
from bayesreg.optimize.paths import map_path


def _data(n=3000, p=5, seed=2):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(4.0 + rng.normal(size=(n, p)) * np.linspace(0.5, 2.0, p), columns=[f"f{j}" for j in range(p)])
    eta = (X.to_numpy() - 4.0) @ np.array([0.8, -0.6, 0.0, 0.0, 0.3])
    labels = np.where(rng.random(n) < 1.0 / (1.0 + np.exp(-eta)), "yes", "no")
    counts = rng.poisson(np.exp(0.2 + 0.5 * eta)).astype(float)
    weight = rng.uniform(0.0, 2.0, n)
    weight[::11] = 0.0
    exposure = rng.uniform(0.5, 2.0, n)
    return X, labels, counts, weight, exposure, rng


def _chunks(values, size=700):
    return da.from_array(np.asarray(values), chunks=size)


def _assert_same(got, ref, rel=1e-8):
    """Both certified to 1e-10 (relative to lambda_max): equal to well within 1e-8 of the largest coefficient."""
    np.testing.assert_array_equal(np.asarray(got.coef_) == 0.0, np.asarray(ref.coef_) == 0.0)
    scale = np.max(np.abs(ref.coef_))
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=0, atol=rel * scale)
    np.testing.assert_allclose(got.intercept_, ref.intercept_, rtol=0, atol=rel * max(scale, 1.0))
    assert got.map_.certificate <= 1e-10


@pytest.mark.parametrize(
    "params",
    [
        {"prior": br.Laplace(0.05)},
        {"prior": br.Normal(0.5), "standardize": True},
        {"prior": br.ElasticNet(0.05, 0.5), "fit_intercept": False},
    ],
    ids=["laplace", "normal-standardized", "enet-no-intercept"],
)
def test_logistic_and_poisson_maps_on_dask_input_are_the_in_memory_maps(dask_client, params):
    X, labels, counts, weight, exposure, _ = _data()
    frame = dd.from_pandas(X, npartitions=4)
    ref = br.BayesianLogisticRegression(**params).fit(X, labels, sample_weight=weight)
    got = br.BayesianLogisticRegression(**params).fit(
        frame, dd.from_pandas(pd.Series(labels), npartitions=4), sample_weight=_chunks(weight)
    )
    _assert_same(got, ref)
    np.testing.assert_array_equal(got.classes_, ref.classes_)
    assert list(got.feature_names_in_) == list(X.columns) and not hasattr(got, "model_")
    assert type(got.equivalent_penalty_) is type(ref.equivalent_penalty_)
    ref = br.BayesianPoissonRegressor(**params).fit(X, counts, exposure=exposure)
    got = br.BayesianPoissonRegressor(**params).fit(frame, _chunks(counts), exposure=_chunks(exposure, 900))
    _assert_same(got, ref)
    if ref.equivalent_penalty_ is not None:
        assert got.equivalent_penalty_.alpha == pytest.approx(ref.equivalent_penalty_.alpha, rel=1e-12, abs=0)
    np.testing.assert_allclose(got.predict(frame).compute(), ref.predict(X), rtol=1e-7)


@pytest.mark.parametrize("family", ["binomial", "poisson"])
@pytest.mark.parametrize("penalty", ["lasso", "ridge"])
def test_glm_paths_on_dask_input_are_the_in_memory_paths(dask_client, family, penalty):
    X, labels, counts, weight, _, _ = _data()
    y = (labels == "yes").astype(float) if family == "binomial" else counts
    alphas, coefs, path = map_path(X, y, penalty=penalty, family=family, sample_weight=weight, n_alphas=12,
                                   return_path=True)  # fmt: skip
    got_alphas, got_coefs, got_path = map_path(
        da.from_array(X.to_numpy(), chunks=(800, 5)), _chunks(y), penalty=penalty, family=family,
        sample_weight=_chunks(weight), n_alphas=12, return_path=True,
    )  # fmt: skip
    np.testing.assert_allclose(got_alphas, alphas, rtol=1e-12)
    np.testing.assert_array_equal(got_coefs == 0.0, coefs == 0.0)
    np.testing.assert_allclose(got_coefs, coefs, rtol=0, atol=1e-8 * np.max(np.abs(coefs)))
    np.testing.assert_allclose(got_path.intercepts, path.intercepts, rtol=0, atol=1e-8)
    assert got_path.certificates.max() <= 1e-10


def test_glm_input_on_dask_is_checked_before_any_pass_of_newton_steps(dask_client):
    X, labels, counts, _, _, _ = _data(n=400)
    frame = dd.from_pandas(X, npartitions=2)
    with pytest.raises(ValueError, match="method='nuts' on Dask input with a binomial likelihood.*method='map'"):
        br.BayesianLogisticRegression(br.Normal(1.0), method="nuts").fit(frame, _chunks(labels, 100))
    with pytest.raises(ValueError, match=r"needs samples of 2 classes, got 3"):
        br.BayesianLogisticRegression(br.Normal(1.0)).fit(frame, _chunks(np.arange(400) % 3, 100))
    bad = counts.copy()
    bad[237] = -1.0
    with pytest.raises(ValueError, match=r"non-negative values, got -1.0 at row 237"):
        br.BayesianPoissonRegressor(br.Normal(1.0)).fit(frame, _chunks(bad, 100))
    with pytest.raises(ValueError, match="every count is 0"):
        br.BayesianPoissonRegressor(br.Normal(1.0)).fit(frame, _chunks(np.zeros(400), 100))
    with pytest.raises(ValueError, match="labels 0 and 1, got 2.0 at row 5"):
        map_path(frame, _chunks(np.r_[np.zeros(5), 2.0, np.ones(394)], 100), family="binomial")
    flat = br.Normal(1.0, penalty_factor=[0.0, 1.0, 1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="penalty_factor of 0 .* on Dask input is not supported"):
        br.BayesianPoissonRegressor(flat).fit(frame, _chunks(counts, 100))
    with pytest.raises(ValueError, match="exposure must be positive"):
        br.BayesianPoissonRegressor(br.Normal(1.0)).fit(frame, _chunks(counts, 100), exposure=_chunks(-np.ones(400)))


def test_refusals_come_before_any_pass_over_the_data():
    """A posterior method or a flat prior with a GLM on Dask input is refused before the data are read: a Dask
    array whose every chunk raises shows it."""
    import dask

    def unreadable():
        raise AssertionError("the data were read")

    X = da.from_delayed(dask.delayed(unreadable)(), shape=(100, 3), dtype=float)
    y = da.from_delayed(dask.delayed(unreadable)(), shape=(100,), dtype=float)
    with pytest.raises(ValueError, match="method='sample' on Dask input with a binomial likelihood"):
        br.BayesianLogisticRegression(br.Normal(1.0), method="sample").fit(X, y)
    with pytest.raises(ValueError, match="penalty_factor of 0"):
        br.BayesianPoissonRegressor(br.Normal(1.0, penalty_factor=[0.0, 1.0, 1.0])).fit(X, y)
    with pytest.raises(ValueError, match="penalty_factor"):
        br.BayesianPoissonRegressor(br.Normal(1.0, penalty_factor=[1.0, 1.0])).fit(X, y)
    with pytest.raises(ValueError, match="store_predictive=True on Dask input"):
        br.BayesianRegression(br.Normal(1.0), method="sample", store_predictive=True).fit(X, y)
