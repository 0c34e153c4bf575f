"""The symbolic tier with every parameter free: kernels of symbolic length, bounded parameters.

Each catalogue entry whose symbolic tier is now free in all its parameters is
checked three ways here: the tier passes and every parameter occurs as a free
symbol of the sides it used; wrong variants (off-by-one borders or paddings, a
wrong length range, a wrong stride) are *not* proven by the same machinery; and
the operators built on a kernel of symbolic length agree, once the sizes are
substituted, with the operators built on concrete taps (an independent check of
the index maps the tier reasons about).
"""

from __future__ import annotations

import itertools

import pytest
import sympy as sp
from sympy import Identity, MatMul

from symconv import Conv, ConvTranspose, Corr, Downsample, SymconvError, Upsample, catalogue
from symconv.catalogue._common import at_least
from symconv.kernels import KernelConvolution, KernelFamily, family
from symconv.operators import MultiplesProjector, PhaseSum
from symconv.proof.rules import border, mul
from symconv.proof.symbolic import (
    BoundedSymbol,
    bounded,
    canonical_size,
    entrywise_equal,
    entrywise_equal_nd,
    surely_positive,
)

n, k, m, s, d = sp.symbols("n k m s d", integer=True, positive=True)
lo, hi, a = sp.symbols("lo hi a", integer=True, nonnegative=True)
q = family("q", m)

#: Entries whose symbolic tier is free in every parameter of the entry.
ALL_PARAMETERS = [
    "up-down-transpose",
    "transposed-conv-as-transpose",
    "conv-transpose-is-correlation",
    "transposed-conv-as-direct-conv",
    "strided-conv",
    "dilated-conv",
    "down-up-identity",
    "up-down-projector",
    "noble-down",
    "noble-up",
    "checkerboard-overlap",
    "conv-associative",
    "nearest-upsample-conv",
    "subpixel-conv",
]


def _choices(entry) -> list[dict]:
    """Every combination of the entry's choice parameters (a mode is not a symbol)."""
    choices = [p for p in entry.params if p.choices]
    return [
        dict(zip((p.name for p in choices), combo))
        for combo in itertools.product(*(p.choices for p in choices))
    ]


@pytest.mark.parametrize("name", ALL_PARAMETERS)
def test_symbolic_tier_is_free_in_every_parameter(name: str) -> None:
    entry = catalogue.get(name)
    for choice in _choices(entry):
        values = entry.resolve(**choice)
        lhs, rhs, scope = entry.symbolic(**values)
        free = {str(x) for x in lhs.free_symbols | rhs.free_symbols}
        axes = values.get("rank", 1)  # n at rank 1; n_1, n_2 at rank 2
        names = {
            f"{p.name}_{a + 1}" if p.per_axis and axes > 1 else p.name
            for p in entry.params
            if not p.choices
            for a in range(axes if p.per_axis else 1)
        }
        assert names <= free, (free, scope)
        result = entry.symbolic_tier(**values)
        assert result.passed, (choice, result.detail)


# --- soundness: the wrong variants are not proven ----------------------------------------


def _not_shown(lhs: sp.Basic, rhs: sp.Basic) -> None:
    holds, detail = entrywise_equal(lhs, rhs)
    assert not holds, detail


def test_down_up_needs_the_stated_length_range() -> None:
    good = bounded("length", k * (n - 1) + 1, k * n)
    assert entrywise_equal(MatMul(Downsample(good, k), Upsample(n, k, good)), Identity(n))[0]
    # One too short: ↓ₖ on ℝ^{k(n−1)} has only n − 1 rows.
    short = bounded("length", k * (n - 1), k * n)
    _not_shown(MatMul(Downsample(short, k), Upsample(n, k, short)), Identity(n))
    # One too long: ⌈N/k⌉ = n + 1 at N = k·n + 1.
    long = bounded("length", k * (n - 1) + 1, k * n + 1)
    _not_shown(MatMul(Downsample(long, k), Upsample(n, k, long)), Identity(n))
    # No condition at all.
    free = sp.Symbol("length", integer=True, positive=True)
    _not_shown(MatMul(Downsample(free, k), Upsample(n, k, free)), Identity(n))


def test_up_down_projector_is_not_the_identity() -> None:
    N = bounded("length", k * (n - 1) + 1, k * n)
    product = MatMul(Upsample(n, k, N), Downsample(N, k))
    assert entrywise_equal(product, MultiplesProjector(N, k))[0]
    _not_shown(product, Identity(N))
    _not_shown(product, MultiplesProjector(N, k + 1))


