"""No notation fragment can make pdflatex read or write a file.

Regression for ``--transpose '^^5cinput{FILE}'`` (TeX's ``^^5c`` is a
backslash), ``\\pdffiledump``, ``\\pdfmdfivesum``, ``\\@@input`` in a ``.sty``
and ``T^^25``: fragments pass an allow-list (:func:`check_fragment`). The
fuzz test compiles every fragment it accepts, both expanded in the document
and inside a generated ``.sty`` (where ``@`` is a letter), with pdflatex
``-recorder``, and checks from the recorder's file list, the directory and
the log that no file but TeX's own was read and none but the outputs written.
A control run compiles the raw hostile fragments, bypassing the check, and
shows that the same oracle catches them.
"""

from __future__ import annotations

import hashlib
import random
import subprocess
from pathlib import Path

import pytest
import sympy as sp
from texcompile import require_pdflatex

import symconv as sc
from symconv.errors import ParameterError
from symconv.printing.latex import Notation, latex, sty
from symconv.printing.latex.notation import COMMANDS, check_fragment

CANARY = "SYMCONV-CANARY-4b1d"
FIELDS = ("transpose", "upsample", "downsample", "conv", "corr", "pad", "crop", "flip")

#: The payloads of the issue, and relatives.
HOSTILE = [
    r"^^5cinput{canary}",
    r"^^5copenout1=written",
    r"T^^25",
    r"^^5c^^69nput{canary}",
    r"\pdffiledump length 20 {canary.tex}",
    r"\pdfmdfivesum file {canary.tex}",
    r"\pdfobj file {canary.tex}",
    r"\@@input canary",
    r"\input{canary}",
    r"\csname input\endcsname{canary}",
    r"\immediate\openout1=written",
    r"\makeatletter",
    r"\catcode`\@=0",
    "T\u005cinput",
    "T^\u00b2",
    "a & b",
    "~",
    "x\ny",
    r"\mathsf{T",
    "T\\",
]


@pytest.mark.parametrize("fragment", HOSTILE)
def test_hostile_fragments_are_refused(fragment: str) -> None:
    with pytest.raises(ParameterError, match="is not allowed: expected a LaTeX math fragment"):
        check_fragment("transpose", fragment)
    with pytest.raises(ParameterError):
        Notation(transpose=fragment)


@pytest.mark.parametrize(
    "fragment",
    [r"\mathsf{T}", "T", r"\top", r"\intercal", r"\operatorname{Pad}", r"\Uparrow", r"\,\ast"],
)
def test_ordinary_fragments_are_accepted(fragment: str) -> None:
    assert check_fragment("transpose", fragment) == fragment


def test_allowed_commands_are_plain_math() -> None:
    dangerous = {"input", "openout", "openin", "read", "write", "csname", "def", "catcode"}
    assert not dangerous & COMMANDS
    assert all(name.isalpha() and name.isascii() for name in COMMANDS)


# --- fuzzing ---------------------------------------------------------------------------------

#: Pieces a fuzzed fragment is made of: ordinary math, TeX's dangerous tokens, the canary's
#: name (so that a hole in the filter could form ``\input{canary}``) and odd characters.
TOKENS = [
    *(f"\\{name}" for name in sorted(COMMANDS)),
    *"abcTqxyz0123456789 +-*/=<>()[]|,.;:'!?_^{}",
    "{", "}", "{", "}", "^", "_", "\\", "\\,", "\\{", "\\}", "\\ ",
    "^^", "^^5c", "5c", "^^69", "^^25", "@", "@@", "\\@@input", "\\input", "input", "canary",
    "canary.tex", "\\pdffiledump", "\\pdfmdfivesum", "file", "\\openout", "\\immediate",
    "\\write", "\\csname", "\\endcsname", "\\string", "\\catcode", "`", "#", "%", "$", "&", "~",
    "\n", "\u00b2", "\u2217", "\x00", "\\makeatletter", "\\text{", "\\mathsf{",
]  # fmt: skip

TRIED = 30_000  # fragments generated and filtered
COMPILED = 240  # distinct accepted fragments compiled
BATCH = 10  # fragments per document: TeX stops after 100 errors, and fuzzed math has many


def _fuzzed_fragments(seed: int = 16) -> tuple[list[str], int]:
    """``TRIED`` random fragments; the distinct ones the filter accepts, and how many it refused."""
    generator = random.Random(seed)
    accepted: dict[str, None] = {}
    refused = 0
    for _ in range(TRIED):
        fragment = "".join(generator.choices(TOKENS, k=generator.randint(1, 8)))
        try:
            check_fragment("fragment", fragment)
        except ParameterError:
            refused += 1
        else:
            accepted[fragment] = None
    return list(accepted), refused


