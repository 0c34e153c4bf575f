r"""Average pooling and adaptive average pooling on ℝⁿ, and their transposes.

- :class:`AvgPool`: the mean (or the sum) of each window of k samples, with stride,
  zero padding, PyTorch's ``ceil_mode`` and the three divisors PyTorch and TensorFlow use;
  :class:`AvgPoolTranspose` is its transpose (what autograd computes as its backward:
  each output's gradient spread over its window, divided by the same divisor).
- :class:`AdaptiveAvgPool`: PyTorch's adaptive average pooling to a given output length;
  :class:`AdaptiveAvgPoolTranspose` is its transpose.

All are 1-D; in N-D both are separable (PyTorch divides by the product of the per-axis
counts), so :func:`avg_pool_nd` and :func:`adaptive_avg_pool_nd` are Kronecker products
of the 1-D operators, channel-major with an identity on the channel axis. A single
``divisor_override`` is the sum pooling scaled by one number: again a Kronecker product.

Examples
--------
>>> AvgPool(4, 2).as_explicit()
Matrix([
[1/2, 1/2,   0,   0],
[  0,   0, 1/2, 1/2]])
>>> AvgPool(3, 2, 2, 0, 0, True).as_explicit()  # ceil_mode: the last window hangs over
Matrix([
[1/2, 1/2, 0],
[  0,   0, 1]])
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp
from sympy.core.symbol import Str

from symconv import _validate, sizes
from symconv.errors import ParameterError
from symconv.operators.base import Operator
from symconv.operators.grid import _each, _pairs, _separable, _sizes
from symconv.operators.index_map import Term, divides, within

__all__ = [
    "DIVISORS",
    "AdaptiveAvgPool",
    "AdaptiveAvgPoolTranspose",
    "AvgPool",
    "AvgPoolTranspose",
    "adaptive_avg_pool_nd",
    "avg_pool_nd",
]

#: What a window's sum is divided by: ``"padded"`` the window's length inside the padded
#: signal (PyTorch ``count_include_pad=True``), ``"input"`` the number of input samples in
#: it (``count_include_pad=False``; TensorFlow), ``"none"`` nothing (sum pooling).
DIVISORS = ("padded", "input", "none")


def _tap() -> sp.Dummy:
    # The position inside a window, a bound index named like the tap index of the box
    # kernel 1ₖ (symconv.kernels.family("*", k)), so the symbolic tier can match the two.
    return sp.Dummy("u_*", integer=True)


class _Windows:
    """A map from ℝⁿ to ℝᴸ, one output per window of the input (``n``, ``length``), or,
    in a class with ``_transposed = True``, its transpose from ℝᴸ to ℝⁿ."""

    _transposed = False

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return (self.n, self.length) if self._transposed else (self.length, self.n)


class _PoolParams(_Windows):
    """The parameters shared by :class:`AvgPool` and its transpose."""

    def __new__(
        cls,
        n: object,
        kernel: object,
        stride: object = None,
        lo: object = 0,
        hi: object = 0,
        ceil_mode: object = False,
        divisor: object = "padded",
    ) -> Operator:
        n, k = _validate.size("n", n), _validate.size("kernel", kernel)
        s = k if stride is None else _validate.size("stride", stride)
        lo, hi = _validate.amount("lo", lo), _validate.amount("hi", hi)
        # Every window must reach the input, so that no divisor is 0: lo, hi < k, and
        # (ceil_mode) the last window starts inside the input (sizes.pool_length's rule).
        _validate.require(lo < k, "lo", lo, f"less than the kernel size {k}")
        _validate.require(hi < k, "hi", hi, f"less than the kernel size {k}")
        if not isinstance(ceil_mode, (bool, sp.logic.boolalg.BooleanAtom)):
            raise ParameterError("ceil_mode", ceil_mode, "True or False")
        length = sizes.pool_length(n, k, s, lo, hi, bool(ceil_mode))
        _validate.require(
            length >= 1,
            "n",
            n,
            f"a length with at least one window (kernel {k}, padding "
            f"{lo}, {hi}, stride {s}{', ceil_mode' if ceil_mode else ''})",
        )
        name = divisor.name if isinstance(divisor, Str) else divisor
        if name not in DIVISORS:
            raise ParameterError("divisor", divisor, f"one of {', '.join(DIVISORS)}")
        return Operator.__new__(cls, n, k, s, lo, hi, sp.sympify(bool(ceil_mode)), Str(name))

    n = property(lambda self: self.args[0])
    k = property(lambda self: self.args[1])
    s = property(lambda self: self.args[2])
    lo = property(lambda self: self.args[3])
    hi = property(lambda self: self.args[4])
    ceil_mode = property(lambda self: bool(self.args[5]))
    divisor = property(lambda self: self.args[6].name)

    @property
    def length(self) -> sp.Expr:
        """The number of windows (the pooled length)."""
        return sizes.pool_length(self.n, self.k, self.s, self.lo, self.hi, self.ceil_mode)

    def divisor_at(self, i: sp.Expr) -> sp.Expr:
        """What window i's sum is divided by."""
        start = i * self.s - self.lo
        if self.divisor == "none":
            return sp.Integer(1)
        if self.divisor == "padded":
            if not self.ceil_mode:
                return self.k  # no window reaches past the padding
            return sp.Min(start + self.k, self.n + self.hi) - start
        return sp.Min(start + self.k, self.n) - sp.Max(start, 0)

    def _display_args(self) -> tuple:
        return (*self.args[:5], self.args[5], self.divisor)


