"""The expression language: golden parses, errors with positions, round trips, safety."""

from __future__ import annotations

import ast
import builtins
import contextlib
import pickle
import string
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st
from operator_registry import FACTORIES, kernel_length

import symconv.parse as parse_module
from symconv import (
    Conv,
    ConvTranspose,
    Corr,
    Crop,
    Downsample,
    Flip,
    Pad,
    ParameterError,
    ShapeMismatchError,
    SymconvError,
    Upsample,
    explicit,
    kernel,
)
from symconv.kernels import convolve, dilate, flip, ones
from symconv.operators.base import check_same_shape
from symconv.parse import MAX_DEPTH, MAX_LENGTH, ParseError, format_error, parse
from symconv.printing.expression import unparse

n, k = sp.symbols("n k", integer=True, positive=True)
q = kernel("q", 3)
R = sp.Rational

# --------------------------------------------------------------------------- golden parses

GOLDEN = [
    ("Downsample(4, 2)", Downsample(4, 2)),
    ("Upsample(2, 2, length=3)", Upsample(2, 2, length=3)),
    ("Upsample(n=2, k=2, length=4)", Upsample(2, 2)),
    ("Pad(3, 1, 2)", Pad(3, 1, 2)),
    ("Crop(6, hi=2, lo=1)", Crop(6, 1, 2)),
    ("Flip(5)", Flip(5)),
    ("Conv([1, 2, 3], 4)", Conv((1, 2, 3), 4)),
    ("Conv((1, 2, 3), 4, 'same')", Conv((1, 2, 3), 4, "same")),
    ('Conv(kernel(q, 3), 4, mode="valid")', Conv(q, 4, "valid")),
    ('Conv(kernel("q", 3), 4)', Conv(q, 4)),
    ("Conv([q_0, q_1, q_2], 4)", Conv(q, 4)),
    ("Conv([1/2, -1/3, 2], 4)", Conv((R(1, 2), R(-1, 3), 2), 4)),
    ('Corr(kernel(q, 3), 8, padding="same", stride=2)', Corr(q, 8, "same", stride=2)),
    ("Corr(kernel(q, 3), 8, (1, 2), 2, 3)", Corr(q, 8, (1, 2), 2, 3)),
    ("Corr(kernel(q, 3), 8, padding='full', dilation=2)", Corr(q, 8, "full", dilation=2)),
    (
        "ConvTranspose(kernel(w, 3), 2, padding=1, stride=2, output_padding=1)",
        ConvTranspose(kernel("w", 3), 2, 1, stride=2, output_padding=1),
    ),
    ("I(3)", sp.Identity(3)),
    ("Identity(n)", sp.Identity(n)),
    ("Zero(2, 3)", sp.ZeroMatrix(2, 3)),
    # composition, transposes, sums, scalar factors: as written, .doit() is what Python builds
    (
        'Conv(kernel(q, 3), 4, "same") @ Upsample(2, 2)',
        Conv(q, 4, "same") @ Upsample(2, 2),
    ),
    (
        '(Downsample(4, 2) @ Conv(kernel(q, 3), 4, "same").T).T',
        (Downsample(4, 2) @ Conv(q, 4, "same").T).T,
    ),
    ("Downsample(4, 2) * Upsample(2, 2)", Downsample(4, 2) @ Upsample(2, 2)),
    ("Downsample(4,2).T.T", Downsample(4, 2)),
    ("2*Flip(3) - I(3)", 2 * Flip(3) - sp.Identity(3)),
    ("Flip(3) * 2", 2 * Flip(3)),
    ("-Flip(3) + 1/2*Flip(3)", -Flip(3) + R(1, 2) * Flip(3)),
    ("Flip(3)/2 + +Flip(3)", Flip(3) / 2 + Flip(3)),
    ("--Flip(3)", Flip(3)),
    ("a*Flip(3) @ Pad(2, 1, 0)", sp.Symbol("a") * Flip(3) @ Pad(2, 1, 0)),
    (
        "Upsample(2, 2) @ Downsample(4, 2) - I(4)",
        Upsample(2, 2) @ Downsample(4, 2) - sp.Identity(4),
    ),
    ("Flip(3) - Flip(3)", sp.ZeroMatrix(3, 3)),
    # symbolic sizes and size arithmetic
    ("Downsample(n, k).T", Downsample(n, k).T),
    ("Pad(n, 1, 2) @ Flip(n)", Pad(n, 1, 2) @ Flip(n)),
    ("Upsample(n, k, length=k*(n - 1) + 1)", Upsample(n, k, k * (n - 1) + 1)),
    ("Upsample(ceiling(n/2), 2, n)", Upsample(sp.ceiling(n / 2), 2, n)),
    ("Flip(2**3 + Mod(7, 4) + 9//4 + floor(5/2) + Max(1, 2) - Min(3, 4))", Flip(14)),
    ("Flip((2*n + 2) / 2)", Flip(n + 1)),
    ("Flip(n**2)", Flip(n**2)),
    # kernel functions
    ("Conv(ones(3), 5)", Conv(ones(3), 5)),
    ("Conv(flip(kernel(q, 3)), 5)", Conv(flip(q), 5)),
    ("Conv(dilate(kernel(q, 3), 2), 7)", Conv(dilate(q, 2), 7)),
    ("Conv(convolve(ones(2), kernel(q, 3)), 5)", Conv(convolve(ones(2), q), 5)),
    # layout: whitespace, newlines, trailing commas
    ("  Pad( 3 ,\n 1 , 2 , )\t", Pad(3, 1, 2)),
    ("Conv([1, 2,], 3)", Conv((1, 2), 3)),
    ("Corr([1, 2], 3, padding=(1,),)".replace("(1,)", "(1, 1)"), Corr((1, 2), 3, 1)),
]


