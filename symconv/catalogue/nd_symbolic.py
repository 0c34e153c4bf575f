"""The symbolic tier for N-D layers: entrywise, one symbolic index per spatial axis.

The 1-D symbolic tier (:mod:`symconv.proof.symbolic`) writes row i of an
operator as a sum of index maps Σ c · [guards(i)] · e_{col(i)}ᵀ. An N-D
operator on channel-major, row-major images has a row *multi-index*
(channel, i₁, …, i_N); every operator here is again a sum of index maps,
with one column expression and guards per axis:

- :class:`~symconv.operators.channels.CorrNd`: tap t of the weight sends
  row (o, i) to column (c, i·s + t·d − lo) with the range guard of each axis,
  for every input channel c of o's group (directly from the definition);
- :class:`~symconv.operators.channels.ConvTransposeNd`: the transpose, column
  ((i + lo − t·d)/s) with the divisibility and range guards of each axis;
- a Kronecker product A₁ ⊗ … ⊗ A_N (optionally with an identity on the
  channel axis first): each factor acts on its own axis, through the 1-D
  index maps of :mod:`symconv.proof.symbolic`;
- products substitute the column maps into the next factor's rows; sums
  concatenate.

Channels are enumerated (their counts are concrete); the spatial sizes may
be symbols. Each guard involves the index of one axis only, so the guards of
each axis are simplified with the 1-D rules on their own (the domain is a
product of per-axis ranges). Two sides are declared equal only when, for
every output channel, the canonical terms agree exactly: sound, not complete.

Examples
--------
>>> import sympy as sp
>>> from symconv.operators.channels import CorrNd
>>> n1, n2 = sp.symbols("n1 n2", integer=True, positive=True)
>>> C = CorrNd([[[[1, 2]]]], (n1, n2 + 1))
>>> entrywise_equal_nd(C.T.T, C, 2)[0]
True
>>> entrywise_equal_nd(CorrNd([[[[2, 1]]]], (n1, n2 + 1)), C, 2)[0]
False
"""

from __future__ import annotations

import itertools

import sympy as sp
from sympy.matrices.expressions import Identity, KroneckerProduct, MatAdd, MatMul, Transpose

from symconv.operators.base import Operator
from symconv.operators.channels import ConvTransposeNd, CorrNd
from symconv.proof import symbolic

__all__ = ["axis_shape", "entrywise_equal_nd", "row_terms_nd"]

#: ((channels, size per axis) of the rows, the same of the columns).
AxisShape = tuple[tuple, tuple]


class UnsupportedError(Exception):
    """The expression has no N-D index map here (the tier is then not claimed)."""


def _indices(rank: int) -> tuple[sp.Symbol, ...]:
    return tuple(sp.Symbol(f"i_{k + 1}", integer=True, nonnegative=True) for k in range(rank))


def _unwrap(expr: sp.Basic) -> sp.Basic:
    # Transposes of the N-D layers have closed forms; push them through once.
    if isinstance(expr, Transpose) and isinstance(expr.arg, (CorrNd, ConvTransposeNd)):
        return expr.arg._eval_transpose()
    return expr


def _kron_axes(expr: KroneckerProduct, rank: int) -> tuple[sp.Basic | None, tuple]:
    """(channel factor or None, the factor of every spatial axis)."""
    factors = expr.args
    if len(factors) == rank:
        return None, factors
    if len(factors) == rank + 1 and isinstance(factors[0], Identity) and factors[0].rows.is_Integer:
        return factors[0], factors[1:]
    raise UnsupportedError(f"a Kronecker product of {len(factors)} factors at rank {rank}")


def axis_shape(expr: sp.Basic, rank: int) -> AxisShape:
    """Channels and per-axis sizes of the rows and the columns of an N-D expression."""
    expr = _unwrap(expr)
    if _has_channel_axis(expr, rank):
        return expr.index_dims
    if isinstance(expr, KroneckerProduct):
        channel, axes = _kron_axes(expr, rank)
        c = channel.rows if channel is not None else 1
        return (c, *(f.rows for f in axes)), (c, *(f.cols for f in axes))
    if isinstance(expr, MatMul):
        _, factors = expr.as_coeff_matrices()
        shapes = [axis_shape(f, rank) for f in factors]
        for left, right in itertools.pairwise(shapes):
            if any(symbolic.canonical_size(a - b) != 0 for a, b in zip(left[1], right[0])):
                raise UnsupportedError(f"axis sizes do not chain: {left[1]} then {right[0]}")
        return shapes[0][0], shapes[-1][1]
    if isinstance(expr, MatAdd):
        shapes = [axis_shape(a, rank) for a in expr.args]
        for other in shapes[1:]:
            if not _same(other[0], shapes[0][0]) or not _same(other[1], shapes[0][1]):
                raise UnsupportedError(f"terms of different axis shapes {shapes[0]}, {other}")
        return shapes[0]
    raise UnsupportedError(f"no N-D index map for {type(expr).__name__}")


