"""Input checks shared by the public functions (the estimators use scikit-learn's directly)."""

from __future__ import annotations

import numbers
from numbers import Real

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_X_y


def check_regression_data(X, y) -> tuple[np.ndarray, np.ndarray, list[str] | None]:
    """Validate ``X`` (n, p) and ``y`` (n,) as finite float arrays with n >= 2.

    Returns the arrays and the feature names (a DataFrame's columns), or None. A column that is
    complex, not numeric (text, categories) or not finite is named in the error
    (:func:`check_feature_columns`).
    """
    if X is None:
        raise ValueError("X is required, got None")
    if y is None:
        raise ValueError("y is required, got None")
    n_x = len(X) if hasattr(X, "__len__") else None
    n_y = len(y) if hasattr(y, "__len__") else None
    if n_x is not None and n_y is not None and n_x != n_y:
        raise ValueError(f"X and y must have the same number of samples: X has {n_x}, y has {n_y}")
    columns = getattr(X, "columns", None)
    names = [str(c) for c in columns] if columns is not None else None
    y = check_numeric_target(y)
    check_feature_columns(X)
    X, y = check_X_y(X, y, dtype=np.float64, ensure_min_samples=2, y_numeric=True)
    return X, y, names


def check_numeric_target(y):
    """Return ``y`` as a float array, or raise a ValueError naming ``y`` if it is not numeric."""
    if y is None:
        return y
    arr = np.asarray(y)
    if arr.dtype.kind == "c":
        raise ValueError("y must be real-valued: Complex data not supported")
    if arr.dtype.kind not in "biuf":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"y must be numeric, got values of dtype {arr.dtype}: {exc}") from None
    return arr


def _label(column) -> str:
    return repr(column) if isinstance(column, str) else str(column)


def _rows(index: pd.Index, bad: np.ndarray) -> str:
    """ "2 of 10 rows (first: row 3)" for a boolean mask ``bad`` (row labels of ``index``)."""
    first = index[int(np.argmax(bad))]
    return f"{int(bad.sum())} of {bad.size} rows (first: row {_label(first)})"


def _first_non_number(values) -> tuple[int, object]:
    """Position and value of the first entry that ``float()`` refuses (missing values are skipped)."""
    for i, value in enumerate(values):
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            continue
        try:
            float(value)
        except (TypeError, ValueError):
            return i, value
    return 0, values[0]


def _check_finite(values: np.ndarray, name: str, column: str, index: pd.Index) -> None:
    """scikit-learn's "Input X contains NaN", followed by the column and the rows."""
    nan = np.isnan(values)
    if nan.any():
        raise ValueError(f"Input {name} contains NaN (missing values) in column {column}: {_rows(index, nan)}")
    inf = np.isinf(values)
    if inf.any():
        raise ValueError(f"Input {name} contains infinity in column {column}: {_rows(index, inf)}")


def check_feature_columns(X, name: str = "X") -> None:
    """Raise a ValueError that names the column of ``X`` that scikit-learn would refuse without naming it.

    scikit-learn's ``check_array`` says "could not convert string to float: 'a'" or "Input X
    contains NaN." without saying where. This check runs first and says which column, so the
    answer is the same (an error) but the message points at the problem:

    - complex values: "X must be real-valued: Complex data not supported" (any array-like);
    - a column of a pandas DataFrame that is not numeric (text, categories of text, objects):
      named, with the first value that is not a number and its row;
    - NaN or infinity in a float column: scikit-learn's "Input X contains NaN" followed by the
      column (a DataFrame's name, an array's position) and how many rows, with the first.

    Anything else (shape, number of samples, sparse input, ...) is left to scikit-learn.

    Parameters
    ----------
    X : array-like or DataFrame
    name : str
        The argument's name in the messages.

    Raises
    ------
    ValueError
        On complex values, a non-numeric DataFrame column or non-finite values.
    """
    if isinstance(X, pd.DataFrame):
        for position, column in enumerate(X.columns):
            series = X.iloc[:, position]
            what = f"{name}: column {_label(column)}"
            dtype = series.dtype
            if pd.api.types.is_complex_dtype(dtype):
                raise ValueError(f"{name} must be real-valued: column {_label(column)} is complex")
            if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
                raise ValueError(
                    f"{what} holds dates or durations (dtype {dtype}), not numbers; convert it (e.g. to days since "
                    "a reference date) or drop it"
                )
            if pd.api.types.is_bool_dtype(dtype) or (
                pd.api.types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype)
            ):
                if pd.api.types.is_float_dtype(dtype) or isinstance(dtype, pd.api.extensions.ExtensionDtype):
                    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
                    _check_finite(values, name, _label(column), X.index)
                continue
            try:  # text, categories, objects: accepted exactly when scikit-learn's conversion accepts them
                values = np.asarray(series, dtype=np.float64)
            except (TypeError, ValueError):
                i, value = _first_non_number(series.to_numpy(dtype=object))
                kind = "categorical" if isinstance(dtype, pd.CategoricalDtype) else f"dtype {dtype}"
                raise ValueError(
                    f"{what} is not numeric ({kind}): could not convert {value!r} in row {_label(X.index[i])} to a "
                    "number; encode it as "
                    "numbers (e.g. sklearn.preprocessing.OneHotEncoder) or drop it"
                ) from None
            if np.iscomplexobj(values):
                raise ValueError(f"{name} must be real-valued: column {_label(column)} is complex")
            _check_finite(values, name, _label(column), X.index)
        return
    if hasattr(X, "dtype") and hasattr(X, "ndim"):
        values = X
    else:
        try:
            values = np.asarray(X)
        except (TypeError, ValueError):  # ragged: scikit-learn says so
            return
    kind = getattr(values.dtype, "kind", None)
    if kind == "c":
        raise ValueError(f"{name} must be real-valued: Complex data not supported")
    if kind in ("O", "U", "S", "M", "m") and values.ndim == 2:  # text, objects, dates: name the first bad cell
        for j in range(values.shape[1]):
            try:
                converted = np.asarray(values[:, j], dtype=np.float64)
            except (TypeError, ValueError) as exc:  # the same type as scikit-learn's, with the place added
                i, value = _first_non_number(np.asarray(values[:, j], dtype=object))
                raise type(exc)(
                    f"{name}: column {j} is not numeric: {value!r} in row {i} ({exc}); encode it as numbers or drop it"
                ) from None
            if kind in ("M", "m"):
                raise ValueError(f"{name}: column {j} holds dates or durations (dtype {values.dtype}), not numbers")
            if np.iscomplexobj(converted):
                raise ValueError(f"{name} must be real-valued: column {j} is complex")
    if kind == "f" and values.ndim == 2 and isinstance(values, np.ndarray):
        bad = ~np.isfinite(values)
        if bad.any():
            j = int(np.argmax(bad.any(axis=0)))
            column = values[:, j]
            _check_finite(column, name, str(j), pd.RangeIndex(len(column)))


