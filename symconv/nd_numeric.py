"""Matrix-free NumPy functions of the N-D operators (registered with :mod:`symconv.numeric`).

A :class:`~symconv.operators.channels.CorrNd` runs as one grouped channel
contraction per kernel tap over a strided view of the zero-padded input; its
transpose scatters the same contractions into a buffer and crops it. Kronecker
products apply each factor along its own axis of the reshaped input. Inputs
have shape ``(..., cols)`` with any leading batch axes; no dense matrix is
ever formed.

Examples
--------
>>> import numpy as np
>>> from symconv import lambdify
>>> from symconv.operators.channels import corr_nd
>>> f = lambdify(corr_nd([[1, 1], [1, 1]], (3, 3)))
>>> f(np.arange(9.0))
array([ 8., 12., 20., 24.])
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from sympy.matrices.expressions import KroneckerProduct

from symconv.numeric import Apply, _compile, _Parameters, _size, _zeros, register
from symconv.operators.channels import ConvTransposeNd, CorrNd, _layer_shape, flat
from symconv.operators.grid import Permute

__all__: list[str] = []


class _Layer:
    """The integers and the weight function of a CorrNd/ConvTransposeNd at concrete sizes."""

    def __init__(self, expr: CorrNd | ConvTransposeNd, params: _Parameters) -> None:
        self.c_out, self.c_in, self.c_out_g, self.c_in_g = _layer_shape(expr.weight, expr.groups)
        self.groups = int(expr.groups)
        self.shape = tuple(expr.weight.shape)
        self.kernel = self.shape[2:]
        self.stride = [_size(s, expr) for s in expr.stride]
        self.dilation = [_size(d, expr) for d in expr.dilation]
        self.lows = [int(p[0]) for p in expr.padding]
        self.highs = [int(p[1]) for p in expr.padding]
        self.size = [_size(n, expr) for n in expr.size]
        self.output_size = [_size(n, expr) for n in expr.output_size]
        self._values = params.compile(flat(expr.weight))

    def weight(self, values: Sequence[float]) -> np.ndarray:
        """(groups, C_out/groups, C_in/groups, *k) of the forward conv."""
        w = np.asarray(self._values(values)).reshape(self.shape)
        return w.reshape(self.groups, self.c_out_g, self.c_in_g, *self.kernel)

    def window(self, taps: tuple[int, ...], lengths: Sequence[int]) -> tuple[slice, ...]:
        """The strided slice that tap ``taps`` reads from the padded grid."""
        return tuple(
            slice(t * d, t * d + s * (n - 1) + 1, s)
            for t, d, s, n in zip(taps, self.dilation, self.stride, lengths)
        )


@register
def _(expr: CorrNd, params: _Parameters) -> Apply:
    layer = _Layer(expr, params)

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        w = layer.weight(values)
        batch = x.shape[:-1]
        grid = x.reshape(-1, layer.groups, layer.c_in_g, *layer.size)
        padded_size = [n + lo + hi for n, lo, hi in zip(layer.size, layer.lows, layer.highs)]
        padded = _zeros((grid.shape[0], layer.groups, layer.c_in_g, *padded_size), x, w)
        inner = tuple(slice(lo, lo + n) for lo, n in zip(layer.lows, layer.size))
        padded[(Ellipsis, *inner)] = grid
        out = _zeros((grid.shape[0], layer.groups, layer.c_out_g, *layer.output_size), x, w)
        for taps in itertools.product(*map(range, layer.kernel)):
            view = padded[(Ellipsis, *layer.window(taps, layer.output_size))]
            out += np.einsum("goc,bgc...->bgo...", w[(Ellipsis, *taps)], view)
        return out.reshape(*batch, -1)

    return apply


@register
def _(expr: ConvTransposeNd, params: _Parameters) -> Apply:
    layer = _Layer(expr, params)

    def apply(y: np.ndarray, values: Sequence[float]) -> np.ndarray:
        w = layer.weight(values)
        batch = y.shape[:-1]
        grid = y.reshape(-1, layer.groups, layer.c_out_g, *layer.size)
        # Scatter into the full result, then crop lo at the start of each axis.
        full = [
            max(s * (n - 1) + d * (m - 1) + 1, lo + n_out)
            for s, n, d, m, lo, n_out in zip(
                layer.stride,
                layer.size,
                layer.dilation,
                layer.kernel,
                layer.lows,
                layer.output_size,
            )
        ]
        buffer = _zeros((grid.shape[0], layer.groups, layer.c_in_g, *full), y, w)
        for taps in itertools.product(*map(range, layer.kernel)):
            target = (Ellipsis, *layer.window(taps, layer.size))
            buffer[target] += np.einsum("goc,bgo...->bgc...", w[(Ellipsis, *taps)], grid)
        kept = tuple(slice(lo, lo + n) for lo, n in zip(layer.lows, layer.output_size))
        return buffer[(Ellipsis, *kept)].reshape(*batch, -1)

    return apply


@register
def _(expr: Permute, params: _Parameters) -> Apply:
    dims = [_size(n, expr) for n in expr.dims]
    axes = expr.axes

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        batch = x.shape[:-1]
        lead = tuple(range(len(batch)))
        moved = x.reshape(*batch, *dims).transpose(*lead, *(len(batch) + a for a in axes))
        return moved.reshape(*batch, -1)

    return apply


@register
def _(expr: KroneckerProduct, params: _Parameters) -> Apply:
    factors = list(expr.args)
    steps = [_compile(f, params) for f in factors]
    cols = [_size(f.cols, expr) for f in factors]

    def apply(x: np.ndarray, values: Sequence[float]) -> np.ndarray:
        # (A ⊗ B ⊗ …) vec(X) applies A along axis 0 of X, B along axis 1, …
        batch = x.shape[:-1]
        grid = x.reshape(*batch, *cols)
        for k, step in enumerate(steps):
            axis = len(batch) + k
            grid = np.moveaxis(step(np.moveaxis(grid, axis, -1), values), -1, axis)
        return grid.reshape(*batch, -1)

    return apply
