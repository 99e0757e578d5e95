"""Summaries of posterior draws: the central credible interval, the one copy every table, plot and prediction uses."""

from __future__ import annotations

import numpy as np

from bayesreg._validation import check_prob

__all__ = ["central_interval", "interval_bounds"]


def interval_bounds(prob: float) -> tuple[float, float]:
    """The quantile levels ``((1 - prob) / 2, (1 + prob) / 2)`` of the central ``prob`` interval."""
    prob = check_prob(prob)
    return (1.0 - prob) / 2.0, (1.0 + prob) / 2.0


def central_interval(draws, prob: float = 0.9, *, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The central ``prob`` credible interval of ``draws`` along ``axis``: its ``(1 - prob)/2`` and ``(1 + prob)/2``
    sample quantiles (numpy's default, linear interpolation), as ``(lower, upper)``."""
    lower, upper = np.quantile(np.asarray(draws, dtype=float), interval_bounds(prob), axis=axis)
    return lower, upper
