"""The posterior plots draw the fitted numbers: interval ends, medians, MAPs, paths, labels and legends."""

import matplotlib

matplotlib.use("Agg")

import copy  # noqa: E402
import warnings  # noqa: E402
from unittest import mock  # noqa: E402

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from sklearn.linear_model import LinearRegression, lasso_path  # noqa: E402

import bayesreg as br  # noqa: E402
from bayesreg.analysis.posterior_path import bayesian_path  # noqa: E402
from bayesreg.analysis.posterior_vs_penalty import prior_mass_near_zero  # noqa: E402
from bayesreg.viz import (  # noqa: E402
    equal_variance_priors,
    plot_bayesian_path,
    plot_forest,
    plot_laplace_vs_gaussian_posterior,
    plot_prior_posterior,
)

SIGMA = 1.0
VARIANCE = 0.5
SEED = 5
NAMES = ["age", "bmi", "bp", "s1"]
NUTS = {"draws": 150, "tune": 150, "chains": 2, "nuts_sampler": "pymc", "progressbar": False}

pytestmark = pytest.mark.filterwarnings("ignore::bayesreg.inference.sampling.SamplingWarning")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 4)) * [1.0, 2.0, 0.5, 1.0], columns=NAMES)
    y = 3.0 + X.to_numpy() @ [1.5, 0.0, -2.0, 0.0] + rng.normal(size=60)
    return X, y


@pytest.fixture(scope="module")
def fits(data):
    """A Laplace and a Gaussian prior of equal variance, sampled with the same seed."""
    X, y = data
    laplace, normal = equal_variance_priors(VARIANCE)
    common = {"sigma": SIGMA, "method": "nuts", "random_seed": SEED, **NUTS}
    return {
        "laplace": br.BayesianRegression(laplace, **common).fit(X, y),
        "normal": br.BayesianRegression(normal, **common).fit(X, y),
    }


@pytest.fixture(scope="module")
def std_fits(data):
    """The same pair fitted with standardize=True: the prior acts on sd_j beta_j."""
    X, y = data
    laplace, normal = equal_variance_priors(VARIANCE)
    common = {"sigma": SIGMA, "method": "nuts", "random_seed": SEED, "standardize": True, **NUTS}
    return {
        "laplace": br.BayesianRegression(laplace, **common).fit(X, y),
        "normal": br.BayesianRegression(normal, **common).fit(X, y),
    }


@pytest.fixture(scope="module")
def laplace_path(data):
    X, y = data
    return bayesian_path(X, y, prior="laplace", sigma=SIGMA, n_points=3, random_seed=3, **NUTS)


@pytest.fixture(scope="module")
def normal_path(data):
    X, y = data
    return bayesian_path(X, y, prior="normal", sigma=SIGMA, n_points=7)


def _draws(fit) -> np.ndarray:
    return fit.idata_["posterior"]["beta"].values.reshape(-1, fit.n_features_in_)


def _legend_texts(ax) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


def _labelled_lines(ax) -> dict:
    return {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}


def _lines_labelled(ax, label: str) -> list:
    return [line for line in ax.get_lines() if line.get_label() == label]


# --------------------------------------------------------------------------- equal-variance priors


def test_equal_variance_priors():
    laplace, normal = equal_variance_priors(VARIANCE)
    assert laplace == br.Laplace(np.sqrt(VARIANCE / 2)) and normal == br.Normal(np.sqrt(VARIANCE))
    with pytest.raises(ValueError, match="variance"):
        equal_variance_priors(-1.0)


# --------------------------------------------------------------------------- forest


