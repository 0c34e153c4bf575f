"""``symconv.prove``: prove or refute a user's own identity between two expressions.

Examples
--------
>>> import sympy as sp
>>> from sympy import MatMul, Transpose
>>> from symconv import Downsample, Upsample
>>> n, k = sp.symbols("n k", integer=True, positive=True)
>>> proof = prove(Transpose(Downsample(k * n, k)), Upsample(n, k))
>>> proof.holds, [t.tier.value for t in proof.tiers if t.passed]
(True, ['rewrite', 'symbolic', 'exhaustive', 'numeric'])
>>> wrong = prove(MatMul(Upsample(n, k), Downsample(k * n, k)), sp.Identity(k * n))
>>> wrong.holds
False
>>> print(wrong.counterexample)
at k=2, n=1: entry (1, 1): left 0, right 1
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

import sympy as sp
from sympy.matrices.expressions import MatrixExpr

from symconv import _validate, limits
from symconv.derivation import Tier, TierResult
from symconv.errors import ParameterError, SymconvError
from symconv.proof.counterexample import Counterexample
from symconv.proof.tiers import (
    Instance,
    exhaustive_tier,
    numeric_tier,
    rewrite_tier,
    size_symbols,
    symbolic_tier,
)

__all__ = ["Proof", "prove"]


@dataclass(frozen=True)
class Proof:
    """The outcome of :func:`prove`: whether it holds, each tier, and a counterexample.

    Attributes
    ----------
    holds : bool
        False when a counterexample was found; True when none was and at least
        one tier passed.
    tiers : tuple of TierResult
        Every tier that was run, with what it checked.
    counterexample : Counterexample or None
        The smallest failing sizes and the first difference.
    """

    statement: str
    lhs: sp.Basic
    rhs: sp.Basic
    holds: bool
    tiers: tuple[TierResult, ...]
    counterexample: Counterexample | None = None

    def __bool__(self) -> bool:
        return self.holds

    @property
    def passed(self) -> tuple[Tier, ...]:
        """The tiers that passed, strongest first."""
        return tuple(t.tier for t in self.tiers if t.passed)

    def __str__(self) -> str:
        verdict = "holds" if self.holds else "REFUTED"
        lines = [f"{self.statement}: {verdict}"]
        lines += [
            f"  [{'pass' if t.passed else 'no  '}] {t.tier.value}: {t.detail}" for t in self.tiers
        ]
        if self.counterexample is not None:
            lines.append(f"  counterexample {self.counterexample}")
        return "\n".join(lines)


def _grid(symbols: list[sp.Symbol], bound: int, limit: int) -> Iterator[dict]:
    """Assignments of the size symbols, smallest total first, at most ``limit``."""
    starts = [0 if s.is_nonnegative and not s.is_positive else 1 for s in symbols]
    count = math.prod(bound + 1 - a for a in starts)
    limits.require("instances", count, f"{len(symbols)} size symbols up to {bound}")
    combos = itertools.product(*(range(a, bound + 1) for a in starts))
    for values in sorted(combos, key=lambda v: (sum(v), v))[:limit]:
        yield dict(zip(symbols, values))


def _instances(lhs: sp.Basic, rhs: sp.Basic, bound: int, limit: int) -> Iterator[Instance]:
    symbols = size_symbols(lhs, rhs)
    for assignment in _grid(symbols, bound, limit):
        try:
            left, right = lhs.xreplace(assignment), rhs.xreplace(assignment)
            left, right = _rebuild(left), _rebuild(right)
        except SymconvError:
            continue  # impossible sizes (an operator would be empty or ill-formed)
        yield Instance({str(k): v for k, v in assignment.items()}, left, right)


def _rebuild(expr: sp.Basic) -> sp.Basic:
    """Re-run every constructor (and its validation) after a substitution."""
    if not expr.args:
        return expr
    rebuilt = expr.func(*(_rebuild(a) if isinstance(a, sp.Basic) else a for a in expr.args))
    for size in getattr(rebuilt, "shape", ()):
        if sp.sympify(size).is_Integer and size < 1:
            raise ParameterError("size", size, "at least 1")
    return rebuilt


def prove(
    lhs: MatrixExpr,
    rhs: MatrixExpr,
    *,
    bound: int = 12,
    limit: int = 400,
    trials: int = 3,
    seed: int = 0,
    statement: str | None = None,
) -> Proof:
    """Prove or refute ``lhs == rhs`` for symconv expressions.

    Parameters
    ----------
    lhs, rhs : matrix expressions
        Built from symconv operators (sizes may be integer SymPy symbols,
        kernel taps may be symbols). Build products with ``MatMul(A, B)`` to
        keep them as written; ``@`` works too.
    bound : int
        Each size symbol takes the values up to ``bound`` in the exhaustive and
        numeric tiers (from 1, or from 0 for a symbol declared nonnegative).
    limit : int
        At most this many size assignments, smallest first.
    trials, seed : int
        Random inputs per instance, and the seed, of the numeric tier.

    Returns
    -------
    Proof
        ``holds``, the tiers with what each checked, and the smallest
        counterexample when refuted.
    """
    for name, value in (("bound", bound), ("limit", limit), ("trials", trials)):
        _validate.size(name, value)  # a bound of -1 or a limit of 0 would check nothing
    for name, side in (("lhs", lhs), ("rhs", rhs)):
        if not getattr(side, "is_Matrix", False):
            raise ParameterError(name, side, "a matrix expression built from symconv operators")
    statement = statement or f"{lhs} = {rhs}"
    symbols = size_symbols(lhs, rhs)
    bounds = (
        ", ".join(f"{s} ≤ {bound}" for s in symbols)
        + (f", first {limit} assignments" if len(symbols) > 1 else "")
        if symbols
        else "the given sizes"
    )
    exhaustive, counterexample = exhaustive_tier(_instances(lhs, rhs, bound, limit), bounds)
    if counterexample is not None:
        return Proof(statement, lhs, rhs, False, (exhaustive,), counterexample)
    tiers = [rewrite_tier(lhs, rhs), symbolic_tier(lhs, rhs), exhaustive]
    numeric_instances = list(itertools.islice(_instances(lhs, rhs, min(bound, 8), limit), 60))
    tiers.append(numeric_tier(numeric_instances, trials, seed))
    return Proof(statement, lhs, rhs, any(t.passed for t in tiers), tuple(tiers))
