"""A small, obviously-correct reference implementation of every operator, 1-D and N-D.

Plain Python loops over the definitions of the conventions. It shares no code
with symconv (it does not import it), so tests can use it as an oracle for
both the exact matrices and the numeric functions. Speed is irrelevant here;
clarity is everything.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np


def downsample(x: np.ndarray, k: int) -> np.ndarray:
    """(↓ₖx)_i = x_{k·i} for every i with k·i < len(x)."""
    return np.array([x[k * i] for i in range(len(x)) if k * i < len(x)])


def upsample(x: np.ndarray, k: int, length: int) -> np.ndarray:
    """(↑ₖx)_i = x_{i/k} when k divides i, else 0, for i < length."""
    return np.array([x[i // k] if i % k == 0 else 0.0 for i in range(length)])


def pad(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return np.array([0.0] * lo + list(x) + [0.0] * hi)


def crop(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return np.array([x[i] for i in range(lo, len(x) - hi)])


def flip(x: np.ndarray) -> np.ndarray:
    return np.array([x[len(x) - 1 - i] for i in range(len(x))])


def conv_full(q: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(q ∗ x)_i = Σ_j q_{i−j} x_j, i = 0 … n + m − 2."""
    n, m = len(x), len(q)
    out = []
    for i in range(n + m - 1):
        total = 0.0
        for j in range(n):
            if 0 <= i - j < m:
                total += q[i - j] * x[j]
        out.append(total)
    return np.array(out)


def corr(q: np.ndarray, x: np.ndarray, lo: int, hi: int, stride: int, dilation: int) -> np.ndarray:
    """y_i = Σ_t q_t x̃_{i·s + t·d} over x̃ = x with lo zeros before and hi after."""
    padded = pad(x, lo, hi)
    out = []
    i = 0
    while i * stride + dilation * (len(q) - 1) < len(padded):
        out.append(sum(q[t] * padded[i * stride + t * dilation] for t in range(len(q))))
        i += 1
    return np.array(out)


def conv_transpose(
    q: np.ndarray, y: np.ndarray, lo: int, hi: int, stride: int, dilation: int, output_padding: int
) -> np.ndarray:
    """The scatter form used by the frameworks: z[i·s + t·d − lo] += q_t y_i.

    Output length (n − 1)s − lo − hi + d(m − 1) + 1 + a; positions outside it
    are dropped (that is the crop).
    """
    n, m = len(y), len(q)
    length = (n - 1) * stride - lo - hi + dilation * (m - 1) + 1 + output_padding
    out = [0.0] * length
    for i in range(n):
        for t in range(m):
            position = i * stride + t * dilation - lo
            if 0 <= position < length:
                out[position] += q[t] * y[i]
    return np.array(out)


def multiples_projector(x: np.ndarray, k: int) -> np.ndarray:
    """diag(1 if k divides i else 0) x."""
    return np.array([x[i] if i % k == 0 else 0.0 for i in range(len(x))])


def phase_sum(q: np.ndarray, x: np.ndarray, s: int) -> np.ndarray:
    """Σ_v Shift_v ↑ₛ (q[v::s] ∗ x) entry by entry: tap q[v + s·t] meets x_i at row v + s(i + t)."""
    out = [0.0] * (s * (len(x) - 1) + len(q))
    for v in range(s):
        for t in range(len(q[v::s])):
            for i in range(len(x)):
                out[v + s * (i + t)] += q[v + s * t] * x[i]
    return np.array(out)


