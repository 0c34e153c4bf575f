"""The four tiers of a proof, each a function returning a :class:`TierResult`.

- :func:`rewrite_tier`: both sides normalise to one form by named rules, every
  rule used established (:func:`symconv.proof.rules.establish`); scope "all".
- :func:`symbolic_tier`: entrywise with symbolic sizes (:mod:`symconv.proof.symbolic`);
  scope "all".
- :func:`exhaustive_tier`: exact equality with symbolic taps at every instance;
  scope "bounded".
- :func:`numeric_tier`: random taps and inputs through the independent oracle;
  scope "bounded".

Each reports exactly what it checked; a tier that does not apply (no index map
for an operator, …) is reported with ``applicable=False``, neither passed nor failed.
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
from symconv.proof.counterexample import (
    Counterexample,
    Difference,
    Undefined,
    concrete_shape,
    first_difference,
)
from symconv.proof.rewrite import canonical, normalize
from symconv.proof.rules import establish
from symconv.proof.symbolic import entrywise_equal

__all__ = [
    "Instance",
    "exhaustive_tier",
    "numeric_tier",
    "rewrite_tier",
    "scope_text",
    "size_symbols",
    "structural_failure",
    "symbolic_tier",
]


@dataclass(frozen=True)
class Instance:
    """One concrete case of a statement: its sizes and both sides.

    A side that does not exist at these sizes is an :class:`Undefined`.
    """

    sizes: Mapping[str, object]
    lhs: sp.Basic | Undefined
    rhs: sp.Basic | Undefined

    @property
    def defined(self) -> bool:
        """Both sides exist."""
        return not isinstance(self.lhs, Undefined) and not isinstance(self.rhs, Undefined)


def size_symbols(*exprs: sp.Basic) -> list[sp.Symbol]:
    """The integer symbols (sizes, factors, paddings) of ``exprs``, sorted by name."""
    found = set().union(*(e.free_symbols for e in exprs))
    return sorted((s for s in found if s.is_integer), key=lambda s: s.name)


def scope_text(*exprs: sp.Basic) -> str:
    """What an all-sizes argument about ``exprs`` covers, in words.

    Examples
    --------
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> scope_text(sp.Identity(n))
    'for all n (wherever both sides are defined)'
    >>> scope_text(sp.Identity(3))
    'at these sizes'
    """
    symbols = size_symbols(*exprs)
    if not symbols:
        return "at these sizes"
    return "for all " + ", ".join(str(s) for s in symbols) + " (wherever both sides are defined)"


def rewrite_tier(lhs: sp.Basic, rhs: sp.Basic) -> TierResult:
    """Normalise both sides with the named rules; passed when the forms coincide.

    Passing is an argument for every value of every size symbol (scope "all"): each rule
    holds for all sizes. Two sides that are the same expression as written pass with
    exactly that said, and no rule.
    """
    scope = scope_text(lhs, rhs)
    if lhs == rhs:
        return TierResult(Tier.REWRITE, True, f"{scope}: identical as written", "all")
    left, left_steps = normalize(lhs)
    right, right_steps = normalize(rhs)
    used = sorted({s.rule.name for s in left_steps + right_steps})
    if canonical(left) != canonical(right):
        return TierResult(Tier.REWRITE, False, f"normal forms differ: {left} vs {right}")
    failed = [name for name in used if not establish(name)[0]]
    if failed:
        return TierResult(Tier.REWRITE, False, f"rules not established: {', '.join(failed)}")
    rules = ", ".join(used) if used else "none (equal once products are flattened)"
    return TierResult(
        Tier.REWRITE, True, f"{scope}: both sides normalise to {left} (rules: {rules})", "all"
    )


def symbolic_tier(lhs: sp.Basic, rhs: sp.Basic) -> TierResult:
    """Entrywise equality with a symbolic row index and divisibility kept explicit.

    Scope "all" (symbolic sizes); not applicable when an operator has no index map.
    """
    holds, detail = entrywise_equal(lhs, rhs)
    if holds:
        return TierResult(Tier.SYMBOLIC, True, f"{scope_text(lhs, rhs)}: {detail}", "all")
    return TierResult(
        Tier.SYMBOLIC, False, detail, applicable=not detail.startswith("not applicable")
    )


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


def structural_failure(instance: Instance) -> Counterexample | None:
    """The counterexample an instance is without comparing entries: exactly one side
    undefined there, or shapes that differ; None otherwise (and when neither side exists).
    """
    left, right = instance.lhs, instance.rhs
    if isinstance(left, Undefined) and isinstance(right, Undefined):
        return None
    if isinstance(left, Undefined) or isinstance(right, Undefined):
        side = left if isinstance(left, Undefined) else right
        return Counterexample(dict(instance.sizes), side, left, right)
    shapes = concrete_shape(left), concrete_shape(right)
    if shapes[0] != shapes[1]:
        return Counterexample(dict(instance.sizes), Difference(*shapes), left, right)
    return None


def exhaustive_tier(
    instances: Iterable[Instance], bounds: str
) -> tuple[TierResult, Counterexample | None]:
    """Exact equality with symbolic taps at every instance, smallest first.

    Stops at the first failure and returns it as the counterexample: a side that is
    undefined where the other exists, different shapes, or a differing entry. An
    instance where neither side exists is skipped (the statement is conditional on
    the sides existing). An entry that can be shown neither equal nor different stops
    the tier, failed, without a counterexample.
    """
    count, skipped, shared = 0, 0, ZZ
    for instance in instances:
        sizes = ", ".join(f"{k}={v}" for k, v in instance.sizes.items()) or "the given sizes"
        if isinstance(instance.lhs, Undefined) and isinstance(instance.rhs, Undefined):
            skipped += 1
            continue
        failure = structural_failure(instance)
        if failure is not None:
            detail = f"fails at {sizes}: {failure.difference}"
            return TierResult(Tier.EXHAUSTIVE, False, detail), failure
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
        if difference is not None and not difference.decided:
            undecided = f"undecided at {sizes}: {difference}"
            return TierResult(Tier.EXHAUSTIVE, False, undecided, decided=False), None
        if difference is not None:
            failure = Counterexample(dict(instance.sizes), difference, instance.lhs, instance.rhs)
            return TierResult(Tier.EXHAUSTIVE, False, f"fails at {sizes}: {difference}"), failure
    neither = (
        f"; {skipped} where neither side exists skipped (the statement is about sizes where "
        "the sides exist)"
        if skipped
        else ""
    )
    if count == 0:
        detail = f"no valid instance within {bounds}{neither}"
        return TierResult(Tier.EXHAUSTIVE, False, detail, decided=False), None
    return (
        TierResult(Tier.EXHAUSTIVE, True, f"exact at all {count} instances ({bounds}){neither}"),
        None,
    )


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
        return TierResult(Tier.NUMERIC, False, "no valid instance", decided=False)
    return TierResult(
        Tier.NUMERIC,
        True,
        f"oracle agrees at {count} instances × {trials} random inputs, A x and Aᵀ y "
        f"(random taps, rtol {rtol:g}, matrix-free)",
    )
