"""The base classes of every prior on regression coefficients.

A prior is a small description object (in the spirit of pymc-extras' ``Prior``): it builds its
PyMC variable, and, for a penalty prior, knows its negative log density as a penalty and converts to
the penalty strengths of scikit-learn and glmnet (:mod:`bayesreg.conversions` has the rules).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np
import pymc as pm

from bayesreg.conversions import (
    GLMNET_FAMILIES,
    PenaltyWeights,
    enet_from_weights,
    glmnet_from_weights,
    glmnet_penalty_factor,
    logistic_from_weights,
)
from bayesreg.priors._densities import weights_log_normalizer, weights_logp

__all__ = ["BasePrior", "Prior", "check_prior"]


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

    def get_params(self, deep: bool = True) -> dict:
        """The constructor parameters, in scikit-learn's protocol: an estimator's ``prior__scale`` (and every other
        parameter of its prior) can be set by ``set_params``, tuned by ``GridSearchCV`` and cloned."""
        return self.params()

    def set_params(self, **params) -> BasePrior:
        """Change constructor parameters, checked exactly as the constructor checks them; returns ``self``.

        The prior is changed only when every value is valid (a ValueError or TypeError names the bad one).
        """
        unknown = sorted(set(params) - set(self._param_names))
        if unknown:
            raise ValueError(
                f"invalid parameter {unknown[0]!r} for prior {type(self).__name__}; valid parameters: "
                f"{list(self._param_names)}"
            )
        fresh = type(self)(**{**self.params(), **params})
        self.__dict__.update(fresh.__dict__)
        return self

    def __repr__(self) -> str:
        # a per-coefficient penalty factor is shown only when there is one
        shown = {key: value for key, value in self.params().items() if not (key == "penalty_factor" and value is None)}
        args = ", ".join(f"{key}={_short(value)}" for key, value in shown.items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.params() == other.params()

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(self.params().items())))


class Prior(BasePrior):
    """A penalty prior: independent across coefficients, ``-log p(b_j) = f_j (l1 |b_j| + l2 b_j^2) + c_j``.

    Its MAP is a penalized least-squares fit (scikit-learn's Ridge, Lasso or ElasticNet). The optional
    ``penalty_factor`` ``f`` (glmnet's ``penalty.factor``; default all 1, identical priors) scales coefficient
    ``j``'s penalty: its prior is the one with weights ``(f_j l1, f_j l2)`` (``Laplace(b / f_j)``,
    ``Normal(tau / sqrt(f_j))``), and ``f_j = 0`` leaves it unpenalized (a flat prior, like the intercept's).
    ``weights``, ``std()``, ``mass_near_zero()`` and the conversions' strengths describe a coefficient with
    ``f_j = 1``.
    """

    has_penalty_twin = True
    penalty_factor: tuple[float, ...] | None = None

    def factor(self, n_features: int) -> np.ndarray:
        """``f`` as an array of ``n_features`` (ones without a ``penalty_factor``); a ValueError naming
        ``penalty_factor`` when its length is not ``n_features``."""
        if self.penalty_factor is None:
            return np.ones(n_features)
        if len(self.penalty_factor) != n_features:
            raise ValueError(
                f"penalty_factor has {len(self.penalty_factor)} entries but the model has {n_features} coefficients "
                "(one factor per column of X)"
            )
        return np.asarray(self.penalty_factor, dtype=float)

    def _strength_names(self) -> tuple[str, ...]:
        """The scalar parameters (``pm.Data`` in a model): every parameter but the penalty factor."""
        return tuple(key for key in self._param_names if key != "penalty_factor")

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

    @abstractmethod
    def std(self) -> float:
        """The standard deviation of one coefficient under the prior, in closed form."""

    @abstractmethod
    def mass_near_zero(self, eps: float) -> float:
        """``P(|b| <= eps)`` for one coefficient under the prior, in closed form."""

    def penalty(self, beta) -> float:
        """The penalty ``sum_j f_j (l1 |beta_j| + l2 beta_j^2)`` (negative log prior up to a constant)."""
        beta = np.atleast_1d(np.asarray(beta, dtype=float))
        if self.penalty_factor is None:
            return self.weights.penalty(beta)
        w, f = self.weights, self.factor(beta.size)
        return float(f @ (w.l1 * np.abs(beta) + w.l2 * np.square(beta)))

    def neg_log_density(self, beta) -> float:
        """The exact negative log density of ``beta`` (all coefficients), constant included (an unpenalized
        coefficient's flat density counts as 1)."""
        beta = np.atleast_1d(np.asarray(beta, dtype=float))
        if self.penalty_factor is None:
            return self.penalty(beta) + beta.size * self.log_normalizer
        w = self.weights
        factors, counts = np.unique(self.factor(beta.size), return_counts=True)
        normalizers = sum(
            count * weights_log_normalizer(f * w.l1, f * w.l2)
            for f, count in zip(factors, counts, strict=True)
            if f > 0
        )
        return self.penalty(beta) + normalizers

    def prox(self, v, step: float = 1.0):
        """Proximal operator of ``step * penalty``: ``argmin_b 1/2 (b - v)^2 + step penalty(b)``.

        Soft thresholding at ``step f_j l1`` followed by division by ``1 + 2 step f_j l2``; the
        result is exactly 0.0 where ``|v_j| <= step f_j l1``.
        """
        v = np.asarray(v, dtype=float)
        w = self.weights
        f = 1.0 if self.penalty_factor is None else self.factor(v.size).reshape(v.shape)
        shrunk = np.sign(v) * np.maximum(np.abs(v) - step * f * w.l1, 0.0)
        return shrunk / (1.0 + 2.0 * step * f * w.l2)

    def data_names(self, name: str) -> dict[str, str]:
        """Names of the ``pm.Data`` containers holding this prior's scalar parameters in a model."""
        return {key: f"{name}_{key}" for key in self._strength_names()}

    def build(self, name: str, *, dims=None, shape=None, sigma=None, n_obs: int | None = None):
        """Create this prior as a PyMC variable inside the current model context.

        The parameters become ``pm.Data`` containers named ``{name}_{param}`` (and the penalty factor
        ``{name}_penalty_factor``), so the strength can change (:meth:`set_data`) without recompiling anything.
        ``sigma`` and ``n_obs`` are not used: a penalty prior does not scale with the noise.
        """
        params = {
            key: pm.Data(data_name, float(getattr(self, key))) for key, data_name in self.data_names(name).items()
        }
        if self.penalty_factor is None:
            return self._pymc_variable(name, params, dims=dims, shape=shape)
        factor = pm.Data(f"{name}_penalty_factor", np.asarray(self.penalty_factor, dtype=float), dims=dims)
        return pm.CustomDist(
            name, factor, *params.values(), logp=self._factor_logp, dims=dims, shape=shape, dtype="float64"
        )

    def _factor_logp(self, value, factor, *params):
        """Each coefficient's log density with weights ``(f_j l1, f_j l2)``, 0 (flat) where ``f_j = 0``."""
        import pytensor.tensor as pt

        named = dict(zip(self._strength_names(), params, strict=True))
        l1, l2 = self._symbolic_weights(named)
        safe = pt.switch(factor > 0, factor, 1.0)  # no 0 * inf in the branch that is not taken, nor its gradient
        return pt.switch(factor > 0, weights_logp(value, safe * l1, safe * l2, self.weights), 0.0)

    @abstractmethod
    def _symbolic_weights(self, params: dict):
        """``(l1, l2)`` as PyTensor expressions of the ``pm.Data`` parameters (0 where the prior has none)."""

    def set_data(self, name: str, model: pm.Model) -> None:
        """Put this prior's parameter values into a model built by another prior of its class (and the same
        penalty factor, or none in both)."""
        values = {data_name: float(getattr(self, key)) for key, data_name in self.data_names(name).items()}
        has_factor = f"{name}_penalty_factor" in model.named_vars
        if has_factor != (self.penalty_factor is not None):
            raise TypeError(
                f"prior {self!r}: the model was built {'with' if has_factor else 'without'} a penalty_factor"
            )
        if has_factor:
            values[f"{name}_penalty_factor"] = np.asarray(self.penalty_factor, dtype=float)
        pm.set_data(values, model=model)

    def to_sklearn(self, *, sigma: float | None = None, n_samples: int | None = None, family: str = "gaussian"):
        """The scikit-learn estimator whose objective this prior's MAP minimizes (unfitted).

        ``family`` (glmnet's names) picks the likelihood:

        * ``"gaussian"`` (``sigma`` and ``n_samples`` required): ``ElasticNet(alpha, l1_ratio)`` with
          ``alpha = sigma^2 (l1 + 2 l2) / n`` and ``l1_ratio = l1 / (l1 + 2 l2)``; ``Normal`` and ``Laplace``
          give ``Ridge`` and ``Lasso``;
        * ``"binomial"``: ``LogisticRegression(C = 1 / (l1 + 2 l2), l1_ratio)`` (its data term is a sum: no
          ``n``), with ``solver="saga"`` when there is an L1 part (the solvers of an L2 penalty do not take one),
          ``"newton-cholesky"`` otherwise (it reaches round-off; with thousands of features ``"lbfgs"`` is lighter);
        * ``"poisson"`` (``n_samples`` required): ``PoissonRegressor(alpha = 2 l2 / n)``; only for a prior
          without an L1 part, as ``PoissonRegressor`` has only an L2 penalty (glmnet's poisson family has both:
          :meth:`to_glmnet`).
        """
        if self.penalty_factor is not None and any(f != 1.0 for f in self.penalty_factor):
            raise ValueError(
                f"{self!r}: scikit-learn's penalized estimators penalize every coefficient alike; a prior with a "
                "penalty_factor has a penalized twin in glmnet only (to_glmnet, with penalty.factor)"
            )
        if family == "gaussian":
            if sigma is None:
                raise TypeError("sigma is required for the gaussian family (the fixed noise scale of the likelihood)")
            return self._to_sklearn_gaussian(sigma=sigma, n_samples=n_samples)
        if sigma is not None:
            raise TypeError(f"sigma: the {family} family has no noise scale (its dispersion is 1); leave sigma out")
        if family == "binomial":
            from sklearn.linear_model import LogisticRegression

            C, l1_ratio = logistic_from_weights(self.weights)
            return LogisticRegression(C=C, l1_ratio=l1_ratio, solver="saga" if l1_ratio > 0 else "newton-cholesky")
        if family == "poisson":
            from sklearn.linear_model import PoissonRegressor

            if self.weights.l1 != 0:
                raise ValueError(
                    f"family='poisson': PoissonRegressor has only an L2 penalty, and {self!r} has an L1 part; "
                    "use to_glmnet(family='poisson', n_samples=n)"
                )
            alpha, _ = enet_from_weights(self.weights, sigma=1.0, n_samples=_needed_n(n_samples, "PoissonRegressor"))
            return PoissonRegressor(alpha=alpha)
        raise ValueError(f"family must be one of {GLMNET_FAMILIES}, got {family!r}")

    def _to_sklearn_gaussian(self, *, sigma: float, n_samples: int | None):
        from sklearn.linear_model import ElasticNet as SkElasticNet

        alpha, l1_ratio = enet_from_weights(self.weights, sigma=sigma, n_samples=_needed_n(n_samples, "ElasticNet"))
        return SkElasticNet(alpha=alpha, l1_ratio=l1_ratio)

    def to_glmnet(
        self, *, sigma: float | None = None, n_samples: int, y_sd: float | None = None, family: str = "gaussian"
    ) -> tuple[float, float]:
        """glmnet's gaussian ``(lambda, alpha)`` whose fit this prior's MAP is (the inverse of :func:`from_glmnet`).

        glmnet divides y by its scale ``s_y`` before fitting, so in the units of y it minimizes
        ``1/(2n) RSS + lambda alpha ||w||_1 + lambda (1 - alpha)/(2 s_y) ||w||^2``:
        ``lambda = sigma^2 (l1 + 2 s_y l2) / n`` and ``alpha = l1 / (l1 + 2 s_y l2)``
        (:func:`bayesreg.conversions.glmnet_from_weights`). For glmnet's ``standardize=TRUE`` the
        MAP to compare with is ``BayesianRegression(prior, standardize=True)``.

        Parameters
        ----------
        sigma : float
            Fixed noise standard deviation.
        n_samples : int
        y_sd : float or None
            ``s_y``: the 1/n standard deviation of the y given to glmnet, ``sqrt(mean(y^2))``
            with ``intercept=FALSE`` (:func:`bayesreg.conversions.glmnet_y_scale`). Required when
            the prior has an L2 part (Normal, ElasticNet); not needed for Laplace (``alpha = 1``).
        family : {"gaussian", "binomial", "poisson"}
            glmnet's family; ``binomial`` and ``poisson`` take neither ``sigma`` nor ``y_sd``:
            ``lambda = (l1 + 2 l2) / n``.

        With a ``penalty_factor``, give glmnet the same ``penalty.factor``: glmnet rescales it to sum to the
        number of columns ``p``, and the ``lambda`` returned is for that, ``lambda sum(f) / p``
        (:func:`bayesreg.conversions.glmnet_penalty_factor`).
        """
        lambda_, alpha = glmnet_from_weights(self.weights, sigma=sigma, n_samples=n_samples, y_sd=y_sd, family=family)
        if self.penalty_factor is None:
            return lambda_, alpha
        _, lambda_scale = glmnet_penalty_factor(self.penalty_factor)
        return lambda_ * lambda_scale, alpha


def _short(value) -> str:
    """A parameter as ``repr`` shows it: floats to 6 significant digits (``Laplace(scale=5.65685)``)."""
    if isinstance(value, float):
        return repr(float(format(value, ".6g")))
    if isinstance(value, tuple):
        inner = ", ".join(_short(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def check_penalty_factor(penalty_factor) -> tuple[float, ...] | None:
    """``penalty_factor`` as a tuple of finite non-negative floats, not all 0 (None stays None)."""
    if penalty_factor is None:
        return None
    values = np.asarray(penalty_factor)
    if values.dtype.kind not in "biuf" or values.dtype.kind == "b":
        raise TypeError(f"penalty_factor must be a sequence of non-negative numbers, got {penalty_factor!r}")
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"penalty_factor must be a non-empty 1-d sequence (one factor per column), got {penalty_factor!r}"
        )
    values = values.astype(float)
    bad = ~(np.isfinite(values) & (values >= 0))
    if np.any(bad):
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(f"penalty_factor must be finite and >= 0, got {float(values[first])!r} at position {first}")
    if not np.any(values > 0):
        raise ValueError("penalty_factor: every factor is 0, so no coefficient has a prior (an improper posterior)")
    if isinstance(penalty_factor, tuple) and all(type(v) is float for v in penalty_factor):
        return penalty_factor  # kept as given: scikit-learn's clone checks that a parameter is stored unchanged
    return tuple(float(v) for v in values)


def _needed_n(n_samples: int | None, estimator: str) -> int:
    if n_samples is None:
        raise TypeError(f"n_samples is required to convert to {estimator} (its data term is divided by n)")
    return n_samples


def check_prior(prior) -> BasePrior:
    """Return ``prior`` if it is a bayesreg prior, else raise a TypeError naming the argument."""
    if not isinstance(prior, BasePrior):
        raise TypeError(
            f"prior must be a bayesreg prior such as bayesreg.Laplace(1.0), got {type(prior).__name__}: {prior!r}"
        )
    return prior
