"""The decoupled shrinkage and selection path: each sparse summary's variation explained against its size.

Draws what :func:`bayesreg.analysis.selection.decoupled_selection` computed; fits nothing.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from bayesreg._validation import check_count
from bayesreg.analysis.selection import SelectionPath
from bayesreg.viz._axes import check_ax

__all__ = ["plot_selection_path"]

FULL_COLOR = "0.75"
SELECTED_COLOR = "C3"


def plot_selection_path(result: SelectionPath, ax: Axes | None = None, *, max_labels: int = 12) -> Axes:
    """Plot the posterior of each summary's variation explained ``rho^2(gamma)`` against its number of non-zeros.

    Each step of the path is a point at its posterior mean with its central ``result.prob`` interval as an error
    bar; the full model's (the posterior mean ``beta_bar``) mean is a dashed line, its interval a grey band; the
    selected summary is circled and marked by a vertical line; the rule's threshold (for ``"interval"`` and
    ``"sd"``, on the ``rho^2`` scale) is a dotted line. The names of the features entering at each step up to the
    selected one (at most ``max_labels`` steps) are written next to their point.

    Parameters
    ----------
    result : SelectionPath
        From :func:`bayesreg.analysis.selection.decoupled_selection`.
    ax : matplotlib Axes, optional
        Drawn on; a new figure's Axes when None.
    max_labels : int, default=12
        Label at most this many steps (0: none).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not isinstance(result, SelectionPath):
        raise TypeError(f"result must be a SelectionPath (from decoupled_selection), got {type(result).__name__}")
    max_labels = check_count(max_labels, "max_labels", minimum=0)
    ax = check_ax(ax, figsize=(7.0, 4.5))
    size = result.n_nonzero
    mean = result.rho2["mean"].to_numpy()
    lower = result.rho2["lower"].to_numpy()
    upper = result.rho2["upper"].to_numpy()
    full = result.rho2_full
    percent = f"{100 * result.prob:g}%"

    ax.axhspan(full["lower"], full["upper"], color=FULL_COLOR, alpha=0.35, lw=0, label=f"full model, {percent}")
    ax.axhline(full["mean"], color="0.4", ls="--", lw=1.0, label="full model, mean")
    if result.rule in ("interval", "sd"):
        ax.axhline(result.threshold, color="0.3", ls=":", lw=1.0, label=f"threshold ({result.rule!r} rule)")
    ax.errorbar(
        size,
        mean,
        yerr=np.vstack([mean - lower, upper - mean]),
        fmt="o-",
        color="C0",
        ms=4,
        lw=1.0,
        capsize=2,
        label=f"summary: mean, {percent}",
    )
    k = result.selected
    ax.plot(size[k], mean[k], "o", ms=11, mfc="none", mec=SELECTED_COLOR, mew=1.8, label="selected")
    ax.axvline(size[k], color=SELECTED_COLOR, lw=0.8, alpha=0.6)
    for step in range(min(max_labels, k + 1)):
        names = result.entered[step]
        if names:
            label = ", ".join(names) if len(names) <= 3 else ", ".join(names[:3]) + ", ..."
            ax.annotate(
                "+" + label,
                (size[step], mean[step]),
                xytext=(4, -10),
                textcoords="offset points",
                fontsize=7,
                rotation=-30,
                color="0.2",
            )
    ax.set_xlabel("number of non-zero coefficients")
    ax.set_ylabel(r"variation explained $\rho^2(\gamma)$")
    ax.set_title(
        f"Decoupled shrinkage and selection: {size[k]} of {len(result.feature_names)} selected",
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="lower right")
    return ax
