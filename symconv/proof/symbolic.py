"""The symbolic tier: entrywise equality with symbolic sizes and a symbolic row index.

Every operator here is a sum of *index maps*: row i of the matrix is
Σ c · [guards(i)] · e_{col(i)}ᵀ, where a guard is either a divisibility
``k | e`` or a range ``lo <= e < hi``. A product is computed by substituting
the column map of the left factor into the row of the right factor — never by
summing Kronecker deltas, which SymPy gets wrong for strided indices (it drops
the divisibility). Divisibility stays an explicit guard throughout.

**One family, any number of axes.** Row and column indices are multi-indices,
one entry per axis: ``(i,)`` for a 1-D operator, ``(c, i₁, …, i_N)`` for an
N-D layer on channel-major, row-major images (the channel a number, channels
are enumerated). Each operator states its rows itself
(:meth:`~symconv.operators.base.Operator.index_map`); a Kronecker product of
1-D operators acts with each factor on its own axis (optionally an identity on
the channel axis first). Each guard involves one axis, so the domain is a
product of per-axis ranges and each axis's guards are simplified on their own
by the rules below. :func:`entrywise_equal` is the one-axis case,
:func:`entrywise_equal_nd` the N-D one.

**Kernels of symbolic length.** A :class:`~symconv.kernels.KernelFamily`
kernel (taps q[u], 0 <= u < m, m a symbol) contributes one term with a *bound*
base index u: row i of ``Corr(q)`` is Σ_u q[u] · [0 <= u < m] ·
[0 <= i·s + u·d − lo < n] · e_{i·s + u·d − lo}. Flipped, dilated and polyphase
kernels keep the same base taps, so every term carries its tap q[u] with u
the one bound variable, renamed to the canonical ``u``. Two terms with the same
column map, the same guards over (i, u) and the same coefficient are the same
sum, whatever the value of m: that is how m, strides, dilations and borders
all stay free.

**Conditions.** A statement's condition on a parameter (``k(n−1)+1 <= N <=
k·n``) is carried by the parameter itself: :func:`bounded` makes a symbol
with stated bounds, and every decision below (equal sizes, a guard that holds
on the whole domain) may use them, nothing else.

Two expressions are declared equal only when their shapes are shown equal,
every product's inner sizes are shown equal, and their canonical forms agree
term by term: the same columns, the same guards and the same coefficients.
That is sound (equal representations give equal entries for every i and j and
every value of every parameter satisfying the bounds) but incomplete: when
guards that are equivalent cannot be brought to the same form, the tier is
*not* claimed. Guards are simplified only by valid integer facts: ``k | k·e``;
``lo <= c·e < hi ⟺ ⌈lo/c⌉ <= e < ⌈hi/c⌉`` for integer e and c > 0; the same
with k | e; ``−e ∈ [1 − hi, 1 − lo)``; intersecting two ranges of one form;
dropping a range that holds on the whole domain 0 <= i < rows, lo_u <= u < hi_u.

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
>>> N = bounded("N", k * (n - 1) + 1, k * n)
>>> entrywise_equal(MatMul(Downsample(N, k), Upsample(n, k, N)), sp.Identity(n))[0]
True
"""

from __future__ import annotations

import functools
import itertools

import sympy as sp
from sympy.matrices.expressions import Identity, KroneckerProduct, MatAdd, MatMul, Transpose

from symconv.errors import ParameterError
from symconv.kernels import length as kernel_length
from symconv.kernels import tap_terms
from symconv.operators import ConvTranspose, ConvTransposeNd, Corr, CorrNd, Crop, Operator, Upsample
from symconv.operators.index_map import guard_holds, substitute
from symconv.proof.rewrite import normalize

__all__ = [
    "BoundedSymbol",
    "base_taps",
    "bounded",
    "canonical_size",
    "entrywise_equal",
    "entrywise_equal_nd",
    "index_shape",
    "row_terms",
    "surely_positive",
    "undefined",
]

#: The symbolic row index.
I = sp.Symbol("i", integer=True, nonnegative=True)  # noqa: E741  (the index, as in the papers)
#: The canonical name of a term's bound base tap index.
U = sp.Symbol("u", integer=True)

Guard = tuple  # ("div", k, e) or ("range", e, lo, hi)
Term = tuple[sp.Expr, sp.Expr, frozenset]


class BoundedSymbol(sp.Symbol):
    """An integer symbol with stated bounds ``lower <= symbol <= upper``.

    The bounds are the statement's condition on this parameter; they are part of
    the symbol's identity (two bounded symbols of one name but other bounds differ).
    """

    def __new__(cls, name: str, lower: object, upper: object, **assumptions: bool) -> BoundedSymbol:
        obj = sp.Symbol.__xnew__(cls, name, **assumptions)
        obj.lower, obj.upper = sp.sympify(lower), sp.sympify(upper)
        return obj

    def __getnewargs_ex__(self) -> tuple:
        return (self.name, self.lower, self.upper), self.assumptions0

    def _hashable_content(self) -> tuple:
        return (*super()._hashable_content(), self.lower, self.upper)


def bounded(name: str, lower: object, upper: object) -> BoundedSymbol:
    """A positive integer parameter with ``lower <= name <= upper`` (its statement's condition)."""
    return BoundedSymbol(name, lower, upper, integer=True, positive=True)


