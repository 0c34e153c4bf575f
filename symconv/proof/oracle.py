"""The reference oracle: every operator applied to a block of vectors, matrix-free.

The numeric tier checks identities against this module, so its references are
written like JAX's ``lax_reference.py``: small NumPy code read directly off the index
formulas of the conventions (0-indexed, row-major, channel-major), sharing
no code with ``symconv.operators``, :mod:`symconv.matrices`,
:mod:`symconv.numeric` or :mod:`symconv.sizes`. An operator is read only
through its constructor arguments (``op.args``); its shape, its action
``A x`` and its transpose's action ``Aᵀ y`` are computed here from the
formulas, so the oracle also checks the package's shapes.

Nothing is materialised: applying ``A`` costs about as much as ``A`` has
non-zeros, so a 64×64 image or a length-8192 signal takes milliseconds.
The transpose is a reference adjoint (the scatter that mirrors each gather),
never a transposed matrix.

:data:`REFERENCES` below names every operator class of the package, keyed by
the class itself (the classes are imported as keys only: none of their code runs
here). An operator class without an entry (a new one, or a user's own) is read
through its index map instead, evaluated at each row by
:func:`symconv.operators.index_map.evaluate` (SymPy, once per operator: slower than
the NumPy references) and applied as a gather, so a new operator needs no edit here.
That reading is independent of the operator's fast paths and of SymPy's matrix
algebra, but not of its index map: for such a class the numeric tier checks an
identity under the meaning the index map states, and the generic tests (the
operator against an independent loop) check that meaning.

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
from symconv.errors import ParameterError
from symconv.operators.base import Operator
from symconv.operators.channels import ConvTransposeNd, CorrNd
from symconv.operators.convolution import Conv, ConvTranspose, Corr
from symconv.operators.flip import Flip
from symconv.operators.grid import Permute
from symconv.operators.index_map import evaluate
from symconv.operators.padding import Crop, Pad
from symconv.operators.padding_modes import BorderFold, BorderPad
from symconv.operators.polyphase import PhaseSum
from symconv.operators.pooling import (
    AdaptiveAvgPool,
    AdaptiveAvgPoolTranspose,
    AvgPool,
    AvgPoolTranspose,
)
from symconv.operators.rearrange import Fold, PixelShuffle, PixelUnshuffle, Unfold
from symconv.operators.resample import AreaResample, Resample, ResampleTranspose
from symconv.operators.sampling import (
    BlockSum,
    Downsample,
    MultiplesProjector,
    NearestUpsample,
    Upsample,
)

__all__ = ["REFERENCES", "Reference", "adjoint", "apply", "dense", "shape"]

#: Values of the kernel taps (and any other scalar symbols) of an expression.
Values = Mapping[sp.Symbol, float]
#: Shape (rows, cols) of an operator.
Shape = tuple[int, int]


# --- parameters ----------------------------------------------------------------------


def _int(value: object) -> int:
    value = sp.sympify(value)
    if not value.is_Integer:
        raise ParameterError("size", value, "a concrete integer (substitute symbolic sizes first)")
    return int(value)


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


def _pair(value: object) -> tuple[int, int]:
    lo, hi = value
    return _int(lo), _int(hi)


# --- the N-D correlation layer, the one loop everything convolutional reads ---------


@dataclass(frozen=True)
class _Layer:
    """y[o, i] = Σ_c Σ_t w[o, c, t] · x[g·C_in/groups + c, i·s + t·d − lo] (zero outside)."""

    weight: np.ndarray  # (C_out, C_in/groups, k_1, …, k_N)
    size: tuple[int, ...]  # input spatial size
    pads: tuple[tuple[int, int], ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    groups: int

    @property
    def out_size(self) -> tuple[int, ...]:
        # L = ⌊(n + lo + hi − d(k − 1) − 1)/s⌋ + 1 on every axis.
        return tuple(
            (n + lo + hi - d * (k - 1) - 1) // s + 1
            for n, (lo, hi), s, d, k in zip(
                self.size, self.pads, self.stride, self.dilation, self.weight.shape[2:]
            )
        )

    @property
    def channels(self) -> tuple[int, int]:
        return self.weight.shape[0], self.weight.shape[1] * self.groups

    def _windows(self) -> itertools.product:
        """Each (o, input channel, weight index, slices of the padded input it reads)."""
        c_out, c_in_group = self.weight.shape[:2]
        per_group = c_out // self.groups
        for o, c, *taps in itertools.product(*map(range, self.weight.shape)):
            channel = (o // per_group) * c_in_group + c
            # Output i reads padded position i·s + t·d: a strided slice starting at t·d.
            slices = tuple(
                slice(t * d, t * d + (length - 1) * s + 1, s)
                for t, s, d, length in zip(taps, self.stride, self.dilation, self.out_size)
            )
            yield o, channel, (o, c, *taps), slices

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x of shape (C_in·Π n, T) → y of shape (C_out·Π L, T)."""
        trials = x.shape[-1]
        c_out, c_in = self.channels
        image = x.reshape(c_in, *self.size, trials)
        padded = np.pad(image, [(0, 0), *self.pads, (0, 0)])
        y = np.zeros((c_out, *self.out_size, trials))
        for o, channel, index, slices in self._windows():
            if self.weight[index]:
                y[o] += self.weight[index] * padded[(channel, *slices)]
        return y.reshape(-1, trials)

    def backward(self, y: np.ndarray) -> np.ndarray:
        """The adjoint: scatter every y[o, i]·w back onto the position it was read from."""
        trials = y.shape[-1]
        c_out, c_in = self.channels
        image = y.reshape(c_out, *self.out_size, trials)
        padded_size = tuple(n + lo + hi for n, (lo, hi) in zip(self.size, self.pads))
        padded = np.zeros((c_in, *padded_size, trials))
        for o, channel, index, slices in self._windows():
            if self.weight[index]:
                padded[(channel, *slices)] += self.weight[index] * image[o]
        inside = tuple(slice(lo, lo + n) for n, (lo, _) in zip(self.size, self.pads))
        return padded[(slice(None), *inside)].reshape(-1, trials)


