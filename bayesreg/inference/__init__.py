"""Posterior inference: NUTS through PyMC and its diagnostics, the Bayesian lasso's Gibbs sampler
and MCEM, and the evidence (empirical Bayes) of ridge."""
