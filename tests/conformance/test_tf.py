"""symconv.frameworks.tf against tf.nn's own operator matrices (CPU, channels-last)."""

import itertools

import numpy as np
import pytest

from conformance.framework_support import exact_array, framework_matrix
from symconv import CorrNd, ParameterError, lambdify
from symconv.frameworks import tf as adapters

GRID = list(itertools.product(["VALID", "SAME"], [1, 2, (2, 3)], [1, (1, 2)], [(1, 1), (2, 3)]))


def _check(tf, ours, theirs, in_shape):
    try:
        expected = framework_matrix(lambda x: theirs(tf.constant(x)), in_shape)
    except (ValueError, tf.errors.InvalidArgumentError):
        with pytest.raises(ParameterError):
            ours()
        return
    op = ours()
    assert np.array_equal(exact_array(op), expected)
    x = np.random.default_rng(0).standard_normal((2, *in_shape)).astype(np.float32)
    reference = np.asarray(theirs(tf.constant(x))).reshape(2, -1)
    np.testing.assert_allclose(lambdify(op)(x.reshape(2, -1)), reference, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("padding, strides, dilations, channels", GRID)
def test_conv2d(tf, padding, strides, dilations, channels):
    c_in, c_out = channels
    w = np.random.default_rng(1).integers(-4, 5, size=(3, 2, c_in, c_out)).astype(np.float32)
    _check(
        tf,
        lambda: adapters.conv2d(w, (5, 6), strides, padding, "NHWC", dilations),
        lambda x: tf.nn.conv2d(x, w, strides, padding, "NHWC", dilations),
        (5, 6, c_in),
    )


@pytest.mark.parametrize("padding, strides, dilations, channels", GRID)
@pytest.mark.parametrize("output_size", [(7, 8), (8, 9)])
def test_conv2d_transpose(tf, padding, strides, dilations, channels, output_size):
    c_in, c_out = channels  # of the transposed op
    w = np.random.default_rng(2).integers(-4, 5, size=(3, 2, c_out, c_in)).astype(np.float32)
    # The input size is what the forward conv makes of output_size.
    forward = CorrNd(np.ones((1, 1, 3, 2)), output_size, padding.lower(), strides, dilations)
    size = tuple(int(n) for n in forward.output_size)
    _check(
        tf,
        lambda: adapters.conv2d_transpose(
            w, size, (1, *output_size, c_out), strides, padding, "NHWC", dilations
        ),
        lambda x: tf.nn.conv2d_transpose(
            x, w, (x.shape[0], *output_size, c_out), strides, padding, "NHWC", dilations
        ),
        (*size, c_in),
    )


def test_conv1d(tf):
    w = np.random.default_rng(3).integers(-4, 5, size=(3, 2, 3)).astype(np.float32)
    _check(
        tf,
        lambda: adapters.conv1d(w, 7, 2, "SAME"),
        lambda x: tf.nn.conv1d(x, w, 2, "SAME"),
        (7, 2),
    )
