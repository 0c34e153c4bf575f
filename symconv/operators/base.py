"""The common base of symconv's operators: shape-checked SymPy matrix expressions.

SymPy's matrix expressions give ``@``, ``.T``, sums, scalar multiples,
``subs`` and ``as_explicit()``; this base adds one thing, composition and
addition that check shapes for symbolic sizes too and say what mismatched.
(SymPy checks only integer shapes and reports no shapes.)
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.matrices.expressions import MatPow
from sympy.matrices.expressions.matexpr import MatrixExpr

from symconv import _validate
from symconv.errors import ParameterError, ShapeMismatchError
from symconv.operators.index_map import Term, evaluate, flat_index, indicator, multi_index

__all__ = [
    "Operator",
    "check_composable",
    "check_same_shape",
    "expand_power",
    "operator_classes",
    "sizes_equal",
]


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


#: What every operator class states itself; everything else is derived from these.
REQUIRED = ("shape", "index_map", "_eval_transpose")

_CLASSES: list[type] = []


def operator_classes() -> tuple[type, ...]:
    """Every operator class defined so far, in the order of definition.

    A class joins when it is defined (its module imported), so the tuple never depends on
    which other modules were imported first; ``import symconv`` defines all of symconv's.

    Examples
    --------
    >>> from symconv import Upsample
    >>> Upsample in operator_classes()
    True
    """
    return tuple(_CLASSES)


class Operator(MatrixExpr):
    """Abstract base of every symconv operator: the operator contract.

    A subclass keeps all its parameters as SymPy ``args`` (so ``==``, ``subs`` and
    pickling work) and states its meaning once, in three pieces that are checked when
    the class is defined:

    ``shape``
        ``(rows, cols)``, symbolic sizes allowed.
    ``index_map(index)``
        Row ``index`` (a tuple, one entry per output axis) as a list of terms
        ``(coefficient, column index, guards)``; see :mod:`symconv.operators.index_map`.
    ``_eval_transpose()``
        The transpose in closed form (another operator), so ``A.T`` is never a bare
        ``Transpose`` of a symconv operator.

    Everything else is derived from them: the entry ``A[i, j]``, the exact matrix
    (:func:`symconv.explicit`), the NumPy function (:func:`symconv.lambdify`), the
    reference oracle of the numeric proof tier, the symbolic proof tier and a default
    LaTeX form. An operator with more than one axis per side (an image, channels)
    also defines ``index_dims``. A faster ``_entry`` or a registered fast path in
    :mod:`symconv.matrices` / :mod:`symconv.numeric` is an optional override, checked
    against the derived default by the generic tests.

    Examples
    --------
    >>> class Halve(Operator):
    ...     @property
    ...     def shape(self):
    ...         return (2, 2)
    Traceback (most recent call last):
    ...
    TypeError: operator class Halve does not define index_map, _eval_transpose \
(every operator states shape, index_map and _eval_transpose)
    """

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        missing = [name for name in REQUIRED if getattr(cls, name) is getattr(Operator, name)]
        if missing:
            raise TypeError(
                f"operator class {cls.__name__} does not define {', '.join(missing)} "
                f"(every operator states {', '.join(REQUIRED[:-1])} and {REQUIRED[-1]})"
            )
        _CLASSES.append(cls)

    @property
    def index_dims(self) -> tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...]]:
        """The axis sizes the rows and the columns are flattened from (row-major)."""
        return (self.rows,), (self.cols,)

    def index_map(self, index: tuple) -> list[Term]:  # pragma: no cover - abstract
        """Row ``index`` as ``[(coefficient, column index, guards)]``."""
        raise NotImplementedError

    def _entry(self, i: object, j: object, **kwargs: object) -> sp.Expr:
        """``A[i, j]`` derived from the index map (a subclass may override it with a
        shorter closed form, checked against this one)."""
        row_axes, col_axes = self.index_dims
        index, column = multi_index(i, row_axes), multi_index(j, col_axes)
        if len(row_axes) == 1:
            index = (sp.sympify(i),)
        if all(sp.sympify(v).is_Integer for v in (*index, *column)):
            # Concrete indices: the terms evaluated, bound indices enumerated.
            wanted = tuple(int(v) for v in (column if len(col_axes) > 1 else (j,)))
            return sp.Add(*(c for c, col in evaluate(self, index) if col == wanted))
        column_flat = sp.sympify(j) if len(col_axes) == 1 else flat_index(column, col_axes)
        concrete = (sp.sympify(i), column_flat, *(sp.sympify(d) for d in self.shape))
        if all(value.is_Integer for value in concrete):
            # At concrete indices and sizes, evaluate the terms: SymPy's Sum.doit over the
            # guards of bound indices is not reliable (it lost a PhaseSum tap) and
            # as_explicit() wants numbers, not unevaluated sums.
            return sp.Add(
                *(c for c, col in _row(self, index) if flat_index(col, col_axes) == column_flat)
            )
        total = sp.Integer(0)
        for c, col, guards in self.index_map(index):
            bound = sorted(_dummies(c, col, guards), key=str)
            limits = {g[1]: g for g in guards if g[0] == "range" and g[1] in bound}
            term = sp.sympify(c) * sp.KroneckerDelta(column_flat, flat_index(col, col_axes))
            term *= sp.Mul(*(indicator(g) for g in guards if g not in limits.values()))
            for u in bound:  # a bound index is summed over its own range
                term = sp.Sum(term, (u, limits[u][2], limits[u][3] - 1))
            total += term
        return total

    # Above MatrixExpr's 11.0, so that ``MatMul @ Operator`` reaches our check.
    _op_priority = 12.0

    def __matmul__(self, other: object) -> MatrixExpr:
        return self.__mul__(_validate.operand(other, matrix=True))  # @ takes no scalar

    def __rmatmul__(self, other: object) -> MatrixExpr:
        return self.__rmul__(_validate.operand(other, matrix=True))

    def __mul__(self, other: object) -> MatrixExpr:
        return _combined(sp.MatMul, check_composable, self, _validate.operand(other))

    def __rmul__(self, other: object) -> MatrixExpr:
        return _combined(sp.MatMul, check_composable, _validate.operand(other), self)

    def __add__(self, other: object) -> MatrixExpr:
        return _combined(sp.MatAdd, check_same_shape, self, _validate.operand(other))

    def __radd__(self, other: object) -> MatrixExpr:
        return _combined(sp.MatAdd, check_same_shape, _validate.operand(other), self)

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


def _combined(kind: type, check: object, left: object, right: object) -> MatrixExpr:
    """``kind(left, right)`` (a product or a sum) evaluated, once ``check`` has found that
    the shapes fit (it raises a clear error otherwise)."""
    check(left, right)
    return kind(left, right).doit()


@functools.lru_cache(maxsize=4096)  # as_explicit() asks for every entry of a row in turn
def _row(op: Operator, index: tuple) -> list:
    return evaluate(op, index)


def _dummies(c: object, col: tuple, guards: object) -> set:
    parts = [c, *col, *(x for g in guards for x in g[1:])]
    return set().union(*(sp.sympify(p).atoms(sp.Dummy) for p in parts))
