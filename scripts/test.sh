#!/usr/bin/env bash
# The project's test command (README, second command; CI calls it too).
# Sets up what the tests need on a fresh machine, then runs every test and
# every criterion benchmark once in test mode.
#
# The HTML report tests open the report in headless Chromium, one of them
# driven by Playwright. Where Chromium is missing this script installs
# Debian's package when it can (root + apt), and playwright-core from npm;
# otherwise those tests fail and say why, rather than passing silently.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "scripts/test.sh: installing chromium for the HTML report test"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "scripts/test.sh: chromium is not installed and cannot be installed here;" \
         "the HTML browser test will fail (install chromium, or see README)" >&2
  fi
fi

# The Python suite (scripts/benchmark_py314.py): its own tests, then one short
# run whose output the Rust tests ingest (PY314_RESULTS, report/tests/all/python.rs)
# and whose kernel and payload they compare with the Rust ones. Without a
# Python 3 those tests say they skipped, unless REQUIRE_PYTHON is set (.ci/run).
python=${PYTHON:-python3}
if command -v "$python" >/dev/null 2>&1; then
  "$python" -m unittest discover -s scripts -p 'test_*.py'
  mkdir -p target
  "$python" scripts/benchmark_py314.py --iterations 2 --output target/py314-results.json >target/py314-results.log
  export PY314_RESULTS="$PWD/target/py314-results.json"
  echo "scripts/test.sh: Python suite ran on $("$python" --version 2>&1) -> $PY314_RESULTS"
elif [ -n "${REQUIRE_PYTHON:-}" ]; then
  echo "scripts/test.sh: REQUIRE_PYTHON is set but $python is not installed" >&2
  exit 1
else
  echo "scripts/test.sh: $python not found; the Python suite's tests are skipped" >&2
fi

# The browser test drives the page with Playwright (npm's playwright-core,
# pinned by report/tests/browser/package-lock.json) and the Chromium above;
# Playwright's own browser download is never used.
if [ ! -d report/tests/browser/node_modules/playwright-core ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "scripts/test.sh: installing playwright-core for the HTML browser test"
    npm ci --prefix report/tests/browser --no-audit --no-fund --silent
  else
    echo "scripts/test.sh: npm is missing; the HTML browser test will fail (install Node.js and npm)" >&2
  fi
fi

exec cargo test --workspace --all-targets --locked "$@"
