"""Every operator as a NumPy function on plain arrays and integers, read off its index formula.

These are the reference oracle's definitions (see :mod:`symconv.proof.oracle`): each
function is written directly from the conventions (0-indexed, row-major,
channel-major) and imports nothing of symconv, so the numeric tier and the tests
can hold symconv's operators against it.

An operator's own axis comes first: ``x`` has shape (n, …) for a 1-D operator and
(C, n₁, …, n_N, …) for a layer of N spatial axes; any further trailing axes are a
block of vectors, all mapped at once. Kernels and weights are array-likes of floats.

Examples
--------
>>> import numpy as np
>>> upsample(np.array([1.0, 2.0]), 2, 4)
array([1., 0., 2., 0.])
>>> corr([1.0, -1.0], np.array([[1.0, 10.0], [3.0, 30.0], [6.0, 60.0]]), 0, 0)
array([[ -2., -20.],
       [ -3., -30.]])
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

__all__ = [
    "SparseMap",
    "adaptive_avg_pool",
    "adaptive_avg_pool_map",
    "area_coverage",
    "area_coverage_map",
    "avg_pool",
    "avg_pool_map",
    "block_sum",
    "border_fold",
    "border_pad",
    "border_sources",
    "conv",
    "conv_full",
    "conv_transpose",
    "conv_transpose_nd",
    "conv_window",
    "corr",
    "corr_length",
    "corr_nd",
    "crop",
    "downsample",
    "flip",
    "matrix_of",
    "multiples_projector",
    "nearest_upsample",
    "pad",
    "permute",
    "phase_sum",
    "pixel_shuffle",
    "resample",
    "resample_matrix",
    "transpose_of",
    "transposed_length",
    "unfold",
    "unfold_map",
    "upsample",
]

Pads = Sequence[tuple[int, int]]


def _zeros(length: int | tuple[int, ...], like: np.ndarray, axes: int = 1) -> np.ndarray:
    """Zeros of the operator's shape ``length`` followed by the block axes of ``like``."""
    head = (length,) if isinstance(length, int) else tuple(length)
    return np.zeros((*head, *np.shape(like)[axes:]))


# --- sampling, padding, flip ---------------------------------------------------------


def downsample(x: np.ndarray, k: int) -> np.ndarray:
    """(↓ₖx)_i = x_{k·i} for every i with k·i < n: ⌈n/k⌉ samples."""
    return np.asarray(x, dtype=float)[::k]


def upsample(x: np.ndarray, k: int, length: int) -> np.ndarray:
    """(↑ₖx)_i = x_{i/k} when k divides i, else 0, for i < length (k(n − 1) < length)."""
    out = _zeros(length, x)
    out[: k * (len(x) - 1) + 1 : k] = x
    return out


