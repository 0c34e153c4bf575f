"""A catalogue entry: statement, source, parameters, and how to build its checked derivation.

An entry knows how to build both sides at given parameters (:attr:`Entry.sides`),
the chain of steps between them (:attr:`Entry.chain`, each step checked: the
named rule must produce it and the two neighbouring expressions must be
exactly equal), the grid of parameters for the exhaustive and numeric tiers,
and optionally a chain with symbolic sizes (the rewrite tier) and both sides
with symbolic sizes (the symbolic tier).
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import sympy as sp

from symconv.derivation import Derivation, Rule, Step, Tier, TierResult
from symconv.errors import ParameterError, SymconvError
from symconv.proof.counterexample import first_difference
from symconv.proof.rewrite import candidates, canonical, justifies
from symconv.proof.rules import RULES, establish
from symconv.proof.tiers import Instance, exhaustive_tier, numeric_tier, symbolic_tier

__all__ = [
    "Entry",
    "Param",
    "Script",
    "argued",
    "argued_by_rank",
    "chain_from_script",
    "grid",
    "grid_scope",
    "parameter_scope",
]


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
    #: A per-axis parameter of an entry with a ``rank`` parameter: one value per spatial
    #: axis, as many as the rank (one integer at rank 1; see :meth:`axes_at`).
    per_axis: bool = False
    #: Defaults that differ by rank, ``((rank, default), …)``; :attr:`default` otherwise.
    rank_defaults: tuple = ()

    def axes_at(self, rank: int) -> int:
        """How many values the parameter takes at ``rank`` spatial axes."""
        return rank if self.per_axis else self.axes

    def default_at(self, rank: int) -> object:
        return dict(self.rank_defaults).get(rank, self.default)

    def check(self, value: object, rank: int = 1) -> object:
        if self.choices:
            # An integer choice (a rank) may come from the command line as text.
            integers = all(isinstance(c, int) for c in self.choices)
            if integers and isinstance(value, str) and value.strip().isdigit():
                value = int(value)
            if value not in self.choices:
                choices = ", ".join(map(str, self.choices))
                raise ParameterError(self.name, value, f"one of {choices}")
            return value
        axes = self.axes_at(rank)
        if axes > 1:
            values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * axes
            if len(values) != axes or not all(self._valid(v) for v in values):
                raise ParameterError(
                    self.name,
                    value,
                    f"an integer >= {self.minimum} or {axes} of them (one per axis)",
                )
            return values
        if isinstance(value, (tuple, list)) and len(value) == 1:
            value = value[0]  # one axis: the value itself
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
        The public source it comes from (paper, book, Q&A, repository).
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
    #: The grid's bounds in words; empty when the ranges the grid prints say it all
    #: (:func:`grid_scope`, per rank for an entry with a rank).
    bounds: str = ""
    general: Callable[..., tuple[list[Step], sp.Basic, str]] | None = None
    symbolic: Callable[..., tuple[sp.Basic, sp.Basic, str]] | None = None
    extra: Callable[..., tuple[list[Step], tuple[TierResult, ...]]] | None = None
    numeric_every: int = 1
    notes: tuple[str, ...] = field(default=())

    def defaults(self, rank: int = 1) -> dict:
        return {p.name: p.default_at(rank) for p in self.params}

    def resolve(self, **params: object) -> dict:
        """The full parameter set, checked: unknown names and bad values raise ParameterError.

        An entry with a ``rank`` parameter (the number of spatial axes) takes its per-axis
        parameters as one value per axis at that rank.
        """
        known = {p.name: p for p in self.params}
        for name in params:
            if name not in known:
                raise ParameterError(
                    name, params[name], f"a parameter of {self.name}: {', '.join(known) or 'none'}"
                )
        rank = 1
        if "rank" in known:
            rank = known["rank"].check(params.get("rank") or known["rank"].default)
        values = self.defaults(rank)
        values.update({k: v for k, v in params.items() if v is not None})
        return {k: known[k].check(v, rank) for k, v in values.items()}

    def instances(self, index: int = 0, count: int = 1) -> Iterator[Instance]:
        """Both sides at every valid parameter combination of the grid.

        With ``count > 1``, only every ``count``-th grid point from ``index`` (a slice
        for one worker process), built only for those points.
        """
        for position, values in enumerate(_points(self)):
            if position % count != index:
                continue
            try:
                lhs, rhs = self.sides(**values)
            except SymconvError:
                continue
            yield Instance(values, lhs, rhs)

    def derivation(self, **params: object) -> Derivation:
        """The checked derivation at ``params``, every tier run and recorded with its scope.

        All four tiers are recorded, in strength order: passed, failed, or not
        applicable (``result == "n/a"``); the verdict
        (:attr:`symconv.derivation.Derivation.verdict`) is what they support, and a
        failed exhaustive or numeric tier is a refutation.

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
            tiers = _merge(tiers, more_tiers, self.params, values)
        refuted = any(
            t.tier in (Tier.EXHAUSTIVE, Tier.NUMERIC) and t.applicable and not t.passed
            for t in tiers
        )
        return Derivation(self.name, self.statement, tuple(steps), tuple(tiers), refuted)

    def rewrite_tier(self, **values: object) -> TierResult:
        """The rule chain with symbolic sizes (:attr:`general`), with its derived scope."""
        if self.general is None:
            return TierResult(
                Tier.REWRITE, False, "n/a: no rule chain with symbolic sizes", applicable=False
            )
        if values.get("rank", 1) > 1:  # the rewrite rules are stated for 1-D operators
            return TierResult(
                Tier.REWRITE, False, "n/a: no rule chain on images (rank 2)", applicable=False
            )
        return self._scoped(Tier.REWRITE, self.general, _check_chain, values)

    def symbolic_tier(self, **values: object) -> TierResult:
        """Both sides with symbolic sizes compared entrywise (:attr:`symbolic`), with its scope."""
        if self.symbolic is None:
            return TierResult(
                Tier.SYMBOLIC, False, "n/a: no sides with symbolic sizes", applicable=False
            )
        return self._scoped(Tier.SYMBOLIC, self.symbolic, _check_sides, values)

    def _scoped(self, tier: Tier, build: Callable, check: Callable, values: dict) -> TierResult:
        """Run ``check(build(**values))`` and derive its scope from the expressions it used.

        A choice parameter that ``build`` takes by name is run for every choice, and is
        free only when every choice passes. The entry's own scope words (the last item
        ``build`` returns) are not used: the scope text is generated from the same
        free/fixed data that the JSON form reports.
        """
        runs, looped = _choice_runs(self.params, build, values)
        outcomes = []
        for run in runs:
            try:
                passed, detail, exprs = check(build(**run), run.get("rank", 1))
            except SymconvError as error:
                passed, detail, exprs = False, f"cannot be built: {error}", ()
            outcomes.append((run, passed, detail, exprs))
        requested = outcomes[0]
        if not requested[1]:
            return TierResult(tier, False, requested[2])
        shown = [o for o in outcomes if o[1]] if all(o[1] for o in outcomes) else [requested]
        # A choice is free only when the tier passed for every one of its values.
        every_choice = looped if len(shown) == len(outcomes) else set()
        per_run = [parameter_scope(self.params, o[0], o[3], every_choice) for o in shown]
        free = tuple(name for name in per_run[0][0] if all(name in f for f, _ in per_run))
        fixed = {p.name: values[p.name] for p in self.params if p.name not in free}
        draft = TierResult(tier, True, "", "all", fixed, free=free)
        if len(shown) > 1:
            detail = "; ".join(f"{_choice_label(run, looped)}: {d}" for run, _, d, _ in shown)
        else:
            detail = requested[2]
        not_shown = [_choice_label(o[0], looped) for o in outcomes if not o[1]]
        if not_shown:
            detail += f" (not shown for {', '.join(not_shown)})"
        return TierResult(tier, True, f"{draft.scope_text()}: {detail}", "all", fixed, free=free)


