"""Identities of the padding modes: their transposes fold back; circular correlation's
transpose is circular convolution."""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatAdd, MatMul, Transpose

from symconv import kernels
from symconv.catalogue._common import M_PARAM, N_PARAM, param, taps
from symconv.catalogue.entry import Entry, argued, grid
from symconv.derivation import Rule, Step, Tier
from symconv.errors import ParameterError
from symconv.operators import BlockSum, BorderPad, Conv, Corr, Crop, Flip, Pad
from symconv.operators.index_map import product
from symconv.proof.symbolic import bounded, surely_positive

__all__ = ["ENTRIES"]

#: How far each mode may pad in one period (PyTorch's and TensorFlow's limits).
_REACH = {"reflect": -1, "symmetric": 0, "circular": 0, "replicate": None}
_MODE = param("mode", "reflect", "padding mode", choices=tuple(_REACH))
_LO = param("lo", 2, "padding at the start")
_HI = param("hi", 1, "padding at the end")


def _border(size: int, start: int, stop: int, mode: str) -> MatMul:
    """The padded samples start … stop − 1 of a padded signal of length ``size``, as they go
    back: reversed by a flip (the mirror modes), summed into one (replicate), or as they are
    (circular)."""
    kept = Crop(size, start, size - stop)
    if mode in ("reflect", "symmetric"):
        return MatMul(Flip(stop - start), kept)
    if mode == "replicate":
        return MatMul(BlockSum(1, stop - start), kept)
    return kept


def _fold_sides(n: int, lo: int, hi: int, mode: str = "reflect") -> tuple:
    """(BorderPad)ᵀ, and the crop plus each border put back by a zero padding ``Pad``."""
    reach = _REACH[mode]
    concrete = all(isinstance(v, int) for v in (n, lo, hi))
    if concrete and reach is not None and max(lo, hi) > n + reach:
        raise ParameterError(
            "lo, hi",
            (lo, hi),
            f"at most n{reach or ''} = {n + reach} in mode {mode!r} "
            "(one period; longer pads reflect or wrap again)",
        )
    size = n + lo + hi
    # Where each border lands: (offset of its first sample, count) inside 0 … n − 1.
    landing = {
        "reflect": ((1, lo), (n - 1 - hi, hi)),
        "symmetric": ((0, lo), (n - hi, hi)),
        "circular": ((n - lo, lo), (0, hi)),
        "replicate": ((0, 1), (n - 1, 1)),
    }[mode]
    terms = [Crop(size, lo, hi)]
    for (start, stop), (offset, count), amount in zip(((0, lo), (lo + n, size)), landing, (lo, hi)):
        if amount != 0:
            placed = Pad(count, offset, n - offset - count)
            terms.append(MatMul(placed, _border(size, start, stop, mode)))
    rhs = terms[0] if len(terms) == 1 else MatAdd(*terms)
    return Transpose(BorderPad(n, lo, hi, mode)), rhs


_FOLD = Rule(
    "fold-back",
    "each padded sample goes back onto the input sample it copies",
    r"\text{copies added to their sources}",
)


def _fold_grid() -> list[dict]:
    points = []
    for mode, reach in _REACH.items():
        for n_ in range(1, 8):
            top = 6 if reach is None else n_ + reach
            points += [
                {"n": n_, "lo": lo_, "hi": hi_, "mode": mode}
                for lo_ in range(1, top + 1)
                for hi_ in range(1, top + 1)
            ]
    return sorted(points, key=lambda p: (p["n"] + p["lo"] + p["hi"], str(p)))


def _symbolic_fold_sides(mode: str, **_: object) -> tuple:
    """Both sides with n, lo and hi symbolic, lo and hi bounded by one period."""
    n = sp.Symbol("n", integer=True, positive=True)
    reach = _REACH[mode]
    top = sp.oo if reach is None else n + reach
    lo, hi = bounded("lo", 1, top), bounded("hi", 1, top)
    return (*_fold_sides(n, lo, hi, mode), "for all n and 1 <= lo, hi within one period")


