"""The equivalence claims along whole regularization paths (the core 'Done when')."""

import numpy as np
import pytest
from sklearn.linear_model import enet_path

from bayesreg import map_path
from bayesreg.analysis.reference import closed_form_ridge
from bayesreg.optimize.map import OBJECTIVES
from bayesreg.optimize.paths import alpha_grid

N_ALPHAS = 30
SIGMA = 2.0

RIDGE_REL_TOL = 1e-8
SKLEARN_REL_TOL = 1e-6
CERT_TOL = 1e-8


def _sklearn_path(X, y, alphas, l1_ratio):
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    _, coefs, _ = enet_path(Xc, yc, l1_ratio=l1_ratio, alphas=alphas, tol=1e-12, max_iter=1_000_000)
    return coefs


@pytest.mark.parametrize("penalty,l1_ratio", [("lasso", 1.0), ("elasticnet", 0.5), ("elasticnet", 0.1)])
def test_map_path_equals_sklearn(design, penalty, l1_ratio):
    name, X, y = design
    alphas = alpha_grid(X, y, penalty=penalty, l1_ratio=l1_ratio, n_alphas=N_ALPHAS)
    # the grid starts at the all-zero alpha and ends at 1e-3 of it
    assert alphas[-1] == pytest.approx(1e-3 * alphas[0])
    got_alphas, coefs, path = map_path(
        X, y, penalty=penalty, alphas=alphas, l1_ratio=l1_ratio, sigma=SIGMA, return_path=True
    )
    np.testing.assert_array_equal(got_alphas, alphas)
    ref = _sklearn_path(X, y, alphas, l1_ratio)
    assert coefs.shape == ref.shape == (X.shape[1], N_ALPHAS)
    assert np.all(coefs[:, 0] == 0.0)
    for k in range(N_ALPHAS):
        scale = max(np.max(np.abs(ref[:, k])), np.finfo(float).tiny)
        np.testing.assert_array_equal(coefs[:, k] == 0, ref[:, k] == 0, err_msg=f"{name} alpha #{k}: support")
        assert np.max(np.abs(coefs[:, k] - ref[:, k])) <= SKLEARN_REL_TOL * scale, f"{name} alpha #{k}"
    assert np.max(path.certificates) <= CERT_TOL
    # intercepts: the unpenalized intercept of a centred fit
    np.testing.assert_allclose(
        path.intercepts, y.mean() - X.mean(axis=0) @ coefs, rtol=1e-10, atol=1e-10 * abs(y).max()
    )


def test_ridge_path_equals_closed_form(design):
    name, X, y = design
    n = X.shape[0]
    # the lasso's grid (all-zero alpha down to 1e-3 of it), in Ridge's units (RSS not divided by 2n)
    alphas = 2 * n * alpha_grid(X, y, penalty="lasso", n_alphas=N_ALPHAS)
    _, coefs, path = map_path(X, y, penalty="ridge", alphas=alphas, sigma=SIGMA, return_path=True)
    for k, alpha in enumerate(alphas):
        ref, ref_b0 = closed_form_ridge(X, y, alpha)
        rel = np.max(np.abs(coefs[:, k] - ref)) / np.max(np.abs(ref))
        assert rel <= RIDGE_REL_TOL, f"{name} alpha #{k}: {rel:.2e}"
        assert path.intercepts[k] == pytest.approx(ref_b0, rel=1e-9, abs=1e-9 * np.abs(y).max())
    assert np.max(path.certificates) <= CERT_TOL


def test_default_grid_matches_sklearn(diabetes_std):
    X, y = diabetes_std
    from sklearn.linear_model import lasso_path

    alphas, coefs = map_path(X, y)
    ref_alphas, _, _ = lasso_path(X - X.mean(0), y - y.mean(), n_alphas=100)
    np.testing.assert_allclose(alphas, ref_alphas, rtol=1e-12)
    assert coefs.shape == (X.shape[1], 100)