def test_forest_draws_intervals_medians_and_point_estimates(fits, data):
    X, y = data
    ols = LinearRegression().fit(X, y)
    lasso = fits["laplace"].prior.to_sklearn(sigma=SIGMA, n_samples=len(y)).fit(X, y)
    ridge = fits["normal"].prior.to_sklearn(sigma=SIGMA).fit(X, y)
    _, ax = plt.subplots()
    out = plot_forest(
        {"Laplace": fits["laplace"], "Normal": fits["normal"]},
        ols=ols,
        penalized={"Lasso": lasso, "Ridge": ridge},
        prob=0.9,
        ax=ax,
    )
    assert out is ax
    rows = np.array([3.0, 2.0, 1.0, 0.0])  # first feature on top
    assert [t.get_text() for t in ax.get_yticklabels()] == NAMES
    np.testing.assert_array_equal(ax.get_yticks(), rows)
    assert ax.get_xlabel() == "coefficient" and ax.get_ylabel() == "feature"
    assert "90%" in ax.get_title()
    assert _legend_texts(ax) == ["Laplace", "Normal", "OLS", "Lasso", "Ridge"]
    intervals = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(intervals) == 2
    lines = _labelled_lines(ax)
    for collection, key in zip(intervals, ("laplace", "normal"), strict=True):
        beta = _draws(fits[key])
        segments = np.array(collection.get_segments())  # (p, 2 ends, xy)
        np.testing.assert_allclose(segments[:, 0, 0], np.quantile(beta, 0.05, axis=0), rtol=1e-12)
        np.testing.assert_allclose(segments[:, 1, 0], np.quantile(beta, 0.95, axis=0), rtol=1e-12)
        label = key.capitalize()
        np.testing.assert_allclose(lines[label].get_xdata(), fits[key].coef_median_, rtol=1e-12)
        np.testing.assert_allclose(lines[label].get_ydata(), segments[:, 0, 1])  # marker on its interval
        assert lines[label].get_marker() == "o"
    # the two priors are offset within each row, on opposite sides of the row's centre
    offsets = np.array(intervals[0].get_segments())[:, 0, 1] - rows
    assert np.all(offsets > 0) and np.allclose(np.array(intervals[1].get_segments())[:, 0, 1] - rows, -offsets)
    for label, est, marker in (("OLS", ols, "x"), ("Lasso", lasso, "D"), ("Ridge", ridge, "s")):
        np.testing.assert_allclose(lines[label].get_xdata(), est.coef_, rtol=1e-12)
        np.testing.assert_array_equal(lines[label].get_ydata(), rows)
        assert lines[label].get_marker() == marker


def test_forest_from_datatree_and_mean(fits):
    ax = plot_forest({"Laplace": fits["laplace"].idata_}, point="mean", prob=0.5)
    assert isinstance(ax, Axes)
    assert [t.get_text() for t in ax.get_yticklabels()] == NAMES  # from the posterior's feature coordinate
    np.testing.assert_allclose(_labelled_lines(ax)["Laplace"].get_xdata(), fits["laplace"].coef_, rtol=1e-12)
    (segments,) = [np.array(c.get_segments()) for c in ax.collections if isinstance(c, LineCollection)]
    np.testing.assert_allclose(segments[:, 1, 0], np.quantile(_draws(fits["laplace"]), 0.75, axis=0), rtol=1e-12)
    assert "mean" in ax.get_title() and "50%" in ax.get_title()


def test_forest_refuses_bad_input(fits, data):
    X, y = data
    map_fit = br.BayesianRegression(br.Laplace(0.5), sigma=SIGMA).fit(X, y)
    with pytest.raises(ValueError, match="method='nuts'"):
        plot_forest({"MAP": map_fit})
    with pytest.raises(ValueError, match="ols"):
        plot_forest({"Laplace": fits["laplace"]}, ols=[1.0, 2.0])
    with pytest.raises(ValueError, match="prob"):
        plot_forest({"Laplace": fits["laplace"]}, prob=1.0)
    with pytest.raises(TypeError, match="prob"):
        plot_forest({"Laplace": fits["laplace"]}, prob="0.9")
    with pytest.raises(TypeError, match="fits"):
        plot_forest([fits["laplace"]])
    with pytest.raises(TypeError, match="ax"):
        plot_forest({"Laplace": fits["laplace"]}, ax="left")


def test_forest_warns_when_standardized_fits_meet_datatrees(fits, std_fits):
    """A standardize=True estimator is drawn on X's scale, its idata_ on the standardized one."""
    with pytest.warns(UserWarning, match="scales may differ") as record:
        plot_forest({"fit": std_fits["laplace"], "tree": fits["normal"].idata_})
    assert record[0].filename == __file__  # the caller's line, not bayesreg's
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        plot_forest({"Laplace": std_fits["laplace"], "Normal": std_fits["normal"]})  # all on X's scale
        plot_forest({"fit": fits["laplace"], "tree": fits["normal"].idata_})  # not standardized: one scale
        plot_forest({"tree": std_fits["laplace"].idata_})


# --------------------------------------------------------------------------- Bayesian path


