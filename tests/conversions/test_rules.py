"""The penalty <-> prior scaling rules of bayesreg.conversions.

The rules are checked three ways: as algebraic inverses (property tests), by deriving them
again from PyMC's own log density (the negative log posterior of the built model must be the
scikit-learn objective times a known positive constant), and end to end (the MAP of the prior
twin equals the fitted scikit-learn estimator).
"""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso, Ridge

import bayesreg as br
from bayesreg.analysis.reference import penalized_objective
from bayesreg.conversions import (
    PenaltyWeights,
    enet_from_weights,
    glmnet_from_weights,
    glmnet_y_scale,
    ridge_from_weights,
    weights_from_enet,
    weights_from_enet_path,
    weights_from_glmnet,
    weights_from_ridge,
    weights_from_ridge_path,
)
from bayesreg.likelihoods import Gaussian

RTOL = 1e-12
SETTINGS = settings(max_examples=50, deadline=None)

alphas = st.floats(1e-6, 1e6, allow_nan=False, allow_infinity=False)
sigmas = st.floats(1e-3, 1e3, allow_nan=False, allow_infinity=False)
n_samples = st.integers(1, 10**6)
# Ratios below 1e-12 are excluded: l1 = n alpha rho / sigma^2 then falls into the subnormal range
# for the smallest alpha / largest sigma, and a subnormal cannot carry 12 significant digits.
l1_ratios = st.one_of(st.just(0.0), st.just(1.0), st.floats(1e-12, 1.0, exclude_min=False))
# weights for the reverse direction: each in [1e-6, 1e6] or exactly 0 (never both 0)
weight_values = st.floats(1e-6, 1e6)
weights_strategy = st.one_of(
    st.builds(PenaltyWeights, weight_values, weight_values),
    st.builds(lambda l1: PenaltyWeights(l1, 0.0), weight_values),
    st.builds(lambda l2: PenaltyWeights(0.0, l2), weight_values),
)


# --------------------------------------------------------------------------------------------
# inverses
# --------------------------------------------------------------------------------------------


@SETTINGS
@given(alpha=alphas, l1_ratio=l1_ratios, sigma=sigmas, n=n_samples)
def test_enet_weights_round_trip(alpha, l1_ratio, sigma, n):
    weights = weights_from_enet(alpha, l1_ratio, sigma=sigma, n_samples=n)
    assert weights.l1 >= 0 and weights.l2 >= 0
    assert (weights.l1 == 0) == (l1_ratio == 0)
    assert (weights.l2 == 0) == (l1_ratio == 1)
    alpha_back, ratio_back = enet_from_weights(weights, sigma=sigma, n_samples=n)
    assert alpha_back == pytest.approx(alpha, rel=RTOL, abs=0)
    assert ratio_back == pytest.approx(l1_ratio, rel=RTOL, abs=0)


@SETTINGS
@given(weights=weights_strategy, sigma=sigmas, n=n_samples)
def test_weights_enet_round_trip(weights, sigma, n):
    alpha, l1_ratio = enet_from_weights(weights, sigma=sigma, n_samples=n)
    assert alpha > 0 and 0 <= l1_ratio <= 1
    back = weights_from_enet(alpha, l1_ratio, sigma=sigma, n_samples=n)
    # (alpha, l1_ratio) is ill-conditioned for the smaller weight: 1 - l1_ratio (or l1_ratio) carries
    # an absolute round-off of ~eps, i.e. a relative one of eps * (l1 + 2 l2) / (2 l2) on l2. The
    # tolerance is 1e-12 times that condition number (exactly 1e-12 when l1 and 2 l2 are comparable).
    total = weights.l1 + 2 * weights.l2
    cond_l1 = total / weights.l1 if weights.l1 else 1.0
    cond_l2 = total / (2 * weights.l2) if weights.l2 else 1.0
    assert back.l1 == pytest.approx(weights.l1, rel=RTOL * cond_l1, abs=0)
    assert back.l2 == pytest.approx(weights.l2, rel=RTOL * cond_l2, abs=0)


@SETTINGS
@given(alpha=alphas, sigma=sigmas)
def test_ridge_weights_round_trip(alpha, sigma):
    weights = weights_from_ridge(alpha, sigma=sigma)
    assert weights.l1 == 0.0
    assert ridge_from_weights(weights, sigma=sigma) == pytest.approx(alpha, rel=RTOL, abs=0)


@SETTINGS
@given(l2=weight_values, sigma=sigmas)
def test_weights_ridge_round_trip(l2, sigma):
    weights = PenaltyWeights(0.0, l2)
    back = weights_from_ridge(ridge_from_weights(weights, sigma=sigma), sigma=sigma)
    assert back.l1 == 0.0
    assert back.l2 == pytest.approx(l2, rel=RTOL, abs=0)


