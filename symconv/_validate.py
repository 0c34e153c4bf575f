"""Checks that turn user input into SymPy arguments or raise a clear error.

Sizes may be concrete integers or SymPy integer expressions; a check that
cannot be decided for symbolic sizes is left to the caller's assumptions
(``symbols("n", integer=True, positive=True)``) rather than guessed.
"""

from __future__ import annotations

import numbers
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Set

import numpy as np
import sympy as sp

from symconv import limits
from symconv.errors import ParameterError

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")
#: A symbol in a kernel tap: an ASCII identifier (``q``, ``q_0``, ``w_1_2``), which Python,
#: LaTeX and NumPy code generation can all write; ``q_²`` or ``q{0}`` could break them.
_SYMBOL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


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
    """One kernel tap: a number or a SymPy expression (strings are refused).

    Symbols must be named by ASCII identifiers such as ``q``, ``q_0`` or
    ``w_1_2``: a name such as ``q_²`` could be neither printed nor compiled.

    Examples
    --------
    >>> scalar("q[0]", sp.Symbol("q_²"))
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: q[0]=q_² is not allowed: expected a number or a SymPy
    expression whose symbols are ASCII identifiers such as q, q_0 or w_1_2
    """
    allowed = "a number or a SymPy expression"
    try:
        result = sp.sympify(value, strict=True)
    except (sp.SympifyError, TypeError):
        raise ParameterError(name, value, allowed) from None
    if not isinstance(result, sp.Expr) or isinstance(result, sp.MatrixBase):
        raise ParameterError(name, value, allowed)
    for symbol in result.free_symbols:
        # q[t] of a kernel of symbolic length (symconv.kernels.family): its base is the name.
        label = symbol.base.label if isinstance(symbol, sp.Indexed) else symbol
        if not _SYMBOL.match(label.name):
            raise ParameterError(
                name,
                value,
                f"{allowed} whose symbols are ASCII identifiers such as q, q_0 or w_1_2",
            )
    return result


def taps(name: str, values: object) -> sp.Tuple:
    """A kernel: a non-empty sequence of scalars, as a SymPy ``Tuple``."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ParameterError(name, values, "a non-empty sequence of numbers or SymPy expressions")
    if isinstance(values, (Set, Mapping)):  # their order changes with PYTHONHASHSEED
        raise ParameterError(
            name, values, "an ordered sequence (list, tuple, array), not a set or a mapping"
        )
    if (
        isinstance(values, sp.Tuple)
        and values
        and all(isinstance(v, sp.Expr) and not v.is_Matrix for v in values)
    ):
        return values  # already a checked kernel (operators rebuilt from their args)
    items = list(values)
    limits.require("taps", len(items), f"the kernel {name}")
    if not items:
        raise ParameterError(name, values, "a non-empty sequence of numbers or SymPy expressions")
    return sp.Tuple(*(scalar(f"{name}[{i}]", v) for i, v in enumerate(items)))


def operand(value: object, matrix: bool = False) -> sp.Basic:
    """The other operand of ``+``, ``-``, ``*`` or (``matrix=True``) ``@`` with an operator.

    ``@`` is the matrix product, so a scalar is refused there (write ``2 * A``);
    NumPy arrays, strings and ``None`` are refused everywhere (wrap an array in
    ``sympy.Matrix`` to mean its matrix).

    Examples
    --------
    >>> operand(2)
    2
    >>> operand(2, matrix=True)
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: operand=2 is not allowed: expected a matrix expression for @ (a
    scalar multiplies with *)
    """
    allowed = (
        "a matrix expression for @ (a scalar multiplies with *)"
        if matrix
        else ("a matrix expression or a scalar")
    )
    if isinstance(value, (str, bytes, np.ndarray)) or value is None:
        raise ParameterError("operand", value, allowed)
    try:
        result = sp.sympify(value, strict=True)
    except (sp.SympifyError, TypeError):
        raise ParameterError("operand", value, allowed) from None
    if matrix and not getattr(result, "is_Matrix", False):
        raise ParameterError("operand", value, allowed)
    return result


def matrix_expression(name: str, value: object) -> sp.MatrixExpr:
    """A SymPy matrix expression (an operator, a product, ...), else a :class:`ParameterError`."""
    if not isinstance(value, sp.Basic) or not getattr(value, "is_Matrix", False):
        raise ParameterError(name, value, "a matrix expression, e.g. Conv(q, 8) @ Upsample(4, 2)")
    return value


def number_array(name: str, value: object) -> np.ndarray:
    """An array of numbers (booleans, integers, floats or complex), not ragged, not strings.

    Examples
    --------
    >>> number_array("x", [[1, 2], [3]])
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: x=[[1, 2], [3]] is not allowed: expected a rectangular array
    of numbers
    """
    allowed = "a rectangular array of numbers"
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):  # ragged nested sequences
        raise ParameterError(name, value, allowed) from None
    if array.dtype.kind in "biufc":
        return array
    if array.dtype.kind == "O" and all(
        isinstance(v, (numbers.Number, sp.Number)) for v in array.flat
    ):
        return array  # exact numbers (Python ints beyond int64, Fractions, SymPy numbers)
    raise ParameterError(name, value, allowed)


def distinct(name: str, symbols: Iterable[sp.Symbol]) -> None:
    """Raise if a symbol occurs twice (two kernels sharing ``r_0``: which value would it take?).

    Examples
    --------
    >>> distinct("params", sp.symbols("r_0 s r_0"))
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: params=(r_0, s, r_0) is not allowed: expected distinct
    symbols; r_0 occurs more than once
    """
    symbols = tuple(symbols)
    repeated = sorted(str(s) for s, count in Counter(symbols).items() if count > 1)
    if repeated:
        raise ParameterError(
            name, symbols, f"distinct symbols; {', '.join(repeated)} occurs more than once"
        )


def distinct_names(name: str, symbols: Iterable[sp.Symbol]) -> None:
    """Raise if two different symbols share a name (``n`` and ``n`` declared positive):
    printed, they would read as one.

    Examples
    --------
    >>> distinct_names("expr", {sp.Symbol("n"), sp.Symbol("n", positive=True)})
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: expr=... is not allowed: expected symbols with distinct
    names; n names 2 different symbols (different assumptions)
    """
    names = Counter(s.name for s in set(symbols) if isinstance(s, sp.Symbol))
    shared = sorted(n for n, count in names.items() if count > 1)
    if shared:
        raise ParameterError(
            name,
            tuple(sorted(map(str, symbols))),
            f"symbols with distinct names; {', '.join(shared)} names "
            f"{names[shared[0]]} different symbols (different assumptions)",
        )
