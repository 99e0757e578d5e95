#!/usr/bin/env bash
# Regenerate the README's figures: bash scripts/figures.sh [--bench]
#   docs/figures/*.png + report.html  <- `bayesreg demo --out docs/figures` (the demo's own output)
#   docs/figures/bench_*.png          <- benchmarks/plot_results.py from benchmarks/results/*.json
#   --bench                           also re-run both benchmarks first (several minutes; use a quiet machine)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
if [[ "${1:-}" == "--bench" ]]; then
    mkdir -p benchmarks/results
    "$VENV/bin/python" benchmarks/bench_paths.py --json benchmarks/results/bench_paths.json
    "$VENV/bin/python" benchmarks/bench_sampling.py --json benchmarks/results/bench_sampling.json
fi
"$VENV/bin/bayesreg" demo --out docs/figures
"$VENV/bin/python" benchmarks/plot_results.py --results benchmarks/results --out docs/figures
