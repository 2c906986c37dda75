#!/usr/bin/env bash
# The tuning benchmark's venv: Optuna, pinned (bench/lib/venv.sh).
exec bash "$(dirname "${BASH_SOURCE[0]}")/../lib/venv.sh" optuna optuna==4.9.0
