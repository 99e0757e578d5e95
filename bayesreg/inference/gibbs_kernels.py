"""Compiled (numba) Gibbs sweeps for the Gaussian likelihood under every prior that is a scale mixture of normals.

Each prior writes the coefficients as conditionally normal, :math:`\\beta_j \\mid v_j \\sim N(0, v_j)`, with
latent variances :math:`v_j` whose full conditionals can be drawn exactly. The likelihood, with frequency weights
:math:`w_i` and the intercept's flat prior integrated out (the data centred at their weighted means), is

.. math::

    p(y \\mid \\beta, \\sigma) \\propto \\sigma^{-n_e} \\exp\\Bigl(-\\frac{\\mathrm{RSS}(\\beta)}{2\\sigma^2}\\Bigr),
    \\qquad n_e = \\textstyle\\sum_i w_i - [\\text{intercept}],

with :math:`\\mathrm{RSS}(\\beta) = y_c^\\top W y_c - 2 \\beta^\\top X_c^\\top W y_c + \\beta^\\top X_c^\\top W X_c
\\beta`: a sweep costs :math:`O(p^3)` from the sufficient statistics whatever ``n`` (or :math:`O(n^2 p)` when
``p > n``). The draws:

* :math:`\\beta \\mid \\cdot \\sim N(Q^{-1} X_c^\\top W y_c / \\sigma^2, Q^{-1})`,
  :math:`Q = X_c^\\top W X_c / \\sigma^2 + \\operatorname{diag}(1 / v)`: Rue's (2001) algorithm on the Cholesky
  factor of :math:`Q` when ``n >= p``; Bhattacharya, Chakraborty & Mallick's (2016) when ``p > n``
  (:math:`u \\sim N(0, D)`, :math:`\\delta \\sim N(0, I_n)`, :math:`v = \\Phi u + \\delta`,
  :math:`w = (\\Phi D \\Phi^\\top + I_n)^{-1}(\\alpha - v)`, :math:`\\beta = u + D\\Phi^\\top w`, with
  :math:`\\Phi = W^{1/2} X_c / \\sigma`, :math:`\\alpha = W^{1/2} y_c / \\sigma`, :math:`D = \\operatorname{diag}(v)`).
* :math:`\\sigma` given :math:`\\beta` and the latent scales. With :math:`v_j = \\sigma^2 \\psi_j` for the
  :math:`p_s` coefficients whose prior scales with :math:`\\sigma`,
  :math:`\\pi(\\sigma \\mid \\cdot) \\propto \\sigma^{-(n_e + p_s)} e^{-B / \\sigma^2} \\pi_0(\\sigma)`,
  :math:`B = (\\mathrm{RSS} + \\sum_j \\beta_j^2 / \\psi_j) / 2`. Under Jeffreys' :math:`\\pi_0(\\sigma^2)
  \\propto 1/\\sigma^2` this is :math:`\\sigma^2 \\sim \\operatorname{InvGamma}((n_e + p_s)/2, B)`; under
  :math:`\\sigma \\sim \\operatorname{HalfNormal}(s)` that draw is an independence Metropolis-Hastings proposal,
  accepted with probability :math:`\\min(1, \\sigma' e^{-\\sigma'^2 / 2s^2} / (\\sigma e^{-\\sigma^2 / 2s^2}))`
  (the target over the proposal is :math:`\\sigma \\pi_0(\\sigma)`).
* The latent scales:

  * penalty prior :math:`-\\log p(\\beta_j) = l_{1j} |\\beta_j| + l_{2j} \\beta_j^2` (Normal, Laplace, elastic
    net; flat where both are 0): :math:`e^{-l_1 |b|} = \\int N(b; 0, u) \\tfrac{l_1^2}{2} e^{-l_1^2 u / 2} du`,
    so the prior precision is :math:`2 l_{2j} + 1/u_j` with
    :math:`1/u_j \\mid \\beta_j \\sim \\operatorname{InvGaussian}(l_{1j} / |\\beta_j|, l_{1j}^2)`;
  * Bayesian lasso (Park & Casella 2008): :math:`\\psi_j = \\tau_j^2`,
    :math:`1/\\tau_j^2 \\sim \\operatorname{InvGaussian}(\\lambda\\sigma / |\\beta_j|, \\lambda^2)`,
    :math:`\\lambda^2 \\sim \\operatorname{Gamma}(p + r, \\sum_j \\tau_j^2 / 2 + \\delta)` when learned;
  * horseshoe, :math:`\\psi_j = \\lambda_j^2 \\tau^2`, :math:`\\lambda_j \\sim C^+(0, 1)`: the conditional of
    :math:`\\zeta_j = 1/\\lambda_j^2` is proportional to :math:`e^{-m_j \\zeta_j} / (1 + \\zeta_j)`,
    :math:`m_j = \\beta_j^2 / (2 \\sigma^2 \\tau^2)`, drawn by slice sampling (Johndrow, Orenstein &
    Bhattacharya 2020);
  * horseshoe+ (Bhadra et al. 2017), :math:`\\lambda_j \\sim C^+(0, \\eta_j)`, :math:`\\eta_j \\sim C^+(0, 1)`:
    the same for :math:`\\eta_j^2 / \\lambda_j^2`, then :math:`1/\\eta_j^2` given :math:`\\lambda_j`, whose
    conditional :math:`\\propto 1 / ((1 + \\kappa)(1 + \\lambda_j^2 \\kappa))` is drawn by slice sampling too;
  * hierarchical normal: :math:`\\psi_j = \\tau^2`.

  The global scale :math:`\\tau \\sim C^+(0, s)` of the last three moves with :math:`\\beta` integrated out, by a
  random walk on :math:`\\log\\tau` (its step adapted during burn-in only), using
  :math:`y \\mid \\tau, \\lambda, \\sigma \\sim N(0, \\sigma^2 (I + \\tau^2 X_c \\Lambda X_c^\\top))`; when
  :math:`\\sigma` is learned it moves jointly with :math:`\\tau`: :math:`\\sigma'^2` is drawn from its conditional
  under Jeffreys' prior given :math:`\\tau'`, so the pair is accepted on the marginal of :math:`\\tau` with
  :math:`\\sigma` integrated out under that prior (exact under it), times :math:`\\sigma' \\pi_0(\\sigma') /
  (\\sigma \\pi_0(\\sigma))` for a HalfNormal :math:`\\pi_0`. :math:`\\beta` is then drawn given both, as the
  partially collapsed sampler requires. For the horseshoes a last Metropolis move rescales
  :math:`\\tau \\to c\\tau`, :math:`\\lambda_j \\to \\lambda_j / c` (and :math:`\\eta_j \\to \\eta_j / c`), which
  leaves every :math:`\\tau\\lambda_j` and so the likelihood unchanged and is accepted on the ratio of the scales'
  priors: it crosses the ridge between the global and the local scales that slows their Gibbs updates. Each
  sweep of the horseshoes ends with a pass over the coefficients that draws ``(lambda_j, beta_j)`` jointly given
  the rest (``lambda_j`` by a random walk on its log with ``beta_j`` integrated out, then ``beta_j``): without it a
  null coefficient that escapes 0 stays out for many sweeps, as its local scale only follows it.

The intercept of a kept draw is drawn last from :math:`N(\\bar y - \\bar x^\\top \\beta, \\sigma^2 / \\sum_i w_i)`
(weighted means), so each kept draw is a draw of the joint posterior.

References
----------
H. Rue (2001). Fast sampling of Gaussian Markov random fields. *JRSS B* 63(2), 325-338.
A. Bhattacharya, A. Chakraborty and B. K. Mallick (2016). Fast sampling with Gaussian scale mixture priors in
high-dimensional regression. *Biometrika* 103(4), 985-991.
E. Makalic and D. F. Schmidt (2016). A simple sampler for the horseshoe estimator. *IEEE Signal Processing
Letters* 23(1), 179-182; and High-dimensional Bayesian regularised regression with the bayesreg package, arXiv
1611.06649.
J. E. Johndrow, P. Orenstein and A. Bhattacharya (2020). Scalable approximate MCMC algorithms for the horseshoe
prior. *JMLR* 21(73), 1-61.
A. Bhadra, J. Datta, N. G. Polson and B. Willard (2017). The horseshoe+ estimator of ultra-sparse signals.
*Bayesian Analysis* 12(4), 1105-1131.
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = [
    "HIERARCHICAL_NORMAL",
    "HORSESHOE",
    "HORSESHOE_PLUS",
    "LASSO",
    "N_GLOBAL",
    "N_LOCAL",
    "PENALTY",
    "SIGMA_FIXED",
    "SIGMA_HALFNORMAL",
    "SIGMA_JEFFREYS",
    "augmented_sweep",
    "gaussian_chain",
    "initial_tuning",
]

# the prior families (``kind``)
PENALTY, LASSO, HORSESHOE, HORSESHOE_PLUS, HIERARCHICAL_NORMAL = 0, 1, 2, 3, 4
# the prior on sigma (``sigma_kind``)
SIGMA_FIXED, SIGMA_JEFFREYS, SIGMA_HALFNORMAL = 0, 1, 2
#: latent variables per coefficient kept in the state: penalty (1/u), lasso (1/tau^2), horseshoe (lambda^2),
#: horseshoe+ (lambda^2, eta^2); and the global one: lasso (lambda^2), horseshoes and
#: hierarchical normal (tau^2)
N_LOCAL, N_GLOBAL = 2, 1

_TINY = np.finfo(np.float64).tiny
_HUGE = 1.0 / _TINY

_jit = nb.njit(cache=True, nogil=True)


@_jit
def _clip(x):
    return min(max(x, _TINY), _HUGE)


@_jit
def _inverse_gamma(rng, shape, rate):
    """One draw of InvGamma(shape, rate) = rate / Gamma(shape, 1), kept in [tiny, 1/tiny]."""
    return _clip(rate / rng.standard_gamma(shape))


@_jit
def _inverse_gaussian(rng, mean, shape):
    """One draw of InvGaussian(mean, shape) (Michael, Schucany & Haas 1976), the smaller root written without
    cancellation (as :func:`bayesreg.inference.gibbs._inverse_gaussian`), kept in [tiny, 1/tiny]."""
    nu = rng.standard_normal()
    t = mean * (nu * nu) / shape
    root = np.sqrt(t) + np.sqrt(t + 4.0)
    root *= root
    x1 = 4.0 * mean / root
    if rng.random() * (mean + x1) <= mean:
        return _clip(x1)
    return _clip(0.25 * mean * root)


@_jit
def _solve_lower(L, b):
    """``L x = b`` for lower-triangular ``L``."""
    p = b.shape[0]
    x = np.empty(p)
    for i in range(p):
        s = b[i]
        for k in range(i):
            s -= L[i, k] * x[k]
        x[i] = s / L[i, i]
    return x


@_jit
def _solve_lower_t(L, b):
    """``L' x = b`` for lower-triangular ``L``."""
    p = b.shape[0]
    x = np.empty(p)
    for i in range(p - 1, -1, -1):
        s = b[i]
        for k in range(i + 1, p):
            s -= L[k, i] * x[k]
        x[i] = s / L[i, i]
    return x