def test_bayesian_path_plot_laplace(laplace_path):
    path = laplace_path
    axes = plot_bayesian_path(path)
    assert len(axes) == 2 and all(isinstance(a, Axes) for a in axes)
    left, right = axes
    # left: one median line and one MAP marker line per feature, two bands (50%, 90%) each
    medians = _labelled_lines(left)
    assert list(medians) == NAMES
    maps = _lines_labelled(left, "_map")
    assert len(maps) == 4
    for j, name in enumerate(NAMES):
        np.testing.assert_array_equal(medians[name].get_xdata(), path.scales)
        np.testing.assert_array_equal(medians[name].get_ydata(), path.median[:, j])
        np.testing.assert_array_equal(maps[j].get_ydata(), path.map_coef[:, j])
        assert maps[j].get_marker() == "o" and maps[j].get_linestyle() == "None"
    bands = left.collections
    assert len(bands) == 4 * 2
    # the first band of the first feature spans the 50% interval at every scale
    lower, upper = path.interval(0.5)
    vertices = bands[0].get_paths()[0].vertices
    assert np.isclose(vertices[:, 1].min(), lower[:, 0].min()) and np.isclose(vertices[:, 1].max(), upper[:, 0].max())
    assert left.get_xscale() == "log" and left.get_xlabel() == "Laplace prior scale b"
    assert _legend_texts(left) == [*NAMES, "MAP", "50% central interval", "90% central interval"]
    # secondary axis on top: the matching Lasso alpha
    (secondary,) = left.child_axes
    assert secondary.get_xlabel() == "Lasso alpha (sigma=1, n=60)"
    left.figure.canvas.draw()
    np.testing.assert_allclose(
        np.sort(secondary.get_xlim()), np.sort(path.alpha_of_scale(np.array(left.get_xlim()))), rtol=1e-9
    )
    # right: scikit-learn's lasso path at the same alphas, weak penalties to the right
    paths = _labelled_lines(right)
    assert list(paths) == NAMES
    for j, name in enumerate(NAMES):
        np.testing.assert_array_equal(paths[name].get_xdata(), path.alphas)
        np.testing.assert_array_equal(paths[name].get_ydata(), path.penalized[:, j])
    assert right.get_xscale() == "log" and right.xaxis_inverted()
    assert right.get_xlabel() == "Lasso alpha" and right.get_ylabel() == "coefficient"
    assert "lasso_path" in right.get_title()


def test_bayesian_path_plot_normal_on_given_axes_with_own_penalized_path(normal_path, data):
    X, y = data
    Xc, yc = X.to_numpy() - X.to_numpy().mean(axis=0), y - y.mean()
    alphas, coefs, _ = lasso_path(Xc, yc, alphas=[1.0, 0.1, 0.01])
    _, given = plt.subplots(1, 2)
    axes = plot_bayesian_path(normal_path, penalized_path=(alphas, coefs), features=["bp", 0], ax=list(given))
    assert axes[0] is given[0] and axes[1] is given[1]
    left, right = axes
    assert list(_labelled_lines(left)) == ["bp", "age"]
    assert len(left.collections) == 2 * 2
    assert left.get_xlabel() == "Normal prior scale τ"
    assert "exact" in left.get_title()
    assert left.child_axes[0].get_xlabel() == "Ridge alpha (sigma=1, n=60)"
    paths = _labelled_lines(right)
    np.testing.assert_array_equal(paths["bp"].get_ydata(), coefs[2])
    np.testing.assert_array_equal(paths["age"].get_xdata(), alphas)
    assert right.get_xlabel() == "Ridge alpha"


def test_bayesian_path_plot_refuses_bad_input(normal_path):
    with pytest.raises(TypeError, match="path"):
        plot_bayesian_path(normal_path.to_frame())
    with pytest.raises(TypeError, match="ax"):
        plot_bayesian_path(normal_path, ax=plt.subplots()[1])
    with pytest.raises(ValueError, match="features"):
        plot_bayesian_path(normal_path, features=["height"])
    with pytest.raises(ValueError, match="penalized_path"):
        plot_bayesian_path(normal_path, penalized_path=([1.0, 0.1], np.zeros((2, 2))))


# --------------------------------------------------------------------------- prior vs posterior


