"""Prior objects: their PyMC densities, normalization, draws, prox and sklearn conversions."""

import math

import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import integrate, optimize, special, stats
from sklearn.base import clone
from sklearn.linear_model import (
    ElasticNet as SkElasticNet,
)
from sklearn.linear_model import (
    ElasticNetCV,
    HuberRegressor,
    Lasso,
    LassoCV,
    LinearRegression,
    MultiTaskElasticNet,
    MultiTaskLasso,
    Ridge,
    RidgeCV,
)

import bayesreg as br
from bayesreg.priors import ElasticNet, Laplace, Normal

SETTINGS = settings(max_examples=50, deadline=None)
# CustomDist's Python random function runs in numba's object mode, which warns once per compile
numba_object_mode = pytest.mark.filterwarnings("ignore:Numba will use object mode:UserWarning")

PRIORS = [
    Normal(0.7),
    Laplace(1.3),
    ElasticNet(0.8, 1.7),
    ElasticNet(1e3, 1e-3),  # l1 / (2 sqrt(l2)) ~ 1.6e4: exp(x^2) erfc(x) would be inf * 0 without erfcx
    ElasticNet(1e-3, 1e3),
    ElasticNet(1e4, 1e-8),  # x = 5e7
]
VALUES = np.array([0.0, -0.0, 1e-9, -1e-3, 0.25, -1.0, 2.5, -7.0])


def _density(prior):
    """exp(-neg_log_density), inlined for speed (test_neg_log_density_is_penalty_plus_constant ties them)."""
    l1, l2, log_z = prior.weights.l1, prior.weights.l2, prior.log_normalizer
    assert math.exp(-l1 * 0.3 - l2 * 0.09 - log_z) == pytest.approx(
        math.exp(-prior.neg_log_density(0.3)), rel=1e-13, abs=0
    )
    return lambda b: math.exp(-l1 * abs(b) - l2 * b * b - log_z)


def _support_scale(prior):
    """A length beyond which the density is below exp(-50) of its peak."""
    w = prior.weights
    return 50.0 / (w.l1 + math.sqrt(w.l2))


def _moment_integral(prior, k):
    """integral of b^k p(b) db over the real line, by quadrature (even k; symmetric density)."""
    f = _density(prior)
    L = _support_scale(prior)
    cuts = [0.0, L / 500, L / 50, L / 5, L]
    total = sum(
        integrate.quad(lambda b: b**k * f(b), a, c, epsabs=0, epsrel=1e-13, limit=200)[0]
        for a, c in zip(cuts[:-1], cuts[1:], strict=True)
    )
    total += integrate.quad(lambda b: b**k * f(b), L, np.inf, epsabs=0, epsrel=1e-13)[0]
    return 2.0 * total


