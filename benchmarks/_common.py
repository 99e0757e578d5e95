"""What every benchmark script reports besides its own numbers: machine load, git revision, tables."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def cpu_busy(seconds: float = 1.0) -> float | None:
    """Fraction of all CPUs busy over ``seconds`` while this process sleeps (Linux /proc/stat), or None.

    Taken before and after a benchmark: it measures what *other* processes use.
    """

    def snapshot():
        with open("/proc/stat") as fh:
            fields = [float(v) for v in fh.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)  # idle + iowait
        return sum(fields), idle

    try:
        total0, idle0 = snapshot()
        time.sleep(seconds)
        total1, idle1 = snapshot()
    except (OSError, ValueError, IndexError):
        return None
    total = total1 - total0
    return round(1.0 - (idle1 - idle0) / total, 3) if total > 0 else None


def fmt_busy(frac: float | None) -> str:
    return "unknown" if frac is None else f"{100 * frac:.0f}%"


def git_revision() -> str:
    """``<short commit>`` of the repository, ``+dirty`` if bayesreg/ has uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "bayesreg"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def load_average() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:  # pragma: no cover
        return None


def log_table(
    log: Callable[[str], None], title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], n_left: int = 1
) -> None:
    """A plain-text table: the first ``n_left`` columns left-aligned, the others right-aligned."""
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]

    def fmt_row(cells):
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) if i < n_left else c.rjust(w) for i, (c, w) in pairs)

    line = fmt_row(headers)
    log(title)
    log(line)
    log("-" * len(line))
    for row in rows:
        log(fmt_row(row))


def finish_report(report: dict, busy_before: float | None, busy_after: float | None, json_path: str | None) -> dict:
    """Print the other processes' CPU load, add it with the load average and the git revision to ``report``, and
    write ``report`` as JSON to ``json_path`` when given; returns ``report``."""
    import json

    print(f"other processes' CPU: {fmt_busy(busy_before)} before, {fmt_busy(busy_after)} after")
    report.update(
        cpu_busy_before=busy_before, cpu_busy_after=busy_after, load_average=load_average(), revision=git_revision()
    )
    if json_path:
        Path(json_path).write_text(json.dumps(report, indent=2))
    return report
