"""List the surviving mutants of a cosmic-ray session compactly: ``python mutation/survivors.py DB``.

One line per survivor: job id, source line, operator and the changed line (old -> new).
"""

import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
rows = db.execute(
    "select s.job_id, s.start_pos_row, s.operator_name, r.diff from mutation_specs s join work_results r "
    "on s.job_id = r.job_id where r.test_outcome = 'SURVIVED' order by s.start_pos_row, s.operator_name"
)
counts = dict(db.execute("select test_outcome, count(*) from work_results group by test_outcome").fetchall())
for job, row, op, diff in rows:
    old = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    new = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    print(f"{job[:8]} L{row} {op.removeprefix('core/')}: {' / '.join(old)}  ->  {' / '.join(new)}")
print(counts)
