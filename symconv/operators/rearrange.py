r"""Operators that rearrange (and, for unfold, copy) the samples of a multi-channel image.

- :class:`PixelShuffle` and :class:`PixelUnshuffle` (Shi et al. 2016, "Real-time single
  image and video super-resolution using an efficient sub-pixel convolutional neural
  network"): permutations between (C·rᵈ, n₁, …, n_d) and (C, r·n₁, …, r·n_d), each the
  other's transpose (and inverse), with PyTorch's channel order;
- :class:`Unfold` (im2col: every sliding block of a zero-padded image as a column, PyTorch's
  ``unfold``) and its transpose :class:`Fold` (col2im: blocks added back where they overlap).

All act on channel-major flattened arrays and define ``index_dims`` (their rows and
columns are multi-indices: channel first, then the spatial axes).

Examples
--------
>>> from symconv import explicit
>>> explicit(PixelShuffle((1, 1), 2, 1))  # 4 channels of 1×1 → one 2×2 channel
Matrix([
[1, 0, 0, 0],
[0, 1, 0, 0],
[0, 0, 1, 0],
[0, 0, 0, 1]])
>>> explicit(PixelShuffle((1, 2), 2, 1)).T.tolist()[1]  # channel 0, pixel (0, 1) goes to (0, 2)
[0, 0, 1, 0, 0, 0, 0, 0]
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from symconv import _validate, sizes
from symconv.errors import ParameterError
from symconv.operators.base import Operator
from symconv.operators.index_map import Term, divides, flat_index, multi_index, within

__all__ = ["Fold", "PixelShuffle", "PixelUnshuffle", "Unfold"]


def _axes(name: str, values: object) -> sp.Tuple:
    items = list(values) if isinstance(values, (tuple, list, sp.Tuple)) else [values]
    if not items:
        raise ParameterError(name, values, "at least one spatial size")
    return sp.Tuple(*(_validate.size(name, v) for v in items))


class _ShuffleParams:
    """(size, r, channels): a spatial size, the factor r and the channel count C."""

    def __new__(cls, size: Sequence[object], factor: object, channels: object = 1) -> Operator:
        size = _axes("size", size)
        r = _validate.size("factor", factor)
        c = _validate.size("channels", channels)
        cls._check(size, r)
        return Operator.__new__(cls, size, r, c)

    @staticmethod
    def _check(size: sp.Tuple, r: sp.Expr) -> None:
        pass

    size = property(lambda self: tuple(self.args[0]))
    r = property(lambda self: self.args[1])
    channels = property(lambda self: self.args[2])

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        total = sp.Mul(*self.index_dims[1])  # a permutation: as many rows as columns
        return total, total


class PixelShuffle(_ShuffleParams, Operator):
    r"""Pixel shuffle: (C·rᵈ, n₁, …, n_d) → (C, r·n₁, …, r·n_d), PyTorch's order.

    Parameters
    ----------
    size : sequence of ints
        The input's spatial size (n₁, …, n_d); PyTorch's ``pixel_shuffle`` is d = 2.
    factor : int
        The upscale factor r.
    channels : int
        C, the channels of the *output* (the input has C·rᵈ).

    Notes
    -----
    Output :math:`(c, y_1, \dots, y_d)` is input channel
    :math:`c\,r^d + \sum_a (y_a \bmod r)\, r^{d-a}` (the offsets row-major) at
    :math:`(\lfloor y_1/r \rfloor, \dots)`. TensorFlow's ``depth_to_space`` reads channel
    :math:`(\text{offset})\cdot C + c` instead (channels last and innermost).

    Examples
    --------
    >>> PixelShuffle((2, 2), 2, 3).T
    PixelUnshuffle((4, 4), 2, 3)
    """

    @property
    def index_dims(self) -> tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...]]:
        rd = self.r ** len(self.size)
        return (self.channels, *(n * self.r for n in self.size)), (self.channels * rd, *self.size)

    def index_map(self, index: tuple) -> list[Term]:
        c, *ys = index
        r, d = self.r, len(self.size)
        offset = flat_index([sp.Mod(y, r) for y in ys], [r] * d)
        column = (c * r**d + offset, *(sp.floor(y / r) for y in ys))
        return [(sp.Integer(1), column, set())]

    def _eval_transpose(self) -> PixelUnshuffle:
        return PixelUnshuffle(tuple(n * self.r for n in self.size), self.r, self.channels)


class PixelUnshuffle(_ShuffleParams, Operator):
    r"""Pixel unshuffle: (C, n₁, …, n_d) → (C·rᵈ, n₁/r, …, n_d/r), PyTorch's order.

    Parameters
    ----------
    size : sequence of ints
        The input's spatial size, multiples of r.
    factor : int
        The downscale factor r.
    channels : int
        C, the channels of the input.

    Notes
    -----
    Output channel :math:`c\,r^d + o` (o the row-major offset :math:`(o_1, \dots, o_d)`
    inside an r × … × r block) at :math:`(z_1, \dots)` is input
    :math:`(c, r z_1 + o_1, \dots)`. The inverse and the transpose of :class:`PixelShuffle`.

    Examples
    --------
    >>> PixelUnshuffle((4, 2), 2, 1).T
    PixelShuffle((2, 1), 2, 1)
    >>> PixelUnshuffle((3, 2), 2, 1)
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: size=(3, 2) is not allowed: expected multiples of the factor 2
    """

    @staticmethod
    def _check(size: sp.Tuple, r: sp.Expr) -> None:
        if any(sp.Mod(n, r) != 0 for n in size):
            raise ParameterError("size", tuple(size), f"multiples of the factor {r}")

    @property
    def index_dims(self) -> tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...]]:
        rd = self.r ** len(self.size)
        return (self.channels * rd, *(n / self.r for n in self.size)), (self.channels, *self.size)

    def index_map(self, index: tuple) -> list[Term]:
        channel, *zs = index
        r, d = self.r, len(self.size)
        offsets = multi_index(sp.Mod(channel, r**d), [r] * d)
        column = (sp.floor(channel / r**d), *(r * z + o for z, o in zip(zs, offsets)))
        return [(sp.Integer(1), column, set())]

    def _eval_transpose(self) -> PixelShuffle:
        return PixelShuffle(tuple(n / self.r for n in self.size), self.r, self.channels)


class _BlockParams:
    """(size, kernel, dilation, padding, stride, channels) of :class:`Unfold` / :class:`Fold`."""

    def __new__(
        cls,
        size: Sequence[object],
        kernel: Sequence[object],
        dilation: Sequence[object] | object = 1,
        padding: Sequence[object] | object = 0,
        stride: Sequence[object] | object = 1,
        channels: object = 1,
    ) -> Operator:
        size = _axes("size", size)
        rank = len(size)

        def each(name: str, value: object, check) -> sp.Tuple:
            items = list(value) if isinstance(value, (tuple, list, sp.Tuple)) else [value] * rank
            if len(items) != rank:
                raise ParameterError(name, value, f"one value or {rank} (one per axis)")
            return sp.Tuple(*(check(name, v) for v in items))

        def pair(name: str, value: object) -> sp.Tuple:
            lo, hi = value if isinstance(value, (tuple, list, sp.Tuple)) else (value, value)
            return sp.Tuple(_validate.amount(name, lo), _validate.amount(name, hi))

        kernel = each("kernel", kernel, _validate.size)
        dilation = each("dilation", dilation, _validate.size)
        padding = each("padding", padding, pair)
        stride = each("stride", stride, _validate.size)
        for n, k, d, (lo, hi) in zip(size, kernel, dilation, padding):
            _validate.require(
                n + lo + hi >= d * (k - 1) + 1,
                "kernel",
                tuple(kernel),
                "blocks that fit inside the padded input on every axis",
            )
        c = _validate.size("channels", channels)
        return Operator.__new__(cls, size, kernel, dilation, padding, stride, c)

    size = property(lambda self: tuple(self.args[0]))
    kernel = property(lambda self: tuple(self.args[1]))
    dilation = property(lambda self: tuple(self.args[2]))
    padding = property(lambda self: tuple(tuple(p) for p in self.args[3]))
    stride = property(lambda self: tuple(self.args[4]))
    channels = property(lambda self: self.args[5])

    @property
    def blocks(self) -> tuple[sp.Expr, ...]:
        """The number of block positions along each axis (L = their product)."""
        return tuple(
            sizes.unfold_blocks(n, k, d, lo, hi, s)
            for n, k, d, (lo, hi), s in zip(
                self.size, self.kernel, self.dilation, self.padding, self.stride
            )
        )

    @property
    def _columns_dims(self) -> tuple[sp.Expr, ...]:
        return (self.channels, *self.kernel, *self.blocks)

    @property
    def _image_dims(self) -> tuple[sp.Expr, ...]:
        return (self.channels, *self.size)

    #: Unfold maps the image to the columns; Fold (``_transposed``) the columns to the image.
    _transposed = False

    @property
    def index_dims(self) -> tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...]]:
        dims = (self._columns_dims, self._image_dims)
        return dims[::-1] if self._transposed else dims

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        rows, cols = self.index_dims
        return sp.Mul(*rows), sp.Mul(*cols)


class Unfold(_BlockParams, Operator):
    r"""im2col: every sliding block of a zero-padded (C, n₁, …, n_d) image as a column.

    Parameters
    ----------
    size : sequence of ints
        The image's spatial size.
    kernel, dilation, stride : sequence of ints (or one int for every axis)
        The block size and the spacing of its samples and of the blocks.
    padding : sequence of ints or (lo, hi) pairs (or one int)
        Zero padding on each axis.
    channels : int
        C.

    Notes
    -----
    The output is (C·∏k, L), flattened row-major as PyTorch's ``unfold`` returns it: row
    (c, t₁, …, t_d), column (l₁, …, l_d) is the input at
    :math:`(c, l_a s_a - lo_a + t_a d_a)` on each axis, 0 where that is in the padding.
    L = ∏ Lₐ with Lₐ the length of the strided, dilated correlation
    (:func:`symconv.sizes.unfold_blocks`).

    Examples
    --------
    >>> from symconv import explicit
    >>> explicit(Unfold((3,), (2,))).T  # 1-D, blocks [x0, x1] and [x1, x2]: rows (t, l)
    Matrix([
    [1, 0, 0, 0],
    [0, 1, 1, 0],
    [0, 0, 0, 1]])
    >>> Unfold((3,), (2,)).T
    Fold((3,), (2,), (1,), ((0, 0),), (1,), 1)
    """

    def index_map(self, index: tuple) -> list[Term]:
        d = len(self.size)
        c, ts, ls = index[0], index[1 : 1 + d], index[1 + d :]
        column, guards = [c], set()
        for t, block, n, dil, (lo, _), s in zip(
            ts, ls, self.size, self.dilation, self.padding, self.stride
        ):
            position = block * s - lo + t * dil
            column.append(position)
            guards.add(within(position, 0, n))
        return [(sp.Integer(1), tuple(column), guards)]

    def _eval_transpose(self) -> Fold:
        return Fold(*self.args)


class Fold(_BlockParams, Operator):
    r"""col2im: the transpose of :class:`Unfold`; blocks added back into the image.

    Same parameters as :class:`Unfold` (``size`` is the folded image's); maps
    (C·∏k, L) to (C, n₁, …, n_d), summing where blocks overlap (PyTorch's ``fold``).

    Notes
    -----
    Pixel :math:`(c, y)` sums, over the kernel offsets :math:`t_a` with
    :math:`s_a \mid y_a + lo_a - t_a d_a`, the column entry
    :math:`(c, t, l)` with :math:`l_a = (y_a + lo_a - t_a d_a)/s_a` when
    :math:`0 \le l_a < L_a`.

    Examples
    --------
    >>> from symconv import explicit
    >>> explicit(Fold((3,), (2,)))
    Matrix([
    [1, 0, 0, 0],
    [0, 1, 1, 0],
    [0, 0, 0, 1]])
    """

    _transposed = True

    def index_map(self, index: tuple) -> list[Term]:
        c, *ys = index
        ts, ls, guards = [], [], set()
        for y, k, dil, (lo, _), s, count in zip(
            ys, self.kernel, self.dilation, self.padding, self.stride, self.blocks
        ):
            t = sp.Dummy("t", integer=True)
            reach = y + lo - t * dil
            ts.append(t)
            ls.append(reach / s)
            guards |= {within(t, 0, k), divides(s, reach), within(reach / s, 0, count)}
        return [(sp.Integer(1), (c, *ts, *ls), guards)]

    def _eval_transpose(self) -> Unfold:
        return Unfold(*self.args)
