"""Variable selection from the posterior: the DSS path is the exact adaptive lasso of the posterior mean fit, its
losses are the stated formulas, its rules pick what they say, and the ranking is R bayesreg's definition."""

import itertools

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Lasso

import bayesreg as br
from bayesreg.analysis.selection import (
    RULES,
    PosteriorRanking,
    SelectionPath,
    decoupled_selection,
    posterior_ranking,
    two_means_inclusion,
)

GIBBS = {"method": "sample", "draws": 300, "tune": 300, "chains": 2, "progressbar": False}
TRUE_DENSE = ["a", "c", "f"]

pytestmark = pytest.mark.filterwarnings("ignore::bayesreg.inference.sampling.SamplingWarning")


def _dense_problem():
    rng = np.random.default_rng(3)
    n, p = 80, 8
    names = list("abcdefgh")
    X = pd.DataFrame(rng.normal(size=(n, p)) * np.linspace(0.5, 2.0, p), columns=names)
    beta = np.zeros(p)
    beta[[0, 2, 5]] = [3.0, -2.0, 1.5]
    y = 1.0 + X.to_numpy() @ beta + rng.normal(size=n)
    return X, y


def _wide_problem():
    rng = np.random.default_rng(7)
    n, p = 40, 60
    X = rng.normal(size=(n, p))
    beta = np.zeros(p)
    beta[[4, 17, 33]] = [4.0, -3.5, 3.0]
    y = X @ beta + rng.normal(size=n)
    return X, y


@pytest.fixture(scope="module")
def dense():
    X, y = _dense_problem()
    est = br.BayesianRegression(br.Horseshoe(), random_seed=1, **GIBBS).fit(X, y)
    return est, X, y


@pytest.fixture(scope="module")
def wide():
    X, y = _wide_problem()
    est = br.BayesianRegression(br.Horseshoe(), random_seed=2, **GIBBS).fit(X, y)
    return est, X, y


@pytest.fixture(scope="module")
def dense_path(dense):
    est, X, _ = dense
    return decoupled_selection(est, X, eps=1e-8)


# --------------------------------------------------------------------------- the path is exact


@pytest.mark.parametrize("which", ["dense", "wide"])
def test_every_step_is_the_exact_adaptive_lasso_of_the_posterior_mean_fit(which, dense, wide):
    est, X, _ = {"dense": dense, "wide": wide}[which]
    result = decoupled_selection(est, X)
    X = np.asarray(X, dtype=float)
    beta, intercept, _ = est._draws()
    beta_bar = beta.mean(axis=0)
    np.testing.assert_array_equal(result.posterior_mean, beta_bar)
    fitted = X @ beta_bar + intercept.mean()
    w = np.abs(beta_bar)
    Xs = X * w
    Xc, fc = Xs - Xs.mean(axis=0), fitted - fitted.mean()
    n = X.shape[0]
    alpha_max = np.max(np.abs(Xc.T @ fc)) / n
    assert result.alphas[0] == pytest.approx(alpha_max, rel=1e-12, abs=0)
    assert result.n_nonzero[0] == 0 and result.n_nonzero[-1] >= 3
    assert result.max_certificate <= 1e-8
    for k, alpha in enumerate(result.alphas):
        gamma = result.coef[k]
        # scikit-learn's lasso on the rescaled columns, then back to the original scale
        sk = Lasso(alpha=alpha, tol=1e-14, max_iter=1_000_000).fit(Xs, fitted)
        np.testing.assert_array_equal(gamma != 0, sk.coef_ != 0)
        np.testing.assert_allclose(gamma, sk.coef_ * w, rtol=0, atol=1e-8 * max(1.0, np.max(np.abs(gamma))))
        assert result.intercept[k] == pytest.approx(sk.intercept_, rel=0, abs=1e-8 * np.max(np.abs(fitted)))
        # and the optimality (KKT) conditions of the weighted problem, in theta = gamma / w
        theta = gamma / w
        grad = Xc.T @ (fc - Xc @ theta) / n
        on = theta != 0
        np.testing.assert_allclose(grad[on], alpha * np.sign(theta[on]), rtol=0, atol=1e-9 * alpha_max)
        assert np.all(np.abs(grad[~on]) <= alpha + 1e-9 * alpha_max)
        assert np.all(gamma[~on] == 0.0)