@_jit
def _draw_rue(XtX, Xty, inv_s2, prior_prec, rng):
    """``N(Q^{-1} b, Q^{-1})`` with ``Q = XtX / sigma^2 + diag(prior_prec)`` and ``b = Xty / sigma^2``."""
    p = Xty.shape[0]
    Q = XtX * inv_s2
    for j in range(p):
        Q[j, j] += prior_prec[j]
    L = np.linalg.cholesky(Q)
    z = np.empty(p)
    for j in range(p):
        z[j] = rng.standard_normal()
    mean = _solve_lower_t(L, _solve_lower(L, Xty * inv_s2))
    return mean + _solve_lower_t(L, z)


@_jit
def _draw_bhattacharya(Xw, yw, sigma, prior_var, gram, rng):
    """The same distribution for ``p > n``, in ``O(n^2 p)``, in the units of ``y`` so that a small sigma does not
    make it ill-conditioned: with ``u ~ N(0, D)``, ``delta ~ N(0, I_n)``,
    ``beta = u + D X' (X D X' + sigma^2 I)^{-1} (y - X u - sigma delta)`` (Bhattacharya et al.'s algorithm with
    ``Phi = X / sigma``, ``alpha = y / sigma``, multiplied through by sigma^2). ``gram``, when not empty, is
    ``X D X' / sigma^2`` already computed (the horseshoes' ``tau^2 X Lambda X'``)."""
    n, p = Xw.shape
    sd = np.sqrt(prior_var)
    u = np.empty(p)
    for j in range(p):
        u[j] = sd[j] * rng.standard_normal()
    s2 = sigma * sigma
    if gram.shape[0] > 0:
        M = gram * s2
    else:
        B = Xw * sd  # X D^{1/2}
        M = B @ B.T
    for i in range(n):
        M[i, i] += s2
    rhs = yw - Xw @ u
    for i in range(n):
        rhs[i] -= sigma * rng.standard_normal()
    L = np.linalg.cholesky(M)
    w = _solve_lower_t(L, _solve_lower(L, rhs))
    return u + prior_var * (Xw.T @ w)


