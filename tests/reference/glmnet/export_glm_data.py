"""Write the data of the binomial and poisson glmnet references (make_reference_glm.R reads them).

- ``breast_cancer.csv``: scikit-learn's ``load_breast_cancer()`` (569 x 30), ``target`` 0/1 (1 = benign).
- ``counts.csv``: a synthetic Poisson regression, n = 200, p = 8 (seed 20261129): columns of different scales,
  two of them correlated, counts from ``exp(0.5 + x' beta)``.

Every number is written with ``repr`` (17 significant digits where needed): R reads exactly the same doubles.
"""

from pathlib import Path

import pandas as pd
from sklearn.datasets import load_breast_cancer

from bayesreg.data.datasets import load_counts

HERE = Path(__file__).resolve().parent


def counts() -> pd.DataFrame:
    X, y = load_counts()  # the generator lives in the package: `bayesreg compare --family poisson` uses it too
    frame = X.copy()
    frame["target"] = y
    return frame


def main() -> None:
    cancer = load_breast_cancer(as_frame=True).frame
    cancer.columns = [c.replace(" ", "_") for c in cancer.columns]
    cancer.to_csv(HERE / "breast_cancer.csv", index=False, float_format="%.17g")
    counts().to_csv(HERE / "counts.csv", index=False, float_format="%.17g")


if __name__ == "__main__":
    main()
