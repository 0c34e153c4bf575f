"""One run of the whole catalogue per test session, shared by the catalogue and CLI tests.

``prove_all`` fills the in-process caches (established rules, grid tiers), so
later derivations and ``symconv prove --all`` in the same session are cheap.
"""

from __future__ import annotations

from functools import cache

from symconv.catalogue.runner import prove_all


@cache
def results() -> dict:
    return {name: derivation for name, derivation, _ in prove_all(progress=None)}
