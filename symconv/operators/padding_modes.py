r"""Padding that extends a signal across its borders, and its transpose, the fold-back.

:class:`BorderPad` pads ℝⁿ with ``lo`` samples before and ``hi`` after, each a copy of
an input sample chosen by a *mode* (the padding modes of PyTorch, NumPy, TensorFlow and
JAX, under their PyTorch names where they have one):

============  ============================  ===========  ====================  ============
mode          x = (a b c), lo = hi = 2      PyTorch      NumPy / ``jnp.pad``   ``tf.pad``
============  ============================  ===========  ====================  ============
reflect       c b | a b c | b a             'reflect'    'reflect'             'REFLECT'
symmetric     b a | a b c | c b             —            'symmetric'           'SYMMETRIC'
replicate     a a | a b c | c c             'replicate'  'edge'                —
circular      b c | a b c | a b             'circular'   'wrap'                —
============  ============================  ===========  ====================  ============

Every mode is a linear map whose rows are unit vectors, so its transpose
:class:`BorderFold` *folds back*: each padded sample's value (a gradient, in a
backward pass) is added onto the input sample it was copied from — reflected back
inside, piled onto the edge sample, or wrapped around. Padding of any size is exact:
a pad longer than the signal reflects or wraps again (as NumPy and JAX do; PyTorch and
TensorFlow refuse such pads, which their adapters check).

Examples
--------
>>> BorderPad(3, 2, 1, "reflect").as_explicit()
Matrix([
[0, 0, 1],
[0, 1, 0],
[1, 0, 0],
[0, 1, 0],
[0, 0, 1],
[0, 1, 0]])
>>> BorderPad(3, 2, 1, "reflect").T
BorderFold(3, 2, 1, 'reflect')
>>> BorderPad(3, 2, 1, "constant")
Pad(3, 2, 1)
"""

from __future__ import annotations

import sympy as sp
from sympy.core.symbol import Str

from symconv import _validate
from symconv.errors import ParameterError
from symconv.operators.base import Operator
from symconv.operators.grid import _pairs, _separable, _sizes
from symconv.operators.index_map import Term, within
from symconv.operators.padding import Crop, Pad

__all__ = ["MODES", "BorderFold", "BorderPad", "border_fold_nd", "border_pad_nd"]

#: The modes that copy input samples into the padding (``"constant"`` is zero padding).
MODES = ("reflect", "symmetric", "replicate", "circular")


def _parameters(n: object, lo: object, hi: object, mode: object) -> tuple:
    n, lo, hi = _validate.size("n", n), _validate.amount("lo", lo), _validate.amount("hi", hi)
    mode = mode.name if isinstance(mode, Str) else mode
    if mode not in (*MODES, "constant"):
        raise ParameterError("mode", mode, f"one of {', '.join(('constant', *MODES))}")
    if mode == "reflect":
        # Reflection without repeating the edge sample has period 2(n − 1): none for n = 1.
        _validate.require(
            n >= 2,
            "n",
            n,
            "n >= 2 for mode 'reflect' (a single sample has no reflection without repeating "
            "it; NumPy and JAX then repeat it, which is mode 'replicate')",
        )
    return n, lo, hi, mode


