"""Hierarchical shrinkage priors: parameters, the PyMC models they build and their exact densities."""

import json

import numpy as np
import pymc as pm
import pytest
from scipy import integrate, stats

import bayesreg as br
from bayesreg.likelihoods import Gaussian
from bayesreg.model import build_model
from bayesreg.priors import prior_class
from bayesreg.priors.shrinkage import (
    BayesianElasticNet,
    BayesianLasso,
    HierarchicalNormal,
    Horseshoe,
    RegularizedHorseshoe,
    _half_cauchy,
)

ALL = [
    BayesianLasso(),
    BayesianLasso(lam=0.5),
    BayesianLasso(noncentered=True),
    HierarchicalNormal(),
    HierarchicalNormal(noncentered=True),
    Horseshoe(),
    RegularizedHorseshoe(n_nonzero=2),
    BayesianElasticNet(),
    BayesianElasticNet(lam1=1.0, lam2=2.0),
]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 5))
    return X, X @ [2.0, 0.0, 0.0, -1.0, 0.0] + rng.normal(size=40)


def _build(data, prior, sigma=None):
    X, y = data
    likelihood = Gaussian(sigma=sigma, sigma_prior=prior.sigma_prior)
    return build_model(X, y, prior, likelihood=likelihood, feature_names=list("abcde"))


@pytest.mark.parametrize("prior", ALL, ids=repr)
def test_builds_beta_with_feature_dims(data, prior):
    rm = _build(data, prior)
    model = rm.model
    assert model.named_vars_to_dims["beta"] == ("feature",)
    if getattr(prior, "noncentered", True) is False:  # BayesianLasso and HierarchicalNormal by default
        assert model["beta"] in model.free_RVs
    else:
        assert "beta" in [v.name for v in model.deterministics]
        assert model["beta_z"] in model.free_RVs
    point = model.initial_point()
    assert np.isfinite(model.compile_logp()(point))
    # jeffreys sigma: the free variable is log sigma, with a flat density
    assert ("log_sigma" in point) == (prior.sigma_prior == "jeffreys")


@pytest.mark.parametrize("prior", ALL, ids=repr)
def test_save_format_round_trip(prior):
    params = json.loads(json.dumps(prior.params()))
    assert prior_class(type(prior).__name__)(**params) == prior


def test_repr_equality_hash():
    assert repr(BayesianLasso(lam=0.5)) == "BayesianLasso(lam=0.5, lam2_prior=(1.0, 1.78), noncentered=False)"
    assert BayesianLasso() == BayesianLasso(None, [1, 1.78])
    assert hash(Horseshoe(2.0)) == hash(Horseshoe(2))
    assert Horseshoe() != HierarchicalNormal()
    with pytest.raises(ValueError, match="unknown prior class 'Cauchy'"):
        prior_class("Cauchy")


@pytest.mark.parametrize(
    ("factory", "match", "error"),
    [
        (lambda: BayesianLasso(lam=-1.0), "lam must be", ValueError),
        (lambda: BayesianLasso(lam2_prior=(1.0,)), "lam2_prior must be a .shape, rate. pair", TypeError),
        (lambda: BayesianLasso(lam2_prior="gamma"), "lam2_prior must be", TypeError),
        (lambda: BayesianLasso(lam2_prior=(0.0, 1.0)), r"lam2_prior\[0\] \(shape\)", ValueError),
        (lambda: BayesianLasso(lam2_prior=(1.0, np.nan)), r"lam2_prior\[1\] \(rate\)", ValueError),
        (lambda: BayesianLasso(noncentered=1), "noncentered must be True or False", TypeError),
        (lambda: HierarchicalNormal(tau_scale=0.0), "tau_scale", ValueError),
        (lambda: HierarchicalNormal(noncentered="no"), "noncentered must be True or False", TypeError),
        (lambda: Horseshoe(tau_scale=-2), "tau_scale", ValueError),
        (lambda: RegularizedHorseshoe(n_nonzero=0), "n_nonzero", ValueError),
        (lambda: RegularizedHorseshoe(3, slab_scale=np.inf), "slab_scale", ValueError),
        (lambda: RegularizedHorseshoe(3, slab_df="4"), "slab_df", TypeError),
        (lambda: BayesianElasticNet(lam1=0.0), "lam1", ValueError),
        (lambda: BayesianElasticNet(lam2_prior=(1.0, -1.0)), "lam2_prior", ValueError),
    ],
)
def test_hyperparameters_out_of_range(factory, match, error):
    with pytest.raises(error, match=match):
        factory()


def test_regularized_horseshoe_needs_fewer_nonzeros_than_features(data):
    with pytest.raises(ValueError, match=r"n_nonzero must be smaller than the number of features \(5\)"):
        _build(data, RegularizedHorseshoe(n_nonzero=5))


def _evaluate(model, name, point):
    (out,) = model.replace_rvs_by_values([model[name]])
    return model.compile_fn(out, inputs=model.value_vars, on_unused_input="ignore")(point)


