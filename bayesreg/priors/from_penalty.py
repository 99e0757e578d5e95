"""Priors from the penalty strengths of scikit-learn estimators and glmnet (the rules are in
:mod:`bayesreg.conversions`)."""

from __future__ import annotations

import numpy as np

from bayesreg._validation import check_positive
from bayesreg.conversions import (
    glmnet_penalty_factor,
    weights_from_enet,
    weights_from_glmnet,
    weights_from_logistic,
    weights_from_ridge,
)
from bayesreg.priors.base import Prior, check_penalty_factor
from bayesreg.priors.penalty import prior_from_weights

__all__ = ["from_sklearn", "from_glmnet"]


def _prior_for_strength(make_weights, context: str) -> Prior:
    """``prior_from_weights(make_weights())``; a prior that does not fit in double precision is
    reported as a problem of the strength ``context`` names (not of the derived scale)."""
    weights = make_weights()
    try:
        return prior_from_weights(weights)
    except ValueError as exc:
        raise ValueError(f"{context} gives {weights}, whose prior is not representable: {exc}") from None


def _estimator_alpha(estimator, name: str) -> float:
    fitted = getattr(estimator, "alpha_", None)
    alpha = fitted if fitted is not None else getattr(estimator, "alpha", None)
    alpha = np.asarray(alpha, dtype=float)
    if alpha.size != 1:
        raise ValueError(f"estimator: {name} with one alpha per target is not supported, got alpha={alpha!r}")
    return float(alpha.reshape(()))


def from_sklearn(estimator, *, sigma: float | None = None, n_samples: int | None = None) -> Prior:
    """The prior whose MAP equals a scikit-learn penalized fit (for a Gaussian likelihood: at noise scale ``sigma``).

    Parameters
    ----------
    estimator : scikit-learn estimator
        ``Ridge``, ``Lasso``, ``ElasticNet``, ``RidgeCV``, ``LassoCV``, ``ElasticNetCV``, ``LogisticRegression``,
        ``LogisticRegressionCV`` or ``PoissonRegressor``; fitted or not. For the ``*CV`` classes it must be
        fitted (its ``alpha_``, or for ``LogisticRegressionCV`` its ``C_`` and ``l1_ratio_``, are used).
    sigma : float
        The fixed noise standard deviation of the Gaussian likelihood: required for the regressions of
        least squares, not given for ``LogisticRegression`` and ``PoissonRegressor`` (dispersion 1).
    n_samples : int
        Number of training samples (required for ``Lasso`` / ``ElasticNet`` / ``PoissonRegressor``, whose
        data term is divided by ``n``; ignored for ``Ridge`` and ``LogisticRegression``, whose is a sum).

    Returns
    -------
    Prior
        ``Ridge(alpha)`` gives ``Normal(sigma / sqrt(alpha))``; ``Lasso(alpha)`` gives
        ``Laplace(sigma^2 / (n alpha))``; ``ElasticNet(alpha, l1_ratio)`` gives
        ``ElasticNet(l1 = n alpha rho / sigma^2, l2 = n alpha (1 - rho) / (2 sigma^2))``, or
        ``Laplace`` / ``Normal`` when ``l1_ratio`` is 1 / 0. ``LogisticRegression(C, l1_ratio)`` (binary, its
        objective ``C sum logloss + l1_ratio ||w||_1 + (1 - l1_ratio) / 2 ||w||^2``) gives
        ``l1 = l1_ratio / C``, ``l2 = (1 - l1_ratio) / (2 C)``: ``Normal(sqrt(C))`` or ``Laplace(C)`` at the
        ends. ``PoissonRegressor(alpha)`` (mean half deviance ``+ alpha / 2 ||w||^2``) gives
        ``Normal(1 / sqrt(n alpha))``.

    Raises
    ------
    ValueError
        Naming ``alpha`` when the prior's penalty weights overflow or underflow (0 or subnormal),
        e.g. ``Lasso(alpha=1e-320)``.
    """
    from sklearn import linear_model as lm

    if isinstance(estimator, lm.LogisticRegression | lm.PoissonRegressor):
        return _from_glm(estimator, sigma=sigma, n_samples=n_samples)
    if not isinstance(estimator, lm.Ridge | lm.RidgeCV | lm.Lasso | lm.ElasticNet | lm.LassoCV | lm.ElasticNetCV):
        raise TypeError(_UNSUPPORTED.format(name=type(estimator).__name__))
    if sigma is None:
        raise TypeError(f"sigma is required to convert {type(estimator).__name__} (the fixed noise scale)")
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
        return _prior_for_strength(lambda: weights_from_ridge(alpha, sigma=sigma), f"alpha={alpha!r}")
    # Lasso, ElasticNet and their CV variants
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
    return _prior_for_strength(
        lambda: weights_from_enet(alpha, l1_ratio, sigma=sigma, n_samples=n_samples), f"alpha={alpha!r}"
    )