@SETTINGS
@given(alpha=alphas, sigma=sigmas, n=n_samples)
def test_enet_with_zero_l1_ratio_is_ridge_with_n_alpha(alpha, sigma, n):
    # ElasticNet(alpha, 0) minimizes RSS/(2n) + alpha/2 ||w||^2, i.e. Ridge(n alpha) / (2n).
    enet = weights_from_enet(alpha, 0.0, sigma=sigma, n_samples=n)
    ridge = weights_from_ridge(n * alpha, sigma=sigma)
    assert enet.l1 == ridge.l1 == 0.0
    assert enet.l2 == pytest.approx(ridge.l2, rel=RTOL, abs=0)


def test_documented_values():
    # the table in DESIGN.md, at simple numbers: sigma = 2, n = 10
    w = weights_from_enet(0.3, 0.25, sigma=2.0, n_samples=10)
    assert w.l1 == pytest.approx(10 * 0.3 * 0.25 / 4, rel=RTOL, abs=0)
    assert w.l2 == pytest.approx(10 * 0.3 * 0.75 / 8, rel=RTOL, abs=0)
    assert weights_from_ridge(4.0, sigma=2.0).l2 == pytest.approx(
        0.5, rel=RTOL, abs=0
    )  # alpha = sigma^2 / tau^2: tau = 1
    assert enet_from_weights(PenaltyWeights(2.0, 0.0), sigma=2.0, n_samples=10) == pytest.approx(
        (0.8, 1.0), rel=RTOL, abs=0
    )


def test_ridge_from_weights_rejects_an_l1_part():
    with pytest.raises(ValueError, match="L1"):
        ridge_from_weights(PenaltyWeights(1.0, 1.0), sigma=1.0)


def test_penalty_weights_penalty():
    w = PenaltyWeights(1.5, 0.25)
    beta = np.array([-2.0, 0.0, 3.0])
    assert w.penalty(beta) == pytest.approx(1.5 * 5.0 + 0.25 * 13.0, rel=RTOL, abs=0)


# --------------------------------------------------------------------------------------------
# independent derivation from PyMC's densities
# --------------------------------------------------------------------------------------------


def _small_data(seed=0, n=23, p=4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p)
    y = 1.5 + X @ rng.normal(0, 2, p) + rng.normal(0, 1.3, n)
    return X, y


def _prior_for(estimator, sigma, n):
    """The prior twin computed straight from the rule in bayesreg.conversions."""
    if isinstance(estimator, Ridge):
        weights = weights_from_ridge(estimator.alpha, sigma=sigma)
    else:
        rho = 1.0 if isinstance(estimator, Lasso) else estimator.l1_ratio
        weights = weights_from_enet(estimator.alpha, rho, sigma=sigma, n_samples=n)
    return br.prior_from_weights(weights)


CASES = [
    # (estimator, sigma); the constant c is n / sigma^2 for (Lasso, ElasticNet), 1 / (2 sigma^2) for Ridge
    (Ridge(alpha=3.7), 1.9),
    (Lasso(alpha=0.41), 0.7),
    (SkElasticNet(alpha=0.9, l1_ratio=0.3), 2.6),
    (SkElasticNet(alpha=0.9, l1_ratio=0.0), 1.1),  # -> a Normal prior, but with the EN constant
]


@pytest.mark.parametrize("estimator, sigma", CASES, ids=["ridge", "lasso", "enet", "enet-rho0"])
def test_neg_log_posterior_is_scaled_objective_in_pymc(estimator, sigma):
    X, y = _small_data()
    n, p = X.shape
    prior = _prior_for(estimator, sigma, n)
    expected_class = {Ridge: br.Normal, Lasso: br.Laplace}.get(type(estimator))
    if expected_class is None:
        expected_class = br.Normal if estimator.l1_ratio == 0 else br.ElasticNet
    assert type(prior) is expected_class
    c = 1.0 / (2.0 * sigma**2) if isinstance(estimator, Ridge) else n / sigma**2

    rm = br.build_model(X, y, prior, likelihood=Gaussian(sigma=sigma))
    assert {v.name for v in rm.model.value_vars} == {"beta", "intercept"}
    logp = rm.model.compile_logp(jacobian=False)

    rng = np.random.default_rng(1)
    points = [(np.zeros(p), 0.0)]  # includes beta = 0, where the L1 term is not differentiable
    points += [(rng.normal(0, s, p) * (rng.random(p) < 0.8), rng.normal(1.5, s)) for s in [0.1, 1.0, 3.0] * 10]
    nlp = np.array([-logp({"beta": w, "intercept": np.asarray(b0)}) for w, b0 in points])
    obj = np.array([penalized_objective(estimator, X, y, w, b0) for w, b0 in points])

    d_nlp = nlp[1:] - nlp[0]
    d_obj = obj[1:] - obj[0]
    # relative agreement of every difference; the absolute floor is round-off in nlp itself
    np.testing.assert_allclose(d_nlp, c * d_obj, rtol=1e-10, atol=1e-13 * np.abs(nlp).max())
    # and between all pairs, not only against the origin
    np.testing.assert_allclose(
        np.subtract.outer(nlp, nlp), c * np.subtract.outer(obj, obj), rtol=1e-10, atol=1e-13 * np.abs(nlp).max()
    )
    # the check has teeth: a different constant (or a penalty off by 2) would not pass
    assert not np.allclose(d_nlp, 2 * c * d_obj, rtol=1e-3)


