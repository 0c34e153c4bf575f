"""Dumoulin & Visin's relationships 1–15: output sizes of conv, pooling, transposed, dilated conv.

Each relationship is a formula in the guide's notation (input i, kernel k,
stride s, padding p on both sides, dilation d; a transposed conv maps i' back
to o') with the conditions under which the guide states it. They are proven
here, not copied:

- *symbolic*: every output formula is reduced to symconv's own size functions
  (:func:`symconv.sizes.corr_length`, :func:`symconv.sizes.conv_transpose_length`)
  for symbolic i, k, p, s, d; and every transposed relationship round-trips,
  o'(o(i)) = i for every stride, by s·⌊x/s⌋ + (x mod s) = x,
  which is where the floor lives;
- *exhaustive*: every formula equals the shape of the actual operator
  (:class:`~symconv.Corr`, :class:`~symconv.ConvTranspose`) at every size up
  to the bounds where its conditions hold;
- *numeric*: the independent oracle's output has the formula's length.

Examples
--------
>>> [r.number for r in RELATIONSHIPS][:3], RELATIONSHIPS[5].name
([1, 2, 3], 'padding and strides')
>>> RELATIONSHIPS[5].value(5, 3, 2, 1, 1)  # i = 5, k = 3, s = 2, p = 1 (the guide's figure 2.6)
3
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from symconv import sizes
from symconv.catalogue.entry import Entry, argued
from symconv.derivation import Rule, Step, Tier, TierResult
from symconv.errors import SymconvError
from symconv.operators import ConvTranspose, Corr
from symconv.proof import oracle

__all__ = ["ENTRIES", "RELATIONSHIPS", "Relationship"]

i, k, s, p, d, i_ = sp.symbols("i k s p d i'", integer=True, positive=True)
p = sp.Symbol("p", integer=True, nonnegative=True)


a = sp.Symbol("a")


@dataclass(frozen=True)
class Relationship:
    """One relationship of the guide: o (or o') as a formula, under conditions.

    ``given`` states the guide's conditions once, as equations ``{symbol: value}``: the
    symbolic tier substitutes them, and ``applies`` checks them at concrete values
    (``a`` is the forward conv's output padding (i + 2p − d(k − 1) − 1) mod s, so
    ``a = 0`` says that s divides i + 2p − k); ``conditions`` is the guide's wording.
    ``transposed`` relationships express o' in terms of the forward conv's output
    i' = o(i), and must give back i.
    """

    number: int
    name: str
    formula: sp.Expr
    conditions: str
    given: dict
    transposed: bool = False

    @functools.cached_property
    def _differences(self) -> Callable[..., list]:
        """lhs − rhs of every equation of ``given``, as a plain function of i, k, s, p, d, a
        (``applies`` runs over thousands of sizes)."""
        return sp.lambdify((i, k, s, p, d, a), [lhs - rhs for lhs, rhs in self.given.items()])

    def applies(self, i0: int, k0: int, s0: int, p0: int, d0: int) -> bool:
        """Whether every equation of ``given`` holds at these values."""
        a0 = int(sizes.output_padding(i0, k0, (p0, p0), s0, d0)) if a in self.given else 0
        return not any(self._differences(i0, k0, s0, p0, d0, a0))

    def value(self, i0: int, k0: int, s0: int, p0: int, d0: int) -> int:
        forward = sizes.corr_length(i0, k0, (p0, p0), s0, d0)
        a0 = sizes.output_padding(i0, k0, (p0, p0), s0, d0)
        subs = {i: i0, k: k0, s: s0, p: p0, d: d0, i_: forward, a: a0}
        return int(self.formula.xreplace(subs))


#: Dumoulin & Visin's relationships: number, name, formula, the guide's conditions, the
#: same conditions as equations, transposed.
RELATIONSHIPS = tuple(
    Relationship(*row)
    for row in [
        (1, "no padding, unit strides", i - k + 1, "s = 1, p = 0", {s: 1, p: 0, d: 1}),
        (2, "arbitrary padding, unit strides", i - k + 2 * p + 1, "s = 1", {s: 1, d: 1}),
        (3, "half (same) padding", i, "s = 1, k odd, p = ⌊k/2⌋", {s: 1, d: 1, k: 2 * p + 1}),
        (4, "full padding", i + k - 1, "s = 1, p = k − 1", {s: 1, d: 1, p: k - 1}),
        (5, "no padding, strides", sp.floor((i - k) / s) + 1, "p = 0", {p: 0, d: 1}),
        (6, "padding and strides", sp.floor((i + 2 * p - k) / s) + 1, "any i, k, p, s", {d: 1}),
        (7, "pooling", sp.floor((i - k) / s) + 1, "pooling window k, stride s, no padding",
         {p: 0, d: 1}),
        (8, "transposed: no padding, unit strides", i_ + k - 1, "forward s = 1, p = 0",
         {s: 1, p: 0, a: 0, d: 1}, True),
        (9, "transposed: padding, unit strides", i_ + k - 1 - 2 * p, "forward s = 1",
         {s: 1, a: 0, d: 1}, True),
        (10, "transposed: half padding", i_, "forward s = 1, k odd, p = ⌊k/2⌋",
         {s: 1, a: 0, k: 2 * p + 1, d: 1}, True),
        (11, "transposed: full padding", i_ - (k - 1), "forward s = 1, p = k − 1",
         {s: 1, a: 0, p: k - 1, d: 1}, True),
        (12, "transposed: no padding, strides", s * (i_ - 1) + k, "forward p = 0, s | i − k",
         {p: 0, a: 0, d: 1}, True),
        (13, "transposed: padding, strides", s * (i_ - 1) + k - 2 * p, "s | i + 2p − k",
         {a: 0, d: 1}, True),
        (14, "transposed: padding, strides, odd", s * (i_ - 1) + a + k - 2 * p,
         "a = (i + 2p − k) mod s", {d: 1}, True),
        (15, "dilated convolution", sp.floor((i + 2 * p - k - (k - 1) * (d - 1)) / s) + 1,
         "dilation d", {}),
    ]
)  # fmt: skip


def _forward_symbolic() -> sp.Expr:
    return sizes.corr_length(i, k, (p, p), s, d)


def _symbolic_checks() -> list[tuple[int, bool, str, tuple]]:
    """Each relationship against symconv.sizes, symbolically; transposed ones round-trip.

    Returns ``(number, shown, words, expressions compared)`` per relationship: the
    expressions keep i, k, s, p (and d, for 15) symbolic except where the
    relationship's own conditions set them.
    """
    results = []
    for r in RELATIONSHIPS:
        if not r.transposed:
            # Specialise the general length to the relationship's conditions, then compare.
            special = r.given
            target = _forward_symbolic().xreplace(special)
            formula = r.formula.xreplace(special)
            ok = sp.simplify(target - formula) == 0
            results.append(
                (
                    r.number,
                    ok,
                    "= corr_length for all values ("
                    + (", ".join(f"{a_}={b}" for a_, b in special.items()) or "general")
                    + ")",
                    (target, formula),
                )
            )
            continue
        # o' = conv_transpose_length(i', k, (p, p), s, 1, a) with the relationship's conditions …
        special = r.given
        length = sizes.conv_transpose_length(i_, k, (p, p), s, 1, a).xreplace(special)
        ok = sp.simplify(length - r.formula.xreplace(special)) == 0
        # … and it returns the forward input, i' = o(i) ↦ i, for every stride s at once:
        # relationship 14 for any i with a = (i + 2p − k) mod s, where the step is
        # s·⌊x/s⌋ + (x mod s) = x; 8–13 where s divides x = i + 2p − k (i = s·u + k − 2p).
        u = sp.Symbol("u", integer=True, nonnegative=True)
        if r.number == 14:
            i0, a0 = i, sp.Mod(i + 2 * p - k, s)
        else:
            i0, a0 = s * u + k - 2 * p, sp.Integer(0)
        forward = sizes.corr_length(i0, k, (p, p), s, 1)
        back = r.formula.xreplace({i_: forward, a: a0}).xreplace(special)
        ok = ok and sp.simplify((back - i0.xreplace(special)).rewrite(sp.floor)) == 0
        results.append(
            (
                r.number,
                ok,
                "= conv_transpose_length, and o'(o(i)) = i for all s",
                (length, back, i0.xreplace(special)),
            )
        )
    return results


def _grid() -> list[tuple[int, int, int, int, int]]:
    return [
        (i0, k0, s0, p0, d0)
        for i0 in range(1, 13)
        for k0 in range(1, 6)
        for s0 in range(1, 5)
        for p0 in range(0, 5)
        for d0 in range(1, 5)
    ]


def _actual(r: Relationship, i0: int, k0: int, s0: int, p0: int, d0: int) -> int | None:
    """The operator's own length: Corr's rows, or the rows of the transposed conv (= i)."""
    try:
        forward = Corr((1,) * k0, i0, (p0, p0), s0, d0)
    except SymconvError:
        return None
    if not r.transposed:
        return int(forward.rows)
    a0 = int(sizes.output_padding(i0, k0, (p0, p0), s0, d0))
    return int(ConvTranspose((1,) * k0, forward.rows, (p0, p0), s0, d0, a0).rows)


def _tiers(**_: object) -> tuple[list, tuple[TierResult, ...]]:
    symbolic = _symbolic_checks()
    checked, failures = 0, []
    for values in _grid():
        for r in RELATIONSHIPS:
            if not r.applies(*values):
                continue
            actual = _actual(r, *values)
            if actual is None:
                continue
            checked += 1
            if actual != r.value(*values):
                failures.append((r.number, values))
    numeric_checked, numeric_failures = 0, []
    for values in _grid()[::37]:
        for r in RELATIONSHIPS:
            if r.transposed or not r.applies(*values) or _actual(r, *values) is None:
                continue
            i0, k0, s0, p0, d0 = values
            rows = oracle.dense(Corr((1.0,) * k0, i0, (p0, p0), s0, d0), {}).shape[0]
            numeric_checked += 1
            if rows != r.value(*values):
                numeric_failures.append((r.number, values))
    return [], (
        # The entry has no parameters of its own: every size is a symbol of the argument.
        argued(
            Tier.SYMBOLIC,
            [(ok, f"relationship {n} {t}", exprs) for n, ok, t, exprs in symbolic],
            CONV_ARITHMETIC_PARAMS,
            {},
        ),
        TierResult(
            Tier.EXHAUSTIVE,
            not failures,
            f"{checked} (relationship, size) pairs equal the operators' shapes "
            "(i ≤ 12, k ≤ 5, s ≤ 4, p ≤ 4, d ≤ 4)"
            + (f"; failures {failures[:3]}" if failures else ""),
        ),
        TierResult(
            Tier.NUMERIC,
            not numeric_failures,
            f"the oracle's output length equals the formula in {numeric_checked} cases",
        ),
    )


#: The relationships are statements about every i, k, s, p, d at once: no CLI parameters.
CONV_ARITHMETIC_PARAMS: tuple = ()


def _steps(**_: object) -> list[Step]:
    return [
        Step(
            sp.Eq(sp.Symbol("o'" if r.transposed else "o"), r.formula),
            Rule(f"relationship-{r.number}", f"{r.name}: {r.conditions}", sp.latex(r.formula)),
            note=r.conditions,
        )
        for r in RELATIONSHIPS
    ]


CONV_ARITHMETIC = Entry(
    name="conv-arithmetic",
    statement="Dumoulin & Visin's relationships 1–15 (output sizes of conv, pooling, transposed "
    "and "
    "dilated conv), each under its stated conditions, for all sizes",
    source='Dumoulin & Visin, "A guide to convolution arithmetic for deep learning" (2016/2018); '
    'blog post "Transfer convolution transposed convolution" (Alibaba Cloud community)',
    params=CONV_ARITHMETIC_PARAMS,
    sides=lambda: (None, None),
    chain=_steps,
    grid=lambda: [],
    bounds="",
    extra=_tiers,
)

ENTRIES = (CONV_ARITHMETIC,)
