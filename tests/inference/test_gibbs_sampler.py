"""The compiled Gibbs kernels: which models get one, the DataTree they return, and their draws against the exact
posterior (the Normal prior) and against NUTS on the same PyMC model (every kernel)."""

import json
from pathlib import Path

import arviz as az
import numpy as np
import pymc as pm
import pytest
from scipy import stats

import bayesreg as br
from bayesreg.inference import sampling
from bayesreg.inference.gibbs_sampler import GIBBS_THREADS, GibbsPlan, gibbs_plan
from bayesreg.likelihoods import Bernoulli, Gaussian, Poisson, StudentT
from bayesreg.model import build_model

Z_MAX = 4.0  # agreement within 4 Monte Carlo standard errors


def _data(n, p, seed=0, nonzero=(1.5, -1.0, 0.5)):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    coef = np.zeros(p)
    coef[: len(nonzero)] = nonzero
    return X, 2.0 + X @ coef + rng.normal(size=n)


# --------------------------------------------------------------------------- which models get a kernel


@pytest.mark.parametrize(
    "prior",
    [
        br.Normal(1.0),
        br.Laplace(1.0),
        br.ElasticNet(1.0, 1.0),
        br.Normal(1.0, penalty_factor=(0.0, 1.0, 2.0)),
        br.BayesianLasso(),
        br.BayesianLasso(lam=0.5, noncentered=True),
        br.HierarchicalNormal(),
        br.HierarchicalNormal(noncentered=True),
        br.Horseshoe(),
        br.HorseshoePlus(),
    ],
)
@pytest.mark.parametrize("sigma", [None, 1.0])
def test_gaussian_models_with_scale_mixture_priors_get_a_kernel(prior, sigma):
    X, y = _data(20, 3)
    rm = build_model(X, y, prior, likelihood=Gaussian(sigma=sigma, sigma_prior=prior.sigma_prior))
    assert isinstance(gibbs_plan(rm), GibbsPlan)


@pytest.mark.parametrize("prior", [br.Laplace(1.0), br.BayesianLasso(), br.Horseshoe(), br.HierarchicalNormal()])
@pytest.mark.parametrize(
    "likelihood",
    [StudentT(), StudentT(nu=None), StudentT(nu=3.0, sigma=1.0), StudentT(nu=None, sigma=1.0), Bernoulli()],
)
def test_student_t_and_logit_models_get_an_augmented_kernel(prior, likelihood):
    X, y = _data(20, 3)
    y = (y > 2).astype(float) if likelihood.family == "binomial" else y
    plan = gibbs_plan(build_model(X, y, prior, likelihood=likelihood))
    assert isinstance(plan, GibbsPlan), plan
    augmentation = "Polya-Gamma" if likelihood.family == "binomial" else "normal scale mixture"
    assert augmentation in plan.reason and type(prior).__name__ in plan.reason


def test_rare_events_go_to_nuts_under_sample_and_to_gibbs_when_asked(monkeypatch):
    """Below LOGIT_MIN_CLASS_SHARE of the weight in the rarer class the Polya-Gamma sampler mixes slowly:
    method='sample' takes NUTS and says why; method='gibbs' runs the kernel (exact, only slower)."""
    X, _ = _data(100, 3)
    y = np.zeros(100)
    y[:10] = 1.0
    rm = build_model(X, y, br.Normal(1.0), likelihood=Bernoulli())
    plan = gibbs_plan(rm)
    assert isinstance(plan, GibbsPlan) and "rarer class holds 10.0% of the weight" in plan.slower_than_nuts
    ran = {}
    monkeypatch.setattr(sampling, "_sample_by_nuts", lambda *args: ran.setdefault("nuts", True) and 1 / 0)
    with pytest.raises(ZeroDivisionError):
        sampling.sample_posterior(rm, method="sample", draws=5, tune=5, chains=1)
    assert ran == {"nuts": True}
    idata = sampling.sample_posterior(rm, method="gibbs", draws=5, tune=5, chains=1)
    assert idata.attrs["sampler"] == "gibbs"
    # weights count: the same rows with the events weighted 3x hold 25% of the weight
    weighted = build_model(X, y, br.Normal(1.0), likelihood=Bernoulli(), sample_weight=np.where(y == 1, 3.0, 1.0))
    assert gibbs_plan(weighted).slower_than_nuts == ""
    # the horseshoes stay on Gibbs (NUTS meets their funnels), and the logit keeps one sweep in 5
    horseshoe = gibbs_plan(build_model(X, y, br.Horseshoe(), likelihood=Bernoulli()))
    assert horseshoe.slower_than_nuts == "" and horseshoe.thin == 5 and gibbs_plan(weighted).thin == 5


