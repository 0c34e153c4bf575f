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
from dataclasses import dataclass, field

import sympy as sp

__all__ = ["Derivation", "Rule", "Step", "Tier", "TierResult"]


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


@dataclass(frozen=True)
class TierResult:
    """The outcome of one tier of a proof, with what exactly was checked."""

    tier: Tier
    passed: bool
    detail: str


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
    """

    name: str
    statement: str
    steps: tuple[Step, ...]
    tiers: tuple[TierResult, ...] = field(default=())

    @property
    def lhs(self) -> sp.Basic:
        """The first expression of the chain."""
        return self.steps[0].expr

    @property
    def rhs(self) -> sp.Basic:
        """The last expression of the chain."""
        return self.steps[-1].expr

    def _repr_latex_(self) -> str:
        # Printing lives in symconv.latex; imported here to avoid an import cycle.
        from symconv.latex import repr_latex

        return repr_latex(self)
