"""The shared argument checks of bayesreg._validation."""

import importlib

import numpy as np
import pandas as pd
import pytest

from bayesreg import BayesianRegression, Normal
from bayesreg._validation import check_count, check_feature_columns, check_regression_data


@pytest.mark.parametrize("value", [0, -1])
def test_check_count_rejects_small(value):
    with pytest.raises(ValueError, match="draws must be an integer >= 1"):
        check_count(value, "draws")


@pytest.mark.parametrize("value", [1.0, "10", True, None])
def test_check_count_rejects_non_integers(value):
    with pytest.raises(TypeError, match="chains must be an integer"):
        check_count(value, "chains")


def test_check_count_accepts_numpy_integers():
    assert check_count(np.int64(5), "draws") == 5
    assert check_count(0, "tune", minimum=0) == 0


# --------------------------------------------------------------------------------------------
# check_feature_columns / check_regression_data / the estimator: the offending column is named
# --------------------------------------------------------------------------------------------

_Y4 = [1.0, 2.0, 0.5, 3.0]


def _frame(b):
    return pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": b}, index=[10, 11, 12, 13])


BAD_FRAMES = [
    pytest.param(
        _frame(list("wxyz")),
        r"^X: column 'b' is not numeric \(dtype \w+\): could not convert 'w' in row 10 to a number",
        id="text",
    ),
    pytest.param(
        _frame([1.0, 2.0, "oops", 4.0]),
        r"^X: column 'b' is not numeric \(dtype object\): could not convert 'oops' in row 12 to a number",
        id="mixed",
    ),
    pytest.param(
        _frame(pd.Categorical(list("abab"))),
        r"^X: column 'b' is not numeric \(categorical\): could not convert 'a' in row 10 to a number",
        id="cat",
    ),
    pytest.param(_frame(np.arange(4) + 1j), r"^X must be real-valued: column 'b' is complex$", id="complex"),
    pytest.param(
        _frame([1.0, np.inf, -np.inf, 4.0]),
        r"^Input X contains infinity in column 'b': 2 of 4 rows \(first: row 11\)$",
        id="inf",
    ),
    pytest.param(
        _frame([1.0, 2.0, np.nan, 4.0]),
        r"^Input X contains NaN \(missing values\) in column 'b': 1 of 4 rows \(first: row 12\)$",
        id="nan",
    ),
    pytest.param(
        _frame(pd.array([1, None, 3, 4], dtype="Int64")),
        r"^Input X contains NaN \(missing values\) in column 'b': 1 of 4 rows \(first: row 11\)$",
        id="nullable-int",
    ),
    pytest.param(np.ones((4, 2)) + 1j, r"^X must be real-valued: Complex data not supported$", id="complex-array"),
    pytest.param(
        np.array([[1.0, 2.0], [1.0, np.nan], [1.0, 3.0], [2.0, np.nan]]),
        r"^Input X contains NaN \(missing values\) in column 1: 2 of 4 rows \(first: row 1\)$",
        id="nan-array",
    ),
    pytest.param(
        [[1.0, 2.0], [np.inf, 1.0], [1.0, 3.0], [2.0, 1.0]],
        r"^Input X contains infinity in column 0: 1 of 4 rows \(first: row 1\)$",
        id="inf-list",
    ),
]


@pytest.mark.parametrize("X, match", BAD_FRAMES)
def test_check_regression_data_names_the_column(X, match):
    with pytest.raises(ValueError, match=match):
        check_regression_data(X, _Y4)


@pytest.mark.parametrize("X, match", BAD_FRAMES)
def test_estimator_names_the_column_before_anything_is_built(X, match, monkeypatch):
    estimators = importlib.import_module("bayesreg.estimators.base")

    def fail(*args, **kwargs):
        raise AssertionError("a model was built")

    monkeypatch.setattr(estimators, "build_model", fail)
    est = BayesianRegression(Normal(1.0), sigma=1.0)
    with pytest.raises(ValueError, match=match):
        est.fit(X, _Y4)
    assert not hasattr(est, "coef_")


@pytest.mark.parametrize(
    "X",
    [
        _frame([True, False, True, False]),
        _frame(np.array([1, 2, 3, 5], dtype=object)),  # numbers stored as objects: scikit-learn converts them
        _frame(np.array(["1", "2.5", "3e0", "4"], dtype=object)),  # numeric text: likewise
        _frame(pd.Categorical([1.5, 2.0, 1.5, 2.0])),  # categories that are numbers
        _frame(pd.array([1.0, 2.0, 3.0, 4.5], dtype="Float64")),
        np.arange(8).reshape(4, 2),
    ],
    ids=["bool", "object-numbers", "numeric-text", "numeric-categories", "Float64", "int-array"],
)
def test_numeric_columns_are_accepted_as_scikit_learn_accepts_them(X):
    values, y, names = check_regression_data(X, _Y4)
    assert values.dtype == np.float64 and values.shape == (4, 2)
    np.testing.assert_array_equal(values, np.asarray(X, dtype=float))
    assert names == (["a", "b"] if isinstance(X, pd.DataFrame) else None)


def test_check_feature_columns_leaves_shape_errors_to_scikit_learn():
    check_feature_columns([[1.0, 2.0], [3.0]])  # ragged: nothing to say here
    check_feature_columns(np.array([1.0, np.nan]))  # 1-D: scikit-learn's "Expected 2D array"
    with pytest.raises(ValueError, match="Expected a 2-dimensional container|Expected 2D array"):
        check_regression_data(np.array([1.0, 2.0, 3.0, 4.0]), _Y4)


def test_the_argument_name_is_used():
    with pytest.raises(ValueError, match="^Input X_new contains infinity in column 'b'"):
        check_feature_columns(_frame([1.0, np.inf, 0.0, 1.0]), "X_new")


def test_text_and_dates_in_arrays_and_frames_are_named():
    """Found by review: a numpy object/str array said only "could not convert string to float: 'abc'", a datetime
    column gave numpy's DTypePromotionError."""
    import pandas as pd

    import bayesreg as br

    est = br.BayesianRegression(br.Laplace(1.0), sigma=1.0)
    X = np.array([[1.0, 2.0], [3.0, "abc"], [4, 5]], dtype=object)
    for bad in (X, X.astype(str)):
        with pytest.raises(ValueError, match=r"X: column 1 is not numeric: 'abc' in row 1 \(could not convert"):
            est.fit(bad, [1.0, 2.0, 3.0])
    dates = pd.DataFrame({"a": [1.0, 2.0, 3.0], "d": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03"])})
    with pytest.raises(ValueError, match="X: column 'd' holds dates or durations"):
        est.fit(dates, [1.0, 2.0, 3.0])
    assert not hasattr(est, "coef_")