class _BorderOperator:
    """The parameters shared by :class:`BorderPad` and :class:`BorderFold`."""

    n = property(lambda self: self.args[0])
    lo = property(lambda self: self.args[1])
    hi = property(lambda self: self.args[2])
    mode = property(lambda self: self.args[3].name)

    @property
    def padded(self) -> sp.Expr:
        """The padded length n + lo + hi."""
        return self.n + self.lo + self.hi

    @property
    def period(self) -> sp.Expr:
        """The period of the extended signal: 2(n − 1), 2n, or n (replicate has none: 0)."""
        return {
            "reflect": 2 * (self.n - 1),
            "symmetric": 2 * self.n,
            "circular": self.n,
            "replicate": sp.Integer(0),
        }[self.mode]

    @property
    def one_period(self) -> bool:
        """Whether both pads are shown to stay within one period: at most n − 1 (reflect),
        n (symmetric, circular), any (replicate). Then the index map is written by regions
        (before, inside, after the signal), a form the symbolic proof tier can compare;
        otherwise by the periodic formulas, valid for every pad. For symbolic sizes the
        condition must follow from the parameters' stated bounds."""
        if self.mode == "replicate":
            return True
        reach = self.n - 1 if self.mode == "reflect" else self.n
        return all(_at_most(pad, reach) for pad in (self.lo, self.hi))

    def _display_args(self) -> tuple:
        return (*self.args[:3], self.mode)


def _at_most(value: sp.Expr, bound: sp.Expr) -> bool:
    if _validate.is_concrete(value, bound):
        return bool(value <= bound)
    # Deferred: the proof package builds on the operators. It decides the inequality from
    # the stated bounds of its bounded symbols, and says False when it cannot show it.
    from symconv.proof.symbolic import surely_positive

    return surely_positive(bound - value + 1)


class BorderPad(_BorderOperator, Operator):
    r"""Padding of ℝⁿ by ``lo`` samples before and ``hi`` after, copied from the signal.

    Parameters
    ----------
    n : int or sympy integer expression
        Input length (at least 2 for ``"reflect"``).
    lo, hi : int or sympy integer expression
        Number of samples added before and after, any amount >= 0.
    mode : {"reflect", "symmetric", "replicate", "circular", "constant"}
        How the signal is extended; ``"constant"`` returns the zero padding :class:`Pad`.

    Notes
    -----
    Output row i reads the input sample at column c(p), p = i − lo:

    - reflect: ``c(p) = (n − 1) − |(p mod 2(n − 1)) − (n − 1)|``
      (PyTorch/NumPy ``reflect``, TensorFlow ``REFLECT``: the edge sample is the mirror);
    - symmetric: c(p) = q if q < n else 2n − 1 − q, with q = p mod 2n
      (NumPy ``symmetric``, TensorFlow ``SYMMETRIC``: the edge sample is repeated);
    - replicate: c(p) = min(max(p, 0), n − 1) (NumPy ``edge``);
    - circular: c(p) = p mod n (NumPy ``wrap``).

    The extended signals are periodic (period 2(n − 1), 2n, n), so pads longer than the
    signal reflect or wrap more than once, exactly as NumPy and JAX compute them. Within
    one period (``one_period``) the index map is written by regions instead: for
    p < 0 the column is −p, −1 − p, 0 or p + n, and for p >= n it is 2(n − 1) − p,
    2n − 1 − p, n − 1 or p − n (reflect, symmetric, replicate, circular).

    Examples
    --------
    >>> for mode in ("symmetric", "replicate", "circular"):
    ...     print(mode, list(BorderPad(3, 2, 2, mode).as_explicit() * sp.Matrix(sp.symbols("a:c"))))
    symmetric [b, a, a, b, c, c, b]
    replicate [a, a, a, b, c, c, c]
    circular [b, c, a, b, c, a, b]
    >>> BorderPad(2, 0, 5, "reflect").as_explicit().T  # a long pad reflects again and again
    Matrix([
    [1, 0, 1, 0, 1, 0, 1],
    [0, 1, 0, 1, 0, 1, 0]])
    >>> BorderPad(1, 1, 1, "reflect")
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: n=1 is not allowed: expected n >= 2 for mode 'reflect' ...
    """

    def __new__(cls, n: object, lo: object = 0, hi: object = 0, mode: str = "reflect") -> Operator:
        n, lo, hi, mode = _parameters(n, lo, hi, mode)
        if mode == "constant":
            return Pad(n, lo, hi)
        return super().__new__(cls, n, lo, hi, Str(mode))

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.padded, self.n

    def index_map(self, index: tuple) -> list[Term]:
        (i,) = index
        n, lo, p, period = self.n, self.lo, i - self.lo, self.period
        if self.one_period:
            before, after = {
                "reflect": (lo - i, 2 * (n - 1) + lo - i),
                "symmetric": (lo - 1 - i, 2 * n - 1 + lo - i),
                "replicate": (sp.Integer(0), n - 1),
                "circular": (p + n, p - n),
            }[self.mode]
            return [
                (sp.Integer(1), (before,), {within(i, 0, lo)}),
                (sp.Integer(1), (p,), {within(i, lo, lo + n)}),
                (sp.Integer(1), (after,), {within(i, lo + n, self.padded)}),
            ]
        if self.mode == "reflect":
            column = (n - 1) - sp.Abs(sp.Mod(p, period) - (n - 1))
        elif self.mode == "symmetric":
            # q if q < n else 2n − 1 − q, for q = p mod 2n, in one expression.
            column = (2 * n - 1 - sp.Abs(2 * sp.Mod(p, period) - (2 * n - 1))) / 2
        else:
            column = sp.Mod(p, n)
        return [(sp.Integer(1), (column,), set())]

    def _eval_transpose(self) -> BorderFold:
        return BorderFold(self.n, self.lo, self.hi, self.mode)


