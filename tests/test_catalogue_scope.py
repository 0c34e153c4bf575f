"""The scope of an entry's rewrite and symbolic tiers is derived from their expressions.

Fake entries (built here, with known sides) check that a parameter the tier holds
at a number is reported fixed, that the words say so, and that such an entry is never
labelled proven; and that a choice parameter is free only when every choice passed.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp
from sympy.matrices.expressions import Transpose

from symconv import Downsample, Upsample, sizes
from symconv.catalogue.entry import Entry, Param, chain_from_script, grid
from symconv.cli.prove import entry_json, exit_status
from symconv.derivation import Tier, Verdict
from symconv.printing.text import tier_marks

N, K = sp.symbols("N k", integer=True, positive=True)
PARAMS = (Param("N", 4, "length"), Param("k", 2, "factor"))
MODE_PARAMS = (Param("n", 3, "length"), Param("mode", "even", "mode", choices=("even", "odd")))


def _sides(N: object, k: object) -> tuple:
    return Transpose(Downsample(N, k)), Upsample(sizes.downsample_length(N, k), k, N)


def _fake(name: str, **tiers: object) -> Entry:
    return Entry(
        name=name,
        statement="(↓ₖ on ℝᴺ)ᵀ = ↑ₖ, for all N, k >= 1",
        source="a test",
        params=PARAMS,
        sides=_sides,
        chain=lambda N, k: chain_from_script(_sides(N, k)[0], [("rule", "down-transpose")]),
        grid=lambda: grid(N=range(1, 6), k=range(1, 3)),
        bounds="N ≤ 5, k ≤ 2",
        **tiers,
    )


def test_a_symbolic_tier_that_silently_fixes_a_parameter_is_not_proven() -> None:
    # The entry's own words claim "for all N, k", but k is a number in its sides.
    entry = _fake("fake-fixes-k", symbolic=lambda k, **_: (*_sides(N, k), "for all N, k"))
    derivation = entry.derivation(k=3)
    symbolic = derivation.tiers[1]
    assert symbolic.tier is Tier.SYMBOLIC and symbolic.passed
    assert (symbolic.scope, dict(symbolic.fixed), symbolic.free) == ("all", {"k": 3}, ("N",))
    assert symbolic.detail.startswith("for all N, at k = 3: ")
    assert derivation.verdict is Verdict.VERIFIED
    assert tier_marks(derivation) == "- s E N"
    document = entry_json(entry.name, derivation, entry.resolve(k=3))
    assert document["verdict"] == "verified"
    assert document["parameters"] == {"N": 4, "k": 3}
    assert document["tiers"]["symbolic"]["fixed"] == {"k": 3}
    assert document["tiers"]["rewrite"] == {
        "result": "n/a",
        "scope": "bounded",
        "fixed": {},
        "detail": "n/a: no rule chain with symbolic sizes",
    }


def test_a_tier_symbolic_in_every_parameter_is_proven() -> None:
    general = lambda **_: (  # noqa: E731
        chain_from_script(_sides(N, K)[0], [("rule", "down-transpose")]),
        _sides(N, K)[1],
        "",
    )
    entry = _fake("fake-all-free", general=general)
    derivation = entry.derivation()
    rewrite = derivation.tiers[0]
    assert (rewrite.passed, rewrite.scope, dict(rewrite.fixed)) == (True, "all", {})
    assert rewrite.detail.startswith("for all N, k: 1 rule applications")
    assert derivation.verdict is Verdict.PROVEN and tier_marks(derivation) == "R - E N"


def test_a_tier_with_no_parameter_free_is_only_at_a_point() -> None:
    entry = _fake("fake-point", symbolic=lambda N, k: (*_sides(N, k), "for all N, k"))
    result = entry.symbolic_tier(N=5, k=2)
    assert dict(result.fixed) == {"N": 5, "k": 2} and result.free == ()
    assert result.detail.startswith("only at N = 5, k = 2: ")


def _choice_entry(name: str) -> Entry:
    n = sp.Symbol("n", integer=True, positive=True)

    def sides(n: object, mode: str) -> tuple:
        lhs = Transpose(Downsample(n, 1))
        return lhs, Downsample(n, 1) if mode == "odd" else Upsample(n, 1, n)

    return Entry(
        name=name,
        statement="a test statement over two modes",
        source="a test",
        params=MODE_PARAMS,
        sides=sides,
        chain=lambda n, mode: chain_from_script(sides(n, mode)[0], []),
        grid=lambda: grid(n=range(1, 4), mode=("even",)),
        bounds="n ≤ 3",
        symbolic=lambda mode, **_: (*sides(n, mode), ""),
    )


def test_a_choice_parameter_is_free_only_when_every_choice_passed() -> None:
    # Both modes hold (↓₁ᵀ = ↓₁ = ↑₁ = I): the tier runs for each, so mode is free.
    entry = _choice_entry("fake-modes")
    result = entry.symbolic_tier(n=3, mode="even")
    assert result.passed
    assert "mode" in result.free and "mode = even: " in result.detail
    assert "mode = odd: " in result.detail


def _unit_sides(n: object) -> tuple:
    return Transpose(Downsample(n, 1)), Upsample(n, 1, n)


def _both_modes_entry(name: str, symbolic: Callable[..., tuple]) -> Entry:
    """An entry over n and two modes, true in both (↓₁ᵀ = ↑₁), with the given symbolic tier."""
    return Entry(
        name=name,
        statement="a test statement over two modes",
        source="a test",
        params=MODE_PARAMS,
        sides=lambda n, mode: _unit_sides(n),
        chain=lambda n, mode: chain_from_script(_unit_sides(n)[0], []),
        grid=lambda: grid(n=range(1, 4), mode=("even", "odd")),
        bounds="n ≤ 3",
        symbolic=symbolic,
    )


def test_a_choice_that_fails_keeps_the_parameter_fixed() -> None:
    n = sp.Symbol("n", integer=True, positive=True)

    def symbolic(mode: str, **_: object) -> tuple:
        right = Upsample(n, 1, n) if mode == "even" else Upsample(n, 2, 2 * n)
        return Transpose(Downsample(n, 1)), right, ""

    entry = _both_modes_entry("fake-one-mode", symbolic)
    result = entry.symbolic_tier(n=3, mode="even")
    assert result.passed and dict(result.fixed) == {"mode": "even"} and result.free == ("n",)
    assert result.detail.startswith("for all n, at mode = even: ")
    assert "(not shown for mode = odd)" in result.detail


def test_a_choice_the_tier_does_not_take_is_fixed() -> None:
    n = sp.Symbol("n", integer=True, positive=True)
    entry = _both_modes_entry("fake-ignores-mode", lambda **_: (*_unit_sides(n), ""))
    result = entry.symbolic_tier(n=3, mode="odd")
    assert result.passed and dict(result.fixed) == {"mode": "odd"}


def test_grid_tiers_are_bounded_with_the_ranges_of_every_parameter() -> None:
    derivation = _fake("fake-grid").derivation()
    exhaustive, numeric = derivation.tiers[2], derivation.tiers[3]
    for t in (exhaustive, numeric):
        assert t.passed and t.scope == "bounded" and "N ∈ 1..5, k ∈ 1..2" in t.detail
    assert exhaustive.detail.startswith("exact at all 10 instances")


def test_a_false_entry_is_refuted_and_exits_1() -> None:
    # ↓₂ᵀ is not ↑₁: the exhaustive tier finds a concrete counterexample.
    entry = Entry(
        name="fake-false",
        statement="(↓₂ on ℝᴺ)ᵀ = I (false)",
        source="a test",
        params=(Param("N", 4, "length"),),
        sides=lambda N: (Transpose(Downsample(N, 2)), Upsample(N, 1, N)),
        chain=lambda N: chain_from_script(Transpose(Downsample(N, 2)), []),
        grid=lambda: grid(N=range(1, 5)),
        bounds="N ≤ 4",
    )
    derivation = entry.derivation()
    assert derivation.refuted and derivation.verdict is Verdict.REFUTED
    assert [t.result for t in derivation.tiers] == ["n/a", "n/a", "failed", "failed"]
    assert exit_status([Verdict.PROVEN, derivation.verdict], "verified") == 1


def test_an_entry_with_no_bounded_check_and_a_fixed_argument_is_unknown() -> None:
    entry = Entry(
        name="fake-unknown",
        statement="(↓ₖ on ℝᴺ)ᵀ = ↑ₖ, for all N, k >= 1",
        source="a test",
        params=PARAMS,
        sides=_sides,
        chain=lambda N, k: chain_from_script(_sides(N, k)[0], []),
        grid=lambda: [],
        bounds="",
        symbolic=lambda k, **_: (*_sides(N, k), ""),
    )
    derivation = entry.derivation()
    assert [t.result for t in derivation.tiers] == ["n/a", "passed", "n/a", "n/a"]
    assert derivation.verdict is Verdict.UNKNOWN and not derivation.refuted
    assert exit_status([derivation.verdict], "verified") == 4


def test_an_entrys_own_tier_counts_with_the_scope_it_states() -> None:
    from symconv.derivation import TierResult

    def own(scope: str) -> object:
        return lambda **_: ([], (TierResult(Tier.SYMBOLIC, True, "by an argument", scope),))

    fixes_k = lambda k, **_: (*_sides(N, k), "")  # noqa: E731
    all_free = lambda **_: (*_sides(N, K), "")  # noqa: E731
    # Both parts for all parameters: proven.
    derivation = _fake("fake-own-all", symbolic=all_free, extra=own("all")).derivation()
    symbolic = derivation.tiers[1]
    assert (symbolic.scope, dict(symbolic.fixed), symbolic.free) == ("all", {}, ("N", "k"))
    assert symbolic.detail.startswith("for all N, k: ") and "; by an argument" in symbolic.detail
    assert derivation.verdict is Verdict.PROVEN
    # The generic part fixed k: the combined tier covers only what both cover.
    derivation = _fake("fake-own-k", symbolic=fixes_k, extra=own("all")).derivation()
    assert (derivation.tiers[1].scope, dict(derivation.tiers[1].fixed)) == ("all", {"k": 2})
    assert derivation.tiers[1].detail.startswith("for all N, at k = 2: ")
    assert derivation.verdict is Verdict.VERIFIED
    # The entry's own part does not state its scope (bounded by default): not proven.
    derivation = _fake("fake-own-bounded", symbolic=all_free, extra=own("bounded")).derivation()
    assert derivation.tiers[1].scope == "bounded" and derivation.verdict is Verdict.VERIFIED
    assert derivation.tiers[1].detail.startswith("bounded: row i of both sides")
    # An entry's own tier alone, bounded by default: never proven.
    derivation = _fake("fake-own-only", extra=own("bounded")).derivation()
    assert derivation.tiers[1].scope == "bounded" and derivation.verdict is Verdict.VERIFIED
    # ... and stated for all parameters: proven.
    derivation = _fake("fake-own-only-all", extra=own("all")).derivation()
    assert derivation.tiers[1].free == ("N", "k") and derivation.verdict is Verdict.PROVEN


def test_the_text_says_verdict_scope_and_the_entrys_note() -> None:
    from symconv.printing.text import format_derivation

    entry = _fake("fake-text", symbolic=lambda k, **_: (*_sides(N, k), ""))
    text = format_derivation(entry.derivation(), "a test", ("k is fixed: no rule for all k yet",))
    assert "  symbolic   passed     scope: for all N, at k = 2\n" in text
    assert "  rewrite    n/a        scope: n/a\n" in text
    assert "  exhaustive passed     scope: bounded\n" in text
    assert "verdict: verified (- s E N) — the symbolic argument fixes k = 2\n" in text
    assert text.endswith("note: k is fixed: no rule for all k yet\n")


def test_a_per_axis_parameter_is_free_only_when_every_axis_is_symbolic() -> None:
    from symconv.catalogue.entry import parameter_scope

    params = (Param("n", (2, 2), "size", axes=2), Param("m", (3, 3), "kernel", axes=2))
    values = {"n": (2, 2), "m": (3, 3)}
    n1, n2, m1 = sp.symbols("n₁ n_2 m_1", integer=True, positive=True)
    assert parameter_scope(params, values, [n1 + n2 + m1]) == (("n",), {"m": (3, 3)})
    assert parameter_scope(params, values, [n1]) == ((), values)


# --- an entry with a rank: per-axis parameters, scope across ranks ----------------------

RANKED = (
    Param("rank", 1, "spatial axes", choices=(1, 2)),
    Param("n", 3, "size", per_axis=True, rank_defaults=((2, (2, 2)),)),
)


def test_per_axis_parameters_follow_the_rank() -> None:
    from symconv.errors import ParameterError

    rank, size = RANKED
    assert rank.check("2") == 2 and size.check(4) == 4 and size.check((4,)) == 4
    assert size.check(4, rank=2) == (4, 4) and size.default_at(2) == (2, 2)
    for bad, at in (((2, 3), 1), ((2, 3, 4), 2), (0, 2)):
        try:
            size.check(bad, rank=at)
        except ParameterError:
            continue
        raise AssertionError(f"n={bad} accepted at rank {at}")


def test_rank_is_free_only_when_every_rank_shows_the_claim() -> None:
    from symconv.catalogue.entry import argued_by_rank

    n, n1, n2 = sp.symbols("n n_1 n_2")
    values = {"rank": 1, "n": 3}
    both = argued_by_rank(
        Tier.SYMBOLIC, {1: [(True, "a", [n])], 2: [(True, "b", [n1 + n2])]}, RANKED, values
    )
    assert both.free == ("rank", "n") and both.proves_all
    # Rank 2 shown only along one axis: n is fixed (rank stays free: both ranks passed).
    one_axis = argued_by_rank(
        Tier.SYMBOLIC, {1: [(True, "a", [n])], 2: [(True, "b", [n1])]}, RANKED, values
    )
    assert one_axis.free == ("rank",) and one_axis.fixed == {"n": 3}
    assert not one_axis.proves_all
    failed = argued_by_rank(
        Tier.SYMBOLIC, {1: [(True, "a", [n])], 2: [(False, "b", [n1 + n2])]}, RANKED, values
    )
    assert not failed.passed and failed.detail.startswith("rank 2: not shown")


def test_grid_scope_gives_per_axis_ranges_per_rank() -> None:
    from symconv import catalogue
    from symconv.catalogue.entry import grid_scope

    words, fixed = grid_scope(catalogue.get("subpixel-conv"))
    assert "n ∈ 1..12 at rank 1; (2, 3) at rank 2" in words
    assert "m ∈ 1..5 at rank 1; 1..4 × 1..4 at rank 2" in words and fixed == {}