def _has_channel_axis(expr: sp.Basic, rank: int) -> bool:
    """An operator indexed by (channel, i₁, …, i_N) with N = ``rank``: its index map applies."""
    return isinstance(expr, Operator) and len(expr.index_dims[0]) == rank + 1


def _same(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(symbolic.canonical_size(x - y) == 0 for x, y in zip(a, b))


def _axis_terms(op: sp.Basic, i: sp.Expr) -> list:
    """Row i of a 1-D factor; a column of ones has the single column 0."""
    if isinstance(op, sp.OneMatrix) and op.cols == 1:
        return [(sp.Integer(1), sp.Integer(0), set())]
    if isinstance(op, MatMul):
        coeff, factors = op.as_coeff_matrices()
        terms = [(coeff, i, set())]
        for factor in factors:
            terms = [
                (c * c2, col2, g | g2)
                for c, col, g in terms
                for c2, col2, g2 in _axis_terms(factor, col)
            ]
        return terms
    try:
        return symbolic.row_terms(op, i)
    except symbolic._UnsupportedError as reason:
        raise UnsupportedError(str(reason)) from None


def row_terms_nd(expr: sp.Basic, index: tuple) -> list:
    """Row ``index = (channel, i₁, …, i_N)`` as ``[(coeff, column index, guards)]``."""
    expr = _unwrap(expr)
    rank = len(index) - 1
    if _has_channel_axis(expr, rank):
        # The operator's own index map (a phase sum's phases are bound indices in it,
        # summed out later only when every guard on them is implied).
        return expr.index_map(index)
    if isinstance(expr, KroneckerProduct):
        channel, axes = _kron_axes(expr, rank)
        per_axis = [_axis_terms(f, i) for f, i in zip(axes, index[1:])]
        out = []
        for combo in itertools.product(*per_axis):
            coeff = sp.Mul(*(c for c, _, _ in combo))
            guards = set().union(*(g for _, _, g in combo))
            out.append((coeff, (index[0], *(col for _, col, _ in combo)), guards))
        if channel is None and index[0] != 0:
            raise UnsupportedError("a single-channel Kronecker product at a channel > 0")
        return out
    if isinstance(expr, MatMul):
        coeff, factors = expr.as_coeff_matrices()
        terms = [(coeff, index, set())]
        for factor in factors:
            terms = [
                (c * c2, col2, g | g2)
                for c, col, g in terms
                for c2, col2, g2 in row_terms_nd(factor, col)
            ]
        return terms
    if isinstance(expr, MatAdd):
        return [t for a in expr.args for t in row_terms_nd(a, index)]
    raise UnsupportedError(f"no N-D index map for {type(expr).__name__}")


def _rename(guard: tuple, old: sp.Symbol, new: sp.Symbol) -> tuple:
    return (guard[0], *(sp.sympify(x).xreplace({old: new}) for x in guard[1:]))


def _flat(guards: set) -> list:
    return [x for g in guards for x in g[1:]]


def _dummies(guard: tuple) -> set:
    return set().union(*(sp.sympify(x).atoms(sp.Dummy) for x in guard[1:]))


def _canonical(terms: list, indices: tuple, rows: tuple) -> dict | None:
    """{(column index, guards): coeff} with each axis's guards simplified on their own.

    A bound index (the remainder of nearest up-sampling, the tap of a kernel of symbolic
    length) belongs to the axis whose column it appears in; it is renamed after its name
    and axis so that the terms of two sides match.
    """
    table: dict = {}
    for coeff, cols, guards in terms:
        for g in guards:
            if sum(any(sp.sympify(x).has(i) for x in g[1:]) for i in indices) > 1:
                raise UnsupportedError(f"a guard over two axes: {g}")
        bound: dict = {}  # axis -> {dummy: canonical symbol}
        for axis, col in enumerate(cols[1:]):
            for u in sorted(sp.sympify(col).atoms(sp.Dummy), key=str):
                bound.setdefault(axis, {})[u] = sp.Symbol(f"{u.name}_{axis + 1}", integer=True)
        # A bound index no column mentions (a row sum) belongs to the one axis whose index
        # shares a guard with it.
        seen = {u for names in bound.values() for u in names}
        for u in sorted(set().union(*(_dummies(g) for g in guards)) - seen, key=str):
            axes = {
                axis
                for g in guards
                if u in _dummies(g)
                for axis, i in enumerate(indices)
                if any(sp.sympify(x).has(i) for x in g[1:])
            }
            if len(axes) == 1:
                axis = axes.pop()
                bound.setdefault(axis, {})[u] = sp.Symbol(f"{u.name}_{axis + 1}", integer=True)
        owner = {u: axis for axis, names in bound.items() for u in names}
        rename = {u: s for names in bound.values() for u, s in names.items()}
        simplified = set()
        for axis, (i, n) in enumerate(zip(indices, rows)):
            mine = {u for u, a in owner.items() if a == axis}

            def belongs(g: tuple, i: sp.Symbol = i, mine: set = mine) -> bool:
                return any(sp.sympify(x).has(i, *mine) for x in g[1:])

            own = {g for g in guards if belongs(g)}
            if not own:
                continue
            # The 1-D simplifier works on its own index symbol: rename there and back.
            local = {i: symbolic.I, **{u: rename[u] for u in mine}}
            variables = (symbolic.I, *sorted((rename[u] for u in mine), key=str))
            renamed = {(g[0], *(sp.sympify(x).xreplace(local) for x in g[1:])) for g in own}
            canon = symbolic._canonical_guards(renamed, n, variables)
            if canon is None:
                break
            column = sp.expand(sp.sympify(cols[axis + 1]).xreplace(rename))
            for u in mine:
                v = rename[u]
                # Summed out only when nothing outside this axis's guards mentions it.
                alone = not sp.sympify(coeff).has(u) and not any(
                    sp.expand(sp.sympify(c)).has(u) for c in cols
                )
                alone = alone and all(
                    not any(sp.sympify(x).has(j) for j in indices if j != i for x in g[1:])
                    for g in guards
                    if u in _dummies(g)
                )
                if v.name.startswith("phase") and not column.has(v) and alone:
                    canon = symbolic._sum_over_phase(canon, v, variables)
            simplified |= {_rename(g, symbolic.I, i) for g in canon}
        else:
            every = (*indices, *owner)
            rest = [g for g in guards if not any(sp.sympify(x).has(*every) for x in g[1:])]
            if rest:  # a guard free of every index: constant sizes only
                raise UnsupportedError(f"guards without an index: {rest}")
            unowned = set().union(*(sp.sympify(x).atoms(sp.Dummy) for g in guards for x in g[1:]))
            if unowned - set(owner):
                raise UnsupportedError("a bound index outside every column")
            columns = tuple(sp.expand(sp.sympify(c).xreplace(rename)) for c in cols)
            key = (columns, frozenset(simplified))
            table[key] = sp.expand(table.get(key, 0) + sp.sympify(coeff).xreplace(rename))
    return {k: v for k, v in table.items() if v != 0}


def _layer_undefined(expr: sp.Basic) -> str | None:
    """Why an N-D layer in ``expr`` is not shown to exist for every value, or None."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, ConvTransposeNd):
            needs = [(s - 1 - a, "a < s") for s, a in zip(node.stride, node.output_padding)]
            needs += [(length - 1, "a non-empty output") for length in node.output_size]
        elif isinstance(node, CorrNd):
            needs = [
                (n + lo + hi - d * (m - 1) - 1, "n + lo + hi >= d(m−1)+1")
                for n, (lo, hi), d, m in zip(
                    node.size, node.padding, node.dilation, node.kernel_size
                )
            ]
        else:
            continue
        for value, what in needs:
            if not symbolic._surely_nonnegative(symbolic._resolve(value)):
                return f"{node} is not shown to exist for every value ({what})"
    return None


def entrywise_equal_nd(lhs: sp.Basic, rhs: sp.Basic, rank: int) -> tuple[bool, str]:
    """``(True, detail)`` when the rows of every output channel agree term by term.

    Otherwise ``(False, why)``.

    ``False`` means *not shown*, not refuted (the canonical forms may differ
    for equal matrices).
    """
    try:
        left_shape, right_shape = axis_shape(lhs, rank), axis_shape(rhs, rank)
    except UnsupportedError as reason:
        return False, f"not applicable: {reason}"
    for side in (lhs, rhs):
        why = symbolic.undefined(side) or _layer_undefined(side)
        if why is not None:
            return False, f"not applicable: {why}"
    if not (_same(left_shape[0], right_shape[0]) and _same(left_shape[1], right_shape[1])):
        return False, f"axis shapes not shown equal: {left_shape} vs {right_shape}"
    channels, rows = left_shape[0][0], left_shape[0][1:]
    if not sp.sympify(channels).is_Integer:
        return False, "not applicable: a symbolic number of channels"
    indices = _indices(rank)
    count = 0
    for c in range(int(channels)):
        index = (sp.Integer(c), *indices)
        try:
            left = _canonical(row_terms_nd(lhs, index), indices, rows)
            right = _canonical(row_terms_nd(rhs, index), indices, rows)
        except UnsupportedError as reason:
            return False, f"not applicable: {reason}"
        if left != right:
            return False, f"row forms differ at channel {c}: left {left}, right {right}"
        count += len(left)
    names = ", ".join(str(i) for i in indices)
    return True, (
        f"row (c, {names}) of both sides agrees term by term for every one of the "
        f"{channels} output channel(s) ({count} index maps with per-axis guards)"
    )
