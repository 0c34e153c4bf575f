"""Convolution itself: strides and dilations as factorisations, commutativity, associativity."""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatMul

from symconv import kernels, sizes
from symconv.catalogue._common import (
    HI_PARAM,
    LO_PARAM,
    M_PARAM,
    MODE_PARAM,
    N_RANGE,
    P_RANGE,
    S_PARAM,
    at_least,
    hi,
    lo,
    m,
    n,
    param,
    q,
    s,
    taps,
)
from symconv.catalogue._common import d as d_symbol
from symconv.catalogue.entry import Entry, argued, chain_from_script, grid
from symconv.derivation import Rule, Step, Tier, TierResult
from symconv.operators import Conv, Corr, Downsample

__all__ = ["ENTRIES"]


def _strided_sides(n: object, m: object, s: object, lo: object, hi: object) -> tuple:
    inner = Corr(taps(m), n, (lo, hi))
    return Corr(taps(m), n, (lo, hi), s), MatMul(Downsample(inner.rows, s), inner)


_NON_EMPTY = "n + lo + hi >= d(m−1) + 1 (a non-empty output)"


STRIDED_CONV = Entry(
    name="strided-conv",
    statement="Corr(q; lo, hi, stride s) = ↓ₛ(q⋆x): a strided conv is the stride-1 conv, "
    "decimated; "
    "for all n, m, s >= 1, lo, hi >= 0 with a non-empty output",
    source="Dumoulin & Visin (2016) §1 (strides as subsampling)",
    params=(param("n", 7, "signal length"), M_PARAM, S_PARAM, LO_PARAM, HI_PARAM),
    sides=_strided_sides,
    chain=lambda **v: chain_from_script(_strided_sides(**v)[0], [("rule", "corr-stride")]),
    grid=lambda: grid(n=N_RANGE, m=range(1, 6), s=range(2, 5), lo=P_RANGE, hi=P_RANGE),
    bounds="n ≤ 12, m ≤ 5, 2 ≤ s ≤ 4, lo, hi ≤ 2",
    general=lambda m, **_: (
        chain_from_script(_strided_sides(n, m, s, lo, hi)[0], [("rule", "corr-stride")]),
        _strided_sides(n, m, s, lo, hi)[1],
        f"for all n, s, lo, hi (m = {m})",
    ),
    symbolic=lambda **_: (
        *_strided_sides(at_least("n", m - lo - hi), m, s, lo, hi),
        "for all n, m, s >= 1, lo, hi >= 0 with n + lo + hi >= m (a non-empty output)",
    ),
    numeric_every=5,
)


def _dilated_sides(n: object, m: object, d: object, lo: object, hi: object) -> tuple:
    kernel = taps(m)
    dilated = (
        kernel.dilated(d) if isinstance(kernel, kernels.KernelFamily) else kernels.dilate(kernel, d)
    )
    return Corr(kernel, n, (lo, hi), 1, d), Corr(dilated, n, (lo, hi))


DILATED_CONV = Entry(
    name="dilated-conv",
    statement="Corr(q; lo, hi, dilation d) = (↑_d q)⋆x: a dilated conv correlates with the kernel "
    "with d−1 zeros between taps; for all n, m, d >= 1, lo, hi >= 0 with a non-empty output",
    source="Dumoulin & Visin (2016) §5.1 (dilated convolutions)",
    params=(param("n", 7, "signal length"), M_PARAM, param("d", 2, "dilation"), LO_PARAM, HI_PARAM),
    sides=_dilated_sides,
    chain=lambda **v: chain_from_script(_dilated_sides(**v)[0], [("rule", "corr-dilation")]),
    grid=lambda: grid(n=N_RANGE, m=range(1, 6), d=range(2, 5), lo=P_RANGE, hi=P_RANGE),
    bounds="n ≤ 12, m ≤ 5, 2 ≤ d ≤ 4, lo, hi ≤ 2",
    general=lambda m, d, **_: (
        chain_from_script(_dilated_sides(n, m, d, lo, hi)[0], [("rule", "corr-dilation")]),
        _dilated_sides(n, m, d, lo, hi)[1],
        f"for all n, lo, hi (m = {m}, d = {d})",
    ),
    symbolic=lambda **_: (
        *_dilated_sides(at_least("n", d_symbol * (m - 1) + 1 - lo - hi), m, d_symbol, lo, hi),
        f"for all n, m, d >= 1, lo, hi >= 0 with {_NON_EMPTY}",
    ),
    numeric_every=5,
)


def _commutative_sides(n: int, m: int, mode: str) -> tuple:
    x = kernels.kernel("x", n)
    return (
        MatMul(Conv(q(m), n, mode), sp.ImmutableMatrix(x)),
        MatMul(Conv(x, m, mode), sp.ImmutableMatrix(q(m))),
    )


_SWAP = Rule("swap-roles", "Σⱼ q_{i−j} xⱼ = Σₜ x_{i−t} qₜ (t = i − j)", r"q*x = x*q")


