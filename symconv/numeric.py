"""Numeric NumPy functions of operator expressions.

:func:`symconv.lambdify` compiles an operator expression into a matrix-free NumPy
function: every operator becomes slicing, zero insertion or a tap loop over
strided views (never a dense matrix), vectorised over leading batch axes. An
N-D layer (:class:`~symconv.operators.channels.CorrNd`) runs as BLAS matrix
products over blocks of kernel taps (im2col); its transpose either as one product that
computes every output phase from an im2col of shifted input windows, or as products per
block of taps added into place (col2im). A Kronecker product applies each factor along
its own axis of the reshaped input.
:func:`lambdify_explicit` is the reference path through the exact matrix, for
small sizes and tests.

Examples
--------
>>> import numpy as np
>>> from symconv import Conv, Upsample, kernel
>>> q = kernel("q", 3)
>>> f = lambdify(Conv(q, 4, "same") @ Upsample(2, 2), q)
>>> f(np.array([1.0, 2.0]), [1, 10, 100])
array([ 10., 102.,  20., 200.])

A 2×2 box filter on a 3×3 image (row-major), 'valid':

>>> from symconv.operators.channels import corr_nd
>>> lambdify(corr_nd([[1, 1], [1, 1]], (3, 3)))(np.arange(9.0))
array([ 8., 12., 20., 24.])
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import singledispatch
from typing import NamedTuple

import numpy as np
import sympy as sp
from sympy.matrices import expressions as mx

from symconv import _parallel, _validate
from symconv.errors import ParameterError
from symconv.matrices import derived_entries, explicit
from symconv.operators.base import Operator, expand_power
from symconv.operators.channels import ConvTransposeNd, CorrNd, NumericWeight, _layer_shape, flat
from symconv.operators.convolution import Conv, ConvTranspose, Corr
from symconv.operators.flip import Flip
from symconv.operators.grid import Permute
from symconv.operators.padding import Crop, Pad
from symconv.operators.padding_modes import BorderFold, BorderPad
from symconv.operators.rearrange import Fold, PixelShuffle, PixelUnshuffle, Unfold
from symconv.operators.sampling import Downsample, Upsample

__all__ = [
    "DENSE_LIMIT",
    "Apply",
    "correlate_strided",
    "lambdify",
    "lambdify_explicit",
    "scatter_transposed",
]

#: ``apply(x, values)``: x has shape (..., cols); values are the parameters' numbers.
Apply = Callable[[np.ndarray, Sequence[float]], np.ndarray]


class _Parameters:
    """The symbols a compiled function takes after x, and how to evaluate scalars in them."""

    def __init__(self, params: Sequence[object]) -> None:
        self.structure: list[int | None] = []  # None: a scalar symbol; k: a kernel of k taps
        self.symbols: list[sp.Symbol] = []
        for p in params:
            if isinstance(p, sp.Symbol):
                self.structure.append(None)
                self.symbols.append(p)
            # A kernel: Symbols, or the taps q[u] of a kernel family (symconv.kernels.family).
            elif isinstance(p, (tuple, list, sp.Tuple)) and all(
                isinstance(s, (sp.Symbol, sp.Indexed)) for s in p
            ):
                self.structure.append(len(p))
                self.symbols.extend(p)
            else:
                raise ParameterError(
                    "params",
                    p,
                    "SymPy Symbols or kernels (sequences of Symbols), e.g. kernel('q', 3)",
                )
        _validate.distinct("params", self.symbols)

    def compile(self, scalars: Sequence[sp.Expr]) -> Callable[[Sequence[float]], np.ndarray]:
        """Values of ``scalars`` as an array, given the parameters' values."""
        # The free symbols of a tap q[0] of a kernel family are q[0] and its base's label q.
        labels = {s.base.label for s in self.symbols if isinstance(s, sp.Indexed)}
        used = set().union(*(sp.sympify(s).free_symbols for s in scalars))
        unknown = used - set(self.symbols) - labels
        if unknown:
            names = ", ".join(sorted(map(str, unknown)))
            raise ParameterError(
                "params",
                tuple(self.symbols),
                f"every free symbol of the expression; {names} missing "
                "(pass them, e.g. lambdify(expr, q), or substitute numbers)",
            )
        if not any(sp.sympify(s).free_symbols for s in scalars):
            constant = np.array(
                [complex(s) if not sp.sympify(s).is_real else float(s) for s in scalars]
            )
            return lambda values: constant
        fn = sp.lambdify(self.symbols, list(scalars), modules="numpy")
        return lambda values: np.asarray(fn(*values))

    def flatten(self, given: Sequence[object]) -> list[object]:
        if len(given) != len(self.structure):
            raise ParameterError(
                "values", tuple(given), f"{len(self.structure)} value(s) after x, one per parameter"
            )
        flat: list[object] = []
        for value, count in zip(given, self.structure):
            if count is None:
                flat.append(value)
                continue
            taps = list(np.ravel(value))
            if len(taps) != count:
                raise ParameterError("kernel values", value, f"{count} taps")
            flat.extend(taps)
        return flat


def _size(value: sp.Expr, expr: mx.MatrixExpr) -> int:
    if not sp.sympify(value).is_Integer:
        raise ParameterError(
            "expr", expr, f"concrete sizes for a numeric function, not {value}; substitute first"
        )
    return int(value)


def _zeros(shape: tuple[int, ...], *arrays: np.ndarray) -> np.ndarray:
    """Zeros of ``shape`` laid out like ``arrays[0]`` in its last two axes.

    Kronecker products apply an operator along axis −2 through a swapped view;
    allocating the result in the same swapped layout makes the final swap back
    a free view instead of a copy.
    """
    dtype = np.result_type(*arrays, np.float64)
    first = arrays[0] if arrays else None
    if first is not None and first.ndim >= 2 and first.strides[-1] > first.strides[-2] > 0:
        swapped = (*shape[:-2], shape[-1], shape[-2])
        return np.zeros(swapped, dtype=dtype).swapaxes(-1, -2)
    return np.zeros(shape, dtype=dtype)


#: Correlation rows at least this long go through :func:`numpy.convolve` (compiled,
#: vectorised inner loop) one row at a time; shorter rows go through a tap loop over
#: the whole batch at once, which has no per-row Python overhead. (Transposed
#: convolutions always use the tap loop: the zero-inserted copy that ``convolve``
#: needs costs more than it saves.)
LONG_ROW = 16384


def _as_taps(q: np.ndarray) -> list[tuple[int, object]]:
    return [(t, tap) for t, tap in enumerate(np.ravel(q).tolist()) if tap != 0]


def _dilated(q: np.ndarray, dilation: int) -> np.ndarray:
    if dilation == 1:
        return np.asarray(q)
    out = np.zeros(dilation * (len(q) - 1) + 1, dtype=np.asarray(q).dtype)
    out[::dilation] = q
    return out


