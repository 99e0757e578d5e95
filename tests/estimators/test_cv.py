"""BayesianRegressionCV: K-fold cross-validation of the exact MAP path against scikit-learn's LassoCV and
ElasticNetCV on the same folds (the same held-out errors, the same choice), the 1-SE rule, the refit's exactness."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import ElasticNetCV, Lasso, LassoCV
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
        ref = LassoCV(cv=5, alphas=100, tol=1e-12, max_iter=1_000_000).fit(X, y)
    else:
        ref = ElasticNetCV(l1_ratio=0.3, cv=5, alphas=100, tol=1e-12, max_iter=1_000_000).fit(X, y)
    got = br.BayesianRegressionCV(penalty, l1_ratio=0.3, cv=5).fit(X, y)
    np.testing.assert_allclose(got.alphas_, ref.alphas_, rtol=1e-12)
    np.testing.assert_allclose(got.mse_path_, ref.mse_path_, rtol=1e-8)  # (n_alphas, n_folds)
    assert got.alpha_ == ref.alpha_ and got.alpha_min_ == ref.alpha_
    # the refit is the exact MAP of the prior equal to the penalty at alpha_: map_path's coefficients there
    _, coefs = map_path(X, y, penalty=penalty, l1_ratio=0.3, alphas=[got.alpha_])
    np.testing.assert_allclose(got.coef_, coefs[:, 0], rtol=0, atol=1e-10 * np.abs(coefs).max())
    assert got.estimator_.map_.certificate <= 1e-10
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=0, atol=1e-7 * np.abs(ref.coef_).max())
    np.testing.assert_allclose(got.predict(X), got.estimator_.predict(X), rtol=1e-14)
    from sklearn.linear_model import ElasticNet, Lasso

    penalized = Lasso(alpha=got.alpha_) if penalty == "lasso" else ElasticNet(alpha=got.alpha_, l1_ratio=0.3)
    assert got.prior_ == br.from_sklearn(penalized, sigma=got.sigma_, n_samples=len(y))


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
        ({"alphas": 1}, "at least 2 strengths"),
        ({"alphas": [[1.0, 2.0]]}, "1-D array"),
        ({"sigma": "Auto"}, "positive number or 'auto'"),
        ({"penalty": "elasticnet", "l1_ratio": 0.0}, "l1_ratio"),
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
