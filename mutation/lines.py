"""Keep only the pending mutants on given source lines: ``python mutation/lines.py DB LINES``.

``LINES`` is a comma-separated list of line numbers and ranges (``12,40-55``), e.g. the lines a change added
(``git diff -U0 <rev> -- <module>``: ``mutation/changed_lines.sh``). The other pending mutants get a SKIPPED result
with the output "not on the lines", which ``scores.py`` counts apart like ``sample.py``'s.
"""

import sqlite3
import sys

path, spec = sys.argv[1], sys.argv[2]
lines = set()
for part in spec.split(","):
    if part:
        lo, _, hi = part.partition("-")
        lines.update(range(int(lo), int(hi or lo) + 1))
db = sqlite3.connect(path)
pending = db.execute(
    "select s.job_id, s.start_pos_row from mutation_specs s left join work_results r on s.job_id = r.job_id "
    "where r.job_id is null"
).fetchall()
dropped = [job for job, row in pending if row not in lines]
db.executemany(
    "insert into work_results (worker_outcome, output, test_outcome, diff, job_id) values ('SKIPPED', "
    "'not on the lines', NULL, '', ?)",
    [(job,) for job in dropped],
)
db.commit()
print(f"{path}: kept {len(pending) - len(dropped)} of {len(pending)} pending mutants")
