r"""Derivations as ``align``/``aligned`` blocks: one step per line, each with its rule.

A :class:`symconv.derivation.Derivation` prints as

.. code-block:: latex

    \begin{align}
    \mathbf{q} \ast \left(\uparrow_{2} \mathbf{x}\right)
      &= \dots && \text{by } \uparrow_{k} = \downarrow_{k}^{\mathsf{T}} \notag \\
      &= \dots && \text{by } \dots \label{eq:name}
    \end{align}

numbered once (on the last line, where the ``\label`` goes), unnumbered
(``align*``), or as a bare ``aligned`` block to put inside ``\[ … \]`` or a
MathJax display.

A rule's ``latex`` is a math fragment written in the *default* notation; its
symbols (``\uparrow_k``, ``\downarrow_k``, ``\mathsf{T}``, ``\ast`` or ``*``,
``\star``, ``\mathbf{q}``) are rewritten into the chosen notation, so a derivation's
justifications switch notation together with its expressions. A rule without
LaTeX is justified by its name.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.core.relational import Relational
from sympy.matrices.expressions import MatAdd

from symconv.derivation import Derivation, Rule, Step
from symconv.errors import ParameterError
from symconv.printing.latex.layout import estimate_width
from symconv.printing.latex.notation import Notation, check_fragment, check_label
from symconv.printing.latex.printer import SymconvLatexPrinter
from symconv.printing.latex.unicode import escape_text, text_math, text_paragraph

__all__ = ["ENVIRONMENTS", "derivation_latex", "rule_latex", "translate_fragment"]

#: The block environments :func:`derivation_latex` writes.
ENVIRONMENTS = ("align", "aligned")

_ARGUMENT = r"(\{[^{}]*\}|[A-Za-z0-9])"
_DEFAULT_SYMBOLS = [
    (re.compile(r"\\uparrow\s*_\s*" + _ARGUMENT), "upsample"),
    (re.compile(r"\\downarrow\s*_\s*" + _ARGUMENT), "downsample"),
    (re.compile(r"\\mathbf\s*" + _ARGUMENT), "vect"),
    (re.compile(r"\\mathsf\s*\{T\}"), "transp"),
    (re.compile(r"\\ast(?![A-Za-z])"), "conv"),
    (re.compile(r"(?<!\\)\*"), "conv"),
    (re.compile(r"\\star(?![A-Za-z])"), "corr"),
]
_ANY_DEFAULT_SYMBOL = re.compile(
    "|".join(f"(?P<g{i}>{regex.pattern})" for i, (regex, _) in enumerate(_DEFAULT_SYMBOLS))
)


def translate_fragment(fragment: str, notation: Notation) -> str:
    r"""Rewrite a default-notation math fragment into ``notation``.

    Examples
    --------
    >>> translate_fragment(r"\uparrow_k = \downarrow_k^{\mathsf{T}}", Notation(macros=True))
    '\\upsample{k} = \\downsample{k}^{\\transp}'
    >>> translate_fragment(r"\uparrow_k", Notation(upsample=r"\Uparrow"))
    '\\mathord{\\Uparrow}_{k}'
    """
    check_fragment("rule latex", fragment)

    def replace(match: re.Match) -> str:
        # The outer named group closes last, so lastgroup names the alternative.
        regex, name = _DEFAULT_SYMBOLS[int(match.lastgroup[1:])]
        args = regex.fullmatch(match.group()).groups()
        text = notation.call(name, *(a[1:-1] if a.startswith("{") else a for a in args))
        # A control word directly followed by a letter would merge with it.
        merges = text[-1:].isalpha() and fragment[match.end() : match.end() + 1].isalpha()
        return text + " " if merges else text

    # One pass over the string, so that an inserted symbol is never rewritten again.
    return _ANY_DEFAULT_SYMBOL.sub(replace, fragment)


def rule_latex(rule: Rule, notation: Notation) -> str:
    r"""The justification of a step: ``\text{by } …``.

    Examples
    --------
    >>> rule_latex(Rule("flip", "", ""), Notation())
    '\\text{by flip}'
    """
    if rule.latex:
        return r"\text{by } " + translate_fragment(rule.latex, notation)
    return r"\text{by " + escape_text(rule.name) + "}"


def derivation_latex(
    derivation: Derivation,
    notation: Notation | None = None,
    *,
    environment: str = "align",
    numbered: bool = True,
    label: str | None = None,
    explicit: bool = False,
    notes: bool = False,
) -> str:
    r"""A derivation as an ``align`` (``align*``) or ``aligned`` block.

    Parameters
    ----------
    derivation : Derivation
        The chain to print; every step after the first is one ``&= …`` line.
    notation : Notation, optional
        Symbols and layout; default ``Notation()``.
    environment : {"align", "aligned"}
        ``align`` is a complete display; ``aligned`` goes inside one.
    numbered : bool
        For ``align``: one equation number on the last line (``False``:
        ``align*``). An ``aligned`` block is never numbered itself.
    label : str, optional
        ``\label`` on the numbered line (letters, digits and ``:._-``).
    explicit : bool
        Print operators as explicit matrices (concrete sizes only).
    notes : bool
        Append each step's note to its justification.

    Examples
    --------
    >>> from symconv import Downsample, Upsample
    >>> import sympy as sp
    >>> rule = Rule("down-transpose", "", r"\downarrow_k^{\mathsf{T}} = \uparrow_k")
    >>> steps = (Step(sp.Transpose(Downsample(4, 2))), Step(Upsample(2, 2), rule))
    >>> d = Derivation("demo", "", steps)
    >>> print(derivation_latex(d, Notation(macros=True), numbered=False))
    \begin{align*}
    \downsample{2}^{\transp} &= \upsample{2} && \text{by } \downsample{k}^{\transp} = \upsample{k}
    \end{align*}
    """
    notation = Notation() if notation is None else notation
    if not isinstance(derivation, Derivation) or not derivation.steps:
        raise ParameterError("derivation", derivation, "a Derivation with at least one step")
    if environment not in ENVIRONMENTS:
        raise ParameterError("environment", environment, "one of 'align', 'aligned'")
    if not isinstance(numbered, bool):
        raise ParameterError("numbered", numbered, "True or False")
    numbered = numbered and environment == "align"
    if label is not None:
        check_label(label)
        if not numbered:
            raise ParameterError(
                "label", label, "no label, or a numbered align (a label needs an equation number)"
            )
    printer = SymconvLatexPrinter(notation, explicit=explicit)
    steps: tuple[Step, ...] = derivation.steps
    room = notation.width - (_TAG if numbered else 0.0)
    if all(isinstance(step.expr, Relational) for step in steps):
        lines = _relation_lines(steps, printer, room)
    else:
        lines = _chain_lines(steps, printer, notation, notes, room)
    if environment == "align" and numbered:
        lines = [line + r" \notag" for line in lines[:-1]] + [lines[-1]]
        if label is not None:
            lines[-1] += rf" \label{{{label}}}"
    name = {"aligned": "aligned", "align": "align" if numbered else "align*"}[environment]
    body = " \\\\\n".join(lines)
    return f"\\begin{{{name}}}\n{body}\n\\end{{{name}}}"


#: Room (pt) kept for the equation number of a numbered block.
_TAG = 30.0
#: How much wider than estimated a piece is assumed to be (the estimate's error, see tests).
_SAFETY = 1.2
#: Widths (pt) of the fixed pieces of a line: a relation with its spaces, \quad, \qquad.
_RELATION, _QUAD, _QQUAD = 13.4, 10.0, 20.0


def _width(latex: str) -> float:
    return _SAFETY * estimate_width(latex)


def _fill(pieces: list[str], room: float) -> list[str]:
    """Pieces (a sum's signed terms) packed greedily into lines at most ``room`` wide."""
    lines: list[str] = []
    for piece in pieces:
        if lines and _width(lines[-1] + " " + piece) <= room:
            lines[-1] += " " + piece
        else:
            lines.append(piece)
    return lines


def _layout(
    lhs: str, rights: list[tuple[list[str], str]], room: float, relation: str = "="
) -> list[str]:
    r"""``align`` lines of a chain ``lhs = r_1 = r_2 …`` that fit in ``room`` points.

    Each right side comes as its pieces (one, or a sum's signed terms) and its
    justification. Three layouts, the first that fits:

    1. ``lhs &= r && \text{by …}``, one line per step, justifications in a column;
    2. ``lhs &= r``, a long sum continued on ``&\quad + …`` lines, each
       justification after its step (``\qquad``) or on a line of its own;
    3. the same with ``lhs`` on a line of its own and every step below it
       (``&\quad = r``), for a left side too wide to share a line.
    """
    whole = [" ".join(pieces) for pieces, _ in rights]
    left = _width(lhs)
    widest = max((_width(r) for r in whole), default=0.0)
    reasons = [_width(reason) for _, reason in rights if reason]
    if left + _RELATION + widest + (_QUAD + max(reasons) if reasons else 0.0) <= room:
        lines = []
        for index, (text, (_, reason)) in enumerate(zip(whole, rights)):
            line = (f"{lhs} &{relation} " if index == 0 else f"&{relation} ") + text
            lines.append(line + (f" && {reason}" if reason else ""))
        return lines
    stacked = (
        left + _RELATION + max((_width(p) for pieces, _ in rights for p in pieces), default=0.0)
        > room
    )
    lines = [f"&{lhs}"] if stacked else []
    indent = _QUAD if stacked else left
    more_lead = "&\\quad \\quad " if stacked else "&\\quad "
    reason_lead = "&\\quad \\qquad " if stacked else "&\\qquad "
    for index, (pieces, reason) in enumerate(rights):
        lead = f"&\\quad {relation} " if stacked else f"&{relation} "
        if index == 0 and not stacked:
            lead = f"{lhs} &{relation} "
        filled = _fill(pieces, room - indent - _RELATION - _QUAD)
        lines.append(lead + filled[0])
        lines += [more_lead + more for more in filled[1:]]
        if reason:
            last = _width(filled[-1]) + (_QUAD if len(filled) > 1 else 0.0)
            if indent + _RELATION + last + _QQUAD + _width(reason) <= room:
                lines[-1] += r" \qquad " + reason
            else:
                lines.append(reason_lead + reason)
    return lines


def _relation_lines(
    steps: tuple[Step, ...], printer: SymconvLatexPrinter, room: float
) -> list[str]:
    """A list of separate relations (size formulas), each aligned at its sign.

    These are not a chain: each line holds on its own, under its rule's
    conditions, which stand beside it (or below it, when there is no room)
    as the justification.
    """
    lines = []
    for step in steps:
        lhs, rhs = printer.doprint(step.expr.lhs), printer.doprint(step.expr.rhs)
        sign = printer.doprint(type(step.expr)(sp.Symbol("a"), sp.Symbol("b"))).split(" ")[1]
        reason = ""
        if step.rule is not None and step.rule.statement:
            reason = r"\text{(" + text_paragraph(step.rule.statement) + ")}"
            if _width(reason) > room - _QQUAD:  # a paragraph of its own, broken into lines
                box = int(room - _QQUAD - _QUAD)
                reason = rf"\parbox[t]{{{box}pt}}{{\raggedright {reason[6:-1]}}}"
        lines.append((lhs, sign, rhs, reason))
    left = max(_width(lhs) for lhs, *_ in lines)
    right = max(_width(rhs) for _, _, rhs, _ in lines)
    reasons = max((_width(reason) for *_, reason in lines), default=0.0)
    beside = left + _RELATION + right + _QUAD + reasons <= room
    out = []
    for lhs, sign, rhs, reason in lines:
        out.append(f"{lhs} &{sign} {rhs}" + (f" && {reason}" if beside and reason else ""))
        if reason and not beside:
            out.append(f"&\\qquad {reason}")
    return out


def _chain_lines(
    steps: tuple[Step, ...],
    printer: SymconvLatexPrinter,
    notation: Notation,
    notes: bool,
    room: float,
) -> list[str]:
    """A chain lhs = … = rhs, one step per line with its rule as justification.

    A sum is broken between its terms when it does not fit (see :func:`_layout`). A step
    that prints exactly as the line before it (a definition unfolded into the form the
    notation already shows) is not a line of its own: its justification joins the next
    line's, so no printed line restates the previous one.
    """
    lhs = printer.doprint(steps[0].expr)
    if len(steps) == 1:
        return [lhs]
    rights: list[tuple[list[str], list[str]]] = []
    shown, pending = [lhs], []
    for step in steps[1:]:
        expr = step.expr
        pieces = printer.sum_terms(expr) if isinstance(expr, MatAdd) else [printer.doprint(expr)]
        reasons = pending + ([rule_latex(step.rule, notation)] if step.rule is not None else [])
        if notes and step.note:
            reasons.append(text_math(f"({step.note})"))
        if pieces == shown:
            pending = reasons
            continue
        rights.append((pieces, reasons))
        shown, pending = pieces, []
    if pending:  # the last steps printed as the line before: they justify it too
        if rights:
            rights[-1] = (rights[-1][0], rights[-1][1] + pending)
        else:  # nothing changes in print: the one line says why the sides are equal
            rights = [(shown, pending)]
    return _layout(lhs, [(p, r" \quad ".join(r)) for p, r in rights], room)
