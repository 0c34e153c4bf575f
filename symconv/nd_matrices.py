"""Exact sparse matrices of the N-D operators (registered with :mod:`symconv.matrices`).

Each builder lists the non-zeros directly, O(non-zeros), with index
arithmetic in NumPy; :func:`symconv.explicit` then works on any expression
containing :class:`~symconv.operators.channels.CorrNd`,
:class:`~symconv.operators.channels.ConvTransposeNd` or
:class:`~symconv.operators.grid.Permute`.

Examples
--------
>>> from symconv import explicit
>>> from symconv.operators.channels import CorrNd
>>> explicit(CorrNd([[[1, 2]], [[3, 4]]], 3))
Matrix([
[1, 2, 0],
[0, 1, 2],
[3, 4, 0],
[0, 3, 4]])
"""

from __future__ import annotations

import itertools

import numpy as np
from sympy.polys.domains.domain import Domain
from sympy.polys.matrices import DomainMatrix

from symconv.matrices import _concrete, register
from symconv.operators.channels import ConvTransposeNd, CorrNd, _layer_shape
from symconv.operators.grid import Permute

__all__: list[str] = []


def _ints(values: tuple, expr: object) -> tuple[int, ...]:
    _concrete(expr)  # a clear error for symbolic sizes
    return tuple(int(v) for v in values)


def _corr_nonzeros(expr: CorrNd | ConvTransposeNd, n_in: tuple, n_out: tuple, K: Domain) -> dict:
    """Rows {row: {col: value}} of the forward correlation from n_in to n_out."""
    # Python ints: the weight's shape holds SymPy Integers, slow as sparse-matrix keys.
    c_out, _, c_out_g, c_in_g = map(int, _layer_shape(expr.weight, expr.groups))
    stride, dilation = _ints(expr.stride, expr), _ints(expr.dilation, expr)
    lows = np.array([int(p[0]) for p in expr.padding])
    grid = np.indices(n_out).reshape(len(n_out), -1).T  # every output position
    out_flat = np.ravel_multi_index(grid.T, n_out)
    p_out, p_in = int(np.prod(n_out)), int(np.prod(n_in))
    rows: dict[int, dict[int, object]] = {}
    for taps in itertools.product(*map(range, expr.kernel_size)):
        source = grid * np.array(stride) + np.array(taps) * np.array(dilation) - lows
        inside = np.all((source >= 0) & (source < np.array(n_in)), axis=1)
        if not inside.any():
            continue
        r_flat = out_flat[inside].tolist()
        c_flat = np.ravel_multi_index(source[inside].T, n_in).tolist()
        for o in range(c_out):
            base_c = (o // c_out_g) * c_in_g
            for cc in range(c_in_g):
                value = K.from_sympy(expr.weight[(o, cc, *taps)])
                if K.is_zero(value):
                    continue
                r0, c0 = o * p_out, (base_c + cc) * p_in
                for r, c in zip(r_flat, c_flat):
                    rows.setdefault(r0 + r, {})[c0 + c] = value
    return rows


@register
def _(expr: CorrNd, K: Domain) -> DomainMatrix:
    shape = _concrete(expr)
    n_in, n_out = _ints(expr.size, expr), _ints(expr.output_size, expr)
    return DomainMatrix(_corr_nonzeros(expr, n_in, n_out, K), shape, K, fmt="sparse")


@register
def _(expr: ConvTransposeNd, K: Domain) -> DomainMatrix:
    rows, cols = _concrete(expr)
    n_in, n_out = _ints(expr.size, expr), _ints(expr.output_size, expr)
    # The forward correlation maps the transposed op's output back to its input.
    forward = _corr_nonzeros(expr, n_out, n_in, K)
    return DomainMatrix(forward, (cols, rows), K, fmt="sparse").transpose()


@register
def _(expr: Permute, K: Domain) -> DomainMatrix:
    _concrete(expr)
    dims = tuple(int(n) for n in expr.dims)
    source = np.arange(int(np.prod(dims))).reshape(dims).transpose(expr.axes).ravel()
    return DomainMatrix(
        {i: {int(j): K.one} for i, j in enumerate(source)}, _concrete(expr), K, fmt="sparse"
    )