#: ``n₁`` names the same per-axis parameter as ``n_1``.
_SUBSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def parameter_scope(
    params: Sequence[Param],
    values: dict,
    exprs: Iterable[object],
    choices_run: Iterable[str] = (),
) -> tuple[tuple[str, ...], dict]:
    """Which statement parameters a tier left free, and which it fixed (at ``values``).

    A parameter is free when a Symbol of its name occurs free in ``exprs`` (for a
    per-axis parameter of an N-D entry: ``name_1``, ``name_2``, … one per axis, as many
    as ``values["rank"]`` for an entry with a rank); a choice parameter is free only when
    the tier was run for every choice (``choices_run``).

    Examples
    --------
    >>> import sympy as sp
    >>> n = sp.Symbol("n")
    >>> params = (Param("n", 3, "length"), Param("m", 3, "kernel length"))
    >>> parameter_scope(params, {"n": 3, "m": 4}, [sp.Matrix([[n, 1]])])
    (('n',), {'m': 4})
    """
    names = {
        symbol.name.translate(_SUBSCRIPT_DIGITS)
        for expr in exprs
        for symbol in getattr(expr, "free_symbols", ())
        if isinstance(symbol, sp.Symbol)
    }
    choices_run = set(choices_run)
    free, fixed = [], {}
    for p in params:
        if p.choices:
            is_free = p.name in choices_run
        elif p.axes_at(values.get("rank", 1)) > 1:
            pattern = re.compile(rf"{re.escape(p.name)}_?(\d+)")
            axes = {m.group(1) for m in map(pattern.fullmatch, names) if m}
            is_free = len(axes) >= p.axes_at(values.get("rank", 1))
        else:
            is_free = p.name in names
        if is_free:
            free.append(p.name)
        else:
            fixed[p.name] = values[p.name]
    return tuple(free), fixed


