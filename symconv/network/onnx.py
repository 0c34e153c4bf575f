"""The ONNX front end of :class:`symconv.Network`: read a model's graph, map its nodes.

Each node of the graph (which ONNX keeps in topological order) becomes a network
node whose geometry (:class:`~symconv.network.layers.Layer`) comes from the node's
attributes. Linear nodes also get an operator builder that calls
:mod:`symconv.frameworks.onnx` with the same attributes and the weights of the
graph's initializers (``onnx.numpy_helper.to_array``), so the geometry and the
operator read one source. The ``onnx`` package is imported only when a model is
read.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from symconv.errors import ParameterError
from symconv.network.builders import (
    channel_scale,
    layer_builder,
    merge_builder,
    pass_through,
)
from symconv.network.layers import INPUT, Layer, Merge, Node

__all__ = ["POINTWISE_NONLINEAR", "SUPPORTED", "read"]

#: Pointwise ONNX operators that keep the size but are not linear.
POINTWISE_NONLINEAR: tuple[str, ...] = (
    "Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Celu", "Gelu", "Sigmoid", "HardSigmoid",
    "HardSwish", "Tanh", "Softplus", "Softsign", "Mish", "Clip", "ThresholdedRelu", "Erf",
    "Exp", "Log", "Abs", "Sqrt",
)  # fmt: skip
#: Operators over the channel axis only: pointwise in space when ``axis`` is 1.
_CHANNEL_NONLINEAR = ("Softmax", "LogSoftmax", "Hardmax")
#: What :func:`read` accepts, for error messages.
SUPPORTED = (
    "Conv, ConvTranspose (pads or auto_pad, no output_shape), AveragePool, MaxPool, Pad "
    "(constant 0), Slice (fixed crops), Resize (no roi, no tf_crop_and_resize), "
    "BatchNormalization, Identity, Dropout, Add/Sum (of branches, or of a constant bias), "
    "Concat (axis 1), pointwise activations (Relu, Sigmoid, ...; Softmax over axis 1), "
    "Flatten/Reshape as the last node"
)
_SAME = {"SAME_UPPER": "same", "SAME_LOWER": "same_lower"}
#: The ONNX operators one method of the reader maps, and that method's name.
_READERS = {
    "Conv": "conv", "ConvTranspose": "conv_transpose", "AveragePool": "pool", "MaxPool": "pool",
    "Pad": "pad", "BatchNormalization": "batch_norm", "Slice": "slice", "Resize": "resize",
    "Flatten": "flatten", "Reshape": "flatten",
}  # fmt: skip


def _load(model: object) -> Any:
    try:
        import onnx
    except ImportError:
        raise ParameterError(
            "model",
            str(model) if isinstance(model, (str, Path)) else type(model).__name__,
            "a model the onnx package can read, and that package installed (pip install onnx)",
        ) from None
    if isinstance(model, (str, Path)):
        path = Path(model)
        if not path.is_file():
            raise ParameterError("model", str(model), "an onnx.ModelProto or an existing file")
        try:
            return onnx.load(str(path))
        except Exception as error:  # protobuf raises its own DecodeError
            raise ParameterError("model", str(model), f"an ONNX file ({error})") from None
    if not isinstance(model, onnx.ModelProto):
        raise ParameterError("model", type(model).__name__, "an onnx.ModelProto or a path")
    return model


def _attributes(node: Any) -> dict[str, Any]:
    import onnx

    out = {}
    for attribute in node.attribute:
        value = onnx.helper.get_attribute_value(attribute)
        out[attribute.name] = value.decode() if isinstance(value, bytes) else value
    return out


class _Reader:
    """The state of one pass over a graph: tensors seen, constants, nodes made."""

    def __init__(self, graph: Any, rank: int, opset: int) -> None:
        from onnx import numpy_helper

        self.rank, self.opset = rank, opset
        self.constants: dict[str, np.ndarray] = {
            t.name: numpy_helper.to_array(t) for t in graph.initializer
        }
        self.names: dict[str, str] = {}  # ONNX tensor name → network node name
        self.nodes: list[Node] = []
        self.ceil: set[str] = set()
        self.channels: int | None = None
        self.finished: str | None = None  # the Flatten/Reshape that ends the network

    def what(self, node: Any) -> str:
        return f"{node.op_type} {self.node_name(node)!r}"

    def node_name(self, node: Any) -> str:
        return node.name or (node.output[0] if node.output else node.op_type)

    def constant(self, node: Any, position: int, required: bool = True) -> np.ndarray | None:
        """Input ``position`` of ``node`` as an array: an initializer or a Constant's output."""
        if position >= len(node.input) or not node.input[position]:
            if required:
                raise ParameterError("node", self.what(node), f"an input {position}")
            return None
        name = node.input[position]
        if name not in self.constants:
            raise ParameterError(
                "node",
                f"{self.what(node)} input {name!r}",
                "a graph initializer or Constant (weights, pads and shapes must be constant)",
            )
        return self.constants[name]

    def source(self, node: Any, name: str) -> str:
        if name not in self.names:
            raise ParameterError(
                "node", f"{self.what(node)} input {name!r}", "a tensor computed from the input"
            )
        return self.names[name]

    def add(self, node: Any, op: Layer | Merge, inputs: list[str], build: Any) -> str:
        """Append ``node`` as a network node named after it (made unique); its name."""
        if self.finished is not None:
            raise ParameterError(
                "node",
                f"{self.finished} before {self.what(node)}",
                "Flatten/Reshape only as the last node",
            )
        name = self.node_name(node)
        taken = {n.name for n in self.nodes} | {INPUT}
        if name in taken:
            name = f"{name}/{node.output[0]}"
        sources = tuple(self.source(node, i) for i in inputs)
        self.nodes.append(Node(name, replace(op, name=name), sources, build))
        self.names[node.output[0]] = name
        return name

    def checked(self, node: Any, call: Callable[[], Any]) -> Any:
        """``call()``, its :class:`ParameterError` naming ``node`` too."""
        try:
            return call()
        except ParameterError as error:
            raise ParameterError(
                error.name, f"{error.value} of {self.what(node)}", error.allowed
            ) from None

    def reveal(self, channels: int) -> None:
        if self.channels is None:
            self.channels = int(channels)

    # -- one node ------------------------------------------------------------------------

    def read(self, node: Any) -> None:
        op = node.op_type
        attrs = _attributes(node)
        if op == "Constant":
            from onnx import numpy_helper

            if "value" not in attrs:
                raise ParameterError("node", self.what(node), "a Constant with a tensor 'value'")
            self.constants[node.output[0]] = numpy_helper.to_array(attrs["value"])
        elif op == "Identity" and node.input[0] in self.constants:
            # exporters route shared weights through Identity nodes
            self.constants[node.output[0]] = self.constants[node.input[0]]
        elif op in _READERS:
            getattr(self, _READERS[op])(node, attrs)
        elif op in ("Add", "Sum"):
            self.sum(node)
        elif op == "Concat":
            axis = attrs.get("axis")
            if axis not in (1, -self.rank - 1):
                raise ParameterError(
                    "axis",
                    f"{axis} of {self.what(node)}",
                    f"1 or {-self.rank - 1} (concatenation along the channels)",
                )
            self.add(node, Merge("cat"), list(node.input), merge_builder("cat"))
        elif op in ("Identity", "Dropout"):
            training = self.constant(node, 2, required=False) if op == "Dropout" else None
            if training is not None and bool(training):
                self.add(node, Layer("pointwise", linear=False), [node.input[0]], None)
            else:
                self.add(node, Layer("pointwise"), [node.input[0]], pass_through)
        elif op in POINTWISE_NONLINEAR or op in _CHANNEL_NONLINEAR:
            if op in _CHANNEL_NONLINEAR and self.opset < 13:
                # before opset 13 the input is flattened to 2-D from ``axis`` (default 1):
                # one softmax over channels and space together
                raise ParameterError(
                    "node", f"{self.what(node)} in opset {self.opset}", "opset 13 or later"
                )
            if op in _CHANNEL_NONLINEAR and attrs.get("axis", -1) not in (1, -self.rank - 1):
                raise ParameterError(
                    "axis",
                    f"{attrs.get('axis', -1)} of {self.what(node)}",
                    "1 (over the channels; over a spatial axis every output reads the whole row)",
                )
            self.add(node, Layer("pointwise", linear=False), [node.input[0]], None)
        else:
            raise ParameterError(
                "node", self.what(node), f"one of the supported ONNX operators: {SUPPORTED}"
            )

    def _padding(self, node: Any, attrs: dict) -> tuple[str, Any]:
        """(auto_pad, the Layer padding) of a Conv or pool node."""
        auto_pad = attrs.get("auto_pad", "NOTSET")
        if auto_pad in _SAME:
            return auto_pad, _SAME[auto_pad]
        if auto_pad == "VALID":
            return auto_pad, 0
        if auto_pad != "NOTSET":
            raise ParameterError(
                "auto_pad",
                f"{auto_pad} of {self.what(node)}",
                "NOTSET, SAME_UPPER, SAME_LOWER, VALID",
            )
        pads = list(attrs.get("pads", [0] * 2 * self.rank))
        if len(pads) != 2 * self.rank:
            raise ParameterError("pads", f"{pads} of {self.what(node)}", f"{2 * self.rank} ints")
        return auto_pad, tuple(zip(pads[: self.rank], pads[self.rank :]))

    def _window(self, node: Any, attrs: dict, kernel: tuple[int, ...]) -> dict[str, tuple]:
        ones = (1,) * self.rank
        if len(kernel) != self.rank:
            raise ParameterError(
                "kernel_shape", f"{list(kernel)} of {self.what(node)}",
                f"{self.rank} spatial axes, as the input size",
            )  # fmt: skip
        return {
            "kernel": tuple(kernel),
            "stride": tuple(attrs.get("strides", ones)),
            "dilation": tuple(attrs.get("dilations", ones)),
        }

    def conv(self, node: Any, attrs: dict) -> None:
        from symconv.frameworks import onnx as adapters

        w = self.constant(node, 1).astype(np.float64)
        group = attrs.get("group", 1)
        auto_pad, padding = self._padding(node, attrs)
        window = self._window(node, attrs, attrs.get("kernel_shape", w.shape[2:]))
        geometry = Layer("conv", padding=padding, **window)
        self.reveal(w.shape[1] * group)

        def make(c: int, size: tuple) -> tuple[sp.MatrixExpr, int]:
            op = adapters.conv(
                w, size, auto_pad, attrs.get("dilations"), group, attrs.get("kernel_shape"),
                attrs.get("pads"), attrs.get("strides"),
            )  # fmt: skip
            return op, w.shape[0]

        self.add(node, geometry, [node.input[0]], layer_builder(make))

    def conv_transpose(self, node: Any, attrs: dict) -> None:
        from symconv.frameworks import onnx as adapters

        w = self.constant(node, 1).astype(np.float64)
        group = attrs.get("group", 1)
        if "output_shape" in attrs:
            raise ParameterError(
                "output_shape",
                f"{attrs['output_shape']} of {self.what(node)}",
                "pads or auto_pad (output_shape fixes the output size, so its padding would "
                "change with the input size)",
            )
        window = self._window(node, attrs, attrs.get("kernel_shape", w.shape[2:]))
        a = tuple(attrs.get("output_padding", (0,) * self.rank))
        auto_pad = attrs.get("auto_pad", "NOTSET")
        if auto_pad in _SAME:
            # The output is n·s, so the total padding s(n − 1) + a + d(k − 1) + 1 − n·s
            # = a + d(k − 1) + 1 − s does not depend on n: resolve it once.
            padding = tuple(
                adapters.conv_transpose_pads(1, k, s, d, a_k, auto_pad, None)
                for k, s, d, a_k in zip(window["kernel"], window["stride"], window["dilation"], a)
            )
            if any(lo < 0 or hi < 0 for lo, hi in padding):
                raise ParameterError(
                    "auto_pad",
                    f"{auto_pad} of {self.what(node)}",
                    f"a setting with pads >= 0 (these strides make them {list(padding)})",
                )
        else:
            padding = self._padding(node, attrs)[1]
        geometry = Layer("conv_transpose", padding=padding, output_padding=a, **window)

        def make(c: int, size: tuple) -> tuple[sp.MatrixExpr, int]:
            op = adapters.conv_transpose(
                w, size, auto_pad, attrs.get("dilations"), group, attrs.get("kernel_shape"),
                attrs.get("output_padding"), None, attrs.get("pads"), attrs.get("strides"),
            )  # fmt: skip
            return op, w.shape[1] * group

        self.reveal(w.shape[0])
        self.add(node, geometry, [node.input[0]], layer_builder(make))

    def pool(self, node: Any, attrs: dict) -> None:
        from symconv.frameworks import onnx as adapters

        if "kernel_shape" not in attrs:
            raise ParameterError("kernel_shape", None, f"the kernel_shape of {self.what(node)}")
        auto_pad, padding = self._padding(node, attrs)
        window = self._window(node, attrs, attrs["kernel_shape"])
        linear = node.op_type == "AveragePool"
        build = None
        if linear:
            # count_include_pad=0 divides edge windows by fewer elements: the adapter's
            # operator says how; the windows, and so the geometry, are the same.

            def make(c: int, size: tuple) -> tuple[sp.MatrixExpr, int]:
                op = adapters.average_pool(
                    size, attrs["kernel_shape"], c, auto_pad, attrs.get("ceil_mode", 0),
                    attrs.get("count_include_pad", 0), attrs.get("dilations"),
                    attrs.get("pads"), attrs.get("strides"),
                )  # fmt: skip
                return op, c

            build = layer_builder(make)
        geometry = Layer("pool", padding=padding, linear=linear, **window)
        name = self.add(node, geometry, [node.input[0]], build)
        if attrs.get("ceil_mode", 0) and auto_pad not in _SAME:
            # SAME pads make the windows fit exactly; otherwise ceil mode may add one
            self.ceil.add(name)

    def pad(self, node: Any, attrs: dict) -> None:
        from symconv.frameworks import onnx as adapters

        mode = attrs.get("mode", "constant")
        if mode != "constant":
            raise ParameterError(
                "mode", f"{mode} of {self.what(node)}", "'constant' (with value 0: linear)"
            )
        if "pads" in attrs:  # opset < 11: attributes
            pads, value, axes = list(attrs["pads"]), attrs.get("value", 0.0), None
        else:
            pads = [int(p) for p in self.constant(node, 1)]
            value = self.constant(node, 2, required=False)
            axes = self.constant(node, 3, required=False)
            axes = None if axes is None else [int(v) for v in axes]
        if value is not None and np.any(np.asarray(value) != 0):
            raise ParameterError(
                "constant_value", f"{value} of {self.what(node)}", "0 (else the map is affine)"
            )
        total = self.rank + 2
        chosen = list(range(total)) if axes is None else [v % total for v in axes]
        if len(pads) != 2 * len(chosen):
            raise ParameterError("pads", f"{pads} of {self.what(node)}", "2 ints per axis")
        pairs = [(0, 0)] * total
        for i, axis in enumerate(chosen):
            pairs[axis] = (pads[i], pads[i + len(chosen)])
        if pairs[0] != (0, 0):
            raise ParameterError(
                "pads", f"{pads} of {self.what(node)}", "0 on the batch axis (one sample)"
            )
        grown = pairs[1][0] + pairs[1][1]

        def make(c: int, size: tuple) -> tuple[sp.MatrixExpr, int]:
            return adapters.pad(size, pads, "constant", channels=c, axes=axes), c + grown

        geometry = Layer("pad", padding=tuple(pairs[2:]))
        self.add(node, geometry, [node.input[0]], layer_builder(make))

    def batch_norm(self, node: Any, attrs: dict) -> None:
        scale = self.constant(node, 1).astype(np.float64)
        variance = self.constant(node, 4).astype(np.float64)
        if attrs.get("spatial", 1) != 1 or scale.ndim != 1:
            # opset < 9 with spatial=0: one statistic per element, not per channel
            raise ParameterError(
                "node", self.what(node), "per-channel statistics (spatial=1, 1-D scale)"
            )
        self.reveal(scale.size)
        if attrs.get("training_mode", 0):
            # Normalised by the batch's own statistics: not an affine map.
            self.add(node, Layer("pointwise", linear=False), [node.input[0]], None)
            return
        # Inference: γ(x − μ)/√(σ² + ε) + β, whose linear part is a per-channel scale.
        factors = scale / np.sqrt(variance + attrs.get("epsilon", 1e-5))
        self.add(node, Layer("pointwise"), [node.input[0]], channel_scale(factors))

    def sum(self, node: Any) -> None:
        branches = [name for name in node.input if name not in self.constants]
        for name in node.input:
            bias = self.constants.get(name)
            if bias is None:
                continue
            # Broadcasting aligns shapes on the right: the last `rank` axes are spatial,
            # and a constant longer than 1 there would fix (or stretch) the input size.
            spatial = bias.shape[-self.rank :] if bias.ndim else ()
            if (
                bias.ndim > self.rank + 2
                or any(d != 1 for d in spatial)
                or (bias.ndim == self.rank + 2 and bias.shape[0] != 1)
            ):
                raise ParameterError(
                    "node",
                    f"{self.what(node)} constant {name!r} of shape {list(bias.shape)}",
                    "a scalar or per-channel constant (C, 1, ..., 1) with size 1 on the "
                    "spatial axes",
                )
        if len(branches) >= 2:
            self.add(node, Merge("add"), branches, merge_builder("add"))
        elif branches:
            # x + b: the bias is left out of the operator, like every bias
            self.add(node, Layer("pointwise"), branches, pass_through)
        else:
            raise ParameterError("node", self.what(node), "an input computed from the input")

    def slice(self, node: Any, attrs: dict) -> None:
        """A ``Slice`` that crops fixed amounts off spatial axes: ``x[..., a:-b]``.

        Starts ≥ 0 and ends < 0 (or past any size: to the end) with step 1 cut the
        same amounts at every input size, a ``pad`` layer with negative padding.
        Other slices depend on the size (or are strided) and are refused.
        """
        from symconv.frameworks import onnx as adapters

        if "starts" in attrs:  # opset < 10: attributes
            starts, ends, axes, steps = attrs["starts"], attrs["ends"], attrs.get("axes"), None
        else:
            starts, ends = self.constant(node, 1), self.constant(node, 2)
            axes = self.constant(node, 3, required=False)
            steps = self.constant(node, 4, required=False)
        total = self.rank + 2
        axes = list(range(len(starts))) if axes is None else [int(v) % total for v in axes]
        cuts = [(0, 0)] * total
        for axis, start, end, step in zip(
            axes, starts, ends, [1] * len(axes) if steps is None else steps
        ):
            start, end = int(start), int(end)
            to_end = end >= 2**31 - 1  # INT_MAX and beyond mean "to the end"
            if axis < 2 or step != 1 or start < 0 or not (end < 0 or to_end):
                raise ParameterError(
                    "node",
                    f"{self.what(node)} (axis {axis}: start {start}, end {end}, step {step})",
                    "a crop of fixed amounts on spatial axes: start >= 0, end < 0 or to the "
                    "end, step 1 (other slices depend on the input size)",
                )
            cuts[axis] = (start, 0 if to_end else -end)
        pads = [-lo for lo, _ in cuts] + [-hi for _, hi in cuts]

        def make(c: int, size: tuple) -> tuple[sp.MatrixExpr, int]:
            return adapters.pad(size, pads, "constant", channels=c), c

        geometry = Layer("pad", padding=tuple((-lo, -hi) for lo, hi in cuts[2:]))
        self.add(node, geometry, [node.input[0]], layer_builder(make))

    def resize(self, node: Any, attrs: dict) -> None:
        """``Resize`` through :func:`symconv.frameworks.onnx.resize`, geometry included.

        The operator is the adapter's, at each input size; each axis' geometry is the
        adapter's 1-D operator on that axis alone (``scales``/``sizes`` as
        :func:`~symconv.frameworks.onnx.resize_inputs` reads them). Where that is
        nearest up-sampling by an integer k on every axis (output i reads ⌊i/k⌋ at
        every size) the layer is an ``upsample`` layer; otherwise a ``resample`` layer,
        whose sizes and dependences are exact and which claims no receptive field.
        """
        from symconv.frameworks import onnx as adapters

        if self.opset < 11:  # Resize-10 has other inputs and no coordinate modes
            raise ParameterError(
                "node", f"{self.what(node)} in opset {self.opset}", "opset 11 or later"
            )
        unknown = sorted(set(attrs) - set(_RESIZE_ATTRIBUTES))
        if unknown:
            raise ParameterError(
                "node",
                f"{self.what(node)} attribute {unknown[0]}",
                "a Resize attribute of opset 22",
            )
        scales = self.constant(node, 2, required=False)
        sizes = self.constant(node, 3, required=False)
        if scales is not None and scales.size == 0 and sizes is not None:
            scales = None  # exporters write an empty scales input beside sizes
        policy = attrs.get("keep_aspect_ratio_policy", "stretch")
        if sizes is not None and policy != "stretch":
            raise ParameterError(
                "keep_aspect_ratio_policy",
                f"{policy} of {self.what(node)}",
                "'stretch' (the other policies make each axis' size depend on the others)",
            )
        given, per_axis = self.checked(
            node, lambda: adapters.resize_inputs(self.rank, scales, sizes, attrs.get("axes"))
        )
        one_axis = {k: v for k, v in attrs.items() if k != "axes"}

        def sampler(axis: int, n: int) -> sp.MatrixExpr:
            value = per_axis[axis]
            entry = {"scales": [1.0]} if value is None else {given: [value]}
            return adapters.resize(n, **entry, axes=[2], **one_axis)

        for axis, value in enumerate(per_axis):
            # The attributes are checked here, at a size with an output on every axis, so
            # that the geometry can read a refusal at another size as "too small".
            n = 1 if given == "sizes" or value is None else math.ceil(1 / value) + 1
            self.checked(node, lambda: sampler(axis, n))  # noqa: B023 (called at once)

        def make(c: int, size: tuple) -> tuple[sp.MatrixExpr, int]:
            return adapters.resize(size, scales, sizes, channels=c, **attrs), c

        factors = _nearest_factors(sampler, self.rank)
        if factors is None:
            geometry = Layer("resample", sampler=sampler)
        else:
            geometry = Layer("upsample", stride=factors)
        self.add(node, geometry, [node.input[0]], layer_builder(make))

    def flatten(self, node: Any, attrs: dict) -> None:
        if node.op_type == "Flatten" and attrs.get("axis", 1) != 1:
            raise ParameterError(
                "axis", f"{attrs['axis']} of {self.what(node)}", "1 (the channel-major flattening)"
            )
        if node.op_type == "Reshape" and len(self.constant(node, 1)) != 2:
            raise ParameterError(
                "shape",
                f"{list(self.constant(node, 1))} of {self.what(node)}",
                "2 entries (batch, features): the channel-major flattening",
            )
        self.add(node, Layer("pointwise"), [node.input[0]], pass_through)
        self.finished = self.what(node)


