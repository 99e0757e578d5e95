"""Priors from (and to) scikit-learn's LogisticRegression and PoissonRegressor and glmnet's binomial and poisson
families (the Gaussian adapters are tested in test_penalty.py). The MAP of each prior equals the fit itself:
tests/optimize/test_map_glm.py."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, PoissonRegressor

import bayesreg as br


@pytest.mark.parametrize(
    "estimator, expected",
    [
        (LogisticRegression(C=4.0), br.Normal(2.0)),
        (LogisticRegression(C=0.5, l1_ratio=1.0, solver="saga"), br.Laplace(0.5)),
        (LogisticRegression(C=2.0, l1_ratio=0.25, solver="saga"), br.ElasticNet(0.125, 0.1875)),
    ],
)
def test_logistic_regression_needs_neither_sigma_nor_n(estimator, expected):
    prior = br.from_sklearn(estimator)
    assert type(prior) is type(expected)
    np.testing.assert_allclose(prior.weights.l1, expected.weights.l1, rtol=1e-15, atol=0)
    np.testing.assert_allclose(prior.weights.l2, expected.weights.l2, rtol=1e-15, atol=0)
    back = prior.to_sklearn(family="binomial")
    assert isinstance(back, LogisticRegression)
    assert back.C == pytest.approx(estimator.C, rel=1e-15, abs=0)
    assert back.l1_ratio == pytest.approx(estimator.l1_ratio, rel=1e-15, abs=0)
    assert back.solver == ("newton-cholesky" if estimator.l1_ratio == 0 else "saga")


def test_poisson_regressor_is_a_normal_prior_with_n():
    prior = br.from_sklearn(PoissonRegressor(alpha=0.02), n_samples=200)
    assert isinstance(prior, br.Normal) and prior.scale == pytest.approx(1.0 / np.sqrt(200 * 0.02), rel=1e-15, abs=0)
    back = prior.to_sklearn(family="poisson", n_samples=200)
    assert isinstance(back, PoissonRegressor) and back.alpha == pytest.approx(0.02, rel=1e-15, abs=0)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: br.from_sklearn(LogisticRegression(), sigma=1.0), TypeError, "sigma: LogisticRegression's likelihood"),
        (lambda: br.from_sklearn(PoissonRegressor()), TypeError, "n_samples is required to convert PoissonRegressor"),
        (lambda: br.from_sklearn(PoissonRegressor(alpha=0.0), n_samples=5), ValueError, "not penalized"),
        (lambda: br.from_sklearn(LogisticRegression(C=np.inf)), ValueError, r"C=inf\) is not penalized"),
        (lambda: br.from_sklearn(LogisticRegression(solver="liblinear")), ValueError, "penalizes the intercept"),
        (lambda: br.from_sklearn(LogisticRegression(class_weight="balanced")), ValueError, "class_weight"),
        (lambda: br.from_sklearn(LogisticRegression(C=1e-320)), ValueError, "C=1e-320"),
        (lambda: br.Laplace(1.0).to_sklearn(family="poisson", n_samples=5), ValueError, "only an L2 penalty"),
        (lambda: br.Normal(1.0).to_sklearn(family="binomial", sigma=1.0), TypeError, "no noise scale"),
        (lambda: br.Normal(1.0).to_sklearn(family="poisson"), TypeError, "n_samples is required"),
        (lambda: br.Normal(1.0).to_sklearn(), TypeError, "sigma is required"),
        (lambda: br.Normal(1.0).to_sklearn(family="gamma"), ValueError, "family must be one of"),
    ],
)
def test_what_has_no_prior_twin_is_refused_by_name(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_liblinear_without_an_intercept_is_fine_and_a_fitted_multiclass_model_is_refused():
    assert isinstance(br.from_sklearn(LogisticRegression(solver="liblinear", fit_intercept=False)), br.Normal)
    X = np.random.default_rng(0).standard_normal((30, 2))
    fitted = LogisticRegression().fit(X, np.arange(30) % 3)
    with pytest.raises(ValueError, match="3 classes"):
        br.from_sklearn(fitted)


@pytest.mark.parametrize("family", ["binomial", "poisson"])
def test_glmnet_glm_families_round_trip(family):
    prior = br.from_glmnet(0.05, 0.5, n_samples=100, family=family)
    assert isinstance(prior, br.ElasticNet)
    assert prior.weights.l1 == pytest.approx(100 * 0.05 * 0.5, rel=1e-15, abs=0)
    lam, a = prior.to_glmnet(n_samples=100, family=family)
    assert lam == pytest.approx(0.05, rel=1e-15, abs=0) and a == pytest.approx(0.5, rel=1e-15, abs=0)


@pytest.mark.parametrize(
    "prior",
    [
        br.Normal(2.0),
        br.Laplace(0.5),
        br.ElasticNet(1.0, 3.0),
        br.BayesianLasso(lam=0.5),
        br.HierarchicalNormal(tau_scale=2.0),
        br.Horseshoe(tau_scale=0.5),
        br.RegularizedHorseshoe(n_nonzero=3.0),
        br.BayesianElasticNet(),
    ],
    ids=lambda p: type(p).__name__,
)
def test_every_prior_speaks_scikit_learns_parameter_protocol(prior):
    from sklearn.base import clone

    params = prior.get_params()
    assert params == prior.params() and list(params) == list(prior._param_names)
    copy = clone(prior)
    assert copy == prior and copy is not prior
    name, value = next(iter(params.items()))
    if isinstance(value, float):
        assert copy.set_params(**{name: 2 * value}) is copy and getattr(copy, name) == 2 * value and prior != copy
    with pytest.raises(ValueError, match=f"invalid parameter 'nope' for prior {type(prior).__name__}"):
        prior.set_params(nope=1.0)


def test_set_params_checks_like_the_constructor_and_changes_nothing_on_error():
    prior = br.Laplace(1.0)
    with pytest.raises(ValueError, match="scale must be > 0"):
        prior.set_params(scale=-1.0)
    with pytest.raises(ValueError, match="scale=1e-320"):
        prior.set_params(scale=1e-320)
    assert prior == br.Laplace(1.0) and prior.weights.l1 == 1.0
    prior.set_params(scale=4.0)
    assert prior.weights.l1 == 0.25  # the derived weights follow


def test_grid_search_tunes_the_prior_scale_of_every_estimator():
    from sklearn.datasets import load_breast_cancer, load_diabetes
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_diabetes(return_X_y=True)
    search = GridSearchCV(br.BayesianRegression(br.Laplace(1.0), sigma=55.0), {"prior__scale": [0.5, 5.0, 50.0]}, cv=3)
    search.fit(X, y)
    assert search.best_params_["prior__scale"] in (0.5, 5.0, 50.0) and search.best_estimator_.prior.scale in (
        0.5,
        5.0,
        50.0,
    )
    pipe = make_pipeline(StandardScaler(), br.BayesianRegression(br.Normal(1.0), sigma=55.0))
    pipe.set_params(bayesianregression__prior__scale=10.0)
    assert pipe[-1].prior == br.Normal(10.0)
    assert pipe.fit(X, y).score(X, y) > 0.4

    Xc, yc = load_breast_cancer(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), br.BayesianLogisticRegression(br.Laplace(1.0)))
    search = GridSearchCV(pipe, {"bayesianlogisticregression__prior__scale": [0.01, 0.1, 1.0]}, cv=3).fit(Xc, yc)
    assert search.best_score_ > 0.9
    counts = np.random.default_rng(0).poisson(np.exp(0.2 + 0.3 * Xc[:, 0] / Xc[:, 0].std()))
    search = GridSearchCV(
        br.BayesianPoissonRegressor(br.Normal(1.0), standardize=True), {"prior__scale": [0.1, 1.0]}, cv=3
    )
    assert search.fit(Xc[:, :5], counts).best_params_["prior__scale"] in (0.1, 1.0)


def test_logistic_regression_cv_uses_its_fitted_strength():
    from sklearn.linear_model import LogisticRegressionCV

    X = np.random.default_rng(3).standard_normal((60, 3))
    y = (X[:, 0] + 0.3 * np.random.default_rng(4).standard_normal(60) > 0).astype(int)
    with pytest.raises(ValueError, match="LogisticRegressionCV must be fitted first"):
        br.from_sklearn(LogisticRegressionCV(Cs=3))
    fitted = LogisticRegressionCV(Cs=[0.1, 1.0, 10.0], cv=3).fit(X, y)
    prior = br.from_sklearn(fitted)
    assert isinstance(prior, br.Normal) and prior.scale == pytest.approx(np.sqrt(fitted.C_[0]), rel=1e-15, abs=0)
