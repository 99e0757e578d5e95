"""Predictions on Dask input, computed chunk by chunk on a LocalCluster of 2 worker processes: equal to the
in-memory predictions of the same fitted estimator."""

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

import bayesreg as br


def _data(n=300, p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, p)), columns=[f"f{j}" for j in range(p)])
    eta = X.to_numpy() @ np.array([1.0, -0.5, 0.0, 0.3])
    return X, eta, rng


@pytest.mark.filterwarnings("ignore::bayesreg.SamplingWarning")  # 2 x 50 draws: only the layout is checked
@pytest.mark.parametrize("method", ["map", "gibbs"])
def test_regression_predictions_on_dask_equal_the_in_memory_ones(dask_client, method):
    X, eta, rng = _data()
    y = 1.0 + eta + rng.normal(size=len(eta))
    kwargs = {} if method == "map" else {"draws": 50, "tune": 20, "chains": 2, "random_seed": 0}
    est = br.BayesianRegression(br.Laplace(1.0), sigma=None, method=method, progressbar=False, **kwargs).fit(X, y)
    lazy = dd.from_pandas(X, npartitions=3)
    mean = est.predict(lazy)
    assert isinstance(mean, da.Array)
    np.testing.assert_allclose(mean.compute(), est.predict(X), rtol=1e-12, atol=1e-12)
    if method != "map":
        got_mean, got_std = est.predict(da.from_array(X.to_numpy(), chunks=(70, 2)), return_std=True)
        ref_mean, ref_std = est.predict(X, return_std=True)
        np.testing.assert_allclose(got_std.compute(), ref_std, rtol=1e-12, atol=1e-12)
        interval = est.predict_interval(lazy, prob=0.8)
        np.testing.assert_allclose(interval.compute(), est.predict_interval(X, prob=0.8), rtol=1e-10, atol=1e-10)


def test_classifier_and_counts_predictions_on_dask(dask_client):
    X, eta, rng = _data()
    labels = np.where(rng.random(len(eta)) < 1 / (1 + np.exp(-eta)), "yes", "no")
    clf = br.BayesianLogisticRegression(br.Normal(1.0)).fit(X, labels)
    chunks = da.from_array(X.to_numpy(), chunks=(64, 4))
    np.testing.assert_allclose(clf.predict_proba(chunks).compute(), clf.predict_proba(X), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(clf.predict(chunks).compute(), clf.predict(X))
    counts = rng.poisson(np.exp(0.2 + 0.5 * eta))
    reg = br.BayesianPoissonRegressor(br.Normal(1.0)).fit(X, counts)
    exposure = rng.uniform(0.5, 2.0, len(eta))
    got = reg.predict(chunks, exposure=da.from_array(exposure, chunks=64)).compute()
    np.testing.assert_allclose(got, reg.predict(X, exposure=exposure), rtol=1e-12, atol=0)
    with pytest.raises(ValueError, match="X has 3 features, but BayesianPoissonRegressor is expecting 4"):
        reg.predict(chunks[:, :3])
