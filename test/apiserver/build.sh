#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the Go module proxy once per machine and prints the directory holding
# both. Cached under the user's cache dir, keyed by the pinned versions: a new pin means a new build.
# The pins live in kube-apiserver/go.mod and etcd/go.mod; their go.sum files are committed, so the default
# -mod=readonly is enough and a build never rewrites them.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
K8S_VERSION=$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" {print $3}' "$HERE/kube-apiserver/go.mod")
ETCD_VERSION=$(grep -E "go.etcd.io/etcd/server/v3 v" "$HERE/etcd/go.mod" | head -1 | awk "{print \$NF}")
ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/kubeflow-workbench/apiserver/${K8S_VERSION}-etcd-${ETCD_VERSION}"
BIN="$ROOT/bin"

ready() { [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/etcd" ]; }
if ready; then
  echo "$BIN"
  exit 0
fi
command -v go >/dev/null || { echo "Go >= 1.24 is needed to build kube-apiserver and etcd" >&2; exit 1; }
mkdir -p "$BIN"
# Two test runs starting at once must not build twice (or read a half-written binary).
exec 9>"$ROOT/build.lock"
flock 9
if ready; then
  echo "$BIN"
  exit 0
fi

start=$SECONDS
minor=${K8S_VERSION#v1.}
minor=${minor%%.*}
echo "building kube-apiserver $K8S_VERSION and etcd $ETCD_VERSION (once per machine; 10-25 min on 2 cores)" >&2
(cd "$HERE/etcd" && nice go build -ldflags '-s -w' -o "$BIN/etcd.tmp" .)
# Version ldflags: without them the binary reports v0.0.0-master and feature-gate emulation guesses the version.
(cd "$HERE/kube-apiserver" && nice go build -o "$BIN/kube-apiserver.tmp" \
  -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION \
    -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor" \
  k8s.io/kubernetes/cmd/kube-apiserver)
mv "$BIN/etcd.tmp" "$BIN/etcd"
mv "$BIN/kube-apiserver.tmp" "$BIN/kube-apiserver"
echo "built in $((SECONDS - start)) s" | tee "$ROOT/build-time.txt" >&2
echo "$BIN"
