#!/usr/bin/env bash
# The README's main job: install symconv into .venv and prove the whole identity
# catalogue (progress on stderr, a table of identities × tiers on stdout), writing
# each checked derivation to build/derivations/<name>.txt. Exit status 0 only when
# every identity is proven and the seed's misprint is refuted.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet -c scripts/constraints.txt -e .
.venv/bin/symconv prove --all --out build/derivations
