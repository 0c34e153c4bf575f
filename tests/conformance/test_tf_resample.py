"""symconv.frameworks.tf_resample.resize against tf.image.resize (TensorFlow 2, CPU).

For every case of a seeded sweep (each method, random image and output sizes from 1 to 7,
one or two channels, NHWC) the real function's matrix must equal symconv's exact matrix,
and the matrix of TensorFlow's gradient (``GradientTape.jacobian``, which runs the
registered gradients ResizeBilinearGrad, ResizeBicubicGrad, ResizeNearestNeighborGrad,
the area gradient) must equal the exact matrix of the transpose. TensorFlow computes
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
        (method, tuple(rng.randint(1, 7) for _ in range(4)), rng.choice([1, 2]))
        for method in METHODS
        for _ in range(per_method)
    ]


CASES = _cases()


@pytest.mark.parametrize("method, sizes, channels", CASES)
def test_resize_values_and_gradient(tf, method, sizes, channels):
    h, w, new_h, new_w = sizes
    n = h * w * channels
    x = tf.constant(np.random.default_rng(0).standard_normal((1, h, w, channels)))
    op = resize((h, w), (new_h, new_w), method, channels=channels)
    matrix = exact_array(op)
    tolerance = 0 if method == "nearest" else 2e-6
    units = tf.constant(np.eye(n).reshape(n, h, w, channels))
    forward = tf.image.resize(units, (new_h, new_w), method=method).numpy().reshape(n, -1).T
    np.testing.assert_allclose(matrix, forward, atol=tolerance)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.image.resize(x, (new_h, new_w), method=method)
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

    ours, theirs = exact_array(resize((1, 2), (1, 3), "bicubic")), exact_array(
        interpolate((1, 2), size=(1, 3), mode="bicubic", align_corners=False)
    )
    assert not np.allclose(ours, theirs)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(method="lanczos3"), "method"),
        (dict(antialias=True), "antialias"),
        (dict(channels=0), "channels"),
    ],
)
def test_unsupported_arguments_are_named(kwargs, name):
    with pytest.raises(ParameterError, match=name):
        resize((3, 3), (4, 4), **kwargs)
