"""Input checks shared by the public functions (the estimators use scikit-learn's directly)."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils.validation import check_X_y

from bayesreg.priors import BasePrior


def check_regression_data(X, y) -> tuple[np.ndarray, np.ndarray, list[str] | None]:
    """Validate ``X`` (n, p) and ``y`` (n,) as finite float arrays with n >= 2.

    Returns the arrays and the feature names (a DataFrame's columns), or None.
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


def check_prior(prior) -> BasePrior:
    if not isinstance(prior, BasePrior):
        raise TypeError(
            f"prior must be a bayesreg prior such as bayesreg.Laplace(1.0), got {type(prior).__name__}: {prior!r}"
        )
    return prior


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
