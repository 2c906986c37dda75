#!/usr/bin/env bash
# Installs the Galata test dependencies (cached by lock file) and runs the UI tests in Debian's Chromium.
# Usage: ui-tests/run.sh [REPORT_JSON]
#        KFWB_GALATA_CONFIG=playwright.k8s.config.js ui-tests/run.sh [REPORT_JSON]   (kubernetes mode, real cluster)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 CI=${CI:-1}
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund --loglevel=error
fi
export KFWB_GALATA_REPORT="${1:-$PWD/test-results/report.json}"
npx playwright test --config "${KFWB_GALATA_CONFIG:-playwright.config.js}"
