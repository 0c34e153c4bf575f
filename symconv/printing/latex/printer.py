r"""The LaTeX printer: a SymPy ``LatexPrinter`` that knows symconv's operators.

Printing lives here, not in the operator classes. The
notation (one :class:`~symconv.printing.latex.notation.Notation`) decides every symbol;
this module decides the *structure*, in the notation of the Data Science
Stack Exchange answer to "What are deconvolutional layers?":

========================================  ==========================================
expression                                printed (default notation, expanded)
========================================  ==========================================
``Downsample(n, k)``, ``Upsample(n, k)``  ``\mathord{\downarrow}_{k}``, ``\mathord{\uparrow}_{k}``
``Pad(n, lo, hi)``                        ``\operatorname{Pad}_{lo,hi}`` (``Crop`` alike)
``Flip(n)``                               ``\operatorname{Flip}``
``Conv(q, n, mode)`` alone                ``(\mathbf{q} \ast_{\mathrm{mode}})``; ``full`` unmarked
``Conv(q, n) @ x``                        ``\mathbf{q} \ast \mathbf{x}``
``Corr(q, n, padding, s, d) @ x``         ``\mathbf{q} \star_{s=2,\,p=(0,1),\,d=2} \mathbf{x}``
``ConvTranspose(q, …, a)``                ``(\mathbf{q} \star_{s=2,\,a=1})^{\mathsf{T}}``
``A.T`` (unevaluated ``Transpose``)       ``A^{\mathsf{T}}``, parenthesised when needed
``A @ A`` (SymPy's ``MatPow``)            ``A^{2}``, parenthesised as a transpose is
``MatrixSymbol("x", n, 1)``               ``\mathbf{x}`` (a column vector)
explicit SymPy matrix                     ``bmatrix``, elided when large
========================================  ==========================================

**Parameters of Corr and ConvTranspose** are one subscript on ⋆ listing only
the non-default ones: ``s`` stride, ``p`` padding (``p=1`` when lo = hi,
``p=(lo,hi)`` otherwise), ``d`` dilation, and for a transposed convolution
``a`` its output padding. Lengths are not printed (as in that answer): state
them in the text.

**Kernels** print as a vector name when their taps are ``name_0 … name_{m-1}``
(``\mathbf{q}``), as ``(\uparrow_d \mathbf{q})`` or ``(\operatorname{Flip}\mathbf{q})``
when they are a dilated or flipped one, else as the tuple of taps.

**Application**: in a product ending in a vector, convolutions are infix
and apply to everything on their right, parenthesised when that is a product
(``\mathbf{q} \ast (\uparrow_{2} \mathbf{x})``); other operators are prefix,
and a prefix operator parenthesises a convolution on its right
(``\downarrow_{2} (\mathbf{q} \ast \mathbf{x})``). A product without a vector is
a composition of operators, each in its operator form.

With ``explicit=True`` every operator prints as its explicit matrix instead
(that answer's matrix chains).

Every symbol name is checked (ASCII letters and digits, optional ``_``
indices), so a name cannot inject LaTeX. New operator classes register
their printing with :func:`symconv.printing.latex.printer.register`.

Examples
--------
>>> import sympy as sp
>>> from symconv import Conv, Upsample, kernel
>>> x = sp.MatrixSymbol("x", 2, 1)
>>> SymconvLatexPrinter().doprint(sp.MatMul(Conv(kernel("q", 3), 4, "same"), Upsample(2, 2), x))
'\\mathbf{q} \\ast_{\\mathrm{same}} \\left(\\mathord{\\uparrow}_{2} \\mathbf{x}\\right)'
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from functools import singledispatch
from typing import ClassVar

import sympy as sp
from sympy.printing.latex import LatexPrinter, greek_letters_set, translate

from symconv import operators as ops
from symconv.errors import ParameterError
from symconv.printing.latex.matrices import matrix_latex
from symconv.printing.latex.notation import Notation

__all__ = ["Kind", "SymconvLatexPrinter", "kernel_latex", "register", "symbol_latex"]

# Trailing primes name the transposed side's sizes (i', o') in conv-arithmetic.
_SYMBOL = re.compile(r"([A-Za-z][A-Za-z0-9]*)((?:_[0-9]+)*)('*)\Z")
_SYMBOL_RULE = (
    "a name of ASCII letters and digits starting with a letter, optionally followed by "
    "_-separated integer indices (q_0, w_1_2) and primes (o')"
)


class Kind(enum.Enum):
    """How a printed matrix expression binds, which decides its parentheses."""

    #: A plain symbol (``\operatorname{Flip}``, ``I``, ``\mathbf{x}``): never wrapped.
    ATOM = "atom"
    #: Carries a subscript only (``\uparrow_{2}``): takes a transpose superscript directly.
    SCRIPTED = "scripted"
    #: Closed by a delimiter (``(\mathbf{q} \ast)``, a ``bmatrix``): takes a superscript.
    CLOSED = "closed"
    #: Carries a superscript already: transposing it again needs parentheses.
    SUPERSCRIPTED = "superscripted"
    #: Juxtaposed factors (``A B`` or ``\uparrow_{2} \mathbf{x}``).
    PRODUCT = "product"
    #: A convolution applied to an operand (``\mathbf{q} \ast \mathbf{x}``).
    INFIX = "infix"
    #: A Kronecker product ``A \otimes B``.
    KRONECKER = "kronecker"
    #: A sum.
    SUM = "sum"


#: Kinds that take ``^{T}`` without parentheses.
_TRANSPOSABLE = {Kind.ATOM, Kind.SCRIPTED, Kind.CLOSED}
#: Kinds that need parentheses as a factor of a product.
_WRAP_IN_PRODUCT = {Kind.INFIX, Kind.KRONECKER, Kind.SUM}
#: Kinds that need parentheses as a factor of a Kronecker product.
_WRAP_IN_KRONECKER = {Kind.PRODUCT, Kind.INFIX, Kind.KRONECKER, Kind.SUM}

Printed = tuple[str, Kind]


def symbol_latex(name: str) -> str:
    """The LaTeX of a symbol name; a :class:`~symconv.errors.ParameterError` if it could inject.

    Examples
    --------
    >>> symbol_latex("q_1"), symbol_latex("w_0_2"), symbol_latex("alpha_0"), symbol_latex("xy")
    ('q_{1}', 'w_{0,2}', '\\\\alpha_{0}', '\\\\mathit{xy}')
    >>> symbol_latex("o'")
    "o'"
    >>> symbol_latex("q}\\\\input{x}")
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: symbol name='q}\\\\input{x}' is not allowed: expected a name ...
    """
    match = _SYMBOL.match(name) if isinstance(name, str) else None
    if match is None:
        raise ParameterError("symbol name", name, _SYMBOL_RULE)
    base, indices, primes = match.groups()
    if base.lower() in greek_letters_set:
        base = translate(base)
    elif len(base) > 1:
        base = rf"\mathit{{{base}}}"
    subscript = f"_{{{','.join(indices[1:].split('_'))}}}" if indices else ""
    return base + subscript + "'" * len(primes)


def _indexed_name(tap: sp.Expr) -> tuple[str, int] | None:
    """``("q", 3)`` for the symbol ``q_3``; None for anything else."""
    if not isinstance(tap, sp.Symbol):
        return None
    base, _, index = tap.name.rpartition("_")
    return (base, int(index)) if base and index.isdigit() else None


def _vector_name(taps: tuple) -> str | None:
    """The base name when ``taps`` is exactly ``(name_0, …, name_{m-1})``."""
    names = [_indexed_name(t) for t in taps]
    if None in names or len({base for base, _ in names}) != 1:
        return None
    return names[0][0] if [i for _, i in names] == list(range(len(taps))) else None


class SymconvLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with symconv's operators, notation and name checks.

    Parameters
    ----------
    notation : Notation, optional
        Every symbol and layout choice; default ``Notation()``.
    explicit : bool
        Print each operator as its explicit matrix (concrete sizes only).

    Examples
    --------
    >>> from symconv import Downsample, Conv
    >>> p = SymconvLatexPrinter(Notation(macros=True))
    >>> p.doprint(Downsample(4, 2).T)
    '\\\\upsample{2}'
    >>> import sympy as sp
    >>> p.doprint(sp.Transpose(Downsample(4, 2)))
    '\\\\downsample{2}^{\\\\transp}'
    """

    printmethod = "_symconv_latex"
    _default_settings: ClassVar[dict] = {
        **LatexPrinter._default_settings,
        "notation": None,
        "explicit": False,
    }

    def __init__(self, notation: Notation | None = None, explicit: bool = False) -> None:
        notation = Notation() if notation is None else notation
        if not isinstance(explicit, bool):
            raise ParameterError("explicit", explicit, "True or False")
        super().__init__(
            {
                "notation": notation,
                "explicit": explicit,
                "mat_str": notation.matrix,
                "mat_delim": "",
            }
        )
        self.notation = notation
        self.explicit = explicit

    # -- scalars and names ---------------------------------------------------

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        return symbol_latex(expr.name)

    def _hprint_Function(self, func: str) -> str:
        match = re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", func)
        if match is None:
            raise ParameterError("function name", func, "ASCII letters and digits")
        return super()._hprint_Function(func)

    def _print_Str(self, expr: object) -> str:
        raise ParameterError("expr", expr, "an expression symconv can print (a bare name is not)")

    # -- matrix expressions: every one goes through form() --------------------

    def form(self, expr: object) -> Printed:
        """``(latex, kind)`` of a matrix expression; the kind decides parentheses."""
        if isinstance(expr, sp.MatrixBase):
            return matrix_latex(expr, self.notation, self.doprint), Kind.CLOSED
        if isinstance(expr, ops.Operator):
            if self.explicit:
                return matrix_latex(expr, self.notation, self.doprint), Kind.CLOSED
            return operator_form(expr, self)
        if isinstance(expr, sp.MatMul):
            return self._product(expr)
        if isinstance(expr, sp.MatAdd):
            return self._sum(expr), Kind.SUM
        if isinstance(expr, sp.Transpose):
            return self._transpose(expr.arg), Kind.SUPERSCRIPTED
        if isinstance(expr, sp.MatPow):  # A @ A: A², parenthesised as a transpose would be
            base = self._wrap(self.form(expr.base), set(Kind) - _TRANSPOSABLE)
            return f"{base}^{{{self._print(expr.exp)}}}", Kind.SUPERSCRIPTED
        if isinstance(expr, sp.KroneckerProduct):
            parts = [self._wrap(self.form(a), _WRAP_IN_KRONECKER) for a in expr.args]
            return r" \otimes ".join(parts), Kind.KRONECKER
        if isinstance(expr, sp.MatrixSymbol):
            name = expr.name if isinstance(expr.name, str) else str(expr.name)
            if expr.cols == 1:
                return self.notation.call("vect", symbol_latex(name)), Kind.ATOM
            return symbol_latex(name), Kind.ATOM
        if isinstance(expr, (sp.Identity, sp.ZeroMatrix)):
            if self.explicit and all(sp.sympify(s).is_Integer for s in expr.shape):
                return matrix_latex(expr, self.notation, self.doprint), Kind.CLOSED
            return ("I" if isinstance(expr, sp.Identity) else "0"), Kind.ATOM
        # Any other SymPy matrix expression (MatPow, Inverse, …): SymPy's own
        # layout, with our printing of everything inside it.
        for cls in type(expr).__mro__:
            method = getattr(LatexPrinter, f"_print_{cls.__name__}", None)
            if cls is sp.MatrixExpr or method is not None:
                break
        if method is None:
            raise ParameterError("expr", expr, "a matrix expression symconv can print")
        return method(self, expr), Kind.CLOSED

    def _print_MatrixExpr(self, expr: sp.MatrixExpr) -> str:
        return self.form(expr)[0]

    # SymPy dispatches on class names; every matrix expression goes to form().
    _print_MatMul = _print_MatAdd = _print_Transpose = _print_MatPow = _print_MatrixExpr  # noqa: N815
    _print_KroneckerProduct = _print_MatrixSymbol = _print_MatrixExpr  # noqa: N815
    _print_Identity = _print_ZeroMatrix = _print_Operator = _print_MatrixExpr  # noqa: N815
    _print_MatrixBase = _print_MatrixExpr  # noqa: N815

    @staticmethod
    def _wrap(printed: Printed, kinds: set[Kind]) -> str:
        text, kind = printed
        return rf"\left({text}\right)" if kind in kinds else text

    def _transpose(self, arg: sp.MatrixExpr) -> str:
        superscript = "^{" + self.notation.call("transp") + "}"
        return self._wrap(self.form(arg), set(Kind) - _TRANSPOSABLE) + superscript

    def _coefficient(self, coeff: sp.Expr) -> str:
        if coeff == 1:
            return ""
        if coeff == -1:
            return "- "
        text = self._print(coeff)
        return (rf"\left({text}\right)" if isinstance(coeff, sp.Add) else text) + " "

    def _product(self, expr: sp.MatMul) -> Printed:
        coeff, factors = expr.as_coeff_matrices()
        applied = _is_vector(factors[-1])
        if not applied:
            text = " ".join(self._wrap(self.form(f), _WRAP_IN_PRODUCT) for f in factors)
            kind = Kind.PRODUCT
        else:
            text, kind = self.form(factors[-1])
            if kind is not Kind.ATOM:
                text, kind = self._wrap((text, kind), {Kind.SUM, Kind.KRONECKER}), Kind.PRODUCT
            for factor in reversed(factors[:-1]):
                if isinstance(factor, (ops.Conv, ops.Corr)) and not self.explicit:
                    operand = self._wrap((text, kind), {Kind.PRODUCT, Kind.INFIX, Kind.SUM})
                    text = f"{kernel_latex(factor.kernel, self)} {_star(factor, self)} {operand}"
                    kind = Kind.INFIX
                else:
                    operand = self._wrap((text, kind), {Kind.INFIX, Kind.SUM})
                    text = f"{self._wrap(self.form(factor), _WRAP_IN_PRODUCT)} {operand}"
                    kind = Kind.PRODUCT
        prefix = self._coefficient(coeff)
        if prefix and kind is Kind.INFIX:
            text, kind = rf"\left({text}\right)", Kind.PRODUCT
        return prefix + text, (Kind.PRODUCT if prefix else kind)

    def _sum(self, expr: sp.MatAdd) -> str:
        return " ".join(self.sum_terms(expr))

    def sum_terms(self, expr: sp.MatAdd) -> list[str]:
        r"""The terms of a sum, the second on with their sign: ``["A", "+ B", "- C"]``.

        The derivation printer breaks a long sum between these.
        """
        out: list[str] = []
        for term in expr.args:
            coeff, factors = (
                term.as_coeff_matrices() if isinstance(term, sp.MatMul) else (sp.S.One, [term])
            )
            negative = coeff.is_number and coeff < 0
            if negative:
                term = (
                    sp.MatMul(-coeff, *factors) if -coeff != 1 or len(factors) > 1 else factors[0]
                )
            text = self._wrap(self.form(term), {Kind.SUM})
            if not out:
                out.append(f"- {text}" if negative else text)
            else:
                out.append(f"- {text}" if negative else f"+ {text}")
        return out


