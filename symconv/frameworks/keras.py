r"""Keras 3 layers as symconv operators (the TensorFlow backend's results).

The functions carry the layers' names and arguments: ``Conv2D(kernel, input_size,
strides, padding, …)`` is the operator of ``keras.layers.Conv2D(…, use_bias=False)``
whose ``kernel`` weight is ``kernel``, applied to inputs of spatial size ``input_size``.
Only what changes the linear map is an argument: ``filters`` and ``kernel_size`` are
the kernel's shape, and there is no bias (a bias is affine, not linear) and no
activation. Kernels keep Keras's layouts: ``(*k, C_in/groups, C_out)`` for
``Conv*D`` and ``(*k, C_out, C_in)`` for ``Conv*DTranspose`` (``layer.kernel``).
Pooling and up-sampling layers have no weight: their channel count is ``channels``.

Flattening: ``data_format=None`` is ``"channels_last"``, Keras's default (a
``keras.json`` that sets ``image_data_format`` is not read: pass ``data_format``).
An input sample is flattened as Keras stores it, ``x.reshape(N, -1)`` of an
``(N, *size, C)`` tensor, so ``symconv.lambdify(op)(x.reshape(N, -1))`` equals
``layer(x).numpy().reshape(N, -1)`` (except where TensorFlow 2.21's eager oneDNN
convolution is wrong on batches: one input channel, strides (1, s > 1), an output
one column wide; the documentation page on frameworks shows it). Convolutions and
pooling are channel-major operators between
:class:`~symconv.operators.grid.Permute` factors, as in :mod:`symconv.frameworks.tf`
(left out with one channel); up-sampling acts on each channel alone, so its
channels-last operator is the Kronecker product with the identity on the channel
axis last, no permutation needed. ``"channels_first"`` flattens ``(C, *size)``.

What each layer computes (per spatial axis: input size n, kernel k, stride s,
dilation d, span D = d(k − 1) + 1):

- ``Conv1D``/``Conv2D`` is ``tf.nn.convolution``: ``"same"`` pads
  :func:`~symconv.framework_padding.same_padding` (output ⌈n/s⌉, the odd extra at
  the end), ``"causal"`` (``Conv1D`` only) pads d(k − 1) at the start. Keras
  refuses ``strides > 1`` with ``dilation_rate > 1`` (``tf.nn.conv1d`` accepts it).
- ``Conv1DTranspose``/``Conv2DTranspose`` is ``tf.nn.conv_transpose`` with the
  output length L of :func:`transposed_output_length`: the transpose (gradient) of
  the conv on L with the same padding. With ``output_padding=None`` Keras picks
  L = n·s (``"same"``) or (n − 1)s + max(D, s) (``"valid"``); with an explicit a it
  is (n − 1)s + (D mod 2) + a (``"same"``) or (n − 1)s + D + a (``"valid"``).
  ``"same"`` with an even D and a = 0 gives a length whose conv is n − 1 long, and
  TensorFlow refuses the call (for n = 1 its eager oneDNN kernel returns an empty
  output instead); so does this adapter.
- ``UpSampling1D``/``UpSampling2D`` (``interpolation="nearest"``) repeats each sample
  ``size`` times: :class:`~symconv.operators.sampling.NearestUpsample` on each axis.
  ``UpSampling2D`` with ``"bilinear"``, ``"bicubic"`` or ``"area"`` is
  ``tf.image.resize(x, (n·rows, m·cols), method, antialias=False)`` on the
  channels-last image (Keras transposes a channels-first input there and back): the
  per-axis :class:`~symconv.operators.resample.Resample` of
  :mod:`symconv.frameworks.tf_resample`.
- ``AveragePooling1D``/``AveragePooling2D`` is ``tf.nn.avg_pool``: windows of
  ``pool_size`` every ``strides`` (default ``pool_size``), each divided by its cells
  inside the input: ``"same"`` padding leaves the padded cells out of the count.

Not expressible with symconv's operators yet, and refused with
:class:`~symconv.errors.ParameterError`: ``UpSampling2D`` with ``"lanczos3"`` or
``"lanczos5"`` (their weights are not rational).

Examples
--------
>>> import numpy as np
>>> from symconv import explicit
>>> op = Conv1DTranspose(np.ones((3, 1, 1)), 2, strides=2, padding="same")
>>> explicit(op)  # L = n·s = 4: the SAME crop of the 5-long full result is (0, 1)
Matrix([
[1, 0],
[1, 0],
[1, 1],
[0, 1]])
>>> Conv2D(np.ones((3, 3, 2, 4)), (5, 5), strides=2, padding="same").shape  # (3·3·4, 5·5·2)
(36, 50)
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from symconv import _validate, sizes
from symconv.errors import ParameterError
from symconv.framework_padding import (
    full_transposed_length,
    kernel_span,
    preset_transposed_length,
    same_padding,
)
from symconv.frameworks import tf
from symconv.frameworks._common import per_axis, spatial, to_sympy, weight_array
from symconv.frameworks.tf import _wrap as _between_layouts
from symconv.frameworks.tf_resample import METHODS as RESIZE_METHODS
from symconv.frameworks.tf_resample import _axis as resize_axis
from symconv.operators.channels import CorrNd
from symconv.operators.grid import kron
from symconv.operators.pooling import avg_pool_nd
from symconv.operators.sampling import NearestUpsample

__all__ = [
    "AveragePooling1D",
    "AveragePooling2D",
    "Conv1D",
    "Conv1DTranspose",
    "Conv2D",
    "Conv2DTranspose",
    "UpSampling1D",
    "UpSampling2D",
    "transposed_output_length",
]

_DATA_FORMATS = ("channels_last", "channels_first")
_SPATIAL = {1: "W", 2: "HW"}


# --- Keras's argument rules ---------------------------------------------------------


def _data_format(data_format: object) -> str:
    """Keras's ``data_format``: None is ``"channels_last"`` (Keras's default)."""
    if data_format is None:
        return "channels_last"
    if data_format not in _DATA_FORMATS:
        raise ParameterError("data_format", data_format, f"None or one of {_DATA_FORMATS}")
    return data_format


def _tf_format(rank: int, data_format: object) -> str:
    """The ``tf.nn`` data format Keras's TensorFlow backend passes ("NHWC", "NCW", …)."""
    letters = _SPATIAL[rank]
    return f"N{letters}C" if _data_format(data_format) == "channels_last" else f"NC{letters}"


