"""Exact explicit matrices of operator expressions, built from their structure.

:func:`symconv.explicit` materialises an operator expression at concrete sizes as an
exact sparse SymPy matrix. It never evaluates ``_entry`` on every (i, j):
each operator contributes its non-zeros directly (O(non-zeros)), products and
sums are sparse, and all arithmetic happens in one polynomial domain such as
``ZZ[q_0, q_1, q_2]`` (SymPy's ``DomainMatrix``), where equality is exact and
canonical, with no ``simplify`` needed. Comparing two such matrices is the base
of every proof.

Examples
--------
>>> from symconv import Upsample, Conv, kernel
>>> explicit(Conv(kernel("q", 2), 3) @ Upsample(2, 2, length=3))
Matrix([
[q_0,   0],
[q_1,   0],
[  0, q_0],
[  0, q_1]])
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import singledispatch

import sympy as sp
from sympy.matrices.expressions import (
    Identity,
    KroneckerProduct,
    MatAdd,
    MatMul,
    MatrixExpr,
    MatrixSymbol,
    Transpose,
    ZeroMatrix,
)
from sympy.polys.constructor import construct_domain
from sympy.polys.domains import ZZ
from sympy.polys.domains.domain import Domain
from sympy.polys.matrices import DomainMatrix

from symconv.errors import ParameterError
from symconv.operators import Conv, ConvTranspose, Corr, Crop, Downsample, Flip, Pad, Upsample

__all__ = ["domain_of", "explicit", "register", "sparse_matrix"]

Rows = dict[int, dict[int, object]]


def _scalars(expr: object) -> Iterable[sp.Expr]:
    """Every scalar an expression's matrix may contain (taps, coefficients, entries)."""
    if isinstance(expr, sp.MatrixBase):
        yield from (v for v in expr.values())
    elif hasattr(expr, "kernel"):
        yield from expr.kernel
    elif isinstance(expr, MatrixExpr):
        for arg in expr.args:
            if isinstance(arg, (MatrixExpr, sp.MatrixBase)):
                yield from _scalars(arg)
            elif isinstance(arg, sp.Expr) and not arg.is_Integer:
                yield arg  # a scalar coefficient of a MatMul


def domain_of(*exprs: object) -> Domain:
    """The smallest SymPy domain holding every entry of all ``exprs``.

    Examples
    --------
    >>> from symconv import Conv, kernel
    >>> domain_of(Conv(kernel("q", 2), 3), Conv((1, 2), 3))
    ZZ[q_0,q_1]
    """
    values = [v for e in exprs for v in _scalars(e)]
    return construct_domain(values)[0] if values else ZZ


def _concrete(expr: MatrixExpr) -> tuple[int, int]:
    rows, cols = expr.shape
    if not (sp.sympify(rows).is_Integer and sp.sympify(cols).is_Integer):
        raise ParameterError(
            "expr",
            expr,
            f"concrete sizes for an explicit matrix, but the shape is ({rows}, {cols}); "
            "substitute values first, e.g. expr.subs(n, 8)",
        )
    return int(rows), int(cols)


def _require_concrete(expr: object) -> None:
    """Check every matrix in the tree has concrete sizes, before any builder runs."""
    if isinstance(expr, MatrixExpr) and not isinstance(expr, sp.MatrixBase):
        _concrete(expr)
        for arg in expr.args:
            _require_concrete(arg)


def _matrix(rows: Rows, expr: MatrixExpr, K: Domain) -> DomainMatrix:
    return DomainMatrix(rows, _concrete(expr), K, fmt="sparse")


def _taps(kernel: sp.Tuple, K: Domain) -> list[tuple[int, object]]:
    """(t, q_t) for the non-zero taps, in the domain (SDM stores no zeros)."""
    converted = ((t, K.from_sympy(tap)) for t, tap in enumerate(kernel))
    return [(t, v) for t, v in converted if not K.is_zero(v)]


@singledispatch
def _sparse(expr: object, K: Domain) -> DomainMatrix:
    if isinstance(expr, MatrixSymbol):
        raise ParameterError("expr", expr, "an expression of symconv operators, not a MatrixSymbol")
    raise ParameterError("expr", expr, "an expression built from symconv operators and matrices")


#: Register the sparse builder of a new operator class:
#: ``@register`` on ``def _(expr: MyOp, K: Domain) -> DomainMatrix``.
register = _sparse.register


@_sparse.register
def _(expr: Downsample, K: Domain) -> DomainMatrix:
    rows, _ = _concrete(expr)
    k = int(expr.k)
    return _matrix({i: {k * i: K.one} for i in range(rows)}, expr, K)


@_sparse.register
def _(expr: Upsample, K: Domain) -> DomainMatrix:
    k = int(expr.k)
    return _matrix({k * j: {j: K.one} for j in range(int(expr.n))}, expr, K)


@_sparse.register
def _(expr: Pad, K: Domain) -> DomainMatrix:
    lo = int(expr.lo)
    return _matrix({j + lo: {j: K.one} for j in range(int(expr.n))}, expr, K)


@_sparse.register
def _(expr: Crop, K: Domain) -> DomainMatrix:
    rows, _ = _concrete(expr)
    lo = int(expr.lo)
    return _matrix({i: {i + lo: K.one} for i in range(rows)}, expr, K)


