"""symconv.frameworks.keras against Keras 3 itself, on the TensorFlow backend.

Every case builds the real layer (``use_bias=False``), sets its kernel to a seeded integer
array with ``set_weights``, and reads the layer's matrix from ``layer(units)``, unit
vectors through the layer's own ``call``, eagerly and compiled by XLA. symconv's exact
matrix must equal XLA's (the eager one where XLA refuses) entry for entry (integer
weights make every float32 entry exact; pooling's 1/Πk is compared to float32
rounding), the eager matrix must agree except in the one case class where TensorFlow
2.21's eager oneDNN convolution is wrong (``test_onednn_eager_conv_bug``), and
``lambdify(op)`` must reproduce the layer on a random batch. Where Keras refuses the
arguments, the adapter must refuse them too, naming the argument Keras objects to.

``KERAS_BACKEND`` is set to ``tensorflow`` before ``keras`` is first imported (Keras
reads it once, at import). TensorFlow itself is loaded by the shared ``tf`` fixture, so
test_tf.py and this file share one TensorFlow in a session.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conformance.framework_support import exact_array, framework_matrix, load
from symconv import ParameterError, lambdify
from symconv.frameworks import keras as adapters

SEED = 20261130


@pytest.fixture(scope="module")
def keras(tf):
    os.environ["KERAS_BACKEND"] = "tensorflow"
    module = load("keras")
    if module.backend.backend() != "tensorflow":
        pytest.fail(f"keras was imported earlier with the {module.backend.backend()} backend")
    return module


class RefusedError(Exception):
    """Keras refuses the arguments: building the layer raises, or calling it does both
    eagerly and compiled by XLA."""


def keras_matrices(tf, layer, in_shape, weight=None):
    """The layer's matrix on one flattened sample of shape ``in_shape`` (no batch).

    Returns ``(eager, xla)``: from ``layer(units)`` and from the layer compiled by XLA
    (``tf.function(jit_compile=True)``), None where that route raises.
    """
    try:
        layer.build((None, *in_shape))
        if weight is not None:
            layer.set_weights([weight])
    except ValueError as refusal:
        raise RefusedError(str(refusal)) from refusal
    matrices = []
    for call in (layer, tf.function(layer, jit_compile=True)):
        try:
            matrices.append(framework_matrix(lambda units, f=call: np.asarray(f(units)), in_shape))
        except (ValueError, tf.errors.OpError):
            matrices.append(None)
    if all(m is None for m in matrices):
        raise RefusedError("eagerly and under XLA")
    return tuple(matrices)


def onednn_conv_bug(layer, in_shape) -> bool:
    """The case class where TensorFlow 2.21's eager CPU convolution (oneDNN) is wrong.

    ``tf.nn.convolution`` with a batch of 2 or more, one input channel, strides (1, s)
    with s > 1 and an output 1 wide: see :func:`test_onednn_eager_conv_bug`.
    """
    if type(layer).__name__ != "Conv2D":
        return False
    c_in = in_shape[-1] if layer.data_format == "channels_last" else in_shape[0]
    out = layer.compute_output_shape((1, *in_shape))
    width = out[2] if layer.data_format == "channels_last" else out[3]
    return c_in == 1 and layer.strides[0] == 1 and layer.strides[1] > 1 and width == 1


def check(tf, layer, ours, in_shape, weight=None, refused_as=(), exact=True):
    """symconv's operator equals the layer's matrix, or both refuse the arguments.

    The reference is the layer compiled by XLA where XLA computes it, else the eager
    layer. The eager layer must agree with it, except in the one case class where the
    eager oneDNN kernel is wrong (:func:`onednn_conv_bug`). ``refused_as``: the
    arguments the adapter may name when Keras refuses (or returns an empty output).
    Returns "refused", "empty" or "computed".
    """
    try:
        eager, xla = keras_matrices(tf, layer, in_shape, weight)
    except RefusedError:
        with pytest.raises(ParameterError) as error:
            ours()
        assert error.value.name in refused_as
        return "refused"
    expected = eager if xla is None else xla
    if eager is not None and not np.allclose(eager, expected, rtol=1e-6, atol=0):
        assert onednn_conv_bug(layer, in_shape)
    if expected.shape[0] == 0:  # Keras returns an empty output: no operator to build
        with pytest.raises(ParameterError) as error:
            ours()
        assert error.value.name in refused_as
        return "empty"
    op = ours()
    if exact:
        assert np.array_equal(exact_array(op), expected)
    else:  # 1/Πk: exact in symconv, rounded to float32 by Keras
        np.testing.assert_allclose(exact_array(op), expected, rtol=1e-6, atol=0)
    x = np.random.default_rng(0).standard_normal((2, *in_shape)).astype(np.float32)
    call = layer if xla is None else tf.function(layer, jit_compile=True)
    np.testing.assert_allclose(
        lambdify(op)(x.reshape(2, -1)), np.asarray(call(x)).reshape(2, -1), rtol=1e-4, atol=1e-4
    )
    return "computed"


def sample_shape(size, channels, data_format):
    size = tuple(size)
    return (*size, channels) if data_format in (None, "channels_last") else (channels, *size)


# --- random sweeps (seeded) -------------------------------------------------------------


def conv_cases(rank, count, seed):
    rng = np.random.default_rng(seed)
    paddings = ["valid", "same", "causal"] if rank == 1 else ["valid", "same"]
    cases = []
    for _ in range(count):
        kernel = tuple(int(v) for v in rng.integers(1, 5, rank))
        strides = tuple(int(v) for v in rng.integers(1, 4, rank))
        dilations = tuple(int(v) for v in rng.integers(1, 4, rank))
        if rng.random() < 0.85:  # mostly what Keras accepts: strides > 1 xor dilation > 1
            dilations = (1,) * rank if rng.random() < 0.5 else dilations
            strides = (1,) * rank if max(dilations) > 1 else strides
        groups = int(rng.choice([1, 1, 2]))
        # Mostly sizes the dilated kernel fits in; sometimes any size (an empty output).
        spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilations)]
        least = spans if rng.random() < 0.8 else [1] * rank
        cases.append(
            dict(
                size=tuple(int(m + rng.integers(0, 6)) for m in least),
                kernel=kernel,
                strides=strides,
                dilation_rate=dilations,
                padding=str(rng.choice(paddings)),
                groups=groups,
                c_in=groups * int(rng.integers(1, 3)),
                c_out=groups * int(rng.integers(1, 3)),
                data_format=[None, "channels_last", "channels_first"][int(rng.integers(3))],
            )
        )
    return cases


def _pick(case: dict, *names: str) -> dict:
    """The keyword arguments ``names`` of a case, which the layer and the adapter both take."""
    return {name: case[name] for name in names}


def _integer_weight(seed: int, shape: tuple) -> np.ndarray:
    return np.random.default_rng(seed).integers(-4, 5, size=shape).astype(np.float32)


def _adapter_size(case: dict, rank: int) -> int | tuple:
    """The spatial size as the adapter takes it: a number in 1-D, a pair in 2-D."""
    return case["size"] if rank == 2 else case["size"][0]


def _check_conv(tf, layer, adapter, weight, case, rank, args, refused_as):
    """:func:`check` of a sweep's convolution case: the Keras layer against the adapter called
    with the same weight and arguments; a refusal must name ``refused_as``."""
    return check(
        tf,
        layer,
        lambda: adapter(weight, _adapter_size(case, rank), **args),
        sample_shape(case["size"], case["c_in"], case["data_format"]),
        weight,
        refused_as=(refused_as,),
    )


@pytest.mark.parametrize(
    "rank, case",
    [(1, c) for c in conv_cases(1, 70, SEED)] + [(2, c) for c in conv_cases(2, 70, SEED + 1)],
)
def test_conv(keras, tf, rank, case):
    layer_class = {1: keras.layers.Conv1D, 2: keras.layers.Conv2D}[rank]
    adapter = {1: adapters.Conv1D, 2: adapters.Conv2D}[rank]
    weight = _integer_weight(
        SEED + 2, (*case["kernel"], case["c_in"] // case["groups"], case["c_out"])
    )
    args = _pick(case, "strides", "padding", "data_format", "dilation_rate", "groups")
    try:
        layer = layer_class(case["c_out"], case["kernel"], use_bias=False, **args)
    except ValueError:  # refused at construction: strides > 1 with dilation_rate > 1
        with pytest.raises(ParameterError, match="dilation_rate"):
            adapter(weight, case["size"], **args)
        return
    _check_conv(tf, layer, adapter, weight, case, rank, args, "input_size")


def transpose_cases(rank, count, seed):
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        strides = tuple(int(v) for v in rng.integers(1, 4, rank))
        dilations = (1,) * rank
        if rng.random() < 0.3:
            strides, dilations = (1,) * rank, tuple(int(v) for v in rng.integers(1, 4, rank))
        output_padding = None
        if rng.random() < 0.5:
            output_padding = tuple(int(rng.integers(0, s)) for s in strides)
        cases.append(
            dict(
                size=tuple(int(v) for v in rng.integers(1, 6 if rank == 1 else 5, rank)),
                kernel=tuple(int(v) for v in rng.integers(1, 5, rank)),
                strides=strides,
                dilation_rate=dilations,
                padding=str(rng.choice(["valid", "same"])),
                output_padding=output_padding,
                c_in=int(rng.integers(1, 3)),
                c_out=int(rng.integers(1, 3)),
                data_format=[None, "channels_last", "channels_first"][int(rng.integers(3))],
            )
        )
    return cases


@pytest.mark.parametrize(
    "rank, case",
    [(1, c) for c in transpose_cases(1, 70, SEED + 3)]
    + [(2, c) for c in transpose_cases(2, 70, SEED + 4)],
)
def test_conv_transpose(keras, tf, rank, case):
    layer_class = {1: keras.layers.Conv1DTranspose, 2: keras.layers.Conv2DTranspose}[rank]
    adapter = {1: adapters.Conv1DTranspose, 2: adapters.Conv2DTranspose}[rank]
    weight = _integer_weight(SEED + 5, (*case["kernel"], case["c_out"], case["c_in"]))
    args = _pick(case, "strides", "padding", "output_padding", "data_format", "dilation_rate")
    layer = layer_class(case["c_out"], case["kernel"], use_bias=False, **args)
    outcome = _check_conv(tf, layer, adapter, weight, case, rank, args, "output_padding")
    # Keras's output length is the rule the adapter documents.
    if outcome == "computed":
        in_shape = (1, *sample_shape(case["size"], case["c_in"], case["data_format"]))
        shape = layer.compute_output_shape(in_shape)
        spatial_out = shape[2:] if case["data_format"] == "channels_first" else shape[1:-1]
        a = case["output_padding"] or (None,) * rank
        assert list(spatial_out) == [
            adapters.transposed_output_length(n, k, s, d, case["padding"], a_k)
            for n, k, s, d, a_k in zip(
                case["size"], case["kernel"], case["strides"], case["dilation_rate"], a
            )
        ]


def pool_cases(rank, count, seed):
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        pool = tuple(int(v) for v in rng.integers(1, 4, rank))
        cases.append(
            dict(
                size=tuple(int(p + rng.integers(0, 5)) for p in pool),
                pool_size=pool,
                strides=None
                if rng.random() < 0.4
                else tuple(int(v) for v in rng.integers(1, 4, rank)),
                padding=str(rng.choice(["valid", "same"])),
                channels=int(rng.integers(1, 4)),
                data_format=[None, "channels_last", "channels_first"][int(rng.integers(3))],
            )
        )
    return cases


@pytest.mark.parametrize(
    "rank, case",
    [(1, c) for c in pool_cases(1, 40, SEED + 6)] + [(2, c) for c in pool_cases(2, 40, SEED + 7)],
)
def test_average_pooling(keras, tf, rank, case):
    layer_class = {1: keras.layers.AveragePooling1D, 2: keras.layers.AveragePooling2D}[rank]
    adapter = {1: adapters.AveragePooling1D, 2: adapters.AveragePooling2D}[rank]
    args = _pick(case, "strides", "padding", "data_format")
    layer = layer_class(case["pool_size"], **args)
    in_shape = sample_shape(case["size"], case["channels"], case["data_format"])
    size = _adapter_size(case, rank)

    def ours():
        return adapter(size, case["pool_size"], channels=case["channels"], **args)

    check(tf, layer, ours, in_shape, exact=False)


@pytest.mark.parametrize("size", [1, 2, 3])
def test_up_sampling_1d(keras, tf, size):
    """UpSampling1D has no data_format: its input is (batch, steps, features)."""
    check(tf, keras.layers.UpSampling1D(size), lambda: adapters.UpSampling1D(5, size, 3), (5, 3))


@pytest.mark.parametrize("size", [2, (2, 1), (3, 2), (1, 3)])
@pytest.mark.parametrize("data_format", [None, "channels_first"])
def test_up_sampling_2d(keras, tf, size, data_format):
    check(
        tf,
        keras.layers.UpSampling2D(size, data_format=data_format),
        lambda: adapters.UpSampling2D((3, 4), size, data_format, channels=2),
        sample_shape((3, 4), 2, data_format),
    )


# --- divergences, each asserted exactly ---------------------------------------------------


def test_onednn_eager_conv_bug(keras, tf):
    """TensorFlow 2.21's eager CPU convolution with oneDNN is wrong on a batch of 2 or more.

    With one input channel, strides (1, s > 1) and an output 1 wide, output row i reads
    input row 2i instead of i (10 here instead of 5; in some runs NaN: the kernel reads
    memory it should not, so only row 0 is pinned exactly). Keras's ``Conv2D`` calls that
    kernel eagerly. The same
    layer on one sample, compiled by XLA, and the adapter agree; without oneDNN
    (``TF_ENABLE_ONEDNN_OPTS=0``) the eager layer is right too.
    """
    from tensorflow.python.util import _pywrap_util_port

    w = np.zeros((2, 4, 1, 1), np.float32)
    w[0, 0] = 1  # output (i, j) picks input (i, 2j)
    layer = keras.layers.Conv2D(1, (2, 4), strides=(1, 2), use_bias=False)
    layer.build((None, 3, 5, 1))
    layer.set_weights([w])
    x = np.stack([np.arange(15, dtype=np.float32).reshape(3, 5, 1)] * 2)
    right = lambdify(adapters.Conv2D(w, (3, 5), strides=(1, 2)))(x.reshape(2, -1))
    assert right.tolist() == [[0, 5], [0, 5]]
    assert (
        np.asarray(tf.function(layer, jit_compile=True)(x)).reshape(2, -1).tolist()
        == right.tolist()
    )
    assert np.asarray(layer(x[:1])).reshape(1, -1).tolist() == right[:1].tolist()
    eager = np.asarray(layer(x)).reshape(2, -1).tolist()
    buggy = tf.__version__ == "2.21.0" and _pywrap_util_port.IsMklEnabled()
    if buggy:
        assert [row[0] for row in eager] == [0, 0]
        assert all(row[1] == 10 or np.isnan(row[1]) for row in eager), eager
    else:
        assert eager == right.tolist()
    assert onednn_conv_bug(layer, (3, 5, 1))


def full_transposed_matrix(n, kernel, stride):
    """The full transposed conv q ∗ ↑ₛy as a dense matrix (nothing cropped), from its definition."""
    out = np.zeros(((n - 1) * stride + len(kernel), n))
    for j in range(n):
        out[j * stride : j * stride + len(kernel), j] = kernel
    return out


def test_same_transpose_crops_at_the_end_unlike_pytorch(keras, tf, torch):
    """Conv1DTranspose(k=3, s=2, "same") keeps rows 0…2n−1 of the full result; PyTorch's
    nearest call (padding=1, output_padding=1, the same length 2n) keeps rows 1…2n."""
    n, q = 3, [1.0, 2.0, 3.0]
    layer = keras.layers.Conv1DTranspose(1, 3, strides=2, padding="same", use_bias=False)
    layer.build((None, n, 1))
    layer.set_weights([np.array(q, np.float32).reshape(3, 1, 1)])
    theirs = framework_matrix(lambda u: np.asarray(layer(u)), (n, 1))
    full = full_transposed_matrix(n, q, 2)
    assert np.array_equal(theirs, full[: 2 * n])
    weight = torch.tensor(q).reshape(1, 1, 3)
    pytorch = framework_matrix(
        lambda u: torch.nn.functional.conv_transpose1d(
            torch.from_numpy(u).reshape(-1, 1, n), weight, stride=2, padding=1, output_padding=1
        ).numpy(),
        (n,),
    )
    assert np.array_equal(pytorch, full[1:])
    assert not np.array_equal(theirs, pytorch)
    op = adapters.Conv1DTranspose(np.array(q).reshape(3, 1, 1), n, strides=2, padding="same")
    assert np.array_equal(exact_array(op), theirs)


def test_strides_with_dilation_refused_unlike_tf_nn(keras, tf):
    """Keras refuses strides > 1 with dilation_rate > 1; tf.nn.conv1d computes it."""
    with pytest.raises(ValueError, match="dilation_rate"):
        keras.layers.Conv1D(1, 3, strides=2, dilation_rate=2)
    w = np.ones((3, 1, 1), np.float32)
    assert tf.nn.conv1d(tf.ones((1, 9, 1)), w, 2, "VALID", dilations=2).shape == (1, 3, 1)
    with pytest.raises(ParameterError) as error:
        adapters.Conv1D(w, 9, strides=2, dilation_rate=2)
    assert error.value.name == "dilation_rate"
    with pytest.raises(ValueError, match="dilation_rate"):
        keras.layers.Conv2DTranspose(1, 3, strides=2, dilation_rate=2)


@pytest.mark.parametrize("n", [3, 1])
def test_same_transpose_even_span_zero_output_padding(keras, tf, n):
    """padding="same", an even kernel span and output_padding=0: Keras asks tf.nn for the
    length (n − 1)s, whose conv is n − 1 long. TensorFlow refuses, eagerly and under
    XLA, except that for n = 1 its eager oneDNN kernel returns an empty output; the
    adapter refuses, naming output_padding."""
    from tensorflow.python.util import _pywrap_util_port

    layer = keras.layers.Conv1DTranspose(1, 2, strides=2, padding="same", output_padding=0)
    layer.build((None, n, 1))
    x = np.ones((1, n, 1), np.float32)
    if n == 1 and _pywrap_util_port.IsMklEnabled():
        assert layer(x).shape == (1, 0, 1)
    else:
        with pytest.raises(tf.errors.OpError):
            layer(x)
    with pytest.raises(tf.errors.OpError):
        tf.function(layer, jit_compile=True)(x)
    with pytest.raises(ParameterError) as error:
        adapters.Conv1DTranspose(np.ones((2, 1, 1)), n, 2, "same", output_padding=0)
    assert error.value.name == "output_padding"
    assert adapters.transposed_output_length(n, 2, 2, padding="same", output_padding=0) == 2 * (
        n - 1
    )


def test_average_pooling_same_excludes_the_padding_unlike_pytorch(keras, tf, torch):
    """AveragePooling1D(3, strides=1, padding="same") divides the edge windows by 2 (the
    cells inside the input); PyTorch's avg_pool1d(padding=1) divides by 3 by default."""
    x = np.array([1, 2, 3, 4], np.float32).reshape(1, 4, 1)
    layer = keras.layers.AveragePooling1D(3, strides=1, padding="same")
    assert np.asarray(layer(x)).ravel().tolist() == [1.5, 2, 3, 3.5]
    pytorch = torch.nn.functional.avg_pool1d(torch.from_numpy(x).reshape(1, 1, 4), 3, 1, 1)
    np.testing.assert_allclose(pytorch.numpy().ravel(), [1, 2, 3, 7 / 3], rtol=1e-6)
    ours = lambdify(adapters.AveragePooling1D(4, 3, strides=1, padding="same"))
    np.testing.assert_allclose(ours(x.ravel()), [1.5, 2, 3, 3.5])


