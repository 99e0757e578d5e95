"""The README's pictures are the demo's and the benchmarks' own output, and its links resolve."""

import re
from pathlib import Path

from bayesreg.demo import FIGURES, REPORT_NAME

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BENCHMARK_FIGURES = ("bench_paths.png", "bench_sampling.png")  # benchmarks/plot_results.py


def _links() -> list[str]:
    return re.findall(r"\]\(([^)#]+)\)", README)


def test_every_demo_figure_is_embedded_from_docs_figures():
    embedded = set(re.findall(r"!\[[^\]]*\]\(docs/figures/([^)]+)\)", README))
    assert set(FIGURES) <= embedded
    assert embedded == set(FIGURES) | set(BENCHMARK_FIGURES)


def test_linked_files_exist():
    local = [link for link in _links() if not link.startswith("http")]
    assert f"docs/figures/{REPORT_NAME}" in local
    missing = [link for link in local if not (ROOT / link).exists()]
    assert not missing


def test_every_notebook_is_linked():
    notebooks = {f"notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert len(notebooks) == 5
    assert notebooks <= set(_links())
