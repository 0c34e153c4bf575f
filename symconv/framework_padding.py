"""Framework padding semantics: SAME splits and transposed-conv crops, in one place.

PyTorch, TensorFlow, JAX and ONNX state a handful of padding rules, each in
its own words. They are written here once, and the framework adapters
(:mod:`symconv.frameworks`), :mod:`symconv.porting` and
:mod:`symconv.arithmetic` all call them:

- how a total padding is split between the two ends: :func:`same_split`
  (the odd extra at the end, as TensorFlow/JAX ``SAME`` and ONNX
  ``SAME_UPPER``; at the start with ``lower``, as JAX ``SAME_LOWER`` and
  ONNX ``SAME_LOWER``);
- the padding of a conv: :func:`same_padding` (stride-aware, output
  ⌈n/s⌉, so it depends on n) and :func:`torch_same_padding` (PyTorch's
  ``padding='same'``, stride 1 only);
- which rows of the full transposed convolution q ∗ ↑ₛy (length
  :func:`full_transposed_length`) a transposed conv keeps, as a crop
  ``(start, end)`` (a negative end appends zeros): :func:`transposed_crop`
  for explicit padding and output padding (PyTorch, ONNX ``pads``),
  :func:`gradient_crop` for the gradient of the conv on a given output
  length (TensorFlow ``conv*_transpose``), :func:`same_transposed_crop` for a
  target length split SAME-style (ONNX ``auto_pad`` with ``output_shape``,
  JAX ``SAME``), and :func:`jax_transpose_padding` for the padding JAX's
  ``conv_transpose`` applies to the zero-inserted input;
- the output lengths a transposed conv can have: :func:`preset_transposed_length`
  (Keras's and JAX's length for ``SAME``/``VALID``),
  :func:`torch_output_padding` (PyTorch's ``output_size``), and
  :func:`torch_accepts_output_padding` (PyTorch's rule for ``output_padding``).
  Every length a transposed conv on n may return is the preimage of n under
  the conv, :func:`symconv.arithmetic.input_lengths`.

Sizes are Python or SymPy integers; the SAME padding of a conv also takes
symbolic sizes. Nothing here validates its arguments: the callers do, with
the framework's own parameter names.

Examples
--------
>>> same_padding(12, 3, stride=2), same_padding(12, 4, stride=2, lower=True)
((0, 1), (1, 1))
>>> torch_same_padding(4, dilation=1)
(1, 2)
>>> same_transposed_crop(6, 3, output_length=12, stride=2)  # TF / JAX 'SAME': n·s
(0, 1)
"""

from __future__ import annotations

import sympy as sp

from symconv.errors import ParameterError

__all__ = [
    "crop_as_transpose",
    "full_transposed_length",
    "gradient_crop",
    "jax_transpose_padding",
    "kernel_span",
    "preset_transposed_length",
    "same_padding",
    "same_split",
    "same_transposed_crop",
    "torch_accepts_output_padding",
    "torch_output_padding",
    "torch_same_padding",
    "transposed_crop",
]


def same_split(total: object, lower: bool = False) -> tuple[object, object]:
    """Split a total padding between the two ends, as the SAME presets do.

    Parameters
    ----------
    total : int or sympy integer expression
        The padding of both ends together (≥ 0).
    lower : bool
        False: ``(total // 2, total − total // 2)``, the odd extra at the end
        (TensorFlow and JAX ``SAME``, ONNX ``SAME_UPPER``, PyTorch ``'same'``).
        True: the odd extra at the start (JAX and ONNX ``SAME_LOWER``).

    Examples
    --------
    >>> same_split(3), same_split(3, lower=True), same_split(4)
    ((1, 2), (2, 1), (2, 2))
    >>> import sympy as sp
    >>> same_split(sp.Symbol("t", integer=True))
    (floor(t/2), t - floor(t/2))
    """
    small = total // 2  # floor division: floor(t/2) for a SymPy expression
    return (total - small, small) if lower else (small, total - small)


def kernel_span(k: object, dilation: object = 1) -> object:
    """Extent d(k − 1) + 1 of a k-tap kernel with dilation d.

    Examples
    --------
    >>> kernel_span(3, dilation=2)
    5
    """
    return dilation * (k - 1) + 1


def same_padding(
    n: object, k: object, stride: object = 1, dilation: object = 1, lower: bool = False
) -> tuple[sp.Expr, sp.Expr]:
    """The SAME padding ``(lo, hi)`` of a conv on length n: output length ⌈n/s⌉.

    The total is max((⌈n/s⌉ − 1)s + d(k − 1) + 1 − n, 0), split by
    :func:`same_split`. This is TensorFlow's and JAX's ``SAME`` (JAX's
    ``SAME_LOWER`` with ``lower``), ONNX's ``auto_pad`` ``SAME_UPPER`` /
    ``SAME_LOWER`` for ``Conv``, and symconv's own ``"same"`` preset. It
    depends on n once s > 1; for s = 1 it is :func:`torch_same_padding`.
    Sizes may be symbolic.

    Examples
    --------
    >>> same_padding(12, 3, stride=2), same_padding(11, 3, stride=2)
    ((0, 1), (1, 1))
    >>> same_padding(5, 4, lower=True)
    (2, 1)
    """
    n, k, s, d = (sp.sympify(v) for v in (n, k, stride, dilation))
    total = (sp.ceiling(n / s) - 1) * s + kernel_span(k, d) - n
    # Concrete totals take Python's max: sp.Max costs ~60 µs, and the exhaustive proofs
    # resolve the padding of tens of thousands of operators.
    total = max(total, sp.Integer(0)) if total.is_Integer else sp.Max(total, 0)
    return same_split(total, lower)