@pytest.mark.parametrize("estimator, sigma", CASES[:3], ids=["ridge", "lasso", "enet"])
def test_prior_to_sklearn_objective_is_scaled_neg_log_posterior(estimator, sigma):
    # the reverse direction: start from a prior, ask it for its estimator, compare objectives
    # (computed here from the formula in the module docstring, with the estimator's own objective)
    X, y = _small_data(seed=3)
    n, p = X.shape
    prior = _prior_for(estimator, sigma, n)
    sk = prior.to_sklearn(sigma=sigma, n_samples=n)
    assert type(sk) is type(estimator)
    c = 1.0 / (2.0 * sigma**2) if isinstance(sk, Ridge) else n / sigma**2
    rng = np.random.default_rng(4)
    pts = [(rng.normal(0, 2, p), rng.normal()) for _ in range(20)]
    w = prior.weights
    nlp = [
        np.sum((y - b0 - X @ beta) ** 2) / (2 * sigma**2) + w.l1 * np.abs(beta).sum() + w.l2 * beta @ beta
        for beta, b0 in pts
    ]
    obj = [penalized_objective(sk, X, y, beta, b0) for beta, b0 in pts]
    np.testing.assert_allclose(
        np.subtract.outer(nlp, nlp), c * np.subtract.outer(obj, obj), rtol=1e-10, atol=1e-13 * np.abs(nlp).max()
    )


# --------------------------------------------------------------------------------------------
# end to end: fitted estimators and their prior twins
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "estimator, sigma",
    [
        (Ridge(alpha=25.0), 3.0),
        (Lasso(alpha=0.5, tol=1e-12, max_iter=10**6), 2.0),
        (SkElasticNet(alpha=0.6, l1_ratio=0.4, tol=1e-12, max_iter=10**6), 0.8),
    ],
    ids=["ridge", "lasso", "enet"],
)
def test_map_of_prior_twin_matches_fitted_sklearn(estimator, sigma):
    X, y = _small_data(seed=5, n=40, p=6)
    X[:, 4] = 0.05 * X[:, 4]  # a weak column, so that the L1 fits have an exact zero
    n = X.shape[0]
    sk = estimator.fit(X, y)
    prior = _prior_for(sk, sigma, n)
    est = br.BayesianRegression(prior, sigma=sigma).fit(X, y)
    scale = np.abs(sk.coef_).max()
    np.testing.assert_allclose(est.coef_, sk.coef_, rtol=0, atol=1e-8 * scale)
    assert est.intercept_ == pytest.approx(sk.intercept_, rel=1e-8, abs=1e-8 * scale)
    if not isinstance(sk, Ridge):
        assert np.count_nonzero(sk.coef_ == 0) >= 1
        np.testing.assert_array_equal(est.coef_ == 0, sk.coef_ == 0)


# --------------------------------------------------------------------------------------------
# glmnet (gaussian): l1 = n lambda a / sigma^2, l2 = n lambda (1 - a) / (2 s_y sigma^2); the rule itself
# is checked against R glmnet's paths in tests/test_glmnet_reference.py
# --------------------------------------------------------------------------------------------

y_sds = st.floats(1e-3, 1e3)


@SETTINGS
@given(lam=alphas, a=l1_ratios, sigma=sigmas, n=n_samples, y_sd=y_sds)
def test_from_glmnet_weights_and_round_trip(lam, a, sigma, n, y_sd):
    prior = br.from_glmnet(lam, a, sigma=sigma, n_samples=n, y_sd=y_sd)
    assert type(prior) is {0.0: br.Normal, 1.0: br.Laplace}.get(a, br.ElasticNet)
    w = prior.weights
    assert w.l1 == pytest.approx(n * lam * a / sigma**2, rel=RTOL, abs=0)
    assert w.l2 == pytest.approx(n * lam * (1 - a) / (2 * y_sd * sigma**2), rel=RTOL, abs=0)
    direct = weights_from_glmnet(lam, a, sigma=sigma, n_samples=n, y_sd=y_sd)  # before the prior's own scale
    assert (direct.l1, direct.l2) == pytest.approx((w.l1, w.l2), rel=RTOL, abs=0)
    lam_back, a_back = prior.to_glmnet(sigma=sigma, n_samples=n, y_sd=y_sd)
    assert lam_back == pytest.approx(lam, rel=RTOL, abs=0)
    # 1 - a carries an absolute round-off of ~eps: a relative one of eps / a on a
    assert a_back == pytest.approx(a, rel=RTOL, abs=RTOL)


