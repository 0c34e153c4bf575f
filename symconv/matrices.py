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

import itertools
from collections.abc import Callable, Iterable, Iterator
from functools import singledispatch
from typing import TypeVar

import numpy as np
import sympy as sp
from sympy.polys.constructor import construct_domain
from sympy.polys.domains import EXRAW, ZZ
from sympy.polys.domains.domain import Domain
from sympy.polys.matrices import DomainMatrix

from symconv import limits
from symconv._densepoly import DensePolyMatrix, TooLargeError
from symconv._polymatrix import CoefficientOverflowError, PolyMatrix, supports
from symconv.errors import ParameterError, ShapeMismatchError
from symconv.operators.base import Operator, expand_power
from symconv.operators.channels import ConvTransposeNd, CorrNd, _layer_shape
from symconv.operators.convolution import Conv, ConvTranspose, Corr
from symconv.operators.flip import Flip
from symconv.operators.grid import Permute
from symconv.operators.index_map import evaluate, flat_index
from symconv.operators.padding import Crop, Pad
from symconv.operators.sampling import Downsample, Upsample

#: Either fast representation; both support transpose, @, +, scale and kron.
Matrix = TypeVar("Matrix", PolyMatrix, DensePolyMatrix)

__all__ = [
    "derived_entries",
    "differing_entries",
    "domain_of",
    "explicit",
    "first_difference",
    "same_matrix",
    "sparse_matrix",
]

Rows = dict[int, dict[int, object]]


def derived_entries(expr: Operator) -> list[tuple[int, int, sp.Expr]]:
    """``[(row, column, value)]`` of an operator at concrete sizes, from its index map alone.

    The default exact matrix of an operator without a fast path, and the reference the
    fast paths are checked against. Entries of equal position are not yet summed.

    Examples
    --------
    >>> from symconv.operators import NearestUpsample
    >>> derived_entries(NearestUpsample(2, 2))
    [(0, 0, 1), (1, 0, 1), (2, 1, 1), (3, 1, 1)]
    """
    known = _DERIVED.get(expr)
    if known is None:
        _concrete(expr)
        row_dims, col_dims = ([int(d) for d in dims] for dims in expr.index_dims)
        known = []
        for r, index in enumerate(itertools.product(*map(range, row_dims))):
            for value, column in evaluate(expr, index):
                known.append((r, int(flat_index(column, col_dims)), value))
        if len(_DERIVED) >= 64:
            _DERIVED.clear()
        _DERIVED[expr] = known
    return known


_DERIVED: dict[object, list[tuple[int, int, sp.Expr]]] = {}


def _fast(expr: object) -> bool:
    """Whether the operator has a fast exact builder here (else its index map is used)."""
    return _sparse.dispatch(type(expr)) is not _sparse.dispatch(object) or (
        _pattern.dispatch(type(expr)) is not _pattern.dispatch(object)
    )


def _scalars(expr: object) -> Iterable[sp.Expr]:
    """Every scalar an expression's matrix may contain (taps, coefficients, entries)."""
    if isinstance(expr, Operator) and not _fast(expr):
        yield from (value for _, _, value in derived_entries(expr))
    elif isinstance(expr, sp.MatrixBase):
        yield from (v for v in expr.values())
    elif hasattr(expr, "kernel"):
        # A kernel of symbolic length (symconv.kernels.KernelFamily) lists its taps once
        # its length is concrete; a plain kernel is the tuple of its taps.
        kernel = expr.kernel
        yield from kernel.taps() if hasattr(kernel, "taps") else kernel
    elif isinstance(expr, sp.MatrixExpr):
        for arg in expr.args:
            if isinstance(arg, (sp.MatrixExpr, sp.MatrixBase)):
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
    values = tuple(dict.fromkeys(v for e in exprs for v in _scalars(e)))
    if not values:
        return ZZ
    # The proofs ask for the same few domains thousands of times; building one is slow.
    K = _DOMAINS.get(values)
    if K is None:
        if len(_DOMAINS) >= 1024:
            _DOMAINS.clear()
        K = _DOMAINS[values] = construct_domain(list(values))[0]
    return K


_DOMAINS: dict[tuple[sp.Expr, ...], Domain] = {}