@pytest.mark.parametrize(("text", "expected"), GOLDEN, ids=[t for t, _ in GOLDEN])
def test_golden_parse(text, expected):
    assert parse(text).doit() == expected


AS_WRITTEN = [
    ("Downsample(n, k).T", sp.Transpose(Downsample(n, k))),
    ("Downsample(4,2).T.T", sp.Transpose(sp.Transpose(Downsample(4, 2)))),
    (
        '(Downsample(4, 2) @ Conv(kernel(q, 3), 4, "same").T).T',
        sp.Transpose(sp.MatMul(Downsample(4, 2), sp.Transpose(Conv(q, 4, "same")))),
    ),
    ("Flip(3) @ Flip(3) @ Flip(3)", sp.MatMul(Flip(3), Flip(3), Flip(3))),
    ("Flip(3) ** 2", sp.MatPow(Flip(3), 2)),
    ("2*Flip(3) - I(3)", sp.MatAdd(sp.MatMul(2, Flip(3)), sp.MatMul(-1, sp.Identity(3)))),
    ("Flip(3) - Flip(3)", sp.MatAdd(Flip(3), sp.MatMul(-1, Flip(3)))),
    ("Flip(3)/2", sp.MatMul(R(1, 2), Flip(3))),
    ("a*Flip(3) @ Pad(2, 1, 0)", sp.MatMul(sp.Symbol("a"), Flip(3), Pad(2, 1, 0))),
]


@pytest.mark.parametrize(("text", "expected"), AS_WRITTEN, ids=[t for t, _ in AS_WRITTEN])
def test_parse_builds_the_expression_as_written(text, expected):
    """Nothing evaluates: the proof engine must see (and name) every rule it applies."""
    assert parse(text) == expected


def test_parse_refuses_bad_matrix_powers():
    with pytest.raises(ParseError, match="integer exponent from 1"):
        parse("Flip(3) ** 0")
    with pytest.raises(ShapeMismatchError):
        parse("Downsample(4, 2) ** 2")


def test_sizes_are_positive_integer_symbols_and_taps_are_plain():
    expr = parse("Conv([a, b], m)")
    assert expr.n == sp.Symbol("m", integer=True, positive=True)
    assert expr.kernel == (sp.Symbol("a"), sp.Symbol("b"))
    # without the assumptions Flip would refuse the size
    assert parse("Flip(m)") != Flip(sp.Symbol("m", integer=True))


