"""bayesreg: regression penalties as priors, fitted in PyMC, checked against scikit-learn.

L2 (ridge) is a Gaussian prior, L1 (lasso) a Laplace prior, the elastic net their product.

The names below are imported on first use (PEP 562), so ``import bayesreg`` and the ``bayesreg``
command start without loading PyMC; ``bayesreg.BayesianRegression`` and
``from bayesreg import BayesianRegression`` work as usual.
"""

import importlib
import sys
import types

#: public name -> the module that defines it
_EXPORTS = {
    "Comparison": "bayesreg.compare",
    "compare": "bayesreg.compare",
    "EvidenceResult": "bayesreg.empirical_bayes",
    "evidence_ridge": "bayesreg.empirical_bayes",
    "BayesianRegression": "bayesreg.estimators",
    "GibbsResult": "bayesreg.gibbs",
    "McemResult": "bayesreg.gibbs",
    "mcem_bayesian_lasso": "bayesreg.gibbs",
    "sample_bayesian_lasso_gibbs": "bayesreg.gibbs",
    "MapResult": "bayesreg.map",
    "find_map": "bayesreg.map",
    "build_model": "bayesreg.model",
    "alpha_grid": "bayesreg.paths",
    "map_path": "bayesreg.paths",
    "BayesianPath": "bayesreg.posterior_path",
    "bayesian_path": "bayesreg.posterior_path",
    "PosteriorVsPenalty": "bayesreg.posterior_vs_penalty",
    "posterior_vs_penalty": "bayesreg.posterior_vs_penalty",
    "ElasticNet": "bayesreg.priors",
    "Laplace": "bayesreg.priors",
    "Normal": "bayesreg.priors",
    "Prior": "bayesreg.priors",
    "equal_variance_priors": "bayesreg.priors",
    "from_glmnet": "bayesreg.priors",
    "glmnet_y_scale": "bayesreg.conversions",
    "from_sklearn": "bayesreg.priors",
    "prior_from_weights": "bayesreg.priors",
    "Diagnostics": "bayesreg.sampling",
    "SamplingWarning": "bayesreg.sampling",
    "BayesianElasticNet": "bayesreg.shrinkage",
    "BayesianLasso": "bayesreg.shrinkage",
    "HierarchicalNormal": "bayesreg.shrinkage",
    "Horseshoe": "bayesreg.shrinkage",
    "RegularizedHorseshoe": "bayesreg.shrinkage",
    "ShrinkagePrior": "bayesreg.shrinkage",
}
_SUBMODULES = ("datasets", "plots")

__version__ = "0.1.0"

__all__ = [
    "BayesianElasticNet",
    "BayesianLasso",
    "BayesianPath",
    "BayesianRegression",
    "Comparison",
    "Diagnostics",
    "ElasticNet",
    "EvidenceResult",
    "GibbsResult",
    "HierarchicalNormal",
    "Horseshoe",
    "Laplace",
    "MapResult",
    "McemResult",
    "Normal",
    "PosteriorVsPenalty",
    "Prior",
    "RegularizedHorseshoe",
    "SamplingWarning",
    "ShrinkagePrior",
    "alpha_grid",
    "bayesian_path",
    "build_model",
    "compare",
    "datasets",
    "equal_variance_priors",
    "evidence_ridge",
    "find_map",
    "from_glmnet",
    "from_sklearn",
    "glmnet_y_scale",
    "map_path",
    "mcem_bayesian_lasso",
    "posterior_vs_penalty",
    "prior_from_weights",
    "sample_bayesian_lasso_gibbs",
]


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"bayesreg.{name}")
    raise AttributeError(f"module 'bayesreg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_SUBMODULES))


class _Package(types.ModuleType):
    """The package's module type: importing ``bayesreg.compare`` (the module) must not hide ``bayesreg.compare``
    (the function) -- the import system sets the submodule as an attribute of the package."""

    def __setattr__(self, name: str, value) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return  # the submodule stays reachable through sys.modules and ``from bayesreg.compare import ...``
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