@_jit
def _rss(beta, XtX, Xty, yty, Xw, yw):
    """``||W^{1/2}(y_c - X_c beta)||^2``: from the residuals when they are given (``p > n``), else from X'WX."""
    if Xw.shape[0] > 0:
        r = yw - Xw @ beta
        return r @ r
    return max(yty - 2.0 * (beta @ Xty) + beta @ (XtX @ beta), 0.0)


@_jit
def _prior_precision(kind, l1, l2, local, glob, sigma2, out):
    """Each coefficient's prior precision ``1 / v_j`` in the current state (0 for a flat prior)."""
    p = out.shape[0]
    for j in range(p):
        if kind == PENALTY:
            out[j] = 2.0 * l2[j] + (local[j, 0] if l1[j] > 0.0 else 0.0)
        elif kind == LASSO:
            out[j] = local[j, 0] / sigma2
        elif kind == HIERARCHICAL_NORMAL:
            out[j] = 1.0 / (glob[0] * sigma2)
        else:  # the horseshoes
            out[j] = 1.0 / (local[j, 0] * glob[0] * sigma2)
        out[j] = min(out[j], _HUGE)


@_jit
def _scaled_quadratic(kind, beta, local):
    """``sum_j beta_j^2 / psi_j`` over the coefficients whose prior variance is ``sigma^2 psi_j``, as sigma's
    conditional given ``beta`` needs it: the Bayesian lasso's ``psi_j = tau_j^2``; 0 for a penalty prior, whose
    scale does not involve sigma (the other kinds draw sigma with ``beta`` integrated out)."""
    if kind != LASSO:
        return 0.0
    total = 0.0
    for j in range(beta.shape[0]):
        total += beta[j] * beta[j] * local[j, 0]
    return total