def _wraps(extra: object, period: object) -> sp.Expr:
    """More periods than a pad of ``extra`` samples can span (a generous bound)."""
    return sp.ceiling(sp.sympify(extra) / period) + 2


class BorderFold(_BorderOperator, Operator):
    r"""The transpose of :class:`BorderPad`: padded samples folded back onto their sources.

    From ℝ^(n + lo + hi) to ℝⁿ: row j is the sum of every padded sample that
    :class:`BorderPad` copied from input sample j (the backward pass of the padding).

    Notes
    -----
    With y indexed by the padded position i = lo + p and P the period:

    - reflect (P = 2(n − 1)): (Fy)_j = Σ_w y_{lo + j + wP} + [0 < j < n − 1] Σ_w y_{lo − j + wP};
    - symmetric (P = 2n): (Fy)_j = Σ_w y_{lo + j + wP} + Σ_w y_{lo − 1 − j + wP};
    - circular (P = n): (Fy)_j = Σ_w y_{lo + j + wn};
    - replicate: (Fy)_j = y_{lo + j} + [j = 0] Σ_{r < lo} y_r
      + [j = n − 1] Σ_{r < hi} y_{lo + n + r};

    each sum over the integers w with the index inside 0 … n + lo + hi − 1. A gradient
    in the padding is reflected back inside (reflect, symmetric), piled onto the edge
    sample (replicate) or wrapped around (circular).

    Examples
    --------
    >>> BorderFold(3, 2, 1, "reflect").as_explicit()
    Matrix([
    [0, 0, 1, 0, 0, 0],
    [0, 1, 0, 1, 0, 1],
    [1, 0, 0, 0, 1, 0]])
    >>> BorderFold(3, 2, 2, "replicate").as_explicit()
    Matrix([
    [1, 1, 1, 0, 0, 0, 0],
    [0, 0, 0, 1, 0, 0, 0],
    [0, 0, 0, 0, 1, 1, 1]])
    >>> BorderFold(3, 1, 1, "constant")
    Crop(5, 1, 1)
    """

    def __new__(cls, n: object, lo: object = 0, hi: object = 0, mode: str = "reflect") -> Operator:
        n, lo, hi, mode = _parameters(n, lo, hi, mode)
        if mode == "constant":
            return Crop(n + lo + hi, lo, hi)
        return super().__new__(cls, n, lo, hi, Str(mode))

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.n, self.padded

    def _periodic(self, source: sp.Expr, guards: set) -> Term:
        """Σ_w y_{source + wP} over the w that keep the index inside the padded signal."""
        w = sp.Dummy("w", integer=True)
        index = source + w * self.period
        span = {
            within(w, -_wraps(self.lo, self.period), _wraps(self.hi, self.period)),
            within(index, 0, self.padded),
        }
        return (sp.Integer(1), (index,), span | guards)

    def index_map(self, index: tuple) -> list[Term]:
        (j,) = index
        n, lo, hi = self.n, self.lo, self.hi
        if self.mode == "replicate":
            # Each border is summed onto its edge sample j (the block sum of that border):
            # row j = 0 takes y_{0 + r}, r < lo; row j = n − 1 takes y_{lo + n + r}, r < hi.
            # The offsets are written as j·lo and (j − n + 1)·hi, zero on those rows, and r is
            # named like BlockSum's position in a block: the same terms as a block sum placed
            # at the edge (Pad · BlockSum · Crop), so the symbolic proof tier can match them.
            r = sp.Dummy("u_*", integer=True)
            return [
                (sp.Integer(1), (lo + j,), set()),
                (sp.Integer(1), (lo * j + r,), {within(r, 0, lo), within(j, 0, 1)}),
                (
                    sp.Integer(1),
                    (lo + n + hi * (j - n + 1) + r,),
                    {within(r, 0, hi), within(j, n - 1, n)},
                ),
            ]
        if self.one_period:
            # The two borders land at: (column of the border sample, rows j where it lands).
            first, second = {
                "reflect": ((lo - j, 1, lo + 1), (lo + 2 * (n - 1) - j, n - 1 - hi, n - 1)),
                "symmetric": ((lo - 1 - j, 0, lo), (lo + 2 * n - 1 - j, n - hi, n)),
                "circular": ((lo - n + j, n - lo, n), (lo + n + j, 0, hi)),
            }[self.mode]
            return [(sp.Integer(1), (lo + j,), set())] + [
                (sp.Integer(1), (column,), {within(j, start, stop)})
                for column, start, stop in (first, second)
            ]
        terms = [self._periodic(lo + j, set())]
        if self.mode == "reflect":
            # The mirror image −j of j; the same point as j itself at the two edges.
            terms.append(self._periodic(lo - j, {within(j, 1, n - 1)}))
        elif self.mode == "symmetric":
            terms.append(self._periodic(lo - 1 - j, set()))
        return terms

    def _eval_transpose(self) -> BorderPad:
        return BorderPad(self.n, self.lo, self.hi, self.mode)


