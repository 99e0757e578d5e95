"""BayesianRegressionCV: K-fold cross-validation of the exact MAP path against scikit-learn's LassoCV and
ElasticNetCV on the same folds (the same held-out errors, the same choice), the 1-SE rule, the refit's exactness."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import BayesianRidge, ElasticNetCV, Lasso, LassoCV, RidgeCV
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.utils.estimator_checks import check_estimator

import bayesreg as br
from bayesreg.optimize.paths import map_path


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True)


@pytest.mark.filterwarnings("ignore:alpha_=.* at the smallest strength")  # the elastic net's optimum on diabetes
@pytest.mark.parametrize("penalty", ["lasso", "elasticnet"])
def test_the_cv_curve_and_choice_are_scikit_learns(diabetes, penalty):
    X, y = diabetes
    if penalty == "lasso":
        ref = LassoCV(cv=5, alphas=100, tol=1e-14, max_iter=10_000_000).fit(X, y)
    else:
        ref = ElasticNetCV(l1_ratio=0.3, cv=5, alphas=100, tol=1e-14, max_iter=10_000_000).fit(X, y)
    got = br.BayesianRegressionCV(penalty, l1_ratio=0.3, cv=5).fit(X, y)
    np.testing.assert_allclose(got.alphas_, ref.alphas_, rtol=1e-12)
    np.testing.assert_allclose(got.mse_path_, ref.mse_path_, rtol=1e-8)  # (n_alphas, n_folds)
    assert got.alpha_ == ref.alpha_ and got.alpha_min_ == ref.alpha_
    # the refit is the exact MAP of the prior equal to the penalty at alpha_: map_path's coefficients there
    _, coefs = map_path(X, y, penalty=penalty, l1_ratio=0.3, alphas=[got.alpha_])
    np.testing.assert_allclose(got.coef_, coefs[:, 0], rtol=0, atol=1e-10 * np.abs(coefs).max())
    assert got.estimator_.map_.certificate <= 1e-10
    # the bar: coefficients within 1e-8 of scikit-learn's (relative to the largest), the same zeros
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=0, atol=1e-8 * np.abs(ref.coef_).max())
    np.testing.assert_array_equal(got.coef_ == 0, ref.coef_ == 0)
    np.testing.assert_allclose(got.predict(X), got.estimator_.predict(X), rtol=1e-14)
    from sklearn.linear_model import ElasticNet, Lasso

    penalized = Lasso(alpha=got.alpha_) if penalty == "lasso" else ElasticNet(alpha=got.alpha_, l1_ratio=0.3)
    assert got.prior_ == br.from_sklearn(penalized, sigma=got.sigma_, n_samples=len(y))


def test_ridge_is_ridgecvs_choice_on_the_same_folds(diabetes):
    """RidgeCV with folds scores each alpha by the mean over the folds of the held-out squared error (scoring
    neg_mean_squared_error): the same curve, the same alpha, the same coefficients."""
    X, y = diabetes
    alphas = np.geomspace(1e-4, 10.0, 30)
    ref = RidgeCV(alphas=alphas, cv=KFold(5), scoring="neg_mean_squared_error").fit(X, y)
    got = br.BayesianRegressionCV("ridge", alphas=alphas, cv=KFold(5)).fit(X, y)
    assert got.alpha_ == ref.alpha_
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=0, atol=1e-8 * np.abs(ref.coef_).max())
    assert got.intercept_ == pytest.approx(ref.intercept_, rel=1e-8, abs=0)
    assert isinstance(got.prior_, br.Normal) and got.criterion_.criterion == "held-out mean squared error"
    np.testing.assert_array_equal(got.criterion_.values, got.cv_mean_)


def test_the_one_standard_error_rule(diabetes):
    X, y = diabetes
    got = br.BayesianRegressionCV(rule="1se", cv=KFold(5, shuffle=True, random_state=0)).fit(X, y)
    best = int(np.argmin(got.cv_mean_))
    limit = got.cv_mean_[best] + got.cv_se_[best]
    k = int(np.flatnonzero(got.alphas_ == got.alpha_1se_)[0])
    assert got.alpha_ == got.alpha_1se_ >= got.alpha_min_ and got.cv_mean_[k] <= limit
    assert np.all(got.cv_mean_[:k] > limit)  # every larger strength is more than one SE worse
    np.testing.assert_allclose(got.cv_se_, got.mse_path_.std(axis=1, ddof=1) / np.sqrt(5), rtol=1e-14)
    assert np.count_nonzero(got.coef_) <= np.count_nonzero(br.BayesianRegressionCV(cv=5).fit(X, y).coef_)


def test_ridge_and_a_grid_search_over_its_parameters(diabetes):
    X, y = diabetes
    got = br.BayesianRegressionCV("ridge", alphas=np.geomspace(1e-3, 1e3, 13), cv=4).fit(X, y)
    assert isinstance(got.prior_, br.Normal) and got.alpha_ in got.alphas_
    search = GridSearchCV(br.BayesianRegressionCV(cv=3, alphas=20), {"penalty": ["lasso", "ridge"]}, cv=3)
    assert search.fit(X, y).best_params_["penalty"] in ("lasso", "ridge")


def test_bad_parameters_are_refused_before_fitting(diabetes):
    X, y = diabetes
    for params, match in [
        ({"penalty": "l1"}, "penalty must be one of"),
        ({"rule": "2se"}, "rule must be one of"),
        ({"sigma": -1.0}, "sigma"),
        ({"alphas": []}, "at least 2 distinct strengths"),
        ({"alphas": 1}, "at least 2 of them"),
        ({"alphas": [[1.0, 2.0]]}, "1-D array"),
        ({"sigma": "Auto"}, "positive number or 'auto'"),
        ({"penalty": "elasticnet", "l1_ratio": 0.0}, "l1_ratio"),
        ({"tuning": "bic"}, "tuning must be one of"),
        ({"tuning": "evidence"}, "only the Gaussian prior has: use penalty='ridge'"),
        ({"tuning": "evidence", "penalty": "ridge", "sigma": 2.0}, "leave sigma='auto'"),
        ({"tuning": "evidence", "penalty": "ridge", "rule": "1se"}, "rule='1se' needs standard errors"),
        ({"tuning": "hyperprior", "rule": "1se"}, "rule='1se' needs standard errors"),
        ({"tuning": "hyperprior", "penalty": "elasticnet"}, "no hyperprior that keeps l1_ratio fixed"),
        ({"tuning": "loo", "draws": 0}, "draws"),
    ]:
        with pytest.raises(ValueError, match=match):
            br.BayesianRegressionCV(**params).fit(X, y)


def test_check_estimator():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # y fit exactly in some checks: sigma='auto' says so
        results = check_estimator(br.BayesianRegressionCV(cv=3, alphas=10), on_fail=None)
    failed = {r["check_name"]: r["exception"] for r in results if r["status"] == "failed"}
    assert len(results) > 40 and not failed


def test_what_review_found(diabetes):
    """An int alphas is the grid's size (LassoCV's meaning); a fixed sigma only states the prior (no warning about a
    posterior); estimator_ keeps the feature names; group splitters take groups; a chosen end of the grid is warned
    about."""
    import pandas as pd
    from sklearn.model_selection import GroupKFold

    X, y = diabetes
    assert br.BayesianRegressionCV(alphas=20).fit(X, y).alphas_.shape == (20,)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        fixed = br.BayesianRegressionCV(sigma=5.0).fit(X, y)
    assert fixed.alpha_ == br.BayesianRegressionCV().fit(X, y).alpha_ and fixed.sigma_ == 5.0
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    named = br.BayesianRegressionCV().fit(frame, y)
    assert list(named.estimator_.feature_names_in_) == list(frame.columns)
    groups = np.arange(len(y)) % 7
    grouped = br.BayesianRegressionCV(cv=GroupKFold(7)).fit(X, y, groups=groups)
    listed = br.BayesianRegressionCV(cv=list(GroupKFold(7).split(X, y, groups))).fit(X, y)
    np.testing.assert_array_equal(grouped.mse_path_, listed.mse_path_)
    with pytest.warns(UserWarning, match="at the smallest strength of the grid"):
        br.BayesianRegressionCV("ridge", alphas=[1e-3, 1e-2, 1e-1]).fit(X, y)


@pytest.mark.filterwarnings("ignore:alpha_=.* at the smallest strength")
def test_sample_weight_is_lasso_cvs(diabetes):
    """Weights in every fold's path and in its held-out error, as LassoCV takes them: the same grid, errors, alpha."""
    X, y = diabetes
    weight = np.random.default_rng(0).uniform(0.2, 3.0, len(y))
    ref = LassoCV(cv=5, alphas=100, tol=1e-12, max_iter=1_000_000).fit(X, y, sample_weight=weight)
    got = br.BayesianRegressionCV(cv=5).fit(X, y, sample_weight=weight)
    np.testing.assert_allclose(got.alphas_, ref.alphas_, rtol=1e-12)
    np.testing.assert_allclose(got.mse_path_, ref.mse_path_, rtol=1e-8)
    assert got.alpha_ == ref.alpha_
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=0, atol=1e-7 * np.abs(ref.coef_).max())
    assert got.prior_ == br.from_sklearn(Lasso(alpha=got.alpha_), sigma=got.sigma_, n_samples=float(weight.sum()))


