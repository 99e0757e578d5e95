import numpy as np
import pandas as pd
import pytest
from scipy import stats

import bayesreg as br
from bayesreg.analysis.posterior_vs_penalty import posterior_vs_penalty, prior_mass_near_zero, prior_std

pytestmark = pytest.mark.filterwarnings("ignore::bayesreg.inference.sampling.SamplingWarning")


@pytest.mark.parametrize(
    ("prior", "eps", "expected"),
    [
        (br.Normal(2.0), 0.5, stats.norm.cdf(0.25) - stats.norm.cdf(-0.25)),
        (br.Laplace(2.0), 0.5, 1 - np.exp(-0.25)),
    ],
)
def test_prior_mass_near_zero(prior, eps, expected):
    assert prior_mass_near_zero(prior, eps) == pytest.approx(expected, rel=1e-10, abs=0)


def test_prior_std():
    assert prior_std(br.Laplace(2.0)) == pytest.approx(2.0 * np.sqrt(2.0), rel=1e-10, abs=0)
    enet = br.ElasticNet(1.0, 2.0)
    assert prior_std(enet) < prior_std(br.Normal(0.5))  # the L1 term shrinks the Normal(0.5) of l2 = 2


@pytest.mark.parametrize("scale", [1.2e-7, 1e-300, 1e300])
def test_prior_std_and_mass_are_exact_at_small_and_large_scales(scale):
    # by quadrature prior_std(Laplace(1.2e-7)) was 0.0; the closed forms hold at every scale
    assert prior_std(br.Laplace(scale)) == pytest.approx(np.sqrt(2.0) * scale, rel=1e-15, abs=0)
    assert prior_mass_near_zero(br.Laplace(scale), 0.1 * scale) == pytest.approx(-np.expm1(-0.1), rel=1e-14, abs=0)


@pytest.mark.parametrize("prior", [br.Normal(0.3), br.Laplace(2.5), br.ElasticNet(0.7, 11.0)], ids=repr)
def test_prior_std_and_mass_are_the_prior_methods(prior):
    assert prior_std(prior) == prior.std()
    assert prior_mass_near_zero(prior, 0.2) == prior.mass_near_zero(0.2)


def test_prior_std_and_mass_reject_non_penalty_priors():
    with pytest.raises(TypeError, match="prior"):
        prior_std(br.BayesianLasso())
    with pytest.raises(TypeError, match="prior"):
        prior_mass_near_zero("Laplace", 0.1)


def test_table_lines_up_penalized_map_and_posterior():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(80, 5)), columns=list("abcde"))
    y = X.to_numpy() @ [2.0, 0.0, 0.0, -1.0, 0.0] + rng.normal(size=80)
    prior = br.Laplace(0.05)
    result = posterior_vs_penalty(
        X, y, prior, sigma=1.0, draws=300, tune=300, chains=2, random_seed=2, nuts_sampler="pymc"
    )
    table = result.table
    assert list(table.index) == list("abcde")
    assert list(table.columns) == [
        "penalized", "map", "mean", "median", "lower", "upper", "sd", "p_near_zero", "prior_p_near_zero"
    ]  # fmt: skip
    assert result.max_abs_map_vs_penalized < 1e-8
    zeros = table["map"] == 0.0
    assert zeros.sum() >= 2 and (table["penalized"][zeros] == 0.0).all()
    # the posterior mean is not sparse, and the MAP's zeros sit inside the intervals
    assert (table["mean"] != 0.0).all()
    assert ((table["lower"] < 0) & (table["upper"] > 0))[zeros].all()
    assert (table["lower"] <= table["median"]).all() and (table["median"] <= table["upper"]).all()
    # the strong coefficients have no mass near zero; the prior has the same mass everywhere
    assert table.loc["a", "p_near_zero"] == 0.0
    assert table["p_near_zero"][zeros].min() > table.loc["a", "p_near_zero"]
    assert table["prior_p_near_zero"].nunique() == 1
    assert result.eps == pytest.approx(0.1 * np.sqrt(2) * 0.05)
    text = str(result)
    assert "Laplace prior" in text and "near zero means |beta| <=" in text and "Lasso" in text


def test_rejects_hierarchical_prior_and_bad_prob():
    from bayesreg.priors.shrinkage import Horseshoe

    X, y = np.ones((5, 2)), np.arange(5.0)
    with pytest.raises(TypeError, match="penalty prior"):
        posterior_vs_penalty(X, y, Horseshoe())
    with pytest.raises(ValueError, match="prob must be"):
        posterior_vs_penalty(X, y, br.Laplace(1.0), prob=1.5)
    with pytest.raises(ValueError, match="near_zero must be"):
        posterior_vs_penalty(X, y, br.Laplace(1.0), near_zero=-1.0)


def test_a_far_sigma_is_warned_about_once(diabetes_std):
    X, y = diabetes_std
    with pytest.warns(UserWarning, match="than the residual sd") as record:
        br.posterior_vs_penalty(X, y, br.Laplace(5.0), sigma=540.0, draws=30, tune=30, chains=2, random_seed=1)
    assert sum("than the residual sd" in str(w.message) for w in record) == 1
