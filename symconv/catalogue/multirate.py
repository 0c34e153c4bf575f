"""Multirate identities: the Noble identities, nearest-neighbour up-sampling, sub-pixel conv."""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatMul

from symconv import kernels, sizes
from symconv.catalogue._common import K_PARAM, M_PARAM, N_RANGE, k, m, n, param, q, taps
from symconv.catalogue.entry import Entry, chain_from_script, grid
from symconv.derivation import Rule, Step
from symconv.errors import ParameterError
from symconv.operators import (
    Conv,
    ConvTranspose,
    Downsample,
    NearestUpsample,
    PhaseSum,
    Upsample,
)
from symconv.operators.polyphase import polyphase
from symconv.proof.symbolic import BoundedSymbol

__all__ = ["ENTRIES"]

#: The Noble identities hold row by row: substituting the index maps of ↑ₖ, ↓ₖ and the
#: convolution gives the same sum on both sides (what the symbolic tier checks).
_NOBLE_DOWN_ROWS = Rule(
    "compose-index-maps",
    "row i of both sides is Σᵤ hᵤ x[k(i − u)]: ↓ₖ keeps the outputs at multiples of k, "
    "where only the taps of ↑ₖh meet x",
    r"\text{row } i = \sum_u h_u\, x_{k(i-u)}",
)
_NOBLE_UP_ROWS = Rule(
    "compose-index-maps",
    "row i of both sides is [k | i] Σᵤ hᵤ x[i/k − u]: the taps of ↑ₖh, k apart, meet the "
    "samples of ↑ₖx only at multiples of k",
    r"\text{row } i = [k \mid i] \sum_u h_u\, x_{i/k-u}",
)


def _dilate(h: object, k: object) -> object:
    """↑ₖh of a concrete kernel or of a kernel family."""
    return h.dilated(k) if isinstance(h, kernels.KernelFamily) else kernels.dilate(h, k)


def _noble_down_sides(n: object, k: object, m: object) -> tuple:
    h = taps(m, "h")
    up = Conv(_dilate(h, k), n, "full")
    return (
        MatMul(Downsample(up.rows, k), up),
        MatMul(Conv(h, sizes.downsample_length(n, k), "full"), Downsample(n, k)),
    )


NOBLE_DOWN = Entry(
    name="noble-down",
    statement="↓ₖ((↑ₖh)∗x) = h∗(↓ₖx), full convolutions, x ∈ ℝⁿ, for all n, k, m >= 1",
    source="Vaidyanathan, Multirate Systems and Filter Banks (1993), the Noble identities",
    params=(param("n", 6, "signal length"), K_PARAM, M_PARAM),
    sides=_noble_down_sides,
    chain=lambda **v: [
        Step(_noble_down_sides(**v)[0]),
        Step(_noble_down_sides(**v)[1], _NOBLE_DOWN_ROWS),
    ],
    grid=lambda: grid(n=N_RANGE, k=range(1, 5), m=range(1, 6)),
    bounds="n ≤ 12, k ≤ 4, m ≤ 5",
    symbolic=lambda **_: (*_noble_down_sides(n, k, m), "for all n, k, m >= 1"),
)


def _noble_up_sides(n: object, k: object, m: object, e: object) -> tuple:
    if (sp.sympify(e) >= k) == sp.true:
        raise ParameterError("e", e, f"0 <= e < k = {k} (trailing zeros of ↑ₖ)")
    h = taps(m, "h")
    length = k * (n - 1) + 1 + e
    return (
        MatMul(Conv(_dilate(h, k), length, "full"), Upsample(n, k, length)),
        MatMul(Upsample(n + m - 1, k, k * (n + m - 2) + 1 + e), Conv(h, n, "full")),
    )


#: The trailing zeros e of both ↑ₖ, free with the statement's condition 0 <= e <= k − 1.
_trailing = BoundedSymbol("e", 0, k - 1, integer=True, nonnegative=True)

NOBLE_UP = Entry(
    name="noble-up",
    statement="(↑ₖh)∗(↑ₖx) = ↑ₖ(h∗x), full convolutions, for all n, k, m >= 1, when both ↑ₖ keep "
    "the same number e < k of trailing zeros (lengths k(n−1)+1+e and k(n+m−2)+1+e)",
    source="Vaidyanathan, Multirate Systems and Filter Banks (1993), the Noble identities",
    params=(
        param("n", 3, "signal length"),
        K_PARAM,
        M_PARAM,
        param("e", 0, "trailing zeros of ↑ₖ, e < k", 0),
    ),
    sides=_noble_up_sides,
    chain=lambda **v: [
        Step(_noble_up_sides(**v)[0]),
        Step(_noble_up_sides(**v)[1], _NOBLE_UP_ROWS),
    ],
    grid=lambda: grid(n=N_RANGE, k=range(1, 5), m=range(1, 6), e=range(0, 4)),
    bounds="n ≤ 12, k ≤ 4, m ≤ 5, every e < k",
    symbolic=lambda **_: (
        *_noble_up_sides(n, k, m, _trailing),
        "for all n, k, m >= 1 and every 0 <= e < k",
    ),
)


