#!/usr/bin/env bash
# The tuning benchmark's own Python venv with Optuna from PyPI, cached per machine and keyed by the pinned
# version. Built in place under a lock (a venv's scripts record their own path, so it is not moved) and marked
# complete only at the end, so an interrupted build is redone. Prints the python to use.
set -euo pipefail
OPTUNA_VERSION=4.9.0
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/kubeflow-workbench"
VENV="$CACHE/bench-venv-optuna-$OPTUNA_VERSION"
mkdir -p "$CACHE"
exec 9>"$CACHE/bench-venv.lock"
flock 9
if [ ! -f "$VENV/.complete" ]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "optuna==$OPTUNA_VERSION" >&2
  touch "$VENV/.complete"
fi
echo "$VENV/bin/python"