def test_bayesian_lasso_is_laplace_with_scale_sigma_over_lambda(data):
    rm = _build(data, BayesianLasso(lam=0.5, noncentered=True), sigma=2.0)
    model = rm.model
    z = np.array([-1.5, 0.0, 0.3, 2.0, -0.1])
    point = {**model.initial_point(), "beta_z": z}
    np.testing.assert_allclose(_evaluate(model, "beta", point), 2.0 / 0.5 * z, rtol=1e-14)
    logp_z = pm.logp(model["beta_z"], z).eval()
    # PyMC's Laplace logp carries log(2) in single precision (an absolute error of 2e-9)
    np.testing.assert_allclose(logp_z, -np.abs(z) - np.log(2.0), rtol=1e-8)
    centred = _build(data, BayesianLasso(lam=0.5), sigma=2.0).model
    logp_beta = pm.logp(centred["beta"], 4.0 * z).eval()
    np.testing.assert_allclose(logp_beta, -np.abs(z) - np.log(2.0 * 4.0), rtol=1e-8)


def test_bayesian_lasso_hyperprior_is_gamma_on_lambda_squared(data):
    model = _build(data, BayesianLasso(lam2_prior=(2.0, 3.0))).model
    lam2 = 0.7
    expected = stats.gamma.logpdf(lam2, a=2.0, scale=1.0 / 3.0)  # shape 2, rate 3
    # PyTensor's gammaln differs from scipy's by ~1e-8 at shape 2
    assert pm.logp(model["beta_lam2"], lam2).eval() == pytest.approx(expected, rel=1e-6, abs=0)
    point = {**model.initial_point(), "beta_lam2_log__": np.log(lam2)}
    assert _evaluate(model, "beta_lam", point) == pytest.approx(np.sqrt(lam2), rel=1e-14, abs=0)


@pytest.mark.parametrize(("sigma", "lam1", "lam2"), [(1.0, 1.0, 1.0), (2.5, 4.0, 0.3), (0.4, 0.2, 5.0)])
def test_bayesian_elastic_net_density_is_li_and_lin(data, sigma, lam1, lam2):
    """p(beta | sigma) proportional to exp(-(lam1 |beta| + lam2 beta^2) / (2 sigma^2)), normalized exactly."""
    model = _build(data, BayesianElasticNet(lam1=lam1, lam2=lam2), sigma=sigma).model

    def kernel(b):
        return np.exp(-(lam1 * abs(b) + lam2 * b**2) / (2 * sigma**2))

    log_z = np.log(2 * integrate.quad(kernel, 0, np.inf, epsabs=0, epsrel=1e-13)[0])
    beta = np.array([-3.0, -0.5, 0.0, 0.1, 2.0])
    # beta = sigma z: log p(beta) = log p_z(beta / sigma) - log sigma
    logp_beta = pm.logp(model["beta_z"], beta / sigma).eval() - np.log(sigma)
    expected = -(lam1 * np.abs(beta) + lam2 * beta**2) / (2 * sigma**2) - log_z
    np.testing.assert_allclose(logp_beta, expected, rtol=1e-10)
    point = {**model.initial_point(), "beta_z": beta / sigma}
    np.testing.assert_allclose(_evaluate(model, "beta", point), beta, rtol=1e-14)


def test_regularized_horseshoe_global_scale(data):
    """tau_0 = p0 / (p - p0) sigma / sqrt(n) (Piironen & Vehtari 2017, eq. 3.12)."""
    model = _build(data, RegularizedHorseshoe(n_nonzero=2), sigma=3.0).model
    point = {**model.initial_point(), "beta_tau_a_log__": 0.0, "beta_tau_b_log__": 0.0}
    assert _evaluate(model, "beta_tau", point) == pytest.approx(2 / 3 * 3.0 / np.sqrt(40), rel=1e-14, abs=0)


def test_regularized_horseshoe_slab_caps_the_local_scale(data):
    """tilde lambda^2 = c^2 lambda^2 / (c^2 + tau^2 lambda^2): beta's scale tends to c for large lambda."""
    model = _build(data, RegularizedHorseshoe(n_nonzero=2), sigma=1.0).model
    point = {
        **model.initial_point(),
        "beta_lam_a_log__": np.full(5, np.log(1e6)),
        "beta_lam_b_log__": np.zeros(5),
        "beta_c2_log__": np.log(4.0),
        "beta_z": np.ones(5),
    }
    np.testing.assert_allclose(_evaluate(model, "beta", point), 2.0, rtol=1e-6)


def test_horseshoe_scales(data):
    model = _build(data, Horseshoe(tau_scale=0.5), sigma=2.0).model
    point = {**model.initial_point(), "beta_z": np.arange(5.0)}
    point.update({key: np.zeros_like(value) for key, value in point.items() if key.endswith("_log__")})
    # log-scale values 0: lambda_j = 1, tau = 1, so beta = z * 1 * 1 * sigma
    np.testing.assert_allclose(_evaluate(model, "beta", point), np.arange(5.0) * 2.0, rtol=1e-14)
    assert model["beta_tau"].owner.op.name == "halfcauchy"
    np.testing.assert_allclose(model["beta_tau"].owner.inputs[-1].eval(), 0.5)  # its scale is tau_scale


