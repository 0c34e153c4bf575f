"""The reference oracle: every operator applied to a block of vectors, matrix-free.

The numeric tier checks identities against this package, and the tests check
symconv's operators against it, so its references are written like JAX's
``lax_reference.py``: small NumPy code read directly off the index formulas of
the conventions (0-indexed, row-major, channel-major), sharing no code with
``symconv.operators``, :mod:`symconv.matrices`, :mod:`symconv.numeric`,
:mod:`symconv.sizes` or :mod:`symconv.framework_padding`.

Two layers:

- :mod:`symconv.proof.oracle.functions`: one NumPy function per operator on plain
  arrays and integers (``downsample(x, k)``, ``corr(q, x, lo, hi, stride,
  dilation)``, ``avg_pool``, …), re-exported here under the same names;
- this module: :data:`REFERENCES`, which reads an operator through its constructor
  arguments (``op.args``) into those functions: its shape, its action ``A x`` (the
  function) and its transpose's action ``Aᵀ y`` (the function's mirrored scatter, e.g.
  :func:`~symconv.proof.oracle.functions.upsample` for
  :func:`~symconv.proof.oracle.functions.downsample`, never a transposed matrix); and
  :func:`apply`, :func:`adjoint`, :func:`shape`, :func:`dense` on whole expressions.

Nothing is materialised: applying ``A`` costs about as much as ``A`` has
non-zeros, so a 64×64 image or a length-8192 signal takes milliseconds.

:data:`REFERENCES` names every operator class of the package, keyed by the class
itself (the classes are keys only: none of their code runs here). An operator class
without an entry (a new one, or a user's own) is read through its index map instead,
evaluated at each row by :func:`symconv.operators.index_map.evaluate` (SymPy, once
per operator: slower than the NumPy references) and applied as a gather, so a new
operator needs no edit here. That reading is independent of the operator's fast paths
and of SymPy's matrix algebra, but not of its index map: for such a class the numeric
tier checks an identity under the meaning the index map states, and the generic tests
(the operator against an independent loop) check that meaning.

Examples
--------
>>> import numpy as np
>>> from symconv import Conv, Upsample
>>> expr = Conv((1, 2), 3, "full") @ Upsample(2, 2, length=3)
>>> shape(expr)
(4, 2)
>>> apply(expr, np.array([[1.0], [10.0]]), {}).ravel()
array([ 1.,  2., 10., 20.])
>>> adjoint(expr, np.array([[1.0], [0.0], [0.0], [1.0]]), {}).ravel()
array([1., 2.])
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp
from sympy.matrices.expressions import (
    Identity,
    KroneckerProduct,
    MatAdd,
    MatMul,
    MatPow,
    OneMatrix,
    Transpose,
    ZeroMatrix,
)

from symconv import limits
from symconv import operators as ops
from symconv.errors import ParameterError
from symconv.operators.index_map import evaluate
from symconv.proof.oracle import functions as fn
from symconv.proof.oracle.functions import *  # noqa: F403  (the functions, by their names)

__all__ = ["REFERENCES", "Reference", "adjoint", "apply", "dense", "shape", *fn.__all__]

#: Values of the kernel taps (and any other scalar symbols) of an expression.
Values = Mapping[sp.Symbol, float]
#: Shape (rows, cols) of an operator.
Shape = tuple[int, int]


# --- reading an operator's arguments ---------------------------------------------------


def _int(value: object) -> int:
    value = sp.sympify(value)
    if not value.is_Integer:
        raise ParameterError("size", value, "a concrete integer (substitute symbolic sizes first)")
    return int(value)


def _ints(values: object) -> tuple[int, ...]:
    return tuple(map(_int, values))


def _pairs(values: object) -> tuple[tuple[int, int], ...]:
    return tuple((_int(lo), _int(hi)) for lo, hi in values)


def _fraction(value: object) -> Fraction:
    value = sp.Rational(value)
    return Fraction(int(value.p), int(value.q))


def _number(value: object, values: Values | None) -> float:
    if values is None:  # only the shape is wanted: any number will do
        return 1.0
    # A tap is almost always a symbol or a number: look it up rather than ``subs``.
    if value in values:
        return float(values[value])
    value = sp.sympify(value)
    if value.is_Number:
        return float(value)
    known = {s: sp.Float(values[s]) for s in value.free_symbols if s in values}
    result = value.xreplace(known)
    try:
        return float(result)
    except TypeError:
        missing = sorted(str(s) for s in result.free_symbols)
        raise ParameterError("values", missing, f"a value for every symbol of {value}") from None


def _taps(kernel: object, values: Values | None) -> np.ndarray:
    return np.array([_number(t, values) for t in kernel])


def _weight(array: object, values: Values | None) -> np.ndarray:
    """A SymPy N-D array of taps as a float array of the same shape."""
    dims = tuple(int(d) for d in array.shape)
    entries = [_number(array[index], values) for index in itertools.product(*map(range, dims))]
    return np.array(entries).reshape(dims)


def _n_k(op: object) -> tuple[int, int]:
    return _int(op.args[0]), _int(op.args[1])


def _n_lo_hi(op: object) -> tuple[int, int, int]:
    return _ints(op.args[:3])


# --- the references ------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """How the oracle reads one operator class: its shape, ``A x`` and ``Aᵀ y``.

    ``apply`` and ``adjoint`` take the operator, a block of vectors (one per
    column, shape (cols, trials) resp. (rows, trials)) and the tap values.
    """

    shape: Callable[[object], Shape]
    apply: Callable[[object, np.ndarray, Values], np.ndarray]
    adjoint: Callable[[object, np.ndarray, Values], np.ndarray]


def _untapped(
    shape_of: Callable[[object], Shape],
    forward: Callable[[object, np.ndarray], np.ndarray],
    backward: Callable[[object, np.ndarray], np.ndarray],
) -> Reference:
    """The reference of an operator without taps: ``forward(op, x)``, ``backward(op, y)``."""
    return Reference(shape_of, lambda op, x, v: forward(op, x), lambda op, y, v: backward(op, y))


@dataclass(frozen=True)
class _Layer:
    """A correlation layer (the 1-D ``Corr`` as N = 1) on inputs of spatial ``size``."""

    weight: np.ndarray  # (C_out, C_in/groups, k_1, …, k_N)
    size: tuple[int, ...]
    pads: tuple[tuple[int, int], ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    groups: int

    @property
    def out(self) -> tuple[int, ...]:
        return tuple(
            fn.corr_length(n, k, lo, hi, s, d)
            for n, k, (lo, hi), s, d in zip(
                self.size, self.weight.shape[2:], self.pads, self.stride, self.dilation
            )
        )

    @property
    def shape(self) -> Shape:
        c_out, c_in = self.weight.shape[0], self.weight.shape[1] * self.groups
        return c_out * int(np.prod(self.out)), c_in * int(np.prod(self.size))

    def correlate(self, x: np.ndarray) -> np.ndarray:
        """A x: :func:`corr_nd` on the block x of shape (C_in·Π n, T)."""
        image = x.reshape(self.weight.shape[1] * self.groups, *self.size, x.shape[-1])
        y = fn.corr_nd(self.weight, image, self.pads, self.stride, self.dilation, self.groups)
        return y.reshape(-1, x.shape[-1])

    def scatter(self, y: np.ndarray) -> np.ndarray:
        """Aᵀ y: :func:`conv_transpose_nd` with the output padding that gives back ``size``."""
        extra = tuple(
            (n + lo + hi - d * (k - 1) - 1) % s
            for n, k, (lo, hi), s, d in zip(
                self.size, self.weight.shape[2:], self.pads, self.stride, self.dilation
            )
        )
        image = y.reshape(self.weight.shape[0], *self.out, y.shape[-1])
        layer = (self.pads, self.stride, self.dilation, extra, self.groups)
        return fn.conv_transpose_nd(self.weight, image, *layer).reshape(-1, y.shape[-1])


def _corr_layer(op: object, values: Values | None) -> _Layer:
    """Corr(q, n, (lo, hi), s, d) or CorrNd(w, size, pads, stride, dilation, groups)."""
    if isinstance(op, ops.Corr):
        q, n, pads, s, d = op.args
        return _Layer(_taps(q, values).reshape(1, 1, -1), (_int(n),), _pairs([pads]),
                      (_int(s),), (_int(d),), 1)  # fmt: skip
    weight, size, pads, stride, dilation, groups = op.args
    return _Layer(_weight(weight, values), _ints(size), _pairs(pads), _ints(stride),
                  _ints(dilation), _int(groups))  # fmt: skip


def _transposed_layer(op: object, values: Values | None) -> _Layer:
    """The correlation a ConvTranspose(Nd) is the transpose of: the same weight on its output."""
    if isinstance(op, ops.ConvTranspose):
        q, n, pads, s, d, a = op.args
        weight, size, pads, stride, dilation, extra, groups = (
            _taps(q, values).reshape(1, 1, -1), (n,), [pads], (s,), (d,), (a,), 1
        )  # fmt: skip
    else:
        weight, size, pads, stride, dilation, extra, groups = op.args
        weight = _weight(weight, values)
    pads, stride, dilation = _pairs(pads), _ints(stride), _ints(dilation)
    out = tuple(
        fn.transposed_length(n, k, lo, hi, s, d, a)
        for n, k, (lo, hi), s, d, a in zip(
            _ints(size), weight.shape[2:], pads, stride, dilation, _ints(extra)
        )
    )
    return _Layer(weight, out, pads, stride, dilation, _int(groups))


def _layer_reference(
    build: Callable[[object, Values | None], _Layer], transposed: bool
) -> Reference:
    """A correlation layer, or (``transposed``) the transpose of its forward layer."""
    forward = lambda op, x, v: build(op, v).correlate(x)  # noqa: E731
    backward = lambda op, y, v: build(op, v).scatter(y)  # noqa: E731

    def shape_of(op: object) -> Shape:
        rows, cols = build(op, None).shape  # the taps play no part in the shape
        return (cols, rows) if transposed else (rows, cols)

    if transposed:
        return Reference(shape_of, backward, forward)
    return Reference(shape_of, forward, backward)


def _conv_reference() -> Reference:
    """Conv(q, n, mode): ``numpy.convolve``'s rows; the adjoint correlates the placed rows."""

    def shape_of(op: object) -> Shape:
        n = _int(op.args[1])
        return fn.conv_window(n, len(op.args[0]), op.args[2].name)[1], n

    def forward(op: object, x: np.ndarray, values: Values) -> np.ndarray:
        return fn.conv(_taps(op.args[0], values), x, op.args[2].name)

    def backward(op: object, y: np.ndarray, values: Values) -> np.ndarray:
        # x_j = Σ_t q_t full_{j+t} with y at its rows of the full result, zeros elsewhere.
        q, n = _taps(op.args[0], values), _int(op.args[1])
        start, length = fn.conv_window(n, len(q), op.args[2].name)
        return fn.corr(q, y, start, n + len(q) - 1 - start - length)

    return Reference(shape_of, forward, backward)