@pytest.mark.parametrize(
    ("prior", "gibbs"), [(br.Normal(1.0), False), (br.Horseshoe(), True), (br.HorseshoePlus(), True)]
)
def test_the_student_t_goes_to_gibbs_only_with_a_horseshoe(prior, gibbs):
    X, y = _data(30, 3)
    plan = gibbs_plan(build_model(X, y, prior, likelihood=StudentT(nu=None)))
    assert isinstance(plan, GibbsPlan) and (plan.slower_than_nuts == "") == gibbs
    assert gibbs or "NUTS draws 1.7-5x more effective samples per second" in plan.slower_than_nuts


@pytest.mark.parametrize(
    ("prior", "likelihood", "reason"),
    [
        (br.Laplace(1.0), Poisson(), "no Gibbs kernel for the poisson"),
        (br.RegularizedHorseshoe(n_nonzero=1), StudentT(), "no Gibbs kernel for the RegularizedHorseshoe prior"),
        (br.RegularizedHorseshoe(n_nonzero=1), Gaussian(), "no Gibbs kernel for the RegularizedHorseshoe prior"),
        (br.BayesianElasticNet(), Gaussian(sigma_prior="jeffreys"), "no Gibbs kernel for the BayesianElasticNet"),
    ],
)
def test_other_models_say_why_they_have_none(prior, likelihood, reason):
    X, y = _data(20, 3)
    y = (y > 2).astype(float) if likelihood.family in ("binomial", "poisson") else y
    rm = build_model(X, y, prior, likelihood=likelihood)
    assert gibbs_plan(rm).startswith(reason.replace("\\", ""))
    with pytest.raises(ValueError, match=f"method='gibbs': {reason}"):
        sampling.sample_posterior(rm, method="gibbs", draws=5, tune=5, chains=1)


def test_an_extended_model_is_left_to_nuts():
    X, y = _data(20, 3)
    rm = build_model(X, y, br.Normal(1.0), likelihood=Gaussian())
    with rm.model:
        pm.Normal("extra", 0.0, 1.0)
    assert "are not those of the Gibbs kernel" in gibbs_plan(rm)
    # a potential or another observed variable adds no free variable, and is no less a change of the posterior
    for extend in (
        lambda rm: pm.Potential("pin", -1e4 * rm.beta[0] ** 2),
        lambda rm: pm.Normal("prior_info", mu=rm.beta[0], sigma=0.01, observed=[-3.0]),
    ):
        rm = build_model(X, y, br.Laplace(1.0), likelihood=Gaussian())
        with rm.model:
            extend(rm)
        assert gibbs_plan(rm).startswith("the model was extended")
        assert sampling.sample_posterior(rm, method="sample", draws=5, tune=5, chains=1).attrs["sampler"] == "nuts"