def _nearest_sides(n: object, k: object, m: object) -> tuple:
    kernel = taps(m)
    if isinstance(kernel, kernels.KernelFamily) or not sp.sympify(k).is_Integer:
        box = kernels.KernelConvolution(kernel, kernels.family("*", k))
    else:
        box = kernels.convolve(kernel, kernels.ones(k))
    return (
        MatMul(Conv(kernel, k * n, "full"), NearestUpsample(n, k)),
        ConvTranspose(box, n, 0, k),
    )


def _nearest_chain(n: object, k: int, m: int) -> list:
    lhs, rhs = _nearest_sides(n, k, m)
    return chain_from_script(
        lhs,
        [
            ("rule", "nearest-as-box"),
            ("rule", "conv-associative"),
            ("to", rhs, "conv-transpose-scatter"),
        ],
    )


NEAREST_UPSAMPLE_CONV = Entry(
    name="nearest-upsample-conv",
    statement="q∗(nearest up-sampling by k of x) = ConvTranspose(q∗1ₖ; stride k), "
    "for all n, k, m >= 1; "
    "e.g. k=2, m=3: q∗1₂ = (q₀, q₀+q₁, q₁+q₂, q₂)",
    source='Odena, Dumoulin & Olah, "Deconvolution and checkerboard artifacts" (Distill 2016)',
    params=(param("n", 3, "signal length"), K_PARAM, M_PARAM),
    sides=_nearest_sides,
    chain=_nearest_chain,
    grid=lambda: grid(n=N_RANGE, k=range(1, 5), m=range(1, 6)),
    bounds="n ≤ 12, k ≤ 4, m ≤ 5",
    general=lambda k, m, **_: (
        _nearest_chain(n, k, m),
        _nearest_sides(n, k, m)[1],
        f"for all n (k = {k}, m = {m})",
    ),
    symbolic=lambda **_: (*_nearest_sides(n, k, m), "for all n, k, m >= 1"),
)


def _subpixel_sides(n: object, m: int, s: int) -> tuple:
    return ConvTranspose(q(m), n, 0, s), polyphase(n, q(m), s)


_SHUFFLE = Rule(
    "polyphase",
    "q ∗ ↑ₛy = Σᵥ Shiftᵥ ↑ₛ(q[v::s] ∗ y): output z_{v+sw} only sees taps t ≡ v (mod s)",
    r"q*\uparrow_s = \sum_v S_v\uparrow_s (q_v *)",
)

_stride = sp.Symbol("s", integer=True, positive=True)

SUBPIXEL_CONV = Entry(
    name="subpixel-conv",
    statement="ConvTranspose(q; stride s) = Σᵥ Shiftᵥ ↑ₛ(q[v::s] ∗ y): the interleaving "
    "(pixel shuffle) "
    "of s stride-1 full convolutions with the polyphase kernels, for all n, m, s >= 1 "
    "(phases v >= m are zero and left out)",
    source='Shi et al. (2016), "Is the deconvolution layer the same as a convolutional layer?"',
    params=(param("n", 3, "input length"), param("m", 4, "kernel length"), param("s", 2, "stride")),
    sides=_subpixel_sides,
    chain=lambda n, m, s: [
        *chain_from_script(_subpixel_sides(n, m, s)[0], [("rule", "conv-transpose-scatter")]),
        Step(_subpixel_sides(n, m, s)[1], _SHUFFLE),
    ],
    grid=lambda: grid(n=N_RANGE, m=range(1, 6), s=range(1, 5)),
    bounds="n ≤ 12, m ≤ 5, s ≤ 4",
    symbolic=lambda **_: (
        ConvTranspose(taps(m), n, 0, _stride),
        PhaseSum(taps(m), n, _stride),
        "for all n, m, s >= 1 (the s phases summed with the phase a bound index; "
        "phases v >= m have no taps)",
    ),
)

ENTRIES = (NOBLE_DOWN, NOBLE_UP, NEAREST_UPSAMPLE_CONV, SUBPIXEL_CONV)
