"""Everything symconv prints compiles with the real pdflatex (TeX Live from Debian)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp
from test_latex import GOLDEN, NOTATIONS
from texcompile import compile_tex, typesetting_problems

from symconv import Conv, Corr, catalogue, kernel
from symconv.printing.latex import Notation, document, latex, matrix_latex, sty
from symconv.printing.latex.classic import conv2d_latex, conv2d_matrix, transposed_conv_chain
from symconv.printing.latex.unicode import (
    _MATH,
    _SUBSCRIPTS,
    _SUPERSCRIPTS,
    text_math,
    text_paragraph,
)


def _displays(texts: list[str]) -> str:
    return "\n".join(f"\\[\n{t}\n\\]" for t in texts)


def test_classic_examples_compile(tmp_path: Path) -> None:
    notation = Notation(modes=False)
    chain = transposed_conv_chain()
    body = latex(chain, notation, label="eq:chain") + "\n" + conv2d_latex(notation)
    compile_tex(tmp_path, "classic", document(body, notation, text_math(chain.statement)))


@pytest.mark.parametrize("notation", NOTATIONS, ids=lambda n: n.transpose + n.prefix)
def test_every_operator_compiles_expanded_and_with_the_package(
    tmp_path: Path, notation: Notation
) -> None:
    expressions = [case[0] for case in GOLDEN]
    compile_tex(
        tmp_path, "expanded", document(_displays([latex(e, notation) for e in expressions]))
    )
    # Macro form: the package written as a .sty next to the document, \usepackage'd.
    (tmp_path / "symconvnotation.sty").write_text(sty(notation, "symconvnotation"))
    macros = notation.replace(macros=True)
    body = _displays([latex(e, macros) for e in expressions])
    source = "\n".join(
        [
            r"\documentclass{article}",
            r"\usepackage{symconvnotation}",
            r"\begin{document}",
            body,
            r"\end{document}",
        ]
    )
    compile_tex(tmp_path, "macros", source)


def test_explicit_and_elided_matrices_compile(tmp_path: Path) -> None:
    q = kernel("q", 3)
    texts = [
        latex(Conv(q, 4096, "same"), explicit=True),
        matrix_latex(conv2d_matrix(n=66)),
        latex(Corr(q, 16), explicit=True),  # 14 x 16: wider than amsmath's default 10
        latex(sp.MatMul(Conv(q, 4, "same"), sp.MatrixSymbol("x", 4, 1)), explicit=True),
        latex(Corr(q, 40), explicit=True, matrix="pmatrix", max_rows=8, max_cols=8, corner=2),
    ]
    compile_tex(tmp_path, "matrices", document(_displays(texts)))


def test_every_text_character_compiles(tmp_path: Path) -> None:
    characters = "".join(_MATH) + "x" + "".join(_SUBSCRIPTS) + "y" + "".join(_SUPERSCRIPTS)
    text = text_math(f"{characters} ☺ ünïcode {{}}$&#^_%~\\ \nline")
    compile_tex(tmp_path, "text", document(f"\\[ {text} \\]", title=text))


def test_derivation_forms_compile(tmp_path: Path) -> None:
    chain = transposed_conv_chain()
    body = "\n".join(
        [
            latex(chain, numbered=False),
            latex(chain, explicit=True, notes=True, label="eq:explicit"),
            r"\[",
            latex(chain, environment="aligned", transpose=r"\top"),
            r"\]",
            r"See~\eqref{eq:explicit}.",
        ]
    )
    compile_tex(tmp_path, "forms", document(body))


def _catalogue() -> dict:
    """Every catalogue derivation at its defaults, computed once per test session."""
    pytest.importorskip("symconv.catalogue", reason="the catalogue is not merged")
    from catalogue_run import results

    return results()


def test_every_catalogue_document_is_paper_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`symconv latex NAME --standalone` for every entry: no overfull line, no raw >= or ≥."""
    from symconv.cli import latex as cli_latex
    from symconv.cli import main

    derivations = _catalogue()
    # The command builds exactly this derivation (the entry at its defaults); share the
    # session's one run of the catalogue instead of proving every entry again.
    monkeypatch.setattr(
        cli_latex, "_derivation", lambda name, params, quiet=False: derivations[name]
    )
    problems = {}
    for name in derivations:
        out = tmp_path / f"{name}.tex"
        assert main(["latex", name, "--standalone", "--out", str(out)]) == 0
        source = out.read_text(encoding="utf-8")
        found = typesetting_problems(source, compile_tex(tmp_path, name, source))
        if found:
            problems[name] = found
    assert len(derivations) == len(catalogue.names())
    assert problems == {}


def test_the_paper_ready_check_sees_what_a_reader_sees(tmp_path: Path) -> None:
    """The check above fails on the faults it looks for (a statement as one \\text run)."""
    bad = r"$\text{" + "for all n, k >= 1 and every kernel " * 4 + "}$ and 0 <= a"
    source = document(r"\[ x \geq 1 \]" + "\n\n" + bad)
    problems = typesetting_problems(source, compile_tex(tmp_path, "bad", source))
    assert any(p.startswith("overfull line") for p in problems)
    assert any(p.startswith("'>=' in math") for p in problems)
    assert "'<=' in text" in problems
    # pdflatex stops at a ≥ (or, in other fonts, drops it): the source check names it.
    assert typesetting_problems(document(r"\[ x ≥ 1 \]"), None) == ["non-ASCII character '≥'"]


def test_every_catalogue_derivation_compiles_in_other_notations(tmp_path: Path) -> None:
    macros = Notation(macros=True, transpose=r"\top", vector="plain")
    narrow = Notation(width=252)  # a two-column paper's text width
    for name, derivation in _catalogue().items():
        intro = text_paragraph(derivation.statement)
        body = latex(derivation, macros, label=f"eq:{name}", notes=True)
        compile_tex(tmp_path, name, document(body, macros, intro=intro))
        source = document(latex(derivation, narrow), narrow, intro=intro)
        assert typesetting_problems(source, compile_tex(tmp_path, name, source)) == [], name


def test_readme_example_is_the_printer_output_and_compiles(tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## LaTeX for papers", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    source = section.split("```latex\n", 1)[1].split("```", 1)[0]
    printed: list[str] = []
    exec(code, {"print": lambda *a: printed.append(" ".join(map(str, a)))})
    assert "\\[\n" + printed[0].replace(" = ", " =\n") + "\n\\]" in source
    assert "\\[\n" + printed[1] + "\n\\]" in source
    compile_tex(tmp_path, "readme", source)
