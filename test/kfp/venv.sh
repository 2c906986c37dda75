#!/usr/bin/env bash
# Creates (once per machine) a Python venv holding the KFP SDK and its protobuf IR parser, and prints its python.
# Kept apart from JupyterLab's venv: kfp pins requests and urllib3 exactly. Cached under the user's cache dir,
# keyed by the pinned versions in requirements.txt: a new pin means a new venv.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KEY=$(sha256sum "$HERE/requirements.txt" | cut -c1-12)
BASE="${XDG_CACHE_HOME:-$HOME/.cache}/kubeflow-workbench/kfp-venv"
VENV="$BASE/$KEY"
PY="$VENV/bin/python"

ready() { [ -f "$VENV/.installed" ]; }
if ready; then
  echo "$PY"
  exit 0
fi
mkdir -p "$BASE"
# Two test runs starting at once must not install twice (or use a half-installed venv).
exec 9>"$BASE/$KEY.lock"
flock 9
if ready; then
  echo "$PY"
  exit 0
fi
rm -rf "$VENV.tmp" "$VENV"
echo "installing kfp into $VENV (once per machine, about a minute)" >&2
# Built in place under its final name (venvs hard-code their path), marked ready only when complete.
python3 -m venv "$VENV"
"$PY" -m pip install -q --disable-pip-version-check -r "$HERE/requirements.txt" >&2
touch "$VENV/.installed"
echo "$PY"