def _is_vector(expr: object) -> bool:
    """An operand: a column vector that is data (a symbol or explicit), not an operator."""
    if isinstance(expr, (sp.MatrixSymbol, sp.MatrixBase)):
        return expr.cols == 1
    if isinstance(expr, sp.MatAdd):
        return all(_is_vector(a) for a in expr.args)
    return False


def kernel_latex(q: tuple, printer: SymconvLatexPrinter) -> str:
    """A kernel inside an operator: ``\\mathbf{q}``, ``(\\uparrow_d \\mathbf{q})``, or its taps.

    Examples
    --------
    >>> from symconv.kernels import kernel, dilate, flip
    >>> p = SymconvLatexPrinter()
    >>> kernel_latex(kernel("q", 3), p), kernel_latex((1, 1), p)
    ('\\\\mathbf{q}', '\\\\left(1, 1\\\\right)')
    >>> kernel_latex(dilate(kernel("q", 2), 3), p)
    '\\\\left(\\\\mathord{\\\\uparrow}_{3} \\\\mathbf{q}\\\\right)'
    >>> kernel_latex(flip(kernel("q", 2)), p)
    '\\\\left(\\\\operatorname{Flip} \\\\mathbf{q}\\\\right)'
    """
    taps = tuple(sp.sympify(t) for t in q)
    notation = printer.notation
    name = _vector_name(taps)
    if name is not None:
        return notation.call("vect", symbol_latex(name))
    name = _vector_name(taps[::-1])
    if name is not None and len(taps) > 1:
        return rf"\left({notation.call('flip')} {notation.call('vect', symbol_latex(name))}\right)"
    for d in range(2, len(taps)):
        if (len(taps) - 1) % d == 0 and all(t == 0 for i, t in enumerate(taps) if i % d):
            name = _vector_name(taps[::d])
            if name is not None:
                vector = notation.call("vect", symbol_latex(name))
                return rf"\left({notation.call('upsample', str(d))} {vector}\right)"
    return r"\left(" + ", ".join(printer.doprint(t) for t in taps) + r"\right)"


