"""The expression language of ``symconv check``: text to operators.

:func:`parse` turns a line such as ``Conv(kernel(q, 3), 4, "same") @ Upsample(2, 2)``
into a SymPy matrix expression *as written*: ``@`` is an unevaluated ``MatMul``, ``.T``
an unevaluated ``Transpose``, ``+`` an unevaluated ``MatAdd`` (Python's ``@`` and ``.T``
evaluate at once, firing the closed-form transposes, so a proof could not show its
rules); ``.doit()`` gives what the same Python code would build.
:func:`symconv.printing.expression.unparse` prints an expression back in the
language. The grammar and
every built-in are described in ``docs/expressions.rst``.

The input is never handed to Python or SymPy as text (no ``eval``, ``exec``,
``sympify`` or ``parse_expr``, which execute code): a small tokenizer and a
recursive-descent parser build a syntax tree, and an evaluator calls only the
whitelisted constructors below. Input length, nesting depth, kernel lengths
and the size of computed numbers are bounded, so that a short string cannot
exhaust memory or time.

Examples
--------
>>> from symconv import Conv, Downsample, Upsample, kernel
>>> lhs = parse('(Downsample(4, 2) @ Conv(kernel(q, 3), 4, "same").T).T')
>>> lhs
(Downsample(4, 2)*Conv((q_0, q_1, q_2), 4, 'same').T).T
>>> lhs.doit() == (Downsample(4, 2) @ Conv(kernel("q", 3), 4, "same").T).T
True
>>> parse("Flip(3) @ Flip(4)")
Traceback (most recent call last):
...
symconv.errors.ShapeMismatchError: cannot compose Flip(3) of shape (3, 3)
with Flip(4) of shape (4, 4): 3 columns against 4 rows...
"""

from __future__ import annotations

import inspect
import keyword
import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from symconv import _validate, kernels, limits
from symconv.errors import ParameterError, SymconvError
from symconv.operators import Operator, operator_classes
from symconv.operators.base import check_composable, check_same_shape

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_TAPS",
    "ParseError",
    "format_error",
    "parse",
]

#: Longest accepted input, in characters.
MAX_LENGTH = 10_000
#: Deepest accepted nesting of parentheses, brackets and calls.
MAX_DEPTH = 50
#: Most taps a kernel *function* (``kernel``, ``ones``, ``dilate``, ``convolve``) may create.
MAX_TAPS = 1000
#: Most digits in one integer literal.
MAX_DIGITS = 100
#: Largest bit length of a number computed from literals (``9**64**...`` is refused).
MAX_BITS = 4096
#: Largest absolute exponent of ``**``.
MAX_EXPONENT = 64

_NAME_START = set(string.ascii_letters + "_")
_NAME_CHARS = _NAME_START | set(string.digits)
_SYMBOL_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_OPERATORS = ("**", "//", "@", "*", "/", "%", "+", "-", "(", ")", "[", "]", ",", "=", ".")
_WINDOW = 72  # characters of a long line shown around the caret


# --------------------------------------------------------------------------- errors


