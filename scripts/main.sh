#!/usr/bin/env bash
# The README's main job: install symconv into .venv and prove the whole identity
# catalogue (progress on stderr, a table of identities × tiers × verdict on stdout),
# writing each checked derivation to build/derivations/<name>.txt. The table says which
# entries are "proven" (an argument for all values of every parameter) and which only
# "verified" (exact and numeric agreement up to the stated bounds). Exit status 0 when
# every identity is at least verified (--require verified) and the misprinted variant of
# transposed-conv-as-transpose (↑ₖ inside the parentheses) is refuted; 1 when one is refuted, 4 when one is unknown.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet -c scripts/constraints.txt -e .
.venv/bin/symconv prove --all --require verified --out build/derivations
