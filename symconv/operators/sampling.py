"""Sampling by a factor k: ↓ₖ (decimation), ↑ₖ (zero insertion), and their relatives.

- :class:`Downsample` and :class:`Upsample` (each the other's transpose);
- :class:`MultiplesProjector`, the diagonal 0/1 projector ↑ₖ↓ₖ onto multiples of k;
- :class:`NearestUpsample` (each sample repeated k times) and its transpose
  :class:`BlockSum` (the sum of each block of k samples).
"""

from __future__ import annotations

import sympy as sp

from symconv import _validate, sizes
from symconv.operators.base import Operator
from symconv.operators.index_map import Term, divides, within

__all__ = ["BlockSum", "Downsample", "MultiplesProjector", "NearestUpsample", "Upsample"]


class _SizeAndFactor:
    """The parameters shared by the sampling operators: a size n and a factor k >= 1."""

    def __new__(cls, n: object, k: object) -> Operator:
        return Operator.__new__(cls, _validate.size("n", n), _validate.size("k", k))

    n = property(lambda self: self.args[0])
    k = property(lambda self: self.args[1])


class Downsample(_SizeAndFactor, Operator):
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


    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return sizes.downsample_length(self.n, self.k), self.n

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        # [j = k·i] written as [k | j]·[i = ⌊j/k⌋]: a bare δ(j, k·i) loses the divisibility
        # when SymPy sums over i (Σᵢ δ(j, k·i) comes out 1 for every j), as for Upsample.
        return sp.KroneckerDelta(sp.Mod(j, self.k), 0) * sp.KroneckerDelta(i, sp.floor(j / self.k))

    def index_map(self, index: tuple) -> list[Term]:
        (i,) = index
        return [(sp.Integer(1), (self.k * i,), set())]

    def _eval_transpose(self) -> Upsample:
        return Upsample(self.rows, self.k, self.n)


class Upsample(Operator):
    """↑ₖ from ℝⁿ to ℝᴺ: ``(↑ₖx)_i = x_{i/k}`` when k divides i, else 0.

    Parameters
    ----------
    n, k : int or sympy integer expression
        Input length and factor (at least 1), as for :class:`Downsample`.
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

    def index_map(self, index: tuple) -> list[Term]:
        (i,) = index
        return [(sp.Integer(1), (i / self.k,), {divides(self.k, i)})]

    def _eval_transpose(self) -> Downsample:
        return Downsample(self.length, self.k)


class MultiplesProjector(_SizeAndFactor, Operator):
    """diag(1, 0, …, 0, 1, 0, …) on ℝᴺ: keeps the samples at multiples of k.

    Examples
    --------
    >>> MultiplesProjector(4, 2).as_explicit()
    Matrix([
    [1, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 0]])
    """


    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.n, self.n

    def index_map(self, index: tuple) -> list[Term]:
        (i,) = index
        return [(sp.Integer(1), (i,), {divides(self.k, i)})]

    def _eval_transpose(self) -> MultiplesProjector:
        return self


def _remainder() -> sp.Dummy:
    # The position inside a block of k, a bound index named like the tap index of the box
    # kernel 1ₖ, so that the symbolic tier matches the two (nearest = 1ₖ ∗ ↑ₖ).
    return sp.Dummy("u_*", integer=True)


class NearestUpsample(_SizeAndFactor, Operator):
    """Nearest-neighbour up-sampling by k from ℝⁿ to ℝᵏⁿ: ``(Nx)_i = x_{⌊i/k⌋}``.

    Examples
    --------
    >>> NearestUpsample(2, 2).as_explicit().T
    Matrix([
    [1, 1, 0, 0],
    [0, 0, 1, 1]])
    >>> NearestUpsample(2, 2).T
    BlockSum(2, 2)
    """


    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.k * self.n, self.n

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        return sp.KroneckerDelta(j, sp.floor(i / self.k))

    def index_map(self, index: tuple) -> list[Term]:
        # x_{⌊i/k⌋} = x_{(i − r)/k} for the one r in [0, k) with k | i − r: written with a
        # bound r rather than a floor, so that it composes with kernels of symbolic length.
        (i,) = index
        r = _remainder()
        guards = {within(r, 0, self.k), divides(self.k, i - r)}
        return [(sp.Integer(1), ((i - r) / self.k,), guards)]

    def _eval_transpose(self) -> BlockSum:
        return BlockSum(self.n, self.k)


class BlockSum(_SizeAndFactor, Operator):
    """The sum of each of n blocks of k samples, from ℝᵏⁿ to ℝⁿ: ``y_j = Σ_{r<k} x_{kj+r}``.

    The transpose of :class:`NearestUpsample` (sum pooling, without the division by k
    of average pooling).

    Examples
    --------
    >>> BlockSum(2, 3).as_explicit()
    Matrix([
    [1, 1, 1, 0, 0, 0],
    [0, 0, 0, 1, 1, 1]])
    """


    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.n, self.k * self.n

    def index_map(self, index: tuple) -> list[Term]:
        (j,) = index
        r = _remainder()
        return [(sp.Integer(1), (self.k * j + r,), {within(r, 0, self.k)})]

    def _eval_transpose(self) -> NearestUpsample:
        return NearestUpsample(self.n, self.k)
