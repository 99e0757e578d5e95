#!/usr/bin/env bash
# Set-up shared by the project's commands: find a Python >= 3.12, make .venv, install bayesreg.
# Idempotent: reinstalls only when pyproject.toml changed. Sourced by run.sh and test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

find_python() {
  local cand
  for cand in "${BAYESREG_PYTHON:-}" python3.13 python3.12 python3 python; do
    [ -n "$cand" ] || continue
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$cand"; return 0
    fi
  done
  local root
  for root in "$(pyenv root 2>/dev/null || true)" "$HOME/.pyenv" /root/.pyenv; do
    [ -d "$root/versions" ] || continue
    for cand in $(ls -d "$root"/versions/3.1[2-9]* 2>/dev/null | sort -V -r); do
      if [ -x "$cand/bin/python3" ]; then echo "$cand/bin/python3"; return 0; fi
    done
  done
  return 1
}

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
  PY="$(find_python)" || {
    echo "bayesreg needs Python >= 3.12 and none was found (tried python3.13, python3.12, python3, pyenv)." >&2
    echo "Install one (e.g. 'pyenv install 3.12') or point BAYESREG_PYTHON at it." >&2
    exit 1
  }
  echo "[setup] creating .venv with $PY ($("$PY" --version))" >&2
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi

STAMP="$VENV/.bayesreg-installed"
if [ ! -f "$STAMP" ] || [ "$ROOT/pyproject.toml" -nt "$STAMP" ]; then
  echo "[setup] installing bayesreg and its dependencies into .venv" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[test,dask]"
  touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
