"""Down-sampling ↓ₖ (decimation) and up-sampling ↑ₖ (zero insertion)."""

from __future__ import annotations

import sympy as sp

from symconv import _validate, sizes
from symconv.operators.base import Operator

__all__ = ["Downsample", "Upsample"]


class Downsample(Operator):
    """↓ₖ on ℝⁿ: keep every k-th sample, ``(↓ₖx)_i = x_{k·i}``.

    Parameters
    ----------
    n : int or sympy integer expression
        Input length.
    k : int or sympy integer expression
        Factor, at least 1.

    Notes
    -----
    The output length is ⌈n/k⌉ (samples 0, k, 2k, … below n). The transpose
    is ↑ₖ from ℝ^⌈n/k⌉ to exactly ℝⁿ, so ``Downsample(n, k).T.T`` is itself.

    Examples
    --------
    >>> Downsample(4, 2).as_explicit()
    Matrix([
    [1, 0, 0, 0],
    [0, 0, 1, 0]])
    >>> Downsample(5, 2).T
    Upsample(3, 2, 5)

    The entry keeps the divisibility explicit, so SymPy's sums stay right:

    >>> import sympy as sp
    >>> n, k, j = sp.symbols("n k j", integer=True, positive=True)
    >>> column_sum = sp.MatMul(sp.OneMatrix(1, n), Downsample(k * n, k))[0, j].doit()
    >>> column_sum.subs({k: 2, n: 3, j: 1}), column_sum.subs({k: 2, n: 3, j: 2})
    (0, 1)
    """

    def __new__(cls, n: object, k: object) -> Downsample:
        return super().__new__(cls, _validate.size("n", n), _validate.size("k", k))

    n = property(lambda self: self.args[0])
    k = property(lambda self: self.args[1])

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return sizes.downsample_length(self.n, self.k), self.n

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        # [j = k·i] written as [k | j]·[i = ⌊j/k⌋]: a bare δ(j, k·i) loses the divisibility
        # when SymPy sums over i (Σᵢ δ(j, k·i) comes out 1 for every j), as for Upsample.
        return sp.KroneckerDelta(sp.Mod(j, self.k), 0) * sp.KroneckerDelta(i, sp.floor(j / self.k))

    def _eval_transpose(self) -> Upsample:
        return Upsample(self.rows, self.k, self.n)


class Upsample(Operator):
    """↑ₖ from ℝⁿ to ℝᴺ: ``(↑ₖx)_i = x_{i/k}`` when k divides i, else 0.

    Parameters
    ----------
    n : int or sympy integer expression
        Input length.
    k : int or sympy integer expression
        Factor, at least 1.
    length : int or sympy integer expression, optional
        Output length N, from k(n − 1) + 1 (no trailing zeros: SciPy
        ``upfirdn``, Dumoulin & Visin) to k·n (k − 1 trailing zeros: the
        Stack Exchange answers). Default k·n. The length is part of the operator.

    Notes
    -----
    The entry is written with an explicit divisibility guard,
    ``δ(i mod k, 0)·δ(j, ⌊i/k⌋)``, because SymPy's delta summation drops
    divisibility (it would give ↑ₖ↓ₖ = I).

    Examples
    --------
    >>> Upsample(2, 2).as_explicit()
    Matrix([
    [1, 0],
    [0, 0],
    [0, 1],
    [0, 0]])
    >>> Upsample(2, 2, length=3).shape
    (3, 2)
    >>> Upsample(2, 2).T
    Downsample(4, 2)
    """

    def __new__(cls, n: object, k: object, length: object = None) -> Upsample:
        n, k = _validate.size("n", n), _validate.size("k", k)
        shortest, longest = sizes.upsample_length_range(n, k)
        length = longest if length is None else _validate.size("length", length)
        allowed = f"an integer from k*(n-1)+1 = {shortest} to k*n = {longest}"
        _validate.require(length >= shortest, "length", length, allowed)
        _validate.require(length <= longest, "length", length, allowed)
        return super().__new__(cls, n, k, length)

    n = property(lambda self: self.args[0])
    k = property(lambda self: self.args[1])
    length = property(lambda self: self.args[2])

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.length, self.n

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        return sp.KroneckerDelta(sp.Mod(i, self.k), 0) * sp.KroneckerDelta(j, sp.floor(i / self.k))

    def _eval_transpose(self) -> Downsample:
        return Downsample(self.length, self.k)