def test_symbols_mapping_gives_kernels_scalars_and_matrices():
    x = sp.Symbol("x", integer=True, positive=True)
    A = sp.MatrixSymbol("A", 3, 3)
    got = parse("c*Conv(q, x) @ A", symbols={"q": q[:2], "x": 3, "c": sp.Rational(1, 3), "A": A})
    assert got == sp.Rational(1, 3) * Conv(q[:2], 3) @ A
    assert parse("A.T @ A", symbols={"A": A}) == A.T @ A
    assert parse("Flip(x)", symbols={"x": x}) == Flip(x)


@pytest.mark.parametrize(
    "symbols",
    [{"_x": 1}, {"1x": 1}, {"lambda": 1}, {"x": "os"}, {"x": []}, {3: 1}, [("x", 1)]],
)
def test_bad_symbols_mapping_is_a_parameter_error(symbols):
    with pytest.raises(ParameterError):
        parse("Flip(3)", symbols=symbols)


def test_parsed_expression_computes_what_numpy_computes():
    # An oracle outside symconv: the matrix of 2·flip(x) − x on ℝ³, and a 'same' convolution.
    got = np.array(explicit(parse("2*Flip(3) - I(3)")).tolist(), dtype=float)
    np.testing.assert_array_equal(got, 2 * np.eye(3)[::-1] - np.eye(3))
    got = np.array(explicit(parse("Conv([1, 2, 3], 5, 'same')")).tolist(), dtype=float)
    expected = np.array([np.convolve(np.eye(5)[j], [1, 2, 3], "same") for j in range(5)]).T
    np.testing.assert_array_equal(got, expected)


# --------------------------------------------------------------------------- errors

SYNTAX_ERRORS = [
    # (text, position, part of the message)
    ("", 0, "empty expression"),
    ("   ", 0, "empty expression"),
    ("Flip(3", 6, "expected ','"),
    ("Flip(", 5, "expected an expression"),
    ("Pad(3,", 6, "expected an expression"),
    ("Pad(3, lo=", 10, "expected an expression"),
    ("Flip(3))", 7, "unexpected ')'"),
    ("(Flip(3)", 8, "expected ','"),
    ("[1, 2", 5, "expected ','"),
    ("Flip(3) Flip(3)", 8, "unexpected 'Flip'"),
    ("Flip(3)[0]", 7, "unexpected '['"),
    ("Flip(3) @", 9, "expected an expression"),
    ("@ Flip(3)", 0, "expected an expression"),
    ("Flip(,)", 5, "expected an expression"),
    ("()", 1, "empty parentheses"),
    ("Flip(3).shape", 8, "only '.T'"),
    ("Flip(3).__class__", 8, "names may not start with '_'"),
    ("Flip(3).", 7, "only '.T'"),
    ("__import__('os')", 0, "names may not start with '_'"),
    ("lambda: Flip(3)", 0, "Python keyword"),
    ("import os", 0, "Python keyword"),
    ("eval('Flip(3)')", 0, "unknown function 'eval'"),
    ("Flip(3) @ open('x')", 10, "unknown function 'open'"),
    ("1.5*Flip(3)", 0, "decimal numbers"),
    ("1e3*Flip(3)", 0, "decimal numbers"),
    ("3n*Flip(3)", 1, "cannot run into a name"),
    ("Flip(3) $ Flip(3)", 8, "unexpected character $"),
    ("Flip(3) ↑ 2", 8, "unexpected character ↑"),
    ("Conv([1], 3, 'same)", 13, "unterminated string"),
    ("Conv([1], 3, 'sa\\me')", 16, "backslashes"),
    ("Flip(2**3**2)", 9, "chained '**'"),
    ("Flip(n=3, 3)", 10, "positional argument cannot follow"),
    ("Flip(n 3)", 7, "expected ','"),
    ("Flip(n '=' 3)", 7, "expected ','"),
    ("x = Flip(3)", 2, "unexpected '='"),
    ("1" * 101, 0, "longer than 100 digits"),
]


@pytest.mark.parametrize(("text", "position", "message"), SYNTAX_ERRORS)
def test_syntax_errors_point_at_the_offending_character(text, position, message):
    with pytest.raises(ParseError) as info:
        parse(text)
    error = info.value
    assert error.position == position
    assert message in error.message
    assert error.text == text
    lines = str(error).splitlines()
    assert lines[0] == error.message
    if "\n" not in text and len(text) < 70:
        assert lines[1] == "  " + text
        assert lines[2] == "  " + " " * position + "^"


