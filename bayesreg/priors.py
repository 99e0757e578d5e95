"""Priors on regression coefficients, each the Bayesian twin of a penalty.

A prior is a small description object (in the spirit of pymc-extras' ``Prior``): it builds its
PyMC variable, knows its negative log density as a penalty and converts to and from the penalty
strengths of scikit-learn and glmnet. Every prior here has a negative log density of the form
``l1 |b| + l2 b^2 + const`` per coefficient; the scaling rules are in
:mod:`bayesreg.conversions`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np
import pymc as pm
import pytensor.tensor as pt
from scipy import special, stats

from bayesreg.conversions import (
    PenaltyWeights,
    check_l1_ratio,
    check_positive,
    enet_from_weights,
    ridge_from_weights,
    weights_from_enet,
    weights_from_ridge,
)

__all__ = [
    "BasePrior",
    "Prior",
    "Normal",
    "Laplace",
    "ElasticNet",
    "prior_class",
    "prior_from_weights",
    "from_sklearn",
    "from_glmnet",
    "equal_variance_priors",
]


class BasePrior(ABC):
    """A prior on the coefficient vector, described by a few constructor parameters.

    Subclasses list their parameters in ``_param_names``; equality, hashing and ``repr`` follow
    from them. :meth:`build` creates the coefficients as a PyMC variable named ``name`` in the
    current model; priors that scale with the noise (Park & Casella's Bayesian lasso, the
    horseshoe) receive the model's ``sigma`` there.
    """

    #: names of the constructor parameters, in order
    _param_names: tuple[str, ...] = ()
    #: the prior on the noise scale this prior is defined with (``"halfnormal"`` or ``"jeffreys"``,
    #: i.e. ``p(sigma^2) proportional to 1 / sigma^2``) when the likelihood does not fix sigma
    sigma_prior: str = "halfnormal"
    #: NUTS step-size adaptation target this prior samples well with
    target_accept: float = 0.8
    #: whether the prior is exactly a penalty (its MAP is a penalized fit)
    has_penalty_twin: bool = False

    def params(self) -> dict:
        """The constructor parameters as a dict."""
        return {key: getattr(self, key) for key in self._param_names}

    @abstractmethod
    def build(self, name: str, *, dims=None, shape=None, sigma=None, n_obs: int | None = None):
        """Create the coefficients as a PyMC variable named ``name`` in the current model.

        ``sigma`` is the model's noise scale (a tensor) and ``n_obs`` the number of observations;
        priors that do not depend on them ignore them.
        """

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self.params().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.params() == other.params()

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(self.params().items())))


class Prior(BasePrior):
    """A penalty prior: independent and identical across coefficients, ``-log p = l1 |b| + l2 b^2 + c``.

    Its MAP is a penalized least-squares fit (scikit-learn's Ridge, Lasso or ElasticNet).
    """

    has_penalty_twin = True

    @property
    @abstractmethod
    def weights(self) -> PenaltyWeights:
        """Weights ``(l1, l2)`` of ``-log p(b) = l1 |b| + l2 b^2 + log_normalizer``."""

    @property
    @abstractmethod
    def log_normalizer(self) -> float:
        """``log Z`` with ``Z = integral of exp(-l1 |b| - l2 b^2) db``."""

    @abstractmethod
    def _pymc_variable(self, name, params, **kwargs):
        """Create the PyMC variable from the (``pm.Data``) parameters."""

    def penalty(self, beta) -> float:
        """The penalty ``l1 ||beta||_1 + l2 ||beta||_2^2`` (negative log prior up to a constant)."""
        return self.weights.penalty(beta)

    def neg_log_density(self, beta) -> float:
        """The exact negative log density of ``beta`` (all coefficients), constant included."""
        beta = np.atleast_1d(np.asarray(beta, dtype=float))
        return self.penalty(beta) + beta.size * self.log_normalizer

    def prox(self, v, step: float = 1.0):
        """Proximal operator of ``step * penalty``: ``argmin_b 1/2 (b - v)^2 + step penalty(b)``.

        Soft thresholding at ``step * l1`` followed by division by ``1 + 2 step l2``; the
        result is exactly 0.0 where ``|v| <= step l1``.
        """
        v = np.asarray(v, dtype=float)
        w = self.weights
        shrunk = np.sign(v) * np.maximum(np.abs(v) - step * w.l1, 0.0)
        return shrunk / (1.0 + 2.0 * step * w.l2)

    def data_names(self, name: str) -> dict[str, str]:
        """Names of the ``pm.Data`` containers holding this prior's parameters in a model."""
        return {key: f"{name}_{key}" for key in self._param_names}

    def build(self, name: str, *, dims=None, shape=None, sigma=None, n_obs: int | None = None):
        """Create this prior as a PyMC variable inside the current model context.

        The parameters become ``pm.Data`` containers named ``{name}_{param}``, so the strength
        can change (:meth:`set_data`) without recompiling anything. ``sigma`` and ``n_obs`` are
        not used: a penalty prior does not scale with the noise.
        """
        params = {
            key: pm.Data(data_name, float(getattr(self, key))) for key, data_name in self.data_names(name).items()
        }
        return self._pymc_variable(name, params, dims=dims, shape=shape)

    def set_data(self, name: str, model: pm.Model) -> None:
        """Put this prior's parameter values into a model built by another prior of its class."""
        pm.set_data(
            {data_name: float(getattr(self, key)) for key, data_name in self.data_names(name).items()},
            model=model,
        )

    def to_sklearn(self, *, sigma: float, n_samples: int):
        """The scikit-learn estimator whose objective this prior's MAP minimizes (unfitted)."""
        from sklearn.linear_model import ElasticNet as SkElasticNet

        alpha, l1_ratio = enet_from_weights(self.weights, sigma=sigma, n_samples=n_samples)
        return SkElasticNet(alpha=alpha, l1_ratio=l1_ratio)

    def to_glmnet(self, *, sigma: float, n_samples: int) -> tuple[float, float]:
        """glmnet's ``(lambda, alpha)`` (gaussian family, ``standardize=FALSE``).

        glmnet minimizes ``1/(2n) RSS + lambda [(1 - alpha)/2 ||w||^2 + alpha ||w||_1]``, the
        objective of scikit-learn's ``ElasticNet(alpha=lambda, l1_ratio=alpha)``.
        """
        return enet_from_weights(self.weights, sigma=sigma, n_samples=n_samples)


class Normal(Prior):
    """Gaussian prior ``b ~ Normal(0, scale)``: the Bayesian twin of ridge (L2).

    ``-log p(b) = b^2 / (2 scale^2) + log(sqrt(2 pi) scale)``. With noise scale ``sigma``,
    its MAP is scikit-learn's ``Ridge(alpha=sigma^2 / scale^2)``, which minimizes
    ``||y - Xw||^2 + alpha ||w||^2``.

    Parameters
    ----------
    scale : float
        Standard deviation ``tau > 0`` of each coefficient.
    """

    _param_names = ("scale",)

    def __init__(self, scale: float):
        self.scale = check_positive(scale, "scale")

    @property
    def weights(self) -> PenaltyWeights:
        return PenaltyWeights(0.0, 1.0 / (2.0 * self.scale**2))

    @property
    def log_normalizer(self) -> float:
        return float(np.log(np.sqrt(2.0 * np.pi) * self.scale))

    def _pymc_variable(self, name, params, **kwargs):
        return pm.Normal(name, mu=0.0, sigma=params["scale"], **kwargs)

    def to_sklearn(self, *, sigma: float, n_samples: int | None = None):
        """scikit-learn ``Ridge(alpha = sigma^2 / scale^2)`` (``n_samples`` plays no role)."""
        from sklearn.linear_model import Ridge

        return Ridge(alpha=ridge_from_weights(self.weights, sigma=sigma))


class Laplace(Prior):
    """Laplace prior ``b ~ Laplace(0, scale)``: the Bayesian twin of the lasso (L1).

    ``-log p(b) = |b| / scale + log(2 scale)``. With noise scale ``sigma`` and ``n`` samples,
    its MAP is scikit-learn's ``Lasso(alpha = sigma^2 / (n scale))``, which minimizes
    ``1/(2n) ||y - Xw||^2 + alpha ||w||_1``.

    Parameters
    ----------
    scale : float
        Scale ``b > 0`` (the standard deviation is ``sqrt(2) b``).
    """

    _param_names = ("scale",)

    def __init__(self, scale: float):
        self.scale = check_positive(scale, "scale")

    @property
    def weights(self) -> PenaltyWeights:
        return PenaltyWeights(1.0 / self.scale, 0.0)

    @property
    def log_normalizer(self) -> float:
        return float(np.log(2.0 * self.scale))

    def _pymc_variable(self, name, params, **kwargs):
        return pm.Laplace(name, mu=0.0, b=params["scale"], **kwargs)

    def to_sklearn(self, *, sigma: float, n_samples: int):
        """scikit-learn ``Lasso(alpha = sigma^2 / (n_samples scale))``."""
        from sklearn.linear_model import Lasso

        alpha, _ = enet_from_weights(self.weights, sigma=sigma, n_samples=n_samples)
        return Lasso(alpha=alpha)


def _enet_logp(value, l1, l2):
    log_z = 0.5 * pt.log(np.pi / l2) + pt.log(pt.erfcx(l1 / (2.0 * pt.sqrt(l2))))
    return -l1 * pt.abs(value) - l2 * pt.square(value) - log_z


def _enet_random(l1, l2, rng=None, size=None):
    # |b| is a Normal(-l1 / (2 l2), 1 / sqrt(2 l2)) truncated to b > 0; the sign is a coin flip.
    loc = -l1 / (2.0 * l2)
    scale = 1.0 / np.sqrt(2.0 * l2)
    magnitude = stats.truncnorm.rvs(-loc / scale, np.inf, loc=loc, scale=scale, size=size, random_state=rng)
    return np.where(rng.random(size=size) < 0.5, -magnitude, magnitude)


class ElasticNet(Prior):
    """Elastic-net prior, density proportional to ``exp(-l1 |b| - l2 b^2)``.

    Its normalizing constant is ``Z = sqrt(pi / l2) erfcx(l1 / (2 sqrt(l2)))``. With noise scale
    ``sigma`` and ``n`` samples, its MAP is scikit-learn's ``ElasticNet(alpha, l1_ratio)``
    minimizing ``1/(2n) ||y - Xw||^2 + alpha rho ||w||_1 + alpha (1 - rho)/2 ||w||^2`` with
    ``alpha rho = sigma^2 l1 / n`` and ``alpha (1 - rho) = 2 sigma^2 l2 / n``.

    Parameters
    ----------
    l1, l2 : float
        Both > 0 (with ``l2 = 0`` use :class:`Laplace`, with ``l1 = 0`` :class:`Normal`).
    """

    _param_names = ("l1", "l2")

    def __init__(self, l1: float, l2: float):
        self.l1 = check_positive(l1, "l1")
        self.l2 = check_positive(l2, "l2")

    @property
    def weights(self) -> PenaltyWeights:
        return PenaltyWeights(self.l1, self.l2)

    @property
    def log_normalizer(self) -> float:
        return float(0.5 * np.log(np.pi / self.l2) + np.log(special.erfcx(self.l1 / (2.0 * np.sqrt(self.l2)))))

    def _pymc_variable(self, name, params, **kwargs):
        return pm.CustomDist(name, params["l1"], params["l2"], logp=_enet_logp, random=_enet_random, **kwargs)


def prior_class(name: str) -> type[BasePrior]:
    """The prior class called ``name`` (penalty or hierarchical), for reading saved estimators."""
    from bayesreg import shrinkage

    classes = {cls.__name__: cls for cls in (Normal, Laplace, ElasticNet)}
    classes.update({key: getattr(shrinkage, key) for key in shrinkage.__all__ if key != "ShrinkagePrior"})
    if name not in classes:
        raise ValueError(f"unknown prior class {name!r}; known: {sorted(classes)}")
    return classes[name]


def prior_from_weights(weights: PenaltyWeights) -> Prior:
    """The prior with these weights: :class:`Normal`, :class:`Laplace` or :class:`ElasticNet`."""
    if weights.l1 == 0:
        return Normal(scale=1.0 / np.sqrt(2.0 * weights.l2))
    if weights.l2 == 0:
        return Laplace(scale=1.0 / weights.l1)
    return ElasticNet(weights.l1, weights.l2)


def _estimator_alpha(estimator, name: str) -> float:
    fitted = getattr(estimator, "alpha_", None)
    alpha = fitted if fitted is not None else getattr(estimator, "alpha", None)
    alpha = np.asarray(alpha, dtype=float)
    if alpha.size != 1:
        raise ValueError(f"estimator: {name} with one alpha per target is not supported, got alpha={alpha!r}")
    return float(alpha.reshape(()))


def from_sklearn(estimator, *, sigma: float, n_samples: int | None = None) -> Prior:
    """The prior whose MAP (noise scale ``sigma``) equals a scikit-learn penalized fit.

    Parameters
    ----------
    estimator : Ridge, Lasso, ElasticNet, RidgeCV, LassoCV or ElasticNetCV
        Fitted or not. For the ``*CV`` classes it must be fitted (its ``alpha_`` is used).
    sigma : float
        The fixed noise standard deviation of the Gaussian likelihood.
    n_samples : int
        Number of training samples (required for ``Lasso`` / ``ElasticNet``, whose data term
        is divided by ``n``; ignored for ``Ridge``).

    Returns
    -------
    Prior
        ``Ridge(alpha)`` gives ``Normal(sigma / sqrt(alpha))``; ``Lasso(alpha)`` gives
        ``Laplace(sigma^2 / (n alpha))``; ``ElasticNet(alpha, l1_ratio)`` gives
        ``ElasticNet(l1 = n alpha rho / sigma^2, l2 = n alpha (1 - rho) / (2 sigma^2))``, or
        ``Laplace`` / ``Normal`` when ``l1_ratio`` is 1 / 0.
    """
    from sklearn import linear_model as lm

    check_positive(sigma, "sigma")
    if isinstance(estimator, lm.MultiTaskElasticNet):  # subclasses ElasticNet, but an L2,1 penalty
        raise TypeError(
            f"estimator must be a single-target Ridge, Lasso or ElasticNet, got {type(estimator).__name__} "
            "(its L2,1 penalty couples the targets: no independent prior per coefficient)"
        )
    if getattr(estimator, "positive", False):
        raise ValueError("estimator: positive=True (a non-negativity constraint) has no prior twin here")
    if isinstance(estimator, lm.Ridge | lm.RidgeCV):
        if isinstance(estimator, lm.RidgeCV) and not hasattr(estimator, "alpha_"):
            raise ValueError("estimator: RidgeCV must be fitted first (its alpha_ is used)")
        alpha = _estimator_alpha(estimator, type(estimator).__name__)
        return prior_from_weights(weights_from_ridge(alpha, sigma=sigma))
    if isinstance(estimator, lm.Lasso | lm.ElasticNet | lm.LassoCV | lm.ElasticNetCV):
        name = type(estimator).__name__
        if name.endswith("CV") and not hasattr(estimator, "alpha_"):
            raise ValueError(f"estimator: {name} must be fitted first (its alpha_ is used)")
        if n_samples is None:
            raise TypeError(f"n_samples is required to convert {name} (its data term is divided by n)")
        if isinstance(estimator, lm.Lasso | lm.LassoCV):
            l1_ratio = 1.0
        else:
            l1_ratio = getattr(estimator, "l1_ratio_", estimator.l1_ratio)
        if np.ndim(l1_ratio) != 0:
            raise ValueError(f"estimator: {name} must be fitted to convert a list of l1_ratio values")
        alpha = _estimator_alpha(estimator, name)
        return prior_from_weights(weights_from_enet(alpha, l1_ratio, sigma=sigma, n_samples=n_samples))
    raise TypeError(
        "estimator must be a scikit-learn Ridge, Lasso, ElasticNet (or their CV variants, fitted), "
        f"got {type(estimator).__name__}"
    )


def from_glmnet(lambda_: float, alpha: float = 1.0, *, sigma: float, n_samples: int) -> Prior:
    """The prior matching glmnet's gaussian fit with ``lambda`` and mixing ``alpha``.

    glmnet minimizes ``1/(2n) RSS + lambda [(1 - alpha)/2 ||w||^2 + alpha ||w||_1]``, which is
    scikit-learn's ``ElasticNet(alpha=lambda, l1_ratio=alpha)``. With glmnet's default
    ``standardize=TRUE`` the penalty acts on ``sd_j * w_j`` (population sd): use the returned prior
    with ``BayesianRegression(..., standardize=True)``, or divide its scale by ``sd_j`` per column.
    """
    lambda_ = check_positive(lambda_, "lambda_")
    alpha = check_l1_ratio(alpha, "alpha")
    return prior_from_weights(weights_from_enet(lambda_, alpha, sigma=sigma, n_samples=n_samples))


def equal_variance_priors(variance: float) -> tuple[Laplace, Normal]:
    """A Laplace and a Gaussian prior with the same variance ``v``: ``Laplace(sqrt(v / 2))``, ``Normal(sqrt(v))``.

    The Laplace(0, b) variance is ``2 b^2``, the Normal(0, tau) variance ``tau^2``.
    """
    variance = check_positive(variance, "variance")
    return Laplace(np.sqrt(variance / 2.0)), Normal(np.sqrt(variance))
