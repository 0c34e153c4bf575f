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

:func:`as_direct_conv` writes a transposed convolution as the direct
convolution that textbooks draw (Dumoulin & Visin 2016, section 4): zeros
inserted between the input samples, zero padding around them, and a
stride-1 correlation with the kernel flipped on every axis.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import sympy as sp

from symconv import _validate
from symconv.errors import ParameterError
from symconv.operators.base import Operator
from symconv.operators.channels import ConvTransposeNd, CorrNd
from symconv.operators.index_map import Term
from symconv.operators.padding import Crop, Pad
from symconv.operators.sampling import Downsample, Upsample

__all__ = [
    "Permute",
    "as_direct_conv",
    "crop_nd",
    "downsample_nd",
    "kron",
    "pad_nd",
    "upsample_nd",
]


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


def _flipped_forward_weight(op: ConvTransposeNd) -> sp.ImmutableDenseNDimArray:
    """The weight of the direct conv: channel roles swapped per group, every axis flipped.

    ``op.weight`` has shape (C_in, C_out/g, k…) read from the transposed layer's
    side; the direct conv needs (C_out, C_in/g, k…) with
    ``w'[g·C_out/g + o, i, t] = w[g·C_in/g + i, o, k − 1 − t]``.
    """
    w, groups = op.weight, int(op.groups)
    c_in, c_out_g, *kernel = w.shape
    c_in_g = c_in // groups
    entries = {}
    for o in range(c_out_g * groups):
        g, o_local = divmod(o, c_out_g)
        for i in range(c_in_g):
            for t in itertools.product(*map(range, kernel)):
                source = (g * c_in_g + i, o_local, *(k - 1 - u for k, u in zip(kernel, t)))
                entries[(o, i, *t)] = w[source]
    shape = (c_out_g * groups, c_in_g, *kernel)
    return sp.ImmutableDenseNDimArray(
        [entries[index] for index in itertools.product(*map(range, shape))], shape
    )


def as_direct_conv(op: ConvTransposeNd) -> sp.MatrixExpr:
    """A transposed convolution as a direct convolution over a spread-out, padded input.

    ``ConvTransposeNd(w, n, (lo, hi), s, d, a)`` equals, per axis,
    ``CorrNd(w', valid, dilation d) · Pad(d(k − 1) − lo, d(k − 1) − hi + a) · ↑ₛ``
    where ↑ₛ inserts s − 1 zeros *between* the n samples (length s(n − 1) + 1,
    no trailing zeros) and w' is w with every spatial axis flipped (rotated
    by 180° in 2-D) and the channel roles swapped. This is the "full" direct
    convolution of Dumoulin & Visin (2016) for stride 1 and the fractionally
    strided ("stride 1/s") one for s > 1. No kernel needs to be flipped by hand.

    Parameters
    ----------
    op : ConvTransposeNd
        E.g. what :func:`symconv.frameworks.torch.conv_transpose2d` returns.

    Returns
    -------
    sympy.MatMul
        ``direct @ pad @ spread``: its three factors, in this order, are the
        :class:`~symconv.operators.channels.CorrNd` with the flipped weight,
        the N-D :class:`~symconv.Pad` and the N-D :class:`~symconv.Upsample`.

    Raises
    ------
    ParameterError
        If ``op`` is not a :class:`~symconv.operators.channels.ConvTransposeNd`
        with numeric sizes, or its padding crops more than d(k − 1) from a side
        (then no zero padding gives it; crop the result instead).

    Examples
    --------
    The 2×2 input of Dumoulin & Visin's figure 4.1, padded to 6×6:

    >>> from symconv import explicit
    >>> T = ConvTransposeNd([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]], (2, 2))
    >>> direct = as_direct_conv(T)
    >>> direct.args[0].weight
    [[[[9, 8, 7], [6, 5, 4], [3, 2, 1]]]]
    >>> [factor.shape for factor in direct.args]
    [(16, 36), (36, 4), (4, 4)]
    >>> explicit(direct) == explicit(T)
    True
    """
    if not isinstance(op, ConvTransposeNd):
        raise ParameterError("op", op, "a ConvTransposeNd (a framework transposed convolution)")
    if not _validate.is_concrete(*op.size, *op.weight.shape):
        raise ParameterError("op", op, "numeric sizes and a weight array (not a symbolic family)")
    c_in = op.channels[1]
    inserted, pads = [], []
    for n, k, (lo, hi), s, d, a in zip(
        op.size, op.kernel_size, op.padding, op.stride, op.dilation, op.output_padding
    ):
        reach = d * (k - 1)
        if not (lo <= reach and hi - a <= reach):
            raise ParameterError(
                "op",
                op,
                f"a padding (lo, hi) with lo <= d(k-1) = {reach} and hi - output_padding <= "
                f"{reach} on every axis; got {(lo, hi)}: crop the direct conv's output instead",
            )
        inserted.append(s * (n - 1) + 1)
        pads.append((reach - lo, reach - hi + a))
    padded = [m + lo + hi for m, (lo, hi) in zip(inserted, pads)]
    direct = CorrNd(_flipped_forward_weight(op), padded, "valid", 1, op.dilation, op.groups)
    spread = upsample_nd(op.size, op.stride, length=inserted, channels=c_in)
    return sp.MatMul(direct, pad_nd(inserted, pads, channels=c_in), spread)


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

    @property
    def index_dims(self) -> tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...]]:
        return self.output_dims, self.dims

    def index_map(self, index: tuple) -> list[Term]:
        # Output axis k is input axis axes[k]: the element read has its indices put back.
        source = [sp.Integer(0)] * len(self.dims)
        for k, axis in enumerate(self.axes):
            source[axis] = index[k]
        return [(sp.Integer(1), tuple(source), set())]

    def _eval_transpose(self) -> Permute:
        inverse = [self.axes.index(a) for a in range(len(self.axes))]
        return Permute(self.output_dims, inverse)
