"""The one rule every plot follows for its ``ax`` argument."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes


def check_ax(ax, *, figsize: tuple[float, float]) -> Axes:
    """``ax`` itself if it is an Axes, a new figure's Axes if it is None; a TypeError otherwise."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax
