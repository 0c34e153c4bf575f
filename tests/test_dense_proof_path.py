"""The dense small-matrix path (symconv._densepoly) that the proofs use agrees with the
DomainMatrix path it replaced: same matrices, same first difference, same smallest
counterexample, and it refuses (falls back) rather than round beyond 2**53."""

import itertools

import pytest
import sympy as sp
from sympy import MatMul, Transpose
from test_fast_matrices import COMPOSITES, OPERATORS

from symconv import Conv, ConvTranspose, Corr, Downsample, Flip, Pad, Upsample, kernel, kernels
from symconv._densepoly import MAX_ELEMENTS
from symconv._polymatrix import CoefficientOverflowError, supports
from symconv.errors import SymconvError
from symconv.matrices import (
    _DENSE_CACHE,
    _densematrix,
    _sparse,
    difference_in,
    domain_of,
    first_difference,
)
from symconv.proof.counterexample import Difference
from symconv.proof.tiers import Instance, exhaustive_tier

q = kernel("q", 3)


def _old_difference(a, b, K):
    """The comparison the exhaustive tier made before: DomainMatrix, row-major first cell."""
    da, db = _sparse(a, K).rep.to_dod(), _sparse(b, K).rep.to_dod()
    for i in sorted(set(da) | set(db)):
        ra, rb = da.get(i, {}), db.get(i, {})
        for j in sorted(set(ra) | set(rb)):
            va, vb = ra.get(j, K.zero), rb.get(j, K.zero)
            if va != vb:
                return i, j, K.to_sympy(va), K.to_sympy(vb)
    return None


@pytest.mark.parametrize("expr", OPERATORS + COMPOSITES, ids=str)
def test_dense_matrix_equals_the_domain_matrix(expr):
    K = domain_of(expr)
    dense = _densematrix(expr, K)
    if not supports(K):
        assert dense is None  # not a ring over ZZ: served by the DomainMatrix path
        return
    assert dense.to_domain_matrix(K) == _sparse(expr, K)


def test_first_difference_agrees_with_the_old_comparison_on_every_pair():
    exprs = OPERATORS + COMPOSITES
    compared = 0
    for a, b in itertools.product(exprs, repeat=2):
        if a.shape != b.shape:
            continue
        K = domain_of(a, b)
        assert difference_in(a, b, K) == _old_difference(a, b, K), (a, b)
        compared += 1
    assert compared > len(exprs)  # unequal pairs were compared, not only a == a


def test_cached_operator_matrices_are_read_only():
    K = domain_of(Conv(q, 5))
    _densematrix(Conv(q, 5), K)
    cached = _DENSE_CACHE[Conv(q, 5), K]
    with pytest.raises(ValueError):
        cached.data[0, 0, 0] = 7


def test_beyond_float_exactness_falls_back_and_stays_exact():
    # Coefficients of 2**60: exact in int64, not in float64 (2**60 + 1 would round).
    big = sp.Integer(2) ** 30
    lhs = MatMul(big * Conv((1, 1), 3), big * Conv((1, 1), 2), evaluate=False)
    K = domain_of(lhs)
    with pytest.raises(CoefficientOverflowError):
        _densematrix(lhs.args[0], K) @ _densematrix(lhs.args[1], K)
    assert _densematrix(lhs, K) is None
    off_by_one = lhs + sp.ImmutableMatrix(4, 2, lambda i, j: int((i, j) == (1, 1)))
    found = first_difference(lhs, off_by_one)
    assert found == (1, 1, 2**60, 2**60 + 1)
    assert first_difference(lhs, lhs.T.T) is None


def test_large_matrices_take_the_sparse_path():
    n = MAX_ELEMENTS // 3 + 1
    big = MatMul(Downsample(2 * n, 2), Upsample(n, 2), evaluate=False)
    K = domain_of(big)
    assert _densematrix(big, K) is None
    assert first_difference(big, sp.Identity(n)) is None
    assert first_difference(big, Flip(n))[:2] == (0, 0)


def _wrong_direct_sides(n, m, s, d):
    """transposed-conv-as-direct-conv with the kernel NOT flipped: false for m >= 2."""
    lhs = ConvTranspose(q[:m], n, (0, 0), s, d)
    D, stretched = d * (m - 1), s * (n - 1) + 1
    spread = Upsample(n, s, stretched) if s != 1 else sp.Identity(n)
    framed = Pad(stretched, D, D)
    rhs = MatMul(Corr(kernels.dilate(q[:m], d), framed.rows), framed, spread, evaluate=False)
    return lhs, rhs


def test_false_identity_is_refuted_at_the_same_smallest_counterexample():
    grid = sorted(
        itertools.product(range(1, 6), range(1, 4), range(1, 4), range(1, 3)),
        key=lambda v: (sum(v), v),
    )
    instances = [
        Instance(
            dict(zip("nmsd", v)),
            *_wrong_direct_sides(*v),
        )
        for v in grid
    ]
    result, counterexample = exhaustive_tier(instances, "test grid")
    assert not result.passed
    # The old path, instance by instance, smallest first.
    for instance in instances:
        K = domain_of(instance.lhs, instance.rhs)
        old = _old_difference(instance.lhs, instance.rhs, K)
        if old is not None:
            break
    assert counterexample.sizes == instance.sizes == {"n": 1, "m": 2, "s": 1, "d": 1}
    shape = tuple(int(v) for v in instance.lhs.shape)
    assert counterexample.difference == Difference(shape, shape, old[:2], *old[2:])
    assert str(counterexample) == "at n=1, m=2, s=1, d=1: entry (0, 0): left q_0, right q_1"


def test_the_true_identity_passes_on_a_grid():
    from symconv.catalogue.transposed import _direct_sides

    instances = []
    for n, m, s, hi in itertools.product(range(1, 5), range(1, 4), range(1, 4), range(2)):
        try:
            instances.append(Instance({"n": n}, *_direct_sides(n, m, s, 1, hi, 2, 0)))
        except SymconvError:
            continue  # an empty output
    assert len(instances) > 40
    result, counterexample = exhaustive_tier(instances, "test grid")
    assert result.passed and counterexample is None
    for instance in instances:
        K = domain_of(instance.lhs, instance.rhs)
        assert _old_difference(instance.lhs, instance.rhs, K) is None


def test_a_transposed_product_is_compared_exactly():
    lhs = MatMul(Conv(q, 4, "same"), Upsample(2, 2), evaluate=False)
    rhs = Transpose(MatMul(Downsample(4, 2), Transpose(Conv(q, 4, "same")), evaluate=False))
    K = domain_of(lhs, rhs)
    assert difference_in(lhs, rhs, K) is None
    assert difference_in(lhs, MatMul(Conv(q, 4, "same"), Pad(2, 1, 1)), K) == _old_difference(
        lhs, MatMul(Conv(q, 4, "same"), Pad(2, 1, 1)), K
    )