def test_strided_conv_wrong_variants() -> None:
    size = at_least("n", m - lo - hi)
    inner = Corr(q, size, (lo, hi))
    assert entrywise_equal(Corr(q, size, (lo, hi), s), MatMul(Downsample(inner.rows, s), inner))[0]
    # Without the condition n + lo + hi >= m, Corr does not exist for every n: not claimed.
    plain = Corr(q, n, (lo, hi))
    holds, why = entrywise_equal(Corr(q, n, (lo, hi), s), MatMul(Downsample(plain.rows, s), plain))
    assert not holds and "not shown to exist" in why
    # The same total padding split one off: same shapes, shifted columns.
    size = at_least("n", m - lo - hi - 1)
    shifted = Corr(q, size, (lo, hi + 1))
    _not_shown(Corr(q, size, (lo + 1, hi), s), MatMul(Downsample(shifted.rows, s), shifted))
    # A different stride on the right.
    size = at_least("n", m - lo - hi)
    inner = Corr(q, size, (lo, hi))
    _not_shown(Corr(q, size, (lo, hi), s), MatMul(Downsample(inner.rows, s + 1), inner))


def test_dilated_conv_wrong_variants() -> None:
    size = at_least("n", d * (m - 1) + 1 - lo - hi)
    assert entrywise_equal(Corr(q, size, (lo, hi), 1, d), Corr(q.dilated(d), size, (lo, hi)))[0]
    size = at_least("n", d * (m - 1) - lo - hi)
    _not_shown(Corr(q, size, (lo + 1, hi), 1, d), Corr(q.dilated(d), size, (lo, hi + 1)))
    _not_shown(Corr(q, size, (lo, hi + 1), 1, d), Corr(q.dilated(d).flipped(), size, (lo, hi + 1)))


_a = BoundedSymbol("a", 0, s - 1, integer=True, nonnegative=True)
_n = at_least("n", 1 + (lo + hi - d * (m - 1) - _a) / s)


def _direct(shift=0, stride=None, a=_a):
    D = d * (m - 1)
    stretched = s * (_n - 1) + 1
    framed = border(stretched, D - lo + shift, D - hi + a - shift)
    spread = Upsample(_n, stride or s, stretched)
    return mul(Corr(q.dilated(d).flipped(), framed.rows), framed, spread)


def test_transposed_conv_as_direct_conv_wrong_variants() -> None:
    lhs = ConvTranspose(q, _n, (lo, hi), s, d, _a)
    assert entrywise_equal(lhs, _direct())[0]
    _not_shown(lhs, _direct(shift=1))  # off-by-one border
    _not_shown(lhs, _direct(shift=-1))
    # Without the flip: the kernel read forwards.
    D = d * (m - 1)
    stretched = s * (_n - 1) + 1
    framed = border(stretched, D - lo, D - hi + _a)
    unflipped = mul(Corr(q.dilated(d), framed.rows), framed, Upsample(_n, s, stretched))
    _not_shown(lhs, unflipped)
    # Without the condition a < s the transposed conv is not shown to exist.
    free_a = sp.Symbol("a", integer=True, nonnegative=True)
    holds, why = entrywise_equal(ConvTranspose(q, _n, (lo, hi), s, d, free_a), _direct(a=free_a))
    assert not holds and "a < s" in why


def test_noble_wrong_variants() -> None:
    h = family("h", m)
    up = Conv(h.dilated(k), n, "full")
    lhs = MatMul(Downsample(up.rows, k), up)
    right = MatMul(Conv(h, sp.ceiling(n / k), "full"), Downsample(n, k))
    assert entrywise_equal(lhs, right)[0]
    _not_shown(MatMul(Downsample(up.rows, k), Conv(h.dilated(k).flipped(), n, "full")), right)
    # noble-up with e allowed up to k: ↑ₖ to length k·n + 1 does not exist.
    e = BoundedSymbol("e", 0, k, integer=True, nonnegative=True)
    length = k * (n - 1) + 1 + e
    holds, why = entrywise_equal(
        MatMul(Conv(h.dilated(k), length, "full"), Upsample(n, k, length)),
        MatMul(Upsample(n + m - 1, k, k * (n + m - 2) + 1 + e), Conv(h, n, "full")),
    )
    assert not holds and "length <= k·n" in why


