"""Explicit matrices as ``bmatrix``/``pmatrix``, elided above a configurable size.

An operator expression is materialised with :func:`symconv.matrices.sparse_matrix`
(cost proportional to its non-zeros, never rows × columns) and only the
entries that are shown are converted and printed: with the default
:class:`~symconv.printing.latex.notation.Notation`, a matrix with more than 16 rows or
columns shows its first and last 3 and elides the rest with ``\\vdots``,
``\\cdots`` and ``\\ddots``, so a 4096 × 4096 convolution prints as a
readable band.

Examples
--------
>>> from symconv import Conv, kernel
>>> print(matrix_latex(Conv(kernel("q", 3), 4, "same")))
\\begin{bmatrix}
q_{1} & q_{0} & 0 & 0 \\\\
q_{2} & q_{1} & q_{0} & 0 \\\\
0 & q_{2} & q_{1} & q_{0} \\\\
0 & 0 & q_{2} & q_{1}
\\end{bmatrix}
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from symconv.matrices import sparse_matrix
from symconv.printing.latex.notation import Notation

__all__ = ["entries", "matrix_latex", "shown_indices"]

Entry = Callable[[int, int], sp.Expr]

#: Marks the elided run of rows or columns in :func:`shown_indices`.
ELIDED = -1


def shown_indices(size: int, largest: int, corner: int) -> list[int]:
    """The row (column) indices to print: all, or ``corner`` at each end around ELIDED.

    Examples
    --------
    >>> shown_indices(4, 16, 3)
    [0, 1, 2, 3]
    >>> shown_indices(4096, 16, 3)
    [0, 1, 2, -1, 4093, 4094, 4095]
    """
    if size <= largest:
        return list(range(size))
    return [*range(corner), ELIDED, *range(size - corner, size)]


def entries(obj: object) -> tuple[int, int, Entry]:
    """``(rows, cols, entry)`` of an explicit matrix or an operator expression.

    ``entry(i, j)`` returns one SymPy scalar; nothing is converted until it is
    asked for. Operator expressions go through the sparse exact path, so
    their cost is their number of non-zeros.
    """
    if isinstance(obj, sp.MatrixBase):
        rows, cols = obj.shape
        return rows, cols, lambda i, j: obj[i, j]
    dm = obj if isinstance(obj, DomainMatrix) else sparse_matrix(obj)
    domain = dm.domain
    rows_dict = dm.to_sparse().rep.to_dod()
    rows, cols = dm.shape

    def entry(i: int, j: int) -> sp.Expr:
        value = rows_dict.get(i, {}).get(j)
        return sp.Integer(0) if value is None else domain.to_sympy(value)

    return rows, cols, entry


def matrix_latex(
    obj: object,
    notation: Notation | None = None,
    entry_latex: Callable[[sp.Expr], str] | None = None,
) -> str:
    """The matrix of ``obj`` as an amsmath matrix environment, elided when large.

    Parameters
    ----------
    obj : SymPy matrix, DomainMatrix or operator expression at concrete sizes
        What to print.
    notation : Notation, optional
        Environment (``bmatrix``/``pmatrix``) and elision sizes.
    entry_latex : callable, optional
        Prints one entry; default the symconv printer with ``notation``.

    Notes
    -----
    amsmath allows 10 columns per matrix unless ``MaxMatrixCols`` is raised;
    the preamble from :func:`symconv.printing.latex.preamble.sty` raises it to
    ``notation.max_cols``, the widest matrix this notation prints.

    Examples
    --------
    >>> from symconv import Conv, kernel
    >>> print(matrix_latex(Conv(kernel("q", 3), 4096, "same")))  # nothing dense is built
    \\begin{bmatrix}
    q_{1} & q_{0} & 0 & \\cdots & 0 & 0 & 0 \\\\
    q_{2} & q_{1} & q_{0} & \\cdots & 0 & 0 & 0 \\\\
    0 & q_{2} & q_{1} & \\cdots & 0 & 0 & 0 \\\\
    \\vdots & \\vdots & \\vdots & \\ddots & \\vdots & \\vdots & \\vdots \\\\
    0 & 0 & 0 & \\cdots & q_{1} & q_{0} & 0 \\\\
    0 & 0 & 0 & \\cdots & q_{2} & q_{1} & q_{0} \\\\
    0 & 0 & 0 & \\cdots & 0 & q_{2} & q_{1}
    \\end{bmatrix}
    """
    notation = Notation() if notation is None else notation
    if entry_latex is None:
        from symconv.printing.latex.printer import SymconvLatexPrinter

        entry_latex = SymconvLatexPrinter(notation).doprint
    rows, cols, entry = entries(obj)
    shown_rows = shown_indices(rows, notation.max_rows, notation.corner)
    shown_cols = shown_indices(cols, notation.max_cols, notation.corner)
    lines = []
    for i in shown_rows:
        cells = []
        for j in shown_cols:
            if i == ELIDED:
                cells.append(r"\ddots" if j == ELIDED else r"\vdots")
            elif j == ELIDED:
                cells.append(r"\cdots")
            else:
                cells.append(entry_latex(entry(i, j)))
        lines.append(" & ".join(cells))
    body = " \\\\\n".join(lines)
    return f"\\begin{{{notation.matrix}}}\n{body}\n\\end{{{notation.matrix}}}"
