"""The posterior predictive distribution of a Gaussian or Student-t linear model, from posterior draws.

Given draws ``(b0_s, beta_s, sigma_s)``, ``s = 1..S``, the posterior predictive of a new ``y`` at
``x`` is the equal-weight mixture of ``N(mu_s, sigma_s^2)`` (or of ``t_{nu_s}(mu_s, sigma_s)``) with
``mu_s = b0_s + x' beta_s``.
Its mean, variance and quantiles are computed exactly for that mixture (no extra random
draws), so predictions are deterministic given the posterior sample.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

__all__ = ["linear_predictor_draws", "predictive_mean_std", "mixture_quantiles"]

#: points per block, so that a (draws x points) array stays around 32 MB
_BLOCK_ELEMENTS = 4_000_000


def linear_predictor_draws(X: np.ndarray, beta: np.ndarray, intercept: np.ndarray | None) -> np.ndarray:
    """``mu[s, i] = b0_s + X[i] @ beta_s`` for draws ``beta`` (S, p) and ``intercept`` (S,) or None."""
    mu = beta @ X.T
    if intercept is not None:
        mu += intercept[:, None]
    return mu


def predictive_mean_std(
    mu: np.ndarray, sigma: np.ndarray, nu: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of the mixture: ``E[mu]`` and ``sqrt(Var[mu] + E[sigma^2])``; for Student-t
    components ``E[sigma^2 nu / (nu - 2)]``, infinite when some ``nu <= 2`` (the variance does not exist)."""
    mean = mu.mean(axis=0)
    noise = np.square(sigma)
    if nu is not None:
        with np.errstate(divide="ignore"):
            noise = np.where(nu > 2.0, noise * nu / (nu - 2.0), np.inf)
    var = mu.var(axis=0) + np.mean(noise)
    return mean, np.sqrt(var)


def _mixture_cdf_pdf(q: np.ndarray, mu: np.ndarray, sigma: np.ndarray, nu=None) -> tuple[np.ndarray, np.ndarray]:
    z = (q[None, :] - mu) / sigma[:, None]
    if nu is not None:
        df = nu[:, None]
        return stats.t.cdf(z, df).mean(axis=0), (stats.t.pdf(z, df) / sigma[:, None]).mean(axis=0)
    cdf = special.ndtr(z).mean(axis=0)
    pdf = (np.exp(-0.5 * z**2) / (np.sqrt(2.0 * np.pi) * sigma[:, None])).mean(axis=0)
    return cdf, pdf


def mixture_quantiles(
    mu: np.ndarray, sigma: np.ndarray, prob: float, *, tol: float = 1e-10, nu: np.ndarray | None = None
) -> np.ndarray:
    """The ``prob`` quantile of each point's mixture ``mean_s N(mu[s, i], sigma_s^2)`` (of ``t_{nu_s}`` components
    with ``nu``, one per draw).

    Safeguarded Newton iterations on the mixture CDF (monotone and smooth), started from the
    normal approximation and kept inside a bracket that shrinks like bisection whenever a
    Newton step would leave it (for t components the bracket is that of the components' own quantiles, between
    which the mixture's lies). Converges to ``|F(q) - prob| <= tol``.
    """
    mu = np.atleast_2d(mu)
    n_points = mu.shape[1]
    out = np.empty(n_points)
    block = max(1, _BLOCK_ELEMENTS // max(1, mu.shape[0]))
    for start in range(0, n_points, block):
        stop = min(start + block, n_points)
        out[start:stop] = _quantiles_block(mu[:, start:stop], sigma, prob, tol, nu)
    return out


def _quantiles_block(mu, sigma, prob, tol, nu=None):
    if nu is None:
        mean, sd = predictive_mean_std(mu, sigma)
        spread = 10.0 * sigma.max()
        lo = mu.min(axis=0) - spread
        hi = mu.max(axis=0) + spread
        q = np.clip(mean + stats.norm.ppf(prob) * sd, lo, hi)
    else:
        components = mu + (sigma * stats.t.ppf(prob, nu))[:, None]
        lo, hi = components.min(axis=0), components.max(axis=0)
        q = np.median(components, axis=0)
        lo, hi = lo - 1e-12 * np.abs(lo), hi + 1e-12 * np.abs(hi)
    for _ in range(200):
        cdf, pdf = _mixture_cdf_pdf(q, mu, sigma, nu)
        err = cdf - prob
        if np.all(np.abs(err) <= tol):
            break
        lo = np.where(err < 0, q, lo)
        hi = np.where(err > 0, q, hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = q - err / pdf
        inside = np.isfinite(newton) & (newton > lo) & (newton < hi)
        q = np.where(inside, newton, 0.5 * (lo + hi))
    return q
