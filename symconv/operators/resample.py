r"""Resampling a signal from n to N samples: nearest, linear, cubic and area interpolation.

Every interpolation method of the frameworks (``torch.nn.functional.interpolate``,
``tf.image.resize``, ``jax.image.resize``) is one of these operators with exact rational
weights; they differ in three choices, each a parameter here:

- the *coordinate map*: output sample i reads the input at ``src(i) = scale·i + offset``
  (:func:`source_map` gives the frameworks' conventions: ``align_corners``,
  ``half_pixel``, ``asymmetric``, and the rounding offset of the nearest variants);
- the *kernel*: ``nearest`` (the sample ``⌊src⌋``), ``linear`` (taps ⌊src⌋ and ⌊src⌋ + 1),
  ``cubic`` (Keys' cubic convolution with parameter ``a``: taps ⌊src⌋ − 1 … ⌊src⌋ + 2);
- the *border*: ``clamp`` (a tap outside the signal reads the nearest border sample, PyTorch)
  or ``renormalize`` (a tap outside gets weight 0 and the weights are divided by their sum,
  TensorFlow's ``bicubic`` and JAX).

:class:`AreaResample` is TensorFlow's and JAX's ``area`` (each pixel weighted by its
overlap with the output cell; PyTorch's ``area`` mode is adaptive average pooling,
:class:`~symconv.operators.pooling.AdaptiveAvgPool`), and :class:`ResampleTranspose` the
transpose of either: row j collects the output samples whose weights touch input j.

Examples
--------
>>> Resample(2, 4, "linear", *source_map("half_pixel", 2, 4)).as_explicit()
Matrix([
[  1,   0],
[3/4, 1/4],
[1/4, 3/4],
[  0,   1]])
>>> Resample(3, 5, "linear", *source_map("align_corners", 3, 5)).T.as_explicit()
Matrix([
[1, 1/2, 0,   0, 0],
[0, 1/2, 1, 1/2, 0],
[0,   0, 0, 1/2, 1]])
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.core.symbol import Str

from symconv import _validate
from symconv.errors import ParameterError
from symconv.operators.base import Operator
from symconv.operators.index_map import Term, evaluate, within
from symconv.operators.pooling import _AdaptiveParams

__all__ = [
    "CONVENTIONS",
    "KERNELS",
    "AreaResample",
    "Resample",
    "ResampleTranspose",
    "source_map",
]

#: The kernels and the tap offsets (first, last) around ⌊src⌋ that they read.
KERNELS = {"nearest": (0, 0), "linear": (0, 1), "cubic": (-1, 2)}
BORDERS = ("clamp", "renormalize")
#: The coordinate conventions of :func:`source_map`.
CONVENTIONS = ("align_corners", "half_pixel", "asymmetric")


def _rational(name: str, value: object) -> sp.Rational:
    """An exact rational; a float becomes the exact binary value it holds."""
    if isinstance(value, bool):
        raise ParameterError(name, value, "a rational number")
    try:
        result = sp.Rational(value) if isinstance(value, float) else sp.sympify(value)
    except (sp.SympifyError, TypeError, ValueError):
        raise ParameterError(name, value, "a rational number") from None
    if not isinstance(result, sp.Rational):
        raise ParameterError(name, value, "a rational number (an int, a float or a Fraction)")
    return result


def source_map(
    convention: str, n: object, length: object, scale: object = None
) -> tuple[sp.Rational, sp.Rational]:
    r"""``(scale, offset)`` of the coordinate map ``src(i) = scale·i + offset``.

    Parameters
    ----------
    convention : {"align_corners", "half_pixel", "asymmetric"}
        ``align_corners``: the first and last samples of input and output coincide,
        ``src = i·(n − 1)/(N − 1)`` (0 when N = 1). ``half_pixel``: sample centres at
        half-integers, ``src = (i + ½)·s − ½``. ``asymmetric``: ``src = i·s``.
    n, length : int
        Input and output lengths.
    scale : rational, optional
        s, by default n/N; a framework given a scale factor f uses s = 1/f (pass the
        exact value of the float the framework computes).

    Examples
    --------
    >>> source_map("half_pixel", 2, 4), source_map("align_corners", 3, 5)
    ((1/2, -1/4), (1/2, 0))
    """
    n, length = _validate.size("n", n), _validate.size("length", length)
    if convention not in CONVENTIONS:
        raise ParameterError("convention", convention, f"one of {', '.join(CONVENTIONS)}")
    if convention == "align_corners":
        if scale is not None:
            raise ParameterError("scale", scale, "None with align_corners (it is (n-1)/(N-1))")
        ratio = sp.Integer(0) if length == 1 else sp.cancel((n - 1) / (length - 1))
        return ratio, sp.Integer(0)
    s = sp.cancel(sp.sympify(n) / length) if scale is None else _rational("scale", scale)
    return (s, (s - 1) / 2) if convention == "half_pixel" else (s, sp.Integer(0))


def _cubic(x: sp.Expr, a: sp.Expr, inner: bool) -> sp.Expr:
    """Keys' cubic convolution kernel at distance x: |x| <= 1 (``inner``) or 1 < |x| < 2."""
    if inner:
        return ((a + 2) * x - (a + 3)) * x * x + 1
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a


