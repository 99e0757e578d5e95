"""Analyses built on fits: MAP vs penalty comparisons, the posterior against the penalty, Bayesian paths."""
