"""The proof engine: rules, rewriting, the symbolic tier's soundness, refutations."""

from __future__ import annotations

import sympy as sp
from sympy import Identity, MatMul, Transpose

from symconv import Conv, Corr, Downsample, Flip, Pad, Upsample, kernel, prove
from symconv.derivation import Rule, Tier, Verdict
from symconv.proof.rewrite import justifies, normalize
from symconv.proof.rules import RULES, RewriteRule, _establish, border
from symconv.proof.symbolic import entrywise_equal

n, k = sp.symbols("n k", integer=True, positive=True)
q = kernel("q", 3)


def test_normalize_names_every_step() -> None:
    expr = Transpose(MatMul(Downsample(6, 2), Transpose(Conv(q, 6, "same"))))
    normal, steps = normalize(expr)
    assert normal == MatMul(Conv(q, 6, "same"), Upsample(3, 2, 6))
    assert [s.rule.name for s in steps] == [
        "transpose-product",
        "double-transpose",
        "down-transpose",
    ]


def test_justifies_checks_the_rule_and_the_direction() -> None:
    assert justifies("down-transpose", Transpose(Downsample(5, 2)), Upsample(3, 2, 5))
    assert justifies("down-transpose", Upsample(3, 2, 5), Transpose(Downsample(5, 2)))
    assert not justifies("down-transpose", Transpose(Downsample(5, 2)), Upsample(3, 2, 6))
    assert not justifies("pad-transpose", Transpose(Downsample(5, 2)), Upsample(3, 2, 5))


def test_a_false_rule_is_not_established() -> None:
    wrong = RewriteRule(
        Rule("up-down-is-identity", "↑ₖ↓ₖ = I (false)", "I"),
        lambda f: (
            Identity(f[0].rows)
            if isinstance(f[0], Upsample) and isinstance(f[1], Downsample)
            else None
        ),
        "nothing",
        lambda: ((MatMul(Upsample(3, 2), Downsample(6, 2)), Identity(6)),),
        window=2,
    )
    RULES[wrong.name] = wrong
    try:
        holds, count, failure = _establish(wrong.name)
    finally:
        del RULES[wrong.name]
    assert not holds and count == 1 and "entry (1, 1)" in failure


def test_symbolic_tier_keeps_divisibility() -> None:
    # SymPy's delta summation says ↑ₖ↓ₖ = I; the index algebra must not.
    assert not entrywise_equal(MatMul(Upsample(n, k), Downsample(k * n, k)), Identity(k * n))[0]
    assert entrywise_equal(MatMul(Downsample(k * n, k), Upsample(n, k)), Identity(n))[0]
    holds, detail = entrywise_equal(Transpose(Downsample(n, k)), Upsample(sp.ceiling(n / k), k, n))
    assert holds and "Mod(i, k) = 0" in detail


def test_symbolic_tier_does_not_claim_false_identities() -> None:
    assert not entrywise_equal(Conv(q, n, "full").T, Conv(q, n + 2, "valid"))[0]  # not flipped
    # Corr(q, n, (1, 1), 2) = ↓₂ Corr(q, n, (1, 1)) is true (strided-conv); shifted, it is not.
    shifted = MatMul(Downsample(n, 2), Corr(q, n, (2, 0)))
    assert not entrywise_equal(Corr(q, n, (1, 1), 2), shifted)[0]
    assert entrywise_equal(Corr(q, n, (1, 1), 2), MatMul(Downsample(n, 2), Corr(q, n, (1, 1))))[0]


def test_border_pads_first_then_crops() -> None:
    assert border(5, 2, 1) == Pad(5, 2, 1)
    assert str(border(5, -1, 2)) == "Crop(7, 1, 0)*Pad(5, 0, 2)"
    assert border(5, 0, 0) == Identity(5)


def test_prove_holds_with_all_tiers_for_symbolic_sizes() -> None:
    proof = prove(Transpose(Flip(n)), Flip(n))
    assert proof.verdict is Verdict.PROVEN and bool(proof)
    assert proof.passed == (
        Tier.REWRITE,
        Tier.SYMBOLIC,
        Tier.EXHAUSTIVE,
        Tier.NUMERIC,
    )
    assert str(proof).startswith("Flip(n).T = Flip(n): proven")
    assert [t.scope for t in proof.tiers] == ["all", "all", "bounded", "bounded"]


def test_prove_refutes_with_the_smallest_counterexample() -> None:
    proof = prove(MatMul(Upsample(n, k), Downsample(k * n, k)), Identity(k * n))
    assert proof.verdict is Verdict.REFUTED and not proof
    assert dict(proof.counterexample.sizes) == {"k": 2, "n": 1}
    assert proof.counterexample.difference.entry == (1, 1)
    assert (
        proof.counterexample.difference.left_value,
        proof.counterexample.difference.right_value,
    ) == (0, 1)


def test_prove_refutes_unflipped_transpose_and_shape_mismatch() -> None:
    wrong = prove(Transpose(Conv(q, n, "full")), Conv(q, n + 2, "valid"))
    assert wrong.verdict is Verdict.REFUTED
    diff = wrong.counterexample.difference
    assert dict(wrong.counterexample.sizes) == {"n": 1} and diff.entry == (0, 0)
    assert (diff.left_value, diff.right_value) == (q[0], q[2])
    shapes = prove(Upsample(2, 2), Upsample(2, 2, 3))
    assert shapes.verdict is Verdict.REFUTED and shapes.counterexample.difference.entry is None
    assert shapes.counterexample.difference.left_shape == (4, 2)


def test_prove_rejects_non_matrices() -> None:
    import pytest

    from symconv import ParameterError

    with pytest.raises(ParameterError, match="lhs"):
        prove(sp.Integer(1), Flip(2))


def test_prove_refuses_kernels_of_symbolic_length_with_a_clear_error() -> None:
    import pytest

    from symconv import ParameterError
    from symconv.kernels import family

    m = sp.Symbol("m", integer=True, positive=True)
    with pytest.raises(ParameterError, match=r"rhs=.* kernels of concrete length"):
        prove(Conv(q, n), Conv(family("q", m), n))


def test_the_exhaustive_detail_says_how_much_of_the_shape_scan_ran() -> None:
    """Two size symbols up to 64 are 3952 assignments beyond the bound: the scan stops at
    2000 of them, and the detail says exactly that (not "for k, n <= 64")."""
    proof = prove(Transpose(Upsample(n, k)), Downsample(k * n, k))
    detail = next(t.detail for t in proof.tiers if t.tier is Tier.EXHAUSTIVE)
    assert "the first 2000 of the 3952 assignments with k, n ≤ 64 beyond the bound" in detail
    one = prove(Transpose(Flip(n)), Flip(n))
    detail = next(t.detail for t in one.tiers if t.tier is Tier.EXHAUSTIVE)
    assert "for n ≤ 64 and near" in detail
