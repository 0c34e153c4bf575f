"""Counterexamples: where and how two expressions differ at concrete sizes.

A refutation names the smallest sizes at which the two sides differ and then
either the two shapes (when they do not even match) or the first differing
entry in row-major order with both values, exact and with the taps symbolic.

Examples
--------
>>> from symconv import Downsample, Upsample
>>> print(first_difference(Upsample(2, 2) @ Downsample(4, 2), Downsample(4, 1)))
entry (1, 1): left 0, right 1
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sympy as sp
from sympy.polys.domains.domain import Domain

from symconv.errors import SymconvError
from symconv.matrices import _concrete, difference_in, domain_of

__all__ = ["Counterexample", "Difference", "first_difference"]


@dataclass(frozen=True)
class Difference:
    """How two matrices differ: shapes, or the first differing entry with both values."""

    left_shape: tuple[int, int]
    right_shape: tuple[int, int]
    entry: tuple[int, int] | None = None
    left_value: sp.Expr | None = None
    right_value: sp.Expr | None = None

    def __str__(self) -> str:
        if self.entry is None:
            return f"shapes differ: left {self.left_shape}, right {self.right_shape}"
        return f"entry {self.entry}: left {self.left_value}, right {self.right_value}"


@dataclass(frozen=True)
class Counterexample:
    """The smallest sizes at which a statement fails, and how it fails there."""

    sizes: Mapping[str, object] = field(default_factory=dict)
    difference: Difference | None = None
    left: object = None
    right: object = None

    def __str__(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.sizes.items()) or "the given sizes"
        return f"at {where}: {self.difference}"


def _shape(expr: object) -> tuple[int, int]:
    try:
        return _concrete(expr)  # cached: the exhaustive tier asks for thousands of shapes
    except SymconvError:
        return tuple(int(v) if sp.sympify(v).is_Integer else v for v in expr.shape)


def first_difference(
    left: object, right: object, domain: Domain | None = None
) -> Difference | None:
    """None when ``left`` and ``right`` are exactly equal, else their first difference.

    Both sides are built as exact matrices in one polynomial domain (the kernel
    taps stay symbolic), so equality is exact and canonical
    (``symconv.matrices.difference_in``).
    """
    if _shape(left) != _shape(right):
        return Difference(_shape(left), _shape(right))
    K = domain_of(left, right) if domain is None else domain
    found = difference_in(left, right, K)
    if found is None:
        return None
    i, j, a, b = found
    return Difference(_shape(left), _shape(right), (i, j), a, b)