def _padding(padding: object, allowed: tuple[str, ...]) -> str:
    """Keras reads ``padding`` case-insensitively."""
    if not isinstance(padding, str) or padding.lower() not in allowed:
        raise ParameterError("padding", padding, f"one of {allowed} (any case)")
    return padding.lower()


def _strides_and_dilations(strides, dilation_rate, rank: int):
    """Per-axis strides and dilations; Keras refuses strides > 1 with dilation_rate > 1."""
    strides = per_axis("strides", strides, rank)
    dilations = per_axis("dilation_rate", dilation_rate, rank)
    if max(strides) > 1 and max(dilations) > 1:
        raise ParameterError(
            "dilation_rate",
            dilation_rate,
            f"1 on every axis with strides {strides} (Keras refuses strides > 1 with "
            "dilation_rate > 1, which tf.nn.conv1d/conv2d accept)",
        )
    return strides, dilations


def _fits(input_size, size, spans, pads) -> None:
    """Keras refuses a convolution or pooling whose output would be empty."""
    for n, span, (lo, hi) in zip(size, spans, pads):
        if n + lo + hi < span:
            raise ParameterError(
                "input_size",
                input_size,
                f"at least {span - lo - hi} on every axis (the window spans {span}, the "
                f"padding is {(lo, hi)}); Keras refuses an empty output",
            )


def transposed_output_length(
    n: int,
    k: int,
    stride: int = 1,
    dilation: int = 1,
    padding: str = "valid",
    output_padding: int | None = None,
) -> int:
    """The output length L of Keras's ``Conv*DTranspose`` on one axis.

    Keras's TensorFlow backend passes L as ``output_shape`` to
    ``tf.nn.conv_transpose``. With the span D = d(k − 1) + 1 and output padding a:

    ============  =============================  ==========================
    ``padding``   ``output_padding=None``        ``output_padding=a``
    ============  =============================  ==========================
    ``"valid"``   (n − 1)s + max(D, s)           (n − 1)s + D + a
    ``"same"``    n·s                            (n − 1)s + (D mod 2) + a
    ============  =============================  ==========================

    The None column is :func:`~symconv.framework_padding.preset_transposed_length`.
    In the ``"same"`` column the conv on L has ⌈L/s⌉ outputs, which is n unless
    D is even and a = 0 (then L = (n − 1)s is one stride short and TensorFlow
    refuses the call).

    Examples
    --------
    >>> [transposed_output_length(4, 3, 2, padding="same", output_padding=a) for a in (None, 0, 1)]
    [8, 7, 8]
    >>> transposed_output_length(4, 1, 3, padding="valid")  # max(D, s) = 3
    12
    """
    if output_padding is None:
        return preset_transposed_length(n, k, stride, dilation, padding.upper())
    if padding == "valid":
        return full_transposed_length(n, k, stride, dilation) + output_padding
    return (n - 1) * stride + kernel_span(k, dilation) % 2 + output_padding