# --------------------------------------------------------------------------------------------
# densities
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("prior", PRIORS, ids=repr)
def test_pymc_logp_equals_minus_neg_log_density(prior):
    with pm.Model():
        var = prior.build("beta", shape=len(VALUES))
    value = pt.vector("value")
    logp = pytensor.function([value], pm.logp(var, value))(VALUES)
    expected = np.array([-prior.neg_log_density(v) for v in VALUES])
    assert np.all(np.isfinite(logp))
    np.testing.assert_allclose(logp, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("scale", [0.05, 1.0, 30.0])
def test_neg_log_density_matches_scipy(scale):
    # an independent check of the constants for the two textbook densities
    np.testing.assert_allclose(
        [Normal(scale).neg_log_density(v) for v in VALUES], -stats.norm(0, scale).logpdf(VALUES), rtol=1e-13, atol=1e-13
    )
    np.testing.assert_allclose(
        [Laplace(scale).neg_log_density(v) for v in VALUES],
        -stats.laplace(0, scale).logpdf(VALUES),
        rtol=1e-13,
        atol=1e-13,
    )


@pytest.mark.parametrize("prior", PRIORS, ids=repr)
def test_neg_log_density_is_penalty_plus_constant_and_sums(prior):
    w = prior.weights
    assert prior.penalty(VALUES) == pytest.approx(
        w.l1 * np.abs(VALUES).sum() + w.l2 * (VALUES**2).sum(), rel=1e-14, abs=0
    )
    assert prior.neg_log_density(VALUES) == pytest.approx(
        sum(prior.neg_log_density(v) for v in VALUES), rel=1e-12, abs=1e-12
    )
    assert prior.neg_log_density(VALUES) - prior.penalty(VALUES) == pytest.approx(
        len(VALUES) * prior.log_normalizer, rel=1e-12, abs=1e-12
    )


@pytest.mark.parametrize(
    "l1, l2",
    [(1.0, 1.0), (3.0, 0.2), (0.2, 3.0), (1e3, 1e-3), (1e-3, 1e3), (1e4, 1e-8), (1e-8, 1e4), (50.0, 50.0)],
)
def test_elastic_net_density_integrates_to_one(l1, l2):
    prior = ElasticNet(l1, l2)
    assert math.isfinite(prior.log_normalizer)
    assert _moment_integral(prior, 0) == pytest.approx(1.0, rel=1e-9, abs=0)


def test_elastic_net_normalizer_limits():
    # l2 -> 0: Laplace(1 / l1); l1 -> 0: Normal(sd = 1 / sqrt(2 l2)). First-order corrections are
    # O(l2 / l1^2) and O(l1 / sqrt(l2)), both 1e-10 here.
    assert ElasticNet(1e4, 1e-2).log_normalizer == pytest.approx(Laplace(1e-4).log_normalizer, abs=1e-9)
    assert ElasticNet(1e-10, 0.5).log_normalizer == pytest.approx(Normal(1.0).log_normalizer, abs=1e-9)
    # naive exp(x^2) erfc(x) overflows in this regime; erfcx does not
    x = 1e3 / (2 * math.sqrt(1e-3))
    with np.errstate(over="ignore", invalid="ignore"):
        assert not np.isfinite(np.exp(x**2) * special.erfc(x))
    assert math.isfinite(ElasticNet(1e3, 1e-3).log_normalizer)


# --------------------------------------------------------------------------------------------
# closed forms: standard deviation and mass near zero
# --------------------------------------------------------------------------------------------

MOMENT_PRIORS = [
    Normal(0.7),
    Laplace(1.3),
    *[ElasticNet(l1, l2) for l1, l2 in [(0.8, 1.7), (1e3, 1e-3), (1e-3, 1e3), (1e4, 1e-8), (3.0, 2.25), (2.0, 0.25)]],
]


def _mass_by_quadrature(prior, eps):
    f = _density(prior)
    cuts = np.linspace(0.0, eps, 6)
    return 2.0 * sum(
        integrate.quad(f, a, c, epsabs=0, epsrel=1e-13, limit=200)[0] for a, c in zip(cuts[:-1], cuts[1:], strict=True)
    )


@pytest.mark.parametrize("prior", MOMENT_PRIORS, ids=repr)
def test_std_matches_quadrature(prior):
    # z = l1 / (2 sqrt(l2)) spans 3e-1, 1.6e4, 1.6e-8, 5e7, 1, 2: both branches of the closed form
    assert prior.std() == pytest.approx(math.sqrt(_moment_integral(prior, 2)), rel=1e-10, abs=0)


@pytest.mark.parametrize("prior", MOMENT_PRIORS, ids=repr)
@pytest.mark.parametrize("frac", [1e-9, 1e-3, 0.05, 0.3, 1.0, 2.5])
def test_mass_near_zero_matches_quadrature(prior, frac):
    eps = frac * prior.std()
    assert prior.mass_near_zero(eps) == pytest.approx(_mass_by_quadrature(prior, eps), rel=1e-10, abs=0)


@pytest.mark.parametrize("prior", MOMENT_PRIORS, ids=repr)
def test_mass_near_zero_edges(prior):
    assert prior.mass_near_zero(0.0) == 0.0
    assert prior.mass_near_zero(1e3 * prior.std()) == 1.0
    masses = [prior.mass_near_zero(f * prior.std()) for f in np.geomspace(1e-6, 10, 30)]
    assert np.all(np.diff(masses) > 0)
    with pytest.raises(ValueError, match="eps"):
        prior.mass_near_zero(-1.0)
    with pytest.raises(TypeError, match="eps"):
        prior.mass_near_zero("0.1")


def test_closed_forms_of_normal_and_laplace():
    assert Normal(2.0).mass_near_zero(0.5) == pytest.approx(
        stats.norm.cdf(0.25) - stats.norm.cdf(-0.25), rel=1e-14, abs=0
    )
    assert Laplace(2.0).mass_near_zero(0.5) == pytest.approx(-math.expm1(-0.25), rel=1e-15, abs=0)
    assert Laplace(2.0).std() == pytest.approx(2.0 * math.sqrt(2.0), rel=1e-15, abs=0)
    # small masses keep all their digits (1 - exp(-x) computed as -expm1(-x))
    assert Laplace(1.0).mass_near_zero(1e-20) == pytest.approx(1e-20, rel=1e-15, abs=0)
    assert Normal(1.0).mass_near_zero(1e-20) == pytest.approx(1e-20 * math.sqrt(2 / math.pi), rel=1e-15, abs=0)


@pytest.mark.parametrize("exponent", range(-300, 301, 25))
def test_laplace_closed_forms_exact_at_every_scale(exponent):
    b = 1.7 * 10.0**exponent
    prior = Laplace(b)
    assert prior.std() / b == pytest.approx(math.sqrt(2.0), rel=1e-15, abs=0)
    assert prior.mass_near_zero(0.1 * b) == pytest.approx(-math.expm1(-0.1), rel=1e-14, abs=0)
    assert prior.mass_near_zero(1e-12 * b) == pytest.approx(1e-12, rel=1e-11, abs=0)


@pytest.mark.parametrize("exponent", range(-150, 151, 25))
def test_normal_closed_forms_exact_at_every_scale(exponent):
    tau = 1.3 * 10.0**exponent  # Normal's representable range is about 5e-155 .. 4.7e153
    prior = Normal(tau)
    assert prior.std() == tau
    assert prior.mass_near_zero(0.1 * tau) == pytest.approx(math.erf(0.1 / math.sqrt(2.0)), rel=1e-14, abs=0)


# base elastic nets with z = l1 / (2 sqrt(l2)) from 1e-8 to 5e5, rescaled b -> c b: l1 / c, l2 / c^2
SCALE_BASES = [(2e-8, 1.0), (0.5, 1.0), (2.0, 1.0), (3.0, 1.0), (20.0, 1.0), (1e6, 1.0)]


@pytest.mark.parametrize("l1, l2", SCALE_BASES)
@pytest.mark.parametrize("exponent", range(-150, 151, 30))
def test_elastic_net_closed_forms_scale_exactly(l1, l2, exponent):
    # the elastic-net prior of b / c: std and masses scale with c, at every representable scale
    c = 10.0**exponent
    base, scaled = ElasticNet(l1, l2), ElasticNet(l1 / c, l2 / c**2)
    assert scaled.std() / c == pytest.approx(base.std(), rel=1e-13, abs=0)
    for frac in [1e-10, 0.1, 1.0]:
        eps = frac * base.std()
        assert scaled.mass_near_zero(eps * c) == pytest.approx(base.mass_near_zero(eps), rel=1e-13, abs=0)


def test_elastic_net_closed_forms_at_the_extremes():
    # z = l1 / (2 sqrt(l2)) overflows: a Laplace(1 / l1) to double precision
    laplace_like = ElasticNet(1e300, 1e-300)
    assert math.isfinite(laplace_like.log_normalizer)
    assert laplace_like.log_normalizer == pytest.approx(math.log(2e-300), rel=1e-15, abs=0)
    assert laplace_like.std() == pytest.approx(math.sqrt(2.0) * 1e-300, rel=1e-15, abs=0)
    assert laplace_like.mass_near_zero(1e-300) == pytest.approx(-math.expm1(-1.0), rel=1e-15, abs=0)
    # z underflows: a Normal(1 / sqrt(2 l2))
    normal_like = ElasticNet(1e-300, 1e300)
    tau = 1.0 / math.sqrt(2e300)
    assert normal_like.std() == pytest.approx(tau, rel=1e-15, abs=0)
    assert normal_like.mass_near_zero(0.1 * tau) == pytest.approx(math.erf(0.1 / math.sqrt(2.0)), rel=1e-14, abs=0)
    assert normal_like.log_normalizer == pytest.approx(Normal(tau).log_normalizer, rel=1e-15, abs=0)
    # and the variance moves monotonically from the Normal to the Laplace value as z grows
    z = np.geomspace(1e-6, 1e8, 200)
    ratios = [ElasticNet(2 * zi, 1.0).std() ** 2 / 0.5 for zi in z]  # Var / Var(l1 = 0)
    assert np.all(np.diff(ratios) < 0) and ratios[0] == pytest.approx(1.0, rel=1e-5, abs=0)
    laplace_ratio = [ElasticNet(2 * zi, 1.0).std() ** 2 / (2.0 / (2 * zi) ** 2) for zi in z]  # Var / Var(l2 = 0)
    # increasing up to round-off once it saturates at 1 (q(z) = 1 - 3/(2 z^2) + ...)
    assert np.all(np.diff(laplace_ratio) > -1e-15) and laplace_ratio[-1] == pytest.approx(1.0, rel=1e-15, abs=0)


@pytest.mark.parametrize(
    "prior", [ElasticNet(1e300, 1e-300), ElasticNet(1e-300, 1e300), ElasticNet(1e20, 1e-20)], ids=repr
)
def test_pymc_logp_at_extreme_elastic_net_weights(prior):
    values = np.array([0.0, 1e-300, -3e-150, 2e-10, -1.0])
    with pm.Model():
        var = prior.build("beta", shape=len(values))
    logp = pytensor.function([], pm.logp(var, pt.as_tensor(values)))()
    assert np.all(np.isfinite(logp))
    expected = -np.array([prior.neg_log_density(v) for v in values])
    np.testing.assert_allclose(logp, expected, rtol=1e-13)


# --------------------------------------------------------------------------------------------
# scales beyond double precision are refused at construction
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: Normal(1e-300), r"^scale=1e-300: l2 = 1 / \(2 scale\^2\) = inf \(overflow\)"),
        (lambda: Normal(1e160), r"^scale=1e\+160: .*underflow"),
        (lambda: Normal(5e-324), r"^scale=5e-324"),
        (lambda: Laplace(1e-320), r"^scale=1e-320: l1 = 1 / scale = inf \(overflow\)"),
        (lambda: Laplace(1e308), r"^scale=1e\+308: .*subnormal"),
        (lambda: ElasticNet(1e-320, 1.0), r"^l1=1e-320 .*subnormal"),
        (lambda: ElasticNet(1.0, 1e-310), r"^l2=1e-310 .*subnormal"),
        (lambda: ElasticNet(5e-324, 5e-324), r"^l1="),
    ],
)
def test_unrepresentable_scales_are_refused_at_construction(make, match):
    # these used to be accepted and failed later (ZeroDivisionError, OverflowError, or prior_std = 0.0)
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("prior", [Normal(1e-154), Normal(4e153), Laplace(1e-307), Laplace(4e307)], ids=repr)
def test_extreme_representable_scales_are_usable(prior):
    w = prior.weights
    assert all(math.isfinite(v) for v in (w.l1, w.l2, prior.log_normalizer, prior.std()))
    assert prior.std() == pytest.approx(
        prior.scale * (1.0 if isinstance(prior, Normal) else math.sqrt(2.0)), rel=1e-15, abs=0
    )
    assert 0.0 < prior.mass_near_zero(prior.std()) < 1.0
    assert prior == type(prior)(**prior.params())


