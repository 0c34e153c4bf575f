"""``symconv latex``: expressions, catalogue entries, files, the package, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from texcompile import compile_tex

from symconv.cli import main
from symconv.printing.latex import Notation, sty

EXPR = "Conv(kernel(q, 3), 4, 'same') @ Upsample(2, 2)"


def test_expression_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["latex", "--expr", EXPR]) == 0
    assert (
        capsys.readouterr().out
        == r"(\mathbf{q} \ast_{\mathrm{same}}) \mathord{\uparrow}_{2}" + "\n"
    )
    assert main(["latex", "--expr", EXPR, "--macros", "--transpose", r"\top"]) == 0
    assert capsys.readouterr().out == r"(\vect{q} \conv_{\mathrm{same}}) \upsample{2}" + "\n"
    assert main(["latex", "--expr", "Downsample(4, 2)", "--explicit"]) == 0
    assert (
        capsys.readouterr().out
        == "\\begin{bmatrix}\n1 & 0 & 0 & 0 \\\\\n0 & 0 & 1 & 0\n\\end{bmatrix}\n"
    )


def test_standalone_file_is_written_atomically_and_compiles(tmp_path: Path) -> None:
    out = tmp_path / "expr.tex"
    out.write_text("old content")
    assert main(["latex", "--expr", EXPR, "--standalone", "--out", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("\\documentclass{article}\n") and text.endswith("\\end{document}\n")
    assert [p.name for p in tmp_path.iterdir()] == ["expr.tex"]  # no temporary file left
    compile_tex(tmp_path, "expr", text)


def test_macros_document_with_package(tmp_path: Path) -> None:
    out, package = tmp_path / "m.tex", tmp_path / "notation.sty"
    assert main(["latex", "--expr", EXPR, "--macros", "--prefix", "sc", "--out", str(out),
                 "--sty", str(package)]) == 0  # fmt: skip
    assert r"\vect" not in out.read_text() and r"\scvect{q}" in out.read_text()
    assert package.read_text() == sty(Notation(prefix="sc"))
    source = "\\documentclass{article}\n\\usepackage{notation}\n\\begin{document}\n\\[\n"
    compile_tex(tmp_path, "doc", source + out.read_text() + "\\]\n\\end{document}\n")


def test_sty_alone(tmp_path: Path) -> None:
    assert main(["latex", "--sty", str(tmp_path / "s.sty")]) == 0
    assert (tmp_path / "s.sty").read_text() == sty()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["latex"], "give exactly one of NAME"),
        (["latex", "x", "--expr", EXPR], "give exactly one of NAME"),
        (["latex", "--expr", "Conv(q}\\input{x}, 3)"], ""),
        (["latex", "--expr", EXPR, "--label", "eq:1"], "apply to a catalogue NAME only"),
        (["latex", "--expr", EXPR, "--transpose", "T}\\input{x"], "transpose="),
        (["latex", "--expr", EXPR, "--prefix", "a1"], "prefix="),
    ],
)
def test_bad_arguments_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("symconv: error: ") and message in err
    assert "Traceback" not in err


def test_catalogue_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalogue = pytest.importorskip("symconv.catalogue", reason="the catalogue is not merged")
    name = catalogue.names()[0]
    assert main(["latex", name, "--label", "eq:first"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\\begin{align}\n") and "\\label{eq:first}" in out
    assert main(["latex", "no-such-identity"]) == 2
    assert "no-such-identity" in capsys.readouterr().err
    target = tmp_path / f"{name}.tex"
    assert main(["latex", name, "--standalone", "--unnumbered", "--out", str(target)]) == 0
    compile_tex(tmp_path, name, target.read_text())
