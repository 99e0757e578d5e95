"""Every notebook runs from top to bottom (stored without outputs; executed here)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

SMALL_SETTINGS = {
    "BAYESREG_NB_ALPHAS": "15",  # points on a regularization path
    "BAYESREG_NB_DRAWS": "150",  # NUTS draws per chain
    "BAYESREG_NB_TUNE": "150",  # NUTS tuning steps per chain
    "BAYESREG_NB_CHAINS": "2",
    "BAYESREG_NB_SPARSE_SIZE": "50x100",  # n x p of the sparse p > n problem (notebook 05)
}
NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path, monkeypatch):
    # small settings: the notebooks read these (defaults are the full-size runs)
    for name, value in SMALL_SETTINGS.items():
        monkeypatch.setenv(name, value)
    nb = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"), "store without outputs"
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [out for cell in nb.cells for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    assert not errors
