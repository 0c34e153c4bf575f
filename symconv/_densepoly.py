"""Small exact matrices over ZZ[taps] as one dense array per monomial: the proof hot path.

The exhaustive tier compares thousands of small matrices (tens of rows). For
those, SciPy's sparse containers (:mod:`symconv._polymatrix`) spend most of
their time in per-call checks, and a ``DomainMatrix`` in one Python object per
entry. Here a matrix ``Σ_μ μ · M_μ`` is a stack ``data[t] = M_{monomials[t]}``
of dense arrays, so a product is one BLAS call.

Exactness: the arrays hold integers in float64, which represents every
integer of magnitude below 2**53 exactly, and a sum or product of such
integers whose exact value is below 2**53 is computed exactly in any order
(no rounding can occur). Every operation bounds the largest magnitude any
partial sum can reach *before* computing and raises
:class:`~symconv._polymatrix.CoefficientOverflowError` when the bound is not
below 2**53, so that the caller falls back to an integer path. The results are
therefore the exact integer coefficients, never rounded.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sympy.polys.domains.domain import Domain
from sympy.polys.matrices import DomainMatrix

from symconv._polymatrix import CoefficientOverflowError, Monomial, _terms, _times, element

__all__ = ["DensePolyMatrix", "TooLargeError"]

#: Integers below this magnitude are exact in float64, and so is arithmetic on them.
_EXACT = 2**53

#: The largest stack (monomials × rows × columns) kept dense; larger goes sparse.
MAX_ELEMENTS = 1 << 18


class TooLargeError(ValueError):
    """The matrix is too large for the dense path; use the sparse one."""


def _check(bound: float) -> None:
    if bound >= _EXACT:
        raise CoefficientOverflowError(f"a coefficient could reach {bound:.3g}, beyond 2**53")


def _fits(count: int, rows: int, cols: int) -> None:
    if count * rows * cols > MAX_ELEMENTS:
        raise TooLargeError(f"{count} × {rows} × {cols} is too large for a dense stack")


class DensePolyMatrix:
    """``Σ_t monomials[t] · data[t]``: an exact small matrix over ZZ[gens].

    Parameters
    ----------
    shape : (int, int)
    monomials : tuple of exponent tuples
        Distinct monomials, one per layer of ``data``.
    data : ndarray of float64, shape (len(monomials), rows, cols)
        Integer coefficients (exact below 2**53). Never modified after construction.
    peak : float
        The largest magnitude in ``data`` (0 when empty).
    """

    __slots__ = ("data", "monomials", "peak", "shape")

    def __init__(
        self, shape: tuple[int, int], monomials: tuple[Monomial, ...], data: np.ndarray
    ) -> None:
        data.setflags(write=False)  # shared through the operator cache: never modified
        self.shape, self.monomials, self.data = shape, monomials, data
        self.peak = float(np.abs(data).max()) if data.size else 0.0

    @classmethod
    def from_pattern(
        cls,
        shape: tuple[int, int],
        pattern: Iterable[tuple[object, np.ndarray, np.ndarray]],
        K: Domain,
    ) -> DensePolyMatrix:
        """Σ value · (ones at (rows, cols)) over ``(value in K, rows, cols)`` triples."""
        layers: dict[Monomial, np.ndarray] = {}
        for value, rows, cols in pattern:
            for monomial, coefficient in _terms(value, K):
                if monomial not in layers:
                    _fits(len(layers) + 1, *shape)
                    layers[monomial] = np.zeros(shape)
                _check(abs(coefficient))
                # One pattern never repeats a position, so plain indexing accumulates correctly.
                layers[monomial][rows, cols] += coefficient
        return cls._from_layers(shape, layers)

    @classmethod
    def from_entries(
        cls, shape: tuple[int, int], entries: Iterable[tuple[int, int, object]], K: Domain
    ) -> DensePolyMatrix:
        """From ``(i, j, value in K)`` triples (positions distinct): a pattern of single entries."""
        return cls.from_pattern(shape, ((value, i, j) for i, j, value in entries), K)

    @classmethod
    def _from_layers(
        cls, shape: tuple[int, int], layers: dict[Monomial, np.ndarray]
    ) -> DensePolyMatrix:
        if not layers:
            return cls(shape, (), np.zeros((0, *shape)))
        return cls(shape, tuple(layers), np.stack(list(layers.values())))

    def to_domain_matrix(self, K: Domain) -> DomainMatrix:
        """The same matrix as a sparse ``DomainMatrix`` over ``K``."""
        rows: dict[int, dict[int, object]] = {}
        nonzero = (self.data != 0).any(axis=0) if self.monomials else np.zeros(self.shape, bool)
        for i, j in zip(*(a.tolist() for a in np.nonzero(nonzero))):
            rows.setdefault(i, {})[j] = element(self.entry(i, j), K)
        return DomainMatrix(rows, self.shape, K, fmt="sparse")

    def transpose(self) -> DensePolyMatrix:
        return DensePolyMatrix(self.shape[::-1], self.monomials, self.data.transpose(0, 2, 1))

    def scale(self, value: object, K: Domain) -> DensePolyMatrix:
        """Multiply by one element of ``K``."""
        terms = _terms(value, K)
        factor = DensePolyMatrix(
            (1, 1), tuple(m for m, _ in terms), np.array([[[c]] for _, c in terms], dtype=float)
        )
        # A 1 × 1 matrix times each row: reuse the product's monomial bookkeeping.
        rows, cols = self.shape
        flat = DensePolyMatrix(
            (1, rows * cols), self.monomials, self.data.reshape(-1, 1, rows * cols)
        )
        product = factor @ flat
        return DensePolyMatrix(self.shape, product.monomials, product.data.reshape(-1, rows, cols))

    def __matmul__(self, other: DensePolyMatrix) -> DensePolyMatrix:
        (rows, inner), cols = self.shape, other.shape[1]
        ta, tb = len(self.monomials), len(other.monomials)
        if ta == 0 or tb == 0:
            return DensePolyMatrix((rows, cols), (), np.zeros((0, rows, cols)))
        _check(self.peak * other.peak * inner * min(ta, tb))
        _fits(ta * tb, rows, cols)
        # One BLAS call for every pair of monomials: (ta·rows × inner) @ (inner × tb·cols).
        left = self.data.reshape(ta * rows, inner)
        right = other.data.transpose(1, 0, 2).reshape(inner, tb * cols)
        product = (left @ right).reshape(ta, rows, tb, cols).transpose(0, 2, 1, 3)
        pairs = [_times(a, b) for a in self.monomials for b in other.monomials]
        stacked = product.reshape(ta * tb, rows, cols)
        if len(set(pairs)) == len(pairs):
            return DensePolyMatrix((rows, cols), tuple(pairs), stacked)
        layers: dict[Monomial, np.ndarray] = {}
        for monomial, layer in zip(pairs, stacked):
            layers[monomial] = layers[monomial] + layer if monomial in layers else layer
        return DensePolyMatrix._from_layers((rows, cols), layers)

    def __add__(self, other: DensePolyMatrix) -> DensePolyMatrix:
        _check(self.peak + other.peak)
        layers = dict(zip(self.monomials, self.data))
        for monomial, layer in zip(other.monomials, other.data):
            layers[monomial] = layers[monomial] + layer if monomial in layers else layer
        return DensePolyMatrix._from_layers(self.shape, layers)

    def kron(self, other: DensePolyMatrix) -> DensePolyMatrix:
        shape = (self.shape[0] * other.shape[0], self.shape[1] * other.shape[1])
        _check(self.peak * other.peak * min(len(self.monomials), len(other.monomials)))
        _fits(len(self.monomials) * len(other.monomials), *shape)
        layers: dict[Monomial, np.ndarray] = {}
        for ma, a in zip(self.monomials, self.data):
            for mb, b in zip(other.monomials, other.data):
                monomial, layer = _times(ma, mb), np.kron(a, b)
                layers[monomial] = layers[monomial] + layer if monomial in layers else layer
        return DensePolyMatrix._from_layers(shape, layers)

    def difference(self, other: DensePolyMatrix) -> tuple[int, int] | None:
        """The first (row-major) position where the two matrices differ, or None."""
        if self.shape != other.shape:
            raise ValueError(f"shapes {self.shape} and {other.shape} differ")
        if self.monomials == other.monomials:
            unequal = (self.data != other.data).any(axis=0)
        else:
            unequal = np.zeros(self.shape, dtype=bool)
            theirs = dict(zip(other.monomials, other.data))
            for monomial, layer in zip(self.monomials, self.data):
                theirs_layer = theirs.pop(monomial, None)
                unequal |= layer != 0 if theirs_layer is None else layer != theirs_layer
            for layer in theirs.values():
                unequal |= layer != 0
        where = np.flatnonzero(unequal)
        if not where.size:
            return None
        return divmod(int(where[0]), self.shape[1])

    def entry(self, i: int, j: int) -> dict[Monomial, int]:
        """Entry (i, j) as {monomial: coefficient}."""
        values = {m: int(layer[i, j]) for m, layer in zip(self.monomials, self.data)}
        return {m: c for m, c in values.items() if c}