EVALUATION_ERRORS = [
    ("2", 0, "is a scalar, not a matrix"),
    ("(1, 2)", 0, "is a sequence, not a matrix"),
    ("'same'", 0, "is a string, not a matrix"),
    ("Flip", 0, "is a function"),
    ("Conv(q, 3)", 5, "'q' is not a kernel"),
    ("Flip(3) + 2", 8, "cannot combine a matrix and a scalar"),
    ("Flip(3) @ 2", 8, "composes two matrices"),
    ("2 @ Flip(3)", 2, "composes two matrices"),
    ("Flip(3) + 'a'", 8, "not a string"),
    ("-'a'", 1, "not a string"),
    ("Flip(3) / Flip(3)", 8, "cannot divide by a matrix"),
    ("Flip(3) // 2", 8, "scalars only"),
    ("Flip(3)**0", 9, "integer exponent from 1"),
    ("[1, 2]**2", 6, "raises a scalar or a matrix"),
    ("Flip(2**n)", 8, "exponent must be an integer"),
    ("Flip(2**65)", 8, "exponent must be an integer"),
    ("Flip(1/0)", 6, "division by zero"),
    ("Flip(3)/0", 7, "division by zero"),
    ("Flip(3 % (2 - 2))", 7, "division by zero"),
    ("Flip((9**64)**64)", 12, "number larger than"),
    ("x.T", 1, "transposes a matrix"),
    ("n*Flip(n)", 7, "'n' is used as a size here"),
    ("Flip(n) @ Conv([n], 1)", 16, "'n' is used as a kernel tap or scalar factor here"),
    ("Pad(3, 1, 2, 3)", 13, "too many arguments"),
    ("Pad(lo=1)", 8, "missing argument 'n'"),
    ("Pad(3, lo=1, lo=2)", 13, "got 'lo' twice"),
    ("Pad(3, 1, low=2)", 10, "no parameter 'low'"),
    ("Conv([1, 2], 3, 'same', mode='full')", 24, "got 'mode' twice"),
    ("Conv(kernel(q, 0), 3)", 15, "concrete integer from 1 to 1000"),
    ("Conv(kernel(q, m), 3)", 15, "concrete integer"),
    ("Conv(ones(10**9), 3)", 10, "concrete integer from 1 to 1000"),
    ("Conv(dilate(ones(3), 999), 3)", 5, "longer than 1000 taps"),
    ("Conv(kernel(2, 3), 3)", 12, "bare name or a string"),
    ("Max()", 0, "at least one argument"),
    ("Flip(floor(3, 4))", 5, "takes 1 argument"),
    ("Flip(floor(x=3))", 11, "no keyword arguments"),
    ("Flip(floor(Flip(3)))", 11, "takes scalars"),
    ("Flip(Mod(3, 0))", 5, "Modulo by zero"),
]


@pytest.mark.parametrize(("text", "position", "message"), EVALUATION_ERRORS)
def test_evaluation_errors_point_at_the_offending_part(text, position, message):
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.position == position
    assert message in info.value.message
    assert str(info.value).splitlines()[-1] == "  " + " " * position + "^"


OPERATOR_ERRORS = [
    # The operators' own errors pass through with their type, located at the argument.
    ("Flip(2) @ Downsample(4, 0)", ParameterError, 24, "k=0 is not allowed"),
    ("Conv([1, 2], 3, mode='middle')", ParameterError, 21, "mode='middle'"),
    ("Conv([1, 'a'], 3)", ParameterError, 9, "q[1]='a'"),
    ("Conv([], 3)", ParameterError, 5, "non-empty"),
    ("Upsample(2, 2, length=7)", ParameterError, 22, "length=7"),
    ("Corr([1, 2], 3, padding=(1, -1))", ParameterError, 24, "padding hi=-1"),
    ("Corr([1, 2], 3, padding='middle')", ParameterError, 24, "padding='middle'"),
    ("Flip('3')", ParameterError, 5, "n='3'"),
    ("Conv(kernel(q_1, 3), 3)", ParameterError, 5, "name='q_1'"),
    ("Flip(3) @ Downsample(4, 2)", ShapeMismatchError, 8, "3 columns against 2 rows"),
    ("Flip(3) * Downsample(4, 2)", ShapeMismatchError, 8, "3 columns against 2 rows"),
    ("Flip(3) + Flip(4)", ShapeMismatchError, 8, "cannot add Flip(3)"),
    ("I(3) - Zero(3, 4)", ShapeMismatchError, 5, "cannot add"),
    ("Flip(n) @ Flip(k)", ShapeMismatchError, 8, "cannot be shown equal"),
]


