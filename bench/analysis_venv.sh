#!/usr/bin/env bash
# The analysis benchmark's own Python venv (DuckDB, pandas, scikit-learn, pyarrow from PyPI), cached per machine
# and keyed by the pinned versions. Built in place under a lock (a venv's scripts record their own path, so it is
# not moved) and marked complete only at the end, so an interrupted build is redone. Prints the python to use.
set -euo pipefail
PINS="duckdb==2.0.0 numpy==2.4.6 pandas==3.1.1 pyarrow==26.0.1 scikit-learn==1.9.1"
KEY=$(echo "$PINS" | sha256sum | cut -c1-12)
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/kubeflow-workbench"
VENV="$CACHE/bench-venv-analysis-$KEY"
mkdir -p "$CACHE"
exec 9>"$CACHE/bench-venv.lock"
flock 9
if [ ! -f "$VENV/.complete" ]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install -q --disable-pip-version-check $PINS >&2
  touch "$VENV/.complete"
fi
echo "$VENV/bin/python"