def _pointer(text: str, position: int) -> str:
    """The line of ``text`` holding ``position`` and a caret under that character."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    line = text[start : len(text) if end < 0 else end]
    column = position - start
    left = right = ""
    if len(line) > _WINDOW:  # show a window around the caret, marked with ellipses
        first = max(0, min(column - _WINDOW // 2, len(line) - _WINDOW))
        left = "..." if first > 0 else ""
        right = "..." if first + _WINDOW < len(line) else ""
        line, column = line[first : first + _WINDOW], column - first + len(left)
    # One printable character per input character keeps the caret aligned.
    shown = "".join(c if c.isprintable() else " " for c in line)
    return f"  {left}{shown}{right}\n  {' ' * column}^"


class ParseError(SymconvError):
    """An expression that is not valid in the language, with where it goes wrong.

    Parameters
    ----------
    message : str
        What is wrong, in words.
    text : str
        The whole input.
    position : int
        0-based offset of the offending character (``len(text)`` for "unexpected end").

    Examples
    --------
    >>> error = ParseError("unknown function 'eval'", "eval(1)", 0)
    >>> print(error)
    unknown function 'eval'
      eval(1)
      ^
    >>> error.position, error.message
    (0, "unknown function 'eval'")
    """

    def __init__(self, message: str, text: str, position: int) -> None:
        self.message = message
        self.text = text
        self.position = position
        super().__init__(f"{message}\n{_pointer(text, position)}")


def format_error(error: BaseException) -> str:
    """The message of ``error`` plus, if :func:`parse` located it, the line and a caret.

    :func:`parse` lets the operators' own :class:`~symconv.ParameterError` and
    :class:`~symconv.ShapeMismatchError` through unchanged but records the call or
    ``@`` that raised them in their ``text`` and ``position`` attributes; this
    shows them the way :class:`ParseError` shows itself.

    Examples
    --------
    >>> try:
    ...     parse("Flip(2) @ Downsample(4, 0)")
    ... except ParameterError as error:
    ...     print(format_error(error))
    k=0 is not allowed: expected an integer >= 1
      Flip(2) @ Downsample(4, 0)
                              ^
    """
    if isinstance(error, ParseError) or not hasattr(error, "position"):
        return str(error)
    return f"{error}\n{_pointer(error.text, error.position)}"


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", "string", "op" or "end"
    text: str
    position: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0

    def fail(message: str, position: int) -> None:
        raise ParseError(message, text, position)

    while i < len(text):
        c = text[i]
        if c in " \t\r\n":
            i += 1
        elif c in string.digits:
            j = i
            while j < len(text) and text[j] in string.digits:
                j += 1
            if j < len(text) and (
                text[j] in "eE" or (text[j] == "." and text[j + 1 : j + 2].isdigit())
            ):
                fail("decimal numbers are not exact: write a fraction such as 1/2", i)
            if j < len(text) and text[j] in _NAME_START:
                fail(f"a number cannot run into a name: write {text[i:j]}*{text[j]}", j)
            if j - i > MAX_DIGITS:
                fail(f"integer literal longer than {MAX_DIGITS} digits", i)
            tokens.append(_Token("number", text[i:j], i))
            i = j
        elif c in _NAME_START:
            j = i
            while j < len(text) and text[j] in _NAME_CHARS:
                j += 1
            word = text[i:j]
            if word.startswith("_"):
                fail(f"names may not start with '_': {word!r}", i)
            if keyword.iskeyword(word):
                fail(f"{word!r} is a Python keyword, not part of the expression language", i)
            tokens.append(_Token("name", word, i))
            i = j
        elif c in "'\"":
            j = i + 1
            while j < len(text) and text[j] not in (c, "\\", "\n"):
                j += 1
            if j == len(text) or text[j] == "\n":
                fail("unterminated string", i)
            if text[j] == "\\":
                fail("backslashes are not allowed in strings", j)
            tokens.append(_Token("string", text[i + 1 : j], i))
            i = j + 1
        else:
            op = next((op for op in _OPERATORS if text.startswith(op, i)), None)
            if op is None:
                shown = c if c.isprintable() else f"{c!r}"
                fail(f"unexpected character {shown}", i)
            tokens.append(_Token("op", op, i))
            i += len(op)
    tokens.append(_Token("end", "", len(text)))
    return tokens


# --------------------------------------------------------------------------- syntax tree
# A leaf of the tree is its token (a number, a string or a name); the nodes follow.


@dataclass(frozen=True)
class _Call:
    position: int
    name: str
    args: tuple
    keywords: tuple  # of (name, position, node)
    end: int  # position of the closing parenthesis


@dataclass(frozen=True)
class _Items:
    """A list ``[a, b]`` or a tuple ``(a, b)`` literal."""

    position: int
    items: tuple


@dataclass(frozen=True)
class _Unary:
    position: int
    negate: bool
    operand: object


@dataclass(frozen=True)
class _Chain:
    """``first op₁ x₁ op₂ x₂ …`` at one precedence level, applied left to right.

    A flat chain instead of nested binary nodes keeps the evaluator's recursion
    depth at the nesting depth even for ``a + a + … + a``.
    """

    position: int
    first: object
    rest: tuple  # of (operator, position, node)


@dataclass(frozen=True)
class _Power:
    position: int  # where the base starts
    operator: int  # position of the "**"
    base: object
    exponent: object


@dataclass(frozen=True)
class _Transpose:
    """``operand.T.T…``: ``dots`` are the positions of the ``.T`` suffixes.

    One node for the whole run keeps ``X.T.T.T…`` from nesting deeply.
    """

    position: int
    operand: object
    dots: tuple


class _Parser:
    """Recursive descent over the tokens; see the grammar in ``docs/expressions.rst``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0

    def fail(self, message: str, position: int) -> None:
        raise ParseError(message, self.text, position)

    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, *ops: str) -> bool:
        return self.token.kind == "op" and self.token.text in ops

    def describe(self, token: _Token) -> str:
        return "the end of the input" if token.kind == "end" else repr(token.text)

    def expect(self, op: str, context: str) -> _Token:
        if not self.at(op):
            self.fail(
                f"expected {op!r} {context}, found {self.describe(self.token)}", self.token.position
            )
        return self.advance()

    def enter(self, position: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"nesting deeper than {MAX_DEPTH} levels", position)

    def parse(self) -> object:
        if self.token.kind == "end":
            self.fail("empty expression", 0)
        node = self.expression()
        if self.token.kind != "end":
            self.fail(
                f"unexpected {self.describe(self.token)}: expected an operator or the end",
                self.token.position,
            )
        return node

    def expression(self) -> object:
        return self.chain(self.product, ("+", "-"))

    def product(self) -> object:
        return self.chain(self.unary, ("@", "*", "/", "//", "%"))

    def chain(self, operand: Callable[[], object], ops: tuple[str, ...]) -> object:
        first = operand()
        rest = []
        while self.at(*ops):
            op = self.advance()
            rest.append((op.text, op.position, operand()))
        return _Chain(first.position, first, tuple(rest)) if rest else first

    def signs(self) -> tuple[int, bool, bool]:
        """Consume unary ``+``/``-`` signs iteratively (no recursion per sign)."""
        position, count, negate = self.token.position, 0, False
        while self.at("+", "-"):
            negate ^= self.advance().text == "-"
            count += 1
        return position, count > 0, negate

    def unary(self) -> object:
        position, signed, negate = self.signs()
        node = self.power()
        return _Unary(position, negate, node) if signed else node

    def power(self) -> object:
        base = self.postfix()
        if not self.at("**"):
            return base
        op = self.advance()
        position, signed, negate = self.signs()
        exponent = self.postfix()
        if signed:
            exponent = _Unary(position, negate, exponent)
        if self.at("**"):
            self.fail("chained '**' is ambiguous: add parentheses", self.token.position)
        return _Power(base.position, op.position, base, exponent)

    def postfix(self) -> object:
        node = self.primary()
        dots = []
        while self.at("."):
            dot = self.advance()
            if self.token.kind != "name" or self.token.text != "T":
                self.fail(
                    "only '.T' (transpose) may follow a '.'; attributes are not accessible",
                    self.token.position if self.token.kind == "name" else dot.position,
                )
            self.advance()
            dots.append(dot.position)
        return _Transpose(node.position, node, tuple(dots)) if dots else node

    def primary(self) -> object:
        token = self.token
        if token.kind in ("number", "string", "name"):
            self.advance()
            return self.call(token) if token.kind == "name" and self.at("(") else token
        if self.at("(", "["):
            return self.items()
        self.fail(f"expected an expression, found {self.describe(token)}", token.position)
        raise AssertionError  # unreachable: fail raises

    def items(self) -> object:
        """``(expr)``, a tuple ``(a, b)`` / ``(a,)``, or a list ``[a, b]``."""
        opening = self.advance()
        closing = ")" if opening.text == "(" else "]"
        self.enter(opening.position)
        items, tuple_comma = [], False
        while not self.at(closing):
            if items and not tuple_comma:
                self.expect(",", f"or {closing!r}")
            items.append(self.expression())
            tuple_comma = False
            if self.at(","):
                self.advance()
                tuple_comma = True
        if opening.text == "(" and not items:
            self.fail("empty parentheses: expected an expression", self.token.position)
        self.advance()
        self.depth -= 1
        if opening.text == "(" and len(items) == 1 and not tuple_comma:
            return items[0]  # plain grouping
        return _Items(opening.position, tuple(items))

    def call(self, name: _Token) -> _Call:
        if name.text not in _CALLS:
            self.fail(
                f"unknown function {name.text!r}; the functions are {', '.join(sorted(_CALLS))}",
                name.position,
            )
        opening = self.advance()
        self.enter(opening.position)
        args, keywords = [], []
        while not self.at(")"):
            if args or keywords:
                self.expect(",", "or ')' between arguments")
                if self.at(")"):
                    break
            # A name token is never last (the end token follows), so index + 1 exists.
            is_keyword = self.token.kind == "name" and self.tokens[self.index + 1].text == "="
            if is_keyword and self.tokens[self.index + 1].kind == "op":
                key = self.advance()
                self.advance()
                keywords.append((key.text, key.position, self.expression()))
            elif keywords:
                self.fail(
                    "a positional argument cannot follow a keyword argument", self.token.position
                )
            else:
                args.append(self.expression())
        end = self.advance()
        self.depth -= 1
        return _Call(name.position, name.text, tuple(args), tuple(keywords), end.position)