@_jit
def _slice_inverse_square(rng, rate, zeta):
    """One slice-sampling update (Damien, Wakefield & Walker 1999; Johndrow et al. 2020) of ``zeta = 1 / lambda^2``
    for ``lambda ~ HalfCauchy(1)`` given ``beta``: its conditional is proportional to
    ``exp(-rate zeta) / (1 + zeta)``. Draw ``u ~ U(0, 1 / (1 + zeta))``, then ``zeta`` from the exponential of
    ``rate`` truncated to ``1 / (1 + zeta) > u`` (inversion, without cancellation)."""
    u = rng.random() / (1.0 + zeta)
    upper = (1.0 - u) / u
    v = rng.random()
    if rate * upper < 1e-12:  # the exponential is flat on [0, upper]
        return _clip(v * upper)
    return _clip(-np.log1p(v * np.expm1(-rate * upper)) / rate)


@_jit
def _slice_eta(rng, lam2, kappa):
    """One slice update of ``kappa = 1 / eta^2`` given ``lambda``, for ``lambda ~ HalfCauchy(eta)``,
    ``eta ~ HalfCauchy(1)``: its conditional is proportional to ``1 / ((1 + kappa)(1 + lambda^2 kappa))``. Two
    uniforms under the two factors, then ``kappa`` uniform where both are above them."""
    u1 = rng.random() / (1.0 + kappa)
    u2 = rng.random() / (1.0 + lam2 * kappa)
    upper = min((1.0 - u1) / u1, (1.0 - u2) / (u2 * lam2))
    return _clip(rng.random() * upper)


@_jit
def _update_latent(kind, beta, sigma2, l1, local, glob, hyper, rng):
    """Draw the latent scales of ``kind`` given ``beta`` and ``sigma^2`` (step 3 of the module's sweep)."""
    p = beta.shape[0]
    if kind == PENALTY:
        for j in range(p):
            if l1[j] > 0.0:
                local[j, 0] = _inverse_gaussian(rng, min(l1[j] / abs(beta[j]), _HUGE), l1[j] * l1[j])
        return
    if kind == LASSO:  # hyper = (fixed lambda or 0, r, delta)
        lam2 = hyper[0] * hyper[0] if hyper[0] > 0.0 else glob[0]
        sigma = np.sqrt(sigma2)
        sum_tau2 = 0.0
        for j in range(p):
            local[j, 0] = _inverse_gaussian(rng, min(np.sqrt(lam2) * sigma / abs(beta[j]), _HUGE), lam2)
            sum_tau2 += 1.0 / local[j, 0]
        if hyper[0] > 0.0:
            glob[0] = lam2
        else:
            glob[0] = _clip(rng.standard_gamma(p + hyper[1]) / (0.5 * sum_tau2 + hyper[2]))
        return
    # horseshoes and the hierarchical normal: hyper = (global scale s,)
    tau2 = glob[0]
    if kind == HIERARCHICAL_NORMAL:
        return
    for j in range(p):
        rate = beta[j] * beta[j] / (2.0 * sigma2 * tau2)
        if kind == HORSESHOE:
            local[j, 0] = 1.0 / _slice_inverse_square(rng, rate, 1.0 / local[j, 0])
        else:  # lambda_j ~ C+(0, eta_j): 1/lambda_j^2 = zeta / eta_j^2 with zeta of the horseshoe's conditional
            eta2 = local[j, 1]
            zeta = _slice_inverse_square(rng, rate / eta2, eta2 / local[j, 0])
            local[j, 0] = _clip(eta2 / zeta)
            local[j, 1] = 1.0 / _slice_eta(rng, local[j, 0], 1.0 / eta2)
    # tau^2 is drawn in gaussian_chain, with beta integrated out


@_jit
def _local_variances(kind, local, p):
    """``lambda_j^2`` (the horseshoes) or 1 (the hierarchical normal): the prior variance of ``beta_j`` over
    ``sigma^2 tau^2``."""
    out = np.ones(p)
    if kind != HIERARCHICAL_NORMAL:
        for j in range(p):
            out[j] = local[j, 0]
    return out