@SETTINGS
@given(weights=weights_strategy, sigma=sigmas, n=n_samples, y_sd=y_sds)
def test_glmnet_from_weights_is_the_inverse(weights, sigma, n, y_sd):
    lam, a = glmnet_from_weights(weights, sigma=sigma, n_samples=n, y_sd=y_sd)
    total = weights.l1 + 2 * y_sd * weights.l2
    assert lam == pytest.approx(sigma**2 * total / n, rel=RTOL, abs=0)
    assert a == pytest.approx(weights.l1 / total, rel=RTOL, abs=0)
    back = weights_from_glmnet(lam, a, sigma=sigma, n_samples=n, y_sd=y_sd)
    cond_l1 = total / weights.l1 if weights.l1 else 1.0  # as in test_weights_enet_round_trip
    cond_l2 = total / (2 * y_sd * weights.l2) if weights.l2 else 1.0
    assert back.l1 == pytest.approx(weights.l1, rel=RTOL * cond_l1, abs=0)
    assert back.l2 == pytest.approx(weights.l2, rel=RTOL * cond_l2, abs=0)


@pytest.mark.parametrize("a", [0.0, 0.3, 1.0])
def test_glmnet_objective_is_scaled_neg_log_posterior(a):
    # glmnet's objective in the units of y, 1/(2n) RSS + lambda a |w|_1 + lambda (1 - a)/(2 s_y) |w|^2,
    # times n / sigma^2 is the negative log posterior of the prior from_glmnet returns (up to a constant)
    X, y = _small_data(seed=7)
    n, p = X.shape
    lam, sigma, y_sd = 0.37, 1.3, glmnet_y_scale(y)
    prior = br.from_glmnet(lam, a, sigma=sigma, n_samples=n, y_sd=y_sd)
    rng = np.random.default_rng(8)
    pts = [(rng.normal(0, 2, p) * (rng.random(p) < 0.7), rng.normal()) for _ in range(20)]
    glmnet_obj = [
        np.sum((y - b0 - X @ w) ** 2) / (2 * n) + lam * a * np.abs(w).sum() + lam * (1 - a) / (2 * y_sd) * w @ w
        for w, b0 in pts
    ]
    nlp = [np.sum((y - b0 - X @ w) ** 2) / (2 * sigma**2) + prior.penalty(w) for w, b0 in pts]
    c = n / sigma**2
    np.testing.assert_allclose(
        np.subtract.outer(nlp, nlp), c * np.subtract.outer(glmnet_obj, glmnet_obj), rtol=1e-10, atol=1e-12
    )
    if a < 1:  # teeth: the old rule (glmnet's lambda as ElasticNet's alpha, no 1 / s_y) does not pass
        old = weights_from_enet(lam, a, sigma=sigma, n_samples=n)
        nlp_old = [np.sum((y - b0 - X @ w) ** 2) / (2 * sigma**2) + old.penalty(w) for w, b0 in pts]
        assert not np.allclose(np.subtract.outer(nlp_old, nlp_old), c * np.subtract.outer(glmnet_obj, glmnet_obj))


def test_from_glmnet_lasso_is_sklearn_lasso_and_needs_no_y_sd():
    lasso = br.from_sklearn(Lasso(alpha=0.2), sigma=1.0, n_samples=50)
    assert br.from_glmnet(0.2, sigma=1.0, n_samples=50) == lasso
    assert br.from_glmnet(0.2, 1.0, sigma=1.0, n_samples=50, y_sd=123.0) == lasso  # y_sd plays no role
    assert lasso.to_glmnet(sigma=1.0, n_samples=50) == pytest.approx((0.2, 1.0), rel=RTOL, abs=0)


def test_from_glmnet_documented_values():
    # sigma = 2, n = 10, lambda = 0.3, a = 0.25, s_y = 5: l1 = 10 * 0.3 * 0.25 / 4, l2 = 10 * 0.3 * 0.75 / (2 * 5 * 4)
    w = br.from_glmnet(0.3, 0.25, sigma=2.0, n_samples=10, y_sd=5.0).weights
    assert (w.l1, w.l2) == pytest.approx((0.1875, 0.05625), rel=RTOL, abs=0)
    # with s_y = 1 (y already of unit 1/n sd) glmnet's L2 part is ElasticNet's
    assert br.from_glmnet(0.3, 0.25, sigma=2.0, n_samples=10, y_sd=1.0) == br.from_sklearn(
        SkElasticNet(alpha=0.3, l1_ratio=0.25), sigma=2.0, n_samples=10
    )


@pytest.mark.parametrize("a", [0.0, 0.5])
def test_from_glmnet_requires_y_sd_below_one(a):
    with pytest.raises(TypeError, match=r"y_sd is required when alpha < 1: glmnet divides y by its own scale"):
        br.from_glmnet(0.3, a, sigma=1.0, n_samples=10)


