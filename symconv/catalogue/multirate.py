"""Multirate identities: the Noble identities, nearest-neighbour up-sampling, sub-pixel conv."""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatMul

from symconv import kernels, sizes
from symconv.catalogue import twod
from symconv.catalogue._common import (
    K_PARAM,
    M_PARAM,
    N_RANGE,
    axis_values,
    k,
    m,
    n,
    param,
    ranked_grid,
    ranked_params,
    taps,
)
from symconv.catalogue.entry import Entry, chain_from_script, grid
from symconv.derivation import Rule, Step
from symconv.errors import ParameterError
from symconv.operators.channels import ConvTransposeNd, WeightFamily
from symconv.operators.convolution import Conv, ConvTranspose
from symconv.operators.polyphase import PhaseSum, polyphase
from symconv.operators.sampling import Downsample, NearestUpsample, Upsample
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


def _nearest_sides(n: object, k: object, m: object, rank: int = 1) -> tuple:
    if rank > 1:
        return twod.nearest_sides(*(axis_values(x, rank) for x in (n, k, m)))
    kernel = taps(m)
    if isinstance(kernel, kernels.KernelFamily) or not sp.sympify(k).is_Integer:
        box = kernels.KernelConvolution(kernel, kernels.family("*", k))
    else:
        box = kernels.convolve(kernel, kernels.ones(k))
    return (
        MatMul(Conv(kernel, k * n, "full"), NearestUpsample(n, k)),
        ConvTranspose(box, n, 0, k),
    )


def _nearest_chain(n: object, k: object, m: object, rank: int = 1) -> list:
    if rank > 1:
        return twod.nearest_chain(n, k, m)
    lhs, rhs = _nearest_sides(n, k, m)
    return chain_from_script(
        lhs,
        [
            ("rule", "nearest-as-box"),
            ("rule", "conv-associative"),
            ("to", rhs, "conv-transpose-scatter"),
        ],
    )


def _all_symbolic(rank: int, *names: str) -> list:
    """One positive integer symbol per name (rank 1) or per name and axis (n_1, n_2, …)."""
    if rank == 1:
        return [sp.Symbol(x, integer=True, positive=True) for x in names]
    return [sp.symbols(f"{x}_1:{rank + 1}", integer=True, positive=True) for x in names]


NEAREST_UPSAMPLE_CONV = Entry(
    name="nearest-upsample-conv",
    statement="q∗(nearest up-sampling by k of x) = ConvTranspose(q∗1ₖ; stride k), "
    "for all n, k, m >= 1; "
    "e.g. k=2, m=3: q∗1₂ = (q₀, q₀+q₁, q₁+q₂, q₂); on images (rank 2) q∗(nearest "
    "up-sampling by (k₁, k₂) of y) = ConvTransposeNd(q∗1_{k₁×k₂}; stride k), full 2-D "
    "convolution, for all n₁, n₂, k₁, k₂ >= 1 and every kh×kw kernel",
    source='Odena, Dumoulin & Olah, "Deconvolution and checkerboard artifacts" (Distill 2016)',
    params=ranked_params(
        ("n", 3, "signal length", (2, 2)),
        ("k", 2, "sampling factor", (2, 2)),
        ("m", 3, "kernel length", (3, 3)),
    ),
    sides=_nearest_sides,
    chain=_nearest_chain,
    grid=ranked_grid(
        {"n": N_RANGE, "k": range(1, 5), "m": range(1, 6)},
        {"n": [(2, 3)], "k": range(1, 4), "m": range(1, 4)},
    ),
    general=lambda k, m, **_: (
        _nearest_chain(n, k, m),
        _nearest_sides(n, k, m)[1],
        f"for all n (k = {k}, m = {m})",
    ),
    symbolic=lambda rank, **_: (
        *_nearest_sides(*_all_symbolic(rank, "n", "k", "m"), rank=rank),
        "for all n, k, m >= 1 (every kernel)",
    ),
)


