"""The shared argument checks of bayesreg._validation."""

import numpy as np
import pytest

from bayesreg._validation import check_count


@pytest.mark.parametrize("value", [0, -1])
def test_check_count_rejects_small(value):
    with pytest.raises(ValueError, match="draws must be an integer >= 1"):
        check_count(value, "draws")


@pytest.mark.parametrize("value", [1.0, "10", True, None])
def test_check_count_rejects_non_integers(value):
    with pytest.raises(TypeError, match="chains must be an integer"):
        check_count(value, "chains")


def test_check_count_accepts_numpy_integers():
    assert check_count(np.int64(5), "draws") == 5
    assert check_count(0, "tune", minimum=0) == 0
