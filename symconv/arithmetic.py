"""Layer arithmetic: which sizes a conv accepts, what output_padding means, where pixels go.

:mod:`symconv.sizes` has the formulas; this module answers the questions users
bring to them (collected from the frameworks' issue trackers and Q&A sites):

- the *preimage* of the forward size map, :func:`input_lengths`: every input
  length a conv maps to a given output length. A transposed conv on length n
  may return any length of the preimage of n, and its output_padding says which
  (:func:`transposed_output_lengths`, proven for all lengths by
  :func:`prove_input_lengths`);
- what an output_padding does, :func:`explain_output_padding`, including the
  values PyTorch accepts that are not the transpose of any conv;
- the crop a transposed conv applies to the full result, :func:`transposed_crop`,
  and the equivalent forms ``Crop · (q ∗ ↑ₛy)`` (:func:`transposed_form`) and
  ``↓ₛ(q ⋆ x)`` (:func:`strided_form`);
- structurally zero outputs (:func:`structural_zeros`), overlap counts of a
  transposed conv (:func:`overlap_counts`, checkerboard artifacts), weight
  layouts (:func:`weight_shape`) and the affine index map through a chain of
  layers (:func:`index_map`).

Everything is exact: SymPy integers and rationals, symbolic lengths where the
formula allows.

Examples
--------
>>> input_lengths(2, 3, stride=2)
(Candidate(length=5, output_padding=0), Candidate(length=6, output_padding=1))
>>> transposed_crop(3, padding=1, stride=2, output_padding=1)
(1, 0)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import sympy as sp
from sympy.matrices.expressions import Identity, MatMul, MatrixExpr, ZeroMatrix

from symconv import _validate, framework_padding, sizes
from symconv.derivation import Tier, TierResult
from symconv.errors import ParameterError
from symconv.kernels import as_kernel, dilate, ones
from symconv.matrices import sparse_matrix
from symconv.operators.base import Operator
from symconv.operators.convolution import Conv, ConvTranspose, Corr
from symconv.operators.padding import Crop, Pad
from symconv.operators.sampling import Downsample, Upsample

__all__ = [
    "AffineMap",
    "Candidate",
    "OutputPadding",
    "explain_output_padding",
    "full_transposed_length",
    "index_map",
    "input_lengths",
    "output_length",
    "overlap_counts",
    "prove_input_lengths",
    "strided_form",
    "structural_zeros",
    "transposed_crop",
    "transposed_form",
    "transposed_output_lengths",
    "weight_shape",
    "window",
]


def _pair(
    padding: object, n: object = None, m: object = 1, stride: object = 1, dilation: object = 1
):
    """``(lo, hi)`` as SymPy integers from a preset, an integer or a pair."""
    try:
        lo, hi = sizes.resolve_padding(padding, n, m, stride, dilation)
    except ValueError as error:
        raise ParameterError("padding", padding, str(error).split("expected ", 1)[1]) from None
    return _validate.integer("padding lo", lo), _validate.integer("padding hi", hi)


def _span(m: object, dilation: object) -> sp.Expr:
    """Extent d(m − 1) + 1 of the dilated kernel."""
    return framework_padding.kernel_span(
        _validate.size("m", m), _validate.size("dilation", dilation)
    )


def output_length(
    n: object, m: object, padding: object = 0, stride: object = 1, dilation: object = 1
) -> sp.Expr:
    """Output length of a conv (cross-correlation) on ℝⁿ; padding may be a preset.

    Raises :class:`ParameterError` when the padded input is shorter than the
    dilated kernel (every framework rejects that).

    Examples
    --------
    >>> output_length(12, 3, "same", stride=2), output_length(12, 3, 1, stride=2)
    (6, 6)
    >>> import sympy as sp
    >>> output_length(sp.Symbol("n", integer=True, positive=True), 3, 1)
    n
    """
    n, s = _validate.size("n", n), _validate.size("stride", stride)
    lo, hi = _pair(padding, n, m, s, dilation)
    span = _span(m, dilation)
    _validate.require(
        sp.Ge(n + lo + hi, span),
        "n",
        n,
        f"n + lo + hi >= d*(m-1) + 1 = {span} (the padded input must hold the dilated kernel)",
    )
    return sizes.corr_length(n, m, (lo, hi), s, dilation)


class Candidate(NamedTuple):
    """One input length of a preimage, with the output_padding that selects it."""

    length: sp.Expr
    output_padding: sp.Expr


def input_lengths(
    length: object, m: object, padding: object = 0, stride: object = 1, dilation: object = 1
) -> tuple[Candidate, ...]:
    """The preimage of the forward size map: every n with ``output_length(n) == length``.

    Parameters
    ----------
    length : int or sympy integer expression
        The conv's output length L ≥ 1 (may be symbolic).
    m, padding, stride, dilation
        The conv. ``padding`` is an integer, a pair (lo, hi), ``"valid"``,
        ``"full"`` or ``"same"`` (TensorFlow's rule, which depends on n).

    Returns
    -------
    tuple of Candidate
        ``(n, a)`` in increasing n. For fixed padding these are the s lengths
        n = (L − 1)s − lo − hi + d(m − 1) + 1 + a, 0 ≤ a < s, that are ≥ 1; a
        is the output_padding a transposed conv on length L needs to return
        length n. For ``"same"`` they are n = (L − 1)s + 1, …, L·s.

    Notes
    -----
    The forward length ⌊(n + lo + hi − d(m−1) − 1)/s⌋ + 1 is non-decreasing in
    n and grows by one exactly when n passes a multiple of s, so its preimage
    of L is an interval of s consecutive lengths. :func:`prove_input_lengths`
    checks this with symbolic L.

    Examples
    --------
    >>> input_lengths(2, 3, stride=2)
    (Candidate(length=5, output_padding=0), Candidate(length=6, output_padding=1))
    >>> [c.length for c in input_lengths(6, 3, "same", stride=2)]
    [11, 12]
    """
    L, s = _validate.size("length", length), _validate.size("stride", stride)
    if not s.is_Integer:
        raise ParameterError("stride", stride, "a concrete integer (the preimage has s members)")
    if isinstance(padding, str) and padding.lower() == "same":
        out = []
        for n in ((L - 1) * s + 1 + k for k in range(int(s))):
            lo, hi = framework_padding.same_padding(n, m, s, dilation)
            out.append(Candidate(n, sizes.output_padding(n, m, (lo, hi), s, dilation)))
        return tuple(out)
    lo, hi = _pair(padding, None, m, s, dilation)
    base = (L - 1) * s - lo - hi + _span(m, dilation)
    candidates = (Candidate(base + a, sp.Integer(a)) for a in range(int(s)))
    return tuple(c for c in candidates if sp.sympify(c.length < 1) != sp.true)


def transposed_output_lengths(
    n: object, m: object, padding: object = 0, stride: object = 1, dilation: object = 1
) -> tuple[Candidate, ...]:
    """Every output length a transposed conv on ℝⁿ can have, with its output_padding.

    The transposed conv is the transpose of a conv whose *output* has length n,
    so its possible lengths are the preimage of n (:func:`input_lengths`).

    Examples
    --------
    >>> transposed_output_lengths(2, 3, stride=2)
    (Candidate(length=5, output_padding=0), Candidate(length=6, output_padding=1))
    >>> transposed_output_lengths(6, 3, padding=1, stride=2)
    (Candidate(length=11, output_padding=0), Candidate(length=12, output_padding=1))
    """
    return input_lengths(n, m, padding, stride, dilation)


def prove_input_lengths(
    m: object, padding: object = 0, stride: object = 1, dilation: object = 1
) -> TierResult:
    """Prove :func:`input_lengths` for every output length L ≥ 1 at once (L symbolic).

    Checks, with L a positive integer symbol, that the forward length of each
    candidate simplifies to L, that one length below the first gives L − 1
    and one above the last gives L + 1. The forward length is non-decreasing
    in n (a floor of an increasing function), so nothing else maps to L.

    Examples
    --------
    >>> prove_input_lengths(3, padding=0, stride=2).passed
    True
    """
    L = sp.Symbol("L", integer=True, positive=True)
    lo, hi = _pair(padding, None, m, stride, dilation)
    candidates = input_lengths(L, m, (lo, hi), stride, dilation)
    first, last = candidates[0].length, candidates[-1].length

    def forward(n: sp.Expr) -> sp.Expr:
        return sizes.corr_length(n, m, (lo, hi), stride, dilation)

    claims = [sp.simplify(forward(c.length) - L) == 0 for c in candidates]
    claims.append(sp.simplify(forward(first - 1) - (L - 1)) == 0)
    claims.append(sp.simplify(forward(last + 1) - (L + 1)) == 0)
    lengths = ", ".join(str(c.length) for c in candidates)
    detail = (
        f"for every L >= 1 the conv (m={m}, padding=({lo}, {hi}), stride={stride}, "
        f"dilation={dilation}) maps exactly n in {{{lengths}}} to L; "
        f"n = {first - 1} gives L - 1 and n = {last + 1} gives L + 1"
    )
    return TierResult(Tier.SYMBOLIC, all(claims), detail)


def full_transposed_length(n: object, m: object, stride: object = 1, dilation: object = 1):
    """Length (n − 1)s + d(m − 1) + 1 of the full transposed conv q ∗ ↑ₛy (no crop)."""
    n, s = _validate.size("n", n), _validate.size("stride", stride)
    m, d = _validate.size("m", m), _validate.size("dilation", dilation)
    return framework_padding.full_transposed_length(n, m, s, d)


def transposed_crop(
    m: object,
    padding: object = 0,
    stride: object = 1,
    dilation: object = 1,
    output_padding: object = 0,
) -> tuple[sp.Expr, sp.Expr]:
    """What a transposed conv removes from the full result q ∗ ↑ₛy: ``(start, end)``.

    With padding (lo, hi) and output padding a it is lo at the start and
    hi − a at the end; a negative end means −end zeros are *appended*
    (those outputs are structurally zero, see :func:`structural_zeros`).
    PyTorch's ``padding=p`` is (p, p).

    Examples
    --------
    >>> transposed_crop(3, padding=1, stride=2, output_padding=1)
    (1, 0)
    >>> transposed_crop(3, padding=0, stride=2, output_padding=1)
    (0, -1)
    """
    pads = _pair(padding, None, m, stride, dilation)
    return framework_padding.transposed_crop(
        pads, _validate.amount("output_padding", output_padding)
    )


def window(n: object, start: object, end: object) -> MatrixExpr:
    """Keep ℝⁿ from ``start`` to ``n − end``; a negative amount pads zeros instead.

    Returns ``Crop``, ``Pad``, ``Pad · Crop`` or the identity.

    Examples
    --------
    >>> window(5, 1, 0)
    Crop(5, 1, 0)
    >>> window(5, 0, -1)
    Pad(5, 0, 1)
    >>> window(5, 1, -1)
    Pad(4, 0, 1)*Crop(5, 1, 0)
    """
    n = _validate.size("n", n)
    start, end = _validate.integer("start", start), _validate.integer("end", end)
    factors: list[MatrixExpr] = []
    crop = (sp.Max(start, 0), sp.Max(end, 0))
    if sp.sympify(n - crop[0] - crop[1] < 1) == sp.true:
        # Everything is cropped and only padding remains: the zero map.
        return ZeroMatrix(n - start - end, n)
    if crop != (0, 0):
        factors.append(Crop(n, *crop))
    pad = (sp.Max(-start, 0), sp.Max(-end, 0))
    if pad != (0, 0):
        factors.insert(0, Pad(n - crop[0] - crop[1], *pad))
    if not factors:
        return Identity(n)
    return factors[0] if len(factors) == 1 else MatMul(*factors, evaluate=False)


def transposed_form(
    q: Sequence[object],
    n: object,
    padding: object = 0,
    stride: object = 1,
    dilation: object = 1,
    output_padding: object = 0,
) -> MatrixExpr:
    """A transposed conv written as ``Window · (↑_d q ∗ ↑ₛy)``: the crop made explicit.

    The full true convolution of the zero-inserted input with the (dilated)
    kernel — *not* flipped — followed by :func:`window` with the bounds of
    :func:`transposed_crop`. Built unevaluated so the steps stay visible.

    Examples
    --------
    >>> from symconv import kernel, explicit
    >>> form = transposed_form(kernel("q", 3), 2, padding=1, stride=2, output_padding=1)
    >>> form
    Crop(5, 1, 0)*Conv((q_0, q_1, q_2), 3, 'full')*Upsample(2, 2, 3)
    >>> explicit(form) == explicit(ConvTranspose(kernel("q", 3), 2, 1, 2, 1, 1))
    True
    """
    q = as_kernel(q)
    n, s = _validate.size("n", n), _validate.size("stride", stride)
    d = _validate.size("dilation", dilation)
    start, end = transposed_crop(len(q), padding, s, d, output_padding)
    up = (n - 1) * s + 1
    full = [Conv(dilate(q, d) if d != 1 else q, up, "full"), Upsample(n, s, up)]
    crop = window(full_transposed_length(n, len(q), s, d), start, end)
    if crop.is_Identity:
        return MatMul(*full, evaluate=False)
    factors = list(crop.args) if isinstance(crop, MatMul) else [crop]
    return MatMul(*factors, *full, evaluate=False)


def strided_form(
    q: Sequence[object], n: object, padding: object = 0, stride: object = 1, dilation: object = 1
) -> MatrixExpr:
    """A conv written as ``↓ₛ · ((↑_d q) ⋆ ·) · Pad``: stride and dilation made explicit.

    Examples
    --------
    >>> from symconv import kernel, explicit
    >>> strided_form(kernel("q", 3), 12, "same", stride=2)
    Downsample(11, 2)*Corr((q_0, q_1, q_2), 13, (0, 0), 1, 1)*Pad(12, 0, 1)
    >>> explicit(_) == explicit(Corr(kernel("q", 3), 12, "same", 2))
    True
    """
    q = as_kernel(q)
    n, s = _validate.size("n", n), _validate.size("stride", stride)
    d = _validate.size("dilation", dilation)
    lo, hi = _pair(padding, n, len(q), s, d)
    valid = Corr(dilate(q, d) if d != 1 else q, n + lo + hi)
    return MatMul(Downsample(valid.rows, s), valid, Pad(n, lo, hi), evaluate=False)


def structural_zeros(expr: MatrixExpr) -> list[int]:
    """Rows of ``expr`` that are zero for every kernel (give it symbolic taps).

    Examples
    --------
    >>> from symconv import kernel
    >>> structural_zeros(ConvTranspose(kernel("q", 3), 2, 0, 2, 1, 1))
    [5]
    """
    rows = sparse_matrix(expr).rep.to_dod()
    return [i for i in range(int(expr.rows)) if not rows.get(i)]


@dataclass(frozen=True)
class OutputPadding:
    """What an output_padding does to a transposed conv (:func:`explain_output_padding`).

    Attributes
    ----------
    length : sympy.Integer
        The output length (n − 1)s − lo − hi + d(m − 1) + 1 + a.
    crop : tuple
        ``(start, end)`` removed from the full result (negative end: zeros appended).
    torch_accepts : bool
        PyTorch's rule: a < stride or a < dilation.
    in_preimage : bool
        a < stride: the length is one the forward conv maps back to n.
    transpose_of : tuple or None
        ``(padding, output_padding)`` of a conv on the output length whose
        transpose this is (possibly with asymmetric padding), or None.
    appended_zeros : int
        Trailing outputs no kernel tap reaches.
    reason : str
        The explanation in words.
    """

    length: sp.Expr
    crop: tuple[sp.Expr, sp.Expr]
    torch_accepts: bool
    in_preimage: bool
    transpose_of: tuple[tuple[sp.Expr, sp.Expr], sp.Expr] | None
    appended_zeros: sp.Expr
    reason: str


def explain_output_padding(
    n: int, m: int, padding: object = 0, stride: int = 1, dilation: int = 1, output_padding: int = 0
) -> OutputPadding:
    """Explain an output_padding a through the preimage of the forward size map.

    The conv with the same padding, stride and dilation maps exactly the s
    lengths n_out = (n − 1)s − lo − hi + d(m − 1) + 1 + a, 0 ≤ a < s, to n
    (:func:`input_lengths`); a transposed conv is the transpose of one of
    them, and a picks which. PyTorch accepts a < max(stride, dilation); an a
    ≥ stride gives a length outside the preimage: the conv on that length
    would have more than n outputs, so the call is not the transpose of that
    conv. It still computes Window · (q ∗ ↑ₛy) with the crop (lo, hi − a):
    when hi − a ≥ −(s − 1) that is the transpose of a conv with the
    asymmetric padding (lo, max(hi − a, 0)); otherwise it appends zeros no
    conv's transpose has.

    Examples
    --------
    >>> e = explain_output_padding(4, 3, padding=0, stride=1, dilation=2, output_padding=1)
    >>> e.torch_accepts, e.in_preimage, e.transpose_of, e.appended_zeros
    (True, False, None, 1)
    >>> explain_output_padding(2, 3, 0, 2, 1, 1).transpose_of
    ((0, 0), 1)
    """
    n, s = _validate.size("n", n), _validate.size("stride", stride)
    d = _validate.size("dilation", dilation)
    a = _validate.amount("output_padding", output_padding)
    lo, hi = _pair(padding, None, m, s, d)
    start, end = transposed_crop(m, (lo, hi), s, d, a)
    length = full_transposed_length(n, m, s, d) - start - end
    torch_accepts = bool(framework_padding.torch_accepts_output_padding(a, s, d))
    in_preimage = bool(a < s)
    transpose_of = framework_padding.crop_as_transpose((start, end), s)
    zeros = sp.Max(-end, 0)
    lengths = ", ".join(str(c.length) for c in input_lengths(n, m, (lo, hi), s, d))
    text = [
        f"the conv (padding ({lo}, {hi}), stride {s}, dilation {d}) maps the lengths "
        f"{{{lengths}}} to {n}; output_padding={a} gives length {length}"
    ]
    if in_preimage:
        text.append(f"= the transpose of that conv on length {length}")
    else:
        forward = sizes.corr_length(length, m, (lo, hi), s, d)
        text.append(
            f"outside that set (the conv on length {length} has {forward} outputs, not {n})"
        )
        if transpose_of is None:
            text.append(
                f"the call appends {zeros} zero(s) to the full result and is not the "
                "transpose of any conv"
            )
        else:
            (plo, phi), pa = transpose_of
            text.append(
                f"it equals the transpose of the conv with padding ({plo}, {phi}) and "
                f"output_padding {pa}"
            )
    if not torch_accepts:
        text.append(
            f"PyTorch rejects it: output padding must be smaller than either stride ({s}) "
            f"or dilation ({d})"
        )
    return OutputPadding(
        length, (start, end), torch_accepts, in_preimage, transpose_of, zeros, "; ".join(text)
    )


def overlap_counts(
    n: int,
    m: int,
    stride: int = 1,
    dilation: int = 1,
    padding: object = 0,
    output_padding: int = 0,
) -> list[int]:
    """How many kernel taps reach each output of a transposed conv on ℝⁿ.

    The transposed conv with the all-ones kernel applied to all-ones: 1ₘ ∗ (↑ₛ1)
    cropped. Uniform away from the borders iff s divides m (d = 1); otherwise
    the checkerboard pattern of Odena et al.

    Examples
    --------
    >>> overlap_counts(4, 3, stride=2)
    [1, 1, 2, 1, 2, 1, 2, 1, 1]
    >>> overlap_counts(4, 4, stride=2)
    [1, 1, 2, 2, 2, 2, 2, 2, 1, 1]
    """
    op = ConvTranspose(ones(m), n, padding, stride, dilation, output_padding)
    dod = sparse_matrix(op).rep.to_dod()
    return [int(sum(dod.get(i, {}).values())) for i in range(int(op.rows))]


#: Weight-layout frameworks and ops understood by :func:`weight_shape`.
WEIGHT_LAYOUTS = ("torch", "tf", "jax")


def weight_shape(
    framework: str,
    op: str,
    in_channels: int,
    out_channels: int,
    kernel_size: int | Sequence[int],
    groups: int = 1,
) -> tuple[int, ...]:
    """The shape of a layer's weight tensor in a framework's default layout.

    Parameters
    ----------
    framework : {"torch", "tf", "jax"}
        ``torch``: ``nn.Conv*d`` / ``nn.ConvTranspose*d`` (and ``F.conv*``).
        ``tf``: ``tf.nn.conv2d`` / ``tf.nn.conv2d_transpose`` filters.
        ``jax``: ``lax.conv`` (``OIHW``) and ``lax.conv_transpose`` (default
        TensorFlow-style ``HWIO``; with ``transpose_kernel=True`` pass the
        forward conv's kernel, i.e. I and O swapped, and it is also flipped).
    op : {"conv", "conv_transpose"}
    in_channels, out_channels : int
        Of the layer itself (for a transposed conv: its input and output).
    kernel_size : int or sequence of int
    groups : int
        Must divide both channel counts; TF's and JAX's transposed convs have none.

    Examples
    --------
    >>> weight_shape("torch", "conv", 10, 30, (5, 5), groups=2)
    (30, 5, 5, 5)
    >>> weight_shape("torch", "conv_transpose", 10, 30, (5, 5), groups=2)
    (10, 15, 5, 5)
    >>> weight_shape("tf", "conv_transpose", 10, 30, (5, 5))
    (5, 5, 30, 10)
    """
    if framework not in WEIGHT_LAYOUTS:
        raise ParameterError("framework", framework, f"one of {WEIGHT_LAYOUTS}")
    if op not in ("conv", "conv_transpose"):
        raise ParameterError("op", op, "'conv' or 'conv_transpose'")
    c_in, c_out = (
        int(_validate.size("in_channels", in_channels)),
        int(_validate.size("out_channels", out_channels)),
    )
    g = int(_validate.size("groups", groups))
    k = (kernel_size,) if isinstance(kernel_size, int) else tuple(kernel_size)
    k = tuple(int(_validate.size("kernel_size", v)) for v in k)
    for name, channels in (("in_channels", c_in), ("out_channels", c_out)):
        if channels % g:
            raise ParameterError(name, channels, f"a multiple of groups = {g}")
    if g != 1 and framework != "torch" and op == "conv_transpose":
        raise ParameterError("groups", g, f"1: {framework}'s transposed conv has no groups")
    if framework == "torch":
        return (c_out, c_in // g, *k) if op == "conv" else (c_in, c_out // g, *k)
    if framework == "tf":
        return (*k, c_in // g, c_out) if op == "conv" else (*k, c_out, c_in)
    return (c_out, c_in // g, *k) if op == "conv" else (*k, c_in, c_out)


@dataclass(frozen=True)
class AffineMap:
    """``i ↦ scale·i + offset``: an output index to the input coordinate it is centred on.

    Examples
    --------
    >>> AffineMap(2, sp.Rational(-1, 2))(3)
    11/2
    """

    scale: sp.Expr
    offset: sp.Expr

    def __call__(self, i: object) -> sp.Expr:
        return sp.nsimplify(self.scale * sp.sympify(i) + self.offset)

    def then(self, later: AffineMap) -> AffineMap:
        """The map of this layer followed by ``later`` (``later``'s index to our input)."""
        return AffineMap(self.scale * later.scale, self.scale * later.offset + self.offset)


def _with_symbolic_taps(op: Operator) -> Operator:
    """The operator with its kernel's taps made symbols, so that a zero tap still counts.

    The index map leaves out zero taps, but a layer's footprint is its receptive field:
    all m taps of its kernel, whatever their values.
    """
    taps = getattr(op, "kernel", None)
    if not isinstance(taps, sp.Tuple) or taps not in op.args:
        return op
    position = op.args.index(taps)
    symbolic = sp.Tuple(*sp.symbols(f"t_0:{len(taps)}"))
    return op.func(*op.args[:position], symbolic, *op.args[position + 1 :])


def _layer_map(op: MatrixExpr) -> AffineMap:
    """Output index → centre of the input footprint, for one operator, read off its index map.

    Row i reads the columns of its index map's terms, each affine in i with one slope;
    the centre is their mean, a bound index (the position inside a block, a tap of a
    kernel family) taken at the middle of its range, where a column linear in it has
    its mean. A conv's terms are its taps at s·i − lo + t·d, centred on
    s·i − lo + d(m − 1)/2; a transposed conv's are (i + lo − t·d)/s; ↑ₖ reads i/k.
    """
    if isinstance(op, Identity):
        return AffineMap(sp.Integer(1), sp.Integer(0))
    if not isinstance(op, Operator) or len(op.index_dims[1]) != 1:
        raise ParameterError("chain", op, "one-axis symconv operators (and identities)")
    i = sp.Dummy("i", integer=True)
    columns = []
    for _, (column,), guards in _with_symbolic_taps(op).index_map((i,)):
        for guard in guards:  # a bound index: its own range guard, lo <= u < hi
            if guard[0] == "range" and isinstance(guard[1], sp.Dummy) and guard[1] != i:
                column = column.subs(guard[1], (guard[2] + guard[3] - 1) / 2)
        columns.append(sp.expand(column))
    slopes = {sp.simplify(sp.diff(column, i)) for column in columns}
    if len(slopes) != 1 or any(s.has(i) or s.atoms(sp.Dummy) for s in slopes):
        raise ParameterError("chain", op, "an operator whose rows read columns affine in the row")
    offset = sum(column.subs(i, 0) for column in columns) / len(columns)
    return AffineMap(slopes.pop(), sp.simplify(offset))


def index_map(chain: MatrixExpr | Iterable[MatrixExpr]) -> AffineMap:
    """Where output index i of a chain of layers sits in the input: ``scale·i + offset``.

    Parameters
    ----------
    chain : operator, product of operators, or sequence of operators
        A sequence lists the layers in the order they are applied (input
        first); a product ``A @ B`` applies B first, as matrices do.

    Returns
    -------
    AffineMap
        The centre of output i's footprint in input coordinates: for a conv
        the centre of its receptive field, s·i − lo + d(m−1)/2; for a
        transposed conv the inverse map, (i + lo − d(m−1)/2)/s (the input
        sample whose scattered kernel is centred on i). Composition is exact
        (rationals): a half-integer offset means outputs sit between input
        pixels, the usual source of misaligned crops in segmentation nets.

    Examples
    --------
    >>> down = Corr((1, 1, 1), 16, 1, stride=2)
    >>> up = ConvTranspose((1, 1, 1, 1), 8, 1, stride=2)
    >>> index_map([down, up])
    AffineMap(scale=1, offset=-1/2)
    """
    if isinstance(chain, MatMul):
        layers = list(reversed(chain.args))
    elif isinstance(chain, MatrixExpr):
        layers = [chain]
    else:
        layers = list(chain)
    result = AffineMap(sp.Integer(1), sp.Integer(0))
    for layer in layers:
        if isinstance(layer, MatMul):
            result = result.then(index_map(layer))
        else:
            result = result.then(_layer_map(layer))
    return result
