"""Priors on regression coefficients: penalty priors (each the Bayesian twin of a penalty) and
hierarchical shrinkage priors whose strength is learned.

* :mod:`~bayesreg.priors.base`: ``BasePrior`` and ``Prior`` (a penalty prior: weights, prox, conversions);
* :mod:`~bayesreg.priors.penalty`: ``Normal`` (L2), ``Laplace`` (L1), ``ElasticNet``;
* :mod:`~bayesreg.priors.shrinkage`: the Bayesian lasso and elastic net, horseshoes, a hierarchical Normal;
* :mod:`~bayesreg.priors.from_penalty`: priors from scikit-learn estimators and glmnet's strengths;
* :mod:`~bayesreg.priors.registry`: every prior class by name.
"""

from bayesreg.priors.base import BasePrior, Prior, check_prior
from bayesreg.priors.from_penalty import from_glmnet, from_sklearn
from bayesreg.priors.penalty import ElasticNet, Laplace, Normal, equal_variance_priors, prior_from_weights
from bayesreg.priors.registry import prior_class
from bayesreg.priors.shrinkage import (
    BayesianElasticNet,
    BayesianLasso,
    HierarchicalNormal,
    Horseshoe,
    HorseshoePlus,
    RegularizedHorseshoe,
    ShrinkagePrior,
)

__all__ = [
    "BasePrior",
    "BayesianElasticNet",
    "BayesianLasso",
    "ElasticNet",
    "HierarchicalNormal",
    "Horseshoe",
    "HorseshoePlus",
    "Laplace",
    "Normal",
    "Prior",
    "RegularizedHorseshoe",
    "ShrinkagePrior",
    "check_prior",
    "equal_variance_priors",
    "from_glmnet",
    "from_sklearn",
    "prior_class",
    "prior_from_weights",
]
