"""The named rewrite rules of the proof engine, and how each one is established.

A rule is a local rewrite: ``RewriteRule.apply`` takes one node of an
expression tree (or, for a product, a window of adjacent factors) and returns
its replacement, or ``None`` where the rule does not apply. Every rule works
with symbolic sizes. None is taken on trust: ``RewriteRule.established``
says why it holds (a closed-form transpose written into the operator class, or
plain linear algebra) and ``RewriteRule.instances`` yields concrete cases
that :func:`establish` checks exactly, with symbolic taps, for every size up
to the stated bounds.

Examples
--------
>>> from sympy import Transpose
>>> from symconv import Downsample
>>> RULES["down-transpose"].apply(Transpose(Downsample(5, 2)))
Upsample(3, 2, 5)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import sympy as sp
from sympy.matrices.expressions import Identity, MatAdd, MatMul, Transpose

from symconv import kernels, sizes
from symconv.derivation import Rule
from symconv.errors import SymconvError
from symconv.operators.base import expand_power
from symconv.operators.convolution import Conv, ConvTranspose, Corr
from symconv.operators.flip import Flip
from symconv.operators.padding import Crop, Pad
from symconv.operators.padding_modes import BorderFold, BorderPad
from symconv.operators.sampling import Downsample, NearestUpsample, Upsample

__all__ = [
    "RULES",
    "RewriteRule",
    "border",
    "establish",
    "expand_power",
    "mul",
    "preload",
]

Node = sp.Basic


def mul(*factors: Node) -> Node:
    """An unevaluated product, nested products flattened, identities dropped.

    A product of identities and scalars keeps its size: ``c·Iₙ`` stays ``c·Iₙ``, never the
    bare scalar ``c`` (which has no size, and would make ``2·I₃`` equal ``2·I₅``).

    Examples
    --------
    >>> from sympy import Identity
    >>> from symconv import Flip
    >>> mul(2, Identity(3), Identity(3))
    2*I
    >>> mul(2, Identity(3), Identity(3)).shape
    (3, 3)
    >>> mul(Identity(4), Flip(4))
    Flip(4)
    """
    flat: list[Node] = []
    coeff = sp.Integer(1)
    identity: Node | None = None  # the last identity dropped: the size of an all-identity product
    for f in factors:
        if isinstance(f, MatMul):
            c, fs = f.as_coeff_matrices()
            coeff *= c
            for x in fs:
                if isinstance(x, Identity):
                    identity = x
                else:
                    flat.append(x)
        elif isinstance(f, Identity):
            identity = f
        elif getattr(f, "is_Matrix", False):
            flat.append(f)
        else:
            coeff *= f
    if not flat:
        if identity is None:
            raise ValueError(f"a product needs a matrix factor: {factors}")
        flat = [identity]
    if len(flat) == 1 and coeff == 1:
        return flat[0]
    return MatMul(*([coeff] if coeff != 1 else []), *flat)


@dataclass(frozen=True)
class RewriteRule:
    """A named rule: the rule itself, how to apply it, and how it is established.

    Attributes
    ----------
    rule : symconv.derivation.Rule
        Name, plain statement and LaTeX.
    apply : callable
        ``node -> replacement or None`` on a single node.
    window : int
        0 for a rule on single nodes; w >= 2 for a rule on w adjacent factors
        of a product (then ``apply`` takes a tuple of factors).
    established : str
        Why the rule holds for all sizes.
    instances : callable
        Yields ``(before, after)`` pairs at concrete sizes for the exhaustive check.
    """

    rule: Rule
    apply: Callable[[object], Node | None]
    established: str
    instances: Callable[[], Iterable[tuple[Node, Node]]]
    window: int = 0

    @property
    def name(self) -> str:
        return self.rule.name


RULES: dict[str, RewriteRule] = {}

#: The bounds every rule is checked to (the issue's minimum bounds).
N_MAX, M_MAX, K_MAX = 12, 5, 4


def _add(name: str, statement: str, latex: str, established: str, window: int = 0):
    def decorate(pair: tuple[Callable, Callable]) -> tuple[Callable, Callable]:
        apply, instances = pair
        RULES[name] = RewriteRule(
            Rule(name, statement, latex), apply, established, instances, window
        )
        return pair

    return decorate


def _q(m: int) -> tuple[sp.Symbol, ...]:
    return kernels.kernel("q", m)


def _attempt(build: Callable[[], Node]) -> Node | None:
    try:
        return build()
    except SymconvError:
        return None


def _pairs(build: Callable[..., Node], rule: str, *ranges: Iterable[int]) -> Iterator[tuple]:
    """(before, after) for every combination of the ranges where ``before`` is valid."""
    for values in itertools.product(*ranges):
        before = _attempt(lambda values=values: build(*values))
        if before is None:
            continue
        for candidate in _apply_everywhere(before, RULES[rule]):
            yield before, candidate


def _apply_everywhere(expr: Node, rule: RewriteRule) -> list[Node]:
    from symconv.proof.rewrite import candidates

    return candidates(expr, rule)


# --- linear algebra ---------------------------------------------------------


def _transpose_product(node: Node) -> Node | None:
    if isinstance(node, Transpose) and isinstance(node.arg, MatMul):
        coeff, factors = node.arg.as_coeff_matrices()
        return mul(*([coeff] if coeff != 1 else []), *(Transpose(f) for f in reversed(factors)))
    return None


_LINEAR = "linear algebra: ((AB)ᵀ)ᵢⱼ = Σₗ AⱼₗBₗᵢ = (BᵀAᵀ)ᵢⱼ for any matrices"

_add(
    "transpose-product",
    "(AB)ᵀ = BᵀAᵀ",
    r"(AB)^{\mathsf{T}} = B^{\mathsf{T}}A^{\mathsf{T}}",
    _LINEAR,
)(
    (
        _transpose_product,
        lambda: _pairs(
            lambda n, k: Transpose(MatMul(Conv(_q(3), k * n, "same"), Upsample(n, k))),
            "transpose-product",
            range(1, N_MAX + 1),
            range(1, K_MAX + 1),
        ),
    )
)


def _transpose_sum(node: Node) -> Node | None:
    if isinstance(node, Transpose) and isinstance(node.arg, MatAdd):
        return MatAdd(*(Transpose(a) for a in node.arg.args))
    return None


_add(
    "transpose-sum",
    "(A + B)ᵀ = Aᵀ + Bᵀ",
    r"(A+B)^{\mathsf{T}} = A^{\mathsf{T}} + B^{\mathsf{T}}",
    "linear algebra: transposition is linear",
)(
    (
        _transpose_sum,
        lambda: _pairs(
            lambda n: Transpose(MatAdd(Conv(_q(2), n, "full"), Conv((1, 1), n, "full"))),
            "transpose-sum",
            range(1, N_MAX + 1),
        ),
    )
)


def _double_transpose(node: Node) -> Node | None:
    if isinstance(node, Transpose) and isinstance(node.arg, Transpose):
        return node.arg.arg
    return None


_add("double-transpose", "(Aᵀ)ᵀ = A", r"(A^{\mathsf{T}})^{\mathsf{T}} = A", "linear algebra")(
    (
        _double_transpose,
        lambda: _pairs(
            lambda n, m: Transpose(Transpose(Conv(_q(m), n, "same"))),
            "double-transpose",
            range(1, N_MAX + 1),
            range(1, M_MAX + 1),
        ),
    )
)


def _identity_unit(factors: tuple[Node, Node]) -> Node | None:
    a, b = factors
    if isinstance(a, Identity):
        return b
    if isinstance(b, Identity):
        return a
    return None


_add("identity", "IA = AI = A", r"IA = A", "linear algebra", window=2)(
    (
        _identity_unit,
        lambda: ((MatMul(Identity(n), Flip(n)), Flip(n)) for n in range(1, N_MAX + 1)),
    )
)


def _flip_flip(factors: tuple[Node, Node]) -> Node | None:
    a, b = factors
    if isinstance(a, Flip) and isinstance(b, Flip) and sp.simplify(a.n - b.n) == 0:
        return Identity(b.n)
    return None


_add(
    "flip-involution",
    "JJ = I",
    r"JJ = I",
    "closed form: (JJx)ᵢ = (Jx)_{n−1−i} = x_{n−1−(n−1−i)} = xᵢ",
    window=2,
)(
    (
        _flip_flip,
        lambda: ((MatMul(Flip(n), Flip(n)), Identity(n)) for n in range(1, N_MAX + 1)),
    )
)


# --- closed-form transposes -------------------------------------------------


def _closed_form(cls: type) -> Callable[[Node], Node | None]:
    def apply(node: Node) -> Node | None:
        if isinstance(node, Transpose) and type(node.arg) is cls:
            return node.arg._eval_transpose()
        return None

    return apply


def _closed(name: str, cls: type, statement: str, latex: str, build: Callable[..., Node], *ranges):
    _add(
        name,
        statement,
        latex,
        f"closed form: {cls.__name__}._eval_transpose, entry (i, j) of the result equals "
        "entry (j, i) of the original",
    )((_closed_form(cls), lambda: _pairs(lambda *v: Transpose(build(*v)), name, *ranges)))


_N, _K, _M = range(1, N_MAX + 1), range(1, K_MAX + 1), range(1, M_MAX + 1)
_P = range(0, 3)

_closed(
    "down-transpose",
    Downsample,
    "(↓ₖ on ℝᴺ)ᵀ = ↑ₖ to length N",
    r"\downarrow_k^{\mathsf{T}} = \uparrow_k",
    Downsample,
    _N,
    _K,
)
_closed(
    "up-transpose",
    Upsample,
    "(↑ₖ to length N)ᵀ = ↓ₖ on ℝᴺ",
    r"\uparrow_k^{\mathsf{T}} = \downarrow_k",
    lambda N, k: Upsample(sizes.downsample_length(N, k), k, N),
    _N,
    _K,
)
_closed("pad-transpose", Pad, "Pad(lo, hi)ᵀ = Crop(lo, hi)", r"P^{\mathsf{T}} = C", Pad, _N, _P, _P)
_closed(
    "crop-transpose", Crop, "Crop(lo, hi)ᵀ = Pad(lo, hi)", r"C^{\mathsf{T}} = P", Crop, _N, _P, _P
)
_closed("flip-transpose", Flip, "Jᵀ = J", r"J^{\mathsf{T}} = J", Flip, _N)
_closed(
    "conv-transpose",
    Conv,
    "(q∗)ᵀ = stride-1 correlation with q, padded by the mode's crop",
    r"(q*)^{\mathsf{T}} = q\star",
    lambda n, m, mode: Conv(_q(m), n, mode),
    _N,
    _M,
    sizes.CONV_MODES,
)
_closed(
    "corr-transpose",
    Corr,
    "Corr(q; lo, hi, s, d)ᵀ = ConvTranspose(q; lo, hi, s, d, a) "
    "(a Conv for s = d = 1 and a mode's padding)",
    # The transposed conv is the scatter Crop·((↑_d q) ∗ ↑ₛ): say so, not a tautology.
    r"(q\star_{s,d})^{\mathsf{T}} = \operatorname{Crop}\,((\uparrow_{d} q) \ast \uparrow_{s})",
    lambda n, m, s, d, lo, hi: Corr(_q(m), n, (lo, hi), s, d),
    range(1, 9),
    range(1, 4),
    range(1, 4),
    range(1, 3),
    range(0, 2),
    range(0, 2),
)
_closed(
    "conv-transpose-transpose",
    ConvTranspose,
    "ConvTransposeᵀ = the Corr it transposes",
    r"(q\star^{\mathsf{T}})^{\mathsf{T}} = q\star",
    lambda n, m, s, d, lo, hi, a: ConvTranspose(_q(m), n, (lo, hi), s, d, a),
    range(1, 7),
    range(1, 4),
    range(1, 4),
    range(1, 3),
    range(0, 2),
    range(0, 2),
    range(0, 3),
)


# Padding modes: the fold-back is BorderPad's closed-form transpose, and back.
_MODES = ("reflect", "symmetric", "replicate", "circular")
_closed(
    "border-pad-transpose",
    BorderPad,
    "BorderPad(lo, hi, mode)ᵀ = BorderFold(lo, hi, mode)",
    r"\operatorname{pad}^{\mathsf{T}} = \operatorname{fold}",
    BorderPad,
    range(1, 6),
    range(0, 7),
    range(0, 7),
    _MODES,
)
_closed(
    "border-fold-transpose",
    BorderFold,
    "BorderFold(lo, hi, mode)ᵀ = BorderPad(lo, hi, mode)",
    r"\operatorname{fold}^{\mathsf{T}} = \operatorname{pad}",
    BorderFold,
    range(1, 6),
    range(0, 7),
    range(0, 7),
    _MODES,
)


# --- sampling ---------------------------------------------------------------


def _down_up(factors: tuple[Node, Node]) -> Node | None:
    a, b = factors
    if (
        isinstance(a, Downsample)
        and isinstance(b, Upsample)
        and a.k == b.k
        and sp.simplify(a.n - b.length) == 0
    ):
        return Identity(b.n)
    return None


_add(
    "down-up",
    "↓ₖ↑ₖ = I",
    r"\downarrow_k\uparrow_k = I",
    "closed form: (↓ₖ↑ₖ)ᵢⱼ = [k | ki]·δ(ki/k, j) = δᵢⱼ, no delta sum "
    "(the divisibility is explicit)",
    window=2,
)(
    (
        _down_up,
        lambda: (
            (MatMul(Downsample(N, k), Upsample(n, k, N)), Identity(n))
            for n in _N
            for k in _K
            for N in range(k * (n - 1) + 1, k * n + 1)
        ),
    )
)


def _upsample_length(node: Node) -> Node | None:
    if isinstance(node, Upsample):
        shortest = node.k * (node.n - 1) + 1
        extra = sp.simplify(node.length - shortest)
        if extra != 0:
            return mul(Pad(shortest, 0, extra), Upsample(node.n, node.k, shortest))
    return None


_add(
    "upsample-length",
    "↑ₖ to length N = Pad(0, N − k(n−1) − 1) · ↑ₖ to length k(n−1)+1",
    r"\uparrow_k^{N} = P_{0,a}\uparrow_k",
    "closed form: the longer ↑ₖ only appends zero rows",
)(
    (
        _upsample_length,
        lambda: _pairs(
            lambda n, k, e: Upsample(n, k, k * (n - 1) + 1 + e),
            "upsample-length",
            _N,
            _K,
            range(1, K_MAX),
        ),
    )
)


# --- correlation ------------------------------------------------------------


def _strided(node: Node) -> Node | None:
    if isinstance(node, Corr) and node.stride != 1:
        inner = Corr(node.kernel, node.n, node.padding, 1, node.dilation)
        return mul(Downsample(inner.rows, node.stride), inner)
    return None


_add(
    "corr-stride",
    "Corr(q; s) = ↓ₛ · Corr(q; 1)",
    r"q\star_s = \downarrow_s q\star",
    "closed form: row i of both is Σₜ qₜ x_{is + td − lo}",
)(
    (
        _strided,
        lambda: _pairs(
            lambda n, m, s, lo, hi: Corr(_q(m), n, (lo, hi), s),
            "corr-stride",
            range(1, 9),
            range(1, 4),
            range(2, K_MAX + 1),
            _P,
            _P,
        ),
    )
)


def _dilated(node: Node) -> Node | None:
    if (
        isinstance(node, Corr)
        and node.stride == 1
        and node.dilation != 1
        and node.dilation.is_Integer
    ):
        return Corr(kernels.dilate(node.kernel, int(node.dilation)), node.n, node.padding)
    return None


_add(
    "corr-dilation",
    "Corr(q; d) = Corr(↑_d q; 1)",
    r"q\star_d = (\uparrow_d q)\star",
    "closed form: tap t at offset td is tap td of ↑_d q, the others are zero",
)(
    (
        _dilated,
        lambda: _pairs(
            lambda n, m, d, lo, hi: Corr(_q(m), n, (lo, hi), 1, d),
            "corr-dilation",
            range(1, 9),
            _M,
            range(2, K_MAX + 1),
            _P,
            _P,
        ),
    )
)


def _padding(node: Node) -> Node | None:
    if (
        isinstance(node, Corr)
        and node.stride == 1
        and node.dilation == 1
        and any(p != 0 for p in node.padding)
    ):
        lo, hi = node.padding
        return mul(Corr(node.kernel, node.n + lo + hi), Pad(node.n, lo, hi))
    return None


_add(
    "corr-padding",
    "Corr(q; lo, hi) = Corr(q; valid) · Pad(lo, hi)",
    r"q\star_{p} = q\star P_{p}",
    "definition of zero padding: the padded input is Pad(lo, hi)x",
)(
    (
        _padding,
        lambda: _pairs(
            lambda n, m, lo, hi: Corr(_q(m), n, (lo, hi)), "corr-padding", _N, _M, _P, _P
        ),
    )
)


def _corr_as_conv(node: Node) -> Node | None:
    if isinstance(node, Corr) and node.stride == 1 and node.dilation == 1:
        m, lo = len(node.kernel), node.padding[0]
        for mode in sizes.CONV_MODES:
            conv = _attempt(lambda mode=mode: Conv(kernels.flip(node.kernel), node.n, mode))
            if conv is None:
                continue
            # Corr row i reads x_{i+t−lo}; row r of the full flipped convolution reads
            # x_{r−m+1+t}: they agree when the mode starts at row m − 1 − lo.
            if (
                sp.simplify(conv.crop[0] - (m - 1 - lo)) == 0
                and sp.simplify(conv.rows - node.rows) == 0
            ):
                return conv
    return None


_add(
    "corr-as-conv",
    "stride-1 correlation with q = convolution with flip(q) (the mode whose crop matches)",
    r"q\star = \operatorname{flip}(q)*",
    "closed form: row i of Corr reads x_{i+t−lo}, row i + m − 1 − lo of the full flipped "
    "convolution reads the same taps",
)(
    (
        _corr_as_conv,
        lambda: _pairs(
            lambda n, m, lo, hi: Corr(_q(m), n, (lo, hi)),
            "corr-as-conv",
            range(1, 9),
            _M,
            range(0, M_MAX),
            range(0, M_MAX),
        ),
    )
)


def _crop_through(factors: tuple[Node, Node]) -> Node | None:
    crop, corr = factors
    if (
        isinstance(crop, Crop)
        and isinstance(corr, Corr)
        and corr.stride == 1
        and corr.dilation == 1
        and all(p == 0 for p in corr.padding)
    ):
        return mul(Corr(corr.kernel, corr.n - crop.lo - crop.hi), Crop(corr.n, crop.lo, crop.hi))
    return None


_add(
    "crop-through-corr",
    "Crop(lo, hi) · Corr(q; valid) = Corr(q; valid) · Crop(lo, hi)",
    r"C\,(q\star) = (q\star)\,C",
    "closed form: valid correlation is shift-invariant, output i reads inputs i … i+m−1",
    window=2,
)(
    (
        _crop_through,
        lambda: _pairs(
            lambda n, m, lo, hi: MatMul(Crop(n - m + 1, lo, hi), Corr(_q(m), n)),
            "crop-through-corr",
            _N,
            _M,
            _P,
            _P,
        ),
    )
)


def border(n: object, lo: object, hi: object) -> Node:
    """Pad by (lo, hi), a negative amount meaning a crop: ``Crop · Pad`` (pad first).

    Examples
    --------
    >>> border(5, 2, -1)
    Crop(7, 0, 1)*Pad(5, 2, 0)
    """
    lo, hi = sp.sympify(lo), sp.sympify(hi)
    if lo == 0 and hi == 0:
        return Identity(n)

    def positive_part(v: sp.Expr) -> sp.Expr:
        return sp.Integer(max(int(v), 0)) if v.is_Integer else sp.Max(v, 0)

    pad = Pad(n, positive_part(lo), positive_part(hi))
    crop_lo, crop_hi = positive_part(-lo), positive_part(-hi)
    if crop_lo == 0 and crop_hi == 0:
        return pad
    crop = Crop(pad.rows, crop_lo, crop_hi)
    if pad.lo == 0 and pad.hi == 0:
        return crop
    return MatMul(crop, pad)


def _merge(factors: tuple[Node, Node]) -> Node | None:
    a, b = factors
    if isinstance(a, Pad) and isinstance(b, Pad):
        return Pad(b.n, a.lo + b.lo, a.hi + b.hi)
    if isinstance(a, Crop) and isinstance(b, Pad):
        # Crop·Pad with nothing to cancel on either side is already a border: stop there.
        if sp.Min(a.lo, b.lo) == 0 and sp.Min(a.hi, b.hi) == 0:
            return None
        return border(b.n, b.lo - a.lo, b.hi - a.hi)
    return None


_add(
    "pad-crop-merge",
    "Pad·Pad and Crop·Pad merge into one border (pad, then crop the negative part)",
    r"C_{c}P_{p} = P_{p-c}",
    "closed form: both sides keep the same window of the zero-extended signal",
    window=2,
)(
    (
        _merge,
        lambda: itertools.chain(
            _pairs(
                lambda n, a, b, c, d: MatMul(Pad(n + c + d, a, b), Pad(n, c, d)),
                "pad-crop-merge",
                range(1, 7),
                _P,
                _P,
                _P,
                _P,
            ),
            _pairs(
                lambda n, a, b, c, d: MatMul(Crop(n + c + d, a, b), Pad(n, c, d)),
                "pad-crop-merge",
                range(1, 7),
                range(0, 4),
                range(0, 4),
                _P,
                _P,
            ),
        ),
    )
)


def _definition(node: Node) -> Node | None:
    if isinstance(node, ConvTranspose):
        return Transpose(node._eval_transpose())
    return None


_add(
    "conv-transpose-definition",
    "ConvTranspose(q; lo, hi, s, d, a) = Corr(q; lo, hi, s, d)ᵀ on the output length",
    r"q\star^{\mathsf{T}} := (q\star)^{\mathsf{T}}",
    "definition: ConvTranspose is defined as the transpose of this Corr",
)(
    (
        _definition,
        lambda: _pairs(
            lambda n, m, s, a: ConvTranspose(_q(m), n, 1, s, 1, a),
            "conv-transpose-definition",
            range(1, 7),
            _M,
            _K,
            range(0, 2),
        ),
    )
)


def _scatter(node: Node) -> Node | None:
    if (
        isinstance(node, ConvTranspose)
        and node.dilation == 1
        and all(p == 0 for p in node.padding)
        and node.output_padding == 0
    ):
        shortest = node.stride * (node.n - 1) + 1
        return mul(Conv(node.kernel, shortest, "full"), Upsample(node.n, node.stride, shortest))
    return None


_add(
    "conv-transpose-scatter",
    "ConvTranspose(q; s) without padding = q ∗ (↑ₛ y), ↑ₛ to length s(n−1)+1",
    r"q\star_s^{\mathsf{T}} = q * \uparrow_s",
    "closed form: the scatter z_{is+t} += q_t y_i is the full convolution of q with ↑ₛy",
)(
    (
        _scatter,
        lambda: _pairs(
            lambda n, m, s: ConvTranspose(_q(m), n, 0, s), "conv-transpose-scatter", _N, _M, _K
        ),
    )
)


def _associative(factors: tuple[Node, Node]) -> Node | None:
    a, b = factors
    if isinstance(a, Conv) and isinstance(b, Conv) and a.mode == b.mode == "full":
        return Conv(kernels.convolve(a.kernel, b.kernel), b.n, "full")
    return None


_add(
    "conv-associative",
    "(q∗)(r∗) = (q∗r)∗ in full mode",
    r"q*(r*x) = (q*r)*x",
    "closed form: row i of both is Σ_v (Σ_{t+u=v} q_t r_u) x_{i−v} (the symbolic tier proves it "
    "for all n)",
    window=2,
)(
    (
        _associative,
        lambda: _pairs(
            lambda n, m, r: MatMul(
                Conv(_q(m), n + r - 1, "full"), Conv(kernels.kernel("r", r), n, "full")
            ),
            "conv-associative",
            _N,
            _M,
            range(1, 4),
        ),
    )
)


def _nearest_as_box(node: Node) -> Node | None:
    if isinstance(node, NearestUpsample):
        shortest = node.k * (node.n - 1) + 1
        return mul(
            Conv(kernels.ones(int(node.k)), shortest, "full"), Upsample(node.n, node.k, shortest)
        )
    return None


_add(
    "nearest-as-box",
    "nearest up-sampling by k = 1ₖ ∗ (↑ₖ x), ↑ₖ to length k(n−1)+1",
    r"N_k = 1_k * \uparrow_k",
    "closed form: row i of 1ₖ∗↑ₖ has the single tap t = i mod k, column (i − t)/k = ⌊i/k⌋",
)(
    (
        _nearest_as_box,
        lambda: (
            (NearestUpsample(n, k), _nearest_as_box(NearestUpsample(n, k)))
            for n in range(1, N_MAX + 1)
            for k in range(1, 5)
        ),
    )
)


_ESTABLISHED: dict[str, tuple[bool, int, str]] = {}


def preload(name: str, result: tuple[bool, int, str]) -> None:
    """Record a result of :func:`establish` computed elsewhere (another process)."""
    _ESTABLISHED[name] = result


def establish(name: str) -> tuple[bool, int, str]:
    """Check a rule exactly on all its instances: ``(holds, count, first failure)``; cached."""
    if name not in _ESTABLISHED:
        _ESTABLISHED[name] = _establish(name)
    return _ESTABLISHED[name]


def _establish(name: str) -> tuple[bool, int, str]:
    from symconv.proof.counterexample import first_difference

    count = 0
    for before, after in RULES[name].instances():
        count += 1
        difference = first_difference(before, after)
        if difference is not None:
            return False, count, f"{before} -> {after}: {difference}"
    return True, count, ""