def base_taps(kernel: object) -> list[tuple[sp.Expr, sp.Expr]]:
    """``[(base index of q, position)]`` of a kernel family of concrete length, by
    enumerating its bound indices (ones contribute no base index, positions add up)."""
    out = []
    for _, tau, guards in tap_terms(kernel):
        dummies = sorted(
            set().union(*(sp.sympify(x).atoms(sp.Dummy) for g in guards for x in g[1:])),
            key=str,
        )
        reach = int(kernel.length) + 2
        for combo in itertools.product(range(-reach, reach), repeat=len(dummies)):
            env = dict(zip(dummies, map(sp.Integer, combo)))
            if all(guard_holds(g, env) for g in guards):
                base = [u for u in dummies if u.name.startswith("u_") and u.name != "u_*"]
                index = env[base[0]] if base else sp.Integer(0)
                out.append((index, sp.sympify(tau).xreplace(env)))
    return out


class _UnsupportedError(Exception):
    """The expression has no index map here (the tier is then not claimed)."""


def _text(dims: tuple) -> str:
    """Per-axis sizes as text: the size itself for one axis."""
    return str(dims[0]) if len(dims) == 1 else str(tuple(dims))


def _same(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(canonical_size(x - y) == 0 for x, y in zip(a, b))


def _kron_axes(expr: KroneckerProduct, length: int) -> tuple[Identity | None, tuple]:
    """(channel factor or None, the factor of every spatial axis) of a Kronecker product
    whose row index has ``length`` entries: one factor per spatial axis, optionally an
    identity on the channel axis first (without it the product has a single channel)."""
    factors = expr.args
    if len(factors) == length - 1:
        return None, factors
    if len(factors) == length and isinstance(factors[0], Identity) and factors[0].rows.is_Integer:
        return factors[0], factors[1:]
    raise _UnsupportedError(
        f"a Kronecker product of {len(factors)} factors on a {length}-axis index"
    )


@functools.lru_cache(maxsize=4096)
def index_shape(expr: sp.Basic, length: int = 1) -> tuple[tuple, tuple]:
    """Per-axis sizes ``(rows, columns)`` of ``expr`` for a row index of ``length`` entries.

    A 1-D operator has a one-entry index; an N-D layer has its channel and one entry per
    spatial axis (:attr:`~symconv.operators.base.Operator.index_dims`). A product is only
    given a shape when the inner sizes of every two neighbouring factors are shown equal
    axis by axis: the substitution of one factor's columns into the next one's rows
    relies on it.

    Examples
    --------
    >>> import sympy as sp
    >>> from symconv import Conv, CorrNd
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> index_shape(Conv((1, 2), n))
    ((n + 1,), (n,))
    >>> index_shape(CorrNd([[[[1, 2]]]], (n, 3)), 3)
    ((1, n, 2), (1, n, 3))
    """
    if isinstance(expr, Transpose):
        rows, cols = index_shape(expr.arg, length)
        return cols, rows
    if isinstance(expr, Operator):
        rows, cols = (tuple(dims) for dims in expr.index_dims)
        if len(rows) != length or len(cols) != length:
            raise _UnsupportedError(
                f"{type(expr).__name__} has {len(rows)} index axes, not {length}"
            )
        return rows, cols
    if isinstance(expr, sp.OneMatrix) and expr.cols != 1:
        raise _UnsupportedError("a matrix of ones with more than one column")
    if isinstance(expr, (Identity, sp.OneMatrix)) and length == 1:
        return (expr.rows,), (expr.cols,)
    if isinstance(expr, KroneckerProduct):
        channel, axes = _kron_axes(expr, length)
        c = channel.rows if channel is not None else sp.Integer(1)
        shapes = [index_shape(f, 1) for f in axes]
        return (c, *(r for (r,), _ in shapes)), (c, *(k for _, (k,) in shapes))
    if isinstance(expr, MatMul):
        shapes = [index_shape(f, length) for f in expr.as_coeff_matrices()[1]]
        for (_, cols), (rows, _) in itertools.pairwise(shapes):
            if not _same(cols, rows):
                raise _UnsupportedError(
                    f"inner sizes not shown equal: {_text(cols)} and {_text(rows)}"
                )
        return shapes[0][0], shapes[-1][1]
    if isinstance(expr, MatAdd):
        shapes = [index_shape(a, length) for a in expr.args]
        for other in shapes[1:]:
            if not (_same(other[0], shapes[0][0]) and _same(other[1], shapes[0][1])):
                raise _UnsupportedError(f"terms of shapes not shown equal: {shapes[0]}, {other}")
        return shapes[0]
    raise _UnsupportedError(f"no index map for {type(expr).__name__}")


def row_terms(expr: sp.Basic, index: tuple = (I,)) -> list:
    """Row ``index`` of ``expr`` as ``[(coeff, column index, guards)]`` (guards unsimplified).

    ``index`` has one entry per axis: ``(i,)`` for a 1-D operator, ``(channel, i₁, …, i_N)``
    for an N-D layer (the channel a number). Every operator states its own rows
    (:meth:`~symconv.operators.base.Operator.index_map`); a Kronecker product applies each
    factor on its own axis; a product substitutes the columns of each factor into the rows
    of the next (only when :func:`index_shape` shows its inner sizes equal); a sum
    concatenates; a transpose is replaced by its closed form.

    Examples
    --------
    >>> from symconv import Downsample
    >>> row_terms(Downsample(6, 2))
    [(1, (2*i,), set())]
    """
    index = tuple(index)
    if isinstance(expr, Transpose):
        closed = expr.doit(deep=False)
        if isinstance(closed, Transpose):
            raise _UnsupportedError("a transpose without a closed form remains")
        return row_terms(closed, index)
    if isinstance(expr, KroneckerProduct):
        channel, axes = _kron_axes(expr, len(index))
        if channel is None and index[0] != 0:
            raise _UnsupportedError("a single-channel Kronecker product at a channel > 0")
        out = []
        for combo in itertools.product(*(row_terms(f, (i,)) for f, i in zip(axes, index[1:]))):
            coeff = sp.Mul(*(c for c, _, _ in combo))
            guards = set().union(*(g for _, _, g in combo))
            out.append((coeff, (index[0], *(col for _, (col,), _ in combo)), guards))
        return out
    if isinstance(expr, MatMul):
        index_shape(expr, len(index))
        coeff, factors = expr.as_coeff_matrices()
        terms = [(coeff, index, set())]
        for factor in factors:
            terms = substitute(terms, lambda col, f=factor: row_terms(f, col))
        return terms
    if isinstance(expr, MatAdd):
        index_shape(expr, len(index))
        return [t for a in expr.args for t in row_terms(a, index)]
    index_shape(expr, len(index))  # an operator, identity or column of ones on this index
    if isinstance(expr, Operator):
        return [(sp.sympify(c), tuple(col), set(g)) for c, col, g in expr.index_map(index)]
    if isinstance(expr, Identity):
        return [(sp.Integer(1), index, set())]
    return [(sp.Integer(1), (sp.Integer(0),), set())]  # the one column of a column of ones


# --- arithmetic with stated bounds ------------------------------------------------------


def _bounded_symbols(expr: sp.Expr) -> list[BoundedSymbol]:
    return sorted((s for s in expr.free_symbols if isinstance(s, BoundedSymbol)), key=str)


def _max_pairs(expr: sp.Expr) -> sp.Expr:
    """c·Max(x, 0) − c·Max(−x, 0) = c·x (true for every real x; a pad minus a crop)."""
    expr = sp.expand(expr)
    if not isinstance(expr, sp.Add):
        return expr
    maxes = [a for a in expr.atoms(sp.Max) if len(a.args) == 2 and 0 in a.args]
    for a, b in itertools.combinations(maxes, 2):
        x = a.args[0] if a.args[1] == 0 else a.args[1]
        y = b.args[0] if b.args[1] == 0 else b.args[1]
        if sp.expand(x + y) != 0:
            continue
        ca, cb = expr.coeff(a), expr.coeff(b)
        if ca != 0 and sp.expand(ca + cb) == 0 and not ca.has(sp.Max):
            expr = sp.expand(expr - ca * a - cb * b + ca * x)
    return expr


def _collapse_bounded(expr: sp.Expr) -> sp.Expr:
    """⌊·⌋, ⌈·⌉ monotone in one bounded symbol, equal at both bounds: that value."""
    replacements = {}
    for atom in expr.atoms(sp.floor, sp.ceiling):
        for b in _bounded_symbols(atom):
            slope = sp.diff(atom.args[0], b)
            if slope.has(b) or not (slope.is_nonnegative or slope.is_nonpositive):
                continue
            ends = [sp.simplify(atom.xreplace({b: v})) for v in (b.lower, b.upper)]
            if sp.simplify(ends[0] - ends[1]) == 0:
                replacements[atom] = ends[0]
                break
    return expr.xreplace(replacements) if replacements else expr


def _decide_min_max(expr: sp.Expr) -> sp.Expr:
    replacements = {}
    for atom in expr.atoms(sp.Min, sp.Max):
        if len(atom.args) != 2:
            continue
        a, b = atom.args
        if _surely_nonnegative(a - b):
            replacements[atom] = a if isinstance(atom, sp.Max) else b
        elif _surely_nonnegative(b - a):
            replacements[atom] = b if isinstance(atom, sp.Max) else a
    return expr.xreplace(replacements) if replacements else expr


def _exact_floors(expr: sp.Expr) -> sp.Expr:
    """⌊p/q⌋ = (p − r)/q when the assumptions say q divides p − r, 0 <= r < q
    (q a small number; e.g. ⌊(m − 1)/2⌋ = (m − 1)/2 for an odd symbol m)."""
    replacements = {}
    for atom in expr.atoms(sp.floor, sp.ceiling):
        p, q = sp.fraction(sp.together(atom.args[0]))
        if not (q.is_Integer and 0 < q <= 16 and p.is_integer):
            continue
        if isinstance(atom, sp.ceiling):
            p = p + q - 1
        for r in range(int(q)):
            if sp.Mod(sp.expand(p - r), q) == 0:
                replacements[atom] = sp.expand((p - r) / q)
                break
    return expr.xreplace(replacements) if replacements else expr


def _resolve(expr: object) -> sp.Expr:
    """``expr`` with pad-minus-crop pairs, decidable Min/Max and bounded ⌊⌋/⌈⌉ evaluated."""
    expr = sp.sympify(expr)
    for _ in range(4):
        new = _max_pairs(_decide_min_max(_exact_floors(_collapse_bounded(expr))))
        if new == expr:
            break
        expr = new
    return sp.expand(expr)


def _floor_parts(atom: sp.Expr) -> tuple[sp.Expr, sp.Expr, sp.Expr] | None:
    """⌊p/q⌋ or ⌈p/q⌉ (p, q integers, q > 0) as (whole, p', q) with the atom = whole + ⌊p'/q⌋.

    Uses ⌈p/q⌉ = ⌊(p + q − 1)/q⌋ and moves the terms of p that q divides out (an
    integer w: ⌊(q·w + r)/q⌋ = w + ⌊r/q⌋); a numeric q also reduces p's constant mod q.
    """
    p, q = sp.fraction(sp.together(atom.args[0]))
    if not (p.is_integer and q.is_integer and q.is_positive):
        return None
    p = sp.expand(p + (q - 1 if isinstance(atom, sp.ceiling) else 0))
    whole = sp.Integer(0)
    for t in sp.Add.make_args(p):
        w = sp.expand(t / q)
        if not t.is_number and sp.fraction(sp.together(w))[1] == 1 and w.is_integer:
            whole, p = whole + w, sp.expand(p - t)
    if q.is_Integer:
        constant = sp.Add(*(t for t in sp.Add.make_args(p) if t.is_number))
        shift = constant // q
        whole, p = whole + shift, sp.expand(p - shift * q)
    return whole, p, q


def _normal_floors(expr: sp.Expr) -> sp.Expr:
    """Every ⌊⌋/⌈⌉ of an integer ratio as w + ⌊p/q⌋ with p's variable part sign-normalised.

    −⌊p/q⌋ = ⌊(−p + q − 1)/q⌋ (integers, q > 0): of the two ways to write c·⌊p/q⌋, the one
    whose numerator's non-constant part sorts first is kept, so equal values look equal.
    """
    expr = sp.expand(expr)
    for _ in range(3):
        atoms = [a for a in expr.atoms(sp.floor, sp.ceiling) if not a.args[0].has(sp.floor)]
        if not atoms:
            break
        changed = False
        for atom in atoms:
            parts = _floor_parts(atom)
            if parts is None:
                continue
            whole, p, q = parts
            variable = sp.Add(*(t for t in sp.Add.make_args(p) if not t.is_number))
            key = sp.default_sort_key
            flip = variable != 0 and key(sp.expand(-variable)) < key(variable)
            coeff = expr.coeff(atom) if flip else None
            if flip and coeff != 0 and not coeff.has(sp.floor, sp.ceiling):
                other = _floor_parts(sp.floor((-p + q - 1) / q))
                if other is None:
                    continue
                w2, p2, _ = other
                # c·(w + ⌊p/q⌋) = c·w − c·⌊(−p+q−1)/q⌋ = c·w − c·(w2 + ⌊p2/q⌋)
                new = coeff * (whole - w2) - coeff * sp.floor(p2 / q)
                expr = sp.expand(expr - coeff * atom + new)
            else:
                expr = sp.expand(expr.xreplace({atom: whole + sp.floor(p / q)}))
            changed = True
        if not changed:
            break
    return expr


def canonical_size(expr: sp.Expr) -> sp.Expr:
    """``expr`` in a normal form in which equal sizes look equal (as far as shown here).

    Stated bounds of :func:`bounded` symbols are used first (⌈N/k⌉ = n when
    k(n−1) < N <= k·n); then every ⌈a/b⌉ becomes ⌊(a + b − 1)/b⌋ and floors are
    normalised by ``_normal_floors``.
    """
    expr = _normal_floors(_resolve(expr))
    simple = sp.simplify(expr)
    return simple if simple == 0 else expr


def _lower_bound(expr: sp.Expr) -> sp.Expr:
    """A value <= expr, by replacing each ⌊⌋, ⌈⌉, Max, Min by a bound in the right direction.

    For integers p, q > 0: (p − q + 1)/q <= ⌊p/q⌋ <= p/q <= ⌈p/q⌉ <= (p + q − 1)/q (for other
    arguments z − 1 < ⌊z⌋ <= z <= ⌈z⌉ < z + 1); Max(a, b) >= a, Min(a, b) <= a; and a bounded
    symbol by the bound its coefficient's sign asks for.
    """
    expr = sp.expand(expr)
    replacements = {}
    for atom in expr.atoms(sp.ceiling, sp.floor, sp.Max, sp.Min):
        coeff = expr.coeff(atom)
        up = coeff.is_positive
        if not (up or coeff.is_negative):
            continue
        if isinstance(atom, (sp.floor, sp.ceiling)):
            z = atom.args[0]
            p, q = sp.fraction(sp.together(z))
            slack = (q - 1) / q if (p.is_integer and q.is_integer and q.is_positive) else 1
            if isinstance(atom, sp.floor):
                replacements[atom] = z - slack if up else z
            else:
                replacements[atom] = z if up else z + slack
        elif (isinstance(atom, sp.Max) and up) or (isinstance(atom, sp.Min) and not up):
            replacements[atom] = atom.args[0]
    expr = sp.expand(expr.xreplace(replacements))
    # A symbol whose bound mentions another bounded symbol goes first (n >= f(a), then a).
    done: set = set()
    while True:
        present = [b for b in _bounded_symbols(expr) if b not in done]
        ready = [
            b
            for b in present
            if not any(b in (c.lower.free_symbols | c.upper.free_symbols) for c in present)
        ]
        if not ready:
            return expr
        b = ready[0]
        done.add(b)
        slope = sp.diff(expr, b)
        if slope.has(b):
            continue
        if slope.is_nonnegative:
            expr = sp.expand(expr.xreplace({b: b.lower}))
        elif slope.is_nonpositive:
            expr = sp.expand(expr.xreplace({b: b.upper}))


def _nonnegative_polynomial(expr: sp.Expr) -> bool:
    """Whether ``expr`` is a polynomial that is >= 0 because, with every positive integer
    symbol x written 1 + x' (x' >= 0), all its coefficients are >= 0."""
    symbols = expr.free_symbols
    if not all(x.is_integer and x.is_nonnegative for x in symbols):
        return False
    shifted = {x: x + 1 for x in symbols if x.is_positive}
    poly = sp.expand(expr.xreplace(shifted))
    if not poly.is_polynomial(*symbols):
        return False
    return (
        all(c.is_number and c >= 0 for c in sp.Poly(poly, *symbols).coeffs())
        if symbols
        else (poly.is_nonnegative is True)
    )


def _surely_nonnegative(expr: sp.Expr) -> bool:
    expr = sp.simplify(expr)
    if expr.is_nonnegative or _nonnegative_polynomial(expr):
        return True
    bound = expr
    for _ in range(3):  # nested bounds (a ⌈⌉ of a bounded symbol) need more than one pass
        new = _lower_bound(bound)
        if new == bound:
            break
        bound = new
        simple = sp.simplify(bound)
        if simple.is_nonnegative or _nonnegative_polynomial(simple):
            return True
    return False


def surely_positive(expr: sp.Expr) -> bool:
    """Whether ``expr`` > 0 for every value within the stated bounds (shown, not guessed)."""
    expr = canonical_size(expr)
    bound = expr
    for _ in range(3):
        bound = sp.simplify(_lower_bound(bound))
        if bound.is_positive:
            return True
    return False


# --- canonical guards ----------------------------------------------------------------


def _variables(expr: sp.Expr, variables: tuple) -> bool:
    return sp.sympify(expr).has(*variables)


def _sign_normal(e: sp.Expr, variables: tuple = (I, U)) -> tuple[sp.Expr, bool]:
    """(±e, whether negated): positive coefficient of the first variable (i, then the bound
    tap indices) whose coefficient is a number, otherwise the one of e, −e that sorts first."""
    e = sp.expand(e)
    for v in variables:
        slope = sp.diff(e, v)
        if slope.is_number and slope != 0:
            return (sp.expand(-e), True) if slope < 0 else (e, False)
    neg = sp.expand(-e)
    if sp.default_sort_key(neg) < sp.default_sort_key(e):
        return neg, True
    return e, False


def _linear_range(e: sp.Expr, lo: sp.Expr, hi: sp.Expr, variables: tuple, divisors: list):
    """``(form, lo, hi, step)`` with lo <= form < hi equivalent to lo <= e < hi (e integer).

    ``step`` k > 1 says that form ≡ lo ≡ hi (mod k): form is on a lattice of step k and
    both bounds are lattice points (so form <= hi − k).
    """
    e = sp.expand(e)
    numer, denom = sp.fraction(sp.together(e))
    if denom != 1 and not denom.has(*variables) and denom.is_positive:
        e, lo, hi = sp.expand(numer), lo * denom, hi * denom
    step = sp.Integer(1)
    for k, x in divisors:  # a multiple of k lies in [lo, hi) iff in [k⌈lo/k⌉, k⌈hi/k⌉)
        if sp.Mod(sp.expand(e - x), k) == 0 or sp.Mod(sp.expand(e + x), k) == 0:
            lo, hi, step = k * sp.ceiling(lo / k), k * sp.ceiling(hi / k), k
            break
    constant = sp.Add(*(t for t in sp.Add.make_args(e) if not t.has(*variables)))
    form, lo, hi = sp.expand(e - constant), lo - constant, hi - constant
    factored = sp.factor_terms(form)
    # The positive content c: lo <= c·r < hi ⟺ ⌈lo/c⌉ <= r < ⌈hi/c⌉ (r integer).
    if isinstance(factored, sp.Mul):
        number, rest = factored.as_coeff_Mul()
        c = abs(number) * sp.Mul(
            *(f for f in sp.Mul.make_args(rest) if not f.has(*variables) and f.is_positive)
        )
        rest = sp.expand(form / c)
        if c != 1 and rest.is_integer:
            form, lo, hi, step = rest, sp.ceiling(lo / c), sp.ceiling(hi / c), sp.Integer(1)
    form, negated = _sign_normal(form, variables)
    if negated:  # lo <= f <= hi − k ⟺ k − hi <= −f <= −lo: lattice points again
        lo, hi = step - hi, step - lo
    return form, lo, hi, step


def _through_remainder(e: sp.Expr, lo: sp.Expr, hi: sp.Expr, guards: set, variables: tuple):
    """lo <= e < hi as lo <= e − r < hi, when k | e − r for a bound r in [0, k) and k | lo, hi.

    With e = k·w + r, 0 <= r < k: k·w + r >= k·α ⟺ w >= α ⟺ e − r >= k·α, and
    k·w + r < k·β ⟺ w < β ⟺ e − r < k·β. (⌊i/k⌋ written with a bound remainder r.)
    """
    for r in variables[1:]:
        if not sp.expand(e).has(r):
            for g in guards:
                if g[0] != "range" or g[1] != r or g[2] != 0:
                    continue
                k = g[3]
                divisible = any(
                    d[0] == "div"
                    and d[1] == k
                    and sp.Mod(sp.expand(_resolve(d[2]) - (e - r)), k) == 0
                    for d in guards
                )
                if divisible and sp.Mod(lo, k) == 0 and sp.Mod(hi, k) == 0:
                    return sp.expand(e - r), lo, hi
    return e, lo, hi


def _extremes(form: sp.Expr, box: dict, variables: tuple) -> tuple[sp.Expr, sp.Expr] | None:
    """(min, max) of a form linear in the boxed variables over the box, or None."""
    low = high = form
    for v, (a, b) in box.items():
        slope = sp.diff(form, v)
        if slope == 0:
            continue
        if slope.has(*box):
            return None
        if slope.is_nonnegative:
            low, high = low.xreplace({v: a}), high.xreplace({v: b})
        elif slope.is_nonpositive:
            low, high = low.xreplace({v: b}), high.xreplace({v: a})
        else:
            return None
    if low.has(*variables) or high.has(*variables):
        return None
    return low, high


def _undominated(values: set, keep_larger: bool) -> list:
    """The values not surely beaten by another (the largest lower, smallest upper bounds)."""
    values = list(values)
    out = []
    for a in values:
        beaten = any(
            b != a and _surely_nonnegative((b - a) if keep_larger else (a - b)) for b in values
        )
        if not beaten:
            out.append(a)
    # Two bounds equal in value but not in form both survive; keep one of each value.
    unique: list = []
    for a in sorted(out, key=sp.default_sort_key):
        if not any(canonical_size(a - b) == 0 for b in unique):
            unique.append(a)
    return unique


def _canonical_guards(guards: set, rows: sp.Expr, variables: tuple = (I,)) -> frozenset | None:
    """Simplified guards, or None when they can never hold.

    ``variables`` are the row index and (when present) the bound base tap indices,
    whose range guards 0 <= u < m define their domain and are always kept. A bound
    implied by the domain box, or by another kept bound plus the box, is dropped.
    """
    out = set()
    divisors = []
    for g in guards:
        if g[0] != "div":
            continue
        k, e = g[1], _resolve(g[2])
        numer, denom = sp.fraction(sp.together(e))
        if denom != 1 and not denom.has(*variables) and denom.is_positive:
            k, e = sp.expand(k * denom), sp.expand(numer)  # k | p/d ⟺ k·d | p
        residue = sp.Mod(e, k)
        if residue == 0:
            continue
        if residue.is_number:
            return None
        x = residue.args[0] if isinstance(residue, sp.Mod) and residue.args[1] == k else e
        x = _sign_normal(sp.expand(x), variables)[0]
        divisors.append((k, x))
        out.add(("div", k, x))
    forms: dict = {}
    for g in guards:
        if g[0] != "range":
            continue
        e, lo, hi = _through_remainder(
            _resolve(g[1]), _resolve(g[2]), _resolve(g[3]), guards, variables
        )
        form, lo, hi, step = _linear_range(e, lo, hi, variables, divisors)
        if not form.has(*variables):
            if _surely_nonnegative(form - lo) and _surely_nonnegative(hi - 1 - form):
                continue
            if _surely_nonnegative(lo - form - 1) or _surely_nonnegative(form - hi):
                return None
        lows, highs = forms.setdefault(form, (set(), set()))
        lows.add((canonical_size(lo), step))
        highs.add((canonical_size(hi), step))
    box = {I: (sp.Integer(0), rows - 1)} if I in variables else {}
    bound = variables[1:]
    for b in bound:
        if b in forms:
            low = _undominated({v for v, _ in forms[b][0]}, True)
            high = _undominated({v for v, _ in forms[b][1]}, False)
            if len(low) == 1 and len(high) == 1:
                box[b] = (low[0], high[0] - 1)
    kept = []  # (form, lower or None, upper or None, lattice step): one bound each
    for form, (lows, highs) in sorted(forms.items(), key=lambda f: sp.default_sort_key(f[0])):
        steps = {v: k for v, k in lows | highs}
        low = _undominated({v for v, _ in lows}, True)
        high = _undominated({v for v, _ in highs}, False)
        if form not in bound:
            ends = _extremes(form, box, variables)
            if ends is not None:
                low = [a for a in low if not _surely_nonnegative(ends[0] - a)]
                high = [b for b in high if not _surely_nonnegative(b - 1 - ends[1])]
        kept += [(form, a, None, steps[a]) for a in low] + [(form, None, b, steps[b]) for b in high]
    for item in list(kept):
        if item[0] not in bound and _implied(
            item, [k for k in kept if k is not item], box, variables
        ):
            kept.remove(item)
    for form, a, b, _ in kept:
        out.add(("range", form, a, sp.oo) if b is None else ("range", form, -sp.oo, b))
    return frozenset(out)


def _implied(item: tuple, others: list, box: dict, variables: tuple) -> bool:
    """Whether the bound ``item`` on form f follows from one or two other kept bounds on
    forms g (each with a sign σ) and the box: f = Σ σ·g + d, with d kept symbolic (valid
    for every integer value of its variables) or between its extremes over the box.

    Lattice steps make the bounds exact: a form of step k below hi is at most hi − k, and
    a bound L derived for f of step k gives f >= low as soon as L > low − k.
    """
    form, low, high, step = item
    parts = []  # (σ, form, lowest value or None, largest value or None)
    for other, other_low, other_high, other_step in others:
        if other == form:
            continue
        largest = None if other_high is None else other_high - other_step
        parts.append((1, other, other_low, largest))
        parts.append(
            (
                -1,
                other,
                None if largest is None else -largest,
                None if other_low is None else -other_low,
            )
        )
    singles = [[p] for p in parts]
    pairs = [[p, q] for p, q in itertools.combinations(parts, 2) if p[1] != q[1]]
    for combo in singles + pairs:
        d = sp.expand(form - sum(sigma * g for sigma, g, _, _ in combo))
        ranges = [(d, d)]
        ends = _extremes(d, box, variables)
        if ends is not None:
            ranges.append(ends)
        for d_low, d_high in ranges:
            if low is not None and all(c[2] is not None for c in combo):
                derived = sum(c[2] for c in combo) + d_low
                if _surely_nonnegative(derived - low + step - 1):
                    return True
            if high is not None and all(c[3] is not None for c in combo):
                derived = sum(c[3] for c in combo) + d_high
                if _surely_nonnegative(high - 1 - derived):
                    return True
    return False


def _sum_over_phase(guards: frozenset, v: sp.Symbol, variables: tuple) -> frozenset:
    """Sum a term over its phase v when only [0 <= v < k] and k | ±(v − X) still involve v.

    Given k | v − X, every other divisibility by k may read X for v (v ≡ X mod k). Then
    Σ_v [0 <= v < k][k | v − X] = 1 for every integer X: the two guards go, the term stays.
    Otherwise the guards are returned unchanged (nothing is claimed about them).
    """
    anchors = [
        g
        for g in guards
        if g[0] == "div" and sp.diff(g[2], v) in (1, -1) and not sp.diff(g[2], v).has(v)
    ]
    if not anchors:
        return guards
    anchor = min(anchors, key=sp.default_sort_key)
    k, x = anchor[1], anchor[2]
    value = sp.expand(v - x / sp.diff(x, v))  # v ≡ value (mod k)
    out = set()
    for g in guards:
        if g is anchor or g[0] != "div" or g[1] != k or not g[2].has(v):
            out.add(g)
            continue
        residue = sp.Mod(sp.expand(g[2].xreplace({v: value})), k)
        if residue == 0:
            continue
        if residue.is_number:
            return guards
        y = residue.args[0] if isinstance(residue, sp.Mod) and residue.args[1] == k else residue
        out.add(("div", k, _sign_normal(sp.expand(y), variables)[0]))
    own = {("range", v, 0, sp.oo), ("range", v, -sp.oo, k)}
    rest = out - own - {anchor}
    if own <= out and not any(x.has(v) for g in rest for x in g[1:]):
        return frozenset(rest)
    return guards


def _bound_symbol(name: str, axis: int | None = None) -> sp.Symbol:
    """The canonical name of a bound index: ``u`` for the taps of q, else its own name;
    with several spatial axes, its axis number appended (``u_q_2``)."""
    if axis is not None:
        return sp.Symbol(f"{name}_{axis}", integer=True)
    return U if name == "u_q" else sp.Symbol(name, integer=True)


def _names(*parts: object) -> set:
    """The symbols (bound indices included) that ``parts`` mention."""
    return set().union(*(sp.sympify(p).free_symbols for p in parts))


def _owners(term: tuple, index: tuple, axes: list[int]) -> dict:
    """{bound index: the axis it belongs to}: the axis whose column mentions it, else the
    one axis whose index shares a guard with it (a row sum); with one axis, that axis."""
    coeff, cols, guards = term
    bound = {u for u in _names(coeff, *cols, *(x for g in guards for x in g[1:])) if u.is_Dummy}
    owner = {}
    for u in bound:
        found = {k for k in axes if sp.sympify(cols[k]).has(u)}
        if not found:
            found = {
                k for g in guards if u in _names(*g[1:]) for k in axes if index[k] in _names(*g[1:])
            }
        if len(axes) == 1:
            found = set(axes)
        if len(found) != 1:
            raise _UnsupportedError(f"a bound index on {len(found)} axes: {u}")
        owner[u] = found.pop()
    return owner


def _canonical_terms(terms: list, index: tuple, sizes: tuple) -> dict:
    """{(column index, guards): coefficient} of row ``index``, each axis's guards simplified.

    The symbolic entries of ``index`` are its axes (a channel is a number). Each guard
    involves one axis, its index and the bound indices that belong to it, so the domain
    is a product of per-axis ranges and each axis's guards are simplified on their own,
    with the axis index renamed :data:`I`; a guard free of every index joins the first
    axis. Bound indices are renamed after their name (and axis) so that the terms of two
    sides match; one name twice on one axis (q ∗ q) is not supported. A phase is summed
    out when nothing but its own guards mentions it.
    """
    axes = [k for k, x in enumerate(index) if not sp.sympify(x).is_number]
    rows = {k: _resolve(sizes[k]) for k in axes}
    table: dict = {}
    for term in terms:
        owner = _owners(term, index, axes)
        coeff, cols, guards = term
        groups: dict[int, set] = {k: set() for k in axes}
        for g in guards:
            mentioned = _names(*g[1:])
            on = {k for k in axes if index[k] in mentioned} | {
                owner[u] for u in mentioned & owner.keys()
            }
            if len(on) > 1:
                raise _UnsupportedError(f"a guard over two axes: {g}")
            groups[on.pop() if on else axes[0]].add(g)
        rename, variables = {}, {}
        for k in axes:
            mine = sorted((u for u in owner if owner[u] == k), key=lambda u: u.name)
            if len({u.name for u in mine}) < len(mine):
                raise _UnsupportedError("one kernel of symbolic length twice in one product")
            number = None if len(axes) == 1 else axes.index(k) + 1
            rename.update({u: _bound_symbol(u.name, number) for u in mine})
            variables[k] = (I, *(rename[u] for u in mine))
        coeff = sp.sympify(coeff).xreplace(rename)
        cols = tuple(sp.expand(sp.sympify(c).xreplace(rename)) for c in cols)
        simplified: set = set()
        for k in axes:
            # The guard simplifier works on the index I: rename the axis index there and back.
            there, back = {index[k]: I, **rename}, {I: index[k]}
            local = {(g[0], *(sp.sympify(x).xreplace(there) for x in g[1:])) for g in groups[k]}
            canon = _canonical_guards(local, rows[k], variables[k])
            if canon is None:
                break  # the guards never hold: no term
            for v in variables[k][1:]:
                if (
                    v.name.startswith("phase")
                    and not coeff.has(v)
                    and not any(c.has(v) for c in cols)
                ):
                    canon = _sum_over_phase(canon, v, variables[k])
            simplified |= {(g[0], *(sp.sympify(x).xreplace(back) for x in g[1:])) for g in canon}
        else:
            key = (tuple(_resolve(c) for c in cols), frozenset(simplified))
            table[key] = sp.expand(table.get(key, 0) + coeff)
    return {k: v for k, v in table.items() if v != 0}


def canonical_rows(expr: sp.Basic) -> dict:
    """{(column, guards): coefficient} for row (I,) of a 1-D ``expr``, transposes pushed to
    closed forms by the rewrite rules first (see :func:`_canonical_terms`)."""
    normal, _ = normalize(expr)
    if normal.has(Transpose):
        raise _UnsupportedError("a transpose without a closed form remains")
    index = (I,)
    return _canonical_terms(row_terms(normal, index), index, index_shape(normal, 1)[0])


def _show(table: dict) -> str:
    def guard(g: Guard) -> str:
        if g[0] == "div":
            return f"{sp.Mod(g[2], g[1])} = 0"
        if g[3] == sp.oo:
            return f"{g[1]} >= {g[2]}"
        return f"{g[1]} < {g[3]}"

    terms = sorted((str(v), _text(col), sorted(map(guard, g))) for (col, g), v in table.items())
    return "[" + ", ".join(f"({v}, {col}, [{', '.join(g)}])" for v, col, g in terms) + "]"


def _correlation_needs(sizes, paddings, dilations, lengths) -> list[tuple[str, sp.Expr]]:
    """A correlation has an output on every axis: n + lo + hi >= d(m − 1) + 1."""
    return [
        ("n + lo + hi >= d(m−1)+1", n + lo + hi - d * (m - 1) - 1)
        for n, (lo, hi), d, m in zip(sizes, paddings, dilations, lengths)
    ]


def _transposed_needs(strides, output_paddings, outputs) -> list[tuple[str, sp.Expr]]:
    """A transposed convolution's output padding is below its stride, its output non-empty."""
    return [("a < s", s - 1 - a) for s, a in zip(strides, output_paddings)] + [
        ("a non-empty output", length - 1) for length in outputs
    ]


def _conditions(op: sp.Basic) -> list[tuple[str, sp.Expr]]:
    """``[(what, expression that must be >= 0)]``: when ``op`` exists (its constructor's checks)."""
    if isinstance(op, Upsample):
        shortest, longest = op.k * (op.n - 1) + 1, op.k * op.n
        return [
            ("k(n−1)+1 <= length", op.length - shortest),
            ("length <= k·n", longest - op.length),
        ]
    if isinstance(op, Crop):
        return [("n − lo − hi >= 1", op.n - op.lo - op.hi - 1)]
    if isinstance(op, Corr):
        length = kernel_length(op.kernel)
        return _correlation_needs((op.n,), (op.padding,), (op.dilation,), (length,))
    if isinstance(op, CorrNd):
        return _correlation_needs(op.size, op.padding, op.dilation, op.kernel_size)
    if isinstance(op, ConvTranspose):
        return _transposed_needs((op.stride,), (op.output_padding,), (op.rows,))
    if isinstance(op, ConvTransposeNd):
        return _transposed_needs(op.stride, op.output_padding, op.output_size)
    return []


def undefined(expr: sp.Basic) -> str | None:
    """Why some operator in ``expr`` is not shown to exist for every value of the parameters
    within their stated bounds, or None when every one is."""
    for node in sp.preorder_traversal(expr):
        for what, value in _conditions(node):
            if not _surely_nonnegative(_resolve(value)):
                return f"{node} is not shown to exist for every value ({what})"
    return None


def entrywise_equal(lhs: sp.Basic, rhs: sp.Basic) -> tuple[bool, str]:
    """``(True, row form)`` when both sides have the same canonical rows, else ``(False, why)``.

    ``False`` means *not shown*, not *refuted*: the canonical forms may differ
    for equal matrices when guards cannot be simplified to one form.
    """
    for a, b in zip(lhs.shape, rhs.shape):
        if canonical_size(a - b) != 0:
            return False, f"shapes not shown equal: {lhs.shape} vs {rhs.shape}"
    for side in (lhs, rhs):
        why = undefined(side)
        if why is not None:
            return False, f"not applicable: {why}"
    try:
        left, right = canonical_rows(lhs), canonical_rows(rhs)
    except _UnsupportedError as reason:
        return False, f"not applicable: {reason}"
    if left == right:
        return True, f"row i of both sides: {_show(left)}"
    return False, f"row forms differ: left {_show(left)}, right {_show(right)}"


def entrywise_equal_nd(lhs: sp.Basic, rhs: sp.Basic, rank: int) -> tuple[bool, str]:
    """``(True, detail)`` when the rows (c, i₁, …, i_rank) of both sides agree term by term
    for every output channel c, else ``(False, why)``.

    The same canonical rows as :func:`entrywise_equal`, with one symbolic index per
    spatial axis; channels are enumerated (their counts must be numbers), the spatial
    sizes may be symbols. ``False`` means *not shown*, not refuted.

    Examples
    --------
    >>> import sympy as sp
    >>> from symconv import CorrNd
    >>> n1, n2 = sp.symbols("n1 n2", integer=True, positive=True)
    >>> C = CorrNd([[[[1, 2]]]], (n1, n2 + 1))
    >>> entrywise_equal_nd(C.T.T, C, 2)[0]
    True
    >>> entrywise_equal_nd(CorrNd([[[[2, 1]]]], (n1, n2 + 1)), C, 2)[0]
    False
    """
    if not (isinstance(rank, int) and rank >= 1):
        raise ParameterError("rank", rank, "the number of spatial axes, an integer >= 1")
    try:
        left_shape, right_shape = index_shape(lhs, rank + 1), index_shape(rhs, rank + 1)
    except _UnsupportedError as reason:
        return False, f"not applicable: {reason}"
    for side in (lhs, rhs):
        why = undefined(side)
        if why is not None:
            return False, f"not applicable: {why}"
    if not (_same(left_shape[0], right_shape[0]) and _same(left_shape[1], right_shape[1])):
        return False, f"axis shapes not shown equal: {left_shape} vs {right_shape}"
    sizes = left_shape[0]
    if not sp.sympify(sizes[0]).is_Integer:
        return False, "not applicable: a symbolic number of channels"
    indices = tuple(sp.Symbol(f"i_{k + 1}", integer=True, nonnegative=True) for k in range(rank))
    count = 0
    for c in range(int(sizes[0])):
        index = (sp.Integer(c), *indices)
        try:
            left, right = (_canonical_terms(row_terms(s, index), index, sizes) for s in (lhs, rhs))
        except _UnsupportedError as reason:
            return False, f"not applicable: {reason}"
        if left != right:
            return (
                False,
                f"row forms differ at channel {c}: left {_show(left)}, right {_show(right)}",
            )
        count += len(left)
    names = ", ".join(str(i) for i in indices)
    return True, (
        f"row (c, {names}) of both sides agrees term by term for every one of the "
        f"{sizes[0]} output channel(s) ({count} index maps with per-axis guards)"
    )
