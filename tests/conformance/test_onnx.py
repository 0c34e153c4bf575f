"""symconv.frameworks.onnx against onnxruntime and onnx.reference, one-node models.

Every case builds a real ONNX model with ``onnx.helper`` (opset 22) and runs it
with onnxruntime (CPUExecutionProvider) and with ``onnx.reference.ReferenceEvaluator``.
Each runtime's matrix (unit vectors through the node) must equal the matrix of an
independent NumPy oracle of the window that runtime computes, and symconv's exact
matrix must equal the oracle of the specification's window. Where a runtime's
window is not the specification's, the case is a divergence: the runtime must do
exactly what :func:`_onnxruntime_window` / :func:`_reference_window` say (so the test
fails if a release changes it), and the smallest case of each divergence is pinned
value for value in its own test. symconv.lambdify and symconv.explicit are checked
against both runtimes on random input.

dtypes: onnxruntime's CPU provider has Conv, ConvTranspose and AveragePool kernels
for float32 only (no float64 kernel is registered), so those models run in float32;
``Pad`` and the reference evaluator run in float64. The unit-vector matrices are
exact in float32 (integer weights: every output entry is one weight times 1.0; the
pool taps 1/Πk are compared to within float32's rounding of 1/Πk, relative 2⁻²⁴).
On random input float32 accumulates at most C·Πk ≤ 18 products of |w| ≤ 4 and
|x| < 5, each rounded with relative error 2⁻²⁴, so 1e-4 absolute is a safe bound;
float64 results are compared to 1e-10.
"""

import collections
import itertools

import numpy as np
import pytest

from conformance.framework_support import exact_array
from symconv import ParameterError, explicit, lambdify
from symconv.frameworks import onnx as adapters

OPSET = 22
ConvCase = collections.namedtuple(
    "ConvCase", "c_in c_out group kernel size strides dilations auto_pad pads"
)
TransposeCase = collections.namedtuple(
    "TransposeCase",
    "c_in c_out group kernel size strides dilations output_padding auto_pad output_shape pads",
)
PoolCase = collections.namedtuple(
    "PoolCase", "kernel_shape size strides dilations auto_pad pads ceil_mode count_include_pad"
)
#: (C_in, C_out, group) settings of the layers.
CHANNELS = [(1, 1, 1), (2, 4, 2), (3, 2, 1), (2, 2, 2)]
AUTO_PADS = ("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID")


# --- building and running one-node models -------------------------------------------