_COMMUTATIVE_PARAMS = (param("n", 4, "signal length"), M_PARAM, MODE_PARAM)


def _commutative_symbolic(**values: object) -> tuple[list, tuple[TierResult, ...]]:
    """Entry i of q∗x and x∗q as SymPy sums with symbolic n, m, i; reindex one onto the other.

    Two parts, each with n and m symbolic: the entries of the full convolution (every
    i), and the rows each mode keeps, for every mode (so ``mode`` is free too). The
    scope is derived from the expressions checked (:func:`argued`).
    """
    i, t, j = sp.symbols("i t j", integer=True)
    Q, X = sp.IndexedBase("q"), sp.IndexedBase("x")
    # Full convolution: the summation range is exactly where both factors are defined.
    qx = sp.Sum(Q[t] * X[i - t], (t, sp.Max(0, i - n + 1), sp.Min(m - 1, i)))
    xq = sp.Sum(X[j] * Q[i - j], (j, sp.Max(0, i - m + 1), sp.Min(n - 1, i)))
    reindexed = qx.change_index(t, i - t, j)  # j = i − t
    # The reindexed bounds are i − Min(i, m−1) and i − Max(0, i−n+1); compare them with
    # x∗q's bounds as piecewise expressions (exact case analysis by SymPy, no sums).
    same_range = all(
        sp.simplify((a - b).rewrite(sp.Piecewise)) == 0
        for a, b in zip(reindexed.limits[0][1:], xq.limits[0][1:])
    )
    same_terms = sp.simplify(reindexed.function - xq.function) == 0
    # NumPy swaps the inputs when n < m, so every mode's rows are symmetric in n and m:
    # shown with n and m symbolic, not only for n >= m.
    crops = [
        (sizes.conv_crop(n, m, mode), sizes.conv_crop(m, n, mode)) for mode in sizes.CONV_MODES
    ]
    symmetric = all(sp.simplify(a - b) == 0 for x, y in crops for a, b in zip(x, y))
    return [], (
        argued(
            Tier.SYMBOLIC,
            [
                (
                    same_range and same_terms,
                    f"entry i of the full convolution, {qx}, becomes {xq} under t = i − j "
                    "(no delta sums)",
                    (qx, xq),
                ),
                (
                    symmetric,
                    "every mode keeps the rows (first row, length) = conv_crop(n, m) = "
                    "conv_crop(m, n), symmetric in n and m (n < m included)",
                    [sp.Tuple(*x, *y) for x, y in crops],
                ),
            ],
            _COMMUTATIVE_PARAMS,
            values,
            # Every mode was checked: the choice parameter is free.
            choices_run={"mode"} if set(sizes.CONV_MODES) >= set(MODE_PARAM.choices) else (),
        ),
    )


CONV_COMMUTATIVE = Entry(
    name="conv-commutative",
    statement="q∗x = x∗q for all n, m >= 1 in every mode (NumPy's swap of the inputs for n < m "
    "makes 'valid' and 'same' symmetric too)",
    source="DSP textbook identity; numpy.convolve documentation (modes)",
    params=_COMMUTATIVE_PARAMS,
    sides=_commutative_sides,
    chain=lambda **v: [Step(_commutative_sides(**v)[0]), Step(_commutative_sides(**v)[1], _SWAP)],
    grid=lambda: grid(n=N_RANGE, m=range(1, 6), mode=sizes.CONV_MODES),
    bounds="n ≤ 12, m ≤ 5, all three modes",
    extra=_commutative_symbolic,
)


def _associative_sides(n: object, m: object, r: object) -> tuple:
    first, second = taps(m), taps(r, "r")
    symbolic = any(isinstance(x, kernels.KernelFamily) for x in (first, second))
    both = kernels.KernelConvolution(first, second) if symbolic else kernels.convolve(first, second)
    return (
        MatMul(Conv(first, n + r - 1, "full"), Conv(second, n, "full")),
        Conv(both, n, "full"),
    )


CONV_ASSOCIATIVE = Entry(
    name="conv-associative",
    statement="q∗(r∗x) = (q∗r)∗x in full mode, for all n, m, r >= 1",
    source='DSP textbook identity; blog post "Transfer convolution transposed convolution"',
    params=(param("n", 4, "signal length"), M_PARAM, param("r", 2, "length of the second kernel")),
    sides=_associative_sides,
    chain=lambda **v: chain_from_script(_associative_sides(**v)[0], [("rule", "conv-associative")]),
    grid=lambda: grid(n=N_RANGE, m=range(1, 6), r=range(1, 5)),
    bounds="n ≤ 12, m ≤ 5, r ≤ 4",
    symbolic=lambda **_: (
        *_associative_sides(n, m, sp.Symbol("r", integer=True, positive=True)),
        "for all n, m, r >= 1",
    ),
)

ENTRIES = (STRIDED_CONV, DILATED_CONV, CONV_COMMUTATIVE, CONV_ASSOCIATIVE)