def test_empty_outputs(keras, tf):
    """Keras refuses a convolution with an empty output but returns an empty pooling; the
    adapter refuses both, naming input_size."""
    with pytest.raises(ValueError, match="zero or negative"):
        keras.layers.Conv1D(1, 5)(np.ones((1, 3, 1), np.float32))
    assert keras.layers.AveragePooling1D(3)(np.ones((1, 2, 1), np.float32)).shape == (1, 0, 1)
    for make in (
        lambda: adapters.Conv1D(np.ones((5, 1, 1)), 3),
        lambda: adapters.AveragePooling1D(2, 3),
    ):
        with pytest.raises(ParameterError) as error:
            make()
        assert error.value.name == "input_size"


def test_bilinear_up_sampling_values(keras, tf):
    """UpSampling2D(interpolation="bilinear") resizes with half-pixel centres
    (``tf.image.resize``), the border samples clamped: x = [0, 1] doubled is
    [0, 1/4, 3/4, 1]."""
    x = np.array([0, 1], np.float32).reshape(1, 1, 2, 1)
    layer = keras.layers.UpSampling2D((1, 2), interpolation="bilinear")
    assert np.asarray(layer(x)).ravel().tolist() == [0, 0.25, 0.75, 1]
    op = adapters.UpSampling2D((1, 2), (1, 2), interpolation="bilinear")
    assert exact_array(op).tolist() == [[1, 0], [0.75, 0.25], [0.25, 0.75], [0, 1]]


