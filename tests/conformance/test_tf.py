"""symconv.frameworks.tf against tf.nn's own operator matrices (CPU, channels-last).

TensorFlow's answer comes from the eager op. Where the eager CPU path has no kernel for
the arguments (``Conv2DBackpropInput`` without oneDNN: "Current CPU implementations do
not yet support dilation rates larger than 1"), that is a gap of this machine's build,
not a refusal of the arguments: the same call is then compiled by XLA
(``tf.function(jit_compile=True)``). A call is a refusal only when XLA refuses it too.
Transposed ops are in addition compared with the transpose of ``tf.nn.conv2d``'s own
matrix on ``output_shape`` — their definition, computed by a kernel every build has.
"""

import itertools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conformance.framework_support import exact_array, framework_matrix
from symconv import CorrNd, ParameterError, lambdify
from symconv.frameworks import tf as adapters

GRID = list(itertools.product(["VALID", "SAME"], [1, 2, (2, 3)], [1, (1, 2)], [(1, 1), (2, 3)]))


class RefusedError(Exception):
    """TensorFlow refuses the arguments (eagerly and under XLA)."""


def run(tf, fn, x):
    """``fn(x)`` eagerly, or compiled by XLA where the eager CPU kernel is missing.

    Returns the result and the route that computed it (``"eager"`` or ``"xla"``).
    """
    try:
        return fn(x), "eager"
    except tf.errors.InvalidArgumentError as eager:
        try:
            return tf.function(fn, jit_compile=True)(x), "xla"
        except (ValueError, tf.errors.InvalidArgumentError) as compiled:
            raise RefusedError(f"eager: {eager}; XLA: {compiled}") from compiled
    except ValueError as refusal:  # raised while checking the arguments, before any kernel
        raise RefusedError(str(refusal)) from refusal


def tf_matrix(tf, fn, in_shape):
    """TensorFlow's matrix of ``fn`` from unit vectors, and the route that computed it."""
    routes = set()

    def apply(units):
        result, route = run(tf, fn, tf.constant(units))
        routes.add(route)
        return result

    return framework_matrix(apply, in_shape), routes.pop()


def _check(tf, ours, theirs, in_shape, definition=None):
    """symconv's operator equals TensorFlow's matrix, or both refuse the arguments.

    ``definition``: for a transposed op, a function returning the matrix it must be the
    transpose of (TensorFlow's forward conv), compared too.
    """
    try:
        expected, route = tf_matrix(tf, theirs, in_shape)
    except RefusedError:
        with pytest.raises(ParameterError):
            ours()
        return None
    op = ours()
    assert np.array_equal(exact_array(op), expected)
    if definition is not None:
        assert np.array_equal(expected, definition().T)
    x = np.random.default_rng(0).standard_normal((2, *in_shape)).astype(np.float32)
    reference = np.asarray(run(tf, theirs, tf.constant(x))[0]).reshape(2, -1)
    np.testing.assert_allclose(lambdify(op)(x.reshape(2, -1)), reference, rtol=1e-4, atol=1e-4)
    return route


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
    route = _check(
        tf,
        lambda: adapters.conv2d_transpose(
            w, size, (1, *output_size, c_out), strides, padding, "NHWC", dilations
        ),
        lambda x: tf.nn.conv2d_transpose(
            x, w, (x.shape[0], *output_size, c_out), strides, padding, "NHWC", dilations
        ),
        (*size, c_in),
        definition=lambda: tf_matrix(
            tf,
            lambda x: tf.nn.conv2d(x, w, strides, padding, "NHWC", dilations),
            (*output_size, c_out),
        )[0],
    )
    # Every case of the grid is computed (by eager or XLA) and none is refused.
    assert route in ("eager", "xla")
    expected_route = os.environ.get("SYMCONV_EXPECT_TF_ROUTE")
    if expected_route and dilations != 1:
        assert route == expected_route


def test_conv2d_transpose_without_the_eager_kernel():
    """On a TensorFlow build without the dilated eager kernel, the cases still pass via XLA.

    ``TF_ENABLE_ONEDNN_OPTS=0`` selects TensorFlow's own CPU kernels, whose
    ``Conv2DBackpropInput`` has no dilation support: the situation of machines where
    oneDNN is not used. The 24 dilated cases must then be computed by XLA, and agree.
    """
    if os.environ.get("SYMCONV_EXPECT_TF_ROUTE"):
        pytest.skip("this is the inner run")
    env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="0", SYMCONV_EXPECT_TF_ROUTE="xla")
    tests = Path(__file__).parent.parent
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{Path(__file__)}::test_conv2d_transpose",
        ],
        cwd=tests.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "48 passed" in done.stdout


def test_conv1d(tf):
    w = np.random.default_rng(3).integers(-4, 5, size=(3, 2, 3)).astype(np.float32)
    _check(
        tf,
        lambda: adapters.conv1d(w, 7, 2, "SAME"),
        lambda x: tf.nn.conv1d(x, w, 2, "SAME"),
        (7, 2),
    )


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_conv1d_stride_and_dilation(tf, padding):
    """tf.nn.conv1d accepts stride > 1 with dilation > 1; so do the adapter and the shapes layer."""
    from symconv.porting import Layer

    w = np.ones((3, 1, 1), np.float32)
    route = _check(
        tf,
        lambda: adapters.conv1d(w, 9, 2, padding, dilations=2),
        lambda x: tf.nn.conv1d(x, w, 2, padding, dilations=2),
        (9, 1),
    )
    assert route is not None  # computed, not refused
    theirs = tf.nn.conv1d(tf.ones((1, 9, 1)), w, 2, padding, dilations=2)
    layer = Layer("tf", "conv", 9, 3, stride=2, dilation=2, padding=padding)
    assert layer.output_length == theirs.shape[1]
    if padding == "VALID":
        assert theirs.numpy().ravel().tolist() == [3.0, 3.0, 3.0]


def test_convolution_refuses_stride_with_dilation(tf):
    """tf.nn.convolution (and Keras) refuse what tf.nn.conv1d/conv2d accept."""
    with pytest.raises(ValueError, match="dilation"):
        tf.nn.convolution(tf.ones((1, 9, 1)), tf.ones((3, 1, 1)), strides=2, dilations=2)
