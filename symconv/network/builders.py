"""Operator builders for network nodes, shared by the framework front ends.

A builder takes (the operators of the node's inputs, their channels, their
spatial sizes) and returns (the operator from the network input to the node's
output, its channels). Operators are symconv matrix expressions over
channel-major, row-major flattened tensors (NCHW's ``x.reshape(N, -1)``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import sympy as sp

from symconv.errors import ParameterError
from symconv.network.layers import Layer, OperatorBuilder
from symconv.operators import Pad

__all__ = [
    "channel_scale",
    "compose",
    "depthwise",
    "layer_builder",
    "merge_builder",
    "nearest_upsample",
    "pass_through",
]


def compose(op: sp.MatrixExpr, before: sp.MatrixExpr | None) -> sp.MatrixExpr:
    """``op`` applied after ``before`` (None: the network input itself)."""
    from symconv.frameworks._common import chain

    return op if before is None else chain(op, before)


def layer_builder(make: Callable[[int, tuple[int, ...]], tuple[sp.MatrixExpr, int]]):
    """A builder for a one-input layer from ``make(channels, spatial size)``."""

    def build(ops: list, channels: list, spatial: list) -> tuple[sp.MatrixExpr, int]:
        op, c = make(channels[0], spatial[0])
        return compose(op, ops[0]), c

    return build


def pass_through(ops: list, channels: list, spatial: list) -> tuple[Any, int]:
    """The builder of a layer that is the identity map (Identity, Dropout in eval mode)."""
    return ops[0], channels[0]


def merge_builder(kind: str) -> OperatorBuilder:
    """The builder of a merge: ``add`` sums the branches, ``cat`` stacks their channels."""

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
            terms.append(compose(Pad(n, before, total - before - n), op))
            before += n
        return sp.MatAdd(*terms), sum(channels)

    return build


def depthwise(channels: int, taps: Sequence[int], value: object) -> Any:
    """The weight ``(C, 1, *taps)`` with every tap ``value``: one filter per channel."""
    import numpy as np

    w = np.empty((channels, 1, *taps), dtype=object)
    w.fill(sp.sympify(value))
    return w


def nearest_upsample(name: str, factor: int) -> tuple[Layer, Any, None]:
    """(geometry, builder, None) of nearest up-sampling by ``factor`` on every axis."""
    from symconv.operators.channels import ConvTransposeNd

    def make(c: int, size: tuple) -> tuple[sp.MatrixExpr, int]:
        # Nearest up-sampling by k is the transposed conv with kernel 1_k and stride k.
        taps = (factor,) * len(size)
        return ConvTransposeNd(depthwise(c, taps, 1), size, 0, factor, 1, 0, c), c

    return Layer("upsample", stride=factor, name=name), layer_builder(make), None


def channel_scale(scales: Sequence[float]) -> OperatorBuilder:
    """The builder of a per-channel scale (BatchNorm's linear part: γ/√(σ² + ε) per channel)."""
    values = [sp.Float(float(v)) for v in scales]

    def make(c: int, size: tuple) -> tuple[sp.MatrixExpr, int]:
        import numpy as np

        from symconv.operators.channels import CorrNd

        if len(values) != c:
            raise ParameterError("scales", f"{len(values)} values", f"one per channel ({c})")
        weight = np.array(values, dtype=object).reshape(c, 1, *([1] * len(size)))
        return CorrNd(weight, size, 0, 1, 1, c), c

    return layer_builder(make)
