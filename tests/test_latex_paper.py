"""Paper-ready pieces: statements as paragraphs, N-D layers named, derivations broken to width.

Each expected string is written out by hand from the definitions (the N-D
kernels' taps, the polyphase slices q[u::s]); the compile tests
(tests/test_latex_compile.py) check the same output with pdflatex.
"""

from __future__ import annotations

import re

import pytest
import sympy as sp

from symconv import Conv, Pad, Upsample, kernel
from symconv.derivation import Derivation, Rule, Step
from symconv.errors import ParameterError
from symconv.operators.channels import ConvTransposeNd, CorrNd, corr_nd, weight_tensor
from symconv.printing.latex import Notation, latex
from symconv.printing.latex.layout import estimate_width
from symconv.printing.latex.unicode import text_math, text_paragraph


def _math(paragraph: str) -> list[str]:
    return re.findall(r"\$([^$]*)\$", paragraph)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("for all n, k >= 1", r"for all $n$, $k \geq 1$"),
        ("0 <= a < s", r"$0 \leq a < s$"),
        ("n != m", r"$n \neq m$"),
        ("flip(↑_d q)", r"$\mathrm{flip}(\mathord{\uparrow}_{d} q)$"),
        ("Σ_{u,v} Shift_{u,v}", r"$\sum_{u,v} \mathrm{Shift}_{u,v}$"),
        ("q[v::s] ∗ y", r"$q[v{:}{:}s] \ast y$"),
        ("a strided conv", "a strided conv"),  # the article stays text
        ("e.g. k=2", r"e.g. $k=2$"),
        ("NumPy's swap", "NumPy's swap"),
        ("2-D convolution", "2-D convolution"),
        ("1ₘ ∗ x", r"$1_{m} \ast x$"),
        ("s₁·s₂", r"$s_{1}\cdot s_{2}$"),  # \cdot s, never \cdots
        ("q∗x", r"$q\ast x$"),  # \ast x, never \astx
    ],
)
def test_statement_words_and_mathematics(text: str, expected: str) -> None:
    assert text_paragraph(text) == expected


def test_statement_paragraph_escapes_and_never_leaves_raw_relations() -> None:
    assert text_paragraph("50% of {x} \\input") == r"50\% of \{$x$\} \textbackslash{}input"
    paragraph = text_paragraph("ConvTranspose(q; s, lo, hi, d, a) for 0 <= a < s, n >= 1 ↔ ☺")
    assert ">=" not in paragraph and "<=" not in paragraph and paragraph.isascii()
    assert r"\text{[U+263A]}" in paragraph and r"\leftrightarrow" in paragraph
    # Math mode: the same relations, and no doubled spaces around them.
    assert text_math("k >= 1") == r"\text{k}\geq\text{1}"


def test_estimated_width_grows_with_the_printed_material() -> None:
    q = kernel("q", 3)
    one = latex(Conv(q, 4))
    assert estimate_width(one + " + " + one) > 2 * estimate_width(one)
    assert estimate_width(r"\text{a much longer justification}") > estimate_width(r"\text{by}")
    assert estimate_width("x^{2}") < estimate_width("x2")


_Q = [[sp.Symbol(f"q_{i}_{j}") for j in range(4)] for i in range(4)]


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        (corr_nd([row[:3] for row in _Q[:3]], (5, 5), stride=2), r"(\mathbf{q} \star_{s=2})"),
        (  # the flip of q[0::2, 1::2] over the full padding: the convolution with it
            corr_nd([[_Q[i][j] for j in (3, 1)] for i in (2, 0)], (3, 3), padding=1),
            r"(\mathbf{q}_{[0::2,\,1::2]} \ast)",
        ),
        (  # the same kernel without the full padding stays a correlation
            corr_nd([[_Q[i][j] for j in (3, 1)] for i in (2, 0)], (3, 3)),
            r"(\left(\operatorname{Flip} \mathbf{q}_{[0::2,\,1::2]}\right) \star)",
        ),
        (
            corr_nd([[_Q[i][j] for j in (1, 3)] for i in (1, 3)], (3, 3), stride=(2, 1)),
            r"(\mathbf{q}_{[1::2,\,1::2]} \star_{s=(2,1)})",
        ),
        (corr_nd([[1] * 3] * 2, (6, 6), dilation=2), r"(\mathbf{1}_{2 \times 3} \star_{d=2})"),
        (
            corr_nd([[_Q[0][0], _Q[0][0] + _Q[0][1], _Q[0][1]]], (3, 3)),
            r"(\left(\mathbf{q} \ast \mathbf{1}_{1 \times 2}\right) \star)",
        ),
        (
            CorrNd(weight_tensor("w", (4, 2, 3, 3)), (5, 5), groups=2, padding=((0, 1), (0, 1))),
            r"(\mathbf{w} \star_{p=(0,1),\,g=2})",
        ),
        (
            ConvTransposeNd(weight_tensor("w", (1, 1, 3, 3)), (3, 3), 1, 2, output_padding=1),
            r"(\mathbf{w} \star_{s=2,\,p=1,\,a=1})^{\mathsf{T}}",
        ),
        (
            corr_nd([[1, 2], [3, 4]], (3, 3)),
            "(\\begin{bmatrix}\n1 & 2 \\\\\n3 & 4\n\\end{bmatrix} \\star)",
        ),
    ],
)
def test_nd_layers_in_the_one_dimensional_notation(operator: object, expected: str) -> None:
    assert latex(operator) == expected


def test_nd_layer_without_a_name_keeps_its_class_name() -> None:
    weight = [[[[sp.Symbol("a"), sp.Symbol("b")]]], [[[sp.Symbol("c"), sp.Symbol("d")]]]]
    assert latex(CorrNd(weight, (1, 3))) == r"\operatorname{CorrNd}"


def _sum_derivation(terms: int) -> Derivation:
    q = kernel("q", 3)
    parts = [
        sp.MatMul(Pad(6, t, terms - 1 - t), Upsample(3, 2, 6), Conv(q, 1)) for t in range(terms)
    ]
    rule = Rule("phases", "", r"q \ast \uparrow_s = \sum_v S_v \uparrow_s (q_v \ast)")
    lhs = sp.MatMul(Pad(6 + terms - 1, 0, 0), parts[0])
    return Derivation("sum", "", (Step(lhs), Step(sp.MatAdd(*parts), rule)))


def test_a_long_sum_is_split_between_its_terms_and_the_rule_goes_below() -> None:
    text = latex(_sum_derivation(8), numbered=False)
    lines = text.removeprefix("\\begin{align*}\n").removesuffix("\n\\end{align*}").split(" \\\\\n")
    assert len(lines) >= 3 and text.count(" + ") == 7  # every term kept, once
    assert all(line.startswith(r"&\quad + ") for line in lines[1:-1])
    assert lines[-1].startswith(r"&\qquad \text{by } ")
    assert all(estimate_width(line.replace("&", "")) < 345 for line in lines)
    # Wide enough, the same derivation is one line with its justification in a column.
    wide = latex(_sum_derivation(8), numbered=False, width=3000)
    assert wide.count(" \\\\\n") == 0 and " && \\text{by } " in wide


def test_width_is_a_notation_option_with_a_floor() -> None:
    assert Notation(width=252).width == 252
    with pytest.raises(ParameterError, match="width"):
        Notation(width=20)
