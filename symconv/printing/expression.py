"""The expression-language printer: a symconv expression as text :func:`~symconv.parse.parse` reads.

The language (``Downsample(8, 2) @ Conv([q_0, q_1], 8, "same")``) is
described in ``docs/expressions.rst``; :mod:`symconv.parse` reads it and
:func:`unparse` writes it, within the parser's limits.

Examples
--------
>>> from symconv.parse import parse
>>> unparse(parse("Flip(n) @ Downsample(n, 2).T"))
'Flip(n) @ Downsample(n, 2).T'
"""

from __future__ import annotations

import inspect
import keyword

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from symconv import _validate
from symconv.errors import ParameterError, SymconvError
from symconv.operators import Operator
from symconv.parse import _SYMBOL_NAME, MAX_DIGITS, MAX_EXPONENT, OPERATOR_CLASSES

__all__ = ["unparse"]

_SCALAR_TYPES = (sp.Integer, sp.Rational, sp.Symbol, sp.Add, sp.Mul, sp.floor, sp.ceiling, sp.Mod)


def _unsupported(expr: object, what: str) -> ParameterError:
    return ParameterError("expr", expr, f"{what} that the expression language can write")


def _scalar_text(expr: sp.Expr) -> str:
    for sub in sp.preorder_traversal(expr):
        if isinstance(sub, sp.Symbol):
            if not _SYMBOL_NAME.match(sub.name) or keyword.iskeyword(sub.name):
                raise _unsupported(expr, "symbol names")
        elif isinstance(sub, sp.Pow):
            if not (sub.exp.is_Integer and abs(sub.exp) <= MAX_EXPONENT):
                raise _unsupported(expr, "integer powers")
        elif isinstance(sub, sp.Rational) and len(str(max(abs(sub.p), sub.q))) > MAX_DIGITS:
            raise _unsupported(expr, f"integers of at most {MAX_DIGITS} digits (parse's limit)")
        elif not isinstance(sub, (*_SCALAR_TYPES, sp.Max, sp.Min)):
            raise _unsupported(expr, "scalars (integers, fractions, symbols, + - * / floor ...)")
    return sp.sstr(expr)


def _coefficient_text(coefficient: sp.Expr) -> str:
    text = _scalar_text(coefficient)
    return text if isinstance(coefficient, (sp.Rational, sp.Symbol)) else f"({text})"


def _argument_text(key: str, value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, (tuple, sp.Tuple)):
        items = ", ".join(_scalar_text(v) for v in value)
        return f"[{items}]" if key == "q" else f"({items})"
    return _scalar_text(value)


def _operator_text(expr: Operator) -> str:
    cls = type(expr)
    parameters = inspect.signature(cls).parameters
    values = {key: expr.kernel if key == "q" else getattr(expr, key) for key in parameters}
    # Leave out optional arguments that do not change the operator (defaults,
    # the default up-sampling length, zero padding), last first.
    for key in reversed(parameters):
        if parameters[key].default is inspect.Parameter.empty:
            break
        trial = {k: v for k, v in values.items() if k != key}
        try:
            if cls(**trial) == expr:
                values = trial
        except SymconvError:  # e.g. output_padding=1 needs its stride
            pass
    shown = [
        _argument_text(key, value)
        if parameters[key].default is inspect.Parameter.empty
        else f"{key}={_argument_text(key, value)}"
        for key, value in values.items()
    ]
    return f"{cls.__name__}({', '.join(shown)})"


def _is_negative(term: MatrixExpr) -> bool:
    coefficient = term.as_coeff_mmul()[0] if isinstance(term, sp.MatMul) else 1
    return bool(isinstance(coefficient, sp.Rational) and coefficient < 0)


def _factor_text(expr: MatrixExpr) -> str:
    """A matrix as an operand of ``@`` or ``.T``: parenthesized unless atomic."""
    text = unparse(expr)
    atomic = isinstance(expr, (Operator, sp.Identity, sp.ZeroMatrix, sp.MatrixSymbol, sp.Transpose))
    return text if atomic else f"({text})"


def unparse(expr: MatrixExpr) -> str:
    """Print an expression of symconv operators in the expression language.

    ``parse(unparse(e)) == e`` for every expression :func:`~symconv.parse.parse` can build
    (sizes must be positive integer symbols and kernel taps plain symbols, as
    :func:`~symconv.parse.parse` makes them), up to the order of the terms of a sum. Unevaluated
    forms such as ``Transpose(Flip(3))`` print and parse back as written.

    Raises
    ------
    ParameterError
        ``expr`` contains something the language cannot write (an explicit
        matrix, a float, a square root, ...).

    Examples
    --------
    >>> from symconv import Corr, Upsample, kernel
    >>> unparse(Corr(kernel("q", 3), 8, "same", stride=2))
    'Corr([q_0, q_1, q_2], 8, padding=(0, 1), stride=2)'
    >>> unparse(Upsample(2, 2, length=3).T @ Upsample(2, 2, length=3) / 2)
    '1/2*Downsample(3, 2) @ Upsample(2, 2, length=3)'
    """
    # Two symbols printed alike would parse as one.
    _validate.distinct_names("expr", getattr(expr, "free_symbols", ()))
    if isinstance(expr, Operator) and type(expr) in OPERATOR_CLASSES.values():
        return _operator_text(expr)
    if isinstance(expr, Operator) and type(expr.T) in OPERATOR_CLASSES.values():
        # A transpose class with no syntax of its own (ResampleTranspose takes the forward
        # operator) is written as the transpose of what it transposes.
        return f"{_operator_text(expr.T)}.T"
    if isinstance(expr, sp.Identity):
        return f"I({_scalar_text(expr.rows)})"
    if isinstance(expr, sp.ZeroMatrix):
        return f"Zero({_scalar_text(expr.rows)}, {_scalar_text(expr.cols)})"
    if isinstance(expr, sp.MatrixSymbol) and _SYMBOL_NAME.match(expr.name):
        return expr.name
    if isinstance(expr, sp.Transpose):
        return f"{_factor_text(expr.arg)}.T"
    if isinstance(expr, sp.MatMul):
        coefficient, matrices = expr.as_coeff_matrices()
        text = " @ ".join(_factor_text(m) for m in matrices)
        if coefficient == 1:
            return text
        return f"-{text}" if coefficient == -1 else f"{_coefficient_text(coefficient)}*{text}"
    if isinstance(expr, sp.MatPow) and expr.exp.is_Integer and 1 <= expr.exp <= MAX_EXPONENT:
        return f"{_factor_text(expr.base)} ** {expr.exp}"
    if isinstance(expr, sp.MatAdd):
        # Terms with a negative coefficient print as "- term", after the others.
        negative = [_is_negative(term) for term in expr.args]
        terms = sorted(zip(negative, expr.args), key=lambda pair: pair[0])
        text = "-" * terms[0][0] + unparse(-terms[0][1] if terms[0][0] else terms[0][1])
        for is_negative, term in terms[1:]:
            text += f" - {unparse(-term)}" if is_negative else f" + {unparse(term)}"
        return text
    raise _unsupported(expr, "symconv operators, I, Zero, sums, products and transposes")