#: The attributes of ``Resize`` (opset 22), which :func:`symconv.frameworks.onnx.resize` takes.
_RESIZE_ATTRIBUTES = (
    "antialias", "axes", "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside",
    "extrapolation_value", "keep_aspect_ratio_policy", "mode", "nearest_mode",
)  # fmt: skip


def _nearest_factors(sampler: Any, rank: int) -> tuple[int, ...] | None:
    """Per axis the integer k where ``sampler`` is nearest up-sampling by k at every size.

    That is a nearest :class:`~symconv.operators.resample.Resample` from n to k·n samples
    reading ⌊i/k + o⌋ with scale 1/k and 0 ≤ o < 1/k, which is ⌊i/k⌋ for every i. The
    adapter's coordinate maps depend on n only through ``align_corners`` (scale
    (n − 1)/(N − 1), 1/k only for k = 1), ``half_pixel_symmetric`` (offset 0 when
    N = n·f, as for an integer f), ``pytorch_half_pixel`` at N = 1, and ``sizes`` (N
    fixed), so agreeing at n = 2 and n = 3 means agreeing at every n. None otherwise.
    """
    from symconv.operators.resample import Resample

    factors = []
    for axis in range(rank):
        found = set()
        for n in (2, 3):
            try:
                op = sampler(axis, n)
            except ParameterError:
                return None
            k = sp.Rational(op.shape[0], n)
            if not (
                isinstance(op, Resample)
                and op.kernel == "nearest"
                and k.is_integer
                and op.scale == 1 / k
                and 0 <= op.offset < 1 / k
            ):
                return None
            found.add(int(k))
        if len(found) != 1:
            return None
        factors.append(found.pop())
    return tuple(factors)


