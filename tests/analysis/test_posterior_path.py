"""bayesian_path: exact conjugate path for the Gaussian prior, one-model NUTS path for the Laplace prior.

Small NUTS settings (150 draws, 2 chains): the statistical check against the closed form uses
z-scores with ArviZ's Monte Carlo standard errors.
"""

from unittest import mock

import arviz as az
import numpy as np
import pytest
from scipy import stats
from sklearn.linear_model import Lasso, Ridge

import bayesreg as br
from bayesreg.analysis import posterior_path as bp_module
from bayesreg.analysis.posterior_path import BayesianPath, bayesian_path, conjugate_normal_marginals, penalized_path
from bayesreg.inference.sampling import Diagnostics

SIGMA = 1.0
NUTS = {"draws": 150, "tune": 150, "chains": 2, "nuts_sampler": "pymc", "progressbar": False}
Z_MAX = 4.0

pytestmark = pytest.mark.filterwarnings("ignore::bayesreg.inference.sampling.SamplingWarning")


@pytest.fixture(scope="module")
def data(small_frame):
    return small_frame


@pytest.fixture(scope="module")
def normal_path(data):
    X, y = data
    return bayesian_path(X, y, prior="normal", sigma=SIGMA, n_points=6)


@pytest.fixture(scope="module")
def laplace_run(data):
    """The Laplace path with build_model and sample_posterior spied on."""
    X, y = data
    with (
        mock.patch.object(bp_module, "build_model", wraps=bp_module.build_model) as build,
        mock.patch.object(bp_module, "sample_posterior", wraps=bp_module.sample_posterior) as sample,
    ):
        path = bayesian_path(X, y, prior="laplace", sigma=SIGMA, n_points=3, random_seed=3, **NUTS)
    return path, build.call_count, sample.call_count


def _exact_posterior(X, y, tau, sigma):
    """Textbook conjugate posterior of beta (flat intercept): S = (Xc'Xc / s^2 + I / tau^2)^-1, m = S Xc'yc / s^2."""
    X = np.asarray(X, dtype=float)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    S = np.linalg.inv(Xc.T @ Xc / sigma**2 + np.eye(X.shape[1]) / tau**2)
    return S @ Xc.T @ yc / sigma**2, S


# --------------------------------------------------------------------------- Gaussian prior: exact


