"""Predictions on Dask input: the estimator's own numpy method run on each chunk of rows, lazily.

``@on_row_chunks`` wraps a prediction method: given a numpy array or a pandas frame it runs as written; given a Dask
array or DataFrame it returns a Dask array whose chunks of rows are the method's output on the matching chunks of
``X`` (the columns put in one chunk; each chunk as a frame with the fitted feature names when the estimator was
fitted with them), or a pair of them for a method that returns a pair (``predict(X, return_std=True)``). Nothing is
computed until the user computes it, on the scheduler in use (threads, or a ``dask.distributed`` cluster, to which
the fitted estimator is sent).
"""

from __future__ import annotations

import functools

import numpy as np
from sklearn.utils.validation import check_is_fitted

from bayesreg.data._dask import is_dask, to_dask_array

__all__ = ["on_row_chunks"]


def on_row_chunks(method):
    """Run the decorated ``method(self, X, ...)`` chunk by chunk of rows on Dask input (module docstring)."""

    @functools.wraps(method)
    def wrapper(self, X, *args, **kwargs):
        if not is_dask(X):
            return method(self, X, *args, **kwargs)
        check_is_fitted(self)
        fitted_names = getattr(self, "feature_names_in_", None)
        columns = getattr(X, "columns", None)
        if fitted_names is not None and columns is not None and [str(c) for c in columns] != list(fitted_names):
            raise ValueError(
                "The feature names should match those that were passed during fit, in the same order: fitted with "
                f"{list(fitted_names)}, got {[str(c) for c in columns]}"
            )
        X = to_dask_array(X, "X", ndim=2).rechunk({1: -1})
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting {self.n_features_in_} features "
                "as input"
            )
        names = getattr(self, "feature_names_in_", None)

        def call(chunk):
            if names is not None:
                import pandas as pd

                chunk = pd.DataFrame(chunk, columns=names)
            return method(self, chunk, *args, **kwargs)

        def run(chunk):
            out = call(chunk)
            return np.column_stack(out) if isinstance(out, tuple) else np.asarray(out)

        sample = call(np.zeros((1, X.shape[1])))  # the output's kind, dtype and columns, from one row
        pair = isinstance(sample, tuple)
        sample = run(np.zeros((1, X.shape[1])))
        if sample.ndim == 1:
            return X.map_blocks(run, drop_axis=1, dtype=sample.dtype, meta=np.empty((0,), dtype=sample.dtype))
        result = X.map_blocks(
            run, chunks=(X.chunks[0], (sample.shape[1],)), dtype=sample.dtype, meta=np.empty((0, 0), sample.dtype)
        )
        return (result[:, 0], result[:, 1]) if pair else result

    return wrapper
