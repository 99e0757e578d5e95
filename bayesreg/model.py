"""Build the PyMC model of a penalized regression: data, prior, likelihood.

The description (a :class:`~bayesreg.priors.Prior`, a likelihood, the data) stays apart from the
PyMC code; :func:`build_model` turns it into a ``pm.Model`` and keeps handles on the pieces the
MAP solver and the estimators need.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pymc as pm
from pytensor.tensor.variable import TensorVariable

from bayesreg.data.design import robust_std
from bayesreg.likelihoods import Likelihood
from bayesreg.priors import BasePrior, Prior

__all__ = ["RegressionModel", "build_model", "default_sigma_prior_scale"]

COEF = "beta"
INTERCEPT = "intercept"


@dataclass
class RegressionModel:
    """A built model and the handles on its parts.

    Attributes
    ----------
    model : pm.Model
        ``y ~ likelihood(intercept + X @ beta)``, ``beta_j ~ prior``, flat prior on the intercept.
        ``X`` and ``y`` are ``pm.Data`` (``"X"``, ``"y"``), as are the prior's parameters
        (``"beta_scale"``, ...) and a fixed ``"sigma"``.
    sigma : TensorVariable
        The likelihood's scale (:meth:`~bayesreg.likelihoods.Likelihood.build_scale`): ``sigma`` for the
        Gaussian, the constant 1 for the Bernoulli and Poisson likelihoods.
    """

    model: pm.Model
    prior: BasePrior
    likelihood: Likelihood
    beta: TensorVariable
    intercept: TensorVariable | None
    sigma: TensorVariable
    eta: TensorVariable
    observed: TensorVariable
    feature_names: list[str]

    @property
    def X(self) -> np.ndarray:
        return self.model["X"].get_value()

    @property
    def y(self) -> np.ndarray:
        return self.model["y"].get_value()

    @property
    def fit_intercept(self) -> bool:
        return self.intercept is not None

    def set_prior(self, prior: Prior) -> None:
        """Swap in a prior of the same class with other parameters (no rebuild, no recompile)."""
        if type(prior) is not type(self.prior):
            raise TypeError(f"prior must be a {type(self.prior).__name__} to reuse this model, got {prior!r}")
        prior.set_data(COEF, self.model)
        self.prior = prior


def default_sigma_prior_scale(y: np.ndarray) -> float:
    """Scale of the default ``HalfNormal`` prior on sigma: the (population) sd of ``y``, or 1 for a constant ``y``."""
    return robust_std(y) or 1.0


def build_model(
    X: np.ndarray,
    y: np.ndarray,
    prior: BasePrior,
    *,
    likelihood: Likelihood,
    fit_intercept: bool = True,
    feature_names=None,
) -> RegressionModel:
    """Build the PyMC model for already validated float arrays ``X`` (n, p) and ``y`` (n,)."""
    y = likelihood.check_y(y, fit_intercept=fit_intercept)
    n, p = X.shape
    names = [f"x{j}" for j in range(p)] if feature_names is None else [str(f) for f in feature_names]
    coords = {"feature": names, "obs_id": np.arange(n)}
    with pm.Model(coords=coords) as model:
        X_data = pm.Data("X", X, dims=("obs_id", "feature"))
        y_data = pm.Data("y", y, dims="obs_id")
        sigma = likelihood.build_scale(y_scale=default_sigma_prior_scale(y))
        beta = prior.build(COEF, dims="feature", sigma=sigma, n_obs=n)
        eta = X_data @ beta
        intercept = None
        if fit_intercept:
            intercept = pm.Flat(INTERCEPT)
            eta = intercept + eta
        observed = likelihood.build_observed(eta, y_data, sigma, dims="obs_id")
    return RegressionModel(
        model=model,
        prior=prior,
        likelihood=likelihood,
        beta=beta,
        intercept=intercept,
        sigma=sigma,
        eta=eta,
        observed=observed,
        feature_names=names,
    )
