"""Keep a random sample of a session's pending mutants: ``python mutation/sample.py DB FRACTION [SEED]``.

For modules whose mutants cannot all be run in the time at hand: each pending (not yet run, not filtered) mutant
is kept with probability FRACTION; the others get a SKIPPED result with the output "not sampled", which
``scores.py`` counts separately. Which mutants are kept depends only on their job ids and SEED.
"""

import hashlib
import sqlite3
import sys

path, fraction = sys.argv[1], float(sys.argv[2])
seed = sys.argv[3] if len(sys.argv) > 3 else "0"
db = sqlite3.connect(path)
pending = [
    row[0]
    for row in db.execute(
        "select w.job_id from work_items w left join work_results r on w.job_id = r.job_id where r.job_id is null"
    )
]
dropped = [
    job for job in pending if int(hashlib.sha256(f"{seed}:{job}".encode()).hexdigest()[:8], 16) / 2**32 >= fraction
]
db.executemany(
    "insert into work_results (worker_outcome, output, test_outcome, diff, job_id) values ('SKIPPED', 'not sampled', "
    "NULL, '', ?)",
    [(job,) for job in dropped],
)
db.commit()
print(f"{path}: kept {len(pending) - len(dropped)} of {len(pending)} pending mutants")