# --------------------------------------------------------------------------------------------
# random draws
# --------------------------------------------------------------------------------------------


def _numerical_cdf(prior, n_grid=2001):
    """The CDF by quadrature on a grid of [0, L] (per interval), linearly interpolated."""
    f = _density(prior)
    L = _support_scale(prior) / 3  # density below exp(-16) of its peak beyond L
    grid = np.linspace(0.0, L, n_grid)
    pieces = [integrate.quad(f, a, b, epsabs=0, epsrel=1e-12)[0] for a, b in zip(grid[:-1], grid[1:], strict=True)]
    cum = np.concatenate([[0.0], np.cumsum(pieces)])
    assert cum[-1] == pytest.approx(0.5, abs=1e-6)  # half the mass on each side

    def cdf(x):
        x = np.asarray(x, dtype=float)
        return 0.5 + np.sign(x) * np.interp(np.abs(x), grid, cum, right=0.5)

    return cdf


@numba_object_mode
@pytest.mark.parametrize("l1, l2", [(1.0, 2.0), (6.0, 0.3), (0.2, 4.0)])
def test_elastic_net_draws_match_density(l1, l2):
    prior = ElasticNet(l1, l2)
    n_draws = 20_000
    with pm.Model():
        var = prior.build("beta", shape=n_draws)
    draws = pm.draw(var, random_seed=20240611)
    assert draws.shape == (n_draws,)
    assert np.all(np.isfinite(draws))

    ks = stats.kstest(draws, _numerical_cdf(prior))
    assert ks.pvalue > 1e-3, ks

    # second moment against quadrature, within 4 standard errors of the sample mean of b^2
    var_num = _moment_integral(prior, 2)
    m4 = _moment_integral(prior, 4)
    se = math.sqrt((m4 - var_num**2) / n_draws)
    assert abs(np.mean(draws**2) - var_num) < 4 * se
    # symmetric: the fraction of positive draws is 1/2 within 4 binomial standard errors
    assert abs(np.mean(draws > 0) - 0.5) < 4 * math.sqrt(0.25 / n_draws)


