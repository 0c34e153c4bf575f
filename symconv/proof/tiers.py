"""The four tiers of a proof, each a function returning a :class:`TierResult`.

- :func:`rewrite_tier`: both sides normalise to one form by named rules, every
  rule used established (:func:`symconv.proof.rules.establish`).
- :func:`symbolic_tier`: entrywise with symbolic sizes (:mod:`symconv.proof.symbolic`).
- :func:`exhaustive_tier`: exact equality with symbolic taps at every instance.
- :func:`numeric_tier`: random taps and inputs through the independent oracle.

Each reports exactly what it checked; a tier that does not apply is reported
as not passed, with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import sympy as sp
from sympy.polys.domains import ZZ
from sympy.polys.domains.domain import Domain
from sympy.polys.polyerrors import CoercionFailed

from symconv.derivation import Tier, TierResult
from symconv.errors import ParameterError
from symconv.matrices import domain_of
from symconv.proof import oracle
from symconv.proof.counterexample import Counterexample, first_difference
from symconv.proof.rewrite import canonical, normalize
from symconv.proof.rules import establish
from symconv.proof.symbolic import entrywise_equal

__all__ = [
    "Instance",
    "exhaustive_tier",
    "numeric_tier",
    "rewrite_tier",
    "size_symbols",
    "symbolic_tier",
]


@dataclass(frozen=True)
class Instance:
    """One concrete case of a statement: its sizes and both sides."""

    sizes: Mapping[str, object]
    lhs: sp.Basic
    rhs: sp.Basic


def size_symbols(*exprs: sp.Basic) -> list[sp.Symbol]:
    """The integer symbols (sizes, factors, paddings) of ``exprs``, sorted by name."""
    found = set().union(*(e.free_symbols for e in exprs))
    return sorted((s for s in found if s.is_integer), key=lambda s: s.name)


def _scope(exprs: tuple[sp.Basic, ...]) -> str:
    symbols = size_symbols(*exprs)
    if not symbols:
        return "at these sizes"
    return "for all " + ", ".join(str(s) for s in symbols)


def rewrite_tier(lhs: sp.Basic, rhs: sp.Basic) -> TierResult:
    """Normalise both sides with the named rules; passed when the forms coincide."""
    left, left_steps = normalize(lhs)
    right, right_steps = normalize(rhs)
    used = sorted({s.rule.name for s in left_steps + right_steps})
    if canonical(left) != canonical(right):
        return TierResult(Tier.REWRITE, False, f"normal forms differ: {left} vs {right}")
    failed = [name for name in used if not establish(name)[0]]
    if failed:
        return TierResult(Tier.REWRITE, False, f"rules not established: {', '.join(failed)}")
    rules = ", ".join(used) if used else "none needed (identical)"
    return TierResult(
        Tier.REWRITE, True, f"{_scope((lhs, rhs))}: both sides normalise to {left} (rules: {rules})"
    )


def symbolic_tier(lhs: sp.Basic, rhs: sp.Basic) -> TierResult:
    """Entrywise equality with a symbolic row index and divisibility kept explicit."""
    holds, detail = entrywise_equal(lhs, rhs)
    return TierResult(Tier.SYMBOLIC, holds, f"{_scope((lhs, rhs))}: {detail}" if holds else detail)


def _common_domain(shared: Domain, own: Domain) -> Domain | None:
    """A polynomial ring over ZZ holding both, or None when ``own`` is not of that kind.

    The exhaustive tier keeps one domain for all its instances, grown only when a
    new tap appears: building a domain costs more than comparing two small matrices.
    """
    if own.is_ZZ:
        return shared
    if not (own.is_PolynomialRing and own.domain.is_ZZ):
        return None
    known = set(shared.symbols) if shared.is_PolynomialRing else set()
    if set(own.symbols) <= known:
        return shared
    return ZZ[tuple(sorted(known | set(own.symbols), key=str))]


def exhaustive_tier(
    instances: Iterable[Instance], bounds: str
) -> tuple[TierResult, Counterexample | None]:
    """Exact equality with symbolic taps at every instance, smallest first.

    Stops at the first failure and returns it as the counterexample.
    """
    count, shared = 0, ZZ
    for instance in instances:
        count += 1
        try:
            difference = first_difference(instance.lhs, instance.rhs, shared)
        except (CoercionFailed, ValueError):
            # An entry outside the shared domain (a new tap, or not over ZZ). SymPy's rings
            # say so with a ValueError; any other error recurs below in the own domain.
            own = domain_of(instance.lhs, instance.rhs)
            K = _common_domain(shared, own)
            if K is None:
                K = own  # not a polynomial ring over ZZ: this instance in its own domain
            else:
                shared = K
            difference = first_difference(instance.lhs, instance.rhs, K)
        if difference is not None:
            sizes = ", ".join(f"{k}={v}" for k, v in instance.sizes.items())
            failure = Counterexample(dict(instance.sizes), difference, instance.lhs, instance.rhs)
            return (
                TierResult(
                    Tier.EXHAUSTIVE, False, f"fails at {sizes or 'the given sizes'}: {difference}"
                ),
                failure,
            )
    if count == 0:
        return TierResult(Tier.EXHAUSTIVE, False, f"no valid instance within {bounds}"), None
    return TierResult(Tier.EXHAUSTIVE, True, f"exact at all {count} instances ({bounds})"), None


def numeric_tier(
    instances: Iterable[Instance], trials: int = 3, seed: int = 0, rtol: float = 1e-9
) -> TierResult:
    """Random taps and a block of random inputs through the reference oracle, at every instance.

    Both sides are applied to the same ``trials`` random vectors x, and their
    transposes to ``trials`` random vectors y (A x vs B x, Aᵀ y vs Bᵀ y), by the
    matrix-free :mod:`symconv.proof.oracle`: the cost follows the non-zeros, no
    dense matrix is built. A side the oracle finds undefined (inner sizes of a
    product differ) or shapes that differ fail the tier, with the shapes.
    """

    def gap(a: np.ndarray, b: np.ndarray) -> float | None:
        """None when a and b agree to rtol of their scale, else the largest difference."""
        scale = max(1.0, float(np.abs(a).max(initial=0)), float(np.abs(b).max(initial=0)))
        worst = float(np.abs(a - b).max(initial=0))
        return None if worst <= rtol * scale else worst

    rng = np.random.default_rng(seed)
    count = 0
    for instance in instances:
        count += 1
        where = ", ".join(f"{k}={v}" for k, v in instance.sizes.items()) or "the given sizes"
        shapes = []
        for side, expr in (("left", instance.lhs), ("right", instance.rhs)):
            try:
                shapes.append(oracle.shape(expr))
            except ParameterError as error:
                return TierResult(Tier.NUMERIC, False, f"{side} side undefined at {where}: {error}")
        if shapes[0] != shapes[1]:
            return TierResult(
                Tier.NUMERIC,
                False,
                f"shapes differ at {where}: left {shapes[0]}, right {shapes[1]}",
            )
        taps = set().union(instance.lhs.free_symbols, instance.rhs.free_symbols)
        values = {s: float(rng.standard_normal()) for s in sorted(taps, key=str)}
        rows, cols = shapes[0]
        x, y = rng.standard_normal((cols, trials)), rng.standard_normal((rows, trials))
        for what, act, block in (("A x", oracle.apply, x), ("Aᵀ y", oracle.adjoint, y)):
            worst = gap(act(instance.lhs, block, values), act(instance.rhs, block, values))
            if worst is not None:
                return TierResult(
                    Tier.NUMERIC, False, f"{what} differs at {where} by up to {worst:.3g}"
                )
    if count == 0:
        return TierResult(Tier.NUMERIC, False, "no valid instance")
    return TierResult(
        Tier.NUMERIC,
        True,
        f"oracle agrees at {count} instances × {trials} random inputs, A x and Aᵀ y "
        f"(random taps, rtol {rtol:g}, matrix-free)",
    )
