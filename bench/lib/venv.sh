#!/usr/bin/env bash
# A benchmark's own Python venv with pinned packages from PyPI, cached per machine and keyed by the pins:
#   bash bench/lib/venv.sh NAME PACKAGE==VERSION...     (prints the python to use)
# Built in place under a lock (a venv's scripts record their own path, so it is not moved) and marked complete
# only at the end, so an interrupted build is redone.
set -euo pipefail
NAME=$1
shift
KEY=$(echo "$*" | sha256sum | cut -c1-12)
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/kubeflow-workbench"
VENV="$CACHE/bench-venv-$NAME-$KEY"
mkdir -p "$CACHE"
exec 9>"$CACHE/bench-venv.lock"
flock 9
if [ ! -f "$VENV/.complete" ]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "$@" >&2
  touch "$VENV/.complete"
fi
echo "$VENV/bin/python"