def _prefix(index: int) -> str:
    """A distinct macro prefix of letters for each fragment (``fza``, ``fzb``, ... ``fzba``)."""
    letters = ""
    index += 26  # at least two letters
    while index:
        index, digit = divmod(index, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
    return "fz" + letters


def _expressions() -> list[sp.MatrixExpr]:
    """Expressions that print every notation symbol (the transpose, arrows, ∗, ⋆, Pad, ...)."""
    q = sc.kernel("q", 3)
    return [
        sc.Upsample(2, 2),
        sc.Downsample(4, 2),
        sc.Corr(q, 5, stride=2).T,
        sc.Conv(q, 4),
        sc.Pad(3, 1, 1),
        sc.Crop(5, 1, 1),
        sc.Flip(3) @ sc.Flip(3).T,
    ]


def _compile(directory: Path, name: str) -> tuple[list[str], str]:
    """Compile ``name.tex``; the recorder's ``INPUT``/``OUTPUT`` lines and the log."""
    subprocess.run(
        [require_pdflatex(), "-recorder", "-interaction=batchmode", "-no-shell-escape", name],
        cwd=directory,
        capture_output=True,
        timeout=120,
    )
    records = (directory / f"{name}.fls").read_text(errors="replace").splitlines()
    log = (directory / f"{name}.log").read_text(errors="replace")
    return [r for r in records if r.startswith(("INPUT ", "OUTPUT "))], log


def _touched(directory: Path, name: str, before: set[str]) -> list[str]:
    """Whatever the compilation read or wrote that is neither TeX's own nor ours."""
    records, log = _compile(directory, name)
    own = {f"{name}.{ext}" for ext in ("tex", "aux", "log", "pdf", "fls")} | before
    own.discard("canary.tex")
    problems = []
    for record in records:
        kind, path = record.split(" ", 1)
        local = path.removeprefix("./")
        if kind == "INPUT" and (path.startswith(("/usr/share/", "/var/lib/texmf/", "/etc/tex"))):
            continue  # the TeX distribution
        if local not in own:
            problems.append(record)
    secret = (directory / "canary.tex").read_bytes()
    for trace in (CANARY, hashlib.md5(secret).hexdigest().upper(), secret.hex().upper()):
        if trace in log.upper():
            problems.append(f"log shows {trace}")
    problems += [f"new file {p}" for p in sorted(set(_listing(directory)) - own - {"canary.tex"})]
    return problems


def _listing(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir()]


def _document(directory: Path, name: str, fragments: list[str]) -> str:
    """``name.tex`` using every fragment twice: expanded, and through a generated ``.sty``."""
    packages, body = [], []
    for index, fragment in enumerate(fragments):
        field = FIELDS[index % len(FIELDS)]
        prefix = _prefix(index)
        expanded = Notation(**{field: fragment})
        with_macros = Notation(**{field: fragment}, macros=True, prefix=prefix)
        (directory / f"{prefix}.sty").write_text(sty(with_macros, name=prefix))
        packages.append(prefix)
        for expr in _expressions():
            body.append(rf"\[ {latex(expr, expanded)} \quad {latex(expr, with_macros)} \]")
    text = "\n".join(
        [
            r"\documentclass{article}",
            rf"\usepackage{{{','.join(packages)}}}" if packages else "",
            r"\begin{document}",
            *body,
            r"\typeout{FUZZ-END}",  # in the log only if TeX read the whole document
            r"\end{document}",
        ]
    )
    (directory / f"{name}.tex").write_text(text)
    return text


def _canary(directory: Path) -> None:
    (directory / "canary.tex").write_text(rf"\message{{{CANARY}}}{CANARY}" + "\n")


def test_fuzzed_fragments_read_and_write_nothing(tmp_path: Path) -> None:
    require_pdflatex()
    accepted, refused = _fuzzed_fragments()
    assert refused + len(accepted) <= TRIED
    assert len(accepted) >= COMPILED, "the fuzzer should produce enough accepted fragments"
    for start in range(0, COMPILED, BATCH):
        directory = tmp_path / f"batch{start}"
        directory.mkdir()
        _canary(directory)
        batch = accepted[start : start + BATCH]
        _document(directory, "fuzz", batch)
        before = set(_listing(directory))
        assert _touched(directory, "fuzz", before) == [], batch
        log = (directory / "fuzz.log").read_text(errors="replace")
        assert "FUZZ-END" in log, f"TeX stopped before the end of the document: {batch}"


@pytest.mark.parametrize(
    "fragment",
    [
        r"^^5cinput{canary}",
        r"\pdffiledump length 20 {canary.tex}",
        r"\pdfmdfivesum file {canary.tex}",
        r"^^5cimmediate^^5copenout1=written ^^5cimmediate^^5cwrite1{x}",
    ],
)
def test_the_oracle_catches_a_raw_hostile_fragment(tmp_path: Path, fragment: str) -> None:
    """Control: the same document with the fragment spliced in unchecked is caught."""
    require_pdflatex()
    _canary(tmp_path)
    text = _document(tmp_path, "raw", [r"\mathsf{T}"]).replace(r"\mathsf{T}", fragment)
    (tmp_path / "fzba.sty").write_text(sty(Notation(macros=True, prefix="fzba"), name="fzba"))
    (tmp_path / "raw.tex").write_text(text)
    before = set(_listing(tmp_path))
    assert _touched(tmp_path, "raw", before) != []
