"""choose_penalty: every method on the same split, its choice, its held-out loss and the paired standard errors."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes, make_classification
from sklearn.linear_model import LassoCV
from sklearn.model_selection import KFold, train_test_split

import bayesreg as br

SMALL = {"draws": 300, "tune": 200, "chains": 2}


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True, as_frame=True)


@pytest.fixture(scope="module")
def gaussian_choice(diabetes):
    X, y = diabetes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few draws: the posterior methods warn about convergence
        return br.choose_penalty(X, y, methods=["sklearn", "cv", "cv-1se", "evidence", "hyperprior"], **SMALL)


def test_the_table_is_what_each_method_did_on_the_test_rows(diabetes, gaussian_choice):
    X, y = diabetes
    choice = gaussian_choice
    table = choice.table
    assert list(table.index) == ["sklearn", "cv", "cv-1se", "evidence", "hyperprior"]
    # the same split as train_test_split with the seed, and the same folds for scikit-learn and bayesreg
    train, test = train_test_split(np.arange(len(y)), test_size=0.25, random_state=0)
    np.testing.assert_array_equal(choice.test, np.sort(test))
    ref = LassoCV(cv=KFold(5, shuffle=True, random_state=0), tol=1e-12, max_iter=1_000_000)
    ref.fit(X.iloc[np.sort(train)], y.iloc[np.sort(train)])
    assert table.loc["cv", "alpha"] == table.loc["sklearn", "alpha"] == ref.alpha_
    assert table.loc["evidence", "penalty"] == "ridge" and table.loc["cv", "penalty"] == "lasso"
    # each row's loss is the estimator's held-out squared error; the paired SE is that of the row differences
    y_test = y.to_numpy()[choice.test]
    X_test = X.iloc[choice.test]
    for method, estimator in choice.estimators.items():
        errors = (y_test - estimator.predict(X_test)) ** 2
        assert table.loc[method, "test_loss"] == pytest.approx(errors.mean(), rel=1e-12, abs=0)
        np.testing.assert_allclose(choice.row_losses[method], errors, rtol=1e-12)
    best = table["test_loss"].idxmin()
    diff = choice.row_losses["cv-1se"] - choice.row_losses[best]
    assert table.loc["cv-1se", "vs_best"] == pytest.approx(diff.mean(), rel=1e-12, abs=0)
    assert table.loc["cv-1se", "vs_best_se"] == pytest.approx(diff.std() / np.sqrt(len(diff)), rel=1e-12, abs=0)
    assert table.loc[best, "vs_best"] == 0.0 and table["vs_best"].min() == 0.0
    assert table.loc["cv", "prior_scale"] == pytest.approx(choice.estimators["cv"].prior_.scale, rel=1e-12, abs=0)
    assert np.isnan(table.loc["hyperprior", "prior_scale"]) and "BayesianLasso" in table.loc["hyperprior", "prior"]
    assert np.isnan(table.loc["hyperprior", "nonzero"]) and table.loc["cv", "nonzero"] < X.shape[1]  # no MAP zeros
    assert table.loc["cv-1se", "alpha"] >= table.loc["cv", "alpha"]
    assert (table["seconds"] > 0).all()


def test_the_plots_draw_the_numbers(gaussian_choice):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    axes = br.plots.plot_penalty_choice(gaussian_choice)
    points = axes[1].containers[0].lines[0]  # the errorbar's data line
    np.testing.assert_allclose(
        np.asarray(points.get_xdata(), dtype=float), gaussian_choice.table["vs_best"].to_numpy(), rtol=1e-12
    )
    alphas = [float(line.get_xdata()[0]) for line in axes[0].lines]
    np.testing.assert_allclose(alphas, gaussian_choice.table["alpha"].to_numpy(), rtol=1e-12)
    ax = br.plots.plot_strength_curve(gaussian_choice.estimators["cv"])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), gaussian_choice.estimators["cv"].cv_mean_, rtol=1e-12)
    with pytest.raises(TypeError, match="PenaltyChoice"):
        br.plots.plot_penalty_choice(gaussian_choice.table)
    with pytest.raises(TypeError, match="criterion_"):
        br.plots.plot_strength_curve(br.BayesianRegression(br.Normal(1.0)))
    plt.close("all")


def test_the_logistic_and_poisson_twins():
    X, y = make_classification(300, 8, n_informative=3, random_state=1)
    labels = np.where(y == 1, "spam", "ham")
    choice = br.choose_penalty(pd.DataFrame(X), labels, family="binomial")
    assert list(choice.table.index) == ["cv", "cv-1se"] and choice.loss == "log loss"
    proba = choice.estimators["cv"].predict_proba(pd.DataFrame(X).iloc[choice.test])[:, 1]
    event = labels[choice.test] == "spam"
    log_loss = -np.mean(np.where(event, np.log(proba), np.log1p(-proba)))
    assert choice.table.loc["cv", "test_loss"] == pytest.approx(log_loss, rel=1e-12, abs=0)
    assert np.mean(event) == pytest.approx(np.mean(labels == "spam"), rel=0.1, abs=0)  # stratified
    rng = np.random.default_rng(0)
    Xp = rng.normal(size=(300, 5))
    counts = rng.poisson(np.exp(0.4 * Xp[:, 0]))
    choice = br.choose_penalty(Xp, counts, family="poisson", penalty="ridge")
    assert choice.loss == "Poisson deviance" and set(choice.table["penalty"]) == {"ridge"}


def test_a_given_split(diabetes):
    """test= names the held-out rows (a data set's own split): as indices or as a mask, the same result."""
    X, y = diabetes
    rows = np.arange(400, len(y))
    by_index = br.choose_penalty(X, y, methods=["cv"], test=rows)
    mask = np.zeros(len(y), dtype=bool)
    mask[rows] = True
    by_mask = br.choose_penalty(X, y, methods=["cv"], test=mask)
    np.testing.assert_array_equal(by_index.test, rows)
    np.testing.assert_array_equal(by_index.train, np.arange(400))
    pd.testing.assert_frame_equal(by_index.table.drop(columns="seconds"), by_mask.table.drop(columns="seconds"))
    for test, error, match in [
        (mask[:-1], ValueError, "one entry per row"),
        (np.array([0, 10_000]), ValueError, "row indices must be in"),
        (np.array([-1, 3]), ValueError, "row indices must be in"),
        (np.array([0.5, 1.5]), TypeError, "row indices"),
        (np.arange(5, len(y)), ValueError, "training rows"),
    ]:
        with pytest.raises(error, match=match):
            br.choose_penalty(X, y, methods=["cv"], test=test)


def test_bad_arguments_are_named(diabetes):
    X, y = diabetes
    for kwargs, error, match in [
        ({"family": "gamma"}, ValueError, "family must be one of"),
        ({"methods": "cv"}, TypeError, "sequence of method names"),
        ({"methods": []}, ValueError, "at least one method"),
        ({"methods": ["bic"]}, ValueError, "unknown method 'bic'"),
        ({"methods": ["loo"], "family": "poisson"}, ValueError, "needs family='gaussian'"),
        ({"methods": ["hyperprior"], "penalty": "elasticnet"}, ValueError, "keeps l1_ratio fixed"),
        ({"test_size": 1.5}, ValueError, "test_size"),
        ({"penalty": "l1"}, ValueError, "penalty must be one of"),
    ]:
        with pytest.raises(error, match=match):
            br.choose_penalty(X, y, **kwargs)