def pad(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """lo zeros, x, hi zeros."""
    return np.concatenate([_zeros(lo, x), x, _zeros(hi, x)])


def crop(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """x_lo … x_{n−hi−1}."""
    return np.asarray(x, dtype=float)[lo : len(x) - hi]


def flip(x: np.ndarray) -> np.ndarray:
    """(Jx)_i = x_{n−1−i}."""
    return np.asarray(x, dtype=float)[::-1]


def multiples_projector(x: np.ndarray, k: int) -> np.ndarray:
    """diag(1 if k divides i else 0) x: the samples at multiples of k kept, the others 0."""
    out = _zeros(len(x), x)
    out[::k] = x[::k]
    return out


def nearest_upsample(x: np.ndarray, k: int) -> np.ndarray:
    """(Nx)_i = x_{⌊i/k⌋} for i < k·n: each sample repeated k times."""
    return np.repeat(np.asarray(x, dtype=float), k, axis=0)


def block_sum(x: np.ndarray, k: int) -> np.ndarray:
    """y_j = x_{kj} + … + x_{kj+k−1} for j < n/k."""
    x = np.asarray(x, dtype=float)
    return x.reshape(len(x) // k, k, *x.shape[1:]).sum(axis=1)


def permute(x: np.ndarray, shape: Sequence[int], axes: Sequence[int]) -> np.ndarray:
    """The row-major cube of ``shape`` with its axes reordered, flattened again.

    out[i₀, i₁, …] = cube[j] where j[axes[k]] = i_k (``numpy.transpose``'s rule).
    """
    x = np.asarray(x, dtype=float)
    batch = x.shape[1:]
    cube = x.reshape(*shape, *batch)
    order = (*axes, *range(len(shape), len(shape) + len(batch)))
    return cube.transpose(order).reshape(x.shape)


# --- convolution and the N-D layer ----------------------------------------------------


def conv_full(q: Sequence[float], x: np.ndarray) -> np.ndarray:
    """(q ∗ x)_i = Σ_j q_{i−j} x_j for i < n + m − 1: tap t adds q_t·x shifted down by t."""
    q, n = np.asarray(q, dtype=float), len(x)
    out = _zeros(n + len(q) - 1, x)
    for t, tap in enumerate(q):
        out[t : t + n] += tap * x
    return out


def conv_window(n: int, m: int, mode: str) -> tuple[int, int]:
    """(first row, length) of a mode's rows within the full convolution, as NumPy has them.

    full: all n + m − 1 rows; valid: max − min + 1 rows from min − 1; same: max(n, m) rows
    from (min − 1)//2 (NumPy swaps the two inputs when n < m, which moves nothing here).
    """
    short, long = min(n, m), max(n, m)
    return {
        "full": (0, n + m - 1),
        "valid": (short - 1, long - short + 1),
        "same": ((short - 1) // 2, long),
    }[mode]


def conv(q: Sequence[float], x: np.ndarray, mode: str = "full") -> np.ndarray:
    """``numpy.convolve(x, q, mode)``: the mode's rows of :func:`conv_full`."""
    start, length = conv_window(len(x), len(q), mode)
    return conv_full(q, x)[start : start + length]


def corr_length(n: int, m: int, lo: int, hi: int, stride: int, dilation: int) -> int:
    """L = ⌊(n + lo + hi − d(m − 1) − 1)/s⌋ + 1: the outputs of a correlation."""
    return (n + lo + hi - dilation * (m - 1) - 1) // stride + 1


def transposed_length(n: int, m: int, lo: int, hi: int, s: int, d: int, a: int) -> int:
    """(n − 1)s − lo − hi + d(m − 1) + 1 + a: the outputs of a transposed convolution."""
    return (n - 1) * s - lo - hi + d * (m - 1) + 1 + a


def _taps(
    weight: np.ndarray, groups: int, stride: Sequence[int], dilation: Sequence[int], count: tuple
) -> Iterator[tuple[int, int, tuple, tuple]]:
    """Each weight entry of a grouped layer as (first, channel, weight index, window).

    ``weight`` has shape (A, B, k₁, …); entry (a, b, t) pairs channel a of one side with
    channel g·B + b of the other, g = a // (A/groups). ``window`` is the strided slice
    t·d, t·d + s, … of ``count`` positions on each axis: the positions i·s + t·d.
    """
    per_group = weight.shape[0] // groups
    for a, b, *taps in itertools.product(*map(range, weight.shape)):
        window = tuple(
            slice(t * d, t * d + (c - 1) * s + 1, s)
            for t, s, d, c in zip(taps, stride, dilation, count)
        )
        yield a, (a // per_group) * weight.shape[1] + b, (a, b, *taps), window


def corr_nd(
    w: np.ndarray,
    x: np.ndarray,
    pads: Pads,
    stride: Sequence[int],
    dilation: Sequence[int],
    groups: int = 1,
) -> np.ndarray:
    """A conv layer: y[o, i] = Σ_c Σ_t w[o, c, t] · x[g·C_in/groups + c, i·s + t·d − lo].

    ``w`` has shape (C_out, C_in/groups, k₁, …, k_N), ``x`` (C_in, n₁, …, n_N, …);
    g = o // (C_out/groups); positions outside the input read zero. Output
    (C_out, L₁, …, L_N, …), L by :func:`corr_length` on each axis.
    """
    w, x = np.asarray(w, dtype=float), np.asarray(x, dtype=float)
    rank = w.ndim - 2
    size = x.shape[1 : 1 + rank]
    out = tuple(
        corr_length(n, k, lo, hi, s, d)
        for n, k, (lo, hi), s, d in zip(size, w.shape[2:], pads, stride, dilation)
    )
    padded = np.pad(x, [(0, 0), *pads] + [(0, 0)] * (x.ndim - 1 - rank))
    y = _zeros((w.shape[0], *out), x, 1 + rank)
    for o, channel, index, window in _taps(w, groups, stride, dilation, out):
        if w[index]:
            y[o] += w[index] * padded[(channel, *window)]
    return y


def conv_transpose_nd(
    w: np.ndarray,
    y: np.ndarray,
    pads: Pads,
    stride: Sequence[int],
    dilation: Sequence[int],
    output_padding: Sequence[int],
    groups: int = 1,
) -> np.ndarray:
    """The frameworks' scatter: z[g·C_out/groups + c, i·s + t·d − lo] += w[ci, c, t] · y[ci, i].

    ``w`` has shape (C_in, C_out/groups, k₁, …) (the same tensor as the conv it
    transposes), ``y`` (C_in, n₁, …, n_N, …); the output size is
    :func:`transposed_length` on each axis, and positions outside it are dropped (the crop).
    """
    w, y = np.asarray(w, dtype=float), np.asarray(y, dtype=float)
    rank = w.ndim - 2
    size = y.shape[1 : 1 + rank]
    out = tuple(
        transposed_length(n, k, lo, hi, s, d, a)
        for n, k, (lo, hi), s, d, a in zip(
            size, w.shape[2:], pads, stride, dilation, output_padding
        )
    )
    # Position i·s + t·d of the uncropped output, at most out + lo + hi − 1: all fit.
    full = tuple(n + lo + hi for n, (lo, hi) in zip(out, pads))
    z = _zeros((w.shape[1] * groups, *full), y, 1 + rank)
    for ci, channel, index, window in _taps(w, groups, stride, dilation, size):
        if w[index]:
            z[(channel, *window)] += w[index] * y[ci]
    inside = tuple(slice(lo, lo + n) for n, (lo, _) in zip(out, pads))
    return z[(slice(None), *inside)]


def corr(
    q: Sequence[float], x: np.ndarray, lo: int, hi: int, stride: int = 1, dilation: int = 1
) -> np.ndarray:
    """y_i = Σ_t q_t x̃_{i·s + t·d} over x̃ = x with lo zeros before and hi after."""
    w = np.asarray(q, dtype=float).reshape(1, 1, -1)
    return corr_nd(w, np.asarray(x)[None], [(lo, hi)], [stride], [dilation])[0]


def conv_transpose(
    q: Sequence[float],
    y: np.ndarray,
    lo: int,
    hi: int,
    stride: int = 1,
    dilation: int = 1,
    output_padding: int = 0,
) -> np.ndarray:
    """The scatter z_{i·s + t·d − lo} += q_t y_i, cropped to :func:`transposed_length`."""
    w = np.asarray(q, dtype=float).reshape(1, 1, -1)
    layer = ([(lo, hi)], [stride], [dilation], [output_padding])
    return conv_transpose_nd(w, np.asarray(y)[None], *layer)[0]


def phase_sum(q: Sequence[float], x: np.ndarray, s: int) -> np.ndarray:
    """Σ_v Shift_v ↑ₛ (q[v::s] ∗ x): phase v's full convolution lands on rows v + s·j.

    Output length s(n − 1) + m.
    """
    q = np.asarray(q, dtype=float)
    out = _zeros(s * (len(x) - 1) + len(q), x)
    for v in range(min(s, len(q))):
        full = conv_full(q[v::s], x)
        out[v::s][: len(full)] += full
    return out


# --- padding modes ----------------------------------------------------------------------


def border_sources(n: int, lo: int, hi: int, mode: str) -> np.ndarray:
    """The input sample each of the n + lo + hi padded samples copies.

    Position p = −lo … n + hi − 1 folded into 0 … n − 1: ``replicate`` clamps;
    ``circular`` wraps (p mod n); ``reflect`` mirrors at the edge samples, which are not
    repeated (period 2(n − 1)); ``symmetric`` mirrors between an edge sample and its copy
    (period 2n). Reflecting as often as a wide pad needs is the periodic extension.
    """
    p = np.arange(-lo, n + hi)
    if mode == "replicate":
        return np.clip(p, 0, n - 1)
    if mode == "circular":
        return p % n
    if mode == "reflect":
        period = max(2 * (n - 1), 1)  # n = 1: every position copies sample 0
        r = p % period
        return np.where(r < n, r, period - r)
    if mode == "symmetric":
        r = p % (2 * n)
        return np.where(r < n, r, 2 * n - 1 - r)
    raise ValueError(f"unknown padding mode {mode!r}")


def border_pad(x: np.ndarray, lo: int, hi: int, mode: str) -> np.ndarray:
    """x with lo samples before and hi after, each copied from its border source."""
    return np.asarray(x, dtype=float)[border_sources(len(x), lo, hi, mode)]


def border_fold(y: np.ndarray, n: int, lo: int, hi: int, mode: str) -> np.ndarray:
    """The transpose of :func:`border_pad`: every padded sample added onto its source."""
    out = _zeros(n, y)
    np.add.at(out, border_sources(n, lo, hi, mode), y)
    return out


# --- sparse maps: pooling, unfold, resampling -------------------------------------------


@dataclass(frozen=True)
class SparseMap:
    """A linear map ℝ^cols → ℝ^rows by its entries: out[targets[e]] += weights[e] · x[sources[e]].

    Built from (target, source, weight) triples read off a formula;
    :meth:`transpose` is the mirrored scatter.
    """

    rows: int
    cols: int
    targets: np.ndarray
    sources: np.ndarray
    weights: np.ndarray

    @classmethod
    def of(cls, rows: int, cols: int, triples: Sequence[tuple[int, int, object]]) -> SparseMap:
        targets, sources, weights = zip(*triples) if triples else ((), (), ())
        return cls(
            rows,
            cols,
            np.array(targets, dtype=int),
            np.array(sources, dtype=int),
            np.array([float(w) for w in weights]),
        )

    @staticmethod
    def _gather(
        count: int, targets: np.ndarray, sources: np.ndarray, weights: np.ndarray, x: np.ndarray
    ) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        out = _zeros(count, x)
        np.add.at(out, targets, weights.reshape(-1, *[1] * (x.ndim - 1)) * x[sources])
        return out

    def apply(self, x: np.ndarray) -> np.ndarray:
        """A x for x of shape (cols, …)."""
        return self._gather(self.rows, self.targets, self.sources, self.weights, x)

    def transpose(self, y: np.ndarray) -> np.ndarray:
        """Aᵀ y for y of shape (rows, …): each entry's weight carried back to its source."""
        return self._gather(self.cols, self.sources, self.targets, self.weights, y)


def avg_pool_map(n: int, k: int, s: int, lo: int, hi: int, ceil: bool, divisor: str) -> SparseMap:
    """PyTorch's avg_pool1d as its ATen kernel writes it.

    Window i covers [i·s − lo, i·s − lo + k) clipped to n + hi; it averages the input
    samples inside by ``divisor``: "padded" (the window's length up to n + hi,
    ``count_include_pad``), "input" (the samples inside) or "none" (a sum). With ``ceil``
    one more window, unless it would start in the right padding.
    """
    length = (n + lo + hi - k + (s - 1 if ceil else 0)) // s + 1
    if ceil and (length - 1) * s >= n + lo:
        length -= 1
    triples = []
    for i in range(length):
        start, end = i * s - lo, min(i * s - lo + k, n + hi)
        first, last = max(start, 0), min(end, n)
        count = {"padded": end - start, "input": last - first, "none": 1}[divisor]
        triples += [(i, j, 1 / count) for j in range(first, last)]
    return SparseMap.of(length, n, triples)


def avg_pool(
    x: np.ndarray, k: int, s: int, lo: int, hi: int, ceil: bool, divisor: str
) -> np.ndarray:
    """Average pooling of x (see :func:`avg_pool_map`)."""
    return avg_pool_map(len(x), k, s, lo, hi, ceil, divisor).apply(x)


def adaptive_avg_pool_map(n: int, length: int) -> SparseMap:
    """PyTorch's adaptive_avg_pool1d: output i averages [⌊i·n/L⌋, ⌈(i + 1)·n/L⌉)."""
    triples = []
    for i in range(length):
        start, end = (i * n) // length, -(-((i + 1) * n) // length)
        triples += [(i, j, 1 / (end - start)) for j in range(start, end)]
    return SparseMap.of(length, n, triples)


def adaptive_avg_pool(x: np.ndarray, length: int) -> np.ndarray:
    """Adaptive average pooling of x to ``length`` outputs (see :func:`adaptive_avg_pool_map`)."""
    return adaptive_avg_pool_map(len(x), length).apply(x)


def pixel_shuffle(x: np.ndarray, size: Sequence[int], r: int, c: int) -> np.ndarray:
    """(C·rᵈ, n₁, …) → (C, r·n₁, …), as PyTorch documents it: reshape, then transpose.

    The input is read as (C, r, …, r, n₁, …, n_d) and its axes moved to
    (C, n₁, r, n₂, r, …): output (c, n₁·r + o₁, …) = input (c, o₁, …, o_d, n₁, …).
    """
    d = len(size)
    order = [0] + [a for pair in zip(range(1 + d, 1 + 2 * d), range(1, 1 + d)) for a in pair]
    return permute(x, (c, *[r] * d, *size), order)


def unfold_map(
    size: Sequence[int],
    kernel: Sequence[int],
    dilation: Sequence[int],
    padding: Sequence[int | tuple[int, int]],
    stride: Sequence[int],
    c: int,
) -> SparseMap:
    """im2col (``torch.nn.functional.unfold``): row (c, t…, l…) reads pixel (c, l·s − lo + t·d).

    Rows are (channel, kernel offsets, block positions) row-major, columns the image
    (C, n₁, …); a position in the padding reads zero. ``padding`` is p or (lo, hi) per axis.
    """
    pads = [(p, p) if np.ndim(p) == 0 else tuple(p) for p in padding]
    blocks = [
        corr_length(n, k, lo, hi, s, d)
        for n, k, d, (lo, hi), s in zip(size, kernel, dilation, pads, stride)
    ]
    row_dims, col_dims, rank = (c, *kernel, *blocks), (c, *size), len(size)
    triples = []
    for row, (channel, *index) in enumerate(itertools.product(*map(range, row_dims))):
        taps, where = index[:rank], index[rank:]
        pixel = [
            b * s - lo + t * d for b, s, (lo, _), t, d in zip(where, stride, pads, taps, dilation)
        ]
        if all(0 <= p < n for p, n in zip(pixel, size)):
            triples.append((row, int(np.ravel_multi_index((channel, *pixel), col_dims)), 1))
    return SparseMap.of(math.prod(row_dims), math.prod(col_dims), triples)


def unfold(x: np.ndarray, *layout: object) -> np.ndarray:
    """im2col of the flattened image x (``layout``: the arguments of :func:`unfold_map`)."""
    return unfold_map(*layout).apply(x)


def _keys_cubic(x: Fraction, a: Fraction) -> Fraction:
    """Keys (1981): (a+2)|x|³ − (a+3)|x|² + 1 on [0, 1], a|x|³ − 5a|x|² + 8a|x| − 4a on (1, 2)."""
    x = abs(x)
    if x <= 1:
        return (a + 2) * x**3 - (a + 3) * x**2 + 1
    return a * x**3 - 5 * a * x**2 + 8 * a * x - 4 * a if x < 2 else Fraction(0)


def resample_matrix(
    n: int,
    length: int,
    kernel: str,
    scale: Fraction,
    offset: Fraction,
    a: Fraction,
    border: str,
    table: int = 0,
    width: Fraction = Fraction(1),
) -> SparseMap:
    """Resampling ℝⁿ → ℝᴸ read off the frameworks' loops, weights summed exactly.

    Output i sits at src = scale·i + offset; its taps are ⌊src⌋ (nearest),
    ⌊src⌋ + 0, 1 (linear) or ⌊src⌋ − 1 … + 2 (Keys' cubic with ``a``, its fraction
    rounded to 1/``table`` first when ``table``, ties to even). With ``width`` ≠ 1
    (antialiasing) the kernel is stretched by ``width`` over every input. ``clamp``
    reads the border sample for a tap outside; ``renormalize`` drops it and divides by
    the remaining weight (a zero row when none is left).
    """
    rows: list[dict[int, Fraction]] = []
    for i in range(length):
        src = Fraction(scale) * i + Fraction(offset)
        f = math.floor(src)
        t = src - f
        if kernel == "cubic" and table:
            t = Fraction(round(t * table), int(table))
        taps = {
            "nearest": [(f, Fraction(1))],
            "linear": [(f, 1 - t), (f + 1, t)],
            "cubic": [(f + d, _keys_cubic(t - d, Fraction(a))) for d in (-1, 0, 1, 2)],
        }[kernel]
        if width != 1:
            stretched = {
                "linear": lambda u: max(1 - abs(u), Fraction(0)),
                "cubic": lambda u: _keys_cubic(u, Fraction(a)),
            }[kernel]
            taps = [(j, stretched((src - j) / Fraction(width))) for j in range(n)]
        if border == "renormalize":
            taps = [(j, w) for j, w in taps if 0 <= j < n]
            total = sum(w for _, w in taps)
            taps = [(j, w / total) for j, w in taps] if total != 0 else []
        row: dict[int, Fraction] = {}
        for j, w in taps:
            j = min(max(j, 0), n - 1)  # clamp (a renormalised tap is inside already)
            row[j] = row.get(j, Fraction(0)) + w
        rows.append(row)
    return SparseMap.of(
        length, n, [(i, j, w) for i, row in enumerate(rows) for j, w in row.items()]
    )


def resample(x: np.ndarray, length: int, *args: object, **kwargs: object) -> np.ndarray:
    """Resampling of x to ``length`` samples (the arguments of :func:`resample_matrix`)."""
    return resample_matrix(len(x), length, *args, **kwargs).apply(x)


def area_coverage_map(n: int, length: int) -> SparseMap:
    """TensorFlow's area resize: output i averages [i·σ, (i + 1)·σ), σ = n/length.

    Each input pixel j (the interval [j, j + 1)) is weighted by its overlap with
    that interval, divided by σ (exact fractions).
    """
    sigma = Fraction(n, length)
    triples = []
    for i in range(length):
        lo, hi = i * sigma, (i + 1) * sigma
        for j in range(math.floor(lo), math.ceil(hi)):
            overlap = min(Fraction(j + 1), hi) - max(Fraction(j), lo)
            triples.append((i, j, overlap / sigma))
    return SparseMap.of(length, n, triples)


def area_coverage(x: np.ndarray, length: int) -> np.ndarray:
    """Area resize of x to ``length`` samples (see :func:`area_coverage_map`)."""
    return area_coverage_map(len(x), length).apply(x)


# --- matrices of functions, for the tests ----------------------------------------------


def matrix_of(function: Callable[[np.ndarray], np.ndarray], n: int) -> np.ndarray:
    """The matrix of a linear function on ℝⁿ, column by column from unit vectors.

    Examples
    --------
    >>> matrix_of(lambda x: downsample(x, 2), 4)
    array([[1., 0., 0., 0.],
           [0., 0., 1., 0.]])
    """
    return np.array([function(e) for e in np.eye(n)]).reshape(n, -1).T


def transpose_of(function: Callable[[np.ndarray], np.ndarray], n: int, y: np.ndarray) -> np.ndarray:
    """Aᵀy for the linear function A on ℝⁿ: its matrix from unit vectors, transposed."""
    return matrix_of(function, n).T @ y
