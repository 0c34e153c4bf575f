"""The one place where symconv's LaTeX notation is configured.

A :class:`Notation` holds every symbol the printer uses (the transpose, the
↑/↓ arrows, ∗ and ⋆, Pad/Crop/Flip, how vectors are set) and the layout
options (macro or expanded output, matrix environment, elision sizes).
From it come three things that therefore always agree:

- the macro definitions (:meth:`~symconv.printing.latex.notation.Notation.definitions`), from which
  :mod:`symconv.printing.latex.preamble` writes a ``.sty``/preamble and the MathJax
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

__all__ = ["COMMANDS", "VECTOR_STYLES", "Macro", "Notation", "check_fragment", "check_label"]

#: How the ``vector`` option sets a vector's name (``#1``).
VECTOR_STYLES: dict[str, str] = {
    "bold": r"\mathbf{#1}",
    "boldsymbol": r"\boldsymbol{#1}",
    "arrow": r"\vec{#1}",
    "plain": "#1",
}

MATRIX_ENVIRONMENTS = ("bmatrix", "pmatrix")

#: The control words a notation fragment or a rule justification may use: math symbols,
#: fonts and spacing of LaTeX, amsmath and amssymb that take at most math arguments.
#: An allow-list, not a block-list: TeX has hundreds of primitives that read or write
#: files (``\\input``, ``\\openout``, ``\\pdffiledump``, ``\\@@input``, ...).
COMMANDS: frozenset[str] = frozenset(
    """
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu
    xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta
    Lambda Xi Pi Sigma Upsilon Phi Psi Omega
    mathrm mathsf mathbf mathit mathtt mathcal mathbb mathfrak boldsymbol operatorname text
    mathord mathop mathbin mathrel mathopen mathclose mathpunct
    top bot intercal dagger ddagger prime ast star circledast circ bullet cdot cdots ldots dots
    times div otimes oplus odot ominus pm mp wedge vee cap cup setminus
    uparrow downarrow updownarrow Uparrow Downarrow Updownarrow upuparrows downdownarrows
    leftarrow rightarrow Leftarrow Rightarrow leftrightarrow mapsto to gets nearrow searrow
    le leq ge geq ne neq equiv approx sim simeq cong propto ll gg in mid parallel
    lfloor rfloor lceil rceil langle rangle lvert rvert lVert rVert vert Vert bmod
    infty partial nabla sum prod ell hbar emptyset varnothing square Box diamond triangle
    hat widehat tilde widetilde bar overline underline vec check breve dot ddot
    quad qquad big Big bigl bigr Bigl Bigr
    """.split()  # noqa: SIM905 - a word list reads better than 170 quoted strings
)

#: Characters a fragment may contain besides letters, digits and the control words above:
#: no ``#`` ``%`` ``$`` ``&`` ``~`` ``@`` ``"`` or non-ASCII (parameters, comments, math
#: shifts, alignment tabs, active or letter-in-packages characters) and no line breaks.
_CHARACTERS = re.compile(r"[A-Za-z0-9 +\-*/=<>()\[\]|,.;:'!?_^{}\\]*\Z")
#: A control word, or one of the spacing and brace control symbols.
_CONTROL = re.compile(r"\\(?:([A-Za-z]+)|[,;:!{}| ])")

_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9:._-]*\Z")
_PREFIX = re.compile(r"[A-Za-z]*\Z")


def check_fragment(name: str, value: object) -> str:
    r"""Return ``value`` if it is a harmless LaTeX math fragment, else raise.

    A fragment is a one-line string of ASCII letters, digits, spaces and
    ``+-*/=<>()[]|,.;:'!?_^{}``, with balanced braces, no ``^^`` (TeX's
    notation for any character by its code, which would smuggle in a
    backslash), and no control word outside :data:`COMMANDS` (besides the
    control symbols ``\, \; \: \! \{ \} \|`` and a backslash before a space). Nothing
    else can reach TeX from a fragment, so none can read or write a file or
    change the surrounding document.

    Examples
    --------
    >>> check_fragment("transpose", r"\mathsf{T}")
    '\\mathsf{T}'
    >>> check_fragment("transpose", r"T\input{x}")
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: transpose='T\\input{x}' is not allowed: expected a LaTeX math
    fragment: ASCII letters, digits, spaces, +-*/=<>()[]|,.;:'!?_^{}, balanced braces, no ^^,
    and only the control words of symconv.printing.latex.notation.COMMANDS (\input is not one)
    """

    def refuse(reason: str = "") -> ParameterError:
        return ParameterError(
            name,
            value,
            "a LaTeX math fragment: ASCII letters, digits, spaces, +-*/=<>()[]|,.;:'!?_^{}, "
            "balanced braces, no ^^, and only the control words of "
            f"symconv.printing.latex.notation.COMMANDS{reason}",
        )

    if not isinstance(value, str) or not _CHARACTERS.match(value) or "^^" in value:
        raise refuse()
    depth, position = 0, 0
    while position < len(value):
        char = value[position]
        if char == "\\":
            control = _CONTROL.match(value, position)
            if control is None:
                raise refuse()
            if control.group(1) is not None and control.group(1) not in COMMANDS:
                raise refuse(f" (\\{control.group(1)} is not one)")
            position = control.end()
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            raise refuse()
        position += 1
    if depth:
        raise refuse()
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
        :func:`symconv.printing.latex.preamble.sty`) instead of their expansion.
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
        as the Data Science Stack Exchange answer to "What are
        deconvolutional layers?" does.
    width : int
        The line width in points that derivations are broken to fit: a long
        sum goes on several lines, a justification that does not fit beside
        its step goes below it. 345 is the text width of LaTeX's ``article``
        class; use e.g. 252 for a two-column paper. Standalone documents
        (:func:`symconv.printing.latex.preamble.document`) are set this wide.

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
    width: int = 345

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
        for field, least in (("corner", 1), ("max_rows", 1), ("max_cols", 1), ("width", 150)):
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