@_jit
def _marginal_terms(tau2, lam2, XtX, Xty, yty, G, yw):
    """``log|I + tau^2 X Lambda X'|`` and ``y'(I + tau^2 X Lambda X')^{-1} y`` (centred, weighted data;
    ``Lambda = diag(lam2)``): the marginal likelihood of ``tau`` and ``sigma`` with ``beta`` integrated out,
    ``N(y; 0, sigma^2 (I + tau^2 X Lambda X'))``. In ``n``-space from ``G = X Lambda X'`` when it is given
    (``p > n``), else in ``p``-space from X'X by the determinant lemma and Woodbury:
    ``|I + X D X'| = |D| |X'X + D^{-1}|``, ``y'(I + X D X')^{-1} y = y'y - b' (X'X + D^{-1})^{-1} b``."""
    if G.shape[0] > 0:
        n = G.shape[0]
        M = G * tau2
        for i in range(n):
            M[i, i] += 1.0
        L = np.linalg.cholesky(M)
        half = _solve_lower(L, yw)
        logdet = 0.0
        for i in range(n):
            logdet += 2.0 * np.log(L[i, i])
        return logdet, half @ half
    p = Xty.shape[0]
    Q = XtX.copy()
    logdet = 0.0
    for j in range(p):
        d = min(max(tau2 * lam2[j], _TINY), _HUGE)
        Q[j, j] += 1.0 / d
        logdet += np.log(d)
    L = np.linalg.cholesky(Q)
    half = _solve_lower(L, Xty)
    for j in range(p):
        logdet += 2.0 * np.log(L[j, j])
    return logdet, max(yty - half @ half, 0.0)


@_jit
def _log_tau_terms(log_tau, lam2, tau_scale, XtX, Xty, yty, G, yw):
    """The parts of ``log p(log tau | lambda, sigma, y)`` with ``beta`` integrated out: ``-log|M| / 2 + log p(tau) +
    log tau`` under ``tau ~ HalfCauchy(tau_scale)`` (the Jacobian of ``log tau`` included), and
    ``q = y' M^{-1} y``, ``M = I + tau^2 X Lambda X'``; ``(-inf, inf)`` for a ``tau`` so extreme that ``M`` cannot
    be factorized (no mass to speak of: a proposal there is rejected). At a fixed sigma the log target is
    ``first - q / (2 sigma^2)``; with sigma integrated out under Jeffreys' prior, ``first - (n_e / 2) log(q / 2)``."""
    tau2 = np.exp(2.0 * log_tau)
    try:
        logdet, quad = _marginal_terms(tau2, lam2, XtX, Xty, yty, G, yw)
    except Exception:
        return -np.inf, np.inf
    return -0.5 * logdet - np.log1p(tau2 / (tau_scale * tau_scale)) + log_tau, quad


@_jit
def _log_scale_prior(kind, tau2, local, tau_scale, c2):
    """The log prior density, in log coordinates, of the global and local scales after dividing every local scale
    by ``c`` (``c2 = c^2``) and multiplying ``tau`` by it, up to a constant: ``tau ~ C+(0, s)``, ``lambda_j ~
    C+(0, 1)`` (the horseshoe) or ``C+(0, eta_j)`` with ``eta_j ~ C+(0, 1)`` (horseshoe+; ``eta_j`` is divided by
    ``c`` too, which leaves ``lambda_j / eta_j`` and its density unchanged)."""
    t2 = tau2 * c2
    total = -np.log1p(t2 / (tau_scale * tau_scale)) + 0.5 * np.log(t2)
    for j in range(local.shape[0]):
        if kind == HORSESHOE:
            l2 = local[j, 0] / c2
            total += -np.log1p(l2) + 0.5 * np.log(l2)
        else:
            e2 = local[j, 1] / c2
            total += -np.log1p(e2) + 0.5 * np.log(e2)
    return total


@_jit
def _rescale_scales(kind, local, glob, tau_scale, step, rng):
    """A Metropolis move along the ridge the global and local scales leave in the posterior: ``tau -> c tau``,
    ``lambda_j -> lambda_j / c`` (and ``eta_j -> eta_j / c``), which keeps every ``tau lambda_j``, hence the
    likelihood and the conditional of ``beta``; ``log c ~ N(0, step^2)``, a symmetric translation in log
    coordinates, accepted on the ratio of the scales' priors. Returns whether it moved."""
    log_c = step * rng.standard_normal()
    c2 = np.exp(2.0 * log_c)
    ratio = _log_scale_prior(kind, glob[0], local, tau_scale, c2) - _log_scale_prior(
        kind, glob[0], local, tau_scale, 1.0
    )
    if np.log(rng.random()) < ratio:
        glob[0] = _clip(glob[0] * c2)
        for j in range(local.shape[0]):
            local[j, 0] = _clip(local[j, 0] / c2)
            if kind == HORSESHOE_PLUS:
                local[j, 1] = _clip(local[j, 1] / c2)
        return True
    return False


