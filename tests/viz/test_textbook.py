"""The textbook figures draw what the views compute: curves, markers at the exact minimizers, labels."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402

from bayesreg.viz import plot_penalty_1d, plot_penalty_2d, plot_prior_densities  # noqa: E402
from bayesreg.viz.illustrations import one_dimensional_view, prior_densities, two_dimensional_view  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labelled_lines(ax) -> dict:
    return {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}


def _legend_texts(ax) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


def _render(ax) -> None:
    ax.figure.canvas.draw()  # mathtext errors surface only when drawn


# ---------------------------------------------------------------------------------------------
# one coefficient

CURVES_1D = [
    r"loss $L(w) = \frac{1}{2n}\|y - wx\|^2$",
    r"L1 penalty $\lambda|w|$",
    r"L2 penalty $\frac{\lambda}{2}w^2$",
    r"$L(w) + \lambda|w|$",
    r"$L(w) + \frac{\lambda}{2}w^2$",
]


def test_plot_penalty_1d_draws_curves_slopes_and_markers_at_the_minimizers():
    view = one_dimensional_view()
    ax = plot_penalty_1d(view)
    _render(ax)
    assert isinstance(ax, Axes)
    lines = _labelled_lines(ax)
    slopes = [r"slope $d_0 - \lambda = -1.24$ at 0", r"slope $d_0 + \lambda = 0.256$ at 0"]
    markers = ["L1 minimum $w = 0$", "L2 minimum $w = 0.282$", "least squares $w = 0.494$"]
    assert list(lines) == CURVES_1D + slopes + markers
    assert _legend_texts(ax) == CURVES_1D + slopes + markers
    for label, values in zip(
        CURVES_1D, [view.loss, view.l1_penalty, view.l2_penalty, view.l1_objective, view.l2_objective], strict=True
    ):
        np.testing.assert_array_equal(lines[label].get_xdata(), view.grid)
        np.testing.assert_array_equal(lines[label].get_ydata(), values)

    l1_marker = lines["L1 minimum $w = 0$"].get_xydata()
    assert l1_marker.shape == (1, 2) and l1_marker[0, 0] == 0.0 == view.w_l1
    assert l1_marker[0, 1] == pytest.approx(float(view.loss_at(0.0)), rel=1e-15, abs=0)
    l2_marker = lines["L2 minimum $w = 0.282$"].get_xydata()[0]
    assert l2_marker[0] == view.w_l2
    assert l2_marker[1] == pytest.approx(np.interp(view.w_l2, view.grid, view.l2_objective), abs=1e-5)
    assert lines["least squares $w = 0.494$"].get_xydata()[0, 0] == view.w_ls
    for label in markers:
        assert lines[label].get_linestyle() == "None" and lines[label].get_marker() != "None"

    for label, slope in zip(slopes, [view.slope_left, view.slope_right], strict=True):
        (x0, y0), (x1, y1) = lines[label].get_xydata()
        assert x0 == 0.0 and y0 == pytest.approx(float(view.loss_at(0.0)), rel=1e-15, abs=0)
        assert (y1 - y0) / (x1 - x0) == pytest.approx(slope, rel=1e-12, abs=0)
    left, right = (lines[label].get_xdata()[1] for label in slopes)
    assert left < 0.0 < right

    assert ax.get_xlabel() == "coefficient $w$"
    assert ax.get_ylabel() == "objective value"
    assert ax.get_title() == r"L1 and L2 penalties with the same $\lambda = 0.75$"


def test_plot_penalty_1d_uses_the_given_axes_and_forwards_keywords():
    fig, ax = plt.subplots()
    returned = plot_penalty_1d(ax=ax, lam=0.2, show_slopes=False)
    _render(returned)
    assert returned is ax and plt.get_fignums() == [fig.number]
    view = one_dimensional_view(lam=0.2)
    lines = _labelled_lines(ax)
    assert len(lines) == 5 + 3
    (l1_marker,) = (line for label, line in lines.items() if label.startswith("L1 minimum"))
    assert l1_marker.get_xdata()[0] == view.w_l1 > 0.0


def test_plot_penalty_1d_rejects_bad_input():
    with pytest.raises(TypeError, match="view"):
        plot_penalty_1d(two_dimensional_view())
    with pytest.raises(TypeError, match="view or keyword"):
        plot_penalty_1d(one_dimensional_view(), lam=0.3)
    with pytest.raises(TypeError, match="ax"):
        plot_penalty_1d(ax="axes")
    with pytest.raises(TypeError, match="show_slopes"):
        plot_penalty_1d(show_slopes="yes")
    with pytest.raises(ValueError, match="lam"):
        plot_penalty_1d(lam=-1.0)
    assert plt.get_fignums() == []  # nothing drawn before the checks


# ---------------------------------------------------------------------------------------------
# two coefficients


def test_plot_penalty_2d_draws_contours_balls_and_touching_points():
    view = two_dimensional_view()
    ax = plot_penalty_2d(view)
    _render(ax)
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contours) == len(ax.collections) == 3
    assert list(contours[1].levels) == [float(view.loss_at(view.w_l1))]
    assert list(contours[2].levels) == [float(view.loss_at(view.w_l2))]
    assert contours[0].levels.min() > float(view.loss_at(view.w_ls))

    lines = _labelled_lines(ax)
    markers = ["L1 solution $(0.75, 0)$", "L2 solution $(0.646, 0.381)$", "least squares $(1.58, 0.501)$"]
    balls = [r"L1 ball $|w_1| + |w_2| = t$", r"L2 ball $w_1^2 + w_2^2 = t^2$"]
    assert list(lines) == balls + markers
    assert _legend_texts(ax) == balls + markers
    t = view.radius
    np.testing.assert_array_equal(lines[balls[0]].get_xydata(), [[t, 0], [0, t], [-t, 0], [0, -t], [t, 0]])
    np.testing.assert_allclose(np.linalg.norm(lines[balls[1]].get_xydata(), axis=1), t, rtol=1e-14)
    for label, point in zip(markers, [view.w_l1, view.w_l2, view.w_ls], strict=True):
        np.testing.assert_array_equal(lines[label].get_xydata(), [point])
    assert lines[markers[0]].get_xydata()[0, 1] == 0.0

    assert ax.get_aspect() == 1.0
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$w_1$", "$w_2$")
    assert ax.get_title() == "Loss contours and balls of radius $t = 0.75$"


def test_plot_penalty_2d_forwards_keywords_and_handles_an_edge_solution():
    fig, ax = plt.subplots()
    assert plot_penalty_2d(ax=ax, radius=1.5) is ax
    _render(ax)
    view = two_dimensional_view(radius=1.5)
    (l1_marker,) = (line for line in ax.get_lines() if line.get_label().startswith("L1 solution"))
    np.testing.assert_array_equal(l1_marker.get_xydata(), [view.w_l1])

    ax = plot_penalty_2d(radius=10.0)  # the least-squares estimate is inside both balls
    _render(ax)
    assert len(ax.collections) == 1


def test_plot_penalty_2d_draws_only_the_contours_that_touch_a_ball():
    view = two_dimensional_view(radius=1.7)  # w_ls is inside the circle but outside the diamond
    assert view.lam_l2 == 0 and view.lam_l1 > 0
    ax = plot_penalty_2d(view)
    _render(ax)
    background, touching = ax.collections  # no contour for the L2 solution (it is w_ls itself)
    assert touching.levels.tolist() == [pytest.approx(float(view.loss_at(view.w_l1)))]
    assert all(len(path.vertices) for path in touching.get_paths())


def test_plot_penalty_2d_rejects_bad_input():
    with pytest.raises(TypeError, match="view"):
        plot_penalty_2d(one_dimensional_view())
    with pytest.raises(ValueError, match="radius"):
        plot_penalty_2d(radius=0.0)
    with pytest.raises(TypeError, match="ax"):
        plot_penalty_2d(ax=np.zeros(2))


# ---------------------------------------------------------------------------------------------
# prior densities


def test_plot_prior_densities_draws_both_panels_by_default():
    densities = prior_densities(variance=2.0)
    axes = plot_prior_densities(variance=2.0)
    _render(axes[0])
    assert isinstance(axes, np.ndarray) and axes.shape == (2,)
    density_ax, neg_log_ax = axes
    assert density_ax.figure is neg_log_ax.figure
    assert _legend_texts(density_ax) == ["Laplace$(0, b = 1)$", "Normal$(0, 1.41)$"]
    assert _legend_texts(neg_log_ax) == [
        "Laplace$(0, b = 1)$: $|w|/b$ + const",
        "Normal$(0, 1.41)$: $w^2/(2v)$ + const",
    ]
    laplace, normal = density_ax.get_lines()
    np.testing.assert_array_equal(laplace.get_ydata(), densities.laplace_density)
    np.testing.assert_array_equal(normal.get_ydata(), densities.normal_density)
    laplace, normal = neg_log_ax.get_lines()
    np.testing.assert_array_equal(laplace.get_ydata(), densities.laplace_neg_log_density)
    np.testing.assert_array_equal(normal.get_ydata(), densities.normal_neg_log_density)
    assert density_ax.get_ylabel() == "prior density $p(w)$"
    assert neg_log_ax.get_ylabel() == r"$-\log p(w)$ (penalty + constant)"
    assert density_ax.get_xlabel() == neg_log_ax.get_xlabel() == "coefficient $w$"
    assert density_ax.get_title() == "Equal variance $2$: Laplace (L1) vs Gaussian (L2)"


def test_plot_prior_densities_on_given_axes():
    fig, ax = plt.subplots()
    assert plot_prior_densities(ax=ax) is ax
    _render(ax)
    assert len(ax.get_lines()) == 2 and plt.get_fignums() == [fig.number]
    fig, pair = plt.subplots(1, 2)
    returned = plot_prior_densities(ax=list(pair))
    assert list(returned) == list(pair)
    assert [len(a.get_lines()) for a in pair] == [2, 2]


def test_plot_prior_densities_rejects_bad_input():
    with pytest.raises(ValueError, match="variance"):
        plot_prior_densities(variance=-1.0)
    with pytest.raises(TypeError, match="ax"):
        plot_prior_densities(ax=[1, 2, 3])


def test_no_global_matplotlib_state_changes():
    before = dict(matplotlib.rcParams)
    plot_penalty_1d()
    plot_penalty_2d()
    plot_prior_densities()
    assert dict(matplotlib.rcParams) == before
    assert len(plt.get_fignums()) == 3
