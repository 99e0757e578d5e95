"""Execute the demo notebooks at their full (default) settings and write HTML copies with every output.

    bash scripts/render_notebooks.sh [NAME ...]     (NAME: a notebook's file name or stem, or a prefix like 04)

Each notebooks/<stem>.ipynb becomes docs/notebooks/<stem>.html. The stored notebook is not changed (it stays
without outputs). The HTML carries the notebook's fingerprint in a meta tag, so tests/test_rendered_notebooks.py can
tell a rendered copy that no longer matches its notebook.
"""

import argparse
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "docs" / "notebooks"
FINGERPRINT_META = "bayesreg-notebook-sha256"
SOURCE_META = "bayesreg-notebook"
RENDER_COMMAND = "bash scripts/render_notebooks.sh"


def fingerprint(nb) -> str:
    """sha256 of the notebook's story: the (type, source) of its code and markdown cells, in order.

    Outputs, execution counts, cell ids and metadata do not enter, so it is the same for the stored notebook (no
    outputs) and the executed one, and changes when any code or markdown cell is edited, added, removed or moved.
    """
    cells = [[cell.cell_type, cell.source] for cell in nb.cells if cell.cell_type in ("code", "markdown")]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode("utf-8")).hexdigest()


def read_fingerprint(html: str) -> str | None:
    match = re.search(rf'<meta name="{FINGERPRINT_META}" content="([0-9a-f]{{64}})"', html)
    return match.group(1) if match else None


def select(names: list[str]) -> list[Path]:
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not names:
        return paths
    chosen = []
    for name in names:
        stem = Path(name).name.removesuffix(".ipynb")
        hits = [p for p in paths if p.stem == stem] or [p for p in paths if p.stem.startswith(stem)]
        if len(hits) != 1:
            sys.exit(f"render_notebooks: {name!r} names {len(hits)} of {[p.name for p in paths]}")
        chosen += hits
    return chosen


def render(path: Path, timeout: int) -> tuple[Path, float]:
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    digest = fingerprint(nb)
    start = time.perf_counter()
    # the kernel named in the notebooks ("python3") is this interpreter: jupyter_client starts a spec whose argv is
    # "python" with sys.executable, and JUPYTER_PREFER_ENV_PATH puts the venv's kernel spec first
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()  # raises CellExecutionError on the first error: no copy is written for a failing notebook
    seconds = time.perf_counter() - start
    assert fingerprint(nb) == digest
    html, _ = HTMLExporter(template_name="lab").from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
    meta = (
        f'<meta name="{FINGERPRINT_META}" content="{digest}">\n'
        f'<meta name="{SOURCE_META}" content="notebooks/{path.name}">\n'
        f"<!-- rendered from notebooks/{path.name} at its default settings by {RENDER_COMMAND}; "
        f"do not edit: re-render instead -->\n"
    )
    charset = '<meta charset="utf-8"/>\n'  # stays the first thing in <head>
    assert charset in html
    html = html.replace(charset, charset + meta, 1)
    assert read_fingerprint(html) == digest
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"{path.stem}.html"
    target.write_text(html, encoding="utf-8")
    stderr = [out for cell in nb.cells for out in cell.get("outputs", []) if out.get("name") == "stderr"]
    if stderr:
        print(f"[render] {path.name}: {len(stderr)} output(s) on stderr (warnings?) in the copy", flush=True)
    return target, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="notebooks to render (default: all of notebooks/*.ipynb)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds allowed per cell (default 3600)")
    args = parser.parse_args()
    paths = select(args.names)
    # full settings: the notebooks' defaults, whatever the caller's environment says (the tests use smaller ones)
    dropped = sorted(name for name in os.environ if name.startswith("BAYESREG_NB_"))
    for name in dropped:
        del os.environ[name]
    if dropped:
        print(f"[render] ignoring {', '.join(dropped)}: the rendered copies use the notebooks' defaults", flush=True)
    os.environ["JUPYTER_PREFER_ENV_PATH"] = "1"
    for path in paths:
        print(f"[render] {path.name} ...", flush=True)
        target, seconds = render(path, args.timeout)
        size = target.stat().st_size / 1e6
        print(
            f"[render] {path.name}: executed in {seconds:.0f} s -> {target.relative_to(ROOT)} ({size:.2f} MB)",
            flush=True,
        )


if __name__ == "__main__":
    main()
