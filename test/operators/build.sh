#!/usr/bin/env bash
# Builds the real Training Operator (training-operator.v1), kwok and katib-controller from the Go module registry
# once per machine and prints the directory holding the three binaries. Same pattern as
# test/apiserver/build.sh: wrapper modules with committed go.sum (-mod=readonly never rewrites them), cached under
# the user's cache dir keyed by the pinned versions, a flock so parallel runs build once, `.tmp` then mv.
# `go build -o` rather than `go install`: katib's main package is named v1beta1 like its other commands.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pin() { awk -v m="$2" '$1 == "require" && $2 == m {print $3} $1 == m {print $2}' "$HERE/$1/go.mod" | head -1; }
TO_VERSION=$(pin training-operator github.com/kubeflow/training-operator)
KWOK_VERSION=$(pin kwok sigs.k8s.io/kwok)
KATIB_VERSION=$(pin katib-controller github.com/kubeflow/katib)
ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/kubeflow-workbench/operators/to-${TO_VERSION}-kwok-${KWOK_VERSION}-katib-${KATIB_VERSION}"
BIN="$ROOT/bin"

ready() { [ -x "$BIN/training-operator" ] && [ -x "$BIN/kwok" ] && [ -x "$BIN/katib-controller" ]; }
if ready; then
  echo "$BIN"
  exit 0
fi
command -v go >/dev/null || { echo "Go >= 1.26 is needed to build the training operator, kwok and katib" >&2; exit 1; }
mkdir -p "$BIN"
exec 9>"$ROOT/build.lock"
flock 9
if ready; then
  echo "$BIN"
  exit 0
fi

build() { # name, wrapper dir, main package
  [ -x "$BIN/$1" ] && return 0
  local t=$SECONDS
  echo "building $1 (once per machine; several minutes on 2 cores)" >&2
  (cd "$HERE/$2" && nice go build -ldflags '-s -w' -o "$BIN/$1.tmp" "$3")
  mv "$BIN/$1.tmp" "$BIN/$1"
  echo "$1: $((SECONDS - t)) s" | tee -a "$ROOT/build-time.txt" >&2
}
build kwok kwok sigs.k8s.io/kwok/cmd/kwok
build training-operator training-operator github.com/kubeflow/training-operator/cmd/training-operator.v1
build katib-controller katib-controller github.com/kubeflow/katib/cmd/katib-controller/v1beta1
echo "$BIN"
