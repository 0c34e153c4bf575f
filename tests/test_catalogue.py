"""The identity catalogue: every entry proven at its tiers, every step checked, scripts run."""

from __future__ import annotations

import contextlib
import io
import runpy
from pathlib import Path

import catalogue_run
import pytest
import sympy as sp

from symconv import ConvTranspose, Corr, SymconvError, catalogue, kernel, signal
from symconv.catalogue.arithmetic import RELATIONSHIPS
from symconv.catalogue.checkerboard import interior_uniform, overlap
from symconv.catalogue.entry import check_steps
from symconv.catalogue.gradient import gradient
from symconv.catalogue.transposed import misprint
from symconv.derivation import Derivation, Tier, Verdict
from symconv.matrices import explicit

NAMES = [
    "up-down-transpose",
    "transposed-conv-as-transpose",
    "conv-transpose-is-correlation",
    "transposed-conv-as-direct-conv",
    "transposed-conv-as-direct-conv-2d",
    "strided-conv",
    "dilated-conv",
    "down-up-identity",
    "up-down-projector",
    "noble-down",
    "noble-up",
    "nearest-upsample-conv",
    "subpixel-conv",
    "transposed-conv-is-gradient",
    "checkerboard-overlap",
    "conv-commutative",
    "conv-associative",
    "conv-arithmetic",
    "padding-fold-back",
    "circular-corr-transpose",
    "avg-pool-as-strided-corr",
    "pixel-shuffle-conv",
    "pixel-unshuffle-conv",
    "bilinear-upsample-conv",
    "bilinear-align-corners-conv",
    "nearest-interpolate-conv",
]
DERIVATIONS = Path(__file__).parent.parent / "derivations"


def test_names_and_lookup() -> None:
    assert catalogue.names() == NAMES
    entry = catalogue.get("noble-up")
    assert entry.name == "noble-up" and "↑ₖ" in entry.statement and entry.source
    with pytest.raises(SymconvError, match="unknown identity 'nope'; known: up-down-transpose"):
        catalogue.get("nope")


@pytest.mark.parametrize("name", NAMES)
def test_every_entry_is_at_least_verified_with_every_tier_recorded(name: str) -> None:
    derivation = catalogue_run.results()[name]
    assert [t.tier for t in derivation.tiers] == list(Tier)  # all four, n/a ones too
    assert derivation.verdict in (Verdict.PROVEN, Verdict.VERIFIED), derivation.tiers
    passed = {t.tier for t in derivation.tiers if t.passed}
    assert {Tier.EXHAUSTIVE, Tier.NUMERIC} <= passed, derivation.tiers
    assert passed & {Tier.REWRITE, Tier.SYMBOLIC}, derivation.tiers
    # Nothing failed; what did not pass was not applicable.
    assert all(t.passed or not t.applicable for t in derivation.tiers)
    for t in derivation.tiers:
        if t.tier in (Tier.EXHAUSTIVE, Tier.NUMERIC) and t.applicable:
            assert t.scope == "bounded"
    # Proven exactly when an argument covers every parameter, nothing fixed.
    proven = any(
        t.passed and t.scope == "all" and not t.fixed
        for t in derivation.tiers
        if t.tier in (Tier.REWRITE, Tier.SYMBOLIC)
    )
    assert (derivation.verdict is Verdict.PROVEN) == proven


@pytest.mark.parametrize("name", NAMES)
def test_every_step_is_checked(name: str) -> None:
    derivation = catalogue_run.results()[name]
    assert derivation.name == name and len(derivation.steps) >= 1
    check_steps(list(derivation.steps))  # raises on an unjustified or value-changing step


def test_a_wrong_step_is_caught() -> None:
    steps = list(catalogue.get("up-down-transpose").derivation(N=5, k=2).steps)
    from symconv import Upsample
    from symconv.derivation import Step

    bad = [steps[0], Step(Upsample(3, 2, 6), steps[1].rule)]
    with pytest.raises(SymconvError, match="not an application of down-transpose"):
        check_steps(bad)


def test_parameters_are_validated() -> None:
    entry = catalogue.get("transposed-conv-as-direct-conv")
    with pytest.raises(SymconvError, match="a=2 is not allowed: expected 0 <= a < s = 2"):
        entry.derivation(a=2)
    with pytest.raises(SymconvError, match="k=1 is not allowed: expected a parameter of"):
        entry.derivation(k=1)
    with pytest.raises(SymconvError, match="mode='wrong' is not allowed"):
        catalogue.get("conv-commutative").derivation(mode="wrong")


def test_misprint_is_refuted_with_the_smallest_shape_mismatch() -> None:
    statement, counterexample, _ = misprint()
    assert "↑ₖ(q∗)ᵀ" in statement
    assert dict(counterexample.sizes) == {"n": 1, "k": 2}
    assert counterexample.difference.entry is None
    assert (counterexample.difference.left_shape, counterexample.difference.right_shape) == (
        (3, 1),
        (3, 4),
    )


