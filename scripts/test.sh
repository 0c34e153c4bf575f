#!/usr/bin/env bash
# The README's test command: set up a fresh machine and run every test.
#
# Installs the Debian packages the tests need (when run as root or with sudo),
# creates .venv with the package and its test extras, then runs ruff and
# pytest. SYMCONV_REQUIRE_TOOLS=1 (set here) makes a missing external tool a
# test failure instead of a skip.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests need, installed only when missing (one apt-get run).
# Root runs apt-get directly, anyone else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
        echo "scripts/test.sh: cannot run '$*' (not root, no sudo)" >&2; return 1; fi
}
need_chromium=false need_tex=false
# Headless Chromium for the documentation site's browser test (tests/test_docs_site.py).
command -v chromium >/dev/null 2>&1 || need_chromium=true
# pdflatex for the LaTeX tests: texlive-latex-base alone has everything symconv's LaTeX
# uses (amsmath, amssymb, geometry); about a minute to install.
command -v pdflatex >/dev/null 2>&1 || need_tex=true
if $need_chromium || $need_tex; then
    as_root apt-get update -qq
fi
if $need_chromium; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
if $need_tex; then
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends texlive-latex-base
fi

python3 -m venv .venv
# Exact versions from scripts/constraints.txt (what the suite was run against), unless
# SYMCONV_CONSTRAINTS names another file or is set empty (the newest releases allowed).
constraints=${SYMCONV_CONSTRAINTS-scripts/constraints.txt}
.venv/bin/python -m pip install --quiet pip==26.3
# frameworks extra: PyTorch (the local CPU wheel torch==2.13.0 via pip's find-links;
# unpinned would pull gigabytes), JAX and TensorFlow CPU, the oracles of tests/conformance,
# which SYMCONV_REQUIRE_TOOLS=1 turns from skips into failures.
.venv/bin/python -m pip install --quiet ${constraints:+-c "$constraints"} -e ".[test,docs,frameworks]"

export SYMCONV_REQUIRE_TOOLS=1
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
