"""A small, obviously-correct reference implementation of every 1-D operator.

Plain Python loops over the definitions in DESIGN.md §2. It shares no code
with symconv (it does not import it), so tests can use it as an oracle for
both the exact matrices and the numeric functions. Speed is irrelevant here;
clarity is everything.
"""

from __future__ import annotations

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


def matrix_of(function, n: int) -> np.ndarray:
    """The matrix of a linear function on ℝⁿ, column by column from unit vectors."""
    columns = [function(np.eye(n)[j]) for j in range(n)]
    return np.array(columns).T