@_sparse.register
def _(expr: Flip, K: Domain) -> DomainMatrix:
    n = int(expr.n)
    return _matrix({i: {n - 1 - i: K.one} for i in range(n)}, expr, K)


@_sparse.register
def _(expr: Conv, K: Domain) -> DomainMatrix:
    rows, n = _concrete(expr)
    start = int(expr.crop[0])
    taps = _taps(expr.kernel, K)
    out: Rows = {}
    for i in range(rows):
        row = {i + start - t: v for t, v in taps if 0 <= i + start - t < n}
        if row:
            out[i] = row
    return _matrix(out, expr, K)


def _corr_rows(expr: Corr | ConvTranspose, rows: int, n: int, K: Domain) -> Rows:
    """Rows of the correlation: y_i = Σ_t q_t x_{i·s + t·d − lo}."""
    s, d, lo = int(expr.stride), int(expr.dilation), int(expr.padding[0])
    taps = _taps(expr.kernel, K)
    out: Rows = {}
    for i in range(rows):
        row = {i * s + t * d - lo: v for t, v in taps if 0 <= i * s + t * d - lo < n}
        if row:
            out[i] = row
    return out


@_sparse.register
def _(expr: Corr, K: Domain) -> DomainMatrix:
    rows, n = _concrete(expr)
    return _matrix(_corr_rows(expr, rows, n, K), expr, K)


@_sparse.register
def _(expr: ConvTranspose, K: Domain) -> DomainMatrix:
    n_out, n_in = _concrete(expr)
    forward = DomainMatrix(_corr_rows(expr, n_in, n_out, K), (n_in, n_out), K, fmt="sparse")
    return forward.transpose()


@_sparse.register
def _(expr: Identity, K: Domain) -> DomainMatrix:
    n, _ = _concrete(expr)
    return _matrix({i: {i: K.one} for i in range(n)}, expr, K)


@_sparse.register
def _(expr: ZeroMatrix, K: Domain) -> DomainMatrix:
    return _matrix({}, expr, K)


@_sparse.register
def _(expr: sp.MatrixBase, K: Domain) -> DomainMatrix:
    out: Rows = {}
    for (i, j), value in expr.todok().items():
        converted = K.from_sympy(value)
        if not K.is_zero(converted):
            out.setdefault(i, {})[j] = converted
    return _matrix(out, expr, K)


@_sparse.register
def _(expr: Transpose, K: Domain) -> DomainMatrix:
    return _sparse(expr.arg, K).transpose()


@_sparse.register
def _(expr: MatMul, K: Domain) -> DomainMatrix:
    coeff, factors = expr.as_coeff_matrices()
    result = _sparse(factors[-1], K)
    for factor in reversed(factors[:-1]):
        result = _sparse(factor, K).matmul(result)
    return result if coeff == 1 else result * K.from_sympy(coeff)


@_sparse.register
def _(expr: MatAdd, K: Domain) -> DomainMatrix:
    terms = [_sparse(arg, K) for arg in expr.args]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


@_sparse.register
def _(expr: KroneckerProduct, K: Domain) -> DomainMatrix:
    result = _sparse(expr.args[0], K)
    for factor in expr.args[1:]:
        right = _sparse(factor, K)
        (ra, ca), (rb, cb) = result.shape, right.shape
        a, b = result.rep.to_dod(), right.rep.to_dod()
        out: Rows = {}
        for ia, row_a in a.items():
            for ib, row_b in b.items():
                out[ia * rb + ib] = {
                    ja * cb + jb: va * vb for ja, va in row_a.items() for jb, vb in row_b.items()
                }
        result = DomainMatrix(out, (ra * rb, ca * cb), K, fmt="sparse")
    return result


def sparse_matrix(expr: MatrixExpr, domain: Domain | None = None) -> DomainMatrix:
    """The exact matrix of ``expr`` as a sparse :class:`DomainMatrix`.

    Parameters
    ----------
    expr : matrix expression
        Built from symconv operators, SymPy ``Identity``/``ZeroMatrix``,
        explicit SymPy matrices, products, sums, scalar multiples, transposes
        and Kronecker products, all at concrete sizes.
    domain : sympy domain, optional
        The domain to compute in; default :func:`domain_of` ``(expr)``. Pass
        one common domain to compare several expressions.

    Examples
    --------
    >>> from symconv import Flip
    >>> sparse_matrix(Flip(2)).to_Matrix()
    Matrix([
    [0, 1],
    [1, 0]])
    """
    _require_concrete(expr)
    return _sparse(expr, domain_of(expr) if domain is None else domain)


def explicit(expr: MatrixExpr) -> sp.ImmutableSparseMatrix:
    """The exact explicit matrix of an operator expression, as a sparse SymPy matrix.

    Kernel taps stay symbolic; the result compares with ``==`` against any
    SymPy matrix. Cost is proportional to the number of non-zeros, not to
    rows × columns.

    Examples
    --------
    >>> from symconv import Downsample
    >>> explicit(Downsample(4, 2))
    Matrix([
    [1, 0, 0, 0],
    [0, 0, 1, 0]])
    """
    dm = sparse_matrix(expr)
    K = dm.domain
    entries = {(i, j): K.to_sympy(v) for i, row in dm.rep.to_dod().items() for j, v in row.items()}
    return sp.ImmutableSparseMatrix(*dm.shape, entries)