PADDING_FOLD_BACK = Entry(
    name="padding-fold-back",
    statement="(BorderPad)ᵀ = Crop + each border put back inside: reflected without the edge "
    "(reflect), with it (symmetric), summed onto the edge sample (replicate) or wrapped "
    "around (circular), for every n and pads 1 <= lo, hi within one period (reflect ≤ n − 1, "
    "symmetric and circular ≤ n: PyTorch's and TensorFlow's limits; replicate any)",
    source="PyTorch F.pad and TensorFlow tf.pad (their gradients: reflection_pad1d_backward, "
    "MirrorPadGrad); the reflect/replicate/circular modes of PyTorch's Conv layers",
    params=(N_PARAM, _LO, _HI, _MODE),
    sides=_fold_sides,
    chain=lambda n, lo, hi, mode: [
        Step(_fold_sides(n, lo, hi, mode)[0]),
        Step(_fold_sides(n, lo, hi, mode)[1], _FOLD),
    ],
    grid=_fold_grid,
    bounds="n ≤ 7, every mode, every pad within one period (replicate: ≤ 6)",
    symbolic=_symbolic_fold_sides,
)


def _circular_sides(n: int, m: int, lo: int) -> tuple:
    """(circular correlation with q)ᵀ and the circular convolution with q."""
    if lo > m - 1:
        raise ParameterError("lo", lo, f"at most m − 1 = {m - 1} (the padding is lo + hi = m − 1)")
    q = taps(m)
    hi = m - 1 - lo
    correlation = MatMul(Corr(q, n + m - 1), BorderPad(n, lo, hi, "circular"))
    convolution = MatMul(Conv(q, n + m - 1, "valid"), BorderPad(n, hi, lo, "circular"))
    return Transpose(correlation), convolution


def _lowest(expr: sp.Expr, box: dict) -> sp.Expr:
    """The least value of an expression linear in the box's variables over the box
    ``{v: (lo, hi)}`` (lo <= v <= hi): each variable at the end its coefficient's sign asks."""
    expr = sp.expand(expr)
    for v, (low, high) in box.items():
        c = expr.coeff(v)
        if c.free_symbols & set(box) or not (c.is_nonnegative or c.is_nonpositive):
            raise ParameterError("expr", expr, "an expression linear in the indices")
        expr = sp.expand(expr.xreplace({v: low if c.is_nonnegative else high}))
    return expr


def _holds_on(guard: tuple, box: dict) -> bool:
    """Whether a range guard lo <= e < hi holds at every point of the box (shown, for every
    value of the sizes: both margins are positive after adding 1)."""
    _, e, low, high = guard
    return surely_positive(_lowest(e - low, box) + 1) and surely_positive(_lowest(high - e, box))


def _circular_argument(**values: object) -> tuple[list, tuple]:
    """The symbolic tier of circular-corr-transpose (see :func:`circulant_argument`)."""
    return [], (argued(Tier.SYMBOLIC, circulant_argument(), _C, values),)