@pytest.mark.parametrize("prior", [br.Normal(0.3), br.ElasticNet(0.7, 11.0)], ids=repr)
def test_to_glmnet_requires_y_sd_with_an_l2_part(prior):
    with pytest.raises(TypeError, match=r"y_sd is required for a prior with an L2 part.*glmnet divides y"):
        prior.to_glmnet(sigma=1.0, n_samples=10)
    lam, a = prior.to_glmnet(sigma=1.0, n_samples=10, y_sd=2.0)
    assert br.from_glmnet(lam, a, sigma=1.0, n_samples=10, y_sd=2.0).weights.l2 == pytest.approx(
        prior.weights.l2, rel=RTOL, abs=0
    )


@pytest.mark.parametrize(
    "bad, exc",
    [(0.0, ValueError), (-1.0, ValueError), (math.inf, ValueError), (math.nan, ValueError), ("1", TypeError)],
    ids=repr,
)
def test_bad_y_sd(bad, exc):
    with pytest.raises(exc, match="y_sd"):
        br.from_glmnet(0.3, 0.5, sigma=1.0, n_samples=10, y_sd=bad)
    with pytest.raises(exc, match="y_sd"):
        br.Normal(1.0).to_glmnet(sigma=1.0, n_samples=10, y_sd=bad)


def test_glmnet_y_scale():
    y = np.array([1.0, 2.0, 4.0, 9.0])
    assert glmnet_y_scale(y) == pytest.approx(np.std(y), rel=RTOL, abs=0)  # 1/n, centred
    assert glmnet_y_scale(y, intercept=False) == pytest.approx(np.sqrt(np.mean(y**2)), rel=RTOL, abs=0)  # not centred
    with pytest.raises(ValueError, match="constant"):
        glmnet_y_scale(np.full(5, 3.0))
    with pytest.raises(ValueError, match="y must be"):
        glmnet_y_scale(np.array([1.0, np.nan]))
    with pytest.raises(TypeError, match="intercept"):
        glmnet_y_scale(y, intercept=1)


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------

BAD_POSITIVE = [
    (0.0, ValueError),
    (-1.0, ValueError),
    (math.nan, ValueError),
    (np.float64(np.nan), ValueError),
    (math.inf, ValueError),
    (-math.inf, ValueError),
    (True, TypeError),
    ("1.0", TypeError),
    (None, TypeError),
    ([1.0], TypeError),
]
BAD_N = [
    (0, ValueError),
    (-3, ValueError),
    (math.nan, ValueError),
    (math.inf, ValueError),
    (True, TypeError),
    ("10", TypeError),
    (-2.5, ValueError),
    (None, TypeError),
]
BAD_RATIO = [
    (-0.1, ValueError),
    (1.0001, ValueError),
    (math.nan, ValueError),
    (math.inf, ValueError),
    (True, TypeError),
    ("0.5", TypeError),
]

GOOD = {"alpha": 0.5, "l1_ratio": 0.5, "sigma": 1.0, "n_samples": 10}


def _call_enet(alpha, l1_ratio, sigma, n_samples):
    return weights_from_enet(alpha, l1_ratio, sigma=sigma, n_samples=n_samples)


@pytest.mark.parametrize("arg", ["alpha", "sigma"])
@pytest.mark.parametrize("bad, exc", BAD_POSITIVE, ids=repr)
def test_weights_from_enet_rejects_bad_positive(arg, bad, exc):
    with pytest.raises(exc, match=arg):
        _call_enet(**{**GOOD, arg: bad})


@pytest.mark.parametrize("bad, exc", BAD_N, ids=repr)
def test_bad_n_samples(bad, exc):
    with pytest.raises(exc, match="n_samples"):
        _call_enet(**{**GOOD, "n_samples": bad})
    with pytest.raises(exc, match="n_samples"):
        enet_from_weights(PenaltyWeights(1.0, 1.0), sigma=1.0, n_samples=bad)
    with pytest.raises(exc, match="n_samples"):
        br.from_glmnet(0.5, 0.5, sigma=1.0, n_samples=bad, y_sd=1.0)


@pytest.mark.parametrize("bad, exc", BAD_RATIO, ids=repr)
def test_bad_l1_ratio(bad, exc):
    with pytest.raises(exc, match="l1_ratio"):
        _call_enet(**{**GOOD, "l1_ratio": bad})
    # glmnet calls the mixing parameter alpha
    with pytest.raises(exc, match="alpha"):
        br.from_glmnet(0.5, bad, sigma=1.0, n_samples=10, y_sd=1.0)


