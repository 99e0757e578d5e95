"""Dask inputs as users have them (found in review): constant columns, columns far from 0, parquet and filtered
DataFrames (partitions of unknown length), Dask beside numpy or pandas arguments, and what is refused: bad weights,
exposures and columns, reordered columns at predict time."""

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

import bayesreg as br
from bayesreg.optimize.paths import map_path


def _frame(n=2000, seed=7):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=["a", "b", "c", "d"])
    X["b"] = 7.0  # a constant column
    y = 1.0 + X["a"] - 0.5 * X["c"] + rng.normal(size=n)
    return X, y, rng


@pytest.mark.parametrize(
    "params",
    [
        {"sigma": 1.0},
        {"sigma": 1.0, "standardize": True},
        {"sigma": None},
        {"sigma": "auto"},
        {"sigma": 1.0, "standardize": True, "fit_intercept": False},
    ],
    ids=["fixed", "standardized", "learned", "auto", "standardized-no-intercept"],
)
def test_a_constant_column_on_dask_input_gives_the_in_memory_fit(params):
    X, y, _ = _frame()
    ref = br.BayesianRegression(br.Laplace(0.01), **params).fit(X, y)
    got = br.BayesianRegression(br.Laplace(0.01), **params).fit(dd.from_pandas(X, npartitions=4), da.from_array(y))
    np.testing.assert_array_equal(got.coef_ == 0.0, ref.coef_ == 0.0)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=0, atol=1e-12)
    assert got.intercept_ == pytest.approx(ref.intercept_, rel=1e-12, abs=1e-12)
    assert got.sigma_ == pytest.approx(ref.sigma_, rel=1e-12, abs=0)
    alphas, coefs = map_path(X, y, n_alphas=20)
    np.testing.assert_allclose(map_path(dd.from_pandas(X, npartitions=3), da.from_array(y), n_alphas=20)[1], coefs,
                               rtol=0, atol=1e-12)  # fmt: skip


@pytest.mark.parametrize(("mean", "spread"), [(1e6, 1.0), (1e9, 1e-3)])
def test_columns_far_from_zero_keep_their_digits_on_dask_input(mean, spread):
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(20_000, 3))
    y = Z @ np.array([1.0, 2.0, 3.0]) + rng.normal(size=20_000)
    X = mean + spread * Z
    ref = br.BayesianRegression(br.Normal(10.0), sigma=0.5).fit(X, y)
    got = br.BayesianRegression(br.Normal(10.0), sigma=0.5).fit(da.from_array(X, chunks=(3000, 3)), da.from_array(y))
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-10, atol=0)
    assert got.intercept_ == pytest.approx(ref.intercept_, rel=1e-12, abs=0)


def test_parquet_and_filtered_frames_with_in_memory_arguments_beside_them(tmp_path):
    X, y, rng = _frame(n=3000)
    X["b"] = rng.normal(size=len(y))
    frame = X.assign(y=y, w=rng.uniform(0.5, 2.0, len(y)))
    frame.to_parquet(tmp_path / "data.parquet", engine="pyarrow", row_group_size=700)
    stored = dd.read_parquet(tmp_path / "data.parquet").repartition(npartitions=4)
    kept = frame[frame["a"] > -1.0]
    ref = br.BayesianRegression(br.Laplace(0.02), sigma=None).fit(kept[list("abcd")], kept["y"], kept["w"])
    lazy = stored[stored["a"] > -1.0]  # partitions of unknown length
    got = br.BayesianRegression(br.Laplace(0.02), sigma=None).fit(lazy[list("abcd")], lazy["y"], lazy["w"])
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-10, atol=1e-13)
    # Dask X beside a pandas y (and the other way round), numpy weights
    mixed = br.BayesianRegression(br.Laplace(0.02), sigma=None)
    mixed.fit(dd.from_pandas(kept[list("abcd")], npartitions=3), kept["y"], kept["w"].to_numpy())
    np.testing.assert_allclose(mixed.coef_, ref.coef_, rtol=1e-10, atol=1e-13)
    mixed.fit(kept[list("abcd")], da.from_array(kept["y"].to_numpy(), chunks=500), kept["w"])
    np.testing.assert_allclose(mixed.coef_, ref.coef_, rtol=1e-10, atol=1e-13)
    labels = np.where(kept["y"] > 1.0, "high", "low")
    clf = br.BayesianLogisticRegression(br.Normal(1.0)).fit(dd.from_pandas(kept[list("abcd")], npartitions=3), labels)
    clf_ref = br.BayesianLogisticRegression(br.Normal(1.0)).fit(kept[list("abcd")], labels)
    np.testing.assert_allclose(clf.coef_, clf_ref.coef_, rtol=1e-8, atol=1e-10)
    assert clf.classes_.dtype == clf_ref.classes_.dtype