def _model(onnx, op, in_shape, attrs, initializers=(), float64=False):
    helper = onnx.helper
    dtype = onnx.TensorProto.DOUBLE if float64 else onnx.TensorProto.FLOAT
    inputs = [helper.make_tensor_value_info("X", dtype, ["N", *in_shape])]
    names = ["X"] + [name for name, _ in initializers]
    tensors = [onnx.numpy_helper.from_array(np.asarray(v), name) for name, v in initializers]
    node = helper.make_node(op, names, ["Y"], **{k: v for k, v in attrs.items() if v is not None})
    graph = helper.make_graph(
        [node], op, inputs, [helper.make_tensor_value_info("Y", dtype, None)], tensors
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 10
    return model


def _one_node(onnx, op, in_shape, attrs, weight=None, inputs=()):
    """``make(float64)``: the one-node model of ``op`` (its weight ``W``, if any, first among
    the initializers, in the model's precision) for :class:`Runtime`."""

    def make(float64):
        named = list(inputs)
        if weight is not None:
            named.insert(0, ("W", np.asarray(weight).astype(np.float64 if float64 else np.float32)))
        return _model(onnx, op, in_shape, attrs, named, float64)

    return make


def _attributes(case, *others):
    """The ONNX attributes of a sweep case (a namedtuple with their names), less ``others``."""
    return {name: value for name, value in case._asdict().items() if name not in others}


def _assert_runs(runtimes, make, x, expected):
    """Each runtime's output on ``x`` (flattened), or None where it refuses the node."""
    for runtime, wanted in zip(runtimes.values(), expected):
        got = runtime(make, x.shape[1:], x)
        assert (None if got is None else got.ravel().tolist()) == wanted, runtime.name


class Runtime:
    """One runtime: runs a model on a batch, or returns None when it refuses the node."""

    def __init__(self, name, run, float64):
        self.name, self.run, self.float64 = name, run, float64
        self.error = None  # the last refusal, for messages

    def __call__(self, make_model, in_shape, x):
        model = make_model(self.float64)
        dtype = np.float64 if self.float64 else np.float32
        try:
            return np.asarray(self.run(model, x.astype(dtype)), dtype=float)
        except Exception as error:  # each runtime raises its own classes
            self.error = error
            return None

    def matrix(self, make_model, in_shape):
        n = int(np.prod(in_shape))
        y = self(make_model, in_shape, np.eye(n).reshape(n, *in_shape))
        return None if y is None else y.reshape(n, -1).T


@pytest.fixture(scope="session")
def runtimes(onnx, onnxruntime):
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1  # tiny models

    def run_ort(model, x):
        session = onnxruntime.InferenceSession(
            model.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
        return session.run(None, {"X": x})[0]

    def run_reference(model, x):
        return onnx.reference.ReferenceEvaluator(model).run(None, {"X": x})[0]

    return {
        "onnxruntime": Runtime("onnxruntime", run_ort, float64=False),
        "reference": Runtime("reference", run_reference, float64=True),
    }


# --- independent NumPy oracles -------------------------------------------------------


def corr_matrix(w, size, pairs, strides, dilations, group):
    """Dense matrix of y[o, i] = Σ w[o, c, t] x[g·C/group + c, i·s + t·d − lo], by loops."""
    c_out, c_in_g = w.shape[:2]
    c_in = c_in_g * group
    out_size = [
        (n + lo + hi - d * (k - 1) - 1) // s + 1
        for n, (lo, hi), s, d, k in zip(size, pairs, strides, dilations, w.shape[2:])
    ]
    y = np.zeros((c_out, *out_size, c_in, *size))
    for o, c, *rest in itertools.product(range(c_out), range(c_in_g), *map(range, out_size)):
        for taps in itertools.product(*map(range, w.shape[2:])):
            pos = [
                i * s + t * d - lo
                for i, t, s, d, (lo, _) in zip(rest, taps, strides, dilations, pairs)
            ]
            if all(0 <= p < n for p, n in zip(pos, size)):
                g = o // (c_out // group)
                y[(o, *rest, g * c_in_g + c, *pos)] += w[(o, c, *taps)]
    return y.reshape(c_out * int(np.prod(out_size)), c_in * int(np.prod(size)))


def transposed_window_matrix(w, size, windows, strides, dilations, group):
    """Rows start … start + length − 1 of the full scatter result (zero outside it), per axis.

    The full scatter result of ConvTranspose is the transpose of the valid
    correlation with the same weight on the full length s(n − 1) + d(k − 1) + 1.
    """
    full = [
        s * (n - 1) + d * (k - 1) + 1 for n, s, d, k in zip(size, strides, dilations, w.shape[2:])
    ]
    scatter = corr_matrix(w, full, [(0, 0)] * len(size), strides, dilations, group).T
    c_out = w.shape[1] * group
    scatter = scatter.reshape(c_out, *full, -1)
    result = scatter
    for axis, (start, length) in enumerate(windows):
        rows = np.arange(start, start + length)
        inside = (rows >= 0) & (rows < full[axis])
        taken = np.take(result, np.clip(rows, 0, full[axis] - 1), axis=axis + 1)
        mask = inside.reshape([-1 if a == axis + 1 else 1 for a in range(taken.ndim)])
        result = taken * mask
    return result.reshape(-1, scatter.shape[-1])


# --- what each reading of ConvTranspose computes, per axis: (start, length) or None --


def _split(total, upper):
    small = total // 2  # floor, as the specification's integers and onnx.reference do
    return (small, total - small) if upper else (total - small, small)


def spec_window(n, k, s, d, a, auto_pad, out, pads):
    """The opset-22 specification's text."""
    full = s * (n - 1) + d * (k - 1) + 1
    if out is not None or auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        target = n * s if out is None else out
        lo, hi = _split(full + a - target, auto_pad == "SAME_UPPER")
    else:
        lo, hi = pads if auto_pad == "NOTSET" else (0, 0)
    return lo, full + a - lo - hi


def _onnxruntime_window(n, k, s, d, a, auto_pad, out, pads):
    """onnxruntime 1.31: a negative total padding is taken as 0 (the window starts at row
    0), so SAME_* without output_shape gives full + a rows instead of n·s, and an
    output_shape beyond full + s − 1 is refused."""
    full = s * (n - 1) + d * (k - 1) + 1
    target = n * s if out is None else out
    if (out is not None or auto_pad in ("SAME_UPPER", "SAME_LOWER")) and full + a < target:
        if out is None:
            return 0, full + a
        return (0, out) if out <= full + s - 1 else None
    return spec_window(n, k, s, d, a, auto_pad, out, pads)


def _reference_reading(size, kernel, strides, dilations, output_padding, auto_pad, out, pads):
    """onnx.reference 1.23 with output_shape and auto_pad NOTSET or VALID: no pads are
    generated; rows 0 … out − 1 are kept, and the input is read as a grid of
    b_i = ⌊(out_i − d(k_i − 1) − 1)/s_i⌋ + 1 blocks per axis, checked only by
    Π b_i = Π n_i. The result: (the input grid it reads, per-axis windows), or None."""
    if out is None or auto_pad not in ("NOTSET", "VALID"):
        windows = _windows(
            spec_window, size, kernel, strides, dilations, output_padding, auto_pad, out, pads
        )
        return None if windows is None else (size, windows)
    blocks = [(o - d * (k - 1) - 1) // s + 1 for o, k, s, d in zip(out, kernel, strides, dilations)]
    if np.prod(blocks) != np.prod(size) or min(blocks) < 1:
        return None
    return tuple(blocks), [(0, o) for o in out]


def _reference_groups_ok(c_in, c_out, group):
    """onnx.reference 1.23's grouped ConvTranspose fails unless every group has one
    input and one output channel (C = M = group)."""
    return group == 1 or c_in == c_out == group


# --- comparing ------------------------------------------------------------------------


def _numeric_checks(op, runtime, make_model, in_shape, seed):
    """lambdify(op) and explicit(op) against the runtime on random input."""
    x = np.random.default_rng(seed).standard_normal((2, *in_shape))
    x = x.astype(np.float32).astype(float)  # the same input for float32 and float64 runs
    y = runtime(make_model, in_shape, x).reshape(2, -1)
    atol = 1e-10 if runtime.float64 else 1e-4
    np.testing.assert_allclose(lambdify(op)(x.reshape(2, -1)), y, atol=atol)
    dense = np.array(explicit(op).tolist(), dtype=float)
    np.testing.assert_allclose(x.reshape(2, -1) @ dense.T, y, atol=atol)


def _assert_matrix(got, expected, runtime, exact=True):
    assert got is not None, f"{runtime.name} refused a node it was expected to run: {runtime.error}"
    assert got.shape == expected.shape, (runtime.name, got.shape, expected.shape)
    if exact:
        assert np.array_equal(got, expected), runtime.name
    else:
        np.testing.assert_allclose(got, expected, rtol=2**-23, atol=0, err_msg=runtime.name)


# --- Conv --------------------------------------------------------------------------


def _draw_layer(rng, index, largest):
    """The draws Conv and ConvTranspose cases share: rank (a few 3-D ones), (C_in, C_out,
    group), kernel, size (below max(3, largest(rank))), strides, dilations."""
    rank = 3 if index % 12 == 11 else 1 + index % 2
    c_in, c_out, group = CHANNELS[rng.integers(len(CHANNELS))]
    kernel = tuple(int(v) for v in rng.integers(1, 4, rank))
    size = tuple(int(v) for v in rng.integers(1, max(3, largest(rank)), rank))
    strides = [int(v) for v in rng.integers(1, 4, rank)]
    dilations = [int(v) for v in rng.integers(1, 3, rank)]
    return rank, (c_in, c_out, group, kernel, size, strides, dilations)


def _conv_cases(count, seed):
    rng = np.random.default_rng(seed)
    cases = []
    for index in range(count):
        rank, layer = _draw_layer(rng, index, lambda r: 8 - 2 * r)
        auto_pad = AUTO_PADS[index // 2 % 4]
        pads = [int(v) for v in rng.integers(0, 3, 2 * rank)] if auto_pad == "NOTSET" else None
        cases.append(ConvCase(*layer, auto_pad, pads))
    return cases


def _onnxruntime_refuses_conv(auto_pad, dilations):
    """onnxruntime 1.31 refuses Conv with auto_pad SAME_* and a dilation > 1."""
    return auto_pad in ("SAME_UPPER", "SAME_LOWER") and any(d > 1 for d in dilations)


def _conv_same_pairs(size, kernel, strides, dilations, auto_pad):
    pairs = []
    for n, k, s, d in zip(size, kernel, strides, dilations):
        total = max((-(-n // s) - 1) * s + d * (k - 1) + 1 - n, 0)
        pairs.append(_split(total, auto_pad == "SAME_UPPER"))
    return pairs


@pytest.mark.parametrize("case", _conv_cases(120, 14))
def test_conv(runtimes, onnx, case):
    c_in, c_out, group, kernel, size, strides, dilations, auto_pad, pads = case
    w = np.random.default_rng(len(size)).integers(-4, 5, (c_out, c_in // group, *kernel))
    attrs = _attributes(case, "c_in", "c_out", "kernel", "size")
    rank = len(size)
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        pairs = _conv_same_pairs(size, kernel, strides, dilations, auto_pad)
    else:
        pairs = list(zip(pads[:rank], pads[rank:])) if pads else [(0, 0)] * rank
    spans_fit = all(
        n + lo + hi >= d * (k - 1) + 1 for n, (lo, hi), d, k in zip(size, pairs, dilations, kernel)
    )
    in_shape = (c_in, *size)
    make = _one_node(onnx, "Conv", in_shape, attrs, w)

    if not spans_fit:
        with pytest.raises(ParameterError):
            adapters.conv(w, size, **attrs)
        for runtime in runtimes.values():
            assert (
                runtime.matrix(make, in_shape) is None or runtime.matrix(make, in_shape).size == 0
            )
        return
    op = adapters.conv(w, size, **attrs)
    expected = corr_matrix(w, size, pairs, strides, dilations, group)
    assert np.array_equal(exact_array(op), expected)
    for index, (name, runtime) in enumerate(runtimes.items()):
        got = runtime.matrix(make, in_shape)
        if name == "onnxruntime" and _onnxruntime_refuses_conv(auto_pad, dilations):
            assert got is None and "Dilation not supported" in str(runtime.error)
            continue
        _assert_matrix(got, expected, runtime)
        _numeric_checks(op, runtime, make, in_shape, index)


# --- ConvTranspose -----------------------------------------------------------------


def _transpose_cases(count, seed):
    rng = np.random.default_rng(seed)
    cases = []
    for index in range(count):
        rank, layer = _draw_layer(rng, index, lambda r: 5 - r)
        _, _, _, kernel, size, strides, dilations = layer
        output_padding = [int(rng.integers(0, s)) for s in strides]
        auto_pad = AUTO_PADS[index // 2 % 4]
        with_shape = index // 8 % 2 == 1
        out, pads = None, None
        if with_shape:
            full = [
                s * (n - 1) + d * (k - 1) + 1
                for n, s, d, k in zip(size, strides, dilations, kernel)
            ]
            out = [int(max(1, f + rng.integers(-2, 4))) for f in full]
        elif auto_pad == "NOTSET":
            pads = [int(v) for v in rng.integers(0, 3, 2 * rank)]
        cases.append(TransposeCase(*layer, output_padding, auto_pad, out, pads))
    return cases


def _windows(reading, size, kernel, strides, dilations, output_padding, auto_pad, out, pads):
    rank = len(size)
    result = []
    for axis in range(rank):
        pair = (pads[axis], pads[axis + rank]) if pads else (0, 0)
        o = None if out is None else out[axis]
        window = reading(
            size[axis],
            kernel[axis],
            strides[axis],
            dilations[axis],
            output_padding[axis],
            auto_pad,
            o,
            pair,
        )
        if window is None or window[1] < 1:
            return None
        result.append(window)
    return result


@pytest.mark.parametrize("case", _transpose_cases(240, 14))
def test_conv_transpose(runtimes, onnx, case):
    c_in, c_out, group, kernel, size, strides, dilations, a, auto_pad, out, pads = case
    w = np.random.default_rng(len(size)).integers(-4, 5, (c_in, c_out // group, *kernel))
    attrs = _attributes(case, "c_in", "c_out", "kernel", "size")
    in_shape = (c_in, *size)
    geometry = (size, kernel, strides, dilations, a, auto_pad, out, pads)
    make = _one_node(onnx, "ConvTranspose", in_shape, attrs, w)

    spec = _windows(spec_window, *geometry)
    if spec is None:
        with pytest.raises(ParameterError):
            adapters.conv_transpose(w, size, **attrs)
    else:
        op = adapters.conv_transpose(w, size, **attrs)
        expected = transposed_window_matrix(w, size, spec, strides, dilations, group)
        assert np.array_equal(exact_array(op), expected)
    for index, (name, runtime) in enumerate(runtimes.items()):
        if name == "onnxruntime":
            windows = _windows(_onnxruntime_window, *geometry)
            reading = None if windows is None else (size, windows)
        else:
            reading = _reference_reading(*geometry)
            if not _reference_groups_ok(c_in, c_out, group):
                reading = None
        got = runtime.matrix(make, in_shape)
        if reading is None:
            assert got is None or got.size == 0, f"{name} ran a node it was expected to refuse"
            continue
        grid, windows = reading
        theirs = transposed_window_matrix(w, grid, windows, strides, dilations, group)
        _assert_matrix(got, theirs, runtime)
        if reading == (size, spec):
            _numeric_checks(op, runtime, make, in_shape, index)


# --- Pad -----------------------------------------------------------------------------


def _pad_cases(count, seed):
    rng = np.random.default_rng(seed)
    cases = []
    for index in range(count):
        rank = 1 + index % 2
        channels = int(rng.integers(1, 4))
        size = tuple(int(v) for v in rng.integers(1, 6, rank))
        dims = (1, channels, *size)
        if index % 3 == 0:
            axes = None
            chosen = list(range(rank + 2))
        else:
            chosen = sorted(rng.choice(rank + 2, int(rng.integers(1, rank + 3)), replace=False))
            axes = [int(a) - (rank + 2) * int(rng.integers(0, 2)) for a in chosen]  # some < 0
        pads = []
        for _side in ("begin", "end"):
            for axis in chosen:
                low = -1 if dims[axis] >= 3 and axis > 0 else 0  # crop, keeping part of the axis
                pads.append(0 if axis == 0 else int(rng.integers(low, 3)))
        cases.append((channels, size, axes, pads))
    return cases


def pad_oracle(x, pads_by_axis):
    """np.pad for the positive amounts, slicing for the negative ones, axis by axis."""
    for axis, (lo, hi) in pads_by_axis.items():
        x = np.pad(x, [(max(lo, 0), max(hi, 0)) if a == axis else (0, 0) for a in range(x.ndim)])
        stop = x.shape[axis] - max(-hi, 0)
        x = np.take(x, np.arange(max(-lo, 0), stop), axis=axis)
    return x


@pytest.mark.parametrize("case", _pad_cases(40, 14))
def test_pad(runtimes, onnx, case):
    channels, size, axes, pads = case
    rank = len(size) + 2
    chosen = list(range(rank)) if axes is None else [a % rank for a in axes]
    by_axis = {a: (pads[i], pads[i + len(chosen)]) for i, a in enumerate(chosen)}
    op = adapters.pad(size, pads, channels=channels, axes=axes)
    in_shape = (channels, *size)
    n = int(np.prod(in_shape))
    units = np.eye(n).reshape(n, *in_shape)
    expected = pad_oracle(units, by_axis).reshape(n, -1).T
    assert np.array_equal(exact_array(op), expected)
    inputs = [("pads", np.array(pads, dtype=np.int64))]
    if axes is not None:
        inputs += [("constant_value", None), ("axes", np.array(axes, dtype=np.int64))]

    def make(float64):
        named = [(name, v) for name, v in inputs if v is not None]
        model = _model(onnx, "Pad", in_shape, {}, named, float64)
        if axes is not None:  # the optional constant_value input is skipped by an empty name
            model.graph.node[0].input[2] = ""
            model.graph.node[0].input.append("axes")
        return model

    for index, runtime in enumerate(runtimes.values()):
        runtime = Runtime(runtime.name, runtime.run, float64=True)  # both have float64 Pad
        got = runtime.matrix(make, in_shape)
        if runtime.name == "reference" and min(pads) < 0:
            # onnx.reference 1.23 pads with numpy.pad, which refuses the negative amounts
            # that the specification reads as removing elements.
            assert got is None and "negative" in str(runtime.error)
            continue
        _assert_matrix(got, expected, runtime)
        _numeric_checks(op, runtime, make, in_shape, index)


@pytest.mark.parametrize("mode", ["reflect", "edge", "wrap"])
def test_pad_modes_without_an_operator_are_refused(mode):
    with pytest.raises(ParameterError, match=r"mode='.*'constant'"):
        adapters.pad((3, 3), [0, 0, 1, 1, 0, 0, 1, 1], mode=mode)


# --- AveragePool -----------------------------------------------------------------------


def _pool_cases(count, seed):
    rng = np.random.default_rng(seed)
    cases = []
    for index in range(count):
        rank = 1 + index % 2
        kernel = [int(v) for v in rng.integers(1, 4, rank)]
        size = tuple(int(v) for v in rng.integers(3, 8 - rank, rank))
        strides = [int(v) for v in rng.integers(1, 4, rank)]
        auto_pad = AUTO_PADS[index // 2 % 4]
        # SAME with a dilation > 1 is a divergence of both runtimes: test_divergence.
        dilations = [1] * rank if "SAME" in auto_pad else [int(v) for v in rng.integers(1, 3, rank)]
        pads = None
        ceil_mode, count_include_pad = (int(v) for v in rng.integers(0, 2, 2))
        if auto_pad == "NOTSET":
            # pads >= kernel: onnxruntime refuses (test_divergence), onnx.reference fails on some
            pads = [int(rng.integers(0, k)) for k in kernel * 2]
            ceil_mode = int(index % 3 != 0)  # where ceil_mode can add a window
        cases.append(
            PoolCase(kernel, size, strides, dilations, auto_pad, pads, ceil_mode, count_include_pad)
        )
    return cases


def _pool_sizes(size, kernel, strides, dilations, pairs, ceil):
    """Output sizes by the explicit-pads formula, floor or ceil (a last window that would
    start in the end padding is dropped)."""
    out = []
    for n, k, s, d, (lo, hi) in zip(size, kernel, strides, dilations, pairs):
        reach = n + lo + hi - d * (k - 1) - 1
        length = (-(-reach // s) if ceil else reach // s) + 1
        out.append(length - 1 if ceil and (length - 1) * s >= n + lo else length)
    return out


#: How a runtime (or the specification) pools, per spatial axis: ``sizes`` windows; window
#: i reads the elements p = i·s − start + u·d (u < k) with p < limit, and only the first
#: ``computed`` windows are computed (the others are zero).
PoolReading = collections.namedtuple("PoolReading", "sizes starts limits computed")


def pool_matrix(reading, size, kernel, strides, dilations, count_include_pad, channels):
    """Dense matrix of average pooling by loops over every window and every tap: the sum
    of a window's elements inside the input, divided by how many it reads inside the
    input (count_include_pad=0) or in all (1)."""
    rows = []
    for index in itertools.product(*map(range, reading.sizes)):
        row, count = np.zeros(size), 0
        if all(i < c for i, c in zip(index, reading.computed)):
            for taps in itertools.product(*map(range, kernel)):
                pos = [
                    i * s - start + u * d
                    for i, s, start, u, d in zip(index, strides, reading.starts, taps, dilations)
                ]
                if any(p >= limit for p, limit in zip(pos, reading.limits)):
                    continue
                if all(0 <= p < n for p, n in zip(pos, size)):
                    row[tuple(pos)] += 1
                    count += 1
                else:
                    count += count_include_pad
        rows.append(row.ravel() / max(count, 1))
    single = np.array(rows).reshape(-1, int(np.prod(size)))
    return np.kron(np.eye(channels), single)


def _spec_pool(size, kernel, strides, dilations, pairs, auto_pad, ceil_mode):
    """The opset-22 specification: ceil_mode changes the sizes with explicit pads only."""
    sizes = _pool_sizes(size, kernel, strides, dilations, pairs, auto_pad == "NOTSET" and ceil_mode)
    starts = [lo for lo, _ in pairs]
    limits = [n + hi for n, (_, hi) in zip(size, pairs)]
    return PoolReading(sizes, starts, limits, sizes)


def _onnxruntime_pool(size, kernel, strides, dilations, pairs, auto_pad, ceil_mode):
    """onnxruntime 1.31 applies ceil_mode's explicit-pads formula with auto_pad VALID and
    SAME too (the specification's formulas for those add no window)."""
    sizes = _pool_sizes(size, kernel, strides, dilations, pairs, ceil_mode)
    return _spec_pool(size, kernel, strides, dilations, pairs, "NOTSET", ceil_mode)._replace(
        sizes=sizes, computed=sizes
    )


def _reference_pool(size, kernel, strides, dilations, pairs, auto_pad, ceil_mode):
    """onnx.reference 1.23: refuses ceil_mode with an auto_pad (None); sizes VALID windows
    without their dilation (⌈(n − k + 1)/s⌉ of them) but computes only the dilated ones;
    with ceil_mode it pads the input up to (L − 1)s + d(k − 1) + 1, putting ⌊extra/2⌋ of the
    extra at the start (shifting every window back) while reading only up to the end of
    the padded input of the attribute pads, n + lo + hi."""
    if ceil_mode and auto_pad != "NOTSET":
        return None
    spec = _spec_pool(size, kernel, strides, dilations, pairs, auto_pad, ceil_mode)
    if auto_pad == "VALID":
        return spec._replace(sizes=[-(-(n - k + 1) // s) for n, k, s in zip(size, kernel, strides)])
    extra = [
        max((length - 1) * s + d * (k - 1) + 1 - n - lo - hi, 0) // 2
        for length, n, k, s, d, (lo, hi) in zip(spec.sizes, size, kernel, strides, dilations, pairs)
    ]
    starts = [start + e for start, e in zip(spec.starts, extra)]
    limits = [limit - e for limit, e in zip(spec.limits, extra)]
    return spec._replace(starts=starts, limits=limits)


def _pool_pairs(size, kernel, strides, dilations, auto_pad, pads):
    """Per-axis (lo, hi) pads, or None for SAME with a negative total (how it splits is
    not specified)."""
    rank = len(size)
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        totals = [(-(-n // s) - 1) * s + k - n for n, k, s in zip(size, kernel, strides)]
        if min(totals) < 0:
            return None
        return _conv_same_pairs(size, kernel, strides, dilations, auto_pad)
    return list(zip(pads[:rank], pads[rank:])) if pads else [(0, 0)] * rank


@pytest.mark.parametrize("case", _pool_cases(160, 14))
def test_average_pool(runtimes, onnx, case):
    kernel, size, strides, dilations, auto_pad, pads, ceil_mode, count_include_pad = case
    channels = 2
    attrs = _attributes(case, "size")
    in_shape = (channels, *size)
    make = _one_node(onnx, "AveragePool", in_shape, attrs)

    pairs = _pool_pairs(size, kernel, strides, dilations, auto_pad, pads)
    if pairs is None:
        with pytest.raises(ParameterError, match="auto_pad"):
            adapters.average_pool(size, channels=channels, **attrs)
        assert runtimes["reference"].matrix(make, in_shape) is None  # it refuses too
        return
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilations)]
    if any(n + lo + hi < span for n, (lo, hi), span in zip(size, pairs, spans)):
        with pytest.raises(ParameterError, match="input_size"):  # no window fits
            adapters.average_pool(size, channels=channels, **attrs)
        # onnxruntime divides with C's truncation toward zero: ⌊(n + lo + hi − span)/s⌋ + 1
        # with a quotient in (-1, 0) still gives one window there.
        reach = [n + lo + hi - span for n, (lo, hi), span in zip(size, pairs, spans)]
        ort_sizes = [max(int(r / s) + 1, 0) for r, s in zip(reach, strides)]
        got = runtimes["onnxruntime"].matrix(make, in_shape)
        assert (0 if got is None else got.shape[0]) == channels * int(np.prod(ort_sizes))
        return
    geometry = (size, kernel, strides, dilations, pairs, auto_pad, ceil_mode)
    matrix_args = (size, kernel, strides, dilations, count_include_pad, channels)
    spec = _spec_pool(*geometry)
    expected = pool_matrix(spec, *matrix_args)
    try:
        op = adapters.average_pool(size, channels=channels, **attrs)
    except ParameterError as error:
        # Refused only for dilated windows with fewer elements than Πk.
        assert error.name == "dilations" and max(dilations) > 1
        taps = np.full((channels, 1, *kernel), 1 / np.prod(kernel))
        constant = corr_matrix(taps, size, pairs, strides, dilations, channels)
        assert constant.shape != expected.shape or not np.allclose(constant, expected)
        op = None
    if op is not None:
        assert np.allclose(exact_array(op), expected, rtol=1e-15, atol=0)
    readings = {"onnxruntime": _onnxruntime_pool, "reference": _reference_pool}
    for index, (name, runtime) in enumerate(runtimes.items()):
        got = runtime.matrix(make, in_shape)
        reading = readings[name](*geometry)
        if reading is None:
            assert got is None, f"{name} ran a node it was expected to refuse"
            continue
        _assert_matrix(got, pool_matrix(reading, *matrix_args), runtime, exact=False)
        if reading == spec and op is not None:
            _numeric_checks(op, runtime, make, in_shape, index)


# --- the smallest case of every divergence, value for value --------------------------

#: (what, node, attributes, W, x, symconv = the specification, onnxruntime, onnx.reference);
#: None = refused. 1-D, one channel; x is the input signal.
DIVERGENCES = [
    (
        "SAME_UPPER without output_shape, negative total: ORT keeps full + a rows, not n*s",
        "ConvTranspose",
        dict(auto_pad="SAME_UPPER", strides=[2]),
        [5],
        [1],
        [0, 5],
        [5],
        [0, 5],
    ),
    (
        "output_shape past the full result: ORT starts at row 0, the spec (floor) one before",
        "ConvTranspose",
        dict(auto_pad="SAME_UPPER", strides=[2], output_shape=[2]),
        [5],
        [1],
        [0, 5],
        [5, 0],
        [0, 5],
    ),
    (
        "output_shape beyond full + stride - 1: ORT and onnx.reference refuse",
        "ConvTranspose",
        dict(output_shape=[2]),
        [5],
        [1],
        [5, 0],
        None,
        None,
    ),
    (
        "NOTSET with output_shape: onnx.reference generates no pads (keeps rows 0 … out-1)",
        "ConvTranspose",
        dict(strides=[3], output_shape=[3]),
        [5],
        [1],
        [0, 5, 0],
        [5, 0, 0],
        [5, 0, 0],
    ),
    (
        "NOTSET with output_shape below the full result: onnx.reference refuses",
        "ConvTranspose",
        dict(output_shape=[1]),
        [1, 2],
        [1],
        [2],
        [2],
        None,
    ),
    (
        "output_padding >= stride (below dilation): both runtimes refuse, so does symconv",
        "ConvTranspose",
        dict(dilations=[2], output_padding=[1]),
        [5],
        [1],
        None,
        None,
        None,
    ),
    (
        "Conv SAME_UPPER with dilation 2: onnxruntime refuses",
        "Conv",
        dict(auto_pad="SAME_UPPER", dilations=[2]),
        [1, 2],
        [1, 10],
        [20, 1],
        None,
        [20, 1],
    ),
]


@pytest.mark.parametrize("case", DIVERGENCES, ids=[d[0].split(":")[0] for d in DIVERGENCES])
def test_divergence(runtimes, onnx, case):
    _, node, attrs, w, x, spec, ort, reference = case
    w = np.array(w, dtype=float).reshape(1, 1, -1)
    x = np.array(x, dtype=float).reshape(1, 1, -1)
    adapter = {"Conv": adapters.conv, "ConvTranspose": adapters.conv_transpose}[node]
    if spec is None:
        with pytest.raises(ParameterError):
            adapter(w, x.shape[2], **attrs)
    else:
        op = adapter(w, x.shape[2], **attrs)
        assert lambdify(op)(x.reshape(1, -1)).ravel().tolist() == spec

    _assert_runs(runtimes, _one_node(onnx, node, x.shape[1:], attrs, w), x, (ort, reference))


def test_grouped_conv_transpose_in_onnx_reference(runtimes, onnx):
    """onnx.reference 1.23 slices a grouped ConvTranspose weight by output channels along
    its input-channel axis: with C = 2, M = 4, group = 2 it fails; onnxruntime runs it."""
    w = np.arange(1.0, 5.0).reshape(2, 2, 1)
    x = np.array([[[1.0], [10.0]]])
    op = adapters.conv_transpose(w, 1, group=2)
    assert lambdify(op)(x.reshape(1, -1)).ravel().tolist() == [1, 2, 30, 40]

    make = _one_node(onnx, "ConvTranspose", (2, 1), {"group": 2}, w)

    assert runtimes["onnxruntime"](make, (2, 1), x).ravel().tolist() == [1, 2, 30, 40]
    assert runtimes["reference"](make, (2, 1), x) is None


#: (what, AveragePool attributes, x, symconv = the specification, onnxruntime, onnx.reference).
POOL_DIVERGENCES = [
    (
        "SAME with a negative total: the specification does not say how it splits; "
        "onnxruntime starts at row 0 even for SAME_LOWER, onnx.reference refuses",
        dict(kernel_shape=[1], strides=[3], auto_pad="SAME_LOWER"),
        [1, 2, 3, 4, 5],
        None,
        [1, 4],
        None,
    ),
    (
        "pads >= kernel_shape: onnxruntime refuses ('Pad should be smaller than kernel')",
        dict(kernel_shape=[1], pads=[1, 0], count_include_pad=1),
        [1, 2, 3, 4],
        [0, 1, 2, 3, 4],
        None,
        [0, 1, 2, 3, 4],
    ),
    (
        "VALID with ceil_mode: ORT adds a window the spec's VALID formula has not; "
        "onnx.reference refuses ceil_mode with auto_pad",
        dict(kernel_shape=[2], strides=[2], auto_pad="VALID", ceil_mode=1),
        [1, 2, 3],
        [1.5],
        [1.5, 3],
        None,
    ),
    (
        "ceil_mode with an extra window of 2 or more elements past the end: onnx.reference "
        "pads floor(extra/2) at the start (shifting the windows back) and reads only up to "
        "n + pads",
        dict(kernel_shape=[3], strides=[3], ceil_mode=1),
        [1, 2, 3, 4],
        [2, 4],
        [2, 4],
        [1.5, 3],
    ),
    (
        "SAME with dilation: both runtimes pad for the undilated kernel",
        dict(kernel_shape=[2], dilations=[2], auto_pad="SAME_UPPER", count_include_pad=1),
        [1, 2, 3, 4],
        [1, 2, 3, 1.5],
        [2, 3, 1.5],
        [2, 3, 1.5, 0],
    ),
    (
        "VALID with dilation: onnx.reference counts windows of the undilated kernel",
        dict(kernel_shape=[2], dilations=[2], auto_pad="VALID"),
        [1, 2, 3],
        [2],
        [2],
        [2, 0],
    ),
]


@pytest.mark.parametrize(
    "case", POOL_DIVERGENCES, ids=[d[0].split(":")[0] for d in POOL_DIVERGENCES]
)
def test_average_pool_divergence(runtimes, onnx, case):
    _, attrs, x, spec, ort, reference = case
    x = np.array(x, dtype=float).reshape(1, 1, -1)
    if spec is None:
        with pytest.raises(ParameterError):
            adapters.average_pool(x.shape[2], **attrs)
    else:
        op = adapters.average_pool(x.shape[2], **attrs)
        assert lambdify(op)(x.reshape(1, -1)).ravel().tolist() == spec

    _assert_runs(runtimes, _one_node(onnx, "AveragePool", x.shape[1:], attrs), x, (ort, reference))


def test_pad_divergence(runtimes, onnx):
    """Negative pads remove elements (the specification, onnxruntime); onnx.reference 1.23
    hands them to numpy.pad, which refuses them."""
    x = np.array([[[1.0, 2.0, 3.0]]])
    pads = [0, 0, -1, 0, 0, 0]
    assert lambdify(adapters.pad(3, pads))(x.reshape(1, -1)).ravel().tolist() == [2, 3]

    make = _one_node(onnx, "Pad", (1, 3), {}, inputs=[("pads", np.array(pads))])

    ort = Runtime("onnxruntime", runtimes["onnxruntime"].run, float64=True)
    assert ort(make, (1, 3), x).ravel().tolist() == [2, 3]
    assert runtimes["reference"](make, (1, 3), x) is None


# --- bad attributes: a ParameterError naming the attribute (no runtime needed) --------

W1 = np.ones((2, 1, 3))
BAD = [
    (lambda: adapters.conv(W1, 5, auto_pad="SAME"), "auto_pad"),
    (lambda: adapters.conv(W1, 5, auto_pad="VALID", pads=[0, 0]), "pads"),
    (lambda: adapters.conv(W1, 5, pads=[1]), "pads"),
    (lambda: adapters.conv(W1, 5, pads=[-1, 0]), "pads"),
    (lambda: adapters.conv(W1, 5, strides=[0]), "strides"),
    (lambda: adapters.conv(W1, 5, strides=2), "strides"),
    (lambda: adapters.conv(W1, 5, dilations=[1, 1]), "dilations"),
    (lambda: adapters.conv(W1, 5, group=3), "group"),
    (lambda: adapters.conv(W1, 5, group=0), "group"),
    (lambda: adapters.conv(W1, 5, kernel_shape=[2]), "kernel_shape"),
    (lambda: adapters.conv(W1, (5, 5)), "input_size"),
    (lambda: adapters.conv(np.ones((1, 1, 1, 1, 1, 1)), (2, 2, 2, 2)), "W"),
    (lambda: adapters.conv(W1, 2), "input_size"),  # the window does not fit
    (lambda: adapters.conv_transpose(W1, 3, strides=[2], output_padding=[2]), "output_padding"),
    (lambda: adapters.conv_transpose(W1, 3, output_shape=[5], pads=[0, 0]), "pads"),
    (lambda: adapters.conv_transpose(W1, 3, output_shape=[0]), "output_shape"),
    (lambda: adapters.conv_transpose(W1, 1, pads=[2, 1]), "pads"),  # no output row left
    (lambda: adapters.conv_transpose(W1, 3, group=3), "group"),
    (lambda: adapters.pad(3, [0, 0, 1, 0, 0, 1], mode="edge"), "mode"),
    (lambda: adapters.pad(3, [1, 0, 0, 0, 0, 0]), "pads"),  # the batch axis
    (lambda: adapters.pad(3, [0, 0, -3, 0, 0, 0]), "pads"),  # removes the whole axis
    (lambda: adapters.pad(3, [0, 1]), "pads"),
    (lambda: adapters.pad(3, [0, 1], axes=[3]), "axes"),
    (lambda: adapters.pad(3, [0, 1, 0, 1], axes=[2, -1]), "axes"),
    (lambda: adapters.average_pool(5, [2], pads=[1, 0], dilations=[2]), "dilations"),
    (lambda: adapters.average_pool(6, [2], strides=[2], ceil_mode=1, dilations=[2]), "dilations"),
    (lambda: adapters.average_pool(5, [2], pads=[2, 0]), "pads"),
    (lambda: adapters.average_pool(4, [2], pads=[0, 2]), "pads"),  # a window of padding only
    (lambda: adapters.average_pool(5, [2], ceil_mode=2), "ceil_mode"),
    (lambda: adapters.average_pool(5, [1], strides=[3], auto_pad="SAME_UPPER"), "auto_pad"),
    (lambda: adapters.average_pool(2, [3]), "input_size"),
    (lambda: adapters.average_pool(5, []), "kernel_shape"),
]


@pytest.mark.parametrize("call, name", BAD, ids=[f"{i}-{n}" for i, (_, n) in enumerate(BAD)])
def test_bad_attributes_raise_parameter_error_naming_them(call, name):
    with pytest.raises(ParameterError) as info:
        call()
    assert info.value.name == name


def test_the_pool_sweep_reaches_every_branch():
    """Guard the AveragePool sweep (no runtime needed): windows divided by fewer than Πk
    (count_include_pad=0 at the padding, ceil_mode past the end), dilated ones refused,
    and each runtime reading that departs from the specification."""
    seen = collections.Counter()
    for case in _pool_cases(160, 14):
        kernel, size, strides, dilations, auto_pad, pads, ceil_mode, count_include_pad = case
        pairs = _pool_pairs(size, kernel, strides, dilations, auto_pad, pads)
        spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilations)]
        if pairs is None or any(n + a + b < w for n, (a, b), w in zip(size, pairs, spans)):
            continue
        geometry = (size, kernel, strides, dilations, pairs, auto_pad, ceil_mode)
        spec = _spec_pool(*geometry)
        seen["ceil past the end"] += spec.sizes != _pool_sizes(*geometry[:5], False)
        seen["onnxruntime differs"] += _onnxruntime_pool(*geometry) != spec
        reference = _reference_pool(*geometry)
        seen["reference refuses" if reference is None else "reference differs"] += reference != spec
        try:
            op = adapters.average_pool(size, **_attributes(case, "size"))
        except ParameterError:
            seen["dilated refused"] += 1
            continue
        seen["AvgPool" if not isinstance(op, adapters.CorrNd) else "CorrNd"] += 1
        seen["AvgPool, count_include_pad=0"] += not count_include_pad and "AvgPool" in str(op)
    for key in (
        "ceil past the end",
        "onnxruntime differs",
        "reference refuses",
        "reference differs",
        "dilated refused",
        "AvgPool",
        "AvgPool, count_include_pad=0",
        "CorrNd",
    ):
        assert seen[key] >= 3, (key, seen)


def test_the_sweeps_reach_every_branch():
    """Guard the random sweeps themselves (no runtime needed): every auto_pad with and
    without output_shape, each runtime reading that departs from the specification,
    refusals, results beyond the full scatter result, 3-D layers."""
    seen = collections.Counter()
    for case in _transpose_cases(240, 14):
        c_in, c_out, group, kernel, size, strides, dilations, a, auto_pad, out, pads = case
        geometry = (size, kernel, strides, dilations, a, auto_pad, out, pads)
        seen[auto_pad, out is None] += 1
        seen["3-D"] += len(size) == 3
        spec = _windows(spec_window, *geometry)
        if spec is None:
            seen["symconv refuses"] += 1
            continue
        ort = _windows(_onnxruntime_window, *geometry)
        seen[
            "onnxruntime " + ("refuses" if ort is None else "same" if ort == spec else "differs")
        ] += 1
        reference = _reference_reading(*geometry)
        if reference is not None and reference != (size, spec):
            seen["reference differs"] += 1
        op = adapters.conv_transpose(
            np.ones((c_in, c_out // group, *kernel)),
            size,
            auto_pad=auto_pad,
            dilations=dilations,
            group=group,
            output_padding=a,
            output_shape=out,
            pads=pads,
            strides=strides,
        )
        seen["Pad·ConvTransposeNd"] += not isinstance(op, adapters.ConvTransposeNd)
    for auto_pad in AUTO_PADS:
        assert seen[auto_pad, True] >= 20 and seen[auto_pad, False] >= 20
    for key in (
        "3-D",
        "symconv refuses",
        "onnxruntime refuses",
        "onnxruntime differs",
        "onnxruntime same",
        "reference differs",
        "Pad·ConvTransposeNd",
    ):
        assert seen[key] >= 3, (key, seen)