def test_dense_end_reproduces_the_posterior_mean_fit(dense, dense_path):
    est, X, _ = dense
    X = X.to_numpy()
    result = dense_path
    assert result.n_nonzero[-1] == X.shape[1]
    Xc = X - X.mean(axis=0)
    gap = np.linalg.norm(Xc @ (result.coef[-1] - result.posterior_mean)) / np.linalg.norm(Xc @ result.posterior_mean)
    assert gap < 1e-5
    # the gap is the shrinkage left at the path's end, linear in eps
    coarse = decoupled_selection(est, X, eps=1e-6)
    coarse_gap = np.linalg.norm(Xc @ (coarse.coef[-1] - result.posterior_mean))
    assert coarse_gap / np.linalg.norm(Xc @ result.posterior_mean) > 30 * gap
    fitted = X @ result.posterior_mean + result.posterior_intercept
    assert np.max(np.abs(X @ result.coef[-1] + result.intercept[-1] - fitted)) < 1e-4 * np.ptp(fitted)
    # ... so its loss is the full model's
    assert result.rho2["mean"].iloc[-1] == pytest.approx(result.rho2_full["mean"], rel=1e-6, abs=0)
    assert abs(result.excess["mean"].iloc[-1]) < 1e-5 * est.sigma_


def test_losses_are_the_stated_formulas(dense, dense_path):
    est, X, _ = dense
    X = X.to_numpy()
    result = dense_path
    beta, _, sigma = est._draws()
    Xc = X - X.mean(axis=0)
    n = X.shape[0]
    k = 3
    gamma = result.summary_coef[k]
    a = np.array([np.sum((Xc @ b) ** 2) / n for b in beta])
    d = np.array([np.sum((Xc @ (b - gamma)) ** 2) / n for b in beta])
    d_full = np.array([np.sum((Xc @ (b - result.posterior_mean)) ** 2) / n for b in beta])
    np.testing.assert_allclose(result.rho2_draws[k], a / (a + sigma**2 + d), rtol=1e-12, atol=0)
    np.testing.assert_allclose(result.rho2_full_draws, a / (a + sigma**2 + d_full), rtol=1e-12, atol=0)
    np.testing.assert_allclose(
        result.excess_draws[k], np.sqrt(sigma**2 + d) - np.sqrt(sigma**2 + d_full), rtol=1e-10, atol=1e-12
    )
    lower, upper = np.quantile(result.rho2_draws[k], [0.05, 0.95])
    row = result.rho2.iloc[k]
    assert (row["lower"], row["upper"]) == (
        pytest.approx(lower, rel=1e-12, abs=0),
        pytest.approx(upper, rel=1e-12, abs=0),
    )
    assert row["mean"] == pytest.approx(np.mean(result.rho2_draws[k]), rel=1e-12, abs=0)
    # a sparser summary explains less: the empty one least
    assert result.rho2["mean"].iloc[0] < result.rho2["mean"].iloc[-1]


# --------------------------------------------------------------------------- the rules


@pytest.mark.parametrize("rule", list(RULES))
def test_each_rule_selects_the_sparsest_step_that_meets_it(rule, dense):
    est, X, _ = dense
    result = decoupled_selection(est, X, rule=rule)
    full = result.rho2_full_draws
    if rule == "interval":
        threshold = np.quantile(full, 0.05)
        ok = result.rho2["mean"].to_numpy() >= threshold
    elif rule == "sd":
        threshold = full.mean() - full.std(ddof=1)
        ok = result.rho2["mean"].to_numpy() >= threshold
    else:
        _, _, sigma = est._draws()
        threshold = 0.05 * sigma.mean()
        ok = result.excess["mean"].to_numpy() <= threshold
    assert result.threshold == pytest.approx(threshold, rel=1e-12, abs=0)
    assert ok[result.selected]
    assert not np.any(ok & (result.n_nonzero < result.n_nonzero[result.selected]))
    assert result.rule == rule and result.tolerance == RULES[rule]
    assert result.table["selected"].sum() == 1 and result.table["selected"].iloc[result.selected]