def test_no_recompilation_along_path(diabetes_std, monkeypatch):
    import pytensor

    X, y = diabetes_std
    calls = []
    original = pytensor.function

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(pytensor, "function", counting)
    OBJECTIVES.clear()  # a compiled function of this structure may be free from an earlier test
    map_path(X, y, penalty="elasticnet", n_alphas=50)
    assert len(calls) == 1
    # nor at the next call (of this structure): the compiled function is reused
    map_path(X[::-1], y[::-1], penalty="lasso", n_alphas=10)
    assert len(calls) == 1


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"penalty": "l0"}, "penalty must be one of"),
        ({"sigma": 0.0}, "sigma must be > 0"),
        ({"sigma": -1.0}, "sigma must be > 0"),
        ({"penalty": "elasticnet", "l1_ratio": 1.5}, "l1_ratio must lie in"),
        ({"penalty": "elasticnet", "l1_ratio": -0.1}, "l1_ratio must be >= 0"),
        ({"penalty": "elasticnet", "l1_ratio": 0.0}, "l1_ratio must be > 0"),
        ({"alphas": [1.0, -1.0]}, "alphas must be > 0"),
        ({"alphas": []}, "alphas must not be empty"),
        ({"n_alphas": 0}, "n_alphas must be a positive integer"),
    ],
)
def test_map_path_bad_arguments(diabetes_std, kwargs, match):
    X, y = diabetes_std
    with pytest.raises(ValueError, match=match):
        map_path(X, y, **kwargs)


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"n_alphas": 0}, ValueError, "n_alphas must be a positive integer"),
        ({"n_alphas": 2.5}, TypeError, "n_alphas must be a positive integer"),
        ({"eps": 0.0}, ValueError, "eps must be > 0"),
        ({"eps": 1.5}, ValueError, "eps must be in"),
        ({"penalty": "l0"}, ValueError, "penalty must be one of"),
        ({"penalty": "elasticnet", "l1_ratio": 0.0}, ValueError, "l1_ratio must be > 0"),
    ],
)
def test_alpha_grid_bad_arguments(diabetes_std, kwargs, error, match):
    X, y = diabetes_std
    with pytest.raises(error, match=match):
        alpha_grid(X, y, **kwargs)


