#!/usr/bin/env bash
# Set up (first time) and run the bayesreg command: bash scripts/run.sh compare
# or open the demo notebooks in JupyterLab: bash scripts/run.sh notebooks [jupyter lab options, e.g. --port 8899]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
if [[ "${1:-}" == "notebooks" ]]; then
  shift
  source "$ROOT/scripts/notebooks_extra.sh"  # installs JupyterLab (the notebooks extra) on first use
  lab=(--ServerApp.root_dir="$ROOT/notebooks")
  [ "$(id -u)" != 0 ] || lab+=(--allow-root)  # containers and CI often run as root, which Jupyter refuses by default
  cd "$ROOT/notebooks"
  exec "$VENV/bin/jupyter-lab" "${lab[@]}" "$@"
fi
exec "$VENV/bin/bayesreg" "${@:-compare}"