@numba_object_mode
def test_draws_are_reproducible_and_detect_a_wrong_density():
    with pm.Model():
        var = ElasticNet(1.0, 2.0).build("beta", shape=5000)
    a = pm.draw(var, random_seed=7)
    np.testing.assert_array_equal(a, pm.draw(var, random_seed=7))
    # the KS test used above has power: the draws are rejected against a prior with twice the l2
    assert stats.kstest(a, _numerical_cdf(ElasticNet(1.0, 4.0))).pvalue < 1e-3


# --------------------------------------------------------------------------------------------
# prox
# --------------------------------------------------------------------------------------------

prior_strategy = st.one_of(
    st.builds(Normal, st.floats(1e-2, 1e2)),
    st.builds(Laplace, st.floats(1e-2, 1e2)),
    st.builds(ElasticNet, st.floats(1e-2, 1e2), st.floats(1e-2, 1e2)),
)


def _prox_objective(prior, v, step):
    return lambda b: 0.5 * (b - v) ** 2 + step * prior.penalty(b)


@SETTINGS
@given(prior=prior_strategy, v=st.floats(-50, 50), step=st.floats(1e-3, 1e2))
def test_prox_is_the_argmin(prior, v, step):
    out = prior.prox(v, step)
    obj = _prox_objective(prior, v, step)
    # the minimizer lies between 0 and v
    brute = optimize.minimize_scalar(
        obj, bounds=(-abs(v) - 1, abs(v) + 1), method="bounded", options={"xatol": 1e-12}
    ).x
    # the objective is 1-strongly convex, so obj(x) >= obj(prox) + (x - prox)^2 / 2 for every x: this
    # bounds the distance to the search's point without trusting the search near the kink at 0
    # (bounded Brent stops ~1e-5 away there, measured for Laplace(0.99999), v = step = 0.99999)
    slack = 1e-12 * (1 + obj(brute))
    assert obj(brute) - obj(float(out)) >= 0.5 * (brute - float(out)) ** 2 - slack
    # the prox is at least as good as the brute-force search, up to round-off
    assert obj(float(out)) <= obj(brute) + slack


@SETTINGS
@given(prior=prior_strategy, u=st.floats(-1, 1), step=st.floats(1e-3, 1e2))
def test_prox_is_exactly_zero_inside_threshold(prior, u, step):
    threshold = step * prior.weights.l1
    v = u * threshold
    assert prior.prox(v, step) == 0.0
    assert prior.prox(np.array([v, -v]), step).tolist() == [0.0, 0.0]


@SETTINGS
@given(prior=prior_strategy, v=st.floats(-50, 50), step=st.floats(1e-3, 1e2))
def test_prox_nonzero_outside_threshold_and_satisfies_optimality(prior, v, step):
    w = prior.weights
    assume(abs(v) > step * w.l1 * (1 + 1e-9) + 1e-12)
    b = float(prior.prox(v, step))
    assert b != 0.0 and np.sign(b) == np.sign(v) and abs(b) <= abs(v)
    # stationarity: v - b = step (l1 sign(b) + 2 l2 b)
    assert v - b == pytest.approx(step * (w.l1 * np.sign(b) + 2 * w.l2 * b), rel=1e-9, abs=1e-12 * (1 + abs(v)))


def test_prox_vectorized_matches_scalar():
    prior = ElasticNet(1.5, 0.5)
    v = np.linspace(-5, 5, 41)
    out = prior.prox(v, 0.7)
    assert out.shape == v.shape
    np.testing.assert_array_equal(out, [prior.prox(x, 0.7) for x in v])
    assert np.count_nonzero(out == 0.0) == np.count_nonzero(np.abs(v) <= 0.7 * 1.5)


# --------------------------------------------------------------------------------------------
# to_sklearn / from_sklearn
# --------------------------------------------------------------------------------------------


def _assert_same_prior(a, b, rtol=1e-12):
    assert type(a) is type(b), (a, b)
    for key, value in a.params().items():
        if value is None:  # a penalty factor that neither has
            assert b.params()[key] is None, (a, b)
            continue
        assert b.params()[key] == pytest.approx(value, rel=rtol, abs=0), (a, b)


def test_to_sklearn_documented_strengths():
    sigma, n = 1.7, 40
    ridge = Normal(0.6).to_sklearn(sigma=sigma, n_samples=n)
    assert type(ridge) is Ridge and ridge.alpha == pytest.approx(sigma**2 / 0.6**2, rel=1e-14, abs=0)
    assert Normal(0.6).to_sklearn(sigma=sigma).alpha == ridge.alpha  # n plays no role for Ridge
    lasso = Laplace(0.3).to_sklearn(sigma=sigma, n_samples=n)
    assert type(lasso) is Lasso and lasso.alpha == pytest.approx(sigma**2 / (n * 0.3), rel=1e-14, abs=0)
    enet = ElasticNet(2.0, 5.0).to_sklearn(sigma=sigma, n_samples=n)
    assert type(enet) is SkElasticNet
    # alpha rho = sigma^2 l1 / n, alpha (1 - rho) = 2 sigma^2 l2 / n
    assert enet.alpha * enet.l1_ratio == pytest.approx(sigma**2 * 2.0 / n, rel=1e-14, abs=0)
    assert enet.alpha * (1 - enet.l1_ratio) == pytest.approx(2 * sigma**2 * 5.0 / n, rel=1e-14, abs=0)
    assert enet.l1_ratio == pytest.approx(2.0 / 12.0, rel=1e-14, abs=0)