def test_a_looser_tolerance_never_selects_more(dense):
    est, X, _ = dense
    sizes = [decoupled_selection(est, X, rule="sd", tolerance=t).selected_features for t in (0.1, 1.0, 5.0, 50.0)]
    lengths = [len(s) for s in sizes]
    assert lengths == sorted(lengths, reverse=True)
    assert lengths[-1] < lengths[0]


def test_clear_problems_select_the_true_variables(dense, wide):
    est, X, _ = dense
    result = decoupled_selection(est, X)
    assert result.selected_features == TRUE_DENSE
    assert list(result.selected_coef.index) == list(X.columns)
    assert np.all(result.selected_coef.drop(TRUE_DENSE) == 0.0)
    est, X, _ = wide
    result = decoupled_selection(est, X)
    assert result.selected_features == ["x4", "x17", "x33"]


def test_refit_projects_the_posterior_mean_fit_on_each_support(dense):
    est, X, _ = dense
    plain = decoupled_selection(est, X)
    refit = decoupled_selection(est, X, refit=True)
    np.testing.assert_array_equal(plain.coef, refit.coef)
    X = X.to_numpy()
    fitted = X @ plain.posterior_mean + plain.posterior_intercept
    k = refit.selected
    support = refit.coef[k] != 0
    A = np.column_stack([np.ones(len(X)), X[:, support]])
    coef = np.linalg.lstsq(A, fitted, rcond=None)[0]
    np.testing.assert_allclose(refit.summary_coef[k, support], coef[1:], rtol=1e-10, atol=0)
    assert refit.selected_intercept == pytest.approx(coef[0], rel=1e-10, abs=0)
    assert np.all(refit.summary_coef[k, ~support] == 0.0)
    # the projection is the best summary on its support: closer to the posterior mean fit than the shrunk lasso's
    # (hence the smaller expected squared error E[d_s] over the draws; E[rho^2] need not follow to the last digit)
    Xc = X - X.mean(axis=0)
    f = Xc @ plain.posterior_mean
    gaps_refit = np.linalg.norm(f[:, None] - Xc @ refit.summary_coef.T, axis=0)
    gaps_plain = np.linalg.norm(f[:, None] - Xc @ plain.summary_coef.T, axis=0)
    assert np.all(gaps_refit <= gaps_plain * (1 + 1e-12))
    assert gaps_refit[1] < 0.9 * gaps_plain[1]


def test_a_path_that_stops_short_warns_and_takes_its_best_step(wide):
    est, X, _ = wide
    with pytest.warns(UserWarning, match="no step of the path meets"):
        result = decoupled_selection(est, X, rule="sd", tolerance=0.0, n_alphas=5, eps=0.5)
    assert result.selected == int(np.argmax(result.rho2["mean"].to_numpy()))


def test_result_reads_as_a_table(dense_path):
    table = dense_path.table
    assert list(table.columns[:3]) == ["alpha", "n_nonzero", "entered"]
    assert "rho2_mean" in table and "excess_upper" in table
    assert table["entered"].iloc[1] != ""
    assert set(", ".join(table["entered"]).replace(" ", "").split(",")) - {""} == set("abcdefgh")
    assert "selected 3 of 8: a, c, f" in str(dense_path)
    assert dense_path.coef_frame().shape == (len(table), 8)
    assert isinstance(dense_path, SelectionPath)
    np.testing.assert_array_equal(dense_path.weights, np.abs(dense_path.posterior_mean))


# --------------------------------------------------------------------------- the ranking


