"""Reversal of a signal (the exchange matrix)."""

from __future__ import annotations

import sympy as sp

from symconv import _validate
from symconv.operators.base import Operator
from symconv.operators.index_map import Term

__all__ = ["Flip"]


class Flip(Operator):
    """Reversal on ℝⁿ: ``(Jx)_i = x_{n-1-i}``; symmetric, so ``Flip(n).T == Flip(n)``.

    Examples
    --------
    >>> Flip(3).as_explicit()
    Matrix([
    [0, 0, 1],
    [0, 1, 0],
    [1, 0, 0]])
    """

    def __new__(cls, n: object) -> Flip:
        return super().__new__(cls, _validate.size("n", n))

    n = property(lambda self: self.args[0])

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.n, self.n

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        return sp.KroneckerDelta(i + j, self.n - 1)

    def index_map(self, index: tuple) -> list[Term]:
        (i,) = index
        return [(sp.Integer(1), (self.n - 1 - i,), set())]

    def _eval_transpose(self) -> Flip:
        return self
