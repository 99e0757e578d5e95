"""Dask input: recognizing it without importing Dask, and the error when Dask is missing.

Dask is an optional extra (``pip install bayesreg[dask]``): nothing here imports it at module level.
"""

from __future__ import annotations

import functools

from threadpoolctl import threadpool_limits

__all__ = ["is_dask", "one_blas_thread", "require_dask", "to_dask_array"]

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
    """``obj`` (a Dask array, DataFrame or Series) as a float64 Dask array of ``ndim`` dimensions with known chunk
    sizes (a DataFrame's partition lengths are computed once: Dask does not know them)."""
    _, da = require_dask(f"{name} as a Dask collection")
    if hasattr(obj, "to_dask_array"):
        obj = obj.to_dask_array(lengths=True)
    array = da.asarray(obj).astype(float)
    if array.ndim != ndim:
        raise ValueError(f"{name}: expected {ndim} dimension(s), got a Dask array of shape {array.shape}")
    return array


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