class AvgPool(_PoolParams, Operator):
    r"""Average pooling over ℝⁿ: the mean of each window of k samples.

    Parameters
    ----------
    n : int or sympy integer expression
        Input length.
    kernel : int or sympy integer expression
        Window length k.
    stride : int or sympy integer expression, optional
        Distance s between windows; default k (PyTorch's default).
    lo, hi : int or sympy integer expression
        Zero padding at the start and the end, each less than k.
    ceil_mode : bool
        Round the number of windows up (PyTorch's ``ceil_mode``): the last window may hang
        over the end; it still starts inside the input or the left padding.
    divisor : {"padded", "input", "none"}
        ``"padded"`` (PyTorch's default ``count_include_pad=True``): the window's length
        inside the padded signal — k, except for a window hanging over the right padding
        in ``ceil_mode``; ``"input"`` (``count_include_pad=False``, TensorFlow's SAME):
        the number of input samples in the window; ``"none"``: sum pooling (a
        ``divisor_override`` is then one scalar factor).

    Notes
    -----
    With window start :math:`a_i = i s - lo` and taps :math:`0 \le u < k`,

    .. math:: (P x)_i = \frac{1}{D_i} \sum_{u=0}^{k-1} [0 \le a_i + u < n]\, x_{a_i + u},

    where :math:`D_i = k` (padded; :math:`\min(a_i + k, n + hi) - a_i` in ceil mode),
    :math:`\min(a_i + k, n) - \max(a_i, 0)` (input) or 1 (none). The output length is
    :func:`symconv.sizes.pool_length`. With the padded divisor and no ceil overhang this is
    the strided correlation with the kernel (1/k, …, 1/k).

    Examples
    --------
    >>> AvgPool(3, 2, 1, 1, 1, False, "input").as_explicit()
    Matrix([
    [  1,   0,   0],
    [1/2, 1/2,   0],
    [  0, 1/2, 1/2],
    [  0,   0,   1]])
    >>> AvgPool(3, 2, 1, 1, 1).as_explicit()[0, :]
    Matrix([[1/2, 0, 0]])
    >>> AvgPool(4, 2).T
    AvgPoolTranspose(4, 2, 2, 0, 0, False, 'padded')
    """

    def index_map(self, index: tuple) -> list[Term]:
        (i,) = index
        u = _tap()
        column = i * self.s - self.lo + u
        guards = {within(u, 0, self.k), within(column, 0, self.n)}
        return [(1 / self.divisor_at(i), (column,), guards)]

    def _eval_transpose(self) -> AvgPoolTranspose:
        return AvgPoolTranspose(*self.args)


class AvgPoolTranspose(_PoolParams, Operator):
    r"""The transpose of :class:`AvgPool`: each value spread over its window, divided by
    that window's divisor and summed where windows overlap (the backward of average pooling).

    Same parameters as :class:`AvgPool`; maps ℝᴸ to ℝⁿ.

    Notes
    -----
    Row j sums, over the taps u with :math:`s \mid j + lo - u`, the window
    :math:`i = (j + lo - u)/s` (when :math:`0 \le i < L`), with weight :math:`1/D_i`.

    Examples
    --------
    >>> AvgPoolTranspose(3, 2, 1).as_explicit()
    Matrix([
    [1/2,   0],
    [1/2, 1/2],
    [  0, 1/2]])
    """

    _transposed = True

    def index_map(self, index: tuple) -> list[Term]:
        (j,) = index
        u = _tap()
        window = (j + self.lo - u) / self.s
        guards = {within(u, 0, self.k), divides(self.s, j + self.lo - u)}
        guards.add(within(window, 0, self.length))
        return [(1 / self.divisor_at(window), (window,), guards)]

    def _eval_transpose(self) -> AvgPool:
        return AvgPool(*self.args)