# --- convolutions -------------------------------------------------------------------


def _conv(rank, kernel, input_size, strides, padding, data_format, dilation_rate, groups):
    tf_format = _tf_format(rank, data_format)
    w = weight_array("kernel", kernel, rank + 2)
    w = np.transpose(w, (rank + 1, rank, *range(rank)))  # -> (C_out, C_in/groups, *k)
    size = spatial("input_size", input_size, rank)
    strides, dilations = _strides_and_dilations(strides, dilation_rate, rank)
    padding = _padding(padding, ("valid", "same", "causal") if rank == 1 else ("valid", "same"))
    g = int(_validate.integer("groups", groups, 1))
    if w.shape[0] % g:
        raise ParameterError("groups", groups, f"a divisor of the filters ({w.shape[0]})")
    kernel_size = w.shape[2:]
    if padding == "same":
        pads = [
            tuple(int(v) for v in same_padding(n, k, s, d))
            for n, k, s, d in zip(size, kernel_size, strides, dilations)
        ]
    elif padding == "causal":  # Conv1D pads the start, then convolves with "valid"
        pads = [(dilations[0] * (kernel_size[0] - 1), 0)]
    else:
        pads = [(0, 0)] * rank
    _fits(input_size, size, [kernel_span(k, d) for k, d in zip(kernel_size, dilations)], pads)
    op = CorrNd(to_sympy(w), size, pads, strides, dilations, g)
    c_out, c_in = op.channels
    return _between_layouts(op, tf_format, c_in, c_out, size, op.output_size)


def Conv1D(
    kernel, input_size, strides=1, padding="valid", data_format=None, dilation_rate=1, groups=1
) -> sp.MatrixExpr:
    """``keras.layers.Conv1D(filters, kernel_size, strides, padding, …, use_bias=False)``.

    Parameters
    ----------
    kernel : array-like (k, C_in/groups, C_out)
        The layer's ``kernel`` weight.
    input_size : int
        The input's length (``steps``).
    strides, padding, data_format, dilation_rate, groups
        As in Keras: ``padding`` is ``"valid"``, ``"same"`` or ``"causal"``.

    Examples
    --------
    >>> from symconv import explicit
    >>> explicit(Conv1D([[[1]], [[2]]], 3, padding="causal"))
    Matrix([
    [2, 0, 0],
    [1, 2, 0],
    [0, 1, 2]])
    """
    return _conv(1, kernel, input_size, strides, padding, data_format, dilation_rate, groups)


def Conv2D(
    kernel,
    input_size,
    strides=(1, 1),
    padding="valid",
    data_format=None,
    dilation_rate=(1, 1),
    groups=1,
) -> sp.MatrixExpr:
    """``keras.layers.Conv2D(filters, kernel_size, strides, padding, …, use_bias=False)``.

    Parameters
    ----------
    kernel : array-like (kh, kw, C_in/groups, C_out)
    input_size : (H, W)
    strides, padding, data_format, dilation_rate, groups
        As in Keras; ``padding`` is ``"valid"`` or ``"same"``.

    Examples
    --------
    >>> Conv2D(np.ones((3, 3, 4, 6)), (8, 8), groups=2).args[1].groups
    2
    """
    return _conv(2, kernel, input_size, strides, padding, data_format, dilation_rate, groups)