def test_what_dask_input_refuses_as_memory_does():
    X, y, rng = _frame(n=600)
    frame = dd.from_pandas(X, npartitions=3)
    target = da.from_array(y.to_numpy(), chunks=200)
    weight = rng.uniform(0.0, 1.0, 600)
    weight[250] = -1.0
    with pytest.raises(ValueError, match="sample_weight must be finite and non-negative, got -1.0"):
        br.BayesianRegression(br.Laplace(0.1), sigma=1.0).fit(frame, target, da.from_array(weight, chunks=200))
    weight[250] = np.nan
    with pytest.raises(ValueError, match="sample_weight must be finite and non-negative, got nan"):
        br.BayesianLogisticRegression(br.Laplace(0.1)).fit(frame, (target > 1.0) * 1.0, da.from_array(weight))
    with pytest.raises(ValueError, match="column 'kind' is not real numbers"):
        br.BayesianRegression(br.Laplace(0.1), sigma=1.0).fit(frame.assign(kind="x"), target)
    est = br.BayesianRegression(br.Laplace(0.1), sigma=1.0).fit(frame, target)
    with pytest.raises(ValueError, match="feature names should match those that were passed during fit"):
        est.predict(frame[["d", "c", "b", "a"]])
    counts = br.BayesianPoissonRegressor(br.Normal(1.0)).fit(X, rng.poisson(1.0, 600))
    exposure = np.ones(600)
    exposure[10] = -2.0
    with pytest.raises(ValueError, match="exposure must be positive"):
        counts.predict(frame, exposure=da.from_array(exposure, chunks=100)).compute()
    with pytest.raises(ValueError, match="exposure must be positive and finite"):
        br.BayesianPoissonRegressor(br.Normal(1.0)).fit(frame, rng.poisson(1.0, 600), exposure=da.from_array(exposure))


def test_a_gaussian_fit_reads_each_partition_of_a_frame_once():
    """X, y and the weights as columns of one Dask DataFrame: the statistics pass reads each partition once (as one
    array of all the columns), however the partitions are made."""
    import collections

    import dask

    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.normal(size=(5000, 3)), columns=list("abc"))
    table["y"] = table["a"] - table["c"] + rng.normal(size=5000)
    table["w"] = rng.uniform(0.5, 1.5, 5000)
    reads = collections.Counter()

    def load(part):
        reads[part] += 1
        return table.iloc[part * 1000 : (part + 1) * 1000]

    frame = dd.from_map(load, range(5), meta=table.iloc[:0], enforce_metadata=False)
    with dask.config.set(scheduler="sync"):
        got = br.BayesianRegression(br.Laplace(0.1), sigma=None).fit(frame[list("abc")], frame["y"], frame["w"])
    assert dict(reads) == dict.fromkeys(range(5), 1)
    ref = br.BayesianRegression(br.Laplace(0.1), sigma=None).fit(table[list("abc")], table["y"], table["w"])
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError, match="y must be numeric, got values of dtype"):
        map_path(frame[list("abc")], frame["y"].astype(str), family="binomial")
    one_column = br.BayesianRegression(br.Laplace(0.1), sigma=None).fit(frame[list("abc")], frame[["y"]], frame["w"])
    np.testing.assert_allclose(one_column.coef_, ref.coef_, rtol=1e-12, atol=1e-14)
