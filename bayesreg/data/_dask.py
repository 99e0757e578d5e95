"""Dask input: recognizing it without importing Dask, and the error when Dask is missing.

Dask is an optional extra (``pip install bayesreg[dask]``): nothing here imports it at module level.
"""

from __future__ import annotations

import functools

import numpy as np
from threadpoolctl import threadpool_limits

__all__ = [
    "check_numeric_columns",
    "check_same_rows",
    "is_dask",
    "one_blas_thread",
    "require_dask",
    "row_blocks",
    "to_dask_array",
]

INSTALL = "pip install 'bayesreg[dask]'"


def is_dask(obj) -> bool:
    """Whether ``obj`` is a Dask array, DataFrame or Series (by its type's module: Dask need not be importable)."""
    return any(cls.__module__.split(".")[0] == "dask" for cls in type(obj).__mro__)


def require_dask(what: str):
    """``dask`` and ``dask.array``, or an ImportError saying what to install for ``what``."""
    try:
        import dask
        import dask.array
    except ImportError as error:  # pragma: no cover - the tests run with the extra installed
        raise ImportError(f"{what} needs Dask: {INSTALL}") from error
    return dask, dask.array


def to_dask_array(obj, name: str, *, ndim: int):
    """``obj`` (a Dask array, DataFrame or Series) as a float64 Dask array of ``ndim`` dimensions. A DataFrame's
    partition lengths are not computed (Dask does not know them, and finding them costs a pass over the data): its
    chunks of rows are then of unknown size (NaN), one per partition, which :func:`row_blocks` lines up by partition.
    A non-numeric column of a DataFrame is refused, named (:func:`check_numeric_columns`)."""
    _, da = require_dask(f"{name} as a Dask collection")
    check_numeric_columns(obj, name)
    if hasattr(obj, "to_dask_array"):
        obj = obj.to_dask_array()
    array = da.asarray(obj)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be numeric, got values of dtype {array.dtype}")
    array = array.astype(float)
    if ndim == 1 and array.ndim == 2 and array.shape[1] == 1:  # a one-column frame, as in memory
        array = array[:, 0]
    if array.ndim != ndim:
        raise ValueError(f"{name}: expected {ndim} dimension(s), got a Dask array of shape {array.shape}")
    return array


def check_numeric_columns(obj, name: str) -> None:
    """Refuse (ValueError, naming the column) a Dask DataFrame or Series whose dtype is not a number (text,
    categories, dates), from its metadata alone: nothing is computed."""
    if not hasattr(obj, "to_dask_array"):  # not a DataFrame or Series
        return
    dtypes = obj.dtypes
    dtypes = dict(dtypes.items()) if hasattr(dtypes, "items") else {getattr(obj, "name", name): dtypes}
    import pandas as pd

    for column, dtype in dtypes.items():
        numeric = pd.api.types.is_bool_dtype(dtype) or (
            pd.api.types.is_numeric_dtype(dtype)
            and not isinstance(dtype, pd.CategoricalDtype)
            and not pd.api.types.is_complex_dtype(dtype)
        )
        if not numeric and obj.ndim == 1:  # a Series: a target, weights
            raise ValueError(f"{name} must be numeric, got values of dtype {dtype}")
        if not numeric:
            raise ValueError(
                f"{name}: column {column!r} is not real numbers (dtype {dtype}); encode it first (e.g. with "
                "scikit-learn's OneHotEncoder) or drop it"
            )


