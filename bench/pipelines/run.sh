#!/usr/bin/env bash
# Pipeline runner benchmark: builds the proxy bundle, finds (or makes, once) the kfp venv, runs bench.py in it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
PY=$(bash test/kfp/venv.sh)
[ -n "${KFWB_BENCH_SKIP_BUILD:-}" ] || node proxy/build.mjs
exec "$PY" bench/pipelines/bench.py "$@"