@SETTINGS
@given(prior=prior_strategy, sigma=st.floats(1e-3, 1e3), n=st.integers(1, 10**6))
def test_from_sklearn_of_to_sklearn_round_trips(prior, sigma, n):
    est = prior.to_sklearn(sigma=sigma, n_samples=n)
    # the ElasticNet (alpha, l1_ratio) round trip loses ~eps / min(rho, 1 - rho) in the smaller weight
    w = prior.weights
    cond = max(1.0, (w.l1 + 2 * w.l2) / min(x for x in (w.l1, 2 * w.l2) if x > 0))
    _assert_same_prior(prior, br.from_sklearn(est, sigma=sigma, n_samples=n), rtol=1e-12 * cond)


def test_laplace_requires_n_samples_for_sklearn():
    with pytest.raises(TypeError):
        Laplace(1.0).to_sklearn(sigma=1.0)


@pytest.fixture(scope="module")
def small_data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 5))
    y = X @ np.array([2.0, 0.0, -1.0, 0.0, 0.5]) + rng.standard_normal(60)
    return X, y


@pytest.mark.parametrize(
    "estimator, expected",
    [
        (Ridge(alpha=4.0), Normal(0.5)),  # tau = sigma / sqrt(alpha)
        (Lasso(alpha=0.25), Laplace(1.0 / (60 * 0.25))),  # b = sigma^2 / (n alpha)
        (SkElasticNet(alpha=0.5, l1_ratio=0.25), ElasticNet(60 * 0.5 * 0.25, 60 * 0.5 * 0.75 / 2)),
        (SkElasticNet(alpha=0.5, l1_ratio=1.0), Laplace(1.0 / (60 * 0.5))),
        (SkElasticNet(alpha=0.5, l1_ratio=0.0), Normal(1.0 / math.sqrt(60 * 0.5))),
    ],
    ids=["ridge", "lasso", "enet", "enet-rho1", "enet-rho0"],
)
@pytest.mark.parametrize("fitted", [False, True], ids=["unfitted", "fitted"])
def test_from_sklearn_plain_estimators(estimator, expected, fitted, small_data):
    sigma, n = 1.0, 60
    if fitted:
        estimator = estimator.fit(*small_data)
    _assert_same_prior(expected, br.from_sklearn(estimator, sigma=sigma, n_samples=n))


def test_from_sklearn_uses_sigma(small_data):
    # sigma = 2 scales the Normal's tau by 2 and the Laplace's b by 4
    assert br.from_sklearn(Ridge(alpha=4.0), sigma=2.0) == Normal(1.0)
    _assert_same_prior(br.from_sklearn(Lasso(alpha=0.25), sigma=2.0, n_samples=60), Laplace(4.0 / 15.0))


def test_from_sklearn_cv_estimators_use_alpha_(small_data):
    X, y = small_data
    n = len(y)
    lcv = LassoCV(alphas=[0.01, 0.1, 1.0], cv=3).fit(X, y)
    assert br.from_sklearn(lcv, sigma=1.3, n_samples=n) == br.from_sklearn(
        Lasso(alpha=lcv.alpha_), sigma=1.3, n_samples=n
    )
    ecv = ElasticNetCV(alphas=[0.01, 0.1, 1.0], l1_ratio=[0.2, 0.8], cv=3).fit(X, y)
    assert br.from_sklearn(ecv, sigma=1.3, n_samples=n) == br.from_sklearn(
        SkElasticNet(alpha=ecv.alpha_, l1_ratio=ecv.l1_ratio_), sigma=1.3, n_samples=n
    )
    rcv = RidgeCV(alphas=[0.1, 10.0, 1000.0]).fit(X, y)
    assert br.from_sklearn(rcv, sigma=1.3) == br.from_sklearn(Ridge(alpha=rcv.alpha_), sigma=1.3)


@pytest.mark.parametrize("estimator", [LassoCV(), ElasticNetCV(), RidgeCV()], ids=lambda e: type(e).__name__)
def test_from_sklearn_unfitted_cv_is_rejected(estimator):
    with pytest.raises(ValueError, match="fitted"):
        br.from_sklearn(estimator, sigma=1.0, n_samples=10)


@pytest.mark.parametrize(
    "estimator",
    [Lasso(positive=True), SkElasticNet(positive=True), Ridge(positive=True)],
    ids=lambda e: type(e).__name__,
)
def test_from_sklearn_positive_is_rejected(estimator):
    with pytest.raises(ValueError, match="positive"):
        br.from_sklearn(estimator, sigma=1.0, n_samples=10)


def test_from_sklearn_ridge_with_alpha_per_target_is_rejected():
    with pytest.raises(ValueError, match="alpha"):
        br.from_sklearn(Ridge(alpha=np.array([1.0, 2.0])), sigma=1.0)


@pytest.mark.parametrize(
    "estimator",
    [
        LinearRegression(),
        HuberRegressor(),
        "ridge",
        None,
        MultiTaskLasso(alpha=1.0),
        MultiTaskElasticNet(alpha=1.0),
    ],
    ids=["LinearRegression", "HuberRegressor", "str", "None", "MultiTaskLasso", "MultiTaskElasticNet"],
)
def test_from_sklearn_unsupported_estimator(estimator):
    # MultiTask* subclass sklearn's ElasticNet but penalize the L2,1 norm: no iid prior twin
    with pytest.raises(TypeError, match="estimator"):
        br.from_sklearn(estimator, sigma=1.0, n_samples=10)