def _conv_transpose(
    rank, kernel, input_size, strides, padding, output_padding, data_format, dilation_rate
):
    tf_format = _tf_format(rank, data_format)
    w = weight_array("kernel", kernel, rank + 2)  # (*k, C_out, C_in): tf.nn's layout too
    size = spatial("input_size", input_size, rank)
    strides, dilations = _strides_and_dilations(strides, dilation_rate, rank)
    padding = _padding(padding, ("valid", "same"))
    if output_padding is None:
        a = (None,) * rank
    else:
        a = per_axis("output_padding", output_padding, rank, minimum=0)
        if any(a_k >= s for a_k, s in zip(a, strides)):
            raise ParameterError(
                "output_padding", output_padding, f"None, or below strides {strides} on every axis"
            )
    lengths = []
    for n, k, s, d, a_k in zip(size, w.shape[:rank], strides, dilations, a):
        if padding == "same" and a_k == 0 and kernel_span(k, d) % 2 == 0:
            raise ParameterError(
                "output_padding",
                output_padding,
                f"None or at least 1 on an axis whose dilated kernel span {kernel_span(k, d)} is "
                "even with padding='same': Keras asks for the length (n - 1)·s, whose conv is "
                "n - 1 long, and TensorFlow refuses it (or, for n = 1, returns an empty output)",
            )
        lengths.append(transposed_output_length(n, k, s, d, padding, a_k))
    transpose = tf.conv1d_transpose if rank == 1 else tf.conv2d_transpose
    return transpose(w, size, lengths, strides, padding.upper(), tf_format, dilations)


def Conv1DTranspose(
    kernel,
    input_size,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
) -> sp.MatrixExpr:
    """``keras.layers.Conv1DTranspose(filters, kernel_size, strides, padding, …)``, no bias.

    The transpose of ``Conv1D`` (with the same padding) on the input length
    :func:`transposed_output_length`, which is the output length.

    Parameters
    ----------
    kernel : array-like (k, C_out, C_in)
        The layer's ``kernel`` weight (``filters`` = C_out).
    input_size : int
    strides, padding, output_padding, data_format, dilation_rate
        As in Keras: ``padding`` ``"valid"`` or ``"same"``, ``output_padding`` None or
        below ``strides``.

    Examples
    --------
    >>> Conv1DTranspose(np.ones((3, 1, 1)), 4, strides=2, padding="same", output_padding=0).shape
    (7, 4)
    """
    return _conv_transpose(
        1, kernel, input_size, strides, padding, output_padding, data_format, dilation_rate
    )


def Conv2DTranspose(
    kernel,
    input_size,
    strides=(1, 1),
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=(1, 1),
) -> sp.MatrixExpr:
    """``keras.layers.Conv2DTranspose(filters, kernel_size, strides, padding, …)``, no bias.

    Parameters
    ----------
    kernel : array-like (kh, kw, C_out, C_in)
    input_size : (H, W)
    strides, padding, output_padding, data_format, dilation_rate
        As in Keras (see :func:`Conv1DTranspose`).

    Examples
    --------
    >>> Conv2DTranspose(np.ones((3, 3, 2, 1)), (4, 4), strides=2, padding="same").shape
    (128, 16)
    """
    return _conv_transpose(
        2, kernel, input_size, strides, padding, output_padding, data_format, dilation_rate
    )


# --- up-sampling and pooling --------------------------------------------------------


def _channels(channels: object) -> int:
    return int(_validate.size("channels", channels))


def _channelwise(factors: list, channels: int, data_format: str) -> sp.MatrixExpr:
    """The same operator on every channel, in Keras's flattening of ``data_format``."""
    if channels == 1:
        return kron(*factors)
    if data_format == "channels_last":
        return kron(*factors, sp.Identity(channels))
    return kron(sp.Identity(channels), *factors)


def UpSampling1D(input_size, size=2, channels=1) -> sp.MatrixExpr:
    """``keras.layers.UpSampling1D(size)``: every step repeated ``size`` times.

    Keras's layer has no ``data_format``: its input is ``(batch, steps, features)``,
    ``channels`` features.

    Examples
    --------
    >>> from symconv import explicit
    >>> explicit(UpSampling1D(2, size=2, channels=2)).T
    Matrix([
    [1, 0, 1, 0, 0, 0, 0, 0],
    [0, 1, 0, 1, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 0, 1, 0],
    [0, 0, 0, 0, 0, 1, 0, 1]])
    """
    (n,) = spatial("input_size", input_size, 1)
    (k,) = per_axis("size", size, 1)
    return _channelwise([NearestUpsample(n, k)], _channels(channels), "channels_last")