def _transposed_size(size: object, weight: np.ndarray, layer_args: tuple) -> tuple[int, ...]:
    """n_out = (n − 1)s − lo − hi + d(k − 1) + 1 + a per axis: the transposed conv's output."""
    pads, stride, dilation, extra = layer_args
    return tuple(
        (n - 1) * s - lo - hi + d * (k - 1) + 1 + a
        for n, (lo, hi), s, d, k, a in zip(size, pads, stride, dilation, weight.shape[2:], extra)
    )


def _corr_1d(op: object, values: Values | None) -> _Layer:
    q, n, pads, s, d = op.args
    return _Layer(
        _taps(q, values).reshape(1, 1, -1), (_int(n),), (_pair(pads),), (_int(s),), (_int(d),), 1
    )


def _conv_transpose_1d(op: object, values: Values | None) -> _Layer:
    """The forward correlation that ``ConvTranspose`` is defined as the transpose of."""
    q, n, pads, s, d, a = op.args
    w = _taps(q, values).reshape(1, 1, -1)
    args = ((_pair(pads),), (_int(s),), (_int(d),), (_int(a),))
    return _Layer(w, _transposed_size((_int(n),), w, args), *args[:3], 1)


def _corr_nd(op: object, values: Values | None) -> _Layer:
    weight, size, pads, stride, dilation, groups = op.args
    return _Layer(
        _weight(weight, values),
        tuple(map(_int, size)),
        tuple(map(_pair, pads)),
        tuple(map(_int, stride)),
        tuple(map(_int, dilation)),
        _int(groups),
    )


def _conv_transpose_nd(op: object, values: Values | None) -> _Layer:
    """The forward layer: the same weight, on the transposed conv's output size."""
    weight, size, pads, stride, dilation, extra, groups = op.args
    w = _weight(weight, values)
    args = (
        tuple(map(_pair, pads)),
        tuple(map(_int, stride)),
        tuple(map(_int, dilation)),
        tuple(map(_int, extra)),
    )
    return _Layer(w, _transposed_size(tuple(map(_int, size)), w, args), *args[:3], _int(groups))


def _layer_shape(layer: _Layer) -> Shape:
    c_out, c_in = layer.channels
    return c_out * int(np.prod(layer.out_size)), c_in * int(np.prod(layer.size))


# --- true convolution (numpy.convolve's modes) ---------------------------------------