def test_an_unsupported_estimator_is_named_before_sigma_is_asked_for():
    from sklearn.linear_model import GammaRegressor, SGDClassifier

    for estimator in (SGDClassifier(), GammaRegressor()):
        with pytest.raises(TypeError, match=f"estimator must be a scikit-learn .* got {type(estimator).__name__}"):
            br.from_sklearn(estimator)


@pytest.mark.parametrize("estimator", [Lasso(alpha=1.0), SkElasticNet(alpha=1.0)], ids=["Lasso", "ElasticNet"])
def test_from_sklearn_needs_n_samples_for_l1(estimator):
    with pytest.raises(TypeError, match="n_samples"):
        br.from_sklearn(estimator, sigma=1.0)


@pytest.mark.parametrize("sigma", [0.0, -1.0, math.nan, math.inf, True, "1"], ids=repr)
def test_from_sklearn_bad_sigma(sigma):
    with pytest.raises((ValueError, TypeError), match="sigma"):
        br.from_sklearn(Ridge(alpha=1.0), sigma=sigma)


def test_from_sklearn_bad_alpha():
    with pytest.raises(ValueError, match="alpha"):
        br.from_sklearn(Lasso(alpha=0.0), sigma=1.0, n_samples=10)
    with pytest.raises(ValueError, match="alpha"):
        br.from_sklearn(Ridge(alpha=-1.0), sigma=1.0)


# --------------------------------------------------------------------------------------------
# constructors, equality
# --------------------------------------------------------------------------------------------

BAD = [
    (0.0, ValueError),
    (-2.0, ValueError),
    (math.nan, ValueError),
    (math.inf, ValueError),
    (True, TypeError),
    ("1.0", TypeError),
    (None, TypeError),
]


@pytest.mark.parametrize("bad, exc", BAD, ids=repr)
@pytest.mark.parametrize(
    "make, name",
    [
        (lambda v: Normal(v), "scale"),
        (lambda v: Laplace(v), "scale"),
        (lambda v: ElasticNet(v, 1.0), "l1"),
        (lambda v: ElasticNet(1.0, v), "l2"),
    ],
    ids=["Normal", "Laplace", "ElasticNet-l1", "ElasticNet-l2"],
)
def test_constructors_reject_bad_values(make, name, bad, exc):
    with pytest.raises(exc, match=name):
        make(bad)


def test_constructors_store_floats():
    p = ElasticNet(np.int64(2), np.float32(0.5))
    assert type(p.l1) is float and type(p.l2) is float and p == ElasticNet(2.0, 0.5)


def test_equality_hash_repr():
    assert Normal(1) == Normal(1.0) == Normal(np.float64(1.0))
    assert hash(Normal(1)) == hash(Normal(1.0))
    assert len({Normal(1), Normal(1.0), Laplace(1.0), Laplace(1.0), ElasticNet(1, 2), ElasticNet(1.0, 2.0)}) == 3
    assert Normal(1.0) != Laplace(1.0)
    assert Normal(1.0) != Normal(2.0)
    assert ElasticNet(1.0, 2.0) != ElasticNet(2.0, 1.0)
    assert Normal(1.0) != 1.0 and Normal(1.0) != "Normal(scale=1.0)"
    assert repr(Normal(0.5)) == "Normal(scale=0.5)"
    assert repr(ElasticNet(1.5, 2.0)) == "ElasticNet(l1=1.5, l2=2.0)"
    for prior in PRIORS:
        assert eval(repr(prior), {"Normal": Normal, "Laplace": Laplace, "ElasticNet": ElasticNet}) == prior


def test_prior_from_weights_picks_the_class():
    from bayesreg.conversions import PenaltyWeights

    assert br.prior_from_weights(PenaltyWeights(0.0, 2.0)) == Normal(0.5)
    assert br.prior_from_weights(PenaltyWeights(4.0, 0.0)) == Laplace(0.25)
    assert br.prior_from_weights(PenaltyWeights(4.0, 2.0)) == ElasticNet(4.0, 2.0)
    for prior in PRIORS:
        _assert_same_prior(prior, br.prior_from_weights(prior.weights))


# --------------------------------------------------------------------------------------------
# pm.Data parameters
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prior, other",
    [(Normal(0.7), Normal(2.0)), (Laplace(1.3), Laplace(0.1)), (ElasticNet(0.8, 1.7), ElasticNet(5.0, 0.05))],
    ids=["Normal", "Laplace", "ElasticNet"],
)
def test_parameters_are_data_and_set_data_changes_them(prior, other):
    with pm.Model(coords={"feature": ["a", "b", "c"]}) as model:
        var = prior.build("beta", dims="feature")
    names = {"scale": "beta_scale"} if not isinstance(prior, ElasticNet) else {"l1": "beta_l1", "l2": "beta_l2"}
    assert prior.data_names("beta") == names
    for key, data_name in names.items():
        assert isinstance(model[data_name], pytensor.tensor.sharedvar.TensorSharedVariable)
        assert model[data_name] in model.data_vars
        assert float(model[data_name].get_value()) == getattr(prior, key)
    assert model["beta"] is var
    assert tuple(model.named_vars_to_dims["beta"]) == ("feature",)

    logp = model.compile_logp(jacobian=False)  # compiled once, before the change
    point = {"beta": np.array([0.3, -1.2, 0.0])}
    assert logp(point) == pytest.approx(-prior.neg_log_density(point["beta"]), rel=1e-12, abs=0)
    other.set_data("beta", model)
    for key, data_name in names.items():
        assert float(model[data_name].get_value()) == getattr(other, key)
    assert logp(point) == pytest.approx(-other.neg_log_density(point["beta"]), rel=1e-12, abs=0)