#: Concrete shapes already computed, by expression (an operator's shape is SymPy size
#: arithmetic, recomputed on every access; the proofs ask tens of thousands of times).
_SHAPES: dict[object, tuple[int, int]] = {}


def _concrete(expr: sp.MatrixExpr) -> tuple[int, int]:
    known = _SHAPES.get(expr)
    if known is not None:
        return known
    if isinstance(expr, sp.MatMul):  # from the factors' (cached) shapes, not SymPy's arithmetic
        factors = expr.as_coeff_matrices()[1]
        return _concrete(factors[0])[0], _concrete(factors[-1])[1]
    if isinstance(expr, sp.Transpose):
        return _concrete(expr.arg)[::-1]
    if isinstance(expr, sp.MatPow):
        return _concrete(expr.base)
    rows, cols = expr.shape
    if not (sp.sympify(rows).is_Integer and sp.sympify(cols).is_Integer):
        raise ParameterError(
            "expr",
            expr,
            f"concrete sizes for an explicit matrix, but the shape is ({rows}, {cols}); "
            "substitute values first, e.g. expr.subs(n, 8)",
        )
    limits.require("size", max(int(rows), int(cols)), f"the matrix of a {type(expr).__name__}")
    if len(_SHAPES) >= 8192:
        _SHAPES.clear()
    known = _SHAPES[expr] = int(rows), int(cols)
    return known


def _require_concrete(expr: object) -> None:
    """Check every matrix in the tree has concrete sizes, before any builder runs."""
    if isinstance(expr, sp.MatrixExpr) and not isinstance(expr, sp.MatrixBase):
        _concrete(expr)
        for arg in expr.args:
            _require_concrete(arg)


#: ``(value, rows, cols)``: the scalar ``value`` at every position (rows[p], cols[p]).
Pattern = list[tuple[object, np.ndarray, np.ndarray]]


def _taps(kernel: sp.Tuple, K: Domain) -> list[tuple[int, object]]:
    """(t, q_t) for the non-zero taps, in the domain (sparse formats store no zeros)."""
    known = _TAPS.get((kernel, K))
    if known is None:
        converted = ((t, K.from_sympy(tap)) for t, tap in enumerate(kernel))
        known = [(t, v) for t, v in converted if not K.is_zero(v)]
        if len(_TAPS) >= 1024:
            _TAPS.clear()
        _TAPS[kernel, K] = known
    return known


#: Kernels already converted into a domain (``from_sympy`` is slow; kernels repeat).
_TAPS: dict[tuple[sp.Tuple, Domain], list[tuple[int, object]]] = {}


