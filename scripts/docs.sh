#!/usr/bin/env bash
# Build the documentation site into docs/_build/html (offline; warnings are errors).
#
# Installs symconv with its docs extra into .venv when that is missing, then runs
# sphinx-build -W -n (nitpicky). The build runs every derivation in derivations/
# and fails if one fails. Open docs/_build/html/index.html, or serve it with
#   python3 -m http.server --bind 127.0.0.1 --directory docs/_build/html
set -euo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/python -c "import sphinx, furo, numpydoc, matplotlib, symconv" 2>/dev/null \
    || ! .venv/bin/python -c "import importlib.util as u; assert u.find_spec('mathjax')" 2>/dev/null; then
    python3 -m venv .venv
    .venv/bin/python -m pip install --quiet -c scripts/constraints.txt -e ".[docs]"
fi
.venv/bin/python -m sphinx -W -n --keep-going -b html docs docs/_build/html "$@"
echo "built docs/_build/html/index.html"
