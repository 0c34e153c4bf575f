"""symconv.frameworks.tf_resample.resize against tf.image.resize (TensorFlow 2, CPU).

For every case of a seeded sweep (each method × antialias, random image and output
sizes from 1 to 7, one or two channels, NHWC) the real function's matrix must equal
symconv's exact matrix, and the matrix of TensorFlow's gradient
(``GradientTape.jacobian``, which runs the registered gradients ResizeBilinearGrad,
ResizeBicubicGrad, ResizeNearestNeighborGrad, ScaleAndTranslateGrad) must equal the exact
matrix of the transpose (area has no gradient, asserted). TensorFlow computes
bilinear, bicubic and area in float32 (their outputs are float32 even for float64 images),
so those compare to 2e-6; nearest copies samples and compares exactly.
"""

import random

import numpy as np
import pytest

from conformance.framework_support import exact_array
from symconv import ParameterError
from symconv.frameworks.tf_resample import METHODS, resize


def _cases(seed: int = 5, per_method: int = 60) -> list:
    rng = random.Random(seed)
    return [
        (method, tuple(rng.randint(1, 7) for _ in range(4)), rng.choice([1, 2]), antialias)
        for method in METHODS
        for antialias in (False, True)
        for _ in range(per_method // 2)
    ]


CASES = _cases()


@pytest.mark.parametrize("method, sizes, channels, antialias", CASES)
def test_resize_values_and_gradient(tf, method, sizes, channels, antialias):
    h, w, new_h, new_w = sizes
    n = h * w * channels
    # ScaleAndTranslateGrad (antialiased bilinear/bicubic) refuses float64 images: see below.
    scaled = antialias and method in ("bilinear", "bicubic")
    x = tf.constant(np.random.default_rng(0).standard_normal((1, h, w, channels)))
    x = tf.cast(x, tf.float32) if scaled else x
    op = resize((h, w), (new_h, new_w), method, antialias, channels)
    matrix = exact_array(op)
    tolerance = 0 if method == "nearest" else 2e-6
    units = tf.constant(np.eye(n).reshape(n, h, w, channels))
    forward = (
        tf.image.resize(units, (new_h, new_w), method=method, antialias=antialias)
        .numpy()
        .reshape(n, -1)
        .T
    )
    np.testing.assert_allclose(matrix, forward, atol=tolerance)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.image.resize(x, (new_h, new_w), method=method, antialias=antialias)
    if method == "area":  # TensorFlow registers no gradient for ResizeArea
        with pytest.raises(LookupError, match="ResizeArea"):
            tape.gradient(y, x)
        return
    jacobian = tape.jacobian(y, x).numpy().reshape(y.shape.num_elements(), n)
    np.testing.assert_allclose(jacobian.T, exact_array(op.T), atol=tolerance)


def test_bicubic_is_not_pytorchs():
    # Keys a = -1/2 with weights renormalised inside the image (TensorFlow) against
    # a = -3/4 with clamped taps (PyTorch's bicubic, align_corners=False): one 2 → 3 row.
    from symconv.frameworks.torch_resample import interpolate

    ours, theirs = (
        exact_array(resize((1, 2), (1, 3), "bicubic")),
        exact_array(interpolate((1, 2), size=(1, 3), mode="bicubic", align_corners=False)),
    )
    assert not np.allclose(ours, theirs)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(method="lanczos3"), "method"),
        (dict(channels=0), "channels"),
    ],
)
def test_unsupported_arguments_are_named(kwargs, name):
    with pytest.raises(ParameterError, match=name):
        resize((3, 3), (4, 4), **kwargs)


def test_antialiased_gradient_refuses_float64(tf):
    # tf.image.resize(antialias=True) returns float32 for a float64 image, and its gradient
    # ScaleAndTranslateGrad then refuses the float64 original image (TensorFlow 2.21).
    x = tf.constant(np.ones((1, 4, 4, 1)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.image.resize(x, (2, 2), method="bilinear", antialias=True)
    with pytest.raises((TypeError, tf.errors.InvalidArgumentError), match="ScaleAndTranslateGrad"):
        tape.gradient(y, x)
