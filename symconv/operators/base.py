"""The common base of symconv's operators: shape-checked SymPy matrix expressions.

SymPy's matrix expressions give ``@``, ``.T``, sums, scalar multiples,
``subs`` and ``as_explicit()``; this base adds one thing, composition and
addition that check shapes for symbolic sizes too and say what mismatched.
(SymPy checks only integer shapes and reports no shapes.)
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatPow
from sympy.matrices.expressions.matexpr import MatrixExpr

from symconv import _validate
from symconv.errors import ParameterError, ShapeMismatchError

__all__ = ["Operator", "check_composable", "check_same_shape", "expand_power", "sizes_equal"]


def sizes_equal(a: sp.Expr, b: sp.Expr) -> bool | None:
    """True/False when SymPy can decide ``a == b`` for all values, None when it cannot.

    Examples
    --------
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> sizes_equal(n + 1, 1 + n), sizes_equal(n - 12, n), sizes_equal(sp.ceiling(n / 13), 1)
    (True, False, None)
    """
    difference = sp.simplify(sp.sympify(a) - sp.sympify(b))
    if difference == 0:
        return True
    return False if difference.is_zero is False else None


def _shape_text(expr: object) -> str:
    return "({}, {})".format(*expr.shape) if hasattr(expr, "shape") else "a scalar"


def check_composable(left: object, right: object) -> None:
    """Raise :class:`ShapeMismatchError` unless ``left @ right`` has fitting shapes.

    Examples
    --------
    >>> from symconv import Downsample, Flip
    >>> check_composable(Downsample(4, 2), Flip(3))
    Traceback (most recent call last):
    ...
    symconv.errors.ShapeMismatchError: cannot compose Downsample(4, 2) of shape (2, 4)
    with Flip(3) of shape (3, 3): 4 columns against 3 rows
    """
    if not (getattr(left, "is_Matrix", False) and getattr(right, "is_Matrix", False)):
        return
    verdict = sizes_equal(left.cols, right.rows)
    if verdict is True:
        return
    reason = "cannot be shown equal to" if verdict is None else "against"
    raise ShapeMismatchError(
        f"cannot compose {left} of shape {_shape_text(left)} with {right} of shape "
        f"{_shape_text(right)}: {left.cols} columns {reason} {right.rows} rows"
    )


def check_same_shape(left: object, right: object) -> None:
    """Raise :class:`ShapeMismatchError` unless ``left + right`` has equal shapes."""
    if not (getattr(left, "is_Matrix", False) and getattr(right, "is_Matrix", False)):
        raise ShapeMismatchError(f"cannot add the scalar to a matrix: {left} + {right}")
    if all(sizes_equal(a, b) for a, b in zip(left.shape, right.shape)):
        return
    raise ShapeMismatchError(
        f"cannot add {left} of shape {_shape_text(left)} and {right} of shape {_shape_text(right)}"
    )


def expand_power(power: MatPow) -> list[MatrixExpr]:
    """The factors of ``Aᵉ``: e copies of A, or ``[I]`` for e = 0.

    SymPy turns ``A @ A`` into ``MatPow(A, 2)``; every consumer of expressions
    (explicit matrices, NumPy functions, proofs) reads it as this product.

    Examples
    --------
    >>> from symconv import Flip
    >>> expand_power(Flip(3) @ Flip(3))
    [Flip(3), Flip(3)]
    >>> expand_power(sp.MatPow(Flip(3), -1))
    Traceback (most recent call last):
    ...
    symconv.errors.ParameterError: exponent=-1 is not allowed: expected a literal integer >= 0 \
(a power of Flip(3) is a product of copies of it)
    """
    base, exponent = power.args
    if not (sp.sympify(exponent).is_Integer and exponent >= 0):
        raise ParameterError(
            "exponent",
            exponent,
            f"a literal integer >= 0 (a power of {base} is a product of copies of it)",
        )
    if exponent == 0:
        return [sp.Identity(base.rows)]
    return [base] * int(exponent)


class Operator(MatrixExpr):
    """Abstract base of every symconv operator.

    Subclasses are final, keep all their parameters as SymPy ``args`` (so
    ``==``, ``subs`` and pickling work) and define ``shape``, ``_entry`` and
    ``_eval_transpose``.
    """

    # Above MatrixExpr's 11.0, so that ``MatMul @ Operator`` reaches our check.
    _op_priority = 12.0

    def __matmul__(self, other: object) -> MatrixExpr:
        return self.__mul__(_validate.operand(other, matrix=True))  # @ takes no scalar

    def __rmatmul__(self, other: object) -> MatrixExpr:
        return self.__rmul__(_validate.operand(other, matrix=True))

    def __mul__(self, other: object) -> MatrixExpr:
        other = _validate.operand(other)
        check_composable(self, other)
        return sp.MatMul(self, other).doit()

    def __rmul__(self, other: object) -> MatrixExpr:
        other = _validate.operand(other)
        check_composable(other, self)
        return sp.MatMul(other, self).doit()

    def __add__(self, other: object) -> MatrixExpr:
        other = _validate.operand(other)
        check_same_shape(self, other)
        return sp.MatAdd(self, other).doit()

    def __radd__(self, other: object) -> MatrixExpr:
        other = _validate.operand(other)
        check_same_shape(other, self)
        return sp.MatAdd(other, self).doit()

    def __sub__(self, other: object) -> MatrixExpr:
        return self.__add__(-_validate.operand(other))

    def __rsub__(self, other: object) -> MatrixExpr:
        return (-self).__radd__(other)

    def _eval_transpose(self) -> MatrixExpr:  # pragma: no cover - abstract
        raise NotImplementedError

    def _sympystr(self, printer: object) -> str:
        # Print as the constructor call with keyword-free positional args, so
        # that str(op) reads like the code that built it.
        shown = (repr(a) if isinstance(a, str) else printer._print(a) for a in self._display_args())
        return f"{type(self).__name__}({', '.join(shown)})"

    def _display_args(self) -> tuple:
        return self.args

    def _repr_latex_(self) -> str:
        # Printing lives in symconv.printing.latex; imported here to avoid an import cycle.
        from symconv.printing.latex import repr_latex

        return repr_latex(self)

    def _latex(self, printer: object) -> str:
        r"""SymPy's own LaTeX printer's hook: the operator in symconv's paper notation.

        A product or sum of operators is a plain SymPy ``MatMul``/``MatAdd`` whose
        ``_repr_latex_`` (Jupyter) uses SymPy's printer; this hook makes each operator
        in it print as :func:`symconv.printing.latex.latex` does, not as
        ``\operatorname{Conv}(…)``. symconv's own printer does not call it (its print
        method is another). The hook is an ordinary SymPy printer protocol, so nothing
        global is changed.
        """
        from symconv.printing.latex import latex

        return latex(self)
