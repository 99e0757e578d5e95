"""Fits on Dask input (data larger than memory), reduced to their sufficient statistics on a LocalCluster of 2
worker processes: the Gaussian MAP, its path, the evidence and the posterior equal the in-memory ones (1e-10
relative, identical zeros; the Gibbs draws from one seed to round-off, NUTS's within Monte Carlo error)."""

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

import bayesreg as br
from bayesreg.inference.empirical_bayes import evidence_ridge
from bayesreg.inference.sampling import sample_posterior
from bayesreg.optimize.paths import alpha_grid, map_path


def _data(n=4000, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(3.0 + rng.normal(size=(n, p)) * np.linspace(0.5, 4.0, p), columns=[f"f{j}" for j in range(p)])
    y = 2.0 + X.to_numpy() @ np.array([1.0, -0.5, 0.0, 0.0, 0.3, 0.0]) + rng.normal(size=n)
    weight = rng.uniform(0.0, 2.0, n)
    weight[::9] = 0.0
    return X, y, weight


def _lazy(X, y, weight=None):
    """X as a Dask DataFrame of 5 partitions, y and the weights as Dask arrays of other chunks."""
    return (
        dd.from_pandas(X, npartitions=5),
        da.from_array(y, chunks=700),
        None if weight is None else da.from_array(weight, chunks=900),
    )


def _summary_model(X, y):
    from bayesreg.data.statistics import SufficientStats
    from bayesreg.likelihoods import Gaussian
    from bayesreg.model import build_model

    rows = SufficientStats.from_arrays(np.asarray(X), y).summary_rows()
    return build_model(rows.X, rows.y, br.Laplace(0.5), likelihood=Gaussian(sigma=1.0),
                       sample_weight=rows.sample_weight, statistics=rows.statistics)  # fmt: skip


def _assert_same_fit(got, ref):
    np.testing.assert_array_equal(got.coef_ == 0.0, ref.coef_ == 0.0)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-10, atol=1e-10 * np.max(np.abs(ref.coef_)))
    assert got.intercept_ == pytest.approx(ref.intercept_, rel=1e-10, abs=1e-12)
    assert got.sigma_ == pytest.approx(ref.sigma_, rel=1e-10, abs=0)


@pytest.mark.parametrize(
    ("params", "weighted"),
    [
        ({"prior": br.Laplace(0.05), "sigma": 1.0}, False),
        ({"prior": br.Laplace(0.05), "sigma": None}, True),
        ({"prior": br.ElasticNet(0.02, 0.5), "sigma": "auto", "standardize": True}, False),
        ({"prior": br.Normal(0.1), "sigma": None, "fit_intercept": False}, True),
    ],
)
def test_the_map_on_dask_input_is_the_in_memory_map(dask_client, params, weighted):
    X, y, weight = _data()
    weight = weight if weighted else None
    ref = br.BayesianRegression(**params).fit(X, y, sample_weight=weight)
    got = br.BayesianRegression(**params).fit(*_lazy(X, y, weight))
    _assert_same_fit(got, ref)
    assert list(got.feature_names_in_) == list(X.columns) and got.n_features_in_ == X.shape[1]
    assert got.map_.certificate <= 1e-10
    # the model a user inspects is written on the summary rows of the statistics, and says so
    assert "summary_row" in got.model_.coords and "obs_id" not in got.model_.coords
    assert got.model_["X"].get_value().shape == (X.shape[1] + 2, X.shape[1])
    if ref.equivalent_penalty_ is not None:
        assert got.equivalent_penalty_.get_params()["alpha"] == pytest.approx(
            ref.equivalent_penalty_.get_params()["alpha"], rel=1e-12, abs=0
        )