def check_bool(value, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_count(value, name: str, *, minimum: int = 1) -> int:
    """A Python or numpy integer >= ``minimum``; bools and floats are refused."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


_TINY = float(np.finfo(float).tiny)  # smallest normal double, 2.2e-308


def check_positive(value, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float, or raise if it is not a finite positive real number."""
    if isinstance(value, bool) or not isinstance(value, Real | np.number):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}: {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return value


def check_normal_float(value: float, name: str, *, what: str = "") -> float:
    """Return ``value`` if it is a finite, normal (not subnormal) positive double, else raise.

    ``what`` says how the value was derived (e.g. ``"l1 = 1 / scale"``), for the message, which
    names ``name``: the argument the caller must change.
    """
    value = float(value)
    if np.isfinite(value) and value >= _TINY:
        return value
    if np.isnan(value):
        problem = "not a number"
    elif value > 1.0:
        problem = "overflow"
    elif value == 0:
        problem = "underflow to 0"
    else:
        problem = f"underflow into the subnormal range below {_TINY:.3g}, too few significant digits"
    derived = f": {what} = {value!r}" if what else f"={value!r}"
    raise ValueError(f"{name}{derived} ({problem}); no prior of this strength is representable in double precision")


def check_n_samples(n_samples) -> int | float:
    """Return ``n_samples``, a positive integer, or a positive real number: with sample weights the conversions'
    ``n`` is their sum (scikit-learn and glmnet normalize the data term by it)."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, Real | np.number):
        raise TypeError(
            f"n_samples must be a positive number (samples, or the sum of their weights), got {n_samples!r}"
        )
    if isinstance(n_samples, numbers.Integral):
        if n_samples < 1:
            raise ValueError(f"n_samples must be positive, got {n_samples!r}")
        return int(n_samples)
    return check_positive(n_samples, "n_samples")


def check_row_values(values, n: int, name: str) -> np.ndarray:
    """``values`` (one per row, or one number for all) as a finite float array of shape (n,), or an error naming
    ``name``."""
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got values of dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        first = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ValueError(f"{name} must be finite, got {float(arr[first])!r} at row {first}")
    return arr


def check_sample_weight(sample_weight, n: int) -> np.ndarray | None:
    """``sample_weight`` as a float array of shape (n,): finite, non-negative, with a positive sum (None stays None)."""
    if sample_weight is None:
        return None
    sw = check_row_values(sample_weight, n, "sample_weight")
    if np.any(sw < 0):
        first = int(np.flatnonzero(sw < 0)[0])
        raise ValueError(f"sample_weight must be non-negative, got {float(sw[first])!r} at row {first}")
    if not np.sum(sw) > 0:
        raise ValueError("sample_weight: every weight is zero; at least one observation must have a positive weight")
    return sw


def check_prob(prob, name: str = "prob") -> float:
    """A probability mass strictly between 0 and 1 (of a central interval), as a float; bools and strings refused."""
    if isinstance(prob, bool) or not isinstance(prob, Real | np.number):
        raise TypeError(f"{name} must be a real number in (0, 1), got {type(prob).__name__}: {prob!r}")
    if not 0.0 < float(prob) < 1.0:
        raise ValueError(f"{name} must be a number in (0, 1), got {prob!r}")
    return float(prob)


def check_l1_ratio(l1_ratio, name: str = "l1_ratio") -> float:
    """Return ``l1_ratio`` as a float in [0, 1], or raise."""
    value = check_positive(l1_ratio, name, allow_zero=True)
    if value > 1:
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
    return value
