#!/usr/bin/env bash
# Set up (first time) and run the bayesreg command: bash scripts/run.sh compare
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
exec "$VENV/bin/bayesreg" "${@:-compare}"