def _r_bayesreg_ranks(draws: np.ndarray, quantile: float = 0.75) -> np.ndarray:
    """R bayesreg's var.ranks, transcribed loop by loop from R/bayesreg.R (bayesreg.bfr and the loop after it)."""
    S, p = draws.shape
    ranks = np.zeros((p, S))
    for i in range(S):
        ix = sorted(range(p), key=lambda j: -abs(draws[i, j]))  # R's sort(-abs(b), index.return=T): stable
        for position, j in enumerate(ix):
            ranks[j, i] = position + 1
    q = []
    for j in range(p):  # stats::quantile(x, 0.75), type 7
        x = sorted(ranks[j])
        h = (S - 1) * quantile
        lo = int(np.floor(h))
        q.append(x[lo] + (h - lo) * (x[min(lo + 1, S - 1)] - x[lo]))
    O = sorted(range(p), key=lambda j: q[j])
    var_ranks = [0] * p
    j, k = 1, 1
    for i in range(p):
        if i >= 1:
            if q[O[i]] != q[O[i - 1]]:
                j, k = j + k, 1
            else:
                k += 1
        var_ranks[O[i]] = j
    return np.array(var_ranks)


def _brute_force_two_means(row: np.ndarray) -> np.ndarray:
    """The larger-mean cluster of the best of all 2^p - 2 two-cluster partitions (equal values kept together)."""
    p = len(row)
    best, best_sse = None, np.inf
    for mask in itertools.product([False, True], repeat=p):
        mask = np.array(mask)
        if mask.all() or not mask.any():
            continue
        if any(row[i] == row[j] and mask[i] != mask[j] for i in range(p) for j in range(p)):
            continue
        sse = np.sum((row[mask] - row[mask].mean()) ** 2) + np.sum((row[~mask] - row[~mask].mean()) ** 2)
        if sse < best_sse - 1e-12:
            best, best_sse = mask, sse
    if best is None:
        return np.zeros(p, dtype=bool)
    return best if row[best].mean() > row[~best].mean() else ~best


def test_ranking_of_a_tiny_fixed_array_by_hand():
    draws = np.array(
        [
            [3.0, -1.0, 0.5],
            [0.2, 2.0, -1.0],
            [1.0, 1.5, -0.1],
            [-2.0, 0.1, 0.3],
        ]
    )
    # per-draw ranks: a [1, 3, 2, 1], b [2, 1, 1, 3], c [3, 2, 3, 2]; 75% quantiles 2.25, 2.25, 3.0
    # 2-means of |b| per draw: {a}, {b}, {a, b}, {a}
    result = posterior_ranking(draws, feature_names=["a", "b", "c"])
    np.testing.assert_allclose(result.rank_quantile, [2.25, 2.25, 3.0], rtol=0, atol=0)
    np.testing.assert_array_equal(result.rank, [1, 1, 3])
    np.testing.assert_allclose(result.mean_rank, [1.75, 1.75, 2.5], rtol=0, atol=0)
    np.testing.assert_allclose(result.inclusion_frequency, [0.75, 0.5, 0.0], rtol=0, atol=0)
    np.testing.assert_array_equal(result.n_included, [1, 1, 2, 1])
    assert result.selected == ["a", "b"]
    assert result.scale == "as given"
    assert list(result.table.index) == ["a", "b", "c"]
    assert isinstance(result, PosteriorRanking)
    np.testing.assert_array_equal(result.rank, _r_bayesreg_ranks(draws))


def test_ranking_equals_r_bayesregs_loops_with_ties_and_standardization(rng):
    draws = np.round(rng.standard_t(2, size=(37, 9)), 1)  # rounded: ties within draws and between quantiles
    X = rng.normal(size=(25, 9)) * rng.uniform(0.1, 10, size=9) + 5.0
    scale = np.sqrt(np.sum((X - X.mean(axis=0)) ** 2, axis=0))  # R: centred columns of unit length
    result = posterior_ranking(draws, X)
    np.testing.assert_array_equal(result.rank, _r_bayesreg_ranks(draws * scale))
    assert result.scale == "standardized"
    for quantile in (0.5, 0.9):
        np.testing.assert_array_equal(
            posterior_ranking(draws, quantile=quantile).rank, _r_bayesreg_ranks(draws, quantile)
        )


def test_two_means_is_the_optimal_partition(rng):
    rows = np.abs(rng.standard_t(1, size=(40, 6)))
    rows[0] = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]  # no split: nothing included
    rows[1] = [0.0, 0.0, 2.0, 2.0, 0.0, 7.0]  # ties
    included = two_means_inclusion(rows)
    for row, got in zip(rows, included, strict=True):
        np.testing.assert_array_equal(got, _brute_force_two_means(row))
    assert not included[0].any()


