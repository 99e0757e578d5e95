"""bayesreg: regression penalties as priors, fitted in PyMC, checked against scikit-learn.

L2 (ridge) is a Gaussian prior, L1 (lasso) a Laplace prior, the elastic net their product.
"""

from bayesreg import datasets
from bayesreg.compare import Comparison, compare
from bayesreg.estimators import BayesianRegression
from bayesreg.map import MapResult, find_map
from bayesreg.model import build_model
from bayesreg.paths import alpha_grid, map_path
from bayesreg.priors import ElasticNet, Laplace, Normal, Prior, from_glmnet, from_sklearn, prior_from_weights

__version__ = "0.1.0"

__all__ = [
    "BayesianRegression",
    "Comparison",
    "ElasticNet",
    "Laplace",
    "MapResult",
    "Normal",
    "Prior",
    "alpha_grid",
    "build_model",
    "compare",
    "datasets",
    "find_map",
    "from_glmnet",
    "from_sklearn",
    "map_path",
    "prior_from_weights",
]
