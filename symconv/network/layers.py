"""The geometry of one layer (:class:`Layer`), of a merge of branches (:class:`Merge`),
and the nodes of a network graph (:class:`Node`).

A layer has no weights here: only what decides sizes and index maps, per spatial
axis. A node may carry an operator builder, which a framework front end attaches
so that :meth:`symconv.network.geometry.Network.operator` can assemble the whole network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from symconv.errors import ParameterError

__all__ = ["INPUT", "KINDS", "MERGES", "SAME_RULES", "Layer", "Merge", "Node", "OperatorBuilder"]

#: The kinds of :class:`Layer`.
KINDS: tuple[str, ...] = (
    "conv", "conv_transpose", "pool", "upsample", "pad", "pointwise", "resample",
)  # fmt: skip
#: The kinds of :class:`Merge`: elementwise sum, or concatenation along the channels.
MERGES: tuple[str, ...] = ("add", "cat")
#: The padding rules resolved per input size: ``same`` puts the odd extra at the end
#: (TensorFlow's SAME, ONNX's SAME_UPPER), ``same_lower`` at the start (ONNX's SAME_LOWER).
SAME_RULES: tuple[str, ...] = ("same", "same_lower")
#: Name of the network's input node.
INPUT = "input"


def _ints(name: str, value: object, minimum: int) -> tuple[int, ...]:
    values = list(value) if isinstance(value, (tuple, list)) else [value]
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, sp.Integer)) or v < minimum:
            raise ParameterError(name, value, f"an integer >= {minimum} or one per axis")
        out.append(int(v))
    if not out:
        raise ParameterError(name, value, "at least one value")
    return tuple(out)


def _paddings(value: object) -> tuple[Any, ...]:
    """Per axis ``(lo, hi)``, ``"same"`` or ``"same_lower"`` (resolved per input size)."""
    allowed = "an int, 'same', 'same_lower', a (lo, hi) pair, or one of those per axis"
    if isinstance(value, str):
        if value.lower() not in SAME_RULES:
            raise ParameterError("padding", value, allowed)
        return (value.lower(),)
    items = list(value) if isinstance(value, (tuple, list)) else [value]
    # A tuple of two ints is one padding per axis (as everywhere in symconv), not (lo, hi):
    # write ((lo, hi),) for an asymmetric 1-D padding.
    out: list[Any] = []
    for v in items:
        if isinstance(v, str) and v.lower() in SAME_RULES:
            out.append(v.lower())
        elif isinstance(v, (tuple, list)) and len(v) == 2:
            lo, hi = v
            if not all(isinstance(p, (int, sp.Integer)) and not isinstance(p, bool) for p in v):
                raise ParameterError("padding", value, allowed)
            out.append((int(lo), int(hi)))
        elif isinstance(v, (int, sp.Integer)) and not isinstance(v, bool):
            out.append((int(v), int(v)))
        else:
            raise ParameterError("padding", value, allowed)
    if not out:
        raise ParameterError("padding", value, allowed)
    return tuple(out)


def _axis(values: tuple, axis: int) -> Any:
    return values[axis] if len(values) > 1 else values[0]


@dataclass(frozen=True)
class Layer:
    """The geometry of one layer, per spatial axis (no weights).

    Parameters
    ----------
    kind : {"conv", "conv_transpose", "pool", "upsample", "pad", "pointwise", "resample"}
        ``conv`` and ``pool`` are y_i = f(x_{i·s + t·d − lo}, t < k); ``pool``
        has no dilation in practice but allows one. ``conv_transpose`` is the
        transpose of a conv (PyTorch's ``ConvTransposeNd``; padding (lo, hi) and
        output_padding a as in that conv). ``upsample`` is nearest up-sampling
        by the factor ``stride``. ``pad`` adds ``padding`` zeros (a negative
        amount crops). ``pointwise`` keeps the size (ReLU, BatchNorm, ...).
        ``resample`` is any other per-axis resampling (ONNX ``Resize`` by a
        non-integer scale, to fixed sizes, or interpolating): its ``sampler`` gives
        the 1-D operator of each axis and input size, which fixes the output size
        and which inputs each output reads; no receptive field, stride or padding
        is claimed for it (no affine map from output index to input window is
        stated: in general, as for linear interpolation by 3/2, there is none).
    kernel, stride, dilation, output_padding : int or one int per axis
    padding : int, ``"same"``, ``"same_lower"``, (lo, hi) per axis
        An int pads both ends; ``"same"`` is TensorFlow's rule and ONNX's
        ``SAME_UPPER`` (output ⌈n/s⌉, the odd extra at the end), ``"same_lower"``
        ONNX's ``SAME_LOWER`` (the odd extra at the start), resolved at each input
        size. A tuple of ints is one value per axis; write ``((lo, hi),)`` for an
        asymmetric 1-D pad.
    linear : bool
        False for max-pooling and non-linear activations: the geometry is the
        same, but the network is then not a linear map.
    name : str
        A label for tables and error messages.
    sampler : callable (axis, n) → 1-D operator, only for ``resample``
        Raises :class:`ParameterError` for an input size it has no output for.

    Examples
    --------
    >>> Layer("conv", 3, stride=2, padding=1).extent(0)
    3
    >>> Layer("conv", (3, 5), padding=((0, 1), 2)).padding
    ((0, 1), (2, 2))
    """

    kind: str
    kernel: tuple[int, ...] | int = 1
    stride: tuple[int, ...] | int = 1
    padding: Any = 0
    dilation: tuple[int, ...] | int = 1
    output_padding: tuple[int, ...] | int = 0
    linear: bool = True
    name: str = ""
    sampler: Callable[[int, int], Any] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ParameterError("kind", self.kind, f"one of {', '.join(KINDS)}")
        set_ = object.__setattr__
        set_(self, "kernel", _ints("kernel", self.kernel, 1))
        set_(self, "stride", _ints("stride", self.stride, 1))
        set_(self, "dilation", _ints("dilation", self.dilation, 1))
        set_(self, "output_padding", _ints("output_padding", self.output_padding, 0))
        set_(self, "padding", _paddings(self.padding))
        unused = {
            "upsample": ("kernel", "dilation", "padding"),
            "pad": ("kernel", "stride", "dilation"),
            "pointwise": ("kernel", "stride", "dilation", "padding"),
            "resample": ("kernel", "stride", "dilation", "padding"),
        }.get(self.kind, ())
        defaults = {"kernel": (1,), "stride": (1,), "dilation": (1,), "padding": ((0, 0),)}
        for name in unused:
            if getattr(self, name) != defaults[name]:
                what = {
                    "upsample": "the factor is its stride",
                    "resample": "its sampler gives the sizes",
                }.get(self.kind, "it keeps sizes")
                raise ParameterError(
                    name, getattr(self, name), f"no {name} for a {self.kind} layer ({what})"
                )
        if (self.kind == "resample") != (self.sampler is not None):
            raise ParameterError(
                "sampler", self.sampler, "a function (axis, n) -> operator for resample layers only"
            )
        rules = [p for p in self.padding if isinstance(p, str)]
        if rules and self.kind in ("pad", "conv_transpose"):
            raise ParameterError("padding", rules[0], f"explicit amounts for a {self.kind} layer")
        if self.kind == "conv_transpose":
            if any(p[0] < 0 or p[1] < 0 for p in self.padding):
                raise ParameterError("padding", self.padding, "amounts >= 0")
            for axis in range(self.rank):
                a, s = _axis(self.output_padding, axis), _axis(self.stride, axis)
                if a >= s:
                    raise ParameterError(
                        "output_padding", self.output_padding, f"< stride {s} on every axis"
                    )
        elif any(self.output_padding):
            raise ParameterError(
                "output_padding", self.output_padding, "0 (only conv_transpose has one)"
            )
        if self.kind in ("conv", "pool") and any(
            not isinstance(p, str) and (p[0] < 0 or p[1] < 0) for p in self.padding
        ):
            raise ParameterError("padding", self.padding, "amounts >= 0")

    @property
    def rank(self) -> int:
        """The number of axes given explicitly (1 when every value is one int)."""
        fields = (self.kernel, self.stride, self.padding, self.dilation, self.output_padding)
        return max(len(f) for f in fields)

    def extent(self, axis: int) -> int:
        """d(k − 1) + 1 on ``axis`` (k for up-sampling: its kernel is 1ₖ)."""
        if self.kind == "upsample":
            return _axis(self.stride, axis)
        if self.kind in ("pad", "pointwise"):
            return 1
        return _axis(self.dilation, axis) * (_axis(self.kernel, axis) - 1) + 1

    def pads(self, axis: int, n: int) -> tuple[int, int]:
        """``(lo, hi)`` on ``axis`` for input size n (``"same"``, ``"same_lower"`` resolved)."""
        if self.kind in ("upsample", "pointwise", "resample"):
            return 0, 0
        p = _axis(self.padding, axis)
        if p in SAME_RULES:
            # symconv.sizes.same_padding in plain integers: this runs for every layer of
            # every size the size rules try (a test checks the two agree)
            s, e = self.stride_on(axis), self.extent(axis)
            total = max((-(-n // s) - 1) * s + e - n, 0)
            small = total // 2
            return (total - small, small) if p == "same_lower" else (small, total - small)
        return p

    def stride_on(self, axis: int) -> int:
        return 1 if self.kind in ("pad", "pointwise") else _axis(self.stride, axis)

    def describe(self) -> str:
        """This layer in the syntax of :func:`~symconv.network.spec.parse_spec`: ``conv k=3``."""

        def text(values: tuple) -> str:
            parts = [
                (str(v[0]) if v[0] == v[1] else f"{v[0]}:{v[1]}")
                if isinstance(v, tuple)
                else str(v)
                for v in values
            ]
            return "x".join(parts)

        if self.kind == "resample":
            return "resample"
        words = [self.kind if self.linear or self.kind != "pool" else "maxpool"]
        if self.kind in ("conv", "conv_transpose", "pool"):
            words.append(f"k={text(self.kernel)}")
        if self.kind != "pointwise" and self.kind != "pad":
            words.append(f"s={text(self.stride)}")
        if self.kind in ("conv", "conv_transpose", "pool", "pad"):
            words.append(f"p={text(self.padding)}")
        if any(d != 1 for d in self.dilation):
            words.append(f"d={text(self.dilation)}")
        if any(self.output_padding):
            words.append(f"a={text(self.output_padding)}")
        if self.kind == "pointwise" and not self.linear:
            words = ["nonlinear"]
        return " ".join(words)


@dataclass(frozen=True)
class Merge:
    """Where branches meet: ``add`` (elementwise sum) or ``cat`` (concatenation on channels).

    The first input is the main branch. With ``crop`` the others are
    centre-cropped to its size (U-Net's copy-and-crop: ⌊(n_skip − n)/2⌋ at the
    start, the rest at the end); without it every input must have the same size.
    """

    kind: str
    crop: bool = False
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in MERGES:
            raise ParameterError("merge", self.kind, f"one of {', '.join(MERGES)}")

    linear = True


#: Builds a node's operator: (input operators, input channels, input sizes) → (operator, channels).
OperatorBuilder = Callable[[list, list, list], tuple[sp.MatrixExpr, int]]


@dataclass(frozen=True)
class Node:
    """One node of a network graph: a layer or merge applied to earlier nodes (by name)."""

    name: str
    op: Layer | Merge
    inputs: tuple[str, ...]
    build: OperatorBuilder | None = field(default=None, compare=False, repr=False)
