"""A catalogue entry: statement, source, parameters, and how to build its checked derivation.

An entry knows how to build both sides at given parameters (:attr:`Entry.sides`),
the chain of steps between them (:attr:`Entry.chain`, each step checked: the
named rule must produce it and the two neighbouring expressions must be
exactly equal), the grid of parameters for the exhaustive and numeric tiers,
and optionally a chain with symbolic sizes (the rewrite tier) and both sides
with symbolic sizes (the symbolic tier).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import sympy as sp

from symconv.derivation import Derivation, Rule, Step, Tier, TierResult
from symconv.errors import ParameterError, SymconvError
from symconv.proof.counterexample import first_difference
from symconv.proof.rewrite import candidates, canonical, justifies
from symconv.proof.rules import RULES, establish
from symconv.proof.tiers import Instance, exhaustive_tier, numeric_tier, symbolic_tier

__all__ = ["Entry", "Param", "Script", "chain_from_script", "grid"]


@dataclass(frozen=True)
class Param:
    """A parameter of an entry: CLI option ``--name``, default, smallest value or choices."""

    name: str
    default: object
    help: str
    minimum: int = 1
    choices: tuple[str, ...] = ()
    #: For a per-axis parameter of an N-D entry, N: the value is one integer for every
    #: axis or a sequence of N of them, and is resolved to a tuple of N.
    axes: int = 1

    def check(self, value: object) -> object:
        if self.choices:
            if value not in self.choices:
                raise ParameterError(self.name, value, f"one of {', '.join(self.choices)}")
            return value
        if self.axes > 1:
            values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * self.axes
            if len(values) != self.axes or not all(self._valid(v) for v in values):
                raise ParameterError(
                    self.name,
                    value,
                    f"an integer >= {self.minimum} or {self.axes} of them (one per axis)",
                )
            return values
        if not self._valid(value):
            raise ParameterError(self.name, value, f"an integer >= {self.minimum}")
        return value

    def _valid(self, value: object) -> bool:
        return not isinstance(value, bool) and isinstance(value, int) and value >= self.minimum


#: A derivation script: ("rule", name) applies a named rule once (first position, in
#: ``RULES``); ("rule*", name) applies it while it applies; ("to", expr, rule) states
#: the next expression and the rule that must justify it.
Script = Sequence[tuple]


def chain_from_script(lhs: sp.Basic, script: Script) -> list[Step]:
    """Run a derivation script from ``lhs``; every step is produced or justified by its rule."""
    steps = [Step(lhs)]
    current = canonical(lhs)
    for item in script:
        kind = item[0]
        if kind in ("rule", "rule*"):
            rule = RULES[item[1]]
            while True:
                found = candidates(current, rule)
                if not found:
                    break
                current = found[0]
                steps.append(Step(current, rule.rule))
                if kind == "rule":
                    break
        else:
            _, target, rule = item
            steps.append(Step(target, rule if isinstance(rule, Rule) else RULES[rule].rule))
            current = canonical(target)
    return steps


def grid(**ranges: Iterable) -> Iterator[dict]:
    """Every combination of the ranges, smallest total first (so failures are minimal)."""
    names = list(ranges)
    combos = itertools.product(*(list(r) for r in ranges.values()))

    def size(values: tuple) -> tuple:
        return (sum(v for v in values if isinstance(v, int)), values)

    for values in sorted(
        combos, key=lambda v: size(tuple(x if isinstance(x, int) else 0 for x in v))
    ):
        yield dict(zip(names, values))


@dataclass(frozen=True)
class Entry:
    """One identity of the catalogue.

    Attributes
    ----------
    name : str
        The CLI name, e.g. ``"up-down-transpose"``.
    statement : str
        The identity in plain Unicode, with the ranges for which it holds.
    source : str
        The seed file or paper it comes from.
    params : tuple of Param
        Parameters of :meth:`derivation` (the CLI options of ``symconv prove NAME``).
    """

    name: str
    statement: str
    source: str
    params: tuple[Param, ...]
    sides: Callable[..., tuple[sp.Basic, sp.Basic]]
    chain: Callable[..., list[Step]]
    grid: Callable[[], Iterable[dict]]
    bounds: str
    general: Callable[..., tuple[list[Step], sp.Basic, str]] | None = None
    symbolic: Callable[..., tuple[sp.Basic, sp.Basic, str]] | None = None
    extra: Callable[..., tuple[list[Step], tuple[TierResult, ...]]] | None = None
    numeric_every: int = 1
    notes: tuple[str, ...] = field(default=())

    def defaults(self) -> dict:
        return {p.name: p.default for p in self.params}

    def resolve(self, **params: object) -> dict:
        """The full parameter set, checked: unknown names and bad values raise ParameterError."""
        known = {p.name: p for p in self.params}
        for name in params:
            if name not in known:
                raise ParameterError(
                    name, params[name], f"a parameter of {self.name}: {', '.join(known) or 'none'}"
                )
        values = self.defaults()
        values.update({k: v for k, v in params.items() if v is not None})
        return {k: known[k].check(v) for k, v in values.items()}

    def instances(self, index: int = 0, count: int = 1) -> Iterator[Instance]:
        """Both sides at every valid parameter combination of the grid.

        With ``count > 1``, only every ``count``-th grid point from ``index`` (a slice
        for one worker process), built only for those points.
        """
        points = _POINTS.get(self.grid)
        if points is None:  # enumerated (and sorted) once per process, not once per slice
            points = _POINTS[self.grid] = list(self.grid())
        for position, values in enumerate(points):
            if position % count != index:
                continue
            try:
                lhs, rhs = self.sides(**values)
            except SymconvError:
                continue
            yield Instance(values, lhs, rhs)

    def derivation(self, **params: object) -> Derivation:
        """The checked derivation at ``params``, every tier run and recorded.

        Raises
        ------
        ParameterError
            For an unknown parameter or a value outside the entry's range.
        """
        values = self.resolve(**params)
        steps = self.chain(**values)
        check_steps(steps)
        tiers = [self.rewrite_tier(**values), self.symbolic_tier(**values)]
        tiers += list(_grid_tiers(self))
        if self.extra is not None:
            more_steps, more_tiers = self.extra(**values)
            steps = steps + more_steps
            tiers = _merge(tiers, more_tiers)
        # Record the tiers that were run and are conclusive: a pass, or a refutation by
        # the exhaustive or numeric tier. "Not attempted" and "not shown" establish nothing.
        conclusive = [t for t in tiers if t.passed or t.tier in (Tier.EXHAUSTIVE, Tier.NUMERIC)]
        return Derivation(self.name, self.statement, tuple(steps), tuple(conclusive))

    def rewrite_tier(self, **values: object) -> TierResult:
        if self.general is None:
            return TierResult(
                Tier.REWRITE, False, "not attempted: no rule chain with symbolic sizes"
            )
        steps, rhs, scope = self.general(**values)
        for before, after in itertools.pairwise(steps):
            if after.rule is None or after.rule.name not in RULES:
                return TierResult(
                    Tier.REWRITE, False, f"step {after.expr} is not a named rewrite rule"
                )
            if not justifies(after.rule.name, before.expr, after.expr):
                return TierResult(
                    Tier.REWRITE, False, f"{after.rule.name} does not give {after.expr}"
                )
        if canonical(steps[-1].expr) != canonical(rhs):
            return TierResult(Tier.REWRITE, False, f"chain ends at {steps[-1].expr}, not {rhs}")
        used = sorted({s.rule.name for s in steps[1:]})
        failed = [u for u in used if not establish(u)[0]]
        if failed:
            return TierResult(Tier.REWRITE, False, f"rules not established: {', '.join(failed)}")
        return TierResult(
            Tier.REWRITE,
            True,
            f"{scope}: {len(steps) - 1} rule applications checked with symbolic sizes "
            f"(rules: {', '.join(used)}; each established)",
        )

    def symbolic_tier(self, **values: object) -> TierResult:
        if self.symbolic is None:
            return TierResult(Tier.SYMBOLIC, False, "not attempted")
        lhs, rhs, scope = self.symbolic(**values)
        result = symbolic_tier(lhs, rhs)
        if result.passed:
            return TierResult(Tier.SYMBOLIC, True, f"{scope}: {result.detail.split(': ', 1)[1]}")
        return result


def _merge(tiers: list[TierResult], more: Sequence[TierResult]) -> list[TierResult]:
    """Combine an entry's own results with the generic ones for the same tier.

    A generic tier that was not attempted is replaced; one that ran is kept and
    both must pass.
    """
    own = {t.tier: t for t in more}
    out = []
    for t in tiers:
        extra = own.get(t.tier)
        if extra is None:
            out.append(t)
        elif t.detail.startswith("not attempted"):
            out.append(extra)
        else:
            out.append(TierResult(t.tier, t.passed and extra.passed, f"{t.detail}; {extra.detail}"))
    return out


_GRID: dict[str, tuple[TierResult, TierResult]] = {}

#: Each entry's grid points in order, by its grid function (see :meth:`Entry.instances`).
_POINTS: dict[Callable, list[dict]] = {}


def grid_slice(entry: Entry, index: int, count: int) -> tuple:
    """Exhaustive and numeric tiers on every ``count``-th grid point from ``index``.

    Returns ``(instances, exhaustive, numeric, position of the first failure or None)``.
    """
    instances = list(entry.instances(index, count))
    if not instances:
        return 0, None, None, None
    exhaustive, _ = exhaustive_tier(instances, entry.bounds)
    numeric = numeric_tier(instances[:: entry.numeric_every])
    return len(instances), exhaustive, numeric, None if exhaustive.passed else index


def preload_grid(entry: Entry, slices: list[tuple]) -> None:
    """Combine grid slices computed elsewhere into the entry's two grid tiers."""
    total = sum(s[0] for s in slices)
    done = [s for s in slices if s[0]]
    if not done:
        _GRID[entry.name] = _not_attempted()
        return
    failed = [s for s in done if not s[1].passed]
    if failed:
        exhaustive = failed[0][1]
    else:
        exhaustive = TierResult(
            Tier.EXHAUSTIVE, True, f"exact at all {total} instances ({entry.bounds})"
        )
    numeric_failed = [s[2] for s in done if not s[2].passed]
    counts = [int(s[2].detail.split(" at ")[1].split(" ")[0]) for s in done if s[2].passed]
    numeric = (
        numeric_failed[0]
        if numeric_failed
        else TierResult(
            Tier.NUMERIC,
            True,
            f"oracle agrees at {sum(counts)} instances × 3 random inputs (random taps, rtol 1e-09)",
        )
    )
    _GRID[entry.name] = (exhaustive, numeric)


