"""Plots of a Bayesian logistic regression's posterior: predicted probabilities with their intervals, and one
coefficient's posterior against its MAP.

Like every plot here they draw on the ``ax`` given (new axes when None), return it, and change no global
matplotlib state; they never fit a model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from bayesreg._validation import check_positive
from bayesreg.viz._axes import check_ax

__all__ = ["plot_probability_intervals", "plot_coefficient_posterior"]

_COLUMNS = ("MAP", "mean", "lower", "upper")


def plot_probability_intervals(
    probabilities: pd.DataFrame, *, label: str = "probability of the second class", ax=None
) -> Axes:
    """One row per observation: the central interval of its predicted probability (a bar), the posterior mean
    (a dot) and the MAP's plug-in probability (a diamond).

    Parameters
    ----------
    probabilities : DataFrame
        Columns ``MAP``, ``mean``, ``lower``, ``upper`` (probabilities in [0, 1]); the index labels the rows,
        drawn from the bottom up.
    label : str
        The x axis label: what the probability is of.
    """
    missing = [c for c in _COLUMNS if c not in probabilities.columns]
    if missing:
        raise ValueError(f"probabilities: missing columns {missing} (needs {list(_COLUMNS)})")
    values = probabilities[list(_COLUMNS)].to_numpy(dtype=float)
    if not (np.all(np.isfinite(values)) and np.all((values >= 0) & (values <= 1))):
        raise ValueError("probabilities: every value must be a probability in [0, 1]")
    ax = check_ax(ax, figsize=(6.0, 0.6 + 0.45 * len(probabilities)))
    rows = np.arange(len(probabilities))
    ax.hlines(rows, probabilities["lower"], probabilities["upper"], color="C0", lw=3, alpha=0.6, label="90% interval")
    ax.plot(probabilities["mean"], rows, "o", color="C0", label="posterior mean")
    ax.plot(probabilities["MAP"], rows, "D", mfc="none", color="C3", label="MAP (penalized fit)")
    ax.axvline(0.5, color="0.75", lw=1, zorder=0)
    ax.set_yticks(rows, [str(label) for label in probabilities.index])
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel(label)
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_coefficient_posterior(estimator, feature, *, eps: float, map_value: float | None = None, ax=None) -> Axes:
    """Histogram of one coefficient's posterior draws, the window ``|beta| <= eps`` shaded, its posterior median
    and, if given, the MAP of the same prior (0.0 for a coefficient an L1 penalty removes) marked.

    Parameters
    ----------
    estimator : BayesianLogisticRegression or BayesianRegression
        Fitted with ``method="nuts"`` (its ``idata_``); draws on the original scale of ``X``.
    feature : str or int
        A name of ``feature_names_in_`` or a column number.
    eps : float
        Half-width of the near-zero window.
    map_value : float, optional
        The coefficient's MAP under the same prior (from a ``method="map"`` fit or :func:`bayesreg.compare`).
    """
    eps = check_positive(eps, "eps")
    if not hasattr(estimator, "idata_"):
        raise ValueError("estimator: fit it with method='nuts' first (its posterior draws are plotted)")
    names = [str(n) for n in getattr(estimator, "feature_names_in_", range(estimator.n_features_in_))]
    j = names.index(str(feature)) if str(feature) in names else None
    if j is None:
        if isinstance(feature, int | np.integer) and 0 <= int(feature) < len(names):
            j = int(feature)
        else:
            raise ValueError(f"feature {feature!r} is not one of the estimator's features {names}")
    draws = estimator._coefficient_draws()[0][:, j]
    ax = check_ax(ax, figsize=(6.0, 4.0))
    ax.axvspan(-eps, eps, color="0.85", zorder=0, label=f"|beta| <= {eps:.3g}")
    ax.hist(draws, bins=60, density=True, color="C0", alpha=0.7, label="posterior draws")
    if map_value is not None:
        label = "MAP: exactly 0" if map_value == 0.0 else f"MAP: {map_value:.3g}"
        ax.axvline(float(map_value), color="C3", lw=2, label=label)
    ax.axvline(float(np.median(draws)), color="C0", ls="--", lw=1.5, label="posterior median")
    ax.set_xlabel(f"coefficient of {names[j]}")
    ax.set_ylabel("posterior density")
    ax.legend(fontsize="small")
    return ax