def _parameters(op: ops.Corr | ops.ConvTranspose, printer: SymconvLatexPrinter) -> list[str]:
    """``s=…``, ``p=…``, ``d=…`` (and ``a=…``) for the non-default parameters."""
    out = []
    if op.stride != 1:
        out.append(f"s={printer.doprint(op.stride)}")
    lo, hi = op.padding
    if lo == hi and lo != 0:
        out.append(f"p={printer.doprint(lo)}")
    elif lo != hi:
        out.append(f"p=({printer.doprint(lo)},{printer.doprint(hi)})")
    if op.dilation != 1:
        out.append(f"d={printer.doprint(op.dilation)}")
    if isinstance(op, ops.ConvTranspose) and op.output_padding != 0:
        out.append(f"a={printer.doprint(op.output_padding)}")
    return out


def _star(op: ops.Conv | ops.Corr | ops.ConvTranspose, printer: SymconvLatexPrinter) -> str:
    """The binary operator with its subscript: ``\\ast_{\\mathrm{same}}``, ``\\star_{s=2}``."""
    notation = printer.notation
    if isinstance(op, ops.Conv):
        symbol = notation.call("conv")
        shown = notation.modes and op.mode != "full"
        return symbol + (rf"_{{\mathrm{{{op.mode}}}}}" if shown else "")
    parameters = r",\,".join(_parameters(op, printer))
    return notation.call("corr") + (f"_{{{parameters}}}" if parameters else "")


