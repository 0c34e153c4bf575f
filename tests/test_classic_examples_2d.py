"""The 2-D examples of the daved01/deconvolutions README, exactly."""

import numpy as np
import sympy as sp

from symconv import ConvTransposeNd, CorrNd, explicit, lambdify
from symconv.frameworks import tf
from symconv.operators.channels import corr_nd, weight_tensor
from symconv.operators.grid import pad_nd, upsample_nd

W = weight_tensor("w", (1, 1, 3, 3))
w = [[W[0, 0, a, b] for b in range(3)] for a in range(3)]
FLIPPED = [row[::-1] for row in w[::-1]]


def test_example1_direct_conv_4x4_to_2x2_and_its_transpose():
    C = CorrNd(W, (4, 4))
    M = explicit(C)
    assert M.shape == (4, 16)
    # Row (r, c) of the output holds the kernel at offset (r, c) of the 4×4 input.
    for r in range(2):
        for c in range(2):
            expected = sp.zeros(4, 4)
            expected[r : r + 3, c : c + 3] = sp.Matrix(w)
            assert M.row(2 * r + c) == expected.reshape(1, 16)
    assert explicit(C.T) == M.T
    assert C.T.shape == (16, 4)  # maps (2, 2) to (4, 4)


def test_example2_padded_2x2_to_6x6_then_conv_to_4x4_is_the_transpose():
    padded = pad_nd((2, 2), 2)
    assert padded.shape == (36, 4)
    direct = corr_nd(FLIPPED, (6, 6)) @ padded  # a "convolution" (flipped kernel) on (6, 6)
    assert direct.shape == (16, 4)
    assert explicit(direct) == explicit(CorrNd(W, (4, 4)).T)


def test_example3_stride_half_padded_between_and_around_to_7x7():
    between = upsample_nd((2, 2), 2, length=3)  # (2, 2) -> (3, 3), zeros between
    around = pad_nd((3, 3), 2)  # -> (7, 7)
    direct = corr_nd(FLIPPED, (7, 7)) @ around @ between
    assert direct.shape == (25, 4)  # (5, 5) output
    transposed = ConvTransposeNd(W, (2, 2), stride=2)
    assert CorrNd(W, (5, 5), stride=2) == transposed.T
    assert explicit(direct) == explicit(transposed)


def test_qa_tensorflow_conv2d_transpose_example():
    op = tf.conv2d_transpose(np.ones((3, 3, 1, 1)), (2, 2), (1, 4, 4, 1), [1, 2, 2, 1], "SAME")
    expected = [[1, 1, 3, 2], [1, 1, 3, 2], [4, 4, 10, 6], [3, 3, 7, 4]]
    x = sp.Matrix([1, 2, 3, 4])
    assert (explicit(op) * x).reshape(4, 4) == sp.Matrix(expected)
    got = lambdify(op)(np.array([[[1.0, 2.0], [3.0, 4.0]]]).reshape(1, -1))
    np.testing.assert_array_equal(got.reshape(4, 4), expected)
