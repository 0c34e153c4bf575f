"""Identities of ↑ₖ and ↓ₖ alone: transposition, ↓ₖ↑ₖ = I, ↑ₖ↓ₖ = projector."""

from __future__ import annotations

from sympy.matrices.expressions import Identity, MatMul, Transpose

from symconv import sizes
from symconv.catalogue._common import K_PARAM, K_RANGE, N_RANGE, N, k, n, param
from symconv.catalogue.entry import Entry, Param, chain_from_script, grid
from symconv.derivation import Rule, Step
from symconv.errors import ParameterError
from symconv.operators import Downsample, MultiplesProjector, Upsample
from symconv.proof.symbolic import bounded

__all__ = ["ENTRIES"]

_LENGTH = param("N", 4, "length of the long signal, k(n−1)+1 <= N <= k·n")


def _transpose_sides(N: int, k: int) -> tuple:
    return Transpose(Downsample(N, k)), Upsample(sizes.downsample_length(N, k), k, N)


UP_DOWN_TRANSPOSE = Entry(
    name="up-down-transpose",
    statement="(↓ₖ on ℝᴺ)ᵀ = ↑ₖ to length N, for all N, k >= 1; in particular ↑ₖ = ↓ₖᵀ",
    source='Data Science Stack Exchange, "What are deconvolutional layers?" (↑ₖ = ↓ₖᵀ)',
    params=(_LENGTH, K_PARAM),
    sides=_transpose_sides,
    chain=lambda N, k: chain_from_script(_transpose_sides(N, k)[0], [("rule", "down-transpose")]),
    grid=lambda: grid(N=N_RANGE, k=K_RANGE),
    bounds="N ≤ 12, k ≤ 4",
    general=lambda **_: (
        chain_from_script(_transpose_sides(N, k)[0], [("rule", "down-transpose")]),
        _transpose_sides(N, k)[1],
        "for all N, k",
    ),
    symbolic=lambda **_: (*_transpose_sides(N, k), "for all N, k"),
)


def _length(n: int, k: int, length: int | None) -> int:
    shortest, longest = k * (n - 1) + 1, k * n
    if length is None or length == 0:
        return longest
    if not shortest <= length <= longest:
        raise ParameterError(
            "length", length, f"an integer from k(n−1)+1 = {shortest} to k·n = {longest}"
        )
    return length


_N = param("n", 3, "length of the short signal")
_LEN = Param("length", 0, "length N of ↑ₖ (0: k·n)", minimum=0)

#: The length N of ↑ₖ as a free parameter with the statement's condition k(n−1)+1 <= N <= k·n.
_length_symbol = bounded("length", k * (n - 1) + 1, k * n)
_EVERY_LENGTH = "for all n, k >= 1 and every length with k(n−1)+1 <= length <= k·n"


def _down_up_sides(n: int, k: int, length: int = 0) -> tuple:
    N_ = _length(n, k, length)
    return MatMul(Downsample(N_, k), Upsample(n, k, N_)), Identity(n)


def _lengths() -> list[dict]:
    return [
        {"n": n_, "k": k_, "length": L}
        for n_ in N_RANGE
        for k_ in K_RANGE
        for L in range(k_ * (n_ - 1) + 1, k_ * n_ + 1)
    ]


DOWN_UP_IDENTITY = Entry(
    name="down-up-identity",
    statement="↓ₖ↑ₖ = I on ℝⁿ, for all n, k >= 1 and every length N of ↑ₖ (k(n−1)+1 <= N <= k·n)",
    source='Data Science Stack Exchange, "What are deconvolutional layers?"; '
    "deconvolution is not an inverse",
    params=(_N, K_PARAM, _LEN),
    sides=_down_up_sides,
    chain=lambda n, k, length: chain_from_script(
        _down_up_sides(n, k, length)[0], [("rule", "down-up")]
    ),
    grid=_lengths,
    bounds="n ≤ 12, k ≤ 4, every length N",
    general=lambda **_: (
        chain_from_script(MatMul(Downsample(k * n, k), Upsample(n, k)), [("rule", "down-up")]),
        Identity(n),
        "for all n, k (N = k·n)",
    ),
    symbolic=lambda **_: (
        MatMul(Downsample(_length_symbol, k), Upsample(n, k, _length_symbol)),
        Identity(n),
        _EVERY_LENGTH,
    ),
)


def _projector_sides(n: int, k: int, length: int = 0) -> tuple:
    N_ = _length(n, k, length)
    return MatMul(Upsample(n, k, N_), Downsample(N_, k)), MultiplesProjector(N_, k)


_PROJECT = Rule(
    "compose-index-maps",
    "row i of ↑ₖ↓ₖ: [k | i] e_{k·(i/k)} = [k | i] eᵢ",
    r"(\uparrow_k\downarrow_k)_{ij} = [k \mid i]\,\delta_{ij}",
)

UP_DOWN_PROJECTOR = Entry(
    name="up-down-projector",
    statement="↑ₖ↓ₖ on ℝᴺ = diag([k | i]), the 0/1 projector onto multiples of k, "
    "for all N, k >= 1",
    source='Data Science Stack Exchange, "What are deconvolutional layers?" '
    "(↑₂↓₂ = diag(1,0,1,0,…))",
    params=(_N, K_PARAM, _LEN),
    sides=_projector_sides,
    chain=lambda n, k, length: [
        Step(_projector_sides(n, k, length)[0]),
        Step(_projector_sides(n, k, length)[1], _PROJECT),
    ],
    grid=_lengths,
    bounds="n ≤ 12, k ≤ 4, every length N",
    symbolic=lambda **_: (
        MatMul(Upsample(n, k, _length_symbol), Downsample(_length_symbol, k)),
        MultiplesProjector(_length_symbol, k),
        _EVERY_LENGTH,
    ),
)

ENTRIES = (UP_DOWN_TRANSPOSE, DOWN_UP_IDENTITY, UP_DOWN_PROJECTOR)