def torch_same_padding(k: object, dilation: object = 1) -> tuple[object, object]:
    """PyTorch's ``padding='same'``: d(k − 1) in total, the odd extra at the end.

    PyTorch allows it for stride 1 only, where it equals :func:`same_padding`
    for every n.

    Examples
    --------
    >>> torch_same_padding(3, dilation=2), same_padding(7, 3, dilation=2)
    ((2, 2), (2, 2))
    """
    return same_split(dilation * (k - 1))


def full_transposed_length(n: object, k: object, stride: object = 1, dilation: object = 1):
    """Length (n − 1)s + d(k − 1) + 1 of the full transposed conv q ∗ ↑ₛy (nothing cropped).

    Examples
    --------
    >>> full_transposed_length(6, 3, stride=2)
    13
    """
    return (n - 1) * stride + kernel_span(k, dilation)


def transposed_crop(padding: tuple[object, object], output_padding: object = 0):
    """The crop ``(start, end)`` of q ∗ ↑ₛy for padding ``(lo, hi)`` and output padding a.

    ``(lo, hi − a)``: the padding crops the full result, and the output
    padding gives back a rows at the end (beyond the full result they are
    zeros, a negative end). PyTorch's ``padding=p`` is (p, p); ONNX's
    ``pads`` are (begin, end).

    Examples
    --------
    >>> transposed_crop((1, 1), output_padding=1), transposed_crop((0, 0), 1)
    ((1, 0), (0, -1))
    """
    lo, hi = padding
    return lo, hi - output_padding


def crop_as_transpose(crop: tuple[object, object], stride: object = 1):
    """``((lo, hi), a)`` of the conv whose transpose keeps ``crop`` of q ∗ ↑ₛy, or None.

    A crop (start, end) with start ≥ 0 and end ≥ −(s − 1) is the transpose
    of the conv with padding (start, max(end, 0)) and output padding
    max(−end, 0) < s; any other crop adds zeros that no conv's transpose has.

    Examples
    --------
    >>> crop_as_transpose((1, 0), 2), crop_as_transpose((0, -1), 2), crop_as_transpose((0, -1), 1)
    (((1, 0), 0), ((0, 0), 1), None)
    """
    start, end = crop
    if start < 0 or end < -(stride - 1):
        return None
    return (start, max(end, 0)), max(-end, 0)


def gradient_crop(
    output_length: int, k: int, padding: object, stride: int = 1, dilation: int = 1
) -> tuple[int, int]:
    """The crop of the transpose (gradient) of the conv on ``output_length``.

    TensorFlow defines ``conv*_transpose`` this way: the padding is the
    forward conv's on the output length (``"SAME"`` by :func:`same_padding`,
    ``"VALID"`` or explicit pairs), and the output padding is the a that
    selects that length in the preimage, (L + lo + hi − d(k − 1) − 1) mod s.
    The caller checks that the conv maps ``output_length`` back to n.

    Examples
    --------
    >>> gradient_crop(12, 3, "SAME", stride=2), gradient_crop(13, 3, "VALID", stride=2)
    ((0, 1), (0, 0))
    >>> gradient_crop(14, 3, "VALID", stride=2)  # one zero appended
    (0, -1)
    """
    if padding == "SAME":
        lo, hi = (int(v) for v in same_padding(output_length, k, stride, dilation))
    elif padding == "VALID":
        lo, hi = 0, 0
    else:
        lo, hi = padding
    a = (output_length + lo + hi - kernel_span(k, dilation)) % stride
    return transposed_crop((lo, hi), a)


def same_transposed_crop(
    n: int,
    k: int,
    output_length: int,
    stride: int = 1,
    dilation: int = 1,
    output_padding: int = 0,
    lower: bool = False,
) -> tuple[int, int]:
    """The crop that leaves ``output_length`` rows, the total split as SAME splits it.

    The total T = (n − 1)s + a + d(k − 1) + 1 − L is split by
    :func:`same_split` into pads ``(lo, hi)`` and the crop is
    :func:`transposed_crop` of them: ONNX ``ConvTranspose`` with ``auto_pad``
    ``SAME_UPPER`` (``SAME_LOWER`` with ``lower``) and an ``output_shape``
    L. A negative total (L longer than the full result) appends −T zeros at
    the end. For L = n·s, a = 0 this is JAX's ``conv_transpose`` with
    ``'SAME'`` and TensorFlow's ``'SAME'`` (:func:`gradient_crop`).

    Examples
    --------
    >>> same_transposed_crop(6, 4, 12, stride=2), same_transposed_crop(6, 4, 11, 2, lower=True)
    ((1, 1), (2, 1))
    >>> same_transposed_crop(2, 1, 4, stride=2)  # T = -1: one zero appended
    (0, -1)
    """
    total = full_transposed_length(n, k, stride, dilation) + output_padding - output_length
    pads = same_split(total, lower) if total >= 0 else (0, total)
    return transposed_crop(pads, output_padding)