def test_correlation_needs_its_conditions() -> None:
    odd = sp.Symbol("m", integer=True, positive=True, odd=True)
    size = BoundedSymbol("n", odd, sp.oo, integer=True, positive=True)
    kernel = family("q", odd)
    conv = Conv(kernel, size, "same")
    assert entrywise_equal(conv.T, Conv(kernel.flipped(), conv.rows, "same"))[0]
    # Even m: 'same' is not its own partner (the crop is off by one).
    even = sp.Symbol("m", integer=True, positive=True, even=True)
    size = BoundedSymbol("n", even, sp.oo, integer=True, positive=True)
    conv = Conv(family("q", even), size, "same")
    _not_shown(conv.T, Conv(family("q", even).flipped(), conv.rows, "same"))


def test_checkerboard_wrong_variants() -> None:
    ones = family("*", m)
    stretched = s * (n - 1) + 1
    lhs = MatMul(ConvTranspose(ones, n, 0, s), sp.OneMatrix(n, 1))
    rhs = MatMul(Conv(ones, stretched, "full"), Upsample(n, s, stretched), sp.OneMatrix(n, 1))
    assert entrywise_equal(lhs, rhs)[0]
    # The up-sampling to the longest length k·n: one more row, not the same counts.
    longer = MatMul(Conv(ones, s * n, "full"), Upsample(n, s), sp.OneMatrix(n, 1))
    _not_shown(lhs, longer)
    # A kernel one tap longer.
    other = family("*", m + 1)
    _not_shown(
        lhs, MatMul(Conv(other, stretched, "full"), Upsample(n, s, stretched), sp.OneMatrix(n, 1))
    )


def test_uniformity_argument_rejects_wrong_claims() -> None:
    u = sp.Symbol("u", integer=True)
    v = BoundedSymbol("v", 0, s - 1, integer=True, nonnegative=True)
    assert canonical_size(sp.ceiling((s * u - v) / s) - u) == 0  # s | m: uniform
    assert canonical_size(sp.ceiling((s * u + 1 - v) / s) - u) != 0  # r = 1: not shown uniform
    r = BoundedSymbol("r", 1, s - 1, integer=True, positive=True)
    assert surely_positive(sp.ceiling((s * u + r) / s) - sp.ceiling(s * u / s))
    r0 = BoundedSymbol("r", 0, s - 1, integer=True, nonnegative=True)  # r = 0 allowed: no
    assert not surely_positive(sp.ceiling((s * u + r0) / s) - sp.ceiling(s * u / s))


def test_conv_associative_wrong_variants() -> None:
    r = sp.Symbol("r", integer=True, positive=True)
    second = family("r", r)
    lhs = MatMul(Conv(q, n + r - 1, "full"), Conv(second, n, "full"))
    assert entrywise_equal(lhs, Conv(KernelConvolution(q, second), n, "full"))[0]
    _not_shown(lhs, Conv(KernelConvolution(q, second.flipped()), n, "full"))
    _not_shown(lhs, Conv(KernelConvolution(q.flipped(), second), n, "full"))
    # q ∗ q: one family twice in a product is not claimed.
    holds, why = entrywise_equal(
        MatMul(Conv(q, n + m - 1, "full"), Conv(q, n, "full")),
        Conv(KernelConvolution(q, q), n, "full"),
    )
    assert not holds and "twice" in why


def test_nearest_upsample_conv_wrong_variants() -> None:
    from symconv.operators import NearestUpsample

    lhs = MatMul(Conv(q, k * n, "full"), NearestUpsample(n, k))
    box = KernelConvolution(q, family("*", k))
    assert entrywise_equal(lhs, ConvTranspose(box, n, 0, k))[0]
    # Zero insertion instead of repetition: the kernel q itself, not q ∗ 1ₖ.
    _not_shown(MatMul(Conv(q, k * n, "full"), Upsample(n, k)), ConvTranspose(box, n, 0, k))
    # The kernel read backwards.
    _not_shown(lhs, ConvTranspose(KernelConvolution(q.flipped(), family("*", k)), n, 0, k))