#: (interpolation, size) where the XLA-compiled layer departs from the eager one (and
#: from tf.image.resize's definition): see test_xla_bilinear_reads_past_an_exact_sample.
XLA_DIVERGENCES = {("bilinear", (2, 3)), ("BiLinear", (2, 3))}


@pytest.mark.parametrize("interpolation", ["bilinear", "bicubic", "area", "BiLinear"])
@pytest.mark.parametrize("size", [2, (3, 1), (2, 3)])
@pytest.mark.parametrize("data_format", [None, "channels_first"])
def test_resizing_up_sampling_2d(keras, tf, interpolation, size, data_format):
    """The resizing interpolations against the eager Keras layer (and the XLA-compiled one
    where XLA compiles it): weights rational in symconv, float32 in TensorFlow
    (bicubic's table of 1024 steps is part of the exact operator). The weights lie in
    [-0.1, 1] and come from float32 coordinates below 16 (relative error 2⁻²⁴ each),
    so 1e-6 absolute separates rounding from a wrong weight."""
    layer = keras.layers.UpSampling2D(size, data_format=data_format, interpolation=interpolation)
    in_shape = sample_shape((3, 4), 2, data_format)
    eager, xla = keras_matrices(tf, layer, in_shape, None)
    op = adapters.UpSampling2D((3, 4), size, data_format, interpolation, channels=2)
    np.testing.assert_allclose(exact_array(op), eager, rtol=0, atol=1e-6)
    if xla is not None:
        agrees = np.allclose(xla, eager, rtol=0, atol=1e-6)
        assert agrees == ((interpolation, size) not in XLA_DIVERGENCES)
    x = np.random.default_rng(0).standard_normal((2, *in_shape)).astype(np.float32)
    np.testing.assert_allclose(
        lambdify(op)(x.reshape(2, -1)), np.asarray(layer(x)).reshape(2, -1), atol=1e-5
    )


