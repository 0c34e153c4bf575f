"""Size arithmetic: the lengths every operator produces, as exact formulas.

This module is pure arithmetic on integers or SymPy integer expressions; the
operator classes take their ``shape`` from it, and nothing here knows about
matrices. All formulas are 0-indexed with floor division.

Examples
--------
>>> conv_length(4, 3, "same"), conv_length(2, 5, "valid")
(4, 4)
>>> corr_length(12, 3, (0, 1), stride=2)
6
>>> same_padding(12, 3, stride=2)
(0, 1)
"""

from __future__ import annotations

import sympy as sp

__all__ = [
    "CONV_MODES",
    "conv_crop",
    "conv_length",
    "conv_transpose_length",
    "corr_length",
    "downsample_length",
    "interpolate_length",
    "output_padding",
    "resolve_padding",
    "same_padding",
    "upsample_length_range",
]

#: The modes of :class:`symconv.Conv`, as in :func:`numpy.convolve`.
CONV_MODES = ("full", "valid", "same")


def _int(value: object) -> sp.Expr:
    return value if isinstance(value, sp.Integer) else sp.sympify(value)


def _min_max(a: sp.Expr, b: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    # Concrete sizes take Python's min/max: sp.Min/sp.Max cost ~60 µs each, and the
    # exhaustive proofs build tens of thousands of operators.
    if a.is_Integer and b.is_Integer:
        return min(a, b), max(a, b)
    return sp.Min(a, b), sp.Max(a, b)


def downsample_length(n: object, k: object) -> sp.Expr:
    """Length of ↓ₖ applied to ℝⁿ: ⌈n/k⌉ (samples 0, k, 2k, … below n)."""
    return sp.ceiling(_int(n) / _int(k))


def upsample_length_range(n: object, k: object) -> tuple[sp.Expr, sp.Expr]:
    """The allowed output lengths of ↑ₖ on ℝⁿ: ``(k(n-1)+1, k·n)``.

    The shortest keeps no trailing zeros (SciPy ``upfirdn``, Dumoulin & Visin),
    the longest keeps k-1 of them (the Stack Exchange answers' ↑₂ on ℝ² is 4×2).
    """
    n, k = _int(n), _int(k)
    return k * (n - 1) + 1, k * n


def conv_crop(n: object, m: object, mode: str) -> tuple[sp.Expr, sp.Expr]:
    """Rows of the full convolution kept by ``mode``: ``(first row, length)``.

    Matches :func:`numpy.convolve`, which swaps its inputs when the signal is
    shorter than the kernel, so ``valid`` has length ``|n - m| + 1`` and
    ``same`` has length ``max(n, m)`` starting at row ``(min(n, m) - 1) // 2``.
    """
    n, m = _int(n), _int(m)
    if mode == "full":
        return sp.Integer(0), n + m - 1
    shorter, longer = _min_max(n, m)
    if mode == "valid":
        return shorter - 1, longer - shorter + 1
    if mode == "same":
        return sp.floor((shorter - 1) / 2), longer
    raise ValueError(f"mode={mode!r} is not allowed: expected one of {CONV_MODES}")


def conv_length(n: object, m: object, mode: str = "full") -> sp.Expr:
    """Output length of the true convolution of ℝⁿ with an m-tap kernel."""
    return conv_crop(n, m, mode)[1]


def corr_length(
    n: object,
    m: object,
    padding: tuple[object, object] = (0, 0),
    stride: object = 1,
    dilation: object = 1,
) -> sp.Expr:
    """Output length of a deep-learning convolution (cross-correlation).

    L = ⌊(n + lo + hi − d(m−1) − 1)/s⌋ + 1.
    """
    lo, hi = (_int(p) for p in padding)
    n, m, s, d = _int(n), _int(m), _int(stride), _int(dilation)
    if all(isinstance(v, sp.Integer) for v in (n, m, s, d, lo, hi)):
        return sp.Integer((int(n + lo + hi) - int(d) * (int(m) - 1) - 1) // int(s) + 1)
    return sp.floor((n + lo + hi - d * (m - 1) - 1) / s) + 1


def same_padding(
    n: object, m: object, stride: object = 1, dilation: object = 1
) -> tuple[sp.Expr, sp.Expr]:
    """TensorFlow's ``SAME`` split: output ⌈n/s⌉, the odd extra at the end.

    For stride 1 this is exactly PyTorch's ``padding='same'``.
    """
    n, m, s, d = _int(n), _int(m), _int(stride), _int(dilation)
    out = sp.ceiling(n / s)
    total = _min_max((out - 1) * s + d * (m - 1) + 1 - n, sp.Integer(0))[1]
    lo = sp.floor(total / 2)
    return lo, total - lo


def output_padding(
    n: object,
    m: object,
    padding: tuple[object, object] = (0, 0),
    stride: object = 1,
    dilation: object = 1,
) -> sp.Expr:
    """The output padding a that makes a transposed conv return length n.

    Several input lengths give one strided-conv output length; a = (n + lo +
    hi − d(m−1) − 1) mod s says which of them n is.
    """
    lo, hi = (_int(p) for p in padding)
    n, m, s, d = _int(n), _int(m), _int(stride), _int(dilation)
    return sp.Mod(n + lo + hi - d * (m - 1) - 1, s)


def conv_transpose_length(
    n: object,
    m: object,
    padding: tuple[object, object] = (0, 0),
    stride: object = 1,
    dilation: object = 1,
    output_padding: object = 0,
) -> sp.Expr:
    """Output length of a transposed convolution on ℝⁿ.

    (n − 1)s − lo − hi + d(m − 1) + 1 + a, PyTorch's output length.
    """
    lo, hi = (_int(p) for p in padding)
    n, m, s, d, a = (_int(v) for v in (n, m, stride, dilation, output_padding))
    return (n - 1) * s - lo - hi + d * (m - 1) + 1 + a


#: The padding presets of :class:`symconv.Corr`.
PADDING_PRESETS = ("valid", "same", "full")


def resolve_padding(
    padding: object, n: object, m: object, stride: object = 1, dilation: object = 1
) -> tuple[object, object]:
    """Turn a padding argument into ``(lo, hi)`` (not yet validated as integers).

    ``"valid"`` is (0, 0), ``"full"`` is (d(m−1), d(m−1)), ``"same"`` is
    :func:`same_padding` (TensorFlow's split); an integer p means (p, p).
    Presets are case-insensitive so TensorFlow's ``"SAME"`` works too.

    Examples
    --------
    >>> resolve_padding("full", 5, 3, dilation=2)
    (4, 4)
    >>> resolve_padding(1, 5, 3)
    (1, 1)
    """
    if isinstance(padding, str):
        preset = padding.lower()
        if preset == "valid":
            return sp.Integer(0), sp.Integer(0)
        if preset == "full":
            total = sp.sympify(dilation) * (sp.sympify(m) - 1)
            return total, total
        if preset == "same":
            return same_padding(n, m, stride, dilation)
        raise ValueError(
            f"padding={padding!r} is not allowed: expected one of {PADDING_PRESETS}, "
            "an integer, or a pair (lo, hi)"
        )
    if isinstance(padding, (tuple, list, sp.Tuple)):
        if len(padding) != 2:
            raise ValueError(
                f"padding={padding!r} is not allowed: expected a pair (lo, hi), "
                f"got {len(padding)} values"
            )
        return padding[0], padding[1]
    return padding, padding


# --- resampling (F.interpolate, tf.image.resize, jax.image.resize) ----------------------


def interpolate_length(n: object, scale_factor: object) -> sp.Expr:
    """The output length ``⌊n·f⌋`` of resampling by a scale factor f (PyTorch's rule).

    f is taken exactly (a SymPy rational or an expression); PyTorch computes the product
    in double precision, so for a float f use
    :func:`symconv.frameworks.torch_resample.output_length`.

    Examples
    --------
    >>> import sympy as sp
    >>> interpolate_length(5, sp.Rational(3, 2)), interpolate_length(7, sp.Rational(3, 10))
    (7, 2)
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> interpolate_length(n, 2)
    2*n
    """
    return sp.floor(_int(n) * sp.sympify(scale_factor))