def test_alpha_grid_refuses_nan_and_constant_input(diabetes_std):
    X, y = diabetes_std
    bad = X.copy()
    bad[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        alpha_grid(bad, y)
    with pytest.raises(ValueError, match="y is constant"):
        alpha_grid(X, np.full(len(y), 2.5))


@pytest.mark.parametrize("penalty", ["lasso", "elasticnet", "ridge"])
@pytest.mark.parametrize("x_factor,y_factor", [(1e300, 1.0), (1e-300, 1.0), (1.0, 1e-300), (1e-150, 1e150)])
def test_alpha_grid_follows_the_units_of_the_data(diabetes_std, penalty, x_factor, y_factor):
    """Lasso alphas scale like x * y (x_j' y / n); ridge alphas like x^2 -- at any scale float64 holds."""
    X, y = diabetes_std
    base = alpha_grid(X, y, penalty=penalty, n_alphas=5)
    unit = x_factor * x_factor if penalty == "ridge" else x_factor * y_factor
    with np.errstate(over="ignore"):
        representable = np.isfinite(base[0] * unit) and base[-1] * unit >= np.finfo(float).tiny
    if not representable:  # ridge alphas of X * 1e300 would be ~1e600
        with pytest.raises(ValueError, match="not representable"):
            alpha_grid(X * x_factor, y * y_factor, penalty=penalty, n_alphas=5)
        return
    scaled = alpha_grid(X * x_factor, y * y_factor, penalty=penalty, n_alphas=5)
    np.testing.assert_allclose(scaled / unit, base, rtol=1e-12)


def test_alpha_grid_refuses_unrepresentable_alphas(diabetes_std):
    X, y = diabetes_std
    with pytest.raises(ValueError, match="not representable"):
        alpha_grid(X * 1e300, y * 1e300)


def test_map_path_is_invariant_to_units(diabetes_std):
    """X -> c X, y -> k y: lasso alpha -> c k alpha, coefficients -> (k / c) coef, zeros identical."""
    X, y = diabetes_std
    alphas, coefs, path = map_path(X, y, penalty="lasso", n_alphas=20, return_path=True)
    for c, k in [(1e-200, 1e100), (1e150, 1e-150), (3.0, 7.0)]:
        a2, coefs2, path2 = map_path(X * c, y * k, penalty="lasso", alphas=alphas * c * k, return_path=True)
        np.testing.assert_array_equal(coefs2 == 0, coefs == 0)
        np.testing.assert_allclose(coefs2 * c / k, coefs, rtol=1e-9, atol=1e-9 * np.abs(coefs).max())
        np.testing.assert_allclose(path2.intercepts / k, path.intercepts, rtol=1e-9)
        assert path2.certificates.max() <= 1e-10


@pytest.mark.parametrize("factor", [1.0, 1e-3])
def test_alpha_grids_follow_their_formulas(diabetes_std, factor):
    """Ridge: 1e3 .. 1e-3 times sum_j ||x_j - mean_j||^2 / p; lasso, elastic net: max |Xc'yc| / (n l1_ratio) .. eps."""
    X, y = diabetes_std
    X = X * factor * np.arange(1.0, X.shape[1] + 1)  # columns of different sds
    n, p = X.shape
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    ridge = alpha_grid(X, y, penalty="ridge", n_alphas=7)
    np.testing.assert_allclose(ridge, np.geomspace(1e3, 1e-3, 7) * np.sum(Xc**2) / p, rtol=1e-12)
    top = np.max(np.abs(Xc.T @ yc)) / n
    np.testing.assert_allclose(alpha_grid(X, y, penalty="lasso", n_alphas=3, eps=0.01), top * np.geomspace(1, 0.01, 3))
    enet = alpha_grid(X, y, penalty="elasticnet", l1_ratio=0.25, n_alphas=2)
    np.testing.assert_allclose(enet, [top / 0.25, top / 0.25 * 1e-3], rtol=1e-12)
    assert alpha_grid(X, y, n_alphas=1) == pytest.approx([top], rel=1e-12, abs=0)  # one alpha is a valid grid


def test_alpha_grid_refuses_degenerate_data(diabetes_std):
    X, y = diabetes_std
    with pytest.raises(ValueError, match="X: every column is constant"):
        alpha_grid(np.ones_like(X), y, penalty="ridge")
    with pytest.raises(ValueError, match="orthogonal to every"):  # x'y = -0.5 - 0.5 + 0.5 + 0.5 = 0 exactly
        alpha_grid(np.array([[1.0], [-1.0], [-1.0], [1.0]]), np.array([1.0, 1.0, 2.0, 2.0]))


def test_l1_ratio_zero_is_refused_only_for_the_elastic_net(diabetes_std):
    """l1_ratio plays no role for penalty='lasso' or 'ridge': 0 is accepted there (and ignored)."""
    X, y = diabetes_std
    ref_alphas, ref = map_path(X, y, penalty="ridge", n_alphas=3)
    alphas, coefs = map_path(X, y, penalty="ridge", l1_ratio=0.0, n_alphas=3)
    np.testing.assert_array_equal(coefs, ref)
    _, lasso = map_path(X, y, penalty="lasso", l1_ratio=0.0, n_alphas=3)
    np.testing.assert_array_equal(lasso, map_path(X, y, penalty="lasso", n_alphas=3)[1])


def test_elastic_net_with_l1_ratio_one_is_the_lasso(diabetes_std):
    X, y = diabetes_std
    alphas, enet = map_path(X, y, penalty="elasticnet", l1_ratio=1.0, n_alphas=4)
    np.testing.assert_allclose(enet, map_path(X, y, penalty="lasso", alphas=alphas)[1], rtol=1e-12, atol=1e-12)


# --- the binomial and poisson families -------------------------------------------------------------------------


@pytest.mark.parametrize("penalty", ["lasso", "elasticnet", "ridge"])
def test_glm_map_path_is_glmnets_objective_on_the_mean_log_likelihood(penalty):
    """alpha is glmnet's lambda: every point of the path is the exact MAP of l1 = n alpha rho, l2 = n alpha (1 - rho)
    / 2 (checked against LogisticRegression(C = 1 / (n alpha)) for the ridge, against the certificate otherwise);
    at alpha_max the lasso is all zeros and just below it one coefficient enters."""
    import warnings

    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression

    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # converged everywhere: no ConvergenceWarning
        alphas, coefs, path = map_path(X, y, penalty=penalty, family="binomial", n_alphas=12, return_path=True)
    assert np.all(path.certificates <= 1e-10) and np.all(np.diff(alphas) < 0)
    if penalty == "ridge":
        k = 6
        sk = LogisticRegression(C=1.0 / (len(y) * alphas[k]), solver="newton-cholesky", tol=1e-12).fit(X, y)
        np.testing.assert_allclose(coefs[:, k], sk.coef_[0], rtol=0, atol=1e-8 * np.abs(sk.coef_).max())
        assert path.intercepts[k] == pytest.approx(sk.intercept_[0], abs=1e-8)
    else:
        assert np.all(coefs[:, 0] == 0.0)
        rho = 1.0 if penalty == "lasso" else 0.5
        just_below = map_path(X, y, penalty=penalty, family="binomial", alphas=[alphas[0] * (1 - 1e-3)], l1_ratio=rho)
        assert np.count_nonzero(just_below[1]) == 1
    grid = alpha_grid(X, y, penalty="lasso", family="poisson", n_alphas=3, eps=1e-2)
    assert grid[0] == pytest.approx(alpha_grid(X, y, penalty="lasso", n_alphas=3)[0], rel=1e-14, abs=0)


def test_glm_map_path_settings_are_checked():
    X = np.random.default_rng(0).standard_normal((30, 3))
    y = (X[:, 0] > 0).astype(float)
    with pytest.raises(TypeError, match="binomial family has no noise scale"):
        map_path(X, y, family="binomial", sigma=2.0)
    with pytest.raises(ValueError, match="family must be one of"):
        map_path(X, y, family="gamma")
    with pytest.raises(ValueError, match="labels 0 and 1"):
        map_path(X, y + 1.0, family="binomial")


@pytest.mark.parametrize("family", ["gaussian", "binomial"])
def test_paths_from_summary_rows_equal_paths_from_the_rows(monkeypatch, family):
    """On n >= SUMMARY_ROWS_FROM (p + 2) rows a Gaussian path (and any family's grid) runs on the summary rows of
    the data's statistics: the path the rows themselves give (1e-10 of the largest coefficient, the same zeros)."""
    from bayesreg.optimize import paths

    rng = np.random.default_rng(5)
    X = 50.0 + rng.normal(size=(600, 8)) * np.logspace(-2, 2, 8)
    eta = (X - 50.0) @ (np.array([1.0, 0.0, -0.5, 0.0, 0.0, 0.2, 0.0, 0.01]) / np.logspace(-2, 2, 8))
    y = eta + rng.normal(size=600) if family == "gaussian" else (rng.random(600) < 1 / (1 + np.exp(-eta))) * 1.0
    weight = rng.uniform(0.0, 2.0, 600)
    assert paths._summary_rows(X, y, weight) is None  # too small to pay
    monkeypatch.setattr(paths, "SUMMARY_MIN_VALUES", 0)
    assert paths._summary_rows(X, y, weight) is not None
    got = paths.map_path(X, y, family=family, sample_weight=weight, n_alphas=15, return_path=True)
    monkeypatch.setattr(paths, "SUMMARY_ROWS_FROM", 10**9)
    ref = paths.map_path(X, y, family=family, sample_weight=weight, n_alphas=15, return_path=True)
    np.testing.assert_allclose(got[0], ref[0], rtol=1e-12)
    np.testing.assert_array_equal(got[1] == 0.0, ref[1] == 0.0)
    np.testing.assert_allclose(got[1], ref[1], rtol=0, atol=1e-10 * np.max(np.abs(ref[1])))
    np.testing.assert_allclose(got[2].intercepts, ref[2].intercepts, rtol=1e-10, atol=1e-12)


def test_summary_rows_are_not_used_where_products_leave_float64s_range(monkeypatch):
    from bayesreg.optimize import paths

    monkeypatch.setattr(paths, "SUMMARY_MIN_VALUES", 0)
    rng = np.random.default_rng(6)
    X, y = rng.normal(size=(200, 3)), rng.normal(size=200)
    assert paths._summary_rows(X, y, None) is not None
    assert paths._summary_rows(X[:15], y[:15], None) is None  # fewer than 4 (p + 2) rows
    for factor in (1e-120, 1e120):
        assert paths._summary_rows(X * factor, y, None) is None and paths._summary_rows(X, y * factor, None) is None
    tiny_spread = X.copy()
    tiny_spread[:, 1] = 1e-105 * rng.normal(size=200)  # its mean square, 1e-210, is near float64's smallest
    assert paths._summary_rows(tiny_spread, y, None) is None
    constant = X.copy()
    constant[:, 2] = 7.0
    assert paths._summary_rows(constant, y, None) is not None
