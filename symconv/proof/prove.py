"""``symconv.prove``: prove or refute a user's own identity between two expressions.

The verdict never claims more than was shown (:class:`symconv.derivation.Verdict`):

- ``proven``: a rewrite or symbolic argument with every size symbol free, both
  sides' products composable and their shapes shown equal for all sizes;
- ``verified``: exact and numeric agreement at every instance up to the bounds;
- ``refuted``: a counterexample at the smallest sizes found: a side that is
  undefined where the other exists, shapes that differ, or a differing entry
  (exact, and confirmed by numbers);
- ``unknown``: none of these.

Examples
--------
>>> import sympy as sp
>>> from sympy import MatMul, Transpose
>>> from symconv import Downsample, Upsample
>>> n, k = sp.symbols("n k", integer=True, positive=True)
>>> proof = prove(Transpose(Downsample(k * n, k)), Upsample(n, k))
>>> proof.verdict.value, bool(proof), [t.tier.value for t in proof.tiers if t.passed]
('proven', True, ['rewrite', 'symbolic', 'exhaustive', 'numeric'])
>>> wrong = prove(MatMul(Upsample(n, k), Downsample(k * n, k)), sp.Identity(k * n))
>>> wrong.verdict.value, bool(wrong)
('refuted', False)
>>> print(wrong.counterexample)
at k=2, n=1: entry (1, 1): left 0, right 1

Beyond the exhaustive bound, shapes and the existence of both sides are still
scanned, which is cheap: ``⌈n/13⌉ = 1`` fails first at n = 14.

>>> from symconv import Crop
>>> print(prove(Downsample(n, 13), Crop(n, 0, n - 1)).counterexample)
at n=14: shapes differ: left (2, 14), right (1, 14)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

import sympy as sp
from sympy.matrices.expressions import MatAdd, MatMul, MatPow, MatrixExpr

from symconv import _validate, limits
from symconv.derivation import Tier, TierResult, Verdict, verdict_of
from symconv.errors import ParameterError, ShapeMismatchError, SymconvError
from symconv.kernels import SYMBOLIC_KERNELS
from symconv.operators.base import check_composable, check_same_shape, expand_power, sizes_equal
from symconv.proof.counterexample import Counterexample, Undefined
from symconv.proof.tiers import (
    Instance,
    exhaustive_tier,
    numeric_tier,
    rewrite_tier,
    size_symbols,
    structural_failure,
    symbolic_tier,
)

__all__ = ["EXIT_STATUS", "Proof", "prove"]

#: The exit status of ``symconv check`` and ``symconv prove`` for each verdict.
EXIT_STATUS = {Verdict.PROVEN: 0, Verdict.REFUTED: 1, Verdict.VERIFIED: 3, Verdict.UNKNOWN: 4}

#: The four-letter mark of each :attr:`TierResult.result` in ``str(proof)``.
_MARKS = {"passed": "pass", "not shown": " ?  ", "failed": "fail", "n/a": "n/a "}


@dataclass(frozen=True)
class Proof:
    """The outcome of :func:`prove`: the verdict, each tier, and a counterexample.

    Attributes
    ----------
    verdict : symconv.derivation.Verdict
        ``PROVEN``, ``VERIFIED``, ``REFUTED`` or ``UNKNOWN``; ``bool(proof)`` is
        true only for ``PROVEN``.
    tiers : tuple of TierResult
        Every tier, with what it checked and its scope (``n/a`` when it did not apply).
    counterexample : Counterexample or None
        The smallest failing sizes and how the sides differ there, when refuted.
    """

    statement: str
    lhs: sp.Basic
    rhs: sp.Basic
    verdict: Verdict
    tiers: tuple[TierResult, ...]
    counterexample: Counterexample | None = None

    def __bool__(self) -> bool:
        return self.verdict is Verdict.PROVEN

    @property
    def passed(self) -> tuple[Tier, ...]:
        """The tiers that passed, strongest first."""
        return tuple(t.tier for t in self.tiers if t.passed)

    @property
    def exit_status(self) -> int:
        """0 proven, 1 refuted, 3 verified only, 4 unknown (as ``symconv check``)."""
        return EXIT_STATUS[self.verdict]

    def _shown_tiers(self) -> tuple[TierResult, ...]:
        """Every tier in strength order; one that did not run (a refutation came first) n/a."""
        by_tier = {t.tier: t for t in self.tiers}
        not_run = "n/a: not run (the verdict was decided without it)"
        return tuple(
            by_tier.get(tier, TierResult(tier, False, not_run, applicable=False)) for tier in Tier
        )

    def __str__(self) -> str:
        lines = [f"{self.statement}: {self.verdict.value}"]
        for t in self._shown_tiers():
            mark = _MARKS[t.result]
            scope = f" (scope {t.scope})" if t.passed else ""
            detail = t.detail.removeprefix("n/a: ") if not t.applicable else t.detail
            lines.append(f"  [{mark}] {t.tier.value}{scope}: {detail}")
        if self.counterexample is not None:
            lines.append(f"  counterexample {self.counterexample}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        marks = ", ".join(f"{t.tier.value} {t.result}" for t in self._shown_tiers())
        return f"<Proof {self.statement!r}: {self.verdict.value} ({marks})>"

    def _math(self) -> str:
        """``lhs = rhs`` in symconv's notation, or '' where a side has no LaTeX form."""
        from symconv.printing.latex import latex

        try:
            return f"{latex(self.lhs)} = {latex(self.rhs)}"
        except SymconvError:
            return ""

    def _repr_latex_(self) -> str:
        """Jupyter: the identity in paper notation and the verdict word."""
        verdict = rf"\qquad \text{{{self.verdict.value}}}"
        math = self._math() or rf"\text{{{_latex_text(self.statement)}}}"
        return rf"$\displaystyle {math}{verdict}$"

    def _repr_html_(self) -> str:
        """Jupyter: the identity (as math), the verdict, and a table of the tiers."""
        from html import escape

        math = self._math()
        rows = "".join(
            f"<tr><td>{t.tier.value}</td><td>{t.result}</td>"
            f"<td>{escape(t.scope_text()) if t.applicable else ''}</td>"
            f"<td>{escape(t.detail)}</td></tr>"
            for t in self._shown_tiers()
        )
        parts = [
            f"<p><b>{self.verdict.value}</b>: {escape(self.statement)}</p>",
            rf"<p>\[{escape(math)}\]</p>" if math else "",
            "<table><tr><th>tier</th><th>result</th><th>scope</th><th>what was checked</th>"
            f"</tr>{rows}</table>",
        ]
        if self.counterexample is not None:
            parts.append(f"<p>counterexample: {escape(str(self.counterexample))}</p>")
        return f'<div class="symconv-proof">{"".join(parts)}</div>'


