"""symconv.Network.from_onnx against onnxruntime, ONNX shape inference and layer-list specs.

Every model is built with ``onnx.helper`` (opset 22). Three independent oracles:

- geometry: the same network written as a layer-list spec (:meth:`Network.from_spec`)
  must give the same per-layer sizes, receptive fields, effective strides and
  paddings, and size rules; the per-layer sizes must be those of ONNX's own shape
  inference (``onnx.shape_inference``), and the input sizes the network accepts those
  onnxruntime runs;
- operator: ``symconv.lambdify(net.operator())`` on random inputs must equal
  onnxruntime's ``f(x) − f(0)`` (biases and BatchNorm shifts are the affine part);
- a PyTorch module exported with ``torch.onnx.export`` (the TorchScript exporter,
  which needs no onnxscript) must give the network :meth:`Network.from_torch` gives.

Tolerance: onnxruntime's CPU kernels for Conv, ConvTranspose and AveragePool are
float32 only. Weights and inputs are standard normal; an output is a sum of at most
a few hundred products (C·Πk per layer, composed over ≤ 6 layers), each rounded with
relative error 2⁻²⁴ ≈ 6e-8, so its error is below 1e-5 of the sum of the absolute
values of its terms; 1e-4 times the largest output magnitude bounds that with margin.
"""

import collections
import itertools
import json

import numpy as np
import pytest

from conformance.framework_support import load
from symconv import Network, ParameterError, lambdify
from symconv.cli import main

OPSET = 22


@pytest.fixture(scope="module")
def onnx():
    return load("onnx")


@pytest.fixture(scope="module")
def ort():
    return load("onnxruntime")


def _node(onnx, op, inputs, output, **attrs):
    return onnx.helper.make_node(op, inputs, [output], name=output, **attrs)


def _model(onnx, nodes, channels, spatial, weights, output=None):
    """A graph from ``x`` (N, channels, *spatial) to the last node's output."""
    helper = onnx.helper
    float32 = onnx.TensorProto.FLOAT
    x = helper.make_tensor_value_info("x", float32, ["N", channels, *spatial])
    out = helper.make_tensor_value_info(output or nodes[-1].output[0], float32, None)
    tensors = [
        onnx.numpy_helper.from_array(v.astype(np.float32) if v.dtype.kind == "f" else v,
                                     name)
        for name, v in weights.items()
    ]  # fmt: skip
    graph = helper.make_graph(nodes, "net", [x], [out], tensors)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 10
    return model


def _run(ort, model, x):
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x.astype(np.float32)})[0].astype(np.float64)


def _inferred_sizes(onnx, model, channels, size):
    """ONNX shape inference's spatial size of every tensor, at a fixed input shape."""
    fixed = onnx.ModelProto()
    fixed.CopyFrom(model)
    dims = fixed.graph.input[0].type.tensor_type.shape.dim
    for dim, value in zip(dims, (1, channels, *size)):
        dim.Clear()
        dim.dim_value = value
    inferred = onnx.shape_inference.infer_shapes(fixed, strict_mode=True).graph
    out = {}
    for value in [*inferred.value_info, *inferred.output]:
        shape = [d.dim_value for d in value.type.tensor_type.shape.dim]
        out[value.name] = tuple(shape[2:])
    return out


def _assert_operator_matches(ort, net, model, seed=0):
    op = net.operator()
    size, channels = net.input_size, net.channels
    x = np.random.default_rng(seed).standard_normal((3, channels, *size))
    reference = _run(ort, model, x) - _run(ort, model, np.zeros((1, channels, *size)))
    reference = reference.reshape(3, -1)
    assert op.shape == (reference.shape[1], x[0].size)
    ours = lambdify(op)(x.reshape(3, -1))
    np.testing.assert_allclose(ours, reference, atol=1e-4 * max(1.0, np.abs(reference).max()))


def _assert_same_geometry(onnx_net, spec, sizes):
    spec_net = Network.from_spec(spec, sizes[0])
    for size in sizes:
        for ours, theirs in zip(onnx_net.table(size), spec_net.table(size), strict=True):
            for key in ("size", "r", "S", "P", "linear"):
                assert ours[key] == theirs[key], (size, ours["name"], key)
    for which in ("accepted", "exact", "aligned"):
        assert onnx_net.size_rule(which) == spec_net.size_rule(which)


def _weights(rng, **shapes):
    return {name: rng.standard_normal(shape) for name, shape in shapes.items()}


# --- a chain ---------------------------------------------------------------------------


