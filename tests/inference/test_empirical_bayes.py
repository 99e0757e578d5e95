"""Evidence maximization for the Gaussian prior, checked against scikit-learn's BayesianRidge.

Every fit here is compared with an independent computation: ``BayesianRidge`` (same model, same
fixed point), ``Ridge`` (the posterior mean), the dense Gaussian marginal likelihood
``log N(y | 0, I/alpha + X X'/lambda)`` (the definition of the evidence) and its finite
differences (the maximum), or the same data with repeated rows (sample weights).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import DESIGNS as SHARED_DESIGNS
from scipy import linalg, stats
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import BayesianRidge, Ridge

import bayesreg as br
from bayesreg.data import datasets
from bayesreg.inference.empirical_bayes import EvidenceResult, evidence_ridge, log_evidence

DEFAULT = (1e-6, 1e-6)

# scikit-learn stops when the L1 change of coef_ falls below tol, an absolute criterion on the
# coefficients rather than on (alpha, lambda). tol=1e-14 is at or below the rounding error of
# that change on the diabetes and collinear designs, so BayesianRidge never stops there: with
# max_iter=100_000 it takes 3 to 4 s per fit. Its fixed-point iteration reaches the fixed point
# to rounding error within a few hundred updates on these designs (ours needs <= 145), so
# max_iter=3000 gives the same answer in 0.1 s. Where it does stop early on coef (the p > n
# designs, after 115 to 182 updates) alpha_ and lambda_ may still move in the last digits.
# Measured worst relative differences over the designs below: alpha 2e-13, lambda 1e-11, coef
# 9e-12, coef_cov 9e-12, score 7e-16; the tolerances leave a margin of about 100.
SK_KW = {"tol": 1e-14, "max_iter": 3000}
RTOL_SK = 1e-9
RTOL_SCORE = 1e-10


def _p_greater_than_n():
    # n=30, p=60; with this seed the maximum is interior even under flat hyperpriors (without
    # an intercept); other seeds send alpha to infinity (an exact fit), see the degenerate tests
    X, y, _ = datasets.make_sparse_regression(n_samples=30, n_features=60, n_nonzero=5, random_state=2)
    return X, y


# the shared designs of conftest.py, with a smaller p > n problem whose evidence has an interior maximum
DESIGNS = {**SHARED_DESIGNS, "p_gt_n": _p_greater_than_n}


@pytest.fixture(params=list(DESIGNS), scope="module")
def data(request):
    return request.param, *DESIGNS[request.param]()


def _rel(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def _centred(X, y, fit_intercept):
    if fit_intercept:
        return X - X.mean(axis=0), y - y.mean()
    return X, y


def _dense_log_evidence(X, y, alpha, lam, fit_intercept, a_prior=DEFAULT, l_prior=DEFAULT) -> float:
    """The definition: log N(y | 0, I/alpha + X X'/lambda) + a1 log alpha - a2 alpha + l1 log lambda - l2 lambda."""
    Xc, yc = _centred(X, y, fit_intercept)
    cov = np.eye(len(yc)) / alpha + Xc @ Xc.T / lam
    chol = linalg.cholesky(cov, lower=True)
    white = linalg.solve_triangular(chol, yc, lower=True)
    log_lik = -0.5 * (len(yc) * np.log(2 * np.pi) + 2 * np.sum(np.log(np.diag(chol))) + white @ white)
    hyper = a_prior[0] * np.log(alpha) - a_prior[1] * alpha + l_prior[0] * np.log(lam) - l_prior[1] * lam
    return float(log_lik + hyper)


# ---------------------------------------------------------------------------------------------
# agreement with scikit-learn


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_matches_bayesian_ridge(data, fit_intercept):
    name, X, y = data
    ours = evidence_ridge(X, y, fit_intercept=fit_intercept)
    sk = BayesianRidge(compute_score=True, fit_intercept=fit_intercept, **SK_KW).fit(X, y)
    assert isinstance(ours, EvidenceResult)
    assert ours.converged
    # not vacuous: both precisions moved far from scikit-learn's (and our) starting point
    assert abs(np.log(ours.lambda_ / 1.0)) > 0.1
    assert abs(np.log(ours.alpha * y.var())) > 0.1
    assert ours.n_iter > 5
    assert _rel(ours.alpha, sk.alpha_) <= RTOL_SK
    assert _rel(ours.lambda_, sk.lambda_) <= RTOL_SK
    assert _rel(ours.coef, sk.coef_) <= RTOL_SK
    assert abs(ours.intercept - sk.intercept_) <= RTOL_SK * max(abs(sk.intercept_), np.abs(y).max())
    assert _rel(ours.coef_cov, sk.sigma_) <= RTOL_SK
    assert _rel(ours.log_evidence, sk.scores_[-1]) <= RTOL_SCORE
    # scikit-learn's scores_ climb towards our value and do not exceed it (beyond rounding)
    assert np.max(sk.scores_) <= ours.log_evidence + 1e-12 * abs(ours.log_evidence)
    if not fit_intercept:
        assert ours.intercept == 0.0


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_coef_is_ridge_with_alpha_lambda_over_alpha(data, fit_intercept):
    _, X, y = data
    ours = evidence_ridge(X, y, fit_intercept=fit_intercept)
    assert ours.ridge_alpha == pytest.approx(ours.lambda_ / ours.alpha, rel=1e-15, abs=0)
    ridge = Ridge(alpha=ours.ridge_alpha, fit_intercept=fit_intercept).fit(X, y)
    assert _rel(ours.coef, ridge.coef_) <= 1e-10
    assert abs(ours.intercept - ridge.intercept_) <= 1e-10 * max(abs(ridge.intercept_), np.abs(y).max())


def test_derived_quantities_and_prior(diabetes_std):
    X, y = diabetes_std
    ours = evidence_ridge(X, y)
    assert ours.sigma == pytest.approx(ours.alpha**-0.5, rel=1e-15, abs=0)
    assert ours.prior_scale == pytest.approx(ours.lambda_**-0.5, rel=1e-15, abs=0)
    prior = ours.prior
    assert isinstance(prior, br.Normal)
    assert prior.scale == ours.prior_scale
    # the project's own conversion: Normal(tau) with noise sigma is Ridge(alpha = sigma^2 / tau^2)
    assert prior.to_sklearn(sigma=ours.sigma).alpha == pytest.approx(ours.ridge_alpha, rel=1e-12, abs=0)
    # the covariance is the inverse of lambda I + alpha X'X on the centred design
    Xc = X - X.mean(axis=0)
    precision = ours.lambda_ * np.eye(X.shape[1]) + ours.alpha * Xc.T @ Xc
    np.testing.assert_allclose(ours.coef_cov @ precision, np.eye(X.shape[1]), atol=1e-10)


# ---------------------------------------------------------------------------------------------
# the evidence and its maximum


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_log_evidence_is_the_gaussian_marginal_likelihood(data, fit_intercept):
    _, X, y = data
    ours = evidence_ridge(X, y, fit_intercept=fit_intercept)
    points = [(ours.alpha, ours.lambda_), (3.0 * ours.alpha, 0.2 * ours.lambda_), (0.5 / y.var(), 1.0)]
    for alpha, lam in points:
        dense = _dense_log_evidence(X, y, alpha, lam, fit_intercept)
        value = log_evidence(X, y, alpha, lam, fit_intercept=fit_intercept)
        assert value == pytest.approx(dense, rel=1e-10, abs=0)
    assert ours.log_evidence == pytest.approx(log_evidence(X, y, ours.alpha, ours.lambda_, fit_intercept=fit_intercept))
    # the helper itself, once, against scipy's multivariate normal
    Xc, yc = _centred(X, y, fit_intercept)
    cov = np.eye(len(yc)) / ours.alpha + Xc @ Xc.T / ours.lambda_
    hyper = 1e-6 * (np.log(ours.alpha) - ours.alpha + np.log(ours.lambda_) - ours.lambda_)
    scipy_value = stats.multivariate_normal.logpdf(yc, mean=np.zeros(len(yc)), cov=cov) + hyper
    assert ours.log_evidence == pytest.approx(scipy_value, rel=1e-10, abs=0)
    flat = log_evidence(X, y, 2.0, 3.0, fit_intercept=fit_intercept, alpha_prior=(0, 0), lambda_prior=(0, 0))
    assert flat == pytest.approx(_dense_log_evidence(X, y, 2.0, 3.0, fit_intercept, (0, 0), (0, 0)), rel=1e-10, abs=0)


def _fd_newton_step(X, y, log_alpha, log_lam, fit_intercept, h=5e-4, **priors) -> tuple[np.ndarray, np.ndarray]:
    """Central finite-difference gradient and Hessian of the dense log evidence in the log
    parameters; returns the Newton step -H^{-1} g and H."""

    def f(u, v):
        return _dense_log_evidence(X, y, np.exp(u), np.exp(v), fit_intercept, **priors)

    u, v = log_alpha, log_lam
    f0 = f(u, v)
    fpu, fmu, fpv, fmv = f(u + h, v), f(u - h, v), f(u, v + h), f(u, v - h)
    grad = np.array([fpu - fmu, fpv - fmv]) / (2 * h)
    huu = (fpu - 2 * f0 + fmu) / h**2
    hvv = (fpv - 2 * f0 + fmv) / h**2
    huv = (f(u + h, v + h) - f(u + h, v - h) - f(u - h, v + h) + f(u - h, v - h)) / (4 * h**2)
    hess = np.array([[huu, huv], [huv, hvv]])
    return -np.linalg.solve(hess, grad), hess


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_result_is_the_maximum_by_finite_differences(data, fit_intercept):
    """The finite-difference gradient of the dense log evidence in (log alpha, log lambda)
    vanishes at the result and the Hessian is negative definite. The gradient is measured by
    the Newton step it implies, i.e. the distance to the maximum in log parameters: at most 1e-6
    (measured <= 7e-8, the accuracy of the differences with h = 5e-4). From a point displaced
    by 0.01 in log lambda, the same step points back."""
    _, X, y = data
    ours = evidence_ridge(X, y, fit_intercept=fit_intercept)
    u, v = np.log(ours.alpha), np.log(ours.lambda_)
    step, hess = _fd_newton_step(X, y, u, v, fit_intercept)
    assert np.all(np.linalg.eigvalsh(hess) < 0)
    assert np.max(np.abs(step)) <= 1e-6
    # not vacuous: the finite differences see a displacement of 1e-2
    back, _ = _fd_newton_step(X, y, u, v + 1e-2, fit_intercept)
    assert back[1] == pytest.approx(-1e-2, rel=2e-2, abs=0)
    assert abs(back[0]) < 2e-3


def test_flat_hyperpriors_converge_on_diabetes(diabetes_std):
    for X, y in [DESIGNS["diabetes_raw"](), diabetes_std]:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ours = evidence_ridge(X, y, alpha_prior=(0, 0), lambda_prior=(0.0, 0.0))
        assert ours.converged
        sk = BayesianRidge(alpha_1=0, alpha_2=0, lambda_1=0, lambda_2=0, compute_score=True, **SK_KW).fit(X, y)
        assert _rel(ours.alpha, sk.alpha_) <= RTOL_SK
        assert _rel(ours.lambda_, sk.lambda_) <= RTOL_SK
        assert _rel(ours.coef, sk.coef_) <= RTOL_SK
        assert _rel(ours.log_evidence, sk.scores_[-1]) <= RTOL_SCORE
        step, hess = _fd_newton_step(
            X, y, np.log(ours.alpha), np.log(ours.lambda_), True, a_prior=(0, 0), l_prior=(0, 0)
        )
        assert np.max(np.abs(step)) <= 1e-6
        assert np.all(np.linalg.eigvalsh(hess) < 0)


def test_starting_point_does_not_matter(diabetes_std):
    X, y = diabetes_std
    ref = evidence_ridge(X, y)
    for alpha_init, lambda_init in [(1e-6, 1e3), (10.0, 1e-4), (1.0, 1.0)]:
        other = evidence_ridge(X, y, alpha_init=alpha_init, lambda_init=lambda_init)
        assert other.converged
        assert other.alpha == pytest.approx(ref.alpha, rel=1e-11, abs=0)
        assert other.lambda_ == pytest.approx(ref.lambda_, rel=1e-11, abs=0)


def test_sample_weight_matches_sklearn_and_repeated_rows(diabetes_std):
    X, y = diabetes_std
    w = np.random.default_rng(0).integers(0, 4, size=len(y))
    for fit_intercept in (True, False):
        ours = evidence_ridge(X, y, sample_weight=w, fit_intercept=fit_intercept)
        sk = BayesianRidge(compute_score=True, fit_intercept=fit_intercept, **SK_KW).fit(X, y, sample_weight=w)
        assert _rel(ours.alpha, sk.alpha_) <= RTOL_SK
        assert _rel(ours.lambda_, sk.lambda_) <= RTOL_SK
        assert _rel(ours.coef, sk.coef_) <= RTOL_SK
        assert abs(ours.intercept - sk.intercept_) <= RTOL_SK * abs(sk.intercept_ if fit_intercept else 1.0)
        assert _rel(ours.log_evidence, sk.scores_[-1]) <= RTOL_SCORE
        # integer weights are frequencies: the same fit as repeating each row w_i times
        rep = evidence_ridge(np.repeat(X, w, axis=0), np.repeat(y, w), fit_intercept=fit_intercept)
        assert ours.alpha == pytest.approx(rep.alpha, rel=1e-10, abs=0)
        assert ours.lambda_ == pytest.approx(rep.lambda_, rel=1e-10, abs=0)
        assert ours.log_evidence == pytest.approx(rep.log_evidence, rel=1e-10, abs=0)
        assert _rel(ours.coef, rep.coef) <= 1e-10


# ---------------------------------------------------------------------------------------------
# degenerate problems and convergence


def test_centred_p_ge_n_favours_an_exact_fit():
    """With an intercept and p >= n - 1 the centred design fits y exactly; the score (n, not
    n - 1, observations) then grows like log(alpha) / 2, and only the rate a2 stops it."""
    a1, a2 = DEFAULT
    # seed 1: the iteration runs off to the hyperprior-bound maximum, as scikit-learn's does
    X, y, _ = datasets.make_sparse_regression(n_samples=30, n_features=60, n_nonzero=5, random_state=1)
    ours = evidence_ridge(X, y)
    assert ours.alpha == pytest.approx((1 + 2 * a1) / (2 * a2), rel=1e-5, abs=0)
    sk = BayesianRidge(**SK_KW).fit(X, y)
    assert _rel(ours.alpha, sk.alpha_) <= RTOL_SK
    with pytest.raises(ValueError, match="no finite maximum"):
        evidence_ridge(X, y, alpha_prior=(0, 0), lambda_prior=(0, 0))
    # seed 2 (the p > n design above): an interior local maximum, below the hyperprior-bound one
    X, y = _p_greater_than_n()
    local = evidence_ridge(X, y)
    assert local.alpha < 1.0
    far = evidence_ridge(X, y, alpha_init=1e5)
    assert far.alpha == pytest.approx((1 + 2 * a1) / (2 * a2), rel=1e-5, abs=0)
    assert far.log_evidence > local.log_evidence + 1.0


def test_constant_y():
    X, _ = DESIGNS["diabetes_std"]()
    y = np.full(X.shape[0], 0.1)
    with pytest.raises(ValueError, match="no finite maximum"):
        evidence_ridge(X, y, alpha_prior=(0, 0), lambda_prior=(0, 0))
    ours = evidence_ridge(X, y)  # proper hyperpriors: finite, all coefficients exactly 0
    assert ours.converged
    np.testing.assert_array_equal(ours.coef, 0.0)
    assert ours.intercept == 0.1


def test_warns_when_max_iter_is_reached(diabetes_std):
    X, y = diabetes_std
    with pytest.warns(ConvergenceWarning, match="max_iter=2") as record:
        ours = evidence_ridge(X, y, max_iter=2)
    assert record[0].filename == __file__
    assert not ours.converged
    assert ours.n_iter == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert evidence_ridge(X, y, tol=1e-6).converged


# ---------------------------------------------------------------------------------------------
# input validation


def _call(X=None, y=None, **kwargs):
    X0, y0 = DESIGNS["diabetes_std"]()
    return evidence_ridge(X0 if X is None else X, y0 if y is None else y, **kwargs)


_X, _Y = DESIGNS["diabetes_std"]()
_X_NAN = _X.copy()
_X_NAN[3, 2] = np.nan
_Y_NAN = _Y.copy()
_Y_NAN[5] = np.nan


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"X": _X_NAN}, ValueError, "NaN"),
        ({"y": _Y_NAN}, ValueError, "NaN"),
        ({"y": np.array(["a"] * len(_Y))}, ValueError, "y must be numeric"),
        ({"y": _Y[:-1]}, ValueError, "same number of samples"),
        ({"X": _X[:1], "y": _Y[:1]}, ValueError, "minimum of 2"),
        ({"fit_intercept": "yes"}, TypeError, "fit_intercept"),
        ({"alpha_prior": (-1.0, 1.0)}, ValueError, r"alpha_prior\[0\]"),
        ({"alpha_prior": (1.0, np.inf)}, ValueError, r"alpha_prior\[1\]"),
        ({"lambda_prior": (1.0,)}, TypeError, "lambda_prior"),
        ({"lambda_prior": 1.0}, TypeError, "lambda_prior"),
        ({"lambda_prior": (1.0, np.nan)}, ValueError, r"lambda_prior\[1\]"),
        ({"alpha_init": 0.0}, ValueError, "alpha_init"),
        ({"lambda_init": -1.0}, ValueError, "lambda_init"),
        ({"lambda_init": "1"}, TypeError, "lambda_init"),
        ({"tol": 0.0}, ValueError, "tol"),
        ({"tol": None}, TypeError, "tol"),
        ({"max_iter": 0}, ValueError, "max_iter"),
        ({"max_iter": 1.5}, TypeError, "max_iter"),
        ({"max_iter": True}, TypeError, "max_iter"),
        ({"sample_weight": -np.ones(len(_Y))}, ValueError, "sample_weight"),
        ({"sample_weight": np.ones(3)}, ValueError, "sample_weight"),
        ({"sample_weight": np.zeros(len(_Y))}, ValueError, "sample_weight"),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        _call(**kwargs)


