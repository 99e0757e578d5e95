#!/usr/bin/env bash
# The lines of <file> (as it is now) that were added or changed since <rev>, as mutation/lines.py takes them:
#   mutation/changed_lines.sh 9d46a73 bayesreg/optimize/map.py   ->  12-14,40,52-60
set -euo pipefail
rev=${1:?usage: changed_lines.sh <rev> <file>}
file=${2:?usage: changed_lines.sh <rev> <file>}
git diff -U0 "$rev" -- "$file" | sed -n 's/^@@ -[0-9,]* +\([0-9]*\)\(,\([0-9]*\)\)\{0,1\} @@.*/\1 \3/p' |
    awk '{ n = ($2 == "") ? 1 : $2; if (n > 0) printf "%s%d-%d", (k++ ? "," : ""), $1, $1 + n - 1 } END { print "" }'