def _not_attempted() -> tuple[TierResult, TierResult]:
    return (
        TierResult(Tier.EXHAUSTIVE, False, "not attempted: no matrix instances"),
        TierResult(Tier.NUMERIC, False, "not attempted: no matrix instances"),
    )


def _grid_tiers(entry: Entry) -> tuple[TierResult, TierResult]:
    """Exhaustive and numeric tiers over the whole grid (independent of the chosen parameters)."""
    if entry.name not in _GRID:
        preload_grid(entry, [grid_slice(entry, 0, 1)])
    return _GRID[entry.name]


def check_steps(steps: list[Step]) -> None:
    """Check a concrete chain: each step justified by its rule (when a rewrite rule) and exact.

    Raises SymconvError naming the first step that fails: a derivation that does
    not check is a bug, never printed as if it held.
    """
    for number, (before, after) in enumerate(itertools.pairwise(steps), start=1):
        rule = after.rule
        if (
            rule is not None
            and rule.name in RULES
            and not justifies(rule.name, before.expr, after.expr)
        ):
            raise SymconvError(f"step {number} is not an application of {after.rule.name}")
        if getattr(before.expr, "is_Matrix", False) and getattr(after.expr, "is_Matrix", False):
            difference = first_difference(before.expr, after.expr)
            if difference is not None:
                name = rule.name if rule else "?"
                raise SymconvError(f"step {number} ({name}) changes the value: {difference}")
