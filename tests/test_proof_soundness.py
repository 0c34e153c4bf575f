"""The proof engine's verdicts claim no more than was shown (issue 11, rows F1–F6).

Every row of the issue's table is a regression test here, checked against what is true
(computed by hand or by NumPy, not by the engine), plus a property test: statements
true for all small sizes but false beyond the exhaustive bound are never "proven", and
are refuted at their smallest failing size.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import event, given, settings
from hypothesis import strategies as st
from sympy import Identity, MatAdd, MatMul, OneMatrix, Transpose, cos, floor, sin

from symconv import (
    Conv,
    Crop,
    Downsample,
    Flip,
    Pad,
    ParameterError,
    ShapeMismatchError,
    Upsample,
    explicit,
    kernel,
    lambdify,
    prove,
)
from symconv.cli import main
from symconv.codegen import python_function
from symconv.derivation import Tier, Verdict
from symconv.parse import parse
from symconv.printing.latex import latex
from symconv.proof import oracle as ref
from symconv.proof.counterexample import Undefined, zero_test
from symconv.proof.rewrite import normalize
from symconv.proof.rules import establish, mul
from symconv.proof.tiers import rewrite_tier

n, k = sp.symbols("n k", integer=True, positive=True)
t = sp.Symbol("t")

# -- F1: scalars keep their matrix size -------------------------------------------


def test_f1_sizes_n_minus_12_and_n_are_refuted() -> None:
    proof = prove(MatMul(2, Downsample(n - 12, 1), Upsample(n - 12, 1)), MatMul(2, Identity(n)))
    assert proof.verdict is Verdict.REFUTED and not proof
    assert isinstance(proof.counterexample.difference, Undefined)
    assert str(proof.counterexample).startswith("left side undefined at n=1")


def test_f1_the_normal_form_of_c_times_identity_keeps_its_size() -> None:
    normal, _ = normalize(MatMul(2, Downsample(n, 1), Upsample(n, 1)))
    assert normal.shape == (n, n) and normal != 2
    assert mul(2, Identity(n + 1)).shape == (n + 1, n + 1)
    # both sides exist for every n here; only the sizes differ (n vs n + 1)
    lhs, rhs = MatMul(2, Downsample(n, 1), Upsample(n, 1)), MatMul(2, Identity(n + 1))
    assert not rewrite_tier(lhs, rhs).passed
    proof = prove(lhs, rhs)
    assert proof.verdict is Verdict.REFUTED
    assert str(proof.counterexample) == "at n=1: shapes differ: left (1, 1), right (2, 2)"


# -- F2: a size where one side is undefined is a counterexample --------------------


def test_f2_right_side_undefined_for_odd_n_is_a_counterexample() -> None:
    proof = prove(Transpose(Downsample(n, 2)), Upsample(floor(n / 2), 2, n))
    assert proof.verdict is Verdict.REFUTED
    assert str(proof.counterexample).startswith("right side undefined at n=1")


def test_f2_sizes_where_neither_side_exists_are_skipped_and_said_so() -> None:
    proof = prove(Transpose(Downsample(n - 3, 1)), Upsample(n - 3, 1))
    assert proof.verdict is Verdict.PROVEN
    exhaustive = next(t for t in proof.tiers if t.tier is Tier.EXHAUSTIVE)
    assert "3 where neither side exists skipped" in exhaustive.detail
    assert "wherever both sides are defined" in proof.tiers[0].detail


# -- F3: shapes beyond the exhaustive bound ---------------------------------------


def test_f3_downsample_by_13_is_not_a_crop_from_n_14_on() -> None:
    proof = prove(Downsample(n, 13), Crop(n, 0, n - 1))
    assert proof.verdict is Verdict.REFUTED
    # ⌈14/13⌉ = 2 rows against 1: the truth, by hand
    assert str(proof.counterexample) == "at n=14: shapes differ: left (2, 14), right (1, 14)"


# -- F4: products whose inner sizes do not match ----------------------------------


def test_f4_a_product_undefined_for_every_n_is_refuted_not_proven() -> None:
    proof = prove(MatMul(Downsample(n - 12, 1), Flip(n)), MatMul(Crop(n, 0, 12), Flip(n)))
    assert proof.verdict is Verdict.REFUTED
    assert str(proof.counterexample).startswith("left side undefined at n=13: cannot compose")


def test_f4_inner_sizes_not_shown_equal_are_an_error_never_a_pass() -> None:
    up = Upsample(sp.ceiling(n / 2), 2, n)
    with pytest.raises(ShapeMismatchError, match="cannot be shown equal to"):
        prove(MatMul(up, Identity(floor((n + 1) / 2))), up)


# -- F5: MatPow ------------------------------------------------------------------


def test_f5_scalar_multiples_and_powers_of_flips_are_proven() -> None:
    assert prove(MatMul(2, Identity(n)), MatMul(2, Flip(n), Flip(n))).verdict is Verdict.PROVEN
    both = MatAdd(Flip(n), -Identity(n))
    proof = prove(both, both)
    assert proof.verdict is Verdict.PROVEN and "identical as written" in proof.tiers[0].detail
    involution = prove(Flip(n) @ Flip(n), Identity(n))
    assert involution.verdict is Verdict.PROVEN
    assert involution.tiers[0].detail.endswith("(rules: flip-involution)")
    assert establish("flip-involution")[0]
    assert prove(MatMul(Flip(n), Flip(n)), Flip(n) ** 3).verdict is Verdict.REFUTED


def test_f5_a_symbolic_exponent_is_checked_at_sizes_but_not_claimed_for_all() -> None:
    even = prove(sp.MatPow(Flip(n), 2 * k), Identity(n))
    assert even.verdict is Verdict.VERIFIED  # J²ᵏ = I, but no rule multiplies out Jᵏ
    assert [t.result for t in even.tiers[:2]] == ["n/a", "n/a"]
    assert "literal integer" in even.tiers[0].detail
    odd = prove(sp.MatPow(Flip(n), k), Identity(n))
    assert str(odd.counterexample) == "at k=1, n=2: entry (0, 0): left 0, right 1"


def test_f5_matpow_in_explicit_lambdify_latex_and_parse() -> None:
    square = Flip(4) @ Flip(4)
    assert isinstance(square, sp.MatPow)
    assert explicit(square) == sp.eye(4)
    x = np.arange(4.0)
    np.testing.assert_array_equal(lambdify(square)(x), x)
    np.testing.assert_array_equal(lambdify(Flip(4) ** 3)(x), x[::-1])
    assert latex(square) == r"\operatorname{Flip}^{2}"
    q = kernel("q", 2)
    cubed = Conv(q, 3, "same") ** 3
    values = {q[0]: 2, q[1]: -3}
    by_hand = np.array(Conv((2, -3), 3, "same").as_explicit(), dtype=float)
    x = np.array([1.0, -2.0, 5.0])
    expected = by_hand @ by_hand @ by_hand @ x
    np.testing.assert_allclose(python_function(cubed, q)(x, [2.0, -3.0]), expected)
    np.testing.assert_allclose(lambdify(cubed, q)(x, [2.0, -3.0]), expected)
    assert explicit(cubed).subs(values) == sp.Matrix(by_hand.astype(int)) ** 3
    assert parse("Flip(n) ** 2") == sp.MatPow(Flip(n), 2)
    assert prove(parse("Flip(n) ** 2"), parse("I(n)")).verdict is Verdict.PROVEN


# -- F6: exact zero test, refutations confirmed by numbers -------------------------


def test_f6_a_trigonometric_identity_in_a_tap_is_not_refuted() -> None:
    proof = prove(Conv((sin(t) ** 2 + cos(t) ** 2, 2), n), Conv((1, 2), n))
    assert proof.verdict in (Verdict.PROVEN, Verdict.VERIFIED)


def test_f6_a_real_difference_is_refuted_and_an_undecided_one_is_unknown() -> None:
    wrong = prove(Conv((sin(t) ** 2, 1), n), Conv((1, 1), n))
    assert wrong.verdict is Verdict.REFUTED and wrong.counterexample.difference.entry == (0, 0)
    # √(t²) − t is 0 for t > 0 (the numbers) but simplify cannot show it: not refuted
    undecided = prove(Conv((sp.sqrt(t**2) - t, 1), n), Conv((0, 1), n))
    assert undecided.verdict is Verdict.UNKNOWN and undecided.counterexample is None
    assert zero_test(sp.sqrt(t**2) - t) is None
    assert zero_test(sin(t) ** 2 + cos(t) ** 2 - 1) is True
    assert zero_test(t**2 - t) is False


# -- Downsample's divisibility ------------------------------------------------------


def test_downsample_entry_keeps_divisibility_under_sympy_sums() -> None:
    j = sp.Symbol("j", integer=True, nonnegative=True)
    column_sums = MatMul(OneMatrix(1, n), Downsample(k * n, k))[0, j].doit()
    truth = np.ones((1, 3)) @ np.eye(6)[::2]  # ↓₂ on ℝ⁶ keeps rows 0, 2, 4 of the identity
    for column in range(6):
        assert column_sums.subs({k: 2, n: 3, j: column}) == int(truth[0, column])


# -- the verdict vocabulary --------------------------------------------------------


def test_bool_is_true_only_for_proven_and_tiers_state_their_scope() -> None:
    proof = prove(Transpose(Downsample(k * n, k)), Upsample(n, k))
    assert bool(proof) and proof.verdict is Verdict.PROVEN
    assert {t.tier: t.scope for t in proof.tiers} == {
        Tier.REWRITE: "all",
        Tier.SYMBOLIC: "all",
        Tier.EXHAUSTIVE: "bounded",
        Tier.NUMERIC: "bounded",
    }
    assert all(not t.fixed for t in proof.tiers)
    verified = prove(Transpose(Downsample(n, 2)), Upsample(floor((n + 1) / 2), 2, n))
    assert verified.verdict is Verdict.VERIFIED and not verified
    assert [t.result for t in verified.tiers] == ["n/a", "n/a", "passed", "passed"]
    assert "[n/a ] rewrite: not applicable: shapes not shown equal" in str(verified)
    assert str(verified).splitlines()[0].endswith(": verified")


def _check(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str]:
    status = main(["check", *argv])
    return status, capsys.readouterr().out


def test_check_exit_statuses_and_verdict_words(capsys: pytest.CaptureFixture) -> None:
    status, out = _check(capsys, "Downsample(n, 2).T", "Upsample(ceiling(n/2), 2, n)")
    assert status == 0 and out.splitlines()[0].endswith(": proven")
    assert "(rules: down-transpose)" in out  # parsed as written: the rule fired
    status, out = _check(capsys, "Downsample(n, 13)", "Crop(n, 0, n-1)")
    assert status == 1 and "refuted" in out and "n=14" in out
    status, out = _check(capsys, "Downsample(n, 2).T", "Upsample(floor((n+1)/2), 2, n)")
    assert status == 3 and ": verified" in out and "[n/a ]" in out
    status, out = _check(capsys, "Flip(n) @ Flip(n)", "Flip(n) @ Flip(n)")
    assert status == 0 and "identical as written" in out
    assert main(["check", "Flip(n) @", "Flip(n)"]) == 2


# -- statements true for small sizes, false beyond the bound -----------------------


@st.composite
def late_failures(draw: st.DrawFn) -> tuple[object, object, int, int]:
    """``(lhs, rhs, bound, smallest failing n)``, true for every n up to ``bound``."""
    bound = draw(st.integers(2, 8))
    c = draw(st.integers(bound + 1, 300))
    kind = draw(
        st.sampled_from(["downsample-is-crop", "guarded-crop-pad", "guarded-pad-pad", "halved"])
    )
    if kind == "downsample-is-crop":
        # ↓_c keeps x_0 alone while n ≤ c: one row, as Crop(n, 0, n−1); ⌈n/c⌉ = 2 at n = c + 1
        return Downsample(n, c), Crop(n, 0, n - 1), bound, c + 1
    if kind == "guarded-crop-pad":
        # Crop·Pad by c − n is the identity, but exists only while c − n >= 0
        return MatMul(Crop(c, 0, c - n), Pad(n, 0, c - n)), Identity(n), bound, c + 1
    if kind == "halved":
        # the same guarded by c − 2n >= 0: the first failure, n = ⌊c/2⌋ + 1, lies between
        # the constants of the statement
        c = draw(st.integers(2 * bound + 2, 300))
        body = MatMul(Crop(c, 0, c - 2 * n), Pad(2 * n, 0, c - 2 * n))
        return body, Identity(2 * n), bound, c // 2 + 1
    # PᵀP = I for a zero padding P, which exists only while c − n >= 0
    pad = Pad(n, c - n, 0)
    return MatMul(Transpose(pad), pad), Identity(n), bound, c + 1


@settings(max_examples=30, deadline=None)
@given(late_failures())
def test_late_failures_are_never_proven_and_refuted_at_the_smallest_size(case) -> None:
    lhs, rhs, bound, smallest = case
    proof = prove(lhs, rhs, bound=bound)
    assert proof.verdict is not Verdict.PROVEN and not proof
    assert proof.verdict is Verdict.REFUTED
    assert dict(proof.counterexample.sizes) == {"n": smallest}


def test_prove_refuses_bad_bounds() -> None:
    with pytest.raises(ParameterError, match="bound=0"):
        prove(Flip(n), Flip(n), bound=0)


# -- proven means equal wherever either side exists (independent reference) ---------

#: Operators as (symconv builder on a symbolic input length, reference function on a
#: concrete one, concrete output length or None where the operator does not exist).
_OPERATORS = {
    "down": lambda p: (
        lambda s: Downsample(s, p),
        lambda x: ref.downsample(x, p),
        lambda s: -(-s // p),
    ),
    "up": lambda p: (lambda s: Upsample(s, p), lambda x: ref.upsample(x, p, p * len(x)), None),
    "pad": lambda p: (lambda s: Pad(s, p, 1), lambda x: ref.pad(x, p, 1), lambda s: s + p + 1),
    "crop": lambda p: (
        lambda s: Crop(s, p, 1),
        lambda x: ref.crop(x, p, 1),
        lambda s: s - p - 1 if s - p - 1 >= 1 else None,
    ),
    "flip": lambda p: (lambda s: Flip(s), ref.flip, lambda s: s),
    "conv": lambda p: (
        lambda s: Conv((1, -p, 2), s),
        lambda x: ref.conv_full(np.array([1.0, -p, 2.0]), x),
        lambda s: s + 2,
    ),
}


def _symbolic(chain: list, size: sp.Expr) -> sp.Basic:
    """The chain (first applied first) as an unevaluated product of symconv operators."""
    factors = []
    for kind, p in chain:
        factor = _OPERATORS[kind](p)[0](size)
        factors.append(factor)
        size = factor.rows
    return factors[0] if len(factors) == 1 else MatMul(*reversed(factors))


def _reference(chain: list, transposed: bool, n_value: int, offset: int) -> np.ndarray | None:
    """The matrix by the reference's loops, or None where the expression does not exist."""
    sizes = [n_value + offset]
    for kind, p in chain:
        length = _OPERATORS[kind](p)[2]
        sizes.append(p * sizes[-1] if length is None else length(sizes[-1]))
        if sizes[-1] is None:
            return None

    def apply(x: np.ndarray) -> np.ndarray:
        for kind, p in chain:
            x = _OPERATORS[kind](p)[1](x)
        return x

    matrix = ref.matrix_of(apply, sizes[0])
    return matrix.T if transposed else matrix