@_jit
def _log_local_target(log_lam, s, c, tau2, sigma2, eta2):
    """``log p(log lambda_j | beta_{-j}, tau, sigma, y)`` up to a constant, ``beta_j`` integrated out: with the
    partial residual ``r_j = y - X_{-j} beta_{-j}``, ``s = x_j' x_j`` and ``c = x_j' r_j``, ``r_j ~ N(0, sigma^2
    (I + a x_j x_j'))``, ``a = tau^2 lambda_j^2``, whose log density in ``a`` is
    ``-log(1 + a s) / 2 + a c^2 / (2 sigma^2 (1 + a s))`` (Sherman-Morrison); the prior ``C+(0, eta_j)`` and the
    Jacobian of ``log lambda_j`` complete it."""
    lam2 = np.exp(2.0 * log_lam)
    a = tau2 * lam2
    return -np.log1p(lam2 / eta2) + log_lam - 0.5 * np.log1p(a * s) + a * c * c / (2.0 * sigma2 * (1.0 + a * s))


@_jit
def _joint_local_moves(kind, beta, XtX, Xty, Xw, yw, local, tau2, sigma2, step, rng):
    """For each coefficient in turn, ``(lambda_j, beta_j)`` jointly given the rest: ``lambda_j`` by a random walk
    on its log with ``beta_j`` integrated out (:func:`_log_local_target`), then ``beta_j`` from its conditional
    ``N(c / (s + 1/a), sigma^2 / (s + 1/a))``. A null coefficient's local scale then moves without waiting for
    the coefficient, which keeps it near 0 under the Gibbs updates (their escapes are otherwise sticky).
    ``beta`` is updated in place; returns the number of accepted moves."""
    p = beta.shape[0]
    rows = Xw.shape[0] > 0
    if rows:
        r = yw - Xw @ beta
    else:
        g = XtX @ beta
    accepted = 0
    for j in range(p):
        if rows:
            s = 0.0
            c = 0.0
            for i in range(Xw.shape[0]):
                s += Xw[i, j] * Xw[i, j]
                c += Xw[i, j] * r[i]
            c += s * beta[j]
        else:
            s = XtX[j, j]
            c = Xty[j] - g[j] + s * beta[j]
        eta2 = local[j, 1] if kind == HORSESHOE_PLUS else 1.0
        log_lam = 0.5 * np.log(local[j, 0])
        trial = log_lam + step * rng.standard_normal()
        ratio = _log_local_target(trial, s, c, tau2, sigma2, eta2) - _log_local_target(
            log_lam, s, c, tau2, sigma2, eta2
        )
        if np.log(rng.random()) < ratio:
            local[j, 0] = _clip(np.exp(2.0 * trial))
            accepted += 1
        precision = s + 1.0 / (tau2 * local[j, 0])
        new = c / precision + np.sqrt(sigma2 / precision) * rng.standard_normal()
        delta = new - beta[j]
        if rows:
            for i in range(Xw.shape[0]):
                r[i] -= Xw[i, j] * delta
        else:
            for k in range(p):
                g[k] += XtX[k, j] * delta
        beta[j] = new
    return accepted


@_jit
def _update_sigma(sigma_kind, sigma2, shape, rate, sigma_scale, rng):
    """``sigma^2`` from ``sigma^{-2 shape} exp(-rate / sigma^2) pi_0(sigma)``: exact under Jeffreys' prior, an
    independence Metropolis-Hastings step under ``HalfNormal(sigma_scale)``. Returns it and whether it moved."""
    proposal = _inverse_gamma(rng, shape, rate)
    if sigma_kind == SIGMA_JEFFREYS:
        return proposal, True
    s2 = sigma_scale * sigma_scale
    log_ratio = 0.5 * (np.log(proposal) - np.log(sigma2)) - 0.5 * (proposal - sigma2) / s2
    if np.log(rng.random()) < log_ratio:
        return proposal, True
    return sigma2, False


