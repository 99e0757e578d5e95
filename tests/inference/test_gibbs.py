"""The Park & Casella (2008) Gibbs sampler and Monte Carlo EM in bayesreg.inference.gibbs.

Monte Carlo comparisons use 4 Monte Carlo standard errors, ``sd / sqrt(ESS)`` with the ESS from ``arviz.ess``;
every seed is fixed, so the tests are deterministic.
"""

from __future__ import annotations

import dataclasses
import inspect
import warnings

import arviz as az
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning

from bayesreg.inference.gibbs import (
    GibbsResult,
    McemResult,
    _default_lambda,
    _initial_state,
    _inverse_gaussian,
    _Problem,
    mcem_bayesian_lasso,
    sample_bayesian_lasso_gibbs,
)


def _mcse(result: GibbsResult) -> dict[str, np.ndarray]:
    """Monte Carlo standard error of the posterior mean of each variable, from arviz.ess."""
    ds = result.to_dataset()
    ess = az.ess(ds)
    return {name: ds[name].std(("chain", "draw")).values / np.sqrt(ess[name].values) for name in ds.data_vars}


@pytest.fixture(scope="module")
def one_predictor():
    """n = 15, p = 1: small enough that the Laplace prior visibly shrinks beta."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal(15)
    y = 1.0 + 0.3 * x + rng.standard_normal(15)
    return x, y


def _grid_posterior(x, y, *, lam=None, lam2_prior=(1.0, 1.78), n_beta=601, n_log_sigma=301, n_lam=200):
    """Posterior means of beta, sigma, sigma^2 (and lambda) for p = 1 by tensor-grid trapezoidal quadrature.

    With the intercept integrated out, in the coordinates (beta, log sigma) (``d sigma^2 / sigma^2 = 2 d log sigma``)

        p(beta, log sigma | y, lam)
            propto sigma^-(n-1) exp(-RSS(beta) / (2 sigma^2)) * lam / (2 sigma) exp(-lam |beta| / sigma)

    and, when ``lam`` is None, the integrand is also integrated over lambda on a grid with
    ``lambda^2 ~ Gamma(r, delta)``, i.e. ``lambda ~ 2 lambda Gamma_pdf(lambda^2; r, delta)``. The beta grid has a
    node at 0 (the kink of |beta|); halving every spacing changes the means by < 1e-5, against Monte Carlo
    errors of about 2e-3.
    """
    n = len(y)
    xc, yc = x - x.mean(), y - y.mean()
    sxx, sxy, syy = xc @ xc, xc @ yc, yc @ yc
    s_ols = np.sqrt((syy - sxy**2 / sxx) / (n - 2))
    b = np.linspace(-3.0, 3.0, n_beta)
    logs = np.linspace(np.log(s_ols) - 3.0, np.log(s_ols) + 3.0, n_log_sigma)
    B, S = np.meshgrid(b, np.exp(logs), indexing="ij")
    base = -(n - 1) * np.log(S) - (syy - 2 * B * sxy + B * B * sxx) / (2 * S * S) - np.log(S)
    if lam is not None:
        lams, log_w_lam = np.array([lam]), np.zeros(1)
    else:
        r, delta = lam2_prior
        lams = np.linspace(0.0, 6.0, n_lam + 1)[1:]
        dl = lams[1] - lams[0]
        log_w_lam = stats.gamma.logpdf(lams**2, r, scale=1.0 / delta) + np.log(2 * lams * dl)
    shift = base.max()
    w_total = np.zeros_like(B)
    w_lam = np.zeros_like(B)
    for lam_k, log_wk in zip(lams, log_w_lam, strict=True):
        w = np.exp(base - shift + np.log(lam_k) - lam_k * np.abs(B) / S + log_wk)
        w_total += w
        w_lam += lam_k * w

    def integral(f):
        return np.trapezoid(np.trapezoid(f, logs, axis=1), b)

    z = integral(w_total)
    means = {
        "beta": integral(w_total * B) / z,
        "sigma": integral(w_total * S) / z,
        "sigma2": integral(w_total * S**2) / z,
    }
    means["lam"] = integral(w_lam) / z
    return means, sxy / sxx


# --------------------------------------------------------------------------------------------------------------------
# the key check: Park & Casella's marginal-maximum-likelihood lambda on the diabetes data


def test_mcem_reproduces_park_casella_lambda_on_diabetes():
    # scikit-learn's scaled diabetes columns are centred with unit Euclidean norm, the scaling of Efron et al.
    # (2004) that Park & Casella use; y is centred.
    X, y = load_diabetes(return_X_y=True, scaled=True)
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(X, axis=0), 1.0, rtol=1e-12)
    y = y - y.mean()
    result = mcem_bayesian_lasso(X, y, random_seed=0)
    assert isinstance(result, McemResult)
    assert result.converged
    # the paper's starting value p sigma_OLS / ||beta_OLS||_1, recomputed here with unbiased sigma_OLS
    beta_ols, rss, *_ = np.linalg.lstsq(X, y, rcond=None)
    n, p = X.shape
    assert result.history[0] == pytest.approx(
        p * np.sqrt(rss[0] / (n - 1 - p)) / np.abs(beta_ols).sum(), rel=1e-12, abs=0
    )
    assert result.history[0] == pytest.approx(0.1565, abs=1e-4)
    # Tolerance. Over 30 seeds with the defaults the estimate has mean 0.23638 and standard deviation 0.00043
    # (range 0.23549 to 0.23725); a long run of the fixed-point equation lam * E[sum_j |beta_j| / sigma | y, lam] = p
    # (40,000 draws per step) gives 0.2364 +- 0.0001. Park & Casella report 0.237, to three decimals (+- 0.0005) and
    # with their own, unreported Monte Carlo error. 0.002 = |0.2364 - 0.237| + 3 sd (0.0013), rounded up. A wrong
    # update (e.g. without the factor 2, whose iterates go to 0) or a wrong scaling fails by far; a 0.1 % effect
    # such as n instead of n - 1 in the sigma^2 conditional is below what this comparison can resolve.
    assert abs(result.lam - 0.237) < 0.002
    assert abs(result.lam - 0.2364) < 4 * 0.00043
    # the estimate averages the n_average = 10 iterates from the convergence on, and the run stops there
    assert result.lam == pytest.approx(result.history[-10:].mean(), rel=1e-15, abs=0)
    assert result.n_iter == len(result.history) - 1 < 100
    # convergence: the first iteration that ends three successive relative changes below tol
    tol = inspect.signature(mcem_bayesian_lasso).parameters["tol"].default
    small = np.abs(np.diff(result.history)) <= tol * result.history[:-1]
    converged_at = next(k for k in range(3, len(small) + 1) if small[k - 3 : k].all())
    assert result.n_iter == converged_at + 10 - 1


# --------------------------------------------------------------------------------------------------------------------
# exactness of the sampler


def test_vanishing_lambda_gives_the_least_squares_posterior():
    """lambda -> 0: tau^2 -> inf, beta | sigma^2, y -> N(beta_OLS, sigma^2 (Xc'Xc)^-1).

    Then E[beta | y] = beta_OLS and Var(beta | y) = E[sigma^2 | y] (Xc'Xc)^-1, and with pi(sigma^2) = 1/sigma^2
    and the N(0, sigma^2 tau^2) prior's sigma^-p cancelling the sigma^p of integrating beta out,
    sigma^2 | y ~ InvGamma((n - 1) / 2, RSS / 2), so E[sigma^2 | y] = RSS / (n - 3).
    """
    rng = np.random.default_rng(11)
    n, p = 60, 4
    X = rng.standard_normal((n, p)) + np.array([3.0, -2.0, 1.0, 0.5])  # off-centre: the intercept depends on beta
    y = 2.0 + X @ np.array([1.0, -0.5, 0.0, 0.25]) + rng.standard_normal(n)
    result = sample_bayesian_lasso_gibbs(X, y, lam=1e-6, draws=6000, burn=200, random_seed=1)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    # the prior precisions 1/tau_j^2 are negligible next to Xc'Xc in every draw
    assert np.max(1.0 / result.tau2) < 1e-4 * np.min(np.diag(Xc.T @ Xc))

    beta_ols = np.linalg.solve(Xc.T @ Xc, Xc.T @ yc)
    rss = np.sum((yc - Xc @ beta_ols) ** 2)
    intercept_ols = y.mean() - X.mean(axis=0) @ beta_ols
    mcse = _mcse(result)
    assert np.all(np.abs(result.beta.mean(axis=0) - beta_ols) < 4 * mcse["beta"])
    assert abs(result.intercept.mean() - intercept_ols) < 4 * mcse["intercept"]
    assert abs(result.sigma2.mean() - rss / (n - 3)) < 4 * mcse["sigma2"]
    sd_exact = np.sqrt(rss / (n - 3) * np.diag(np.linalg.inv(Xc.T @ Xc)))
    # sd of 6000 roughly independent draws: relative MC error about 1 / sqrt(2 * ESS) < 1.5 %
    np.testing.assert_allclose(result.beta.std(axis=0), sd_exact, rtol=0.05)
    # intercept = ybar - beta' xbar + sqrt(sigma^2 / n) z: Var = E[sigma^2] (1 / n + xbar' (Xc'Xc)^-1 xbar)
    xbar = X.mean(axis=0)
    intercept_sd = np.sqrt(rss / (n - 3) * (1.0 / n + xbar @ np.linalg.solve(Xc.T @ Xc, xbar)))
    assert result.intercept.std() == pytest.approx(intercept_sd, rel=0.05, abs=0)


def test_fixed_lambda_matches_quadrature_on_one_predictor(one_predictor):
    x, y = one_predictor
    lam = 3.0
    exact, beta_ols = _grid_posterior(x, y, lam=lam)
    result = sample_bayesian_lasso_gibbs(x[:, None], y, lam=lam, draws=20000, burn=500, random_seed=3)
    mcse = _mcse(result)
    assert abs(result.beta.mean() - exact["beta"]) < 4 * mcse["beta"][0]
    assert abs(np.sqrt(result.sigma2).mean() - exact["sigma"]) < 4 * mcse["sigma"]
    assert abs(result.sigma2.mean() - exact["sigma2"]) < 4 * mcse["sigma2"]
    # the prior matters here: the test could tell a sampler that ignored it
    assert abs(exact["beta"] - beta_ols) > 20 * mcse["beta"][0]
    np.testing.assert_array_equal(result.lam, lam)


def test_hyperprior_on_lambda_matches_quadrature_on_one_predictor(one_predictor):
    x, y = one_predictor
    exact, _ = _grid_posterior(x, y, lam=None, lam2_prior=(1.0, 1.78))
    result = sample_bayesian_lasso_gibbs(x[:, None], y, lam2_prior=(1.0, 1.78), draws=20000, burn=500, random_seed=4)
    assert not result.lam_fixed
    mcse = _mcse(result)
    for name, draws in [("beta", result.beta[:, 0]), ("sigma", np.sqrt(result.sigma2)), ("lam", result.lam)]:
        assert abs(draws.mean() - exact[name]) < 4 * np.ravel(mcse[name])[0], name


def test_inverse_gaussian_draws():
    rng = np.random.default_rng(5)
    size = 20000
    for mean, shape in [(1.0, 1.0), (2.0, 0.5), (0.3, 5.0)]:
        m = np.full(size, mean)
        x = _inverse_gaussian(m, shape, rng.standard_normal(size), rng.random(size))
        # scipy's invgauss(mu, scale) has mean mu * scale and shape parameter scale
        assert stats.kstest(x, stats.invgauss(mean / shape, scale=shape).cdf).pvalue > 1e-3
    # mean / shape = 1e16, where numpy's Generator.wald cancels to exact zeros; E[1/X] = 1/mean + 1/shape
    mean, shape = 1e4, 1e-12
    x = _inverse_gaussian(np.full(size, mean), shape, rng.standard_normal(size), rng.random(size))
    assert np.all(x > 0)
    # 1/X has relative sd ~ sqrt(2) per draw here: the mean of 20000 is within 1 %
    assert np.mean(1.0 / x) == pytest.approx(1.0 / mean + 1.0 / shape, rel=0.05, abs=0)


# --------------------------------------------------------------------------------------------------------------------
# reproducibility, API


def test_same_seed_same_draws():
    X, y = load_diabetes(return_X_y=True, scaled=True)
    kwargs = dict(draws=200, burn=50, thin=2)
    a = sample_bayesian_lasso_gibbs(X, y, random_seed=42, **kwargs)
    b = sample_bayesian_lasso_gibbs(X, y, random_seed=np.random.default_rng(42), **kwargs)
    c = sample_bayesian_lasso_gibbs(X, y, random_seed=43, **kwargs)
    for name in ("beta", "intercept", "sigma2", "tau2", "lam"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        assert not np.array_equal(getattr(a, name), getattr(c, name))
    assert a.beta.shape == a.tau2.shape == (200, 10)
    assert a.intercept.shape == a.sigma2.shape == a.lam.shape == (200,)
    with pytest.warns(ConvergenceWarning, match="n_iter"):
        m1 = mcem_bayesian_lasso(X, y, n_iter=3, draws=100, burn=20, random_seed=7)
        m2 = mcem_bayesian_lasso(X, y, n_iter=3, draws=100, burn=20, random_seed=7)
    np.testing.assert_array_equal(m1.history, m2.history)


def test_mcem_that_runs_out_of_iterations_warns():
    X, y = load_diabetes(return_X_y=True, scaled=True)
    with pytest.warns(ConvergenceWarning, match="increase n_iter") as record:
        result = mcem_bayesian_lasso(X, y, n_iter=4, draws=100, burn=20, n_average=2, random_seed=1)
    assert record[0].filename == __file__  # points at the caller's line, not at bayesreg
    assert not result.converged
    assert result.n_iter == 4 and result.history.shape == (5,)
    assert result.lam == pytest.approx(result.history[-2:].mean())
    # started from lam0, the iterates climb monotonically towards ~0.236
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = mcem_bayesian_lasso(X, y, lam0=0.1, n_iter=4, draws=200, burn=20, random_seed=1)
    assert result.history[0] == 0.1
    assert np.all(np.diff(result.history) > 0)


def test_to_dataset_works_with_arviz():
    X, y = load_diabetes(return_X_y=True, scaled=True, as_frame=True)
    result = sample_bayesian_lasso_gibbs(X, y, lam=0.237, draws=300, burn=50, random_seed=0)
    ds = result.to_dataset()
    assert ds["beta"].dims == ("chain", "draw", "feature")
    assert list(ds["feature"].values) == list(X.columns)
    assert ds["intercept"].dims == ds["sigma"].dims == ds["lam"].dims == ("chain", "draw")
    assert ds.sizes["chain"] == 1 and ds.sizes["draw"] == 300
    np.testing.assert_allclose(ds["sigma"].values[0], np.sqrt(result.sigma2))
    summary = az.summary(ds, var_names=["beta", "intercept", "sigma", "lam"])
    assert "beta[bmi]" in summary.index and "sigma" in summary.index
    assert float(az.ess(ds)["beta"].min()) > 50
    # continuing a chain from the last draw
    more = sample_bayesian_lasso_gibbs(X, y, lam=0.237, draws=10, burn=0, random_seed=1, init=result)
    assert more.beta.shape == (10, 10)


# --------------------------------------------------------------------------------------------------------------------
# input validation


X_OK = np.random.default_rng(0).standard_normal((20, 3))
Y_OK = np.random.default_rng(1).standard_normal(20)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(X=X_OK[:, 0]), ValueError, "X must be a 2-D"),
        (dict(X=np.where(np.eye(20, 3) > 0, np.nan, X_OK)), ValueError, "NaN"),
        (dict(X=np.where(np.eye(20, 3) > 0, np.inf, X_OK)), ValueError, "infinity"),
        (dict(y=Y_OK[:, None]), ValueError, "y must be a 1-D"),
        (dict(y=Y_OK[:-1]), ValueError, "same number of samples"),
        (dict(X=X_OK[:-1]), ValueError, "same number of samples"),
        (dict(y=np.r_[Y_OK[:-1], np.nan]), ValueError, "y"),
        (dict(X=X_OK[:2], y=Y_OK[:2]), ValueError, "at least 3 samples"),
        (dict(y=np.full(20, 3.0)), ValueError, "y is constant"),
        (dict(draws=0), ValueError, "draws"),
        (dict(draws=10.0), TypeError, "draws"),
        (dict(draws=True), TypeError, "draws"),
        (dict(burn=-1), ValueError, "burn"),
        (dict(thin=0), ValueError, "thin"),
        (dict(lam=0.0), ValueError, "lam"),
        (dict(lam=-1.0), ValueError, "lam"),
        (dict(lam=np.inf), ValueError, "lam"),
        (dict(lam="big"), TypeError, "lam"),
        (dict(lam2_prior=(1.0,)), ValueError, "lam2_prior"),
        (dict(lam2_prior=(1.0, 1.78, 2.0)), ValueError, "lam2_prior must be a pair"),
        (dict(X=X_OK[None]), ValueError, "X must be a 2-D"),
        (dict(init={"tau2": [1.0, 1.0]}), ValueError, r"init\['tau2'\] must be 3 finite numbers"),
        (dict(init={"tau2": [1.0, 1.0, 1.0, 1.0]}), ValueError, r"init\['tau2'\] must be 3 finite numbers"),
        (dict(lam2_prior=(1.0, -1.78)), ValueError, "lam2_prior"),
        (dict(lam2_prior=1.78), TypeError, "lam2_prior"),
        (dict(init={"sigma": 1.0}), ValueError, "init"),
        (dict(init={"tau2": [1.0, -1.0, 1.0]}), ValueError, "init"),
        (dict(init={"tau2": [1.0, 0.0, 1.0]}), ValueError, "init"),
        (dict(init={"beta": [1.0, 2.0]}), ValueError, r"init\['beta'\] must be 3 finite numbers"),
        (dict(init={"beta": [1.0, 2.0, 3.0, 4.0]}), ValueError, r"init\['beta'\] must be 3 finite numbers"),
        (dict(init=[1.0]), TypeError, "init"),
    ],
)
def test_gibbs_rejects_bad_input(kwargs, error, match):
    args = dict(X=X_OK, y=Y_OK, draws=5, burn=0) | kwargs
    with pytest.raises(error, match=match):
        sample_bayesian_lasso_gibbs(args.pop("X"), args.pop("y"), **args)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(n_iter=0), ValueError, "n_iter"),
        (dict(n_iter=2.5), TypeError, "n_iter"),
        (dict(draws=0), ValueError, "draws"),
        (dict(burn=-1), ValueError, "burn"),
        (dict(tol=0.0), ValueError, "tol"),
        (dict(n_average=0), ValueError, "n_average"),
        (dict(lam0=-0.2), ValueError, "lam0"),
        (dict(X=np.c_[X_OK, X_OK, X_OK, X_OK, X_OK, X_OK, X_OK]), ValueError, "lam0"),  # p = 21 >= n - 1
        (dict(X=np.random.default_rng(2).standard_normal((20, 19))), ValueError, "n - 1 > p"),  # p = n - 1
    ],
)
def test_mcem_rejects_bad_input(kwargs, error, match):
    args = dict(X=X_OK, y=Y_OK, n_iter=2, draws=5, burn=0) | kwargs
    with pytest.raises(error, match=match):
        mcem_bayesian_lasso(args.pop("X"), args.pop("y"), **args)


def test_dataframe_and_series_input():
    X = pd.DataFrame(X_OK, columns=["a", "b", "c"])
    y = pd.Series(Y_OK)
    result = sample_bayesian_lasso_gibbs(X, y, lam=1.0, draws=20, burn=5, random_seed=0)
    assert result.feature_names == ["a", "b", "c"]


@pytest.mark.parametrize(
    "x_factor,y_factor,name",
    [(1e300, 1.0, "X"), (1e-300, 1.0, "X"), (1.0, 1e300, "y"), (2.1e154, 1.0, "X"), (1.0, 1.3e151, "y")],
)
def test_units_whose_squares_overflow_are_refused(x_factor, y_factor, name):
    """X * 1e300 gave NaN draws without a word: X'X overflows. At sd ~1e153 the squares fit in float64 but their
    sum over the n = 442 rows does not."""
    X, y = load_diabetes(return_X_y=True, scaled=True)
    with pytest.raises(ValueError, match=f"^{name}: values of order"):
        sample_bayesian_lasso_gibbs(X * x_factor, y * y_factor, draws=10)
    with pytest.raises(ValueError, match=f"^{name}: values of order"):
        mcem_bayesian_lasso(X * x_factor, y * y_factor, n_iter=2, draws=10)


def test_mcem_lambda_follows_the_units_of_x():
    """Without a hyperprior the Bayesian lasso is scale-free: X -> c X gives lambda -> c lambda."""
    X, y = load_diabetes(return_X_y=True, scaled=True)
    kwargs = dict(n_iter=5, draws=100, burn=20, random_seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = mcem_bayesian_lasso(X, y, **kwargs)
        big = mcem_bayesian_lasso(X * 1e100, y, **kwargs)
    assert big.lam / 1e100 == pytest.approx(ref.lam, rel=1e-6, abs=0)


def test_three_samples_are_enough_two_are_not():
    result = sample_bayesian_lasso_gibbs(X_OK[:3, :1], Y_OK[:3], lam=1.0, draws=5, burn=0, random_seed=0)
    assert result.beta.shape == (5, 1)
    with pytest.raises(ValueError, match="at least 3 samples"):
        sample_bayesian_lasso_gibbs(X_OK[:2, :1], Y_OK[:2], lam=1.0, draws=5, burn=0)


def test_results_are_read_only_and_compare_by_identity():
    result = sample_bayesian_lasso_gibbs(X_OK, Y_OK, lam=1.0, draws=5, burn=0, random_seed=0)
    with pytest.raises(AttributeError):
        result.lam = None
    twin = sample_bayesian_lasso_gibbs(X_OK, Y_OK, lam=1.0, draws=5, burn=0, random_seed=0)
    assert result == result and (result == twin) is False  # arrays inside: no element-wise comparison
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mcem = mcem_bayesian_lasso(X_OK, Y_OK, n_iter=2, draws=5, burn=0, random_seed=0)
        mcem_twin = mcem_bayesian_lasso(X_OK, Y_OK, n_iter=2, draws=5, burn=0, random_seed=0)
    with pytest.raises(AttributeError):
        mcem.lam = None
    assert mcem == mcem and (mcem == mcem_twin) is False


def test_documented_defaults():
    gibbs = inspect.signature(sample_bayesian_lasso_gibbs).parameters
    assert gibbs["lam2_prior"].default == (1.0, 1.78)  # Park & Casella's hyperprior on diabetes
    assert (gibbs["draws"].default, gibbs["burn"].default, gibbs["thin"].default) == (2000, 500, 1)
    mcem = inspect.signature(mcem_bayesian_lasso).parameters
    assert (mcem["n_iter"].default, mcem["draws"].default, mcem["burn"].default) == (100, 1000, 500)
    assert (mcem["n_average"].default, mcem["tol"].default) == (10, 1e-3)


def _problem(n=30, p=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + 1.0
    y = X @ np.linspace(1.0, -1.0, p) + rng.standard_normal(n)
    return _Problem.from_data(X, y, [f"x{j}" for j in range(p)])


def test_initial_state_is_least_squares_and_the_conditional_mean_of_tau2():
    prob = _problem()
    beta_ols, sigma2_ols = prob.ols()
    resid = prob.yc - prob.Xc @ beta_ols
    assert sigma2_ols == pytest.approx(resid @ resid / (prob.n - 1 - prob.p), rel=1e-12, abs=0)
    state = _initial_state(prob, 0.7, None)
    np.testing.assert_allclose(state.beta, beta_ols, rtol=1e-12)
    assert state.sigma2 == sigma2_ols and state.lam == 0.7
    # E[tau_j^2 | beta, sigma2, lambda] = |beta_j| / (lambda sigma) + 1 / lambda^2
    e_tau2 = np.abs(beta_ols) / (0.7 * np.sqrt(sigma2_ols)) + 1.0 / 0.7**2
    np.testing.assert_allclose(state.inv_tau2, 1.0 / e_tau2, rtol=1e-12)


def test_initial_state_takes_the_last_draw_of_a_result():
    prob = _problem()
    previous = sample_bayesian_lasso_gibbs(
        prob.Xc + prob.x_mean, prob.yc + prob.y_mean, lam2_prior=(1.0, 1.78), draws=4, burn=0, random_seed=3
    )
    fixed = _initial_state(prob, 0.5, previous)
    np.testing.assert_array_equal(fixed.beta, previous.beta[-1])
    assert fixed.sigma2 == previous.sigma2[-1] and fixed.lam == 0.5  # a fixed lambda is kept
    np.testing.assert_allclose(fixed.inv_tau2, 1.0 / previous.tau2[-1], rtol=1e-15)
    learned = _initial_state(prob, 0.5, previous, lam_fixed=False)
    assert learned.lam == previous.lam[-1] != previous.lam[-2]
    explicit = _initial_state(prob, 0.5, {"tau2": [2.0, 4.0, 0.5]})
    np.testing.assert_array_equal(explicit.inv_tau2, [0.5, 0.25, 2.0])


def test_least_squares_fallbacks_without_residual_degrees_of_freedom():
    prob = _problem(n=4, p=3)  # n - 1 - p = 0
    _, sigma2 = prob.ols()
    assert sigma2 == pytest.approx(prob.yc @ prob.yc / 3, rel=1e-12, abs=0)
    # no least-squares start: sqrt(E[lambda^2]) = sqrt(r / delta) of the hyperprior
    assert _default_lambda(prob, (2.0, 8.0)) == 0.5
    assert _default_lambda(_problem(), (2.0, 8.0)) == pytest.approx(
        3 * np.sqrt(_problem().ols()[1]) / np.abs(_problem().ols()[0]).sum(), rel=1e-12, abs=0
    )


def test_mcem_update_is_the_em_step_on_a_burnt_in_chain():
    """The first MCEM iteration runs the Gibbs chain that sample_bayesian_lasso_gibbs runs (same start, same
    random stream, burn-in included) and sets lambda = sqrt(2 p / sum_j E[tau_j^2]), the Rao-Blackwellized
    E[tau_j^2 | beta, sigma^2, lambda] = |beta_j| / (lambda sigma) + 1 / lambda^2 averaged over the draws."""
    X, y = load_diabetes(return_X_y=True, scaled=True)
    lam0, p = 0.2, X.shape[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mcem = mcem_bayesian_lasso(X, y, lam0=lam0, n_iter=1, draws=300, burn=40, random_seed=5)
    chain = sample_bayesian_lasso_gibbs(X, y, lam=lam0, draws=300, burn=40, random_seed=5)
    e_tau2_sum = np.mean(np.abs(chain.beta).sum(axis=1) / np.sqrt(chain.sigma2)) / lam0 + p / lam0**2
    assert mcem.history[0] == lam0
    assert mcem.history[1] == pytest.approx(np.sqrt(2.0 * p / e_tau2_sum), rel=1e-12, abs=0)


def test_burn_in_and_thinning_keep_the_right_iterations():
    """One random stream: burn-in drops the first iterations, thinning keeps every thin-th one after them.
    (The stream is drawn in blocks sized by the total number of sweeps, so every run here makes 33.)"""
    X, y = load_diabetes(return_X_y=True, scaled=True)
    every = sample_bayesian_lasso_gibbs(X, y, lam=0.3, draws=33, burn=0, random_seed=8)
    burnt = sample_bayesian_lasso_gibbs(X, y, lam=0.3, draws=28, burn=5, random_seed=8)
    thinned = sample_bayesian_lasso_gibbs(X, y, lam=0.3, draws=14, burn=5, thin=2, random_seed=8)
    long_burn = sample_bayesian_lasso_gibbs(X, y, lam=0.3, draws=3, burn=30, random_seed=8)  # burn > draws
    assert (every.n_draws, burnt.n_draws, thinned.n_draws, long_burn.n_draws) == (33, 28, 14, 3)
    for name in ("beta", "sigma2", "tau2"):
        np.testing.assert_array_equal(getattr(burnt, name), getattr(every, name)[5:])
        np.testing.assert_array_equal(getattr(thinned, name), getattr(every, name)[6::2])
        np.testing.assert_array_equal(getattr(long_burn, name), getattr(every, name)[30:])


def test_a_constant_column_is_sampled_from_its_prior():
    X = X_OK.copy()
    X[:, 1] = 4.0
    result = sample_bayesian_lasso_gibbs(X, Y_OK, lam=2.0, draws=400, burn=50, random_seed=0)
    assert np.all(np.isfinite(result.beta))
    # no information in the data: beta_1 | sigma, lambda is Laplace(0, sigma / lambda), sd sqrt(2) sigma / lambda
    assert np.mean(result.beta[:, 1]) == pytest.approx(0.0, abs=0.2)


def test_mcem_starts_from_least_squares_with_one_residual_degree_of_freedom():
    """n - 1 > p is all Park & Casella's start needs: n = p + 2 leaves one residual degree of freedom."""
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((5, 3)), rng.standard_normal(5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = mcem_bayesian_lasso(X, y, n_iter=1, draws=5, burn=0, n_average=1, random_seed=0)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    beta, rss, *_ = np.linalg.lstsq(Xc, yc, rcond=None)
    assert result.history[0] == pytest.approx(3 * np.sqrt(rss[0] / 1) / np.abs(beta).sum(), rel=1e-12, abs=0)


def test_least_squares_start_with_all_coefficients_zero_is_refused():
    """y orthogonal to every centred column: the start p sqrt(sigma2) / sum |beta| would be infinite."""
    X = np.array([[-1.0], [0.0], [1.0], [-1.0], [0.0], [1.0]])
    y = np.array([1.0, -2.0, 1.0, 1.0, -2.0, 1.0])
    with pytest.raises(ValueError, match="all zero: pass lam0"):
        mcem_bayesian_lasso(X, y, n_iter=1, draws=5, burn=0)


def test_default_feature_names_follow_the_columns():
    X, y = X_OK[:, :2], Y_OK
    result = sample_bayesian_lasso_gibbs(X, y, lam=1.0, draws=5, burn=0, random_seed=0)
    assert result.feature_names == ["x0", "x1"]
    anonymous = dataclasses.replace(result, feature_names=[])
    assert list(anonymous.to_dataset()["beta"].coords["feature"].values) == ["x0", "x1"]
    assert "feature_names" not in repr(result)


def test_one_draw_is_allowed():
    assert sample_bayesian_lasso_gibbs(X_OK, Y_OK, lam=1.0, draws=1, burn=0, random_seed=0).n_draws == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert mcem_bayesian_lasso(X_OK, Y_OK, n_iter=2, draws=1, burn=0, random_seed=0).n_iter == 2


@pytest.mark.parametrize("n_average", [1, 4])
def test_mcem_stops_after_three_small_changes_and_n_average_iterates(n_average):
    """With a tolerance every change meets, convergence is declared at iteration 3 (three successive small
    changes) and the run stops once n_average iterates from there on are averaged."""
    result = mcem_bayesian_lasso(X_OK, Y_OK, tol=10.0, n_average=n_average, draws=5, burn=0, random_seed=0)
    assert result.converged and result.n_iter == 3 + n_average - 1
    assert len(result.history) == result.n_iter + 1
    assert result.lam == pytest.approx(result.history[3:].mean(), rel=1e-15, abs=0)


def test_tau2_draws_have_their_conditional_mean():
    """tau_j^2 is drawn given beta, sigma^2 and lambda from the same sweep, so E[tau_j^2 / m_j] = 1 exactly, with
    m_j = |beta_j| / (lambda sigma) + 1 / lambda^2 the conditional mean (1 / tau^2 ~ InvGaussian). Checked to 6
    Monte Carlo standard errors (batch means over 4000 draws)."""
    X, y = load_diabetes(return_X_y=True, scaled=True)
    lam = 0.3
    result = sample_bayesian_lasso_gibbs(X, y, lam=lam, draws=4000, burn=100, random_seed=11)
    m = np.abs(result.beta) / (lam * np.sqrt(result.sigma2)[:, None]) + 1.0 / lam**2
    ratio = (result.tau2 / m).mean(axis=1)
    batches = ratio.reshape(40, 100).mean(axis=1)
    se = batches.std(ddof=1) / np.sqrt(len(batches))
    assert abs(ratio.mean() - 1.0) < 6 * se and se < 0.05