def test_ranking_of_a_fitted_estimator(dense, wide):
    est, X, _ = dense
    result = posterior_ranking(est, X)
    assert result.feature_names == list("abcdefgh")
    beta = est._draws()[0]
    np.testing.assert_array_equal(result.rank, posterior_ranking(beta, X).rank)
    assert sorted(np.asarray(result.feature_names)[result.rank <= 3]) == TRUE_DENSE
    assert sorted(result.selected) == TRUE_DENSE
    assert result.selected == sorted(result.selected, key=lambda name: result.rank[list("abcdefgh").index(name)])
    est, X, _ = wide
    result = posterior_ranking(est, X)
    assert sorted(result.selected, key=lambda s: int(s[1:])) == ["x4", "x17", "x33"]


# --------------------------------------------------------------------------- errors


def test_errors_name_the_argument(dense, small_frame):
    est, X, _ = dense
    Xs, ys = small_frame
    map_fit = br.BayesianRegression(br.Laplace(1.0), sigma=1.0).fit(Xs, ys)
    with pytest.raises(ValueError, match="no posterior.*method='sample'"):
        decoupled_selection(map_fit, Xs)
    with pytest.raises(ValueError, match="fit has no posterior"):
        posterior_ranking(map_fit)
    with pytest.raises(NotFittedError):
        decoupled_selection(br.BayesianRegression(br.Horseshoe(), method="sample"), Xs)
    with pytest.raises(TypeError, match="estimator must be a BayesianRegression"):
        decoupled_selection(Lasso(), X)
    with pytest.raises(ValueError, match="X has 7 columns.*8 coefficients"):
        decoupled_selection(est, X.to_numpy()[:, :7])
    with pytest.raises(ValueError, match="X has columns"):
        decoupled_selection(est, X[list("hgfedcba")])
    with pytest.raises(ValueError, match="X: "):
        decoupled_selection(est, X.to_numpy()[:, 0])
    with pytest.raises(ValueError, match="X: "):
        decoupled_selection(est, np.full((5, 8), np.nan))
    with pytest.raises(ValueError, match="X needs at least 2 rows"):
        decoupled_selection(est, X.to_numpy()[:1])
    with pytest.raises(ValueError, match="rule must be one of"):
        decoupled_selection(est, X, rule="bic")
    with pytest.raises(ValueError, match="tolerance must be a number in"):
        decoupled_selection(est, X, rule="interval", tolerance=1.5)
    with pytest.raises(ValueError, match="tolerance must be >= 0"):
        decoupled_selection(est, X, rule="sd", tolerance=-1.0)
    with pytest.raises(TypeError, match="prob"):
        decoupled_selection(est, X, prob="0.9")
    with pytest.raises(TypeError, match="refit"):
        decoupled_selection(est, X, refit=1)
    with pytest.raises(ValueError, match="n_alphas"):
        decoupled_selection(est, X, n_alphas=1)
    with pytest.raises(ValueError, match="eps must be in"):
        decoupled_selection(est, X, eps=2.0)
    with pytest.raises(TypeError, match="fit must be"):
        posterior_ranking(Lasso())
    with pytest.raises(ValueError, match="must be 2-d"):
        posterior_ranking(np.ones(5))
    with pytest.raises(ValueError, match="at least 2 coefficients"):
        posterior_ranking(np.ones((5, 1)))
    with pytest.raises(ValueError, match="feature_names has 2 names for 3"):
        posterior_ranking(np.ones((5, 3)), feature_names=["a", "b"])
    with pytest.raises(ValueError, match="finite"):
        posterior_ranking(np.full((5, 3), np.nan))
    with pytest.raises(ValueError, match="feature_names: an estimator"):
        posterior_ranking(est, feature_names=list("abcdefgh"))
    with pytest.raises(ValueError, match="threshold must be a number in"):
        posterior_ranking(np.ones((5, 3)), threshold=0.0)
    with pytest.raises(ValueError, match="X has 2 columns"):
        posterior_ranking(np.ones((5, 3)), np.ones((4, 2)))