@_jit
def _sweep(
    it,
    burn,
    kind,
    sigma_kind,
    XtX,
    Xty,
    yty,
    Xw,
    yw,
    n_eff,
    l1,
    l2,
    hyper,
    sigma_scale,
    sigma2,
    sigma2_floor,
    local,
    glob,
    tuning,
    rng,
):
    """One sweep from the state ``(sigma2, local, glob)`` (the last two updated in place) given the weighted, centred
    statistics; ``tuning`` holds the random walks' steps (on log tau, the rescaling move, the joint local moves),
    adapted while ``it < burn``. Returns ``beta``, ``sigma^2`` and whether sigma's move was accepted."""
    p = Xty.shape[0]
    use_bhattacharya = Xw.shape[0] > 0
    collapsed = kind == HORSESHOE or kind == HORSESHOE_PLUS or kind == HIERARCHICAL_NORMAL
    p_scaled = 0.0 if (kind == PENALTY or collapsed) else float(p)
    shape = 0.5 * (n_eff + p_scaled)
    accepted = True
    G = np.empty((0, 0))
    if collapsed:
        # tau | lambda, sigma, y and then sigma | tau, lambda, y, both with beta integrated out (Johndrow,
        # Orenstein & Bhattacharya 2020): the global scale, sigma and beta move as one block
        lam2 = _local_variances(kind, local, p)
        if use_bhattacharya:
            G = (Xw * lam2) @ Xw.T
        log_tau = 0.5 * np.log(glob[0])
        trial = log_tau + tuning[0] * rng.standard_normal()
        if sigma_kind == SIGMA_FIXED:
            base, quad = _log_tau_terms(log_tau, lam2, hyper[0], XtX, Xty, yty, G, yw)
            base_trial, quad_trial = _log_tau_terms(trial, lam2, hyper[0], XtX, Xty, yty, G, yw)
            current = base - 0.5 * quad / sigma2
            proposed = base_trial - 0.5 * quad_trial / sigma2
            moved = np.log(rng.random()) < proposed - current
            if moved:
                glob[0] = _clip(np.exp(2.0 * trial))
        else:
            # (tau, sigma) jointly: tau' by the random walk, sigma'^2 ~ InvGamma(n_e / 2, q(tau') / 2) (sigma's
            # conditional under Jeffreys' prior), accepted with the ratio of the marginal of tau under that
            # prior (sigma integrated out) times sigma pi_0(sigma) / (sigma pi_0(sigma)) for a HalfNormal pi_0
            base, quad = _log_tau_terms(log_tau, lam2, hyper[0], XtX, Xty, yty, G, yw)
            base_trial, quad_trial = _log_tau_terms(trial, lam2, hyper[0], XtX, Xty, yty, G, yw)
            current = base - shape * np.log(0.5 * max(quad, _TINY))
            proposed = base_trial - shape * np.log(0.5 * max(quad_trial, _TINY))
            sigma2_trial = _inverse_gamma(rng, shape, 0.5 * min(max(quad_trial, _TINY), _HUGE))
            log_ratio = proposed - current
            if sigma_kind == SIGMA_HALFNORMAL:
                s2 = sigma_scale * sigma_scale
                log_ratio += 0.5 * (np.log(sigma2_trial) - np.log(sigma2)) - 0.5 * (sigma2_trial - sigma2) / s2
            moved = np.log(rng.random()) < log_ratio
            accepted = moved
            if moved:
                glob[0] = _clip(np.exp(2.0 * trial))
                sigma2 = sigma2_trial
        if it < burn:
            tuning[0] *= np.exp(((1.0 if moved else 0.0) - 0.4) / np.sqrt(it + 1.0))
    sigma2 = max(sigma2, sigma2_floor)
    # 1. beta | sigma, latent scales
    prior_prec = np.empty(p)
    _prior_precision(kind, l1, l2, local, glob, sigma2, prior_prec)
    if use_bhattacharya:
        prior_var = np.empty(p)
        for j in range(p):
            prior_var[j] = 1.0 / max(prior_prec[j], _TINY)
        # the horseshoes' and the hierarchical normal's Phi D Phi' = tau^2 X Lambda X': G computed above
        gram = G * glob[0] if collapsed else np.empty((0, 0))
        beta = _draw_bhattacharya(Xw, yw, np.sqrt(sigma2), prior_var, gram, rng)
    else:
        beta = _draw_rue(XtX, Xty, 1.0 / sigma2, prior_prec, rng)
    # 2. sigma | beta, latent scales
    if sigma_kind != SIGMA_FIXED and not collapsed:
        rate = 0.5 * (_rss(beta, XtX, Xty, yty, Xw, yw) + _scaled_quadratic(kind, beta, local))
        sigma2, accepted = _update_sigma(sigma_kind, sigma2, shape, rate, sigma_scale, rng)
        sigma2 = max(sigma2, sigma2_floor)
    # 3. latent scales | beta, sigma
    _update_latent(kind, beta, sigma2, l1, local, glob, hyper, rng)
    if kind == HORSESHOE or kind == HORSESHOE_PLUS:
        moved_locals = _joint_local_moves(kind, beta, XtX, Xty, Xw, yw, local, glob[0], sigma2, tuning[2], rng)
        if it < burn:
            tuning[2] *= np.exp((moved_locals / p - 0.4) / np.sqrt(it + 1.0))
        rescaled = _rescale_scales(kind, local, glob, hyper[0], tuning[1], rng)
        if it < burn:
            tuning[1] *= np.exp(((1.0 if rescaled else 0.0) - 0.4) / np.sqrt(it + 1.0))
    return beta, sigma2, accepted


def initial_tuning():
    """The random walks' first steps: on log tau, for the rescaling move, for the joint local moves (adapted
    during burn-in towards an acceptance of about 0.4)."""
    return np.array([1.0, 0.1, 1.0])