# --------------------------------------------------------------------------- evaluation

# The role of the position a name appears in decides which symbol it becomes:
# sizes are positive integer symbols (so shapes and validation can reason about
# them), kernel taps and scalar factors are plain symbols, like kernel("q", 3).
_SIZE, _TAP, _KERNEL = "size", "tap", "kernel"

_ERRORS_TO_LOCATE = (
    TypeError,
    ValueError,
    ArithmeticError,
    AttributeError,
    IndexError,
    NotImplementedError,
    RecursionError,
)


def _kind(value: object) -> str:
    if getattr(value, "is_Matrix", False):
        return "matrix"
    if isinstance(value, sp.Expr):
        return "scalar"
    return "string" if isinstance(value, str) else "sequence"


class _Evaluator:
    def __init__(self, text: str, symbols: Mapping[str, object]) -> None:
        self.text = text
        self.symbols = symbols
        self.roles: dict[str, tuple[bool, int]] = {}  # name -> (is a size, first position)

    def fail(self, message: str, position: int) -> None:
        raise ParseError(message, self.text, position)

    def locate(self, error: BaseException, position: int) -> None:
        """Record where an operator's own error happened, keeping its type and message."""
        if getattr(error, "position", None) is None:
            error.text, error.position = self.text, position
            if hasattr(error, "add_note"):  # Python >= 3.11: tracebacks show the caret too
                error.add_note(_pointer(self.text, position))

    def run(
        self,
        position: int,
        what: str,
        action: Callable[[], object],
        arguments: Mapping[str, object] | None = None,
    ) -> object:
        """Call ``action``; locate symconv errors, turn anything else into a ParseError.

        A :class:`ParameterError` about one of the call's ``arguments`` (by
        parameter name, ``"q[1]"`` naming a tap) points at that argument.
        """
        try:
            return action()
        except SymconvError as error:
            if isinstance(error, ParameterError) and arguments:
                position = self.argument_position(error.name, arguments, position)
            self.locate(error, position)
            raise
        except _ERRORS_TO_LOCATE as error:
            raise ParseError(f"{what} failed: {error}", self.text, position) from error

    @staticmethod
    def argument_position(name: object, arguments: Mapping[str, object], default: int) -> int:
        match = re.match(r"(\w+)(?:\[(\d+)\])?", str(name))
        node = arguments.get(match.group(1)) if match else None
        if node is None:
            return default
        if match.group(2) is not None and isinstance(node, _Items):
            index = int(match.group(2))
            return node.items[index].position if index < len(node.items) else node.position
        return node.position

    def scalar(self, value: sp.Expr, position: int) -> sp.Expr:
        """Refuse division by zero and numbers too large to be meant."""
        if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            self.fail("division by zero", position)
        for number in value.atoms(sp.Rational):
            if max(abs(number.p).bit_length(), number.q.bit_length()) > MAX_BITS:
                self.fail(f"number larger than 2**{MAX_BITS}", position)
        return value

    def value(self, node: object, role: str) -> object:
        if isinstance(node, _Token):
            if node.kind == "number":
                return sp.Integer(int(node.text))
            return node.text if node.kind == "string" else self.name(node, role)
        if isinstance(node, _Items):
            inner = _TAP if role == _KERNEL else role
            return tuple(self.value(item, inner) for item in node.items)
        if isinstance(node, _Call):
            return _CALLS[node.name](self, node, role)
        if isinstance(node, _Chain):
            result = self.value(node.first, role)
            for op, position, operand in node.rest:
                result = self.binary(op, position, result, self.value(operand, role))
            return result
        if isinstance(node, _Unary):
            operand = self.operand(node.operand, role, "a sign")
            if not node.negate:
                return operand
            if _kind(operand) == "matrix":
                return _scaled(-1, operand)
            return self.run(node.position, "negation", lambda: -operand)
        if isinstance(node, _Transpose):
            operand = self.value(node.operand, role)
            if _kind(operand) != "matrix":
                self.fail(f"'.T' transposes a matrix, not a {_kind(operand)}", node.dots[0])
            # As written, but a run of more than two: (Xᵀ)ᵀ = X keeps X.T.T.T… shallow.
            count = len(node.dots) if len(node.dots) <= 2 else 2 - len(node.dots) % 2
            for _ in range(count):
                operand = sp.Transpose(operand)
            return operand
        assert isinstance(node, _Power)
        return self.power(node, role)

    def operand(self, node: object, role: str, what: str) -> object:
        value = self.value(node, role)
        if _kind(value) not in ("matrix", "scalar"):
            self.fail(f"{what} needs a matrix or a scalar, not a {_kind(value)}", node.position)
        return value

    def name(self, node: _Token, role: str) -> object:
        if node.text in self.symbols:
            return self.symbols[node.text]
        if node.text in _CALLS:
            self.fail(
                f"{node.text!r} is a function: call it, as in {node.text}(...)", node.position
            )
        if role == _KERNEL:
            self.fail(
                f"{node.text!r} is not a kernel: write kernel({node.text}, m) or a list such as "
                f"[{node.text}_0, {node.text}_1]",
                node.position,
            )
        is_size = role == _SIZE
        first_is_size, first = self.roles.setdefault(node.text, (is_size, node.position))
        if first_is_size != is_size:
            kinds = ("a size", "a kernel tap or scalar factor")
            self.fail(
                f"{node.text!r} is used as {kinds[not is_size]} here but as {kinds[is_size]} at "
                f"position {first}; a size is a positive integer symbol, a tap is not, so one "
                "name cannot be both",
                node.position,
            )
        return (
            sp.Symbol(node.text, integer=True, positive=True) if is_size else sp.Symbol(node.text)
        )

    def power(self, node: _Power, role: str) -> sp.Expr | MatrixExpr:
        base = self.value(node.base, role)
        if _kind(base) not in ("scalar", "matrix"):
            self.fail(
                f"'**' raises a scalar or a matrix to a power, not a {_kind(base)}", node.operator
            )
        exponent = self.value(node.exponent, role)
        if _kind(base) == "matrix":
            # A ** e: the product of e copies of A (SymPy's MatPow, what A @ A builds).
            if not (isinstance(exponent, sp.Integer) and 1 <= exponent <= MAX_EXPONENT):
                self.fail(
                    f"a matrix power needs an integer exponent from 1 to {MAX_EXPONENT}",
                    node.exponent.position,
                )
            self.run(node.operator, "'**'", lambda: check_composable(base, base))
            return sp.MatPow(base, exponent)
        if not (isinstance(exponent, sp.Integer) and abs(exponent) <= MAX_EXPONENT):
            self.fail(
                f"the exponent must be an integer from -{MAX_EXPONENT} to {MAX_EXPONENT}",
                node.exponent.position,
            )
        result = self.run(node.operator, "'**'", lambda: base**exponent)
        return self.scalar(result, node.operator)

    def binary(self, op: str, position: int, left: object, right: object) -> object:
        kinds = _kind(left), _kind(right)
        for kind in kinds:
            if kind not in ("matrix", "scalar"):
                self.fail(f"{op!r} needs matrices or scalars, not a {kind}", position)
        if op == "@" or (op == "*" and kinds == ("matrix", "matrix")):
            if kinds != ("matrix", "matrix"):
                self.fail(f"{op!r} composes two matrices; use '*' for a scalar factor", position)
            check = lambda: check_composable(left, right)  # noqa: E731
            self.run(position, "composition", check)
            return self.run(position, "composition", lambda: _product(left, right))
        if op in ("+", "-"):
            if kinds == ("scalar", "scalar"):
                result = left + right if op == "+" else left - right
                return self.scalar(result, position)
            if kinds != ("matrix", "matrix"):
                self.fail(f"{op!r} cannot combine a matrix and a scalar", position)
            self.run(position, "sum", lambda: check_same_shape(left, right))
            term = right if op == "+" else _scaled(-1, right)
            return self.run(position, "sum", lambda: _sum(left, term))
        if op == "*":
            if kinds == ("scalar", "scalar"):
                return self.scalar(self.run(position, "'*'", lambda: left * right), position)
            scalar, matrix = (left, right) if kinds[0] == "scalar" else (right, left)
            return _scaled(scalar, matrix)
        if kinds[1] == "matrix":
            self.fail(f"{op!r} cannot divide by a matrix", position)
        if right.is_zero:
            self.fail("division by zero", position)
        if op == "/":
            if kinds[0] == "matrix":
                return _scaled(1 / right, left)
            return self.scalar(self.run(position, "'/'", lambda: left / right), position)
        if kinds[0] == "matrix":
            self.fail(f"{op!r} applies to scalars only", position)
        action = (lambda: sp.floor(left / right)) if op == "//" else (lambda: sp.Mod(left, right))
        return self.scalar(self.run(position, repr(op), action), position)

    # -- calls

    def bind(self, node: _Call, names: Sequence[str], required: int) -> dict[str, object]:
        """Match a call's arguments to parameter ``names`` like Python does."""
        signature = f"{node.name}({', '.join(names)})"
        if len(node.args) > len(names):
            self.fail(f"too many arguments: {signature}", node.args[len(names)].position)
        bound = dict(zip(names, node.args))
        for key, position, arg in node.keywords:
            if key not in names:
                self.fail(f"{node.name}() has no parameter {key!r}: {signature}", position)
            if key in bound:
                self.fail(f"{node.name}() got {key!r} twice", position)
            bound[key] = arg
        missing = [name for name in names[:required] if name not in bound]
        if missing:
            self.fail(f"missing argument {missing[0]!r}: {signature}", node.end)
        return bound

    def count(self, node: object, name: str, limit: int = MAX_TAPS) -> int:
        """A concrete integer from 1 to ``limit`` (a kernel length or factor)."""
        value = self.value(node, _SIZE)
        if not (isinstance(value, sp.Integer) and 1 <= value <= limit):
            self.fail(f"{name} must be a concrete integer from 1 to {limit}", node.position)
        return int(value)

    def kernel(self, node: object) -> tuple:
        value = self.value(node, _KERNEL)
        return self.run(node.position, "kernel", lambda: kernels.as_kernel(value))


