"""The one place where every penalty <-> prior scaling rule lives.

Every prior bayesreg knows for a coefficient has a negative log density of the form

.. math::

    -\\log p(\\beta_j) = \\ell_1 |\\beta_j| + \\ell_2 \\beta_j^2 + \\text{const},

so a prior is described here by its two *penalty weights* ``(l1, l2)``:

* ``Normal(0, tau)``: ``l1 = 0``, ``l2 = 1 / (2 tau^2)``;
* ``Laplace(0, b)``: ``l1 = 1 / b``, ``l2 = 0``;
* the elastic-net prior: ``l1`` and ``l2`` as given.

With a Gaussian likelihood of fixed noise scale ``sigma``, ``n`` samples and a flat prior on
the intercept, the negative log posterior is

.. math::

    \\frac{1}{2\\sigma^2}\\|y - b_0 - Xw\\|^2 + \\ell_1\\|w\\|_1 + \\ell_2\\|w\\|_2^2 .

Multiplying by ``sigma^2 / n`` gives scikit-learn's ``ElasticNet`` objective

.. math::

    \\frac{1}{2n}\\|y - b_0 - Xw\\|^2 + \\alpha\\rho\\|w\\|_1 + \\frac{\\alpha(1-\\rho)}{2}\\|w\\|_2^2

with ``alpha * rho = sigma^2 l1 / n`` and ``alpha * (1 - rho) = 2 sigma^2 l2 / n``; ``Lasso``
is the case ``rho = 1``. Multiplying by ``2 sigma^2`` instead gives ``Ridge``'s objective
``||y - b0 - Xw||^2 + alpha ||w||^2`` with ``alpha = 2 sigma^2 l2 = sigma^2 / tau^2``.

glmnet (gaussian family) is *not* ``ElasticNet`` with ``alpha = lambda`` unless its mixing
parameter ``a`` is 1. It divides y by its own scale ``s_y`` before fitting and returns the
coefficients in the units of y, so in those units it minimizes

.. math::

    \\frac{1}{2n}\\|y - b_0 - Xw\\|^2 + \\lambda a\\|w\\|_1 + \\frac{\\lambda(1-a)}{2 s_y}\\|w\\|_2^2 ,

where ``s_y`` is the 1/n standard deviation of y, ``sqrt(mean((y - mean(y))^2))``, with an
intercept, and ``sqrt(mean(y^2))`` with ``intercept=FALSE`` (:func:`glmnet_y_scale`; measured
against R glmnet 4.1-6, ``tests/test_glmnet_reference.py``). Multiplying by ``n / sigma^2``:

.. math::

    \\ell_1 = \\frac{n\\lambda a}{\\sigma^2}, \\qquad \\ell_2 = \\frac{n\\lambda(1-a)}{2 s_y\\sigma^2},
    \\qquad\\text{and back}\\qquad
    \\lambda = \\frac{\\sigma^2(\\ell_1 + 2 s_y\\ell_2)}{n}, \\quad a = \\frac{\\ell_1}{\\ell_1 + 2 s_y\\ell_2}.

The L1 part is scikit-learn's ``alpha rho``; the L2 part carries the extra ``1 / s_y``, so
``s_y`` is needed whenever ``a < 1``. With ``standardize=TRUE`` glmnet penalizes ``sd_j w_j``
(``sd_j`` the 1/n standard deviation of column j, centred even with ``intercept=FALSE``, where
the column itself is not centred): that is ``BayesianRegression(..., standardize=True)``.

Every weight a rule produces must be 0 (where the rule says so) or a finite, *normal* double:
a strength whose weights overflow, or underflow to 0 or into the subnormal range, describes no
prior that double precision can hold, and is refused with a ValueError naming the strength.

Every function below is one of these identities; the tests derive each again from the
objective values of both fits, and the glmnet rule from R glmnet's own paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bayesreg._validation import check_l1_ratio, check_n_samples, check_normal_float, check_positive

_TINY = float(np.finfo(float).tiny)  # the smallest normal double

__all__ = [
    "PenaltyWeights",
    "weights_from_enet",
    "weights_from_enet_path",
    "enet_from_weights",
    "weights_from_ridge",
    "weights_from_ridge_path",
    "ridge_from_weights",
    "weights_from_glmnet",
    "glmnet_from_weights",
    "glmnet_y_scale",
    "weights_from_logistic",
    "logistic_from_weights",
    "GLMNET_FAMILIES",
]


@dataclass(frozen=True)
class PenaltyWeights:
    """Weights of ``-log p(b) = l1 |b| + l2 b^2 + const`` for one coefficient.

    Each weight is 0 or a finite normal double (not both 0).
    """

    l1: float
    l2: float

    def __post_init__(self):
        for key in ("l1", "l2"):
            if check_positive(getattr(self, key), key, allow_zero=True) != 0:
                check_normal_float(getattr(self, key), key)
        if self.l1 == 0 and self.l2 == 0:
            raise ValueError("l1 and l2 cannot both be 0: that is a flat (improper) prior")

    @classmethod
    def _checked(cls, l1: float, l2: float) -> PenaltyWeights:
        """Weights already checked (by :func:`_path_weights`): the same object, without checking them again."""
        weights = object.__new__(cls)
        object.__setattr__(weights, "l1", l1)
        object.__setattr__(weights, "l2", l2)
        return weights

    def penalty(self, beta) -> float:
        """``l1 ||beta||_1 + l2 ||beta||_2^2``."""
        beta = np.asarray(beta, dtype=float)
        return float(self.l1 * np.abs(beta).sum() + self.l2 * np.square(beta).sum())


def _derived(value, name: str, what: str) -> float:
    """A derived weight or strength: exactly 0 stays 0, anything else must be a normal double."""
    return 0.0 if value == 0 else check_normal_float(value, name, what=what)


def _product(*factors: float, divide: tuple[float, ...] = ()) -> float:
    """``prod(factors) / prod(divide)`` in float64, inf / 0 instead of exceptions (checked later)."""
    with np.errstate(all="ignore"):
        value = np.float64(1.0)
        for f in factors:
            value = value * np.float64(f)
        for d in divide:
            value = value / np.float64(d)
    return float(value)


def _products(*factors, divide: tuple[float, ...] = ()) -> np.ndarray:
    """:func:`_product` elementwise, a factor being a scalar or an array (the same operations in the same order,
    each exactly rounded: the same numbers)."""
    with np.errstate(all="ignore"):
        value = np.float64(1.0)
        for f in factors:
            value = value * np.asarray(f, dtype=np.float64)
        for d in divide:
            value = value / np.float64(d)
    return np.asarray(value, dtype=np.float64)


def _strengths(values, name: str) -> np.ndarray:
    """``values`` as a 1-D float array, each a finite positive real (else :func:`check_positive`'s error for the
    first that is not)."""
    arr = np.asarray(values)
    if not (arr.dtype.kind in "iuf" and np.all(np.isfinite(arr)) and np.all(arr > 0)):
        return np.array([check_positive(value, name) for value in arr.reshape(-1).tolist()], dtype=np.float64)
    return arr.astype(np.float64).reshape(-1)


def _path_weights(l1, l2, scalar_rule) -> list[PenaltyWeights]:
    """One :class:`PenaltyWeights` per strength from weights computed elementwise; where one is not 0 or a normal
    double, ``scalar_rule(k)`` (the rule for that strength alone) raises its error."""
    l1, l2 = np.broadcast_arrays(np.asarray(l1, dtype=np.float64), np.asarray(l2, dtype=np.float64))
    good = ((l1 == 0) | (np.isfinite(l1) & (l1 >= _TINY))) & ((l2 == 0) | (np.isfinite(l2) & (l2 >= _TINY)))
    good &= (l1 != 0) | (l2 != 0)
    if not good.all():
        scalar_rule(int(np.argmin(good)))
    return [PenaltyWeights._checked(a, b) for a, b in zip(l1.tolist(), l2.tolist(), strict=True)]


def weights_from_enet(alpha, l1_ratio, *, sigma, n_samples) -> PenaltyWeights:
    """Prior weights matching scikit-learn ``ElasticNet(alpha, l1_ratio)`` (``Lasso``: 1.0).

    ``l1 = n alpha rho / sigma^2`` and ``l2 = n alpha (1 - rho) / (2 sigma^2)``.

    Raises
    ------
    ValueError
        Naming ``alpha`` when a weight overflows or underflows (0 or subnormal).
    """
    alpha = check_positive(alpha, "alpha")
    rho = check_l1_ratio(l1_ratio)
    sigma = check_positive(sigma, "sigma")
    n = check_n_samples(n_samples)
    context = f"alpha={alpha!r} (l1_ratio={rho!r}, sigma={sigma!r}, n_samples={n})"
    l1 = 0.0 if rho == 0 else _product(n, alpha, rho, divide=(sigma, sigma))
    l2 = 0.0 if rho == 1 else _product(n, alpha, 1.0 - rho, divide=(2.0, sigma, sigma))
    return PenaltyWeights(
        _derived(l1, context, "l1 = n alpha rho / sigma^2"),
        _derived(l2, context, "l2 = n alpha (1 - rho) / (2 sigma^2)"),
    )


def weights_from_enet_path(alphas, l1_ratio, *, sigma, n_samples) -> list[PenaltyWeights]:
    """:func:`weights_from_enet` of each of ``alphas``: the same weights and the same errors, computed and checked
    for all at once (a 100-strength path in 0.1 ms rather than 2)."""
    alphas = _strengths(alphas, "alpha")
    rho = check_l1_ratio(l1_ratio)
    sigma = check_positive(sigma, "sigma")
    n = check_n_samples(n_samples)
    l1 = 0.0 if rho == 0 else _products(n, alphas, rho, divide=(sigma, sigma))
    l2 = 0.0 if rho == 1 else _products(n, alphas, 1.0 - rho, divide=(2.0, sigma, sigma))
    return _path_weights(l1, l2, lambda k: weights_from_enet(alphas[k], rho, sigma=sigma, n_samples=n))


def enet_from_weights(weights: PenaltyWeights, *, sigma, n_samples) -> tuple[float, float]:
    """scikit-learn ``(alpha, l1_ratio)`` of the ``ElasticNet`` objective matching a prior.

    ``alpha = sigma^2 (l1 + 2 l2) / n`` and ``l1_ratio = l1 / (l1 + 2 l2)``.
    """
    sigma = check_positive(sigma, "sigma")
    n = check_n_samples(n_samples)
    total = weights.l1 + 2.0 * weights.l2
    alpha = _product(sigma, sigma, total, divide=(n,))
    check_normal_float(alpha, f"sigma={sigma!r} (n_samples={n}, {weights})", what="alpha = sigma^2 (l1 + 2 l2) / n")
    return alpha, weights.l1 / total


def weights_from_ridge(alpha, *, sigma) -> PenaltyWeights:
    """Prior weights matching scikit-learn ``Ridge(alpha)``: ``l2 = alpha / (2 sigma^2)``."""
    alpha = check_positive(alpha, "alpha")
    sigma = check_positive(sigma, "sigma")
    l2 = _product(alpha, divide=(2.0, sigma, sigma))
    return PenaltyWeights(
        0.0, check_normal_float(l2, f"alpha={alpha!r} (sigma={sigma!r})", what="l2 = alpha / (2 sigma^2)")
    )


def weights_from_ridge_path(alphas, *, sigma) -> list[PenaltyWeights]:
    """:func:`weights_from_ridge` of each of ``alphas``: the same weights and errors, for all at once."""
    alphas = _strengths(alphas, "alpha")
    sigma = check_positive(sigma, "sigma")
    l2 = _products(alphas, divide=(2.0, sigma, sigma))
    return _path_weights(0.0, l2, lambda k: weights_from_ridge(alphas[k], sigma=sigma))


def ridge_from_weights(weights: PenaltyWeights, *, sigma) -> float:
    """scikit-learn ``Ridge`` alpha matching a Gaussian prior: ``alpha = 2 sigma^2 l2``."""
    if weights.l1 != 0:
        raise ValueError("only a prior without an L1 part (a Normal prior) matches Ridge")
    sigma = check_positive(sigma, "sigma")
    alpha = _product(2.0, sigma, sigma, weights.l2)
    return check_normal_float(alpha, f"sigma={sigma!r} ({weights})", what="alpha = 2 sigma^2 l2")


# --------------------------------------------------------------------------------------------
# scikit-learn's LogisticRegression (Bernoulli likelihood, dispersion 1)
# --------------------------------------------------------------------------------------------


def weights_from_logistic(C, l1_ratio=0.0) -> PenaltyWeights:
    """Prior weights matching scikit-learn ``LogisticRegression(C, l1_ratio)`` (binary).

    Its objective is ``C sum_i logloss_i + l1_ratio ||w||_1 + (1 - l1_ratio) / 2 ||w||^2`` (a sum, not a mean,
    and no ``n``); divided by ``C`` it is the negative log posterior, so ``l1 = l1_ratio / C`` and
    ``l2 = (1 - l1_ratio) / (2 C)``: ``Normal(sqrt(C))`` for L2, ``Laplace(C)`` for L1.

    Raises
    ------
    ValueError
        Naming ``C`` when a weight overflows or underflows (0 or subnormal); ``C = inf`` (no penalty) has
        no prior twin.
    """
    C = check_positive(C, "C")
    rho = check_l1_ratio(l1_ratio)
    context = f"C={C!r} (l1_ratio={rho!r})"
    l1 = 0.0 if rho == 0 else _product(rho, divide=(C,))
    l2 = 0.0 if rho == 1 else _product(1.0 - rho, divide=(2.0, C))
    return PenaltyWeights(
        _derived(l1, context, "l1 = l1_ratio / C"), _derived(l2, context, "l2 = (1 - l1_ratio) / (2 C)")
    )


def logistic_from_weights(weights: PenaltyWeights) -> tuple[float, float]:
    """scikit-learn ``LogisticRegression``'s ``(C, l1_ratio)`` matching a prior: ``C = 1 / (l1 + 2 l2)`` and
    ``l1_ratio = l1 / (l1 + 2 l2)``."""
    total = weights.l1 + 2.0 * weights.l2
    C = check_normal_float(_product(1.0, divide=(total,)), f"{weights}", what="C = 1 / (l1 + 2 l2)")
    return C, weights.l1 / total


# --------------------------------------------------------------------------------------------
# glmnet: the gaussian family (and, without s_y and sigma, the binomial and poisson families)
# --------------------------------------------------------------------------------------------

_Y_SD_WHY = (
    "glmnet divides y by its own scale s_y before fitting, so in the units of y its L2 penalty is "
    "lambda (1 - alpha) / (2 s_y) ||w||^2; pass y_sd=bayesreg.conversions.glmnet_y_scale(y, intercept=...) "
    "(the 1/n standard deviation of the y given to glmnet, sqrt(mean(y^2)) with intercept=FALSE)"
)


def glmnet_y_scale(y, *, intercept: bool = True) -> float:
    """The scale ``s_y`` by which glmnet's gaussian family divides ``y`` before fitting.

    ``sqrt(mean((y - mean(y))^2))`` (the 1/n standard deviation) with ``intercept=TRUE`` and
    ``sqrt(mean(y^2))`` with ``intercept=FALSE`` (unit observation weights). Measured against R
    glmnet 4.1-6 (``tests/test_glmnet_reference.py``): on its a = 0.5 paths the other choice is off by
    2-15% of the path's largest coefficient, this one by < 2e-8.

    Parameters
    ----------
    y : array-like (n_samples,)
        The response as given to glmnet.
    intercept : bool
        glmnet's ``intercept`` argument.
    """
    if not isinstance(intercept, bool | np.bool_):
        raise TypeError(f"intercept must be True or False, got {intercept!r}")
    y = np.asarray(y, dtype=float)
    if y.ndim != 1 or y.size < 1 or not np.all(np.isfinite(y)):
        raise ValueError(f"y must be a non-empty 1-d array of finite numbers, got shape {y.shape}")
    peak_y = float(np.max(np.abs(y)))
    centred = y - (y / peak_y).mean() * peak_y if intercept and peak_y > 0 else y  # no overflow in the sum
    peak = float(np.max(np.abs(centred)))
    # squares of values near 1e+-154 over- or underflow: the root mean square of centred / peak, times peak
    scale = peak * float(np.sqrt(np.mean((centred / peak) ** 2))) if peak > 0 else 0.0
    if not scale > 0:
        raise ValueError("y is constant (zero after centring): glmnet refuses it and s_y = 0 has no rule")
    return scale


#: glmnet's families with a prior twin here
GLMNET_FAMILIES = ("gaussian", "binomial", "poisson")


def _family_scales(family, sigma, y_sd) -> tuple[float, float | None]:
    """``(sigma, y_sd)`` of a glmnet family: the Gaussian's own (sigma required), 1 and 1 for the others
    (then neither may be given: they would mean nothing)."""
    if family not in GLMNET_FAMILIES:
        raise ValueError(f"family must be one of {GLMNET_FAMILIES}, got {family!r}")
    if family == "gaussian":
        if sigma is None:
            raise TypeError("sigma is required for the gaussian family (the fixed noise scale of the likelihood)")
        return check_positive(sigma, "sigma"), y_sd
    for name, value in (("sigma", sigma), ("y_sd", y_sd)):
        if value is not None:
            raise TypeError(f"{name}: the {family} family has no noise scale (its dispersion is 1); leave {name} out")
    return 1.0, 1.0


def _check_y_sd(y_sd, needed: bool, who: str) -> float | None:
    if y_sd is None:
        if needed:
            raise TypeError(f"y_sd is required {who}: {_Y_SD_WHY}")
        return None
    return check_positive(y_sd, "y_sd")


def weights_from_glmnet(
    lambda_, alpha=1.0, *, sigma=None, n_samples, y_sd=None, family: str = "gaussian"
) -> PenaltyWeights:
    """Prior weights matching glmnet's gaussian fit with ``lambda`` and mixing ``alpha`` (``a``).

    In the units of y glmnet minimizes ``1/(2n) RSS + lambda a ||w||_1 + lambda (1 - a)/(2 s_y) ||w||^2``,
    so ``l1 = n lambda a / sigma^2`` and ``l2 = n lambda (1 - a) / (2 s_y sigma^2)``.

    The ``binomial`` and ``poisson`` families minimize ``-(1/n) loglik + lambda a ||w||_1 + lambda (1 - a) / 2
    ||w||^2`` (y is not rescaled, the dispersion is 1): ``l1 = n lambda a`` and ``l2 = n lambda (1 - a) / 2``.

    Parameters
    ----------
    lambda_ : float
        glmnet's ``lambda`` (> 0).
    alpha : float in [0, 1]
        glmnet's mixing parameter (1: lasso, 0: ridge).
    sigma : float
        Fixed noise standard deviation of the Gaussian likelihood (gaussian family only).
    n_samples : int
    y_sd : float or None
        ``s_y``, glmnet's internal scale of y (:func:`glmnet_y_scale`). Required when ``alpha < 1``;
        ignored (but checked when given) for ``alpha == 1``, whose objective does not involve it
        (gaussian family only).
    family : {"gaussian", "binomial", "poisson"}

    Raises
    ------
    TypeError
        ``y_sd`` missing with ``alpha < 1``.
    ValueError
        Bad values; naming ``lambda_`` when a weight overflows or underflows (0 or subnormal).
    """
    lambda_ = check_positive(lambda_, "lambda_")
    a = check_l1_ratio(alpha, "alpha")
    sigma, y_sd = _family_scales(family, sigma, y_sd)
    n = check_n_samples(n_samples)
    if family == "gaussian":
        y_sd = _check_y_sd(y_sd, a < 1, "when alpha < 1")
    context = f"lambda_={lambda_!r} (alpha={a!r}, sigma={sigma!r}, n_samples={n}, y_sd={y_sd!r})"
    l1 = 0.0 if a == 0 else _product(n, lambda_, a, divide=(sigma, sigma))
    l2 = 0.0 if a == 1 else _product(n, lambda_, 1.0 - a, divide=(2.0, y_sd, sigma, sigma))
    return PenaltyWeights(
        _derived(l1, context, "l1 = n lambda alpha / sigma^2"),
        _derived(l2, context, "l2 = n lambda (1 - alpha) / (2 y_sd sigma^2)"),
    )


def glmnet_from_weights(
    weights: PenaltyWeights, *, sigma=None, n_samples, y_sd=None, family: str = "gaussian"
) -> tuple[float, float]:
    """glmnet's ``(lambda, alpha)`` matching a prior: the inverse of :func:`weights_from_glmnet`.

    gaussian: ``lambda = sigma^2 (l1 + 2 s_y l2) / n`` and ``alpha = l1 / (l1 + 2 s_y l2)``; ``y_sd`` (``s_y``)
    is required when ``l2 > 0`` (a Normal or elastic-net prior) and not needed for a Laplace prior.
    binomial and poisson: the same with ``sigma = s_y = 1``.
    """
    sigma, y_sd = _family_scales(family, sigma, y_sd)
    n = check_n_samples(n_samples)
    if family == "gaussian":
        y_sd = _check_y_sd(y_sd, weights.l2 > 0, "for a prior with an L2 part (Normal or ElasticNet)")
    l2_part = 0.0 if weights.l2 == 0 else _product(2.0, y_sd, weights.l2)
    total = weights.l1 + l2_part
    lambda_ = _product(sigma, sigma, total, divide=(n,))
    context = f"sigma={sigma!r} (n_samples={n}, y_sd={y_sd!r}, {weights})"
    check_normal_float(lambda_, context, what="lambda = sigma^2 (l1 + 2 y_sd l2) / n")
    return lambda_, weights.l1 / total


def glmnet_penalty_factor(penalty_factor) -> tuple[np.ndarray, float]:
    """glmnet's rescaling of ``penalty.factor``: ``f' = f p / sum(f)`` (its factors sum to the number of columns
    ``p``), and ``sum(f) / p``, the factor by which a ``lambda`` for ``f`` becomes glmnet's ``lambda`` for ``f'``
    (``lambda' f'_j = lambda f_j``).

    glmnet's documentation: "the penalty factors are internally rescaled to sum to nvars, and the lambda
    sequence will reflect this change".
    """
    f = np.asarray(penalty_factor, dtype=float)
    total = float(np.sum(f))
    if f.ndim != 1 or not total > 0 or np.any(f < 0) or not np.all(np.isfinite(f)):
        raise ValueError(f"penalty_factor must be finite, >= 0 and not all 0, got {penalty_factor!r}")
    return f * (f.size / total), total / f.size
