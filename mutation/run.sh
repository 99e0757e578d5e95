#!/usr/bin/env bash
# Mutation-test one core module with cosmic-ray, on a scratch copy of the working tree (the real
# bayesreg/ sources are never touched, so people working in the tree at the same time are not affected).
#
#   mutation/run.sh <module> [tag]      e.g.  mutation/run.sh solvers after
#   TESTS_REV=06513fd mutation/run.sh noise before    (the tests of an older commit, the sources of today)
#   SRC_REV=2db7c96 mutation/rerun.sh priors before after   (the sources the "before" session was made from)
#   CARRY_FROM=mutation/results/map-rest.sqlite mutation/run.sh map rest-after   (its survivors, today's sources)
#   LINES="$(mutation/changed_lines.sh 9d46a73 bayesreg/optimize/map.py)" mutation/run.sh map-glm new   (new lines)
#
# <module> names mutation/<module>.toml (module-path, timeout, test command of the module's own test file).
# The session database and the report go to mutation/results/<module>-<tag>.{sqlite,txt}.
# Needs cosmic-ray in the venv: .venv/bin/python -m pip install cosmic-ray pytest-timeout
set -euo pipefail
module=${1:?usage: mutation/run.sh <module> [tag]}
tag=${2:-run}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
venv=${VENV:-$root/.venv}
work=${MUTATION_WORKDIR:-/tmp/bayesreg-mutation}/$module
results=$here/results
mkdir -p "$results"
rm -rf "$work" && mkdir -p "$work"
# copy the package, the tests and pyproject (pytest settings); no .git, no venv
(cd "$root" && tar -cf - pyproject.toml bayesreg tests) | tar -xf - -C "$work"
# TESTS_REV=<commit>: take tests/ as they were at that commit (a "before" score after tests were added)
if [ -n "${TESTS_REV:-}" ]; then
    rm -rf "$work/tests" && (cd "$root" && git archive "$TESTS_REV" tests) | tar -xf - -C "$work"
fi
# SRC_REV=<commit>: take bayesreg/ as it was at that commit. cosmic-ray finds a mutant by its operator and
# occurrence in the module, so re-running a session's survivors (rerun.sh) needs the sources it was made from.
if [ -n "${SRC_REV:-}" ]; then
    rm -rf "$work/bayesreg" && (cd "$root" && git archive "$SRC_REV" bayesreg) | tar -xf - -C "$work"
fi
find "$work" -name __pycache__ -prune -exec rm -rf {} +
cp "$here/forkclient.py" "$here/forkserver.py" "$work/"
cat "$here/$module.toml" "$here/common.toml" > "$work/cr.toml"
db=$results/$module-$tag.sqlite
if [ -z "${RESUME_DB:-}" ]; then rm -f "$db"; fi
cd "$work"
export PATH="$venv/bin:$PATH"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONDONTWRITEBYTECODE=1
python forkserver.py fs.sock > forkserver.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 120); do grep -q ready forkserver.log 2>/dev/null && break; sleep 0.5; done
if [ -z "${RESUME_DB:-}" ]; then
    cosmic-ray init cr.toml "$db"
    cr-filter-operators "$db" cr.toml
fi
# CARRY_FROM=<old db>[,<old db>...]: run only that session's survivors, found again in today's sources (carry.py)
if [ -n "${CARRY_FROM:-}" ]; then python "$here/carry.py" "$CARRY_FROM" "$db"; fi
# SAMPLE=<fraction>: run only a random sample of the (pending) mutants (sample.py)
if [ -n "${SAMPLE:-}" ]; then python "$here/sample.py" "$db" "$SAMPLE"; fi
# LINES=<lines> (e.g. "$(mutation/changed_lines.sh <rev> <file>)"): run only the mutants on those lines (lines.py)
if [ -n "${LINES:-}" ]; then python "$here/lines.py" "$db" "$LINES"; fi
cosmic-ray baseline cr.toml
# which tests run which line of the module (linemap.py): forkclient.py then runs only those for a mutant
target=$(python -c 'import tomllib; print(tomllib.load(open("cr.toml", "rb"))["cosmic-ray"]["module-path"])')
test_args=$(python -c 'import shlex, tomllib; print(shlex.join(shlex.split(tomllib.load(open("cr.toml", "rb"))["cosmic-ray"]["test-command"])[4:]))')
cp "$here/linemap.py" .
eval "LINEMAP_TARGET=$target LINEMAP_OUT=linemap.json python -m pytest -p linemap $test_args" > linemap.log 2>&1 || {
    echo "linemap run failed (see $work/linemap.log)"; exit 1; }
cp "$target" linemap-original.py
echo "$target" > linemap-target.txt
cosmic-ray exec cr.toml "$db"
cr-report "$db" --show-pending > "$results/$module-$tag.txt" || true
tail -3 "$results/$module-$tag.txt"
