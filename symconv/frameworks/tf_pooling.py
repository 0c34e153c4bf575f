"""TensorFlow's ``tf.nn.avg_pool``, ``depth_to_space`` and ``space_to_depth`` as operators.

Same names and argument order as ``tf.nn``, with the input tensor replaced by its spatial
size and ``channels``; the operator acts on one sample flattened channels-last (NHWC, as
TensorFlow stores it), like the convolutions of :mod:`symconv.frameworks.tf`.

- ``avg_pool``: ``VALID`` has only full windows, each divided by the window size;
  ``SAME`` pads with TensorFlow's SAME split (the odd extra at the end) and divides each
  window by the number of *input* samples in it — PyTorch's ``count_include_pad=False``,
  never its default.
- ``depth_to_space`` / ``space_to_depth`` (NHWC): pure axis permutations. TensorFlow's
  channel order differs from PyTorch's ``pixel_shuffle``: output channel c at offset
  (a, b) inside an r × r block reads input channel ``(a·r + b)·C + c`` (TensorFlow, "DCR")
  against ``c·r² + a·r + b`` (PyTorch, "CRD"). They agree only for C = 1.

Examples
--------
>>> from symconv import explicit
>>> explicit(avg_pool(3, 2, 1, "SAME"))
Matrix([
[1/2, 1/2,   0],
[  0, 1/2, 1/2],
[  0,   0,   1]])
>>> depth_to_space((1, 1), 2, channels=4)
Permute((1, 1, 2, 2, 1), (0, 2, 1, 3, 4))
"""

from __future__ import annotations

from symconv import sizes
from symconv.errors import ParameterError
from symconv.framework_padding import same_padding
from symconv.frameworks._common import in_layouts, per_axis, spatial
from symconv.operators.grid import Permute
from symconv.operators.pooling import avg_pool_nd

__all__ = ["avg_pool", "depth_to_space", "space_to_depth"]

_SPATIAL = {1: "W", 2: "HW", 3: "DHW"}


def _rank_and_size(input_size: object) -> tuple[int, tuple[int, ...]]:
    size = spatial("input_size", input_size)
    if len(size) not in _SPATIAL:
        raise ParameterError("input_size", input_size, "1, 2 or 3 spatial sizes")
    return len(size), size


def _spatial_arg(name: str, value: object, rank: int) -> tuple[int, ...]:
    """ksize/strides: an int, ``rank`` ints, or ``rank + 2`` ints with 1 at N and C."""
    values = list(value) if isinstance(value, (tuple, list)) else [value]
    if len(values) == rank + 2:
        if values[0] != 1 or values[-1] != 1:
            raise ParameterError(name, value, "1 in the batch and channel positions")
        values = values[1:-1]
    return per_axis(name, values if len(values) > 1 else values[0], rank)


def avg_pool(input_size, ksize, strides, padding, data_format=None, channels=1) -> object:
    """``tf.nn.avg_pool(input, ksize, strides, padding, data_format)``, channels-last.

    Examples
    --------
    >>> avg_pool((4, 4), 2, 2, "VALID", channels=3).shape
    (12, 48)
    """
    rank, size = _rank_and_size(input_size)
    letters = _SPATIAL[rank]
    if data_format not in (None, f"N{letters}C"):
        raise ParameterError("data_format", data_format, f"N{letters}C (channels last)")
    kernel = _spatial_arg("ksize", ksize, rank)
    stride = _spatial_arg("strides", strides, rank)
    if padding == "VALID":
        pads, divisor = [(0, 0)] * rank, "padded"
    elif padding == "SAME":
        pads = [
            tuple(int(v) for v in same_padding(n, k, s)) for n, k, s in zip(size, kernel, stride)
        ]
        divisor = "input"
    else:
        raise ParameterError("padding", padding, "'SAME' or 'VALID'")
    c = int(per_axis("channels", channels, 1)[0])
    pool = avg_pool_nd(size, kernel, stride, pads, False, divisor, c)
    out_size = [
        int(sizes.pool_length(n, k, s, lo, hi))
        for n, k, s, (lo, hi) in zip(size, kernel, stride, pads)
    ]
    spec = letters + "C"
    return in_layouts([pool], "C" + letters, (spec, (c, *size)), (spec, (c, *out_size)))


def depth_to_space(input_size, block_size, data_format="NHWC", channels=1) -> Permute:
    """``tf.nn.depth_to_space``: (H, W, C·r²) → (H·r, W·r, C), NHWC.

    ``channels`` is the input's C·r².
    """
    if data_format != "NHWC":
        raise ParameterError("data_format", data_format, "NHWC (TensorFlow's CPU kernel)")
    h, w = spatial("input_size", input_size, 2)
    r = int(per_axis("block_size", block_size, 1)[0])
    depth = int(per_axis("channels", channels, 1)[0])
    if r < 2 or depth % (r * r):
        raise ParameterError(
            "block_size", block_size, f"at least 2, with channels {depth} a multiple of its square"
        )
    return Permute((h, w, r, r, depth // (r * r)), (0, 2, 1, 3, 4))


def space_to_depth(input_size, block_size, data_format="NHWC", channels=1) -> Permute:
    """``tf.nn.space_to_depth``: (H, W, C) → (H/r, W/r, C·r²), NHWC; the inverse (and
    transpose) of :func:`depth_to_space`."""
    if data_format != "NHWC":
        raise ParameterError("data_format", data_format, "NHWC (TensorFlow's CPU kernel)")
    h, w = spatial("input_size", input_size, 2)
    r = int(per_axis("block_size", block_size, 1)[0])
    if r < 2 or h % r or w % r:
        raise ParameterError(
            "block_size", block_size, f"at least 2 and dividing the input size {(h, w)}"
        )
    c = int(per_axis("channels", channels, 1)[0])
    return depth_to_space((h // r, w // r), r, data_format, c * r * r).T