def _factors(expr: MatrixExpr) -> tuple:
    return expr.args if isinstance(expr, sp.MatMul) else (expr,)


def _product(left: MatrixExpr, right: MatrixExpr) -> MatrixExpr:
    """``left @ right`` unevaluated, one flat product (``a @ b @ c`` as written)."""
    return sp.MatMul(*_factors(left), *_factors(right))


def _scaled(scalar: sp.Expr, matrix: MatrixExpr) -> MatrixExpr:
    """``scalar * matrix`` unevaluated, the scalar in front of the product."""
    coefficient, factors = (
        matrix.as_coeff_matrices() if isinstance(matrix, sp.MatMul) else (1, [matrix])
    )
    coefficient *= scalar
    if coefficient == 1:
        return factors[0] if len(factors) == 1 else sp.MatMul(*factors)
    return sp.MatMul(coefficient, *factors)


def _sum(left: MatrixExpr, right: MatrixExpr) -> MatrixExpr:
    """``left + right`` unevaluated, one flat sum."""
    terms = (left.args if isinstance(left, sp.MatAdd) else (left,)) + (right,)
    return sp.MatAdd(*terms)


def _operator(cls: type) -> Callable[[_Evaluator, _Call, str], object]:
    parameters = inspect.signature(cls).parameters
    names = tuple(parameters)
    required = sum(p.default is inspect.Parameter.empty for p in parameters.values())

    def build(ev: _Evaluator, node: _Call, role: str) -> object:
        bound = ev.bind(node, names, required)
        values = {
            key: ev.value(arg, _KERNEL if key == "q" else _SIZE) for key, arg in bound.items()
        }
        return ev.run(node.position, f"{node.name}(...)", lambda: cls(**values), bound)

    return build