@singledispatch
def operator_form(expr: ops.Operator, printer: SymconvLatexPrinter) -> Printed:
    r"""``(latex, kind)`` of one operator in its symbolic form.

    Extend with :func:`symconv.printing.latex.printer.register`. The default, for an
    operator class without its own entry, is its class name with its scalar parameters as
    a subscript: ``\operatorname{CircularPad}_{4,1,1}``.
    """
    name = type(expr).__name__.replace("_", r"\_")
    scalars = [a for a in expr._display_args() if isinstance(a, sp.Expr) and a.is_scalar]
    if not scalars:
        return rf"\operatorname{{{name}}}", Kind.ATOM
    subscript = ",".join(printer.doprint(a) for a in scalars)
    return rf"\operatorname{{{name}}}_{{{subscript}}}", Kind.SCRIPTED


#: Register the printing of a new operator class:
#: ``@register`` on ``def _(expr: MyOp, printer) -> tuple[str, Kind]``.
register: Callable = operator_form.register


@operator_form.register
def _(expr: ops.Downsample, printer: SymconvLatexPrinter) -> Printed:
    return printer.notation.call("downsample", printer.doprint(expr.k)), Kind.SCRIPTED


@operator_form.register
def _(expr: ops.Upsample, printer: SymconvLatexPrinter) -> Printed:
    return printer.notation.call("upsample", printer.doprint(expr.k)), Kind.SCRIPTED


