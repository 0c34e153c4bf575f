"""Checks that turn user input into SymPy arguments or raise a clear error.

Sizes may be concrete integers or SymPy integer expressions; a check that
cannot be decided for symbolic sizes is left to the caller's assumptions
(``symbols("n", integer=True, positive=True)``) rather than guessed.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable

import sympy as sp

from symconv.errors import ParameterError

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")


def integer(name: str, value: object, minimum: int | None = None) -> sp.Expr:
    """Return ``value`` as a SymPy integer expression, checked against ``minimum``.

    Concrete values must be Python/NumPy/SymPy integers (``bool`` and floats
    are refused, even ``4.0``). Symbolic values must be SymPy expressions
    known to be integers; the bound is enforced only where SymPy can decide it.
    """
    allowed = "an integer" if minimum is None else f"an integer >= {minimum}"
    if isinstance(value, bool):
        raise ParameterError(name, value, allowed)
    if isinstance(value, numbers.Integral):
        result: sp.Expr = value if isinstance(value, sp.Integer) else sp.Integer(int(value))
        if minimum is not None and int(result) < minimum:  # decided in Python: the common case
            raise ParameterError(name, value, allowed)
        return result
    elif isinstance(value, sp.Basic) and isinstance(value, sp.Expr):
        if value.is_integer is not True:
            raise ParameterError(
                name,
                value,
                f"{allowed}; a symbolic size must be declared integer, e.g. "
                "sympy.symbols('n', integer=True, positive=True)",
            )
        result = value
    else:
        raise ParameterError(name, value, allowed)
    if minimum is not None and (result - minimum).is_negative:
        raise ParameterError(name, value, allowed)
    return result


def size(name: str, value: object) -> sp.Expr:
    """An integer >= 1 (a length, factor, stride or dilation)."""
    return integer(name, value, minimum=1)


def amount(name: str, value: object) -> sp.Expr:
    """An integer >= 0 (an amount of padding or cropping)."""
    return integer(name, value, minimum=0)


def is_concrete(*values: sp.Expr) -> bool:
    """True when every value is a number (no free symbols)."""
    return all(sp.sympify(v).is_Integer for v in values)


def require(condition: object, name: str, value: object, allowed: str) -> None:
    """Raise unless ``condition`` may hold.

    ``condition`` is a Python bool or a SymPy relational; a relational that
    SymPy cannot decide (symbolic sizes) is accepted. Write ``a >= b`` rather
    than ``sp.Ge(a, b)``: the same relational for symbolic sizes, but decided
    at once for SymPy integers (``sp.Ge`` takes ~40 µs even then).
    """
    if condition is False or condition == sp.false:
        raise ParameterError(name, value, allowed)


def name(kind: str, value: object) -> str:
    """A symbol base name: a letter followed by letters or digits.

    The restriction keeps every generated name valid in Python, SymPy and
    LaTeX (no ``_``, braces or backslashes that could inject markup).
    """
    if not isinstance(value, str) or not _NAME.match(value):
        raise ParameterError(
            kind, value, "a name of ASCII letters and digits starting with a letter"
        )
    return value


def scalar(name: str, value: object) -> sp.Expr:
    """One kernel tap: a number or a SymPy expression (strings are refused)."""
    try:
        result = sp.sympify(value, strict=True)
    except (sp.SympifyError, TypeError):
        raise ParameterError(name, value, "a number or a SymPy expression") from None
    if not isinstance(result, sp.Expr) or isinstance(result, sp.MatrixBase):
        raise ParameterError(name, value, "a number or a SymPy expression")
    return result


def taps(name: str, values: object) -> sp.Tuple:
    """A kernel: a non-empty sequence of scalars, as a SymPy ``Tuple``."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ParameterError(name, values, "a non-empty sequence of numbers or SymPy expressions")
    if (
        isinstance(values, sp.Tuple)
        and values
        and all(isinstance(v, sp.Expr) and not v.is_Matrix for v in values)
    ):
        return values  # already a checked kernel (operators rebuilt from their args)
    items = list(values)
    if not items:
        raise ParameterError(name, values, "a non-empty sequence of numbers or SymPy expressions")
    return sp.Tuple(*(scalar(f"{name}[{i}]", v) for i, v in enumerate(items)))