def test_strengths_are_read_from_the_model_data():
    """pm.set_data (RegressionModel.set_prior) changes a prior's strength, a fixed sigma or a fixed lambda in the
    model: the kernel samples the model as it is now (a tight Normal prior pins the coefficients near 0)."""
    X, y = _data(30, 3)
    kwargs = {"method": "gibbs", "draws": 200, "tune": 50, "chains": 2, "random_seed": 1}
    rm = build_model(X, y, br.Normal(10.0), likelihood=Gaussian(sigma=1.0))
    rm.set_prior(br.Normal(1e-3))
    assert np.abs(sampling.sample_posterior(rm, **kwargs)["posterior"]["beta"].values).max() < 0.01
    pm.set_data({"sigma": 1e-3}, model=rm.model)
    rm.set_prior(br.Normal(10.0))
    beta = sampling.sample_posterior(rm, **kwargs)["posterior"]["beta"].values
    assert beta.std(axis=(0, 1)).max() < 0.01  # sigma 1e-3 now: draws close to least squares
    rm = build_model(X, y, br.BayesianLasso(lam=1.0), likelihood=Gaussian(sigma_prior="jeffreys"))
    pm.set_data({"beta_lam": 1e4}, model=rm.model)
    assert np.abs(sampling.sample_posterior(rm, **kwargs)["posterior"]["beta"].values).mean() < 0.01


def test_a_constant_y_with_a_learned_sigma_is_refused():
    X, _ = _data(30, 3)
    rm = build_model(X, np.full(30, 3.0), br.BayesianLasso(), likelihood=Gaussian(sigma_prior="jeffreys"))
    with pytest.raises(ValueError, match="y: constant .* a learned sigma has an improper posterior"):
        sampling.sample_posterior(rm, method="gibbs", draws=5, tune=5, chains=1)


def test_method_sample_falls_back_to_nuts_and_says_why(monkeypatch):
    X, y = _data(20, 3)
    rm = build_model(X, (y > 2).astype(float), br.Laplace(1.0), likelihood=Poisson())
    idata = sampling.sample_posterior(rm, draws=20, tune=20, chains=1, random_seed=1, progressbar=False)
    assert idata.attrs["sampler"] == "nuts" and "poisson" in idata.attrs["sampler_reason"]
    rm = build_model(X, y, br.Laplace(1.0), likelihood=Gaussian())
    idata = sampling.sample_posterior(rm, draws=20, tune=20, chains=1, random_seed=1)
    assert idata.attrs["sampler"] == "gibbs" and "exact Gibbs" in idata.attrs["sampler_reason"]
    assert "nuts_sampler" not in idata.attrs


# --------------------------------------------------------------------------- the DataTree


@pytest.mark.parametrize(
    ("prior", "likelihood"),
    [
        (br.Horseshoe(), Gaussian()),
        (br.BayesianLasso(), Gaussian(sigma_prior="jeffreys")),
        (br.Laplace(2.0, penalty_factor=(0.0, 1.0, 1.0)), Gaussian(sigma=1.0)),
        (br.Horseshoe(), StudentT(nu=None)),
        (br.BayesianLasso(), Bernoulli()),
    ],
)
def test_the_datatree_has_the_layout_of_nuts(prior, likelihood):
    X, y = _data(25, 3)
    y = (y > 2).astype(float) if likelihood.family == "binomial" else y
    weights = np.linspace(0.5, 2.0, 25)
    rm = build_model(X, y, prior, likelihood=likelihood, sample_weight=weights)
    kwargs = {"draws": 20, "tune": 20, "chains": 2, "random_seed": 1, "progressbar": False}
    gibbs = sampling.sample_posterior(rm, method="gibbs", **kwargs)
    nuts = sampling.sample_posterior(rm, method="nuts", nuts_sampler="pymc", **kwargs)
    assert set(gibbs.children) == set(nuts.children)
    for group in ("posterior", "log_likelihood", "posterior_predictive", "observed_data", "constant_data"):
        mine, theirs = gibbs[group], nuts[group]
        assert set(mine.data_vars) == set(theirs.data_vars), group
        for name in mine.data_vars:
            assert mine[name].dims == theirs[name].dims, (group, name)
            assert mine[name].shape == theirs[name].shape, (group, name)
        for dim in ("feature", "obs_id"):
            if dim in theirs.coords:
                np.testing.assert_array_equal(mine[dim].values, theirs[dim].values)
    np.testing.assert_array_equal(gibbs["observed_data"]["y_obs"].values, y)
    assert not gibbs["sample_stats"]["diverging"].values.any()


