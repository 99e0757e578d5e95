"""Figures: the textbook pictures of penalties as priors, and posterior plots.

The matplotlib functions take an optional ``ax`` and return the Axes they drew on;
:func:`plot_prior_posterior` is ArviZ's and returns its ``PlotCollection``. None of them
shows a window or changes global matplotlib state: they work under the Agg backend.
"""

from bayesreg.viz.classification import plot_coefficient_posterior, plot_probability_intervals
from bayesreg.viz.posterior import (
    equal_variance_priors,
    plot_bayesian_path,
    plot_forest,
    plot_laplace_vs_gaussian_posterior,
    plot_prior_posterior,
)
from bayesreg.viz.selection import plot_selection_path
from bayesreg.viz.strength import plot_penalty_choice, plot_strength_curve
from bayesreg.viz.textbook import plot_penalty_1d, plot_penalty_2d, plot_prior_densities

__all__ = [
    "equal_variance_priors",
    "plot_bayesian_path",
    "plot_coefficient_posterior",
    "plot_forest",
    "plot_laplace_vs_gaussian_posterior",
    "plot_prior_posterior",
    "plot_penalty_1d",
    "plot_penalty_2d",
    "plot_prior_densities",
    "plot_probability_intervals",
    "plot_penalty_choice",
    "plot_selection_path",
    "plot_strength_curve",
]