def _input(graph: Any, initializers: set[str]) -> Any:
    inputs = [value for value in graph.input if value.name not in initializers]
    if len(inputs) != 1:
        names = [value.name for value in inputs]
        raise ParameterError("model", f"graph inputs {names}", "exactly one input tensor")
    return inputs[0]


def _declared_shape(value: Any) -> list[int | None]:
    """The input's declared shape, None where a dimension is symbolic or unknown."""
    dims = value.type.tensor_type.shape.dim
    return [d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else None for d in dims]


def _up_to(graph: Any, output: str) -> tuple[list[Any], str]:
    """The nodes ``output`` (a tensor or node name) depends on, in graph order; its tensor."""
    producers = {name: node for node in graph.node for name in node.output if name}
    named = {node.name: node.output[0] for node in graph.node if node.name and node.output}
    tensor = output if output in producers else named.get(output)
    if tensor is None:
        raise ParameterError("output", output, "the name of a node or tensor of the graph")
    needed: set[int] = set()
    pending = [tensor]
    while pending:
        node = producers.get(pending.pop())
        if node is not None and id(node) not in needed:
            needed.add(id(node))
            pending.extend(node.input)
    return [node for node in graph.node if id(node) in needed], tensor


def read(
    model: object,
    input_size: object = None,
    channels: int | None = None,
    output: str | None = None,
) -> tuple[list[Node], tuple[int, ...], int, set[str]]:
    """(nodes, input size, input channels, ceil-mode pools) of an ONNX model.

    ``input_size`` defaults to the spatial shape the model's input declares;
    ``output`` (a node or tensor name) ends the network there, reading only the
    nodes it depends on (by default the graph's one output).
    """
    model = _load(model)
    graph = model.graph
    opsets = [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")]
    opset = opsets[0] if opsets else 1
    source = _input(graph, {t.name for t in graph.initializer})
    declared = _declared_shape(source)
    if input_size is None:
        if len(declared) < 3 or None in declared[2:]:
            raise ParameterError(
                "input_size", None, f"the spatial size (the model's input {source.name!r} "
                f"declares shape {declared})",
            )  # fmt: skip
        input_size = tuple(declared[2:])
    size = tuple(input_size) if isinstance(input_size, (tuple, list)) else (input_size,)
    if len(size) == 1 and len(declared) > 3:
        size = size * (len(declared) - 2)  # one size for every axis, as Network takes it
    if len(declared) >= 3 and len(declared) != len(size) + 2:
        raise ParameterError(
            "input_size", input_size, f"{len(declared) - 2} sizes (the model's input is "
            f"{len(declared) - 2}-D)",
        )  # fmt: skip
    reader = _Reader(graph, len(size), opset)
    reader.names[source.name] = INPUT
    if channels is None and len(declared) >= 2 and declared[1] is not None:
        channels = declared[1]
    if output is None:
        nodes, outputs = list(graph.node), [value.name for value in graph.output]
    else:
        nodes, tensor = _up_to(graph, output)
        outputs = [tensor]
    for node in nodes:
        reader.read(node)
    if not reader.nodes:
        raise ParameterError("model", graph.name or "the graph", "at least one layer")
    if len(outputs) != 1 or reader.names.get(outputs[0]) != reader.nodes[-1].name:
        raise ParameterError(
            "model",
            f"graph outputs {outputs}",
            "one output, computed by the last node (or choose one with output=)",
        )
    in_channels = channels if channels is not None else (reader.channels or 1)
    return reader.nodes, size, int(in_channels), reader.ceil