def test_subpixel_wrong_variants() -> None:
    lhs = ConvTranspose(q, n, 0, s)
    assert entrywise_equal(lhs, PhaseSum(q, n, s))[0]
    _not_shown(ConvTranspose(q.flipped(), n, 0, s), PhaseSum(q, n, s))
    _not_shown(ConvTranspose(q, n, (1, 0), s), PhaseSum(q, n, s).T.T)  # cropped by one

    # A phase sum over s − 1 phases only (one phase missing) is not the transposed conv.
    from symconv.operators.index_map import product

    class Fewer(PhaseSum):
        def index_map(self, index):
            v = sp.Dummy("phase", integer=True)
            terms = product(self.phase_term((v,)).args, index)
            return [(c, col, g | {("range", v, 0, self.stride[0] - 1)}) for c, col, g in terms]

    _not_shown(lhs, Fewer(q, n, s))


def test_row_map_check_catches_a_wrong_index_map(monkeypatch) -> None:
    """The rebuild check is not vacuous: a wrong Upsample row map is caught."""
    entry = catalogue.get("noble-up")
    values = entry.resolve(n=3, k=2, m=2, e=0)
    lhs, _ = entry.sides(**values)
    symbolic_lhs, _, _ = entry.symbolic(**values)
    from symconv import explicit

    assert _dense_from_rows(symbolic_lhs, values) == explicit(lhs)
    monkeypatch.setattr(  # the divisibility guard dropped (SymPy's delta-sum trap)
        Upsample, "index_map", lambda op, index: [(1, (index[0] / op.k,), set())]
    )
    with pytest.raises(AssertionError):
        assert _dense_from_rows(symbolic_lhs, values) == explicit(lhs)


def test_remainder_rule_needs_multiples_of_k() -> None:
    """lo <= e < hi ⟺ lo <= e − r < hi only when k divides lo and hi."""
    from symconv.proof.symbolic import I, _canonical_guards

    r = sp.Symbol("u_*", integer=True)
    base = {("range", r, 0, k), ("div", k, I - r)}
    rows = k * n
    moved = _canonical_guards(base | {("range", I, 0, k * n)}, rows + 5, (I, r))
    assert ("range", I - r, -sp.oo, k * n) in moved
    kept = _canonical_guards(base | {("range", I, 1, k * n)}, rows + 5, (I, r))
    assert ("range", I, 1, sp.oo) in kept  # 1 is not a multiple of k: left alone


def test_a_bound_is_dropped_only_when_implied() -> None:
    from symconv.proof.symbolic import I, _canonical_guards

    r = sp.Symbol("r", integer=True, positive=True)
    u, v = sp.Symbol("u", integer=True), sp.Symbol("u_r", integer=True)
    ranges = {("range", u, 0, m), ("range", v, 0, r), ("range", I - u - v, 0, n)}
    rows = n + m + r - 2
    implied = _canonical_guards(ranges | {("range", I - u, 0, n + r - 1)}, rows, (I, u, v))
    assert implied == _canonical_guards(ranges, rows, (I, u, v))
    tighter = _canonical_guards(ranges | {("range", I - u, 0, n + r - 2)}, rows, (I, u, v))
    assert tighter != _canonical_guards(ranges, rows, (I, u, v))


def test_sizes_are_compared_with_the_bounds_only() -> None:
    N = bounded("length", k * (n - 1) + 1, k * n)
    assert canonical_size(sp.ceiling(N / k) - n) == 0
    assert canonical_size(sp.ceiling(sp.Symbol("N", integer=True, positive=True) / k) - n) != 0
    assert canonical_size(sp.floor(-n / 2) + 1 + sp.floor((n - 1) / 2)) == 0
    assert canonical_size(sp.floor(-n / 2) + sp.floor((n - 1) / 2)) != 0


# --- kernels of symbolic length, substituted, are the concrete operators ------------------


def _concrete(kernel: KernelFamily, values: dict) -> tuple:
    return kernel.subs(values).taps()


CASES = [
    lambda K: Conv(K, n, "full"),
    lambda K: Conv(K, n, "valid"),
    lambda K: Corr(K, n, (lo, hi), s, d),
    lambda K: ConvTranspose(K, n, (lo, hi), s, d, a),
]