def _identity(ev: _Evaluator, node: _Call, role: str) -> object:
    n = ev.value(ev.bind(node, ("n",), 1)["n"], _SIZE)
    return ev.run(node.position, "I(...)", lambda: sp.Identity(_validate.size("n", n)))


def _zero(ev: _Evaluator, node: _Call, role: str) -> object:
    bound = ev.bind(node, ("rows", "cols"), 2)
    rows, cols = (ev.value(bound[key], _SIZE) for key in ("rows", "cols"))
    return ev.run(
        node.position,
        "Zero(...)",
        lambda: sp.ZeroMatrix(_validate.size("rows", rows), _validate.size("cols", cols)),
    )


def _kernel(ev: _Evaluator, node: _Call, role: str) -> tuple:
    bound = ev.bind(node, ("name", "m"), 2)
    base = bound["name"]
    if not (isinstance(base, _Token) and base.kind in ("name", "string")):
        ev.fail("a kernel's name is a bare name or a string, as in kernel(q, 3)", base.position)
    name = base.text
    m = ev.count(bound["m"], "the kernel length m")
    return ev.run(node.position, "kernel(...)", lambda: kernels.kernel(name, m))


def _ones(ev: _Evaluator, node: _Call, role: str) -> tuple:
    return kernels.ones(ev.count(ev.bind(node, ("m",), 1)["m"], "the kernel length m"))