def _subpixel_sides(n: object, m: object, s: object, rank: int = 1) -> tuple:
    """Both sides on ``rank`` axes: the explicit phase sum at concrete kernel sizes and
    strides, else the :class:`PhaseSum` with one bound phase per axis."""
    concrete = all(sp.sympify(x).is_Integer for x in (*axis_values(m, rank), *axis_values(s, rank)))
    if rank == 1:
        kernel = taps(m)
        lhs = ConvTranspose(kernel, n, 0, s)
    else:  # a general (non-separable) kernel q[u₁, u₂]
        kernel = twod.kernel_2d("q", m) if concrete else WeightFamily("q", m)
        lhs = ConvTransposeNd(twod.single_channel(kernel) if concrete else kernel, n, stride=s)
    return lhs, polyphase(n, kernel, s) if concrete else PhaseSum(kernel, n, s)


_SHUFFLE = Rule(
    "polyphase",
    "q ∗ ↑ₛy = Σᵥ Shiftᵥ ↑ₛ(q[v::s] ∗ y): output z_{v+sw} only sees taps t ≡ v (mod s)",
    r"q*\uparrow_s = \sum_v S_v\uparrow_s (q_v *)",
)
_SHUFFLE_2D = Rule(
    "polyphase-2d",
    "q ∗ ↑ₛy = Σ_{u,v} Shift_{u,v} ↑ₛ(q[u::s₁, v::s₂] ∗ y): output (u + s₁w₁, v + s₂w₂) only "
    "sees the taps t ≡ (u, v) (mod s)",
    r"q*\uparrow_s = \sum_{u,v} S_{u,v}\uparrow_s (q_{u,v} *)",
)


def _subpixel_chain(n: object, m: object, s: object, rank: int = 1) -> list:
    lhs, rhs = _subpixel_sides(n, m, s, rank)
    if rank == 1:
        return [*chain_from_script(lhs, [("rule", "conv-transpose-scatter")]), Step(rhs, _SHUFFLE)]
    return [Step(lhs), Step(rhs, _SHUFFLE_2D)]


def _subpixel_symbolic(rank: int, **_: object) -> tuple:
    """Every size, kernel size and stride symbolic on each axis (n, m, s or n_k, m_k, s_k)."""
    sides = _subpixel_sides(*_all_symbolic(rank, "n", "m", "s"), rank=rank)
    return (*sides, "every kernel; phases beyond the kernel have no taps")


_SUBPIXEL_STRIDES = ((1, 1), (2, 2), (3, 3), (2, 3))

SUBPIXEL_CONV = Entry(
    name="subpixel-conv",
    statement="ConvTranspose(q; stride s) = Σᵥ Shiftᵥ ↑ₛ(q[v::s] ∗ y): the interleaving "
    "(pixel shuffle) of the stride-1 full convolutions with the polyphase kernels q[v::s], "
    "for all n, m, s >= 1; on images (rank 2, per axis s₁, s₂) the s₁·s₂ phases "
    "q[u::s₁, v::s₂] of a general kh×kw kernel, ConvTransposeNd(q; stride (s₁, s₂)) = "
    "Σ_{u,v} Shift_{u,v} ↑ₛ(q[u::s₁, v::s₂] ∗ y), for all n₁, n₂, m₁, m₂, s₁, s₂ >= 1 "
    "(phases beyond the kernel are zero and left out)",
    source='Shi et al. (2016), "Is the deconvolution layer the same as a convolutional layer?"',
    params=ranked_params(
        ("n", 3, "input length", (2, 2)),
        ("m", 4, "kernel length", (4, 4)),
        ("s", 2, "stride", (2, 2)),
    ),
    sides=_subpixel_sides,
    chain=_subpixel_chain,
    grid=ranked_grid(
        {"n": N_RANGE, "m": range(1, 6), "s": range(1, 5)},
        {"n": [(2, 3)], "m": range(1, 5), "s": _SUBPIXEL_STRIDES},
    ),
    # The ranges printed per axis are a hull: at rank 2 only these stride pairs are checked.
    bounds="at rank 2 the strides " + ", ".join(map(str, _SUBPIXEL_STRIDES)) + " only",
    symbolic=_subpixel_symbolic,
)

ENTRIES = (NOBLE_DOWN, NOBLE_UP, NEAREST_UPSAMPLE_CONV, SUBPIXEL_CONV)
