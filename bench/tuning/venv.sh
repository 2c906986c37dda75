#!/usr/bin/env bash
# The tuning benchmark's own Python venv with Optuna from PyPI, cached per machine and keyed by the pinned
# version (the same pattern as test/apiserver/build.sh: flock, build into .tmp, then mv). Prints the python path.
set -euo pipefail
OPTUNA_VERSION=4.9.0
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/kubeflow-workbench"
VENV="$CACHE/bench-venv-optuna-$OPTUNA_VERSION"
mkdir -p "$CACHE"
exec 9>"$CACHE/bench-venv.lock"
flock 9
if [ ! -x "$VENV/bin/python" ]; then
  rm -rf "$VENV.tmp"
  python3 -m venv "$VENV.tmp"
  "$VENV.tmp/bin/pip" install -q --disable-pip-version-check "optuna==$OPTUNA_VERSION" >&2
  # A venv records its own path in its scripts; recreate in place after the move so they point at $VENV.
  mv "$VENV.tmp" "$VENV"
  python3 -m venv --upgrade "$VENV" >&2
fi
echo "$VENV/bin/python"
