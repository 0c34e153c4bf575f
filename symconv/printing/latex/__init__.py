r"""Paper-ready LaTeX for operators, expressions, matrices, kernels and derivations.

:func:`latex` (exported as ``symconv.latex``) is the entry point. The notation
is configured in one place, :class:`~symconv.printing.latex.notation.Notation`; the same
definitions give the printer's output, the ``.sty`` package
(:func:`~symconv.printing.latex.preamble.sty`), the document preamble
(:func:`~symconv.printing.latex.preamble.preamble`) and the MathJax macros of the docs
(:func:`~symconv.printing.latex.preamble.mathjax_macros`).

Examples
--------
>>> import sympy as sp
>>> from symconv import Conv, Downsample, Upsample, kernel
>>> q, x = kernel("q", 3), sp.MatrixSymbol("x", 2, 1)
>>> latex(sp.MatMul(Conv(q, 4, "same"), Upsample(2, 2), x), modes=False)
'\\mathbf{q} \\ast \\left(\\mathord{\\uparrow}_{2} \\mathbf{x}\\right)'
>>> latex(sp.Transpose(sp.MatMul(Downsample(4, 2), sp.Transpose(Conv(q, 4)))), macros=True)
'\\left(\\downsample{2} (\\vect{q} \\conv)^{\\transp}\\right)^{\\transp}'
"""

from __future__ import annotations

import sympy as sp
from sympy.core.relational import Relational
from sympy.matrices.expressions import MatrixExpr
from sympy.polys.matrices import DomainMatrix

from symconv import _validate
from symconv.derivation import Derivation
from symconv.errors import ParameterError
from symconv.printing.latex.derivation import derivation_latex
from symconv.printing.latex.matrices import matrix_latex
from symconv.printing.latex.notation import Notation
from symconv.printing.latex.preamble import document, mathjax_macros, preamble, sty, write_atomic
from symconv.printing.latex.printer import SymconvLatexPrinter, register

from symconv.printing.latex import nd  # noqa: F401  isort: skip  (registers the N-D layers' printing)

__all__ = [
    "Notation",
    "SymconvLatexPrinter",
    "derivation_latex",
    "document",
    "latex",
    "mathjax_macros",
    "matrix_latex",
    "preamble",
    "register",
    "repr_latex",
    "sty",
    "write_atomic",
]

_DERIVATION_OPTIONS = ("environment", "numbered", "label", "notes")


def latex(
    obj: object,
    notation: Notation | None = None,
    *,
    explicit: bool = False,
    **options: object,
) -> str:
    r"""The LaTeX (math mode, without ``$``) of a symconv object.

    Parameters
    ----------
    obj : operator expression, SymPy matrix or scalar, DomainMatrix, kernel or Derivation
        Operators and expressions print in operator notation, matrices as
        ``bmatrix`` (elided when large), a kernel (a sequence of taps) as
        its tuple, a :class:`~symconv.derivation.Derivation` as an ``align``
        block.
    notation : Notation, optional
        The notation to start from; default ``Notation()``.
    explicit : bool
        Print every operator as its explicit matrix (concrete sizes only).
    **options
        Any :class:`~symconv.printing.latex.notation.Notation` field (``macros=True``,
        ``transpose="\\top"``, ``vector="plain"``, ``max_rows=8``, …), and for derivations
        ``environment``, ``numbered``, ``label`` and ``notes`` (see
        :func:`~symconv.printing.latex.derivation.derivation_latex`).

    Returns
    -------
    str
        Deterministic: the same input gives the same bytes on every run.

    Examples
    --------
    >>> from symconv import Corr, ConvTranspose, kernel
    >>> latex(Corr(kernel("w", 3), 12, "same", stride=2))
    '(\\mathbf{w} \\star_{s=2,\\,p=(0,1)})'
    >>> latex(ConvTranspose(kernel("w", 3), 2, stride=2, output_padding=1), transpose="\\top")
    '(\\mathbf{w} \\star_{s=2,\\,a=1})^{\\top}'
    >>> latex(kernel("q", 2))
    '\\left(q_{0}, q_{1}\\right)'
    >>> latex(Corr(kernel("w", 3), 4), label="eq:1")
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: label='eq:1' is not allowed: expected an option for ...
    """
    derivation_options = {k: options.pop(k) for k in _DERIVATION_OPTIONS if k in options}
    notation = (Notation() if notation is None else notation).replace(**options)
    if isinstance(obj, Derivation):
        return derivation_latex(obj, notation, explicit=explicit, **derivation_options)
    for key, value in derivation_options.items():
        raise ParameterError(key, value, "an option for derivations only; this is not one")
    printer = SymconvLatexPrinter(notation, explicit=explicit)
    if isinstance(obj, DomainMatrix):
        return matrix_latex(obj, notation, printer.doprint)
    if isinstance(obj, (MatrixExpr, sp.MatrixBase)):
        return printer.doprint(obj)
    if isinstance(obj, (tuple, list, sp.Tuple)):
        taps = _validate.taps("kernel", obj)
        return r"\left(" + ", ".join(printer.doprint(t) for t in taps) + r"\right)"
    # Relations are steps of size-arithmetic derivations (conv-arithmetic).
    if isinstance(obj, (int, sp.Expr, Relational)) and not isinstance(obj, bool):
        return printer.doprint(sp.sympify(obj))
    raise ParameterError(
        "obj",
        obj,
        "an operator expression, a SymPy matrix, scalar or relation, a DomainMatrix, a kernel "
        "(sequence of taps) or a Derivation",
    )


def repr_latex(obj: object) -> str:
    r"""Jupyter's ``_repr_latex_``: ``$\displaystyle …$``, or a display for a derivation."""
    if isinstance(obj, Derivation):
        return "$$" + latex(obj, environment="aligned") + "$$"
    return r"$\displaystyle " + latex(obj) + "$"
