"""SufficientStats from Dask collections, reduced on a dask.distributed LocalCluster of 2 worker processes: equal
to the in-memory statistics (1e-10 relative), whatever the chunks."""

import sys

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from bayesreg.data._dask import is_dask
from bayesreg.data.statistics import SufficientStats


def _data(n=5000, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = 1e6 + rng.normal(size=(n, p)) * np.linspace(1e-3, 10.0, p)
    y = X @ np.linspace(-1.0, 1.0, p) + rng.normal(size=n)
    w = rng.uniform(0.0, 2.0, n)
    w[::7] = 0.0
    return X, y, w


def _assert_equal(got: SufficientStats, ref: SufficientStats):
    for fit_intercept in (True, False):
        for mine, theirs in zip(got.about(fit_intercept), ref.about(fit_intercept), strict=True):
            np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=0)
    np.testing.assert_allclose(got.x_mean, ref.x_mean, rtol=1e-15, atol=0)
    assert got.sum_w == pytest.approx(ref.sum_w, rel=1e-14, abs=0) and got.n_rows == ref.n_rows


@pytest.mark.parametrize("weighted", [False, True])
def test_dask_arrays_on_a_cluster_give_the_in_memory_statistics(dask_client, weighted):
    X, y, w = _data()
    ref = SufficientStats.from_data(X, y, w if weighted else None)
    # chunks of rows that differ between X, y and w, and X split by columns too: put back in line before reducing
    weight = da.from_array(w, chunks=900) if weighted else None
    got = SufficientStats.from_data(da.from_array(X, chunks=(700, 4)), da.from_array(y, chunks=1100), weight)
    _assert_equal(got, ref)


def test_a_dask_dataframe_and_series_give_the_in_memory_statistics(dask_client):
    X, y, w = _data(n=3000, p=4)
    frame = dd.from_pandas(pd.DataFrame(X, columns=list("abcd")), npartitions=3)
    target = dd.from_pandas(pd.Series(y), npartitions=3)
    _assert_equal(SufficientStats.from_data(frame, target), SufficientStats.from_data(X, y))
    assert is_dask(frame) and is_dask(target) and not is_dask(X) and not is_dask(pd.Series(y))


def test_mismatched_rows_are_refused_and_missing_dask_is_named(monkeypatch):
    X, y, _ = _data(n=100, p=2)
    with pytest.raises(ValueError, match="y: 99 rows, X has 100"):
        SufficientStats.from_dask(da.from_array(X), da.from_array(y[:99]))
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.array", None)
    with pytest.raises(ImportError, match=r"needs Dask: pip install 'bayesreg\[dask\]'"):
        SufficientStats.from_dask(X, y)
