"""SufficientStats: one pass, block by block, merged exactly; against the centred products of numpy on data whose
means are far from 0."""

import numpy as np
import pytest

from bayesreg.data import statistics
from bayesreg.data.statistics import SufficientStats


def _shifted(n=103, p=4, seed=0):
    """Columns with means of 1e6 (and y of -1e6): X'X - n m m' would lose 12 of float64's 16 digits."""
    rng = np.random.default_rng(seed)
    X = 1e6 + rng.normal(size=(n, p)) * np.array([1.0, 1e-3, 10.0, 1.0])
    y = -1e6 + X[:, 0] - 1e6 + rng.normal(size=n)
    return X, y, rng.uniform(0.0, 2.0, n)


def _reference(X, y, w, fit_intercept):
    """The products of the centred (or raw) weighted data, by numpy on a centred copy: the two-pass computation."""
    m = (w @ X) / w.sum() if fit_intercept else np.zeros(X.shape[1])
    a = (w @ y) / w.sum() if fit_intercept else 0.0
    Xc, yc = X - m, y - a
    return Xc.T @ (w[:, None] * Xc), Xc.T @ (w * yc), float(yc @ (w * yc)), m, a


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_block_by_block_statistics_equal_the_products_of_the_centred_data(monkeypatch, weighted, fit_intercept):
    """Blocks of 7 rows (103 rows: a last, shorter block), merged: relative errors at round-off (1e-12) even though
    the means are 1e6 and a column's spread is 1e-3."""
    monkeypatch.setattr(statistics, "ROWS_PER_BLOCK", 7)
    X, y, w = _shifted()
    w = w if weighted else np.ones(len(y))
    stats = SufficientStats.from_arrays(X, y, sample_weight=w if weighted else None)
    XtX, Xty, yty = stats.about(fit_intercept)
    ref_XtX, ref_Xty, ref_yty, m, a = _reference(X, y, w, fit_intercept)
    np.testing.assert_allclose(XtX, ref_XtX, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(XtX, XtX.T)
    np.testing.assert_allclose(Xty, ref_Xty, rtol=1e-12, atol=0)
    assert yty == pytest.approx(ref_yty, rel=1e-12, abs=0)
    if fit_intercept:
        np.testing.assert_allclose(stats.x_mean, m, rtol=1e-15, atol=0)
        assert stats.y_mean == pytest.approx(a, rel=1e-15, abs=0)
    assert stats.sum_w == pytest.approx(w.sum(), rel=1e-15, abs=0)
    assert stats.n_rows == 103


def test_merging_is_exact_in_any_order_and_rows_of_zero_weight_count_for_nothing():
    X, y, w = _shifted(n=60)
    w[::5] = 0.0
    whole = SufficientStats.from_arrays(X, y, w)
    shift = SufficientStats.shift_of(X, y, w)
    blocks = (slice(0, 13), slice(13, 14), slice(14, 60))
    parts = [SufficientStats.from_arrays(X[s], y[s], w[s], shift=shift) for s in blocks]
    for order in ((0, 1, 2), (2, 0, 1), (1, 2, 0)):
        merged = SufficientStats.empty(shift)
        for k in order:
            merged = merged.merge(parts[k])
        np.testing.assert_allclose(merged.XtX, whole.XtX, rtol=1e-12, atol=0)
        np.testing.assert_allclose(merged.Xty, whole.Xty, rtol=1e-12, atol=0)
        assert merged.yty == pytest.approx(whole.yty, rel=1e-12, abs=0)
        np.testing.assert_allclose(merged.x_mean, whole.x_mean, rtol=1e-15, atol=0)
    kept = w > 0
    dropped = SufficientStats.from_arrays(X[kept], y[kept], w[kept], shift=shift)
    assert whole.n_rows == dropped.n_rows == int(kept.sum())
    np.testing.assert_allclose(whole.XtX, dropped.XtX, rtol=1e-12, atol=0)
    # a block with no weight at all is the identity of the merge
    nothing = SufficientStats.from_arrays(X[:3], y[:3], np.zeros(3), shift=shift)
    assert nothing.sum_w == 0.0 and whole.merge(nothing) is whole and nothing.merge(whole) is whole
    with pytest.raises(ValueError, match="different shifts cannot be merged"):
        whole.merge(SufficientStats.from_arrays(X[2:], y[2:]))


def test_integer_weights_equal_repeated_rows():
    X, y, _ = _shifted(n=20)
    counts = np.arange(20) % 3
    weighted = SufficientStats.from_arrays(X, y, counts.astype(float))
    repeated = SufficientStats.from_arrays(
        np.repeat(X, counts, axis=0), np.repeat(y, counts), shift=SufficientStats.shift_of(X, y, counts)
    )
    np.testing.assert_allclose(weighted.XtX, repeated.XtX, rtol=1e-11, atol=0)
    np.testing.assert_allclose(weighted.Xty, repeated.Xty, rtol=1e-11, atol=0)
    assert weighted.sum_w == repeated.sum_w == repeated.n_rows


def test_blocks_fit_in_the_cache_budget():
    assert statistics.rows_per_block(100) == 4096 and statistics.rows_per_block(50) == 8192
    assert statistics.rows_per_block(100_000) == 256  # at least 256 rows
    assert statistics.rows_per_block(100) * 100 * 8 <= statistics.BLOCK_BYTES


@pytest.mark.parametrize("weighted", [False, True])
def test_summary_rows_have_the_statistics_they_summarize(weighted):
    rng = np.random.default_rng(4)
    n, p = 3000, 5
    X = 1e4 + rng.normal(size=(n, p)) * np.array([1e-2, 1.0, 10.0, 1.0, 1.0])
    X[:, 3] = 2.0 * X[:, 1] - X[:, 2]  # a singular product matrix: the eigendecomposition takes it
    y = X @ rng.normal(size=p) + rng.normal(size=n)
    weight = rng.uniform(0.0, 3.0, n) if weighted else None
    stats = SufficientStats.from_arrays(X, y, weight)
    rows = stats.summary_rows()
    assert rows.X.shape == (p + 2, p) and rows.y.shape == (p + 2,) and rows.statistics is stats
    np.testing.assert_array_equal(rows.sample_weight, np.full(p + 2, stats.sum_w / (p + 2)))
    again = SufficientStats.from_arrays(rows.X, rows.y, rows.sample_weight)
    assert again.sum_w == pytest.approx(stats.sum_w, rel=1e-15, abs=0)
    np.testing.assert_allclose(again.x_mean, stats.x_mean, rtol=1e-14, atol=0)
    for fit_intercept in (True, False):
        for mine, theirs in zip(again.about(fit_intercept), stats.about(fit_intercept), strict=True):
            scale = np.max(np.abs(theirs))
            np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-12 * scale)
    with pytest.raises(ValueError, match="at least 2 rows"):
        SufficientStats.from_arrays(X[:1], y[:1]).summary_rows()
