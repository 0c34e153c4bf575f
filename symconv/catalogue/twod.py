"""The 2-D forms of catalogue identities, for images flattened channel-major, row-major.

The entry ``transposed-conv-as-direct-conv-2d``, and the rank-2 sides of the entries
stated for signals and images alike (``--rank 2`` of subpixel-conv, checkerboard-overlap
and nearest-upsample-conv, whose entries live with their 1-D forms):

- ``transposed-conv-as-direct-conv-2d``: the framework 2-D transposed conv (per-axis
  stride, padding, dilation and output padding; channels and groups) is a stride-1
  correlation with the spatially flipped, dilated kernel, its two channel axes swapped
  per group, over the input with s − 1 zeros between samples and bordered by
  (d(m−1) − lo, d(m−1) − hi + a) on each axis.
- ``subpixel-conv``: a strided 2-D transposed conv is the pixel shuffle of
  s₁·s₂ stride-1 convolutions with the polyphase kernels q[u::s₁, v::s₂].
- ``checkerboard-overlap``: the overlap counts are the outer product of the
  1-D counts; uniform in the interior iff s divides m on each axis.
- ``nearest-upsample-conv``: nearest-neighbour up-sampling by (k₁, k₂), then
  a 2-D convolution with q, is the transposed conv with kernel q ∗ 1_{k₁×k₂}.

Every entry is checked exactly at concrete sizes (:mod:`symconv.proof.tiers`),
numerically against the reference oracle (:mod:`symconv.proof.oracle`), and with
symbolic spatial sizes by the per-axis index maps of
:func:`symconv.proof.symbolic.entrywise_equal_nd`.

Examples
--------
>>> overlap_2d((3, 3), (2, 2), (2, 2))
[[1, 1, 2, 1, 1], [1, 1, 2, 1, 1], [2, 2, 4, 2, 2], [1, 1, 2, 1, 1], [1, 1, 2, 1, 1]]
>>> interior_uniform_2d((4, 3), (2, 3)), interior_uniform_2d((4, 3), (2, 2))
(True, False)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence

import sympy as sp
from sympy.matrices.expressions import Identity, KroneckerProduct, MatMul, Transpose
from sympy.tensor.array import ImmutableDenseNDimArray

from symconv import kernels, sizes
from symconv.catalogue._common import param
from symconv.catalogue.entry import Entry, Param, argued
from symconv.catalogue.transposed import fractional_frame
from symconv.derivation import Rule, Step, Tier, TierResult
from symconv.errors import ParameterError
from symconv.matrices import sparse_matrix
from symconv.operators import ConvTranspose, NearestUpsample
from symconv.operators.channels import (
    ConvTransposeNd,
    CorrNd,
    WeightFamily,
    conv_nd,
    weight_tensor,
)
from symconv.proof.rules import mul
from symconv.proof.symbolic import entrywise_equal_nd

__all__ = ["ENTRIES", "interior_uniform_2d", "overlap_2d"]

Pair = tuple[int, int]


def _pair(name: str, default: object, text: str, minimum: int = 1) -> Param:
    return Param(name, default, text, minimum, axes=2)


def kernel_2d(name: str, shape: Pair) -> list[list[sp.Symbol]]:
    """A general (non-separable) symbolic 2-D kernel: ``q_a_b`` at row a, column b."""
    return [[sp.Symbol(f"{name}_{a}_{b}") for b in range(shape[1])] for a in range(shape[0])]


def single_channel(q: Sequence[Sequence[object]]) -> ImmutableDenseNDimArray:
    """A single-channel weight (1, 1, kh, kw) from a 2-D kernel."""
    return ImmutableDenseNDimArray([v for row in q for v in row], (1, 1, len(q), len(q[0])))


def _kron(*factors: sp.MatrixExpr) -> sp.MatrixExpr:
    """A Kronecker product, or the identity when every factor is one (SymPy would merge them)."""
    if all(isinstance(f, Identity) for f in factors):
        return Identity(sp.Mul(*(f.rows for f in factors)))
    return KroneckerProduct(*factors)


def _ones(n: object) -> sp.MatrixExpr:
    """The column of ones: explicit at a concrete size, ``OneMatrix`` at a symbolic one."""
    n = sp.sympify(n)
    return sp.ImmutableMatrix([1] * int(n)) if n.is_Integer else sp.OneMatrix(n, 1)


def symbols_2d(*names: str) -> tuple[tuple[sp.Symbol, sp.Symbol], ...]:
    """Per-axis positive integer symbols: ``symbols_2d("n", "m")`` is ((n_1, n_2), (m_1, m_2))."""
    return tuple(sp.symbols(f"{x}_1 {x}_2", integer=True, positive=True) for x in names)


def _sides_argued(
    sides: tuple, params: Sequence[Param], values: dict, condition: str = ""
) -> TierResult:
    """Both sides compared row by row by the N-D symbolic tier; the scope derived from them.

    A parameter is free only when its per-axis symbols occur in the sides compared
    (:func:`~symconv.catalogue.entry.argued`), never because the entry says so.
    """
    holds, detail = entrywise_equal_nd(*sides, 2)
    return argued(Tier.SYMBOLIC, [(holds, condition + detail, sides)], params, values)


def _smallest_input(valid: Callable[[int], bool]) -> int:
    return next(n for n in range(1, 64) if valid(n))


# --- transposed-conv-as-direct-conv-2d ------------------------------------------


def direct_weight(weight: ImmutableDenseNDimArray, groups: int, dilation: Pair) -> list:
    """The direct conv's weight: each kernel flipped and dilated, channel axes swapped per group.

    ``weight`` is the transposed conv's (C_in, C_out/groups, kh, kw); the result is
    the stride-1 correlation's (C_out, C_in/groups, d₁(kh−1)+1, d₂(kw−1)+1).
    """
    c_in, c_out_g, kh, kw = weight.shape
    c_in_g = c_in // groups
    span = [d * (m - 1) for d, m in zip(dilation, (kh, kw))]
    shape = (c_out_g * groups, c_in_g, span[0] + 1, span[1] + 1)
    out = [
        [[[0] * shape[3] for _ in range(shape[2])] for _ in range(c_in_g)] for _ in range(shape[0])
    ]
    for g, c, o, t1, t2 in itertools.product(
        range(groups), range(c_in_g), range(c_out_g), range(kh), range(kw)
    ):
        r, col = span[0] - dilation[0] * t1, span[1] - dilation[1] * t2
        out[g * c_out_g + o][c][r][col] = weight[g * c_in_g + c, o, t1, t2]
    return out


def _direct_sides(
    n: Pair,
    m: Pair,
    s: Pair,
    lo: Pair,
    hi: Pair,
    d: Pair,
    a: Pair,
    cin: int,
    cout: int,
    groups: int,
) -> tuple:
    if any(ak >= sk for ak, sk in zip(a, s)):
        raise ParameterError("a", a, f"0 <= a < s = {s} on each axis")
    # Per axis: the input spread by ↑ₛ, then bordered.
    framed, spread = zip(*(fractional_frame(*axis) for axis in zip(n, m, s, lo, hi, d, a)))
    if cin % groups or cout % groups:
        raise ParameterError("groups", groups, f"a divisor of cin = {cin} and cout = {cout}")
    weight = weight_tensor("w", (cin, cout // groups, *m))
    lhs = ConvTransposeNd(weight, n, tuple(zip(lo, hi)), s, d, a, groups)
    channel = [Identity(cin)] if cin > 1 else []
    direct = CorrNd(direct_weight(weight, groups, d), tuple(f.rows for f in framed), groups=groups)
    return lhs, mul(direct, _kron(*channel, *framed), _kron(*channel, *spread))


_DIRECT_DEFAULTS = dict(n=(2, 2), m=(3, 3), s=(2, 2), lo=(0, 0), hi=(0, 0), d=(1, 1), a=(0, 0))

_DEFINITION = Rule(
    "conv-transpose-nd-definition",
    "ConvTransposeNd(w) = CorrNd(w)ᵀ, the forward layer on the output size",
    r"T = C^{\mathsf{T}}",
)
_DIRECT_FORM = Rule(
    "direct-form-2d",
    "on each axis: s − 1 zeros between samples, border (d(m−1) − lo, d(m−1) − hi + a), "
    "stride-1 correlation with the flipped, dilated kernel; channel axes swapped per group",
    r"\text{fractionally strided form}",
)


def _direct_chain(**values: object) -> list:
    lhs, rhs = _direct_sides(**values)
    forward = CorrNd(lhs.weight, lhs.output_size, lhs.padding, lhs.stride, lhs.dilation, lhs.groups)
    return [Step(lhs), Step(Transpose(forward), _DEFINITION), Step(rhs, _DIRECT_FORM)]


def _direct_minimum(m: Pair, s: Pair, lo: Pair, hi: Pair, d: Pair, a: Pair) -> Pair:
    return tuple(
        _smallest_input(
            lambda n, k=k: (
                sizes.conv_transpose_length(n, m[k], (lo[k], hi[k]), s[k], d[k], a[k]) >= 1
            )
        )
        for k in range(2)
    )


def _direct_symbolic(**values: object) -> tuple[list, tuple[TierResult, ...]]:
    """The spatial sizes symbolic, n_k >= the smallest size with a non-empty output.

    Kernel size, stride, borders, dilation, output padding and channels stay at the
    given values (the weight is a tensor of those concrete shapes), so the derived
    scope fixes them: this tier does not make the entry proven.
    """
    args = {k: values[k] for k in ("m", "s", "lo", "hi", "d", "a")}
    minimum = _direct_minimum(**args)
    n = tuple(nk + c - 1 for nk, c in zip(symbols_2d("n")[0], minimum))
    condition = f"n₁ >= {minimum[0]}, n₂ >= {minimum[1]}: "
    sides = _direct_sides(**{**values, "n": n})
    return [], (_sides_argued(sides, _DIRECT_PARAMS, values, condition),)


#: Per-axis configurations (n, m, s, lo, hi, d, a) of the exhaustive grid: examples 2 and 3 of
#: daved01/deconvolutions, strides 1–3, dilation 2, every a < s, borders that pad, vanish and
#: crop (m = 1 with lo = 1).
DIRECT_AXES = (
    (2, 3, 1, 0, 0, 1, 0),
    (2, 3, 2, 0, 0, 1, 0),
    (3, 2, 2, 1, 0, 1, 1),
    (2, 3, 2, 1, 1, 1, 1),
    (3, 1, 3, 0, 1, 1, 2),
    (2, 2, 1, 0, 0, 2, 0),
    (3, 2, 2, 2, 0, 2, 0),
    (2, 1, 2, 1, 0, 1, 0),
    (4, 3, 3, 2, 2, 1, 1),
    (1, 3, 2, 0, 0, 1, 1),
)
#: (cin, cout, groups) layouts checked on a few axis pairs.
DIRECT_CHANNELS = ((2, 1, 1), (1, 2, 1), (2, 2, 2), (2, 4, 2), (4, 2, 2))
_CHANNEL_AXIS_PAIRS = ((1, 1), (2, 5), (3, 0), (9, 4))


def _axes_values(first: tuple, second: tuple) -> dict:
    keys = ("n", "m", "s", "lo", "hi", "d", "a")
    return {k: (x, y) for k, x, y in zip(keys, first, second)}


def _direct_grid() -> Iterator[dict]:
    for first, second in itertools.product(DIRECT_AXES, repeat=2):
        yield {**_axes_values(first, second), "cin": 1, "cout": 1, "groups": 1}
    for (cin, cout, groups), (i, j) in itertools.product(DIRECT_CHANNELS, _CHANNEL_AXIS_PAIRS):
        values = _axes_values(DIRECT_AXES[i], DIRECT_AXES[j])
        yield {**values, "cin": cin, "cout": cout, "groups": groups}


_DIRECT_PARAMS = (
    _pair("n", (2, 2), "input size (H, W)"),
    _pair("m", (3, 3), "kernel size (kh, kw)"),
    _pair("s", (2, 2), "stride per axis"),
    _pair("lo", (0, 0), "padding at the start, per axis", 0),
    _pair("hi", (0, 0), "padding at the end, per axis", 0),
    _pair("d", (1, 1), "dilation per axis"),
    _pair("a", (0, 0), "output padding per axis, a < s", 0),
    param("cin", 1, "input channels of the transposed conv"),
    param("cout", 1, "output channels of the transposed conv"),
    param("groups", 1, "groups (divides cin and cout)"),
)

TRANSPOSED_CONV_AS_DIRECT_CONV_2D = Entry(
    name="transposed-conv-as-direct-conv-2d",
    statement="ConvTransposeNd(w; per axis s, lo, hi, d, a; groups) on (n₁, n₂) = stride-1 "
    "CorrNd with each kernel flipped on both axes and dilated, channel axes swapped per group, "
    "of the input with s−1 zeros between samples on each axis, bordered by "
    "(d(m−1)−lo, d(m−1)−hi+a) per axis (negative: crop); for all n₁, n₂ with a non-empty output",
    source='daved01/deconvolutions README (examples 2 and 3, "fractionally strided"); '
    "Dumoulin & Visin (2016), relationships 8–14",
    params=_DIRECT_PARAMS,
    sides=_direct_sides,
    chain=_direct_chain,
    grid=_direct_grid,
    bounds=f"all {len(DIRECT_AXES) ** 2} ordered pairs of {len(DIRECT_AXES)} per-axis "
    "configurations (n ≤ 4, m ≤ 3, s ≤ 3, d ≤ 2, lo, hi ≤ 2, a < s; borders that pad, "
    "vanish and crop) with a general 3×3 symbolic kernel, and (cin, cout, groups) in "
    f"{', '.join(map(str, DIRECT_CHANNELS))} on {len(_CHANNEL_AXIS_PAIRS)} axis pairs",
    extra=_direct_symbolic,
    numeric_every=4,
)


def readme_example(number: int) -> tuple:
    """The deconvolutions README's 2-D examples 2 and 3 as instances: ``(lhs, rhs)``.

    Example 2: (2, 2) zero-padded by 2 to (6, 6), 3×3 conv → (4, 4), the transpose of
    the (4, 4) → (2, 2) conv. Example 3 ("stride ½"): (2, 2) padded between and around
    to (7, 7), 3×3 conv → (5, 5), the transpose of the stride-2 conv (5, 5) → (2, 2).
    """
    if number not in (2, 3):
        raise ParameterError("number", number, "2 or 3")
    values = {**_DIRECT_DEFAULTS, "s": (number - 1,) * 2, "cin": 1, "cout": 1, "groups": 1}
    return _direct_sides(**values)


# --- checkerboard-overlap at rank 2 ----------------------------------------------------------


def _count_1d(n: object, m: object, s: object) -> sp.MatrixExpr:
    ones = kernels.ones(m) if sp.sympify(m).is_Integer else kernels.family("*", m)
    return MatMul(ConvTranspose(ones, n, 0, s), _ones(n))


def checkerboard_sides(n: Pair, m: Pair, s: Pair) -> tuple:
    if all(sp.sympify(mk).is_Integer for mk in m):
        ones = single_channel([[1] * m[1] for _ in range(m[0])])
    else:
        ones = WeightFamily("*", m)
    lhs = MatMul(ConvTransposeNd(ones, n, stride=s), KroneckerProduct(_ones(n[0]), _ones(n[1])))
    rhs = KroneckerProduct(*(_count_1d(nk, mk, sk) for nk, mk, sk in zip(n, m, s)))
    return lhs, rhs


def overlap_2d(m: Pair, s: Pair, n: Pair) -> list[list[int]]:
    """The overlap count of every output of the 2-D transposed conv with an all-ones kernel."""
    op = checkerboard_sides(n, m, s)[0].args[0]
    # Row sums of the exact sparse matrix (the transposed conv applied to all-ones).
    dod = sparse_matrix(op).rep.to_dod()
    counts = [int(sum(dod.get(i, {}).values())) for i in range(int(op.rows))]
    width = s[1] * (n[1] - 1) + m[1]
    return [counts[r : r + width] for r in range(0, len(counts), width)]


def interior_uniform_2d(m: Pair, s: Pair) -> bool:
    """Whether the counts are equal at every output that every tap reaches from inside."""
    # ⌈m/s⌉ + 2 inputs leave an interior of more than s outputs per axis: every phase.
    n = tuple(-(-mk // sk) + 2 for mk, sk in zip(m, s))
    counts = overlap_2d(m, s, n)
    rows = range(m[0] - 1, s[0] * (n[0] - 1) + 1)
    cols = range(m[1] - 1, s[1] * (n[1] - 1) + 1)
    return len({counts[r][c] for r in rows for c in cols}) == 1


_OUTER = Rule(
    "overlap-outer-product",
    "the 2-D all-ones transposed conv of all-ones counts taps per axis: the outer product "
    "of the 1-D counts 1ₘ ∗ (↑ₛ1ₙ)",
    r"c_{2D} = c_1 \otimes c_2",
)


def checkerboard_chain(n: Pair, m: Pair, s: Pair) -> list:
    lhs, rhs = checkerboard_sides(n, m, s)
    counts = overlap_2d(m, s, n)
    values = sorted({v for row in counts for v in row})
    uniform = interior_uniform_2d(m, s)
    divides = " and ".join(f"s{k + 1} {'|' if m[k] % s[k] == 0 else '∤'} m{k + 1}" for k in (0, 1))
    return [
        Step(lhs),
        Step(rhs, _OUTER),
        Step(
            sp.ImmutableMatrix([v for row in counts for v in row]),
            Rule("evaluate", "the exact counts", r"\text{counts}"),
            note=f"overlap counts {counts} (values {values}); interior "
            f"{'uniform' if uniform else 'not uniform'} ({divides})",
        ),
    ]


def checkerboard_uniformity(m_range: range, s_range: range) -> tuple[bool, str, tuple]:
    """The rank-2 claim "interior uniform iff s | m on both axes": exactly at every
    combination of the ranges, and by the count argument with every size symbolic.

    Returns ``(exact at every combination, words, (symbolic holds, expressions))``.
    """
    checked = [
        (m1, s1, m2, s2)
        for m1, m2 in itertools.product(m_range, repeat=2)
        for s1, s2 in itertools.product(s_range, repeat=2)
    ]
    exhaustive = all(
        interior_uniform_2d((m1, m2), (s1, s2)) == (m1 % s1 == 0 and m2 % s2 == 0)
        for m1, s1, m2, s2 in checked
    )
    words = (
        f"interior uniform ⟺ s₁ | m₁ and s₂ | m₂ at all {len(checked)} combinations "
        f"m ≤ {m_range[-1]}, s ≤ {s_range[-1]} per axis (exact 2-D counts)"
    )
    return exhaustive, words, uniform_iff_divides_2d(*symbols_2d("n", "m", "s"))


UNIFORM_2D = (
    "on each axis an interior output of phase v receives c(v) = ⌈(m − v)/s⌉ taps (every "
    "tap on an input; the taps of phase v counted), so interior phase (v₁, v₂) receives "
    "c₁(v₁)·c₂(v₂); with m = s·u + r per axis (u = ⌊m/s⌋, 0 <= r < s), c(v) = u + ⌈(r − v)/s⌉; "
    "r₁ = r₂ = 0 gives u₁u₂ at every phase, and r₁ >= 1 gives phases (0, 0) and (r₁, 0) the "
    "counts c₁(0)c₂(0) > c₁(r₁)c₂(0) (c₁(0) − c₁(r₁) > 0 and c₂(0) = ⌈m₂/s₂⌉ > 0), likewise "
    "r₂ >= 1: uniform iff s divides m on both axes (once the interior spans s outputs per axis)"
)


def uniform_iff_divides_2d(
    n: Sequence[sp.Expr], m: Sequence[sp.Expr], s: Sequence[sp.Expr]
) -> tuple[bool, tuple]:
    """The count argument of :data:`UNIFORM_2D` with every size, factor and phase symbolic.

    Returns whether every step was shown, and the expressions the steps checked.

    Examples
    --------
    >>> uniform_iff_divides_2d(*symbols_2d("n", "m", "s"))[0]
    True
    """
    from symconv.catalogue.checkerboard import interior_count
    from symconv.proof.symbolic import BoundedSymbol, canonical_size, surely_positive

    u = sp.symbols("u_1 u_2", integer=True)
    v = [BoundedSymbol(f"v_{a + 1}", 0, s[a] - 1, integer=True, nonnegative=True) for a in (0, 1)]

    def count(axis: int, r: sp.Expr, phase: sp.Expr) -> sp.Expr:
        return sp.ceiling((s[axis] * u[axis] + r - phase) / s[axis])

    shown, exprs = True, []
    for axis in (0, 1):
        interior, counted = interior_count(n[axis], m[axis], s[axis], f"_{axis + 1}")
        # Every m is s·u + r with u = ⌊m/s⌋, 0 <= r = m mod s < s: the cases cover all m.
        split = s[axis] * sp.floor(m[axis] / s[axis]) + sp.Mod(m[axis], s[axis]) - m[axis]
        shown &= interior and sp.simplify(split.rewrite(sp.floor)) == 0
        exprs += [*counted, split]
    both = count(0, 0, v[0]) * count(1, 0, v[1]) - u[0] * u[1]
    shown &= canonical_size(both) == 0
    exprs.append(both)
    for axis in (0, 1):
        other = 1 - axis
        r = BoundedSymbol(f"r_{axis + 1}", 1, s[axis] - 1, integer=True, positive=True)
        # (c(0) − c(r))·c_other(0): the first factor > 0, and c_other(0) = ⌈m/s⌉ > 0.
        differs, other_count = (
            count(axis, r, 0) - count(axis, r, r),
            sp.ceiling(m[other] / s[other]),
        )
        shown &= surely_positive(differs) and surely_positive(other_count)
        exprs += [differs, other_count]
    return bool(shown), tuple(exprs)


# --- nearest-upsample-conv at rank 2 ------------------------------------------------


def box_kernel(q: Sequence[Sequence[object]], k: Pair) -> list[list[sp.Expr]]:
    """q ∗ 1_{k₁×k₂}: the full 2-D convolution of q with the k₁×k₂ box, expanded."""
    rows = [kernels.convolve(row, kernels.ones(k[1])) for row in q]
    columns = [kernels.convolve(col, kernels.ones(k[0])) for col in zip(*rows)]
    return [list(row) for row in zip(*columns)]


def nearest_sides(n: Pair, k: Pair, m: Pair) -> tuple:
    """Both sides of ``nearest-upsample-conv`` on images; symbolic factors and kernel sizes
    give a :class:`~symconv.operators.channels.WeightFamily` q[u₁, u₂] and its box q ∗
    1_{k₁×k₂} (per axis the base tap and a bound offset into the box), nearest
    up-sampling read through a bound remainder."""
    nearest = KroneckerProduct(*(NearestUpsample(nk, kk) for nk, kk in zip(n, k)))
    if all(sp.sympify(x).is_Integer for x in (*m, *k)):
        q = kernel_2d("q", m)
        box = single_channel(box_kernel(q, k))
    else:  # kernel sizes and factors symbolic: a weight family and its box
        q = WeightFamily("q", m)
        box = q.box(k)
    lhs = MatMul(conv_nd(q, tuple(kk * nk for nk, kk in zip(n, k)), "full"), nearest)
    return lhs, ConvTransposeNd(box, n, stride=k)


#: The rank-2 rule of ``nearest-upsample-conv``.
NEAREST_2D = Rule(
    "nearest-as-box-2d",
    "nearest up-sampling by (k₁, k₂) = 1_{k₁×k₂} ∗ (↑ₖ y); then q ∗ (1 ∗ ↑ₖy) = (q ∗ 1) ∗ ↑ₖy, "
    "the transposed conv with kernel q ∗ 1_{k₁×k₂}",
    r"q * N_k = (q * 1_{k\times k}) * \uparrow_k",
)


def nearest_chain(n: Pair, k: Pair, m: Pair) -> list:
    lhs, rhs = nearest_sides(n, k, m)
    return [Step(lhs), Step(rhs, NEAREST_2D)]


ENTRIES = (TRANSPOSED_CONV_AS_DIRECT_CONV_2D,)
