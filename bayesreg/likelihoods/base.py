"""The likelihood protocol: what a likelihood owns, so that priors, the model, the MAP and the conversions
need no knowledge of any one family.

A likelihood of a generalized linear model relates ``y_i`` to the linear predictor
``eta_i = b0 + x_i' beta`` through its inverse link, ``E[y_i] = h(eta_i)``. Its negative log density is

.. math::

    -\\log p(y \\mid \\eta) = \\frac{1}{\\phi} \\sum_i L(y_i, \\eta_i) + \\text{const},

with ``L`` the family's unit loss (``(y - eta)^2 / 2`` for the Gaussian, the log loss for the Bernoulli,
``exp(eta) - y eta`` for the Poisson) and ``phi`` its dispersion (``sigma^2``, 1, 1). The penalty conversions
(:mod:`bayesreg.conversions`) only need ``phi``, through its square root, :attr:`Likelihood.scale`: a
scikit-learn or glmnet strength on the mean loss ``(1/n) sum L`` becomes the prior weights
``l1 = n alpha rho / phi`` and ``l2 = n alpha (1 - rho) / (2 phi)``.

**Sample weights** multiply each observation's log density (frequency weights: a weight of 2 is the row
repeated), ``sum_i w_i log p(y_i | eta_i)``; the conversions' ``n`` is then ``sum_i w_i``, the normalization
scikit-learn and glmnet use. An **offset** is added to the linear predictor, ``eta_i = o_i + b0 + x_i' beta``
(a Poisson exposure ``E_i`` is the offset ``log E_i``).

A family declares whether it is a *location-scale* family (Gaussian): then the MAP solver may centre and
rescale ``y`` in its working coordinates, and the smooth part is quadratic (one Newton step is exact). For
the others ``y`` is left as it is and the proximal Newton steps are damped by a line search.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np
import pymc as pm

__all__ = ["Likelihood"]


class Likelihood(ABC):
    """A likelihood of ``y`` given the linear predictor ``eta``: the interface every family implements.

    Attributes
    ----------
    family : str
        glmnet's name of the family: ``"gaussian"``, ``"binomial"``, ``"poisson"``.
    link_name : str
        The link function (:meth:`link`): ``"identity"``, ``"logit"``, ``"log"``.
    location_scale : bool
        Whether ``y`` may be centred and rescaled with the model unchanged (Gaussian, Student-t).
    quadratic : bool
        Whether the smooth part of the negative log posterior is quadratic in the coefficients at a fixed scale
        (the Gaussian): then one Newton step is the exact MAP.
    """

    family: ClassVar[str]
    link_name: ClassVar[str]
    location_scale: ClassVar[bool] = False
    quadratic: ClassVar[bool] = False
    #: the fields whose values the model holds as ``pm.Data`` of the same name (a fixed ``sigma``, the scale of a
    #: free sigma's prior) when it holds them at all: they can change without recompiling the model, so only whether
    #: they are given is part of its :meth:`structure`
    data_fields: ClassVar[tuple[str, ...]] = ()

    @property
    def fixed_sigma(self) -> bool:
        """Whether every nuisance parameter is fixed (then the MAP equals a penalized fit)."""
        return True

    @property
    def sigma(self) -> float | None:
        """The fixed scale ``sqrt(phi)`` of the family, or None when it has a prior."""
        return 1.0

    @property
    def scale(self) -> float:
        """``sqrt(phi)``: the factor the penalty conversions divide by (``sigma`` for the Gaussian, 1 otherwise).

        Raises a ValueError when the scale is not fixed: a penalty strength then has no single prior twin.
        """
        if self.sigma is None:
            raise ValueError(
                f"the {self.family} likelihood has a free scale (sigma=None): a penalty strength corresponds to "
                "a prior only at a fixed sigma; give sigma"
            )
        return self.sigma

    @abstractmethod
    def check_y(
        self, y: np.ndarray, *, fit_intercept: bool = True, sample_weight: np.ndarray | None = None
    ) -> np.ndarray:
        """``y`` as a float array, or a ValueError naming ``y`` when the family cannot have produced it, or when the
        posterior would have no mode (judged on the rows of positive ``sample_weight``)."""

    @abstractmethod
    def mean(self, eta: np.ndarray) -> np.ndarray:
        """The inverse link: ``E[y | eta]``."""

    @abstractmethod
    def link(self, mu: float) -> float:
        """The link: the linear predictor whose mean is ``mu`` (the intercept-only fit of a canonical family is
        ``link(mean(y))``: where the MAP starts, and where ``lambda_max`` is measured)."""

    @abstractmethod
    def build_scale(self, *, y_scale: float):
        """Create the likelihood's scale in the current PyMC model (``"sigma"`` for the Gaussian) or return the
        constant 1; shrinkage priors scale the coefficients by it."""

    @abstractmethod
    def log_density(self, value, eta, scale):
        """The log density of each observation given its linear predictor, as a PyTensor expression."""

    @abstractmethod
    def draw(self, eta: np.ndarray, scale, rng: np.random.Generator, size=None) -> np.ndarray:
        """Draws of ``y`` given ``eta`` and the scale (numpy): the posterior predictive of a weighted model."""

    def build_observed(self, eta, y, scale, *, weights=None, dims=None):
        """Create the observed variable ``"y_obs"`` in the current model; with ``weights`` (a tensor of shape
        (n,)) its log density is ``sum_i w_i log p(y_i | eta_i)`` and its predictive draws those of the family."""
        if weights is None:
            return self._build_unweighted(eta, y, scale, dims=dims)
        return pm.CustomDist(
            "y_obs",
            eta,
            scale,
            weights,
            logp=self._weighted_log_density,
            random=self._draw,
            observed=y,
            dims=dims,
            dtype="float64",
        )

    def _build_unweighted(self, eta, y, scale, *, dims=None):
        """The observed variable without weights: the family's own PyMC distribution where it has one."""
        return pm.CustomDist(
            "y_obs", eta, scale, logp=self.log_density, random=self._draw, observed=y, dims=dims, dtype="float64"
        )

    def _weighted_log_density(self, value, eta, scale, weights):
        return weights * self.log_density(value, eta, scale)

    def _draw(self, eta, scale, *weights, rng=None, size=None):
        """CustomDist's ``random``: the family's draws (weights, when given, do not change a single draw)."""
        return self.draw(eta, scale, np.random.default_rng() if rng is None else rng, size=size)

    def structure(self) -> tuple:
        """What of this likelihood shapes the graph it builds (the MAP's compiled functions are shared by models of
        one structure): its class and its fields, of the :attr:`data_fields` only whether they are given.

        A likelihood that is not a dataclass is its own structure (shared only with itself)."""
        if not dataclasses.is_dataclass(self):
            return (type(self), id(self))
        return (type(self),) + tuple(
            (f.name, getattr(self, f.name) is None if f.name in self.data_fields else getattr(self, f.name))
            for f in dataclasses.fields(self)
        )

    def recession_signs(self, y: np.ndarray) -> np.ndarray | None:
        """Signs ``s_i`` such that a direction ``d`` of flat-prior coefficients with ``s_i a_i' d >= 0`` (and
        ``a_i' d = 0`` where ``s_i = 0``), positive somewhere, improves the log-likelihood without limit
        (:mod:`bayesreg.likelihoods._recession`); None (the default) for a family whose log-likelihood tends to
        minus infinity along every direction that changes the fit (Gaussian, Student-t)."""
        return None

    def recession_message(self, signs: np.ndarray) -> str:
        """What the coefficients do along a direction of :meth:`recession_signs`, for an error message."""
        return "improve the fit without limit"

    def majorizing_curvature(self, value, eta, scale):
        """A positive curvature per observation (PyTensor) for the MAP's Newton steps where the density's own
        ``-d^2 log p / d eta^2`` can be negative (a density that is not log-concave); None (the default) uses the
        density's own."""
        return None

    def working(self, y_scale: float, *, default_prior_scale: float = 1.0) -> Likelihood:
        """The same likelihood for ``y / y_scale`` (the MAP's working coordinates); only a location-scale family
        can be rescaled, the others keep ``y`` as it is (``y_scale`` 1). ``default_prior_scale``: the scale a
        free nuisance parameter's prior takes from the data, in ``y``'s units."""
        if y_scale != 1.0:
            raise ValueError(f"the {self.family} likelihood cannot be rescaled (y_scale={y_scale!r})")
        return self
