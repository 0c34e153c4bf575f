"""Matrix-free NumPy functions of pixel (un)shuffle and unfold/fold (registered with
:mod:`symconv.numeric`).

The derived default (a sparse matrix built row by row from the index map with SymPy) costs
about 0.1 ms per row: 30 s for a 64 × 64 image of 64 channels. Here pixel shuffle is a
reshape and an axis transpose, and unfold a gather through index arrays computed with NumPy
(fold, its transpose, the matching scatter-add); the tests check both against the derived
default.

Examples
--------
>>> import numpy as np
>>> from symconv import PixelShuffle, lambdify
>>> lambdify(PixelShuffle((1, 1), 2, 1))(np.arange(4.0))
array([0., 1., 2., 3.])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from symconv.numeric import Apply, _Parameters, _size, register
from symconv.operators.rearrange import Fold, PixelShuffle, PixelUnshuffle, Unfold

__all__: list[str] = []


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


@register
def _(expr: PixelShuffle, params: _Parameters) -> Apply:
    size = [_size(n, expr) for n in expr.size]
    return _shuffle(size, _size(expr.r, expr), _size(expr.channels, expr), inverse=False)


@register
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


@register
def _(expr: Unfold, params: _Parameters) -> Apply:
    return _gather(expr, transposed=False)


@register
def _(expr: Fold, params: _Parameters) -> Apply:
    return _gather(expr, transposed=True)