def row_blocks(X, *columns, names=("y", "sample_weight", "offset")):
    """The chunks of rows of ``X`` (n, p) and of ``columns`` (each (n,) or None), lined up: ``(x_blocks,
    [blocks of each column, or None])``, Dask delayed objects, one per chunk of rows of ``X``, its columns in one
    chunk. Each of them may be a Dask array, DataFrame or Series, or (beside a Dask one) a numpy array or pandas
    object, which is cut like the Dask rows.

    Known chunk sizes are lined up by rechunking to ``X``'s. A DataFrame's partitions (unknown sizes) are lined up
    partition by partition when every Dask argument has as many: columns of one DataFrame, filtered alike, as
    ``ddf[features]`` and ``ddf["y"]`` are. Otherwise the sizes are computed first (one more pass over the data).
    Rows that still do not line up are refused when their chunks are reduced (:func:`check_same_rows`)."""
    _, da = require_dask("data as Dask collections")
    shared = _one_frame(X, columns)
    if shared is not None:
        return shared
    X = to_dask_array(X, "X", ndim=2) if is_dask(X) else None if X is None else np.asarray(X, dtype=float)
    arrays = [
        to_dask_array(column, label, ndim=1) if is_dask(column) else _numeric(column, label)
        for column, label in zip(columns, names, strict=False)
    ]
    lazy = [a for a in (X, *arrays) if a is not None and isinstance(a, da.Array)]
    n_rows = X.shape[0]
    for array, label in zip(arrays, names, strict=False):
        if array is not None and not (np.isnan(n_rows) or np.isnan(array.shape[0])) and array.shape[0] != n_rows:
            raise ValueError(f"{label}: {array.shape[0]} rows, X has {n_rows}")
    unknown = any(np.isnan(a.shape[0]) for a in lazy)
    if unknown and len({a.numblocks[0] for a in lazy}) > 1:
        lazy = [a.compute_chunk_sizes() if np.isnan(a.shape[0]) else a for a in lazy]
        X = lazy.pop(0) if isinstance(X, da.Array) else X
        arrays = [lazy.pop(0) if isinstance(a, da.Array) else a for a in arrays]
        unknown = False
    reference = X if isinstance(X, da.Array) else next(a for a in arrays if isinstance(a, da.Array))
    rows = reference.chunks[0]
    if unknown and any(a is not None and not isinstance(a, da.Array) for a in (X, *arrays)):
        reference = reference.compute_chunk_sizes()  # in-memory columns are cut like the Dask rows
        rows, unknown = reference.chunks[0], False
    if not isinstance(X, da.Array):
        X = da.from_array(X, chunks=(rows, -1))
    X = X if unknown else X.rechunk({0: rows, 1: -1})
    x_blocks = list(X.to_delayed().ravel())
    blocks = []
    for array in arrays:
        if array is None:
            blocks.append(None)
            continue
        if not isinstance(array, da.Array):
            array = da.from_array(np.asarray(array, dtype=float), chunks=(rows,))
        elif not unknown:
            array = array.rechunk((rows,))
        blocks.append(list(array.to_delayed().ravel()))
    return x_blocks, blocks


def _numeric(values, name: str):
    """In-memory values beside Dask ones as a float array (None stays None); a ValueError naming them otherwise."""
    if values is None:
        return None
    values = np.asarray(values)
    if values.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be numeric, got values of dtype {values.dtype}")
    return values.astype(float)


def _one_frame(X, columns):
    """:func:`row_blocks` of a Dask DataFrame ``X`` and Dask Series of as many partitions (columns of one frame): as
    one array of all of them, so that each partition is read once (separate arrays would read it once each), its
    blocks sliced into ``X``'s and the columns'. None when they are not such (or cannot be joined)."""
    if not (is_dask(X) and hasattr(X, "assign") and X.ndim == 2):
        return None
    lazy = [column for column in columns if column is not None]
    if not lazy or not all(is_dask(c) and hasattr(c, "to_dask_array") and c.ndim == 1 for c in lazy):
        return None
    if any(c.npartitions != X.npartitions for c in lazy):
        return None
    check_numeric_columns(X, "X")
    for column, label in zip(columns, ("y", "sample_weight", "offset"), strict=False):
        if column is not None:
            check_numeric_columns(column, label)
    extra = {f"__bayesreg_{k}": column for k, column in enumerate(columns) if column is not None}
    try:
        joined = X.assign(**extra).to_dask_array()
    except (ValueError, TypeError, NotImplementedError):  # indexes that do not line up: the general way
        return None
    _, da = require_dask("data as Dask collections")
    joined = joined.astype(float)
    p = len(X.columns)
    blocks = list(joined.to_delayed().ravel())
    import dask

    x_blocks = [dask.delayed(_columns)(block, 0, p) for block in blocks]
    out, position = [], p
    for column in columns:
        if column is None:
            out.append(None)
            continue
        out.append([dask.delayed(_columns)(block, position, None) for block in blocks])
        position += 1
    return x_blocks, out


def _columns(block: np.ndarray, start: int, stop: int | None) -> np.ndarray:
    """``block[:, start:stop]``, or its column ``start`` when ``stop`` is None (a contiguous copy)."""
    return np.ascontiguousarray(block[:, start] if stop is None else block[:, start:stop])


def check_same_rows(X, *columns) -> None:
    """Refuse (ValueError) a chunk whose ``X`` and columns have different numbers of rows: Dask collections whose
    partitions do not line up."""
    for column in columns:
        if column is not None and len(column) != len(X):
            raise ValueError(
                f"X and y (or sample_weight, offset) are partitioned differently: a chunk of X has {len(X)} rows and "
                f"the matching chunk of another argument {len(column)}; give them from one DataFrame, or as Dask "
                "arrays with known chunk sizes (.compute_chunk_sizes())"
            )


def one_blas_thread(func):
    """``func`` run with one BLAS thread: a task of a Dask reduction, which runs beside the scheduler's other threads
    (or worker processes) on the other cores. BLAS's own threads on top of them oversubscribe the cores: measured
    (2 cores, 2,000,000 x 100 rows in chunks of 100,000), the statistics pass took 3.0 s with OpenBLAS's 2 threads
    per task, 2.05 s with 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with threadpool_limits(1, user_api="blas"):
            return func(*args, **kwargs)

    return wrapper