def _round_half_even(x: sp.Expr) -> sp.Expr:
    """The integer nearest to x, ties to even (C's ``lrint``)."""
    up = sp.floor(x + sp.Rational(1, 2))
    tie = sp.And(sp.Eq(x + sp.Rational(1, 2), up), sp.Eq(sp.Mod(up, 2), 1))
    return up - sp.Piecewise((1, tie), (0, True))


class Resample(Operator):
    r"""Interpolation from ℝⁿ to ℝᴺ with the weights of a kernel at ``src(i) = scale·i + offset``.

    Parameters
    ----------
    n, length : int or sympy integer expression
        Input length n and output length N.
    kernel : {"nearest", "linear", "cubic"}
    scale, offset : rational
        The coordinate map (see :func:`source_map`), scale >= 0.
    a : rational, default -3/4
        The cubic kernel's parameter (PyTorch −3/4, TensorFlow and JAX −1/2, Keys 1981);
        ignored by the other kernels.
    border : {"clamp", "renormalize"}, default "clamp"
    table : int, default 0
        When > 0, the cubic weights are evaluated at ``t`` rounded (ties to even) to a
        multiple of 1/table, as TensorFlow's ``resize_bicubic`` looks them up in a table
        of 1024 steps.
    width : rational, default 1
        The kernel stretched by this factor, ``K(x/width)``: antialiasing when shrinking
        by n/N > 1 (``jax.image.resize``, ``tf.image.resize(antialias=True)``, PyTorch's
        ``antialias=True``). Needs ``border="renormalize"``; width 1 is plain interpolation.

    Notes
    -----
    With ``f = ⌊src(i)⌋`` and ``t = src(i) − f``, row i is

    - nearest: ``y_i = x_{c(f)}``;
    - linear: ``y_i = (1 − t)·x_{c(f)} + t·x_{c(f+1)}``;
    - cubic: ``y_i = Σ_{k=-1}^{2} w_k(t)·x_{c(f+k)}`` with ``w_{-1} = K(t+1)``,
      ``w_0 = K(t)``, ``w_1 = K(1−t)``, ``w_2 = K(2−t)`` and Keys' kernel
      ``K(x) = (a+2)|x|³ − (a+3)|x|² + 1`` for ``|x| <= 1``, ``a|x|³ − 5a|x|² + 8a|x| − 4a``
      for ``1 < |x| < 2``;

    where ``c(e) = min(max(e, 0), n − 1)`` for ``clamp``; for ``renormalize`` a tap with
    e outside [0, n) is dropped and the others are divided by the sum of the kept weights
    (a row with no weight left is zero).
    With a width w > 1 row i is ``Σ_j K((src − j)/w)·x_j / Σ_j K((src − j)/w)`` over the
    inputs j with ``|src − j| < R·w`` (R = 1 for the triangle ``K(x) = 1 − |x|`` of linear,
    2 for cubic). Every weight is an exact rational when scale, offset and width are.

    Examples
    --------
    >>> up = Resample(2, 4, "nearest", sp.Rational(1, 2), 0)
    >>> up.as_explicit().T
    Matrix([
    [1, 1, 0, 0],
    [0, 0, 1, 1]])
    >>> Resample(4, 2, "cubic", 2, sp.Rational(1, 2)).as_explicit()
    Matrix([
    [1/2, 19/32, -3/32,   0],
    [  0, -3/32, 19/32, 1/2]])
    >>> up.T
    ResampleTranspose(Resample(2, 4, 'nearest', 1/2, 0, -3/4, 'clamp', 0, 1))

    Antialiased down-sampling by 2 (the triangle stretched to width 2):

    >>> Resample(4, 2, "linear", 2, sp.Rational(1, 2), border="renormalize", width=2).as_explicit()
    Matrix([
    [3/7, 3/7, 1/7,   0],
    [  0, 1/7, 3/7, 3/7]])
    """

    def __new__(
        cls,
        n: object,
        length: object,
        kernel: str,
        scale: object,
        offset: object,
        a: object = sp.Rational(-3, 4),
        border: str = "clamp",
        table: object = 0,
        width: object = 1,
    ) -> Resample:
        n, length = _validate.size("n", n), _validate.size("length", length)
        kernel, border = (v.name if isinstance(v, Str) else v for v in (kernel, border))
        if kernel not in KERNELS:
            raise ParameterError("kernel", kernel, f"one of {', '.join(KERNELS)}")
        if border not in BORDERS:
            raise ParameterError("border", border, f"one of {', '.join(BORDERS)}")
        scale, offset = _rational("scale", scale), _rational("offset", offset)
        _validate.require(scale >= 0, "scale", scale, "a rational >= 0")
        a, table = _rational("a", a), _validate.amount("table", table)
        width = _rational("width", width)
        _validate.require(width >= 1, "width", width, "a rational >= 1")
        if kernel == "nearest" and border != "clamp":
            raise ParameterError("border", border, "'clamp' for the nearest kernel")
        if width != 1 and (border != "renormalize" or kernel == "nearest"):
            raise ParameterError(
                "width", width, "1 unless the kernel is linear or cubic with border='renormalize'"
            )
        args = (n, length, Str(kernel), scale, offset, a, Str(border), table, width)
        return super().__new__(cls, *args)

    n = property(lambda self: self.args[0])
    length = property(lambda self: self.args[1])
    kernel = property(lambda self: self.args[2].name)
    scale = property(lambda self: self.args[3])
    offset = property(lambda self: self.args[4])
    a = property(lambda self: self.args[5])
    border = property(lambda self: self.args[6].name)
    table = property(lambda self: self.args[7])
    width = property(lambda self: self.args[8])

    def _display_args(self) -> tuple:
        return tuple(arg.name if isinstance(arg, Str) else arg for arg in self.args)

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.length, self.n

    def _weights(self, t: sp.Expr) -> list[sp.Expr]:
        """The weights of the taps ⌊src⌋ + first … ⌊src⌋ + last at fraction t."""
        if self.kernel == "nearest":
            return [sp.Integer(1)]
        if self.kernel == "linear":
            return [1 - t, t]
        if self.table:
            t = _round_half_even(t * self.table) / self.table
        a = self.a
        return [_cubic(t + 1, a, False), _cubic(t, a, True), _cubic(1 - t, a, True),
                _cubic(2 - t, a, False)]  # fmt: skip

    def _kernel(self, x: sp.Expr) -> sp.Expr:
        """K(x) of the linear (triangle) or cubic kernel, 0 outside its support."""
        x = sp.Abs(x)
        if self.kernel == "linear":
            return sp.Piecewise((1 - x, x < 1), (0, True))
        inner, outer = _cubic(x, self.a, True), _cubic(x, self.a, False)
        return sp.Piecewise((inner, x <= 1), (outer, x < 2), (0, True))

    def _stretched(self, i: sp.Expr) -> list[Term]:
        """Row i with the kernel stretched to width w: every input with |src − j| < R·w."""
        src = self.scale * i + self.offset
        reach = KERNELS[self.kernel][1] * self.width  # R·w: 1·w (linear), 2·w (cubic)
        lo = sp.Max(sp.floor(src - reach) + 1, 0)
        hi = sp.Min(sp.ceiling(src + reach), self.n)
        if sp.sympify(i).is_Integer:  # concrete: the exact weights, normalised
            weights = {j: self._kernel((src - j) / self.width) for j in range(int(lo), int(hi))}
            total = sum(weights.values())
            if total == 0:  # the kernel misses the signal: a zero row, as in JAX
                return []
            return [(w / total, (sp.Integer(j),), set()) for j, w in weights.items() if w != 0]
        u, v = sp.Dummy("u", integer=True), sp.Dummy("v", integer=True)
        total = sp.Sum(self._kernel((src - v) / self.width), (v, lo, hi - 1))
        return [(self._kernel((src - u) / self.width) / total, (u,), {within(u, lo, hi)})]

    def index_map(self, index: tuple) -> list[Term]:
        (i,) = index
        if self.width != 1:
            return self._stretched(i)
        src = self.scale * i + self.offset
        f = sp.floor(src)
        first, _ = KERNELS[self.kernel]
        weights = self._weights(src - f)
        columns = [f + first + k for k in range(len(weights))]
        if self.border == "clamp":
            last = self.n - 1
            return [(w, (sp.Min(sp.Max(c, 0), last),), set()) for w, c in zip(weights, columns)]
        inside = [sp.Piecewise((1, sp.And(c >= 0, c < self.n)), (0, True)) for c in columns]
        total = sp.Add(*(w * flag for w, flag in zip(weights, inside)))
        if sp.sympify(i).is_Integer and total == 0:
            return []  # every tap misses the signal (src far outside it): zero, as in JAX
        return [(w / total, (c,), {within(c, 0, self.n)}) for w, c in zip(weights, columns)]

    def _rows_touching(self, j: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
        """A range [lo, hi) of output rows that holds every row whose taps reach input j."""
        first, last = KERNELS[self.kernel]
        if self.width != 1:
            last = sp.ceiling(last * self.width)
            first = -last
        if self.scale == 0:
            return sp.Integer(0), self.length
        # Unclamped tap f + k = j needs src in [j − k, j − k + 1); a clamped tap reaches
        # the border samples from any row beyond them.
        lo = sp.Max(0, sp.floor((j - last - self.offset) / self.scale))
        hi = sp.Min(self.length, sp.ceiling((j - first + 1 - self.offset) / self.scale) + 1)
        return (
            sp.Piecewise((0, sp.Eq(j, 0)), (lo, True)),
            sp.Piecewise((self.length, sp.Eq(j, self.n - 1)), (hi, True)),
        )

    def _eval_transpose(self) -> ResampleTranspose:
        return ResampleTranspose(self)


class AreaResample(_AdaptiveParams, Operator):
    r"""Area interpolation from ℝⁿ to ℝᴺ: each output averages the input over its cell,
    each input pixel weighted by its overlap with the cell (TensorFlow's and JAX's ``area``).

    Parameters
    ----------
    n, length : int or sympy integer expression
        Input length n and output length N.

    Notes
    -----
    With s = n/N, output i covers ``[i·s, (i+1)·s)`` and reads the inputs
    ``⌊i·s⌋ <= j < ⌈(i+1)·s⌉`` (the windows of adaptive average pooling), each with the length
    ``min(j + 1, (i+1)·s) − max(j, i·s)`` of its overlap divided by s
    (``tf.image.resize(method="area")``, ``jax.image.resize(method="area")``).
    PyTorch's ``interpolate(mode="area")`` averages whole pixels instead: that is
    adaptive average pooling, :class:`~symconv.operators.pooling.AdaptiveAvgPool`.

    Examples
    --------
    >>> AreaResample(3, 2).as_explicit()
    Matrix([
    [2/3, 1/3,   0],
    [  0, 1/3, 2/3]])
    """

    def index_map(self, index: tuple) -> list[Term]:
        (i,) = index
        s = self.n / self.length
        u = sp.Dummy("u", integer=True)
        weight = (sp.Min(u + 1, (i + 1) * s) - sp.Max(u, i * s)) / s
        return [(weight, (u,), {within(u, self.start(i), self.end(i))})]

    def _rows_touching(self, j: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
        return self.windows_of(j)

    def _eval_transpose(self) -> ResampleTranspose:
        return ResampleTranspose(self)


@functools.lru_cache(maxsize=8192)
def _forward_row(forward: Operator, i: int) -> tuple:
    """Row i of a forward operator, kept: neighbouring rows of its transpose read it again."""
    return tuple(evaluate(forward, (i,)))


class ResampleTranspose(Operator):
    r"""The transpose of a :class:`Resample` or :class:`AreaResample`, from ℝᴺ to ℝⁿ.

    Notes
    -----
    ``(Rᵀy)_j = Σ_i R[i, j]·y_i``: the output samples i whose taps reach input j, each with
    its weight. The index map sums over a bound index i in a window of rows that holds
    every such i (so each row costs a few terms, not N), with the guard
    "the forward term's column equals j".

    Examples
    --------
    >>> up = Resample(2, 4, "linear", *source_map("half_pixel", 2, 4))
    >>> up.T.as_explicit()
    Matrix([
    [1, 3/4, 1/4, 0],
    [0, 1/4, 3/4, 1]])
    >>> up.T.T == up
    True
    """

    def __new__(cls, forward: object) -> ResampleTranspose:
        if not isinstance(forward, (Resample, AreaResample)):
            raise ParameterError("forward", forward, "a Resample or AreaResample")
        return super().__new__(cls, forward)

    forward = property(lambda self: self.args[0])

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.forward.cols, self.forward.rows

    def index_map(self, index: tuple) -> list[Term]:
        (j,) = index
        lo, hi = self.forward._rows_touching(j)
        if sp.sympify(j).is_Integer:
            # A concrete row: the forward rows of the window evaluated, the same sum
            # without a bound index (this is what the exact matrices and numeric
            # functions call, row by row).
            rows = range(max(int(lo), 0), min(int(hi), int(self.forward.rows)))
            return [
                (c, (sp.Integer(i),), set())
                for i in rows
                for c, (col,) in _forward_row(self.forward, i)
                if col == j
            ]
        i = sp.Dummy("i", integer=True)
        window = {within(i, lo, hi), within(i, 0, self.forward.rows)}
        return [
            (c, (i,), set(guards) | window | {within(col - j, 0, 1)})
            for c, (col,), guards in self.forward.index_map((i,))
        ]

    def _eval_transpose(self) -> Resample | AreaResample:
        return self.forward