def UpSampling2D(
    input_size, size=(2, 2), data_format=None, interpolation="nearest", channels=1
) -> sp.MatrixExpr:
    """``keras.layers.UpSampling2D(size, data_format, interpolation)``.

    Parameters
    ----------
    input_size : (H, W)
    size : int or (rows, cols)
    data_format : None, ``"channels_last"`` or ``"channels_first"``
    interpolation : {"nearest", "bilinear", "bicubic", "area"}
        ``"nearest"`` repeats rows and columns; the others are ``tf.image.resize`` to
        ``(H·rows, W·cols)`` with that method and ``antialias=False``, as Keras calls it
        (:mod:`symconv.frameworks.tf_resample`). ``"lanczos3"`` and ``"lanczos5"`` are
        refused (their weights are not rational). Case is ignored, as in Keras.
    channels : int

    Examples
    --------
    >>> UpSampling2D((2, 3), size=(2, 1), channels=3)
    KroneckerProduct(NearestUpsample(2, 2), NearestUpsample(3, 1), I)
    >>> from symconv import explicit
    >>> explicit(UpSampling2D((1, 2), size=(1, 2), interpolation="bilinear"))
    Matrix([
    [  1,   0],
    [3/4, 1/4],
    [1/4, 3/4],
    [  0,   1]])
    """
    data_format = _data_format(data_format)
    method = interpolation.lower() if isinstance(interpolation, str) else interpolation
    if method not in ("nearest", *RESIZE_METHODS):
        raise ParameterError(
            "interpolation",
            interpolation,
            "'nearest', 'bilinear', 'bicubic' or 'area' (lanczos3 and lanczos5 have no "
            "rational weights)",
        )
    grid = spatial("input_size", input_size, 2)
    factors = per_axis("size", size, 2)
    if method == "nearest":
        axes = [NearestUpsample(n, k) for n, k in zip(grid, factors)]
    else:  # Keras: tf.image.resize(x, (H·rows, W·cols), method, antialias=False)
        axes = [resize_axis(method, n, n * k, False) for n, k in zip(grid, factors)]
    return _channelwise(axes, _channels(channels), data_format)


def _average_pooling(rank, input_size, pool_size, strides, padding, channels, data_format):
    tf_format = _tf_format(rank, data_format)
    size = spatial("input_size", input_size, rank)
    window = per_axis("pool_size", pool_size, rank)
    strides = window if strides is None else per_axis("strides", strides, rank)
    padding = _padding(padding, ("valid", "same"))
    c = _channels(channels)
    pads = [(0, 0)] * rank
    if padding == "same":
        pads = [
            tuple(int(v) for v in same_padding(n, k, s)) for n, k, s in zip(size, window, strides)
        ]
    _fits(input_size, size, window, pads)
    # tf.nn.avg_pool (and so Keras) divides a window by the cells inside the input: the
    # padding is not counted (PyTorch's count_include_pad=False).
    op = avg_pool_nd(size, window, strides, pads, False, "input", c)
    out_size = [
        int(sizes.pool_length(n, k, s, lo, hi))
        for n, k, s, (lo, hi) in zip(size, window, strides, pads)
    ]
    return _between_layouts(op, tf_format, c, c, size, out_size)


def AveragePooling1D(
    input_size, pool_size, strides=None, padding="valid", channels=1, data_format=None
) -> sp.MatrixExpr:
    """``keras.layers.AveragePooling1D(pool_size, strides, padding, data_format)``.

    Windows of ``pool_size`` on every channel, stride ``strides`` (``pool_size`` when
    None), each divided by its cells inside the input (``"same"`` padding not counted).

    Examples
    --------
    >>> from symconv import explicit
    >>> explicit(AveragePooling1D(4, 2))
    Matrix([
    [1/2, 1/2,   0,   0],
    [  0,   0, 1/2, 1/2]])
    """
    return _average_pooling(1, input_size, pool_size, strides, padding, channels, data_format)


def AveragePooling2D(
    input_size, pool_size, strides=None, padding="valid", channels=1, data_format=None
) -> sp.MatrixExpr:
    """``keras.layers.AveragePooling2D(pool_size, strides, padding, data_format)``.

    Examples
    --------
    >>> AveragePooling2D((4, 6), (2, 3), channels=2).shape  # (2·2·2, 4·6·2)
    (8, 48)
    """
    return _average_pooling(2, input_size, pool_size, strides, padding, channels, data_format)
