"""Bundled data sets and synthetic problems (nothing is downloaded)."""

from __future__ import annotations

import os
from importlib import resources

import numpy as np
import pandas as pd

__all__ = [
    "load_breast_cancer",
    "load_counts",
    "load_csv",
    "load_diabetes",
    "load_prostate",
    "make_sparse_regression",
    "make_collinear_regression",
    "load_named",
]

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


def load_breast_cancer() -> tuple[pd.DataFrame, pd.Series]:
    """The Wisconsin breast cancer data, shipped with scikit-learn (569 x 30, no download).

    The target ``benign`` is 1 for a benign tumour and 0 for a malignant one (scikit-learn's coding); the
    columns are the 30 measurements of the cell nuclei, names with underscores (``mean_radius``, ...).
    """
    from sklearn.datasets import load_breast_cancer as sk_load

    data = sk_load(as_frame=True)
    X = data.data.rename(columns=lambda c: c.replace(" ", "_"))
    return X, data.target.rename("benign")


def load_counts() -> tuple[pd.DataFrame, pd.Series]:
    """A synthetic Poisson regression, generated (not downloaded) the same on every machine: 200 x 8, seed
    20261129.

    Columns ``x1`` ... ``x8`` are normal with standard deviations ``(1, 2, 0.5, 1, 3, 1, 1, 0.2)``, ``x4`` is
    ``x1`` plus noise of sd 0.3 (correlation ~0.96); the counts ``y ~ Poisson(exp(0.5 + x' beta))`` with
    ``beta = (0.4, -0.2, 0.6, 0, 0.05, 0, -0.3, 0)``: three columns without effect. The data of glmnet's
    poisson reference paths (``tests/reference/glmnet/counts.csv``).
    """
    rng = np.random.default_rng(20261129)
    n = 200
    X = rng.standard_normal((n, 8)) * np.array([1.0, 2.0, 0.5, 1.0, 3.0, 1.0, 1.0, 0.2])
    X[:, 3] = X[:, 0] + 0.3 * rng.standard_normal(n)
    beta = np.array([0.4, -0.2, 0.6, 0.0, 0.05, 0.0, -0.3, 0.0])
    y = rng.poisson(np.exp(0.5 + X @ beta))
    return pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(8)]), pd.Series(y, name="count")


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


#: the data sets the command line knows by name, and the likelihood each is for
NAMED = {"diabetes": "gaussian", "prostate": "gaussian", "breast_cancer": "binomial", "counts": "poisson"}


def load_named(name: str) -> tuple[pd.DataFrame, pd.Series]:
    """A data set of :data:`NAMED` (all rows), as used by the command line."""
    loaders = {
        "diabetes": load_diabetes,
        "prostate": load_prostate,
        "breast_cancer": load_breast_cancer,
        "counts": load_counts,
    }
    if name not in loaders:
        raise ValueError(f"unknown data set {name!r}: use one of {sorted(NAMED)} or a CSV path")
    return loaders[name]()


def _data_rows(mask: pd.Series) -> str:
    """ "2 of 10 data rows, first: data row 3" (data rows counted from 1 below the header)."""
    bad = mask.to_numpy(dtype=bool)
    return f"{int(bad.sum())} of {bad.size} data rows, first: data row {int(np.argmax(bad)) + 1}"


def _not_numbers(column: pd.Series) -> pd.Series:
    """True where a cell holds something that is not a number (missing cells excluded)."""
    return pd.to_numeric(column, errors="coerce").isna() & column.notna()


def load_csv(path, target: str, *, min_rows: int = 2) -> tuple[pd.DataFrame, pd.Series]:
    """A regression data set from a CSV file: the column ``target`` is y, every other column a feature.

    The file is read with :func:`pandas.read_csv` (comma-separated, one header line) and checked
    before anything is fitted; every problem is a ValueError that names the file and the column,
    with the count of data rows concerned and the first of them (data rows are counted from 1
    below the header):

    - no such file, an empty file, a file that is not CSV text, duplicate column names;
    - no column ``target``, no feature column besides it, only the header, fewer than
      ``min_rows`` data rows;
    - a cell that is not a number (text, in y or any feature: encode categories first);
    - an empty / NaN cell or an infinite value, in y or any feature;
    - a constant y (nothing to fit).

    Parameters
    ----------
    path : str or path-like
    target : str
        The name of y's column.
    min_rows : int
        The smallest number of data rows accepted (default 2, the smallest any fit here accepts).

    Returns
    -------
    X : DataFrame
        The feature columns, in the file's order, numeric.
    y : Series
        The target column as floats.
    """
    name = os.fspath(path)
    if not os.path.isfile(name):
        raise ValueError(f"{name}: no such file")
    try:
        header = pd.read_csv(name, header=None, nrows=1, dtype=str, keep_default_na=False)
        frame = pd.read_csv(name)
    except pd.errors.EmptyDataError:
        raise ValueError(f"{name} is empty: no header line and no data rows") from None
    except pd.errors.ParserError as exc:
        raise ValueError(f"{name} is not a valid CSV file: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{name} is not a CSV text file (UTF-8): {exc}") from None
    names = [str(c) for c in header.iloc[0]]
    duplicated = sorted({c for c in names if names.count(c) > 1})
    if duplicated:
        raise ValueError(f"{name}: duplicate column names in the header: {', '.join(map(repr, duplicated))}")
    columns = ", ".join(map(str, frame.columns))
    if target not in frame.columns:
        raise ValueError(f"{name}: the target {target!r} is not a column (columns: {columns})")
    if frame.shape[1] == 1:
        raise ValueError(f"{name}: no feature columns besides the target {target!r}")
    n = len(frame)
    if n == 0:
        raise ValueError(f"{name} has a header ({columns}) but no data rows")
    if n < min_rows:
        raise ValueError(f"{name} has {n} data row{'s' if n != 1 else ''}; at least {min_rows} are needed")
    y = frame[target]
    text = _not_numbers(y)
    if text.any():
        first = y[text].iloc[0]
        raise ValueError(f"{name}: the target column {target!r} is not numeric: text in {_data_rows(text)} ({first!r})")
    X = frame.drop(columns=[target])
    bad = []
    for column in X.columns:
        text = _not_numbers(X[column])
        if text.any():
            bad.append(f"{column!r}: text in {_data_rows(text)} ({X[column][text].iloc[0]!r})")
    if bad:
        raise ValueError(
            f"{name}: non-numeric column{'s' if len(bad) > 1 else ''} {'; '.join(bad)}. Encode categories as "
            "numbers (e.g. one-hot) or drop the column"
        )
    numbers = frame.apply(pd.to_numeric).astype(float)  # every cell is a number or missing now
    for hit, what in [(numbers.isna(), "missing values (empty or NaN cells)"), (np.isinf(numbers), "infinite values")]:
        where = [
            f"{'the target column' if c == target else 'column'} {c!r} ({_data_rows(hit[c])})"
            for c in [target, *X.columns]
            if hit[c].any()
        ]
        if where:
            raise ValueError(f"{name}: {what} in {'; '.join(where)}")
    y = numbers[target]
    if y.nunique() == 1:
        raise ValueError(
            f"{name}: the target column {target!r} is constant ({y.iloc[0]:g} in all {n} data rows): nothing to fit"
        )
    return numbers.drop(columns=[target]), y