def _flip(ev: _Evaluator, node: _Call, role: str) -> tuple:
    return kernels.flip(ev.kernel(ev.bind(node, ("q",), 1)["q"]))


def _dilate(ev: _Evaluator, node: _Call, role: str) -> tuple:
    bound = ev.bind(node, ("q", "d"), 2)
    q = ev.kernel(bound["q"])
    d = ev.count(bound["d"], "the dilation d")
    if d * (len(q) - 1) + 1 > MAX_TAPS:
        ev.fail(f"the dilated kernel would be longer than {MAX_TAPS} taps", node.position)
    return kernels.dilate(q, d)


def _convolve(ev: _Evaluator, node: _Call, role: str) -> tuple:
    bound = ev.bind(node, ("q", "r"), 2)
    q, r = ev.kernel(bound["q"]), ev.kernel(bound["r"])
    if len(q) * len(r) > 20 * MAX_TAPS:
        ev.fail(f"convolve() of {len(q)} by {len(r)} taps is too large", node.position)
    return kernels.convolve(q, r)


def _scalar_function(
    function: Callable[..., sp.Expr], arity: int | None
) -> Callable[[_Evaluator, _Call, str], sp.Expr]:
    """``floor``, ``Mod``, …: positional scalar arguments (``arity`` None: one or more)."""

    def build(ev: _Evaluator, node: _Call, role: str) -> sp.Expr:
        if node.keywords:
            ev.fail(f"{node.name}() takes no keyword arguments", node.keywords[0][1])
        if (arity is None and not node.args) or (arity is not None and len(node.args) != arity):
            wanted = "at least one argument" if arity is None else f"{arity} argument(s)"
            ev.fail(f"{node.name}() takes {wanted}, got {len(node.args)}", node.position)
        limits.require("arguments", len(node.args), f"{node.name}()")  # SymPy compares pairs
        inner = _TAP if role == _KERNEL else role
        args = []
        for arg in node.args:
            value = ev.value(arg, inner)
            if _kind(value) != "scalar":
                ev.fail(f"{node.name}() takes scalars, not a {_kind(value)}", arg.position)
            args.append(value)
        result = ev.run(node.position, f"{node.name}(...)", lambda: function(*args))
        return ev.scalar(result, node.position)

    return build


