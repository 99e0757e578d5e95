#!/usr/bin/env bash
# Re-test only the survivors of an earlier session against the current tests (tests are only ever added,
# so a mutant killed before stays killed): copies results/<module>-<from>.sqlite to results/<module>-<to>.sqlite,
# forgets the survivors' outcomes and lets cosmic-ray run just those again.
#
#   mutation/rerun.sh <module> <from-tag> <to-tag>      e.g.  mutation/rerun.sh solvers before after
set -euo pipefail
module=${1:?}; from=${2:?}; to=${3:?}
here=$(cd "$(dirname "$0")" && pwd)
cp "$here/results/$module-$from.sqlite" "$here/results/$module-$to.sqlite"
python3 - "$here/results/$module-$to.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("delete from work_results where test_outcome = 'SURVIVED'")
db.commit()
PY
RESUME_DB="$here/results/$module-$to.sqlite" "$here/run.sh" "$module" "$to"