def _border_factor(maker: type, n: object, lo: object, hi: object, mode: str) -> sp.MatrixExpr:
    # An axis without padding is the identity in every mode (also reflect with n = 1).
    if sp.sympify(lo) == 0 and sp.sympify(hi) == 0:
        return sp.Identity(_validate.size("n", n))
    return maker(n, lo, hi, mode)


def border_pad_nd(size: object, padding: object, mode: str, channels: int = 1) -> sp.MatrixExpr:
    """Padding in N-D with one mode: ``BorderPad`` per axis, a Kronecker product.

    ``padding`` is an int or, per axis (first axis first), an int or (lo, hi); an axis
    with no padding contributes the identity. With ``channels`` > 1 an identity on the
    channel axis comes first (channel-major flattening).

    Examples
    --------
    >>> border_pad_nd((2, 3), (0, (1, 0)), "circular")
    KroneckerProduct(I, BorderPad(3, 1, 0, 'circular'))
    """
    pairs = _pairs("padding", padding, len(_sizes(size)))
    return _separable(size, channels, lambda k, n: _border_factor(BorderPad, n, *pairs[k], mode))


def border_fold_nd(size: object, padding: object, mode: str, channels: int = 1) -> sp.MatrixExpr:
    """The transpose of :func:`border_pad_nd` (``size`` is the unpadded size)."""
    pairs = _pairs("padding", padding, len(_sizes(size)))
    return _separable(size, channels, lambda k, n: _border_factor(BorderFold, n, *pairs[k], mode))
