"""Whole networks: per-layer sizes, receptive fields, input windows, valid input sizes.

A :class:`Network` is a directed acyclic graph of layers (a chain, or a graph
with skip connections and concatenations) over an N-D input. Per spatial axis
it answers, exactly:

- the size of every layer's output (:meth:`~symconv.Network.layer_sizes`,
  :meth:`~symconv.Network.table`);
- the receptive field r₀, effective stride S₀ and effective padding P₀
  (Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural
  Networks", Distill 2019): output index i of the network depends on inputs
  inside the window [S₀·i − P₀, S₀·i − P₀ + r₀ − 1], centred on
  S₀·i − P₀ + (r₀ − 1)/2 (:meth:`~symconv.Network.window`, :meth:`~symconv.Network.centre`);
- the exact input samples output i depends on (:meth:`~symconv.Network.inputs`);
- every input size the network accepts, the sizes where no strided layer drops
  a row, and the ones where every merge of branches lines up without cropping,
  with a closed form "n ≥ n₀, n ≡ r (mod P)" (:meth:`~symconv.Network.input_sizes`,
  :meth:`~symconv.Network.size_rule`);
- where every layer is linear, the network's exact operator
  (:meth:`~symconv.Network.operator`, for networks built with weights by
  :meth:`~symconv.Network.from_torch`).

Layers are described geometrically by :class:`Layer` (kind, kernel, stride,
padding, dilation, output padding, per axis); merges of branches by
:class:`Merge`. Framework front ends (:meth:`~symconv.Network.from_torch`) translate a
model into such a graph, attaching to each node the symconv operator of the
layer.

Transposed convolutions and up-sampling have a fractional stride. A transposed
conv with stride s, kernel extent e = d(m − 1) + 1 and padding lo is treated as
its direct form (Dumoulin & Visin 2016): zeros inserted between the input
samples (stride 1/s), then a stride-1 conv with extent e over that grid, so its
output i depends on inputs j with (i + lo − e + 1)/s ≤ j ≤ (i + lo)/s: in
Araujo's recurrences the layer has stride 1/s, kernel (e − 1)/s + 1 and padding
(e − 1 − lo)/s. Nearest up-sampling by k is the transposed conv with kernel 1ₖ
and stride k. r₀, S₀ and P₀ are then rationals: the extent of the window in
input coordinates; :meth:`~symconv.Network.inputs` gives the integer samples.

Examples
--------
>>> vgg_block = [Layer("conv", 3, padding=1), Layer("conv", 3, padding=1),
...              Layer("pool", 2, stride=2, linear=False)]
>>> net = Network(vgg_block * 2)
>>> net.receptive_field(), net.effective_stride(), net.effective_padding()
((16,), (4,), (6,))
>>> net.window((0,))
((-6, 9),)
>>> str(net.size_rule("exact")[0])
'n ≡ 0 (mod 4), n ≥ 4'
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from symconv.arithmetic import AffineMap, index_map
from symconv.errors import ParameterError, SymconvError
from symconv.kernels import ones
from symconv.operators import ConvTranspose, Corr, Crop, Pad

__all__ = [
    "KINDS",
    "MERGES",
    "SIZE_SETS",
    "Layer",
    "Merge",
    "Network",
    "Node",
    "SizeRule",
    "SpecError",
    "parse_spec",
]

#: The kinds of :class:`Layer`.
KINDS: tuple[str, ...] = ("conv", "conv_transpose", "pool", "upsample", "pad", "pointwise")
#: The kinds of :class:`Merge`: elementwise sum, or concatenation along the channels.
MERGES: tuple[str, ...] = ("add", "cat")
#: The sets of input sizes :meth:`~symconv.Network.input_sizes` knows.
SIZE_SETS: tuple[str, ...] = ("accepted", "exact", "aligned")
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
    """Per axis ``(lo, hi)`` or ``"same"`` (TensorFlow's split, resolved per input size)."""
    allowed = "an int, 'same', a (lo, hi) pair, or one of those per axis"
    if isinstance(value, str):
        if value.lower() != "same":
            raise ParameterError("padding", value, allowed)
        return ("same",)
    items = list(value) if isinstance(value, (tuple, list)) else [value]
    # A tuple of two ints is one padding per axis (as everywhere in symconv), not (lo, hi):
    # write ((lo, hi),) for an asymmetric 1-D padding.
    out: list[Any] = []
    for v in items:
        if isinstance(v, str) and v.lower() == "same":
            out.append("same")
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
    kind : {"conv", "conv_transpose", "pool", "upsample", "pad", "pointwise"}
        ``conv`` and ``pool`` are y_i = f(x_{i·s + t·d − lo}, t < k); ``pool``
        has no dilation in practice but allows one. ``conv_transpose`` is the
        transpose of a conv (PyTorch's ``ConvTransposeNd``; padding (lo, hi) and
        output_padding a as in that conv). ``upsample`` is nearest up-sampling
        by the factor ``stride``. ``pad`` adds ``padding`` zeros (a negative
        amount crops). ``pointwise`` keeps the size (ReLU, BatchNorm, ...).
    kernel, stride, dilation, output_padding : int or one int per axis
    padding : int, ``"same"``, (lo, hi) per axis
        An int pads both ends; ``"same"`` is TensorFlow's rule (output ⌈n/s⌉,
        the odd extra at the end), resolved at each input size. A tuple of ints
        is one value per axis; write ``((lo, hi),)`` for an asymmetric 1-D pad.
    linear : bool
        False for max-pooling and non-linear activations: the geometry is the
        same, but the network is then not a linear map.
    name : str
        A label for tables and error messages.

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
        }.get(self.kind, ())
        defaults = {"kernel": (1,), "stride": (1,), "dilation": (1,), "padding": ((0, 0),)}
        for name in unused:
            if getattr(self, name) != defaults[name]:
                what = "the factor is its stride" if self.kind == "upsample" else "it keeps sizes"
                raise ParameterError(
                    name, getattr(self, name), f"no {name} for a {self.kind} layer ({what})"
                )
        if self.kind == "pad" and "same" in self.padding:
            raise ParameterError("padding", "same", "explicit amounts for a pad layer")
        if self.kind == "conv_transpose":
            if "same" in self.padding:
                raise ParameterError(
                    "padding", "same", "explicit amounts for a conv_transpose layer"
                )
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
            p != "same" and (p[0] < 0 or p[1] < 0) for p in self.padding
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
        """``(lo, hi)`` on ``axis`` for input size n (``"same"`` resolved)."""
        if self.kind in ("upsample", "pointwise"):
            return 0, 0
        p = _axis(self.padding, axis)
        if p == "same":
            # symconv.sizes.same_padding in plain integers: this runs for every layer of
            # every size the size rules try (a test checks the two agree)
            s, e = self.stride_on(axis), self.extent(axis)
            total = max((-(-n // s) - 1) * s + e - n, 0)
            return total // 2, total - total // 2
        return p

    def stride_on(self, axis: int) -> int:
        return 1 if self.kind in ("pad", "pointwise") else _axis(self.stride, axis)

    def describe(self) -> str:
        """This layer in the syntax of :func:`~symconv.network.parse_spec`: ``conv k=3 s=2``."""

        def text(values: tuple) -> str:
            parts = [
                (str(v[0]) if v[0] == v[1] else f"{v[0]}:{v[1]}")
                if isinstance(v, tuple)
                else str(v)
                for v in values
            ]
            return "x".join(parts)

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


@dataclass(frozen=True)
class SizeRule:
    """A set of input sizes in closed form: n ≥ ``start`` and n mod ``period`` in ``residues``.

    Examples
    --------
    >>> rule = SizeRule(188, 16, (12,))
    >>> str(rule), 572 in rule, 573 in rule, 172 in rule
    ('n ≡ 12 (mod 16), n ≥ 188', True, False, False)
    """

    start: int | None
    period: int
    residues: tuple[int, ...]

    def __contains__(self, n: object) -> bool:
        return self.start is not None and n >= self.start and n % self.period in self.residues

    def __str__(self) -> str:
        if self.start is None or not self.residues:
            return "no size"
        if len(self.residues) == self.period:
            return f"n ≥ {self.start}"
        mods = ", ".join(str(r) for r in self.residues)
        mods = mods if len(self.residues) == 1 else "{" + mods + "}"
        return f"n ≡ {mods} (mod {self.period}), n ≥ {self.start}"


@dataclass
class _Pass:
    """One axis of a forward pass at one input size."""

    sizes: dict[str, int]
    crops: dict[tuple[str, int], tuple[int, int]]  # (merge, input position) → (lo, hi)
    small: list[str]  # nodes whose input is too short (monotone in n)
    misaligned: list[str]  # merges whose inputs differ and cannot be cropped
    dropped: list[str]  # strided layers that leave input rows unused
    cropped: list[str]  # merges that needed a crop


class Network:
    """A network as a graph of layers; exact geometry per spatial axis.

    Parameters
    ----------
    layers : sequence of Layer (or Node)
        A chain of layers, applied in order. Pass :class:`Node` objects to build
        a graph (each names its inputs; the network input is ``"input"``; the
        last node is the output).
    input_size : int or sequence of ints, optional
        The input's spatial size. Needed for the operator, and for effective
        paddings that depend on it (``"same"`` with stride > 1, cropping merges).
    channels : int
        Input channels (for the operator).

    Examples
    --------
    >>> net = Network([Layer("conv", 11, stride=4), Layer("pool", 3, stride=2, linear=False)])
    >>> net.layer_sizes((224,))[-1]
    ('2:pool', (26,))
    >>> net.receptive_field(), net.effective_stride(), net.effective_padding()
    ((19,), (8,), (0,))
    >>> net.linear
    False
    """

    def __init__(
        self,
        layers: Sequence[Layer | Node],
        input_size: object = None,
        channels: int = 1,
    ) -> None:
        if not layers:
            raise ParameterError("layers", layers, "at least one layer")
        nodes: list[Node] = []
        previous = INPUT
        for position, item in enumerate(layers):
            if isinstance(item, Node):
                node = item
            elif isinstance(item, Layer):
                name = item.name or f"{position + 1}:{item.kind}"
                node = Node(name, item, (previous,))
            else:
                raise ParameterError("layers", item, "Layer or Node objects")
            nodes.append(node)
            previous = node.name
        self.nodes: tuple[Node, ...] = tuple(nodes)
        self._check_graph()
        ranks = {n.op.rank for n in nodes if isinstance(n.op, Layer)} - {1}
        if input_size is not None:
            self.input_size: tuple[int, ...] | None = _ints("input_size", input_size, 1)
            ranks.add(len(self.input_size))
        else:
            self.input_size = None
        if len(ranks) > 1:
            raise ParameterError(
                "layers", sorted(ranks), "the same number of axes in every layer and the input"
            )
        self.rank = ranks.pop() if ranks else 1
        self.channels = int(channels)
        self._rule_cache: dict[int, dict[str, SizeRule | None]] = {}

    # -- structure -------------------------------------------------------------------------

    def _check_graph(self) -> None:
        seen = {INPUT}
        for node in self.nodes:
            if node.name in seen:
                raise ParameterError("name", node.name, "a name used by no earlier node")
            for name in node.inputs:
                if name not in seen:
                    raise ParameterError(
                        f"inputs of {node.name!r}", name, "the name of an earlier node or 'input'"
                    )
            want = "at least 2 inputs" if isinstance(node.op, Merge) else "exactly 1 input"
            if (len(node.inputs) >= 2) != isinstance(node.op, Merge) or not node.inputs:
                raise ParameterError(f"inputs of {node.name!r}", node.inputs, want)
            seen.add(node.name)

    @property
    def output(self) -> str:
        return self.nodes[-1].name

    @property
    def linear(self) -> bool:
        """Whether every layer is linear (then :meth:`operator` is the whole network)."""
        return not self.nonlinear_layers()

    def nonlinear_layers(self) -> list[str]:
        """Names of the layers that are not linear maps (max-pooling, ReLU, ...)."""
        return [n.name for n in self.nodes if not n.op.linear]

    def linear_parts(self) -> list[list[str]]:
        """The linear layers grouped into connected pieces (a non-linear layer separates them).

        Each piece, in graph order, is a linear map between the outputs around it.

        Examples
        --------
        >>> relu = Layer("pointwise", linear=False)
        >>> Network([Layer("conv", 3), relu, Layer("conv", 3), Layer("pool", 2)]).linear_parts()
        [['1:conv'], ['3:conv', '4:pool']]
        """
        group = {n.name: n.name for n in self.nodes if n.op.linear}

        def root(name: str) -> str:
            while group[name] != name:
                name = group[name]
            return name

        for node in self.nodes:
            for name in node.inputs:
                if node.name in group and name in group:
                    group[root(name)] = root(node.name)
        parts: dict[str, list[str]] = {}
        for node in self.nodes:
            if node.name in group:
                parts.setdefault(root(node.name), []).append(node.name)
        return list(parts.values())

    def _size(self, input_size: object) -> tuple[int, ...]:
        size = self.input_size if input_size is None else input_size
        if size is None:
            raise ParameterError("input_size", None, "an input size (the network has none)")
        size = _ints("input_size", size, 1)
        if len(size) == 1 and self.rank > 1:
            size = size * self.rank
        if len(size) != self.rank:
            raise ParameterError("input_size", size, f"{self.rank} sizes (one per axis)")
        return size

    # -- forward sizes ---------------------------------------------------------------------

    def _forward(self, axis: int, n: int) -> _Pass:
        """Sizes on ``axis`` for input size n, and every condition that fails."""
        result = _Pass({INPUT: n}, {}, [], [], [], [])
        for node in self.nodes:
            ins = [result.sizes[name] for name in node.inputs]
            op = node.op
            if isinstance(op, Merge):
                main = ins[0]
                for position, other in enumerate(ins[1:], start=1):
                    if other == main:
                        result.crops[(node.name, position)] = (0, 0)
                        continue
                    if not op.crop or other < main:
                        result.misaligned.append(node.name)
                    else:
                        lo = (other - main) // 2
                        result.crops[(node.name, position)] = (lo, other - main - lo)
                        result.cropped.append(node.name)
                result.sizes[node.name] = main
                continue
            (m,) = ins
            s, e = op.stride_on(axis), op.extent(axis)
            if op.kind in ("conv", "pool"):
                lo, hi = op.pads(axis, m)
                room = m + lo + hi - e
                out = room // s + 1 if room >= 0 else 0
                if room >= 0 and room % s:
                    result.dropped.append(node.name)
            elif op.kind == "conv_transpose":
                lo, hi = op.pads(axis, m)
                out = (m - 1) * s - lo - hi + e + _axis(op.output_padding, axis)
            elif op.kind == "upsample":
                out = m * s
            elif op.kind == "pad":
                lo, hi = op.pads(axis, m)
                out = m + lo + hi
            else:
                out = m
            if out < 1 or m < 1:
                result.small.append(node.name)
            result.sizes[node.name] = out
        return result

    def layer_sizes(self, input_size: object = None) -> list[tuple[str, tuple[int, ...]]]:
        """``(name, size per axis)`` of the input and every node's output.

        Raises :class:`ParameterError` naming the first layer whose input is too
        small, or the merge whose branches differ.

        Examples
        --------
        >>> Network([Layer("conv", 3, stride=2)]).layer_sizes(7)
        [('input', (7,)), ('1:conv', (3,))]
        """
        size = self._size(input_size)
        passes = [self._checked(axis, n) for axis, n in enumerate(size)]
        names = [INPUT] + [node.name for node in self.nodes]
        return [(name, tuple(p.sizes[name] for p in passes)) for name in names]

    def _checked(self, axis: int, n: int) -> _Pass:
        result = self._forward(axis, n)
        if result.small:
            raise ParameterError(
                "input_size",
                n,
                f"a size the network accepts on axis {axis}: layer {result.small[0]!r} "
                "gets an input shorter than its kernel (see Network.size_rule())",
            )
        if result.misaligned:
            raise ParameterError(
                "input_size",
                n,
                f"a size where the branches of {result.misaligned[0]!r} have equal sizes on "
                f"axis {axis} (see Network.input_sizes(..., 'accepted'))",
            )
        return result

    # -- input sizes -----------------------------------------------------------------------

    @staticmethod
    def _holds(which: str, p: _Pass) -> bool:
        if which not in SIZE_SETS:
            raise ParameterError("which", which, f"one of {', '.join(SIZE_SETS)}")
        ok = not p.small and not p.misaligned
        if which == "exact":
            ok = ok and not p.dropped
        if which == "aligned":
            ok = ok and not p.cropped
        return ok

    def input_sizes(self, low: int, high: int, which: str = "accepted", axis: int = 0) -> list[int]:
        """Input sizes n in [low, high] on ``axis`` of one of three sets.

        ``accepted``: every layer gets an input at least as long as its kernel
        and every merge's branches have equal sizes (or can be cropped to the
        main branch, for a cropping merge). ``exact``: accepted, and no strided
        layer leaves input rows unused (⌊·⌋ drops nothing; the sizes U-Net's
        authors call valid). ``aligned``: accepted, and no merge needs a crop.

        Examples
        --------
        >>> Network([Layer("conv", 3, stride=2)]).input_sizes(1, 9, "exact")
        [3, 5, 7, 9]
        """
        return [
            n for n in range(max(low, 1), high + 1) if self._holds(which, self._forward(axis, n))
        ]

    def period(self, axis: int = 0) -> int:
        """The lcm over paths of the product of the integer strides along the path.

        Every size condition on ``axis`` repeats with this period (see :meth:`size_rule`).

        Examples
        --------
        >>> two_paths = [Node("a", Layer("conv", 3, stride=2), ("input",)),
        ...              Node("b", Layer("conv", 1, stride=2), ("input",)),
        ...              Node("sum", Merge("add"), ("a", "b"))]
        >>> Network(two_paths).period()
        2
        """
        down = {INPUT: 1}
        for node in self.nodes:
            through = math.lcm(*(down[name] for name in node.inputs))
            if isinstance(node.op, Layer) and node.op.kind in ("conv", "pool"):
                through *= node.op.stride_on(axis)
            down[node.name] = through
        return math.lcm(*down.values())

    def _scales(self, axis: int) -> dict[str, sp.Rational] | None:
        """Output size growth per unit of input size, per node; None if a merge mixes scales."""
        scale: dict[str, sp.Rational] = {INPUT: sp.Integer(1)}
        for node in self.nodes:
            first = scale[node.inputs[0]]
            if isinstance(node.op, Merge):
                if any(scale[name] != first for name in node.inputs):
                    return None
                scale[node.name] = first
            elif node.op.kind in ("conv", "pool"):
                scale[node.name] = first / node.op.stride_on(axis)
            elif node.op.kind in ("conv_transpose", "upsample"):
                scale[node.name] = first * node.op.stride_on(axis)
            else:
                scale[node.name] = first
        return scale

    def size_rule(self, which: str = "accepted") -> tuple[SizeRule | None, ...]:
        """Per axis, the set ``which`` (see :meth:`input_sizes`) in closed form, or None.

        Why it is exact for every n: each layer's output size is non-decreasing
        in its input size, so "every layer's input holds its kernel" holds from
        some n₀ on and never fails again. With P the lcm over paths of the
        product of the strides along the path (:meth:`period`), every node's
        size satisfies n_l(n + P) = n_l(n) + c_l·P with c_l·P an integer
        multiple of the next stride (⌊(x + s·t)/s⌋ = ⌊x/s⌋ + t, and TensorFlow's
        SAME split depends on n mod s only), so the remainders of the strided
        layers, and the size differences at merges whose branches grow at the
        same rate c_l, repeat with period P. The set is then n ≥ n₀ with n mod P
        in the residues found on one period. None when a merge joins branches
        that grow at different rates (no closed form is claimed; use
        :meth:`input_sizes`).
        """
        if which not in SIZE_SETS:
            raise ParameterError("which", which, f"one of {', '.join(SIZE_SETS)}")
        return tuple(self._rules(axis)[which] for axis in range(self.rank))

    def _rules(self, axis: int) -> dict[str, SizeRule | None]:
        """The three size rules of ``axis`` from one sweep over a period (cached)."""
        if axis in self._rule_cache:
            return self._rule_cache[axis]
        if self._scales(axis) is None:
            rules: dict[str, SizeRule | None] = dict.fromkeys(SIZE_SETS)
        else:
            n, period = self._threshold(axis), self.period(axis)
            passes = [(m, self._forward(axis, m)) for m in range(n, n + period)]
            rules = {}
            for which in SIZE_SETS:
                members = [m for m, p in passes if self._holds(which, p)]
                residues = tuple(sorted(m % period for m in members))
                start = members[0] if members else None
                rules[which] = _shortest(SizeRule(start, period, residues))
        self._rule_cache[axis] = rules
        return rules

    def _threshold(self, axis: int) -> int:
        """The smallest n from which every layer's input holds its kernel (monotone in n).

        Every size grows without bound with n, so doubling finds a size that
        works, and bisection the first one.
        """
        high = 1
        while self._forward(axis, high).small:
            high *= 2
            if high > 2**48:  # pragma: no cover - a size no real network needs
                raise ParameterError("network", self.output, "a network that accepts some size")
        low = high // 2  # small at low (or low == 0), fine at high
        while high - low > 1:
            middle = (low + high) // 2
            if self._forward(axis, middle).small:
                low = middle
            else:
                high = middle
        return high

    # -- receptive fields ------------------------------------------------------------------

    def _layer_map(self, op: Layer, axis: int, n: int) -> tuple[AffineMap, sp.Rational]:
        """The layer's centre map (output index → input coordinate) and window half-width."""
        e = op.extent(axis)
        s = op.stride_on(axis)
        half = sp.Rational(e - 1, 2)
        if op.kind in ("conv", "pool"):
            lo, hi = op.pads(axis, n)
            operator = Corr(ones(_axis(op.kernel, axis)), n, (lo, hi), s, _axis(op.dilation, axis))
            return index_map(operator), half
        if op.kind in ("conv_transpose", "upsample"):
            lo, hi = op.pads(axis, n) if op.kind == "conv_transpose" else (0, 0)
            kernel = ones(e) if op.kind == "upsample" else ones(_axis(op.kernel, axis))
            d = 1 if op.kind == "upsample" else _axis(op.dilation, axis)
            a = _axis(op.output_padding, axis) if op.kind == "conv_transpose" else 0
            operator = ConvTranspose(kernel, n, (lo, hi), s, d, a)
            return index_map(operator), half / s
        if op.kind == "pad":
            lo, hi = op.pads(axis, n)
            return _shift_map(n, lo, hi), sp.Integer(0)
        return AffineMap(sp.Integer(1), sp.Integer(0)), sp.Integer(0)

    def _fields(self, axis: int, n: int) -> tuple[dict[str, tuple[AffineMap, sp.Rational]], dict]:
        """Per node: the centre map from its output index to input coordinates, half-width.

        At a merge the windows of the branches are joined (their hull); the
        branches are *aligned* when their centres coincide (Araujo et al.'s
        condition), else the merge is recorded as unaligned.
        """
        passed = self._checked(axis, n)
        fields: dict[str, tuple[AffineMap, sp.Rational]] = {
            INPUT: (AffineMap(sp.Integer(1), sp.Integer(0)), sp.Integer(0))
        }
        unaligned: dict[str, str] = {}
        for node in self.nodes:
            if isinstance(node.op, Layer):
                source, width = fields[node.inputs[0]]
                step, half = self._layer_map(node.op, axis, passed.sizes[node.inputs[0]])
                fields[node.name] = (source.then(step), source.scale * half + width)
                continue
            branches = []
            for position, name in enumerate(node.inputs):
                source, width = fields[name]
                lo, hi = passed.crops.get((node.name, position), (0, 0))
                if lo or hi:
                    source = source.then(AffineMap(sp.Integer(1), sp.Integer(lo)))
                branches.append((source, width))
            scales = {b[0].scale for b in branches}
            if len(scales) > 1:
                raise ParameterError(
                    "merge",
                    node.name,
                    f"branches with the same effective stride on axis {axis} (got "
                    f"{sorted(scales)}): the window of an output is then not an interval map",
                )
            starts = [b[0].offset - b[1] for b in branches]
            ends = [b[0].offset + b[1] for b in branches]
            if len({b[0].offset for b in branches}) > 1:
                unaligned[node.name] = "centres " + ", ".join(str(b[0].offset) for b in branches)
            start, end = min(starts), max(ends)
            scale = branches[0][0].scale
            fields[node.name] = (AffineMap(scale, (start + end) / 2), (end - start) / 2)
        return fields, unaligned

    def _rf_size(self, input_size: object) -> tuple[int, ...]:
        """The size r, S, P are computed at: the given one, the network's, or any accepted."""
        if input_size is not None or self.input_size is not None:
            return self._size(input_size)
        if self._size_dependent():
            raise ParameterError(
                "input_size",
                None,
                "an input size: this network's effective padding depends on it "
                "(padding 'same' with stride > 1, or a cropping merge)",
            )
        size = []
        for rule in self.size_rule("accepted"):
            if rule is None or rule.start is None:
                raise ParameterError("input_size", None, "an input size the network accepts")
            size.append(rule.start)
        return tuple(size)

    def _size_dependent(self) -> bool:
        for node in self.nodes:
            if isinstance(node.op, Merge) and node.op.crop:
                return True
            if isinstance(node.op, Layer) and node.op.kind in ("conv", "pool"):
                for axis in range(self.rank):
                    # with stride 1 the SAME split is (k'-1)//2, k'-1-(k'-1)//2 for every n
                    if _axis(node.op.padding, axis) == "same" and node.op.stride_on(axis) > 1:
                        return True
        return False

    def _summary(self, input_size: object) -> list[tuple]:
        """Per axis (r, S, P, centre map) of the network's output."""
        size = self._rf_size(input_size)
        out = []
        for axis, n in enumerate(size):
            fields, _ = self._fields(axis, n)
            centre, half = fields[self.output]
            out.append((2 * half + 1, centre.scale, half - centre.offset, centre))
        return out

    def receptive_field(self, input_size: object = None) -> tuple[sp.Rational, ...]:
        """r₀ per axis: the length of the input window of one output (Araujo et al.).

        For a chain of convs r₀ = Σ_l (k_l − 1)·Π_{i<l} s_i + 1 with k the
        dilated extent; over branches, the hull of the branches' windows (the
        maximum of r₀ when the branches are aligned).
        """
        return tuple(_plain(r) for r, _, _, _ in self._summary(input_size))

    def effective_stride(self, input_size: object = None) -> tuple[sp.Rational, ...]:
        """S₀ = Π s_l per axis (a transposed conv or up-sampling contributes 1/s)."""
        return tuple(_plain(s) for _, s, _, _ in self._summary(input_size))

    def effective_padding(self, input_size: object = None) -> tuple[sp.Rational, ...]:
        """P₀ = Σ_l p_l·Π_{i<l} s_i per axis: the window of output 0 starts at −P₀."""
        return tuple(_plain(p) for _, _, p, _ in self._summary(input_size))

    def unaligned_merges(self, input_size: object = None) -> dict[str, str]:
        """Merges whose branches' windows are not centred on the same input point, per axis.

        Empty when the network is aligned in Araujo et al.'s sense (then r₀ is
        the maximum over the paths and S₀, P₀ agree on every path).
        """
        size = self._rf_size(input_size)
        out = {}
        for axis, n in enumerate(size):
            for name, why in self._fields(axis, n)[1].items():
                out[f"{name} (axis {axis})"] = why
        return out

    def window(
        self, index: Sequence[int], input_size: object = None
    ) -> tuple[tuple[sp.Rational, sp.Rational], ...]:
        """Per axis ``(start, end)`` = (S₀·i − P₀, S₀·i − P₀ + r₀ − 1) in input coordinates.

        Not clipped to the input: negative coordinates are in the padding.
        """
        index = _ints("index", index, 0)
        out = []
        for (r, s, p, _), i in zip(self._summary(input_size), _broadcast(index, self.rank)):
            start = s * i - p
            out.append((_plain(start), _plain(start + r - 1)))
        return tuple(out)

    def centre(self, index: Sequence[int], input_size: object = None) -> tuple[sp.Rational, ...]:
        """Per axis the centre S₀·i − P₀ + (r₀ − 1)/2 of output ``index``'s window.

        Composed from each layer's :func:`symconv.arithmetic.index_map`.
        """
        index = _ints("index", index, 0)
        return tuple(
            _plain(m(i))
            for (_, _, _, m), i in zip(self._summary(input_size), _broadcast(index, self.rank))
        )

    def dependence(
        self, index: Sequence[int], axis: int = 0, input_size: object = None
    ) -> dict[str, tuple[int, ...]]:
        """On ``axis``, for the input and every node, the indices output ``index`` depends on.

        Computed backwards through the graph with integer index sets: a conv
        output i reads i·s + t·d − lo (t < k) inside its input, a transposed
        conv output i reads every j with i + lo − j·s a multiple of d in
        [0, d(k − 1)], up-sampling reads ⌊i/k⌋, a cropping merge shifts by its
        crop. Padding and inserted zeros read nothing.

        Examples
        --------
        >>> net = Network([Layer("conv", 3, stride=2), Layer("conv", 2)])
        >>> net.dependence((1,), input_size=9)
        {'input': (2, 3, 4, 5, 6), '1:conv': (1, 2), '2:conv': (1,)}
        """
        size = self._size(input_size)
        if not 0 <= axis < self.rank:
            raise ParameterError("axis", axis, f"0 <= axis < {self.rank}")
        i = _broadcast(_ints("index", index, 0), self.rank)[axis]
        passed = self._checked(axis, size[axis])
        if i >= passed.sizes[self.output]:
            raise ParameterError(
                "index", i, f"< {passed.sizes[self.output]}, the output size on axis {axis}"
            )
        needed: dict[str, set[int]] = {name: set() for name in passed.sizes}
        needed[self.output].add(i)
        for node in reversed(self.nodes):
            wanted = needed[node.name]
            for position, name in enumerate(node.inputs):
                m = passed.sizes[name]
                needed[name] |= {
                    j for j in _reads(node, position, wanted, axis, m, passed) if 0 <= j < m
                }
        return {name: tuple(sorted(values)) for name, values in needed.items()}

    def inputs(
        self, index: Sequence[int], input_size: object = None
    ) -> tuple[tuple[int, ...], ...]:
        """Per axis, the exact input samples output ``index`` depends on (all taps non-zero).

        See :meth:`dependence`; the dependence of a 2-D output is the product of
        the axes'.
        """
        return tuple(self.dependence(index, axis, input_size)[INPUT] for axis in range(self.rank))

    def crops(self, input_size: object = None) -> dict[str, tuple[tuple[int, int], ...]]:
        """Per cropping merge and branch, the ``(lo, hi)`` cut from that branch, per axis.

        Keys are ``"merge <- branch"``; only branches that are actually cut appear.
        """
        size = self._size(input_size)
        passes = [self._checked(axis, n) for axis, n in enumerate(size)]
        out = {}
        for node in self.nodes:
            for position, name in enumerate(node.inputs[1:], start=1):
                cuts = tuple(p.crops.get((node.name, position), (0, 0)) for p in passes)
                if any(cut != (0, 0) for cut in cuts):
                    out[f"{node.name} <- {name}"] = cuts
        return out

    def table(self, input_size: object = None) -> list[dict[str, Any]]:
        """One row per node: name, layer, per-axis size, r, S, P from the input to that node."""
        size = self._rf_size(input_size)
        passes = [self._checked(axis, n) for axis, n in enumerate(size)]
        fields = [self._fields(axis, n)[0] for axis, n in enumerate(size)]
        rows = []
        for name, op in [(INPUT, None)] + [(n.name, n.op) for n in self.nodes]:
            cells = [f[name] for f in fields]
            rows.append(
                {
                    "name": name,
                    "layer": "input" if op is None else _describe(op),
                    "size": tuple(p.sizes[name] for p in passes),
                    "r": tuple(_plain(2 * h + 1) for _, h in cells),
                    "S": tuple(_plain(m.scale) for m, _ in cells),
                    "P": tuple(_plain(h - m.offset) for m, h in cells),
                    "linear": True if op is None else op.linear,
                }
            )
        return rows

    # -- the operator ----------------------------------------------------------------------

    def operator(self) -> sp.MatrixExpr:
        """The whole network as a symconv matrix expression (channel-major, row-major flat).

        Only for networks whose every layer is linear and that carry weights
        (built by :meth:`from_torch`); biases and BatchNorm shifts are left out,
        so the operator is the linear part x ↦ f(x) − f(0).
        """
        if not self.linear:
            raise ParameterError(
                "network",
                ", ".join(self.nonlinear_layers()),
                "only linear layers for an operator (these layers are not linear maps)",
            )
        missing = [n.name for n in self.nodes if n.build is None]
        if missing:
            raise ParameterError(
                "network",
                ", ".join(missing),
                "layers with weights (build the network with Network.from_torch)",
            )
        size = self._size(None)
        passes = [self._checked(axis, n) for axis, n in enumerate(size)]
        ops: dict[str, Any] = {INPUT: None}
        channels = {INPUT: self.channels}
        for node in self.nodes:
            spatial = [tuple(p.sizes[name] for p in passes) for name in node.inputs]
            op, c = node.build(
                [ops[name] for name in node.inputs],
                [channels[name] for name in node.inputs],
                spatial,
            )
            ops[node.name], channels[node.name] = op, c
        result = ops[self.output]
        if result is None:
            n = self.channels * math.prod(size)
            return sp.Identity(n)
        return result

    # -- front ends --------------------------------------------------------------------------

    @classmethod
    def from_spec(cls, text: str, input_size: object = None) -> Network:
        """A network from a layer-list spec (:func:`~symconv.network.parse_spec`).

        Examples
        --------
        >>> Network.from_spec("conv k=7 s=2 p=3; maxpool k=3 s=2 p=1").receptive_field()
        (11,)
        """
        return cls(parse_spec(text), input_size)

    @classmethod
    def from_torch(cls, module: object, input_size: object, channels: int | None = None) -> Network:
        """A PyTorch module as a network: ``nn.Sequential`` or anything ``torch.fx`` traces.

        Parameters
        ----------
        module : torch.nn.Module
            Traced with ``torch.fx.symbolic_trace``, so skip connections (``+``,
            ``torch.add``) and channel concatenation (``torch.cat(..., dim=1)``)
            become merges.
        input_size : int or sequence of ints
            The spatial size of the input (without batch and channel axes).
        channels : int, optional
            Input channels; by default the ``in_channels`` of the first
            convolution or BatchNorm.

        Notes
        -----
        Linear layers become symconv operators through
        :mod:`symconv.frameworks.torch`: ``Conv1d/2d/3d`` (padding_mode
        ``"zeros"``), ``ConvTranspose1d/2d/3d``, ``AvgPool1d/2d/3d`` with
        ``count_include_pad=True`` (a depthwise conv with taps 1/Πk), nearest
        ``Upsample``/``F.interpolate`` with an integer scale (a depthwise
        transposed conv with taps 1, stride k), ``ZeroPad``/``ConstantPad``
        with value 0, ``Identity``, and in eval mode ``Dropout`` and ``BatchNorm``
        (a per-channel scale; its shift, like every bias, is left out of
        :meth:`operator`), and ``Flatten`` as the last layer. Pointwise
        non-linearities (ReLU, LeakyReLU, GELU, Sigmoid, Tanh, ...), ``MaxPool``,
        and ``BatchNorm``/``Dropout`` in training mode (batch statistics, a random
        mask) keep their geometry but make the network non-linear.
        ``ceil_mode=True`` pooling is accepted where its windows fit exactly.
        Anything else is a :class:`ParameterError` naming the module type.
        ONNX models are not read yet.
        """
        rank = len(input_size) if isinstance(input_size, (tuple, list)) else 1
        nodes, in_channels, ceil = _trace_torch(module, channels, rank)
        network = cls(nodes, input_size, in_channels)
        size = network._size(None)
        for axis, n in enumerate(size):
            overhang = set(network._checked(axis, n).dropped) & ceil
            if overhang:
                raise ParameterError(
                    "module",
                    f"{sorted(overhang)[0]} with ceil_mode=True",
                    f"a pooling whose windows fit the input of size {size} exactly (ceil_mode "
                    "then adds a partial window; symconv models floor mode only)",
                )
        return network


def _shortest(rule: SizeRule) -> SizeRule:
    """The same set with the smallest period that describes it (n odd, not n ≡ {1, 3} mod 4)."""
    for d in range(1, rule.period):
        if rule.period % d == 0 and all(
            (r + j * d) % rule.period in rule.residues
            for r in rule.residues
            for j in range(rule.period // d)
        ):
            return SizeRule(rule.start, d, tuple(sorted({r % d for r in rule.residues})))
    return rule


def _broadcast(values: tuple[int, ...], rank: int) -> tuple[int, ...]:
    if len(values) == 1:
        return values * rank
    if len(values) != rank:
        raise ParameterError("index", values, f"{rank} indices (one per axis)")
    return values


def _plain(value: object) -> sp.Rational:
    """A SymPy number in lowest terms (integers print as integers)."""
    return sp.nsimplify(value)


def _shift_map(n: int, lo: int, hi: int) -> AffineMap:
    """index_map of zero padding (lo, hi) on length n; negative amounts crop."""
    if lo >= 0 and hi >= 0:
        return index_map(Pad(n, lo, hi))
    if lo <= 0 and hi <= 0:
        return index_map(Crop(n, -lo, -hi))
    # one end padded, the other cropped: crop first, then pad (the same index shift)
    inner = Crop(n, max(-lo, 0), max(-hi, 0))
    return index_map([inner, Pad(inner.shape[0], max(lo, 0), max(hi, 0))])


def _describe(op: Layer | Merge) -> str:
    if isinstance(op, Merge):
        return op.kind + (" crop" if op.crop else "")
    return op.describe()


def _reads(
    node: Node, position: int, wanted: Iterable[int], axis: int, m: int, passed: _Pass
) -> set[int]:
    """The indices of input ``position`` (length m) that the ``wanted`` outputs read."""
    op = node.op
    if isinstance(op, Merge):
        lo, _ = passed.crops.get((node.name, position), (0, 0))
        return {i + lo for i in wanted}
    s = op.stride_on(axis)
    if op.kind in ("conv", "pool"):
        lo, _ = op.pads(axis, m)
        k, d = _axis(op.kernel, axis), _axis(op.dilation, axis)
        return {i * s + t * d - lo for i in wanted for t in range(k)}
    if op.kind == "conv_transpose":
        lo, _ = op.pads(axis, m)
        k, d = _axis(op.kernel, axis), _axis(op.dilation, axis)
        return {
            (i + lo - t * d) // s for i in wanted for t in range(k) if (i + lo - t * d) % s == 0
        }
    if op.kind == "upsample":
        return {i // s for i in wanted}
    if op.kind == "pad":
        lo, _ = op.pads(axis, m)
        return {i - lo for i in wanted}
    return set(wanted)


# -- the layer-list spec ----------------------------------------------------------------------

#: Words that name a pointwise layer, and whether it is linear.
POINTWISE = {
    **dict.fromkeys(("pointwise", "identity", "bn", "batchnorm", "dropout", "flatten"), True),
    **dict.fromkeys(
        ("relu", "leakyrelu", "gelu", "silu", "elu", "sigmoid", "tanh", "softmax", "nonlinear"),
        False,
    ),
}
#: Layer words and the :class:`~symconv.network.Layer` kind (and linearity) they stand for.
LAYERS = {
    "conv": ("conv", True),
    "conv_transpose": ("conv_transpose", True),
    "deconv": ("conv_transpose", True),
    "pool": ("pool", True),
    "avgpool": ("pool", True),
    "maxpool": ("pool", False),
    "upsample": ("upsample", True),
    "pad": ("pad", True),
}
OPTIONS = {"k": "kernel", "s": "stride", "p": "padding", "d": "dilation", "a": "output_padding"}
_NAME = re.compile(r"[A-Za-z_][\w./-]*$")


class SpecError(SymconvError):
    """A layer-list spec that cannot be read: where, and what was expected."""

    def __init__(self, line: int, column: int, message: str) -> None:
        self.line, self.column = line, column
        super().__init__(f"spec line {line}, column {column}: {message}")


def _values(key: str, text: str, where: tuple[int, int]) -> Any:
    """``3`` → 3, ``3x5`` → (3, 5); padding also ``lo:hi`` per axis and ``same``."""
    if key == "p" and text.lower() == "same":
        return "same"
    out: list[Any] = []
    for part in text.lower().split("x"):
        try:
            if key == "p" and ":" in part:
                lo, hi = part.split(":")
                out.append((int(lo), int(hi)))
            else:
                out.append(int(part))
        except ValueError:
            what = "integers per axis (3 or 3x5)" + (", lo:hi or same" if key == "p" else "")
            raise SpecError(*where, f"{key}={text!r}: expected {what}") from None
    return out[0] if len(out) == 1 and not isinstance(out[0], tuple) else tuple(out)


def parse_spec(text: str) -> list[Node]:
    """The network graph of a layer-list spec: one layer per line, or separated by ``;``.

    A line is ``[label:] layer [k=K] [s=S] [p=P] [d=D] [a=A] [from=LABEL]`` with the
    layers ``conv``, ``conv_transpose`` (``deconv``), ``pool``/``avgpool``, ``maxpool``,
    ``upsample``, ``pad`` and pointwise words (``relu``, ``bn``, ...); per-axis values
    are written ``3x5``, a padding also ``lo:hi`` or ``same``. ``add LABEL`` and
    ``cat LABEL [crop]`` merge the current output with an earlier one. ``#`` starts a
    comment. ``symconv network --help`` shows a full example.

    Examples
    --------
    >>> [n.op.describe() for n in parse_spec("conv k=3x5 s=2 p=1:0; relu")]
    ['conv k=3x5 s=2 p=1:0', 'nonlinear']
    >>> parse_spec("conv k=3 q=1")
    Traceback (most recent call last):
    ...
    symconv.network.SpecError: spec line 1, column 10: unknown option 'q' (k s p d a from)
    """
    nodes: list[Node] = []
    previous = "input"
    names = {"input"}
    statements = []
    for number, line in enumerate(text.splitlines(), 1):
        column = 1
        for part in line.split("#", 1)[0].split(";"):  # a comment may contain ';'
            statements.append((number, column, part))
            column += len(part) + 1
    for number, start, code in statements:
        tokens = [(m.start() + start, m.group()) for m in re.finditer(r"\S+", code)]
        if not tokens:
            continue
        label = None
        if tokens[0][1].endswith(":"):
            label = tokens[0][1][:-1]
            if not _NAME.match(label) or label in names:
                why = "already used" if label in names else "a name like enc1 or block2/conv"
                raise SpecError(number, tokens[0][0], f"label {label!r}: {why}")
            tokens = tokens[1:]
            if not tokens:
                raise SpecError(number, start, f"label {label!r} without a layer")
        (column, word), rest = tokens[0], tokens[1:]
        kind = word.lower()
        name = label or f"{len(nodes) + 1}:{kind}"
        try:
            if kind in ("add", "cat"):
                node = _merge(kind, name, previous, rest, names, number)
            else:
                node = _layer(kind, name, previous, rest, names, number, column)
        except ParameterError as error:
            raise SpecError(number, column, str(error)) from None
        nodes.append(node)
        names.add(node.name)
        previous = node.name
    if not nodes:
        raise SpecError(1, 1, "no layers (one layer per line, e.g. 'conv k=3 s=2 p=1')")
    return nodes


def _merge(kind: str, name: str, previous: str, rest: list, names: set, number: int) -> Node:
    others, crop = [], False
    for column, token in rest:
        if token.lower() == "crop":
            crop = True
        elif token in names:
            others.append(token)
        else:
            known = ", ".join(sorted(names))
            raise SpecError(number, column, f"{token!r} is not an earlier layer (known: {known})")
    if not others:
        raise SpecError(number, 1, f"{kind} needs the label of another layer, e.g. '{kind} skip'")
    return Node(name, Merge(kind, crop, name), (previous, *others))


def _layer(
    kind: str, name: str, previous: str, rest: list, names: set, number: int, column: int
) -> Node:
    if kind in POINTWISE:
        linear, options = POINTWISE[kind], {}
        layer_kind = "pointwise"
    elif kind in LAYERS:
        layer_kind, linear = LAYERS[kind]
        options = {}
    else:
        words = ", ".join([*LAYERS, "add", "cat", *POINTWISE])
        raise SpecError(number, column, f"unknown layer {kind!r} (expected one of {words})")
    source = previous
    for where, token in rest:
        key, sep, value = token.partition("=")
        if key == "from" and sep:
            if value not in names:
                raise SpecError(number, where, f"from={value!r}: not an earlier layer or 'input'")
            source = value
            continue
        if not sep or key not in OPTIONS or not value:
            raise SpecError(number, where, f"unknown option {key!r} (k s p d a from)")
        if layer_kind == "pointwise":
            raise SpecError(number, where, f"{kind} takes no {key}=")
        options[OPTIONS[key]] = _values(key, value, (number, where))
    if layer_kind in ("conv", "conv_transpose", "pool") and "kernel" not in options:
        raise SpecError(number, column, f"{kind} needs a kernel size k=")
    if layer_kind == "pool" and "stride" not in options:
        options["stride"] = options["kernel"]  # as every framework's pooling
    return Node(name, Layer(layer_kind, linear=linear, name=name, **options), (source,))


# -- PyTorch front end ----------------------------------------------------------------------

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


def _compose(op: sp.MatrixExpr, before: sp.MatrixExpr | None) -> sp.MatrixExpr:
    """``op`` applied after ``before`` (None: the network input itself)."""
    from symconv.frameworks._common import chain

    return op if before is None else chain(op, before)


def _numpy(tensor: Any) -> Any:
    return tensor.detach().cpu().double().numpy()


def _linear_layer(make: Callable[[int, tuple[int, ...]], tuple[sp.MatrixExpr, int]]):
    """A builder for a one-input layer from ``make(channels, spatial size)``."""

    def build(ops: list, channels: list, spatial: list) -> tuple[sp.MatrixExpr, int]:
        op, c = make(channels[0], spatial[0])
        return _compose(op, ops[0]), c

    return build


def _identity_build(ops: list, channels: list, spatial: list) -> tuple[Any, int]:
    return ops[0], channels[0]


def _merge_build(kind: str) -> OperatorBuilder:
    def build(ops: list, channels: list, spatial: list) -> tuple[sp.MatrixExpr, int]:
        lengths = [c * math.prod(size) for c, size in zip(channels, spatial)]
        inputs = [sp.Identity(n) if op is None else op for op, n in zip(ops, lengths)]
        if kind == "add":
            if len(set(channels)) > 1:
                raise ParameterError(
                    "add", f"channels {channels}", "branches with equal channels (no broadcasting)"
                )
            return sp.MatAdd(*inputs), channels[0]
        total, before, terms = sum(lengths), 0, []
        for op, n in zip(inputs, lengths):
            # Concatenating channel-major vectors: each block is zero-padded into place.
            terms.append(_compose(Pad(n, before, total - before - n), op))
            before += n
        return sp.MatAdd(*terms), sum(channels)

    return build


def _depthwise(channels: int, taps: Sequence[int], value: object) -> Any:
    """The weight (C, 1, *taps) with every tap ``value``: one filter per channel."""
    import numpy as np

    w = np.empty((channels, 1, *taps), dtype=object)
    w.fill(sp.sympify(value))
    return w


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

        return geometry, _linear_layer(make), module.in_channels
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

        return geometry, _linear_layer(make), module.in_channels
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
            weight = _depthwise(c, k, sp.Rational(1, divisor))
            return CorrNd(weight, size, [(p, p) for p in pad], stride, 1, c), c

        return Layer("pool", k, stride, pad, name=name), _linear_layer(make), None
    if kind == "Upsample":
        factor = _nearest_scale(module.mode, module.scale_factor, module.size, kind)
        return _upsample(name, factor)
    if kind.startswith(("ZeroPad", "ConstantPad")):
        if kind.startswith("ConstantPad") and module.value != 0:
            raise ParameterError("module", f"{kind}(value={module.value})", "value 0 (linear)")
        flat = tuple(module.padding)
        pairs = [(flat[2 * i], flat[2 * i + 1]) for i in range(len(flat) // 2)][::-1]

        def make(c: int, size: tuple) -> tuple[sp.MatrixExpr, int]:
            return pad_nd(size, pairs, channels=c), c

        return Layer("pad", padding=tuple(pairs), name=name), _linear_layer(make), None
    if kind.startswith("BatchNorm") and kind[-2:] in ("1d", "2d", "3d"):
        if module.training or module.running_var is None:
            # Normalised by each batch's own statistics: the geometry is kept, but it is
            # not an affine map (module.eval() makes it one).
            return Layer("pointwise", linear=False, name=name), None, module.num_features
        scale = 1 / (module.running_var.double() + module.eps).sqrt()
        if module.weight is not None:
            scale = scale * module.weight.double()
        values = [sp.Float(float(v)) for v in _numpy(scale)]

        def make(c: int, size: tuple) -> tuple[sp.MatrixExpr, int]:
            import numpy as np

            weight = np.array(values, dtype=object).reshape(c, 1, *([1] * len(size)))
            return CorrNd(weight, size, 0, 1, 1, c), c

        return Layer("pointwise", name=name), _linear_layer(make), module.num_features
    if kind in _TORCH_POINTWISE_LINEAR:
        if kind.startswith("Dropout") and module.training and module.p > 0:
            return Layer("pointwise", linear=False, name=name), None, None  # a random mask
        return Layer("pointwise", name=name), _identity_build, None
    if kind in _TORCH_POINTWISE_NONLINEAR:
        return Layer("pointwise", linear=False, name=name), None, None
    if kind == "Flatten":
        if module.start_dim not in (1, -3, -2, -4) or module.end_dim != -1:
            raise ParameterError(
                "module",
                f"Flatten({module.start_dim}, {module.end_dim})",
                "Flatten(start_dim=1) (the channel-major flattening)",
            )
        return Layer("pointwise", name=name), _identity_build, None
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


def _upsample(name: str, factor: int) -> tuple[Layer, Any, None]:
    from symconv.operators.channels import ConvTransposeNd

    def make(c: int, size: tuple) -> tuple[sp.MatrixExpr, int]:
        # Nearest up-sampling by k is the transposed conv with kernel 1_k and stride k.
        taps = (factor,) * len(size)
        return ConvTransposeNd(_depthwise(c, taps, 1), size, 0, factor, 1, 0, c), c

    return Layer("upsample", stride=factor, name=name), _linear_layer(make), None


def _trace_torch(module: Any, channels: int | None, rank: int) -> tuple[list[Node], int, set[str]]:
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
            node = Node(name, Merge("add", name=name), (source(a), source(b)), _merge_build("add"))
        elif fx_node.op == "call_function" and fx_node.target is torch.cat:
            tensors = fx_node.args[0]
            dim = fx_node.args[1] if len(fx_node.args) > 1 else fx_node.kwargs.get("dim", 0)
            if dim not in (1, -rank - 1):
                raise ParameterError(
                    "dim", dim, f"1 or {-rank - 1} (concatenation along the channels)"
                )
            node = Node(name, Merge("cat", name=name), tuple(source(t) for t in tensors),
                        _merge_build("cat"))  # fmt: skip
        elif fx_node.op == "call_function" and fx_node.target is functional.interpolate:
            # F.interpolate(input, size, scale_factor, mode, ...): positional or keyword
            parameters = ("input", "size", "scale_factor", "mode")
            kwargs = dict(zip(parameters, fx_node.args)) | dict(fx_node.kwargs)
            factor = _nearest_scale(kwargs.get("mode", "nearest"), kwargs.get("scale_factor"),
                                    kwargs.get("size"), "interpolate")  # fmt: skip
            geometry, build, _ = _upsample(name, factor)
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