def argued(
    tier: Tier,
    parts: Sequence[tuple[bool, str, Iterable[object]]],
    params: Sequence[Param],
    values: dict,
    choices_run: Iterable[str] = (),
) -> TierResult:
    """An entry's own argument as a tier result whose scope is derived, never stated.

    ``parts`` are the checks the argument made, each ``(passed, detail, exprs)`` with
    the expressions it checked. A parameter is free only when it is free
    (:func:`parameter_scope`) in the expressions of *every* part: a part that never
    mentions it showed nothing for its other values, so it is fixed at ``values``.

    Examples
    --------
    >>> import sympy as sp
    >>> n, m = sp.symbols("n m")
    >>> params = (Param("n", 3, "length"), Param("m", 3, "kernel length"))
    >>> both = argued(Tier.SYMBOLIC, [(True, "a", [n + m]), (True, "b", [n])], params,
    ...               {"n": 3, "m": 2})
    >>> both.scope, dict(both.fixed), both.detail
    ('all', {'m': 2}, 'for all n, at m = 2: a; b')
    """
    parts = list(parts)
    detail = "; ".join(part[1] for part in parts)
    if not all(part[0] for part in parts):
        failed = "; ".join(part[1] for part in parts if not part[0])
        return TierResult(tier, False, f"not shown: {failed}")
    scopes = [parameter_scope(params, values, part[2], choices_run)[0] for part in parts]
    free = tuple(p.name for p in params if all(p.name in f for f in scopes))
    fixed = {p.name: values[p.name] for p in params if p.name not in free}
    words = TierResult(tier, True, "", "all", fixed, free=free).scope_text()
    return TierResult(tier, True, f"{words}: {detail}", "all", fixed, free=free)


def argued_by_rank(
    tier: Tier,
    parts_by_rank: dict[int, Sequence[tuple[bool, str, Iterable[object]]]],
    params: Sequence[Param],
    values: dict,
) -> TierResult:
    """:func:`argued` at every rank of an entry with a ``rank`` parameter, combined.

    Each rank's parts are scoped at that rank (its per-axis symbols); ``rank`` is free
    only because every rank passed, and another parameter only when every rank left it free.

    Examples
    --------
    >>> import sympy as sp
    >>> n, n1, n2 = sp.symbols("n n_1 n_2")
    >>> params = (Param("rank", 1, "axes", choices=(1, 2)), Param("n", 3, "size", per_axis=True))
    >>> both = argued_by_rank(Tier.SYMBOLIC, {1: [(True, "a", [n])], 2: [(True, "b", [n1 + n2])]},
    ...                       params, {"rank": 1, "n": 3})
    >>> both.free, both.detail
    (('rank', 'n'), 'for all rank, n: rank 1: a; rank 2: b')
    """
    results = {
        rank: argued(tier, parts, params, {**values, "rank": rank})
        for rank, parts in parts_by_rank.items()
    }
    failed = [f"rank {rank}: {r.detail}" for rank, r in results.items() if not r.passed]
    if failed:
        return TierResult(tier, False, "; ".join(failed))
    free = tuple(
        p.name
        for p in params
        if p.name == "rank" or all(p.name in r.free for r in results.values())
    )
    fixed = {p.name: values[p.name] for p in params if p.name not in free}
    words = TierResult(tier, True, "", "all", fixed, free=free).scope_text()
    detail = "; ".join(f"rank {rank}: {r.detail.split(': ', 1)[1]}" for rank, r in results.items())
    return TierResult(tier, True, f"{words}: {detail}", "all", fixed, free=free)