def test_build_uses_the_given_name():
    with pm.Model() as model:
        ElasticNet(1.0, 2.0).build("coef", shape=2)
    assert {"coef", "coef_l1", "coef_l2"} <= set(model.named_vars)
    assert "beta_l1" not in model.named_vars


def test_elastic_net_mass_beyond_every_scale_is_one():
    """Found by review: z = l1 / (2 sqrt(l2)) underflowed to 0 and delta = sqrt(l2) eps overflowed: 0 * inf = NaN."""
    assert br.ElasticNet(1e-300, 1e300).mass_near_zero(1e160) == 1.0
    assert br.ElasticNet(1e-300, 1e100).mass_near_zero(1e300) == 1.0


@pytest.mark.parametrize("z", [0.3, 3.0, 10.0, 30.0, 100.0, 1e3])
def test_elastic_net_mass_near_zero_agrees_with_erfc_ratios_up_to_every_width(z):
    """P(|b| <= eps) = 1 - exp(-2 z d - d^2) erfcx(z + d) / erfcx(z), d = sqrt(l2) eps, wherever that
    formula is well-conditioned (P >= 0.06): also where the small-mass Taylor branch of the code
    would lie outside its disc of convergence (d > 2)."""
    l1, l2 = 2.0 * z, 1.0
    prior = ElasticNet(l1, l2)
    for d in [0.01, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0]:
        log_t = -(2.0 * z * d + d * d) + math.log(special.erfcx(z + d)) - math.log(special.erfcx(z))
        exact = -math.expm1(log_t)
        if exact < 0.06:
            continue
        assert 0.0 <= prior.mass_near_zero(d) <= 1.0
        assert prior.mass_near_zero(d) == pytest.approx(exact, rel=1e-12, abs=0)


def test_prox_default_step_is_one():
    v = np.array([-3.0, -0.4, 0.0, 0.7, 2.5])
    for prior in (Laplace(2.0), Normal(0.8), ElasticNet(1.5, 0.5)):
        np.testing.assert_array_equal(prior.prox(v), prior.prox(v, 1.0))
        assert not np.array_equal(prior.prox(v), prior.prox(v, 2.0))


def test_laplace_scale_limits_are_those_of_its_weight():
    # l1 = 1 / scale must be a finite normal double: 1e-308 (subnormal itself) still gives l1 = 1e308
    assert Laplace(1e-308).weights.l1 == pytest.approx(1e308, rel=1e-15, abs=0)
    with pytest.raises(ValueError, match=r"^scale=1e-309: .*overflow"):
        Laplace(1e-309)
    # l1 = 2e-308 is subnormal (below 2.2e-308): refused
    with pytest.raises(ValueError, match=r"^scale=5e\+307: .*subnormal"):
        Laplace(5e307)
    assert Laplace(4e307).weights.l1 == pytest.approx(2.5e-308, rel=1e-15, abs=0)


def test_from_glmnet_defaults_to_the_lasso():
    n, sigma, lambda_ = 50, 1.5, 0.1
    default = br.from_glmnet(lambda_, sigma=sigma, n_samples=n)
    _assert_same_prior(default, br.from_glmnet(lambda_, 1.0, sigma=sigma, n_samples=n))
    _assert_same_prior(default, Laplace(sigma**2 / (n * lambda_)))


def test_from_sklearn_elastic_net_with_a_list_of_l1_ratios_is_refused():
    with pytest.raises(ValueError, match="l1_ratio"):
        br.from_sklearn(SkElasticNet(alpha=0.5, l1_ratio=[0.2, 0.5]), sigma=1.0, n_samples=60)


@pytest.mark.parametrize("variance", [1e-6, 0.5, 3.0, 1e8])
def test_equal_variance_priors_have_the_variance(variance):
    from bayesreg.priors import equal_variance_priors

    laplace, normal = equal_variance_priors(variance)
    assert laplace.std() ** 2 == pytest.approx(variance, rel=1e-14, abs=0)
    assert normal.std() ** 2 == pytest.approx(variance, rel=1e-14, abs=0)
    with pytest.raises(ValueError, match="variance"):
        equal_variance_priors(-1.0)


def test_prior_class_knows_every_concrete_prior_and_nothing_else():
    from bayesreg.priors import prior_class, shrinkage

    for name in ["Normal", "Laplace", "ElasticNet", *[n for n in shrinkage.__all__ if n != "ShrinkagePrior"]]:
        assert prior_class(name).__name__ == name
    for name in ["ShrinkagePrior", "BasePrior", "Nope"]:
        with pytest.raises(ValueError, match=f"unknown prior class '{name}'"):
            prior_class(name)


def test_from_sklearn_ridge_with_an_empty_alpha_is_refused():
    with pytest.raises(ValueError, match="one alpha per target"):
        br.from_sklearn(Ridge(alpha=np.array([])), sigma=1.0, n_samples=60)


def test_penalty_priors_have_a_twin_and_sample_at_the_default_target_accept():
    for prior in (Normal(1.0), Laplace(1.0), ElasticNet(1.0, 1.0)):
        assert prior.has_penalty_twin is True
        assert prior.target_accept == 0.8
    hierarchical = br.BayesianLasso()
    assert hierarchical.has_penalty_twin is False


def test_normal_scale_limits_are_those_of_its_weight():
    # l2 = 1 / (2 scale^2) must be a finite normal double
    assert Normal(8e-155).weights.l2 == pytest.approx(0.5 / 8e-155**2, rel=1e-15, abs=0)
    with pytest.raises(ValueError, match=r"^scale=5e-155: .*overflow"):
        Normal(5e-155)


# --- per-coefficient penalty factors (glmnet's penalty.factor) -------------------------------------------------


