"""Zero padding and cropping at the two ends of a signal."""

from __future__ import annotations

import sympy as sp

from symconv import _validate
from symconv.operators.base import Operator
from symconv.operators.index_map import Term, within

__all__ = ["Crop", "Pad"]


class Pad(Operator):
    """Zero padding: ``lo`` zeros before and ``hi`` zeros after a signal in ℝⁿ.

    Examples
    --------
    >>> Pad(2, 1, 0).as_explicit()
    Matrix([
    [0, 0],
    [1, 0],
    [0, 1]])
    >>> Pad(2, 1, 0).T
    Crop(3, 1, 0)
    """

    def __new__(cls, n: object, lo: object = 0, hi: object = 0) -> Pad:
        return super().__new__(
            cls, _validate.size("n", n), _validate.amount("lo", lo), _validate.amount("hi", hi)
        )

    n = property(lambda self: self.args[0])
    lo = property(lambda self: self.args[1])
    hi = property(lambda self: self.args[2])

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.n + self.lo + self.hi, self.n

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        return sp.KroneckerDelta(i, j + self.lo)

    def index_map(self, index: tuple) -> list[Term]:
        (i,) = index
        return [(sp.Integer(1), (i - self.lo,), {within(i - self.lo, 0, self.n)})]

    def _eval_transpose(self) -> Crop:
        return Crop(self.rows, self.lo, self.hi)


class Crop(Operator):
    """Cropping: drop ``lo`` samples at the start and ``hi`` at the end of ℝⁿ.

    Examples
    --------
    >>> Crop(3, 0, 1).as_explicit()
    Matrix([
    [1, 0, 0],
    [0, 1, 0]])
    >>> Crop(3, 0, 1).T
    Pad(2, 0, 1)
    """

    def __new__(cls, n: object, lo: object = 0, hi: object = 0) -> Crop:
        n, lo, hi = _validate.size("n", n), _validate.amount("lo", lo), _validate.amount("hi", hi)
        _validate.require(
            n - lo - hi >= 1,
            "lo + hi",
            lo + hi,
            f"at most n - 1 = {n - 1} (something must remain)",
        )
        return super().__new__(cls, n, lo, hi)

    n = property(lambda self: self.args[0])
    lo = property(lambda self: self.args[1])
    hi = property(lambda self: self.args[2])

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.n - self.lo - self.hi, self.n

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        return sp.KroneckerDelta(j, i + self.lo)

    def index_map(self, index: tuple) -> list[Term]:
        (i,) = index
        return [(sp.Integer(1), (i + self.lo,), set())]

    def _eval_transpose(self) -> Pad:
        return Pad(self.rows, self.lo, self.hi)