_UNSUPPORTED = (
    "estimator must be a scikit-learn Ridge, Lasso, ElasticNet (or their CV variants, fitted), "
    "LogisticRegression (or LogisticRegressionCV, fitted) or PoissonRegressor, got {name}"
)


def _logistic_l1_ratio(estimator) -> float:
    """The effective ``l1_ratio`` of a ``LogisticRegression``: from the deprecated ``penalty`` when it is set."""
    penalty = getattr(estimator, "penalty", "deprecated")
    if penalty in ("deprecated", "elasticnet"):
        return estimator.l1_ratio if estimator.l1_ratio is not None else 0.0
    if penalty == "l1":
        return 1.0
    if penalty == "l2":
        return 0.0
    raise ValueError(f"estimator: LogisticRegression(penalty={penalty!r}) is not penalized: it has no prior twin")


def _from_glm(estimator, *, sigma, n_samples) -> Prior:
    from sklearn import linear_model as lm

    name = type(estimator).__name__
    if sigma is not None:
        raise TypeError(f"sigma: {name}'s likelihood has no noise scale (its dispersion is 1); leave sigma out")
    if isinstance(estimator, lm.PoissonRegressor):
        alpha = float(estimator.alpha)
        if alpha == 0:
            raise ValueError("estimator: PoissonRegressor(alpha=0) is not penalized: it has no prior twin")
        if n_samples is None:
            raise TypeError("n_samples is required to convert PoissonRegressor (its data term is divided by n)")
        return _prior_for_strength(
            lambda: weights_from_enet(alpha, 0.0, sigma=1.0, n_samples=n_samples), f"alpha={alpha!r}"
        )
    if getattr(estimator, "class_weight", None) is not None:
        raise ValueError("estimator: class_weight reweights the data term; it has no prior twin here")
    if getattr(estimator, "solver", None) == "liblinear" and estimator.fit_intercept:
        raise ValueError(
            "estimator: solver='liblinear' penalizes the intercept (as a coefficient of a constant column), "
            "while the prior twin's intercept is flat; use another solver"
        )
    classes = getattr(estimator, "classes_", None)
    if classes is not None and len(classes) > 2:
        raise ValueError(f"estimator: {len(classes)} classes; only a binary LogisticRegression has a prior twin here")
    if isinstance(estimator, lm.LogisticRegressionCV):
        if not hasattr(estimator, "C_"):
            raise ValueError("estimator: LogisticRegressionCV must be fitted first (its C_ and l1_ratio_ are used)")
        C = float(np.asarray(estimator.C_, dtype=float).reshape(-1)[0])
        l1_ratio = float(np.asarray(estimator.l1_ratio_, dtype=float).reshape(-1)[0])
        if np.isnan(l1_ratio):  # no l1_ratios searched: the penalty it was given (L2 by default)
            l1_ratio = {"l1": 1.0}.get(getattr(estimator, "penalty", "deprecated"), 0.0)
        return _prior_for_strength(lambda: weights_from_logistic(C, l1_ratio), f"C_={C!r}")
    C = float(estimator.C)
    if C == np.inf:
        raise ValueError("estimator: LogisticRegression(C=inf) is not penalized: it has no prior twin")
    l1_ratio = _logistic_l1_ratio(estimator)
    return _prior_for_strength(lambda: weights_from_logistic(C, l1_ratio), f"C={C!r}")


