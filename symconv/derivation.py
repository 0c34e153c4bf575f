"""The data model of a derivation: named rules, steps, and the tiers a proof passed.

A derivation is a chain of expressions from an identity's left side to its
right side; each step after the first names the rule that justifies it. The
proof engine builds and checks these; the LaTeX printer and the documentation
render them. Nothing here checks anything: this module is only the shape of
the data, shared by all of them.

Examples
--------
>>> from symconv import Downsample, Upsample
>>> rule = Rule("down-transpose", "(↓ₖ on ℝᴺ)ᵀ = ↑ₖ to length N",
...             r"\\downarrow_k^{\\mathsf{T}} = \\uparrow_k")
>>> steps = (Step(Downsample(4, 2).T), Step(Upsample(2, 2), rule))
>>> d = Derivation("up-down-transpose", "↑ₖ = ↓ₖᵀ", steps)
>>> [s.rule.name for s in d.steps if s.rule]
['down-transpose']
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import sympy as sp

__all__ = [
    "Derivation",
    "Rule",
    "Step",
    "Tier",
    "TierResult",
    "Verdict",
    "json_value",
    "verdict_of",
]


class Tier(enum.Enum):
    """How strongly a statement was established, strongest first."""

    #: Both sides reduce to one form by named rules: holds for all sizes.
    REWRITE = "rewrite"
    #: Entrywise, symbolic sizes and indices, divisibility kept explicit.
    SYMBOLIC = "symbolic"
    #: Exact equality of explicit matrices for every size up to stated bounds.
    EXHAUSTIVE = "exhaustive"
    #: Random inputs against the independent NumPy oracle.
    NUMERIC = "numeric"

    @property
    def argues_for_all(self) -> bool:
        """A rewrite or symbolic argument, for all sizes when it passes.

        When such a tier does not pass it has shown nothing either way (the rules or
        SymPy did not reach a common form); only a bounded tier finds counterexamples.

        Examples
        --------
        >>> [t.value for t in Tier if t.argues_for_all]
        ['rewrite', 'symbolic']
        """
        return self in (Tier.REWRITE, Tier.SYMBOLIC)


@dataclass(frozen=True)
class Rule:
    """A named rewrite rule.

    Attributes
    ----------
    name : str
        Short identifier, e.g. ``"down-transpose"``.
    statement : str
        The rule in plain Unicode, e.g. ``"(↓ₖ on ℝᴺ)ᵀ = ↑ₖ to length N"``.
    latex : str
        A short LaTeX justification for a derivation line, without ``$``.
    """

    name: str
    statement: str
    latex: str


@dataclass(frozen=True)
class Step:
    """One line of a derivation: an expression and the rule that reached it.

    The first step of a derivation has ``rule=None``.
    """

    expr: sp.Basic
    rule: Rule | None = None
    note: str = ""


class Verdict(str, enum.Enum):
    """What a proof established, never more than was shown.

    - ``PROVEN``: a rewrite or symbolic argument valid for every value of every free
      parameter satisfying the stated conditions, shapes proven equal.
    - ``VERIFIED``: exact and numeric agreement at every instance up to the stated
      bounds, with no all-sizes argument.
    - ``REFUTED``: a concrete counterexample (smallest sizes, first differing entry, or
      a side that is undefined / shapes that differ).
    - ``UNKNOWN``: none of the above could be decided.
    """

    PROVEN = "proven"
    VERIFIED = "verified"
    REFUTED = "refuted"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class TierResult:
    """The outcome of one tier of a proof, with what exactly was checked, and its scope.

    Attributes
    ----------
    tier : Tier
    passed : bool
        The tier ran and established its claim.
    detail : str
        What exactly was checked (or why the tier failed or did not apply).
    scope : str
        ``"all"``: the claim holds for every value of every parameter not in ``fixed``
        (a rewrite or symbolic argument); ``"bounded"``: only at the instances checked.
    fixed : mapping of str to value
        Statement parameters held at one value for this tier (empty when every
        parameter was free or ranged over the stated bounds).
    applicable : bool
        False when the tier was not run at all (no rule chain, no index map, …): its
        ``result`` is then ``"n/a"``, neither a pass nor a failure.
    free : tuple of str
        Statement parameters that were symbolic (free) in this tier, when known; only
        used to say the scope in words (:meth:`scope_text`).
    decided : bool
        False when a bounded tier stopped without finding a difference (an entry that
        could be shown neither equal nor different, or no valid instance): it did not
        pass, but it is no evidence against the identity either.
    """

    tier: Tier
    passed: bool
    detail: str
    scope: str = "bounded"
    fixed: Mapping[str, object] = field(default_factory=dict)
    applicable: bool = True
    free: tuple[str, ...] = ()
    decided: bool = True

    def __post_init__(self) -> None:
        if self.scope not in ("all", "bounded"):
            raise ValueError(f"scope must be 'all' or 'bounded', not {self.scope!r}")
        if self.passed and not self.applicable:
            raise ValueError("a tier that was not applicable cannot have passed")

    @property
    def result(self) -> str:
        """``"passed"``, ``"not shown"``, ``"failed"`` or ``"n/a"`` (not run).

        A rewrite or symbolic tier that ran without passing is ``"not shown"``: its rules
        or SymPy did not reach a common form, which is no evidence against the identity;
        so is a bounded tier that stopped undecided. ``"failed"`` is a bounded tier that
        found a difference at concrete sizes (the detail says where).

        Examples
        --------
        >>> TierResult(Tier.REWRITE, False, "normal forms differ").result
        'not shown'
        >>> TierResult(Tier.EXHAUSTIVE, False, "fails at n=1").result
        'failed'
        >>> TierResult(Tier.EXHAUSTIVE, False, "undecided at n=1", decided=False).result
        'not shown'
        """
        if not self.applicable:
            return "n/a"
        if self.passed:
            return "passed"
        return "not shown" if self.tier.argues_for_all or not self.decided else "failed"

    @property
    def proves_all(self) -> bool:
        """Passed with scope "all" and nothing fixed: valid for every parameter value."""
        return self.passed and self.scope == "all" and not self.fixed

    def scope_text(self) -> str:
        """The scope in words, from ``scope``, ``free`` and ``fixed`` alone.

        Examples
        --------
        >>> TierResult(Tier.SYMBOLIC, True, "", "all", {"m": 3, "s": 2}, free=("n",)).scope_text()
        'for all n, at m = 3, s = 2'
        >>> TierResult(Tier.REWRITE, True, "", "all", free=("n", "k")).scope_text()
        'for all n, k'
        >>> TierResult(Tier.SYMBOLIC, True, "", "all", {"n": 4, "k": 2}).scope_text()
        'only at n = 4, k = 2'
        >>> TierResult(Tier.EXHAUSTIVE, True, "exact at 5 instances").scope_text()
        'bounded'
        """
        if not self.applicable:
            return "n/a"
        at = ", ".join(f"{name} = {_shown(value)}" for name, value in self.fixed.items())
        if self.scope == "bounded":
            return f"bounded, at {at}" if at else "bounded"
        if self.free:
            everything = "for all " + ", ".join(self.free)
            return f"{everything}, at {at}" if at else everything
        return f"only at {at}" if at else "for all values"

    def as_dict(self) -> dict:
        """The JSON form: ``{"result", "scope", "fixed", "detail"}``."""
        return {
            "result": self.result,
            "scope": self.scope,
            "fixed": {str(k): json_value(v) for k, v in self.fixed.items()},
            "detail": self.detail,
        }


def json_value(value: object) -> object:
    """A JSON-friendly copy of a parameter value (ints, strings, lists).

    Examples
    --------
    >>> json_value((2, 3)), json_value("same")
    ([2, 3], 'same')
    """
    if isinstance(value, (tuple, list)):
        return [json_value(v) for v in value]
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, sp.Integer):
        return int(value)
    return str(value)


def _shown(value: object) -> str:
    """A parameter value as printed in a scope: ``3``, ``(2, 2)``, ``same``."""
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_shown(v) for v in value) + ")"
    return str(value)


def verdict_of(tiers: Iterable[TierResult], refuted: bool = False) -> Verdict:
    """The verdict that ``tiers`` support.

    Refuted when ``refuted`` (a confirmed counterexample); proven when a rewrite or
    symbolic tier passed with scope "all" and nothing fixed; verified when the
    exhaustive and numeric tiers both passed; unknown otherwise.

    Examples
    --------
    >>> bounded = TierResult(Tier.EXHAUSTIVE, True, "exact at 5 instances")
    >>> numeric = TierResult(Tier.NUMERIC, True, "agrees at 5 instances")
    >>> verdict_of([bounded, numeric]).value
    'verified'
    >>> at_one_point = TierResult(Tier.SYMBOLIC, True, "for all n", "all", {"k": 2})
    >>> verdict_of([at_one_point, bounded, numeric]).value
    'verified'
    >>> verdict_of([TierResult(Tier.SYMBOLIC, True, "for all n, k", "all")]).value
    'proven'
    """
    tiers = list(tiers)
    if refuted:
        return Verdict.REFUTED
    if any(t.tier.argues_for_all and t.proves_all for t in tiers):
        return Verdict.PROVEN
    passed = {t.tier for t in tiers if t.passed}
    if {Tier.EXHAUSTIVE, Tier.NUMERIC} <= passed:
        return Verdict.VERIFIED
    return Verdict.UNKNOWN


@dataclass(frozen=True)
class Derivation:
    """A checked chain of steps from an identity's left side to its right side.

    Attributes
    ----------
    name : str
        The catalogue name (``"up-down-transpose"``) or a user's label.
    statement : str
        The identity in plain Unicode.
    steps : tuple of Step
        From the left side to the right side.
    tiers : tuple of TierResult
        What the proof established, in the order the tiers were run.
    refuted : bool
        A concrete counterexample was found (a failed exhaustive or numeric check).
    """

    name: str
    statement: str
    steps: tuple[Step, ...]
    tiers: tuple[TierResult, ...] = field(default=())
    refuted: bool = False

    @property
    def verdict(self) -> Verdict:
        """What the tiers support: :func:`verdict_of` of ``tiers`` and ``refuted``."""
        return verdict_of(self.tiers, self.refuted)

    @property
    def lhs(self) -> sp.Basic:
        """The first expression of the chain."""
        return self.steps[0].expr

    @property
    def rhs(self) -> sp.Basic:
        """The last expression of the chain."""
        return self.steps[-1].expr

    def _repr_latex_(self) -> str:
        # Printing lives in symconv.printing.latex; imported here to avoid an import cycle.
        from symconv.printing.latex import repr_latex

        return repr_latex(self)