def nearest_upsample(x: np.ndarray, k: int) -> np.ndarray:
    """(Nx)_i = x_{⌊i/k⌋} for i < k·n."""
    return np.array([x[i // k] for i in range(k * len(x))])


def block_sum(x: np.ndarray, k: int) -> np.ndarray:
    """y_j = x_{kj} + … + x_{kj+k−1}."""
    out = np.zeros((len(x) // k, *x.shape[1:]), dtype=x.dtype)
    for j in range(len(out)):
        for r in range(k):
            out[j] += x[k * j + r]
    return out


def _positions(shape: tuple[int, ...]) -> itertools.product:
    return itertools.product(*(range(n) for n in shape))


def corr_nd(
    w: np.ndarray,
    x: np.ndarray,
    pads: list[tuple[int, int]],
    stride: list[int],
    dilation: list[int],
    groups: int = 1,
) -> np.ndarray:
    """A conv layer: y[o, i] = Σ_c Σ_t w[o, c, t] x[g·C_in/groups + c, i·s + t·d − lo].

    ``w`` has shape (C_out, C_in/groups, k_1, …); ``x`` has shape (C_in, n_1, …);
    g = o // (C_out/groups); positions outside the input read zero.
    """
    c_out, c_in_group = w.shape[:2]
    kernel, size = w.shape[2:], x.shape[1:]
    out_size = [
        (n + lo + hi - d * (k - 1) - 1) // s + 1
        for n, (lo, hi), s, d, k in zip(size, pads, stride, dilation, kernel)
    ]
    y = np.zeros((c_out, *out_size))
    for o in range(c_out):
        group = o // (c_out // groups)
        for i in _positions(tuple(out_size)):
            total = 0.0
            for c in range(c_in_group):
                for t in _positions(kernel):
                    source = [
                        i_k * s + t_k * d - lo
                        for i_k, t_k, s, d, (lo, _) in zip(i, t, stride, dilation, pads)
                    ]
                    if all(0 <= p < n for p, n in zip(source, size)):
                        total += w[(o, c, *t)] * x[(group * c_in_group + c, *source)]
            y[(o, *i)] = total
    return y


def conv_transpose_nd(
    w: np.ndarray,
    y: np.ndarray,
    pads: list[tuple[int, int]],
    stride: list[int],
    dilation: list[int],
    output_padding: list[int],
    groups: int = 1,
) -> np.ndarray:
    """The frameworks' scatter form: z[g·C_out/groups + c, i·s + t·d − lo] += w[ci, c, t] y[ci, i].

    ``w`` has shape (C_in, C_out/groups, k_1, …) (the same tensor as the conv it
    transposes); output size (n − 1)s − lo − hi + d(k − 1) + 1 + a per axis;
    positions outside it are dropped (the crop).
    """
    c_in, c_out_group = w.shape[:2]
    kernel, size = w.shape[2:], y.shape[1:]
    out_size = [
        (n - 1) * s - lo - hi + d * (k - 1) + 1 + a
        for n, (lo, hi), s, d, k, a in zip(size, pads, stride, dilation, kernel, output_padding)
    ]
    z = np.zeros((c_out_group * groups, *out_size))
    for ci in range(c_in):
        group = ci // (c_in // groups)
        for i in _positions(tuple(size)):
            for c in range(c_out_group):
                for t in _positions(kernel):
                    target = [
                        i_k * s + t_k * d - lo
                        for i_k, t_k, s, d, (lo, _) in zip(i, t, stride, dilation, pads)
                    ]
                    if all(0 <= p < n for p, n in zip(target, out_size)):
                        z[(group * c_out_group + c, *target)] += w[(ci, c, *t)] * y[(ci, *i)]
    return z


def permute(x: np.ndarray, shape: tuple[int, ...], axes: tuple[int, ...]) -> np.ndarray:
    """out[i_0, i_1, …] = x[j] with j the source multi-index, j[axes[k]] = i_k; flattened."""
    source = x.reshape(shape)
    out_shape = tuple(shape[a] for a in axes)
    out = np.zeros(out_shape)
    for i in _positions(out_shape):
        j = [0] * len(shape)
        for k, a in enumerate(axes):
            j[a] = i[k]
        out[i] = source[tuple(j)]
    return out.ravel()


def matrix_of(function, n: int) -> np.ndarray:
    """The matrix of a linear function on ℝⁿ, column by column from unit vectors."""
    columns = [function(np.eye(n)[j]) for j in range(n)]
    return np.array(columns).T


def border_source(p: int, n: int, mode: str) -> int:
    """The input sample that padded position p (counted from the first input sample) copies,
    found by reflecting or wrapping one step at a time until p is inside 0 … n − 1."""
    while not 0 <= p < n:
        if mode == "replicate":
            p = 0 if p < 0 else n - 1
        elif mode == "circular":
            p = p + n if p < 0 else p - n
        elif mode == "reflect":  # mirror at the edge sample, which is not repeated
            p = -p if p < 0 else 2 * (n - 1) - p
        elif mode == "symmetric":  # mirror between the edge sample and its copy
            p = -1 - p if p < 0 else 2 * n - 1 - p
        else:
            raise ValueError(mode)
    return p


def border_pad(x: np.ndarray, lo: int, hi: int, mode: str) -> np.ndarray:
    """x with lo samples before and hi after, each copied from its border source."""
    n = len(x)
    return np.array([x[border_source(i - lo, n, mode)] for i in range(n + lo + hi)])


def border_fold(y: np.ndarray, n: int, lo: int, hi: int, mode: str) -> np.ndarray:
    """The transpose of border_pad: every padded sample added onto its border source."""
    out = np.zeros(n)
    for i, value in enumerate(y):
        out[border_source(i - lo, n, mode)] += value
    return out
# --- pooling, pixel shuffle, unfold (loops and reshapes; no symconv code) ---


def avg_pool(x: np.ndarray, k: int, s: int, lo: int, hi: int, ceil: bool, divisor: str):
    """PyTorch's avg_pool1d as its ATen kernel writes it (count_include_pad: "padded")."""
    n = len(x)
    length = (n + lo + hi - k + (s - 1 if ceil else 0)) // s + 1
    if ceil and (length - 1) * s >= n + lo:
        length -= 1
    out = np.zeros(length)
    for i in range(length):
        start = i * s - lo
        end = min(start + k, n + hi)
        total = sum(x[j] for j in range(max(start, 0), min(end, n)))
        count = {"padded": end - start, "input": min(end, n) - max(start, 0), "none": 1}
        out[i] = total / count[divisor]
    return out


def adaptive_avg_pool(x: np.ndarray, length: int) -> np.ndarray:
    n = len(x)
    out = np.zeros(length)
    for i in range(length):
        start, end = (i * n) // length, -(-((i + 1) * n) // length)
        out[i] = sum(x[start:end]) / (end - start)
    return out


def pixel_shuffle(x: np.ndarray, size: tuple[int, ...], r: int, c: int) -> np.ndarray:
    """(C·rᵈ, *size) → (C, *(r·size)) by reshape and transpose, as PyTorch documents it."""
    d = len(size)
    blocks = x.reshape(c, *([r] * d), *size)
    # axes (c, o_1..o_d, n_1..n_d) → (c, n_1, o_1, n_2, o_2, ...)
    order = [0] + [a for pair in zip(range(1 + d, 1 + 2 * d), range(1, 1 + d)) for a in pair]
    return blocks.transpose(order).ravel()


def unfold(x, size, kernel, dilation, padding, stride, c):
    """im2col by loops: rows (c, t...) and columns (l...) row-major, zeros in the padding."""
    image = x.reshape(c, *size)
    blocks = [
        (n + 2 * p - d * (k - 1) - 1) // s + 1
        for n, k, d, p, s in zip(size, kernel, dilation, padding, stride)
    ]
    out = np.zeros((c, *kernel, *blocks))
    for ch in range(c):
        for t in itertools.product(*map(range, kernel)):
            for block in itertools.product(*map(range, blocks)):
                where = [
                    b * s - p + u * d for b, s, p, u, d in zip(block, stride, padding, t, dilation)
                ]
                if all(0 <= w < n for w, n in zip(where, size)):
                    out[(ch, *t, *block)] = image[(ch, *where)]
    return out.ravel()


def adjoint(forward, n_in: int, y: np.ndarray) -> np.ndarray:
    """Aᵀy for the linear map ``forward`` on ℝ^n_in: its matrix from unit vectors, transposed."""
    matrix = np.stack([forward(e) for e in np.eye(n_in)], axis=1)
    return matrix.T @ y
def resample(x: np.ndarray, length: int, *args: object) -> np.ndarray:
    """y = R x for the rows of :func:`resample_matrix` (each weight summed exactly first)."""
    rows = resample_matrix(len(x), length, *args)
    return np.array([sum(float(w) * x[j] for j, w in row.items()) for row in rows])


def resample_matrix(
    n: int, length: int, kernel: str, scale: Fraction, offset: Fraction, a: Fraction, border: str
) -> list[dict[int, Fraction]]:
    """The rows {column: weight} of resampling ℝⁿ → ℝᴺ, read off the frameworks' loops:
    output i at src = scale·i + offset, the taps ⌊src⌋ (nearest), ⌊src⌋ + 0, 1 (linear) or
    ⌊src⌋ − 1 … + 2 (Keys' cubic with a); 'clamp' reads the border sample for a tap
    outside, 'renormalize' drops it and divides by the remaining weight (a zero row when
    none is left)."""

    def keys(d: Fraction) -> Fraction:
        d = abs(d)
        if d <= 1:
            return (a + 2) * d**3 - (a + 3) * d**2 + 1
        return a * d**3 - 5 * a * d**2 + 8 * a * d - 4 * a if d < 2 else Fraction(0)

    rows = []
    for i in range(length):
        src = scale * i + offset
        f = math.floor(src)
        t = src - f
        if kernel == "nearest":
            taps = [(f, Fraction(1))]
        elif kernel == "linear":
            taps = [(f, 1 - t), (f + 1, t)]
        else:
            taps = [(f + d, keys(t - d)) for d in (-1, 0, 1, 2)]
        row: dict[int, Fraction] = {}
        if border == "clamp":
            for j, w in taps:
                j = min(max(j, 0), n - 1)
                row[j] = row.get(j, Fraction(0)) + w
        else:
            kept = [(j, w) for j, w in taps if 0 <= j < n]
            total = sum(w for _, w in kept)
            for j, w in kept:
                if total != 0:
                    row[j] = row.get(j, Fraction(0)) + w / total
        rows.append(row)
    return rows


def area_coverage(x: np.ndarray, length: int) -> np.ndarray:
    """TensorFlow's area resize: output i averages [i·s, (i+1)·s), s = n/length, each input
    pixel weighted by its overlap with that interval (exact fractions)."""
    n = len(x)
    s = Fraction(n, length)
    out = np.zeros(length)
    for i in range(length):
        lo, hi = i * s, (i + 1) * s
        for j in range(n):
            overlap = min(Fraction(j + 1), hi) - max(Fraction(j), lo)
            if overlap > 0:
                out[i] += float(overlap / s) * x[j]
    return out
