"""The SciPy-backed exact path of symconv.matrices agrees with the DomainMatrix path and
with SymPy's own entry-by-entry ``as_explicit()`` (which shares none of its code)."""

import itertools
import sys
from pathlib import Path

import pytest
import sympy as sp
from sympy import KroneckerProduct, MatAdd, MatMul, Transpose

from symconv import Conv, ConvTranspose, Corr, Crop, Downsample, Flip, Pad, Upsample, kernel
from symconv._polymatrix import CoefficientOverflowError, PolyMatrix
from symconv.errors import ShapeMismatchError
from symconv.matrices import (
    _fast,
    _polymatrix,
    _sparse,
    derived_entries,
    domain_of,
    explicit,
    first_difference,
    same_matrix,
    sparse_matrix,
)
from symconv.operators.channels import ConvTransposeNd, CorrNd, weight_tensor
from symconv.operators.grid import Permute

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from common import dense_sympy  # the exact benchmark's dense baseline

q = kernel("q", 3)
r = kernel("r", 2)

OPERATORS = [
    Downsample(7, 3),
    Upsample(3, 2),
    Upsample(3, 2, length=5),
    Pad(4, 1, 2),
    Crop(6, 2, 1),
    Flip(5),
    *(Conv(q, n, mode) for n in (2, 5) for mode in ("full", "same", "valid")),
    Corr(q, 7, "same", stride=2),
    Corr(q, 9, (2, 1), stride=3, dilation=2),
    ConvTranspose(q, 4, (1, 1), stride=2, output_padding=1),
    ConvTranspose(r, 3, (0, 2), stride=3, dilation=2, output_padding=2),
    Conv((1, -2, 3), 5, "same"),
    Conv((q[0] + 2 * q[1], 0, q[0] * r[0]), 4),
    # N-D layers: channels, groups, per-axis stride, dilation and padding; zero taps.
    CorrNd(weight_tensor("w", (4, 1, 2, 3)), (5, 6), ((1, 0), (2, 2)), (2, 1), (1, 2), groups=2),
    CorrNd([[[[1, 0], [0, -2]]], [[[q[0], 0], [3, q[1]]]]], (3, 4), "same"),
    ConvTransposeNd(weight_tensor("w", (2, 3, 3, 2)), (3, 2), (1, 0), (2, 3), (1, 1), (1, 2)),
    Permute((2, 3, 4), (2, 0, 1)),
    Permute((5,), (0,)),
]

COMPOSITES = [
    MatMul(Conv(q, 6, "same"), Upsample(3, 2), evaluate=False),
    Transpose(MatMul(Downsample(6, 2), Transpose(Conv(q, 6, "same")), evaluate=False)),
    MatAdd(Conv(q, 4, "same"), Flip(4), -3 * Conv(r, 4, "same")),
    KroneckerProduct(Conv(r, 2), Corr(q, 4, stride=2)),
    MatMul(Conv(r, 4), Conv(q, 2), evaluate=False),
    sp.Rational(1, 2) * Conv(q, 3),  # QQ: served by the DomainMatrix path
    MatMul(sp.ImmutableMatrix([[1, q[0]], [0, 2]]), Flip(2), evaluate=False),
]


@pytest.mark.parametrize("expr", OPERATORS + COMPOSITES, ids=str)
def test_fast_path_matches_entrywise_sympy(expr):
    dense = dense_sympy(expr).applyfunc(sp.expand)
    assert explicit(expr) == dense
    K = domain_of(expr)
    assert sparse_matrix(expr, K) == _sparse(expr, K)


@pytest.mark.parametrize("expr", [e for e in OPERATORS if _fast(e)], ids=str)
def test_fast_path_matches_the_index_map(expr):
    """Each operator's fast builder gives the matrix its index map defines (the default)."""
    K = domain_of(expr)
    derived = {}
    for i, j, value in derived_entries(expr):
        derived[i, j] = sp.expand(derived.get((i, j), 0) + value)
    fast = sparse_matrix(expr, K).to_Matrix().todok()
    assert {cell: sp.expand(v) for cell, v in fast.items()} == {
        cell: v for cell, v in derived.items() if v != 0
    }


def test_first_difference_names_the_first_differing_entry():
    lhs = MatMul(Conv(q, 4, "same"), Upsample(2, 2), evaluate=False)
    assert first_difference(lhs, lhs.T.T) is None
    wrong = MatMul(Conv(q, 4, "same"), Pad(2, 1, 1), evaluate=False)
    dense_l, dense_w = lhs.as_explicit(), wrong.as_explicit()
    cells = [c for c in itertools.product(range(4), range(2)) if dense_l[c] != dense_w[c]]
    i, j = cells[0]
    assert first_difference(lhs, wrong) == (i, j, dense_l[i, j], dense_w[i, j])
    assert not same_matrix(lhs, wrong)
    assert not same_matrix(lhs, Conv(q, 4))
    with pytest.raises(ShapeMismatchError, match=r"\(4, 2\).*\(6, 4\)"):
        first_difference(lhs, Conv(q, 4))


def test_rational_domain_falls_back_and_still_compares():
    half = sp.Rational(1, 2) * Conv(q, 3)
    assert first_difference(half + half, Conv(q, 3)) is None
    assert first_difference(half, Conv(q, 3))[2:] == (q[0] / 2, q[0])


def test_coefficient_overflow_is_detected_not_wrapped():
    big = sp.Integer(2) ** 40
    expr = MatMul(big * Conv((1, 1), 3), big * Conv((1, 1), 2), evaluate=False)
    K = domain_of(expr)
    left, right = (PolyMatrix.from_domain_matrix(_sparse(f, K)) for f in expr.args)
    with pytest.raises(CoefficientOverflowError):
        left @ right
    assert _polymatrix(expr, K) is None  # the public functions fall back ...
    assert explicit(expr) == dense_sympy(expr)  # ... and stay exact
    assert explicit(expr)[1, 0] == 2**81  # (1, 1)·(1, 1) · 2⁸⁰


def test_two_dimensional_identity_at_a_real_size_is_exact():
    # transposed-conv-as-transpose in 2-D, 16×16 input, 3×3 symbolic kernel (the benchmark
    # runs it at 64×64); the right side differs from the left in one tap to show it can fail.
    n, N = 16, 32
    taps = [[sp.Symbol(f"w_{a}{b}") for b in range(3)] for a in range(3)]

    def conv2(w):
        units = [tuple(int(t == a) for t in range(3)) for a in range(3)]
        return MatAdd(
            *(KroneckerProduct(Conv(units[a], N, "same"), Conv(w[a], N, "same")) for a in range(3))
        )

    up = KroneckerProduct(Upsample(n, 2), Upsample(n, 2))
    down = KroneckerProduct(Downsample(N, 2), Downsample(N, 2))
    lhs = MatMul(conv2(taps), up, evaluate=False)
    rhs = Transpose(MatMul(down, Transpose(conv2(taps)), evaluate=False))
    assert first_difference(lhs, rhs) is None
    other = [row[:] for row in taps]
    other[2][2] = sp.Symbol("v")
    found = first_difference(lhs, Transpose(MatMul(down, Transpose(conv2(other)), evaluate=False)))
    assert found is not None and {found[2], found[3]} == {taps[2][2], sp.Symbol("v")}