def from_glmnet(
    lambda_: float,
    alpha: float = 1.0,
    *,
    sigma: float | None = None,
    n_samples: int,
    y_sd: float | None = None,
    family: str = "gaussian",
    penalty_factor=None,
) -> Prior:
    """The prior whose MAP (noise scale ``sigma``) is glmnet's gaussian fit at ``lambda`` and mixing ``alpha``.

    glmnet divides y by its scale ``s_y`` before fitting and reports coefficients in the units of
    y, where its objective is

    ``1/(2n) ||y - b0 - Xw||^2 + lambda alpha ||w||_1 + lambda (1 - alpha) / (2 s_y) ||w||^2``.

    The L1 part is scikit-learn's ``ElasticNet(alpha=lambda, l1_ratio=alpha)``, the L2 part is not
    (it carries ``1 / s_y``). So ``l1 = n lambda alpha / sigma^2`` and
    ``l2 = n lambda (1 - alpha) / (2 s_y sigma^2)`` (:func:`bayesreg.conversions.weights_from_glmnet`):
    ``alpha = 1`` gives ``Laplace(sigma^2 / (n lambda))``, ``alpha = 0`` a ``Normal``, otherwise an
    ``ElasticNet`` prior. Checked against R glmnet 4.1-6 on 24 paths (``tests/test_glmnet_reference.py``).

    Parameters
    ----------
    lambda_ : float
        glmnet's ``lambda`` (> 0).
    alpha : float in [0, 1], default 1
        glmnet's mixing parameter (1: lasso, 0: ridge).
    sigma : float
        The fixed noise standard deviation of the Gaussian likelihood.
    n_samples : int
        Number of observations given to glmnet.
    y_sd : float or None
        ``s_y``: the 1/n standard deviation of the y given to glmnet, ``sqrt(mean((y - mean(y))^2))``,
        or ``sqrt(mean(y^2))`` for ``intercept=FALSE``; :func:`bayesreg.conversions.glmnet_y_scale`
        computes it. Required when ``alpha < 1`` (TypeError saying why if missing); not needed for
        ``alpha = 1``.
    family : {"gaussian", "binomial", "poisson"}
        glmnet's family. ``binomial`` and ``poisson`` minimize ``-(1/n) loglik + lambda alpha ||w||_1 +
        lambda (1 - alpha) / 2 ||w||^2`` (dispersion 1, y not rescaled): ``l1 = n lambda alpha`` and
        ``l2 = n lambda (1 - alpha) / 2``; they take neither ``sigma`` nor ``y_sd``.
    penalty_factor : sequence of float >= 0, optional
        glmnet's ``penalty.factor``. glmnet rescales it to sum to the number of columns ``p`` before applying
        ``lambda``; the prior gets that rescaled factor, ``f p / sum(f)``
        (:func:`bayesreg.conversions.glmnet_penalty_factor`), 0 leaving a coefficient unpenalized.

    Notes
    -----
    With glmnet's default ``standardize=TRUE`` the penalty acts on ``sd_j w_j`` (``sd_j`` the 1/n
    standard deviation of column j, centred even with ``intercept=FALSE``): fit the returned prior
    with ``BayesianRegression(prior, sigma=sigma, standardize=True, fit_intercept=intercept)``, which
    uses the same convention. With ``standardize=FALSE`` use ``standardize=False``.

    Raises
    ------
    ValueError
        Bad values, and naming ``lambda_`` when the prior's weights overflow or underflow.
    """
    factor = None
    if penalty_factor is not None:
        factor, _ = glmnet_penalty_factor(check_penalty_factor(penalty_factor))
    prior = _prior_for_strength(
        lambda: weights_from_glmnet(lambda_, alpha, sigma=sigma, n_samples=n_samples, y_sd=y_sd, family=family),
        f"lambda_={lambda_!r}",
    )
    return prior if factor is None else prior.set_params(penalty_factor=factor)