def test_nearest_upsample_kernel_of_the_design() -> None:
    q = kernel("q", 3)
    rhs = catalogue.get("nearest-upsample-conv").sides(n=2, k=2, m=3)[1]
    assert isinstance(rhs, ConvTranspose)
    assert tuple(rhs.kernel) == (q[0], q[0] + q[1], q[1] + q[2], q[2])


def test_checkerboard_patterns_of_the_design() -> None:
    assert overlap(3, 2, 5) == [1, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1]
    assert set(overlap(2, 2, 5)) == {1}
    assert set(overlap(4, 2, 5)[3:-3]) == {2}
    assert [interior_uniform(m, 2) for m in (2, 3, 4, 5)] == [True, False, True, False]
    assert interior_uniform(6, 3) and not interior_uniform(4, 3)


def test_gradient_is_differentiated_not_assumed() -> None:
    derivation = catalogue.get("transposed-conv-is-gradient").derivation(n=5, m=2, s=2)
    first, last = derivation.steps[0], derivation.steps[-1]
    assert "polynomial diff" in first.note
    assert isinstance(first.expr, sp.ImmutableMatrix)
    assert explicit(last.expr) == first.expr
    # The ring differentiation agrees with sympy.diff of the scalar written out as an Add.
    conv = Corr(kernel("q", 2), 5, (0, 0), 2)
    g, x = signal("g", conv.rows), signal("x", conv.cols)
    scalar = (g.T * explicit(conv) * x)[0, 0]
    assert gradient(conv) == sp.ImmutableMatrix([sp.diff(scalar, xj) for xj in x])


def test_arithmetic_relationships_have_the_guides_values() -> None:
    by_number = {r.number: r for r in RELATIONSHIPS}
    assert len(by_number) == 15
    assert by_number[6].value(5, 3, 2, 1, 1) == 3  # Dumoulin & Visin fig. 2.6: i=5, k=3, s=2, p=1
    assert by_number[14].value(6, 3, 2, 1, 1) == 6  # the odd case: a = 1 restores i = 6
    assert by_number[15].value(7, 3, 1, 0, 2) == 3  # dilation 2: effective kernel 5


def test_transposed_conv_as_direct_conv_matches_the_readme_example() -> None:
    # The deconvolutions README, 1-D slice of example 2: (2,) padded by 2 on each side.
    lhs, rhs = catalogue.get("transposed-conv-as-direct-conv").sides(
        n=2, m=3, s=1, lo=0, hi=0, d=1, a=0
    )
    assert explicit(lhs) == explicit(rhs)
    assert "Pad(2, 2, 2)" in str(rhs)


@pytest.mark.parametrize("script", sorted(DERIVATIONS.glob("*.py")), ids=lambda p: p.stem)
def test_every_derivation_script(script: Path) -> None:
    catalogue_run.results()  # fills the caches, so build() below is quick
    namespace = runpy.run_path(str(script))
    assert namespace["__doc__"] and len(namespace["__doc__"].split()) > 20
    derivation = namespace["build"]()
    assert isinstance(derivation, Derivation)
    assert derivation.name.replace("-", "_") == script.stem
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        runpy.run_path(str(script), run_name="__main__")
    text = output.getvalue()
    assert text.startswith(derivation.name)
    assert f"verdict: {derivation.verdict.value} (" in text


def test_scripts_cover_the_catalogue() -> None:
    assert sorted(p.stem for p in DERIVATIONS.glob("*.py")) == sorted(
        n.replace("-", "_") for n in NAMES
    )


def test_up_down_transpose_is_proven_for_all_its_parameters() -> None:
    derivation = catalogue_run.results()["up-down-transpose"]
    assert derivation.verdict is Verdict.PROVEN
    rewrite = derivation.tiers[0]
    assert (rewrite.tier, rewrite.scope, dict(rewrite.fixed)) == (Tier.REWRITE, "all", {})
    assert rewrite.detail.startswith("for all N, k: ")


def test_a_statement_parameter_the_tier_fixes_is_shown_fixed() -> None:
    # down-up-identity quantifies the length N of ↑ₖ ("length"); a tier whose sides build
    # N = k·n (no symbol "length") fixes it, and then the entry is not proven.
    entry = catalogue.get("down-up-identity")
    values = entry.resolve()
    lhs, rhs = entry.symbolic(**values)[:2]
    result = entry.symbolic_tier(**values)
    if "length" in {s.name for s in lhs.free_symbols | rhs.free_symbols}:
        assert "length" in result.free and "length" not in result.fixed
    else:
        assert result.fixed["length"] == values["length"] and "at length = " in result.detail
        assert catalogue_run.results()["down-up-identity"].verdict is not Verdict.PROVEN