def test_prior_posterior_uses_arviz_with_the_models_prior(fits):
    fit = fits["laplace"]
    pc = plot_prior_posterior(fit, coefficients=["age", "bp"], random_seed=0)
    plots = pc.viz["plot"]["beta"]
    assert list(plots.coords["feature"].values) == ["age", "bp"]
    for name in ("age", "bp"):
        axis = plots.sel(feature=name).item()
        assert axis.get_xlabel() == f"coefficient of {name}" and axis.get_ylabel() == "density"
    legend = pc.viz["legend"]["group"].item()
    assert [t.get_text() for t in legend.get_texts()] == ["prior", "posterior"]
    # the plotted data: the fit's own posterior draws and prior draws from its PyMC model (Laplace(b))
    beta = _draws(fit)
    posterior = pc.data["beta"].sel(group="posterior", feature="age").values
    np.testing.assert_array_equal(np.sort(posterior), np.sort(beta[:, 0]))
    assert pc.data["beta"].sel(group="prior", feature="age").size == beta.shape[0]
    prior = pc.data["beta"].sel(group="prior").values.ravel()  # both coefficients: 600 prior draws
    assert np.std(prior) == pytest.approx(np.sqrt(2.0) * fit.prior.scale, rel=0.2, abs=0)
    assert np.median(np.abs(prior)) == pytest.approx(np.log(2.0) * fit.prior.scale, rel=0.2, abs=0)
    # one KDE line per group and coefficient; the posterior's peaks near the posterior median
    lines = pc.viz["dist"]["beta"]
    post_line = lines.sel(group="posterior", feature="bp").item()
    x, density = post_line.get_xdata(), post_line.get_ydata()
    assert x[np.argmax(density)] == pytest.approx(fit.coef_median_[2], abs=2 * beta[:, 2].std())
    prior_line = lines.sel(group="prior", feature="bp").item()
    assert np.ptp(prior_line.get_xdata()) > 3 * np.ptp(x)


def test_prior_posterior_labels_the_standardized_scale(std_fits):
    fit = std_fits["laplace"]
    pc = plot_prior_posterior(fit, coefficients=["bmi"], random_seed=0)
    axis = pc.viz["plot"]["beta"].sel(feature="bmi").item()
    assert axis.get_xlabel() == "coefficient of bmi (standardized)"
    # the posterior drawn is the model's (standardized) beta, not coef_'s original scale
    posterior = pc.data["beta"].sel(group="posterior", feature="bmi").values
    np.testing.assert_array_equal(np.sort(posterior), np.sort(_draws(fit)[:, 1]))


def test_prior_posterior_refuses_bad_input(fits, data):
    X, y = data
    with pytest.raises(ValueError, match="coefficients"):
        plot_prior_posterior(fits["laplace"], coefficients=["height"])
    with pytest.raises(ValueError, match="method='nuts'"):
        plot_prior_posterior(br.BayesianRegression(br.Laplace(0.5), sigma=SIGMA).fit(X, y))
    with pytest.raises(ValueError, match="kind"):
        plot_prior_posterior(fits["laplace"], kind="violin")


EVERY_PRIOR = [
    br.Normal(1.0),
    br.Laplace(1.0),
    br.ElasticNet(1.0, 0.5),
    br.BayesianLasso(),
    br.HierarchicalNormal(),
    br.Horseshoe(),
    br.RegularizedHorseshoe(n_nonzero=1),
    br.BayesianElasticNet(),
]
TINY = {
    "method": "nuts",
    "draws": 60,
    "tune": 60,
    "chains": 1,
    "nuts_sampler": "pymc",
    "progressbar": False,
    "target_accept": 0.8,
}


@pytest.fixture(
    scope="module",
    params=[(prior, sigma) for prior in EVERY_PRIOR for sigma in (SIGMA, None)],
    ids=lambda param: f"{type(param[0]).__name__}-sigma={param[1]}",
)
def every_fit(request, data):
    """A tiny NUTS fit of each prior, with sigma fixed and free (Jeffreys for BayesianLasso / BayesianElasticNet)."""
    X, y = data
    prior, sigma = request.param
    return br.BayesianRegression(prior, sigma=sigma, random_seed=SEED, **TINY).fit(X, y)


