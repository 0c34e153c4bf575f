"""Transposed convolution three ways: as a transpose, as a correlation, as a direct conv.

Also the misprinted variant of ``transposed-conv-as-transpose`` printed in the Stack Exchange
Q&A (↑ₖ inside the parentheses), which :func:`misprint` refutes with a counterexample.
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.matrices.expressions import MatMul, Transpose

from symconv import kernels, sizes
from symconv.catalogue._common import (
    K_PARAM,
    LAYER_PARAMS,
    M_PARAM,
    MODE_PARAM,
    N_RANGE,
    at_least,
    k,
    n,
    param,
    q,
    taps,
)
from symconv.catalogue._common import d as d_symbol
from symconv.catalogue._common import hi as hi_symbol
from symconv.catalogue._common import lo as lo_symbol
from symconv.catalogue._common import m as m_symbol
from symconv.catalogue._common import s as s_symbol
from symconv.catalogue.entry import Entry, chain_from_script, grid
from symconv.derivation import Step
from symconv.errors import ParameterError
from symconv.operators import Conv, ConvTranspose, Corr, Downsample, Upsample
from symconv.proof.counterexample import Counterexample
from symconv.proof.rules import RULES, border, mul
from symconv.proof.symbolic import BoundedSymbol
from symconv.proof.tiers import Instance, exhaustive_tier

__all__ = ["ENTRIES", "misprint"]

# --- transposed-conv-as-transpose -------------------------------------------


def _as_transpose_sides(n: object, k: object, m: object, mode: str) -> tuple:
    conv = Conv(taps(m), k * n, mode)
    lhs = MatMul(conv, Upsample(n, k))
    return lhs, Transpose(MatMul(Downsample(k * n, k), Transpose(conv)))


def _as_transpose_chain(n: object, k: object, m: int, mode: str) -> list:
    lhs, rhs = _as_transpose_sides(n, k, m, mode)
    conv = lhs.args[0]
    return chain_from_script(
        lhs,
        [
            ("to", MatMul(conv, Transpose(Downsample(k * n, k))), "down-transpose"),
            (
                "to",
                MatMul(Transpose(Transpose(conv)), Transpose(Downsample(k * n, k))),
                "double-transpose",
            ),
            ("to", rhs, "transpose-product"),
        ],
    )


TRANSPOSED_CONV_AS_TRANSPOSE = Entry(
    name="transposed-conv-as-transpose",
    statement="q∗(↑ₖx) = (↓ₖ(q∗)ᵀ)ᵀx with q∗ on ℝᵏⁿ in any mode and ↑ₖ from ℝⁿ to ℝᵏⁿ, "
    "for all n, k >= 1 and every kernel",
    source='Data Science Stack Exchange, "What are deconvolutional layers?" '
    "(q∗(↑ₖx) = q∗(↓ₖᵀx) = (↓ₖ(q∗)ᵀ)ᵀx)",
    params=(param("n", 2, "input length"), K_PARAM, M_PARAM, MODE_PARAM),
    sides=_as_transpose_sides,
    chain=_as_transpose_chain,
    grid=lambda: grid(n=range(1, 7), k=range(1, 5), m=range(1, 6), mode=sizes.CONV_MODES),
    bounds="n ≤ 6 (k·n ≤ 24), k ≤ 4, m ≤ 5, all three modes",
    general=lambda m, mode, **_: (
        _as_transpose_chain(n, k, m, mode),
        _as_transpose_sides(n, k, m, mode)[1],
        f"for all n, k (m = {m}, mode {mode})",
    ),
    symbolic=lambda mode, **_: (
        *_as_transpose_sides(n, k, m_symbol, mode),
        f"for all n, k, m >= 1 (mode {mode})",
    ),
    numeric_every=3,
)


def misprint(m: int = 3) -> tuple[str, Counterexample | None, str]:
    """Refute the Q&A's misprint q∗(↑ₖx) = (↑ₖ(q∗)ᵀ)ᵀx: ``(statement, counterexample, detail)``.

    The search runs over n, k (smallest first) with q∗ 'same' on ℝᵏⁿ; a side
    that cannot even be formed counts as a difference of shapes.

    Examples
    --------
    >>> statement, counterexample, _ = misprint()
    >>> print(counterexample)
    at n=1, k=2: shapes differ: left (3, 1), right (3, 4)
    """
    from symconv.proof.counterexample import Difference

    statement = "q∗(↑ₖx) = (↑ₖ(q∗)ᵀ)ᵀx  (misprint: ↑ₖ inside the parentheses)"
    instances = []
    for values in grid(n=N_RANGE, k=range(1, 5)):
        conv = Conv(q(m), values["k"] * values["n"], "same")
        lhs = MatMul(conv, Upsample(values["n"], values["k"]))
        up = Upsample(conv.cols, values["k"])
        if up.cols != conv.T.rows:
            difference = Difference(
                tuple(lhs.shape),
                ("undefined", f"↑ₖ has {up.cols} columns, (q∗)ᵀ {conv.T.rows} rows"),
            )
            return statement, Counterexample(values, difference, lhs, None), str(difference)
        instances.append(Instance(values, lhs, Transpose(MatMul(up, Transpose(conv)))))
    result, counterexample = exhaustive_tier(instances, "n ≤ 12, k ≤ 4")
    return statement, counterexample, result.detail


# --- conv-transpose-is-correlation ------------------------------------------

_PARTNER = {"full": "valid", "valid": "full", "same": "same"}


def _correlation_sides(n: object, m: object, mode: str) -> tuple:
    if mode != "full" and sp.sympify(n - m).is_negative:
        raise ParameterError("n", n, f"n >= m = {m} for mode {mode!r}")
    if mode == "same" and sp.sympify(m).is_even:
        raise ParameterError("m", m, "an odd kernel length for mode 'same'")
    kernel = taps(m)
    flipped = kernel.flipped() if isinstance(kernel, kernels.KernelFamily) else kernels.flip(kernel)
    conv = Conv(kernel, n, mode)
    return Transpose(conv), Conv(flipped, conv.rows, _PARTNER[mode])


def _correlation_symbolic(mode: str) -> tuple:
    """Both sides with n, m free: n >= m a stated bound for valid and same, m odd for same."""
    if mode == "full":
        return (*_correlation_sides(n, m_symbol, mode), "for all n, m >= 1 (mode full)")
    length = sp.Symbol("m", integer=True, positive=True, odd=True) if mode == "same" else m_symbol
    size = BoundedSymbol("n", length, sp.oo, integer=True, positive=True)
    odd = ", m odd" if mode == "same" else ""
    return (*_correlation_sides(size, length, mode), f"for all n >= m >= 1{odd} (mode {mode})")


def _correlation_chain(n: object, m: int, mode: str) -> list:
    return chain_from_script(
        _correlation_sides(n, m, mode)[0], [("rule", "conv-transpose"), ("rule", "corr-as-conv")]
    )


_nn = sp.Symbol("n_0", integer=True, nonnegative=True)


def _general_n(m: int, mode: str) -> sp.Expr:
    return n if mode == "full" else m + _nn


CONV_TRANSPOSE_IS_CORRELATION = Entry(
    name="conv-transpose-is-correlation",
    statement="(q∗)ᵀ = correlation with q = flip(q)∗: full ↔ valid for all n, m; valid ↔ full for "
    "n >= m; same ↔ same for n >= m and m odd (the matched filter)",
    source='lecture slides "Convolution, De-convolution, Transposed convolution, Fractional-stride '
    'convolution" ("transpose filter"); '
    'Data Science Stack Exchange, "What are deconvolutional layers?"',
    params=(param("n", 5, "signal length"), M_PARAM, MODE_PARAM),
    sides=_correlation_sides,
    chain=_correlation_chain,
    grid=lambda: grid(n=N_RANGE, m=range(1, 6), mode=sizes.CONV_MODES),
    bounds="n ≤ 12, m ≤ 5, every mode where it holds",
    general=lambda m, mode, **_: (
        _correlation_chain(_general_n(m, mode), m, mode),
        _correlation_sides(_general_n(m, mode), m, mode)[1],
        f"for all n{'' if mode == 'full' else ' >= m'} (m = {m}, mode {mode})",
    ),
    symbolic=lambda mode, **_: _correlation_symbolic(mode),
)


# --- transposed-conv-as-direct-conv -----------------------------------------


# The exhaustive grid (~10⁴ points) meets the same kernels, borders, correlations and
# up-samplings many times over: build each once (all immutable).
_flipped = functools.lru_cache(maxsize=None)(lambda m, d: kernels.flip(kernels.dilate(q(m), d)))
_border = functools.lru_cache(maxsize=4096)(border)
_corr = functools.lru_cache(maxsize=4096)(Corr)
_upsample = functools.lru_cache(maxsize=4096)(Upsample)


def fractional_frame(
    n: object, m: object, s: object, lo: object, hi: object, d: object, a: object
) -> tuple[sp.MatrixExpr, sp.MatrixExpr]:
    """One axis of the direct form: ``(framed, spread)``, the input spread by ↑ₛ (s − 1
    zeros between samples), then bordered by (d(m−1) − lo, d(m−1) − hi + a), negative
    amounts cropping. The 2-D form applies it on each axis."""
    D = d * (m - 1)
    stretched = s * (n - 1) + 1
    framed = _border(stretched, D - lo, D - hi + a)
    return framed, _upsample(n, s, stretched) if s != 1 else sp.Identity(n)


def _direct_sides(n: object, m: object, s: object, lo: object, hi: object, d: object, a: object):
    if (sp.sympify(a) >= s) == sp.true:
        raise ParameterError("a", a, f"0 <= a < s = {s}")
    framed, spread = fractional_frame(n, m, s, lo, hi, d, a)
    symbolic = not all(sp.sympify(v).is_Integer for v in (m, s, d))
    kernel = taps(m)
    lhs = ConvTranspose(kernel, n, (lo, hi), s, d, a)
    flipped = kernel.dilated(d).flipped() if symbolic else _flipped(m, d)
    rhs = mul(_corr(flipped, framed.rows), framed, spread)
    return lhs, rhs


def _direct_chain(n: object, m: int, s: int, lo: int, hi: int, d: int, a: int) -> list:
    lhs = _direct_sides(n, m, s, lo, hi, d, a)[0]
    D, p = d * (m - 1), kernels.dilate(q(m), d)
    steps = chain_from_script(
        lhs,
        [
            ("rule", "conv-transpose-definition"),
            ("rule", "corr-stride"),
            ("rule", "corr-dilation"),
            ("rule", "corr-padding"),
            ("rule", "transpose-product"),
            ("rule*", "pad-transpose"),
            ("rule*", "corr-transpose"),
            ("rule*", "down-transpose"),
            ("rule", "upsample-length"),
        ],
    )
    current = steps[-1].expr
    # Read the full convolution backwards: a correlation with the flipped kernel, padded by D.
    full = next(f for f in _factors(current) if isinstance(f, Conv))
    flipped = Corr(kernels.flip(p), full.n, (D, D))
    target = mul(*(flipped if f == full else f for f in _factors(current)))
    steps.append(Step(target, RULES["corr-as-conv"].rule))
    steps += chain_from_script(
        steps[-1].expr,
        [("rule", "corr-padding"), ("rule", "crop-through-corr"), ("rule*", "pad-crop-merge")],
    )[1:]
    return steps


def _factors(expr: sp.Basic) -> list:
    return list(expr.args) if isinstance(expr, MatMul) else [expr]


#: The output padding with its condition 0 <= a <= s − 1, and the input length with the
#: condition of a non-empty output, s(n − 1) + d(m − 1) + 1 + a − lo − hi >= 1.
_direct_a = BoundedSymbol("a", 0, s_symbol - 1, integer=True, nonnegative=True)
_direct_n = at_least(
    "n", 1 + (lo_symbol + hi_symbol - d_symbol * (m_symbol - 1) - _direct_a) / s_symbol
)

TRANSPOSED_CONV_AS_DIRECT_CONV = Entry(
    name="transposed-conv-as-direct-conv",
    statement="ConvTranspose(q; s, lo, hi, d, a) = stride-1 valid correlation with flip(↑_d q) "
    "of the "
    "input with s−1 zeros between samples, bordered by (d(m−1)−lo, d(m−1)−hi+a) (negative: crop); "
    "for all n, m, s, d >= 1, lo, hi >= 0, 0 <= a < s with a non-empty output",
    source='daved01/deconvolutions README (examples 2 and 3, "fractionally strided"); '
    "Dumoulin & Visin (2016), relationships 8–14",
    params=(
        param("n", 3, "input length"),
        *LAYER_PARAMS,
        param("a", 0, "output padding, 0 <= a < s", minimum=0),
    ),
    sides=_direct_sides,
    chain=_direct_chain,
    grid=lambda: grid(
        n=range(1, 13),
        m=range(1, 6),
        s=range(1, 5),
        lo=range(0, 2),
        hi=range(0, 2),
        d=range(1, 5),
        a=range(0, 4),
    ),
    bounds="n ≤ 12, m ≤ 5, s ≤ 4, d ≤ 4, lo, hi ≤ 1, every a < s",
    general=lambda m, s, lo, hi, d, a, **_: (
        _direct_chain(n, m, s, lo, hi, d, a),
        _direct_sides(n, m, s, lo, hi, d, a)[1],
        f"for all n (m = {m}, s = {s}, lo = {lo}, hi = {hi}, d = {d}, a = {a})",
    ),
    symbolic=lambda **_: (
        *_direct_sides(_direct_n, m_symbol, s_symbol, lo_symbol, hi_symbol, d_symbol, _direct_a),
        "for all n, m, s, d >= 1, lo, hi >= 0 and 0 <= a < s with a non-empty output "
        "(s(n−1) + d(m−1) + 1 + a > lo + hi)",
    ),
    numeric_every=40,
)

ENTRIES = (
    TRANSPOSED_CONV_AS_TRANSPOSE,
    CONV_TRANSPOSE_IS_CORRELATION,
    TRANSPOSED_CONV_AS_DIRECT_CONV,
)
