"""Bad input gets a clear ValueError naming the parameter, the value and the allowed range."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import symconv as sc


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: sc.Downsample(4, 0), "k=0 is not allowed: expected an integer >= 1"),
        (lambda: sc.Downsample(-1, 2), "n=-1 is not allowed: expected an integer >= 1"),
        (lambda: sc.Downsample(4.0, 2), "n=4.0 is not allowed: expected an integer >= 1"),
        (lambda: sc.Downsample(True, 2), "n=True is not allowed"),
        (lambda: sc.Downsample("4", 2), "n='4' is not allowed"),
        (
            lambda: sc.Upsample(3, 2, length=7),
            "length=7 is not allowed: expected an integer from k*(n-1)+1 = 5 to k*n = 6",
        ),
        (lambda: sc.Upsample(3, 2, length=4), "length=4 is not allowed"),
        (lambda: sc.Pad(3, -1, 0), "lo=-1 is not allowed: expected an integer >= 0"),
        (lambda: sc.Crop(3, 2, 1), "lo + hi=3 is not allowed: expected at most n - 1 = 2"),
        (lambda: sc.Conv([], 4), "q=[] is not allowed: expected a non-empty sequence"),
        (lambda: sc.Conv("abc", 4), "q='abc' is not allowed"),
        (lambda: sc.Conv([1, "x"], 4), "q[1]='x' is not allowed: expected a number or a SymPy"),
        (
            lambda: sc.Conv([1, 2], 4, "middle"),
            "mode='middle' is not allowed: expected one of 'full', 'valid', 'same'",
        ),
        (
            lambda: sc.Corr([1, 2, 3], 2),
            "n=2 is not allowed: expected n + lo + hi >= d*(m-1) + 1 = 3",
        ),
        (lambda: sc.Corr([1, 2, 3], 4, dilation=2), "expected n + lo + hi >= d*(m-1) + 1 = 5"),
        (lambda: sc.Corr([1, 2], 4, stride=0), "stride=0 is not allowed: expected an integer >= 1"),
        (
            lambda: sc.Corr([1, 2], 4, padding="middle"),
            "padding='middle' is not allowed: expected one of ('valid', 'same', 'full')",
        ),
        (lambda: sc.Corr([1, 2], 4, padding=(1, 2, 3)), "expected a pair (lo, hi), got 3 values"),
        (lambda: sc.Corr([1, 2], 4, padding=-1), "padding lo=-1 is not allowed"),
        (
            lambda: sc.ConvTranspose([1, 2, 3], 2, stride=1, dilation=2, output_padding=1),
            "output_padding=1 is not allowed: expected 0 <= output_padding < stride = 1; rows "
            "past the full result would be appended zeros, and then the result is not the "
            "transpose of any convolution",
        ),
        (
            lambda: sc.ConvTranspose([1, 2, 3], 2, padding=1, dilation=2, output_padding=1),
            "the same map is ConvTranspose(q, n, (1, 0), stride, dilation, output_padding=0), "
            "the transpose of a conv with that padding",
        ),
        (lambda: sc.ConvTranspose([1, 2, 3], 1, padding=(2, 1)), "so that the output is not empty"),
        (lambda: sc.ConvTranspose([1, 2, 3], 3, padding="same"), "padding='same' is not allowed"),
        (lambda: sc.kernel("q_", 3), "name='q_' is not allowed: expected a name of ASCII letters"),
        (lambda: sc.kernel("q}\\input{x}", 3), "is not allowed: expected a name of ASCII letters"),
        (lambda: sc.kernel("q", 0), "m=0 is not allowed"),
    ],
)
def test_messages_name_parameter_value_and_range(build, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        build()
    assert isinstance(caught.value, sc.SymconvError)
    assert message in str(caught.value)


def test_symbolic_size_must_be_declared_integer() -> None:
    with pytest.raises(sc.ParameterError, match="must be declared integer"):
        sc.Downsample(sp.Symbol("n"), 2)


def test_mismatched_composition_names_both_shapes() -> None:
    with pytest.raises(sc.ShapeMismatchError) as caught:
        sc.Downsample(4, 2) @ sc.Flip(3)
    text = str(caught.value)
    assert "Downsample(4, 2) of shape (2, 4)" in text and "Flip(3) of shape (3, 3)" in text
    assert "4 columns against 3 rows" in text


def test_mismatched_composition_through_a_product() -> None:
    """A product on the left still reaches the check (MatMul @ Operator)."""
    chain = sc.Flip(4) @ sc.Pad(2, 1, 1)
    with pytest.raises(sc.ShapeMismatchError, match=r"of shape \(4, 2\)"):
        chain @ sc.Flip(3)


def test_symbolic_mismatch_is_refused_not_guessed() -> None:
    n = sp.Symbol("n", integer=True, positive=True)
    m = sp.Symbol("m", integer=True, positive=True)
    assert (sc.Flip(n) @ sc.Flip(n)).shape == (n, n)
    with pytest.raises(sc.ShapeMismatchError, match="cannot be shown equal"):
        sc.Flip(n) @ sc.Flip(m)
    with pytest.raises(sc.ShapeMismatchError, match="against"):
        sc.Flip(n) @ sc.Flip(n + 1)


def test_mismatched_sum_names_both_shapes() -> None:
    with pytest.raises(sc.ShapeMismatchError, match=r"\(2, 4\) and .*\(4, 4\)"):
        sc.Downsample(4, 2) + sc.Flip(4)


def test_explicit_needs_concrete_sizes() -> None:
    n = sp.Symbol("n", integer=True, positive=True)
    with pytest.raises(sc.ParameterError, match=r"concrete sizes .* substitute values first"):
        sc.explicit(sc.Flip(n))


def test_explicit_refuses_foreign_matrix_symbols() -> None:
    with pytest.raises(sc.ParameterError, match="not a MatrixSymbol"):
        sc.explicit(sp.MatrixSymbol("A", 3, 3))


def test_lambdify_reports_missing_parameters() -> None:
    q = sc.kernel("q", 2)
    with pytest.raises(sc.ParameterError, match="q_0, q_1 missing"):
        sc.lambdify(sc.Conv(q, 3))


def test_lambdify_checks_input_length_and_values() -> None:
    q = sc.kernel("q", 2)
    f = sc.lambdify(sc.Conv(q, 3), q)
    with pytest.raises(sc.ParameterError, match=r"expected an array of shape \(\.\.\., 3\)"):
        f(np.ones(4), [1, 2])
    with pytest.raises(sc.ParameterError, match="expected 2 taps"):
        f(np.ones(3), [1, 2, 3])
    with pytest.raises(sc.ParameterError, match="1 value"):
        f(np.ones(3))


# Issue 16, item 5: values that used to be accepted silently, or failed outside SymconvError.
_R0_TWICE = (sp.Symbol("r_0"), sp.Symbol("s"))
BAD_VALUES = [
    ("a set of taps", lambda: sc.Conv({1, 2, 3}, 4), "not a set or a mapping"),
    ("a frozenset of taps", lambda: sc.Corr(frozenset({1, 2}), 4), "not a set or a mapping"),
    ("a dict of taps", lambda: sc.Conv({0: 1, 1: 2}, 4), "not a set or a mapping"),
    ("signal length 0", lambda: sc.signal("x", 0), "n=0 is not allowed"),
    ("@ a scalar", lambda: sc.Flip(3) @ 2, "operand=2 is not allowed"),
    ("scalar @", lambda: 2 @ sc.Flip(3), "operand=2 is not allowed"),
    ("@ None", lambda: sc.Flip(3) @ None, "operand=None"),
    ("@ a string", lambda: sc.Flip(3) @ "x", "operand='x'"),
    ("@ a NumPy array", lambda: sc.Flip(3) @ np.ones(3), "operand=array"),
    ("+ None", lambda: sc.Flip(3) + None, "operand=None"),
    ("- a string", lambda: sc.Flip(3) - "x", "operand='x'"),
    ("* a string", lambda: sc.Flip(3) * "x", "operand='x'"),
    ("CorrNd of a string", lambda: sc.CorrNd("abc", 6), "weight='abc' is not allowed"),
    ("lambdify(None)", lambda: sc.lambdify(None), "expr=None is not allowed"),
    ("lambdify(a number)", lambda: sc.lambdify(3), "expr=3 is not allowed"),
    ("string taps", lambda: sc.Conv(["a", "b"], 4), "q[0]='a' is not allowed"),
    ("ragged taps", lambda: sc.Conv([[1, 2], [3]], 4), "q[0]=[1, 2] is not allowed"),
    ("a q_² tap", lambda: sc.Conv([sp.Symbol("q_²")], 4), "ASCII identifiers such as q, q_0"),
    ("a q{0} tap", lambda: sc.Conv([sp.Symbol("q{0}")], 4), "ASCII identifiers such as q, q_0"),
    (
        "two kernels sharing r_0",
        lambda: sc.lambdify(sc.Conv(sc.kernel("r", 2), 3) @ sc.Conv(_R0_TWICE, 2),
                            sc.kernel("r", 2), _R0_TWICE),
        "r_0 occurs more than once",
    ),
    ("ragged input", lambda: sc.lambdify(sc.Flip(3))([[1, 2, 3], [4, 5]]), "x=[[1, 2, 3]"),
    ("string input", lambda: sc.lambdify(sc.Flip(3))(["a", "b", "c"]), "rectangular array"),
    ("object input", lambda: sc.lambdify(sc.Flip(3))([None, 1, 2]), "rectangular array"),
    ("prove bound -1", lambda: _prove(bound=-1), "bound=-1 is not allowed"),
    ("prove limit -1", lambda: _prove(limit=-1), "limit=-1 is not allowed"),
    ("prove limit 0", lambda: _prove(limit=0), "limit=0 is not allowed"),
    ("prove trials 0", lambda: _prove(trials=0), "trials=0 is not allowed"),
]  # fmt: skip


def _prove(**options: int) -> object:
    from symconv.proof.prove import prove

    return prove(sc.Flip(3), sc.Flip(3), **options)


@pytest.mark.parametrize(("build", "message"), [c[1:] for c in BAD_VALUES],
                         ids=[c[0] for c in BAD_VALUES])  # fmt: skip
def test_bad_values_are_symconv_errors(build, message: str) -> None:
    with pytest.raises(sc.SymconvError) as caught:
        build()
    assert message in str(caught.value)


def test_what_stays_allowed() -> None:
    flip = sc.Flip(3)
    assert 2 * flip == flip * 2 == sp.MatMul(2, flip)
    assert (flip @ sp.ImmutableMatrix([1, 2, 3])).shape == (3, 1)
    assert (flip - flip).shape == (3, 3)
    f = sc.lambdify(flip)
    assert f(np.array([10**20, 1, 2], dtype=object)).tolist() == [2, 1, 10**20]  # exact ints
    assert f([True, False, False]).tolist() == [0, 0, 1]
    assert sc.Conv(np.array([1, 2]), 3) == sc.Conv((1, 2), 3)  # arrays are ordered
    assert sc.Conv([sp.Symbol("w_1_2"), sp.Symbol("alpha")], 3).args[0][0].name == "w_1_2"


@pytest.mark.parametrize(
    "expr",
    [
        sc.Conv([10**100 + 1, 2], 4),  # 101 digits: parse refuses such a literal
        sc.Conv([sp.Symbol("q_0"), sp.Symbol("q_0", positive=True)], 4),  # printed alike
        sp.Rational(1, 10**101) * sc.Flip(3),
    ],
    ids=["101-digit tap", "two q_0", "101-digit denominator"],
)
def test_unparse_refuses_what_would_not_parse_back(expr) -> None:
    """parse(unparse(e)) == e is promised: unparse refuses the expressions where it would fail."""
    from symconv.printing.expression import unparse

    with pytest.raises(sc.ParameterError):
        unparse(expr)


def test_unparse_round_trips_at_the_digit_limit() -> None:
    from symconv.parse import parse
    from symconv.printing.expression import unparse

    expr = sc.Conv([10**99, sp.Symbol("q_0")], 4)  # 100 digits
    assert parse(unparse(expr)) == expr
