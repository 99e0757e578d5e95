r"""Empirical Bayes for the Gaussian prior: the ridge penalty chosen by maximizing the evidence.

The model is scikit-learn's ``BayesianRidge``:

.. math::

    y = b_0 + X\beta + \varepsilon, \qquad \varepsilon \sim N(0, \alpha^{-1} I_n), \qquad
    \beta \sim N(0, \lambda^{-1} I_p),

with ``alpha`` the noise precision (``sigma = alpha^{-1/2}``), ``lambda`` the weight precision
(the prior scale is ``tau = lambda^{-1/2}``) and a flat intercept, handled by centring ``X`` and
``y``. Given ``(alpha, lambda)`` the posterior of ``beta`` is Gaussian with covariance
``S = (lambda I + alpha X'X)^{-1}`` and mean ``m = alpha S X'y``, which is ``Ridge`` with
``alpha_ridge = lambda / alpha``. The hyperparameters maximize the log evidence

.. math::

    \mathcal{L}(\alpha, \lambda) = \log N(y \mid 0, \alpha^{-1} I + \lambda^{-1} X X')
        + a_1 \log\alpha - a_2 \alpha + l_1 \log\lambda - l_2 \lambda

    = \tfrac12\Big(p\log\lambda + n\log\alpha - \alpha\|y - Xm\|^2 - \lambda\|m\|^2
        - \log\det(\lambda I + \alpha X'X) - n\log 2\pi\Big)
        + a_1 \log\alpha - a_2 \alpha + l_1 \log\lambda - l_2 \lambda,

exactly scikit-learn's ``scores_``. The last four terms are the ``Gamma(a_1, a_2)`` and
``Gamma(l_1, l_2)`` hyperpriors as densities of ``log alpha`` and ``log lambda`` (normalizing
constants dropped); ``a_1 = a_2 = 0`` is the scale-invariant limit ``p(alpha) ~ 1/alpha``.

With the thin SVD ``X = U diag(s) V'`` (``K = min(n, p)`` singular values, ``e = s^2``,
``z = U'y``, ``r = lambda / alpha``) every term is a sum over ``K`` numbers:

.. math::

    \gamma = \sum_i \frac{e_i}{e_i + r}, \qquad
    \|m\|^2 = \sum_i \frac{e_i z_i^2}{(e_i + r)^2}, \qquad
    \|y - Xm\|^2 = \|y - Uz\|^2 + \sum_i \frac{r^2 z_i^2}{(e_i + r)^2},

and setting ``d L / d log alpha = d L / d log lambda = 0`` gives MacKay's fixed-point equations

.. math::

    \lambda = \frac{\gamma + 2 l_1}{\|m\|^2 + 2 l_2}, \qquad
    \alpha = \frac{n - \gamma + 2 a_1}{\|y - Xm\|^2 + 2 a_2},

which :func:`evidence_ridge` iterates in ``O(K)`` work per step after one SVD, followed by a
Newton polish in ``(log alpha, log lambda)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
from scipy import linalg
from sklearn.exceptions import ConvergenceWarning

from bayesreg._validation import check_bool, check_positive, check_regression_data, check_sample_weight
from bayesreg._warnings import warn
from bayesreg.data._dask import is_dask
from bayesreg.data.design import column_scales, power_of_two, robust_std
from bayesreg.data.statistics import summarize
from bayesreg.priors import Normal

__all__ = ["EvidenceResult", "evidence_profile", "evidence_ridge", "log_evidence"]

_LOG_2PI = float(np.log(2.0 * np.pi))


@dataclass(frozen=True, eq=False)
class EvidenceResult:
    """The evidence-maximizing Gaussian prior and the posterior it implies.

    Attributes
    ----------
    coef : ndarray (p,)
        Posterior mean ``m = (X'X + (lambda/alpha) I)^{-1} X'y`` of ``beta`` (centred data if
        ``fit_intercept``): ``Ridge(alpha=ridge_alpha)``'s coefficients.
    intercept : float
        ``mean(y) - mean(X) @ coef`` (weighted means with ``sample_weight``); 0.0 without intercept.
    alpha : float
        Noise precision ``1 / sigma^2`` at the maximum of the log evidence.
    lambda_ : float
        Weight precision ``1 / tau^2`` at the maximum of the log evidence.
    sigma : float
        Noise scale ``alpha^{-1/2}``.
    prior_scale : float
        Prior standard deviation ``tau = lambda^{-1/2}`` of each coefficient.
    ridge_alpha : float
        ``lambda / alpha = sigma^2 / tau^2``: the ``alpha`` of scikit-learn's ``Ridge`` with the
        same solution.
    coef_cov : ndarray (p, p)
        Posterior covariance ``(lambda I + alpha X'X)^{-1}`` of ``beta`` given ``alpha, lambda``
        (scikit-learn's ``sigma_``).
    log_evidence : float
        Log marginal likelihood plus hyperprior terms at the optimum (scikit-learn's ``scores_``).
    n_iter : int
        Fixed-point updates performed, plus the Newton polishing steps accepted.
    converged : bool
        Whether the relative changes of ``alpha`` and ``lambda`` fell below ``tol``.
    """

    coef: np.ndarray
    intercept: float
    alpha: float
    lambda_: float
    sigma: float
    prior_scale: float
    ridge_alpha: float
    coef_cov: np.ndarray = field(repr=False)
    log_evidence: float
    n_iter: int
    converged: bool

    @property
    def prior(self) -> Normal:
        """The fitted prior ``Normal(prior_scale)``, ready for :func:`bayesreg.build_model`."""
        return Normal(self.prior_scale)


class _Spectrum:
    """The sufficient statistics of the (centred, weighted) data in the SVD basis.

    Holds ``e = s^2`` and ``z = U'y`` for the ``K`` singular values above ``max(n, p) eps s_max``,
    ``rss0 = ||y - Uz||^2``, the effective sample size ``n`` (sum of weights), ``p`` and ``Vh``.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, n_eff: float):
        U, s, Vh = linalg.svd(X, full_matrices=False)
        # directions with s below the rank cutoff are dropped: they contribute log(lambda) to the
        # log determinant, nothing to gamma or m, and their part of y to ||y - Uz||^2
        eps = np.finfo(float).eps
        keep = s > max(X.shape) * eps * s[0] if s.size and s[0] > 0 else np.zeros(s.size, dtype=bool)
        U, s, Vh = U[:, keep], s[keep], Vh[keep]
        self.s = s
        self.e = s**2
        self.z = U.T @ y
        rss0 = float(np.sum((y - U @ self.z) ** 2))
        # an exact fit (y in the range of X) leaves only rounding error: make it exactly 0
        self.rss0 = 0.0 if rss0 <= (10 * max(X.shape) * eps) ** 2 * float(y @ y) else rss0
        self.Vh = Vh
        self.n = float(n_eff)
        self.p = X.shape[1]

    def stats(self, ratio: float) -> tuple[float, float, float]:
        """``gamma``, ``||m||^2`` and ``||y - Xm||^2`` at ``r = lambda / alpha``."""
        e, z = self.e, self.z
        denom = e + ratio
        gamma = float(np.sum(e / denom))
        m2 = float(np.sum(e * (z / denom) ** 2))
        sse = self.rss0 + float(np.sum((ratio * z / denom) ** 2))
        return gamma, m2, sse

    def log_evidence(self, alpha: float, lam: float, a_prior, l_prior) -> float:
        """``L(alpha, lambda)`` of the module docstring."""
        gamma, m2, sse = self.stats(lam / alpha)
        logdet = float(np.sum(np.log(lam + alpha * self.e))) + (self.p - self.e.size) * np.log(lam)
        value = self.p * np.log(lam) + self.n * np.log(alpha) - alpha * sse - lam * m2 - logdet - self.n * _LOG_2PI
        hyper = a_prior[0] * np.log(alpha) - a_prior[1] * alpha + l_prior[0] * np.log(lam) - l_prior[1] * lam
        return float(0.5 * value + hyper)

    def gradient_hessian(self, alpha: float, lam: float, a_prior, l_prior) -> tuple[np.ndarray, np.ndarray]:
        """Gradient and Hessian of ``L`` in ``(log alpha, log lambda)``.

        With ``q_i = e_i / (e_i + r)``, ``A_i = alpha z_i^2 (1 - q_i)^2`` (so ``sum A_i + alpha rss0
        = alpha ||y - Xm||^2``) and ``B_i = alpha z_i^2 q_i (1 - q_i)`` (so ``sum B_i = lambda ||m||^2``):
        ``g = (a1 - a2 alpha + (n - sum A - alpha rss0 - gamma)/2, l1 - l2 lambda + (gamma - sum B)/2)``
        and, with ``G = sum q (1 - q)``, ``H_11 = -a2 alpha - (alpha rss0 + sum A (1 - 2q) + G)/2``,
        ``H_12 = (G - 2 sum A q)/2``, ``H_22 = -l2 lambda - (G + sum B (2q - 1))/2``.
        """
        ratio = lam / alpha
        q = self.e / (self.e + ratio)
        qc = ratio / (self.e + ratio)  # 1 - q without cancellation
        zz = alpha * self.z**2
        A = zz * qc**2
        B = zz * q * qc
        gamma = float(np.sum(q))
        G = float(np.sum(q * qc))
        a_rss0 = alpha * self.rss0
        grad = np.array(
            [
                a_prior[0] - a_prior[1] * alpha + 0.5 * (self.n - np.sum(A) - a_rss0 - gamma),
                l_prior[0] - l_prior[1] * lam + 0.5 * (gamma - np.sum(B)),
            ]
        )
        h12 = 0.5 * (G - 2.0 * np.sum(A * q))
        hess = np.array(
            [
                [-a_prior[1] * alpha - 0.5 * (a_rss0 + np.sum(A * (qc - q)) + G), h12],
                [h12, -l_prior[1] * lam - 0.5 * (G + np.sum(B * (q - qc)))],
            ]
        )
        return grad, hess

    def coef(self, ratio: float) -> np.ndarray:
        """Posterior mean ``V diag(s / (e + r)) z``."""
        return self.Vh.T @ (self.s * self.z / (self.e + ratio))

    def coef_cov(self, alpha: float, lam: float) -> np.ndarray:
        """``(lambda I + alpha X'X)^{-1} = I/lambda - V diag(alpha e / (lambda (lambda + alpha e))) V'``."""
        shrink = alpha * self.e / (lam * (lam + alpha * self.e))
        cov = -(self.Vh.T * shrink) @ self.Vh
        cov[np.diag_indices_from(cov)] += 1.0 / lam
        return 0.5 * (cov + cov.T)


def _check_hyperprior(value, name: str) -> tuple[float, float]:
    if isinstance(value, str) or not hasattr(value, "__len__") or len(value) != 2:
        raise TypeError(f"{name} must be a pair (shape, rate) of non-negative numbers, got {value!r}")
    return (
        check_positive(value[0], f"{name}[0] (shape)", allow_zero=True),
        check_positive(value[1], f"{name}[1] (rate)", allow_zero=True),
    )


@dataclass(frozen=True)
class _Units:
    """Powers of two ``c`` (of X) and ``t`` (of y) the spectrum is computed in: ``X~ = X / c``, ``y~ = y / t``.

    Then ``alpha~ = alpha t^2`` and ``lambda~ = lambda t^2 / c^2`` (``beta~ = beta c / t``); a Gamma(a, b)
    hyperprior stays Gamma with rate ``b / t^2`` (alpha) and ``b c^2 / t^2`` (lambda), so the problem
    solved is the same one, exactly, whatever the units of the data.
    """

    c: float
    t: float

    def alpha(self, alpha: float) -> float:
        with np.errstate(over="ignore", under="ignore"):
            return float(np.float64(alpha) * np.float64(self.t) ** 2)

    def lam(self, lam: float) -> float:
        with np.errstate(over="ignore", under="ignore"):
            return float(np.float64(lam) * (np.float64(self.t) / np.float64(self.c)) ** 2)

    def priors(self, a_prior, l_prior):
        with np.errstate(over="ignore", under="ignore"):
            a_rate = np.float64(a_prior[1]) / np.float64(self.t) ** 2 if a_prior[1] else 0.0
            l_rate = np.float64(l_prior[1]) * (np.float64(self.c) / np.float64(self.t)) ** 2 if l_prior[1] else 0.0
        if not (np.isfinite(a_rate) and np.isfinite(l_rate)):
            raise ValueError(
                "alpha_prior, lambda_prior: their rates in the units of X and y overflow float64 (the hyperprior "
                "would pin a precision at 0); rescale X or y, or use rate 0 (the scale-invariant limit)"
            )
        return (a_prior[0], float(a_rate)), (l_prior[0], float(l_rate))

    def log_evidence_shift(self, n: float, a_prior, l_prior) -> float:
        """``L(user) - L(scaled)``: the density of y has the factor ``t^-n``; the hyperpriors' log terms shift."""
        return float(
            -n * np.log(self.t) - 2.0 * a_prior[0] * np.log(self.t) + 2.0 * l_prior[0] * np.log(self.c / self.t)
        )


def _prepare(X, y, fit_intercept, sample_weight):
    """Validate, centre, weight and scale the data; return the spectrum, offsets, ``Var(y)`` and the units.

    Dask input is taken as the summary rows of its statistics (:func:`~bayesreg.data.statistics.summarize`, one
    pass where the chunks live): rows of equal weight whose weighted products, hence whose spectrum, are the data's.
    """
    if any(is_dask(value) for value in (X, y, sample_weight)):
        rows = summarize(X, y, sample_weight)
        X, y, sample_weight = rows.X, rows.y, rows.sample_weight
    X, y, _ = check_regression_data(X, y)
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    sw = check_sample_weight(sample_weight, X.shape[0])
    y_mean = float(np.average(y, weights=sw))
    y_var = float(np.average((y - y_mean) ** 2, weights=sw))
    if fit_intercept:
        X_offset = np.average(X, axis=0, weights=sw)
        X = X - X_offset
        # a constant y centres to exactly 0, not to rounding error
        y = np.zeros_like(y) if np.ptp(y) == 0 else y - y_mean
    else:
        X_offset = np.zeros(X.shape[1])
        y_mean = 0.0
    if sw is not None:
        root = np.sqrt(sw)
        X = X * root[:, None]
        y = y * root
    n_eff = X.shape[0] if sw is None else float(np.sum(sw))
    units = _Units(
        c=float(power_of_two(np.max(column_scales(X, center=False), initial=0.0))),
        t=float(power_of_two(robust_std(y, center=False))),
    )
    return _Spectrum(X / units.c, y / units.t, n_eff), X_offset, y_mean, y_var, units


def _check_init(value, name: str) -> float | None:
    return None if value is None else check_positive(value, name)


def log_evidence(
    X,
    y,
    alpha: float,
    lambda_: float,
    *,
    fit_intercept: bool = True,
    sample_weight=None,
    alpha_prior: tuple[float, float] = (1e-6, 1e-6),
    lambda_prior: tuple[float, float] = (1e-6, 1e-6),
) -> float:
    r"""The log evidence ``L(alpha, lambda)`` maximized by :func:`evidence_ridge`.

    .. math::

        \mathcal{L} = \log N(y \mid 0, \alpha^{-1} I + \lambda^{-1} X X')
            + a_1 \log\alpha - a_2 \alpha + l_1 \log\lambda - l_2 \lambda

    with ``X`` and ``y`` centred if ``fit_intercept`` (scikit-learn's ``BayesianRidge`` score,
    which counts ``n`` rather than ``n - 1`` degrees of freedom after centring).

    Parameters
    ----------
    X : array-like (n, p)
    y : array-like (n,)
    alpha, lambda_ : float
        Noise and weight precisions, both > 0.
    fit_intercept : bool
        Centre ``X`` and ``y`` (weighted means with ``sample_weight``).
    sample_weight : array-like (n,), optional
        Non-negative weights; rows are scaled by ``sqrt(w_i)`` and ``n`` becomes ``sum(w)``.
    alpha_prior, lambda_prior : (float, float)
        ``(shape, rate)`` of the Gamma hyperpriors, each >= 0.

    Returns
    -------
    float
    """
    alpha = check_positive(alpha, "alpha")
    lambda_ = check_positive(lambda_, "lambda_")
    a_prior = _check_hyperprior(alpha_prior, "alpha_prior")
    l_prior = _check_hyperprior(lambda_prior, "lambda_prior")
    spectrum, _, _, _, units = _prepare(X, y, fit_intercept, sample_weight)
    scaled = spectrum.log_evidence(units.alpha(alpha), units.lam(lambda_), *units.priors(a_prior, l_prior))
    return scaled + units.log_evidence_shift(spectrum.n, a_prior, l_prior)


def evidence_ridge(
    X,
    y,
    *,
    fit_intercept: bool = True,
    sample_weight=None,
    alpha_prior: tuple[float, float] = (1e-6, 1e-6),
    lambda_prior: tuple[float, float] = (1e-6, 1e-6),
    alpha_init: float | None = None,
    lambda_init: float | None = None,
    tol: float = 1e-12,
    max_iter: int = 10_000,
) -> EvidenceResult:
    r"""Maximize the evidence of the Gaussian-prior (ridge) model over ``alpha`` and ``lambda``.

    Iterates MacKay's fixed-point updates (see the module docstring)

    .. math::

        \lambda \leftarrow \frac{\gamma + 2 l_1}{\|m\|^2 + 2 l_2}, \qquad
        \alpha \leftarrow \frac{n - \gamma + 2 a_1}{\|y - Xm\|^2 + 2 a_2}, \qquad
        \gamma = \sum_i \frac{\alpha e_i}{\lambda + \alpha e_i},

        m = (X'X + (\lambda/\alpha) I)^{-1} X'y,

    from scikit-learn's starting point until ``|Delta alpha| <= tol alpha`` and
    ``|Delta lambda| <= tol lambda``, each update costing ``O(min(n, p))`` after one thin SVD of
    the centred design. Then Newton steps in ``(log alpha, log lambda)`` with the exact gradient
    and Hessian polish the stationary point while they shrink the gradient. The result is
    scikit-learn's ``BayesianRidge`` fixed point, with a stopping rule on the hyperparameters
    rather than on the change of ``coef``.

    Parameters
    ----------
    X : array-like (n, p), or a Dask array or DataFrame (data larger than memory: one pass over its chunks)
        Design; finite, n >= 2.
    y : array-like (n,)
        Numeric target.
    fit_intercept : bool, default True
        Flat prior on the intercept: centre ``X`` and ``y`` (``intercept = mean(y) - mean(X) @ coef``).
    sample_weight : array-like (n,), optional
        Non-negative weights, as in ``BayesianRidge.fit``: weighted centring, rows scaled by
        ``sqrt(w_i)`` and ``n`` replaced by ``sum(w)``.
    alpha_prior : (float, float), default (1e-6, 1e-6)
        ``(a_1, a_2)``: shape and rate of the Gamma hyperprior on ``alpha`` (``alpha_1, alpha_2``
        of ``BayesianRidge``); zeros give the scale-invariant limit.
    lambda_prior : (float, float), default (1e-6, 1e-6)
        ``(l_1, l_2)`` of the Gamma hyperprior on ``lambda`` (``lambda_1, lambda_2``).
    alpha_init : float, optional
        Starting ``alpha`` > 0; default ``1 / (Var(y) + eps)`` as in scikit-learn.
    lambda_init : float, optional
        Starting ``lambda`` > 0; default 1.
    tol : float, default 1e-12
        Relative change of both ``alpha`` and ``lambda`` at which the iteration stops.
    max_iter : int, default 10_000
        Maximum number of fixed-point updates.

    Returns
    -------
    EvidenceResult

    Raises
    ------
    ValueError
        For invalid arguments, or if an update leaves ``(0, inf)``: the evidence then has no
        finite maximum (for instance ``y`` fitted exactly under a flat hyperprior).

    Warns
    -----
    ConvergenceWarning
        If ``max_iter`` updates do not reach ``tol``; the last iterate is returned.

    Notes
    -----
    The result is the stationary point the iteration reaches from its start, as in scikit-learn;
    the log evidence need not be unimodal. In particular, if ``y`` lies in the column space of
    the (centred) design while ``K < n``, as with ``fit_intercept`` and ``p >= n - 1``, then
    ``L`` grows like ``((n - K)/2 + a_1) log alpha - a_2 alpha`` as ``alpha -> inf``: the score
    counts ``n`` observations although centring leaves ``n - 1``, which favours an exact fit.
    Its global maximum is then near ``alpha = (n - K + 2 a_1) / (2 a_2)``, set by the hyperprior
    alone (no maximum if ``a_2 = 0``), and an interior stationary point is only a local maximum.
    """
    a_prior = _check_hyperprior(alpha_prior, "alpha_prior")
    l_prior = _check_hyperprior(lambda_prior, "lambda_prior")
    alpha_init = _check_init(alpha_init, "alpha_init")
    lambda_init = _check_init(lambda_init, "lambda_init")
    tol = check_positive(tol, "tol")
    if isinstance(max_iter, bool) or not isinstance(max_iter, Integral):
        raise TypeError(f"max_iter must be a positive integer, got {max_iter!r}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")
    prepared = _prepare(X, y, fit_intercept, sample_weight)
    return _maximize(prepared, a_prior, l_prior, alpha_init, lambda_init, tol, max_iter)


def _maximize(prepared, a_prior, l_prior, alpha_init, lambda_init, tol, max_iter) -> EvidenceResult:
    """:func:`evidence_ridge` on the :func:`_prepare`d data, its arguments checked."""
    spectrum, X_offset, y_offset, y_var, units = prepared
    a_user, l_user = a_prior, l_prior
    a_prior, l_prior = units.priors(a_prior, l_prior)  # from here on everything is in the scaled units

    alpha = units.alpha(1.0 / (y_var + np.finfo(float).eps) if alpha_init is None else alpha_init)
    lam = units.lam(1.0 if lambda_init is None else lambda_init)
    # scikit-learn's default start (lambda = 1, alpha = 1 / Var(y)) is in the data's units: at extreme units it
    # is 0 or inf in the scaled ones, where the fixed point of order 1 is then started from instead
    if alpha_init is None and not 1e-100 < alpha < 1e100:
        alpha = 1.0
    if lambda_init is None and not 1e-100 < lam < 1e100:
        lam = 1.0
    if not (0.0 < alpha < np.inf and 0.0 < lam < np.inf):
        raise ValueError(
            f"alpha_init={alpha_init!r}, lambda_init={lambda_init!r}: not representable in the units of X and y "
            "(their scaled values are 0 or inf); leave them at None"
        )
    n = spectrum.n
    converged = False
    n_iter = 0
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        for n_iter in range(1, int(max_iter) + 1):
            gamma, m2, sse = spectrum.stats(lam / alpha)
            lam_new = np.float64(gamma + 2.0 * l_prior[0]) / (m2 + 2.0 * l_prior[1])
            alpha_new = np.float64(n - gamma + 2.0 * a_prior[0]) / (sse + 2.0 * a_prior[1])
            if not (0.0 < lam_new < np.inf and 0.0 < alpha_new < np.inf):
                raise ValueError(
                    f"the log evidence has no finite maximum: after {n_iter} updates alpha={float(alpha_new)!r}, "
                    f"lambda={float(lam_new)!r} (for instance y constant, or fitted exactly by X); use positive "
                    "rates in alpha_prior and lambda_prior"
                )
            converged = abs(lam_new - lam) <= tol * lam_new and abs(alpha_new - alpha) <= tol * alpha_new
            alpha, lam = alpha_new, lam_new
            if converged:
                break
    if converged:
        alpha, lam, n_polish = _newton_polish(spectrum, alpha, lam, a_prior, l_prior)
        n_iter += n_polish
    else:
        warn(
            f"evidence_ridge did not converge in max_iter={max_iter} updates (tol={tol!r}): the returned alpha and "
            "lambda are the last iterate, not the maximum of the evidence; increase max_iter or loosen tol",
            ConvergenceWarning,
        )

    to_user = units.t / units.c  # beta = beta~ t / c
    gamma, m2, sse = spectrum.stats(lam / alpha)
    for name, rate, term in (("alpha_prior", a_prior[1], sse), ("lambda_prior", l_prior[1], m2)):
        if 2.0 * rate > 1e-3 * term:
            warn(
                f"{name}: the Gamma hyperprior's rate is not negligible at the units of these data (2 x rate = "
                f"{2.0 * rate:.3g} against {'||y - Xm||^2' if name == 'alpha_prior' else '||m||^2'} = {term:.3g}, in "
                "units where X and y are of order 1), so the result depends on the units of X and y; rescale them "
                f"(e.g. standardize), or set {name}=(0, 0), the scale-invariant limit",
                UserWarning,
            )
    with np.errstate(over="ignore", divide="ignore"):
        sigma, prior_scale = units.t * alpha**-0.5, units.t / units.c * lam**-0.5
        values = (sigma, prior_scale, sigma**-2, prior_scale**-2)
    if not all(np.isfinite(v) and v > 0 for v in values):
        raise ValueError(
            f"X, y: at these units the evidence maximum (sigma={sigma:g}, prior_scale={prior_scale:g}) has a "
            "precision float64 cannot hold; rescale X or y"
        )
    coef = spectrum.coef(lam / alpha) * to_user
    log_ev = spectrum.log_evidence(alpha, lam, a_prior, l_prior) + units.log_evidence_shift(spectrum.n, a_user, l_user)
    return EvidenceResult(
        coef=coef,
        intercept=float(y_offset - X_offset @ coef),
        alpha=float(sigma**-2),
        lambda_=float(prior_scale**-2),
        sigma=float(sigma),
        prior_scale=float(prior_scale),
        ridge_alpha=float(lam / alpha * units.c**2),
        coef_cov=spectrum.coef_cov(alpha, lam) * to_user**2,
        log_evidence=float(log_ev),
        n_iter=n_iter,
        converged=converged,
    )


def evidence_profile(
    X, y, alphas=None, *, n_alphas: int = 100, fit_intercept: bool = True, sample_weight=None
) -> tuple[EvidenceResult, np.ndarray, np.ndarray]:
    r""":func:`evidence_ridge`'s maximum, and the log evidence along ``Ridge`` alphas ``r = lambda / alpha``, each at
    the noise precision that maximizes it for that ratio (default hyperpriors ``Gamma(1e-6, 1e-6)``).

    At a fixed ratio the evidence is ``N(y | 0, C / alpha)`` with ``C = I + X X' / r`` times the Gamma terms, whose
    maximum over ``alpha`` is closed form:

    .. math::

        \alpha_r = \frac{n + 2 (a_1 + l_1)}{y' C^{-1} y + 2 (a_2 + l_2 r)}, \qquad
        y' C^{-1} y = \|y - X m_r\|^2 + r \|m_r\|^2 .

    Parameters
    ----------
    X, y, fit_intercept, sample_weight
        As in :func:`evidence_ridge` (one SVD serves both).
    alphas : array-like, optional
        The ratios; default ``n_alphas`` of them, log-spaced over 6 decades each side of the maximum.
    n_alphas : int

    Returns
    -------
    result : EvidenceResult
    alphas : ndarray (n_alphas,), decreasing
    log_evidence : ndarray (n_alphas,)
    """
    defaults = (1e-6, 1e-6)
    prepared = _prepare(X, y, fit_intercept, sample_weight)
    result = _maximize(prepared, defaults, defaults, None, None, 1e-12, 10_000)
    spectrum, _, _, _, units = prepared
    if alphas is None:
        alphas = result.ridge_alpha * np.geomspace(1e6, 1e-6, int(n_alphas))
    alphas = np.asarray(alphas, dtype=float)
    a_prior, l_prior = units.priors(defaults, defaults)
    shift = units.log_evidence_shift(spectrum.n, defaults, defaults)
    unit = units.lam(1.0) / units.alpha(1.0)  # a Ridge alpha in the spectrum's units
    values = np.empty(alphas.size)
    for k, ratio in enumerate(alphas * unit):
        _, m2, sse = spectrum.stats(float(ratio))
        noise = (spectrum.n + 2.0 * (a_prior[0] + l_prior[0])) / (
            sse + ratio * m2 + 2.0 * (a_prior[1] + l_prior[1] * ratio)
        )
        values[k] = spectrum.log_evidence(noise, ratio * noise, a_prior, l_prior) + shift
    return result, alphas, values


def _newton_polish(spectrum: _Spectrum, alpha: float, lam: float, a_prior, l_prior, max_steps: int = 5):
    """Newton steps on ``L`` in ``(log alpha, log lambda)``, kept while they shrink the gradient.

    Only steps from a negative definite Hessian and of relative size below 1e-3 (the fixed point
    has already converged, so larger steps signal trouble) are taken.
    """
    grad, hess = spectrum.gradient_hessian(alpha, lam, a_prior, l_prior)
    steps = 0
    for _ in range(max_steps):
        if not (np.all(np.isfinite(hess)) and hess[0, 0] < 0 and np.linalg.det(hess) > 0):
            break
        step = -np.linalg.solve(hess, grad)
        if not np.all(np.abs(step) < 1e-3):
            break
        alpha_new, lam_new = alpha * np.exp(step[0]), lam * np.exp(step[1])
        grad_new, hess_new = spectrum.gradient_hessian(alpha_new, lam_new, a_prior, l_prior)
        if not np.linalg.norm(grad_new) < np.linalg.norm(grad):
            break
        alpha, lam, grad, hess = alpha_new, lam_new, grad_new, hess_new
        steps += 1
    return alpha, lam, steps