@pytest.mark.parametrize(
    "prior_class, args", [(br.Normal, (2.0,)), (br.Laplace, (0.5,)), (br.ElasticNet, (3.0, 0.7))], ids=str
)
def test_a_penalty_factor_scales_each_coefficients_weights_and_zero_is_flat(prior_class, args):
    factor = (0.0, 1.0, 2.5)
    prior = prior_class(*args, penalty_factor=factor)
    beta = np.array([7.0, -0.3, 0.8])
    w = prior.weights
    expected = sum(f * (w.l1 * abs(b) + w.l2 * b * b) for f, b in zip(factor, beta, strict=True))
    assert prior.penalty(beta) == pytest.approx(expected, rel=1e-15, abs=0)
    # each penalized coefficient's own prior, normalizers included; the unpenalized one contributes nothing
    own = br.prior_from_weights(br.conversions.PenaltyWeights(2.5 * w.l1, 2.5 * w.l2))
    expected_nld = prior_class(*args).neg_log_density(beta[1]) + own.neg_log_density(beta[2])
    assert prior.neg_log_density(beta) == pytest.approx(expected_nld, rel=1e-13, abs=0)
    # the PyMC variable has that density
    with pm.Model(coords={"feature": ["a", "b", "c"]}) as model:
        prior.build("beta", dims="feature")
    assert model.compile_logp()({"beta": beta}) == pytest.approx(-expected_nld, rel=1e-12, abs=0)
    # prox: coordinate j thresholds at step f_j l1 and shrinks by 1 + 2 step f_j l2
    v = np.array([5.0, 0.4, -2.0])
    expected_prox = [
        np.sign(x) * max(abs(x) - 0.5 * f * w.l1, 0.0) / (1 + 2 * 0.5 * f * w.l2)
        for f, x in zip(factor, v, strict=True)
    ]
    np.testing.assert_allclose(prior.prox(v, step=0.5), expected_prox, rtol=1e-15)
    assert prior.prox(v, step=0.5)[0] == 5.0


def test_penalty_factor_is_a_parameter_shown_compared_and_checked():
    prior = br.Laplace(1.0, penalty_factor=[0, 1, 2])
    assert prior.penalty_factor == (0.0, 1.0, 2.0)
    assert repr(prior) == "Laplace(scale=1.0, penalty_factor=(0.0, 1.0, 2.0))"
    assert repr(br.Laplace(1.0)) == "Laplace(scale=1.0)"
    assert prior == br.Laplace(1.0, penalty_factor=np.array([0.0, 1.0, 2.0])) != br.Laplace(1.0)
    assert hash(prior) == hash(br.Laplace(1.0, penalty_factor=(0, 1, 2)))
    assert clone(prior) == prior and prior.get_params()["penalty_factor"] == (0.0, 1.0, 2.0)
    for bad, exc, match in [
        ([1.0, -1.0], ValueError, r"finite and >= 0, got -1.0 at position 1"),
        ([0.0, 0.0], ValueError, "every factor is 0"),
        ([[1.0]], ValueError, "1-d"),
        (["a"], TypeError, "non-negative numbers"),
        ([np.inf], ValueError, "finite"),
    ]:
        with pytest.raises(exc, match=match):
            br.Laplace(1.0, penalty_factor=bad)
    with pytest.raises(ValueError, match="penalty_factor has 3 entries but the model has 2 coefficients"):
        prior.factor(2)


def test_penalty_factor_conversions_go_through_glmnet_only():
    prior = br.Laplace(0.2, penalty_factor=[0.0, 1.0, 3.0])
    with pytest.raises(ValueError, match="penalty_factor has a penalized twin in glmnet only"):
        prior.to_sklearn(sigma=1.0, n_samples=10)
    with pytest.raises(ValueError, match="glmnet only"):
        prior.to_sklearn(family="binomial")
    # glmnet rescales the factor to sum to p = 3 (here it sums to 4): lambda' = lambda * 4 / 3, same penalty
    lambda_, alpha = prior.to_glmnet(n_samples=50, family="binomial")
    plain, _ = br.Laplace(0.2).to_glmnet(n_samples=50, family="binomial")
    assert alpha == 1.0 and lambda_ == pytest.approx(plain * 4.0 / 3.0, rel=1e-15, abs=0)
    back = br.from_glmnet(lambda_, alpha, n_samples=50, family="binomial", penalty_factor=[0.0, 1.0, 3.0])
    assert back.penalty_factor == pytest.approx((0.0, 0.75, 2.25))
    np.testing.assert_allclose(
        back.penalty(np.array([1.0, 2.0, -1.0])), prior.penalty(np.array([1.0, 2.0, -1.0])), rtol=1e-14
    )


@pytest.mark.parametrize("l1, l2", [(1.0, 1.0), (1.0, 0.3), (2.5, 1.0), (1.0, 0.0), (0.0, 1.0), (3.0, 0.0)])
def test_penalty_densities_at_unit_weights_integrate_to_one(l1, l2):
    """exp(-l1 |b| - l2 b^2 - log Z): log Z against numerical integration, for weights of exactly 1 too (where the
    Laplace, Normal and elastic-net forms must not be confused)."""
    from bayesreg.conversions import PenaltyWeights
    from bayesreg.priors._densities import weights_log_normalizer, weights_logp

    Z, _ = integrate.quad(lambda b: math.exp(-l1 * abs(b) - l2 * b * b), -np.inf, np.inf, epsabs=0, epsrel=1e-13)
    assert weights_log_normalizer(l1, l2) == pytest.approx(math.log(Z), rel=1e-10, abs=1e-12)
    values = np.array([-1.0, 0.3, 2.0])
    logp = weights_logp(pt.as_tensor(values), l1, l2, PenaltyWeights(l1, l2)).eval()
    np.testing.assert_allclose(logp, -l1 * np.abs(values) - l2 * values**2 - math.log(Z), rtol=1e-12)
