"""The one place where symconv's LaTeX notation is configured.

A :class:`Notation` holds every symbol the printer uses (the transpose, the
↑/↓ arrows, ∗ and ⋆, Pad/Crop/Flip, how vectors are set) and the layout
options (macro or expanded output, matrix environment, elision sizes).
From it come three things that therefore always agree:

- the macro definitions (:meth:`~symconv.latex.notation.Notation.definitions`), from which
  :mod:`symconv.latex.preamble` writes a ``.sty``/preamble and the MathJax
  macros of the documentation site;
- the printer's output: with ``macros=True`` it writes ``\\upsample{2}``,
  with ``macros=False`` the same definition expanded, ``\\mathord{\\uparrow}_{2}``.

Every LaTeX fragment given here is checked by :func:`check_fragment`, and
every name the printer writes (symbols, labels, macro prefixes) by the
validators below, so that no user-supplied string can inject LaTeX.

Examples
--------
>>> n = Notation()
>>> n.call("upsample", "2")
'\\\\mathord{\\\\uparrow}_{2}'
>>> Notation(macros=True).call("upsample", "2")
'\\\\upsample{2}'
>>> Notation(transpose="\\\\top").call("transp")
'\\\\top'
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from symconv.errors import ParameterError

__all__ = ["VECTOR_STYLES", "Macro", "Notation", "check_fragment", "check_label"]

#: How the ``vector`` option sets a vector's name (``#1``).
VECTOR_STYLES: dict[str, str] = {
    "bold": r"\mathbf{#1}",
    "boldsymbol": r"\boldsymbol{#1}",
    "arrow": r"\vec{#1}",
    "plain": "#1",
}

MATRIX_ENVIRONMENTS = ("bmatrix", "pmatrix")

# Primitives that read or write files, redefine things or end the document:
# a notation fragment or a rule justification is math, never any of these.
_FORBIDDEN = re.compile(
    r"\\(input|include|InputIfFileExists|openin|openout|read|write|immediate|special|"
    r"catcode|def|edef|gdef|xdef|let|futurelet|csname|expandafter|newcommand|renewcommand|"
    r"providecommand|DeclareRobustCommand|usepackage|RequirePackage|documentclass|"
    r"begin\s*\{document\}|end\s*\{document\}|endinput|makeatletter|directlua|"
    r"ShellEscape|write18)(?![A-Za-z])"
)
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9:._-]*\Z")
_PREFIX = re.compile(r"[A-Za-z]*\Z")


def check_fragment(name: str, value: object) -> str:
    """Return ``value`` if it is a harmless LaTeX math fragment, else raise.

    A fragment must be a string with balanced braces, on one line, without
    ``#``, ``%`` or ``$`` (macro parameters, comments and math shifts would
    break the surrounding output), and without file, definition or document
    primitives such as ``\\input`` or ``\\def``.

    Examples
    --------
    >>> check_fragment("transpose", r"\\mathsf{T}")
    '\\\\mathsf{T}'
    >>> check_fragment("transpose", r"T}\\input{x")
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: transpose='T}\\\\input{x' is not allowed: expected a LaTeX math
    fragment with balanced braces, no #, %, $ or line breaks, and no file or definition commands
    """
    allowed = (
        "a LaTeX math fragment with balanced braces, no #, %, $ or line breaks, "
        "and no file or definition commands"
    )
    if not isinstance(value, str) or any(c in value for c in "#%$\n\r\f\x00"):
        raise ParameterError(name, value, allowed)
    depth = 0
    for char, previous in zip(value, " " + value):
        if previous == "\\":  # \{ and \} are literal braces, not groups
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            raise ParameterError(name, value, allowed)
    if depth or value.endswith("\\") or _FORBIDDEN.search(value):
        raise ParameterError(name, value, allowed)
    return value


def check_label(value: object) -> str:
    """A ``\\label`` key: letters, digits and ``: . _ -``, starting with a letter or digit.

    Examples
    --------
    >>> check_label("eq:up-down")
    'eq:up-down'
    """
    if not isinstance(value, str) or not _LABEL.match(value):
        raise ParameterError(
            "label", value, "letters, digits and ':._-', starting with a letter or digit"
        )
    return value


@dataclass(frozen=True)
class Macro:
    """One macro: ``\\<name>`` with ``nargs`` arguments expanding to ``body``."""

    name: str
    nargs: int
    body: str

    def expand(self, *args: str) -> str:
        """The body with ``#1``, ``#2``, … replaced by ``args`` (in one pass)."""
        return re.sub(r"#([1-9])", lambda m: args[int(m.group(1)) - 1], self.body)


