"""The backward pass of a convolution is the transposed convolution — derived by differentiation."""

from __future__ import annotations

import functools

import sympy as sp
from sympy.matrices.expressions import MatMul, MatrixSymbol, Transpose
from sympy.polys.domains import ZZ
from sympy.polys.rings import PolyElement

from symconv import kernels
from symconv.catalogue._common import (
    LAYER_PARAMS,
    N_RANGE,
    at_least,
    d,
    hi,
    lo,
    m,
    param,
    q,
    s,
    taps,
)
from symconv.catalogue.entry import Entry, argued, grid
from symconv.derivation import Rule, Step, Tier, TierResult
from symconv.matrices import sparse_matrix
from symconv.operators import Corr
from symconv.proof.rules import RULES

__all__ = ["ENTRIES", "gradient"]

#: The column vectors g and x, built once per length (immutable; built at every grid point).
_signal = functools.lru_cache(maxsize=None)(kernels.signal)


def _forward(n: int, m: int, s: int, lo: int, hi: int, d: int) -> Corr:
    return Corr(q(m), n, (lo, hi), s, d)


def gradient(conv: Corr) -> sp.ImmutableMatrix:
    """∇ₓ⟨g, Cx⟩ computed by SymPy: ∂/∂xⱼ of the expanded scalar, for every j.

    The scalar ⟨g, Cx⟩ is expanded as a polynomial in the taps, g and x (a
    ``sympy.polys`` ring element) and differentiated there with SymPy's
    polynomial ``diff``: exact, and two orders of magnitude cheaper than
    ``sympy.diff`` on an ``Add`` of thousands of terms, which matters because
    the exhaustive tier differentiates at every grid point.

    Examples
    --------
    >>> from symconv.catalogue._common import q
    >>> gradient(Corr(q(2), 3)).T
    Matrix([[g_0*q_0, g_0*q_1 + g_1*q_0, g_1*q_1]])
    """
    inner, x = _inner(conv)
    return sp.ImmutableMatrix([inner.diff(xj).as_expr() for xj in x])


def _inner(conv: Corr) -> tuple[PolyElement, list[PolyElement]]:
    """⟨g, Cx⟩ = Σᵢⱼ gᵢ Cᵢⱼ xⱼ over the non-zeros of the exact matrix, and the xⱼ.

    A polynomial in ZZ[taps, g, x], with the taps the generators of C's own domain.
    """
    C = sparse_matrix(conv)
    taps = tuple(C.domain.symbols) if C.domain.is_PolynomialRing else ()
    g, x = _signal("g", conv.rows), _signal("x", conv.cols)
    ring, *generators = sp.ring((*taps, *g, *x), ZZ)
    gs, xs = generators[len(taps) : len(taps) + len(g)], generators[len(taps) + len(g) :]
    pad = (0,) * (len(g) + len(x))

    def lift(value: object) -> PolyElement:
        if not taps:
            return ring(int(value))
        return ring.from_dict({tuple(m) + pad: int(c) for m, c in value.terms()})

    inner = ring.zero
    for i, row in C.rep.to_dod().items():
        for j, value in row.items():
            inner += gs[i] * lift(value) * xs[j]
    return inner, xs


def _sides(n: int, m: int, s: int, lo: int, hi: int, d: int) -> tuple:
    conv = _forward(n, m, s, lo, hi, d)
    g = _signal("g", conv.rows)
    return gradient(conv), MatMul(conv.T, g)


_COLLECT = Rule(
    "collect", "(Σᵢ gᵢ Cᵢⱼ)ⱼ = Cᵀg", r"\nabla_x \langle g, Cx\rangle = C^{\mathsf{T}} g"
)


def _chain(n: int, m: int, s: int, lo: int, hi: int, d: int) -> list:
    conv = _forward(n, m, s, lo, hi, d)
    g = _signal("g", conv.rows)
    inner = _inner(conv)[0].as_expr()
    return [
        Step(gradient(conv), note=f"∂/∂xⱼ of ⟨g, Cx⟩ = {inner}, each by SymPy's polynomial diff"),
        Step(MatMul(Transpose(conv), g), _COLLECT),
        Step(MatMul(conv.T, g), RULES["corr-transpose"].rule),
    ]


_PARAMS = (param("n", 6, "input length"), *LAYER_PARAMS)


def _matrix_calculus(**values: object) -> tuple[list, tuple[TierResult, ...]]:
    """d(gᵀCx)/dx = Cᵀg by SymPy's matrix calculus, then C = Corr with every parameter symbolic.

    SymPy differentiates with C a MatrixSymbol (any matrix independent of x); C is then
    the convolution itself with n, m, s, lo, hi, d all symbolic (n large enough for a
    non-empty output), so the shapes of g, C and x are the operator's, for every value.
    """
    n = at_least("n", d * (m - 1) + 1 - lo - hi)
    conv = Corr(taps(m), n, (lo, hi), s, d)
    C = MatrixSymbol("C", *conv.shape)
    g, x = MatrixSymbol("g", conv.rows, 1), MatrixSymbol("x", conv.cols, 1)
    derivative = (g.T * C * x).diff(x)
    general = derivative == C.T * g
    # The same derivative for the convolution: Cᵀg with Cᵀ = ConvTranspose (closed form).
    instance = derivative.xreplace({C: conv}).doit()
    passed = bool(general and instance == MatMul(conv.T, g).doit())
    detail = (
        f"SymPy matrix calculus gives d(gᵀCx)/dx = {derivative} for every matrix C "
        "independent of x; with C = Corr(q; n, lo, hi, s, d), m taps, its shape "
        f"{conv.rows} × {conv.cols}, this is {instance}: Cᵀ = ConvTranspose by the closed "
        "form corr-transpose"
    )
    return [], (argued(Tier.SYMBOLIC, [(passed, detail, (instance, conv))], _PARAMS, values),)


TRANSPOSED_CONV_IS_GRADIENT = Entry(
    name="transposed-conv-is-gradient",
    statement="∇ₓ⟨g, Cx⟩ = Cᵀg for C = Corr(q; lo, hi, s, d): the backward pass of a conv is the "
    "transposed conv, for all n, m, s, d >= 1, lo, hi >= 0 with a non-empty output",
    source='Data Science Stack Exchange, "What are deconvolutional layers?" (the backward pass); '
    "PyTorch autograd of conv1d",
    params=_PARAMS,
    sides=_sides,
    chain=_chain,
    grid=lambda: grid(
        n=N_RANGE, m=range(1, 6), s=range(1, 5), lo=range(0, 2), hi=range(0, 2), d=range(1, 3)
    ),
    bounds="n ≤ 12, m ≤ 5, s ≤ 4, d ≤ 2, lo, hi ≤ 1",
    extra=_matrix_calculus,
    numeric_every=20,
)

ENTRIES = (TRANSPOSED_CONV_IS_GRADIENT,)
