"""The convolution family: true convolution, framework convolution, and its transpose.

- :class:`Conv` is the DSP convolution ``(q ∗ x)_i = Σ_j q_{i−j} x_j`` with
  NumPy's modes.
- :class:`Corr` is what every deep-learning "conv" computes: cross-correlation
  with padding, stride and dilation.
- :class:`ConvTranspose` is the framework transposed convolution, *defined*
  as the transpose of a :class:`Corr`.

Transposes close over the family: ``Conv.T`` is a stride-1 ``Corr``;
``Corr.T`` is a ``Conv`` when stride and dilation are 1 and the padding is the
crop of a NumPy mode, otherwise a ``ConvTranspose``; ``ConvTranspose.T`` is
the ``Corr`` it was defined from.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.symbol import Str

from symconv import _validate, kernels, sizes
from symconv.errors import ParameterError
from symconv.operators.base import Operator
from symconv.operators.index_map import Term, divides, within

__all__ = ["Conv", "ConvTranspose", "Corr"]


def _mode(value: object) -> str:
    mode = str(value)
    if mode not in sizes.CONV_MODES:
        raise ParameterError("mode", value, f"one of {', '.join(map(repr, sizes.CONV_MODES))}")
    return mode


def _padding_pair(padding: object, n: object, m: int, stride: object, dilation: object) -> sp.Tuple:
    try:
        lo, hi = sizes.resolve_padding(padding, n, m, stride, dilation)
    except ValueError as error:
        raise ParameterError("padding", padding, str(error).split("expected ", 1)[1]) from None
    return sp.Tuple(_validate.amount("padding lo", lo), _validate.amount("padding hi", hi))


def _taps(q: object) -> sp.Tuple | kernels.KernelFamily:
    """A checked kernel: a sequence of taps, or a family of symbolic length (kept as is)."""
    return q if isinstance(q, kernels.SYMBOLIC_KERNELS) else _validate.taps("q", q)


def _tap_sum(q: sp.Tuple | kernels.KernelFamily, offset: sp.Expr) -> sp.Expr:
    """Σ_t q_t δ(offset, t): the tap at ``offset``, 0 outside the kernel."""
    if isinstance(q, kernels.SYMBOLIC_KERNELS):
        return q.at(offset)
    return sp.Add(*(tap * sp.KroneckerDelta(offset, t) for t, tap in enumerate(q)))


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0


class Conv(Operator):
    """True convolution ``x ↦ q ∗ x`` on ℝⁿ, as :func:`numpy.convolve` computes it.

    Parameters
    ----------
    q : sequence of numbers or SymPy expressions
        The kernel (q_0, …, q_{m−1}).
    n : int or sympy integer expression
        Input length.
    mode : {"full", "valid", "same"}
        Which rows of the full convolution (length n + m − 1) to keep:
        ``valid`` keeps max(n, m) − min(n, m) + 1 rows from row min(n, m) − 1, ``same`` keeps
        max(n, m) rows from row (min(n, m) − 1) // 2. For n < m NumPy swaps
        the two inputs; so does this (the full product is symmetric).

    Notes
    -----
    Entry (i, j) is q_{i + r₀ − j} (0 outside the kernel), r₀ the first kept
    row. The transpose is a stride-1 :class:`Corr` with the same kernel.

    Examples
    --------
    >>> from symconv import kernel
    >>> Conv(kernel("q", 3), 4, "same").as_explicit()
    Matrix([
    [q_1, q_0,   0,   0],
    [q_2, q_1, q_0,   0],
    [  0, q_2, q_1, q_0],
    [  0,   0, q_2, q_1]])
    >>> Conv((1, 2), 3).T
    Corr((1, 2), 4, (0, 0), 1, 1)
    """

    def __new__(cls, q: object, n: object, mode: object = "full") -> Conv:
        return super().__new__(cls, _taps(q), _validate.size("n", n), Str(_mode(mode)))

    kernel = property(lambda self: self.args[0])
    n = property(lambda self: self.args[1])
    mode = property(lambda self: self.args[2].name)

    @property
    def crop(self) -> tuple[sp.Expr, sp.Expr]:
        """``(first row, rows dropped at the end)`` of the full convolution."""
        start, length = sizes.conv_crop(self.n, kernels.length(self.kernel), self.mode)
        return start, self.n + kernels.length(self.kernel) - 1 - start - length

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return sizes.conv_length(self.n, kernels.length(self.kernel), self.mode), self.n

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        return _tap_sum(self.kernel, i + self.crop[0] - j)

    def index_map(self, index: tuple) -> list[Term]:
        # Row i of the full convolution starts crop[0] rows in: x_{i + start − t} for tap t.
        (i,) = index
        column = i + self.crop[0]
        return [
            (q, (column - t,), g | {within(column - t, 0, self.n)})
            for q, t, g in kernels.tap_terms(self.kernel)
        ]

    def _eval_transpose(self) -> Corr:
        return Corr(self.kernel, self.rows, self.crop)

    def _display_args(self) -> tuple:
        return (self.kernel, self.n, self.mode)


class Corr(Operator):
    """Cross-correlation with padding, stride and dilation: a deep-learning "conv".

    ``y_i = Σ_t q_t · x_{i·s + t·d − lo}`` over the zero-padded input.

    Parameters
    ----------
    q : sequence of numbers or SymPy expressions
        The kernel (q_0, …, q_{m−1}), *not* flipped (this is correlation).
    n : int or sympy integer expression
        Input length.
    padding : "valid", "same", "full", int or (lo, hi)
        Zero padding. ``"same"`` is TensorFlow's rule (output ⌈n/s⌉, the odd
        extra at the end), which for stride 1 is PyTorch's ``padding='same'``.
    stride, dilation : int or sympy integer expression
        At least 1.

    Notes
    -----
    Output length L = ⌊(n + lo + hi − d(m−1) − 1)/s⌋ + 1, which must be at
    least 1. As operators, Corr = ↓ₛ · CorrValid(↑_d q) · Pad(lo, hi).

    Examples
    --------
    >>> from symconv import kernel
    >>> Corr(kernel("w", 2), 3).as_explicit()
    Matrix([
    [w_0, w_1,   0],
    [  0, w_0, w_1]])
    >>> Corr((1, 2, 3), 12, "same", stride=2).padding
    (0, 1)
    """

    def __new__(
        cls,
        q: object,
        n: object,
        padding: object = (0, 0),
        stride: object = 1,
        dilation: object = 1,
    ) -> Corr:
        q, n = _taps(q), _validate.size("n", n)
        stride, dilation = _validate.size("stride", stride), _validate.size("dilation", dilation)
        pair = _padding_pair(padding, n, kernels.length(q), stride, dilation)
        span = dilation * (kernels.length(q) - 1) + 1
        _validate.require(
            n + pair[0] + pair[1] >= span,
            "n",
            n,
            f"n + lo + hi >= d*(m-1) + 1 = {span} for padding {tuple(pair)}, so that the "
            "output is not empty",
        )
        return super().__new__(cls, q, n, pair, stride, dilation)

    kernel = property(lambda self: self.args[0])
    n = property(lambda self: self.args[1])
    padding = property(lambda self: tuple(self.args[2]))
    stride = property(lambda self: self.args[3])
    dilation = property(lambda self: self.args[4])

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return (
            sizes.corr_length(
                self.n, kernels.length(self.kernel), self.padding, self.stride, self.dilation
            ),
            self.n,
        )

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        lo = self.padding[0]
        # Solve j = i·s + t·d − lo for the tap t; it exists only when d divides.
        offset = j - i * self.stride + lo
        if self.dilation == 1:
            return _tap_sum(self.kernel, offset)
        return sp.KroneckerDelta(sp.Mod(offset, self.dilation), 0) * _tap_sum(
            self.kernel, sp.floor(offset / self.dilation)
        )

    def index_map(self, index: tuple) -> list[Term]:
        # Row i reads x_{i·s + t·d − lo} for tap t, zero outside the signal (the padding).
        (i,) = index
        s, d, lo = self.stride, self.dilation, self.padding[0]
        return [
            (q, (i * s + t * d - lo,), g | {within(i * s + t * d - lo, 0, self.n)})
            for q, t, g in kernels.tap_terms(self.kernel)
        ]

    def _eval_transpose(self) -> Conv | ConvTranspose:
        if self.stride == 1 and self.dilation == 1:
            for mode in sizes.CONV_MODES:
                conv = Conv(self.kernel, self.rows, mode)
                if _same(conv.rows, self.n) and all(map(_same, conv.crop, self.padding)):
                    return conv
        a = sizes.output_padding(
            self.n, kernels.length(self.kernel), self.padding, self.stride, self.dilation
        )
        return ConvTranspose(self.kernel, self.rows, self.padding, self.stride, self.dilation, a)


class ConvTranspose(Operator):
    """The framework transposed convolution: the transpose of a :class:`Corr`.

    Parameters
    ----------
    q : sequence of numbers or SymPy expressions
        The kernel, the same taps as the :class:`Corr` it transposes.
    n : int or sympy integer expression
        Input length (the length of the forward conv's *output*).
    padding : int or (lo, hi)
        The forward conv's padding; here it crops lo at the start and hi − a
        at the end of the full result.
    stride, dilation : int or sympy integer expression
        At least 1.
    output_padding : int
        a, with 0 ≤ a < stride: which of the s input lengths that share one
        forward output length is meant. (A larger a is refused with the
        equivalent call: when a ≤ hi it is the padding (lo, hi − a) with a = 0.)

    Notes
    -----
    Output length (n − 1)s − lo − hi + d(m − 1) + 1 + a. As a scatter:
    ``z_{i·s + t·d − lo} += q_t y_i``. PyTorch also accepts a < dilation with
    stride 1: with a ≤ hi that is the transpose of the conv padded
    (lo, hi − a); with a > hi it appends zeros and is not the transpose of
    any convolution.

    Examples
    --------
    >>> ConvTranspose((1, 1, 1), 2, stride=2).shape
    (5, 2)
    >>> ConvTranspose((1, 1, 1), 2, stride=2).as_explicit().T
    Matrix([
    [1, 1, 1, 0, 0],
    [0, 0, 1, 1, 1]])
    """

    def __new__(
        cls,
        q: object,
        n: object,
        padding: object = (0, 0),
        stride: object = 1,
        dilation: object = 1,
        output_padding: object = 0,
    ) -> ConvTranspose:
        q, n = _taps(q), _validate.size("n", n)
        stride, dilation = _validate.size("stride", stride), _validate.size("dilation", dilation)
        if isinstance(padding, str) and padding.lower() != "valid":
            raise ParameterError(
                "padding", padding, "'valid', an integer or a pair (lo, hi) (the forward conv's)"
            )
        pair = _padding_pair(padding, n, kernels.length(q), stride, dilation)
        a = _validate.amount("output_padding", output_padding)
        if (a >= stride) == sp.true:
            # Extra output rows are a shorter end crop when a <= hi: the same map
            # is the transpose of Corr with padding (lo, hi - a). Only rows past
            # the full result are zeros that no convolution's transpose has.
            meaning = (
                f"the same map is ConvTranspose(q, n, ({pair[0]}, {pair[1] - a}), stride, "
                "dilation, output_padding=0), the transpose of a conv with that padding"
                if (a <= pair[1]) == sp.true
                else "rows past the full result would be appended zeros, and then the "
                "result is not the transpose of any convolution"
            )
            raise ParameterError(
                "output_padding",
                output_padding,
                f"0 <= output_padding < stride = {stride}; {meaning}",
            )
        length = sizes.conv_transpose_length(n, kernels.length(q), pair, stride, dilation, a)
        _validate.require(
            length >= 1,
            "padding",
            tuple(pair),
            f"lo + hi <= {length + pair[0] + pair[1] - 1} so that the output is not empty",
        )
        return super().__new__(cls, q, n, pair, stride, dilation, a)

    kernel = property(lambda self: self.args[0])
    n = property(lambda self: self.args[1])
    padding = property(lambda self: tuple(self.args[2]))
    stride = property(lambda self: self.args[3])
    dilation = property(lambda self: self.args[4])
    output_padding = property(lambda self: self.args[5])

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        length = sizes.conv_transpose_length(
            self.n,
            kernels.length(self.kernel),
            self.padding,
            self.stride,
            self.dilation,
            self.output_padding,
        )
        return length, self.n

    def _eval_transpose(self) -> Corr:
        return Corr(self.kernel, self.rows, self.padding, self.stride, self.dilation)

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        return self._eval_transpose()._entry(j, i)

    def index_map(self, index: tuple) -> list[Term]:
        # The transpose of Corr's map: row i collects x_j for every tap t with
        # j·s + t·d − lo = i, i.e. j = (i + lo − t·d)/s when s divides.
        (i,) = index
        s, d, lo = self.stride, self.dilation, self.padding[0]
        terms = []
        for q, t, g in kernels.tap_terms(self.kernel):
            e = i + lo - t * d
            terms.append((q, (e / s,), g | {divides(s, e), within(e / s, 0, self.n)}))
        return terms
