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