def test_normal_path_is_the_conjugate_posterior(normal_path, data):
    X, y = data
    path = normal_path
    assert isinstance(path, BayesianPath) and path.method == "exact" and path.diagnostics is None
    assert path.feature_names == ["age", "bmi", "bp", "s1"]
    assert path.prob == (0.5, 0.9) and path.median.shape == (6, 4) and path.lower.shape == (2, 6, 4)
    for k, tau in enumerate(path.scales):
        m, S = _exact_posterior(X, y, tau, SIGMA)
        sd = np.sqrt(np.diag(S))
        np.testing.assert_allclose(path.median[k], m, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(path.mean[k], m, rtol=1e-9, atol=1e-12)
        for prob in (0.5, 0.9):
            lower, upper = path.interval(prob)
            z = stats.norm.ppf((1 + prob) / 2)
            np.testing.assert_allclose(lower[k], m - z * sd, rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(upper[k], m + z * sd, rtol=1e-9, atol=1e-12)


def test_normal_path_alphas_map_and_penalized_fit(normal_path, data):
    X, y = data
    path = normal_path
    assert np.all(np.diff(path.scales) > 0) and np.all(np.diff(path.alphas) < 0)
    # the default grid is alpha_grid's ridge grid, and every alpha is the prior's own conversion
    np.testing.assert_allclose(path.alphas, br.alpha_grid(X.to_numpy(), y, penalty="ridge", n_alphas=6), rtol=1e-12)
    for tau, alpha in zip(path.scales, path.alphas, strict=True):
        assert alpha == pytest.approx(br.Normal(tau).to_sklearn(sigma=SIGMA).alpha, rel=1e-12, abs=0)
        assert tau == pytest.approx(br.from_sklearn(Ridge(alpha=alpha), sigma=SIGMA).scale, rel=1e-12, abs=0)
    for k, alpha in enumerate(path.alphas):
        ridge = Ridge(alpha=alpha).fit(X, y)
        np.testing.assert_allclose(path.penalized[k], ridge.coef_, rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(path.map_coef[k], ridge.coef_, rtol=1e-7, atol=1e-10)
    # a Gaussian posterior's mode is its mean and median
    np.testing.assert_allclose(path.map_coef, path.median, rtol=1e-8, atol=1e-12)


def test_normal_exact_matches_nuts_within_monte_carlo_error(normal_path, data):
    """Median and 5% / 95% quantiles of a NUTS run at one scale agree with the closed form (z < 4)."""
    X, y = data
    k = 4
    tau = float(normal_path.scales[k])
    est = br.BayesianRegression(br.Normal(tau), sigma=SIGMA, method="nuts", random_seed=4, **NUTS).fit(X, y)
    by_chain = est.idata_["posterior"]["beta"].values
    draws = by_chain.reshape(-1, 4)
    lower, upper = normal_path.interval(0.9)
    checks = [
        (np.median(draws, axis=0), normal_path.median[k], az.mcse(by_chain, method="median")),
        (np.quantile(draws, 0.05, axis=0), lower[k], az.mcse(by_chain, method="quantile", prob=0.05)),
        (np.quantile(draws, 0.95, axis=0), upper[k], az.mcse(by_chain, method="quantile", prob=0.95)),
    ]
    for sampled, exact, mcse in checks:
        z = (sampled - exact) / np.asarray(mcse)
        assert np.max(np.abs(z)) < Z_MAX, z
    # the check has power: the data moved the signal coefficients far (in Monte Carlo errors) from the
    # prior's median 0, and the interval is much narrower than the prior's own 90% interval
    mcse_median = np.asarray(checks[0][2])
    assert np.all(np.abs(normal_path.median[k, [0, 2]]) > 20 * mcse_median[[0, 2]])
    assert np.all(upper[k] - lower[k] < 0.5 * 2 * stats.norm.ppf(0.95) * tau)


def test_conjugate_marginals_without_intercept(data):
    X, y = data
    X = X.to_numpy()
    alpha = 3.0
    mean, sd = conjugate_normal_marginals(X, y, [alpha], sigma=2.0, fit_intercept=False)
    S = np.linalg.inv(X.T @ X / 4.0 + np.eye(4) * alpha / 4.0)  # tau^2 = sigma^2 / alpha
    np.testing.assert_allclose(mean[0], S @ X.T @ y / 4.0, rtol=1e-10)
    np.testing.assert_allclose(sd[0], np.sqrt(np.diag(S)), rtol=1e-10)


def test_standardize_reports_original_scale(data):
    X, y = data
    sd = X.to_numpy().std(axis=0)
    Z = (X - X.mean()) / sd
    std_path = bayesian_path(X, y, prior="normal", sigma=SIGMA, n_points=4, standardize=True)
    on_z = bayesian_path(Z, y, prior="normal", sigma=SIGMA, n_points=4)
    np.testing.assert_allclose(std_path.alphas, on_z.alphas, rtol=1e-10)
    for name in ("median", "map_coef", "penalized"):
        np.testing.assert_allclose(getattr(std_path, name), getattr(on_z, name) / sd, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(std_path.upper, on_z.upper / sd, rtol=1e-9)


def test_alphas_or_scales_give_the_same_grid_sorted(data):
    X, y = data
    alphas = [0.5, 50.0, 5.0]
    by_alpha = bayesian_path(X, y, prior="normal", alphas=alphas, sigma=2.0, prob=0.8)
    scales = [br.from_sklearn(Ridge(alpha=a), sigma=2.0).scale for a in alphas]
    by_scale = bayesian_path(X, y, prior="normal", scales=scales, sigma=2.0, prob=0.8)
    np.testing.assert_allclose(by_alpha.alphas, [50.0, 5.0, 0.5], rtol=1e-12)
    np.testing.assert_allclose(by_alpha.scales, np.sort(scales), rtol=1e-12)
    np.testing.assert_allclose(by_scale.median, by_alpha.median, rtol=1e-12)
    assert by_alpha.prob == (0.8,)


# --------------------------------------------------------------------------- Laplace prior: NUTS


def test_laplace_path_builds_one_model_and_samples_each_scale(laplace_run):
    path, n_built, n_sampled = laplace_run
    assert n_built == 1  # the prior's scale is swapped in pm.Data, never rebuilt
    assert n_sampled == 3
    assert path.method == "nuts" and len(path.diagnostics) == 3
    assert all(isinstance(d, Diagnostics) for d in path.diagnostics)
    assert all(d.n_draws == 300 for d in path.diagnostics)
    assert path.seeds is not None and len(set(path.seeds)) == 3
    # as documented: row k's seed is SeedSequence(random_seed).generate_state(path.n_points)[k]
    assert path.seeds == tuple(int(s) for s in np.random.SeedSequence(3).generate_state(path.n_points))


def test_laplace_path_row_equals_a_single_fit_at_that_scale(laplace_run, data):
    """Row k reproduces BayesianRegression(Laplace(scales[k]), random_seed=seeds[k]): the scale really changed."""
    X, y = data
    path, _, _ = laplace_run
    k = 1
    est = br.BayesianRegression(
        br.Laplace(float(path.scales[k])), sigma=SIGMA, method="nuts", random_seed=path.seeds[k], **NUTS
    ).fit(X, y)
    beta = est.idata_["posterior"]["beta"].values.reshape(-1, 4)
    np.testing.assert_allclose(path.median[k], np.median(beta, axis=0), rtol=1e-12)
    np.testing.assert_allclose(path.mean[k], est.coef_, rtol=1e-12)
    lower, upper = path.interval(0.9)
    np.testing.assert_allclose(lower[k], np.quantile(beta, 0.05, axis=0), rtol=1e-12)
    np.testing.assert_allclose(upper[k], np.quantile(beta, 0.95, axis=0), rtol=1e-12)


def test_laplace_path_summaries(laplace_run, data):
    X, y = data
    path, _, _ = laplace_run
    n = len(y)
    assert np.all(np.diff(path.scales) > 0)
    np.testing.assert_allclose(path.alphas, br.alpha_grid(X.to_numpy(), y, penalty="lasso", n_alphas=3), rtol=1e-12)
    for b, alpha in zip(path.scales, path.alphas, strict=True):
        assert alpha == pytest.approx(br.Laplace(b).to_sklearn(sigma=SIGMA, n_samples=n).alpha, rel=1e-12, abs=0)
    # the MAP is the lasso, with its exact zeros: all zero at the first (largest) alpha
    assert np.all(path.map_coef[0] == 0.0)
    assert np.max(np.abs(path.map_coef - path.penalized)) <= 1e-6 * np.max(np.abs(path.penalized))
    for k, alpha in enumerate(path.alphas):
        lasso = Lasso(alpha=alpha, tol=1e-12, max_iter=1_000_000).fit(X, y)
        np.testing.assert_allclose(path.penalized[k], lasso.coef_, atol=1e-8)
    # nested intervals around the median
    (lo50, hi50), (lo90, hi90) = path.interval(0.5), path.interval(0.9)
    assert np.all(lo90 <= lo50) and np.all(lo50 <= path.median) and np.all(path.median <= hi50)
    assert np.all(hi50 <= hi90)
    # shrinkage: the signal coefficients grow with the prior scale; the posterior median is not sparse
    assert np.all(np.abs(path.median[0, [0, 2]]) < 0.5 * np.abs(path.median[-1, [0, 2]]))
    assert np.all(path.median[0] != 0.0)
    assert path.median[-1, 0] == pytest.approx(1.5, abs=0.3) and path.median[-1, 2] == pytest.approx(-2.0, abs=0.5)


def test_to_frame_is_long_format(laplace_run):
    path, _, _ = laplace_run
    frame = path.to_frame()
    assert len(frame) == 3 * 4
    assert list(frame.columns) == [
        "scale", "alpha", "feature", "median", "mean", "map", "penalized",
        "lower_50", "upper_50", "lower_90", "upper_90",
    ]  # fmt: skip
    bp = frame[frame["feature"] == "bp"]
    np.testing.assert_array_equal(bp["scale"], path.scales)
    np.testing.assert_array_equal(bp["alpha"], path.alphas)
    np.testing.assert_array_equal(bp["median"], path.median[:, 2])
    np.testing.assert_array_equal(bp["map"], path.map_coef[:, 2])
    np.testing.assert_array_equal(bp["upper_90"], path.upper[1][:, 2])


def test_alpha_scale_conversions_are_inverse(laplace_run):
    path, _, _ = laplace_run
    np.testing.assert_allclose(path.alpha_of_scale(path.scales), path.alphas, rtol=1e-12)
    np.testing.assert_allclose(path.scale_of_alpha(path.alphas), path.scales, rtol=1e-12)
    out = path.alpha_of_scale(np.array([-1.0, 0.0, np.inf, 2.0]))
    assert np.all(np.isnan(out[:3])) and out[3] == pytest.approx(SIGMA**2 / (60 * 2.0), rel=1e-12, abs=0)
    with pytest.raises(ValueError, match="prob"):
        path.interval(0.8)
    assert path.penalty == "lasso" and path.estimator_name == "Lasso"


def test_penalized_path_keeps_the_order_given(data):
    X, y = data
    alphas = [0.01, 0.3, 0.1]
    coefs = penalized_path(X.to_numpy(), y, alphas, prior="laplace")
    for k, a in enumerate(alphas):
        np.testing.assert_allclose(coefs[k], Lasso(alpha=a, tol=1e-12, max_iter=1_000_000).fit(X, y).coef_, atol=1e-8)


# --------------------------------------------------------------------------- bad input, before any compilation

BAD = [
    ({"prior": "ridge"}, ValueError, "prior"),
    ({"sigma": None}, TypeError, "sigma"),
    ({"sigma": -1.0}, ValueError, "sigma"),
    ({"scales": [1.0], "alphas": [1.0]}, ValueError, "scales or alphas"),
    ({"scales": [1.0, -2.0]}, ValueError, "scales"),
    ({"alphas": []}, ValueError, "alphas"),
    ({"alphas": "big"}, TypeError, "alphas"),
    ({"prob": 1.5}, ValueError, "prob"),
    ({"prob": (0.5, "x")}, TypeError, "prob"),
    ({"prob": "0.5"}, TypeError, "prob"),
    ({"prob": (0.5, True)}, TypeError, "prob"),
    ({"n_points": 0}, ValueError, "n_points"),
    ({"draws": 0}, ValueError, "draws"),
    ({"chains": 1.5}, TypeError, "chains"),
    ({"random_seed": -1}, ValueError, "random_seed"),
    ({"nuts_sampler": "stan"}, ValueError, "nuts_sampler"),
    ({"fit_intercept": "yes"}, TypeError, "fit_intercept"),
    ({"standardize": 1}, TypeError, "standardize"),
    ({"progressbar": None}, TypeError, "progressbar"),
]


@pytest.mark.parametrize(("kwargs", "error", "match"), BAD, ids=[next(iter(b[0])) + str(i) for i, b in enumerate(BAD)])
def test_bad_input_is_refused_before_compiling(data, kwargs, error, match):
    X, y = data
    args = {"prior": "laplace", "sigma": SIGMA, **kwargs}
    with (
        mock.patch.object(bp_module, "build_model", side_effect=AssertionError("compiled")) as build,
        mock.patch.object(bp_module, "map_path", side_effect=AssertionError("compiled")),
    ):
        with pytest.raises(error, match=match):
            bayesian_path(X, y, **args)
    build.assert_not_called()


def test_bad_data_is_refused(data):
    X, y = data
    with pytest.raises(ValueError, match="same number of samples"):
        bayesian_path(X, y[:-1], prior="normal", sigma=SIGMA)
    with pytest.raises(ValueError, match="y must be numeric"):
        bayesian_path(X, np.array(["a"] * len(y), dtype=object), prior="normal", sigma=SIGMA)


CONJUGATE_BAD = [
    ({"sigma": -1.0}, ValueError, "sigma"),
    ({"sigma": "1"}, TypeError, "sigma"),
    ({"alphas": [1.0, 0.0]}, ValueError, "alphas"),
    ({"alphas": [-2.0]}, ValueError, "alphas"),
    ({"alphas": [np.inf]}, ValueError, "alphas"),
    ({"alphas": []}, ValueError, "alphas"),
    ({"fit_intercept": "yes"}, TypeError, "fit_intercept"),
    ({"n_y": -1}, ValueError, "same number of samples"),
]


@pytest.mark.parametrize(("kwargs", "error", "match"), CONJUGATE_BAD)
def test_conjugate_marginals_refuse_bad_input(data, kwargs, error, match):
    X, y = data
    args = {"alphas": [1.0], "sigma": SIGMA, **kwargs}
    n_y = args.pop("n_y", None)
    with pytest.raises(error, match=match):
        conjugate_normal_marginals(X, y[:n_y], args.pop("alphas"), **args)


PENALIZED_BAD = [
    ({"prior": "ridge"}, ValueError, "prior"),
    ({"alphas": [0.1, 0.0]}, ValueError, "alphas"),
    ({"alphas": "big"}, TypeError, "alphas"),
    ({"fit_intercept": 1}, TypeError, "fit_intercept"),
    ({"n_y": -1}, ValueError, "same number of samples"),
]


@pytest.mark.parametrize("prior", ["laplace", "normal"])
@pytest.mark.parametrize(("kwargs", "error", "match"), PENALIZED_BAD)
def test_penalized_path_refuses_bad_input(data, prior, kwargs, error, match):
    X, y = data
    args = {"alphas": [0.1], "prior": prior, **kwargs}
    n_y = args.pop("n_y", None)
    with pytest.raises(error, match=match):
        penalized_path(X, y[:n_y], args.pop("alphas"), **args)
