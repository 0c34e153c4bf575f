"""symconv.frameworks.keras without Keras: against plain NumPy loops written from the layers' docs.

The oracles here share no code with the adapters: a channels-last convolution written as
loops over output positions, its transpose for the transposed layers (the gradient, as
``tf.nn.conv_transpose`` defines it), ``np.repeat`` for up-sampling and window means for
pooling. The real Keras is compared in tests/conformance/test_keras.py.
"""

import itertools

import numpy as np
import pytest

from symconv import ParameterError, explicit, lambdify
from symconv.frameworks import keras as adapters


def same_pads(n, span, stride):
    """TensorFlow's SAME: output ceil(n/s), the odd extra padding at the end."""
    total = max((-(-n // stride) - 1) * stride + span - n, 0)
    return total // 2, total - total // 2


def conv_reference(x, w, strides, pads, dilations, groups=1):
    """Channels-last correlation by loops: x (*size, C_in), w (*k, C_in/groups, C_out)."""
    rank = x.ndim - 1
    kernel, c_out = w.shape[:rank], w.shape[-1]
    per_group_in, per_group_out = w.shape[rank], c_out // groups
    padded = np.pad(x, [*pads, (0, 0)])
    out_size = [
        (padded.shape[a] - dilations[a] * (kernel[a] - 1) - 1) // strides[a] + 1
        for a in range(rank)
    ]
    y = np.zeros((*out_size, c_out))
    for i in itertools.product(*map(range, out_size)):
        for t in itertools.product(*map(range, kernel)):
            at = tuple(i[a] * strides[a] + t[a] * dilations[a] for a in range(rank))
            for o in range(c_out):
                g = o // per_group_out
                channels = padded[at][g * per_group_in : (g + 1) * per_group_in]
                y[i][o] += channels @ w[t][:, o]
    return y


def exact_array(op):
    """symconv's exact matrix as floats."""
    return np.array(explicit(op).tolist(), dtype=float)


def matrix(function, in_shape):
    """The matrix of a linear function of arrays of shape ``in_shape`` (row-major)."""
    n = int(np.prod(in_shape))
    return np.stack([function(e.reshape(in_shape)).ravel() for e in np.eye(n)], axis=1)


def to_first(shape):
    """Axes that move a channels-last array to channels-first."""
    return (len(shape) - 1, *range(len(shape) - 1))


def in_format(f, data_format, in_shape_last):
    """``f`` on channels-last arrays as a function on ``data_format`` arrays."""
    if data_format != "channels_first":
        return f, in_shape_last
    rank = len(in_shape_last) - 1
    back = (*range(1, rank + 1), 0)

    def first(x):
        y = f(np.transpose(x, back))
        return np.transpose(y, to_first(y.shape))

    return first, tuple(in_shape_last[a] for a in to_first(in_shape_last))


CONV_CASES = [
    # rank, size, kernel, strides, dilations, padding, c_in, c_out, groups, data_format
    (1, (7,), (3,), (2,), (1,), "same", 2, 3, 1, None),
    (1, (6,), (2,), (1,), (3,), "causal", 1, 2, 1, "channels_first"),
    (1, (8,), (4,), (3,), (1,), "valid", 4, 2, 2, "channels_last"),
    (2, (5, 6), (3, 2), (2, 1), (1, 1), "same", 2, 2, 1, None),
    (2, (5, 5), (2, 2), (1, 1), (2, 1), "same", 2, 4, 2, "channels_first"),
    (2, (4, 7), (1, 3), (1, 3), (1, 1), "valid", 3, 1, 1, "channels_last"),
]


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_matches_loops(case):
    rank, size, kernel, strides, dilations, padding, c_in, c_out, groups, fmt = case
    w = np.random.default_rng(1).integers(-3, 4, (*kernel, c_in // groups, c_out)).astype(float)
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilations)]
    if padding == "same":
        pads = [same_pads(n, sp, s) for n, sp, s in zip(size, spans, strides)]
    elif padding == "causal":
        pads = [(spans[0] - 1, 0)]
    else:
        pads = [(0, 0)] * rank
    f, in_shape = in_format(
        lambda x: conv_reference(x, w, strides, pads, dilations, groups), fmt, (*size, c_in)
    )
    layer = adapters.Conv1D if rank == 1 else adapters.Conv2D
    op = layer(w, size if rank == 2 else size[0], strides, padding, fmt, dilations, groups)
    assert np.array_equal(exact_array(op), matrix(f, in_shape))


def keras_length(n, k, s, d, padding, a):
    """Keras 3's output length, written from keras/src/backend/common/backend_utils.py."""
    span = (k - 1) * d + 1
    if padding == "valid":
        return (n - 1) * s + span + (max(span, s) - span if a is None else a)
    return n * s if a is None else (n - 1) * s + span % 2 + a


TRANSPOSE_CASES = [
    # rank, size, kernel, strides, dilations, padding, output_padding, c_in, c_out, format
    (1, (3,), (3,), (2,), (1,), "same", None, 1, 1, None),
    (1, (3,), (2,), (3,), (1,), "valid", None, 2, 1, "channels_first"),  # max(D, s) = s
    (1, (4,), (4,), (2,), (1,), "same", (1,), 1, 2, None),
    (1, (3,), (2,), (1,), (2,), "same", (0,), 1, 1, None),  # D = 3 odd: a = 0 allowed
    (2, (2, 3), (3, 2), (2, 3), (1, 1), "same", None, 2, 1, "channels_last"),
    (2, (3, 2), (2, 3), (2, 2), (1, 1), "valid", (1, 0), 1, 2, "channels_first"),
    (2, (2, 2), (3, 3), (1, 1), (2, 1), "same", None, 1, 1, None),
]


@pytest.mark.parametrize("case", TRANSPOSE_CASES)
def test_conv_transpose_is_the_gradient_on_keras_length(case):
    rank, size, kernel, strides, dilations, padding, a, c_in, c_out, fmt = case
    w = np.random.default_rng(2).integers(-3, 4, (*kernel, c_out, c_in)).astype(float)
    lengths = [
        keras_length(n, k, s, d, padding, None if a is None else a[axis])
        for axis, (n, k, s, d) in enumerate(zip(size, kernel, strides, dilations))
    ]
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilations)]
    pads = (
        [same_pads(n, sp, s) for n, sp, s in zip(lengths, spans, strides)]
        if padding == "same"
        else [(0, 0)] * rank
    )
    # The forward conv on the output length (C_out -> C_in) maps it back to size ...
    forward = lambda x: conv_reference(x, w, strides, pads, dilations)  # noqa: E731
    assert forward(np.zeros((*lengths, c_out))).shape == (*size, c_in)
    # ... and the layer is its transpose, in the layout of data_format.
    f, _ = in_format(forward, fmt, (*lengths, c_out))
    out_shape = (*lengths, c_out)
    if fmt == "channels_first":
        out_shape = (c_out, *lengths)
    expected = matrix(f, out_shape).T
    layer = adapters.Conv1DTranspose if rank == 1 else adapters.Conv2DTranspose
    op = layer(w, size if rank == 2 else size[0], strides, padding, a, fmt, dilations)
    assert np.array_equal(exact_array(op), expected)
    assert [
        adapters.transposed_output_length(n, k, s, d, padding, None if a is None else a[axis])
        for axis, (n, k, s, d) in enumerate(zip(size, kernel, strides, dilations))
    ] == lengths


@pytest.mark.parametrize(
    "n, k, s, d", list(itertools.product(range(1, 6), range(1, 5), range(1, 4), range(1, 3)))
)
def test_output_length_table(n, k, s, d):
    for padding, a in itertools.product(("valid", "same"), (None, *range(s))):
        length = adapters.transposed_output_length(n, k, s, d, padding, a)
        assert length == keras_length(n, k, s, d, padding, a)


@pytest.mark.parametrize("fmt", [None, "channels_first"])
def test_up_sampling_is_repeat(fmt):
    x = np.arange(2 * 3 * 4, dtype=float).reshape(1, 3, 4, 2)  # (N, H, W, C)
    if fmt == "channels_first":
        x = x.transpose(0, 3, 1, 2)
    axes = (2, 3) if fmt == "channels_first" else (1, 2)
    expected = x.repeat(2, axes[0]).repeat(3, axes[1]).reshape(1, -1)
    op = adapters.UpSampling2D((3, 4), (2, 3), fmt, channels=2)
    assert np.array_equal(lambdify(op)(x.reshape(1, -1)), expected)
    steps = np.arange(10, dtype=float).reshape(1, 5, 2)
    op = adapters.UpSampling1D(5, 3, channels=2)
    assert np.array_equal(lambdify(op)(steps.reshape(1, -1)), steps.repeat(3, 1).reshape(1, -1))


def bilinear_reference(x, factors):
    """Half-pixel bilinear up-sampling of a channels-last image, border samples clamped:
    output i reads the input at (i + 1/2)/f - 1/2 (tf.image.resize's documentation)."""
    for axis, f in enumerate(factors):
        n = x.shape[axis]
        rows = []
        for i in range(n * f):
            src = max((i + 0.5) / f - 0.5, 0.0)
            lo = min(int(np.floor(src)), n - 1)
            hi, t = min(lo + 1, n - 1), src - np.floor(src)
            rows.append((1 - t) * x.take(lo, axis) + t * x.take(hi, axis))
        x = np.stack(rows, axis)
    return x


@pytest.mark.parametrize("fmt", [None, "channels_first"])
@pytest.mark.parametrize("factors", [(2, 3), (1, 4), (3, 1)])
def test_bilinear_up_sampling(fmt, factors):
    image = np.random.default_rng(3).standard_normal((3, 4, 2))  # (H, W, C)
    expected = bilinear_reference(image, factors)
    op = adapters.UpSampling2D((3, 4), factors, fmt, "bilinear", channels=2)
    if fmt == "channels_first":
        image, expected = image.transpose(2, 0, 1), expected.transpose(2, 0, 1)
    got = lambdify(op)(image.reshape(1, -1))
    np.testing.assert_allclose(got, expected.reshape(1, -1), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "size, pool, strides, padding, fmt",
    [
        ((6, 5), (2, 2), None, "valid", None),
        ((5, 7), (3, 2), (1, 3), "valid", "channels_first"),
        ((6, 4), (2, 2), None, "same", "channels_last"),  # SAME pads nothing here
        ((7, 5), (1, 1), (3, 2), "same", None),  # negative SAME total: no padding
        ((5, 4), (3, 2), (1, 1), "same", None),  # SAME pads (1, 1) and (0, 1)
        ((6, 5), (3, 3), (2, 2), "same", "channels_first"),  # pads (0, 1) and (1, 1)
    ],
)
def test_average_pooling_is_window_means(size, pool, strides, padding, fmt):
    c = 2
    step = pool if strides is None else strides

    def reference(x):
        out = [
            (-(-n // s)) if padding == "same" else (n - k) // s + 1
            for n, k, s in zip(size, pool, step)
        ]
        # TensorFlow's SAME: total max((out − 1)s + k − n, 0), the odd extra at the end;
        # a window is the mean of its cells inside the input (padding not counted).
        lows = [
            max((o - 1) * s + k - n, 0) // 2 if padding == "same" else 0
            for o, n, k, s in zip(out, size, pool, step)
        ]
        y = np.zeros((*out, c))
        for i, j in itertools.product(range(out[0]), range(out[1])):
            r, q = i * step[0] - lows[0], j * step[1] - lows[1]
            y[i, j] = x[max(r, 0) : r + pool[0], max(q, 0) : q + pool[1]].mean(axis=(0, 1))
        return y

    f, in_shape = in_format(reference, fmt, (*size, c))
    op = adapters.AveragePooling2D(size, pool, strides, padding, c, fmt)
    np.testing.assert_allclose(exact_array(op), matrix(f, in_shape), rtol=1e-12)


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: adapters.Conv1D(np.ones((3, 1, 1)), 5, padding="full"), "padding"),
        (lambda: adapters.Conv2D(np.ones((3, 3, 1, 1)), (5, 5), padding="causal"), "padding"),
        (lambda: adapters.Conv2D(np.ones((3, 3, 1, 1)), (5, 5), data_format="NHWC"), "data_format"),
        (lambda: adapters.Conv1D(np.ones((3, 1, 3)), 5, groups=2), "groups"),
        (
            lambda: adapters.Conv1D(np.ones((3, 1, 1)), 5, strides=2, dilation_rate=2),
            "dilation_rate",
        ),
        (lambda: adapters.Conv1D(np.ones((3, 1)), 5), "kernel"),
        (lambda: adapters.Conv2D(np.ones((3, 3, 1, 1)), 5), "input_size"),
        (lambda: adapters.Conv1D(np.ones((4, 1, 1)), 3), "input_size"),
        (
            lambda: adapters.Conv1DTranspose(np.ones((3, 1, 1)), 4, strides=2, output_padding=2),
            "output_padding",
        ),
        (
            lambda: adapters.Conv1DTranspose(np.ones((2, 1, 1)), 4, 2, "same", output_padding=0),
            "output_padding",
        ),
        (lambda: adapters.UpSampling2D((2, 2), interpolation="lanczos5"), "interpolation"),
        (lambda: adapters.UpSampling1D(3, size=0), "size"),
        (lambda: adapters.AveragePooling1D(2, 3), "input_size"),
        (lambda: adapters.AveragePooling2D((4, 4), 2, channels=0), "channels"),
    ],
)
def test_bad_arguments_name_themselves(make, name):
    with pytest.raises(ParameterError) as error:
        make()
    assert error.value.name == name
