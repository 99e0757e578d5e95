"""bayesreg: regression penalties as priors, fitted in PyMC, checked against scikit-learn.

L2 (ridge) is a Gaussian prior, L1 (lasso) a Laplace prior, the elastic net their product.

The names below are imported on first use (PEP 562), so ``import bayesreg`` and the ``bayesreg``
command start without loading PyMC; ``bayesreg.BayesianRegression`` and
``from bayesreg import BayesianRegression`` work as usual.
"""

import importlib

from bayesreg._version import __version__ as __version__

#: public name -> the module that defines it
_EXPORTS = {
    "Comparison": "bayesreg.analysis.compare",
    "PenaltyChoice": "bayesreg.analysis.choose",
    "choose_penalty": "bayesreg.analysis.choose",
    "PosteriorRanking": "bayesreg.analysis.selection",
    "SelectionPath": "bayesreg.analysis.selection",
    "decoupled_selection": "bayesreg.analysis.selection",
    "posterior_ranking": "bayesreg.analysis.selection",
    "compare": "bayesreg.analysis.compare",
    "EvidenceResult": "bayesreg.inference.empirical_bayes",
    "evidence_ridge": "bayesreg.inference.empirical_bayes",
    "BayesianRegression": "bayesreg.estimators.regression",
    "BayesianRegressionCV": "bayesreg.estimators.cv",
    "BayesianLogisticRegressionCV": "bayesreg.estimators.cv",
    "BayesianPoissonRegressorCV": "bayesreg.estimators.cv",
    "StrengthCurve": "bayesreg.estimators.cv",
    "BayesianLogisticRegression": "bayesreg.estimators.classification",
    "BayesianPoissonRegressor": "bayesreg.estimators.counts",
    "Bernoulli": "bayesreg.likelihoods",
    "Gaussian": "bayesreg.likelihoods",
    "Poisson": "bayesreg.likelihoods",
    "StudentT": "bayesreg.likelihoods",
    "GibbsResult": "bayesreg.inference.gibbs",
    "McemResult": "bayesreg.inference.gibbs",
    "mcem_bayesian_lasso": "bayesreg.inference.gibbs",
    "sample_bayesian_lasso_gibbs": "bayesreg.inference.gibbs",
    "MapResult": "bayesreg.optimize.map",
    "find_map": "bayesreg.optimize.map",
    "build_model": "bayesreg.model",
    "alpha_grid": "bayesreg.optimize.paths",
    "map_path": "bayesreg.optimize.paths",
    "BayesianPath": "bayesreg.analysis.posterior_path",
    "bayesian_path": "bayesreg.analysis.posterior_path",
    "PosteriorVsPenalty": "bayesreg.analysis.posterior_vs_penalty",
    "posterior_vs_penalty": "bayesreg.analysis.posterior_vs_penalty",
    "ElasticNet": "bayesreg.priors",
    "Laplace": "bayesreg.priors",
    "Normal": "bayesreg.priors",
    "Prior": "bayesreg.priors",
    "equal_variance_priors": "bayesreg.priors",
    "from_glmnet": "bayesreg.priors",
    "glmnet_y_scale": "bayesreg.conversions",
    "from_sklearn": "bayesreg.priors",
    "prior_from_weights": "bayesreg.priors",
    "Diagnostics": "bayesreg.inference.sampling",
    "SamplingWarning": "bayesreg.inference.sampling",
    "BayesianElasticNet": "bayesreg.priors.shrinkage",
    "BayesianLasso": "bayesreg.priors.shrinkage",
    "HierarchicalNormal": "bayesreg.priors.shrinkage",
    "Horseshoe": "bayesreg.priors.shrinkage",
    "HorseshoePlus": "bayesreg.priors.shrinkage",
    "RegularizedHorseshoe": "bayesreg.priors.shrinkage",
    "ShrinkagePrior": "bayesreg.priors.shrinkage",
}
#: public submodules: ``bayesreg.datasets`` and ``bayesreg.plots`` (attributes, imported on first use)
_SUBMODULES = {"datasets": "bayesreg.data.datasets", "plots": "bayesreg.viz"}


__all__ = [
    "BayesianElasticNet",
    "BayesianLasso",
    "BayesianLogisticRegression",
    "BayesianLogisticRegressionCV",
    "BayesianPath",
    "BayesianPoissonRegressor",
    "BayesianPoissonRegressorCV",
    "BayesianRegression",
    "BayesianRegressionCV",
    "Comparison",
    "Diagnostics",
    "Bernoulli",
    "ElasticNet",
    "EvidenceResult",
    "Gaussian",
    "GibbsResult",
    "HierarchicalNormal",
    "Horseshoe",
    "HorseshoePlus",
    "Laplace",
    "MapResult",
    "McemResult",
    "Normal",
    "PenaltyChoice",
    "Poisson",
    "PosteriorRanking",
    "PosteriorVsPenalty",
    "Prior",
    "RegularizedHorseshoe",
    "SamplingWarning",
    "SelectionPath",
    "ShrinkagePrior",
    "StrengthCurve",
    "StudentT",
    "alpha_grid",
    "bayesian_path",
    "build_model",
    "choose_penalty",
    "compare",
    "datasets",
    "decoupled_selection",
    "equal_variance_priors",
    "evidence_ridge",
    "find_map",
    "from_glmnet",
    "from_sklearn",
    "glmnet_y_scale",
    "map_path",
    "mcem_bayesian_lasso",
    "posterior_ranking",
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
        value = importlib.import_module(_SUBMODULES[name])
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bayesreg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_SUBMODULES))
