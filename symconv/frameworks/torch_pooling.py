r"""PyTorch's average pooling, pixel (un)shuffle and unfold/fold as symconv operators.

Same names, argument order and defaults as ``torch.nn.functional``, with the input
tensor replaced by its spatial size ``input_size`` and its channel count ``channels``
(of the input, except for ``fold``: the channels of the folded output). Each returns
the operator on one sample flattened channel-major, ``x.reshape(N, -1)`` of an
(N, C, \*size) tensor — PyTorch's own memory order; ``unfold``'s output is flattened
from (C·∏k, L) as PyTorch returns it.

Average pooling follows PyTorch's rules exactly: ``stride`` defaults to the kernel size;
``padding`` must be at most half the kernel; in ``ceil_mode`` the last window must start
inside the input or the left padding (:func:`symconv.sizes.pool_length`);
``count_include_pad=True`` divides by the window's length inside the padded input
(a window hanging over the right padding in ``ceil_mode`` counts only up to it);
``divisor_override`` divides every window by that one number (``avg_pool1d`` has no such
argument, as in PyTorch). In 2-D and 3-D PyTorch's divisor is the product of the per-axis
divisors, so each pooling is a Kronecker product of 1-D ones.

Examples
--------
>>> from symconv import explicit
>>> explicit(avg_pool1d(5, 2, ceil_mode=True))
Matrix([
[1/2, 1/2,   0,   0, 0],
[  0,   0, 1/2, 1/2, 0],
[  0,   0,   0,   0, 1]])
>>> explicit(avg_pool1d(3, 2, 1, padding=1, count_include_pad=False))
Matrix([
[  1,   0,   0],
[1/2, 1/2,   0],
[  0, 1/2, 1/2],
[  0,   0,   1]])
"""

from __future__ import annotations

import sympy as sp

from symconv.errors import ParameterError
from symconv.frameworks._common import per_axis, spatial
from symconv.operators.pooling import adaptive_avg_pool_nd, avg_pool_nd
from symconv.operators.rearrange import PixelShuffle, PixelUnshuffle, Unfold

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "fold",
    "pixel_shuffle",
    "pixel_unshuffle",
    "unfold",
]


def _avg_pool(
    rank: int,
    input_size: object,
    kernel_size: object,
    stride: object,
    padding: object,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: object,
    channels: int,
) -> sp.MatrixExpr:
    size = spatial("input_size", input_size, rank)
    kernel = per_axis("kernel_size", kernel_size, rank)
    # PyTorch: stride=None (or an empty list) means the kernel size.
    strides = kernel if stride is None or stride == [] else per_axis("stride", stride, rank)
    pads = per_axis("padding", padding, rank, minimum=0)
    for p, k in zip(pads, kernel):
        if 2 * p > k:
            raise ParameterError(
                "padding", padding, f"at most half the kernel size {kernel_size} (PyTorch's rule)"
            )
    if divisor_override is not None:
        divisor = int(per_axis("divisor_override", divisor_override, 1)[0])
        pool = avg_pool_nd(size, kernel, strides, pads, ceil_mode, "none", channels)
        return sp.MatMul(sp.Rational(1, divisor), pool)
    divisor = "padded" if count_include_pad else "input"
    return avg_pool_nd(size, kernel, strides, pads, ceil_mode, divisor, channels)


def avg_pool1d(
    input_size,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    channels=1,
) -> sp.MatrixExpr:
    """``torch.nn.functional.avg_pool1d`` on an (N, channels, input_size) input."""
    return _avg_pool(
        1, input_size, kernel_size, stride, padding, ceil_mode, count_include_pad, None, channels
    )


def avg_pool2d(
    input_size,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
    channels=1,
) -> sp.MatrixExpr:
    """``torch.nn.functional.avg_pool2d`` on an (N, channels, H, W) input.

    Examples
    --------
    >>> op = avg_pool2d((3, 3), 2, 1, divisor_override=3)
    >>> op.args[0], op.shape
    (1/3, (4, 9))
    """
    return _avg_pool(
        2,
        input_size,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
        channels,
    )


def avg_pool3d(
    input_size,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
    channels=1,
) -> sp.MatrixExpr:
    """``torch.nn.functional.avg_pool3d`` on an (N, channels, D, H, W) input."""
    return _avg_pool(
        3,
        input_size,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
        channels,
    )


