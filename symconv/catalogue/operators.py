"""Two operators that only the catalogue needs, with their exact and symbolic forms.

- :class:`MultiplesProjector`: the diagonal 0/1 projector onto multiples of k,
  the right side of ``up-down-projector``.
- :class:`NearestUpsample`: nearest-neighbour up-sampling by k (each sample
  repeated k times), ``(Nx)_i = x_{⌊i/k⌋}``.
- :class:`PhaseSum`: Σᵥ Shiftᵥ ↑ₛ (q[v::s] ∗ y) over v = 0, …, s − 1 with the stride s
  and the kernel length m symbolic, the right side of ``subpixel-conv`` for all s.
"""

from __future__ import annotations

import sympy as sp
from sympy.polys.domains.domain import Domain
from sympy.polys.matrices import DomainMatrix

from symconv import _validate, kernels, matrices
from symconv.derivation import Rule
from symconv.operators import Conv, Operator, Pad, Upsample
from symconv.printing.latex.printer import Kind, SymconvLatexPrinter
from symconv.printing.latex.printer import register as register_latex
from symconv.proof import symbolic
from symconv.proof.rules import N_MAX, RewriteRule, add_rule, mul

__all__ = ["MultiplesProjector", "NearestUpsample", "PhaseSum"]


class MultiplesProjector(Operator):
    """diag(1, 0, …, 0, 1, 0, …) on ℝᴺ: keeps the samples at multiples of k.

    Examples
    --------
    >>> MultiplesProjector(4, 2).as_explicit()
    Matrix([
    [1, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 0]])
    """

    def __new__(cls, n: object, k: object) -> MultiplesProjector:
        return super().__new__(cls, _validate.size("n", n), _validate.size("k", k))

    n = property(lambda self: self.args[0])
    k = property(lambda self: self.args[1])

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.n, self.n

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        return sp.KroneckerDelta(sp.Mod(i, self.k), 0) * sp.KroneckerDelta(i, j)

    def _eval_transpose(self) -> MultiplesProjector:
        return self


class NearestUpsample(Operator):
    """Nearest-neighbour up-sampling by k from ℝⁿ to ℝᵏⁿ: ``(Nx)_i = x_{⌊i/k⌋}``.

    Examples
    --------
    >>> NearestUpsample(2, 2).as_explicit().T
    Matrix([
    [1, 1, 0, 0],
    [0, 0, 1, 1]])
    """

    def __new__(cls, n: object, k: object) -> NearestUpsample:
        return super().__new__(cls, _validate.size("n", n), _validate.size("k", k))

    n = property(lambda self: self.args[0])
    k = property(lambda self: self.args[1])

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.k * self.n, self.n

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        return sp.KroneckerDelta(j, sp.floor(i / self.k))

    def _eval_transpose(self) -> sp.MatrixExpr:
        return sp.Transpose(self)