@operator_form.register
def _(expr: ops.Pad, printer: SymconvLatexPrinter) -> Printed:
    lo, hi = printer.doprint(expr.lo), printer.doprint(expr.hi)
    return printer.notation.call("pad", lo, hi), Kind.SCRIPTED


@operator_form.register
def _(expr: ops.Crop, printer: SymconvLatexPrinter) -> Printed:
    lo, hi = printer.doprint(expr.lo), printer.doprint(expr.hi)
    return printer.notation.call("crop", lo, hi), Kind.SCRIPTED


@operator_form.register
def _(expr: ops.Flip, printer: SymconvLatexPrinter) -> Printed:
    return printer.notation.call("flip"), Kind.ATOM


@operator_form.register(ops.Conv)
@operator_form.register(ops.Corr)
def _(expr: ops.Conv | ops.Corr, printer: SymconvLatexPrinter) -> Printed:
    return f"({kernel_latex(expr.kernel, printer)} {_star(expr, printer)})", Kind.CLOSED


@operator_form.register
def _(expr: ops.ConvTranspose, printer: SymconvLatexPrinter) -> Printed:
    transpose = printer.notation.call("transp")
    text = f"({kernel_latex(expr.kernel, printer)} {_star(expr, printer)})^{{{transpose}}}"
    return text, Kind.SUPERSCRIPTED