def _chain(onnx, rng):
    n = lambda *a, **k: _node(onnx, *a, **k)  # noqa: E731
    nodes = [
        n("Conv", ["x", "w1", "b1"], "conv1", pads=[1, 0, 1, 2], strides=[2, 1]),
        n("Relu", ["conv1"], "relu"),
        n("MaxPool", ["relu"], "maxpool", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
        n("Conv", ["maxpool", "w2"], "same_up", auto_pad="SAME_UPPER", strides=[2, 2]),
        n("Conv", ["same_up", "w3"], "same_low", auto_pad="SAME_LOWER", strides=[2, 1],
          dilations=[1, 2]),
        n("AveragePool", ["same_low"], "avg", kernel_shape=[2, 2], strides=[1, 1]),
        n("ConvTranspose", ["avg", "w4"], "up", strides=[2, 2], pads=[1, 1, 1, 1],
          output_padding=[1, 0]),
    ]  # fmt: skip
    weights = _weights(rng, w1=(4, 2, 3, 3), b1=(4,), w2=(4, 4, 3, 3), w3=(4, 4, 2, 3),
                       w4=(4, 3, 4, 4))  # fmt: skip
    spec = """conv k=3 s=2x1 p=1x0:2
              relu
              maxpool k=3 s=2 p=1
              conv k=3 s=2 p=same
              conv k=2x3 s=2x1 d=1x2 p=same_lower
              avgpool k=2 s=1
              conv_transpose k=4 s=2 p=1 a=1x0"""
    return _model(onnx, nodes, 2, ["H", "W"], weights), spec


def test_chain_has_the_geometry_of_its_spec_and_of_onnx_shape_inference(onnx):
    model, spec = _chain(onnx, np.random.default_rng(0))
    net = Network.from_onnx(model, (37, 30))
    assert net.channels == 2
    assert [node.name for node in net.nodes][:3] == ["conv1", "relu", "maxpool"]
    assert net.nonlinear_layers() == ["relu", "maxpool"]
    sizes = [(37, 30), (64, 64), (33, 41), (45, 29)]
    _assert_same_geometry(net, spec, sizes)
    for size in sizes:
        inferred = _inferred_sizes(onnx, model, 2, size)
        for name, ours in net.layer_sizes(size)[1:]:
            assert inferred[name] == ours, (size, name)


def test_chain_without_its_non_linear_layers_is_onnxruntime_s_linear_part(onnx, ort):
    rng = np.random.default_rng(1)
    n = lambda *a, **k: _node(onnx, *a, **k)  # noqa: E731
    nodes = [
        n("Conv", ["x", "w1", "b1"], "conv1", pads=[1, 0, 1, 2], strides=[2, 1], group=2),
        n("Pad", ["conv1", "pads"], "pad"),
        n("AveragePool", ["pad"], "avg", kernel_shape=[2, 3], strides=[2, 2],
          pads=[1, 1, 0, 1], count_include_pad=1),
        n("BatchNormalization", ["avg", "gamma", "beta", "mean", "var"], "bn", epsilon=1e-3),
        n("Conv", ["bn", "w2"], "same_low", auto_pad="SAME_LOWER", strides=[2, 1]),
        n("ConvTranspose", ["same_low", "w3"], "up", auto_pad="SAME_UPPER", strides=[2, 3],
          group=3),
        n("Identity", ["up"], "identity"),
        n("Add", ["identity", "bias"], "bias_add"),
        n("Flatten", ["bias_add"], "flat"),
    ]  # fmt: skip
    weights = _weights(rng, w1=(6, 1, 3, 3), b1=(6,), gamma=(7,), beta=(7,), mean=(7,),
                       w2=(3, 7, 3, 2), w3=(3, 1, 3, 4), bias=(1, 3, 1, 1))  # fmt: skip
    weights["var"] = rng.uniform(0.5, 2, 7)
    # pads on (N, C, H, W): one zero channel before, rows 2:1, a column cropped at the end
    weights["pads"] = np.array([0, 1, 2, 0, 0, 0, 1, -1], dtype=np.int64)
    model = _model(onnx, nodes, 2, ["H", "W"], weights)
    net = Network.from_onnx(model, (11, 13))
    assert net.linear and net.channels == 2
    _assert_operator_matches(ort, net, model)
    # the channel padding made 7 channels, the grouped ConvTranspose 3·1
    assert net.operator().shape[0] == _run(ort, model, np.zeros((1, 2, 11, 13))).size


# --- a skip connection with Add, and a U-Net-like Concat ---------------------------------


def _residual(onnx, rng, relu=False):
    n = lambda *a, **k: _node(onnx, *a, **k)  # noqa: E731
    nodes = [
        n("Conv", ["x", "w1"], "a", pads=[1, 1]),
        n("Relu" if relu else "Identity", ["a"], "act"),
        n("Conv", ["act", "w2"], "b", pads=[2, 2], dilations=[2]),
        n("Add", ["b", "a"], "sum"),
        n("Conv", ["sum", "w3"], "down", strides=[2]),
    ]
    weights = _weights(rng, w1=(3, 2, 3), w2=(3, 3, 3), w3=(1, 3, 3))
    spec = f"""a: conv k=3 p=1
               {"relu" if relu else "identity"}
               conv k=3 p=2 d=2
               add a
               conv k=3 s=2"""
    return _model(onnx, nodes, 2, ["L"], weights), spec


def test_skip_connection_with_add(onnx, ort):
    model, spec = _residual(onnx, np.random.default_rng(2), relu=True)
    net = Network.from_onnx(model, 21)
    _assert_same_geometry(net, spec, [(21,), (8,), (30,)])
    # the ReLU does not cut 'a' off: 'a' also reaches 'sum' directly
    assert net.nonlinear_layers() == ["act"]
    assert net.linear_parts() == [["a", "b", "sum", "down"]]
    # r = 1 + 2 (k 3) + 4 (k 3, d 2) + 2 (k 3 after the add, whose 'a' branch is inside)
    assert net.receptive_field() == (9,) and net.effective_stride() == (2,)
    model, _ = _residual(onnx, np.random.default_rng(3))
    _assert_operator_matches(ort, Network.from_onnx(model, 21), model)


def _unet(onnx, rng, relu=False):
    n = lambda *a, **k: _node(onnx, *a, **k)  # noqa: E731
    act = "Relu" if relu else "Identity"
    nodes = [
        n("Conv", ["x", "w1", "b1"], "enc", pads=[1, 1, 1, 1]),
        n(act, ["enc"], "enc_act"),
        n("MaxPool" if relu else "AveragePool", ["enc_act"], "down", kernel_shape=[2, 2],
          strides=[2, 2]),
        n("Conv", ["down", "w2"], "mid", pads=[1, 1, 1, 1]),
        n("ConvTranspose", ["mid", "w3"], "up", strides=[2, 2]),
        n("Concat", ["enc_act", "up"], "cat", axis=1),
        n("Conv", ["cat", "w4"], "head"),
    ]  # fmt: skip
    weights = _weights(rng, w1=(4, 1, 3, 3), b1=(4,), w2=(5, 4, 3, 3), w3=(5, 2, 2, 2),
                       w4=(1, 6, 1, 1))  # fmt: skip
    spec = f"""conv k=3 p=1
               enc: {"relu" if relu else "identity"}
               {"maxpool" if relu else "avgpool"} k=2 s=2
               conv k=3 p=1
               conv_transpose k=2 s=2
               cat enc
               conv k=1"""
    return _model(onnx, nodes, 1, ["H", "W"], weights), spec


def test_unet_like_concat_accepts_the_sizes_onnxruntime_runs(onnx, ort):
    model, spec = _unet(onnx, np.random.default_rng(4), relu=True)
    net = Network.from_onnx(model, (12, 16))
    _assert_same_geometry(net, spec, [(12, 16), (8, 8)])
    (rule, _) = net.size_rule("accepted")
    assert str(rule) == "n ≡ 0 (mod 2), n ≥ 2"
    for h in range(2, 12):
        try:
            _run(ort, model, np.zeros((1, 1, h, 8)))
            runs = True
        except Exception:  # onnxruntime's own error class: Concat's inputs differ
            runs = False
        assert runs == (h in rule), h
        if not runs:
            with pytest.raises(ParameterError, match="branches of 'cat'"):
                net.layer_sizes((h, 8))


def test_unet_like_concat_operator(onnx, ort):
    model, _ = _unet(onnx, np.random.default_rng(5))
    net = Network.from_onnx(model, (6, 8))
    assert net.linear
    _assert_operator_matches(ort, net, model)


def _cropping_unet(onnx, rng):
    """U-Net's copy-and-crop with valid convolutions: the skip is sliced x[..., 4:-4]."""
    n = lambda *a, **k: _node(onnx, *a, **k)  # noqa: E731
    nodes = [
        n("Conv", ["x", "w1"], "c1"),
        n("Conv", ["c1", "w2"], "enc"),
        n("AveragePool", ["enc"], "down", kernel_shape=[2], strides=[2]),
        n("Conv", ["down", "w3"], "c3"),
        n("Conv", ["c3", "w4"], "c4"),
        n("ConvTranspose", ["c4", "w5"], "up", strides=[2]),
        n("Slice", ["enc", "starts", "ends", "axes"], "crop"),
        n("Concat", ["crop", "up"], "cat", axis=1),
        n("Conv", ["cat", "w6"], "head"),
    ]
    weights = _weights(rng, w1=(2, 1, 3), w2=(2, 2, 3), w3=(3, 2, 3), w4=(3, 3, 3),
                       w5=(3, 2, 2), w6=(1, 4, 1))  # fmt: skip
    weights |= {"starts": np.array([4]), "ends": np.array([-4]), "axes": np.array([2])}
    spec = """conv k=3; enc: conv k=3; avgpool k=2 s=2; conv k=3; conv k=3
              up: conv_transpose k=2 s=2
              pad p=-4 from=enc
              cat up
              conv k=1"""
    return _model(onnx, nodes, 1, ["L"], weights), spec


def test_a_fixed_slice_is_a_crop(onnx, ort):
    model, spec = _cropping_unet(onnx, np.random.default_rng(9))
    net = Network.from_onnx(model, 30)
    _assert_same_geometry(net, spec, [(30,), (44,)])
    (rule,) = net.size_rule("accepted")
    assert str(rule) == "n ≡ 0 (mod 2), n ≥ 14"  # 14 → 12 → 10 → 5 → 3 → 1 → 2, crop 10 − 8
    for length in range(6, 30):
        try:
            _run(ort, model, np.zeros((1, 1, length)))
            runs = True
        except Exception:  # onnxruntime's own error class
            runs = False
        assert runs == (length in rule), length
    _assert_operator_matches(ort, net, model)


@pytest.mark.parametrize(
    ("starts", "ends", "axes", "steps"),
    [([-6], [-1], [2], [1]), ([1], [6], [2], [1]), ([1], [-1], [1], [1]), ([1], [-1], [2], [2])],
)
def test_slices_that_depend_on_the_size_are_refused(onnx, starts, ends, axes, steps):
    constants = {k: np.array(v) for k, v in zip(("s", "e", "a", "t"), (starts, ends, axes, steps))}
    model = _one(onnx, "Slice", ["x", "s", "e", "a", "t"], constants)
    with pytest.raises(ParameterError, match=r"Slice 'y'.*a crop of fixed amounts"):
        Network.from_onnx(model, (8, 8))


# --- files, declared sizes, ceil mode ----------------------------------------------------


def test_a_path_and_the_declared_input_size(onnx, tmp_path):
    model, spec = _residual(onnx, np.random.default_rng(6))
    dims = model.graph.input[0].type.tensor_type.shape.dim
    dims[2].Clear()
    dims[2].dim_value = 17
    path = tmp_path / "residual.onnx"
    onnx.save(model, str(path))
    for source in (path, str(path)):
        net = Network.from_onnx(source)
        assert net.input_size == (17,)
        ours = [size for _, size in net.layer_sizes()]
        assert ours == [size for _, size in Network.from_spec(spec).layer_sizes(17)]
    with pytest.raises(ParameterError, match="1 sizes"):
        Network.from_onnx(path, (17, 17))
    model, spec = _unet(onnx, np.random.default_rng(6))
    assert Network.from_onnx(model, 8).input_size == (8, 8)  # one size for both axes


def test_ceil_mode_is_accepted_where_the_windows_fit(onnx, ort):
    nodes = [_node(onnx, "MaxPool", ["x"], "pool", kernel_shape=[3], strides=[2], ceil_mode=1)]
    model = _model(onnx, nodes, 1, ["L"], {})
    assert Network.from_onnx(model, 9).layer_sizes()[-1] == ("pool", (4,))
    assert _run(ort, model, np.zeros((1, 1, 9))).shape[-1] == 4
    with pytest.raises(ParameterError, match="pool with ceil_mode=1"):
        Network.from_onnx(model, 10)  # ceil mode: 5 windows, floor mode 4


def test_a_layer_the_adapter_refuses_at_its_sizes_is_named_by_operator(onnx, ort):
    # A dilated average pool whose edge windows hold fewer elements (count_include_pad=0)
    # has no symconv operator: the geometry is read, and operator() says which layer and
    # which attribute; without the dilation the same network builds and matches onnxruntime.
    def model(dilation):
        pool = _node(onnx, "AveragePool", ["x"], "blur", kernel_shape=[2], pads=[1, 1],
                     dilations=[dilation], count_include_pad=0)  # fmt: skip
        return _model(onnx, [pool], 1, ["L"], {})

    net = Network.from_onnx(model(2), 8)
    assert net.layer_sizes()[-1] == ("blur", (8,))
    with pytest.raises(ParameterError, match=r"dilations=\"\(2,\) of layer 'blur'\""):
        net.operator()
    _assert_operator_matches(ort, Network.from_onnx(model(1), 8), model(1))


# --- a classifier: the network up to a chosen output ---------------------------------------


def _classifier(onnx, rng):
    n = lambda *a, **k: _node(onnx, *a, **k)  # noqa: E731
    nodes = [
        n("Conv", ["x", "w1"], "conv1", strides=[2, 2], pads=[3, 3, 3, 3]),
        n("Relu", ["conv1"], "relu1"),
        n("MaxPool", ["relu1"], "pool", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
        n("Conv", ["pool", "w2"], "conv2", pads=[1, 1, 1, 1]),
        n("GlobalAveragePool", ["relu1"], "side"),  # a branch the features do not need
        n("Relu", ["conv2"], "features"),
        n("GlobalAveragePool", ["features"], "gap"),
        n("Flatten", ["gap"], "flat"),
        n("Gemm", ["flat", "fc", "fc_bias"], "logits", transB=1),
    ]  # fmt: skip
    weights = _weights(rng, w1=(4, 3, 7, 7), w2=(4, 4, 3, 3), fc=(10, 4), fc_bias=(10,))
    return _model(onnx, nodes, 3, [32, 32], weights)


def test_a_classifier_is_read_up_to_its_features(onnx, tmp_path, capsys):
    model = _classifier(onnx, np.random.default_rng(8))
    with pytest.raises(ParameterError, match="GlobalAveragePool 'side'"):
        Network.from_onnx(model)
    spec = "conv k=7 s=2 p=3; relu; maxpool k=3 s=2 p=1; conv k=3 p=1; relu"
    for output in ("features", "features_tensor"):
        if output == "features_tensor":  # a tensor name that is not a node name
            model.graph.node[5].output[0] = output
            model.graph.node[6].input[0] = output
        net = Network.from_onnx(model, output=output)
        assert [node.name for node in net.nodes] == ["conv1", "relu1", "pool", "conv2", "features"]
        assert net.input_size == (32, 32) and net.channels == 3
        _assert_same_geometry(net, spec, [(32, 32), (57, 64)])
        assert net.receptive_field() == (19, 19)  # 7 + 2·2 + 4·2
    with pytest.raises(ParameterError, match="output='nope'"):
        Network.from_onnx(model, output="nope")
    path = tmp_path / "classifier.onnx"
    onnx.save(model, str(path))
    assert main(["network", str(path), "--output", "conv2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["output_size"] == [8, 8] and report["receptive_field"] == [19, 19]
    assert report["nonlinear_layers"] == ["relu1", "pool"]


# --- nearest Resize ---------------------------------------------------------------------

SCALES = np.array([1, 1, 2, 2], dtype=np.float32)


@pytest.mark.parametrize(
    ("transform", "rounding"),
    [("asymmetric", "floor"), ("tf_half_pixel_for_nn", "floor"),
     ("half_pixel", "round_prefer_floor"), ("pytorch_half_pixel", "round_prefer_ceil"),
     ("half_pixel_symmetric", "round_prefer_floor")],
)  # fmt: skip
@pytest.mark.parametrize("factor", [2, 3, 4])
def test_nearest_resize_by_an_integer_factor_is_an_upsampling(onnx, ort, transform, rounding,
                                                              factor):  # fmt: skip
    rng = np.random.default_rng(factor)
    n = lambda *a, **k: _node(onnx, *a, **k)  # noqa: E731
    nodes = [
        n("Conv", ["x", "w"], "conv", strides=[2, 2]),
        n("Resize", ["conv", "", "scales"], "resize", mode="nearest",
          coordinate_transformation_mode=transform, nearest_mode=rounding),
    ]  # fmt: skip
    scales = np.array([1, 1, factor, factor], dtype=np.float32)
    model = _model(onnx, nodes, 1, ["H", "W"], {**_weights(rng, w=(2, 1, 3, 3)), "scales": scales})
    net = Network.from_onnx(model, (9, 11))
    _assert_same_geometry(net, f"conv k=3 s=2; upsample s={factor}", [(9, 11), (10, 7)])
    _assert_operator_matches(ort, net, model)


# --- every Resize the adapter builds ------------------------------------------------------

#: Scales exact in float32 and in binary, so that onnxruntime's float32 coordinates are
#: the exact ones (0.6 is not: docs/frameworks.rst lists what onnxruntime does there).
DYADIC = (0.5, 0.75, 1.25, 1.5, 2.0, 2.5, 3.0)
TRANSFORMS = ("half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
              "asymmetric", "tf_half_pixel_for_nn")  # fmt: skip
ROUNDINGS = ("round_prefer_floor", "round_prefer_ceil", "floor", "ceil")
RESIZE_INPUT = (8, 4)  # every DYADIC scale of these is an integer size


def _resize_cases(count, seed):
    rng = np.random.default_rng(seed)
    cases = []
    for index in range(count):
        mode = ("nearest", "linear", "cubic")[index % 3]
        transform = TRANSFORMS[index // 3 % len(TRANSFORMS)]
        factors = [float(rng.choice(DYADIC)) for _ in RESIZE_INPUT]
        attrs = {"mode": mode, "coordinate_transformation_mode": transform}
        if mode == "nearest":
            attrs["nearest_mode"] = ROUNDINGS[int(rng.integers(4))]
        if mode == "cubic":
            attrs["cubic_coeff_a"] = float(rng.choice([-0.75, -0.5]))
            attrs["exclude_outside"] = int(rng.integers(2))
        if mode == "linear" and index % 4 == 1:
            # antialias needs exclude_outside=1 where it shrinks (onnxruntime refuses
            # exclude_outside with plain linear, and antialias with cubic on NCHW)
            attrs.update(antialias=1, exclude_outside=1)
        # sizes always with axes: on every axis they would fix the batch size too
        given = ("scales", "scales axes", "sizes axes")[index // 2 % 3]
        if transform == "tf_half_pixel_for_nn" and given == "scales axes":
            # the axis left out has scale 1, where onnxruntime does not apply this map
            # (test_onnx_resize.py pins that divergence)
            given = "scales"
        cases.append((attrs, given, factors))
    return cases


def _resize_model(onnx, attrs, given, factors, channels=2):
    """x → Resize → Conv (k=2): the resize's geometry is composed with a layer after it."""
    rng = np.random.default_rng(len(given))
    sizes = [int(n * f) for n, f in zip(RESIZE_INPUT, factors)]
    if given == "scales axes":  # only the last axis: the other keeps its size
        attrs, values = {**attrs, "axes": [3]}, [factors[1]]
    elif given == "sizes axes":
        attrs, values = {**attrs, "axes": [-2, -1]}, sizes
    else:
        values = [1, 1, *factors]
    name = given.split()[0]
    array = np.array(values, dtype=np.float32 if name == "scales" else np.int64)
    inputs = ["x", "", "scales"] if name == "scales" else ["x", "", "", "sizes"]
    nodes = [
        _node(onnx, "Resize", inputs, "resize", **attrs),
        _node(onnx, "Conv", ["resize", "w"], "conv", kernel_shape=[2, 2]),
    ]
    weights = {name: array, **_weights(rng, w=(3, channels, 2, 2))}
    return _model(onnx, nodes, channels, ["H", "W"], weights)


def _ort_dependence(ort, model, channels, size, index):
    """The input positions (i, j) whose unit impulse changes output ``index`` (channel 0)."""
    n = channels * int(np.prod(size))
    y = _run(ort, model, np.eye(n).reshape(n, channels, *size))
    column = np.abs(y[(slice(None), 0, *index)]).reshape(channels, *size).max(axis=0)
    return {tuple(int(v) for v in p) for p in np.argwhere(column > 1e-6)}


@pytest.mark.parametrize("case", _resize_cases(72, 14))
def test_every_resize_the_adapter_builds(onnx, ort, case):
    attrs, given, factors = case
    model = _resize_model(onnx, attrs, given, factors)
    net = Network.from_onnx(model, RESIZE_INPUT)
    _assert_operator_matches(ort, net, model)
    out = _run(ort, model, np.zeros((1, 2, *RESIZE_INPUT))).shape[2:]
    assert net.layer_sizes()[-1][1] == out
    inferred = _inferred_sizes(onnx, model, 2, RESIZE_INPUT)
    assert [s for _, s in net.layer_sizes()] == [RESIZE_INPUT, inferred["resize"], out]
    middle = tuple(m // 2 for m in out)
    ours = set(itertools.product(*net.inputs(middle)))
    assert ours == _ort_dependence(ort, model, 2, RESIZE_INPUT, middle)
    kind = net.nodes[0].op.kind
    if kind == "resample":
        for claim in (net.receptive_field, lambda: net.window((0, 0))):
            with pytest.raises(ParameterError, match=r"'resize'.*affine map from output index"):
                claim()
        # The table still gives every size; r, S, P are stated up to the input only.
        rows = net.table()
        assert [row["size"] for row in rows] == [s for _, s in net.layer_sizes()]
        assert [row["r"] is None for row in rows] == [False, True, True]
        with pytest.raises(ParameterError, match=r"resize.*integer strides"):
            net.period()
        assert net.size_rule() == (None, None)
    else:  # nearest up-sampling by integers: the geometry of an upsample layer
        assert kind == "upsample" and attrs["mode"] == "nearest"
        strides = "x".join(str(s) for s in net.nodes[0].op.stride)
        _assert_same_geometry(net, f"upsample s={strides}; conv k=2", [RESIZE_INPUT, (5, 7)])


def test_the_resize_sweep_reaches_every_setting(onnx):
    """Guard the sweep (no runtime run): every mode with every coordinate map, scales
    and sizes with and without axes, antialias, and both geometries."""
    seen = collections.Counter()
    for attrs, given, factors in _resize_cases(72, 14):
        seen[attrs["mode"], attrs["coordinate_transformation_mode"]] += 1
        seen[given] += 1
        seen["antialias"] += attrs.get("antialias", 0)
        seen["non-integer"] += any(not f.is_integer() for f in factors)
        model = _resize_model(onnx, attrs, given, factors)
        seen[Network.from_onnx(model, RESIZE_INPUT).nodes[0].op.kind] += 1
    for mode in ("nearest", "linear", "cubic"):
        for transform in TRANSFORMS:
            assert seen[mode, transform] >= 2, (mode, transform)
    for key in ("scales", "scales axes", "sizes axes", "antialias", "non-integer", "resample"):
        assert seen[key] >= 5, (key, seen)
    assert seen["upsample"] >= 1  # test_nearest_resize_by_an_integer_factor_is_... has more


def test_a_resample_layer_has_a_sampler_and_only_it():
    from symconv.network.layers import Layer

    with pytest.raises(ParameterError, match="sampler"):
        Layer("resample")
    with pytest.raises(ParameterError, match="sampler"):
        Layer("upsample", stride=2, sampler=lambda axis, n: None)
    with pytest.raises(ParameterError, match="no stride for a resample layer"):
        Layer("resample", stride=2, sampler=lambda axis, n: None)

@pytest.mark.parametrize(
    ("extra", "match"),
    [
        ({"coordinate_transformation_mode": "tf_crop_and_resize"},
         "coordinate_transformation_mode.*Resize 'y'"),
        ({"mode": "linear", "antialias": 1}, "antialias.*Resize 'y'"),  # shrinks, exclude 0
        ({"mode": "area"}, "mode.*Resize 'y'"),
        ({"coordinate_transformation_mode": "half_pixel", "roi_mode": 1}, "roi_mode"),
    ],
)  # fmt: skip
def test_resize_settings_without_an_operator_are_refused_naming_the_node(onnx, extra, match):
    scales = {"scales": np.array([1, 1, 0.5, 0.5], dtype=np.float32)}
    model = _one(onnx, "Resize", ["x", "", "scales"], scales, **extra)
    with pytest.raises(ParameterError, match=match):
        Network.from_onnx(model, (8, 8))


def test_keep_aspect_ratio_with_sizes_is_refused(onnx):
    sizes = {"sizes": np.array([4, 6], dtype=np.int64)}
    model = _one(onnx, "Resize", ["x", "", "", "sizes"], sizes, axes=[2, 3],
                 keep_aspect_ratio_policy="not_larger")  # fmt: skip
    with pytest.raises(ParameterError, match=r"keep_aspect_ratio_policy.*Resize 'y'"):
        Network.from_onnx(model, (8, 8))


def test_a_resize_to_fixed_sizes_accepts_every_size_that_reaches_it(onnx, ort):
    """sizes fix the output whatever the input: the geometry says so at every size."""
    sizes = {"sizes": np.array([6, 6], dtype=np.int64)}
    model = _one(onnx, "Resize", ["x", "", "", "sizes"], sizes, mode="linear", axes=[2, 3])
    for size in [(3, 3), (8, 5), (13, 13)]:
        net = Network.from_onnx(model, size)
        assert net.layer_sizes()[-1][1] == (6, 6)
        _assert_operator_matches(ort, net, model)
    assert net.input_sizes(1, 4) == [1, 2, 3, 4]


def test_average_pool_that_does_not_count_the_padding(onnx, ort):
    """count_include_pad=0 (ONNX's default) with pads: edge windows are divided by the
    elements they hold, which the operator models; the windows are a pool layer's."""
    model = _one(onnx, "AveragePool", kernel_shape=[3, 2], pads=[1, 1, 1, 0], strides=[2, 1])
    net = Network.from_onnx(model, (7, 5))
    _assert_operator_matches(ort, net, model)
    _assert_same_geometry(net, "avgpool k=3x2 s=2x1 p=1x1:0", [(7, 5), (8, 6)])


# --- what is refused --------------------------------------------------------------------


def _one(onnx, op, inputs=("x",), weights=None, **attrs):
    return _model(onnx, [_node(onnx, op, list(inputs), "y", **attrs)], 2, ["H", "W"],
                  weights or {})  # fmt: skip


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda o: _one(o, "LpPool", kernel_shape=[2, 2]), "LpPool 'y'.*supported ONNX operators"),
        (lambda o: _one(o, "Conv", ["x", "x"]), "Conv 'y' input 'x'.*initializer"),
        (lambda o: _one(o, "Concat", ["x", "x"], axis=2), "axis.*2 of Concat 'y'"),
        (lambda o: _one(o, "Pad", ["x", "pads"], {"pads": np.array([0, 0, 1, 1, 0, 0, 1, 1])},
                        mode="reflect"), "mode.*reflect of Pad 'y'"),
        (lambda o: _one(o, "Pad", ["x", "pads"], {"pads": np.array([1, 0, 0, 0, 0, 0, 0, 0])}),
         "batch axis"),
        (lambda o: _one(o, "ConvTranspose", ["x", "w"], {"w": np.ones((2, 1, 2, 2))},
                        strides=[2, 2], output_shape=[8, 8]), "output_shape.*ConvTranspose 'y'"),
        (lambda o: _one(o, "Softmax"), "axis.*Softmax 'y'"),
        # (4,) broadcasts along W, not along the channels
        (lambda o: _one(o, "Add", ["x", "b"], {"b": np.ones(4)}), "Add 'y' constant 'b'"),
        (lambda o: _one(o, "Add", ["x", "b"], {"b": np.ones((2, 1, 8))}), "of shape .2, 1, 8."),
        (lambda o: _one(o, "Flatten", axis=2), "axis.*Flatten 'y'"),
    ],
)  # fmt: skip
def test_unsupported_nodes_raise_parameter_errors_naming_them(onnx, build, match):
    with pytest.raises(ParameterError, match=match):
        Network.from_onnx(build(onnx), (8, 8))


def test_batch_norm_statistics_must_be_per_channel(onnx):
    n = lambda *a, **k: _node(onnx, *a, **k)  # noqa: E731
    stats = {name: np.ones(3) for name in ("gamma", "beta", "mean", "var")}
    nodes = [
        n("Conv", ["x", "w"], "conv"),
        n("BatchNormalization", ["conv", "gamma", "beta", "mean", "var"], "bn"),
    ]
    model = _model(onnx, nodes, 2, ["L"], {"w": np.ones((4, 2, 3)), **stats})
    net = Network.from_onnx(model, 8)  # the geometry does not need the channels
    with pytest.raises(ParameterError, match=r"one per channel \(4\)"):
        net.operator()
    stats = {name: np.ones((2, 8)) for name in ("gamma", "beta", "mean", "var")}
    model = _model(onnx, [_node(onnx, "BatchNormalization", ["x", *stats], "bn")], 2, ["L"], stats)
    with pytest.raises(ParameterError, match="per-channel statistics"):
        Network.from_onnx(model, 8)


def test_opset_specific_semantics(onnx):
    # before opset 13 Softmax(axis=1) is one softmax over channels and space together
    model = _one(onnx, "Softmax", axis=1)
    assert Network.from_onnx(model, (8, 8)).nonlinear_layers() == ["y"]
    model.opset_import[0].version = 12
    with pytest.raises(ParameterError, match="Softmax 'y' in opset 12"):
        Network.from_onnx(model, (8, 8))
    model = _one(onnx, "Resize", ["x", "", "scales"], {"scales": SCALES})
    model.opset_import[0].version = 10
    with pytest.raises(ParameterError, match="Resize 'y' in opset 10"):
        Network.from_onnx(model, (8, 8))


def test_flatten_only_at_the_end_and_one_output(onnx):
    nodes = [_node(onnx, "Flatten", ["x"], "flat"), _node(onnx, "Relu", ["flat"], "relu")]
    with pytest.raises(ParameterError, match="Flatten 'flat' before Relu 'relu'"):
        Network.from_onnx(_model(onnx, nodes, 1, ["L"], {}), 8)
    nodes = [_node(onnx, "Relu", ["x"], "a"), _node(onnx, "Relu", ["x"], "b")]
    with pytest.raises(ParameterError, match="computed by the last node"):
        Network.from_onnx(_model(onnx, nodes, 1, ["L"], {}, output="a"), 8)
    with pytest.raises(ParameterError, match="ModelProto"):
        Network.from_onnx(3, 8)
    with pytest.raises(ParameterError, match="existing file"):
        Network.from_onnx("missing.onnx", 8)
    with pytest.raises(ParameterError, match="declares shape"):
        Network.from_onnx(_model(onnx, nodes[:1], 1, ["L"], {}))


# --- a PyTorch module through torch.onnx.export ------------------------------------------


@pytest.mark.filterwarnings("ignore:.*legacy TorchScript-based ONNX export:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:The feature will be removed:DeprecationWarning")
def test_a_torch_export_gives_the_network_from_torch_gives(onnx, ort, tmp_path):
    torch = load("torch")
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Conv2d(2, 4, 3, padding=1)
            self.b = nn.Conv2d(4, 4, 3, stride=2, padding=1)
            self.skip = nn.Conv2d(2, 4, 1, stride=2)
            self.pool = nn.AvgPool2d(2, padding=1)
            self.bn = nn.BatchNorm2d(4)
            self.up = nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1)
            self.nearest = nn.Upsample(scale_factor=2)

        def forward(self, x):
            return self.nearest(self.up(self.bn(self.pool(self.b(self.a(x)) + self.skip(x)))))

    module = Block().eval()
    path = tmp_path / "block.onnx"
    # The TorchScript exporter: the default (dynamo) exporter needs onnxscript.
    torch.onnx.export(module, (torch.zeros(1, 2, 12, 10),), str(path), dynamo=False,
                      opset_version=17, input_names=["x"],
                      dynamic_axes={"x": {0: "N"}})  # fmt: skip
    model = onnx.load(str(path))
    ops = {n.op_type for n in model.graph.node}
    assert {"Conv", "Add", "AveragePool", "ConvTranspose", "Resize"} <= ops
    from_onnx = Network.from_onnx(model)
    from_torch = Network.from_torch(module, (12, 10))
    assert from_onnx.input_size == (12, 10) and from_onnx.linear
    assert [r["size"] for r in from_onnx.table()][-1] == [r["size"] for r in from_torch.table()][-1]
    for key in ("receptive_field", "effective_stride", "effective_padding"):
        assert getattr(from_onnx, key)() == getattr(from_torch, key)()
    _assert_operator_matches(ort, from_onnx, model)


# --- the command line --------------------------------------------------------------------


def test_the_command_line_reads_an_onnx_file_like_its_spec(onnx, tmp_path, capsys):
    model, spec = _unet(onnx, np.random.default_rng(7), relu=True)
    path = tmp_path / "unet.onnx"
    onnx.save(model, str(path))
    reports = []
    for source in (str(path), spec):
        assert main(["network", source, "--input", "12,16", "--sizes", "1:20", "--json"]) == 0
        reports.append(json.loads(capsys.readouterr().out))
    ours, theirs = reports
    assert [row["layer"] for row in ours["layers"]][:3] == ["input", "conv k=3x3 s=1x1 p=1x1",
                                                           "nonlinear"]  # fmt: skip
    keys = ("size", "receptive_field", "effective_stride", "effective_padding", "linear")
    for row, other in zip(ours["layers"], theirs["layers"], strict=True):
        assert [row[k] for k in keys] == [other[k] for k in keys]
    for key in ("output_size", "window", "inputs", "input_sizes", "input_sizes_in_range"):
        assert ours[key] == theirs[key], key
    assert ours["nonlinear_layers"] == ["enc_act", "down"]
    # the text table, with the model's input size (12, 16) declared nowhere but --input
    assert main(["network", str(path), "--input", "12,16"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("network: 7 layers, input 12x16\n")
    assert "  6  cat      cat" in text and "not linear: enc_act, down" in text
    # without --input: the model declares no size
    assert main(["network", str(path)]) == 2
    assert "declares shape" in capsys.readouterr().err


def test_the_command_line_tabulates_a_network_with_a_bilinear_resize(onnx, ort, tmp_path, capsys):
    """Sizes for every layer; r, S, P and the window marked not stated behind the resize;
    the exact inputs of an output index still printed (and equal to onnxruntime's)."""
    attrs = {"mode": "linear", "coordinate_transformation_mode": "half_pixel"}
    model = _resize_model(onnx, attrs, "scales", [1.5, 2.0])
    path = tmp_path / "resize.onnx"
    onnx.save(model, path)
    size = ",".join(map(str, RESIZE_INPUT))
    assert main(["network", str(path), "--input", size, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    out = _run(ort, model, np.zeros((1, 2, *RESIZE_INPUT))).shape[2:]
    assert report["output_size"] == list(out)
    assert [layer["receptive_field"] for layer in report["layers"]] == [[1, 1], None, None]
    assert report["window"] is None and report["resample_layers"] == ["resize"]
    reads = set(itertools.product(*report["inputs"]))
    assert reads == _ort_dependence(ort, model, 2, RESIZE_INPUT, tuple(report["output_index"]))
    assert main(["network", str(path), "--input", size]) == 0
    text = capsys.readouterr().out
    assert "not stated (no affine window map across the resample layers resize)" in text