def test_prior_posterior_works_for_every_prior(every_fit):
    """The flat intercept and the Jeffreys log sigma cannot be prior-sampled: only what beta's prior needs is."""
    fit = every_fit
    pc = plot_prior_posterior(fit, coefficients=["age", "bp"], random_seed=1)
    prior = pc.data["beta"].sel(group="prior").values
    assert prior.size == 120 and np.all(np.isfinite(prior)) and np.unique(prior).size == prior.size
    np.testing.assert_array_equal(
        np.sort(pc.data["beta"].sel(group="posterior", feature="age").values), np.sort(_draws(fit)[:, 0])
    )
    (first, second) = [t.get_text() for t in pc.viz["legend"]["group"].item().get_texts()]
    assert second == "posterior"
    if fit.sigma is None and fit.prior.sigma_prior == "jeffreys":
        sigma = np.exp(np.median(fit.idata_["posterior"]["log_sigma"].values))
        assert first == f"prior | sigma = {sigma:.4g} (posterior median; its prior is improper)"
    else:
        assert first == "prior"


@pytest.fixture(scope="module")
def jeffreys_lasso(data):
    X, y = data
    settings = {**TINY, "draws": 200, "chains": 2}
    return br.BayesianRegression(br.BayesianLasso(lam=2.0), random_seed=SEED, **settings).fit(X, y)


def test_prior_posterior_conditions_an_improper_sigma_on_its_posterior_median(jeffreys_lasso):
    """beta | sigma ~ Laplace(0, sigma / lambda), sigma at its posterior median: median |beta| = log(2) sigma / lam."""
    fit = jeffreys_lasso
    pc = plot_prior_posterior(fit, random_seed=2)
    prior = pc.data["beta"].sel(group="prior").values.ravel()  # 400 draws x 4 coefficients
    sigma = np.exp(np.median(fit.idata_["posterior"]["log_sigma"].values))
    # the sample median of 1600 iid exponential draws has a relative sd of 1 / (40 log 2) = 3.6%: 4 sd
    assert np.median(np.abs(prior)) == pytest.approx(np.log(2.0) * sigma / 2.0, rel=0.15, abs=0)
    # the model the estimator keeps is untouched: sigma is still free there
    assert "log_sigma" in [rv.name for rv in fit.model_.free_RVs]


# --------------------------------------------------------------------------- Laplace vs Gaussian


def _expected_lvg(fits, X, y, j, eps):
    out = {}
    for key in ("laplace", "normal"):
        fit = fits[key]
        beta = _draws(fit)[:, j]
        map_fit = br.BayesianRegression(fit.prior, sigma=SIGMA).fit(X, y)
        out[key] = {"map": map_fit.coef_[j], "mean": fit.coef_[j], "mass": np.mean(np.abs(beta) <= eps)}
    return out


def test_laplace_vs_gaussian_marks_map_mean_and_mass_near_zero(fits, data):
    X, y = data
    j, eps = 1, 0.1 * np.sqrt(VARIANCE)
    _, given = plt.subplots()
    ax = plot_laplace_vs_gaussian_posterior(X, y, "bmi", fits=fits, ax=given)
    assert ax is given
    expected = _expected_lvg(fits, X, y, j, eps)
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    dotted = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    kdes = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    assert len(dashed) == 2 and len(dotted) == 2 and len(kdes) == 2
    for k, key in enumerate(("laplace", "normal")):
        np.testing.assert_allclose(dashed[k].get_xdata(), [expected[key]["map"]] * 2, rtol=1e-9)
        np.testing.assert_allclose(dotted[k].get_xdata(), [expected[key]["mean"]] * 2, rtol=1e-12)
        # the KDE integrates to about 1 over its grid
        x, density = kdes[k].get_xdata(), kdes[k].get_ydata()
        assert np.trapezoid(density, x) == pytest.approx(1.0, abs=0.05)
    # histograms (density) of both posteriors, and the near-zero band from -eps to eps
    assert len(ax.patches) >= 3
    band = ax.patches[0]
    xs = band.get_path().transformed(band.get_patch_transform()).vertices[:, 0]
    assert xs.min() == pytest.approx(-eps) and xs.max() == pytest.approx(eps)
    texts = _legend_texts(ax)
    assert texts[0] == f"|β| ≤ ε = {eps:.3g}"
    assert texts[1].startswith("Laplace(b=0.5): posterior") and f"= {expected['laplace']['mass']:.3f}" in texts[1]
    assert texts[4].startswith("Normal(τ=0.707): posterior") and f"= {expected['normal']['mass']:.3f}" in texts[4]
    assert f"MAP = {expected['laplace']['map']:.4g}" in texts[2]
    assert f"posterior mean = {expected['normal']['mean']:.4g}" in texts[6]
    assert ax.get_xlabel() == "coefficient of bmi" and ax.get_ylabel() == "posterior density"
    assert "variance 0.5" in ax.get_title()


