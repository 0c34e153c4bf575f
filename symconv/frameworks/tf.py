"""TensorFlow's ``tf.nn`` convolutions as symconv operators.

Same argument names, order and defaults as ``tf.nn``, with the input tensor
replaced by its spatial size. Filters keep TensorFlow's layouts:
``[k..., in, out]`` for ``conv1d``/``conv2d`` and ``[k..., out, in]`` for the
transposed ops (the same tensor as the conv filter they transpose).

Flattening: with the default channels-last ``data_format`` ("NWC"/"NHWC") an
input sample is flattened as TensorFlow stores it, ``x.reshape(N, -1)`` of an
(N, H, W, C) tensor; the returned operator is
``Permute · CorrNd · Permute`` (channels-last to channel-major and back), so
``symconv.lambdify(op)(x.reshape(N, -1))`` equals
``tf.nn.conv2d(x, …).numpy().reshape(N, -1)``. With one channel the
permutations are the identity and are left out. "NCW"/"NCHW" need none.

``SAME`` padding splits the total ``max((⌈n/s⌉ − 1)s + d(k − 1) + 1 − n, 0)``
with the odd extra at the end. ``conv2d_transpose`` is the transpose (the
gradient) of ``conv2d`` on an input of size ``output_shape``, with the padding
computed for that size: for an odd total no PyTorch call reproduces it
(PyTorch crops the same amount at both ends).

Examples
--------
>>> import numpy as np
>>> from symconv import lambdify
>>> op = conv2d_transpose(np.ones((3, 3, 1, 1)), (2, 2), (1, 4, 4, 1), 2, "SAME")
>>> lambdify(op)(np.array([1.0, 2, 3, 4])).reshape(4, 4)
array([[ 1.,  1.,  3.,  2.],
       [ 1.,  1.,  3.,  2.],
       [ 4.,  4., 10.,  6.],
       [ 3.,  3.,  7.,  4.]])
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from symconv.errors import ParameterError
from symconv.framework_padding import same_padding
from symconv.frameworks._common import in_layouts, per_axis, spatial, to_sympy, weight_array
from symconv.operators.channels import CorrNd

__all__ = ["conv1d", "conv1d_transpose", "conv2d", "conv2d_transpose"]

_SPATIAL = {1: "W", 2: "HW"}


def _format(data_format: str, rank: int) -> str:
    letters = _SPATIAL[rank]
    allowed = (f"N{letters}C", f"NC{letters}")
    if data_format not in allowed:
        raise ParameterError("data_format", data_format, f"one of {allowed}")
    return data_format


def _spatial_values(name: str, value: object, rank: int, data_format: str) -> tuple[int, ...]:
    """strides/dilations: an int, ``rank`` ints, or ``rank + 2`` ints with 1 at N and C."""
    if value is None:
        return (1,) * rank
    values = list(value) if isinstance(value, (tuple, list)) else [value]
    if len(values) == 1:
        values = values * rank
    elif len(values) == rank + 2:
        outer = [values[data_format.index("N")], values[data_format.index("C")]]
        if outer != [1, 1]:
            raise ParameterError(name, value, "1 in the batch and channel positions")
        values = [v for v, letter in zip(values, data_format) if letter not in "NC"]
    return per_axis(name, values, rank)


def _pads(padding: object, size, kernel, stride, dilation, data_format: str) -> list:
    if isinstance(padding, str):
        if padding not in ("SAME", "VALID"):
            raise ParameterError("padding", padding, "'SAME', 'VALID' or explicit pairs")
        if padding == "VALID":
            return [(0, 0)] * len(size)
        return [
            tuple(int(v) for v in same_padding(n, k, s, d))
            for n, k, s, d in zip(size, kernel, stride, dilation)
        ]
    pairs = [tuple(p) for p in padding]
    if len(pairs) == len(size) + 2:
        outer = [pairs[data_format.index("N")], pairs[data_format.index("C")]]
        if any(tuple(p) != (0, 0) for p in outer):
            raise ParameterError("padding", padding, "[0, 0] for the batch and channel dims")
        pairs = [p for p, letter in zip(pairs, data_format) if letter not in "NC"]
    if len(pairs) != len(size) or any(len(p) != 2 for p in pairs):
        raise ParameterError("padding", padding, f"{len(size) + 2} pairs [before, after]")
    return pairs


def _wrap(op: sp.MatrixExpr, data_format: str, c_in: int, c_out: int, size, out_size):
    """Put channels-last permutations around a channel-major operator."""
    rank = len(size)
    spec = data_format.replace("N", "")
    order = "C" + _SPATIAL[rank]
    return in_layouts([op], order, (spec, (c_in, *size)), (spec, (c_out, *out_size)))


def _forward(rank, filters, size, strides, padding, data_format, dilations):
    data_format = _format(data_format, rank)
    w = weight_array("filters", filters, rank + 2)
    # [k..., in, out] (conv) or [k..., out, in] (transposed) -> (out_fwd, in_fwd, k...)
    w = np.transpose(w, (rank + 1, rank, *range(rank)))
    strides = _spatial_values("strides", strides, rank, data_format)
    dilations = _spatial_values("dilations", dilations, rank, data_format)
    pads = _pads(padding, size, w.shape[2:], strides, dilations, data_format)
    return CorrNd(to_sympy(w), size, pads, strides, dilations), data_format


def _conv(rank, filters, size, strides, padding, data_format, dilations) -> sp.MatrixExpr:
    size = spatial("size", size, rank)
    op, data_format = _forward(rank, filters, size, strides, padding, data_format, dilations)
    c_out, c_in = op.channels
    return _wrap(op, data_format, c_in, c_out, size, op.output_size)


def _conv_transpose(
    rank, filters, size, output_shape, strides, padding, data_format, dilations
) -> sp.MatrixExpr:
    size = spatial("size", size, rank)
    data_format = _format(data_format, rank)
    shape = list(output_shape)
    if len(shape) == rank + 2:
        shape = [v for v, letter in zip(shape, data_format) if letter not in "NC"]
    out_size = spatial("output_shape", shape, rank)
    forward, data_format = _forward(
        rank, filters, out_size, strides, padding, data_format, dilations
    )
    if tuple(int(v) for v in forward.output_size) != size:
        raise ParameterError(
            "output_shape",
            output_shape,
            f"a size whose conv gives the input size {size} (this one gives "
            f"{tuple(int(v) for v in forward.output_size)})",
        )
    c_out_fwd, c_in_fwd = forward.channels
    return _wrap(forward.T, data_format, c_out_fwd, c_in_fwd, size, out_size)


def conv1d(filters, size, stride, padding, data_format="NWC", dilations=None) -> sp.MatrixExpr:
    """``tf.nn.conv1d(input, filters, stride, padding, data_format, dilations)``.

    filters ``[w, in, out]``; size the input width.
    """
    return _conv(1, filters, size, stride, padding, data_format, dilations)


def conv2d(filters, size, strides, padding, data_format="NHWC", dilations=None) -> sp.MatrixExpr:
    """``tf.nn.conv2d(input, filters, strides, padding, data_format, dilations)``.

    Parameters
    ----------
    filters : array-like [kh, kw, in, out]
    size : (H, W)
    strides, dilations : int, 2 ints, or 4 ints in ``data_format`` order (1 at N and C)
    padding : "SAME", "VALID", or 4 pairs [before, after] in ``data_format`` order
    data_format : "NHWC" or "NCHW"

    Examples
    --------
    >>> op = conv2d(np.ones((3, 3, 2, 5)), (6, 6), 2, "SAME")
    >>> op.shape, op.args[1].padding
    ((45, 72), ((0, 1), (0, 1)))
    """
    return _conv(2, filters, size, strides, padding, data_format, dilations)


def conv1d_transpose(
    filters, size, output_shape, strides, padding="SAME", data_format="NWC", dilations=None
) -> sp.MatrixExpr:
    """``tf.nn.conv1d_transpose``; filters ``[w, out, in]``, output_shape (N, W, C) or (W,)."""
    return _conv_transpose(1, filters, size, output_shape, strides, padding, data_format, dilations)


def conv2d_transpose(
    filters, size, output_shape, strides, padding="SAME", data_format="NHWC", dilations=None
) -> sp.MatrixExpr:
    """``tf.nn.conv2d_transpose(input, filters, output_shape, strides, padding, …)``.

    The transpose of :func:`conv2d` on an input of size ``output_shape``
    (4 values in ``data_format`` order, or (H, W)); that conv must map it to
    ``size``, as TensorFlow requires.

    Examples
    --------
    >>> conv2d_transpose(np.ones((3, 3, 1, 1)), (2, 2), (4, 4), 2).shape
    (16, 4)
    """
    return _conv_transpose(2, filters, size, output_shape, strides, padding, data_format, dilations)


from symconv.frameworks.tf_padding import pad  # noqa: E402  (re-exported)

__all__ += ["pad"]
from symconv.frameworks.tf_pooling import *  # noqa: E402,F403  avg_pool, depth_to_space
from symconv.frameworks.tf_resample import resize  # noqa: E402,F401  (re-export)
