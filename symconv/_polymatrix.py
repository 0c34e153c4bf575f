"""Sparse matrices over ZZ[taps] stored as one integer sparse matrix per monomial.

A matrix whose entries are polynomials with integer coefficients in the
kernel taps is ``Σ_μ μ · M_μ`` over the monomials μ, with each ``M_μ`` an
integer matrix. Operator matrices have few monomials (one per tap) and many
non-zeros, so storing ``{μ: M_μ}`` with ``M_μ`` in SciPy's CSR format moves
all the per-entry work (products, sums, transposes, Kronecker products,
comparison) into compiled code. A ``DomainMatrix`` over ``ZZ[taps]`` does
the same exact arithmetic one Python object per entry, about 20× slower at
16384 × 4096 (``docs/performance.rst``).

Arithmetic is exact: every operation first bounds the largest coefficient it
can produce and raises :class:`CoefficientOverflowError` when that bound does not fit in
int64, so that the caller can fall back to the ``DomainMatrix`` path; results
are never silently wrapped.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np
from sympy.polys.domains.domain import Domain
from sympy.polys.matrices import DomainMatrix

if TYPE_CHECKING:
    import scipy.sparse as sps


def _scipy_sparse() -> ModuleType:
    # Deferred so that ``import symconv`` does not pay for SciPy (about half a second).
    import scipy.sparse

    return scipy.sparse


__all__ = ["CoefficientOverflowError", "PolyMatrix", "supports"]

Monomial = tuple[int, ...]
_LIMIT = 2**62  # below int64's 2**63 with room for one more addition


class CoefficientOverflowError(ArithmeticError):
    """A coefficient could exceed int64; redo the computation in a ``DomainMatrix``."""


def supports(K: Domain) -> bool:
    """Whether ``K`` is ZZ or a polynomial ring over ZZ (the domains stored here)."""
    return bool(K.is_ZZ or (K.is_PolynomialRing and K.domain.is_ZZ))


def element(terms: dict[Monomial, int], K: Domain) -> object:
    """The element of ``K`` (ZZ, or a polynomial ring over it) with these monomial terms."""
    if K.is_ZZ:
        return K(terms[()])
    return K.ring.from_dict({m: K.domain(c) for m, c in terms.items()})


def _terms(value: object, K: Domain) -> list[tuple[Monomial, int]]:
    """(monomial, integer coefficient) pairs of one element of ``K``."""
    if K.is_ZZ:
        return [((), int(value))] if value else []
    return [(tuple(m), int(c)) for m, c in value.terms() if c]


def _largest(matrix: sps.csr_matrix) -> int:
    return int(np.abs(matrix.data).max()) if matrix.nnz else 0


def _check(bound: int) -> None:
    if bound >= _LIMIT:
        raise CoefficientOverflowError(f"a coefficient could reach {bound}, beyond int64")


class PolyMatrix:
    """``Σ_μ μ · terms[μ]``: an exact sparse matrix over ZZ[gens].

    Parameters
    ----------
    shape : (int, int)
    terms : dict
        Monomial exponent tuple (one exponent per generator of the domain) to
        an int64 CSR matrix of that shape. Empty matrices are dropped.
    """

    __slots__ = ("shape", "terms")

    def __init__(self, shape: tuple[int, int], terms: dict[Monomial, sps.csr_matrix]) -> None:
        self.shape = shape
        self.terms = {m: t for m, t in terms.items() if t.nnz}

    @classmethod
    def from_pattern(
        cls,
        shape: tuple[int, int],
        pattern: Iterable[tuple[object, np.ndarray, np.ndarray]],
        K: Domain,
    ) -> PolyMatrix:
        """Σ value · (ones at (rows, cols)) over ``(value in K, rows, cols)`` triples."""
        accumulated: dict[Monomial, list[tuple[int, np.ndarray, np.ndarray]]] = {}
        for value, rows, cols in pattern:
            for monomial, coefficient in _terms(value, K):
                accumulated.setdefault(monomial, []).append((coefficient, rows, cols))
        terms = {}
        for monomial, parts in accumulated.items():
            _check(sum(abs(c) for c, _, _ in parts))
            data = np.concatenate([np.full(len(r), c, dtype=np.int64) for c, r, _ in parts])
            rows = np.concatenate([r for _, r, _ in parts])
            cols = np.concatenate([c for _, _, c in parts])
            terms[monomial] = _scipy_sparse().csr_matrix(
                (data, (rows, cols)), shape=shape, dtype=np.int64
            )
        return cls(shape, terms)

    @classmethod
    def from_domain_matrix(cls, matrix: DomainMatrix) -> PolyMatrix:
        """Convert a sparse ``DomainMatrix`` over ZZ or ZZ[gens] (O(non-zeros))."""
        K = matrix.domain
        coordinates: dict[Monomial, tuple[list[int], list[int], list[int]]] = {}
        # A convolution's matrix repeats a few taps thousands of times: split each
        # distinct value into its terms once (elements of K are hashable).
        split: dict[object, list[tuple[Monomial, int]]] = {}
        for i, row in matrix.rep.to_dod().items():
            for j, value in row.items():
                terms = split.get(value)
                if terms is None:
                    terms = split[value] = _terms(value, K)
                for monomial, coefficient in terms:
                    rows, cols, data = coordinates.setdefault(monomial, ([], [], []))
                    rows.append(i)
                    cols.append(j)
                    data.append(coefficient)
        terms = {}
        for monomial, (rows, cols, data) in coordinates.items():
            _check(max(map(abs, data)))
            terms[monomial] = _scipy_sparse().csr_matrix(
                (np.array(data, dtype=np.int64), (rows, cols)), shape=matrix.shape
            )
        return cls(matrix.shape, terms)

    def to_domain_matrix(self, K: Domain) -> DomainMatrix:
        """The same matrix as a sparse ``DomainMatrix`` over ``K``."""
        entries: dict[tuple[int, int], dict[Monomial, int]] = {}
        for monomial, matrix in self.terms.items():
            coo = matrix.tocoo()
            for i, j, c in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist()):
                entries.setdefault((i, j), {})[monomial] = c
        rows: dict[int, dict[int, object]] = {}
        for (i, j), poly in entries.items():
            rows.setdefault(i, {})[j] = element(poly, K)
        return DomainMatrix(rows, self.shape, K, fmt="sparse")

    def transpose(self) -> PolyMatrix:
        return PolyMatrix(self.shape[::-1], {m: t.T.tocsr() for m, t in self.terms.items()})

    def scale(self, value: object, K: Domain) -> PolyMatrix:
        """Multiply by one element of ``K``."""
        out: dict[Monomial, sps.csr_matrix] = {}
        for monomial, coefficient in _terms(value, K):
            for own, matrix in self.terms.items():
                _check(abs(coefficient) * _largest(matrix))
                self._accumulate(out, _times(monomial, own), matrix * coefficient)
        return PolyMatrix(self.shape, out)

    def __add__(self, other: PolyMatrix) -> PolyMatrix:
        out = dict(self.terms)
        for monomial, matrix in other.terms.items():
            self._accumulate(out, monomial, matrix)
        return PolyMatrix(self.shape, out)

    def __matmul__(self, other: PolyMatrix) -> PolyMatrix:
        out: dict[Monomial, sps.csr_matrix] = {}
        inner = self.shape[1]
        for ma, a in self.terms.items():
            for mb, b in other.terms.items():
                _check(_largest(a) * _largest(b) * inner)
                self._accumulate(out, _times(ma, mb), a @ b)
        return PolyMatrix((self.shape[0], other.shape[1]), out)

    def kron(self, other: PolyMatrix) -> PolyMatrix:
        out: dict[Monomial, sps.csr_matrix] = {}
        for ma, a in self.terms.items():
            for mb, b in other.terms.items():
                _check(_largest(a) * _largest(b))
                self._accumulate(out, _times(ma, mb), _scipy_sparse().kron(a, b, format="csr"))
        shape = (self.shape[0] * other.shape[0], self.shape[1] * other.shape[1])
        return PolyMatrix(shape, out)

    @staticmethod
    def _accumulate(out: dict, monomial: Monomial, matrix: sps.csr_matrix) -> None:
        if monomial in out:
            _check(_largest(out[monomial]) + _largest(matrix))
            out[monomial] = out[monomial] + matrix
        else:
            out[monomial] = matrix

    def difference(self, other: PolyMatrix) -> tuple[int, int] | None:
        """The first (row-major) position where the two matrices differ, or None."""
        if self.shape != other.shape:
            raise ValueError(f"shapes {self.shape} and {other.shape} differ")
        first: tuple[int, int] | None = None
        zero = _scipy_sparse().csr_matrix(self.shape, dtype=np.int64)
        for monomial in set(self.terms) | set(other.terms):
            delta = (self.terms.get(monomial, zero) - other.terms.get(monomial, zero)).tocoo()
            delta.eliminate_zeros()
            if delta.nnz:
                at = np.lexsort((delta.col, delta.row))[0]
                position = (int(delta.row[at]), int(delta.col[at]))
                first = position if first is None else min(first, position)
        return first

    def entry(self, i: int, j: int) -> dict[Monomial, int]:
        """Entry (i, j) as {monomial: coefficient}."""
        values = {m: int(t[i, j]) for m, t in self.terms.items()}
        return {m: c for m, c in values.items() if c}

    @property
    def nnz(self) -> int:
        """Stored (monomial, position) pairs: the size of the representation."""
        return sum(t.nnz for t in self.terms.values())


def _times(a: Monomial, b: Monomial) -> Monomial:
    return tuple(x + y for x, y in zip(a, b))