def test_evidence_is_bayesian_ridges_maximum(diabetes):
    """tuning='evidence': BayesianRidge's alpha and coefficients; the curve's best grid point brackets the joint
    maximum, and each point is the log evidence at its ratio maximized over the noise precision."""
    from scipy import optimize

    from bayesreg.inference.empirical_bayes import log_evidence

    X, y = diabetes
    got = br.BayesianRegressionCV("ridge", tuning="evidence").fit(X, y)
    ref = BayesianRidge(tol=1e-12, max_iter=100_000).fit(X, y)
    assert got.alpha_ == pytest.approx(ref.lambda_ / ref.alpha_, rel=1e-8, abs=0)
    assert got.sigma_ == pytest.approx(ref.alpha_**-0.5, rel=1e-8, abs=0)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=0, atol=1e-8 * np.abs(ref.coef_).max())
    curve = got.criterion_
    best = curve.best()
    assert curve.alphas[best + 1] < got.alpha_ < curve.alphas[best - 1]
    assert got.prior_.scale == pytest.approx(got.sigma_ / np.sqrt(got.alpha_), rel=1e-10, abs=0)
    k = 30
    found = optimize.minimize_scalar(
        lambda t: -log_evidence(X, y, np.exp(t), curve.alphas[k] * np.exp(t)), bounds=(-12, -4), method="bounded"
    )
    assert curve.values[k] == pytest.approx(-found.fun, rel=1e-9, abs=0)
    assert np.all(np.isnan(curve.se)) and got.criterion_.higher_is_better


