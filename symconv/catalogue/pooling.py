"""Average pooling as a strided correlation, and exactly where that reading breaks.

``avg-pool-as-strided-corr``: PyTorch's default average pooling (``count_include_pad=True``,
``ceil_mode=False``) is the strided correlation with the box kernel (1/k, …, 1/k) over the
zero-padded input, for every n, k, s and padding lo, hi < k. Its two other settings are not:
:func:`where_it_breaks` finds the smallest counterexample of each by exhaustive search.

Examples
--------
>>> for flag, case in where_it_breaks().items():
...     print(flag, case)
count_include_pad=False n=1, k=2, s=1, lo=1, hi=1: entry (0, 0): left 1, right 1/2
ceil_mode=True n=1, k=2, s=2, lo=0, hi=0: the pooling has 1 window, the correlation none
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import sympy as sp
from sympy.matrices.expressions import MatMul

from symconv import kernels
from symconv.catalogue._common import K_RANGE, N_RANGE, S_PARAM, at_least, param
from symconv.catalogue.entry import Entry, argued, grid
from symconv.derivation import Rule, Step, Tier
from symconv.errors import SymconvError
from symconv.operators.channels import ConvTransposeNd, CorrNd
from symconv.operators.convolution import Corr
from symconv.operators.index_map import bound_assignments, product
from symconv.operators.pooling import AvgPool
from symconv.operators.rearrange import PixelShuffle, PixelUnshuffle
from symconv.proof.counterexample import first_difference
from symconv.proof.symbolic import BoundedSymbol

__all__ = [
    "AVG_POOL_AS_STRIDED_CORR",
    "ENTRIES",
    "PIXEL_SHUFFLE_CONV",
    "PIXEL_UNSHUFFLE_CONV",
    "where_it_breaks",
]

_PARAMS = (
    param("n", 5, "input length"),
    param("k", 2, "kernel (window) size"),
    S_PARAM,
    param("lo", 0, "zero padding at the start, less than k", minimum=0),
    param("hi", 0, "zero padding at the end, less than k", minimum=0),
)


def _box(k: object) -> object:
    """The box kernel 1ₖ: k ones (a family of symbolic length for a symbolic k)."""
    return kernels.ones(k) if sp.sympify(k).is_Integer else kernels.family("*", k)


def _box_corr(n: object, k: object, s: object, lo: object, hi: object) -> MatMul:
    """(1/k)·(strided correlation with 1ₖ over the input zero-padded by (lo, hi))."""
    return MatMul(1 / sp.sympify(k), Corr(_box(k), n, (lo, hi), stride=s))


def _sides(n: object, k: object, s: object, lo: object = 0, hi: object = 0) -> tuple:
    return AvgPool(n, k, s, lo, hi), _box_corr(n, k, s, lo, hi)


_BOX = Rule(
    "average-is-box-correlation",
    "row i of both: (1/k) Σ_{u<k} [0 <= i·s − lo + u < n] x_{i·s − lo + u} (every window of "
    "length k inside the padded signal when ceil_mode is off)",
    r"(P x)_i = k^{-1} \sum_{u=0}^{k-1} x_{is - lo + u}",
)


def _symbolic(**_: object) -> tuple:
    k, s = sp.symbols("k s", integer=True, positive=True)
    lo = BoundedSymbol("lo", 0, k - 1, integer=True, nonnegative=True)
    hi = BoundedSymbol("hi", 0, k - 1, integer=True, nonnegative=True)
    n = at_least("n", k - lo - hi)
    lhs, rhs = _sides(n, k, s, lo, hi)
    return lhs, rhs, "for all n, k, s, lo, hi with lo, hi < k and n + lo + hi >= k"


def _grid() -> list[dict]:
    points = grid(n=N_RANGE, k=K_RANGE, s=range(1, 4), lo=range(3), hi=range(3))
    return [p for p in points if p["lo"] < p["k"] and p["hi"] < p["k"]]


AVG_POOL_AS_STRIDED_CORR = Entry(
    name="avg-pool-as-strided-corr",
    statement="average pooling with count_include_pad=True and ceil_mode=False = (1/k)·(strided "
    "correlation with 1ₖ over the zero-padded input), for all n, k, s and lo, hi < k with "
    "n + lo + hi >= k",
    source="PyTorch torch.nn.AvgPool1d documentation; Dumoulin & Visin (2016), "
    '"A guide to convolution arithmetic for deep learning", section 5 (pooling arithmetic)',
    params=_PARAMS,
    sides=_sides,
    chain=lambda n, k, s, lo, hi: [
        Step(_sides(n, k, s, lo, hi)[0]),
        Step(_sides(n, k, s, lo, hi)[1], _BOX),
    ],
    grid=_grid,
    bounds="n ≤ 12, k ≤ 4, s ≤ 3, lo, hi ≤ min(2, k − 1)",
    symbolic=_symbolic,
    notes=(
        "count_include_pad=False breaks it at every window that overlaps the padding "
        "(smallest: n=1, k=2, s=1, lo=hi=1: row 0 is x₀, not x₀/2); ceil_mode=True adds a last "
        "window hanging over the end when s does not divide n + lo + hi − k and that window "
        "starts before n + lo (smallest: n=1, k=2, s=2, lo=hi=0: one window, the correlation "
        "has none)",
    ),
)


def _difference(left: object, right: object) -> str | None:
    if left.shape != right.shape:
        return f"shape {left.shape} against {right.shape}"
    found = first_difference(left, right)
    return None if found is None else str(found)


def where_it_breaks(limit: int = 6) -> dict[str, str]:
    """The smallest parameters at which each other PyTorch setting is not the box correlation.

    Searched in order of n + k + s + lo + hi (then n, k, s, lo, hi) with PyTorch's own
    constraint lo = hi <= k/2, comparing exact matrices.
    """
    flags = {
        "count_include_pad=False": {"divisor": "input"},
        "ceil_mode=True": {"ceil_mode": True},
    }
    cases = sorted(
        (
            (n, k, s, p)
            for n, k, s, p in itertools.product(*[range(limit + 1)] * 4)
            if n >= 1 and k >= 1 and s >= 1 and 2 * p <= k
        ),
        key=lambda c: (c[0] + c[1] + c[2] + 2 * c[3], c),
    )
    found = {}
    for flag, options in flags.items():
        for n, k, s, p in cases:
            try:
                pool = AvgPool(n, k, s, p, p, **options)
            except SymconvError:
                continue  # PyTorch refuses it too: no pooling to compare
            try:
                difference = _difference(pool, _box_corr(n, k, s, p, p))
            except SymconvError:  # one side undefined: a counterexample too
                difference = f"the pooling has {pool.rows} window, the correlation none"
            if difference is not None:
                found[flag] = f"n={n}, k={k}, s={s}, lo={p}, hi={p}: {difference}"
                break
    return found


# --- sub-pixel convolution (Shi et al. 2016): pixel shuffle after a conv, unshuffle before ---


def _weights(name: str, shape: tuple[int, ...]) -> sp.ImmutableDenseNDimArray:
    """A weight of symbols ``name_o_c_t`` (so exact checks hold for every weight)."""
    entries = [
        sp.Symbol("_".join([name, *map(str, index)]))
        for index in itertools.product(*map(range, shape))
    ]
    return sp.ImmutableDenseNDimArray(entries, shape)


def _shuffle_sides(n: int, m: int, r: int, lo: int, hi: int, c_in: int = 1, c: int = 1):
    """PixelShuffle · Corr(w) and the transposed conv with stride r and the rearranged kernel.

    Output c, position j·r + v of the shuffled conv is Σ_t w[c·r + v, ·, t] x[j + t − lo]:
    the transposed conv puts input i at i·r + τ − P with τ = (m − 1 − t)·r + v, so
    K[·, c, (m − 1 − t)·r + v] = w[c·r + v, ·, t] and P = ((m − 1 − lo)·r, (m − 1 − hi)·r).
    """
    w = _weights("w", (c * r, c_in, m))
    conv = CorrNd(w, (n,), [(lo, hi)])
    kernel = {
        (i, o, (m - 1 - t) * r + v): w[o * r + v, i, t]
        for i, o, t, v in itertools.product(range(c_in), range(c), range(m), range(r))
    }
    shape = (c_in, c, r * m)
    K = sp.ImmutableDenseNDimArray(
        [kernel[index] for index in itertools.product(*map(range, shape))], shape
    )
    pads = [((m - 1 - lo) * r, (m - 1 - hi) * r)]
    return MatMul(PixelShuffle((conv.output_size[0],), r, c), conv), ConvTransposeNd(
        K, (n,), pads, r
    )


def _unshuffle_sides(n: int, m: int, r: int, lo: int, hi: int, c_in: int = 1, c: int = 1):
    """Corr(w) · PixelUnshuffle and the stride-r conv with the rearranged kernel.

    Unshuffled channel i·r + v at j is x[i, j·r + v]; the conv reads it at j = l + t − lo,
    i.e. x[i, l·r + t·r + v − lo·r]: a conv with stride r, padding (lo·r, hi·r) and
    K[o, i, t·r + v] = w[o, i·r + v, t].
    """
    w = _weights("w", (c, c_in * r, m))
    unshuffle = PixelUnshuffle((n * r,), r, c_in)
    conv = CorrNd(w, (n,), [(lo, hi)])
    kernel = {
        (o, i, t * r + v): w[o, i * r + v, t]
        for o, i, t, v in itertools.product(range(c), range(c_in), range(m), range(r))
    }
    shape = (c, c_in, r * m)
    K = sp.ImmutableDenseNDimArray(
        [kernel[index] for index in itertools.product(*map(range, shape))], shape
    )
    return MatMul(conv, unshuffle), CorrNd(K, (n * r,), [(lo * r, hi * r)], r)


_SHUFFLE_PARAMS = (
    param("n", 3, "input length (of the low-resolution side)"),
    param("m", 2, "kernel length"),
    param("r", 2, "upscale / downscale factor"),
    param("lo", 0, "zero padding at the start, at most m − 1", minimum=0),
    param("hi", 0, "zero padding at the end, at most m − 1", minimum=0),
    param("c_in", 1, "input channels"),
    param("c", 1, "channels after the shuffle (before the unshuffle)"),
)


def _shuffle_grid() -> list[dict]:
    points = grid(
        n=range(1, 6),
        m=range(1, 4),
        r=range(1, 4),
        lo=range(3),
        hi=range(3),
        c_in=range(1, 3),
        c=range(1, 3),
    )
    return [
        p
        for p in points
        if p["lo"] < p["m"] and p["hi"] < p["m"] and p["n"] + p["lo"] + p["hi"] >= p["m"]
    ]


def _replace(sides: Callable, rule: Rule) -> Callable:
    def chain(**values: object) -> list[Step]:
        lhs, rhs = sides(**values)
        return [Step(lhs), Step(rhs, rule)]

    return chain


_INTERLEAVE = Rule(
    "interleave-output-phases",
    "the r output phases v of the conv's kernel, each flipped, interleaved into one kernel "
    "of r·m taps",
    r"K_{(m-1-t)r+v} = w_{v,t}",
)
_INTERLEAVE_INPUT = Rule(
    "interleave-input-phases",
    "the r input phases v of the conv's kernel interleaved into one kernel of r·m taps",
    r"K_{tr+v} = w_{v,t}",
)


def _normal_guard(guard: tuple, env: dict) -> tuple | bool:
    """A guard with the bound indices of ``env`` put in, in one normal form, or its truth value.

    A range ``lo <= c·x + v < hi`` (c a positive integer, v an integer, x an integer
    expression) becomes ``⌈(lo − v)/c⌉ <= x < ⌈(hi − v)/c⌉``, an equivalence for integer x;
    a divisibility with a concrete remainder is decided.
    """
    values = [sp.expand(sp.sympify(e).xreplace(env)) for e in guard[1:]]
    if guard[0] == "div":
        remainder = sp.Mod(values[1], values[0])
        return bool(remainder == 0) if remainder.is_Integer else ("div", *values)
    e, lo, hi = values
    offset, rest = e.as_coeff_Add()
    content, primitive = rest.as_content_primitive() if rest != 0 else (1, rest)
    if not (sp.sympify(content).is_Integer and content > 0 and offset.is_Integer):
        content, primitive, offset = 1, e, 0
    bounds = [sp.ceiling((b - offset) / content) for b in (lo, hi)]
    if primitive.is_Integer:
        return bool(bounds[0] <= primitive < bounds[1])
    return ("range", primitive, *bounds)


def _row_forms(expr: MatMul | object, index: tuple) -> set | None:
    """The terms of a row with every bound index enumerated and every guard normalised."""
    factors = list(expr.args) if isinstance(expr, MatMul) else [expr]
    forms = set()
    for term in product(factors, index):
        coefficient, column, guards = term
        for env in bound_assignments(term):
            normal = [_normal_guard(g, env) for g in guards]
            if False in normal:
                continue
            kept = frozenset(g for g in normal if g is not True)
            value = sp.sympify(coefficient).xreplace(env)
            forms.add((value, tuple(sp.expand(sp.sympify(c).xreplace(env)) for c in column), kept))
    return forms


def _row_argument(sides: Callable, shuffled: bool) -> Callable:
    """Both sides' rows compared with the input length n symbolic (and the block index j).

    Every row of the shuffled output is (c, j·r + v) for one phase 0 <= v < r and a
    symbolic j >= 0 (of the unshuffled conv, (o, j)); for each, the two sides' terms —
    weight symbol, input position, normalised range guards — must be the same set. The
    kernel length, factor, padding and channels stay at their values (the terms are
    enumerated over them), so the argument is for all n at those values.
    """

    def extra(**values: object) -> tuple[list, tuple]:
        m, r, lo, hi = (values[name] for name in ("m", "r", "lo", "hi"))
        n = at_least("n", max(m - lo - hi, 1))
        j = sp.Symbol("j", integer=True, nonnegative=True)
        lhs, rhs = sides(n, m, r, lo, hi, values["c_in"], values["c"])
        same_shape = all(sp.simplify(a - b) == 0 for a, b in zip(lhs.shape, rhs.shape))
        channels = int(rhs.index_dims[0][0])  # of the output: the rows' first axis
        rows = [
            (ch, j * r + v) if shuffled else (ch, j)
            for ch in range(channels)
            for v in (range(r) if shuffled else range(1))
        ]
        equal = same_shape and all(_row_forms(lhs, row) == _row_forms(rhs, row) for row in rows)
        detail = (
            f"equal shapes and the same terms in all {len(rows)} row forms "
            + ("(c, j·r + v)" if shuffled else "(o, j)")
            + " with n and j symbolic"
        )
        return [], (argued(Tier.SYMBOLIC, [(equal, detail, (lhs, rhs))], _SHUFFLE_PARAMS, values),)

    return extra


def _shuffle_entry(
    name: str, statement: str, source: str, sides: Callable, rule: Rule, shuffled: bool
) -> Entry:
    """An entry of the pixel (un)shuffle pair: the two sides, the rule that rewrites one
    into the other, and the row argument of :func:`_row_argument` (both entries share
    their parameters, grid and bounds)."""
    return Entry(
        name=name,
        statement=statement,
        source=source,
        params=_SHUFFLE_PARAMS,
        sides=sides,
        chain=_replace(sides, rule),
        grid=_shuffle_grid,
        bounds="n ≤ 5, m ≤ 3, r ≤ 3, lo, hi ≤ min(2, m − 1), c_in, c ≤ 2",
        extra=_row_argument(sides, shuffled),
    )


PIXEL_SHUFFLE_CONV = _shuffle_entry(
    "pixel-shuffle-conv",
    "pixel shuffle by r after a conv with weight w (r·c, c_in, m) and padding "
    "(lo, hi) = the transposed conv with stride r, padding ((m−1−lo)·r, (m−1−hi)·r) and the "
    "kernel K[i, o, (m−1−t)·r + v] = w[o·r + v, i, t] (the sub-pixel convolution layer), "
    "for lo, hi <= m − 1",
    'Shi et al. (2016), "Is the deconvolution layer the same as a convolutional '
    'layer?"; Shi et al. (2016), "Real-time single image and video super-resolution using '
    'an efficient sub-pixel convolutional neural network"',
    _shuffle_sides,
    _INTERLEAVE,
    shuffled=True,
)

PIXEL_UNSHUFFLE_CONV = _shuffle_entry(
    "pixel-unshuffle-conv",
    "a conv with weight w (c, c_in·r, m) and padding (lo, hi) after pixel "
    "unshuffle by r = the conv with stride r, padding (lo·r, hi·r) and the "
    "kernel K[o, i, t·r + v] = w[o, i·r + v, t] on the full-resolution input",
    'Shi et al. (2016), "Is the deconvolution layer the same as a convolutional '
    'layer?" (the inverse of the sub-pixel layer)',
    _unshuffle_sides,
    _INTERLEAVE_INPUT,
    shuffled=False,
)

ENTRIES = (AVG_POOL_AS_STRIDED_CORR, PIXEL_SHUFFLE_CONV, PIXEL_UNSHUFFLE_CONV)