def _latex_text(text: str) -> str:
    r"""Plain text made safe inside ``\text{…}``: specials escaped, ``\ ^ ~`` as spaces."""
    for char in "\\{}$&#^_%~":
        text = text.replace(char, "\\" + char if char not in "\\^~" else " ")
    return text


# -- the sides at concrete sizes ------------------------------------------------


def _check_node(node: sp.Basic, args: list) -> None:
    """Raise :class:`ShapeMismatchError` unless the product, sum or power ``node`` of
    ``args`` fits, with sizes shown equal for every value of the size symbols."""
    if isinstance(node, MatMul):
        factors = [a for a in args if getattr(a, "is_Matrix", False)]
        for left, right in itertools.pairwise(factors):
            check_composable(left, right)
    elif isinstance(node, MatAdd):
        for left, right in itertools.pairwise(args):
            check_same_shape(left, right)
    elif isinstance(node, MatPow):
        check_composable(args[0], args[0])
        expand_power(MatPow(*args))


def _check_structure(expr: sp.Basic) -> None:
    """:func:`_check_node` on every node of ``expr``."""
    for arg in expr.args:
        if isinstance(arg, sp.Basic):
            _check_structure(arg)
    _check_node(expr, list(expr.args))


def _rebuild(expr: sp.Basic, assignment: dict) -> sp.Basic:
    """``expr`` at the sizes ``assignment``, every constructor (and its validation) re-run.

    Raises :class:`SymconvError` when the expression does not exist at these sizes: an
    operator refuses its parameters, or a product, sum or power does not fit. (Products
    are checked here, before SymPy's own check, which raises a bare ``ShapeError``.)
    """
    if not getattr(expr, "is_Matrix", False) or not expr.args or isinstance(expr, sp.MatrixBase):
        return expr.xreplace(assignment)  # a scalar, a size, a kernel, an explicit matrix
    args = [_rebuild(a, assignment) if isinstance(a, sp.Basic) else a for a in expr.args]
    _check_node(expr, args)
    rebuilt = MatMul(*expand_power(MatPow(*args))) if isinstance(expr, MatPow) else expr.func(*args)
    for size in getattr(rebuilt, "shape", ()):
        if sp.sympify(size).is_Integer and size < 1:
            raise ParameterError("size", size, "at least 1")
    return rebuilt


def _side(expr: sp.Basic, assignment: dict, name: str) -> sp.Basic | Undefined:
    try:
        return _rebuild(expr, assignment)
    except SymconvError as error:
        return Undefined(name, str(error))


def _instance(lhs: sp.Basic, rhs: sp.Basic, assignment: dict) -> Instance:
    sizes = {str(k): v for k, v in assignment.items()}
    return Instance(sizes, _side(lhs, assignment, "left"), _side(rhs, assignment, "right"))