def _phase_sum_args(op: object, values: Values | None) -> tuple[np.ndarray, int, int]:
    """(taps, n, s) of a 1-D PhaseSum(kernel family, (n,), (s,))."""
    if len(op.args[1]) != 1 or not hasattr(op.args[0], "taps"):
        raise ParameterError("op", op, "a 1-D PhaseSum (one axis, a kernel family)")
    return _taps(op.args[0].taps(), values), _int(op.args[1][0]), _int(op.args[2][0])


def _phase_sum_transpose(q: np.ndarray, y: np.ndarray, n: int, s: int) -> np.ndarray:
    """The mirror of :func:`phase_sum`: phase v read back from rows v + s·j, correlated."""
    out = np.zeros((n, *y.shape[1:]))
    for v in range(min(s, len(q))):
        phase = q[v::s]
        out += fn.corr(phase, y[v::s][: n + len(phase) - 1], 0, 0)
    return out


def _phase_sum_reference() -> Reference:
    def shape_of(op: object) -> Shape:
        q, n, s = _phase_sum_args(op, None)
        return s * (n - 1) + len(q), n

    def forward(op: object, x: np.ndarray, values: Values) -> np.ndarray:
        q, _, s = _phase_sum_args(op, values)
        return fn.phase_sum(q, x, s)

    def backward(op: object, y: np.ndarray, values: Values) -> np.ndarray:
        q, n, s = _phase_sum_args(op, values)
        return _phase_sum_transpose(q, y, n, s)

    return Reference(shape_of, forward, backward)