def test_xla_bilinear_reads_past_an_exact_sample(keras, tf):
    """XLA's bilinear resize, 4 → 12 columns: output 4 sits at x_original = 4.5/3 − 0.5 = 1
    exactly and is x[1] (eager TensorFlow and symconv); the XLA-compiled layer returns
    x[2] (TensorFlow 2.21)."""
    layer = keras.layers.UpSampling2D((1, 3), interpolation="bilinear")
    eager, xla = keras_matrices(tf, layer, (1, 4, 1), None)
    assert xla is not None
    assert eager[4].round(6).tolist() == [0, 1, 0, 0]
    assert xla[4].round(6).tolist() == [0, 0, 1, 0]
    np.testing.assert_allclose(np.delete(xla, 4, 0), np.delete(eager, 4, 0), atol=1e-6)
    op = adapters.UpSampling2D((1, 4), (1, 3), interpolation="bilinear")
    assert exact_array(op)[4].tolist() == [0, 1, 0, 0]


def test_lanczos_up_sampling_is_refused(keras):
    keras.layers.UpSampling2D(2, interpolation="lanczos3")  # Keras accepts it
    with pytest.raises(ParameterError) as error:
        adapters.UpSampling2D((2, 2), interpolation="lanczos3")
    assert error.value.name == "interpolation"