@pytest.mark.parametrize(("text", "kind", "position", "message"), OPERATOR_ERRORS)
def test_operator_errors_pass_through_with_a_position(text, kind, position, message):
    with pytest.raises(kind) as info:
        parse(text)
    error = info.value
    assert type(error) is kind and not isinstance(error, ParseError)
    assert message in str(error)
    assert error.position == position and error.text == text
    shown = format_error(error).splitlines()
    assert shown[-2:] == ["  " + text, "  " + " " * position + "^"]


def test_multiline_input_shows_the_line_of_the_error():
    with pytest.raises(ParseError) as info:
        parse("Flip(3)\n  @ Flip(3) $")
    assert info.value.position == 20
    assert str(info.value).splitlines()[1:] == ["    @ Flip(3) $", "              ^"]


def test_long_lines_are_shown_around_the_caret():
    text = "Flip(3) + " * 20 + "Flip(3) $ " + "Flip(3) + " * 20 + "Flip(3)"
    with pytest.raises(ParseError) as info:
        parse(text)
    line, caret = str(info.value).splitlines()[1:]
    assert line.startswith("  ...") and line.endswith("...") and len(line) < 90
    assert line[caret.index("^")] == "$"


def test_parse_error_is_a_symconv_error_and_pickles():
    with pytest.raises(SymconvError) as info:
        parse("Flip(")
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.message, copy.text, copy.position) == (
        info.value.message,
        info.value.text,
        info.value.position,
    )
    assert str(copy) == str(info.value)


def test_non_string_input_is_a_parameter_error():
    with pytest.raises(ParameterError):
        parse(b"Flip(3)")


# --------------------------------------------------------------------------- limits


