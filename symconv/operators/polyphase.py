"""The polyphase (pixel-shuffle) form of a stride-s transposed convolution.

``q ∗ ↑ₛy = Σᵥ Shiftᵥ ↑ₛ (q[v::s] ∗ y)``: output sample v + s·w only sees the taps t ≡ v
(mod s), so a transposed convolution is the interleaving of s stride-1 full convolutions
with the polyphase kernels q[v::s] (Shi et al., "Real-Time Single Image and Video
Super-Resolution Using an Efficient Sub-Pixel Convolutional Neural Network", 2016).
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatAdd, MatMul

from symconv import _validate, kernels
from symconv.operators.base import Operator
from symconv.operators.convolution import Conv
from symconv.operators.index_map import Term, product, within
from symconv.operators.padding import Pad
from symconv.operators.sampling import Upsample

__all__ = ["PhaseSum", "polyphase"]


def _phase(kernel: object, n: object, s: object, v: object, total: object) -> MatMul:
    """Shiftᵥ ↑ₛ (kernel ∗ ·) into an output of length ``total``."""
    conv = Conv(kernel, n, "full")
    spread = s * (conv.rows - 1) + 1
    return MatMul(Pad(spread, v, total - v - spread), Upsample(conv.rows, s, spread), conv)


def polyphase(n: object, kernel: tuple, s: int) -> sp.MatrixExpr:
    """Σᵥ Shiftᵥ ↑ₛ (q[v::s] ∗ y) for a concrete kernel and stride: an explicit sum.

    Examples
    --------
    >>> from symconv import ConvTranspose, explicit
    >>> explicit(polyphase(3, (1, 2, 3), 2)) == explicit(ConvTranspose((1, 2, 3), 3, 0, 2))
    True
    """
    total = s * (n - 1) + len(kernel)
    terms = [_phase(kernel[v::s], n, s, v, total) for v in range(min(s, len(kernel)))]
    return terms[0] if len(terms) == 1 else MatAdd(*terms)


class PhaseSum(Operator):
    """Σᵥ Shiftᵥ ↑ₛ (q[v::s] ∗ y), v = 0, …, s − 1: the pixel-shuffle form, s phases.

    Phase v is the full convolution of y with the polyphase kernel q[v::s] (length
    ⌈(m − v)/s⌉), spread by ↑ₛ and shifted by v into the output of length
    s(n − 1) + m. Phases v >= m have no taps and add nothing. With s and m
    symbols the number of terms is symbolic: :meth:`phase` is the term of one
    phase v (any symbol), and the index map sums over v as a bound index.
    :meth:`doit` with concrete s and m is the explicit sum.

    Examples
    --------
    >>> from symconv.kernels import family
    >>> s, m, n = sp.symbols("s m n", integer=True, positive=True)
    >>> PhaseSum(family("q", m), n, s).shape
    (m + s*(n - 1), n)
    >>> PhaseSum(family("q", 3), 2, 2).doit().shape
    (5, 2)
    """

    def __new__(cls, q: kernels.KernelFamily, n: object, s: object) -> PhaseSum:
        if not isinstance(q, kernels.KernelFamily):
            raise TypeError("PhaseSum takes a kernel family (symconv.kernels.family)")
        return super().__new__(cls, q, _validate.size("n", n), _validate.size("s", s))

    kernel = property(lambda self: self.args[0])
    n = property(lambda self: self.args[1])
    s = property(lambda self: self.args[2])

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.s * (self.n - 1) + self.kernel.length, self.n

    def phase(self, v: sp.Expr) -> sp.MatrixExpr:
        """Shiftᵥ ↑ₛ (q[v::s] ∗ ·) for one phase v."""
        return _phase(self.kernel.phase(v, self.s), self.n, self.s, v, self.rows)

    def index_map(self, index: tuple) -> list[Term]:
        # Every phase's row, the phase v a bound index with 0 <= v < s.
        v = sp.Dummy("phase", integer=True)
        terms = product(self.phase(v).args, index)
        return [(c, col, g | {within(v, 0, self.s)}) for c, col, g in terms]

    def doit(self, **hints: object) -> sp.MatrixExpr:
        s, m = sp.sympify(self.s), sp.sympify(self.kernel.m)
        if not (s.is_Integer and m.is_Integer):
            return self
        return polyphase(self.n, self.kernel.taps(), int(s))

    def _eval_transpose(self) -> sp.MatrixExpr:
        # Σᵥ of transposed phases has no single-operator closed form with s symbolic; at
        # concrete sizes doit() is the explicit sum, whose transpose SymPy distributes.
        return sp.Transpose(self)
