"""The textbook pictures of L1 versus L2 penalties, drawn from :mod:`bayesreg.viz.illustrations`.

Every function draws on the ``ax`` it is given (a new figure from ``plt.subplots`` when None),
returns the Axes it drew on, sets axis labels, a title and legend labels, and changes no global
matplotlib state. Nothing here computes a minimizer: the markers sit at the exact values of the
view objects.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from bayesreg._validation import check_bool
from bayesreg.viz._axes import check_ax
from bayesreg.viz.illustrations import (
    OneDimensionalView,
    TwoDimensionalView,
    one_dimensional_view,
    prior_densities,
    two_dimensional_view,
)

__all__ = ["plot_penalty_1d", "plot_penalty_2d", "plot_prior_densities"]

L1_COLOR = "C0"
L2_COLOR = "C1"
LOSS_COLOR = "black"
GUIDE_COLOR = "0.75"


def _resolve_view(view, cls, factory, kwargs: dict):
    if view is None:
        return factory(**kwargs)
    if not isinstance(view, cls):
        raise TypeError(f"view must be a {cls.__name__} or None, got {type(view).__name__}")
    if kwargs:
        raise TypeError(f"pass either view or keyword arguments for {factory.__name__}, not both: {sorted(kwargs)}")
    return view


def _axis_guides(ax: Axes, *, horizontal: bool) -> None:
    ax.axvline(0.0, color=GUIDE_COLOR, linewidth=0.8, zorder=0, label="_zero")
    if horizontal:
        ax.axhline(0.0, color=GUIDE_COLOR, linewidth=0.8, zorder=0, label="_zero")


def _marker(ax: Axes, x: float, y: float, *, color: str, marker: str, label: str) -> None:
    ax.plot([x], [y], linestyle="none", marker=marker, markersize=9, color=color, label=label, zorder=5)


# ---------------------------------------------------------------------------------------------
# one coefficient


def _one_sided_tangents(ax: Axes, view: OneDimensionalView) -> None:
    """Segments of slope ``d0 - lambda`` left of 0 and ``d0 + lambda`` right of 0 on the L1 objective."""
    height = float(view.loss_at(0.0))
    reach = 0.15 * (view.grid[-1] - view.grid[0])
    for side, slope, name in ((-1.0, view.slope_left, r"d_0 - \lambda"), (1.0, view.slope_right, r"d_0 + \lambda")):
        w = np.array([0.0, side * reach])
        ax.plot(
            w,
            height + slope * w,
            color=L1_COLOR,
            linestyle=":",
            linewidth=1.5,
            label=rf"slope ${name} = {slope:.3g}$ at 0",
        )


def plot_penalty_1d(view: OneDimensionalView | None = None, *, ax=None, show_slopes: bool = True, **kwargs) -> Axes:
    """Loss, L1 and L2 penalties of one coefficient and both penalized objectives, minimizers marked.

    Draws (in this order) the loss ``L(w) = 1/(2n) ||y - w x||^2``, the penalties ``lambda |w|``
    and ``lambda/2 w^2`` (dashed), the objectives ``L + lambda |w|`` and ``L + lambda/2 w^2``
    (solid), optionally the one-sided tangents of the L1 objective at 0 with slopes
    ``d0 - lambda`` and ``d0 + lambda`` (dotted; 0 is the L1 minimizer when they have opposite
    signs), and markers at the exact L1 and L2 minimizers (on their objectives) and the
    least-squares estimate (on the loss).

    Parameters
    ----------
    view : OneDimensionalView, optional
        The numbers to draw; computed by ``one_dimensional_view(**kwargs)`` when None.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    show_slopes : bool
        Whether to draw the two one-sided tangents at 0.
    **kwargs
        Passed to :func:`bayesreg.viz.illustrations.one_dimensional_view` (only without ``view``).

    Returns
    -------
    matplotlib Axes
    """
    view = _resolve_view(view, OneDimensionalView, one_dimensional_view, kwargs)
    show_slopes = check_bool(show_slopes, "show_slopes")
    ax = check_ax(ax, figsize=(7.0, 5.0))
    _axis_guides(ax, horizontal=False)

    w = view.grid
    ax.plot(w, view.loss, color=LOSS_COLOR, linewidth=2, label=r"loss $L(w) = \frac{1}{2n}\|y - wx\|^2$")
    ax.plot(w, view.l1_penalty, color=L1_COLOR, linestyle="--", label=r"L1 penalty $\lambda|w|$")
    ax.plot(w, view.l2_penalty, color=L2_COLOR, linestyle="--", label=r"L2 penalty $\frac{\lambda}{2}w^2$")
    ax.plot(w, view.l1_objective, color=L1_COLOR, linewidth=2, label=r"$L(w) + \lambda|w|$")
    ax.plot(w, view.l2_objective, color=L2_COLOR, linewidth=2, label=r"$L(w) + \frac{\lambda}{2}w^2$")
    if show_slopes:
        _one_sided_tangents(ax, view)

    l1_height = float(view.loss_at(view.w_l1)) + view.lam * abs(view.w_l1)
    l2_height = float(view.loss_at(view.w_l2)) + 0.5 * view.lam * view.w_l2**2
    _marker(ax, view.w_l1, l1_height, color=L1_COLOR, marker="o", label=f"L1 minimum $w = {view.w_l1:.3g}$")
    _marker(ax, view.w_l2, l2_height, color=L2_COLOR, marker="s", label=f"L2 minimum $w = {view.w_l2:.3g}$")
    _marker(
        ax,
        view.w_ls,
        float(view.loss_at(view.w_ls)),
        color=LOSS_COLOR,
        marker="X",
        label=f"least squares $w = {view.w_ls:.3g}$",
    )

    ax.set_xlabel("coefficient $w$")
    ax.set_ylabel("objective value")
    ax.set_title(rf"L1 and L2 penalties with the same $\lambda = {view.lam:.3g}$")
    ax.legend(fontsize="small")
    return ax


# ---------------------------------------------------------------------------------------------
# two coefficients


def _active_solutions(view: TwoDimensionalView) -> list[tuple[np.ndarray, str]]:
    """The constrained solutions whose ball is active (multiplier > 0), with their colours."""
    pairs = ((view.w_l1, view.lam_l1, L1_COLOR), (view.w_l2, view.lam_l2, L2_COLOR))
    return [(w, color) for w, lam, color in pairs if lam > 0]


def _contour_levels(view: TwoDimensionalView) -> np.ndarray:
    """A few background levels between the least-squares minimum and beyond the touching levels."""
    lowest = float(view.loss_at(view.w_ls))
    touching = [float(view.loss_at(w)) for w, _ in _active_solutions(view)]
    span = max(touching, default=lowest) - lowest
    if span <= 0:  # the least-squares estimate is inside both balls: no contour touches a ball
        return lowest + np.array([0.05, 0.2, 0.5, 1.0]) * max(lowest, 1e-3)
    return lowest + span * np.array([0.05, 0.2, 0.45, 1.6, 2.5])


def plot_penalty_2d(view: TwoDimensionalView | None = None, *, ax=None, **kwargs) -> Axes:
    """Loss contours, the L1 diamond and L2 circle of radius ``t``, and where the contours touch them.

    Draws gray contours of ``L(w) = 1/(2n) ||y - Xw||^2`` (one contour set), the contour through
    the L1 solution (blue) and through the L2 solution (orange) as further contour sets, each only
    when the least-squares estimate lies outside that ball (else the solution is ``w_ls``), the
    diamond ``||w||_1 = t`` and the circle ``||w||_2 = t`` as lines, and markers at the exact
    constrained solutions and at the least-squares estimate. The aspect ratio is equal, so the
    circle is round.

    Parameters
    ----------
    view : TwoDimensionalView, optional
        The numbers to draw; computed by ``two_dimensional_view(**kwargs)`` when None.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    **kwargs
        Passed to :func:`bayesreg.viz.illustrations.two_dimensional_view` (only without ``view``).

    Returns
    -------
    matplotlib Axes
    """
    view = _resolve_view(view, TwoDimensionalView, two_dimensional_view, kwargs)
    ax = check_ax(ax, figsize=(6.0, 6.0))
    _axis_guides(ax, horizontal=True)

    ax.contour(view.w1, view.w2, view.loss, levels=_contour_levels(view), colors=GUIDE_COLOR, linewidths=1.0)
    for solution, color in _active_solutions(view):
        ax.contour(view.w1, view.w2, view.loss, levels=[float(view.loss_at(solution))], colors=color)

    t = view.radius
    ax.plot(
        [t, 0.0, -t, 0.0, t], [0.0, t, 0.0, -t, 0.0], color=L1_COLOR, linewidth=2, label=r"L1 ball $|w_1| + |w_2| = t$"
    )
    angle = np.linspace(0.0, 2.0 * np.pi, 361)
    ax.plot(t * np.cos(angle), t * np.sin(angle), color=L2_COLOR, linewidth=2, label=r"L2 ball $w_1^2 + w_2^2 = t^2$")

    _marker(ax, *view.w_l1, color=L1_COLOR, marker="o", label=_point_label("L1 solution", view.w_l1))
    _marker(ax, *view.w_l2, color=L2_COLOR, marker="s", label=_point_label("L2 solution", view.w_l2))
    _marker(ax, *view.w_ls, color=LOSS_COLOR, marker="X", label=_point_label("least squares", view.w_ls))

    ax.set_aspect("equal")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_title(f"Loss contours and balls of radius $t = {t:.3g}$")
    ax.legend(fontsize="small", loc="upper left")
    return ax


def _point_label(name: str, w: np.ndarray) -> str:
    return f"{name} $({w[0]:.3g}, {w[1]:.3g})$"


# ---------------------------------------------------------------------------------------------
# the priors


def _prior_axes(ax) -> tuple[Axes, Axes | None, object]:
    """``(density axes, negative-log axes or None, what to return)`` for the accepted ``ax`` forms."""
    if ax is None:
        _, axes = plt.subplots(1, 2, figsize=(11.0, 4.5))
        return axes[0], axes[1], axes
    if isinstance(ax, Axes):
        return ax, None, ax
    axes = np.asarray(ax, dtype=object)
    if axes.shape != (2,) or not all(isinstance(a, Axes) for a in axes):
        raise TypeError(f"ax must be None, a matplotlib Axes or a sequence of 2 Axes, got {type(ax).__name__}")
    return axes[0], axes[1], axes


def plot_prior_densities(*, variance: float = 1.0, ax=None):
    """Laplace and Gaussian prior densities of equal variance and their negative log densities.

    The left panel shows the densities ``p(w)``: ``Laplace(0, b = sqrt(v/2))`` is peaked at 0 with
    heavier tails than ``Normal(0, sqrt(v))``. The right panel shows ``-log p(w)``, which is the
    L1 penalty ``|w| / b`` or the L2 penalty ``w^2 / (2v)`` plus a constant: a kink at 0 against a
    smooth bowl.

    Parameters
    ----------
    variance : float
        The common variance ``v > 0``.
    ax : None, matplotlib Axes or a sequence of two Axes
        None: a new figure with two panels (densities, negative log densities), returned as an
        array of two Axes. One Axes: only the densities are drawn on it and it is returned. Two
        Axes: densities on the first, negative log densities on the second, returned as an array.

    Returns
    -------
    matplotlib Axes or ndarray of 2 Axes
    """
    densities = prior_densities(variance=variance)
    density_ax, neg_log_ax, result = _prior_axes(ax)
    w = densities.grid
    b = densities.laplace.scale
    sd = densities.normal.scale
    laplace_name = f"Laplace$(0, b = {b:.3g})$"
    normal_name = f"Normal$(0, {sd:.3g})$"

    density_ax.plot(w, densities.laplace_density, color=L1_COLOR, linewidth=2, label=laplace_name)
    density_ax.plot(w, densities.normal_density, color=L2_COLOR, linewidth=2, label=normal_name)
    density_ax.set_xlabel("coefficient $w$")
    density_ax.set_ylabel("prior density $p(w)$")
    density_ax.set_title(f"Equal variance ${densities.variance:.3g}$: Laplace (L1) vs Gaussian (L2)")
    density_ax.legend()

    if neg_log_ax is not None:
        neg_log_ax.plot(
            w, densities.laplace_neg_log_density, color=L1_COLOR, linewidth=2, label=f"{laplace_name}: $|w|/b$ + const"
        )
        neg_log_ax.plot(
            w, densities.normal_neg_log_density, color=L2_COLOR, linewidth=2, label=f"{normal_name}: $w^2/(2v)$ + const"
        )
        neg_log_ax.set_xlabel("coefficient $w$")
        neg_log_ax.set_ylabel(r"$-\log p(w)$ (penalty + constant)")
        neg_log_ax.set_title("Negative log density = penalty + constant")
        neg_log_ax.legend()
    return result
