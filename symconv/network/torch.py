"""The PyTorch front end of :class:`symconv.Network`: trace a module, map its layers.

``torch.fx.symbolic_trace`` turns the module into a graph; each leaf module or
function becomes a node with its geometry (:class:`~symconv.network.layers.Layer`) and,
when it is linear, an operator builder that calls :mod:`symconv.frameworks.torch`
with the module's weights. PyTorch is imported only when a module is traced.
"""

from __future__ import annotations

import math
from typing import Any

import sympy as sp

from symconv.errors import ParameterError
from symconv.network.builders import (
    channel_scale,
    depthwise,
    layer_builder,
    merge_builder,
    nearest_upsample,
    pass_through,
)
from symconv.network.layers import INPUT, Layer, Merge, Node

__all__ = ["trace"]

_TORCH_POINTWISE_NONLINEAR = (
    "ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish",
    "Sigmoid", "Tanh", "Hardtanh", "Hardswish", "Hardsigmoid", "Softplus", "Softsign",
    "Tanhshrink", "LogSigmoid", "Softmax", "LogSoftmax",
)  # fmt: skip
_TORCH_POINTWISE_LINEAR = ("Identity", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d")
_TORCH_FUNCTIONS_NONLINEAR = (
    "relu", "relu_", "relu6", "leaky_relu", "gelu", "silu", "elu", "selu", "sigmoid", "tanh",
    "hardtanh", "softplus", "mish", "softmax", "log_softmax", "hardswish",
)  # fmt: skip
_TORCH_SUPPORTED = (
    "Conv1d/2d/3d (padding_mode='zeros'), ConvTranspose1d/2d/3d, AvgPool1d/2d/3d "
    "(count_include_pad=True), MaxPool1d/2d/3d, nearest Upsample / F.interpolate with an "
    "integer scale, ZeroPad/ConstantPad (value 0), BatchNorm, Identity, "
    "Dropout, Flatten (last), pointwise activations, + / torch.add, torch.cat(dim=1)"
)


def _unsupported(what: str) -> ParameterError:
    return ParameterError("module", what, f"one of the supported layers: {_TORCH_SUPPORTED}")


def _numpy(tensor: Any) -> Any:
    return tensor.detach().cpu().double().numpy()


def _torch_module_node(name: str, module: Any) -> tuple[Layer, Any, int | None]:
    """(geometry, operator builder or None, input channels it reveals) for one leaf module."""
    from symconv.frameworks import torch as adapters
    from symconv.operators.channels import CorrNd
    from symconv.operators.grid import pad_nd

    kind = type(module).__name__
    if kind in ("Conv1d", "Conv2d", "Conv3d"):
        if module.padding_mode != "zeros":
            raise ParameterError(
                "module", f"{kind}(padding_mode={module.padding_mode!r})", "padding_mode='zeros'"
            )
        rank = int(kind[4])
        padding = module.padding
        geometry = Layer(
            "conv", module.kernel_size, module.stride,
            "same" if padding == "same" else (0 if padding == "valid" else padding),
            module.dilation, name=name,
        )  # fmt: skip
        weight = _numpy(module.weight)
        conv = getattr(adapters, f"conv{rank}d")

        def make(c: int, size: tuple) -> tuple[sp.MatrixExpr, int]:
            op = conv(weight, size, module.stride, padding, module.dilation, module.groups)
            return op, module.out_channels

        return geometry, layer_builder(make), module.in_channels
    if kind in ("ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"):
        rank = int(kind[13])
        geometry = Layer(
            "conv_transpose", module.kernel_size, module.stride, module.padding,
            module.dilation, module.output_padding, name=name,
        )  # fmt: skip
        weight = _numpy(module.weight)
        convt = getattr(adapters, f"conv_transpose{rank}d")

        def make(c: int, size: tuple) -> tuple[sp.MatrixExpr, int]:
            op = convt(
                weight, size, module.stride, module.padding, module.output_padding,
                module.groups, module.dilation,
            )  # fmt: skip
            return op, module.out_channels

        return geometry, layer_builder(make), module.in_channels
    if kind.startswith(("AvgPool", "MaxPool")) and kind[-2:] in ("1d", "2d", "3d"):
        rank = int(kind[-2])
        k = _tuple(module.kernel_size, rank)
        stride = _tuple(module.stride or module.kernel_size, rank)
        pad = _tuple(module.padding, rank)
        if kind.startswith("MaxPool"):
            dilation = _tuple(module.dilation, rank)
            return Layer("pool", k, stride, pad, dilation, linear=False, name=name), None, None
        if not module.count_include_pad and any(pad):
            raise ParameterError(
                "module", f"{kind}(count_include_pad=False)",
                "count_include_pad=True (else the divisor changes at the border: not one conv)",
            )  # fmt: skip
        divisor = getattr(module, "divisor_override", None) or math.prod(k)

        def make(c: int, size: tuple) -> tuple[sp.MatrixExpr, int]:
            weight = depthwise(c, k, sp.Rational(1, divisor))
            return CorrNd(weight, size, [(p, p) for p in pad], stride, 1, c), c

        return Layer("pool", k, stride, pad, name=name), layer_builder(make), None
    if kind == "Upsample":
        factor = _nearest_scale(module.mode, module.scale_factor, module.size, kind)
        return nearest_upsample(name, factor)
    if kind.startswith(("ZeroPad", "ConstantPad")):
        if kind.startswith("ConstantPad") and module.value != 0:
            raise ParameterError("module", f"{kind}(value={module.value})", "value 0 (linear)")
        flat = tuple(module.padding)
        pairs = [(flat[2 * i], flat[2 * i + 1]) for i in range(len(flat) // 2)][::-1]

        def make(c: int, size: tuple) -> tuple[sp.MatrixExpr, int]:
            return pad_nd(size, pairs, channels=c), c

        return Layer("pad", padding=tuple(pairs), name=name), layer_builder(make), None
    if kind.startswith("BatchNorm") and kind[-2:] in ("1d", "2d", "3d"):
        if module.training or module.running_var is None:
            # Normalised by each batch's own statistics: the geometry is kept, but it is
            # not an affine map (module.eval() makes it one).
            return Layer("pointwise", linear=False, name=name), None, module.num_features
        scale = 1 / (module.running_var.double() + module.eps).sqrt()
        if module.weight is not None:
            scale = scale * module.weight.double()
        return Layer("pointwise", name=name), channel_scale(_numpy(scale)), module.num_features
    if kind in _TORCH_POINTWISE_LINEAR:
        if kind.startswith("Dropout") and module.training and module.p > 0:
            return Layer("pointwise", linear=False, name=name), None, None  # a random mask
        return Layer("pointwise", name=name), pass_through, None
    if kind in _TORCH_POINTWISE_NONLINEAR:
        return Layer("pointwise", linear=False, name=name), None, None
    if kind == "Flatten":
        if module.start_dim not in (1, -3, -2, -4) or module.end_dim != -1:
            raise ParameterError(
                "module",
                f"Flatten({module.start_dim}, {module.end_dim})",
                "Flatten(start_dim=1) (the channel-major flattening)",
            )
        return Layer("pointwise", name=name), pass_through, None
    raise _unsupported(kind)


def _tuple(value: object, rank: int) -> tuple[int, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (int(value),) * rank


def _nearest_scale(mode: object, scale: object, size: object, what: str) -> int:
    if mode != "nearest" or size is not None or scale is None:
        raise ParameterError(
            "module", f"{what}(mode={mode!r}, size={size}, scale_factor={scale})",
            "mode='nearest' with an integer scale_factor (other modes are not supported here)",
        )  # fmt: skip
    factors = set(scale) if isinstance(scale, (tuple, list)) else {scale}
    if len(factors) != 1 or float(next(iter(factors))) != int(next(iter(factors))):
        raise ParameterError("scale_factor", scale, "one integer factor for every axis")
    return int(next(iter(factors)))


def trace(module: Any, channels: int | None, rank: int) -> tuple[list[Node], int, set[str]]:
    """fx-trace ``module`` into network nodes; also the input channels and ceil-mode pools."""
    import operator as python_operator

    import torch
    import torch.fx
    import torch.nn.functional as functional

    if not isinstance(module, torch.nn.Module):
        raise ParameterError("module", type(module).__name__, "a torch.nn.Module")
    try:
        graph = torch.fx.symbolic_trace(module).graph
    except Exception as error:  # fx raises many types; the user needs only the reason
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ParameterError(
            "module", type(module).__name__,
            f"an nn.Sequential or a module torch.fx.symbolic_trace can trace ({reason})",
        ) from None  # fmt: skip
    adds = {python_operator.add, python_operator.iadd, torch.add}
    functions = {
        getattr(functional, f) for f in _TORCH_FUNCTIONS_NONLINEAR if hasattr(functional, f)
    }
    functions |= {getattr(torch, f) for f in _TORCH_FUNCTIONS_NONLINEAR if hasattr(torch, f)}
    nodes: list[Node] = []
    names: dict[Any, str] = {}
    ceil: set[str] = set()
    found_channels = channels
    finished = None

    def source(value: Any) -> str:
        if value not in names:
            raise ParameterError("module", f"an operation on {value!r}", "tensors of the network")
        return names[value]

    for fx_node in graph.nodes:
        if finished is not None and fx_node.op != "output":
            raise ParameterError("module", "Flatten before other layers", "Flatten only at the end")
        if fx_node.op == "placeholder":
            if names:
                raise ParameterError("module", "a module with several inputs", "one input tensor")
            names[fx_node] = INPUT
            continue
        if fx_node.op == "output":
            result = fx_node.args[0]
            if source(result) != (nodes[-1].name if nodes else INPUT):
                raise ParameterError(
                    "module",
                    "an output that is not the last layer",
                    "a module returning its last computed tensor",
                )
            break
        name = fx_node.name
        if fx_node.op == "call_module" and fx_node.target not in {n.name for n in nodes}:
            name = fx_node.target  # the module's own path, e.g. "encoder.0"
        if fx_node.op == "call_module":
            sub = module.get_submodule(fx_node.target)
            geometry, build, reveals = _torch_module_node(name, sub)
            if getattr(sub, "ceil_mode", False):
                ceil.add(name)
            if found_channels is None and reveals is not None:
                found_channels = reveals
            node = Node(name, geometry, (source(fx_node.args[0]),), build)
            if type(sub).__name__ == "Flatten":
                finished = name
        elif fx_node.op == "call_function" and fx_node.target in adds:
            if len(fx_node.args) != 2 or fx_node.kwargs:
                raise ParameterError(
                    "module",
                    f"{fx_node.target.__name__} with options",
                    "a plain sum of two tensors",
                )
            a, b = fx_node.args
            node = Node(name, Merge("add", name=name), (source(a), source(b)), merge_builder("add"))
        elif fx_node.op == "call_function" and fx_node.target is torch.cat:
            tensors = fx_node.args[0]
            dim = fx_node.args[1] if len(fx_node.args) > 1 else fx_node.kwargs.get("dim", 0)
            if dim not in (1, -rank - 1):
                raise ParameterError(
                    "dim", dim, f"1 or {-rank - 1} (concatenation along the channels)"
                )
            node = Node(name, Merge("cat", name=name), tuple(source(t) for t in tensors),
                        merge_builder("cat"))  # fmt: skip
        elif fx_node.op == "call_function" and fx_node.target is functional.interpolate:
            # F.interpolate(input, size, scale_factor, mode, ...): positional or keyword
            parameters = ("input", "size", "scale_factor", "mode")
            kwargs = dict(zip(parameters, fx_node.args)) | dict(fx_node.kwargs)
            factor = _nearest_scale(kwargs.get("mode", "nearest"), kwargs.get("scale_factor"),
                                    kwargs.get("size"), "interpolate")  # fmt: skip
            geometry, build, _ = nearest_upsample(name, factor)
            node = Node(name, geometry, (source(fx_node.args[0]),), build)
        elif (fx_node.op == "call_function" and fx_node.target in functions) or (
            fx_node.op == "call_method" and fx_node.target in _TORCH_FUNCTIONS_NONLINEAR
        ):
            node = Node(name, Layer("pointwise", linear=False, name=name),
                        (source(fx_node.args[0]),))  # fmt: skip
        else:
            target = getattr(fx_node.target, "__name__", fx_node.target)
            raise _unsupported(f"{fx_node.op} {target}")
        names[fx_node] = name
        nodes.append(node)
    if not nodes:
        raise ParameterError("module", type(module).__name__, "at least one layer")
    return nodes, found_channels or 1, ceil
