"""Exact MAP: the active-set solver of the quadratic + L1 subproblem, the MAP with its certificate,
and warm-started paths."""
