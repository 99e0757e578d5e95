"""Killed / survived / total per session database: ``python mutation/scores.py mutation/results/*.sqlite``.

"total" counts the mutants that were run (cosmic-ray also records the ones the operator filter skipped, with no
outcome: they are left out); a mutant whose test run could not start (INCOMPETENT) is counted as killed, as
cosmic-ray does, and shown separately.
"""

import sqlite3
import sys
from pathlib import Path

for path in sys.argv[1:]:
    db = sqlite3.connect(path)
    rows = dict(
        db.execute(
            "select coalesce(test_outcome, worker_outcome), count(*) from work_results "
            "where worker_outcome != 'SKIPPED' group by 1"
        ).fetchall()
    )
    killed, survived, other = rows.get("KILLED", 0), rows.get("SURVIVED", 0), rows.get("INCOMPETENT", 0)
    total = killed + survived + other
    pending = db.execute(
        "select count(*) from work_items w left join work_results r on w.job_id = r.job_id where r.job_id is null"
    ).fetchone()[0]
    unsampled = db.execute("select count(*) from work_results where output = 'not sampled'").fetchone()[0]
    score = 100.0 * (killed + other) / total if total else float("nan")
    extra = f", incompetent {other}" if other else ""
    extra += f", pending {pending}" if pending else ""
    extra += f", not sampled {unsampled}" if unsampled else ""
    name = Path(path).stem
    print(f"{name:22s} killed {killed + other:4d} survived {survived:4d} total {total:4d} score {score:5.1f}%{extra}")
