"""The symbolic tier: entrywise equality with symbolic sizes and a symbolic row index.

Every operator here is a sum of *index maps*: row i of the matrix is
Σ c · [guards(i)] · e_{col(i)}ᵀ, where a guard is either a divisibility
``k | e`` or a range ``lo <= e < hi``. A product is computed by substituting
the column map of the left factor into the row of the right factor — never by
summing Kronecker deltas, which SymPy gets wrong for strided indices
(``DESIGN.md`` §5: it drops the divisibility). Divisibility stays an explicit
guard throughout.

Two expressions are declared equal only when their canonical forms agree term
by term: the same columns, the same guards and the same coefficients. That is
sound (equal representations give equal entries for every i and j) but
incomplete: when guards that are equivalent cannot be brought to the same
form, the tier is *not* claimed. Guards are simplified only by valid integer
facts (``k | ki``, ``ke < h  ⟺  e < ⌈h/k⌉`` for integer e, dropping a range
that holds on the whole row domain 0 <= i < rows).

Examples
--------
>>> import sympy as sp
>>> from sympy import MatMul
>>> from symconv import Downsample, Upsample
>>> n, k = sp.symbols("n k", integer=True, positive=True)
>>> entrywise_equal(MatMul(Downsample(k * n, k), Upsample(n, k)), sp.Identity(n))
(True, 'row i of both sides: [(1, i, [])]')
>>> entrywise_equal(MatMul(Upsample(n, k), Downsample(k * n, k)), sp.Identity(k * n))[0]
False
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp
from sympy.matrices.expressions import Identity, MatAdd, MatMul, Transpose

from symconv.operators import Conv, ConvTranspose, Corr, Crop, Downsample, Flip, Pad, Upsample
from symconv.proof.rewrite import normalize

__all__ = ["ROWS", "canonical_size", "entrywise_equal", "row_terms"]

#: The symbolic row index.
I = sp.Symbol("i", integer=True, nonnegative=True)

Guard = tuple  # ("div", Mod(e, k)) or ("range", e, lo, hi)
Term = tuple[sp.Expr, sp.Expr, frozenset]


def _div(k: sp.Expr, e: sp.Expr) -> Guard:
    return ("div", k, e)


def _range(e: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> Guard:
    return ("range", e, lo, hi)


def _taps(kernel: sp.Tuple) -> list[tuple[int, sp.Expr]]:
    return [(t, q) for t, q in enumerate(kernel) if q != 0]


def _conv(op: Conv, i: sp.Expr) -> list:
    start = op.crop[0]
    return [(q, i + start - t, {_range(i + start - t, 0, op.n)}) for t, q in _taps(op.kernel)]


def _corr(op: Corr, i: sp.Expr) -> list:
    s, d, lo = op.stride, op.dilation, op.padding[0]
    return [(q, i * s + t * d - lo, {_range(i * s + t * d - lo, 0, op.n)}) for t, q in _taps(op.kernel)]


def _conv_transpose(op: ConvTranspose, i: sp.Expr) -> list:
    s, d, lo = op.stride, op.dilation, op.padding[0]
    out = []
    for t, q in _taps(op.kernel):
        e = i + lo - t * d
        out.append((q, e / s, {_div(s, e), _range(e / s, 0, op.n)}))
    return out


#: Row maps of the operator classes: ``(op, i) -> [(coeff, column, guards)]``. Guards that
#: hold by construction whenever 0 <= i < rows are left out (e.g. ki < N for ↓ₖ on ℝᴺ).
ROWS: dict[type, Callable[[object, sp.Expr], list]] = {
    Downsample: lambda op, i: [(1, op.k * i, set())],
    Upsample: lambda op, i: [(1, i / op.k, {_div(op.k, i)})],
    Pad: lambda op, i: [(1, i - op.lo, {_range(i - op.lo, 0, op.n)})],
    Crop: lambda op, i: [(1, i + op.lo, set())],
    Flip: lambda op, i: [(1, op.n - 1 - i, set())],
    Identity: lambda op, i: [(1, i, set())],
    Conv: _conv,
    Corr: _corr,
    ConvTranspose: _conv_transpose,
}


class _Unsupported(Exception):
    pass


def row_terms(expr: sp.Basic, i: sp.Expr = I) -> list:
    """Row ``i`` of ``expr`` as ``[(coeff, column, guards)]`` (guards unsimplified)."""
    cls = type(expr)
    if cls in ROWS:
        return [(sp.sympify(c), col, set(g)) for c, col, g in ROWS[cls](expr, i)]
    if isinstance(expr, MatMul):
        coeff, factors = expr.as_coeff_matrices()
        terms = [(coeff, i, set())]
        for factor in factors:
            nxt = []
            for c, col, g in terms:
                for c2, col2, g2 in row_terms(factor, col):
                    nxt.append((c * c2, col2, g | g2))
            terms = nxt
        return terms
    if isinstance(expr, MatAdd):
        return [t for a in expr.args for t in row_terms(a, i)]
    raise _Unsupported(f"no index map for {cls.__name__}")


def canonical_size(expr: sp.Expr) -> sp.Expr:
    """Rewrite ⌈a/b⌉ as ⌊(a − 1)/b⌋ + 1 (a, b integers, b > 0) so equal sizes look equal."""
    expr = sp.sympify(expr)
    replacements = {}
    for atom in expr.atoms(sp.ceiling):
        a, b = sp.fraction(sp.together(atom.args[0]))
        if a.is_integer and b.is_integer and b.is_positive and b != 1:
            replacements[atom] = sp.floor((a - 1) / b) + 1
    return sp.simplify(expr.xreplace(replacements))


def _lower_bound(expr: sp.Expr) -> sp.Expr:
    """A value <= expr: ⌈z⌉ and Max(a, b) with a positive coefficient replaced by z, a."""
    replacements = {}
    for atom in expr.atoms(sp.ceiling, sp.Max):
        coeff = sp.expand(expr).coeff(atom)
        if coeff.is_positive:
            replacements[atom] = atom.args[0]
    return expr.xreplace(replacements)


def _surely_nonnegative(expr: sp.Expr) -> bool:
    expr = sp.simplify(expr)
    return bool(expr.is_nonnegative) or bool(sp.simplify(_lower_bound(expr)).is_nonnegative)


def _holds_on_rows(e: sp.Expr, lo: sp.Expr, hi: sp.Expr, rows: sp.Expr) -> bool:
    """lo <= e(i) < hi for every integer 0 <= i < rows (e linear in i)."""
    e = sp.expand(e)
    slope = sp.diff(e, I)
    if slope.has(I):
        return False
    ends = (e.subs(I, 0), e.subs(I, rows - 1))
    low, high = (ends if slope.is_nonnegative else ends[::-1]) if slope != 0 else (e, e)
    if slope != 0 and not (slope.is_nonnegative or slope.is_nonpositive):
        return False
    return _surely_nonnegative(low - lo) and _surely_nonnegative(hi - high - 1)


def _split_positive(e: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """e = c · rest with c > 0 free of i, as far as a common factor exists."""
    factored = sp.factor_terms(e)
    if isinstance(factored, sp.Mul):
        c = sp.Mul(*(f for f in factored.args if not f.has(I) and f.is_positive))
        return c, sp.expand(e / c)
    return sp.Integer(1), e


def _canonical_guards(guards: set, rows: sp.Expr) -> frozenset | None:
    """Simplified guards, or None when they can never hold."""
    out = set()
    divisors = []
    for g in guards:
        if g[0] == "div":
            residue = sp.Mod(sp.expand(g[2]), g[1])
            if residue == 0:
                continue
            if residue.is_number:
                return None
            divisors.append((g[1], sp.expand(g[2])))
            out.add(("div", residue))
    for g in guards:
        if g[0] != "range":
            continue
        e, lo, hi = sp.expand(g[1]), g[2], g[3]
        numer, denom = sp.fraction(sp.together(e))
        if denom != 1 and denom.is_positive:  # multiply out: lo <= n/d < hi ⟺ d·lo <= n < d·hi
            e, lo, hi = sp.expand(numer), lo * denom, hi * denom
        c, rest = _split_positive(e)
        if c != 1 and rest.is_integer:
            e, lo, hi = rest, sp.ceiling(lo / c), sp.ceiling(hi / c)
        for k, base in divisors:  # a multiple of k lies in [lo, hi) iff in [k⌈lo/k⌉, k⌈hi/k⌉)
            if sp.Mod(sp.expand(e - base), k) == 0:
                e, lo, hi = sp.expand(e / k), sp.ceiling(lo / k), sp.ceiling(hi / k)
        lo, hi = canonical_size(lo), canonical_size(hi)
        if _holds_on_rows(e, lo, hi, rows):
            continue
        out.add(("range", e, lo, hi))
    return frozenset(out)


def canonical_rows(expr: sp.Basic) -> dict:
    """{(column, guards): coefficient} for row I of ``expr``, transposes pushed to closed forms."""
    normal, _ = normalize(expr)
    if normal.has(Transpose):
        raise _Unsupported("a transpose without a closed form remains")
    rows = normal.rows
    table: dict = {}
    for c, col, guards in row_terms(normal):
        g = _canonical_guards(guards, rows)
        if g is None:
            continue
        key = (sp.expand(col), g)
        table[key] = sp.expand(table.get(key, 0) + c)
    return {k: v for k, v in table.items() if v != 0}


def _show(table: dict) -> str:
    def guard(g: Guard) -> str:
        if g[0] == "div":
            return f"{g[1]} = 0"
        return f"{g[2]} <= {g[1]} < {g[3]}"

    terms = sorted((str(v), str(col), sorted(map(guard, g))) for (col, g), v in table.items())
    return "[" + ", ".join(f"({v}, {col}, [{', '.join(g)}])" for v, col, g in terms) + "]"


def entrywise_equal(lhs: sp.Basic, rhs: sp.Basic) -> tuple[bool, str]:
    """``(True, row form)`` when both sides have the same canonical rows, else ``(False, why)``.

    ``False`` means *not shown*, not *refuted*: the canonical forms may differ
    for equal matrices when guards cannot be simplified to one form.
    """
    for a, b in zip(lhs.shape, rhs.shape):
        if canonical_size(a - b) != 0:
            return False, f"shapes not shown equal: {lhs.shape} vs {rhs.shape}"
    try:
        left, right = canonical_rows(lhs), canonical_rows(rhs)
    except _Unsupported as reason:
        return False, f"not applicable: {reason}"
    if left == right:
        return True, f"row i of both sides: {_show(left)}"
    return False, f"row forms differ: left {_show(left)}, right {_show(right)}"