def _choice_runs(
    params: Sequence[Param], build: Callable, values: dict
) -> tuple[list[dict], set[str]]:
    """``values`` first, then every other combination of the choice parameters ``build`` names.

    Returns the runs and the names of the choice parameters looped over. A choice
    parameter that ``build`` does not take by name (only through ``**kwargs``) is not
    looped over: the tier did not use it, so it stays fixed.
    """
    try:
        named = set(inspect.signature(build).parameters)
    except (TypeError, ValueError):
        named = set()
    looped = [p for p in params if p.choices and p.name in named]
    runs = [values]
    for combination in itertools.product(*(p.choices for p in looped)):
        run = {**values, **{p.name: c for p, c in zip(looped, combination)}}
        if run != values:
            runs.append(run)
    return runs, {p.name for p in looped}


def _choice_label(run: dict, looped: set[str]) -> str:
    return ", ".join(f"{name} = {run[name]}" for name in sorted(looped)) or "as given"


def _check_chain(made: tuple, rank: int = 1) -> tuple[bool, str, tuple]:
    """A rule chain with symbolic sizes: each step a named, established rule ending at rhs."""
    steps, rhs = made[0], made[1]
    exprs = (*(s.expr for s in steps), rhs)
    for before, after in itertools.pairwise(steps):
        if after.rule is None or after.rule.name not in RULES:
            return False, f"step {after.expr} is not a named rewrite rule", exprs
        if not justifies(after.rule.name, before.expr, after.expr):
            return False, f"{after.rule.name} does not give {after.expr}", exprs
    if canonical(steps[-1].expr) != canonical(rhs):
        return False, f"chain ends at {steps[-1].expr}, not {rhs}", exprs
    used = sorted({s.rule.name for s in steps[1:]})
    failed = [u for u in used if not establish(u)[0]]
    if failed:
        return False, f"rules not established: {', '.join(failed)}", exprs
    if not used:
        return True, "both sides are identical as written (no rule needed)", exprs
    return (
        True,
        f"{len(steps) - 1} rule applications checked with symbolic sizes "
        f"(rules: {', '.join(used)}; each established)",
        exprs,
    )


def _check_sides(made: tuple, rank: int = 1) -> tuple[bool, str, tuple]:
    """Both sides with symbolic sizes, compared entrywise by the symbolic tier.

    At ``rank`` > 1 the sides are images (channel-major, row-major): their rows are
    multi-indices, compared by the N-D form of the tier.
    """
    lhs, rhs = made[0], made[1]
    if rank > 1:
        from symconv.proof.symbolic import entrywise_equal_nd

        holds, detail = entrywise_equal_nd(lhs, rhs, rank)
        return holds, detail, (lhs, rhs)
    result = symbolic_tier(lhs, rhs)
    detail = result.detail
    # The generic tier words its own scope ("for all n, k: …"); ours is derived instead.
    if result.passed and (detail.startswith("for all") or detail.startswith("at these")):
        detail = detail.split(": ", 1)[-1]
    return result.passed, detail, (lhs, rhs)


def _merge(
    tiers: list[TierResult], more: Sequence[TierResult], params: Sequence[Param], values: dict
) -> list[TierResult]:
    """Combine an entry's own results with the generic ones for the same tier.

    A generic tier that was not applicable is replaced. When both ran, each checked a
    part of the statement (the identity of the two sides; the entry's own claim, such
    as "uniform iff s | m"): both must pass, and the scope is what both cover. An
    entry's own tier states its scope itself (``scope`` and ``fixed``; the default is
    "bounded"); "all" with nothing fixed covers every parameter.
    """
    own = {t.tier: _with_free(t, params) for t in more}
    out = []
    for t in tiers:
        extra = own.get(t.tier)
        if extra is None or not extra.applicable:
            out.append(t)
        elif not t.applicable:
            out.append(extra)
        else:
            # Both ran, each checking its part of the statement: the tier passes only if
            # both did, and covers only what both cover (the narrower scope).
            both_all = t.scope == "all" and extra.scope == "all"
            free = tuple(name for name in t.free if name in extra.free) if both_all else ()
            fixed = {**extra.fixed, **t.fixed}
            if both_all:
                fixed.update({p.name: values[p.name] for p in params if p.name not in free})
            scope = "all" if both_all else "bounded"
            words = TierResult(t.tier, False, "", scope, fixed, free=free).scope_text()
            own_words = t.scope_text() + ": "
            generic = t.detail[len(own_words) :] if t.detail.startswith(own_words) else t.detail
            detail = f"{words}: {generic}; {extra.detail}"
            out.append(
                TierResult(t.tier, t.passed and extra.passed, detail, scope, fixed, free=free)
            )
    return out