def _conv_window(n: int, m: int, mode: str) -> tuple[int, int]:
    """(first row, length) of the mode's rows within the full convolution, as NumPy has them.

    full: all n + m − 1 rows; valid: rows min − 1 … max − 1; same: max(n, m) rows from
    (min − 1)//2 (NumPy swaps the two inputs when n < m, which moves nothing here).
    """
    short, long = min(n, m), max(n, m)
    return {
        "full": (0, n + m - 1),
        "valid": (short - 1, long - short + 1),
        "same": ((short - 1) // 2, long),
    }[mode]


def _conv_shape(op: object) -> Shape:
    q, n, mode = op.args
    return _conv_window(_int(n), len(q), mode.name)[1], _int(n)


def _conv_apply(op: object, x: np.ndarray, values: Values) -> np.ndarray:
    # (q ∗ x)_i = Σ_j q_{i−j} x_j: tap t adds q_t · x shifted down by t.
    q, n, mode = _taps(op.args[0], values), _int(op.args[1]), op.args[2].name
    full = np.zeros((n + len(q) - 1, x.shape[-1]))
    for t, tap in enumerate(q):
        full[t : t + n] += tap * x
    start, length = _conv_window(n, len(q), mode)
    return full[start : start + length]


def _conv_adjoint(op: object, y: np.ndarray, values: Values) -> np.ndarray:
    # Place y at its rows of the full result, then x_j = Σ_t q_t full_{j+t}.
    q, n, mode = _taps(op.args[0], values), _int(op.args[1]), op.args[2].name
    start, length = _conv_window(n, len(q), mode)
    full = np.zeros((n + len(q) - 1, y.shape[-1]))
    full[start : start + length] = y
    return sum(tap * full[t : t + n] for t, tap in enumerate(q))


# --- the references -----------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """How the oracle reads one operator class: its shape, ``A x`` and ``Aᵀ y``.

    ``apply`` and ``adjoint`` take the operator, a block of vectors (one per
    column, shape (cols, trials) resp. (rows, trials)) and the tap values.
    """

    shape: Callable[[object], Shape]
    apply: Callable[[object, np.ndarray, Values], np.ndarray]
    adjoint: Callable[[object, np.ndarray, Values], np.ndarray]


def _zeros(rows: int, block: np.ndarray) -> np.ndarray:
    return np.zeros((rows, block.shape[-1]))


def _placed(rows: int, where: object, block: np.ndarray) -> np.ndarray:
    """A zero block of ``rows`` rows with ``block`` written at rows ``where``."""
    out = _zeros(rows, block)
    out[where] = block
    return out


def _n(op: object) -> int:
    return _int(op.args[0])


def _k(op: object) -> int:
    return _int(op.args[1])


def _lo_hi(op: object) -> tuple[int, int]:
    return _int(op.args[1]), _int(op.args[2])


def _layer_reference(
    build: Callable[[object, Values | None], _Layer], transposed: bool = False
) -> Reference:
    """A convolution layer, or the transpose of its forward layer (``transposed``)."""
    forward = lambda op, x, v: build(op, v).forward(x)  # noqa: E731
    backward = lambda op, y, v: build(op, v).backward(y)  # noqa: E731

    def shape_of(op: object) -> Shape:
        rows, cols = _layer_shape(build(op, None))  # the taps play no part in the shape
        return (cols, rows) if transposed else (rows, cols)

    if transposed:
        return Reference(shape_of, backward, forward)
    return Reference(shape_of, forward, backward)


def _permute_reference() -> Reference:
    def dims_axes(op: object) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return tuple(map(_int, op.args[0])), tuple(map(_int, op.args[1]))

    def forward(op: object, x: np.ndarray, values: Values) -> np.ndarray:
        # vec(x.reshape(dims).transpose(axes)), one column per trial.
        dims, axes = dims_axes(op)
        cube = x.reshape(*dims, x.shape[-1]).transpose(*axes, len(dims))
        return cube.reshape(-1, x.shape[-1])

    def backward(op: object, y: np.ndarray, values: Values) -> np.ndarray:
        dims, axes = dims_axes(op)
        inverse = tuple(int(a) for a in np.argsort(axes))
        cube = y.reshape(*(dims[a] for a in axes), y.shape[-1]).transpose(*inverse, len(dims))
        return cube.reshape(-1, y.shape[-1])

    def shape_of(op: object) -> Shape:
        total = int(np.prod(dims_axes(op)[0]))
        return total, total

    return Reference(shape_of, forward, backward)


def _multiples(op: object, x: np.ndarray, values: Values) -> np.ndarray:
    # diag(1 if k | i else 0): keep rows 0, k, 2k, …; symmetric.
    return _placed(_n(op), slice(None, None, _k(op)), x[:: _k(op)])


def _upsample_rows(op: object) -> np.ndarray:
    # (↑ₖx)_i = x_{i/k} when k | i: input j lands on row k·j.
    return _k(op) * np.arange(_n(op))


def _phase_sum(op: object, values: Values) -> tuple[np.ndarray, int, int]:
    # args (kernel, sizes per axis, strides per axis); the 1-D form (a KernelFamily).
    if len(op.args[1]) != 1 or not hasattr(op.args[0], "taps"):
        raise ParameterError("op", op, "a 1-D PhaseSum (one axis, a kernel family)")
    return _taps(op.args[0].taps(), values), _int(op.args[2][0]), _int(op.args[1][0])


def _phase_sum_apply(op: object, x: np.ndarray, values: Values) -> np.ndarray:
    # Σ_v Shift_v ↑ₛ (q[v::s] ∗ x): phase v's full convolution lands on rows v + s·j.
    q, s, n = _phase_sum(op, values)
    out = _zeros(s * (n - 1) + len(q), x)
    for v in range(min(s, len(q))):
        phase = q[v::s]
        full = _zeros(n + len(phase) - 1, x)
        for t, tap in enumerate(phase):
            full[t : t + n] += tap * x
        out[v::s][: len(full)] += full
    return out


def _phase_sum_adjoint(op: object, y: np.ndarray, values: Values) -> np.ndarray:
    # Each phase read back from rows v + s·j, correlated with its taps.
    q, s, n = _phase_sum(op, values)
    out = _zeros(n, y)
    for v in range(min(s, len(q))):
        phase = q[v::s]
        rows = y[v::s][: n + len(phase) - 1]
        for t, tap in enumerate(phase):
            out += tap * rows[t : t + n]
    return out


_NUMPY_MODES = {
    "reflect": "reflect",
    "symmetric": "symmetric",
    "replicate": "edge",
    "circular": "wrap",
}


def _border_sources(op: object) -> np.ndarray:
    """The input sample each padded sample copies: NumPy's own padding of 0 … n − 1."""
    lo, hi = _lo_hi(op)
    return np.pad(np.arange(_n(op)), (lo, hi), mode=_NUMPY_MODES[str(op.args[3])])


def _fold_back(op: object, y: np.ndarray, values: Values) -> np.ndarray:
    """Each padded sample added onto the input sample it copies (the scatter of the gather)."""
    out = _zeros(_n(op), y)
    np.add.at(out, _border_sources(op), y)
    return out


#: Every operator class the package has (an operator of another class is read through
#: its index map, ``_index_map_reference``).
REFERENCES: dict[type, Reference] = {
    # (↓ₖx)_i = x_{k·i}, i < ⌈n/k⌉.
    Downsample: Reference(
        lambda op: (-(-_n(op) // _k(op)), _n(op)),
        lambda op, x, v: x[:: _k(op)],
        lambda op, y, v: _placed(_n(op), slice(None, None, _k(op)), y),
    ),
    # (↑ₖx)_i = x_{i/k} if k | i else 0, i < length.
    Upsample: Reference(
        lambda op: (_int(op.args[2]), _n(op)),
        lambda op, x, v: _placed(_int(op.args[2]), _upsample_rows(op), x),
        lambda op, y, v: y[_upsample_rows(op)],
    ),
    # lo zeros, x, hi zeros.
    Pad: Reference(
        lambda op: (_n(op) + sum(_lo_hi(op)), _n(op)),
        lambda op, x, v: np.concatenate([_zeros(_lo_hi(op)[0], x), x, _zeros(_lo_hi(op)[1], x)]),
        lambda op, y, v: y[_lo_hi(op)[0] : _lo_hi(op)[0] + _n(op)],
    ),
    # x_lo … x_{n−hi−1}.
    Crop: Reference(
        lambda op: (_n(op) - sum(_lo_hi(op)), _n(op)),
        lambda op, x, v: x[_lo_hi(op)[0] : _n(op) - _lo_hi(op)[1]],
        lambda op, y, v: _placed(_n(op), slice(_lo_hi(op)[0], _n(op) - _lo_hi(op)[1]), y),
    ),
    # (Jx)_i = x_{n−1−i}; J is symmetric.
    Flip: Reference(
        lambda op: (_n(op), _n(op)), lambda op, x, v: x[::-1], lambda op, y, v: y[::-1]
    ),
    Conv: Reference(_conv_shape, _conv_apply, _conv_adjoint),
    Corr: _layer_reference(_corr_1d),
    # Defined as the transpose of Corr(q, n_out, (lo, hi), s, d).
    ConvTranspose: _layer_reference(_conv_transpose_1d, transposed=True),
    CorrNd: _layer_reference(_corr_nd),
    ConvTransposeNd: _layer_reference(_conv_transpose_nd, transposed=True),
    Permute: _permute_reference(),
    # Sampling relatives and the polyphase sum.
    MultiplesProjector: Reference(lambda op: (_n(op), _n(op)), _multiples, _multiples),
    # (Nx)_i = x_{⌊i/k⌋}: repeat each sample k times; the adjoint sums each run of k.
    NearestUpsample: Reference(
        lambda op: (_k(op) * _n(op), _n(op)),
        lambda op, x, v: np.repeat(x, _k(op), axis=0),
        lambda op, y, v: y.reshape(_n(op), _k(op), y.shape[-1]).sum(axis=1),
    ),
    # y_j = Σ_{r<k} x_{kj+r}: the sum of each run of k; the adjoint repeats each sample k times.
    BlockSum: Reference(
        lambda op: (_n(op), _k(op) * _n(op)),
        lambda op, x, v: x.reshape(_n(op), _k(op), x.shape[-1]).sum(axis=1),
        lambda op, y, v: np.repeat(y, _k(op), axis=0),
    ),
    # The s polyphase convolutions of the sub-pixel form, interleaved (output s(n−1) + m).
    PhaseSum: Reference(
        lambda op: (
            _int(op.args[2][0]) * (_int(op.args[1][0]) - 1) + len(op.args[0].taps()),
            _int(op.args[1][0]),
        ),
        _phase_sum_apply,
        _phase_sum_adjoint,
    ),
    # Padding modes: x gathered at NumPy's padding of the indices; the transpose scatters.
    BorderPad: Reference(
        lambda op: (_n(op) + sum(_lo_hi(op)), _n(op)),
        lambda op, x, v: x[_border_sources(op)],
        _fold_back,
    ),
    BorderFold: Reference(
        lambda op: (_n(op), _n(op) + sum(_lo_hi(op))),
        _fold_back,
        lambda op, y, v: y[_border_sources(op)],
    ),
}


@functools.lru_cache(maxsize=64)  # the numeric tier applies one operator many times
def _index_map_entries(op: Operator) -> tuple[np.ndarray, np.ndarray, list[sp.Expr]]:
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

    def shape_of(op: Operator) -> Shape:
        return _int(op.rows), _int(op.cols)

    def forward(op: Operator, x: np.ndarray, values: Values) -> np.ndarray:
        rows, cols, coefficients = _index_map_entries(op)
        weights = np.array([_number(c, values) for c in coefficients])
        return _gather(shape_of(op)[0], rows, cols, weights, x)

    def backward(op: Operator, y: np.ndarray, values: Values) -> np.ndarray:
        rows, cols, coefficients = _index_map_entries(op)
        weights = np.array([_number(c, values) for c in coefficients])
        return _gather(shape_of(op)[1], cols, rows, weights, y)

    return Reference(shape_of, forward, backward)


_INDEX_MAP = _index_map_reference()


def _reference(expr: object) -> Reference | None:
    """The reference of an operator: its entry in REFERENCES, else its index map."""
    if type(expr) in REFERENCES:
        return REFERENCES[type(expr)]
    return _INDEX_MAP if isinstance(expr, Operator) else None


# --- expressions: products, sums, transposes, powers, Kronecker products ------------


def _explicit(matrix: sp.MatrixBase, values: Values) -> tuple[np.ndarray, ...]:
    """(rows, cols, values) of the non-zero entries of an explicit SymPy matrix."""
    entries = matrix.todok()
    rows = np.array([i for i, _ in entries], dtype=int)
    cols = np.array([j for _, j in entries], dtype=int)
    return rows, cols, np.array([_number(v, values) for v in entries.values()])


def _gather(
    count: int, targets: np.ndarray, sources: np.ndarray, weights: np.ndarray, block: np.ndarray
) -> np.ndarray:
    """out[targets[e]] += weights[e] · block[sources[e]] for every entry e."""
    out = _zeros(count, block)
    np.add.at(out, targets, weights[:, None] * block[sources])
    return out


def _power(expr: MatPow) -> tuple[sp.MatrixExpr, int]:
    base, exponent = expr.args
    exponent = sp.sympify(exponent)
    if not (exponent.is_Integer and exponent >= 0):
        raise ParameterError("exponent", exponent, "an integer >= 0 (the oracle has no inverses)")
    return base, int(exponent)


def _kronecker(
    factors: tuple, block: np.ndarray, values: Values, act: Callable, side: int
) -> np.ndarray:
    """(A ⊗ B ⊗ …) on a row-major flattened cube: each factor acts along its own axis.

    ``side`` is 1 for ``A x`` (the cube has the factors' column counts) and 0 for
    ``Aᵀ y`` (their row counts); ``act`` is :func:`_apply` or :func:`_adjoint`.
    """
    trials = block.shape[-1]
    cube = block.reshape(*(shape(f)[side] for f in factors), trials)
    for axis, factor in enumerate(factors):
        moved = np.moveaxis(cube, axis, 0)
        out = act(factor, moved.reshape(moved.shape[0], -1), values)
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


def _apply(expr: object, x: np.ndarray, values: Values) -> np.ndarray:
    reference = _reference(expr)
    if reference is not None:
        return reference.apply(expr, x, values)
    if isinstance(expr, sp.MatrixBase):
        rows, cols, weights = _explicit(expr, values)
        return _gather(expr.rows, rows, cols, weights, x)
    if isinstance(expr, Identity):
        return x
    if isinstance(expr, ZeroMatrix):
        return _zeros(_int(expr.rows), x)
    if isinstance(expr, OneMatrix):
        return np.repeat(x.sum(axis=0, keepdims=True), _int(expr.rows), axis=0)
    if isinstance(expr, Transpose):
        return _adjoint(expr.arg, x, values)
    if isinstance(expr, MatMul):
        coeff, factors = expr.as_coeff_matrices()
        for factor in reversed(factors):  # the rightmost factor acts first
            x = _apply(factor, x, values)
        return _number(coeff, values) * x
    if isinstance(expr, MatAdd):
        return sum(_apply(term, x, values) for term in expr.args)
    if isinstance(expr, KroneckerProduct):
        return _kronecker(expr.args, x, values, _apply, 1)
    if isinstance(expr, MatPow):
        base, exponent = _power(expr)
        for _ in range(exponent):
            x = _apply(base, x, values)
        return x
    raise ParameterError("expr", expr, "an expression the reference oracle knows")


def _adjoint(expr: object, y: np.ndarray, values: Values) -> np.ndarray:
    reference = _reference(expr)
    if reference is not None:
        return reference.adjoint(expr, y, values)
    if isinstance(expr, sp.MatrixBase):
        rows, cols, weights = _explicit(expr, values)
        return _gather(expr.cols, cols, rows, weights, y)
    if isinstance(expr, Identity):
        return y
    if isinstance(expr, ZeroMatrix):
        return _zeros(_int(expr.cols), y)
    if isinstance(expr, OneMatrix):
        return np.repeat(y.sum(axis=0, keepdims=True), _int(expr.cols), axis=0)
    if isinstance(expr, Transpose):
        return _apply(expr.arg, y, values)
    if isinstance(expr, MatMul):
        coeff, factors = expr.as_coeff_matrices()
        for factor in factors:  # (F₁F₂…)ᵀy = …F₂ᵀ(F₁ᵀy)
            y = _adjoint(factor, y, values)
        return _number(coeff, values) * y
    if isinstance(expr, MatAdd):
        return sum(_adjoint(term, y, values) for term in expr.args)
    if isinstance(expr, KroneckerProduct):
        return _kronecker(expr.args, y, values, _adjoint, 0)
    if isinstance(expr, MatPow):
        base, exponent = _power(expr)
        for _ in range(exponent):
            y = _adjoint(base, y, values)
        return y
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
    out = _apply(expr, block, values)
    return out[:, 0] if single else out


def adjoint(expr: object, y: object, values: Values) -> np.ndarray:
    """``exprᵀ @ y`` for a block ``y`` of shape (rows, trials), by reference adjoints."""
    block, single = _block("y", y, shape(expr)[0])
    out = _adjoint(expr, block, values)
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


# --- pooling, pixel shuffle, unfold: (target, source, weight) lists off the formulas ---


def _sparse_reference(entries: Callable[[object], tuple]) -> Reference:
    """A reference from ``entries(op) -> (rows, cols, targets, sources, weights)``."""

    def forward(op: object, x: np.ndarray, values: Values) -> np.ndarray:
        rows, _, targets, sources, weights = entries(op)
        return _gather(rows, targets, sources, weights, x)

    def backward(op: object, y: np.ndarray, values: Values) -> np.ndarray:
        _, cols, targets, sources, weights = entries(op)
        return _gather(cols, sources, targets, weights, y)

    return Reference(lambda op: entries(op)[:2], forward, backward)


def _listed(rows: int, cols: int, triples: list, transposed: bool = False) -> tuple:
    t, s = (np.array([e[i] for e in triples], dtype=int) for i in range(2))
    w = np.array([e[2] for e in triples], dtype=float)
    return (cols, rows, s, t, w) if transposed else (rows, cols, t, s, w)


def _avg_pool_entries(op: object, transposed: bool = False) -> tuple:
    # PyTorch's ATen avg_pool: windows [i·s − lo, +k) clipped; L by pooling_output_shape.
    n, k, s, lo, hi = (_int(a) for a in op.args[:5])
    ceil, divisor = bool(op.args[5]), str(op.args[6])
    length = (n + lo + hi - k + (s - 1 if ceil else 0)) // s + 1
    if ceil and (length - 1) * s >= n + lo:
        length -= 1
    triples = []
    for i in range(length):
        start, end = i * s - lo, min(i * s - lo + k, n + hi)
        first, last = max(start, 0), min(end, n)
        count = {"padded": end - start, "input": last - first, "none": 1}[divisor]
        triples += [(i, j, 1 / count) for j in range(first, last)]
    return _listed(length, n, triples, transposed)


def _adaptive_entries(op: object, transposed: bool = False) -> tuple:
    n, length = _int(op.args[0]), _int(op.args[1])
    triples = []
    for i in range(length):
        start, end = (i * n) // length, -(-((i + 1) * n) // length)
        triples += [(i, j, 1 / (end - start)) for j in range(start, end)]
    return _listed(length, n, triples, transposed)


def _shuffle_entries(size: list, r: int, c: int, transposed: bool = False) -> tuple:
    # Input (C·rᵈ, n…) read as (C, r…, n…); output (C, n₁, r, n₂, r, …).
    d = len(size)
    source = np.arange(c * r**d * int(np.prod(size))).reshape(c, *[r] * d, *size)
    order = [0] + [a for pair in zip(range(1 + d, 1 + 2 * d), range(1, 1 + d)) for a in pair]
    moved = source.transpose(order).ravel()
    triples = [(t, int(src), 1.0) for t, src in enumerate(moved)]
    return _listed(len(moved), len(moved), triples, transposed)


def _shuffle_args(op: object) -> tuple[list[int], int, int]:
    return [_int(v) for v in op.args[0]], _int(op.args[1]), _int(op.args[2])


def _unshuffle_entries(op: object) -> tuple:
    # The inverse (and transpose) of the shuffle from size/r.
    size, r, c = _shuffle_args(op)
    return _shuffle_entries([n // r for n in size], r, c, transposed=True)


def _unfold_entries(op: object, transposed: bool = False) -> tuple:
    # Row (c, t…, l…) of im2col reads pixel (c, l·s − lo + t·d) when inside the image.
    size = [_int(v) for v in op.args[0]]
    kernel, dilation = [_int(v) for v in op.args[1]], [_int(v) for v in op.args[2]]
    pads, stride, c = (
        [_pair(p) for p in op.args[3]],
        [_int(v) for v in op.args[4]],
        _int(op.args[5]),
    )
    blocks = [
        (n + lo + hi - d * (k - 1) - 1) // s + 1
        for n, k, d, (lo, hi), s in zip(size, kernel, dilation, pads, stride)
    ]
    row_dims, col_dims = (c, *kernel, *blocks), (c, *size)
    triples = []
    for row, index in enumerate(itertools.product(*map(range, row_dims))):
        d = len(size)
        taps, where = index[1 : 1 + d], index[1 + d :]
        pixel = [
            b * s - lo + t * dl for b, s, (lo, _), t, dl in zip(where, stride, pads, taps, dilation)
        ]
        if all(0 <= p < n for p, n in zip(pixel, size)):
            triples.append((row, int(np.ravel_multi_index((index[0], *pixel), col_dims)), 1.0))
    return _listed(int(np.prod(row_dims)), int(np.prod(col_dims)), triples, transposed)
# --- resampling (symconv.operators.resample): read off the frameworks' formulas -------


def _fraction(value: object) -> Fraction:
    value = sp.Rational(value)
    return Fraction(int(value.p), int(value.q))


def _keys_cubic(x: Fraction, a: Fraction) -> Fraction:
    """Keys (1981): (a+2)|x|³ − (a+3)|x|² + 1 on [0, 1], a|x|³ − 5a|x|² + 8a|x| − 4a on (1, 2)."""
    x = abs(x)
    if x <= 1:
        return (a + 2) * x**3 - (a + 3) * x**2 + 1
    return a * x**3 - 5 * a * x**2 + 8 * a * x - 4 * a if x < 2 else Fraction(0)


def _resample_entries(op: object) -> tuple[np.ndarray, ...]:
    """(rows, cols, weights) of Resample / AreaResample, one output sample at a time."""
    n, length = _int(op.args[0]), _int(op.args[1])
    entries = []
    if type(op).__name__ == "AreaResample":
        s = Fraction(n, length)
        for i in range(length):
            lo, hi = i * s, (i + 1) * s
            cells = range(int(np.floor(lo)), -(-hi.numerator // hi.denominator))
            for j in cells:
                overlap = min(Fraction(j + 1), hi) - max(Fraction(j), lo)
                weight = overlap / s if bool(op.args[2]) else Fraction(1, len(cells))
                entries.append((i, j, weight))
    else:
        kernel, border = str(op.args[2]), str(op.args[6])
        scale, offset, a, table = (_fraction(v) for v in (*op.args[3:6], op.args[7]))
        for i in range(length):
            src = scale * i + offset
            f = src.numerator // src.denominator
            t = src - f
            if kernel == "cubic" and table:
                t = Fraction(round(t * table), int(table))  # round() ties to even
            taps = {
                "nearest": [(f, Fraction(1))],
                "linear": [(f, 1 - t), (f + 1, t)],
                "cubic": [(f + d, _keys_cubic(t - d, a)) for d in (-1, 0, 1, 2)],
            }[kernel]
            width = _fraction(op.args[8])
            if width != 1:  # antialiasing: the kernel stretched, every input it reaches
                taps = [
                    (j, max(1 - abs(src - j) / width, Fraction(0)))
                    if kernel == "linear"
                    else (j, _keys_cubic((src - j) / width, a))
                    for j in range(n)
                ]
            if border == "clamp":
                entries += [(i, min(max(j, 0), n - 1), w) for j, w in taps]
            else:
                kept = [(j, w) for j, w in taps if 0 <= j < n]
                total = sum(w for _, w in kept)
                entries += [(i, j, w / total) for j, w in kept if total != 0]
    rows, cols, weights = zip(*entries) if entries else ((), (), ())
    return (
        np.array(rows, dtype=int),
        np.array(cols, dtype=int),
        np.array([float(w) for w in weights]),
    )


def _resample_reference(transposed: bool) -> Reference:
    """Resample / AreaResample (a gather), or their transpose (the mirroring scatter)."""

    def forward(op: object) -> object:
        return op.args[0] if transposed else op

    def act(op: object, x: np.ndarray, adjoint: bool) -> np.ndarray:
        rows, cols, weights = _resample_entries(forward(op))
        length, n = _int(forward(op).args[1]), _int(forward(op).args[0])
        if adjoint:
            return _gather(n, cols, rows, weights, x)
        return _gather(length, rows, cols, weights, x)

    def sizes(op: object) -> Shape:
        length, n = _int(forward(op).args[1]), _int(forward(op).args[0])
        return (n, length) if transposed else (length, n)

    return Reference(
        sizes,
        lambda op, x, v: act(op, x, transposed),
        lambda op, y, v: act(op, y, not transposed),
    )


REFERENCES.update(
    {
        AvgPool: _sparse_reference(_avg_pool_entries),
        AvgPoolTranspose: _sparse_reference(lambda op: _avg_pool_entries(op, True)),
        AdaptiveAvgPool: _sparse_reference(_adaptive_entries),
        AdaptiveAvgPoolTranspose: _sparse_reference(lambda op: _adaptive_entries(op, True)),
        PixelShuffle: _sparse_reference(lambda op: _shuffle_entries(*_shuffle_args(op))),
        PixelUnshuffle: _sparse_reference(_unshuffle_entries),
        Unfold: _sparse_reference(_unfold_entries),
        Fold: _sparse_reference(lambda op: _unfold_entries(op, True)),
        Resample: _resample_reference(transposed=False),
        AreaResample: _resample_reference(transposed=False),
        ResampleTranspose: _resample_reference(transposed=True),
    }
)
