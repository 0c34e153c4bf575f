"""Entries proven by their own arguments: scopes derived from what the arguments checked.

Eight entries state a claim through their own argument (``Entry.extra``): the 2-D
identities, the checkerboard uniformity, commutativity in every mode, the gradient,
the size relationships and circular correlation's transpose. Their scope is derived by
:func:`argued` from the expressions each argument checked, so each is proven only if
every parameter was symbolic there. Weakened variants (an argument that no longer
mentions a parameter; a wrong relationship) must not be proven.
"""

from __future__ import annotations

import dataclasses
import importlib
import re

import catalogue_run
import pytest
import sympy as sp

from symconv import catalogue
from symconv.catalogue import arithmetic, entry
from symconv.catalogue.arithmetic import RELATIONSHIPS
from symconv.catalogue.entry import Param, argued
from symconv.derivation import Tier, Verdict

#: Entry name → the module whose argument (through ``argued``) proves it.
PROVEN_BY_OWN_ARGUMENT = {
    # Its uniformity argument, at both ranks, goes through argued_by_rank to entry.argued.
    "checkerboard-overlap": "entry",
    "transposed-conv-is-gradient": "gradient",
    "conv-commutative": "convolution",
    "conv-arithmetic": "arithmetic",
    "circular-corr-transpose": "padding_modes",
}


def _symbolic(derivation) -> object:
    return next(t for t in derivation.tiers if t.tier is Tier.SYMBOLIC)


@pytest.mark.parametrize("name", PROVEN_BY_OWN_ARGUMENT)
def test_entry_is_proven_with_no_parameter_fixed(name: str) -> None:
    derivation = catalogue_run.results()[name]
    assert derivation.verdict is Verdict.PROVEN, derivation.tiers
    symbolic = _symbolic(derivation)
    assert symbolic.proves_all
    document = symbolic.as_dict()
    assert document["result"] == "passed" and document["scope"] == "all"
    assert document["fixed"] == {}
    params = catalogue.get(name).params
    # Every parameter is named free in the scope words (conv-arithmetic has none).
    assert symbolic.free == tuple(p.name for p in params)
    if params:
        assert symbolic.detail.startswith("for all " + ", ".join(p.name for p in params) + ":")


def test_the_direct_2d_form_stays_verified_its_channels_fixed() -> None:
    derivation = catalogue_run.results()["transposed-conv-as-direct-conv-2d"]
    assert derivation.verdict is Verdict.VERIFIED
    symbolic = _symbolic(derivation)
    assert symbolic.passed and symbolic.free == ("n",)
    assert {"m", "s", "lo", "hi", "d", "a", "cin", "cout", "groups"} == set(symbolic.fixed)
    assert symbolic.detail.startswith("for all n, at m = (3, 3), s = (2, 2)")


def _without(name: str):
    """``argued`` that drops every checked expression mentioning parameter ``name``."""
    pattern = re.compile(rf"{name}(_?\d)?")

    def mentions(expr: object) -> bool:
        return any(pattern.fullmatch(str(x)) for x in getattr(expr, "free_symbols", ()))

    def weakened(tier, parts, params, values, choices_run=()):
        parts = [(ok, words, [e for e in exprs if not mentions(e)]) for ok, words, exprs in parts]
        return argued(tier, parts, params, values, choices_run)

    return weakened