def test_log_evidence_bad_input():
    with pytest.raises(ValueError, match="alpha"):
        log_evidence(_X, _Y, 0.0, 1.0)
    with pytest.raises(ValueError, match="lambda_"):
        log_evidence(_X, _Y, 1.0, -1.0)
    with pytest.raises(TypeError, match="alpha_prior"):
        log_evidence(_X, _Y, 1.0, 1.0, alpha_prior=None)


@pytest.mark.parametrize("x_factor,y_factor", [(1e150, 1.0), (1e-150, 1.0), (1.0, 1e150), (1.0, 1e-150), (1e-50, 1e50)])
def test_scale_invariant_hyperpriors_give_the_same_answer_in_any_units(diabetes_std, x_factor, y_factor):
    """With rates 0 the model is scale-invariant; the spectrum is computed in scaled units, so the answer is too."""
    X, y = diabetes_std
    flat = {"alpha_prior": (0.0, 0.0), "lambda_prior": (0.0, 0.0)}
    ref = evidence_ridge(X, y, **flat)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = evidence_ridge(X * x_factor, y * y_factor, **flat)
    unit = y_factor / x_factor
    np.testing.assert_allclose(ours.coef / unit, ref.coef, rtol=1e-10, atol=1e-12 * np.abs(ref.coef).max())
    assert ours.sigma / y_factor == pytest.approx(ref.sigma, rel=1e-10, abs=0)
    assert ours.prior_scale / unit == pytest.approx(ref.prior_scale, rel=1e-10, abs=0)
    assert ours.ridge_alpha / x_factor**2 == pytest.approx(ref.ridge_alpha, rel=1e-10, abs=0)
    np.testing.assert_allclose(
        ours.coef_cov / unit**2, ref.coef_cov, rtol=1e-8, atol=1e-12 * np.abs(ref.coef_cov).max()
    )
    # the density of y in units k times smaller is k^n times larger
    assert ours.log_evidence == pytest.approx(ref.log_evidence - len(y) * np.log(y_factor), rel=1e-10, abs=1e-6)


def test_a_hyperprior_that_dominates_at_these_units_is_warned_about(diabetes_std):
    """Gamma(1e-6, 1e-6) on lambda is negligible for unit-scale data, not for X * 1e150 (||m||^2 ~ 1e-300)."""
    X, y = diabetes_std
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        evidence_ridge(X, y)
    with pytest.warns(UserWarning, match="lambda_prior: the Gamma hyperprior's rate is not negligible") as record:
        evidence_ridge(X * 1e150, y)
    assert record[0].filename == __file__


def test_units_float64_cannot_hold_are_refused(diabetes_std):
    X, y = diabetes_std
    with pytest.raises(ValueError, match="precision float64 cannot hold"):
        evidence_ridge(X * 1e-300, y, alpha_prior=(0.0, 0.0), lambda_prior=(0.0, 0.0))
    with pytest.raises(ValueError, match="rates in the units of X and y overflow"):
        evidence_ridge(X * 1e300, y)