@pytest.mark.filterwarnings("ignore::bayesreg.SamplingWarning")  # 2 x 200 draws: the draws are compared, not used
def test_gibbs_draws_on_dask_input_are_the_in_memory_draws(dask_client):
    X, y, weight = _data()
    params = {"prior": br.BayesianLasso(), "sigma": None, "method": "gibbs", "draws": 200, "tune": 100}
    params.update(chains=2, random_seed=3, progressbar=False)
    ref = br.BayesianRegression(**params).fit(X, y, sample_weight=weight)
    got = br.BayesianRegression(**params).fit(*_lazy(X, y, weight))
    assert {"beta", "intercept", "sigma"} <= set(ref.idata_["posterior"].data_vars)
    # the intercept is sampled for the centred data (idata_.attrs["y_center"], ["x_center"]): on the data's scale
    # it is the in-memory one
    got_beta, got_intercept = got._coefficient_draws()
    ref_beta, ref_intercept = ref._coefficient_draws()
    np.testing.assert_allclose(got_intercept, ref_intercept, rtol=1e-8, atol=1e-10)
    assert got.idata_.attrs["y_center"] == pytest.approx(np.average(y, weights=weight), rel=1e-12, abs=0)
    for name in set(ref.idata_["posterior"].data_vars) - {"intercept"}:
        np.testing.assert_allclose(
            got.idata_["posterior"][name].values, ref.idata_["posterior"][name].values, rtol=1e-8, atol=1e-10
        )
    # no per-observation groups: the model's rows are not the observations
    assert "log_likelihood" not in got.idata_ and "posterior_predictive" not in got.idata_
    assert "summary_row" in got.idata_["observed_data"].dims
    with pytest.raises(ValueError, match="store_log_likelihood=True on Dask input: the posterior is written on"):
        br.BayesianRegression(**params, store_log_likelihood=True).fit(*_lazy(X, y))
    # the sampler's own check, for a model built on summary rows by other means
    with pytest.raises(ValueError, match="store_predictive=True: this model's rows summarize the data"):
        sample_posterior(_summary_model(X, y), store_predictive=True)


@pytest.mark.filterwarnings("ignore::bayesreg.SamplingWarning")  # 2 x 400 draws: the means are what is checked
def test_nuts_on_dask_input_samples_the_same_posterior(dask_client):
    X, y, _ = _data(n=2000)
    params = {"prior": br.Laplace(0.5), "sigma": None, "draws": 400, "tune": 300, "chains": 2, "random_seed": 1}
    params["cores"] = 1  # no fork of a process whose threads talk to the cluster
    params["progressbar"] = False
    ref = br.BayesianRegression(**params, method="gibbs").fit(X, y)
    got = br.BayesianRegression(**params, method="nuts").fit(*_lazy(X, y))
    assert got.sampler_ == "nuts"
    beta = ref.idata_["posterior"]["beta"].values.reshape(-1, X.shape[1])
    # Monte Carlo error of the difference of two means of ~800 draws each (ESS at least ~400 each)
    tolerance = 5.0 * beta.std(axis=0) * np.sqrt(2.0 / 400.0)
    assert np.all(np.abs(got.coef_ - ref.coef_) <= tolerance)


@pytest.mark.parametrize("penalty", ["lasso", "elasticnet", "ridge"])
def test_map_path_alpha_grid_and_evidence_on_dask_input(dask_client, penalty):
    X, y, weight = _data()
    lazy_X, lazy_y, lazy_weight = _lazy(X, y, weight)
    np.testing.assert_allclose(
        alpha_grid(lazy_X, lazy_y, penalty=penalty), alpha_grid(X, y, penalty=penalty), rtol=1e-12
    )
    for fit_intercept in (True, False):
        alphas, coefs, path = map_path(lazy_X, lazy_y, penalty=penalty, fit_intercept=fit_intercept, return_path=True)
        ref_alphas, ref_coefs, ref_path = map_path(X, y, penalty=penalty, fit_intercept=fit_intercept, return_path=True)
        np.testing.assert_allclose(alphas, ref_alphas, rtol=1e-12)
        np.testing.assert_array_equal(coefs == 0.0, ref_coefs == 0.0)
        np.testing.assert_allclose(coefs, ref_coefs, rtol=0, atol=1e-10 * np.max(np.abs(ref_coefs)))
        np.testing.assert_allclose(path.intercepts, ref_path.intercepts, rtol=1e-10, atol=1e-12)
    got, ref = evidence_ridge(lazy_X, lazy_y, sample_weight=lazy_weight), evidence_ridge(X, y, sample_weight=weight)
    assert got.alpha == pytest.approx(ref.alpha, rel=1e-10, abs=0) and got.lambda_ == pytest.approx(
        ref.lambda_, rel=1e-10, abs=0
    )
    np.testing.assert_allclose(got.coef, ref.coef, rtol=1e-10, atol=0)


