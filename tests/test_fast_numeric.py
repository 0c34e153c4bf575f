"""Matrix-free numeric paths (tap loops, numpy.convolve rows, Kronecker products) against a
dense matrix built by plain loops from the index formula (no symconv code involved)."""

import numpy as np
import pytest
import sympy as sp
from sympy import KroneckerProduct, MatAdd, MatMul

from symconv import ConvTranspose, Corr, Crop, Downsample, Pad, Upsample, kernel, lambdify, numeric
from symconv.errors import ParameterError
from symconv.numeric import lambdify_explicit

CASES = [  # (m, n, (lo, hi), stride, dilation)
    (3, 11, (1, 1), 2, 1),
    (3, 12, (0, 1), 2, 1),
    (4, 10, (3, 0), 3, 2),
    (2, 9, (0, 0), 1, 1),
    (5, 13, (6, 6), 2, 3),
    (3, 7, (0, 0), 4, 1),
]


def corr_matrix(q, n, lo, hi, s, d):
    length = (n + lo + hi - d * (len(q) - 1) - 1) // s + 1
    a = np.zeros((length, n))
    for i in range(length):
        for t, tap in enumerate(q):
            j = i * s + t * d - lo
            if 0 <= j < n:
                a[i, j] += tap
    return a


@pytest.fixture(params=[False, True], ids=["tap-loop", "np.convolve-rows"])
def long_rows(request, monkeypatch):
    if request.param:
        monkeypatch.setattr(numeric, "LONG_ROW", 1)
    return request.param


@pytest.mark.parametrize("case", CASES)
def test_strided_and_transposed_match_loops(case, long_rows):
    m, n, (lo, hi), s, d = case
    rng = np.random.default_rng(m * n)
    q = rng.normal(size=m)
    a = corr_matrix(q, n, lo, hi, s, d)
    x = rng.normal(size=(2, 3, n)) if not long_rows else rng.normal(size=n)
    forward = Corr(tuple(kernel("q", m)), n, (lo, hi), s, d)
    assert np.allclose(lambdify(forward, kernel("q", m))(x, q), x @ a.T)
    y = rng.normal(size=(*x.shape[:-1], a.shape[0]))
    pad = (n + lo + hi - d * (m - 1) - 1) % s
    back = ConvTranspose(kernel("q", m), a.shape[0], (lo, hi), s, d, pad)
    assert np.allclose(lambdify(back, kernel("q", m))(y, q), y @ a)


def test_kronecker_products_act_on_row_major_images():
    rng = np.random.default_rng(0)
    u, v = rng.normal(size=3), rng.normal(size=2)
    a, b = corr_matrix(u, 9, 1, 1, 2, 1), corr_matrix(v, 6, 0, 1, 1, 2)
    expr = KroneckerProduct(Corr(tuple(u), 9, (1, 1), 2), Corr(tuple(v), 6, (0, 1), 1, 2))
    x = rng.normal(size=(4, 9 * 6))
    assert np.allclose(lambdify(expr)(x), x @ np.kron(a, b).T)
    three = KroneckerProduct(Downsample(4, 2), Upsample(2, 3), Crop(5, 1, 2))
    x3 = rng.normal(size=(2, 4 * 2 * 5))
    dense = np.kron(np.kron(np.eye(4)[::2], np.eye(6)[:, ::3][:, :2]), np.eye(5)[1:3])
    assert np.allclose(lambdify(three)(x3), x3 @ dense.T)


@pytest.mark.parametrize("block", [1, 10**6])
def test_kronecker_product_of_three_factors_with_a_channel_identity(block, monkeypatch):
    # The form of a separable N-D layer: channels ⊗ one convolution per spatial axis.
    monkeypatch.setattr(numeric, "IMAGE_BLOCK", block)  # one image at a time, or all at once
    rng = np.random.default_rng(1)
    u, v = rng.normal(size=3), rng.normal(size=2)
    a, b = corr_matrix(u, 7, 1, 1, 2, 1), corr_matrix(v, 5, 0, 1, 1, 2)
    expr = KroneckerProduct(
        sp.Identity(2), Corr(tuple(u), 7, (1, 1), 2), Corr(tuple(v), 5, (0, 1), 1, 2)
    )
    dense = np.kron(np.eye(2), np.kron(a, b))
    x, y = rng.normal(size=(3, dense.shape[1])), rng.normal(size=(3, dense.shape[0]))
    assert np.allclose(lambdify(expr)(x), x @ dense.T)
    assert np.allclose(lambdify(expr.T)(y), y @ dense)


def test_sums_never_write_into_the_input():
    x = np.arange(6.0)
    expr = MatAdd(MatMul(Crop(8, 1, 1), Pad(6, 1, 1), evaluate=False), Crop(6, 0, 0), Crop(6, 0, 0))
    f = lambdify(expr)
    assert np.allclose(f(x), 3 * x)
    assert np.array_equal(x, np.arange(6.0))


def test_dense_path_refuses_huge_matrices_with_the_alternative():
    big = Corr(kernel("q", 3), 4096)
    with pytest.raises(ParameterError, match=r"shape \(4094, 4096\).*symconv.lambdify"):
        lambdify_explicit(big, kernel("q", 3))
    small = Corr(kernel("q", 3), 40, (1, 1), 2)
    x = np.linspace(0, 1, 40)
    assert np.allclose(
        lambdify_explicit(small, kernel("q", 3))(x, [1, 2, 3]),
        lambdify(small, kernel("q", 3))(x, [1, 2, 3]),
    )


def test_symbolic_scalar_sums_of_operators():
    w = sp.Symbol("w")
    expr = MatAdd(w * Corr((1, 1), 5), Corr((0, 1), 5))
    x = np.arange(5.0)
    assert np.allclose(lambdify(expr, w)(x, 2.0), 2 * (x[:-1] + x[1:]) + x[1:])
