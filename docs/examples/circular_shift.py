"""The circular shift: a complete operator, written against the operator contract.

``(S x)_i = x_{(i − k) mod n}``, what ``numpy.roll(x, k)`` computes. Its transpose
shifts back: ``Sᵀ = CircularShift(n, −k)``. This file is all an operator needs; in
symconv it would be ``symconv/operators/circular.py``, exported by ``symconv.operators``.
"""

from __future__ import annotations

import sympy as sp

from symconv import _validate
from symconv.operators import Operator
from symconv.operators.index_map import Term


class CircularShift(Operator):
    """Circular shift by k on ℝⁿ: ``(S x)_i = x_{(i − k) mod n}`` (``numpy.roll(x, k)``).

    Parameters
    ----------
    n : int or sympy integer expression
        Length, at least 1.
    k : int or sympy integer expression
        Shift, any integer (read modulo n; a negative k shifts to the left).

    Examples
    --------
    >>> CircularShift(4, 1).as_explicit()
    Matrix([
    [0, 0, 0, 1],
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0]])
    >>> CircularShift(4, 1).T
    CircularShift(4, -1)
    """

    def __new__(cls, n: object, k: object) -> CircularShift:
        # Every parameter is a SymPy arg: ==, hashing, subs and pickling come with it.
        return super().__new__(cls, _validate.size("n", n), _validate.integer("k", k))

    n = property(lambda self: self.args[0])
    k = property(lambda self: self.args[1])

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.n, self.n

    def index_map(self, index: tuple) -> list[Term]:
        # One term: coefficient 1, column (i − k) mod n, no guard (every row reads a sample).
        (i,) = index
        return [(sp.Integer(1), (sp.Mod(i - self.k, self.n),), set())]

    def _eval_transpose(self) -> CircularShift:
        # Row i reads column (i − k) mod n, so column j is read by row (j + k) mod n.
        return CircularShift(self.n, -self.k)