def test_laplace_vs_gaussian_with_standardize_uses_the_fits_column_scale(std_fits, data):
    """eps and the prior mass live on sd_j beta_j; the draws, MAP and mean on X's scale."""
    X, y = data
    j = 1  # bmi, column sd about 2
    laplace_fit = std_fits["laplace"]
    scale = laplace_fit._standardization.scale[j]
    assert scale == pytest.approx(X["bmi"].std(ddof=0), rel=1e-12, abs=0) and abs(scale - 1.0) > 0.5
    eps = 0.1 * np.sqrt(VARIANCE) / scale
    ax = plot_laplace_vs_gaussian_posterior(X, y, "bmi", fits=std_fits)
    band = ax.patches[0]
    xs = band.get_path().transformed(band.get_patch_transform()).vertices[:, 0]
    assert xs.min() == pytest.approx(-eps) and xs.max() == pytest.approx(eps)
    texts = _legend_texts(ax)
    assert texts[0] == f"|β| ≤ ε = {eps:.3g}"
    for key, text in (("laplace", texts[1]), ("normal", texts[4])):
        fit = std_fits[key]
        beta = _draws(fit)[:, j] / scale  # original scale
        mass = np.mean(np.abs(beta) <= eps)
        prior_mass = prior_mass_near_zero(fit.prior, 0.1 * np.sqrt(VARIANCE))
        assert f"P(|β| ≤ ε) = {mass:.3f} (prior {prior_mass:.3f})" in text
    map_fit = br.BayesianRegression(laplace_fit.prior, sigma=SIGMA, standardize=True).fit(X, y)
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    dotted = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    np.testing.assert_allclose(dashed[0].get_xdata(), [map_fit.coef_[j]] * 2, rtol=1e-9)
    np.testing.assert_allclose(dotted[0].get_xdata(), [laplace_fit.coef_[j]] * 2, rtol=1e-12)


def test_laplace_vs_gaussian_fits_the_pair_itself(fits, data):
    """From the variance, the pair fitted inside equals the fixture's (same seed): same legend."""
    X, y = data
    ax = plot_laplace_vs_gaussian_posterior(X, y, 1, variance=VARIANCE, sigma=SIGMA, random_seed=SEED, **NUTS)
    reference = plot_laplace_vs_gaussian_posterior(X, y, "bmi", fits=fits)
    assert _legend_texts(ax) == _legend_texts(reference)


def test_laplace_vs_gaussian_refuses_bad_input(fits, data):
    X, y = data
    with mock.patch.object(br.BayesianRegression, "fit", side_effect=AssertionError("sampled")):
        with pytest.raises(ValueError, match="feature"):
            plot_laplace_vs_gaussian_posterior(X, y, "height", variance=VARIANCE, sigma=SIGMA)
        with pytest.raises(ValueError, match="variance"):
            plot_laplace_vs_gaussian_posterior(X, y, "bmi", variance=-1.0, sigma=SIGMA)
        with pytest.raises(ValueError, match="eps"):
            plot_laplace_vs_gaussian_posterior(X, y, "bmi", variance=VARIANCE, sigma=SIGMA, eps=0.0)
        with pytest.raises(TypeError, match="variance"):
            plot_laplace_vs_gaussian_posterior(X, y, "bmi")
        with pytest.raises(TypeError, match="bins"):
            plot_laplace_vs_gaussian_posterior(X, y, "bmi", variance=VARIANCE, sigma=SIGMA, bins=10.0)
        with pytest.raises(ValueError, match="bins"):
            plot_laplace_vs_gaussian_posterior(X, y, "bmi", variance=VARIANCE, sigma=SIGMA, bins=0)
        with pytest.raises(ValueError, match="X must be a 2-D"):
            plot_laplace_vs_gaussian_posterior(X["bmi"], y, 0, variance=VARIANCE, sigma=SIGMA)
        with pytest.raises(ValueError, match="same number of samples"):
            plot_laplace_vs_gaussian_posterior(X, y[:-1], "bmi", variance=VARIANCE, sigma=SIGMA)
    unfitted = {"laplace": fits["laplace"], "normal": br.BayesianRegression(br.Normal(1.0))}
    with pytest.raises(ValueError, match="method='nuts'"):
        plot_laplace_vs_gaussian_posterior(X, y, "bmi", fits=unfitted)
    swapped = {"laplace": fits["normal"], "normal": fits["laplace"]}
    with pytest.raises(TypeError, match="Laplace prior"):
        plot_laplace_vs_gaussian_posterior(X, y, "bmi", fits=swapped)
    with pytest.raises(TypeError, match="fits"):
        plot_laplace_vs_gaussian_posterior(X, y, "bmi", fits={"laplace": fits["laplace"]})
    with pytest.raises(TypeError, match="with fits"):
        plot_laplace_vs_gaussian_posterior(X, y, "bmi", fits=fits, variance=VARIANCE)