def _start(symbol: sp.Symbol) -> int:
    return 0 if symbol.is_nonnegative and not symbol.is_positive else 1


def _grid(symbols: list[sp.Symbol], bound: int, limit: int) -> Iterator[dict]:
    """Assignments of the size symbols up to ``bound``, smallest total first, at most ``limit``."""
    # All combinations are sorted before the first ``limit`` are taken: bound their count.
    count = math.prod(bound + 1 - _start(s) for s in symbols)
    limits.require("instances", count, f"{len(symbols)} size symbols up to {bound}")
    combos = itertools.product(*(range(_start(s), bound + 1) for s in symbols))
    for values in sorted(combos, key=lambda v: (sum(v), v))[:limit]:
        yield dict(zip(symbols, values))


def _beyond(symbols: list[sp.Symbol], bound: int, top: int, limit: int) -> Iterator[dict]:
    """Assignments up to ``top`` with some value above ``bound``, smallest total first."""
    starts = [_start(s) for s in symbols]
    count = 0
    for total in range(sum(starts), top * len(symbols) + 1):
        for values in _compositions(total, starts, top):
            if max(values) > bound:
                yield dict(zip(symbols, values))
                count += 1
                if count >= limit:
                    return


def _compositions(total: int, starts: list[int], top: int) -> Iterator[tuple[int, ...]]:
    """Tuples with values in [start, top] summing to ``total``, in lexicographic order."""
    if len(starts) == 1:
        if starts[0] <= total <= top:
            yield (total,)
        return
    rest_min = sum(starts[1:])
    for first in range(starts[0], min(top, total - rest_min) + 1):
        for tail in _compositions(total - first, starts[1:], top):
            yield (first, *tail)


