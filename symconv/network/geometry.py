"""Whole-network geometry: :class:`Network` and :class:`SizeRule`.

The forward pass of sizes, the receptive-field composition of index maps, the
backward pass of exact dependences, the closed-form size rules, and the
operator of a linear network assembled from the nodes' builders.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.arithmetic import AffineMap, index_map
from symconv.errors import ParameterError
from symconv.kernels import ones
from symconv.network.layers import INPUT, SAME_RULES, Layer, Merge, Node, _axis, _ints
from symconv.network.spec import parse_spec
from symconv.network.torch import trace as trace_torch
from symconv.operators import ConvTranspose, Corr, Crop, Pad

__all__ = ["SIZE_SETS", "Network", "SizeRule"]

#: A node's window on one axis: the centre map from its output index to input
#: coordinates, and the half-width of the window.
Field = tuple[AffineMap, sp.Rational]

#: The sets of input sizes :meth:`~symconv.network.geometry.Network.input_sizes` knows.
SIZE_SETS: tuple[str, ...] = ("accepted", "exact", "aligned")


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

    def resample_layers(self) -> list[str]:
        """Names of the resample layers: no window map is stated across them."""
        return [n.name for n in self.nodes if isinstance(n.op, Layer) and n.op.kind == "resample"]

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
            elif op.kind == "resample":
                out = int(_resampled(op, axis, m).shape[0]) if m >= 1 else 0
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
            if isinstance(node.op, Layer) and node.op.kind == "resample":
                raise ParameterError(
                    "network", node.name, "layers with integer strides for a period (it resamples)"
                )
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
            elif node.op.kind == "resample":
                return None  # no closed form is claimed across a resampling
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

    def _fields(self, axis: int, n: int) -> tuple[dict[str, Field | None], dict]:
        """Per node: the centre map from its output index to input coordinates, half-width.

        At a merge the windows of the branches are joined (their hull); the
        branches are *aligned* when their centres coincide (Araujo et al.'s
        condition), else the merge is recorded as unaligned. A node behind a
        resample layer has None: no affine window map is stated for it.
        """
        passed = self._checked(axis, n)
        fields: dict[str, Field | None] = {
            INPUT: (AffineMap(sp.Integer(1), sp.Integer(0)), sp.Integer(0))
        }
        unaligned: dict[str, str] = {}
        resampling = set(self.resample_layers())
        for node in self.nodes:
            if node.name in resampling or any(fields[name] is None for name in node.inputs):
                fields[node.name] = None
                continue
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
                    padding = _axis(node.op.padding, axis)
                    if padding in SAME_RULES and node.op.stride_on(axis) > 1:
                        return True
        return False

    def _summary(self, input_size: object) -> list[tuple]:
        """Per axis (r, S, P, centre map) of the network's output."""
        size = self._rf_size(input_size)
        out = []
        for axis, n in enumerate(size):
            fields, _ = self._fields(axis, n)
            if fields[self.output] is None:
                raise ParameterError(
                    "network",
                    ", ".join(self.resample_layers()),
                    "layers with an affine map from output index to input window (none is "
                    "stated across a resample layer; Network.dependence and inputs give what "
                    "each output reads)",
                )
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
        [0, d(k − 1)], up-sampling reads ⌊i/k⌋, a resample layer the inputs with a
        non-zero weight in its row i, a cropping merge shifts by its crop. Padding and
        inserted zeros read nothing.

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
        """One row per node: name, layer, per-axis size, r, S, P from the input to that node.

        r, S and P are None for a node behind a resample layer (no window map is stated).
        """
        size = self._rf_size(input_size)
        passes = [self._checked(axis, n) for axis, n in enumerate(size)]
        fields = [self._fields(axis, n)[0] for axis, n in enumerate(size)]
        rows = []
        for name, op in [(INPUT, None)] + [(n.name, n.op) for n in self.nodes]:
            cells = [f[name] for f in fields]
            stated = all(cell is not None for cell in cells)
            rows.append(
                {
                    "name": name,
                    "layer": "input" if op is None else _describe(op),
                    "size": tuple(p.sizes[name] for p in passes),
                    "r": tuple(_plain(2 * h + 1) for _, h in cells) if stated else None,
                    "S": tuple(_plain(m.scale) for m, _ in cells) if stated else None,
                    "P": tuple(_plain(h - m.offset) for m, h in cells) if stated else None,
                    "linear": True if op is None else op.linear,
                }
            )
        return rows

    # -- the operator ----------------------------------------------------------------------

    def operator(self) -> sp.MatrixExpr:
        """The whole network as a symconv matrix expression (channel-major, row-major flat).

        Only for networks whose every layer is linear and that carry weights
        (built by :meth:`from_torch` or :meth:`from_onnx`); biases and BatchNorm
        shifts are left out, so the operator is the linear part x ↦ f(x) − f(0).
        A layer that has no symconv operator at its sizes raises
        :class:`~symconv.errors.ParameterError` naming the layer and the parameter.
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
                "layers with weights (build the network with Network.from_torch or from_onnx)",
            )
        size = self._size(None)
        passes = [self._checked(axis, n) for axis, n in enumerate(size)]
        ops: dict[str, Any] = {INPUT: None}
        channels = {INPUT: self.channels}
        for node in self.nodes:
            spatial = [tuple(p.sizes[name] for p in passes) for name in node.inputs]
            try:
                op, c = node.build(
                    [ops[name] for name in node.inputs],
                    [channels[name] for name in node.inputs],
                    spatial,
                )
            except ParameterError as error:  # an adapter's refusal, at this layer's sizes
                value = f"{error.value} of layer {node.name!r}"
                raise ParameterError(error.name, value, error.allowed) from error
            ops[node.name], channels[node.name] = op, c
        result = ops[self.output]
        if result is None:
            n = self.channels * math.prod(size)
            return sp.Identity(n)
        return result

    # -- front ends --------------------------------------------------------------------------

    def _refuse_ceil_overhang(self, ceil: set[str], parameter: str, setting: str) -> None:
        """Refuse ceil-mode poolings (``ceil``) whose last window overhangs at the input size.

        symconv models floor mode; ceil mode agrees with it exactly where no rows are
        dropped, so such a pooling is accepted only there.
        """
        size = self._size(None)
        for axis, n in enumerate(size):
            overhang = set(self._checked(axis, n).dropped) & ceil
            if overhang:
                raise ParameterError(
                    parameter,
                    f"{sorted(overhang)[0]} with {setting}",
                    f"a pooling whose windows fit the input of size {size} exactly (ceil_mode "
                    "then adds a partial window; symconv models floor mode only)",
                )

    @classmethod
    def from_spec(cls, text: str, input_size: object = None) -> Network:
        """A network from a layer-list spec (:func:`~symconv.network.spec.parse_spec`).

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
        """
        rank = len(input_size) if isinstance(input_size, (tuple, list)) else 1
        nodes, in_channels, ceil = trace_torch(module, channels, rank)
        network = cls(nodes, input_size, in_channels)
        network._refuse_ceil_overhang(ceil, "module", "ceil_mode=True")
        return network

    @classmethod
    def from_onnx(
        cls,
        model: object,
        input_size: object = None,
        channels: int | None = None,
        output: str | None = None,
    ) -> Network:
        """An ONNX model as a network: an ``onnx.ModelProto`` or the path of a ``.onnx`` file.

        Parameters
        ----------
        model : onnx.ModelProto, str or pathlib.Path
            A graph with one input tensor (N, C, \\*size) and one output.
        input_size : int or sequence of ints, optional
            The spatial size of the input; by default the one the model's input declares.
        channels : int, optional
            Input channels; by default the model input's declared C, else the
            input channels of the first convolution or BatchNormalization.
        output : str, optional
            The name of a node or tensor to end the network at (by default the
            graph's one output). Only the nodes it depends on are read, so a
            classifier's head (``GlobalAveragePool``, ``Gemm``, ...) can be left out.

        Notes
        -----
        Each node's geometry comes from its attributes, and linear nodes become
        operators through :mod:`symconv.frameworks.onnx` with the same attributes
        and the weights of the graph's initializers (or ``Constant`` nodes):
        ``Conv``, ``ConvTranspose`` (with ``pads`` or ``auto_pad``; ``output_shape``
        is refused, since it makes the padding depend on the input size),
        ``AveragePool``, ``Pad``
        (constant 0, spatial and channel axes), ``Slice`` cropping fixed amounts off
        spatial axes (``x[..., a:-b]``), ``Resize`` as
        :func:`symconv.frameworks.onnx.resize` builds it (no ``roi``; with ``sizes``
        only ``keep_aspect_ratio_policy="stretch"``): nearest up-sampling by integer
        factors (output i reads ⌊i/k⌋ at every size; PyTorch's nearest ``Upsample``
        exports so) is an ``upsample`` layer, any other a ``resample`` layer whose
        sizes and :meth:`dependence` are exact and which has no receptive field,
        effective stride or padding (those raise :class:`ParameterError` naming it;
        :meth:`size_rule` is None),
        ``BatchNormalization`` in
        inference mode (a per-channel scale γ/√(σ² + ε); its shift, like every bias,
        is left out of :meth:`operator`), ``Identity``, ``Dropout`` (inference),
        ``Add``/``Sum`` of branches (a merge) or of a constant bias (left out),
        ``Concat`` on the channel axis (a merge), and ``Flatten``/``Reshape`` as the
        last node. ``MaxPool``, pointwise activations (``Relu``, ``Sigmoid``,
        ``Clip``, ... and ``Softmax`` over axis 1) and training-mode
        ``BatchNormalization``/``Dropout`` keep their geometry but are not linear.
        ``auto_pad`` ``SAME_UPPER`` is the padding ``"same"``, ``SAME_LOWER``
        ``"same_lower"``; ``ceil_mode=1`` pooling is accepted where its windows fit
        exactly. Anything else is a :class:`ParameterError` naming the node.
        """
        from symconv.network.onnx import read

        nodes, size, in_channels, ceil = read(model, input_size, channels, output)
        network = cls(nodes, size, in_channels)
        network._refuse_ceil_overhang(ceil, "node", "ceil_mode=1")
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
    if op.kind == "resample":
        rows = _resampled(op, axis, m).as_explicit()
        return {j for i in wanted for j in range(m) if rows[i, j] != 0}
    return set(wanted)


def _resampled(op: Layer, axis: int, n: int) -> Any:
    """The 1-D operator of a resample layer on ``axis`` at input size n; 0 × n where the
    layer has no output for n (its sampler refuses it)."""
    try:
        return op.sampler(axis, n)
    except ParameterError:
        return sp.ZeroMatrix(0, n)
