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
>>> resolve_padding("same", 12, 3, stride=2)
(0, 1)

The SAME split itself, like every framework's padding rule, is in
:mod:`symconv.framework_padding`.
"""

from __future__ import annotations

import sympy as sp

from symconv.framework_padding import same_padding

__all__ = [
    "CONV_MODES",
    "conv_crop",
    "conv_length",
    "conv_transpose_length",
    "corr_length",
    "downsample_length",
    "interpolate_length",
    "largest_pad",
    "output_padding",
    "pool_length",
    "resolve_padding",
    "unfold_blocks",
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


def _span(
    n: object, m: object, padding: tuple[object, object], stride: object, dilation: object
) -> tuple[sp.Expr, sp.Expr]:
    """``(n + lo + hi − d(m−1) − 1, s)``: how far the dilated kernel moves over the padded
    input, and the stride. Its quotient counts the strides of a correlation, its remainder
    is a transposed convolution's output padding."""
    lo, hi = (_int(p) for p in padding)
    n, m, s, d = (_int(v) for v in (n, m, stride, dilation))
    return n + lo + hi - d * (m - 1) - 1, s


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
    span, s = _span(n, m, padding, stride, dilation)
    if span.is_Integer and s.is_Integer:
        return sp.Integer(int(span) // int(s) + 1)
    return sp.floor(span / s) + 1


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
    span, s = _span(n, m, padding, stride, dilation)
    return sp.Mod(span, s)


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
    :func:`symconv.framework_padding.same_padding` (TensorFlow's split); an
    integer p means (p, p).
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


#: The largest pad each framework accepts on an axis of n samples, per padding mode, as
#: an offset from n (None: any amount). NumPy and JAX reflect and wrap again (no limit).
_PAD_LIMITS = {
    "torch": {"reflect": -1, "replicate": None, "circular": 0},
    "tf": {"reflect": -1, "symmetric": 0},
    "numpy": {"reflect": None, "symmetric": None, "replicate": None, "circular": None},
}


def largest_pad(n: object, mode: str, framework: str = "torch") -> sp.Expr | None:
    """The largest amount ``framework`` pads an axis of n samples by in ``mode`` (on each
    side), or None when any amount is accepted.

    PyTorch: reflect n − 1 (one reflection), circular n (one wrap), replicate any;
    TensorFlow: REFLECT n − 1, SYMMETRIC n; NumPy/JAX (``"numpy"``): any (the signal is
    reflected or wrapped again). Modes use symconv's names (symmetric, replicate, circular).

    Examples
    --------
    >>> largest_pad(5, "reflect"), largest_pad(5, "circular"), largest_pad(5, "replicate")
    (4, 5, None)
    >>> largest_pad(5, "symmetric", "tf")
    5
    """
    offset = _PAD_LIMITS[framework][mode]
    return None if offset is None else _int(n) + offset


# --- pooling (average pooling's output length, with PyTorch's ceil_mode rule) ---


def pool_length(
    n: object, kernel: object, stride: object, lo: object = 0, hi: object = 0, ceil_mode=False
) -> sp.Expr:
    """Number of windows of average (or max) pooling over ℝⁿ padded by (lo, hi).

    ``⌊(n + lo + hi − k)/s⌋ + 1``; with ``ceil_mode`` the division rounds up, but a last
    window that would start at or beyond ``n + lo`` (in the right padding or past it) is
    dropped: every window starts inside the input or its left padding. That is PyTorch's
    rule (``pooling_output_shape`` in ATen); the formula in its ``AvgPool`` documentation
    omits the drop and is off by one there (pytorch#116420).

    Examples
    --------
    >>> pool_length(5, 2, 2), pool_length(5, 2, 2, ceil_mode=True)
    (2, 3)
    >>> pool_length(6, 2, 4, 1, 1, ceil_mode=True)  # the documented formula says 3
    2
    """
    n, k, s, lo, hi = map(_int, (n, kernel, stride, lo, hi))
    span = n + lo + hi - k
    if not ceil_mode:
        return sp.floor(span / s) + 1
    length = sp.ceiling(span / s) + 1
    overhang = (length - 1) * s >= n + lo
    if overhang in (sp.true, True):
        return length - 1
    if overhang in (sp.false, False):
        return length
    return sp.Piecewise((length - 1, overhang), (length, True))


def unfold_blocks(
    n: object, kernel: object, dilation: object = 1, lo: object = 0, hi: object = 0, stride=1
) -> sp.Expr:
    """Number of sliding blocks of ``unfold`` (im2col) along one axis: a correlation's length.

    Examples
    --------
    >>> unfold_blocks(5, 3), unfold_blocks(5, 3, dilation=2, lo=1, hi=1, stride=2)
    (3, 2)
    """
    return corr_length(n, kernel, (lo, hi), stride, dilation)


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
