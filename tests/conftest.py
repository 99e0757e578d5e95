import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import StandardScaler

from bayesreg.data import datasets


def _diabetes_raw():
    X, y = datasets.load_diabetes()
    return X.to_numpy(), y.to_numpy()


def _diabetes_standardized():
    X, y = _diabetes_raw()
    return StandardScaler().fit_transform(X), y


def _p_greater_than_n():
    X, y, _ = datasets.make_sparse_regression(n_samples=50, n_features=200, n_nonzero=5, random_state=1)
    return X, y


def _collinear():
    X, y, _ = datasets.make_collinear_regression(n_samples=100, n_features=20, correlation=0.999, random_state=2)
    return X, y


DESIGNS = {
    "diabetes_raw": _diabetes_raw,
    "diabetes_std": _diabetes_standardized,
    "p_gt_n": _p_greater_than_n,
    "collinear": _collinear,
}


@pytest.fixture(params=list(DESIGNS), scope="session")
def design(request):
    X, y = DESIGNS[request.param]()
    return request.param, X, y


@pytest.fixture(scope="session")
def diabetes_std():
    return _diabetes_standardized()


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture(scope="session")
def small_frame():
    """60 x 4 DataFrame with named columns, two zero coefficients, noise sd 1: small NUTS tests."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 4)) * [1.0, 2.0, 0.5, 1.0], columns=["age", "bmi", "bp", "s1"])
    y = 3.0 + X.to_numpy() @ [1.5, 0.0, -2.0, 0.0] + rng.normal(size=60)
    return X, y


@pytest.fixture(scope="session")
def dask_client():
    """A dask.distributed LocalCluster of 2 worker processes (one thread each) and its client, for the session."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            yield client
