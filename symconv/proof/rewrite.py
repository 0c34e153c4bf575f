"""The rewriter: apply named rules at single positions, check steps, normalise.

:func:`candidates` lists every expression one application of a rule can
produce; :func:`justifies` checks that a derivation step is exactly one
application of its rule (in either direction); :func:`normalize` applies the
orienting rules until none applies and records the steps. Products are kept
flat and unevaluated throughout (SymPy's ``@`` would evaluate eagerly and
erase the steps).

Examples
--------
>>> from sympy import MatMul, Transpose
>>> from symconv import Conv, Downsample
>>> expr = Transpose(MatMul(Downsample(6, 2), Transpose(Conv((1, 2, 3), 6, "same"))))
>>> normal, steps = normalize(expr)
>>> normal
Conv((1, 2, 3), 6, 'same')*Upsample(3, 2, 6)
>>> [s.rule.name for s in steps]
['transpose-product', 'double-transpose', 'down-transpose']
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatAdd, MatMul, MatPow, Transpose

from symconv.derivation import Step
from symconv.proof.rules import RULES, RewriteRule, expand_power, mul

__all__ = ["NORMALIZING", "candidates", "canonical", "justifies", "normalize"]

#: The rules :func:`normalize` applies, in priority order: they push
#: transposes down to closed forms and cancel ↓ₖ↑ₖ and JJ. (The structural rules such as
#: corr-stride or corr-as-conv are used in derivations, in both directions.)
NORMALIZING = (
    "double-transpose",
    "transpose-product",
    "transpose-sum",
    "down-transpose",
    "up-transpose",
    "pad-transpose",
    "crop-transpose",
    "flip-transpose",
    "conv-transpose",
    "corr-transpose",
    "conv-transpose-transpose",
    "border-pad-transpose",
    "border-fold-transpose",
    "down-up",
    "flip-involution",
    "identity",
)


def canonical(expr: sp.Basic) -> sp.Basic:
    """Flatten nested products everywhere (the form rules are matched against).

    A power ``Aᵉ`` with a literal exponent e >= 0 is the product of e copies of A (SymPy
    writes ``A @ A`` as ``MatPow(A, 2)``); by definition, so no rule is recorded for it.

    Examples
    --------
    >>> from symconv import Flip
    >>> canonical(Flip(3) @ Flip(3))
    Flip(3)*Flip(3)
    """
    if isinstance(expr, MatPow):
        return mul(*expand_power(expr))
    if isinstance(expr, MatMul):
        return mul(*(canonical(a) for a in expr.args))
    if isinstance(expr, MatAdd):
        return MatAdd(*(canonical(a) for a in expr.args))
    if isinstance(expr, Transpose):
        return Transpose(canonical(expr.arg))
    return expr


def _positions(expr: sp.Basic, rule: RewriteRule) -> list[sp.Basic]:
    out: list[sp.Basic] = []
    if rule.window == 0:
        replaced = rule.apply(expr)
        if replaced is not None:
            out.append(replaced)
    if isinstance(expr, MatMul):
        coeff, factors = expr.as_coeff_matrices()
        head = [coeff] if coeff != 1 else []
        if rule.window:
            for i in range(len(factors) - rule.window + 1):
                replaced = rule.apply(tuple(factors[i : i + rule.window]))
                if replaced is not None:
                    out.append(mul(*head, *factors[:i], replaced, *factors[i + rule.window :]))
        for i, f in enumerate(factors):
            for r in _positions(f, rule):
                out.append(mul(*head, *factors[:i], r, *factors[i + 1 :]))
    elif isinstance(expr, MatAdd):
        for i, a in enumerate(expr.args):
            for r in _positions(a, rule):
                out.append(MatAdd(*expr.args[:i], r, *expr.args[i + 1 :]))
    elif isinstance(expr, Transpose):
        out.extend(Transpose(r) for r in _positions(expr.arg, rule))
    return out


def candidates(expr: sp.Basic, rule: RewriteRule) -> list[sp.Basic]:
    """Every result of applying ``rule`` at exactly one position of ``expr``."""
    return [canonical(r) for r in _positions(canonical(expr), rule)]


def justifies(rule_name: str, before: sp.Basic, after: sp.Basic) -> bool:
    """True when ``after`` is one application of the rule to ``before``, or vice versa."""
    rule = RULES[rule_name]
    a, b = canonical(before), canonical(after)
    return b in candidates(a, rule) or a in candidates(b, rule)


def normalize(expr: sp.Basic, rules: tuple[str, ...] = NORMALIZING, limit: int = 200):
    """Apply ``rules`` (first applicable, outermost first) until none applies.

    Returns
    -------
    (normal form, list of Step)
    """
    current = canonical(expr)
    steps: list[Step] = []
    for _ in range(limit):
        for name in rules:
            found = candidates(current, RULES[name])
            if found:
                current = found[0]
                steps.append(Step(current, RULES[name].rule))
                break
        else:
            return current, steps
    return current, steps
