"""Bundled data loaders and synthetic generators."""

import hashlib
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

from bayesreg.data import datasets
from bayesreg.data.datasets import PROSTATE_FEATURES

DIABETES_COLUMNS = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
PROSTATE_SHA256 = "b430e3ee430d836672e30615ceda161ded50a8cf4701fe130580eab5153aa0b2"


# --------------------------------------------------------------------------------------------
# diabetes
# --------------------------------------------------------------------------------------------


def test_load_diabetes_raw():
    X, y = datasets.load_diabetes()
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    assert X.shape == (442, 10) and y.shape == (442,)
    assert list(X.columns) == DIABETES_COLUMNS
    assert y.name == "progression"
    # original units: ages in years, sex coded 1 / 2
    assert X["age"].between(18, 80).all()
    assert set(X["sex"].unique()) == {1.0, 2.0}
    assert y.between(25, 346).all()


def test_load_diabetes_scaled():
    X, y = datasets.load_diabetes(scaled=True)
    raw, y_raw = datasets.load_diabetes()
    assert X.shape == (442, 10) and list(X.columns) == DIABETES_COLUMNS
    np.testing.assert_allclose(X.mean(), 0.0, atol=1e-12)
    np.testing.assert_allclose((X**2).sum(), 1.0, rtol=1e-10)  # unit Euclidean norm
    pd.testing.assert_series_equal(y, y_raw)  # only the predictors are scaled
    centred = raw - raw.mean()
    np.testing.assert_allclose(X, centred / np.sqrt((centred**2).sum()), atol=1e-6)


# --------------------------------------------------------------------------------------------
# prostate
# --------------------------------------------------------------------------------------------


def test_bundled_prostate_file_is_the_reference_copy():
    data = resources.files("bayesreg.data").joinpath("prostate.data").read_bytes()
    assert hashlib.sha256(data).hexdigest() == PROSTATE_SHA256


def test_load_prostate_all():
    X, y = datasets.load_prostate()
    assert X.shape == (97, 8) and y.shape == (97,)
    assert (
        list(X.columns) == PROSTATE_FEATURES == ["lcavol", "lweight", "age", "lbph", "svi", "lcp", "gleason", "pgg45"]
    )
    assert y.name == "lpsa"
    assert (X.dtypes == np.float64).all() and y.dtype == np.float64
    assert list(X.index) == list(range(1, 98))
    # the corrected value (an early copy of the data had 6.1076 here)
    assert X.loc[32, "lweight"] == pytest.approx(3.804438, abs=1e-12)
    assert X.loc[1].tolist() == pytest.approx([-0.579818495, 2.769459, 50, -1.38629436, 0, -1.38629436, 6, 0])
    assert y.loc[97] == pytest.approx(5.5829322)
    assert not X.isna().any().any() and not y.isna().any()


def test_load_prostate_train_test_split():
    X_all, y_all = datasets.load_prostate()
    X_tr, y_tr = datasets.load_prostate(subset="train")
    X_te, y_te = datasets.load_prostate(subset="test")
    assert X_tr.shape == (67, 8) and y_tr.shape == (67,)
    assert X_te.shape == (30, 8) and y_te.shape == (30,)
    assert set(X_tr.index).isdisjoint(X_te.index)
    assert sorted([*X_tr.index, *X_te.index]) == list(X_all.index)
    assert 32 in X_te.index and 1 in X_tr.index
    pd.testing.assert_frame_equal(X_all.loc[X_tr.index], X_tr)
    pd.testing.assert_series_equal(y_all.loc[X_te.index], y_te)


def test_load_prostate_standardize_uses_all_rows():
    X, y = datasets.load_prostate(standardize=True)
    raw, y_raw = datasets.load_prostate()
    np.testing.assert_allclose(X.mean(), 0.0, atol=1e-13)
    np.testing.assert_allclose(X.std(ddof=1), 1.0, rtol=1e-13)
    pd.testing.assert_series_equal(y, y_raw)  # the target is not scaled
    # the subsets are rows of the standardized full table, not standardized on their own
    X_tr, _ = datasets.load_prostate(subset="train", standardize=True)
    pd.testing.assert_frame_equal(X_tr, X.loc[X_tr.index])
    assert abs(X_tr["lcavol"].mean()) > 1e-3


def test_prostate_reproduces_elements_of_statistical_learning():
    # ESL Table 3.2 (least squares on the standardized training data, 2 decimals) and the
    # least-squares test error 0.521 of Table 3.3.
    X_tr, y_tr = datasets.load_prostate(subset="train", standardize=True)
    X_te, y_te = datasets.load_prostate(subset="test", standardize=True)
    ls = LinearRegression().fit(X_tr, y_tr)
    assert ls.intercept_ == pytest.approx(2.46, abs=0.005 + 1e-9)
    np.testing.assert_allclose(ls.coef_, [0.68, 0.26, -0.14, 0.21, 0.31, -0.29, -0.02, 0.27], atol=0.005 + 1e-9)
    assert np.mean((ls.predict(X_te) - y_te) ** 2) == pytest.approx(0.521, abs=5e-4)


@pytest.mark.parametrize("subset", ["ALL", "training", "", None, 1])
def test_load_prostate_bad_subset(subset):
    with pytest.raises(ValueError, match="subset"):
        datasets.load_prostate(subset=subset)


def test_load_named():
    X, y = datasets.load_named("prostate")
    pd.testing.assert_frame_equal(X, datasets.load_prostate()[0])
    X, y = datasets.load_named("diabetes")
    assert X.shape == (442, 10)
    with pytest.raises(ValueError, match="unknown data set"):
        datasets.load_named("iris")


