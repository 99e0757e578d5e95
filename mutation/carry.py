"""Carry an earlier session's survivors over to a session made from today's sources.

``python mutation/carry.py OLD_DB[,OLD_DB...] NEW_DB``: NEW_DB was just initialized (``cosmic-ray init``) from the
module as it is now. A mutant is found again by its operator and the line it changes (text before and after, and
which of several identical changes it is), not by its position, which moves when the module is edited. Every mutant
of NEW_DB that is not a survivor of OLD_DB gets a SKIPPED result ("not a survivor"), so ``cosmic-ray exec`` then
runs only the survivors, against today's sources and tests. Survivors whose line no longer exists are listed: they
were removed with the code they mutated.

run.sh calls this when ``CARRY_FROM=<old db>`` is set.
"""

import difflib
import json
import sqlite3
import sys
from collections import Counter
from pathlib import Path


def _changed_lines(diff: str) -> tuple[str, str]:
    old = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    new = [ln[1:].strip() for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    return " / ".join(old), " / ".join(new)


def _keys(db: sqlite3.Connection, where: str) -> dict[tuple, str]:
    """(operator, old line, new line, k) -> job id, k numbering identical changes in source order."""
    rows = db.execute(
        "select s.job_id, s.operator_name, s.start_pos_row, s.start_pos_col, r.diff, r.test_outcome "
        f"from mutation_specs s left join work_results r on s.job_id = r.job_id where {where} "
        "order by s.start_pos_row, s.start_pos_col"
    ).fetchall()
    seen: Counter = Counter()
    out = {}
    for job, op, _, _, diff, _ in rows:
        key = (op, *_changed_lines(diff or ""))
        out[(*key, seen[key])] = job
        seen[key] += 1
    return out


def main(old_paths: str, new_path: str) -> None:
    new = sqlite3.connect(new_path)
    survivors = {}
    for old_path in old_paths.split(","):  # sessions that split one module's mutants between them
        survivors.update(_keys(sqlite3.connect(old_path), "r.test_outcome = 'SURVIVED'"))
    old_path = old_paths
    # the diffs of a fresh session are not stored until a mutant runs: make them from the module text
    specs = new.execute(
        "select s.job_id, s.operator_name, s.start_pos_row, s.start_pos_col, s.end_pos_row, s.end_pos_col, "
        "s.module_path, s.operator_args, s.occurrence from mutation_specs s left join work_results r "
        "on s.job_id = r.job_id where r.job_id is null order by s.start_pos_row, s.start_pos_col"
    ).fetchall()
    from cosmic_ray.mutating import mutate_code  # noqa: PLC0415 (cosmic-ray is only in the venv)
    from cosmic_ray.plugins import get_operator  # noqa: PLC0415

    sources: dict[str, str] = {}
    seen: Counter = Counter()
    keep, skip = [], []
    for job, op, *_, module_path, op_args, occurrence in specs:
        code = sources.setdefault(module_path, Path(module_path).read_text())
        args = json.loads(op_args or "{}")
        args = json.loads(args) if isinstance(args, str) else args  # stored as JSON text inside JSON
        operator = get_operator(op)(**args)
        mutated = mutate_code(code, operator, occurrence)
        diff = "".join(difflib.unified_diff(code.splitlines(True), (mutated or code).splitlines(True)))
        key = (op, *_changed_lines(diff))
        k = seen[key]
        seen[key] += 1
        (keep if (*key, k) in survivors else skip).append(job)
        survivors.pop((*key, k), None)
    new.executemany(
        "insert into work_results (worker_outcome, output, test_outcome, diff, job_id) "
        "values ('SKIPPED', 'not a survivor', NULL, '', ?)",
        [(job,) for job in skip],
    )
    new.commit()
    print(f"{new_path}: {len(keep)} survivors of {old_path} carried over; {len(survivors)} not found:")
    for (op, before, after, _), job in survivors.items():
        print(f"  {job[:8]} {op}: {before}  ->  {after}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
