"""Every notebook runs from top to bottom (stored without outputs; executed here)."""

import re
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


# notebook 07 checks the popular claims listed in the shared folder beside the repository
#: the list of claims (../shared/claims.md) and the copy kept with the tests, so the check runs without ../shared
SHARED_CLAIMS = Path(__file__).resolve().parents[2] / "shared" / "claims.md"
CLAIMS = Path(__file__).resolve().parent / "reference" / "claims.md"
FOLKLORE = Path(__file__).resolve().parents[1] / "notebooks" / "07_what_the_folklore_gets_right.ipynb"
CLAIM_ROW = re.compile(r"^\|\s*([A-Z][0-9]+)\s*\|", flags=re.MULTILINE)  # "| A1 | claim | verdict |"
CLAIM_LINE = re.compile(r"^# claim (\S+)$")


def _claims_settled(nb) -> tuple[dict[str, list[int]], list[str]]:
    """Code cells that name each id in their leading `# claim <id>` lines and assert something; misplaced lines."""
    settled, misplaced = {}, []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        lines = cell.source.splitlines()
        leading = 0
        while leading < len(lines) and CLAIM_LINE.match(lines[leading]):
            leading += 1
        misplaced += [f"cell {index}: {line!r}" for line in lines[leading:] if line.lstrip().startswith("# claim")]
        if re.search(r"^\s*assert\b", cell.source, flags=re.MULTILINE):
            for line in lines[:leading]:
                settled.setdefault(CLAIM_LINE.match(line).group(1), []).append(index)
    return settled, misplaced


def test_folklore_notebook_settles_every_claim():
    ids = CLAIM_ROW.findall(CLAIMS.read_text())
    if SHARED_CLAIMS.exists():  # the copy must be the list itself
        assert CLAIM_ROW.findall(SHARED_CLAIMS.read_text()) == ids, f"{CLAIMS} differs from {SHARED_CLAIMS}: copy it"
    assert ids and len(ids) == len(set(ids)), "claims.md: no claim table, or an id twice"
    settled, misplaced = _claims_settled(nbformat.read(FOLKLORE, as_version=4))
    assert not misplaced, "a '# claim <id>' line must open its cell (one id per line)"
    missing = [i for i in ids if i not in settled]
    assert not missing, f"claims without a code cell that starts with '# claim <id>' and asserts: {missing}"
    unknown = sorted(set(settled) - set(ids))
    assert not unknown, f"notebook 07 names claims that claims.md does not list: {unknown}"