def circulant_argument(swapped: bool = True) -> list[tuple[bool, str, list]]:
    """Entry (j, i) of both sides from the index maps, with n, m and lo symbolic.

    Left: entry (i, j) of the circular correlation, Σ_u q_u [Mod(A, n) = j]; right:
    Σ_u q_u [Mod(B, n) = i]. With 0 <= i, j < n each condition says n | A − j (resp.
    n | B − i); the argument checks, from the operators' own index maps, that both sides
    are one sum over the taps u of q with equal coefficients, that every other range
    guard holds for all 0 <= i, j < n, 0 <= u < m, and that (A − j) + (B − i) = 0, so the
    two divisibility conditions are the same. ``swapped=False`` states the wrong right
    side (the padding not swapped), for which the argument fails.
    """
    n, m = sp.symbols("n m", integer=True, positive=True)
    lo = sp.Symbol("lo", integer=True, nonnegative=True)
    i, j = sp.symbols("i j", integer=True, nonnegative=True)
    u = sp.Symbol("u", integer=True)
    q = kernels.family("q", m)
    hi = m - 1 - lo
    correlation = [Corr(q, n + m - 1), BorderPad(n, lo, hi, "circular")]
    pads = (hi, lo) if swapped else (lo, hi)
    convolution = [Conv(q, n + m - 1, "valid"), BorderPad(n, *pads, "circular")]
    sides = []
    for factors, index in ((correlation, i), (convolution, j)):
        terms = product(factors, (index,))
        if len(terms) != 1:
            return [(False, f"{len(terms)} terms in a row, not one sum over the taps", [])]
        c, (col,), guards = terms[0]
        tap = {d: u for d in sp.sympify(c).atoms(sp.Dummy)}  # one name for the tap index
        sides.append(
            (
                sp.sympify(c).xreplace(tap),
                sp.sympify(col).xreplace(tap),
                {(g[0], *(sp.sympify(x).xreplace(tap) for x in g[1:])) for g in guards},
            )
        )
    (cl, col_l, guards_l), (cr, col_r, guards_r) = sides
    # Every part examined these rows, built with n, m and lo symbolic.
    rows = [cl, col_l, cr, col_r, *(x for g in (*guards_l, *guards_r) for x in g[1:])]
    box = {i: (0, n - 1), j: (0, n - 1), u: (0, m - 1)}
    taps_range = ("range", u, 0, m)
    others = [g for g in (*guards_l, *guards_r) if g != taps_range]
    same_divisor = (
        isinstance(col_l, sp.Mod)
        and isinstance(col_r, sp.Mod)
        and col_l.args[1] == n == col_r.args[1]
        and sp.expand(col_l.args[0] - j + col_r.args[0] - i) == 0
    )
    parts = [
        (
            cl == cr and taps_range in guards_l and taps_range in guards_r,
            "both sides are one sum Σ_u q_u over the taps 0 <= u < m",
            rows,
        ),
        (
            all(_holds_on(g, box) for g in others),
            "every other range guard holds for all 0 <= i, j < n, 0 <= u < m",
            rows,
        ),
        (
            same_divisor,
            f"[{col_l} = j] and [{col_r} = i] both say n | {sp.expand(col_l.args[0] - j)} "
            "(the two arguments sum to i + j), so the two matrices have equal entries",
            rows,
        ),
    ]
    return parts


_CIRCULAR = Rule(
    "circular-transpose",
    "a circulant's transpose is the circulant of the reversed kernel",
    r"C_q^{\mathsf T} = C_{\operatorname{flip} q}",
)

_C = (N_PARAM, M_PARAM, param("lo", 1, "padding at the start (hi = m − 1 − lo)", 0))

CIRCULAR_CORR_TRANSPOSE = Entry(
    name="circular-corr-transpose",
    statement="(q ⋆ BorderPad(n, lo, hi, circular))ᵀ = q ∗ BorderPad(n, hi, lo, circular): the "
    "transpose of circular correlation (a Conv layer with padding_mode='circular', "
    "lo + hi = m − 1) is circular convolution with the same kernel, the padding swapped; "
    "for every n, m and split, pads longer than n (wrapping more than once) included",
    source="PyTorch Conv1d/2d/3d(padding_mode='circular'); circulant matrices "
    "(Gray, Toeplitz and Circulant Matrices: A Review, 2006)",
    params=_C,
    sides=_circular_sides,
    chain=lambda n, m, lo: [
        Step(_circular_sides(n, m, lo)[0]),
        Step(_circular_sides(n, m, lo)[1], _CIRCULAR),
    ],
    grid=lambda: grid(n=range(1, 9), m=range(1, 6), lo=range(0, 5)),
    bounds="n ≤ 8, m ≤ 5, every split lo + hi = m − 1",
    extra=_circular_argument,
)

ENTRIES = (PADDING_FOLD_BACK, CIRCULAR_CORR_TRANSPOSE)
