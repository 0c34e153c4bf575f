#!/usr/bin/env bash
# The README's test command: set up a fresh machine and run every test.
#
# Installs the Debian packages the tests need (when run as root or with sudo),
# creates .venv with the package and its test extras, then runs ruff and
# pytest. SYMCONV_REQUIRE_TOOLS=1 (set here) makes a missing external tool a
# test failure instead of a skip.
set -euo pipefail
cd "$(dirname "$0")/.."

# Headless Chromium for the documentation site's browser test (tests/test_docs_site.py).
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test,docs]"
# PyTorch is the conformance oracle (a local CPU wheel; unpinned would pull gigabytes).
.venv/bin/python -m pip install --quiet torch==2.13.0

export SYMCONV_REQUIRE_TOOLS=1
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
