"""symconv.frameworks.jax against jax.lax's own operator matrices (CPU)."""

import itertools

import numpy as np
import pytest

from conformance.framework_support import exact_array, matrix_or_refusal
from symconv import lambdify
from symconv.frameworks import jax as adapters

DN = [None, ("NHWC", "HWIO", "NHWC")]
CGD_GRID = list(
    itertools.product(
        ["VALID", "SAME", "SAME_LOWER", ((1, 0), (2, -1)), ((-1, 2), (0, 0))],
        [(1, 1), (2, 3)],
        [None, (2, 1)],
        [None, (1, 2)],
        [(1, 1, 1), (2, 4, 2)],
        DN,
    )
)
TRANSPOSE_GRID = [
    case
    for case in itertools.product(
        ["VALID", "SAME", ((1, 0), (2, 1))],
        [(1, 1), (2, 1), (3, 2)],
        [None, (2, 1)],
        [False, True],
        [False, True],
        [(3, 2), (1, 4)],
    )
    if not (case[4] and isinstance(case[0], str))  # use_consistent_padding changes pairs only
]


def _check(jax, ours, theirs, in_shape):
    expected = matrix_or_refusal(
        lambda x: theirs(jax.numpy.asarray(x)), in_shape, ours, (ValueError, TypeError)
    )
    if expected is None:
        return
    op = ours()
    assert np.array_equal(exact_array(op), expected)
    x = np.random.default_rng(0).standard_normal((2, *in_shape)).astype(np.float32)
    reference = np.asarray(theirs(jax.numpy.asarray(x))).reshape(2, -1)
    np.testing.assert_allclose(lambdify(op)(x.reshape(2, -1)), reference, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("padding, strides, lhs_d, rhs_d, channels, dn", CGD_GRID)
def test_conv_general_dilated(jax, padding, strides, lhs_d, rhs_d, channels, dn):
    c_in, c_out, groups = channels
    w = np.random.default_rng(1).integers(-4, 5, size=(c_out, c_in // groups, 3, 2))
    w = w.astype(np.float32)
    in_shape = (c_in, 5, 4)
    if dn is not None:
        w, in_shape = np.transpose(w, (2, 3, 1, 0)), (5, 4, c_in)
    _check(
        jax,
        lambda: adapters.conv_general_dilated(
            w, (5, 4), strides, padding, lhs_d, rhs_d, dn, groups
        ),
        lambda x: jax.lax.conv_general_dilated(
            x, w, strides, padding, lhs_d, rhs_d, dn, feature_group_count=groups
        ),
        in_shape,
    )


@pytest.mark.parametrize(
    "padding, strides, rhs_d, transpose_kernel, consistent, kernel", TRANSPOSE_GRID
)
def test_conv_transpose(jax, padding, strides, rhs_d, transpose_kernel, consistent, kernel):
    w = np.random.default_rng(2).integers(-4, 5, size=(*kernel, 2, 3)).astype(np.float32)
    c_in = 3 if transpose_kernel else 2
    _check(
        jax,
        lambda: adapters.conv_transpose(
            w, (4, 3), strides, padding, rhs_d, None, transpose_kernel, consistent
        ),
        lambda x: jax.lax.conv_transpose(
            x,
            w,
            strides,
            padding,
            rhs_d,
            None,
            transpose_kernel,
            use_consistent_padding=consistent,
        ),
        (4, 3, c_in),
    )
