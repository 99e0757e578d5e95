"""How a prior's strength was chosen: the criterion's curve, and several methods' choices side by side.

Draws what :class:`~bayesreg.estimators.cv.BayesianRegressionCV` (and its twins) and
:func:`~bayesreg.analysis.choose.choose_penalty` computed; fits nothing.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from bayesreg.analysis.choose import PenaltyChoice
from bayesreg.estimators._strength import StrengthCurve
from bayesreg.viz._axes import check_ax

__all__ = ["plot_penalty_choice", "plot_strength_curve"]


def plot_strength_curve(estimator, ax: Axes | None = None) -> Axes:
    """The curve a fitted CV estimator read its strength from (``criterion_``), with its standard errors as a band,
    the strengths of the two rules (``alpha_min_``, ``alpha_1se_``) and the chosen ``alpha_``.

    Parameters
    ----------
    estimator : fitted BayesianRegressionCV, BayesianLogisticRegressionCV or BayesianPoissonRegressorCV
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    curve = getattr(estimator, "criterion_", None)
    if not isinstance(curve, StrengthCurve):
        raise TypeError(
            f"estimator must be a fitted BayesianRegressionCV (or its twins) with a criterion_, got "
            f"{type(estimator).__name__}"
        )
    ax = check_ax(ax, figsize=(6.5, 4.0))
    ax.plot(curve.alphas, curve.values, color="C0", lw=1.5, label=curve.criterion)
    if np.any(np.isfinite(curve.se)):
        se = np.nan_to_num(curve.se)
        ax.fill_between(curve.alphas, curve.values - se, curve.values + se, color="C0", alpha=0.2, lw=0, label="± 1 SE")
    ax.axvline(estimator.alpha_, color="C3", lw=1.5, label=f"alpha_ = {estimator.alpha_:.3g}")
    if estimator.alpha_1se_ != estimator.alpha_min_:
        other = estimator.alpha_1se_ if estimator.alpha_ == estimator.alpha_min_ else estimator.alpha_min_
        ax.axvline(other, color="0.4", ls="--", lw=1.0, label=f"other rule: {other:.3g}")
    ax.set_xscale("log")
    ax.set_xlabel("alpha (scikit-learn's strength)")
    ax.set_ylabel(curve.criterion)
    ax.legend(fontsize="small")
    return ax


def plot_penalty_choice(choice: PenaltyChoice, axes=None) -> np.ndarray:
    """Each method's chosen strength (left, log scale) and its held-out loss against the best method's (right: the
    mean row-by-row difference with its paired standard error as a ±1 SE bar; 0 is the best method).

    Strengths are in each method's own penalty's units (``Ridge``'s for ridge and ``"evidence"``, ``Lasso``'s for
    the lasso), as in ``choice.table["penalty"]``.

    Parameters
    ----------
    choice : PenaltyChoice
        From :func:`bayesreg.analysis.choose.choose_penalty`.
    axes : array of 2 matplotlib Axes, optional

    Returns
    -------
    ndarray of 2 Axes
    """
    if not isinstance(choice, PenaltyChoice):
        raise TypeError(f"choice must be a PenaltyChoice (from choose_penalty), got {type(choice).__name__}")
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(11.0, 0.45 * len(choice.table) + 1.8), layout="constrained")
    axes = np.asarray(axes).reshape(-1)
    if axes.size != 2 or not all(isinstance(ax, Axes) for ax in axes):
        raise TypeError("axes must be 2 matplotlib Axes or None")
    table = choice.table
    positions = np.arange(len(table))[::-1]
    labels = [f"{method} ({row.penalty})" for method, row in table.iterrows()]
    left, right = axes
    for k, (pos, (_, row)) in enumerate(zip(positions, table.iterrows(), strict=True)):
        left.plot(row.alpha, pos, "o", color=f"C{k % 10}")
    left.set_xscale("log")
    left.set_yticks(positions, labels)
    left.set_xlabel("alpha chosen")
    right.errorbar(table["vs_best"], positions, xerr=table["vs_best_se"], fmt="o", color="C0", capsize=3)
    right.axvline(0.0, color="0.5", lw=1.0)
    right.set_yticks(positions, [f"{loss:.4g}" for loss in table["test_loss"]])
    right.set_xlabel("difference from the best method (± paired SE)")
    right.set_ylabel(f"mean held-out {choice.loss}")
    return axes