@pytest.mark.parametrize("build", CASES)
def test_family_operators_match_concrete_ones(build) -> None:
    kinds = [q, q.flipped(), q.dilated(d), q.dilated(d).flipped(), q.phase(1, 2)]
    compared = 0
    for kernel, (m_, n_, s_, d_, lo_, hi_) in itertools.product(
        kinds, [(3, 6, 2, 2, 1, 0), (2, 5, 3, 1, 0, 2), (4, 7, 1, 2, 2, 1)]
    ):
        values = {m: m_, n: n_, s: s_, d: d_, lo: lo_, hi: hi_, a: 0}
        op = build(kernel)
        try:
            concrete = build(_concrete(kernel, values)).subs(values)
        except SymconvError:  # a size that does not exist for these values
            continue
        assert op.subs(values).shape == concrete.shape
        rows, cols = (int(x) for x in concrete.shape)
        symbolic = op.subs(values)
        for i, j in itertools.product(range(rows), range(cols)):
            assert sp.simplify(symbolic._entry(i, j) - concrete._entry(i, j)) == 0, (op, i, j)
            compared += 1
    assert compared > 100


# --- the symbolic sides, at concrete values, are the statement's sides -------------------


def _at(expr: sp.Basic, values: dict) -> sp.Basic:
    """``expr`` with every parameter symbol set by name and every kernel family made concrete."""
    known = {x: values[x.name] for x in expr.free_symbols if x.name in values}
    ones = {
        x: sp.ImmutableMatrix.ones(*(int(d.xreplace(known)) for d in x.shape))
        for x in expr.atoms(sp.OneMatrix)
    }
    expr = expr.xreplace(ones).xreplace(known)
    expr = expr.replace(lambda x: isinstance(x, PhaseSum), lambda x: x.doit())
    expr = expr.replace(
        lambda x: isinstance(x, (KernelFamily, KernelConvolution)),
        lambda x: sp.Tuple(*x.taps()),
    )
    taps = {x: sp.Symbol(f"{x.base}_{x.indices[0]}") for x in expr.atoms(sp.Indexed)}
    return expr.xreplace(taps)


