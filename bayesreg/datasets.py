"""Bundled data sets and synthetic problems (nothing is downloaded)."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

__all__ = ["load_diabetes", "load_prostate", "make_sparse_regression", "make_collinear_regression", "load_named"]

PROSTATE_FEATURES = ["lcavol", "lweight", "age", "lbph", "svi", "lcp", "gleason", "pgg45"]


def load_diabetes(*, scaled: bool = False) -> tuple[pd.DataFrame, pd.Series]:
    """The diabetes data of Efron et al. (2004), shipped with scikit-learn (442 x 10).

    ``scaled=False`` gives the original measurements (age in years, BMI, ...); ``scaled=True``
    scikit-learn's centred columns of unit Euclidean norm. The target is disease progression.
    """
    from sklearn.datasets import load_diabetes as sk_load

    data = sk_load(as_frame=True, scaled=scaled)
    return data.data, data.target.rename("progression")


def load_prostate(*, subset: str = "all", standardize: bool = False) -> tuple[pd.DataFrame, pd.Series]:
    """The prostate cancer data of Stamey et al. (1989), as in The Elements of Statistical Learning.

    97 men, 8 predictors (``lcavol`` ... ``pgg45``), target ``lpsa``. ``subset`` is ``"all"``,
    ``"train"`` (the book's 67 training rows) or ``"test"`` (30 rows). ``standardize=True``
    scales the predictors as the book does: centred and divided by the sample standard
    deviation computed on all 97 rows, before the subset is taken.
    """
    if subset not in ("all", "train", "test"):
        raise ValueError(f"subset must be 'all', 'train' or 'test', got {subset!r}")
    with resources.files("bayesreg.data").joinpath("prostate.data").open("r") as fh:
        frame = pd.read_csv(fh, sep="\t", index_col=0)
    X = frame[PROSTATE_FEATURES].astype(float)
    if standardize:
        X = (X - X.mean()) / X.std(ddof=1)
    train = frame["train"].astype(str).str.upper().isin(["T", "1", "TRUE"])
    mask = {"all": np.ones(len(frame), dtype=bool), "train": train.to_numpy(), "test": ~train.to_numpy()}[subset]
    return X[mask], frame["lpsa"].astype(float)[mask]


def make_sparse_regression(
    n_samples: int = 50, n_features: int = 200, n_nonzero: int = 5, *, noise: float = 1.0, random_state: int | None = 0
):
    """Gaussian design, ``n_nonzero`` true coefficients of size 1 to 3 with random signs.

    Returns ``X`` (n, p), ``y`` (n,) and the true ``coef`` (p,).
    """
    if not 0 <= n_nonzero <= n_features:
        raise ValueError(f"n_nonzero must lie in [0, n_features={n_features}], got {n_nonzero!r}")
    rng = np.random.default_rng(random_state)
    X = rng.standard_normal((n_samples, n_features))
    coef = np.zeros(n_features)
    idx = rng.choice(n_features, size=n_nonzero, replace=False)
    coef[idx] = rng.uniform(1.0, 3.0, size=n_nonzero) * rng.choice([-1.0, 1.0], size=n_nonzero)
    y = X @ coef + noise * rng.standard_normal(n_samples)
    return X, y, coef


def make_collinear_regression(
    n_samples: int = 100,
    n_features: int = 20,
    *,
    n_groups: int = 4,
    correlation: float = 0.999,
    noise: float = 1.0,
    random_state: int | None = 0,
):
    """Strongly collinear design: ``n_groups`` blocks of columns, within-block correlation ``correlation``.

    Column ``j`` of block ``g`` is ``sqrt(r) z_g + sqrt(1 - r) e_j``; the first column of each
    block carries a coefficient of 2. Returns ``X``, ``y`` and the true ``coef``.
    """
    if not 0 <= correlation < 1:
        raise ValueError(f"correlation must lie in [0, 1), got {correlation!r}")
    if not 1 <= n_groups <= n_features:
        raise ValueError(f"n_groups must lie in [1, n_features={n_features}], got {n_groups!r}")
    rng = np.random.default_rng(random_state)
    groups = np.arange(n_features) % n_groups
    z = rng.standard_normal((n_samples, n_groups))
    X = np.sqrt(correlation) * z[:, groups] + np.sqrt(1 - correlation) * rng.standard_normal((n_samples, n_features))
    coef = np.zeros(n_features)
    coef[:n_groups] = 2.0
    y = X @ coef + noise * rng.standard_normal(n_samples)
    return X, y, coef


def load_named(name: str) -> tuple[pd.DataFrame, pd.Series]:
    """``"diabetes"`` or ``"prostate"`` (all rows), as used by the command line."""
    if name == "diabetes":
        return load_diabetes()
    if name == "prostate":
        return load_prostate()
    raise ValueError(f"unknown data set {name!r}: use 'diabetes', 'prostate' or a CSV path")
