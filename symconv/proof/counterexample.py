"""Counterexamples: where and how two expressions differ at concrete sizes.

A refutation names the smallest sizes at which the two sides differ and then
either a side that does not exist there (its constructor refuses the sizes, or a
product's inner sizes do not match), the two shapes (when they do not match), or
the first differing entry in row-major order with both values, exact and with the
taps symbolic.

Entries are compared by an exact zero test of their difference
(``zero_test``): polynomial arithmetic when the taps are independent symbols,
otherwise a bounded ``simplify``; a difference counts only when numbers confirm
it (the difference evaluated at random tap values is clearly not zero). When
neither decides, the entry is *undecided* and nothing is refuted.

Examples
--------
>>> from symconv import Downsample, Upsample
>>> print(first_difference(Upsample(2, 2) @ Downsample(4, 2), Downsample(4, 1)))
entry (1, 1): left 0, right 1
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

import sympy as sp
from sympy.polys.domains.domain import Domain

from symconv.errors import SymconvError
from symconv.matrices import _concrete, difference_in, differing_entries, domain_of

__all__ = [
    "Counterexample",
    "Difference",
    "Undefined",
    "concrete_shape",
    "first_difference",
    "zero_test",
]

#: ``simplify`` is tried only on differences of at most this many operations (it can
#: take minutes on large expressions): beyond it an entry is left undecided.
SIMPLIFY_OPS = 200

#: A difference whose value at random taps is below this (relative) is "numerically zero".
NUMERIC_ZERO = 1e-9


@dataclass(frozen=True)
class Difference:
    """How two matrices differ: shapes, or the first differing entry with both values.

    ``decided`` is False for an entry whose difference could be shown neither zero nor
    non-zero: then it is no counterexample, and the statement is undecided.
    """

    left_shape: tuple[int, int]
    right_shape: tuple[int, int]
    entry: tuple[int, int] | None = None
    left_value: sp.Expr | None = None
    right_value: sp.Expr | None = None
    decided: bool = True

    def __str__(self) -> str:
        if self.entry is None:
            return f"shapes differ: left {self.left_shape}, right {self.right_shape}"
        if not self.decided:
            return (
                f"entry {self.entry}: cannot decide whether left {self.left_value} "
                f"equals right {self.right_value}"
            )
        return f"entry {self.entry}: left {self.left_value}, right {self.right_value}"


@dataclass(frozen=True)
class Undefined:
    """One side does not exist at these sizes (``side`` is ``"left"`` or ``"right"``)."""

    side: str
    reason: str

    def __str__(self) -> str:
        return f"{self.side} side undefined ({self.reason})"


@dataclass(frozen=True)
class Counterexample:
    """The smallest sizes at which a statement fails, and how it fails there."""

    sizes: Mapping[str, object] = field(default_factory=dict)
    difference: Difference | Undefined | None = None
    left: object = None
    right: object = None

    def __str__(self) -> str:
        where = ", ".join(f"{k}={v}" for k, v in self.sizes.items()) or "the given sizes"
        if isinstance(self.difference, Undefined):
            side = self.difference
            return f"{side.side} side undefined at {where}: {side.reason}"
        return f"at {where}: {self.difference}"


def concrete_shape(expr: object) -> tuple[int, int]:
    """The shape of ``expr`` as integers when they are (cached), else as given."""
    try:
        return _concrete(expr)  # cached: the exhaustive tier asks for thousands of shapes
    except SymconvError:
        return tuple(int(v) if sp.sympify(v).is_Integer else v for v in expr.shape)


def _independent(K: Domain) -> bool:
    """Whether equality in ``K`` is equality of numbers: integers, rationals, or
    polynomials over them in independent symbols (not ``sin(t)`` and ``cos(t)``)."""
    if K.is_ZZ or K.is_QQ:
        return True
    return bool(
        K.is_PolynomialRing
        and (K.domain.is_ZZ or K.domain.is_QQ)
        and all(isinstance(g, sp.Symbol) for g in K.symbols)
    )


def _numerically_zero(difference: sp.Expr, trials: int = 3) -> bool:
    """The difference evaluated at random positive tap values is ~0 every time."""
    symbols = sorted(difference.free_symbols, key=str)
    rng = random.Random(0)  # deterministic: a proof is reproducible
    for _ in range(trials):
        values = {s: sp.Float(rng.uniform(0.5, 2.0)) for s in symbols}
        value = complex(difference.evalf(subs=values))
        if abs(value) > NUMERIC_ZERO:
            return False
    return True


def zero_test(difference: sp.Expr) -> bool | None:
    """Whether a scalar difference is zero: True, False (confirmed by numbers) or None.

    Zero when it expands to 0 (exact for polynomials in the taps) or, for anything
    else, when a bounded ``simplify`` reaches 0. Non-zero only when its value at random
    tap values is clearly not 0. None when neither decides.

    Examples
    --------
    >>> t, q = sp.symbols("t q")
    >>> zero_test(sp.sin(t) ** 2 + sp.cos(t) ** 2 - 1), zero_test(q**2 - q), zero_test(q - q)
    (True, False, True)
    """
    difference = sp.sympify(difference)
    expanded = sp.expand(difference)
    if expanded == 0:
        return True
    if expanded.is_polynomial() and expanded.is_number is not True:
        # A non-zero polynomial in independent taps: not zero as a function. Its value at
        # random taps confirms it (a non-zero polynomial vanishes only on a null set).
        return False if not _numerically_zero(expanded) else None
    if sp.count_ops(difference) <= SIMPLIFY_OPS and sp.simplify(difference) == 0:
        return True
    return False if not _numerically_zero(difference) else None


def first_difference(
    left: object, right: object, domain: Domain | None = None
) -> Difference | None:
    """None when ``left`` and ``right`` are equal, else their first (confirmed) difference.

    Both sides are built as exact matrices in one domain (the kernel taps stay
    symbolic). Over integers or polynomials in independent taps equality is exact and
    canonical (``symconv.matrices.difference_in``); otherwise every differing entry goes
    through ``zero_test``, and the first one that is not zero is returned, with
    ``decided=False`` when it could not be shown non-zero.
    """
    if concrete_shape(left) != concrete_shape(right):
        return Difference(concrete_shape(left), concrete_shape(right))
    K = domain_of(left, right) if domain is None else domain
    if _independent(K):
        found = difference_in(left, right, K)
        candidates = [] if found is None else [found]
    else:
        candidates = differing_entries(left, right, K)
    for i, j, a, b in candidates:
        zero = zero_test(a - b)
        if zero is not True:
            return Difference(
                concrete_shape(left), concrete_shape(right), (i, j), a, b, decided=zero is False
            )
    return None