def _adaptive(rank: int, input_size: object, output_size: object, channels: int):
    size = spatial("input_size", input_size, rank)
    if isinstance(output_size, (tuple, list)):
        # PyTorch: None in output_size keeps that axis's input size.
        output_size = [n if o is None else o for n, o in zip(size, output_size)]
    return adaptive_avg_pool_nd(size, per_axis("output_size", output_size, rank), channels)


def adaptive_avg_pool1d(input_size, output_size, channels=1) -> sp.MatrixExpr:
    """``torch.nn.functional.adaptive_avg_pool1d`` on an (N, channels, input_size) input."""
    return _adaptive(1, input_size, output_size, channels)


def adaptive_avg_pool2d(input_size, output_size, channels=1) -> sp.MatrixExpr:
    """``torch.nn.functional.adaptive_avg_pool2d``; ``None`` in ``output_size`` keeps an axis."""
    return _adaptive(2, input_size, output_size, channels)


def adaptive_avg_pool3d(input_size, output_size, channels=1) -> sp.MatrixExpr:
    """``torch.nn.functional.adaptive_avg_pool3d``; ``None`` in ``output_size`` keeps an axis."""
    return _adaptive(3, input_size, output_size, channels)


def pixel_shuffle(input_size, upscale_factor, channels=1) -> PixelShuffle:
    """``torch.nn.functional.pixel_shuffle`` on an (N, channels, H, W) input.

    ``channels`` (= C·r²) must be divisible by r²; the output is (N, C, H·r, W·r).

    Examples
    --------
    >>> pixel_shuffle((1, 1), 2, channels=4).shape
    (4, 4)
    """
    r = int(per_axis("upscale_factor", upscale_factor, 1)[0])
    c = int(per_axis("channels", channels, 1)[0])
    if c % (r * r):
        raise ParameterError("channels", channels, f"a multiple of upscale_factor² = {r * r}")
    return PixelShuffle(spatial("input_size", input_size, 2), r, c // (r * r))


def pixel_unshuffle(input_size, downscale_factor, channels=1) -> PixelUnshuffle:
    """``torch.nn.functional.pixel_unshuffle`` on an (N, channels, H, W) input.

    H and W must be multiples of r; the output is (N, channels·r², H/r, W/r).
    """
    r = int(per_axis("downscale_factor", downscale_factor, 1)[0])
    size = spatial("input_size", input_size, 2)
    if any(n % r for n in size):
        raise ParameterError(
            "input_size", input_size, f"multiples of downscale_factor = {r} on every axis"
        )
    return PixelUnshuffle(size, r, int(per_axis("channels", channels, 1)[0]))


def _unfold_args(size, kernel_size, dilation, padding, stride):
    rank = len(size)
    kernel = per_axis("kernel_size", kernel_size, rank)
    dilations = per_axis("dilation", dilation, rank)
    pads = per_axis("padding", padding, rank, minimum=0)
    strides = per_axis("stride", stride, rank)
    return kernel, dilations, [(p, p) for p in pads], strides


def unfold(input_size, kernel_size, dilation=1, padding=0, stride=1, channels=1) -> Unfold:
    """``torch.nn.functional.unfold`` (im2col) on an (N, channels, H, W) input.

    The output (N, channels·∏k, L) is flattened row-major: row c·∏k + (kernel offset),
    column the block index l (row-major over the blocks' positions).

    Examples
    --------
    >>> unfold((3, 3), 2, channels=2).shape
    (32, 18)
    """
    size = spatial("input_size", input_size, 2)
    kernel, dilations, pads, strides = _unfold_args(size, kernel_size, dilation, padding, stride)
    return Unfold(size, kernel, dilations, pads, strides, int(per_axis("channels", channels, 1)[0]))


def fold(output_size, kernel_size, dilation=1, padding=0, stride=1, channels=1):
    """``torch.nn.functional.fold`` (col2im): the transpose of :func:`unfold`.

    ``channels`` is C of the folded output ``(N, C, *output_size)``; the input is
    (N, C·∏k, L) flattened row-major. Overlapping blocks are summed.

    Examples
    --------
    >>> fold((3, 3), 2).T == unfold((3, 3), 2)
    True
    """
    size = spatial("output_size", output_size, 2)
    kernel, dilations, pads, strides = _unfold_args(size, kernel_size, dilation, padding, stride)
    return Unfold(
        size, kernel, dilations, pads, strides, int(per_axis("channels", channels, 1)[0])
    ).T