def jax_transpose_padding(
    k: int, stride: int, dilation: int = 1, padding: object = "SAME"
) -> tuple[int, int]:
    """The padding ``lax.conv_transpose`` applies to the zero-inserted input.

    JAX's ``_conv_transpose_padding`` for the dilated kernel span D = d(k −
    1) + 1: ``'SAME'`` pads D + s − 2 in total, D − 1 at the start when s >
    D − 1 and ⌈total/2⌉ otherwise (output n·s); ``'VALID'`` pads D − 1 at the
    start and D + s − 2 + max(D − s, 0) in total (output (n − 1)s + max(D,
    s)); a pair p read as the forward conv's padding (``use_consistent_padding``)
    becomes D − 1 − p at each end. The crop of q ∗ ↑ₛy is D − 1 minus each
    of these.

    Examples
    --------
    >>> jax_transpose_padding(3, 2, padding="SAME"), jax_transpose_padding(3, 2, padding="VALID")
    ((2, 1), (2, 2))
    >>> jax_transpose_padding(3, 2, padding=(1, 1))
    (1, 1)
    """
    span = kernel_span(k, dilation)
    if padding == "SAME":
        total = span + stride - 2
        lo = span - 1 if stride > span - 1 else -(-total // 2)
    elif padding == "VALID":
        total = span + stride - 2 + max(span - stride, 0)
        lo = span - 1
    elif isinstance(padding, (tuple, list)) and len(padding) == 2:
        lo, hi = (span - 1 - int(p) for p in padding)
        return lo, hi
    else:
        raise ParameterError("padding", padding, "'SAME', 'VALID' or a pair (lo, hi)")
    return lo, total - lo


def preset_transposed_length(
    n: int, k: int, stride: int = 1, dilation: int = 1, padding: str = "SAME"
) -> int:
    """The output length of a transposed conv with a preset and no output shape given.

    n·s for ``'SAME'`` and (n − 1)s + max(d(k − 1) + 1, s) for ``'VALID'``:
    Keras's default ``output_shape`` of ``conv*_transpose`` and the length of
    JAX's ``conv_transpose``. ONNX's ``ConvTranspose`` with ``auto_pad``
    ``SAME_UPPER``/``SAME_LOWER`` and no ``output_shape`` also returns n·s
    (its ``VALID`` keeps the full result, :func:`full_transposed_length`, plus
    any ``output_padding``).

    Examples
    --------
    >>> preset_transposed_length(6, 3, 2, padding="SAME")
    12
    >>> [preset_transposed_length(6, k, 2, padding="VALID") for k in (1, 3)]
    [12, 13]
    """
    if padding == "SAME":
        return n * stride
    if padding == "VALID":
        return (n - 1) * stride + max(kernel_span(k, dilation), stride)
    raise ParameterError("padding", padding, "'SAME' or 'VALID'")


def torch_accepts_output_padding(output_padding: int, stride: int, dilation: int) -> bool:
    """PyTorch's rule: an output padding must be smaller than either stride or dilation.

    Only a < s is an output padding in symconv's sense (the transpose of a
    conv on a length of the preimage); PyTorch also takes s ≤ a < d.

    Examples
    --------
    >>> torch_accepts_output_padding(1, 1, 2), torch_accepts_output_padding(2, 2, 2)
    (True, False)
    """
    return output_padding < stride or output_padding < dilation


def torch_output_padding(
    n: int,
    k: int,
    output_size: int,
    padding: tuple[int, int] = (0, 0),
    stride: int = 1,
    dilation: int = 1,
) -> int:
    """The output_padding PyTorch derives from ``output_size`` (``ConvTranspose*d``).

    The shortest output is (n − 1)s − lo − hi + d(k − 1) + 1 (PyTorch's
    ``padding=p`` is (p, p)); PyTorch accepts
    ``output_size`` up to s − 1 more, and the difference is the output padding.

    Raises
    ------
    ParameterError
        When ``output_size`` is outside that range.

    Examples
    --------
    >>> torch_output_padding(6, 3, 12, padding=(1, 1), stride=2)
    1
    """
    least = full_transposed_length(n, k, stride, dilation) - padding[0] - padding[1]
    if not least <= output_size <= least + stride - 1:
        raise ParameterError(
            "output_size",
            output_size,
            f"a size from {least} to {least + stride - 1}: the valid sizes for an input of "
            f"{n} (PyTorch's rule)",
        )
    return output_size - least