def test_input_length_is_limited():
    text = "+".join(["Flip(3)"] * (MAX_LENGTH // 8 + 1))
    with pytest.raises(ParseError, match="longer than") as info:
        parse(text)
    assert info.value.position == MAX_LENGTH
    # just below the limit is fine, and a long flat sum does not recurse deeply
    assert parse("+".join(["Flip(3)"] * (MAX_LENGTH // 8 - 1))).shape == (3, 3)


@pytest.mark.parametrize("opening", ["(", "[", "Max("])
def test_nesting_depth_is_limited(opening):
    closing = "]" if opening == "[" else ")"
    ok = "Flip(" + opening * (MAX_DEPTH - 1) + "3" + closing * (MAX_DEPTH - 1) + ")"
    deep = "Flip(" + opening * MAX_DEPTH + "3" + closing * MAX_DEPTH + ")"
    if opening != "[":
        assert parse(ok) == Flip(3)
    with pytest.raises(ParseError, match="nesting deeper") as info:
        parse(deep)
    assert info.value.position == 5 + len(opening) * (MAX_DEPTH - 1) + len(opening) - 1


def test_long_runs_of_signs_and_transposes_do_not_recurse():
    assert parse("-" * 4000 + "Flip(3)") == Flip(3)
    assert parse("Pad(2, 1, 0)" + ".T" * 3000) == sp.Transpose(sp.Transpose(Pad(2, 1, 0)))
    assert parse("Pad(2, 1, 0)" + ".T" * 3001) == sp.Transpose(Pad(2, 1, 0))


# --------------------------------------------------------------------------- safety


def test_python_is_never_executed(tmp_path):
    marker = tmp_path / "executed"
    attacks = [
        f"__import__('os').system('touch {marker}')",
        f"Flip(3) + __import__('os').system('touch {marker}')",
        f"Flip(3).__class__.__init__.__globals__['os'].system('touch {marker}')",
        f"exec(\"open('{marker}', 'w')\")",
        f'Conv([\'__import__("os").system("touch {marker}")\'], 3)',
        f'Conv(kernel(\'__import__("os").system("touch {marker}")\', 2), 3)',
        f'Corr([1], 3, padding=\'__import__("os").system("touch {marker}")\')',
        "Flip((lambda: 3)())",
        "[x for x in ()]",
    ]
    with (
        mock.patch.object(builtins, "eval", side_effect=AssertionError("eval called")),
        mock.patch.object(builtins, "exec", side_effect=AssertionError("exec called")),
        mock.patch(
            "sympy.parsing.sympy_parser.parse_expr",
            side_effect=AssertionError("parse_expr called"),
        ),
    ):
        for text in attacks:
            with pytest.raises(SymconvError):
                parse(text)
    assert not marker.exists()


def test_module_calls_no_code_evaluating_function():
    source = Path(parse_module.__file__).read_text()
    called = {
        node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
    }
    names = {
        node.func.id
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert "getattr" in names  # the walk does see calls
    assert not names & {"eval", "exec", "compile", "__import__", "getattr_static"}
    assert not called & {"sympify", "parse_expr", "eval", "exec", "__import__"}


TOKENS = [
    "Flip", "Conv", "Corr", "Upsample", "Downsample", "Pad", "Crop", "ConvTranspose", "I",
    "Zero", "kernel", "ones", "flip", "dilate", "convolve", "floor", "Max", "Mod", "q", "n",
    "q_0", "stride", "padding", "mode", "length", "(", ")", "[", "]", ",", "=", ".", ".T", "T",
    "@", "*", "/", "//", "%", "+", "-", "**", "0", "1", "2", "3", "7", "1/2", "'same'", '"full"',
    "'valid'", "'", "_", "__class__", "$", " ", "\n",
]  # fmt: skip


def _parse_or_symconv_error(text):
    try:
        result = parse(text)
    except ParseError as error:
        assert 0 <= error.position <= len(text)
        assert str(error).startswith(error.message)
        return
    except SymconvError as error:
        assert 0 <= error.position <= len(text)
        return
    assert getattr(result, "is_Matrix", False)


@given(st.text(alphabet=string.printable, max_size=80))
def test_random_printable_text_raises_only_symconv_errors(text):
    _parse_or_symconv_error(text)


@given(st.lists(st.sampled_from(TOKENS), max_size=30), st.sampled_from(["", " "]))
def test_random_token_soup_raises_only_symconv_errors(tokens, separator):
    _parse_or_symconv_error(separator.join(tokens))


# --------------------------------------------------------------------------- unparse

scalars = st.one_of(
    st.integers(-5, 5).map(sp.Integer),
    st.tuples(st.integers(-5, 5), st.integers(1, 4)).map(lambda t: sp.Rational(*t)),
    st.sampled_from((*kernel("q", 4), sp.Symbol("a"))),
)
taps = st.lists(scalars, min_size=1, max_size=4).map(tuple)


@st.composite
def operator_on(draw, size):
    """An operator whose input length is ``size`` (an integer or a symbolic expression)."""
    symbolic = not isinstance(size, int)
    kind = draw(st.sampled_from(["down", "up", "pad", "crop", "flip", "conv", "corr", "convt"]))
    factor = draw(st.integers(1, 3))
    try:
        if kind == "down":
            return Downsample(size, factor)
        if kind == "up":
            return Upsample(size, factor, length=factor * size - draw(st.integers(0, factor - 1)))
        if kind == "pad":
            return Pad(size, draw(st.integers(0, 2)), draw(st.integers(0, 2)))
        if kind == "crop" and (symbolic or size > 1):
            return Crop(size, draw(st.integers(0, 1)), 0)
        if kind == "conv":
            return Conv(draw(taps), size, draw(st.sampled_from(["full", "valid", "same"])))
        if kind == "corr":
            padding = draw(st.one_of(st.sampled_from(["valid", "same", "full"]), st.integers(0, 2)))
            return Corr(draw(taps), size, padding, factor, draw(st.integers(1, 2)))
        if kind == "convt":
            a = draw(st.integers(0, factor - 1))
            return ConvTranspose(draw(taps), size, stride=factor, output_padding=a)
    except ParameterError:
        pass
    return Flip(size)


@st.composite
def expressions(draw):
    size = draw(st.one_of(st.integers(1, 8), st.integers(0, 2).map(lambda c: n + c)))
    expr = draw(operator_on(size))
    for _ in range(draw(st.integers(0, 2))):
        expr = draw(operator_on(expr.rows)) @ expr
    if draw(st.booleans()):
        expr = expr.T
    if draw(st.booleans()):
        expr = draw(scalars.filter(lambda s: s != 0)) * expr
    if draw(st.booleans()):
        other = draw(operator_on(expr.rows))
        term = draw(scalars.filter(lambda s: s != 0)) * (other.T @ other @ expr)
        # parse checks the shapes of every sum; SymPy alone checks only concrete ones,
        # and cannot always show symbolic lengths such as 2⌊(n−1)/2⌋ + 1 + (n+1 mod 2) equal.
        with contextlib.suppress(ShapeMismatchError):
            check_same_shape(expr, term)
            expr = expr + term
    return expr


@given(expressions())
def test_unparse_round_trips(expr):
    text = unparse(expr)
    try:
        parsed = parse(text)
    except ShapeMismatchError as error:
        # Python reached expr through .T, which rewrites shapes into forms such as
        # 2⌊(n−1)/2⌋ + 1 + (n+1 mod 2) that the shape check cannot show equal to n;
        # that is a limit of the (core's) shape check, not of the printing.
        assert "cannot be shown equal" in str(error)
        assume(False)
    # Python evaluated expr; parse keeps the text as written (sums in printed order).
    assert parsed.doit() == expr.doit(), text


@pytest.mark.parametrize("text", [t for t, _ in AS_WRITTEN])
def test_unparse_round_trips_as_written(text):
    assert parse(unparse(parse(text))) == parse(text)


@pytest.mark.parametrize("factory", FACTORIES, ids=[f.name for f in FACTORIES])
@given(data=st.data())
def test_unparse_round_trips_every_operator_family(factory, data):
    params = data.draw(factory.params)
    op = factory.build(params, kernel("w", kernel_length(params)))
    assert parse(unparse(op)) == op
    assert parse(unparse(op.T)) == op.T


@pytest.mark.parametrize(
    ("expr", "text"),
    [
        (Upsample(2, 2), "Upsample(2, 2)"),
        (Upsample(2, 2, length=3), "Upsample(2, 2, length=3)"),
        (Conv(q, 4, "same"), 'Conv([q_0, q_1, q_2], 4, mode="same")'),
        (Corr((1, R(1, 2)), 8, (0, 1), stride=2), "Corr([1, 1/2], 8, padding=(0, 1), stride=2)"),
        (-Flip(3) @ Pad(2, 1, 0), "-Flip(3) @ Pad(2, lo=1)"),
        (Flip(3) - 2 * sp.Identity(3), "Flip(3) - 2*I(3)"),
        (sp.Identity(3) - Flip(3), "I(3) - Flip(3)"),
        (sp.Symbol("c") * Flip(n), "c*Flip(n)"),
        ((sp.Symbol("c") + 1) * Flip(2), "(c + 1)*Flip(2)"),
        (sp.Transpose(Flip(3) @ Pad(2, 1, 0)), "(Flip(3) @ Pad(2, lo=1)).T"),
        (
            sp.MatMul(Flip(3), Flip(3) + sp.Identity(3), evaluate=False),
            "Flip(3) @ (Flip(3) + I(3))",
        ),
        (Flip(3) @ Flip(3), "Flip(3) ** 2"),
        (sp.MatMul(Flip(3), Flip(3)), "Flip(3) @ Flip(3)"),
        (-Flip(3) - sp.Identity(3), "-Flip(3) - I(3)"),
        (Downsample(n, k).T, "Upsample(ceiling(n/k), k, length=n)"),
        (sp.ZeroMatrix(2, 3), "Zero(2, 3)"),
    ],
)
def test_unparse_prints_readable_text(expr, text):
    assert unparse(expr) == text


@pytest.mark.parametrize(
    "expr",
    [
        sp.ImmutableMatrix([[1, 2]]),
        sp.sqrt(2) * Flip(3),
        sp.Float(0.5) * Flip(3),
        Conv((sp.Symbol("_x"),), 2),
        sp.Inverse(sp.MatrixSymbol("A", 2, 2)),
    ],
)
def test_unparse_refuses_what_the_language_cannot_write(expr):
    with pytest.raises(ParameterError):
        unparse(expr)