class PhaseSum(Operator):
    """Σᵥ Shiftᵥ ↑ₛ (q[v::s] ∗ y), v = 0, …, s − 1: the pixel-shuffle form, s phases.

    Phase v is the full convolution of y with the polyphase kernel q[v::s] (length
    ⌈(m − v)/s⌉), spread by ↑ₛ and shifted by v into the output of length
    s(n − 1) + m. Phases v >= m have no taps and add nothing. With s and m
    symbols the number of terms is symbolic: :meth:`phase` is the term of one
    phase v (any symbol), and the symbolic tier sums over v as a bound index.
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
        conv = Conv(self.kernel.phase(v, self.s), self.n, "full")
        spread = self.s * (conv.rows - 1) + 1
        total = self.rows
        up = Upsample(conv.rows, self.s, spread)
        return mul(Pad(spread, v, total - v - spread), up, conv)

    def doit(self, **hints: object) -> sp.MatrixExpr:
        s, m = sp.sympify(self.s), sp.sympify(self.kernel.m)
        if not (s.is_Integer and m.is_Integer):
            return self
        from symconv.catalogue.multirate import polyphase

        return polyphase(self.n, self.kernel.taps(), int(s))

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        return self.doit()._entry(i, j)

    def _eval_transpose(self) -> sp.MatrixExpr:
        return sp.Transpose(self)


def _phase_rows(op: PhaseSum, i: sp.Expr) -> list:
    """Row i: the rows of every phase term, the phase v a bound index with 0 <= v < s."""
    v = sp.Dummy("phase", integer=True)
    terms = symbolic.row_terms(op.phase(v), i)
    return [(c, col, g | {("range", v, 0, op.s)}) for c, col, g in terms]


symbolic.ROWS[PhaseSum] = _phase_rows


@matrices.register
def _(expr: PhaseSum, K: Domain) -> DomainMatrix:
    # At concrete s and m the phase sum is its explicit sum of s terms.
    return matrices.sparse_matrix(expr.doit(), K)


@matrices.register
def _(expr: MultiplesProjector, K: Domain) -> DomainMatrix:
    n, k = int(expr.n), int(expr.k)
    return DomainMatrix({i: {i: K.one} for i in range(0, n, k)}, (n, n), K, fmt="sparse")


@matrices.register
def _(expr: NearestUpsample, K: Domain) -> DomainMatrix:
    n, k = int(expr.n), int(expr.k)
    return DomainMatrix({i: {i // k: K.one} for i in range(k * n)}, (k * n, n), K, fmt="sparse")


symbolic.ROWS[MultiplesProjector] = lambda op, i: [(1, i, {("div", op.k, i)})]


def _nearest_rows(op: NearestUpsample, i: sp.Expr) -> list:
    """Row i reads x_{⌊i/k⌋} = x_{(i − r)/k} for the one r in [0, k) with k | i − r.

    Written with a bound r (as the taps of the box 1ₖ, whose bound index has the same
    name) rather than ⌊i/k⌋, so that it composes with kernels of symbolic length.
    """
    r = sp.Dummy("u_*", integer=True)
    return [(1, (i - r) / op.k, {("range", r, 0, op.k), ("div", op.k, i - r)})]


symbolic.ROWS[NearestUpsample] = _nearest_rows


def _nearest_as_box(node: sp.Basic) -> sp.Basic | None:
    if isinstance(node, NearestUpsample):
        shortest = node.k * (node.n - 1) + 1
        return mul(
            Conv(kernels.ones(int(node.k)), shortest, "full"), Upsample(node.n, node.k, shortest)
        )
    return None


add_rule(
    RewriteRule(
        Rule(
            "nearest-as-box",
            "nearest up-sampling by k = 1ₖ ∗ (↑ₖ x), ↑ₖ to length k(n−1)+1",
            r"N_k = 1_k * \uparrow_k",
        ),
        _nearest_as_box,
        "closed form: row i of 1ₖ∗↑ₖ has the single tap t = i mod k, column (i − t)/k = ⌊i/k⌋",
        lambda: (
            (NearestUpsample(n, k), _nearest_as_box(NearestUpsample(n, k)))
            for n in range(1, N_MAX + 1)
            for k in range(1, 5)
        ),
    )
)


# -- their LaTeX (the printer's registry; the notation of the rules above) --------


@register_latex
def _(expr: NearestUpsample, printer: SymconvLatexPrinter) -> tuple[str, Kind]:
    return f"N_{{{printer.doprint(expr.k)}}}", Kind.SCRIPTED


@register_latex
def _(expr: MultiplesProjector, printer: SymconvLatexPrinter) -> tuple[str, Kind]:
    return rf"\operatorname{{diag}}([{printer.doprint(expr.k)} \mid i])", Kind.CLOSED


@register_latex
def _(expr: PhaseSum, printer: SymconvLatexPrinter) -> tuple[str, Kind]:
    s, up = printer.doprint(expr.s), printer.notation.call("upsample", printer.doprint(expr.s))
    q = printer.notation.call("vect", expr.kernel.name) + f"_{{[v::{s}]}}"
    return rf"\sum_{{v}} S_{{v}} {up} ({q} {printer.notation.call('conv')})", Kind.SUM
