"""Helpers shared by the framework adapters: weight layouts, per-axis arguments, layouts.

The frameworks' padding rules are in :mod:`symconv.framework_padding`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import sympy as sp
from sympy.tensor.array import ImmutableDenseNDimArray

from symconv import _validate
from symconv.errors import ParameterError
from symconv.operators.base import check_composable
from symconv.operators.channels import NumericWeight, as_weight, flat
from symconv.operators.grid import Permute


def weight_array(name: str, weight: object, rank: int | None = None) -> np.ndarray:
    """The weight as a NumPy array checked to have ``rank`` axes.

    Plain numbers stay a numeric array (the adapters only transpose, flip and
    reshape it, and :func:`to_sympy` wraps it without touching the entries);
    a weight holding SymPy expressions is an object array of them.
    """
    w = as_weight(name, weight)
    if w.rank() < 3 or (rank is not None and w.rank() != rank):
        axes = "at least 3" if rank is None else rank
        raise ParameterError(name, f"array of shape {w.shape}", f"an array with {axes} axes")
    if isinstance(w, NumericWeight):
        return w.numbers
    return np.array(flat(w), dtype=object).reshape(w.shape)


def to_sympy(array: np.ndarray) -> ImmutableDenseNDimArray | NumericWeight:
    """The operator weight of a :func:`weight_array` result after the adapter's reordering."""
    if array.dtype != object:
        return NumericWeight(array)
    return ImmutableDenseNDimArray(array.ravel().tolist(), array.shape)


def spatial(name: str, size: object, rank: int | None = None) -> tuple[int, ...]:
    """The input's spatial size: an int (1-D) or ``rank`` ints (any number when None)."""
    values = list(size) if isinstance(size, (tuple, list)) else [size]
    if rank is not None and len(values) != rank:
        raise ParameterError(name, size, f"{rank} spatial size(s)")
    return tuple(int(_validate.size(name, v)) for v in values)


def require_zero_fill(name: str, value: object, none_too: bool = False) -> None:
    """A padding's fill value: 0 (or None, when ``none_too``), as only 0 keeps it linear."""
    if (value is None and none_too) or (np.ndim(value) == 0 and value == 0):
        return
    allowed = "None or 0" if none_too else "0"
    reason = "a non-zero fill value makes the padding affine, not linear"
    raise ParameterError(name, value, f"{allowed} ({reason})")


def per_axis(name: str, value: object, rank: int, minimum: int = 1) -> tuple[int, ...]:
    """An int for every axis, or a sequence of ``rank`` ints."""
    values = list(value) if isinstance(value, (tuple, list)) else [value] * rank
    if len(values) != rank:
        raise ParameterError(name, value, f"an int or a sequence of {rank} ints")
    return tuple(int(_validate.integer(name, v, minimum)) for v in values)


def chain(*factors: sp.MatrixExpr | None) -> sp.MatrixExpr:
    """The unevaluated product of the factors that are not None, shapes checked."""
    kept = [f for f in factors if f is not None]
    for left, right in itertools.pairwise(kept):
        check_composable(left, right)
    return kept[0] if len(kept) == 1 else sp.MatMul(*kept)


def from_layout(spec: str, dims: dict[str, int], order: Sequence[str]) -> Permute | None:
    """The permutation from a sample laid out as ``spec`` (no batch letter) to ``order``.

    None when the two orders already agree on the flattened vector.
    """
    axes = [spec.index(letter) for letter in order]
    if [letter for letter in order if dims[letter] > 1] == [
        letter for letter in spec if dims[letter] > 1
    ]:
        return None  # only size-1 axes move: the identity
    return Permute([dims[letter] for letter in spec], axes)


def to_layout(spec: str, dims: dict[str, int], order: Sequence[str]) -> Permute | None:
    """The permutation from ``order`` to a sample laid out as ``spec``."""
    forward = from_layout(spec, dims, order)
    return None if forward is None else forward.T


def in_layouts(
    factors: Sequence[sp.MatrixExpr | None],
    order: str,
    source: tuple[str, Sequence[int]],
    target: tuple[str, Sequence[int]],
) -> sp.MatrixExpr:
    """Operators on samples laid out as ``order`` (channel-major) applied to framework layouts.

    ``factors`` are applied right to left (None skipped); ``source`` and ``target`` are
    the input's and the output's (layout, sizes in ``order``), e.g. ``("HWC", (c, h, w))``.

    Examples
    --------
    >>> in_layouts([sp.Identity(6)], "CW", ("WC", (2, 3)), ("WC", (2, 3)))  # 3 steps, 2 channels
    Permute((2, 3), (1, 0))*I*Permute((3, 2), (1, 0))
    """
    (source_spec, source_sizes), (target_spec, target_sizes) = source, target
    return chain(
        to_layout(target_spec, dict(zip(order, target_sizes)), order),
        *factors,
        from_layout(source_spec, dict(zip(order, source_sizes)), order),
    )


__all__ = [
    "chain",
    "from_layout",
    "per_axis",
    "spatial",
    "to_layout",
    "to_sympy",
    "weight_array",
]