@dataclass(frozen=True)
class Notation:
    """Every choice of symconv's LaTeX notation, in one immutable object.

    Parameters
    ----------
    transpose : str
        The transpose superscript, ``\\mathsf{T}`` (also common: ``T``,
        ``\\top``, ``\\intercal`` with amssymb).
    upsample, downsample : str
        The symbols of ↑ₖ and ↓ₖ; the factor is their subscript. They are set
        with ``\\mathord`` so that ``\\uparrow_{2} \\mathbf{x}`` is not spaced
        like a relation.
    conv, corr : str
        The binary operators of convolution (q ∗ x) and correlation (q ⋆ x).
    pad, crop, flip : str
        The names of the padding, cropping and reversal operators; Pad and
        Crop carry ``lo,hi`` as a subscript.
    vector : {"bold", "boldsymbol", "arrow", "plain"}
        How kernel and signal names are set: ``\\mathbf{q}``,
        ``\\boldsymbol{q}``, ``\\vec{q}`` or ``q``.
    macros : bool
        Write macro calls (``\\upsample{2}``; needs the preamble from
        :func:`symconv.latex.preamble.sty`) instead of their expansion.
    prefix : str
        Letters put before every macro name (``prefix="sc"`` gives
        ``\\scupsample``), to avoid clashes with a document's own macros.
    matrix : {"bmatrix", "pmatrix"}
        The amsmath environment of explicit matrices.
    max_rows, max_cols : int
        Matrices with more rows (columns) than this are elided.
    corner : int
        How many leading and trailing rows/columns an elided matrix shows.
    modes : bool
        Show the mode of a true convolution (``\\ast_{\\mathrm{same}}``;
        ``full`` is never marked). ``False`` prints every mode as plain ∗,
        as the seed Q&A does.

    Examples
    --------
    >>> Notation(vector="plain").call("vect", "q")
    'q'
    >>> Notation(matrix="array")
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: matrix='array' is not allowed: expected one of 'bmatrix', ...
    """

    transpose: str = r"\mathsf{T}"
    upsample: str = r"\uparrow"
    downsample: str = r"\downarrow"
    conv: str = r"\ast"
    corr: str = r"\star"
    pad: str = r"\operatorname{Pad}"
    crop: str = r"\operatorname{Crop}"
    flip: str = r"\operatorname{Flip}"
    vector: str = "bold"
    macros: bool = False
    prefix: str = ""
    matrix: str = "bmatrix"
    max_rows: int = 16
    max_cols: int = 16
    corner: int = 3
    modes: bool = True

    def __post_init__(self) -> None:
        for field in ("transpose", "upsample", "downsample", "conv", "corr", "pad", "crop", "flip"):
            check_fragment(field, getattr(self, field))
        if self.vector not in VECTOR_STYLES:
            raise ParameterError("vector", self.vector, f"one of {', '.join(VECTOR_STYLES)}")
        if self.matrix not in MATRIX_ENVIRONMENTS:
            raise ParameterError("matrix", self.matrix, "one of 'bmatrix', 'pmatrix'")
        if not isinstance(self.prefix, str) or not _PREFIX.match(self.prefix):
            raise ParameterError("prefix", self.prefix, "ASCII letters only (or empty)")
        for field in ("macros", "modes"):
            if not isinstance(getattr(self, field), bool):
                raise ParameterError(field, getattr(self, field), "True or False")
        for field, least in (("corner", 1), ("max_rows", 1), ("max_cols", 1)):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ParameterError(field, value, f"an integer >= {least}")
        if 2 * self.corner + 1 > min(self.max_rows, self.max_cols):
            raise ParameterError(
                "corner",
                self.corner,
                f"at most (min(max_rows, max_cols) - 1) // 2 = "
                f"{(min(self.max_rows, self.max_cols) - 1) // 2}, so that an elided matrix is "
                "smaller than the largest one printed in full",
            )

    def replace(self, **options: object) -> Notation:
        """A copy with some options changed (validated like the constructor).

        Examples
        --------
        >>> Notation().replace(macros=True).macros
        True
        >>> Notation().replace(colour="red")
        Traceback (most recent call last):
        ...
        symconv.errors.ParameterError: colour='red' is not allowed: expected a Notation option...
        """
        names = [f.name for f in dataclasses.fields(self)]
        for key, value in options.items():
            if key not in names:
                raise ParameterError(key, value, f"a Notation option: {', '.join(names)}")
        return dataclasses.replace(self, **options)

    def definitions(self) -> tuple[Macro, ...]:
        """The macros of this notation, in a fixed order (names without the prefix).

        Examples
        --------
        >>> [(m.name, m.nargs) for m in Notation().definitions()][:3]
        [('upsample', 1), ('downsample', 1), ('transp', 0)]
        """
        return (
            Macro("upsample", 1, rf"\mathord{{{self.upsample}}}_{{#1}}"),
            Macro("downsample", 1, rf"\mathord{{{self.downsample}}}_{{#1}}"),
            Macro("transp", 0, self.transpose),
            Macro("conv", 0, self.conv),
            Macro("corr", 0, self.corr),
            Macro("vect", 1, VECTOR_STYLES[self.vector]),
            Macro("pad", 2, rf"{self.pad}_{{#1,#2}}"),
            Macro("crop", 2, rf"{self.crop}_{{#1,#2}}"),
            Macro("flip", 0, self.flip),
        )

    def macro(self, name: str) -> Macro:
        """The definition called ``name`` (without the prefix)."""
        for macro in self.definitions():
            if macro.name == name:
                return macro
        raise KeyError(name)

    def call(self, name: str, *args: str) -> str:
        """The printed form of macro ``name`` applied to ``args``: a call or its expansion.

        The printer never lets a letter follow a zero-argument call directly
        (it writes a space, a brace or a script after it).
        """
        macro = self.macro(name)
        if len(args) != macro.nargs:
            raise TypeError(f"\\{name} takes {macro.nargs} arguments, got {len(args)}")
        if not self.macros:
            return macro.expand(*args)
        if not args:
            return f"\\{self.prefix}{name}"
        return f"\\{self.prefix}{name}" + "".join(f"{{{a}}}" for a in args)
