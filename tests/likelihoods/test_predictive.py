"""The posterior predictive mixture: exact mean, standard deviation and quantiles."""

import numpy as np
import pytest
from scipy import integrate, optimize, stats

from bayesreg.likelihoods.predictive import linear_predictor_draws, mixture_quantiles, predictive_mean_std


@pytest.fixture
def mixture():
    rng = np.random.default_rng(3)
    mu = rng.normal(size=(40, 5)) * [0.1, 1.0, 3.0, 10.0, 0.0] + [0.0, 5.0, -2.0, 1.0, 100.0]
    sigma = rng.uniform(0.5, 2.0, size=40)
    return mu, sigma


def _mixture_pdf(x, mu, sigma):
    return np.mean(stats.norm.pdf(x, loc=mu, scale=sigma))


def test_linear_predictor_draws():
    rng = np.random.default_rng(0)
    X, beta, b0 = rng.normal(size=(6, 3)), rng.normal(size=(4, 3)), rng.normal(size=4)
    mu = linear_predictor_draws(X, beta, b0)
    assert mu.shape == (4, 6)
    np.testing.assert_allclose(mu[2], b0[2] + X @ beta[2], rtol=1e-14)
    np.testing.assert_allclose(linear_predictor_draws(X, beta, None)[1], X @ beta[1], rtol=1e-14)


def test_mean_and_std_match_numerical_moments(mixture):
    mu, sigma = mixture
    mean, std = predictive_mean_std(mu, sigma)
    for i in range(mu.shape[1]):
        mu_i = mu[:, i]
        lo, hi = mu_i.min() - 12 * sigma.max(), mu_i.max() + 12 * sigma.max()
        m1 = integrate.quad(lambda x, m=mu_i: x * _mixture_pdf(x, m, sigma), lo, hi, limit=200)[0]
        m2 = integrate.quad(lambda x, m=mu_i, c=m1: (x - c) ** 2 * _mixture_pdf(x, m, sigma), lo, hi, limit=200)[0]
        assert mean[i] == pytest.approx(m1, rel=1e-8, abs=1e-8)
        assert std[i] == pytest.approx(np.sqrt(m2), rel=1e-7, abs=0)


@pytest.mark.parametrize("prob", [0.001, 0.05, 0.5, 0.9, 0.999])
def test_quantiles_solve_the_mixture_cdf(mixture, prob):
    mu, sigma = mixture
    q = mixture_quantiles(mu, sigma, prob)
    for i in range(mu.shape[1]):
        cdf = lambda x, i=i: np.mean(stats.norm.cdf(x, loc=mu[:, i], scale=sigma)) - prob  # noqa: E731
        ref = optimize.brentq(cdf, mu[:, i].min() - 20, mu[:, i].max() + 20, xtol=1e-13)
        assert q[i] == pytest.approx(ref, rel=1e-8, abs=1e-10)


def test_single_component_is_the_normal_quantile():
    q = mixture_quantiles(np.array([[1.0, -3.0]]), np.array([2.0]), 0.95)
    np.testing.assert_allclose(q, [1.0 + 2.0 * stats.norm.ppf(0.95), -3.0 + 2.0 * stats.norm.ppf(0.95)], rtol=1e-9)


def test_quantiles_in_blocks_equal_one_block(mixture, monkeypatch):
    mu, sigma = mixture
    whole = mixture_quantiles(mu, sigma, 0.2)
    monkeypatch.setattr("bayesreg.likelihoods.predictive._BLOCK_ELEMENTS", 80)  # two points per block
    np.testing.assert_array_equal(mixture_quantiles(mu, sigma, 0.2), whole)


# ---- tests sharpened by mutation testing (mutation/README.md) ----


def test_mixture_cdf_and_pdf_are_the_equal_weight_mixture(mixture):
    from bayesreg.likelihoods.predictive import _mixture_cdf_pdf

    mu, sigma = mixture
    q = np.array([-3.0, 0.5, 2.0, 7.5, 101.0])
    cdf, pdf = _mixture_cdf_pdf(q, mu, sigma)
    for i in range(mu.shape[1]):
        assert cdf[i] == pytest.approx(np.mean(stats.norm.cdf(q[i], loc=mu[:, i], scale=sigma)), rel=1e-13, abs=0)
        assert pdf[i] == pytest.approx(_mixture_pdf(q[i], mu[:, i], sigma), rel=1e-13, abs=0)


