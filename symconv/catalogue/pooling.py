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

import sympy as sp
from sympy.matrices.expressions import MatMul

from symconv import kernels
from symconv.catalogue._common import K_RANGE, N_RANGE, at_least, param
from symconv.catalogue.entry import Entry, grid
from symconv.derivation import Rule, Step
from symconv.errors import SymconvError
from symconv.operators import AvgPool, Corr
from symconv.proof.counterexample import first_difference
from symconv.proof.symbolic import BoundedSymbol

__all__ = ["AVG_POOL_AS_STRIDED_CORR", "ENTRIES", "where_it_breaks"]

_PARAMS = (
    param("n", 5, "input length"),
    param("k", 2, "kernel (window) size"),
    param("s", 2, "stride"),
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
    r"(P x)_i = \tfrac{1}{k} \sum_{u=0}^{k-1} \tilde{x}_{is - lo + u}",
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


ENTRIES = (AVG_POOL_AS_STRIDED_CORR,)