def _tap_spans(
    q: np.ndarray, lo: int, stride: int, dilation: int, steps: int, bound: int
) -> Iterator[tuple[object, int, int, int]]:
    """(tap, first, count, position) of each non-zero tap t of ``q``.

    The steps i = first, …, first + count − 1 (of 0 … steps − 1) are those whose grid
    position i·s + t·d − lo lies in [0, bound); ``position`` is that of the first.
    Correlation reads the input there for output i; its transpose writes there.
    """
    for t, tap in _as_taps(q):
        first = max(0, -(-(lo - t * dilation) // stride))
        last = min(steps - 1, (bound - 1 + lo - t * dilation) // stride)
        if last >= first:
            yield tap, first, last - first + 1, first * stride + t * dilation - lo


def _rows(x: np.ndarray) -> bool:
    """Whether ``x`` is one long row (or a few), best served by ``numpy.convolve``."""
    return x.shape[-1] >= LONG_ROW and x.size // x.shape[-1] <= 16


def _per_row(x: np.ndarray, length: int, row: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    if x.ndim == 1:
        return row(x)  # no copy into a fresh output
    out = np.empty((*x.shape[:-1], length), dtype=np.result_type(x, np.float64))
    for index in np.ndindex(*x.shape[:-1]):
        out[index] = row(x[index])
    return out


def correlate_strided(
    x: np.ndarray, q: np.ndarray, lo: int, hi: int, stride: int, dilation: int
) -> np.ndarray:
    """y_i = Σ_t q_t x̃_{i·s + t·d} over the zero-padded x̃, along the last axis.

    No padded copy of x is made: each tap adds into the output range where
    it meets x, through one scratch buffer (peak memory: two outputs).
    """
    n, m = x.shape[-1], len(q)
    length = (n + lo + hi - dilation * (m - 1) - 1) // stride + 1
    if _rows(x):
        # Full true convolution with the flipped, dilated kernel holds every
        # correlation value; row r of it is the correlation at offset r − span + 1.
        kernel = _dilated(np.asarray(q)[::-1], dilation)
        start = len(kernel) - 1 - lo
        last = start + stride * (length - 1)
        pad_lo = max(0, -start)
        pad_hi = max(0, last - (n + len(kernel) - 2))

        def row(v: np.ndarray) -> np.ndarray:
            full = np.convolve(v, kernel, "full")
            if pad_lo or pad_hi:
                full = np.concatenate([np.zeros(pad_lo), full, np.zeros(pad_hi)])
            return full[start + pad_lo : last + pad_lo + 1 : stride]

        return _per_row(x, length, row)
    out = _zeros((*x.shape[:-1], length), x, q)
    scratch = np.empty_like(out)
    for tap, first, count, j in _tap_spans(q, lo, stride, dilation, length, n):
        target = out[..., first : first + count]
        buffer = scratch[..., :count]
        np.multiply(x[..., j : j + stride * (count - 1) + 1 : stride], tap, out=buffer)
        np.add(target, buffer, out=target)
    return out


def scatter_transposed(
    y: np.ndarray, q: np.ndarray, lo: int, n_out: int, stride: int, dilation: int
) -> np.ndarray:
    """The transpose of :func:`correlate_strided`: z_{i·s + t·d − lo} += q_t y_i."""
    n = y.shape[-1]
    out = _zeros((*y.shape[:-1], n_out), y, q)
    scratch = np.empty_like(y, dtype=out.dtype)  # in y's layout: no transposing copy
    for tap, first, count, z in _tap_spans(q, lo, stride, dilation, n, n_out):
        target = out[..., z : z + stride * (count - 1) + 1 : stride]
        buffer = scratch[..., :count]
        np.multiply(y[..., first : first + count], tap, out=buffer)
        np.add(target, buffer, out=target)
    return out


def convolve_full(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Full true convolution along the last axis (NumPy's ``convolve`` for each row)."""
    return scatter_transposed(x, q, 0, x.shape[-1] + len(q) - 1, 1, 1)


# -- Fused linear maps: sums of scaled strided copies ---------------------------
#
# Every operator here is a sum of scaled "strided copies" y[o + p·j] = c · x[i + e·j]
# (j = 0 … count − 1): a selection (↓ₖ, ↑ₖ, pad, crop, flip) is one copy with c = 1,
# a convolution is one copy per tap. A product of copies is again a copy (the
# composition of two affine index maps on sub-ranges), so a chain of selections around
# at most one convolution, and sums of such chains, run as one list of copies into a
# single output buffer: no intermediate arrays, no per-operator passes.


class _Copy(NamedTuple):
    """y[out + out_step·j] = x[start + step·j] for j = 0 … count − 1 (steps are non-zero)."""

    out: int
    out_step: int
    start: int
    step: int
    count: int

    def index(self) -> tuple[slice, slice]:
        return _slice(self.out, self.out_step, self.count), _slice(
            self.start, self.step, self.count
        )


def _slice(start: int, step: int, count: int) -> slice:
    if count <= 0:
        return slice(0, 0)
    stop = start + step * (count - 1) + (1 if step > 0 else -1)
    return slice(start, None if stop < 0 else stop, step)


def _copy(out: int, out_step: int, start: int, step: int, count: int) -> _Copy | None:
    return _Copy(out, out_step, start, step, count) if count > 0 else None


def _solve(a: int, b: int, c: int) -> tuple[int, int, int, int] | None:
    """All integer (u, v) with a·u − b·v = c as (u₀ + M·t, v₀ + δ·t); None if there are none."""
    g = math.gcd(a, b)
    if c % g:
        return None
    modulus = abs(b) // g
    u0 = (c // g) * pow(a // g, -1, modulus) % modulus if modulus > 1 else 0
    v0 = (a * u0 - c) // b
    return u0, v0, modulus, a * modulus // b


def _range(value: int, slope: int, count: int) -> tuple[float, float]:
    """The t with 0 <= value + slope·t <= count − 1 (slope ≠ 0) as a closed interval."""
    lo, hi = -value, count - 1 - value
    if slope < 0:
        lo, hi, slope = -hi, -lo, -slope
    return -(-lo // slope), hi // slope


def _compose(outer: _Copy, inner: _Copy) -> _Copy | None:
    """The copy ``outer ∘ inner`` (inner applied first), None when no entry survives."""
    # outer reads u[outer.start + outer.step·j₂]; inner wrote u[inner.out + inner.out_step·j₁].
    solution = _solve(outer.step, inner.out_step, inner.out - outer.start)
    if solution is None:
        return None
    j2, j1, modulus, slope = solution
    lo2, hi2 = _range(j2, modulus, outer.count)
    lo1, hi1 = _range(j1, slope, inner.count)
    first, last = max(lo2, lo1), min(hi2, hi1)
    j2, j1 = j2 + modulus * first, j1 + slope * first
    return _copy(
        outer.out + outer.out_step * j2,
        outer.out_step * modulus,
        inner.start + inner.step * j1,
        inner.step * slope,
        last - first + 1,
    )


def _overlap(a: _Copy, b: _Copy) -> bool:
    """Whether two copies write a common output position."""
    target = _Copy(a.out, a.out_step, a.out, a.out_step, a.count)
    return _compose(_Copy(0, 1, b.out, b.out_step, b.count), target) is not None


class _Linear(NamedTuple):
    """Σ coefficient · copy, a map from ℝ^cols to ℝ^rows."""

    rows: int
    cols: int
    terms: tuple[tuple[sp.Expr, _Copy], ...]


def _linear_of(rows: int, cols: int, terms: Sequence[tuple[object, _Copy | None]]) -> _Linear:
    """Merge terms with equal copies (exact coefficients) and drop zero ones."""
    merged: dict[_Copy, sp.Expr] = {}
    for coefficient, copy in terms:
        if copy is not None:
            merged[copy] = merged.get(copy, sp.S.Zero) + sp.sympify(coefficient)
    return _Linear(rows, cols, tuple((c, k) for k, c in merged.items() if c != 0))


@singledispatch
def _linear(expr: object) -> _Linear | None:
    """``expr`` as a sum of scaled strided copies, or None when it is not one."""
    return None


@_linear.register
def _(expr: Downsample) -> _Linear:
    k, rows = _size(expr.k, expr), _size(expr.rows, expr)
    return _linear_of(rows, _size(expr.cols, expr), [(1, _copy(0, 1, 0, k, rows))])


@_linear.register
def _(expr: Upsample) -> _Linear:
    k, n = _size(expr.k, expr), _size(expr.n, expr)
    return _linear_of(_size(expr.rows, expr), n, [(1, _copy(0, k, 0, 1, n))])


@_linear.register
def _(expr: Pad) -> _Linear:
    lo, n = _size(expr.lo, expr), _size(expr.n, expr)
    return _linear_of(_size(expr.rows, expr), n, [(1, _copy(lo, 1, 0, 1, n))])


@_linear.register
def _(expr: Crop) -> _Linear:
    lo, rows = _size(expr.lo, expr), _size(expr.rows, expr)
    return _linear_of(rows, _size(expr.cols, expr), [(1, _copy(0, 1, lo, 1, rows))])


@_linear.register
def _(expr: Flip) -> _Linear:
    n = _size(expr.n, expr)
    return _linear_of(n, n, [(1, _copy(0, 1, n - 1, -1, n))])


@_linear.register
def _(expr: mx.Identity) -> _Linear:
    n = _size(expr.rows, expr)
    return _linear_of(n, n, [(1, _copy(0, 1, 0, 1, n))])


@_linear.register
def _(expr: mx.ZeroMatrix) -> _Linear:
    return _linear_of(_size(expr.rows, expr), _size(expr.cols, expr), [])


def _tap_copies(rows: int, cols: int, kernel, stride: int, dilation: int, lo: int, forward: bool):
    """The copies of ``correlate_strided`` (forward) or ``scatter_transposed``, one per tap."""
    terms = []
    for t, tap in enumerate(kernel):
        shift = t * dilation - lo  # forward: x[i·s + shift] → y[i]; else y[i] → z[i·s + shift]
        short, long = (rows, cols) if forward else (cols, rows)
        first = max(0, -(shift // stride))
        last = min(short - 1, (long - 1 - shift) // stride)
        count = last - first + 1
        edge = first * stride + shift
        copy = (
            _copy(first, 1, edge, stride, count)
            if forward
            else _copy(edge, stride, first, 1, count)
        )
        terms.append((tap, copy))
    return _linear_of(rows, cols, terms)


@_linear.register
def _(expr: Corr) -> _Linear:
    lo = _size(expr.padding[0], expr)
    s, d = _size(expr.stride, expr), _size(expr.dilation, expr)
    return _tap_copies(_size(expr.rows, expr), _size(expr.cols, expr), expr.kernel, s, d, lo, True)


@_linear.register
def _(expr: ConvTranspose) -> _Linear:
    lo = _size(expr.padding[0], expr)
    s, d = _size(expr.stride, expr), _size(expr.dilation, expr)
    return _tap_copies(_size(expr.rows, expr), _size(expr.cols, expr), expr.kernel, s, d, lo, False)


@_linear.register
def _(expr: Conv) -> _Linear:
    # Full convolution z[j + t] += q_t x[j], cropped to z[start : start + rows].
    start = _size(expr.crop[0], expr)
    rows, cols = _size(expr.rows, expr), _size(expr.cols, expr)
    return _tap_copies(rows, cols, expr.kernel, 1, 1, start, False)


@_linear.register
def _(expr: mx.Transpose) -> _Linear | None:
    evaluated = expr.doit()
    return None if evaluated == expr else _linear(evaluated)


def _product(outer: _Linear, inner: _Linear) -> _Linear | None:
    # Composing two sums multiplies their term counts: only worth it when one is a
    # single copy (a selection), otherwise the factors run one after the other.
    if min(len(outer.terms), len(inner.terms)) > 1:
        return None
    return _linear_of(
        outer.rows,
        inner.cols,
        [(a * b, _compose(f, g)) for a, f in outer.terms for b, g in inner.terms],
    )


@_linear.register
def _(expr: mx.MatMul) -> _Linear | None:
    coeff, factors = expr.as_coeff_matrices()
    result = _linear(factors[-1])
    for factor in reversed(factors[:-1]):
        outer = _linear(factor)
        if result is None or outer is None:
            return None
        result = _product(outer, result)
    if result is None:
        return None
    return _linear_of(result.rows, result.cols, [(coeff * c, k) for c, k in result.terms])


@_linear.register
def _(expr: mx.MatPow) -> _Linear | None:
    return _linear(mx.MatMul(*expand_power(expr)))


@_linear.register
def _(expr: mx.MatAdd) -> _Linear | None:
    parts = [_linear(arg) for arg in expr.args]
    if any(p is None for p in parts):
        return None
    rows, cols = _size(expr.rows, expr), _size(expr.cols, expr)
    return _linear_of(rows, cols, [term for p in parts for term in p.terms])


#: Scaled copies that add into written outputs go through a scratch buffer of at
#: most this many elements, chunk by chunk: it stays in cache, and peak memory
#: stays at the output's size.
CHUNK = 2**14


def _compile_linear(linear: _Linear, params: _Parameters) -> Apply:
    """One output buffer; each copy assigns where no earlier copy wrote, else adds."""
    coefficients = params.compile([c for c, _ in linear.terms] or [0])
    plan = []
    for k, (c, copy) in enumerate(linear.terms):
        fresh = not any(_overlap(copy, other) for _, other in linear.terms[:k])
        plan.append((k, *copy.index(), copy.count, fresh, c == 1))

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        scale = coefficients(values)
        out = _zeros((*x.shape[:-1], linear.rows), x, scale)
        lead = x.size // max(x.shape[-1], 1)
        width = max(-(-CHUNK // max(lead, 1)), CHUNK // 64)
        scratch = None
        for k, out_index, in_index, count, fresh, unit in plan:
            target, source = out[..., out_index], x[..., in_index]
            if fresh and unit:
                np.copyto(target, source)
            elif fresh:
                np.multiply(source, scale[k], out=target)
            elif unit:
                np.add(target, source, out=target)
                continue
            if fresh:
                continue
            if scratch is None:
                scratch = np.empty_like(x[..., :width], dtype=out.dtype)
            for j in range(0, count, width):
                part = target[..., j : j + width]
                buffer = scratch[..., : part.shape[-1]]
                np.multiply(source[..., j : j + width], scale[k], out=buffer)
                np.add(part, buffer, out=part)
        return out

    return apply


@singledispatch
def _compile(expr: object, params: _Parameters) -> Apply:
    if isinstance(expr, Operator):
        return _compile_derived(expr, params)
    raise ParameterError("expr", expr, "an expression built from symconv operators and matrices")


def _compile_derived(expr: Operator, params: _Parameters) -> Apply:
    """x ↦ A x through the sparse matrix of A's index map: the default for an operator
    without a fast path (one sparse product; entries may depend on the parameters)."""
    from scipy import sparse  # deferred: SciPy is only needed on this path

    rows, cols = _size(expr.rows, expr), _size(expr.cols, expr)
    entries = derived_entries(expr)
    positions = np.array([(r, c) for r, c, _ in entries], dtype=np.intp).reshape(-1, 2).T
    values = params.compile([v for _, _, v in entries] or [0])

    def apply(x: np.ndarray, given: Sequence[float]) -> np.ndarray:
        data = values(given)[: len(entries)]
        matrix = sparse.csr_array((data, (positions[0], positions[1])), shape=(rows, cols))
        flat = x.reshape(-1, cols)
        return np.asarray((matrix @ flat.T).T).reshape(*x.shape[:-1], rows)

    return apply


@_compile.register
def _(expr: Downsample, params: _Parameters) -> Apply:
    k = _size(expr.k, expr)
    return lambda x, values: x[..., ::k]


@_compile.register
def _(expr: Upsample, params: _Parameters) -> Apply:
    k, length = _size(expr.k, expr), _size(expr.length, expr)

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        out = _zeros((*x.shape[:-1], length), x)
        out[..., ::k] = x
        return out

    return apply


@_compile.register
def _(expr: Pad, params: _Parameters) -> Apply:
    lo, rows = _size(expr.lo, expr), _size(expr.rows, expr)

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        out = _zeros((*x.shape[:-1], rows), x)
        out[..., lo : lo + x.shape[-1]] = x
        return out

    return apply


@_compile.register
def _(expr: Crop, params: _Parameters) -> Apply:
    lo, rows = _size(expr.lo, expr), _size(expr.rows, expr)
    return lambda x, values: x[..., lo : lo + rows]


@_compile.register
def _(expr: Flip, params: _Parameters) -> Apply:
    return lambda x, values: x[..., ::-1]


def _border_sources(expr: BorderPad | BorderFold) -> np.ndarray:
    """The input sample each padded sample copies (BorderPad's column formula, vectorised)."""
    n, lo, rows = _size(expr.n, expr), _size(expr.lo, expr), _size(expr.padded, expr)
    p = np.arange(rows) - lo
    if expr.mode == "replicate":
        return np.clip(p, 0, n - 1)
    if expr.mode == "circular":
        return np.mod(p, n)
    if expr.mode == "reflect":
        return (n - 1) - np.abs(np.mod(p, 2 * (n - 1)) - (n - 1))
    q = np.mod(p, 2 * n)  # symmetric
    return np.where(q < n, q, 2 * n - 1 - q)


@_compile.register
def _(expr: BorderPad, params: _Parameters) -> Apply:
    sources = _border_sources(expr)
    return lambda x, values: x[..., sources]


@_compile.register
def _(expr: BorderFold, params: _Parameters) -> Apply:
    sources, n = _border_sources(expr), _size(expr.n, expr)

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        out = _zeros((*x.shape[:-1], n), x)
        # Scatter-add along the last axis: each padded sample onto the sample it copies.
        np.add.at(np.moveaxis(out, -1, 0), sources, np.moveaxis(x, -1, 0))
        return out

    return apply


@_compile.register
def _(expr: Conv, params: _Parameters) -> Apply:
    return _compile_linear(_linear(expr), params)


@_compile.register
def _(expr: Corr, params: _Parameters) -> Apply:
    taps = params.compile(expr.kernel)
    lo, hi = (_size(p, expr) for p in expr.padding)
    s, d = _size(expr.stride, expr), _size(expr.dilation, expr)
    taps_loop = _compile_linear(_linear(expr), params)

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        if _rows(x):
            return correlate_strided(x, taps(values), lo, hi, s, d)
        return taps_loop(x, values)

    return apply


@_compile.register
def _(expr: ConvTranspose, params: _Parameters) -> Apply:
    return _compile_linear(_linear(expr), params)


# -- N-D layers: one BLAS matrix product per block of kernel taps ----------------

#: Scratch budget of a layer's matrix products, in array entries: the block of
#: im2col columns (forward) or of per-tap products (transposed) handled at once,
#: with one chunk's padded input or uncropped result, holds at most this many
#: entries and at most the output's, summed over the threads of a call (but always
#: at least one tap of one sample per thread, with fewer threads if that exceeds the
#: output), so a call's peak stays below twice the output plus the weights unless one
#: tap of one sample exceeds the output. 2**20 float64 entries are 8 MB.
LAYER_BLOCK = 2**20

#: Layers with at least this many output entries (and more than one sample) run their
#: chunks of samples on several threads, BLAS on one thread each (:mod:`symconv._parallel`);
#: below it, starting a thread costs more than it saves.
PARALLEL_OUTPUT = 2**16

#: A transposed layer's block of per-tap products holds at most this many entries (but at
#: least one tap of one sample): 256 KB of float64, so the products are still in the core's
#: cache when they are added into the result buffer. Measured on the 16→8-channel 4×4
#: stride-2 layer at 32² (products of 8712 entries per tap), on one thread of a loaded
#: machine: blocks of 2–6 taps ran in 1.5–1.7 ms each time; 8 or 16 taps at once (0.6 or
#: 1.1 MB) about as fast in some runs and 3–170× slower in others.
COL2IM_BLOCK = 2**15

#: A transposed layer adds each tap's products as contiguous runs over a zero-padded
#: input when (padded − unpadded input entries) · C_out/g < RUNS_PADDING · (unpadded
#: entries), and into strided windows otherwise: a run saves ≈ 0.5 ns per entry added,
#: the padding costs C_out/g multiply-adds of ≈ 0.06 ns per entry (one core of the
#: 2-core machine measured). Of seven layers timed both ways (8 samples), runs were
#: faster on the 16→8-channel 4×4 stride-2 layer at 32² (a padding of 6 %, C_out/g = 16:
#: 1.5 against 2.1 ms) and the 3×3 layers at 64² and 128²; windows on a 7×7 layer at 16²
#: (89 %, 32 channels) and the 256→128-channel 4×4 stride-2 layer at 8² (27 %).
RUNS_PADDING = 8


def _weight_values(weight: object, params: _Parameters) -> Callable[[Sequence[float]], np.ndarray]:
    """The weight's entries (row-major) as an array, given the parameters' values."""
    if isinstance(weight, NumericWeight):  # plain numbers: the array itself, no SymPy
        numbers = weight.numbers.astype(np.float64).ravel()
        return lambda values: numbers
    return params.compile(flat(weight))


def _phase_reads(r: int, s: int, lo: int, n_out: int) -> tuple[int, int, int]:
    """(i₀, q₀, count) of phase r of a transposed layer's axis (stride s, low padding lo,
    n_out outputs).

    Output i sits at full position lo + i = q·s + r: phase r holds the outputs i₀, i₀ + s,
    … with i₀ = (r − lo) mod s, count of them, read from phase position q₀ = (lo + i₀) // s
    on.

    Examples
    --------
    Stride 2, padding 1, 4 outputs: phase 1 holds outputs 0 and 2, at q = 0 and 1.

    >>> _phase_reads(1, 2, 1, 4)
    (0, 0, 2)
    """
    i0 = (r - lo) % s
    return i0, (lo + i0) // s, len(range(i0, n_out, s))


class _Layer:
    """The integers and the weight function of a CorrNd/ConvTransposeNd at concrete sizes.

    Both directions run as matrix products over the flattened taps: forward, an
    im2col of a block of taps (strided views of the padded input stacked along
    the contraction axis) times the (C_out/g, taps·C_in/g) weight; transposed,
    the (taps·C_in/g, C_out/g) weight times the input, each tap's rows then added
    into its window of the uncropped result (col2im). Samples and taps are cut
    into blocks (:func:`_blocks`); chunks of samples may run on several threads
    (:mod:`symconv._parallel`). Beside the input, the weights and the output, each
    thread holds one block and the padded input (forward) or the uncropped result and
    perhaps the padded input (transposed) of one chunk of samples.
    """

    def __init__(self, expr: CorrNd | ConvTransposeNd, params: _Parameters) -> None:
        self.c_out, self.c_in, self.c_out_g, self.c_in_g = _layer_shape(expr.weight, expr.groups)
        self.groups = int(expr.groups)
        self.shape = tuple(expr.weight.shape)
        self.kernel = self.shape[2:]
        self.taps = list(itertools.product(*map(range, self.kernel)))
        self.stride = [_size(s, expr) for s in expr.stride]
        self.dilation = [_size(d, expr) for d in expr.dilation]
        self.lows = [int(p[0]) for p in expr.padding]
        self.highs = [int(p[1]) for p in expr.padding]
        self.size = [_size(n, expr) for n in expr.size]
        self.output_size = [_size(n, expr) for n in expr.output_size]
        self._values = _weight_values(expr.weight, params)

    def weight(self, values: Sequence[float]) -> np.ndarray:
        """(groups, C_out/groups, C_in/groups, taps) of the forward conv."""
        w = np.asarray(self._values(values)).reshape(self.shape)
        return w.reshape(self.groups, self.c_out_g, self.c_in_g, len(self.taps))

    def window(self, taps: tuple[int, ...], lengths: Sequence[int]) -> tuple[slice, ...]:
        """The strided slice that tap ``taps`` reads from the padded grid."""
        return tuple(
            slice(t * d, t * d + s * (n - 1) + 1, s)
            for t, d, s, n in zip(taps, self.dilation, self.stride, lengths)
        )

    def phase_outputs(
        self,
    ) -> Iterator[tuple[tuple[int, ...], tuple[slice, ...], list[tuple[int, int]]]]:
        """Of the transposed layer, each phase (one r per axis) that holds outputs: the
        phase, its outputs (a strided slice per axis) and per axis the phase positions
        it is read from, as (q₀, count) (:func:`_phase_reads`)."""
        for phase in itertools.product(*map(range, self.stride)):
            axes = [
                _phase_reads(r, s, lo, n)
                for r, s, lo, n in zip(phase, self.stride, self.lows, self.output_size)
            ]
            if all(count for _, _, count in axes):
                outputs = tuple(slice(i0, None, s) for (i0, _, _), s in zip(axes, self.stride))
                yield phase, outputs, [(q0, count) for _, q0, count in axes]


def _blocks(
    units: int,
    samples: int,
    per_unit: int,
    per_sample: int,
    output: int,
    cached: int | None = None,
) -> tuple[int, int, int]:
    """(samples, units) per block, and the threads that run the chunks of samples.

    A layer's products are cut into blocks of ``units`` (kernel taps, or the input
    windows of the phase form) and of samples. ``per_unit``: the entries one unit of
    one sample needs; ``per_sample``: the entries of one sample's scratch buffers
    (padded input, uncropped result or phases). Each thread holds one block and one
    chunk's buffers; all of them together stay within the budget, at most the
    output's size (so output and scratch stay within twice the output), with fewer
    threads if need be, unless one unit of one sample needs more (then the threads
    are as many as otherwise).
    ``cached``, if given, caps the entries of a block (samples × units × ``per_unit``, but
    at least one unit of one sample) so that it stays in cache. Blocks of units are cut
    equal, so none is a sliver.

    Examples
    --------
    Eight samples of 16 units each, 100 entries a unit: with room for all of them, one
    block of every unit and every sample, on one thread (a small output):

    >>> _blocks(16, 8, per_unit=100, per_sample=10, output=20_000)
    (8, 16, 1)
    """
    least = per_unit + per_sample  # one unit of one sample
    workers = _parallel.thread_budget() if output >= PARALLEL_OUTPUT and samples > 1 else 1
    workers = min(workers, samples)
    if least <= output:  # fewer threads rather than more scratch than the output
        workers = min(workers, output // least)
    # (Where one unit of one sample alone needs more, fewer threads would not restore
    # the bound, only slow the call.)
    budget = max(least, min(LAYER_BLOCK, output) // workers)
    cached = budget if cached is None else cached
    block = max(1, min(units, (budget - per_sample) // per_unit, cached // per_unit))
    if block < units:
        return 1, -(-units // -(-units // block)), workers
    chunk = budget // (per_unit * units + per_sample)
    chunk = max(1, min(samples, chunk, cached // (per_unit * units)))
    return chunk, units, min(workers, -(-samples // chunk))


def _run_chunks(
    starts: range, work: Callable[[Iterable[int]], None], workers: int, output: int
) -> None:
    """``work`` on the chunks of samples (:func:`symconv._parallel.run_chunks`); a layer
    too small for our threads runs with BLAS on one thread too: its products are small,
    and BLAS's threads split them at a loss (several times slower on a loaded machine;
    the 64→64-channel 3×3 transposed layer at 8², 8 samples: 9.7 ms, 1.7 ms on one
    thread). A large layer on one thread (one sample) keeps BLAS's threads, its only
    parallelism."""
    if workers <= 1 and output < PARALLEL_OUTPUT:
        with _parallel.single_threaded_blas():
            work(iter(starts))
    else:
        _parallel.run_chunks(starts, work, workers)


def _im2col_product(
    target: np.ndarray,
    padded: np.ndarray,
    weight: np.ndarray,
    windows: Sequence[tuple[slice, ...]],
    block: int,
    columns: np.ndarray,
    scratch: np.ndarray | None,
) -> None:
    """``target`` = Σ over windows of the weight's column block times that window of ``padded``.

    ``padded`` is (n, g, K, *grid); window j selects a (n, g, K, *shape) view whose
    entries meet the weight's columns j·K … (j + 1)·K; ``weight`` is (g, M, windows·K);
    ``target`` and ``scratch`` are (n, g, M, prod(shape)). The views of ``block``
    windows at a time are stacked into ``columns`` (≥ n, g, block, K, *shape) along the
    contraction axis (im2col), and each block is one batched BLAS product: the first
    written into ``target``, the others through ``scratch`` (a product cannot add into
    its output) and added.
    """
    n, k = target.shape[0], padded.shape[2]
    for first in range(0, len(windows), block):
        count = min(block, len(windows) - first)
        for j, window in enumerate(windows[first : first + count]):
            columns[:n, :, j] = padded[(slice(n), slice(None), slice(None), *window)]
        cols = columns[:n, :, :count].reshape(n, columns.shape[1], count * k, -1)
        weights = weight[..., first * k : (first + count) * k]
        if first:
            np.matmul(weights, cols, out=scratch[:n])
            target += scratch[:n]
        else:
            np.matmul(weights, cols, out=target)


@_compile.register
def _(expr: CorrNd, params: _Parameters) -> Apply:
    layer = _Layer(expr, params)
    g, c_in_g, c_out_g = layer.groups, layer.c_in_g, layer.c_out_g
    out_spatial = math.prod(layer.output_size)
    padded_size = [n + lo + hi for n, lo, hi in zip(layer.size, layer.lows, layer.highs)]
    inner = tuple(slice(lo, lo + n) for lo, n in zip(layer.lows, layer.size))
    windows = [layer.window(tap, layer.output_size) for tap in layer.taps]

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        # (g, C_out/g, taps·C_in/g): column block (tap, c) meets weight entry w[o, c, tap].
        w = layer.weight(values).transpose(0, 1, 3, 2).reshape(g, c_out_g, -1)
        batch = x.shape[:-1]
        grid = x.reshape(-1, g, c_in_g, *layer.size)
        samples = grid.shape[0]
        out = np.empty((samples, g, c_out_g, out_spatial), dtype=np.result_type(x, w, np.float64))
        per_tap = layer.c_in * out_spatial
        per_sample = layer.c_in * math.prod(padded_size)
        chunk, block, workers = _blocks(len(windows), samples, per_tap, per_sample, out.size)
        if block < len(windows):  # the later blocks' products go through a scratch buffer
            per_sample += out.size // samples
            chunk, block, workers = _blocks(len(windows), samples, per_tap, per_sample, out.size)
        dtype = np.result_type(x, np.float64)

        def work(starts: Iterable[int]) -> None:
            padded = np.zeros((chunk, g, c_in_g, *padded_size), dtype=dtype)
            columns = np.empty((chunk, g, block, c_in_g, *layer.output_size), dtype=dtype)
            scratch = np.empty((chunk, *out.shape[1:]), out.dtype) if block < len(windows) else None
            for start in starts:
                n = min(chunk, samples - start)
                padded[(slice(n), Ellipsis, *inner)] = grid[start : start + n]
                _im2col_product(out[start : start + n], padded, w, windows, block, columns, scratch)

        _run_chunks(range(0, samples, chunk), work, workers, out.size)
        return out.reshape(*batch, -1)

    return apply


class _Polyphase(NamedTuple):
    """A transposed layer as a stride-1 correlation per output phase (sub-pixel form).

    Full result position q·s + r of an axis with stride s is phase r; tap t adds input
    entry q − σ at phase r = t·d mod s, shift σ = t·d // s. Per axis the taps cover
    ``phases`` × ``shifts`` (every phase that has taps has all shifts: the dense case,
    e.g. stride 1, or kernel a multiple of stride at dilation 1), so phase r is the
    correlation of the input with the sub-kernel of its taps, and all phases read the
    same windows (one per combination of shifts) of the input, zero-padded in front by
    the largest shift: one im2col and one product compute every phase, nothing is added.
    """

    phases: list[list[int]]  # per axis, the phases that have taps
    shifts: list[list[int]]  # per axis, the shifts, the same for each such phase
    first: list[int]  # per axis, the first phase position q the output reads
    extent: list[int]  # per axis, the positions q computed


def _polyphase(layer: _Layer) -> _Polyphase | None:
    """The layer's polyphase plan, or None where some phase lacks a shift (then the
    dense product would multiply zero weights: col2im does less work)."""
    phases, shifts, first, extent = [], [], [], []
    for s, d, m, lo, n_out in zip(
        layer.stride, layer.dilation, layer.kernel, layer.lows, layer.output_size
    ):
        axis_phases = sorted({t * d % s for t in range(m)})
        axis_shifts = sorted({t * d // s for t in range(m)})
        if len(axis_phases) * len(axis_shifts) != m:
            return None
        reads = [
            (q0, q0 + count)
            for _, q0, count in (_phase_reads(r, s, lo, n_out) for r in axis_phases)
            if count
        ]
        if not reads:  # no output reads a phase that has taps: col2im writes the zeros
            return None
        low = min(a for a, _ in reads)
        phases.append(axis_phases)
        shifts.append(axis_shifts)
        first.append(low)
        extent.append(max(b for _, b in reads) - low)
    return _Polyphase(phases, shifts, first, extent)


def _compile_polyphase(layer: _Layer, plan: _Polyphase, col2im: Apply) -> Apply:
    """The layer as its phases' correlations (:class:`_Polyphase`) where one sample's
    im2col of all windows fits the memory budget, ``col2im`` otherwise: cut into blocks
    of windows, this form would add a partial product of the whole result per block,
    on top of the work col2im does."""
    g, c_in_g, c_out_g = layer.groups, layer.c_in_g, layer.c_out_g
    largest = [max(shifts) for shifts in plan.shifts]
    # The input sits at the largest shift, so that position q − σ of the input is q − σ +
    # that shift of the padded grid, and the grid is long enough for the last window.
    padded_size = [
        top + max(n, a + e) for top, n, a, e in zip(largest, layer.size, plan.first, plan.extent)
    ]
    inner = tuple(slice(top, top + n) for top, n in zip(largest, layer.size))
    windows = [
        tuple(
            slice(a - σ + top, a - σ + top + e, 1)
            for a, σ, top, e in zip(plan.first, shift, largest, plan.extent)
        )
        for shift in itertools.product(*plan.shifts)
    ]
    # One window that is the input itself (the kernel's span within the stride, and
    # phases that read exactly the input's positions, as in 2×2 stride-2 layers without
    # padding): the product reads the input, with no padded copy and no im2col.
    reads_input = windows == [tuple(slice(0, n, 1) for n in layer.size)]
    # Tap of each (phases, shifts) pair: t·d = σ·s + r along every axis.
    taps = np.array(
        [
            [
                np.ravel_multi_index(
                    [
                        (σ * s + r) // d
                        for σ, s, r, d in zip(shift, layer.stride, phase, layer.dilation)
                    ],
                    layer.kernel,
                )
                for shift in itertools.product(*plan.shifts)
            ]
            for phase in itertools.product(*plan.phases)
        ]
    )
    n_phases = math.prod(map(len, plan.phases))
    computed = math.prod(plan.extent)
    # With stride 1 there is one phase, computed exactly where the output is: the
    # products go straight into the output. Otherwise the phases are computed into a
    # buffer and interleaved by one strided copy per phase.
    direct = all(s == 1 for s in layer.stride)
    gathers = []
    for phase, outputs, reads in [] if direct else layer.phase_outputs():
        if all(r in rs for r, rs in zip(phase, plan.phases)):
            index = int(
                np.ravel_multi_index(
                    [rs.index(r) for r, rs in zip(phase, plan.phases)],
                    [len(rs) for rs in plan.phases],
                )
            )
            source = tuple(slice(q0 - a, q0 - a + c) for (q0, c), a in zip(reads, plan.first))
            gathers.append(
                ((Ellipsis, *outputs), (slice(None), slice(None), index, Ellipsis, *source))
            )
        else:  # a phase that no tap reaches
            gathers.append(((Ellipsis, *outputs), None))

    # Scratch: one sample's im2col column per window, and its padded input and phases
    # (counted also where the product reads the input: then a bound, not the need).
    per_window = layer.c_out * computed
    per_sample = layer.c_out * math.prod(padded_size)
    if not direct:
        per_sample += layer.c_in * n_phases * computed

    def apply(y: np.ndarray, values: Sequence[float]) -> np.ndarray:
        batch = y.shape[:-1]
        grid = y.reshape(-1, g, c_out_g, *layer.size)
        samples = grid.shape[0]
        output = samples * layer.c_in * math.prod(layer.output_size)
        chunk, block, workers = _blocks(len(windows), samples, per_window, per_sample, output)
        if block < len(windows):  # one sample's windows do not fit in one block
            return col2im(y, values)
        w = layer.weight(values)[..., taps]  # (g, C_out/g, C_in/g, phases, shifts)
        w = w.transpose(0, 3, 2, 4, 1).reshape(g, n_phases * c_in_g, -1)
        dtype = np.result_type(y, w, np.float64)
        out = np.empty((samples, g, c_in_g, *layer.output_size), dtype=dtype)

        def work(starts: Iterable[int]) -> None:
            if not reads_input:
                padded = np.zeros((chunk, g, c_out_g, *padded_size), dtype=dtype)
                columns = np.empty((chunk, g, len(windows), c_out_g, *plan.extent), dtype=dtype)
            phases = (chunk, g, n_phases * c_in_g, computed)
            phased = None if direct else np.empty(phases, dtype=dtype)
            for start in starts:
                n = min(chunk, samples - start)
                chunk_out = out[start : start + n]
                target = chunk_out.reshape(n, g, c_in_g, computed) if direct else phased[:n]
                if reads_input:
                    inputs = grid[start : start + n].reshape(n, g, c_out_g, computed)
                    np.matmul(w, inputs, out=target)
                else:
                    padded[(slice(n), Ellipsis, *inner)] = grid[start : start + n]
                    _im2col_product(target, padded, w, windows, block, columns, None)
                if not direct:
                    grids = phased[:n].reshape(n, g, n_phases, c_in_g, *plan.extent)
                    for into, source in gathers:
                        chunk_out[into] = 0 if source is None else grids[source]

        _run_chunks(range(0, samples, chunk), work, workers, out.size)
        return out.reshape(*batch, -1)

    return apply


@_compile.register
def _(expr: ConvTransposeNd, params: _Parameters) -> Apply:
    layer = _Layer(expr, params)
    col2im = _compile_col2im(layer)
    plan = _polyphase(layer)
    return col2im if plan is None else _compile_polyphase(layer, plan, col2im)


def _compile_col2im(layer: _Layer) -> Apply:
    g, c_in_g, c_out_g = layer.groups, layer.c_in_g, layer.c_out_g
    in_spatial = math.prod(layer.size)
    # The scatter buffer is phase-major: axis k of the full result, of extent at least
    # s(n − 1) + d(m − 1) + 1 and lo + the output, is stored as (s, P) with P = ⌈extent/s⌉,
    # so position q·s + r sits at [r, q]; each phase holds its channels one after
    # another. Tap t adds into phase t·d mod s, shifted by t·d // s, a window with unit
    # stride along the last axis. At the end one strided copy per phase puts the kept
    # part of each phase in place.
    phase_lengths = [
        -(-max(s * (n - 1) + d * (m - 1) + 1, lo + n_out) // s)
        for s, n, d, m, lo, n_out in zip(
            layer.stride, layer.size, layer.dilation, layer.kernel, layer.lows, layer.output_size
        )
    ]
    grid_size = math.prod(phase_lengths)
    n_phases = math.prod(layer.stride)
    # Runs: with the input zero-padded onto the P-grid, a tap's shift is one offset into
    # the flattened grid, and its products for all channels are one contiguous run added
    # at that offset (a product's padding zeros land on the next channel's first entries,
    # adding nothing). NumPy adds a contiguous run about three times faster per entry
    # than a strided window, but the products grow by the padding: see RUNS_PADDING.
    runs = (grid_size - in_spatial) * c_out_g < RUNS_PADDING * in_spatial
    columns = grid_size if runs else in_spatial
    # Flat offset in the P-grid of the input's last entry, plus one: a channel's run ends
    # there, so the last channel's run stays inside the buffer whatever the shift.
    last = int(np.ravel_multi_index([n - 1 for n in layer.size], phase_lengths)) + 1
    run = (c_in_g - 1) * grid_size + last
    # Where each tap adds: its run in the flat buffer, or its window in the phase grid.
    scatters = []
    for tap in layer.taps:
        phase = [t * d % s for t, d, s in zip(tap, layer.dilation, layer.stride)]
        shift = [t * d // s for t, d, s in zip(tap, layer.dilation, layer.stride)]
        index = int(np.ravel_multi_index(phase, layer.stride))
        if runs:
            offset = int(np.ravel_multi_index(shift, phase_lengths))
            scatters.append((slice(None), slice(None), index, slice(offset, offset + run)))
        else:
            window = tuple(slice(q, q + n) for q, n in zip(shift, layer.size))
            scatters.append((slice(None), slice(None), index, Ellipsis, *window))
    inner = tuple(slice(0, n) for n in layer.size)
    gathers = []
    for phase, outputs, reads in layer.phase_outputs():
        index = int(np.ravel_multi_index(phase, layer.stride))
        source = tuple(slice(q0, q0 + c) for q0, c in reads)
        gathers.append(((Ellipsis, *outputs), (slice(None), slice(None), index, Ellipsis, *source)))

    def apply(y: np.ndarray, values: Sequence[float]) -> np.ndarray:
        # (g, taps·C_in/g, C_out/g): row block (tap, c) holds weight entries w[:, c, tap].
        w = layer.weight(values).transpose(0, 3, 2, 1).reshape(g, -1, c_out_g)
        batch = y.shape[:-1]
        grid = y.reshape(-1, g, c_out_g, *layer.size)
        samples = grid.shape[0]
        dtype = np.result_type(y, w, np.float64)
        out = np.empty((samples, g, c_in_g, *layer.output_size), dtype=dtype)
        per_sample = (layer.c_in * n_phases + (layer.c_out if runs else 0)) * grid_size
        per_tap = layer.c_in * columns
        chunk, block, workers = _blocks(
            len(layer.taps), samples, per_tap, per_sample, out.size, COL2IM_BLOCK
        )

        def work(starts: Iterable[int]) -> None:
            buffer = np.empty((chunk, g, n_phases, c_in_g * grid_size), dtype=dtype)
            padded = np.zeros((chunk, g, c_out_g, *phase_lengths), dtype=dtype) if runs else None
            products = np.empty((chunk, g, block * c_in_g, columns), dtype=dtype)
            for start in starts:
                n = min(chunk, samples - start)
                phases = buffer[:n]
                phases[...] = 0
                grids = phases.reshape(n, g, n_phases, c_in_g, *phase_lengths)
                if runs:
                    padded[(slice(n), Ellipsis, *inner)] = grid[start : start + n]
                    source = padded[:n].reshape(n, g, c_out_g, grid_size)
                else:
                    source = grid[start : start + n].reshape(n, g, c_out_g, in_spatial)
                for first in range(0, len(layer.taps), block):
                    count = min(block, len(layer.taps) - first)
                    rows = products[:n, :, : count * c_in_g]
                    np.matmul(w[:, first * c_in_g : (first + count) * c_in_g], source, out=rows)
                    if runs:
                        rows = rows.reshape(n, g, count, c_in_g * columns)[..., :run]
                        target = phases
                    else:
                        rows = rows.reshape(n, g, count, c_in_g, *layer.size)
                        target = grids
                    for j in range(count):
                        target[scatters[first + j]] += rows[:, :, j]
                for target, source_ in gathers:
                    out[start : start + n][target] = grids[source_]

        _run_chunks(range(0, samples, chunk), work, workers, out.size)
        return out.reshape(*batch, -1)

    return apply


@_compile.register
def _(expr: Permute, params: _Parameters) -> Apply:
    dims = [_size(n, expr) for n in expr.dims]
    axes = expr.axes

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        batch = x.shape[:-1]
        lead = tuple(range(len(batch)))
        moved = x.reshape(*batch, *dims).transpose(*lead, *(len(batch) + a for a in axes))
        return moved.reshape(*batch, -1)

    return apply


@_compile.register
def _(expr: mx.Identity, params: _Parameters) -> Apply:
    return lambda x, values: x


@_compile.register
def _(expr: mx.ZeroMatrix, params: _Parameters) -> Apply:
    rows = _size(expr.rows, expr)
    return lambda x, values: _zeros((*x.shape[:-1], rows), x)


@_compile.register
def _(expr: mx.Transpose, params: _Parameters) -> Apply:
    # An unevaluated transpose (built with Transpose(..)); evaluate it to the
    # closed-form transposes of the operators inside.
    evaluated = expr.doit()
    if isinstance(evaluated, mx.Transpose) and evaluated == expr:
        return _compile_dense(expr, params)
    return _compile(evaluated, params)


def _fused_steps(factors: Sequence[mx.MatrixExpr], params: _Parameters) -> list[Apply]:
    """The factors' functions, first applied first, fusing each run of factors whose
    product is a sum of copies into one pass (a lone factor keeps its own function)."""
    steps: list[Apply] = []
    run: list[mx.MatrixExpr] = []
    current: _Linear | None = None

    def flush() -> None:
        if run:
            steps.append(
                _compile(run[0], params) if len(run) == 1 else _compile_linear(current, params)
            )
            run.clear()

    for factor in reversed(factors):
        linear = _linear(factor)
        product = None if linear is None or current is None else _product(linear, current)
        if product is None:
            flush()
            current = linear
            if linear is None:
                steps.append(_compile(factor, params))
                continue
        else:
            current = product
        run.append(factor)
    flush()
    return steps


@_compile.register
def _(expr: mx.MatMul, params: _Parameters) -> Apply:
    coeff, factors = expr.as_coeff_matrices()
    steps = _fused_steps(factors, params)
    scale = params.compile([coeff])

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        for step in steps:
            x = step(x, values)
        return x if coeff == 1 else scale(values)[0] * x

    return apply


@_compile.register
def _(expr: mx.MatPow, params: _Parameters) -> Apply:
    return _compile(mx.MatMul(*expand_power(expr)), params)


@_compile.register
def _(expr: mx.MatAdd, params: _Parameters) -> Apply:
    linear = _linear(expr)
    if linear is not None:
        return _compile_linear(linear, params)
    terms = [_compile(arg, params) for arg in expr.args]

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        # The first sum is a fresh array (a term may return a view of x, which
        # must not be written); the others accumulate into it in place.
        total = terms[0](x, values) + terms[1](x, values)
        for term in terms[2:]:
            total += term(x, values)
        return total

    return apply


@singledispatch
def _selection(expr: object) -> tuple[int, slice, slice] | None:
    """``(rows, out, in)`` when ``expr`` is ``y = 0; y[out] = x[in]``, else None."""
    return None


@_selection.register
def _(expr: Downsample) -> tuple[int, slice, slice]:
    return _size(expr.rows, expr), slice(None), slice(None, None, _size(expr.k, expr))


@_selection.register
def _(expr: Upsample) -> tuple[int, slice, slice]:
    k, n = _size(expr.k, expr), _size(expr.n, expr)
    return _size(expr.length, expr), slice(0, k * (n - 1) + 1, k), slice(None)


@_selection.register
def _(expr: Pad) -> tuple[int, slice, slice]:
    lo, n = _size(expr.lo, expr), _size(expr.n, expr)
    return _size(expr.rows, expr), slice(lo, lo + n), slice(None)


@_selection.register
def _(expr: Crop) -> tuple[int, slice, slice]:
    lo, rows = _size(expr.lo, expr), _size(expr.rows, expr)
    return rows, slice(None), slice(lo, lo + rows)


@_selection.register
def _(expr: Flip) -> tuple[int, slice, slice]:
    return _size(expr.n, expr), slice(None), slice(None, None, -1)


@_selection.register
def _(expr: mx.Identity) -> tuple[int, slice, slice]:
    return _size(expr.rows, expr), slice(None), slice(None)


def _fused_selection(factors: Sequence[mx.MatrixExpr]) -> Apply | None:
    """A Kronecker product of selections as one multi-axis strided copy (one pass)."""
    selections = [_selection(f) for f in factors]
    if any(s is None for s in selections):
        return None
    rows = tuple(s[0] for s in selections)
    cols = tuple(_size(f.cols, f) for f in factors)
    out_index = (Ellipsis, *(s[1] for s in selections))
    in_index = (Ellipsis, *(s[2] for s in selections))

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        out = _zeros((*x.shape[:-1], *rows), x)
        out[out_index] = x.reshape(*x.shape[:-1], *cols)[in_index]
        return out.reshape(*x.shape[:-1], -1)

    return apply


#: Kronecker products of a batch run over blocks of about this many input entries.
IMAGE_BLOCK = 2**16


@_compile.register
def _(expr: mx.KroneckerProduct, params: _Parameters) -> Apply:
    # (A ⊗ B) vec(X) = vec(A X Bᵀ) for row-major X of shape (A.cols, B.cols): B acts
    # along the last axis, A along axis −2 through a swapped view (no transposed copy).
    fused = _fused_selection(expr.args)
    if fused is not None:
        return fused
    left = _compile(expr.args[0], params)
    rest = expr.args[1:]
    right = _compile(rest[0] if len(rest) == 1 else mx.KroneckerProduct(*rest), params)
    outer, inner = (
        _size(expr.args[0].cols, expr),
        _size(expr.cols, expr) // _size(expr.args[0].cols, expr),
    )

    def whole(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        y = right(x.reshape(*x.shape[:-1], outer, inner), values)
        z = left(y.swapaxes(-1, -2), values).swapaxes(-1, -2)
        return z.reshape(*z.shape[:-2], -1)

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        # The intermediate (right factor applied) can be larger than the output; a
        # batch goes through in blocks of images so that only one block of it is alive.
        images = x.reshape(-1, x.shape[-1])
        block = max(1, IMAGE_BLOCK // max(x.shape[-1], 1))
        if len(images) <= block:
            return whole(x, values)
        first = whole(images[:block], values)
        out = np.empty((len(images), first.shape[-1]), dtype=first.dtype)
        out[:block] = first
        del first
        for start in range(block, len(images), block):
            out[start : start + block] = whole(images[start : start + block], values)
        return out.reshape(*x.shape[:-1], -1)

    return apply


@_compile.register
def _(expr: sp.MatrixBase, params: _Parameters) -> Apply:
    return _compile_dense(expr, params)


#: The dense reference path refuses matrices with more entries than this
#: (8·10⁶ float64 entries are 64 MB, and building them symbolically takes minutes).
DENSE_LIMIT = 2**22


def _compile_dense(expr: mx.MatrixExpr, params: _Parameters) -> Apply:
    """x ↦ A x through the explicit matrix (the reference path, small sizes only)."""
    rows, cols = _size(expr.rows, expr), _size(expr.cols, expr)
    if rows * cols > DENSE_LIMIT:
        raise ParameterError(
            "expr",
            f"{expr} of shape ({rows}, {cols})",
            f"at most {DENSE_LIMIT} entries for a dense matrix ({rows * cols} asked); "
            "use symconv.lambdify (matrix-free) or symconv.explicit (sparse) instead",
        )
    matrix = explicit(expr)
    cells = matrix.todok()
    positions = tuple(np.array(index, dtype=np.intp).reshape(-1) for index in zip(*cells))
    entries = params.compile(list(cells.values()) or [0])

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        computed = entries(values)
        dense = np.zeros((rows, cols), dtype=np.result_type(computed, np.float64))
        if cells:
            dense[positions] = computed
        return x @ dense.T

    return apply


def _function(expr: mx.MatrixExpr, params: Sequence[object], apply_of: Callable) -> Callable:
    _validate.matrix_expression("expr", expr)
    parameters = _Parameters(params)
    cols = _size(expr.cols, expr)
    apply = apply_of(expr, parameters)

    def function(x: object, *values: object) -> np.ndarray:
        array = _validate.number_array("x", x)
        if array.ndim == 0 or array.shape[-1] != cols:
            raise ParameterError(
                "x", f"array of shape {array.shape}", f"an array of shape (..., {cols})"
            )
        return apply(array, parameters.flatten(values))

    function.__doc__ = f"Apply {expr} to x of shape (..., {cols})."
    return function


def lambdify(expr: mx.MatrixExpr, *params: object) -> Callable[..., np.ndarray]:
    """A matrix-free NumPy function computing ``x ↦ expr · x``.

    Parameters
    ----------
    expr : matrix expression
        Operators, products, sums, scalar multiples and transposes at
        concrete sizes; kernel taps may be numbers or symbols.
    *params : sympy.Symbol or sequence of Symbols
        The symbols whose values the function takes after ``x``, in this
        order; a kernel (from :func:`symconv.kernel`) is passed as one array.

    Returns
    -------
    callable
        ``f(x, *values)`` with x of shape ``(..., cols)`` returning
        ``(..., rows)``; a 1-D x gives a 1-D result.

    Examples
    --------
    >>> import numpy as np
    >>> from symconv import Corr
    >>> f = lambdify(Corr((1, 2, 3), 5, stride=2))
    >>> f(np.arange(5.0))
    array([ 8., 20.])
    >>> f(np.ones((2, 3, 5))).shape
    (2, 3, 2)
    """
    return _function(expr, params, _compile)


def lambdify_explicit(expr: mx.MatrixExpr, *params: object) -> Callable[..., np.ndarray]:
    """Like :func:`symconv.lambdify`, but through the dense explicit matrix (small sizes only).

    Examples
    --------
    >>> import numpy as np
    >>> from symconv import Flip
    >>> lambdify_explicit(Flip(3))(np.arange(3.0))
    array([2., 1., 0.])
    """
    return _function(expr, params, _compile_dense)


# -- pixel (un)shuffle and unfold/fold ------------------------------------------------
# The derived default (a sparse matrix built row by row from the index map) costs about
# 0.1 ms per row, 30 s for a 64 × 64 image of 64 channels: a shuffle is a reshape and an
# axis transpose, unfold a gather through index arrays (fold, its transpose, the matching
# scatter-add). The generic tests check both against the derived default.


def _shuffle_axes(size: Sequence[int], r: int, c: int) -> tuple[tuple[int, ...], list[int]]:
    """The input of a shuffle read as (C, r, …, r, n₁, …, n_d) and the axis order to output."""
    d = len(size)
    order = [0] + [a for pair in zip(range(1 + d, 1 + 2 * d), range(1, 1 + d)) for a in pair]
    return (c, *[r] * d, *size), order


def _shuffle(size: Sequence[int], r: int, c: int, inverse: bool) -> Apply:
    dims, order = _shuffle_axes(size, r, c)
    if inverse:  # the unshuffle reads the shuffled layout and undoes the transpose
        dims, order = tuple(dims[a] for a in order), list(np.argsort(order))

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        lead = x.shape[:-1]
        cube = x.reshape(*lead, *dims)
        moved = cube.transpose(*range(len(lead)), *(len(lead) + a for a in order))
        return moved.reshape(*lead, -1)

    return apply


@_compile.register
def _(expr: PixelShuffle, params: _Parameters) -> Apply:
    size = [_size(n, expr) for n in expr.size]
    return _shuffle(size, _size(expr.r, expr), _size(expr.channels, expr), inverse=False)


@_compile.register
def _(expr: PixelUnshuffle, params: _Parameters) -> Apply:
    r = _size(expr.r, expr)
    size = [_size(n, expr) // r for n in expr.size]
    return _shuffle(size, r, _size(expr.channels, expr), inverse=True)


def _unfold_sources(op: Unfold | Fold) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(rows, sources) of the non-zero entries of unfold's 0/1 matrix, and its shape."""
    size = [_size(n, op) for n in op.size]
    kernel = [_size(k, op) for k in op.kernel]
    dilation = [_size(d, op) for d in op.dilation]
    stride = [_size(s, op) for s in op.stride]
    lows = [_size(lo, op) for lo, _ in op.padding]
    blocks = [_size(b, op) for b in op.blocks]
    c = _size(op.channels, op)
    grids = np.meshgrid(
        np.arange(c), *map(np.arange, kernel), *map(np.arange, blocks), indexing="ij"
    )
    d = len(size)
    rows = np.arange(grids[0].size)
    inside = np.ones(grids[0].size, dtype=bool)
    flat = grids[0].ravel()
    for axis in range(d):
        t, b = grids[1 + axis].ravel(), grids[1 + d + axis].ravel()
        where = b * stride[axis] - lows[axis] + t * dilation[axis]
        inside &= (where >= 0) & (where < size[axis])
        flat = flat * size[axis] + where
    return rows[inside], flat[inside], grids[0].size, c * int(np.prod(size))


def _gather(op: Unfold | Fold, transposed: bool) -> Apply:
    rows, sources, count, pixels = _unfold_sources(op)
    if transposed:
        rows, sources, count, pixels = sources, rows, pixels, count

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        out = np.zeros((*x.shape[:-1], count), dtype=np.result_type(x, float))
        if transposed:  # fold: overlapping blocks add up
            flat = out.reshape(-1, count)
            np.add.at(flat.T, rows, x.reshape(-1, pixels).T[sources])
            return flat.reshape(out.shape)
        out[..., rows] = x[..., sources]
        return out

    return apply


@_compile.register
def _(expr: Unfold, params: _Parameters) -> Apply:
    return _gather(expr, transposed=False)


@_compile.register
def _(expr: Fold, params: _Parameters) -> Apply:
    return _gather(expr, transposed=True)
