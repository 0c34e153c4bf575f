r"""ONNX's ``Conv``, ``ConvTranspose``, ``Pad``, ``AveragePool``, ``Resize`` as symconv operators.

The attribute names and defaults are those of the ONNX operator specification
(opset 22; ``Pad`` as of opset 21, constant mode), with the input tensor ``X``
replaced by its spatial size and no bias ``B`` (a bias is affine, not linear).
Layout is ONNX's NCHW: an (N, C, \*size) input is flattened as
``x.reshape(N, -1)``, channel-major then row-major, so
``symconv.lambdify(op)(x.reshape(N, -1))`` equals the node's output reshaped the
same way. Weights keep ONNX's layouts: ``W`` is (M, C/group, \*k) for ``Conv`` and
(C, M/group, \*k) for ``ConvTranspose`` (PyTorch's layouts too). 1-D, 2-D and
3-D spatial inputs are supported.

Padding rules, per spatial axis (input size n, kernel k, stride s, dilation d,
output padding a):

- ``Conv`` with ``auto_pad`` ``SAME_UPPER``/``SAME_LOWER``: output ⌈n/s⌉, total
  padding ``max((⌈n/s⌉ − 1)s + d(k − 1) + 1 − n, 0)``, the odd extra at the end
  (``SAME_UPPER``) or at the start (``SAME_LOWER``); ``VALID`` pads nothing.
- ``ConvTranspose`` computes the full scatter result of length
  ``s(n − 1) + d(k − 1) + 1`` and keeps the window that starts ``pads[start]``
  into it and has length ``s(n − 1) + a + d(k − 1) + 1 − pads[start] − pads[end]``.
  With ``output_shape`` (or, without it, with ``auto_pad`` ``SAME_*``, where the
  output is ``n·s``) the pads come from
  ``total = s(n − 1) + a + d(k − 1) + 1 − output_shape``: ``SAME_UPPER`` puts
  ``total // 2`` at the start, every other ``auto_pad`` puts ``total − total // 2``
  there, as the specification's text says (it writes ``total/2``; ``//`` is floor
  division, as ``onnx.reference`` reads it). A negative total asks for more than
  the full result: the missing rows are zeros, and the adapter returns them as an
  explicit zero padding times a :class:`~symconv.operators.channels.ConvTransposeNd`
  (that product is not the transpose of any convolution).

``Resize`` is one :class:`~symconv.operators.resample.Resample` per spatial axis
(:func:`resize_axis` gives the coordinate maps), ``I_C ⊗ R_1 ⊗ …``; ``roi`` and
``tf_crop_and_resize``, ``antialias=1`` with ``exclude_outside=0`` on a shrinking
axis are refused. ``Pad`` with ``mode="reflect"``, ``"edge"`` or ``"wrap"`` has no
symconv operator yet and is refused. ``AveragePool`` is a correlation with taps 1/Πk
where every window is divided by Πk, else a Kronecker product of
:class:`~symconv.operators.pooling.AvgPool` (edge windows divided by their count):
those need ``dilations`` 1 and pads below the kernel. Where onnxruntime and the
``onnx.reference`` evaluator differ from the specification, the documentation page on
frameworks lists each case.

Examples
--------
>>> import numpy as np
>>> from symconv import explicit
>>> op = conv(np.ones((1, 1, 2)), 3, auto_pad="SAME_LOWER")
>>> op.padding
((1, 0),)
>>> explicit(conv_transpose([[[1, 2]]], 2, strides=[2], output_shape=[3]))
Matrix([
[2, 0],
[0, 1],
[0, 2]])
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import sympy as sp

from symconv import _validate
from symconv.errors import ParameterError
from symconv.framework_padding import same_split
from symconv.frameworks._common import chain, spatial, to_sympy, weight_array
from symconv.operators.channels import ConvTransposeNd, CorrNd
from symconv.operators.grid import crop_nd, kron, pad_nd
from symconv.operators.pooling import avg_pool_nd
from symconv.operators.resample import Resample, source_map
from symconv.sizes import pool_length

__all__ = [
    "AUTO_PADS",
    "average_pool",
    "conv",
    "conv_same_pads",
    "conv_transpose",
    "conv_transpose_pads",
    "pad",
    "pool_same_pads",
    "resize",
    "resize_axis",
    "resize_inputs",
]

#: The values of the ``auto_pad`` attribute.
AUTO_PADS: tuple[str, ...] = ("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID")
_SAME: tuple[str, ...] = ("SAME_UPPER", "SAME_LOWER")


# --- ONNX's padding rules, one axis at a time -------------------------------------


def conv_same_pads(n: int, k: int, stride: int, dilation: int, auto_pad: str) -> tuple[int, int]:
    """``(pads[start], pads[end])`` of ``Conv`` with ``auto_pad`` SAME_UPPER or SAME_LOWER.

    The output is ⌈n/s⌉; the total ``max((⌈n/s⌉ − 1)s + d(k − 1) + 1 − n, 0)`` is
    split with the odd extra at the end (SAME_UPPER) or the start (SAME_LOWER).

    Examples
    --------
    >>> conv_same_pads(5, 4, 1, 1, "SAME_UPPER"), conv_same_pads(5, 4, 1, 1, "SAME_LOWER")
    ((1, 2), (2, 1))
    """
    out = -(-n // stride)
    total = max((out - 1) * stride + dilation * (k - 1) + 1 - n, 0)
    return same_split(total, lower=auto_pad == "SAME_LOWER")


def conv_transpose_pads(
    n: int,
    k: int,
    stride: int,
    dilation: int,
    output_padding: int,
    auto_pad: str,
    output_shape: int | None,
) -> tuple[int, int]:
    """``(pads[start], pads[end])`` of ``ConvTranspose`` generated from its output size.

    ``total = s(n − 1) + a + d(k − 1) + 1 − out`` with ``out = output_shape``, or
    ``n·s`` without it (``auto_pad`` SAME_UPPER/SAME_LOWER). SAME_UPPER puts
    ``total // 2`` (floor) at the start, any other ``auto_pad`` ``total − total // 2``.
    The pads are negative when ``out`` exceeds the full result (onnxruntime then
    takes the total as 0 instead).

    Examples
    --------
    >>> conv_transpose_pads(3, 3, 2, 1, 0, "SAME_UPPER", None)  # out 6: total 1
    (0, 1)
    >>> conv_transpose_pads(3, 3, 2, 1, 0, "SAME_LOWER", None), conv_transpose_pads(
    ...     3, 3, 2, 1, 0, "NOTSET", 6)
    ((1, 0), (1, 0))
    """
    out = n * stride if output_shape is None else output_shape
    total = stride * (n - 1) + output_padding + dilation * (k - 1) + 1 - out
    small = total // 2
    return (small, total - small) if auto_pad == "SAME_UPPER" else (total - small, small)


# --- attribute checks ---------------------------------------------------------------


def _auto_pad(auto_pad: object, pads: object) -> str:
    if auto_pad not in AUTO_PADS:
        raise ParameterError("auto_pad", auto_pad, f"one of {AUTO_PADS}")
    if auto_pad != "NOTSET" and pads is not None:
        raise ParameterError(
            "pads", pads, f"None with auto_pad={auto_pad!r} (the specification forbids both)"
        )
    return auto_pad


def _weight(W: object) -> tuple[np.ndarray, int]:
    w = weight_array("W", W)
    if not 3 <= w.ndim <= 5:
        raise ParameterError("W", f"array of shape {w.shape}", "3 to 5 axes: (M, C/group, *k)")
    return w, w.ndim - 2


def _ints(name: str, value: object, rank: int, default: int, minimum: int) -> tuple[int, ...]:
    """An attribute with one int per spatial axis (ONNX lists), ``default`` when None."""
    if value is None:
        return (default,) * rank
    if not isinstance(value, (tuple, list, np.ndarray)) or len(value) != rank:
        raise ParameterError(name, value, f"a list of {rank} ints (one per spatial axis)")
    return tuple(int(_validate.integer(name, v, minimum)) for v in value)


def _kernel(kernel_shape: object, w: np.ndarray, rank: int) -> tuple[int, ...]:
    kernel = tuple(w.shape[2:])
    if kernel_shape is not None and _ints("kernel_shape", kernel_shape, rank, 1, 1) != kernel:
        raise ParameterError("kernel_shape", kernel_shape, f"None or W's spatial shape {kernel}")
    return kernel


def _explicit_pads(pads: object, rank: int) -> list[tuple[int, int]]:
    """``[x1_begin, …, xN_begin, x1_end, …, xN_end]`` as (begin, end) per axis."""
    values = _ints("pads", pads, 2 * rank, 0, 0)
    return list(zip(values[:rank], values[rank:]))


def _layer(
    W: object,
    input_size: object,
    auto_pad: object,
    dilations: object,
    kernel_shape: object,
    pads: object,
    strides: object,
) -> tuple[np.ndarray, tuple[int, ...], tuple[int, ...], str, tuple[int, ...], tuple[int, ...]]:
    """The attributes ``Conv`` and ``ConvTranspose`` share, checked: (W, spatial size,
    kernel, auto_pad, strides, dilations)."""
    w, rank = _weight(W)
    size = spatial("input_size", input_size, rank)
    kernel = _kernel(kernel_shape, w, rank)
    auto_pad = _auto_pad(auto_pad, pads)
    strides = _ints("strides", strides, rank, 1, 1)
    dilations = _ints("dilations", dilations, rank, 1, 1)
    return w, size, kernel, auto_pad, strides, dilations


def _group(group: object, channels: int, role: str) -> int:
    g = int(_validate.integer("group", group, 1))
    if channels % g:
        raise ParameterError("group", group, f"a divisor of the {role} ({channels})")
    return g


# --- the operators ------------------------------------------------------------------


def conv(
    W: object,
    input_size: object,
    auto_pad: str = "NOTSET",
    dilations: Sequence[int] | None = None,
    group: int = 1,
    kernel_shape: Sequence[int] | None = None,
    pads: Sequence[int] | None = None,
    strides: Sequence[int] | None = None,
) -> CorrNd:
    """The ONNX ``Conv`` node ``Conv(X, W)`` on an input of spatial size ``input_size``.

    Parameters
    ----------
    W : array-like (M, C/group, k_1, …, k_N), N = 1, 2 or 3
    input_size : int or sequence of N ints
        The spatial size of ``X`` (its shape without N and C).
    auto_pad, dilations, group, kernel_shape, pads, strides
        As in ONNX: ``pads`` is ``[x1_begin, …, x1_end, …]`` (≥ 0), and cannot be
        given with an ``auto_pad`` other than ``NOTSET``.

    Examples
    --------
    >>> op = conv(np.ones((4, 1, 3, 3)), (5, 5), auto_pad="SAME_UPPER", group=2,
    ...           strides=[2, 2])
    >>> op.shape, op.padding
    ((36, 50), ((1, 1), (1, 1)))
    """
    w, size, kernel, auto_pad, strides, dilations = _layer(
        W, input_size, auto_pad, dilations, kernel_shape, pads, strides
    )
    rank = len(size)
    g = _group(group, w.shape[0], "output channels W.shape[0]")
    if auto_pad in _SAME:
        pairs = [conv_same_pads(*axis, auto_pad) for axis in zip(size, kernel, strides, dilations)]
    else:
        pairs = _explicit_pads(pads if auto_pad == "NOTSET" else None, rank)
    for n, k, d, (lo, hi) in zip(size, kernel, dilations, pairs):
        if n + lo + hi < d * (k - 1) + 1:
            raise ParameterError(
                "input_size", input_size, f"a size the dilated kernel fits in with pads {pairs}"
            )
    return CorrNd(to_sympy(w), size, pairs, strides, dilations, g)


def _window(s: int, a: int, lo: int, hi: int) -> tuple[int, ...]:
    """A transposed conv's output window as (zeros before, lo, hi, a, zeros after).

    ONNX keeps rows ``lo … lo + out − 1`` of the full scatter result (length
    ``full``; rows outside it are zero), ``out = full + a − lo − hi``. symconv's
    :class:`ConvTransposeNd` needs ``lo, hi ≥ 0`` and ``0 ≤ a < s``: only ``hi − a``
    matters for which rows are kept, and rows beyond ``full + s − 1`` (or before
    row 0) are explicit zeros.
    """
    if lo >= 0 and hi >= 0:
        return 0, lo, hi, a, 0
    crop_end = hi - a  # rows of the full result cut at the end; negative: rows added
    if crop_end >= 0:
        return max(-lo, 0), max(lo, 0), crop_end, 0, 0
    kept = min(-crop_end, s - 1)
    return max(-lo, 0), max(lo, 0), 0, kept, -crop_end - kept


def conv_transpose(
    W: object,
    input_size: object,
    auto_pad: str = "NOTSET",
    dilations: Sequence[int] | None = None,
    group: int = 1,
    kernel_shape: Sequence[int] | None = None,
    output_padding: Sequence[int] | None = None,
    output_shape: Sequence[int] | None = None,
    pads: Sequence[int] | None = None,
    strides: Sequence[int] | None = None,
) -> sp.MatrixExpr:
    """The ONNX ``ConvTranspose`` node ``ConvTranspose(X, W)``.

    Parameters
    ----------
    W : array-like (C, M/group, k_1, …, k_N), N = 1, 2 or 3
    input_size : int or sequence of N ints
    auto_pad, dilations, group, kernel_shape, output_padding, output_shape, pads, strides
        As in ONNX. ``output_shape`` (N ints, no batch or channel) generates the
        pads, so ``pads`` must then be None (the specification ignores them);
        ``output_padding`` is below the stride on every axis.

    Returns
    -------
    ConvTransposeNd, or ``Pad · ConvTransposeNd`` when the output reaches beyond
    the full scatter result by more than ``stride − 1`` rows (or before its start):
    those rows are zero, and the product is not the transpose of a convolution.

    Examples
    --------
    >>> conv_transpose(np.ones((1, 1, 3)), 3, strides=[2], auto_pad="SAME_UPPER").padding
    ((0, 1),)
    >>> conv_transpose(np.ones((1, 1, 1)), 2, strides=[2], output_shape=[5])
    Pad(4, 1, 0)*ConvTransposeNd((1, 1, 1), (2,), ((0, 0),), (2,), (1,), (1,), 1)
    """
    w, size, kernel, auto_pad, strides, dilations = _layer(
        W, input_size, auto_pad, dilations, kernel_shape, pads, strides
    )
    rank = len(size)
    a = _ints("output_padding", output_padding, rank, 0, 0)
    if any(a_k >= s for a_k, s in zip(a, strides)):
        # The specification says "less than the corresponding stride/dilation";
        # onnxruntime and onnx.reference both refuse output_padding >= stride.
        raise ParameterError("output_padding", output_padding, f"below strides {strides}")
    g = _group(group, w.shape[0], "input channels W.shape[0]")
    if output_shape is not None:
        if pads is not None:
            raise ParameterError(
                "pads", pads, "None with output_shape (output_shape generates the pads)"
            )
        out = _ints("output_shape", output_shape, rank, 1, 1)
        pairs = [
            conv_transpose_pads(n, k, s, d, a_k, auto_pad, o)
            for n, k, s, d, a_k, o in zip(size, kernel, strides, dilations, a, out)
        ]
    elif auto_pad in _SAME:
        pairs = [
            conv_transpose_pads(n, k, s, d, a_k, auto_pad, None)
            for n, k, s, d, a_k in zip(size, kernel, strides, dilations, a)
        ]
    else:
        pairs = _explicit_pads(pads if auto_pad == "NOTSET" else None, rank)
    windows = []
    for n, k, s, d, a_k, (lo, hi) in zip(size, kernel, strides, dilations, a, pairs):
        if s * (n - 1) + a_k + d * (k - 1) + 1 - lo - hi < 1:
            value = output_shape if output_shape is not None else pads
            name = "output_shape" if output_shape is not None else "pads"
            raise ParameterError(name, value, "a setting that leaves a non-empty output")
        windows.append(_window(s, a_k, lo, hi))
    front, lo, hi, kept, back = zip(*windows)
    op = ConvTransposeNd(to_sympy(w), size, list(zip(lo, hi)), strides, dilations, kept, g)
    if not any(front) and not any(back):
        return op
    zeros = pad_nd(op.output_size, list(zip(front, back)), channels=op.channels[0])
    return chain(zeros, op)


def pad(
    input_size: object,
    pads: Sequence[int],
    mode: str = "constant",
    channels: int = 1,
    axes: Sequence[int] | None = None,
) -> sp.MatrixExpr:
    """The ONNX ``Pad`` node ``Pad(data, pads, axes=axes)`` with constant value 0.

    Parameters
    ----------
    input_size : int or sequence of ints
        The spatial size of ``data``, an (N, ``channels``, \\*input_size) tensor.
    pads : sequence of ints
        ``[x1_begin, x2_begin, …, x1_end, x2_end, …]`` for the axes ``axes`` of
        ``data`` (all of them by default, batch and channel included); negative
        values remove elements. The batch axis is not padded (the operator acts
        on one sample); padding the channel axis adds zero channels.
    mode : str
        Only ``"constant"``: symconv has no operators for ``reflect``, ``edge``
        or ``wrap`` padding yet.
    channels : int
    axes : sequence of ints, optional
        Axes of ``data`` in ``[-r, r - 1]``, ``r = len(input_size) + 2``.

    Examples
    --------
    >>> from symconv import explicit
    >>> explicit(pad(2, [0, 0, 1, 0, 0, -1]))
    Matrix([
    [0, 0],
    [1, 0]])
    >>> pad((4, 4), [1, 1], channels=3, axes=[-1]).shape
    (72, 48)
    """
    if mode != "constant":
        raise ParameterError(
            "mode", mode, "'constant' (no symconv operator for 'reflect', 'edge' or 'wrap' yet)"
        )
    size = list(input_size) if isinstance(input_size, (tuple, list)) else [input_size]
    size = [int(_validate.size("input_size", n)) for n in size]
    grid = [int(_validate.size("channels", channels)), *size]
    rank = len(grid) + 1
    if axes is None:
        axes = list(range(rank))
    elif not isinstance(axes, (tuple, list, np.ndarray)):
        raise ParameterError("axes", axes, "a list of axes of data")
    chosen = [int(_validate.integer("axes", v)) for v in axes]
    if any(not -rank <= v < rank for v in chosen):
        raise ParameterError("axes", axes, f"axes in [-{rank}, {rank - 1}]")
    chosen = [v % rank for v in chosen]
    if len(set(chosen)) != len(chosen):
        raise ParameterError("axes", axes, "distinct axes (the specification leaves repeats open)")
    if not isinstance(pads, (tuple, list, np.ndarray)) or len(pads) != 2 * len(chosen):
        raise ParameterError("pads", pads, f"a list of {2 * len(chosen)} ints (2 per axis)")
    values = [int(_validate.integer("pads", v)) for v in pads]
    pairs = [(0, 0)] * rank
    for i, axis in enumerate(chosen):
        pairs[axis] = (values[i], values[i + len(chosen)])
    if pairs[0] != (0, 0):
        raise ParameterError("pads", pads, "0 on the batch axis (the operator maps one sample)")
    pairs = pairs[1:]
    for n, (lo, hi) in zip(grid, pairs):
        if n + lo + hi < 1 or -lo >= n or -hi >= n:
            raise ParameterError("pads", pads, f"pads that keep part of each axis (size {n})")
    if pairs[0] == (0, 0):  # channels untouched: one padding of every channel's grid
        grid, pairs, c = grid[1:], pairs[1:], grid[0]
    else:
        c = 1
    cuts = [(max(-lo, 0), max(-hi, 0)) for lo, hi in pairs]
    adds = [(max(lo, 0), max(hi, 0)) for lo, hi in pairs]
    cropped = [n - lo - hi for n, (lo, hi) in zip(grid, cuts)]
    crop = crop_nd(grid, cuts, channels=c) if any(map(any, cuts)) else None
    zeros = pad_nd(cropped, adds, channels=c) if any(map(any, adds)) or crop is None else None
    return chain(zeros, crop)


def _flag(name: str, value: object) -> int:
    if value not in (0, 1) or isinstance(value, float):
        raise ParameterError(name, value, "0 or 1")
    return int(value)


def average_pool(
    input_size: object,
    kernel_shape: Sequence[int],
    channels: int = 1,
    auto_pad: str = "NOTSET",
    ceil_mode: int = 0,
    count_include_pad: int = 0,
    dilations: Sequence[int] | None = None,
    pads: Sequence[int] | None = None,
    strides: Sequence[int] | None = None,
) -> sp.MatrixExpr:
    """The ONNX ``AveragePool`` node (opset 22) on an (N, C, \\*input_size) input.

    The windows are those of the specification: ⌊(n + pads − d(k − 1) − 1)/s⌋ + 1 per
    axis, rounded up with ``ceil_mode=1`` and explicit pads, a last window that would
    start in the end padding dropped (with an ``auto_pad`` ``ceil_mode`` changes no size:
    the specification's two formulas agree there). Each window's sum is divided by the
    number of its elements inside the input (``count_include_pad=0``) or inside the padded
    input (``count_include_pad=1``; a ``ceil_mode`` window hanging over the end counts only
    up to the end padding, as onnxruntime, ``onnx.reference`` and PyTorch do); in N-D
    that count is the product of the per-axis counts.

    Where every window is divided by ``prod(kernel_shape)`` the node is a strided,
    possibly dilated correlation with taps 1/Πk (a :class:`CorrNd`). Otherwise it is
    :func:`~symconv.operators.pooling.avg_pool_nd`, a Kronecker product of
    :class:`~symconv.operators.pooling.AvgPool` (one per axis), which has no dilation and
    needs pads below the kernel: such a window divisor with ``dilations`` > 1 or
    ``pads >= kernel_shape`` raises :class:`ParameterError` (onnxruntime refuses the
    latter too).

    Parameters
    ----------
    input_size : int or sequence of N ints (N = 1, 2, 3)
    kernel_shape : sequence of N ints
    channels : int
        C of the (N, C, \\*input_size) input; each channel is pooled alone.
    auto_pad, ceil_mode, count_include_pad, dilations, pads, strides
        As in ONNX; ``SAME_*`` pads as :func:`pool_same_pads` says.

    Examples
    --------
    >>> from symconv import explicit
    >>> explicit(average_pool(4, [2], strides=[2]))
    Matrix([
    [1/2, 1/2,   0,   0],
    [  0,   0, 1/2, 1/2]])
    >>> explicit(average_pool(3, [2], pads=[1, 0], strides=[2], ceil_mode=1))
    Matrix([
    [1,   0, 0],
    [0, 1/2, 1/2]])
    """
    if not isinstance(kernel_shape, (tuple, list, np.ndarray)) or not 1 <= len(kernel_shape) <= 3:
        raise ParameterError("kernel_shape", kernel_shape, "a list of 1 to 3 ints")
    rank = len(kernel_shape)
    kernel = _ints("kernel_shape", kernel_shape, rank, 1, 1)
    size = spatial("input_size", input_size, rank)
    c = int(_validate.size("channels", channels))
    auto_pad = _auto_pad(auto_pad, pads)
    # With an auto_pad the specification's ceil_mode formulas give the floor sizes.
    ceil = bool(_flag("ceil_mode", ceil_mode)) and auto_pad == "NOTSET"
    count_include_pad = _flag("count_include_pad", count_include_pad)
    strides = _ints("strides", strides, rank, 1, 1)
    dilations = _ints("dilations", dilations, rank, 1, 1)
    if auto_pad in _SAME:
        pairs = [pool_same_pads(*axis, auto_pad) for axis in zip(size, kernel, strides, dilations)]
    else:
        pairs = _explicit_pads(pads if auto_pad == "NOTSET" else None, rank)
    uniform = True  # every window divided by Πk
    for n, k, s, d, (lo, hi) in zip(size, kernel, strides, dilations, pairs):
        span = d * (k - 1) + 1
        if n + lo + hi < span:
            raise ParameterError("input_size", input_size, "a size the padded window fits in")
        length = int(pool_length(n, span, s, lo, hi, ceil))
        if length > (n + lo + hi - span) // s + 1:
            uniform = False  # ceil_mode's last window hangs over the end of the padded input
        last_end = (length - 1) * s + span - lo  # one past the last window's last element
        if not count_include_pad and (lo > 0 or last_end > n):
            uniform = False  # edge windows hold padding, which they do not count
    if uniform:
        taps = np.full((c, 1, *kernel), sp.Rational(1, int(np.prod(kernel))), dtype=object)
        return CorrNd(to_sympy(taps), size, pairs, strides, dilations, c)
    if any(d > 1 for d in dilations):
        raise ParameterError(
            "dilations",
            dilations,
            "1 on every axis where windows are divided by fewer than prod(kernel_shape) "
            "elements (no symconv operator pools dilated windows with such divisors)",
        )
    if any(lo >= k or hi >= k for k, (lo, hi) in zip(kernel, pairs)):
        raise ParameterError(
            "pads",
            pads,
            f"pads below kernel_shape {list(kernel)} where windows are divided by fewer "
            "than prod(kernel_shape) elements (onnxruntime refuses them too)",
        )
    divisor = "padded" if count_include_pad else "input"
    return avg_pool_nd(size, kernel, strides, pairs, ceil, divisor, c)


def pool_same_pads(n: int, k: int, stride: int, dilation: int, auto_pad: str) -> tuple[int, int]:
    """``AveragePool``'s SAME_UPPER/SAME_LOWER pads, split like :func:`conv_same_pads`.

    The specification's total ``(⌈n/s⌉ − 1)s + d(k − 1) + 1 − n`` is not clamped
    at 0, and how a negative total (more stride than input, e.g. n = 5, k = 1,
    s = 3) splits is not said: onnxruntime starts the windows at row 0 (for SAME_LOWER
    too), onnx.reference refuses. Such a call raises :class:`ParameterError`.

    Examples
    --------
    >>> pool_same_pads(5, 3, 2, 1, "SAME_UPPER"), pool_same_pads(5, 3, 2, 1, "SAME_LOWER")
    ((1, 1), (1, 1))
    """
    total = (-(-n // stride) - 1) * stride + dilation * (k - 1) + 1 - n
    if total < 0:
        raise ParameterError(
            "auto_pad",
            auto_pad,
            f"NOTSET or VALID here: the SAME total padding is negative ({total}) for input "
            f"{n}, kernel {k}, stride {stride}, and the specification does not say how it splits",
        )
    return same_split(total, lower=auto_pad == "SAME_LOWER")


# --- Resize ---------------------------------------------------------------------------

#: The values of ``Resize``'s ``mode``, ``coordinate_transformation_mode`` and ``nearest_mode``.
RESIZE_MODES = ("nearest", "linear", "cubic")
COORDINATE_MODES = (
    "half_pixel",
    "half_pixel_symmetric",
    "pytorch_half_pixel",
    "align_corners",
    "asymmetric",
    "tf_crop_and_resize",
    "tf_half_pixel_for_nn",
)
NEAREST_MODES = ("round_prefer_floor", "round_prefer_ceil", "floor", "ceil")
ASPECT_RATIO_POLICIES = ("stretch", "not_larger", "not_smaller")


def _float32_value(name: str, value: object) -> sp.Rational:
    """The fraction a float32 attribute or scale stands for.

    The shortest fraction (denominator below 2**16) that rounds to the same float32, when
    there is one (a scale 0.6 stands for 3/5), else the exact binary value of the float32.
    """
    try:
        f = np.float32(value)
    except (TypeError, ValueError):
        raise ParameterError(name, value, "a number") from None
    if isinstance(value, bool) or not np.isfinite(f):
        raise ParameterError(name, value, "a finite number")
    short = Fraction(float(f)).limit_denominator(1 << 16)
    if np.float32(short.numerator / short.denominator) == f:
        return sp.Rational(short.numerator, short.denominator)
    return sp.Rational(float(f))


def _nearest_shift(scale: sp.Rational, offset: sp.Rational, nearest_mode: str) -> sp.Rational:
    """c with ``round(src) = ⌊src + c⌋`` for every ``src = scale·i + offset``, i integer.

    Every such src is a multiple of 1/L (L the least common multiple of the denominators
    of scale, offset and ½), so ``⌈x⌉ = ⌊x + 1 − 1/L⌋`` and the round-half-down
    ``⌈x − ½⌉ = ⌊x + ½ − 1/L⌋`` exactly.
    """
    grid = sp.ilcm(sp.fraction(scale)[1], sp.fraction(offset)[1], 2)
    return {
        "floor": sp.Integer(0),
        "ceil": 1 - sp.Rational(1, grid),
        "round_prefer_ceil": sp.Rational(1, 2),
        "round_prefer_floor": sp.Rational(1, 2) - sp.Rational(1, grid),
    }[nearest_mode]


def resize_axis(
    n: int,
    length: int,
    factor: sp.Rational,
    mode: str = "nearest",
    coordinate_transformation_mode: str = "half_pixel",
    nearest_mode: str = "round_prefer_floor",
    cubic_coeff_a: object = -0.75,
    exclude_outside: int = 0,
    antialias: int = 0,
) -> Resample:
    """The :class:`~symconv.operators.resample.Resample` of ``Resize`` on one axis.

    ``factor`` is the axis' scale (output over input: ``scales[d]``, or N/n with ``sizes``).
    ``antialias=1`` with linear or cubic on an axis that shrinks (f < 1) stretches the
    kernel by 1/f, every input it reaches weighted; it needs ``exclude_outside=1`` (the
    weights renormalised over the input): with 0 the runtimes fold the stretched kernel's
    outside taps onto the border, which no Resample expresses.
    The coordinate maps of the specification, ``x_original`` from ``x_resized = i``:
    ``half_pixel`` ``(i + ½)/f − ½``; ``half_pixel_symmetric`` the same plus
    ``n/2·(1 − N/(n·f))``; ``pytorch_half_pixel`` as half_pixel, 0 when N = 1;
    ``align_corners`` ``i·(n − 1)/(N − 1)``, 0 when N = 1; ``asymmetric`` ``i/f``;
    ``tf_half_pixel_for_nn`` (opset 11 and 12 only; onnxruntime still runs it)
    ``(i + ½)/f``.

    Examples
    --------
    >>> resize_axis(3, 6, sp.Integer(2), "nearest", "asymmetric", "ceil")
    Resample(3, 6, 'nearest', 1/2, 1/2, -3/4, 'clamp', 0, 1)
    """
    if coordinate_transformation_mode == "align_corners":
        scale, offset = source_map("align_corners", n, length)
    elif coordinate_transformation_mode == "asymmetric":
        scale, offset = 1 / factor, sp.Integer(0)
    elif coordinate_transformation_mode == "tf_half_pixel_for_nn":
        scale, offset = 1 / factor, 1 / (2 * factor)
    elif coordinate_transformation_mode == "pytorch_half_pixel" and length == 1:
        scale, offset = sp.Integer(0), sp.Integer(0)
    else:
        scale, offset = 1 / factor, (1 / factor - 1) / 2
        if coordinate_transformation_mode == "half_pixel_symmetric":
            offset += sp.Rational(n, 2) * (1 - length / (n * factor))
    if mode == "nearest":
        shift = _nearest_shift(scale, offset, nearest_mode)
        return Resample(n, length, "nearest", scale, offset + shift)
    border = "renormalize" if exclude_outside else "clamp"
    a = _float32_value("cubic_coeff_a", cubic_coeff_a)
    if antialias and factor < 1:
        if not exclude_outside:
            raise ParameterError(
                "antialias",
                antialias,
                "0, or 1 with exclude_outside=1, on an axis that shrinks (the runtimes fold "
                "the stretched kernel onto the border, not expressible exactly)",
            )
        return Resample(n, length, mode, scale, offset, a, border, 0, 1 / factor)
    return Resample(n, length, mode, scale, offset, a, border)


def _choice(name: str, value: object, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ParameterError(name, value, f"one of {', '.join(allowed)}")
    return value


def resize_inputs(
    rank: int,
    scales: Sequence[float] | None = None,
    sizes: Sequence[int] | None = None,
    axes: Sequence[int] | None = None,
    channels: int | None = None,
) -> tuple[str, list[object]]:
    """Which of ``Resize``'s ``scales``/``sizes`` is given, and its entry per spatial axis.

    Checks them as :func:`resize` does: exactly one of the two, one entry per axis of
    ``X`` (N, C and ``rank`` spatial axes) or per entry of ``axes`` (spatial axes only),
    scale 1 on N and C, a size ``channels`` on C (unless ``channels`` is None). Returns
    ``("scales", [float32 or None, …])`` or ``("sizes", [int or None, …])``, None on a
    spatial axis that ``axes`` does not list.

    Examples
    --------
    >>> resize_inputs(2, scales=[1, 1, 2, 0.5])
    ('scales', [2.0, 0.5])
    >>> resize_inputs(2, sizes=[7], axes=[-1])
    ('sizes', [None, 7])
    """
    r = rank + 2
    if axes is None:
        dims = list(range(r))
    else:
        if not isinstance(axes, (tuple, list, np.ndarray)):
            raise ParameterError("axes", axes, "a list of spatial axes")
        if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) for d in axes):
            raise ParameterError("axes", axes, "a list of ints")
        dims = [int(d) + r if int(d) < 0 else int(d) for d in axes]
        if any(not 2 <= d < r for d in dims) or len(set(dims)) != len(dims):
            raise ParameterError("axes", axes, f"distinct spatial axes, 2 … {r - 1} or negative")
    if (scales is None) == (sizes is None):
        raise ParameterError("scales", scales, "exactly one of scales and sizes")
    given, name = (scales, "scales") if sizes is None else (sizes, "sizes")
    if not isinstance(given, (tuple, list, np.ndarray)) or len(given) != len(dims):
        raise ParameterError(name, given, f"{len(dims)} values (one per axis)")
    per_axis: list[object] = [None] * rank
    for d, value in zip(dims, given):
        if name == "sizes":
            length = int(_validate.size("sizes", value))
            if d == 1 and channels is not None and length != channels:
                raise ParameterError(
                    "sizes", sizes, f"a channel size equal to channels = {channels}"
                )
        else:
            factor = _float32_value("scales", value)
            if (d < 2 and factor != 1) or not factor > 0:
                raise ParameterError("scales", scales, "1 for the N and C axes, > 0 for the others")
        if d >= 2:
            per_axis[d - 2] = length if name == "sizes" else float(np.float32(value))
    return name, per_axis


def resize(
    input_size: object,
    scales: Sequence[float] | None = None,
    sizes: Sequence[int] | None = None,
    mode: str = "nearest",
    coordinate_transformation_mode: str = "half_pixel",
    nearest_mode: str = "round_prefer_floor",
    cubic_coeff_a: float = -0.75,
    exclude_outside: int = 0,
    extrapolation_value: float = 0.0,
    antialias: int = 0,
    axes: Sequence[int] | None = None,
    keep_aspect_ratio_policy: str = "stretch",
    channels: int = 1,
) -> sp.MatrixExpr:
    """The ONNX ``Resize`` node (opset 22) on an (N, C, \\*input_size) input, no ``roi``.

    Parameters
    ----------
    input_size : int or sequence of 1–3 ints
        The spatial size of ``X``.
    scales, sizes : sequence, exactly one of them
        As the node's inputs: one entry per axis of ``X`` (N, C, then the spatial axes),
        or one per entry of ``axes``. Only spatial axes resize: the scale of N and C must
        be 1, the size of C must be ``channels`` (the size of N is not part of the
        operator and is not checked). The output length is ``⌊n·scale⌋`` for the float32
        value of the scale (0.7 is 0.69999999: 10 samples give 6); in the coordinate
        maps a float32 scale stands for the shortest fraction that rounds to it (0.6 for
        3/5).
    mode : {"nearest", "linear", "cubic"}
    coordinate_transformation_mode : str
        Any of the specification's except ``tf_crop_and_resize`` (it reads ``roi`` and
        writes ``extrapolation_value`` outside it: not a resampling of the input alone),
        and opset 11's ``tf_half_pixel_for_nn``, which exporters still write.
    nearest_mode : {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"}
    cubic_coeff_a : float
    exclude_outside : {0, 1}
        1: taps outside the input get weight 0, the others are renormalised.
    extrapolation_value : float
        Only read by ``tf_crop_and_resize``, so ignored.
    antialias : {0, 1}
        1: linear and cubic stretch their kernel by 1/f on an axis that shrinks
        (:func:`resize_axis`); there it needs ``exclude_outside=1``.
    axes : sequence of ints, optional
        Spatial axes (2 … r − 1, or negative) that ``scales``/``sizes`` refer to.
    keep_aspect_ratio_policy : {"stretch", "not_larger", "not_smaller"}
        With ``sizes``: ``stretch`` resizes to ``sizes``; the others take the common
        scale ``s = min`` (or ``max``) of ``sizes[i]/n`` over ``axes`` (which must then
        be given: with every axis the batch size would enter the minimum) and resize
        each listed axis to ``⌊s·n + ½⌋`` with scale s. Ignored with ``scales``.
    channels : int
        C.

    Examples
    --------
    >>> from symconv import explicit
    >>> explicit(resize(2, scales=[1, 1, 2], mode="linear"))
    Matrix([
    [  1,   0],
    [3/4, 1/4],
    [1/4, 3/4],
    [  0,   1]])
    >>> explicit(resize(3, sizes=[2], axes=[2], nearest_mode="ceil")).T
    Matrix([
    [0, 0],
    [1, 0],
    [0, 1]])
    """
    rank = len(input_size) if isinstance(input_size, (tuple, list)) else 1
    if rank not in (1, 2, 3):
        raise ParameterError("input_size", input_size, "1, 2 or 3 spatial sizes")
    sizes_in = spatial("input_size", input_size, rank)
    c = int(_validate.size("channels", channels))
    mode = _choice("mode", mode, RESIZE_MODES)
    ctm = _choice(
        "coordinate_transformation_mode", coordinate_transformation_mode, COORDINATE_MODES
    )
    if ctm == "tf_crop_and_resize":
        raise ParameterError(
            "coordinate_transformation_mode",
            ctm,
            "a mode other than tf_crop_and_resize (it reads roi and fills extrapolation_value)",
        )
    nearest_mode = _choice("nearest_mode", nearest_mode, NEAREST_MODES)
    exclude_outside = _flag("exclude_outside", exclude_outside)
    antialias = _flag("antialias", antialias)
    if antialias and mode == "nearest":  # both onnxruntime and onnx.reference refuse it
        raise ParameterError("antialias", antialias, "0 with mode 'nearest'")
    policy = _choice("keep_aspect_ratio_policy", keep_aspect_ratio_policy, ASPECT_RATIO_POLICIES)
    name, given = resize_inputs(rank, scales, sizes, axes, c)
    lengths, factors = list(sizes_in), [sp.Integer(1)] * rank
    for axis, (n, value) in enumerate(zip(sizes_in, given)):
        if value is None:
            continue
        if name == "sizes":
            lengths[axis], factors[axis] = value, sp.Rational(value, n)
            continue
        # ⌊n·scale⌋ of the float32 scale itself (0.7 is 0.69999999: 10 → 6, as both
        # runtimes and the specification's formula give), not of the fraction
        lengths[axis] = int(sp.floor(n * sp.Rational(float(value))))
        if lengths[axis] < 1:
            raise ParameterError("scales", scales, "positive scales giving sizes >= 1")
        factors[axis] = _float32_value("scales", value)
    if sizes is not None and policy != "stretch":
        if axes is None:
            raise ParameterError(
                "axes",
                axes,
                f"the spatial axes they resize with keep_aspect_ratio_policy {policy!r}",
            )
        listed = [axis for axis, value in enumerate(given) if value is not None]
        ratios = [factors[axis] for axis in listed]
        common = min(ratios) if policy == "not_larger" else max(ratios)
        for axis in listed:  # round_int: the nearest integer, halfway cases up
            lengths[axis] = int(sp.floor(common * sizes_in[axis] + sp.Rational(1, 2)))
            factors[axis] = common
            _validate.size("sizes", lengths[axis])
    ops = [
        resize_axis(
            n, length, f, mode, ctm, nearest_mode, cubic_coeff_a, exclude_outside, antialias
        )
        for n, length, f in zip(sizes_in, lengths, factors)
    ]
    return kron(sp.Identity(c), *ops) if c > 1 else kron(*ops)
