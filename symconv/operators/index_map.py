r"""The index map: the one statement of what an operator computes.

Every symconv operator A says what row ``i`` of ``A x`` is, as a finite sum of terms

.. math:: (A x)_i = \sum_{\text{terms}} c(i) \, [\text{guards}(i)] \; x_{\text{col}(i)},

where ``i`` and ``col(i)`` are multi-indices (one entry per axis: a 1-D operator has one
axis, an N-D layer has a channel axis and one per spatial axis, flattened row-major), ``c``
is a coefficient and each guard is a condition on the indices:

- ``("div", k, e)``: k divides e (the zero insertion of ↑ₖ, the stride of a transposed conv);
- ``("range", e, lo, hi)``: lo <= e < hi (the borders of a signal).

A term may also carry *bound indices*: :class:`sympy.Dummy` symbols with a range guard of their
own, ``("range", u, lo, hi)``, that the term is summed over (the taps of a kernel of symbolic
length, the phases of a polyphase sum). The index map is what the exact matrices, the numeric
functions, the reference oracle, the symbolic proof tier and the default printed form are
derived from; this module holds the pieces they share: the guards, substitution of one map
into another (a product), and evaluation at concrete indices.

Examples
--------
>>> import sympy as sp
>>> from symconv import Upsample
>>> i = sp.Symbol("i", integer=True)
>>> Upsample(3, 2).index_map((i,))
[(1, (i/2,), {('div', 2, i)})]
>>> evaluate(Upsample(3, 2), (4,)), evaluate(Upsample(3, 2), (3,))
([(1, (2,))], [])
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import sympy as sp

__all__ = [
    "Guard",
    "Term",
    "divides",
    "evaluate",
    "flat_index",
    "guard_holds",
    "indicator",
    "multi_index",
    "product",
    "substitute",
    "within",
]

#: ``("div", k, e)`` or ``("range", e, lo, hi)``.
Guard = tuple
#: ``(coefficient, column multi-index, guards)``.
Term = tuple[sp.Expr, tuple[sp.Expr, ...], set]


def divides(k: object, e: object) -> Guard:
    """The guard "k divides e"."""
    return ("div", k, e)


def within(e: object, lo: object, hi: object) -> Guard:
    """The guard "lo <= e < hi"."""
    return ("range", e, lo, hi)


def guard_holds(guard: Guard, env: dict | None = None) -> bool:
    """Whether a guard holds once ``env`` is substituted (every value concrete).

    Examples
    --------
    >>> guard_holds(divides(2, 6)), guard_holds(within(3, 0, 3))
    (True, False)
    """
    values = [sp.sympify(x).xreplace(env or {}) for x in guard[1:]]
    if guard[0] == "div":
        return bool(sp.Mod(values[1], values[0]) == 0)
    return bool(values[1] <= values[0]) and bool(values[0] < values[2])


def indicator(guard: Guard) -> sp.Expr:
    """The guard as a 0/1 SymPy expression (for entries ``A[i, j]`` with symbolic indices).

    Divisibility is a Kronecker delta of a remainder, so SymPy's sums keep it (a bare
    ``δ(j, i/k)`` loses it when summed over i).
    """
    if guard[0] == "div":
        return sp.KroneckerDelta(sp.Mod(guard[2], guard[1]), 0)
    e, lo, hi = guard[1:]
    return sp.Piecewise((1, sp.And(sp.Le(lo, e), sp.Lt(e, hi))), (0, True))


def substitute(terms: Iterable[Term], row_map: object) -> list[Term]:
    """The terms of a product ``A B``: each column of A's terms replaced by B's row there.

    ``row_map(index)`` returns B's terms at a row multi-index (B's own ``index_map``).
    """
    out = []
    for c, col, g in terms:
        for c2, col2, g2 in row_map(col):
            out.append((c * c2, tuple(col2), set(g) | set(g2)))
    return out


def multi_index(flat: object, dims: Sequence[object]) -> tuple[sp.Expr, ...]:
    """The row-major multi-index of a flat index (symbolic or concrete).

    Examples
    --------
    >>> multi_index(7, (2, 3, 2))
    (1, 0, 1)
    """
    out = []
    rest = sp.sympify(flat)
    for size in reversed(dims):
        out.append(sp.Mod(rest, size))
        rest = sp.floor(rest / size)
    return tuple(reversed(out))


def flat_index(index: Sequence[object], dims: Sequence[object]) -> sp.Expr:
    """The row-major flat index of a multi-index.

    Examples
    --------
    >>> flat_index((1, 0, 1), (2, 3, 2))
    7
    """
    flat = sp.Integer(0)
    for value, size in zip(index, dims):
        flat = flat * size + value
    return flat


def _bound(term: Term) -> list[sp.Dummy]:
    c, col, guards = term
    parts = [c, *col, *(x for g in guards for x in g[1:])]
    return sorted(set().union(*(sp.sympify(p).atoms(sp.Dummy) for p in parts)), key=str)


def _bound_ranges(term: Term, env: dict | None = None) -> Iterator[dict]:
    """Every assignment of the term's bound indices inside their own range guards.

    A bound index's limits may involve another bound index (the taps of one polyphase
    component depend on its phase): indices are assigned in an order where the limits
    of the next one are already concrete.
    """
    env = dict(env or {})
    free = [u for u in _bound(term) if u not in env]
    if not free:
        yield env
        return
    for u in free:
        limits = [g for g in term[2] if g[0] == "range" and g[1] == u]
        values = [sp.sympify(x).xreplace(env) for g in limits for x in g[2:]]
        if limits and all(v.is_Integer for v in values):
            break
    else:
        raise ValueError(f"the bound indices {free} have no concrete range guards of their own")
    lo = max(int(sp.sympify(g[2]).xreplace(env)) for g in limits)
    hi = min(int(sp.sympify(g[3]).xreplace(env)) for g in limits)
    for value in range(lo, hi):
        yield from _bound_ranges(term, {**env, u: sp.Integer(value)})


def product(factors: Sequence[object], index: tuple) -> list[Term]:
    """Row ``index`` of the product of operators ``factors`` (left to right)."""
    terms: list[Term] = [(sp.Integer(1), tuple(index), set())]
    for factor in factors:
        terms = substitute(terms, factor.index_map)
    return terms


def evaluate(op: object, index: Sequence[int]) -> list[tuple[sp.Expr, tuple[int, ...]]]:
    """Row ``index`` of ``op`` at concrete sizes: ``[(coefficient, column multi-index)]``.

    Bound indices are summed over their ranges; terms whose guards fail are left out.
    The coefficients may be symbols (the taps of a symbolic kernel).
    """
    row = tuple(sp.Integer(v) for v in index)
    out = []
    for term in op.index_map(row):
        for env in _bound_ranges(term):
            c, col, guards = term
            if all(guard_holds(g, env) for g in guards):
                value = sp.sympify(c).xreplace(env)
                if value != 0:
                    out.append((value, tuple(int(sp.sympify(x).xreplace(env)) for x in col)))
    return out
