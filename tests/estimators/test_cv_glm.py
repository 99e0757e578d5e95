"""BayesianLogisticRegressionCV and BayesianPoissonRegressorCV: the held-out losses of every fold equal scikit-learn's
(LogisticRegressionCV scored by log loss; GridSearchCV over PoissonRegressor scored by the Poisson deviance) on the
same folds and strengths, the same choice, and the refit is the exact MAP at the chosen strength."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV, PoissonRegressor
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold
from sklearn.preprocessing import scale
from sklearn.utils.estimator_checks import check_estimator

import bayesreg as br


@pytest.fixture(scope="module")
def classes():
    # 500 balanced rows: every stratified training fold has 400, so LogisticRegressionCV's C = 1 / (400 alpha)
    X, y = make_classification(500, 20, n_informative=5, random_state=0, flip_y=0.1)
    assert np.bincount(y).tolist() == [252, 248]
    return scale(X), np.where(y == 1, "yes", "no")


@pytest.fixture(scope="module")
def counts():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 8))
    return X, rng.poisson(np.exp(0.3 * X[:, 0] - 0.2 * X[:, 1] + 0.5)).astype(float)


@pytest.mark.parametrize(("penalty", "solver", "tol"), [("lasso", "saga", 2e-4), ("ridge", "lbfgs", 1e-6)])
def test_logistic_folds_and_choice_are_logistic_regression_cvs(classes, penalty, solver, tol):
    X, y = classes
    got = br.BayesianLogisticRegressionCV(penalty, alphas=30, cv=StratifiedKFold(5)).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # scikit-learn 1.8's penalty/l1_ratios transition
        ref = LogisticRegressionCV(
            Cs=1.0 / (400 * got.alphas_),
            cv=StratifiedKFold(5),
            penalty="l1" if penalty == "lasso" else "l2",
            solver=solver,
            scoring="neg_log_loss",
            tol=1e-10,
            max_iter=100_000,
        ).fit(X, y)
    # saga's solutions are good to about 1e-5 here; ours are certified exact
    np.testing.assert_allclose(got.cv_path_.T, -ref.scores_["yes"], rtol=tol)
    assert got.alpha_ == pytest.approx(1.0 / (400 * ref.C_[0]), rel=1e-12, abs=0)
    assert list(got.classes_) == ["no", "yes"] and got.criterion_.criterion == "held-out log loss"
    # the refit: the exact MAP at alpha_ on all 500 rows, LogisticRegression(C = 1 / (n alpha))
    full = LogisticRegression(
        C=1.0 / (500 * got.alpha_),
        l1_ratio=1.0 if penalty == "lasso" else 0.0,
        solver=solver,
        tol=1e-12,
        max_iter=100_000,
    ).fit(X, y)
    np.testing.assert_allclose(got.coef_, full.coef_, rtol=0, atol=1e-4 * np.abs(full.coef_).max())
    assert got.estimator_.map_.certificate <= 1e-10
    assert isinstance(got.prior_, br.Laplace if penalty == "lasso" else br.Normal)
    np.testing.assert_allclose(got.predict_proba(X), got.estimator_.predict_proba(X), rtol=1e-12)
    assert np.mean(got.predict(X) == y) > 0.8


def test_poisson_folds_and_choice_are_a_grid_search_over_poisson_regressor(counts):
    X, y = counts
    alphas = np.geomspace(1e-4, 1.0, 8)
    got = br.BayesianPoissonRegressorCV("ridge", alphas=alphas, cv=KFold(5)).fit(X, y)
    ref = GridSearchCV(
        PoissonRegressor(tol=1e-12, max_iter=10_000),
        {"alpha": got.alphas_},
        cv=KFold(5),
        scoring="neg_mean_poisson_deviance",
    ).fit(X, y)
    folds = -np.column_stack([ref.cv_results_[f"split{k}_test_score"] for k in range(5)])
    np.testing.assert_allclose(got.cv_path_, folds, rtol=1e-7)
    assert got.alpha_ == ref.best_params_["alpha"]
    np.testing.assert_allclose(got.coef_, ref.best_estimator_.coef_, rtol=0, atol=1e-8)
    assert got.intercept_ == pytest.approx(ref.best_estimator_.intercept_, rel=1e-8, abs=0)
    np.testing.assert_allclose(got.predict(X), ref.best_estimator_.predict(X), rtol=1e-7)  # lbfgs: ~2e-8


def test_poisson_lasso_selects_the_two_true_effects(counts):
    X, y = counts
    got = br.BayesianPoissonRegressorCV(rule="1se").fit(X, y)
    assert set(np.flatnonzero(got.coef_)) == {0, 1}
    assert got.alpha_ == got.alpha_1se_ >= got.alpha_min_


def test_bad_targets_are_refused(classes, counts):
    X, _ = classes
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        br.BayesianLogisticRegressionCV().fit(X, np.arange(len(X)) % 3)
    Xc, y = counts
    with pytest.raises(ValueError, match="y >= 0"):
        br.BayesianPoissonRegressorCV().fit(Xc, y - 5)
    with pytest.raises(ValueError, match="penalty must be one of"):
        br.BayesianPoissonRegressorCV("l1").fit(Xc, y)


@pytest.mark.parametrize("cls", [br.BayesianLogisticRegressionCV, br.BayesianPoissonRegressorCV])
def test_check_estimator(cls):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # tiny data: a chosen end of the grid is warned about
        results = check_estimator(cls(cv=3, alphas=10), on_fail=None)
    failed = {r["check_name"]: r["exception"] for r in results if r["status"] == "failed"}
    assert len(results) > 40 and not failed