def _band(rows: int, cols: int, offset: int, step: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i, i·step + offset) inside a rows × cols matrix."""
    i = np.arange(rows, dtype=np.int64)
    j = i * step + offset
    keep = (j >= 0) & (j < cols)
    return i[keep], j[keep]


@singledispatch
def _pattern(expr: object, K: Domain) -> Pattern | None:
    """The non-zeros of a core operator as a :data:`Pattern`; None for other expressions."""
    return None


@_pattern.register
def _(expr: Downsample, K: Domain) -> Pattern:
    rows, cols = _concrete(expr)
    return [(K.one, *_band(rows, cols, 0, int(expr.k)))]


@_pattern.register
def _(expr: Upsample, K: Domain) -> Pattern:
    rows, cols = _concrete(expr)
    j, i = _band(cols, rows, 0, int(expr.k))
    return [(K.one, i, j)]


@_pattern.register
def _(expr: Pad, K: Domain) -> Pattern:
    rows, cols = _concrete(expr)
    j, i = _band(cols, rows, int(expr.lo))
    return [(K.one, i, j)]


@_pattern.register
def _(expr: Crop, K: Domain) -> Pattern:
    rows, cols = _concrete(expr)
    return [(K.one, *_band(rows, cols, int(expr.lo)))]


@_pattern.register
def _(expr: Flip, K: Domain) -> Pattern:
    n, _ = _concrete(expr)
    i = np.arange(n, dtype=np.int64)
    return [(K.one, i, n - 1 - i)]


@_pattern.register
def _(expr: sp.Identity, K: Domain) -> Pattern:
    n, _ = _concrete(expr)
    i = np.arange(n, dtype=np.int64)
    return [(K.one, i, i)]


@_pattern.register
def _(expr: sp.ZeroMatrix, K: Domain) -> Pattern:
    _concrete(expr)
    return []


@_pattern.register
def _(expr: Conv, K: Domain) -> Pattern:
    # Entry (i, j) = q_{i + start − j}: tap t sits on the band j = i + start − t.
    rows, cols = _concrete(expr)
    start = int(expr.crop[0])
    return [(v, *_band(rows, cols, start - t)) for t, v in _taps(expr.kernel, K)]


def _corr_pattern(expr: Corr | ConvTranspose, rows: int, cols: int, K: Domain) -> Pattern:
    """y_i = Σ_t q_t x_{i·s + t·d − lo}: tap t on the band j = i·s + t·d − lo."""
    s, d, lo = int(expr.stride), int(expr.dilation), int(expr.padding[0])
    return [(v, *_band(rows, cols, t * d - lo, s)) for t, v in _taps(expr.kernel, K)]


@_pattern.register
def _(expr: Corr, K: Domain) -> Pattern:
    return _corr_pattern(expr, *_concrete(expr), K)


@_pattern.register
def _(expr: ConvTranspose, K: Domain) -> Pattern:
    n_out, n_in = _concrete(expr)
    return [(v, j, i) for v, i, j in _corr_pattern(expr, n_in, n_out, K)]


def _layer_pattern(
    expr: CorrNd | ConvTransposeNd, n_in: tuple[int, ...], n_out: tuple[int, ...], K: Domain
) -> Pattern:
    """The forward N-D correlation from grid ``n_in`` to ``n_out`` (channel-major, row-major).

    Output (o, i) reads input (c, i·s + t·d − lo) for tap t, per axis: for each tap, one
    band of positions shared by every (o, c) pair of a group, with value w[o, c, t].
    """
    # Python ints: the weight's shape holds SymPy Integers, slow in index arithmetic.
    c_out, _, c_out_g, c_in_g = map(int, _layer_shape(expr.weight, expr.groups))
    stride = np.array([int(s) for s in expr.stride])
    dilation = np.array([int(d) for d in expr.dilation])
    lows = np.array([int(p[0]) for p in expr.padding])
    grid = np.indices(n_out).reshape(len(n_out), -1).T  # every output position
    out_flat = np.ravel_multi_index(grid.T, n_out)
    p_out, p_in = int(np.prod(n_out)), int(np.prod(n_in))
    pattern: Pattern = []
    for taps in itertools.product(*map(range, expr.kernel_size)):
        source = grid * stride + np.array(taps) * dilation - lows
        inside = np.all((source >= 0) & (source < np.array(n_in)), axis=1)
        if not inside.any():
            continue
        rows = out_flat[inside]
        cols = np.ravel_multi_index(source[inside].T, n_in)
        for o in range(c_out):
            first = (o // c_out_g) * c_in_g  # the first input channel of o's group
            for c in range(first, first + c_in_g):
                value = K.from_sympy(expr.weight[(o, c - first, *taps)])
                if not K.is_zero(value):
                    pattern.append((value, o * p_out + rows, c * p_in + cols))
    return pattern


def _grid(sizes: tuple, expr: sp.MatrixExpr) -> tuple[int, ...]:
    _concrete(expr)  # a clear error for symbolic sizes
    return tuple(int(n) for n in sizes)


@_pattern.register
def _(expr: CorrNd, K: Domain) -> Pattern:
    return _layer_pattern(expr, _grid(expr.size, expr), _grid(expr.output_size, expr), K)


@_pattern.register
def _(expr: ConvTransposeNd, K: Domain) -> Pattern:
    # The forward correlation maps the transposed layer's output back to its input.
    n_in, n_out = _grid(expr.size, expr), _grid(expr.output_size, expr)
    return [(v, j, i) for v, i, j in _layer_pattern(expr, n_out, n_in, K)]


@_pattern.register
def _(expr: Permute, K: Domain) -> Pattern:
    # One gather instead of the index map's per-entry SymPy evaluation: for 4096 entries
    # about 3 ms against 80 ms.
    dims = _grid(expr.dims, expr)
    source = np.arange(int(np.prod(dims))).reshape(dims).transpose(expr.axes).ravel()
    return [(K.one, np.arange(len(source), dtype=np.int64), source.astype(np.int64))]


# -- the DomainMatrix path: any domain, one Python object per entry -------------


@singledispatch
def _sparse(expr: object, K: Domain) -> DomainMatrix:
    pattern = _pattern(expr, K)
    if pattern is not None:
        rows: Rows = {}
        for value, i, j in pattern:
            for r, c in zip(i.tolist(), j.tolist()):
                row = rows.setdefault(r, {})
                row[c] = row[c] + value if c in row else value
        return DomainMatrix(rows, _concrete(expr), K, fmt="sparse")
    if isinstance(expr, Operator):
        rows: Rows = {}
        for r, c, value in derived_entries(expr):
            row = rows.setdefault(r, {})
            converted = K.from_sympy(value)
            row[c] = row[c] + converted if c in row else converted
        return DomainMatrix(rows, _concrete(expr), K, fmt="sparse")
    if isinstance(expr, sp.MatrixSymbol):
        raise ParameterError("expr", expr, "an expression of symconv operators, not a MatrixSymbol")
    raise ParameterError("expr", expr, "an expression built from symconv operators and matrices")


@_sparse.register
def _(expr: sp.MatrixBase, K: Domain) -> DomainMatrix:
    out: Rows = {}
    for (i, j), value in expr.todok().items():
        converted = K.from_sympy(value)
        if not K.is_zero(converted):
            out.setdefault(i, {})[j] = converted
    return DomainMatrix(out, _concrete(expr), K, fmt="sparse")


@_sparse.register
def _(expr: sp.Transpose, K: Domain) -> DomainMatrix:
    return _sparse(expr.arg, K).transpose()


@_sparse.register
def _(expr: sp.MatMul, K: Domain) -> DomainMatrix:
    coeff, factors = expr.as_coeff_matrices()
    result = _sparse(factors[-1], K)
    for factor in reversed(factors[:-1]):
        result = _sparse(factor, K).matmul(result)
    return result if coeff == 1 else result * K.from_sympy(coeff)


@_sparse.register
def _(expr: sp.MatPow, K: Domain) -> DomainMatrix:
    return _sparse(sp.MatMul(*expand_power(expr)), K)


@_sparse.register
def _(expr: sp.MatAdd, K: Domain) -> DomainMatrix:
    terms = [_sparse(arg, K) for arg in expr.args]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


@_sparse.register
def _(expr: sp.KroneckerProduct, K: Domain) -> DomainMatrix:
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


# -- the fast path: ZZ[taps] as one SciPy integer matrix per monomial -----------


def _fold(expr: object, K: Domain, leaf: Callable[[object, Domain], Matrix]) -> Matrix:
    """Combine the matrices ``leaf`` builds for the operators of ``expr`` along its tree.

    The fast representations (:class:`PolyMatrix`, :class:`DensePolyMatrix`)
    share the operations transpose, ``@``, ``+``, ``scale`` and ``kron``, so
    one walk serves both; only how an operator becomes a matrix differs.
    """
    if isinstance(expr, sp.Transpose):
        return _fold(expr.arg, K, leaf).transpose()
    if isinstance(expr, sp.MatMul):
        coeff, factors = expr.as_coeff_matrices()
        result = _fold(factors[-1], K, leaf)
        for factor in reversed(factors[:-1]):
            result = _fold(factor, K, leaf) @ result
        return result if coeff == 1 else result.scale(K.from_sympy(coeff), K)
    if isinstance(expr, sp.MatPow):
        return _fold(sp.MatMul(*expand_power(expr)), K, leaf)
    if isinstance(expr, sp.MatAdd):
        terms = [_fold(arg, K, leaf) for arg in expr.args]
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        return total
    if isinstance(expr, sp.KroneckerProduct):
        result = _fold(expr.args[0], K, leaf)
        for factor in expr.args[1:]:
            result = result.kron(_fold(factor, K, leaf))
        return result
    return leaf(expr, K)


# -- the fast path: ZZ[taps] as one SciPy integer matrix per monomial -----------


def _poly_leaf(expr: object, K: Domain) -> PolyMatrix:
    pattern = _pattern(expr, K)
    if pattern is not None:
        return PolyMatrix.from_pattern(_concrete(expr), pattern, K)
    # An operator without a fast pattern (built from its index map), or an explicit matrix.
    return PolyMatrix.from_domain_matrix(_sparse(expr, K))


def _poly(expr: object, K: Domain) -> PolyMatrix:
    return _fold(expr, K, _poly_leaf)


# -- the small path: ZZ[taps] as one dense array per monomial -------------------

#: Dense forms of operators already built, by (operator, domain): the exhaustive tier
#: meets the same ↑ₛ, pads and kernels in many instances. Operators are immutable, and
#: so are the cached matrices (every operation returns a new one).
_DENSE_CACHE: dict[tuple[object, Domain], DensePolyMatrix] = {}
_DENSE_CACHE_SIZE = 4096


def _dense_leaf(expr: object, K: Domain) -> DensePolyMatrix:
    key = (expr, K)
    cached = _DENSE_CACHE.get(key)
    if cached is not None:
        return cached
    pattern = _pattern(expr, K)
    if pattern is not None:
        result = DensePolyMatrix.from_pattern(_concrete(expr), pattern, K)
    else:
        # An operator without a fast pattern (built from its index map), or an explicit matrix.
        dm = _sparse(expr, K)
        rows = dm.rep.to_dod()
        result = DensePolyMatrix.from_entries(
            dm.shape, ((i, j, v) for i, row in rows.items() for j, v in row.items()), K
        )
    if len(_DENSE_CACHE) >= _DENSE_CACHE_SIZE:
        _DENSE_CACHE.clear()
    _DENSE_CACHE[key] = result
    return result


def _dense(expr: object, K: Domain) -> DensePolyMatrix:
    return _fold(expr, K, _dense_leaf)


def _densematrix(expr: sp.MatrixExpr, K: Domain) -> DensePolyMatrix | None:
    """The small dense form of ``expr`` over ``K``, or None when it is too large for it."""
    if not supports(K):
        return None
    try:
        return _dense(expr, K)
    except (CoefficientOverflowError, TooLargeError):
        return None


def _polymatrix(expr: sp.MatrixExpr, K: Domain) -> PolyMatrix | None:
    """The fast form of ``expr`` over ``K``, or None when only the DomainMatrix path can."""
    if not supports(K):
        return None
    try:
        return _poly(expr, K)
    except CoefficientOverflowError:
        return None


def sparse_matrix(expr: sp.MatrixExpr, domain: Domain | None = None) -> DomainMatrix:
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
    K = domain_of(expr) if domain is None else domain
    fast = _densematrix(expr, K) or _polymatrix(expr, K)
    return _sparse(expr, K) if fast is None else fast.to_domain_matrix(K)


def _entry_of(
    matrix: DensePolyMatrix | PolyMatrix | DomainMatrix, i: int, j: int, K: Domain
) -> sp.Expr:
    if isinstance(matrix, DomainMatrix):
        return K.to_sympy(matrix.rep.to_dod().get(i, {}).get(j, K.zero))
    return _to_sympy(matrix.entry(i, j), K)


def _to_sympy(terms: dict[tuple[int, ...], int], K: Domain) -> sp.Expr:
    symbols = K.symbols if K.is_PolynomialRing else ()
    return sp.Add(
        *(
            sp.Integer(c) * sp.Mul(*(s**e for s, e in zip(symbols, m) if e))
            for m, c in terms.items()
        )
    )


def first_difference(
    a: sp.MatrixExpr, b: sp.MatrixExpr
) -> tuple[int, int, sp.Expr, sp.Expr] | None:
    """Where the exact matrices of ``a`` and ``b`` first differ, or None when they are equal.

    Exact and canonical (polynomial arithmetic in the kernel taps), computed
    in O(non-zeros) through compiled sparse products, without building a
    SymPy expression per entry.

    Parameters
    ----------
    a, b : matrix expression
        As for :func:`sparse_matrix`, with equal concrete shapes.

    Returns
    -------
    tuple or None
        ``(i, j, a_ij, b_ij)`` for the first differing entry in row-major
        order (a counterexample), or None.

    Raises
    ------
    ShapeMismatchError
        When the shapes differ (then no entry can be compared).

    Examples
    --------
    >>> from symconv import Conv, Corr, kernel
    >>> q = kernel("q", 2)
    >>> first_difference(Conv(q, 3).T, Corr(q, 4)) is None
    True
    >>> first_difference(Conv(q, 3, "valid"), Corr(q, 3))
    (0, 0, q_1, q_0)
    """
    _require_concrete(a), _require_concrete(b)
    shapes = _concrete(a), _concrete(b)
    if shapes[0] != shapes[1]:
        raise ShapeMismatchError(
            f"cannot compare {a} of shape {shapes[0]} with {b} of shape {shapes[1]}"
        )
    return difference_in(a, b, domain_of(a, b))


def difference_in(
    a: sp.MatrixExpr, b: sp.MatrixExpr, K: Domain
) -> tuple[int, int, sp.Expr, sp.Expr] | None:
    """:func:`first_difference` of two concrete expressions of equal shape, computed over ``K``.

    ``K`` must hold every entry of both (e.g. :func:`domain_of` ``(a, b)``, or a larger
    polynomial ring shared by many comparisons). Small matrices are compared as dense
    stacks (:mod:`symconv._densepoly`), larger ones as sparse integer matrices per
    monomial, and anything else (other domains, coefficients beyond int64) as
    ``DomainMatrix``; all three are exact and find the same first entry.
    """
    left: DensePolyMatrix | PolyMatrix | DomainMatrix | None = _densematrix(a, K)
    right = _densematrix(b, K) if left is not None else None
    if left is None or right is None:
        left, right = _polymatrix(a, K), _polymatrix(b, K)
    if left is not None and right is not None:
        at = left.difference(right)
    else:
        left, right = _sparse(a, K), _sparse(b, K)
        delta = (left - right).rep.to_dod()
        cells = [(i, j) for i, row in delta.items() for j, v in row.items() if not K.is_zero(v)]
        at = min(cells) if cells else None
    if at is None:
        return None
    return (*at, _entry_of(left, *at, K), _entry_of(right, *at, K))


def differing_entries(
    a: sp.MatrixExpr, b: sp.MatrixExpr, K: Domain
) -> Iterator[tuple[int, int, sp.Expr, sp.Expr]]:
    """Every entry where ``a`` and ``b`` differ *as elements of* ``K``, in row-major order.

    For a domain whose generators are not independent (``ZZ[sin(t), cos(t)]``),
    entries that differ here may still be equal numbers: the caller decides each one
    (:func:`symconv.proof.counterexample.first_difference`).

    Examples
    --------
    >>> import sympy as sp
    >>> from symconv import Conv
    >>> t = sp.Symbol("t")
    >>> a, b = Conv((sp.sin(t) ** 2 + sp.cos(t) ** 2,), 2), Conv((1,), 2)
    >>> list(differing_entries(a, b, domain_of(a, b)))
    [(0, 0, sin(t)**2 + cos(t)**2, 1), (1, 1, sin(t)**2 + cos(t)**2, 1)]
    """
    left, right = _sparse(a, K).rep.to_dod(), _sparse(b, K).rep.to_dod()
    cells = {(i, j) for rows in (left, right) for i, row in rows.items() for j in row}
    for i, j in sorted(cells):
        x, y = left.get(i, {}).get(j, K.zero), right.get(i, {}).get(j, K.zero)
        if x != y:
            yield i, j, K.to_sympy(x), K.to_sympy(y)


def same_matrix(a: sp.MatrixExpr, b: sp.MatrixExpr) -> bool:
    """Whether ``a`` and ``b`` have the same shape and exactly the same matrix.

    Examples
    --------
    >>> from symconv import Downsample, Upsample
    >>> same_matrix(Downsample(5, 2).T, Upsample(3, 2, length=5))
    True
    >>> same_matrix(Downsample(4, 2).T, Upsample(2, 2, length=3))
    False
    """
    if _concrete(a) != _concrete(b):
        return False
    return first_difference(a, b) is None


def explicit(expr: sp.MatrixExpr) -> sp.SparseMatrix:
    """The exact explicit matrix of an operator expression, as a sparse SymPy matrix.

    Kernel taps stay symbolic; the result compares with ``==`` against any
    SymPy matrix.

    Returns
    -------
    sympy.SparseMatrix
        A mutable SymPy sparse matrix, built straight from the exact sparse
        representation (integer entries stay in SymPy's own integer domain; each
        distinct polynomial in the taps is converted once). Cost is linear in the
        number of non-zeros, not in rows × columns: 10⁵ non-zeros take a fraction of
        a second. ``.as_immutable()`` gives an ``ImmutableSparseMatrix`` (hashable,
        usable inside matrix expressions), which SymPy builds in O(nnz log nnz) at
        several microseconds per entry.

    Examples
    --------
    >>> from symconv import Downsample
    >>> explicit(Downsample(4, 2))
    Matrix([
    [1, 0, 0, 0],
    [0, 0, 1, 0]])

    An N-D layer's rows and columns are its channel-major, row-major multi-indices:

    >>> from symconv import CorrNd
    >>> explicit(CorrNd([[[1, 2]], [[3, 4]]], 3))
    Matrix([
    [1, 2, 0],
    [0, 1, 2],
    [3, 4, 0],
    [0, 3, 4]])

    ``A @ A`` is SymPy's ``MatPow``, read as the product:

    >>> from symconv import Flip
    >>> explicit(Flip(2) @ Flip(2))
    Matrix([
    [1, 0],
    [0, 1]])
    """
    _require_concrete(expr)
    K = domain_of(expr)
    fast = _polymatrix(expr, K)
    dm = _sparse(expr, K) if fast is None else None
    nonzeros = dm.nnz() if fast is None else sum(m.nnz for m in fast.terms.values())
    limits.require("nonzeros", nonzeros, f"explicit() of a {_concrete(expr)} matrix")
    if fast is None:
        if K.is_ZZ:  # SymPy keeps integer matrices in ZZ itself: no conversion at all
            return sp.SparseMatrix._fromrep(dm.to_sparse())
        convert = _cached(K.to_sympy)
        rows = {i: {j: convert(v) for j, v in row.items()} for i, row in dm.rep.to_dod().items()}
        return _sparse_sympy(rows, dm.shape)
    if K.is_ZZ:  # one monomial, the constant: the integer matrix itself
        (matrix,) = fast.terms.values() if fast.terms else (None,)
        rows: dict[int, dict[int, object]] = {}
        if matrix is not None:
            coo = matrix.tocoo()
            for i, j, c in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist()):
                if c:
                    rows.setdefault(i, {})[j] = ZZ(c)
        return sp.SparseMatrix._fromrep(DomainMatrix(rows, fast.shape, ZZ, fmt="sparse"))
    cells: dict[tuple[int, int], dict[tuple[int, ...], int]] = {}
    for monomial, matrix in fast.terms.items():
        coo = matrix.tocoo()
        for i, j, c in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist()):
            cells.setdefault((i, j), {})[monomial] = c
    # Entries repeat (a kernel has few taps): convert each distinct polynomial once.
    convert = _cached(lambda terms: _to_sympy(dict(terms), K))
    rows = {}
    for (i, j), terms in cells.items():
        rows.setdefault(i, {})[j] = convert(tuple(sorted(terms.items())))
    return _sparse_sympy(rows, fast.shape)


def _cached(convert: Callable) -> Callable:
    """``convert`` remembering its results (its arguments are hashable)."""
    seen: dict = {}

    def cached(value: object) -> object:
        if value not in seen:
            seen[value] = convert(value)
        return seen[value]

    return cached


def _sparse_sympy(rows: dict[int, dict[int, sp.Expr]], shape: tuple[int, int]) -> sp.SparseMatrix:
    """A SymPy sparse matrix of SymPy expressions, without SymPy's per-entry checks."""
    rows = {i: {j: v for j, v in row.items() if v != 0} for i, row in rows.items()}
    return sp.SparseMatrix._fromrep(DomainMatrix(rows, shape, EXRAW, fmt="sparse"))