@pytest.mark.parametrize("factor", [1e-3, 100.0])
def test_quantiles_follow_the_units_of_the_mixture(mixture, factor):
    """Multiplying every mu and sigma by a factor multiplies each quantile by it (a wide mixture must not be cut
    off by a bracket of fixed width)."""
    mu, sigma = mixture
    for prob in (0.001, 0.5, 0.999):
        np.testing.assert_allclose(
            mixture_quantiles(mu * factor, sigma * factor, prob),
            mixture_quantiles(mu, sigma, prob) * factor,
            rtol=1e-7,
            atol=1e-7 * factor,  # |F(q) - prob| <= 1e-10 bounds q to about 1e-8 of the mixture's spread
        )


def test_quantiles_take_few_newton_steps(mixture, monkeypatch):
    """Safeguarded Newton: at most 60 evaluations of the mixture CDF (37 at worst here, for a multimodal point),
    then it stops."""
    from bayesreg.likelihoods import predictive

    mu, sigma = mixture
    calls = []
    real = predictive._mixture_cdf_pdf

    def counting(q, m, s, nu=None):
        calls.append(1)
        return real(q, m, s, nu)

    monkeypatch.setattr(predictive, "_mixture_cdf_pdf", counting)
    for prob in (0.001, 0.05, 0.5, 0.9, 0.999):
        calls.clear()
        mixture_quantiles(mu, sigma, prob)
        assert 1 <= len(calls) <= 60


def test_quantile_blocks_hold_the_configured_number_of_elements(mixture, monkeypatch):
    """40 draws and a budget of 80 elements: blocks of 2 points, so 5 points take 3 blocks."""
    from bayesreg.likelihoods import predictive

    mu, sigma = mixture
    sizes = []
    real = predictive._quantiles_block

    def recording(m, s, prob, tol, nu=None):
        sizes.append(m.shape)
        return real(m, s, prob, tol, nu)

    monkeypatch.setattr(predictive, "_BLOCK_ELEMENTS", 80)
    monkeypatch.setattr(predictive, "_quantiles_block", recording)
    mixture_quantiles(mu, sigma, 0.3)
    assert sizes == [(40, 2), (40, 2), (40, 1)]
    sizes.clear()
    monkeypatch.setattr(predictive, "_BLOCK_ELEMENTS", 10)  # fewer elements than draws: one point per block
    mixture_quantiles(mu, sigma, 0.3)
    assert sizes == [(40, 1)] * 5


@pytest.mark.parametrize("prob", [0.05, 0.5, 0.975])
def test_student_t_mixture_quantiles_solve_the_mixture_cdf(prob):
    rng = np.random.default_rng(3)
    mu = rng.normal(size=(50, 4))
    sigma = rng.uniform(0.5, 2.0, size=50)
    nu = rng.uniform(0.8, 30.0, size=50)  # heavy tails included (nu < 1: no mean)
    q = mixture_quantiles(mu, sigma, prob, nu=nu)
    cdf = np.mean(stats.t.cdf((q[None, :] - mu) / sigma[:, None], nu[:, None]), axis=0)
    np.testing.assert_allclose(cdf, prob, atol=1e-9)
    # one component: the t quantile itself
    single = mixture_quantiles(mu[:1], sigma[:1], prob, nu=nu[:1])
    np.testing.assert_allclose(single, mu[0] + sigma[0] * stats.t.ppf(prob, nu[0]), rtol=1e-12, atol=1e-12)


def test_student_t_predictive_sd_is_infinite_without_a_variance():
    mu = np.zeros((3, 2))
    _, sd = predictive_mean_std(mu, np.ones(3), nu=np.array([5.0, 5.0, 5.0]))
    np.testing.assert_allclose(sd, np.sqrt(5.0 / 3.0))
    _, sd = predictive_mean_std(mu, np.ones(3), nu=np.array([5.0, 2.0, 5.0]))
    assert np.all(np.isinf(sd))
