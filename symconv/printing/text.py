"""Derivations as plain text: the steps, the tiers with their scope, the verdict.

What ``symconv prove`` prints, and what the scripts in ``derivations/`` print.
The LaTeX of the same derivations is :func:`symconv.printing.latex.derivation.derivation_latex`.

Examples
--------
>>> from symconv.derivation import Tier, TierResult
>>> tier_mark(TierResult(Tier.NUMERIC, True, "", "bounded"))
'N'
"""

from __future__ import annotations

from collections.abc import Sequence

from symconv.derivation import Derivation, Tier, TierResult, Verdict, json_value

__all__ = [
    "LEGEND",
    "format_derivation",
    "tier_mark",
    "tier_marks",
    "verdict_line",
]

_ABBREVIATION = {Tier.REWRITE: "R", Tier.SYMBOLIC: "S", Tier.EXHAUSTIVE: "E", Tier.NUMERIC: "N"}

#: The legend of :func:`tier_marks`, printed under the tables and in ``--help``.
LEGEND = (
    "tiers: R/S rewrite/symbolic argument for all values of every parameter; "
    "r/s passed with a parameter fixed (or only bounded), so not for all sizes; "
    "E exhaustive and N numeric (oracle) passed up to the grid's bounds; "
    "? not shown (an argument did not reach a common form, or a bounded check stopped "
    "undecided: no evidence against the identity); "
    "x an exhaustive or numeric check found a difference; - n/a (not run)"
)

#: The mark of a tier that did not pass, by :attr:`TierResult.result`.
_NOT_PASSED = {"n/a": "-", "not shown": "?", "failed": "x"}


def tier_mark(result: TierResult) -> str:
    """One letter for a tier: ``R`` all values, ``r`` a parameter fixed, ``?``, ``x``, ``-``.

    Examples
    --------
    >>> tier_mark(TierResult(Tier.SYMBOLIC, True, "", "all", {"m": 3}))
    's'
    >>> tier_mark(TierResult(Tier.SYMBOLIC, True, "", "all"))
    'S'
    >>> tier_mark(TierResult(Tier.REWRITE, False, "normal forms differ"))
    '?'
    >>> tier_mark(TierResult(Tier.EXHAUSTIVE, False, "fails at n=1"))
    'x'
    """
    if not result.passed:
        return _NOT_PASSED[result.result]
    letter = _ABBREVIATION[result.tier]
    if result.tier.argues_for_all and not result.proves_all:
        return letter.lower()
    return letter


def tier_marks(derivation: Derivation) -> str:
    """The four tiers in strength order, e.g. ``R S E N`` or ``- s E N`` (see :data:`LEGEND`)."""
    by_tier = {t.tier: t for t in derivation.tiers}
    return " ".join(tier_mark(by_tier[t]) if t in by_tier else "-" for t in Tier)


def _detail(result: TierResult) -> str:
    """The detail without a leading copy of the scope words (they are printed beside it)."""
    scope = result.scope_text()
    detail = " ".join(result.detail.split())
    return detail[len(scope) + 2 :] if detail.startswith(scope + ": ") else detail


def _why_not_proven(derivation: Derivation) -> str:
    """For a verdict short of proven: which parameters no all-sizes argument covered."""
    arguments = [t for t in derivation.tiers if t.tier.argues_for_all and t.passed]
    if not arguments:
        return "no rewrite or symbolic argument passed"
    best = min(arguments, key=lambda t: (t.scope != "all", len(t.fixed)))
    if best.scope != "all":
        return f"the {best.tier.value} argument is bounded"
    fixed = ", ".join(f"{k} = {json_value(v)}" for k, v in best.fixed.items())
    return f"the {best.tier.value} argument fixes {fixed}"


def verdict_line(derivation: Derivation) -> str:
    """``verdict: proven (R S E N)``, with the reason when it is not proven."""
    verdict = derivation.verdict
    line = f"verdict: {verdict.value} ({tier_marks(derivation)})"
    if verdict is not Verdict.PROVEN:
        line += f" — {_why_not_proven(derivation)}"
    return line


def format_derivation(derivation: Derivation, source: str = "", notes: Sequence[str] = ()) -> str:
    """The derivation as plain text: statement, numbered steps with rules, tiers with scope.

    ``notes`` (an entry's notes, e.g. why it is only verified) follow the verdict.
    """
    lines = [derivation.name, "=" * len(derivation.name), derivation.statement]
    if source:
        lines.append(f"source: {source}")
    lines += ["", "steps:"]
    for number, step in enumerate(derivation.steps):
        rule = f"   [{step.rule.name}: {step.rule.statement}]" if step.rule else ""
        expr = str(step.expr).replace("\n", " ")
        lines.append(f"  {number}. {expr}{rule}")
        if step.note:
            lines.append(f"     {step.note}")
    lines += ["", "tiers:"]
    for t in derivation.tiers:
        lines.append(f"  {t.tier.value:<10} {t.result:<9}  scope: {t.scope_text()}")  # "not shown"
        lines.append(f"      {_detail(t)}")
    lines += ["", verdict_line(derivation)]
    lines += [f"note: {note}" for note in notes]
    return "\n".join(lines) + "\n"