class _AdaptiveParams(_Windows):
    """The cells ``[⌊i·n/L⌋, ⌈(i + 1)·n/L⌉)`` of ℝⁿ, one per output i < L: the windows of
    :class:`AdaptiveAvgPool` and its transpose, and the cells of
    :class:`~symconv.operators.resample.AreaResample`."""

    def __new__(cls, n: object, length: object) -> Operator:
        return Operator.__new__(cls, _validate.size("n", n), _validate.size("length", length))

    n = property(lambda self: self.args[0])
    length = property(lambda self: self.args[1])

    def start(self, i: sp.Expr) -> sp.Expr:
        """The first sample of window i: ⌊i·n/L⌋."""
        return sp.floor(i * self.n / self.length)

    def end(self, i: sp.Expr) -> sp.Expr:
        """One past the last sample of window i: ⌈(i + 1)·n/L⌉."""
        return sp.ceiling((i + 1) * self.n / self.length)

    def windows_of(self, j: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
        """The windows ``first <= i < stop`` that hold sample j: ⌊jL/n⌋ and ⌈(j + 1)L/n⌉
        (from ⌊i·n/L⌋ <= j < ⌈(i + 1)·n/L⌉)."""
        return sp.floor(j * self.length / self.n), sp.ceiling((j + 1) * self.length / self.n)


class AdaptiveAvgPool(_AdaptiveParams, Operator):
    r"""Adaptive average pooling from ℝⁿ to ℝᴸ (PyTorch's ``adaptive_avg_pool1d``).

    Parameters
    ----------
    n : int or sympy integer expression
        Input length.
    length : int or sympy integer expression
        Output length L (any L >= 1; for L > n windows repeat samples).

    Notes
    -----
    Window i is :math:`[\lfloor i n / L \rfloor, \lceil (i+1) n / L \rceil)` and output i is
    its mean. Windows overlap when L does not divide n; for L | n this is
    :class:`AvgPool` with kernel and stride n/L.

    Examples
    --------
    >>> AdaptiveAvgPool(5, 3).as_explicit()
    Matrix([
    [1/2, 1/2,   0,   0,   0],
    [  0, 1/3, 1/3, 1/3,   0],
    [  0,   0,   0, 1/2, 1/2]])
    >>> AdaptiveAvgPool(5, 3).T
    AdaptiveAvgPoolTranspose(5, 3)
    """

    def index_map(self, index: tuple) -> list[Term]:
        (i,) = index
        u = _tap()
        width = self.end(i) - self.start(i)
        return [(1 / width, (self.start(i) + u,), {within(u, 0, width)})]

    def _eval_transpose(self) -> AdaptiveAvgPoolTranspose:
        return AdaptiveAvgPoolTranspose(self.n, self.length)


class AdaptiveAvgPoolTranspose(_AdaptiveParams, Operator):
    r"""The transpose of :class:`AdaptiveAvgPool`, from ℝᴸ to ℝⁿ.

    Notes
    -----
    Sample j lies in the windows :math:`\lfloor jL/n \rfloor \le i < \lceil (j+1)L/n \rceil`
    (``windows_of``); row j has the
    weight :math:`1/(\text{end}_i - \text{start}_i)` at each of them.

    Examples
    --------
    >>> AdaptiveAvgPoolTranspose(5, 3).as_explicit().T == AdaptiveAvgPool(5, 3).as_explicit()
    True
    """

    _transposed = True

    def index_map(self, index: tuple) -> list[Term]:
        (j,) = index
        v = sp.Dummy("v", integer=True)
        first, stop = self.windows_of(j)
        window = first + v
        width = self.end(window) - self.start(window)
        return [(1 / width, (window,), {within(v, 0, stop - first)})]

    def _eval_transpose(self) -> AdaptiveAvgPool:
        return AdaptiveAvgPool(self.n, self.length)


def avg_pool_nd(
    size: object,
    kernel: object,
    stride: object = None,
    padding: object = 0,
    ceil_mode: bool = False,
    divisor: str = "padded",
    channels: int = 1,
) -> sp.MatrixExpr:
    """Average pooling in N-D: ``AvgPool`` per axis, a Kronecker product.

    ``kernel``, ``stride`` are one value or one per axis; ``padding`` an int or, per axis,
    an int or (lo, hi). PyTorch's 2-D and 3-D divisors are the products of the per-axis ones
    (``count_include_pad`` either way), so the N-D pooling is separable.

    Examples
    --------
    >>> avg_pool_nd((4, 4), 2).args
    (AvgPool(4, 2, 2, 0, 0, False, 'padded'), AvgPool(4, 2, 2, 0, 0, False, 'padded'))
    """
    axes = _sizes(size)
    kernels = _each("kernel", kernel, len(axes))
    strides = _each("stride", kernels if stride is None else stride, len(axes))
    pads = _pairs("padding", padding, len(axes))
    return _separable(
        size,
        channels,
        lambda a, n: AvgPool(n, kernels[a], strides[a], *pads[a], ceil_mode, divisor),
    )


def adaptive_avg_pool_nd(
    size: object, output_size: Sequence[object] | object, channels: int = 1
) -> sp.MatrixExpr:
    """Adaptive average pooling in N-D: ``AdaptiveAvgPool`` per axis, a Kronecker product.

    Examples
    --------
    >>> adaptive_avg_pool_nd((5, 4), (3, 2)).shape
    (6, 20)
    """
    lengths = _each("output_size", output_size, len(_sizes(size)))
    return _separable(size, channels, lambda a, n: AdaptiveAvgPool(n, lengths[a]))