def _unpermute(permutation: Callable[[np.ndarray], np.ndarray], y: np.ndarray) -> np.ndarray:
    """Pᵀ y for a permutation P (a function): each y_i put back at the source P reads."""
    sources = permutation(np.arange(len(y))).astype(int)
    out = np.empty_like(y)
    out[sources] = y
    return out


def _permutation_reference(
    size: Callable[[object], int], permutation: Callable[[object, np.ndarray], np.ndarray]
) -> Reference:
    """A permutation ``permutation(op, x)`` of ``size(op)`` entries; its transpose unpermutes."""
    return _untapped(
        lambda op: (size(op), size(op)),
        permutation,
        lambda op, y: _unpermute(lambda x: permutation(op, x), y),
    )


def _shuffle_args(op: object) -> tuple[tuple[int, ...], int, int]:
    """(size, r, c) of PixelShuffle(size, r, c), or of the shuffle a PixelUnshuffle inverts."""
    size, r, c = _ints(op.args[0]), _int(op.args[1]), _int(op.args[2])
    if isinstance(op, ops.PixelUnshuffle):
        size = tuple(n // r for n in size)
    return size, r, c


def _shuffle(op: object, x: np.ndarray) -> np.ndarray:
    return fn.pixel_shuffle(x, *_shuffle_args(op))


def _shuffle_size(op: object) -> int:
    size, r, c = _shuffle_args(op)
    return c * r ** len(size) * int(np.prod(size))


@functools.lru_cache(maxsize=64)  # the numeric tier applies one operator several times
def _sparse_map(op: object) -> fn.SparseMap:
    """The entries of a pooling, unfold or resampling operator (of its forward form)."""
    if isinstance(op, (ops.AvgPool, ops.AvgPoolTranspose)):
        return fn.avg_pool_map(*_ints(op.args[:5]), bool(op.args[5]), op.args[6].name)
    if isinstance(op, (ops.AdaptiveAvgPool, ops.AdaptiveAvgPoolTranspose)):
        return fn.adaptive_avg_pool_map(*_n_k(op))
    if isinstance(op, (ops.Unfold, ops.Fold)):
        size, kernel, dilation, pads, stride, c = op.args
        return fn.unfold_map(_ints(size), _ints(kernel), _ints(dilation), _pairs(pads),
                             _ints(stride), _int(c))  # fmt: skip
    if isinstance(op, ops.ResampleTranspose):
        return _sparse_map(op.args[0])
    if isinstance(op, ops.AreaResample):
        return fn.area_coverage_map(*_n_k(op))
    n, length, kernel, scale, offset, a, border, table, width = op.args
    return fn.resample_matrix(
        _int(n), _int(length), kernel.name, _fraction(scale), _fraction(offset), _fraction(a),
        border.name, _int(table), _fraction(width),
    )  # fmt: skip


def _sparse_reference(transposed: bool = False) -> Reference:
    """An operator by its entries (:func:`_sparse_map`), or the transpose of those."""

    def shape_of(op: object) -> Shape:
        entries = _sparse_map(op)
        return (entries.cols, entries.rows) if transposed else (entries.rows, entries.cols)

    forward = lambda op, x: _sparse_map(op).apply(x)  # noqa: E731
    backward = lambda op, y: _sparse_map(op).transpose(y)  # noqa: E731
    if transposed:
        return _untapped(shape_of, backward, forward)
    return _untapped(shape_of, forward, backward)


#: Every operator class the package has (an operator of another class is read through
#: its index map, ``_INDEX_MAP``).
REFERENCES: dict[type, Reference] = {
    ops.Downsample: _untapped(
        lambda op: (-(-_n_k(op)[0] // _n_k(op)[1]), _n_k(op)[0]),
        lambda op, x: fn.downsample(x, _n_k(op)[1]),
        lambda op, y: fn.upsample(y, _n_k(op)[1], _n_k(op)[0]),
    ),
    ops.Upsample: _untapped(
        lambda op: (_int(op.args[2]), _n_k(op)[0]),
        lambda op, x: fn.upsample(x, _n_k(op)[1], _int(op.args[2])),
        lambda op, y: fn.downsample(y, _n_k(op)[1]),
    ),
    ops.Pad: _untapped(
        lambda op: (sum(_n_lo_hi(op)), _n_lo_hi(op)[0]),
        lambda op, x: fn.pad(x, *_n_lo_hi(op)[1:]),
        lambda op, y: fn.crop(y, *_n_lo_hi(op)[1:]),
    ),
    ops.Crop: _untapped(
        lambda op: (_n_lo_hi(op)[0] - sum(_n_lo_hi(op)[1:]), _n_lo_hi(op)[0]),
        lambda op, x: fn.crop(x, *_n_lo_hi(op)[1:]),
        lambda op, y: fn.pad(y, *_n_lo_hi(op)[1:]),
    ),
    ops.Flip: _untapped(
        lambda op: (_int(op.args[0]),) * 2, lambda op, x: fn.flip(x), lambda op, y: fn.flip(y)
    ),
    ops.Conv: _conv_reference(),
    ops.Corr: _layer_reference(_corr_layer, transposed=False),
    ops.CorrNd: _layer_reference(_corr_layer, transposed=False),
    # Defined as the transpose of the correlation on its output size.
    ops.ConvTranspose: _layer_reference(_transposed_layer, transposed=True),
    ops.ConvTransposeNd: _layer_reference(_transposed_layer, transposed=True),
    ops.Permute: _permutation_reference(
        lambda op: int(np.prod(_ints(op.args[0]))),
        lambda op, x: fn.permute(x, _ints(op.args[0]), _ints(op.args[1])),
    ),
    ops.MultiplesProjector: _untapped(
        lambda op: (_n_k(op)[0],) * 2,
        lambda op, x: fn.multiples_projector(x, _n_k(op)[1]),
        lambda op, y: fn.multiples_projector(y, _n_k(op)[1]),
    ),
    ops.NearestUpsample: _untapped(
        lambda op: (_n_k(op)[0] * _n_k(op)[1], _n_k(op)[0]),
        lambda op, x: fn.nearest_upsample(x, _n_k(op)[1]),
        lambda op, y: fn.block_sum(y, _n_k(op)[1]),
    ),
    ops.BlockSum: _untapped(
        lambda op: (_n_k(op)[0], _n_k(op)[0] * _n_k(op)[1]),
        lambda op, x: fn.block_sum(x, _n_k(op)[1]),
        lambda op, y: fn.nearest_upsample(y, _n_k(op)[1]),
    ),
    ops.PhaseSum: _phase_sum_reference(),
    ops.BorderPad: _untapped(
        lambda op: (sum(_n_lo_hi(op)), _n_lo_hi(op)[0]),
        lambda op, x: fn.border_pad(x, *_n_lo_hi(op)[1:], op.args[3].name),
        lambda op, y: fn.border_fold(y, *_n_lo_hi(op), op.args[3].name),
    ),
    ops.BorderFold: _untapped(
        lambda op: (_n_lo_hi(op)[0], sum(_n_lo_hi(op))),
        lambda op, x: fn.border_fold(x, *_n_lo_hi(op), op.args[3].name),
        lambda op, y: fn.border_pad(y, *_n_lo_hi(op)[1:], op.args[3].name),
    ),
    ops.AvgPool: _sparse_reference(),
    ops.AvgPoolTranspose: _sparse_reference(transposed=True),
    ops.AdaptiveAvgPool: _sparse_reference(),
    ops.AdaptiveAvgPoolTranspose: _sparse_reference(transposed=True),
    ops.PixelShuffle: _permutation_reference(_shuffle_size, _shuffle),
    ops.PixelUnshuffle: _permutation_reference(
        _shuffle_size, lambda op, x: _unpermute(lambda v: _shuffle(op, v), x)
    ),
    ops.Unfold: _sparse_reference(),
    ops.Fold: _sparse_reference(transposed=True),
    ops.Resample: _sparse_reference(),
    ops.AreaResample: _sparse_reference(),
    ops.ResampleTranspose: _sparse_reference(transposed=True),
}


# --- any other operator: its index map ---------------------------------------------


@functools.lru_cache(maxsize=64)  # the numeric tier applies one operator many times
def _index_map_entries(op: ops.Operator) -> tuple[np.ndarray, np.ndarray, list[sp.Expr]]:
    """(rows, columns, coefficients) of an operator's non-zero terms, row by row."""
    row_dims, col_dims = ([_int(d) for d in dims] for dims in op.index_dims)
    rows, cols, coefficients = [], [], []
    for r, index in enumerate(itertools.product(*map(range, row_dims))):
        for coefficient, column in evaluate(op, index):
            if not all(0 <= c < d for c, d in zip(column, col_dims)):
                raise ParameterError(
                    "expr", op, f"an index map inside the columns (row {index} reads {column})"
                )
            rows.append(r)
            cols.append(int(np.ravel_multi_index(column, col_dims)))
            coefficients.append(coefficient)
    return np.array(rows, dtype=int), np.array(cols, dtype=int), coefficients


def _index_map_reference() -> Reference:
    """An operator read through its index map: a gather of its terms, the adjoint a scatter."""

    def entries(op: ops.Operator, values: Values) -> fn.SparseMap:
        rows, cols, coefficients = _index_map_entries(op)
        weights = np.array([_number(c, values) for c in coefficients])
        return fn.SparseMap(_int(op.rows), _int(op.cols), rows, cols, weights)

    return Reference(
        lambda op: (_int(op.rows), _int(op.cols)),
        lambda op, x, v: entries(op, v).apply(x),
        lambda op, y, v: entries(op, v).transpose(y),
    )


_INDEX_MAP = _index_map_reference()


def _reference(expr: object) -> Reference | None:
    """The reference of an operator: its entry in REFERENCES, else its index map."""
    if type(expr) in REFERENCES:
        return REFERENCES[type(expr)]
    return _INDEX_MAP if isinstance(expr, ops.Operator) else None


# --- expressions: products, sums, transposes, powers, Kronecker products ------------


def _explicit(matrix: sp.MatrixBase, values: Values) -> fn.SparseMap:
    """The non-zero entries of an explicit SymPy matrix."""
    entries = matrix.todok()
    return fn.SparseMap(
        matrix.rows,
        matrix.cols,
        np.array([i for i, _ in entries], dtype=int),
        np.array([j for _, j in entries], dtype=int),
        np.array([_number(v, values) for v in entries.values()]),
    )


def _power(expr: MatPow) -> tuple[sp.MatrixExpr, int]:
    base, exponent = expr.args
    exponent = sp.sympify(exponent)
    if not (exponent.is_Integer and exponent >= 0):
        raise ParameterError("exponent", exponent, "an integer >= 0 (the oracle has no inverses)")
    return base, int(exponent)


def _kronecker(factors: tuple, block: np.ndarray, values: Values, transposed: bool) -> np.ndarray:
    """(A ⊗ B ⊗ …) on a row-major flattened cube: each factor acts along its own axis.

    The cube has the factors' column counts for ``A x`` and their row counts for
    ``Aᵀ y`` (``transposed``).
    """
    trials = block.shape[-1]
    cube = block.reshape(*(shape(f)[0 if transposed else 1] for f in factors), trials)
    for axis, factor in enumerate(factors):
        moved = np.moveaxis(cube, axis, 0)
        out = _act(factor, moved.reshape(moved.shape[0], -1), values, transposed)
        cube = np.moveaxis(out.reshape(out.shape[0], *moved.shape[1:]), 0, axis)
    return cube.reshape(-1, trials)


def shape(expr: object) -> Shape:
    """The (rows, cols) of ``expr`` from the formulas; an error if it is not defined.

    A product whose inner sizes differ or a sum of different shapes is an error
    naming both shapes (the numeric tier reports it as "undefined").

    Examples
    --------
    >>> from symconv import Downsample, Flip
    >>> shape(Downsample(5, 2))
    (3, 5)
    >>> shape(Downsample(5, 2) @ Flip(5))
    (3, 5)
    """
    reference = _reference(expr)
    if reference is not None:
        return reference.shape(expr)
    if isinstance(expr, sp.MatrixBase):
        return expr.shape
    if isinstance(expr, (Identity, ZeroMatrix, OneMatrix)):
        return _int(expr.rows), _int(expr.cols)
    if isinstance(expr, Transpose):
        rows, cols = shape(expr.arg)
        return cols, rows
    if isinstance(expr, MatMul):
        shapes = [shape(f) for f in expr.args if getattr(f, "is_Matrix", False)]
        for left, right in itertools.pairwise(shapes):
            if left[1] != right[0]:
                # Named by its shapes: SymPy cannot even print a product that does not exist.
                raise ParameterError(
                    "expr",
                    f"a product of shapes {' times '.join(map(str, shapes))}",
                    f"a product whose inner sizes agree (here {left} times {right})",
                )
        return shapes[0][0], shapes[-1][1]
    if isinstance(expr, MatAdd):
        shapes = {shape(term) for term in expr.args}
        if len(shapes) > 1:
            raise ParameterError(
                "expr", f"a sum of shapes {sorted(shapes)}", "a sum of terms of one shape"
            )
        return shapes.pop()
    if isinstance(expr, KroneckerProduct):
        shapes = [shape(f) for f in expr.args]
        return int(np.prod([r for r, _ in shapes])), int(np.prod([c for _, c in shapes]))
    if isinstance(expr, MatPow):
        base, _ = _power(expr)
        rows, cols = shape(base)
        if rows != cols:
            raise ParameterError("expr", expr, f"a power of a square matrix (here {(rows, cols)})")
        return rows, cols
    raise ParameterError("expr", expr, "an expression the reference oracle knows")


def _act(expr: object, block: np.ndarray, values: Values, transposed: bool) -> np.ndarray:
    """``expr @ block``, or ``exprᵀ @ block`` when ``transposed``."""
    reference = _reference(expr)
    if reference is not None:
        return (reference.adjoint if transposed else reference.apply)(expr, block, values)
    if isinstance(expr, sp.MatrixBase):
        entries = _explicit(expr, values)
        return entries.transpose(block) if transposed else entries.apply(block)
    if isinstance(expr, Identity):
        return block
    if isinstance(expr, (ZeroMatrix, OneMatrix)):
        rows = shape(expr)[1 if transposed else 0]
        fill = 0 if isinstance(expr, ZeroMatrix) else 1
        return np.repeat(fill * block.sum(axis=0, keepdims=True), rows, axis=0)
    if isinstance(expr, Transpose):
        return _act(expr.arg, block, values, not transposed)
    if isinstance(expr, MatMul):
        coeff, factors = expr.as_coeff_matrices()
        # A x: the rightmost factor acts first; (F₁F₂…)ᵀ y = …F₂ᵀ(F₁ᵀ y): the leftmost.
        for factor in factors if transposed else reversed(factors):
            block = _act(factor, block, values, transposed)
        return _number(coeff, values) * block
    if isinstance(expr, MatAdd):
        return sum(_act(term, block, values, transposed) for term in expr.args)
    if isinstance(expr, KroneckerProduct):
        return _kronecker(expr.args, block, values, transposed)
    if isinstance(expr, MatPow):
        base, exponent = _power(expr)
        for _ in range(exponent):
            block = _act(base, block, values, transposed)
        return block
    raise ParameterError("expr", expr, "an expression the reference oracle knows")


def _block(name: str, block: object, length: int) -> tuple[np.ndarray, bool]:
    """A float block of shape (length, trials); a single vector becomes one column."""
    array = np.asarray(block, dtype=float)
    single = array.ndim == 1
    array = array[:, None] if single else array
    if array.ndim != 2 or array.shape[0] != length:
        raise ParameterError(
            name, f"array of shape {np.shape(block)}", f"an array of shape ({length}, trials)"
        )
    return array, single


def apply(expr: object, x: object, values: Values) -> np.ndarray:
    """``expr @ x`` for a block ``x`` of shape (cols, trials) (or one vector), matrix-free.

    Parameters
    ----------
    expr : matrix expression
        symconv operators (the catalogue's included), explicit SymPy matrices,
        ``Identity``, ``ZeroMatrix``, ``OneMatrix``, products, sums, scalar
        multiples, transposes, powers and Kronecker products, at concrete sizes.
    x : array of shape (cols, trials) or (cols,)
    values : mapping of Symbol to float
        Values of the kernel taps and any other scalar symbols.
    """
    block, single = _block("x", x, shape(expr)[1])
    out = _act(expr, block, values, transposed=False)
    return out[:, 0] if single else out


def adjoint(expr: object, y: object, values: Values) -> np.ndarray:
    """``exprᵀ @ y`` for a block ``y`` of shape (rows, trials), by reference adjoints."""
    block, single = _block("y", y, shape(expr)[0])
    out = _act(expr, block, values, transposed=True)
    return out[:, 0] if single else out


def dense(expr: object, values: Values) -> np.ndarray:
    """The dense float matrix of ``expr``: :func:`apply` to the identity. Small sizes only.

    For tests and quick looks; the numeric tier never builds it.

    Examples
    --------
    >>> from symconv import Downsample
    >>> dense(Downsample(4, 2), {})
    array([[1., 0., 0., 0.],
           [0., 0., 1., 0.]])
    """
    rows, cols = shape(expr)
    limits.require("dense", rows * cols, f"the dense {rows}x{cols} reference matrix")
    return apply(expr, np.eye(cols), values)