def expressible(cls: type) -> bool:
    """Whether the language can build (and :func:`unparse` print) operators of ``cls``.

    The rule: the operator acts on one axis (it keeps the default ``index_dims``: no
    channels, images or axis permutations, which have no syntax), and each parameter of
    its constructor is one the language writes — a size or amount, a ``(lo, hi)`` pair,
    a mode name, or a kernel ``q`` of concrete taps — and reads back from the operator
    under the same name (``q`` as its ``kernel``). A kernel family of symbolic length
    (:class:`~symconv.kernels.KernelFamily`, as :class:`~symconv.operators.PhaseSum`
    takes) has no syntax, nor has an operator given as a parameter (the ``forward`` of
    :class:`~symconv.operators.ResampleTranspose`, written ``R.T`` instead).

    Examples
    --------
    >>> from symconv.operators import CorrNd, NearestUpsample, PhaseSum
    >>> expressible(NearestUpsample), expressible(CorrNd), expressible(PhaseSum)
    (True, False, False)
    """
    if cls.index_dims is not Operator.index_dims:
        return False
    parameters = inspect.signature(cls, eval_str=True).parameters.values()
    return all(
        p.annotation is not kernels.KernelFamily
        and p.name != "forward"
        and not isinstance(p.default, bool)
        and hasattr(cls, "kernel" if p.name == "q" else p.name)
        for p in parameters
    )


#: The operator classes the language can construct, by name: every symconv operator
#: class that is :func:`expressible`, so a new operator needs no edit here.
OPERATOR_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in operator_classes()
    if cls.__module__.startswith("symconv.") and expressible(cls)
}