def test_dask_input_that_cannot_be_summarized_is_refused():
    X, y, _ = _data(n=200)
    lazy_X, lazy_y, _ = _lazy(X, y)
    with pytest.raises(ValueError, match="likelihood='student_t' on Dask input: only the Gaussian"):
        br.BayesianRegression(br.Laplace(1.0), likelihood="student_t", sigma=1.0).fit(lazy_X, lazy_y)
    small = dd.from_pandas(X.iloc[:8], npartitions=2)
    with pytest.raises(ValueError, match="8 rows .* for 6 features: data this small fit in memory"):
        br.BayesianRegression(br.Laplace(1.0), sigma=1.0).fit(small, da.from_array(y[:8]))
    holes = y.copy()
    holes[17] = np.nan
    with pytest.raises(ValueError, match="contain NaN or infinity"):
        br.BayesianRegression(br.Laplace(1.0), sigma=1.0).fit(lazy_X, da.from_array(holes, chunks=50))
    est = br.BayesianRegression(br.Laplace(1.0), sigma=1.0).fit(X, y)
    before = dict(est.__dict__)
    with pytest.raises(ValueError):
        est.fit(small, da.from_array(y[:8]))
    assert est.__dict__.keys() == before.keys() and est.coef_ is before["coef_"]


@pytest.mark.parametrize("penalty", ["lasso", "elasticnet", "ridge"])
def test_weighted_paths_in_memory_and_on_dask_input_match_scikit_learn(dask_client, penalty):
    """map_path's sample_weight is scikit-learn's (frequency weights, n their sum) at every alpha of the path."""
    from sklearn.linear_model import ElasticNet, Ridge

    X, y, weight = _data(n=1500)
    alphas, coefs, path = map_path(X, y, penalty=penalty, sample_weight=weight, n_alphas=8, return_path=True)
    lazy_X, lazy_y, lazy_weight = _lazy(X, y, weight)
    lazy_alphas, lazy_coefs = map_path(lazy_X, lazy_y, penalty=penalty, sample_weight=lazy_weight, n_alphas=8)
    np.testing.assert_allclose(lazy_alphas, alphas, rtol=1e-12)
    np.testing.assert_allclose(lazy_coefs, coefs, rtol=0, atol=1e-10 * np.max(np.abs(coefs)))
    if penalty != "ridge":
        # alpha_max zeroes every coefficient, and nothing below it does (glmnet's weighted lambda_max)
        assert np.all(coefs[:, 0] == 0.0) and np.any(map_path(X, y, penalty=penalty, alphas=[alphas[0] * 0.99],
                                                              sample_weight=weight)[1] != 0.0)  # fmt: skip
    for k in (1, 4, 7):
        if penalty == "ridge":
            ref = Ridge(alpha=alphas[k], tol=1e-12, solver="cholesky")
        else:
            ratio = 1.0 if penalty == "lasso" else 0.5
            ref = ElasticNet(alpha=alphas[k], l1_ratio=ratio, tol=1e-14, max_iter=100_000)
        ref.fit(X, y, sample_weight=weight)
        np.testing.assert_allclose(coefs[:, k], ref.coef_, rtol=0, atol=1e-8 * np.max(np.abs(ref.coef_)))
        assert path.intercepts[k] == pytest.approx(ref.intercept_, rel=1e-8, abs=0)
