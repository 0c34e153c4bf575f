"""Interpolation by an integer factor k as a transposed convolution, and where it is not.

- ``bilinear-upsample-conv``: linear interpolation by k with half-pixel centres (PyTorch
  ``align_corners=False``, TensorFlow, JAX) is the stride-k transposed convolution with the
  bilinear kernel of FCN (Long et al. 2015) plus a correction at the two borders, stated
  entry by entry;
- ``bilinear-align-corners-conv``: with ``align_corners=True`` and output length k(n−1)+1
  the two are equal everywhere;
- ``nearest-interpolate-conv``: nearest (and nearest-exact) interpolation by k is nearest
  up-sampling, the transposed convolution with the ones kernel 1ₖ (``nearest-upsample-conv``
  with q = (1)).
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatAdd

from symconv.catalogue._common import K_RANGE, N_RANGE, param
from symconv.catalogue.entry import Entry, grid
from symconv.derivation import Rule, Step, Tier, TierResult
from symconv.operators import ConvTranspose, NearestUpsample
from symconv.operators.index_map import guard_holds
from symconv.operators.resample import Resample, source_map

__all__ = [
    "BILINEAR_ALIGN_CORNERS_CONV",
    "BILINEAR_UPSAMPLE_CONV",
    "ENTRIES",
    "NEAREST_INTERPOLATE_CONV",
    "bilinear_kernel",
    "border_correction",
]

_N = param("n", 4, "input length")
_K = param("k", 2, "integer up-sampling factor")


def bilinear_kernel(k: int) -> tuple[sp.Rational, ...]:
    """FCN's bilinear up-sampling kernel for factor k: length 2k − k mod 2, ``1 − |t − c|/k``.

    The centre c is (K − 1)/2 for the length K (``upsample_filt`` of Long et al.'s code).

    Examples
    --------
    >>> bilinear_kernel(2), bilinear_kernel(3)
    ((1/4, 3/4, 3/4, 1/4), (1/3, 2/3, 1, 2/3, 1/3))
    """
    length = 2 * k - k % 2
    centre = sp.Rational(length - 1, 2)
    return tuple(1 - abs(t - centre) / sp.Integer(k) for t in range(length))


def border_correction(n: int, k: int) -> sp.ImmutableSparseMatrix:
    """The kn × n matrix B with ``B[i, 0] = B[kn−1−i, n−1] = (k − 1 − 2i)/(2k)`` for i < ⌊k/2⌋.

    Examples
    --------
    >>> border_correction(2, 2)
    Matrix([
    [1/4,   0],
    [  0,   0],
    [  0,   0],
    [  0, 1/4]])
    """
    entries: dict[tuple[int, int], sp.Rational] = {}
    for i in range(k // 2):
        weight = sp.Rational(k - 1 - 2 * i, 2 * k)
        for position in ((i, 0), (k * n - 1 - i, n - 1)):
            entries[position] = entries.get(position, 0) + weight
    return sp.ImmutableSparseMatrix(k * n, n, entries)


def _row(op: object, i: sp.Expr) -> dict | None:
    """Row i of a 1-D operator as {column: weight}, every guard and clamp decided by the
    assumptions on the symbols; None when one cannot be decided."""
    row: dict = {}
    for c, (col,), guards in op.index_map((i,)):
        holds = []
        for g in guards:
            try:
                holds.append(guard_holds(g))
            except TypeError:  # a relational SymPy cannot decide
                return None
        column = sp.expand(col)
        if column.has(sp.Min, sp.Max, sp.floor, sp.ceiling) or c.has(sp.floor, sp.Piecewise):
            return None
        if all(holds) and c != 0:
            row[column] = sp.expand(row.get(column, 0) + c)
    return {col: w for col, w in row.items() if w != 0}


def residue_argument(k: int, sides, correction=None) -> TierResult:
    r"""Row equality for every n at a fixed factor k, by the residue classes of the row.

    Row i = k·j + r (r < k) is compared on three ranges of j (after the shapes), with the
    sizes written so that SymPy decides every clamp and guard: the interior j = a + u with
    n = j + b + 1 + v (u, v >= 0 symbolic); the first rows j < a with n = a + b + 1 + v;
    the last rows j = n − 1 − m (m < b), n = a + b + 1 + v. That covers every row of every
    n >= a + b + 1 (a = b = 2 here); every row of the smaller n is compared at its size.
    ``sides(n)`` builds both sides at a symbolic n; ``correction(n, i)`` is the extra
    right-hand row {column: weight} (the border matrix), or None.
    """
    a = b = 2
    u, v = sp.symbols("u v", integer=True, nonnegative=True)
    cases = []
    # Every row of every n <= a + b first, at concrete sizes (so that the argument does not
    # lean on the exhaustive grid, whose k may not be this one).
    small = [(sp.Integer(j), sp.Integer(size)) for size in range(1, a + b + 1) for j in range(size)]
    for r in range(k):
        cases += small
        cases.append((a + u, a + u + b + 1 + v))  # interior: n − 1 − j >= b
        cases += [(j, a + b + 1 + v) for j in range(a)]
        cases += [(a + b + v - m, a + b + 1 + v) for m in range(b)]
        for j, n in cases:
            left, right = sides(n)
            if sp.expand(left.rows - right.rows) != 0 or sp.expand(left.cols - right.cols) != 0:
                return TierResult(Tier.SYMBOLIC, False, f"shapes differ at n = {n}")
            i = k * j + r
            if (sp.expand(i - left.rows)).is_nonnegative:
                continue  # past the last row (align_corners: k(n − 1) + 1 rows)
            got, want = _row(left, i), _row(right, i)
            if got is None or want is None:
                return TierResult(Tier.SYMBOLIC, False, f"row {i} not decided at n = {n}")
            for column, weight in (correction(n, i) if correction else {}).items():
                want[column] = sp.expand(want.get(column, 0) + weight)
            want = {col: w for col, w in want.items() if w != 0}
            if got != want:
                return TierResult(
                    Tier.SYMBOLIC, False, f"row {i} at n = {n}: left {got}, right {want}"
                )
        cases = []
    return TierResult(
        Tier.SYMBOLIC,
        True,
        f"for all n (k = {k}): every row i = k·j + r, r < k, on the interior "
        f"(j >= {a}, n − 1 − j >= {b}, u, v symbolic) and the {a} first and {b} last j "
        f"for every n >= {a + b + 1}, and every row of every n <= {a + b}",
        "all",
        fixed={"k": k},
    )


def _border_row(n: sp.Expr, i: sp.Expr, k: int) -> dict:
    """Row i of :func:`border_correction` for a symbolic n (i = k·j + r)."""
    out: dict = {}
    for first in range(k // 2):
        weight = sp.Rational(k - 1 - 2 * first, 2 * k)
        if sp.expand(i - first) == 0:
            out[sp.Integer(0)] = out.get(sp.Integer(0), 0) + weight
        if sp.expand(k * n - 1 - first - i) == 0:
            out[sp.expand(n - 1)] = out.get(sp.expand(n - 1), 0) + weight
    return out


def _half_pixel(n: int, k: int) -> Resample:
    return Resample(n, k * n, "linear", *source_map("half_pixel", n, k * n))


def _bilinear_sides(n: int, k: int) -> tuple:
    fcn = ConvTranspose(bilinear_kernel(k), n, k // 2, k)
    return _half_pixel(n, k), MatAdd(fcn, border_correction(n, k))


_FCN_ROWS = Rule(
    "interpolation-rows",
    "row i of the interpolation: src = (i + ½)/k − ½ lies between the inputs ⌊src⌋ and "
    "⌊src⌋ + 1 with weights 1 − t, t, which are the FCN kernel taps q[i + ⌊k/2⌋ − k·j]; "
    "in the first and last ⌊k/2⌋ rows src is outside [0, n − 1] and the clamped tap "
    "adds (k − 1 − 2i)/(2k)",
    r"R = T_{\mathrm{FCN}} + B",
)

BILINEAR_UPSAMPLE_CONV = Entry(
    name="bilinear-upsample-conv",
    statement="linear interpolation from n to kn with half-pixel centres (align_corners=False) "
    "= ConvTranspose(FCN bilinear kernel of length 2k − k mod 2; stride k, padding ⌊k/2⌋) + B, "
    "B nonzero only at B[i, 0] = B[kn−1−i, n−1] = (k − 1 − 2i)/(2k) for i < ⌊k/2⌋: "
    "equal in every row but the first and last ⌊k/2⌋; for every n (at the chosen k; "
    "all k <= 4 exhaustively for n <= 12)",
    source="Long, Shelhamer & Darrell (2015), Fully convolutional networks (bilinear "
    "initialisation of the deconvolution); torch.nn.functional.interpolate",
    params=(_N, _K),
    sides=_bilinear_sides,
    chain=lambda n, k: [Step(_bilinear_sides(n, k)[0]), Step(_bilinear_sides(n, k)[1], _FCN_ROWS)],
    grid=lambda: grid(n=N_RANGE, k=K_RANGE),
    bounds="n ≤ 12, k ≤ 4",
    extra=lambda n, k: (
        [],
        (
            residue_argument(
                k,
                lambda size: (
                    _half_pixel(size, k),
                    ConvTranspose(bilinear_kernel(k), size, k // 2, k),
                ),
                lambda size, i: _border_row(size, i, k),
            ),
        ),
    ),
)


def triangle_kernel(k: int) -> tuple[sp.Rational, ...]:
    """The triangle ``1 − |t − (k − 1)|/k`` of length 2k − 1 (linear interpolation by k)."""
    return tuple(1 - abs(t - (k - 1)) / sp.Integer(k) for t in range(2 * k - 1))


def _align_corners_sides(n: int, k: int) -> tuple:
    length = k * (n - 1) + 1
    interpolation = Resample(n, length, "linear", *source_map("align_corners", n, length))
    return interpolation, ConvTranspose(triangle_kernel(k), n, k - 1, k)


_CORNER_ROWS = Rule(
    "interpolation-rows",
    "row i = k·j + r of the interpolation reads x_j, x_{j+1} with weights 1 − r/k, r/k: "
    "the taps k − 1 ± r of the triangle; src = i/k never leaves [0, n − 1], so no clamping",
    r"R = T_{\triangle}",
)

BILINEAR_ALIGN_CORNERS_CONV = Entry(
    name="bilinear-align-corners-conv",
    statement="linear interpolation from n to k(n−1)+1 with align_corners=True = "
    "ConvTranspose(triangle 1 − |t − (k−1)|/k of length 2k − 1; stride k, padding k − 1), "
    "exactly (every row), for every n (at the chosen k; all k <= 4 exhaustively for "
    "n <= 12); at any other output length "
    "(e.g. scale_factor=k, length kn) the weights are not k-periodic and it is no "
    "transposed convolution",
    source="torch.nn.functional.interpolate(align_corners=True); Dumoulin & Visin (2016)",
    params=(_N, _K),
    sides=_align_corners_sides,
    chain=lambda n, k: [
        Step(_align_corners_sides(n, k)[0]),
        Step(_align_corners_sides(n, k)[1], _CORNER_ROWS),
    ],
    grid=lambda: grid(n=N_RANGE, k=K_RANGE),
    bounds="n ≤ 12, k ≤ 4",
    extra=lambda n, k: ([], (residue_argument(k, lambda size: _align_corners_sides(size, k)),)),
)


def _nearest_sides(n: int, k: int, exact: int = 0) -> tuple:
    s = sp.Rational(1, k)
    interpolation = Resample(n, k * n, "nearest", s, s / 2 if exact else 0)
    return interpolation, ConvTranspose((1,) * k, n, 0, k)


_NEAREST_ROWS = Rule(
    "interpolation-rows",
    "row i reads x_{⌊i/k⌋} (⌊(i + ½)/k⌋ = ⌊i/k⌋ for nearest-exact, k an integer): "
    "nearest up-sampling, the stride-k scatter of the ones kernel 1ₖ",
    r"R = T_{1_k}",
)

NEAREST_INTERPOLATE_CONV = Entry(
    name="nearest-interpolate-conv",
    statement="nearest and nearest-exact interpolation from n to kn = NearestUpsample(n, k) "
    "= ConvTranspose(1ₖ; stride k), for every n (at the chosen k; all k <= 4 "
    "exhaustively for n <= 12; nearest-upsample-conv with q = (1))",
    source="torch.nn.functional.interpolate(mode='nearest' / 'nearest-exact'); "
    'Odena, Dumoulin & Olah, "Deconvolution and checkerboard artifacts" (Distill 2016)',
    params=(_N, _K, param("exact", 0, "1: nearest-exact", minimum=0)),
    sides=_nearest_sides,
    chain=lambda n, k, exact: [
        Step(_nearest_sides(n, k, exact)[0]),
        Step(NearestUpsample(n, k), _NEAREST_ROWS),
        Step(_nearest_sides(n, k, exact)[1], _NEAREST_ROWS),
    ],
    grid=lambda: grid(n=N_RANGE, k=K_RANGE, exact=(0, 1)),
    bounds="n ≤ 12, k ≤ 4, both roundings",
    extra=lambda n, k, exact: (
        [],
        (residue_argument(k, lambda size: _nearest_sides(size, k, exact)),),
    ),
)

ENTRIES = (BILINEAR_UPSAMPLE_CONV, BILINEAR_ALIGN_CORNERS_CONV, NEAREST_INTERPOLATE_CONV)
