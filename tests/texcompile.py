"""Compile LaTeX with the real pdflatex in tests, or skip (fail under SYMCONV_REQUIRE_TOOLS=1)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest


def require_pdflatex() -> str:
    """The pdflatex executable; skip the test if missing, unless tools are required."""
    found = shutil.which("pdflatex")
    if found:
        return found
    message = "pdflatex is not installed (Debian: apt-get install texlive-latex-base)"
    if os.environ.get("SYMCONV_REQUIRE_TOOLS") == "1":
        pytest.fail(message + " and SYMCONV_REQUIRE_TOOLS=1")
    pytest.skip(message)


def compile_tex(directory: Path, name: str, text: str) -> Path:
    """Write ``name.tex`` into ``directory``, compile it, return the PDF; fail with the log."""
    pdflatex = require_pdflatex()
    source = directory / f"{name}.tex"
    source.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", source.name],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
    )
    log = (directory / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0, f"pdflatex failed on {name}.tex:\n{log[-3000:]}"
    # Missing characters and undefined macros do not always stop pdflatex.
    assert "Missing character" not in log, log[-3000:]
    assert "Undefined control sequence" not in log, log[-3000:]
    pdf = directory / f"{name}.pdf"
    assert pdf.stat().st_size > 0
    return pdf


#: TeX's report of a line wider than the text: "Overfull \\hbox (12.3pt too wide)".
_OVERFULL = re.compile(r"Overfull \\hbox \(([0-9.]+)pt too wide\)")
#: Inline or display math: $…$, \[…\], or an align/aligned block.
_MATH = re.compile(r"\$[^$]*\$|\\\[.*?\\\]|\\begin\{(align\*?|aligned)\}.*?\\end\{\1\}", re.DOTALL)


def overfull_boxes(pdf: Path) -> list[float]:
    """How far (pt) each overfull line of the compiled document sticks out."""
    log = pdf.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    return [float(width) for width in _OVERFULL.findall(log)]


def typesetting_problems(source: str, pdf: Path | None, tolerance: float = 5.0) -> list[str]:
    """What a reader of ``source`` compiled to ``pdf`` would see wrong, in words.

    (``pdf=None``: only what the source shows.) A line more than ``tolerance``
    points too wide; a character outside ASCII (pdflatex's default fonts have
    no ↑ or ≥: it stops, drops them or prints another glyph); ``>=`` or ``<=``
    in math (typeset as two symbols, not ≥ and ≤) or in text (where OT1 fonts print "¿=" and "¡=").
    """
    widths = overfull_boxes(pdf) if pdf is not None else []
    problems = [f"overfull line, {w} pt too wide" for w in widths if w > tolerance]
    problems += [f"non-ASCII character {c!r}" for c in sorted(set(source)) if not c.isascii()]
    for match in _MATH.finditer(source):
        for relation in (">=", "<="):
            if relation in match.group():
                problems.append(f"{relation!r} in math: {match.group()[:80]!r}")
    for relation in (">=", "<="):
        if relation in _MATH.sub("", source):
            problems.append(f"{relation!r} in text")
    return problems