chains = st.lists(
    st.tuples(st.sampled_from(sorted(_OPERATORS)), st.integers(1, 3)), min_size=1, max_size=3
)


@settings(max_examples=120, deadline=None)
@given(chains, chains, st.integers(0, 2), st.booleans(), st.booleans())
def test_every_verdict_agrees_with_an_independent_reference(
    left: list, right: list, offset: int, transposed: bool, rewritten: bool
) -> None:
    """Proven: equal wherever either side exists, well beyond the bounds the prover used.
    Refuted: the reference confirms the counterexample."""
    size = n + offset
    lhs = _symbolic(left, size)
    if rewritten:  # the same map written another way: ((A)ᵀ)ᵀ with the factors transposed
        right = left
        factors = [f.T for f in reversed(lhs.args if isinstance(lhs, MatMul) else (lhs,))]
        rhs = Transpose(MatMul(*factors) if len(factors) > 1 else factors[0])
    else:
        rhs = _symbolic(right, size)
    if transposed:
        lhs, rhs = Transpose(lhs), Transpose(rhs)
    proof = prove(lhs, rhs, bound=3, scan_bound=4)
    event(proof.verdict.value)

    def both(v: int) -> tuple:
        return (_reference(left, transposed, v, offset), _reference(right, transposed, v, offset))

    if proof.verdict is Verdict.PROVEN:
        for v in range(1, 25):
            a, b = both(v)
            assert (a is None) == (b is None), f"only one side exists at n={v}"
            assert a is None or (a.shape == b.shape and np.allclose(a, b)), f"differ at n={v}"
    elif proof.verdict is Verdict.REFUTED:
        a, b = both(proof.counterexample.sizes["n"])
        assert (a is None) != (b is None) or a.shape != b.shape or not np.allclose(a, b)