def _critical(symbols: list[sp.Symbol], exprs: tuple[sp.Basic, ...], top: int) -> Iterator[dict]:
    """Sizes above ``top`` where a size such as ``c − n``, ``c − 2n`` or ``⌈n/c⌉`` changes
    behaviour: c/d, c/d + 1, c/d + 2 for every integer constant c of ``exprs`` and every
    small one d (d = 1 included), smallest first; one symbol at a time, the others at
    their smallest values.
    """
    constants = {abs(int(c)) for e in exprs for c in e.atoms(sp.Integer)}
    divisors = {1} | {d for d in constants if 1 < d <= 16}
    values = sorted(
        {c // d + o for c in constants for d in divisors for o in (0, 1, 2)} - set(range(top + 1))
    )
    for value in values[:256]:
        for symbol in symbols:
            yield {s: value if s is symbol else _start(s) for s in symbols}


def _shape_scan(lhs: sp.Basic, rhs: sp.Basic, assignments: Iterator[dict]) -> Counterexample | None:
    """The first assignment where exactly one side exists or the shapes differ."""
    for assignment in assignments:
        failure = structural_failure(_instance(lhs, rhs, assignment))
        if failure is not None:
            return failure
    return None


# -- what may be claimed for all sizes ----------------------------------------------


def _all_sizes_obstacle(lhs: sp.Basic, rhs: sp.Basic) -> str | None:
    """Why no all-sizes argument may be made, or None: every product of both sides must
    be composable and the two shapes equal, shown for every value of the size symbols.

    Raises :class:`ShapeMismatchError` when a product or sum of a side cannot be shown
    to fit: that side is not a well-formed statement for all sizes.
    """
    for name, side in (("left", lhs), ("right", rhs)):
        try:
            _check_structure(side)
        except ShapeMismatchError as error:
            raise ShapeMismatchError(f"{name} side: {error}") from None
        except SymconvError as error:  # e.g. a power with a symbolic exponent
            return f"{name} side: {error}"
    for axis, a, b in zip(("rows", "columns"), lhs.shape, rhs.shape):
        if sizes_equal(a, b) is not True:
            return f"shapes not shown equal for all sizes: {axis} {a} vs {b}"
    return None


def prove(
    lhs: MatrixExpr,
    rhs: MatrixExpr,
    *,
    bound: int = 12,
    limit: int = 400,
    trials: int = 3,
    seed: int = 0,
    statement: str | None = None,
    scan_bound: int = 64,
    scan_limit: int = 2000,
) -> Proof:
    """Prove or refute ``lhs == rhs`` for symconv expressions.

    Parameters
    ----------
    lhs, rhs : matrix expressions
        Built from symconv operators (sizes may be integer SymPy symbols,
        kernel taps may be symbols). Build products with ``MatMul(A, B)`` and
        transposes with ``Transpose(A)`` to keep them as written, so the rewrite
        tier shows the rules it used; ``@`` and ``.T`` evaluate at once.
    bound : int
        Each size symbol takes the values up to ``bound`` in the exhaustive and
        numeric tiers (from 1, or from 0 for a symbol declared nonnegative).
    limit : int
        At most this many size assignments, smallest first.
    trials, seed : int
        Random inputs per instance, and the random seed, of the numeric tier.
    statement : str, optional
        How to print the statement; default ``"lhs = rhs"``.
    scan_bound, scan_limit : int
        Beyond ``bound``, sizes up to ``scan_bound`` (at most ``scan_limit``
        assignments), and each size near every integer constant c of the statement
        (c/d, c/d + 1, c/d + 2 for d = 1 and each small constant d), are scanned for a
        side that does not exist or shapes that differ, without comparing entries
        (cheap: no matrix is built).

    Returns
    -------
    Proof
        The verdict, the tiers with what each checked, and the smallest
        counterexample when refuted.

    Raises
    ------
    ShapeMismatchError
        When a product or sum of a side cannot be shown to fit for all sizes and no
        size was found where only one side exists.
    """
    for name, value in (("bound", bound), ("limit", limit), ("trials", trials)):
        _validate.size(name, value)  # a bound of -1 or a limit of 0 would check nothing
    for name, side in (("lhs", lhs), ("rhs", rhs)):
        if not getattr(side, "is_Matrix", False):
            raise ParameterError(name, side, "a matrix expression built from symconv operators")
        families = [a for a in sp.preorder_traversal(side) if isinstance(a, SYMBOLIC_KERNELS)]
        if families:
            raise ParameterError(
                name,
                side,
                "kernels of concrete length (e.g. symconv.kernel('q', 3)); a kernel of symbolic "
                f"length such as {families[0]} is proven through the catalogue's entries",
            )
    for name, value in (("bound", bound), ("limit", limit), ("trials", trials)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ParameterError(name, value, "an integer >= 1")
    statement = statement or f"{lhs} = {rhs}"
    symbols = size_symbols(lhs, rhs)
    bounds = (
        ", ".join(f"{s} ≤ {bound}" for s in symbols)
        + (f", first {limit} assignments" if len(symbols) > 1 else "")
        if symbols
        else "the given sizes"
    )
    if symbols:
        names, top = ", ".join(map(str, symbols)), max(scan_bound, bound)
        beyond = math.prod(top + 1 - _start(s) for s in symbols) - math.prod(
            bound + 1 - _start(s) for s in symbols
        )
        scanned = (
            f"{names} ≤ {top}"
            if beyond <= scan_limit
            # Say exactly what the capped scan covered: it stops after scan_limit of them.
            else f"the first {scan_limit} of the {beyond} assignments with {names} ≤ {top} "
            f"beyond the bound (smallest total first)"
        )
        bounds += (
            f"; shapes and existence of both sides for {scanned}"
            " and near the constants of the statement"
        )
    instances = [_instance(lhs, rhs, a) for a in _grid(symbols, bound, limit)]
    exhaustive, counterexample = exhaustive_tier(instances, bounds)
    if counterexample is None and symbols:
        counterexample = _shape_scan(
            lhs,
            rhs,
            itertools.chain(
                _beyond(symbols, bound, max(scan_bound, bound), scan_limit),
                _critical(symbols, (lhs, rhs), max(scan_bound, bound)),
            ),
        )
        if counterexample is not None:
            where = ", ".join(f"{k}={v}" for k, v in counterexample.sizes.items())
            exhaustive = TierResult(
                Tier.EXHAUSTIVE, False, f"fails at {where}: {counterexample.difference}"
            )
            # (a failed exhaustive tier without a counterexample was undecided: the scan's
            # counterexample, exact and beyond the bound, supersedes it)
    if counterexample is not None:
        return Proof(statement, lhs, rhs, Verdict.REFUTED, (exhaustive,), counterexample)
    try:
        obstacle = _all_sizes_obstacle(lhs, rhs)
    except ShapeMismatchError as error:
        raise ShapeMismatchError(
            f"{error}; and no size up to the bounds ({bounds}) where only one side exists"
        ) from None
    if obstacle is None:
        tiers = [rewrite_tier(lhs, rhs), symbolic_tier(lhs, rhs)]
    else:
        tiers = [
            TierResult(t, False, f"not applicable: {obstacle}", applicable=False)
            for t in (Tier.REWRITE, Tier.SYMBOLIC)
        ]
    tiers.append(exhaustive)
    defined = [i for i in instances if i.defined]
    numeric_instances = [i for i in defined if all(v <= min(bound, 8) for v in i.sizes.values())]
    tiers.append(numeric_tier(numeric_instances[:60], trials, seed))
    return Proof(statement, lhs, rhs, verdict_of(tiers), tuple(tiers))