SMALL = {"draws": 300, "tune": 200, "chains": 2, "random_seed": 3}


def test_loo_scores_each_posterior_by_psis_loo(diabetes):
    """tuning='loo': elpd_loo of the posterior at each strength (one seed each, reproducible), the best one chosen,
    the paired standard errors of the differences, and the estimator_ is the chosen strength's posterior."""
    import arviz as az

    X, y = diabetes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few draws: convergence warnings are expected here
        got = br.BayesianRegressionCV(tuning="loo", alphas=[3.0, 1.0, 0.3, 0.1, 0.03], **SMALL).fit(X, y)
        rerun = br.BayesianRegressionCV(tuning="loo", alphas=[3.0, 1.0, 0.3, 0.1, 0.03], **SMALL).fit(X, y)
        one_se = br.BayesianRegressionCV(tuning="loo", rule="1se", alphas=[3.0, 1.0, 0.3, 0.1, 0.03], **SMALL)
        one_se.fit(X, y)
    curve = got.criterion_
    assert curve.criterion == "elpd_loo" and curve.higher_is_better
    np.testing.assert_array_equal(curve.values, rerun.criterion_.values)
    assert got.alpha_ == curve.alphas[np.argmax(curve.values)] == got.alpha_min_
    k = int(np.argmax(curve.values))
    own = az.loo(got.estimator_.idata_, pointwise=True)
    assert float(own.elpd) == pytest.approx(curve.values[k], rel=1e-12, abs=0)
    assert curve.se[k] == 0.0 and np.all(curve.se[np.arange(5) != k] > 0)
    assert isinstance(got.prior_, br.Laplace) and got.estimator_.method == "sample"
    assert got.prior_ == br.from_sklearn(Lasso(alpha=got.alpha_), sigma=got.sigma_, n_samples=len(y))
    # 1se: the largest strength whose elpd is within its paired standard error of the best
    within = curve.values >= curve.values[k] - curve.se
    assert one_se.alpha_ == curve.alphas[np.flatnonzero(within).min()] >= got.alpha_
    np.testing.assert_allclose(got.predict(X), X @ got.coef_ + got.intercept_, rtol=1e-12)
    with pytest.raises(ValueError, match="sample_weight: PSIS-LOO"):
        br.BayesianRegressionCV(tuning="loo", **SMALL).fit(X, y, sample_weight=np.ones(len(y)))


def test_a_troubled_loo_grid_says_so_once(diabetes):
    X, y = diabetes
    with pytest.warns(br.SamplingWarning, match="convergence checks failed at"):
        br.BayesianRegressionCV(tuning="loo", alphas=[1.0, 0.01], draws=20, tune=10, chains=2, random_seed=0).fit(X, y)