@operator_form.register
def _(expr: ops.NearestUpsample, printer: SymconvLatexPrinter) -> Printed:
    return f"N_{{{printer.doprint(expr.k)}}}", Kind.SCRIPTED


@operator_form.register
def _(expr: ops.BlockSum, printer: SymconvLatexPrinter) -> Printed:
    transpose = printer.notation.call("transp")
    return f"N_{{{printer.doprint(expr.k)}}}^{{{transpose}}}", Kind.SUPERSCRIPTED


@operator_form.register
def _(expr: ops.MultiplesProjector, printer: SymconvLatexPrinter) -> Printed:
    return rf"\operatorname{{diag}}([{printer.doprint(expr.k)} \mid i])", Kind.CLOSED


@operator_form.register
def _(expr: ops.PhaseSum, printer: SymconvLatexPrinter) -> Printed:
    # Σ_v S_v ↑_s (q[v::s] ∗): one phase v_k per axis, the kernel sliced on every axis.
    strides = [printer.doprint(s) for s in expr.stride]
    phases = ["v"] if len(strides) == 1 else [f"v_{{{k + 1}}}" for k in range(len(strides))]
    s = strides[0] if len(strides) == 1 else rf"\left({', '.join(strides)}\right)"
    v = phases[0] if len(phases) == 1 else rf"\left({', '.join(phases)}\right)"
    up = printer.notation.call("upsample", s)
    slices = ", ".join(f"{p}::{sk}" for p, sk in zip(phases, strides))
    q = printer.notation.call("vect", expr.kernel.name) + f"_{{[{slices}]}}"
    return rf"\sum_{{{v}}} S_{{{v}}} {up} ({q} {printer.notation.call('conv')})", Kind.SUM


# --- padding modes ----------------------------------------------------------------------


def _border_pad(expr: ops.BorderPad | ops.BorderFold, printer: SymconvLatexPrinter) -> str:
    lo, hi = printer.doprint(expr.lo), printer.doprint(expr.hi)
    return rf"{printer.notation.call('pad', lo, hi)}^{{\mathrm{{{expr.mode}}}}}"


@operator_form.register
def _(expr: ops.BorderPad, printer: SymconvLatexPrinter) -> Printed:
    return _border_pad(expr, printer), Kind.SUPERSCRIPTED


@operator_form.register
def _(expr: ops.BorderFold, printer: SymconvLatexPrinter) -> Printed:
    # The fold-back is printed as what it is, the transpose of the mode's padding.
    transpose = printer.notation.call("transp")
    return rf"\left({_border_pad(expr, printer)}\right)^{{{transpose}}}", Kind.SUPERSCRIPTED


# --- pooling, pixel shuffle, unfold: name, and the parameters that say what it does ---


def _transposed(printed: Printed, printer: SymconvLatexPrinter) -> Printed:
    return f"{printed[0]}^{{{printer.notation.call('transp')}}}", Kind.SUPERSCRIPTED


