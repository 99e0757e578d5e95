#!/usr/bin/env bash
# Render the demo notebooks with their outputs: bash scripts/render_notebooks.sh [NAME ...]
#   docs/notebooks/<stem>.html  <- notebooks/<stem>.ipynb executed at its full (default) settings (nbclient),
#                                  written by nbconvert; the notebook itself stays stored without outputs
#   NAME                           only those notebooks (file name, stem or a prefix such as 04); default: all
# Takes several minutes per sampling notebook; use a quiet machine. tests/test_rendered_notebooks.py fails when a
# notebook was edited after its copy was rendered.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
source "$ROOT/scripts/notebooks_extra.sh"
exec "$VENV/bin/python" scripts/render_notebooks.py "$@"
