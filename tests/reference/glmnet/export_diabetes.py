"""Write scikit-learn's raw diabetes data to diabetes.csv, the input of make_reference.R.

Run from the repository root: ``.venv/bin/python tests/reference/glmnet/export_diabetes.py``.
Floats are written as their shortest round-trip repr, so R's ``read.csv`` reads the same doubles.
"""

from pathlib import Path

from sklearn.datasets import load_diabetes

frame = load_diabetes(scaled=False, as_frame=True).frame
frame.to_csv(Path(__file__).with_name("diabetes.csv"), index=False)
