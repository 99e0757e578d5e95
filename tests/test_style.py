"""The code base stays ruff-clean (lint and format), as the style guide asks."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUFF = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff(args):
    if not Path(RUFF).exists():
        pytest.fail("ruff is not installed: it is part of the 'test' extra")
    proc = subprocess.run([RUFF, *args, "bayesreg", "tests", "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _approx_without_abs(source: str) -> list[int]:
    import ast

    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "approx":
            keywords = {k.arg for k in node.keywords}
            if "rel" in keywords and "abs" not in keywords:
                lines.append(node.lineno)
    return lines


def test_relative_approx_states_its_absolute_tolerance():
    """pytest.approx(x, rel=r) also accepts any difference below 1e-12: vacuous for small x. Say abs= too."""
    assert _approx_without_abs("pytest.approx(1e-20, rel=1e-15)") == [1]
    assert _approx_without_abs("pytest.approx(1e-20, rel=1e-15, abs=0)") == []
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if (found := _approx_without_abs(path.read_text()))
    }
    assert offenders == {}
