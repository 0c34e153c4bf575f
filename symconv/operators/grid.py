"""Operators on N-D grids: separable ones as Kronecker products, and axis permutations.

An image of size (H, W) is flattened row-major (pixel (r, c) at r·W + c), so a
separable operator A on the rows and B on the columns is ``A ⊗ B``
(``(A ⊗ B) vec(X) = vec(A X Bᵀ)``). ↑, ↓, pad and crop in N-D are Kronecker
products of the 1-D operators; with ``channels`` > 1 an identity on the
channel axis comes first (channel-major flattening).

:class:`Permute` reorders the axes of the flattened array, e.g. from
TensorFlow's channels-last (H, W, C) to symconv's channel-major (C, H, W).

Examples
--------
>>> from symconv import explicit
>>> up = upsample_nd((2, 2), 2)
>>> up
KroneckerProduct(Upsample(2, 2, 4), Upsample(2, 2, 4))
>>> up.T
KroneckerProduct(Downsample(4, 2), Downsample(4, 2))
>>> explicit(pad_nd((1, 1), 1)).T
Matrix([[0, 0, 0, 0, 1, 0, 0, 0, 0]])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

from symconv import _validate
from symconv.errors import ParameterError
from symconv.operators.base import Operator
from symconv.operators.padding import Crop, Pad
from symconv.operators.sampling import Downsample, Upsample

__all__ = ["Permute", "crop_nd", "downsample_nd", "kron", "pad_nd", "upsample_nd"]


def kron(*factors: sp.MatrixExpr) -> sp.MatrixExpr:
    """The Kronecker product of ``factors`` (a single factor is returned as is)."""
    if not factors:
        raise ParameterError("factors", factors, "at least one matrix")
    return factors[0] if len(factors) == 1 else sp.KroneckerProduct(*factors)


def _sizes(size: object) -> list[object]:
    return list(size) if isinstance(size, (tuple, list, sp.Tuple)) else [size]


def _each(name: str, value: object, rank: int) -> list[object]:
    values = list(value) if isinstance(value, (tuple, list, sp.Tuple)) else [value] * rank
    if len(values) != rank:
        raise ParameterError(name, value, f"one value or {rank} (one per axis)")
    return values


def _pairs(name: str, value: object, rank: int) -> list[tuple[object, object]]:
    """An int (all sides), or per axis an int or (lo, hi)."""
    out = []
    for v in _each(name, value, rank):
        if isinstance(v, (tuple, list, sp.Tuple)):
            if len(v) != 2:
                raise ParameterError(name, value, "an int or a pair (lo, hi) per axis")
            out.append((v[0], v[1]))
        else:
            out.append((v, v))
    return out


def _separable(
    size: object, channels: int, make: Callable[[int, object], sp.MatrixExpr]
) -> sp.MatrixExpr:
    axes = _sizes(size)
    factors = [make(k, n) for k, n in enumerate(axes)]
    c = int(_validate.size("channels", channels))
    return kron(sp.Identity(c), *factors) if c > 1 else kron(*factors)


def upsample_nd(
    size: object, factor: object, length: object = None, channels: int = 1
) -> sp.MatrixExpr:
    """↑ in N-D: ``Upsample(n_1, k_1, N_1) ⊗ … ⊗ Upsample(n_N, k_N, N_N)``.

    ``factor`` and ``length`` are one value for every axis or one per axis;
    the default length is k·n (see :class:`symconv.Upsample`).
    """
    axes = _sizes(size)
    factors = _each("factor", factor, len(axes))
    lengths = _each("length", length, len(axes))
    return _separable(size, channels, lambda k, n: Upsample(n, factors[k], lengths[k]))


def downsample_nd(size: object, factor: object, channels: int = 1) -> sp.MatrixExpr:
    """↓ in N-D: ``Downsample(n_1, k_1) ⊗ … ⊗ Downsample(n_N, k_N)``."""
    factors = _each("factor", factor, len(_sizes(size)))
    return _separable(size, channels, lambda k, n: Downsample(n, factors[k]))


def pad_nd(size: object, padding: object, channels: int = 1) -> sp.MatrixExpr:
    """Zero padding in N-D; ``padding`` is an int or, per axis, an int or (lo, hi)."""
    pairs = _pairs("padding", padding, len(_sizes(size)))
    return _separable(size, channels, lambda k, n: Pad(n, *pairs[k]))


def crop_nd(size: object, cropping: object, channels: int = 1) -> sp.MatrixExpr:
    """Cropping in N-D; ``cropping`` is an int or, per axis, an int or (lo, hi)."""
    pairs = _pairs("cropping", cropping, len(_sizes(size)))
    return _separable(size, channels, lambda k, n: Crop(n, *pairs[k]))


class Permute(Operator):
    """Reorder the axes of a flattened array: ``vec(x.reshape(shape).transpose(axes))``.

    Parameters
    ----------
    shape : sequence of ints
        The shape the input vector is read as (row-major).
    axes : sequence of ints
        A permutation of ``range(len(shape))``, as in :func:`numpy.transpose`.

    Notes
    -----
    A permutation matrix, so the transpose is the inverse permutation.
    ``Permute((H, W, C), (2, 0, 1))`` turns a channels-last (NHWC) image into
    symconv's channel-major layout.

    Examples
    --------
    >>> P = Permute((2, 3), (1, 0))
    >>> P.as_explicit()
    Matrix([
    [1, 0, 0, 0, 0, 0],
    [0, 0, 0, 1, 0, 0],
    [0, 1, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 0],
    [0, 0, 1, 0, 0, 0],
    [0, 0, 0, 0, 0, 1]])
    >>> P.T
    Permute((3, 2), (1, 0))
    """

    def __new__(cls, shape: Sequence[object], axes: Sequence[int]) -> Permute:
        dims = sp.Tuple(*(_validate.size("shape", n) for n in _sizes(shape)))
        order = [int(_validate.amount("axes", a)) for a in _sizes(axes)]
        if sorted(order) != list(range(len(dims))):
            raise ParameterError("axes", axes, f"a permutation of 0 … {len(dims) - 1}")
        return super().__new__(cls, dims, sp.Tuple(*order))

    dims = property(lambda self: tuple(self.args[0]))
    axes = property(lambda self: tuple(int(a) for a in self.args[1]))

    @property
    def output_dims(self) -> tuple[sp.Expr, ...]:
        return tuple(self.dims[a] for a in self.axes)

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        total = sp.Mul(*self.dims)
        return total, total

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        out_dims = self.output_dims
        source = [sp.Integer(0)] * len(self.dims)
        for k, axis in enumerate(self.axes):
            inner = sp.Mul(*out_dims[k + 1 :])
            source[axis] = sp.Mod(sp.floor(sp.sympify(i) / inner), out_dims[k])
        flat = sp.Add(*(v * sp.Mul(*self.dims[a + 1 :]) for a, v in enumerate(source)))
        return sp.KroneckerDelta(j, flat)

    def _eval_transpose(self) -> Permute:
        inverse = [self.axes.index(a) for a in range(len(self.axes))]
        return Permute(self.output_dims, inverse)