JAX_BACKEND_SCRIPT = """
import json, sys
import numpy as np, keras
cases = json.loads(sys.argv[1])
out = []
for n, k, s in cases:
    layer = keras.layers.Conv1DTranspose(1, k, strides=s, padding="same", output_padding=0,
                                         use_bias=False)
    layer.build((None, n, 1))
    layer.set_weights([np.arange(1, k + 1, dtype=np.float32).reshape(k, 1, 1)])
    units = np.eye(n, dtype=np.float32).reshape(n, n, 1)
    out.append(np.asarray(layer(units)).reshape(n, -1).T.tolist())
print(json.dumps([keras.backend.backend(), out]))
"""


def test_same_transpose_even_span_on_the_jax_backend(keras, tf, jax):
    """Where the TensorFlow backend refuses (padding="same", even span D, output_padding=0),
    Keras's JAX backend returns (n − 1)s rows: the full result cropped by D/2 at each end.
    The adapter follows the TensorFlow backend and refuses."""
    cases = [(3, 2, 2), (3, 4, 1)]
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, "-c", JAX_BACKEND_SCRIPT, json.dumps(cases)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    backend, matrices = json.loads(done.stdout.strip().splitlines()[-1])
    assert backend == "jax"
    for (n, k, s), theirs in zip(cases, matrices):
        full = full_transposed_matrix(n, np.arange(1, k + 1), s)
        assert np.array_equal(np.array(theirs), full[k // 2 : len(full) - k // 2])
        assert len(theirs) == (n - 1) * s
        with pytest.raises(ParameterError):
            adapters.Conv1DTranspose(np.ones((k, 1, 1)), n, s, "same", output_padding=0)
