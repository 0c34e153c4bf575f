"""The proof engine's NumPy oracle against the tests' own reference implementation.

Both are independent of symconv.numeric/matrices and of each other; agreeing
with each other on every operator is what makes the numeric tier worth having.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import reference
from sympy import MatMul, Transpose

from symconv import Conv, ConvTranspose, Corr, Crop, Downsample, Flip, Pad, Upsample
from symconv.catalogue.operators import MultiplesProjector, NearestUpsample
from symconv.proof.oracle import dense

TAPS = np.array([0.5, -1.25, 2.0, 3.5])


def test_operators_match_the_reference() -> None:
    for n, k in itertools.product(range(1, 7), range(1, 4)):
        ref = reference.matrix_of(lambda x, k=k: reference.downsample(x, k), n)
        assert np.array_equal(dense(Downsample(n, k), {}), ref)
        length = k * (n - 1) + 1
        ref = reference.matrix_of(lambda x, k=k, L=length: reference.upsample(x, k, L), n)
        assert np.array_equal(dense(Upsample(n, k, length), {}), ref)
    for n, lo, hi in itertools.product(range(1, 6), range(3), range(3)):
        ref = reference.matrix_of(lambda x, lo=lo, hi=hi: reference.pad(x, lo, hi), n)
        assert np.array_equal(dense(Pad(n, lo, hi), {}), ref)
        if n - lo - hi >= 1:
            ref = reference.matrix_of(lambda x, lo=lo, hi=hi: reference.crop(x, lo, hi), n)
            assert np.array_equal(dense(Crop(n, lo, hi), {}), ref)
    assert np.array_equal(dense(Flip(4), {}), reference.matrix_of(reference.flip, 4))


@pytest.mark.parametrize("m", [1, 2, 3, 4])
def test_correlations_match_the_reference(m: int) -> None:
    q = tuple(TAPS[:m])
    for n, s, d, lo, hi in itertools.product(
        range(1, 9), range(1, 4), range(1, 3), range(2), range(2)
    ):
        if n + lo + hi < d * (m - 1) + 1:
            continue
        corr = Corr(q, n, (lo, hi), s, d)
        ref = reference.matrix_of(
            lambda x, lo=lo, hi=hi, s=s, d=d: reference.corr(np.array(q), x, lo, hi, s, d), n
        )
        assert np.allclose(dense(corr, {}), ref)
        transposed = corr.T
        assert isinstance(transposed, (Conv, ConvTranspose))
        assert np.allclose(dense(transposed, {}), ref.T)


def test_products_transposes_and_catalogue_operators() -> None:
    expr = Transpose(MatMul(Downsample(6, 2), Conv(tuple(TAPS[:3]), 6, "same")))
    conv = reference.matrix_of(lambda x: np.convolve(x, TAPS[:3], "same"), 6)
    assert np.allclose(dense(expr, {}), (conv[::2]).T)
    assert np.array_equal(dense(MultiplesProjector(5, 2), {}), np.diag([1.0, 0, 1, 0, 1]))
    assert np.array_equal(
        dense(NearestUpsample(2, 3), {}).T, [[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]]
    )