def _with_free(result: TierResult, params: Sequence[Param]) -> TierResult:
    """An entry's own tier with ``free`` filled in: every parameter it does not fix."""
    if result.scope != "all" or result.free:
        return result
    free = tuple(p.name for p in params if p.name not in result.fixed)
    return dataclasses.replace(result, free=free)


_GRID: dict[str, tuple[TierResult, TierResult]] = {}

#: Each entry's grid points in order, by its grid function (see :meth:`Entry.instances`).
_POINTS: dict[Callable, list[dict]] = {}


def _points(entry: Entry) -> list[dict]:
    points = _POINTS.get(entry.grid)
    if points is None:  # enumerated (and sorted) once per process, not once per slice
        points = _POINTS[entry.grid] = list(entry.grid())
    return points


def grid_scope(entry: Entry) -> tuple[str, dict]:
    """The ranges of every parameter over the entry's grid, and those it holds at one value.

    Returns ``(words, fixed)``: e.g. ``("n ∈ 1..12, k ∈ 1..4", {})``. A parameter that
    the grid does not vary (or does not set: the default is used) is fixed. A per-axis
    parameter of an entry whose grid spans several ranks has its ranges given per rank.
    """
    points = _points(entry)
    parts, fixed = [], {}
    ranks = sorted({point.get("rank", 1) for point in points})
    for p in entry.params:
        seen = [point[p.name] for point in points if p.name in point]
        if not seen:
            fixed[p.name] = p.default
            continue
        if p.per_axis and len(ranks) > 1:
            per_rank = [
                f"{_range_words([x[p.name] for x in points if x.get('rank', 1) == r])} at rank {r}"
                for r in ranks
            ]
            parts.append(f"{p.name} ∈ " + "; ".join(per_rank))
        elif len(set(seen)) == 1:
            fixed[p.name] = seen[0]
        else:
            parts.append(f"{p.name} ∈ {_range_words(seen)}")
    parts += [f"{name} = {value}" for name, value in fixed.items()]
    return ", ".join(parts), fixed


def _range_words(seen: Sequence[object]) -> str:
    """``1..12``, ``1..4 × 1..3`` (per axis), ``{full, same}`` or the one value taken."""
    distinct = sorted(set(seen), key=str)
    if len(distinct) == 1:
        return str(distinct[0])
    if all(isinstance(v, int) for v in distinct):
        return f"{min(distinct)}..{max(distinct)}"
    if all(isinstance(v, tuple) for v in distinct):
        return " × ".join(f"{min(a)}..{max(a)}" for a in zip(*distinct))
    return f"{{{', '.join(map(str, distinct))}}}"


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
    """Combine grid slices computed elsewhere into the entry's two grid tiers (scope bounded)."""
    total = sum(s[0] for s in slices)
    done = [s for s in slices if s[0]]
    if not done:
        _GRID[entry.name] = _not_applicable()
        return
    ranges, fixed = grid_scope(entry)
    bounds = f"grid {ranges}" + (f"; {entry.bounds}" if entry.bounds else "")
    failed = [s for s in done if not s[1].passed]
    if failed:
        exhaustive = dataclasses.replace(failed[0][1], scope="bounded", fixed=fixed)
    else:
        exhaustive = TierResult(
            Tier.EXHAUSTIVE, True, f"exact at all {total} instances ({bounds})", fixed=fixed
        )
    numeric_failed = [s[2] for s in done if not s[2].passed]
    counts = [int(s[2].detail.split(" at ")[1].split(" ")[0]) for s in done if s[2].passed]
    if numeric_failed:
        numeric = dataclasses.replace(numeric_failed[0], scope="bounded", fixed=fixed)
    else:
        every = f"1 in {entry.numeric_every} points of " if entry.numeric_every > 1 else ""
        numeric = TierResult(
            Tier.NUMERIC,
            True,
            f"oracle agrees at {sum(counts)} instances ({every}{bounds}) × 3 random inputs "
            "(random taps, rtol 1e-09)",
            fixed=fixed,
        )
    _GRID[entry.name] = (exhaustive, numeric)


def grid_done(entry: Entry) -> bool:
    """Whether this process already has the entry's grid tiers (computed or preloaded)."""
    return entry.name in _GRID


def _not_applicable() -> tuple[TierResult, TierResult]:
    why = "n/a: no matrix instances"
    return (
        TierResult(Tier.EXHAUSTIVE, False, why, applicable=False),
        TierResult(Tier.NUMERIC, False, why, applicable=False),
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
