"""A rewrite or symbolic tier that does not pass is "not shown" (``?``), never a failure.

Only a bounded tier (exhaustive, numeric) finds counterexamples; an argument that does
not reach a common form is no evidence against an identity.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symconv import Conv, Downsample, Upsample, prove
from symconv.derivation import Tier, TierResult, Verdict
from symconv.printing.text import LEGEND, tier_mark

n = sp.Symbol("n", integer=True, positive=True)


def upsample_reference(x: np.ndarray, k: int) -> np.ndarray:
    """↑ₖ to length k·len(x), written out with NumPy alone: x at multiples of k, zeros between."""
    y = np.zeros(k * len(x))
    y[::k] = x
    return y


@pytest.mark.parametrize("size", [1, 2, 5])
def test_the_identity_is_true(size: int) -> None:
    """↑₂ (to 4n) after ↑₂ (to 2n) is ↑₄ (to 4n): checked without symconv."""
    x = np.arange(1.0, size + 1)
    assert np.array_equal(upsample_reference(upsample_reference(x, 2), 2), upsample_reference(x, 4))


def test_true_identity_the_rules_do_not_reach_is_marked_not_shown() -> None:
    proof = prove(Upsample(2 * n, 2) @ Upsample(n, 2), Upsample(n, 4))
    by_tier = {t.tier: t for t in proof.tiers}
    marks = [tier_mark(by_tier[t]) for t in Tier]
    assert marks == ["?", "?", "E", "N"]
    assert proof.verdict.value == "verified"
    assert [by_tier[t].as_dict()["result"] for t in Tier] == [
        "not shown",
        "not shown",
        "passed",
        "passed",
    ]
    assert "[ ?  ] rewrite: normal forms differ" in str(proof)
    assert "rewrite not shown" in repr(proof) and "failed" not in repr(proof)
    # The long text keeps its columns: every tier's scope starts where the others' do.
    from symconv.derivation import Derivation
    from symconv.printing.text import format_derivation

    text = format_derivation(Derivation("up-up", "↑₂↑₂ = ↑₄", (), proof.tiers))
    rows = [line for line in text.splitlines() if "  scope: " in line]
    assert len(rows) == 4 and len({row.index("scope:") for row in rows}) == 1
    assert rows[0].startswith("  rewrite    not shown  scope: ")


def test_a_counterexample_is_still_marked_failed() -> None:
    proof = prove(Upsample(n, 2) @ Downsample(2 * n, 2), sp.Identity(2 * n))
    exhaustive = next(t for t in proof.tiers if t.tier is Tier.EXHAUSTIVE)
    assert proof.verdict.value == "refuted"
    assert tier_mark(exhaustive) == "x" and exhaustive.result == "failed"


@pytest.mark.parametrize(
    ("tier", "mark", "result"),
    [
        (Tier.REWRITE, "?", "not shown"),
        (Tier.SYMBOLIC, "?", "not shown"),
        (Tier.EXHAUSTIVE, "x", "failed"),
        (Tier.NUMERIC, "x", "failed"),
    ],
)
def test_mark_and_result_of_a_tier_that_ran_and_did_not_pass(
    tier: Tier, mark: str, result: str
) -> None:
    outcome = TierResult(tier, False, "did not pass")
    assert (tier_mark(outcome), outcome.result) == (mark, result)


def test_legend_explains_every_mark() -> None:
    assert "? not shown" in LEGEND
    assert "x an exhaustive or numeric check found a difference" in LEGEND


def test_an_undecided_exhaustive_tier_is_not_shown_and_a_difference_is_failed() -> None:
    """√(t²) − t is not identically 0 and SymPy cannot decide it: the exhaustive tier stops
    undecided (``?``); sin(t)² as a tap where 1 stands is a difference (``x``)."""
    t = sp.Symbol("t")
    n = sp.Symbol("n", integer=True, positive=True)
    undecided = prove(Conv((sp.sqrt(t**2) - t, 1), n), Conv((0, 1), n))
    exhaustive = next(r for r in undecided.tiers if r.tier is Tier.EXHAUSTIVE)
    assert undecided.verdict is Verdict.UNKNOWN and exhaustive.detail.startswith("undecided")
    assert (tier_mark(exhaustive), exhaustive.result) == ("?", "not shown")
    wrong = prove(Conv((sp.sin(t) ** 2, 1), n), Conv((1, 1), n))
    exhaustive = next(r for r in wrong.tiers if r.tier is Tier.EXHAUSTIVE)
    assert (tier_mark(exhaustive), exhaustive.result) == ("x", "failed")
