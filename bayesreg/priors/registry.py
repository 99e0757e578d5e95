"""Every prior class by name (penalty and hierarchical), for reading saved estimators."""

from __future__ import annotations

from bayesreg.priors.base import BasePrior
from bayesreg.priors.penalty import ElasticNet, Laplace, Normal
from bayesreg.priors.shrinkage import (
    BayesianElasticNet,
    BayesianLasso,
    HierarchicalNormal,
    Horseshoe,
    HorseshoePlus,
    RegularizedHorseshoe,
)

__all__ = ["prior_class"]


def prior_class(name: str) -> type[BasePrior]:
    """The prior class called ``name`` (penalty or hierarchical), for reading saved estimators."""
    classes = {
        cls.__name__: cls
        for cls in (
            Normal,
            Laplace,
            ElasticNet,
            BayesianLasso,
            BayesianElasticNet,
            HierarchicalNormal,
            Horseshoe,
            HorseshoePlus,
            RegularizedHorseshoe,
        )
    }
    if name not in classes:
        raise ValueError(f"unknown prior class {name!r}; known: {sorted(classes)}")
    return classes[name]
