"""bayesreg: regression penalties as priors, fitted in PyMC, checked against scikit-learn.

L2 (ridge) is a Gaussian prior, L1 (lasso) a Laplace prior, the elastic net their product.
"""

from bayesreg import datasets
from bayesreg.compare import Comparison, compare
from bayesreg.empirical_bayes import EvidenceResult, evidence_ridge
from bayesreg.estimators import BayesianRegression
from bayesreg.gibbs import GibbsResult, McemResult, mcem_bayesian_lasso, sample_bayesian_lasso_gibbs
from bayesreg.map import MapResult, find_map
from bayesreg.model import build_model
from bayesreg.paths import alpha_grid, map_path
from bayesreg.posterior_path import BayesianPath, bayesian_path
from bayesreg.posterior_vs_penalty import PosteriorVsPenalty, posterior_vs_penalty
from bayesreg.priors import (
    ElasticNet,
    Laplace,
    Normal,
    Prior,
    equal_variance_priors,
    from_glmnet,
    from_sklearn,
    prior_from_weights,
)
from bayesreg.sampling import Diagnostics, SamplingWarning
from bayesreg.shrinkage import (
    BayesianElasticNet,
    BayesianLasso,
    HierarchicalNormal,
    Horseshoe,
    RegularizedHorseshoe,
    ShrinkagePrior,
)

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
    "map_path",
    "mcem_bayesian_lasso",
    "posterior_vs_penalty",
    "prior_from_weights",
    "sample_bayesian_lasso_gibbs",
]


def __getattr__(name: str):
    # bayesreg.plots imports matplotlib: loaded on first use, so `br.plots` works after `import bayesreg as br`
    if name == "plots":
        import importlib

        return importlib.import_module("bayesreg.plots")
    raise AttributeError(f"module 'bayesreg' has no attribute {name!r}")