@_jit
def gaussian_chain(
    kind,
    sigma_kind,
    XtX,
    Xty,
    yty,
    Xw,
    yw,
    n_eff,
    sum_w,
    x_mean,
    y_mean,
    fit_intercept,
    l1,
    l2,
    hyper,
    sigma_scale,
    sigma2_state,
    sigma2_floor,
    local,
    glob,
    tuning,
    burn,
    thin,
    first,
    last,
    rng,
    out_beta,
    out_sigma,
    out_intercept,
    out_local,
    out_glob,
    out_accepted,
):
    """Sweeps ``first`` to ``last - 1`` of a chain of ``burn`` sweeps and then ``thin`` per row of ``out_beta`` (the
    last of each kept), from the state ``(sigma2_state[0], local, glob, tuning)``, updated in place
    (:func:`_sweep`): a chain runs in pieces, so that its progress can be reported and it can be stopped.
    ``out_accepted`` records whether each kept sweep's move of sigma was accepted: its Metropolis-Hastings step
    under a HalfNormal prior, the joint (tau, sigma) move of the horseshoes and the hierarchical normal; always True
    for a conjugate draw (Jeffreys, no global scale) and at a fixed sigma. ``sigma2`` is kept above
    ``sigma2_floor``: a proper posterior puts no appreciable mass there, and an improper one (weights counting more
    observations than the rank of rows that fit y exactly)
    would otherwise run sigma to 0 until the factorizations fail.

    ``Xw``, ``yw`` are :math:`W^{1/2} X_c`, :math:`W^{1/2} y_c` when ``p > n`` (Bhattacharya's draw) and empty
    otherwise; ``sigma_scale`` is the fixed sigma (``SIGMA_FIXED``) or the HalfNormal prior's scale.
    """
    sigma2 = sigma2_state[0]
    for it in range(first, last):
        beta, sigma2, accepted = _sweep(
            it,
            burn,
            kind,
            sigma_kind,
            XtX,
            Xty,
            yty,
            Xw,
            yw,
            n_eff,
            l1,
            l2,
            hyper,
            sigma_scale,
            sigma2,
            sigma2_floor,
            local,
            glob,
            tuning,
            rng,
        )
        if it >= burn and (it - burn) % thin == thin - 1:
            k = (it - burn) // thin
            out_beta[k] = beta
            out_sigma[k] = np.sqrt(sigma2)
            out_local[k] = local
            out_glob[k] = glob
            out_accepted[k] = accepted
            if fit_intercept:
                out_intercept[k] = y_mean - x_mean @ beta + np.sqrt(sigma2 / sum_w) * rng.standard_normal()
    sigma2_state[0] = sigma2


@_jit
def augmented_sweep(
    it,
    burn,
    kind,
    sigma_kind,
    X,
    z,
    omega,
    n_eff,
    fit_intercept,
    bhattacharya,
    l1,
    l2,
    hyper,
    sigma_scale,
    sigma2,
    sigma2_floor,
    local,
    glob,
    tuning,
    rng,
    eta,
):
    """One sweep of the Gaussian model ``z_i ~ N(b0 + x_i' beta, sigma^2 / omega_i)`` (the conditional of an
    augmented likelihood given its latent ``omega``: a Student-t's scale mixture, the logit's Polya-Gamma draws),
    then the intercept given ``beta`` (drawn every sweep: the next ``omega`` depends on it). The weighted, centred
    statistics are formed from ``X``, ``z``, ``omega`` here (``O(n p^2)``, or the weighted rows when
    ``bhattacharya``). Writes ``b0 + X beta`` to ``eta``; returns ``beta``, the intercept, ``sigma^2`` and whether
    sigma's move was accepted."""
    n, p = X.shape
    sum_w = omega.sum()
    x_mean = np.zeros(p)
    z_mean = 0.0
    if fit_intercept:
        x_mean = (omega @ X) / sum_w
        z_mean = (omega @ z) / sum_w
    root = np.sqrt(omega)
    Xc = (X - x_mean) * root.reshape((n, 1))
    zc = (z - z_mean) * root
    Xty = Xc.T @ zc
    yty = zc @ zc
    if bhattacharya:
        XtX, Xw, yw = np.empty((0, 0)), Xc, zc
    else:
        XtX, Xw, yw = Xc.T @ Xc, np.empty((0, p)), np.empty(0)
    beta, sigma2, accepted = _sweep(
        it,
        burn,
        kind,
        sigma_kind,
        XtX,
        Xty,
        yty,
        Xw,
        yw,
        n_eff,
        l1,
        l2,
        hyper,
        sigma_scale,
        sigma2,
        sigma2_floor,
        local,
        glob,
        tuning,
        rng,
    )
    intercept = 0.0
    if fit_intercept:
        intercept = z_mean - x_mean @ beta + np.sqrt(sigma2 / sum_w) * rng.standard_normal()
    eta[:] = X @ beta + intercept
    return beta, intercept, sigma2, accepted