@pytest.mark.filterwarnings("ignore::bayesreg.SamplingWarning")  # few draws: only the bookkeeping is checked
@pytest.mark.parametrize("penalty", ["lasso", "ridge"])
def test_a_hyperprior_averages_over_the_strength(diabetes, penalty):
    """tuning='hyperprior': alpha_ is the posterior median of the alpha each draw implies (sigma lambda / n for the
    Bayesian lasso, 1 / tau^2 for the hierarchical normal); coef_ are posterior means; the curve is a density."""
    X, y = diabetes
    got = br.BayesianRegressionCV(penalty, tuning="hyperprior", **SMALL).fit(X, y)
    post = got.estimator_.idata_.posterior
    if penalty == "lasso":
        assert isinstance(got.prior_, br.BayesianLasso)
        draws = (post["sigma"] * post["beta_lam"]).values.ravel() / len(y)
    else:
        assert isinstance(got.prior_, br.HierarchicalNormal)
        draws = 1.0 / post["beta_tau"].values.ravel() ** 2
    assert got.alpha_ == pytest.approx(np.median(draws), rel=1e-12, abs=0)
    np.testing.assert_allclose(got.alpha_interval_, np.quantile(draws, [0.05, 0.95]), rtol=1e-12)
    np.testing.assert_allclose(got.coef_, post["beta"].mean(("chain", "draw")).values, rtol=1e-12)
    curve = got.criterion_
    density_integral = np.trapezoid(curve.values[::-1], np.log(curve.alphas[::-1]))
    assert density_integral == pytest.approx(1.0, rel=0.02, abs=0)
    assert curve.alphas[curve.best()] == pytest.approx(got.alpha_, rel=0.5, abs=0)


def test_every_tuning_leaves_one_result_type(diabetes):
    X, y = diabetes
    fits = {
        "cv": br.BayesianRegressionCV("ridge", alphas=20),
        "evidence": br.BayesianRegressionCV("ridge", tuning="evidence", alphas=20),
        "hyperprior": br.BayesianRegressionCV("ridge", tuning="hyperprior", **SMALL),
    }
    for tuning, est in fits.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y)
        for name in ("alpha_", "alpha_min_", "alpha_1se_", "prior_", "criterion_", "alphas_", "estimator_", "sigma_"):
            assert hasattr(est, name), (tuning, name)
        frame = est.criterion_.to_frame()
        assert list(frame.columns) == ["alpha", "value", "se"] and len(frame) == len(est.alphas_)
        assert est.score(X, y) > 0.45


def test_what_the_second_review_found(diabetes):
    """The evidence curve's grid holds its maximum (it was outside in 8 of 10 cases); an alphas the curve cannot take
    names alphas; a fold the path cannot fit, or whose held-out weights are all 0, is named."""
    from sklearn.datasets import make_regression

    X, y = make_regression(n_samples=100, n_features=8, noise=10, random_state=3)
    got = br.BayesianRegressionCV("ridge", tuning="evidence").fit(X, y)
    curve = got.criterion_
    assert curve.alphas[-1] < got.alpha_ < curve.alphas[0] and 0 < curve.best() < len(curve.alphas) - 1
    with pytest.warns(UserWarning, match="lies outside the alphas given"):
        br.BayesianRegressionCV("ridge", tuning="evidence", alphas=[1e3, 1e4]).fit(X, y)
    for alphas, error in [("auto", TypeError), (True, TypeError), ([1.0, "x"], TypeError)]:
        with pytest.raises(error, match="alphas"):
            br.BayesianRegressionCV(alphas=alphas).fit(X, y)
    with pytest.raises(ValueError, match="tries no strengths"):
        br.BayesianRegressionCV(tuning="hyperprior", alphas=[0.1, 1.0]).fit(X, y)
    weight = np.ones(len(y))
    weight[:20] = 0.0  # KFold(5): the first fold's held-out rows
    with pytest.raises(ValueError, match="held-out rows of fold 0 all have weight 0"):
        br.BayesianRegressionCV(cv=5).fit(X, y, sample_weight=weight)
    labels = (np.arange(60) >= 30).astype(int)  # sorted: KFold(2)'s first training fold holds one class
    Xc = np.random.default_rng(0).standard_normal((60, 3))
    with pytest.raises(ValueError, match="cv: the training rows of fold 0"):
        br.BayesianLogisticRegressionCV(cv=KFold(2)).fit(Xc, labels)


def test_the_refit_does_not_estimate_sigma_twice_and_the_check_comes_back(diabetes, monkeypatch):
    """The refit's sigma is the estimate just computed (or a value fixed only to state the prior): it is not estimated
    again (at p > n that is a RidgeCV); a BayesianRegression fitted afterwards still checks its sigma."""
    import bayesreg.data.noise as noise
    import bayesreg.estimators.cv as cv_module
    import bayesreg.estimators.regression as regression

    X, y = diabetes
    calls = []
    original = noise.estimate_noise_scale

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(cv_module, "estimate_noise_scale", counted)
    monkeypatch.setattr(regression, "estimate_noise_scale", counted)
    br.BayesianRegressionCV(alphas=10).fit(X, y)
    assert len(calls) == 1
    with pytest.warns(UserWarning, match="times smaller than the residual sd"):
        br.BayesianRegression(br.Laplace(1.0), sigma=1.0).fit(X, y)
