"""Checkerboard artifacts: how many kernel taps reach each output of a transposed conv.

The overlap count of ConvTranspose(1ₘ; stride s) applied to 1ₙ is 1ₘ ∗ (↑ₛ1ₙ).
Away from the borders, output z receives the taps t ≡ z (mod s), that is
⌈(m − v)/s⌉ of them at phase v = z mod s; this is the same for every phase
if and only if s divides m (Odena et al. 2016). For m = 3, s = 2 the pattern
is [1, 1, 2, 1, 2, …, 2, 1, 1].

Examples
--------
>>> overlap(3, 2, 4)
[1, 1, 2, 1, 2, 1, 2, 1, 1]
>>> interior_uniform(4, 2), interior_uniform(3, 2)
(True, False)
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatMul

from symconv import kernels
from symconv.catalogue import twod
from symconv.catalogue._common import N_RANGE, axis_values, ranked_grid, ranked_params
from symconv.catalogue.entry import Entry, argued_by_rank, chain_from_script
from symconv.derivation import Rule, Step, Tier, TierResult
from symconv.matrices import explicit
from symconv.operators import Conv, ConvTranspose, Upsample
from symconv.proof.symbolic import (
    BoundedSymbol,
    canonical_size,
)
from symconv.proof.symbolic import (
    surely_positive as _surely_positive,
)

__all__ = ["ENTRIES", "interior_uniform", "overlap"]


def _ones(n: int) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix([1] * n)


def _sides(n: object, m: int, s: int) -> tuple:
    lhs = MatMul(ConvTranspose(kernels.ones(m), n, 0, s), _ones(n))
    return lhs, None


def overlap(m: int, s: int, n: int) -> list[int]:
    """The overlap count of each output of ConvTranspose(1ₘ; stride s) on n inputs, exactly."""
    return [int(v) for v in explicit(MatMul(ConvTranspose(kernels.ones(m), n, 0, s), _ones(n)))]


def interior_uniform(m: int, s: int) -> bool:
    """Whether the counts are equal at every output that all n inputs could reach (n large)."""
    n = m + 2 * s + 2
    counts = overlap(m, s, n)
    interior = counts[m - 1 : s * (n - 1) + 1]  # outputs with every tap t landing inside
    return len(set(interior)) == 1


def _chain(n: object, m: object, s: object, rank: int = 1) -> list:
    if rank > 1:
        return twod.checkerboard_chain(*(axis_values(x, rank) for x in (n, m, s)))
    lhs = _sides(n, m, s)[0]
    steps = chain_from_script(lhs, [("rule", "conv-transpose-scatter")])
    counts = overlap(m, s, n)
    steps.append(
        Step(
            sp.ImmutableMatrix(counts),
            Rule("evaluate", "the exact counts", r"\text{counts}"),
            note=f"overlap pattern {counts}; interior "
            f"{'uniform' if interior_uniform(m, s) else 'not uniform'} "
            f"(s {'|' if m % s == 0 else '∤'} m)",
        )
    )
    return steps


_PARAMS = ranked_params(
    ("n", 4, "input length", (3, 3)), ("m", 3, "kernel length", (3, 3)), ("s", 2, "stride", (2, 2))
)


def _uniformity(**values: object) -> tuple[list, tuple[TierResult, ...]]:
    """Interior uniform iff s | m (on every axis): exhaustively from exact counts, and by
    a symbolic count, at rank 1 and at rank 2 (so that ``rank`` is free)."""
    checked = [(m, s) for m in range(1, 13) for s in range(1, 7)]
    exhaustive = all(interior_uniform(m, s) == (m % s == 0) for m, s in checked)
    n, m, s = sp.symbols("n m s", integer=True, positive=True)
    holds, exprs = uniform_iff_divides(n, m, s)
    exhaustive_2d, words_2d, (holds_2d, exprs_2d) = twod.checkerboard_uniformity(
        range(1, 5), range(1, 4)
    )
    parts = {1: [(holds, _UNIFORM, exprs)], 2: [(holds_2d, twod.UNIFORM_2D, exprs_2d)]}
    return [], (
        argued_by_rank(Tier.SYMBOLIC, parts, _PARAMS, values),
        TierResult(
            Tier.EXHAUSTIVE,
            exhaustive and exhaustive_2d,
            f"rank 1: interior uniform ⟺ s | m at all {len(checked)} pairs m ≤ 12, s ≤ 6 "
            f"(exact counts); rank 2: {words_2d}",
        ),
    )


_UNIFORM = (
    "an interior output z (m − 1 <= z <= s(n − 1)) has every tap t of 1ₘ on an input "
    "(0 <= z − t <= s(n − 1)), so at phase v = z mod s it receives the taps v, v + s, …, "
    "c(v) = ⌈(m − v)/s⌉ of them (v + s(c − 1) <= m − 1 < v + s·c); with m = s·u + r "
    "(u = ⌊m/s⌋, 0 <= r < s) that is u + ⌈(r − v)/s⌉: u at every phase when r = 0, and "
    "more at phase 0 than at phase r when r >= 1: uniform iff s | m (once the interior "
    "spans s outputs, so that every phase occurs)"
)


def interior_count(n: sp.Expr, m: sp.Expr, s: sp.Expr, axis: str = "") -> tuple[bool, tuple]:
    """An interior output of phase v receives c(v) = ⌈(m − v)/s⌉ taps: checked on one axis.

    With n, m, s symbolic and the output z, tap t and phase v bounded symbols: every
    tap of an interior output lands on an input, and the taps of phase v are exactly
    v, v + s, …, v + s(c(v) − 1). Returns whether both were shown, and the expressions
    shown positive.

    Examples
    --------
    >>> n, m, s = sp.symbols("n m s", integer=True, positive=True)
    >>> interior_count(n, m, s)[0]
    True
    """
    z = BoundedSymbol(f"z{axis}", m - 1, s * (n - 1), integer=True, nonnegative=True)
    t = BoundedSymbol(f"t{axis}", 0, m - 1, integer=True, nonnegative=True)
    v = BoundedSymbol(f"v{axis}", 0, s - 1, integer=True, nonnegative=True)
    c = sp.ceiling((m - v) / s)
    positive = (
        z - t + 1,  # z − t >= 0: the input index (z − t)/s is not negative
        s * (n - 1) - (z - t) + 1,  # z − t <= s(n − 1): nor beyond the last input
        m - (v + s * (c - 1)),  # the c-th tap of phase v is inside the kernel
        v + s * c - m + 1,  # the next one is not
    )
    return all(_surely_positive(e) for e in positive), positive


def uniform_iff_divides(n: sp.Expr, m: sp.Expr, s: sp.Expr) -> tuple[bool, tuple]:
    """The count argument of :data:`_UNIFORM`, with n, m, s (and u, r, v) symbolic.

    r and v are parameters with stated bounds (0 <= r, v <= s − 1), so the
    simplifications below hold for every value, not for a list of strides. Returns
    whether every step was shown, and the expressions the steps checked.

    Examples
    --------
    >>> n, m, s = sp.symbols("n m s", integer=True, positive=True)
    >>> uniform_iff_divides(n, m, s)[0]
    True
    """
    interior, counted = interior_count(n, m, s)
    u = sp.Symbol("u", integer=True)
    v = BoundedSymbol("v", 0, s - 1, integer=True, nonnegative=True)

    def count(r: sp.Expr, v: sp.Expr) -> sp.Expr:
        return sp.ceiling((s * u + r - v) / s)

    # Every m is s·u + r with u = ⌊m/s⌋ and 0 <= r = m mod s < s: the two cases cover all m.
    split = s * sp.floor(m / s) + sp.Mod(m, s) - m
    # r = 0: every phase v gets exactly u taps.
    uniform = canonical_size(count(0, v) - u)
    # 1 <= r <= s − 1: phase 0 gets more than phase r (a positive difference).
    r = BoundedSymbol("r", 1, s - 1, integer=True, positive=True)
    differs = count(r, 0) - count(r, r)
    holds = (
        interior
        and sp.simplify(split.rewrite(sp.floor)) == 0
        and uniform == 0
        and _surely_positive(differs)
    )
    return bool(holds), (*counted, split, count(0, v), differs)


def _count_sides(n: object, m: object, s: object, rank: int = 1) -> tuple:
    if rank > 1:
        return twod.checkerboard_sides(*(axis_values(x, rank) for x in (n, m, s)))
    lhs = _sides(n, m, s)[0]
    return lhs, chain_from_script(lhs, [("rule", "conv-transpose-scatter")])[-1].expr


def _symbolic(rank: int = 1, **_: object) -> tuple:
    """Both sides with n, m and s free: the kernel 1ₘ as a family of symbolic length; on
    images the counts as the outer product of the 1-D counts, every size symbolic."""
    if rank > 1:
        sides = twod.checkerboard_sides(*twod.symbols_2d("n", "m", "s"))
        return (*sides, "for all n, m, s >= 1 per axis")
    n, m, s = sp.symbols("n m s", integer=True, positive=True)
    ones = kernels.family("*", m)
    stretched = s * (n - 1) + 1
    lhs = MatMul(ConvTranspose(ones, n, 0, s), sp.OneMatrix(n, 1))
    rhs = MatMul(Conv(ones, stretched, "full"), Upsample(n, s, stretched), sp.OneMatrix(n, 1))
    return lhs, rhs, "for all n, m, s >= 1"


def _general(m: int, s: int, **_: object) -> tuple:
    from symconv.catalogue._common import n as n_symbol

    lhs = MatMul(ConvTranspose(kernels.ones(m), n_symbol, 0, s), sp.OneMatrix(n_symbol, 1))
    steps = chain_from_script(lhs, [("rule", "conv-transpose-scatter")])
    return steps, steps[-1].expr, f"for all n (m = {m}, s = {s})"


CHECKERBOARD_OVERLAP = Entry(
    name="checkerboard-overlap",
    statement="the overlap count of a transposed conv, ConvTranspose(1ₘ; s)1ₙ = 1ₘ ∗ (↑ₛ1ₙ), is "
    "uniform away from the borders (outputs m−1..s(n−1), once they span s outputs) iff s | m, "
    "for all n, m, s >= 1 (m=3, s=2: [1,1,2,1,2,…,2,1,1]; m=2 or 4, s=2: uniform); on images "
    "(rank 2) the counts ConvTransposeNd(1_{m₁×m₂}; s)1 are the outer product of the 1-D "
    "counts of the two axes, uniform in the interior iff s divides m on each axis, for all "
    "n₁, n₂, m₁, m₂, s₁, s₂ >= 1 (m = 3, s = 2: counts 1, 2, 4)",
    source='Odena, Dumoulin & Olah, "Deconvolution and checkerboard artifacts" (Distill 2016); '
    "the overlap counts of an all-ones kernel",
    params=_PARAMS,
    sides=_count_sides,
    chain=_chain,
    grid=ranked_grid(
        {"n": N_RANGE, "m": range(1, 6), "s": range(1, 5)},
        {"n": [(3, 2)], "m": range(1, 5), "s": range(1, 4)},
    ),
    general=_general,
    symbolic=_symbolic,
    extra=_uniformity,
)

ENTRIES = (CHECKERBOARD_OVERLAP,)
