"""The linear programme that finds a direction improving a likelihood without limit (separation, zero counts)."""

import numpy as np

from bayesreg.likelihoods._recession import improving_direction


def test_complete_separation_is_found_and_checked():
    x = np.array([-2.0, -1.0, -0.5, 0.5, 1.0, 3.0])
    A = np.column_stack([np.ones(6), x])
    signs = np.array([-1.0, -1.0, -1.0, 1.0, 1.0, 1.0])
    d = improving_direction(A, signs)
    assert d is not None
    assert np.all(signs * (A @ d) >= -1e-12) and np.sum(signs * (A @ d)) > 0


def test_quasi_complete_separation_with_a_tie_is_found():
    """One row of each class at x = 0: no strict separation, but the log-likelihood still grows along x."""
    x = np.array([-2.0, -1.0, 0.0, 0.0, 1.0, 3.0])
    A = x[:, None]  # no intercept
    assert improving_direction(A, np.array([-1.0, -1.0, -1.0, 1.0, 1.0, 1.0])) is not None


def test_overlapping_classes_have_no_direction():
    x = np.array([-2.0, 1.5, -0.5, 0.5, -1.0, 3.0])
    A = np.column_stack([np.ones(6), x])
    assert improving_direction(A, np.array([-1.0, -1.0, -1.0, 1.0, 1.0, 1.0])) is None
    # nor a single column with both classes on both sides of 0
    assert improving_direction(x[:, None], np.array([1.0, -1.0, -1.0, 1.0, 1.0, -1.0])) is None


def test_zero_counts_on_an_indicator_are_found_and_one_positive_count_removes_the_direction():
    """Poisson signs: -1 for a zero count (a_i' d <= 0 counts), 0 for a positive one (a_i' d = 0)."""
    rng = np.random.default_rng(0)
    indicator = np.r_[np.ones(5), np.zeros(20)]
    A = np.column_stack([np.ones(25), indicator, rng.normal(size=25)])
    y = np.r_[np.zeros(5), rng.integers(1, 5, size=20)]
    d = improving_direction(A, np.where(y > 0, 0.0, -1.0))
    assert d is not None
    np.testing.assert_allclose(A[y > 0] @ d, 0.0, atol=1e-9)
    assert np.all(A[y == 0] @ d < 0)
    y[0] = 2.0
    assert improving_direction(A, np.where(y > 0, 0.0, -1.0)) is None


def test_the_scale_of_a_column_does_not_matter():
    x = np.array([-2.0, -1.0, -0.5, 0.5, 1.0, 3.0])
    signs = np.array([-1.0, -1.0, -1.0, 1.0, 1.0, 1.0])
    for scale in (1e-150, 1e-8, 1e8, 1e150):
        d = improving_direction(np.column_stack([np.ones(6), scale * x]), signs)
        assert d is not None
    assert improving_direction(np.empty((0, 2)), np.empty(0)) is None


def test_one_separated_row_among_many_is_found():
    """A dummy column with one observation, of class 1 (quasi-complete separation): its margin does not shrink with
    the number of rows."""
    rng = np.random.default_rng(1)
    n = 200_000
    dummy = np.zeros(n)
    dummy[0] = 1.0
    signs = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    signs[0] = 1.0
    assert improving_direction(np.column_stack([np.ones(n), dummy]), signs) is not None
