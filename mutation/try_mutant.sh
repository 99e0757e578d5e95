#!/usr/bin/env bash
# Apply one mutant (by job-id prefix, from a session database) to a scratch copy and run pytest there:
#   mutation/try_mutant.sh results/solvers-before.sqlite 209415ee tests/optimize/test_active_set.py -x -q
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(dirname "$here")
db=$1; job=$2; shift 2
work=/tmp/bayesreg-try-$job
rm -rf "$work" && mkdir -p "$work"
(cd "$root" && tar -cf - pyproject.toml bayesreg tests) | tar -xf - -C "$work"
sqlite3 "$here/${db#mutation/}" "select diff from work_results where job_id like '$job%'" > "$work/mutant.diff"
(cd "$work" && patch -s -p1 < mutant.diff 2>/dev/null || patch -s -p0 < mutant.diff)
rc=0; cd "$work" && PYTHONDONTWRITEBYTECODE=1 "$root/.venv/bin/python" -m pytest -p no:cacheprovider "$@" || rc=$?
rm -rf "$work"
exit $rc