@pytest.mark.parametrize("bad, exc", BAD_POSITIVE, ids=repr)
def test_bad_input_other_entry_points(bad, exc):
    with pytest.raises(exc, match="alpha"):
        weights_from_ridge(bad, sigma=1.0)
    with pytest.raises(exc, match="sigma"):
        weights_from_ridge(1.0, sigma=bad)
    with pytest.raises(exc, match="sigma"):
        ridge_from_weights(PenaltyWeights(0.0, 1.0), sigma=bad)
    with pytest.raises(exc, match="sigma"):
        enet_from_weights(PenaltyWeights(1.0, 1.0), sigma=bad, n_samples=10)
    with pytest.raises(exc, match="lambda_"):
        br.from_glmnet(bad, 0.5, sigma=1.0, n_samples=10, y_sd=1.0)
    with pytest.raises(exc, match="sigma"):
        br.from_glmnet(0.5, 0.5, sigma=bad, n_samples=10, y_sd=1.0)


@pytest.mark.parametrize(
    "l1, l2, name",
    [
        (-1.0, 1.0, "l1"),
        (1.0, -1.0, "l2"),
        (math.nan, 1.0, "l1"),
        (1.0, math.inf, "l2"),
        ("1", 1.0, "l1"),
        (0.0, 0.0, "both be 0"),
    ],
)
def test_penalty_weights_validation(l1, l2, name):
    with pytest.raises((ValueError, TypeError), match=name):
        PenaltyWeights(l1, l2)


def test_numpy_scalars_are_accepted():
    w = weights_from_enet(np.float32(0.5), np.float64(0.25), sigma=np.float64(2.0), n_samples=np.int64(8))
    assert w == weights_from_enet(0.5, 0.25, sigma=2.0, n_samples=8)


# --------------------------------------------------------------------------------------------
# strengths whose prior does not fit in double precision: refused, naming the strength
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: br.from_sklearn(Lasso(alpha=1e-320), sigma=50.0, n_samples=442), r"^alpha=1e-320 .*underflow"),
        (lambda: br.from_sklearn(Lasso(alpha=1e300), sigma=1e-10, n_samples=442), r"^alpha=1e\+300 .*overflow"),
        (lambda: br.from_sklearn(Ridge(alpha=1e-320), sigma=50.0), r"^alpha=1e-320 .*underflow"),
        (lambda: br.from_sklearn(Ridge(alpha=1e300), sigma=1e-10), r"^alpha=1e\+300 .*overflow"),
        (lambda: br.from_sklearn(SkElasticNet(alpha=1e-320, l1_ratio=0.5), sigma=50.0, n_samples=442), r"^alpha="),
        (lambda: br.from_sklearn(SkElasticNet(alpha=1.0, l1_ratio=1e-320), sigma=1.0, n_samples=10), r"^alpha=1\.0"),
        (lambda: br.from_glmnet(1e-320, sigma=50.0, n_samples=442), r"^lambda_=1e-320 .*underflow"),
        (lambda: br.from_glmnet(1e-310, 0.5, sigma=1.0, n_samples=10, y_sd=1.0), r"^lambda_=1e-310 .*subnormal"),
        (lambda: br.from_glmnet(1e300, 0.0, sigma=1e-10, n_samples=10, y_sd=1.0), r"^lambda_=1e\+300 .*overflow"),
        (lambda: weights_from_enet(1.0, 0.5, sigma=1e-200, n_samples=10), r"^alpha=1\.0 .*overflow"),
        (lambda: weights_from_ridge(1.0, sigma=1e200), r"^alpha=1\.0 .*underflow"),
        (lambda: br.Laplace(1.0).to_glmnet(sigma=1e200, n_samples=3), r"^sigma=1e\+200 .*overflow"),
        (lambda: br.Normal(1.0).to_sklearn(sigma=1e200), r"^sigma=1e\+200 .*overflow"),
        (lambda: enet_from_weights(PenaltyWeights(1.0, 0.0), sigma=1e-200, n_samples=10), r"^sigma=1e-200 .*underflow"),
    ],
)
def test_unrepresentable_strength_is_refused_naming_it(make, match):
    # today these ended in ZeroDivisionError / OverflowError, or a ValueError naming the derived scale
    with pytest.raises(ValueError, match=match):
        make()


def test_extreme_but_representable_strengths_convert_exactly():
    # Lasso(alpha=1e-300): l1 = 442e-300 / 2500 is a normal double, the scale b = 5.66e300
    prior = br.from_sklearn(Lasso(alpha=1e-300), sigma=50.0, n_samples=442)
    assert prior.scale == pytest.approx(2500 / 442e-300, rel=RTOL, abs=0)
    assert prior.to_sklearn(sigma=50.0, n_samples=442).alpha == pytest.approx(1e-300, rel=RTOL, abs=0)
    ridge = br.from_sklearn(Ridge(alpha=1e300), sigma=1.0)  # tau = 1e-150
    assert ridge.scale == pytest.approx(1e-150, rel=RTOL, abs=0)
    assert ridge.to_sklearn(sigma=1.0).alpha == pytest.approx(1e300, rel=RTOL, abs=0)


