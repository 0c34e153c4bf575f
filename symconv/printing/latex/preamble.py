r"""The notation's macros as a LaTeX package, a preamble, MathJax macros, a document.

All four come from :meth:`~symconv.printing.latex.notation.Notation.definitions`,
the same definitions the printer expands, so text printed with ``macros=True`` and the package, or
with ``macros=False`` and nothing, typesets identically — in LaTeX and on the
documentation site.

Examples
--------
>>> print(preamble(Notation(prefix="sc")).splitlines()[2])
\newcommand{\scupsample}[1]{\mathord{\uparrow}_{#1}}
>>> mathjax_macros(Notation())["upsample"]
['\\mathord{\\uparrow}_{#1}', 1]
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from symconv._version import __version__
from symconv.printing.latex.notation import Notation

__all__ = ["document", "mathjax_macros", "preamble", "sty", "write_atomic"]

#: The LaTeX packages everything symconv prints needs (all in texlive-latex-base).
PACKAGES = ("amsmath", "amssymb")

#: amsmath's default limit on the columns of a matrix environment.
_AMSMATH_MAX_COLS = 10


def _definitions(notation: Notation) -> list[str]:
    lines = []
    for macro in notation.definitions():
        arity = f"[{macro.nargs}]" if macro.nargs else ""
        lines.append(rf"\newcommand{{\{notation.prefix}{macro.name}}}{arity}{{{macro.body}}}")
    return lines


def _settings(notation: Notation) -> list[str]:
    if notation.max_cols <= _AMSMATH_MAX_COLS:
        return []
    # Matrices up to max_cols wide are printed in full; amsmath stops at 10.
    return [rf"\setcounter{{MaxMatrixCols}}{{{notation.max_cols}}}"]


def preamble(notation: Notation | None = None) -> str:
    r"""Lines for a document's preamble (``\input`` them before ``\begin{document}``).

    Loads amsmath and amssymb, raises ``MaxMatrixCols`` when the notation
    prints wider matrices, and defines the notation's macros with
    ``\newcommand`` (so a clash with an existing macro is a LaTeX error, not
    a silent redefinition; pick a ``prefix`` then).
    """
    notation = Notation() if notation is None else notation
    lines = [rf"\usepackage{{{','.join(PACKAGES)}}}", *_settings(notation), *_definitions(notation)]
    return "\n".join(lines) + "\n"


def sty(notation: Notation | None = None, name: str = "symconv") -> str:
    r"""A LaTeX package (``name.sty``) with the notation's macros, for ``\usepackage``.

    Examples
    --------
    >>> print(sty().splitlines()[1])
    \ProvidesPackage{symconv}[symconv notation macros, symconv ...]
    """
    notation = Notation() if notation is None else notation
    lines = [
        r"\NeedsTeXFormat{LaTeX2e}",
        rf"\ProvidesPackage{{{name}}}[symconv notation macros, symconv {__version__}]",
        *(rf"\RequirePackage{{{package}}}" for package in PACKAGES),
        *_settings(notation),
        *_definitions(notation),
        r"\endinput",
    ]
    return "\n".join(lines) + "\n"


def mathjax_macros(notation: Notation | None = None) -> dict[str, str | list]:
    """The notation's macros for MathJax 3 (``tex.macros`` of its configuration).

    A macro without arguments maps to its body, one with arguments to
    ``[body, nargs]``. In Sphinx::

        mathjax3_config = {"tex": {"macros": mathjax_macros(Notation())}}

    Examples
    --------
    >>> mathjax_macros(Notation(prefix="sc"))["sctransp"]
    '\\\\mathsf{T}'
    """
    notation = Notation() if notation is None else notation
    return {
        notation.prefix + m.name: [m.body, m.nargs] if m.nargs else m.body
        for m in notation.definitions()
    }


def document(body: str, notation: Notation | None = None, title: str = "", intro: str = "") -> str:
    r"""A complete ``article`` around ``body`` (math-mode content goes in a display).

    ``body`` is printed as is: a derivation's ``align`` block, or an
    expression wrapped by the caller in ``\[ … \]``. ``title`` is math-mode
    material (see :func:`symconv.printing.latex.unicode.text_math`) and ``intro`` a
    text-mode paragraph (see :func:`symconv.printing.latex.unicode.text_paragraph`), set
    above it. The text is ``notation.width`` wide, the width the printer
    breaks derivations to.
    """
    notation = Notation() if notation is None else notation
    heading = [rf"\noindent ${title}$", ""] if title else []
    heading += [rf"{{\raggedright\noindent {intro}\par}}", ""] if intro else []
    lines = [
        r"\documentclass{article}",
        rf"\usepackage[a4paper,textwidth={notation.width}pt,vmargin=2cm]{{geometry}}",
        preamble(notation).rstrip("\n"),
        r"\pagestyle{empty}",
        # Inline math in a statement may leave no good break: stretch spaces, never overrun.
        r"\tolerance=2000 \emergencystretch=3em",
        r"\begin{document}",
        *heading,
        body,
        r"\end{document}",
    ]
    return "\n".join(lines) + "\n"


def write_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` atomically: a temporary file in the same directory, renamed.

    A reader never sees a half-written file, and an existing file is only
    replaced once the new one is complete.
    """
    target = Path(path)
    handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        # mkstemp creates the file private (0600); give it the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
