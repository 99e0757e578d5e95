"""The selection-path plot draws the path's numbers: each step's mean and interval, the full model's band, the
selected size and the names of the entering features."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import bayesreg as br  # noqa: E402
from bayesreg.analysis.selection import decoupled_selection  # noqa: E402
from bayesreg.viz.selection import plot_selection_path  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::bayesreg.inference.sampling.SamplingWarning")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(11)
    X = pd.DataFrame(rng.normal(size=(60, 6)), columns=["age", "bmi", "bp", "s1", "s2", "s3"])
    y = X.to_numpy() @ [2.0, 0.0, -1.5, 0.0, 0.0, 1.0] + rng.normal(size=60)
    est = br.BayesianRegression(
        br.Horseshoe(), method="sample", draws=300, tune=300, chains=2, random_seed=0, progressbar=False
    ).fit(X, y)
    return decoupled_selection(est, X)


def test_plot_draws_the_path(result):
    ax = plot_selection_path(result)
    assert isinstance(ax, Axes)
    line = ax.containers[0].lines[0]  # the errorbar's data line
    np.testing.assert_array_equal(line.get_xdata(), result.n_nonzero)
    np.testing.assert_allclose(line.get_ydata(), result.rho2["mean"], rtol=0, atol=0)
    # the error bars span each step's interval
    bars = ax.containers[0]
    segments = bars.lines[2][0].get_segments()
    np.testing.assert_allclose([s[0][1] for s in segments], result.rho2["lower"], rtol=1e-12, atol=0)
    np.testing.assert_allclose([s[1][1] for s in segments], result.rho2["upper"], rtol=1e-12, atol=0)
    # the full model's band and mean, the threshold, the selected size
    band = ax.patches[0]
    assert (band.get_y(), band.get_y() + band.get_height()) == (
        pytest.approx(result.rho2_full["lower"], rel=1e-12, abs=0),
        pytest.approx(result.rho2_full["upper"], rel=1e-12, abs=0),
    )
    hlines = {
        line.get_label(): line.get_ydata()[0] for line in ax.get_lines() if line.get_label().startswith(("full", "thr"))
    }
    assert hlines["full model, mean"] == pytest.approx(result.rho2_full["mean"], rel=1e-12, abs=0)
    assert hlines["threshold ('interval' rule)"] == pytest.approx(result.threshold, rel=1e-12, abs=0)
    selected = next(line for line in ax.get_lines() if line.get_label() == "selected")
    k = result.selected
    assert selected.get_xdata()[0] == result.n_nonzero[k]
    assert selected.get_ydata()[0] == pytest.approx(result.rho2["mean"].iloc[k], rel=1e-12, abs=0)
    assert result.selected_features == ["age", "bp", "s3"]
    assert f"{result.n_nonzero[k]} of 6 selected" in ax.get_title()
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["+" + ", ".join(names) for names in result.entered[: k + 1] if names]
    assert {"+age", "+bp", "+s3"} <= set(texts)
    labels = ax.get_legend_handles_labels()[1]
    assert "full model, 90%" in labels and "selected" in labels
    assert ax.get_xlabel() == "number of non-zero coefficients"


def test_plot_uses_the_given_axes_and_label_budget(result):
    fig, given = plt.subplots()
    ax = plot_selection_path(result, ax=given, max_labels=0)
    assert ax is given and len(ax.texts) == 0
    assert len(plot_selection_path(result, max_labels=1).texts) == 0  # step 0 is empty: nothing entered
    with pytest.raises(TypeError, match="result must be a SelectionPath"):
        plot_selection_path(result.table)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot_selection_path(result, ax="left")
    with pytest.raises(ValueError, match="max_labels"):
        plot_selection_path(result, max_labels=-1)