@operator_form.register
def _(expr: ops.AvgPool, printer: SymconvLatexPrinter) -> Printed:
    # k and s, then the padding, ceil_mode and the divisor when not PyTorch's defaults.
    parts = [f"k={printer.doprint(expr.k)}", f"s={printer.doprint(expr.s)}"]
    if (expr.lo, expr.hi) != (0, 0):
        parts.append(f"p=({printer.doprint(expr.lo)},{printer.doprint(expr.hi)})")
    if expr.ceil_mode:
        parts.append(r"\mathrm{ceil}")
    if expr.divisor != "padded":
        parts.append(rf"\div\mathrm{{{expr.divisor}}}")
    subscript = r",\,".join(parts)
    return rf"\operatorname{{AvgPool}}_{{{subscript}}}", Kind.SCRIPTED


@operator_form.register
def _(expr: ops.AvgPoolTranspose, printer: SymconvLatexPrinter) -> Printed:
    return _transposed(operator_form(expr.T, printer), printer)


@operator_form.register
def _(expr: ops.AdaptiveAvgPool, printer: SymconvLatexPrinter) -> Printed:
    n, length = printer.doprint(expr.n), printer.doprint(expr.length)
    return rf"\operatorname{{AdaptiveAvgPool}}_{{{n} \to {length}}}", Kind.SCRIPTED


@operator_form.register
def _(expr: ops.AdaptiveAvgPoolTranspose, printer: SymconvLatexPrinter) -> Printed:
    return _transposed(operator_form(expr.T, printer), printer)


@operator_form.register(ops.PixelShuffle)
@operator_form.register(ops.PixelUnshuffle)
def _(expr: ops.PixelShuffle | ops.PixelUnshuffle, printer: SymconvLatexPrinter) -> Printed:
    name = type(expr).__name__
    return rf"\operatorname{{{name}}}_{{r={printer.doprint(expr.r)}}}", Kind.SCRIPTED


@operator_form.register(ops.Unfold)
@operator_form.register(ops.Fold)
def _(expr: ops.Unfold | ops.Fold, printer: SymconvLatexPrinter) -> Printed:
    kernel = r"\times".join(printer.doprint(k) for k in expr.kernel)
    return rf"\operatorname{{{type(expr).__name__}}}_{{{kernel}}}", Kind.SCRIPTED


# --- resampling (symconv.operators.resample) -------------------------------------------


def _resample_form(expr: object, printer: SymconvLatexPrinter) -> str:
    """``\\operatorname{Resample}^{\\mathrm{linear}}_{4 \\to 8}[\\tfrac{i}{2} - \\tfrac{1}{4}]``:
    the kernel, the sizes and the coordinate map src(i) (the kernel name is one of a fixed
    set, so nothing user-given reaches the LaTeX unprinted)."""
    sizes = f"{printer.doprint(expr.n)} \\to {printer.doprint(expr.length)}"
    if isinstance(expr, ops.AreaResample):
        return rf"\operatorname{{Resample}}^{{\mathrm{{area}}}}_{{{sizes}}}"
    i = sp.Symbol("i")
    details = [expr.kernel]
    if expr.kernel == "cubic":
        details.append(f"a = {printer.doprint(expr.a)}")
    if expr.border != "clamp":
        details.append(expr.border)
    if expr.table:
        details.append(rf"\mathrm{{table}}\ {printer.doprint(expr.table)}")
    if expr.width != 1:
        details.append(f"w = {printer.doprint(expr.width)}")
    label = r",\, ".join(rf"\mathrm{{{d}}}" if d.isalpha() else d for d in details)
    src = printer.doprint(expr.scale * i + expr.offset)
    return rf"\operatorname{{Resample}}^{{{label}}}_{{{sizes}}}[{src}]"


@operator_form.register(ops.Resample)
@operator_form.register(ops.AreaResample)
def _(expr: ops.Resample | ops.AreaResample, printer: SymconvLatexPrinter) -> Printed:
    return _resample_form(expr, printer), Kind.SUPERSCRIPTED


@operator_form.register
def _(expr: ops.ResampleTranspose, printer: SymconvLatexPrinter) -> Printed:
    transpose = printer.notation.call("transp")
    return f"({_resample_form(expr.forward, printer)})^{{{transpose}}}", Kind.SUPERSCRIPTED