_CALLS: dict[str, Callable[[_Evaluator, _Call, str], object]] = {
    **{name: _operator(cls) for name, cls in OPERATOR_CLASSES.items()},
    "I": _identity,
    "Identity": _identity,
    "Zero": _zero,
    "kernel": _kernel,
    "ones": _ones,
    "flip": _flip,
    "dilate": _dilate,
    "convolve": _convolve,
    "floor": _scalar_function(sp.floor, 1),
    "ceiling": _scalar_function(sp.ceiling, 1),
    "Mod": _scalar_function(sp.Mod, 2),
    "Max": _scalar_function(sp.Max, None),
    "Min": _scalar_function(sp.Min, None),
}


def _symbol_table(symbols: Mapping[str, object] | None) -> dict[str, object]:
    if symbols is None:
        return {}
    if not isinstance(symbols, Mapping):
        raise ParameterError("symbols", symbols, "a mapping from names to SymPy values")
    table = {}
    for key, value in symbols.items():
        if not isinstance(key, str) or not _SYMBOL_NAME.match(key) or keyword.iskeyword(key):
            raise ParameterError("symbols", key, "names: a letter, then letters, digits or '_'")
        if getattr(value, "is_Matrix", False):
            table[key] = value
        elif isinstance(value, (Sequence, sp.Tuple)) and not isinstance(value, str):
            table[key] = kernels.as_kernel(value, f"symbols[{key!r}]")
        else:
            table[key] = _validate.scalar(f"symbols[{key!r}]", value)
    return table


def parse(
    text: str,
    *,
    symbols: Mapping[str, sp.Expr | MatrixExpr | Sequence[sp.Expr]] | None = None,
) -> MatrixExpr:
    """Parse an expression of symconv operators into a SymPy matrix expression.

    The result is the expression as written: products, transposes, sums and
    powers stay unevaluated (``MatMul``, ``Transpose``, ``MatAdd``, ``MatPow``), so
    that :func:`symconv.prove` shows the rules that relate two sides; its
    ``.doit()`` is what the same code would build in Python. The language is
    described in ``docs/expressions.rst``; nothing is evaluated as Python.

    Parameters
    ----------
    text : str
        The expression, at most :data:`MAX_LENGTH` characters.
    symbols : mapping, optional
        Values for names: a SymPy scalar, a matrix expression, or a kernel (a
        sequence of scalars, usable wherever a kernel goes, e.g. ``Conv(q, 4)``).
        Names not given here become ``Symbol(name, integer=True, positive=True)``
        where a size is expected and ``Symbol(name)`` in kernels and scalar factors.

    Returns
    -------
    sympy.matrices.expressions.MatrixExpr

    Raises
    ------
    ParseError
        The text is not a valid expression; ``position`` says where.
    ParameterError, ShapeMismatchError
        An operator refused its arguments, or shapes do not fit. These pass
        through unchanged, with ``text`` and ``position`` attributes added that
        point at the failing call or operator (see :func:`format_error`).

    Examples
    --------
    >>> parse("Downsample(n, 2).T")
    Downsample(n, 2).T
    >>> parse("Downsample(n, 2).T").doit()
    Upsample(ceiling(n/2), 2, n)
    >>> parse("Corr([1, 1/2], 8, padding='same', stride=2).T").shape
    (8, 4)
    >>> from symconv import kernel
    >>> parse("Conv(q, 4) - Conv(q, 4)", symbols={"q": kernel("q", 2)}).doit()
    0
    >>> parse("Flip(n) @ Flip(n)"), parse("Flip(n) ** 2")
    (Flip(n)*Flip(n), Flip(n)**2)
    >>> parse("Flip(3) @ Flip(3")
    Traceback (most recent call last):
    ...
    symconv.parse.ParseError: expected ',' or ')' between arguments, found the end of the input
      Flip(3) @ Flip(3
                      ^
    """
    if not isinstance(text, str):
        raise ParameterError("text", text, "a string")
    table = _symbol_table(symbols)
    if len(text) > MAX_LENGTH:
        raise ParseError(f"expression longer than {MAX_LENGTH} characters", text, MAX_LENGTH)
    tree = _Parser(text).parse()
    result = _Evaluator(text, table).value(tree, _TAP)
    if _kind(result) != "matrix":
        raise ParseError(f"the expression is a {_kind(result)}, not a matrix", text, 0)
    return result
