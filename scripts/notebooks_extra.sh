#!/usr/bin/env bash
# Sourced after env.sh by run.sh (notebooks) and render_notebooks.sh: make sure bayesreg's `notebooks` extra
# (JupyterLab, nbconvert, nbclient, ipykernel) is in .venv, installing it once; env.sh's test extra includes it,
# so this only installs when .venv was made without it.
have_extra='import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in ("jupyterlab", "nbconvert", "nbclient", "ipykernel")))'
if ! "$VENV/bin/python" -c "$have_extra" >/dev/null 2>&1 || [ ! -x "$VENV/bin/jupyter-lab" ]; then
  echo "[setup] installing JupyterLab and nbconvert (bayesreg's notebooks extra) into .venv" >&2
  if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[notebooks]"; then
    echo "" >&2
    echo "Could not install bayesreg's notebooks extra (JupyterLab, nbconvert) into $VENV:" >&2
    echo "pip failed (see its message above; no network or no access to PyPI?)." >&2
    echo "Once PyPI can be reached, run the command again, or install it by hand:" >&2
    echo "  $VENV/bin/python -m pip install -e '$ROOT[notebooks]'" >&2
    echo "The notebooks' rendered copies need nothing: docs/notebooks/*.html" >&2
    exit 1
  fi
fi
# the notebooks' kernel ("python3") is .venv's: its kernel spec comes first, and its argv "python" is the
# interpreter that runs Jupyter (.venv/bin/python), so `import bayesreg` works in them
export JUPYTER_PREFER_ENV_PATH=1