def test_log_likelihood_and_predictive_are_those_of_the_draws():
    X, y = _data(30, 3)
    weights = np.linspace(0.0, 2.0, 30)
    offset = np.linspace(-1.0, 1.0, 30)
    rm = build_model(X, y, br.Normal(1.0), likelihood=Gaussian(), sample_weight=weights, offset=offset)
    idata = sampling.sample_posterior(rm, method="gibbs", draws=50, tune=10, chains=2, random_seed=4)
    post = idata["posterior"]
    eta = post["beta"].values @ X.T + post["intercept"].values[..., None] + offset
    sigma = post["sigma"].values[..., None]
    expected = weights * stats.norm.logpdf(y, eta, sigma)
    np.testing.assert_allclose(idata["log_likelihood"]["y_obs"].values, expected, rtol=1e-12, atol=1e-12)
    z = (idata["posterior_predictive"]["y_obs"].values - eta) / sigma
    assert abs(z.mean()) < Z_MAX / np.sqrt(z.size) and abs(z.std() - 1.0) < Z_MAX / np.sqrt(2 * z.size)


def test_augmented_log_likelihood_and_predictive_are_those_of_the_draws():
    """The Student-t with a learned nu (one per draw) and the logit, computed in numpy: against scipy's densities."""
    X, y = _data(30, 3)
    weights = np.linspace(0.0, 2.0, 30)
    offset = np.linspace(-1.0, 1.0, 30)
    kwargs = {"method": "gibbs", "draws": 50, "tune": 10, "chains": 2, "random_seed": 4}
    rm = build_model(X, y, br.Normal(1.0), likelihood=StudentT(nu=None), sample_weight=weights, offset=offset)
    idata = sampling.sample_posterior(rm, **kwargs)
    post = idata["posterior"]
    eta = post["beta"].values @ X.T + post["intercept"].values[..., None] + offset
    sigma, nu = post["sigma"].values[..., None], post["nu"].values[..., None]
    expected = weights * stats.t.logpdf(y, nu, eta, sigma)
    np.testing.assert_allclose(idata["log_likelihood"]["y_obs"].values, expected, rtol=1e-12, atol=1e-12)
    u = stats.t.cdf(idata["posterior_predictive"]["y_obs"].values, nu, eta, sigma).ravel()
    assert stats.kstest(u, "uniform").pvalue > 1e-4  # each row its own draw, from its own draw's t
    labels = (y > 2).astype(float)
    rm = build_model(X, labels, br.Normal(1.0), likelihood=Bernoulli(), sample_weight=weights, offset=offset)
    idata = sampling.sample_posterior(rm, **kwargs)
    post = idata["posterior"]
    eta = post["beta"].values @ X.T + post["intercept"].values[..., None] + offset
    expected = weights * stats.bernoulli.logpmf(labels, 1.0 / (1.0 + np.exp(-eta)))
    np.testing.assert_allclose(idata["log_likelihood"]["y_obs"].values, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("prior", [br.Horseshoe(), br.HorseshoePlus()])
@pytest.mark.parametrize(("n", "p"), [(5, 5), (5, 7)])
def test_the_horseshoes_survive_tiny_data_under_jeffreys_sigma(prior, n, p):
    """At n = p = 5 with Jeffreys' sigma an extreme proposal of tau made I + tau^2 X Lambda X' unfactorizable
    (2-4 chains in 10 failed): such a proposal is now rejected."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, p))
    y = X[:, 0] + 0.5 * rng.normal(size=n)
    rm = build_model(X, y, prior, likelihood=Gaussian(sigma_prior="jeffreys"))
    idata = sampling.sample_posterior(rm, method="gibbs", draws=200, tune=200, chains=10, random_seed=0)
    assert np.all(np.isfinite(idata["posterior"]["beta"].values))


def test_same_seed_same_draws_whatever_the_cores():
    X, y = _data(30, 4)
    rm = build_model(X, y, br.Horseshoe(), likelihood=Gaussian())
    kwargs = {"method": "gibbs", "draws": 30, "tune": 30, "chains": 3, "random_seed": 7}
    one = sampling.sample_posterior(rm, cores=1, **kwargs)["posterior"]
    two = sampling.sample_posterior(rm, cores=2, **kwargs)["posterior"]
    other = sampling.sample_posterior(rm, cores=2, **{**kwargs, "random_seed": 8})["posterior"]
    for name in one.data_vars:
        np.testing.assert_array_equal(one[name].values, two[name].values)
    assert not np.array_equal(one["beta"].values, other["beta"].values)
    # the chains start apart and run independent streams
    assert not np.array_equal(one["beta"].values[0], one["beta"].values[1])


# --------------------------------------------------------------------------- exactness: the Normal prior


def _exact_normal_posterior(X, y, scale, sigma, weights, offset, factor):
    """Mean and covariance of (intercept, beta) under a flat intercept and beta_j ~ N(0, scale^2 / f_j)."""
    A = np.column_stack([np.ones(len(y)), X])
    prior_precision = np.concatenate([[0.0], factor / scale**2])
    precision = A.T @ (weights[:, None] * A) / sigma**2 + np.diag(prior_precision)
    cov = np.linalg.inv(precision)
    return cov @ (A.T @ (weights * (y - offset))) / sigma**2, cov


@pytest.mark.parametrize(("n", "p"), [(40, 5), (12, 30)])  # Rue's draw (n >= p), Bhattacharya's (p > n)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("flat", [False, True])  # a flat coefficient (penalty factor 0): Rue's draw even at p > n
# a Student-t of 1e6 degrees of freedom is the Gaussian to 1e-6: its augmented kernel (Gamma weights of sd 1.4e-3,
# the statistics formed every sweep, the intercept drawn every sweep) must then draw the same exact posterior
@pytest.mark.parametrize("family", ["gaussian", "student_t"])
def test_normal_prior_at_a_fixed_sigma_draws_the_exact_posterior(n, p, weighted, flat, family):
    X, y = _data(n, p, seed=n)
    rng = np.random.default_rng(1)
    weights = rng.uniform(0.5, 2.0, n) if weighted else np.ones(n)
    offset = rng.normal(size=n) if weighted else np.zeros(n)
    factor = np.where(np.arange(p) == 1, 0.0, 1.0) if flat else np.ones(p)
    prior = br.Normal(0.7, penalty_factor=factor if flat else None)
    rm = build_model(
        X,
        y,
        prior,
        likelihood=Gaussian(sigma=1.3) if family == "gaussian" else StudentT(nu=1e6, sigma=1.3),
        sample_weight=weights if weighted else None,
        offset=offset if weighted else None,
    )
    idata = sampling.sample_posterior(rm, method="gibbs", draws=2000, tune=0, chains=2, random_seed=2)
    post = idata["posterior"]
    draws = np.column_stack([post["intercept"].values.ravel(), post["beta"].values.reshape(-1, p)])
    mean, cov = _exact_normal_posterior(X, y, 0.7, 1.3, weights, offset, factor)
    sd = np.sqrt(np.diag(cov))
    # with sigma and the prior fixed the sweeps are independent draws: Monte Carlo errors sd / sqrt(N)
    N = draws.shape[0]
    assert np.max(np.abs(draws.mean(axis=0) - mean) / (sd / np.sqrt(N))) < Z_MAX
    assert np.max(np.abs(draws.std(axis=0) - sd) / (sd / np.sqrt(2 * N))) < Z_MAX
    corr = np.corrcoef(draws[:, 1], draws[:, 2])[0, 1]
    exact_corr = cov[1, 2] / (sd[1] * sd[2])
    assert abs(corr - exact_corr) < Z_MAX * (1 - exact_corr**2) / np.sqrt(N)


def test_normal_prior_with_a_learned_sigma_matches_quadrature():
    """sigma ~ HalfNormal(s) is drawn by an independence Metropolis-Hastings step: its posterior mean and sd against
    the exact marginal p(sigma | y), computed on a grid (beta and the intercept integrated out in closed form)."""
    X, y = _data(15, 3, seed=3)
    scale = 0.8
    rm = build_model(X, y, br.Normal(scale), likelihood=Gaussian(sigma_prior_scale=0.7))
    idata = sampling.sample_posterior(rm, method="gibbs", draws=3000, tune=200, chains=4, random_seed=5)
    sigma_draws = idata["posterior"]["sigma"]
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    grid = np.linspace(0.05, 6.0, 6000)
    log_post = np.empty_like(grid)
    for k, s in enumerate(grid):
        cov = s**2 * np.eye(len(y)) + scale**2 * Xc @ Xc.T
        # the intercept's flat prior leaves the n - 1 dimensions orthogonal to 1: on them cov acts as on R^n
        # (Xc' 1 = 0), and the direction 1 contributes the constant factor s^2 that is divided out
        sign, logdet = np.linalg.slogdet(cov)
        log_post[k] = -0.5 * (logdet - np.log(s**2)) - 0.5 * yc @ np.linalg.solve(cov, yc) - 0.5 * (s / 0.7) ** 2
    weight = np.exp(log_post - log_post.max())
    weight /= weight.sum()
    mean = weight @ grid
    sd = np.sqrt(weight @ (grid - mean) ** 2)
    ess = float(az.ess(sigma_draws.values))
    assert abs(float(sigma_draws.mean()) - mean) < Z_MAX * sd / np.sqrt(ess)
    assert abs(float(sigma_draws.std()) - sd) < Z_MAX * sd / np.sqrt(2 * ess)
    accepted = idata["sample_stats"]["sigma_accepted"].values
    assert 0.3 < accepted.mean() < 1.0  # a Metropolis step that moves, and is not a Gibbs draw in disguise


# --------------------------------------------------------------------------- every kernel against NUTS


def _summary(idata, names):
    """Median, sd and their Monte Carlo standard errors of every scalar in ``names``; the scales (sigma, tau,
    lambda, ...: positive) on the log scale, where their half-Cauchy tails leave a sample sd with a finite error."""
    out = {}
    for name in names:
        values = idata["posterior"][name].values
        values = values.reshape(values.shape[0], values.shape[1], -1)
        if np.all(values > 0):
            values = np.log(values)
        for j in range(values.shape[-1]):
            x = values[..., j]
            ess = float(az.ess(x, method="bulk"))
            sd = x.std()
            # the median's standard error, sqrt(pi / 2) sd / sqrt(ess) for a normal-shaped posterior, and the sd's
            out[f"{name}[{j}]"] = (np.median(x), sd, 1.26 * sd / np.sqrt(ess), sd / np.sqrt(2 * ess))
    return out


DENSE = (1.5, -1.0, 0.5, 0.8)
#: (label, prior, fixed sigma, (n, p), non-zero coefficients, divergences allowed in the NUTS reference). NUTS runs
#: 4 x 2000 draws at target_accept 0.95 (0.99 for the horseshoes and at p > n): with 1000 draws at 0.8 its sd of the
#: hierarchical normal's beta[0] was 0.143, where quadrature over (tau, sigma) gives 0.1509 and Gibbs 0.1520
CASES = [
    ("laplace", br.Laplace(0.5), None, (40, 4), None, 0),
    ("enet_factor", br.ElasticNet(1.0, 2.0, penalty_factor=(0.0, 1.0, 1.0, 2.0)), 1.2, (40, 4), None, 0),
    ("bayesian_lasso", br.BayesianLasso(lam2_prior=(1.0, 0.5)), None, (40, 4), None, 0),
    ("bayesian_lasso_fixed", br.BayesianLasso(lam=2.0, noncentered=True), None, (40, 4), None, 0),
    ("hierarchical_normal", br.HierarchicalNormal(), None, (40, 4), None, 0),
    # p > n: the n-space marginal of tau and Bhattacharya's draw
    ("hierarchical_normal_p>n", br.HierarchicalNormal(), None, (12, 15), DENSE * 3 + (0.3, -0.4, 0.6), 10),
    # NUTS meets the horseshoes' funnels even on dense signals (about 1% divergent transitions at target_accept
    # 0.99, r_hat <= 1.005): a reference with a small bias near tau = 0, still far inside the Monte Carlo errors
    ("horseshoe", br.Horseshoe(), None, (40, 4), DENSE, 160),
    ("horseshoe_plus", br.HorseshoePlus(), None, (40, 4), DENSE, 160),
]


#: the augmented kernels: (label, prior, likelihood, weighted and offset, divergences allowed in the NUTS reference)
AUGMENTED = [
    ("t_laplace", br.Laplace(0.5), StudentT(nu=4.0), False, 0),
    ("t_learned_nu_lasso", br.BayesianLasso(), StudentT(nu=None), True, 0),
    ("logit_laplace", br.Laplace(0.5), Bernoulli(), True, 0),
    ("logit_horseshoe", br.Horseshoe(), Bernoulli(), False, 80),
]

#: NUTS's summaries of every case's posterior (tests/inference/make_nuts_reference.py: PyMC's NUTS, 4 x 2000 draws
#: after 1000, seed 3, at the target_accept of each case; its divergences and r_hat checked there)
NUTS_REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "nuts_agreement.json"
#: the settings of the NUTS reference and of the Gibbs run set against it
AGREEMENT_RUN = {"tune": 1000, "chains": 4, "random_seed": 3, "progressbar": False}
AGREEMENT_DRAWS = 2000


def agreement_model(label: str):
    """The model of the agreement case ``label`` and the target_accept of its NUTS reference."""
    for case_label, prior, sigma, shape, nonzero, _ in CASES:
        if case_label == label:
            X, y = _data(*shape, seed=11, **({} if nonzero is None else {"nonzero": nonzero}))
            rm = build_model(X, y, prior, likelihood=Gaussian(sigma=sigma, sigma_prior=prior.sigma_prior))
            return rm, max(prior.target_accept, 0.99 if shape[1] > shape[0] else 0.95)
    for case_label, prior, likelihood, weighted, _ in AUGMENTED:
        if case_label == label:
            X, y = _data(60, 4, seed=12, nonzero=DENSE)
            if likelihood.family == "binomial":
                y = (y > 2.0).astype(float)
            else:  # heavy tails: a few outliers
                y = y + np.where(np.arange(60) % 15 == 0, 6.0, 0.0)
            rng = np.random.default_rng(5)
            extra = {"sample_weight": rng.uniform(0.5, 2.0, 60), "offset": 0.3 * rng.normal(size=60)}
            rm = build_model(X, y, prior, likelihood=likelihood, **(extra if weighted else {}))
            return rm, max(prior.target_accept, 0.95)
    raise KeyError(label)


def nuts_summary(label: str) -> dict:
    """Run the NUTS reference of ``label`` (minutes for the horseshoes) and return its summary for the JSON file."""
    rm, target = agreement_model(label)
    lean = {"store_log_likelihood": False, "store_predictive": False}
    nuts = sampling.sample_posterior(
        rm, method="nuts", nuts_sampler="pymc", draws=AGREEMENT_DRAWS, target_accept=target, **lean, **AGREEMENT_RUN
    )
    diagnostics = sampling.diagnose(nuts)
    names = [name for name in nuts["posterior"].data_vars if name != "log_sigma"]
    return {
        "target_accept": target,
        "divergences": diagnostics.n_divergences,
        "max_rhat": diagnostics.max_rhat,
        "summary": {key: list(values) for key, values in _summary(nuts, names).items()},
    }


LABELS = [c[0] for c in CASES] + [c[0] for c in AUGMENTED]
ALLOWED_DIVERGENCES = {c[0]: c[5] for c in CASES} | {c[0]: c[4] for c in AUGMENTED}


@pytest.mark.slow
@pytest.mark.parametrize("label", LABELS)
def test_every_kernel_agrees_with_nuts_on_the_same_model(label):
    """Gibbs's medians and sds of every scalar of the posterior (scales on the log scale) within 4 Monte Carlo
    standard errors of NUTS's, stored (NUTS_REFERENCE) from a clean run: its divergences within the case's
    allowance (the horseshoes' funnels), r_hat <= 1.01."""
    reference = json.loads(NUTS_REFERENCE.read_text())["cases"][label]
    assert reference["divergences"] <= ALLOWED_DIVERGENCES[label] and reference["max_rhat"] <= 1.01
    rm, _ = agreement_model(label)
    lean = {"store_log_likelihood": False, "store_predictive": False}
    gibbs = sampling.sample_posterior(rm, method="gibbs", draws=AGREEMENT_DRAWS, **lean, **AGREEMENT_RUN)
    assert sampling.diagnose(gibbs).max_rhat <= 1.01
    names = [name for name in gibbs["posterior"].data_vars if name != "log_sigma"]
    mine, theirs = _summary(gibbs, names), reference["summary"]
    assert set(mine) == set(theirs), "the model's variables are not those of the stored reference: regenerate it"
    for key, (median, sd, se_median, se_sd) in mine.items():
        ref = theirs[key]
        assert abs(median - ref[0]) < Z_MAX * np.hypot(se_median, ref[2]), (key, median, ref[0])
        assert abs(sd - ref[1]) < Z_MAX * np.hypot(se_sd, ref[3]), (key, sd, ref[1])


@pytest.mark.slow
def test_the_stored_nuts_reference_is_what_nuts_draws_now():
    """One case's NUTS run live (the Laplace prior: seconds), against its stored summary: the reference file still
    describes the models this code builds and the NUTS this PyMC runs (within Monte Carlo error: identical seeds
    give identical draws only on identical builds)."""
    stored = json.loads(NUTS_REFERENCE.read_text())["cases"]["laplace"]["summary"]
    live = nuts_summary("laplace")["summary"]
    assert set(live) == set(stored)
    for key, (median, sd, se_median, se_sd) in live.items():
        ref = stored[key]
        assert abs(median - ref[0]) < Z_MAX * np.hypot(se_median, ref[2]), (key, median, ref[0])
        assert abs(sd - ref[1]) < Z_MAX * np.hypot(se_sd, ref[3]), (key, sd, ref[1])


# --------------------------------------------------------------------------- progress and Ctrl-C


def test_the_progress_bar_changes_nothing_in_the_draws(capsys):
    X, y = _data(30, 3)
    rm = build_model(X, y, br.Laplace(1.0), likelihood=StudentT())
    kwargs = {"method": "gibbs", "draws": 40, "tune": 10, "chains": 2, "random_seed": 3}
    shown = sampling.sample_posterior(rm, progressbar=True, **kwargs)["posterior"]
    quiet = sampling.sample_posterior(rm, progressbar=False, **kwargs)["posterior"]
    for name in quiet.data_vars:
        np.testing.assert_array_equal(shown[name].values, quiet[name].values)
    assert "Gibbs sampling 2 chains" in capsys.readouterr().out


@pytest.mark.parametrize("likelihood", [Gaussian(), StudentT()])
def test_ctrl_c_stops_the_chains_at_their_next_piece(monkeypatch, likelihood):
    """A KeyboardInterrupt while the main thread waits for the chains: it is raised, and the chains (in worker
    threads, which Ctrl-C does not reach) stop within a piece instead of running to the end."""
    import concurrent.futures
    import threading
    import time

    X, y = _data(40, 30)
    rm = build_model(X, y, br.HorseshoePlus(), likelihood=likelihood)
    sampling.sample_posterior(rm, method="gibbs", draws=2, tune=0, chains=1)  # compiled before the clock starts
    original = concurrent.futures.Future.result

    def interrupted(self, timeout=None):
        time.sleep(0.2)
        raise KeyboardInterrupt

    monkeypatch.setattr(concurrent.futures.Future, "result", interrupted)
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        # thinned by 5: 2 x 250,000 sweeps, minutes to run in full
        sampling.sample_posterior(
            rm, method="gibbs", draws=50_000, tune=0, chains=2, cores=2, random_seed=0, progressbar=False
        )
    monkeypatch.setattr(concurrent.futures.Future, "result", original)
    assert time.perf_counter() - start < 30.0
    # the pool's threads have ended (it waited for them); other pools (Dask's threaded scheduler) are not ours
    assert not [t for t in threading.enumerate() if t.name.startswith(GIBBS_THREADS) and t.is_alive()]
