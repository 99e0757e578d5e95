import numpy as np
import pymc as pm
import pytest

import bayesreg as br
from bayesreg.likelihoods import Gaussian
from bayesreg.map import MapSolver, find_map


@pytest.mark.filterwarnings("ignore:`find_MAP` will:FutureWarning")
def test_map_is_exact_where_find_map_is_not(diabetes_std):
    """The design notes' case: diabetes, sigma = 50, Lasso alpha = 1."""
    from sklearn.linear_model import Lasso

    X, y = diabetes_std
    n = X.shape[0]
    sk = Lasso(alpha=1.0, tol=1e-12, max_iter=1_000_000).fit(X, y)
    rm = br.build_model(X, y, br.from_sklearn(sk, sigma=50.0, n_samples=n), likelihood=Gaussian(sigma=50.0))
    ours = find_map(rm)
    assert np.max(np.abs(ours.coef - sk.coef_)) <= 1e-9 * np.abs(sk.coef_).max()
    np.testing.assert_array_equal(ours.coef == 0, sk.coef_ == 0)
    assert np.count_nonzero(ours.coef == 0.0) >= 2
    # pm.find_MAP's smooth optimizer on the same model: no exact zeros, visibly off
    smooth = pm.find_MAP(model=rm.model, progressbar=False, return_inferencedata=False, jitter=False)
    assert np.count_nonzero(smooth["beta"] == 0.0) == 0
    assert np.max(np.abs(smooth["beta"] - sk.coef_)) > 1e3 * np.max(np.abs(ours.coef - sk.coef_))


def test_certificate_checked_with_the_model_gradient(design):
    """Re-derive the certificate from the model's own compiled gradient at the MAP."""
    _, X, y = design
    prior = br.ElasticNet(l1=5.0, l2=0.5)
    rm = br.build_model(X, y, prior, likelihood=Gaussian(sigma=1.5))
    result = find_map(rm)
    dlogp = rm.model.compile_dlogp(vars=[rm.beta], jacobian=False)
    point = {"beta": result.coef, "intercept": np.asarray(result.intercept)}
    # d(-logp)/dbeta of the whole model includes the prior's -l1 sign(b) - 2 l2 b; add the L1 back
    g_smooth = -dlogp(point) - prior.l1 * np.sign(result.coef)
    active = result.coef != 0
    viol_active = np.abs(g_smooth[active] + prior.l1 * np.sign(result.coef[active]))
    viol_zero = np.maximum(np.abs(g_smooth[~active]) - prior.l1, 0)
    lam_max = np.abs((X - X.mean(axis=0)).T @ (y - y.mean())).max() / 1.5**2
    assert max(viol_active.max(initial=0), viol_zero.max(initial=0)) <= 1e-8 * max(lam_max, prior.l1)
    assert result.certificate <= 1e-10


def test_objective_is_the_negative_log_posterior(diabetes_std):
    X, y = diabetes_std
    prior = br.Laplace(3.0)
    rm = br.build_model(X, y, prior, likelihood=Gaussian(sigma=40.0))
    result = find_map(rm)
    logp = rm.model.compile_logp(jacobian=False)
    value = -logp({"beta": result.coef, "intercept": np.asarray(result.intercept)})
    assert result.objective == pytest.approx(value, rel=1e-12)


def test_changing_the_prior_needs_no_recompilation(diabetes_std):
    from sklearn.linear_model import Lasso

    X, y = diabetes_std
    n = X.shape[0]
    rm = br.build_model(X, y, br.Laplace(1.0), likelihood=Gaussian(sigma=50.0))
    solver = MapSolver(rm)
    compiled = solver.objective._fn
    for alpha in [2.0, 0.5, 0.1]:
        prior = br.from_sklearn(Lasso(alpha=alpha), sigma=50.0, n_samples=n)
        rm.set_prior(prior)
        result, _ = solver.solve()
        sk = Lasso(alpha=alpha, tol=1e-12, max_iter=1_000_000).fit(X, y)
        assert np.max(np.abs(result.coef - sk.coef_)) <= 1e-9 * np.abs(sk.coef_).max()
        assert rm.model["beta_scale"].get_value() == pytest.approx(prior.scale)
    assert solver.objective._fn is compiled
    with pytest.raises(TypeError, match="prior must be a Laplace"):
        rm.set_prior(br.Normal(1.0))
