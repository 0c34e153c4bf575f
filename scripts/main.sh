#!/usr/bin/env bash
# The README's main job: install symconv into .venv and prove the catalogue,
# writing the checked derivations.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet -e .
for script in derivations/*.py; do
    .venv/bin/python "$script"
done