def test_half_cauchy_product_has_cauchy_quantiles():
    """a sqrt(b), a ~ HalfNormal(1), b ~ InvGamma(1/2, 1/2) is HalfCauchy(1): quartiles tan(pi/8), 1, tan(3pi/8)."""
    with pm.Model():
        lam = _half_cauchy("lam", 1.0, shape=(20_000,))
    draws = pm.draw(lam, random_seed=1)
    # standard error of a sample quartile ~ sqrt(q (1 - q) / n) / f(x_q) < 0.012 here: 4 sigma
    np.testing.assert_allclose(
        np.quantile(draws, [0.25, 0.5, 0.75]), np.tan(np.pi / 8 * np.array([1, 2, 3])), atol=0.05
    )


def test_penalty_priors_still_have_twins():
    assert br.Laplace(1.0).has_penalty_twin and not Horseshoe().has_penalty_twin


@pytest.mark.parametrize("noncentered", [False, True])
def test_hierarchical_normal_is_normal_with_scale_sigma_tau(data, noncentered):
    """beta | sigma, tau ~ N(0, sigma tau), tau ~ HalfCauchy(s): the joint density of (beta, tau) in both forms."""
    model = _build(data, HierarchicalNormal(tau_scale=0.7, noncentered=noncentered), sigma=2.0).model
    beta = np.array([-1.5, 0.0, 0.3, 2.0, -0.1])
    tau = 0.4
    expected = stats.norm.logpdf(beta, scale=2.0 * tau).sum() + stats.halfcauchy.logpdf(tau, scale=0.7)
    if noncentered:
        # beta = sigma tau z: the density of beta is that of z divided by the Jacobian sigma tau per coefficient
        z = beta / (2.0 * tau)
        logp = pm.logp(model["beta_z"], z).eval().sum() - beta.size * np.log(2.0 * tau)
        point = {**model.initial_point(), "beta_z": z, "beta_tau_log__": np.log(tau)}
        np.testing.assert_allclose(_evaluate(model, "beta", point), beta, rtol=1e-14)
    else:
        tau_var = model["beta_tau"]
        logp = pm.logp(model["beta"], beta).eval({tau_var: tau}).sum()
    logp += pm.logp(model["beta_tau"], tau).eval()
    # PyMC's constants (log 2, log pi) are single precision: absolute errors of a few 1e-9 (measured 1.9e-9)
    assert logp == pytest.approx(expected, rel=0, abs=1e-8)


@pytest.mark.slow
def test_hierarchical_normal_samples_standardized_diabetes_without_divergences():
    """At the estimator's defaults (4 chains x 1000 draws, target_accept 0.8) on standardized diabetes.

    The non-centred form had 12 and 50 divergences here (seeds 1, 2); the centred default 0 and 0,
    bulk ESS about 1560 (measured 2026-11-21). The fit takes 24 s on a quiet 2-core machine, 50-60 s on a
    busy one: marked slow.
    """
    X, y = br.datasets.load_diabetes()
    est = br.BayesianRegression(HierarchicalNormal(), method="nuts", standardize=True, random_seed=1, progressbar=False)
    est.fit(X, y)
    d = est.diagnostics_
    assert d.n_divergences == 0 and d.ok, d.problems
    assert d.max_rhat <= 1.01 and min(d.min_ess_bulk, d.min_ess_tail) >= 400


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: BayesianLasso(lam=1e-320), "lam"),
        (lambda: BayesianLasso(lam=1e300), "lam"),
        (lambda: HierarchicalNormal(tau_scale=1e300), "tau_scale"),
        (lambda: Horseshoe(tau_scale=1e-300), "tau_scale"),
        (lambda: RegularizedHorseshoe(n_nonzero=1e-320), "n_nonzero"),
        (lambda: RegularizedHorseshoe(3, slab_scale=1e200), "slab_scale"),
        (lambda: BayesianElasticNet(lam1=1e-200), "lam1"),
        (lambda: BayesianLasso(lam2_prior=(1.0, 1e-200)), r"lam2_prior\[1\] \(rate\)"),
    ],
)
def test_hyperparameters_float64_cannot_hold_are_refused_at_construction(make, name):
    """Found by review: accepted, then a SamplingError after compiling or r_hat 1e15 with only a warning."""
    with pytest.raises(ValueError, match=rf"^{name}=.* is outside \[1e-150, 1e\+150\]"):
        make()


@pytest.mark.parametrize("prior", [Horseshoe(tau_scale=0.5), RegularizedHorseshoe(2)])
def test_horseshoe_local_scales_are_standard_half_cauchy(data, prior):
    """The local scales lambda_j ~ HalfCauchy(0, 1): median 1, quartiles tan(pi/8) and tan(3 pi/8)."""
    import pymc as pm

    rm = _build(data, prior, sigma=1.0)
    draws = pm.draw(rm.model["beta_lam"], draws=20_000, random_seed=1).reshape(-1)
    q = np.quantile(draws, [0.25, 0.5, 0.75])
    np.testing.assert_allclose(q, [np.tan(np.pi / 8), 1.0, np.tan(3 * np.pi / 8)], rtol=0.05)
