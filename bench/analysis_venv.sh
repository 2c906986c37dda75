#!/usr/bin/env bash
# The analysis benchmark's venv: DuckDB, pandas, scikit-learn and pyarrow, pinned (bench/lib/venv.sh).
exec bash "$(dirname "${BASH_SOURCE[0]}")/lib/venv.sh" analysis \
  duckdb==2.0.0 numpy==2.4.6 pandas==3.1.1 pyarrow==26.0.1 scikit-learn==1.9.1