def test_laplace_vs_gaussian_names_features_as_the_estimator_does(data):
    """Non-string column names give no feature_names_in_: the model calls the features x0, x1, ..."""
    X, y = data
    unnamed = pd.DataFrame(X.to_numpy())  # columns 0..3
    with mock.patch.object(br.BayesianRegression, "fit", side_effect=AssertionError("sampled")) as fit:
        with pytest.raises(ValueError, match="feature: unknown feature '0'; known: \\['x0'"):
            plot_laplace_vs_gaussian_posterior(unnamed, y, "0", variance=VARIANCE, sigma=SIGMA)
        fit.assert_not_called()
        for feature in ("x1", 1):  # accepted: sampling starts
            with pytest.raises(AssertionError, match="sampled"):
                plot_laplace_vs_gaussian_posterior(unnamed, y, feature, variance=VARIANCE, sigma=SIGMA)


def test_laplace_vs_gaussian_checks_the_data_against_the_fits(fits, data):
    X, y = data
    with mock.patch.object(br.BayesianRegression, "fit", side_effect=AssertionError("refitted")):
        with pytest.raises(ValueError, match="X has 3 features, but fits were fitted on 4"):
            plot_laplace_vs_gaussian_posterior(X.iloc[:, :3], y, "bmi", fits=fits)
        with pytest.raises(ValueError, match="X has features"):
            plot_laplace_vs_gaussian_posterior(X.set_axis(["a", "b", "c", "d"], axis=1), y, 1, fits=fits)
        with pytest.raises(ValueError, match="X has features"):
            plot_laplace_vs_gaussian_posterior(X.to_numpy(), y, "bmi", fits=fits)
        with pytest.raises(ValueError, match="same number of samples"):
            plot_laplace_vs_gaussian_posterior(X, y[:-1], "bmi", fits=fits)
        with pytest.raises(ValueError, match="X must be a 2-D"):
            plot_laplace_vs_gaussian_posterior(X["bmi"], y, 0, fits=fits)


@pytest.mark.parametrize(
    ("param", "value"), [("standardize", True), ("fit_intercept", False), ("sigma", 2.0), ("sigma", None)]
)
def test_laplace_vs_gaussian_refuses_fits_of_different_models(fits, data, param, value):
    X, y = data
    other = copy.copy(fits["normal"]).set_params(**{param: value})  # fitted, but another model
    with pytest.raises(ValueError, match=f"fits: the two estimators must share {param}"):
        plot_laplace_vs_gaussian_posterior(X, y, "bmi", fits={"laplace": fits["laplace"], "normal": other})


def test_unequal_prior_variances_are_refused(fits, data):
    X, y = data
    other = copy.copy(fits["normal"]).set_params(prior=br.Normal(2.0))  # fitted, but another prior variance
    with pytest.raises(ValueError, match="equal variance"):
        plot_laplace_vs_gaussian_posterior(X, y, "bmi", fits={"laplace": fits["laplace"], "normal": other})


# --------------------------------------------------------------------------- global state


def test_no_global_matplotlib_state_changes(fits, normal_path, data):
    X, y = data
    before = {key: value for key, value in mpl.rcParams.items() if key != "backend"}
    n_figures = len(plt.get_fignums())
    plot_forest({"Laplace": fits["laplace"]})
    plot_bayesian_path(normal_path)
    plot_prior_posterior(fits["normal"], coefficients=[0])
    plot_laplace_vs_gaussian_posterior(X, y, "bp", fits=fits)
    after = {key: value for key, value in mpl.rcParams.items() if key != "backend"}
    changed = {key for key in before if before[key] != after[key]}
    assert not changed
    assert len(plt.get_fignums()) == n_figures + 4  # each created exactly one figure and showed nothing
