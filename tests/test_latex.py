"""LaTeX output: golden strings, notation switching, macros round trip, elision, injection."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

import symconv
from symconv import (
    Conv,
    ConvTranspose,
    Corr,
    Crop,
    Downsample,
    Flip,
    Pad,
    ParameterError,
    Upsample,
    explicit,
    kernel,
    signal,
)
from symconv.derivation import Derivation, Rule, Step
from symconv.kernels import dilate, flip
from symconv.matrices import domain_of, sparse_matrix
from symconv.printing.latex import (
    Notation,
    derivation_latex,
    latex,
    mathjax_macros,
    matrix_latex,
    preamble,
    sty,
)
from symconv.printing.latex.classic import conv2d_matrix, transposed_conv_chain
from symconv.printing.latex.unicode import text_math

q = kernel("q", 3)
x2, x4 = sp.MatrixSymbol("x", 2, 1), sp.MatrixSymbol("x", 4, 1)

# (expression, expanded output, macro output): every operator and every mode.
GOLDEN = [
    (Downsample(8, 2), r"\mathord{\downarrow}_{2}", r"\downsample{2}"),
    (Upsample(3, 2), r"\mathord{\uparrow}_{2}", r"\upsample{2}"),
    (Upsample(3, 2, length=5), r"\mathord{\uparrow}_{2}", r"\upsample{2}"),
    (Pad(4, 1, 2), r"\operatorname{Pad}_{1,2}", r"\pad{1}{2}"),
    (Crop(6, 2, 0), r"\operatorname{Crop}_{2,0}", r"\crop{2}{0}"),
    (Flip(4), r"\operatorname{Flip}", r"\flip"),
    (Conv(q, 4), r"(\mathbf{q} \ast)", r"(\vect{q} \conv)"),
    (Conv(q, 4, "same"), r"(\mathbf{q} \ast_{\mathrm{same}})", r"(\vect{q} \conv_{\mathrm{same}})"),
    (
        Conv(q, 4, "valid"),
        r"(\mathbf{q} \ast_{\mathrm{valid}})",
        r"(\vect{q} \conv_{\mathrm{valid}})",
    ),
    (Corr(q, 4), r"(\mathbf{q} \star)", r"(\vect{q} \corr)"),
    (Corr(q, 4, 1), r"(\mathbf{q} \star_{p=1})", r"(\vect{q} \corr_{p=1})"),
    (
        Corr(q, 12, "same", stride=2, dilation=2),
        r"(\mathbf{q} \star_{s=2,\,p=(1,2),\,d=2})",
        r"(\vect{q} \corr_{s=2,\,p=(1,2),\,d=2})",
    ),
    (
        ConvTranspose(q, 2, stride=2),
        r"(\mathbf{q} \star_{s=2})^{\mathsf{T}}",
        r"(\vect{q} \corr_{s=2})^{\transp}",
    ),
    (
        ConvTranspose(q, 3, padding=1, stride=2, output_padding=1),
        r"(\mathbf{q} \star_{s=2,\,p=1,\,a=1})^{\mathsf{T}}",
        r"(\vect{q} \corr_{s=2,\,p=1,\,a=1})^{\transp}",
    ),
    # Transposes left unevaluated, and their closed forms.
    (sp.Transpose(Downsample(4, 2)), r"\mathord{\downarrow}_{2}^{\mathsf{T}}", None),
    (Downsample(4, 2).T, r"\mathord{\uparrow}_{2}", None),
    (sp.Transpose(Conv(q, 4)), r"(\mathbf{q} \ast)^{\mathsf{T}}", r"(\vect{q} \conv)^{\transp}"),
    (
        sp.Transpose(sp.Transpose(Downsample(4, 2))),
        r"\left(\mathord{\downarrow}_{2}^{\mathsf{T}}\right)^{\mathsf{T}}",
        r"\left(\downsample{2}^{\transp}\right)^{\transp}",
    ),
    # Application: convolutions are infix, parenthesised as in the Stack Exchange answers.
    (sp.MatMul(Conv(q, 4), x4), r"\mathbf{q} \ast \mathbf{x}", r"\vect{q} \conv \vect{x}"),
    (
        sp.MatMul(Conv(q, 4, "same"), Upsample(2, 2), x2),
        r"\mathbf{q} \ast_{\mathrm{same}} \left(\mathord{\uparrow}_{2} \mathbf{x}\right)",
        r"\vect{q} \conv_{\mathrm{same}} \left(\upsample{2} \vect{x}\right)",
    ),
    (
        sp.MatMul(Downsample(6, 2), Corr(q, 8), x2.subs(x2, sp.MatrixSymbol("x", 8, 1))),
        r"\mathord{\downarrow}_{2} \left(\mathbf{q} \star \mathbf{x}\right)",
        None,
    ),
    (
        sp.MatMul(sp.Transpose(sp.MatMul(Downsample(4, 2), sp.Transpose(Conv(q, 4, "same")))), x2),
        r"\left(\mathord{\downarrow}_{2} (\mathbf{q} \ast_{\mathrm{same}})^{\mathsf{T}}\right)"
        r"^{\mathsf{T}} \mathbf{x}",
        r"\left(\downsample{2} (\vect{q} \conv_{\mathrm{same}})^{\transp}\right)"
        r"^{\transp} \vect{x}",
    ),
    (
        sp.MatMul(Upsample(2, 2), Downsample(4, 2), x4),
        r"\mathord{\uparrow}_{2} \mathord{\downarrow}_{2} \mathbf{x}",
        r"\upsample{2} \downsample{2} \vect{x}",
    ),
    (
        sp.MatMul(Conv(q, 5), Conv(kernel("r", 2), 4), sp.MatrixSymbol("x", 4, 1)),
        r"\mathbf{q} \ast \left(\mathbf{r} \ast \mathbf{x}\right)",
        None,
    ),
    # Composition without a vector: every operator in its operator form.
    (
        sp.MatMul(Conv(q, 4, "same"), Upsample(2, 2)),
        r"(\mathbf{q} \ast_{\mathrm{same}}) \mathord{\uparrow}_{2}",
        r"(\vect{q} \conv_{\mathrm{same}}) \upsample{2}",
    ),
    (
        sp.MatMul(Crop(7, 1, 1), Pad(5, 1, 1)),
        r"\operatorname{Crop}_{1,1} \operatorname{Pad}_{1,1}",
        r"\crop{1}{1} \pad{1}{1}",
    ),
    (
        sp.MatMul(2, Downsample(4, 2), Conv(q, 2)),
        r"2 \mathord{\downarrow}_{2} (\mathbf{q} \ast)",
        None,
    ),
    (
        sp.MatMul(2, Conv(q, 2), sp.MatrixSymbol("x", 2, 1)),
        r"2 \left(\mathbf{q} \ast \mathbf{x}\right)",
        None,
    ),
    (
        sp.MatAdd(Flip(4), sp.MatMul(-1, sp.Identity(4))),
        r"\operatorname{Flip} - I",
        None,
    ),
    (
        sp.KroneckerProduct(Downsample(4, 2), sp.MatAdd(Flip(2), sp.Identity(2))),
        r"\mathord{\downarrow}_{2} \otimes \left(\operatorname{Flip} + I\right)",
        None,
    ),
    (
        sp.MatMul(sp.KroneckerProduct(Downsample(4, 2), Downsample(4, 2)), Flip(16)),
        r"\left(\mathord{\downarrow}_{2} \otimes \mathord{\downarrow}_{2}\right) "
        r"\operatorname{Flip}",
        None,
    ),
    # Kernels: named, dilated, flipped, numeric.
    (Conv(dilate(q, 2), 4), r"(\left(\mathord{\uparrow}_{2} \mathbf{q}\right) \ast)", None),
    (Corr(flip(q), 4), r"(\left(\operatorname{Flip} \mathbf{q}\right) \star)", None),
    (Conv((1, 1), 3), r"(\left(1, 1\right) \ast)", None),
    (
        Conv((sp.Rational(1, 2), kernel("w", 1)[0]), 3),
        r"(\left(\frac{1}{2}, w_{0}\right) \ast)",
        None,
    ),
    # Symbolic sizes never show; symbolic factors do.
    (Downsample(sp.Symbol("n", integer=True, positive=True), 2), r"\mathord{\downarrow}_{2}", None),
    (
        Upsample(4, sp.Symbol("k", integer=True, positive=True)),
        r"\mathord{\uparrow}_{k}",
        r"\upsample{k}",
    ),
]


@pytest.mark.parametrize(("expr", "expanded", "macro"), GOLDEN, ids=lambda v: None)
def test_golden(expr: object, expanded: str, macro: str | None) -> None:
    assert latex(expr) == expanded
    if macro is not None:
        assert latex(expr, macros=True) == macro


def _expand(text: str, package: str) -> str:
    """Expand the macros a .sty defines, by reading its \\newcommand lines (independent code)."""
    definitions = {}
    for name, nargs, body in re.findall(
        r"\\newcommand\{\\([A-Za-z]+)\}(?:\[(\d)\])?\{(.*)\}$", package, flags=re.M
    ):
        definitions[name] = (int(nargs or 0), body)
    out, i = [], 0
    while i < len(text):
        match = re.match(r"\\([A-Za-z]+)", text[i:])
        if not match or match.group(1) not in definitions:
            out.append(text[i])
            i += 1
            continue
        nargs, body = definitions[match.group(1)]
        i += match.end()
        for n in range(1, nargs + 1):
            assert text[i] == "{"
            depth, j = 0, i
            while True:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                if depth == 0:
                    break
                j += 1
            body = body.replace(f"#{n}", _expand(text[i + 1 : j], package))
            i = j + 1
        out.append(body)
    return "".join(out)


NOTATIONS = [
    Notation(),
    Notation(transpose=r"\top", vector="plain", modes=False),
    Notation(upsample=r"\Uparrow", downsample=r"\Downarrow", conv="*", corr=r"\circledast"),
    Notation(vector="arrow", pad=r"\mathrm{P}", crop=r"\mathrm{C}", flip="J", prefix="sc"),
]


@pytest.mark.parametrize("notation", NOTATIONS, ids=lambda n: n.transpose + n.prefix)
@pytest.mark.parametrize("expr", [case[0] for case in GOLDEN], ids=lambda v: None)
def test_macro_output_expands_to_expanded_output(notation: Notation, expr: object) -> None:
    # The .sty, the printer's macro calls and its expansion come from one definition.
    macro_text = latex(expr, notation.replace(macros=True))
    assert _expand(macro_text, sty(notation)) == latex(expr, notation)


@pytest.mark.parametrize("notation", NOTATIONS, ids=lambda n: n.transpose + n.prefix)
def test_mathjax_macros_match_the_package(notation: Notation) -> None:
    package = sty(notation)
    for name, value in mathjax_macros(notation).items():
        body, nargs = (value[0], value[1]) if isinstance(value, list) else (value, 0)
        arity = f"[{nargs}]" if nargs else ""
        assert f"\\newcommand{{\\{name}}}{arity}{{{body}}}\n" in package
    assert len(mathjax_macros(notation)) == package.count(r"\newcommand")
    assert all(name.startswith(notation.prefix) for name in mathjax_macros(notation))


def test_notation_switches_everything_in_one_place() -> None:
    expr = sp.MatMul(sp.Transpose(sp.MatMul(Downsample(4, 2), sp.Transpose(Conv(q, 4)))), x2)
    text = latex(expr, transpose="T", vector="plain", downsample=r"D", conv=r"\circledast")
    assert text == r"\left(\mathord{D}_{2} (q \circledast)^{T}\right)^{T} x"


def test_options_are_validated() -> None:
    with pytest.raises(ParameterError, match="colour"):
        latex(Flip(2), colour="red")
    with pytest.raises(ParameterError, match="corner"):
        Notation(max_rows=4, corner=2)
    with pytest.raises(ParameterError, match="vector"):
        Notation(vector="italic")
    with pytest.raises(ParameterError, match="explicit"):
        latex(Flip(2), explicit="yes")
    with pytest.raises(ParameterError, match="label"):
        latex(Flip(2), label="x")


def test_explicit_mode_prints_the_qa_matrices() -> None:
    text = latex(sp.MatMul(Conv(q, 4, "same"), Upsample(2, 2), signal("x", 2)), explicit=True)
    assert text == (
        "\\begin{bmatrix}\nq_{1} & q_{0} & 0 & 0 \\\\\nq_{2} & q_{1} & q_{0} & 0 \\\\\n"
        "0 & q_{2} & q_{1} & q_{0} \\\\\n0 & 0 & q_{2} & q_{1}\n\\end{bmatrix} "
        "\\begin{bmatrix}\n1 & 0 \\\\\n0 & 0 \\\\\n0 & 1 \\\\\n0 & 0\n\\end{bmatrix} "
        "\\begin{bmatrix}\nx_{0} \\\\\nx_{1}\n\\end{bmatrix}"
    )
    assert latex(Downsample(4, 2), explicit=True, matrix="pmatrix") == (
        "\\begin{pmatrix}\n1 & 0 & 0 & 0 \\\\\n0 & 0 & 1 & 0\n\\end{pmatrix}"
    )
    # No doubled delimiters (SymPy's mat_str trap) and no array fallback for wide ones.
    wide = latex(Corr((1, 1), 17), explicit=True)
    assert wide.startswith("\\begin{bmatrix}") and "array" not in wide and "\\left[" not in wide


def test_kernels_and_scalars() -> None:
    assert latex(q) == r"\left(q_{0}, q_{1}, q_{2}\right)"
    assert latex(kernel("w", 1)[0] ** 2 + 1) == "w_{0}^{2} + 1"
    assert latex(sp.Symbol("alpha_1")) == r"\alpha_{1}"
    assert latex(sp.Symbol("w_1_2")) == "w_{1,2}"
    with pytest.raises(ParameterError, match="obj"):
        latex(object())


def _entries_of_elided(text: str) -> list[list[str]]:
    body = text.split("\n")[1:-1]
    return [[c.strip() for c in line.rstrip(" \\").split("&")] for line in body]


def test_elision_of_a_4096_operator_builds_nothing_dense(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a dense or entrywise path was used")

    monkeypatch.setattr(sp.matrices.expressions.MatrixExpr, "as_explicit", refuse)
    monkeypatch.setattr(Conv, "_entry", refuse)
    monkeypatch.setattr(Corr, "_entry", refuse)
    rows = _entries_of_elided(latex(Conv(q, 4096, "same"), explicit=True))
    assert len(rows) == 7 and all(len(r) == 7 for r in rows)
    assert rows[0] == ["q_{1}", "q_{0}", "0", r"\cdots", "0", "0", "0"]
    assert rows[3] == [r"\vdots"] * 3 + [r"\ddots"] + [r"\vdots"] * 3
    assert rows[6] == ["0", "0", "0", r"\cdots", "0", "q_{2}", "q_{1}"]
    # A 2-D 64x64-output convolution: 4096 rows, sum of Kronecker products.
    two_d = _entries_of_elided(matrix_latex(conv2d_matrix(n=66)))
    assert two_d[0][:3] == ["w_{0,0}", "w_{0,1}", "w_{0,2}"]
    assert two_d[-1][-3:] == ["w_{2,0}", "w_{2,1}", "w_{2,2}"]


def test_elision_sizes_are_configurable() -> None:
    rows = _entries_of_elided(latex(Downsample(40, 2), explicit=True, max_rows=4, corner=1))
    assert len(rows) == 3 and len(rows[0]) == 3  # rows 0, …, 19; columns 0, …, 39
    assert rows == [["1", r"\cdots", "0"], [r"\vdots", r"\ddots", r"\vdots"], ["0", r"\cdots", "0"]]
    full = _entries_of_elided(latex(Downsample(32, 2), explicit=True, max_cols=32, max_rows=32))
    assert len(full) == 16 and len(full[0]) == 32
    # Elided entries are the matrix's own corners, checked against explicit().
    big = Corr((1, 2, 3), 30, "same", stride=2)
    dense = explicit(big)
    rows = _entries_of_elided(latex(big, explicit=True, max_rows=6, max_cols=6, corner=2))
    shown = [0, 1, None, 13, 14]
    shown_cols = [0, 1, None, 28, 29]
    for r, i in zip(rows, shown):
        for c, j in zip(r, shown_cols):
            if i is not None and j is not None:
                assert c == str(dense[i, j])


def test_determinism_across_processes() -> None:
    program = (
        "import sympy as sp; from symconv.printing.latex import latex, sty; "
        "from symconv.printing.latex.classic import transposed_conv_chain, conv2d_matrix; "
        "print(latex(transposed_conv_chain(), label='eq:a')); "
        "print(latex(conv2d_matrix(), explicit=True)); print(sty())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", program],
            capture_output=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PYTHONPATH": sys.path[0] + ":" + ":".join(sys.path)},
        ).stdout
        for seed in ("0", "1", "12345")
    }
    assert len(outputs) == 1


INJECTIONS = ["q}\\input{x}", "q\\input{x}", "q$", "q%", "q#1", "q_{1}", "q\n\\end{document}", "q}"]


@pytest.mark.parametrize("name", INJECTIONS)
def test_names_cannot_inject(name: str) -> None:
    with pytest.raises(ParameterError, match="symbol name"):
        latex(sp.Symbol(name) + 1)
    with pytest.raises(ParameterError, match="ASCII identifiers"):  # refused as a tap
        latex(Conv((sp.Symbol(name), 1), 3))
    with pytest.raises(ParameterError, match="symbol name"):
        latex(sp.MatMul(Flip(2), sp.MatrixSymbol(name, 2, 1)))
    with pytest.raises(ParameterError, match="label"):
        latex(transposed_conv_chain(), label=name)
    with pytest.raises(ParameterError):
        kernel(name, 2)
    with pytest.raises(ParameterError):
        Notation(prefix=name)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("transpose", "T}\\input{x"),
        ("transpose", "\\input{x}"),
        ("upsample", "\\def\\x{1}"),
        ("conv", "\\write18{rm -rf /}"),
        ("corr", "{"),
        ("pad", "P$"),
        ("flip", "J%"),
        ("crop", "C\n\\end{document}"),
        ("downsample", "\\csname input\\endcsname"),
    ],
)
def test_notation_fragments_cannot_inject(field: str, value: str) -> None:
    with pytest.raises(ParameterError, match=field):
        Notation(**{field: value})


def test_function_names_cannot_inject() -> None:
    with pytest.raises(ParameterError, match="function name"):
        latex(sp.Function("f}\\input{x")(sp.Symbol("a")))


def test_text_is_escaped() -> None:
    assert text_math("q}\\input{x}%") == r"\text{q\}\textbackslash{}input\{x\}\%}"
    assert text_math("a\n\\end{document}") == r"\text{a \textbackslash{}end\{document\}}"
    assert text_math("☺") == r"\text{[U+263A]}"
    step = Step(Flip(2), Rule("flip}\\input{x}", "", ""), note="$x$ & {y}")
    text = derivation_latex(Derivation("d", "", (Step(Flip(2)), step)), notes=True)
    assert r"\text{by flip\}\textbackslash{}input\{x\}}" in text
    assert r"(\text{\$x\$ \& \{y\}})" in text
    bad = Rule("bad", "", r"\input{/etc/passwd}")
    with pytest.raises(ParameterError, match="rule latex"):
        derivation_latex(Derivation("d", "", (Step(Flip(2)), Step(Flip(2), bad))))


UP_DOWN = Rule("down-transpose", "(↓ₖ on ℝᴺ)ᵀ = ↑ₖ", r"\downarrow_k^{\mathsf{T}} = \uparrow_k")


def _small_derivation() -> Derivation:
    steps = (Step(sp.Transpose(Downsample(4, 2))), Step(Upsample(2, 2), UP_DOWN, note="N = 4"))
    return Derivation("up-down", "↑ₖ = ↓ₖᵀ", steps)


def test_derivation_environments() -> None:
    d = _small_derivation()
    line = (
        r"\mathord{\downarrow}_{2}^{\mathsf{T}} &= \mathord{\uparrow}_{2} && \text{by } "
        r"\mathord{\downarrow}_{k}^{\mathsf{T}} = \mathord{\uparrow}_{k}"
    )
    assert latex(d) == f"\\begin{{align}}\n{line}\n\\end{{align}}"
    assert latex(d, label="eq:ud") == f"\\begin{{align}}\n{line} \\label{{eq:ud}}\n\\end{{align}}"
    assert latex(d, numbered=False) == f"\\begin{{align*}}\n{line}\n\\end{{align*}}"
    assert latex(d, environment="aligned") == f"\\begin{{aligned}}\n{line}\n\\end{{aligned}}"
    assert latex(d, notes=True).endswith(r"\quad (\text{N}=\text{4})" + "\n\\end{align}")
    with pytest.raises(ParameterError, match="label"):
        latex(d, numbered=False, label="eq:x")
    with pytest.raises(ParameterError, match="environment"):
        latex(d, environment="eqnarray")
    with pytest.raises(ParameterError, match="derivation"):
        derivation_latex(Derivation("empty", "", ()))


def test_derivation_lines_and_numbering() -> None:
    # Wide enough for the justifications to stand in their own column.
    text = latex(transposed_conv_chain(), modes=False, label="eq:chain", width=1000)
    lines = text.split(" \\\\\n")
    # One line per step after the first, numbered once, on the last line.
    assert text.count("&= ") == 4 and text.count(r"\notag") == 3
    assert text.startswith(
        "\\begin{align}\n\\mathbf{q} \\ast \\left(\\mathord{\\uparrow}_{2} \\mathbf{x}\\right) &= "
        "\\begin{bmatrix}\nq_{1} & q_{0} & 0 & 0"
    )
    assert lines[-1].startswith(
        r"&= \left(\mathord{\downarrow}_{2} (\mathbf{q} \ast)^{\mathsf{T}}\right)"
        r"^{\mathsf{T}} \mathbf{x} && \text{by } \text{reading the matrices as } "
    )
    assert lines[-1].endswith("\\label{eq:chain}\n\\end{align}")
    # The macro form: rule justifications follow the notation too.
    macro = latex(transposed_conv_chain(), macros=True, transpose=r"\top")
    assert (
        r"\text{by } A = (A^{\transp})^{\transp},\ \upsample{k} = \downsample{k}^{\transp}" in macro
    )


def test_qa_chain_is_a_true_derivation() -> None:
    # Every line is the same linear map of x (checked exactly, with symbolic taps).
    d = transposed_conv_chain()
    maps = []
    for step in d.steps:
        *operators, vector = step.expr.args
        assert vector.shape == (2, 1)
        maps.append(sp.MatMul(*operators) if len(operators) > 1 else operators[0])
    K = domain_of(*maps)
    assert all(sparse_matrix(m, K) == sparse_matrix(maps[0], K) for m in maps)
    # The Stack Exchange answer's printed matrices, entry for entry.
    assert explicit(maps[1].args[0]) == sp.Matrix(
        [[q[1], q[0], 0, 0], [q[2], q[1], q[0], 0], [0, q[2], q[1], q[0]], [0, 0, q[2], q[1]]]
    )
    assert explicit(maps[2].args[0].arg) == sp.Matrix(
        [[q[1], q[2], 0, 0], [q[0], q[1], q[2], 0], [0, q[0], q[1], q[2]], [0, 0, q[0], q[1]]]
    )


def test_readme_conv2d_matrix_matches_direct_2d_correlation() -> None:
    rng = np.random.default_rng(0)
    w, image = rng.integers(-5, 6, (3, 3)), rng.integers(-5, 6, (4, 4))
    expected = np.array(
        [[(w * image[r : r + 3, c : c + 3]).sum() for c in range(2)] for r in range(2)]
    ).ravel()
    C = explicit(conv2d_matrix())
    values = {sp.Symbol(f"w_{a}_{b}"): int(w[a, b]) for a in range(3) for b in range(3)}
    numeric = np.array(C.subs(values), dtype=np.int64)
    assert C.shape == (4, 16)
    assert (numeric @ image.ravel() == expected).all()
    text = latex(C)
    assert text.splitlines()[1] == (
        r"w_{0,0} & w_{0,1} & w_{0,2} & 0 & w_{1,0} & w_{1,1} & w_{1,2} & 0 & "
        r"w_{2,0} & w_{2,1} & w_{2,2} & 0 & 0 & 0 & 0 & 0 \\"
    )
    assert latex(C.T).count(r"\\") == 15  # 16 rows, in full


def test_preamble_and_sty() -> None:
    assert preamble().splitlines()[:2] == [
        r"\usepackage{amsmath,amssymb}",
        r"\setcounter{MaxMatrixCols}{16}",
    ]
    assert r"\setcounter" not in preamble(Notation(max_cols=8, corner=3))
    assert sty(Notation(prefix="sc")).count(r"\newcommand{\sc") == 9
    assert sty().rstrip().endswith(r"\endinput")
    assert matrix_latex(sp.Matrix([[1, 2]])) == "\\begin{bmatrix}\n1 & 2\n\\end{bmatrix}"


def test_repr_latex() -> None:
    assert Conv(q, 4)._repr_latex_() == r"$\displaystyle (\mathbf{q} \ast)$"
    assert _small_derivation()._repr_latex_().startswith("$$\\begin{aligned}\n")
    assert symconv.latex is latex


def test_new_operator_classes_print_safely_and_can_register() -> None:
    from symconv.operators.base import Operator
    from symconv.printing.latex import register
    from symconv.printing.latex.printer import Kind

    class Shift_Op(Operator):  # noqa: N801 - an underscore that must not become a subscript
        """A cyclic shift by k on ℝⁿ: (Sx)_i = x_{(i − k) mod n}."""

        shape = property(lambda self: (self.args[0], self.args[0]))

        def index_map(self, index):
            return [(1, (sp.Mod(index[0] - self.args[1], self.args[0]),), set())]

        def _eval_transpose(self):
            return Shift_Op(self.args[0], -self.args[1] % self.args[0])

    # The default form: the class name, its scalar parameters as a subscript.
    assert latex(Shift_Op(sp.Integer(3), sp.Integer(1))) == r"\operatorname{Shift\_Op}_{3,1}"

    class Delay(Operator):
        shape = property(lambda self: (sp.Integer(3), sp.Integer(3)))

        def index_map(self, index):
            return [(1, (index[0] - 1,), {("range", index[0] - 1, 0, 3)})]

        def _eval_transpose(self):
            return sp.Transpose(self)

    # The kind says how it binds: a superscript already, so a transpose needs parentheses.
    register(Delay)(lambda expr, printer: ("z^{-1}", Kind.SUPERSCRIPTED))
    assert latex(sp.Transpose(Delay())) == r"\left(z^{-1}\right)^{\mathsf{T}}"
    assert latex(sp.MatMul(Delay(), sp.MatrixSymbol("x", 3, 1))) == r"z^{-1} \mathbf{x}"


def test_domain_matrix() -> None:
    dm = sparse_matrix(Conv(q, 2))
    assert latex(dm) == latex(explicit(Conv(q, 2)))
    assert latex(dm).startswith("\\begin{bmatrix}\nq_{0} & 0 \\\\\nq_{1} & q_{0}")


def test_a_step_that_prints_like_the_line_before_is_folded_into_the_next() -> None:
    """ConvTranspose prints as (q⋆)ᵀ, so unfolding its definition adds no printed line:
    its justification moves to the next line, and no line restates the one before."""
    q = kernel("q", 3)
    definition = Rule("definition", "", r"q\star^{\mathsf{T}} := (q\star)^{\mathsf{T}}")
    flip_rule = Rule("flip", "", r"\operatorname{Flip}")
    steps = (
        Step(ConvTranspose(q, 2, stride=2)),
        Step(sp.Transpose(Corr(q, 5, stride=2)), definition),
        Step(sp.Transpose(Flip(5)), flip_rule),
    )
    text = derivation_latex(Derivation("d", "", steps), numbered=False)
    lines = text.splitlines()[1:-1]
    assert len(lines) == 1, text  # lhs = the one different right side
    assert r"q\star^{\mathsf{T}} := (q\star)^{\mathsf{T}}" in lines[0]
    assert r"\operatorname{Flip}" in lines[0]