@pytest.mark.parametrize(
    "name", [n for n, module in PROVEN_BY_OWN_ARGUMENT.items() if module != "arithmetic"]
)
@pytest.mark.parametrize("dropped", ["n", "m"])
def test_an_argument_that_omits_a_parameter_is_not_proven(
    name: str, dropped: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = importlib.import_module(f"symconv.catalogue.{PROVEN_BY_OWN_ARGUMENT[name]}")
    monkeypatch.setattr(module, "argued", _without(dropped))
    derivation = catalogue.get(name).derivation()
    assert derivation.verdict is Verdict.VERIFIED, derivation.tiers
    symbolic = _symbolic(derivation)
    assert dropped in symbolic.fixed and not symbolic.proves_all


def test_a_mode_the_argument_did_not_check_is_fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    convolution = importlib.import_module("symconv.catalogue.convolution")
    mode = convolution.MODE_PARAM
    # A fourth mode offered but not among the modes the argument checked: mode is fixed.
    monkeypatch.setattr(
        convolution, "MODE_PARAM", dataclasses.replace(mode, choices=(*mode.choices, "circular"))
    )
    derivation = catalogue.get("conv-commutative").derivation()
    symbolic = _symbolic(derivation)
    assert symbolic.fixed == {"mode": "same"} and derivation.verdict is Verdict.VERIFIED


def test_argued_takes_the_narrowest_part_and_fails_if_any_part_fails() -> None:
    n, m = sp.symbols("n m")
    params = (Param("n", 3, "length"), Param("m", 2, "kernel length"))
    values = {"n": 3, "m": 2}
    every = argued(Tier.SYMBOLIC, [(True, "a", [n * m]), (True, "b", [n + m])], params, values)
    assert every.proves_all and every.free == ("n", "m")
    narrower = argued(Tier.SYMBOLIC, [(True, "a", [n * m]), (True, "b", [n])], params, values)
    assert dict(narrower.fixed) == {"m": 2} and not narrower.proves_all
    failed = argued(Tier.SYMBOLIC, [(True, "a", [n * m]), (False, "b", [n])], params, values)
    assert not failed.passed and failed.detail == "not shown: b"
    # A parameter held at a number in the expressions is fixed, whatever the words say.
    at_a_point = argued(Tier.SYMBOLIC, [(True, "for all n, m", [n * 3])], params, values)
    assert dict(at_a_point.fixed) == {"m": 2}
    assert entry.argued is argued


# --- conv-arithmetic: no parameters, so the argument itself must keep every size symbolic ---

#: The sizes each relationship's argument must leave free (its conditions set the others:
#: s = 1, p = 0, k = 2p + 1 (p then cancels), d = 1 except in 15; i' for the transposed ones).
FREE_SIZES = {
    1: "ik",
    2: "ikp",
    3: "i",
    4: "ik",
    5: "iks",
    6: "ikps",
    7: "iks",
    8: "k",
    9: "kp",
    10: "",
    11: "k",
    12: "ks",
    13: "kps",
    14: "ikps",
    15: "ikpsd",
}


def test_every_relationship_is_checked_with_its_sizes_symbolic() -> None:
    checks = arithmetic._symbolic_checks()
    assert [c[0] for c in checks] == list(range(1, 16))
    for number, shown, _, exprs in checks:
        assert shown, number
        names = {str(x) for e in exprs for x in e.free_symbols}
        assert set(FREE_SIZES[number]) <= names, (number, names)
        if RELATIONSHIPS[number - 1].transposed:
            # o'(o(i)) = i is shown for every input size: i (14) or i = s·u + k − 2p (8–13).
            assert names & {"i", "u"}, number
    assert catalogue.get("conv-arithmetic").params == ()


@pytest.mark.parametrize(
    "number, wrong",
    [
        (6, (arithmetic.i + 2 * arithmetic.p - arithmetic.k) / arithmetic.s + 1),  # no floor
        (14, arithmetic.s * (arithmetic.i_ - 1) + arithmetic.k - 2 * arithmetic.p),  # no a
        (15, sp.floor((arithmetic.i + 2 * arithmetic.p - arithmetic.k) / arithmetic.s) + 1),
    ],
)
def test_a_wrong_relationship_is_not_proven(
    number: int, wrong: sp.Expr, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = dataclasses.replace(RELATIONSHIPS[number - 1], formula=wrong)
    patched = tuple(bad if r.number == number else r for r in RELATIONSHIPS)
    monkeypatch.setattr(arithmetic, "RELATIONSHIPS", patched)
    checks = arithmetic._symbolic_checks()
    assert [c[0] for c in checks if not c[1]] == [number]
    parts = [(ok, f"relationship {n}", exprs) for n, ok, _, exprs in checks]
    result = argued(Tier.SYMBOLIC, parts, (), {})
    assert not result.passed and result.detail == f"not shown: relationship {number}"