@pytest.mark.parametrize("value", [5e-324, 1e-310, 2.2e-308])
def test_penalty_weights_refuse_subnormal(value):
    with pytest.raises(ValueError, match=r"^l1=.*subnormal"):
        PenaltyWeights(value, 1.0)
    with pytest.raises(ValueError, match=r"^l2=.*subnormal"):
        PenaltyWeights(1.0, value)


# ---- tests sharpened by mutation testing (mutation/README.md) ----


@pytest.mark.parametrize(
    "bad",
    [np.ones((3, 2)), np.array([]), np.array([[1.0, 2.0, 3.0]]), np.array(3.0)],
    ids=["2-d", "empty", "row", "0-d"],
)
def test_glmnet_y_scale_refuses_what_is_not_a_non_empty_vector(bad):
    with pytest.raises(ValueError, match="non-empty 1-d array"):
        glmnet_y_scale(bad)


def test_glmnet_y_scale_of_a_single_value():
    assert glmnet_y_scale(np.array([-5.0]), intercept=False) == 5.0
    with pytest.raises(ValueError, match="constant"):
        glmnet_y_scale(np.array([-5.0]))


@pytest.mark.parametrize(
    "value, problem",
    [
        (math.nan, "not a number"),
        (math.inf, "overflow"),
        (1e309, "overflow"),
        (0.0, "underflow to 0"),
        (1e-310, "subnormal range"),
    ],
)
def test_check_normal_float_names_the_problem(value, problem):
    from bayesreg._validation import check_normal_float

    with pytest.raises(ValueError, match=problem):
        check_normal_float(value, "scale", what="l1 = 1 / scale")
    assert check_normal_float(2.5e-308, "scale") == 2.5e-308
    assert check_normal_float(1.7e308, "scale") == 1.7e308


@pytest.mark.parametrize("bad", [1.0 + 1e-12, 1.5, 2.0, 7.0])
def test_l1_ratio_above_one_is_refused(bad):
    from bayesreg._validation import check_l1_ratio

    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        check_l1_ratio(bad)
    with pytest.raises(ValueError, match=r"alpha must lie in \[0, 1\]"):
        weights_from_glmnet(1.0, bad, sigma=1.0, n_samples=10, y_sd=1.0)
    assert check_l1_ratio(1.0) == 1.0 and check_l1_ratio(0.0) == 0.0


