"""Compile LaTeX with the real pdflatex in tests, or skip (fail under SYMCONV_REQUIRE_TOOLS=1)."""

from __future__ import annotations

import os
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