def _rank_1_sides(name: str, count: int) -> list[tuple[dict, tuple]]:
    """At about ``count`` of the entry's rank-1 grid points (evenly spread; those where its
    concrete sides exist): the values, and its (symbolic, concrete) lhs and rhs."""
    entry = catalogue.get(name)
    points = [p for p in entry.grid() if p.get("rank", 1) == 1]
    found = []
    for point in points[:: max(1, len(points) // count)]:
        values = entry.resolve(**point)
        try:
            lhs, rhs = entry.sides(**values)
        except SymconvError:
            continue
        symbolic_lhs, symbolic_rhs, _ = entry.symbolic(**values)
        found.append((values, ((symbolic_lhs, lhs), (symbolic_rhs, rhs))))
    return found


@pytest.mark.parametrize("name", [n for n in ALL_PARAMETERS if catalogue.get(n).symbolic])
def test_symbolic_sides_at_grid_points_are_the_concrete_sides(name: str) -> None:
    from symconv import explicit

    # The 1-D row maps here; the rank-2 sides have their own tests below.
    points = _rank_1_sides(name, 8)
    for values, sides in points:
        for symbolic, concrete in sides:
            assert explicit(_at(symbolic, values)) == explicit(concrete), (name, values)
    assert len(points) >= 3


# --- the row maps the tier reasons about are the matrices --------------------------------


def _holds(guard: tuple, env: dict) -> bool:
    values = [sp.sympify(x).xreplace(env) for x in guard[1:]]
    if guard[0] == "div":
        k, e = values
        return bool(sp.Mod(e, k) == 0)
    e, lo, hi = values
    return bool(lo <= e) and bool(e < hi)


def _dense_from_rows(
    expr: sp.Basic, values: dict, rank: int = 0, bound: range = range(-8, 16)
) -> sp.Matrix:
    """The matrix of ``expr`` rebuilt from its symbolic row map alone, the sizes of
    ``values`` substituted only when a row is evaluated and the bound indices enumerated
    over ``bound``: an independent check of every index map (and of the phase sums).

    ``rank`` 0: a 1-D expression, row (i,); otherwise rows (c, i₁, …, i_rank) of an N-D one.
    """
    from symconv.operators.index_map import flat_index
    from symconv.proof.rewrite import normalize
    from symconv.proof.symbolic import I, index_shape, row_terms

    if rank == 0:
        expr, spatial, channels = normalize(expr)[0], (I,), [()]
    else:
        spatial = sp.symbols(f"i_1:{rank + 1}", integer=True, nonnegative=True)
    sub = {x: sp.Integer(values[x.name]) for x in expr.free_symbols if x.name in values}
    row_dims, col_dims = (
        [int(sp.sympify(d).xreplace(sub)) for d in dims]
        for dims in index_shape(expr, len(spatial) + (rank > 0))
    )
    if rank:
        channels = [(sp.Integer(c),) for c in range(row_dims[0])]
    dense = sp.zeros(sp.prod(row_dims), sp.prod(col_dims))
    for channel in channels:
        for c, cols, guards in row_terms(expr, (*channel, *spatial)):
            parts = [c, *cols, *(x for g in guards for x in g[1:])]
            dummies = sorted(set().union(*(sp.sympify(p).atoms(sp.Dummy) for p in parts)), key=str)
            for row in itertools.product(*map(range, row_dims[len(channel) :])):
                for combo in itertools.product(bound, repeat=len(dummies)):
                    env = {**sub, **dict(zip(spatial, map(sp.Integer, row)))}
                    env.update({u: sp.Integer(v) for u, v in zip(dummies, combo)})
                    if not all(_holds(g, env) for g in guards):
                        continue
                    column = [sp.sympify(x).xreplace(env) for x in cols]
                    inside = [j.is_Integer and 0 <= j < n for j, n in zip(column, col_dims)]
                    assert all(inside), (expr, row, combo, column)
                    i = flat_index((*channel, *row), row_dims)
                    dense[i, flat_index(column, col_dims)] += sp.sympify(c).xreplace(env)
    taps = {
        x: sp.Symbol(f"{x.base}_" + "_".join(map(str, x.indices))) for x in dense.atoms(sp.Indexed)
    }
    return dense.xreplace(taps)


@pytest.mark.parametrize("name", [n for n in ALL_PARAMETERS if catalogue.get(n).symbolic])
def test_row_maps_rebuild_the_concrete_matrices(name: str) -> None:
    from symconv import explicit

    points = _rank_1_sides(name, 4)  # rank 2: tests below
    for values, sides in points:
        for symbolic, concrete in sides:
            assert _dense_from_rows(symbolic, values) == explicit(concrete), (name, values)
    assert len(points) >= 2


# --- 2-D: checkerboard-overlap at rank 2 with every size, kernel size and stride free ----------


def _counts_2d(m_: tuple, s_: tuple, swap: bool = False):
    from sympy.matrices.expressions import KroneckerProduct

    from symconv.catalogue.twod import _count_1d, checkerboard_sides

    n_ = sp.symbols("n_1 n_2", integer=True, positive=True)
    lhs, rhs = checkerboard_sides(n_, m_, s_)
    if swap:
        rhs = KroneckerProduct(_count_1d(n_[0], m_[1], s_[0]), _count_1d(n_[1], m_[0], s_[1]))
    return lhs, rhs


def test_checkerboard_2d_is_free_in_every_size() -> None:
    m_ = sp.symbols("m_1 m_2", integer=True, positive=True)
    s_ = sp.symbols("s_1 s_2", integer=True, positive=True)
    assert entrywise_equal_nd(*_counts_2d(m_, s_), 2)[0]
    assert not entrywise_equal_nd(*_counts_2d(m_, s_, swap=True), 2)[0]
    lhs, _ = _counts_2d(m_, s_)
    _, wrong = _counts_2d(m_, (s_[0], s_[1] + 1))
    assert not entrywise_equal_nd(lhs, wrong, 2)[0]
    result = catalogue.get("checkerboard-overlap").derivation(rank=2).tiers
    symbolic = [t for t in result if t.tier.value == "symbolic"]
    assert symbolic and symbolic[0].passed and symbolic[0].proves_all
    assert symbolic[0].free == ("rank", "n", "m", "s")


def test_nd_row_map_of_a_weight_family_rebuilds_the_matrix() -> None:
    """Rows (0, i₁, i₂) of ConvTransposeNd(1_{m₁×m₂}) 1, bound taps enumerated, are the matrix."""
    from symconv import explicit
    from symconv.catalogue.twod import checkerboard_sides

    symbols = sp.symbols("n_1 n_2 m_1 m_2 s_1 s_2", integer=True, positive=True)
    lhs, _ = checkerboard_sides(symbols[:2], symbols[2:4], symbols[4:])
    for n_, m_, s_ in [((2, 3), (3, 2), (2, 1)), ((3, 2), (2, 4), (3, 2))]:
        values = dict(zip(map(str, symbols), (*n_, *m_, *s_)))
        concrete = explicit(checkerboard_sides(n_, m_, s_)[0])
        assert _dense_from_rows(lhs, values, 2, range(-6, 10)) == concrete, (n_, m_, s_)


def _check_2d_row_maps(sides, names: str, cases: list[tuple]) -> tuple:
    """The 2-D row maps of ``sides(*sizes)`` at symbolic sizes ``<name>_1, <name>_2``: they
    state the identity, fail it when the second size's axes are swapped, and rebuild both
    concrete sides at each of ``cases``. Returns the symbolic lhs and the size symbols."""
    from symconv import explicit

    sizes = [sp.symbols(f"{x}_1 {x}_2", integer=True, positive=True) for x in names]
    lhs, rhs = sides(*sizes)
    assert entrywise_equal_nd(lhs, rhs, 2)[0]
    _, swapped = sides(sizes[0], sizes[1][::-1], sizes[2])
    assert not entrywise_equal_nd(lhs, swapped, 2)[0]
    for case in cases:
        values = {f"{x}_{a + 1}": v[a] for x, v in zip(names, case) for a in (0, 1)}
        for symbolic, side in zip((lhs, rhs), sides(*case)):
            assert _dense_from_rows(symbolic, values, 2, range(-1, 4)) == explicit(side), case
    return lhs, sizes


def test_nearest_2d_row_maps_rebuild_the_concrete_matrices() -> None:
    from symconv.catalogue.twod import nearest_sides

    cases = [((2, 1), (2, 3), (2, 2)), ((1, 2), (3, 1), (1, 3))]
    _check_2d_row_maps(nearest_sides, "nkm", cases)


def test_subpixel_2d_row_maps_rebuild_the_concrete_matrices() -> None:
    from symconv.catalogue.multirate import _subpixel_sides

    def sides(n, m, s):
        return _subpixel_sides(n, m, s, rank=2)

    cases = [((2, 1), (3, 2), (2, 3)), ((1, 2), (2, 3), (3, 2))]
    lhs, (n_, m_, s_) = _check_2d_row_maps(sides, "nms", cases)
    _, wrong = sides(n_, m_, (s_[0] + 1, s_[1]))
    assert not entrywise_equal_nd(lhs, wrong, 2)[0]


# --- one tier for 1-D and N-D ---------------------------------------------------------------


def test_channels_of_a_grouped_layer_are_a_kronecker_product_with_the_identity() -> None:
    """The N-D tier at one spatial axis: channel-major rows, an identity on the channel axis."""
    from sympy.matrices.expressions import KroneckerProduct

    from symconv import CorrNd, kernel

    q, r = kernel("q", 3), kernel("r", 3)
    grouped = CorrNd([[list(q)], [list(q)]], n + 2, groups=2)
    per_channel = KroneckerProduct(Identity(2), Corr(q, n + 2))
    holds, detail = entrywise_equal_nd(grouped, per_channel, 1)
    assert holds and "every one of the 2 output channel(s)" in detail, detail
    assert entrywise_equal_nd(grouped.T, KroneckerProduct(Identity(2), Corr(q, n + 2).T), 1)[0]
    other = CorrNd([[list(q)], [list(r)]], n + 2, groups=2)  # channel 1 reads r
    holds, detail = entrywise_equal_nd(other, per_channel, 1)
    assert not holds and detail.startswith("row forms differ at channel 1"), detail


def test_one_kernel_family_twice_on_an_axis_is_not_claimed() -> None:
    """Two independent sums over the taps of q must not be renamed into one (q ∗ q)."""
    from symconv.operators.channels import ConvTransposeNd, WeightFamily

    n_, m_ = (sp.symbols(f"{x}_1 {x}_2", integer=True, positive=True) for x in "nm")
    first = ConvTransposeNd(WeightFamily("q", m_), n_)
    twice = MatMul(ConvTransposeNd(WeightFamily("q", m_), first.output_size), first)
    holds, detail = entrywise_equal_nd(twice, twice, 2)
    assert not holds and "twice in one product" in detail, detail


def test_the_nd_tier_needs_a_spatial_rank() -> None:

    with pytest.raises(SymconvError, match="rank"):
        entrywise_equal_nd(Identity(n), Identity(n), 0)