# --------------------------------------------------------------------------------------------
# synthetic generators
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n, p, k", [(50, 200, 5), (30, 10, 10), (100, 20, 0), (7, 3, 1)])
def test_make_sparse_regression_shapes_and_support(n, p, k):
    X, y, coef = datasets.make_sparse_regression(n_samples=n, n_features=p, n_nonzero=k, random_state=3)
    assert X.shape == (n, p) and y.shape == (n,) and coef.shape == (p,)
    assert np.count_nonzero(coef) == k
    nz = coef[coef != 0]
    assert np.all((np.abs(nz) >= 1.0) & (np.abs(nz) <= 3.0))


def test_make_sparse_regression_is_reproducible():
    a = datasets.make_sparse_regression(random_state=11)
    b = datasets.make_sparse_regression(random_state=11)
    c = datasets.make_sparse_regression(random_state=12)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0]) and not np.array_equal(a[1], c[1])
    # random_state=None is allowed and gives fresh data
    assert not np.array_equal(
        datasets.make_sparse_regression(random_state=None)[0], datasets.make_sparse_regression(random_state=None)[0]
    )


def test_make_sparse_regression_noise_level():
    X, y, coef = datasets.make_sparse_regression(n_samples=4000, n_features=10, n_nonzero=3, noise=0.5, random_state=0)
    resid = y - X @ coef
    # sd of the sample sd of 4000 normals is 0.5 / sqrt(8000) = 0.0056
    assert np.std(resid) == pytest.approx(0.5, abs=0.03)
    assert np.abs(np.corrcoef(X, rowvar=False) - np.eye(10)).max() < 0.1  # independent columns


def test_make_collinear_regression_shapes_and_coef():
    X, y, coef = datasets.make_collinear_regression(n_samples=100, n_features=20, n_groups=4, random_state=2)
    assert X.shape == (100, 20) and y.shape == (100,) and coef.shape == (20,)
    assert np.count_nonzero(coef) == 4
    np.testing.assert_array_equal(coef[:4], 2.0)
    a = datasets.make_collinear_regression(random_state=5)
    b = datasets.make_collinear_regression(random_state=5)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], datasets.make_collinear_regression(random_state=6)[0])


@pytest.mark.parametrize("r", [0.5, 0.9, 0.999])
def test_make_collinear_regression_correlation(r):
    n, p, g = 3000, 12, 3
    X, y, coef = datasets.make_collinear_regression(
        n_samples=n, n_features=p, n_groups=g, correlation=r, noise=0.7, random_state=1
    )
    corr = np.corrcoef(X, rowvar=False)
    groups = np.arange(p) % g
    same = (groups[:, None] == groups[None, :]) & ~np.eye(p, dtype=bool)
    other = groups[:, None] != groups[None, :]
    # sd of a sample correlation is about (1 - r^2) / sqrt(n) <= 0.02 here; allow 5 of those
    tol = 5 * max(1 - r**2, 1e-3) / np.sqrt(n)
    np.testing.assert_allclose(corr[same], r, atol=tol)
    assert np.abs(corr[other]).max() < 5 / np.sqrt(n)
    # each column has unit variance, and y = X coef + noise
    np.testing.assert_allclose(X.var(axis=0), 1.0, atol=0.1)
    assert np.std(y - X @ coef) == pytest.approx(0.7, abs=0.05)
    # the first column of each block carries the signal
    assert sorted(groups[coef != 0]) == list(range(g))


@pytest.mark.parametrize(
    "make,kwargs,match",
    [
        (datasets.make_sparse_regression, {"n_features": 3, "n_nonzero": 5}, "n_nonzero must lie in"),
        (datasets.make_collinear_regression, {"correlation": 1.5}, "correlation must lie in"),
        (datasets.make_collinear_regression, {"correlation": -0.1}, "correlation must lie in"),
        (datasets.make_collinear_regression, {"n_groups": 0}, "n_groups must lie in"),
    ],
)
def test_generators_reject_bad_arguments(make, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make(**kwargs)


# --------------------------------------------------------------------------------------------
# load_csv (every message is checked through the command line in tests/apps/test_cli.py)
# --------------------------------------------------------------------------------------------


def test_load_csv_returns_float_features_and_target(tmp_path):
    path = tmp_path / "houses.csv"
    path.write_text("rooms,price,new\n3,1.5,true\n4,2.5,false\n2,0.5,true\n")
    X, y = datasets.load_csv(path, "price")
    assert list(X.columns) == ["rooms", "new"] and y.name == "price"
    assert X.dtypes.tolist() == [np.float64, np.float64] and y.dtype == np.float64
    assert X.to_numpy().tolist() == [[3.0, 1.0], [4.0, 0.0], [2.0, 1.0]] and y.tolist() == [1.5, 2.5, 0.5]


def test_load_csv_min_rows(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,y\n1,2\n2,3\n3,5\n")
    assert len(datasets.load_csv(path, "y", min_rows=3)[1]) == 3
    with pytest.raises(ValueError, match=r"d\.csv has 3 data rows; at least 4 are needed$"):
        datasets.load_csv(path, "y", min_rows=4)


@pytest.mark.parametrize(
    "content, match",
    [
        (None, r"nope\.csv: no such file$"),
        (b"\xff\xfe\x00\x81binary", r"\.csv is not a CSV text file \(UTF-8\)"),
        (b"a,y\n1,2\n1,2,3\n", r"\.csv is not a valid CSV file: .*Expected 2 fields in line 3, saw 3"),
    ],
    ids=["missing", "binary", "ragged"],
)
def test_load_csv_unreadable(content, match, tmp_path):
    path = tmp_path / ("nope.csv" if content is None else "bad.csv")
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ValueError, match=match):
        datasets.load_csv(path, "y")