def test_penalty_weights_are_immutable():
    import dataclasses

    weights = PenaltyWeights(1.0, 2.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        weights.l1 = 3.0


def test_check_positive_states_the_bound():
    from bayesreg._validation import check_positive

    with pytest.raises(ValueError, match="scale must be > 0, got 0.0"):
        check_positive(0.0, "scale")
    with pytest.raises(ValueError, match="eps must be >= 0, got -1.0"):
        check_positive(-1.0, "eps", allow_zero=True)
    assert check_positive(0.0, "eps", allow_zero=True) == 0.0


def test_smallest_normal_double_is_accepted():
    tiny = float(np.finfo(float).tiny)
    from bayesreg._validation import check_normal_float

    assert check_normal_float(tiny, "l1") == tiny
    assert PenaltyWeights(tiny, 0.0).l1 == tiny


def test_glmnet_default_alpha_is_the_lasso():
    """glmnet's default mixing parameter is alpha = 1 (the lasso): no L2 part, no y_sd needed."""
    weights = weights_from_glmnet(0.5, sigma=2.0, n_samples=10)
    assert weights == PenaltyWeights(10 * 0.5 / 4.0, 0.0)


@pytest.mark.parametrize("l2", [1e-3, 0.5, 1.0])
def test_to_glmnet_requires_y_sd_for_any_l2_part(l2):
    with pytest.raises(TypeError, match="y_sd is required"):
        glmnet_from_weights(PenaltyWeights(0.0, l2), sigma=1.0, n_samples=10)
    lam, a = glmnet_from_weights(PenaltyWeights(0.0, l2), sigma=1.0, n_samples=10, y_sd=2.0)
    assert a == 0.0 and lam == pytest.approx(2.0 * 2.0 * l2 / 10, rel=1e-15, abs=0)


@pytest.mark.parametrize("factor", [1e-3, 0.5, 1e3])
def test_glmnet_y_scale_of_small_and_large_y(factor):
    y = np.array([1.0, 2.0, 4.0, 9.0]) * factor
    assert glmnet_y_scale(y) == pytest.approx(np.std([1.0, 2.0, 4.0, 9.0]) * factor, rel=1e-12, abs=0)


@pytest.mark.parametrize("factor", [1e-200, 1e200])
@pytest.mark.parametrize("intercept", [True, False])
def test_glmnet_y_scale_at_any_scale(factor, intercept):
    """It squared y: 1e+-200 over- or underflowed (found by mutation testing)."""
    from bayesreg.conversions import glmnet_y_scale

    y = np.array([1.0, 2.0, 4.0, -3.0])
    assert glmnet_y_scale(y * factor, intercept=intercept) == pytest.approx(
        glmnet_y_scale(y, intercept=intercept) * factor, rel=1e-14, abs=0
    )


# --- LogisticRegression and the glmnet binomial / poisson families (dispersion 1) --------------------------


@pytest.mark.parametrize("C, l1_ratio", [(1.0, 0.0), (0.25, 1.0), (3.0, 0.5), (1e-3, 0.1), (7e4, 0.9)])
def test_logistic_rules_are_the_objective_divided_by_C(C, l1_ratio):
    """``C sum logloss + r |w|_1 + (1 - r)/2 |w|^2`` divided by C: l1 = r / C, l2 = (1 - r) / (2 C); and back."""
    from bayesreg.conversions import logistic_from_weights, weights_from_logistic

    weights = weights_from_logistic(C, l1_ratio)
    assert weights.l1 == pytest.approx(l1_ratio / C, rel=1e-15, abs=0)
    assert weights.l2 == pytest.approx((1 - l1_ratio) / (2 * C), rel=1e-15, abs=0)
    back_C, back_ratio = logistic_from_weights(weights)
    assert back_C == pytest.approx(C, rel=1e-15, abs=0) and back_ratio == pytest.approx(l1_ratio, rel=1e-15, abs=1e-16)


def test_logistic_rules_refuse_what_has_no_prior():
    from bayesreg.conversions import weights_from_logistic

    with pytest.raises(ValueError, match="C must be finite"):
        weights_from_logistic(np.inf)
    with pytest.raises(ValueError, match="C must be > 0"):
        weights_from_logistic(0.0)
    with pytest.raises(ValueError, match=r"C=1e-320 .*overflow"):
        weights_from_logistic(1e-320)
    with pytest.raises(ValueError, match="l1_ratio must lie in"):
        weights_from_logistic(1.0, 1.5)


@pytest.mark.parametrize("family", ["binomial", "poisson"])
def test_glmnet_glm_families_have_no_sigma_and_no_y_scale(family):
    """-(1/n) loglik + lambda a |w|_1 + lambda (1 - a)/2 |w|^2 times n: l1 = n lambda a, l2 = n lambda (1 - a) / 2."""
    weights = weights_from_glmnet(0.02, 0.3, n_samples=150, family=family)
    assert weights.l1 == pytest.approx(150 * 0.02 * 0.3, rel=1e-15, abs=0)
    assert weights.l2 == pytest.approx(150 * 0.02 * 0.7 / 2, rel=1e-15, abs=0)
    lam, a = glmnet_from_weights(weights, n_samples=150, family=family)
    assert lam == pytest.approx(0.02, rel=1e-15, abs=0) and a == pytest.approx(0.3, rel=1e-14, abs=0)
    with pytest.raises(TypeError, match=f"sigma: the {family} family has no noise scale"):
        weights_from_glmnet(0.02, 0.3, sigma=1.0, n_samples=150, family=family)
    with pytest.raises(TypeError, match=f"y_sd: the {family} family"):
        glmnet_from_weights(weights, n_samples=150, y_sd=2.0, family=family)


def test_glmnet_family_is_checked_and_the_gaussian_still_needs_sigma():
    with pytest.raises(ValueError, match="family must be one of"):
        weights_from_glmnet(0.1, 1.0, n_samples=10, family="multinomial")
    with pytest.raises(TypeError, match="sigma is required for the gaussian family"):
        weights_from_glmnet(0.1, 1.0, n_samples=10)


# --- the same rules along a path of strengths ----------------------------------------------------------------------


@pytest.mark.parametrize("rho", [1.0, 0.5, 0.1, 0.0])
def test_path_weights_are_the_rules_own_for_each_strength(rho):
    alphas = np.geomspace(1e4, 1e-4, 37)
    got = weights_from_enet_path(alphas, rho, sigma=1.7, n_samples=442)
    assert got == [weights_from_enet(a, rho, sigma=1.7, n_samples=442) for a in alphas]
    assert all(type(w.l1) is float and type(w.l2) is float for w in got)
    ridge = weights_from_ridge_path(list(alphas), sigma=0.3)
    assert ridge == [weights_from_ridge(a, sigma=0.3) for a in alphas]


@pytest.mark.parametrize("alphas", [[1.0, -1.0], [1.0, np.nan], [2.0, 1e-320], [True], ["a"], [1.0, np.inf]])
def test_path_weights_refuse_what_the_rules_refuse_with_their_messages(alphas):
    for path_rule, rule in [
        (
            lambda v: weights_from_enet_path(v, 0.5, sigma=1.0, n_samples=442),
            lambda a: weights_from_enet(a, 0.5, sigma=1.0, n_samples=442),
        ),
        (lambda v: weights_from_ridge_path(v, sigma=1.0), lambda a: weights_from_ridge(a, sigma=1.0)),
    ]:
        with pytest.raises((TypeError, ValueError)) as expected:
            for a in alphas:
                rule(a)
        with pytest.raises(expected.type, match=re.escape(str(expected.value))):
            path_rule(alphas)
